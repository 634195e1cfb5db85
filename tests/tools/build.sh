#!/bin/sh
# Build the guest test tools (static, so they run in any guest) into
# build/tools/.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/tools"
for t in tcpgen ctlfuzz; do
	gcc -static -O2 -Wall -Wextra -Werror -o "$top/build/tools/$t" "$top/tests/tools/$t.c"
done
