#!/bin/sh
# netlat-timeout: 600
# Delays injected at a known place show up in the right stage, and only
# there: netem delay D on the egress qdiscs moves tx_ip_dev's median by D;
# a reader that lets each message wait S in the socket before reading moves
# rx_tcp_user's median by S.  The counts stay exact, and no other stage
# takes the delay (each moves by less than half of it: under TCG medians of
# 40-200 us move by tens of us when the vCPUs idle differently).
#
# Under TCG emulated timers also overshoot (a 200 us netem delay lasts
# ~300 us, a 2 ms sleep ~2.2 ms), so netlat is held to what really
# happened, as the kernel's own SO_TIMESTAMPING saw it from the client:
# the qdisc stay (SCHED -> SND stamps), send() -> driver, device arrival
# -> read() returned.  What really happened must lie between what was
# asked and twice that, plus 500 us: a timer's overshoot is added to the
# delay, and grows with the host's load, not with the delay.
# The same again over IPv6 on the veth pair (VETH6).
. "$NETLAT_TREE/tests/guest/lib.sh"

WITH_IPV6=1
setup_all_paths || exit 1
check "insmod netlat" load_netlat || exit 1
PINGPONG_STAMPS=1
STAGES="tx_sock_tcp tx_tcp_ip tx_ip_dev rx_dev_ip rx_ip_tcp rx_tcp_user"

# run NAME PATH COUNT [SLEEP_US]: a measured ping-pong, both ends on CPU 0
# (a wakeup across idle vCPUs would add noise to rx_tcp_user)
run() {
	case $1 in *VETH6*) EXPECT_FAMILY=6 ;; *) EXPECT_FAMILY=4 ;; esac
	netlat_reset
	check "$1: $3 round trips" pingpong "$2" "$3" 100 "${4:-0}" 0 0
	snapshot "$1"
	F=$OUT/$1.txt
	expect_samples "$1" $((2 * $3))
	grep '^stage' "$F"
}

# rounds DELAY_US: enough round trips for a median, about 2 s of traffic
rounds() { n=$((1000000 / $1)); [ $n -gt 200 ] && n=200; [ $n -lt 20 ] && n=20; echo $n; }

# others_stay LABEL MOVED_STAGE DELAY_NS BASELINE: no stage but the moved
# one takes the delay: each median stays below its baseline + DELAY/2
others_stay() {
	local s p b
	for s in $STAGES; do
		[ "$s" = "$2" ] && continue
		p=$(stage $s p50_ns)
		b=$(F=$4 stage $s p50_ns)
		check "$1: $s p50 $p ns did not take the delay (baseline $b + $(($3 / 2)) ns)" \
			[ "$p" -le $(($b + $3 / 2)) ]
	done
}

# applied LABEL WHAT REAL_NS ASKED_NS: timers never fire early; emulated
# ones fire late, but not by more than what was asked
applied() {
	check "$1: $2 $3 ns, between the $4 ns asked and twice that + 500 us" \
		between "$3" "$4" $((2 * $4 + 500000))
}

for name in VETH NIC VETH6; do
	eval path=\$PATH_$name
	case $name in
	VETH)	devs="nsA:vA nsB:vB"
		delays="200 1000 5000 50000" ;;
	NIC)	devs="nsC:nicC nsD:nicD"
		delays="5000" ;;
	VETH6)	devs="nsA:vA nsB:vB"
		delays="1000 5000" ;;
	esac
	log "== $name: baseline"
	run "$name-baseline" "$path" 200
	base=$OUT/$name-baseline.txt
	for d in $delays; do
		log "== $name: netem delay ${d}us on both egress qdiscs"
		for nd in $devs; do
			tc -n "${nd%:*}" qdisc add dev "${nd#*:}" root netem delay "${d}us" limit 10000
		done
		run "$name-netem-$d" "$path" "$(rounds $((2 * d)))"
		label="$name netem ${d}us"
		q=$(client_value qdisc_p50_ns)
		applied "$label" "packets stayed in the qdisc" "$q" $((d * 1000))
		p=$(stage tx_ip_dev p50_ns)
		b=$(F=$base stage tx_ip_dev p50_ns)
		check "$label: tx_ip_dev p50 $p ns is within 10% of its baseline $b + the qdisc stay $q ns" \
			within 10 "$p" $((b + q))
		p=$(stage tx_total p50_ns)
		t=$(client_value tx_p50_ns)
		check "$label: tx_total p50 $p ns is within 10% of send() -> driver $t ns" within 10 "$p" "$t"
		others_stay "$label" tx_ip_dev "$q" "$base"
		for nd in $devs; do
			tc -n "${nd%:*}" qdisc del dev "${nd#*:}" root
		done
	done
done

for name in LO VETH NIC VETH6; do
	eval path=\$PATH_$name
	if [ $name = VETH ]; then sleeps="2000 10000 40000"; else sleeps="10000"; fi
	base=$OUT/$name-baseline.txt
	[ -e "$base" ] || run "$name-baseline" "$path" 200
	for s in $sleeps; do
		log "== $name: every read waits ${s}us after the data arrived"
		run "$name-reader-$s" "$path" "$(rounds $((2 * s)))" "$s"
		label="$name reader ${s}us"
		z=$(client_value sleep_p50_ns)
		applied "$label" "the reader slept" "$z" $((s * 1000))
		r=$(client_value rx_p50_ns)
		p=$(stage rx_total p50_ns)
		check "$label: rx_total p50 $p ns is within 10% of device arrival -> read() $r ns" within 10 "$p" "$r"
		# of device arrival -> read(), all but the device -> TCP part
		p=$(stage rx_tcp_user p50_ns)
		b=$(($(stage rx_dev_ip p50_ns) + $(stage rx_ip_tcp p50_ns)))
		check "$label: rx_tcp_user p50 $p ns is within 10% of $r - $b ns" within 10 "$p" $((r - b))
		others_stay "$label" rx_tcp_user "$z" "$base"
	done
done

unset F
check "rmmod" unload_netlat
check_dmesg
finish
