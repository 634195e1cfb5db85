#!/bin/sh
# Build the guest's initramfs for one kernel: busybox, the virtio and 9p
# modules that kernel needs to mount the host's root filesystem, and
# tests/vm/init.  Output: build/<KVER>/initrd.cpio.gz
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:?usage: $0 KVER}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/mods" "$work/proc" "$work/sys" "$work/dev" \
	"$work/newroot" "$top/build/$kver"
cp /bin/busybox "$work/bin/busybox"
cp "$top/tests/vm/init" "$work/init"
chmod 755 "$work/init"
: > "$work/modules.list"
# dependency-ordered "insmod <path>" lines; built-in modules are skipped,
# and a kernel with no module tree (the debug kernel) has them all built in
for m in virtio_pci 9pnet_virtio 9p; do
	[ -d "/lib/modules/$kver" ] && modprobe -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r path; do
	base=$(basename "$path")
	base=${base%.xz}
	base=${base%.zst}
	case "$path" in
	*.xz) xz -dc "$path" > "$work/mods/$base" ;;
	*.zst) zstd -qdc "$path" > "$work/mods/$base" ;;
	*) cp "$path" "$work/mods/$base" ;;
	esac
	echo "$base" >> "$work/modules.list"
done
# written aside and renamed: a guest of the same kernel booting beside
# this one may be reading the old file
out="$top/build/$kver/initrd.cpio.gz"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.$$"
mv -f "$out.$$" "$out"
