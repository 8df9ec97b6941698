#ifndef STET_DIAG_H
#define STET_DIAG_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

/*
 * Every problem a run finds, not only the first: errors (output would
 * be wrong or something lost) and warnings (everything else), each
 * "file:line: what".  Loading and rendering run on several threads, so
 * adding takes a lock.  The list is sorted by file, line and text before
 * it is read, so a run prints the same lines in the same order every
 * time.  At most DIAG_MAX are kept (a count of the rest is kept too): a
 * hostile site cannot make the list itself the problem.
 */
#define DIAG_MAX	100000

enum diag_level {
	DIAG_ERROR,
	DIAG_WARNING
};

struct diag_item {
	enum diag_level	 level;
	char		*file;		/* may be NULL */
	size_t		 line;		/* 0: the whole file */
	char		*msg;		/* without "file:line: " */
};

struct diag {
	pthread_mutex_t	 lock;
	struct diag_item *v;
	size_t		 n, cap;
	size_t		 nerrors, nwarnings;	/* all, kept or not */
	int		 oom;		/* an item was lost to memory */
};

void	diag_init(struct diag *);
void	diag_free(struct diag *);	/* reusable after */

/* Record an error.  Always returns -1, as err_set does.  d may be NULL. */
int	diag_error(struct diag *d, const char *file, size_t line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	diag_warn(struct diag *d, const char *file, size_t line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* An err already filled ("file:line: what") as an error: -1. */
int	diag_error_err(struct diag *d, const struct err *);

/* Sort the items (file, line, text); call once adding is over. */
void	diag_sort(struct diag *);

/* "file:line: what" of one item into a fixed-size err-like buffer. */
void	diag_format(const struct diag_item *, char *out, size_t outsz);

/* Print every item of level to f as "stet: [warning: ]file:line: what". */
void	diag_print(const struct diag *, enum diag_level, FILE *f);

#endif
