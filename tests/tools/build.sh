#!/bin/sh
# Build the guest test tools (static, so they run in any guest) into
# build/tools/, each only when its source is newer, and by rename: guests
# beside the build may be running them.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/tools"
for t in tcpgen ctlfuzz; do
	out=$top/build/tools/$t src=$top/tests/tools/$t.c
	[ "$out" -nt "$src" ] && continue
	gcc -static -O2 -Wall -Wextra -Werror -o "$out.new.$$" "$src"
	mv -f "$out.new.$$" "$out"
done
