// SPDX-License-Identifier: GPL-2.0
/*
 * Parse the /proc/netlat text, format version 1.
 *
 * Every line starts with a keyword; '#' lines and blank lines are skipped
 * and unknown keywords are ignored (additions within version 1).  Lines
 * that the tool relies on (version, probe, stage, bucket, counter, end)
 * must parse exactly; the whole snapshot must end with "end".
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "parse.h"

#define NL_MAX_TOKENS	64

const char *nl_escape(char *buf, size_t size, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i, need;
	unsigned char c;

	if (!size)
		return buf;
	for (i = 0; i < max && s[i]; i++) {
		c = (unsigned char)s[i];
		need = c == '\\' ? 2 : c < ' ' || c > '~' ? 4 : 1;
		if (o + need >= size)
			break;
		if (need == 1) {
			buf[o++] = (char)c;
		} else if (need == 2) {
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}

const char *nl_esc(const char *s)
{
	static char buf[4][1024];
	static unsigned int next;

	return nl_escape(buf[next++ % 4], sizeof(buf[0]), s, SIZE_MAX);
}

int nl_stage_index(const char *name)
{
	int i;

	for (i = 0; i < NETLAT_NR_STAGES; i++)
		if (!strcmp(name, netlat_stage_info(i)->name))
			return i;
	return -1;
}

int nl_counter_get(const struct nl_snapshot *s, const char *name,
		   uint64_t *v)
{
	unsigned int i;

	for (i = 0; i < s->nr_counters; i++) {
		if (!strcmp(s->counter[i].name, name)) {
			*v = s->counter[i].value;
			return 0;
		}
	}
	return -1;
}

struct parser {
	struct nl_snapshot *s;
	struct nl_error *err;
	unsigned int line;
	int seen_version;
	int seen_end;
	int seen_stage[NETLAT_NR_STAGES];
	char buf[NL_LINE_MAX + 1];
	char *tok[NL_MAX_TOKENS];
	unsigned int ntok;
};

__attribute__((format(printf, 3, 4)))
static enum nl_status fail(struct parser *p, enum nl_status st,
			   const char *fmt, ...)
{
	char raw[sizeof(p->err->msg)];
	va_list ap;

	p->err->line = p->line;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* the input's bytes in it: never a terminal escape */
	nl_escape(p->err->msg, sizeof(p->err->msg), raw, sizeof(raw));
	return st;
}

int nl_parse_u64(const char *str, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int d;

	if (!*str)
		return -1;
	for (; *str; str++) {
		if (*str < '0' || *str > '9')
			return -1;
		d = (unsigned int)(*str - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static enum nl_status number(struct parser *p, const char *what,
			     const char *str, uint64_t *out)
{
	if (nl_parse_u64(str, out))
		return fail(p, NL_ERR_MALFORMED,
			    "%s: '%.32s' is not a number in 0..18446744073709551615",
			    what, str);
	return NL_OK;
}

/* Copy a name: printable ASCII without spaces, fitting @size. */
static enum nl_status name(struct parser *p, const char *what,
			   const char *str, char *dst, size_t size)
{
	size_t n = strlen(str);
	const char *c;

	if (n >= size)
		return fail(p, NL_ERR_MALFORMED, "%s is longer than %zu bytes",
			    what, size - 1);
	for (c = str; *c; c++)
		if (*c < '!' || *c > '~')
			return fail(p, NL_ERR_MALFORMED,
				    "%s has a byte that is not printable ASCII",
				    what);
	memcpy(dst, str, n + 1);
	return NL_OK;
}

static enum nl_status need(struct parser *p, unsigned int ntok)
{
	if (p->ntok < ntok)
		return fail(p, NL_ERR_MALFORMED,
			    "'%s' line has %u fields, needs %u", p->tok[0],
			    p->ntok, ntok);
	return NL_OK;
}

/*
 * "key value" pairs from token @first on: store the values of @keys
 * (unknown keys are additions: ignored); every key must be present.
 */
static enum nl_status pairs(struct parser *p, unsigned int first,
			    const char *const *keys, uint64_t *vals,
			    unsigned int nkeys, unsigned int nrequired)
{
	unsigned int i, k, seen = 0;
	enum nl_status st;

	if ((p->ntok - first) % 2)
		return fail(p, NL_ERR_MALFORMED,
			    "'%s' line: a key without a value", p->tok[0]);
	for (i = first; i < p->ntok; i += 2) {
		for (k = 0; k < nkeys; k++)
			if (!strcmp(p->tok[i], keys[k]))
				break;
		if (k == nkeys)
			continue;
		if (seen & (1u << k))
			return fail(p, NL_ERR_MALFORMED,
				    "'%s' line: '%s' given twice", p->tok[0],
				    keys[k]);
		st = number(p, keys[k], p->tok[i + 1], &vals[k]);
		if (st)
			return st;
		seen |= 1u << k;
	}
	for (k = 0; k < nrequired; k++)
		if (!(seen & (1u << k)))
			return fail(p, NL_ERR_MALFORMED,
				    "'%s' line has no '%s'", p->tok[0],
				    keys[k]);
	return NL_OK;
}

static enum nl_status do_version(struct parser *p)
{
	uint64_t v;
	enum nl_status st;

	if (p->seen_version)
		return fail(p, NL_ERR_MALFORMED, "a second 'version' line");
	st = need(p, 2);
	if (!st)
		st = number(p, "version", p->tok[1], &v);
	if (st)
		return st;
	if (v != NETLAT_FORMAT_VERSION)
		return fail(p, NL_ERR_VERSION,
			    "format version %llu; this netlat reads version %d",
			    (unsigned long long)v, NETLAT_FORMAT_VERSION);
	p->s->version = (unsigned int)v;
	p->seen_version = 1;
	return NL_OK;
}

static enum nl_status do_sockets(struct parser *p)
{
	static const char *const keys[] = { "capacity" };
	uint64_t cap = 0;
	enum nl_status st;

	st = need(p, 2);
	if (!st)
		st = number(p, "sockets", p->tok[1], &p->s->sockets);
	if (!st)
		st = pairs(p, 2, keys, &cap, 1, 0);
	p->s->capacity = cap;
	return st;
}

static enum nl_status do_records(struct parser *p)
{
	static const char *const keys[] = { "capacity" };
	uint64_t cap = 0;
	enum nl_status st;

	st = need(p, 2);
	if (!st)
		st = number(p, "records", p->tok[1], &p->s->records);
	if (!st)
		st = pairs(p, 2, keys, &cap, 1, 0);
	p->s->record_capacity = cap;
	p->s->has_records = !st;
	return st;
}

/* The bucket layout the module bins with must be the one we read with. */
static enum nl_status do_histogram(struct parser *p)
{
	static const char *const keys[] = { "sub_buckets", "max_ns" };
	uint64_t v[2] = { 0, 0 };
	enum nl_status st;

	st = pairs(p, 1, keys, v, 2, 2);
	if (st)
		return st;
	if (v[0] != NETLAT_HIST_SUB ||
	    v[1] != netlat_bucket_lo(NETLAT_HIST_OVERFLOW))
		return fail(p, NL_ERR_VERSION,
			    "histogram layout sub_buckets %llu max_ns %llu; this netlat reads %d and %llu",
			    (unsigned long long)v[0], (unsigned long long)v[1],
			    NETLAT_HIST_SUB,
			    (unsigned long long)netlat_bucket_lo(NETLAT_HIST_OVERFLOW));
	return NL_OK;
}

static enum nl_status do_probe(struct parser *p)
{
	static const char *const keys[] = { "hits", "missed" };
	struct nl_snapshot *s = p->s;
	struct nl_probe *pr;
	uint64_t v[2];
	enum nl_status st;
	unsigned int i;

	st = need(p, 4);
	if (st)
		return st;
	if (s->nr_probes == NL_MAX_PROBES)
		return fail(p, NL_ERR_MALFORMED, "more than %d probe lines",
			    NL_MAX_PROBES);
	pr = &s->probe[s->nr_probes];
	st = name(p, "probe point", p->tok[1], pr->point, sizeof(pr->point));
	if (!st)
		st = name(p, "probe symbol", p->tok[2], pr->symbol,
			  sizeof(pr->symbol));
	if (!st)
		st = name(p, "probe mode", p->tok[3], pr->mode,
			  sizeof(pr->mode));
	if (!st)
		st = pairs(p, 4, keys, v, 2, 2);
	if (st)
		return st;
	for (i = 0; i < s->nr_probes; i++)
		if (!strcmp(s->probe[i].point, pr->point) &&
		    !strcmp(s->probe[i].symbol, pr->symbol))
			return fail(p, NL_ERR_MALFORMED,
				    "probe %s %s listed twice", pr->point,
				    pr->symbol);
	pr->hits = v[0];
	pr->missed = v[1];
	s->nr_probes++;
	return NL_OK;
}

static enum nl_status do_stage(struct parser *p)
{
	static const char *const keys[] = {
		"count", "sum_ns", "min_ns", "max_ns",
		"p50_ns", "p90_ns", "p99_ns", "p999_ns",
	};
	uint64_t v[8] = { 0 };
	struct nl_stage *st;
	enum nl_status rc;
	int i;

	rc = need(p, 3);
	if (rc)
		return rc;
	i = nl_stage_index(p->tok[1]);
	if (i < 0)
		return NL_OK;	/* a stage added later in version 1 */
	if (p->seen_stage[i])
		return fail(p, NL_ERR_MALFORMED, "stage %s listed twice",
			    p->tok[1]);
	if (strcmp(p->tok[2], netlat_stage_info(i)->dir))
		return fail(p, NL_ERR_MALFORMED,
			    "stage %s has direction '%.8s', not %s", p->tok[1],
			    p->tok[2], netlat_stage_info(i)->dir);
	rc = pairs(p, 3, keys, v, 8, 4);
	if (rc)
		return rc;
	st = &p->s->stage[i];
	st->count = v[0];
	st->sum_ns = v[1];
	st->min_ns = v[2];
	st->max_ns = v[3];
	memcpy(st->kpct, &v[4], sizeof(st->kpct));
	st->minmax_exact = 1;
	p->seen_stage[i] = 1;
	return NL_OK;
}

/* "bucket <stage> <lo> <hi> <count> |<bar>|": the bar is not read. */
static enum nl_status do_bucket(struct parser *p)
{
	uint64_t lo, hi, n;
	enum nl_status st;
	unsigned int b;
	int i;

	st = need(p, 5);
	if (st)
		return st;
	i = nl_stage_index(p->tok[1]);
	if (i < 0)
		return NL_OK;	/* of a stage added later */
	if (!p->seen_stage[i])
		return fail(p, NL_ERR_MALFORMED,
			    "bucket of stage %s before its stage line",
			    p->tok[1]);
	st = number(p, "bucket low bound", p->tok[2], &lo);
	if (!st)
		st = number(p, "bucket high bound", p->tok[3], &hi);
	if (!st)
		st = number(p, "bucket count", p->tok[4], &n);
	if (st)
		return st;
	b = netlat_bucket(lo);
	if (netlat_bucket_lo(b) != lo || netlat_bucket_hi(b) != hi)
		return fail(p, NL_ERR_MALFORMED,
			    "bucket [%llu, %llu) is not one of the histogram's buckets",
			    (unsigned long long)lo, (unsigned long long)hi);
	if (p->s->stage[i].bucket[b])
		return fail(p, NL_ERR_MALFORMED,
			    "bucket [%llu, %llu) of %s listed twice",
			    (unsigned long long)lo, (unsigned long long)hi,
			    p->tok[1]);
	p->s->stage[i].bucket[b] = n;
	return NL_OK;
}

static enum nl_status do_counter(struct parser *p)
{
	struct nl_snapshot *s = p->s;
	struct nl_counter *c;
	enum nl_status st;
	uint64_t dummy;

	st = need(p, 3);
	if (st)
		return st;
	if (s->nr_counters == NL_MAX_COUNTERS)
		return fail(p, NL_ERR_MALFORMED, "more than %d counter lines",
			    NL_MAX_COUNTERS);
	c = &s->counter[s->nr_counters];
	st = name(p, "counter name", p->tok[1], c->name, sizeof(c->name));
	if (!st)
		st = number(p, c->name, p->tok[2], &c->value);
	if (st)
		return st;
	if (!nl_counter_get(s, c->name, &dummy))
		return fail(p, NL_ERR_MALFORMED, "counter %s listed twice",
			    c->name);
	s->nr_counters++;
	return NL_OK;
}

/*
 * "hostname <name>": printable ASCII, and a backslash only as \ooo (a
 * byte, octal), as the module escapes it; kept escaped.
 */
static enum nl_status do_hostname(struct parser *p)
{
	enum nl_status st;
	const char *h;
	size_t i, n;

	st = need(p, 2);
	if (st)
		return st;
	h = p->tok[1];
	n = strlen(h);
	if (n >= NL_HOST_MAX)
		return fail(p, NL_ERR_MALFORMED,
			    "hostname is longer than %d bytes", NL_HOST_MAX - 1);
	for (i = 0; i < n; i++) {
		if (h[i] < '!' || h[i] > '~')
			return fail(p, NL_ERR_MALFORMED,
				    "hostname has a byte that is not printable ASCII");
		if (h[i] != '\\')
			continue;
		if (i + 3 >= n || h[i + 1] < '0' || h[i + 1] > '3' ||
		    h[i + 2] < '0' || h[i + 2] > '7' ||
		    h[i + 3] < '0' || h[i + 3] > '7')
			return fail(p, NL_ERR_MALFORMED,
				    "hostname: a backslash not followed by 3 octal digits");
		i += 3;
	}
	memcpy(p->s->hostname, h, n + 1);
	return NL_OK;
}

/*
 * How much of the @left bytes of a list to quote: the list is not always
 * NUL-terminated (a long line is parsed where it is).
 */
static int shown(size_t left)
{
	return left < 16 ? (int)left : 16;
}

/* A port number 0..65535 at @str[*i], digits only. */
static enum nl_status port_number(struct parser *p, const char *str,
				  size_t n, size_t *i, unsigned int *out)
{
	unsigned int v = 0;
	size_t start = *i;

	while (*i < n && str[*i] >= '0' && str[*i] <= '9') {
		v = v * 10 + (unsigned int)(str[*i] - '0');
		if (v >= NL_PORTS)
			return fail(p, NL_ERR_MALFORMED,
				    "filter ports: '%.*s' is not a port in 0..65535",
				    shown(n - start), str + start);
		(*i)++;
	}
	if (*i == start)
		return fail(p, NL_ERR_MALFORMED,
			    "filter ports: a list of ports and ranges like 80,443,8000-8100, not '%.*s'",
			    shown(n - start), str + start);
	*out = v;
	return NL_OK;
}

static void set_ports(struct nl_filters *f, unsigned int lo, unsigned int hi)
{
	for (; lo <= hi && lo % 8; lo++)
		f->port[lo / 8] |= 1u << (lo % 8);
	if (lo + 7 <= hi) {
		memset(&f->port[lo / 8], 0xff, (hi + 1 - lo) / 8);
		lo += (hi + 1 - lo) / 8 * 8;
	}
	for (; lo <= hi; lo++)
		f->port[lo / 8] |= 1u << (lo % 8);
}

/*
 * "filter ports all", or a list like 80,443,8000-8100 (of @n bytes: it may
 * be far longer than a line of any other keyword).
 */
static enum nl_status do_ports(struct parser *p, const char *str, size_t n)
{
	struct nl_filters *f = &p->s->filter;
	unsigned int lo, hi, b;
	enum nl_status st;
	size_t i = 0;

	memset(f->port, 0, sizeof(f->port));
	f->seen = 1;
	f->has_ports = 1;
	f->nr_ports = 0;
	f->all_ports = n == 3 && !memcmp(str, "all", 3);
	if (f->all_ports)
		return NL_OK;
	while (i < n) {
		st = port_number(p, str, n, &i, &lo);
		if (st)
			return st;
		hi = lo;
		if (i < n && str[i] == '-') {
			i++;
			st = port_number(p, str, n, &i, &hi);
			if (st)
				return st;
			if (hi < lo)
				return fail(p, NL_ERR_MALFORMED,
					    "filter ports: range %u-%u goes down",
					    lo, hi);
		}
		set_ports(f, lo, hi);
		if (i == n)
			break;
		if (str[i] != ',' || i + 1 == n)
			return fail(p, NL_ERR_MALFORMED,
				    "filter ports: a list of ports and ranges like 80,443,8000-8100, not '%.*s'",
				    shown(n - i), str + i);
		i++;
	}
	for (b = 0; b < sizeof(f->port); b++)
		f->nr_ports += (unsigned int)__builtin_popcount(f->port[b]);
	return NL_OK;
}

/* "filter <what> <value>": what the numbers cover. */
static enum nl_status do_filter(struct parser *p)
{
	struct nl_filters *f = &p->s->filter;
	enum nl_status st;
	const char *what, *v;

	st = need(p, 2);
	if (st)
		return st;
	what = p->tok[1];
	if (!strcmp(what, "ports")) {
		if (p->ntok > 3)
			return fail(p, NL_ERR_MALFORMED,
				    "'filter ports' line has %u fields, wants 3",
				    p->ntok);
		v = p->ntok == 3 ? p->tok[2] : "";
		return do_ports(p, v, strlen(v));
	}
	if (strcmp(what, "directions") && strcmp(what, "family") &&
	    strcmp(what, "netns") && strcmp(what, "sample"))
		return NL_OK;	/* a filter added later in version 1 */
	st = need(p, 3);
	if (st)
		return st;
	v = p->tok[2];
	f->seen = 1;
	if (!strcmp(what, "directions")) {
		f->directions = !strcmp(v, "tx") ? 1 : !strcmp(v, "rx") ? 2 :
				!strcmp(v, "tx,rx") || !strcmp(v, "rx,tx") ?
				3 : 0;
		if (!f->directions)
			return fail(p, NL_ERR_MALFORMED,
				    "filter directions: '%.16s' is not tx,rx, tx or rx",
				    v);
	} else if (!strcmp(what, "family")) {
		f->family = !strcmp(v, "all") ? 0 : !strcmp(v, "4") ? 4 :
			    !strcmp(v, "6") ? 6 : -1;
		if (f->family < 0)
			return fail(p, NL_ERR_MALFORMED,
				    "filter family: '%.16s' is not all, 4 or 6",
				    v);
	} else if (!strcmp(what, "netns")) {
		f->has_netns = 1;
		f->netns = 0;
		if (strcmp(v, "all"))
			return number(p, "filter netns", v, &f->netns);
	} else {
		f->has_sample = 1;
		return number(p, "filter sample", v, &f->sample);
	}
	return NL_OK;
}

/* "load_id <16 hex digits>" */
static enum nl_status do_load_id(struct parser *p)
{
	enum nl_status st;
	const char *c;
	uint64_t v = 0;

	st = need(p, 2);
	if (st)
		return st;
	for (c = p->tok[1]; *c; c++) {
		unsigned int d;

		if (*c >= '0' && *c <= '9')
			d = (unsigned int)(*c - '0');
		else if (*c >= 'a' && *c <= 'f')
			d = (unsigned int)(*c - 'a' + 10);
		else if (*c >= 'A' && *c <= 'F')
			d = (unsigned int)(*c - 'A' + 10);
		else
			break;
		v = v << 4 | d;
	}
	if (*c || c - p->tok[1] != 16)
		return fail(p, NL_ERR_MALFORMED,
			    "load_id: '%.32s' is not 16 hex digits",
			    p->tok[1]);
	p->s->load_id = v;
	p->s->has_load_id = 1;
	return NL_OK;
}

/* A keyword's place: after the version line, before the end line. */
static enum nl_status in_order(struct parser *p, const char *kw)
{
	if (p->seen_end)
		return fail(p, NL_ERR_MALFORMED, "'%.32s' after the end line",
			    kw);
	if (!p->seen_version)
		return fail(p, NL_ERR_MALFORMED,
			    "'%.32s' before the version line", kw);
	return NL_OK;
}

/*
 * A line longer than NL_LINE_MAX: only "filter ports <list>" may be (up to
 * 65536 ports).  Its list is parsed where it is, not copied.
 */
static enum nl_status long_line(struct parser *p, const char *line, size_t n)
{
	static const char *const words[] = { "filter", "ports" };
	enum nl_status st;
	unsigned int w;
	size_t i = 0, k, end = n;

	for (w = 0; w < 2; w++) {
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		k = strlen(words[w]);
		if (n - i <= k || memcmp(line + i, words[w], k) ||
		    (line[i + k] != ' ' && line[i + k] != '\t'))
			return fail(p, NL_ERR_MALFORMED,
				    "line longer than %d bytes", NL_LINE_MAX);
		i += k;
	}
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;
	for (k = i; k < end; k++)
		if (line[k] == ' ' || line[k] == '\t')
			return fail(p, NL_ERR_MALFORMED,
				    "'filter ports' line has more than 3 fields");
	st = in_order(p, "filter");
	return st ? st : do_ports(p, line + i, end - i);
}

static enum nl_status do_line(struct parser *p)
{
	const char *kw = p->tok[0];
	enum nl_status st;

	if (kw[0] == '#')
		return NL_OK;
	if (p->seen_end)
		return in_order(p, kw);
	if (!strcmp(kw, "version"))
		return do_version(p);
	st = in_order(p, kw);
	if (st)
		return st;
	if (!strcmp(kw, "module")) {
		st = need(p, 2);
		return st ? st : name(p, "module version", p->tok[1],
				      p->s->module, sizeof(p->s->module));
	}
	if (!strcmp(kw, "kernel")) {
		st = need(p, 2);
		return st ? st : name(p, "kernel release", p->tok[1],
				      p->s->kernel, sizeof(p->s->kernel));
	}
	if (!strcmp(kw, "time_ns")) {
		st = need(p, 2);
		return st ? st : number(p, "time_ns", p->tok[1],
					&p->s->time_ns);
	}
	if (!strcmp(kw, "realtime_ns")) {
		st = need(p, 2);
		if (!st)
			st = number(p, "realtime_ns", p->tok[1],
				    &p->s->realtime_ns);
		p->s->has_realtime = !st;
		return st;
	}
	if (!strcmp(kw, "load_id"))
		return do_load_id(p);
	if (!strcmp(kw, "resets")) {
		st = need(p, 2);
		if (!st)
			st = number(p, "resets", p->tok[1], &p->s->resets);
		p->s->has_resets = !st;
		return st;
	}
	if (!strcmp(kw, "hostname"))
		return do_hostname(p);
	if (!strcmp(kw, "enabled")) {
		uint64_t v;

		st = need(p, 2);
		if (!st)
			st = number(p, "enabled", p->tok[1], &v);
		if (!st)
			p->s->enabled = v ? 1 : 0;
		return st;
	}
	if (!strcmp(kw, "filter"))
		return do_filter(p);
	if (!strcmp(kw, "sockets"))
		return do_sockets(p);
	if (!strcmp(kw, "records"))
		return do_records(p);
	if (!strcmp(kw, "thinning")) {
		st = need(p, 2);
		if (!st)
			st = number(p, "thinning", p->tok[1],
				    &p->s->thinning);
		p->s->has_thinning = !st;
		return st;
	}
	if (!strcmp(kw, "histogram"))
		return do_histogram(p);
	if (!strcmp(kw, "probe"))
		return do_probe(p);
	if (!strcmp(kw, "stage"))
		return do_stage(p);
	if (!strcmp(kw, "bucket"))
		return do_bucket(p);
	if (!strcmp(kw, "counter"))
		return do_counter(p);
	if (!strcmp(kw, "end")) {
		p->seen_end = 1;
		return NL_OK;
	}
	return NL_OK;		/* an addition within version 1 */
}

static void tokenize(struct parser *p)
{
	char *c = p->buf;

	p->ntok = 0;
	for (;;) {
		while (*c == ' ' || *c == '\t')
			*c++ = '\0';
		if (!*c)
			return;
		if (p->ntok == NL_MAX_TOKENS) {
			p->ntok++;	/* too many: reported by the caller */
			return;
		}
		p->tok[p->ntok++] = c;
		while (*c && *c != ' ' && *c != '\t')
			c++;
	}
}

/* The stage's numbers must agree with each other and with its buckets. */
static enum nl_status check_stage(struct parser *p, unsigned int i)
{
	const struct nl_stage *st = &p->s->stage[i];
	const char *nm = netlat_stage_info(i)->name;
	uint64_t total = 0;
	unsigned int b, first = NETLAT_HIST_BUCKETS, last = 0;

	for (b = 0; b < NETLAT_HIST_BUCKETS; b++) {
		if (!st->bucket[b])
			continue;
		if (total + st->bucket[b] < total)
			return fail(p, NL_ERR_MALFORMED,
				    "stage %s: bucket counts overflow", nm);
		total += st->bucket[b];
		if (first == NETLAT_HIST_BUCKETS)
			first = b;
		last = b;
	}
	/* netlat_percentile() divides by a bucket's count + 1 */
	if (st->count > NL_COUNT_MAX)
		return fail(p, NL_ERR_MALFORMED,
			    "stage %s: count %llu is beyond any real count",
			    nm, (unsigned long long)st->count);
	if (total != st->count)
		return fail(p, NL_ERR_MALFORMED,
			    "stage %s: buckets add up to %llu, count is %llu",
			    nm, (unsigned long long)total,
			    (unsigned long long)st->count);
	if (!st->count) {
		if (st->sum_ns || st->min_ns || st->max_ns)
			return fail(p, NL_ERR_MALFORMED,
				    "stage %s: no samples but a sum, min or max",
				    nm);
		return NL_OK;
	}
	if (netlat_bucket(st->min_ns) != first ||
	    netlat_bucket(st->max_ns) != last)
		return fail(p, NL_ERR_MALFORMED,
			    "stage %s: min_ns/max_ns are not in the first/last non-empty bucket",
			    nm);
	return NL_OK;
}

static enum nl_status finish(struct parser *p)
{
	enum nl_status st;
	unsigned int i;

	p->line = 0;
	if (!p->seen_version)
		return fail(p, NL_ERR_TRUNCATED,
			    "no data (empty input, or no version line)");
	if (!p->seen_end)
		return fail(p, NL_ERR_TRUNCATED,
			    "truncated: no 'end' line after the last stage");
	for (i = 0; i < NETLAT_NR_STAGES; i++) {
		if (!p->seen_stage[i])
			return fail(p, NL_ERR_MALFORMED, "no stage %s line",
				    netlat_stage_info(i)->name);
		st = check_stage(p, i);
		if (st)
			return st;
	}
	return NL_OK;
}

enum nl_status nl_parse(const char *buf, size_t len, struct nl_snapshot *s,
			struct nl_error *err)
{
	struct parser parser;
	struct parser *p = &parser;
	size_t pos = 0, n;
	const char *nl;
	enum nl_status st;

	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	memset(p, 0, sizeof(*p));
	s->enabled = -1;
	s->filter.family = -1;
	p->s = s;
	p->err = err;
	if (len > NL_INPUT_MAX)
		return fail(p, NL_ERR_MALFORMED, "input larger than %u bytes",
			    NL_INPUT_MAX);
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		p->line++;
		if (memchr(buf + pos, '\0', n))
			return fail(p, NL_ERR_MALFORMED,
				    "NUL byte: this is not netlat text");
		if (n > NL_LINE_MAX) {
			st = long_line(p, buf + pos, n);
			if (st)
				return st;
			pos += n + (nl ? 1 : 0);
			continue;
		}
		memcpy(p->buf, buf + pos, n);
		p->buf[n] = '\0';
		pos += n + (nl ? 1 : 0);
		tokenize(p);
		if (!p->ntok)
			continue;
		if (p->ntok > NL_MAX_TOKENS)
			return fail(p, NL_ERR_MALFORMED,
				    "more than %d fields on a line",
				    NL_MAX_TOKENS);
		st = do_line(p);
		if (st)
			return st;
	}
	return finish(p);
}

int nl_filters_narrow(const struct nl_filters *f)
{
	return (f->directions && f->directions != 3) ||
	       (f->has_ports && !f->all_ports) || f->family > 0 ||
	       (f->has_netns && f->netns) || (f->has_sample && f->sample != 1);
}

/*
 * The ranges into @buf (NULL: only counted) while they fit in @size with
 * room for ",..." after them; the length of what would be written whole.
 */
static size_t ports_walk(const struct nl_filters *f, char *buf, size_t size,
			 int *cut)
{
	unsigned int lo, hi;
	size_t o = 0;
	char r[16];
	int n;

	for (lo = 0; lo < NL_PORTS; lo = hi + 1) {
		while (lo < NL_PORTS && !nl_port_listed(f, lo))
			lo++;
		if (lo == NL_PORTS)
			break;
		for (hi = lo; hi + 1 < NL_PORTS && nl_port_listed(f, hi + 1);)
			hi++;
		n = lo == hi ? snprintf(r, sizeof(r), "%s%u", o ? "," : "", lo) :
		    snprintf(r, sizeof(r), "%s%u-%u", o ? "," : "", lo, hi);
		if (buf && !*cut && o + (size_t)n + 4 >= size) {
			snprintf(buf + o, size - o, "%s...", o ? "," : "");
			*cut = 1;
		}
		if (buf && !*cut)
			memcpy(buf + o, r, (size_t)n + 1);
		o += (size_t)n;
	}
	return o;
}

int nl_ports_format(const struct nl_filters *f, char *buf, size_t size,
		    size_t *len)
{
	size_t total = ports_walk(f, NULL, 0, NULL);
	int cut = 0;

	if (size && total < size) {
		buf[0] = '\0';
		ports_walk(f, buf, (size_t)-1, &cut);
	} else if (size) {
		buf[0] = '\0';
		ports_walk(f, buf, size, &cut);
	}
	if (len)
		*len = cut ? strlen(buf) : total;
	return cut;
}
