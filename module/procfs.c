// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/netlat: a versioned, line-oriented report (docs/format.md, "The
 * /proc/netlat format").  Every line starts with a keyword; '#' lines are
 * comments.  The statistics are snapshotted from all CPUs once, when the
 * file is opened, and printed from that snapshot, so one read is
 * consistent while the counters move, and seq_file growing its buffer
 * (the report is larger than a page) prints the same snapshot again
 * instead of taking a new one.  All the arithmetic (percentiles) happens
 * here, at read time, not in handlers.
 */
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include "netlat.h"

#define NETLAT_BAR 40

/* This load of the module: a reader tells a reload between two reads by it. */
static u64 netlat_load_id;

/* What one open file prints: charged to the opener's memory cgroup. */
struct netlat_report {
	struct netlat_stats stats;
	u64 hits[NETLAT_MAX_PROBES];
	u64 time_ns;
	u64 realtime_ns;
	unsigned int resets;
	char host[__NEW_UTS_LEN + 1];
};

/*
 * The host name, one word: bytes that are not printable ASCII, space and
 * backslash as \ooo, as /proc/mounts writes paths.
 */
static void show_host(struct seq_file *m, const char *host)
{
	const unsigned char *p;

	seq_puts(m, "hostname ");
	if (!*host)	/* what the kernel calls a host without a name */
		host = "(none)";
	for (p = (const unsigned char *)host; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == '\\')
			seq_printf(m, "\\%03o", *p);
		else
			seq_putc(m, *p);
	}
	seq_putc(m, '\n');
}

static void show_stage(struct seq_file *m, unsigned int i,
		       const struct netlat_stage_stats *s)
{
	static const struct {
		const char *name;
		unsigned int permyriad;
	} pct[] = { { "p50", 5000 }, { "p90", 9000 }, { "p99", 9900 },
		    { "p999", 9990 } };
	u64 peak = 0;
	unsigned int b, k;

	const struct netlat_stage_info *info = netlat_stage_info(i);

	seq_printf(m, "# %s: %s\n", info->name, info->desc);
	seq_printf(m, "stage %s %s count %llu sum_ns %llu min_ns %llu max_ns %llu",
		   info->name, info->dir, s->count, s->sum,
		   s->count ? s->min : 0, s->max);
	for (k = 0; k < ARRAY_SIZE(pct); k++)
		seq_printf(m, " %s_ns %llu", pct[k].name,
			   netlat_percentile(s->bucket, s->count, s->min,
					     s->max, pct[k].permyriad));
	seq_putc(m, '\n');
	for (b = 0; b < NETLAT_HIST_BUCKETS; b++)
		if (s->bucket[b] > peak)
			peak = s->bucket[b];
	for (b = 0; b < NETLAT_HIST_BUCKETS; b++) {
		unsigned int stars;

		if (!s->bucket[b])
			continue;
		stars = div64_u64(s->bucket[b] * NETLAT_BAR + peak - 1, peak);
		seq_printf(m, "bucket %s %llu %llu %llu |%.*s%*s|\n",
			   info->name, netlat_bucket_lo(b),
			   netlat_bucket_hi(b), s->bucket[b], stars,
			   "****************************************",
			   NETLAT_BAR - stars, "");
	}
}

static int netlat_proc_show(struct seq_file *m, void *v)
{
	struct netlat_report *r = m->private;
	unsigned int i;

	seq_puts(m, "# netlat: where TCP data spends its time in the network stack\n");
	seq_puts(m, "# format: docs/format.md in netlat's source; times in ns\n");
	seq_printf(m, "version %d\n", NETLAT_FORMAT_VERSION);
	seq_printf(m, "module %s\n", NETLAT_VERSION);
	seq_printf(m, "load_id %016llx\n", netlat_load_id);
	seq_printf(m, "kernel %s\n", init_utsname()->release);
	seq_printf(m, "time_ns %llu\n", r->time_ns);
	seq_printf(m, "realtime_ns %llu\n", r->realtime_ns);
	seq_printf(m, "resets %u\n", r->resets);
	show_host(m, r->host);
	seq_printf(m, "enabled %d\n", READ_ONCE(netlat_enabled));
	netlat_filters_show(m, "filter ");
	seq_printf(m, "sockets %u capacity %u\n", netlat_socktab_used(),
		   netlat_socktab_capacity());
	seq_printf(m, "records %u capacity %u\n", netlat_pool_used(),
		   netlat_pool_capacity());
	seq_printf(m, "thinning %u\n", READ_ONCE(netlat_thin_level));
	seq_printf(m, "histogram sub_buckets %u max_ns %llu\n", NETLAT_HIST_SUB,
		   netlat_bucket_lo(NETLAT_HIST_OVERFLOW));

	seq_puts(m, "# probe <layer point> <symbol> <ftrace|int3|tracepoint> hits <n> missed <n>\n");
	for (i = 0; i < netlat_nr_probes; i++) {
		struct netlat_probe *p = &netlat_probes[i];

		seq_printf(m, "probe %s %s %s hits %llu missed %lu\n",
			   p->point, p->symbol, netlat_probe_kind(p),
			   r->hits[i], netlat_probe_missed(p));
	}

	for (i = 0; i < NETLAT_NR_STAGES; i++)
		show_stage(m, i, &r->stats.stage[i]);

	seq_puts(m, "# counter <name> <value>: events not binned (docs/format.md)\n");
	for (i = 0; i < NETLAT_NR_COUNTERS; i++)
		seq_printf(m, "counter %s %llu\n", netlat_counter_name(i),
			   r->stats.counter[i]);
	seq_puts(m, "end\n");
	return 0;
}

static int netlat_proc_open(struct inode *inode, struct file *file)
{
	struct netlat_report *r = kvmalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	struct netlat_dir_bins *scratch = kvmalloc_array(NETLAT_NR_DIRS,
							 sizeof(*scratch),
							 GFP_KERNEL_ACCOUNT);
	int err = -ENOMEM;

	if (!r || !scratch)
		goto fail;
	/* reads whose samples wait to be binned (rx.c): bin them first */
	netlat_socktab_finish_reads();
	netlat_stats_snapshot(&r->stats, scratch, r->hits);
	r->time_ns = ktime_get_ns();
	r->realtime_ns = ktime_get_real_ns();
	/* after the snapshot: one taken across a reset shows it */
	r->resets = netlat_stats_resets();
	/*
	 * uts_sem is not exported: a sethostname() racing this copy can
	 * give a mix of the two names, never an unterminated one.
	 */
	memcpy(r->host, init_utsname()->nodename, __NEW_UTS_LEN);
	r->host[__NEW_UTS_LEN] = '\0';
	kvfree(scratch);
	scratch = NULL;
	err = single_open(file, netlat_proc_show, r);
	if (!err)
		return 0;
fail:
	kvfree(scratch);
	kvfree(r);
	return err;
}

static int netlat_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	kvfree(m->private);
	return single_release(inode, file);
}

static const struct proc_ops netlat_proc_ops = {
	.proc_open = netlat_proc_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = netlat_proc_release,
};

int netlat_proc_init(void)
{
	netlat_load_id = get_random_u64();
	if (!proc_create(NETLAT_PROC_NAME, 0444, NULL, &netlat_proc_ops))
		return -ENOMEM;
	return 0;
}

void netlat_proc_exit(void)
{
	remove_proc_entry(NETLAT_PROC_NAME, NULL);
}
