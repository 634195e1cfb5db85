#!/bin/sh
# netlat-timeout: 900
# The slow log and the cgroup filter (the kernel side of issue 18).
# Among 20 ping-pongs on the veth pair, one whose requests a netem qdisc
# delays (a u32 filter on its port) and one whose reader sleeps before
# each read: the slow log names exactly those two flows, every message of
# them and nothing else, with the client's address, pid, name, netns and
# cgroup, and the delay in tx_ip_dev and in rx_tcp_user; two readers of
# the stream share it, each record read once, and agree with the
# snapshot.  slow_us=0 logs nothing.  A ring of 64 and a reader that
# never reads: every record dropped is counted and said, the traffic goes
# on.  poll and epoll wake; rmmod with readers blocked in read, poll and
# epoll.  cgroup= takes exactly the sockets made in a cgroup or below it
# (an accepted one its listener's, wherever its process went), nothing of
# another cgroup.  Bad values are refused with a message naming them,
# hostile writes change nothing, and a user who is not root can neither
# read the log nor change its parameters.
. "$NETLAT_TREE/tests/guest/lib.sh"
CTLFUZZ=$NETLAT_TREE/build/tools/ctlfuzz
NETLAT=$NETLAT_TREE/userspace/netlat
PARAMS=/sys/module/netlat/parameters
DBG=/sys/kernel/debug/netlat
SLOW=/proc/netlat_slow
SNAP=/proc/netlat_slow_snapshot
CG=/sys/fs/cgroup

WITH_IPV6=1
setup_veth || exit 1
in_ns nsA ping -c 1 -W 5 192.0.2.2 > /dev/null
in_ns nsA ping -6 -c 1 -W 5 2001:db8:2::2 > /dev/null
NSA=$(ip netns exec nsA stat -L -c %i /proc/self/ns/net)

# cgroup v2, with cgroups of our own
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 cgroup2 $CG ||
	{ fail "cannot mount cgroup2 on $CG"; exit 1; }
mkdir -p $CG/nl-slow $CG/nl-a/sub $CG/nl-b
cgid() { stat -c %i "$CG/$1"; }
# run_cg CGROUP PIDFILE CMD...: CMD in CGROUP; its pid in PIDFILE (sh
# execs ip, which execs CMD: the pid stays the same)
run_cg() {
	local cg=$1 pf=$2
	shift 2
	sh -c 'echo $$ > "$1/cgroup.procs" && echo $$ > "$2" && shift 2 && exec "$@"' \
		sh "$CG/$cg" "$pf" "$@"
}

# The records of a slow log file: "slow" lines, as NAME VALUE pairs.
# records FILE DIR REMOTE: those of one flow
records() {
	awk -v d="$2" -v r="$3" '$1 == "slow" {
		delete f
		for (i = 2; i < NF; i += 2) f[$i] = $(i + 1)
		if (f["dir"] == d && f["remote"] == r) print }' "$1"
}
nrecords() { grep -c '^slow ' "$1"; }
# seqs FILE: the records' seq numbers, one a line, as read
seqs() { awk '$1 == "slow" { print $3 }' "$1"; }
# nonblock_read OUT: what the stream has now, without blocking
nonblock_read() { dd if=$SLOW iflag=nonblock bs=65536 count=100000 > "$1" 2> /tmp/dd.err; }
stream_empty() {
	dd if=$SLOW iflag=nonblock bs=4096 count=1 > /tmp/empty.out 2> /tmp/dd.err
	grep -q 'Resource temporarily unavailable' /tmp/dd.err && [ ! -s /tmp/empty.out ]
}

# rt PARAM GOOD BAD...: GOOD is taken and reads back; each BAD is refused
# with EINVAL, a message naming PARAM, and the value stays GOOD
rt() {
	local p=$1 ok=$2 v
	shift 2
	check "write $p=$ok" sh -c "/bin/echo '$ok' > $PARAMS/$p"
	check "$p reads back $ok ($(cat $PARAMS/$p))" [ "$(cat $PARAMS/$p)" = "$ok" ]
	for v in "$@"; do
		dmesg -C
		if sh -c "/bin/echo '$v' > $PARAMS/$p" 2> /tmp/err; then
			fail "write $p='$v' was accepted"
		else
			check "write $p='$v' refused with EINVAL ($(cat /tmp/err))" grep -q 'Invalid argument' /tmp/err
			check "write $p='$v': dmesg names $p" sh -c "dmesg | grep -q 'netlat: invalid $p='"
		fi
		check "$p kept $ok" [ "$(cat $PARAMS/$p)" = "$ok" ]
	done
}

log "== parameters at load time"
for v in 0 1 60000000; do load_good slow_us=$v; done
for v in -1 60000001 x 1.5 ""; do load_bad "slow_us=$v"; done
for v in 64 100 4096 65536; do load_good slow_ring_size=$v; done
for v in 0 63 65537 -1 abc ""; do load_bad "slow_ring_size=$v"; done
load_good cgroup=0
load_good "cgroup=$(cgid nl-a)"
for v in -1 abc 18446744073709551616 "$(cgid nl-a/cgroup.procs)" "" \
	/nl-none /nl-a/cgroup.procs nl-a; do
	load_bad "cgroup=$v"
done
# by path from the cgroup2 mount: it reads back as the id
check "insmod cgroup=/nl-a/sub reads back its id $(cgid nl-a/sub)" sh -c \
	"insmod '$KO' cgroup=/nl-a/sub && v=\$(cat $PARAMS/cgroup); rmmod netlat; [ \"\$v\" = $(cgid nl-a/sub) ]"
check "insmod slow_ring_size=100" load_netlat slow_ring_size=100
check "a ring of 100 is rounded up to 128" grep -qx 'slow_ring_size 128' $DBG/config
check "cgroup filter 'all' shown in /proc/netlat" grep -qx 'filter cgroup all' $PROC
unload_netlat
# the filter's cgroup is held while loaded and let go at unload
check "insmod with cgroup= and rmmod" sh -c "insmod '$KO' cgroup=$(cgid nl-a) && rmmod netlat"

check "insmod netlat" load_netlat || exit 1

log "== run-time writes"
rt slow_us 150000 -1 60000001 x ""
rt slow_us 0
# no cgroup has the id 999999999999; a file's inode is no cgroup's
rt cgroup "$(cgid nl-a)" -1 abc 18446744073709551616 999999999999 \
	"$(cgid nl-a/cgroup.procs)" "" /nl-none /nl-a/cgroup.procs
check "/proc/netlat shows 'filter cgroup $(cgid nl-a)'" grep -qx "filter cgroup $(cgid nl-a)" $PROC
check "write cgroup=/nl-b" sh -c "/bin/echo /nl-b > $PARAMS/cgroup"
check "cgroup=/nl-b reads back its id ($(cat $PARAMS/cgroup))" [ "$(cat $PARAMS/cgroup)" = "$(cgid nl-b)" ]
rt cgroup 0
check "/proc/netlat shows 'filter cgroup all'" grep -qx 'filter cgroup all' $PROC
v=$(cat $PARAMS/slow_ring_size)
if sh -c "echo 128 > $PARAMS/slow_ring_size" 2> /dev/null; then
	fail "load-time parameter slow_ring_size was writable"
else
	pass "load-time parameter slow_ring_size is read-only"
fi
check "slow_ring_size unchanged ($v)" [ "$(cat $PARAMS/slow_ring_size)" = "$v" ]
for p in slow_us cgroup; do
	check "parameter $p: 100 hostile writes, all refused" "$CTLFUZZ" $PARAMS/$p -n 100 -s 5 -p
done
check "slow_us and cgroup unchanged" [ "$(cat $PARAMS/slow_us)/$(cat $PARAMS/cgroup)" = 0/0 ]
for f in $SLOW $SNAP; do
	check "a write to $f is refused" sh -c "! /bin/echo 1 > $f" 2> /dev/null
done

log "== a user who is not root"
asuser_denied read $SLOW $SNAP
asuser_denied write $PARAMS/slow_us $PARAMS/cgroup
check "slow_us still 0, cgroup 0" [ "$(cat $PARAMS/slow_us)/$(cat $PARAMS/cgroup)" = 0/0 ]

# ---- the 20 flows ----
# ms: the netem delay, and the reader's sleep; slow_us is half of it.  A
# guest under TCG on an overloaded host (three guests on two cores) had
# well-behaved flows stall up to 310 ms: real slow samples, rightly
# logged, so the threshold stays far above that
D=1000
N=8		# round trips of the two slow flows
M=20		# round trips of each of the 18 others
BASE=6100
PD=$((BASE + 5))	# its requests wait D in nsA's qdisc
PS=$((BASE + 12))	# its client sleeps D before each read

# delay_port PORT MS: netem on nsA's egress for the packets to PORT only
delay_port() {
	tc -n nsA qdisc add dev vA root handle 1: prio bands 3 \
		priomap 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
	tc -n nsA qdisc add dev vA parent 1:3 handle 30: netem delay "${2}ms" limit 10000
	tc -n nsA filter add dev vA parent 1: protocol ip prio 1 u32 \
		match ip dport "$1" 0xffff flowid 1:3
}
# flows PORT_BASE M [N]: 20 ping-pongs at once, server in nsB, client in
# nsA in nl-slow; the one on PORT_BASE+5 and the one on PORT_BASE+12
# (whose client sleeps D before each read) make N round trips, the others
# M.  Each client's pid is in /tmp/flow-PORT.pid.  True if all succeed.
flows() {
	local i=0 p n s pids="" srvs="" rc=0 pid
	while [ $i -lt 20 ]; do
		p=$(($1 + i))
		n=$2 s=0
		[ $i = 5 ] && n=$3
		[ $i = 12 ] && n=$3 s=$((D * 1000))
		in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p $p -m echo -t 120 > /dev/null 2>&1 &
		srvs="$srvs $!"
		run_cg nl-slow /tmp/flow-$p.pid ip netns exec nsA "$TCPGEN" pingpong \
			-a 192.0.2.2 -p $p -n $n -l 100 -s $s -t 120 > /tmp/flow-$p.log 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	for pid in $pids $srvs; do
		wait "$pid" || rc=1
	done
	return $rc
}

log "== slow_us=0: nothing is logged"
delay_port $((BASE + 100 + 5)) $D
netlat_reset
check "20 ping-pongs, the slow two of 2 round trips" flows $((BASE + 100)) 5 2
tc -n nsA qdisc del dev vA root
snapshot slow-off
F=$OUT/slow-off.txt
check "slow_us=0: slow_logged 0 ($(counter slow_logged))" [ "$(counter slow_logged)" = 0 ]
check "slow_us=0: the traffic was measured ($(stage tx_total count) tx samples)" \
	[ "$(stage tx_total count)" -gt 0 ]
unset F
cat $SNAP > $OUT/slow-off-snapshot.txt
check "slow_us=0: the snapshot is empty" [ ! -s $OUT/slow-off-snapshot.txt ]
check "slow_us=0: the stream is empty (O_NONBLOCK: EAGAIN)" stream_empty

log "== slow_us=$((D * 500)): the delayed flow and the sleeping reader, among 20"
echo $((D * 500)) > $PARAMS/slow_us
delay_port $PD $D
# two readers share the stream
cat $SLOW > $OUT/slow-stream-1.txt &
r1=$!
cat $SLOW > $OUT/slow-stream-2.txt &
r2=$!
netlat_reset
check "20 ping-pongs, the slow two of $N round trips, the others $M" flows $BASE $M $N
sleep 1		# the readers are woken at the next tick
cat $SNAP > $OUT/slow-snapshot.txt
snapshot slow-main
check "the stream readers were still reading" [ "$(running $r1 && echo y)$(running $r2 && echo y)" = yy ]
kill $r1 $r2
wait $r1 $r2
F=$OUT/slow-main.txt
check "slow_logged $(counter slow_logged) = $((2 * N))" [ "$(counter slow_logged)" = $((2 * N)) ]
check "slow_lost 0 ($(counter slow_lost))" [ "$(counter slow_lost)" = 0 ]
unset F
S=$OUT/slow-snapshot.txt
check "the snapshot has $((2 * N)) records ($(nrecords $S))" [ "$(nrecords $S)" = $((2 * N)) ]
cgs=$(cgid nl-slow)
# flow_ok LABEL DIR REMOTE PIDFILE STAGES: the snapshot's records of the
# flow: N of them, the client's, and the delay in the last of STAGES
# (which is the stage that took it), and more than slow_us in all
flow_ok() {
	local label=$1 n
	records $S "$2" "$3" > /tmp/flow.txt
	n=$(wc -l < /tmp/flow.txt)
	check "$label: $N records ($n)" [ "$n" = $N ]
	awk -v pid="$(cat "$4")" -v ns="$NSA" -v cg="$cgs" -v stages="$5" \
		-v min=$((D * 1000000)) -v slow=$((D * 500000)) '{
		delete f
		for (i = 2; i < NF; i += 2) f[$i] = $(i + 1)
		k = split(stages, s, " ")
		ok = f["pid"] == pid && f["comm"] == "tcpgen" && f["netns"] == ns &&
		     f["cgroup"] == cg && f["family"] == 4 && f["weight"] == 1 &&
		     f["bytes"] == 100 && index(f["local"], "192.0.2.1:") == 1 &&
		     f[s[k]] >= min && f[f["dir"] "_total"] > slow
		for (j = 1; j < k; j++)
			if (f[s[j]] >= f[s[k]])
				ok = 0
		if (!ok)
			print
	}' /tmp/flow.txt > /tmp/flow-bad.txt
	check "$label: every record names the client (pid $(cat "$4"), tcpgen, 192.0.2.1, netns $NSA, cgroup $cgs), the delay of ${D} ms is in ${5##* } and no other stage" \
		[ ! -s /tmp/flow-bad.txt ]
	head -n 3 /tmp/flow-bad.txt
}
flow_ok "netem on port $PD" tx 192.0.2.2:$PD /tmp/flow-$PD.pid \
	"tx_sock_tcp tx_tcp_ip tx_ip_dev"
flow_ok "reader sleeping on port $PS" rx 192.0.2.2:$PS /tmp/flow-$PS.pid \
	"rx_dev_ip rx_ip_tcp rx_tcp_user"
check "no other flow in the slow log" \
	[ "$(($(records $S tx 192.0.2.2:$PD | wc -l) + $(records $S rx 192.0.2.2:$PS | wc -l)))" = "$(nrecords $S)" ]
grep '^slow ' $S | head -n 2
# the stream: each record once, across both readers, none lost
cat $OUT/slow-stream-1.txt $OUT/slow-stream-2.txt > /tmp/stream.txt
check "the two stream readers read $((2 * N)) records in all ($(nrecords $OUT/slow-stream-1.txt) + $(nrecords $OUT/slow-stream-2.txt))" \
	[ "$(nrecords /tmp/stream.txt)" = $((2 * N)) ]
check "each record once: seq 0 to $((2 * N - 1))" \
	[ "$(seqs /tmp/stream.txt | sort -n | tr '\n' ' ')" = "$(seq 0 $((2 * N - 1)) | tr '\n' ' ')" ]
check "no lost line in the stream" sh -c "! grep -q '^lost ' /tmp/stream.txt"
# the same records in the stream and the snapshot (the wall clock is
# converted at each read)
strip() { grep '^slow ' "$1" | sed 's/ realtime_ns [0-9]*//' | sort; }
strip /tmp/stream.txt > /tmp/stream.sorted
strip $S > /tmp/snap.sorted
check "the stream and the snapshot have the same records" cmp -s /tmp/stream.sorted /tmp/snap.sorted
rt_ns=$(awk '$1 == "slow" { print $7; exit }' $S)
now=$(date +%s%N)
check "realtime_ns $rt_ns within 60 s before the clock's $now" \
	between $(((now - rt_ns) / 1000000000)) 0 60
check "read once: the stream has nothing left (EAGAIN)" stream_empty
cat $SNAP > /tmp/snap2.txt
strip /tmp/snap2.txt > /tmp/snap2.sorted
check "the snapshot took nothing: it reads the same again" cmp -s /tmp/snap2.sorted /tmp/snap.sorted
# the tool reads the ring as an operator would: a row per record, and
# grouped by the service's port
"$NETLAT" slow > $OUT/slow-table.txt
check "netlat slow: a row per record ($(($(wc -l < $OUT/slow-table.txt) - 1)))" \
	[ $(($(wc -l < $OUT/slow-table.txt) - 1)) = $((2 * N)) ]
"$NETLAT" slow --by port > $OUT/slow-by-port.txt
cat $OUT/slow-by-port.txt
check "netlat slow --by port: $PD and $PS, $N records each" \
	[ "$(awk 'NR > 1 { print $1, $2 }' $OUT/slow-by-port.txt | sort | tr '\n' ' ')" = "$PD $N $PS $N " ]
tc -n nsA qdisc del dev vA root

log "== IPv6: a reader sleeping on the veth pair, the tool following the stream"
next_port
in_ns nsB "$TCPGEN" server -a 2001:db8:2::2 -p $PORT -m echo -t 120 > /dev/null 2>&1 &
spid=$!
# the stream's only reader: the tool, as JSON lines, until Ctrl-C
"$NETLAT" slow -f --json > $OUT/slow-v6.jsonl 2> /tmp/follow.err &
fpid=$!
run_cg nl-slow /tmp/v6.pid ip netns exec nsA "$TCPGEN" pingpong -a 2001:db8:2::2 -p $PORT \
	-n 3 -l 100 -s $((D * 1000)) -t 120 > /dev/null 2>&1
check "IPv6 ping-pong" wait $spid
sleep 1
kill -INT $fpid
check "netlat slow -f: ends on SIGINT" wait $fpid
check "netlat slow -f --json: 3 records of the sleeping reader ($(grep -c "\"remote_port\":$PORT," $OUT/slow-v6.jsonl)), nothing else ($(wc -l < $OUT/slow-v6.jsonl))" \
	[ "$(grep '"direction":"rx"' $OUT/slow-v6.jsonl | grep -c "\"remote_port\":$PORT,"):$(wc -l < $OUT/slow-v6.jsonl)" = 3:3 ]
cat $SNAP > $OUT/slow-v6.txt
records $OUT/slow-v6.txt rx "[2001:db8:2::2]:$PORT" > /tmp/v6.txt
check "IPv6: the snapshot has the 3 ($(wc -l < /tmp/v6.txt))" [ "$(wc -l < /tmp/v6.txt)" = 3 ]
check "IPv6: family 6, local [2001:db8:2::1], the reader's pid" \
	[ "$(awk -v pid="$(cat /tmp/v6.pid)" '{ delete f; for (i = 2; i < NF; i += 2) f[$i] = $(i + 1)
		if (f["family"] == 6 && index(f["local"], "[2001:db8:2::1]:") == 1 && f["pid"] == pid) n++ }
		END { print n + 0 }' /tmp/v6.txt)" = 3 ]

if command -v python3 > /dev/null; then
	log "== poll and epoll wake when a record comes"
	# pyread poll|epoll TIMEOUT_S OUT: wait on the stream (TIMEOUT_S < 0:
	# for good), then read what it has; "events ..." and the text in OUT
	pyread() {
		python3 - "$@" <<'EOF'
import os, select, sys
mode, timeout, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
fd = os.open("/proc/netlat_slow", os.O_RDONLY | os.O_NONBLOCK)
if mode == "poll":
    p = select.poll()
    p.register(fd, select.POLLIN)
    ev = p.poll(None if timeout < 0 else timeout * 1000)
else:
    p = select.epoll()
    p.register(fd, select.EPOLLIN)
    ev = p.poll(timeout)
with open(out, "w") as f:
    f.write("events %s\n" % " ".join(str(e) for _, e in ev))
    try:
        f.write(os.read(fd, 65536).decode())
    except OSError as e:
        f.write("read error %d\n" % e.errno)
EOF
	}
	for mode in poll epoll; do
		pyread $mode 60 /tmp/$mode.txt &
		pypid=$!
		sleep 2
		check "$mode: waits while the stream is empty" running $pypid
		next_port
		in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p $PORT -m echo -t 120 > /dev/null 2>&1 &
		in_ns nsA "$TCPGEN" pingpong -a 192.0.2.2 -p $PORT -n 1 -l 100 -s $((D * 1000)) -t 120 > /dev/null
		wait $pypid
		check "$mode: woke with POLLIN ($(head -n 1 /tmp/$mode.txt))" \
			grep -qx 'events [0-9]*[13579]' /tmp/$mode.txt
		check "$mode: and read the record" grep -q "^slow seq .* remote 192.0.2.2:$PORT " /tmp/$mode.txt
		wait
	done
else
	fail "no python3 in the guest: poll and epoll not checked"
fi
check "rmmod" unload_netlat

log "== a ring of 64, and a reader that never reads"
check "insmod slow_ring_size=64 slow_us=1" load_netlat slow_ring_size=64 slow_us=1
exec 5< $SLOW
t0=$(date +%s)
check "200 round trips, every sample slow" pingpong "$PATH_VETH" 200 100 > /dev/null
t=$(($(date +%s) - t0))
snapshot overflow
F=$OUT/overflow.txt
expect_samples "ring of 64" 400
logged=$(counter slow_logged)
lost=$(counter slow_lost)
timed=$(($(counter tx_timed) + $(counter rx_timed)))
unset F
check "the traffic did not stall ($t s for 200 round trips)" [ "$t" -lt 60 ]
check "every sample was longer than 1 us: slow_logged $logged = samples $timed" [ "$logged" = "$timed" ]
check "the ring kept 64, the others are counted: slow_lost $lost = $logged - 64" \
	[ "$lost" = $((logged - 64)) ]
cat $SNAP > $OUT/overflow-snapshot.txt
check "the snapshot has the newest 64 (seq $((logged - 64)) to $((logged - 1)))" \
	[ "$(seqs $OUT/overflow-snapshot.txt | tr '\n' ' ')" = "$(seq $((logged - 64)) $((logged - 1)) | tr '\n' ' ')" ]
nonblock_read $OUT/overflow-stream.txt
check "the stream says 'lost $lost' first" [ "$(head -n 1 $OUT/overflow-stream.txt)" = "lost $lost" ]
check "then the 64 records it still has" \
	[ "$(seqs $OUT/overflow-stream.txt | tr '\n' ' ')" = "$(seq $((logged - 64)) $((logged - 1)) | tr '\n' ' ')" ]
check "and nothing more (EAGAIN)" stream_empty
exec 5<&-
check "rmmod" unload_netlat

log "== rmmod with readers blocked in read, poll and epoll"
check "insmod slow_us=1" load_netlat slow_us=1
cat $SLOW > /tmp/blocked-cat.txt 2>&1 &
catpid=$!
blocked="$catpid"
if command -v python3 > /dev/null; then
	pyread poll -1 /tmp/blocked-poll.txt &
	blocked="$blocked $!"
	pyread epoll -1 /tmp/blocked-epoll.txt &
	blocked="$blocked $!"
fi
exec 4< $SLOW
sleep 2
for p in $blocked; do
	check "reader $p is blocked" running $p
done
check "rmmod with the readers blocked, and a file open" timeout 60 rmmod netlat
i=0
while running $blocked && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "every reader returned within 10 s" \
	[ -z "$(for p in $blocked; do kill -0 $p 2> /dev/null && echo $p; done)" ]
wait $catpid
st=$?
check "the blocked read returned end of file: cat exited $st, having read nothing" \
	[ "$st:$(wc -c < /tmp/blocked-cat.txt)" = 0:0 ]
wait
check "a read of the file still open fails now" sh -c "! cat <&4 > /dev/null 2>&1"
exec 4<&-
check "insmod again" load_netlat
check "rmmod again" unload_netlat

log "== cgroup=: only the sockets made in a cgroup or below it"
check "insmod netlat" load_netlat
ida=$(cgid nl-a)
# cg_pingpong LABEL SERVER_CG CLIENT_CG COUNT: a ping-pong on the veth
# pair, each end in its cgroup; its snapshot is $OUT/cgroup-LABEL.txt
cg_pingpong() {
	local spid crc srv
	netlat_reset
	next_port
	run_cg "$2" /tmp/cg-srv.pid ip netns exec nsB "$TCPGEN" server -a 192.0.2.2 -p $PORT \
		-m echo -t 120 > /dev/null 2>&1 &
	spid=$!
	run_cg "$3" /tmp/cg-cli.pid ip netns exec nsA "$TCPGEN" pingpong -a 192.0.2.2 -p $PORT \
		-n "$4" -l 100 -t 120 > /dev/null 2>&1
	crc=$?
	wait $spid
	srv=$?
	snapshot "cgroup-$1"
	[ $crc -eq 0 ] && [ $srv -eq 0 ]
}
echo "$ida" > $PARAMS/cgroup
check "cgroup=$ida (nl-a): server in nl-a/sub, client in nl-b" cg_pingpong sub nl-a/sub nl-b 150
F=$OUT/cgroup-sub.txt
expect_samples "cgroup=nl-a, the server's side only (nl-a/sub)" 150
check "cgroup=nl-a: 150 data units each way, no more ($(counter tx_data_segments)/$(counter rx_data_skbs))" \
	[ "$(counter tx_data_segments)/$(counter rx_data_skbs)" = 150/150 ]
check "both ends in nl-b" cg_pingpong other nl-b nl-b 100
F=$OUT/cgroup-other.txt
check "cgroup=nl-a: another cgroup's traffic adds no sample ($(stage tx_total count)/$(stage rx_total count))" \
	[ "$(stage tx_total count)/$(stage rx_total count)" = 0/0 ]
check "and no data unit, nothing unmatched, nothing dropped ($(counter tx_data_segments)/$(counter rx_data_skbs)/$(unmatched tx)/$(unmatched rx)/$(counter rx_dropped_before_socket))" \
	[ "$(counter tx_data_segments)/$(counter rx_data_skbs)/$(unmatched tx)/$(unmatched rx)/$(counter rx_dropped_before_socket)" = 0/0/0/0/0 ]
check "both ends in nl-a (server in nl-a/sub)" cg_pingpong both nl-a/sub nl-a 120
F=$OUT/cgroup-both.txt
expect_samples "cgroup=nl-a, both ends" 240
unset F
# an accepted socket is its listener's: the server moves to nl-b after
# listening, its connection still counts in nl-a
log "-- a listener made in nl-a, its process moved to nl-b before the connection"
netlat_reset
next_port
run_cg nl-a /tmp/inh.pid ip netns exec nsB "$TCPGEN" server -a 192.0.2.2 -p $PORT \
	-m echo -t 120 > /dev/null 2>&1 &
spid=$!
i=0
until ip netns exec nsB ss -ltnH "sport = :$PORT" | grep -q . || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
cat /tmp/inh.pid > $CG/nl-b/cgroup.procs
check "the server is in nl-b now" grep -qx '0::/nl-b' /proc/"$(cat /tmp/inh.pid)"/cgroup
check "ping-pong from nl-b" run_cg nl-b /tmp/inh-cli.pid ip netns exec nsA "$TCPGEN" pingpong \
	-a 192.0.2.2 -p $PORT -n 100 -l 100 -t 120 > /dev/null
wait $spid
snapshot cgroup-inherit
F=$OUT/cgroup-inherit.txt
expect_samples "cgroup=nl-a, the accepted socket of a listener made there" 100
unset F
echo 0 > $PARAMS/cgroup
check "rmmod with the filter set to 0" unload_netlat
check "insmod with cgroup=nl-a, then rmmod with it set" \
	sh -c "insmod '$KO' cgroup=$ida && rmmod netlat"
rmdir $CG/nl-a/sub $CG/nl-a $CG/nl-b 2> /dev/null
check_dmesg
finish
