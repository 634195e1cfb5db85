#!/bin/sh
# Install what building, booting and testing netlat needs on Debian 12
# (bookworm), if anything is missing.  Idempotent: with everything in place
# it changes nothing and needs no root.
#
# The kernels are the two supported Debian lines and the 6.12 PREEMPT_RT
# line, through their metapackages so Debian's version bumps are followed.
set -eu
PACKAGES="
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64
qemu-system-x86 busybox-static kmod cpio xz-utils zstd
gcc make libc6-dev sparse dkms openssl
iproute2 iputils-ping procps psmisc util-linux iperf3
clang-14 libclang-rt-14-dev jq python3 prometheus bpftrace
linux-source-6.12 libelf-dev libssl-dev bc flex bison graphviz
"
missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${db:Status-Status}' "$p" 2> /dev/null | grep -q '^installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "setup: needs root to install packages: sudo $0"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# /boot/initrd.img-* is never used: the guest boots its own initramfs
export INITRD=No
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
