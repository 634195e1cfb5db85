#!/bin/bash
# make bench: netlat's overhead against no tracing and against the
# bpftrace scripts netlat comes from, in one guest boot per kernel.
#
# usage: tests/bench/bench.sh [-q] [-r ROUNDS] [-s SECONDS] [KVER...]
#   -q    smoke mode for CI: 1 round of 1 s each; proves it works, no
#         timing conclusions
# Method (README.md, "Overhead"): each round runs every workload under
# every mode, interleaved; the summary is the median per mode and workload,
# the ratios B/A and C/A, the time added per transaction, and netlat's
# probe hits per transaction.  Under TCG only the ratios carry over.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
rounds=5 secs=3 limit=()
while getopts qr:s: o; do
	case $o in
	q) rounds=1 secs=1 limit=(-T 600) ;;	# a smoke run is done in ~1 min
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
	tests/vm/run.sh "${limit[@]}" -o "$top/$out" -k "netlat_bench_rounds=$rounds netlat_bench_secs=$secs" \
		"$kver" tests/bench/guest.sh || { rc=1; tail -n 30 "$out/test.log"; continue; }
	tests/bench/summary.sh "$out/raw.txt" "$kver" "${NETLAT_ACCEL:-tcg}" "$rounds" "$secs" |
		tee "$out/summary.txt"
done
exit $rc
