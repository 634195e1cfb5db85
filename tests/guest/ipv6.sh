#!/bin/sh
# netlat-timeout: 900
# TCP over IPv6, proven as stages.sh proves IPv4: exact per-stage counts
# for ping-pongs over ::1, a veth pair and the virtio-net NICs (GRO list
# path), also across CPUs; bulk streams and connection churn with full
# accounting; a destination options header on every packet, measured and
# never misread.  v4-mapped IPv6 sockets stay on the IPv4 path, counted
# once.  IPv4 and IPv6 at once: the per-family counts add up, and
# family=, ports= and netns= leave out exactly what they should.
. "$NETLAT_TREE/tests/guest/lib.sh"

N=300
PARAMS=/sys/module/netlat/parameters
WITH_IPV6=1
setup_all_paths || exit 1
check "insmod netlat" load_netlat || exit 1
for p in tx_ip6 rx_ip6 rx_sock6; do
	check "IPv6 layer point $p is probed: $(awk -v p=$p '$1 == "probe" && $2 == p { printf "%s ", $3 }' $PROC)" \
		[ "$(probe_hits $p)" != none ]
done

EXPECT_FAMILY=6
for name in LO6 VETH6 NIC6; do
	pingpong_stages $name $N
done
for name in LO6 VETH6 NIC6; do
	bulk_stages $name 50000000
done
churn_stages VETH6 500

log "== a destination options header on every packet, both ways"
TCPGEN_OPTS=-E
PATH_EXTHDR=$PATH_VETH6
pingpong_stages EXTHDR 200
unset TCPGEN_OPTS
# the kernel keeps the options of the last packet received (RECVDSTOPTS)
check "EXTHDR: the client's last packet received had the header ($(client_value exthdr_received))" \
	[ "$(client_value exthdr_received)" = 1 ]
check "EXTHDR: the server's too ($(grep -o 'exthdr_received [0-9]' /tmp/server.log))" \
	grep -q 'exthdr_received 1' /tmp/server.log

log "== v4-mapped IPv6 sockets (::ffff:127.0.0.1) take the IPv4 path"
EXPECT_FAMILY=4
PATH_MAPPED="- - ::ffff:127.0.0.1"
pingpong_stages MAPPED $N
bulk_stages MAPPED 50000000

# mixed N: an IPv4 and an IPv6 ping-pong of N round trips at once, veth
mixed() {
	local p4 p6 c4 s4 s6 rc
	next_port
	p4=$PORT
	next_port
	p6=$PORT
	in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p $p4 -m echo > /tmp/server4.log 2>&1 &
	s4=$!
	in_ns nsB "$TCPGEN" server -a 2001:db8:2::2 -p $p6 -m echo > /tmp/server6.log 2>&1 &
	s6=$!
	in_ns nsA "$TCPGEN" pingpong -a 192.0.2.2 -p $p4 -n "$1" -l 100 > /tmp/client4.log &
	c4=$!
	in_ns nsA "$TCPGEN" pingpong -a 2001:db8:2::2 -p $p6 -n "$1" -l 100 > /tmp/client6.log
	rc=$?
	wait $c4 || rc=1
	wait $s4 || rc=1
	wait $s6 || rc=1
	return $rc
}

log "== IPv4 and IPv6 at once"
netlat_reset
check "IPv4 + IPv6 ping-pongs" mixed $N
snapshot mixed
F=$OUT/mixed.txt
EXPECT_FAMILY=any
expect_samples "IPv4 + IPv6" $((4 * N))
for u in tx_data_segments rx_data_skbs; do
	for f in 4 6; do
		check "IPv4 + IPv6: $u.ipv$f is $((2 * N)) ($(counter $u.ipv$f))" \
			[ "$(counter $u.ipv$f)" = $((2 * N)) ]
	done
done
unset F
for f in 6 4; do
	log "== family=$f: the same traffic"
	check "write family=$f" sh -c "echo $f > $PARAMS/family"
	netlat_reset
	check "family=$f: IPv4 + IPv6 ping-pongs" mixed $N
	snapshot family-$f
	F=$OUT/family-$f.txt
	EXPECT_FAMILY=$f
	expect_samples "family=$f" $((2 * N))
	unset F
done
check "write family=all" sh -c "echo all > $PARAMS/family"

log "== ports= and netns= over IPv6"
EXPECT_FAMILY=6
echo 9999 > $PARAMS/ports
netlat_reset
check "ports=9999: a ping-pong on another port" pingpong "$PATH_VETH6" 100 100
check "ports=9999: no sample, no data unit ($(stage tx_total count)/$(stage rx_total count)/$(counter tx_data_segments)/$(counter rx_data_skbs))" \
	[ "$(stage tx_total count)/$(stage rx_total count)/$(counter tx_data_segments)/$(counter rx_data_skbs)" = 0/0/0/0 ]
echo $((PORT + 1)) > $PARAMS/ports
netlat_reset
check "ports=$((PORT + 1)): a ping-pong on that port" pingpong "$PATH_VETH6" 150 100
snapshot filter-ports6
F=$OUT/filter-ports6.txt
expect_samples "ports=$((PORT)) over IPv6" 300
unset F
echo all > $PARAMS/ports
nsb=$(ip netns exec nsB stat -L -c %i /proc/self/ns/net)
echo "$nsb" > $PARAMS/netns
netlat_reset
check "netns=nsB: a veth ping-pong" pingpong "$PATH_VETH6" 120 100
snapshot filter-netns6
F=$OUT/filter-netns6.txt
expect_samples "netns=nsB over IPv6, server side only" 120
unset F
echo 0 > $PARAMS/netns

check "rmmod" unload_netlat
check_dmesg
finish
