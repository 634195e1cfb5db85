// SPDX-License-Identifier: GPL-2.0
/*
 * The per-socket in-flight state: a fixed-size hash table keyed by the
 * struct sock pointer.  Each bucket holds a few entries and its own lock
 * (see netlat.h for the locking argument).  Nothing is allocated per event:
 * the whole table is allocated at load, sized by the table_size parameter,
 * and so is the pool its entries take their records from (pool.c).
 * A socket needs its entry only while it has something in flight (a send
 * call whose bytes are not all at IP, a segment between IP and the driver,
 * received data not yet read): the handler that takes its last record
 * marks the entry idle, and a socket that needs a way in a bucket without
 * a free one takes over an idle one, so the table holds the sockets that
 * are busy now, not every socket that ever sent.  An idle entry stays its
 * socket's until then, keeping what tells that socket's missed data (a
 * skipped probe hit) from data received before netlat knew it; a fresh
 * entry re-derives that from the socket (rcv_nxt).  With no idle way
 * either, an entry with nothing done for expire_ms (aged in jiffies: no
 * clock read per event) is reused, otherwise the caller counts its data
 * unit as table_full.  Sockets that hold data a long time would keep
 * their ways, so while the table is crowded a socket's samples are kept
 * by its rank, and a bucket keeps room (netlat_bucket_rank()).
 *
 * An entry belongs to one connection.  TCP sockets come from a
 * SLAB_TYPESAFE_BY_RCU cache: a freed socket's address is reused at once
 * by the next connection, and connect(AF_UNSPEC) makes a live socket
 * another connection.  So an entry is purged when the kernel destroys the
 * socket (the tcp_destroy_sock tracepoint, which unlike a kprobe is never
 * skipped) or disconnects it (tcp_disconnect), and as a backstop every
 * lookup compares the connection's addresses, ports and netns with the
 * ones the entry was made for: on a mismatch the old state is counted and
 * the entry starts afresh.
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>
#include <linux/tcp.h>
#include "netlat.h"

#define NETLAT_WAYS 8

struct netlat_bucket {
	raw_spinlock_t lock;
	u8 idle;		/* bit w: entry w has nothing in flight */
	u8 gone;		/* bit w: entry w's socket went, see purge */
	const struct sock *key[NETLAT_WAYS];
} ____cacheline_aligned;

/* The key of a way whose socket went: never equal to a socket's address. */
#define NETLAT_GONE_KEY(sk)	((const struct sock *)((unsigned long)(sk) | 1))

static struct netlat_bucket *buckets;
unsigned long netlat_rank_seed __read_mostly;
static struct netlat_sock *entries;
static unsigned int bucket_bits;

int netlat_socktab_init(void)
{
	unsigned int nb = roundup_pow_of_two(netlat_table_size) / NETLAT_WAYS;
	unsigned int i;

	if (nb < 1)
		nb = 1;
	bucket_bits = ilog2(nb);
	buckets = vzalloc(array_size(nb, sizeof(*buckets)));
	entries = vzalloc(array3_size(nb, NETLAT_WAYS, sizeof(*entries)));
	if (!buckets || !entries ||
	    netlat_pool_init(nb * NETLAT_WAYS * NETLAT_RECS_PER_SOCKET)) {
		vfree(buckets);
		vfree(entries);
		return -ENOMEM;
	}
	netlat_rank_seed = get_random_long();
	for (i = 0; i < nb; i++)
		raw_spin_lock_init(&buckets[i].lock);
	for (i = 0; i < nb * NETLAT_WAYS; i++) {
		netlat_list_init(&entries[i].calls);
		netlat_list_init(&entries[i].tx);
		netlat_list_init(&entries[i].rx);
		netlat_list_init(&entries[i].reads);
	}
	return 0;
}

void netlat_socktab_exit(void)
{
	netlat_pool_exit();
	vfree(entries);
	vfree(buckets);
	entries = NULL;
	buckets = NULL;		/* for netlat_socktab_finish_reads() */
}

unsigned int netlat_socktab_capacity(void)
{
	return NETLAT_WAYS << bucket_bits;
}

/*
 * Count what an entry still holds as data units that will never be timed:
 * segments between IP and the driver, received data never read.  Waiting
 * senders and calls whose bytes never reached IP are no data units.  Data
 * read is timed first.  Its records go back to the pool, at most *@budget
 * of them (and of the reads' steps); true once all are back.
 */
static bool drop_entry_steps(struct netlat_cpu *c, struct netlat_sock *e,
			     unsigned int *budget)
{
	unsigned int i;

	if (!netlat_rx_drain(c, e, budget))
		return false;
	for (; e->tx.n; (*budget)--) {
		if (!*budget)
			return false;
		netlat_count(c, NETLAT_C_TX_IP_DEV_UNMATCHED_START);
		NETLAT_PROF_VOID(REC, netlat_list_free(&e->tx, e->tx.head));
	}
	for (; e->rx.n; (*budget)--) {
		if (!*budget)
			return false;
		if (!netlat_rec(e->rx.head)->rx.counted)
			netlat_count(c, NETLAT_C_RX_TCP_USER_UNMATCHED_START);
		NETLAT_PROF_VOID(REC, netlat_list_free(&e->rx, e->rx.head));
	}
	for (; e->calls.n; (*budget)--) {
		if (!*budget)
			return false;
		NETLAT_PROF_VOID(REC, netlat_list_free(&e->calls, e->calls.head));
	}
	/* A call still at the socket layer will not reach TCP now: kTLS. */
	for (i = 0; i < e->nwait; i++)
		if (e->wait[i].t_sock >= READ_ONCE(netlat_reset_ns))
			netlat_count(c, NETLAT_C_TX_CALLS_WITHOUT_TCP);
	e->nwait = 0;
	return true;
}

static void drop_entry(struct netlat_cpu *c, struct netlat_sock *e)
{
	unsigned int budget = UINT_MAX;

	drop_entry_steps(c, e, &budget);
}

/*
 * Give back a budget's worth of what the ways of @bk whose sockets went
 * still hold (locked bucket, interrupts off); a way all given back is
 * free again.
 */
static void step_gone(struct netlat_cpu *c, struct netlat_bucket *bk,
		      unsigned int *budget)
{
	unsigned int w;

	for (w = 0; w < NETLAT_WAYS && *budget; w++) {
		if (!(bk->gone & BIT(w)) ||
		    !drop_entry_steps(c, &entries[(bk - buckets) * NETLAT_WAYS + w],
				      budget))
			continue;
		bk->gone &= ~BIT(w);
		WRITE_ONCE(bk->key[w], NULL);
	}
}

/*
 * Forget every socket (enable after disable): process context.  What the
 * entries still held is counted, on this CPU, as when a socket goes.
 */
void netlat_socktab_flush(void)
{
	unsigned int i, w;

	for (i = 0; i < 1u << bucket_bits; i++) {
		unsigned long flags;

		raw_spin_lock_irqsave(&buckets[i].lock, flags);
		for (w = 0; w < NETLAT_WAYS; w++) {
			if (!buckets[i].key[w])
				continue;
			drop_entry(netlat_this_cpu(),
				   &entries[i * NETLAT_WAYS + w]);
			WRITE_ONCE(buckets[i].key[w], NULL);
		}
		WRITE_ONCE(buckets[i].idle, 0);
		buckets[i].gone = 0;
		raw_spin_unlock_irqrestore(&buckets[i].lock, flags);
	}
}

/*
 * Bin what every socket has read, and give back what sockets that went
 * still hold (process context, before a snapshot or a reset),
 * NETLAT_RX_BUDGET steps per lock hold, as a handler would.
 */
void netlat_socktab_finish_reads(void)
{
	unsigned int i, w;

	if (!buckets)		/* not loaded yet, or unloading */
		return;
	for (i = 0; i < 1u << bucket_bits; i++) {
		struct netlat_bucket *bk = &buckets[i];
		unsigned int budget;
		unsigned long flags;

		do {
			budget = NETLAT_RX_BUDGET;
			raw_spin_lock_irqsave(&bk->lock, flags);
			step_gone(netlat_this_cpu(), bk, &budget);
			for (w = 0; w < NETLAT_WAYS && budget; w++) {
				struct netlat_sock *e = &entries[i * NETLAT_WAYS + w];

				if (!bk->key[w] || (bk->gone & BIT(w)) ||
				    !e->reads.n)
					continue;
				if (netlat_rx_drain(netlat_this_cpu(), e, &budget))
					netlat_sock_release_idle(bk, e);
			}
			raw_spin_unlock_irqrestore(&bk->lock, flags);
			cond_resched();
		} while (!budget);
	}
}

/*
 * Sockets with something in flight.  Racy by design: a gauge for
 * /proc/netlat, not used for decisions.
 */
unsigned int netlat_socktab_used(void)
{
	unsigned int i, w, n = 0;

	for (i = 0; i < 1u << bucket_bits; i++) {
		u8 idle = READ_ONCE(buckets[i].idle);

		for (w = 0; w < NETLAT_WAYS; w++)
			n += READ_ONCE(buckets[i].key[w]) && !(idle & BIT(w));
	}
	return n;
}

static void sock_id(struct netlat_sock_id *id, const struct sock *sk)
{
	id->addrs = READ_ONCE(sk->sk_addrpair);
	memset(&id->daddr6, 0, sizeof(id->daddr6));
	memset(&id->saddr6, 0, sizeof(id->saddr6));
#if IS_ENABLED(CONFIG_IPV6)
	/* An IPv6 socket's IPv4 address fields do not tell it apart. */
	if (sk->sk_family == AF_INET6) {
		id->daddr6 = sk->sk_v6_daddr;
		id->saddr6 = sk->sk_v6_rcv_saddr;
	}
#endif
	id->dport = READ_ONCE(sk->sk_dport);
	id->num = READ_ONCE(sk->sk_num);
	id->net = sock_net(sk);
}

/* A fresh entry for @sk: nothing in flight. */
static void init_entry(struct netlat_sock *e, const struct sock *sk,
		       unsigned long now)
{
	/* The lists are empty: a free entry holds no record. */
	e->nwait = 0;
	e->tx_ip_valid = 0;
	e->tx_unseen_valid = 0;
	e->tx_lost_valid = 0;
	e->rx_drop_valid = 0;
	e->page_more = 0;
	e->page_task = NULL;
	e->wait_lost = 0;
	/*
	 * Data already queued to be read was received before we knew it.  A
	 * socket still connecting has no rcv_nxt yet: its first data says.
	 */
	e->rx_copied = READ_ONCE(tcp_sk(sk)->rcv_nxt);
	e->rx_copied_valid = !((1 << READ_ONCE(sk->sk_state)) &
			       (TCPF_SYN_SENT | TCPF_CLOSE));
	e->rx_in_hole = 0;
	e->slow_ident = 0;	/* the slow log's view of it: not taken yet */
	e->snd_pid = 0;
	e->last_used = now;
	sock_id(&e->id, sk);
}

/* Do an IPv6 socket's addresses still match (IPv4: nothing to compare)? */
static bool same_addrs6(const struct netlat_sock_id *id, const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return ipv6_addr_equal(&sk->sk_v6_daddr, &id->daddr6) &&
		       ipv6_addr_equal(&sk->sk_v6_rcv_saddr, &id->saddr6);
#endif
	return true;
}

/*
 * Is @e the entry of the connection @sk is now, as it is?  A closing
 * socket loses its local port (0), which makes it no other connection.
 */
static __always_inline bool same_connection_now(const struct netlat_sock *e,
						const struct sock *sk)
{
	u16 num = READ_ONCE(sk->sk_num);

	return READ_ONCE(sk->sk_addrpair) == e->id.addrs &&
	       READ_ONCE(sk->sk_dport) == e->id.dport &&
	       (num == e->id.num || !num) && sock_net(sk) == e->id.net &&
	       same_addrs6(&e->id, sk);
}

/*
 * Is @e still the entry of the connection @sk is now?  An entry made
 * before its socket had a peer (a Fast Open connect) takes on the first
 * connection it sees.
 */
static bool same_connection(struct netlat_sock *e, const struct sock *sk)
{
	if (likely(same_connection_now(e, sk)))
		return true;
	if (!e->id.dport) {
		sock_id(&e->id, sk);
		return true;
	}
	return false;
}

/* Lock the bucket @sk hashes to; called with irqs off. */
struct netlat_bucket *netlat_bucket_lock(const struct sock *sk)
	__acquires(netlat_bucket)
{
	struct netlat_bucket *bk = &buckets[hash_ptr(sk, bucket_bits)];

	raw_spin_lock(&bk->lock);
	return bk;
}

void netlat_bucket_unlock(struct netlat_bucket *bk)
	__releases(netlat_bucket)
{
	raw_spin_unlock(&bk->lock);
}

/*
 * What netlat_sock_find() does when it cannot take the entry as it is: a
 * bucket holding ways of sockets that went, an entry whose socket is
 * another connection now (or a Fast Open connect's first), no entry.  Not
 * inlined, so that the common case sets up no frame for it.
 */
static noinline struct netlat_sock *sock_find_slow(struct netlat_cpu *c,
						   struct netlat_bucket *bk,
						   struct sock *sk,
						   bool create)
{
	struct netlat_sock *e, *base = &entries[(bk - buckets) * NETLAT_WAYS];
	unsigned long now = jiffies;
	unsigned int w, free = NETLAT_WAYS;

	if (unlikely(bk->gone)) {
		unsigned int budget = NETLAT_RX_BUDGET;

		step_gone(c, bk, &budget);
	}
	for (w = 0; w < NETLAT_WAYS; w++) {
		if (bk->key[w] == sk) {
			e = &base[w];
			if (unlikely(!same_connection(e, sk))) {
				/* A purge was missed: the old state is not ours. */
				netlat_count(c, NETLAT_C_SOCKETS_REUSED);
				drop_entry(c, e);
				init_entry(e, sk, now);
			}
			e->last_used = now;
			bk->idle &= ~BIT(w);
			return e;
		}
		if (!bk->key[w] && free == NETLAT_WAYS)
			free = w;
	}
	if (!create)
		return NULL;
	/* No free way: take over one that holds nothing in flight. */
	if (free == NETLAT_WAYS && bk->idle)
		free = __ffs(bk->idle);
	if (free == NETLAT_WAYS) {
		/* Full: reuse the entry idle longest, if idle long enough. */
		free = 0;
		for (w = 1; w < NETLAT_WAYS; w++)
			if (time_before(base[w].last_used, base[free].last_used))
				free = w;
		if (time_before(now, base[free].last_used +
				msecs_to_jiffies(READ_ONCE(netlat_expire_ms))))
			return NULL;
		netlat_count(c, NETLAT_C_EXPIRED);
		drop_entry(c, &base[free]);
	}
	e = &base[free];
	init_entry(e, sk, now);
	bk->idle &= ~BIT(free);
	bk->gone &= ~BIT(free);
	WRITE_ONCE(bk->key[free], sk);
	return e;
}

/*
 * The entry of @sk in the locked bucket @bk; with @create, a new one if
 * there is none (then @sk must be a full TCP socket).  NULL if there is
 * none, or no room for a new one: the caller counts its data unit.
 */
struct netlat_sock *netlat_sock_find(struct netlat_cpu *c,
				     struct netlat_bucket *bk,
				     struct sock *sk, bool create)
{
	struct netlat_sock *e;
	unsigned int w;

	if (likely(!bk->gone)) {
		for (w = 0; w < NETLAT_WAYS; w++) {
			if (bk->key[w] != sk)
				continue;
			e = &entries[(bk - buckets) * NETLAT_WAYS + w];
			if (unlikely(!same_connection_now(e, sk)))
				break;
			e->last_used = jiffies;
			bk->idle &= ~BIT(w);
			return e;
		}
	}
	return sock_find_slow(c, bk, sk, create);
}

/*
 * The entry keyed @key in the locked bucket @bk, without looking at the
 * socket behind the key (which the caller may not dereference).
 */
struct netlat_sock *netlat_sock_lookup(struct netlat_bucket *bk,
				       const void *key)
{
	unsigned int w;

	for (w = 0; w < NETLAT_WAYS; w++) {
		if (bk->key[w] == key) {
			bk->idle &= ~BIT(w);
			return &entries[(bk - buckets) * NETLAT_WAYS + w];
		}
	}
	return NULL;
}

/*
 * Mark @e, the entry of the locked bucket @bk, idle if nothing of its
 * socket is in flight any more: it stays its socket's (whose next data it
 * still tells from data it missed) until another socket needs the way.
 */
void netlat_sock_release_idle(struct netlat_bucket *bk, struct netlat_sock *e)
{
	unsigned int w = e - &entries[(bk - buckets) * NETLAT_WAYS];

	if (e->nwait || e->calls.n || e->tx.n || e->rx.n || e->reads.n ||
	    e->page_more || e->wait_lost || e->tx_lost_valid)
		return;
	WRITE_ONCE(bk->idle, bk->idle | BIT(w));
}

/*
 * Beyond the table's bound (netlat.h): while the table is crowded (over a
 * quarter of its ways busy, in a sample of buckets looked at once a jiffy
 * at most; under an eighth it is not any more), a new sample of a socket
 * needs a rank that grows with how many ways of its bucket other sockets
 * hold: 0 below half of them, then one more for each way taken beyond, so
 * that a bucket fills ever more slowly and its last way is left to a rare
 * rank.  Only the other sockets count, whose ranks do not depend on this
 * one's: the probability of keeping the sample, 1/2^rank, is known when it
 * is decided, and its weight 2^rank makes up for those left out, as the
 * pool's thinning does.  First come, first served would keep the sockets
 * that came first, and they would hold the table.  A table that is not
 * crowded asks no rank, so a moderate load is timed whole.
 */
#define NETLAT_CROWD_SCAN 32	/* buckets looked at per update */
static bool table_crowded;
static unsigned long crowd_checked;	/* jiffies of the last look */
static unsigned int crowd_next;		/* the next bucket to look at */

static unsigned int bucket_busy(const struct netlat_bucket *bk,
				const struct sock *sk)
{
	u8 idle = READ_ONCE(bk->idle) | READ_ONCE(bk->gone);
	unsigned int w, busy = 0;

	for (w = 0; w < NETLAT_WAYS; w++) {
		const struct sock *key = READ_ONCE(bk->key[w]);

		busy += key && key != sk && !(idle & BIT(w));
	}
	return busy;
}

/*
 * Once a jiffy at most, by the CPU that wins the update: look at a few
 * buckets, without their locks (a gauge), in turn so all over time.
 */
static void crowd_update(void)
{
	unsigned long now = jiffies, last = READ_ONCE(crowd_checked);
	unsigned int i, b, n = min(NETLAT_CROWD_SCAN, 1u << bucket_bits);
	unsigned int busy = 0, ways = n * NETLAT_WAYS;

	if (!time_after(now, last) || cmpxchg(&crowd_checked, last, now) != last)
		return;
	b = READ_ONCE(crowd_next);
	for (i = 0; i < n; i++, b++)
		busy += bucket_busy(&buckets[b & ((1u << bucket_bits) - 1)],
				    NULL);
	WRITE_ONCE(crowd_next, b);
	if (busy * 4 > ways)
		WRITE_ONCE(table_crowded, true);
	else if (busy * 8 < ways)
		WRITE_ONCE(table_crowded, false);
}

unsigned int netlat_bucket_rank(const struct netlat_bucket *bk,
				const struct sock *sk)
{
	static const u8 rank[NETLAT_WAYS + 1] = {
		0, 0, 0, 0, 1, 2, 3, 5, NETLAT_RANK_NONE
	};

	BUILD_BUG_ON(NETLAT_WAYS != 8);
	crowd_update();
	return READ_ONCE(table_crowded) ? rank[bucket_busy(bk, sk)] : 0;
}

/*
 * The socket is being destroyed or disconnected: forget it.  Called with
 * irqs off.
 */
void netlat_sock_purge(struct netlat_cpu *c, const struct sock *sk)
{
	struct netlat_bucket *bk = NETLAT_PROF(LOCK, netlat_bucket_lock(sk));
	unsigned int w;

	for (w = 0; w < NETLAT_WAYS; w++) {
		unsigned int budget = NETLAT_RX_BUDGET;

		if (bk->key[w] != sk)
			continue;
		WRITE_ONCE(bk->idle, bk->idle & ~BIT(w));
		netlat_count(c, NETLAT_C_SOCKETS_PURGED);
		if (drop_entry_steps(c, &entries[(bk - buckets) * NETLAT_WAYS + w],
				     &budget)) {
			WRITE_ONCE(bk->key[w], NULL);
			continue;
		}
		/*
		 * More than a budget left: the way keeps it under a key no
		 * socket has (a new one at this address is another
		 * connection), given back by the bucket's next lookups and
		 * before /proc/netlat is read.
		 */
		WRITE_ONCE(bk->key[w], NETLAT_GONE_KEY(sk));
		bk->gone |= BIT(w);
	}
	NETLAT_PROF_VOID(LOCK, netlat_bucket_unlock(bk));
}

/*
 * tcp_v4_destroy_sock(sk) (the tracepoint's fallback) and
 * tcp_disconnect(sk, flags): the socket goes, or may connect again,
 * elsewhere.
 */
int netlat_h_sock_purge(struct kprobe *p, struct pt_regs *regs)
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

/* tcp:tcp_destroy_sock, at the top of tcp_v4_destroy_sock: irqs on. */
void netlat_tp_sock_destroy(void *data, struct sock *sk)
{
	unsigned long flags;
	struct netlat_cpu *c = netlat_enter_probe(data, &flags);

	if (!c)
		return;
	netlat_sock_purge(c, sk);
	netlat_exit(flags);
}
