#ifndef STET_ERR_H
#define STET_ERR_H

#include <stddef.h>

/*
 * An error as a value: one line, "file:line: what".  Functions that can
 * fail return -1 and fill one; only commands print it.
 */
struct err {
	char	msg[512];	/* "file:line: what" */
	char	file[256];	/* the file alone ("" when none) */
	size_t	line;		/* 0 when none */
	size_t	what;		/* where "what" starts in msg */
};

/* Always returns -1, so "return err_set(...)" reads naturally. */
int	err_set(struct err *, const char *file, size_t line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
