#!/bin/sh
# Run the netlat host tests (make -C userspace test calls this): the unit
# test binaries, the same built with ASan+UBSan, the command-line tests
# (cli.sh), the build and install targets (make.sh), then the parser's
# fuzz target for a bounded time when it was built.  Ends with "userspace: N passed, N failed"; exit 1 on a failure.
#
# usage: tests/unit/run.sh BUILD_DIR FUZZ_SECONDS [FUZZ_BINARY]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR FUZZ_SECONDS [FUZZ_BINARY]}" && pwd)
fuzz_seconds=${2:-25}
fuzz_bin=${3:-}
[ -n "$fuzz_bin" ] && fuzz_bin=$(cd "$(dirname "$fuzz_bin")" && pwd)/$(basename "$fuzz_bin")
fixtures=$here/fixtures
passed=0
failed=0

# add the "N passed, N failed" line of a test's output to the totals
tally() {	# NAME RC OUTPUT_FILE
	line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$' "$3" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$1: no result line (exit $2): counted as 1 failure"
		failed=$((failed + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$1: exit $2 with no failed check: counted as 1 failure"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

run_one() {	# LABEL COMMAND...
	label=$1
	shift
	"$@" > "$build/$label.log" 2>&1
	rc=$?
	cat "$build/$label.log"
	tally "$label" $rc "$build/$label.log"
}

echo "== unit tests"
for t in test_hist test_parse test_delta test_export test_control test_slow; do
	run_one "$t" "$build/$t" "$fixtures" "$build"
done
echo "== the unit tests again, built with -fsanitize=address,undefined"
for t in test_hist test_parse test_delta test_export test_control test_slow; do
	mkdir -p "$build/san/out"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_one "san-$t" "$build/san/$t" "$fixtures" "$build/san/out"
done
echo "== the netlat command (tests/unit/cli.sh)"
run_one cli sh "$here/cli.sh" "$build"
echo "== make, make install and uninstall (tests/unit/make.sh)"
run_one make sh "$here/make.sh" "$build"

if [ -n "$fuzz_bin" ] && [ -x "$fuzz_bin" ]; then
	corpus=$build/fuzz-corpus
	mkdir -p "$corpus"
	cp "$fixtures"/* "$corpus/"
	# a two-snapshot seed: the delta path (fuzz_parse.c)
	{ cat "$fixtures/real-6.12-lo.txt"; echo =====
	  cat "$fixtures/real-6.12-nic.txt"; } > "$corpus/two-snapshots.txt"
	echo "fuzz: running $(basename "$fuzz_bin") for ${fuzz_seconds}s (log: $build/fuzz.log)"
	if (cd "$build" && "$fuzz_bin" -max_total_time="$fuzz_seconds" \
		-dict="$here/../fuzz/netlat.dict" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "$corpus") \
		> "$build/fuzz.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz.log")
		echo "fuzz: ${runs:-?} inputs, no crash, no sanitizer report"
		echo "fuzz: 1 passed, 0 failed"
		passed=$((passed + 1))
	else
		tail -n 40 "$build/fuzz.log"
		echo "fuzz: the parser crashed or a sanitizer fired (crash-* in $build)"
		echo "fuzz: 0 passed, 1 failed"
		failed=$((failed + 1))
	fi
else
	echo "fuzz: skipped: no clang with libFuzzer (Debian: apt-get install clang libclang-rt-dev)"
fi

echo "userspace: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
