#!/bin/sh
# netlat-timeout: 600
# Per-stage latency, proven by counts: a ping-pong of N sub-MSS messages
# with TCP_NODELAY gives exactly one sample per message in every stage, on
# loopback, veth and virtio-net, also with sender and receiver on different
# CPUs; a bulk stream pairs (almost) every segment with stage sums adding
# up to the totals; thousands of short connections leave no state behind.
. "$NETLAT_TREE/tests/guest/lib.sh"

N=500
setup_all_paths || exit 1
check "insmod netlat" load_netlat || exit 1

for name in LO VETH NIC; do
	pingpong_stages $name $N
done
for name in LO VETH NIC; do
	bulk_stages $name 200000000
done
churn_stages VETH 2000

check "rmmod" unload_netlat
check_dmesg
finish
