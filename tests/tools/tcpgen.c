// SPDX-License-Identifier: GPL-2.0
/*
 * tcpgen: the TCP workloads of netlat's guest tests, with exactly known
 * message counts.  Built static on the host, run inside the guest.
 *
 *   tcpgen server   -a ADDR -p PORT [-m echo|sink|hold] [-c CONNS] [-f]
 *                   [-s SLEEP_US] [-C CPU]
 *   tcpgen pingpong -a ADDR -p PORT -n COUNT -l LEN [-s SLEEP_US] [-C CPU] [-S]
 *   tcpgen stream   -a ADDR -p PORT -b BYTES [-l WRITE_LEN] [-C CPU] [-d SECS]
 *   tcpgen churn    -a ADDR -p PORT -n CONNS [-l LEN]
 *   tcpgen block    -a ADDR -p PORT        (connect, block in recv())
 *
 * server -f serves its CONNS connections at once, a process each.
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
 * Every run ends by itself: an alarm kills a stuck run after -t seconds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *addr = "127.0.0.1";
static int port = 5001, count = 1000, len = 100, conns = 1, sleep_us, forking;
static long long bytes = 1 << 20;
static double duration;		/* -d: seconds to run instead of a count */
static const char *mode = "echo";

/* Medians of what really happened: round trips, sleeps. */
struct samples {
	long long *v;
	int n, cap;
};

static struct samples rtts, sleeps, ts_tx, ts_qdisc, ts_rx;
static int stamps;

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

static void die(const char *what)
{
	fprintf(stderr, "tcpgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void setup_addr(struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
		fprintf(stderr, "tcpgen: bad address %s\n", addr);
		exit(2);
	}
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

static int dial(void)
{
	struct sockaddr_in sa;
	int fd, tries;

	setup_addr(&sa);
	for (tries = 0; ; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
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

/* Wait until readable, then sleep_us: the data waits in the socket. */
static void delay_read(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec ts;
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
	ts.tv_sec = sleep_us / 1000000;
	ts.tv_nsec = (long)(sleep_us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
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

/* The software stamp in a control message, in ns; 0 if none. */
static long long cmsg_stamp(struct msghdr *m, int *type)
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
		}
	}
	return t;
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

static void serve_one(int fd)
{
	static char buf[65536];
	long long total = 0;
	ssize_t r;

	nodelay(fd);
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
	printf("server: connection done, %lld bytes received sleep_p50_ns %lld\n",
	       total, median(&sleeps));
}

static int do_server(void)
{
	struct sockaddr_in sa;
	int lfd, fd, one = 1, i;

	setup_addr(&sa);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
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

static int do_pingpong(void)
{
	char *buf = calloc(1, len), *back = malloc(len);
	int fd = dial(), i;
	long long rtt50;

	if (!buf || !back)
		die("malloc");
	long long start = now_ns(), end = start + (long long)(duration * 1e9);

	if (stamps)
		enable_stamps(fd);
	if (duration > 0)
		count = 0x7fffffff;
	for (i = 0; i < count; i++) {
		long long t0 = now_ns(), t_send = real_ns();

		if (duration > 0 && t0 >= end)
			break;

		memset(buf, 'a' + i % 26, len);
		write_all(fd, buf, len);
		if (!read_all(fd, back, len) || memcmp(buf, back, len)) {
			fprintf(stderr, "tcpgen: bad echo %d\n", i);
			return 1;
		}
		add_sample(&rtts, now_ns() - t0);
		if (stamps)
			tx_stamps(fd, t_send);
	}
	close(fd);
	if (duration > 0)
		printf("tps %.1f\n", i / ((now_ns() - start) / 1e9));
	count = i;
	rtt50 = median(&rtts);		/* sorts: the max is last */
	printf("pingpong: %d messages of %d bytes rtt_p50_ns %lld rtt_max_ns %lld sleep_p50_ns %lld",
	       count, len, rtt50, rtts.n ? rtts.v[rtts.n - 1] : 0,
	       median(&sleeps));
	if (stamps)
		printf(" tx_p50_ns %lld qdisc_p50_ns %lld rx_p50_ns %lld stamped %d/%d/%d",
		       median(&ts_tx), median(&ts_qdisc), median(&ts_rx),
		       ts_tx.n, ts_qdisc.n, ts_rx.n);
	printf("\n");
	return 0;
}

static int do_stream(void)
{
	static char buf[1 << 20];
	long long left = bytes, start = now_ns(), sent = 0;
	int fd = dial();

	if (len > (int)sizeof(buf))
		len = sizeof(buf);
	if (duration > 0)
		left = 1LL << 62;
	while (left > 0) {
		size_t n = left < len ? left : len;

		if (duration > 0 && now_ns() - start >= duration * 1e9)
			break;
		write_all(fd, buf, n);
		left -= n;
		sent += n;
	}
	close(fd);
	printf("stream: %lld bytes\n", sent);
	if (duration > 0)
		printf("bytes_per_s %.0f\n", sent / ((now_ns() - start) / 1e9));
	return 0;
}

static int do_churn(void)
{
	char *buf = calloc(1, len), *back = malloc(len);
	int i;

	if (!buf || !back)
		die("malloc");
	for (i = 0; i < count; i++) {
		int fd = dial();

		write_all(fd, buf, len);
		if (!read_all(fd, back, len))
			return 1;
		close(fd);
	}
	printf("churn: %d connections\n", count);
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

int main(int argc, char **argv)
{
	int opt, cpu = -1, timeout = 600;
	const char *cmd;

	if (argc < 2) {
		fprintf(stderr, "usage: tcpgen server|pingpong|stream|churn|block [options]\n");
		return 2;
	}
	cmd = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "a:p:m:c:s:C:n:l:b:t:Sfd:")) != -1) {
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
		default: return 2;
		}
	}
	if (len < 1 || count < 0 || conns < 1) {
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
	if (!strcmp(cmd, "server"))
		return do_server();
	if (!strcmp(cmd, "pingpong"))
		return do_pingpong();
	if (!strcmp(cmd, "stream"))
		return do_stream();
	if (!strcmp(cmd, "churn"))
		return do_churn();
	if (!strcmp(cmd, "block"))
		return do_block();
	fprintf(stderr, "tcpgen: unknown command %s\n", cmd);
	return 2;
}
