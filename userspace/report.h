/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of the netlat tool: text (report.c), JSON and Prometheus
 * (export.c).  Each takes a parsed snapshot or an interval delta.
 */
#ifndef NETLAT_REPORT_H
#define NETLAT_REPORT_H

#include <stdio.h>
#include <time.h>
#include "parse.h"

#define NETLAT_TOOL_VERSION NETLAT_VERSION	/* format.h */

/*
 * The JSON schema: bumped when a key is renamed, changes meaning or may be
 * left out (2: nested counters, null for undefined values, Prometheus'
 * label words; 3: -s, --tx and --rx leave out the counters, coverage keys
 * and probes of the stages not shown).
 */
#define NL_JSON_SCHEMA	3

enum nl_unit { NL_UNIT_AUTO, NL_UNIT_NS, NL_UNIT_US, NL_UNIT_MS };

struct nl_opts {
	unsigned int stages;	/* bit i set: report stage i */
	enum nl_unit unit;	/* text only; auto: nl_report_unit() */
	int timestamp;		/* -T: a wall clock line first (text) */
	int summary;		/* -S: a line a stage, the coverage (text) */
	int diff;		/* the delta is of two files (netlat diff) */
	struct timespec now;	/* CLOCK_REALTIME of the report */
	struct timespec last_ok; /* of the last good read (0: none): -p */
};

#define NL_ALL_STAGES ((1u << NETLAT_NR_STAGES) - 1)

void nl_print_text(FILE *f, const struct nl_snapshot *s,
		   const struct nl_opts *o);
void nl_print_json(FILE *f, const struct nl_snapshot *s,
		   const struct nl_opts *o);
/*
 * @s as a JSON string, quoted: a backslash and a double quote escaped.
 * Printable ASCII only (what the parsers let through, escaped as \ooo).
 */
void nl_json_str(FILE *f, const char *s);

/*
 * With @s NULL (the read failed): only netlat_up 0 and the time of the
 * last good read (@o->last_ok); otherwise netlat_up 1, and @o->now is the
 * time of the last good read.
 */
void nl_print_prometheus(FILE *f, const struct nl_snapshot *s,
			 const struct nl_opts *o);
/*
 * May @path be replaced by the Prometheus file?  0 when it does not exist
 * or is a regular file; 1 when it is anything else (@kind says what: "a
 * symbolic link", "a fifo", ...); -1 when lstat() fails (errno).
 */
int nl_prom_target(const char *path, const char **kind);

/*
 * Write the Prometheus text to @path atomically: a temporary file in the
 * same directory, renamed over @path.  0, or -1 with errno set, or 1 when
 * @path is not a regular file (nl_prom_target()): then nothing is written.
 */
int nl_write_prometheus(const char *path, const struct nl_snapshot *s,
			const struct nl_opts *o);

/*
 * @ns as text in @unit, with the unit's suffix: three significant digits
 * (nsecs: whole nanoseconds).  Auto: the unit that suits the value.
 */
const char *nl_fmt_ns(char *buf, size_t size, uint64_t ns,
		      enum nl_unit unit);

/*
 * A percentile: as nl_fmt_ns(), but one in the overflow bucket, which has
 * no upper bound to interpolate to, as ">" and the bucket's low bound
 * (">68719ms").
 */
const char *nl_fmt_pct(char *buf, size_t size, uint64_t ns,
		       enum nl_unit unit);

/*
 * The unit of a text report of @s: from the largest p99 of the @stages
 * with samples (nsecs below 10 us, usecs below 100 ms, msecs above), so
 * that every stage is shown in the same unit.  Auto when none has any.
 */
enum nl_unit nl_report_unit(const struct nl_snapshot *s,
			    unsigned int stages);

#endif /* NETLAT_REPORT_H */
