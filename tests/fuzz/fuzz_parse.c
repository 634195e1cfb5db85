// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the /proc/netlat parser, and for everything that
 * consumes what it accepts: percentiles, deltas, the text, JSON and
 * Prometheus outputs.  An input may hold two snapshots separated by a
 * line "=====": then the delta between them is reported too.  The input
 * is also read as a stream of snapshots (netlat -f - -i N), and as a slow
 * log (netlat slow): each line parsed, shown, and grouped by every key.
 *
 * Build (userspace/Makefile does): clang -g -O1
 *   -fsanitize=fuzzer,address,undefined -I../include -I.
 *   ../tests/fuzz/fuzz_parse.c parse.c stats.c report.c export.c control.c
 *   slow.c slowout.c cgroup.c slowcmd.c
 */
#define _GNU_SOURCE	/* memmem, memfd_create */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "control.h"
#include "parse.h"
#include "report.h"
#include "slow.h"
#include "stats.h"

static struct nl_snapshot a, b, d;

static void outputs(FILE *f, const struct nl_snapshot *s)
{
	struct nl_opts o = { .stages = NL_ALL_STAGES, .timestamp = 1 };
	uint64_t p[NL_NR_PCT];
	unsigned int i;

	for (i = 0; i < NETLAT_NR_STAGES; i++)
		nl_percentiles(&s->stage[i], p);
	for (i = NL_UNIT_AUTO; i <= NL_UNIT_MS; i++) {
		o.unit = (enum nl_unit)i;
		nl_print_text(f, s, &o);
	}
	o.summary = 1;				/* -S */
	nl_print_text(f, s, &o);
	o.summary = 0;
	o.stages = 1u << NETLAT_RX_TOTAL;
	nl_print_text(f, s, &o);
	nl_print_json(f, s, &o);
	nl_print_prometheus(f, s, &o);
}

/*
 * The same bytes as a slow log, line by line with a small bound (lines
 * too long are reached too): every record and lost line shown as the
 * table and JSON, and grouped by each key, in each order.
 */
static void slow_log(FILE *null, int fd)
{
	static struct nl_slow_line pl;
	struct nl_slow_opts o = { .unit = NL_UNIT_AUTO };
	struct nl_slow_agg agg[NL_BY_CGROUP + 1];
	struct nl_lines l;
	const char *line;
	size_t len;
	int flags, i;

	for (i = NL_BY_PORT; i <= NL_BY_CGROUP; i++)
		nl_slow_agg_init(&agg[i], (enum nl_slow_by)i);
	nl_lines_init(&l, fd, 1024);
	while (nl_lines_next(&l, &line, &len, &flags) > 0) {
		if (len > 1024)
			abort();	/* the bound was not kept */
		switch (nl_slow_parse(line, len, &pl)) {
		case NL_SLOW_RECORD:
			o.unit = (enum nl_unit)(pl.rec.seq % 4);
			nl_slow_print_rec(null, &pl.rec, &o);
			nl_slow_print_json(null, &pl.rec, &o);
			for (i = NL_BY_PORT; i <= NL_BY_CGROUP; i++)
				nl_slow_agg_add(&agg[i], &pl.rec);
			break;
		case NL_SLOW_LOST:
			nl_slow_print_lost(null, pl.lost);
			nl_slow_print_lost_json(null, pl.lost);
			agg[0].lost += pl.lost;
			break;
		case NL_SLOW_BAD:
			if (strnlen(pl.why, sizeof(pl.why)) == sizeof(pl.why))
				abort();	/* must be terminated */
			break;
		default:
			break;
		}
	}
	nl_lines_free(&l);
	for (i = NL_BY_PORT; i <= NL_BY_CGROUP; i++) {
		nl_slow_agg_finish(&agg[i], (enum nl_slow_sort)(i % 3));
		nl_slow_print_agg(null, &agg[i], &o);
		nl_slow_print_agg_json(null, &agg[i], &o);
		nl_slow_agg_free(&agg[i]);
	}
}

/*
 * The same bytes as a stream (netlat -f - -i N), split into snapshots by
 * nl_stream_next() with a small bound, so that the skipping of snapshots
 * too large is reached too; each one parsed.  Then as a slow log.
 */
static void stream(FILE *null, const uint8_t *data, size_t size)
{
	static struct nl_snapshot s;
	struct nl_stream st;
	struct nl_error err;
	const char *snap;
	size_t len;
	int fd, r, i;

	fd = memfd_create("fuzz-stream", 0);
	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return;
	}
	nl_stream_init(&st, fd, 4096);
	for (i = 0; i < 10000; i++) {
		r = nl_stream_next(&st, &snap, &len);
		if (r < 0 && errno == EFBIG)
			continue;
		if (r <= 0)
			break;
		if (len > 4096)
			abort();	/* the bound was not kept */
		nl_parse(snap, len, &s, &err);
	}
	nl_stream_free(&st);
	if (!lseek(fd, 0, SEEK_SET))
		slow_log(null, fd);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	static const char sep[] = "\n=====\n";
	const char *text = (const char *)data, *mid;
	struct nl_error err;
	size_t n1 = size;

	if (!null)
		null = fopen("/dev/null", "w");
	stream(null, data, size);
	mid = memmem(text, size, sep, sizeof(sep) - 1);
	if (mid)
		n1 = (size_t)(mid - text) + 1;
	if (nl_parse(text, n1, &a, &err) != NL_OK) {
		if (strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg))
			abort();	/* the message must be terminated */
		return 0;
	}
	outputs(null, &a);
	nl_delta(&a, &a, &d);
	outputs(null, &d);
	if (mid && nl_parse(mid + sizeof(sep) - 1,
			    size - n1 - (sizeof(sep) - 2), &b, &err) == NL_OK) {
		char why[256];

		nl_delta(&a, &b, &d);
		outputs(null, &d);
		nl_delta(&b, &a, &d);
		outputs(null, &d);
		/* netlat diff: the reason must be a terminated string */
		if (nl_diff_check(&a, &b, why, sizeof(why)) &&
		    strnlen(why, sizeof(why)) == sizeof(why))
			abort();
	}
	return 0;
}
