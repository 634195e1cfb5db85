// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU statistics: one log-linear histogram (with sum, min and max) per
 * stage and the coverage counters.  Handlers write their own CPU's copy
 * with interrupts off; readers merge all CPUs' copies.  A CPU's stages are
 * copied under its seqcount, so a sample's stages and total are always
 * seen together; only binning a sample moves the seqcount, and a reader
 * that still cannot get a clean copy after a few tries has the CPU copy
 * its own stages (an IPI), so a read takes bounded time whatever the
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

/*
 * Bin one complete sample with weight 1 << @shift: @t holds @nstamps
 * (2..NETLAT_MAX_STAMPS) increasing timestamps; stage @first + i gets
 * t[i + 1] - t[i], and the direction's total (the stage after the last
 * one) gets t[nstamps - 1] - t[0].  A sample with a missing (0) timestamp,
 * or one going backwards, is counted, never binned.  True if it was binned.
 */
bool netlat_record(struct netlat_cpu *c, enum netlat_stage first,
		   const u64 *t, unsigned int nstamps, unsigned int shift)
{
	struct netlat_stage_stats *s = &c->stage[first];
	u64 d[NETLAT_MAX_STAMPS], w = 1ULL << shift;
	unsigned int i;
	bool bad = !t[0];

	/* Deltas first, into locals: the binning below then needs no reloads. */
	for (i = 1; i < nstamps; i++) {
		d[i - 1] = t[i] - t[i - 1];
		bad |= t[i] < t[i - 1];
	}
	d[nstamps - 1] = t[nstamps - 1] - t[0];
	if (unlikely(bad)) {
		for (i = 0; i < nstamps && t[i]; i++)
			;
		if (i < nstamps)
			netlat_count(c, first < NETLAT_RX_DEV_IP ?
				     NETLAT_C_TX_SAMPLES_INCOMPLETE :
				     NETLAT_C_RX_SAMPLES_INCOMPLETE);
		else
			netlat_count(c, NETLAT_C_NEGATIVE_DELTA);
		return false;
	}
	raw_write_seqcount_begin(&c->seq);
	for (i = 0; i < nstamps; i++, s++) {
		s->bucket[netlat_bucket(d[i])] += w;
		if (!s->count || d[i] < s->min)
			s->min = d[i];
		s->count += w;
		s->sum += d[i] << shift;
		if (d[i] > s->max)
			s->max = d[i];
	}
	raw_write_seqcount_end(&c->seq);
	netlat_count(c, first < NETLAT_RX_DEV_IP ? NETLAT_C_TX_TIMED :
		     NETLAT_C_RX_TIMED);
	return true;
}

int netlat_stats_init(void)
{
	unsigned int cpu;

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
		c->sample_rand = get_random_u32() | 1;	/* xorshift: never 0 */
		netlat_cpus[cpu] = c;
	}
	/* Called under the parameters' lock: sample= at load has no past. */
	netlat_conn_seed = get_random_u64();
	netlat_sample_prev = netlat_sample;
	netlat_sample_until = jiffies;
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

struct stage_copy {
	struct netlat_cpu *c;
	struct netlat_stage_stats *to;
};

/* On the CPU itself, irqs off: no handler of ours is half-way. */
static void copy_stages_here(void *arg)
{
	struct stage_copy *sc = arg;

	memcpy(sc->to, sc->c->stage, sizeof(sc->c->stage));
}

/* A consistent copy of @cpu's stage statistics into @to. */
static void copy_stages(unsigned int cpu, struct netlat_stage_stats *to)
{
	struct netlat_cpu *c = netlat_cpus[cpu];
	struct stage_copy sc = { .c = c, .to = to };
	unsigned int seq, i;

	for (i = 0; i < NETLAT_SNAPSHOT_TRIES; i++) {
		seq = read_seqcount_begin(&c->seq);
		memcpy(to, c->stage, sizeof(c->stage));
		if (!read_seqcount_retry(&c->seq, seq))
			return;
	}
	/* Busy: let the CPU copy it.  Offline, it cannot be writing. */
	if (smp_call_function_single(cpu, copy_stages_here, &sc, 1))
		copy_stages_here(&sc);
}

/* Sum every CPU's statistics into @out, the probe hits into @hits. */
void netlat_stats_snapshot(struct netlat_stats *out, struct netlat_stats *tmp,
			   u64 *hits)
{
	unsigned int cpu, i, b;

	memset(out, 0, sizeof(*out));
	memset(hits, 0, sizeof(u64) * NETLAT_MAX_PROBES);
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		struct netlat_cpu *c = netlat_cpus[cpu];

		copy_stages(cpu, tmp->stage);
		for (i = 0; i < NETLAT_MAX_PROBES; i++)
			hits[i] += local64_read(&c->hits[i]);
		for (i = 0; i < NETLAT_NR_COUNTERS; i++)
			out->counter[i] += READ_ONCE(c->counter[i]);
		for (i = 0; i < NETLAT_NR_STAGES; i++) {
			struct netlat_stage_stats *d = &out->stage[i];
			struct netlat_stage_stats *s = &tmp->stage[i];

			for (b = 0; b < NETLAT_HIST_BUCKETS; b++)
				d->bucket[b] += s->bucket[b];
			if (s->count && (!d->count || s->min < d->min))
				d->min = s->min;
			d->count += s->count;
			d->sum += s->sum;
			if (s->max > d->max)
				d->max = s->max;
		}
	}
	cpus_read_unlock();
}

static void reset_cpu(struct netlat_cpu *c)
{
	raw_write_seqcount_begin(&c->seq);
	memset(c->stage, 0, sizeof(c->stage));
	raw_write_seqcount_end(&c->seq);
	memset(c->counter, 0, sizeof(c->counter));
	memset(c->hits, 0, sizeof(c->hits));
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
	reset_cpu(netlat_this_cpu());
}

static void flush_cpu(struct netlat_cpu *c)
{
	memset(c->rx, 0, sizeof(c->rx));
	WRITE_ONCE(c->rx_live, 0);
}

static void flush_this_cpu(void *unused)
{
	flush_cpu(netlat_this_cpu());
}

/*
 * Run @fn on every online CPU, and @offline on the data of every offline
 * one: an offline CPU keeps what it counted before it went down.
 */
static void for_every_cpu(smp_call_func_t fn,
			  void (*offline)(struct netlat_cpu *c))
{
	unsigned int cpu;

	cpus_read_lock();
	on_each_cpu(fn, NULL, 1);
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			offline(netlat_cpus[cpu]);
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
