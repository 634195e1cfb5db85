// SPDX-License-Identifier: GPL-2.0
/*
 * The slow log: while slow_us is on, every complete sample whose total
 * (first to last timestamp) exceeds it is also written whole to a ring,
 * with its connection, netns, cgroup and process (docs/format.md, "The
 * slow log").  Two files read it, both root only: /proc/netlat_slow, a
 * stream read once like trace_pipe, and /proc/netlat_slow_snapshot, the
 * ring's content as it is, read any number of times.
 *
 * The ring is one array of slow_ring_size records allocated at load;
 * nothing is allocated per sample.  It is global, under a raw spinlock,
 * rather than per CPU: it holds the slow tail of the traffic, rare by
 * design, so the lock is taken once per slow sample only, never per event
 * and never while slow_us is 0, for a copy of one record (112 bytes) with
 * interrupts off; in exchange the stream is one sequence in the order the
 * samples completed, numbered, which a reader can check for gaps, and
 * "read once" holds across CPUs without merging per-CPU rings.  The lock
 * is taken inside a bucket lock (tx.c, rx.c) and alone by readers, never
 * the other way round.
 *
 * A full ring takes the new record and drops the oldest, as trace_pipe
 * does: the snapshot always shows the newest samples.  A record dropped
 * before the stream read it counts in slow_lost, and the stream says so
 * in a "lost" line where the gap is.
 *
 * Readers are woken through an irq_work: a handler may not take a wait
 * queue's lock (a sleeping lock on PREEMPT_RT, where a non-hard irq_work
 * runs in a thread).  It is queued only when a record goes into an empty
 * ring, the only state a reader waits in, and lazy: it runs at the next
 * tick, which batches the wake-ups.
 *
 * The files are in /proc, not debugfs: an open debugfs file pins its
 * module (full_proxy_open takes a module reference), so a reader blocked
 * in the stream would make rmmod fail.  A proc file lets the module go:
 * remove_proc_entry() waits for the calls in progress and releases the
 * open files.  So unload sets slow_going, wakes the readers (a blocked
 * read returns 0, end of file), removes the files, detaches pollers from
 * the wait queue, and only then frees anything.
 */
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include "netlat.h"

/* One sample of the slow log, as the handler that completed it saw it. */
struct netlat_slow_rec {
	u64 t[NETLAT_MAX_STAMPS];	/* its timestamps, CLOCK_MONOTONIC */
	u64 cgroup;			/* cgroup v2 id; 0: unknown */
	struct in6_addr laddr;		/* IPv4: v4-mapped */
	struct in6_addr raddr;
	u32 netns;			/* inode; 0: unknown */
	u32 pid;			/* initial pid namespace; 0: unknown */
	u32 bytes;
	u32 segs;			/* GRO (rx) or GSO (tx) segments */
	u16 lport;
	u16 rport;
	u8 first;			/* its first stage: the direction */
	u8 family;
	u8 shift;			/* weight 1 << shift (thinning) */
	char comm[TASK_COMM_LEN];
};

static struct netlat_slow_rec *ring;
static unsigned int ring_mask;
static DEFINE_RAW_SPINLOCK(slow_lock);
/* Under slow_lock; read without it only to decide whether to wait. */
static u64 slow_head;		/* records ever written: the next one's seq */
static u64 slow_tail;		/* the next one the stream reads */
static u64 slow_unreported;	/* dropped unread since the stream last read */
static bool slow_going;		/* unloading: readers return at once */

static DECLARE_WAIT_QUEUE_HEAD(slow_wq);

static void slow_wake(struct irq_work *work)
{
	wake_up_all(&slow_wq);
}

static struct irq_work slow_work = IRQ_WORK_INIT_LAZY(slow_wake);

unsigned int netlat_slow_capacity(void)
{
	return ring_mask + 1;
}

/*
 * The socket's netns and cgroup, once per entry, while slow_us is on:
 * taken where the socket is at hand, kept in its entry for the handler
 * that completes its samples (which may not look at the socket).
 */
void netlat_slow_sock(struct netlat_sock *e, const struct sock *sk)
{
	if (e->slow_ident)
		return;
	e->slow_netns = sock_net(sk)->ns.inum;
#ifdef CONFIG_SOCK_CGROUP_DATA
	e->slow_cgroup = cgroup_id(sock_cgroup_ptr((struct sock_cgroup_data *)
						   &sk->sk_cgrp_data));
#else
	e->slow_cgroup = 0;
#endif
	e->slow_ident = 1;
}

/*
 * A timed send call of the current task holds the socket lock: it is the
 * socket's newest sender.  Its pid goes with the call's segments; its
 * name stays here, for those segments whose pid it still is.
 */
void netlat_slow_sender(struct netlat_sock *e, const struct sock *sk)
{
	netlat_slow_sock(e, sk);
	e->snd_pid = task_tgid_nr(current);
	/* racy against a rename, as the kernel's own tracepoints copy it */
	memcpy(e->snd_comm, current->comm, TASK_COMM_LEN);
}

/* Irqs off (a handler): the record goes in; the oldest out if full. */
static void slow_push(struct netlat_cpu *c, const struct netlat_slow_rec *rec)
{
	bool lost, wake;

	raw_spin_lock(&slow_lock);
	lost = slow_head - slow_tail > ring_mask;
	if (lost) {
		WRITE_ONCE(slow_tail, slow_tail + 1);
		slow_unreported++;
	}
	wake = slow_head == slow_tail;
	ring[slow_head & ring_mask] = *rec;
	WRITE_ONCE(slow_head, slow_head + 1);
	raw_spin_unlock(&slow_lock);
	netlat_count(c, NETLAT_C_SLOW_LOGGED);
	if (lost)
		netlat_count(c, NETLAT_C_SLOW_LOST);
	if (wake)
		irq_work_queue(&slow_work);
}

/* The connection of @e, as its socket had it when the entry was made. */
static void slow_conn(struct netlat_slow_rec *s, const struct netlat_sock *e,
		      unsigned int family)
{
	__be32 a[2];	/* skc_daddr, skc_rcv_saddr: sk_addrpair */

	if (family == 6) {
		s->laddr = e->id.saddr6;
		s->raddr = e->id.daddr6;
	} else {
		BUILD_BUG_ON(sizeof(a) != sizeof(e->id.addrs));
		memcpy(a, &e->id.addrs, sizeof(a));
		ipv6_addr_set_v4mapped(a[1], &s->laddr);
		ipv6_addr_set_v4mapped(a[0], &s->raddr);
	}
	s->lport = e->id.num;
	s->rport = ntohs(e->id.dport);
	s->family = family;
	s->netns = e->slow_ident ? e->slow_netns : 0;
	s->cgroup = e->slow_ident ? e->slow_cgroup : 0;
}

/*
 * A send sample: @seg with its stamps @t, completed by a skb of @segs
 * GSO segments at the driver.  Under @e's bucket lock.
 */
void netlat_slow_tx(struct netlat_cpu *c, const struct netlat_sock *e,
		    const struct netlat_txseg *seg, const u64 *t,
		    unsigned int family, unsigned int segs)
{
	struct netlat_slow_rec s;

	memcpy(s.t, t, sizeof(s.t));
	slow_conn(&s, e, family);
	s.pid = seg->pid;
	if (seg->pid && seg->pid == e->snd_pid)
		memcpy(s.comm, e->snd_comm, TASK_COMM_LEN);
	else
		s.comm[0] = '\0';	/* another sender's since: unknown */
	s.bytes = seg->end - seg->seq;
	s.segs = segs ?: 1;
	s.first = NETLAT_TX_SOCK_TCP;
	s.shift = seg->shift;
	slow_push(c, &s);
}

/*
 * A receive sample: @r, read by @rd, with its stamps @t.  Under @e's
 * bucket lock.
 */
void netlat_slow_rx(struct netlat_cpu *c, const struct netlat_sock *e,
		    const struct netlat_rxseg *r,
		    const struct netlat_rxread *rd, const u64 *t)
{
	struct netlat_slow_rec s;

	memcpy(s.t, t, sizeof(s.t));
	slow_conn(&s, e, rd->family);
	s.pid = rd->pid;
	if (rd->pid)
		memcpy(s.comm, rd->comm, TASK_COMM_LEN);
	else
		s.comm[0] = '\0';
	s.bytes = r->end - r->seq;
	s.segs = r->segs;
	s.first = NETLAT_RX_DEV_IP;
	s.shift = r->shift;
	slow_push(c, &s);
}

/* ---- the text of a record: one line ---- */

/* A record's longest line (about 540 bytes) and a "lost" line before it */
#define NETLAT_SLOW_LINE 768

struct slow_buf {
	char *p;
	size_t len;
	size_t size;
};

static __printf(2, 3) void put(struct slow_buf *b, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	b->len += vscnprintf(b->p + b->len, b->size - b->len, fmt, args);
	va_end(args);
}

/* An address and port: 192.0.2.1:80, [2001:db8::1]:80 */
static void put_addr(struct slow_buf *b, const struct netlat_slow_rec *s,
		     const struct in6_addr *a, u16 port)
{
	if (s->family == 6)
		put(b, "[%pI6c]:%u", a, port);
	else
		put(b, "%pI4:%u", &a->s6_addr32[3], port);
}

/*
 * The process name, one word: bytes that are not printable ASCII, space
 * and backslash as \ooo, as /proc/netlat writes the host name; unknown is
 * "-", so a name that is "-" is written \055.
 */
static void put_comm(struct slow_buf *b, const char *comm)
{
	unsigned int i;

	if (!comm[0]) {
		put(b, "-");
		return;
	}
	if (comm[0] == '-' && !comm[1]) {
		put(b, "\\055");
		return;
	}
	for (i = 0; i < TASK_COMM_LEN && comm[i]; i++) {
		unsigned char ch = comm[i];

		if (ch <= ' ' || ch >= 0x7f || ch == '\\')
			put(b, "\\%03o", ch);
		else
			put(b, "%c", ch);
	}
}

/*
 * Record @seq as its line into @buf, after a "lost" line if @lost records
 * were dropped unread just before it.  @real: CLOCK_REALTIME minus
 * CLOCK_MONOTONIC now.  Returns the length.
 */
static size_t slow_line(char *buf, size_t size, u64 seq,
			const struct netlat_slow_rec *s, u64 lost, s64 real)
{
	struct slow_buf b = { .p = buf, .size = size };
	unsigned int i, n = NETLAT_MAX_STAMPS;

	if (lost)
		put(&b, "lost %llu\n", lost);
	put(&b, "slow seq %llu time_ns %llu realtime_ns %llu dir %s family %u local ",
	    seq, s->t[n - 1], s->t[n - 1] + real,
	    netlat_stage_info(s->first)->dir, s->family);
	put_addr(&b, s, &s->laddr, s->lport);
	put(&b, " remote ");
	put_addr(&b, s, &s->raddr, s->rport);
	put(&b, " netns %u cgroup %llu pid %u comm ", s->netns, s->cgroup,
	    s->pid);
	put_comm(&b, s->comm);
	put(&b, " bytes %u segs %u weight %llu %s %llu", s->bytes, s->segs,
	    1ULL << s->shift, netlat_stage_info(s->first + n - 1)->name,
	    s->t[n - 1] - s->t[0]);
	for (i = 0; i + 1 < n; i++)
		put(&b, " %s %llu", netlat_stage_info(s->first + i)->name,
		    s->t[i + 1] - s->t[i]);
	put(&b, "\n");
	return b.len;
}

static s64 slow_real_offset(void)
{
	return ktime_get_real_ns() - ktime_get_ns();
}

/* ---- /proc/netlat_slow: the stream ---- */

/* One open file: the line a read left part of. */
struct slow_reader {
	struct mutex lock;	/* one read at a time */
	size_t off;		/* buf[off, len) is still to be read */
	size_t len;
	char buf[NETLAT_SLOW_LINE];
};

static bool slow_ready(void)
{
	return READ_ONCE(slow_going) ||
	       READ_ONCE(slow_head) != READ_ONCE(slow_tail);
}

/* The oldest record the stream has not read, if any: it is read now. */
static bool slow_take(struct netlat_slow_rec *s, u64 *seq, u64 *lost)
{
	unsigned long flags;
	bool got;

	raw_spin_lock_irqsave(&slow_lock, flags);
	got = slow_head != slow_tail;
	if (got) {
		*seq = slow_tail;
		*s = ring[slow_tail & ring_mask];
		WRITE_ONCE(slow_tail, slow_tail + 1);
		*lost = slow_unreported;
		slow_unreported = 0;
	}
	raw_spin_unlock_irqrestore(&slow_lock, flags);
	return got;
}

static int slow_open(struct inode *inode, struct file *file)
{
	struct slow_reader *r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);

	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	file->private_data = r;
	return stream_open(inode, file);
}

static int slow_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/*
 * Whole lines, and the rest of a line a short read left; blocks until a
 * record comes unless something was read or the file is O_NONBLOCK
 * (-EAGAIN).  Returns 0 (end of file) once netlat is going away.
 */
static ssize_t slow_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct slow_reader *r = file->private_data;
	struct netlat_slow_rec s;
	size_t done = 0;
	ssize_t err = 0;
	u64 seq, lost;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	while (done < count) {
		if (r->off < r->len) {
			size_t n = min(count - done, r->len - r->off);

			if (copy_to_user(ubuf + done, r->buf + r->off, n)) {
				err = -EFAULT;
				break;
			}
			r->off += n;
			done += n;
			continue;
		}
		if (slow_take(&s, &seq, &lost)) {
			r->len = slow_line(r->buf, sizeof(r->buf), seq, &s,
					   lost, slow_real_offset());
			r->off = 0;
			continue;
		}
		if (done || READ_ONCE(slow_going))
			break;
		if (file->f_flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		mutex_unlock(&r->lock);
		if (wait_event_interruptible(slow_wq, slow_ready()))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&r->lock))
			return -ERESTARTSYS;
	}
	mutex_unlock(&r->lock);
	return done ? done : err;
}

static __poll_t slow_poll(struct file *file, poll_table *wait)
{
	struct slow_reader *r = file->private_data;

	poll_wait(file, &slow_wq, wait);
	if (READ_ONCE(slow_going))
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	if (slow_ready() || READ_ONCE(r->off) < READ_ONCE(r->len))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static const struct proc_ops slow_proc_ops = {
	.proc_open = slow_open,
	.proc_read = slow_read,
	.proc_poll = slow_poll,
	.proc_release = slow_release,
};

/* ---- /proc/netlat_slow_snapshot: the ring as it is ---- */

/*
 * What the ring held when the file was opened: the records from @first to
 * @end, read in place.  One the writers overwrite before its turn is left
 * out (its seq is missing), so a read takes bounded time however busy the
 * traffic is.
 */
struct slow_snap {
	u64 first;
	u64 end;
	s64 real;
	char buf[NETLAT_SLOW_LINE];
};

static void *snap_start(struct seq_file *m, loff_t *pos)
{
	struct slow_snap *sn = m->private;

	return *pos < sn->end - sn->first ? pos : NULL;
}

static void *snap_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return snap_start(m, pos);
}

static void snap_stop(struct seq_file *m, void *v)
{
}

static int snap_show(struct seq_file *m, void *v)
{
	struct slow_snap *sn = m->private;
	u64 seq = sn->first + *(loff_t *)v;
	struct netlat_slow_rec s;
	unsigned long flags;
	bool there;

	raw_spin_lock_irqsave(&slow_lock, flags);
	there = slow_head - seq <= ring_mask + 1;
	if (there)
		s = ring[seq & ring_mask];
	raw_spin_unlock_irqrestore(&slow_lock, flags);
	if (there)
		seq_write(m, sn->buf, slow_line(sn->buf, sizeof(sn->buf), seq,
						&s, 0, sn->real));
	return 0;
}

static const struct seq_operations snap_ops = {
	.start = snap_start,
	.next = snap_next,
	.stop = snap_stop,
	.show = snap_show,
};

static int snap_open(struct inode *inode, struct file *file)
{
	struct slow_snap *sn = __seq_open_private(file, &snap_ops,
						  sizeof(*sn));
	unsigned long flags;

	if (!sn)
		return -ENOMEM;
	raw_spin_lock_irqsave(&slow_lock, flags);
	sn->end = slow_head;
	sn->first = slow_head - min_t(u64, slow_head, ring_mask + 1);
	raw_spin_unlock_irqrestore(&slow_lock, flags);
	sn->real = slow_real_offset();
	return 0;
}

static const struct proc_ops snap_proc_ops = {
	.proc_open = snap_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release_private,
};

/* ---- load and unload ---- */

int netlat_slow_init(void)
{
	unsigned int n = roundup_pow_of_two(netlat_slow_ring_size);

	/* what docs/parameters.md and the parameter's description say */
	BUILD_BUG_ON(sizeof(struct netlat_slow_rec) != 112);
	ring = vzalloc(array_size(n, sizeof(*ring)));
	if (!ring)
		return -ENOMEM;
	ring_mask = n - 1;
	slow_head = 0;
	slow_tail = 0;
	slow_unreported = 0;
	WRITE_ONCE(slow_going, false);
	if (!proc_create(NETLAT_PROC_SLOW, 0400, NULL, &slow_proc_ops))
		goto fail;
	if (!proc_create(NETLAT_PROC_SLOW_SNAPSHOT, 0400, NULL,
			 &snap_proc_ops)) {
		remove_proc_entry(NETLAT_PROC_SLOW, NULL);
		goto fail;
	}
	return 0;
fail:
	vfree(ring);
	ring = NULL;
	return -ENOMEM;
}

/* True once nothing waits on slow_wq. */
static bool slow_wq_empty(void)
{
	bool empty;

	/* under its lock: a waiter removing itself is done with it */
	spin_lock_irq(&slow_wq.lock);
	empty = list_empty(&slow_wq.head);
	spin_unlock_irq(&slow_wq.lock);
	return empty;
}

/*
 * After the probes are gone (no handler writes or queues the irq_work any
 * more), with readers possibly blocked in the stream or polling it.
 */
void netlat_slow_exit(void)
{
	irq_work_sync(&slow_work);
	/* A blocked read returns, a new one does not block. */
	WRITE_ONCE(slow_going, true);
	wake_up_all(&slow_wq);
	/* Waits for the reads and polls in progress; releases open files. */
	remove_proc_entry(NETLAT_PROC_SLOW, NULL);
	remove_proc_entry(NETLAT_PROC_SLOW_SNAPSHOT, NULL);
	/*
	 * An epoll instance keeps its entry on the wait queue until told the
	 * queue goes (POLLFREE); a poll() or select() caller, woken above,
	 * takes its own off as it returns (the file's poll no longer reaches
	 * here).  Then RCU: epoll may still look at the queue under it.
	 */
	__wake_up(&slow_wq, TASK_NORMAL, 0, poll_to_key(EPOLLHUP | POLLFREE));
	while (!slow_wq_empty())
		schedule_timeout_uninterruptible(1);
	synchronize_rcu();
	vfree(ring);
	ring = NULL;
}
