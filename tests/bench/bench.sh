#!/bin/bash
# make bench: in one guest boot per kernel and benchmark,
#   overhead  netlat's cost against no tracing and against the bpftrace
#             scripts netlat comes from (tests/bench/overhead.sh)
#   scale     coverage, memory and cost per message with up to 100k
#             connections open (tests/bench/scale.sh)
#   irqoff    on the PREEMPT_RT kernel only: the interrupt latency netlat's
#             interrupts-off handlers add (tests/bench/irqoff.sh, timerlat)
#
#   profile   only with -p: where netlat's own instructions go, per
#             handler and per section of it, from the instrumented build
#             (NETLAT_PROFILE=1) in the overhead workloads
#             (tests/bench/profile-summary.sh, docs/overhead.md)
#
# usage: tests/bench/bench.sh [-q] [-p [-P PARAMS]] [-a icount|tcg|kvm]
#                             [-r ROUNDS] [-s SECONDS] [-w BENCH[,BENCH]]
#                             [-m MODE[,MODE]] [KVER...]
#   -q    smoke mode for make check: 1 round of 1 s each under plain TCG,
#         one small scale case, 100 of 1000 connections in flight at once
#         (about a minute a benchmark; under icount five); proves the
#         workloads, modes and summaries work, no timing conclusions
#   -a    how the guest runs (tests/vm/run.sh): icount (default) counts
#         guest instructions as guest time, so every figure is an exact,
#         repeatable instruction count, whatever else the host does; tcg
#         is host time under emulation (noisy); kvm where it works
#   -w    only these benchmarks (default: all that apply to the kernel)
#   -m    the overhead benchmark's modes (none, netlat, dispatch, sampled,
#         bpftrace; default: all), e.g. none,netlat,dispatch,sampled to
#         leave the slow bpftrace mode out while working on netlat
#   -p    the profile instead of any -w (make bench NETLAT_PROFILE=1):
#         builds the instrumented module too, runs the overhead workloads
#         with modes none, netlat, dispatch and the instrumented netlat,
#         in one boot per kernel; results in build/bench/KVER/profile/
#   -P    with -p: module parameters of the instrumented netlat, e.g.
#         "sample=100" (results in build/bench/KVER/profile-sample_100/)
# Method (docs/overhead.md): each round runs every workload under
# every mode, interleaved; the summary is the median per mode and workload,
# the ratios B/A and C/A, the time added per transaction, and netlat's
# probe hits per transaction.  Under TCG only the ratios carry over.
# Results: build/bench/KVER/BENCH/ (raw lines, summary.txt).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
rounds=5 secs=3 limit=() accel=icount which=overhead,scale,irqoff profile=
profile_args= bench_modes=
scale_cases=1000:100,3000:3000,3000:3000:burst,10000:1000,100000:3000,100000:3000:burst
while getopts qpP:a:r:s:w:m: o; do
	case $o in
	q) rounds=1 secs=1 accel=tcg limit=(-T 900) scale_cases=1000:100:burst ;;
	p) profile=1 ;;
	P) profile_args=$OPTARG ;;
	w) which=$OPTARG ;;
	m) bench_modes=$OPTARG ;;
	a) accel=$OPTARG ;;
	r) rounds=$OPTARG ;;
	s) secs=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -z "$profile" ] || which=profile
kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || mapfile -t kvers < <(tests/vm/kernels.sh -a)
tests/tools/build.sh
rc=0
for kver in "${kvers[@]}"; do
	# the normal build (make bench NETLAT_PROFILE=1 exports it to here)
	NETLAT_PROFILE= tests/vm/build-module.sh "$kver" > /dev/null
	case $kver in
	*-rt-*) benches="irqoff" ;;
	*) benches="overhead scale" ;;
	esac
	# the profile runs the overhead benchmark's guest half with other modes
	[ "$which" = profile ] && benches=profile
	for b in $benches; do
		case ",$which," in *,$b,*) ;; *) continue ;; esac
		out=build/bench/$kver/$b
		test=tests/bench/$b.sh modes=
		[ -z "$bench_modes" ] || modes=" netlat_bench_modes=$bench_modes"
		if [ $b = profile ]; then
			NETLAT_PROFILE=1 tests/vm/build-module.sh "$kver" > /dev/null
			test=tests/bench/overhead.sh
			modes=" netlat_bench_modes=none,netlat,dispatch,profile"
			if [ -n "$profile_args" ]; then
				modes+=" netlat_bench_profile_args=$(echo $profile_args | tr ' ' ,)"
				out+=-$(echo $profile_args | tr ' =' -_)
			fi
		fi
		tests/vm/run.sh -a "$accel" "${limit[@]}" -o "$top/$out" \
			-k "netlat_bench_rounds=$rounds netlat_bench_secs=$secs netlat_scale_cases=$scale_cases$modes" \
			"$kver" "$test" || { rc=1; tail -n 30 "$out/test.log"; continue; }
		raw=$out/$b.txt
		[ $b = profile ] && raw=$out/overhead.txt
		"tests/bench/$b-summary.sh" "$raw" "$kver" "$accel" "$rounds" "$secs" |
			tee "$out/summary.txt"
	done
done
exit $rc
