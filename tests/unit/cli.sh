#!/bin/sh
# Host tests of the netlat command: options, exit codes, the outputs of
# fixture snapshots (--file), JSON parsed back with python3 and jq, the
# Prometheus file checked with promtool when installed, -p refusing all
# but a regular file, watch mode on a file, the exporter (-i -p) through
# its input going away and failed writes, a stream of snapshots (-f - -i),
# escaped control characters in messages, enabled and the filters, Ctrl-C
# (also just before the sleep, through signal_before_wait.so); netlat
# slow on fixtures: the table, JSON, --by, malformed and cut lines, -f on
# a FIFO to its end and to a signal.
# Also parses back the JSON and Prometheus files that test_export left in
# BUILD_DIR.  No kernel module needed.
#
# usage: tests/unit/cli.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
netlat=$here/../../userspace/netlat
fix=$here/fixtures
out=$build/cli
rm -rf "$out"
mkdir -p "$out"
passed=0
failed=0

ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { d=$1; shift; if "$@"; then ok; else ko "$d"; fi; }
# rc WANT DESCRIPTION ARGS...: netlat ARGS exits WANT; output in $out/last.*
rc() {
	want=$1 d=$2
	shift 2
	"$netlat" "$@" > "$out/last.out" 2> "$out/last.err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		ko "$d: exit $got, want $want"
		sed 's/^/  | /' "$out/last.err" | head -n 5
	fi
}
has() { grep -q -e "$2" "$out/last.$1"; }	# out|err PATTERN
have() { command -v "$1" > /dev/null 2>&1; }
json_ok() { python3 -m json.tool "$1" > /dev/null 2>&1; }
jq_e() { jq -e "$@" > /dev/null; }	# its exit status, not its output

[ -x "$netlat" ] || { echo "cli: no $netlat (make -C userspace)"; echo "cli: 0 passed, 1 failed"; exit 1; }

# ---- help, version, usage errors (exit 2)
rc 0 "--help" --help
check "--help lists examples" has out "Examples:"
check "--help lists exit codes" has out "3  the netlat module is not loaded"
check "--help lists -i" has out "\-\-interval=SECS"
rc 0 "-h" -h
check "-h is --help" has out "Exit status:"
rc 0 "--version" --version
# one version everywhere: format.h (module, tool), dkms.conf, man page
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$(dirname "$0")/../../dkms.conf")
check "--version says dkms.conf's $ver" has out "^netlat $ver\$"
check "the man page says $ver" grep -q "\"netlat $ver\"" "$(dirname "$0")/../../userspace/netlat.8"
rc 2 "unknown option" --bogus
rc 2 "-i 0" -i 0
rc 2 "-i abc" -i abc
rc 2 "-i -1" -i -1
rc 2 "-i too long" -i 100000
rc 2 "-c without -i" -c 3
rc 2 "-c 0" -i 1 -c 0
rc 2 "-c -1" -i 1 -c -1
rc 2 "unknown stage" --stage nope
check "unknown stage: the stages are listed" has err "tx_sock_tcp tx_tcp_ip"
rc 2 "two units" -n -u
rc 2 "unknown command" frobnicate
check "unknown command: says so" has err "unknown command 'frobnicate' (the commands are 'reset', 'diff' and 'slow')"
rc 2 "reset with options" reset --json
rc 2 "reset twice" reset reset

# ---- input errors
rc 0 "a real snapshot" -f "$fix/real-6.12-lo.txt"
check "text: tx_sock_tcp percentiles" has out "count 661  mean 6.65us  p50 1.78us  p90 2.70us  p99 13.8us  p99.9 1374us  max 1406us"
check "text: BCC header" has out "     usecs               : count    distribution"
check "text: zero counters not listed" sh -c "! grep -Eq '[a-z_.]+ 0( |\$)' '$out/last.out'"
check "text: not timed: none" has out "^not timed: none$"
check "text: the counters that moved" has out "^   tx_data_segments 661  rx_data_skbs 662  rx_gro_segments 662$"
check "text: one unit for every stage" [ "$(grep -c '^     usecs ' "$out/last.out")" -eq 8 ]
check "text: no other unit" sh -c "! grep -q '[0-9][nm]s\(  \|\$\)' '$out/last.out'"
rc 0 "-n: nanoseconds" -f "$fix/real-6.12-lo.txt" -n -s tx_sock_tcp
check "-n: in nsecs" has out "count 661  mean 6654ns  p50 1776ns  p90 2700ns  p99 13824ns  p99.9 1374384ns  max 1406216ns"
rc 0 "-m: milliseconds" -f "$fix/real-6.12-lo.txt" -m -s tx_sock_tcp
check "-m: in msecs" has out "count 661  mean 0.00665ms  p50 0.00178ms  p90 0.00270ms  p99 0.0138ms  p99.9 1.37ms  max 1.41ms"
rc 0 "overflow bucket" -f "$fix/huge.txt" -s rx_total
check "overflow: percentiles beyond 68.7 s" has out "count 3  mean 56240ms  p50 >68719ms  p90 >68719ms  p99 >68719ms  p99.9 >68719ms  max 100000ms"
rc 5 "format version 2" -f "$fix/version2.txt"
check "version 2: explained" has err "version2.txt:3: format version 2; this netlat reads version 1"
rc 6 "truncated" -f "$fix/truncated.txt"
check "truncated: explained" has err "truncated: no 'end' line"
rc 6 "cut mid-line" -f "$fix/truncated-midline.txt"
rc 6 "malformed number" -f "$fix/malformed.txt"
check "malformed: line and reason" has err "malformed.txt:335: table_full: '12x' is not a number"
rc 6 "number too large" -f "$fix/overflow.txt"
rc 6 "empty file" -f "$fix/empty.txt"
rc 6 "binary garbage" -f "$fix/garbage.bin"
rc 1 "no such file" -f "$out/nonexistent.txt"
check "no such file: explained" has err "cannot read .*nonexistent.txt: No such file or directory"
rc 1 "a directory" -f "$out"
head -c 5000000 /dev/zero > "$out/big.bin"
rc 6 "a 5 MB file" -f "$out/big.bin"
rc 0 "future additions within version 1" -f "$fix/future.txt"
rc 0 "standard input" -f - < "$fix/real-6.1-lo.txt"
check "stdin: parsed" has out "count 663"

# control characters in echoed input are escaped: no terminal escape
# reaches stderr (ESC and BEL here)
esc=$(printf '\033')
bel=$(printf '\007')
no_raw() { ! LC_ALL=C grep -q "[$esc$bel]" "$out/last.err"; }
sed "s/^time_ns .*/time_ns ${esc}[2J${esc}]0;pwned${bel}/" "$fix/minimal.txt" > "$out/escape.txt"
rc 6 "escape: a number with terminal escapes" -f "$out/escape.txt"
check "escape: shown as \\x1b" grep -qF "time_ns: '\\x1b[2J\\x1b]0;pwned\\x07' is not a number" "$out/last.err"
check "escape: no raw ESC or BEL on stderr" no_raw
printf '\033[31m 1\nversion 1\nend\n' > "$out/escape2.txt"
rc 6 "escape: a keyword before the version line" -f - < "$out/escape2.txt"
check "escape: the keyword escaped" grep -qF "'\\x1b[31m' before the version line" "$out/last.err"
check "escape: keyword: no raw ESC" no_raw
rc 2 "escape: a stage name" -s "tx${esc}[31m"
check "escape: stage name escaped" grep -qF "unknown stage 'tx\\x1b[31m'" "$out/last.err"
check "escape: stage: no raw ESC" no_raw
rc 2 "escape: -i" -i "1${esc}[0m"
check "escape: -i escaped" grep -qF "not '1\\x1b[0m'" "$out/last.err"
check "escape: -i: no raw ESC" no_raw
rc 1 "escape: a file name" -f "$out/no${esc}[1mfile"
check "escape: file name escaped" grep -qF "no\\x1b[1mfile: No such file" "$out/last.err"
check "escape: file name: no raw ESC" no_raw

# ---- the module is not loaded (on a host without it)
if [ ! -e /proc/netlat ] && [ ! -e /sys/module/netlat ]; then
	rc 3 "no module: netlat"
	check "no module: how to load it" has err "sudo insmod module/netlat.ko"
	check "no module: modprobe too" has err "modprobe netlat"
	rc 3 "no module: netlat reset" reset
	rc 3 "no module: netlat -i 1" -i 1 -c 1
	rc 3 "no module: --json" --json
	rc 0 "no module: the exporter" -i 0.05 -c 2 -p -
	check "no module: the exporter: a write a read" [ "$(grep -c '^netlat_up 0$' "$out/last.out")" -eq 3 ]
else
	echo "cli: netlat is loaded on this machine: 'not loaded' checks skipped"
fi

# ---- narrowing and units
rc 0 "--tx" -f "$fix/real-6.12-lo.txt" --tx
check "--tx: tx stage shown" has out "^tx_total (tx)"
check "--tx: no rx stage" sh -c "! grep -q '^rx_' '$out/last.out'"
rc 0 "--rx -m" -f "$fix/real-6.12-lo.txt" --rx -m
check "--rx -m: msecs" has out "     msecs "
check "--rx: no tx stage" sh -c "! grep -q '^tx_' '$out/last.out'"
rc 0 "--stage a,b" -f "$fix/real-6.12-lo.txt" --stage rx_total,tx_ip_dev -s tx_total
check "--stage: three stages" [ "$(grep -c '^[rt]x_[a-z_]* ([rt]x):' "$out/last.out")" -eq 3 ]
rc 0 "-S: the summary" -f "$fix/real-6.12-lo.txt" -S
check "-S: header" has out "^usecs             count      mean       p50       p90       p99     p99.9       max$"
check "-S: a line per stage" [ "$(grep -c '^[rt]x_[a-z_]*  *66[12] ' "$out/last.out")" -eq 8 ]
check "-S: tx_sock_tcp" has out "^tx_sock_tcp         661      6.65      1.78      2.70      13.8      1374      1406$"
check "-S: coverage" has out "^coverage rx: 662 of 662 data skbs timed (100.0%)$"
check "-S: no histogram" sh -c "! grep -q 'distribution' '$out/last.out'"
check "-S: no counter lists" sh -c "! grep -q 'other counters' '$out/last.out'"
rc 0 "--summary -s -m" -f "$fix/real-6.12-lo.txt" --summary -s rx_total -m
check "--summary -s: one stage, msecs" has out "^msecs             count"
check "--summary -s: rx_total" has out "^rx_total            662     0.296    0.0637     0.442      3.54      7.87      7.88$"
check "--summary -s: only it" [ "$(grep -c '^[rt]x_' "$out/last.out")" -eq 1 ]
check "--summary -s: rx coverage only" sh -c "! grep -q '^coverage tx' '$out/last.out'"
rc 0 "-S --tx: warnings" -f "$fix/warnings.txt" -S --tx
check "-S: the WARNING line" has out "^WARNING: 13 events were not timed (tx_tcp_ip.unmatched_start 10, ring_full 3)"
rc 2 "reset -S" reset -S
rc 0 "warnings" -f "$fix/warnings.txt"
check "warnings: WARNING line" has out "^WARNING: 15 events were not timed"
# -s, --tx and --rx narrow the counters too: a stage's own with it, a
# direction's with any stage of it, those of neither always
rc 0 "-s: the counters of the stage" -f "$fix/warnings.txt" -s tx_total
check "-s tx_total: not another stage's" sh -c "! grep -q unmatched '$out/last.out'"
check "-s tx_total: tx's and the shared" has out "^   tx_data_segments 20  sockets_purged 1$"
check "-s tx_total: the warning of what is shown" has out "^WARNING: 3 events were not timed (ring_full 3): "
rc 0 "-s tx_tcp_ip" -f "$fix/warnings.txt" -s tx_tcp_ip
check "-s tx_tcp_ip: its own" has out "^   tx_tcp_ip.unmatched_start 10  ring_full 3$"
rc 0 "-S -s tx_total" -f "$fix/warnings.txt" -S -s tx_total
check "-S -s: the warning of what is shown" has out "^WARNING: 3 events were not timed (ring_full 3): "
rc 0 "--rx: the counters" -f "$fix/current-6.12-dual.txt" --rx
check "--rx: no tx counter" sh -c "! grep -q 'tx_' '$out/last.out'"
check "--rx: rx's" has out "^   rx_duplicate_segments 1  rx_data_skbs 645  rx_gro_segments 644$"
if have jq; then
	"$netlat" -f "$fix/current-6.12-dual.txt" --json -s rx_total,rx_tcp_user > "$out/narrow.json"
	check "--json -s: rx's counters, rx_tcp_user's, those of neither" \
		[ "$(jq -c '.counters | keys' "$out/narrow.json")" = '["expired","negative_delta","ring_full","rx_data_skbs","rx_dropped_before_socket","rx_duplicate_segments","rx_fastopen_data","rx_gro_segments","rx_incomplete","rx_tcp_user","sockets_purged","sockets_reused","table_full"]' ]
	check "--json -s: rx's coverage" [ "$(jq -c .coverage "$out/narrow.json")" = '{"rx":0.9984}' ]
	"$netlat" -f "$fix/current-6.12-dual.txt" --json --tx > "$out/narrow.json"
	check "--json --tx: no rx counter" [ "$(jq '[.counters | keys[] | select(startswith("rx_"))] | length' "$out/narrow.json")" = 0 ]
	check "--json --tx: every tx stage's" [ "$(jq -c '[.counters.tx_sock_tcp, .counters.tx_ip_dev.unmatched_start, .counters.tx_data_segments.ipv6]' "$out/narrow.json")" = '[{"unmatched_end":0},0,225]' ]
	check "--json --tx: tx's coverage" [ "$(jq -c .coverage "$out/narrow.json")" = '{"tx":1}' ]
	check "--json --tx: the probes of tx and of both" \
		[ "$(jq -c '[.probes[].point] | unique' "$out/narrow.json")" = '["sock_destroy","sock_disconnect","tx_dev","tx_ip","tx_sock","tx_tcp","tx_tcp_locked"]' ]
	"$netlat" -f "$fix/warnings.txt" --json --tx > "$out/narrow.json"
	check "--json --tx: probes_missed of tx's, as the text's" [ "$(jq .probes_missed "$out/narrow.json")" = 0 ]
fi
rc 0 "-p - -s" -f "$fix/current-6.12-dual.txt" -p - -s rx_total,rx_tcp_user
cp "$out/last.out" "$out/narrow-s.prom"
check "-p -s: no tx series" sh -c "! grep -q 'direction=\"tx\"\|^netlat_tx_' '$out/last.out'"
check "-p -s: not another stage's" sh -c "! grep -q 'reason=\"\(dev_ip\|ip_tcp\)_' '$out/last.out'"
check "-p -s: the stage's own" grep -q '^netlat_untimed_total{direction="rx",reason="tcp_user_unmatched_end"} 0$' "$out/last.out"
check "-p -s: rx's" grep -q '^netlat_data_units_total{direction="rx",family="ipv6"} 233$' "$out/last.out"
check "-p -s: those of neither" grep -q '^netlat_sockets_purged_total 4$' "$out/last.out"
rc 0 "-p - --tx" -f "$fix/current-6.12-dual.txt" -p - --tx
cp "$out/last.out" "$out/narrow-tx.prom"
check "-p --tx: no rx series" sh -c "! grep -q 'direction=\"rx\"\|^netlat_rx_' '$out/last.out'"
check "-p --tx: tx's" grep -q '^netlat_tx_retransmit_segments_total 1$' "$out/last.out"

# ---- netlat diff OLDER NEWER: what happened between two saved snapshots
sed 's/^time_ns 19332915175$/time_ns 21332915175/; s/^stage tx_total tx count 661 sum_ns 81386810 min_ns 18218 max_ns 7735213/stage tx_total tx count 662 sum_ns 81406810 min_ns 18218 max_ns 7735213/; s/^bucket tx_total 18432 20480 352 /bucket tx_total 18432 20480 353 /; s/^counter tx_data_segments 661$/counter tx_data_segments 662/' \
	"$fix/real-6.12-lo.txt" > "$out/later.txt"
rc 0 "diff" diff "$fix/real-6.12-lo.txt" "$out/later.txt"
check "diff: the span" has out "^netlat 0.1.0 on 6.12.117+deb12-amd64: 2.000 s between the two snapshots$"
check "diff: the one new sample" has out "^  count 1  mean 20.0us  p50 19.5us  p90 19.5us  p99 19.5us  p99.9 19.5us  max<=20.5us$"
check "diff: the other stages empty" [ "$(grep -c '^[rt]x_[a-z_]* ([rt]x): no samples$' "$out/last.out")" -eq 7 ]
check "diff: the counter delta" has out "^   tx_data_segments 1$"
check "diff: no reset" sh -c "! grep -q NOTE '$out/last.out'"
rc 0 "diff -S" diff -S --tx "$fix/real-6.12-lo.txt" "$out/later.txt"
check "diff -S: tx_total" has out "^tx_total              1      20.0      19.5      19.5      19.5      19.5    <=20.5$"
check "diff -S: coverage of the interval" has out "^coverage tx: 1 of 1 data segments timed (100.0%)$"
if have jq; then
	rc 0 "diff --json" diff --json "$fix/real-6.12-lo.txt" "$out/later.txt"
	check "diff --json: interval and count" [ "$(jq -c '[.interval_s, (.stages[] | select(.stage == "tx_total") | .count), .counters.tx_data_segments.total]' "$out/last.out")" = '[2,1,1]' ]
fi
if have jq; then
	rc 0 "diff --json -s" diff --json -s rx_total "$fix/real-6.12-lo.txt" "$out/later.txt"
	check "diff --json -s rx_total: no tx counter" [ "$(jq -c '[.counters.tx_data_segments, .counters.rx_data_skbs.total, .coverage]' "$out/last.out")" = '[null,0,{"rx":null}]' ]
fi
rc 0 "diff -S -s rx_total" diff -S -s rx_total "$fix/real-6.12-lo.txt" "$out/later.txt"
check "diff -S -s rx_total: no tx coverage" sh -c "! grep -q '^coverage tx' '$out/last.out'"
rc 1 "diff: the same snapshot" diff "$fix/real-6.12-lo.txt" "$fix/real-6.12-lo.txt"
check "diff: not newer: says so" has err "will not diff .*: the second was not taken after the first"
rc 1 "diff: newer first" diff "$out/later.txt" "$fix/real-6.12-lo.txt"
rc 1 "diff: another kernel" diff "$fix/minimal.txt" "$fix/real-6.12-lo.txt"
check "diff: another kernel: says so" has err "not the same kernel (6.12.0-fixture, 6.12.117+deb12-amd64)"
rc 1 "diff: other counters" diff "$fix/current-6.12-defaults.txt" "$fix/current-6.12-dual.txt"
check "diff: other counters: says so" has err "not the same counters"
rc 6 "diff: a malformed one" diff "$fix/real-6.12-lo.txt" "$fix/malformed.txt"
rc 1 "diff: a missing one" diff "$out/nonexistent.txt" "$fix/real-6.12-lo.txt"
rc 2 "diff: one file" diff "$fix/real-6.12-lo.txt"
check "diff: one file: usage" has err "'diff' takes two saved snapshots"
rc 2 "diff: three files" diff "$fix/minimal.txt" "$fix/minimal.txt" "$fix/minimal.txt"
# one of the two may be '-', standard input; not both
rc 0 "diff - NEWER" diff - "$out/later.txt" < "$fix/real-6.12-lo.txt"
check "diff - NEWER: the one new sample" has out "^  count 1  mean 20.0us  p50 19.5us  p90 19.5us  p99 19.5us  p99.9 19.5us  max<=20.5us$"
rc 0 "diff OLDER -" diff -S "$fix/real-6.12-lo.txt" - < "$out/later.txt"
check "diff OLDER -: the one new sample" has out "^tx_total              1      20.0      19.5      19.5      19.5      19.5    <=20.5$"
rc 2 "diff - -" diff - - < "$fix/real-6.12-lo.txt"
check "diff - -: says why" has err "'diff' reads standard input once: '-' may be OLDER or NEWER, not both"
rc 1 "diff -: not newer" diff "$out/later.txt" - < "$fix/real-6.12-lo.txt"
check "diff -: not newer: names standard input" has err "will not diff .*later.txt and standard input: the second was not taken after the first"
cp "$fix/minimal.txt" "$out/min${esc}[1m.txt"
rc 1 "diff -: another kernel, a name with ESC" diff - "$out/min${esc}[1m.txt" < "$fix/real-6.12-lo.txt"
check "diff -: the other name escaped" grep -qF "will not diff standard input and $out/min\x1b[1m.txt: not the same kernel" "$out/last.err"
check "diff -: no raw ESC" no_raw
rc 6 "diff -: malformed input" diff "$fix/real-6.12-lo.txt" - < "$fix/malformed.txt"
check "diff -: the line of standard input" has err "^netlat: standard input:335: table_full"
rc 6 "diff -: empty input" diff - "$fix/real-6.12-lo.txt" < /dev/null
check "diff -: empty: says so" has err "^netlat: standard input: no data"
rc 2 "diff -i" diff -i 1 "$fix/real-6.12-lo.txt" "$out/later.txt"
rc 2 "diff -p" diff -p "$out/diff.prom" "$fix/real-6.12-lo.txt" "$out/later.txt"
rc 2 "diff -f" diff -f "$fix/minimal.txt" "$fix/real-6.12-lo.txt" "$out/later.txt"

# ---- the IPv4/IPv6 split of the data units (modules with IPv6 support)
rc 0 "IPv4/IPv6 split" -f "$fix/current-6.12-dual.txt"
check "split: tx coverage line" has out "^coverage tx: 625 of 625 data segments timed (100.0%); IPv4 400, IPv6 225$"
check "split: rx coverage line" has out "^coverage rx: 644 of 645 data skbs timed (99.8%); IPv4 412, IPv6 233$"
check "split: not listed again" sh -c "! grep -q 'ipv[46]' '$out/last.out'"
rc 0 "split: --tx" -f "$fix/current-6.12-dual.txt" --tx
check "split --tx: no rx coverage" sh -c "! grep -q '^coverage rx' '$out/last.out'"
check "split --tx: tx split" has out "; IPv4 400, IPv6 225$"
rc 0 "no split from an older module" -f "$fix/current-6.12-lo.txt"
check "no split: plain coverage line" has out "^coverage tx: 625 of 625 data segments timed (100.0%)$"
check "no split: no family" sh -c "! grep -qi 'ipv[46]' '$out/last.out'"

# ---- enabled, the filters, the host and wall clock of the snapshot
rc 0 "filters, disabled" -f "$fix/current-6.12-filters.txt"
check "filters: DISABLED line" has out "^collection is DISABLED (enable 0): the numbers are not moving$"
check "filters: the filters line" has out "^filters: directions tx; ports 80,443,8000-8100; family IPv4; netns 4026531840; sample 1 in 10 "
check "filters: host and date" has out "^host lab.040box.303.251, snapshot of 2026-12-05 06:32:12 UTC$"
rc 0 "defaults" -f "$fix/current-6.12-defaults.txt"
check "defaults: no DISABLED" sh -c "! grep -q DISABLED '$out/last.out'"
check "defaults: no filters line" sh -c "! grep -q '^filters:' '$out/last.out'"
rc 0 "-T of a saved snapshot: its own time" -f "$fix/current-6.12-defaults.txt" -T
check "-T: the snapshot's time of day" [ "$(TZ=UTC "$netlat" -f "$fix/current-6.12-defaults.txt" -T | head -n 1)" = "06:32:12" ]
rc 0 "-T of an older snapshot: now" -f "$fix/real-6.12-lo.txt" -T
check "-T older: the time of the read" sh -c "head -n 1 '$out/last.out' | grep -q \"\$(date +%H:%M)\""
if have jq; then
	"$netlat" -f "$fix/current-6.12-filters.txt" --json > "$out/filters.json"
	check "JSON: time from realtime_ns" [ "$(jq -r .time "$out/filters.json")" = "2026-12-05T06:32:12.570Z" ]
	check "JSON: enabled false" [ "$(jq .enabled "$out/filters.json")" = false ]
	check "JSON: the filters" [ "$(jq -c .filters "$out/filters.json")" = '{"directions":"tx","ports":"80,443,8000-8100","ports_count":103,"family":"4","netns":4026531840,"sample":10}' ]
	check "JSON: the host name as printed" [ "$(jq -r .hostname "$out/filters.json")" = 'lab\040box\303\251' ]
	"$netlat" -f "$fix/real-6.12-lo.txt" --json > "$out/old.json"
	check "JSON older: nulls" [ "$(jq -c '[.realtime_ns, .hostname, .enabled, .filters]' "$out/old.json")" = '[null,null,null,null]' ]
fi
# a ports list of every port, one by one: a line of about 400 KB
awk 'BEGIN { printf "filter ports 0"; for (i = 1; i < 65536; i++) printf ",%d", i; print "" }' > "$out/ports.line"
sed "/^filter ports /{
r $out/ports.line
d
}" "$fix/current-6.12-filters.txt" > "$out/long-ports.txt"
check "the long line is 400 KB" [ "$(wc -c < "$out/ports.line")" -gt 380000 ]
rc 0 "a 400 KB ports line" -f "$out/long-ports.txt"
check "400 KB ports: all ports as one range" has out "; ports 0-65535; family IPv4"
rc 0 "a 400 KB ports line, -p" -f "$out/long-ports.txt" -p "$out/long-ports.prom"
check "400 KB ports: its count" grep -q '^netlat_filter_ports 65536$' "$out/long-ports.prom"
awk 'BEGIN { printf "filter ports 1"; for (i = 3; i < 65536; i += 2) printf ",%d", i; print "" }' > "$out/ports.line"
sed "/^filter ports /{
r $out/ports.line
d
}" "$fix/current-6.12-filters.txt" > "$out/odd-ports.txt"
rc 0 "every other port" -f "$out/odd-ports.txt" -p "$out/odd-ports.prom"
check "every other port: the label cut and said" grep -q 'ports="1,3,5,.*,\.\.\."} 1$' "$out/odd-ports.prom"
if have jq; then
	"$netlat" -f "$out/odd-ports.txt" --json > "$out/odd-ports.json"
	check "every other port: JSON has them all" [ "$(jq -r .filters.ports "$out/odd-ports.json")" = "$(cut -d' ' -f3 "$out/ports.line")" ]
fi
sed 's/,65535$/,65536/' "$out/ports.line" > "$out/ports.bad"
sed "/^filter ports /{
r $out/ports.bad
d
}" "$fix/current-6.12-filters.txt" > "$out/bad-ports.txt"
rc 6 "a bad port at the end of a long line" -f "$out/bad-ports.txt"
check "bad port: the line and why" has err "bad-ports.txt:12: filter ports: '65536' is not a port in 0..65535"
if have promtool; then
	for f in current-6.12-filters current-6.12-defaults; do
		"$netlat" -f "$fix/$f.txt" -p "$out/$f.prom"
		check "promtool: $f" sh -c "promtool check metrics < '$out/$f.prom'"
	done
	check "promtool: every other port" sh -c "promtool check metrics < '$out/odd-ports.prom'"
fi

# ---- JSON: one line, parsed back
if have python3; then
	rc 0 "--json" -f "$fix/real-6.12-nic.txt" --json
	check "--json: one line" [ "$(wc -l < "$out/last.out")" -eq 1 ]
	check "--json: python3 parses it" json_ok "$out/last.out"
	cp "$out/last.out" "$out/nic.json"
	for f in "$build"/*.json; do
		check "test_export's $(basename "$f") parses" json_ok "$f"
	done
	check "python3: counts and buckets agree" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 3 and d["format"] == 1
assert d["interval_s"] is None
s = {x["stage"]: x for x in d["stages"]}
assert list(s) == ["tx_sock_tcp", "tx_tcp_ip", "tx_ip_dev", "tx_total",
                   "rx_dev_ip", "rx_ip_tcp", "rx_tcp_user", "rx_total"]
for x in d["stages"]:
    assert sum(b[2] for b in x["buckets"]) == x["count"], x["stage"]
    assert x["direction"] == x["stage"][:2]
    assert all(b[0] < b[1] for b in x["buckets"])
    assert x["min_ns"] <= x["p50_ns"] <= x["p90_ns"] <= x["p99_ns"] <= x["p999_ns"] <= x["max_ns"]
assert s["tx_total"]["count"] == 643 and s["rx_total"]["count"] == 660
assert d["counters"]["rx_gro_segments"] == 1986
assert len(d["probes"]) == 12 and d["coverage"]["tx"] == 1.0
assert not any("." in k for k in d["counters"])
assert not any("." in k for v in d["counters"].values()
               if isinstance(v, dict) for k in v)
assert d["counters"]["rx_tcp_user"]["unmatched_start"] == 0
assert d["counters"]["tx_data_segments"] == {"total": 643, "ipv4": None, "ipv6": None}
' "$out/nic.json"
	rc 0 "--json with the IPv4/IPv6 split" -f "$fix/current-6.12-dual.txt" --json
	check "--json split: one line" [ "$(wc -l < "$out/last.out")" -eq 1 ]
	check "--json split: python3 parses it" json_ok "$out/last.out"
	check "python3: the split adds up to the totals" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["counters"]
assert c["tx_data_segments"] == {"total": 625, "ipv4": 400, "ipv6": 225}
assert c["rx_data_skbs"] == {"total": 645, "ipv4": 412, "ipv6": 233}
for t in "tx_data_segments", "rx_data_skbs":
    assert c[t]["ipv4"] + c[t]["ipv6"] == c[t]["total"], t
' "$out/last.out"
else
	echo "cli: python3 not installed: JSON parse-back skipped"
fi
if have jq; then
	check "jq: tx_total count" [ "$(jq '.stages[] | select(.stage == "tx_total") | .count' "$out/nic.json")" = 643 ]
	check "jq: bucket sums" [ "$(jq '[.stages[] | ([.buckets[][2]] | add // 0) == .count] | all' "$out/nic.json")" = true ]
	check "jq: p50 as in /proc" [ "$(jq '.stages[0].p50_ns' "$out/nic.json")" = "$(awk '$1 == "stage" && $2 == "tx_sock_tcp" { print $13 }' "$fix/real-6.12-nic.txt")" ]
	"$netlat" -f "$fix/huge.txt" --json > "$out/huge.json"
	check "jq: overflow bucket hi is null" [ "$(jq -c '.stages[] | select(.stage == "rx_total") | .buckets[-1]' "$out/huge.json")" = "[68719476736,null,2]" ]
	"$netlat" -f "$fix/minimal.txt" --json > "$out/minimal.json"
	check "jq: an empty stage's mean, min and percentiles are null" \
		[ "$(jq -c '[.stages[] | select(.count == 0) | .mean_ns, .min_ns, .max_ns, .p50_ns, .p999_ns] | unique' "$out/minimal.json")" = '[null]' ]
	check "jq: a stage with samples has its mean" \
		[ "$(jq '[.stages[] | select(.count > 0) | .mean_ns | numbers] | length' "$out/minimal.json")" = "$(jq '[.stages[] | select(.count > 0)] | length' "$out/minimal.json")" ]
	"$netlat" -f "$fix/real-6.12-lo.txt" --json --rx > "$out/rx.json"
	check "jq: --rx has 4 stages" [ "$(jq '.stages | length' "$out/rx.json")" = 4 ]
else
	echo "cli: jq not installed: jq checks skipped"
fi

# ---- Prometheus
rc 0 "--prometheus" -f "$fix/real-6.12-lo.txt" -p "$out/netlat.prom"
check "--prometheus: nothing on stdout" [ ! -s "$out/last.out" ]
check "--prometheus: file written" [ -s "$out/netlat.prom" ]
check "--prometheus: mode 0644" [ "$(stat -c %a "$out/netlat.prom")" = 644 ]
check "--prometheus: no temporary left" [ "$(ls -A "$out" | grep -c 'netlat\.prom')" -eq 1 ]
check "--prometheus: +Inf = count" grep -q 'stage="tx_sock_tcp",le="+Inf"} 661$' "$out/netlat.prom"
rc 0 "--prometheus with --json" -f "$fix/real-6.12-lo.txt" -p "$out/both.prom" --json
check "--prometheus --json: JSON on stdout" has out '^{"schema_version":3,"format":1,'
rc 1 "--prometheus into a missing directory" -f "$fix/minimal.txt" -p "$out/no/such/x.prom"
check "--prometheus error explained" has err "cannot write .*x.prom: No such file or directory"
check "--prometheus: no split from an older module" sh -c "! grep -q 'ipv[46]' '$out/netlat.prom'"
check "--prometheus: no split: the totals, family all" grep -q '^netlat_data_units_total{direction="tx",family="all"} 661$' "$out/netlat.prom"
check "--prometheus: no netlat_events_total" sh -c "! grep -q 'netlat_events_total' '$out/netlat.prom'"
check "--prometheus: the untimed by reason" grep -q '^netlat_untimed_total{direction="rx",reason="tcp_user_unmatched_start"} 0$' "$out/netlat.prom"
rc 0 "--prometheus with the IPv4/IPv6 split" -f "$fix/current-6.12-dual.txt" -p "$out/dual.prom"
check "split: TYPE line" grep -q '^# TYPE netlat_data_units_total counter$' "$out/dual.prom"
check "split: 4 series" [ "$(grep -c '^netlat_data_units_total{direction="[rt]x",family="ipv[46]"} [0-9]*$' "$out/dual.prom")" -eq 4 ]
check "split: rx ipv6" grep -q '^netlat_data_units_total{direction="rx",family="ipv6"} 233$' "$out/dual.prom"
check "split: no family all" sh -c "! grep -q 'family=\"all\"' '$out/dual.prom'"
check "split: no dots in labels but names" sh -c "! grep -q '^netlat_[a-z_]*{.*\.ipv' '$out/dual.prom'"
# -p replaces only a regular file; '-p -' is standard output
echo keep > "$out/target.txt"
ln -s target.txt "$out/link.prom"
rc 1 "-p onto a symbolic link" -f "$fix/minimal.txt" -p "$out/link.prom"
check "-p symlink: says why" has err "will not write .*link.prom: it is a symbolic link"
check "-p symlink: the link stays a link" [ -L "$out/link.prom" ]
check "-p symlink: its target untouched" [ "$(cat "$out/target.txt")" = keep ]
check "-p symlink: nothing on stdout" [ ! -s "$out/last.out" ]
mkfifo "$out/fifo.prom"
rc 1 "-p onto a fifo" -f "$fix/minimal.txt" -p "$out/fifo.prom"
check "-p fifo: says why" has err "it is a fifo"
check "-p fifo: still a fifo" [ -p "$out/fifo.prom" ]
rc 1 "-p onto a directory" -f "$fix/minimal.txt" -p "$out"
check "-p directory: says why" has err "it is a directory"
rc 1 "-p onto a device" -f "$fix/minimal.txt" -p /dev/null
check "-p /dev/null: says why" has err "it is a character device"
check "-p /dev/null: still a device" [ -c /dev/null ]
rc 1 "-i -p onto a symbolic link" -f "$fix/minimal.txt" -i 0.05 -c 1 -p "$out/link.prom"
check "-i -p symlink: the link stays a link" [ -L "$out/link.prom" ]
check "-p refusals: no temporary file left" [ -z "$(ls -A "$out" | grep '^\.')" ]
rc 0 "-p -" -f "$fix/real-6.12-lo.txt" -p -
check "-p -: the exposition on stdout" grep -q 'stage="tx_sock_tcp",le="+Inf"} 661$' "$out/last.out"
check "-p -: no file named '-'" [ ! -e ./- ] && [ ! -e "$out/-" ]
cp "$out/last.out" "$out/stdout.prom"
rc 2 "-p - with --json" -f "$fix/real-6.12-lo.txt" -p - --json
check "-p - --json: explained" has err "both write to standard output"
rc 0 "-i -p -" -f "$fix/real-6.12-lo.txt" -i 0.05 -c 2 -p -
check "-i -p -: 3 expositions" [ "$(grep -c '^# TYPE netlat_info gauge$' "$out/last.out")" -eq 3 ]
if have promtool; then
	for f in "$out/netlat.prom" "$out/stdout.prom" "$out"/narrow-*.prom "$build"/*.prom; do
		if promtool check metrics < "$f" > "$out/promtool.log" 2>&1; then ok; else
			ko "promtool check metrics $(basename "$f")"
			cat "$out/promtool.log"
		fi
	done
	for f in real-6.1-veth huge warnings future minimal current-6.12-dual; do
		"$netlat" -f "$fix/$f.txt" -p "$out/$f.prom"
		check "promtool: $f" sh -c "promtool check metrics < '$out/$f.prom'"
	done
else
	echo "cli: promtool not installed (Debian: apt-get install prometheus): test_export's checker covers the rules"
fi

# ---- watch mode on a file: deltas of an unchanged file are zero
rc 0 "-i 0.05 -c 3 --json" -f "$fix/real-6.12-lo.txt" -i 0.05 -c 3 --json
check "watch: 3 reports" [ "$(wc -l < "$out/last.out")" -eq 3 ]
if have jq; then
	check "watch: zero counts" [ "$(jq -s '[.[].stages[].count] | add' "$out/last.out")" = 0 ]
	check "watch: interval_s is a number" [ "$(jq -s '[.[] | .interval_s | type] | unique | .[0]' "$out/last.out")" = '"number"' ]
fi
rc 0 "-i 0.05 -c 2 -T" -f "$fix/real-6.12-lo.txt" -i 0.05 -c 2 -T
check "watch -T: time lines" [ "$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$' "$out/last.out")" -eq 2 ]
check "watch: interval header" has out ": the last 0.000 s"
check "watch: no samples" has out "^no samples in this interval$"
rc 0 "-i with -p" -f "$fix/real-6.12-lo.txt" -i 0.05 -c 2 -p "$out/watch.prom"
check "-i -p: file written" [ -s "$out/watch.prom" ]
# the file changes between reads: the delta shows the difference.  The
# file is a fifo that feed_watch writes one snapshot to for each read, by
# what netlat has open (/proc/PID/fd), not by timing: the first is held
# open until netlat has it, then closed (its end); the second is written
# once netlat has closed the first, for its next read to block on
feed_watch() {	# PID FIFO FIRST SECOND; on failure netlat is killed
	timeout 20 sh -c '
		holds() {
			for f in /proc/$1/fd/*; do
				[ "$f" -ef "$2" ] && return 0
			done
			return 1
		}
		exec 3> "$2"
		cat "$3" >&3
		i=0
		until holds "$1" "$2" || [ $i -ge 400 ]; do sleep 0.025; i=$((i + 1)); done
		exec 3>&-
		i=0
		while holds "$1" "$2" && [ $i -lt 400 ]; do sleep 0.025; i=$((i + 1)); done
		cat "$4" > "$2"' - "$@" || kill "$1" 2> /dev/null
}
sed 's/^stage tx_total tx count 661 sum_ns 81386810 min_ns 18218 max_ns 7735213/stage tx_total tx count 662 sum_ns 81406810 min_ns 18218 max_ns 7735213/; s/^bucket tx_total 18432 20480 352 /bucket tx_total 18432 20480 353 /' \
	"$fix/real-6.12-lo.txt" > "$out/changing.txt"
mkfifo "$out/watch.fifo"
"$netlat" -f "$out/watch.fifo" -i 0.05 -c 1 --json > "$out/changing.json" &
feed_watch $! "$out/watch.fifo" "$fix/real-6.12-lo.txt" "$out/changing.txt"
wait
if have jq; then
	check "watch: the delta of a changed file" [ "$(jq -c '.stages[3] | [.count, .sum_ns, .buckets]' "$out/changing.json")" = '[1,20000,[[18432,20480,1]]]' ]
fi
# the same in text, with the IPv4/IPv6 split: the interval's split
sed 's/^stage tx_total tx count 625 sum_ns 295423669 /stage tx_total tx count 626 sum_ns 295443669 /; s/^bucket tx_total 18432 20480 6 /bucket tx_total 18432 20480 7 /; s/^counter tx_data_segments 625$/counter tx_data_segments 626/; s/^counter tx_data_segments.ipv6 225$/counter tx_data_segments.ipv6 226/' \
	"$fix/current-6.12-dual.txt" > "$out/changing-dual.txt"
"$netlat" -f "$out/watch.fifo" -i 0.05 -c 1 > "$out/changing-dual.out" &
feed_watch $! "$out/watch.fifo" "$fix/current-6.12-dual.txt" "$out/changing-dual.txt"
wait
check "watch: the interval's split" grep -q '^coverage tx: 1 of 1 data segments timed (100.0%); IPv4 0, IPv6 1$' "$out/changing-dual.out"
check "watch: the split not listed" sh -c "! grep -q 'ipv[46]' '$out/changing-dual.out'"
# ---- the exporter (-i with -p): survives its input going away
# (the module unloaded), says netlat_up 0 meanwhile, retries failed writes
up() { sed -n 's/^netlat_up \([01]\)$/\1/p' "$1" 2> /dev/null; }
# wait_up FILE 0|1: up to 5 s for the file to say so
wait_up() {
	i=0
	while [ "$(up "$1")" != "$2" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(up "$1")" = "$2" ]
}
exp=$out/exporter
mkdir -p "$exp"
cp "$fix/real-6.12-lo.txt" "$exp/in.txt"
# stdout through a fifo: the file size limit below is netlat's alone
mkfifo "$exp/json.fifo"
cat "$exp/json.fifo" > "$exp/out.json" &
(trap '' XFSZ; exec "$netlat" -f "$exp/in.txt" -i 0.1 -p "$exp/x.prom" --json \
	> "$exp/json.fifo" 2> "$exp/err.txt") &
pid=$!
check "exporter: up 1" wait_up "$exp/x.prom" 1
check "exporter: the histograms" grep -q 'stage="tx_sock_tcp",le="+Inf"} 661$' "$exp/x.prom"
ok1=$(sed -n 's/^netlat_last_success_timestamp_seconds //p' "$exp/x.prom")
check "exporter: last success is now ($ok1)" \
	[ $(( $(date +%s) - ${ok1%.*} )) -le 2 ]
mv "$exp/in.txt" "$exp/in.away"			# the module goes away
check "exporter: input gone: up 0" wait_up "$exp/x.prom" 0
check "exporter: up 0: no stale histograms" sh -c "! grep -q '^netlat_stage' '$exp/x.prom'"
# the last good read may have come after ok1 (a read every 0.1 s): the
# time kept is at or after it, and stays while reads fail
last() { sed -n 's/^netlat_last_success_timestamp_seconds //p' "$exp/x.prom"; }
ok2=$(last)
check "exporter: up 0: the last success kept ($ok1 <= $ok2)" \
	awk -v a="$ok1" -v b="$ok2" 'BEGIN { exit !(b != "" && b + 0 >= a + 0) }'
sleep 0.3
check "exporter: up 0: the last success does not move ($(last))" [ "$(last)" = "$ok2" ]
if have promtool; then
	check "exporter: up 0: promtool" sh -c "promtool check metrics < '$exp/x.prom'"
fi
check "exporter: still running" kill -0 $pid
check "exporter: says why, once" [ "$(grep -c 'netlat_up 0 until a read works again' "$exp/err.txt")" -eq 1 ]
sleep 0.3
check "exporter: the read error said once" [ "$(grep -c 'cannot read' "$exp/err.txt")" -eq 1 ]
# back with lower numbers (a reloaded module): a new baseline, no
# negative delta
cp "$fix/minimal.txt" "$exp/in.txt"
check "exporter: input back: up 1" wait_up "$exp/x.prom" 1
check "exporter: the new numbers" grep -q 'stage="tx_sock_tcp",le="+Inf"} 4$' "$exp/x.prom"
check "exporter: back: a new baseline" grep -q 'read .*in.txt again: a new baseline' "$exp/err.txt"
# a write that fails (a file size limit): the stale file is removed, and
# written again once writes work
if prlimit --pid $pid --fsize=1024:unlimited 2> /dev/null; then
	i=0
	while [ -e "$exp/x.prom" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	check "exporter: write failed: stale file removed" [ ! -e "$exp/x.prom" ]
	check "exporter: write failed: said" grep -q "cannot write .*x.prom: File too large" "$exp/err.txt"
	check "exporter: write failed: still running" kill -0 $pid
	prlimit --pid $pid --fsize=unlimited:unlimited
	check "exporter: writes again: up 1" wait_up "$exp/x.prom" 1
	check "exporter: says it wrote again" grep -q "wrote .*x.prom again" "$exp/err.txt"
else
	echo "cli: no prlimit: the failed-write checks skipped"
fi
sleep 0.3	# a few more reports
kill -TERM $pid
wait $pid
rc=$?
check "exporter: SIGTERM: exit 0 ($rc)" [ $rc -eq 0 ]
wait
check "exporter: stopped: up 0 (its numbers would go stale)" [ "$(up "$exp/x.prom")" = 0 ]
# once it stopped: while it runs, a report being written is a temporary file
check "exporter: no temporary file left" [ "$(ls -A "$exp" | grep -c '^\.')" -eq 0 ]
if have jq; then
	check "exporter: JSON deltas never negative, every line parses" \
		jq_e -s 'length >= 2 and all(.[].stages[]; .count >= 0 and .sum_ns >= 0)' "$exp/out.json"
fi
# the target replaced by a symbolic link while exporting: left alone, said
# once, written again when it is gone
cp "$fix/minimal.txt" "$exp/in3.txt"
"$netlat" -f "$exp/in3.txt" -i 0.1 -p "$exp/y.prom" 2> "$exp/err3.txt" &
pid=$!
check "exporter 2: up 1" wait_up "$exp/y.prom" 1
rm "$exp/y.prom"
ln -s in3.txt "$exp/y.prom"
sleep 0.5
check "exporter 2: a link put there stays a link" [ -L "$exp/y.prom" ]
check "exporter 2: its target untouched" cmp -s "$exp/in3.txt" "$fix/minimal.txt"
check "exporter 2: said once" [ "$(grep -c 'will not write .*y.prom: it is a symbolic link' "$exp/err3.txt")" -eq 1 ]
check "exporter 2: still running" kill -0 $pid
rm "$exp/y.prom"
check "exporter 2: the link gone: written again" wait_up "$exp/y.prom" 1
kill -TERM $pid
wait $pid
check "exporter 2: exit 0 ($?)" [ $? -eq 0 ]

# one-shot -p (from cron): a failed read replaces the file with netlat_up 0,
# keeping the time of the last good read the file had
rc 0 "one-shot -p" -f "$fix/minimal.txt" -p "$exp/cron.prom"
ok1=$(sed -n 's/^netlat_last_success_timestamp_seconds //p' "$exp/cron.prom")
check "one-shot -p: up 1 ($ok1)" [ "$(up "$exp/cron.prom")" = 1 ]
sleep 0.1
rc 1 "one-shot -p, a failed read" -f "$exp/nonexistent.txt" -p "$exp/cron.prom"
check "one-shot -p, failed: says why" has err "cannot read .*nonexistent.txt"
check "one-shot -p, failed: up 0" [ "$(up "$exp/cron.prom")" = 0 ]
check "one-shot -p, failed: no stale histograms" sh -c "! grep -q '^netlat_stage' '$exp/cron.prom'"
check "one-shot -p, failed: the last success kept" grep -qx "netlat_last_success_timestamp_seconds $ok1" "$exp/cron.prom"
rc 6 "one-shot -p, failed again" -f "$fix/malformed.txt" -p "$exp/cron.prom"
check "one-shot -p, failed again: the last success still kept" grep -qx "netlat_last_success_timestamp_seconds $ok1" "$exp/cron.prom"
# an exporter started while the module is away: the same
rc 0 "exporter started without input" -f "$exp/nonexistent.txt" -i 0.05 -c 1 -p "$exp/cron.prom"
# it tries again every interval, sleeping in between: 5 reads take 0.4 s
t0=$(date +%s%N)
timeout 10 "$netlat" -f "$exp/nonexistent.txt" -i 0.1 -c 4 -p - > "$out/last.out" 2> "$out/last.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "exporter without input: exit 0 ($rc)" [ $rc -eq 0 ]
check "exporter without input: a write a read" [ "$(grep -c '^netlat_up 0$' "$out/last.out")" -eq 5 ]
check "exporter without input: the interval waited ($ms ms)" [ $ms -ge 390 ]
check "exporter without input: said once" [ "$(grep -c 'cannot read' "$out/last.err")" -eq 1 ]
check "exporter started without input: up 0, the last success kept" \
	grep -qx "netlat_last_success_timestamp_seconds $ok1" "$exp/cron.prom"
rm "$exp/cron.prom"
rc 1 "one-shot -p, failed, no file before" -f "$exp/nonexistent.txt" -p "$exp/cron.prom"
check "one-shot -p, no file before: up 0, last success 0" grep -qx 'netlat_last_success_timestamp_seconds 0.000' "$exp/cron.prom"

# plain watch mode (no -p) still ends when its input goes away
cp "$fix/minimal.txt" "$exp/in2.txt"
("$netlat" -f "$exp/in2.txt" -i 0.1 -c 50 > /dev/null 2> "$exp/err2.txt"; echo $? > "$exp/rc2") &
sleep 0.3
rm "$exp/in2.txt"
wait
check "watch without -p: input gone: exit 1" [ "$(cat "$exp/rc2")" = 1 ]

# ---- -f - -i: one snapshot after another from a stream
cat "$fix/real-6.12-lo.txt" "$fix/real-6.12-lo.txt" "$out/changing.txt" > "$out/stream.txt"
rc 0 "-f - -i: a stream of 3 snapshots" -f - -i 1 --json < "$out/stream.txt"
check "stream: 2 reports" [ "$(wc -l < "$out/last.out")" -eq 2 ]
if have jq; then
	check "stream: the second interval is the change" \
		[ "$(jq -s -c '[.[] | .stages[3].count]' "$out/last.out")" = '[0,1]' ]
fi
if have jq; then
	rc 0 "stream: -s" -f - -i 1 --json -s rx_total < "$out/stream.txt"
	check "stream -s rx_total: the counters of rx and of neither" \
		[ "$(jq -s -c '[.[] | .counters | keys[] | select(startswith("tx_"))] | length' "$out/last.out")" = 0 ]
	check "stream -s rx_total: rx's" [ "$(jq -s -c '[.[] | .counters.rx_gro_segments]' "$out/last.out")" = '[0,0]' ]
fi
rc 0 "stream: -c 1" -f - -i 1 -c 1 --json < "$out/stream.txt"
check "stream -c 1: 1 report" [ "$(wc -l < "$out/last.out")" -eq 1 ]
# counters going down (a reload): a new baseline, never negative
cat "$fix/real-6.12-lo.txt" "$fix/minimal.txt" > "$out/stream-reload.txt"
rc 0 "stream: a reload" -f - -i 1 --json < "$out/stream-reload.txt"
if have jq; then
	check "stream: reload: reset, the new counts" \
		[ "$(jq -c '[.reset, .stages[0].count]' "$out/last.out")" = '[true,4]' ]
fi
# a reload that load_id shows, every number grown past the old ones: a
# new baseline (the counts since the load), said on stderr; the same
# load_id: the difference; another resets: a new baseline too
cat "$fix/current-6.12-load-a.txt" "$fix/current-6.12-load-b.txt" > "$out/stream-loadid.txt"
rc 0 "stream: a reload by load_id" -f - -i 1 --json < "$out/stream-loadid.txt"
check "stream: load_id: a note on stderr" has err "the module was reloaded (load_id 3f2a9c0d11e4b786, now c70e51a2948bd603): a new baseline"
if have jq; then
	check "stream: load_id: reset, the counts since the load" \
		[ "$(jq -c '[.reset, .stages[3].count]' "$out/last.out")" = '[true,1250]' ]
fi
rc 0 "stream: a reload by load_id, text" -f - -i 1 < "$out/stream-loadid.txt"
check "stream: load_id: the NOTE line" has out "^NOTE: the statistics were reset in this interval"
sed 's/^load_id .*/load_id 3f2a9c0d11e4b786/' "$fix/current-6.12-load-b.txt" |
	cat "$fix/current-6.12-load-a.txt" - > "$out/stream-sameid.txt"
rc 0 "stream: the same load_id" -f - -i 1 --json < "$out/stream-sameid.txt"
check "stream: the same load_id: no note" [ ! -s "$out/last.err" ]
if have jq; then
	check "stream: the same load_id: the difference" \
		[ "$(jq -c '[.reset, .stages[3].count]' "$out/last.out")" = '[false,625]' ]
fi
sed '1,/^end$/!s/^resets 0/resets 2/' "$out/stream-sameid.txt" > "$out/stream-resets.txt"
rc 0 "stream: another resets" -f - -i 1 --json < "$out/stream-resets.txt"
check "stream: resets: a note on stderr" has err "the statistics were reset (resets 0, now 2): a new baseline"
if have jq; then
	check "stream: resets: reset, the counts since" \
		[ "$(jq -c '[.reset, .stages[3].count]' "$out/last.out")" = '[true,1250]' ]
fi
# the exporter (a stream's end is netlat_up 0: its intervals are checked)
rc 0 "exporter: a reload by load_id" -f - -i 1 -p "$out/loadid.prom" --json < "$out/stream-loadid.txt"
check "exporter: load_id: a note on stderr" has err "the module was reloaded"
if have jq; then
	check "exporter: load_id: reset, the counts since the load" \
		[ "$(jq -c '[.reset, .stages[3].count]' "$out/last.out")" = '[true,1250]' ]
fi
# watch mode keeps the unit of its first interval with samples: an empty
# one (nsecs from minimal's tx_tcp_ip), then one of msecs-sized values
cat "$fix/real-6.12-lo.txt" "$fix/real-6.12-lo.txt" "$fix/minimal.txt" \
	"$fix/real-6.12-lo.txt" > "$out/stream-units.txt"
rc 0 "stream: units" -f - -i 1 -s tx_tcp_ip < "$out/stream-units.txt"
check "stream: units: an empty interval first" has out "^no samples in this interval$"
check "stream: units: nsecs in both intervals with samples" [ "$(grep -c '^     nsecs ' "$out/last.out")" -eq 2 ]
check "stream: units: kept for larger values" has out "count 661  mean 103972ns  p50 12056ns  p90 63488ns  p99 2752512ns "
rc 0 "stream: units: -u" -f - -i 1 -s tx_tcp_ip -u < "$out/stream-units.txt"
check "stream: units: -u kept" [ "$(grep -c '^     usecs ' "$out/last.out")" -eq 2 ]
rc 0 "stream: -S" -f - -i 1 -S -s tx_tcp_ip < "$out/stream-units.txt"
check "stream -S: a line per interval with samples, one unit" [ "$(grep -c '^nsecs  ' "$out/last.out")" -eq 2 ]
check "stream -S: the reload's values in it" has out "^tx_tcp_ip           661    103972     12056     63488   2752512   7521590   7703148$"
# paced by its producer: it reports as snapshots come, and EOF ends it
(cat "$fix/real-6.12-lo.txt"; sleep 0.3; cat "$out/changing.txt"; sleep 0.3;
 cat "$out/changing.txt") | "$netlat" -f - -i 5 -T > "$out/paced.out" 2>&1
check "stream: paced by the producer, not by -i 5 (exit $?)" [ "$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$' "$out/paced.out")" -eq 2 ]
check "stream: the interval from the snapshots" grep -q ': the last 0.000 s' "$out/paced.out"
: | "$netlat" -f - -i 1 > /dev/null 2> "$out/last.err"
check "stream: empty input: exit 6 ($?)" [ $? -eq 6 ]
check "stream: empty: says so" has err "no snapshot"
{ cat "$fix/real-6.12-lo.txt"; head -n 20 "$fix/minimal.txt"; } > "$out/stream-cut.txt"
rc 6 "stream: cut short at the end" -f - -i 1 < "$out/stream-cut.txt"
check "stream: cut short: says so" has err "standard input: truncated"
lines=$(wc -l < "$fix/real-6.12-lo.txt")
{ cat "$fix/real-6.12-lo.txt" "$fix/malformed.txt"; } > "$out/stream-bad.txt"
rc 6 "stream: a malformed second snapshot" -f - -i 1 < "$out/stream-bad.txt"
check "stream: the line of the stream" has err "standard input:$((lines + 335)): table_full"
# the lines of a snapshot too large count too: the exporter goes on past
# it, and a bad line after it is named by its line of the stream
yes 'counter padding 0' | head -n 300000 > "$out/stream-big.txt"
echo end >> "$out/stream-big.txt"
cat "$out/stream-big.txt" "$fix/real-6.12-lo.txt" "$fix/malformed.txt" |
	timeout 20 "$netlat" -f - -i 1 -p "$out/stream-lines.prom" > /dev/null 2> "$out/last.err"
check "stream: too large, good, malformed: exit 6 ($?)" [ $? -eq 6 ]
check "stream: too large first: says so" has err "standard input: a snapshot larger than"
check "stream: after one too large: the line of the stream" \
	has err "standard input:$((300001 + lines + 335)): table_full"
rm -f "$out/stream-big.txt"
head -c 5000000 /dev/zero | "$netlat" -f - -i 1 > /dev/null 2> "$out/last.err"
check "stream: 5 MB without an end: exit 6 ($?)" [ $? -eq 6 ]
check "stream: too large: says so" has err "larger than"
# the exporter on a stream: a bad snapshot is netlat_up 0, then it goes on
{ cat "$fix/real-6.12-lo.txt" "$fix/malformed.txt" "$fix/minimal.txt"; } |
	"$netlat" -f - -i 1 -p "$out/stream.prom" --json > "$out/stream-exp.out" 2> "$out/stream-exp.err"
check "stream exporter: exit 0 ($?)" [ $? -eq 0 ]
check "stream exporter: said the bad snapshot" grep -q 'table_full' "$out/stream-exp.err"
check "stream exporter: the next one: read standard input again" grep -q '^netlat: read standard input again: a new baseline$' "$out/stream-exp.err"
check "stream exporter: EOF: up 0 at the end" [ "$(up "$out/stream.prom")" = 0 ]
# a stream that cannot be read (a directory): netlat_up 0 and exit 1 at
# once, not a loop of failed reads
timeout 10 "$netlat" -f - -i 1 -p "$out/stream-dir.prom" < "$out" > /dev/null 2> "$out/last.err"
check "stream exporter: unreadable input: exit 1 ($?)" [ $? -eq 1 ]
check "stream exporter: unreadable: said once" [ "$(grep -c 'cannot read standard input' "$out/last.err")" -eq 1 ]
check "stream exporter: unreadable: up 0" [ "$(up "$out/stream-dir.prom")" = 0 ]
# the end of the stream ends the exporter too, with the status of its last
# snapshot (6: none, or one cut short), never a loop of netlat_up 0 (the
# timeouts: a regression fails, it does not hang the run)
timeout 10 "$netlat" -f - -i 1 -p "$out/stream-empty.prom" < /dev/null > /dev/null 2> "$out/last.err"
check "stream exporter: empty input: exit 6 ($?)" [ $? -eq 6 ]
check "stream exporter: empty: says so, once" [ "$(grep -c '^netlat: standard input: no snapshot (empty input)$' "$out/last.err")" -eq 1 ]
check "stream exporter: empty: nothing else said" [ "$(wc -l < "$out/last.err")" -eq 1 ]
check "stream exporter: empty: up 0" [ "$(up "$out/stream-empty.prom")" = 0 ]
printf '# snapshots of /proc/netlat follow\n\n\t# none yet\n' > "$out/stream-comments.txt"
rc 6 "stream: only comments" -f - -i 1 < "$out/stream-comments.txt"
check "stream: only comments: says so" has err "^netlat: standard input: no snapshot (only comments and blank lines)$"
# '-p -' wrote netlat_up 0 in a loop: at most 100 KB of it read here
{ timeout 10 "$netlat" -f - -i 1 -p - < "$out/stream-comments.txt" 2> "$out/last.err"; echo $? > "$out/stream-rc"; } |
	head -c 100000 > "$out/last.out"
check "stream exporter -p -: only comments: exit 6 ($(cat "$out/stream-rc"))" [ "$(cat "$out/stream-rc")" = 6 ]
check "stream exporter -p -: only comments: one exposition" [ "$(grep -c '^netlat_up 0$' "$out/last.out")" -eq 1 ]
check "stream exporter -p -: only comments: says so" has err "no snapshot (only comments and blank lines)"
head -c 5000000 /dev/zero | timeout 10 "$netlat" -f - -i 1 -p "$out/stream-big.prom" > /dev/null 2> "$out/last.err"
check "stream exporter: 5 MB without an end: exit 6 ($?)" [ $? -eq 6 ]
check "stream exporter: too large: up 0" [ "$(up "$out/stream-big.prom")" = 0 ]
timeout 10 "$netlat" -f - -i 1 -p "$out/stream-cut.prom" < "$out/stream-cut.txt" > /dev/null 2> "$out/last.err"
check "stream exporter: cut short at the end: exit 6 ($?)" [ $? -eq 6 ]
check "stream exporter: cut short: says so" has err "standard input: truncated"
cat "$fix/real-6.12-lo.txt" "$out/stream-comments.txt" |
	timeout 10 "$netlat" -f - -i 1 -p "$out/stream-tail.prom" > /dev/null 2> "$out/last.err"
check "stream exporter: comments after the last snapshot: exit 0 ($?)" [ $? -eq 0 ]
check "stream exporter: comments after it: nothing said" [ ! -s "$out/last.err" ]
# waiting on a pipe that has no data yet: blocked in read, not spinning
# (utime + stime in /proc/PID/stat, in clock ticks), and SIGTERM ends it
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
mkfifo "$out/idle.fifo"
(exec sleep 30) > "$out/idle.fifo" &
feeder=$!
"$netlat" -f - -i 0.01 -p "$out/idle.prom" < "$out/idle.fifo" > /dev/null 2> "$out/last.err" &
pid=$!
i=0
until [ "$(cat "/proc/$pid/comm" 2> /dev/null)" = netlat ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
ticks=$(cpu_ticks $pid)
check "stream exporter: waiting on an empty pipe: blocked ($ticks ticks in 1 s)" [ "${ticks:-999}" -le 10 ]
check "stream exporter: waiting: no file yet" [ ! -e "$out/idle.prom" ]
kill -TERM $pid
i=0
while kill -0 $pid 2> /dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
check "stream exporter: SIGTERM while waiting: promptly" [ $i -lt 20 ]
kill -KILL $pid 2> /dev/null
wait $pid
check "stream exporter: SIGTERM while waiting: exit 0 ($?)" [ $? -eq 0 ]
check "stream exporter: SIGTERM while waiting: up 0" [ "$(up "$out/idle.prom")" = 0 ]
kill $feeder 2> /dev/null
wait $feeder 2> /dev/null

# Ctrl-C while waiting for the next snapshot
mkfifo "$out/stream.fifo"
(cat "$fix/real-6.12-lo.txt"; exec sleep 30) > "$out/stream.fifo" &
feeder=$!
"$netlat" -f - -i 1 < "$out/stream.fifo" > /dev/null 2>&1 &
pid=$!
sleep 0.3
t0=$(date +%s)
for i in $(seq 50); do
	kill -INT $pid 2> /dev/null || break
	sleep 0.2
done
wait $pid
check "stream: SIGINT while reading: exit 0 ($?)" [ $? -eq 0 ]
check "stream: SIGINT: promptly" [ $(($(date +%s) - t0)) -le 10 ]
kill $feeder 2> /dev/null
wait $feeder 2> /dev/null

# Ctrl-C ends watch mode at once, exit 0.  A background job starts with
# SIGINT ignored until netlat installs its handler: a signal that comes
# before that is lost, so it is sent again until netlat is gone, for up to
# 10 s (a busy machine, a sanitizer build), far below the 30 s interval a
# missed signal would wait (and -c 2 ends a run that missed them all).
"$netlat" -f "$fix/real-6.12-lo.txt" -i 30 -c 2 > "$out/int.out" 2>&1 &
pid=$!
sleep 0.3
t0=$(date +%s)
for i in $(seq 50); do
	kill -INT $pid 2> /dev/null || break
	sleep 0.2
done
wait $pid
check "SIGINT: exit 0" [ $? -eq 0 ]
check "SIGINT: promptly" [ $(($(date +%s) - t0)) -le 10 ]

# a signal that comes after the watch loop checked its flag, just before
# it sleeps (signal_before_wait.so raises it there): it ends the sleep, not
# a whole interval later (timeout: a regression fails, it does not hang)
shim=$build/signal_before_wait.so
check "signal_before_wait.so built" [ -f "$shim" ]
for sig in 15:SIGTERM 2:SIGINT; do
	t0=$(date +%s)
	timeout 10 env NL_TEST_SIGNAL=${sig%%:*} LD_PRELOAD="$shim" \
		"$netlat" -f "$fix/real-6.12-lo.txt" -i 30 -c 2 > /dev/null 2> "$out/last.err"
	rc=$?
	check "${sig#*:} just before the sleep: exit 0 ($rc)" [ $rc -eq 0 ]
	check "${sig#*:} just before the sleep: promptly" [ $(($(date +%s) - t0)) -le 5 ]
	check "${sig#*:} just before the sleep: nothing said" [ ! -s "$out/last.err" ]
done

# ---- netlat slow: the slow log, from fixtures (times of day in UTC)
export TZ=UTC
slow=$fix/slow-snapshot.txt
rc 0 "slow: a snapshot" slow "$slow"
check "slow: the table of the golden file" cmp -s "$out/last.out" "$fix/slow-snapshot.table"
check "slow: nothing said" [ ! -s "$out/last.err" ]
rc 0 "slow -f FILE: to its end" slow -f "$slow"
check "slow -f FILE: the same table" cmp -s "$out/last.out" "$fix/slow-snapshot.table"
rc 0 "slow -: standard input" slow - < "$slow"
check "slow -: the same table" cmp -s "$out/last.out" "$fix/slow-snapshot.table"
rc 0 "slow --tx" slow --tx "$slow"
check "slow --tx: the 5 sent" [ "$(grep -c ' -> ' "$out/last.out")" -eq 5 ]
check "slow --tx: none received" sh -c "! grep -q ' <- ' '$out/last.out'"
rc 0 "slow --rx" slow --rx "$slow"
check "slow --rx: the 5 received" [ "$(grep -c ' <- ' "$out/last.out")" -eq 5 ]
rc 0 "slow --tx --rx: both" slow --tx --rx "$slow"
check "slow --tx --rx: all 10" [ "$(grep -c '^06:' "$out/last.out")" -eq 10 ]
rc 0 "slow -m" slow -m --rx "$slow"
check "slow -m: in msecs" has out "^06:32:12.576  tcpgen\[815\]               300ms  rx_tcp_user 100.0%  rx_dev_ip 0.00414ms  rx_ip_tcp 0.00985ms  rx_tcp_user     300ms  192.0.2.1:41250 <- 192.0.2.2:6112$"
# the stream: lost lines, a keyword and names not known, IPv6, an escaped
# name, and its last line cut short
rc 6 "slow: a stream cut short" slow "$fix/slow-stream.txt"
check "stream: its 3 whole records" [ "$(grep -c '^06:' "$out/last.out")" -eq 3 ]
check "stream: 3 lost" has out '^\*\*\* 3 records lost here: the ring was full, dropped before they were read$'
check "stream: 1 lost" has out '^\*\*\* 1 record lost here'
check "stream: IPv6, the name as escaped" has out '^06:33:13.520  my\\040app\[3001\] .* \[2001:db8:2::2\]:8443 <- \[2001:db8:1::1\]:50990$'
check "stream: the cut line by its number" has err "slow-stream.txt:7: cut short (no newline at the end): left out$"
check "stream: nothing else said" [ "$(wc -l < "$out/last.err")" -eq 1 ]
# malformed lines: each said with its number, the good ones shown, exit 6
{ sed -n 1p "$slow"; echo 'slow seq 1 dir up'; sed -n 2p "$slow"; echo 'lost x'; } > "$out/slow-bad.txt"
rc 6 "slow: malformed lines" slow "$out/slow-bad.txt"
check "malformed: line 2, why" has err "slow-bad.txt:2: 'slow' line has no 'time_ns'$"
check "malformed: line 4, why" has err "slow-bad.txt:4: lost: 'x' is not a number"
check "malformed: the good ones shown" [ "$(grep -c '^06:' "$out/last.out")" -eq 2 ]
yes 'slow x' | head -n 25 > "$out/slow-many.txt"
rc 6 "slow: 25 malformed lines" slow "$out/slow-many.txt"
check "25 malformed: the first 10 said" [ "$(grep -c 'slow-many.txt:[0-9]*: ' "$out/last.err")" -eq 10 ]
check "25 malformed: then how many" has err "slow-many.txt: 25 malformed lines left out, the first 10 said above$"
rc 0 "slow: not a slow log" slow "$fix/real-6.12-lo.txt"
check "not a slow log: says so" has err "real-6.12-lo.txt: no records, and [0-9]* lines that are not: is it a slow log?$"
rc 0 "slow: empty" slow "$fix/empty.txt"
check "slow: empty: says so" has err "empty.txt: no records$"
check "slow: empty: no header" [ ! -s "$out/last.out" ]
sed -n 2p "$slow" > "$out/slow-one-rx.txt"
rc 0 "slow --tx: no tx record" slow --tx "$out/slow-one-rx.txt"
check "slow --tx: says so" has err "no tx records (1 of the other direction)$"
rc 1 "slow: no such file" slow "$out/nonexistent.txt"
check "slow: no such file: says so" has err "cannot read .*nonexistent.txt: No such file or directory$"
rc 1 "slow: a directory" slow "$out"
rc 2 "slow: escape in --by" slow --by "x${esc}[1m"
check "slow: --by escaped" grep -qF "not 'x\\x1b[1m'" "$out/last.err"
check "slow: --by: no raw ESC" no_raw

# --json: an object a line, parsed back
rc 0 "slow --json" slow --json "$slow"
check "slow --json: 10 lines" [ "$(wc -l < "$out/last.out")" -eq 10 ]
cp "$out/last.out" "$out/slow.jsonl"
rc 6 "slow --json: the stream" slow --json "$fix/slow-stream.txt"
check "slow --json: {\"lost\":3}" has out '^{"lost":3}$'
cp "$out/last.out" "$out/slow-stream.jsonl"
rc 0 "slow --by port --json" slow --by port --json "$slow"
cp "$out/last.out" "$out/slow-by.jsonl"
if have python3; then
	for f in "$out/slow.jsonl" "$out/slow-stream.jsonl" "$out/slow-by.jsonl" "$build"/slow-*.jsonl; do
		[ -e "$f" ] || continue
		check "$(basename "$f"): each line parses" python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    json.loads(line)
    n += 1
assert n > 0' "$f"
	done
	check "python3: the records' stages add up, the slowest is the largest" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    s = r["stages"]
    total = s.pop(r["direction"] + "_total")
    assert total == r["total_ns"] == sum(s.values()), r
    assert s[r["slowest_stage"]] == max(s.values()), r
    assert r["time"].startswith("2026-12-05T06:3"), r' "$out/slow.jsonl"
fi
if have jq; then
	check "jq: the first record" [ "$(jq -sc '.[0] | [.seq, .direction, .local_port, .remote_addr, .pid, .comm, .cgroup, .cgroup_path, .total_ns, .slowest_stage]' "$out/slow.jsonl")" = '[0,"tx",41234,"192.0.2.2",812,"tcpgen",8123,null,301237946,"tx_ip_dev"]' ]
	check "jq: unknown is null" [ "$(jq -sc '.[5] | [.pid, .comm, .netns, .cgroup, .weight]' "$out/slow.jsonl")" = '[null,null,null,null,2]' ]
	check "jq: the stream's lost lines" [ "$(jq -sc '[.[] | .lost // empty]' "$out/slow-stream.jsonl")" = '[3,1]' ]
	check "jq: --by port" [ "$(jq -sc '.[0] | [.key, .port, .count, .p50_ns, .p99_ns, .max_ns, .slowest_stage]' "$out/slow-by.jsonl")" = '["6105",6105,4,301135521,302908131,302908131,"tx_ip_dev"]' ]
fi

# --by: each key, the orders
rc 0 "slow --by port" slow --by port "$slow"
check "--by port: the header" has out '^PORT    COUNT     P50     P99   WORST  SLOWEST STAGE$'
check "--by port: 6105 first, the service port" [ "$(sed -n 2p "$out/last.out")" = "6105        4   301ms   303ms   303ms  tx_ip_dev" ]
check "--by port: a row a port" [ "$(wc -l < "$out/last.out")" -eq 6 ]
rc 0 "slow --by peer" slow --by peer "$slow"
check "--by peer: IPv6 without brackets" has out '^2001:db8:1::1        2  2.17ms  14.2ms  14.2ms  tx_tcp_ip$'
rc 0 "slow --by process" slow --by process "$slow"
check "--by process: comm[pid]" has out '^tcpgen\[815\]               3   300ms   301ms   301ms  rx_tcp_user$'
check "--by process: unknown" has out '^-                         1  2.92ms'
rc 0 "slow --by cgroup" slow --by cgroup "$slow"
check "--by cgroup: of a file, by id" has out '^8123          7   301ms   303ms   303ms  tx_ip_dev$'
rc 0 "slow --by port --sort count" slow --by port --sort count "$slow"
check "--sort count: 6105, 6112, then the worst" [ "$(awk 'NR > 1 { printf "%s ", $1 }' "$out/last.out")" = "6105 6112 443 6200 6379 " ]
rc 0 "slow --by peer --sort p99" slow --by peer --sort p99 -u "$slow"
check "--sort p99 -u" has out '^192.0.2.2            7   300921us   302908us   302908us  tx_ip_dev$'
rc 6 "slow --by: the stream's lost records" slow --by process "$fix/slow-stream.txt"
check "--by: lost, not counted" has out '^\*\*\* 4 records lost: the ring was full, dropped before they were read; not counted above$'
check "--by: the good records counted" has out '^my\\040app\[3001\]        1  25.1ms'
# cgroup paths: a tree made here stands for /sys/fs/cgroup, its
# directories' inode numbers for the cgroup ids
mkdir -p "$out/cg/nl-slow" "$out/cg/db/main"
sed "s/ cgroup 8123 / cgroup $(stat -c %i "$out/cg/nl-slow") /; s/ cgroup 9001 / cgroup $(stat -c %i "$out/cg/db/main") /" \
	"$slow" > "$out/slow-cg.txt"
rc 0 "slow --by cgroup --cgroup-root" slow --by cgroup --cgroup-root "$out/cg" "$out/slow-cg.txt"
check "--cgroup-root: the paths" [ "$(awk '{ printf "%s %s|", $1, $2 }' "$out/last.out")" = "CGROUP COUNT|/nl-slow 7|/db/main 2|- 1|" ]
if have jq; then
	"$netlat" slow --json --cgroup-root "$out/cg" "$out/slow-cg.txt" > "$out/slow-cg.jsonl"
	check "--json --cgroup-root: cgroup_path" [ "$(jq -sc '[.[0].cgroup_path, .[4].cgroup_path, .[5].cgroup_path]' "$out/slow-cg.jsonl")" = '["/nl-slow","/db/main",null]' ]
fi

# the man page's examples are the fixture's output, row for row
man=$here/../../userspace/netlat.8
sed -n '/^A row per record/,/^\.EE/p' "$man" | grep '^[0-9][0-9]:' > "$out/man-rows.txt"
check "netlat.8: 4 rows of the table" [ "$(wc -l < "$out/man-rows.txt")" -eq 4 ]
check "netlat.8: each a row of the fixture's table" sh -c "grep -vxF -f '$fix/slow-snapshot.table' '$out/man-rows.txt' | { ! grep -q .; }"
sed -n '/^of the ten records:/,/^\.EE/p' "$man" | sed '1,3d;$d' > "$out/man-by.txt"
"$netlat" slow --by port "$slow" > "$out/by-port.txt"
check "netlat.8: --by port as the fixture's" cmp -s "$out/man-by.txt" "$out/by-port.txt"
# the real run they show (tests/guest/slow.sh on 6.12), and README's
real=$fix/slow-guest-6.12.txt
"$netlat" slow "$real" > "$out/real.table"
"$netlat" slow --by port "$real" > "$out/real-by.txt"
sed -n '/^A real run/,/^\.EE/p' "$man" | grep '^[0-9][0-9]:' > "$out/man-real.txt"
check "netlat.8: 2 rows of the real run" [ "$(wc -l < "$out/man-real.txt")" -eq 2 ]
check "netlat.8: each a row of the real run's table" sh -c "grep -vxF -f '$out/real.table' '$out/man-real.txt' | { ! grep -q .; }"
sed -n '/^A real run/,/^\.EE/p' "$man" | grep -A 2 '^PORT' > "$out/man-real-by.txt"
check "netlat.8: the real run's --by port" cmp -s "$out/man-real-by.txt" "$out/real-by.txt"
readme=$here/../../README.md
grep '^16:15:' "$readme" > "$out/readme-rows.txt"
check "README: 2 rows of the real run" [ "$(wc -l < "$out/readme-rows.txt")" -eq 2 ]
check "README: each a row of the real run's table" sh -c "grep -vxF -f '$out/real.table' '$out/readme-rows.txt' | { ! grep -q .; }"
grep -A 2 '^PORT    COUNT' "$readme" > "$out/readme-by.txt"
check "README: the real run's --by port" cmp -s "$out/readme-by.txt" "$out/real-by.txt"
# and docs/tool.md's
doc=$here/../../docs/tool.md
grep '^06:' "$doc" > "$out/doc-rows.txt"
check "tool.md: 4 rows of the table" [ "$(wc -l < "$out/doc-rows.txt")" -eq 4 ]
check "tool.md: each a row of the fixture's table" sh -c "grep -vxF -f '$fix/slow-snapshot.table' '$out/doc-rows.txt' | { ! grep -q .; }"
grep -A 5 '^PORT    COUNT' "$doc" > "$out/doc-by.txt"
check "tool.md: --by port as the fixture's" cmp -s "$out/doc-by.txt" "$out/by-port.txt"
check "tool.md: a record's JSON as the fixture's" [ "$(grep '^{"seq":0,' "$doc")" = "$(head -n 1 "$out/slow.jsonl")" ]
check "tool.md: a group's JSON as the fixture's" [ "$(grep '^{"by":"port",' "$doc")" = "$(head -n 1 "$out/slow-by.jsonl")" ]

# usage errors (exit 2), help
rc 2 "slow --by bogus" slow --by bogus "$slow"
check "--by bogus: says what it takes" has err "netlat slow: --by takes port, peer, process or cgroup, not 'bogus'"
rc 2 "slow --sort without --by" slow --sort p99 "$slow"
rc 2 "slow --sort bogus" slow --by port --sort p50 "$slow"
rc 2 "slow: two inputs" slow "$slow" "$slow"
rc 2 "slow: -i is not its" slow -i 1
rc 2 "slow: two units" slow -n -u "$slow"
rc 2 "slow after an option" -u slow
check "slow after an option: says it comes first" has err "'slow' comes first, its options after it"
rc 0 "slow --help" slow --help
check "slow --help: its usage" has out "^Usage: netlat slow \[OPTION...\] \[FILE\]"
check "slow --help: -f is --follow" has out "\-f, \-\-follow"
check "slow --help: --by port" has out "the lower of the two ports"
rc 0 "--help: slow" --help
check "--help: names slow" has out "netlat slow --help"
if [ ! -e /proc/netlat_slow_snapshot ] && [ ! -e /proc/netlat ]; then
	rc 3 "no module: slow" slow
	check "no module: slow: says so, in one line" [ "$(cat "$out/last.err")" = "netlat: /proc/netlat_slow_snapshot does not exist: the netlat kernel module is not loaded (sudo modprobe netlat, or sudo insmod module/netlat.ko in the source tree)" ]
	rc 3 "no module: slow -f" slow -f
	check "no module: slow -f: the stream's name" has err "^netlat: /proc/netlat_slow does not exist"
	rc 3 "no module: slow --by port --json" slow --by port --json
	check "no module: --by: no output" [ ! -s "$out/last.out" ]
fi

# -f on a FIFO: each record shown as it comes (flushed, not at the end),
# the end of the input ends it
mkfifo "$out/slow.fifo"
(
	sed -n 1,2p "$slow"
	i=0		# until netlat showed the two, for up to 10 s
	while [ "$(grep -c '^06:' "$out/slow-f.out" 2> /dev/null)" != 2 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo 'lost 2'
	sed -n 3p "$slow"
) > "$out/slow.fifo" &
feeder=$!
timeout 20 "$netlat" slow -f "$out/slow.fifo" > "$out/slow-f.out" 2> "$out/last.err"
check "slow -f FIFO: its end ends it, exit 0 ($?)" [ $? -eq 0 ]
wait $feeder
check "slow -f FIFO: each record shown as it came" [ $? -eq 0 ]
check "slow -f FIFO: the header, 3 records and the lost line" \
	[ "$(cut -c 1-12 "$out/slow-f.out" | tr '\n' ' ')" = "TIME         06:32:12.570 06:32:12.576 *** 2 record 06:32:12.873 " ]
check "slow -f FIFO: nothing said" [ ! -s "$out/last.err" ]
# SIGINT and SIGTERM end it at once, exit 0; with --by, the groups of what
# was read.  The feeder keeps the FIFO open; the signals are sent until
# netlat is gone (a background job ignores SIGINT until netlat's handler
# is in), once it has read what the feeder wrote (FIONREAD, python3).
unread() {	# FIFO: bytes written to it and not read yet
	python3 -c '
import fcntl, os, struct, sys, termios
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
print(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0])' "$1"
}
for sig in INT TERM; do
	rm -f "$out/slow-sig.fifo"
	mkfifo "$out/slow-sig.fifo"
	(cat "$slow"; exec sleep 30) > "$out/slow-sig.fifo" &
	feeder=$!
	"$netlat" slow -f --by port "$out/slow-sig.fifo" > "$out/slow-sig.out" 2> "$out/last.err" &
	pid=$!
	i=0
	if have python3; then
		sleep 0.1
		while [ "$(unread "$out/slow-sig.fifo")" != 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	else
		sleep 1
	fi
	t0=$(date +%s)
	for i in $(seq 50); do
		kill -$sig $pid 2> /dev/null || break
		sleep 0.2
	done
	kill -KILL $pid 2> /dev/null
	wait $pid
	check "slow -f --by: SIG$sig: exit 0 ($?)" [ $? -eq 0 ]
	check "slow -f --by: SIG$sig: promptly" [ $(($(date +%s) - t0)) -le 10 ]
	check "slow -f --by: SIG$sig: the groups of what was read" \
		[ "$(sed -n 2p "$out/slow-sig.out")" = "6105        4   301ms   303ms   303ms  tx_ip_dev" ]
	kill $feeder 2> /dev/null
	wait $feeder 2> /dev/null
done
# a flood: input there to read at nearly every wait, a signal ends it all
# the same (test_control checks the wait that lets it in)
line1=$(head -n 1 "$slow")
yes "$line1" | "$netlat" slow -f --by port - > "$out/slow-flood.out" 2> "$out/last.err" &
pid=$!
sleep 0.5
t0=$(date +%s)
for i in $(seq 50); do
	kill -INT $pid 2> /dev/null || break
	sleep 0.2
done
kill -KILL $pid 2> /dev/null	# a regression fails, it does not hang
wait $pid
check "slow -f: SIGINT in a flood: exit 0 ($?)" [ $? -eq 0 ]
check "slow -f: SIGINT in a flood: promptly" [ $(($(date +%s) - t0)) -le 10 ]
check "slow -f: SIGINT in a flood: the group of what was read" grep -q '^6105  *[0-9]*   301ms   301ms   301ms  tx_ip_dev$' "$out/slow-flood.out"
# a signal just before the wait for input (signal_before_wait.so) ends it
rm -f "$out/slow-sig.fifo"
mkfifo "$out/slow-sig.fifo"
(exec sleep 30) > "$out/slow-sig.fifo" &
feeder=$!
t0=$(date +%s)
timeout 10 env NL_TEST_SIGNAL=2 LD_PRELOAD="$shim" \
	"$netlat" slow -f "$out/slow-sig.fifo" > "$out/last.out" 2> "$out/last.err"
rc=$?
check "slow -f: SIGINT just before the wait: exit 0 ($rc)" [ $rc -eq 0 ]
check "slow -f: SIGINT just before the wait: promptly" [ $(($(date +%s) - t0)) -le 5 ]
check "slow -f: SIGINT just before the wait: nothing said" [ ! -s "$out/last.err" ]
kill $feeder 2> /dev/null
wait $feeder 2> /dev/null

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
