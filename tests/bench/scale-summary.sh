#!/bin/sh
# scale-summary.sh RAW KERNEL ACCEL: the scale table from tests/bench/scale.sh's
# raw lines "N A rounds mode ns_per_round_trip tx_samples rx_samples
# round_trips vmalloc_bytes module_bytes table_full pattern".
raw=$1
echo "kernel $2, $3, $(date -u +%Y-%m-%d); loopback, 100-byte messages; netlat at its defaults"
awk '
{ p = $12 == "" ? "turn" : $12; k = $1 SUBSEP $2 SUBSEP p }
$4 == "none" { none[k] = $5 }
$4 == "netlat" { key[++n] = k; line[k] = $0; pat[k] = p }
END {
	printf "%8s %7s %7s %8s %8s %11s %12s %10s %12s %12s %10s\n", "conns", "active", "in", "tx cov", "rx cov", "table_full", "vmalloc MiB", "module KiB", "none ns/rt", "netlat ns/rt", "+ns/msg"
	for (i = 1; i <= n; i++) {
		split(line[key[i]], f, " ")
		msgs = 2 * f[8]
		a = none[key[i]]
		printf "%8d %7d %7s %7.1f%% %7.1f%% %11d %12.1f %10.0f %12.0f %12.0f %10.0f\n", f[1], f[2], pat[key[i]], 100 * f[6] / msgs, 100 * f[7] / msgs, f[11], f[9] / 1048576, f[10] / 1024, a, f[5], a ? (f[5] - a) / 2 : 0
	}
	print "in: turn, one round trip after the other; burst, all requests sent before any is answered"
	print "cov: samples over messages (a round trip is two); +ns/msg: time netlat adds per message"
	if (accel == "icount")
		print "icount: 1 ns is one guest instruction; instruction counts hide cache misses: flat is necessary, not sufficient"
}' accel="$3" "$raw"
