#ifndef STET_ZONE_H
#define STET_ZONE_H

#include <stdint.h>

/*
 * A time zone by its IANA name ("Europe/London"), read from the system's
 * zone database through GLib's GTimeZone.  Conversions name their zone
 * explicitly, so nothing depends on the process's TZ, which a server
 * thread may read while a rebuild runs.  Thread-safe once opened.
 */
struct zone;

/* The zone called name, or NULL when the system has none of that name. */
struct zone	*zone_open(const char *name);
void		 zone_free(struct zone *);
/* The offset from UTC, in seconds, at the instant t (seconds since 1970). */
int		 zone_offset_at(const struct zone *, int64_t t);
/*
 * The instant of a wall-clock time in the zone (given as seconds since
 * 1970 as if it were UTC), and its offset in *off.  A time the clocks
 * skip is read as the first one after the change (01:30 on the night
 * London goes to summer time is 02:00 BST); a time they repeat, as the
 * first of the two.
 */
int64_t		 zone_instant(const struct zone *, int64_t wall, int *off);

#endif
