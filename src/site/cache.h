#ifndef STET_CACHE_H
#define STET_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "../support/buf.h"
#include "../support/err.h"
#include "digests.h"
#include "model.h"
#include "outlist.h"

/*
 * What a fast rebuild remembers, in SITE/.stet/cache: the signature of
 * everything every page depends on (settings, templates, pages, flags,
 * this stet), each post's front matter with the size and mtime of its
 * file, and the digest (digests.h) of what each output was made from.
 * A missing, damaged or foreign cache is simply no cache: the next build
 * is a full one.
 */
#define CACHE_SIG	32	/* bytes of a signature */

struct cache_post {
	struct post	 post;
	int		 visible;	/* had a page (not a draft or future) */
	uint64_t	 digest;	/* of its page (digests.h); 0: none */
};

struct cache {
	const char	*map;		/* the file, mapped: strings point in */
	size_t		 maplen;
	struct arena	*arena;
	unsigned char	 sig[CACHE_SIG];
	unsigned char	 static_sig[CACHE_SIG];
	const char	*timezone;	/* the site's when it was written */
	struct cache_post *posts;	/* by file name */
	size_t		 nposts;
	struct outlist	 outputs;
	struct digests	 digests;	/* of outputs but post pages */
	size_t		 ndeltas;	/* changes appended since the last full write */
};

/* Read the cache; *out is NULL when there is none to use.  0 or -1. */
int	cache_read(int sitefd, struct cache **out, struct err *);
void	cache_free(struct cache *);
/* The cached post read from file, or NULL. */
const struct cache_post *cache_find(const struct cache *, const char *file);

/*
 * Record this build, with the digest of each post's page (digests, one
 * per visible post; 0: none) and of each other output (made): as a delta
 * appended to the cache prev was read from, or (with full, without prev,
 * or after many deltas) as a whole new cache swapped in atomically.
 * 0 or -1.
 */
int	cache_write(int sitefd, const struct site *, const struct cache *prev,
	    int full, const unsigned char *sig, const unsigned char *static_sig,
	    const uint64_t *digests, const struct outlist *,
	    const struct digests *made, struct err *);

#endif
