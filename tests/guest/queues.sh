#!/bin/sh
# netlat-timeout: 900
# Deep queues: a reader that reads a fixed amount at a steady pace from a
# stream that arrives faster, so that its queue grows to over a thousand
# skbs and each message waits longer than the one before.  The reader
# knows when each message was written and when it read its last byte:
# netlat's rx_tcp_user p50 and p99 must match that truth within 10%, on
# loopback, veth and the virtio-net NICs, with every skb timed or thinned
# by the documented rule (beyond a socket's share of 1024) and nothing
# cut off.  The send side the same way: a writer over a thousand calls
# ahead of its reader, and a qdisc holding a socket's segments 200 ms,
# against the kernel's own SO_TIMESTAMPING stamps.  Bulk traffic as
# iperf3 sends it, against a truth per skb from a packet socket; and
# iperf3 itself: every skb timed or thinned.
. "$NETLAT_TREE/tests/guest/lib.sh"

# 3000 messages of 1000 bytes, one a millisecond; the reader takes 500
# bytes a millisecond: 1500 messages queued when the last is written, the
# waits spread from 0 to about 3 s (5000 and 5 s on the NICs).  1000 bytes: over the receiver's first
# MSS estimate, so TCP acks every other message and the writer never
# waits for its congestion window (paced_held checks it).
N=3000 LEN=1000 READ=500 EVERY_US=1000

setup_all_paths || exit 1
check "insmod" load_netlat || exit 1

# rx_all_timed NAME: every skb but duplicates timed or thinned, a hit the
# kprobe core skipped aside.  rx_truth NAME LOG KEY: rx_tcp_user p50 and
# p99 within 10% of the truth the workload printed in LOG (KEY_p50_ns ...).
rx_all_timed() {
	local units missed
	units=$(($(counter rx_data_skbs) - $(counter rx_duplicate_segments)))
	missed=$(probe_missed rx_)
	check "$1: every skb but duplicates timed or thinned, but for $missed skipped hits ($(counter rx_timed) + $(counter rx_thinned) of $units)" \
		between $((units - $(counter rx_timed) - $(counter rx_thinned))) 0 "$missed"
}
rx_truth() {
	local p truth net
	for p in p50 p99; do
		truth=$(awk -v k="$3_${p}_ns" '$1 == k { print $2 }' "$2")
		net=$(stage rx_tcp_user ${p}_ns)
		check "$1: rx_tcp_user $p $net ns within 10% of the truth $truth ns" \
			within 10 "$net" "${truth:-0}"
	done
}

paced() {	# NAME PATH [MESSAGES]
	local name=$1 held N=${3:-$N}
	set -- $2
	next_port
	netlat_reset
	in_ns "$1" "$TCPGEN" paced -a "$3" -p $PORT -n $N -l $LEN -b $READ \
		-s $EVERY_US > /tmp/paced.log 2>&1 &
	spid=$!
	check "$name: writer" in_ns "$2" "$TCPGEN" paced -m write -a "$3" -p $PORT \
		-n $N -l $LEN -g $EVERY_US > /tmp/writer.log 2>&1
	check "$name: reader, every message read" wait $spid
	cat /tmp/writer.log /tmp/paced.log
	snapshot "$name"
	F=$OUT/$name.txt
	grep -E '^(stage rx_tcp_user|counter (rx_|ring_full))' "$F"
	held=$(awk '$1 == "paced_held" { print $2 }' /tmp/writer.log)
	check "$name: next to no message waited in the writer ($held of $N)" \
		[ "${held:-$N}" -le $((N / 100)) ]
	check "$name: nothing cut off (ring_full $(counter ring_full))" \
		[ "$(counter ring_full)" = 0 ]
	check "$name: deep: skbs thinned beyond the share ($(counter rx_thinned))" \
		[ "$(counter rx_thinned)" -gt 0 ]
	rx_all_timed "$name"
	rx_truth "$name" /tmp/paced.log paced
	expect_accounting "$name"
	expect_sums "$name"
	unset F
}

paced lo "$PATH_LO"
paced veth "$PATH_VETH"
# on the NICs, 2500 queued at once
paced nic "$PATH_NIC" 5000

# Reads left to retire: a read handler retires at most NETLAT_RX_BUDGET
# records; what a read of 3000 queued skbs leaves waits, with the read's
# time, for the socket's next events, and opening /proc/netlat or a reset
# retires it all first.  The reader takes the whole queue in one read,
# then sleeps 6 s with its socket open and no more data coming: within
# that window, /proc/netlat must show every skb timed or thinned (run
# "left"), and a reset must leave nothing of them for after it ("reset").
recvq() {	# NS PORT: bytes the reader's socket holds unread (none: -1)
	in_ns "$1" ss -Htn "( sport = :$2 )" | awk '{ n += $2 } END { print NR ? n : -1 }'
}
left_to_retire() {	# NAME
	local name=$1 i
	set -- $PATH_LO
	next_port
	netlat_reset
	in_ns "$1" "$TCPGEN" paced -a "$3" -p $PORT -n $N -l $LEN -b 4000000 \
		-s 6000000 > /tmp/paced.log 2>&1 &
	spid=$!
	# 200 us apart: one skb a message, as in paced above
	check "$name: writer" in_ns "$2" "$TCPGEN" paced -m write -a "$3" -p $PORT \
		-n $N -l $LEN -g 200 > /tmp/writer.log 2>&1
	# the one read: nothing left unread, the reader asleep for 6 s
	for i in $(seq 150); do
		[ "$(recvq "$1" $PORT)" = 0 ] && break
		sleep 0.1
	done
	check "$name: the reader took the whole queue in one read" [ "$(recvq "$1" $PORT)" = 0 ]
	if [ "$name" = reset ]; then
		netlat_reset
		check "$name: reader" wait $spid
		snapshot "$name"
		F=$OUT/$name.txt
		check "$name: nothing read before the reset is binned after it (rx_timed $(counter rx_timed), rx_total count $(stage rx_total count))" \
			[ "$(counter rx_timed)" = 0 ] && [ "$(stage rx_total count)" = 0 ]
	else
		snapshot "$name"
		check "$name: reader" wait $spid
		F=$OUT/$name.txt
		rx_all_timed "$name (its read's records waited)"
		check "$name: deep: skbs thinned beyond the share ($(counter rx_thinned))" \
			[ "$(counter rx_thinned)" -gt 0 ]
		expect_sums "$name"
	fi
	unset F
}
left_to_retire left
left_to_retire reset

# The send side.  tx_check NAME: every segment timed or thinned, nothing
# cut off; $1 $2 $3: netlat's stage, the writer's truth key, percentile.
tx_check() {
	local name=$1 missed units
	units=$(counter tx_data_segments)
	missed=$(probe_missed tx_)
	check "$name: nothing cut off (ring_full $(counter ring_full))" \
		[ "$(counter ring_full)" = 0 ]
	check "$name: every segment timed or thinned, but for $missed skipped hits ($(counter tx_timed) + $(counter tx_thinned) of $units)" \
		between $((units - $(counter tx_timed) - $(counter tx_thinned))) 0 "$missed"
}
# tx_truth NAME STAGE KEY P: netlat's STAGE percentile P against the
# writer's (the kernel's SO_TIMESTAMPING stamps, one per segment as here)
tx_truth() {
	local truth net
	truth=$(awk -v k="paced_$3_$4_ns" '$1 == k { print $2 }' /tmp/writer.log)
	net=$(stage "$2" "$4"_ns)
	check "$1: $2 $4 $net ns within 10% of the truth $truth ns" \
		within 10 "$net" "${truth:-0}"
}

# A writer far ahead: the reader keeps a small buffer, so that its window
# closes and the writer's messages wait in the writer's socket, over a
# thousand calls at once: every segment timed or thinned beyond the
# socket's share, and the longest waits there.  Over veth, whose segments
# segments are sent as the window opens.
next_port
netlat_reset
set -- $PATH_VETH
in_ns "$1" "$TCPGEN" paced -m slow -a "$3" -p $PORT -n $N -l $LEN -b $READ \
	-s $EVERY_US > /tmp/paced.log 2>&1 &
spid=$!
check "writer ahead: writer" in_ns "$2" "$TCPGEN" paced -m write -S -a "$3" -p $PORT \
	-n $N -l $LEN -g $EVERY_US > /tmp/writer.log 2>&1
check "writer ahead: reader" wait $spid
cat /tmp/writer.log
snapshot writer-ahead
F=$OUT/writer-ahead.txt
grep -E '^(stage tx_|counter (tx_|ring_full))' "$F"
held=$(awk '$1 == "paced_held" { print $2 }' /tmp/writer.log)
check "writer ahead: most messages waited in the writer ($held of $N)" \
	[ "${held:-0}" -gt $((N / 2)) ]
tx_check "writer ahead"
check "writer ahead: calls thinned beyond the share ($(counter tx_thinned))" \
	[ "$(counter tx_thinned)" -gt 0 ]
# The kernel stamps only the segments that end a call, and the window
# opening a few hundred bytes at a time cuts many that do not: netlat's
# percentiles count those too, the stamps' do not.  The longest wait is
# the same in both: the last messages'.
tx_truth "writer ahead" tx_total tx max
expect_accounting writer-ahead
expect_sums writer-ahead
unset F

# A qdisc that holds every segment 200 ms (netem on the writer's veth):
# about 200 segments of one socket between IP and the driver at once.
# tx_ip_dev against the kernel's own qdisc -> driver stamps.
modprobe sch_netem
in_ns nsA tc qdisc add dev vA root netem delay 200ms limit 100000
next_port
netlat_reset
set -- $PATH_VETH
in_ns "$1" "$TCPGEN" paced -a "$3" -p $PORT -n 1000 -l $LEN -b 65536 \
	-s $EVERY_US > /tmp/paced.log 2>&1 &
spid=$!
check "qdisc: writer" in_ns "$2" "$TCPGEN" paced -m write -S -a "$3" -p $PORT \
	-n 1000 -l $LEN -g $EVERY_US > /tmp/writer.log 2>&1
check "qdisc: reader" wait $spid
in_ns nsA tc qdisc del dev vA root
cat /tmp/writer.log
snapshot qdisc
F=$OUT/qdisc.txt
grep -E '^(stage tx_|counter (tx_|ring_full))' "$F"
tx_check qdisc
for p in p50 p99; do
	tx_truth qdisc tx_ip_dev qdisc $p
done
expect_accounting qdisc
expect_sums qdisc
unset F

# Bulk, as iperf3 sends it: 128 KiB writes back to back on 1, 2 and 4
# connections, to a reader that reads a fixed amount from each every
# millisecond and so falls behind.  Here TCP, GSO and GRO cut the skbs
# (64 KB on loopback and veth, GRO'd on the NICs), not the writer, so
# tcpgen bulk takes the truth from a packet socket beside the reader: each
# skb the reader's netns received, with its RX stamp and sequence range,
# waited until the read that took its last byte.  A truth per skb, as
# netlat's histograms are: the same skbs, rx_tcp_user p50 and p99 within
# 10%.  On the NICs with a 16 MiB buffer (-m deep), the queue passes the
# share and netlat thins.
bulk() {	# NAME PATH CONNS READ [MODE]
	local name=$1 conns=$3 read=$4 mode=${5:+-m $5} units skbs missed dups
	set -- $2
	next_port
	netlat_reset
	in_ns "$1" "$TCPGEN" bulk -a "$3" -p $PORT -c $conns -b $read -s 1000 \
		$mode > /tmp/bulk.log 2>&1 &
	spid=$!
	check "$name: writers" in_ns "$2" "$TCPGEN" bulk -m write -a "$3" -p $PORT \
		-c $conns -n 256 -l 131072
	check "$name: reader, every skb captured" wait $spid
	cat /tmp/bulk.log
	snapshot "$name"
	F=$OUT/$name.txt
	grep -E '^(stage rx_tcp_user|counter (rx_|ring_full))' "$F"
	units=$(($(counter rx_data_skbs) - $(counter rx_duplicate_segments)))
	skbs=$(awk '$1 == "bulk_skbs" { print $2 }' /tmp/bulk.log)
	missed=$(probe_missed rx_)
	check "$name: nothing cut off (ring_full $(counter ring_full))" \
		[ "$(counter ring_full)" = 0 ]
	# a copy that came while the first was unread is a duplicate to
	# netlat (it cannot tell which TCP kept), one to the capture: apart
	# from duplicates and skipped hits, the same skbs
	dups=$(($(counter rx_duplicate_segments) +
		$(awk '$1 == "bulk_duplicates" { print $2 }' /tmp/bulk.log)))
	check "$name: netlat's skbs are the capture's: $units and $skbs, but for $missed skipped hits and $dups duplicates" \
		between $((${skbs:-0} - units)) $((-dups)) $((missed + dups))
	rx_all_timed "$name"
	rx_truth "$name" /tmp/bulk.log bulk
	expect_accounting "$name"
	expect_sums "$name"
	unset F
}
for n in 1 2 4; do
	bulk bulk-lo-$n "$PATH_LO" $n $((32768 / n))
	bulk bulk-veth-$n "$PATH_VETH" $n $((32768 / n))
done
bulk bulk-nic-deep "$PATH_NIC" 2 16384 deep

# iperf3 (a real bulk program) with 1, 2 and 4 streams over loopback and
# veth: its receiver falls behind under emulation.  Every data unit timed
# or thinned (a hit the kprobe core skipped aside), nothing cut off.
# Data never read (iperf3 closes its sockets at the end of the test with
# what it has not read yet, when it lags) and duplicates cannot be timed.
coverage() {	# NAME DIR
	local units timed missed
	if [ "$2" = tx ]; then
		units=$(counter tx_data_segments)
	else
		units=$(($(counter rx_data_skbs) - $(counter rx_duplicate_segments) -
			 $(counter rx_tcp_user.unmatched_start)))
	fi
	timed=$(($(counter ${2}_timed) + $(counter ${2}_thinned)))
	missed=$(probe_missed ${2}_)
	check "$1: $2 timed or thinned: $timed of $units read, $missed hits skipped, over 99%" \
		[ $(((timed + missed) * 100)) -ge $((units * 99)) ]
}
for p in lo veth; do
	for n in 1 2 4; do
		eval "set -- \$PATH_$(echo $p | tr a-z A-Z)"
		next_port
		netlat_reset
		in_ns "$1" iperf3 -s -1 -p $PORT > /tmp/iperf3-server.log 2>&1 &
		spid=$!
		sleep 0.5
		check "iperf3 $p -P $n" in_ns "$2" iperf3 -c "$3" -p $PORT -P $n -t 2 \
			> /tmp/iperf3.log 2>&1
		wait $spid
		grep -E 'sender|receiver' /tmp/iperf3.log | tail -n 2
		snapshot iperf3-$p-$n
		F=$OUT/iperf3-$p-$n.txt
		check "iperf3 $p -P $n: nothing cut off (ring_full $(counter ring_full))" \
			[ "$(counter ring_full)" = 0 ]
		coverage "iperf3 $p -P $n" tx
		coverage "iperf3 $p -P $n" rx
		log "iperf3 $p -P $n: rx_tcp_user p50 $(stage rx_tcp_user p50_ns) p99 $(stage rx_tcp_user p99_ns), rx_thinned $(counter rx_thinned), records $(grep '^records ' "$F")"
		expect_accounting iperf3-$p-$n
		unset F
	done
done

check "rmmod" unload_netlat
check_dmesg
finish
