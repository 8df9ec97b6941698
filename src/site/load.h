#ifndef STET_LOAD_H
#define STET_LOAD_H

#include "../support/buf.h"
#include "../support/err.h"
#include "frontmatter.h"
#include "model.h"

struct cache;

/*
 * Load the site in folder dir: stet.yaml, posts/ and pages/.  Posts are
 * read on all cores; only their front matter is kept (bodies are read
 * again when rendered, so memory stays flat in the number of posts).
 * A post whose file has the size and mtime the cache remembers is taken
 * from it unread; get_cache(cache_ctx) gives the cache (or NULL) when
 * it is first needed, after the folder is listed, so it can be read
 * meanwhile; the cache must outlive the site.  get_cache may be NULL.
 * On -1, err names file:line and *site holds nothing to free.
 */
int	site_load(const char *dir, const struct load_opts *,
	    const struct cache *(*get_cache)(void *), void *cache_ctx,
	    struct site *, struct err *);
void	site_free(struct site *);

/*
 * Read file (relative to the site) into src and split it; for a page
 * without front matter the whole file is the body.
 */
int	site_source(const struct site *, const char *file, int need_front,
	    struct buf *src, struct front_split *, struct err *);

/*
 * The 1-based line of file (relative to the site) where needle is first
 * written, or 0 when it is not there or the file cannot be read: for
 * findings about a link or key that name its line.
 */
size_t	site_source_line(const struct site *, const char *file,
	    const char *needle);

#endif
