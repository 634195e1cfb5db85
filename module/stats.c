// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU statistics: one log-linear histogram (with sum, min and max) per
 * stage and the coverage counters.  Handlers write their own CPU's copy
 * with interrupts off; readers merge all CPUs' copies.  A CPU keeps its
 * stages per direction (struct netlat_dir_bins: one count for all of them,
 * no sum for the total), turned into per-stage figures when read.  Its
 * bins are copied under its seqcount, so a sample's stages and total are
 * always seen together; only binning a sample moves the seqcount, and a reader
 * that still cannot get a clean copy after a few tries has the CPU copy
 * its own bins (an IPI), so a read takes bounded time whatever the
 * traffic.  Counters are independent words, read one by one.
 *
 * Reset and flush reach every possible CPU: online ones by IPI (where no
 * handler of ours can be half-way), offline ones directly (no handler
 * runs there), with CPU hotplug held off meanwhile.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include "netlat.h"

struct netlat_cpu **netlat_cpus;
DEFINE_PER_CPU(struct netlat_hits, netlat_hits);
DEFINE_PER_CPU(u32, netlat_rx_live);

/* Stage @i of one direction's sample: its bucket, min and max. */
static __always_inline void bin_stage(struct netlat_dir_bins *b,
				      unsigned int i, u64 d, u64 w)
{
	b->bucket[i][netlat_bucket(d)] += w;
	if (d < b->min[i])	/* U64_MAX while the stage is empty */
		b->min[i] = d;
	if (d > b->max[i])
		b->max[i] = d;
}

/* Leg @i (not the total): also its sum, d << shift as d * w. */
static __always_inline void bin_leg(struct netlat_dir_bins *b,
				    unsigned int i, u64 d, u64 w)
{
	b->sum[i] += d * w;
	bin_stage(b, i, d, w);
}

/*
 * A sample of the direction of @b, whose counters are @incomplete and
 * @timed: netlat_record() for one direction, where every offset is known.
 * The timestamps are copied to locals first: the stores below could alias
 * @t, and would have them read again.
 */
static __always_inline bool record_dir(struct netlat_cpu *c,
				       struct netlat_dir_bins *b, const u64 *t,
				       unsigned int shift,
				       enum netlat_counter incomplete,
				       enum netlat_counter timed)
{
	u64 t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
	u64 w = 1ULL << shift;
	bool bad = (t0 == 0) | (t1 < t0) | (t2 < t1) | (t3 < t2);
	unsigned int i;

	if (unlikely(bad)) {
		for (i = 0; i < NETLAT_MAX_STAMPS && t[i]; i++)
			;
		netlat_count(c, i < NETLAT_MAX_STAMPS ? incomplete :
			     NETLAT_C_NEGATIVE_DELTA);
		return false;
	}
	raw_write_seqcount_begin(&c->seq);
	b->count += w;
	bin_leg(b, 0, t1 - t0, w);
	bin_leg(b, 1, t2 - t1, w);
	bin_leg(b, 2, t3 - t2, w);
	bin_stage(b, 3, t3 - t0, w);
	raw_write_seqcount_end(&c->seq);
	netlat_count(c, timed);
	return true;
}

/*
 * Bin one complete sample with weight 1 << @shift: @t holds the
 * NETLAT_MAX_STAMPS increasing timestamps of a direction whose first stage
 * is @first; stage @first + i gets t[i + 1] - t[i], and the direction's
 * total (the stage after the last one) gets t[NETLAT_MAX_STAMPS - 1] -
 * t[0].  A sample with a missing (0) timestamp, or one going backwards, is
 * counted, never binned.  True if it was binned.
 */
bool netlat_record(struct netlat_cpu *c, enum netlat_stage first,
		   const u64 *t, unsigned int shift)
{
	/* Weight 1 (no thinning) is the common case: no shifts for it. */
	if (first < NETLAT_RX_DEV_IP) {
		if (likely(!shift))
			return record_dir(c, &c->bins[0], t, 0,
					  NETLAT_C_TX_SAMPLES_INCOMPLETE,
					  NETLAT_C_TX_TIMED);
		return record_dir(c, &c->bins[0], t, shift,
				  NETLAT_C_TX_SAMPLES_INCOMPLETE,
				  NETLAT_C_TX_TIMED);
	}
	if (likely(!shift))
		return record_dir(c, &c->bins[1], t, 0,
				  NETLAT_C_RX_SAMPLES_INCOMPLETE,
				  NETLAT_C_RX_TIMED);
	return record_dir(c, &c->bins[1], t, shift,
			  NETLAT_C_RX_SAMPLES_INCOMPLETE, NETLAT_C_RX_TIMED);
}

/* Empty bins: all zero but min (so that binning needs no count test). */
static void clear_bins(struct netlat_cpu *c)
{
	unsigned int i, j;

	memset(c->bins, 0, sizeof(c->bins));
	for (i = 0; i < NETLAT_NR_DIRS; i++)
		for (j = 0; j < NETLAT_DIR_STAGES; j++)
			c->bins[i].min[j] = U64_MAX;
}

int netlat_stats_init(void)
{
	unsigned int cpu;

	/* a direction's stages, its total last, one direction after the other */
	BUILD_BUG_ON(NETLAT_TX_SOCK_TCP + NETLAT_DIR_LEGS != NETLAT_TX_TOTAL);
	BUILD_BUG_ON(NETLAT_RX_DEV_IP != NETLAT_DIR_STAGES);
	BUILD_BUG_ON(NETLAT_RX_DEV_IP + NETLAT_DIR_LEGS != NETLAT_RX_TOTAL);
	BUILD_BUG_ON(NETLAT_NR_DIRS * NETLAT_DIR_STAGES != NETLAT_NR_STAGES);
	BUILD_BUG_ON(NETLAT_DIR_LEGS != 3);	/* netlat_record() bins 3 legs */

	netlat_cpus = kcalloc(nr_cpu_ids, sizeof(*netlat_cpus), GFP_KERNEL);
	if (!netlat_cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct netlat_cpu *c;

		/* vmalloc: every large allocation of netlat is in VmallocUsed */
		c = vzalloc_node(sizeof(*c), cpu_to_node(cpu));
		if (!c) {
			netlat_stats_exit();
			return -ENOMEM;
		}
		seqcount_init(&c->seq);
		clear_bins(c);
		c->sample_rand = get_random_u32() | 1;	/* xorshift: never 0 */
		netlat_cpus[cpu] = c;
	}
	/* Called under the parameters' lock: sample= at load has no past. */
	netlat_conn_seed = get_random_u32();
	netlat_sample_cut_set(READ_ONCE(netlat_enabled));
	netlat_sample_window = 0;
	return 0;
}

void netlat_stats_exit(void)
{
	unsigned int cpu;

	if (!netlat_cpus)
		return;
	for_each_possible_cpu(cpu)
		vfree(netlat_cpus[cpu]);
	kfree(netlat_cpus);
	netlat_cpus = NULL;
}

#define NETLAT_SNAPSHOT_TRIES 4

struct bins_copy {
	struct netlat_cpu *c;
	struct netlat_dir_bins *to;
};

/* On the CPU itself, irqs off: no handler of ours is half-way. */
static void copy_bins_here(void *arg)
{
	struct bins_copy *bc = arg;

	memcpy(bc->to, bc->c->bins, sizeof(bc->c->bins));
}

/* A consistent copy of @cpu's bins into @to (NETLAT_NR_DIRS of them). */
static void copy_bins(unsigned int cpu, struct netlat_dir_bins *to)
{
	struct netlat_cpu *c = netlat_cpus[cpu];
	struct bins_copy bc = { .c = c, .to = to };
	unsigned int seq, i;

	for (i = 0; i < NETLAT_SNAPSHOT_TRIES; i++) {
		seq = read_seqcount_begin(&c->seq);
		memcpy(to, c->bins, sizeof(c->bins));
		if (!read_seqcount_retry(&c->seq, seq))
			return;
	}
	/* Busy: let the CPU copy it.  Offline, it cannot be writing. */
	if (smp_call_function_single(cpu, copy_bins_here, &bc, 1))
		copy_bins_here(&bc);
}

/* Add one CPU's bins @s of a direction to its stages @out. */
static void add_bins(struct netlat_stage_stats *out,
		     const struct netlat_dir_bins *s)
{
	unsigned int i, b;

	for (i = 0; i < NETLAT_DIR_STAGES; i++) {
		struct netlat_stage_stats *d = &out[i];

		for (b = 0; b < NETLAT_HIST_BUCKETS; b++)
			d->bucket[b] += s->bucket[i][b];
		if (s->count && (!d->count || s->min[i] < d->min))
			d->min = s->min[i];
		d->count += s->count;
		if (i < NETLAT_DIR_LEGS)
			d->sum += s->sum[i];
		else		/* the total: its legs' */
			d->sum += s->sum[0] + s->sum[1] + s->sum[2];
		if (s->max[i] > d->max)
			d->max = s->max[i];
	}
}

/*
 * Sum every CPU's statistics into @out, the probe hits into @hits; @tmp
 * holds NETLAT_NR_DIRS bins, for the copy of one CPU's.
 */
void netlat_stats_snapshot(struct netlat_stats *out,
			   struct netlat_dir_bins *tmp, u64 *hits)
{
	unsigned int cpu, i;

	memset(out, 0, sizeof(*out));
	memset(hits, 0, sizeof(u64) * NETLAT_MAX_PROBES);
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		struct netlat_cpu *c = netlat_cpus[cpu];

		copy_bins(cpu, tmp);
		for (i = 0; i < NETLAT_MAX_PROBES; i++)
			hits[i] += READ_ONCE(per_cpu(netlat_hits, cpu).n[i]);
		for (i = 0; i < NETLAT_NR_COUNTERS; i++)
			out->counter[i] += READ_ONCE(c->counter[i]);
		for (i = 0; i < NETLAT_NR_DIRS; i++)
			add_bins(&out->stage[i * NETLAT_DIR_STAGES], &tmp[i]);
	}
	cpus_read_unlock();
}

static void reset_cpu(unsigned int cpu)
{
	struct netlat_cpu *c = netlat_cpus[cpu];

	raw_write_seqcount_begin(&c->seq);
	clear_bins(c);
	raw_write_seqcount_end(&c->seq);
	memset(c->counter, 0, sizeof(c->counter));
	memset(per_cpu_ptr(&netlat_hits, cpu), 0, sizeof(struct netlat_hits));
	/*
	 * What is in flight on this CPU stays, so that its samples complete;
	 * but a loss found later (an skb that never reached its socket)
	 * happened before the reset, and must not be counted in the new
	 * window.
	 */
	c->rx_reset_gen = c->rx_gen;
}

static void reset_this_cpu(void *unused)
{
	/* IPI context, irqs off: no handler of ours runs on this CPU now. */
	reset_cpu(smp_processor_id());
}

static void flush_cpu(unsigned int cpu)
{
	struct netlat_cpu *c = netlat_cpus[cpu];

	memset(c->rx, 0, sizeof(c->rx));
	WRITE_ONCE(per_cpu(netlat_rx_live, cpu), 0);
}

static void flush_this_cpu(void *unused)
{
	flush_cpu(smp_processor_id());
}

/*
 * Run @fn on every online CPU, and @offline on the data of every offline
 * one: an offline CPU keeps what it counted before it went down.
 */
static void for_every_cpu(smp_call_func_t fn, void (*offline)(unsigned int))
{
	unsigned int cpu;

	cpus_read_lock();
	on_each_cpu(fn, NULL, 1);
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			offline(cpu);
	cpus_read_unlock();
}

/* Resets so far: a reader tells a reset between two reads by it. */
static atomic_t netlat_resets = ATOMIC_INIT(0);

unsigned int netlat_stats_resets(void)
{
	return atomic_read(&netlat_resets);
}

/*
 * When the last reset began: a send call that entered the socket layer
 * before it and never reached TCP is not counted in the new window.
 */
u64 netlat_reset_ns;

void netlat_stats_reset(void)
{
	WRITE_ONCE(netlat_reset_ns, ktime_get_ns());
	for_every_cpu(reset_this_cpu, reset_cpu);
	netlat_prof_reset();	/* the instrumented build only */
	netlat_probes_reset_missed();
	atomic_inc(&netlat_resets);
}

/*
 * Drop all in-flight state, per CPU and per socket: after collection was
 * disabled, what is left is stale and must not pair with new events.
 */
void netlat_inflight_flush(void)
{
	for_every_cpu(flush_this_cpu, flush_cpu);
	netlat_socktab_flush();
}
