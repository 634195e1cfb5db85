// SPDX-License-Identifier: GPL-2.0
/*
 * The outputs of netlat slow (slow.h): a row per record, JSON lines, and
 * the groups of --by as a table or JSON lines.
 *
 * The table's columns have fixed widths, so that rows printed as records
 * come (-f) line up: time of day, process, total, the stage that took
 * most of it and its share, the direction's three stages in path order,
 * then the flow, local first, the arrow the way the data went.  A tx row
 * and an rx row have stage names of the same length in all.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "slow.h"

#define TIME_W		12	/* HH:MM:SS.mmm */
#define PROCESS_W	20
#define STAGE_NAMES_W	29	/* tx_sock_tcp tx_tcp_ip tx_ip_dev */

/* The width of a value in @u: 52.1ms, 52100231ns, 52100us, 52.1ms */
static int value_w(enum nl_unit u)
{
	return u == NL_UNIT_AUTO ? 6 : u == NL_UNIT_NS ? 12 : 9;
}

static const char *value(char *buf, size_t size, uint64_t ns,
			 const struct nl_slow_opts *o)
{
	return nl_fmt_ns(buf, size, ns, o->unit);
}

static int stages_w(const struct nl_slow_opts *o)
{
	return STAGE_NAMES_W + NL_SLOW_STAGES * (1 + value_w(o->unit)) +
	       2 * (NL_SLOW_STAGES - 1);
}

void nl_slow_print_header(FILE *f, const struct nl_slow_opts *o)
{
	fprintf(f, "%-*s  %-*s  %*s  %-18s  %-*s  %s\n", TIME_W, "TIME",
		PROCESS_W, "PROCESS", value_w(o->unit), "TOTAL", "SLOWEST",
		stages_w(o), "STAGES", "FLOW");
}

/* The wall clock time of day of @ns, local time, to the millisecond */
static const char *time_of_day(char *buf, size_t size, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	size_t n;

	if (!localtime_r(&t, &tm)) {
		snprintf(buf, size, "?");
		return buf;
	}
	n = strftime(buf, size, "%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03u",
		 (unsigned int)(ns % 1000000000 / 1000000));
	return buf;
}

/* comm[pid]; "-" for what is unknown */
static const char *process(char *buf, size_t size,
			   const struct nl_slow_rec *r)
{
	const char *comm = r->comm[0] ? r->comm : "-";

	if (r->pid)
		snprintf(buf, size, "%s[%u]", comm, r->pid);
	else
		snprintf(buf, size, "%s", comm);
	return buf;
}

void nl_slow_print_rec(FILE *f, const struct nl_slow_rec *r,
		       const struct nl_slow_opts *o)
{
	unsigned int i, top = nl_slow_slowest(r);
	char when[32], proc[NL_SLOW_COMM_MAX + 16], v[48], share[16];
	int w = value_w(o->unit);

	if (r->total)
		snprintf(share, sizeof(share), "%.1f%%",
			 100.0 * (double)r->stage[top] / (double)r->total);
	else
		snprintf(share, sizeof(share), "-");
	fprintf(f, "%-*s  %-*s  %*s  %-11s %6s  ", TIME_W,
		time_of_day(when, sizeof(when), r->realtime_ns), PROCESS_W,
		process(proc, sizeof(proc), r), w,
		value(v, sizeof(v), r->total, o),
		netlat_stage_info(nl_slow_stage_index(r, top))->name, share);
	for (i = 0; i < NL_SLOW_STAGES; i++)
		fprintf(f, "%s%s %*s", i ? "  " : "",
			netlat_stage_info(nl_slow_stage_index(r, i))->name, w,
			value(v, sizeof(v), r->stage[i], o));
	fprintf(f, "  %s %s %s\n", r->local,
		r->first == NETLAT_TX_SOCK_TCP ? "->" : "<-", r->remote);
}

void nl_slow_print_lost(FILE *f, uint64_t lost)
{
	fprintf(f, "*** %" PRIu64 " record%s lost here: the ring was full, "
		"dropped before they were read\n", lost, lost == 1 ? "" : "s");
}

/* ,"@key": @v, or null when it is 0 (unknown) */
static void json_known(FILE *f, const char *key, uint64_t v)
{
	if (v)
		fprintf(f, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

/* ,"cgroup":ID,"cgroup_path":"/a/b" (null: unknown, or no path found) */
static void json_cgroup(FILE *f, uint64_t id, const struct nl_slow_opts *o)
{
	const char *path = NULL;

	json_known(f, "cgroup", id);
	if (id && o->cgroup_path)
		path = o->cgroup_path(o->cgroup_ctx, id);
	fputs(",\"cgroup_path\":", f);
	if (path)
		nl_json_str(f, path);
	else
		fputs("null", f);
}

/* ,"comm":"name" as printed (\ooo), or null */
static void json_comm(FILE *f, const char *comm)
{
	fputs(",\"comm\":", f);
	if (comm[0])
		nl_json_str(f, comm);
	else
		fputs("null", f);
}

void nl_slow_print_json(FILE *f, const struct nl_slow_rec *r,
			const struct nl_slow_opts *o)
{
	time_t t = (time_t)(r->realtime_ns / 1000000000);
	char when[40] = "";
	unsigned int i;
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "{\"seq\":%" PRIu64 ",\"time\":\"%s.%03uZ\",\"time_ns\":%"
		PRIu64 ",\"realtime_ns\":%" PRIu64 ",\"direction\":\"%s\","
		"\"family\":%u", r->seq, when,
		(unsigned int)(r->realtime_ns % 1000000000 / 1000000),
		r->time_ns, r->realtime_ns, nl_slow_dir(r), r->family);
	fputs(",\"local\":", f);
	nl_json_str(f, r->local);
	fputs(",\"remote\":", f);
	nl_json_str(f, r->remote);
	fputs(",\"local_addr\":", f);
	nl_json_str(f, r->laddr);
	fprintf(f, ",\"local_port\":%u,\"remote_addr\":", r->lport);
	nl_json_str(f, r->raddr);
	fprintf(f, ",\"remote_port\":%u", r->rport);
	json_known(f, "netns", r->netns);
	json_cgroup(f, r->cgroup, o);
	json_known(f, "pid", r->pid);
	json_comm(f, r->comm);
	fprintf(f, ",\"bytes\":%u,\"segs\":%u,\"weight\":%" PRIu64
		",\"total_ns\":%" PRIu64 ",\"slowest_stage\":\"%s\","
		"\"stages\":{\"%s\":%" PRIu64, r->bytes, r->segs, r->weight,
		r->total,
		netlat_stage_info(nl_slow_stage_index(r, nl_slow_slowest(r)))->name,
		netlat_stage_info(nl_slow_stage_index(r, NL_SLOW_STAGES))->name,
		r->total);
	for (i = 0; i < NL_SLOW_STAGES; i++)
		fprintf(f, ",\"%s\":%" PRIu64,
			netlat_stage_info(nl_slow_stage_index(r, i))->name,
			r->stage[i]);
	fputs("}}\n", f);
}

void nl_slow_print_lost_json(FILE *f, uint64_t lost)
{
	fprintf(f, "{\"lost\":%" PRIu64 "}\n", lost);
}

/* What a group's key is shown as: a cgroup's path when it has one */
static const char *shown_key(const struct nl_slow_agg *a,
			     const struct nl_slow_group *g,
			     const struct nl_slow_opts *o)
{
	const char *path;

	if (a->by != NL_BY_CGROUP || !g->cgroup || !o->cgroup_path)
		return g->key;
	path = o->cgroup_path(o->cgroup_ctx, g->cgroup);
	return path ? path : g->key;
}

void nl_slow_print_agg(FILE *f, const struct nl_slow_agg *a,
		       const struct nl_slow_opts *o)
{
	static const char *const head[] = {
		[NL_BY_PORT] = "PORT", [NL_BY_PEER] = "PEER",
		[NL_BY_PROCESS] = "PROCESS", [NL_BY_CGROUP] = "CGROUP",
	};
	int w = value_w(o->unit), kw = (int)strlen(head[a->by]), n;
	char v[3][48];
	size_t i;

	for (i = 0; i < a->n; i++) {
		n = (int)strlen(shown_key(a, &a->group[i], o));
		if (n > kw)
			kw = n;
	}
	if (a->n)
		fprintf(f, "%-*s  %7s  %*s  %*s  %*s  %s\n", kw, head[a->by],
			"COUNT", w, "P50", w, "P99", w, "WORST",
			"SLOWEST STAGE");
	for (i = 0; i < a->n; i++) {
		const struct nl_slow_group *g = &a->group[i];

		fprintf(f, "%-*s  %7zu  %*s  %*s  %*s  %s\n", kw,
			shown_key(a, g, o), g->n,
			w, value(v[0], sizeof(v[0]), g->p50, o),
			w, value(v[1], sizeof(v[1]), g->p99, o),
			w, value(v[2], sizeof(v[2]), g->max, o),
			netlat_stage_info(g->slowest)->name);
	}
	if (a->lost)
		fprintf(f, "*** %" PRIu64 " record%s lost: the ring was full, "
			"dropped before they were read; not counted above\n",
			a->lost, a->lost == 1 ? "" : "s");
}

void nl_slow_print_agg_json(FILE *f, const struct nl_slow_agg *a,
			    const struct nl_slow_opts *o)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct nl_slow_group *g = &a->group[i];

		fprintf(f, "{\"by\":\"%s\",\"key\":", nl_slow_by_name(a->by));
		nl_json_str(f, shown_key(a, g, o));
		switch (a->by) {
		case NL_BY_PORT:
			fprintf(f, ",\"port\":%u", g->port);
			break;
		case NL_BY_PEER:
			fputs(",\"peer\":", f);
			nl_json_str(f, g->peer);
			break;
		case NL_BY_PROCESS:
			json_comm(f, g->comm);
			json_known(f, "pid", g->pid);
			break;
		case NL_BY_CGROUP:
			json_cgroup(f, g->cgroup, o);
			break;
		}
		fprintf(f, ",\"count\":%zu,\"p50_ns\":%" PRIu64 ",\"p99_ns\":%"
			PRIu64 ",\"max_ns\":%" PRIu64 ",\"slowest_stage\":\"%s\"}\n",
			g->n, g->p50, g->p99, g->max,
			netlat_stage_info(g->slowest)->name);
	}
	if (a->lost)
		nl_slow_print_lost_json(f, a->lost);
}
