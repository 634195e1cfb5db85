// SPDX-License-Identifier: GPL-2.0
/*
 * ctlfuzz: hostile writes to a control file, for netlat's guest tests.
 *
 *   ctlfuzz FILE [-n WRITES] [-P PROCS] [-s SEED] [-a] [-p]
 *
 * Each of PROCS processes makes WRITES writes of one kind in turn: random
 * bytes (1-64), an empty write, a 1 MiB write, a write at offset 1, a
 * command with trailing bytes ("1\nx"), and a valid command (only with
 * -a: "1\n").  It counts the writes the kernel accepted and
 * prints "accepted N valid V rejected R"; a rejected write must fail with
 * EINVAL.  Exit 1 if an invalid write was accepted or an error other
 * than EINVAL came back.
 * -p: FILE is a module parameter: sysfs ignores the offset of a write (so
 * none is made at offset 1), and random bytes always start with 'x' so
 * that no write is by chance a valid number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *path;
static int writes = 200, allow_valid, param;

/* One write on a fresh descriptor: its length, or -errno. */
static long one_write(const void *buf, size_t len, off_t off)
{
	int fd = open(path, O_WRONLY);
	long r;

	if (fd < 0)
		return -errno;
	r = off ? pwrite(fd, buf, len, off) : write(fd, buf, len);
	if (r < 0)
		r = -errno;
	close(fd);
	return r;
}

static int fuzz(unsigned int seed)
{
	static char big[1 << 20];
	int i, bad = 0, accepted = 0, valid = 0, rejected = 0;

	srand(seed);
	memset(big, '1', sizeof(big));
	for (i = 0; i < writes; i++) {
		char buf[64];
		size_t len = 1 + rand() % sizeof(buf);
		int kind = i % (allow_valid ? 6 : 5), ok_expected = 0;

		if (param && kind == 3)
			kind = 4;
		size_t k;
		long r;

		for (k = 0; k < len; k++)
			buf[k] = rand();
		/* random bytes that happen to be a valid command are valid */
		if ((len == 1 && (buf[0] == '0' || buf[0] == '1')) ||
		    (len == 2 && (buf[0] == '0' || buf[0] == '1') && buf[1] == '\n'))
			buf[0] = 'x';
		if (param)
			buf[0] = 'x';
		switch (kind) {
		case 0:
			r = one_write(buf, len, 0);
			break;
		case 1:
			r = one_write(buf, 0, 0);
			if (r == 0)	/* a 0-byte write changes nothing */
				r = -EINVAL;
			break;
		case 2:
			r = one_write(big, sizeof(big), 0);
			break;
		case 3:
			r = one_write("1\n", 2, 1);
			break;
		case 4:
			r = one_write("1\nx", 3, 0);
			break;
		default:
			r = one_write("1\n", 2, 0);
			ok_expected = 1;
			break;
		}
		if (r >= 0 && ok_expected) {
			valid++;
			accepted++;
		} else if (r >= 0) {
			fprintf(stderr, "ctlfuzz: write kind %d (%ld bytes) accepted\n",
				kind, r);
			accepted++;
			bad = 1;
		} else if (r == -EINVAL) {
			rejected++;
		} else {
			fprintf(stderr, "ctlfuzz: write kind %d: %s\n", kind,
				strerror(-r));
			bad = 1;
		}
	}
	printf("accepted %d valid %d rejected %d\n", accepted, valid, rejected);
	return bad;
}

int main(int argc, char **argv)
{
	int opt, procs = 1, i, bad = 0, status;
	unsigned int seed = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: ctlfuzz FILE [-n WRITES] [-P PROCS] [-s SEED] [-a] [-p]\n");
		return 2;
	}
	path = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "n:P:s:ap")) != -1) {
		switch (opt) {
		case 'n': writes = atoi(optarg); break;
		case 'P': procs = atoi(optarg); break;
		case 's': seed = atoi(optarg); break;
		case 'a': allow_valid = 1; break;
		case 'p': param = 1; break;
		default: return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (!pid)
			_exit(fuzz(seed + i));
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad = 1;
	return bad;
}
