// SPDX-License-Identifier: GPL-2.0
/*
 * netlat slow (slow.h): a slow log line parsed, every field; IPv6; names
 * and keywords not known ignored; malformed lines rejected with the
 * reason; the fixtures read line by line (lost lines, a line cut short);
 * the table (golden output), the JSON lines (exact; written to OUTDIR
 * for cli.sh to parse back); --by: keys, nearest rank percentiles with
 * exact numbers, the orders, the tables; cgroup ids to paths.
 *
 * usage: test_slow [FIXTURE_DIR [OUTDIR]]
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "test.h"
#include "control.h"
#include "slow.h"

static const char *outdir = "build";
static struct nl_slow_line pl;
static const struct nl_slow_opts auto_opts = { .unit = NL_UNIT_AUTO };

/* docs/format.md's example */
static const char doc_line[] =
	"slow seq 41 time_ns 18601571473 realtime_ns 1796452332570632414 "
	"dir rx family 4 local 192.0.2.2:8001 remote 192.0.2.1:41234 "
	"netns 4026532281 cgroup 8123 pid 812 comm tcpgen bytes 100 segs 1 "
	"weight 1 rx_total 52100231 rx_dev_ip 4210 rx_ip_tcp 9120 "
	"rx_tcp_user 52086901";

static const char v6_line[] =
	"slow seq 7 time_ns 5 realtime_ns 1796452332000000005 dir tx "
	"family 6 local [2001:db8:2::2]:443 remote [2001:db8:0:0::1]:50412 "
	"netns 4026531840 cgroup 9001 pid 2210 comm nginx bytes 16384 "
	"segs 12 weight 4 tx_total 14244960 tx_sock_tcp 6730 "
	"tx_tcp_ip 14203118 tx_ip_dev 35112";

static enum nl_slow_kind parse(const char *line)
{
	return nl_slow_parse(line, strlen(line), &pl);
}

/* @line with @from replaced by @to: what it parses to */
static enum nl_slow_kind parse_edit(const char *line, const char *from,
				   const char *to)
{
	static char buf[8192];
	const char *at = strstr(line, from);

	if (!at) {
		fprintf(stderr, "test_slow: no '%s' in the line\n", from);
		exit(2);
	}
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - line), line, to,
		 at + strlen(from));
	return parse(buf);
}

/* The output of @fn on a record as a malloc'ed string */
static char *render_rec(void (*fn)(FILE *, const struct nl_slow_rec *,
				   const struct nl_slow_opts *),
			const struct nl_slow_rec *r,
			const struct nl_slow_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, r, o);
	fclose(f);
	return buf;
}

static char *render_agg(void (*fn)(FILE *, const struct nl_slow_agg *,
				   const struct nl_slow_opts *),
			const struct nl_slow_agg *a,
			const struct nl_slow_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, a, o);
	fclose(f);
	return buf;
}

static void test_parse_fields(void)
{
	const struct nl_slow_rec *r = &pl.rec;

	CHECK_U64(parse(doc_line), NL_SLOW_RECORD);
	CHECK_U64(r->seq, 41);
	CHECK_U64(r->time_ns, 18601571473ull);
	CHECK_U64(r->realtime_ns, 1796452332570632414ull);
	CHECK_STR(nl_slow_dir(r), "rx");
	CHECK_U64(r->first, NETLAT_RX_DEV_IP);
	CHECK_U64(r->family, 4);
	CHECK_STR(r->local, "192.0.2.2:8001");
	CHECK_STR(r->remote, "192.0.2.1:41234");
	CHECK_STR(r->laddr, "192.0.2.2");
	CHECK_STR(r->raddr, "192.0.2.1");
	CHECK_U64(r->lport, 8001);
	CHECK_U64(r->rport, 41234);
	CHECK_U64(r->netns, 4026532281u);
	CHECK_U64(r->cgroup, 8123);
	CHECK_U64(r->pid, 812);
	CHECK_STR(r->comm, "tcpgen");
	CHECK_U64(r->bytes, 100);
	CHECK_U64(r->segs, 1);
	CHECK_U64(r->weight, 1);
	CHECK_U64(r->total, 52100231);
	CHECK_U64(r->stage[0], 4210);
	CHECK_U64(r->stage[1], 9120);
	CHECK_U64(r->stage[2], 52086901);
	CHECK_U64(nl_slow_slowest(r), 2);
	CHECK_U64(nl_slow_stage_index(r, nl_slow_slowest(r)),
		  NETLAT_RX_TCP_USER);

	/* IPv6: brackets, the canonical address, a tx record */
	CHECK_U64(parse(v6_line), NL_SLOW_RECORD);
	CHECK_STR(nl_slow_dir(r), "tx");
	CHECK_U64(r->first, NETLAT_TX_SOCK_TCP);
	CHECK_U64(r->family, 6);
	CHECK_STR(r->local, "[2001:db8:2::2]:443");
	CHECK_STR(r->remote, "[2001:db8:0:0::1]:50412");	/* as printed */
	CHECK_STR(r->laddr, "2001:db8:2::2");
	CHECK_STR(r->raddr, "2001:db8::1");			/* canonical */
	CHECK_U64(r->lport, 443);
	CHECK_U64(r->rport, 50412);
	CHECK_U64(r->weight, 4);
	CHECK_U64(r->segs, 12);
	CHECK_U64(r->total, 14244960);
	CHECK_U64(r->stage[1], 14203118);
	CHECK_U64(nl_slow_slowest(r), 1);
	/* a v4-mapped address is still IPv6 text */
	CHECK_U64(parse_edit(v6_line, "[2001:db8:2::2]", "[::ffff:192.0.2.2]"),
		  NL_SLOW_RECORD);
	CHECK_STR(pl.rec.laddr, "::ffff:192.0.2.2");

	/* unknown: pid 0, comm -, netns 0, cgroup 0; an escaped name */
	CHECK_U64(parse_edit(doc_line, "pid 812 comm tcpgen", "pid 0 comm -"),
		  NL_SLOW_RECORD);
	CHECK_U64(r->pid, 0);
	CHECK_STR(r->comm, "");
	CHECK_U64(parse_edit(doc_line, "comm tcpgen", "comm \\055"),
		  NL_SLOW_RECORD);
	CHECK_STR(r->comm, "\\055");
	CHECK_U64(parse_edit(doc_line, "comm tcpgen", "comm my\\040app"),
		  NL_SLOW_RECORD);
	CHECK_STR(r->comm, "my\\040app");
	/* the largest values */
	CHECK_U64(parse_edit(doc_line, "seq 41", "seq 18446744073709551615"),
		  NL_SLOW_RECORD);
	CHECK_U64(r->seq, UINT64_MAX);
	CHECK_U64(parse_edit(doc_line, "pid 812", "pid 4294967295"),
		  NL_SLOW_RECORD);
	CHECK_U64(r->pid, 4294967295u);
	/* ties: the earliest stage */
	CHECK_U64(parse_edit(doc_line, "rx_total 52100231 rx_dev_ip 4210 "
			     "rx_ip_tcp 9120 rx_tcp_user 52086901",
			     "rx_total 30 rx_dev_ip 5 rx_ip_tcp 10 "
			     "rx_tcp_user 10"), NL_SLOW_RECORD);
	CHECK_U64(nl_slow_slowest(r), 1);
	/* a zero total: every stage 0 */
	CHECK_U64(parse_edit(doc_line, "rx_total 52100231 rx_dev_ip 4210 "
			     "rx_ip_tcp 9120 rx_tcp_user 52086901",
			     "rx_total 0 rx_dev_ip 0 rx_ip_tcp 0 "
			     "rx_tcp_user 0"), NL_SLOW_RECORD);
	CHECK_U64(nl_slow_slowest(r), 0);
}

/* Additions within version 1: skipped, whatever they are. */
static void test_parse_unknown(void)
{
	CHECK_U64(parse_edit(doc_line, "dir rx", "queue 3 dir rx cpu x"),
		  NL_SLOW_RECORD);
	CHECK_U64(pl.rec.total, 52100231);
	CHECK_U64(parse_edit(doc_line, "rx_tcp_user 52086901",
			     "rx_tcp_user 52086901 rx_new_stage 12 note -"),
		  NL_SLOW_RECORD);
	CHECK_U64(pl.rec.stage[2], 52086901);
	/* the order does not matter */
	CHECK_U64(parse_edit(doc_line, "slow seq 41", "slow rx_dev_ip 4210 "
			     "seq 41"), NL_SLOW_BAD);	/* twice, now */
	CHECK_HAS(pl.why, "'rx_dev_ip' given twice");
	CHECK_U64(parse("slow rx_total 3 rx_dev_ip 1 rx_ip_tcp 1 "
			"rx_tcp_user 1 weight 1 segs 1 bytes 1 comm a pid 1 "
			"cgroup 1 netns 1 remote 192.0.2.1:1 "
			"local 192.0.2.2:2 family 4 dir rx realtime_ns 1 "
			"time_ns 1 seq 1"), NL_SLOW_RECORD);
	CHECK_U64(pl.rec.total, 3);
	/* other keywords, blank lines, comments: nothing */
	CHECK_U64(parse("mark 17 reader 2"), NL_SLOW_NONE);
	CHECK_U64(parse("slowish seq 1"), NL_SLOW_NONE);
	CHECK_U64(parse(""), NL_SLOW_NONE);
	CHECK_U64(parse(" \t "), NL_SLOW_NONE);
	CHECK_U64(parse("# lost 3"), NL_SLOW_NONE);
	/* lost lines */
	CHECK_U64(parse("lost 3"), NL_SLOW_LOST);
	CHECK_U64(pl.lost, 3);
	CHECK_U64(parse("lost 18446744073709551615 since 12"), NL_SLOW_LOST);
	CHECK_U64(pl.lost, UINT64_MAX);
	CHECK_U64(parse("lost"), NL_SLOW_BAD);
	CHECK_STR(pl.why, "'lost' line without a number");
	CHECK_U64(parse("lost -1"), NL_SLOW_BAD);
	CHECK_STR(pl.why, "lost: '-1' is not a number in 0..18446744073709551615");
	/* a carriage return, spaces and tabs between fields */
	CHECK_U64(parse_edit(doc_line, " dir rx ", "\t dir  rx\t"),
		  NL_SLOW_RECORD);
	CHECK_U64(parse_edit(doc_line, "rx_tcp_user 52086901",
			     "rx_tcp_user 52086901\r"), NL_SLOW_RECORD);
	CHECK_U64(pl.rec.stage[2], 52086901);
}

struct bad_case {
	const char *from;
	const char *to;
	const char *why;
};

/* Each edit of the doc's line, and what it is rejected with. */
static void test_parse_malformed(void)
{
	static const struct bad_case c[] = {
		{ " pid 812", "", "'slow' line has no 'pid'" },
		{ " seq 41", "", "'slow' line has no 'seq'" },
		{ " rx_ip_tcp 9120", "", "'slow' line has no 'rx_ip_tcp'" },
		{ " rx_total 52100231", "", "'slow' line has no 'rx_total'" },
		{ "seq 41", "seq 41 seq 42", "'slow' line: 'seq' given twice" },
		{ "rx_dev_ip 4210", "rx_dev_ip 4210 rx_dev_ip 1",
		  "'slow' line: 'rx_dev_ip' given twice" },
		{ " rx_tcp_user 52086901", " rx_tcp_user",
		  "'slow' line: a name without a value" },
		{ "dir rx", "dir up", "dir: 'up' is neither tx nor rx" },
		{ "family 4", "family 5", "family: 5 is neither 4 nor 6" },
		{ "family 4", "family 46",
		  "family: '46' is not a number in 0..6" },
		{ "family 4", "family 6",
		  "local: '192.0.2.2:8001' is not an IPv6 address and port" },
		{ "192.0.2.2:8001", "[2001:db8::1]:8001",
		  "local: '[2001:db8::1]:8001' is not an IPv4 address and port" },
		{ "192.0.2.1:41234", "192.0.2.300:41234",
		  "remote: '192.0.2.300:41234' is not an IPv4 address and port" },
		{ "192.0.2.1:41234", "192.0.2.1:65536",
		  "remote: '192.0.2.1:65536' is not an IPv4 address and port" },
		{ "192.0.2.1:41234", "192.0.2.1:",
		  "remote: '192.0.2.1:' is not an IPv4 address and port" },
		{ "192.0.2.1:41234", "192.0.2.1",
		  "remote: '192.0.2.1' is not an IPv4 address and port" },
		{ "192.0.2.1:41234", ":41234",
		  "remote: ':41234' is not an IPv4 address and port" },
		{ "pid 812", "pid 4294967296",
		  "pid: '4294967296' is not a number in 0..4294967295" },
		{ "netns 4026532281", "netns -1",
		  "netns: '-1' is not a number in 0..4294967295" },
		{ "bytes 100", "bytes 1e2",
		  "bytes: '1e2' is not a number in 0..4294967295" },
		{ "seq 41", "seq 18446744073709551616",
		  "seq: '18446744073709551616' is not a number in 0..18446744073709551615" },
		{ "weight 1", "weight 0",
		  "weight 0: a sample stands for 1 or more" },
		{ "rx_ip_tcp 9120", "rx_ip_tcp 9120 tx_ip_dev 3",
		  "tx_ip_dev in an rx record" },
		{ "rx_tcp_user 52086901", "rx_tcp_user 52100232",
		  "rx_tcp_user 52100232 is more than the total 52100231" },
		{ "rx_dev_ip 4210", "rx_dev_ip x",
		  "rx_dev_ip: 'x' is not a number in 0..18446744073709551615" },
		{ "comm tcpgen", "comm tcp\x1bgen",
		  "comm has a byte that is not printable ASCII" },
		{ "comm tcpgen", "comm tcp\xc3\xa9",
		  "comm has a byte that is not printable ASCII" },
		{ "comm tcpgen", "comm "
		  "\\101\\101\\101\\101\\101\\101\\101\\101\\101\\101\\101"
		  "\\101\\101\\101\\101\\101x",
		  "comm is longer than 63 bytes" },
	};
	char tx[sizeof(v6_line) + 64], many[4200];
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CHECK_U64(parse_edit(doc_line, c[i].from, c[i].to),
			  NL_SLOW_BAD);
		CHECK_STR(pl.why, c[i].why);
	}
	/* a tx record with an rx stage */
	snprintf(tx, sizeof(tx), "%s rx_dev_ip 1", v6_line);
	CHECK_U64(parse(tx), NL_SLOW_BAD);
	CHECK_STR(pl.why, "rx_dev_ip in a tx record");
	/* what the input says is escaped: no raw escape in a message */
	CHECK_U64(parse_edit(doc_line, "dir rx", "dir \x1b[2J"), NL_SLOW_BAD);
	CHECK_STR(pl.why, "dir: '\\x1b[2J' is neither tx nor rx");
	/* a NUL byte; too many fields; too long */
	CHECK_U64(nl_slow_parse("slow seq\0 1", 11, &pl), NL_SLOW_BAD);
	CHECK_STR(pl.why, "NUL byte: this is not netlat text");
	strcpy(many, "slow");
	for (i = 0; i < 70; i++)
		strcat(many, " a 1");
	CHECK_U64(parse(many), NL_SLOW_BAD);
	CHECK_STR(pl.why, "more than 128 fields on a line");
	memset(many, 'x', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	memcpy(many, "slow ", 5);
	CHECK_U64(parse(many), NL_SLOW_BAD);
	CHECK_STR(pl.why, "a line longer than 4096 bytes");
	/* only "slow" and "lost" lines are checked: others never are */
	CHECK_U64(parse("other \x1b 1 2 3"), NL_SLOW_NONE);
	CHECK_U64(nl_slow_parse("slowly\0 1", 9, &pl), NL_SLOW_NONE);
	CHECK_U64(nl_slow_parse("lost", 3, &pl), NL_SLOW_NONE);	/* "los" */
	memcpy(many, "other", 5);
	CHECK_U64(parse(many), NL_SLOW_NONE);		/* 4199 bytes */
}

/*
 * The fixtures line by line, as netlat slow reads them: a snapshot of
 * ten records; a stream with lost lines, a keyword not known, names not
 * known, IPv6, an escaped name, a weight, and its last line cut short.
 */
static void test_fixtures(void)
{
	char path[600], kinds[64] = "";
	struct nl_lines l;
	const char *line;
	size_t len;
	int fd, flags, n = 0;
	uint64_t lost = 0;

	snprintf(path, sizeof(path), "%s/slow-snapshot.txt", fixture_dir);
	fd = open(path, O_RDONLY);
	nl_lines_init(&l, fd, NL_LINE_MAX);
	while (nl_lines_next(&l, &line, &len, &flags) > 0) {
		CHECK_U64(flags, 0);
		CHECK_U64(nl_slow_parse(line, len, &pl), NL_SLOW_RECORD);
		CHECK_U64(pl.rec.seq, (uint64_t)n++);
	}
	CHECK_U64(n, 10);
	nl_lines_free(&l);
	close(fd);

	snprintf(path, sizeof(path), "%s/slow-stream.txt", fixture_dir);
	fd = open(path, O_RDONLY);
	nl_lines_init(&l, fd, NL_LINE_MAX);
	while (nl_lines_next(&l, &line, &len, &flags) > 0) {
		static const char k[] = "-RLB";
		enum nl_slow_kind kind = nl_slow_parse(line, len, &pl);

		if (flags & NL_LINE_CUT) {
			strcat(kinds, "C");
			continue;
		}
		n = (int)strlen(kinds);
		kinds[n] = k[kind];
		kinds[n + 1] = '\0';
		if (kind == NL_SLOW_LOST)
			lost += pl.lost;
		if (kind == NL_SLOW_RECORD && pl.rec.seq == 125) {
			CHECK_STR(pl.rec.comm, "my\\040app");
			CHECK_U64(pl.rec.weight, 4);
			CHECK_U64(pl.rec.family, 6);
			CHECK_STR(pl.rec.raddr, "2001:db8:1::1");
		}
		if (kind == NL_SLOW_RECORD && pl.rec.seq == 124)
			CHECK_U64(pl.rec.stage[2], 300412730);
	}
	/* record, a keyword not known, lost, two records, lost, cut short */
	CHECK_STR(kinds, "R-LRRLC");
	CHECK_U64(l.line, 7);
	CHECK_U64(lost, 4);
	nl_lines_free(&l);
	close(fd);
}

/* Every record of fixture @name through @fn, into one string */
static char *render_fixture(const char *name,
			    void (*fn)(FILE *, const struct nl_slow_rec *,
				       const struct nl_slow_opts *),
			    const struct nl_slow_opts *o, int header)
{
	size_t len, blen = 0, n;
	char *text = fixture(name, &len), *buf = NULL, *p, *nl;
	FILE *f = open_memstream(&buf, &blen);

	if (header)
		nl_slow_print_header(f, o);
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		n = (size_t)(nl - p);
		switch (nl_slow_parse(p, n, &pl)) {
		case NL_SLOW_RECORD:
			fn(f, &pl.rec, o);
			break;
		case NL_SLOW_LOST:
			if (fn == nl_slow_print_json)
				nl_slow_print_lost_json(f, pl.lost);
			else
				nl_slow_print_lost(f, pl.lost);
			break;
		default:
			break;
		}
	}
	fclose(f);
	free(text);
	return buf;
}

static void save(const char *name, const char *text)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
}

/* The table: the golden output of the snapshot fixture, line for line */
static void test_table(void)
{
	struct nl_slow_opts o = { .unit = NL_UNIT_AUTO };
	char *got = render_fixture("slow-snapshot.txt", nl_slow_print_rec,
				   &o, 1);
	char *want = fixture("slow-snapshot.table", NULL);
	char *t;

	CHECK_STR(got, want);
	if (strcmp(got, want))
		save("slow-snapshot.table.got", got);
	free(got);
	free(want);
	/* lost lines, in the stream */
	t = render_fixture("slow-stream.txt", nl_slow_print_rec, &o, 0);
	CHECK_HAS(t, "\n*** 3 records lost here: the ring was full, dropped "
		  "before they were read\n");
	CHECK_HAS(t, "\n*** 1 record lost here:");
	CHECK_HAS(t, "06:33:13.520  my\\040app[3001]       25.1ms  "
		  "rx_tcp_user  99.6%  rx_dev_ip 12.0us  rx_ip_tcp 88.1us  "
		  "rx_tcp_user 25.0ms  [2001:db8:2::2]:8443 <- "
		  "[2001:db8:1::1]:50990\n");
	free(t);
	/* a fixed unit: wider columns, every value in it */
	CHECK_U64(parse(doc_line), NL_SLOW_RECORD);
	o.unit = NL_UNIT_US;
	t = render_rec(nl_slow_print_rec, &pl.rec, &o);
	CHECK_STR(t, "06:32:12.570  tcpgen[812]             52100us  "
		  "rx_tcp_user 100.0%  rx_dev_ip    4.21us  "
		  "rx_ip_tcp    9.12us  rx_tcp_user   52087us  "
		  "192.0.2.2:8001 <- 192.0.2.1:41234\n");
	free(t);
	o.unit = NL_UNIT_NS;
	t = render_rec(nl_slow_print_rec, &pl.rec, &o);
	CHECK_HAS(t, "  52100231ns  rx_tcp_user 100.0%  rx_dev_ip       4210ns"
		  "  rx_ip_tcp       9120ns  rx_tcp_user   52086901ns  ");
	free(t);
	/* what is unknown: '-' */
	CHECK_U64(parse_edit(doc_line, "pid 812 comm tcpgen", "pid 0 comm -"),
		  NL_SLOW_RECORD);
	t = render_rec(nl_slow_print_rec, &pl.rec, &auto_opts);
	CHECK_HAS(t, "06:32:12.570  -                     52.1ms");
	free(t);
	CHECK_U64(parse_edit(doc_line, "comm tcpgen", "comm -"),
		  NL_SLOW_RECORD);
	t = render_rec(nl_slow_print_rec, &pl.rec, &auto_opts);
	CHECK_HAS(t, "06:32:12.570  -[812]                52.1ms");
	free(t);
	/* a zero total has no share */
	CHECK_U64(parse_edit(doc_line, "rx_total 52100231 rx_dev_ip 4210 "
			     "rx_ip_tcp 9120 rx_tcp_user 52086901",
			     "rx_total 0 rx_dev_ip 0 rx_ip_tcp 0 "
			     "rx_tcp_user 0"), NL_SLOW_RECORD);
	t = render_rec(nl_slow_print_rec, &pl.rec, &auto_opts);
	CHECK_HAS(t, "  rx_dev_ip        -  rx_dev_ip    0ns");
	free(t);
}

static const char *fake_path(void *ctx, uint64_t id)
{
	(void)ctx;
	return id == 8123 ? "/nl-slow" : NULL;
}

/* JSON: every field, null for what is unknown, the lost lines */
static void test_json(void)
{
	struct nl_slow_opts o = { .unit = NL_UNIT_MS };
	char *j;

	CHECK_U64(parse(doc_line), NL_SLOW_RECORD);
	j = render_rec(nl_slow_print_json, &pl.rec, &o);
	CHECK_STR(j, "{\"seq\":41,\"time\":\"2026-12-05T06:32:12.570Z\","
		  "\"time_ns\":18601571473,"
		  "\"realtime_ns\":1796452332570632414,\"direction\":\"rx\","
		  "\"family\":4,\"local\":\"192.0.2.2:8001\","
		  "\"remote\":\"192.0.2.1:41234\","
		  "\"local_addr\":\"192.0.2.2\",\"local_port\":8001,"
		  "\"remote_addr\":\"192.0.2.1\",\"remote_port\":41234,"
		  "\"netns\":4026532281,\"cgroup\":8123,\"cgroup_path\":null,"
		  "\"pid\":812,\"comm\":\"tcpgen\",\"bytes\":100,\"segs\":1,"
		  "\"weight\":1,\"total_ns\":52100231,"
		  "\"slowest_stage\":\"rx_tcp_user\",\"stages\":"
		  "{\"rx_total\":52100231,\"rx_dev_ip\":4210,"
		  "\"rx_ip_tcp\":9120,\"rx_tcp_user\":52086901}}\n");
	free(j);
	/* the unit is the text's only: JSON is in ns */
	o.cgroup_path = fake_path;
	j = render_rec(nl_slow_print_json, &pl.rec, &o);
	CHECK_HAS(j, "\"cgroup\":8123,\"cgroup_path\":\"/nl-slow\",");
	free(j);
	CHECK_U64(parse_edit(doc_line, "netns 4026532281 cgroup 8123 pid 812 "
			     "comm tcpgen", "netns 0 cgroup 0 pid 0 comm -"),
		  NL_SLOW_RECORD);
	j = render_rec(nl_slow_print_json, &pl.rec, &o);
	CHECK_HAS(j, "\"netns\":null,\"cgroup\":null,\"cgroup_path\":null,"
		  "\"pid\":null,\"comm\":null,");
	free(j);
	CHECK_U64(parse_edit(doc_line, "comm tcpgen", "comm a\"b\\\\c"),
		  NL_SLOW_RECORD);
	j = render_rec(nl_slow_print_json, &pl.rec, &o);
	CHECK_HAS(j, "\"comm\":\"a\\\"b\\\\\\\\c\",");
	free(j);
	CHECK_U64(parse(v6_line), NL_SLOW_RECORD);
	j = render_rec(nl_slow_print_json, &pl.rec, &o);
	CHECK_HAS(j, "\"direction\":\"tx\",\"family\":6,"
		  "\"local\":\"[2001:db8:2::2]:443\","
		  "\"remote\":\"[2001:db8:0:0::1]:50412\","
		  "\"local_addr\":\"2001:db8:2::2\",\"local_port\":443,"
		  "\"remote_addr\":\"2001:db8::1\",\"remote_port\":50412,");
	CHECK_HAS(j, "\"weight\":4,\"total_ns\":14244960,"
		  "\"slowest_stage\":\"tx_tcp_ip\",\"stages\":"
		  "{\"tx_total\":14244960,\"tx_sock_tcp\":6730,"
		  "\"tx_tcp_ip\":14203118,\"tx_ip_dev\":35112}}\n");
	free(j);
	/* both fixtures, for cli.sh to parse back, a line at a time */
	j = render_fixture("slow-snapshot.txt", nl_slow_print_json, &o, 0);
	save("slow-snapshot.jsonl", j);
	free(j);
	j = render_fixture("slow-stream.txt", nl_slow_print_json, &o, 0);
	CHECK_HAS(j, "}\n{\"lost\":3}\n{\"seq\":124,");
	CHECK_HAS(j, "}\n{\"lost\":1}\n");
	save("slow-stream.jsonl", j);
	free(j);
}

/* A record of @dir with @total, its stage @slow taking @total - 2. */
static struct nl_slow_rec rec(const char *dir, uint64_t total,
			      unsigned int slow)
{
	struct nl_slow_rec r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.first = strcmp(dir, "tx") ? NETLAT_RX_DEV_IP : NETLAT_TX_SOCK_TCP;
	r.family = 4;
	r.total = total;
	for (i = 0; i < NL_SLOW_STAGES; i++)
		r.stage[i] = i == slow ? total - 2 : 1;
	r.weight = 1;
	return r;
}

static void test_keys(void)
{
	char k[128];

	CHECK_U64(parse(doc_line), NL_SLOW_RECORD);
	/* the lower port: here the local one, the server's */
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PORT, k, sizeof(k)), "8001");
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PEER, k, sizeof(k)), "192.0.2.1");
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PROCESS, k, sizeof(k)),
		  "tcpgen[812]");
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_CGROUP, k, sizeof(k)), "8123");
	/* a client's record: the remote port is the service's */
	CHECK_U64(parse_edit(doc_line, "local 192.0.2.2:8001 remote "
			     "192.0.2.1:41234", "local 192.0.2.1:41234 remote "
			     "192.0.2.2:8001"), NL_SLOW_RECORD);
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PORT, k, sizeof(k)), "8001");
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PEER, k, sizeof(k)), "192.0.2.2");
	CHECK_U64(parse(v6_line), NL_SLOW_RECORD);
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PORT, k, sizeof(k)), "443");
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PEER, k, sizeof(k)),
		  "2001:db8::1");
	/* unknown */
	CHECK_U64(parse_edit(doc_line, "cgroup 8123 pid 812 comm tcpgen",
			     "cgroup 0 pid 0 comm -"), NL_SLOW_RECORD);
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PROCESS, k, sizeof(k)), "-");
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_CGROUP, k, sizeof(k)), "-");
	CHECK_U64(parse_edit(doc_line, "comm tcpgen", "comm -"),
		  NL_SLOW_RECORD);
	CHECK_STR(nl_slow_key(&pl.rec, NL_BY_PROCESS, k, sizeof(k)), "-[812]");
	/* the names */
	CHECK_U64(nl_slow_by_parse("port"), NL_BY_PORT);
	CHECK_U64(nl_slow_by_parse("peer"), NL_BY_PEER);
	CHECK_U64(nl_slow_by_parse("process"), NL_BY_PROCESS);
	CHECK_U64(nl_slow_by_parse("cgroup"), NL_BY_CGROUP);
	CHECK(nl_slow_by_parse("Port") < 0);
	CHECK(nl_slow_by_parse("") < 0);
	CHECK_U64(nl_slow_sort_parse("worst"), NL_SORT_WORST);
	CHECK_U64(nl_slow_sort_parse("p99"), NL_SORT_P99);
	CHECK_U64(nl_slow_sort_parse("count"), NL_SORT_COUNT);
	CHECK(nl_slow_sort_parse("p50") < 0);
	CHECK_STR(nl_slow_by_name(NL_BY_CGROUP), "cgroup");
}

static void test_pct(void)
{
	uint64_t v[1000];
	unsigned int i;

	for (i = 0; i < 1000; i++)
		v[i] = i + 1;
	CHECK_U64(nl_slow_pct(v, 0, 500), 0);
	CHECK_U64(nl_slow_pct(v, 1, 500), 1);
	CHECK_U64(nl_slow_pct(v, 1, 990), 1);
	CHECK_U64(nl_slow_pct(v, 2, 500), 1);	/* rank ceil(1) */
	CHECK_U64(nl_slow_pct(v, 2, 990), 2);	/* rank ceil(1.98) */
	CHECK_U64(nl_slow_pct(v, 3, 500), 2);	/* rank ceil(1.5) */
	CHECK_U64(nl_slow_pct(v, 4, 500), 2);
	CHECK_U64(nl_slow_pct(v, 100, 500), 50);
	CHECK_U64(nl_slow_pct(v, 100, 990), 99);
	CHECK_U64(nl_slow_pct(v, 101, 990), 100);	/* ceil(99.99) */
	CHECK_U64(nl_slow_pct(v, 1000, 990), 990);
	CHECK_U64(nl_slow_pct(v, 1000, 1000), 1000);
	CHECK_U64(nl_slow_pct(v, 1000, 0), 1);
}

/* Groups of known totals, by port; 0 when every record went in. */
static int fill(struct nl_slow_agg *a)
{
	struct nl_slow_rec r;
	unsigned int i;
	int failed = 0;

	for (i = 1; i <= 100; i++) {		/* port 80: 1..100 us */
		r = rec("tx", i * 1000ull, 2);
		r.lport = 80;
		r.rport = 50000;
		failed |= nl_slow_agg_add(a, &r);
	}
	r = rec("rx", 500000, 2);		/* port 443: 500 us once */
	r.lport = 50001;
	r.rport = 443;
	failed |= nl_slow_agg_add(a, &r);
	for (i = 1; i <= 4; i++) {		/* port 22: 10..40 us */
		r = rec("rx", i * 10000ull, 1);
		r.lport = 22;
		r.rport = 50002;
		failed |= nl_slow_agg_add(a, &r);
	}
	for (i = 1; i <= 100; i++) {		/* port 8080: 99 x 3 us, 1 ms */
		r = rec(i == 100 ? "rx" : "tx", i == 100 ? 1000000 : 3000,
			i == 100 ? 2 : 0);
		r.lport = 8080;
		r.rport = 50003;
		failed |= nl_slow_agg_add(a, &r);
	}
	return failed;
}

/* The keys of the groups in their order, each followed by a space */
static const char *order_of(const struct nl_slow_agg *a)
{
	static char buf[1024];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < a->n && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s ",
				      a->group[i].key);
	return buf;
}

static void test_agg(void)
{
	struct nl_slow_opts o = { .unit = NL_UNIT_AUTO };
	struct nl_slow_agg a;
	struct nl_slow_rec r;
	unsigned int i;
	int failed;
	char *t;

	nl_slow_agg_init(&a, NL_BY_PORT);
	CHECK(!fill(&a));
	CHECK_U64(a.records, 205);
	CHECK_U64(a.n, 4);
	nl_slow_agg_finish(&a, NL_SORT_WORST);
	CHECK_STR(order_of(&a), "8080 443 80 22 ");
	/* port 80: 100 totals, 1 .. 100 us: p50 the 50th, p99 the 99th */
	CHECK_STR(a.group[2].key, "80");
	CHECK_U64(a.group[2].n, 100);
	CHECK_U64(a.group[2].p50, 50000);
	CHECK_U64(a.group[2].p99, 99000);
	CHECK_U64(a.group[2].max, 100000);
	CHECK_U64(a.group[2].slowest, NETLAT_TX_IP_DEV);
	/* 443: one record; the key is the lower port, here the remote one */
	CHECK_U64(a.group[1].port, 443);
	CHECK_U64(a.group[1].p50, 500000);
	CHECK_U64(a.group[1].p99, 500000);
	CHECK_U64(a.group[1].max, 500000);
	CHECK_U64(a.group[1].slowest, NETLAT_RX_TCP_USER);
	/* 22: 10, 20, 30, 40 us: p50 is the 2nd, p99 the 4th */
	CHECK_U64(a.group[3].p50, 20000);
	CHECK_U64(a.group[3].p99, 40000);
	CHECK_U64(a.group[3].slowest, NETLAT_RX_IP_TCP);
	/* 8080: p99 is 3 us, the worst 1 ms; tx and rx: the most time in all */
	CHECK_U64(a.group[0].p50, 3000);
	CHECK_U64(a.group[0].p99, 3000);
	CHECK_U64(a.group[0].max, 1000000);
	CHECK_U64(a.group[0].slowest, NETLAT_RX_TCP_USER);
	t = render_agg(nl_slow_print_agg, &a, &o);
	CHECK_STR(t,
		  "PORT    COUNT     P50     P99   WORST  SLOWEST STAGE\n"
		  "8080      100  3.00us  3.00us  1.00ms  rx_tcp_user\n"
		  "443         1   500us   500us   500us  rx_tcp_user\n"
		  "80        100  50.0us  99.0us   100us  tx_ip_dev\n"
		  "22          4  20.0us  40.0us  40.0us  rx_ip_tcp\n");
	free(t);
	t = render_agg(nl_slow_print_agg_json, &a, &o);
	CHECK_HAS(t, "{\"by\":\"port\",\"key\":\"8080\",\"port\":8080,"
		  "\"count\":100,\"p50_ns\":3000,\"p99_ns\":3000,"
		  "\"max_ns\":1000000,\"slowest_stage\":\"rx_tcp_user\"}\n"
		  "{\"by\":\"port\",\"key\":\"443\",");
	CHECK_LACKS(t, "lost");
	free(t);
	nl_slow_agg_free(&a);

	/* by p99: 443 500 us, 80 99 us, 22 40 us, 8080 3 us */
	nl_slow_agg_init(&a, NL_BY_PORT);
	CHECK(!fill(&a));
	nl_slow_agg_finish(&a, NL_SORT_P99);
	CHECK_STR(order_of(&a), "443 80 22 8080 ");
	nl_slow_agg_free(&a);
	/* by count: 8080 and 80 100 each, the worse first; then 22, 443 */
	nl_slow_agg_init(&a, NL_BY_PORT);
	CHECK(!fill(&a));
	nl_slow_agg_finish(&a, NL_SORT_COUNT);
	CHECK_STR(order_of(&a), "8080 80 22 443 ");
	nl_slow_agg_free(&a);

	/*
	 * --sort count: equal counts and worst, the larger p99 first: 101
	 * records each, 100 of 5 us (port 700) or of 7 us (port 800) and one
	 * of 9 us, so that the p99 (rank 100) is not the worst
	 */
	nl_slow_agg_init(&a, NL_BY_PORT);
	failed = 0;
	for (i = 0; i < 202; i++) {
		r = rec("tx", i % 101 == 100 ? 9000 : i < 101 ? 5000 : 7000, 0);
		r.lport = i < 101 ? 700 : 800;
		r.rport = 60000;
		failed |= nl_slow_agg_add(&a, &r);
	}
	CHECK(!failed);
	nl_slow_agg_finish(&a, NL_SORT_COUNT);
	CHECK_STR(order_of(&a), "800 700 ");
	CHECK_U64(a.group[0].p99, 7000);
	CHECK_U64(a.group[1].p99, 5000);
	CHECK_U64(a.group[1].max, 9000);
	nl_slow_agg_free(&a);

	/* all equal: by the key, ports as numbers */
	nl_slow_agg_init(&a, NL_BY_PORT);
	for (i = 0; i < 3; i++) {
		static const unsigned int port[] = { 9000, 80, 443 };

		r = rec("tx", 5000, 0);
		r.lport = port[i];
		r.rport = 60000;
		CHECK(!nl_slow_agg_add(&a, &r));
	}
	nl_slow_agg_finish(&a, NL_SORT_WORST);
	CHECK(a.n == 3 && a.group[0].port == 80 && a.group[1].port == 443 &&
	      a.group[2].port == 9000);
	/* lost records: said after the table, and as JSON */
	a.lost = 3;
	t = render_agg(nl_slow_print_agg, &a, &o);
	CHECK_HAS(t, "9000        1  5.00us  5.00us  5.00us  tx_sock_tcp\n"
		  "*** 3 records lost: the ring was full, dropped before "
		  "they were read; not counted above\n");
	free(t);
	t = render_agg(nl_slow_print_agg_json, &a, &o);
	CHECK_HAS(t, "\"slowest_stage\":\"tx_sock_tcp\"}\n{\"lost\":3}\n");
	free(t);
	nl_slow_agg_free(&a);

	/* many groups: the index grows; each record in its own */
	nl_slow_agg_init(&a, NL_BY_PEER);
	failed = 0;
	for (i = 0; i < 3000; i++) {
		r = rec("rx", 1000 + i, 2);
		snprintf(r.raddr, sizeof(r.raddr), "2001:db8::%x", i);
		failed |= nl_slow_agg_add(&a, &r);
		failed |= nl_slow_agg_add(&a, &r);
	}
	CHECK(!failed);
	CHECK_U64(a.n, 3000);
	nl_slow_agg_finish(&a, NL_SORT_WORST);
	CHECK_STR(a.group[0].key, "2001:db8::bb7");
	CHECK_U64(a.group[0].n, 2);
	CHECK_U64(a.group[2999].max, 1000);
	nl_slow_agg_free(&a);

	/* the other keys, from the snapshot fixture */
	{
		size_t len;
		char *text = fixture("slow-snapshot.txt", &len), *p, *nl;
		static const char *const want[] = {
			[NL_BY_PORT] =
			"PORT    COUNT     P50     P99   WORST  SLOWEST STAGE\n"
			"6105        4   301ms   303ms   303ms  tx_ip_dev\n"
			"6112        3   300ms   301ms   301ms  rx_tcp_user\n"
			"443         1  14.2ms  14.2ms  14.2ms  tx_tcp_ip\n"
			"6200        1  2.92ms  2.92ms  2.92ms  rx_tcp_user\n"
			"6379        1  2.17ms  2.17ms  2.17ms  rx_ip_tcp\n",
			[NL_BY_PEER] =
			"PEER             COUNT     P50     P99   WORST  SLOWEST STAGE\n"
			"192.0.2.2            7   301ms   303ms   303ms  tx_ip_dev\n"
			"2001:db8:1::1        2  2.17ms  14.2ms  14.2ms  tx_tcp_ip\n"
			"192.0.2.1            1  2.92ms  2.92ms  2.92ms  rx_tcp_user\n",
			[NL_BY_PROCESS] =
			"PROCESS               COUNT     P50     P99   WORST  SLOWEST STAGE\n"
			"tcpgen[812]               4   301ms   303ms   303ms  tx_ip_dev\n"
			"tcpgen[815]               3   300ms   301ms   301ms  rx_tcp_user\n"
			"nginx[2210]               1  14.2ms  14.2ms  14.2ms  tx_tcp_ip\n"
			"-                         1  2.92ms  2.92ms  2.92ms  rx_tcp_user\n"
			"redis-server[1650]        1  2.17ms  2.17ms  2.17ms  rx_ip_tcp\n",
			[NL_BY_CGROUP] =
			"CGROUP      COUNT     P50     P99   WORST  SLOWEST STAGE\n"
			"/nl-slow        7   301ms   303ms   303ms  tx_ip_dev\n"
			"9001            2  2.17ms  14.2ms  14.2ms  tx_tcp_ip\n"
			"-               1  2.92ms  2.92ms  2.92ms  rx_tcp_user\n",
		};
		unsigned int by;

		o.cgroup_path = fake_path;
		for (by = NL_BY_PORT; by <= NL_BY_CGROUP; by++) {
			nl_slow_agg_init(&a, by);
			for (p = text; (nl = strchr(p, '\n')); p = nl + 1)
				if (nl_slow_parse(p, (size_t)(nl - p), &pl) ==
				    NL_SLOW_RECORD)
					CHECK(!nl_slow_agg_add(&a, &pl.rec));
			nl_slow_agg_finish(&a, NL_SORT_WORST);
			t = render_agg(nl_slow_print_agg, &a, &o);
			CHECK_STR(t, want[by]);
			free(t);
			t = render_agg(nl_slow_print_agg_json, &a, &o);
			if (by == NL_BY_PROCESS)
				CHECK_HAS(t, "{\"by\":\"process\",\"key\":\"-\","
					  "\"comm\":null,\"pid\":null,"
					  "\"count\":1,");
			if (by == NL_BY_CGROUP) {
				CHECK_HAS(t, "{\"by\":\"cgroup\",\"key\":"
					  "\"/nl-slow\",\"cgroup\":8123,"
					  "\"cgroup_path\":\"/nl-slow\",");
				CHECK_HAS(t, "{\"by\":\"cgroup\",\"key\":\"9001\","
					  "\"cgroup\":9001,\"cgroup_path\":null,");
				CHECK_HAS(t, "{\"by\":\"cgroup\",\"key\":\"-\","
					  "\"cgroup\":null,\"cgroup_path\":null,");
			}
			if (by == NL_BY_PEER)
				CHECK_HAS(t, "{\"by\":\"peer\",\"key\":"
					  "\"2001:db8:1::1\",\"peer\":"
					  "\"2001:db8:1::1\",\"count\":2,"
					  "\"p50_ns\":2169439,"
					  "\"p99_ns\":14244960,");
			free(t);
			nl_slow_agg_free(&a);
		}
		free(text);
	}
	/* nothing: no header */
	nl_slow_agg_init(&a, NL_BY_PEER);
	nl_slow_agg_finish(&a, NL_SORT_WORST);
	t = render_agg(nl_slow_print_agg, &a, &o);
	CHECK_STR(t, "");
	free(t);
	nl_slow_agg_free(&a);
}

static uint64_t ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

/* Paths of directories by inode, as of cgroup v2 ids, in a tree made here */
static void test_cgroups(void)
{
	char root[600], p[700];
	struct nl_cgroups c;

	snprintf(root, sizeof(root), "%s/cgroup-tree", outdir);
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	CHECK(!system(p));
	mkdir(root, 0755);
	snprintf(p, sizeof(p), "%s/a", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/a/sub", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/odd name\\", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/file", root);
	fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s/link", root);
	CHECK(!symlink("a", p));

	CHECK(!nl_cgroups_init(&c, root));
	c.rewalk_ns = UINT64_MAX;	/* once only */
	CHECK_STR(nl_cgroups_path(&c, ino(root)), "/");
	CHECK_U64(c.walks, 1);
	snprintf(p, sizeof(p), "%s/a/sub", root);
	CHECK_STR(nl_cgroups_path(&c, ino(p)), "/a/sub");
	snprintf(p, sizeof(p), "%s/a", root);
	CHECK_STR(nl_cgroups_path(&c, ino(p)), "/a");
	snprintf(p, sizeof(p), "%s/odd name\\", root);
	CHECK_STR(nl_cgroups_path(&c, ino(p)), "/odd\\040name\\134");
	snprintf(p, sizeof(p), "%s/file", root);
	CHECK(!nl_cgroups_path(&c, ino(p)));		/* not a directory */
	CHECK_U64(c.n, 4);				/* the link is not */
	/* one made since: found by the next walk, not before it is due */
	snprintf(p, sizeof(p), "%s/a/new", root);
	mkdir(p, 0755);
	CHECK(!nl_cgroups_path(&c, ino(p)));
	CHECK_U64(c.walks, 1);
	c.rewalk_ns = 0;
	CHECK_STR(nl_cgroups_path(&c, ino(p)), "/a/new");
	CHECK_U64(c.walks, 2);
	CHECK_STR(nl_cgroups_path(&c, ino(p)), "/a/new");
	CHECK_U64(c.walks, 2);				/* known: no walk */
	CHECK(!nl_cgroups_path(&c, 1));
	nl_cgroups_free(&c);
	/* no such root: no paths */
	snprintf(p, sizeof(p), "%s/none", root);
	CHECK(!nl_cgroups_init(&c, p));
	CHECK(!nl_cgroups_path(&c, ino(root)));
	nl_cgroups_free(&c);
	CHECK(!nl_is_cgroup2(root));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (argc > 2)
		outdir = argv[2];
	/* the table's time of day is local time: UTC here */
	setenv("TZ", "UTC", 1);
	tzset();
	test_parse_fields();
	test_parse_unknown();
	test_parse_malformed();
	test_fixtures();
	test_table();
	test_json();
	test_keys();
	test_pct();
	test_agg();
	test_cgroups();
	return test_done("test_slow");
}
