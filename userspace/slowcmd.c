// SPDX-License-Identifier: GPL-2.0
/*
 * netlat slow: the slow log (docs/format.md, "The slow log") as a table,
 * as JSON lines, or grouped (--by).  Its own options (argp): -f is
 * --follow here, and the input is an argument, not an option.
 *
 * One loop reads both files and any saved copy, line by line, and shows
 * each record as it is read: the snapshot to its end, the stream (-f)
 * until the module is unloaded (end of file) or SIGINT or SIGTERM.  The
 * signals are blocked but in the wait for input (ppoll(), as the watch
 * mode's sleep), so one that comes just before the wait ends it.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "control.h"
#include "parse.h"
#include "slow.h"

/* Malformed lines said one by one; the others only counted. */
#define BAD_SAID	10

enum { OPT_TX = 256, OPT_RX, OPT_BY, OPT_SORT, OPT_CGROUP_ROOT };

static struct slow_env {
	int follow;
	int json;
	int by;			/* enum nl_slow_by; -1: no --by */
	int sort;		/* enum nl_slow_sort; -1: not given */
	unsigned int dirs;	/* bit 0 tx, bit 1 rx; 0: both */
	int units_given;
	const char *file;	/* NULL: the module's */
	const char *cgroup_root;
	struct nl_slow_opts o;
	/* the run */
	const char *path;
	char name[1024];	/* of the input, for messages: escaped */
	uint64_t records;	/* read */
	uint64_t shown;		/* of them, of the directions asked */
	uint64_t lost;
	uint64_t other;		/* lines that are neither */
	unsigned int bad;
	int header_done;
} env = { .by = -1, .sort = -1, .o = { .unit = NL_UNIT_AUTO } };

static const char args_doc[] = "[FILE]";
static const char doc[] =
"Show the slow log of the netlat kernel module (root only): every sample\n"
"whose total took longer than the module's slow_us, with its connection,\n"
"process and cgroup.\n"
"\n"
"Without FILE, the records the ring holds now, oldest first\n"
"(" NL_SLOW_SNAPSHOT_PROC "); with -f, the records as they come\n"
"(" NL_SLOW_PROC "), until Ctrl-C or until the module is unloaded.\n"
"FILE is a copy saved from either ('-': standard input).\n"
"\v"
"Columns: TIME (local time of day), PROCESS (comm[pid]), TOTAL, the\n"
"SLOWEST stage and its share of the total, the direction's STAGES in\n"
"path order, FLOW (local -> remote when sent, local <- remote when\n"
"received).  A '-' is what the module could not tell.\n"
"\n"
"--by port groups by the lower of the two ports: the service's, beside a\n"
"client's ephemeral port.  peer: the remote address.  process: comm[pid].\n"
"cgroup: the cgroup v2, by path when found under --cgroup-root (by\n"
"default " NL_CGROUP_ROOT " for the module's own log), else by id.\n"
"Each group: COUNT, P50 and P99 (nearest rank) and WORST of the totals,\n"
"and the stage that took the most time in all.\n"
"\n"
"Examples:\n"
"  sudo netlat slow                  # the slow records the ring holds\n"
"  sudo netlat slow -f               # as they come, until Ctrl-C\n"
"  sudo netlat slow --by port        # which services were slow\n"
"  sudo netlat slow -f --by cgroup   # containers, until Ctrl-C\n"
"  sudo netlat slow --rx --json      # received records, JSON lines\n"
"  netlat slow saved.txt             # a copy saved with cat\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  other error (reading, writing, memory)\n"
"  2  bad arguments\n"
"  3  the netlat module is not loaded (no " NL_SLOW_SNAPSHOT_PROC ")\n"
"  4  permission denied\n"
"  6  malformed lines in the input (the good ones were shown)\n";

static const struct argp_option opts[] = {
	{ "follow", 'f', NULL, 0, "The records as they come (" NL_SLOW_PROC
	  ", each read once), until Ctrl-C, SIGTERM or the end of the input",
	  0 },
	{ "by", OPT_BY, "KEY", 0, "Group the records by KEY: port, peer, "
	  "process or cgroup (with -f: those read until Ctrl-C)", 0 },
	{ "sort", OPT_SORT, "ORDER", 0, "With --by: the groups in ORDER, "
	  "largest first: worst (the default), p99 or count", 0 },
	{ "tx", OPT_TX, NULL, 0, "Only the send (tx) records", 1 },
	{ "rx", OPT_RX, NULL, 0, "Only the receive (rx) records", 1 },
	{ "nsecs", 'n', NULL, 0, "Show times in nanoseconds", 2 },
	{ "usecs", 'u', NULL, 0, "Show times in microseconds", 2 },
	{ "msecs", 'm', NULL, 0, "Show times in milliseconds (default: each "
	  "in the unit that suits it)", 2 },
	{ "json", 'j', NULL, 0, "One JSON object per record (or group) on "
	  "a line; {\"lost\":N} where records were lost", 3 },
	{ "cgroup-root", OPT_CGROUP_ROOT, "DIR", 0, "Find the paths of "
	  "cgroup ids under DIR, the cgroup2 mount", 3 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", -1 },
	{ 0 },
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'f':
		env.follow = 1;
		break;
	case OPT_BY:
		env.by = nl_slow_by_parse(arg);
		if (env.by < 0)
			argp_error(state, "--by takes port, peer, process or "
				   "cgroup, not '%s'", nl_esc(arg));
		break;
	case OPT_SORT:
		env.sort = nl_slow_sort_parse(arg);
		if (env.sort < 0)
			argp_error(state, "--sort takes worst, p99 or count, "
				   "not '%s'", nl_esc(arg));
		break;
	case OPT_TX:
		env.dirs |= 1;
		break;
	case OPT_RX:
		env.dirs |= 2;
		break;
	case 'n':
	case 'u':
	case 'm':
		if (env.units_given++)
			argp_error(state, "give only one of -n, -u and -m");
		env.o.unit = key == 'n' ? NL_UNIT_NS : key == 'u' ?
			     NL_UNIT_US : NL_UNIT_MS;
		break;
	case 'j':
		env.json = 1;
		break;
	case OPT_CGROUP_ROOT:
		env.cgroup_root = arg;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num)
			argp_error(state, "one input at most, not '%s' too",
				   nl_esc(arg));
		env.file = arg;
		break;
	case ARGP_KEY_END:
		if (env.sort >= 0 && env.by < 0)
			argp_error(state, "--sort orders the groups of --by");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Open the input; on failure say why and return the exit status. */
static int open_input(int *fd)
{
	int e;

	if (env.file && !strcmp(env.file, "-")) {
		*fd = 0;
		return NL_EXIT_OK;
	}
	do {
		*fd = open(env.path, O_RDONLY | O_CLOEXEC);
	} while (*fd < 0 && errno == EINTR && !nl_stop);
	if (*fd >= 0) {
		/* poll said there was a record, another reader took it */
		fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) | O_NONBLOCK);
		return NL_EXIT_OK;
	}
	e = errno;
	if (nl_stop)
		return NL_EXIT_OK;
	if (!env.file && e == ENOENT && !access(NL_PROC_PATH, F_OK)) {
		fprintf(stderr, "netlat: %s does not exist: the netlat module "
			"loaded has no slow log (load the one that came with "
			"this netlat)\n", env.path);
		return NL_EXIT_NOMODULE;
	}
	if (!env.file && e == ENOENT) {
		fprintf(stderr, "netlat: %s does not exist: the netlat kernel "
			"module is not loaded (sudo modprobe netlat, or sudo "
			"insmod module/netlat.ko in the source tree)\n",
			env.path);
		return NL_EXIT_NOMODULE;
	}
	if (!env.file && (e == EACCES || e == EPERM)) {
		fprintf(stderr, "netlat: cannot read %s: %s: the slow log is "
			"root's only (sudo netlat slow)\n", env.path,
			strerror(e));
		return NL_EXIT_PERM;
	}
	fprintf(stderr, "netlat: cannot read %s: %s\n", env.name,
		strerror(e));
	return e == EACCES || e == EPERM ? NL_EXIT_PERM : NL_EXIT_ERROR;
}

/* The module's slow_us, or -1 when it cannot be read. */
static long long slow_us(void)
{
	long long v = -1;
	FILE *f = fopen(NL_SLOW_US_PARAM, "re");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void say_slow_us_off(void)
{
	fprintf(stderr, "netlat: slow_us is 0: nothing is logged (echo 10000 "
		"> " NL_SLOW_US_PARAM " logs every sample over 10 ms)\n");
}

static void bad_line(unsigned int line, const char *why)
{
	if (env.bad++ < BAD_SAID)
		fprintf(stderr, "netlat: %s:%u: %s\n", env.name, line, why);
}

static int shown(const struct nl_slow_rec *r)
{
	unsigned int bit = r->first == NETLAT_TX_SOCK_TCP ? 1 : 2;

	return !env.dirs || (env.dirs & bit);
}

static void header(void)
{
	if (!env.header_done && !env.json && env.by < 0)
		nl_slow_print_header(stdout, &env.o);
	env.header_done = 1;
}

/* Only spaces, or a comment? */
static int blank(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	return i == len || line[i] == '#';
}

/* One line: shown, grouped, or said to be malformed.  0, or -1: memory. */
static int one_line(const struct nl_lines *l, const char *line, size_t len,
		    int flags, struct nl_slow_line *pl, struct nl_slow_agg *a)
{
	if (flags & NL_LINE_LONG) {
		bad_line(l->line, "a line longer than 4096 bytes: left out");
		return 0;
	}
	if (flags & NL_LINE_CUT) {
		bad_line(l->line, "cut short (no newline at the end): left out");
		return 0;
	}
	switch (nl_slow_parse(line, len, pl)) {
	case NL_SLOW_NONE:
		env.other += !blank(line, len);
		return 0;
	case NL_SLOW_BAD:
		bad_line(l->line, pl->why);
		return 0;
	case NL_SLOW_LOST:
		env.lost += pl->lost;
		if (env.by >= 0) {
			a->lost += pl->lost;
			return 0;
		}
		header();
		if (env.json)
			nl_slow_print_lost_json(stdout, pl->lost);
		else
			nl_slow_print_lost(stdout, pl->lost);
		return 0;
	case NL_SLOW_RECORD:
		break;
	}
	env.records++;
	if (!shown(&pl->rec))
		return 0;
	env.shown++;
	if (env.by >= 0)
		return nl_slow_agg_add(a, &pl->rec);
	header();
	if (env.json)
		nl_slow_print_json(stdout, &pl->rec, &env.o);
	else
		nl_slow_print_rec(stdout, &pl->rec, &env.o);
	return 0;
}

/* What the input held, when it had no record to show, on stderr. */
static void say_empty(long long us)
{
	static const char *const dir[] = { "", "tx ", "rx ", "" };

	if (env.shown || nl_stop)
		return;
	if (env.records)
		fprintf(stderr, "netlat: %s: no %srecords (%llu of the other "
			"direction)\n", env.name, dir[env.dirs],
			(unsigned long long)env.records);
	else if (env.other && !env.lost)
		fprintf(stderr, "netlat: %s: no records, and %llu lines that "
			"are not: is it a slow log?\n", env.name,
			(unsigned long long)env.other);
	else
		fprintf(stderr, "netlat: %s: no records%s\n", env.name,
			env.file || env.follow ? "" : ": the slow log is empty");
	if (!env.file && !env.records && !env.follow && us == 0)
		say_slow_us_off();
	else if (!env.file && !env.records && !env.follow && us > 0)
		fprintf(stderr, "netlat: no sample took longer than slow_us "
			"(%lld us) since it was set\n", us);
}

/* Read, show and group every line of @fd; the exit status. */
static int run(int fd, struct nl_slow_agg *a)
{
	struct nl_slow_line *pl = malloc(sizeof(*pl));
	struct nl_lines l;
	const char *line;
	int r, e, flags, rc = NL_EXIT_OK;
	long long us = env.file ? -1 : slow_us();
	size_t len;
	sigset_t old;

	if (!pl) {
		fprintf(stderr, "netlat: out of memory\n");
		return NL_EXIT_ERROR;
	}
	if (env.follow && !env.file && us == 0)
		say_slow_us_off();
	if (env.follow)
		header();
	nl_lines_init(&l, fd, NL_LINE_MAX);
	nl_block_stops(&old);
	l.sigmask = &old;
	while (!nl_stop) {
		if (env.follow && fflush(stdout))
			break;
		r = nl_lines_next(&l, &line, &len, &flags);
		e = errno;
		if (r < 0 && e == EINTR)
			continue;	/* nl_stop, or another signal */
		if (r < 0 && e == EIO && !env.file && env.follow)
			r = 0;	/* the module went while we were not reading */
		if (r < 0) {
			fprintf(stderr, "netlat: cannot read %s: %s\n",
				env.name, strerror(e));
			rc = e == EACCES || e == EPERM ? NL_EXIT_PERM :
			     NL_EXIT_ERROR;
			break;
		}
		if (!r) {
			if (!env.file && env.follow)
				fprintf(stderr, "netlat: %s ended: the netlat "
					"module was unloaded\n", env.path);
			break;
		}
		if (one_line(&l, line, len, flags, pl, a)) {
			fprintf(stderr, "netlat: out of memory\n");
			rc = NL_EXIT_ERROR;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	nl_lines_free(&l);
	free(pl);
	if (env.bad > BAD_SAID)
		fprintf(stderr, "netlat: %s: %u malformed lines left out, the "
			"first %d said above\n", env.name, env.bad, BAD_SAID);
	if (!rc)
		say_empty(us);
	if (!rc && env.bad)
		rc = NL_EXIT_MALFORMED;
	return rc;
}

int nl_slow_main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.args_doc = args_doc,
		.doc = doc,
	};
	struct nl_cgroups cg;
	struct nl_slow_agg a;
	char **av;
	int fd, rc, i, resolve = 0, opened = 0;

	/* "netlat slow" in the usage and in argp's messages */
	av = calloc((size_t)argc + 1, sizeof(*av));
	if (!av) {
		fprintf(stderr, "netlat: out of memory\n");
		return NL_EXIT_ERROR;
	}
	av[0] = "netlat slow";
	for (i = 1; i < argc; i++)
		av[i] = argv[i];
	argp_err_exit_status = NL_EXIT_USAGE;
	rc = argp_parse(&argp, argc, av, 0, NULL, NULL);
	free(av);
	if (rc)
		return NL_EXIT_USAGE;
	env.path = env.file ? env.file : env.follow ? NL_SLOW_PROC :
		   NL_SLOW_SNAPSHOT_PROC;
	snprintf(env.name, sizeof(env.name), "%s",
		 strcmp(env.path, "-") ? nl_esc(env.path) : "standard input");
	if (env.cgroup_root)
		resolve = 1;
	else if (!env.file && nl_is_cgroup2(NL_CGROUP_ROOT))
		resolve = 1;
	if (resolve && !nl_cgroups_init(&cg, env.cgroup_root ?
					env.cgroup_root : NL_CGROUP_ROOT)) {
		env.o.cgroup_path = nl_cgroups_path;
		env.o.cgroup_ctx = &cg;
	}
	nl_slow_agg_init(&a, env.by < 0 ? NL_BY_PORT : env.by);
	nl_catch_stops();
	rc = open_input(&fd);
	if (!rc && !nl_stop) {
		opened = 1;
		if (env.follow && env.by >= 0 && isatty(2))
			fprintf(stderr, "netlat: reading %s until Ctrl-C, then "
				"the groups\n", env.name);
		rc = run(fd, &a);
		if (fd)
			close(fd);
	}
	/* the groups of the good lines, also when some were malformed */
	if (opened && env.by >= 0 &&
	    (rc == NL_EXIT_OK || rc == NL_EXIT_MALFORMED)) {
		nl_slow_agg_finish(&a, env.sort < 0 ? NL_SORT_WORST : env.sort);
		if (env.json)
			nl_slow_print_agg_json(stdout, &a, &env.o);
		else
			nl_slow_print_agg(stdout, &a, &env.o);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "netlat: writing the output: %s\n",
			strerror(errno));
		rc = NL_EXIT_ERROR;
	}
	nl_slow_agg_free(&a);
	if (env.o.cgroup_path)
		nl_cgroups_free(&cg);
	return rc;
}
