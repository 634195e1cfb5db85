// SPDX-License-Identifier: GPL-2.0
/*
 * Receive side.  One sample per received data skb (after GRO):
 *
 *   t_dev   device layer hands it up  (__netif_receive_skb_core)  per-CPU
 *   t_ip    IP receive                (ip_rcv_core)               slot,
 *   t_tcp   TCP receive               (tcp_v4_rcv)                by skb
 *           bound to its socket       (tcp_v4_do_rcv / tcp_add_backlog)
 *                                      -> rxseg keyed by (sock, end seq)
 *   t_user  the reader copied its last byte (tcp_cleanup_rbuf, copied_seq)
 *
 * skb->sk cannot key a received packet below TCP (it is NULL or the
 * sender's socket), so until TCP has looked up the socket the key is the
 * skb pointer, and the slot is per CPU: device, IP and TCP receive run in
 * one softirq call chain on one CPU.  From the socket on, the key is the
 * sequence number, and the reader may be on any CPU.
 */
#include <linux/hash.h>
#include <linux/ip.h>
#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <net/tcp.h>
#include "netlat.h"

#define NETLAT_MAX_LIST 256	/* bound on the skbs walked per call */

static struct netlat_rx_slot *rx_slot(struct netlat_cpu *c,
				      const struct sk_buff *skb)
{
	return &c->rx[hash_ptr(skb, ilog2(NETLAT_RX_SLOTS))];
}

/*
 * Is @skb, whose IPv4 header is at offset @nh from skb->data, a TCP
 * segment carrying data (not a SYN) that the port and netns filters let
 * in?  Its sequence number goes to @seq.
 */
static bool rx_data(const struct sk_buff *skb, int nh, u32 *seq)
{
	struct iphdr _iph;
	const struct iphdr *iph;
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int ihl, tot;

	if (skb->protocol != htons(ETH_P_IP) ||
	    (skb->dev && !netlat_net_wanted(dev_net(skb->dev))))
		return false;
	iph = skb_header_pointer(skb, nh, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5 ||
	    iph->protocol != IPPROTO_TCP ||
	    (iph->frag_off & htons(IP_MF | IP_OFFSET)))
		return false;
	ihl = iph->ihl * 4;
	th = skb_header_pointer(skb, nh + ihl, sizeof(_th), &_th);
	if (!th || th->syn || !netlat_ports_wanted(th->source, th->dest))
		return false;
	tot = ntohs(iph->tot_len);
	if (!tot)			/* BIG TCP GRO packet */
		tot = skb->len - nh;
	*seq = ntohl(th->seq);
	return tot > ihl + th->doff * 4;
}

/* A slot is reused: count the stage its previous skb was waiting in. */
static void rx_slot_lost(struct netlat_cpu *c, struct netlat_rx_slot *s)
{
	if (!s->skb)
		return;
	if (s->t_tcp)
		netlat_count(c, NETLAT_C_RX_TCP_USER_UNMATCHED_START);
	else if (s->t_ip)
		netlat_count(c, NETLAT_C_RX_IP_TCP_UNMATCHED_START);
	else
		netlat_count(c, NETLAT_C_RX_DEV_IP_UNMATCHED_START);
	s->skb = NULL;
}

static void rx_dev(struct netlat_cpu *c, struct sk_buff *skb)
{
	struct netlat_rx_slot *s = rx_slot(c, skb);
	u32 seq;

	/* The device layer sees skb->data at the IP header. */
	if (!rx_data(skb, 0, &seq) || !netlat_sampled(c)) {
		if (s->skb == skb)	/* a stale record for a recycled skb */
			rx_slot_lost(c, s);
		return;
	}
	/*
	 * The same pointer with a record past IP is a new skb at the address
	 * of one that never reached its socket: count the old one as lost.
	 * (Before IP, it is the same packet passing again, e.g. via a bridge.)
	 */
	if (s->skb != skb || s->t_ip)
		rx_slot_lost(c, s);
	netlat_count(c, NETLAT_C_RX_SKBS);
	s->skb = skb;
	s->seq = seq;
	s->segs = skb_shinfo(skb)->gso_segs ?: 1;
	s->t_dev = ktime_get_ns();
	s->t_ip = 0;
	s->t_tcp = 0;
}

int netlat_h_rx_dev_pskb(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff **pskb =
		(struct sk_buff **)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);

	if (!c)
		return 0;

	rx_dev(c, *pskb);
	netlat_exit(flags);
	return 0;
}

int netlat_h_rx_dev_skb(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);

	if (!c)
		return 0;

	rx_dev(c, skb);
	netlat_exit(flags);
	return 0;
}

int netlat_h_rx_dev_list(struct kprobe *p, struct pt_regs *regs)
{
	struct list_head *head =
		(struct list_head *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	struct sk_buff *skb;
	unsigned int n = 0;

	if (!c)
		return 0;

	list_for_each_entry(skb, head, list) {
		if (n++ == NETLAT_MAX_LIST)
			break;
		rx_dev(c, skb);
	}
	netlat_exit(flags);
	return 0;
}

static void rx_ip(struct netlat_cpu *c, struct sk_buff *skb)
{
	struct netlat_rx_slot *s = rx_slot(c, skb);
	u32 seq;

	if (s->skb == skb) {
		if (!s->t_ip)
			s->t_ip = ktime_get_ns();
		return;
	}
	/* With sampling, a missing record is most often a skipped skb. */
	if (READ_ONCE(netlat_sample) == 1 && rx_data(skb, 0, &seq))
		netlat_count(c, NETLAT_C_RX_DEV_IP_UNMATCHED_END);
}

int netlat_h_rx_ip_skb(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);

	if (!c)
		return 0;

	rx_ip(c, skb);
	netlat_exit(flags);
	return 0;
}

int netlat_h_rx_ip_list(struct kprobe *p, struct pt_regs *regs)
{
	struct list_head *head =
		(struct list_head *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	struct sk_buff *skb;
	unsigned int n = 0;

	if (!c)
		return 0;

	list_for_each_entry(skb, head, list) {
		if (n++ == NETLAT_MAX_LIST)
			break;
		rx_ip(c, skb);
	}
	netlat_exit(flags);
	return 0;
}

int netlat_h_rx_tcp(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	struct netlat_rx_slot *s;
	u32 seq;

	if (!c)
		return 0;
	s = rx_slot(c, skb);
	if (s->skb == skb) {
		if (!s->t_tcp)
			s->t_tcp = ktime_get_ns();
	} else if (READ_ONCE(netlat_sample) == 1 &&
		   rx_data(skb, skb_network_offset(skb), &seq)) {
		netlat_count(c, NETLAT_C_RX_IP_TCP_UNMATCHED_END);
	}
	netlat_exit(flags);
	return 0;
}

/* tcp_v4_do_rcv(sk, skb) and tcp_add_backlog(sk, skb, ...) */
int netlat_h_rx_bind(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 1);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct netlat_rx_slot *s;
	struct netlat_bucket *bk;
	struct netlat_rxseg *r;
	struct netlat_sock *e;
	unsigned int i;
	u32 len, end;

	if (!c)
		return 0;
	s = rx_slot(c, skb);
	/* No slot: a backlog skb bound already, or one we did not see. */
	if (s->skb != skb || !s->t_tcp)
		goto out;
	s->skb = NULL;
	if (!netlat_sk_wanted(sk))
		goto out;
	if (cb->seq != s->seq || sk->sk_state == TCP_LISTEN) {
		netlat_count(c, NETLAT_C_RX_TCP_USER_UNMATCHED_START);
		goto out;
	}
	len = cb->end_seq - cb->seq - !!(cb->tcp_flags & TCPHDR_FIN);
	end = cb->seq + len;
	if (!len)
		goto out;
	/* A retransmission of data the socket already has. */
	if (!after(end, READ_ONCE(tcp_sk(sk)->rcv_nxt))) {
		netlat_count(c, NETLAT_C_RX_DUPLICATES);
		goto out;
	}
	bk = netlat_bucket_lock(sk);
	e = netlat_sock_find(c, bk, sk, true);
	if (!e)			/* counted as table_full */
		goto unlock;
	/* Same end as a pending record: a resend of data dropped before. */
	for (i = 0; i < e->nrx; i++)
		if (e->rx[i].end == end)
			break;
	if (i == e->nrx) {
		if (e->nrx == NETLAT_RXSEGS) {
			/* Not kept: its read must not count as unmatched. */
			if (!e->rx_drop_valid || after(end, e->rx_drop_end))
				e->rx_drop_end = end;
			e->rx_drop_valid = 1;
			netlat_count(c, NETLAT_C_RING_FULL);
			goto unlock;
		}
		i = e->nrx++;
	} else {
		netlat_count(c, NETLAT_C_RX_DUPLICATES);
	}
	r = &e->rx[i];
	r->seq = cb->seq;
	r->end = end;
	r->segs = s->segs;
	r->t_dev = s->t_dev;
	r->t_ip = s->t_ip;
	r->t_tcp = s->t_tcp;
unlock:
	netlat_bucket_unlock(bk);
out:
	netlat_exit(flags);
	return 0;
}

/*
 * Does every byte in [from, to) lie in a pending record?  Data read
 * without one arrived while our receive probes were not running (a hit
 * the kprobe core dropped and counted in nmissed).
 */
static bool rx_covered(const struct netlat_sock *e, u32 from, u32 to)
{
	unsigned int i, hops = 0;

	while (before(from, to)) {
		for (i = 0; i < e->nrx; i++)
			if (!after(e->rx[i].seq, from) && after(e->rx[i].end, from))
				break;
		if (i == e->nrx || hops++ == e->nrx)
			return false;
		from = e->rx[i].end;
	}
	return true;
}

/* tcp_cleanup_rbuf(sk, copied): copied_seq has moved past what was read. */
int netlat_h_rx_copied(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	int copied = (int)regs_get_kernel_argument(regs, 1);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	unsigned int i, n;
	u32 seq, from;
	u64 now;

	if (!c)
		return 0;

	if (copied <= 0 || !netlat_sk_tcp4(sk))
		goto out;
	seq = READ_ONCE(tcp_sk(sk)->copied_seq);
	now = ktime_get_ns();
	bk = netlat_bucket_lock(sk);
	e = netlat_sock_find(c, bk, sk, false);
	if (!e)
		goto unlock;
	from = e->rx_copied;
	if (e->rx_drop_valid && after(e->rx_drop_end, from))
		from = e->rx_drop_end;	/* not recorded: ring_full */
	/*
	 * A FIN takes one sequence number that no data record covers.  With
	 * sampling, unrecorded data is expected: no check.
	 */
	if (READ_ONCE(netlat_sample) == 1 &&
	    after(seq, from) && !rx_covered(e, from, seq) &&
	    !((READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) &&
	      rx_covered(e, from, seq - 1)))
		netlat_count(c, NETLAT_C_RX_TCP_USER_UNMATCHED_END);
	e->rx_copied = seq;
	for (i = 0, n = 0; i < e->nrx; i++) {
		struct netlat_rxseg *r = &e->rx[i];

		if (after(r->end, seq)) {
			e->rx[n++] = *r;	/* keep: not wholly read yet */
			continue;
		}
		{
			u64 t[4] = { r->t_dev, r->t_ip, r->t_tcp, now };

			netlat_record(c, NETLAT_RX_DEV_IP, t, 4);
			netlat_count_add(c, NETLAT_C_RX_GRO_SEGMENTS, r->segs);
		}
	}
	e->nrx = n;
unlock:
	netlat_bucket_unlock(bk);
out:
	netlat_exit(flags);
	return 0;
}

int netlat_h_sock_destroy(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);

	if (!c)
		return 0;

	netlat_sock_purge(c, sk);
	netlat_exit(flags);
	return 0;
}
