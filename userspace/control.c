// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the snapshot and writing the reset control files (control.h).
 */
#define _GNU_SOURCE		/* ppoll() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "control.h"

volatile sig_atomic_t nl_stop;

static void on_stop(int sig)
{
	(void)sig;
	nl_stop = 1;
}

void nl_catch_stops(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void nl_block_stops(sigset_t *old)
{
	sigset_t stops;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigprocmask(SIG_BLOCK, &stops, old);
}

int nl_read_all(const char *path, size_t max, char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, err;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		return -1;
	for (;;) {
		if (!b || n == cap) {
			if (b)
				cap *= 2;
			nb = realloc(b, cap);
			if (!nb)
				goto fail;
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	if (fd)
		close(fd);
	*buf = b;
	*len = n;
	return 0;

fail:
	err = errno;
	if (fd)
		close(fd);
	free(b);
	errno = err;
	return -1;
}

void nl_stream_init(struct nl_stream *st, int fd, size_t max)
{
	memset(st, 0, sizeof(*st));
	st->fd = fd;
	st->max = max;
}

void nl_stream_free(struct nl_stream *st)
{
	free(st->buf);
	st->buf = NULL;
	st->len = 0;
	st->used = 0;
}

/* Is [@p, @p + @n) the line "end" (first word "end", as the parser says)? */
static int end_line(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	return n >= 3 && !memcmp(p, "end", 3) &&
	       (n == 3 || p[3] == ' ' || p[3] == '\t');
}

/* Only blank lines and comments in [@p, @p + @n)? */
static int blank(const char *p, size_t n)
{
	int comment = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			comment = 0;
		else if (!comment && p[i] == '#')
			comment = 1;
		else if (!comment && p[i] != ' ' && p[i] != '\t' &&
			 p[i] != '\r')
			return 0;
	}
	return 1;
}

/* Drop the first @n bytes of the buffer, counting their lines. */
static void drop(struct nl_stream *st, size_t n)
{
	const char *p = st->buf, *end = st->buf + n;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		st->lines++;
		p++;
	}
	memmove(st->buf, st->buf + n, st->len - n);
	st->len -= n;
}

/*
 * Wait until @fd can be read, with the signal mask @mask meanwhile.  A
 * signal that @mask lets through and that is pending when @fd is ready
 * ends the wait too (EINTR): ppoll() delivers it only when it returns
 * EINTR itself, so input always ready (a flood, a large file) would hold
 * it off until the input pauses.
 */
static int wait_input(int fd, const sigset_t *mask)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	sigset_t pending, cur;
	int sig;

	if (ppoll(&p, 1, NULL, mask) < 0)
		return -1;
	if (!mask || sigpending(&pending))
		return 0;
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(&pending, sig) == 1 &&
		    sigismember(mask, sig) == 0) {
			/* let it in: its handler runs as the mask opens */
			sigprocmask(SIG_SETMASK, mask, &cur);
			sigprocmask(SIG_SETMASK, &cur, NULL);
			errno = EINTR;
			return -1;
		}
	}
	return 0;
}

int nl_stream_next(struct nl_stream *st, const char **snap, size_t *len)
{
	size_t scan, cap = st->max + 65536;
	const char *nl;
	ssize_t r;

	if (!st->buf) {
		st->buf = malloc(cap);
		if (!st->buf)
			return -1;
	}
	/* drop what was returned last time */
	drop(st, st->used);
	st->used = 0;
	scan = 0;
	for (;;) {
		/* whole lines from scan on: the first "end" one ends it */
		while ((nl = memchr(st->buf + scan, '\n', st->len - scan))) {
			size_t n = (size_t)(nl - (st->buf + scan));

			if (end_line(st->buf + scan, n)) {
				if (st->skip) {
					st->skip = 0;
					drop(st, scan + n + 1);
					scan = 0;
					continue;
				}
				st->used = scan + n + 1;
				if (st->used > st->max) {
					errno = EFBIG;	/* dropped whole */
					return -1;
				}
				*snap = st->buf;
				*len = st->used;
				return 1;
			}
			scan += n + 1;
		}
		if (st->skip && scan) {	/* the lines being skipped */
			drop(st, scan);
			scan = 0;
		}
		if (!st->skip && st->len > st->max) {
			st->skip = 1;
			errno = EFBIG;
			return -1;
		}
		if (st->eof) {
			if (st->skip || blank(st->buf, st->len)) {
				drop(st, st->len);
				return 0;
			}
			st->used = st->len;	/* cut short: the parser says so */
			*snap = st->buf;
			*len = st->len;
			return 1;
		}
		if (st->len == cap) {	/* a line longer than max, skipping */
			drop(st, st->len);
			scan = 0;
		}
		if (st->sigmask && wait_input(st->fd, st->sigmask))
			return -1;	/* EINTR: a signal came */
		r = read(st->fd, st->buf + st->len, cap - st->len);
		if (r < 0)
			return -1;	/* EINTR too: the caller decides */
		if (!r)
			st->eof = 1;
		else
			st->any = 1;
		st->len += (size_t)r;
	}
}

void nl_lines_init(struct nl_lines *l, int fd, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->max = max;
}

void nl_lines_free(struct nl_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = 0;
	l->used = 0;
}

/* @n bytes at @p, in the buffer, as the next line; @used go with it. */
static int line_out(struct nl_lines *l, const char *p, size_t n, size_t used,
		    int flags, const char **line, size_t *len, int *fl)
{
	l->line++;
	l->used = used;
	*line = p;
	*len = n > l->max ? l->max : n;
	*fl = flags | (n > l->max ? NL_LINE_LONG : 0);
	return 1;
}

int nl_lines_next(struct nl_lines *l, const char **line, size_t *len,
		  int *flags)
{
	const char *p, *nl;
	size_t have;
	ssize_t r;

	if (!l->buf) {
		l->cap = l->max + 65536;
		l->buf = malloc(l->cap);
		if (!l->buf)
			return -1;
	}
	l->start += l->used;
	l->used = 0;
	for (;;) {
		p = l->buf + l->start;
		have = l->len - l->start;
		nl = memchr(p, '\n', have);
		if (l->skip && nl) {
			l->skip = 0;
			l->start += (size_t)(nl - p) + 1;
			continue;
		}
		if (l->skip) {
			have = 0;	/* all of it dropped */
		} else if (nl) {
			return line_out(l, p, (size_t)(nl - p),
					(size_t)(nl - p) + 1, 0, line, len, flags);
		} else if (have > l->max) {
			l->skip = 1;	/* its rest, up to its newline */
			return line_out(l, p, have, have, 0, line, len, flags);
		} else if (l->eof && have) {
			return line_out(l, p, have, have, NL_LINE_CUT, line, len,
					flags);
		}
		if (l->eof)
			return 0;
		/* what is left to the front, once per read: room for more */
		memmove(l->buf, p, have);
		l->len = have;
		l->start = 0;
		if (l->sigmask && wait_input(l->fd, l->sigmask))
			return -1;	/* EINTR: a signal came */
		r = read(l->fd, l->buf + l->len, l->cap - l->len);
		if (r < 0 && errno == EAGAIN) {
			if (!l->sigmask && wait_input(l->fd, NULL))
				return -1;
			continue;
		}
		if (r < 0)
			return -1;	/* EINTR too: the caller decides */
		if (!r)
			l->eof = 1;
		l->len += (size_t)r;
	}
}

int nl_sleep_until(const struct timespec *deadline, const sigset_t *mask)
{
	struct timespec now, left;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = deadline->tv_sec - now.tv_sec;
		left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000;
		}
		if (left.tv_sec < 0)
			return 0;
		if (ppoll(NULL, 0, &left, mask) < 0)
			return -1;
	}
}

static int write_str(const char *path, const char *s)
{
	size_t n = strlen(s);
	ssize_t r;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = write(fd, s, n);
	err = errno;
	if (close(fd) && r == (ssize_t)n)
		return -1;
	if (r != (ssize_t)n) {
		errno = r < 0 ? err : EIO;
		return -1;
	}
	return 0;
}

const char *nl_reset(const char *debugfs, const char *param,
		     int *debugfs_errno)
{
	*debugfs_errno = 0;
	if (!write_str(debugfs, "1\n"))
		return debugfs;
	*debugfs_errno = errno;
	if (!write_str(param, "1"))
		return param;
	return NULL;
}
