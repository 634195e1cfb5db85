#!/bin/sh
# netlat-timeout: 3000
# The overhead benchmark, inside one guest boot: every round runs each
# workload under each mode, interleaved (A B C A B C ...), so drift in the
# guest hits all modes alike.
#   A: no tracing   B: netlat, every stage on   C: the two bpftrace scripts
#   D: netlat's probes registered but collection disabled (debugfs enable
#      0: each handler returns at its first line), i.e. the kprobe
#      dispatch alone, so B - D is what netlat's own work costs
#   S: netlat with sample=100 (issue 17: within 0.01 of D), on rr-many
#      only: a single connection is kept or left out whole
#   P: the instrumented build (bench.sh -p: modes none, netlat, dispatch
#      and profile), every stage on, its debugfs profile saved per run
#      to $OUT/profile-ROUND-WORKLOAD.txt (profile-summary.sh)
# Workloads: request/response of 64-byte messages (transactions per
# second) and a bulk stream (bytes per second), over loopback and veth;
# rr-many: 100 loopback connections taking turns at a round trip of 64
# bytes, both ends in one process (tcpgen scale), in modes A, B, D and S.
# Raw lines go to $OUT/overhead.txt: round mode workload rate hits.
. "$NETLAT_TREE/tests/guest/lib.sh"
ROUNDS=$(sed -n 's/.*netlat_bench_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
SECS=$(sed -n 's/.*netlat_bench_secs=\([0-9.]*\).*/\1/p' /proc/cmdline)
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-3}
BT=$NETLAT_TREE/tests/bench
# the modes, comma-separated (bench.sh -p); default: A B D and C if it can
MODES=$(sed -n 's/.*netlat_bench_modes=\([a-z,]*\).*/\1/p' /proc/cmdline | tr , ' ')
KO_PROFILE=$NETLAT_TREE/build/$KVER/profile/netlat.ko
# module parameters of the instrumented netlat (bench.sh -P), comma-separated
PROFILE_ARGS=$(sed -n 's/.*netlat_bench_profile_args=\([a-z0-9_=,]*\).*/\1/p' /proc/cmdline | tr , ' ')

setup_veth
if [ -z "$MODES" ]; then
	MODES="none netlat dispatch sampled"
	if command -v bpftrace > /dev/null; then
		MODES="$MODES bpftrace"
	else
		log "bpftrace is not installed: mode C skipped"
	fi
fi
: > "$OUT/overhead.txt"

start_mode() {
	case $1 in
	netlat) load_netlat ;;
	sampled) load_netlat sample=100 ;;
	profile) insmod "$KO_PROFILE" $PROFILE_ARGS ;;
	dispatch) load_netlat && echo 0 > /sys/kernel/debug/netlat/enable ;;
	bpftrace)
		bpftrace "$BT/seed-send.bt" > /tmp/bt-send.log 2>&1 &
		btpids=$!
		bpftrace "$BT/seed-rcv.bt" > /tmp/bt-rcv.log 2>&1 &
		btpids="$btpids $!"
		# each prints "Attaching N probes..." once its probes are live
		i=0
		until grep -q Attaching /tmp/bt-send.log && grep -q Attaching /tmp/bt-rcv.log; do
			i=$((i + 1))
			[ $i -gt 600 ] && { fail "bpftrace did not attach"; cat /tmp/bt-*.log; return 1; }
			sleep 0.1
		done
		sleep 0.5 ;;
	esac
}

stop_mode() {
	case $1 in
	netlat|dispatch|sampled|profile) unload_netlat ;;
	bpftrace)
		# SIGINT makes bpftrace print its maps and detach; give it 30 s
		kill -INT $btpids
		i=0
		while running $btpids && [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if running $btpids; then
			log "bpftrace did not stop within 30 s of SIGINT: killed"
			ps -o pid,stat,wchan:24,args -C bpftrace
			kill -KILL $btpids
		fi
		wait $btpids ;;
	esac
}

# measure MODE WORKLOAD: one run, one raw line
measure() {
	set -- "$1" "$2" ${3:-}
	case $2 in
	rr-lo|rr-many) path=$PATH_LO ;;
	rr-veth|bulk-veth) path=$PATH_VETH ;;
	bulk-lo) path=$PATH_LO ;;
	esac
	set -- "$1" "$2" $path
	next_port
	case $1 in netlat|sampled|profile) netlat_reset ;; esac
	if [ "$2" = rr-many ]; then
		rate=$("$TCPGEN" scale -a 127.0.0.1 -p $PORT -c 100 -W 100 \
			-n "$(awk -v s="$SECS" 'BEGIN { print int(300 * s) }')" -l 64 |
			awk '$1 == "scale_ns" { ns = $2 } $1 == "scale:" && $5 == "active" { n = $10 }
			     END { if (ns) printf "%.0f\n", n * 1e9 / ns }')
		hits=0 kept=
		case $1 in netlat|sampled)
			hits=$(awk '$1 == "probe" { n += $6 } END { print n + 0 }' $PROC)
			cat $PROC > "$OUT/$1-$2.txt" ;;
		esac
		# the connections sample=100 kept: 2 send samples a round trip
		[ "$1" = sampled ] && kept=$(awk -v n="$(awk -v s="$SECS" 'BEGIN { print int(300 * s) }')" \
			'$1 == "stage" && $2 == "tx_total" { print int($5 / (2 * n) + 0.5) }' $PROC)
		echo "$round $1 $2 $rate $hits $kept" | tee -a "$OUT/overhead.txt"
		return
	fi
	in_ns "$3" "$TCPGEN" server -a "$5" -p $PORT -m "$(case $2 in rr-*) echo echo ;; *) echo sink ;; esac)" > /dev/null 2>&1 &
	spid=$!
	case $2 in
	rr-*) rate=$(in_ns "$4" "$TCPGEN" pingpong -a "$5" -p $PORT -d "$SECS" -l 64 | awk '$1 == "tps" { print $2 }') ;;
	bulk-*) rate=$(in_ns "$4" "$TCPGEN" stream -a "$5" -p $PORT -d "$SECS" -l 65536 | awk '$1 == "bytes_per_s" { print $2 }') ;;
	esac
	wait $spid	# only the server: bpftrace runs in the background too
	hits=0
	case $1 in
	netlat)
		hits=$(awk '$1 == "probe" { n += $6 } END { print n + 0 }' $PROC)
		cat $PROC > "$OUT/netlat-$2.txt" ;;
	profile)
		cat /sys/kernel/debug/netlat/profile > "$OUT/profile-$round-$2.txt"
		hits=$(awk '$1 == "probe" { n += $6 } END { print n + 0 }' $PROC) ;;
	esac
	echo "$round $1 $2 $rate $hits" | tee -a "$OUT/overhead.txt"
}

round=0
while [ $round -lt "$ROUNDS" ]; do
	round=$((round + 1))
	for mode in $MODES; do
		log "round $round: $mode"
		start_mode $mode || continue
		case $mode in
		sampled) ws=rr-many ;;
		bpftrace|profile) ws="rr-lo rr-veth bulk-lo bulk-veth" ;;
		*) ws="rr-lo rr-veth bulk-lo bulk-veth rr-many" ;;
		esac
		for w in $ws; do
			measure $mode $w
		done
		stop_mode $mode
	done
done
check "every run measured something" sh -c "! awk '\$4 == \"\" || \$4 <= 0' $OUT/overhead.txt | grep -q ."
check_dmesg
finish
