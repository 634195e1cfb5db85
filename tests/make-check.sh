#!/bin/bash
# make check: every test, as CI runs it, then how long each phase took.
#   1. tests/setup.sh: install what is missing
#   2. tests/check.sh -b -d: host unit tests and lint; the debug kernel
#      (built once per machine, see tests/debug/build-kernel.sh); the guest
#      suites of the Debian 6.1, 6.12 and 6.12 PREEMPT_RT kernels and of the
#      debug kernel, two at a time, with the benchmark's smoke run on the
#      two Debian lines; then the parallel test on each kernel, alone
# The exit status is non-zero if any failed.  The scripts add their parts'
# times to build/phases ("SECONDS<tab>NAME"), each part before its whole.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p build
: > build/phases
rm -f build/failures
rc=0
# phase COMMAND...: run one phase, note its time and whether it passed
phase() {
	local start status=passed
	start=$(date +%s)
	"$@" || { status=FAILED; rc=1; }
	printf '%s\t%s (%s)\n' $(($(date +%s) - start)) "$*" $status >> build/phases
}
start=$(date +%s)
phase tests/setup.sh
phase tests/check.sh -b -d
printf '%s\t%s\n' $(($(date +%s) - start)) "make check" >> build/phases
echo "== phase times"
awk -F '\t' '{ printf "%6d s  %s\n", $1, $2 }' build/phases
# last, where the tail of a CI log shows them: the failed checks
if [ -s build/failures ]; then
	echo "== failed checks"
	cat build/failures
fi
exit $rc
