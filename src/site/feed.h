#ifndef STET_FEED_H
#define STET_FEED_H

#include <stddef.h>

#include "../support/buf.h"
#include "model.h"

/*
 * Append the site's Atom 1.0 feed to out: the newest n posts, whose
 * bodies (HTML with absolute URLs) are html[0..n).  Every date comes from
 * the posts, never from the clock, so builds stay byte-identical.
 * 0, or -1 when out of memory.
 */
int	feed_atom(const struct site *, const char *const *html, size_t n,
	    struct buf *out);

/* Append post's permanent id, a tag: URI (RFC 4151). */
int	feed_post_id(const struct site *, const struct post *, struct buf *);

#endif
