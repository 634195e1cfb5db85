/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading /proc/netlat (or a saved copy) and resetting the statistics.
 */
#ifndef NETLAT_CONTROL_H
#define NETLAT_CONTROL_H

#include <stddef.h>

#define NL_PROC_PATH	"/proc/netlat"
#define NL_RESET_DEBUGFS "/sys/kernel/debug/netlat/reset"
#define NL_RESET_PARAM	"/sys/module/netlat/parameters/reset"

/*
 * Read all of @path ("-": standard input) into a malloc'ed buffer that
 * holds at most @max bytes (more is an error: EFBIG).  One open file
 * description is read to its end: a seq_file read that way is one
 * consistent snapshot.  0, or -1 with errno set.
 */
int nl_read_all(const char *path, size_t max, char **buf, size_t *len);

/*
 * Reset: write "1\n" to @debugfs; when that fails (debugfs not mounted,
 * or refused under kernel lockdown), write "1" to the module parameter
 * @param.  Returns the path that worked, or NULL with errno from the
 * parameter write and @debugfs_errno from the first attempt.
 */
const char *nl_reset(const char *debugfs, const char *param,
		     int *debugfs_errno);

#endif /* NETLAT_CONTROL_H */
