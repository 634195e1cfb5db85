#!/bin/bash
# Run every netlat test: host unit tests and checkpatch, then for each supported kernel
# build the module (W=1, sparse: warnings fail) and run each guest test in
# its own qemu boot.  Prints one line per test and a summary, then the
# FAIL lines of every failed test; exits non-zero if anything failed.
#
# usage: tests/check.sh [-b] [-j JOBS] [-k KVER]... [GUEST_TEST...]
#   -b           after a kernel's tests, the benchmark's smoke run on it
#                (tests/bench/bench.sh -q)
#   -j JOBS      kernels tested at once (default: one per core, at most
#                one per kernel).  A single-threaded TCG guest keeps one
#                host core busy, so on 2 cores the two kernels run side
#                by side, each its tests one after another.
#   -k KVER      only this kernel (repeatable); default: tests/vm/kernels.sh
#   GUEST_TEST   e.g. tests/guest/stages.sh; default: every tests/guest/*.sh
# The accelerator is TCG unless NETLAT_ACCEL=kvm (see tests/vm/run.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kvers=() jobs=$(nproc) bench=0
while getopts bj:k: o; do
	case $o in
	b) bench=1 ;;
	j) jobs=$OPTARG ;;
	k) kvers+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ ${#kvers[@]} -gt 0 ] || mapfile -t kvers < <(tests/vm/kernels.sh)
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	# a TEST.host file beside a test is its host half (tests/vm/run.sh)
	for t in tests/guest/*.sh; do
		[ "$(basename "$t")" = lib.sh ] || tests+=("$t")
	done
fi
[ ${#kvers[@]} -gt 0 ] || { echo "check: no supported kernel installed (tests/setup.sh)"; exit 1; }

# result LIST STATUS KVER WHAT DETAIL: one summary line into LIST
result() { printf '%-6s %-26s %-28s %s\n' "$2" "$3" "$4" "$5" >> "$1"; }
# phase NAME START: how long a part took, into build/phases (tests/make-check.sh)
phase() { printf '%s\t  %s\n' $(($(date +%s) - $2)) "$1" >> build/phases; }

# one kernel: module build, then its guest tests one after another; the
# results go to build/out/KVER/results, the progress to stdout
check_kernel() {
	local kver=$1 res=build/out/$1/results t log runlog start rc secs
	mkdir -p "build/out/$kver"
	: > "$res"
	if ! tests/vm/build-module.sh "$kver"; then
		result "$res" FAIL "$kver" "module build (W=1, sparse)" ""
		return
	fi
	result "$res" PASS "$kver" "module build (W=1, sparse)" ""
	for t in "${tests[@]}"; do
		log=build/out/$kver/$(basename "$t" .sh)
		runlog=build/out/$kver/run-$(basename "$t" .sh).log
		start=$(date +%s)
		tests/vm/run.sh "$kver" "$t" > "$runlog" 2>&1
		rc=$?
		secs=$(($(date +%s) - start))
		tail -n 1 "$runlog"
		# probes.sh: the hits of every probe on each path, for the CI log
		grep -E '^\[[0-9. ]+\] hits ' "$log/test.log" 2> /dev/null
		if [ $rc -eq 0 ]; then
			result "$res" PASS "$kver" "$t" "${secs}s"
		else
			result "$res" FAIL "$kver" "$t" "${secs}s rc=$rc, log: $log/"
		fi
	done
	[ $bench = 1 ] || return
	start=$(date +%s)
	if tests/bench/bench.sh -q "$kver" > "build/out/$kver/run-bench.log" 2>&1; then
		result "$res" PASS "$kver" "benchmark smoke (bench.sh -q)" "$(($(date +%s) - start))s"
	else
		result "$res" FAIL "$kver" "benchmark smoke (bench.sh -q)" "log: build/out/$kver/run-bench.log"
	fi
	tail -n 8 "build/out/$kver/run-bench.log"
}

echo "== host: unit tests"
mkdir -p build
hoststart=$(date +%s)
: > build/host-results
if make -C userspace test; then
	result build/host-results PASS host "userspace unit tests" ""
else
	result build/host-results FAIL host "userspace unit tests" ""
fi
echo "== host: checkpatch --strict"
if tests/lint.sh; then
	result build/host-results PASS host "checkpatch --strict" ""
else
	result build/host-results FAIL host "checkpatch --strict" ""
fi
make -s -C userspace || exit 1
tests/tools/build.sh || exit 1
phase "host: unit tests, lint, tools" "$hoststart"

[ "$jobs" -gt ${#kvers[@]} ] && jobs=${#kvers[@]}
echo "== accelerator: ${NETLAT_ACCEL:-tcg} (single-threaded TCG unless NETLAT_ACCEL=kvm); $jobs kernel(s) at once"
running=0
for kver in "${kvers[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	echo "== kernel $kver: its lines start with [$kver]"
	{
		kstart=$(date +%s)
		check_kernel "$kver" 2>&1 | sed -u "s/^/[$kver] /"
		phase "guest suite: $kver" "$kstart"
	} &
	running=$((running + 1))
done
wait

echo "== summary"
lists=(build/host-results)
for kver in "${kvers[@]}"; do lists+=("build/out/$kver/results"); done
cat "${lists[@]}"
passed=$(cat "${lists[@]}" | grep -c '^PASS')
failed=$(cat "${lists[@]}" | grep -c '^FAIL')
# The failures last, where a reader of the tail of a CI log finds them:
# each failed test's FAIL lines and the end of its console.
cat "${lists[@]}" | awk '$1 == "FAIL" && $3 ~ /^tests\// { print $2, $3 }' |
	while read -r kver t; do
		log=build/out/$kver/$(basename "$t" .sh)
		echo "== failed: $kver $t"
		grep -E '^\[[0-9. ]+\] FAIL' "$log/test.log" 2> /dev/null | head -n 20
		tail -n 15 "build/out/$kver/run-$(basename "$t" .sh).log"
	done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
