#!/bin/sh
# Print the kernel releases (uname -r) the supported Debian metapackages
# point at: the 6.1 line (linux-image-amd64) and the 6.12 line
# (linux-image-6.12-amd64).  Nothing else hard-codes a kernel version.
for p in linux-image-amd64 linux-image-6.12-amd64; do
	dpkg-query -W -f='${Depends}\n' "$p" 2>/dev/null |
		grep -oE 'linux-image-[^ ,]+' | sed 's/^linux-image-//' | head -n 1
done
