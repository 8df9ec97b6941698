#ifndef STET_FEED_H
#define STET_FEED_H

#include <stddef.h>

#include "../support/buf.h"
#include "model.h"

/*
 * The feeds of one list of posts (the whole site, or one topic), in the
 * three formats readers ask for.  Every entry carries the full post; every
 * date comes from the posts, never from the clock, so builds stay
 * byte-identical; ids are the posts' permanent ids.
 */
struct feed {
	const char	*title;		/* the feed's title */
	const char	*description;
	const char	*page;		/* absolute URL of its HTML page */
	const char	*self;		/* absolute URL of the folder: feed.xml... */
	const struct post *const *items;	/* newest first */
	const char *const *html;	/* their bodies, with absolute URLs */
	size_t		 n;
};

/* Append the feed as Atom 1.0, RSS 2.0 or JSON Feed 1.1.  0 or -1. */
int	feed_atom(const struct site *, const struct feed *, struct buf *);
int	feed_rss(const struct site *, const struct feed *, struct buf *);
int	feed_json(const struct site *, const struct feed *, struct buf *);

/* Append the tag: URI (RFC 4151) a new post's id is made from. */
int	feed_new_id(const struct site *, const struct post *, struct buf *);

#endif
