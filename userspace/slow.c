// SPDX-License-Identifier: GPL-2.0
/*
 * The slow log's lines parsed, and its records grouped for netlat slow
 * --by (slow.h).
 *
 * A "slow" line is its keyword, then names and their values.  Every name
 * of format version 1 must be there, once, with a value in range; names
 * this netlat does not know are skipped (additions within version 1), as
 * are lines with a keyword it does not know.  A record has its
 * direction's total and three stages and none of the other direction's.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"
#include "slow.h"

#define SLOW_MAX_TOKENS	128

enum field {
	F_SEQ, F_TIME, F_REALTIME, F_DIR, F_FAMILY, F_LOCAL, F_REMOTE,
	F_NETNS, F_CGROUP, F_PID, F_COMM, F_BYTES, F_SEGS, F_WEIGHT,
	NR_FIELDS
};

static const char *const field_name[NR_FIELDS] = {
	"seq", "time_ns", "realtime_ns", "dir", "family", "local", "remote",
	"netns", "cgroup", "pid", "comm", "bytes", "segs", "weight",
};

struct slow_parser {
	char buf[NL_LINE_MAX + 1];
	char *tok[SLOW_MAX_TOKENS + 1];
	unsigned int ntok;
	const char *field[NR_FIELDS];
	const char *stage[NETLAT_NR_STAGES];
	struct nl_slow_line *out;
};

__attribute__((format(printf, 2, 3)))
static enum nl_slow_kind bad(struct slow_parser *p, const char *fmt, ...)
{
	char raw[sizeof(p->out->why)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* the input's bytes in it: never a terminal escape */
	nl_escape(p->out->why, sizeof(p->out->why), raw, sizeof(raw));
	return NL_SLOW_BAD;
}

static void tokenize(struct slow_parser *p)
{
	char *c = p->buf;

	p->ntok = 0;
	for (;;) {
		while (*c == ' ' || *c == '\t' || *c == '\r')
			*c++ = '\0';
		if (!*c || p->ntok > SLOW_MAX_TOKENS)
			return;
		p->tok[p->ntok++] = c;
		while (*c && *c != ' ' && *c != '\t' && *c != '\r')
			c++;
	}
}

/* Field @f as a number up to @max */
static int number(struct slow_parser *p, enum field f, uint64_t max,
		  uint64_t *v)
{
	if (nl_parse_u64(p->field[f], v) || *v > max) {
		bad(p, "%s: '%.32s' is not a number in 0..%llu", field_name[f],
		    p->field[f], (unsigned long long)max);
		return -1;
	}
	return 0;
}

/*
 * An address and port as the module prints them, 192.0.2.1:80 or
 * [2001:db8::1]:80, of @family: the address in its canonical text.
 */
static int address(struct slow_parser *p, enum field f, unsigned int family,
		   char *printed, char *ip, unsigned int *port)
{
	const char *s = p->field[f], *start = s, *end;
	unsigned char bin[16];
	char text[NL_SLOW_IP_MAX];
	uint64_t v;
	size_t n;

	if (family == 6) {
		end = strstr(s, "]:");
		start = s + 1;
		if (*s != '[' || !end)
			goto fail;
	} else {
		end = strrchr(s, ':');
		if (!end)
			goto fail;
	}
	n = (size_t)(end - start);
	if (!n || n >= sizeof(text) || strlen(s) >= NL_SLOW_ADDR_MAX)
		goto fail;
	memcpy(text, start, n);
	text[n] = '\0';
	if (inet_pton(family == 6 ? AF_INET6 : AF_INET, text, bin) != 1 ||
	    nl_parse_u64(end + (family == 6 ? 2 : 1), &v) || v > 65535)
		goto fail;
	inet_ntop(family == 6 ? AF_INET6 : AF_INET, bin, ip, NL_SLOW_IP_MAX);
	*port = (unsigned int)v;
	memcpy(printed, s, strlen(s) + 1);
	return 0;
fail:
	bad(p, "%s: '%.64s' is not an IPv%u address and port", field_name[f],
	    s, family);
	return -1;
}

/* The process name: "-" unknown, else printable ASCII (\ooo escaped) */
static int comm(struct slow_parser *p, char *dst)
{
	const char *s = p->field[F_COMM], *c;
	size_t n = strlen(s);

	if (!strcmp(s, "-")) {
		dst[0] = '\0';
		return 0;
	}
	if (n >= NL_SLOW_COMM_MAX) {
		bad(p, "comm is longer than %d bytes", NL_SLOW_COMM_MAX - 1);
		return -1;
	}
	for (c = s; *c; c++) {
		if (*c < '!' || *c > '~') {
			bad(p, "comm has a byte that is not printable ASCII");
			return -1;
		}
	}
	memcpy(dst, s, n + 1);
	return 0;
}

/* The names and values after "slow": each known one once. */
static enum nl_slow_kind collect(struct slow_parser *p)
{
	unsigned int i, f;
	int s;

	if ((p->ntok - 1) % 2)
		return bad(p, "'slow' line: a name without a value");
	for (i = 1; i < p->ntok; i += 2) {
		for (f = 0; f < NR_FIELDS; f++)
			if (!strcmp(p->tok[i], field_name[f]))
				break;
		if (f < NR_FIELDS) {
			if (p->field[f])
				return bad(p, "'slow' line: '%s' given twice",
					   field_name[f]);
			p->field[f] = p->tok[i + 1];
			continue;
		}
		s = nl_stage_index(p->tok[i]);
		if (s < 0)
			continue;	/* an addition within version 1 */
		if (p->stage[s])
			return bad(p, "'slow' line: '%s' given twice",
				   p->tok[i]);
		p->stage[s] = p->tok[i + 1];
	}
	for (f = 0; f < NR_FIELDS; f++)
		if (!p->field[f])
			return bad(p, "'slow' line has no '%s'",
				   field_name[f]);
	return NL_SLOW_RECORD;
}

/* The total and the stages of the record's direction, none of the other */
static enum nl_slow_kind stages(struct slow_parser *p, struct nl_slow_rec *r)
{
	unsigned int i, s;
	uint64_t v;

	for (s = 0; s < NETLAT_NR_STAGES; s++) {
		const char *name = netlat_stage_info(s)->name;
		int ours = s >= r->first && s < r->first + NL_SLOW_STAGES + 1;

		if (!ours && p->stage[s])
			return bad(p, "%s in %s record", name,
				   r->first == NETLAT_TX_SOCK_TCP ? "a tx" :
				   "an rx");
		if (!ours)
			continue;
		if (!p->stage[s])
			return bad(p, "'slow' line has no '%s'", name);
		if (nl_parse_u64(p->stage[s], &v))
			return bad(p, "%s: '%.32s' is not a number in 0..18446744073709551615",
				   name, p->stage[s]);
		i = s - r->first;
		if (i == NL_SLOW_STAGES)
			r->total = v;
		else
			r->stage[i] = v;
	}
	for (i = 0; i < NL_SLOW_STAGES; i++)
		if (r->stage[i] > r->total)
			return bad(p, "%s %llu is more than the total %llu",
				   netlat_stage_info(r->first + i)->name,
				   (unsigned long long)r->stage[i],
				   (unsigned long long)r->total);
	return NL_SLOW_RECORD;
}

static enum nl_slow_kind record(struct slow_parser *p)
{
	struct nl_slow_rec *r = &p->out->rec;
	const char *dir;
	uint64_t v;

	if (collect(p) != NL_SLOW_RECORD)
		return NL_SLOW_BAD;
	dir = p->field[F_DIR];
	if (strcmp(dir, "tx") && strcmp(dir, "rx"))
		return bad(p, "dir: '%.32s' is neither tx nor rx", dir);
	r->first = strcmp(dir, "tx") ? NETLAT_RX_DEV_IP : NETLAT_TX_SOCK_TCP;
	if (number(p, F_FAMILY, 6, &v))
		return NL_SLOW_BAD;
	if (v != 4 && v != 6)
		return bad(p, "family: %llu is neither 4 nor 6",
			   (unsigned long long)v);
	r->family = (unsigned int)v;
	if (number(p, F_SEQ, UINT64_MAX, &r->seq) ||
	    number(p, F_TIME, UINT64_MAX, &r->time_ns) ||
	    number(p, F_REALTIME, UINT64_MAX, &r->realtime_ns) ||
	    number(p, F_CGROUP, UINT64_MAX, &r->cgroup) ||
	    number(p, F_WEIGHT, UINT64_MAX, &r->weight))
		return NL_SLOW_BAD;
	if (!r->weight)
		return bad(p, "weight 0: a sample stands for 1 or more");
	if (number(p, F_NETNS, UINT32_MAX, &v))
		return NL_SLOW_BAD;
	r->netns = (uint32_t)v;
	if (number(p, F_PID, UINT32_MAX, &v))
		return NL_SLOW_BAD;
	r->pid = (uint32_t)v;
	if (number(p, F_BYTES, UINT32_MAX, &v))
		return NL_SLOW_BAD;
	r->bytes = (uint32_t)v;
	if (number(p, F_SEGS, UINT32_MAX, &v))
		return NL_SLOW_BAD;
	r->segs = (uint32_t)v;
	if (address(p, F_LOCAL, r->family, r->local, r->laddr, &r->lport) ||
	    address(p, F_REMOTE, r->family, r->remote, r->raddr, &r->rport) ||
	    comm(p, r->comm))
		return NL_SLOW_BAD;
	return stages(p, r);
}

enum nl_slow_kind nl_slow_parse(const char *line, size_t len,
				struct nl_slow_line *out)
{
	struct slow_parser parser;
	struct slow_parser *p = &parser;
	size_t i = 0, n;

	/* the keyword: other lines are skipped as they are, at once */
	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	for (n = 0; i + n < len && line[i + n] != ' ' && line[i + n] != '\t' &&
	     line[i + n] != '\r'; n++)
		;
	if (n != 4 || (memcmp(line + i, "slow", 4) &&
		       memcmp(line + i, "lost", 4)))
		return NL_SLOW_NONE;	/* blank, '#', or an addition */
	memset(p->field, 0, sizeof(p->field));
	memset(p->stage, 0, sizeof(p->stage));
	memset(out, 0, sizeof(*out));
	p->out = out;
	if (len > NL_LINE_MAX)
		return bad(p, "a line longer than %d bytes", NL_LINE_MAX);
	if (memchr(line, '\0', len))
		return bad(p, "NUL byte: this is not netlat text");
	memcpy(p->buf, line, len);
	p->buf[len] = '\0';
	tokenize(p);
	if (p->ntok > SLOW_MAX_TOKENS)
		return bad(p, "more than %d fields on a line",
			   SLOW_MAX_TOKENS);
	if (!strcmp(p->tok[0], "slow"))
		return record(p);
	/* "lost N", then perhaps names added within version 1 */
	if (p->ntok < 2)
		return bad(p, "'lost' line without a number");
	if (nl_parse_u64(p->tok[1], &out->lost))
		return bad(p, "lost: '%.32s' is not a number in 0..18446744073709551615",
			   p->tok[1]);
	return NL_SLOW_LOST;
}

const char *nl_slow_dir(const struct nl_slow_rec *r)
{
	return netlat_stage_info(r->first)->dir;
}

unsigned int nl_slow_slowest(const struct nl_slow_rec *r)
{
	unsigned int i, top = 0;

	for (i = 1; i < NL_SLOW_STAGES; i++)
		if (r->stage[i] > r->stage[top])
			top = i;
	return top;
}

/* ---- grouping ---- */

static const char *const by_name[] = {
	[NL_BY_PORT] = "port",
	[NL_BY_PEER] = "peer",
	[NL_BY_PROCESS] = "process",
	[NL_BY_CGROUP] = "cgroup",
};

static const char *const sort_name[] = {
	[NL_SORT_WORST] = "worst",
	[NL_SORT_P99] = "p99",
	[NL_SORT_COUNT] = "count",
};

const char *nl_slow_by_name(enum nl_slow_by by)
{
	return by_name[by];
}

int nl_slow_by_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(by_name) / sizeof(by_name[0]); i++)
		if (!strcmp(name, by_name[i]))
			return (int)i;
	return -1;
}

int nl_slow_sort_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(sort_name) / sizeof(sort_name[0]); i++)
		if (!strcmp(name, sort_name[i]))
			return (int)i;
	return -1;
}

const char *nl_slow_key(const struct nl_slow_rec *r, enum nl_slow_by by,
			char *buf, size_t size)
{
	const char *comm = r->comm[0] ? r->comm : "-";

	switch (by) {
	case NL_BY_PORT:
		snprintf(buf, size, "%u",
			 r->lport < r->rport ? r->lport : r->rport);
		break;
	case NL_BY_PEER:
		snprintf(buf, size, "%s", r->raddr);
		break;
	case NL_BY_PROCESS:
		if (r->pid)
			snprintf(buf, size, "%s[%u]", comm, r->pid);
		else
			snprintf(buf, size, "%s", comm);
		break;
	case NL_BY_CGROUP:
		if (r->cgroup)
			snprintf(buf, size, "%llu",
				 (unsigned long long)r->cgroup);
		else
			snprintf(buf, size, "-");
		break;
	}
	return buf;
}

void nl_slow_agg_init(struct nl_slow_agg *a, enum nl_slow_by by)
{
	memset(a, 0, sizeof(*a));
	a->by = by;
}

static size_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

/* The slot of @key in the index: its group's, or the free one for it. */
static size_t *slot(struct nl_slow_agg *a, const char *key)
{
	size_t i = hash(key) & (a->index_size - 1);

	while (a->index[i] && strcmp(a->group[a->index[i] - 1].key, key))
		i = (i + 1) & (a->index_size - 1);
	return &a->index[i];
}

/* Room for one group more, the index at most half full. */
static int grow(struct nl_slow_agg *a)
{
	size_t i, size;
	void *p;

	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		p = realloc(a->group, a->cap * sizeof(*a->group));
		if (!p)
			return -1;
		a->group = p;
	}
	if (2 * (a->n + 1) <= a->index_size)
		return 0;
	size = a->index_size ? 2 * a->index_size : 64;
	p = calloc(size, sizeof(*a->index));
	if (!p)
		return -1;
	free(a->index);
	a->index = p;
	a->index_size = size;
	for (i = 0; i < a->n; i++)
		*slot(a, a->group[i].key) = i + 1;
	return 0;
}

int nl_slow_agg_add(struct nl_slow_agg *a, const struct nl_slow_rec *r)
{
	struct nl_slow_group *g;
	char key[sizeof(g->key)];
	size_t *s;
	unsigned int i;
	void *p;

	nl_slow_key(r, a->by, key, sizeof(key));
	if (grow(a))
		return -1;
	s = slot(a, key);
	if (!*s) {
		g = &a->group[a->n];
		memset(g, 0, sizeof(*g));
		snprintf(g->key, sizeof(g->key), "%s", key);
		g->port = r->lport < r->rport ? r->lport : r->rport;
		snprintf(g->peer, sizeof(g->peer), "%s", r->raddr);
		snprintf(g->comm, sizeof(g->comm), "%s", r->comm);
		g->pid = r->pid;
		g->cgroup = r->cgroup;
		g->first = r->first;
		*s = ++a->n;
	}
	g = &a->group[*s - 1];
	if (g->n == g->cap) {
		p = realloc(g->total, (g->cap ? 2 * g->cap : 8) *
			    sizeof(*g->total));
		if (!p)
			return -1;
		g->total = p;
		g->cap = g->cap ? 2 * g->cap : 8;
	}
	g->total[g->n++] = r->total;
	for (i = 0; i < NL_SLOW_STAGES; i++)
		g->stage_sum[nl_slow_stage_index(r, i)] += r->stage[i];
	a->records++;
	return 0;
}

uint64_t nl_slow_pct(const uint64_t *sorted, size_t n, unsigned int permille)
{
	size_t rank;

	if (!n)
		return 0;
	rank = (permille * n + 999) / 1000;
	return sorted[rank ? rank - 1 : 0];
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static enum nl_slow_sort sort_order;
static enum nl_slow_by sort_by;

/* -1 when @a comes before @b: the larger @x first */
static int desc(uint64_t x, uint64_t y)
{
	return x > y ? -1 : x < y;
}

/*
 * Largest first in the order asked, ties by the next of worst, p99 and
 * count, then by the key, ascending (ports and cgroup ids as numbers).
 */
static int cmp_group(const void *x, const void *y)
{
	const struct nl_slow_group *a = x, *b = y;
	uint64_t va[3] = { a->max, a->p99, a->n };
	uint64_t vb[3] = { b->max, b->p99, b->n };
	unsigned int i, first = sort_order == NL_SORT_P99 ? 1 :
				sort_order == NL_SORT_COUNT ? 2 : 0;
	int c = desc(va[first], vb[first]);

	for (i = 0; !c && i < 3; i++)
		if (i != first)
			c = desc(va[i], vb[i]);
	if (c)
		return c;
	if (sort_by == NL_BY_PORT)
		return -desc(a->port, b->port);
	if (sort_by == NL_BY_CGROUP)
		return -desc(a->cgroup, b->cgroup);
	return strcmp(a->key, b->key);
}

void nl_slow_agg_finish(struct nl_slow_agg *a, enum nl_slow_sort order)
{
	struct nl_slow_group *g;
	unsigned int s;
	size_t i;

	for (i = 0; i < a->n; i++) {
		g = &a->group[i];
		qsort(g->total, g->n, sizeof(*g->total), cmp_u64);
		g->p50 = nl_slow_pct(g->total, g->n, 500);
		g->p99 = nl_slow_pct(g->total, g->n, 990);
		g->max = g->n ? g->total[g->n - 1] : 0;
		g->slowest = g->first;
		for (s = 0; s < NETLAT_NR_STAGES; s++)
			if (s != NETLAT_TX_TOTAL && s != NETLAT_RX_TOTAL &&
			    g->stage_sum[s] > g->stage_sum[g->slowest])
				g->slowest = s;
	}
	sort_order = order;
	sort_by = a->by;
	if (a->n)
		qsort(a->group, a->n, sizeof(*a->group), cmp_group);
	/* the groups moved: the index no longer says where */
	free(a->index);
	a->index = NULL;
	a->index_size = 0;
}

void nl_slow_agg_free(struct nl_slow_agg *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->group[i].total);
	free(a->group);
	free(a->index);
	memset(a, 0, sizeof(*a));
}
