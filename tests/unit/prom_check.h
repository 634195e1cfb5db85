/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A checker of the Prometheus text exposition format (version 0.0.4), for
 * the tests: the rules promtool and the textfile collector rely on.
 *
 *  - metric and label names are valid; label values are quoted with only
 *    \\, \" and \n escaped; no timestamps; one "# TYPE" per family, before
 *    its samples, a "# HELP" for every family; a family's samples together
 *  - counters end in _total and are never negative
 *  - histograms: per label set, _bucket le values strictly increasing and
 *    ending with le="+Inf", counts cumulative (never decreasing), _count
 *    equal to the +Inf bucket, and a _sum
 *  - no series twice
 */
#ifndef NETLAT_PROM_CHECK_H
#define NETLAT_PROM_CHECK_H

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PC_MAX_FAM	64
#define PC_MAX_SERIES	4096
#define PC_MAX_GROUPS	128

struct pc_family {
	char name[128];
	char type[16];
	int help, samples, closed;
};

struct pc_group {		/* one histogram label set */
	char key[512];		/* family + labels without le */
	double last_le, last_count, inf_count, count;
	int buckets, has_inf, has_sum, has_count;
};

struct pc_state {
	struct pc_family fam[PC_MAX_FAM];
	int nfam;
	char *series[PC_MAX_SERIES];
	int nseries;
	struct pc_group grp[PC_MAX_GROUPS];
	int ngrp;
	int errors;
	int line;
	char first_error[256];
	struct pc_family *cur;
};

__attribute__((format(printf, 2, 3)))
static void pc_err(struct pc_state *s, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!s->errors++)
		snprintf(s->first_error, sizeof(s->first_error), "line %d: %s",
			 s->line, msg);
}

static struct pc_family *pc_fam(struct pc_state *s, const char *name, int add)
{
	int i;

	for (i = 0; i < s->nfam; i++)
		if (!strcmp(s->fam[i].name, name))
			return &s->fam[i];
	if (!add || s->nfam == PC_MAX_FAM)
		return NULL;
	snprintf(s->fam[s->nfam].name, sizeof(s->fam[0].name), "%s", name);
	return &s->fam[s->nfam++];
}

static int pc_name_ok(const char *n, int label)
{
	if (!*n || isdigit((unsigned char)*n))
		return 0;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && *n != '_' &&
		    (label || *n != ':'))
			return 0;
	return 1;
}

static int pc_value(const char *v, double *out)
{
	char *end;

	if (!strcmp(v, "+Inf")) {
		*out = INFINITY;
		return 0;
	}
	if (!strcmp(v, "-Inf")) {
		*out = -INFINITY;
		return 0;
	}
	if (!strcmp(v, "NaN")) {
		*out = NAN;
		return 0;
	}
	*out = strtod(v, &end);
	return *v && !*end && !isspace((unsigned char)*v) ? 0 : -1;
}

static int pc_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && !strcmp(s + a - b, suffix);
}

static void pc_sample(struct pc_state *s, char *l)
{
	char name[128], key[512], le[64] = "", lname[64], lval[256];
	char *p = l, *q, *sp;
	struct pc_family *f;
	struct pc_group *g = NULL;
	const char *suffix = "";
	double v, lev = 0;
	size_t n;
	int i;

	n = strcspn(p, "{ ");
	if (n >= sizeof(name)) {
		pc_err(s, "metric name too long");
		return;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	p += n;
	if (!pc_name_ok(name, 0)) {
		pc_err(s, "bad metric name '%s'", name);
		return;
	}
	snprintf(key, sizeof(key), "%s{", name);
	if (*p == '{') {
		p++;
		while (*p != '}') {
			n = strcspn(p, "=");
			if (!p[n] || n >= sizeof(lname)) {
				pc_err(s, "bad label");
				return;
			}
			memcpy(lname, p, n);
			lname[n] = '\0';
			if (!pc_name_ok(lname, 1) || !strncmp(lname, "__", 2)) {
				pc_err(s, "bad label name '%s'", lname);
				return;
			}
			p += n + 1;
			if (*p++ != '"') {
				pc_err(s, "label value not quoted");
				return;
			}
			for (n = 0; *p && *p != '"'; p++) {
				if (*p == '\\') {
					p++;
					if (*p != '\\' && *p != '"' &&
					    *p != 'n') {
						pc_err(s, "bad escape");
						return;
					}
				}
				if (n < sizeof(lval) - 1)
					lval[n++] = *p;
			}
			lval[n] = '\0';
			if (*p++ != '"') {
				pc_err(s, "unterminated label value");
				return;
			}
			if (!strcmp(lname, "le"))
				snprintf(le, sizeof(le), "%.63s", lval);
			else
				snprintf(key + strlen(key),
					 sizeof(key) - strlen(key), "%s=%s,",
					 lname, lval);
			if (*p == ',')
				p++;
			else if (*p != '}') {
				pc_err(s, "bad label list");
				return;
			}
		}
		p++;
	}
	if (*p != ' ') {
		pc_err(s, "no value");
		return;
	}
	p++;
	sp = strchr(p, ' ');
	if (sp) {
		pc_err(s, "a timestamp or extra field: '%s'", sp + 1);
		return;
	}
	if (pc_value(p, &v)) {
		pc_err(s, "bad value '%s'", p);
		return;
	}

	/* the family: NAME, or NAME_bucket/_sum/_count of a histogram */
	f = pc_fam(s, name, 0);
	if (!f || !f->type[0]) {
		static const char *const sfx[] = {
			"_bucket", "_sum", "_count"
		};

		for (i = 0; i < 3 && !f; i++) {
			if (!pc_ends(name, sfx[i]))
				continue;
			q = strdup(name);
			q[strlen(q) - strlen(sfx[i])] = '\0';
			f = pc_fam(s, q, 0);
			free(q);
			if (f && strcmp(f->type, "histogram"))
				f = NULL;
			else
				suffix = sfx[i];
		}
	}
	if (!f || !f->type[0]) {
		pc_err(s, "sample of '%s' without a # TYPE line before it",
		       name);
		return;
	}
	if (f != s->cur) {
		if (f->closed || f->samples) {
			pc_err(s, "samples of '%s' not together", f->name);
			return;
		}
		if (s->cur)
			s->cur->closed = 1;
		s->cur = f;
	}
	f->samples++;
	if (!strcmp(f->type, "counter") && (!pc_ends(name, "_total") ||
					    v < 0 || isnan(v)))
		pc_err(s, "counter '%s': no _total suffix or value < 0", name);
	if (le[0] && strcmp(suffix, "_bucket"))
		pc_err(s, "le label outside a histogram bucket");

	/* no series twice */
	snprintf(key + strlen(key), sizeof(key) - strlen(key), "le=%s}", le);
	for (i = 0; i < s->nseries; i++)
		if (!strcmp(s->series[i], key)) {
			pc_err(s, "series %s twice", key);
			return;
		}
	if (s->nseries < PC_MAX_SERIES)
		s->series[s->nseries++] = strdup(key);
	if (!*suffix)
		return;

	/* histogram group: family + labels other than le */
	q = strstr(key, "{");
	snprintf(lval, sizeof(lval), "%s%.*s", f->name,
		 (int)(strlen(q) - strlen(le) - 4), q);
	for (i = 0; i < s->ngrp; i++)
		if (!strcmp(s->grp[i].key, lval))
			g = &s->grp[i];
	if (!g) {
		if (s->ngrp == PC_MAX_GROUPS) {
			pc_err(s, "too many histograms");
			return;
		}
		g = &s->grp[s->ngrp++];
		snprintf(g->key, sizeof(g->key), "%s", lval);
		g->last_le = -INFINITY;
	}
	if (!strcmp(suffix, "_bucket")) {
		if (!le[0] || pc_value(le, &lev)) {
			pc_err(s, "%s: bucket without a valid le", g->key);
			return;
		}
		if (g->has_inf || lev <= g->last_le)
			pc_err(s, "%s: le=\"%s\" not increasing", g->key, le);
		if (g->buckets && v < g->last_count)
			pc_err(s, "%s: le=\"%s\" count %.17g below the one "
			       "before (%.17g): not cumulative", g->key, le, v,
			       g->last_count);
		g->last_le = lev;
		g->last_count = v;
		g->buckets++;
		if (isinf(lev)) {
			g->has_inf = 1;
			g->inf_count = v;
		}
	} else if (!strcmp(suffix, "_sum")) {
		g->has_sum = 1;
	} else {
		g->has_count = 1;
		g->count = v;
	}
}

static void pc_comment(struct pc_state *s, char *l)
{
	char kw[8], name[128], rest[64];
	struct pc_family *f;

	if (sscanf(l, "# %7s %127s %63s", kw, name, rest) < 2)
		return;
	if (strcmp(kw, "HELP") && strcmp(kw, "TYPE"))
		return;
	if (!pc_name_ok(name, 0)) {
		pc_err(s, "bad metric name '%s' in # %s", name, kw);
		return;
	}
	f = pc_fam(s, name, 1);
	if (!f) {
		pc_err(s, "too many families");
		return;
	}
	if (!strcmp(kw, "HELP")) {
		if (f->help++)
			pc_err(s, "second # HELP for %s", name);
		return;
	}
	if (f->type[0])
		pc_err(s, "second # TYPE for %s", name);
	else if (f->samples)
		pc_err(s, "# TYPE for %s after its samples", name);
	if (strcmp(rest, "counter") && strcmp(rest, "gauge") &&
	    strcmp(rest, "histogram") && strcmp(rest, "summary") &&
	    strcmp(rest, "untyped"))
		pc_err(s, "unknown type '%s'", rest);
	snprintf(f->type, sizeof(f->type), "%.15s", rest);
}

/* Problems found in @text (0: none); the first one in @why. */
static int prom_check(const char *text, char *why, size_t size)
{
	struct pc_state *s = calloc(1, sizeof(*s));
	char *copy = strdup(text), *l, *save = NULL;
	int i, errors;

	if (!*text || text[strlen(text) - 1] != '\n')
		pc_err(s, "no newline at the end");
	for (l = strtok_r(copy, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		s->line++;
		if (*l == '#')
			pc_comment(s, l);
		else if (*l)
			pc_sample(s, l);
	}
	s->line = 0;
	for (i = 0; i < s->ngrp; i++) {
		struct pc_group *g = &s->grp[i];

		if (!g->has_inf)
			pc_err(s, "%s: no le=\"+Inf\" bucket", g->key);
		if (!g->has_sum || !g->has_count)
			pc_err(s, "%s: no _sum or _count", g->key);
		else if (g->count != g->inf_count)
			pc_err(s, "%s: _count %.17g != +Inf bucket %.17g",
			       g->key, g->count, g->inf_count);
	}
	for (i = 0; i < s->nfam; i++)
		if (!s->fam[i].help || !s->fam[i].type[0])
			pc_err(s, "family %s lacks # HELP or # TYPE",
			       s->fam[i].name);
	snprintf(why, size, "%s", s->first_error);
	errors = s->errors;
	for (i = 0; i < s->nseries; i++)
		free(s->series[i]);
	free(copy);
	free(s);
	return errors;
}

#endif /* NETLAT_PROM_CHECK_H */
