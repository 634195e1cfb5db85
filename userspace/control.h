/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading /proc/netlat (or a saved copy) and the slow log, resetting the
 * statistics, and what the commands share: exit statuses, the signals
 * that stop them.
 */
#ifndef NETLAT_CONTROL_H
#define NETLAT_CONTROL_H

#include <signal.h>
#include <stddef.h>
#include <time.h>

#define NL_PROC_PATH	"/proc/netlat"
#define NL_RESET_DEBUGFS "/sys/kernel/debug/netlat/reset"
#define NL_RESET_PARAM	"/sys/module/netlat/parameters/reset"

/* Exit statuses: --help and netlat.8 list them. */
enum {
	NL_EXIT_OK = 0,
	NL_EXIT_ERROR = 1,	/* I/O, memory, writing an output */
	NL_EXIT_USAGE = 2,	/* bad arguments */
	NL_EXIT_NOMODULE = 3,	/* /proc/netlat absent: module not loaded */
	NL_EXIT_PERM = 4,	/* permission denied */
	NL_EXIT_VERSION = 5,	/* unknown /proc/netlat format version */
	NL_EXIT_MALFORMED = 6,	/* malformed or truncated input */
};

/* Set by SIGINT and SIGTERM once nl_catch_stops() installed the handler. */
extern volatile sig_atomic_t nl_stop;

/* SIGINT and SIGTERM set nl_stop; no SA_RESTART: they end a wait. */
void nl_catch_stops(void);

/* Block SIGINT and SIGTERM; @old: the mask before, for the waits. */
void nl_block_stops(sigset_t *old);

/*
 * Read all of @path ("-": standard input) into a malloc'ed buffer that
 * holds at most @max bytes (more is an error: EFBIG).  One open file
 * description is read to its end: a seq_file read that way is one
 * consistent snapshot.  The buffer has room for one byte more than @len
 * (a terminating NUL).  0, or -1 with errno set.
 */
int nl_read_all(const char *path, size_t max, char **buf, size_t *len);

/*
 * Snapshots one after another from a stream (netlat -f - -i N): each ends
 * with its "end" line.  At most @max bytes are held.
 */
struct nl_stream {
	int fd;
	size_t max;
	char *buf;
	size_t len;		/* bytes in buf */
	size_t used;		/* of them, returned already */
	int eof;
	int skip;		/* discard up to the next "end" line */
	int any;		/* anything read from fd */
	/* lines before the snapshot returned last, skipped ones included */
	unsigned int lines;
	/* not NULL: wait for input in ppoll() with this signal mask */
	const sigset_t *sigmask;
};

void nl_stream_init(struct nl_stream *st, int fd, size_t max);
void nl_stream_free(struct nl_stream *st);

/*
 * The next snapshot: 1 with @snap/@len set (valid until the next call);
 * 0 at the end of the stream (only blank and '#' lines left), and at once
 * again on every call after it (st->any: whether anything was read at
 * all); -1 with errno set: EFBIG when a snapshot exceeds max bytes (the
 * next call skips to the line after its "end"), EINTR when a signal came,
 * or a read error.  Trailing data without an "end" line is returned as a
 * snapshot: the parser says it was cut short.  With st->sigmask, a signal
 * that the caller blocks and that mask lets through comes while it waits
 * for input, even one that came before (EINTR), never only after a read
 * that blocks, nor only once input stops coming.  Line N of @snap is line
 * st->lines + N of the stream: the lines of snapshots skipped as too
 * large are counted too.
 */
int nl_stream_next(struct nl_stream *st, const char **snap, size_t *len);

/*
 * Lines one after another from a file, a pipe or the slow log's stream
 * (netlat slow), each of at most @max bytes.
 */
struct nl_lines {
	int fd;
	size_t max;
	char *buf;
	size_t cap;
	size_t len;		/* bytes in buf */
	size_t start;		/* of them, the first not returned before */
	size_t used;		/* from start on, returned last */
	int eof;
	int skip;		/* drop bytes up to the next newline */
	unsigned int line;	/* the number of the line returned last */
	/* not NULL: wait for input in ppoll() with this signal mask */
	const sigset_t *sigmask;
};

/* What nl_lines_next() says of a line besides its bytes */
#define NL_LINE_CUT	1	/* the input ended inside it: no newline */
#define NL_LINE_LONG	2	/* longer than max: its first max bytes */

void nl_lines_init(struct nl_lines *l, int fd, size_t max);
void nl_lines_free(struct nl_lines *l);

/*
 * The next line, without its newline: 1 with @line and @len set (valid
 * until the next call; the line may hold NUL bytes) and @flags (0,
 * NL_LINE_CUT, NL_LINE_LONG); 0 at the end of the input, and again on
 * every call after it; -1 with errno set: EINTR when a signal came, or a
 * read error.  The rest of a line longer than max is dropped, counted as
 * part of it.  An O_NONBLOCK descriptor's EAGAIN (another reader of the
 * slow log's stream took the record poll said was there) waits again.
 * With l->sigmask, a signal that the caller blocks and that mask lets
 * through comes while it waits for input, even one that came before
 * (EINTR), never only after a read that blocks, nor only once input stops
 * coming.
 */
int nl_lines_next(struct nl_lines *l, const char **line, size_t *len,
		  int *flags);

/*
 * Sleep until @deadline (CLOCK_MONOTONIC) with the signal mask @mask
 * meanwhile (ppoll()): 0 at the deadline; -1 with errno EINTR when a
 * signal came, even one that the caller blocked and that came before.
 */
int nl_sleep_until(const struct timespec *deadline, const sigset_t *mask);

/*
 * Reset: write "1\n" to @debugfs; when that fails (debugfs not mounted,
 * or refused under kernel lockdown), write "1" to the module parameter
 * @param.  Returns the path that worked, or NULL with errno from the
 * parameter write and @debugfs_errno from the first attempt.
 */
const char *nl_reset(const char *debugfs, const char *param,
		     int *debugfs_errno);

#endif /* NETLAT_CONTROL_H */
