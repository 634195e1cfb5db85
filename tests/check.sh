#!/bin/bash
# Run every netlat test: host unit tests and checkpatch, then for each supported kernel
# build the module (W=1, sparse: warnings fail) and run each guest test in
# its own qemu boot.  Prints one line per test and a summary, then the
# FAIL lines of every failed test; exits non-zero if anything failed.
#
# usage: tests/check.sh [-b] [-d] [-j JOBS] [-k KVER]... [GUEST_TEST...]
#   -b           after a kernel's tests, the benchmark's smoke run on it
#                (tests/bench/bench.sh -q)
#   -d           the debug kernel too (tests/debug/check.sh): built (or
#                taken from its cache) first, with every core; its suite
#                then runs as one more kernel, and parallel.sh alone
#   -j JOBS      kernels tested at once (default: one per core).  A
#                single-threaded TCG guest keeps one host core busy, so
#                on 2 cores two kernels run side by side, each its tests
#                one after another, the longest first.
#   -k KVER      only this kernel (repeatable); default: tests/vm/kernels.sh -a
#                (the 6.1 and 6.12 lines, and 6.12 PREEMPT_RT)
#   GUEST_TEST   e.g. tests/guest/stages.sh; default: every tests/guest/*.sh
#                A test that needs every core (tests/guest/parallel.sh)
#                runs after the others, alone, one kernel after another.
# The accelerator is TCG unless NETLAT_ACCEL=kvm (see tests/vm/run.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kvers=() jobs=$(nproc) bench=0 debug=0
while getopts bdj:k: o; do
	case $o in
	b) bench=1 ;;
	d) debug=1 ;;
	j) jobs=$OPTARG ;;
	k) kvers+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ ${#kvers[@]} -gt 0 ] || mapfile -t kvers < <(tests/vm/kernels.sh -a)
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
# rt_skips KVER TEST: a test the PREEMPT_RT kernel leaves to 6.12.  RT runs
# the same 6.12 code with the same symbols; what it changes is who runs the
# handlers (softirqs in threads, sleeping spinlocks, preemptible sections),
# and the probe, stage, control, lifecycle, parallel and slow-log tests
# (the slow log's wake-up runs in an irq_work thread there) are the ones
# that exercise that.  The others prove kernel-version paths 6.12 covers.
rt_tests=" probes stages control lifecycle parallel slow "
rt_skips() {
	case $1 in
	*-rt-*) [ "${rt_tests#* $(basename "$2" .sh) }" = "$rt_tests" ] ;;
	*) return 1 ;;
	esac
}
# alone TEST: does it need every core (multi-threaded TCG, "# netlat-accel:
# mttcg")?  Such a test runs after the others, with nothing beside it.
alone() { grep -q '^# netlat-accel: mttcg' "$1"; }
# phase NAME START: how long a part took, into build/phases (tests/make-check.sh)
phase() { printf '%s\t  %s\n' $(($(date +%s) - $2)) "$1" >> build/phases; }

# run_test KVER TEST RESULTS: one guest test in its own boot
run_test() {
	local kver=$1 t=$2 res=$3 log runlog start rc secs
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
}

# one kernel: module build, then its guest tests one after another (those
# that need every core are left for later); the results go to
# build/out/KVER/results, the progress to stdout
check_kernel() {
	local kver=$1 res=build/out/$1/results t start
	mkdir -p "build/out/$kver"
	: > "$res"
	if ! tests/vm/build-module.sh "$kver"; then
		result "$res" FAIL "$kver" "module build (W=1, sparse)" ""
		return
	fi
	result "$res" PASS "$kver" "module build (W=1, sparse)" ""
	for t in "${tests[@]}"; do
		alone "$t" || rt_skips "$kver" "$t" || run_test "$kver" "$t" "$res"
	done
	# the smoke run proves the benchmark works (on RT: the interrupt latency)
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

lists=(build/host-results)
for kver in "${kvers[@]}"; do lists+=("build/out/$kver/results"); done
# the jobs, longest first: the Debian lines, the debug kernel's suite, the
# RT kernel's shorter list
queue=()
for kver in "${kvers[@]}"; do
	case $kver in *-rt-*) ;; *) queue+=("$kver") ;; esac
done
if [ $debug = 1 ]; then
	dstart=$(date +%s)
	echo "== debug kernel: build or cache"
	if tests/debug/build-kernel.sh; then
		dkver=$(make -s -C build/debug-kernel/obj kernelrelease)
		queue+=(debug)
		lists+=("build/out/$dkver/results")
		mkdir -p "build/out/$dkver"
		: > "build/out/$dkver/results"
	else
		result build/host-results FAIL host "debug kernel build" ""
	fi
	phase "debug kernel: build (or cache)" "$dstart"
fi
for kver in "${kvers[@]}"; do
	case $kver in *-rt-*) queue+=("$kver") ;; esac
done

echo "== accelerator: ${NETLAT_ACCEL:-tcg} (single-threaded TCG unless NETLAT_ACCEL=kvm); $jobs job(s) at once"
running=0
for job in "${queue[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	if [ "$job" = debug ]; then
		echo "== debug kernel $dkver: its lines start with [debug]"
		{
			kstart=$(date +%s)
			tests/debug/check.sh -a tests/debug/guest.sh 2>&1 | sed -u "s/^/[debug] /"
			phase "guest suite: $dkver" "$kstart"
		} &
	else
		echo "== kernel $job: its lines start with [$job]"
		{
			kstart=$(date +%s)
			check_kernel "$job" 2>&1 | sed -u "s/^/[$job] /"
			phase "guest suite: $job" "$kstart"
		} &
	fi
	running=$((running + 1))
done
wait
# the tests that need every core, one at a time (a kernel whose module
# did not build has nothing to run)
for kver in "${kvers[@]}"; do
	grep -q '^PASS.*module build' "build/out/$kver/results" || continue
	for t in "${tests[@]}"; do
		alone "$t" && ! rt_skips "$kver" "$t" || continue
		kstart=$(date +%s)
		run_test "$kver" "$t" "build/out/$kver/results" 2>&1 | sed -u "s/^/[$kver] /"
		phase "$(basename "$t"), alone: $kver" "$kstart"
	done
done
if [ $debug = 1 ] && [ -n "${dkver:-}" ]; then
	kstart=$(date +%s)
	tests/debug/check.sh -a tests/guest/parallel.sh 2>&1 | sed -u "s/^/[debug] /"
	phase "parallel.sh, alone: $dkver" "$kstart"
fi

echo "== summary"
cat "${lists[@]}"
passed=$(cat "${lists[@]}" | grep -c '^PASS')
failed=$(cat "${lists[@]}" | grep -c '^FAIL')
# The failures last, where a reader of the tail of a CI log finds them:
# each failed test's FAIL lines, the first kernel splat on its console
# (with the lines that name where it happened) and the end of its run.
: > build/failures
cat "${lists[@]}" | awk '$1 == "FAIL" && $3 ~ /^tests\// { print $2, $3 }' |
	while read -r kver t; do
		log=build/out/$kver/$(basename "$t" .sh)
		echo "== failed: $kver $t"
		grep -E '^\[[0-9. ]+\] FAIL' "$log/test.log" 2> /dev/null | head -n 20 |
			sed "s|^|$kver $t: |" | tee -a build/failures
		grep -m 1 -B 2 -A 40 -E 'WARNING:|BUG:|Oops|general protection|UBSAN:|KASAN:' \
			"$log/console.log" 2> /dev/null
		tail -n 15 "build/out/$kver/run-$(basename "$t" .sh).log"
	done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
