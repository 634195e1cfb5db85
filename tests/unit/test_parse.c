// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/netlat parser: real snapshots from guest runs parse to the
 * exact numbers in them, and every kind of bad input is refused with the
 * right status, line and reason.
 */
#include "test.h"
#include "report.h"
#include "stats.h"

static struct nl_snapshot snap;
static struct nl_error err;

static const char *const real[] = {
	"real-6.12-lo.txt", "real-6.12-nic.txt", "real-6.12-veth.txt",
	"real-6.1-lo.txt", "real-6.1-nic.txt", "real-6.1-veth.txt",
};

static void test_real_exact(void)
{
	const struct nl_stage *st;
	uint64_t v = 0;

	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);
	CHECK_U64(snap.version, 1);
	CHECK_STR(snap.module, "0.1.0");
	CHECK_STR(snap.kernel, "6.12.117+deb12-amd64");
	CHECK_U64(snap.time_ns, 19332915175ull);
	CHECK_U64(snap.sockets, 0);
	CHECK_U64(snap.capacity, 1024);
	CHECK_U64(snap.nr_probes, 12);
	CHECK_STR(snap.probe[0].point, "tx_sock");
	CHECK_STR(snap.probe[0].symbol, "security_socket_sendmsg");
	CHECK_STR(snap.probe[0].mode, "ftrace");
	CHECK_U64(snap.probe[0].hits, 631);
	CHECK_STR(snap.probe[5].symbol, "__netif_receive_skb_core.constprop.0");
	CHECK_STR(snap.probe[9].symbol, "tcp_add_backlog");
	CHECK_U64(snap.probe[9].hits, 42);
	CHECK_U64(snap.probe[10].hits, 1239);
	CHECK_U64(nl_probes_missed(&snap, ~0u), 0);

	st = &snap.stage[NETLAT_TX_SOCK_TCP];
	CHECK_U64(st->count, 661);
	CHECK_U64(st->sum_ns, 4398211);
	CHECK_U64(st->min_ns, 1420);
	CHECK_U64(st->max_ns, 1406216);
	CHECK_U64(st->kpct[0], 1776);
	CHECK_U64(st->kpct[3], 1374384);
	CHECK(st->minmax_exact);
	CHECK_U64(st->bucket[netlat_bucket(1408)], 26);
	CHECK_U64(st->bucket[netlat_bucket(1664)], 189);
	CHECK_U64(st->bucket[netlat_bucket(1310720)], 2);
	CHECK_U64(st->bucket[netlat_bucket(1000)], 0);
	st = &snap.stage[NETLAT_RX_TOTAL];
	CHECK_U64(st->count, 662);
	CHECK_U64(st->sum_ns, 196087834);
	CHECK_U64(st->kpct[2], 3538944);

	CHECK_U64(snap.nr_counters, 24);	/* the module that made it had 24 */
	CHECK_STR(snap.counter[0].name, "tx_incomplete");
	CHECK(!nl_counter_get(&snap, "tx_data_segments", &v));
	CHECK_U64(v, 661);
	CHECK(!nl_counter_get(&snap, "sockets_purged", &v));
	CHECK_U64(v, 4);
	CHECK(nl_counter_get(&snap, "no_such_counter", &v));
	CHECK(!snap.is_delta);
}

/* Each real snapshot parses, and our percentiles equal the kernel's. */
static void test_real_all(void)
{
	uint64_t p[NL_NR_PCT], timed, seen;
	unsigned int f, i, k, bad;

	for (f = 0; f < sizeof(real) / sizeof(real[0]); f++) {
		CHECK_U64(parse_fixture(real[f], &snap, &err), NL_OK);
		bad = 0;
		for (i = 0; i < NETLAT_NR_STAGES; i++) {
			nl_percentiles(&snap.stage[i], p);
			for (k = 0; k < NL_NR_PCT; k++)
				if (p[k] != snap.stage[i].kpct[k]) {
					bad++;
					fprintf(stderr, "%s %s %s: %" PRIu64
						" != kernel %" PRIu64 "\n",
						real[f], netlat_stage_info(i)->name,
						nl_pct_label[k], p[k],
						snap.stage[i].kpct[k]);
				}
			CHECK(snap.stage[i].count > 0);
		}
		CHECK_U64(bad, 0);
		/* every stage of a direction has the same count */
		CHECK_U64(snap.stage[NETLAT_TX_SOCK_TCP].count,
			  snap.stage[NETLAT_TX_TOTAL].count);
		CHECK_U64(snap.stage[NETLAT_RX_DEV_IP].count,
			  snap.stage[NETLAT_RX_TOTAL].count);
		CHECK(!nl_coverage(&snap, "tx", &timed, &seen));
		CHECK_U64(timed, seen);
		CHECK(!nl_coverage(&snap, "rx", &timed, &seen));
		CHECK_U64(timed, seen);
	}
}

/*
 * The IPv4/IPv6 split of the data units: ipv4 + ipv6 = the total, and
 * none from a module that does not print it (all other fixtures).
 */
static void test_family_split(void)
{
	static const char *const old[] = {
		"real-6.12-lo.txt", "real-6.1-nic.txt", "current-6.12-lo.txt",
		"minimal.txt", "future.txt",
	};
	uint64_t v4 = 1, v6 = 1, total;
	unsigned int f;

	CHECK_U64(parse_fixture("current-6.12-dual.txt", &snap, &err), NL_OK);
	CHECK_U64(snap.nr_counters, 29);
	CHECK(!nl_family_split(&snap, "tx", &v4, &v6));
	CHECK_U64(v4, 400);
	CHECK_U64(v6, 225);
	CHECK(!nl_counter_get(&snap, "tx_data_segments", &total));
	CHECK_U64(v4 + v6, total);
	CHECK(!nl_family_split(&snap, "rx", &v4, &v6));
	CHECK_U64(v4, 412);
	CHECK_U64(v6, 233);
	CHECK(!nl_counter_get(&snap, "rx_data_skbs", &total));
	CHECK_U64(v4 + v6, total);
	/* half a split (rx_data_skbs.ipv6 is the last line) is none */
	snap.nr_counters--;
	CHECK(nl_family_split(&snap, "rx", &v4, &v6));
	CHECK(!nl_family_split(&snap, "tx", &v4, &v6));

	for (f = 0; f < sizeof(old) / sizeof(old[0]); f++) {
		CHECK_U64(parse_fixture(old[f], &snap, &err), NL_OK);
		CHECK(nl_family_split(&snap, "tx", &v4, &v6));
		CHECK(nl_family_split(&snap, "rx", &v4, &v6));
	}
}

static void test_fixtures_minimal(void)
{
	const struct nl_stage *st;
	uint64_t timed, seen;

	CHECK_U64(parse_fixture("minimal.txt", &snap, &err), NL_OK);
	CHECK_STR(snap.kernel, "6.12.0-fixture");
	CHECK_U64(snap.nr_probes, 4);
	CHECK_STR(snap.probe[2].mode, "int3");
	st = &snap.stage[NETLAT_TX_TCP_IP];
	CHECK_U64(st->count, 4);
	CHECK_U64(st->bucket[5], 1);
	CHECK_U64(st->bucket[15], 1);
	CHECK_U64(st->bucket[16], 2);
	CHECK_U64(snap.stage[NETLAT_RX_TOTAL].count, 0);
	CHECK(!nl_coverage(&snap, "tx", &timed, &seen));
	CHECK_U64(timed, 4);
	CHECK(nl_coverage(&snap, "rx", &timed, &seen));	/* 0 skbs */

	CHECK_U64(parse_fixture("huge.txt", &snap, &err), NL_OK);
	st = &snap.stage[NETLAT_RX_DEV_IP];
	CHECK_U64(st->sum_ns, UINT64_MAX);
	CHECK_U64(st->bucket[NETLAT_HIST_OVERFLOW], 1);
	CHECK_U64(st->max_ns, 18446744004990074880ull);
	CHECK_U64(snap.time_ns, UINT64_MAX);
	CHECK_U64(snap.probe[0].hits, UINT64_MAX);
	CHECK_U64(snap.stage[NETLAT_RX_TOTAL].bucket[NETLAT_HIST_OVERFLOW], 2);

	/* additions within version 1 are ignored, the rest is the same */
	CHECK_U64(parse_fixture("future.txt", &snap, &err), NL_OK);
	CHECK_U64(snap.stage[NETLAT_RX_TOTAL].count, 662);
	CHECK_U64(snap.stage[NETLAT_TX_TOTAL].count, 661);
	CHECK_U64(snap.nr_counters, 24);
}

/*
 * The counters of format.h, in /proc order (as the current module prints
 * them), and which of them say that data units were not timed: a counter
 * added to format.h must be classified here (and in
 * nl_is_coverage_counter() if it is one).  current-6.12-dual.txt is a
 * real snapshot of the module before the IPv4/IPv6 split
 * (current-6.12-lo.txt) with the split's four lines added.
 */
static void test_counter_names(void)
{
	static const char *const coverage[] = {
		"tx_incomplete", "tx_sock_tcp.unmatched_end",
		"tx_tcp_ip.unmatched_end", "tx_ip_dev.unmatched_start",
		"tx_ip_dev.unmatched_end", "tx_interleaved", "rx_incomplete",
		"rx_dev_ip.unmatched_end", "rx_ip_tcp.unmatched_end",
		"rx_tcp_user.unmatched_start", "rx_tcp_user.unmatched_end",
		"rx_fastopen_data", "negative_delta", "table_full", "ring_full",
		"tx_thinned", "rx_thinned",
	};
	static const char *const other[] = {
		"tx_retransmit_segments", "tx_data_segments",
		"tx_calls_without_tcp", "rx_duplicate_segments", "rx_data_skbs",
		"rx_gro_segments", "rx_dropped_before_socket", "expired",
		"sockets_purged", "sockets_reused", "tx_data_segments.ipv4",
		"tx_data_segments.ipv6", "rx_data_skbs.ipv4",
		"rx_data_skbs.ipv6", "tx_timed", "rx_timed", "slow_logged",
		"slow_lost",
	};
	unsigned int i, k, found;

	CHECK_U64(parse_fixture("current-6.12-thinning.txt", &snap, &err), NL_OK);
	CHECK_U64(snap.nr_counters, NETLAT_NR_COUNTERS);
	for (i = 0; i < NETLAT_NR_COUNTERS && i < snap.nr_counters; i++)
		CHECK_STR(snap.counter[i].name, netlat_counter_name(i));
	/* counters are only appended: an older module's are a prefix */
	CHECK_U64(parse_fixture("current-6.12-lo.txt", &snap, &err), NL_OK);
	CHECK_U64(snap.nr_counters, NETLAT_C_TX_SEGMENTS_V4);
	for (i = 0; i < snap.nr_counters; i++)
		CHECK_STR(snap.counter[i].name, netlat_counter_name(i));
	CHECK_U64(NETLAT_NR_COUNTERS,
		  sizeof(coverage) / sizeof(coverage[0]) +
		  sizeof(other) / sizeof(other[0]));
	for (i = 0; i < NETLAT_NR_COUNTERS; i++) {
		found = 0;
		for (k = 0; k < sizeof(coverage) / sizeof(coverage[0]); k++)
			if (!strcmp(netlat_counter_name(i), coverage[k]))
				found = 1;
		for (k = 0; k < sizeof(other) / sizeof(other[0]); k++)
			if (!strcmp(netlat_counter_name(i), other[k]))
				found = 2;
		if (!found)
			fprintf(stderr, "counter %s: classify it\n", netlat_counter_name(i));
		CHECK(found);
		CHECK_U64(nl_is_coverage_counter(netlat_counter_name(i)), found == 1);
	}
	for (i = 0; i < NETLAT_NR_COUNTERS; i++)
		CHECK_U64(nl_is_family_counter(netlat_counter_name(i)),
			  i >= NETLAT_C_TX_SEGMENTS_V4 &&
			  i <= NETLAT_C_RX_SKBS_V6);
	CHECK(!nl_is_family_counter("tx_data_segments.ipv5"));
	for (i = 0; i < NETLAT_NR_COUNTERS; i++) {
		CHECK_U64(nl_is_timed_counter(netlat_counter_name(i)),
			  i == NETLAT_C_TX_TIMED || i == NETLAT_C_RX_TIMED);
		CHECK_U64(nl_is_thinned_counter(netlat_counter_name(i)),
			  i == NETLAT_C_TX_THINNED || i == NETLAT_C_RX_THINNED);
	}
	CHECK_STR(nl_name_dir("tx_tcp_ip.unmatched_end"), "tx");
	CHECK_STR(nl_name_dir("rx_total"), "rx");
	CHECK(!nl_name_dir("table_full"));
	CHECK(!nl_name_dir("sock_destroy"));
}

#define TX_STAGES	0x0fu	/* tx_sock_tcp .. tx_total */
#define RX_STAGES	0xf0u	/* rx_dev_ip .. rx_total */
#define BIT(stage)	(1u << (stage))

/*
 * Which stages shown (-s, --tx, --rx) bring each counter of format.h
 * (nl_counter_shown()): a stage's own with it, a direction's with any
 * stage of it, the others always.  A counter added to format.h must be
 * placed here.
 */
static void test_counter_stages(void)
{
	static const struct {
		const char *name;
		unsigned int with;	/* the stages that bring it */
	} want[] = {
		{ "tx_incomplete", TX_STAGES },
		{ "tx_sock_tcp.unmatched_end", BIT(NETLAT_TX_SOCK_TCP) },
		{ "tx_tcp_ip.unmatched_end", BIT(NETLAT_TX_TCP_IP) },
		{ "tx_ip_dev.unmatched_start", BIT(NETLAT_TX_IP_DEV) },
		{ "tx_ip_dev.unmatched_end", BIT(NETLAT_TX_IP_DEV) },
		{ "tx_retransmit_segments", TX_STAGES },
		{ "tx_data_segments", TX_STAGES },
		{ "rx_incomplete", RX_STAGES },
		{ "rx_dev_ip.unmatched_end", BIT(NETLAT_RX_DEV_IP) },
		{ "rx_ip_tcp.unmatched_end", BIT(NETLAT_RX_IP_TCP) },
		{ "rx_tcp_user.unmatched_start", BIT(NETLAT_RX_TCP_USER) },
		{ "rx_tcp_user.unmatched_end", BIT(NETLAT_RX_TCP_USER) },
		{ "rx_duplicate_segments", RX_STAGES },
		{ "rx_data_skbs", RX_STAGES },
		{ "rx_gro_segments", RX_STAGES },
		{ "negative_delta", NL_ALL_STAGES },
		{ "table_full", NL_ALL_STAGES },
		{ "ring_full", NL_ALL_STAGES },
		{ "expired", NL_ALL_STAGES },
		{ "sockets_purged", NL_ALL_STAGES },
		{ "tx_interleaved", TX_STAGES },
		{ "rx_fastopen_data", RX_STAGES },
		{ "sockets_reused", NL_ALL_STAGES },
		{ "tx_calls_without_tcp", TX_STAGES },
		{ "rx_dropped_before_socket", RX_STAGES },
		{ "tx_data_segments.ipv4", TX_STAGES },
		{ "tx_data_segments.ipv6", TX_STAGES },
		{ "rx_data_skbs.ipv4", RX_STAGES },
		{ "rx_data_skbs.ipv6", RX_STAGES },
		{ "tx_thinned", TX_STAGES },
		{ "rx_thinned", RX_STAGES },
		{ "tx_timed", TX_STAGES },
		{ "rx_timed", RX_STAGES },
		{ "slow_logged", NL_ALL_STAGES },
		{ "slow_lost", NL_ALL_STAGES },
		/* a newer module's, by the same rules */
		{ "tx_total.unmatched_end", BIT(NETLAT_TX_TOTAL) },
		{ "rx_new.thing", RX_STAGES },
		{ "tx_total_bytes", TX_STAGES },
		{ "new_thing.x", NL_ALL_STAGES },
		{ "tx.x", NL_ALL_STAGES },
	};
	unsigned int i, k, bad = 0;

	/* the masks above are format.h's directions */
	CHECK_U64(TX_STAGES | RX_STAGES, NL_ALL_STAGES);
	for (k = 0; k < NETLAT_NR_STAGES; k++)
		CHECK_STR(netlat_stage_info(k)->dir,
			  TX_STAGES & BIT(k) ? "tx" : "rx");
	for (i = 0; i < NETLAT_NR_COUNTERS; i++)
		CHECK_STR(want[i].name, netlat_counter_name(i));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		/* each stage alone, then every stage but those that bring it */
		for (k = 0; k < NETLAT_NR_STAGES; k++)
			if (nl_counter_shown(want[i].name, BIT(k)) !=
			    !!(want[i].with & BIT(k))) {
				fprintf(stderr, "%s with stage %u alone: %d\n",
					want[i].name, k, !!(want[i].with &
							     BIT(k)));
				bad++;
			}
		CHECK(nl_counter_shown(want[i].name, NL_ALL_STAGES));
		CHECK(want[i].with == NL_ALL_STAGES ||
		      !nl_counter_shown(want[i].name,
					NL_ALL_STAGES & ~want[i].with));
	}
	CHECK_U64(bad, 0);
	CHECK(nl_dir_shown("tx", BIT(NETLAT_TX_IP_DEV)));
	CHECK(!nl_dir_shown("rx", BIT(NETLAT_TX_IP_DEV)));
	CHECK(nl_dir_shown(NULL, BIT(NETLAT_TX_IP_DEV)));
	/* probe points: a direction's with it, the lifecycle ones always */
	CHECK(nl_probe_shown("tx_tcp_locked", BIT(NETLAT_TX_IP_DEV)));
	CHECK(!nl_probe_shown("rx_sock", BIT(NETLAT_TX_IP_DEV)));
	CHECK(!nl_probe_shown("tx_dev", BIT(NETLAT_RX_TOTAL)));
	CHECK(nl_probe_shown("sock_destroy", BIT(NETLAT_TX_IP_DEV)));
	CHECK(nl_probe_shown("sock_disconnect", BIT(NETLAT_RX_TOTAL)));
}

struct bad_file {
	const char *name;
	enum nl_status st;
	unsigned int line;
	const char *msg;
};

static void test_bad_fixtures(void)
{
	static const struct bad_file bad[] = {
		{ "empty.txt", NL_ERR_TRUNCATED, 0, "no data" },
		{ "comments-only.txt", NL_ERR_TRUNCATED, 0, "no data" },
		{ "truncated.txt", NL_ERR_TRUNCATED, 0, "no 'end' line" },
		{ "truncated-midline.txt", NL_ERR_MALFORMED, 126,
		  "a key without a value" },
		{ "version2.txt", NL_ERR_VERSION, 3,
		  "format version 2; this netlat reads version 1" },
		{ "overflow.txt", NL_ERR_MALFORMED, 51,
		  "count: '18446744073709551616' is not a number" },
		{ "malformed.txt", NL_ERR_MALFORMED, 335,
		  "table_full: '12x' is not a number" },
		{ "garbage.bin", NL_ERR_MALFORMED, 0, "" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_U64(parse_fixture(bad[i].name, &snap, &err), bad[i].st);
		if (bad[i].line)
			CHECK_U64(err.line, bad[i].line);
		CHECK_HAS(err.msg, bad[i].msg);
		if (strcmp(bad[i].name, "garbage.bin") && !err.msg[0])
			CHECK(!"an error without a message");
	}
}

/*
 * A variant of the minimal fixture: the first line starting with @old
 * replaced by @new ("" deletes it); @old NULL appends @new at the end.
 */
static char *variant(const char *old, const char *new)
{
	char *base = fixture("minimal.txt", NULL), *out, *at = NULL, *eol;
	size_t n = strlen(base) + strlen(new) + 2;

	out = malloc(n);
	if (old) {
		at = strstr(base, old);
		while (at && at != base && at[-1] != '\n')
			at = strstr(at + 1, old);
	}
	if (!old) {
		snprintf(out, n, "%s%s", base, new);
	} else if (!at) {
		fprintf(stderr, "variant: no line '%s'\n", old);
		exit(2);
	} else {
		eol = strchr(at, '\n');
		*at = '\0';
		snprintf(out, n, "%s%s%s%s", base, new, *new ? "\n" : "",
			 eol ? eol + 1 : "");
	}
	free(base);
	return out;
}

struct bad_line {
	const char *old;	/* line prefix to replace; NULL: append */
	const char *new;
	enum nl_status st;
	const char *msg;
};

/* Only printable ASCII: nothing a terminal would act on. */
static int printable(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return 0;
	return 1;
}

/* The lines of newer modules; older snapshots without them. */
static void test_filters(void)
{
	const struct nl_filters *f = &snap.filter;
	char buf[64], *text;
	size_t len;

	/* none of them: nothing known */
	CHECK_U64(parse_fixture("real-6.12-lo.txt", &snap, &err), NL_OK);
	CHECK(!snap.has_realtime);
	CHECK_STR(snap.hostname, "");
	CHECK_U64(snap.enabled, (uint64_t)-1);
	CHECK(!f->seen && !f->directions && !f->has_ports && !f->has_netns &&
	      !f->has_sample);
	CHECK_U64(f->family, (uint64_t)-1);
	CHECK(!nl_filters_narrow(f));
	/* enabled alone (the modules before these lines) */
	CHECK_U64(parse_fixture("current-6.12-lo.txt", &snap, &err), NL_OK);
	CHECK_U64(snap.enabled, 1);
	CHECK(!f->seen);

	/* every filter at its default */
	CHECK_U64(parse_fixture("current-6.12-defaults.txt", &snap, &err),
		  NL_OK);
	CHECK(snap.has_realtime);
	CHECK_U64(snap.realtime_ns, 1796452332570632414ull);
	CHECK_U64(snap.time_ns, 13161827445ull);	/* unchanged */
	CHECK_STR(snap.hostname, "db-3");
	CHECK_U64(snap.enabled, 1);
	CHECK(f->seen);
	CHECK_U64(f->directions, 3);
	CHECK(f->has_ports && f->all_ports);
	CHECK_U64(f->nr_ports, 0);
	CHECK_U64(f->family, 0);
	CHECK(f->has_netns && !f->netns);
	CHECK(f->has_sample);
	CHECK_U64(f->sample, 1);
	CHECK(!nl_filters_narrow(f));

	/* every filter narrowed, collection off, an escaped host name */
	CHECK_U64(parse_fixture("current-6.12-filters.txt", &snap, &err),
		  NL_OK);
	CHECK_STR(snap.hostname, "lab\\040box\\303\\251");
	CHECK_U64(snap.enabled, 0);
	CHECK_U64(f->directions, 1);
	CHECK(f->has_ports && !f->all_ports);
	CHECK_U64(f->nr_ports, 2 + 101);
	CHECK(nl_port_listed(f, 80) && nl_port_listed(f, 443) &&
	      nl_port_listed(f, 8000) && nl_port_listed(f, 8100));
	CHECK(!nl_port_listed(f, 79) && !nl_port_listed(f, 81) &&
	      !nl_port_listed(f, 7999) && !nl_port_listed(f, 8101) &&
	      !nl_port_listed(f, 65536));
	CHECK_U64(f->family, 4);
	CHECK_U64(f->netns, 4026531840ull);
	CHECK_U64(f->sample, 10);
	CHECK(nl_filters_narrow(f));
	CHECK_U64(nl_ports_format(f, buf, sizeof(buf), &len), 0);
	CHECK_STR(buf, "80,443,8000-8100");
	CHECK_U64(len, 16);
	/* cut where it does not fit, and said so */
	CHECK_U64(nl_ports_format(f, buf, 12, &len), 1);
	CHECK_STR(buf, "80,443,...");
	CHECK_U64(nl_ports_format(f, NULL, 0, &len), 0);
	CHECK_U64(len, 16);

	/* one narrowed filter is enough; overlapping ranges merge */
	text = variant("sockets", "filter ports 0,1-7,7-9,65535,100-200,"
		       "150-160,00022\nsockets 2 capacity 1024");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_U64(f->nr_ports, 10 + 1 + 101 + 1);
	CHECK(nl_filters_narrow(f));
	CHECK_U64(nl_ports_format(f, buf, sizeof(buf), &len), 0);
	CHECK_STR(buf, "0-9,22,100-200,65535");
	free(text);
	text = variant("sockets", "filter ports\nsockets 2 capacity 1024");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK(f->has_ports && !f->all_ports && !f->nr_ports);
	free(text);
	text = variant("sockets", "filter sample 100\nsockets 2");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK(nl_filters_narrow(f));
	free(text);
	text = variant("sockets", "filter netns 7 extra words\nfilter new 1\n"
		       "sockets 2");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_U64(f->netns, 7);
	free(text);
	text = variant("sockets", "hostname (none)\nsockets 2");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_STR(snap.hostname, "(none)");
	free(text);
}

/*
 * The ports list may hold up to 65536 ports: a line far beyond any other
 * keyword's, parsed whole (every port given one by one: about 400 KB).
 */
static void test_long_ports(void)
{
	const struct nl_filters *f = &snap.filter;
	size_t cap = 8 * NL_PORTS + 64, o, len;
	char *line = malloc(cap), *text, *list;
	unsigned int i;

	o = (size_t)snprintf(line, cap, "filter ports ");
	for (i = 0; i < NL_PORTS; i++)
		o += (size_t)snprintf(line + o, cap - o, "%s%u", i ? "," : "",
				      i);
	CHECK(o > 380000);
	snprintf(line + o, cap - o, "  \nsockets 2");
	text = variant("sockets", line);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_U64(f->nr_ports, NL_PORTS);
	CHECK_U64(snap.capacity, 0);	/* the lines after it are read */
	CHECK_U64(nl_ports_format(f, NULL, 0, &len), 0);
	CHECK_U64(len, strlen("0-65535"));
	free(text);
	/* every other port: the longest list the module prints */
	o = (size_t)snprintf(line, cap, "\tfilter\tports\t");
	for (i = 1; i < NL_PORTS; i += 2)
		o += (size_t)snprintf(line + o, cap - o, "%s%u", i > 1 ? "," :
				      "", i);
	text = variant("sockets", line);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_U64(f->nr_ports, NL_PORTS / 2);
	CHECK(nl_port_listed(f, 65535) && !nl_port_listed(f, 65534));
	CHECK_U64(nl_ports_format(f, NULL, 0, &len), 0);
	CHECK_U64(len, o - strlen("\tfilter\tports\t"));
	list = malloc(len + 1);
	CHECK_U64(nl_ports_format(f, list, len + 1, NULL), 0);
	CHECK(!strcmp(list, line + strlen("\tfilter\tports\t")));
	free(list);
	free(text);
	/* a bad port far into the long line: a clean failure, its line */
	line[o - 1] = 'x';
	text = variant("sockets", line);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "a list of ports and ranges");
	CHECK_U64(err.line, 8);
	free(text);
	/*
	 * the same as the input's last bytes, not NUL-terminated: the
	 * message quotes no byte beyond them (ASan build)
	 */
	{
		char *base = variant("end", ""), *exact;
		size_t bl = strlen(base), ll = strlen(line);

		exact = malloc(bl + ll);
		memcpy(exact, base, bl);
		memcpy(exact + bl, line, ll);
		exact[bl + ll - 1] = ',';
		CHECK_U64(nl_parse(exact, bl + ll, &snap, &err),
			  NL_ERR_MALFORMED);
		CHECK_HAS(err.msg, "not ','");
		exact[bl + ll - 1] = '7';
		exact[bl + ll - 2] = '9';
		CHECK_U64(nl_parse(exact, bl + ll, &snap, &err),
			  NL_ERR_MALFORMED);
		free(exact);
		free(base);
	}
	/* a long line of another keyword is still refused */
	memcpy(line, "filter portz ", 13);
	text = variant("sockets", line);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "line longer than 4096 bytes");
	free(text);
	/* a long ports line with a second field */
	o = (size_t)snprintf(line, cap, "filter ports 1");
	memset(line + o, ',', 5000);
	snprintf(line + o, cap - o, "%s", " 2");
	memset(line + 14, ' ', 5000);
	snprintf(line + 5014, cap - 5014, "1 2");
	text = variant("sockets", line);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "'filter ports' line has more than 3 fields");
	free(text);
	/* many overlapping full ranges: quick (bytes set at once) */
	o = (size_t)snprintf(line, cap, "filter ports ");
	while (o + 10 < 400000)
		o += (size_t)snprintf(line + o, cap - o, "0-65535,");
	snprintf(line + o, cap - o, "1");
	text = variant("sockets", line);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_U64(f->nr_ports, NL_PORTS);
	free(text);
	free(line);
}

static void test_escape(void)
{
	char b[16], big[64];

	CHECK_STR(nl_escape(b, sizeof(b), "plain", 64), "plain");
	CHECK_STR(nl_escape(b, sizeof(b), "\x1b[1m", 64), "\\x1b[1m");
	CHECK_STR(nl_escape(big, sizeof(big), "a\\b\t\x7f\x80", 64),
		  "a\\\\b\\x09\\x7f\\x80");
	/* @max bytes at most */
	CHECK_STR(nl_escape(b, sizeof(b), "abcdef", 3), "abc");
	/* truncated to fit, never inside an escape */
	CHECK_STR(nl_escape(b, sizeof(b), "0123456789ab\x01", 64),
		  "0123456789ab");
	CHECK_STR(nl_escape(b, sizeof(b), "0123456789a\x01", 64),
		  "0123456789a\\x01");
	CHECK_STR(nl_escape(b, 1, "abc", 64), "");
}

static void test_bad_lines(void)
{
	static const struct bad_line bad[] = {
		{ "version 1", "version x", NL_ERR_MALFORMED,
		  "version: 'x' is not a number" },
		{ "version 1", "version", NL_ERR_MALFORMED,
		  "'version' line has 1 fields, needs 2" },
		{ "version 1", "version 0", NL_ERR_VERSION, "format version 0" },
		{ "version 1", "version 18446744073709551615", NL_ERR_VERSION,
		  "format version 18446744073709551615" },
		{ "version 1", "version -1", NL_ERR_MALFORMED,
		  "is not a number" },
		{ "version 1", "", NL_ERR_MALFORMED,
		  "'module' before the version line" },
		{ "module", "version 1", NL_ERR_MALFORMED,
		  "a second 'version' line" },
		{ "module", "module", NL_ERR_MALFORMED, "'module' line has 1" },
		{ "module", "module 0123456789012345678901234567890123456789"
		  "012345678901234567890123", NL_ERR_MALFORMED,
		  "module version is longer than 63 bytes" },
		{ "kernel", "kernel 6.1\x01", NL_ERR_MALFORMED,
		  "not printable ASCII" },
		{ "kernel", "kernel 6.1\xc3\xa9", NL_ERR_MALFORMED,
		  "not printable ASCII" },
		{ "time_ns", "time_ns -5", NL_ERR_MALFORMED,
		  "time_ns: '-5' is not a number" },
		{ "time_ns", "time_ns 1e9", NL_ERR_MALFORMED,
		  "time_ns: '1e9' is not a number" },
		{ "sockets", "sockets 2 capacity", NL_ERR_MALFORMED,
		  "a key without a value" },
		{ "sockets", "sockets 2 capacity 99999999999999999999",
		  NL_ERR_MALFORMED, "capacity: '99999999999999999999'" },
		{ "probe tx_sock", "probe tx_sock security_socket_sendmsg ftrace"
		  " hits 10", NL_ERR_MALFORMED, "'probe' line has no 'missed'" },
		{ "probe tx_sock", "probe tx_sock security_socket_sendmsg ftrace"
		  " hits 10 missed", NL_ERR_MALFORMED,
		  "a key without a value" },
		{ "probe tx_sock", "probe tx_sock security_socket_sendmsg ftrace"
		  " hits 10 lost 0", NL_ERR_MALFORMED,
		  "'probe' line has no 'missed'" },
		{ "probe tx_sock", "probe tx_sock security_socket_sendmsg ftrace"
		  " hits 10 missed 0 hits 3", NL_ERR_MALFORMED,
		  "'hits' given twice" },
		{ "probe tx_sock", "probe tx_sock", NL_ERR_MALFORMED,
		  "'probe' line has 2 fields, needs 4" },
		{ "probe rx_sock tcp_v4_do_rcv", "probe rx_sock tcp_add_backlog"
		  " ftrace hits 1 missed 0", NL_ERR_MALFORMED,
		  "probe rx_sock tcp_add_backlog listed twice" },
		{ "probe tx_sock", "probe tx_sock security_socket_sendmsg ftrace"
		  " hits 0x10 missed 0", NL_ERR_MALFORMED,
		  "hits: '0x10' is not a number" },
		{ "stage tx_sock_tcp", "stage tx_sock_tcp rx count 4 sum_ns "
		  "52100 min_ns 100 max_ns 50000", NL_ERR_MALFORMED,
		  "stage tx_sock_tcp has direction 'rx', not tx" },
		{ "stage tx_sock_tcp", "stage tx_sock_tcp tx sum_ns 52100 "
		  "min_ns 100 max_ns 50000", NL_ERR_MALFORMED,
		  "'stage' line has no 'count'" },
		{ "stage tx_sock_tcp", "stage tx_sock_tcp tx count 4 sum_ns "
		  "52100 min_ns 100 max_ns", NL_ERR_MALFORMED,
		  "a key without a value" },
		{ "stage tx_sock_tcp", "stage tx_sock_tcp", NL_ERR_MALFORMED,
		  "'stage' line has 2 fields, needs 3" },
		{ "stage tx_sock_tcp", "stage tx_sock_tcp tx count 5 sum_ns "
		  "52100 min_ns 100 max_ns 50000", NL_ERR_MALFORMED,
		  "stage tx_sock_tcp: buckets add up to 4, count is 5" },
		{ "stage tx_sock_tcp", "stage tx_sock_tcp tx count 4 sum_ns "
		  "52100 min_ns 1000 max_ns 50000", NL_ERR_MALFORMED,
		  "min_ns/max_ns are not in the first/last non-empty bucket" },
		{ "stage tx_sock_tcp", "stage tx_sock_tcp tx count 4 sum_ns "
		  "52100 min_ns 100 max_ns 5000", NL_ERR_MALFORMED,
		  "min_ns/max_ns are not in the first/last non-empty bucket" },
		{ "stage rx_total", "stage rx_total rx count 0 sum_ns 5 "
		  "min_ns 0 max_ns 0", NL_ERR_MALFORMED,
		  "stage rx_total: no samples but a sum, min or max" },
		{ "stage rx_total", "", NL_ERR_MALFORMED,
		  "no stage rx_total line" },
		{ "stage tx_ip_dev", "stage tx_ip_dev tx count 4 sum_ns 8000 "
		  "min_ns 2000 max_ns 2000\nstage tx_ip_dev tx count 4 sum_ns 8000 "
		  "min_ns 2000 max_ns 2000", NL_ERR_MALFORMED,
		  "stage tx_ip_dev listed twice" },
		{ "bucket tx_ip_dev", "bucket tx_ip_dev 1900 2048 4 |*|",
		  NL_ERR_MALFORMED,
		  "bucket [1900, 2048) is not one of the histogram's buckets" },
		{ "bucket tx_ip_dev", "bucket tx_ip_dev 1920 2047 4 |*|",
		  NL_ERR_MALFORMED, "is not one of the histogram's buckets" },
		{ "bucket tx_ip_dev", "bucket tx_ip_dev 68719476736 "
		  "18446744073709551614 4", NL_ERR_MALFORMED,
		  "is not one of the histogram's buckets" },
		{ "bucket tx_ip_dev", "bucket tx_ip_dev 1920 2048 2\nbucket "
		  "tx_ip_dev 1920 2048 2", NL_ERR_MALFORMED,
		  "bucket [1920, 2048) of tx_ip_dev listed twice" },
		{ "bucket tx_ip_dev", "bucket tx_ip_dev 1920 2048",
		  NL_ERR_MALFORMED, "'bucket' line has 4 fields, needs 5" },
		{ "bucket tx_ip_dev", "bucket tx_ip_dev 1920 2048 four",
		  NL_ERR_MALFORMED, "bucket count: 'four' is not a number" },
		{ "bucket tx_ip_dev", "bucket tx_ip_dev 1920 2048 3 |*|",
		  NL_ERR_MALFORMED, "buckets add up to 3, count is 4" },
		{ "stage tx_sock_tcp", "bucket tx_sock_tcp 96 104 1 |*|",
		  NL_ERR_MALFORMED,
		  "bucket of stage tx_sock_tcp before its stage line" },
		{ "counter table_full", "counter table_full", NL_ERR_MALFORMED,
		  "'counter' line has 2 fields, needs 3" },
		{ "counter table_full", "counter table_full -1",
		  NL_ERR_MALFORMED, "table_full: '-1' is not a number" },
		{ "counter table_full", "counter expired 1", NL_ERR_MALFORMED,
		  "counter expired listed twice" },
		{ "counter table_full", "counter table\x7f 1", NL_ERR_MALFORMED,
		  "counter name has a byte that is not printable ASCII" },
		{ "end", "end\nversion 1", NL_ERR_MALFORMED,
		  "'version' after the end line" },
		{ "end", "end\nfuture 1", NL_ERR_MALFORMED,
		  "'future' after the end line" },
		{ "end", "", NL_ERR_TRUNCATED, "no 'end' line" },
		{ "time_ns", "histogram sub_buckets 16 max_ns 68719476736\n"
		  "sockets 0", NL_ERR_VERSION, "histogram layout sub_buckets 16" },
		{ "time_ns", "histogram sub_buckets 8 max_ns 4096\n"
		  "sockets 0", NL_ERR_VERSION, "max_ns 4096" },
		{ "time_ns", "histogram sub_buckets 8\ntime_ns 1",
		  NL_ERR_MALFORMED, "max_ns" },
		{ "time_ns", "histogram sub_buckets 8 max_ns 68719476736\n"
		  "time_ns 1", NL_OK, "" },
		{ "version 1", "version 1\r", NL_ERR_MALFORMED,
		  "version: '1\\x0d' is not a number" },
		/* the filter, host and clock lines of newer modules */
		{ "sockets", "realtime_ns 1.5", NL_ERR_MALFORMED,
		  "realtime_ns: '1.5' is not a number" },
		{ "sockets", "hostname", NL_ERR_MALFORMED,
		  "'hostname' line has 1 fields, needs 2" },
		{ "sockets", "hostname a\\12", NL_ERR_MALFORMED,
		  "a backslash not followed by 3 octal digits" },
		{ "sockets", "hostname a\\400", NL_ERR_MALFORMED,
		  "a backslash not followed by 3 octal digits" },
		{ "sockets", "hostname a\\", NL_ERR_MALFORMED,
		  "a backslash not followed by 3 octal digits" },
		{ "sockets", "hostname h\xc3\xa9", NL_ERR_MALFORMED,
		  "hostname has a byte that is not printable ASCII" },
		{ "sockets", "enabled yes", NL_ERR_MALFORMED,
		  "enabled: 'yes' is not a number" },
		{ "sockets", "filter", NL_ERR_MALFORMED,
		  "'filter' line has 1 fields, needs 2" },
		{ "sockets", "filter directions", NL_ERR_MALFORMED,
		  "'filter' line has 2 fields, needs 3" },
		{ "sockets", "filter directions both", NL_ERR_MALFORMED,
		  "filter directions: 'both' is not tx,rx, tx or rx" },
		{ "sockets", "filter family 5", NL_ERR_MALFORMED,
		  "filter family: '5' is not all, 4 or 6" },
		{ "sockets", "filter netns -1", NL_ERR_MALFORMED,
		  "filter netns: '-1' is not a number" },
		{ "sockets", "filter sample x", NL_ERR_MALFORMED,
		  "filter sample: 'x' is not a number" },
		{ "sockets", "filter ports 80 443", NL_ERR_MALFORMED,
		  "'filter ports' line has 4 fields, wants 3" },
		{ "sockets", "filter ports 65536", NL_ERR_MALFORMED,
		  "filter ports: '65536' is not a port in 0..65535" },
		{ "sockets", "filter ports 99999999999999999999999", NL_ERR_MALFORMED,
		  "is not a port in 0..65535" },
		{ "sockets", "filter ports 80,", NL_ERR_MALFORMED,
		  "filter ports: a list of ports and ranges like 80,443,8000-8100, not ','" },
		{ "sockets", "filter ports ,80", NL_ERR_MALFORMED,
		  "not ',80'" },
		{ "sockets", "filter ports 80,,81", NL_ERR_MALFORMED,
		  "not ',81'" },
		{ "sockets", "filter ports 90-80", NL_ERR_MALFORMED,
		  "filter ports: range 90-80 goes down" },
		{ "sockets", "filter ports 80-", NL_ERR_MALFORMED,
		  "a list of ports and ranges" },
		{ "sockets", "filter ports 8000-8100:10/20", NL_ERR_MALFORMED,
		  "not ':10/20'" },
		{ "sockets", "filter ports ALL", NL_ERR_MALFORMED,
		  "not 'ALL'" },
		{ "version 1", "version 1\nfilter ports 1\nend\nfilter ports 2",
		  NL_ERR_MALFORMED, "'filter' after the end line" },
		/* the input's bytes are escaped in messages */
		{ "time_ns", "time_ns \x1b[31m5", NL_ERR_MALFORMED,
		  "time_ns: '\\x1b[31m5' is not a number" },
		{ "version 1", "\x1b]0;pwned\x07 1", NL_ERR_MALFORMED,
		  "'\\x1b]0;pwned\\x07' before the version line" },
		{ "time_ns", "time_ns 1\\2\xff", NL_ERR_MALFORMED,
		  "time_ns: '1\\\\2\\xff' is not a number" },
		{ NULL, "stage tx_total tx count 18446744073709551615 sum_ns 0 "
		  "min_ns 0 max_ns 0", NL_ERR_MALFORMED,
		  "'stage' after the end line" },
	};
	unsigned int i;
	char *text;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = variant(bad[i].old, bad[i].new);
		if (nl_parse(text, strlen(text), &snap, &err) != bad[i].st) {
			t_fail++;
			fprintf(stderr, "FAIL: '%s' -> '%s': status %d, want %d"
				" (%u: %s)\n", bad[i].old, bad[i].new,
				nl_parse(text, strlen(text), &snap, &err),
				bad[i].st, err.line, err.msg);
		} else {
			t_pass++;
		}
		CHECK(printable(err.msg));
		if (!strstr(err.msg, bad[i].msg)) {
			t_fail++;
			fprintf(stderr, "FAIL: '%s' -> '%s': message '%s', want"
				" '%s'\n", bad[i].old, bad[i].new, err.msg,
				bad[i].msg);
		} else {
			t_pass++;
		}
		free(text);
	}
}

static void test_bounds(void)
{
	char *text, *big;
	size_t n, i;

	/* accepted variants: no final newline, blank lines, tabs */
	text = variant("end", "end");
	n = strlen(text);
	CHECK_U64(nl_parse(text, n - 1, &snap, &err), NL_OK);
	free(text);
	text = variant("sockets", "\n\t\nsockets\t2  capacity\t1024\n   ");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_U64(snap.capacity, 1024);
	free(text);
	text = variant("sockets", "sockets 2");	/* capacity is optional */
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_U64(snap.capacity, 0);
	free(text);

	/* a line of exactly NL_LINE_MAX bytes is fine, one more is not */
	big = malloc(NL_LINE_MAX + 2);
	memset(big, 'x', NL_LINE_MAX + 1);
	big[0] = '#';
	big[NL_LINE_MAX] = '\0';
	text = variant("sockets", big);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	free(text);
	big[NL_LINE_MAX] = 'x';
	big[NL_LINE_MAX + 1] = '\0';
	text = variant("sockets", big);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "line longer than 4096 bytes");
	CHECK_U64(err.line, 8);
	free(text);
	free(big);

	/* 64 fields are fine (unknown keyword), 65 are not */
	big = malloc(65 * 2 + 1);
	for (i = 0; i < 65; i++)
		memcpy(big + 2 * i, "k ", 2);
	big[64 * 2] = '\0';
	text = variant("time_ns", big);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	free(text);
	big[64 * 2] = 'k';
	big[65 * 2 - 1] = '\0';
	text = variant("time_ns", big);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "more than 64 fields on a line");
	free(text);
	free(big);

	/* a NUL byte inside a line */
	text = variant(NULL, "");
	n = strlen(text);
	text[10] = '\0';
	CHECK_U64(nl_parse(text, n, &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "NUL byte");
	CHECK_U64(err.line, 1);
	free(text);

	/* larger than NL_INPUT_MAX */
	big = calloc(1, NL_INPUT_MAX + 1);
	CHECK_U64(nl_parse(big, NL_INPUT_MAX + 1, &snap, &err),
		  NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "input larger than");
	free(big);

	/* too many probes and counters: bounded arrays, not overflowed */
	big = malloc(200 * 80);
	big[0] = '\0';
	for (i = 0; i <= NL_MAX_PROBES; i++)
		sprintf(big + strlen(big),
			"probe p%zu s ftrace hits 1 missed 0\n", i);
	text = variant("sockets", big);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "more than 64 probe lines");
	free(text);
	big[0] = '\0';
	for (i = 0; i <= NL_MAX_COUNTERS; i++)
		sprintf(big + strlen(big), "counter c%zu 1\n", i);
	text = variant("sockets", big);
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "more than 128 counter lines");
	free(text);
	free(big);

	/* a count no real stage reaches (netlat_percentile divides by n+1) */
	text = variant("stage rx_total", "stage rx_total rx count "
		       "18446744073709551615 sum_ns 0 min_ns 1 max_ns 1\n"
		       "bucket rx_total 1 2 18446744073709551615 |*|");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "is beyond any real count");
	free(text);
	/* bucket counts that wrap around when added */
	text = variant("stage rx_total", "stage rx_total rx count 1 sum_ns 0 "
		       "min_ns 1 max_ns 2\nbucket rx_total 1 2 "
		       "18446744073709551615 |*|\nbucket rx_total 2 3 2 |*|");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "bucket counts overflow");
	free(text);
}

/* load_id and resets: read when printed, absent from older modules. */
static void test_load_id(void)
{
	char *text;

	CHECK_U64(parse_fixture("current-6.12-load-a.txt", &snap, &err), NL_OK);
	CHECK(snap.has_load_id);
	CHECK_U64(snap.load_id, 0x3f2a9c0d11e4b786ull);
	CHECK(snap.has_resets);
	CHECK_U64(snap.resets, 0);
	CHECK_U64(parse_fixture("current-6.12-load-b.txt", &snap, &err), NL_OK);
	CHECK_U64(snap.load_id, 0xc70e51a2948bd603ull);
	CHECK_U64(parse_fixture("current-6.12-defaults.txt", &snap, &err),
		  NL_OK);
	CHECK(!snap.has_load_id);
	CHECK(!snap.has_resets);

	text = variant("kernel", "kernel 6.12.0-fixture\nload_id FFFFFFFFFFFFFFFF\n"
		       "resets 18446744073709551615");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_OK);
	CHECK_U64(snap.load_id, UINT64_MAX);
	CHECK_U64(snap.resets, UINT64_MAX);
	free(text);
	/* not 16 hex digits */
	text = variant("kernel", "kernel 6.12.0-fixture\nload_id 3f2a9c0d11e4b78");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "load_id: '3f2a9c0d11e4b78' is not 16 hex digits");
	free(text);
	text = variant("kernel", "kernel 6.12.0-fixture\nload_id 3f2a9c0d11e4b786a");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	free(text);
	text = variant("kernel", "kernel 6.12.0-fixture\nload_id 0x2a9c0d11e4b786");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	free(text);
	text = variant("kernel", "kernel 6.12.0-fixture\nload_id");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	free(text);
	text = variant("kernel", "kernel 6.12.0-fixture\nresets -1");
	CHECK_U64(nl_parse(text, strlen(text), &snap, &err), NL_ERR_MALFORMED);
	CHECK_HAS(err.msg, "resets");
	free(text);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_real_exact();
	test_real_all();
	test_family_split();
	test_fixtures_minimal();
	test_counter_names();
	test_counter_stages();
	test_bad_fixtures();
	test_escape();
	test_filters();
	test_long_ports();
	test_bad_lines();
	test_bounds();
	test_load_id();
	return test_done("test_parse");
}
