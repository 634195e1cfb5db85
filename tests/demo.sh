#!/bin/bash
# make demo: on a machine that cannot load modules itself, build netlat,
# boot a supported Debian kernel under qemu, load netlat there, drive TCP
# traffic over loopback, a veth pair and a virtio-net NIC, and print what
# netlat measured (tests/vm/demo-guest.sh): a line per stage for each path
# (netlat -S), then one full histogram.
# usage: tests/demo.sh [KVER]   (default: the newest supported kernel)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kver=${1:-$(tests/vm/kernels.sh | tail -n 1)}
[ -n "$kver" ] || { echo "demo: no supported kernel installed (tests/setup.sh)"; exit 1; }
tests/tools/build.sh
make -s -C userspace
tests/vm/build-module.sh "$kver"
echo "demo: booting $kver under qemu (${NETLAT_ACCEL:-tcg}); this takes about a minute"
rc=0
tests/vm/run.sh "$kver" tests/vm/demo-guest.sh || rc=$?
cat "build/out/$kver/demo-guest/test.log"
exit $rc
