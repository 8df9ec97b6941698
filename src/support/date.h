#ifndef STET_DATE_H
#define STET_DATE_H

#include "zone.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * A moment from a post's front matter.  t is seconds since the epoch;
 * off is the UTC offset in seconds the date was written in (or the
 * site's zone's offset at that moment when it named none), so output
 * can show the time the author meant.
 */
struct date {
	int64_t	 t;
	int	 off;
};

/*
 * Parse a date as Jekyll and Hugo take it: YYYY-MM-DD, RFC 3339
 * (YYYY-MM-DDTHH:MM[:SS][.frac](Z|+hh:mm)), Jekyll's "YYYY-MM-DD HH:MM:SS
 * +hhmm", and their looser kin (no zero padding, +hh, a space for the T,
 * UTC or GMT by name); date.c lists them all.  A date without an offset
 * is read in zone (the site's; NULL: UTC).  Returns 0, or -1 with why in
 * *why (a static string).
 */
int	date_parse(const char *, size_t, const struct zone *, struct date *,
	    const char **why);

/* RFC 3339 with the date's own offset: 2026-11-25T09:00:00+00:00 */
size_t	date_rfc3339(const struct date *, char *, size_t);
/* RFC 822 for RSS: Wed, 25 Nov 2026 09:00:00 +0000 */
size_t	date_rfc822(const struct date *, char *, size_t);
/* For people: 25 November 2026 */
size_t	date_human(const struct date *, char *, size_t);
/* YYYY-MM-DD */
size_t	date_ymd(const struct date *, char *, size_t);
int	date_year(const struct date *);
/* Show the same moment in zone (NULL: UTC). */
void	date_localize(struct date *, const struct zone *);
/* Now, in zone (NULL: UTC). */
void	date_now(struct date *, const struct zone *);

#endif
