// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: what netlat measures and with how much memory.  Every
 * value is validated the same way at load time (a bad one refuses the
 * load) and at run time (a bad write returns -EINVAL and keeps the old
 * value), with a pr_err naming the parameter and its allowed range.
 *
 * Handlers read the run-time values without locks: single words with
 * READ_ONCE, the port filter through an RCU-published bitmap and the
 * cgroup filter through an RCU-published cgroup (handlers run with
 * preemption off, so synchronize_rcu() waits for them).  Writes are
 * serialized by the module's param lock, and at load by load_module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cgroup.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "netlat.h"

unsigned int netlat_table_size = 16384;
unsigned int netlat_expire_ms = 10000;
unsigned int netlat_sample = 1;
unsigned int netlat_netns;
unsigned int netlat_directions = NETLAT_DIR_TX | NETLAT_DIR_RX;
unsigned int netlat_family;
unsigned int netlat_tracepoints = 1;
unsigned int netlat_slow_us;
unsigned int netlat_slow_ring_size = 4096;
int netlat_enabled = 1;

/* ---- unsigned integers within [min, max] ---- */

struct netlat_uint_param {
	unsigned int *value;
	unsigned int min;
	unsigned int max;
};

static int param_set_bounded(const char *val, const struct kernel_param *kp)
{
	const struct netlat_uint_param *p = kp->arg;
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < p->min || v > p->max) {
		pr_err("invalid %s=%.32s: must be an integer from %u to %u\n",
		       kp->name, val, p->min, p->max);
		return -EINVAL;
	}
	WRITE_ONCE(*p->value, v);
	return 0;
}

static int param_get_bounded(char *buf, const struct kernel_param *kp)
{
	const struct netlat_uint_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*p->value));
}

static const struct kernel_param_ops bounded_ops = {
	.set = param_set_bounded,
	.get = param_get_bounded,
};

static struct netlat_uint_param table_size_param = {
	.value = &netlat_table_size, .min = 64, .max = 65536,
};
module_param_cb(table_size, &bounded_ops, &table_size_param, 0444);
MODULE_PARM_DESC(table_size,
		 "sockets with something in flight tracked at once, 64-65536, rounded up to a power of two, with 8 records each in a shared pool; load time only (default 16384)");

static struct netlat_uint_param expire_ms_param = {
	.value = &netlat_expire_ms, .min = 100, .max = 3600000,
};
module_param_cb(expire_ms, &bounded_ops, &expire_ms_param, 0644);
MODULE_PARM_DESC(expire_ms,
		 "idle time after which a socket's state may be reused, 100-3600000 ms (default 10000)");

/*
 * sample: the N before a change still lets samples go on for expire_ms,
 * so that those in flight complete (netlat.h, netlat_hash_sampling).
 * While that window is open, netlat_sample_window holds its end (the low
 * 32 bits of jiffies) above the previous N, which is never 0; the first
 * handler to find it over sets it to 0 (netlat_conn_finishing).
 */
u32 netlat_conn_seed __read_mostly;
u32 netlat_sample_cut;
u64 netlat_sample_window;

/* The hashes kept under N: ceil(2^32 / N) of them, 0 meaning all. */
u32 netlat_sample_cut_of(unsigned int n)
{
	return n <= 1 ? 0 : (u32)DIV_ROUND_UP_ULL(1ULL << 32, n);
}

/*
 * The cut of now: 0 while collection is off (@on false), so that
 * sampling turns nothing away then and a turned-away hit needs no look
 * at enable (netlat_turn_away_sampled).  Under the parameters' lock.
 */
void netlat_sample_cut_set(bool on)
{
	WRITE_ONCE(netlat_sample_cut,
		   on ? netlat_sample_cut_of(READ_ONCE(netlat_sample)) : 0);
}

static struct netlat_uint_param sample_param = {
	.value = &netlat_sample, .min = 1, .max = 1000000,
};

static int param_set_sample(const char *val, const struct kernel_param *kp)
{
	unsigned int old = READ_ONCE(netlat_sample);
	int err = param_set_bounded(val, kp);
	u32 end;

	if (err || READ_ONCE(netlat_sample) == old)
		return err;
	end = (u32)(jiffies + msecs_to_jiffies(READ_ONCE(netlat_expire_ms)));
	WRITE_ONCE(netlat_sample_window, (u64)end << 32 | old);
	netlat_sample_cut_set(READ_ONCE(netlat_enabled));
	return 0;
}

static const struct kernel_param_ops sample_ops = {
	.set = param_set_sample,
	.get = param_get_bounded,
};

module_param_cb(sample, &sample_ops, &sample_param, 0644);
MODULE_PARM_DESC(sample,
		 "measure 1 in N connections, chosen by a hash of their addresses and ports seeded at load, 1-1000000 (default 1: all)");

static struct netlat_uint_param netns_param = {
	.value = &netlat_netns, .min = 0, .max = UINT_MAX,
};
module_param_cb(netns, &bounded_ops, &netns_param, 0644);
MODULE_PARM_DESC(netns,
		 "measure only this network namespace, by inode number (ls -Li /proc/PID/ns/net); 0: all (default)");

static struct netlat_uint_param tracepoints_param = {
	.value = &netlat_tracepoints, .min = 0, .max = 1,
};
module_param_cb(tracepoints, &bounded_ops, &tracepoints_param, 0444);
MODULE_PARM_DESC(tracepoints,
		 "1: serve a layer point with the kernel tracepoint that sits exactly there, where there is one (default); 0: kprobes only; load time only");

static struct netlat_uint_param slow_us_param = {
	.value = &netlat_slow_us, .min = 0, .max = 60000000,
};
module_param_cb(slow_us, &bounded_ops, &slow_us_param, 0644);
MODULE_PARM_DESC(slow_us,
		 "write every sample longer than this in total to the slow log (/proc/netlat_slow), 0-60000000 us; 0: no slow log (default)");

static struct netlat_uint_param slow_ring_size_param = {
	.value = &netlat_slow_ring_size, .min = 64, .max = 65536,
};
module_param_cb(slow_ring_size, &bounded_ops, &slow_ring_size_param, 0444);
MODULE_PARM_DESC(slow_ring_size,
		 "records the slow log's ring holds, 64-65536, rounded up to a power of two, 112 bytes each; load time only (default 4096)");

/* ---- directions: "tx", "rx" or "tx,rx"; load time only ---- */

static int param_set_directions(const char *val, const struct kernel_param *kp)
{
	unsigned int d;

	if (sysfs_streq(val, "tx")) {
		d = NETLAT_DIR_TX;
	} else if (sysfs_streq(val, "rx")) {
		d = NETLAT_DIR_RX;
	} else if (sysfs_streq(val, "tx,rx") || sysfs_streq(val, "rx,tx")) {
		d = NETLAT_DIR_TX | NETLAT_DIR_RX;
	} else {
		pr_err("invalid %s=%.32s: must be tx, rx or tx,rx\n",
		       kp->name, val);
		return -EINVAL;
	}
	netlat_directions = d;
	return 0;
}

static int param_get_directions(char *buf, const struct kernel_param *kp)
{
	unsigned int d = netlat_directions;

	return sysfs_emit(buf, "%s%s%s\n", d & NETLAT_DIR_TX ? "tx" : "",
			  d == (NETLAT_DIR_TX | NETLAT_DIR_RX) ? "," : "",
			  d & NETLAT_DIR_RX ? "rx" : "");
}

static const struct kernel_param_ops directions_ops = {
	.set = param_set_directions,
	.get = param_get_directions,
};

module_param_cb(directions, &directions_ops, NULL, 0444);
MODULE_PARM_DESC(directions,
		 "directions measured: tx, rx or tx,rx (default); probes of the other are not registered; load time only");

/* ---- family: "4", "6" or "all"; run time ---- */

static int param_set_family(const char *val, const struct kernel_param *kp)
{
	unsigned int f;

	if (sysfs_streq(val, "4")) {
		f = 4;
	} else if (sysfs_streq(val, "6")) {
		f = 6;
	} else if (sysfs_streq(val, "all")) {
		f = 0;
	} else {
		pr_err("invalid %s=%.32s: must be 4, 6 or all\n", kp->name, val);
		return -EINVAL;
	}
	WRITE_ONCE(netlat_family, f);
	return 0;
}

static const char *const family_names[] = { [0] = "all", [4] = "4", [6] = "6" };

static int param_get_family(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", family_names[READ_ONCE(netlat_family)]);
}

static const struct kernel_param_ops family_ops = {
	.set = param_set_family,
	.get = param_get_family,
};

module_param_cb(family, &family_ops, NULL, 0644);
MODULE_PARM_DESC(family,
		 "measure only TCP over IPv4 (4; v4-mapped IPv6 sockets included) or IPv6 (6); all (default)");

/* ---- ports: a list like "80,443,8000-8100", or all ---- */

#define NETLAT_PORTS 65536

/*
 * Two bitmaps: handlers read the published one while a write fills the
 * other; after a grace period no handler can still see the old one.
 */
static DECLARE_BITMAP(port_maps[2], NETLAT_PORTS);
static unsigned int port_map_next;
unsigned long __rcu *netlat_port_map;	/* NULL: no port filter */

/* Only digits, ',' and '-', and no empty list element. */
static bool ports_syntax_ok(const char *s)
{
	char prev = ',';

	for (; *s; prev = *s++) {
		if (!isdigit(*s) && *s != ',' && *s != '-')
			return false;
		if (*s == ',' && prev == ',')
			return false;
	}
	return prev != ',';
}

static int param_set_ports(const char *val, const struct kernel_param *kp)
{
	unsigned long *map = port_maps[port_map_next];
	char buf[256], *list;
	int err;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		goto bad;
	list = strim(buf);
	if (!strcmp(list, "all")) {
		rcu_assign_pointer(netlat_port_map, NULL);
		synchronize_rcu();
		return 0;
	}
	if (!ports_syntax_ok(list))
		goto bad;
	err = bitmap_parselist(list, map, NETLAT_PORTS);
	if (err || test_bit(0, map) || bitmap_empty(map, NETLAT_PORTS))
		goto bad;
	rcu_assign_pointer(netlat_port_map, map);
	synchronize_rcu();
	port_map_next ^= 1;
	return 0;
bad:
	pr_err("invalid %s=%.32s: must be a list of ports 1-65535 and ranges, e.g. 80,443,8000-8100, or all\n",
	       kp->name, val);
	return -EINVAL;
}

static int param_get_ports(char *buf, const struct kernel_param *kp)
{
	unsigned long *map = rcu_dereference_protected(netlat_port_map, 1);

	if (!map)
		return sysfs_emit(buf, "all\n");
	return sysfs_emit(buf, "%*pbl\n", NETLAT_PORTS, map);
}

static const struct kernel_param_ops ports_ops = {
	.set = param_set_ports,
	.get = param_get_ports,
};

module_param_cb(ports, &ports_ops, NULL, 0644);
MODULE_PARM_DESC(ports,
		 "measure only connections with a local or remote port in this list, e.g. 80,443,8000-8100; all (default)");

/*
 * ---- cgroup: one cgroup v2 and its descendants, by id or path; 0: all ----
 *
 * The id is the cgroup directory's inode number; a path starts with '/'
 * and is taken from the root of the writer's cgroup namespace (as
 * /proc/PID/cgroup shows it).  The cgroup is looked up once, when written,
 * and pinned while it is the filter; handlers then only compare pointers
 * (cgroup_is_descendant, netlat.h).  Either way the parameter reads back
 * as the id.  A removed cgroup stays pinned, and matches what is still in
 * it, until another value is written or netlat is unloaded (.free).
 */
struct cgroup __rcu *netlat_cgroup;
static u64 netlat_cgroup_id;

#define NETLAT_CGROUP_PATH_MAX 4096

/* The cgroup of @val, a path; an ERR_PTR if there is no such cgroup. */
static struct cgroup *cgroup_of_path(const char *val)
{
	struct cgroup *cgrp;
	char *path;
	size_t len = strnlen(val, NETLAT_CGROUP_PATH_MAX + 1);

	if (len > NETLAT_CGROUP_PATH_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	/* echo's newline is no part of the path */
	if (len && val[len - 1] == '\n')
		len--;
	path = kmemdup_nul(val, len, GFP_KERNEL);
	if (!path)
		return ERR_PTR(-ENOMEM);
	cgrp = cgroup_get_from_path(path);
	kfree(path);
	return cgrp;
}

static int param_set_cgroup(const char *val, const struct kernel_param *kp)
{
	struct cgroup *cgrp = NULL, *old;
	u64 id = 0;

	if (val[0] == '/') {
#ifdef CONFIG_SOCK_CGROUP_DATA
		cgrp = cgroup_of_path(val);
		if (IS_ERR_OR_NULL(cgrp))
			goto bad;
		id = cgroup_id(cgrp);
#else
		goto bad;
#endif
	} else if (kstrtou64(val, 0, &id)) {
		goto bad;
	} else if (id) {
#ifdef CONFIG_SOCK_CGROUP_DATA
		cgrp = cgroup_get_from_id(id);
		if (IS_ERR_OR_NULL(cgrp))
			goto bad;
#else
		goto bad;
#endif
	}
	old = rcu_dereference_protected(netlat_cgroup, 1);
	rcu_assign_pointer(netlat_cgroup, cgrp);
	WRITE_ONCE(netlat_cgroup_id, id);
	synchronize_rcu();	/* no handler sees the old one any more */
	if (old)
		cgroup_put(old);
	return 0;
bad:
	pr_err("invalid %s=%.32s: must be a cgroup v2 directory, by path from the cgroup2 mount (/system.slice/x.service) or by id (its inode number: stat -c %%i /sys/fs/cgroup/PATH), or 0 for all\n",
	       kp->name, val);
	return -EINVAL;
}

static int param_get_cgroup(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(netlat_cgroup_id));
}

/* At unload, or a load that failed: no handler runs. */
static void param_free_cgroup(void *arg)
{
	struct cgroup *cgrp = rcu_dereference_protected(netlat_cgroup, 1);

	RCU_INIT_POINTER(netlat_cgroup, NULL);
	netlat_cgroup_id = 0;
	if (cgrp)
		cgroup_put(cgrp);
}

static const struct kernel_param_ops cgroup_ops = {
	.set = param_set_cgroup,
	.get = param_get_cgroup,
	.free = param_free_cgroup,
};

module_param_cb(cgroup, &cgroup_ops, NULL, 0644);
MODULE_PARM_DESC(cgroup,
		 "measure only sockets made in this cgroup v2 or below it, by path from the cgroup2 mount (/system.slice/x.service) or id (stat -c %i /sys/fs/cgroup/PATH); reads back as the id; 0: all (default)");

/* ---- reset: the path that works where debugfs is locked down ---- */

static int param_set_reset(const char *val, const struct kernel_param *kp)
{
	if (!sysfs_streq(val, "1")) {
		pr_err("invalid %s=%.32s: only 1 (reset) is accepted\n",
		       kp->name, val);
		return -EINVAL;
	}
	/* Under the param lock: NULL before load and after unload. */
	if (netlat_cpus) {
		/* what was read before the reset is not counted after it */
		netlat_socktab_finish_reads();
		netlat_stats_reset();
	}
	return 0;
}

static const struct kernel_param_ops reset_ops = {
	.set = param_set_reset,
};

module_param_cb(reset, &reset_ops, NULL, 0200);
MODULE_PARM_DESC(reset,
		 "write 1 to zero the histograms and counters (like debugfs netlat/reset)");

/* What is measured: one line per filter, each starting with @prefix. */
void netlat_filters_show(struct seq_file *m, const char *prefix)
{
	unsigned int netns = READ_ONCE(netlat_netns);
	u64 cgroup = READ_ONCE(netlat_cgroup_id);
	unsigned long *map;

	seq_printf(m, "%sdirections %s%s%s\n", prefix,
		   netlat_directions & NETLAT_DIR_TX ? "tx" : "",
		   netlat_directions == (NETLAT_DIR_TX | NETLAT_DIR_RX) ?
		   "," : "", netlat_directions & NETLAT_DIR_RX ? "rx" : "");
	rcu_read_lock_sched();
	map = rcu_dereference_sched(netlat_port_map);
	if (map)
		seq_printf(m, "%sports %*pbl\n", prefix, NETLAT_PORTS, map);
	else
		seq_printf(m, "%sports all\n", prefix);
	rcu_read_unlock_sched();
	seq_printf(m, "%sfamily %s\n", prefix,
		   family_names[READ_ONCE(netlat_family)]);
	if (netns)
		seq_printf(m, "%snetns %u\n", prefix, netns);
	else
		seq_printf(m, "%snetns all\n", prefix);
	if (cgroup)
		seq_printf(m, "%scgroup %llu\n", prefix, cgroup);
	else
		seq_printf(m, "%scgroup all\n", prefix);
	seq_printf(m, "%ssample %u\n", prefix, READ_ONCE(netlat_sample));
}

/* The effective configuration, for debugfs netlat/config. */
int netlat_config_show(struct seq_file *m)
{
	seq_printf(m, "enabled %d\n", READ_ONCE(netlat_enabled));
	netlat_filters_show(m, "");
	seq_printf(m, "tracepoints %u\n", netlat_tracepoints);
	seq_printf(m, "table_size %u\n", netlat_socktab_capacity());
	seq_printf(m, "expire_ms %u\n", READ_ONCE(netlat_expire_ms));
	seq_printf(m, "per_socket waiters %d share %d\n", NETLAT_WAITERS,
		   NETLAT_SHARE);
	seq_printf(m, "records %u\n", netlat_pool_capacity());
	seq_printf(m, "rx_slots sets %d ways %d\n", NETLAT_RX_SETS,
		   NETLAT_RX_WAYS);
	seq_printf(m, "slow_us %u\n", READ_ONCE(netlat_slow_us));
	seq_printf(m, "slow_ring_size %u\n", netlat_slow_capacity());
	return 0;
}
