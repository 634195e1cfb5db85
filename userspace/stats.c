// SPDX-License-Identifier: GPL-2.0
/*
 * Percentiles, interval deltas and coverage counters (stats.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "stats.h"

const unsigned int nl_pct_permyriad[NL_NR_PCT] = { 5000, 9000, 9900, 9990 };
const char *const nl_pct_label[NL_NR_PCT] = { "p50", "p90", "p99", "p99.9" };
const char *const nl_pct_key[NL_NR_PCT] = {
	"p50_ns", "p90_ns", "p99_ns", "p999_ns"
};

void nl_percentiles(const struct nl_stage *st, uint64_t out[NL_NR_PCT])
{
	unsigned int i;

	for (i = 0; i < NL_NR_PCT; i++)
		out[i] = netlat_percentile(st->bucket, st->count, st->min_ns,
					   st->max_ns, nl_pct_permyriad[i]);
}

uint64_t nl_mean_ns(const struct nl_stage *st)
{
	uint64_t mean;

	if (!st->count)
		return 0;
	mean = st->sum_ns / st->count;
	/* round to the nearest nanosecond */
	if (st->sum_ns % st->count >= st->count - st->sum_ns % st->count)
		mean++;
	return mean;
}

static const struct nl_probe *find_probe(const struct nl_snapshot *s,
					 const struct nl_probe *p)
{
	unsigned int i;

	for (i = 0; i < s->nr_probes; i++)
		if (!strcmp(s->probe[i].point, p->point) &&
		    !strcmp(s->probe[i].symbol, p->symbol))
			return &s->probe[i];
	return NULL;
}

/* Did any cumulative number go down (or vanish) from @prev to @cur? */
static int went_down(const struct nl_snapshot *prev,
		     const struct nl_snapshot *cur)
{
	const struct nl_stage *p, *c;
	const struct nl_probe *q;
	unsigned int i, b;
	uint64_t v;

	for (i = 0; i < NETLAT_NR_STAGES; i++) {
		p = &prev->stage[i];
		c = &cur->stage[i];
		if (c->count < p->count || c->sum_ns < p->sum_ns)
			return 1;
		for (b = 0; b < NETLAT_HIST_BUCKETS; b++)
			if (c->bucket[b] < p->bucket[b])
				return 1;
	}
	for (i = 0; i < prev->nr_counters; i++)
		if (nl_counter_get(cur, prev->counter[i].name, &v) ||
		    v < prev->counter[i].value)
			return 1;
	for (i = 0; i < prev->nr_probes; i++) {
		q = find_probe(cur, &prev->probe[i]);
		if (!q || q->hits < prev->probe[i].hits ||
		    q->missed < prev->probe[i].missed)
			return 1;
	}
	return 0;
}

int nl_restart(const struct nl_snapshot *prev,
	       const struct nl_snapshot *cur)
{
	/* one with the keyword and one without: another module was loaded */
	if (prev->has_load_id != cur->has_load_id ||
	    prev->load_id != cur->load_id)
		return NL_RESTART_RELOAD;
	if (prev->has_resets != cur->has_resets ||
	    prev->resets != cur->resets)
		return NL_RESTART_RESET;
	return went_down(prev, cur) ? NL_RESTART_DOWN : NL_RESTART_NONE;
}

static void delta_minmax(const struct nl_stage *p, const struct nl_stage *c,
			 struct nl_stage *d)
{
	unsigned int b, first = NETLAT_HIST_BUCKETS, last = 0;
	int exact_min, exact_max;
	uint64_t hi;

	d->min_ns = 0;
	d->max_ns = 0;
	d->minmax_exact = 1;
	if (!d->count)
		return;
	for (b = 0; b < NETLAT_HIST_BUCKETS; b++) {
		if (!d->bucket[b])
			continue;
		if (first == NETLAT_HIST_BUCKETS)
			first = b;
		last = b;
	}
	/* A new extreme in the cumulative data came from this interval. */
	exact_min = !p->count || c->min_ns < p->min_ns;
	exact_max = !p->count || c->max_ns > p->max_ns;
	d->min_ns = netlat_bucket_lo(first);
	if (exact_min || c->min_ns > d->min_ns)
		d->min_ns = c->min_ns;
	hi = netlat_bucket_hi(last) - 1;
	d->max_ns = exact_max || c->max_ns < hi ? c->max_ns : hi;
	d->minmax_exact = exact_min && exact_max;
}

void nl_delta(const struct nl_snapshot *prev, const struct nl_snapshot *cur,
	      struct nl_snapshot *out)
{
	const struct nl_probe *q;
	unsigned int i, b;
	uint64_t v;

	memcpy(out, cur, sizeof(*out));
	out->is_delta = 1;
	out->interval_ns = cur->time_ns > prev->time_ns ?
			   cur->time_ns - prev->time_ns : 0;
	out->reset_seen = nl_restart(prev, cur);
	if (out->reset_seen)
		return;
	for (i = 0; i < NETLAT_NR_STAGES; i++) {
		const struct nl_stage *p = &prev->stage[i];
		struct nl_stage *d = &out->stage[i];

		d->count -= p->count;
		d->sum_ns -= p->sum_ns;
		for (b = 0; b < NETLAT_HIST_BUCKETS; b++)
			d->bucket[b] -= p->bucket[b];
		memset(d->kpct, 0, sizeof(d->kpct));
		delta_minmax(p, &cur->stage[i], d);
	}
	for (i = 0; i < out->nr_counters; i++)
		if (!nl_counter_get(prev, out->counter[i].name, &v))
			out->counter[i].value -= v;
	for (i = 0; i < out->nr_probes; i++) {
		q = find_probe(prev, &out->probe[i]);
		if (q) {
			out->probe[i].hits -= q->hits;
			out->probe[i].missed -= q->missed;
		}
	}
}

/* The first counter of @x that @y does not have, or NULL. */
static const char *counter_missing(const struct nl_snapshot *x,
				   const struct nl_snapshot *y)
{
	unsigned int i;
	uint64_t v;

	for (i = 0; i < x->nr_counters; i++)
		if (nl_counter_get(y, x->counter[i].name, &v))
			return x->counter[i].name;
	return NULL;
}

int nl_diff_check(const struct nl_snapshot *a, const struct nl_snapshot *b,
		  char *why, size_t size)
{
	const char *name;

	if (strcmp(a->module, b->module)) {
		snprintf(why, size, "not the same module version (%s, %s)",
			 a->module, b->module);
		return -1;
	}
	if (strcmp(a->kernel, b->kernel)) {
		snprintf(why, size, "not the same kernel (%s, %s)",
			 a->kernel, b->kernel);
		return -1;
	}
	if (a->hostname[0] && b->hostname[0] &&
	    strcmp(a->hostname, b->hostname)) {
		snprintf(why, size, "not the same host (%s, %s)",
			 a->hostname, b->hostname);
		return -1;
	}
	name = counter_missing(a, b);
	if (!name)
		name = counter_missing(b, a);
	if (name) {
		snprintf(why, size, "not the same counters (%s is in one "
			 "only)", name);
		return -1;
	}
	if (a->has_realtime && b->has_realtime) {
		if (b->realtime_ns > a->realtime_ns)
			return 0;
		snprintf(why, size, "the second was not taken after the "
			 "first (realtime_ns %" PRIu64 ", %" PRIu64 ")",
			 a->realtime_ns, b->realtime_ns);
		return -1;
	}
	if (b->time_ns > a->time_ns)
		return 0;
	snprintf(why, size, "the second was not taken after the first "
		 "(time_ns %" PRIu64 ", %" PRIu64 ")", a->time_ns, b->time_ns);
	return -1;
}

int nl_is_coverage_counter(const char *name)
{
	/* data units not timed, one count each (netlat(8), COUNTERS) */
	static const char *const exact[] = {
		"negative_delta", "table_full", "ring_full", "tx_interleaved",
		"rx_fastopen_data", "tx_thinned", "rx_thinned",
	};
	size_t n = strlen(name), k = strlen("_incomplete");
	unsigned int i;

	if (strstr(name, ".unmatched_"))
		return 1;
	if (n > k && !strcmp(name + n - k, "_incomplete"))
		return 1;
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(name, exact[i]))
			return 1;
	return 0;
}

const char *nl_name_dir(const char *name)
{
	if (!strncmp(name, "tx_", 3))
		return "tx";
	if (!strncmp(name, "rx_", 3))
		return "rx";
	return NULL;
}

int nl_dir_shown(const char *dir, unsigned int stages)
{
	unsigned int i;

	if (!dir)
		return 1;
	for (i = 0; i < NETLAT_NR_STAGES; i++)
		if ((stages & (1u << i)) &&
		    !strcmp(netlat_stage_info(i)->dir, dir))
			return 1;
	return 0;
}

int nl_counter_shown(const char *name, unsigned int stages)
{
	char group[NL_NAME_MAX];
	int i;

	/* the group decides, so that a group's counters go together */
	snprintf(group, sizeof(group), "%.*s", (int)strcspn(name, "."), name);
	i = nl_stage_index(group);
	if (i >= 0)
		return !!(stages & (1u << i));
	return nl_dir_shown(nl_name_dir(group), stages);
}

int nl_probe_shown(const char *point, unsigned int stages)
{
	return nl_dir_shown(nl_name_dir(point), stages);
}

uint64_t nl_probes_missed(const struct nl_snapshot *s, unsigned int stages)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < s->nr_probes; i++)
		if (nl_probe_shown(s->probe[i].point, stages))
			n += s->probe[i].missed;
	return n;
}

int nl_coverage(const struct nl_snapshot *s, const char *dir,
		uint64_t *timed, uint64_t *seen)
{
	int tx = !strcmp(dir, "tx");

	if (nl_counter_get(s, tx ? "tx_data_segments" : "rx_data_skbs", seen) ||
	    !*seen)
		return -1;
	/* with thinning the total's count is a weight; older modules: equal */
	if (nl_counter_get(s, tx ? "tx_timed" : "rx_timed", timed))
		*timed = s->stage[tx ? NETLAT_TX_TOTAL : NETLAT_RX_TOTAL].count;
	return 0;
}

int nl_is_timed_counter(const char *name)
{
	return !strcmp(name, "tx_timed") || !strcmp(name, "rx_timed");
}

int nl_is_thinned_counter(const char *name)
{
	return !strcmp(name, "tx_thinned") || !strcmp(name, "rx_thinned");
}

const struct nl_family_counter nl_family_counters[NL_NR_FAMILY_COUNTERS] = {
	{ NETLAT_C_TX_SEGMENTS_V4, "tx", "ipv4" },
	{ NETLAT_C_TX_SEGMENTS_V6, "tx", "ipv6" },
	{ NETLAT_C_RX_SKBS_V4, "rx", "ipv4" },
	{ NETLAT_C_RX_SKBS_V6, "rx", "ipv6" },
};

int nl_is_family_counter(const char *name)
{
	unsigned int i;

	for (i = 0; i < NL_NR_FAMILY_COUNTERS; i++)
		if (!strcmp(name,
			    netlat_counter_name(nl_family_counters[i].counter)))
			return 1;
	return 0;
}

int nl_family_split(const struct nl_snapshot *s, const char *dir,
		    uint64_t *v4, uint64_t *v6)
{
	int tx = !strcmp(dir, "tx");
	unsigned int c4 = tx ? NETLAT_C_TX_SEGMENTS_V4 : NETLAT_C_RX_SKBS_V4;
	unsigned int c6 = tx ? NETLAT_C_TX_SEGMENTS_V6 : NETLAT_C_RX_SKBS_V6;

	/* both or none: half a split would not add up to the total */
	if (nl_counter_get(s, netlat_counter_name(c4), v4) ||
	    nl_counter_get(s, netlat_counter_name(c6), v6))
		return -1;
	return 0;
}
