// SPDX-License-Identifier: GPL-2.0
/*
 * The text report.  Per stage: a histogram in the layout of BCC's log2
 * histograms, then a percentile line; then the coverage counters.
 *
 * The kernel's buckets are log-linear (8 per power of two); the text view
 * merges them into BCC's power-of-two rows [2^k, 2^(k+1) - 1] of the
 * display unit.  A fine bucket goes to the row its low bound falls in, so
 * with usecs/msecs a row border is exact to one fine bucket (12.5%); the
 * percentiles come from the fine buckets and are not affected.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "report.h"
#include "stats.h"

#define BAR_WIDTH	40
#define WRAP_COLUMN	78
#define NR_ROWS		64

static const struct {
	const char *suffix;
	const char *type;
	uint64_t div;
} units[] = {
	[NL_UNIT_NS] = { "ns", "nsecs", 1 },
	[NL_UNIT_US] = { "us", "usecs", 1000 },
	[NL_UNIT_MS] = { "ms", "msecs", 1000000 },
};

/*
 * @ns in @unit, without the unit: three significant digits, as many
 * decimals as that takes down to one nanosecond (so 2.96us is 0.00296 in
 * msecs), never fewer digits before the point.
 */
static void fmt_value(char *buf, size_t size, uint64_t ns, enum nl_unit u)
{
	double v = (double)ns / (double)units[u].div, t = v;
	int dec = 0, max_dec = u == NL_UNIT_MS ? 6 : u == NL_UNIT_US ? 3 : 0;

	if (!ns) {
		snprintf(buf, size, "0");
		return;
	}
	if (u == NL_UNIT_NS) {
		snprintf(buf, size, "%" PRIu64, ns);
		return;
	}
	while (t < 99.95 && dec < max_dec) {
		t *= 10;
		dec++;
	}
	snprintf(buf, size, "%.*f", dec, v);
}

const char *nl_fmt_ns(char *buf, size_t size, uint64_t ns,
		      enum nl_unit unit)
{
	static const char *const sfx[] = { "ns", "us", "ms", "s" };
	double v = (double)ns;
	size_t n;
	int k = 0;

	if (unit != NL_UNIT_AUTO) {
		fmt_value(buf, size, ns, unit);
		n = strlen(buf);
		snprintf(buf + n, size - n, "%s", units[unit].suffix);
		return buf;
	}
	if (ns < 1000) {
		snprintf(buf, size, "%" PRIu64 "ns", ns);
		return buf;
	}
	/* three significant digits; 999.6us is 1.00ms, not 1000us */
	while (v >= 999.5 && k < 3) {
		v /= 1000;
		k++;
	}
	snprintf(buf, size, v < 9.995 ? "%.2f%s" : v < 99.95 ? "%.1f%s" :
		 "%.0f%s", v, sfx[k]);
	return buf;
}

const char *nl_fmt_pct(char *buf, size_t size, uint64_t ns,
		       enum nl_unit unit)
{
	uint64_t last = netlat_bucket_lo(NETLAT_HIST_OVERFLOW);

	if (ns < last || size < 2)
		return nl_fmt_ns(buf, size, ns, unit);
	buf[0] = '>';
	nl_fmt_ns(buf + 1, size - 1, last, unit);
	return buf;
}

/* nl_fmt_pct() without the unit's suffix (the summary's columns). */
static const char *fmt_pct_value(char *buf, size_t size, uint64_t ns,
				 enum nl_unit u)
{
	uint64_t last = netlat_bucket_lo(NETLAT_HIST_OVERFLOW);

	if (ns < last || size < 2) {
		fmt_value(buf, size, ns, u);
		return buf;
	}
	buf[0] = '>';
	fmt_value(buf + 1, size - 1, last, u);
	return buf;
}

enum nl_unit nl_report_unit(const struct nl_snapshot *s,
			    unsigned int stages)
{
	uint64_t pct[NL_NR_PCT], top = 0;
	int any = 0;
	unsigned int i;

	for (i = 0; i < NETLAT_NR_STAGES; i++) {
		if (!(stages & (1u << i)) || !s->stage[i].count)
			continue;
		nl_percentiles(&s->stage[i], pct);
		if (pct[2] > top)
			top = pct[2];
		any = 1;
	}
	if (!any)
		return NL_UNIT_AUTO;
	return top < 10000 ? NL_UNIT_NS : top < 100000000 ? NL_UNIT_US :
	       NL_UNIT_MS;
}

static void print_bar(FILE *f, uint64_t n, uint64_t peak)
{
	uint64_t stars = n >= peak ? BAR_WIDTH :
			 netlat_muldiv(n, BAR_WIDTH, peak);

	fprintf(f, "|%.*s%*s|\n", (int)stars,
		"****************************************",
		(int)(BAR_WIDTH - stars), "");
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* BCC's print_log2_hist() layout, from the first non-empty row. */
static void print_hist(FILE *f, const struct nl_stage *st, enum nl_unit u)
{
	uint64_t rows[NR_ROWS] = { 0 }, over = 0, peak = 0, v;
	uint64_t div = units[u].div;
	int r, first = -1, last = -1, width = 10;
	unsigned int b;

	for (b = 0; b < NETLAT_HIST_BUCKETS; b++) {
		if (!st->bucket[b])
			continue;
		if (b == NETLAT_HIST_OVERFLOW) {
			over = st->bucket[b];
			continue;
		}
		v = netlat_bucket_lo(b) / div;
		rows[v ? netlat_fls64(v) - 1 : 0] += st->bucket[b];
	}
	for (r = 0; r < NR_ROWS; r++) {
		if (!rows[r])
			continue;
		if (first < 0)
			first = r;
		last = r;
		if (rows[r] > peak)
			peak = rows[r];
	}
	if (over > peak)
		peak = over;
	if (last >= 0 && digits((2ull << last) - 1) > width)
		width = digits((2ull << last) - 1);
	v = netlat_bucket_lo(NETLAT_HIST_OVERFLOW) / div;
	if (over && digits(v) > width)
		width = digits(v);
	fprintf(f, "%*s%-*s : count    distribution\n", width - 5, "",
		width + 9, units[u].type);
	for (r = first; r >= 0 && r <= last; r++) {
		fprintf(f, "%*llu -> %-*llu : %-8" PRIu64 " ", width,
			r ? 1ull << r : 0ull, width, (2ull << r) - 1, rows[r]);
		print_bar(f, rows[r], peak);
	}
	if (over) {
		fprintf(f, "%*" PRIu64 " -> %-*s : %-8" PRIu64 " ", width, v,
			width, "inf", over);
		print_bar(f, over, peak);
	}
}

/* The mean of a stage with samples, in @u. */
static const char *fmt_mean(char *buf, size_t size, const struct nl_stage *st,
			    enum nl_unit u, int suffix)
{
	uint64_t mean = nl_mean_ns(st);

	return suffix ? nl_fmt_ns(buf, size, mean, u) :
	       (fmt_value(buf, size, mean, u), buf);
}

static void print_stage(FILE *f, const struct nl_snapshot *s, unsigned int i,
			enum nl_unit u)
{
	const struct nl_stage *st = &s->stage[i];
	uint64_t pct[NL_NR_PCT];
	unsigned int k;
	char buf[48];

	if (!st->count && s->is_delta) {
		fprintf(f, "\n%s (%s): no samples\n", netlat_stage_info(i)->name,
			netlat_stage_info(i)->dir);
		return;
	}
	fprintf(f, "\n%s (%s): %s\n", netlat_stage_info(i)->name, netlat_stage_info(i)->dir,
		netlat_stage_info(i)->desc);
	if (!st->count) {
		fprintf(f, "  no samples\n");
		return;
	}
	nl_percentiles(st, pct);
	print_hist(f, st, u);
	fprintf(f, "  count %" PRIu64 "  mean %s", st->count,
		fmt_mean(buf, sizeof(buf), st, u, 1));
	for (k = 0; k < NL_NR_PCT; k++)
		fprintf(f, "  %s %s", nl_pct_label[k],
			nl_fmt_pct(buf, sizeof(buf), pct[k], u));
	fprintf(f, "  max%s%s\n", st->minmax_exact ? " " : "<=",
		nl_fmt_ns(buf, sizeof(buf), st->max_ns, u));
}

/*
 * -S: a line a stage with its count, mean, percentiles and maximum, each
 * time in @u, which heads the first column as in the histograms.
 */
static void print_summary(FILE *f, const struct nl_snapshot *s,
			  const struct nl_opts *o, enum nl_unit u)
{
	static const char *const head[] = {
		"mean", "p50", "p90", "p99", "p99.9", "max",
	};
	uint64_t pct[NL_NR_PCT];
	unsigned int i, k;
	char buf[48];

	fprintf(f, "\n%-12s %10s", units[u].type, "count");
	for (k = 0; k < sizeof(head) / sizeof(head[0]); k++)
		fprintf(f, " %9s", head[k]);
	fputc('\n', f);
	for (i = 0; i < NETLAT_NR_STAGES; i++) {
		const struct nl_stage *st = &s->stage[i];

		if (!(o->stages & (1u << i)))
			continue;
		fprintf(f, "%-12s %10" PRIu64, netlat_stage_info(i)->name,
			st->count);
		if (!st->count) {
			for (k = 0; k < sizeof(head) / sizeof(head[0]); k++)
				fprintf(f, " %9s", "-");
			fputc('\n', f);
			continue;
		}
		nl_percentiles(st, pct);
		fprintf(f, " %9s", fmt_mean(buf, sizeof(buf), st, u, 0));
		for (k = 0; k < NL_NR_PCT; k++)
			fprintf(f, " %9s",
				fmt_pct_value(buf, sizeof(buf), pct[k], u));
		/* a bound in a delta: "<=" as in the percentile line */
		k = st->minmax_exact ? 0 : 2;
		memcpy(buf, "<=", k);
		fmt_value(buf + k, sizeof(buf) - k, st->max_ns, u);
		fprintf(f, " %9s\n", buf);
	}
}

/* Items separated by two spaces, wrapped before WRAP_COLUMN. */
struct wrap {
	FILE *f;
	int col;
	int items;
};

static void wrap_item(struct wrap *w, const char *name, uint64_t v)
{
	int n = (int)strlen(name) + 1 + digits(v);

	if (w->items && w->col + 2 + n > WRAP_COLUMN) {
		fputs("\n ", w->f);
		w->col = 1;
	}
	w->col += fprintf(w->f, "  %s %" PRIu64, name, v);
	w->items++;
}

static void wrap_end(struct wrap *w)
{
	if (w->items)
		fputc('\n', w->f);
	w->items = 0;
}

/*
 * Only the counters of the stages shown (nl_counter_shown()) that are not
 * zero are listed (JSON and Prometheus have the zero ones too).  The
 * IPv4/IPv6 split is never listed: the coverage line shows it.
 */
static int counter_shown(const struct nl_opts *o, const struct nl_counter *c,
			 int coverage)
{
	return nl_is_coverage_counter(c->name) == coverage &&
	       !nl_is_family_counter(c->name) &&
	       !nl_is_timed_counter(c->name) &&
	       nl_counter_shown(c->name, o->stages) && c->value;
}

/* "HEADER:" and the coverage (or the other) counters, wrapped. */
static void print_list(FILE *f, const struct nl_snapshot *s,
		       const struct nl_opts *o, int coverage, uint64_t missed)
{
	struct wrap w = { f, 1, 0 };
	unsigned int i, n = 0;

	for (i = 0; i < s->nr_counters; i++)
		n += counter_shown(o, &s->counter[i], coverage);
	if (coverage && missed)
		n++;
	fputs(coverage ? "not timed:" : "other counters:", f);
	if (!n) {
		fputs(" none\n", f);
		return;
	}
	fputs("\n ", f);
	for (i = 0; i < s->nr_counters; i++)
		if (counter_shown(o, &s->counter[i], coverage))
			wrap_item(&w, s->counter[i].name,
				  s->counter[i].value);
	if (coverage && missed)
		wrap_item(&w, "probes_missed", missed);
	wrap_end(&w);
}

static void print_counters(FILE *f, const struct nl_snapshot *s,
			   const struct nl_opts *o)
{
	static const char *const dirs[] = { "tx", "rx" };
	static const char *const what[] = { "data segments", "data skbs" };
	uint64_t timed, seen, v4, v6, missed, lost = 0, thinned = 0;
	char warn[512] = "";
	unsigned int i;
	size_t wl = 0;

	for (i = 0; i < 2; i++) {
		if (!nl_dir_shown(dirs[i], o->stages) ||
		    nl_coverage(s, dirs[i], &timed, &seen))
			continue;
		fprintf(f, "coverage %s: %" PRIu64 " of %" PRIu64
			" %s timed (%.1f%%)", dirs[i], timed, seen, what[i],
			100.0 * (double)timed / (double)seen);
		/* older modules do not split by family: no split then */
		if (!nl_family_split(s, dirs[i], &v4, &v6))
			fprintf(f, "; IPv4 %" PRIu64 ", IPv6 %" PRIu64, v4, v6);
		fputc('\n', f);
	}
	missed = nl_probes_missed(s, o->stages);
	if (!o->summary) {
		print_list(f, s, o, 1, missed);
		print_list(f, s, o, 0, 0);
	}

	for (i = 0; i < s->nr_counters; i++) {
		const struct nl_counter *c = &s->counter[i];

		if (!c->value || !counter_shown(o, c, 1))
			continue;
		if (nl_is_thinned_counter(c->name)) {
			thinned += c->value;
			continue;
		}
		lost += c->value;
		if (wl < sizeof(warn))
			wl += (size_t)snprintf(warn + wl, sizeof(warn) - wl,
					       "%s%s %" PRIu64, wl ? ", " : "",
					       c->name, c->value);
	}
	if (missed) {
		lost += missed;
		if (wl < sizeof(warn))
			snprintf(warn + wl, sizeof(warn) - wl,
				 "%sprobes_missed %" PRIu64, wl ? ", " : "",
				 missed);
	}
	if (thinned)
		fprintf(f, "thinned: %" PRIu64 " units left out at random while"
			" the record pool was filling; the histograms weight"
			" the samples kept to stand for them\n", thinned);
	if (lost)
		fprintf(f, "WARNING: %" PRIu64 " events were not timed (%s):"
			" the histograms miss part of the traffic\n",
			lost, warn);
}

/* "host NAME, snapshot of DATE UTC", when the module says either. */
static void print_place(FILE *f, const struct nl_snapshot *s)
{
	time_t t = (time_t)(s->realtime_ns / 1000000000);
	char when[32];
	struct tm tm;

	if (!s->hostname[0] && !s->has_realtime)
		return;
	if (s->hostname[0])
		fprintf(f, "host %s%s", s->hostname,
			s->has_realtime ? ", " : "\n");
	if (s->has_realtime && gmtime_r(&t, &tm)) {
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(f, "snapshot of %s UTC\n", when);
	} else if (s->has_realtime) {
		fputs("snapshot of an unknown date\n", f);
	}
}

/* The filters that are not at their defaults, on one line. */
static void print_filters(FILE *f, const struct nl_snapshot *s)
{
	const struct nl_filters *fl = &s->filter;
	const char *sep = "";
	char ports[72];

	if (!nl_filters_narrow(fl))
		return;
	fputs("filters:", f);
	if (fl->directions && fl->directions != 3) {
		fprintf(f, " directions %s", fl->directions == 1 ? "tx" : "rx");
		sep = ";";
	}
	if (fl->has_ports && !fl->all_ports) {
		if (!fl->nr_ports)
			fprintf(f, "%s ports none", sep);
		else if (nl_ports_format(fl, ports, sizeof(ports), NULL))
			fprintf(f, "%s ports %s (%u ports)", sep, ports,
				fl->nr_ports);
		else
			fprintf(f, "%s ports %s", sep, ports);
		sep = ";";
	}
	if (fl->family > 0) {
		fprintf(f, "%s family IPv%d", sep, fl->family);
		sep = ";";
	}
	if (fl->has_netns && fl->netns) {
		fprintf(f, "%s netns %" PRIu64, sep, fl->netns);
		sep = ";";
	}
	if (fl->has_sample && fl->sample != 1)
		fprintf(f, "%s sample 1 in %" PRIu64, sep, fl->sample);
	fputs(" (the numbers cover only this traffic)\n", f);
}

void nl_print_text(FILE *f, const struct nl_snapshot *s,
		   const struct nl_opts *o)
{
	enum nl_unit u = o->unit;
	unsigned int i;
	struct tm tm;
	char ts[16];

	/* one unit for the whole report: from the data unless given */
	if (u == NL_UNIT_AUTO)
		u = nl_report_unit(s, o->stages);
	if (u == NL_UNIT_AUTO)
		u = NL_UNIT_US;		/* no samples: no time is shown */
	if (o->timestamp) {
		localtime_r(&o->now.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		fprintf(f, "%s\n", ts);
	}
	if (s->is_delta && o->diff)
		fprintf(f, "netlat %s on %s: %.3f s between the two snapshots\n",
			s->module, s->kernel, (double)s->interval_ns / 1e9);
	else if (s->is_delta)
		fprintf(f, "netlat %s on %s: the last %.3f s\n", s->module,
			s->kernel, (double)s->interval_ns / 1e9);
	else
		fprintf(f, "netlat %s on %s: since load or reset, %" PRIu64
			" of %" PRIu64 " socket slots in use\n", s->module,
			s->kernel, s->sockets, s->capacity);
	if (!s->is_delta)
		print_place(f, s);
	if (!s->enabled)
		fputs("collection is DISABLED (enable 0): the numbers are not "
		      "moving\n", f);
	print_filters(f, s);
	if (s->reset_seen)
		fputs("NOTE: the statistics were reset in this interval: "
		      "these are the samples since the reset\n", f);
	for (i = 0; i < NETLAT_NR_STAGES; i++)
		if ((o->stages & (1u << i)) && s->stage[i].count)
			break;
	if (s->is_delta && i == NETLAT_NR_STAGES)
		fputs("\nno samples in this interval\n", f);
	else if (o->summary)
		print_summary(f, s, o, u);
	else
		for (i = 0; i < NETLAT_NR_STAGES; i++)
			if (o->stages & (1u << i))
				print_stage(f, s, i, u);
	fputc('\n', f);
	print_counters(f, s, o);
}
