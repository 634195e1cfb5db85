// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the /proc/netlat parser, and for everything that
 * consumes what it accepts: percentiles, deltas, the text, JSON and
 * Prometheus outputs.  An input may hold two snapshots separated by a
 * line "=====": then the delta between them is reported too.
 *
 * Build (userspace/Makefile does): clang -g -O1
 *   -fsanitize=fuzzer,address,undefined -I../include -I.
 *   ../tests/fuzz/fuzz_parse.c parse.c stats.c report.c export.c
 */
#define _GNU_SOURCE	/* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"
#include "report.h"
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
	o.stages = 1u << NETLAT_RX_TOTAL;
	nl_print_text(f, s, &o);
	nl_print_json(f, s, &o);
	nl_print_prometheus(f, s, &o);
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
		nl_delta(&a, &b, &d);
		outputs(null, &d);
		nl_delta(&b, &a, &d);
		outputs(null, &d);
	}
	return 0;
}
