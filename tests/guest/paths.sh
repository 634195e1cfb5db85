#!/bin/sh
# netlat-timeout: 600
# No wrong sample, on every path a connection's data can take: a socket
# reconnected with connect(AF_UNSPEC) does not inherit its old connection;
# sendfile and splice, after a send or alone, are timed from their own
# start (6.1's sendpage path included), MSG_ZEROCOPY is timed, two
# writers' interleaved calls and kTLS are counted; data
# on a connection's first segments (TCP_DEFER_ACCEPT, Fast Open) is timed
# or counted; a segment partly over data the socket has is timed for its
# new bytes, and the old copy keeps its sample; a socket closed with data unread leaves no state behind.
# Every data unit is a sample or one count, exactly.
. "$NETLAT_TREE/tests/guest/lib.sh"

setup_veth || exit 1
in_ns nsA ping -c 1 -W 5 192.0.2.2 > /dev/null
check "insmod netlat" load_netlat || exit 1
dmesg | grep 'netlat:'

# server NS ADDR ARGS...: a tcpgen server in the background on the next
# port, listening when this returns (a client's first SYN is not refused);
# it gives up after 120 s, so a failed client does not hang the test
server() {
	ns=$1 a=$2
	shift 2
	next_port
	in_ns "$ns" "$TCPGEN" server -a "$a" -p $PORT -t 120 "$@" >> /tmp/server.log 2>&1 &
	spid="$spid $!"
	i=0
	until in_ns "$ns" ss -Hltn "sport = :$PORT" | grep -q . || [ $i -ge 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
# after LABEL: wait for the servers, let the sockets go, take a snapshot
after() {
	wait $spid
	spid=
	sleep 1
	snapshot "$1"
	F=$OUT/$1.txt
	grep -E '^(stage|counter|sockets)' "$F" | grep -v ' 0$'
}
nothing_reused() {
	check "$1: no socket entry outlived its connection (sockets_reused $(counter sockets_reused))" \
		[ "$(counter sockets_reused)" = 0 ]
}

log "== connect(AF_UNSPEC) with 10 messages unread, then a new connection on the same socket, 3 times"
# Old state paired with the new connection's reads (in an unrelated
# sequence space: half the time it lands below the new copied_seq) would
# bin samples of the 1 s the unread data waited; 3 rounds catch that 7
# times in 8.
netlat_reset
rtt=0
for round in 1 2 3; do
	server - 127.0.0.1 -m push -n 10 -l 100 -g 20000
	p1=$PORT
	server - 127.0.0.1 -m echo
	check "reconnect $round: 10 unread, 1 s wait, 100 round trips elsewhere" \
		"$TCPGEN" reconnect -a 127.0.0.1 -p $p1 -P $PORT -b 1000 -w 1000 -n 100 -l 100 > /tmp/client.log
	cat /tmp/client.log
	r=$(client_value rtt_max_ns)
	[ "${r:-0}" -gt "$rtt" ] && rtt=$r
	wait $spid
	spid=
done
after reconnect
# every round trip on a new connection took at most rtt
for s in rx_tcp_user rx_total; do
	check "reconnect: $s max $(stage $s max_ns) ns <= longest round trip $rtt ns" \
		[ "$(stage $s max_ns)" -le "$rtt" ]
done
dups=$(counter rx_duplicate_segments)
check "reconnect: 600 rx samples, the round trips, but for copies a retransmission made ($(stage rx_total count) + $dups duplicates)" \
	between 600 "$(stage rx_total count)" $(($(stage rx_total count) + dups))
check "reconnect: the 30 unread messages counted as never read ($(counter rx_tcp_user.unmatched_start))" \
	[ "$(counter rx_tcp_user.unmatched_start)" = 30 ]
check "reconnect: nothing else untimed ($(fates tx), $(fates rx) - 30 - $dups)" \
	[ "$(fates tx):$(fates rx)" = 0:$((30 + dups)) ]
check "reconnect: 630 tx samples, the pushed messages and the round trips ($(stage tx_total count))" \
	[ "$(stage tx_total count)" = 630 ]
nothing_reused reconnect
expect_accounting reconnect
expect_sums reconnect
unset F

# send 200 bytes, 1.5 s later 256 KiB by sendfile/splice, twice: every
# segment timed from its own call, none across the gap
for how in sendfile splice; do
	for name in LO VETH; do
		eval path=\$PATH_$name
		set -- $path
		log "== $name: send(), then $how() 1.5 s later, twice"
		netlat_reset
		server "$1" "$3" -m sink
		check "$name $how: 2 x (200 B + 256 KiB)" \
			in_ns "$2" "$TCPGEN" sendfile -a "$3" -p $PORT -l 200 -b 262144 -w 1500 -n 2 -m $how
		after "$how-$name"
		check "$name $how: no send sample spans the 1.5 s gap (tx_total max $(stage tx_total max_ns) ns)" \
			[ "$(stage tx_total max_ns)" -lt 1000000000 ]
		check "$name $how: every data segment timed ($(stage tx_total count) of $(counter tx_data_segments), $(fates tx) not)" \
			[ "$(stage tx_total count):$(fates tx)" = "$(counter tx_data_segments):0" ]
		check "$name $how: at least 2 x 256 KiB / 64 KiB segments ($(counter tx_data_segments))" \
			[ "$(counter tx_data_segments)" -ge 10 ]
		expect_accounting "$name $how"
		expect_sums "$name $how"
		unset F
	done
done

log "== sendfile() alone: 2 x 256 KiB, no send() before"
netlat_reset
server - 127.0.0.1 -m sink
check "sendfile only: 2 x 256 KiB" "$TCPGEN" sendfile -a 127.0.0.1 -p $PORT -l 0 -b 262144 -w 0 -n 2
after sendfile-only
check "sendfile only: every data segment timed ($(stage tx_total count) of $(counter tx_data_segments), $(fates tx) not)" \
	[ "$(stage tx_total count):$(fates tx)" = "$(counter tx_data_segments):0" ]
check "sendfile only: at least 2 x 256 KiB / 64 KiB segments ($(counter tx_data_segments))" \
	[ "$(counter tx_data_segments)" -ge 8 ]
expect_accounting "sendfile only"
unset F

log "== MSG_ZEROCOPY: 50 sends of 1000 bytes"
netlat_reset
server nsB 192.0.2.2 -m sink
check "zerocopy stream" in_ns nsA "$TCPGEN" stream -a 192.0.2.2 -p $PORT -b 50000 -l 1000 -g 2000 -z
after zerocopy
check "zerocopy: every data segment timed ($(stage tx_total count) of $(counter tx_data_segments))" \
	[ "$(stage tx_total count):$(fates tx)" = "$(counter tx_data_segments):0" ]
check "zerocopy: at least 25 segments ($(counter tx_data_segments))" [ "$(counter tx_data_segments)" -ge 25 ]
expect_accounting zerocopy
unset F

log "== two writers on one socket, a slow reader: their calls wait for memory and interleave"
netlat_reset
server nsB 192.0.2.2 -m sink -s 2000
check "2 writers x 2 MB on one socket" in_ns nsA "$TCPGEN" stream -a 192.0.2.2 -p $PORT -b 4000000 -l 262144 -W 2
after interleave
# A call that starts while the other writer waits half-way through its own
# has its bytes mixed with that writer's later ones: counted, not timed.
check "interleave: interleaved calls were seen and counted ($(counter tx_interleaved))" \
	[ "$(counter tx_interleaved)" -gt 0 ]
check "interleave: everything else timed ($(stage tx_total count) + $(counter tx_interleaved) of $(counter tx_data_segments))" \
	[ "$(($(stage tx_total count) + $(counter tx_interleaved)))" = "$(counter tx_data_segments)" ]
expect_accounting interleave
expect_sums interleave
unset F

log "== kTLS: 20 records, sent by the TLS layer, not a send call"
if modprobe tls 2> /dev/null; then
	netlat_reset
	server - 127.0.0.1 -m sink
	check "ktls: 20 records" "$TCPGEN" ktls -a 127.0.0.1 -p $PORT -n 20 -l 1000 -g 2000
	after ktls
	# the TLS layer queues the records from sendmsg's own stack, with no
	# tcp_sendmsg: counted as segments without a call, never timed
	check "ktls: no send sample ($(stage tx_total count))" [ "$(stage tx_total count)" = 0 ]
	check "ktls: every segment counted as without a call ($(counter tx_tcp_ip.unmatched_end) of $(counter tx_data_segments))" \
		[ "$(counter tx_tcp_ip.unmatched_end)" = "$(counter tx_data_segments)" ]
	check "ktls: at least a segment per record ($(counter tx_data_segments))" \
		[ "$(counter tx_data_segments)" -ge 20 ]
	check "ktls: each write a call that never reached TCP ($(counter tx_calls_without_tcp))" \
		[ "$(counter tx_calls_without_tcp)" = 20 ]
	expect_accounting ktls
	unset F
else
	log "ktls: no tls module on this kernel: skipped"
fi

log "== TCP_DEFER_ACCEPT: 40 connections whose first data completes the handshake"
netlat_reset
server - 127.0.0.1 -m echo -c 40 -D 5
check "40 connections to a defer-accept server" "$TCPGEN" churn -a 127.0.0.1 -p $PORT -n 40 -l 100
after defer
expect_samples "defer-accept" 80
nothing_reused defer-accept
unset F

log "== TCP Fast Open: 40 connections with their data on the SYN"
old_tfo=$(sysctl -n net.ipv4.tcp_fastopen)
sysctl -qw net.ipv4.tcp_fastopen=0x207	# client and server, no cookie needed
netlat_reset
server - 127.0.0.1 -m echo -c 40 -F
check "40 Fast Open connections" "$TCPGEN" fastopen -a 127.0.0.1 -p $PORT -n 40 -l 100
after fastopen
# the client's SYN data is timed like any segment; the server queues it on
# a child socket from the listener's SYN, out of netlat's sight: counted
check "fastopen: 80 tx samples, SYN data and echoes ($(stage tx_total count))" [ "$(stage tx_total count)" = 80 ]
dups=$(counter rx_duplicate_segments)
check "fastopen: 40 rx samples, the echoes, but for copies a retransmission made ($(stage rx_total count) + $dups duplicates)" \
	between 40 "$(stage rx_total count)" $(($(stage rx_total count) + dups))
check "fastopen: the 40 SYNs' data counted ($(counter rx_fastopen_data))" [ "$(counter rx_fastopen_data)" = 40 ]
check "fastopen: nothing else untimed (tx $(fates tx), rx $(fates rx) - 40 - $dups)" \
	[ "$(fates tx):$(fates rx)" = 0:$((40 + dups)) ]
expect_accounting fastopen
expect_sums fastopen
unset F
sysctl -qw net.ipv4.tcp_fastopen="$old_tfo"

log "== a segment that brings 50 bytes the socket has, unread, again and 100 new ones"
# TCP keeps its copy of the old bytes and queues the new ones: both skbs
# are right samples, neither a duplicate (the first was one, untimed)
old_ts=$(sysctl -n net.ipv4.tcp_timestamps)
sysctl -qw net.ipv4.tcp_timestamps=0	# the made-up segment has none
netlat_reset
next_port
check "overlap: 200 bytes read" "$TCPGEN" overlap -a 127.0.0.1 -p $PORT
sysctl -qw net.ipv4.tcp_timestamps="$old_ts"
after overlap
check "overlap: both skbs timed, no duplicate (rx $(stage rx_total count), $(counter rx_duplicate_segments) duplicates)" \
	[ "$(stage rx_total count):$(counter rx_duplicate_segments)" = 2:0 ]
check "overlap: the client's 100 bytes timed on the send side ($(stage tx_total count))" \
	[ "$(stage tx_total count)" = 1 ]
expect_accounting overlap
unset F

log "== 20 sockets closed with data unread while the peer keeps sending"
netlat_reset
server nsB 192.0.2.2 -m flood -c 20 -l 1000 -g 1000
check "20 closes with data unread" in_ns nsA "$TCPGEN" unreadclose -a 192.0.2.2 -p $PORT -n 20 -b 10000
after unreadclose
check "unreadclose: no socket state left ($(awk '$1 == "sockets" { print $2 }' "$F"))" \
	[ "$(awk '$1 == "sockets" { print $2 }' "$F")" = 0 ]
check "unreadclose: the unread data counted as never read ($(counter rx_tcp_user.unmatched_start))" \
	[ "$(counter rx_tcp_user.unmatched_start)" -ge 20 ]
nothing_reused unreadclose
expect_accounting unreadclose
unset F

check "rmmod" unload_netlat
check_dmesg
finish
