/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netlat internals shared by the module's files.
 *
 * Concurrency model (the argument every handler relies on):
 *
 *  - Every handler runs its whole body with local interrupts off
 *    (netlat_enter()/netlat_exit()).  Function-entry kprobes are
 *    ftrace-based and start with preemption off but interrupts on, and so
 *    do tracepoint callbacks; without this an interrupt, and the softirq
 *    run at its exit, could enter the network stack and our handlers while
 *    a process-context handler is half-way through per-CPU or per-socket
 *    state.  With interrupts off nothing of ours nests on a CPU: kprobes
 *    hit from inside a handler are dropped by the kprobe core (and counted
 *    in their nmissed); tracepoints are not hit from inside a handler.
 *    netlat registers no kretprobes, whose return handlers would nest.
 *    None of the probed points runs in NMI context.
 *
 *  - Per-CPU data (struct netlat_cpu) is only written by its own CPU, from
 *    handlers, i.e. with interrupts off, or while that CPU is offline.
 *    Readers on other CPUs copy the stage statistics under the per-CPU
 *    seqcount (which only binning a sample moves), and the counters one
 *    word at a time; reset runs on each online CPU in IPI context, where
 *    it cannot interleave with a handler.
 *
 *  - Per-socket state lives in a hash table (socktab.c) shared by all
 *    CPUs, because the stages of one sample run on different CPUs (ACK
 *    softirq, TSQ tasklet, qdisc run, a reader on another CPU).  Each
 *    bucket has its own raw spinlock, taken with interrupts already off;
 *    no lock is held across buckets and no global lock or shared atomic
 *    is touched per event.
 */
#ifndef NETLAT_H
#define NETLAT_H

#include <linux/bitops.h>
#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <net/ipv6.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <netlat/format.h>
#include <netlat/hist.h>

struct sk_buff;
struct sock;
struct task_struct;

/* ---- configuration (config.c) ---- */
#define NETLAT_DIR_TX 1
#define NETLAT_DIR_RX 2

extern unsigned int netlat_table_size;
extern unsigned int netlat_expire_ms;
extern unsigned int netlat_sample;
extern unsigned int netlat_netns;
extern unsigned int netlat_directions;
extern unsigned int netlat_family;	/* 0: both, 4 or 6 */
extern int netlat_enabled;
extern unsigned int netlat_slow_us;	/* 0: no slow log */
extern unsigned int netlat_slow_ring_size;
extern unsigned long __rcu *netlat_port_map;
extern struct cgroup __rcu *netlat_cgroup;	/* NULL: all */

struct seq_file;
int netlat_config_show(struct seq_file *m);
void netlat_filters_show(struct seq_file *m, const char *prefix);

/* Handlers run with preemption off: an RCU-sched read side. */
static inline bool netlat_ports_wanted(__be16 a, __be16 b)
{
	unsigned long *map = rcu_dereference_sched(netlat_port_map);

	return !map || test_bit(ntohs(a), map) || test_bit(ntohs(b), map);
}

static inline bool netlat_net_wanted(const struct net *net)
{
	unsigned int ns = READ_ONCE(netlat_netns);

	return !ns || net->ns.inum == ns;
}

static inline bool netlat_family_wanted(unsigned int family)
{
	unsigned int f = READ_ONCE(netlat_family);

	return !f || f == family;
}

/*
 * Is @sk in the cgroup of the cgroup= filter, or below it?  A socket's
 * cgroup (v2) is the one of the task that made it, kept in sk_cgrp_data
 * with a reference for the socket's life: a pointer walk with no lock,
 * safe in any context.  Never current's: in softirq, current is anyone.
 * The filter's own cgroup is pinned while it is published (config.c).
 */
static inline bool netlat_cgroup_wanted(const struct sock *sk)
{
#ifdef CONFIG_SOCK_CGROUP_DATA
	struct cgroup *want = rcu_dereference_sched(netlat_cgroup);
	struct sock_cgroup_data *skcd = (struct sock_cgroup_data *)&sk->sk_cgrp_data;

	return !want || cgroup_is_descendant(sock_cgroup_ptr(skcd), want);
#else
	return true;
#endif
}

/* Does the port, netns and cgroup filter let this socket's traffic in? */
static inline bool netlat_sk_wanted(const struct sock *sk)
{
	return netlat_net_wanted(sock_net(sk)) &&
	       netlat_ports_wanted(inet_sk(sk)->inet_sport, sk->sk_dport) &&
	       netlat_cgroup_wanted(sk);
}

/* ---- statistics (stats.c) ---- */

struct netlat_stage_stats {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
	u64 bucket[NETLAT_HIST_BUCKETS];
};

struct netlat_stats {
	struct netlat_stage_stats stage[NETLAT_NR_STAGES];
	u64 counter[NETLAT_NR_COUNTERS];
};

/*
 * One direction's stages as a CPU bins them, cheaper to write than
 * struct netlat_stage_stats: a sample bins every stage of its direction,
 * its total included, with one weight, so the stages share one count; and
 * the total's sum is its legs' sums added (each delta shifted by the same
 * weight, modulo 2^64 too), so it is not kept.  min is U64_MAX while count
 * is 0.  Turned into struct netlat_stage_stats when read (stats.c).
 */
#define NETLAT_DIR_STAGES	4	/* 3 legs, then the total */
#define NETLAT_DIR_LEGS		(NETLAT_DIR_STAGES - 1)
#define NETLAT_NR_DIRS		(NETLAT_NR_STAGES / NETLAT_DIR_STAGES)

struct netlat_dir_bins {
	u64 count;			/* every stage's */
	u64 sum[NETLAT_DIR_LEGS];	/* the legs': the total's is theirs */
	u64 min[NETLAT_DIR_STAGES];
	u64 max[NETLAT_DIR_STAGES];
	u64 bucket[NETLAT_DIR_STAGES][NETLAT_HIST_BUCKETS];
};

/*
 * A received data skb between the device layer and the point where TCP
 * binds it to a socket.  These stages run back to back in one softirq (or
 * busy-poll) call chain on one CPU, so the record is per CPU, keyed by the
 * skb pointer, in a set-associative table: a GRO list or a NAPI budget
 * puts up to NETLAT_MAX_LIST skbs between the device layer and TCP at
 * once, and none of them may push another one out.
 */
struct netlat_rx_slot {
	u32 seq;
	u32 segs;
	u32 gen;		/* netlat_cpu.rx_gen when it was filled */
	u64 t_dev;
	u64 t_ip;
	u64 t_tcp;
};

#define NETLAT_RX_WAYS	8
#define NETLAT_RX_SETS	64	/* power of two */
#define NETLAT_MAX_LIST	256	/* bound on the skbs walked per list */

struct netlat_rx_set {
	const struct sk_buff *skb[NETLAT_RX_WAYS];	/* NULL: free */
	struct netlat_rx_slot slot[NETLAT_RX_WAYS];
};

#define NETLAT_MAX_PROBES 32

struct netlat_cpu {
	seqcount_t seq;			/* the bins; writers: this CPU */
	struct netlat_dir_bins bins[NETLAT_NR_DIRS];
	u64 counter[NETLAT_NR_COUNTERS];	/* word by word, no seqcount */
	u32 sample_rand;		/* xorshift state, for sample=N */
	u32 rx_gen;			/* data skbs seen at the device layer */
	u32 rx_reset_gen;		/* rx_gen at the last reset */
	struct netlat_rx_set rx[NETLAT_RX_SETS];
};

extern struct netlat_cpu **netlat_cpus;

/*
 * Probe hits, per CPU and probe: counted with interrupts on too (an event
 * sampling turns away), by one per-CPU increment, which an interrupt
 * cannot split.
 */
struct netlat_hits {
	u64 n[NETLAT_MAX_PROBES];
};

DECLARE_PER_CPU(struct netlat_hits, netlat_hits);

/*
 * This CPU's receive slots in use (0: no skb has one), apart from its
 * struct netlat_cpu so that a handler turning a skb away reads it in one
 * instruction.  Moved by its own CPU's handlers, interrupts off.
 */
DECLARE_PER_CPU(u32, netlat_rx_live);

static inline struct netlat_cpu *netlat_this_cpu(void)
{
	return netlat_cpus[smp_processor_id()];
}

static inline void netlat_count_add(struct netlat_cpu *c,
				    enum netlat_counter n, u64 v)
{
	WRITE_ONCE(c->counter[n], c->counter[n] + v);
}

static inline void netlat_count(struct netlat_cpu *c, enum netlat_counter n)
{
	netlat_count_add(c, n, 1);
}

/* @n new data segments sent over IPv@family: tx_data_segments */
static inline void netlat_count_tx_units(struct netlat_cpu *c,
					 unsigned int family, u64 n)
{
	netlat_count_add(c, NETLAT_C_TX_SEGMENTS, n);
	netlat_count_add(c, family == 6 ? NETLAT_C_TX_SEGMENTS_V6 :
			 NETLAT_C_TX_SEGMENTS_V4, n);
}

/* @n data skbs given to a socket over IPv@family: rx_data_skbs */
static inline void netlat_count_rx_units(struct netlat_cpu *c,
					 unsigned int family, u64 n)
{
	netlat_count_add(c, NETLAT_C_RX_SKBS, n);
	netlat_count_add(c, family == 6 ? NETLAT_C_RX_SKBS_V6 :
			 NETLAT_C_RX_SKBS_V4, n);
}

/* ---- packet headers (ipv6.c) ---- */

/* Extension headers walked before giving up on a packet: not data. */
#define NETLAT_IPV6_MAX_EXTHDRS 8
int netlat_ipv6_tcp_offset(const struct sk_buff *skb, int nh);

/*
 * The IP family a TCP socket's traffic takes: 4 (also a v4-mapped IPv6
 * socket's), 6, or 0 if it is no TCP socket.
 */
static inline unsigned int netlat_sk_family(const struct sock *sk)
{
	if (sk->sk_protocol != IPPROTO_TCP || sk->sk_type != SOCK_STREAM)
		return 0;
	if (sk->sk_family == AF_INET)
		return 4;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return ipv6_addr_v4mapped(&sk->sk_v6_daddr) ? 4 : 6;
#endif
	return 0;
}

/* The family of a TCP socket the filters let in, else 0. */
static __always_inline unsigned int netlat_sk_measured(const struct sock *sk)
{
	unsigned int family = netlat_sk_family(sk);

	if (!family || !netlat_family_wanted(family) || !netlat_sk_wanted(sk))
		return 0;
	return family;
}

/*
 * May netlat start keeping state for @sk?  Not once it is closing: a dead
 * (orphaned) or closed socket's state would only wait for the purge.
 */
static inline bool netlat_sk_open(const struct sock *sk)
{
	return !sock_flag(sk, SOCK_DEAD) &&
	       READ_ONCE(sk->sk_state) != TCP_CLOSE &&
	       READ_ONCE(sk->sk_state) != TCP_LISTEN;
}

/* A per-CPU xorshift32 step: cheap, and random enough to sample with. */
static inline u32 netlat_rand(struct netlat_cpu *c)
{
	u32 x = c->sample_rand;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->sample_rand = x;
	return x;
}

/*
 * sample=N: 1 in N connections is measured, whole: the decision is a hash
 * of the connection's addresses and ports, seeded at load, symmetric, so
 * that both its ends, every socket, call and skb of it decide alike, from
 * the socket or from the packet's headers.  An event of a connection left
 * out is turned away at the handler's first lines, before interrupts go
 * off and before any shared state: it never takes an entry.  Which
 * connections are kept depends on the seed alone, never on what they do,
 * so they are an unbiased sample of the connections (docs/design.md).
 * The netns is not hashed: the same addresses and ports in two netns
 * decide alike.
 *
 * The hash is one 32-bit multiply of the folded addresses and ports, xor
 * the seed; the ceil(2^32 / N) hashes below netlat_sample_cut are kept
 * (0 while N is 1: every connection is).  Both are set with N (config.c).
 *
 * Where a sample goes on (past where it starts), a connection is also
 * let through if it was kept under the previous N while that changed
 * less than expire_ms ago: a sample in flight completes under the
 * setting it started under.  netlat_sample_window is 0 but while such a
 * window is open, so that the common case asks one word (config.c).
 */
extern u32 netlat_conn_seed;
extern u32 netlat_sample_cut;
extern u64 netlat_sample_window;

static __always_inline u32 netlat_conn_hash(u32 addrs, u32 ports)
{
	return __hash_32(addrs ^ ports ^ netlat_conn_seed);
}

/* Is the connection of hash @h kept under the N of now (@cut not 0)? */
static __always_inline bool netlat_hash_kept(u32 h, u32 cut)
{
	return h < cut;
}

u32 netlat_sample_cut_of(unsigned int n);
void netlat_sample_cut_set(bool on);

/*
 * Was the connection of hash @h kept under the previous N, which changed
 * less than expire_ms ago?  Inline, though rare: a call would make every
 * caller save registers for it on its common path.  The first to find
 * the window over closes it, unless N changed again meanwhile.
 */
static __always_inline bool netlat_conn_finishing(u32 h)
{
	u64 w = READ_ONCE(netlat_sample_window);
	u32 prev = (u32)w;

	if ((s32)((u32)jiffies - (u32)(w >> 32)) >= 0) {
		cmpxchg64(&netlat_sample_window, w, 0);
		return false;
	}
	/* h < ceil(2^32 / prev), without a division */
	return ((u64)h * prev) >> 32 == 0;
}

/* What sampling makes of a connection: */
#define NETLAT_LEFT_OUT		0	/* not measured */
#define NETLAT_FINISHING	1	/* kept under the previous N only: */
					/* what is in flight goes on, */
					/* nothing new starts */
#define NETLAT_KEPT		2	/* measured */

/* What sampling makes of the connection of hash @h (@cut not 0). */
static __always_inline unsigned int netlat_hash_sampling(u32 h, u32 cut)
{
	if (netlat_hash_kept(h, cut))
		return NETLAT_KEPT;
	if (unlikely(READ_ONCE(netlat_sample_window)) &&
	    netlat_conn_finishing(h))
		return NETLAT_FINISHING;
	return NETLAT_LEFT_OUT;
}

/* Is the connection kept under the cut of now (where a sample starts)? */
static __always_inline bool netlat_conn_kept(u32 addrs, u32 ports, u32 cut)
{
	return !cut || netlat_hash_kept(netlat_conn_hash(addrs, ports), cut);
}

/* The connection's two addresses, folded alike from either end. */
static __always_inline u32 netlat_addrs4(__be32 a, __be32 b)
{
	return (__force u32)a ^ (__force u32)b;
}

static __always_inline u32 netlat_addrs6(const struct in6_addr *a,
					 const struct in6_addr *b)
{
	return (__force u32)(a->s6_addr32[0] ^ a->s6_addr32[1] ^
			     a->s6_addr32[2] ^ a->s6_addr32[3] ^
			     b->s6_addr32[0] ^ b->s6_addr32[1] ^
			     b->s6_addr32[2] ^ b->s6_addr32[3]);
}

static __always_inline u32 netlat_ports(__be16 a, __be16 b)
{
	return (__force u16)a ^ (__force u16)b;
}

/*
 * Sampling by a socket of any kind: only its sock_common is read, and a
 * socket that is not TCP is hashed too (the handler's own filter turns it
 * away after).  A socket not connected yet (a Fast Open connect) is
 * decided once it is.  Interrupts may be on.
 */
static __always_inline u32 netlat_sk_addrs(const struct sock *sk)
{
	/* an IPv4 peer of an IPv6 socket hashes as IPv4, as its packets do */
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr))
		return netlat_addrs6(&sk->sk_v6_daddr, &sk->sk_v6_rcv_saddr);
#endif
	return netlat_addrs4(sk->sk_daddr, sk->sk_rcv_saddr);
}

/* The connection's two ports, from its socket. */
static __always_inline u32 netlat_sk_ports(const struct sock *sk)
{
	return netlat_ports(sk->sk_dport, htons(sk->sk_num));
}

/* A socket not connected yet (a Fast Open connect) is let through. */
static __always_inline unsigned int netlat_sk_sampling(const struct sock *sk)
{
	u32 cut = READ_ONCE(netlat_sample_cut);

	if (likely(!cut) || !sk->sk_dport)
		return NETLAT_KEPT;
	return netlat_hash_sampling(netlat_conn_hash(netlat_sk_addrs(sk),
						     netlat_sk_ports(sk)), cut);
}

/* The same for a socket known connected (no Fast Open connect). */
static __always_inline unsigned int
netlat_connected_sk_sampling(const struct sock *sk)
{
	u32 cut = READ_ONCE(netlat_sample_cut);

	if (likely(!cut))
		return NETLAT_KEPT;
	return netlat_hash_sampling(netlat_conn_hash(netlat_sk_addrs(sk),
						     netlat_sk_ports(sk)), cut);
}

/*
 * Is the connection of @sk kept under the N of now?  Where a sample
 * starts, that is the only question: the previous N is not asked.
 */
static __always_inline bool netlat_sk_kept(const struct sock *sk)
{
	u32 cut = READ_ONCE(netlat_sample_cut);

	return likely(!cut) || !sk->sk_dport ||
	       netlat_conn_kept(netlat_sk_addrs(sk), netlat_sk_ports(sk), cut);
}

/*
 * Thinning (docs/thinning.md): while the record pool runs full, a new
 * sample is kept with probability 1/2^level, decided where it first needs
 * a record, and binned with weight 2^level.  The level depends only on
 * how full the pool is, never on the sample itself, so what is kept is an
 * unbiased sample of the traffic and the weighted histograms estimate all
 * of it.  Moved by pool.c; read once per decision.
 */
#define NETLAT_THIN_MAX 12
extern unsigned int netlat_thin_level;

/* Keep a new sample at thinning level @level? */
static inline bool netlat_thin_keep(struct netlat_cpu *c, unsigned int level)
{
	return !level || netlat_rand(c) >> (32 - level) == 0;
}

/*
 * Beyond the socket table's bound (socktab.c, docs/thinning.md): a new
 * sample of a socket is kept only if the socket's rank is at least what
 * its bucket asks, and weighted 2^that.  The rank is the number of
 * trailing zero bits of a hash of the socket's address, seeded at load:
 * fixed for a socket, so a socket's samples are kept or left out alike,
 * but random across sockets, so the kept sockets are an unbiased sample.
 */
#define NETLAT_RANK_NONE 255	/* the bucket is full: no rank will do */
extern unsigned long netlat_rank_seed;

/* Is @sk's rank at least @rank? */
static inline bool netlat_sock_ranked(const void *sk, unsigned int rank)
{
	return !rank ||
	       !(hash_long((unsigned long)sk ^ netlat_rank_seed, 32) &
		 (BIT(rank) - 1));
}

#define NETLAT_MAX_STAMPS NETLAT_DIR_STAGES	/* timestamps per sample */
bool netlat_record(struct netlat_cpu *c, enum netlat_stage first,
		   const u64 *t, unsigned int shift);
int netlat_stats_init(void);
void netlat_stats_exit(void);
void netlat_stats_snapshot(struct netlat_stats *out,
			   struct netlat_dir_bins *tmp, u64 *hits);
void netlat_stats_reset(void);
unsigned int netlat_stats_resets(void);
extern u64 netlat_reset_ns;
void netlat_inflight_flush(void);

/* ---- probes (probes.c) ---- */

struct dentry;
struct tracepoint;

/* One registered kprobe or tracepoint callback. */
struct netlat_probe {
	struct kprobe kp;		/* a kprobe: kp.addr is set */
	struct tracepoint *tp;		/* or a tracepoint */
	void *tp_func;
	const char *point;
	const char *symbol;		/* the function, or "system:event" */
	unsigned long missed_base;	/* kp.nmissed at the last reset */
	unsigned int id;		/* its index in netlat_probes[] */
};

extern struct netlat_probe netlat_probes[NETLAT_MAX_PROBES];
extern unsigned int netlat_nr_probes;
extern unsigned int netlat_tracepoints;

int netlat_probes_register(void);
void netlat_probes_unregister(void);
void netlat_probes_reset_missed(void);
const char *netlat_probe_kind(struct netlat_probe *p);
unsigned long netlat_probe_missed(const struct netlat_probe *p);

/*
 * ---- the instrumented build (profile.c; make NETLAT_PROFILE=1) ----
 *
 * Only for measuring netlat itself (tests/bench/bench.sh -p,
 * docs/overhead.md): each handler call, from its first line to after its
 * interrupts are back on, and sections inside it are timed with the cycle
 * counter, which under qemu's -icount shift=0 counts guest instructions,
 * and summed per CPU, per probe and per section.  In the normal build
 * every hook below is empty and NETLAT_PROF(sec, expr) is (expr): the
 * module is compiled exactly as without them.
 */
enum netlat_prof_section {
	NETLAT_PROF_IRQ,	/* enabled check, irq save and restore */
	NETLAT_PROF_CLOCK,	/* netlat's own timestamp reads */
	NETLAT_PROF_FILTER,	/* measured? family, netns, ports, state, */
				/* sampling and thinning decisions */
	NETLAT_PROF_PARSE,	/* packet headers (rx_data filters as it parses) */
	NETLAT_PROF_SLOT,	/* the per-CPU receive slots: find, fill */
	NETLAT_PROF_LOCK,	/* a bucket lock taken, or released */
	NETLAT_PROF_LOOKUP,	/* netlat_sock_find, _lookup, _release_idle */
	NETLAT_PROF_REC,	/* records from and to the pool, list moves */
	NETLAT_PROF_BIN,	/* netlat_record: a sample binned */
	NETLAT_PROF_NR
};

#ifdef NETLAT_PROFILE
#include <linux/timex.h>

#define NETLAT_PROF_ROWS (NETLAT_MAX_PROBES + 1)	/* the last: calibration */

struct netlat_prof_sum {
	u64 count;
	u64 sum;
};

struct netlat_prof {
	u64 t0;			/* the running handler's first cycle */
	u64 save;		/* cycles up to its interrupts off */
	u32 row;		/* its probe */
	u32 open;		/* a section may begin: in a handler, none open */
	u32 nsec;		/* sections timed in it so far */
	struct netlat_prof_sum handler[NETLAT_PROF_ROWS];
	u64 nsecs[NETLAT_PROF_ROWS];	/* sections timed in those calls */
	u64 interrupted[NETLAT_PROF_ROWS];	/* calls an interrupt ran in */
	struct netlat_prof_sum sec[NETLAT_PROF_ROWS][NETLAT_PROF_NR];
};

extern struct netlat_prof __percpu *netlat_prof;

/* What the end of a handler call carries over its interrupts going on. */
struct netlat_prof_exit {
	u64 t0;
	u64 t1;
	u64 save;
	u32 row;
	u32 nsec;
};

static __always_inline u64 netlat_prof_start(void)
{
	return get_cycles();
}

/* Interrupts just went off in the handler of probe @np, begun at @t0. */
static __always_inline void netlat_prof_enter(struct netlat_probe *np, u64 t0)
{
	u64 now = get_cycles();
	u32 row = np - netlat_probes;

	this_cpu_write(netlat_prof->t0, t0);
	this_cpu_write(netlat_prof->save, now - t0);
	this_cpu_write(netlat_prof->row, row);
	this_cpu_write(netlat_prof->nsec, 0);
	this_cpu_write(netlat_prof->open, 1);
}

/* Just before the handler turns interrupts on again. */
static __always_inline void netlat_prof_exit_begin(struct netlat_prof_exit *x)
{
	x->t0 = this_cpu_read(netlat_prof->t0);
	x->save = this_cpu_read(netlat_prof->save);
	x->row = this_cpu_read(netlat_prof->row);
	x->nsec = this_cpu_read(netlat_prof->nsec);
	this_cpu_write(netlat_prof->open, 0);
	x->t1 = get_cycles();
}

void netlat_prof_handler(const struct netlat_prof_exit *x, u64 t2);

/* Just after: an interrupt that was pending may have run in between. */
static __always_inline void netlat_prof_exit_end(const struct netlat_prof_exit *x)
{
	netlat_prof_handler(x, get_cycles());
}

/* A section begins: 0 if it is not timed (outside a handler, or nested). */
static __always_inline u64 netlat_prof_begin(void)
{
	if (!this_cpu_read(netlat_prof->open))
		return 0;
	this_cpu_write(netlat_prof->open, 0);
	return get_cycles();
}

static __always_inline void netlat_prof_end(unsigned int sec, u64 t)
{
	u64 now = get_cycles();
	unsigned int row;

	if (!t)
		return;
	row = this_cpu_read(netlat_prof->row);
	this_cpu_inc(netlat_prof->sec[row][sec].count);
	this_cpu_add(netlat_prof->sec[row][sec].sum, now - t);
	this_cpu_inc(netlat_prof->nsec);
	this_cpu_write(netlat_prof->open, 1);
}

/* The value of @expr, computed as section NETLAT_PROF_@sec. */
#define NETLAT_PROF(sec, expr) ({				\
	u64 __netlat_t = netlat_prof_begin();			\
	__auto_type __netlat_r = (expr);			\
								\
	netlat_prof_end(NETLAT_PROF_##sec, __netlat_t);		\
	__netlat_r;						\
})

/* The same for an expression of no value. */
#define NETLAT_PROF_VOID(sec, expr) do {			\
	u64 __netlat_t = netlat_prof_begin();			\
								\
	expr;							\
	netlat_prof_end(NETLAT_PROF_##sec, __netlat_t);		\
} while (0)

int netlat_prof_init(void);
void netlat_prof_exit(void);
void netlat_prof_debugfs(struct dentry *dir);
void netlat_prof_reset(void);
#else
struct netlat_prof_exit { };

static inline u64 netlat_prof_start(void) { return 0; }
static inline void netlat_prof_enter(struct netlat_probe *np, u64 t0) { }
static inline void netlat_prof_exit_begin(struct netlat_prof_exit *x) { }
static inline void netlat_prof_exit_end(const struct netlat_prof_exit *x) { }
#define NETLAT_PROF(sec, expr) ((void)NETLAT_PROF_##sec, (expr))
#define NETLAT_PROF_VOID(sec, expr) ((void)NETLAT_PROF_##sec, (expr))
static inline int netlat_prof_init(void) { return 0; }
static inline void netlat_prof_exit(void) { }
static inline void netlat_prof_debugfs(struct dentry *dir) { }
static inline void netlat_prof_reset(void) { }
#endif

/*
 * Handler prologue: interrupts off, count the hit.  See the top comment.
 * NULL when collection is disabled: the handler does nothing.
 */
static __always_inline struct netlat_cpu *
netlat_enter_probe(struct netlat_probe *np, unsigned long *flags)
{
	u64 t0 = netlat_prof_start();

	if (!READ_ONCE(netlat_enabled))
		return NULL;
	local_irq_save(*flags);
	netlat_prof_enter(np, t0);
	this_cpu_inc(netlat_hits.n[np->id]);
	return netlat_this_cpu();
}

/*
 * An event with nothing for netlat (a read about to wait, a skb of no
 * socket), turned away before interrupts go off: its hit is counted,
 * nothing else.
 */
static __always_inline void netlat_turn_away(struct netlat_probe *np)
{
	if (READ_ONCE(netlat_enabled))
		this_cpu_inc(netlat_hits.n[np->id]);
}

/*
 * The same for an event of a connection sample=N leaves out.  Sampling
 * leaves out nothing while collection is off (its cut is 0 then,
 * config.c), so the hit is counted without a look at enable.
 */
static __always_inline void netlat_turn_away_sampled(struct netlat_probe *np)
{
	this_cpu_inc(netlat_hits.n[np->id]);
}

/*
 * The prologue of a handler whose event sampling may leave out: turned
 * away (NULL) unless @kept, else as netlat_enter_probe().  @kept is
 * false only for an event sampling left out.
 */
static __always_inline struct netlat_cpu *
netlat_enter_probe_kept(struct netlat_probe *np, unsigned long *flags,
			bool kept)
{
	if (!kept) {
		netlat_turn_away_sampled(np);
		return NULL;
	}
	return netlat_enter_probe(np, flags);
}

static __always_inline struct netlat_cpu *
netlat_enter_kept(struct kprobe *p, unsigned long *flags, bool kept)
{
	return netlat_enter_probe_kept(container_of(p, struct netlat_probe, kp),
				       flags, kept);
}

static __always_inline struct netlat_cpu *netlat_enter(struct kprobe *p,
						       unsigned long *flags)
{
	return netlat_enter_probe(container_of(p, struct netlat_probe, kp),
				  flags);
}

static inline void netlat_exit(unsigned long flags)
{
	struct netlat_prof_exit x;

	netlat_prof_exit_begin(&x);
	local_irq_restore(flags);
	netlat_prof_exit_end(&x);
}

/* ---- per-socket state (socktab.c, records from pool.c) ---- */

/*
 * What a full waiter list or an empty pool cannot keep is counted once,
 * as ring_full, per data unit, and never also as anything else.
 */
#define NETLAT_WAITERS	4	/* senders between the socket layer and */
				/* the socket lock */
/*
 * A socket's share of records in each of its lists (send calls not all at
 * IP, segments between IP and the driver, unread skbs): beyond it, new
 * samples are thinned one more level per doubling of the list, so that a
 * list grows by about a share per doubling of its queue, and the walks
 * over it (a read retiring what it read, a purge) stay short.
 */
#define NETLAT_SHARE	1024

/* Thinning levels more for a socket list of @n records: 0 within its share. */
static inline unsigned int netlat_share_level(u32 n)
{
	return n < NETLAT_SHARE ? 0 : fls(n / NETLAT_SHARE);
}

/* The pool holds this many records per socket entry of the table. */
#define NETLAT_RECS_PER_SOCKET 8

/* A send call between the socket layer and the socket lock. */
struct netlat_waiter {
	const struct task_struct *task;
	u64 t_sock;
};

/* What the segments of a call become at IP. */
enum netlat_call_kind {
	NETLAT_CALL_STAMPED,	/* a send call with its timestamps */
	NETLAT_CALL_UNKNOWN,	/* no send call seen: an in-kernel sender */
	NETLAT_CALL_DROPPED,	/* calls the full ring (or waiters) lost */
	NETLAT_CALL_SKIPPED,	/* sample=N left its connection out */
				/* while it was in flight */
	NETLAT_CALL_INTERLEAVED,/* another sender's bytes may follow them */
	NETLAT_CALL_THINNED,	/* left out by thinning: counted at IP */
};

/*
 * A sample's weight is 1 << shift: the thinning level it was kept at.
 * pid: the sending process, taken only while slow_us is on (else 0), for
 * the slow log; it goes with the call's segments.
 */
struct netlat_call {
	u32 seq;		/* first byte this call appended */
	u32 len;		/* bytes it may append: the call's size */
	u8 kind;
	u8 seq_pending;		/* Fast Open: the ISN is not chosen yet */
	u8 shift;
	u32 pid;
	u64 t_sock;
	u64 t_tcp;
};

struct netlat_txseg {
	u32 seq;
	u32 end;		/* one past the last data byte */
	u32 shift;
	u32 pid;		/* its call's */
	u64 t_sock;
	u64 t_tcp;
	u64 t_ip;
};

struct netlat_rxseg {
	u32 seq;		/* first data byte */
	u32 end;		/* one past the last data byte */
	u32 segs;
	u16 counted;		/* counted already (untimed): retired silently */
	u16 shift;
	u64 t_dev;
	u64 t_ip;
	u64 t_tcp;
};

/*
 * A read whose records are not all retired yet: the records wholly below
 * the copied_seq it left are its samples, at its time (rx.c, rx_drain).
 */
struct netlat_rxread {
	u32 seq;		/* copied_seq after the read */
	u8 fin;			/* the receive side was shut down by then */
	u8 check;		/* count data never seen (no sampling) */
	u8 family;
	u8 mid_skb;		/* it stopped inside a queued skb */
	u64 t;
	u32 pid;		/* the reader, while slow_us is on; else 0 */
	char comm[TASK_COMM_LEN];
};

/*
 * One record of the pool, in one socket's list of calls, segments, skbs
 * or reads: 48 bytes, whichever (pool.c checks).
 */
struct netlat_rec {
	u32 next;		/* index of the next record; NETLAT_NIL: none */
	u32 prev;
	union {
		struct netlat_call call;
		struct netlat_txseg tx;
		struct netlat_rxseg rx;
		struct netlat_rxread read;
	};
};

#define NETLAT_NIL U32_MAX

/* A list of records, oldest first; head and tail are NIL when empty. */
struct netlat_list {
	u32 head;
	u32 tail;
	u32 n;
};

extern struct netlat_rec *netlat_recs;

static inline struct netlat_rec *netlat_rec(u32 i)
{
	return &netlat_recs[i];
}

static inline void netlat_list_init(struct netlat_list *l)
{
	l->head = NETLAT_NIL;
	l->tail = NETLAT_NIL;
	l->n = 0;
}

int netlat_pool_init(unsigned int n);
void netlat_pool_exit(void);
unsigned int netlat_pool_capacity(void);
unsigned int netlat_pool_used(void);
u32 netlat_rec_alloc(void);
void netlat_rec_free(u32 i);
void netlat_list_insert_after(struct netlat_list *l, u32 pos, u32 i);
void netlat_list_free(struct netlat_list *l, u32 i);
void netlat_list_free_all(struct netlat_list *l);

/* Which connection an entry belongs to: a reused socket is another one. */
struct netlat_sock_id {
	__addrpair addrs;	/* remote and local address */
	struct in6_addr daddr6;	/* the same of an IPv6 socket; else zero */
	struct in6_addr saddr6;
	__be16 dport;		/* 0: not connected yet */
	u16 num;		/* local port; 0 once unhashed, closing */
	const struct net *net;
};

struct netlat_sock {
	struct netlat_sock_id id;
	unsigned long last_used;	/* jiffies: only ages idle entries */
	const struct task_struct *page_task;	/* sendpage group owner */
	u32 tx_ip_max;		/* highest new data end seen at IP */
	u32 tx_unseen_end;	/* end of the last data first seen at the driver */
	u32 tx_lost_seq;	/* bytes of calls no record was left for, */
	u32 tx_lost_end;	/* while no older call was recorded */
	u32 rx_copied;		/* copied_seq at the last read */
	u32 rx_drop_end;	/* data below this may be unrecorded: ring_full */
	u32 rx_span;		/* the longest record kept since rx was empty */
	u8 tx_ip_valid;
	u8 tx_unseen_valid;
	u8 tx_lost_valid;
	u8 rx_copied_valid:1;	/* 0 until the connection has an rcv_nxt */
	u8 rx_in_hole:1;	/* the last read stopped inside a skb never seen */
	u8 rx_read_open:1;	/* the oldest read is retiring: rx_copied is */
				/* how far it got */
	u8 slow_ident:1;	/* slow_netns and slow_cgroup are set */
	u8 rx_drop_valid;
	u8 page_more;		/* the last sendpage call said more follow */
	u8 wait_lost;		/* waiters pushed out of a full wait ring */
	u8 nwait;
	struct netlat_list calls;	/* struct netlat_call, by seq */
	struct netlat_list tx;		/* struct netlat_txseg, as sent */
	struct netlat_list rx;		/* struct netlat_rxseg, by seq */
	struct netlat_list reads;	/* struct netlat_rxread, oldest first */
	u32 snd_pid;		/* the newest timed call's sender, */
	struct netlat_waiter wait[NETLAT_WAITERS];
	char snd_comm[TASK_COMM_LEN];	/* and its name; */
	u64 slow_cgroup;	/* the socket's cgroup v2 id */
	u32 slow_netns;		/* and netns inode: all for the slow log, */
				/* taken only while slow_us is on */
};

int netlat_socktab_init(void);
void netlat_socktab_exit(void);
unsigned int netlat_socktab_used(void);
unsigned int netlat_socktab_capacity(void);
void netlat_socktab_flush(void);
struct netlat_bucket;
struct netlat_bucket *netlat_bucket_lock(const struct sock *sk)
	__acquires(netlat_bucket);
void netlat_bucket_unlock(struct netlat_bucket *bk) __releases(netlat_bucket);
struct netlat_sock *netlat_sock_find(struct netlat_cpu *c,
				     struct netlat_bucket *bk,
				     struct sock *sk, bool create);
struct netlat_sock *netlat_sock_lookup(struct netlat_bucket *bk,
				       const void *key);
void netlat_sock_release_idle(struct netlat_bucket *bk, struct netlat_sock *e);
unsigned int netlat_bucket_rank(const struct netlat_bucket *bk,
				const struct sock *sk);
void netlat_sock_purge(struct netlat_cpu *c, const struct sock *sk);

/* ---- handlers (tx.c, rx.c, socktab.c) ---- */
int netlat_h_sock_send(struct kprobe *p, struct pt_regs *regs);
int netlat_h_sock_sendpage(struct kprobe *p, struct pt_regs *regs);
int netlat_h_tcp_send_locked(struct kprobe *p, struct pt_regs *regs);
int netlat_h_tcp_sendpage_locked(struct kprobe *p, struct pt_regs *regs);
int netlat_h_ip_xmit(struct kprobe *p, struct pt_regs *regs);
int netlat_h_dev_xmit(struct kprobe *p, struct pt_regs *regs);
void netlat_tp_dev_xmit(void *data, const struct sk_buff *skb,
			const struct net_device *dev);
int netlat_h_rx_dev_pskb(struct kprobe *p, struct pt_regs *regs);
int netlat_h_rx_dev_skb(struct kprobe *p, struct pt_regs *regs);
int netlat_h_rx_dev_list(struct kprobe *p, struct pt_regs *regs);
void netlat_tp_rx_dev(void *data, struct sk_buff *skb);
int netlat_h_rx_ip_skb(struct kprobe *p, struct pt_regs *regs);
int netlat_h_rx_ip_list(struct kprobe *p, struct pt_regs *regs);
int netlat_h_rx_bind(struct kprobe *p, struct pt_regs *regs);
int netlat_h_rx_bind_child(struct kprobe *p, struct pt_regs *regs);
int netlat_h_rx_copied(struct kprobe *p, struct pt_regs *regs);
/*
 * Records retired or given back per handler call: a read that took
 * thousands of queued skbs leaves the rest to the socket's next events, a
 * socket that goes with thousands of records leaves them to its bucket's,
 * so that no call runs long with interrupts off (rx.c, socktab.c).
 */
#define NETLAT_RX_BUDGET 16
bool netlat_rx_drain(struct netlat_cpu *c, struct netlat_sock *e,
		     unsigned int *budget);
void netlat_socktab_finish_reads(void);
int netlat_h_sock_purge(struct kprobe *p, struct pt_regs *regs);
void netlat_tp_sock_destroy(void *data, struct sock *sk);

/* ---- the slow log (slow.c) ---- */

/* Is the sample with timestamps @t (@n of them) one for the slow log? */
static inline bool netlat_slow(const u64 *t, unsigned int n)
{
	unsigned int us = READ_ONCE(netlat_slow_us);

	return unlikely(us) && t[n - 1] - t[0] > (u64)us * NSEC_PER_USEC;
}

static inline bool netlat_slow_on(void)
{
	return unlikely(READ_ONCE(netlat_slow_us));
}

void netlat_slow_sock(struct netlat_sock *e, const struct sock *sk);
void netlat_slow_sender(struct netlat_sock *e, const struct sock *sk);
void netlat_slow_tx(struct netlat_cpu *c, const struct netlat_sock *e,
		    const struct netlat_txseg *seg, const u64 *t,
		    unsigned int family, unsigned int segs);
void netlat_slow_rx(struct netlat_cpu *c, const struct netlat_sock *e,
		    const struct netlat_rxseg *r,
		    const struct netlat_rxread *rd, const u64 *t);
int netlat_slow_init(void);
void netlat_slow_exit(void);
unsigned int netlat_slow_capacity(void);

/* ---- user interfaces (procfs.c, control.c) ---- */
int netlat_proc_init(void);
void netlat_proc_exit(void);
int netlat_control_init(void);
void netlat_control_exit(void);

#endif /* NETLAT_H */
