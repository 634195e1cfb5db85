// SPDX-License-Identifier: GPL-2.0
/*
 * The shared histogram code (include/netlat/hist.h): the bucket layout,
 * and netlat_percentile() against the true percentile of synthetic
 * samples, computed by brute force (sort, take the rank).
 */
#include <math.h>
#include "test.h"
#include "stats.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

/* Log-uniform in [lo, hi). */
static uint64_t rnd_log(uint64_t lo, uint64_t hi)
{
	double a = (double)lo, b = (double)hi;
	double u = (double)(rnd() >> 11) / 9007199254740992.0;
	uint64_t v = (uint64_t)(a * pow(b / a, u));

	return v < lo ? lo : v >= hi ? hi - 1 : v;
}

static void test_layout(void)
{
	unsigned int b, bad_contig = 0, bad_width = 0, bad_map = 0;
	uint64_t lo, hi, v;
	int i;

	CHECK_U64(NETLAT_HIST_BUCKETS, 273);
	CHECK_U64(NETLAT_HIST_OVERFLOW, 272);
	CHECK_U64(netlat_bucket_lo(0), 0);
	for (b = 0; b < NETLAT_HIST_OVERFLOW; b++) {
		lo = netlat_bucket_lo(b);
		hi = netlat_bucket_hi(b);
		if (hi <= lo || netlat_bucket_lo(b + 1) != hi)
			bad_contig++;
		/* at most 12.5% of the low bound wide; 1 ns below 16 */
		if (lo >= 16 ? (hi - lo) * 8 > lo : hi - lo != 1)
			bad_width++;
		if (netlat_bucket(lo) != b || netlat_bucket(hi - 1) != b)
			bad_map++;
	}
	CHECK_U64(bad_contig, 0);
	CHECK_U64(bad_width, 0);
	CHECK_U64(bad_map, 0);
	/* 1 ns .. at least 60 s in regular buckets, then the overflow */
	CHECK_U64(netlat_bucket(0), 0);
	CHECK_U64(netlat_bucket(1), 1);
	CHECK(netlat_bucket(60000000000ull) < NETLAT_HIST_OVERFLOW);
	CHECK_U64(netlat_bucket_hi(NETLAT_HIST_OVERFLOW - 1), 1ull << 36);
	CHECK_U64(netlat_bucket(68719476735ull), NETLAT_HIST_OVERFLOW - 1);
	CHECK_U64(netlat_bucket(68719476736ull), NETLAT_HIST_OVERFLOW);
	CHECK_U64(netlat_bucket(UINT64_MAX), NETLAT_HIST_OVERFLOW);
	CHECK_U64(netlat_bucket_lo(NETLAT_HIST_OVERFLOW), 1ull << 36);
	CHECK_U64(netlat_bucket_hi(NETLAT_HIST_OVERFLOW), UINT64_MAX);
	/* buckets seen in real /proc/netlat output */
	CHECK_U64(netlat_bucket_lo(netlat_bucket(1420)), 1408);
	CHECK_U64(netlat_bucket_hi(netlat_bucket(1420)), 1536);
	CHECK_U64(netlat_bucket_lo(netlat_bucket(7735213)), 7340032);
	CHECK_U64(netlat_bucket_hi(netlat_bucket(7735213)), 7864320);
	CHECK_U64(netlat_bucket_hi(netlat_bucket(15)), 16);
	CHECK_U64(netlat_bucket_hi(netlat_bucket(16)), 18);

	/* random values land in the bucket whose [lo, hi) holds them */
	bad_map = 0;
	for (i = 0; i < 200000; i++) {
		v = i < 100 ? (uint64_t)i : rnd_log(1, 1ull << 40);
		b = netlat_bucket(v);
		if (b > NETLAT_HIST_OVERFLOW || v < netlat_bucket_lo(b) ||
		    (b < NETLAT_HIST_OVERFLOW && v >= netlat_bucket_hi(b)))
			bad_map++;
	}
	CHECK_U64(bad_map, 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The sample of rank ceil(n * p / 10000) (at least 1) of sorted @v. */
static uint64_t true_percentile(const uint64_t *v, uint64_t n,
				unsigned int permyriad)
{
	uint64_t rank = (n * permyriad + 9999) / 10000;

	return v[(rank ? rank : 1) - 1];
}

static unsigned int pct_cases, pct_bad_bucket, pct_bad_error;

static void check_samples(uint64_t *v, uint64_t n)
{
	static uint64_t bucket[NETLAT_HIST_BUCKETS];
	static const unsigned int pm[] = {
		1, 100, 1000, 2500, 5000, 7500, 9000, 9900, 9990, 9999, 10000,
	};
	uint64_t i, got, want;
	unsigned int k;

	memset(bucket, 0, sizeof(bucket));
	for (i = 0; i < n; i++)
		bucket[netlat_bucket(v[i])]++;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (k = 0; k < sizeof(pm) / sizeof(pm[0]); k++) {
		want = true_percentile(v, n, pm[k]);
		got = netlat_percentile(bucket, n, v[0], v[n - 1], pm[k]);
		pct_cases++;
		if (netlat_bucket(got) != netlat_bucket(want)) {
			pct_bad_bucket++;
			fprintf(stderr, "n=%" PRIu64 " p=%u: got %" PRIu64
				", true %" PRIu64 "\n", n, pm[k], got, want);
		}
		/*
		 * so within one bucket width: 12.5%, exact below 16 ns;
		 * the overflow bucket (>= 2^36 ns) has no width
		 */
		if (want < 16 ? got != want : want < (1ull << 36) &&
		    (got > want ? got - want : want - got) * 8 > want)
			pct_bad_error++;
	}
}

static void test_percentiles(void)
{
	static uint64_t v[20000];
	uint64_t n, i, base;
	int trial;

	for (trial = 0; trial < 600; trial++) {
		n = trial < 50 ? (uint64_t)trial + 1 : 1 + rnd() % 20000;
		base = rnd_log(1, 1000000000ull);
		for (i = 0; i < n; i++) {
			switch (trial % 6) {
			case 0:	/* log-uniform, 1 ns .. 10 s */
				v[i] = rnd_log(1, 10000000000ull);
				break;
			case 1:	/* uniform in [base, 2 base] */
				v[i] = base + rnd() % (base + 1);
				break;
			case 2:	/* bimodal: fast path and rare slow path */
				v[i] = rnd() % 100 < 95 ? 1000 + rnd() % 500 :
				       2000000 + rnd() % 100000;
				break;
			case 3:	/* all equal */
				v[i] = base;
				break;
			case 4:	/* tiny values, one bucket per ns */
				v[i] = rnd() % 20;
				break;
			default: /* into the overflow bucket */
				v[i] = rnd_log(1000000000ull,
					       1000000000000ull);
				break;
			}
		}
		check_samples(v, n);
	}
	printf("percentiles: %u cases against the sorted samples\n",
	       pct_cases);
	CHECK(pct_cases > 6000);
	CHECK_U64(pct_bad_bucket, 0);
	CHECK_U64(pct_bad_error, 0);

	/* exact expectations */
	{
		uint64_t b[NETLAT_HIST_BUCKETS] = { 0 };

		CHECK_U64(netlat_percentile(b, 0, 0, 0, 5000), 0);
		b[netlat_bucket(1000)] = 1;
		CHECK_U64(netlat_percentile(b, 1, 1000, 1000, 5000), 1000);
		CHECK_U64(netlat_percentile(b, 1, 1000, 1000, 9990), 1000);
		b[netlat_bucket(1000)] = 0;
		b[5] = 1;
		b[15] = 1;
		b[netlat_bucket(16)] = 2;
		/* the minimal fixture's tx_tcp_ip: 5, 15, 16, 17 */
		CHECK_U64(netlat_percentile(b, 4, 5, 17, 5000), 15);
		CHECK_U64(netlat_percentile(b, 4, 5, 17, 9000), 17);
		CHECK_U64(netlat_percentile(b, 4, 5, 17, 2500), 5);
	}
}

/* nl_percentiles() is netlat_percentile() at p50/p90/p99/p99.9. */
static void test_nl_percentiles(void)
{
	struct nl_stage *st = calloc(1, sizeof(*st));
	uint64_t p[NL_NR_PCT];
	unsigned int i;

	for (i = 1; i <= 1000; i++)
		st->bucket[netlat_bucket(i * 1000)]++;
	st->count = 1000;
	st->min_ns = 1000;
	st->max_ns = 1000000;
	nl_percentiles(st, p);
	for (i = 0; i < NL_NR_PCT; i++)
		CHECK_U64(p[i], netlat_percentile(st->bucket, 1000, 1000,
						  1000000,
						  nl_pct_permyriad[i]));
	CHECK_U64(netlat_bucket(p[0]), netlat_bucket(500000));
	CHECK_U64(netlat_bucket(p[1]), netlat_bucket(900000));
	CHECK_U64(netlat_bucket(p[2]), netlat_bucket(990000));
	CHECK_U64(netlat_bucket(p[3]), netlat_bucket(999000));
	free(st);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_layout();
	test_percentiles();
	test_nl_percentiles();
	return test_done("test_hist");
}
