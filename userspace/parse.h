/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /proc/netlat text (format version 1) parsed into a struct.  The
 * parser trusts nothing: lines are bounded, numbers are range checked,
 * names are printable ASCII, and a snapshot is only accepted whole (with
 * its "end" line) and self-consistent (buckets add up to the count).
 */
#ifndef NETLAT_PARSE_H
#define NETLAT_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <netlat/format.h>
#include <netlat/hist.h>

#define NL_LINE_MAX	4096		/* longest line, newline excluded */
#define NL_INPUT_MAX	(4u << 20)	/* largest snapshot read */
#define NL_NAME_MAX	64		/* names, incl. the NUL */
#define NL_SYMBOL_MAX	128		/* kernel symbols and releases */
#define NL_MAX_PROBES	64
#define NL_MAX_COUNTERS	128
#define NL_NR_PCT	4		/* p50, p90, p99, p99.9 */
#define NL_COUNT_MAX	(UINT64_MAX >> 1)	/* most samples in a stage */

enum nl_status {
	NL_OK = 0,
	NL_ERR_VERSION,		/* a format version this tool does not know */
	NL_ERR_MALFORMED,	/* a bad line, or numbers that disagree */
	NL_ERR_TRUNCATED,	/* empty, or no "end" line */
};

struct nl_error {
	unsigned int line;	/* 1-based; 0 when not about one line */
	char msg[192];
};

struct nl_probe {
	char point[NL_NAME_MAX];
	char symbol[NL_SYMBOL_MAX];
	char mode[16];			/* ftrace or int3 */
	uint64_t hits;
	uint64_t missed;
};

struct nl_stage {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t min_ns;
	uint64_t max_ns;
	uint64_t kpct[NL_NR_PCT];	/* as the kernel printed them */
	/*
	 * 1 when min_ns/max_ns are the real extremes.  In a delta they are
	 * often only bounds (nl_delta()); a parsed snapshot's are exact.
	 */
	int minmax_exact;
	uint64_t bucket[NETLAT_HIST_BUCKETS];
};

struct nl_counter {
	char name[NL_NAME_MAX];
	uint64_t value;
};

#define NL_HOST_MAX	(4 * 64 + 1)	/* a host name, \ooo escaped */
#define NL_PORTS	65536

/*
 * The "filter" lines: what the numbers cover.  Each is 0 ("not given":
 * an older module) until its line is read.
 */
struct nl_filters {
	int seen;			/* any filter line */
	unsigned int directions;	/* bit 0 tx, bit 1 rx; 0: not given */
	int has_ports;
	int all_ports;			/* "filter ports all" */
	unsigned int nr_ports;		/* ports in the list */
	uint8_t port[NL_PORTS / 8];	/* the list, a bitmap */
	int family;			/* -1 not given, 0 all, 4, 6 */
	int has_netns;
	uint64_t netns;			/* 0: all */
	int has_sample;
	uint64_t sample;		/* 1 in N events; 1: all */
};

/* Why an interval starts again from zero (nl_snapshot.reset_seen). */
enum nl_restart {
	NL_RESTART_NONE,
	NL_RESTART_DOWN,	/* a number went down (or vanished) */
	NL_RESTART_RELOAD,	/* another load_id: the module was reloaded */
	NL_RESTART_RESET,	/* another resets: the statistics were reset */
};

struct nl_snapshot {
	unsigned int version;
	char module[NL_NAME_MAX];
	char kernel[NL_SYMBOL_MAX];
	int has_load_id;
	uint64_t load_id;		/* random at each module load */
	uint64_t time_ns;		/* CLOCK_MONOTONIC of the snapshot */
	int has_resets;
	uint64_t resets;		/* resets since the load */
	int has_realtime;
	uint64_t realtime_ns;		/* CLOCK_REALTIME of the snapshot */
	char hostname[NL_HOST_MAX];	/* as printed ("" if not): escaped */
	int enabled;			/* -1: not printed (older modules) */
	struct nl_filters filter;
	uint64_t sockets;
	uint64_t capacity;		/* of the socket table */
	int has_records;		/* the "records" line: newer modules */
	uint64_t records;		/* in flight now */
	uint64_t record_capacity;	/* the pool's size */
	int has_thinning;
	uint64_t thinning;		/* level: 1 in 2^level kept */
	unsigned int nr_probes;
	struct nl_probe probe[NL_MAX_PROBES];
	struct nl_stage stage[NETLAT_NR_STAGES];
	unsigned int nr_counters;
	struct nl_counter counter[NL_MAX_COUNTERS];
	/* Set by nl_delta(); zero in a parsed snapshot. */
	int is_delta;
	int reset_seen;			/* a reset or reload: enum nl_restart */
	uint64_t interval_ns;
};

/*
 * @s (at most @max bytes of it, up to its NUL) for a message: every byte
 * outside printable ASCII as \xHH, a backslash as \\, so that no input
 * can send terminal escapes.  Truncated to fit @size (never inside an
 * escape); returns @buf.
 */
const char *nl_escape(char *buf, size_t size, const char *s, size_t max);

/*
 * @s for a message, escaped as nl_escape() does, into one of four static
 * buffers in turn: up to four in one message (a path or an argument may
 * hold any byte).  Not thread-safe.
 */
const char *nl_esc(const char *s);

/* A decimal u64 into @out: digits only, no sign, no overflow; 0 or -1. */
int nl_parse_u64(const char *str, uint64_t *out);

/* The index of stage @name, or -1. */
int nl_stage_index(const char *name);

/*
 * Parse @len bytes of /proc/netlat text into @s.  On failure @err says
 * where and why, and @s holds whatever was parsed so far.
 */
enum nl_status nl_parse(const char *buf, size_t len, struct nl_snapshot *s,
			struct nl_error *err);

/* Is port @port in the filter's list? */
static inline int nl_port_listed(const struct nl_filters *f,
				 unsigned int port)
{
	return port < NL_PORTS && (f->port[port / 8] >> (port % 8)) & 1;
}

/* 1 when any filter is not its default (all traffic, every event). */
int nl_filters_narrow(const struct nl_filters *f);

/*
 * The port list as ranges ("80,443,8000-8100") into @buf of @size; when it
 * does not fit, as many ranges as fit, then ",...".  1 if it was cut, 0 if
 * whole.  Pass @size 0 to get the whole length in @len (for allocating).
 */
int nl_ports_format(const struct nl_filters *f, char *buf, size_t size,
		    size_t *len);

/* The value of counter @name into @v; 0 if found, -1 if not. */
int nl_counter_get(const struct nl_snapshot *s, const char *name,
		   uint64_t *v);

#endif /* NETLAT_PARSE_H */
