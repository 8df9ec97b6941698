#ifndef STET_POOL_H
#define STET_POOL_H

#include <stddef.h>

#include "err.h"

#define POOL_MAX	16	/* threads at most */

/*
 * Run fn(ctx, i, worker, err) for every i in [0, n) on up to nthreads
 * threads (worker is 0..nthreads-1, for per-thread scratch).  Work is
 * handed out one index at a time, so uneven items balance out.  After an
 * item fails no new ones start; the result is -1 and err is that of the
 * smallest index that failed, so errors read the same on every run.
 */
int	pool_run(size_t n, int nthreads,
	    int (*fn)(void *ctx, size_t i, int worker, struct err *),
	    void *ctx, struct err *err);

/* Threads worth using here: the CPUs online, at most POOL_MAX. */
int	pool_threads(void);

#endif
