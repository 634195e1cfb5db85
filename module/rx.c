// SPDX-License-Identifier: GPL-2.0
/*
 * Receive side.  One sample per received data skb (after GRO):
 *
 *   t_dev   device layer hands it up  (netif_receive_skb)  per-CPU
 *   t_ip    IP receive                (ip_rcv_core,        slot,
 *                                      ip6_rcv_core)       by skb
 *   t_tcp   TCP takes it, bound to    (tcp_v4_do_rcv, tcp_v6_do_rcv,
 *           its socket                 tcp_add_backlog, tcp_child_process)
 *                                      -> rxseg keyed by (sock, seq)
 *   t_user  the reader copied its last byte (__tcp_cleanup_rbuf, copied_seq)
 *
 * skb->sk cannot key a received packet below TCP (it is NULL or the
 * sender's socket), so until TCP has looked up the socket the key is the
 * skb pointer, and the slot is per CPU: device, IP and TCP receive run in
 * one softirq call chain on one CPU.  From the socket on, the key is the
 * sequence number, and the reader may be on any CPU.
 *
 * Accounting: the data unit is a data skb TCP gives to its socket,
 * counted in rx_data_skbs there, and its fate exactly once: as a sample
 * when it is read, or as the reason it was not timed.  Data read that was
 * never seen reaching the socket (a skipped probe hit) counts as a unit
 * of its own, once per contiguous range, as seen and not timed.  A skb
 * the stack drops before its socket is no data unit (its retransmission
 * is), and is counted apart (rx_dropped_before_socket).  A record whose
 * fate is counted early (it arrived twice) is kept, marked, until it is
 * read, so that its read counts nothing more.
 */
#include <linux/hash.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <net/tcp.h>
#include "netlat.h"

static struct netlat_rx_set *rx_set(struct netlat_cpu *c,
				    const struct sk_buff *skb)
{
	return &c->rx[hash_ptr(skb, ilog2(NETLAT_RX_SETS))];
}

static int rx_find(const struct netlat_rx_set *set, const struct sk_buff *skb)
{
	int w;

	for (w = 0; w < NETLAT_RX_WAYS; w++)
		if (set->skb[w] == skb)
			return w;
	return -1;
}

/*
 * The TCP header and the offset of the data end of the IPv4 packet at
 * skb->data (where the device and IP layers see it), or NULL if it is no
 * unfragmented TCP segment.
 */
static const struct tcphdr *rx_tcp4(const struct sk_buff *skb,
				    struct tcphdr *buf, int *thoff, int *end)
{
	const struct iphdr *iph;
	struct iphdr _iph;
	unsigned int tot;

	iph = skb_header_pointer(skb, 0, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5 ||
	    iph->protocol != IPPROTO_TCP ||
	    (iph->frag_off & htons(IP_MF | IP_OFFSET)))
		return NULL;
	tot = ntohs(iph->tot_len);
	*thoff = iph->ihl * 4;
	/* tot_len 0: a BIG TCP GRO packet, as long as the skb */
	*end = tot ? (int)tot : (int)skb->len;
	return skb_header_pointer(skb, *thoff, sizeof(*buf), buf);
}

/* The same for IPv6, whose extension headers are walked (ipv6.c). */
static const struct tcphdr *rx_tcp6(const struct sk_buff *skb,
				    struct tcphdr *buf, int *thoff, int *end)
{
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	unsigned int plen;

	*thoff = netlat_ipv6_tcp_offset(skb, 0);
	if (*thoff < 0)
		return NULL;
	ip6h = skb_header_pointer(skb, 0, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return NULL;
	plen = ntohs(ip6h->payload_len);
	/* payload_len 0: a BIG TCP (or jumbo) packet, as long as the skb */
	*end = plen ? (int)sizeof(*ip6h) + (int)plen : (int)skb->len;
	return skb_header_pointer(skb, *thoff, sizeof(*buf), buf);
}

/*
 * Is @skb, its IP header at skb->data, a TCP segment carrying data that
 * the family, port and netns filters let in?  Its
 * sequence number goes to @seq.  A SYN may carry data (Fast Open).
 */
static bool rx_data(const struct sk_buff *skb, u32 *seq)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	int thoff, end;

	if (skb->dev && !netlat_net_wanted(dev_net(skb->dev)))
		return false;
	if (skb->protocol == htons(ETH_P_IP) && netlat_family_wanted(4))
		th = rx_tcp4(skb, &_th, &thoff, &end);
	else if (skb->protocol == htons(ETH_P_IPV6) && netlat_family_wanted(6))
		th = rx_tcp6(skb, &_th, &thoff, &end);
	else
		return false;
	if (!th || !netlat_ports_wanted(th->source, th->dest))
		return false;
	*seq = ntohl(th->seq);
	return end > thoff + th->doff * 4;
}

/*
 * Is the connection of a received packet kept under the N of now (a skb
 * starts a sample here: the previous N is not asked)?  By its headers, at
 * the device layer, interrupts maybe on.  Only a choice of what to look
 * at further: a packet that is no TCP segment may be let through (rx_dev
 * finds it is none), never one of a connection left out.
 */
static noinline bool rx_dev_hash_kept(const struct sk_buff *skb, u32 cut)
{
	const struct tcphdr *th = NULL;
	struct tcphdr _th;
	int thoff, end;
	u32 addrs = 0;

	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph;
		struct iphdr _iph;

		iph = skb_header_pointer(skb, 0, sizeof(_iph), &_iph);
		if (iph) {
			addrs = netlat_addrs4(iph->saddr, iph->daddr);
			th = rx_tcp4(skb, &_th, &thoff, &end);
		}
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h;
		struct ipv6hdr _ip6h;

		ip6h = skb_header_pointer(skb, 0, sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return false;
		addrs = netlat_addrs6(&ip6h->saddr, &ip6h->daddr);
		if (ip6h->nexthdr == IPPROTO_TCP &&
		    skb_headlen(skb) >= sizeof(*ip6h) + sizeof(*th))
			th = (const struct tcphdr *)(skb->data + sizeof(*ip6h));
		else	/* extension headers: walk them */
			th = rx_tcp6(skb, &_th, &thoff, &end);
	}
	return th && netlat_conn_kept(addrs, netlat_ports(th->source, th->dest),
				      cut);
}

/*
 * The same, inline while every connection is kept, and for IPv4 with its
 * headers in the linear part, as a driver or GRO puts them: no call, no
 * copy of a header.
 */
static __always_inline bool rx_dev_kept(const struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	u32 cut = READ_ONCE(netlat_sample_cut);
	const struct tcphdr *th;

	if (likely(!cut))
		return true;
	if (likely(skb->protocol == htons(ETH_P_IP) &&
		   skb_headlen(skb) >= sizeof(*iph) + sizeof(*th) &&
		   skb_headlen(skb) >= iph->ihl * 4 + sizeof(*th))) {
		th = (const struct tcphdr *)(skb->data + iph->ihl * 4);
		return netlat_conn_kept(netlat_addrs4(iph->saddr, iph->daddr),
					netlat_ports(th->source, th->dest),
					cut);
	}
	return rx_dev_hash_kept(skb, cut);
}

/*
 * Has this CPU a slot for @skb?  A look with interrupts on: what an
 * interrupt may change meanwhile is other skbs' slots (or this one's
 * going, which the handler sees again with them off), never this skb
 * getting one.
 */
static __always_inline bool rx_peek(const struct sk_buff *skb)
{
	const struct netlat_rx_set *set;
	int w;

	if (!this_cpu_read(netlat_rx_live))	/* most often, while sampling */
		return false;
	set = rx_set(netlat_this_cpu(), skb);
	for (w = 0; w < NETLAT_RX_WAYS; w++)
		if (READ_ONCE(set->skb[w]) == skb)
			return true;
	return false;
}

/*
 * Past the device layer a skb is measured only if it has a slot; with
 * sampling on, a skb without one is of a connection left out (or was
 * not seen: its read counts it), or bound already (a backlog skb), and
 * is turned away at once.
 */
static __always_inline bool rx_wanted(const struct sk_buff *skb)
{
	return likely(!READ_ONCE(netlat_sample_cut)) || rx_peek(skb);
}

/* Slot @w of @set is free again. */
static void rx_slot_free(struct netlat_rx_set *set, int w)
{
	set->skb[w] = NULL;
	this_cpu_dec(netlat_rx_live);
}

/*
 * A slot's skb is gone without reaching its socket (dropped on the way),
 * counted unless it was seen before the last reset.
 */
static void rx_slot_lost(struct netlat_cpu *c, struct netlat_rx_set *set,
			 int w)
{
	if ((s32)(set->slot[w].gen - c->rx_reset_gen) > 0)
		netlat_count(c, NETLAT_C_RX_DROPPED);
	rx_slot_free(set, w);
}

/*
 * A slot for a new skb: a free way, else the oldest.  A set holds more
 * skbs than one GRO list or NAPI budget puts in it in practice, so the
 * oldest is one whose skb the stack dropped before TCP.
 */
static struct netlat_rx_slot *rx_slot_new(struct netlat_cpu *c,
					  struct netlat_rx_set *set,
					  const struct sk_buff *skb, u32 seq)
{
	struct netlat_rx_slot *s;
	int w, victim = 0;
	u32 age, oldest = 0;

	for (w = 0; w < NETLAT_RX_WAYS; w++) {
		if (!set->skb[w]) {
			victim = w;
			goto fill;
		}
		age = c->rx_gen - set->slot[w].gen;
		if (age >= oldest) {
			oldest = age;
			victim = w;
		}
	}
	rx_slot_lost(c, set, victim);
fill:
	set->skb[victim] = skb;
	this_cpu_inc(netlat_rx_live);
	s = &set->slot[victim];
	s->seq = seq;
	s->segs = skb_shinfo(skb)->gso_segs ?: 1;
	s->gen = ++c->rx_gen;
	s->t_dev = 0;
	s->t_ip = 0;
	s->t_tcp = 0;
	return s;
}

static void rx_dev(struct netlat_cpu *c, struct sk_buff *skb)
{
	struct netlat_rx_set *set = NETLAT_PROF(SLOT, rx_set(c, skb));
	int w = NETLAT_PROF(SLOT, rx_find(set, skb));
	u32 seq = 0;
	/* The device layer sees skb->data at the IP header. */
	bool data = NETLAT_PROF(PARSE, rx_data(skb, &seq));

	if (w >= 0) {
		/* The same packet at the device layer again (a bridge). */
		if (data && !set->slot[w].t_ip && set->slot[w].seq == seq)
			return;
		/* A new skb at the address of one that never got its socket. */
		rx_slot_lost(c, set, w);
	}
	if (!data)
		return;
	NETLAT_PROF(SLOT, rx_slot_new(c, set, skb, seq))->t_dev =
		NETLAT_PROF(CLOCK, ktime_get_ns());
}

/* net:netif_receive_skb, at the top of __netif_receive_skb_core */
void netlat_tp_rx_dev(void *data, struct sk_buff *skb)
{
	unsigned long flags;
	struct netlat_cpu *c;

	/* A skb starts a sample here: only a connection sampling keeps. */
	c = netlat_enter_probe_kept(data, &flags,
				    rx_dev_kept(skb));
	if (!c)
		return;
	rx_dev(c, skb);
	netlat_exit(flags);
}

/* __netif_receive_skb_core(&skb, ...): the kprobe fallback */
int netlat_h_rx_dev_pskb(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff **pskb =
		(struct sk_buff **)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, rx_dev_kept(*pskb));
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
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, rx_dev_kept(skb));
	if (!c)
		return 0;

	rx_dev(c, skb);
	netlat_exit(flags);
	return 0;
}

/*
 * A list entry point.  Skbs past the bound are first seen at IP or TCP,
 * and counted there.
 */
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
		if (rx_dev_kept(skb))
			rx_dev(c, skb);
	}
	netlat_exit(flags);
	return 0;
}

/*
 * A data skb first seen at IP (VLAN-tagged, a skipped probe hit, a list
 * longer than we walk): a record without the stamp it missed, which its
 * read counts as not timed.  One first seen where TCP binds it has no
 * record: its read counts it (rx_hole).  With sampling a missing
 * record is most often a skipped skb: nothing is kept.
 */
static struct netlat_rx_slot *rx_unseen(struct netlat_cpu *c,
					struct netlat_rx_set *set,
					const struct sk_buff *skb)
{
	u32 seq;

	if (READ_ONCE(netlat_sample) != 1 || !rx_data(skb, &seq))
		return NULL;
	return rx_slot_new(c, set, skb, seq);
}

static void rx_ip(struct netlat_cpu *c, struct sk_buff *skb)
{
	struct netlat_rx_set *set = NETLAT_PROF(SLOT, rx_set(c, skb));
	struct netlat_rx_slot *s;
	int w = NETLAT_PROF(SLOT, rx_find(set, skb));

	s = w < 0 ? rx_unseen(c, set, skb) : &set->slot[w];
	if (s && !s->t_ip)
		s->t_ip = NETLAT_PROF(CLOCK, ktime_get_ns());
}

int netlat_h_rx_ip_skb(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, rx_wanted(skb));
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

/* The newest record of @e starting at or before @start, or NIL. */
static u32 rx_keep_pos(const struct netlat_sock *e, u32 start)
{
	u32 i = e->rx.tail;

	while (i != NETLAT_NIL && after(netlat_rec(i)->rx.seq, start))
		i = netlat_rec(i)->prev;
	return i;
}

/* Data below @end may have no record: its read must not count as unmatched. */
static void rx_unrecorded(struct netlat_sock *e, u32 end)
{
	if (!e->rx_drop_valid || after(end, e->rx_drop_end))
		e->rx_drop_end = end;
	e->rx_drop_valid = 1;
}

/*
 * Keep the bytes [start, end) of a data skb until they are read, in
 * sequence order, to be binned with weight 1 << @shift; @shift < 0: it was
 * thinned, and needs no record.  Data beyond rcv_nxt (out of order, or in
 * the backlog) that a retransmission overlaps arrived twice, and which
 * copy TCP kept cannot be told: neither is timed (both count as
 * duplicates), but both stay to cover their bytes.
 * A record overlapping [start, end) starts less than the longest record
 * kept before @end: the walk back from the newest stops there, after a
 * step or two however deep the queue.
 */
static void rx_keep(struct netlat_cpu *c, struct netlat_sock *e, u32 start,
		    u32 end, const struct netlat_rx_slot *s, int shift)
{
	struct netlat_rxseg *r;
	u32 i, counted = 0;

	if (!e->rx.n || after(end - start, e->rx_span))
		e->rx_span = end - start;
	for (i = e->rx.tail; i != NETLAT_NIL; i = netlat_rec(i)->prev) {
		r = &netlat_rec(i)->rx;
		if (!after(r->seq + e->rx_span, start))
			break;
		if (!before(r->seq, end) || !after(r->end, start))
			continue;
		if (!r->counted)
			netlat_count(c, NETLAT_C_RX_DUPLICATES);
		r->counted = 1;
		if (!counted)
			netlat_count(c, NETLAT_C_RX_DUPLICATES);
		counted = 1;
	}
	if (shift < 0 && !counted) {
		netlat_count(c, NETLAT_C_RX_THINNED);
		rx_unrecorded(e, end);
		return;
	}
	i = NETLAT_PROF(REC, netlat_rec_alloc());
	if (i == NETLAT_NIL) {
		rx_unrecorded(e, end);
		if (!counted)
			netlat_count(c, NETLAT_C_RING_FULL);
		return;
	}
	/* In sequence order: after the last record starting before it. */
	NETLAT_PROF_VOID(REC, netlat_list_insert_after(&e->rx,
						       rx_keep_pos(e, start), i));
	r = &netlat_rec(i)->rx;
	r->seq = start;
	r->end = end;
	r->segs = s->segs;
	r->counted = counted;
	r->shift = max(shift, 0);
	r->t_dev = s->t_dev;
	r->t_ip = s->t_ip;
	r->t_tcp = s->t_tcp;
}

/* TCP gives the skb to its socket @sk: from here on (sock, seq) is the key. */
static void rx_bind(struct netlat_cpu *c, struct sock *sk, struct sk_buff *skb)
{
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct netlat_rx_set *set = NETLAT_PROF(SLOT, rx_set(c, skb));
	int w = NETLAT_PROF(SLOT, rx_find(set, skb));
	struct netlat_rx_slot s;
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	u32 start, end, rcv_nxt;
	/* v4-mapped IPv6 sockets get IPv4 packets: family 4 */
	unsigned int family = skb->protocol == htons(ETH_P_IPV6) ? 6 : 4;
	unsigned int level, rank;
	bool open, keep, full;

	/*
	 * No slot: a backlog skb bound already, or one we did not see (its
	 * read counts it).
	 */
	if (w < 0)
		return;
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		/*
		 * Data on a SYN: Fast Open queues it on a new child socket,
		 * out of our sight (counted, not timed).  Other data goes on
		 * to a child through tcp_child_process, or is dropped.
		 */
		if (cb->tcp_flags & TCPHDR_SYN) {
			netlat_count_rx_units(c, family, 1);
			netlat_count(c, NETLAT_C_RX_FASTOPEN_DATA);
			rx_slot_free(set, w);
		}
		return;
	}
	s = set->slot[w];
	/* TCP takes the skb: the end of rx_ip_tcp (docs/design.md) */
	s.t_tcp = NETLAT_PROF(CLOCK, ktime_get_ns());
	start = cb->seq + !!(cb->tcp_flags & TCPHDR_SYN);
	end = cb->end_seq - !!(cb->tcp_flags & TCPHDR_FIN);
	/* Another packet at that address, unseen: its read counts it. */
	if (cb->seq != s.seq || !after(end, start)) {
		rx_slot_lost(c, set, w);
		return;
	}
	/*
	 * A socket the filters leave out (the cgroup filter can only tell
	 * here, by the socket): not ours, no data unit, nothing to count.
	 */
	if (!NETLAT_PROF(FILTER, netlat_sk_wanted(sk))) {
		rx_slot_free(set, w);
		return;
	}
	rx_slot_free(set, w);
	netlat_count_rx_units(c, family, 1);
	/*
	 * Still connecting (data behind the SYN-ACK in the backlog): no
	 * rcv_nxt yet, the data starts the connection's sequence space.
	 */
	rcv_nxt = READ_ONCE(sk->sk_state) == TCP_SYN_SENT ? start :
		  READ_ONCE(tcp_sk(sk)->rcv_nxt);
	/* A retransmission of data the socket already has. */
	if (!after(end, rcv_nxt)) {
		netlat_count(c, NETLAT_C_RX_DUPLICATES);
		return;
	}
	/*
	 * Partly: TCP keeps its copy of the bytes below rcv_nxt (queued, or
	 * read already and waiting to be retired), and this skb brings the
	 * rest.  Those copies are right, and this skb is timed for its own.
	 */
	if (before(start, rcv_nxt))
		start = rcv_nxt;
	open = NETLAT_PROF(FILTER, netlat_sk_open(sk));
	level = READ_ONCE(netlat_thin_level);
	keep = NETLAT_PROF(FILTER, netlat_thin_keep(c, level));
	bk = NETLAT_PROF(LOCK, netlat_bucket_lock(sk));
	/* Beyond the table's bound: the rank the socket's bucket asks. */
	rank = NETLAT_PROF(FILTER, netlat_bucket_rank(bk, sk));
	full = rank == NETLAT_RANK_NONE;
	if (full || !netlat_sock_ranked(sk, rank))
		keep = false;
	else
		level += rank;
	/* A thinned skb needs no entry: without one, no read checks it. */
	e = NETLAT_PROF(LOOKUP, netlat_sock_find(c, bk, sk, open && keep));
	if (e && !e->rx_copied_valid) {
		/* The first data of a socket netlat knew while it connected. */
		e->rx_copied = rcv_nxt;
		e->rx_copied_valid = 1;
	}
	if (e) {
		int shift = keep ? (int)level : -1;

		unsigned int budget = NETLAT_RX_BUDGET;

		/* the socket's earlier reads, a few steps more */
		netlat_rx_drain(c, e, &budget);

		/*
		 * A socket deeper than its share is thinned one more level
		 * per doubling: its reads and its purge stay short, and the
		 * weights keep its histogram true.
		 */
		if (keep && NETLAT_PROF(FILTER, netlat_share_level(e->rx.n))) {
			unsigned int more = netlat_share_level(e->rx.n);

			if (!netlat_thin_keep(c, more))
				shift = -1;
			else
				shift += more;
		}
		rx_keep(c, e, start, end, &s, shift);
		NETLAT_PROF_VOID(LOOKUP, netlat_sock_release_idle(bk, e));
	} else if (!keep && !full) {
		netlat_count(c, NETLAT_C_RX_THINNED);
	} else {	/* no room, or a closing socket: nobody reads it */
		netlat_count(c, open ? NETLAT_C_TABLE_FULL :
			     NETLAT_C_RX_TCP_USER_UNMATCHED_START);
	}
	NETLAT_PROF_VOID(LOCK, netlat_bucket_unlock(bk));
}

/*
 * tcp_v4_do_rcv(sk, skb), tcp_v6_do_rcv(sk, skb), tcp_add_backlog(sk, skb,
 * ...).  tcp_v6_do_rcv calls tcp_v4_do_rcv for a v4-mapped socket's
 * packet: the first bind freed the slot, the second finds none.
 */
int netlat_h_rx_bind(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 1);
	unsigned long flags;
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, rx_wanted(skb));
	if (!c)
		return 0;
	rx_bind(c, sk, skb);
	netlat_exit(flags);
	return 0;
}

/*
 * tcp_child_process(parent, child, skb): the first data on a new
 * connection (TCP_DEFER_ACCEPT, data with the handshake's last ACK) goes
 * to the child socket without passing tcp_v4_do_rcv.
 */
int netlat_h_rx_bind_child(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *child = (struct sock *)regs_get_kernel_argument(regs, 1);
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 2);
	unsigned long flags;
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, rx_wanted(skb));
	if (!c)
		return 0;
	rx_bind(c, child, skb);
	netlat_exit(flags);
	return 0;
}

/* A record of @e wholly read by @rd: a sample, or the reason it is none. */
static void rx_retire(struct netlat_cpu *c, const struct netlat_sock *e,
		      const struct netlat_rxseg *r,
		      const struct netlat_rxread *rd)
{
	u64 t[4] = { r->t_dev, r->t_ip, r->t_tcp, rd->t };

	if (r->counted)
		return;
	if (!r->t_dev) {	/* first seen past the device layer */
		netlat_count(c, NETLAT_C_RX_DEV_IP_UNMATCHED_END);
	} else if (!r->t_ip) {	/* its IP receive hit was skipped */
		netlat_count(c, NETLAT_C_RX_IP_TCP_UNMATCHED_END);
	} else {
		if (NETLAT_PROF(BIN, netlat_record(c, NETLAT_RX_DEV_IP, t,
						   r->shift)) &&
		    netlat_slow(t, 4))
			netlat_slow_rx(c, e, r, rd, t);
		netlat_count_add(c, NETLAT_C_RX_GRO_SEGMENTS, r->segs);
	}
}

/* Data the read @rd took that no record covers: one unit, once per range. */
static void rx_hole(struct netlat_cpu *c, struct netlat_sock *e,
		    const struct netlat_rxread *rd)
{
	if (rd->check && !e->rx_in_hole) {
		netlat_count_rx_units(c, rd->family, 1);
		netlat_count(c, NETLAT_C_RX_TCP_USER_UNMATCHED_END);
	}
}

/*
 * One step of the oldest unfinished read @rd of @e: retire the oldest
 * record it read wholly, or finish it.  Returns true once it is finished.
 * While it is open, e->rx_copied is how far it got: the bytes below are
 * either in a record or counted.  Bytes read that no record covers
 * arrived unseen (a skipped probe hit): each such range counts once, even
 * across reads (rx_in_hole).
 */
static bool rx_read_step(struct netlat_cpu *c, struct netlat_sock *e,
			 const struct netlat_rxread *rd)
{
	u32 i = e->rx.head;
	struct netlat_rxseg *r = i == NETLAT_NIL ? NULL : &netlat_rec(i)->rx;
	bool ends_in_hole = false;

	if (!e->rx_read_open) {
		e->rx_read_open = 1;
		if (e->rx_drop_valid && after(e->rx_drop_end, e->rx_copied)) {
			e->rx_copied = e->rx_drop_end;	/* ring_full */
			e->rx_in_hole = 0;
		}
	}
	if (r && before(r->seq, rd->seq)) {
		if (before(e->rx_copied, r->seq))
			rx_hole(c, e, rd);
		e->rx_in_hole = 0;
		if (after(r->end, e->rx_copied))
			e->rx_copied = r->end;
		if (!after(r->end, rd->seq)) {
			rx_retire(c, e, r, rd);
			NETLAT_PROF_VOID(REC, netlat_list_free(&e->rx, i));
			return false;
		}
		/*
		 * Read in part: it stays, and what follows it below rd->seq
		 * overlaps it (duplicates, retired with it, untimed).
		 */
	} else if (before(e->rx_copied, rd->seq)) {
		/* A FIN takes one sequence number that no record covers. */
		if (r || rd->seq - e->rx_copied != 1 || !rd->fin) {
			rx_hole(c, e, rd);
			/*
			 * Where skbs never seen began and ended is unknown:
			 * the next read goes on with this one's unit only if
			 * it stopped inside a skb.
			 */
			ends_in_hole = rd->mid_skb;
		}
	}
	e->rx_in_hole = ends_in_hole;
	e->rx_copied = rd->seq;
	e->rx_read_open = 0;
	/* All read past it: a stale end would wrap in 2 GB and excuse again. */
	if (e->rx_drop_valid && !after(e->rx_drop_end, rd->seq))
		e->rx_drop_valid = 0;
	return true;
}

/*
 * Finish the reads of @e, oldest first, in at most *@budget steps; true if
 * none is left.  Each read's records are binned at its time, whenever the
 * step comes: at the read, at the socket's next skb or read, when
 * /proc/netlat is read, as the entry is given back (socktab.c).
 */
bool netlat_rx_drain(struct netlat_cpu *c, struct netlat_sock *e,
		     unsigned int *budget)
{
	while (e->reads.head != NETLAT_NIL) {
		if (!*budget)
			return false;
		(*budget)--;
		if (rx_read_step(c, e, &netlat_rec(e->reads.head)->read))
			NETLAT_PROF_VOID(REC, netlat_list_free(&e->reads,
							       e->reads.head));
	}
	return true;
}

/*
 * A read of a connection sampling lets through, that copied something.
 * Not inlined: its frame would cost every call of the handler, a third
 * of which return at once.
 */
static noinline void rx_read(struct netlat_cpu *c, struct sock *sk,
			     unsigned int sampling)
{
	unsigned int budget = NETLAT_RX_BUDGET;
	struct netlat_rxread rd;
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	struct sk_buff *skb;
	u32 i;

	rd.family = NETLAT_PROF(FILTER, netlat_sk_family(sk));
	if (!rd.family)
		return;
	rd.seq = READ_ONCE(tcp_sk(sk)->copied_seq);
	rd.t = NETLAT_PROF(CLOCK, ktime_get_ns());
	/*
	 * The slow log names the reader: the task reading, unless this is
	 * no task's read (a softirq consumer: kTLS, sockmap).
	 */
	rd.pid = 0;
	rd.comm[0] = '\0';
	if (netlat_slow_on() && in_task()) {
		rd.pid = task_tgid_nr(current);
		/* racy against a rename, as the kernel's tracepoints copy it */
		memcpy(rd.comm, current->comm, TASK_COMM_LEN);
	}
	bk = NETLAT_PROF(LOCK, netlat_bucket_lock(sk));
	e = NETLAT_PROF(LOOKUP, netlat_sock_find(c, bk, sk, false));
	if (!e)
		goto unlock;
	if (!e->rx_copied_valid) {	/* nothing received since it connected */
		e->rx_copied = rd.seq;
		e->rx_copied_valid = 1;
	}
	if (netlat_slow_on())
		netlat_slow_sock(e, sk);
	rd.fin = !!(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN);
	/* The reader holds the socket: its receive queue stands still. */
	skb = skb_peek(&sk->sk_receive_queue);
	rd.mid_skb = skb && before(TCP_SKB_CB(skb)->seq, rd.seq) &&
		     after(TCP_SKB_CB(skb)->end_seq, rd.seq);
	/*
	 * Every skb of a connection sampling keeps is seen; one it only
	 * finishes has data never recorded, which is no unit.
	 */
	rd.check = sampling == NETLAT_KEPT;
	if (netlat_rx_drain(c, e, &budget))
		while (budget--)
			if (rx_read_step(c, e, &rd))
				goto done;
	i = NETLAT_PROF(REC, netlat_rec_alloc());
	if (i != NETLAT_NIL) {
		NETLAT_PROF_VOID(REC, netlat_list_insert_after(&e->reads,
							       e->reads.tail, i));
		netlat_rec(i)->read = rd;
	} else {
		/* No record to queue it on (the pool is empty): finish now. */
		budget = UINT_MAX;
		netlat_rx_drain(c, e, &budget);
		while (!rx_read_step(c, e, &rd))
			;
	}
done:
	NETLAT_PROF_VOID(LOOKUP, netlat_sock_release_idle(bk, e));
unlock:
	NETLAT_PROF_VOID(LOCK, netlat_bucket_unlock(bk));
}

/*
 * __tcp_cleanup_rbuf(sk, copied): copied_seq has moved past what was
 * read.  Every record wholly below it is a sample (or was counted): at
 * most NETLAT_RX_BUDGET steps of that now; the rest, with this read's
 * time, is queued on the entry as a read record.
 */
int netlat_h_rx_copied(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	int copied = (int)regs_get_kernel_argument(regs, 1);
	unsigned int sampling;
	unsigned long flags;
	struct netlat_cpu *c;

	/* A read that is about to wait has copied nothing yet. */
	if (copied <= 0) {
		netlat_turn_away(container_of(p, struct netlat_probe, kp));
		return 0;
	}
	sampling = netlat_connected_sk_sampling(sk);
	c = netlat_enter_kept(p, &flags, sampling != NETLAT_LEFT_OUT);
	if (!c)
		return 0;
	rx_read(c, sk, sampling);
	netlat_exit(flags);
	return 0;
}
