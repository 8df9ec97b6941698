#ifndef STET_SITEMAP_H
#define STET_SITEMAP_H

#include "../support/buf.h"
#include "model.h"

/*
 * Append /sitemap.xml: every public page with its lastmod, taken from
 * the posts (never the clock, so builds stay byte-identical).  0 or -1.
 */
int	sitemap_xml(const struct site *, struct buf *);

#endif
