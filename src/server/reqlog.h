#ifndef STET_REQLOG_H
#define STET_REQLOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../support/buf.h"

/*
 * The request log: one line per request on stderr,
 *
 *	2026-11-25T09:00:00Z GET /writing/ 200 5483 0.041ms
 *
 * (time, method, path, status, body bytes, time to answer), and never
 * the client's address: the site does not track its readers.  Each event
 * loop owns one and buffers its lines, so a request costs a memcpy, not
 * a write(2); the loop flushes at least once a second.
 */
struct reqlog {
	struct buf	 buf;
	time_t		 sec;		/* the second stamp is for */
	char		 stamp[64];	/* room for any int snprintf may print */
};

void	reqlog_init(struct reqlog *);

/*
 * Add a line.  Bytes of method and path outside printable ASCII are
 * written as %XX, so a request cannot forge lines; a long path is cut.
 * usec < 0: duration unknown.
 */
void	reqlog_add(struct reqlog *, time_t now, const char *method,
	    size_t mlen, const char *path, size_t plen, int status,
	    size_t bytes, int64_t usec);

/* Write out what is buffered (a failed write is dropped). */
void	reqlog_flush(struct reqlog *);

/* Flush and free. */
void	reqlog_free(struct reqlog *);

#endif
