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

/* A decimal u64: digits only, no sign, no overflow. */
static int parse_u64(const char *str, uint64_t *out)
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
	if (parse_u64(str, out))
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

static enum nl_status do_line(struct parser *p)
{
	const char *kw = p->tok[0];
	enum nl_status st;

	if (kw[0] == '#')
		return NL_OK;
	if (p->seen_end)
		return fail(p, NL_ERR_MALFORMED, "'%.32s' after the end line",
			    kw);
	if (!strcmp(kw, "version"))
		return do_version(p);
	if (!p->seen_version)
		return fail(p, NL_ERR_MALFORMED,
			    "'%.32s' before the version line", kw);
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
	if (!strcmp(kw, "sockets"))
		return do_sockets(p);
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
	p->s = s;
	p->err = err;
	if (len > NL_INPUT_MAX)
		return fail(p, NL_ERR_MALFORMED, "input larger than %u bytes",
			    NL_INPUT_MAX);
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		p->line++;
		if (n > NL_LINE_MAX)
			return fail(p, NL_ERR_MALFORMED,
				    "line longer than %d bytes", NL_LINE_MAX);
		if (memchr(buf + pos, '\0', n))
			return fail(p, NL_ERR_MALFORMED,
				    "NUL byte: this is not netlat text");
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
