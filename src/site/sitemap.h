#ifndef STET_SITEMAP_H
#define STET_SITEMAP_H

#include "../support/buf.h"
#include "model.h"

/*
 * Append /sitemap.xml: every public page with its lastmod, taken from
 * the posts (never the clock, so builds stay byte-identical).
 * post_urls holds each post's out_url, found before for the build.  0
 * or -1.
 */
int	sitemap_xml(const struct site *, char *const *post_urls,
	    struct buf *);

#endif
