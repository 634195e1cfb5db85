// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v2 ids to paths, for netlat slow (slow.h).  A cgroup v2's id is
 * its directory's inode number in the cgroup2 file system, so the paths
 * are found by walking the hierarchy and noting each directory's inode.
 * The walk is done again when an id is asked for that the last one did
 * not see (a cgroup made since), at most once a second (rewalk_ns); an
 * id never found has no path (a cgroup removed since, or another
 * machine's log).
 */
#define _GNU_SOURCE		/* fdopendir, openat */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include "slow.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC	0x63677270
#endif

#define WALK_DEPTH	64		/* deeper directories are left out */
#define WALK_MAX	100000		/* and any beyond so many */
#define PATH_MAX_LEN	4096

struct nl_cgroup_path {
	uint64_t id;
	char *path;
};

int nl_cgroups_init(struct nl_cgroups *c, const char *root)
{
	memset(c, 0, sizeof(*c));
	c->rewalk_ns = 1000000000;
	c->root = strdup(root);
	return c->root ? 0 : -1;
}

static void clear(struct nl_cgroups *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->e[i].path);
	c->n = 0;
}

void nl_cgroups_free(struct nl_cgroups *c)
{
	clear(c);
	free(c->e);
	free(c->root);
	memset(c, 0, sizeof(*c));
}

static int add(struct nl_cgroups *c, uint64_t id, const char *path)
{
	void *p;

	if (c->n == c->cap) {
		p = realloc(c->e, (c->cap ? 2 * c->cap : 64) * sizeof(*c->e));
		if (!p)
			return -1;
		c->e = p;
		c->cap = c->cap ? 2 * c->cap : 64;
	}
	c->e[c->n].path = strdup(path);
	if (!c->e[c->n].path)
		return -1;
	c->e[c->n++].id = id;
	return 0;
}

/*
 * @name appended to @path (of @len bytes) after a slash, each byte that
 * is not printable ASCII, and the backslash, as \ooo (as the module
 * writes a name): the new length, or 0 when it does not fit.
 */
static size_t append(char *path, size_t len, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;

	if (len + 2 >= PATH_MAX_LEN)
		return 0;
	if (len != 1)		/* "/" is the root's whole path */
		path[len++] = '/';
	for (; *s; s++) {
		if (len + 5 >= PATH_MAX_LEN)
			return 0;
		if (*s < '!' || *s > '~' || *s == '\\')
			len += (size_t)snprintf(path + len, 5, "\\%03o", *s);
		else
			path[len++] = (char)*s;
	}
	path[len] = '\0';
	return len;
}

/* The directories below @fd (whose path is @path, @len long), noted. */
static void walk(struct nl_cgroups *c, int fd, char *path, size_t len,
		 unsigned int depth)
{
	struct dirent *d;
	struct stat st;
	DIR *dir;
	size_t n;
	int sub;

	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((d = readdir(dir)) && c->n < WALK_MAX) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
		    (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN))
			continue;
		if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode))
			continue;
		n = append(path, len, d->d_name);
		if (!n || add(c, (uint64_t)st.st_ino, path))
			continue;
		if (depth < WALK_DEPTH) {
			sub = openat(dirfd(dir), d->d_name, O_RDONLY |
				     O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk(c, sub, path, n, depth + 1);
		}
		path[len] = '\0';
	}
	closedir(dir);
}

static int cmp_id(const void *x, const void *y)
{
	const struct nl_cgroup_path *a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000 + (uint64_t)t.tv_nsec;
}

static void walk_all(struct nl_cgroups *c)
{
	char path[PATH_MAX_LEN] = "/";
	struct stat st;
	int fd;

	clear(c);
	c->walks++;
	c->walked_ns = now_ns();
	fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || add(c, (uint64_t)st.st_ino, path)) {
		close(fd);
		return;
	}
	walk(c, fd, path, 1, 1);
	qsort(c->e, c->n, sizeof(*c->e), cmp_id);
}

static const char *find(struct nl_cgroups *c, uint64_t id)
{
	struct nl_cgroup_path key = { .id = id }, *e;

	e = c->n ? bsearch(&key, c->e, c->n, sizeof(*c->e), cmp_id) : NULL;
	return e ? e->path : NULL;
}

const char *nl_cgroups_path(void *ctx, uint64_t id)
{
	struct nl_cgroups *c = ctx;
	const char *path;

	path = c->walks ? find(c, id) : NULL;
	if (path || (c->walks && now_ns() - c->walked_ns < c->rewalk_ns))
		return path;
	walk_all(c);
	return find(c, id);
}

int nl_is_cgroup2(const char *path)
{
	struct statfs fs;

	return !statfs(path, &fs) && fs.f_type == CGROUP2_SUPER_MAGIC;
}
