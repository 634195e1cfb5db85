// SPDX-License-Identifier: GPL-2.0
/*
 * Send side.  One sample per new data segment, tied to the send call that
 * queued its last byte:
 *
 *   t_sock  socket layer entry     (security_socket_sendmsg)  per-CPU slot
 *   t_tcp   TCP takes the call     (tcp_sendmsg entry)        -> waiter
 *           socket lock held       (tcp_sendmsg_locked)       -> call @write_seq
 *   t_ip    segment reaches IP     (ip_queue_xmit)            -> txseg
 *   t_dev   driver gets it         (dev_hard_start_xmit)      -> sample
 *
 * Calls are identified by the TCP sequence number at which their bytes
 * start, so several calls coalesced into one segment, one call split into
 * many segments, and segments sent later from an ACK, a timer or the TSQ
 * tasklet on another CPU are all attributed right.  Retransmissions are
 * counted at IP and not sampled.
 */
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <net/tcp.h>
#include "netlat.h"

/* Data bytes of the TCP segment in @skb: [*seq, *end).  False if none. */
static bool tx_segment(const struct sk_buff *skb, u32 *seq, u32 *end)
{
	const struct tcphdr *th;
	int off, len;

	if (!skb_transport_header_was_set(skb))
		return false;
	off = skb_transport_offset(skb);
	if (off < 0 || off + (int)sizeof(*th) > (int)skb_headlen(skb))
		return false;
	th = (const struct tcphdr *)(skb->data + off);
	len = (int)skb->len - off - th->doff * 4;
	if (len <= 0 || th->syn)
		return false;
	*seq = ntohl(th->seq);
	*end = *seq + len;
	return true;
}

int netlat_h_sock_send(struct kprobe *p, struct pt_regs *regs)
{
	struct socket *sock = (struct socket *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	struct sock *sk = sock ? READ_ONCE(sock->sk) : NULL;

	if (!c)
		return 0;

	if (sk && netlat_sk_tcp4(sk) && netlat_sk_wanted(sk)) {
		if (c->send.task)
			netlat_count(c, NETLAT_C_TX_SOCK_TCP_UNMATCHED_START);
		c->send.task = current;
		c->send.sk = sk;
		c->send.t_sock = ktime_get_ns();
	}
	netlat_exit(flags);
	return 0;
}

int netlat_h_tcp_send(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	u64 t_sock = 0, now;

	if (!c)
		return 0;

	if (!netlat_sk_tcp4(sk) || !netlat_sk_wanted(sk))
		goto out;
	if (!netlat_sampled(c)) {
		c->send.task = NULL;
		now = 0;		/* a waiter without t_tcp: skipped */
	} else {
		if (c->send.task == current && c->send.sk == sk)
			t_sock = c->send.t_sock;
		else
			netlat_count(c, NETLAT_C_TX_SOCK_TCP_UNMATCHED_END);
		c->send.task = NULL;
		now = ktime_get_ns();
	}
	bk = netlat_bucket_lock(sk);
	e = netlat_sock_find(c, bk, sk, true);
	if (!e)
		goto unlock;
	if (e->nwait == NETLAT_WAITERS) {
		/* More concurrent senders than slots: forget the oldest. */
		memmove(&e->wait[0], &e->wait[1],
			sizeof(e->wait[0]) * (NETLAT_WAITERS - 1));
		e->nwait--;
		netlat_count(c, NETLAT_C_RING_FULL);
	}
	e->wait[e->nwait].task = current;
	e->wait[e->nwait].t_sock = t_sock;
	e->wait[e->nwait].t_tcp = now;
	e->nwait++;
unlock:
	netlat_bucket_unlock(bk);
out:
	netlat_exit(flags);
	return 0;
}

int netlat_h_tcp_send_locked(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	struct netlat_call call = { };
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	unsigned int i;

	if (!c)
		return 0;

	if (!netlat_sk_tcp4(sk) || !netlat_sk_wanted(sk))
		goto out;
	bk = netlat_bucket_lock(sk);
	e = netlat_sock_find(c, bk, sk, true);
	if (!e)
		goto unlock;
	/* The waiter of this task; none for in-kernel callers (kTLS...). */
	call.kind = NETLAT_CALL_UNKNOWN;
	for (i = 0; i < e->nwait; i++) {
		if (e->wait[i].task != current)
			continue;
		call.kind = e->wait[i].t_tcp ? NETLAT_CALL_STAMPED :
			    NETLAT_CALL_SKIPPED;
		call.t_sock = e->wait[i].t_sock;
		call.t_tcp = e->wait[i].t_tcp;
		e->nwait--;
		memmove(&e->wait[i], &e->wait[i + 1],
			sizeof(e->wait[0]) * (e->nwait - i));
		break;
	}
	/* Under the socket lock: the call's bytes start at write_seq. */
	call.seq = READ_ONCE(tcp_sk(sk)->write_seq);
	if (e->ncall && e->call[e->ncall - 1].seq == call.seq &&
	    e->call[e->ncall - 1].kind != NETLAT_CALL_DROPPED) {
		/* The previous call queued nothing: it has no segment. */
		e->ncall--;
	}
	/*
	 * The last slot is kept for a DROPPED marker: it stands for the bytes
	 * of every call that found the ring full, until there is room again.
	 */
	if (e->ncall && e->call[e->ncall - 1].kind == NETLAT_CALL_DROPPED &&
	    e->ncall == NETLAT_CALLS) {
		netlat_count(c, NETLAT_C_RING_FULL);
		goto unlock;
	}
	if (e->ncall == NETLAT_CALLS - 1) {
		call.kind = NETLAT_CALL_DROPPED;
		netlat_count(c, NETLAT_C_RING_FULL);
	}
	e->call[e->ncall++] = call;
unlock:
	netlat_bucket_unlock(bk);
out:
	netlat_exit(flags);
	return 0;
}

int netlat_h_ip_xmit(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 1);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	struct netlat_txseg *seg;
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	struct netlat_call *call = NULL;
	u32 seq, end;
	u64 now;
	int i;

	if (!c)
		return 0;

	if (!sk || !netlat_sk_tcp4(sk) || !netlat_sk_wanted(sk) ||
	    !tx_segment(skb, &seq, &end))
		goto out;
	/* New data goes out at snd_nxt, which moves on after this call. */
	if (before(seq, READ_ONCE(tcp_sk(sk)->snd_nxt))) {
		netlat_count(c, NETLAT_C_TX_RETRANSMITS);
		goto out;
	}
	now = ktime_get_ns();
	bk = netlat_bucket_lock(sk);
	e = netlat_sock_find(c, bk, sk, false);
	if (!e) {
		netlat_count(c, NETLAT_C_TX_SEGMENTS);
		netlat_count(c, NETLAT_C_TX_TCP_IP_UNMATCHED_END);
		goto unlock;
	}
	if (!e->tx_ip_valid || after(end, e->tx_ip_max))
		e->tx_ip_max = end;
	e->tx_ip_valid = 1;
	/* Calls wholly before this segment are done: new data goes in order. */
	while (e->ncall >= 2 && !after(e->call[1].seq, seq)) {
		e->ncall--;
		memmove(&e->call[0], &e->call[1],
			sizeof(e->call[0]) * e->ncall);
	}
	for (i = e->ncall - 1; i >= 0; i--) {
		if (!after(e->call[i].seq, end - 1)) {
			call = &e->call[i];
			break;
		}
	}
	if (call && call->kind == NETLAT_CALL_SKIPPED)	/* sample=N */
		goto unlock;
	netlat_count(c, NETLAT_C_TX_SEGMENTS);
	if (!call || call->kind == NETLAT_CALL_UNKNOWN) {
		netlat_count(c, NETLAT_C_TX_TCP_IP_UNMATCHED_END);
		goto unlock;
	}
	if (call->kind == NETLAT_CALL_DROPPED)	/* counted as ring_full */
		goto unlock;
	if (e->ntx == NETLAT_TXSEGS) {
		/* The oldest is then ignored at the driver, as a resend is. */
		memmove(&e->tx[0], &e->tx[1],
			sizeof(e->tx[0]) * (NETLAT_TXSEGS - 1));
		e->ntx--;
		netlat_count(c, NETLAT_C_RING_FULL);
	}
	seg = &e->tx[e->ntx++];
	seg->seq = seq;
	seg->end = end;
	seg->t_sock = call->t_sock;
	seg->t_tcp = call->t_tcp;
	seg->t_ip = now;
unlock:
	netlat_bucket_unlock(bk);
out:
	netlat_exit(flags);
	return 0;
}

/* One skb handed to the driver. */
static void tx_dev_skb(struct netlat_cpu *c, struct sk_buff *skb, u64 *now)
{
	struct sock *sk = skb->sk;
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	unsigned int i;
	int nh = skb_network_offset(skb);
	u32 seq, end;

	if (!sk || skb->protocol != htons(ETH_P_IP) || nh < 0 ||
	    nh + (int)sizeof(struct iphdr) > (int)skb_headlen(skb) ||
	    ip_hdr(skb)->protocol != IPPROTO_TCP || !tx_segment(skb, &seq, &end))
		return;
	if (!*now)
		*now = ktime_get_ns();
	/* skb->sk is only a key here: never dereferenced. */
	bk = netlat_bucket_lock(sk);
	e = netlat_sock_find(c, bk, sk, false);
	if (!e)
		goto unlock;
	for (i = 0; i < e->ntx; i++) {
		struct netlat_txseg *seg = &e->tx[i];

		if (seg->end == end) {
			u64 t[4] = { seg->t_sock, seg->t_tcp, seg->t_ip, *now };

			netlat_record(c, NETLAT_TX_SOCK_TCP, t, 4);
			e->ntx--;
			memmove(seg, seg + 1, sizeof(*seg) * (e->ntx - i));
			goto unlock;
		}
		/* A software GSO segment that does not end the original. */
		if (after(end, seg->seq) && before(end, seg->end))
			goto unlock;
	}
	/*
	 * Not pending: a retransmission, a segment counted at IP already, or
	 * one that never passed our IP probe (counted here).
	 */
	if (!e->tx_ip_valid || after(end, e->tx_ip_max))
		netlat_count(c, NETLAT_C_TX_IP_DEV_UNMATCHED_END);
unlock:
	netlat_bucket_unlock(bk);
}

#define NETLAT_MAX_LIST 256	/* bound on the skbs walked per call */

int netlat_h_dev_xmit(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter(p, &flags);
	unsigned int n = 0;
	u64 now = 0;

	if (!c)
		return 0;

	for (; skb && n < NETLAT_MAX_LIST; skb = skb->next, n++)
		tx_dev_skb(c, skb, &now);
	netlat_exit(flags);
	return 0;
}
