/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arithmetic on parsed snapshots: percentiles (with the kernel's own
 * netlat_percentile()), the delta between two cumulative snapshots, and
 * which counters say how much of the traffic the histograms cover.
 */
#ifndef NETLAT_STATS_H
#define NETLAT_STATS_H

#include "parse.h"

extern const unsigned int nl_pct_permyriad[NL_NR_PCT];
extern const char *const nl_pct_label[NL_NR_PCT];	/* "p50" ... */
extern const char *const nl_pct_key[NL_NR_PCT];	/* "p50_ns" ... */

/* p50, p90, p99 and p99.9 of @st, from its buckets and min/max. */
void nl_percentiles(const struct nl_stage *st, uint64_t out[NL_NR_PCT]);

/* The mean of @st's samples, to the nearest ns (0 when it has none). */
uint64_t nl_mean_ns(const struct nl_stage *st);

/*
 * Did the numbers start again between @prev and @cur?  NL_RESTART_RELOAD
 * when their load_id differs (or one has none), NL_RESTART_RESET when
 * their resets differ, NL_RESTART_DOWN when a number went down or
 * vanished, else NL_RESTART_NONE: even numbers that all grew are not an
 * interval across a reload or a reset.
 */
int nl_restart(const struct nl_snapshot *prev,
	       const struct nl_snapshot *cur);

/*
 * @out = what happened between the cumulative snapshots @prev and @cur.
 * The interval's min/max are not in cumulative data: they are bounded by
 * the lowest/highest non-empty delta bucket and by the cumulative min/max,
 * and exact when the cumulative min/max moved in the interval (then that
 * sample is from the interval).  When the module was reset or reloaded in
 * between (nl_restart()): @out is then @cur, the samples since the
 * reset, with reset_seen set to the reason.
 */
void nl_delta(const struct nl_snapshot *prev, const struct nl_snapshot *cur,
	      struct nl_snapshot *out);

/*
 * May @b be compared with @a as its later state (netlat diff)?  0 if so;
 * -1 with the reason in @why when they are not of the same module, kernel
 * and host, or do not have the same counters, or @b is not newer than @a
 * (by their wall clocks when both have one, else by time_ns).
 */
int nl_diff_check(const struct nl_snapshot *a, const struct nl_snapshot *b,
		  char *why, size_t size);

/* 1 for the counters of events that were seen but not timed. */
int nl_is_coverage_counter(const char *name);

/* "tx" or "rx" for a name starting with it, NULL for both directions. */
const char *nl_name_dir(const char *name);

/*
 * Is a stage of direction @dir ("tx"/"rx") among @stages (bit i: stage
 * i)?  1 for @dir NULL (both directions).
 */
int nl_dir_shown(const char *dir, unsigned int stages);

/*
 * Does counter @name go with the @stages shown (-s, --tx, --rx)?  By its
 * group (the name up to its first dot): a stage's own counters
 * (rx_tcp_user.unmatched_start) with that stage; a direction's (tx_... and
 * rx_...: the data totals and their split, the samples, the reasons for
 * units not timed, the other events of that direction) with any stage of
 * it; the rest (negative_delta, table_full, ring_full, the socket table's
 * counters, a newer module's of no direction) always.  Every output
 * narrows its counters with this, and only with this.
 */
int nl_counter_shown(const char *name, unsigned int stages);

/*
 * Does probe point @point go with the @stages shown?  As a counter of a
 * direction: tx_* and rx_* with any stage of theirs, the others (such as
 * sock_destroy and sock_disconnect, which serve both) always.
 */
int nl_probe_shown(const char *point, unsigned int stages);

/* The missed hits of the probes that go with @stages (nl_probe_shown()). */
uint64_t nl_probes_missed(const struct nl_snapshot *s, unsigned int stages);

/*
 * Direction @dir ("tx"/"rx"): samples timed (@timed, each once, whatever
 * its weight) out of the data segments (tx) or skbs (rx) the module saw
 * (@seen).  -1 when there is nothing to compare with.
 */
int nl_coverage(const struct nl_snapshot *s, const char *dir,
		uint64_t *timed, uint64_t *seen);

/* 1 for tx_timed and rx_timed (shown in the coverage line). */
int nl_is_timed_counter(const char *name);

/*
 * 1 for tx_thinned and rx_thinned: not timed, yet represented, since the
 * samples kept stand for them by their weight.
 */
int nl_is_thinned_counter(const char *name);

/*
 * The data units (tx_data_segments, rx_data_skbs) split by IP family, as
 * a module with IPv6 support counts them: ipv4 + ipv6 = the total.
 */
struct nl_family_counter {
	unsigned int counter;	/* enum netlat_counter */
	const char *dir;	/* "tx" or "rx" */
	const char *family;	/* "ipv4" or "ipv6" (Prometheus label) */
};

#define NL_NR_FAMILY_COUNTERS	4
extern const struct nl_family_counter nl_family_counters[];

/* 1 for the counters of nl_family_counters[] (shown with the coverage). */
int nl_is_family_counter(const char *name);

/*
 * Direction @dir's data units over IPv4 (@v4) and IPv6 (@v6); -1 when the
 * module does not split them (older modules print no such counters).
 */
int nl_family_split(const struct nl_snapshot *s, const char *dir,
		    uint64_t *v4, uint64_t *v6);

#endif /* NETLAT_STATS_H */
