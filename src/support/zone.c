#include <stdlib.h>

#include <glib.h>

#include "zone.h"

struct zone {
	GTimeZone	*tz;
};

struct zone *
zone_open(const char *name)
{
	struct zone	*z;
	GTimeZone	*tz;

	/* Unlike g_time_zone_new, this one says when the name is unknown. */
	if ((tz = g_time_zone_new_identifier(name)) == NULL)
		return NULL;
	if ((z = malloc(sizeof(*z))) == NULL) {
		g_time_zone_unref(tz);
		return NULL;
	}
	z->tz = tz;
	return z;
}

void
zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	g_time_zone_unref(z->tz);
	free(z);
}

int
zone_offset_at(const struct zone *z, int64_t t)
{
	gint	 i = g_time_zone_find_interval(z->tz, G_TIME_TYPE_UNIVERSAL, t);

	return i < 0 ? 0 : (int)g_time_zone_get_offset(z->tz, i);
}

int64_t
zone_instant(const struct zone *z, int64_t wall, int *off)
{
	gint64	 t = wall;
	gint	 i;

	/* Moves t out of a gap, and picks the first of two in an overlap. */
	i = g_time_zone_adjust_time(z->tz, G_TIME_TYPE_DAYLIGHT, &t);
	*off = i < 0 ? 0 : (int)g_time_zone_get_offset(z->tz, i);
	return t - *off;
}
