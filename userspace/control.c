// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the snapshot and writing the reset control files (control.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "control.h"

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
