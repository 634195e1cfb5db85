#!/bin/bash
# Run every netlat test: host unit tests, then for each supported kernel
# build the module (W=1, sparse: warnings fail) and run each guest test in
# its own qemu boot.  Prints one line per test and a summary; exits
# non-zero if anything failed.
#
# usage: tests/check.sh [-k KVER]... [GUEST_TEST...]
#   -k KVER      only this kernel (repeatable); default: tests/vm/kernels.sh
#   GUEST_TEST   e.g. tests/guest/stages.sh; default: every tests/guest/*.sh
# The accelerator is TCG unless NETLAT_ACCEL=kvm (see tests/vm/run.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kvers=()
while getopts k: o; do
	case $o in
	k) kvers+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ ${#kvers[@]} -gt 0 ] || mapfile -t kvers < <(tests/vm/kernels.sh)
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	for t in tests/guest/*.sh; do
		[ "$(basename "$t")" = lib.sh ] || tests+=("$t")
	done
fi
[ ${#kvers[@]} -gt 0 ] || { echo "check: no supported kernel installed (tests/setup.sh)"; exit 1; }

failed=0 passed=0
results=()
note() { results+=("$(printf '%-6s %-26s %-28s %s' "$1" "$2" "$3" "$4")"); }

echo "== host: unit tests"
if make -C userspace test; then
	passed=$((passed + 1)); note PASS host "userspace unit tests" ""
else
	failed=$((failed + 1)); note FAIL host "userspace unit tests" ""
fi
make -s -C userspace || exit 1
tests/tools/build.sh || exit 1

echo "== accelerator: ${NETLAT_ACCEL:-tcg} (single-threaded TCG unless NETLAT_ACCEL=kvm)"
for kver in "${kvers[@]}"; do
	echo "== kernel $kver"
	if ! tests/vm/build-module.sh "$kver"; then
		failed=$((failed + 1)); note FAIL "$kver" "module build (W=1, sparse)" ""
		continue
	fi
	passed=$((passed + 1)); note PASS "$kver" "module build (W=1, sparse)" ""
	for t in "${tests[@]}"; do
		log=build/out/$kver/$(basename "$t" .sh)
		start=$(date +%s)
		tests/vm/run.sh "$kver" "$t" > "build/run.log" 2>&1
		rc=$?
		secs=$(($(date +%s) - start))
		grep -E '^\[[0-9. ]+\] (PASS|FAIL)' "$log/test.log" 2> /dev/null | grep FAIL
		tail -n 1 build/run.log
		if [ $rc -eq 0 ]; then
			passed=$((passed + 1)); note PASS "$kver" "$t" "${secs}s"
		else
			failed=$((failed + 1)); note FAIL "$kver" "$t" "${secs}s rc=$rc, log: $log/"
			cat build/run.log
			tail -n 60 "$log/test.log" 2> /dev/null
		fi
	done
done
echo "== summary"
printf '%s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
