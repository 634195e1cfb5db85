#!/bin/sh
# The demo, inside the guest: load netlat, drive traffic on each path, and
# show a line per stage for each (netlat -S), then one full histogram.
. "$NETLAT_TREE/tests/guest/lib.sh"
TOOL=$NETLAT_TREE/userspace/netlat
WITH_IPV6=1
setup_all_paths > /dev/null || exit 1
load_netlat || exit 1
echo "netlat is loaded; the probes it chose on this kernel ($KVER):"
dmesg | grep 'netlat: ' | sed 's/^\[[ 0-9.]*\] /  /'
for name in LO VETH NIC NIC6; do
	eval path=\$PATH_$name
	case $name in
	LO) what="loopback" ;;
	VETH) what="a veth pair between two network namespaces" ;;
	NIC) what="two virtio-net NICs on a qemu hub, one per namespace" ;;
	NIC6) what="the same NICs over IPv6" ;;
	esac
	netlat_reset
	pingpong "$path" 1000 100 > /dev/null
	stream "$path" 20000000 > /dev/null
	echo
	echo "================ $what: 1000 round trips of 100 bytes, then a 20 MB stream"
	if [ -x "$TOOL" ]; then "$TOOL" -S; else grep '^stage' $PROC; fi
done
echo
echo "================ one full histogram: rx_total, $what"
if [ -x "$TOOL" ]; then "$TOOL" -s rx_total; else grep '^bucket rx_total' $PROC; fi
echo
echo "(every stage's histogram: netlat; its raw buckets: cat /proc/netlat)"
unload_netlat
