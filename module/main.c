// SPDX-License-Identifier: GPL-2.0
/*
 * netlat: where the time goes when TCP data crosses the kernel's network
 * stack, layer by layer, as per-stage latency histograms.
 *
 * Load order matters: everything the handlers touch exists before the
 * first probe is armed, and on unload the probes are gone (and no handler
 * runs any more: unregister_kprobes() waits for that) before anything
 * is freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "netlat.h"

static int __init netlat_init(void)
{
	int err;

	/* A parameter write may come any time: see param_set_reset(). */
	kernel_param_lock(THIS_MODULE);
	err = netlat_stats_init();
	if (!err) {
		err = netlat_socktab_init();
		if (err)
			netlat_stats_exit();
	}
	kernel_param_unlock(THIS_MODULE);
	if (err)
		return err;
	err = netlat_prof_init();	/* the instrumented build only */
	if (err)
		goto err_socktab;
	err = netlat_slow_init();
	if (err)
		goto err_prof;
	err = netlat_proc_init();
	if (err)
		goto err_slow;
	err = netlat_control_init();
	if (err)
		goto err_proc;
	err = netlat_probes_register();
	if (err)
		goto err_control;
	pr_info("version %s loaded: %u probes, %u sockets\n", NETLAT_VERSION,
		netlat_nr_probes, netlat_socktab_capacity());
	return 0;

err_control:
	netlat_control_exit();
err_proc:
	netlat_proc_exit();
err_slow:
	netlat_slow_exit();
err_prof:
	netlat_prof_exit();
err_socktab:
	kernel_param_lock(THIS_MODULE);
	netlat_socktab_exit();
	netlat_stats_exit();
	kernel_param_unlock(THIS_MODULE);
	return err;
}

static void __exit netlat_exit_module(void)
{
	netlat_probes_unregister();
	/* readers blocked in the slow log's stream are let go first */
	netlat_slow_exit();
	netlat_control_exit();
	netlat_proc_exit();
	netlat_prof_exit();
	/* A parameter write may race with unload: see param_set_reset(). */
	kernel_param_lock(THIS_MODULE);
	netlat_socktab_exit();
	netlat_stats_exit();
	kernel_param_unlock(THIS_MODULE);
	pr_info("unloaded\n");
}

module_init(netlat_init);
module_exit(netlat_exit_module);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("netlat developers");
MODULE_DESCRIPTION("Per-layer TCP latency histograms for the send and receive paths");
MODULE_VERSION(NETLAT_VERSION);
