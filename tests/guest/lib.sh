# Helpers for the guest tests (sourced; POSIX sh: dash in the guest).
# The guest sees the host's root read-only; NETLAT_TREE is the tree, OUT
# the results share.
: "${NETLAT_TREE:?run me through tests/vm/run.sh}"
OUT=${OUT:-/tmp/out}
KVER=$(uname -r)
KO=$NETLAT_TREE/build/$KVER/netlat.ko
TCPGEN=$NETLAT_TREE/build/tools/tcpgen
PROC=/proc/netlat
FAILS=0

log() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }
pass() { log "PASS: $*"; }
fail() { log "FAIL: $*"; FAILS=$((FAILS + 1)); }
# check DESCRIPTION COMMAND...: pass or fail on the command's status
check() {
	local what="$1"
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
	log "$(basename "$0"): $FAILS failure(s)"
	[ "$FAILS" -eq 0 ]
}

load_netlat() { insmod "$KO" "$@"; }
unload_netlat() { rmmod netlat; }
netlat_reset() { echo 1 > /sys/kernel/debug/netlat/reset; }
# asuser CMD...: CMD as nobody, with no groups
asuser() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# asuser_denied read|write FILE...: a user who is not root may not
asuser_denied() {
	local how=$1 f
	shift
	for f in "$@"; do
		if [ "$how" = read ]; then
			asuser cat "$f" > /dev/null 2> /tmp/err
		else
			asuser sh -c "echo 1 > $f" 2> /tmp/err
		fi && { fail "non-root could $how $f"; continue; }
		check "non-root $how of $f: permission denied" grep -qi 'permission denied' /tmp/err
	done
}
# load_good PARAM=VALUE: netlat loads with it, and the parameter reads back
load_good() {
	if load_netlat "$1"; then
		pass "insmod netlat $1 loads ($(cat /sys/module/netlat/parameters/${1%%=*} 2>/dev/null))"
		unload_netlat
	else
		fail "insmod netlat $1 was refused"
	fi
}
# load_bad PARAM=VALUE: refused, with a pr_err naming the parameter
load_bad() {
	dmesg -C
	if load_netlat "$1" 2> /dev/null; then
		fail "insmod netlat '$1' loaded"
		unload_netlat
	elif dmesg | grep -q "netlat: invalid ${1%%=*}="; then
		pass "insmod netlat '$1' refused: $(dmesg | grep 'netlat: invalid' | sed 's/^\[[ 0-9.]*\] //')"
	else
		fail "insmod netlat '$1' refused without naming ${1%%=*}:"
		dmesg | tail -n 3
	fi
}
snapshot() { cat $PROC > "$OUT/$1.txt"; }

# Values from /proc/netlat (or from file $F if set).
probe_hits() {	# POINT: hits of all symbols serving it
	awk -v p="$1" '$1 == "probe" && $2 == p { n += $6; found = 1 }
		END { if (found) print n + 0; else print "none" }' "${F:-$PROC}"
}
probe_missed() {	# [DIR]: hits the kprobe core skipped (of tx_*/rx_* points)
	awk -v d="$1" '$1 == "probe" && index($2, d) == 1 { n += $8 } END { print n + 0 }' "${F:-$PROC}"
}
probe_points() { awk '$1 == "probe" && !seen[$2]++ { print $2 }' "${F:-$PROC}"; }
stage() {	# STAGE FIELD: count, sum_ns, min_ns, max_ns, p50_ns, ...
	awk -v s="$1" -v f="$2" '$1 == "stage" && $2 == s {
		for (i = 4; i < NF; i += 2) if ($i == f) print $(i + 1) }' "${F:-$PROC}"
}
counter() {	# NAME: its value; 0 if this module has no such counter
	awk -v c="$1" '$1 == "counter" && $2 == c { v = $3 } END { print v + 0 }' "${F:-$PROC}"
}
unmatched() {	# sum of every *.unmatched_* counter of a direction (tx/rx)
	awk -v d="$1" '$1 == "counter" && index($2, d "_") == 1 &&
		$2 ~ /unmatched/ { n += $3 } END { print n + 0 }' "${F:-$PROC}"
}

# ---- networks: loopback, a veth pair, the two virtio-net NICs ----
# Each path is "SERVER_NS CLIENT_NS SERVER_ADDR" ("-" = the root netns).
PATH_LO="- - 127.0.0.1"
PATH_VETH="nsB nsA 192.0.2.2"
PATH_NIC="nsD nsC 198.51.100.2"
# With WITH_IPV6=1 (set before setup_all_paths) the veth pair and the NICs
# also carry IPv6 (addresses nodad: never tentative).
PATH_LO6="- - ::1"
PATH_VETH6="nsB nsA 2001:db8:2::2"
PATH_NIC6="nsD nsC 2001:db8:51::2"

in_ns() { ns=$1; shift; if [ "$ns" = - ]; then "$@"; else ip netns exec "$ns" "$@"; fi; }

# A test netns: loopback up, no IPv6 unless WITH_IPV6 (its background
# chatter is not TCP but would show in the hit counts).
add_ns() {
	ip netns add "$1"
	[ -n "${WITH_IPV6:-}" ] ||
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set lo up
}

# add_addr6 NS DEV ADDR/LEN: with WITH_IPV6, an IPv6 address, usable at once
add_addr6() {
	[ -n "${WITH_IPV6:-}" ] && ip -n "$1" addr add "$3" dev "$2" nodad
	return 0
}

setup_veth() {
	modprobe veth
	add_ns nsA
	add_ns nsB
	ip link add vA netns nsA type veth peer name vB netns nsB
	ip -n nsA addr add 192.0.2.1/24 dev vA
	ip -n nsB addr add 192.0.2.2/24 dev vB
	add_addr6 nsA vA 2001:db8:2::1/64
	add_addr6 nsB vB 2001:db8:2::2/64
	ip -n nsA link set vA up
	ip -n nsB link set vB up
}

nic_by_mac() {
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address")" = "$1" ] && basename "$d"
	done
}

setup_nic() {	# the two virtio-net NICs on the qemu hub, one per netns
	modprobe virtio_net
	i=0
	while [ -z "$(nic_by_mac 52:54:00:12:34:02)" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	n1=$(nic_by_mac 52:54:00:12:34:01)
	n2=$(nic_by_mac 52:54:00:12:34:02)
	[ -n "$n1" ] && [ -n "$n2" ] || { fail "virtio-net NICs not found"; return 1; }
	add_ns nsC
	add_ns nsD
	ip link set "$n1" netns nsC name nicC
	ip link set "$n2" netns nsD name nicD
	ip -n nsC addr add 198.51.100.1/24 dev nicC
	ip -n nsD addr add 198.51.100.2/24 dev nicD
	add_addr6 nsC nicC 2001:db8:51::1/64
	add_addr6 nsD nicD 2001:db8:51::2/64
	ip -n nsC link set nicC up
	ip -n nsD link set nicD up
	# wait for the links and neighbours, so no ARP lands in a measurement
	in_ns nsC ping -c 1 -W 5 198.51.100.2 > /dev/null
	[ -z "${WITH_IPV6:-}" ] || in_ns nsC ping -6 -c 1 -W 5 2001:db8:51::2 > /dev/null
}

setup_all_paths() {
	setup_veth
	setup_nic
	in_ns nsA ping -c 1 -W 5 192.0.2.2 > /dev/null
	[ -z "${WITH_IPV6:-}" ] || in_ns nsA ping -6 -c 1 -W 5 2001:db8:2::2 > /dev/null
}

# ---- workloads (tcpgen); every function waits for its server ----
# TCPGEN_OPTS: more options for both ends (-E: an IPv6 extension header)
PORT=5001
next_port() { PORT=$((PORT + 1)); }

# pingpong PATH COUNT LEN [SLEEP_US [SRV_CPU CLI_CPU]]
# (PINGPONG_STAMPS=1: the client also measures with SO_TIMESTAMPING)
pingpong() {
	set -- $1 "$2" "$3" "${4:-0}" "${5:--1}" "${6:--1}"
	next_port
	in_ns "$1" "$TCPGEN" server -a "$3" -p $PORT -m echo -s "$6" -C "$7" ${TCPGEN_OPTS:-} > /tmp/server.log 2>&1 &
	spid=$!
	in_ns "$2" "$TCPGEN" pingpong -a "$3" -p $PORT -n "$4" -l "$5" -s "$6" -C "$8" \
		${PINGPONG_STAMPS:+-S} ${TCPGEN_OPTS:-} > /tmp/client.log
	crc=$?
	cat /tmp/client.log
	wait $spid
	srv=$?
	[ $crc -eq 0 ] && [ $srv -eq 0 ]
}

# client_value KEY: a figure the last pingpong client printed (rtt_p50_ns...)
client_value() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' /tmp/client.log; }

# stream PATH BYTES: client -> server bulk
stream() {
	set -- $1 "$2"
	next_port
	in_ns "$1" "$TCPGEN" server -a "$3" -p $PORT -m sink ${TCPGEN_OPTS:-} > /tmp/server.log 2>&1 &
	spid=$!
	in_ns "$2" "$TCPGEN" stream -a "$3" -p $PORT -b "$4" -l 65536 ${TCPGEN_OPTS:-}
	crc=$?
	wait $spid
	srv=$?
	[ $crc -eq 0 ] && [ $srv -eq 0 ]
}

# churn PATH CONNS: CONNS connections, one 100-byte echo each
churn() {
	set -- $1 "$2"
	next_port
	in_ns "$1" "$TCPGEN" server -a "$3" -p $PORT -m echo -c "$4" ${TCPGEN_OPTS:-} > /tmp/server.log 2>&1 &
	spid=$!
	in_ns "$2" "$TCPGEN" churn -a "$3" -p $PORT -n "$4" -l 100 ${TCPGEN_OPTS:-}
	crc=$?
	wait $spid
	srv=$?
	[ $crc -eq 0 ] && [ $srv -eq 0 ]
}

check_dmesg() {	# no kernel splat, no kprobe error
	if dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|kernel BUG|UBSAN:|KASAN:|Failed to register|kprobe.*(failed|error)' > /tmp/splat.txt; then
		fail "dmesg has kernel splats or kprobe errors:"
		cat /tmp/splat.txt
	else
		pass "dmesg clean (no WARNING/BUG/Oops/Call Trace/UBSAN/KASAN/kprobe error)"
	fi
}

# ---- assertions on a snapshot (file $F) ----
# expect_samples LABEL N: each direction has exactly N samples in every
# stage and nothing unpaired.  Where the kprobe core dropped nested hits
# (nmissed > 0: a softirq ran inside another probe's handler), every
# message must still be accounted for: samples + not timed = N.  A message
# the peer retransmitted (a tail loss probe under emulation) arrives twice:
# its copies count as duplicates, and which copy TCP kept cannot be told,
# so it may be untimed: samples + duplicates >= N, nothing else untimed.
expect_samples() {
	local label="$1" n="$2" d cnt lost missed dups
	missed=$(probe_missed)
	for d in tx rx; do
		cnt=$(stage ${d}_total count)
		dups=0
		[ $d = tx ] || dups=$(counter rx_duplicate_segments)
		lost=$(($(fates $d) - dups))
		if [ "$missed" != 0 ]; then
			log "$label: $missed probe hits missed by the kprobe core (nested in another handler)"
			check "$label: $d samples + not timed = $n ($cnt + $lost, $dups duplicates)" \
				between $((cnt + lost)) "$n" $((n + dups))
		elif [ "$dups" != 0 ]; then
			log "$label: $dups duplicate copies received (the peer retransmitted)"
			check "$label: $d samples <= $n <= samples + duplicates ($cnt + $dups), nothing else untimed ($lost)" \
				[ "$(between "$n" "$cnt" $((cnt + dups)) && echo y):$lost" = y:0 ]
		else
			check "$label: $d has exactly $n samples ($cnt), none untimed ($lost$(nonzero_fates $d))" \
				[ "$cnt:$lost" = "$n:0" ]
		fi
	done
	for c in negative_delta table_full ring_full; do
		check "$label: counter $c is 0 ($(counter $c))" [ "$(counter $c)" = 0 ]
	done
	expect_sums "$label"
	expect_accounting "$label"
}

# Every data unit has exactly one fate (docs/format.md, "Coverage counters"):
# counted where first seen (tx_data_segments, rx_data_skbs), then once as
# a sample or in one "not timed" counter.  fates DIR sums a direction's.
fates() {
	if [ "$1" = tx ]; then
		set -- tx_incomplete tx_sock_tcp.unmatched_end tx_tcp_ip.unmatched_end \
			tx_ip_dev.unmatched_start tx_ip_dev.unmatched_end tx_interleaved \
			tx_thinned
	else
		set -- rx_incomplete rx_dev_ip.unmatched_end rx_ip_tcp.unmatched_end \
			rx_tcp_user.unmatched_start rx_tcp_user.unmatched_end \
			rx_duplicate_segments rx_fastopen_data rx_thinned
	fi
	n=0
	for c in "$@"; do n=$((n + $(counter "$c"))); done
	echo "$n"
}
# nonzero_fates DIR: ": name=value..." of DIR's untimed fates that are not
# 0, so that a failed count says which fate took the data
nonzero_fates() {
	awk -v d="$1" '$1 == "counter" && index($2, d "_") == 1 && $3 != 0 &&
		$2 !~ /^(tx_data_segments|rx_data_skbs|rx_gro_segments|tx_timed|rx_timed|tx_retransmit_segments)/ {
			s = s " " $2 "=" $3 } END { if (s != "") printf ":%s", s }' "${F:-$PROC}"
}
# lag_group NAME PORT CONNS BYTES GOFILE: a reader lagging its whole
# stream (tcpgen lag) on CONNS connections to the push server on
# 127.0.0.1:PORT, in the background (its pid in LAG_PID); returns once
# BYTES sit unread on each (fails after 2 minutes).  It reads them all
# once GOFILE exists.
lag_group() {
	local i=0
	: > "/tmp/lag-$1.log"	# not an earlier run's "ready"
	"$TCPGEN" lag -a 127.0.0.1 -p "$2" -c "$3" -b "$4" -G "$5" > "/tmp/lag-$1.log" 2>&1 &
	LAG_PID=$!
	until grep -q '^lag: ready' "/tmp/lag-$1.log" 2> /dev/null; do
		i=$((i + 1))
		[ $i -lt 1200 ] || return 1
		sleep 0.1
	done
}

# Memory figures (kB) with no traffic: Percpu, VmallocUsed, SUnreclaim
# (not drop_caches: the guest's root is 9p, whose dropped dentries then
# fail to resolve).
meminfo() {
	sleep 2
	awk '/^(Percpu|VmallocUsed|SUnreclaim):/ { printf "%s %s ", $1, $2 } END { print "" }' /proc/meminfo
}
# expect_memory_back BEFORE AFTER: two meminfo lines, netlat loaded and
# unloaded in between.
expect_memory_back() {
	local k b a tol
	for k in Percpu VmallocUsed SUnreclaim; do
		b=$(echo "$1" | awk -v k="$k:" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }')
		a=$(echo "$2" | awk -v k="$k:" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }')
		case $k in
		Percpu) tol=0 ;;	# netlat allocates no per-cpu memory: exact
		VmallocUsed) tol=512 ;;	# one load takes 10 MB, each CPU's 42 kB too
		# The traffic moves it by hundreds of kB (seen +70 to +460 kB
		# over lifecycle's 30 cycles, in the caches of sockets, skbs and
		# tasks): coarse here, it catches a leak of 34 kB or more per
		# load there.  kmemleak on the debug kernel is the exact check.
		SUnreclaim) tol=1024 ;;
		esac
		check "$k back to its level before the load: $b kB -> $a kB (tolerance $tol kB)" \
			[ "$a" -le $((b + tol)) ]
	done
}

# expect_accounting LABEL: after the traffic (nothing in flight), each
# direction's units equal its samples (tx_timed, rx_timed) plus its fates,
# exactly; the counters both directions share (negative_delta,
# table_full, ring_full) are added to the sum of both.  Without thinning
# every sample weighs 1: the totals' counts are the samples.
expect_accounting() {
	local label="$1" tx rx shared seen timed d
	for d in tx rx; do
		[ "$(counter ${d}_thinned)" = 0 ] || continue
		check "$label: nothing thinned, so ${d}_total count = ${d}_timed ($(stage ${d}_total count) = $(counter ${d}_timed))" \
			[ "$(stage ${d}_total count)" = "$(counter ${d}_timed)" ]
	done
	tx=$(($(counter tx_timed) + $(fates tx)))
	rx=$(($(counter rx_timed) + $(fates rx)))
	shared=$(($(counter negative_delta) + $(counter table_full) + $(counter ring_full)))
	seen=$(($(counter tx_data_segments) + $(counter rx_data_skbs)))
	check "$label: every data unit has one fate (tx $(counter tx_data_segments) = $tx + rx $(counter rx_data_skbs) = $rx + shared $shared)" \
		[ "$seen" = $((tx + rx + shared)) ]
	expect_families "$label"
	if [ "$shared" = 0 ]; then
		check "$label: tx units = tx samples + tx fates ($(counter tx_data_segments) = $tx)" \
			[ "$(counter tx_data_segments)" = "$tx" ]
		check "$label: rx units = rx samples + rx fates ($(counter rx_data_skbs) = $rx)" \
			[ "$(counter rx_data_skbs)" = "$rx" ]
	fi
}

# expect_sums LABEL: in each direction every stage has the total's count,
# and the stage sums add up to the total's sum exactly: the module keeps
# one count per direction and makes the total's sum from the stages', so
# this checks the report; the total's min and max, binned apart, are at
# least every stage's.
expect_sums() {
	local label="$1" d r
	for d in tx rx; do
		# one pass per direction: "ok", or what does not hold
		r=$(awk -v d=$d '
			$1 != "stage" || $3 != d { next }
			{ for (i = 4; i < NF; i += 2) v[$2, $i] = $(i + 1) }
			$2 !~ /_total$/ { st[++n] = $2 }
			$2 ~ /_total$/ { t = $2 }
			END {
				bad = ""
				for (i = 1; i <= n; i++) {
					s = st[i]; sum += v[s, "sum_ns"]
					if (v[s, "count"] != v[t, "count"]) bad = bad " " s ".count=" v[s, "count"]
					if (v[t, "min_ns"] < v[s, "min_ns"]) bad = bad " " s ".min>total"
					if (v[t, "max_ns"] < v[s, "max_ns"]) bad = bad " " s ".max>total"
				}
				if (sum != v[t, "sum_ns"]) bad = bad sprintf(" sum=%.0f!=%s", sum, v[t, "sum_ns"])
				print (n && bad == "" ? "ok" : "bad" bad)
			}' "${F:-$PROC}")
		check "$label: $d stages have ${d}_total's count, their sums add up to its sum, its min and max are at least theirs ($r)" \
			[ "$r" = ok ]
	done
}

# running PID...: is any of them still running?
running() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2> /dev/null && return 0
	done
	return 1
}

# between VALUE LO HI: LO <= VALUE <= HI (one command, for check)
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# within PCT VALUE TARGET: |VALUE - TARGET| <= PCT% of TARGET
within() { awk -v p="$1" -v v="$2" -v t="$3" 'BEGIN { d = v - t; if (d < 0) d = -d; exit !(d <= t * p / 100) }'; }

# writable DIR: make a directory of the read-only host root writable in the
# guest, as an overlay with its upper layer in tmpfs
writable() {
	local t
	t=/run/overlay$(echo "$1" | tr / _)
	mkdir -p "$t/upper" "$t/work"
	modprobe overlay 2> /dev/null
	mount -t overlay overlay -o "lowerdir=$1,upperdir=$t/upper,workdir=$t/work" "$1"
}

# expect_families LABEL: the per-family counts add up to the totals; all
# of the traffic is of family EXPECT_FAMILY (4 by default, 6; "any": mixed)
expect_families() {
	local label="$1" u v4 v6
	for u in tx_data_segments rx_data_skbs; do
		v4=$(counter $u.ipv4)
		v6=$(counter $u.ipv6)
		check "$label: $u = ipv4 + ipv6 ($(counter $u) = $v4 + $v6)" \
			[ "$(counter $u)" = $((v4 + v6)) ]
		case ${EXPECT_FAMILY:-4} in
		4) check "$label: no $u counted as IPv6 ($v6)" [ "$v6" = 0 ] ;;
		6) check "$label: no $u counted as IPv4 ($v4)" [ "$v4" = 0 ] ;;
		esac
	done
}

# ---- the stage tests of stages.sh, over any path (ipv6.sh: IPv6) ----

# pingpong_stages NAME N: N round trips on PATH_NAME give exactly 2N
# samples in every stage, also with server and client on different CPUs
pingpong_stages() {
	local name=$1 n=$2 path
	eval path=\$PATH_$name
	log "== $name: $n round trips of 100 bytes (2 x $n messages)"
	netlat_reset
	check "$name: ping-pong" pingpong "$path" "$n" 100
	snapshot "pingpong-$name"
	F=$OUT/pingpong-$name.txt
	expect_samples "$name ping-pong" $((2 * n))
	grep -E '^(stage|probe)' "$F"
	unset F

	log "== $name: the same with server on CPU 0, client on CPU 1"
	netlat_reset
	check "$name: cross-CPU ping-pong" pingpong "$path" "$n" 100 0 0 1
	snapshot "crosscpu-$name"
	F=$OUT/crosscpu-$name.txt
	expect_samples "$name cross-CPU" $((2 * n))
	unset F
}

# bulk_stages NAME BYTES: a stream on PATH_NAME pairs (almost) every
# segment, with stage sums adding up to the totals
bulk_stages() {
	local name=$1 bytes=$2 path d all got missed rf dup lost
	eval path=\$PATH_$name
	log "== $name: a $((bytes / 1000000)) MB stream"
	netlat_reset
	check "$name: $((bytes / 1000000)) MB stream" stream "$path" "$bytes"
	snapshot "bulk-$name"
	F=$OUT/bulk-$name.txt
	grep -E '^(stage|counter)' "$F"
	expect_sums "$name bulk"
	check "$name bulk: no negative deltas" [ "$(counter negative_delta)" = 0 ]
	expect_accounting "$name bulk"
	for d in tx rx; do
		if [ $d = tx ]; then all=$(counter tx_data_segments); else all=$(counter rx_data_skbs); fi
		got=$(stage ${d}_total count)
		missed=$(probe_missed ${d}_)
		# a hit the kprobe core skips (a softirq nested in another
		# handler) loses its packet's pairing: counted, not a netlat bug
		check "$name bulk: $d not timed beyond skipped probe hits under 1% ($(fates $d) not timed, $missed skipped, of $all)" \
			[ $((($(fates $d) - missed) * 100)) -lt "$all" ]
		# A reader that falls behind by more than a socket's ring (64
		# unread skbs) has the rest counted in ring_full, not sampled:
		# seen on veth when the guest's vCPUs are starved.  ring_full is
		# one counter for both directions, hence "what the rings held".
		rf=$(counter ring_full)
		dup=0
		[ $d = tx ] || dup=$(counter rx_duplicate_segments)
		# what skipped hits cost is counted in the check above
		lost=$(($(fates $d) - dup))
		[ "$lost" -gt "$missed" ] && lost=$missed
		check "$name bulk: $d samples cover over 95% of the data the rings held, beyond skipped hits ($got + $lost of $all - $dup - $rf)" \
			[ $(((got + lost) * 100)) -gt $(((all - dup - rf) * 95)) ]
	done
	# These paths drop nothing: a skb seen at the device layer that never
	# reached its socket is one whose IP, TCP or bind hit was skipped.
	# (The per-CPU slots of a GRO list must not push each other out.)
	check "$name bulk: nothing lost before the socket beyond skipped rx hits ($(counter rx_dropped_before_socket) <= $(probe_missed rx_))" \
		[ "$(counter rx_dropped_before_socket)" -le "$(probe_missed rx_)" ]
	unset F
}

# churn_stages NAME CONNS: CONNS short connections on PATH_NAME leave no
# state behind
churn_stages() {
	local name=$1 n=$2 path
	eval path=\$PATH_$name
	log "== churn: $n short connections over $name"
	netlat_reset
	check "$n connections" churn "$path" "$n"
	sleep 1
	snapshot "churn-$name"
	F=$OUT/churn-$name.txt
	expect_samples "$name churn" $((2 * n))
	check "$name churn: no socket with anything in flight left (sockets $(awk '$1 == "sockets" { print $2 }' "$F"))" \
		[ "$(awk '$1 == "sockets" { print $2 }' "$F")" = 0 ]
	# every socket kept its (idle) entry until the kernel destroyed it
	check "$name churn: purges seen ($(counter sockets_purged))" [ "$(counter sockets_purged)" -ge $((2 * n)) ]
	unset F
}
