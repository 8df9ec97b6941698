#ifndef STET_ERRLOG_H
#define STET_ERRLOG_H

#include <stdio.h>

/*
 * libh2o 2.2 writes a line to stderr for every HTTP/2 frame of a type it
 * does not know ("skipping frame (type:N)"), so one client sending them
 * by the thousand fills the log; nothing in its settings turns that off.
 * While the server runs, stderr is a stream of ours that passes every
 * line through but those: the first is said once, and after that only
 * how many more, at most once a minute.
 *
 * glibc lets stderr be set like any variable (libc manual, "Standard
 * Streams"); libh2o reads it at each call.
 */
struct errlog {
	FILE	*saved;		/* the real stderr */
	FILE	*filter;	/* NULL: not installed */
};

/* Put the filter in place of stderr; on failure stderr stays as it was. */
void	errlog_install(struct errlog *);

/* Put stderr back. */
void	errlog_remove(struct errlog *);

#endif
