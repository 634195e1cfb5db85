// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a snapshot file (nl_read_all()) and the reset fallback
 * (nl_reset()), with ordinary files standing in for debugfs and sysfs.
 *
 * usage: test_control [FIXTURE_DIR [OUTDIR]]
 */
#include <errno.h>
#include <sys/stat.h>
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
	free(buf);
	free(want);
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

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (argc > 2)
		outdir = argv[2];
	test_read();
	test_reset();
	return test_done("test_control");
}
