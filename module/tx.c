// SPDX-License-Identifier: GPL-2.0
/*
 * Send side.  One sample per new data segment, tied to the send call that
 * queued its last byte:
 *
 *   t_sock  socket layer entry     (security_socket_sendmsg)  -> waiter
 *   t_tcp   TCP holds the socket   (tcp_sendmsg_locked)       -> call @write_seq
 *           lock: the call starts
 *   t_ip    segment reaches IP     (ip_queue_xmit,            -> txseg
 *                                   inet6_csk_xmit)
 *   t_dev   driver gets it         (net_dev_start_xmit)       -> sample
 *
 * Calls are identified by the TCP sequence number at which their bytes
 * start, so several calls coalesced into one segment, one call split into
 * many segments, and segments sent later from an ACK, a timer or the TSQ
 * tasklet on another CPU are all attributed right.  Retransmissions are
 * counted at IP and not sampled.
 *
 * Every path that appends bytes to the write queue has its own call
 * record, so no call is ever credited with another one's bytes: sendmsg
 * (tcp_sendmsg_locked; on 6.12 also sendfile, splice and kTLS), and on
 * 6.1 the sendpage path of sendfile, splice and kTLS (do_tcp_sendpages,
 * one call per page: the pages of one pipe-full form one call, as one
 * sendmsg does on 6.12).  Bytes appended without a send call seen at the
 * socket layer and in TCP (kTLS, in-kernel senders) are counted, not
 * timed.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <net/tcp.h>
#include "netlat.h"

#ifdef MSG_SENDPAGE_NOTLAST
#define NETLAT_HAVE_SENDPAGE	/* gone with sendpage (6.5) */
#else
#define MSG_SENDPAGE_NOTLAST 0
#endif

/*
 * The data bytes of the TCP segment in @skb: [*seq, *end), and whether it
 * is a SYN (whose data, with Fast Open, starts one after its sequence
 * number).  False if it carries no data.
 */
static bool tx_segment(const struct sk_buff *skb, u32 *seq, u32 *end,
		       bool *syn)
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
	*syn = th->syn;
	*seq = ntohl(th->seq) + th->syn;
	*end = *seq + len;
	return len > 0;
}

/*
 * The waiter of the current task on @e, or NULL.  A task has one send
 * call at a time on a socket, so this is its call: a waiter left by an
 * earlier one (a call that never reached TCP) is replaced.
 */
static struct netlat_waiter *waiter_of_current(struct netlat_sock *e)
{
	unsigned int i;

	for (i = 0; i < e->nwait; i++)
		if (e->wait[i].task == current)
			return &e->wait[i];
	return NULL;
}

/*
 * Does a send call on @sk reach TCP's own send (which takes the socket
 * lock and calls tcp_sendmsg_locked or, 6.1, do_tcp_sendpages with the
 * call's bytes)?  Not with a ULP (kTLS) or a sockmap program in between:
 * what TCP then appends is what those make of the call, sent on its
 * behalf, and is counted, not timed.  @page: a sendpage call (6.1).
 */
static bool send_is_tcps(const struct sock *sk, bool page)
{
	const struct proto *prot = READ_ONCE(sk->sk_prot);

#ifdef NETLAT_HAVE_SENDPAGE
	if (page)
		return prot->sendpage == tcp_sendpage;
#endif
	return prot->sendmsg == tcp_sendmsg;
}

/*
 * A new waiter of the current task; the oldest goes if all are in use.
 * @tcps: the socket's send is TCP's own, so the oldest's call will still
 * reach the lock, and find no waiter.
 */
static struct netlat_waiter *waiter_add(struct netlat_sock *e, bool tcps)
{
	if (e->nwait == NETLAT_WAITERS) {
		/* More concurrent senders than slots: forget the oldest. */
		if (tcps && e->wait_lost < U8_MAX)
			e->wait_lost++;	/* its call will find no waiter */
		memmove(&e->wait[0], &e->wait[1],
			sizeof(e->wait[0]) * (NETLAT_WAITERS - 1));
		e->nwait--;
	}
	e->wait[e->nwait].task = current;
	return &e->wait[e->nwait++];
}

/*
 * A send call is timed on an open socket, and on a closed one that it
 * connects (@fastopen: MSG_FASTOPEN).
 */
static bool send_measured(const struct sock *sk, bool fastopen)
{
	return netlat_sk_measured(sk) && (netlat_sk_open(sk) || fastopen);
}

/* A sendmsg call that connects @sk with its data (Fast Open). */
static bool send_connects(const struct sock *sk, const struct msghdr *msg)
{
	return READ_ONCE(sk->sk_state) == TCP_CLOSE && msg &&
	       (msg->msg_flags & MSG_FASTOPEN);
}

/*
 * A send call enters the socket layer.  Its waiter is made here, in the
 * socket's entry and keyed by the task, not in a per-CPU slot: the task
 * may be preempted and move to another CPU before TCP takes the call
 * (PREEMPT_RT preempts anywhere), and another task's call may run on this
 * CPU meanwhile.  @fastopen: see send_measured().
 */
static void sock_send(struct netlat_cpu *c, struct sock *sk, bool fastopen,
		      bool page)
{
	struct netlat_waiter *w;
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	u64 now;

	if (!NETLAT_PROF(FILTER, send_measured(sk, fastopen)))
		return;
	now = NETLAT_PROF(CLOCK, ktime_get_ns());
	bk = NETLAT_PROF(LOCK, netlat_bucket_lock(sk));
	e = NETLAT_PROF(LOOKUP, netlat_sock_find(c, bk, sk, true));
	if (!e)
		goto unlock;
	w = waiter_of_current(e);
	if (!w)
		w = waiter_add(e, send_is_tcps(sk, page));
	else if (w->t_sock >= READ_ONCE(netlat_reset_ns))
		/* this task's last call never reached TCP: a ULP (kTLS) took it */
		netlat_count(c, NETLAT_C_TX_CALLS_WITHOUT_TCP);
	w->t_sock = now;
unlock:
	NETLAT_PROF_VOID(LOCK, netlat_bucket_unlock(bk));
}

/*
 * A send call enters the socket layer: @msg, its message (NULL for a
 * page); @page: a sendpage call (6.1).  It starts a sample: only a
 * connection sampling keeps is looked at.
 */
static __always_inline void sock_send_hit(struct kprobe *p,
					  struct socket *sock,
					  const struct msghdr *msg, bool page)
{
	struct sock *sk = sock ? READ_ONCE(sock->sk) : NULL;
	unsigned long flags;
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, !sk || netlat_sk_kept(sk));
	if (!c)
		return;
	if (sk)
		sock_send(c, sk, NETLAT_PROF(FILTER, send_connects(sk, msg)),
			  page);
	netlat_exit(flags);
}

/* security_socket_sendmsg(sock, msg, size), or a fallback of the same args */
int netlat_h_sock_send(struct kprobe *p, struct pt_regs *regs)
{
	sock_send_hit(p, (struct socket *)regs_get_kernel_argument(regs, 0),
		      (struct msghdr *)regs_get_kernel_argument(regs, 1), false);
	return 0;
}

/* kernel_sendpage(sock, page, offset, size, flags): 6.1 */
int netlat_h_sock_sendpage(struct kprobe *p, struct pt_regs *regs)
{
	sock_send_hit(p, (struct socket *)regs_get_kernel_argument(regs, 0),
		      NULL, true);
	return 0;
}

static struct netlat_call *call_rec(u32 i)
{
	return &netlat_rec(i)->call;
}

/* A record now also stands for bytes up to @end (a later page or call). */
static void call_extend(struct netlat_call *call, u32 end)
{
	if (!call->seq_pending && after(end, call->seq + call->len))
		call->len = end - call->seq;
}

/*
 * No record for a call of @len bytes at @seq (the pool is empty): its
 * bytes are ring_full at IP.  The
 * newest record stands for them, as DROPPED, so that they are credited to
 * no other call; with none, the socket's lost range does.
 */
static void call_lost(struct netlat_sock *e, u32 seq, u32 len)
{
	struct netlat_call *last;

	if (e->calls.n) {
		last = call_rec(e->calls.tail);
		if (!last->seq_pending) {
			last->kind = NETLAT_CALL_DROPPED;
			call_extend(last, seq + len);
		}
		return;
	}
	if (!e->tx_lost_valid)
		e->tx_lost_seq = seq;
	e->tx_lost_end = seq + len;
	e->tx_lost_valid = 1;
}

/*
 * Thinning decides for a timed call (@call, about to be recorded): kept,
 * with its weight, or left out, its segments counted as thinned at IP.
 * The pool's level, more for a socket beyond its share of calls, and the
 * rank its bucket asks of @sk (in @bk, locked) beyond the table's bound.
 */
static void tx_thin(struct netlat_cpu *c, const struct netlat_bucket *bk,
		    const struct sock *sk, struct netlat_sock *e,
		    struct netlat_call *call)
{
	unsigned int level = READ_ONCE(netlat_thin_level) +
			     netlat_share_level(e->calls.n);
	/* @sk has its entry here: at most 7 others, a rank will do */
	unsigned int rank = netlat_bucket_rank(bk, sk);

	if (netlat_sock_ranked(sk, rank) && netlat_thin_keep(c, level))
		call->shift = level + rank;
	else
		call->kind = NETLAT_CALL_THINNED;
}

/*
 * A call none of whose segments will be timed (thinned, not sampled, no
 * send call seen...) whose bytes follow those of the newest record, of
 * the same kind: that record stands for both, the segments of either
 * count alike.  True if merged: nothing more to record.
 */
static bool call_merge(struct netlat_sock *e, const struct netlat_call *call)
{
	struct netlat_call *last;

	if (call->kind == NETLAT_CALL_STAMPED || !e->calls.n ||
	    call->seq_pending)
		return false;
	last = call_rec(e->calls.tail);
	if (last->kind != call->kind || last->seq_pending ||
	    after(call->seq, last->seq + last->len))
		return false;
	call_extend(last, call->seq + call->len);
	return true;
}

/*
 * The call of the current task now holds the socket lock: its waiter
 * becomes a call record starting at write_seq, of at most @size bytes.
 * @page_flags: for a sendpage call, its flags (MSG_SENDPAGE_NOTLAST: more
 * pages of the same splice follow), else 0.
 */
static void tcp_send_locked(struct netlat_cpu *c, struct sock *sk,
			    size_t size, bool page, int page_flags, bool starts)
{
	struct netlat_call call = { .kind = NETLAT_CALL_UNKNOWN };
	bool more = page && (page_flags & MSG_SENDPAGE_NOTLAST);
	struct netlat_call *last;
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	unsigned int i;
	/* Under the socket lock: the call's bytes start at write_seq. */
	u32 seq = READ_ONCE(tcp_sk(sk)->write_seq);
	u32 len = min_t(size_t, size, U32_MAX / 2);
	u64 now;
	u32 r;

	if (!NETLAT_PROF(FILTER, netlat_sk_measured(sk)))
		return;
	now = NETLAT_PROF(CLOCK, ktime_get_ns());
	bk = NETLAT_PROF(LOCK, netlat_bucket_lock(sk));
	/* A Fast Open connect's entry was made at the socket layer. */
	e = NETLAT_PROF(LOOKUP, netlat_sock_find(c, bk, sk,
						 starts && netlat_sk_open(sk)));
	if (!e)
		goto unlock;
	/*
	 * Sampling leaves the connection out now, but calls of it are in
	 * flight: the bytes of a call without a waiter are no sample, and
	 * they must not be credited to the call before them.
	 */
	if (!starts)
		call.kind = NETLAT_CALL_SKIPPED;
	/*
	 * The waiter of this task; none for in-kernel callers, and none to
	 * take for what a ULP (kTLS) sends on behalf of its caller.
	 */
	for (i = 0; i < e->nwait && send_is_tcps(sk, page); i++) {
		if (e->wait[i].task != current)
			continue;
		call.kind = NETLAT_CALL_STAMPED;
		call.t_sock = e->wait[i].t_sock;
		call.t_tcp = now;
		e->nwait--;
		memmove(&e->wait[i], &e->wait[i + 1],
			sizeof(e->wait[0]) * (e->nwait - i));
		break;
	}
	/*
	 * The next page of the splice the last record stands for: its bytes
	 * are that call's.  Any other call in between ended the group.
	 */
	if (page && e->page_more && e->page_task == current) {
		e->page_more = more;
		if (e->calls.n)
			call_extend(call_rec(e->calls.tail), seq + len);
		else if (e->tx_lost_valid)	/* the group's record was lost */
			e->tx_lost_end = seq + len;
		goto unlock;
	}
	e->page_more = more;
	e->page_task = page ? current : NULL;
	if (call.kind != NETLAT_CALL_STAMPED && e->wait_lost) {
		/* Its waiter was pushed out of the full wait ring. */
		e->wait_lost--;
		call.kind = NETLAT_CALL_DROPPED;
	} else if (call.kind == NETLAT_CALL_UNKNOWN && send_is_tcps(sk, page)) {
		/*
		 * TCP's own send, no waiter: a call that did not enter
		 * through the socket layer (or whose hit there was skipped):
		 * tx_sock_tcp.unmatched_end.
		 */
		call.kind = NETLAT_CALL_STAMPED;
		call.t_tcp = now;
	}
	/*
	 * Another sender is waiting for memory or the connection with the
	 * lock released, half-way through its call: its next bytes will
	 * follow this call's, and cannot be told apart from them.
	 */
	if (READ_ONCE(sk->sk_write_pending))
		call.kind = NETLAT_CALL_INTERLEAVED;
	call.seq = seq;
	call.len = len;
	/* Closed: a Fast Open connect, whose ISN is chosen in this call. */
	call.seq_pending = READ_ONCE(sk->sk_state) == TCP_CLOSE;
	/* A Fast Open call that never sent its SYN queued nothing. */
	while (e->calls.n && call_rec(e->calls.tail)->seq_pending)
		NETLAT_PROF_VOID(REC, netlat_list_free(&e->calls, e->calls.tail));
	if (e->calls.n && !call.seq_pending) {
		last = call_rec(e->calls.tail);
		/* The previous call queued nothing: it has no segment. */
		if (last->seq == call.seq && last->kind != NETLAT_CALL_DROPPED)
			NETLAT_PROF_VOID(REC, netlat_list_free(&e->calls,
							       e->calls.tail));
	}
	if (call.kind == NETLAT_CALL_STAMPED)
		NETLAT_PROF_VOID(FILTER, tx_thin(c, bk, sk, e, &call));
	if (call_merge(e, &call))
		goto unlock;
	/* The slow log names the sender of a timed call: the current task. */
	if (call.kind == NETLAT_CALL_STAMPED && netlat_slow_on()) {
		netlat_slow_sender(e, sk);
		call.pid = e->snd_pid;
	}
	r = NETLAT_PROF(REC, netlat_rec_alloc());
	if (r == NETLAT_NIL) {
		if (!call.seq_pending)
			call_lost(e, seq, len);
		goto unlock;
	}
	*call_rec(r) = call;
	NETLAT_PROF_VOID(REC, netlat_list_insert_after(&e->calls,
						       e->calls.tail, r));
unlock:
	NETLAT_PROF_VOID(LOCK, netlat_bucket_unlock(bk));
}

/* tcp_sendmsg_locked(sk, msg, size) */
int netlat_h_tcp_send_locked(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	unsigned int sampling = netlat_sk_sampling(sk);
	unsigned long flags;
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, sampling != NETLAT_LEFT_OUT);
	if (!c)
		return 0;
	tcp_send_locked(c, sk, regs_get_kernel_argument(regs, 2), false, 0,
			sampling == NETLAT_KEPT);
	netlat_exit(flags);
	return 0;
}

/* do_tcp_sendpages(sk, page, offset, size, flags): 6.1, lock held */
int netlat_h_tcp_sendpage_locked(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	int page_flags = (int)regs_get_kernel_argument(regs, 4);
	unsigned int sampling = netlat_sk_sampling(sk);
	unsigned long flags;
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, sampling != NETLAT_LEFT_OUT);
	if (!c)
		return 0;
	tcp_send_locked(c, sk, regs_get_kernel_argument(regs, 3), true,
			page_flags, sampling == NETLAT_KEPT);
	netlat_exit(flags);
	return 0;
}

/*
 * The call that queued byte @last: the newest one starting at or before
 * it.  The calls are in sequence order (only the newest can still wait
 * for its sequence number), and those wholly sent are gone: a walk from
 * the oldest ends after a step or two, however many calls wait.
 */
static struct netlat_call *tx_call_of(struct netlat_sock *e, u32 last)
{
	struct netlat_call *found = NULL;
	u32 i;

	for (i = e->calls.head; i != NETLAT_NIL; i = netlat_rec(i)->next) {
		if (call_rec(i)->seq_pending || after(call_rec(i)->seq, last))
			break;
		found = call_rec(i);
	}
	return found;
}

/*
 * Forget the calls all of whose bytes have reached IP: the segments took
 * their timestamps.  Two records stay as the newest: that of a splice
 * whose next page is still to come (that page's bytes are its call's),
 * and an interleaved call, whose bytes are not contiguous: the sender it
 * interleaved with may append more after them, which are its too.
 */
static void tx_calls_done(struct netlat_sock *e)
{
	struct netlat_call *call;

	if (!e->tx_ip_valid)
		return;
	while (e->calls.n) {
		call = call_rec(e->calls.head);
		if (call->seq_pending ||
		    after(call->seq + call->len, e->tx_ip_max) ||
		    (e->calls.n == 1 &&
		     (e->page_more || call->kind == NETLAT_CALL_INTERLEAVED)))
			break;
		NETLAT_PROF_VOID(REC, netlat_list_free(&e->calls, e->calls.head));
	}
	if (e->tx_lost_valid && !after(e->tx_lost_end, e->tx_ip_max) &&
	    !(!e->calls.n && e->page_more))
		e->tx_lost_valid = 0;
}

/*
 * Why the segment ending with byte @last, of @call, is not timed (a
 * counter); 0: it is; -1: sample=N left its connection out, which
 * counts nothing.
 */
static int tx_untimed(const struct netlat_sock *e,
		      const struct netlat_call *call, u32 last)
{
	/* A call no record was left for, newer than @call. */
	if (e->tx_lost_valid && !before(last, e->tx_lost_seq) &&
	    before(last, e->tx_lost_end) &&
	    (!call || before(call->seq, e->tx_lost_seq)))
		return NETLAT_C_RING_FULL;
	if (call && call->kind == NETLAT_CALL_SKIPPED)
		return -1;
	if (call && call->kind == NETLAT_CALL_THINNED)
		return NETLAT_C_TX_THINNED;
	if (!call || call->kind == NETLAT_CALL_UNKNOWN)
		return NETLAT_C_TX_TCP_IP_UNMATCHED_END;
	if (call->kind == NETLAT_CALL_DROPPED)
		return NETLAT_C_RING_FULL;
	if (call->kind == NETLAT_CALL_INTERLEAVED)
		return NETLAT_C_TX_INTERLEAVED;
	if (!call->t_sock)
		return NETLAT_C_TX_SOCK_TCP_UNMATCHED_END;
	return 0;
}

/*
 * A retransmission of [@seq, @end) at IP: TCP resends nothing that is
 * still queued below it (skb_still_in_host_queue), so a segment of those
 * bytes still pending never reached the driver (a qdisc dropped it).
 * Left pending, it would pair with the resend at the driver and time the
 * retransmission timer as queueing.
 */
static void tx_resent(struct netlat_cpu *c, const struct sock *sk, u32 seq,
		      u32 end)
{
	struct netlat_bucket *bk = NETLAT_PROF(LOCK, netlat_bucket_lock(sk));
	struct netlat_sock *e = NETLAT_PROF(LOOKUP, netlat_sock_lookup(bk, sk));
	u32 i, next;

	if (!e)
		goto unlock;
	for (i = e->tx.head; i != NETLAT_NIL; i = next) {
		const struct netlat_txseg *seg = &netlat_rec(i)->tx;

		next = netlat_rec(i)->next;
		if (!before(seg->seq, end))
			break;
		if (!after(seg->end, seq))
			continue;
		netlat_count(c, NETLAT_C_TX_IP_DEV_UNMATCHED_START);
		NETLAT_PROF_VOID(REC, netlat_list_free(&e->tx, i));
	}
	NETLAT_PROF_VOID(LOOKUP, netlat_sock_release_idle(bk, e));
unlock:
	NETLAT_PROF_VOID(LOCK, netlat_bucket_unlock(bk));
}

/*
 * A segment handed to IP, of a connection sampling lets through.  Not
 * inlined: its frame would cost every call of the handler.
 */
static noinline void tx_ip(struct netlat_cpu *c, struct sock *sk,
			   struct sk_buff *skb, unsigned int sampling)
{
	struct netlat_call *call;
	struct netlat_txseg *seg;
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	unsigned int family, more;
	u32 seq, end, r;
	bool data, syn;
	int why;
	u64 now;

	family = sk ? NETLAT_PROF(FILTER, netlat_sk_measured(sk)) : 0;
	if (!family)
		return;
	data = NETLAT_PROF(PARSE, tx_segment(skb, &seq, &end, &syn));
	if (!data && !syn)
		return;
	/* New data goes out at snd_nxt, which moves on after this call. */
	if (data && before(seq - syn, READ_ONCE(tcp_sk(sk)->snd_nxt))) {
		netlat_count(c, NETLAT_C_TX_RETRANSMITS);
		tx_resent(c, sk, seq, end);
		return;
	}
	bk = NETLAT_PROF(LOCK, netlat_bucket_lock(sk));
	e = NETLAT_PROF(LOOKUP, netlat_sock_find(c, bk, sk, false));
	if (e && syn && e->calls.n && call_rec(e->calls.tail)->seq_pending) {
		/* A Fast Open call's bytes start after the SYN it sends. */
		call_rec(e->calls.tail)->seq = seq;
		call_rec(e->calls.tail)->seq_pending = 0;
	}
	if (!data)
		goto unlock;
	now = NETLAT_PROF(CLOCK, ktime_get_ns());
	if (!e && sampling != NETLAT_KEPT)	/* nothing of it in flight */
		goto unlock;
	if (!e) {
		/* No call of this socket seen: why not, if not a full table? */
		e = NETLAT_PROF(LOOKUP, netlat_sock_find(c, bk, sk,
							 netlat_sk_open(sk)));
		netlat_count_tx_units(c, family, 1);
		netlat_count(c, e || !netlat_sk_open(sk) ?
			     NETLAT_C_TX_TCP_IP_UNMATCHED_END :
			     NETLAT_C_TABLE_FULL);
		if (e) {
			e->tx_ip_max = end;
			e->tx_ip_valid = 1;
		}
		goto unlock;
	}
	if (!e->tx_ip_valid || after(end, e->tx_ip_max))
		e->tx_ip_max = end;
	e->tx_ip_valid = 1;
	/* Calls wholly before this segment are done: new data goes in order. */
	while (e->calls.n >= 2) {
		call = call_rec(netlat_rec(e->calls.head)->next);
		if (call->seq_pending || after(call->seq, seq))
			break;
		NETLAT_PROF_VOID(REC, netlat_list_free(&e->calls, e->calls.head));
	}
	call = tx_call_of(e, end - 1);
	why = tx_untimed(e, call, end - 1);
	if (why < 0)		/* sample=N left it out */
		goto unlock;
	netlat_count_tx_units(c, family, 1);
	if (why) {
		netlat_count(c, why);
		goto unlock;
	}
	/* A socket beyond its share of segments: thinned more. */
	more = NETLAT_PROF(FILTER, netlat_share_level(e->tx.n));
	if (more && !netlat_thin_keep(c, more)) {
		netlat_count(c, NETLAT_C_TX_THINNED);
		goto unlock;
	}
	r = NETLAT_PROF(REC, netlat_rec_alloc());
	if (r == NETLAT_NIL) {
		netlat_count(c, NETLAT_C_RING_FULL);
		goto unlock;
	}
	NETLAT_PROF_VOID(REC, netlat_list_insert_after(&e->tx, e->tx.tail, r));
	seg = &netlat_rec(r)->tx;
	seg->seq = seq;
	seg->end = end;
	seg->t_sock = call->t_sock;
	seg->t_tcp = call->t_tcp;
	seg->t_ip = now;
	seg->shift = call->shift + more;
	seg->pid = call->pid;
unlock:
	if (e) {
		tx_calls_done(e);
		NETLAT_PROF_VOID(LOOKUP, netlat_sock_release_idle(bk, e));
	}
	NETLAT_PROF_VOID(LOCK, netlat_bucket_unlock(bk));
}

/* ip_queue_xmit(sk, skb, fl), or its IPv6 and older peers (probes.c) */
int netlat_h_ip_xmit(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 1);
	unsigned int sampling = sk ? netlat_connected_sk_sampling(sk) :
				     NETLAT_KEPT;
	unsigned long flags;
	struct netlat_cpu *c;

	c = netlat_enter_kept(p, &flags, sampling != NETLAT_LEFT_OUT);
	if (!c)
		return 0;
	tx_ip(c, sk, skb, sampling);
	netlat_exit(flags);
	return 0;
}

/*
 * The IP family of a TCP segment handed to the driver: 4 or 6, 0 if the
 * skb is none.  TCP set its transport header; an IPv6 packet's must be
 * where the walk of its extension headers ends.
 */
static unsigned int tx_dev_family(const struct sk_buff *skb)
{
	int nh = skb_network_offset(skb);

	if (nh < 0 || !skb_transport_header_was_set(skb))
		return 0;
	if (skb->protocol == htons(ETH_P_IP))
		return nh + (int)sizeof(struct iphdr) <= (int)skb_headlen(skb) &&
		       ip_hdr(skb)->protocol == IPPROTO_TCP ? 4 : 0;
	if (skb->protocol == htons(ETH_P_IPV6))
		return netlat_ipv6_tcp_offset(skb, nh) ==
		       skb_transport_offset(skb) ? 6 : 0;
	return 0;
}

/*
 * What sampling makes of the connection of a skb handed to the driver
 * (@sk, its socket): by the socket, as at its other points, so that no
 * header is parsed first.  Only its sock_common is read, as the kernel's
 * own queue choice reads it (netdev_pick_tx): a skb holds its socket (by
 * sk_wmem_alloc or a reference), and a request or timewait socket has
 * those fields too.  A skb with no socket is none netlat times.
 */
static __always_inline unsigned int tx_dev_sampling(const struct sock *sk)
{
	return netlat_connected_sk_sampling(sk);
}

/*
 * One skb handed to the driver, at @now if not 0: the time it read, or
 * @now again (one clock read serves a list).
 */
static u64 tx_dev_skb(struct netlat_cpu *c, const struct sk_buff *skb,
		      u64 now)
{
	const struct sock *sk = skb->sk;
	struct netlat_bucket *bk;
	struct netlat_sock *e;
	unsigned int family;
	u32 i, seq, end;
	bool syn;

	if (!sk)
		return now;
	family = NETLAT_PROF(PARSE, tx_dev_family(skb));
	if (!family || !NETLAT_PROF(PARSE, tx_segment(skb, &seq, &end, &syn)))
		return now;
	if (!now)
		now = NETLAT_PROF(CLOCK, ktime_get_ns());
	/* skb->sk is only a key here, and sampling read its sock_common. */
	bk = NETLAT_PROF(LOCK, netlat_bucket_lock(sk));
	e = NETLAT_PROF(LOOKUP, netlat_sock_lookup(bk, sk));
	if (!e)
		goto unlock;
	for (i = e->tx.head; i != NETLAT_NIL; i = netlat_rec(i)->next) {
		struct netlat_txseg *seg = &netlat_rec(i)->tx;

		if (seg->end == end) {
			u64 t[4] = { seg->t_sock, seg->t_tcp, seg->t_ip, now };

			if (NETLAT_PROF(BIN, netlat_record(c, NETLAT_TX_SOCK_TCP,
							   t, seg->shift)) &&
			    netlat_slow(t, 4))
				netlat_slow_tx(c, e, seg, t, family,
					       skb_shinfo(skb)->gso_segs);
			NETLAT_PROF_VOID(REC, netlat_list_free(&e->tx, i));
			goto unlock;
		}
		/* A software GSO segment that does not end the original. */
		if (after(end, seg->seq) && before(end, seg->end))
			goto unlock;
		/* In sequence order: the rest are all later. */
		if (!after(end, seg->seq))
			break;
	}
	/*
	 * Not pending: a retransmission, a segment counted at IP already, or
	 * data whose IP hit was skipped: first seen here.  That counts once
	 * per contiguous run, however software GSO cut it into skbs.
	 */
	if (!e->tx_ip_valid || after(end, e->tx_ip_max)) {
		if (!e->tx_unseen_valid || seq != e->tx_unseen_end) {
			netlat_count_tx_units(c, family, 1);
			netlat_count(c, NETLAT_C_TX_IP_DEV_UNMATCHED_END);
		}
		e->tx_unseen_end = end;
		e->tx_unseen_valid = 1;
		e->tx_ip_max = end;
		e->tx_ip_valid = 1;
	}
unlock:
	if (e)
		NETLAT_PROF_VOID(LOOKUP, netlat_sock_release_idle(bk, e));
	NETLAT_PROF_VOID(LOCK, netlat_bucket_unlock(bk));
	return now;
}

/* net:net_dev_start_xmit, just before the driver's ndo_start_xmit */
void netlat_tp_dev_xmit(void *data, const struct sk_buff *skb,
			const struct net_device *dev)
{
	unsigned long flags;
	struct netlat_cpu *c;

	if (!skb->sk) {
		netlat_turn_away(data);
		return;
	}
	c = netlat_enter_probe_kept(data, &flags,
				    tx_dev_sampling(skb->sk) != NETLAT_LEFT_OUT);
	if (!c)
		return;
	tx_dev_skb(c, skb, 0);
	netlat_exit(flags);
}

/*
 * dev_hard_start_xmit(first, ...): the kprobe fallback, at the head of
 * the list.  Skbs past the bound stay pending and are counted when their
 * socket's ring pushes them out or the socket goes.
 */
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
		if (skb->sk && tx_dev_sampling(skb->sk) != NETLAT_LEFT_OUT)
			now = tx_dev_skb(c, skb, now);
	netlat_exit(flags);
	return 0;
}
