// SPDX-License-Identifier: GPL-2.0
/*
 * Interval deltas between two cumulative snapshots (nl_delta()): counts,
 * sums, buckets, counters and probe hits subtract exactly; min/max are
 * exact or bounded as documented; a reset in between is detected.
 */
#include "test.h"
#include "stats.h"

static struct nl_snapshot prev, cur, d;
static struct nl_error err;

/* One more sample of @v in @st, as the kernel would record it. */
static void add(struct nl_stage *st, uint64_t v)
{
	if (!st->count || v < st->min_ns)
		st->min_ns = v;
	if (v > st->max_ns)
		st->max_ns = v;
	st->count++;
	st->sum_ns += v;
	st->bucket[netlat_bucket(v)]++;
}

static void bump_counter(struct nl_snapshot *s, const char *name,
			 uint64_t by)
{
	unsigned int i;

	for (i = 0; i < s->nr_counters; i++)
		if (!strcmp(s->counter[i].name, name))
			s->counter[i].value += by;
}

static uint64_t counter(const struct nl_snapshot *s, const char *name)
{
	uint64_t v = 12345;

	CHECK(!nl_counter_get(s, name, &v));
	return v;
}

static void check_zero_elsewhere(const struct nl_snapshot *x, unsigned int a,
				 unsigned int b)
{
	unsigned int i, bad = 0;

	for (i = 0; i < NETLAT_NR_STAGES; i++)
		if (i != a && i != b &&
		    (x->stage[i].count || x->stage[i].sum_ns ||
		     x->stage[i].min_ns || x->stage[i].max_ns ||
		     !x->stage[i].minmax_exact))
			bad++;
	CHECK_U64(bad, 0);
}

static void test_interval(void)
{
	struct nl_stage *s;
	uint64_t p[NL_NR_PCT], nonzero = 0;
	unsigned int b;

	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	cur = prev;
	cur.time_ns += 1500000000;
	/* inside the cumulative range: the interval's min/max are bounds */
	add(&cur.stage[NETLAT_TX_SOCK_TCP], 5000);
	add(&cur.stage[NETLAT_TX_SOCK_TCP], 6000);
	/* new cumulative extremes: they are from this interval, exact */
	add(&cur.stage[NETLAT_RX_DEV_IP], 500);
	add(&cur.stage[NETLAT_RX_DEV_IP], 2000000);
	add(&cur.stage[NETLAT_RX_DEV_IP], 1500);
	bump_counter(&cur, "tx_data_segments", 2);
	bump_counter(&cur, "ring_full", 1);
	cur.probe[0].hits += 5;
	cur.probe[3].missed += 1;
	/* a counter and a probe that only the new snapshot has */
	strcpy(cur.counter[cur.nr_counters].name, "future_counter");
	cur.counter[cur.nr_counters++].value = 7;
	strcpy(cur.probe[cur.nr_probes].point, "tx_qdisc");
	strcpy(cur.probe[cur.nr_probes].symbol, "sch_direct_xmit");
	cur.probe[cur.nr_probes++].hits = 9;

	nl_delta(&prev, &cur, &d);
	CHECK(d.is_delta);
	CHECK(!d.reset_seen);
	CHECK_U64(d.interval_ns, 1500000000);
	CHECK_U64(d.time_ns, cur.time_ns);

	s = &d.stage[NETLAT_TX_SOCK_TCP];
	CHECK_U64(s->count, 2);
	CHECK_U64(s->sum_ns, 11000);
	for (b = 0; b < NETLAT_HIST_BUCKETS; b++)
		nonzero += s->bucket[b] != 0;
	CHECK_U64(nonzero, 2);
	CHECK_U64(s->bucket[netlat_bucket(5000)], 1);
	CHECK_U64(s->bucket[netlat_bucket(6000)], 1);
	CHECK_U64(s->min_ns, 4608);	/* the low bound of 5000's bucket */
	CHECK_U64(s->max_ns, 6143);	/* the last value of 6000's bucket */
	CHECK(!s->minmax_exact);
	CHECK_U64(s->kpct[0], 0);	/* no kernel percentiles for a delta */
	nl_percentiles(s, p);
	CHECK_U64(netlat_bucket(p[0]), netlat_bucket(5000));
	CHECK_U64(netlat_bucket(p[1]), netlat_bucket(6000));
	CHECK_U64(netlat_bucket(p[3]), netlat_bucket(6000));

	s = &d.stage[NETLAT_RX_DEV_IP];
	CHECK_U64(s->count, 3);
	CHECK_U64(s->sum_ns, 2002000);
	CHECK_U64(s->min_ns, 500);
	CHECK_U64(s->max_ns, 2000000);
	CHECK(s->minmax_exact);
	nl_percentiles(s, p);
	CHECK_U64(netlat_bucket(p[0]), netlat_bucket(1500));
	CHECK_U64(netlat_bucket(p[3]), netlat_bucket(2000000));
	CHECK(p[3] <= 2000000);	/* clamped to the exact max */
	check_zero_elsewhere(&d, NETLAT_TX_SOCK_TCP, NETLAT_RX_DEV_IP);

	CHECK_U64(counter(&d, "tx_data_segments"), 2);
	CHECK_U64(counter(&d, "ring_full"), 1);
	CHECK_U64(counter(&d, "sockets_purged"), 0);
	CHECK_U64(counter(&d, "future_counter"), 7);
	CHECK_U64(d.probe[0].hits, 5);
	CHECK_U64(d.probe[1].hits, 0);
	CHECK_U64(d.probe[3].missed, 1);
	CHECK_U64(nl_probes_missed(&d, ~0u), 1);
	CHECK_STR(d.probe[12].symbol, "sch_direct_xmit");
	CHECK_U64(d.probe[12].hits, 9);
}

/* The IPv4/IPv6 split of the data units subtracts like any counter. */
static void test_family_split(void)
{
	uint64_t v4, v6;

	CHECK_U64(parse_fixture("current-6.12-dual.txt", &prev, &err), NL_OK);
	cur = prev;
	cur.time_ns += 1000000000;
	bump_counter(&cur, "tx_data_segments", 5);
	bump_counter(&cur, "tx_data_segments.ipv4", 2);
	bump_counter(&cur, "tx_data_segments.ipv6", 3);
	bump_counter(&cur, "rx_data_skbs", 7);
	bump_counter(&cur, "rx_data_skbs.ipv6", 7);
	nl_delta(&prev, &cur, &d);
	CHECK(!d.reset_seen);
	CHECK_U64(counter(&d, "tx_data_segments"), 5);
	CHECK(!nl_family_split(&d, "tx", &v4, &v6));
	CHECK_U64(v4, 2);
	CHECK_U64(v6, 3);
	CHECK(!nl_family_split(&d, "rx", &v4, &v6));
	CHECK_U64(v4, 0);
	CHECK_U64(v6, 7);
	CHECK_U64(counter(&d, "rx_data_skbs"), 7);

	/* the split went down: a reset, the values since it */
	bump_counter(&cur, "rx_data_skbs.ipv4", (uint64_t)-1);
	nl_delta(&prev, &cur, &d);
	CHECK(d.reset_seen);
	CHECK_U64(counter(&d, "rx_data_skbs.ipv4"), 411);

	/* a module without the split loaded in between: a reset too */
	CHECK_U64(parse_fixture("current-6.12-lo.txt", &cur, &err), NL_OK);
	nl_delta(&prev, &cur, &d);
	CHECK(d.reset_seen);
	CHECK(nl_family_split(&d, "tx", &v4, &v6));
}

/* The cumulative min tightens the bound of the first delta bucket. */
static void test_bound_tightening(void)
{
	struct nl_stage *s;

	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	cur = prev;
	add(&cur.stage[NETLAT_TX_SOCK_TCP], 1450);	/* min stays 1420 */
	add(&cur.stage[NETLAT_TX_SOCK_TCP], 1406000);	/* max stays 1406216 */
	nl_delta(&prev, &cur, &d);
	s = &d.stage[NETLAT_TX_SOCK_TCP];
	CHECK_U64(s->count, 2);
	CHECK_U64(s->min_ns, 1420);	/* not 1408: no sample is < 1420 */
	CHECK_U64(s->max_ns, 1406216);	/* not 1441791 */
	CHECK(!s->minmax_exact);
	CHECK_U64(d.interval_ns, 0);	/* same time_ns */
}

static void test_no_change(void)
{
	unsigned int i, bad = 0;

	CHECK_U64(parse_fixture("real-6.1-nic.txt", &prev, &err), NL_OK);
	nl_delta(&prev, &prev, &d);
	CHECK(!d.reset_seen);
	check_zero_elsewhere(&d, NETLAT_NR_STAGES, NETLAT_NR_STAGES);
	for (i = 0; i < d.nr_counters; i++)
		bad += d.counter[i].value != 0;
	for (i = 0; i < d.nr_probes; i++)
		bad += d.probe[i].hits != 0 || d.probe[i].missed != 0;
	CHECK_U64(bad, 0);
	CHECK_U64(d.nr_probes, prev.nr_probes);
}

/* From an empty stage: the first samples' min/max are exact. */
static void test_from_empty(void)
{
	struct nl_stage *s;

	CHECK_U64(parse_fixture("minimal.txt", &prev, &err), NL_OK);
	cur = prev;
	add(&cur.stage[NETLAT_RX_TOTAL], 70000);
	add(&cur.stage[NETLAT_RX_TOTAL], 90000);
	nl_delta(&prev, &cur, &d);
	s = &d.stage[NETLAT_RX_TOTAL];
	CHECK_U64(s->count, 2);
	CHECK_U64(s->min_ns, 70000);
	CHECK_U64(s->max_ns, 90000);
	CHECK(s->minmax_exact);
	CHECK_U64(d.stage[NETLAT_TX_TOTAL].count, 0);
}

static void test_reset(void)
{
	unsigned int i;

	/* the module was reset (or reloaded) and counted a little since */
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	CHECK_U64(parse_fixture("minimal.txt", &cur, &err), NL_OK);
	nl_delta(&prev, &cur, &d);
	CHECK(d.is_delta);
	CHECK(d.reset_seen);
	for (i = 0; i < NETLAT_NR_STAGES; i++) {
		CHECK_U64(d.stage[i].count, cur.stage[i].count);
		CHECK_U64(d.stage[i].min_ns, cur.stage[i].min_ns);
		CHECK(d.stage[i].minmax_exact);
	}
	CHECK_U64(counter(&d, "tx_data_segments"), 4);

	/* only one bucket went down */
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	cur = prev;
	cur.stage[NETLAT_RX_TOTAL].bucket[netlat_bucket(60000)]--;
	cur.stage[NETLAT_RX_TOTAL].bucket[netlat_bucket(60)]++;
	nl_delta(&prev, &cur, &d);
	CHECK(d.reset_seen);

	/* a counter went down */
	cur = prev;
	bump_counter(&cur, "sockets_purged", (uint64_t)-1);
	nl_delta(&prev, &cur, &d);
	CHECK(d.reset_seen);

	/* a counter vanished */
	cur = prev;
	cur.nr_counters--;
	nl_delta(&prev, &cur, &d);
	CHECK(d.reset_seen);

	/* a probe's hits went down, or the probe vanished (reload) */
	cur = prev;
	cur.probe[4].hits--;
	nl_delta(&prev, &cur, &d);
	CHECK(d.reset_seen);
	cur = prev;
	cur.nr_probes--;
	nl_delta(&prev, &cur, &d);
	CHECK(d.reset_seen);

	/* nothing went down */
	cur = prev;
	cur.probe[4].hits++;
	nl_delta(&prev, &cur, &d);
	CHECK(!d.reset_seen);
	CHECK_U64(d.probe[4].hits, 1);
}

/*
 * A reload or a reset that load_id or resets show: a new baseline even
 * when every number grew past the old ones.
 */
static void test_reload(void)
{
	unsigned int i;

	CHECK_U64(parse_fixture("current-6.12-load-a.txt", &prev, &err), NL_OK);
	CHECK_U64(parse_fixture("current-6.12-load-b.txt", &cur, &err), NL_OK);
	CHECK_U64(nl_restart(&prev, &cur), NL_RESTART_RELOAD);
	nl_delta(&prev, &cur, &d);
	CHECK(d.is_delta);
	CHECK_U64(d.reset_seen, NL_RESTART_RELOAD);
	/* the numbers since the load, not the difference (equal to A's) */
	for (i = 0; i < NETLAT_NR_STAGES; i++)
		CHECK_U64(d.stage[i].count, cur.stage[i].count);
	CHECK_U64(d.stage[NETLAT_TX_TOTAL].count, 1250);
	CHECK_U64(counter(&d, "tx_data_segments"), counter(&cur, "tx_data_segments"));

	/* the same load: the difference */
	cur.load_id = prev.load_id;
	CHECK_U64(nl_restart(&prev, &cur), NL_RESTART_NONE);
	nl_delta(&prev, &cur, &d);
	CHECK(!d.reset_seen);
	CHECK_U64(d.stage[NETLAT_TX_TOTAL].count, 625);

	/* a reset since: resets moved */
	cur.resets = 1;
	CHECK_U64(nl_restart(&prev, &cur), NL_RESTART_RESET);
	nl_delta(&prev, &cur, &d);
	CHECK_U64(d.reset_seen, NL_RESTART_RESET);
	CHECK_U64(d.stage[NETLAT_TX_TOTAL].count, 1250);

	/* one without the keywords: another module, a reload */
	cur.resets = 0;
	cur.has_load_id = 0;
	cur.load_id = 0;
	CHECK_U64(nl_restart(&prev, &cur), NL_RESTART_RELOAD);
	CHECK_U64(nl_restart(&cur, &prev), NL_RESTART_RELOAD);
	cur.has_load_id = 1;
	cur.load_id = prev.load_id;
	cur.has_resets = 0;
	CHECK_U64(nl_restart(&prev, &cur), NL_RESTART_RESET);

	/* older snapshots without them: by the numbers, as before */
	CHECK_U64(parse_fixture("current-6.12-defaults.txt", &prev, &err),
		  NL_OK);
	cur = prev;
	bump_counter(&cur, "tx_data_segments", 3);
	CHECK_U64(nl_restart(&prev, &cur), NL_RESTART_NONE);
	nl_delta(&prev, &cur, &d);
	CHECK(!d.reset_seen);
	CHECK_U64(counter(&d, "tx_data_segments"), 3);
	bump_counter(&cur, "tx_data_segments", (uint64_t)-4);
	CHECK_U64(nl_restart(&prev, &cur), NL_RESTART_DOWN);
}

/* netlat diff: which two snapshots may be compared, and why not. */
static void test_diff_check(void)
{
	char why[256];

	CHECK_U64(parse_fixture("real-6.12-lo.txt", &prev, &err), NL_OK);
	cur = prev;
	cur.time_ns += 1000000000;
	CHECK(!nl_diff_check(&prev, &cur, why, sizeof(why)));
	/* not newer: the same time, or older */
	CHECK(nl_diff_check(&prev, &prev, why, sizeof(why)));
	CHECK_STR(why, "the second was not taken after the first "
		  "(time_ns 19332915175, 19332915175)");
	CHECK(nl_diff_check(&cur, &prev, why, sizeof(why)));
	CHECK_HAS(why, "not taken after the first (time_ns 20332915175, ");
	/* of another module, kernel, or with other counters */
	strcpy(cur.module, "0.2.0");
	CHECK(nl_diff_check(&prev, &cur, why, sizeof(why)));
	CHECK_STR(why, "not the same module version (0.1.0, 0.2.0)");
	strcpy(cur.module, prev.module);
	strcpy(cur.kernel, "6.1.0-57-amd64");
	CHECK(nl_diff_check(&prev, &cur, why, sizeof(why)));
	CHECK_STR(why, "not the same kernel (6.12.117+deb12-amd64, "
		  "6.1.0-57-amd64)");
	strcpy(cur.kernel, prev.kernel);
	cur.nr_counters--;
	CHECK(nl_diff_check(&prev, &cur, why, sizeof(why)));
	CHECK_HAS(why, "not the same counters (");
	CHECK(nl_diff_check(&cur, &prev, why, sizeof(why)));
	CHECK_HAS(why, "is in one only)");
	cur.nr_counters++;
	strcpy(cur.counter[3].name, "tx_something_new");
	CHECK(nl_diff_check(&prev, &cur, why, sizeof(why)));
	CHECK_STR(why, "not the same counters (tx_tcp_ip.unmatched_start is "
		  "in one only)");

	/* with wall clocks: they decide; the host must be the same */
	CHECK_U64(parse_fixture("current-6.12-defaults.txt", &prev, &err),
		  NL_OK);
	cur = prev;
	cur.realtime_ns += 1;
	cur.time_ns -= 1;		/* a reboot in between */
	CHECK(!nl_diff_check(&prev, &cur, why, sizeof(why)));
	cur.realtime_ns -= 2;
	cur.time_ns += 2;
	CHECK(nl_diff_check(&prev, &cur, why, sizeof(why)));
	CHECK_STR(why, "the second was not taken after the first "
		  "(realtime_ns 1796452332570632414, 1796452332570632413)");
	cur.realtime_ns += 2;
	strcpy(cur.hostname, "db-4");
	CHECK(nl_diff_check(&prev, &cur, why, sizeof(why)));
	CHECK_STR(why, "not the same host (db-3, db-4)");
	cur.hostname[0] = '\0';	/* one does not say: not refused */
	CHECK(!nl_diff_check(&prev, &cur, why, sizeof(why)));
	/* an older module without the IPv4/IPv6 split and a newer one */
	CHECK_U64(parse_fixture("current-6.12-dual.txt", &cur, &err), NL_OK);
	cur.time_ns = prev.time_ns + 1;
	CHECK(nl_diff_check(&prev, &cur, why, sizeof(why)));
	CHECK_STR(why, "not the same counters (tx_data_segments.ipv4 is in "
		  "one only)");
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_interval();
	test_family_split();
	test_bound_tightening();
	test_no_change();
	test_from_empty();
	test_reset();
	test_reload();
	test_diff_check();
	return test_done("test_delta");
}
