#!/bin/sh
# netlat-timeout: 600
# Per-stage latency, proven by counts: a ping-pong of N sub-MSS messages
# with TCP_NODELAY gives exactly one sample per message in every stage, on
# loopback, veth and virtio-net, also with sender and receiver on different
# CPUs, and with both ends moved from CPU to CPU all the time (a call
# may change CPU between two layers wherever the kernel preempts: anywhere
# on PREEMPT_RT); a bulk stream pairs (almost) every segment with stage sums adding
# up to the totals; thousands of short connections leave no state behind.
. "$NETLAT_TREE/tests/guest/lib.sh"

N=500
setup_all_paths || exit 1
check "insmod netlat" load_netlat || exit 1

for name in LO VETH NIC; do
	pingpong_stages $name $N
done
# A send call's first timestamp follows its task, not the CPU it was
# taken on: kept per CPU, about 1 in 8000 calls lost it on 6.12 RT here.
log "== LO: 10000 round trips, both ends moved between CPUs all the time"
netlat_reset
TCPGEN_OPTS=-M
check "LO: ping-pong, moving" pingpong "$PATH_LO" 10000 100
TCPGEN_OPTS=
snapshot "moving-LO"
F=$OUT/moving-LO.txt
expect_samples "LO moving" 20000
unset F

for name in LO VETH NIC; do
	bulk_stages $name 200000000
done
churn_stages VETH 2000

check "rmmod" unload_netlat
check_dmesg
finish
