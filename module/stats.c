// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU statistics: one log-linear histogram (with sum, min and max) per
 * stage and the coverage counters.  Handlers write their own CPU's copy
 * with interrupts off; readers merge all CPUs' copies, each taken under
 * that CPU's seqcount, so a sample's stages and total are always seen
 * together.
 */
#include <linux/cpumask.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "netlat.h"

struct netlat_cpu **netlat_cpus;

/*
 * Bin one complete sample: @t holds @nstamps (2..NETLAT_MAX_STAMPS)
 * increasing timestamps; stage @first + i gets t[i + 1] - t[i], and the
 * direction's total (the stage after the last one) gets t[nstamps - 1] -
 * t[0].  A sample with a missing (0) timestamp, or one going backwards, is
 * counted, never binned.
 */
void netlat_record(struct netlat_cpu *c, enum netlat_stage first,
		   const u64 *t, unsigned int nstamps)
{
	struct netlat_stage_stats *s = &c->stats.stage[first];
	u64 d[NETLAT_MAX_STAMPS];
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
		return;
	}
	raw_write_seqcount_begin(&c->seq);
	for (i = 0; i < nstamps; i++, s++) {
		s->bucket[netlat_bucket(d[i])]++;
		if (!s->count++ || d[i] < s->min)
			s->min = d[i];
		s->sum += d[i];
		if (d[i] > s->max)
			s->max = d[i];
	}
	raw_write_seqcount_end(&c->seq);
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

/* Sum every CPU's statistics into @out, the probe hits into @hits. */
void netlat_stats_snapshot(struct netlat_stats *out, struct netlat_stats *tmp,
			   u64 *hits)
{
	unsigned int cpu, i, b;

	memset(out, 0, sizeof(*out));
	memset(hits, 0, sizeof(u64) * NETLAT_MAX_PROBES);
	for_each_possible_cpu(cpu) {
		struct netlat_cpu *c = netlat_cpus[cpu];
		unsigned int seq;

		do {
			seq = read_seqcount_begin(&c->seq);
			memcpy(tmp, &c->stats, sizeof(*tmp));
		} while (read_seqcount_retry(&c->seq, seq));
		for (i = 0; i < NETLAT_MAX_PROBES; i++)
			hits[i] += READ_ONCE(c->hits[i]);
		for (i = 0; i < NETLAT_NR_COUNTERS; i++)
			out->counter[i] += tmp->counter[i];
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
}

static void reset_this_cpu(void *unused)
{
	struct netlat_cpu *c = netlat_this_cpu();

	/* IPI context, irqs off: no handler of ours runs on this CPU now. */
	raw_write_seqcount_begin(&c->seq);
	memset(&c->stats, 0, sizeof(c->stats));
	memset(c->hits, 0, sizeof(c->hits));
	raw_write_seqcount_end(&c->seq);
}

void netlat_stats_reset(void)
{
	on_each_cpu(reset_this_cpu, NULL, 1);
	netlat_probes_reset_missed();
}

static void flush_this_cpu(void *unused)
{
	struct netlat_cpu *c = netlat_this_cpu();

	memset(&c->send, 0, sizeof(c->send));
	memset(c->rx, 0, sizeof(c->rx));
}

/*
 * Drop all in-flight state, per CPU and per socket: after collection was
 * disabled, what is left is stale and must not pair with new events.
 */
void netlat_inflight_flush(void)
{
	on_each_cpu(flush_this_cpu, NULL, 1);
	netlat_socktab_flush();
}
