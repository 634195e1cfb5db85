// SPDX-License-Identifier: GPL-2.0
/*
 * The record pool: every send call, segment and received-skb record of
 * every socket is one struct netlat_rec of an array allocated at load
 * (NETLAT_RECS_PER_SOCKET per table entry), so a socket holds as many as
 * it has in flight, and the total is fixed.  Records are named by their
 * index and chained into per-socket lists through it.
 *
 * Free records form a stack linked through ->next, under a raw spinlock
 * (taken inside a bucket lock, never the other way round).  Each CPU
 * keeps a magazine of free records of its own, so a handler takes the
 * global lock once per NETLAT_MAG_MOVE allocations or frees, with a
 * bounded walk; a record may be freed on another CPU than the one that
 * took it.  Handlers run with interrupts off, so a CPU's magazine is only
 * touched by that CPU.
 *
 * When a CPU goes to the stack (at most once a jiffy), it also sets the
 * thinning level (netlat.h) from how many records are free: 0 while half
 * or more are, then one more for each halving of what is free (1 below a
 * half, 2 below a quarter, ...).  As the pool fills, new samples are kept
 * ever more rarely, so it approaches empty but does not reach it, instead
 * of refusing whichever sample comes next once it is empty.
 */
#include <linux/jiffies.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include "netlat.h"

#define NETLAT_MAG		64	/* free records a CPU keeps at most */
#define NETLAT_MAG_MOVE		32	/* moved to or from the stack at once */

struct netlat_mag {
	unsigned int n;
	u32 idx[NETLAT_MAG];
} ____cacheline_aligned;

struct netlat_rec *netlat_recs;
static unsigned int nr_recs;
static struct netlat_mag *mags;		/* one per possible CPU id */
static DEFINE_RAW_SPINLOCK(pool_lock);
static u32 free_top;			/* the stack of free records */
static unsigned int nr_free;		/* on the stack */
unsigned int netlat_thin_level __read_mostly;
static unsigned long thin_checked;	/* jiffies of the last look */

int netlat_pool_init(unsigned int n)
{
	unsigned int i;

	BUILD_BUG_ON(sizeof(struct netlat_rec) != 48);
	netlat_recs = vzalloc(array_size(n, sizeof(*netlat_recs)));
	mags = vzalloc(array_size(nr_cpu_ids, sizeof(*mags)));
	if (!netlat_recs || !mags) {
		vfree(netlat_recs);
		vfree(mags);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		netlat_recs[i].next = i + 1 < n ? i + 1 : NETLAT_NIL;
	free_top = n ? 0 : NETLAT_NIL;
	nr_free = n;
	nr_recs = n;
	netlat_thin_level = 0;
	thin_checked = jiffies;
	return 0;
}

void netlat_pool_exit(void)
{
	vfree(mags);
	vfree(netlat_recs);
}

unsigned int netlat_pool_capacity(void)
{
	return nr_recs;
}

/* Racy by design: a gauge for /proc/netlat, not used for decisions. */
unsigned int netlat_pool_used(void)
{
	unsigned int cpu, n = nr_recs - READ_ONCE(nr_free);

	for_each_possible_cpu(cpu)
		n -= min(READ_ONCE(mags[cpu].n), n);
	return n;
}

/* Set the thinning level from the records free, once a jiffy at most. */
static void thin_update(void)
{
	unsigned long now = jiffies;
	unsigned int level = 0, cpu, free = nr_free, t = nr_recs / 2;

	if (!time_after(now, thin_checked))
		return;
	WRITE_ONCE(thin_checked, now);
	for_each_possible_cpu(cpu)	/* the magazines' are free too */
		free += READ_ONCE(mags[cpu].n);
	while (free < t && level < NETLAT_THIN_MAX) {
		level++;
		t /= 2;
	}
	if (level != netlat_thin_level)
		WRITE_ONCE(netlat_thin_level, level);
}

/* A free record, or NETLAT_NIL if there is none left.  Irqs off. */
u32 netlat_rec_alloc(void)
{
	struct netlat_mag *m = &mags[smp_processor_id()];

	if (!m->n) {
		raw_spin_lock(&pool_lock);
		while (m->n < NETLAT_MAG_MOVE && free_top != NETLAT_NIL) {
			m->idx[m->n++] = free_top;
			free_top = netlat_recs[free_top].next;
			nr_free--;
		}
		thin_update();
		raw_spin_unlock(&pool_lock);
		if (!m->n)
			return NETLAT_NIL;
	} else if (unlikely(READ_ONCE(netlat_thin_level)) &&
		   time_after(jiffies, READ_ONCE(thin_checked))) {
		/* A load that stays in the magazines would never lower it. */
		raw_spin_lock(&pool_lock);
		thin_update();
		raw_spin_unlock(&pool_lock);
	}
	return m->idx[--m->n];
}

/* Give record @i back.  Irqs off. */
void netlat_rec_free(u32 i)
{
	struct netlat_mag *m = &mags[smp_processor_id()];

	if (m->n == NETLAT_MAG) {
		raw_spin_lock(&pool_lock);
		while (m->n > NETLAT_MAG - NETLAT_MAG_MOVE) {
			u32 j = m->idx[--m->n];

			netlat_recs[j].next = free_top;
			free_top = j;
			nr_free++;
		}
		thin_update();
		raw_spin_unlock(&pool_lock);
	}
	m->idx[m->n++] = i;
}

/* Put record @i into @l after record @pos, or first if @pos is NIL. */
void netlat_list_insert_after(struct netlat_list *l, u32 pos, u32 i)
{
	struct netlat_rec *r = &netlat_recs[i];
	u32 next = pos == NETLAT_NIL ? l->head : netlat_recs[pos].next;

	r->prev = pos;
	r->next = next;
	if (pos == NETLAT_NIL)
		l->head = i;
	else
		netlat_recs[pos].next = i;
	if (next == NETLAT_NIL)
		l->tail = i;
	else
		netlat_recs[next].prev = i;
	l->n++;
}

/* Take record @i out of @l and give it back to the pool. */
void netlat_list_free(struct netlat_list *l, u32 i)
{
	struct netlat_rec *r = &netlat_recs[i];

	if (r->prev == NETLAT_NIL)
		l->head = r->next;
	else
		netlat_recs[r->prev].next = r->next;
	if (r->next == NETLAT_NIL)
		l->tail = r->prev;
	else
		netlat_recs[r->next].prev = r->prev;
	l->n--;
	netlat_rec_free(i);
}

/* Empty @l. */
void netlat_list_free_all(struct netlat_list *l)
{
	while (l->n)
		netlat_list_free(l, l->head);
}
