#!/bin/bash
# make check-debug: build the debug kernel (tests/debug/build-kernel.sh),
# build netlat against it, sign it with the kernel's own key (and make an
# unsigned and a wrongly signed copy), and run tests/debug/guest.sh on it.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
start=$(date +%s)
tests/debug/build-kernel.sh
built=$(date +%s)
obj=$top/build/debug-kernel/obj
kver=$(make -s -C "$obj" kernelrelease)
tests/tools/build.sh
NETLAT_KDIR=$obj tests/vm/build-module.sh "$kver"
ko=build/$kver/netlat.ko
cp "$ko" "build/$kver/netlat-unsigned.ko"
cp "$ko" "build/$kver/netlat-wrongkey.ko"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=netlat wrong key/" \
	-keyout "build/$kver/wrong.key" -out "build/$kver/wrong.pem" 2> /dev/null
"$obj/scripts/sign-file" sha256 "build/$kver/wrong.key" "build/$kver/wrong.pem" "build/$kver/netlat-wrongkey.ko"
"$obj/scripts/sign-file" sha256 "$obj/certs/signing_key.pem" "$obj/certs/signing_key.x509" "$ko"
rc=0
NETLAT_KERNEL_IMAGE=$obj/arch/x86/boot/bzImage tests/vm/run.sh "$kver" tests/debug/guest.sh || rc=$?
grep -E '(PASS|FAIL):' "build/out/$kver/guest/test.log" | grep FAIL || true
echo "check-debug: kernel build $((built - start)) s, tests $(($(date +%s) - built)) s, rc=$rc"
printf '%s\t  %s\n' $((built - start)) "debug kernel: build (or cache)" $(($(date +%s) - built)) "debug kernel: module and tests" >> build/phases
exit $rc
