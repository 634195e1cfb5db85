#!/bin/bash
# Build the debug kernel for the guest tests from Debian's own 6.12 source
# (linux-source-6.12): KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP,
# kmemleak and UBSAN, which Debian's kernels are built without, on a
# defconfig trimmed to what a qemu guest uses (tests/debug/config.fragment).
#
# The build lives in a cache outside the clone, so that every later run on
# the machine (another clone, make clean) reuses it: $NETLAT_CACHE, by
# default ~/.cache/netlat, holds one debug-kernel-KEY directory, KEY being
# the source package's version and the hashes of the fragment and of this
# script; a new key replaces the old build.  build/debug-kernel links to it:
# obj/ has bzImage and a tree to build netlat against (make -C
# build/debug-kernel/obj M=...).  About 15 min on 2 cores when cold.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
frag=$top/tests/debug/config.fragment
cache=${NETLAT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netlat}
[ -r $tarball ] || { echo "build-kernel: $tarball missing: apt-get install linux-source-6.12"; exit 1; }
version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key="$version-$(cat "$frag" "$0" | sha256sum | cut -c1-12)"
out=$cache/debug-kernel-$key
obj=$out/obj
mkdir -p "$cache" "$top/build"
ln -sfn "$out" "$top/build/debug-kernel"
if [ -e "$out/done" ]; then
	echo "build-kernel: cached: $(cat "$out/done")"
	exit 0
fi
rm -rf "$cache"/debug-kernel-*
mkdir -p "$out/src" "$obj"
start=$(date +%s)
tar -xf $tarball -C "$out/src" --strip-components=1
cd "$out/src"
make -s O="$obj" defconfig
make -s O="$obj" kvm_guest.config
scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" "$frag" > /dev/null
make -s O="$obj" olddefconfig
# every option of the fragment must have survived olddefconfig
missing=0
while read -r line; do
	case $line in ''|'#'*) continue ;; esac
	opt=${line%%=*} val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$opt=" "$obj/.config" && { echo "build-kernel: $opt should be off"; missing=1; }
	else
		grep -qx "$opt=$val" "$obj/.config" || { echo "build-kernel: $opt=$val did not stick"; missing=1; }
	fi
done < "$frag"
[ $missing = 0 ] || exit 1
make -s O="$obj" -j"$(nproc)" bzImage modules > "$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }
echo "$(make -s O="$obj" kernelrelease) from linux-source-6.12 $version, built in $(($(date +%s) - start)) s" > "$out/done"
echo "build-kernel: $(cat "$out/done")"
