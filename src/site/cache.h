#ifndef STET_CACHE_H
#define STET_CACHE_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/err.h"
#include "model.h"
#include "outlist.h"

/*
 * What a fast rebuild remembers, in SITE/.stet/cache: the signature of
 * everything every page depends on (settings, templates, pages, flags,
 * this stet), the signature of what list pages show, each post's front
 * matter with the size and mtime of its file, the neighbours each post
 * page linked to, and the files other than post pages the build made.
 * A missing, damaged or foreign cache is simply no cache: the next build
 * is a full one.
 */
#define CACHE_SIG	32	/* bytes of a signature */
#define CACHE_NEIGHBOURS 17	/* a neighbours digest, hex and NUL */

struct cache_post {
	struct post	 post;
	int		 visible;	/* had a page (not a draft or future) */
	const char	*neighbours;	/* cache_neighbours() at the time */
};

struct cache {
	const char	*map;		/* the file, mapped: strings point in */
	size_t		 maplen;
	struct arena	*arena;
	unsigned char	 sig[CACHE_SIG];
	unsigned char	 list_sig[CACHE_SIG];
	unsigned char	 static_sig[CACHE_SIG];
	unsigned char	 topics_sig[CACHE_SIG];
	const char	*timezone;	/* the site's when it was written */
	struct cache_post *posts;	/* by file name */
	size_t		 nposts;
	struct outlist	 outputs;
	size_t		 ndeltas;	/* changes appended since the last full write */
};

/* Read the cache; *out is NULL when there is none to use.  0 or -1. */
int	cache_read(int sitefd, struct cache **out, struct err *);
void	cache_free(struct cache *);
/* The cached post read from file, or NULL. */
const struct cache_post *cache_find(const struct cache *, const char *file);

/* A digest of the neighbours post i's page links to (hex digits). */
void	cache_neighbours(const struct site *, size_t i,
	    char out[CACHE_NEIGHBOURS]);

/*
 * Record this build, with the neighbours digest of each post
 * (cache_neighbours): as a delta appended to the cache prev was read
 * from, or (with full, without prev, or after many deltas) as a whole
 * new cache swapped in atomically.  0 or -1.
 */
int	cache_write(int sitefd, const struct site *, const struct cache *prev,
	    int full, const unsigned char *sig, const unsigned char *list_sig,
	    const unsigned char *static_sig, const unsigned char *topics_sig,
	    const char (*neighbours)[CACHE_NEIGHBOURS],
	    const struct outlist *, struct err *);

#endif
