// SPDX-License-Identifier: GPL-2.0
/*
 * netlat: show where TCP data spends its time in the Linux network stack,
 * from the netlat kernel module's /proc/netlat.  Options in the style of
 * BCC's libbpf-tools; the man page is netlat.8.
 */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "control.h"
#include "report.h"
#include "slow.h"
#include "stats.h"

#define MAX_INTERVAL_S	86400.0

enum { OPT_TX = 256, OPT_RX };

static struct env {
	double interval;	/* 0: one report */
	unsigned long count;	/* 0: until Ctrl-C */
	int json;
	const char *prometheus;
	const char *file;
	int reset;
	int diff;		/* netlat diff OLDER NEWER */
	const char *diff_path[2];
	int units_given;
	int quiet;		/* read errors: not said again */
	int streaming;		/* -f - -i: one snapshot after another */
	struct nl_stream stream;
	int stream_failed;	/* a read error: the stream is over */
	int stream_status;	/* of its last snapshot; NL_NONE: none yet */
	struct nl_opts o;
} env = {
	.o = { .stages = 0, .unit = NL_UNIT_AUTO },
};

const char *argp_program_version = "netlat " NETLAT_TOOL_VERSION;

static const char args_doc[] = "[reset]\ndiff OLDER NEWER\nslow [OPTION...] [FILE]";
static const char doc[] =
"Show where TCP data spends its time in the Linux network stack: the\n"
"per-stage latency histograms of the netlat kernel module (/proc/netlat).\n"
"\n"
"With no arguments: a histogram and percentiles of every stage since the\n"
"module was loaded or reset, then the counters of events it could not\n"
"time.  'netlat reset' zeroes the statistics (root).  'netlat diff OLDER\n"
"NEWER' reports what happened between two saved snapshots (one of them\n"
"may be '-', standard input).  'netlat slow' shows the slow log (root):\n"
"the samples longer than slow_us, with their connection and process;\n"
"its options come after it: netlat slow --help.\n"
"\v"
"Stages: tx_sock_tcp tx_tcp_ip tx_ip_dev tx_total (send) and\n"
"rx_dev_ip rx_ip_tcp rx_tcp_user rx_total (receive); see netlat(8).\n"
"\n"
"Examples:\n"
"  netlat                          # every stage since load/reset\n"
"  netlat --tx -u                  # the send stages, in microseconds\n"
"  netlat -S                       # a line per stage: mean, percentiles\n"
"  netlat -s rx_total,rx_tcp_user  # two stages\n"
"  netlat -i 1 -c 10 -T            # what happened in each second, 10 times\n"
"  netlat -i 5 --json              # one JSON object per 5 s on one line\n"
"  netlat --prometheus /var/lib/prometheus/node-exporter/netlat.prom\n"
"  netlat -i 15 -p netlat.prom     # rewrite the file every 15 s\n"
"  netlat -f saved.txt             # a snapshot saved from /proc/netlat\n"
"  netlat diff 08h.txt 09h.txt     # what happened between two snapshots\n"
"  sudo netlat slow --by port      # the services of the slowest samples\n"
"  sudo netlat reset               # zero the histograms and counters\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  other error (reading, writing an output file, memory)\n"
"  2  bad arguments\n"
"  3  the netlat module is not loaded (no /proc/netlat)\n"
"  4  permission denied\n"
"  5  /proc/netlat has a format version this netlat does not read\n"
"  6  malformed or truncated /proc/netlat input\n";

static const struct argp_option opts[] = {
	{ "interval", 'i', "SECS", 0,
	  "Watch: every SECS seconds (decimals allowed) print what happened "
	  "in that interval", 0 },
	{ "count", 'c', "COUNT", 0, "With -i: stop after COUNT reports", 0 },
	{ "timestamp", 'T', NULL, 0, "Print the time of day before a report "
	  "(of a saved snapshot: when it was taken, if it says)", 0 },
	{ "nsecs", 'n', NULL, 0, "Show times in nanoseconds", 1 },
	{ "usecs", 'u', NULL, 0, "Show times in microseconds", 1 },
	{ "msecs", 'm', NULL, 0,
	  "Show times in milliseconds (default: one unit for the whole run, "
	  "chosen from the largest p99 of the first report with samples)", 1 },
	{ "summary", 'S', NULL, 0, "A line per stage (count, mean, p50, "
	  "p90, p99, p99.9, max) and the coverage, instead of the histograms "
	  "and counters", 1 },
	{ "stage", 's', "NAME", 0,
	  "Only stage NAME, and the counters that go with it (repeat it, or "
	  "separate names with commas)", 2 },
	{ "tx", OPT_TX, NULL, 0, "Only the send (tx) stages and counters", 2 },
	{ "rx", OPT_RX, NULL, 0, "Only the receive (rx) stages and counters",
	  2 },
	{ "json", 'j', NULL, 0, "One JSON object per report, on one line", 3 },
	{ "prometheus", 'p', "FILE", 0,
	  "Write the Prometheus text format to FILE (atomically; with -i "
	  "every interval), for node_exporter's textfile collector; FILE "
	  "must be a regular file or not exist; '-': standard output", 3 },
	{ "file", 'f', "PATH", 0,
	  "Read a snapshot saved from /proc/netlat ('-': standard input; "
	  "with -i, one snapshot after another, each ending with 'end')", 3 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", -1 },
	{ 0 },
};

/* Input @path for a message: "-" is standard input, any other escaped. */
static const char *input_name(const char *path)
{
	return strcmp(path, "-") ? nl_esc(path) : "standard input";
}

static int add_stages(const char *arg, struct argp_state *state)
{
	char *list = strdup(arg), *save = NULL, *name, shown[128];
	int i;

	if (!list)
		argp_failure(state, NL_EXIT_ERROR, ENOMEM, "--stage");
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		i = nl_stage_index(name);
		if (i < 0) {
			argp_error(state, "unknown stage '%s' (the stages: "
				   "tx_sock_tcp tx_tcp_ip tx_ip_dev tx_total "
				   "rx_dev_ip rx_ip_tcp rx_tcp_user rx_total)",
				   nl_escape(shown, sizeof(shown), name, 64));
			break;
		}
		env.o.stages |= 1u << i;
	}
	free(list);
	return 0;
}

static void add_dir(const char *dir)
{
	int i;

	for (i = 0; i < NETLAT_NR_STAGES; i++)
		if (!strcmp(netlat_stage_info(i)->dir, dir))
			env.o.stages |= 1u << i;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'i':
		errno = 0;
		env.interval = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(env.interval) ||
		    env.interval < 0.001 || env.interval > MAX_INTERVAL_S)
			argp_error(state, "-i wants seconds in 0.001..86400, "
				   "not '%s'", nl_esc(arg));
		break;
	case 'c':
		errno = 0;
		env.count = strtoul(arg, &end, 10);
		if (errno || !isdigit((unsigned char)*arg) || *end ||
		    !env.count)
			argp_error(state, "-c wants a count of 1 or more, "
				   "not '%s'", nl_esc(arg));
		break;
	case 'T':
		env.o.timestamp = 1;
		break;
	case 'n':
	case 'u':
	case 'm':
		if (env.units_given++)
			argp_error(state, "give only one of -n, -u and -m");
		env.o.unit = key == 'n' ? NL_UNIT_NS : key == 'u' ?
			     NL_UNIT_US : NL_UNIT_MS;
		break;
	case 'S':
		env.o.summary = 1;
		break;
	case 's':
		return add_stages(arg, state);
	case OPT_TX:
		add_dir("tx");
		break;
	case OPT_RX:
		add_dir("rx");
		break;
	case 'j':
		env.json = 1;
		break;
	case 'p':
		env.prometheus = arg;
		break;
	case 'f':
		env.file = arg;
		break;
	case ARGP_KEY_ARG:
		if (env.diff && state->arg_num <= 2) {
			env.diff_path[state->arg_num - 1] = arg;
		} else if (env.diff) {
			argp_error(state, "'diff' takes two saved snapshots: "
				   "netlat diff OLDER NEWER");
		} else if (!state->arg_num && !strcmp(arg, "reset")) {
			env.reset = 1;
		} else if (!state->arg_num && !strcmp(arg, "diff")) {
			env.diff = 1;
			env.o.diff = 1;
		} else if (!strcmp(arg, "slow")) {
			argp_error(state, "'slow' comes first, its options "
				   "after it: netlat slow [OPTION...] [FILE]");
		} else {
			argp_error(state, "unknown command '%s' (the commands "
				   "are 'reset', 'diff' and 'slow')", nl_esc(arg));
		}
		break;
	case ARGP_KEY_END:
		if (env.count && env.interval <= 0)
			argp_error(state, "-c needs -i (watch mode)");
		if (env.json && env.prometheus &&
		    !strcmp(env.prometheus, "-"))
			argp_error(state, "--json and '-p -' would both write "
				   "to standard output");
		if (env.diff && !env.diff_path[1])
			argp_error(state, "'diff' takes two saved snapshots: "
				   "netlat diff OLDER NEWER");
		if (env.diff && env.diff_path[1] &&
		    !strcmp(env.diff_path[0], "-") &&
		    !strcmp(env.diff_path[1], "-"))
			argp_error(state, "'diff' reads standard input once: "
				   "'-' may be OLDER or NEWER, not both");
		if (env.diff && (env.interval > 0 || env.prometheus ||
				 env.file))
			argp_error(state, "'diff' reads its two files: no -i, "
				   "-p or -f");
		if (env.reset && (env.interval > 0 || env.json ||
				  env.prometheus || env.file || env.o.stages ||
				  env.units_given || env.o.timestamp ||
				  env.o.summary))
			argp_error(state, "'reset' takes no options");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int errno_exit(int err)
{
	return err == EACCES || err == EPERM ? NL_EXIT_PERM : NL_EXIT_ERROR;
}

/* fprintf(stderr, ...) unless env.quiet (a failure said once already) */
__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;

	if (env.quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static int parsed(const char *path, const struct nl_snapshot *s,
		  enum nl_status st, const struct nl_error *err);

/*
 * The next snapshot of the stream on standard input (-f - -i): the exit
 * status, NL_EOF at its end, or NL_SIGNAL when a signal came.  At the end
 * env.stream_status is the exit status of the run: that of the last
 * snapshot (read_snapshot() keeps it), or NL_EXIT_MALFORMED when there was
 * none.
 */
#define NL_EOF		(-1)
#define NL_SIGNAL	(-2)
#define NL_NONE		(-3)

static int read_stream(struct nl_snapshot *s)
{
	struct nl_error err;
	enum nl_status st;
	const char *buf;
	sigset_t old;
	size_t len;
	int r, e;

	/*
	 * SIGINT and SIGTERM blocked from the check of nl_stop on, let through
	 * only while nl_stream_next() waits for input: one that comes just
	 * before it blocks in read() is not lost until the next snapshot.
	 */
	nl_block_stops(&old);
	env.stream.sigmask = &old;
	r = -1;
	e = EINTR;
	while (!nl_stop) {
		r = nl_stream_next(&env.stream, &buf, &len);
		e = errno;
		if (r >= 0 || e != EINTR)
			break;
	}
	env.stream.sigmask = NULL;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	if (r < 0 && errno == EINTR)
		return NL_SIGNAL;
	if (r < 0 && errno == EFBIG) {
		say("netlat: standard input: a snapshot larger than %u "
		    "bytes: not a netlat snapshot\n", NL_INPUT_MAX);
		return NL_EXIT_MALFORMED;
	}
	if (r < 0) {
		/* not worth another try: it would fail at once again */
		say("netlat: cannot read standard input: %s\n",
		    strerror(errno));
		env.stream_failed = 1;
		return NL_EXIT_ERROR;
	}
	if (!r) {
		/* nl_stream_next() would say 0 again at once: the run ends */
		if (env.stream_status == NL_NONE) {
			say("netlat: standard input: no snapshot (%s)\n",
			    env.stream.any ? "only comments and blank lines" :
			    "empty input");
			env.stream_status = NL_EXIT_MALFORMED;
		}
		return NL_EOF;
	}
	st = nl_parse(buf, len, s, &err);
	if (st != NL_OK && err.line)
		err.line += env.stream.lines;	/* a line of the stream */
	return parsed("standard input", s, st, &err);
}

/*
 * Read and parse the snapshot at @path (@is_file: a saved one, not
 * /proc/netlat); on failure say why and return the exit status.
 */
static int read_path(const char *path, int is_file, struct nl_snapshot *s)
{
	struct nl_error err;
	enum nl_status st;
	size_t len;
	char *buf;
	int e;

	if (nl_read_all(path, NL_INPUT_MAX, &buf, &len)) {
		e = errno;
		if (e == ENOENT && !is_file) {
			say("netlat: %s does not exist: the netlat kernel module is not loaded.\n"
			    "Load it: sudo insmod module/netlat.ko (in the source tree) or sudo modprobe netlat\n",
			    path);
			return NL_EXIT_NOMODULE;
		}
		if (e == EFBIG) {
			say("netlat: %s: larger than %u bytes: not a netlat "
			    "snapshot\n", input_name(path), NL_INPUT_MAX);
			return NL_EXIT_MALFORMED;
		}
		say("netlat: cannot read %s: %s\n", input_name(path),
		    strerror(e));
		return errno_exit(e);
	}
	st = nl_parse(buf, len, s, &err);
	free(buf);
	return parsed(path, s, st, &err);
}

/* Read and parse the snapshot; on failure say why and return the exit. */
static int read_snapshot(struct nl_snapshot *s)
{
	int rc;

	clock_gettime(CLOCK_REALTIME, &env.o.now);
	if (env.streaming) {
		rc = read_stream(s);
		if (rc >= 0)	/* a snapshot's, not NL_EOF or NL_SIGNAL */
			env.stream_status = rc;
		return rc;
	}
	return read_path(env.file ? env.file : NL_PROC_PATH, !!env.file, s);
}

/*
 * The exit status of nl_parse()'s @st, and the message.  A snapshot read
 * from a file is dated by its own wall clock, when the module printed it.
 */
static int parsed(const char *path, const struct nl_snapshot *s,
		  enum nl_status st, const struct nl_error *err)
{
	if (st == NL_OK && env.file && s->has_realtime) {
		env.o.now.tv_sec = (time_t)(s->realtime_ns / 1000000000);
		env.o.now.tv_nsec = (long)(s->realtime_ns % 1000000000);
	}
	if (st == NL_OK)
		return NL_EXIT_OK;
	if (err->line)
		say("netlat: %s:%u: %s\n", input_name(path), err->line,
		    err->msg);
	else
		say("netlat: %s: %s\n", input_name(path), err->msg);
	if (st == NL_ERR_VERSION) {
		say("netlat: use the netlat tool that came with this module "
		    "(this is netlat %s)\n", NETLAT_TOOL_VERSION);
		return NL_EXIT_VERSION;
	}
	return NL_EXIT_MALFORMED;
}

static int prom_stdout(void)
{
	return env.prometheus && !strcmp(env.prometheus, "-");
}

/* -p refuses to replace anything but a regular file: say so. */
static int prom_refused(void)
{
	const char *kind;

	if (!env.prometheus || prom_stdout() ||
	    nl_prom_target(env.prometheus, &kind) <= 0)
		return 0;
	fprintf(stderr, "netlat: will not write %s: it is %s; -p replaces "
		"only a regular file (or creates it), '-p -' writes to "
		"standard output\n", nl_esc(env.prometheus), kind);
	return 1;
}

/*
 * An exporter (-i with -p FILE) keeps going when a write fails: it says
 * so (once, until a write works again) and removes the file it could not
 * replace, so that its numbers are not served as current; the next
 * interval writes again.
 */
static int exporter(void)
{
	return env.prometheus && env.interval > 0;
}

static void prom_remove_stale(int verbose)
{
	const char *kind;

	if (nl_prom_target(env.prometheus, &kind) || kind)
		return;		/* not a regular file: not ours to remove */
	if (!unlink(env.prometheus)) {
		if (verbose)
			fprintf(stderr, "netlat: removed %s: its numbers "
				"would be stale; trying again every %g s\n",
				nl_esc(env.prometheus), env.interval);
	} else if (errno != ENOENT && verbose) {
		fprintf(stderr, "netlat: cannot remove the stale %s either: "
			"%s\n", nl_esc(env.prometheus), strerror(errno));
	}
}

/*
 * The Prometheus text of @s (NULL: the read failed, netlat_up 0) to
 * standard output or, atomically, the file.
 */
static int write_prom(const struct nl_snapshot *s)
{
	static int failing;
	int rc, err;

	if (prom_stdout()) {
		nl_print_prometheus(stdout, s, &env.o);
		return NL_EXIT_OK;	/* errors: the caller checks stdout */
	}
	rc = nl_write_prometheus(env.prometheus, s, &env.o);
	if (rc > 0) {
		/* an exporter says it once, and tries again */
		if (!failing || !exporter())
			prom_refused();
		failing = 1;
		return exporter() ? NL_EXIT_OK : NL_EXIT_ERROR;
	}
	if (rc) {
		err = errno;
		if (!failing || !exporter())
			fprintf(stderr, "netlat: cannot write %s: %s\n",
				nl_esc(env.prometheus), strerror(err));
		if (exporter())
			prom_remove_stale(!failing);
		failing = 1;
		return exporter() ? NL_EXIT_OK : errno_exit(err);
	}
	if (failing && exporter())
		fprintf(stderr, "netlat: wrote %s again\n",
			nl_esc(env.prometheus));
	failing = 0;
	return NL_EXIT_OK;
}

static int flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "netlat: writing the report: %s\n",
			strerror(errno));
		return NL_EXIT_ERROR;
	}
	return NL_EXIT_OK;
}

/*
 * One report: @s (NULL: none) to stdout, the cumulative @cum to the
 * Prometheus output.
 */
static int emit(const struct nl_snapshot *s, const struct nl_snapshot *cum)
{
	int rc;

	if (env.prometheus) {
		rc = write_prom(cum);
		if (rc)
			return rc;
	}
	if (s && env.json) {
		nl_print_json(stdout, s, &env.o);
	} else if (s && !env.prometheus) {
		/* watch mode keeps the unit of the first interval with data */
		if (env.o.unit == NL_UNIT_AUTO)
			env.o.unit = nl_report_unit(s, env.o.stages);
		nl_print_text(stdout, s, &env.o);
	}
	return flush_stdout();
}

static void add_ns(struct timespec *t, double secs)
{
	long long ns = llround(secs * 1e9);

	t->tv_sec += (time_t)(ns / 1000000000);
	t->tv_nsec += (long)(ns % 1000000000);
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

/*
 * A failed read in an exporter: netlat_up 0 in the file, and the next good
 * read is a new baseline (the module may have been reloaded meanwhile).
 */
static int export_down(void)
{
	if (!env.quiet)
		fprintf(stderr, "netlat: netlat_up 0 until a read works "
			"again\n");
	env.quiet = 1;
	return emit(NULL, NULL);
}

/*
 * The last good read that the Prometheus file we are about to replace
 * says (its netlat_last_success_timestamp_seconds), or 0.
 */
static void old_last_ok(struct timespec *t)
{
	static const char key[] = "\nnetlat_last_success_timestamp_seconds ";
	long long sec = 0, ms = 0;
	const char *at;
	size_t len;
	char *buf;

	t->tv_sec = 0;
	t->tv_nsec = 0;
	if (nl_read_all(env.prometheus, NL_INPUT_MAX, &buf, &len))
		return;
	buf[len] = '\0';		/* nl_read_all() leaves room for it */
	at = strstr(buf, key);
	if (at && sscanf(at + sizeof(key) - 1, "%lld.%3lld", &sec, &ms) >= 1 &&
	    sec > 0 && ms >= 0 && ms < 1000) {
		t->tv_sec = (time_t)sec;
		t->tv_nsec = (long)ms * 1000000;
	}
	free(buf);
}

/*
 * Why the numbers of @cur start again from those of @prev (enum
 * nl_restart), on stderr: the interval is then the numbers since.
 */
static void restart_note(const struct nl_snapshot *prev,
			 const struct nl_snapshot *cur, int why)
{
	const char *src = input_name(env.file ? env.file : NL_PROC_PATH);

	if (why == NL_RESTART_RELOAD && prev->has_load_id &&
	    cur->has_load_id)
		fprintf(stderr, "netlat: %s: the module was reloaded "
			"(load_id %016" PRIx64 ", now %016" PRIx64 "): a new "
			"baseline\n", src, prev->load_id, cur->load_id);
	else if (why == NL_RESTART_RELOAD)
		fprintf(stderr, "netlat: %s: another module was loaded "
			"(load_id %s): a new baseline\n", src,
			cur->has_load_id ? "now given" : "gone");
	else if (why == NL_RESTART_RESET)
		fprintf(stderr, "netlat: %s: the statistics were reset "
			"(resets %" PRIu64 ", now %" PRIu64 "): a new "
			"baseline\n", src, prev->resets, cur->resets);
	else if (why)
		fprintf(stderr, "netlat: %s: numbers went down (a reset or "
			"reload): a new baseline\n", src);
}

/*
 * Sleep until @t (CLOCK_MONOTONIC) or SIGINT or SIGTERM.  They are blocked
 * from the check of nl_stop on and let through only in the wait: one that
 * comes just before it does not go unseen for a whole interval.
 */
static void sleep_until(const struct timespec *t)
{
	sigset_t old;

	nl_block_stops(&old);
	while (!nl_stop && nl_sleep_until(t, &old) && errno == EINTR)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int watch(void)
{
	struct nl_snapshot *prev, *cur, *delta, *tmp;
	struct timespec next;
	int rc, have_prev = 0, first = 1;
	unsigned long n = 0;

	prev = malloc(sizeof(*prev));
	cur = malloc(sizeof(*cur));
	delta = malloc(sizeof(*delta));
	if (!prev || !cur || !delta) {
		fprintf(stderr, "netlat: out of memory\n");
		rc = NL_EXIT_ERROR;
		goto out;
	}
	nl_catch_stops();	/* no SA_RESTART: they wake the sleep */
	if (exporter() && !prom_stdout())
		old_last_ok(&env.o.last_ok);	/* until a read works */
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		if (!first) {
			if (env.count && n == env.count)
				break;
			add_ns(&next, env.interval);
			/* a stream paces itself: each snapshot is a report */
			if (!env.streaming)
				sleep_until(&next);
			if (nl_stop)
				break;
			n++;
		}
		first = 0;
		rc = read_snapshot(cur);
		if (rc == NL_EOF || rc == NL_SIGNAL) {
			/* the end of a stream: the status of its last snapshot */
			rc = rc == NL_EOF ? env.stream_status : NL_EXIT_OK;
			nl_stop = 1;	/* the exporter's last write */
			break;
		}
		if (rc && !exporter())
			break;
		if (rc) {
			have_prev = 0;
			if (env.stream_failed) {
				emit(NULL, NULL);	/* netlat_up 0, and out */
				break;
			}
			rc = export_down();
			if (rc)
				break;
			continue;
		}
		if (env.quiet)
			fprintf(stderr, "netlat: read %s again: a new "
				"baseline\n", input_name(env.file ? env.file :
							  NL_PROC_PATH));
		env.quiet = 0;
		env.o.last_ok = env.o.now;
		if (have_prev) {
			nl_delta(prev, cur, delta);
			restart_note(prev, cur, delta->reset_seen);
		}
		rc = emit(have_prev ? delta : NULL, cur);
		if (rc)
			break;
		tmp = prev;
		prev = cur;
		cur = tmp;
		have_prev = 1;
	}
	/* stopped by a signal or the stream's end: its numbers would go stale */
	if (nl_stop && exporter()) {
		int wrc = emit(NULL, NULL);

		if (!rc)
			rc = wrc;
	}
out:
	free(prev);
	free(cur);
	free(delta);
	return rc;
}

static int once(void)
{
	struct nl_snapshot *s = malloc(sizeof(*s));
	int rc;

	if (!s) {
		fprintf(stderr, "netlat: out of memory\n");
		return NL_EXIT_ERROR;
	}
	rc = read_snapshot(s);
	if (!rc) {
		rc = emit(s, s);
	} else if (env.prometheus && !prom_stdout()) {
		/* run from cron: the old numbers must not stay as if current */
		old_last_ok(&env.o.last_ok);
		write_prom(NULL);
	}
	free(s);
	return rc;
}

/*
 * netlat diff OLDER NEWER: what happened between two saved snapshots, as
 * watch mode reports an interval.  One of them may be "-", standard input.
 */
static int diff(void)
{
	struct nl_snapshot *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct nl_snapshot *d = malloc(sizeof(*d));
	char why[256];
	int rc;

	if (!a || !b || !d) {
		fprintf(stderr, "netlat: out of memory\n");
		rc = NL_EXIT_ERROR;
		goto out;
	}
	rc = read_path(env.diff_path[0], 1, a);
	if (!rc)
		rc = read_path(env.diff_path[1], 1, b);
	if (rc)
		goto out;
	if (nl_diff_check(a, b, why, sizeof(why))) {
		fprintf(stderr, "netlat: will not diff %s and %s: %s\n",
			input_name(env.diff_path[0]),
			input_name(env.diff_path[1]), nl_esc(why));
		rc = NL_EXIT_ERROR;
		goto out;
	}
	nl_delta(a, b, d);
	/* -T and JSON time: when the newer one was taken, if it says */
	clock_gettime(CLOCK_REALTIME, &env.o.now);
	if (b->has_realtime) {
		env.o.now.tv_sec = (time_t)(b->realtime_ns / 1000000000);
		env.o.now.tv_nsec = (long)(b->realtime_ns % 1000000000);
	}
	rc = emit(d, NULL);
out:
	free(a);
	free(b);
	free(d);
	return rc;
}

static int reset(void)
{
	static const char debugfs[] = NL_RESET_DEBUGFS;
	const char *used;
	int derr;

	if (access(NL_PROC_PATH, F_OK) && access("/sys/module/netlat", F_OK)) {
		fprintf(stderr, "netlat: the netlat kernel module is not loaded; "
			"nothing to reset\n");
		return NL_EXIT_NOMODULE;
	}
	used = nl_reset(debugfs, NL_RESET_PARAM, &derr);
	if (used == debugfs) {
		printf("netlat: statistics reset (wrote %s)\n", used);
		return NL_EXIT_OK;
	}
	if (used) {
		printf("netlat: statistics reset through the module parameter "
		       "(wrote %s; %s: %s)\n", used, NL_RESET_DEBUGFS,
		       strerror(derr));
		return NL_EXIT_OK;
	}
	fprintf(stderr, "netlat: cannot reset: %s: %s; %s: %s\n",
		NL_RESET_DEBUGFS, strerror(derr), NL_RESET_PARAM,
		strerror(errno));
	if (errno == EACCES || errno == EPERM || derr == EACCES ||
	    derr == EPERM) {
		fprintf(stderr, "netlat: resetting needs root\n");
		return NL_EXIT_PERM;
	}
	return errno == ENOENT ? NL_EXIT_NOMODULE : NL_EXIT_ERROR;
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.args_doc = args_doc,
		.doc = doc,
	};
	int rc;

	/* netlat slow: its own options (-f is --follow there) */
	if (argc > 1 && !strcmp(argv[1], "slow"))
		return nl_slow_main(argc - 1, argv + 1);
	argp_err_exit_status = NL_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return NL_EXIT_USAGE;
	if (!env.o.stages)
		env.o.stages = NL_ALL_STAGES;
	if (env.reset)
		return reset();
	if (env.diff)
		return diff();
	if (prom_refused())
		return NL_EXIT_ERROR;
	if (env.file && !strcmp(env.file, "-") && env.interval > 0) {
		env.streaming = 1;
		env.stream_status = NL_NONE;
		nl_stream_init(&env.stream, 0, NL_INPUT_MAX);
	}
	if (env.interval <= 0)
		return once();
	rc = watch();
	nl_stream_free(&env.stream);
	return rc;
}
