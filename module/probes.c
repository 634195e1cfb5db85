// SPDX-License-Identifier: GPL-2.0
/*
 * The layer points netlat probes, and registration that survives kernel
 * differences.  Each point has an ordered list of alternatives; an
 * alternative is one symbol, or several that together see every event (a
 * single-skb and a list entry point).  The first alternative whose
 * symbols all register serves the point.  A symbol is a function, probed
 * at its entry with a kprobe, or a kernel tracepoint ("system:event")
 * that sits exactly at the point: cheaper than a kprobe, with arguments
 * whose types the kernel keeps stable, and never skipped the way a kprobe
 * hit inside another kprobe handler is.  Each tracepoint has its kprobe as
 * the next alternative.  Why these symbols, and not the ones the original
 * bpftrace scripts used: docs/design.md, "Where netlat probes".
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "netlat.h"

struct netlat_sym {
	const char *name;	/* a function, or "system:event" */
	kprobe_pre_handler_t handler;
	void *tp_func;		/* for a tracepoint */
};

#define NETLAT_ALT_SYMS 3

struct netlat_point {
	const char *name;
	unsigned int dir;	/* registered if a direction in it is on */
	bool mandatory;
	struct netlat_sym alt[4][NETLAT_ALT_SYMS];
};

#define TX NETLAT_DIR_TX
#define RX NETLAT_DIR_RX
#define KP(sym, h) { .name = (sym), .handler = (h) }
#define TP(sym, f) { .name = (sym), .tp_func = (void *)(f) }

/*
 * In registration order: the purges first, so that no state exists before
 * what forgets it does.
 */
static const struct netlat_point points[] = {
	/* lifecycle: forget a socket before its memory is reused */
	{ "sock_destroy", TX | RX, true, {
		{ TP("tcp:tcp_destroy_sock", netlat_tp_sock_destroy) },
		{ KP("tcp_v4_destroy_sock", netlat_h_sock_purge) } } },
	/* lifecycle: connect(AF_UNSPEC) makes the socket a new connection */
	{ "sock_disconnect", TX | RX, true, {
		{ KP("tcp_disconnect", netlat_h_sock_purge) } } },
	/* send: socket layer entry, after the syscall's own work */
	{ "tx_sock", TX, true, {
		{ KP("security_socket_sendmsg", netlat_h_sock_send) },
		{ KP("__sock_sendmsg", netlat_h_sock_send) },
		{ KP("sock_sendmsg", netlat_h_sock_send) } } },
	/*
	 * send: TCP takes the call, socket lock held, write_seq is where its
	 * bytes go.  tcp_sendmsg, before the lock, is not probed: a second
	 * hit per call that would only move the boundary before the wait
	 * for the lock (docs/design.md).
	 */
	{ "tx_tcp_locked", TX, true, {
		{ KP("tcp_sendmsg_locked", netlat_h_tcp_send_locked) } } },
	/*
	 * send, 6.1: sendfile, splice and kTLS take sendpage, page by page:
	 * the socket layer, and TCP with the lock held.  Gone in 6.5, where
	 * these go through sendmsg.
	 */
	{ "tx_sendpage", TX, false, {
		{ KP("kernel_sendpage", netlat_h_sock_sendpage),
		  KP("do_tcp_sendpages", netlat_h_tcp_sendpage_locked) } } },
	/* send: TCP hands a segment to IP */
	{ "tx_ip", TX, true, {
		{ KP("ip_queue_xmit", netlat_h_ip_xmit) },
		{ KP("__ip_queue_xmit", netlat_h_ip_xmit) } } },
	/*
	 * send, IPv6: TCP hands a segment to IPv6 (inet6_csk_xmit is TCP's
	 * queue_xmit there).  Optional, as every IPv6 point: a kernel may
	 * have no IPv6, and IPv4 is measured without it.
	 */
	{ "tx_ip6", TX, false, {
		{ KP("inet6_csk_xmit", netlat_h_ip_xmit) },
		{ KP("ip6_xmit", netlat_h_ip_xmit) } } },
	/* send: the driver gets the skb (the kprobe sees the list's head) */
	{ "tx_dev", TX, true, {
		{ TP("net:net_dev_start_xmit", netlat_tp_dev_xmit) },
		{ KP("dev_hard_start_xmit", netlat_h_dev_xmit) } } },
	/*
	 * receive: device layer hands the skb up, single and GRO list path.
	 * Only functions under their own name: a compiler clone
	 * (.constprop.N) need not keep the arguments where the C prototype
	 * puts them.
	 */
	{ "rx_dev", RX, true, {
		{ TP("net:netif_receive_skb", netlat_tp_rx_dev) },
		{ KP("__netif_receive_skb_core", netlat_h_rx_dev_pskb) },
		{ KP("__netif_receive_skb", netlat_h_rx_dev_skb),
		  KP("netif_receive_skb_list_internal",
		     netlat_h_rx_dev_list) } } },
	/* receive: IP receive, common to ip_rcv and ip_list_rcv */
	{ "rx_ip", RX, true, {
		{ KP("ip_rcv_core", netlat_h_rx_ip_skb) },
		{ KP("ip_rcv", netlat_h_rx_ip_skb),
		  KP("ip_list_rcv", netlat_h_rx_ip_list) } } },
	/* receive, IPv6: common to ipv6_rcv and ipv6_list_rcv */
	{ "rx_ip6", RX, false, {
		{ KP("ip6_rcv_core", netlat_h_rx_ip_skb) },
		{ KP("ipv6_rcv", netlat_h_rx_ip_skb),
		  KP("ipv6_list_rcv", netlat_h_rx_ip_list) } } },
	/*
	 * receive: TCP takes the skb, bound to its socket: directly, via the
	 * backlog, or to a new child socket (first data of a connection).
	 * tcp_v4_rcv, before the socket is found, is not probed: a second
	 * hit per skb that would only move the boundary before the lookup
	 * and the socket's lock (docs/design.md).
	 */
	{ "rx_sock", RX, true, {
		{ KP("tcp_v4_do_rcv", netlat_h_rx_bind),
		  KP("tcp_add_backlog", netlat_h_rx_bind),
		  KP("tcp_child_process", netlat_h_rx_bind_child) } } },
	/* receive, IPv6: TCP binds the skb (backlog and child: rx_sock) */
	{ "rx_sock6", RX, false, {
		{ KP("tcp_v6_do_rcv", netlat_h_rx_bind) } } },
	/*
	 * receive: the reader has copied up to copied_seq.  tcp_cleanup_rbuf
	 * tail-calls __tcp_cleanup_rbuf, which sockmap's reads call directly.
	 */
	{ "rx_user", RX, true, {
		{ KP("__tcp_cleanup_rbuf", netlat_h_rx_copied) },
		{ KP("tcp_cleanup_rbuf", netlat_h_rx_copied) } } },
};

struct netlat_probe netlat_probes[NETLAT_MAX_PROBES];
unsigned int netlat_nr_probes;

/* ---- tracepoints: found by name among the kernel's own ---- */

struct tp_lookup {
	const char *name;	/* the event, without its system */
	struct tracepoint *tp;
};

static void tp_match(struct tracepoint *tp, void *priv)
{
	struct tp_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

/* "system:event" -> the tracepoint, or NULL if this kernel has none. */
static struct tracepoint *tp_find(const char *sym)
{
	const char *colon = strchr(sym, ':');
	struct tp_lookup l = { .name = colon ? colon + 1 : sym };

	for_each_kernel_tracepoint(tp_match, &l);
	return l.tp;
}

static bool is_tracepoint(const struct netlat_sym *s)
{
	return s->tp_func;
}

static int register_one(struct netlat_probe *p, const struct netlat_sym *s)
{
	if (!is_tracepoint(s)) {
		p->kp.symbol_name = s->name;
		p->kp.pre_handler = s->handler;
		return register_kprobe(&p->kp);
	}
	if (!netlat_tracepoints)
		return -ENOENT;
	p->tp = tp_find(s->name);
	if (!p->tp)
		return -ENOENT;
	p->tp_func = s->tp_func;
	/* The callback gets its probe, for the hit count, as its data. */
	return tracepoint_probe_register(p->tp, p->tp_func, p);
}

static void unregister_tracepoints(unsigned int from, unsigned int to)
{
	bool any = false;
	unsigned int i;

	for (i = from; i < to; i++) {
		if (!netlat_probes[i].tp)
			continue;
		tracepoint_probe_unregister(netlat_probes[i].tp,
					    netlat_probes[i].tp_func,
					    &netlat_probes[i]);
		any = true;
	}
	/* No callback of ours runs, or will, once this returns. */
	if (any)
		tracepoint_synchronize_unregister();
}

static void unregister_range(unsigned int from, unsigned int to)
{
	struct kprobe *kps[NETLAT_MAX_PROBES];
	unsigned int i, n = 0;

	for (i = from; i < to; i++)
		if (!netlat_probes[i].tp)
			kps[n++] = &netlat_probes[i].kp;
	if (n)
		unregister_kprobes(kps, n);	/* waits for running handlers */
	unregister_tracepoints(from, to);
}

static int register_alt(const struct netlat_point *pt,
			const struct netlat_sym *alt)
{
	unsigned int first = netlat_nr_probes, i;
	int err = 0;

	for (i = 0; i < NETLAT_ALT_SYMS && alt[i].name; i++) {
		struct netlat_probe *p;

		if (netlat_nr_probes >= NETLAT_MAX_PROBES) {
			err = -ENOSPC;
			break;
		}
		p = &netlat_probes[netlat_nr_probes];
		memset(p, 0, sizeof(*p));
		p->id = netlat_nr_probes;
		p->point = pt->name;
		p->symbol = alt[i].name;
		err = register_one(p, &alt[i]);
		if (err) {
			if (err != -ENOENT)
				pr_warn("%s: %s: cannot probe %s: %d\n",
					KBUILD_MODNAME, pt->name, alt[i].name,
					err);
			p->tp = NULL;
			break;
		}
		netlat_nr_probes++;
	}
	if (err) {
		unregister_range(first, netlat_nr_probes);
		netlat_nr_probes = first;
		return err;
	}
	for (i = first; i < netlat_nr_probes; i++) {
		struct netlat_probe *p = &netlat_probes[i];

		if (p->tp)
			pr_info("%s: %s: tracepoint %s\n", KBUILD_MODNAME,
				pt->name, p->symbol);
		else
			pr_info("%s: %s: %s at %pS, %s-based\n",
				KBUILD_MODNAME, pt->name, p->kp.symbol_name,
				p->kp.addr,
				kprobe_ftrace(&p->kp) ? "ftrace" : "int3");
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
	unregister_range(0, netlat_nr_probes);
	netlat_nr_probes = 0;
}

const char *netlat_probe_kind(struct netlat_probe *p)
{
	if (p->tp)
		return "tracepoint";
	return kprobe_ftrace(&p->kp) ? "ftrace" : "int3";
}

/*
 * Hits the kprobe core skipped since the last reset; a tracepoint skips
 * none.  A lower bound: ftrace's own recursion guard drops a hit without
 * counting it (what the pairing notices is counted as unmatched).
 */
unsigned long netlat_probe_missed(const struct netlat_probe *p)
{
	if (p->tp)
		return 0;
	return READ_ONCE(p->kp.nmissed) - p->missed_base;
}

void netlat_probes_reset_missed(void)
{
	unsigned int i;

	for (i = 0; i < netlat_nr_probes; i++)
		netlat_probes[i].missed_base = READ_ONCE(netlat_probes[i].kp.nmissed);
}
