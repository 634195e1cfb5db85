#!/bin/sh
# overhead-summary.sh RAW KERNEL ACCEL ROUNDS SECONDS: the benchmark table from the
# raw lines "round mode workload rate hits [kept]" (kept: the connections
# sample=100 kept, on the sampled mode's lines).
raw=$1
echo "kernel $2, $3, $(date -u +%Y-%m-%d), $4 round(s) of $5 s per workload and mode; medians"
awk '
function median(key,    n, i, j, t, v) {
	n = cnt[key]
	for (i = 1; i <= n; i++) v[i] = val[key, i]
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{ k = $2 SUBSEP $3; val[k, ++cnt[k]] = $4; if ($2 == "netlat") { hits[$3] += $5; rate[$3] += $4 } ; if ($2 == "sampled") { shits += $5; srate += $4; kept[cnt[k]] = $6 } ; w[$3] = 1 }
END {
	printf "%-10s %12s %12s %12s %12s %6s %6s %6s %10s %10s %10s %8s %9s %9s\n", "workload", "A none", "B netlat", "C bpftrace", "D dispatch", "B/A", "C/A", "D/A", "B +ns/op", "C +ns/op", "D +ns/op", "hits/op", "ns/hit B", "ns/hit D"
	n = split("rr-lo rr-veth bulk-lo bulk-veth rr-many", ws, " ")
	for (i = 1; i <= n; i++) {
		x = ws[i]
		if (!((("none" SUBSEP x) in cnt))) continue
		a = median("none" SUBSEP x)
		b = ("netlat" SUBSEP x) in cnt ? median("netlat" SUBSEP x) : 0
		c = ("bpftrace" SUBSEP x) in cnt ? median("bpftrace" SUBSEP x) : 0
		d = ("dispatch" SUBSEP x) in cnt ? median("dispatch" SUBSEP x) : 0
		# per operation: a transaction (rr) or a 64 KiB write (bulk)
		unit = x ~ /^rr/ ? 1 : 65536
		addb = b ? 1e9 * unit / b - 1e9 * unit / a : 0
		addc = c ? 1e9 * unit / c - 1e9 * unit / a : 0
		addd = d ? 1e9 * unit / d - 1e9 * unit / a : 0
		# hits per operation: probe hits over the operations of the netlat runs
		ops = x ~ /^rr/ ? rate[x] : rate[x] / 65536
		hpo = ops ? hits[x] / (ops * secs) : 0
		# rr-many runs a fixed number of round trips: 100 x int(300 x secs)
		if (x == "rr-many")
			hpo = hits[x] / (cnt["netlat" SUBSEP x] * 100 * int(300 * secs))
		printf "%-10s %12.0f %12.0f %12.0f %12.0f %6.3f %6.3f %6.3f %10.0f %10.0f %10.0f %8.1f %9.0f %9.0f\n", x, a, b, c, d, b / a, c ? c / a : 0, d ? d / a : 0, addb, addc, addd, hpo, hpo ? addb / hpo : 0, hpo ? addd / hpo : 0
	}
	if (("sampled" SUBSEP "rr-many") in cnt && ("none" SUBSEP "rr-many") in cnt) {
		a = median("none" SUBSEP "rr-many")
		s = median("sampled" SUBSEP "rr-many")
		d = ("dispatch" SUBSEP "rr-many") in cnt ? median("dispatch" SUBSEP "rr-many") : 0
		hpo = shits / (cnt["sampled" SUBSEP "rr-many"] * 100 * int(300 * secs))
		printf "rr-many sample=100: S %.0f tps, S/A %.3f, D/A %.3f, S/A - D/A %.3f, S +ns/op %.0f, hits/op %.1f\n", s, s / a, d ? d / a : 0, d ? (s - d) / a : 0, 1e9 / s - 1e9 / a, hpo
		# which connections are kept is the seed of each load: a round each
		printf "rr-many sample=100, per round (a seed each): connections kept, S/A - D/A:"
		for (i = 1; i <= cnt["sampled" SUBSEP "rr-many"]; i++)
			printf " %s %.3f%s", kept[i], d ? (val["sampled" SUBSEP "rr-many", i] - d) / a : 0, i < cnt["sampled" SUBSEP "rr-many"] ? "," : "\n"
	}
	print "rr-many: 100 loopback connections taking turns, both ends in one process; S: netlat with sample=100"
	print "rates: rr in transactions/s, bulk in bytes/s; +ns/op: time added per transaction (rr) or per 64 KiB written (bulk);"
	print "hits/op: netlat probe hits per operation; ns/hit: +ns/op over hits/op (B: netlat, D: kprobe dispatch alone)"
	if (accel == "icount")
		print "icount: guest time counts guest instructions, 1 ns each: every ns figure is a number of instructions"
}' secs="$5" accel="$3" "$raw"
