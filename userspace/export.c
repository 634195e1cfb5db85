// SPDX-License-Identifier: GPL-2.0
/*
 * Machine outputs: one JSON object per report on one line, and the
 * Prometheus text exposition format for node_exporter's textfile
 * collector (cumulative values, no timestamps).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report.h"
#include "stats.h"

/*
 * Prometheus bucket bounds: every power of two from 2^PROM_LE_MIN to
 * 2^NETLAT_HIST_MAX_EXP ns (128 ns .. 68.7 s), then +Inf.  Each is a
 * boundary of the kernel's buckets, so the cumulative counts are exact;
 * the set is fixed so that every series exists in every scrape.
 */
#define PROM_LE_MIN	7

/*
 * At most @n bytes of @s, quoted.  Names were checked by the parser:
 * printable ASCII, no spaces.
 */
static void json_strn(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (; n && *s; s++, n--) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void json_str(FILE *f, const char *s)
{
	json_strn(f, s, (size_t)-1);
}

void nl_json_str(FILE *f, const char *s)
{
	json_str(f, s);
}

/* @v, or null when @defined is 0 */
static void json_u64_or_null(FILE *f, int defined, uint64_t v)
{
	if (defined)
		fprintf(f, "%" PRIu64, v);
	else
		fputs("null", f);
}

/* ,"@key": and @v, or null when @defined is 0 */
static void json_u64(FILE *f, const char *key, int defined, uint64_t v)
{
	fprintf(f, ",\"%s\":", key);
	json_u64_or_null(f, defined, v);
}

/* An empty stage has no mean, min, max or percentiles: null. */
static void json_stage(FILE *f, const struct nl_snapshot *s, unsigned int i)
{
	const struct nl_stage *st = &s->stage[i];
	uint64_t pct[NL_NR_PCT];
	const char *sep = "";
	unsigned int b, k;
	int any = st->count > 0;

	nl_percentiles(st, pct);
	fprintf(f, "{\"stage\":\"%s\",\"direction\":\"%s\",\"count\":%" PRIu64
		",\"sum_ns\":%" PRIu64, netlat_stage_info(i)->name,
		netlat_stage_info(i)->dir, st->count, st->sum_ns);
	json_u64(f, "mean_ns", any, any ? nl_mean_ns(st) : 0);
	json_u64(f, "min_ns", any, st->min_ns);
	json_u64(f, "max_ns", any, st->max_ns);
	fprintf(f, ",\"minmax_exact\":%s", st->minmax_exact ? "true" : "false");
	for (k = 0; k < NL_NR_PCT; k++)
		json_u64(f, nl_pct_key[k], any, pct[k]);
	fputs(",\"buckets\":[", f);
	for (b = 0; b < NETLAT_HIST_BUCKETS; b++) {
		if (!st->bucket[b])
			continue;
		fprintf(f, "%s[%" PRIu64 ",", sep, netlat_bucket_lo(b));
		if (b == NETLAT_HIST_OVERFLOW)
			fputs("null", f);	/* no upper bound */
		else
			fprintf(f, "%" PRIu64, netlat_bucket_hi(b));
		fprintf(f, ",%" PRIu64 "]", st->bucket[b]);
		sep = ",";
	}
	fputs("]}", f);
}

/* The length of @name's group: up to its dot ("rx_tcp_user"), or all. */
static size_t group_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? (size_t)(dot - name) : strlen(name);
}

/*
 * "counters": the counters of one group (a stage's unmatched_start and
 * _end, a data total and its split by family) as an object, without
 * dots in keys: "tx_data_segments":{"total":625,"ipv4":400,"ipv6":225},
 * "rx_tcp_user":{"unmatched_start":0,"unmatched_end":0}.  A data total
 * is always such an object (ipv4 and ipv6 null when the module does not
 * split it); the other counters are numbers.  Only the groups of the
 * stages shown (nl_counter_shown()).
 */
static void json_counters(FILE *f, const struct nl_snapshot *s,
			  const struct nl_opts *o)
{
	const char *name, *other;
	unsigned int i, j, k;
	size_t n;
	int split, object, in, written = 0;

	fputs(",\"counters\":{", f);
	for (i = 0; i < s->nr_counters; i++) {
		name = s->counter[i].name;
		if (!nl_counter_shown(name, o->stages))
			continue;
		n = group_len(name);
		for (j = 0; j < i; j++)		/* the group was written */
			if (group_len(s->counter[j].name) == n &&
			    !strncmp(s->counter[j].name, name, n))
				break;
		if (j < i)
			continue;
		split = (n == strlen("tx_data_segments") &&
			 !strncmp(name, "tx_data_segments", n)) ||
			(n == strlen("rx_data_skbs") &&
			 !strncmp(name, "rx_data_skbs", n));
		object = split || name[n];
		for (j = i + 1; !object && j < s->nr_counters; j++)
			object = !strncmp(s->counter[j].name, name, n) &&
				 s->counter[j].name[n] == '.';
		fputs(written++ ? "," : "", f);
		json_strn(f, name, n);
		fputc(':', f);
		if (!object) {
			fprintf(f, "%" PRIu64, s->counter[i].value);
			continue;
		}
		fputc('{', f);
		in = 0;
		for (j = i; j < s->nr_counters; j++) {
			other = s->counter[j].name;
			if (strncmp(other, name, n) ||
			    (other[n] && other[n] != '.'))
				continue;
			fputs(in++ ? "," : "", f);
			json_str(f, other[n] ? other + n + 1 : "total");
			fprintf(f, ":%" PRIu64, s->counter[j].value);
		}
		for (k = 0; split && k < 2; k++) {
			static const char *const fam[] = { "ipv4", "ipv6" };
			char full[NL_NAME_MAX];
			uint64_t v;

			snprintf(full, sizeof(full), "%.*s.%s", (int)n, name,
				 fam[k]);
			if (nl_counter_get(s, full, &v))
				fprintf(f, "%s\"%s\":null", in++ ? "," : "",
					fam[k]);
		}
		fputc('}', f);
	}
	fputc('}', f);
}

/* "coverage": of each direction shown, a ratio or null */
static void json_coverage(FILE *f, const struct nl_snapshot *s,
			  const struct nl_opts *o)
{
	static const char *const dirs[] = { "tx", "rx" };
	const char *sep = "";
	uint64_t timed, seen;
	unsigned int d;

	fputs(",\"coverage\":{", f);
	for (d = 0; d < 2; d++) {
		if (!nl_dir_shown(dirs[d], o->stages))
			continue;
		fprintf(f, "%s\"%s\":", sep, dirs[d]);
		if (nl_coverage(s, dirs[d], &timed, &seen))
			fputs("null", f);
		else
			fprintf(f, "%.4f", (double)timed / (double)seen);
		sep = ",";
	}
	fputc('}', f);
}

/* "filters": null from an older module, else each one or null. */
static void json_filters(FILE *f, const struct nl_snapshot *s)
{
	const struct nl_filters *fl = &s->filter;
	char *ports;
	size_t len;

	if (!fl->seen) {
		fputs(",\"filters\":null", f);
		return;
	}
	fputs(",\"filters\":{\"directions\":", f);
	fputs(fl->directions == 3 ? "\"tx,rx\"" : fl->directions == 1 ?
	      "\"tx\"" : fl->directions == 2 ? "\"rx\"" : "null", f);
	fputs(",\"ports\":", f);
	if (!fl->has_ports) {
		fputs("null", f);
	} else if (fl->all_ports) {
		fputs("\"all\"", f);
	} else {
		nl_ports_format(fl, NULL, 0, &len);
		ports = malloc(len + 1);
		if (ports) {
			nl_ports_format(fl, ports, len + 1, NULL);
			fprintf(f, "\"%s\"", ports);
			free(ports);
		} else {
			fputs("null", f);
		}
	}
	json_u64(f, "ports_count", fl->has_ports && !fl->all_ports,
		 fl->nr_ports);
	fputs(",\"family\":", f);
	fputs(fl->family == 0 ? "\"all\"" : fl->family == 4 ? "\"4\"" :
	      fl->family == 6 ? "\"6\"" : "null", f);
	fputs(",\"netns\":", f);
	if (fl->has_netns && !fl->netns)
		fputs("\"all\"", f);
	else
		json_u64_or_null(f, fl->has_netns, fl->netns);
	json_u64(f, "sample", fl->has_sample, fl->sample);
	fputc('}', f);
}

void nl_print_json(FILE *f, const struct nl_snapshot *s,
		   const struct nl_opts *o)
{
	const char *sep = "";
	char when[40];
	struct tm tm;
	unsigned int i;

	gmtime_r(&o->now.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "{\"schema_version\":%d,\"format\":%u,\"tool\":\"%s\","
		"\"module\":", NL_JSON_SCHEMA, s->version, NETLAT_TOOL_VERSION);
	json_str(f, s->module);
	fputs(",\"kernel\":", f);
	json_str(f, s->kernel);
	fprintf(f, ",\"time\":\"%s.%03ldZ\",\"time_ns\":%" PRIu64
		",\"interval_s\":", when, o->now.tv_nsec / 1000000,
		s->time_ns);
	if (s->is_delta)
		fprintf(f, "%.6f", (double)s->interval_ns / 1e9);
	else
		fputs("null", f);
	json_u64(f, "realtime_ns", s->has_realtime, s->realtime_ns);
	fputs(",\"load_id\":", f);
	if (s->has_load_id)
		fprintf(f, "\"%016" PRIx64 "\"", s->load_id);
	else
		fputs("null", f);
	json_u64(f, "resets", s->has_resets, s->resets);
	fputs(",\"hostname\":", f);
	if (s->hostname[0])
		json_str(f, s->hostname);
	else
		fputs("null", f);
	fprintf(f, ",\"enabled\":%s", s->enabled < 0 ? "null" :
		s->enabled ? "true" : "false");
	json_filters(f, s);
	fprintf(f, ",\"reset\":%s,\"reset_reason\":%s",
		s->reset_seen ? "true" : "false",
		s->reset_seen == NL_RESTART_RELOAD ? "\"reload\"" :
		s->reset_seen == NL_RESTART_RESET ? "\"reset\"" :
		s->reset_seen ? "\"numbers_down\"" : "null");
	fprintf(f, ",\"sockets\":%" PRIu64 ",\"socket_capacity\":%" PRIu64,
		s->sockets, s->capacity);
	json_u64(f, "records", s->has_records, s->records);
	json_u64(f, "record_capacity", s->has_records, s->record_capacity);
	json_u64(f, "thinning_level", s->has_thinning, s->thinning);
	fputs(",\"stages\":[", f);
	for (i = 0; i < NETLAT_NR_STAGES; i++) {
		if (!(o->stages & (1u << i)))
			continue;
		fputs(sep, f);
		json_stage(f, s, i);
		sep = ",";
	}
	fputc(']', f);
	json_counters(f, s, o);
	fputs(",\"probes\":[", f);
	sep = "";
	for (i = 0; i < s->nr_probes; i++) {
		const struct nl_probe *p = &s->probe[i];

		if (!nl_probe_shown(p->point, o->stages))
			continue;
		fputs(sep, f);
		sep = ",";
		fputs("{\"point\":", f);
		json_str(f, p->point);
		fputs(",\"symbol\":", f);
		json_str(f, p->symbol);
		fputs(",\"mode\":", f);
		json_str(f, p->mode);
		fprintf(f, ",\"hits\":%" PRIu64 ",\"missed\":%" PRIu64 "}",
			p->hits, p->missed);
	}
	fprintf(f, "],\"probes_missed\":%" PRIu64,
		nl_probes_missed(s, o->stages));
	json_coverage(f, s, o);
	fputs("}\n", f);
}

/* Exact decimal seconds of @ns: 1536 -> "0.000001536". */
static const char *seconds(char *buf, size_t size, uint64_t ns)
{
	int n = snprintf(buf, size, "%" PRIu64 ".%09" PRIu64,
			 ns / 1000000000, ns % 1000000000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

/* A label value: escape backslash, double quote and newline. */
static void prom_label(FILE *f, const char *name, const char *v,
		       const char *sep)
{
	fprintf(f, "%s=\"", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fprintf(f, "\"%s", sep);
}

static void prom_family(FILE *f, const char *name, const char *type,
			const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_stage(FILE *f, const struct nl_snapshot *s, unsigned int i)
{
	static const char *const m = "netlat_stage_latency_seconds";
	const struct nl_stage *st = &s->stage[i];
	uint64_t cum = 0;
	unsigned int b = 0, e;
	char buf[48];

	for (e = PROM_LE_MIN; e <= NETLAT_HIST_MAX_EXP; e++) {
		while (b < NETLAT_HIST_OVERFLOW && netlat_bucket_hi(b) <= 1ull << e)
			cum += st->bucket[b++];
		fprintf(f, "%s_bucket{direction=\"%s\",stage=\"%s\",le=\"%s\"} %" PRIu64 "\n",
			m, netlat_stage_info(i)->dir, netlat_stage_info(i)->name,
			seconds(buf, sizeof(buf), 1ull << e), cum);
	}
	fprintf(f, "%s_bucket{direction=\"%s\",stage=\"%s\",le=\"+Inf\"} %"
		PRIu64 "\n", m, netlat_stage_info(i)->dir, netlat_stage_info(i)->name, st->count);
	fprintf(f, "%s_sum{direction=\"%s\",stage=\"%s\"} %s\n", m,
		netlat_stage_info(i)->dir, netlat_stage_info(i)->name,
		seconds(buf, sizeof(buf), st->sum_ns));
	fprintf(f, "%s_count{direction=\"%s\",stage=\"%s\"} %" PRIu64 "\n",
		m, netlat_stage_info(i)->dir, netlat_stage_info(i)->name, st->count);
}

static void prom_probes(FILE *f, const struct nl_snapshot *s, int missed)
{
	const char *m = missed ? "netlat_probe_missed_total" :
			"netlat_probe_hits_total";
	unsigned int i;

	prom_family(f, m, "counter", missed ?
		    "Probe hits the kprobe core dropped (not timed)." :
		    "Times a netlat kprobe fired, by layer point and symbol.");
	for (i = 0; i < s->nr_probes; i++) {
		fprintf(f, "%s{", m);
		prom_label(f, "point", s->probe[i].point, ",");
		prom_label(f, "symbol", s->probe[i].symbol, ",");
		prom_label(f, "mode", s->probe[i].mode, "}");
		fprintf(f, " %" PRIu64 "\n", missed ? s->probe[i].missed :
			s->probe[i].hits);
	}
}

/*
 * The module's counters, each in the metric that says what it counts
 * (summing a metric over its labels means something):
 * netlat_data_units_total{direction,family}, netlat_samples_total,
 * netlat_untimed_total{direction,reason} (the units not timed, and why:
 * with the samples they add up to the data units, docs/accounting.md)
 * and one metric for each other event.  A counter this tool does not
 * know (a newer module) goes to netlat_other_events_total{counter}.
 */
enum prom_kind { PK_DATA, PK_SAMPLES, PK_UNTIMED, PK_EVENT, PK_OTHER };

struct prom_event {
	const char *counter;
	const char *metric;
	const char *help;
};

static const struct prom_event prom_events[] = {
	{ "tx_retransmit_segments", "netlat_tx_retransmit_segments_total",
	  "Retransmitted segments sent (not data units)." },
	{ "tx_calls_without_tcp", "netlat_tx_calls_without_tcp_total",
	  "Send calls seen at the socket layer that never reached "
	  "tcp_sendmsg (kTLS)." },
	{ "rx_dropped_before_socket", "netlat_rx_dropped_before_socket_total",
	  "Skbs seen at the device layer that the stack dropped before "
	  "their socket." },
	{ "rx_gro_segments", "netlat_rx_gro_segments_total",
	  "Wire segments in the data skbs received." },
	{ "expired", "netlat_sockets_expired_total",
	  "Socket entries reused after expire_ms without activity." },
	{ "sockets_purged", "netlat_sockets_purged_total",
	  "Socket entries removed when the kernel destroyed or "
	  "disconnected the socket." },
	{ "sockets_reused", "netlat_sockets_reused_total",
	  "Socket entries found holding another connection's state (a "
	  "missed purge)." },
};

#define NR_PROM_EVENTS	(sizeof(prom_events) / sizeof(prom_events[0]))

static enum prom_kind prom_kind(const char *name, unsigned int *event)
{
	unsigned int i;

	if (!strcmp(name, "tx_data_segments") ||
	    !strcmp(name, "rx_data_skbs") || nl_is_family_counter(name))
		return PK_DATA;
	if (nl_is_timed_counter(name))
		return PK_SAMPLES;
	if (nl_is_coverage_counter(name) ||
	    !strcmp(name, "rx_duplicate_segments"))
		return PK_UNTIMED;
	for (i = 0; i < NR_PROM_EVENTS; i++) {
		if (!strcmp(name, prom_events[i].counter)) {
			*event = i;
			return PK_EVENT;
		}
	}
	return PK_OTHER;
}

/*
 * Each series of kind @k of the stages shown once, its HELP and TYPE
 * before the first.
 */
static void prom_counters_of(FILE *f, const struct nl_snapshot *s,
			     const struct nl_opts *o, enum prom_kind k,
			     const char *m, const char *help)
{
	unsigned int i, ev, shown = 0;
	const char *name, *dir;
	char reason[NL_NAME_MAX], *c;

	for (i = 0; i < s->nr_counters; i++) {
		name = s->counter[i].name;
		if (prom_kind(name, &ev) != k ||
		    !nl_counter_shown(name, o->stages))
			continue;
		if (!shown++)
			prom_family(f, m, "counter", help);
		dir = nl_name_dir(name);
		fprintf(f, "%s{", m);
		if (k == PK_OTHER) {
			prom_label(f, "counter", name, "}");
		} else if (k == PK_SAMPLES) {
			fprintf(f, "direction=\"%s\"}", dir);
		} else {
			/* the reason: the name without its direction, no dot */
			snprintf(reason, sizeof(reason), "%s",
				 dir ? name + 3 : name);
			for (c = reason; *c; c++)
				if (*c == '.')
					*c = '_';
			if (dir)
				fprintf(f, "direction=\"%s\",", dir);
			prom_label(f, "reason", reason, "}");
		}
		fprintf(f, " %" PRIu64 "\n", s->counter[i].value);
	}
}

/*
 * The data units by direction and IP family: "all" when the module
 * does not split them (older modules), so that a sum over the family is
 * the total either way.
 */
static void prom_data_units(FILE *f, const struct nl_snapshot *s,
			    const struct nl_opts *o)
{
	static const char *const m = "netlat_data_units_total";
	static const char *const dirs[] = { "tx", "rx" };
	static const char *const totals[] = { "tx_data_segments",
					      "rx_data_skbs" };
	unsigned int d, shown = 0;
	uint64_t v4, v6, total;

	for (d = 0; d < 2; d++) {
		if (!nl_counter_shown(totals[d], o->stages) ||
		    nl_counter_get(s, totals[d], &total))
			continue;
		if (!shown++)
			prom_family(f, m, "counter",
				    "Data units netlat saw (tx: new data "
				    "segments sent, rx: data skbs given to a "
				    "socket), by IP family (all: not split).");
		if (nl_family_split(s, dirs[d], &v4, &v6)) {
			fprintf(f, "%s{direction=\"%s\",family=\"all\"} %"
				PRIu64 "\n", m, dirs[d], total);
			continue;
		}
		fprintf(f, "%s{direction=\"%s\",family=\"ipv4\"} %" PRIu64
			"\n", m, dirs[d], v4);
		fprintf(f, "%s{direction=\"%s\",family=\"ipv6\"} %" PRIu64
			"\n", m, dirs[d], v6);
	}
}

static void prom_counters(FILE *f, const struct nl_snapshot *s,
			  const struct nl_opts *o)
{
	unsigned int i;
	uint64_t v;

	prom_data_units(f, s, o);
	prom_counters_of(f, s, o, PK_SAMPLES, "netlat_samples_total",
			 "Data units timed (samples binned, each once "
			 "whatever its weight).");
	prom_counters_of(f, s, o, PK_UNTIMED, "netlat_untimed_total",
			 "Data units not timed, by reason (no direction: "
			 "either); with the samples they add up to the data "
			 "units (netlat(8), Prometheus).");
	for (i = 0; i < NR_PROM_EVENTS; i++) {
		if (!nl_counter_shown(prom_events[i].counter, o->stages) ||
		    nl_counter_get(s, prom_events[i].counter, &v))
			continue;
		prom_family(f, prom_events[i].metric, "counter",
			    prom_events[i].help);
		fprintf(f, "%s %" PRIu64 "\n", prom_events[i].metric, v);
	}
	prom_counters_of(f, s, o, PK_OTHER, "netlat_other_events_total",
			 "Counters of a newer module that this netlat does "
			 "not know, by name.");
}

/*
 * The filters in force: netlat_filter_info's labels (a long port list is
 * cut, with ",...": netlat_filter_ports has its size), and the sampling.
 */
#define PROM_PORTS_MAX	256

/* One label of a set: a comma before all but the first. */
static void prom_label_next(FILE *f, int *n, const char *name, const char *v)
{
	if ((*n)++)
		fputc(',', f);
	prom_label(f, name, v, "");
}

static void prom_filters(FILE *f, const struct nl_filters *fl)
{
	char ports[PROM_PORTS_MAX], netns[24];
	int n = 0;

	if (!fl->seen)
		return;
	prom_family(f, "netlat_filter_info", "gauge",
		    "The filters in force (module parameters); the value is "
		    "always 1.");
	fputs("netlat_filter_info{", f);
	if (fl->directions)
		prom_label_next(f, &n, "directions", fl->directions == 3 ?
				"tx,rx" : fl->directions == 1 ? "tx" : "rx");
	if (fl->family >= 0)
		prom_label_next(f, &n, "family", fl->family == 4 ? "4" :
				fl->family == 6 ? "6" : "all");
	if (fl->has_netns) {
		snprintf(netns, sizeof(netns), "%" PRIu64, fl->netns);
		prom_label_next(f, &n, "netns", fl->netns ? netns : "all");
	}
	if (fl->has_ports) {
		if (!fl->all_ports && fl->nr_ports)
			nl_ports_format(fl, ports, sizeof(ports), NULL);
		prom_label_next(f, &n, "ports", fl->all_ports ? "all" :
				!fl->nr_ports ? "none" : ports);
	}
	fputs("} 1\n", f);
	if (fl->has_ports && !fl->all_ports) {
		prom_family(f, "netlat_filter_ports", "gauge",
			    "Ports in the ports filter's list (absent: all "
			    "ports).");
		fprintf(f, "netlat_filter_ports %u\n", fl->nr_ports);
	}
	if (fl->has_sample) {
		prom_family(f, "netlat_filter_sample", "gauge",
			    "One event in this many is measured (1: every "
			    "event).");
		fprintf(f, "netlat_filter_sample %" PRIu64 "\n", fl->sample);
	}
}

/* netlat_up and the time of the last good read: node_exporter's names */
static void prom_up(FILE *f, int up, const struct timespec *last_ok)
{
	prom_family(f, "netlat_up", "gauge",
		    "1 if /proc/netlat was read for this file; 0 if the read "
		    "failed (module not loaded, ...): no other netlat data then.");
	fprintf(f, "netlat_up %d\n", up);
	prom_family(f, "netlat_last_success_timestamp_seconds", "gauge",
		    "When /proc/netlat was last read successfully, in seconds "
		    "since the epoch (0: never).");
	fprintf(f, "netlat_last_success_timestamp_seconds %lld.%03ld\n",
		(long long)last_ok->tv_sec, last_ok->tv_nsec / 1000000);
}

void nl_print_prometheus(FILE *f, const struct nl_snapshot *s,
			 const struct nl_opts *o)
{
	unsigned int i;

	if (!s) {
		prom_up(f, 0, &o->last_ok);
		return;
	}
	prom_up(f, 1, &o->now);
	prom_family(f, "netlat_info", "gauge",
		    "The netlat module, kernel and host; the value is always 1.");
	fputs("netlat_info{", f);
	prom_label(f, "module", s->module, ",");
	prom_label(f, "kernel", s->kernel, ",");
	if (s->hostname[0])
		prom_label(f, "hostname", s->hostname, ",");
	if (s->has_load_id)
		fprintf(f, "load_id=\"%016" PRIx64 "\",", s->load_id);
	fprintf(f, "format=\"%u\"} 1\n", s->version);
	if (s->enabled >= 0) {
		prom_family(f, "netlat_enabled", "gauge",
			    "1 while the module collects; 0: collection is "
			    "stopped (debugfs enable), the numbers do not move.");
		fprintf(f, "netlat_enabled %d\n", s->enabled);
	}
	prom_filters(f, &s->filter);
	prom_family(f, "netlat_stage_latency_seconds", "histogram",
		    "Time TCP data spends in one stage of the network stack.");
	for (i = 0; i < NETLAT_NR_STAGES; i++)
		if (o->stages & (1u << i))
			prom_stage(f, s, i);
	prom_counters(f, s, o);
	prom_probes(f, s, 0);
	prom_probes(f, s, 1);
	prom_family(f, "netlat_sockets", "gauge",
		    "Sockets netlat is tracking now.");
	fprintf(f, "netlat_sockets %" PRIu64 "\n", s->sockets);
	prom_family(f, "netlat_socket_capacity", "gauge",
		    "Sockets netlat can track at once (table_size).");
	fprintf(f, "netlat_socket_capacity %" PRIu64 "\n", s->capacity);
	if (s->has_records) {
		prom_family(f, "netlat_records", "gauge",
			    "Records in flight now (calls, segments, skbs).");
		fprintf(f, "netlat_records %" PRIu64 "\n", s->records);
		prom_family(f, "netlat_record_capacity", "gauge",
			    "Records the pool holds at most.");
		fprintf(f, "netlat_record_capacity %" PRIu64 "\n",
			s->record_capacity);
	}
	if (s->has_thinning) {
		prom_family(f, "netlat_thinning_level", "gauge",
			    "New samples are kept 1 in 2^level, weighted "
			    "2^level (0: every one).");
		fprintf(f, "netlat_thinning_level %" PRIu64 "\n",
			s->thinning);
	}
	if (s->has_resets) {
		prom_family(f, "netlat_resets_total", "counter",
			    "Statistics resets since the module was loaded.");
		fprintf(f, "netlat_resets_total %" PRIu64 "\n", s->resets);
	}
}

int nl_prom_target(const char *path, const char **kind)
{
	struct stat st;

	*kind = NULL;
	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (S_ISREG(st.st_mode))
		return 0;
	*kind = S_ISLNK(st.st_mode) ? "a symbolic link" :
		S_ISDIR(st.st_mode) ? "a directory" :
		S_ISFIFO(st.st_mode) ? "a fifo" :
		S_ISCHR(st.st_mode) ? "a character device" :
		S_ISBLK(st.st_mode) ? "a block device" :
		S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file";
	return 1;
}

int nl_write_prometheus(const char *path, const struct nl_snapshot *s,
			const struct nl_opts *o)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path + 1) : 0;
	const char *kind;
	char *tmp;
	FILE *f;
	int fd, err;

	/* only a regular file (or none) is replaced: never a link or fifo */
	err = nl_prom_target(path, &kind);
	if (err)
		return err;
	/* <dir>/.<name>.XXXXXX: not *.prom, so the collector skips it */
	tmp = malloc(strlen(path) + 10);
	if (!tmp)
		return -1;
	sprintf(tmp, "%.*s.%s.XXXXXX", (int)dl, path, path + dl);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out_free;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto out_unlink;
	}
	nl_print_prometheus(f, s, o);
	if (fflush(f) || ferror(f) || fchmod(fd, 0644) || fsync(fd)) {
		fclose(f);
		goto out_unlink;
	}
	if (fclose(f) || rename(tmp, path))
		goto out_unlink;
	free(tmp);
	return 0;

out_unlink:
	err = errno;
	unlink(tmp);
	errno = err;
out_free:
	err = errno;
	free(tmp);
	errno = err;
	return -1;
}
