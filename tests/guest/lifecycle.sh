#!/bin/sh
# netlat-timeout: 1200
# Lifecycle under stress: 30 load/unload cycles while a bulk stream, a
# ping-pong, short connections and readers blocked in recv() run; memory
# comes back to where it was before the first load, and dmesg stays clean.
# Then a socket table far too small for the load: drops are counted, the
# table never grows past its size, and what was kept is still right; and
# 5000 sockets taking turns through that table of 64: every message timed;
# at the defaults, 1000 messages in flight at once: every one timed.
. "$NETLAT_TREE/tests/guest/lib.sh"
CYCLES=${CYCLES:-30}

setup_all_paths || exit 1
# no TIME_WAIT sockets from the churn client: they would hold ~2 MB of
# slab for 60 s and hide what netlat frees
ip netns exec nsA sysctl -qw net.ipv4.tcp_max_tw_buckets=0

start_traffic() {
	"$TCPGEN" server -p 8001 -m sink -c 1000 > /dev/null 2>&1 &
	"$TCPGEN" stream -p 8001 -b 1000000000000 -t 900 > /dev/null 2>&1 &
	"$TCPGEN" server -a ::1 -p 8002 -m echo -c 1000 > /dev/null 2>&1 &
	"$TCPGEN" pingpong -a ::1 -p 8002 -n 1000000000 -l 64 -t 900 > /dev/null 2>&1 &
	in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p 8003 -m echo -c 1000000 > /dev/null 2>&1 &
	in_ns nsA "$TCPGEN" churn -a 192.0.2.2 -p 8003 -n 1000000 -t 900 > /dev/null 2>&1 &
	in_ns nsD "$TCPGEN" server -a 198.51.100.2 -p 8004 -m hold -c 4 -f > /dev/null 2>&1 &
	for i in 1 2 3 4; do
		in_ns nsC "$TCPGEN" block -a 198.51.100.2 -p 8004 > /dev/null 2>&1 &
	done
	in_ns nsD "$TCPGEN" server -a 198.51.100.2 -p 8005 -m echo > /dev/null 2>&1 &
	in_ns nsC "$TCPGEN" pingpong -a 198.51.100.2 -p 8005 -n 1000000000 -l 1000 -t 900 > /dev/null 2>&1 &
	sleep 2
}
stop_traffic() {
	pkill -x tcpgen
	wait
}

# The baseline comes after a first load/unload and a first round of the
# same traffic: what the kernel allocates on first use (kprobes, debugfs,
# routes, socket caches) is then in it, and only netlat's own would show.
load_netlat && unload_netlat
start_traffic
sleep 5
stop_traffic
before=$(meminfo)
log "before: $before"

log "== $CYCLES load/unload cycles under traffic"
start_traffic
ok=0
i=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	load_netlat || break
	sleep 0.2
	[ "$(probe_hits tx_dev)" -gt 0 ] || { log "cycle $i: no tx_dev hits"; grep -E "^(probe|enabled)" $PROC; pgrep -a tcpgen; unload_netlat; break; }
	[ $((i % 10)) -eq 0 ] && log "cycle $i: $(grep -E '^stage (tx|rx)_total' $PROC | cut -d' ' -f2,5)"
	unload_netlat || break
	ok=$i
done
check "$CYCLES load/unload cycles under traffic ($ok done)" [ "$ok" = "$CYCLES" ]
check "the traffic ran throughout" pgrep -x tcpgen > /dev/null
stop_traffic
after=$(meminfo)
log "after:  $after"
expect_memory_back "$before" "$after"
check_dmesg

log "== table_size=64 under 48 concurrent connections (96 sockets)"
check "insmod table_size=64" load_netlat table_size=64
check "capacity is 64" grep -q '^sockets [0-9]* capacity 64$' $PROC
netlat_reset
CONNS=48 N=100
in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p 8101 -m echo -c $CONNS -f > /dev/null 2>&1 &
# All clients start at once (a start barrier), and each lets every reply
# wait 50 ms before reading it, so all 96 sockets are live together for
# seconds: started one by one, each client would be done before the next
# one connected, and the table would never fill.
rm -f /tmp/go
i=0 clients=
while [ $i -lt $CONNS ]; do
	in_ns nsA sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; exec "$@"' sh \
		"$TCPGEN" pingpong -a 192.0.2.2 -p 8101 -n $N -l 100 -s 50000 > /tmp/client-$i.log 2>&1 &
	clients="$clients $!"
	i=$((i + 1))
done
sleep 1
touch /tmp/go
peak=0
while running $clients; do
	n=$(awk '$1 == "sockets" { print $2 }' $PROC)
	[ "$n" -gt "$peak" ] && peak=$n
	sleep 0.2
done
wait
snapshot pressure
F=$OUT/pressure.txt
grep -E '^(stage|counter|sockets)' "$F"
# Entries live only while something is in flight, and a bucket (8 ways)
# fills before the table does: the count read every 0.2 s peaks well below
# 64 (seen 45 and 46), but above one bucket's worth.
check "the table filled up without growing past 64 sockets (peak $peak)" between "$peak" 9 64
# what did not fit was counted: left out by rank (the table crowded) or
# finding its bucket full
check "drops were counted: rx_thinned $(counter rx_thinned), tx_thinned $(counter tx_thinned), table_full $(counter table_full)" \
	[ $(($(counter rx_thinned) + $(counter tx_thinned) + $(counter table_full))) -gt 0 ]
for d in tx rx; do
	check "some $d samples were kept: $(stage ${d}_total count)" [ "$(stage ${d}_total count)" -gt 0 ]
done
msgs=$((2 * CONNS * N))
check "every message sent is a data segment seen at IP ($(counter tx_data_segments) of $msgs)" \
	[ "$(counter tx_data_segments)" = "$msgs" ]
expect_accounting "pressure"
expect_sums "pressure"
check "no negative delta" [ "$(counter negative_delta)" = 0 ]
# no sample can be longer than the longest round trip that contains it:
# a sample paired across connections or with stale state would be
rtt=$(cat /tmp/client-*.log | awk '{ for (i = 1; i < NF; i++) if ($i == "rtt_max_ns" && $(i + 1) > m) m = $(i + 1) } END { printf "%.0f\n", m }')
for d in tx rx; do
	check "what was kept is sane: ${d}_total max $(stage ${d}_total max_ns) ns <= longest round trip $rtt ns" \
		[ "$(stage ${d}_total max_ns)" -le "$rtt" ]
done
unset F

# A socket holds an entry only while it has something in flight, so many
# more sockets than the table holds are all timed when they take turns.
CONNS=2500 N=2
log "== table_size=64, $CONNS connections ($((2 * CONNS)) sockets) open, exchanging in turn"
netlat_reset
check "$CONNS connections, $N round trips each" \
	"$TCPGEN" scale -a 127.0.0.1 -p 8200 -c $CONNS -W $CONNS -n $N -l 100 -t 3000
snapshot turns
F=$OUT/turns.txt
expect_samples "in turn" $((2 * CONNS * N))
check "no socket state left: sockets $(awk '$1 == "sockets" { print $2 }' "$F")" \
	[ "$(awk '$1 == "sockets" { print $2 }' "$F")" = 0 ]
unset F
check "rmmod" unload_netlat

# At the defaults, the same connections, 1000 of them with their messages
# in flight at once: every request sent before any is read, every echo
# before any is read back (1000 sockets holding a record each, twice a
# round).  A table of 16384 in 8-way buckets overflows a bucket with 1000
# sockets in it about once in 10^5 runs.
BURST=1000
log "== defaults, $CONNS connections, $BURST messages in flight at once"
check "insmod (defaults)" load_netlat
check "$CONNS connections, $N rounds of $BURST messages at once" \
	"$TCPGEN" scale -a 127.0.0.1 -p 8210 -c $CONNS -W $BURST -n $N -l 100 -t 3000 -m burst
snapshot burst
F=$OUT/burst.txt
expect_samples "at once" $((2 * BURST * N))
check "no socket state or record left: $(grep -E '^(sockets|records) ' "$F" | tr '\n' ' ')" \
	[ "$(awk '$1 == "sockets" || $1 == "records" { n += $2 } END { print n + 0 }' "$F")" = 0 ]
unset F
check "rmmod" unload_netlat
check_dmesg
finish
