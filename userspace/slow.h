/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slow log (docs/format.md, "The slow log"): its lines parsed
 * (slow.c), grouped for netlat slow --by (slow.c), printed as a table,
 * JSON lines or the groups (slowout.c), cgroup ids resolved to paths
 * (cgroup.c), and the command itself (slowcmd.c).
 */
#ifndef NETLAT_SLOW_H
#define NETLAT_SLOW_H

#include <stdint.h>
#include <stdio.h>
#include <netlat/format.h>
#include "report.h"

#define NL_SLOW_PROC		"/proc/" NETLAT_PROC_SLOW
#define NL_SLOW_SNAPSHOT_PROC	"/proc/" NETLAT_PROC_SLOW_SNAPSHOT
#define NL_SLOW_US_PARAM	"/sys/module/netlat/parameters/slow_us"
#define NL_CGROUP_ROOT		"/sys/fs/cgroup"

/* "[" an IPv6 address "]:" a port, NUL */
#define NL_SLOW_ADDR_MAX	56
#define NL_SLOW_IP_MAX		46	/* INET6_ADDRSTRLEN */
/* a task's name (15 bytes) each as \ooo, NUL */
#define NL_SLOW_COMM_MAX	64
/* the stages of a direction, its total left out */
#define NL_SLOW_STAGES		3

/* One record: a "slow" line. */
struct nl_slow_rec {
	uint64_t seq;
	uint64_t time_ns;		/* CLOCK_MONOTONIC */
	uint64_t realtime_ns;		/* CLOCK_REALTIME */
	unsigned int first;		/* its first stage: the direction */
	unsigned int family;		/* 4 or 6 */
	char local[NL_SLOW_ADDR_MAX];	/* as printed: 192.0.2.1:80 */
	char remote[NL_SLOW_ADDR_MAX];
	char laddr[NL_SLOW_IP_MAX];	/* without brackets and port */
	char raddr[NL_SLOW_IP_MAX];
	unsigned int lport;
	unsigned int rport;
	uint32_t netns;			/* 0: unknown */
	uint64_t cgroup;		/* 0: unknown */
	uint32_t pid;			/* 0: unknown */
	char comm[NL_SLOW_COMM_MAX];	/* as printed (\ooo); "": unknown */
	uint32_t bytes;
	uint32_t segs;
	uint64_t weight;
	uint64_t total;			/* tx_total or rx_total, ns */
	uint64_t stage[NL_SLOW_STAGES];	/* in path order, ns */
};

enum nl_slow_kind {
	NL_SLOW_NONE,		/* blank, '#', or a keyword not known */
	NL_SLOW_RECORD,		/* a "slow" line */
	NL_SLOW_LOST,		/* a "lost N" line */
	NL_SLOW_BAD,		/* a malformed "slow" or "lost" line */
};

struct nl_slow_line {
	struct nl_slow_rec rec;		/* NL_SLOW_RECORD */
	uint64_t lost;			/* NL_SLOW_LOST */
	char why[192];			/* NL_SLOW_BAD: escaped */
};

/*
 * Parse one line of @len bytes (no newline; need not end with NUL).
 * Names and keywords this netlat does not know are ignored: additions
 * within format version 1.
 */
enum nl_slow_kind nl_slow_parse(const char *line, size_t len,
				struct nl_slow_line *out);

/* "tx" or "rx" */
const char *nl_slow_dir(const struct nl_slow_rec *r);

/* Stage index (format.h) of the record's stage @i, its total at 3. */
static inline unsigned int nl_slow_stage_index(const struct nl_slow_rec *r,
					       unsigned int i)
{
	return r->first + i;
}

/* The position (0..2) of the stage that took most of the total. */
unsigned int nl_slow_slowest(const struct nl_slow_rec *r);

/* ---- netlat slow --by: the records grouped ---- */

enum nl_slow_by { NL_BY_PORT, NL_BY_PEER, NL_BY_PROCESS, NL_BY_CGROUP };
enum nl_slow_sort { NL_SORT_WORST, NL_SORT_P99, NL_SORT_COUNT };

/* The name of a key or an order, and back (-1: not one). */
const char *nl_slow_by_name(enum nl_slow_by by);
int nl_slow_by_parse(const char *name);
int nl_slow_sort_parse(const char *name);

/*
 * The key of @r: port, the lower of its two ports (the service's, beside
 * a client's ephemeral one); peer, the remote address; process,
 * "comm[pid]" ("-" for an unknown name); cgroup, the id.  Into @buf.
 */
const char *nl_slow_key(const struct nl_slow_rec *r, enum nl_slow_by by,
			char *buf, size_t size);

struct nl_slow_group {
	char key[NL_SLOW_COMM_MAX + 16];
	/* the key's parts, for JSON, from the first record of the group */
	unsigned int port;
	char peer[NL_SLOW_IP_MAX];
	char comm[NL_SLOW_COMM_MAX];
	uint32_t pid;
	uint64_t cgroup;
	unsigned int first;	/* the first record's first stage */
	/* every record's total: sorted by nl_slow_agg_finish() */
	uint64_t *total;
	size_t n;
	size_t cap;
	uint64_t stage_sum[NETLAT_NR_STAGES];
	/* nl_slow_agg_finish(): nearest rank percentiles, the maximum */
	uint64_t p50;
	uint64_t p99;
	uint64_t max;
	unsigned int slowest;	/* stage index: the most time in all */
};

struct nl_slow_agg {
	enum nl_slow_by by;
	struct nl_slow_group *group;
	size_t n;
	size_t cap;
	size_t *index;		/* hash: group number + 1; 0 free */
	size_t index_size;	/* a power of two */
	uint64_t records;
	uint64_t lost;		/* of the "lost" lines */
};

void nl_slow_agg_init(struct nl_slow_agg *a, enum nl_slow_by by);
/* 0, or -1 (ENOMEM) */
int nl_slow_agg_add(struct nl_slow_agg *a, const struct nl_slow_rec *r);
/* Percentiles of every group, then the groups in @order, worst first. */
void nl_slow_agg_finish(struct nl_slow_agg *a, enum nl_slow_sort order);
void nl_slow_agg_free(struct nl_slow_agg *a);

/*
 * The nearest rank percentile of @n sorted values: the smallest value
 * that at least @permille / 1000 of them do not exceed; 0 when @n is 0.
 */
uint64_t nl_slow_pct(const uint64_t *sorted, size_t n, unsigned int permille);

/* ---- the outputs (slowout.c) ---- */

struct nl_slow_opts {
	enum nl_unit unit;	/* auto: each value in the unit that suits it */
	/* the path of cgroup @id, or NULL; NULL: no paths */
	const char *(*cgroup_path)(void *ctx, uint64_t id);
	void *cgroup_ctx;
};

/* The table: its header, a row per record, a line per "lost" line. */
void nl_slow_print_header(FILE *f, const struct nl_slow_opts *o);
void nl_slow_print_rec(FILE *f, const struct nl_slow_rec *r,
		       const struct nl_slow_opts *o);
void nl_slow_print_lost(FILE *f, uint64_t lost);

/* JSON: an object per record, {"lost":N} for a "lost" line; one a line. */
void nl_slow_print_json(FILE *f, const struct nl_slow_rec *r,
			const struct nl_slow_opts *o);
void nl_slow_print_lost_json(FILE *f, uint64_t lost);

/* The groups of nl_slow_agg_finish(): a table, or an object a line. */
void nl_slow_print_agg(FILE *f, const struct nl_slow_agg *a,
		       const struct nl_slow_opts *o);
void nl_slow_print_agg_json(FILE *f, const struct nl_slow_agg *a,
			    const struct nl_slow_opts *o);

/* ---- cgroup v2 ids to paths (cgroup.c) ---- */

struct nl_cgroup_path;

/*
 * The directories under @root by inode number, which is a cgroup v2's id:
 * walked when an id is asked for that the last walk did not see (a cgroup
 * made since), at most once in rewalk_ns.
 */
struct nl_cgroups {
	char *root;
	struct nl_cgroup_path *e;	/* sorted by id */
	size_t n;
	size_t cap;
	unsigned int walks;
	uint64_t walked_ns;		/* CLOCK_MONOTONIC of the last walk */
	uint64_t rewalk_ns;		/* 1 s */
};

/* 0, or -1 (ENOMEM) */
int nl_cgroups_init(struct nl_cgroups *c, const char *root);
void nl_cgroups_free(struct nl_cgroups *c);
/* The path of @id under the root ("/" the root itself), or NULL. */
const char *nl_cgroups_path(void *c, uint64_t id);
/* Is @path the root of a cgroup v2 hierarchy? */
int nl_is_cgroup2(const char *path);

/* ---- the command (slowcmd.c): argv[0] is "slow" ---- */

int nl_slow_main(int argc, char **argv);

#endif /* NETLAT_SLOW_H */
