// SPDX-License-Identifier: GPL-2.0
/*
 * The per-socket in-flight state: a fixed-size hash table keyed by the
 * struct sock pointer.  Each bucket holds a few entries and its own lock
 * (see netlat.h for the locking argument).  Nothing is allocated per event:
 * the whole table is allocated at load, sized by the table_size parameter;
 * when a bucket is full, an idle entry (older than expire_ms, aged in
 * jiffies: no clock read per event) is reused,
 * otherwise the event is counted as table_full and dropped.
 *
 * A socket's entry is purged when the kernel destroys the socket
 * (tcp_v4_destroy_sock), because TCP sockets come from a
 * SLAB_TYPESAFE_BY_RCU cache and the same address is immediately reused by
 * the next connection, which must not inherit the old one's state.
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/vmalloc.h>
#include <linux/tcp.h>
#include "netlat.h"

#define NETLAT_WAYS 4

struct netlat_bucket {
	raw_spinlock_t lock;
	const struct sock *key[NETLAT_WAYS];
} ____cacheline_aligned;

static struct netlat_bucket *buckets;
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
	if (!buckets || !entries) {
		vfree(buckets);
		vfree(entries);
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++)
		raw_spin_lock_init(&buckets[i].lock);
	return 0;
}

void netlat_socktab_exit(void)
{
	vfree(entries);
	vfree(buckets);
}

unsigned int netlat_socktab_capacity(void)
{
	return NETLAT_WAYS << bucket_bits;
}

/* Forget every socket (enable after disable): process context. */
void netlat_socktab_flush(void)
{
	unsigned int i, w;

	for (i = 0; i < 1u << bucket_bits; i++) {
		unsigned long flags;

		raw_spin_lock_irqsave(&buckets[i].lock, flags);
		for (w = 0; w < NETLAT_WAYS; w++)
			WRITE_ONCE(buckets[i].key[w], NULL);
		raw_spin_unlock_irqrestore(&buckets[i].lock, flags);
	}
}

/* Racy by design: a gauge for /proc/netlat, not used for decisions. */
unsigned int netlat_socktab_used(void)
{
	unsigned int i, w, n = 0;

	for (i = 0; i < 1u << bucket_bits; i++)
		for (w = 0; w < NETLAT_WAYS; w++)
			n += !!READ_ONCE(buckets[i].key[w]);
	return n;
}

/* Count what an entry still holds as starts that will never see an end. */
static void drop_entry(struct netlat_cpu *c, struct netlat_sock *e)
{
	unsigned int i;

	for (i = 0; i < e->ntx; i++)
		netlat_count(c, NETLAT_C_TX_IP_DEV_UNMATCHED_START);
	for (i = 0; i < e->nrx; i++)
		netlat_count(c, NETLAT_C_RX_TCP_USER_UNMATCHED_START);
	for (i = 0; i < e->nwait; i++)
		netlat_count(c, NETLAT_C_TX_TCP_IP_UNMATCHED_START);
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
 * The entry of @sk in the locked bucket @bk; with @create, a new one if
 * there is none (then @sk must be a full TCP socket).  NULL if there is
 * none, or no room for a new one.
 */
struct netlat_sock *netlat_sock_find(struct netlat_cpu *c,
				     struct netlat_bucket *bk,
				     struct sock *sk, bool create)
{
	struct netlat_sock *e, *base = &entries[(bk - buckets) * NETLAT_WAYS];
	unsigned long now = jiffies;
	unsigned int w, free = NETLAT_WAYS;

	for (w = 0; w < NETLAT_WAYS; w++) {
		if (bk->key[w] == sk) {
			base[w].last_used = now;
			return &base[w];
		}
		if (!bk->key[w] && free == NETLAT_WAYS)
			free = w;
	}
	if (!create)
		return NULL;
	if (free == NETLAT_WAYS) {
		/* Full: reuse the entry idle longest, if idle long enough. */
		free = 0;
		for (w = 1; w < NETLAT_WAYS; w++)
			if (time_before(base[w].last_used, base[free].last_used))
				free = w;
		if (time_before(now, base[free].last_used +
				msecs_to_jiffies(READ_ONCE(netlat_expire_ms)))) {
			netlat_count(c, NETLAT_C_TABLE_FULL);
			return NULL;
		}
		netlat_count(c, NETLAT_C_EXPIRED);
		drop_entry(c, &base[free]);
	}
	e = &base[free];
	/* The rings are only read below their counts: no need to clear them. */
	e->nwait = 0;
	e->ncall = 0;
	e->ntx = 0;
	e->nrx = 0;
	e->tx_ip_valid = 0;
	e->rx_drop_valid = 0;
	/* Data already queued to be read was received before we knew it. */
	e->rx_copied = READ_ONCE(tcp_sk(sk)->rcv_nxt);
	e->last_used = now;
	WRITE_ONCE(bk->key[free], sk);
	return e;
}

/* The socket is being destroyed: forget it.  Called with irqs off. */
void netlat_sock_purge(struct netlat_cpu *c, const struct sock *sk)
{
	struct netlat_bucket *bk = netlat_bucket_lock(sk);
	unsigned int w;

	for (w = 0; w < NETLAT_WAYS; w++) {
		if (bk->key[w] != sk)
			continue;
		drop_entry(c, &entries[(bk - buckets) * NETLAT_WAYS + w]);
		WRITE_ONCE(bk->key[w], NULL);
		netlat_count(c, NETLAT_C_SOCKETS_PURGED);
	}
	netlat_bucket_unlock(bk);
}
