// SPDX-License-Identifier: GPL-2.0
/*
 * tcpgen: the TCP workloads of netlat's guest tests, with exactly known
 * message counts.  Built static on the host, run inside the guest.
 *
 *   tcpgen server   -a ADDR -p PORT [-m echo|sink|hold|push|give|flood] [-c CONNS]
 *                   [-f] [-s SLEEP_US] [-C CPU] [-n COUNT] [-l LEN]
 *                   [-g GAP_US] [-D SECS] [-F]
 *   tcpgen pingpong -a ADDR -p PORT -n COUNT -l LEN [-s SLEEP_US] [-C CPU] [-S]
 *                   [-M]
 *   tcpgen stream   -a ADDR -p PORT -b BYTES [-l WRITE_LEN] [-C CPU] [-d SECS]
 *                   [-g GAP_US] [-z] [-W WRITERS]
 *   tcpgen churn    -a ADDR -p PORT -n CONNS [-l LEN]
 *   tcpgen block    -a ADDR -p PORT        (connect, block in recv())
 *   tcpgen reconnect -a ADDR -p PORT -P PORT2 -b UNREAD_BYTES -w WAIT_MS
 *                   -n COUNT -l LEN
 *   tcpgen sendfile -a ADDR -p PORT -l HEADLEN -b BODYBYTES -w GAP_MS
 *                   -n REPEAT [-m sendfile|splice]
 *   tcpgen ktls     -a ADDR -p PORT -n COUNT -l LEN [-g GAP_US]
 *   tcpgen fastopen -a ADDR -p PORT -n CONNS -l LEN
 *   tcpgen unreadclose -a ADDR -p PORT -n CONNS -b BYTES
 *   tcpgen scale    -a ADDR -p PORT -c CONNS -W ACTIVE -n ROUNDS -l LEN
 *                   [-m burst]
 *   tcpgen lag      -a ADDR -p PORT -c CONNS -b BYTES -G GOFILE
 *   tcpgen paced    -a ADDR -p PORT -n COUNT -l LEN -b BYTES -s SLEEP_US
 *                   [-m write -g GAP_US]
 *   tcpgen bulk     -a ADDR -p PORT -c CONNS -b BYTES -s SLEEP_US
 *                   [-m write -n COUNT -l LEN]
 *   tcpgen overlap  -a ADDR -p PORT     (IPv4, root, TCP timestamps off)
 *
 * overlap, both ends in this process: the client sends 100 bytes, which
 * the server leaves unread; then a segment made up on a raw socket, as if
 * from the client, brings its last 50 bytes again and 100 new ones (a
 * retransmission that partly overlaps data the socket has); the server
 * reads all 200 and both ends reset.  The sequence numbers come from
 * TCP_REPAIR; the made-up segment carries no timestamp option, hence
 * net.ipv4.tcp_timestamps=0.
 * -M (any command): a child process moves this one from CPU to CPU all
 * the time, so that a system call may change CPU wherever the kernel
 * preempts (anywhere, on PREEMPT_RT), until this process exits.
 * server -f serves its CONNS connections at once, a process each.
 * server -m push writes COUNT messages of LEN bytes on each connection,
 * sleeping GAP_US after each (so they arrive as COUNT segments), then
 * reads until EOF (or a reset); -m give writes COUNT messages of LEN
 * bytes and closes at once (a server that serves CONNS one after the
 * other, each left unread by its peer); -m flood writes LEN-byte messages GAP_US
 * apart until the peer closes or resets, which is its normal end.
 * server -D SECS: TCP_DEFER_ACCEPT on the listener; -F: TCP_FASTOPEN
 * (queue 64) on the listener.
 * stream -g GAP_US sleeps after each write; -z sends with MSG_ZEROCOPY
 * and waits for every completion before it closes; -W WRITERS writes
 * from that many processes on the one socket at once, BYTES in all,
 * through a 64 KiB send buffer.
 * reconnect dials a push server, waits until UNREAD_BYTES sit unread,
 * sleeps WAIT_MS, disconnects the socket (connect() to AF_UNSPEC: the
 * unread data is dropped, a RST sent), connects the same socket to the
 * echo server on PORT2 and runs COUNT round trips of LEN bytes on it.
 * sendfile, REPEAT times: write() HEADLEN bytes, sleep GAP_MS, send
 * BODYBYTES of a /tmp file by sendfile(2) or splice(2) through a pipe;
 * HEADLEN 0: no write(), the body alone.
 * ktls sends COUNT kernel-TLS records (LEN <= 16384: a record a write)
 * with an all-zero AES-GCM-128 key to a sink, no handshake; exit 77 if
 * the kernel has no tls ULP.
 * fastopen makes CONNS connections, each sending LEN bytes in its SYN
 * (MSG_FASTOPEN; needs net.ipv4.tcp_fastopen) and reading the echo.
 * unreadclose dials a flood server CONNS times and closes each socket
 * once BYTES sit unread: the kernel then sends a RST.
 * scale, both ends in this process: opens CONNS connections (listening on
 * PORT, PORT+1, ...: 1000 connections a port; the ephemeral ports of one
 * destination run out at about 28000), then ROUNDS times makes one
 * round trip of LEN bytes on each of ACTIVE connections spread evenly over
 * them, in turn; prints "scale_ns N", the time the round trips took.
 * -m burst: each round writes on all ACTIVE connections first, then
 * serves them all, then reads them all: ACTIVE messages in flight at once.
 * lag dials a push server CONNS times, waits until BYTES sit unread on
 * each connection, prints "lag: ready", waits until the file GOFILE
 * exists, then reads every connection to its end: a reader that lags
 * the whole stream, whose data all waits from its arrival to that moment.
 * paced reads at most BYTES every SLEEP_US from the one connection it
 * accepts, and paced -m write writes COUNT messages of LEN bytes GAP_US
 * apart to it: a reader that falls behind at a steady pace.  The reader
 * prints the percentiles of how long each message waited from its write
 * to the read that completed it (paced_p50_ns, ...).
 * bulk is iperf3's traffic with a truth per skb: bulk -m write writes
 * COUNT calls of LEN bytes back to back on each of CONNS connections, a
 * process each; bulk (the reader) reads at most BYTES from each every
 * SLEEP_US and, beside, captures the skbs it receives (bulk_capture).
 * -d SECS (pingpong, stream): run for that long instead of a count, and
 * print the rate: "tps N" round trips per second, "bytes_per_s N".
 * pingpong sends COUNT messages of LEN bytes with TCP_NODELAY, each after
 * the previous one came back whole; the echo server sends each back.
 * -s: before every read, wait until data is readable (poll), then sleep
 * SLEEP_US, so every received message waits that long in the socket.
 * pingpong prints the median round-trip time and both sides print the
 * median time they really slept: under emulation timers overshoot, and
 * the tests compare netlat with what really happened.
 * -S: the kernel's own SO_TIMESTAMPING as a reference for netlat: per
 * message, send() entry -> driver (SND), qdisc entry (SCHED) -> driver,
 * and device layer arrival (RX software stamp) -> read() returned; the
 * medians are printed as tx_p50_ns, qdisc_p50_ns and rx_p50_ns.
 * ADDR is IPv4 or IPv6 (::1, or ::ffff:127.0.0.1 for a v4-mapped IPv6
 * socket); -E (any command, IPv6): every packet carries a destination
 * options header.
 * Every run ends by itself: an alarm kills a stuck run after -t seconds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/ip.h>
#include <linux/errqueue.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <linux/tls.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* older libc headers lack these */
#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

static const char *addr = "127.0.0.1";
static int port = 5001, count = 1000, len = 100, conns = 1, sleep_us, forking;
static int port2, wait_ms, defer_secs, fastopen, zerocopy, writers = 1;
static int exthdr;		/* -E: an IPv6 destination options header */
static long long bytes = 1 << 20, gap_us;
static double duration;		/* -d: seconds to run instead of a count */
static const char *mode;	/* server: echo by default; sendfile's method */
static const char *gofile;	/* lag: read once this file exists */

/* Medians of what really happened: round trips, sleeps. */
struct samples {
	long long *v;
	int n, cap;
};

static struct samples rtts, sleeps, ts_tx, ts_qdisc, ts_rx;
static int stamps, migrate;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* SO_TIMESTAMPING stamps are CLOCK_REALTIME. */
static long long real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void add_sample(struct samples *s, long long v)
{
	if (s->n == s->cap) {
		long long *nv;

		s->cap = s->cap ? 2 * s->cap : 1024;
		nv = realloc(s->v, s->cap * sizeof(*nv));
		if (!nv)
			return;
		s->v = nv;
	}
	s->v[s->n++] = v;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long median(struct samples *s)
{
	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_ll);
	return s->v[(s->n - 1) / 2];
}

static long long maximum(const struct samples *s)
{
	long long m = 0;
	int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] > m)
			m = s->v[i];
	return m;
}

static void die(const char *what)
{
	fprintf(stderr, "tcpgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ADDR:P as a socket address: IPv6 if ADDR has a colon (::ffff:a.b.c.d too). */
union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

static socklen_t setup_addr(union sockaddr_any *sa, int p)
{
	memset(sa, 0, sizeof(*sa));
	if (strchr(addr, ':')) {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_port = htons(p);
		if (inet_pton(AF_INET6, addr, &sa->in6.sin6_addr) == 1)
			return sizeof(sa->in6);
	} else {
		sa->in.sin_family = AF_INET;
		sa->in.sin_port = htons(p);
		if (inet_pton(AF_INET, addr, &sa->in.sin_addr) == 1)
			return sizeof(sa->in);
	}
	fprintf(stderr, "tcpgen: bad address %s\n", addr);
	exit(2);
}

/*
 * A TCP socket of ADDR's family.  -E (IPv6): every packet it sends carries
 * a destination options header (8 bytes: one PadN option), an extension
 * header between IPv6 and TCP.  An accepted socket inherits it.
 */
static int tcp_socket(void)
{
	static const unsigned char dstopts[8] = { 0, 0, 1, 4 };
	int v6 = strchr(addr, ':') != NULL;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	int one = 1;

	if (fd < 0)
		die("socket");
	if (exthdr && (!v6 || setsockopt(fd, IPPROTO_IPV6, IPV6_DSTOPTS,
					 dstopts, sizeof(dstopts)) ||
		       setsockopt(fd, IPPROTO_IPV6, IPV6_RECVDSTOPTS,
				  &one, sizeof(one))))
		die("IPV6_DSTOPTS (-E needs an IPv6 address)");
	return fd;
}

/*
 * -E: did the last packet this socket received carry a destination
 * options header?  With IPV6_RECVDSTOPTS, TCP keeps the options of the
 * last in-order packet for IPV6_2292PKTOPTIONS.
 */
static int exthdr_received(int fd)
{
	char buf[256];
	socklen_t n = sizeof(buf);
	struct msghdr m = { .msg_control = buf };
	struct cmsghdr *c;

	if (getsockopt(fd, IPPROTO_IPV6, IPV6_2292PKTOPTIONS, buf, &n))
		die("IPV6_2292PKTOPTIONS");
	m.msg_controllen = n;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_DSTOPTS)
			return 1;
	return 0;
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

static int dial(void)
{
	union sockaddr_any sa;
	socklen_t sl = setup_addr(&sa, port);
	int fd, tries;

	for (tries = 0; ; tries++) {
		fd = tcp_socket();
		if (!connect(fd, &sa.sa, sl))
			break;
		/* the server may still be starting */
		if (errno != ECONNREFUSED || tries == 200)
			die("connect");
		close(fd);
		usleep(10000);
	}
	nodelay(fd);
	return fd;
}

static void drain_errqueue(int fd);

/* Sleep us microseconds, all of them even if a signal comes. */
static void nap_us(long long us)
{
	struct timespec ts;

	if (us <= 0)
		return;
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Wait until readable, then sleep_us: the data waits in the socket. */
static void delay_read(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long t0;

	if (!sleep_us)
		return;
	/* TX stamps queued on the error queue wake poll() too (POLLERR) */
	do {
		if (poll(&p, 1, -1) < 0)
			die("poll");
		if (p.revents & POLLERR)
			drain_errqueue(fd);
	} while (!(p.revents & (POLLIN | POLLHUP)));
	t0 = now_ns();
	nap_us(sleep_us);
	add_sample(&sleeps, now_ns() - t0);
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		buf += w;
		n -= w;
	}
}

/*
 * The software stamp in a control message, in ns; 0 if none.  @type, @key:
 * of a TX stamp, its kind and its OPT_ID key (the stream offset of the
 * last byte of the call it stamps).
 */
static long long cmsg_stamp_key(struct msghdr *m, int *type,
				unsigned int *key)
{
	struct cmsghdr *c;
	long long t = 0;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_TIMESTAMPING) {
			struct timespec *ts = (struct timespec *)CMSG_DATA(c);

			t = ts[0].tv_sec * 1000000000LL + ts[0].tv_nsec;
		} else if (type && ((c->cmsg_level == SOL_IP &&
				     c->cmsg_type == IP_RECVERR) ||
				    (c->cmsg_level == SOL_IPV6 &&
				     c->cmsg_type == IPV6_RECVERR))) {
			struct sock_extended_err *e =
				(struct sock_extended_err *)CMSG_DATA(c);

			*type = e->ee_info;
			if (key)
				*key = e->ee_data;
		}
	}
	return t;
}

static long long cmsg_stamp(struct msghdr *m, int *type)
{
	return cmsg_stamp_key(m, type, NULL);
}

/* read() that also takes the RX stamp: device arrival -> now. */
static ssize_t read_stamped(int fd, char *buf, size_t n)
{
	char ctl[512];
	struct iovec iov = { .iov_base = buf, .iov_len = n };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	ssize_t r;
	long long t;

	if (!stamps)
		return read(fd, buf, n);
	r = recvmsg(fd, &m, 0);
	t = cmsg_stamp(&m, NULL);
	if (r > 0 && t)
		add_sample(&ts_rx, real_ns() - t);
	return r;
}

static long long sched, snd;	/* of the message in flight */

static void drain_errqueue(int fd)
{
	char ctl[512];

	for (;;) {
		struct msghdr m = { .msg_control = ctl,
				    .msg_controllen = sizeof(ctl) };
		int type = -1;
		long long t;

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		t = cmsg_stamp(&m, &type);
		if (type == SCM_TSTAMP_SCHED)
			sched = t;
		else if (type == SCM_TSTAMP_SND)
			snd = t;
	}
}

/* After a round trip: the SCHED and SND stamps of the request. */
static void tx_stamps(int fd, long long t_send)
{
	drain_errqueue(fd);
	if (snd) {
		add_sample(&ts_tx, snd - t_send);
		if (sched)
			add_sample(&ts_qdisc, snd - sched);
	}
	sched = 0;
	snd = 0;
}

static void enable_stamps(int fd)
{
	int v = SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE |
		SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
		SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &v, sizeof(v)))
		die("SO_TIMESTAMPING");
}

/* Read exactly n bytes; 0 on clean EOF before the first byte. */
static int read_all(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;

		delay_read(fd);
		r = read_stamped(fd, buf + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("read");
		}
		if (!r) {
			if (!got)
				return 0;
			fprintf(stderr, "tcpgen: short message\n");
			exit(1);
		}
		got += r;
	}
	return 1;
}

/* Read and drop until EOF; a reset (reconnect's disconnect) ends it too. */
static void discard(int fd, char *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);

		if (r > 0 || (r < 0 && errno == EINTR))
			continue;
		if (r < 0 && errno != ECONNRESET)
			die("read");
		return;
	}
}

/* COUNT messages, each its own segment (TCP_NODELAY, GAP_US after it). */
static void serve_push(int fd, char *buf, size_t n)
{
	long long total = 0;
	int i;

	for (i = 0; i < count; i++) {
		write_all(fd, buf, len);
		total += len;
		nap_us(gap_us);
	}
	discard(fd, buf, n);
	printf("server: pushed %lld bytes\n", total);
}

/*
 * Write until the peer goes: EPIPE or ECONNRESET is how a flood ends
 * (unreadclose closes with data unread, so the kernel resets).  SIGPIPE
 * is ignored (do_server).
 */
static void serve_flood(int fd, char *buf)
{
	long long total = 0;

	for (;;) {
		int off = 0;

		while (off < len) {
			ssize_t w = write(fd, buf + off, len - off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EPIPE || errno == ECONNRESET)
					goto out;
				die("write");
			}
			off += w;
			total += w;
		}
		nap_us(gap_us);
	}
out:
	printf("server: flood ended after %lld bytes\n", total);
}

static void serve_one(int fd)
{
	static char buf[65536];
	long long total = 0;
	ssize_t r;

	nodelay(fd);
	if (!strcmp(mode, "push")) {
		serve_push(fd, buf, sizeof(buf));
		return;
	}
	if (!strcmp(mode, "give")) {	/* push, then close at once */
		int i;

		for (i = 0; i < count; i++)
			write_all(fd, buf, len);
		return;
	}
	if (!strcmp(mode, "flood")) {
		serve_flood(fd, buf);
		return;
	}
	if (!strcmp(mode, "hold")) {	/* keep the peer blocked in recv */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		return;
	}
	for (;;) {
		delay_read(fd);
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read");
		if (!r)
			break;
		total += r;
		if (!strcmp(mode, "echo"))
			write_all(fd, buf, r);
	}
	printf("server: connection done, %lld bytes received sleep_p50_ns %lld",
	       total, median(&sleeps));
	if (exthdr)
		printf(" exthdr_received %d", exthdr_received(fd));
	printf("\n");
}

static int do_server(void)
{
	union sockaddr_any sa;
	socklen_t sl = setup_addr(&sa, port);
	int lfd, fd, one = 1, qlen = 64, i;

	if (!mode)
		mode = "echo";
	if ((!strcmp(mode, "push") || !strcmp(mode, "flood") ||
	     !strcmp(mode, "give")) &&
	    len > 65536) {
		fprintf(stderr, "tcpgen: -l over 65536 for %s\n", mode);
		return 2;
	}
	/* a flood's peer goes away: write() then fails, not kills us */
	if (!strcmp(mode, "flood"))
		signal(SIGPIPE, SIG_IGN);
	lfd = tcp_socket();
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, &sa.sa, sl))
		die("bind");
	/* accept() only once data came (or SECS passed) */
	if (defer_secs && setsockopt(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT,
				     &defer_secs, sizeof(defer_secs)))
		die("TCP_DEFER_ACCEPT");
	/* before listen(): data in the SYN reaches accept()ed sockets */
	if (fastopen && setsockopt(lfd, IPPROTO_TCP, TCP_FASTOPEN,
				   &qlen, sizeof(qlen)))
		die("TCP_FASTOPEN");
	if (listen(lfd, 1024))
		die("listen");
	for (i = 0; i < conns; i++) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		if (forking) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (!pid) {
				close(lfd);
				serve_one(fd);
				_exit(0);
			}
		} else {
			serve_one(fd);
		}
		close(fd);
	}
	close(lfd);
	while (forking && wait(NULL) > 0)
		;
	return 0;
}

/*
 * COUNT round trips of LEN bytes on fd (or -d seconds' worth), each
 * timed into rtts; returns how many were made.  A bad echo exits.
 */
static int round_trips(int fd)
{
	char *buf = calloc(1, len), *back = malloc(len);
	long long end = now_ns() + (long long)(duration * 1e9);
	int i, n = duration > 0 ? 0x7fffffff : count;

	if (!buf || !back)
		die("malloc");
	for (i = 0; i < n; i++) {
		long long t0 = now_ns(), t_send = real_ns();

		if (duration > 0 && t0 >= end)
			break;

		memset(buf, 'a' + i % 26, len);
		write_all(fd, buf, len);
		if (!read_all(fd, back, len) || memcmp(buf, back, len)) {
			fprintf(stderr, "tcpgen: bad echo %d\n", i);
			exit(1);
		}
		add_sample(&rtts, now_ns() - t0);
		if (stamps)
			tx_stamps(fd, t_send);
	}
	free(buf);
	free(back);
	return i;
}

/*
 * -M: a child that moves this process to each of its CPUs in turn, as
 * fast as it can, until this process is gone.
 */
static void start_mover(void)
{
	pid_t parent = getpid();
	cpu_set_t all, one;
	long i;

	if (sched_getaffinity(0, sizeof(all), &all))
		die("sched_getaffinity");
	if (CPU_COUNT(&all) < 2) {
		fprintf(stderr, "tcpgen: -M needs two CPUs\n");
		exit(2);
	}
	if (fork())
		return;
	for (i = 0; getppid() == parent; i++) {
		if (!CPU_ISSET(i % CPU_SETSIZE, &all))
			continue;
		CPU_ZERO(&one);
		CPU_SET(i % CPU_SETSIZE, &one);
		sched_setaffinity(parent, sizeof(one), &one);
	}
	_exit(0);
}

/* The Internet checksum of @n bytes, folded in with @sum. */
static unsigned short csum(const void *p, size_t n, unsigned int sum)
{
	const unsigned char *b = p;

	for (; n > 1; n -= 2, b += 2)
		sum += b[0] << 8 | b[1];
	if (n)
		sum += b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

/* TCP_REPAIR: write_seq (TCP_SEND_QUEUE) or rcv_nxt (TCP_RECV_QUEUE) */
static unsigned int repair_seq(int fd, int q)
{
	int on = TCP_REPAIR_ON, off = TCP_REPAIR_OFF_NO_WP;
	unsigned int seq;
	socklen_t n = sizeof(seq);

	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
	    getsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, &seq, &n) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &off, sizeof(off)))
		die("TCP_REPAIR");
	return seq;
}

static int wait_unread(int fd, long long n);

static int do_overlap(void)
{
	struct {
		struct iphdr ip;
		struct tcphdr tcp;
		char data[150];
	} __attribute__((packed)) pkt;
	struct {
		unsigned int src, dst;
		unsigned char zero, proto;
		unsigned short len;
	} __attribute__((packed)) ph;
	struct linger lg = { .l_onoff = 1 };
	union sockaddr_any sa, ca;
	socklen_t sl = setup_addr(&sa, port), cl = sizeof(ca);
	int lfd = tcp_socket(), cfd, sfd, raw, one = 1;
	unsigned int rcv_nxt, ack;
	char buf[200];

	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, &sa.sa, sl) || listen(lfd, 1))
		die("listen");
	cfd = dial();
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0 || getsockname(cfd, &ca.sa, &cl))
		die("accept");
	memset(buf, 'a', 100);
	write_all(cfd, buf, 100);
	wait_unread(sfd, 100);
	rcv_nxt = repair_seq(sfd, TCP_RECV_QUEUE);
	ack = repair_seq(sfd, TCP_SEND_QUEUE);

	memset(&pkt, 0, sizeof(pkt));
	memset(pkt.data, 'a', 50);
	memset(pkt.data + 50, 'b', 100);
	pkt.ip.version = 4;
	pkt.ip.ihl = 5;
	pkt.ip.ttl = 64;
	pkt.ip.protocol = IPPROTO_TCP;
	pkt.ip.tot_len = htons(sizeof(pkt));
	pkt.ip.saddr = ca.in.sin_addr.s_addr;
	pkt.ip.daddr = sa.in.sin_addr.s_addr;
	pkt.tcp.source = ca.in.sin_port;
	pkt.tcp.dest = sa.in.sin_port;
	pkt.tcp.seq = htonl(rcv_nxt - 50);
	pkt.tcp.ack_seq = htonl(ack);
	pkt.tcp.doff = 5;
	pkt.tcp.ack = 1;
	pkt.tcp.psh = 1;
	pkt.tcp.window = htons(65535);
	ph.src = pkt.ip.saddr;
	ph.dst = pkt.ip.daddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = htons(sizeof(pkt) - sizeof(pkt.ip));
	pkt.tcp.check = htons(csum(&pkt.tcp, sizeof(pkt) - sizeof(pkt.ip),
				   (unsigned short)~csum(&ph, sizeof(ph), 0)));
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (raw < 0 || sendto(raw, &pkt, sizeof(pkt), 0, &sa.sa, sl) !=
	    (ssize_t)sizeof(pkt))
		die("raw send");
	wait_unread(sfd, 200);
	if (read_all(sfd, buf, 200) != 1 || buf[99] != 'a' || buf[100] != 'b' ||
	    buf[199] != 'b') {
		fprintf(stderr, "tcpgen: overlap: not the bytes sent\n");
		return 1;
	}
	/* the client's sequence space is behind the server's now: reset */
	setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	setsockopt(sfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(cfd);
	close(sfd);
	close(raw);
	printf("overlap: 100 bytes, then 50 of them again with 100 new\n");
	return 0;
}

static int do_pingpong(void)
{
	int fd = dial();
	long long start = now_ns();

	if (stamps)
		enable_stamps(fd);
	count = round_trips(fd);
	if (exthdr)
		printf("exthdr_received %d\n", exthdr_received(fd));
	close(fd);
	if (duration > 0)
		printf("tps %.1f\n", count / ((now_ns() - start) / 1e9));
	printf("pingpong: %d messages of %d bytes rtt_p50_ns %lld rtt_max_ns %lld sleep_p50_ns %lld",
	       count, len, median(&rtts), maximum(&rtts), median(&sleeps));
	if (stamps)
		printf(" tx_p50_ns %lld qdisc_p50_ns %lld rx_p50_ns %lld stamped %d/%d/%d",
		       median(&ts_tx), median(&ts_qdisc), median(&ts_rx),
		       ts_tx.n, ts_qdisc.n, ts_rx.n);
	printf("\n");
	return 0;
}

/* MSG_ZEROCOPY: send calls made, and completions the kernel reported. */
static long long zc_sends, zc_done, zc_copied, zc_notes;

/* Take the zerocopy completions off the error queue; how many there were. */
static int zc_drain(int fd)
{
	char ctl[128];
	int got = 0;

	for (;;) {
		struct msghdr m = { .msg_control = ctl,
				    .msg_controllen = sizeof(ctl) };
		struct cmsghdr *c;

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return got;
			die("recvmsg MSG_ERRQUEUE");
		}
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			struct sock_extended_err *e =
				(struct sock_extended_err *)CMSG_DATA(c);

			if (!((c->cmsg_level == SOL_IP &&
			       c->cmsg_type == IP_RECVERR) ||
			      (c->cmsg_level == SOL_IPV6 &&
			       c->cmsg_type == IPV6_RECVERR)) ||
			    e->ee_origin != SO_EE_ORIGIN_ZEROCOPY)
				continue;
			/* one notification covers the sends ee_info..ee_data */
			zc_done += (__u32)(e->ee_data - e->ee_info) + 1;
			zc_notes++;
			/* the kernel had to copy after all (e.g. loopback) */
			if (e->ee_code & SO_EE_CODE_ZEROCOPY_COPIED)
				zc_copied++;
		}
		got++;
	}
}

/* Wait until the completions cover the first `want` sends. */
static void zc_wait(int fd, long long want)
{
	while (zc_done < want) {
		struct pollfd p = { .fd = fd };	/* POLLERR: always polled */

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			die("poll");
		/* POLLERR or POLLHUP without a completion: do not spin */
		if (!zc_drain(fd))
			usleep(1000);
	}
}

/*
 * send() with MSG_ZEROCOPY: the kernel sends from our pages and says on
 * the error queue when it let go of them; our buffer never changes.
 */
static void zc_send(int fd, const char *buf, size_t n)
{
	while (n) {
		struct pollfd p = { .fd = fd };
		ssize_t w;

		if (poll(&p, 1, 0) > 0 && (p.revents & POLLERR))
			zc_drain(fd);
		w = send(fd, buf, n, MSG_ZEROCOPY);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* pending completions use up optmem: wait for one */
			if (errno == ENOBUFS && zc_done < zc_sends) {
				zc_wait(fd, zc_done + 1);
				continue;
			}
			die("send MSG_ZEROCOPY");
		}
		zc_sends++;
		buf += w;
		n -= w;
	}
}

static int do_stream(void)
{
	static char buf[1 << 20];
	long long left = bytes, start = now_ns(), sent = 0;
	int fd = dial(), one = 1, sndbuf = 32768, w, status;

	if (len > (int)sizeof(buf))
		len = sizeof(buf);
	/*
	 * -W: that many processes write on the one socket at once, each its
	 * share: their calls wait for memory with the socket lock released,
	 * and interleave.  A send buffer (64 KiB once the kernel doubles it)
	 * smaller than a write makes every write wait half-way, whatever
	 * the buffer autotuning would have grown to.
	 */
	if (writers > 1 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)))
		die("SO_SNDBUF");
	for (w = 1; w < writers; w++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid)
			break;
	}
	if (writers > 1)
		left = bytes / writers;
	if (zerocopy) {
		if (setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)))
			die("SO_ZEROCOPY");
		/* real pages to pin, not the shared zero page of untouched bss */
		memset(buf, 'z', sizeof(buf));
	}
	if (duration > 0)
		left = 1LL << 62;
	while (left > 0) {
		size_t n = left < len ? left : len;

		if (duration > 0 && now_ns() - start >= duration * 1e9)
			break;
		if (zerocopy)
			zc_send(fd, buf, n);
		else
			write_all(fd, buf, n);
		left -= n;
		sent += n;
		nap_us(gap_us);
	}
	/* the pages are the kernel's until it says so */
	if (zerocopy)
		zc_wait(fd, zc_sends);
	if (writers > 1 && w < writers)	/* a child writer */
		_exit(0);
	while (writers > 1 && wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	close(fd);
	if (writers > 1)
		sent = bytes / writers * writers;
	printf("stream: %lld bytes\n", sent);
	if (zerocopy)
		printf("zerocopy: %lld sends completed, %lld notifications, %lld copied\n",
		       zc_done, zc_notes, zc_copied);
	if (duration > 0)
		printf("bytes_per_s %.0f\n", sent / ((now_ns() - start) / 1e9));
	return 0;
}

/* The data rides on the SYN; ECONNREFUSED while the server starts. */
static int fastopen_dial(const char *buf)
{
	union sockaddr_any sa;
	socklen_t sl = setup_addr(&sa, port);
	ssize_t w;
	int fd, tries;

	for (tries = 0; ; tries++) {
		fd = tcp_socket();
		w = sendto(fd, buf, len, MSG_FASTOPEN, &sa.sa, sl);
		if (w >= 0)
			break;
		if (errno != ECONNREFUSED || tries == 200)
			die("sendto MSG_FASTOPEN");
		close(fd);
		usleep(10000);
	}
	write_all(fd, buf + w, len - w);
	return fd;
}

/*
 * COUNT connections, each LEN bytes one way and their echo back: connected
 * first (churn), or with the data on the SYN (fastopen).
 */
static int connections(const char *what, int tfo)
{
	char *buf = calloc(1, len), *back = malloc(len);
	int i;

	if (!buf || !back)
		die("malloc");
	for (i = 0; i < count; i++) {
		int fd = tfo ? fastopen_dial(buf) : dial();

		if (tfo)
			nodelay(fd);
		else
			write_all(fd, buf, len);
		if (!read_all(fd, back, len)) {
			fprintf(stderr, "tcpgen: no echo %d\n", i);
			return 1;
		}
		close(fd);
	}
	printf("%s: %d connections\n", what, count);
	return 0;
}

static int do_block(void)
{
	char c;
	int fd = dial();

	printf("block: connected, reading\n");
	fflush(stdout);
	return read(fd, &c, 1) < 0;
}

/* Wait until at least n bytes sit unread in fd's receive queue. */
static int wait_unread(int fd, long long n)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	int q;

	for (;;) {
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			die("poll");
		if (ioctl(fd, SIOCINQ, &q))
			die("SIOCINQ");
		if (q >= n)
			return q;
		if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			fprintf(stderr, "tcpgen: peer ended with %d of %lld bytes unread\n",
				q, n);
			exit(1);
		}
		/* POLLIN stays set: give more data time to come */
		usleep(1000);
	}
}

/* connect() fd to ADDR:p, retrying while the server starts. */
static void redial(int fd, int p)
{
	union sockaddr_any sa;
	socklen_t sl = setup_addr(&sa, p);
	int tries;

	/* a refused connect leaves the socket unconnected, free to retry */
	for (tries = 0; connect(fd, &sa.sa, sl); tries++) {
		if (errno != ECONNREFUSED || tries == 200)
			die("connect");
		usleep(10000);
	}
}

static int do_reconnect(void)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int fd, unread;

	if (!port2) {
		fprintf(stderr, "tcpgen: reconnect needs -P PORT2\n");
		return 2;
	}
	fd = dial();
	wait_unread(fd, bytes);
	nap_us(wait_ms * 1000LL);
	if (ioctl(fd, SIOCINQ, &unread))
		die("SIOCINQ");
	/* the kernel drops the connection and its unread data (a RST) */
	if (connect(fd, &unspec, sizeof(unspec)))
		die("connect AF_UNSPEC");
	redial(fd, port2);
	nodelay(fd);
	count = round_trips(fd);
	close(fd);
	printf("reconnect: unread %d bytes, waited %d ms, then %d round trips rtt_p50_ns %lld rtt_max_ns %lld\n",
	       unread, wait_ms, count, median(&rtts), maximum(&rtts));
	return 0;
}

/* The body: a regular file of n bytes, unlinked at once (no leftovers). */
static int body_file(long long n)
{
	char path[] = "/tmp/tcpgen.XXXXXX", buf[65536];
	int fd = mkstemp(path);

	if (fd < 0)
		die("mkstemp");
	unlink(path);
	memset(buf, 'b', sizeof(buf));
	while (n > 0) {
		size_t k = n < (long long)sizeof(buf) ? n : (long long)sizeof(buf);

		write_all(fd, buf, k);
		n -= k;
	}
	return fd;
}

static void send_by_sendfile(int fd, int file)
{
	off_t off = 0;

	while (off < bytes) {
		ssize_t w = sendfile(fd, file, &off, bytes - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("sendfile");
	}
}

/* file -> pipe -> socket, the pages moved, not copied, where they can be */
static void send_by_splice(int fd, int file, int pipefd[2])
{
	loff_t off = 0;

	while (off < bytes) {
		long long left = bytes - off;
		ssize_t in = splice(file, &off, pipefd[1], NULL,
				    left < 65536 ? left : 65536, SPLICE_F_MOVE);

		if (in < 0 && errno == EINTR)
			continue;
		if (in <= 0)
			die("splice from file");
		while (in > 0) {
			ssize_t w = splice(pipefd[0], NULL, fd, NULL, in,
					   SPLICE_F_MOVE);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				die("splice to socket");
			in -= w;
		}
	}
}

static int do_sendfile(void)
{
	const char *how = mode ? mode : "sendfile";
	int use_splice = !strcmp(how, "splice"), pipefd[2], fd, file, i;
	char *head = calloc(1, len + 1);

	if (!use_splice && strcmp(how, "sendfile")) {
		fprintf(stderr, "tcpgen: -m sendfile|splice\n");
		return 2;
	}
	if (!head)
		die("malloc");
	if (use_splice && pipe(pipefd))
		die("pipe");
	file = body_file(bytes);
	fd = dial();
	for (i = 0; i < count; i++) {
		memset(head, 'h', len);
		write_all(fd, head, len);	/* -l 0: sendfile alone */
		nap_us(wait_ms * 1000LL);
		if (use_splice)
			send_by_splice(fd, file, pipefd);
		else
			send_by_sendfile(fd, file);
	}
	close(fd);
	printf("sendfile: %d x (%d + %lld) bytes via %s\n", count, len, bytes, how);
	return 0;
}

/*
 * Kernel TLS transmit with a zero key: the kernel frames and encrypts
 * each write as a TLS 1.2 record.  No handshake: the peer is a sink.
 */
static int do_ktls(void)
{
	struct tls12_crypto_info_aes_gcm_128 ci;
	char *buf = calloc(1, len);
	int fd = dial(), i;

	if (!buf)
		die("malloc");
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls"))) {
		if (errno != ENOENT)
			die("TCP_ULP tls");
		/* no tls module: not a failure of the run, a skip */
		printf("ktls: unsupported: %s\n", strerror(errno));
		exit(77);
	}
	memset(&ci, 0, sizeof(ci));
	ci.info.version = TLS_1_2_VERSION;
	ci.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	if (setsockopt(fd, SOL_TLS, TLS_TX, &ci, sizeof(ci)))
		die("TLS_TX");
	for (i = 0; i < count; i++) {
		write_all(fd, buf, len);
		nap_us(gap_us);
	}
	close(fd);
	printf("ktls: %d records of %d bytes\n", count, len);
	return 0;
}

/* close() with data unread: the kernel resets the connection. */
static int do_unreadclose(void)
{
	int i;

	for (i = 0; i < count; i++) {
		int fd = dial();

		wait_unread(fd, bytes);
		close(fd);
	}
	printf("unreadclose: %d connections\n", count);
	return 0;
}

static int do_lag(void)
{
	int *fd = calloc(conns, sizeof(*fd)), i;
	long long total = 0;
	char buf[65536];
	ssize_t r;

	if (!fd || !gofile)
		die("lag: -G GOFILE");
	for (i = 0; i < conns; i++)
		fd[i] = dial();
	for (i = 0; i < conns; i++)
		wait_unread(fd[i], bytes);
	printf("lag: ready\n");
	while (access(gofile, F_OK))
		usleep(10000);
	for (i = 0; i < conns; i++) {
		/* the push server reads to our end, then closes */
		shutdown(fd[i], SHUT_WR);
		while ((r = read(fd[i], buf, sizeof(buf))) > 0)
			total += r;
		if (r < 0)
			die("read");
		close(fd[i]);
	}
	free(fd);
	printf("lag: read %lld bytes\n", total);
	return 0;
}

/* Accept one connection, blocking; TCP_NODELAY on it. */
static int accept_one(int lfd)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		die("accept");
	nodelay(fd);
	return fd;
}

/* The value at quantile @q of @s (sorted), nearest rank. */
static long long quantile(const struct samples *s, double q)
{
	int k = (int)(q * s->n + 0.999999);

	if (!s->n)
		return 0;
	return s->v[k < 1 ? 0 : k > s->n ? s->n - 1 : k - 1];
}

/* Stamps of a paced writer: SCHED and SND per message, by OPT_ID key. */
static void paced_stamps(int fd, long long *sched_at, long long *snd_at)
{
	char ctl[512];

	for (;;) {
		struct msghdr m = { .msg_control = ctl,
				    .msg_controllen = sizeof(ctl) };
		unsigned int key = 0;
		int type = -1;
		long long t;

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		t = cmsg_stamp_key(&m, &type, &key);
		if (!t || key / len >= (unsigned int)count)
			continue;
		if (type == SCM_TSTAMP_SCHED)
			sched_at[key / len] = t;
		else if (type == SCM_TSTAMP_SND)
			snd_at[key / len] = t;
	}
}

/*
 * The writer of paced: -S also prints the percentiles of write() ->
 * driver (paced_tx_*) and qdisc -> driver (paced_qdisc_*), from the
 * kernel's stamps; TCP stamps the last call a segment carries, so these
 * count one per segment, as netlat does.
 */
static int paced_write(char *msg)
{
	long long *wrote = calloc(count, sizeof(*wrote)), t;
	long long *sched_at = calloc(count, sizeof(*sched_at));
	long long *snd_at = calloc(count, sizeof(*snd_at));
	struct samples tx = { 0 }, qdisc = { 0 };
	int fd = dial(), held = 0, unsent, n, i;

	if (!wrote || !sched_at || !snd_at)
		die("paced: memory");
	if (stamps) {
		/*
		 * The stamps queue in our receive memory: while a write blocks,
		 * a small buffer would drop the longest waits' stamps.
		 */
		n = 16 << 20;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n));
		enable_stamps(fd);
		/* and no write blocks: every message waits as a queued call */
		setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &n, sizeof(n));
	}
	for (n = 0; n < count; n++) {
		t = now_ns();
		memcpy(msg, &t, sizeof(t));
		wrote[n] = real_ns();
		write_all(fd, msg, len);
		/* still in our socket: it waits here, not at the reader */
		if (!ioctl(fd, SIOCOUTQNSD, &unsent) && unsent > 0)
			held++;
		/* stamps queue in our receive memory: take them as they come */
		if (stamps)
			paced_stamps(fd, sched_at, snd_at);
		nap_us(gap_us);
	}
	printf("paced_held %d\n", held);
	if (stamps) {
		/* the last stamps come once the last bytes are at the driver */
		for (i = 0; i < 6000 && (ioctl(fd, SIOCOUTQNSD, &unsent) ||
					unsent > 0 || i < 20); i++) {
			nap_us(10000);
			paced_stamps(fd, sched_at, snd_at);
		}
		nap_us(20000);	/* the stamps of the last bytes sent */
		paced_stamps(fd, sched_at, snd_at);
		for (n = 0; n < count; n++) {
			if (!snd_at[n])
				continue;
			add_sample(&tx, snd_at[n] - wrote[n]);
			if (sched_at[n])
				add_sample(&qdisc, snd_at[n] - sched_at[n]);
		}
		qsort(tx.v, tx.n, sizeof(*tx.v), cmp_ll);
		qsort(qdisc.v, qdisc.n, sizeof(*qdisc.v), cmp_ll);
		printf("paced_tx_stamps %d\n", tx.n);
		printf("paced_tx_p50_ns %lld\npaced_tx_p90_ns %lld\n",
		       quantile(&tx, 0.5), quantile(&tx, 0.9));
		printf("paced_tx_p99_ns %lld\n", quantile(&tx, 0.99));
		printf("paced_tx_max_ns %lld\n", tx.n ? tx.v[tx.n - 1] : 0);
		printf("paced_qdisc_p50_ns %lld\npaced_qdisc_p99_ns %lld\n",
		       quantile(&qdisc, 0.5), quantile(&qdisc, 0.99));
	}
	close(fd);
	return 0;
}

/*
 * paced -m write dials ADDR and writes COUNT messages of LEN bytes, GAP_US
 * apart, each starting with the time it was written.  paced (the reader)
 * listens on ADDR, accepts one connection and reads at most BYTES every
 * SLEEP_US until EOF.  Each message waited from its write to the read that
 * took its last byte: the truth a netlat histogram of the same messages
 * must show (the stack's own microseconds aside).  CLOCK_MONOTONIC is one
 * clock for every netns of a machine.
 */
static int do_paced(void)
{
	union sockaddr_any sa;
	socklen_t sl = setup_addr(&sa, port);
	int lfd, fd, one = 1, n;
	long long sent = 0, got = 0, t;
	char *msg = calloc(1, len), *buf = malloc(bytes);
	struct samples waits = { 0 };
	ssize_t r, i;

	if (!msg || len < (int)sizeof(t))
		die("paced: -l >= 8");
	if (mode && !strcmp(mode, "write"))
		return paced_write(msg);
	if (!buf || !bytes || !sleep_us)
		die("paced: -b and -s");
	lfd = tcp_socket();
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/*
	 * Room for the whole backlog in truesize: TCP would otherwise
	 * collapse the queue and clamp the window, and the writer's data
	 * wait in the writer.  Root only; without it, paced_held tells (as
	 * it does for messages under the receiver's MSS estimate, 536 at
	 * first: TCP then acks only now and then, and the writer runs out
	 * of congestion window).  -m slow: the default buffer, so that the
	 * writer's data does wait in the writer.
	 */
	if (!mode || strcmp(mode, "slow")) {
		n = 16 << 20;
		setsockopt(lfd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n));
	}
	if (bind(lfd, &sa.sa, sl) || listen(lfd, 1))
		die("listen");
	fd = accept_one(lfd);
	for (;;) {
		nap_us(sleep_us);
		r = read(fd, buf, bytes);
		if (r < 0)
			die("read");
		if (!r)
			break;
		t = now_ns();
		for (i = 0; i < r; i++, got++) {
			/* the first 8 bytes of a message: when it was written */
			if (got % len < (long long)sizeof(sent))
				((char *)&sent)[got % len] = buf[i];
			if (got % len == len - 1)
				add_sample(&waits, t - sent);
		}
	}
	qsort(waits.v, waits.n, sizeof(*waits.v), cmp_ll);
	printf("paced_messages %d\n", waits.n);
	printf("paced_p50_ns %lld\npaced_p90_ns %lld\npaced_p99_ns %lld\n",
	       quantile(&waits, 0.5), quantile(&waits, 0.9),
	       quantile(&waits, 0.99));
	printf("paced_max_ns %lld\n", waits.n ? waits.v[waits.n - 1] : 0);
	return waits.n == count ? 0 : 1;
}

/*
 * bulk: the truth per skb for iperf3's kind of traffic.  A bulk stream is
 * cut into skbs by TCP, GSO and GRO, not by the writer's calls, so a
 * message's write time says nothing of when its bytes arrived; and the
 * RX stamp a read returns is that of the receive queue's skb, into which
 * TCP coalesces several arrivals.  So a packet socket beside the reader
 * takes every skb the reader's netns receives, at the device layer and
 * after GRO (where netlat's rx path starts, one GRO'd skb one record), with
 * its kernel RX stamp and its sequence range; the reader notes when each of
 * its reads returned.  An skb waited from its stamp to the read that took
 * its last byte: a truth weighted per skb, as netlat's histograms are.  A
 * copy of bytes already received and bytes never read are not counted.
 */
struct bulk_skb {
	long long start, end, stamp;	/* its bytes' stream offsets, RX stamp */
};

struct bulk_flow {
	unsigned int sport, isn;	/* from its SYN: the first byte is isn + 1 */
	long long *ends, *read_at;	/* a read: its end offset, when it returned */
	int nreads, creads;
	struct bulk_skb *skbs;		/* as received */
	int nskbs, cskbs;
};

static struct bulk_flow *bulk_flows;
static int nbulk_flows;
static long long bulk_unstamped, bulk_stray;

/* Append (@a, @b) to the pair of arrays @x, @y of *@n elements. */
static void bulk_push(long long **x, long long **y, int *n, int *cap,
		      long long a, long long b)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		*x = realloc(*x, *cap * sizeof(**x));
		*y = realloc(*y, *cap * sizeof(**y));
		if (!*x || !*y)
			die("bulk: memory");
	}
	(*x)[*n] = a;
	(*y)[(*n)++] = b;
}

static unsigned int be32_at(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Take what the packet socket @pfd holds: SYNs open flows, data skbs. */
static void bulk_capture(int pfd)
{
	unsigned char pkt[160];
	char ctl[512];

	for (;;) {
		struct sockaddr_ll sll;
		struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
		struct msghdr m = { .msg_name = &sll,
				    .msg_namelen = sizeof(sll),
				    .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl,
				    .msg_controllen = sizeof(ctl) };
		const unsigned char *tcp;
		unsigned int sport, seq, hl;
		struct bulk_flow *f;
		long long t, start;
		ssize_t r = recvmsg(pfd, &m, MSG_DONTWAIT | MSG_TRUNC);
		int i;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				die("bulk: capture");
			return;
		}
		if (sll.sll_pkttype == PACKET_OUTGOING || r < 40)
			continue;
		/* IPv4 with options or IPv6 without extension headers */
		if (pkt[0] >> 4 == 4 && pkt[9] == IPPROTO_TCP)
			hl = (pkt[0] & 15) * 4;
		else if (pkt[0] >> 4 == 6 && pkt[6] == IPPROTO_TCP)
			hl = 40;
		else
			continue;
		tcp = pkt + hl;
		if (hl + 20 > sizeof(pkt) || (tcp[2] << 8 | tcp[3]) != port)
			continue;
		sport = tcp[0] << 8 | tcp[1];
		seq = be32_at(tcp + 4);
		if ((tcp[13] & 0x12) == 0x02) {		/* SYN, not SYN-ACK */
			bulk_flows = realloc(bulk_flows, (nbulk_flows + 1) *
					     sizeof(*bulk_flows));
			if (!bulk_flows)
				die("bulk: memory");
			memset(&bulk_flows[nbulk_flows], 0, sizeof(*bulk_flows));
			bulk_flows[nbulk_flows].sport = sport;
			bulk_flows[nbulk_flows++].isn = seq;
			continue;
		}
		hl += (tcp[12] >> 4) * 4;
		if (r <= hl)
			continue;		/* no data */
		for (i = nbulk_flows - 1; i >= 0; i--)
			if (bulk_flows[i].sport == sport)
				break;
		if (i < 0) {
			bulk_stray++;
			continue;
		}
		t = cmsg_stamp(&m, NULL);
		if (!t) {
			bulk_unstamped++;
			continue;
		}
		f = &bulk_flows[i];
		if (f->nskbs == f->cskbs) {
			f->cskbs = f->cskbs ? 2 * f->cskbs : 1024;
			f->skbs = realloc(f->skbs, f->cskbs * sizeof(*f->skbs));
			if (!f->skbs)
				die("bulk: memory");
		}
		start = (unsigned int)(seq - f->isn - 1);
		f->skbs[f->nskbs++] = (struct bulk_skb){ start, start + r - hl, t };
	}
}

/* The flow of the accepted connection @fd. */
static struct bulk_flow *bulk_flow_of(int fd)
{
	union sockaddr_any sa;
	socklen_t sl = sizeof(sa);
	unsigned int p;
	int i;

	if (getpeername(fd, &sa.sa, &sl))
		die("getpeername");
	p = ntohs(sa.sa.sa_family == AF_INET6 ? sa.in6.sin6_port :
		  sa.in.sin_port);
	for (i = nbulk_flows - 1; i >= 0; i--)
		if (bulk_flows[i].sport == p)
			return &bulk_flows[i];
	fprintf(stderr, "tcpgen: bulk: no SYN captured from port %u\n", p);
	exit(1);
}

/*
 * Each skb's wait, from its stamp to the read that took its last byte, in
 * the order they arrived.  An skb whose bytes all came before is a copy
 * (netlat's duplicate); one that fills a hole after a loss is not.
 */
static void bulk_waits(struct bulk_flow *f, struct samples *waits,
		       long long *dups, long long *unread)
{
	long long *from = NULL, *to = NULL;	/* bytes received: intervals */
	long long a, e;
	int n = 0, cap = 0, i, j, lo, hi;

	for (i = 0; i < f->nskbs; i++) {
		const struct bulk_skb *b = &f->skbs[i];

		for (j = 0; j < n && !(from[j] <= b->start && b->end <= to[j]); j++)
			;
		if (j < n) {
			(*dups)++;
			continue;
		}
		/* add [start, end), merging the intervals it touches */
		a = b->start;
		e = b->end;
		for (j = 0; j < n; ) {
			if (to[j] < a || e < from[j]) {
				j++;
				continue;
			}
			a = from[j] < a ? from[j] : a;
			e = to[j] > e ? to[j] : e;
			n--;
			from[j] = from[n];
			to[j] = to[n];
		}
		bulk_push(&from, &to, &n, &cap, a, e);
		lo = 0;
		hi = f->nreads;
		while (lo < hi) {	/* the first read that reached its end */
			int mid = (lo + hi) / 2;

			if (f->ends[mid] >= b->end)
				hi = mid;
			else
				lo = mid + 1;
		}
		if (lo == f->nreads)
			(*unread)++;
		else
			add_sample(waits, f->read_at[lo] - b->stamp);
	}
	free(from);
	free(to);
}

static int bulk_write(void)
{
	char *buf = calloc(1, len);
	int i, n, fd, status, bad = 0;

	if (!buf)
		die("bulk: memory");
	for (i = 0; i < conns; i++) {
		if (fork())
			continue;
		fd = dial();
		for (n = 0; n < count; n++)
			write_all(fd, buf, len);
		close(fd);
		_exit(0);
	}
	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	return bad;
}

static int do_bulk(void)
{
	union sockaddr_any sa;
	socklen_t sl = setup_addr(&sa, port);
	int v = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	int lfd, pfd, one = 1, open, i, n = 256 << 20;
	struct tpacket_stats ps;
	socklen_t psl = sizeof(ps);
	struct samples waits = { 0 };
	long long dups = 0, unread = 0, bytes_read = 0;
	struct bulk_flow **flow;
	char *buf = malloc(bytes);
	int *fd = calloc(conns, sizeof(*fd));

	if (mode && !strcmp(mode, "write"))
		return bulk_write();
	flow = calloc(conns, sizeof(*flow));
	if (!buf || !fd || !flow || !bytes || !sleep_us)
		die("bulk: -b and -s");
	/* before the listener: every SYN is seen */
	pfd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (pfd < 0 ||
	    setsockopt(pfd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n)) ||
	    setsockopt(pfd, SOL_SOCKET, SO_TIMESTAMPING, &v, sizeof(v)))
		die("bulk: packet socket");
	lfd = tcp_socket();
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* -m deep: a 16 MiB buffer, thousands of skbs queued */
	n = 16 << 20;
	if (mode && !strcmp(mode, "deep"))
		setsockopt(lfd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n));
	if (bind(lfd, &sa.sa, sl) || listen(lfd, conns))
		die("listen");
	for (i = 0; i < conns; i++)
		fd[i] = accept_one(lfd);
	bulk_capture(pfd);
	for (i = 0; i < conns; i++)
		flow[i] = bulk_flow_of(fd[i]);
	for (open = conns; open; ) {
		nap_us(sleep_us);
		bulk_capture(pfd);
		for (i = 0; i < conns; i++) {
			ssize_t r;

			if (fd[i] < 0)
				continue;
			r = recv(fd[i], buf, bytes, MSG_DONTWAIT);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r < 0)
				die("bulk: read");
			if (!r) {
				close(fd[i]);
				fd[i] = -1;
				open--;
				continue;
			}
			bytes_read += r;
			bulk_push(&flow[i]->ends, &flow[i]->read_at,
				  &flow[i]->nreads, &flow[i]->creads,
				  (flow[i]->nreads ?
				   flow[i]->ends[flow[i]->nreads - 1] : 0) + r,
				  real_ns());
		}
	}
	bulk_capture(pfd);
	if (getsockopt(pfd, SOL_PACKET, PACKET_STATISTICS, &ps, &psl))
		die("PACKET_STATISTICS");
	for (i = 0; i < conns; i++)
		bulk_waits(flow[i], &waits, &dups, &unread);
	qsort(waits.v, waits.n, sizeof(*waits.v), cmp_ll);
	printf("bulk_bytes_read %lld\nbulk_skbs %d\n", bytes_read, waits.n);
	printf("bulk_duplicates %lld\nbulk_unread %lld\n", dups, unread);
	printf("bulk_p50_ns %lld\nbulk_p90_ns %lld\nbulk_p99_ns %lld\n",
	       quantile(&waits, 0.5), quantile(&waits, 0.9),
	       quantile(&waits, 0.99));
	printf("bulk_min_ns %lld\nbulk_max_ns %lld\n",
	       waits.n ? waits.v[0] : 0, waits.n ? waits.v[waits.n - 1] : 0);
	printf("bulk_capture_drops %u\nbulk_unstamped %lld\nbulk_stray %lld\n",
	       ps.tp_drops, bulk_unstamped, bulk_stray);
	/* a truth with holes is no truth */
	return ps.tp_drops || bulk_unstamped || bulk_stray ||
	       (waits.n && waits.v[0] < 0);
}

/*
 * Connections per listening port.  connect() looks for a free ephemeral
 * port from an offset per destination, walking past the ports its
 * destination uses already: per destination, opening N connections costs
 * N^2/2 steps, so many ports with few connections each.
 */
#define SCALE_PER_PORT 1000

/*
 * Step @step of round trip @r on active connection @k of -W (ends in @cfd
 * and @sfd, spread evenly over the -c): 0 the request, 1 its echo, 2 the
 * client reads it back.
 */
static void scale_step(int step, int r, int k, const int *cfd,
		       const int *sfd, char *buf, char *back)
{
	int i = (int)((long long)k * conns / writers);
	int c = cfd[i], s = sfd[i];

	memset(buf, 'a' + (r + k) % 26, len);
	if (step == 0) {
		write_all(c, buf, len);
	} else if (step == 1) {
		if (!read_all(s, back, len))
			die("scale: server read");
		write_all(s, back, len);
	} else if (!read_all(c, back, len) || memcmp(buf, back, len)) {
		fprintf(stderr, "tcpgen: bad echo %d/%d\n", r, k);
		exit(1);
	}
}

static int do_scale(void)
{
	int nports = (conns + SCALE_PER_PORT - 1) / SCALE_PER_PORT;
	int *cfd = calloc(conns, sizeof(int)), *sfd = calloc(conns, sizeof(int));
	int *lfd = calloc(nports, sizeof(int));
	char *buf = calloc(1, len), *back = malloc(len);
	rlim_t need = 2 * (rlim_t)conns + 64 + nports;
	struct rlimit rl;
	int base = port, i, r, k, step, one = 1, active = writers;
	int burst = mode && !strcmp(mode, "burst");
	long long start;

	if (!cfd || !sfd || !lfd || !buf || !back)
		die("malloc");
	if (active > conns) {
		fprintf(stderr, "tcpgen: -W ACTIVE over -c CONNS\n");
		return 2;
	}
	/* two descriptors a connection: raise the limit (past the hard one: root) */
	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	if (rl.rlim_cur < need) {
		rl.rlim_cur = need;
		if (rl.rlim_max < need)
			rl.rlim_max = need;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die("setrlimit RLIMIT_NOFILE (fs.nr_open?)");
	}
	for (i = 0; i < nports; i++) {
		union sockaddr_any sa;
		socklen_t sl = setup_addr(&sa, base + i);

		lfd[i] = tcp_socket();
		setsockopt(lfd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd[i], &sa.sa, sl) || listen(lfd[i], 1024))
			die("bind/listen");
	}
	for (i = 0; i < conns; i++) {
		port = base + i / SCALE_PER_PORT;
		cfd[i] = dial();
		sfd[i] = accept_one(lfd[i / SCALE_PER_PORT]);
	}
	printf("scale: %d connections open\n", conns);
	start = now_ns();
	for (r = 0; r < count; r++) {
		if (burst) {	/* every request, then every echo, then every read */
			for (step = 0; step < 3; step++)
				for (k = 0; k < active; k++)
					scale_step(step, r, k, cfd, sfd, buf, back);
		} else {	/* one round trip after the other */
			for (k = 0; k < active; k++)
				for (step = 0; step < 3; step++)
					scale_step(step, r, k, cfd, sfd, buf, back);
		}
	}
	printf("scale_ns %lld\n", now_ns() - start);
	printf("scale: %d connections, %d active%s, %d rounds, %lld round trips of %d bytes\n",
	       conns, active, burst ? " at once" : " in turn", count,
	       (long long)count * active, len);
	for (i = 0; i < conns; i++) {
		close(cfd[i]);
		close(sfd[i]);
	}
	for (i = 0; i < nports; i++)
		close(lfd[i]);
	return 0;
}

int main(int argc, char **argv)
{
	int opt, cpu = -1, timeout = 600;
	const char *cmd;

	if (argc < 2) {
		fprintf(stderr, "usage: tcpgen server|pingpong|stream|churn|block|"
			"reconnect|sendfile|ktls|fastopen|unreadclose|scale|lag|paced|bulk|overlap [options]\n");
		return 2;
	}
	cmd = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "a:p:m:c:s:C:n:l:b:t:Sfd:g:P:w:D:FzW:EG:M")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'm': mode = optarg; break;
		case 'c': conns = atoi(optarg); break;
		case 's': sleep_us = atoi(optarg); break;
		case 'C': cpu = atoi(optarg); break;
		case 'n': count = atoi(optarg); break;
		case 'l': len = atoi(optarg); break;
		case 'b': bytes = atoll(optarg); break;
		case 't': timeout = atoi(optarg); break;
		case 'S': stamps = 1; break;
		case 'f': forking = 1; break;
		case 'd': duration = atof(optarg); break;
		case 'g': gap_us = atoll(optarg); break;
		case 'P': port2 = atoi(optarg); break;
		case 'w': wait_ms = atoi(optarg); break;
		case 'D': defer_secs = atoi(optarg); break;
		case 'F': fastopen = 1; break;
		case 'z': zerocopy = 1; break;
		case 'W': writers = atoi(optarg); break;
		case 'E': exthdr = 1; break;
		case 'G': gofile = optarg; break;
		case 'M': migrate = 1; break;
		default: return 2;
		}
	}
	/* sendfile -l 0: no header, the body alone */
	if (len < (strcmp(cmd, "sendfile") ? 1 : 0) || count < 0 ||
	    conns < 1 || bytes < 0 || gap_us < 0 ||
	    wait_ms < 0 || defer_secs < 0 || writers < 1 ||
	    (writers > 1 && zerocopy)) {
		fprintf(stderr, "tcpgen: bad arguments\n");
		return 2;
	}
	alarm(timeout);
	prctl(PR_SET_TIMERSLACK, 1UL);	/* sleep_us as exactly as we can */
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("sched_setaffinity");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (migrate)
		start_mover();
	if (!strcmp(cmd, "server"))
		return do_server();
	if (!strcmp(cmd, "pingpong"))
		return do_pingpong();
	if (!strcmp(cmd, "stream"))
		return do_stream();
	if (!strcmp(cmd, "churn"))
		return connections("churn", 0);
	if (!strcmp(cmd, "block"))
		return do_block();
	if (!strcmp(cmd, "reconnect"))
		return do_reconnect();
	if (!strcmp(cmd, "sendfile"))
		return do_sendfile();
	if (!strcmp(cmd, "ktls"))
		return do_ktls();
	if (!strcmp(cmd, "fastopen"))
		return connections("fastopen", 1);
	if (!strcmp(cmd, "unreadclose"))
		return do_unreadclose();
	if (!strcmp(cmd, "scale"))
		return do_scale();
	if (!strcmp(cmd, "lag"))
		return do_lag();
	if (!strcmp(cmd, "paced"))
		return do_paced();
	if (!strcmp(cmd, "bulk"))
		return do_bulk();
	if (!strcmp(cmd, "overlap"))
		return do_overlap();
	fprintf(stderr, "tcpgen: unknown command %s\n", cmd);
	return 2;
}
