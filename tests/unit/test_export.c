// SPDX-License-Identifier: GPL-2.0
/*
 * The outputs: text (BCC layout, percentile line, warnings), JSON (exact
 * fields; written to OUTDIR for run.sh to parse back with python3/jq) and
 * Prometheus (the exposition rules of prom_check.h, exact values, the
 * atomic write; also written to OUTDIR for promtool).
 *
 * usage: test_export [FIXTURE_DIR [OUTDIR]]
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"
#include "prom_check.h"
#include "report.h"
#include "stats.h"

static struct nl_snapshot snap, prev, delta;
static struct nl_error err;
static const char *outdir = "build";

static struct nl_opts opts(unsigned int stages, enum nl_unit unit)
{
	struct nl_opts o = {
		.stages = stages,
		.unit = unit,
		.now = { .tv_sec = 1767225600, .tv_nsec = 123456789 },
	};

	return o;
}

enum kind { TEXT, JSON, PROM };

/* The output as a malloc'ed string. */
static char *render(enum kind k, const struct nl_snapshot *s,
		    const struct nl_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (k == TEXT)
		nl_print_text(f, s, o);
	else if (k == JSON)
		nl_print_json(f, s, o);
	else
		nl_print_prometheus(f, s, o);
	fclose(f);
	return buf;
}

static void save(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
}

static void test_fmt(void)
{
	char b[32];

	CHECK_STR(nl_fmt_ns(b, sizeof(b), 0, NL_UNIT_AUTO), "0ns");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 999, NL_UNIT_AUTO), "999ns");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 1000, NL_UNIT_AUTO), "1.00us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 1776, NL_UNIT_AUTO), "1.78us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 9994, NL_UNIT_AUTO), "9.99us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 9995, NL_UNIT_AUTO), "10.0us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 13824, NL_UNIT_AUTO), "13.8us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 296917, NL_UNIT_AUTO), "297us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 999499, NL_UNIT_AUTO), "999us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 999500, NL_UNIT_AUTO), "1.00ms");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 1374384, NL_UNIT_AUTO), "1.37ms");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 5000000000ull, NL_UNIT_AUTO),
		  "5.00s");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 1234567890123ull, NL_UNIT_AUTO),
		  "1235s");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 1776, NL_UNIT_NS), "1776ns");
	/* a fixed unit: three significant digits, down to 1 ns */
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 1776, NL_UNIT_US), "1.78us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 1776, NL_UNIT_MS), "0.00178ms");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 7735213, NL_UNIT_MS), "7.74ms");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 7735213, NL_UNIT_US), "7735us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 7735213, NL_UNIT_NS), "7735213ns");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 17, NL_UNIT_US), "0.017us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 1, NL_UNIT_MS), "0.000001ms");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 0, NL_UNIT_MS), "0ms");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 99949, NL_UNIT_US), "99.9us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), 99950, NL_UNIT_US), "100us");
	CHECK_STR(nl_fmt_ns(b, sizeof(b), UINT64_MAX, NL_UNIT_MS),
		  "18446744073710ms");
	/* a percentile in the overflow bucket: beyond its low bound */
	CHECK_STR(nl_fmt_pct(b, sizeof(b), (1ull << 36) - 1, NL_UNIT_MS),
		  "68719ms");
	CHECK_STR(nl_fmt_pct(b, sizeof(b), 1ull << 36, NL_UNIT_MS),
		  ">68719ms");
	CHECK_STR(nl_fmt_pct(b, sizeof(b), 9223372036854775807ull,
			     NL_UNIT_US), ">68719477us");
	CHECK_STR(nl_fmt_pct(b, sizeof(b), UINT64_MAX, NL_UNIT_NS),
		  ">68719476736ns");
	CHECK_STR(nl_fmt_pct(b, sizeof(b), 1ull << 40, NL_UNIT_AUTO),
		  ">68.7s");
	CHECK_STR(nl_fmt_pct(b, sizeof(b), 1776, NL_UNIT_US), "1.78us");
}

/* One unit per report, from the largest p99 of the stages shown. */
static void test_unit(void)
{
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);
	CHECK_U64(nl_report_unit(&snap, NL_ALL_STAGES), NL_UNIT_US);
	/* rx_dev_ip alone: p99 7.94 us */
	CHECK_U64(nl_report_unit(&snap, 1u << NETLAT_RX_DEV_IP), NL_UNIT_NS);
	CHECK_U64(parse_fixture("real-6.12-nic.txt", &snap, &err), NL_OK);
	CHECK_U64(nl_report_unit(&snap, NL_ALL_STAGES), NL_UNIT_US);
	CHECK_U64(parse_fixture("minimal.txt", &snap, &err), NL_OK);
	CHECK_U64(nl_report_unit(&snap, 1u << NETLAT_TX_TCP_IP), NL_UNIT_NS);
	CHECK_U64(nl_report_unit(&snap, NL_ALL_STAGES), NL_UNIT_US);
	/* only empty stages: no unit yet */
	CHECK_U64(nl_report_unit(&snap, 1u << NETLAT_RX_TOTAL), NL_UNIT_AUTO);
	snap.stage[NETLAT_TX_TOTAL].max_ns = 200000000;
	snap.stage[NETLAT_TX_TOTAL].bucket[netlat_bucket(70000)]--;
	snap.stage[NETLAT_TX_TOTAL].bucket[netlat_bucket(200000000)]++;
	CHECK_U64(nl_report_unit(&snap, NL_ALL_STAGES), NL_UNIT_MS);
	CHECK_U64(parse_fixture("huge.txt", &snap, &err), NL_OK);
	CHECK_U64(nl_report_unit(&snap, NL_ALL_STAGES), NL_UNIT_MS);
}

static void test_text(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char *t;

	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);
	t = render(TEXT, &snap, &o);
	save("real-6.12-lo.text", t);
	CHECK_HAS(t, "netlat 0.1.0 on 6.12.117+deb12-amd64: since load or "
		  "reset, 0 of 1024 socket slots in use\n");
	CHECK_HAS(t, "\ntx_sock_tcp (tx): send call enters the socket layer "
		  "-> TCP takes it\n"
		  "     usecs               : count    distribution\n"
		  "         0 -> 1          : 480      "
		  "|****************************************|\n"
		  "         2 -> 3          : 149      "
		  "|************                            |\n");
	CHECK_HAS(t, "      1024 -> 2047       : 2        "
		  "|                                        |\n"
		  "  count 661  mean 6.65us  p50 1.78us  p90 2.70us  "
		  "p99 13.8us  p99.9 1374us  max 1406us\n");
	/* one unit for every stage: the largest p99 is 3.54 ms */
	CHECK_LACKS(t, "nsecs");
	CHECK_LACKS(t, "msecs");
	CHECK_LACKS(t, "ns ");
	CHECK_LACKS(t, "ms ");
	CHECK_LACKS(t, "ns\n");
	CHECK_LACKS(t, "ms\n");
	CHECK_HAS(t, "\ntx_tcp_ip (tx): TCP takes the bytes -> their segment "
		  "reaches IP\n     usecs               : count    "
		  "distribution\n         8 -> 15         : 536      |");
	CHECK_HAS(t, "  count 662  mean 296us  p50 63.7us  p90 442us  "
		  "p99 3539us  p99.9 7874us  max 7885us\n");
	/* a module without the IPv4/IPv6 split: none shown */
	CHECK_HAS(t, "coverage tx: 661 of 661 data segments timed (100.0%)\n"
		  "coverage rx: 662 of 662 data skbs timed (100.0%)\n");
	CHECK_LACKS(t, "IPv4");
	CHECK_LACKS(t, "ipv4");
	/* zero counters are not listed (JSON and Prometheus have them) */
	CHECK_HAS(t, "\nnot timed: none\nother counters:\n"
		  "   tx_data_segments 661  rx_data_skbs 662  "
		  "rx_gro_segments 662\n   sockets_purged 4\n");
	CHECK_LACKS(t, "unmatched");
	CHECK_LACKS(t, "negative_delta");
	CHECK_LACKS(t, "probes_missed");
	CHECK_LACKS(t, "tx_incomplete");
	CHECK_LACKS(t, "WARNING");
	CHECK_LACKS(t, "max<=");
	free(t);

	/* forced units; one stage only; timestamp */
	o = opts(1u << NETLAT_TX_SOCK_TCP, NL_UNIT_US);
	o.timestamp = 1;
	t = render(TEXT, &snap, &o);
	CHECK(t[2] == ':' && t[5] == ':' && t[8] == '\n');
	CHECK_HAS(t, "     usecs               : count    distribution\n"
		  "         0 -> 1          : 480      |");
	CHECK_HAS(t, "  count 661  mean 6.65us  p50 1.78us  p90 2.70us  "
		  "p99 13.8us  p99.9 1374us  max 1406us\n");
	CHECK_LACKS(t, "tx_tcp_ip (tx)");
	CHECK_LACKS(t, "rx_total");
	CHECK_LACKS(t, "coverage rx");
	CHECK_HAS(t, "coverage tx:");
	free(t);
	o = opts(1u << NETLAT_RX_TOTAL, NL_UNIT_NS);
	CHECK_STR(snap.counter[0].name, "tx_incomplete");
	CHECK_STR(snap.counter[9].name, "rx_incomplete");
	snap.counter[0].value = 1;
	snap.counter[9].value = 2;
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "     nsecs               : count    distribution\n"
		  "     32768 -> 65535      : 416      |");
	CHECK_HAS(t, "p50 63652ns");
	CHECK_LACKS(t, "tx_incomplete");
	CHECK_HAS(t, "\nnot timed:\n   rx_incomplete 2\n");
	CHECK_HAS(t, "WARNING: 2 events were not timed (rx_incomplete 2)");
	snap.counter[0].value = 0;
	snap.counter[9].value = 0;
	free(t);
	o = opts(1u << NETLAT_RX_TOTAL, NL_UNIT_MS);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "     msecs               : count    distribution\n"
		  "         0 -> 1          : 627      |");
	free(t);

	/* non-zero coverage counters: a WARNING line naming them */
	CHECK_U64(parse_fixture("warnings.txt", &snap, &err), NL_OK);
	o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "WARNING: 15 events were not timed (tx_tcp_ip."
		  "unmatched_start 10, ring_full 3, probes_missed 2): the "
		  "histograms miss part of the traffic\n");
	CHECK_HAS(t, "coverage tx: 4 of 20 data segments timed (20.0%)\n");
	CHECK_LACKS(t, "coverage rx");		/* no rx skbs seen */
	CHECK_HAS(t, "\nrx_total (rx): device layer -> copied to the "
		  "application\n  no samples\n");
	free(t);
	/* --rx: the tx counters and their warning are not shown */
	o = opts(1u << NETLAT_RX_TOTAL, NL_UNIT_AUTO);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "WARNING: 5 events were not timed (ring_full 3, "
		  "probes_missed 2)");
	free(t);
	/* -s: a stage's own counters only with it, tx's with any tx stage */
	o = opts(1u << NETLAT_TX_TOTAL, NL_UNIT_AUTO);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "\ncoverage tx: 4 of 20 data segments timed (20.0%)\n"
		  "not timed:\n   ring_full 3\nother counters:\n"
		  "   tx_data_segments 20  sockets_purged 1\n"
		  "WARNING: 3 events were not timed (ring_full 3): ");
	CHECK_LACKS(t, "unmatched");
	free(t);
	o = opts(1u << NETLAT_TX_TCP_IP, NL_UNIT_AUTO);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "not timed:\n   tx_tcp_ip.unmatched_start 10  "
		  "ring_full 3\n");
	free(t);

	/* tiny values and the overflow row */
	CHECK_U64(parse_fixture("minimal.txt", &snap, &err), NL_OK);
	o = opts(1u << NETLAT_TX_TCP_IP, NL_UNIT_AUTO);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "         4 -> 7          : 1        |********************"
		  "                    |\n"
		  "         8 -> 15         : 1        |");
	CHECK_HAS(t, "        16 -> 31         : 2        |*****************"
		  "***********************|\n"
		  "  count 4  mean 13ns  p50 15ns  p90 17ns  p99 17ns  "
		  "p99.9 17ns  max 17ns\n");
	free(t);
	CHECK_U64(parse_fixture("huge.txt", &snap, &err), NL_OK);
	o = opts(1u << NETLAT_RX_TOTAL, NL_UNIT_NS);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "      nsecs                : count    distribution\n"
		  "          0 -> 1           : 1        |********************"
		  "                    |\n"
		  "68719476736 -> inf         : 2        |*****************");
	CHECK_HAS(t, "  count 3  mean 56239825579ns  p50 >68719476736ns  "
		  "p90 >68719476736ns  p99 >68719476736ns  "
		  "p99.9 >68719476736ns  max 100000000000ns\n");
	free(t);
	/*
	 * Percentiles in the overflow bucket are beyond its low bound (no
	 * upper bound to interpolate to: not "9223372037s"); the maximum is
	 * the one the module saw, exact.
	 */
	o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "  count 2  mean 9223372036855ms  p50 68719ms  "
		  "p90 >68719ms  p99 >68719ms  p99.9 >68719ms  "
		  "max 18446744004990ms\n");
	CHECK_HAS(t, "  count 3  mean 56240ms  p50 >68719ms  p90 >68719ms  "
		  "p99 >68719ms  p99.9 >68719ms  max 100000ms\n");
	CHECK_LACKS(t, "9223372037");
	free(t);
}

static void test_text_delta(void)
{
	struct nl_opts o = opts(1u << NETLAT_TX_SOCK_TCP, NL_UNIT_AUTO);
	char *t;

	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	snap = prev;
	snap.time_ns += 1000000000;
	snap.stage[NETLAT_TX_SOCK_TCP].count++;
	snap.stage[NETLAT_TX_SOCK_TCP].sum_ns += 5000;
	snap.stage[NETLAT_TX_SOCK_TCP].bucket[netlat_bucket(5000)]++;
	nl_delta(&prev, &snap, &delta);
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "netlat 0.1.0 on 6.12.117+deb12-amd64: the last 1.000 s\n");
	CHECK_HAS(t, "      4096 -> 8191       : 1        |*****");
	/* the unit from this report's data: its p99 is below 10 us */
	CHECK_HAS(t, "     nsecs               : count    distribution\n");
	CHECK_HAS(t, "  count 1  mean 5000ns  p50 4864ns  p90 4864ns  "
		  "p99 4864ns  p99.9 4864ns  max<=5119ns\n");
	free(t);
	/* watch mode passes the unit of its first interval with data */
	o.unit = NL_UNIT_US;
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "  count 1  mean 5.00us  p50 4.86us  p90 4.86us  "
		  "p99 4.86us  p99.9 4.86us  max<=5.12us\n");
	o.unit = NL_UNIT_AUTO;
	CHECK_LACKS(t, "NOTE");
	free(t);
	o.stages = NL_ALL_STAGES;
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "\nrx_total (rx): no samples\n");
	CHECK_LACKS(t, "coverage tx");	/* no data segments counted */
	CHECK_HAS(t, "\nnot timed: none\nother counters: none\n");
	free(t);
	nl_delta(&prev, &prev, &delta);		/* nothing happened */
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "the last 0.000 s\n\nno samples in this interval\n\n"
		  "not timed: none\nother counters: none\n");
	free(t);
	snap.counter[3].value += 2;		/* tx_tcp_ip.unmatched_start */
	snap.counter[8].value += 1;		/* tx_data_segments */
	snap.probe[1].missed += 4;
	nl_delta(&prev, &snap, &delta);
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "coverage tx: 0 of 1 data segments timed (0.0%)\n"
		  "not timed:\n   tx_tcp_ip.unmatched_start 2  probes_missed 4\n"
		  "other counters:\n   tx_data_segments 1\n"
		  "WARNING: 6 events were not timed (tx_tcp_ip.unmatched_start "
		  "2, probes_missed 4)");
	free(t);
	/* -s: the stage's own counter only with it */
	o.stages = 1u << NETLAT_TX_TOTAL;
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "coverage tx: 0 of 1 data segments timed (0.0%)\n"
		  "not timed:\n   probes_missed 4\n");
	CHECK_LACKS(t, "unmatched");
	free(t);
	o.stages = 1u << NETLAT_TX_TCP_IP | 1u << NETLAT_RX_TOTAL;
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "WARNING: 6 events were not timed (tx_tcp_ip."
		  "unmatched_start 2, probes_missed 4)");
	free(t);
	o.stages = 1u << NETLAT_RX_TOTAL;
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "\nnot timed: none\nother counters: none\n");
	CHECK_LACKS(t, "coverage tx");
	CHECK_LACKS(t, "WARNING");
	free(t);
	o.stages = NL_ALL_STAGES;
	nl_delta(&snap, &prev, &delta);		/* went down: a reset */
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "NOTE: the statistics were reset in this interval");
	free(t);
}

/* -S: a line a stage in the report's unit, then the coverage. */
static void test_summary(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char *t;

	o.summary = 1;
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);
	t = render(TEXT, &snap, &o);
	save("real-6.12-lo.summary", t);
	CHECK_HAS(t, "in use\n\n"
		  "usecs             count      mean       p50       p90       "
		  "p99     p99.9       max\n"
		  "tx_sock_tcp         661      6.65      1.78      2.70      "
		  "13.8      1374      1406\n"
		  "tx_tcp_ip           661       104      12.1      63.5      "
		  "2753      7522      7703\n");
	CHECK_HAS(t, "\nrx_total            662       296      63.7       442"
		  "      3539      7874      7885\n\n"
		  "coverage tx: 661 of 661 data segments timed (100.0%)\n"
		  "coverage rx: 662 of 662 data skbs timed (100.0%)\n");
	CHECK_LACKS(t, "distribution");
	CHECK_LACKS(t, "not timed");
	CHECK_LACKS(t, "other counters");
	free(t);

	/* -s and -n: the stages chosen, in nanoseconds */
	o = opts(1u << NETLAT_RX_DEV_IP | 1u << NETLAT_TX_SOCK_TCP,
		 NL_UNIT_NS);
	o.summary = 1;
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "\nnsecs             count      mean       p50       p90"
		  "       p99     p99.9       max\n"
		  "tx_sock_tcp         661      6654      1776      2700     "
		  "13824   1374384   1406216\n"
		  "rx_dev_ip           662      1625      1409      1725      "
		  "7936     31020     31319\n\n");
	CHECK_LACKS(t, "tx_total");
	free(t);

	/* the warning line stays; empty stages are dashes */
	CHECK_U64(parse_fixture("warnings.txt", &snap, &err), NL_OK);
	o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	o.summary = 1;
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "\nrx_total              0         -         -         -"
		  "         -         -         -\n");
	CHECK_HAS(t, "\ncoverage tx: 4 of 20 data segments timed (20.0%)\n"
		  "WARNING: 15 events were not timed");
	free(t);
	/* -s: the warning of the stages shown */
	o.stages = 1u << NETLAT_TX_TOTAL;
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "\ncoverage tx: 4 of 20 data segments timed (20.0%)\n"
		  "WARNING: 3 events were not timed (ring_full 3): ");
	free(t);
	o.stages = 1u << NETLAT_TX_TCP_IP;
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "WARNING: 13 events were not timed (tx_tcp_ip."
		  "unmatched_start 10, ring_full 3): ");
	free(t);
	o.stages = NL_ALL_STAGES;

	/* the overflow bucket */
	CHECK_U64(parse_fixture("huge.txt", &snap, &err), NL_OK);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "\nmsecs             count");
	CHECK_HAS(t, "\nrx_total              3     56240    >68719    >68719"
		  "    >68719    >68719    100000\n");
	free(t);

	/* an interval: a bounded maximum; none at all */
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	snap = prev;
	snap.time_ns += 1000000000;
	snap.stage[NETLAT_TX_SOCK_TCP].count++;
	snap.stage[NETLAT_TX_SOCK_TCP].sum_ns += 5000;
	snap.stage[NETLAT_TX_SOCK_TCP].bucket[netlat_bucket(5000)]++;
	nl_delta(&prev, &snap, &delta);
	o = opts(NL_ALL_STAGES, NL_UNIT_US);
	o.summary = 1;
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "the last 1.000 s\n\nusecs ");
	CHECK_HAS(t, "\ntx_sock_tcp           1      5.00      4.86      4.86"
		  "      4.86      4.86    <=5.12\ntx_tcp_ip             0 ");
	free(t);
	nl_delta(&prev, &prev, &delta);
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "the last 0.000 s\n\nno samples in this interval\n");
	CHECK_LACKS(t, "usecs");
	free(t);
}

/* The IPv4/IPv6 split of the data units: on the coverage lines only. */
static void test_text_family(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char *t;

	CHECK_U64(parse_fixture("current-6.12-dual.txt", &snap, &err), NL_OK);
	t = render(TEXT, &snap, &o);
	save("current-6.12-dual.text", t);
	CHECK_HAS(t, "\n\ncoverage tx: 625 of 625 data segments timed "
		  "(100.0%); IPv4 400, IPv6 225\n"
		  "coverage rx: 644 of 645 data skbs timed (99.8%); "
		  "IPv4 412, IPv6 233\nnot timed: none\n");
	CHECK_HAS(t, "other counters:\n   tx_retransmit_segments 1  "
		  "tx_data_segments 625  rx_duplicate_segments 1\n"
		  "   rx_data_skbs 645  rx_gro_segments 644  "
		  "sockets_purged 4\n");
	CHECK_LACKS(t, "expired");
	CHECK_LACKS(t, "sockets_reused");
	CHECK_LACKS(t, ".ipv4");
	CHECK_LACKS(t, ".ipv6");
	CHECK_LACKS(t, "WARNING");
	CHECK_LACKS(t, "_timed");
	CHECK_LACKS(t, "thinned:");
	free(t);

	/*
	 * Thinning: the total's count is a weight, the samples timed are
	 * fewer; the thinned are listed, and are no warning.
	 */
	prev = snap;
	CHECK_U64(parse_fixture("current-6.12-thinning.txt", &snap, &err),
		  NL_OK);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "\n\ncoverage tx: 500 of 625 data segments timed "
		  "(80.0%); IPv4 400, IPv6 225\n");
	CHECK_HAS(t, "tx_thinned 125");
	CHECK_HAS(t, "\nthinned: 125 units left out at random while the "
		  "record pool was filling; the histograms weight the samples "
		  "kept to stand for them\n");
	CHECK_LACKS(t, "WARNING");
	free(t);
	snap = prev;

	/* --rx: the rx line and its split only */
	o = opts(1u << NETLAT_RX_TOTAL, NL_UNIT_AUTO);
	t = render(TEXT, &snap, &o);
	CHECK_LACKS(t, "coverage tx");
	CHECK_HAS(t, "coverage rx: 644 of 645 data skbs timed (99.8%); "
		  "IPv4 412, IPv6 233\n");
	CHECK_LACKS(t, ".ipv");
	free(t);

	/* a delta: the split of the interval, not of the totals */
	prev = snap;
	snap.time_ns += 1000000000;
	snap.stage[NETLAT_TX_TOTAL].count++;
	snap.stage[NETLAT_TX_TOTAL].sum_ns += 20000;
	snap.stage[NETLAT_TX_TOTAL].bucket[netlat_bucket(20000)]++;
	snap.counter[6].value += 3;		/* tx_data_segments */
	snap.counter[25].value += 1;		/* tx_data_segments.ipv4 */
	snap.counter[26].value += 2;		/* tx_data_segments.ipv6 */
	snap.counter[5].value += 2;		/* tx_retransmit_segments */
	nl_delta(&prev, &snap, &delta);
	o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, "\ncoverage tx: 1 of 3 data segments timed (33.3%); "
		  "IPv4 1, IPv6 2\nnot timed: none\nother counters:\n"
		  "   tx_retransmit_segments 2  tx_data_segments 3\n");
	CHECK_LACKS(t, "coverage rx");		/* no skbs in the interval */
	CHECK_LACKS(t, ".ipv");
	free(t);

	/* half a split (rx_data_skbs.ipv6 missing): no rx split */
	CHECK_U64(parse_fixture("current-6.12-dual.txt", &snap, &err), NL_OK);
	snap.nr_counters--;
	o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "(100.0%); IPv4 400, IPv6 225\n");
	CHECK_HAS(t, "coverage rx: 644 of 645 data skbs timed (99.8%)\n");
	CHECK_LACKS(t, ".ipv");
	free(t);
}

static void test_json(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char *j, name[64];
	unsigned int i, f;
	static const char *const files[] = {
		"real-6.12-lo.txt", "real-6.1-nic.txt", "minimal.txt",
		"huge.txt", "warnings.txt", "future.txt",
		"current-6.12-dual.txt",
	};

	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);
	j = render(JSON, &snap, &o);
	CHECK(j[0] == '{');
	CHECK(strchr(j, '\n') == j + strlen(j) - 1);	/* one line */
	CHECK_HAS(j, "{\"schema_version\":3,\"format\":1,\"tool\":\"0.1.0\","
		  "\"module\":\"0.1.0\","
		  "\"kernel\":\"6.12.117+deb12-amd64\","
		  "\"time\":\"2026-01-01T00:00:00.123Z\","
		  "\"time_ns\":19332915175,\"interval_s\":null,"
		  "\"realtime_ns\":null,\"load_id\":null,\"resets\":null,"
		  "\"hostname\":null,\"enabled\":null,"
		  "\"filters\":null,\"reset\":false,\"reset_reason\":null,"
		  "\"sockets\":0,\"socket_capacity\":1024,\"records\":null,"
		  "\"record_capacity\":null,\"thinning_level\":null,"
		  "\"stages\":[");
	CHECK_HAS(j, "{\"stage\":\"tx_sock_tcp\",\"direction\":\"tx\","
		  "\"count\":661,\"sum_ns\":4398211,\"mean_ns\":6654,"
		  "\"min_ns\":1420,\"max_ns\":1406216,"
		  "\"minmax_exact\":true,\"p50_ns\":1776,\"p90_ns\":2700,"
		  "\"p99_ns\":13824,\"p999_ns\":1374384,\"buckets\":"
		  "[[1408,1536,26],[1536,1664,138],");
	CHECK_HAS(j, "[1310720,1441792,2]]}");
	CHECK_HAS(j, "\"counters\":{\"tx_incomplete\":0,");
	CHECK_HAS(j, "\"sockets_purged\":4},\"probes\":[{\"point\":\"tx_sock\","
		  "\"symbol\":\"security_socket_sendmsg\",\"mode\":\"ftrace\","
		  "\"hits\":631,\"missed\":0},");
	CHECK_HAS(j, "\"probes_missed\":0,\"coverage\":{\"tx\":1.0000,"
		  "\"rx\":1.0000}}\n");
	free(j);

	/*
	 * -s: the stages and the counters that go with them: the stage's
	 * own, its direction's, those of neither; the coverage of its
	 * direction
	 */
	o.stages = 1u << NETLAT_RX_IP_TCP;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"stages\":[{\"stage\":\"rx_ip_tcp\"");
	CHECK_LACKS(j, "\"tx_sock_tcp\",\"direction\"");
	CHECK_HAS(j, "\"counters\":{\"rx_incomplete\":0,"
		  "\"rx_ip_tcp\":{\"unmatched_start\":0,\"unmatched_end\":0},"
		  "\"rx_duplicate_segments\":0,\"rx_data_skbs\":{\"total\":662,"
		  "\"ipv4\":null,\"ipv6\":null},\"rx_gro_segments\":662,"
		  "\"negative_delta\":0,\"table_full\":0,\"ring_full\":0,"
		  "\"expired\":0,\"sockets_purged\":4},\"probes\":[");
	CHECK_LACKS(j, "\"rx_tcp_user\":");
	CHECK_HAS(j, "\"coverage\":{\"rx\":1.0000}}\n");
	free(j);
	o.stages = 1u << NETLAT_TX_SOCK_TCP | 1u << NETLAT_TX_IP_DEV;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"counters\":{\"tx_incomplete\":0,\"tx_sock_tcp\":"
		  "{\"unmatched_start\":0,\"unmatched_end\":0},\"tx_ip_dev\":"
		  "{\"unmatched_start\":0,\"unmatched_end\":0},"
		  "\"tx_retransmit_segments\":0,\"tx_data_segments\":"
		  "{\"total\":661,\"ipv4\":null,\"ipv6\":null},"
		  "\"negative_delta\":0,\"table_full\":0,\"ring_full\":0,"
		  "\"expired\":0,\"sockets_purged\":4},\"probes\":[");
	CHECK_HAS(j, "\"coverage\":{\"tx\":1.0000}}\n");
	free(j);

	/*
	 * -s, --tx, --rx: the probes of the direction shown, and those of
	 * both (sock_destroy, sock_disconnect); probes_missed of those, as
	 * the text's
	 */
	CHECK_U64(parse_fixture("current-6.12-dual.txt", &snap, &err), NL_OK);
	o.stages = 1u << NETLAT_RX_TCP_USER | 1u << NETLAT_RX_TOTAL;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"probes\":[{\"point\":\"sock_destroy\",\"symbol\":"
		  "\"tcp:tcp_destroy_sock\",\"mode\":\"tracepoint\",\"hits\":6,"
		  "\"missed\":0},{\"point\":\"sock_disconnect\",");
	CHECK_HAS(j, "\"missed\":0},{\"point\":\"rx_dev\",");
	CHECK_HAS(j, "{\"point\":\"rx_user\",\"symbol\":\"__tcp_cleanup_rbuf\","
		  "\"mode\":\"ftrace\",\"hits\":1235,\"missed\":0}],"
		  "\"probes_missed\":0,");
	CHECK_LACKS(j, "\"point\":\"tx_");
	free(j);
	o.stages = 1u << NETLAT_TX_IP_DEV;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "{\"point\":\"tx_dev\",\"symbol\":"
		  "\"net:net_dev_start_xmit\",\"mode\":\"tracepoint\","
		  "\"hits\":681,\"missed\":0}],\"probes_missed\":0,");
	CHECK_HAS(j, "\"point\":\"sock_disconnect\"");
	CHECK_LACKS(j, "\"point\":\"rx_");
	free(j);
	CHECK_U64(parse_fixture("warnings.txt", &snap, &err), NL_OK);
	o.stages = 1u << NETLAT_TX_TOTAL;	/* rx_sock's 2 missed left out */
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"probes\":[{\"point\":\"tx_sock\",\"symbol\":"
		  "\"security_socket_sendmsg\",\"mode\":\"ftrace\","
		  "\"hits\":10,\"missed\":0},{\"point\":\"sock_destroy\","
		  "\"symbol\":\"tcp_v4_destroy_sock\",\"mode\":\"ftrace\","
		  "\"hits\":1,\"missed\":0}],\"probes_missed\":0,");
	free(j);
	o.stages = 1u << NETLAT_RX_TOTAL;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"probes\":[{\"point\":\"rx_sock\",");
	CHECK_HAS(j, "\"probes_missed\":2,");
	free(j);
	o.stages = NL_ALL_STAGES;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"probes\":[{\"point\":\"tx_sock\",");
	CHECK_HAS(j, "\"probes_missed\":2,");
	free(j);
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);

	/* counters of a group nested, no dots in keys */
	o.stages = NL_ALL_STAGES;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"tx_sock_tcp\":{\"unmatched_start\":0,"
		  "\"unmatched_end\":0},");
	CHECK_HAS(j, "\"tx_ip_dev\":{\"unmatched_start\":0,"
		  "\"unmatched_end\":0},");
	CHECK_LACKS(strstr(j, "\"counters\""), ".unmatched");
	/* a total without the split: ipv4 and ipv6 null */
	CHECK_HAS(j, "\"tx_data_segments\":{\"total\":661,\"ipv4\":null,"
		  "\"ipv6\":null}");
	free(j);

	/* the IPv4/IPv6 split: with the total, in its object */
	CHECK_U64(parse_fixture("current-6.12-dual.txt", &snap, &err), NL_OK);
	o.stages = NL_ALL_STAGES;
	j = render(JSON, &snap, &o);
	CHECK(strchr(j, '\n') == j + strlen(j) - 1);	/* one line */
	CHECK_HAS(j, "\"tx_data_segments\":{\"total\":625,\"ipv4\":400,"
		  "\"ipv6\":225},");
	CHECK_HAS(j, "\"rx_data_skbs\":{\"total\":645,\"ipv4\":412,"
		  "\"ipv6\":233},");
	CHECK_HAS(j, "\"rx_dropped_before_socket\":0},\"probes\":[");
	CHECK_LACKS(j, ".ipv4");
	CHECK_HAS(j, "\"coverage\":{\"tx\":1.0000,\"rx\":0.9984}}\n");
	free(j);

	/* the overflow bucket has no upper bound: null */
	CHECK_U64(parse_fixture("huge.txt", &snap, &err), NL_OK);
	o.stages = NL_ALL_STAGES;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"buckets\":[[1,2,1],[68719476736,null,2]]");
	CHECK_HAS(j, "\"sum_ns\":18446744073709551615");
	CHECK_HAS(j, "\"coverage\":{\"tx\":null,\"rx\":null}");
	free(j);

	/* a delta */
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	snap = prev;
	snap.time_ns += 2500000000ull;
	snap.stage[NETLAT_TX_TOTAL].count++;
	snap.stage[NETLAT_TX_TOTAL].sum_ns += 20000;
	snap.stage[NETLAT_TX_TOTAL].bucket[netlat_bucket(20000)]++;
	nl_delta(&prev, &snap, &delta);
	j = render(JSON, &delta, &o);
	CHECK_HAS(j, "\"interval_s\":2.500000,\"realtime_ns\":null,");
	CHECK_HAS(j, "\"filters\":null,\"reset\":false,");
	CHECK_HAS(j, "{\"stage\":\"tx_total\",\"direction\":\"tx\","
		  "\"count\":1,\"sum_ns\":20000,\"mean_ns\":20000,"
		  "\"min_ns\":18432,\"max_ns\":20479,\"minmax_exact\":false,");
	CHECK_HAS(j, "\"buckets\":[[18432,20480,1]]");
	/* an empty stage: no mean, min, max or percentiles (null, not 0) */
	CHECK_HAS(j, "{\"stage\":\"rx_total\",\"direction\":\"rx\","
		  "\"count\":0,\"sum_ns\":0,\"mean_ns\":null,\"min_ns\":null,"
		  "\"max_ns\":null,\"minmax_exact\":true,"
		  "\"p50_ns\":null,\"p90_ns\":null,\"p99_ns\":null,"
		  "\"p999_ns\":null,\"buckets\":[]}");
	save("delta.json", j);
	free(j);

	/* every fixture, for run.sh to parse back with python3 and jq */
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		CHECK_U64(parse_fixture(files[f], &snap, &err), NL_OK);
		j = render(JSON, &snap, &o);
		i = (unsigned int)(strlen(files[f]) - strlen(".txt"));
		snprintf(name, sizeof(name), "%.*s.json", (int)i, files[f]);
		save(name, j);
		free(j);
	}
}

/* load_id, resets, the record pool and thinning; why an interval restarted */
static void test_json_load(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char *j;

	CHECK_U64(parse_fixture("current-6.12-load-a.txt", &prev, &err), NL_OK);
	j = render(JSON, &prev, &o);
	CHECK_HAS(j, "\"load_id\":\"3f2a9c0d11e4b786\",\"resets\":0,");
	free(j);
	CHECK_U64(parse_fixture("current-6.12-load-b.txt", &snap, &err), NL_OK);
	nl_delta(&prev, &snap, &delta);
	j = render(JSON, &delta, &o);
	CHECK_HAS(j, "\"load_id\":\"c70e51a2948bd603\",");
	CHECK_HAS(j, "\"reset\":true,\"reset_reason\":\"reload\",");
	free(j);
	snap.load_id = prev.load_id;
	snap.resets = 3;
	nl_delta(&prev, &snap, &delta);
	j = render(JSON, &delta, &o);
	CHECK_HAS(j, "\"resets\":3,");
	CHECK_HAS(j, "\"reset\":true,\"reset_reason\":\"reset\",");
	free(j);
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	CHECK_U64(parse_fixture("minimal.txt", &snap, &err), NL_OK);
	nl_delta(&prev, &snap, &delta);
	j = render(JSON, &delta, &o);
	CHECK_HAS(j, "\"reset\":true,\"reset_reason\":\"numbers_down\",");
	free(j);

	/* a newer module's names, quotes and backslashes escaped */
	CHECK_U64(parse_fixture("minimal.txt", &snap, &err), NL_OK);
	strcpy(snap.counter[snap.nr_counters].name, "rx_\"q\\.a\"b");
	snap.counter[snap.nr_counters++].value = 5;
	strcpy(snap.counter[snap.nr_counters].name, "new_one");
	snap.counter[snap.nr_counters++].value = 6;
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, ",\"rx_\\\"q\\\\\":{\"a\\\"b\":5},\"new_one\":6},");
	free(j);

	CHECK_U64(parse_fixture("current-6.12-thinning.txt", &snap, &err),
		  NL_OK);
	j = render(JSON, &snap, &o);
	CHECK_HAS(j, "\"sockets\":0,\"socket_capacity\":1024,\"records\":0,"
		  "\"record_capacity\":8192,\"thinning_level\":1,");
	free(j);
}

static void test_prom_checker(void)
{
	static const char *const bad[] = {
		"x_total 1\n",
		"# HELP x_total h\n# TYPE x_total counter\nx_total 1 1700000000\n",
		"# HELP x h\n# TYPE x counter\nx 1\n",
		"# HELP x_total h\n# TYPE x_total counter\nx_total -1\n",
		"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
		"h_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\n"
		"h_count 2\n",
		"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"2\"} 1\n"
		"h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\n"
		"h_count 1\n",
		"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
		"h_sum 1\nh_count 1\n",
		"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
		"h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
		"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\n"
		"h_count 2\n",
		"# HELP g h\n# TYPE g gauge\ng{a=\"x\"} 1\ng{a=\"x\"} 2\n",
		"# HELP g h\n# TYPE g gauge\ng{a=\"x\\t\"} 1\n",
		"# TYPE g gauge\ng 1\n",
		"# HELP g h\n# TYPE g gauge\ng 1",
	};
	char why[256];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!prom_check(bad[i], why, sizeof(why))) {
			t_fail++;
			fprintf(stderr, "FAIL: prom_check accepted: %s\n",
				bad[i]);
		} else {
			t_pass++;
		}
	CHECK(!prom_check("# HELP h h\n# TYPE h histogram\n"
			  "h_bucket{a=\"1\",le=\"1\"} 1\n"
			  "h_bucket{a=\"1\",le=\"+Inf\"} 2\n"
			  "h_sum{a=\"1\"} 1\nh_count{a=\"1\"} 2\n",
			  why, sizeof(why)));
}

/* The cumulative bucket of @st at le = @le_ns, by brute force. */
static uint64_t cum_at(const struct nl_stage *st, uint64_t le_ns)
{
	uint64_t n = 0;
	unsigned int b;

	for (b = 0; b < NETLAT_HIST_OVERFLOW; b++)
		if (netlat_bucket_hi(b) <= le_ns)
			n += st->bucket[b];
	return n;
}

/*
 * The samples, the untimed units by reason and the data units add up;
 * the pool, thinning, load_id and resets; a counter this tool does not
 * know.
 */
static void test_prom_counters(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char why[256], *p;

	CHECK_U64(parse_fixture("current-6.12-thinning.txt", &snap, &err),
		  NL_OK);
	p = render(PROM, &snap, &o);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_HAS(p, "# TYPE netlat_samples_total counter\n"
		  "netlat_samples_total{direction=\"tx\"} 500\n"
		  "netlat_samples_total{direction=\"rx\"} 644\n");
	/* tx: 625 units = 500 timed + 125 thinned */
	CHECK_HAS(p, "netlat_data_units_total{direction=\"tx\",family=\"ipv4\"} 400\n"
		  "netlat_data_units_total{direction=\"tx\",family=\"ipv6\"} 225\n");
	CHECK_HAS(p, "netlat_untimed_total{direction=\"tx\",reason=\"thinned\"} 125\n");
	CHECK_LACKS(p, "reason=\"timed\"");
	CHECK_HAS(p, "# TYPE netlat_records gauge\nnetlat_records 0\n");
	CHECK_HAS(p, "# TYPE netlat_record_capacity gauge\n"
		  "netlat_record_capacity 8192\n");
	CHECK_HAS(p, "# TYPE netlat_thinning_level gauge\n"
		  "netlat_thinning_level 1\n");
	free(p);

	CHECK_U64(parse_fixture("current-6.12-load-a.txt", &snap, &err), NL_OK);
	p = render(PROM, &snap, &o);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_HAS(p, "hostname=\"db-3\",load_id=\"3f2a9c0d11e4b786\","
		  "format=\"1\"} 1\n");
	CHECK_HAS(p, "# TYPE netlat_resets_total counter\n"
		  "netlat_resets_total 0\n");
	free(p);

	/* a newer module's counter: by name, in a metric of its own */
	CHECK_U64(parse_fixture("minimal.txt", &snap, &err), NL_OK);
	strcpy(snap.counter[snap.nr_counters].name, "tx_new.thing");
	snap.counter[snap.nr_counters++].value = 7;
	p = render(PROM, &snap, &o);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_HAS(p, "# TYPE netlat_other_events_total counter\n"
		  "netlat_other_events_total{counter=\"tx_new.thing\"} 7\n");
	free(p);
}

static void test_prometheus(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	static const char *const files[] = {
		"real-6.12-lo.txt", "real-6.12-nic.txt", "real-6.12-veth.txt",
		"real-6.1-lo.txt", "real-6.1-nic.txt", "real-6.1-veth.txt",
		"minimal.txt", "huge.txt", "warnings.txt", "future.txt",
		"current-6.12-lo.txt", "current-6.12-dual.txt",
	};
	char *p, why[256], line[256];
	unsigned int f, e;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		CHECK_U64(parse_fixture(files[f], &snap, &err), NL_OK);
		p = render(PROM, &snap, &o);
		if (prom_check(p, why, sizeof(why))) {
			t_fail++;
			fprintf(stderr, "FAIL: %s: %s\n", files[f], why);
		} else {
			t_pass++;
		}
		free(p);
	}
	/* narrowed to a few stages, and a delta-free zero snapshot */
	o.stages = 1u << NETLAT_TX_TOTAL | 1u << NETLAT_RX_TOTAL;
	p = render(PROM, &snap, &o);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_LACKS(p, "stage=\"tx_sock_tcp\"");
	free(p);

	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);
	o.stages = NL_ALL_STAGES;
	p = render(PROM, &snap, &o);
	save("real-6.12-lo.prom", p);
	CHECK_HAS(p, "# HELP netlat_stage_latency_seconds ");
	CHECK_HAS(p, "# TYPE netlat_stage_latency_seconds histogram\n"
		  "netlat_stage_latency_seconds_bucket{direction=\"tx\","
		  "stage=\"tx_sock_tcp\",le=\"0.000000128\"} 0\n");
	CHECK_HAS(p, "netlat_stage_latency_seconds_bucket{direction=\"tx\","
		  "stage=\"tx_sock_tcp\",le=\"0.000002048\"} 480\n");
	CHECK_HAS(p, "netlat_stage_latency_seconds_bucket{direction=\"tx\","
		  "stage=\"tx_sock_tcp\",le=\"68.719476736\"} 661\n"
		  "netlat_stage_latency_seconds_bucket{direction=\"tx\","
		  "stage=\"tx_sock_tcp\",le=\"+Inf\"} 661\n"
		  "netlat_stage_latency_seconds_sum{direction=\"tx\","
		  "stage=\"tx_sock_tcp\"} 0.004398211\n"
		  "netlat_stage_latency_seconds_count{direction=\"tx\","
		  "stage=\"tx_sock_tcp\"} 661\n");
	CHECK_HAS(p, "netlat_stage_latency_seconds_sum{direction=\"rx\","
		  "stage=\"rx_total\"} 0.196087834\n");
	/* every bucket line against a brute-force cumulative count */
	for (e = 7; e <= 36; e++) {
		char le[32];
		uint64_t ns = 1ull << e;

		snprintf(le, sizeof(le), "%" PRIu64 ".%09" PRIu64,
			 ns / 1000000000, ns % 1000000000);
		while (le[strlen(le) - 1] == '0')
			le[strlen(le) - 1] = '\0';
		snprintf(line, sizeof(line), "netlat_stage_latency_seconds_"
			 "bucket{direction=\"rx\",stage=\"rx_tcp_user\","
			 "le=\"%s\"} %" PRIu64 "\n", le,
			 cum_at(&snap.stage[NETLAT_RX_TCP_USER], ns));
		CHECK_HAS(p, line);
	}
	/* each counter in the metric of what it counts; no dots */
	CHECK_LACKS(p, "netlat_events_total");
	CHECK_HAS(p, "# TYPE netlat_untimed_total counter\n"
		  "netlat_untimed_total{direction=\"tx\",reason=\"incomplete\"} 0\n"
		  "netlat_untimed_total{direction=\"tx\","
		  "reason=\"sock_tcp_unmatched_start\"} 0\n");
	CHECK_HAS(p, "netlat_untimed_total{direction=\"rx\","
		  "reason=\"tcp_user_unmatched_end\"} 0\n"
		  "netlat_untimed_total{direction=\"rx\","
		  "reason=\"duplicate_segments\"} 0\n");
	CHECK_HAS(p, "netlat_untimed_total{reason=\"negative_delta\"} 0\n"
		  "netlat_untimed_total{reason=\"table_full\"} 0\n"
		  "netlat_untimed_total{reason=\"ring_full\"} 0\n");
	CHECK_LACKS(p, "reason=\"retransmit");
	CHECK_LACKS(p, "reason=\"sockets_purged");
	CHECK_HAS(p, "# TYPE netlat_tx_retransmit_segments_total counter\n"
		  "netlat_tx_retransmit_segments_total 0\n");
	CHECK_HAS(p, "# TYPE netlat_rx_gro_segments_total counter\n"
		  "netlat_rx_gro_segments_total 662\n");
	CHECK_HAS(p, "# TYPE netlat_sockets_expired_total counter\n"
		  "netlat_sockets_expired_total 0\n");
	CHECK_HAS(p, "# TYPE netlat_sockets_purged_total counter\n"
		  "netlat_sockets_purged_total 4\n");
	CHECK_LACKS(p, "netlat_samples_total");	/* not printed */
	CHECK_LACKS(p, "netlat_other_events_total");
	CHECK_LACKS(p, "netlat_records");
	CHECK_LACKS(p, "netlat_thinning_level");
	CHECK_LACKS(p, "netlat_resets_total");
	CHECK_LACKS(p, "load_id");
	CHECK_HAS(p, "# TYPE netlat_probe_hits_total counter\n"
		  "netlat_probe_hits_total{point=\"tx_sock\",symbol=\"security_"
		  "socket_sendmsg\",mode=\"ftrace\"} 631\n");
	CHECK_HAS(p, "netlat_probe_missed_total{point=\"rx_dev\",symbol=\"__"
		  "netif_receive_skb_core.constprop.0\",mode=\"ftrace\"} 0\n");
	CHECK_HAS(p, "netlat_info{module=\"0.1.0\",kernel=\"6.12.117+deb12-"
		  "amd64\",format=\"1\"} 1\n");
	CHECK_HAS(p, "netlat_socket_capacity 1024\n");
	/* no split: the totals, family "all" */
	CHECK_HAS(p, "# TYPE netlat_data_units_total counter\n"
		  "netlat_data_units_total{direction=\"tx\",family=\"all\"} 661\n"
		  "netlat_data_units_total{direction=\"rx\",family=\"all\"} 662\n");
	free(p);

	/* the IPv4/IPv6 split: by family, the totals their sum */
	CHECK_U64(parse_fixture("current-6.12-dual.txt", &snap, &err), NL_OK);
	p = render(PROM, &snap, &o);
	save("current-6.12-dual.prom", p);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_HAS(p, "# HELP netlat_data_units_total Data units netlat saw (tx: new "
		  "data segments sent, rx: data skbs given to a socket), by IP "
		  "family (all: not split).\n"
		  "# TYPE netlat_data_units_total counter\n"
		  "netlat_data_units_total{direction=\"tx\",family=\"ipv4\"} "
		  "400\n"
		  "netlat_data_units_total{direction=\"tx\",family=\"ipv6\"} "
		  "225\n"
		  "netlat_data_units_total{direction=\"rx\",family=\"ipv4\"} "
		  "412\n"
		  "netlat_data_units_total{direction=\"rx\",family=\"ipv6\"} "
		  "233\n"
		  "# HELP netlat_untimed_total ");
	CHECK_LACKS(p, "family=\"all\"");
	CHECK_LACKS(p, ".ipv4");
	CHECK_HAS(p, "netlat_untimed_total{direction=\"rx\","
		  "reason=\"fastopen_data\"} 0\n");
	CHECK_HAS(p, "netlat_rx_dropped_before_socket_total 0\n");
	CHECK_HAS(p, "netlat_tx_calls_without_tcp_total 0\n");
	CHECK_HAS(p, "netlat_sockets_reused_total 0\n");
	free(p);
	/*
	 * -s narrows the counters too: tx_total brings tx's, not its other
	 * stages' own nor rx's; those of no direction stay
	 */
	o.stages = 1u << NETLAT_TX_TOTAL;
	p = render(PROM, &snap, &o);
	save("current-6.12-dual-tx_total.prom", p);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_HAS(p, "# TYPE netlat_data_units_total counter\n"
		  "netlat_data_units_total{direction=\"tx\",family=\"ipv4\"} 400\n"
		  "netlat_data_units_total{direction=\"tx\",family=\"ipv6\"} 225\n"
		  "# HELP netlat_untimed_total ");
	CHECK_HAS(p, "# TYPE netlat_untimed_total counter\n"
		  "netlat_untimed_total{direction=\"tx\",reason=\"incomplete\"} 0\n"
		  "netlat_untimed_total{reason=\"negative_delta\"} 0\n"
		  "netlat_untimed_total{reason=\"table_full\"} 0\n"
		  "netlat_untimed_total{reason=\"ring_full\"} 0\n"
		  "netlat_untimed_total{direction=\"tx\",reason=\"interleaved\"} 0\n"
		  "# HELP netlat_tx_retransmit_segments_total ");
	CHECK_HAS(p, "netlat_tx_calls_without_tcp_total 0\n");
	CHECK_HAS(p, "netlat_sockets_purged_total 4\n");
	CHECK_HAS(p, "netlat_sockets_reused_total 0\n");
	CHECK_LACKS(p, "direction=\"rx\"");
	CHECK_LACKS(p, "unmatched");
	CHECK_LACKS(p, "netlat_rx_");
	free(p);
	/* the rx stages (--rx) */
	o.stages = 0xf0;
	p = render(PROM, &snap, &o);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_HAS(p, "netlat_data_units_total{direction=\"rx\",family=\"ipv6\"} "
		  "233\n");
	CHECK_HAS(p, "netlat_untimed_total{direction=\"rx\","
		  "reason=\"tcp_user_unmatched_end\"} 0\n");
	CHECK_HAS(p, "netlat_rx_gro_segments_total 644\n");
	CHECK_LACKS(p, "direction=\"tx\"");
	CHECK_LACKS(p, "netlat_tx_");
	free(p);
	o.stages = NL_ALL_STAGES;
	/* half a split: the total, as if not split */
	snap.nr_counters--;
	p = render(PROM, &snap, &o);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_HAS(p, "family=\"ipv6\"} 225\n"
		  "netlat_data_units_total{direction=\"rx\",family=\"all\"} 645\n"
		  "# HELP netlat_untimed_total ");
	CHECK_LACKS(p, "direction=\"rx\",family=\"ipv6\"");
	free(p);

	/* up: netlat_up 1, and the time of this read is the last good one */
	CHECK_U64(parse_fixture("minimal.txt", &snap, &err), NL_OK);
	o.last_ok.tv_sec = 1;
	p = render(PROM, &snap, &o);
	CHECK_HAS(p, "# TYPE netlat_up gauge\nnetlat_up 1\n");
	CHECK_HAS(p, "# TYPE netlat_last_success_timestamp_seconds gauge\n"
		  "netlat_last_success_timestamp_seconds 1767225600.123\n");
	free(p);
	/* down: only netlat_up 0 and the last good read; no stale numbers */
	o.last_ok.tv_sec = 1767225590;
	o.last_ok.tv_nsec = 5000000;
	p = render(PROM, NULL, &o);
	save("down.prom", p);
	CHECK(!prom_check(p, why, sizeof(why)));
	CHECK_HAS(p, "# TYPE netlat_up gauge\nnetlat_up 0\n");
	CHECK_HAS(p, "netlat_last_success_timestamp_seconds 1767225590.005\n");
	CHECK_LACKS(p, "\nnetlat_up 1\n");
	CHECK_LACKS(p, "netlat_stage_latency_seconds");
	CHECK_LACKS(p, "netlat_untimed_total");
	CHECK_LACKS(p, "netlat_info");
	free(p);
	/* down before any good read: 0 */
	o.last_ok.tv_sec = 0;
	o.last_ok.tv_nsec = 0;
	p = render(PROM, NULL, &o);
	CHECK_HAS(p, "netlat_last_success_timestamp_seconds 0.000\n");
	free(p);

	CHECK_U64(parse_fixture("huge.txt", &snap, &err), NL_OK);
	p = render(PROM, &snap, &o);
	save("huge.prom", p);
	CHECK_HAS(p, "stage=\"rx_dev_ip\"} 18446744073.709551615\n");
	CHECK_HAS(p, "stage=\"rx_total\",le=\"68.719476736\"} 1\n"
		  "netlat_stage_latency_seconds_bucket{direction=\"rx\","
		  "stage=\"rx_total\",le=\"+Inf\"} 3\n");
	CHECK_HAS(p, "netlat_sockets_expired_total 18446744073709551615\n");
	free(p);
}

/* Fixture @name with line @old (a prefix) replaced by @new, parsed. */
static enum nl_status parse_edited(const char *name, const char *old,
				   const char *new)
{
	size_t len;
	char *base = fixture(name, &len), *at, *eol, *text;
	enum nl_status st;

	at = strstr(base, old);
	eol = at ? strchr(at, '\n') : NULL;
	if (!eol) {
		fprintf(stderr, "parse_edited: no line '%s' in %s\n", old, name);
		exit(2);
	}
	text = malloc(len + strlen(new) + 2);
	sprintf(text, "%.*s%s%s", (int)(at - base), base, new, eol);
	st = nl_parse(text, strlen(text), &snap, &err);
	free(text);
	free(base);
	return st;
}

/* enabled, the filters, the host name and wall clock in every output */
static void test_filters(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char *t, why[256], *line;
	size_t o2, cap = 8 * 65536;
	unsigned int i;

	CHECK_U64(parse_fixture("current-6.12-filters.txt", &snap, &err),
		  NL_OK);
	t = render(TEXT, &snap, &o);
	save("current-6.12-filters.text", t);
	CHECK_HAS(t, "socket slots in use\n"
		  "host lab\\040box\\303\\251, snapshot of 2026-12-05 "
		  "06:32:12 UTC\n"
		  "collection is DISABLED (enable 0): the numbers are not "
		  "moving\n"
		  "filters: directions tx; ports 80,443,8000-8100; family IPv4; "
		  "netns 4026531840; sample 1 in 10 (the numbers cover only "
		  "this traffic)\n\ntx_sock_tcp (tx)");
	free(t);
	/* an interval: disabled and the filters said, the place not */
	nl_delta(&snap, &snap, &delta);
	t = render(TEXT, &delta, &o);
	CHECK_HAS(t, ": the last 0.000 s\ncollection is DISABLED (enable 0)");
	CHECK_HAS(t, "\nfilters: directions tx;");
	CHECK_LACKS(t, "host ");
	free(t);
	t = render(JSON, &snap, &o);
	save("current-6.12-filters.json", t);
	CHECK_HAS(t, "\"time_ns\":13161827445,\"interval_s\":null,"
		  "\"realtime_ns\":1796452332570632414,"
		  "\"load_id\":null,\"resets\":null,"
		  "\"hostname\":\"lab\\\\040box\\\\303\\\\251\","
		  "\"enabled\":false,\"filters\":{\"directions\":\"tx\","
		  "\"ports\":\"80,443,8000-8100\",\"ports_count\":103,"
		  "\"family\":\"4\",\"netns\":4026531840,\"sample\":10},"
		  "\"reset\":false,");
	free(t);
	t = render(PROM, &snap, &o);
	save("current-6.12-filters.prom", t);
	CHECK(!prom_check(t, why, sizeof(why)));
	CHECK_HAS(t, "netlat_info{module=\"0.1.0\",kernel=\"6.12.117+deb12-"
		  "amd64\",hostname=\"lab\\\\040box\\\\303\\\\251\","
		  "format=\"1\"} 1\n");
	CHECK_HAS(t, "# TYPE netlat_enabled gauge\nnetlat_enabled 0\n");
	CHECK_HAS(t, "# TYPE netlat_filter_info gauge\nnetlat_filter_info{"
		  "directions=\"tx\",family=\"4\",netns=\"4026531840\","
		  "ports=\"80,443,8000-8100\"} 1\n");
	CHECK_HAS(t, "# TYPE netlat_filter_ports gauge\n"
		  "netlat_filter_ports 103\n");
	CHECK_HAS(t, "# TYPE netlat_filter_sample gauge\n"
		  "netlat_filter_sample 10\n");
	free(t);

	/* at their defaults: no DISABLED, no filters line */
	CHECK_U64(parse_fixture("current-6.12-defaults.txt", &snap, &err),
		  NL_OK);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "in use\nhost db-3, snapshot of 2026-12-05 06:32:12 "
		  "UTC\n\ntx_sock_tcp");
	CHECK_LACKS(t, "DISABLED");
	CHECK_LACKS(t, "filters:");
	free(t);
	t = render(JSON, &snap, &o);
	CHECK_HAS(t, "\"hostname\":\"db-3\",\"enabled\":true,\"filters\":"
		  "{\"directions\":\"tx,rx\",\"ports\":\"all\","
		  "\"ports_count\":null,\"family\":\"all\",\"netns\":\"all\","
		  "\"sample\":1}");
	free(t);
	t = render(PROM, &snap, &o);
	save("current-6.12-defaults.prom", t);
	CHECK(!prom_check(t, why, sizeof(why)));
	CHECK_HAS(t, "netlat_enabled 1\n");
	CHECK_HAS(t, "netlat_filter_info{directions=\"tx,rx\",family=\"all\","
		  "netns=\"all\",ports=\"all\"} 1\n");
	CHECK_LACKS(t, "netlat_filter_ports");
	CHECK_HAS(t, "netlat_filter_sample 1\n");
	free(t);

	/* an older module: none of it */
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);
	t = render(TEXT, &snap, &o);
	CHECK_LACKS(t, "host ");
	CHECK_LACKS(t, "DISABLED");
	CHECK_LACKS(t, "filters:");
	free(t);
	t = render(PROM, &snap, &o);
	CHECK_LACKS(t, "netlat_enabled");
	CHECK_LACKS(t, "netlat_filter");
	CHECK_LACKS(t, "hostname=");
	free(t);
	/* disabled, no filter lines: only that line */
	CHECK_U64(parse_edited("current-6.12-lo.txt", "enabled 1",
			       "enabled 0"), NL_OK);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "in use\ncollection is DISABLED (enable 0): the numbers "
		  "are not moving\n\ntx_sock_tcp");
	free(t);

	/* only some filter lines: the labels of those, no stray comma */
	CHECK_U64(parse_edited("current-6.12-lo.txt", "enabled 1",
			       "enabled 1\nfilter sample 4"), NL_OK);
	t = render(PROM, &snap, &o);
	CHECK(!prom_check(t, why, sizeof(why)));
	CHECK_HAS(t, "\nnetlat_filter_info{} 1\n");
	CHECK_HAS(t, "\nnetlat_filter_sample 4\n");
	free(t);
	CHECK_U64(parse_edited("current-6.12-lo.txt", "enabled 1",
			       "enabled 1\nfilter family 6\nfilter netns 5"),
		  NL_OK);
	t = render(PROM, &snap, &o);
	CHECK(!prom_check(t, why, sizeof(why)));
	CHECK_HAS(t, "\nnetlat_filter_info{family=\"6\",netns=\"5\"} 1\n");
	CHECK_LACKS(t, "netlat_filter_sample");
	free(t);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "\nfilters: family IPv6; netns 5 (the numbers");
	free(t);

	/* names with quotes: escaped per JSON and the exposition format */
	CHECK_U64(parse_edited("current-6.12-defaults.txt", "hostname db-3",
			       "hostname a\"b\\134c"), NL_OK);
	t = render(JSON, &snap, &o);
	CHECK_HAS(t, "\"hostname\":\"a\\\"b\\\\134c\"");
	free(t);
	t = render(PROM, &snap, &o);
	CHECK(!prom_check(t, why, sizeof(why)));
	CHECK_HAS(t, "hostname=\"a\\\"b\\\\134c\"");
	free(t);

	/* every other port: JSON has the whole list, the label a cut one */
	line = malloc(cap);
	o2 = (size_t)snprintf(line, cap, "filter ports ");
	for (i = 1; i < 65536; i += 2)
		o2 += (size_t)snprintf(line + o2, cap - o2, "%s%u",
				       i > 1 ? "," : "", i);
	CHECK_U64(parse_edited("current-6.12-filters.txt",
			       "filter ports 80", line), NL_OK);
	CHECK_U64(snap.filter.nr_ports, 32768);
	t = render(JSON, &snap, &o);
	CHECK_HAS(t, line + strlen("filter ports "));
	CHECK_HAS(t, ",65533,65535\",\"ports_count\":32768,");
	free(t);
	t = render(PROM, &snap, &o);
	save("long-ports.prom", t);
	CHECK(!prom_check(t, why, sizeof(why)));
	CHECK_HAS(t, "ports=\"1,3,5,7,");
	CHECK_HAS(t, ",...\"} 1\n# HELP netlat_filter_ports ");
	CHECK_HAS(t, "\nnetlat_filter_ports 32768\n");
	free(t);
	t = render(TEXT, &snap, &o);
	CHECK_HAS(t, "filters: directions tx; ports 1,3,5,");
	CHECK_HAS(t, ",... (32768 ports); family IPv4;");
	free(t);
	free(line);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void test_atomic_write(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char dir[512], path[600], *want, *got;
	struct stat st1, st2;
	size_t len;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/promdir", outdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/here.prom", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/netlat.prom", dir);
	unlink(path);
	f = fopen(path, "w");	/* an old file, and someone reading it */
	fputs("old\n", f);
	fclose(f);
	CHECK(!stat(path, &st1));

	CHECK_U64(parse_fixture("real-6.1-lo.txt", &snap, &err), NL_OK);
	CHECK_U64(nl_write_prometheus(path, &snap, &o), 0);
	CHECK(!stat(path, &st2));
	CHECK(st1.st_ino != st2.st_ino);	/* replaced, not rewritten */
	CHECK_U64(st2.st_mode & 0777, 0644);	/* the collector can read */
	CHECK_U64(count_entries(dir), 1);	/* no temporary file left */
	want = render(PROM, &snap, &o);
	f = fopen(path, "r");
	got = calloc(1, strlen(want) + 16);
	len = fread(got, 1, strlen(want) + 8, f);
	fclose(f);
	CHECK_U64(len, strlen(want));
	CHECK(!strcmp(got, want));
	free(want);
	free(got);

	/* a file name without a directory part */
	CHECK(!chdir(dir));
	CHECK_U64(nl_write_prometheus("here.prom", &snap, &o), 0);
	CHECK(!access("here.prom", R_OK));
	CHECK_U64(count_entries("."), 2);
	CHECK(!chdir("/"));

	/* errors: no such directory; a directory in the way */
	snprintf(path, sizeof(path), "%s/no/such/dir.prom", outdir);
	errno = 0;
	CHECK_U64(nl_write_prometheus(path, &snap, &o), (uint64_t)-1);
	CHECK_U64(errno, ENOENT);
	snprintf(path, sizeof(path), "%s", dir);
	CHECK_U64(nl_write_prometheus(path, &snap, &o), 1);
	CHECK_U64(count_entries(dir), 2);	/* no temporary file made */
}

/* Only a regular file is replaced: a link, fifo or directory is refused. */
static void test_write_target(void)
{
	struct nl_opts o = opts(NL_ALL_STAGES, NL_UNIT_AUTO);
	char dir[512], path[600], target[600];
	const char *kind;
	struct stat st;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/targetdir", outdir);
	mkdir(dir, 0755);
	CHECK_U64(parse_fixture("minimal.txt", &snap, &err), NL_OK);

	/* missing: fine, and created */
	snprintf(path, sizeof(path), "%s/new.prom", dir);
	unlink(path);
	CHECK_U64(nl_prom_target(path, &kind), 0);
	CHECK(!kind);
	CHECK_U64(nl_write_prometheus(path, &snap, &o), 0);
	CHECK_U64(nl_prom_target(path, &kind), 0);	/* regular: fine */

	/* a symbolic link (to a regular file): refused, both left alone */
	snprintf(target, sizeof(target), "%s/target.txt", dir);
	f = fopen(target, "w");
	fputs("keep\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/link.prom", dir);
	unlink(path);
	CHECK(!symlink("target.txt", path));
	CHECK_U64(nl_prom_target(path, &kind), 1);
	CHECK_STR(kind, "a symbolic link");
	CHECK_U64(nl_write_prometheus(path, &snap, &o), 1);
	CHECK(!lstat(path, &st) && S_ISLNK(st.st_mode));
	CHECK(!stat(target, &st) && st.st_size == 5);
	/* a dangling link too */
	unlink(path);
	CHECK(!symlink("nowhere", path));
	CHECK_U64(nl_write_prometheus(path, &snap, &o), 1);
	CHECK(!lstat(path, &st) && S_ISLNK(st.st_mode));
	unlink(path);

	/* a fifo, a directory, a character device */
	snprintf(path, sizeof(path), "%s/fifo.prom", dir);
	unlink(path);
	CHECK(!mkfifo(path, 0644));
	CHECK_U64(nl_prom_target(path, &kind), 1);
	CHECK_STR(kind, "a fifo");
	CHECK_U64(nl_write_prometheus(path, &snap, &o), 1);
	CHECK(!lstat(path, &st) && S_ISFIFO(st.st_mode));
	unlink(path);
	CHECK_U64(nl_prom_target(dir, &kind), 1);
	CHECK_STR(kind, "a directory");
	CHECK_U64(nl_prom_target("/dev/null", &kind), 1);
	CHECK_STR(kind, "a character device");
	/* lstat failing otherwise: -1 and errno */
	errno = 0;
	CHECK_U64(nl_prom_target("/dev/null/x", &kind), (uint64_t)-1);
	CHECK_U64(errno, ENOTDIR);
	/* nothing else was made in the directory */
	unlink(target);
	snprintf(path, sizeof(path), "%s/new.prom", dir);
	unlink(path);
	CHECK_U64(count_entries(dir), 0);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	static char abs_out[512];

	test_init(argc, argv);
	if (argc > 2)
		outdir = argv[2];
	/* test_atomic_write() changes directory: make it absolute */
	if (outdir[0] != '/' && getcwd(abs_out, 256)) {
		strcat(abs_out, "/");
		strncat(abs_out, outdir, 250);
		outdir = abs_out;
	}
	if (fixture_dir[0] != '/') {
		static char abs_fix[512];

		if (getcwd(abs_fix, 256)) {
			strcat(abs_fix, "/");
			strncat(abs_fix, fixture_dir, 250);
			fixture_dir = abs_fix;
		}
	}
	test_fmt();
	test_unit();
	test_text();
	test_text_delta();
	test_summary();
	test_text_family();
	test_json();
	test_json_load();
	test_prom_checker();
	test_prometheus();
	test_prom_counters();
	test_filters();
	test_atomic_write();
	test_write_target();
	return test_done("test_export");
}
