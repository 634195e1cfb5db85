#!/bin/sh
# netlat-timeout: 600
# Runtime control and bad input: every parameter loads in range and is
# refused out of range with a message naming it; run-time writes are
# validated the same way and keep the old value; control files take only
# their commands, also under random, huge, partial and concurrent writes;
# enable stops and restarts collection; the port, netns and sampling
# filters select exactly the traffic they name; nothing is writable by a
# user who is not root.
. "$NETLAT_TREE/tests/guest/lib.sh"
CTLFUZZ=$NETLAT_TREE/build/tools/ctlfuzz
PARAMS=/sys/module/netlat/parameters
DBG=/sys/kernel/debug/netlat

setup_all_paths || exit 1

log "== parameters at load time"
for v in 64 1000 65536; do load_good table_size=$v; done
for v in 0 -1 63 65537 abc 1.5 ""; do load_bad "table_size=$v"; done
for v in 100 3600000; do load_good expire_ms=$v; done
for v in 0 99 -5 3600001 x; do load_bad "expire_ms=$v"; done
for v in 1 10 1000000; do load_good sample=$v; done
for v in 0 -1 1000001 foo; do load_bad "sample=$v"; done
for v in 0 4026531840; do load_good netns=$v; done
for v in -1 4294967296 bar; do load_bad "netns=$v"; done
for v in tx rx tx,rx; do load_good directions=$v; done
for v in "" both txrx tx,rx,tx; do load_bad "directions=$v"; done
for v in 80 80,443,8000-8100 all; do load_good ports=$v; done
for v in 0 65536 a 80- 1-70000 80,,443; do load_bad "ports=$v"; done
for v in 4 6 all; do load_good family=$v; done
for v in 0 5 46 ipv6 4,6 ""; do load_bad "family=$v"; done
for v in 0 1; do load_good tracepoints=$v; done
for v in 2 -1 yes ""; do load_bad "tracepoints=$v"; done
load_bad reset=2

log "== directions=tx registers no receive probe"
load_netlat directions=tx
check "directions=tx: no rx_dev probe" [ "$(probe_hits rx_dev)" = none ]
check "directions=tx: tx_ip probe present" [ "$(probe_hits tx_ip)" != none ]
netlat_reset
pingpong "$PATH_VETH" 100 100 > /dev/null
check "directions=tx: 200 tx samples ($(stage tx_total count))" [ "$(stage tx_total count)" = 200 ]
check "directions=tx: no rx samples ($(stage rx_total count))" [ "$(stage rx_total count)" = 0 ]
unload_netlat

check "insmod netlat" load_netlat || exit 1

log "== run-time writes"
# rt PARAM GOOD BAD...: GOOD is taken and reads back; each BAD is refused
# with EINVAL and the value stays GOOD
rt() {
	local p=$1 ok=$2 v
	shift 2
	check "write $p=$ok" sh -c "/bin/echo '$ok' > $PARAMS/$p"
	check "$p reads back $ok ($(cat $PARAMS/$p))" [ "$(cat $PARAMS/$p)" = "$ok" ]
	case $p in sample|netns|ports|family)
		want=$ok
		[ "$p:$ok" = netns:0 ] && want=all
		check "/proc/netlat shows 'filter $p $want'" grep -qx "filter $p $want" $PROC
	esac
	for v in "$@"; do
		# /bin/echo: dash's builtin reports every error as "I/O error"
		if sh -c "/bin/echo '$v' > $PARAMS/$p" 2> /tmp/err; then
			fail "write $p='$v' was accepted"
		else
			check "write $p='$v' refused with EINVAL ($(cat /tmp/err))" grep -q 'Invalid argument' /tmp/err
		fi
		check "$p kept $ok" [ "$(cat $PARAMS/$p)" = "$ok" ]
	done
}
rt expire_ms 5000 0 99 3600001 x ""
rt sample 7 0 -3 1000001 seven
rt netns 12345 -1 4294967296 ns
rt ports 80,443,8000-8100 0 65536 x 1-70000 80,,443 "1
2" ,80
rt family 6 0 5 "4 6" inet6 ""
rt netns 0
rt sample 1
rt ports all
rt family all
for p in table_size directions; do
	v=$(cat $PARAMS/$p)
	if sh -c "echo 1 > $PARAMS/$p" 2> /dev/null; then
		fail "load-time parameter $p was writable"
	else
		pass "load-time parameter $p is read-only"
	fi
	check "$p unchanged ($v)" [ "$(cat $PARAMS/$p)" = "$v" ]
done
check "debugfs config shows the configuration" grep -q '^ports all$' $DBG/config
check "debugfs config shows the family" grep -q '^family all$' $DBG/config
cat $DBG/config

log "== the snapshot's wall clock and host name"
check "/proc/netlat shows 'filter directions tx,rx'" grep -qx 'filter directions tx,rx' $PROC
old_host=$(cat /proc/sys/kernel/hostname)
# a space, a backslash and an escape character: written as octal escapes
printf 'net lat\\\033x' > /proc/sys/kernel/hostname
check "the host name written with octal escapes" \
	grep -qx 'hostname net\\040lat\\134\\033x' $PROC
# the initial UTS namespace's name, whoever reads
check "hostname of the initial namespace, read from another" \
	unshare -u sh -c "echo other > /proc/sys/kernel/hostname && grep -qx 'hostname net.*x' $PROC"
printf '%s' "$old_host" > /proc/sys/kernel/hostname
check "hostname $old_host back" grep -qx "hostname $old_host" $PROC
now=$(date +%s%N)
rt_ns=$(awk '$1 == "realtime_ns" { print $2 }' $PROC)
check "realtime_ns $rt_ns within 5 s of the clock's $now" \
	between $(((rt_ns - now) / 1000000000)) -5 5

log "== a reader tells a reset or a reload between two reads"
proc_value() { awk -v k="$1" '$1 == k { print $2 }' $PROC; }
id1=$(proc_value load_id)
r1=$(proc_value resets)
check "load_id $id1: 16 hex digits" sh -c "echo '$id1' | grep -qx '[0-9a-f]\{16\}'"
netlat_reset
check "resets counts a reset ($r1, then $(proc_value resets))" \
	[ "$(proc_value resets)" = $((r1 + 1)) ]
check "reload" sh -c "rmmod netlat && insmod '$KO'"
check "another load_id after a reload ($id1, then $(proc_value load_id))" \
	[ "$(proc_value load_id)" != "$id1" ]
check "resets start at 0 ($(proc_value resets))" [ "$(proc_value resets)" = 0 ]

log "== enable"
check "enable reads 1" [ "$(cat $DBG/enable)" = 1 ]
check "write enable=0" sh -c "echo 0 > $DBG/enable"
netlat_reset
pingpong "$PATH_VETH" 100 100 > /dev/null
check "disabled: no samples ($(stage tx_total count))" [ "$(stage tx_total count)" = 0 ]
check "disabled: no probe hits ($(probe_hits tx_tcp_locked))" [ "$(probe_hits tx_tcp_locked)" = 0 ]
check "/proc/netlat says enabled 0" grep -q '^enabled 0$' $PROC
# Sampling turns nothing away while collection is off (its hits would
# count), and takes its N up again when collection comes back.
all_hits() { awk '$1 == "probe" { n += $6 } END { print n + 0 }' $PROC; }
echo 1000000 > $PARAMS/sample
netlat_reset
pingpong "$PATH_VETH" 100 100 > /dev/null
check "disabled, sample=1000000: no probe hits ($(all_hits))" [ "$(all_hits)" = 0 ]
check "write enable=1" sh -c "echo 1 > $DBG/enable"
netlat_reset
pingpong "$PATH_VETH" 100 100 > /dev/null
check "re-enabled, sample=1000000: the connection left out, its hits counted ($(stage tx_total count) samples, $(probe_hits tx_tcp_locked) hits)" \
	[ "$(stage tx_total count):$(probe_hits tx_tcp_locked)" = 0:200 ]
echo 1 > $PARAMS/sample
netlat_reset
pingpong "$PATH_VETH" 100 100 > /dev/null
F=$OUT/enable.txt
cat $PROC > $F
expect_samples "re-enabled" 200
unset F

log "== control files under hostile writes (random, empty, 1 MiB, offset, trailing bytes)"
netlat_reset
pingpong "$PATH_VETH" 50 100 > /dev/null
before=$(stage tx_total count)
for f in reset enable; do
	check "$f: 300 hostile writes, all refused" "$CTLFUZZ" $DBG/$f -n 300 -s 7
done
check "refused writes changed nothing: $before samples kept" [ "$(stage tx_total count)" = "$before" ]
check "still enabled" [ "$(cat $DBG/enable)" = 1 ]
for p in sample ports netns family expire_ms reset; do
	check "parameter $p: 100 hostile writes, all refused" "$CTLFUZZ" $PARAMS/$p -n 100 -s 3 -p
done
check "parameters unchanged" [ "$(cat $PARAMS/sample)/$(cat $PARAMS/ports)/$(cat $PARAMS/netns)/$(cat $PARAMS/family)" = "1/all/0/all" ]
log "-- 4 writers at once on reset and enable, with traffic running"
"$TCPGEN" server -p 7001 -m echo > /dev/null 2>&1 &
"$TCPGEN" pingpong -p 7001 -n 100000000 -l 64 -t 60 > /dev/null 2>&1 &
check "reset: 4 concurrent writers" "$CTLFUZZ" $DBG/reset -n 300 -P 4 -a -s 11
check "enable: 4 concurrent writers" "$CTLFUZZ" $DBG/enable -n 300 -P 4 -a -s 13
pkill -x tcpgen
wait
check "enabled after the valid writes" [ "$(cat $DBG/enable)" = 1 ]

log "== filters"
# the server in nsB listens on 5101, another server on 5102
ports_run() {
	netlat_reset
	in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p "$1" -m echo > /dev/null 2>&1 &
	in_ns nsA "$TCPGEN" pingpong -a 192.0.2.2 -p "$1" -n "$2" -l 100 > /dev/null
	wait
	cat $PROC > "$OUT/filter-$3.txt"
}
echo 5101 > $PARAMS/ports
ports_run 5102 100 other-port
F=$OUT/filter-other-port.txt
check "ports=5101: traffic on port 5102 adds no sample ($(stage tx_total count)/$(stage rx_total count))" \
	[ "$(stage tx_total count)/$(stage rx_total count)" = 0/0 ]
check "ports=5101: and no unmatched ($(unmatched tx)/$(unmatched rx))" [ "$(unmatched tx)$(unmatched rx)" = 00 ]
ports_run 5101 150 port
F=$OUT/filter-port.txt
expect_samples "ports=5101" 300
echo all > $PARAMS/ports

nsb=$(ip netns exec nsB stat -L -c %i /proc/self/ns/net)
echo "$nsb" > $PARAMS/netns
log "netns=$nsb (nsB): only the server's side of a veth ping-pong counts"
ports_run 5103 120 netns
F=$OUT/filter-netns.txt
expect_samples "netns=nsB, server side only" 120
netlat_reset
pingpong "$PATH_LO" 100 100 > /dev/null
F=$PROC
check "netns=nsB: loopback traffic in the root netns adds nothing" [ "$(stage tx_total count)$(stage rx_total count)" = 00 ]
echo 0 > $PARAMS/netns

# sample=10 keeps 1 in 10 connections, whole, both ends alike: 400
# connections on loopback (both ends in one process), 5 round trips each,
# give 10 send samples and 10 receive samples per connection kept, all of
# them timed, and none of the others counted.  With tracepoints=0, so that
# the driver point's kprobe, which decides for each skb of the list it is
# handed, is checked too (the IPv6 case below runs on the tracepoints).
scale_run() { "$TCPGEN" scale -a 127.0.0.1 -p "$1" -c 400 -W 400 -n 5 -l 100 -t 600 > /dev/null; }
check "rmmod" unload_netlat
check "insmod netlat tracepoints=0 sample=10" load_netlat tracepoints=0 sample=10
check "sample=10: the driver point is a kprobe" \
	grep -q '^probe tx_dev dev_hard_start_xmit ' $PROC
netlat_reset
check "sample=10: 400 connections x 5 round trips" scale_run 5110
F=$OUT/sample.txt
cat $PROC > $F
tx=$(stage tx_total count)
rx=$(stage rx_total count)
# kept connections: binomial 400, 1/10: 40 +- 6; 4 sigma
check "sample=10: about 1 in 10 of 400 connections kept ($((tx / 10)))" between $((tx / 10)) 16 64
check "sample=10: 10 samples each way per connection kept ($tx tx, $rx rx)" \
	[ $((tx % 10)):$rx = 0:$tx ]
check "sample=10: every unit of a kept connection timed, no other counted ($(counter tx_data_segments) tx, $(counter rx_data_skbs) rx units)" \
	[ "$(counter tx_data_segments):$(counter rx_data_skbs)" = "$tx:$rx" ]
check "sample=10: nothing unmatched ($(unmatched tx)/$(unmatched rx))" [ "$(unmatched tx)$(unmatched rx)" = 00 ]
expect_sums "sample=10"
check "sample=10: events of connections left out still count as probe hits" \
	[ "$(probe_hits tx_sock)" -ge 4000 ]
# The same over IPv6 (loopback ::1): the decision from an IPv6 socket's
# addresses and from an IPv6 packet's headers agree.
check "rmmod" unload_netlat
check "insmod netlat sample=5" load_netlat sample=5
netlat_reset
scale6_run() { "$TCPGEN" scale -a ::1 -p 5111 -c 200 -W 200 -n 5 -l 100 -t 600 > /dev/null; }
check "sample=5, IPv6: 200 connections x 5 round trips" scale6_run
F=$OUT/sample-ipv6.txt
cat $PROC > $F
tx=$(stage tx_total count)
rx=$(stage rx_total count)
# binomial 200, 1/5: 40 +- 5.7; 4 sigma
check "sample=5, IPv6: about 1 in 5 of 200 connections kept ($((tx / 10)))" between $((tx / 10)) 17 63
check "sample=5, IPv6: 10 samples each way per connection kept ($tx tx, $rx rx), every unit timed" \
	[ $((tx % 10)):$rx:$(counter tx_data_segments.ipv6):$(counter rx_data_skbs.ipv6) = 0:$tx:$tx:$rx ]

# A change of sample lets what is in flight finish: 10 readers lag 20
# messages each at sample=1; sample=1000000 then leaves (almost surely)
# every connection out, yet their reads time every skb they had unread,
# and a new connection's traffic counts nothing.
echo 1 > $PARAMS/sample
netlat_reset
GO=/tmp/control-sample-go
rm -f $GO
"$TCPGEN" server -a 127.0.0.1 -p 5120 -m push -c 10 -f -n 20 -l 100 -g 2000 > /dev/null 2>&1 &
server=$!
check "sample change: 10 readers 20 messages behind" lag_group sample 5120 10 2000 $GO
echo 1000000 > $PARAMS/sample
touch $GO
wait $LAG_PID $server
F=$OUT/sample-change.txt
cat $PROC > $F
units=$(($(counter rx_data_skbs) - $(counter rx_duplicate_segments)))
check "sample change: every skb in flight timed at its read ($(stage rx_total count) of $units)" \
	[ "$(stage rx_total count)" = "$units" ]
check "sample change: at least 10 x 20 messages arrived as 100 skbs or more ($units)" [ "$units" -ge 100 ]
check "sample change: nothing unmatched ($(unmatched tx)/$(unmatched rx))" [ "$(unmatched tx)$(unmatched rx)" = 00 ]
before="$(counter tx_data_segments) $(counter rx_data_skbs)"
pingpong "$PATH_LO" 50 100 > /dev/null
F=$PROC
check "sample=1000000: a new connection counts nothing ($before, now $(counter tx_data_segments) $(counter rx_data_skbs))" \
	[ "$(counter tx_data_segments) $(counter rx_data_skbs)" = "$before" ]
rm -f $GO
echo 1 > $PARAMS/sample
unset F

log "== a user who is not root"
check "non-root can read /proc/netlat" asuser cat $PROC > /dev/null
asuser_denied write $PARAMS/sample $PARAMS/ports $PARAMS/reset $DBG/reset $DBG/enable
check "sample still 1" [ "$(cat $PARAMS/sample)" = 1 ]

check "rmmod" unload_netlat
check_dmesg
finish
