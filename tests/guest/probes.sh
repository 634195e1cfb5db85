#!/bin/sh
# Foundation: every mandatory layer point registers, served by a
# tracepoint where the kernel has one there and by kprobes otherwise; each
# counts hits on loopback, veth and virtio-net traffic in both directions;
# with tracepoints=0 the kprobe fallbacks serve every point and give the
# same exact counts; reset works and refuses bad input; netlat unloads
# cleanly while traffic flows and while a reader is blocked in recv(), and
# loads again.
. "$NETLAT_TREE/tests/guest/lib.sh"

# every one of them is hit by ordinary traffic
MANDATORY="tx_sock tx_tcp_locked tx_ip tx_dev rx_dev rx_ip rx_sock rx_user sock_destroy"
# probe_kind POINT: how its first symbol is probed (ftrace, int3, tracepoint)
probe_kind() { awk -v p="$1" '$1 == "probe" && $2 == p { print $4; exit }' "${F:-$PROC}"; }

setup_all_paths || exit 1
check "insmod netlat" load_netlat || exit 1
dmesg | grep 'netlat:'
check "/proc/netlat is format version 1" [ "$(awk '$1 == "version" { print $2 }' $PROC)" = 1 ]
check "/proc/netlat ends with an end line" [ "$(tail -n 1 $PROC)" = end ]
check "/proc/netlat is read-only to all (0444)" [ "$(stat -c %a $PROC)" = 444 ]
check "debugfs reset is root-only write (0200)" [ "$(stat -c %a /sys/kernel/debug/netlat/reset)" = 200 ]
for p in $MANDATORY sock_disconnect; do
	check "layer point $p has a registered probe" [ "$(probe_hits $p)" != none ]
done
for p in sock_destroy tx_dev rx_dev; do
	check "layer point $p is served by a tracepoint ($(probe_kind $p))" [ "$(probe_kind $p)" = tracepoint ]
done
# 6.1's sendfile path: sendpage, page by page (gone in 6.5)
if grep -q ' do_tcp_sendpages$' /proc/kallsyms; then
	check "sendpage kernel: tx_sendpage registered ($(probe_hits tx_sendpage))" [ "$(probe_hits tx_sendpage)" != none ]
else
	check "no sendpage in this kernel: no tx_sendpage point" [ "$(probe_hits tx_sendpage)" = none ]
fi
log "kprobes/list:"
grep -E 'netlat|\[FTRACE\]' /sys/kernel/debug/kprobes/list | head -n 20

for name in LO VETH NIC; do
	eval path=\$PATH_$name
	netlat_reset
	F=$PROC
	total=0
	for p in tx_tcp_locked rx_sock rx_user; do total=$((total + $(probe_hits $p))); done
	check "$name: reset zeroed the TCP probes' hits" [ "$total" -eq 0 ]
	check "$name: 300 round trips both ways" pingpong "$path" 300 100
	check "$name: 2 MB stream" stream "$path" 2000000
	snapshot "probes-$name"
	F=$OUT/probes-$name.txt
	line="$name:"
	for p in $MANDATORY; do
		h=$(probe_hits $p)
		line="$line $p=$h"
		check "$name: $p counted hits ($h)" [ "$h" -gt 0 ]
	done
	log "hits $line missed=$(probe_missed)"
	unset F
done

log "== tracepoints=0: the kprobe fallbacks serve every point"
check "rmmod" unload_netlat
check "insmod netlat tracepoints=0" load_netlat tracepoints=0
check "no tracepoint is used ($(grep -c ' tracepoint ' $PROC))" [ "$(grep -c '^probe .* tracepoint ' $PROC)" = 0 ]
for p in $MANDATORY; do
	check "tracepoints=0: layer point $p has a kprobe ($(probe_kind $p))" [ "$(probe_kind $p)" = ftrace ]
done
for name in LO VETH NIC; do
	eval path=\$PATH_$name
	netlat_reset
	check "tracepoints=0: $name: 300 round trips" pingpong "$path" 300 100 > /dev/null
	snapshot "fallback-$name"
	F=$OUT/fallback-$name.txt
	expect_samples "tracepoints=0: $name" 600
	unset F
done
check "rmmod" unload_netlat
check "insmod netlat" load_netlat

log "== control file input"
before=$(probe_hits tx_tcp_locked)
for bad in 0 2 11 1x " 1" yes; do
	if printf '%s' "$bad" > /sys/kernel/debug/netlat/reset 2> /dev/null; then
		fail "reset accepted '$bad'"
	else
		pass "reset refused '$bad'"
	fi
done
check "refused writes changed nothing" [ "$(probe_hits tx_tcp_locked)" = "$before" ]
check "reset accepts '1\\n'" sh -c 'echo 1 > /sys/kernel/debug/netlat/reset'
check "reset zeroed tx_tcp_locked hits" [ "$(probe_hits tx_tcp_locked)" -eq 0 ]

log "== unload under traffic, with a reader blocked in recv()"
next_port
in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p $PORT -m hold > /dev/null 2>&1 &
in_ns nsA "$TCPGEN" block -a 192.0.2.2 -p $PORT > /tmp/block.log 2>&1 &
"$TCPGEN" server -p 6001 -m sink > /dev/null 2>&1 &
"$TCPGEN" stream -p 6001 -b 100000000000 -t 60 > /dev/null 2>&1 &
"$TCPGEN" server -p 6002 -m echo > /dev/null 2>&1 &
"$TCPGEN" pingpong -p 6002 -n 100000000 -l 64 -t 60 > /dev/null 2>&1 &
sleep 2
check "reader is blocked in recv()" grep -q connected /tmp/block.log
h1=$(probe_hits tx_dev)
check "traffic is flowing under netlat ($h1 tx_dev hits)" [ "$h1" -gt 0 ]
check "rmmod under traffic" unload_netlat
check "/proc/netlat is gone" [ ! -e $PROC ]
check "debugfs directory is gone" [ ! -e /sys/kernel/debug/netlat ]
sleep 1
check "insmod again under traffic" load_netlat
sleep 1
check "probes count again after reload" [ "$(probe_hits tx_dev)" -gt 0 ]
check "rmmod again, reader still blocked" unload_netlat
pkill -x tcpgen
wait
check "insmod after the traffic stopped" load_netlat
check "a last round trip counts" pingpong "$PATH_LO" 10 100
check "rmmod" unload_netlat
check_dmesg
finish
