#!/bin/bash
# make lint: the kernel's scripts/checkpatch.pl --strict --no-tree over
# netlat's C.  The module and the shared headers must be clean with no
# exception.  The tool is userspace C in kernel style: the checks that only
# make sense inside the kernel are off for it (kernel types such as u64,
# PRIu64 read as CamelCase, usage text split across lines, the
# sig_atomic_t flag read as volatile, __func__ in messages, ARRAY_SIZE and
# __attribute__ macros that userspace has no header for).
# Also: docs/stages.svg is what docs/stages.dot makes (graphviz).
# checkpatch.pl comes from Debian's linux-source-6.12 (tests/setup.sh): the
# headers packages do not ship it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tarball=/usr/src/linux-source-6.12.tar.xz
dir=build/checkpatch
cp=$dir/scripts/checkpatch.pl
if [ ! -x "$cp" ]; then
	[ -r $tarball ] || { echo "lint: $tarball missing: apt-get install linux-source-6.12"; exit 1; }
	mkdir -p "$dir"
	tar -xJf $tarball -C "$dir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
fi
userspace_ignore=PREFER_KERNEL_TYPES,CAMELCASE,SPLIT_STRING,VOLATILE,EMBEDDED_FUNCTION_NAME,ARRAY_SIZE,PREFER_DEFINED_ATTRIBUTE_MACRO
rc=0
"$cp" --strict --no-tree -q --terse --show-types -f module/*.c module/*.h include/netlat/*.h || rc=1
"$cp" --strict --no-tree -q --terse --show-types --ignore "$userspace_ignore" \
	-f userspace/*.c userspace/*.h || rc=1
# the picture in README.md is made from its source, never edited by hand
if ! dot -Tsvg docs/stages.dot | cmp -s - docs/stages.svg; then
	echo "lint: docs/stages.svg is not what docs/stages.dot makes: make docs"
	rc=1
fi
if [ $rc = 0 ]; then
	echo "lint: checkpatch --strict clean: module/, include/, userspace/; docs/stages.svg up to date"
else
	echo "lint: checkpatch found problems (above)"
fi
exit $rc
