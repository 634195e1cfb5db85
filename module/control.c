// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs control files under /sys/kernel/debug/netlat/.  Input is never
 * trusted: a write is accepted only whole, from offset 0, and only if it
 * is exactly a known command; anything else is -EINVAL and changes
 * nothing.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include "netlat.h"

static struct dentry *netlat_dir;
static DEFINE_MUTEX(control_lock);	/* one control write at a time */

/*
 * Read a whole one-character command, "0" or "1", optionally followed by
 * a newline: its value, or -EINVAL for anything else.
 */
static int read_bit(const char __user *ubuf, size_t count, loff_t *ppos)
{
	char buf[2] = { };

	if (*ppos != 0 || count < 1 || count > 2)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	if ((buf[0] != '0' && buf[0] != '1') ||
	    (count == 2 && buf[1] != '\n'))
		return -EINVAL;
	return buf[0] - '0';
}

static ssize_t reset_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	int v = read_bit(ubuf, count, ppos);

	if (v < 0)
		return v;
	if (v != 1)
		return -EINVAL;
	mutex_lock(&control_lock);
	/* what was read before the reset is not counted after it */
	netlat_socktab_finish_reads();
	netlat_stats_reset();
	mutex_unlock(&control_lock);
	return count;
}

static const struct file_operations reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = reset_write,
	.llseek = noop_llseek,
};

/*
 * enable: 0 stops collecting (handlers return at once), 1 starts again.
 * What was in flight when collection stopped is dropped on restart, so it
 * cannot pair with new events.
 */
static ssize_t enable_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	int v = read_bit(ubuf, count, ppos);

	if (v < 0)
		return v;
	mutex_lock(&control_lock);
	if (v && !READ_ONCE(netlat_enabled)) {
		/* no handler starts new work while disabled: flush, then on */
		synchronize_rcu();
		netlat_inflight_flush();
	}
	/*
	 * Sampling's cut is 0 while off.  It is set before collection goes
	 * on and cleared after it went off, so that no sample starts under
	 * a cut of 0 it was not meant to (meanwhile a hit may be counted).
	 */
	kernel_param_lock(THIS_MODULE);
	if (v) {
		netlat_sample_cut_set(true);
		smp_wmb();	/* the cut before enabled */
		WRITE_ONCE(netlat_enabled, 1);
	} else {
		WRITE_ONCE(netlat_enabled, 0);
		smp_wmb();	/* enabled before the cut */
		netlat_sample_cut_set(false);
	}
	kernel_param_unlock(THIS_MODULE);
	mutex_unlock(&control_lock);
	return count;
}

static ssize_t enable_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[3];
	int n = scnprintf(buf, sizeof(buf), "%d\n", READ_ONCE(netlat_enabled));

	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static const struct file_operations enable_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = enable_read,
	.write = enable_write,
	.llseek = default_llseek,
};

static int config_show(struct seq_file *m, void *v)
{
	return netlat_config_show(m);
}
DEFINE_SHOW_ATTRIBUTE(config);

int netlat_control_init(void)
{
	netlat_dir = debugfs_create_dir(NETLAT_DEBUGFS_DIR, NULL);
	/* debugfs may be disabled or locked down: netlat still works. */
	debugfs_create_file("reset", 0200, netlat_dir, NULL, &reset_fops);
	debugfs_create_file("enable", 0600, netlat_dir, NULL, &enable_fops);
	debugfs_create_file("config", 0400, netlat_dir, NULL, &config_fops);
	netlat_prof_debugfs(netlat_dir);	/* the instrumented build only */
	return 0;
}

void netlat_control_exit(void)
{
	debugfs_remove_recursive(netlat_dir);
}
