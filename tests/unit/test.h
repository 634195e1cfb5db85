/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal harness for the netlat host unit tests: CHECK* count passes
 * and failures (printing each failure), test_done() prints the closing
 * "<name>: N passed, N failed" line and gives the exit status.
 */
#ifndef NETLAT_TEST_H
#define NETLAT_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"

static unsigned int t_pass, t_fail;

#define CHECK(cond) do {						\
	if (cond) {							\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__,\
			#cond);						\
	}								\
} while (0)

#define CHECK_U64(got, want) do {					\
	uint64_t g_ = (got), w_ = (want);				\
	if (g_ == w_) {							\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s is %" PRIu64		\
			", want %" PRIu64 "\n", __FILE__, __LINE__,	\
			#got, g_, w_);					\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ && !strcmp(g_, w_)) {					\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s is '%s', want '%s'\n",\
			__FILE__, __LINE__, #got, g_ ? g_ : "(null)",	\
			w_);						\
	}								\
} while (0)

/* @hay contains @needle */
#define CHECK_HAS(hay, needle) do {					\
	const char *h_ = (hay), *n_ = (needle);				\
	if (h_ && strstr(h_, n_)) {					\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s lacks '%s'\n",	\
			__FILE__, __LINE__, #hay, n_);			\
	}								\
} while (0)

#define CHECK_LACKS(hay, needle) do {					\
	const char *h_ = (hay), *n_ = (needle);				\
	if (h_ && !strstr(h_, n_)) {					\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s has '%s'\n",		\
			__FILE__, __LINE__, #hay, n_);			\
	}								\
} while (0)

static inline int test_done(const char *name)
{
	printf("%s: %u passed, %u failed\n", name, t_pass, t_fail);
	return t_fail ? 1 : 0;
}

static const char *fixture_dir = "../tests/unit/fixtures";

/* The contents of fixture @name (malloc'ed, NUL-terminated), or exit. */
static inline char *fixture(const char *name, size_t *len)
{
	char path[512];
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap + 1);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	f = fopen(path, "rb");
	if (!f || !buf) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		exit(2);
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				exit(2);
		}
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Parse fixture @name into @s; the status. */
static inline enum nl_status parse_fixture(const char *name,
					   struct nl_snapshot *s,
					   struct nl_error *err)
{
	size_t len;
	char *buf = fixture(name, &len);
	enum nl_status st = nl_parse(buf, len, s, err);

	free(buf);
	return st;
}

static inline void test_init(int argc, char **argv)
{
	if (argc > 1)
		fixture_dir = argv[1];
}

#endif /* NETLAT_TEST_H */
