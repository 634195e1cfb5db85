#!/bin/sh
# The build and install targets, on a copy of the tree in BUILD_DIR: the
# top-level make builds the tool without a kernel build tree (and says the
# module was skipped); make module then fails; install and uninstall of
# userspace/ (and the top level's uninstall) mirror each other.
#
# usage: tests/unit/make.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
tree=$build/make-tree
dest=$build/make-dest
passed=0
failed=0

ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { d=$1; shift; if "$@"; then ok; else ko "$d"; fi; }
# a make of its own, not a sub-make of the one running the tests
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory "$@"; }

rm -rf "$tree" "$dest"
mkdir -p "$tree/userspace"
cp "$top/Makefile" "$top/dkms.conf" "$tree/"
cp -r "$top/include" "$tree/"
cp "$top"/userspace/*.c "$top"/userspace/*.h "$top/userspace/netlat.8" \
	"$top/userspace/Makefile" "$tree/userspace/"

mk -C "$tree" KDIR="$tree/no-kernel" > "$build/make.out" 2>&1
rc=$?
check "make without a kernel build tree: exit 0 ($rc)" [ $rc -eq 0 ]
check "make: the tool is built" [ -x "$tree/userspace/netlat" ]
check "make: says the module was skipped, and why" \
	grep -q "module skipped: no kernel build tree at $tree/no-kernel" "$build/make.out"
check "make: says how to get it" grep -q "install linux-headers-" "$build/make.out"
mk -C "$tree" module KDIR="$tree/no-kernel" > "$build/make.out" 2>&1
rc=$?
check "make module without a kernel build tree: fails ($rc)" [ $rc -ne 0 ]
check "make module: says why" grep -q "no kernel build tree at" "$build/make.out"

mk -C "$tree/userspace" install DESTDIR="$dest" PREFIX=/usr > /dev/null 2>&1
check "install: the tool" [ -x "$dest/usr/bin/netlat" ]
check "install: the man page" [ -f "$dest/usr/share/man/man8/netlat.8" ]
touch "$dest/usr/bin/other"
mk -C "$tree/userspace" uninstall DESTDIR="$dest" PREFIX=/usr > /dev/null 2>&1
check "uninstall: the tool gone" [ ! -e "$dest/usr/bin/netlat" ]
check "uninstall: the man page gone" [ ! -e "$dest/usr/share/man/man8/netlat.8" ]
check "uninstall: nothing else" [ -e "$dest/usr/bin/other" ]
mk -C "$tree/userspace" uninstall DESTDIR="$dest" PREFIX=/usr > /dev/null 2>&1
check "uninstall twice: fine ($?)" [ $? -eq 0 ]
# the top level's uninstall: the module and, through userspace/, the tool
mk -C "$tree/userspace" install DESTDIR="$dest" PREFIX=/usr > /dev/null 2>&1
mkdir -p "$dest/lib/modules/9.9.9/updates"
touch "$dest/lib/modules/9.9.9/updates/netlat.ko"
mk -C "$tree" uninstall DESTDIR="$dest" PREFIX=/usr KVER=9.9.9 > /dev/null 2>&1
check "make uninstall: exit 0 ($?)" [ $? -eq 0 ]
check "make uninstall: the module gone" [ ! -e "$dest/lib/modules/9.9.9/updates/netlat.ko" ]
check "make uninstall: the tool gone" [ ! -e "$dest/usr/bin/netlat" ]
check "make uninstall: the man page gone" [ ! -e "$dest/usr/share/man/man8/netlat.8" ]

rm -rf "$tree" "$dest"
echo "make: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
