#!/bin/bash
# Build the debug kernel for the guest tests from Debian's own 6.12 source
# (linux-source-6.12): KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP,
# kmemleak and UBSAN, which Debian's kernels are built without.
# Output in build/debug-kernel/obj: bzImage, and a tree to build netlat
# against (make -C build/debug-kernel/obj M=...).  Rebuilds only when the
# source or tests/debug/config.fragment changed.  About 15 min on 2 cores.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
frag=$top/tests/debug/config.fragment
out=$top/build/debug-kernel
obj=$out/obj
[ -r $tarball ] || { echo "build-kernel: $tarball missing: apt-get install linux-source-6.12"; exit 1; }
stamp="$(sha256sum < $tarball | cut -c1-16) $(sha256sum < "$frag" | cut -c1-16)"
if [ -e "$obj/arch/x86/boot/bzImage" ] && [ "$(cat "$out/stamp" 2> /dev/null)" = "$stamp" ]; then
	echo "build-kernel: up to date: $(make -s -C "$obj" kernelrelease)"
	exit 0
fi
rm -rf "$out"
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
echo "$stamp" > "$out/stamp"
echo "build-kernel: $(make -s O="$obj" kernelrelease) built in $(($(date +%s) - start)) s"
