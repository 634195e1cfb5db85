#!/bin/sh
# netlat-timeout: 3000
# Interrupts-off time on PREEMPT_RT (make bench, the RT kernel): every
# netlat handler runs with local interrupts off, which an RT kernel's
# timer interrupt has to wait for.  The kernel's own timerlat tracer
# measures how late its per-CPU timer interrupt ran, under network load,
# with no tracing and with netlat, interleaved round by round.  Under
# -icount a guest nanosecond is one guest instruction, so the latencies
# are instruction counts, free of host noise.
# Load, for SECS: two 64 KiB-write streams over loopback, one to a reader
# that sleeps 20 ms before each read; a paced reader about 2000 skbs of
# 1000 bytes behind, whose every read completes more samples than a share
# (1024, then thinned): the most a read leaves to retire; readers that
# close right after reading 1500 skbs at once, or with 1000 unread;
# ping-pongs over veth and over the NICs, connection churn over veth.
# Raw lines go to $OUT/irqoff.txt:
#   round mode samples irq_p50 irq_p99 irq_max thread_p99 thread_max
. "$NETLAT_TREE/tests/guest/lib.sh"
ROUNDS=$(sed -n 's/.*netlat_bench_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
SECS=$(sed -n 's/.*netlat_bench_secs=\([0-9.]*\).*/\1/p' /proc/cmdline)
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-3}
PACED=$(awk -v s="$SECS" 'BEGIN { print int(s * 20000) }')
T=/sys/kernel/tracing

check "a PREEMPT_RT kernel" grep -q PREEMPT_RT /proc/version || { finish; exit 1; }
check "the timerlat tracer" grep -qw timerlat $T/available_tracers || { finish; exit 1; }
setup_all_paths || exit 1
: > "$OUT/irqoff.txt"

# load: the workloads, in the background, for SECS
load() {
	next_port
	"$TCPGEN" server -a 127.0.0.1 -p $PORT -m sink > /dev/null 2>&1 &
	sleep 0.2
	"$TCPGEN" stream -a 127.0.0.1 -p $PORT -d "$SECS" -l 65536 > /dev/null 2>&1 &
	# a reader 20 ms behind: each read retires all the skbs it kept
	next_port
	"$TCPGEN" server -a 127.0.0.1 -p $PORT -m sink -s 20000 > /dev/null 2>&1 &
	sleep 0.2
	"$TCPGEN" stream -a 127.0.0.1 -p $PORT -d "$SECS" -l 65536 > /dev/null 2>&1 &
	# 1000-byte messages every 100 us, read every 200 ms: each read takes
	# about 2000 skbs, beyond the socket's share
	next_port
	"$TCPGEN" paced -a 127.0.0.1 -p $PORT -n $PACED -l 1000 -b 4000000 \
		-s 200000 > /dev/null 2>&1 &
	sleep 0.2
	"$TCPGEN" paced -m write -a 127.0.0.1 -p $PORT -n $PACED -l 1000 -g 100 \
		> /dev/null 2>&1 &
	# sockets that go holding over a thousand records: one closed right
	# after it read its whole queue, one closed with its queue unread
	next_port
	"$TCPGEN" server -a 127.0.0.1 -p $PORT -m push -n 1500 -l 1000 -g 50 \
		-c 100000000 > /dev/null 2>&1 &
	sleep 0.2
	touch /tmp/irqoff-go
	(while :; do "$TCPGEN" lag -a 127.0.0.1 -p $PORT -b 1500000 \
		-G /tmp/irqoff-go || break; done) > /dev/null 2>&1 &
	next_port
	"$TCPGEN" server -a 127.0.0.1 -p $PORT -m flood -l 1000 -g 50 \
		-c 100000000 > /dev/null 2>&1 &
	sleep 0.2
	"$TCPGEN" unreadclose -a 127.0.0.1 -p $PORT -n 100000000 -b 1000000 \
		> /dev/null 2>&1 &
	for path in "$PATH_VETH" "$PATH_NIC"; do
		set -- $path
		next_port
		in_ns "$1" "$TCPGEN" server -a "$3" -p $PORT -m echo > /dev/null 2>&1 &
		sleep 0.2
		in_ns "$2" "$TCPGEN" pingpong -a "$3" -p $PORT -d "$SECS" -l 100 > /dev/null 2>&1 &
	done
	next_port
	in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p $PORT -m echo -c 100000000 > /dev/null 2>&1 &
	sleep 0.2
	in_ns nsA "$TCPGEN" churn -a 192.0.2.2 -p $PORT -n 100000000 -l 100 > /dev/null 2>&1 &
}

# measure MODE: timerlat for SECS under load, one raw line
measure() {
	[ "$1" = netlat ] && { load_netlat || return 1; }
	echo 0 > $T/tracing_on
	echo nop > $T/current_tracer
	echo > $T/trace
	echo timerlat > $T/current_tracer
	load
	echo 1 > $T/tracing_on
	sleep "$SECS"
	echo 0 > $T/tracing_on
	pkill -x tcpgen
	sleep 0.5
	cat $T/trace > "$OUT/timerlat-$round-$1.txt"
	echo nop > $T/current_tracer
	[ "$1" = netlat ] && { cat $PROC > "$OUT/netlat-$round.txt"; unload_netlat; }
	# "#SEQ context irq|thread timer_latency N ns|us"
	awk -v round="$round" -v mode="$1" '
	function pct(a, n, p,    i) { i = int(n * p + 0.999999); if (i < 1) i = 1; return a[i] }
	function sort(a, n,    i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
	{
		for (i = 1; i < NF; i++) if ($i == "context") break
		if (i >= NF || $(i + 2) != "timer_latency") next
		v = $(i + 3) * ($(i + 4) == "us" ? 1000 : 1)
		if ($(i + 1) == "irq") irq[++ni] = v; else thr[++nt] = v
	}
	END {
		if (!ni || !nt) { print round, mode, 0, 0, 0, 0, 0, 0; exit }
		sort(irq, ni); sort(thr, nt)
		print round, mode, ni, pct(irq, ni, 0.5), pct(irq, ni, 0.99), irq[ni], pct(thr, nt, 0.99), thr[nt]
	}' "$OUT/timerlat-$round-$1.txt" | tee -a "$OUT/irqoff.txt"
}

round=0
while [ $round -lt "$ROUNDS" ]; do
	round=$((round + 1))
	for mode in none netlat; do
		log "round $round: $mode"
		measure $mode
	done
done
check "every run has timerlat samples" sh -c "! awk '\$3 == 0' $OUT/irqoff.txt | grep -q ."
check "netlat timed something under the load" sh -c "awk '\$1 == \"stage\" && \$5 > 0' $OUT/netlat-1.txt | grep -q ."
# (the smoke run, 1 s under plain TCG, may not get that deep)
if [ "${SECS%.*}" -ge 3 ]; then
	check "reads took over a share of skbs at once (rx_thinned > 0)" \
		sh -c "awk '\$1 == \"counter\" && \$2 == \"rx_thinned\" && \$3 > 0' $OUT/netlat-1.txt | grep -q ."
fi
check_dmesg
finish
