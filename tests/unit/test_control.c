// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a snapshot file (nl_read_all()) and the reset fallback
 * (nl_reset()), with ordinary files standing in for debugfs and sysfs;
 * the stream of snapshots (nl_stream_next()), the lines of the slow log
 * (nl_lines_next()) and nl_sleep_until().
 *
 * usage: test_control [FIXTURE_DIR [OUTDIR]]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test.h"
#include "control.h"

static const char *outdir = "build";

static char *slurp(const char *path)
{
	static char buf[64];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void test_read(void)
{
	char path[512], *buf = NULL, *want;
	size_t len = 0, wlen;

	snprintf(path, sizeof(path), "%s/real-6.12-nic.txt", fixture_dir);
	want = fixture("real-6.12-nic.txt", &wlen);
	CHECK(!nl_read_all(path, NL_INPUT_MAX, &buf, &len));
	CHECK_U64(len, wlen);
	CHECK(buf && !memcmp(buf, want, wlen));
	buf[len] = '\0';	/* room for it (ASan build) */
	free(buf);
	/* more than the limit: EFBIG, nothing returned */
	buf = NULL;
	errno = 0;
	CHECK_U64(nl_read_all(path, 1000, &buf, &len), (uint64_t)-1);
	CHECK_U64(errno, EFBIG);
	CHECK(!buf);
	/* exactly the limit is fine */
	CHECK(!nl_read_all(path, wlen, &buf, &len));
	CHECK_U64(len, wlen);
	buf[len] = '\0';
	free(buf);
	free(want);
	/* exactly the first buffer's size: still room for a NUL */
	{
		char big[600];
		FILE *f;
		int i;

		snprintf(big, sizeof(big), "%s/64k.txt", outdir);
		f = fopen(big, "w");
		for (i = 0; i < 65536; i++)
			fputc('x', f);
		fclose(f);
		CHECK(!nl_read_all(big, NL_INPUT_MAX, &buf, &len));
		CHECK_U64(len, 65536);
		buf[len] = '\0';
		free(buf);
		unlink(big);
	}
	/* an empty file */
	snprintf(path, sizeof(path), "%s/empty.txt", fixture_dir);
	CHECK(!nl_read_all(path, NL_INPUT_MAX, &buf, &len));
	CHECK_U64(len, 0);
	free(buf);
	/* no such file; a directory */
	errno = 0;
	CHECK_U64(nl_read_all("/nonexistent/netlat", NL_INPUT_MAX, &buf,
			      &len), (uint64_t)-1);
	CHECK_U64(errno, ENOENT);
	errno = 0;
	CHECK_U64(nl_read_all(fixture_dir, NL_INPUT_MAX, &buf, &len),
		  (uint64_t)-1);
	CHECK_U64(errno, EISDIR);
}

static void test_reset(void)
{
	char dbg[600], param[600], dir[512];
	const char *used;
	FILE *f;
	int derr;

	snprintf(dir, sizeof(dir), "%s/resetdir", outdir);
	mkdir(dir, 0755);
	snprintf(dbg, sizeof(dbg), "%s/debugfs-reset", dir);
	snprintf(param, sizeof(param), "%s/param-reset", dir);
	unlink(dbg);
	unlink(param);

	/* both there: debugfs is used, with "1\n" */
	f = fopen(dbg, "w");
	fclose(f);
	f = fopen(param, "w");
	fclose(f);
	used = nl_reset(dbg, param, &derr);
	CHECK(used == dbg);
	CHECK_U64(derr, 0);
	CHECK_STR(slurp(dbg), "1\n");
	CHECK_STR(slurp(param), "");

	/* debugfs not mounted: the module parameter, with "1" */
	unlink(dbg);
	used = nl_reset(dbg, param, &derr);
	CHECK(used == param);
	CHECK_U64(derr, ENOENT);
	CHECK_STR(slurp(param), "1");

	/* debugfs refuses (here: a directory, EISDIR): the parameter */
	unlink(param);
	f = fopen(param, "w");
	fclose(f);
	used = nl_reset(dir, param, &derr);
	CHECK(used == param);
	CHECK_U64(derr, EISDIR);

	/* neither: NULL, errno of the parameter write */
	unlink(param);
	errno = 0;
	used = nl_reset(dbg, param, &derr);
	CHECK(!used);
	CHECK_U64(derr, ENOENT);
	CHECK_U64(errno, ENOENT);
	rmdir(dir);
}

/* A stream of @text (through a temporary file), at most @max held. */
static void stream_of(struct nl_stream *st, const char *text, size_t max)
{
	char path[600];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/stream.txt", outdir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	fd = open(path, O_RDONLY);
	unlink(path);
	nl_stream_init(st, fd, max);
}

static void stream_done(struct nl_stream *st)
{
	close(st->fd);
	nl_stream_free(st);
}

/* The next snapshot as a string ("" at the end, "EFBIG" on that error) */
static const char *next(struct nl_stream *st)
{
	static char out[256];
	const char *p;
	size_t n;
	int r;

	errno = 0;
	r = nl_stream_next(st, &p, &n);
	if (r < 0)
		return errno == EFBIG ? "EFBIG" : "error";
	if (!r)
		return "";
	snprintf(out, sizeof(out), "%.*s", (int)n, p);
	return out;
}

static void test_stream(void)
{
	struct nl_stream st;
	char *a, *b, *big;
	size_t alen, blen;
	unsigned int i;

	/* snapshots one after another: each through its end line */
	stream_of(&st, "version 1\nx 1\nend\nversion 1\n  end  \n"
		  "# a comment\n\n", 1000);
	CHECK_STR(next(&st), "version 1\nx 1\nend\n");
	CHECK_U64(st.lines, 0);		/* lines before it */
	CHECK_STR(next(&st), "version 1\n  end  \n");
	CHECK_U64(st.lines, 3);
	CHECK_STR(next(&st), "");	/* only a comment and a blank line */
	CHECK_STR(next(&st), "");
	stream_done(&st);
	/* the end, again at once: empty, or nothing but comments */
	stream_of(&st, "", 1000);
	CHECK_STR(next(&st), "");
	CHECK_STR(next(&st), "");
	CHECK(!st.any);
	stream_done(&st);
	stream_of(&st, "# no snapshot yet\n\n  \t\n# nor here", 1000);
	CHECK_STR(next(&st), "");
	CHECK_STR(next(&st), "");
	CHECK(st.any);
	stream_done(&st);
	/* "ending" is not "end"; the last snapshot without an end line */
	stream_of(&st, "ending\nend x\nversion 1\nendx\n", 1000);
	CHECK_STR(next(&st), "ending\nend x\n");
	CHECK_STR(next(&st), "version 1\nendx\n");	/* cut short */
	CHECK_STR(next(&st), "");
	stream_done(&st);
	/* the last line without a newline: cut short too */
	stream_of(&st, "version 1\nend", 1000);
	CHECK_STR(next(&st), "version 1\nend");
	stream_done(&st);
	/* too large: EFBIG, then the next snapshot after its end line */
	stream_of(&st, "0123456789abcdef\nmore\nend\nversion 1\nend\n", 16);
	CHECK_STR(next(&st), "EFBIG");
	CHECK_STR(next(&st), "version 1\nend\n");
	CHECK_U64(st.lines, 3);		/* the skipped lines counted */
	CHECK_STR(next(&st), "");
	stream_done(&st);
	/* too large at the end of the stream: nothing more */
	stream_of(&st, "version 1\nend\n0123456789abcdef0123", 16);
	CHECK_STR(next(&st), "version 1\nend\n");
	CHECK_STR(next(&st), "EFBIG");
	CHECK_STR(next(&st), "");
	stream_done(&st);
	/* a line longer than the whole buffer, skipped in pieces */
	big = malloc(300000);
	memset(big, 'x', 299000);
	strcpy(big + 299000, "\nend\nversion 1\nend\n");
	stream_of(&st, big, 1000);
	CHECK_STR(next(&st), "EFBIG");
	CHECK_STR(next(&st), "version 1\nend\n");
	CHECK_U64(st.lines, 2);
	CHECK_STR(next(&st), "");
	stream_done(&st);
	/* more lines than the buffer holds, skipped a bufferful at a time */
	for (i = 0; i < 70000; i++)
		memcpy(big + 2 * i, "x\n", 2);
	strcpy(big + 140000, "end\nversion 1\nx\nend\nversion 1\nend\n");
	stream_of(&st, big, 1000);
	CHECK_STR(next(&st), "EFBIG");
	CHECK_STR(next(&st), "version 1\nx\nend\n");
	CHECK_U64(st.lines, 70001);
	CHECK_STR(next(&st), "version 1\nend\n");
	CHECK_U64(st.lines, 70004);
	CHECK_STR(next(&st), "");
	stream_done(&st);
	free(big);
	/* two real snapshots, byte for byte */
	a = fixture("real-6.12-lo.txt", &alen);
	b = fixture("minimal.txt", &blen);
	big = malloc(alen + blen + 1);
	memcpy(big, a, alen);
	memcpy(big + alen, b, blen + 1);
	stream_of(&st, big, NL_INPUT_MAX);
	{
		const char *p;
		size_t n;

		CHECK_U64(nl_stream_next(&st, &p, &n), 1);
		CHECK(n == alen && !memcmp(p, a, alen));
		CHECK_U64(nl_stream_next(&st, &p, &n), 1);
		CHECK(n == blen && !memcmp(p, b, blen));
		CHECK_U64(nl_stream_next(&st, &p, &n), 0);
	}
	stream_done(&st);
	free(a);
	free(b);
	free(big);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/*
 * With st.sigmask: a signal blocked by the caller and pending before the
 * wait for input comes in it (EINTR), not after a read that would block
 * until data came (alarm(): the test ends rather than hang), nor after
 * the input that is there already.
 */
static void test_stream_signal(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct nl_stream st;
	sigset_t usr1, old;
	int fds[2];

	if (pipe(fds)) {
		CHECK(!"pipe");
		return;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	nl_stream_init(&st, fds[0], 1000);
	st.sigmask = &old;
	alarm(10);
	raise(SIGUSR1);		/* pending: blocked until the wait */
	CHECK(!got_usr1);
	CHECK_STR(next(&st), "error");
	CHECK_U64(errno, EINTR);
	CHECK(got_usr1);
	/* input there already: the signal still comes first */
	CHECK(write(fds[1], "version 1\nend\n# x\n", 18) == 18);
	got_usr1 = 0;
	raise(SIGUSR1);
	CHECK_STR(next(&st), "error");
	CHECK_U64(errno, EINTR);
	CHECK(got_usr1);
	/* then input as without it */
	close(fds[1]);
	CHECK_STR(next(&st), "version 1\nend\n");
	CHECK_STR(next(&st), "");
	alarm(0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fds[0]);
	nl_stream_free(&st);
}

/* Lines of @text (through a temporary file), each of at most @max. */
static void lines_of(struct nl_lines *l, const char *text, size_t max)
{
	char path[600];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/lines.txt", outdir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	fd = open(path, O_RDONLY);
	unlink(path);
	nl_lines_init(l, fd, max);
}

static void lines_done(struct nl_lines *l)
{
	close(l->fd);
	nl_lines_free(l);
}

/*
 * The next line as "N:text", its number first, then "/cut" or "/long"
 * for its flags; "" at the end, "error" on an error.
 */
static const char *line_of(struct nl_lines *l)
{
	static char out[256];
	const char *p;
	size_t n;
	int r, flags;

	errno = 0;
	r = nl_lines_next(l, &p, &n, &flags);
	if (r < 0)
		return "error";
	if (!r)
		return "";
	snprintf(out, sizeof(out), "%u:%.*s%s%s", l->line, (int)n, p,
		 flags & NL_LINE_CUT ? "/cut" : "",
		 flags & NL_LINE_LONG ? "/long" : "");
	return out;
}

/*
 * nl_lines_next(): each line without its newline, blank ones too; the
 * last one without a newline flagged; one longer than max: its first max
 * bytes, flagged, the rest dropped however long; then the end, again.
 */
static void test_lines(void)
{
	struct nl_lines l;
	unsigned int i;
	char *big;

	lines_of(&l, "slow seq 1\n\nlost 3\n  \nlast", 100);
	CHECK_STR(line_of(&l), "1:slow seq 1");
	CHECK_STR(line_of(&l), "2:");
	CHECK_STR(line_of(&l), "3:lost 3");
	CHECK_STR(line_of(&l), "4:  ");
	CHECK_STR(line_of(&l), "5:last/cut");
	CHECK_STR(line_of(&l), "");
	CHECK_STR(line_of(&l), "");
	lines_done(&l);
	lines_of(&l, "", 100);
	CHECK_STR(line_of(&l), "");
	lines_done(&l);
	/* max bytes exactly; one more; a long one at the very end */
	lines_of(&l, "01234567\n012345678\nab\n0123456789", 8);
	CHECK_STR(line_of(&l), "1:01234567");
	CHECK_STR(line_of(&l), "2:01234567/long");
	CHECK_STR(line_of(&l), "3:ab");
	CHECK_STR(line_of(&l), "4:01234567/long");
	CHECK_STR(line_of(&l), "");
	lines_done(&l);
	/* longer than the whole buffer: dropped a bufferful at a time */
	big = malloc(300000);
	memset(big, 'x', 299000);
	strcpy(big + 299000, "\nnext\n");
	lines_of(&l, big, 1000);
	{
		const char *p;
		size_t n;
		int flags;

		CHECK_U64(nl_lines_next(&l, &p, &n, &flags), 1);
		CHECK(n == 1000 && flags == NL_LINE_LONG && p[999] == 'x');
	}
	CHECK_STR(line_of(&l), "2:next");
	CHECK_STR(line_of(&l), "");
	lines_done(&l);
	/* many lines, more than a bufferful, each returned */
	for (i = 0; i < 70000; i++)
		memcpy(big + 2 * i, "x\n", 2);
	strcpy(big + 140000, "end\n");
	lines_of(&l, big, 1000);
	for (i = 1; i <= 70000; i++) {
		char want[32];

		snprintf(want, sizeof(want), "%u:x", i);
		if (strcmp(line_of(&l), want))
			break;
	}
	CHECK_U64(i, 70001);
	CHECK_STR(line_of(&l), "70001:end");
	CHECK_STR(line_of(&l), "");
	lines_done(&l);
	free(big);
}

/*
 * With l.sigmask, a signal pending before the wait comes in it (EINTR),
 * also when input is there; an O_NONBLOCK pipe with nothing in it yet is
 * waited on, not an error.
 */
static void test_lines_wait(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct nl_lines l;
	sigset_t usr1, old;
	int fds[2], status;
	pid_t child;

	if (pipe(fds)) {
		CHECK(!"pipe");
		return;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	nl_lines_init(&l, fds[0], 100);
	l.sigmask = &old;
	alarm(10);
	got_usr1 = 0;
	raise(SIGUSR1);		/* pending: blocked until the wait */
	CHECK_STR(line_of(&l), "error");
	CHECK_U64(errno, EINTR);
	CHECK(got_usr1);
	/* input always there (a flood): the signal comes all the same */
	CHECK(write(fds[1], "a\nb", 3) == 3);
	CHECK_STR(line_of(&l), "1:a");
	CHECK(write(fds[1], "\n", 1) == 1);	/* "b" whole: there to read */
	got_usr1 = 0;
	raise(SIGUSR1);
	CHECK_STR(line_of(&l), "error");
	CHECK_U64(errno, EINTR);
	CHECK(got_usr1);
	CHECK_STR(line_of(&l), "2:b");
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* O_NONBLOCK: EAGAIN until the child writes, 0.2 s later */
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	l.sigmask = NULL;
	child = fork();
	if (!child) {
		close(fds[0]);
		usleep(200000);
		if (write(fds[1], "lost 1\n", 7) != 7)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	CHECK_STR(line_of(&l), "3:lost 1");
	CHECK_STR(line_of(&l), "");
	CHECK(waitpid(child, &status, 0) == child && !status);
	alarm(0);
	close(fds[0]);
	nl_lines_free(&l);
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * nl_sleep_until(): to the deadline, not before it; at once when it has
 * passed; a signal blocked by the caller and pending before the call
 * ends it (EINTR), not the deadline 10 s later.
 */
static void test_sleep(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec t0, deadline;
	sigset_t usr1, old;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline = t0;
	CHECK(!nl_sleep_until(&deadline, NULL));
	deadline.tv_nsec += 50000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	CHECK(!nl_sleep_until(&deadline, NULL));
	CHECK(since(&t0) >= 0.05);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	got_usr1 = 0;
	raise(SIGUSR1);		/* pending: blocked until the wait */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline = t0;
	deadline.tv_sec += 10;
	errno = 0;
	CHECK_U64(nl_sleep_until(&deadline, &old), (uint64_t)-1);
	CHECK_U64(errno, EINTR);
	CHECK(got_usr1);
	CHECK(since(&t0) < 5);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (argc > 2)
		outdir = argv[2];
	test_read();
	test_reset();
	test_stream();
	test_stream_signal();
	test_lines();
	test_lines_wait();
	test_sleep();
	return test_done("test_control");
}
