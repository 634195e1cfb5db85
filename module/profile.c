// SPDX-License-Identifier: GPL-2.0
/*
 * The instrumented build (make NETLAT_PROFILE=1, tests/bench/bench.sh -p):
 * where netlat's own instructions go, per handler and per section of a
 * handler (docs/overhead.md, "Where netlat's time goes, per handler").
 * Never part of the normal module.
 *
 * The hooks in netlat.h read the cycle counter (get_cycles(): rdtsc on
 * x86, which under qemu's -icount shift=0 counts guest instructions, 1 per
 * instruction) at a handler's first line, after its interrupts went off,
 * before and after they go on again, and around each section.  Each CPU
 * sums into its own per-CPU copy (no lock, no shared cache line), per
 * probe: calls and cycles of whole handler calls, and calls and cycles of
 * each section.  Sections do not nest: one that begins inside another is
 * the outer one's.  A call an interrupt ran in (at the line that turns
 * interrupts on, or before they went off) is counted, not summed.
 *
 * What the measurement itself adds is calibrated here at load, as the
 * minimum of repeated runs (under icount every run of the same code reads
 * the same): what an empty section reads, what a section's measurement
 * adds to its handler's total, and what an empty handler reads beyond its
 * irq section.  The debugfs file "profile" (root only) prints the raw
 * sums and the sums with those subtracted.  Also measured at load, for
 * the choice of a clock: what ktime_get_ns() and the cheaper clocks cost.
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include "netlat.h"

struct netlat_prof __percpu *netlat_prof;

/* A call with more than this in its interrupts-on windows was interrupted. */
#define NETLAT_PROF_CUT 1000
#define NETLAT_PROF_CAL_ROW NETLAT_MAX_PROBES
#define NETLAT_PROF_CAL_RUNS 64

static const char * const section_names[NETLAT_PROF_NR] = {
	[NETLAT_PROF_IRQ] = "irq",
	[NETLAT_PROF_CLOCK] = "clock",
	[NETLAT_PROF_FILTER] = "filter",
	[NETLAT_PROF_PARSE] = "parse",
	[NETLAT_PROF_SLOT] = "slot",
	[NETLAT_PROF_LOCK] = "lock",
	[NETLAT_PROF_LOOKUP] = "lookup",
	[NETLAT_PROF_REC] = "rec",
	[NETLAT_PROF_BIN] = "bin",
};

enum cal_clock {
	CAL_KTIME,
	CAL_MONO_FAST,
	CAL_LOCAL_CLOCK,
	CAL_CYCLES,
#ifdef CONFIG_X86
	CAL_RDTSC_ORDERED,
#endif
	CAL_NR_CLOCKS
};

static const char * const clock_names[CAL_NR_CLOCKS] = {
	[CAL_KTIME] = "ktime_get_ns",
	[CAL_MONO_FAST] = "ktime_get_mono_fast_ns",
	[CAL_LOCAL_CLOCK] = "local_clock",
	[CAL_CYCLES] = "get_cycles",
#ifdef CONFIG_X86
	[CAL_RDTSC_ORDERED] = "rdtsc_ordered",
#endif
};

static struct {
	u64 pair;		/* two get_cycles() back to back */
	u64 zero;		/* an empty section */
	u64 outer;		/* a section, as its handler's total sees it */
	u64 nop100;		/* 100 nops as a section, less zero */
	u64 handler;		/* an empty handler's total less its irq */
	u64 irq;		/* its irq section, less two zeros */
	u64 clock[CAL_NR_CLOCKS];	/* one call, less pair */
	u64 cycles_per_us;	/* over 1 ms of ktime_get_ns() */
} cal;

static u64 cal_sink;

/*
 * The end of a handler call (netlat_exit()): @x from before its
 * interrupts went on, @t2 after.  An interrupt may run on this CPU
 * meanwhile, and a handler of ours in it: only per-CPU operations that
 * are safe against that.
 */
void netlat_prof_handler(const struct netlat_prof_exit *x, u64 t2)
{
	u64 restore = t2 - x->t1;

	if (x->save > NETLAT_PROF_CUT || restore > NETLAT_PROF_CUT) {
		this_cpu_inc(netlat_prof->interrupted[x->row]);
		return;
	}
	this_cpu_inc(netlat_prof->handler[x->row].count);
	this_cpu_add(netlat_prof->handler[x->row].sum, t2 - x->t0);
	this_cpu_add(netlat_prof->nsecs[x->row], x->nsec);
	this_cpu_inc(netlat_prof->sec[x->row][NETLAT_PROF_IRQ].count);
	this_cpu_add(netlat_prof->sec[x->row][NETLAT_PROF_IRQ].sum,
		     x->save + restore);
}

static void prof_clear(struct netlat_prof *p)
{
	memset(p->handler, 0, sizeof(p->handler));
	memset(p->nsecs, 0, sizeof(p->nsecs));
	memset(p->interrupted, 0, sizeof(p->interrupted));
	memset(p->sec, 0, sizeof(p->sec));
}

static void prof_reset_here(void *unused)
{
	/* IPI context, irqs off: no handler of ours is half-way here. */
	prof_clear(this_cpu_ptr(netlat_prof));
}

void netlat_prof_reset(void)
{
	unsigned int cpu;

	cpus_read_lock();
	on_each_cpu(prof_reset_here, NULL, 1);
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			prof_clear(per_cpu_ptr(netlat_prof, cpu));
	cpus_read_unlock();
}

/* ---- calibration, at load, before any probe is registered ---- */

static u64 cal_sec_sum(void)
{
	return this_cpu_read(netlat_prof->sec[NETLAT_PROF_CAL_ROW][NETLAT_PROF_CLOCK].sum);
}

/* A section around nothing, as the calibration row's: what it reads. */
static u64 cal_empty_section(void)
{
	u64 before = cal_sec_sum();

	this_cpu_write(netlat_prof->open, 1);
	NETLAT_PROF_VOID(CLOCK, barrier());
	return cal_sec_sum() - before;
}

static u64 cal_nop100(void)
{
	u64 before = cal_sec_sum();

	this_cpu_write(netlat_prof->open, 1);
	NETLAT_PROF_VOID(CLOCK, asm volatile(".rept 100\n\tnop\n\t.endr"));
	return cal_sec_sum() - before;
}

/*
 * What a timed section adds to its handler's total: get_cycles() around 8
 * sections in a row less around none, over 8.  Each section calls a
 * function elsewhere (through a pointer the compiler cannot see through),
 * as most sections do: its start must be kept across the call.
 */
static void cal_callee(void)
{
}

static void (*cal_fn)(void) = cal_callee;

static u64 cal_outer(void)
{
	u64 t, none, eight;

	t = get_cycles();
	READ_ONCE(cal_fn)();
	READ_ONCE(cal_fn)();
	READ_ONCE(cal_fn)();
	READ_ONCE(cal_fn)();
	READ_ONCE(cal_fn)();
	READ_ONCE(cal_fn)();
	READ_ONCE(cal_fn)();
	READ_ONCE(cal_fn)();
	none = get_cycles() - t;
	this_cpu_write(netlat_prof->open, 1);
	t = get_cycles();
	NETLAT_PROF_VOID(CLOCK, READ_ONCE(cal_fn)());
	NETLAT_PROF_VOID(CLOCK, READ_ONCE(cal_fn)());
	NETLAT_PROF_VOID(CLOCK, READ_ONCE(cal_fn)());
	NETLAT_PROF_VOID(CLOCK, READ_ONCE(cal_fn)());
	NETLAT_PROF_VOID(CLOCK, READ_ONCE(cal_fn)());
	NETLAT_PROF_VOID(CLOCK, READ_ONCE(cal_fn)());
	NETLAT_PROF_VOID(CLOCK, READ_ONCE(cal_fn)());
	NETLAT_PROF_VOID(CLOCK, READ_ONCE(cal_fn)());
	eight = get_cycles() - t;
	return (eight - none) / 8;
}

/*
 * An empty handler, as netlat_enter_probe() and netlat_exit() run it, less
 * the hit count: its total and its irq section.  With interrupts on, as a
 * probe's handler is entered.
 */
static void cal_empty_handler(u64 *total, u64 *irq)
{
	struct netlat_prof *p = this_cpu_ptr(netlat_prof);
	struct netlat_prof_sum *h = &p->handler[NETLAT_PROF_CAL_ROW];
	struct netlat_prof_sum *s = &p->sec[NETLAT_PROF_CAL_ROW][NETLAT_PROF_IRQ];
	u64 h0 = h->sum, s0 = s->sum, n0 = h->count;
	unsigned long flags;
	u64 t0 = netlat_prof_start();

	if (!READ_ONCE(netlat_enabled))
		return;
	local_irq_save(flags);
	/* one past the probes: the calibration row, never a probe's */
	netlat_prof_enter(netlat_probes + NETLAT_PROF_CAL_ROW, t0);
	netlat_exit(flags);
	if (h->count == n0)	/* interrupted */
		return;
	*total = min(*total, h->sum - h0);
	*irq = min(*irq, s->sum - s0);
}

/* get_cycles() around @expr, a clock read */
#define CAL_CLOCK(expr) ({					\
	u64 __t = get_cycles();					\
	u64 __v = (expr);					\
	u64 __d = get_cycles() - __t;				\
								\
	WRITE_ONCE(cal_sink, cal_sink + __v);			\
	__d;							\
})

static void cal_clocks(u64 *clk)
{
	clk[CAL_KTIME] = min(clk[CAL_KTIME], CAL_CLOCK(ktime_get_ns()));
	clk[CAL_MONO_FAST] = min(clk[CAL_MONO_FAST],
				 CAL_CLOCK(ktime_get_mono_fast_ns()));
	clk[CAL_LOCAL_CLOCK] = min(clk[CAL_LOCAL_CLOCK],
				   CAL_CLOCK(local_clock()));
	clk[CAL_CYCLES] = min(clk[CAL_CYCLES], CAL_CLOCK(get_cycles()));
#ifdef CONFIG_X86
	clk[CAL_RDTSC_ORDERED] = min(clk[CAL_RDTSC_ORDERED],
				     CAL_CLOCK(rdtsc_ordered()));
#endif
}

static void prof_calibrate(void)
{
	u64 pair = U64_MAX, zero = U64_MAX, outer = U64_MAX, nop = U64_MAX;
	u64 total = U64_MAX, irq = U64_MAX, clk[CAL_NR_CLOCKS];
	u64 t, n0, c0;
	unsigned int i, k;

	for (k = 0; k < CAL_NR_CLOCKS; k++)
		clk[k] = U64_MAX;
	preempt_disable();
	this_cpu_write(netlat_prof->row, NETLAT_PROF_CAL_ROW);
	for (i = 0; i < NETLAT_PROF_CAL_RUNS; i++) {
		t = get_cycles();
		pair = min(pair, get_cycles() - t);
		zero = min(zero, cal_empty_section());
		nop = min(nop, cal_nop100());
		outer = min(outer, cal_outer());
		cal_clocks(clk);
	}
	this_cpu_write(netlat_prof->open, 0);
	for (i = 0; i < NETLAT_PROF_CAL_RUNS; i++)
		cal_empty_handler(&total, &irq);
	preempt_enable();
	cal.pair = pair;
	cal.zero = zero;
	cal.outer = outer;
	cal.nop100 = nop - zero;
	cal.irq = irq - 2 * zero;
	cal.handler = total - cal.irq;
	for (k = 0; k < CAL_NR_CLOCKS; k++)
		cal.clock[k] = clk[k] - pair;
	n0 = ktime_get_ns();
	c0 = get_cycles();
	mdelay(1);
	cal.cycles_per_us = div64_u64((get_cycles() - c0) * 1000000,
				      ktime_get_ns() - n0);
}

/* ---- debugfs: profile ---- */

/* All CPUs' sums of @row into @out. */
static void prof_sum(unsigned int row, struct netlat_prof_sum *h, u64 *nsecs,
		     u64 *interrupted, struct netlat_prof_sum *sec)
{
	unsigned int cpu, s;

	memset(h, 0, sizeof(*h));
	memset(sec, 0, sizeof(*sec) * NETLAT_PROF_NR);
	*nsecs = 0;
	*interrupted = 0;
	for_each_possible_cpu(cpu) {
		const struct netlat_prof *p = per_cpu_ptr(netlat_prof, cpu);

		h->count += READ_ONCE(p->handler[row].count);
		h->sum += READ_ONCE(p->handler[row].sum);
		*nsecs += READ_ONCE(p->nsecs[row]);
		*interrupted += READ_ONCE(p->interrupted[row]);
		for (s = 0; s < NETLAT_PROF_NR; s++) {
			sec[s].count += READ_ONCE(p->sec[row][s].count);
			sec[s].sum += READ_ONCE(p->sec[row][s].sum);
		}
	}
}

static int profile_show(struct seq_file *m, void *v)
{
	struct netlat_prof_sum h, sec[NETLAT_PROF_NR];
	u64 nsecs, interrupted;
	unsigned int i, s;

	seq_puts(m, "# netlat profile (instrumented build): get_cycles() per handler call and per section of it;\n"
		 "# under qemu -icount shift=0 one cycle is one guest instruction. cycles: raw less the calibration\n");
	seq_printf(m, "calib cycles_per_us %llu\n", cal.cycles_per_us);
	for (i = 0; i < CAL_NR_CLOCKS; i++)
		seq_printf(m, "calib clock %s %llu\n", clock_names[i],
			   cal.clock[i]);
	seq_printf(m, "calib pair %llu\n", cal.pair);
	seq_printf(m, "calib section_zero %llu\n", cal.zero);
	seq_printf(m, "calib section_outer %llu\n", cal.outer);
	seq_printf(m, "calib nop100 %llu\n", cal.nop100);
	seq_printf(m, "calib handler_zero %llu\n", cal.handler);
	seq_printf(m, "calib irq_empty %llu\n", cal.irq);
	for (i = 0; i < netlat_nr_probes; i++) {
		const struct netlat_probe *p = &netlat_probes[i];

		prof_sum(i, &h, &nsecs, &interrupted, sec);
		seq_printf(m, "handler %s %s calls %llu interrupted %llu cycles %lld raw %llu sections %llu\n",
			   p->point, p->symbol, h.count, interrupted,
			   (s64)(h.sum - h.count * cal.handler -
				 nsecs * cal.outer), h.sum, nsecs);
		for (s = 0; s < NETLAT_PROF_NR; s++) {
			/* the irq section is two windows */
			u64 z = s == NETLAT_PROF_IRQ ? 2 * cal.zero : cal.zero;

			seq_printf(m, "section %s %s %s calls %llu cycles %lld raw %llu\n",
				   p->point, p->symbol, section_names[s],
				   sec[s].count,
				   (s64)(sec[s].sum - sec[s].count * z),
				   sec[s].sum);
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(profile);

void netlat_prof_debugfs(struct dentry *dir)
{
	debugfs_create_file("profile", 0400, dir, NULL, &profile_fops);
}

int netlat_prof_init(void)
{
	netlat_prof = alloc_percpu(struct netlat_prof);
	if (!netlat_prof)
		return -ENOMEM;
	prof_calibrate();
	netlat_prof_reset();
	pr_info("%s: instrumented build: /sys/kernel/debug/%s/profile\n",
		KBUILD_MODNAME, NETLAT_DEBUGFS_DIR);
	return 0;
}

void netlat_prof_exit(void)
{
	free_percpu(netlat_prof);
}
