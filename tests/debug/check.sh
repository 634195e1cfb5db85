#!/bin/bash
# make check-debug: build the debug kernel (tests/debug/build-kernel.sh;
# cached), build netlat against it, sign it with the kernel's own key (and
# make an unsigned and a wrongly signed copy), and run tests on it: by
# default tests/debug/guest.sh, then tests/guest/parallel.sh (real
# parallelism: nothing else may run beside it).
#
# usage: tests/debug/check.sh [-a] [TEST...]
#   -a    append to build/out/KVER/results instead of starting it afresh
#         (tests/check.sh -d runs the guest suite beside the other kernels,
#         and parallel.sh later, alone)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
append=0
while getopts a o; do
	case $o in
	a) append=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/debug/guest.sh tests/guest/parallel.sh)
start=$(date +%s)
tests/debug/build-kernel.sh
built=$(date +%s)
obj=$top/build/debug-kernel/obj
kver=$(make -s -C "$obj" kernelrelease)
res=build/out/$kver/results
mkdir -p "build/out/$kver"
[ $append = 1 ] || : > "$res"
# result STATUS WHAT DETAIL: one summary line, as tests/check.sh writes them
result() { printf '%-6s %-26s %-28s %s\n' "$1" "$kver" "$2" "$3" >> "$res"; }
tests/tools/build.sh
if ! NETLAT_KDIR=$obj tests/vm/build-module.sh "$kver"; then
	result FAIL "module build (W=1, sparse)" ""
	exit 1
fi
ko=build/$kver/netlat.ko
cp "$ko" "build/$kver/netlat-unsigned.ko"
cp "$ko" "build/$kver/netlat-wrongkey.ko"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=netlat wrong key/" \
	-keyout "build/$kver/wrong.key" -out "build/$kver/wrong.pem" 2> /dev/null
"$obj/scripts/sign-file" sha256 "build/$kver/wrong.key" "build/$kver/wrong.pem" "build/$kver/netlat-wrongkey.ko"
"$obj/scripts/sign-file" sha256 "$obj/certs/signing_key.pem" "$obj/certs/signing_key.x509" "$ko"
rc=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	tstart=$(date +%s)
	# without pci=noacpi the ACPI interpreter times out under TCG on this
	# slow kernel.  la57=off: with -cpu max's 5-level paging, KASAN once
	# reported a wild-memory-access in an interrupt during cpu_detect, early
	# in boot, before any module (docs/testing.md)
	if NETLAT_KERNEL_IMAGE=$obj/arch/x86/boot/bzImage NETLAT_QEMU_CPU=max,la57=off \
		tests/vm/run.sh -k pci=noacpi "$kver" "$t" \
		> "build/out/$kver/run-$name.log" 2>&1; then
		result PASS "$t" "$(($(date +%s) - tstart))s"
	else
		result FAIL "$t" "$(($(date +%s) - tstart))s, log: build/out/$kver/$name/"
		rc=1
	fi
	tail -n 1 "build/out/$kver/run-$name.log"
	grep -E '(PASS|FAIL):' "build/out/$kver/$name/test.log" | grep FAIL || true
done
echo "check-debug: kernel build $((built - start)) s, tests $(($(date +%s) - built)) s, rc=$rc"
exit $rc
