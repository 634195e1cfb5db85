/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear latency histogram: the bucket layout and the percentile
 * computation, shared by the kernel module (which bins and prints) and the
 * netlat tool and its tests (which parse and check).
 *
 * Values 0..15 ns have a bucket each.  Above that every power of two
 * [2^e, 2^(e+1)) is split into 8 equal sub-buckets, so a bucket is at most
 * 1/8 = 12.5% as wide as its lower bound.  The last regular bucket ends at
 * 2^36 ns (68.7 s); one overflow bucket holds everything beyond.
 * /proc/netlat states this layout on its "histogram" line.
 */
#ifndef NETLAT_HIST_H
#define NETLAT_HIST_H

#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/types.h>
#define netlat_u64 u64
#else
#include <stdint.h>
#define netlat_u64 uint64_t
#endif

#define NETLAT_HIST_SUB_BITS	3
#define NETLAT_HIST_SUB		8	/* sub-buckets: 2^NETLAT_HIST_SUB_BITS */
#define NETLAT_HIST_MAX_EXP	36	/* regular buckets end at 2^36 ns */
#define NETLAT_HIST_OVERFLOW \
	((NETLAT_HIST_MAX_EXP - NETLAT_HIST_SUB_BITS + 1) * NETLAT_HIST_SUB)
#define NETLAT_HIST_BUCKETS	(NETLAT_HIST_OVERFLOW + 1)

static inline unsigned int netlat_fls64(netlat_u64 v)
{
	return v ? 64 - (unsigned int)__builtin_clzll(v) : 0;
}

/*
 * The bucket a value in nanoseconds falls into.  Binned per stage of every
 * sample, so cheap: one test for both ends (a value below 16 wraps to the
 * top when 16 is subtracted; the few from 2^36 to 2^36 + 15 that pass it
 * get the overflow bucket from the formula below too, whose sub-bucket is
 * 0 up to 2^36 + 2^33), and the top bit's index straight from one
 * instruction (63 ^ clz is bsr).
 */
static inline unsigned int netlat_bucket(netlat_u64 ns)
{
	unsigned int e;

	if ((ns - 2 * NETLAT_HIST_SUB) >> NETLAT_HIST_MAX_EXP)
		return ns < 2 * NETLAT_HIST_SUB ? (unsigned int)ns :
		       NETLAT_HIST_OVERFLOW;
	e = 63 ^ (unsigned int)__builtin_clzll(ns);	/* ns >= 16: not 0 */
	return ((e - NETLAT_HIST_SUB_BITS + 1) << NETLAT_HIST_SUB_BITS) +
	       (unsigned int)((ns >> (e - NETLAT_HIST_SUB_BITS)) &
			      (NETLAT_HIST_SUB - 1));
}

/* Lowest value of bucket @b. */
static inline netlat_u64 netlat_bucket_lo(unsigned int b)
{
	unsigned int e, sub;

	if (b < 2 * NETLAT_HIST_SUB)
		return b;
	if (b >= NETLAT_HIST_OVERFLOW)
		return (netlat_u64)1 << NETLAT_HIST_MAX_EXP;
	e = (b >> NETLAT_HIST_SUB_BITS) + NETLAT_HIST_SUB_BITS - 1;
	sub = b & (NETLAT_HIST_SUB - 1);
	return (netlat_u64)(NETLAT_HIST_SUB + sub) << (e - NETLAT_HIST_SUB_BITS);
}

/* First value above bucket @b (exclusive bound); ~0 for the overflow. */
static inline netlat_u64 netlat_bucket_hi(unsigned int b)
{
	if (b >= NETLAT_HIST_OVERFLOW)
		return ~(netlat_u64)0;
	return netlat_bucket_lo(b + 1);
}

static inline netlat_u64 netlat_muldiv(netlat_u64 a, netlat_u64 b, netlat_u64 c)
{
#ifdef __KERNEL__
	return mul_u64_u64_div_u64(a, b, c);
#else
	return (netlat_u64)(((__uint128_t)a * b) / c);
#endif
}

/*
 * The value below which @permyriad / 10000 of the @count samples in
 * @buckets lie: find the bucket holding that rank, interpolate linearly
 * inside it, and clamp to the observed [@min, @max].  0 when empty.
 */
static inline netlat_u64 netlat_percentile(const netlat_u64 *buckets,
					   netlat_u64 count, netlat_u64 min,
					   netlat_u64 max,
					   unsigned int permyriad)
{
	netlat_u64 rank, seen = 0, lo, hi, v;
	unsigned int b;

	if (!count)
		return 0;
	rank = netlat_muldiv(count, permyriad, 10000);
	if (rank * 10000 < count * (netlat_u64)permyriad || !rank)
		rank++;			/* ceil, and at least the first */
	for (b = 0; b < NETLAT_HIST_BUCKETS; b++) {
		if (!buckets[b] || seen + buckets[b] < rank) {
			seen += buckets[b];
			continue;
		}
		lo = netlat_bucket_lo(b);
		hi = b == NETLAT_HIST_OVERFLOW ? max + 1 : netlat_bucket_hi(b);
		if (lo < min)
			lo = min;
		if (hi > max + 1)
			hi = max + 1;
		if (hi <= lo)
			return lo;
		v = lo + netlat_muldiv(hi - lo, rank - seen, buckets[b] + 1);
		return v < min ? min : v > max ? max : v;
	}
	return max;
}

#endif /* NETLAT_HIST_H */
