// SPDX-License-Identifier: GPL-2.0
/*
 * The layer points netlat probes, and registration that survives kernel
 * differences.  Each point has an ordered list of alternatives; an
 * alternative is one symbol, or two that together see every packet (a
 * single-skb and a list entry point).  The first alternative whose
 * symbols all register serves the point.  Why these symbols, and not the
 * ones the original bpftrace scripts used: README.md, "Where netlat
 * probes".
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include "netlat.h"

struct netlat_sym {
	const char *name;
	kprobe_pre_handler_t handler;
};

struct netlat_point {
	const char *name;
	unsigned int dir;	/* registered if a direction in it is on */
	bool mandatory;
	struct netlat_sym alt[4][2];
};

#define TX NETLAT_DIR_TX
#define RX NETLAT_DIR_RX

static const struct netlat_point points[] = {
	/* send: socket layer entry, after the syscall's own work */
	{ "tx_sock", TX, true, {
		{ { "security_socket_sendmsg", netlat_h_sock_send } },
		{ { "__sock_sendmsg", netlat_h_sock_send } },
		{ { "sock_sendmsg", netlat_h_sock_send } } } },
	/* send: TCP takes the call (before the socket lock) */
	{ "tx_tcp", TX, true, {
		{ { "tcp_sendmsg", netlat_h_tcp_send } } } },
	/* send: socket lock held, write_seq is where the call's bytes go */
	{ "tx_tcp_locked", TX, true, {
		{ { "tcp_sendmsg_locked", netlat_h_tcp_send_locked } } } },
	/* send: TCP hands a segment to IP */
	{ "tx_ip", TX, true, {
		{ { "ip_queue_xmit", netlat_h_ip_xmit } },
		{ { "__ip_queue_xmit", netlat_h_ip_xmit } } } },
	/* send: the driver gets the (list of) skb(s) */
	{ "tx_dev", TX, true, {
		{ { "dev_hard_start_xmit", netlat_h_dev_xmit } } } },
	/* receive: device layer hands the skb up, single and GRO list path */
	{ "rx_dev", RX, true, {
		{ { "__netif_receive_skb_core", netlat_h_rx_dev_pskb } },
		{ { "__netif_receive_skb_core.constprop.0",
		    netlat_h_rx_dev_pskb } },
		{ { "__netif_receive_skb", netlat_h_rx_dev_skb },
		  { "netif_receive_skb_list_internal",
		    netlat_h_rx_dev_list } } } },
	/* receive: IP receive, common to ip_rcv and ip_list_rcv */
	{ "rx_ip", RX, true, {
		{ { "ip_rcv_core", netlat_h_rx_ip_skb } },
		{ { "ip_rcv", netlat_h_rx_ip_skb },
		  { "ip_list_rcv", netlat_h_rx_ip_list } } } },
	/* receive: TCP receive */
	{ "rx_tcp", RX, true, {
		{ { "tcp_v4_rcv", netlat_h_rx_tcp } } } },
	/* receive: TCP binds the skb to its socket (direct or via backlog) */
	{ "rx_sock", RX, true, {
		{ { "tcp_v4_do_rcv", netlat_h_rx_bind },
		  { "tcp_add_backlog", netlat_h_rx_bind } } } },
	/* receive: the application's read has copied up to copied_seq */
	{ "rx_user", RX, true, {
		{ { "tcp_cleanup_rbuf", netlat_h_rx_copied } } } },
	/* lifecycle: forget a socket before its memory is reused */
	{ "sock_destroy", TX | RX, true, {
		{ { "tcp_v4_destroy_sock", netlat_h_sock_destroy } } } },
};

struct netlat_probe netlat_probes[NETLAT_MAX_PROBES];
unsigned int netlat_nr_probes;

static int register_alt(const struct netlat_point *pt,
			const struct netlat_sym *alt)
{
	unsigned int first = netlat_nr_probes, i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(pt->alt[0]) && alt[i].name; i++) {
		struct netlat_probe *p;

		if (netlat_nr_probes >= NETLAT_MAX_PROBES) {
			err = -ENOSPC;
			break;
		}
		p = &netlat_probes[netlat_nr_probes];
		memset(p, 0, sizeof(*p));
		p->point = pt->name;
		p->symbol = alt[i].name;
		p->kp.symbol_name = alt[i].name;
		p->kp.pre_handler = alt[i].handler;
		err = register_kprobe(&p->kp);
		if (err) {
			if (err != -ENOENT)
				pr_warn("%s: %s: cannot probe %s: %d\n",
					KBUILD_MODNAME, pt->name, alt[i].name,
					err);
			break;
		}
		netlat_nr_probes++;
	}
	if (err) {
		while (netlat_nr_probes > first)
			unregister_kprobe(&netlat_probes[--netlat_nr_probes].kp);
		return err;
	}
	for (i = first; i < netlat_nr_probes; i++) {
		struct kprobe *kp = &netlat_probes[i].kp;

		pr_info("%s: %s: %s at %pS, %s-based\n", KBUILD_MODNAME,
			pt->name, kp->symbol_name, kp->addr,
			kprobe_ftrace(kp) ? "ftrace" : "int3");
	}
	return 0;
}

int netlat_probes_register(void)
{
	unsigned int i, a;

	netlat_nr_probes = 0;
	for (i = 0; i < ARRAY_SIZE(points); i++) {
		const struct netlat_point *pt = &points[i];
		bool done = false;

		if (!(pt->dir & netlat_directions))
			continue;
		for (a = 0; a < ARRAY_SIZE(pt->alt) && pt->alt[a][0].name; a++) {
			if (!register_alt(pt, pt->alt[a])) {
				done = true;
				break;
			}
		}
		if (done)
			continue;
		if (pt->mandatory) {
			pr_err("%s: no usable symbol for the mandatory layer point %s (tried %s...); refusing to load\n",
			       KBUILD_MODNAME, pt->name, pt->alt[0][0].name);
			netlat_probes_unregister();
			return -ENOENT;
		}
		pr_info("%s: optional layer point %s not available\n",
			KBUILD_MODNAME, pt->name);
	}
	return 0;
}

void netlat_probes_unregister(void)
{
	struct kprobe *kps[NETLAT_MAX_PROBES];
	unsigned int i;

	for (i = 0; i < netlat_nr_probes; i++)
		kps[i] = &netlat_probes[i].kp;
	if (netlat_nr_probes)
		unregister_kprobes(kps, netlat_nr_probes);
	netlat_nr_probes = 0;
}

void netlat_probes_reset_missed(void)
{
	unsigned int i;

	for (i = 0; i < netlat_nr_probes; i++)
		netlat_probes[i].missed_base = READ_ONCE(netlat_probes[i].kp.nmissed);
}
