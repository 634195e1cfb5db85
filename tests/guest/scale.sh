#!/bin/sh
# netlat-timeout: 1500
# netlat-memory: 4G
# 100,000 connections open at netlat's defaults, 3000 of them exchanging
# in turn: every message timed, exactly, and the socket table and record
# pool empty afterwards.  After unload, memory is back to its level before
# the load (the baseline is taken after the same connections have been
# opened and closed once without netlat, so that the kernel's own socket
# caches are in it).
. "$NETLAT_TREE/tests/guest/lib.sh"

N=100000 ACTIVE=3000 ROUNDS=4
# 200k sockets and descriptors in one process (tcpgen raises its limit)
sysctl -qw fs.nr_open=1048576 fs.file-max=1048576
sysctl -qw net.ipv4.tcp_max_orphans=262144 net.core.somaxconn=4096
# no TIME_WAIT sockets left holding slab for 60 s after the close
sysctl -qw net.ipv4.tcp_max_tw_buckets=0

scale() {	# PORT: N connections, ACTIVE of them exchanging ROUNDS times
	"$TCPGEN" scale -a 127.0.0.1 -p "$1" -c $N -W $ACTIVE -n $ROUNDS -l 100 -t 1200
}

load_netlat && unload_netlat
check "without netlat: $N connections, $ACTIVE exchanging" scale 9000
before=$(meminfo)
log "before: $before"

check "insmod (defaults)" load_netlat || exit 1
check "with netlat: $N connections, $ACTIVE exchanging" scale 9300
snapshot scale
F=$OUT/scale.txt
grep -E '^(stage [rt]x_total|sockets|records|thinning) ' "$F"
expect_samples "$N open" $((ACTIVE * ROUNDS * 2))
check "no socket state or record left: $(grep -E '^(sockets|records) ' "$F" | tr '\n' ' ')" \
	[ "$(awk '$1 == "sockets" || $1 == "records" { n += $2 } END { print n + 0 }' "$F")" = 0 ]
unset F
check "rmmod" unload_netlat
after=$(meminfo)
log "after:  $after"
expect_memory_back "$before" "$after"
check_dmesg
finish
