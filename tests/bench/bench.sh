#!/bin/bash
# make bench: netlat's overhead against no tracing and against the
# bpftrace scripts netlat comes from, in one guest boot per kernel.
#
# usage: tests/bench/bench.sh [-q] [-a icount|tcg|kvm] [-r ROUNDS] [-s SECONDS]
#                             [KVER...]
#   -q    smoke mode for make check: 1 round of 1 s each under plain TCG
#         (about a minute; under icount it takes five); proves the
#         workloads, modes and summary work, no timing conclusions
#   -a    how the guest runs (tests/vm/run.sh): icount (default) counts
#         guest instructions as guest time, so every figure is an exact,
#         repeatable instruction count, whatever else the host does; tcg
#         is host time under emulation (noisy); kvm where it works
# Method (README.md, "Overhead"): each round runs every workload under
# every mode, interleaved; the summary is the median per mode and workload,
# the ratios B/A and C/A, the time added per transaction, and netlat's
# probe hits per transaction.  Under TCG only the ratios carry over.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
rounds=5 secs=3 limit=() accel=icount
while getopts qa:r:s: o; do
	case $o in
	q) rounds=1 secs=1 accel=tcg limit=(-T 600) ;;
	a) accel=$OPTARG ;;
	r) rounds=$OPTARG ;;
	s) secs=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || mapfile -t kvers < <(tests/vm/kernels.sh)
tests/tools/build.sh
rc=0
for kver in "${kvers[@]}"; do
	tests/vm/build-module.sh "$kver" > /dev/null
	out=build/bench/$kver
	tests/vm/run.sh -a "$accel" "${limit[@]}" -o "$top/$out" -k "netlat_bench_rounds=$rounds netlat_bench_secs=$secs" \
		"$kver" tests/bench/guest.sh || { rc=1; tail -n 30 "$out/test.log"; continue; }
	tests/bench/summary.sh "$out/raw.txt" "$kver" "$accel" "$rounds" "$secs" |
		tee "$out/summary.txt"
done
exit $rc
