#!/bin/sh
# The netlat command on a real module: its numbers agree with /proc/netlat
# for the same snapshot (saved, and live with no traffic); 'netlat reset'
# works through debugfs and, with debugfs unmounted, through the module
# parameter; watch mode's interval counts add up to the workload run
# while it watched; collection disabled, the filters, the host and the
# snapshot's wall clock shown; the exporter (-i -p) surviving rmmod and
# insmod; exit codes for "not loaded" and "permission denied".
# Leaves real outputs in $OUT for the README: netlat.txt,
# netlat-watch.txt, netlat.prom.
. "$NETLAT_TREE/tests/guest/lib.sh"

NETLAT=$NETLAT_TREE/userspace/netlat
STAGES="tx_sock_tcp tx_tcp_ip tx_ip_dev tx_total rx_dev_ip rx_ip_tcp rx_tcp_user rx_total"
DEBUGFS=/sys/kernel/debug

# run NAME ARGS...: netlat ARGS, output in $OUT/NAME.out/.err, status in $RC
run() {
	name=$1
	shift
	"$NETLAT" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
	RC=$?
}

# The numbers of a /proc/netlat text ($1), one "what name value" a line.
proc_numbers() {
	awk '$1 == "stage" {
		for (i = 4; i < NF; i += 2) print "stage", $2, $i, $(i + 1) }
	$1 == "counter" { print "counter", $2, $3 }
	$1 == "probe" { print "probe", $2 "/" $3, $6, $8 }' "$1" | sort
}

# The same numbers from a netlat --json report ($1), in /proc's words: an
# empty stage's null mean, min, max and percentiles as the 0 /proc prints,
# a counter group's keys joined with a dot ("total" is the group's own).
json_numbers() {
	if command -v jq > /dev/null; then
		jq -r '(.stages[] | .stage as $n |
			("count", "sum_ns", "min_ns", "max_ns", "p50_ns",
			 "p90_ns", "p99_ns", "p999_ns") as $f |
			"stage \($n) \($f) \(.[$f] // 0)"),
			(.counters | to_entries[] | .key as $k |
			 if (.value | type) == "object" then
				(.value | to_entries[] | select(.value != null) |
				 "counter \(if .key == "total" then $k else "\($k).\(.key)" end) \(.value)")
			 else "counter \($k) \(.value)" end),
			(.probes[] | "probe \(.point)/\(.symbol) \(.hits) \(.missed)")' "$1"
	else
		python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["stages"]:
    for f in ("count", "sum_ns", "min_ns", "max_ns", "p50_ns", "p90_ns",
              "p99_ns", "p999_ns"):
        print("stage", s["stage"], f, 0 if s[f] is None else s[f])
for k, v in d["counters"].items():
    if isinstance(v, dict):
        for sub, x in v.items():
            if x is not None:
                print("counter", k if sub == "total" else k + "." + sub, x)
    else:
        print("counter", k, v)
for p in d["probes"]:
    print("probe", p["point"] + "/" + p["symbol"], p["hits"], p["missed"])
' "$1"
	fi | sort
}

# Sum of stage $2's count over the reports (lines) of $1.
json_sum() {
	if command -v jq > /dev/null; then
		jq -s --arg s "$2" '[.[].stages[] | select(.stage == $s) | .count] | add' "$1"
	else
		python3 -c '
import json, sys
print(sum(s["count"] for l in open(sys.argv[1])
          for s in json.loads(l)["stages"] if s["stage"] == sys.argv[2]))
' "$1" "$2"
	fi
}

# Does netlat agree with the /proc/netlat text $1 (JSON $2)?  A diff if not.
agree() {
	proc_numbers "$1" > "$OUT/agree-proc.txt"
	json_numbers "$2" > "$OUT/agree-json.txt"
	if diff "$OUT/agree-proc.txt" "$OUT/agree-json.txt" > "$OUT/agree.diff" &&
	   [ -s "$OUT/agree-proc.txt" ]; then
		return 0
	fi
	head -n 20 "$OUT/agree.diff"
	return 1
}

all_counts_zero() {
	for s in $STAGES; do
		[ "$(stage "$s" count)" -eq 0 ] || return 1
	done
	[ "$(awk '$1 == "counter" { n += $3 } END { print n + 0 }' $PROC)" -eq 0 ]
}

check "the netlat tool is built (make -C userspace)" [ -x "$NETLAT" ] || { finish; exit 1; }

log "== module not loaded"
run noload
check "not loaded: exit 3 ($RC)" [ "$RC" -eq 3 ]
check "not loaded: says how to load it" grep -q "sudo insmod module/netlat.ko" "$OUT/noload.err"
cat "$OUT/noload.err"
run noload-reset reset
check "not loaded: netlat reset exits 3 ($RC)" [ "$RC" -eq 3 ]
run noload-watch -i 1 -c 1 --json
check "not loaded: netlat -i exits 3 ($RC)" [ "$RC" -eq 3 ]

check "insmod netlat" load_netlat || { finish; exit 1; }

log "== the tool on a saved snapshot agrees with it"
netlat_reset
check "LO: 200 round trips" pingpong "$PATH_LO" 200 100
snapshot cli-snap
F=$OUT/cli-snap.txt
run snap-json -f "$F" --json
check "--file --json: exit 0 ($RC)" [ "$RC" -eq 0 ]
check "--file --json: counts, sums, min, max, percentiles, counters, probes equal the snapshot's" agree "$F" "$OUT/snap-json.out"
run snap-text -f "$F" -n
# the line has the mean after the count: not in /proc/netlat, left out here
sed 's/^\(  count [0-9]*\)  mean [0-9]*ns /\1 /' "$OUT/snap-text.out" > "$OUT/snap-text.pct"
bad=
for s in $STAGES; do
	want=$(awk -v s="$s" '$1 == "stage" && $2 == s {
		printf "  count %s  p50 %sns  p90 %sns  p99 %sns  p99.9 %sns  max %sns\n",
			$5, $13, $15, $17, $19, $11 }' "$F")
	grep -qxF "$want" "$OUT/snap-text.pct" || bad="$bad $s"
done
check "--file -n: the text percentile lines equal the snapshot's${bad:+ (not:$bad)}" [ -z "$bad" ]
unset F

log "== live, with no traffic running"
cat $PROC > "$OUT/live-a.txt"
run live-json --json
cat $PROC > "$OUT/live-b.txt"
check "live --json: exit 0 ($RC)" [ "$RC" -eq 0 ]
grep -v '^time_ns\|^realtime_ns' "$OUT/live-a.txt" > "$OUT/live-a.nt"
grep -v '^time_ns\|^realtime_ns' "$OUT/live-b.txt" > "$OUT/live-b.nt"
check "no traffic: /proc/netlat read twice is the same" cmp -s "$OUT/live-a.nt" "$OUT/live-b.nt"
check "live --json agrees with /proc/netlat" agree "$OUT/live-a.txt" "$OUT/live-json.out"
check "live --json: schema 3, the load_id of /proc/netlat" \
	grep -q "^{\"schema_version\":3,.*\"load_id\":\"$(awk '$1 == "load_id" { print $2 }' "$OUT/live-a.txt")\"," "$OUT/live-json.out"
run netlat
check "live text: exit 0 ($RC)" [ "$RC" -eq 0 ]
check "live text: tx_total histogram" grep -q "^tx_total (tx): " "$OUT/netlat.out"
check "live text: no WARNING on loopback" sh -c "! grep -q WARNING '$OUT/netlat.out'"
cp "$OUT/netlat.out" "$OUT/netlat.txt"
run prom -p "$OUT/netlat.prom"
check "--prometheus: exit 0 ($RC)" [ "$RC" -eq 0 ]
n=$(stage tx_total count)
check "--prometheus: tx_total +Inf bucket = count ($n)" \
	grep -q "stage=\"tx_total\",le=\"+Inf\"} $n\$" "$OUT/netlat.prom"
check "--prometheus: tx samples = tx_timed" \
	grep -q "^netlat_samples_total{direction=\"tx\"} $(counter tx_timed)\$" "$OUT/netlat.prom"
check "--prometheus: no netlat_events_total" sh -c "! grep -q '^netlat_events_total' '$OUT/netlat.prom'"
if command -v promtool > /dev/null; then
	check "promtool check metrics" sh -c "promtool check metrics < '$OUT/netlat.prom'"
fi

log "== permissions"
if command -v setpriv > /dev/null; then
	asuser "$NETLAT" --json > "$OUT/user.out" 2>&1
	rc=$?
	check "a user can read: exit 0 ($rc)" [ $rc -eq 0 ]
	asuser "$NETLAT" reset > "$OUT/user-reset.out" 2>&1
	rc=$?
	cat "$OUT/user-reset.out"
	check "a user cannot reset: exit 4 ($rc)" [ $rc -eq 4 ]
	check "the counts are still there" [ "$(stage tx_total count)" -gt 0 ]
else
	log "no setpriv: permission checks skipped"
fi

log "== netlat reset (debugfs)"
check "traffic counted before the reset" [ "$(stage tx_total count)" -gt 0 ]
run reset reset
cat "$OUT/reset.out" "$OUT/reset.err"
check "netlat reset: exit 0 ($RC)" [ "$RC" -eq 0 ]
check "netlat reset: says it used debugfs" grep -q "wrote $DEBUGFS/netlat/reset" "$OUT/reset.out"
check "netlat reset: every stage count and counter is 0" all_counts_zero
check "netlat reset: probe hits are 0" [ "$(probe_hits tx_tcp_locked)" -eq 0 ]

log "== netlat reset with debugfs unmounted (the module parameter)"
check "LO: 20 round trips" pingpong "$PATH_LO" 20 100
check "traffic counted" [ "$(stage tx_total count)" -gt 0 ]
umount "$DEBUGFS" 2> /dev/null || umount -l "$DEBUGFS"
check "debugfs unmounted" [ ! -e "$DEBUGFS/netlat" ]
run reset-param reset
cat "$OUT/reset-param.out" "$OUT/reset-param.err"
check "fallback reset: exit 0 ($RC)" [ "$RC" -eq 0 ]
check "fallback reset: says it used the module parameter" \
	grep -q "through the module parameter (wrote /sys/module/netlat/parameters/reset" "$OUT/reset-param.out"
check "fallback reset: every stage count and counter is 0" all_counts_zero
mount -t debugfs debugfs "$DEBUGFS"
check "debugfs mounted again" [ -e "$DEBUGFS/netlat/reset" ]

log "== watch mode: the intervals add up to the workload"
N=150
netlat_reset
rm -f "$OUT/watch.prom"
"$NETLAT" -i 1 -c 4 --json -p "$OUT/watch.prom" > "$OUT/watch.json" 2> "$OUT/watch.err" &
wpid=$!
i=0
while [ ! -e "$OUT/watch.prom" ] && [ $i -lt 100 ]; do	# its first read
	sleep 0.1
	i=$((i + 1))
done
check "watch: first snapshot taken" [ -e "$OUT/watch.prom" ]
tx0=$(stage tx_total count)
rx0=$(stage rx_total count)
check "LO: $N round trips while watching" pingpong "$PATH_LO" $N 100
tx1=$(stage tx_total count)
rx1=$(stage rx_total count)
wait $wpid
rc=$?
cat "$OUT/watch.err"
check "watch: exit 0 ($rc)" [ $rc -eq 0 ]
check "watch: 4 reports" [ "$(wc -l < "$OUT/watch.json")" -eq 4 ]
txs=$(json_sum "$OUT/watch.json" tx_total)
rxs=$(json_sum "$OUT/watch.json" rx_total)
log "workload: tx_total $tx0 -> $tx1, rx_total $rx0 -> $rx1; intervals: tx $txs, rx $rxs"
check "watch: tx_total intervals sum to the workload ($txs = $tx1 - $tx0)" [ "$txs" -eq $((tx1 - tx0)) ]
check "watch: rx_total intervals sum to the workload ($rxs = $rx1 - $rx0)" [ "$rxs" -eq $((rx1 - rx0)) ]
check "watch: $N round trips are $((2 * N)) segments each way" \
	[ "$txs" -eq $((2 * N)) -a "$rxs" -eq $((2 * N)) ]
for s in tx_sock_tcp tx_tcp_ip tx_ip_dev; do
	check "watch: $s intervals sum to tx_total's" [ "$(json_sum "$OUT/watch.json" $s)" -eq "$txs" ]
done
check "watch: the Prometheus file has the cumulative count" \
	grep -q "stage=\"tx_total\",le=\"+Inf\"} $tx1\$" "$OUT/watch.prom"

log "== watch mode, text, for the README"
netlat_reset
"$NETLAT" -i 1 -c 3 -T > "$OUT/netlat-watch.txt" 2>&1 &
wpid=$!
sleep 1.3
pingpong "$PATH_LO" 100 100
wait $wpid
rc=$?
check "netlat -i 1 -c 3 -T: exit 0 ($rc)" [ $rc -eq 0 ]
check "netlat -i 1 -c 3 -T: 3 timestamped reports" \
	[ "$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$' "$OUT/netlat-watch.txt")" -eq 3 ]

log "== collection disabled, filters, host and wall clock shown"
if grep -q '^filter ' $PROC; then
	echo 0 > $DEBUGFS/netlat/enable
	run disabled
	check "enable 0: exit 0 ($RC)" [ "$RC" -eq 0 ]
	check "enable 0: the text says DISABLED" \
		grep -q '^collection is DISABLED (enable 0): the numbers are not moving$' "$OUT/disabled.out"
	run disabled-json --json
	check "enable 0: JSON enabled false" grep -q '"enabled":false' "$OUT/disabled-json.out"
	run disabled-prom -p "$OUT/disabled.prom"
	check "enable 0: netlat_enabled 0" grep -qx 'netlat_enabled 0' "$OUT/disabled.prom"
	echo 1 > $DEBUGFS/netlat/enable
	run enabled
	check "enable 1: no DISABLED line" sh -c "! grep -q DISABLED '$OUT/enabled.out'"
	check "defaults: no filters line" sh -c "! grep -q '^filters:' '$OUT/enabled.out'"
	/bin/echo 80,443,8000-8100 > /sys/module/netlat/parameters/ports
	echo 4 > /sys/module/netlat/parameters/family
	run filters
	cat "$OUT/filters.out" | head -n 4
	check "ports= and family=4: the filters line" \
		grep -q '^filters: ports 80,443,8000-8100; family IPv4 (the numbers cover only this traffic)$' "$OUT/filters.out"
	run filters-prom -p "$OUT/filters.prom"
	check "ports=: netlat_filter_info" \
		grep -q '^netlat_filter_info{directions="tx,rx",family="4",netns="all",ports="80,443,8000-8100"} 1$' "$OUT/filters.prom"
	check "ports=: netlat_filter_ports 103" grep -qx 'netlat_filter_ports 103' "$OUT/filters.prom"
	if command -v promtool > /dev/null; then
		check "promtool: the filters" sh -c "promtool check metrics < '$OUT/filters.prom'"
	fi
	/bin/echo all > /sys/module/netlat/parameters/ports
	echo all > /sys/module/netlat/parameters/family
	host=$(cat /proc/sys/kernel/hostname)
	run host
	check "the host name ($host) and the snapshot's date" \
		grep -q "^host $host, snapshot of $(date -u +%Y-%m-%d) " "$OUT/host.out"
	cat $PROC > "$OUT/dated.txt"
	sleep 1.2
	run dated -f "$OUT/dated.txt" --json
	check "a saved snapshot: JSON time is when it was taken, not read" \
		grep -q "\"time\":\"$(awk '$1 == "realtime_ns" { printf "%s", strftime("%Y-%m-%dT%H:%M:%S", int($2 / 1e9), 1) }' "$OUT/dated.txt")\." "$OUT/dated.out"
else
	log "this module prints no filter lines (older than the tool): skipped"
fi

log "== the exporter survives rmmod and insmod"
# wait_up 0|1: up to 10 s for the exporter's file to say netlat_up N
# The exporter writes in the guest's tmpfs: on the results share (9p),
# a read racing its rename once hung the test for good.  Its last file is
# copied there for the record.
EXP=/tmp/exporter
mkdir -p $EXP
wait_up() {
	i=0
	while ! grep -qx "netlat_up $1" "$EXP/exporter.prom" 2> /dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -qx "netlat_up $1" "$EXP/exporter.prom"
}
regular() { [ -f "$EXP/exporter.prom" ] && [ ! -L "$EXP/exporter.prom" ]; }
rm -f "$EXP/exporter.prom"
"$NETLAT" -i 1 -p "$EXP/exporter.prom" > "$OUT/exporter.out" 2> "$OUT/exporter.err" &
epid=$!
check "exporter: netlat_up 1" wait_up 1
check "exporter: the histograms" grep -q '^netlat_stage_latency_seconds_count{direction="tx",stage="tx_total"} ' "$EXP/exporter.prom"
check "exporter: a regular file" regular
check "rmmod netlat under the exporter" unload_netlat
check "exporter: module gone: netlat_up 0" wait_up 0
check "exporter: no stale histograms" sh -c "! grep -q '^netlat_stage' '$EXP/exporter.prom'"
check "exporter: the last success time kept" grep -q '^netlat_last_success_timestamp_seconds [1-9]' "$EXP/exporter.prom"
check "exporter: still a regular file" regular
sleep 1.5
check "exporter: still running" kill -0 $epid
check "insmod netlat again" load_netlat
check "exporter: module back: netlat_up 1" wait_up 1
check "exporter: a regular file after" regular
check "LO: 20 round trips" pingpong "$PATH_LO" 20 100
n=$(stage tx_total count)
i=0
while ! grep -q "^netlat_stage_latency_seconds_count{direction=\"tx\",stage=\"tx_total\"} $n\$" "$EXP/exporter.prom" && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "exporter: the new module's count ($n)" \
	grep -q "^netlat_stage_latency_seconds_count{direction=\"tx\",stage=\"tx_total\"} $n\$" "$EXP/exporter.prom"
check "exporter: still running after the reload" kill -0 $epid
kill -TERM $epid
wait $epid
rc=$?
cat "$OUT/exporter.err"
check "exporter: SIGTERM: exit 0 ($rc)" [ $rc -eq 0 ]
check "exporter: stopped: netlat_up 0" grep -qx 'netlat_up 0' "$EXP/exporter.prom"
check "exporter: no temporary file left" [ -z "$(ls -A "$EXP" | grep '^\.exporter')" ]
if command -v promtool > /dev/null; then
	check "promtool: the exporter's last file" sh -c "promtool check metrics < '$EXP/exporter.prom'"
fi
cp "$EXP/exporter.prom" "$OUT/"

log "== the module goes away while watching"
"$NETLAT" -i 0.5 -c 20 > "$OUT/gone.out" 2> "$OUT/gone.err" &
wpid=$!
sleep 1
check "rmmod netlat" unload_netlat
wait $wpid
rc=$?
check "watch: module unloaded -> exit 3 ($rc)" [ $rc -eq 3 ]
cat "$OUT/gone.err"
run after reset
check "after rmmod: netlat reset exits 3 ($RC)" [ "$RC" -eq 3 ]
check_dmesg
finish
