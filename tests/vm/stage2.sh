#!/bin/sh
# Guest PID 1 after switch_root into the host's root (read-only 9p): set up
# the pseudo filesystems, run the guest test named on the kernel command
# line (netlat_test=) with a timeout, leave its log, rc and dmesg in
# /tmp/out (the results share), power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C
export NETLAT_TREE=/run/netlat OUT=/tmp/out
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p /dev/pts /dev/shm
# devtmpfs has no /dev/fd: bash process substitution (dkms) needs it
ln -sf /proc/self/fd /dev/fd
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
ip link set lo up
hostname netlat-guest
echo "stage2: $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime)s, running $netlat_test"
cut -d' ' -f1 /proc/uptime > $OUT/test-start-uptime
# dash has no PIPESTATUS: keep the rc in a file
{ timeout -k 5 "${netlat_timeout:-600}" sh "$NETLAT_TREE/$netlat_test"; echo $? > /tmp/test.rc; } 2>&1 |
	tee $OUT/test.log
rc=$(cat /tmp/test.rc 2>/dev/null || echo 99)
dmesg > $OUT/dmesg.txt
cut -d' ' -f1 /proc/uptime > $OUT/test-end-uptime
echo "$rc" > $OUT/rc
echo "NETLAT-RESULT: rc=$rc"
sync
umount $OUT 2>/dev/null
busybox poweroff -f || echo o > /proc/sysrq-trigger
