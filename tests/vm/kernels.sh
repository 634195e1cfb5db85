#!/bin/sh
# Print the kernel releases (uname -r) the supported Debian metapackages
# point at: the 6.1 line (linux-image-amd64) and the 6.12 line
# (linux-image-6.12-amd64); with -a also the 6.12 PREEMPT_RT line
# (linux-image-6.12-rt-amd64), which make check tests too.  Nothing else
# hard-codes a kernel version.
pkgs="linux-image-amd64 linux-image-6.12-amd64"
[ "${1:-}" = -a ] && pkgs="$pkgs linux-image-6.12-rt-amd64"
for p in $pkgs; do
	dpkg-query -W -f='${Depends}\n' "$p" 2>/dev/null |
		grep -oE 'linux-image-[^ ,]+' | sed 's/^linux-image-//' | head -n 1
done
