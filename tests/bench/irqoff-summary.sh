#!/bin/sh
# irqoff-summary.sh RAW KERNEL ACCEL ROUNDS SECONDS: the interrupt latency
# table from tests/bench/irqoff.sh's raw lines
# "round mode samples irq_p50 irq_p99 irq_max thread_p99 thread_max".
raw=$1
echo "kernel $2, $3, $(date -u +%Y-%m-%d), $4 round(s) of $5 s per mode; timerlat under network load; medians over rounds"
awk '
function median(key,    n, i, j, t, v) {
	n = cnt[key]
	for (i = 1; i <= n; i++) v[i] = val[key, i]
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{ for (f = 3; f <= 8; f++) { k = $2 SUBSEP f; val[k, ++cnt[k]] = $f } }
END {
	split("samples irq_p50_ns irq_p99_ns irq_max_ns thread_p99_ns thread_max_ns", name, " ")
	printf "%-14s %12s %12s %8s\n", "timerlat", "A none", "B netlat", "B/A"
	for (f = 3; f <= 8; f++) {
		a = median("none" SUBSEP f); b = median("netlat" SUBSEP f)
		printf "%-14s %12.0f %12.0f %8.3f\n", name[f - 2], a, b, a ? b / a : 0
	}
	print "irq: how late the timer interrupt ran (interrupts off on its CPU); thread: how late the timerlat thread woke"
	if (accel == "icount")
		print "icount: guest time counts guest instructions, 1 ns each: every ns figure is a number of instructions"
}' accel="$3" "$raw"
