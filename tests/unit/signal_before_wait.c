// SPDX-License-Identifier: GPL-2.0
/*
 * An LD_PRELOAD object for cli.sh: the first time netlat waits (sleeps
 * or waits for a signal or input), a signal comes just before the wait
 * starts, after the check of its stop flag: the race that a wait with
 * the signals blocked until it begins (ppoll(), sigsuspend()) closes.
 * NL_TEST_SIGNAL picks the signal (a number; SIGTERM by default).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

static void signal_now(void)
{
	static int done;
	const char *sig = getenv("NL_TEST_SIGNAL");

	if (done++)
		return;
	raise(sig ? atoi(sig) : SIGTERM);
}

typedef int clock_nanosleep_fn(clockid_t clock, int flags,
			       const struct timespec *t,
			       struct timespec *left);
typedef int nanosleep_fn(const struct timespec *t, struct timespec *left);
typedef int ppoll_fn(struct pollfd *fds, nfds_t n, const struct timespec *t,
		     const sigset_t *mask);
typedef int sigsuspend_fn(const sigset_t *mask);

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *t,
		    struct timespec *left)
{
	clock_nanosleep_fn *real = dlsym(RTLD_NEXT, "clock_nanosleep");

	signal_now();
	return real(clock, flags, t, left);
}

int nanosleep(const struct timespec *t, struct timespec *left)
{
	nanosleep_fn *real = dlsym(RTLD_NEXT, "nanosleep");

	signal_now();
	return real(t, left);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *t,
	  const sigset_t *mask)
{
	ppoll_fn *real = dlsym(RTLD_NEXT, "ppoll");

	signal_now();
	return real(fds, n, t, mask);
}

int sigsuspend(const sigset_t *mask)
{
	sigsuspend_fn *real = dlsym(RTLD_NEXT, "sigsuspend");

	signal_now();
	return real(mask);
}
