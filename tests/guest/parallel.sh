#!/bin/sh
# netlat-timeout: 900
# netlat-accel: mttcg
# Real parallelism: under multi-threaded TCG every vCPU is a host thread,
# so handlers, the per-CPU statistics, a reader and a reset run at the same
# instant (under single-threaded TCG they only interleave).  The module is
# loaded before the traffic and unloaded after it stops: qemu 7.2's
# multi-threaded TCG crashes a guest that unloads a kprobe module under
# traffic (docs/testing.md).  tests/check.sh runs this test alone, after
# the others, so that nothing takes the cores it needs.
# 1. Everything at once for PHASE1_SECS: ping-pongs over loopback, veth and
#    the NICs (IPv4 and IPv6) pinned to different CPUs, a stream whose
#    reader is on another CPU than its softirq, connection churn, a reader
#    looping on /proc/netlat and a writer toggling enable and reset.  No
#    splat, no hang, and the statistics stay consistent.
# 2. A reset, then measured: two ping-pongs at once on different CPUs give
#    exact counts; with a stream and churn beside them, every data unit is
#    a sample or one count, exactly.
. "$NETLAT_TREE/tests/guest/lib.sh"
PHASE1_SECS=${PHASE1_SECS:-30}
WITH_IPV6=1
setup_all_paths || exit 1
NCPU=$(nproc)
check "$NCPU vCPUs, at least 2" [ "$NCPU" -ge 2 ] || { finish; exit 1; }
# cpu I: the I-th CPU, round the vCPUs there are
cpu() { echo $(($1 % NCPU)); }
check "insmod netlat" load_netlat || exit 1

# pp PATH PORT SRV_CPU CLI_CPU COUNT [OPTS]: a ping-pong in the background
pp() {
	set -- $1 "$2" "$3" "$4" "$5" "$6" "${7:-}"
	in_ns "$1" "$TCPGEN" server -a "$3" -p "$4" -m echo -C "$5" $8 > /dev/null 2>&1 &
	sleep 0.2
	in_ns "$2" "$TCPGEN" pingpong -a "$3" -p "$4" -n "$7" -l 100 -C "$6" $8 > "/tmp/pp-$4.log" 2>&1 &
}

log "== phase 1: $PHASE1_SECS s of everything at once, enable and reset toggled"
pp "$PATH_LO" 6001 "$(cpu 0)" "$(cpu 1)" 100000000
pp "$PATH_VETH" 6002 "$(cpu 1)" "$(cpu 0)" 100000000
pp "$PATH_NIC" 6003 "$(cpu 2)" "$(cpu 3)" 100000000
pp "$PATH_VETH6" 6004 "$(cpu 3)" "$(cpu 2)" 100000000
# the stream's reader on another CPU than its writer, where loopback's
# softirq runs
"$TCPGEN" server -a 127.0.0.1 -p 6005 -m sink -C "$(cpu 1)" > /dev/null 2>&1 &
sleep 0.2
"$TCPGEN" stream -a 127.0.0.1 -p 6005 -b 1000000000000 -l 65536 -d "$PHASE1_SECS" -C "$(cpu 0)" > /dev/null 2>&1 &
in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p 6006 -m echo -c 1000000 > /dev/null 2>&1 &
sleep 0.2
in_ns nsA "$TCPGEN" churn -a 192.0.2.2 -p 6006 -n 1000000 -l 100 > /dev/null 2>&1 &
(
	n=0
	while [ ! -e /tmp/stop ]; do
		cat $PROC > /tmp/reader.txt || exit 1
		n=$((n + 1))
	done
	echo "$n" > /tmp/reader.count
) &
reader=$!
(
	n=0
	while [ ! -e /tmp/stop ]; do
		echo 0 > /sys/kernel/debug/netlat/enable
		echo 1 > /sys/kernel/debug/netlat/enable
		netlat_reset
		sleep 0.1
		n=$((n + 1))
	done
	echo "$n" > /tmp/writer.count
) &
writer=$!
sleep "$PHASE1_SECS"
touch /tmp/stop
check "the /proc/netlat reader ends" wait $reader
check "the enable/reset writer ends" wait $writer
log "reads of /proc/netlat: $(cat /tmp/reader.count), enable/reset rounds: $(cat /tmp/writer.count)"
check "the reader read at least 10 times" [ "$(cat /tmp/reader.count)" -ge 10 ]
check "the writer went round at least 10 times" [ "$(cat /tmp/writer.count)" -ge 10 ]
pkill -x tcpgen
sleep 1
check "every workload is gone (none hung)" sh -c '! pgrep -x tcpgen'
check "collection is on" [ "$(cat /sys/kernel/debug/netlat/enable)" = 1 ]
snapshot phase1
F=$OUT/phase1.txt
grep -E '^(stage|counter)' "$F"
check "phase 1: tx samples ($(stage tx_total count))" [ "$(stage tx_total count)" -gt 0 ]
check "phase 1: rx samples ($(stage rx_total count))" [ "$(stage rx_total count)" -gt 0 ]
expect_sums "phase 1"
unset F

log "== phase 2: a reset, then exact counts with the CPUs in parallel"
netlat_reset
pp "$PATH_LO" 6011 "$(cpu 0)" "$(cpu 1)" 300
pp "$PATH_VETH6" 6012 "$(cpu 1)" "$(cpu 0)" 300
wait
for p in 6011 6012; do
	check "ping-pong on port $p completed" grep -q . "/tmp/pp-$p.log"
done
snapshot phase2-pingpong
F=$OUT/phase2-pingpong.txt
EXPECT_FAMILY=any
# (with the accounting of every data unit)
expect_samples "two ping-pongs at once" 1200
unset F

netlat_reset
pp "$PATH_NIC" 6021 "$(cpu 0)" "$(cpu 1)" 300
pp "$PATH_LO6" 6022 "$(cpu 1)" "$(cpu 0)" 300
in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p 6023 -m sink -C "$(cpu 0)" > /dev/null 2>&1 &
in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p 6024 -m echo -c 200 > /dev/null 2>&1 &
sleep 0.2
in_ns nsA "$TCPGEN" stream -a 192.0.2.2 -p 6023 -b 20000000 -l 65536 -C "$(cpu 1)" > /dev/null 2>&1 &
in_ns nsA "$TCPGEN" churn -a 192.0.2.2 -p 6024 -n 200 -l 100 > /dev/null 2>&1 &
wait
sleep 1
snapshot phase2-all
F=$OUT/phase2-all.txt
grep -E '^(stage|counter)' "$F"
expect_sums "ping-pongs, a stream and churn at once"
expect_accounting "ping-pongs, a stream and churn at once"
check "no socket state left" grep -q '^sockets 0 ' "$F"
unset F
EXPECT_FAMILY=4
check "rmmod after the traffic" unload_netlat
check_dmesg
finish
