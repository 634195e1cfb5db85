#!/bin/sh
# netlat-timeout: 900
# Deep queues: a reader that reads a fixed amount at a steady pace from a
# stream that arrives faster, so that its queue grows to over a thousand
# skbs and each message waits longer than the one before.  The reader
# knows when each message was written and when it read its last byte:
# netlat's rx_tcp_user p50 and p99 must match that truth within 10%, on
# loopback, veth and the virtio-net NICs, with every skb timed or thinned
# by the documented rule (beyond a socket's share of 1024) and nothing
# cut off.
. "$NETLAT_TREE/tests/guest/lib.sh"

# 3000 messages of 1000 bytes, one a millisecond; the reader takes 500
# bytes a millisecond: 1500 messages queued when the last is written, the
# waits spread from 0 to about 3 s.  1000 bytes: over the receiver's first
# MSS estimate, so TCP acks every other message and the writer never
# waits for its congestion window (paced_held checks it).
N=3000 LEN=1000 READ=500 EVERY_US=1000

setup_all_paths || exit 1
check "insmod" load_netlat || exit 1

paced() {	# NAME PATH
	local name=$1 truth net held
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
	check "$name: no message waited in the writer ($held)" [ "${held:-1}" = 0 ]
	units=$(($(counter rx_data_skbs) - $(counter rx_duplicate_segments)))
	missed=$(probe_missed rx_)
	check "$name: nothing cut off (ring_full $(counter ring_full))" \
		[ "$(counter ring_full)" = 0 ]
	check "$name: deep: skbs thinned beyond the share ($(counter rx_thinned))" \
		[ "$(counter rx_thinned)" -gt 0 ]
	check "$name: every skb but duplicates timed or thinned, but for $missed skipped hits ($(counter rx_timed) + $(counter rx_thinned) of $units)" \
		between $((units - $(counter rx_timed) - $(counter rx_thinned))) 0 "$missed"
	for p in p50 p99; do
		truth=$(awk -v k="paced_${p}_ns" '$1 == k { print $2 }' /tmp/paced.log)
		net=$(stage rx_tcp_user ${p}_ns)
		check "$name: rx_tcp_user $p $net ns within 10% of the truth $truth ns" \
			within 10 "$net" "${truth:-0}"
	done
	expect_accounting "$name"
	expect_sums "$name"
	unset F
}

paced lo "$PATH_LO"
paced veth "$PATH_VETH"
paced nic "$PATH_NIC"

check "rmmod" unload_netlat
check_dmesg
finish
