#!/bin/sh
# profile-summary.sh RAW KERNEL ACCEL ROUNDS SECONDS: where netlat's own
# instructions go, per handler and per section of it (bench.sh -p), from
# the raw lines "round mode workload rate hits" of RAW and the instrumented
# build's debugfs profile saved beside it per round and workload
# (profile-ROUND-WORKLOAD.txt; module/profile.c says what each figure is).
raw=$1
dir=$(dirname "$raw")
echo "kernel $2, $3, $(date -u +%Y-%m-%d), $4 round(s) of $5 s per workload and mode; instrumented build (NETLAT_PROFILE=1)"
# shellcheck disable=SC2016
awk '
function median(key,    n, i, j, t, v) {
	n = cnt[key]
	for (i = 1; i <= n; i++) v[i] = val[key, i]
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function per_op(rate, x) { return rate ? 1e9 * (x ~ /^rr/ ? 1 : 65536) / rate : 0 }
FNR == 1 { file++ }
# the raw lines
file == 1 {
	k = $2 SUBSEP $3; val[k, ++cnt[k]] = $4
	unit = $3 ~ /^rr/ ? 1 : 65536
	if ($2 == "netlat") { nhits[$3] += $5; nops[$3] += $4 * secs / unit }
	if ($2 == "profile") pops[$3] += $4 * secs / unit
	next
}
# a profile file: its workload is in its name
FNR == 1 { w = FILENAME; sub(/.*profile-[0-9]+-/, "", w); sub(/\.txt$/, "", w); seen[w] = 1 }
$1 == "calib" && file == 2 {
	if ($2 == "clock") clk = clk (clk ? ", " : "") $3 " " $4
	else cal[$2] = $3
}
$1 == "handler" {
	p = $2 " " $3
	if (!((w, p) in calls)) order[w, ++np[w]] = p
	calls[w, p] += $5; intr[w, p] += $7; cyc[w, p] += $9
}
$1 == "section" { scyc[w, $2 " " $3, $4] += $8 }
END {
	printf "calibration at load (minimum of 64 runs, cycles of get_cycles(); under icount 1 cycle = 1 instruction): %s cycles per us of ktime_get_ns()\n", cal["cycles_per_us"]
	printf "  a clock read: %s\n", clk
	printf "  subtracted: an empty section reads %s; a timed section adds %s to its handler'"'"'s total; a handler call %s besides its irq section (which reads %s empty, less two empty sections); 100 nops timed read %s\n", cal["section_zero"], cal["section_outer"], cal["handler_zero"], cal["irq_empty"], cal["nop100"]
	ns = split("irq clock filter parse slot lock lookup rec bin", sec, " ")
	nw = split("rr-lo rr-veth bulk-lo bulk-veth", ws, " ")
	for (i = 1; i <= nw; i++) {
		x = ws[i]
		if (!(x in seen) || !pops[x]) continue
		a = ("none" SUBSEP x) in cnt ? median("none" SUBSEP x) : 0
		b = ("netlat" SUBSEP x) in cnt ? median("netlat" SUBSEP x) : 0
		d = ("dispatch" SUBSEP x) in cnt ? median("dispatch" SUBSEP x) : 0
		pr = ("profile" SUBSEP x) in cnt ? median("profile" SUBSEP x) : 0
		hpo = nops[x] ? nhits[x] / nops[x] : 0
		printf "\n%s: none %.0f %s; per %s: netlat +%.0f (B/A %.3f), dispatch alone +%.0f (%.0f per hit at %.1f hits), netlat'"'"'s own work (B - D) %.0f, instrumented build +%.0f\n", x, a, x ~ /^rr/ ? "tps" : "bytes/s", x ~ /^rr/ ? "transaction" : "64 KiB written", per_op(b, x) - per_op(a, x), a ? b / a : 0, per_op(d, x) - per_op(a, x), hpo ? (per_op(d, x) - per_op(a, x)) / hpo : 0, hpo, per_op(b, x) - per_op(d, x), per_op(pr, x) - per_op(a, x)
		printf "%-16s %-24s %7s %7s %8s", "point", "symbol", "hits/op", "ins/hit", "ins/op"
		for (s = 1; s <= ns; s++) printf " %6s", sec[s]
		printf " %6s   (sections: instructions per hit)\n", "other"
		tot = 0; thits = 0
		for (s = 1; s <= ns + 1; s++) stot[s] = 0
		for (j = 1; j <= np[x]; j++) {
			p = order[x, j]
			hits = calls[x, p] + intr[x, p]
			if (!hits) continue
			split(p, pp, " ")
			h = calls[x, p] ? cyc[x, p] / calls[x, p] : 0
			hop = hits / pops[x]
			printf "%-16s %-24s %7.2f %7.0f %8.0f", pp[1], pp[2], hop, h, h * hop
			rest = h
			for (s = 1; s <= ns; s++) {
				# the irq section is timed in calls no interrupt ran in only
				v = scyc[x, p, sec[s]] / (sec[s] == "irq" ? (calls[x, p] ? calls[x, p] : 1) : hits)
				rest -= v
				stot[s] += v * hop
				printf " %6.0f", v
			}
			stot[ns + 1] += rest * hop
			printf " %6.0f\n", rest
			tot += h * hop; thits += hop
		}
		printf "%-16s %-24s %7.2f %7.0f %8.0f", "all", "(instructions per op)", thits, thits ? tot / thits : 0, tot
		for (s = 1; s <= ns + 1; s++) printf " %6.0f", stot[s]
		printf "\n%-16s %-24s %7s %7s %8s", "share", "", "", "", ""
		for (s = 1; s <= ns + 1; s++) printf " %5.1f%%", tot ? 100 * stot[s] / tot : 0
		printf "\nthe handlers sum to %.0f instructions per op, %.0f%% of the normal build'"'"'s B - D (with its default parameters)\n", tot, b && d && per_op(b, x) - per_op(d, x) ? 100 * tot / (per_op(b, x) - per_op(d, x)) : 0
	}
	print ""
	print "hits/op: hits per transaction (rr) or per 64 KiB written (bulk) in the instrumented run; ins/hit: instructions a handler call"
	print "takes, first line to interrupts on again, the measurement subtracted; sections: irq (the enabled check, irq save and"
	print "restore), clock (netlat'"'"'s timestamp reads), filter (family, netns, ports, socket state, sampling, thinning), parse"
	print "(packet headers), slot (per-CPU receive slots), lock (a bucket lock taken or released), lookup (socket table entry"
	print "found, made, marked idle), rec (records from and to the pool, list moves), bin (a sample binned), other (the rest:"
	print "pairing, counters, the hit count); B, D: the normal build, netlat and its dispatch alone; A: no tracing"
}' secs="$5" "$raw" "$dir"/profile-*-*.txt
