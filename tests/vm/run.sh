#!/bin/bash
# Boot one Debian kernel under qemu and run one guest test in it.
#
# usage: tests/vm/run.sh [-a tcg|mttcg|icount|kvm] [-T SECONDS] [-k "KERNEL ARGS"]
#                        [-o DIR] KVER tests/guest/TEST.sh
#
# A test file may carry "# netlat-timeout: SECONDS" (default 300),
# "# netlat-kernel-args: ARGS" (added to the guest's command line) and
# "# netlat-accel: mttcg" (its default accelerator, instead of tcg) and
# "# netlat-memory: SIZE" (the guest's memory, default 2G).
# A test may have a host half, TEST.host, run with KVER before the boot
# (work that would take too long under emulation, e.g. compiling).
# NETLAT_KERNEL_IMAGE boots another image than /boot/vmlinuz-KVER (the
# debug kernel); NETLAT_QEMU_CPU another CPU model than max (under TCG).
#
# The guest's root filesystem is this machine's /, read-only over virtio-9p
# (so the guest has the same tools and /lib/modules); this tree is shared
# read-only at /run/netlat; results come back through a writable 9p share:
# DIR (default build/out/KVER/TEST) gets console.log, test.log, dmesg.txt
# and rc.  The guest has two virtio-net
# NICs joined by a qemu hub and nothing else: no traffic leaves qemu.
#
# exit: the guest test's rc; 124 = the guest hung (killed after -T s, the
# console tail is printed); 125 = no result came back (e.g. a panic).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
accel= tmo= kargs= out=
while getopts a:T:k:o: o; do
	case $o in
	a) accel=$OPTARG ;;
	T) tmo=$OPTARG ;;
	k) kargs=$OPTARG ;;
	o) out=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
kver=${1:?usage: $0 [options] KVER TEST}
test=${2:?usage: $0 [options] KVER TEST}
image=${NETLAT_KERNEL_IMAGE:-/boot/vmlinuz-$kver}
[ -r "$image" ] || { echo "run: no kernel image $image"; exit 2; }
[ -r "$top/$test" ] || { echo "run: no test $test"; exit 2; }
# a test may set its own time limit: "# netlat-timeout: SECONDS" in it
accel=${accel:-${NETLAT_ACCEL:-$(sed -n 's/^# netlat-accel: //p' "$top/$test")}}
accel=${accel:-tcg}
tmo=${tmo:-$(sed -n 's/^# netlat-timeout: //p' "$top/$test")}
tmo=${tmo:-300}
out=${out:-$top/build/out/$kver/$(basename "$test" .sh)}
rm -rf "$out"
mkdir -p "$out"
"$top/tests/vm/mkinitrd.sh" "$kver"
if [ -x "$top/${test%.sh}.host" ]; then
	"$top/${test%.sh}.host" "$kver" || { echo "run: host half ${test%.sh}.host failed"; exit 3; }
fi

mem=$(sed -n 's/^# netlat-memory: //p' "$top/$test")
mem=${mem:-2G}
smp=2
cpu=${NETLAT_QEMU_CPU:-max}
case $accel in
# multi-threaded TCG crashes kprobe unload under traffic (docs/testing.md)
tcg) accel_args=(-accel tcg,thread=single -cpu "$cpu") ;;
# real parallelism: a host thread per vCPU, a vCPU per host core (at least
# 2); safe while no kprobe module is unloaded under traffic
mttcg)
	accel_args=(-accel tcg,thread=multi -cpu "$cpu")
	smp=$(nproc)
	[ "$smp" -ge 2 ] || smp=2 ;;
# guest time counts guest instructions (1 ns each), not host time: what a
# workload costs in instructions, exactly repeatable whatever else runs on
# the host (the benchmark).  qemu 7.2 hangs bringing up a second vCPU
# under -icount, so 1 vCPU.
icount)
	accel_args=(-accel tcg,thread=single -cpu "$cpu" -icount shift=0,sleep=off)
	smp=1 ;;
kvm) accel_args=(-accel kvm -cpu host) ;;
*) echo "run: bad accelerator $accel"; exit 2 ;;
esac
# 6.1 under TCG marks the TSC unstable and falls back to an emulated HPET
# for every clock read unless told the TSC is fine.
# a test may ask for kernel arguments: "# netlat-kernel-args: ..." in it
targs=$(sed -n 's/^# netlat-kernel-args: //p' "$top/$test")
append="console=ttyS0 panic=-1 oops=panic tsc=reliable $targs $kargs"
append+=" netlat_test=$test netlat_timeout=$((tmo - 30))"

boot() {
	start=$(date +%s.%N)
	set +e
	timeout -k 5 "$tmo" qemu-system-x86_64 "${accel_args[@]}" -m "$mem" -smp $smp \
		-nodefaults -no-reboot -display none -no-user-config \
		-kernel "$image" -initrd "$top/build/$kver/initrd.cpio.gz" \
		-append "$append" \
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev local,id=tree,path="$top",security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=tree,mount_tag=tree \
		-fsdev local,id=out,path="$out",security_model=none \
		-device virtio-9p-pci,fsdev=out,mount_tag=out \
		-netdev hubport,id=h0,hubid=0 -device virtio-net-pci,netdev=h0,mac=52:54:00:12:34:01 \
		-netdev hubport,id=h1,hubid=0 -device virtio-net-pci,netdev=h1,mac=52:54:00:12:34:02 \
		-chardev file,id=con,path="$out/console.log" -serial chardev:con \
		< /dev/null > "$out/qemu.log" 2>&1
	qrc=$?
	set -e
	wall=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
	if [ -s "$out/rc" ]; then
		rc=$(cat "$out/rc")
	elif [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
		rc=124
	else
		rc=125
	fi
}
boot
# Multi-threaded TCG can kill a guest while the kernel patches its own
# code at boot (an int3 oops in kernel_init, no module loaded), before the
# test starts: that run never tested anything, so it is booted once more.
if [ "$rc" = 125 ] && [ "$accel" = mttcg ] && [ ! -s "$out/test-start-uptime" ]; then
	echo "run: $kver $test: the guest died at boot, before the test started (console-boot-1.log): booting again"
	mv "$out/console.log" "$out/console-boot-1.log"
	boot
fi
case $rc in
124) echo "run: $kver $test: guest hung, killed after ${tmo}s; console tail:"
     tail -n 40 "$out/console.log" ;;
125) echo "run: $kver $test: no result (guest crashed?); console tail:"
     tail -n 60 "$out/console.log" ;;
esac
echo "run: kernel=$kver accel=$accel test=$test wall=${wall}s" \
	"guest_test=$(cat "$out/test-start-uptime" 2>/dev/null || echo ?)s..$(cat "$out/test-end-uptime" 2>/dev/null || echo ?)s rc=$rc" |
	tee "$out/summary.txt"
exit "$rc"
