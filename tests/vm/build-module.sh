#!/bin/sh
# Build netlat.ko for one installed kernel into build/<KVER>/, with W=1 and
# (when sparse is installed) C=1; fail on any compiler or sparse warning.
# usage: tests/vm/build-module.sh KVER   (NETLAT_KDIR: another build tree)
# NETLAT_PROFILE=1: the instrumented build (make bench -p), into
# build/<KVER>/profile/
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:?usage: $0 KVER}
kdir=${NETLAT_KDIR:-/lib/modules/$kver/build}
out=$top/build/$kver
profile=
if [ "${NETLAT_PROFILE:-}" = 1 ]; then
	out=$out/profile
	profile=" (instrumented: NETLAT_PROFILE=1)"
fi
[ -e "$kdir/Makefile" ] || { echo "build-module: no headers for $kver in $kdir"; exit 3; }
mkdir -p "$out"
# kbuild builds in the source tree: give each kernel its own copy
for f in Kbuild module include; do
	rm -rf "${out:?}/$f"
	cp -r "$top/$f" "$out/$f"
done
checker=
command -v sparse > /dev/null && checker=C=1
if ! make -C "$kdir" M="$out" W=1 $checker NETLAT_PROFILE="${NETLAT_PROFILE:-}" \
	modules > "$out/build.log" 2>&1; then
	cat "$out/build.log"
	echo "build-module: $kver$profile: build failed"
	exit 3
fi
# kbuild's own notes are not warnings; anything from the compiler or sparse is
if grep -E 'warning:|error:' "$out/build.log"; then
	echo "build-module: $kver$profile: warnings (W=1${checker:+, sparse})"
	exit 3
fi
cp "$out/module/netlat.ko" "$out/netlat.ko"
echo "build-module: $kver$profile: OK (W=1${checker:+, sparse}, no warnings)"
