#!/bin/sh
# netlat-timeout: 3000
# netlat-kernel-args: pci=noacpi module.sig_enforce=1
# On the debug kernel (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak,
# UBSAN): the guest tests that matter most for memory and locking, IPv6
# included, at a smaller scale (an instrumented kernel under TCG is slow), then kmemleak
# scans after unload.  Any report fails the run.
# It boots with module.sig_enforce=1: netlat is signed with this kernel's
# own key (trusted), and copies unsigned or signed with another key must be
# refused.
. "$NETLAT_TREE/tests/guest/lib.sh"
CTLFUZZ=$NETLAT_TREE/build/tools/ctlfuzz
KMEMLEAK=/sys/kernel/debug/kmemleak

check "KASAN is on" sh -c "dmesg | grep -q 'KernelAddressSanitizer initialized'"
check "kmemleak is on" test -w $KMEMLEAK
check "lockdep is on" test -e /proc/lockdep
# what the kernel leaked before netlat ever ran is not netlat's
echo scan > $KMEMLEAK
echo clear > $KMEMLEAK
WITH_IPV6=1
setup_all_paths || exit 1
# IPv6 with a destination options header on every packet: the header walk
PATH_EXTHDR6=$PATH_VETH6

log "== module signatures (module.sig_enforce=1)"
for bad in unsigned wrongkey; do
	if insmod "$NETLAT_TREE/build/$KVER/netlat-$bad.ko" 2> /tmp/err; then
		fail "netlat $bad loaded under sig_enforce"
		rmmod netlat
	else
		pass "netlat $bad refused: $(cat /tmp/err)"
	fi
done
check "netlat signed with the kernel's key loads under sig_enforce" load_netlat || exit 1
check "its signer" sh -c "modinfo -F signer $KO | grep -q ."

log "== stages: exact counts on every path, bulk (across CPUs: parallel.sh)"
for name in LO VETH NIC EXTHDR6; do
	eval path=\$PATH_$name
	EXPECT_FAMILY=4
	unset TCPGEN_OPTS
	case $name in
	*6) EXPECT_FAMILY=6 ;;
	esac
	[ $name = EXTHDR6 ] && TCPGEN_OPTS=-E
	netlat_reset
	check "$name: ping-pong" pingpong "$path" 100 100
	F=$OUT/pingpong-$name.txt
	cat $PROC > "$F"
	expect_samples "$name" 200
	netlat_reset
	check "$name: 20 MB stream" stream "$path" 20000000
	F=$OUT/bulk-$name.txt
	cat $PROC > "$F"
	expect_sums "$name bulk"
	unset F
done
unset TCPGEN_OPTS
EXPECT_FAMILY=4

log "== socket churn: 300 connections"
netlat_reset
check "300 connections" churn "$PATH_VETH" 300
sleep 1
F=$OUT/churn.txt
cat $PROC > "$F"
expect_samples "churn" 600
check "churn left no socket state" grep -q '^sockets 0 ' "$F"
unset F

log "== control files under hostile and concurrent writes, with traffic"
"$TCPGEN" server -p 7001 -m echo > /dev/null 2>&1 &
"$TCPGEN" pingpong -p 7001 -n 100000000 -l 64 -t 600 > /dev/null 2>&1 &
for f in reset enable; do
	check "$f: hostile writes refused" "$CTLFUZZ" /sys/kernel/debug/netlat/$f -n 100
	check "$f: 3 concurrent writers" "$CTLFUZZ" /sys/kernel/debug/netlat/$f -n 60 -P 3 -a -s 5
done
for p in sample ports netns family; do
	check "parameter $p: hostile writes refused" "$CTLFUZZ" /sys/module/netlat/parameters/$p -n 40 -p
done
check "runtime filter changes under traffic" sh -c '
	for i in 1 2 3 4 5; do
		echo 7001 > /sys/module/netlat/parameters/ports
		echo 3 > /sys/module/netlat/parameters/sample
		echo 0 > /sys/kernel/debug/netlat/enable
		echo 1 > /sys/kernel/debug/netlat/enable
		echo all > /sys/module/netlat/parameters/ports
		echo 1 > /sys/module/netlat/parameters/sample
	done'
pkill -x tcpgen
wait
check "rmmod" unload_netlat

log "== thinning: 16 lagging readers hold 960 skbs, a pool of 512 records"
# lag: a push server and the readers of its 960 skbs, ready once they
# all sit unread
lag() {
	"$TCPGEN" server -p 8010 -m push -c 16 -f -n 60 -l 100 -g 2000 > /dev/null 2>&1 &
	lag_group debug 8010 16 6000 /tmp/go-lag
}
rm -f /tmp/go-lag
check "insmod table_size=64" load_netlat table_size=64
check "960 skbs unread" lag
touch /tmp/go-lag
wait
F=$OUT/thinning.txt
cat $PROC > "$F"
check "thinned: rx $(counter rx_thinned), tx $(counter tx_thinned)" [ "$(counter rx_thinned)" -gt 0 ]
expect_accounting "thinning"
expect_sums "thinning"
check "records all back: $(grep '^records ' "$F")" grep -q '^records 0 ' "$F"
unset F
# the same, unloaded while the pool is full
rm -f /tmp/go-lag
check "960 skbs unread again" lag
log "$(grep -E '^(records|thinning) ' $PROC | tr '\n' ' ')"
check "rmmod with the pool full" unload_netlat
touch /tmp/go-lag
wait

log "== 10 load/unload cycles under traffic, readers blocked in recv() and in the slow log"
"$TCPGEN" server -p 8001 -m sink > /dev/null 2>&1 &
"$TCPGEN" stream -p 8001 -b 1000000000000 -t 600 > /dev/null 2>&1 &
"$TCPGEN" server -p 8002 -m echo > /dev/null 2>&1 &
"$TCPGEN" pingpong -p 8002 -n 1000000000 -l 64 -t 600 > /dev/null 2>&1 &
in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p 8003 -m echo -c 1000000 > /dev/null 2>&1 &
in_ns nsA "$TCPGEN" churn -a 192.0.2.2 -p 8003 -n 1000000 -t 600 > /dev/null 2>&1 &
in_ns nsD "$TCPGEN" server -a 198.51.100.2 -p 8004 -m hold -c 2 -f > /dev/null 2>&1 &
in_ns nsC "$TCPGEN" block -a 198.51.100.2 -p 8004 > /dev/null 2>&1 &
in_ns nsC "$TCPGEN" block -a 198.51.100.2 -p 8004 > /dev/null 2>&1 &
in_ns nsB "$TCPGEN" server -a 2001:db8:2::2 -p 8005 -m echo -E > /dev/null 2>&1 &
in_ns nsA "$TCPGEN" pingpong -a 2001:db8:2::2 -p 8005 -n 1000000000 -l 64 -t 600 -E > /dev/null 2>&1 &
sleep 2
# The slow log's stream read the whole time, its reader blocked in it at
# unload (which ends it: end of file); every other cycle logs every sample
# into a ring of 64, full all the time.
ok=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	load_netlat slow_us=$((i % 2)) slow_ring_size=64 || break
	cat /proc/netlat_slow > /dev/null &
	reader=$!
	sleep 1
	cat /proc/netlat_slow_snapshot > /dev/null || break
	unload_netlat || break
	wait $reader || break
	ok=$i
done
check "10 load/unload cycles under traffic, a slow log reader in each ($ok done)" [ "$ok" = 10 ]
pkill -x tcpgen
wait

log "== kmemleak"
echo scan > $KMEMLEAK
sleep 5
echo scan > $KMEMLEAK
cat $KMEMLEAK > "$OUT/kmemleak.txt"
if grep -q 'unreferenced object' "$OUT/kmemleak.txt"; then
	fail "kmemleak: $(grep -c 'unreferenced object' "$OUT/kmemleak.txt") unreferenced objects:"
	head -n 60 "$OUT/kmemleak.txt"
else
	pass "kmemleak: no unreferenced object after netlat ran and unloaded"
fi
check_dmesg
finish
