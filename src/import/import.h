#ifndef STET_IMPORT_H
#define STET_IMPORT_H

#include <stddef.h>

#include "../support/err.h"
#include "notes.h"

/*
 * stet import: a Hugo or Jekyll site, old, made into a stet site, new,
 * with every old URL kept as an alias or a redirect.  old is only read.
 * new must be missing or empty unless force is set.  IMPORT.md in new
 * says what was converted, what was kept and what needs a person.
 */
struct import_opts {
	int		 force;
	int		 fetch_media;
	size_t		 media_max_count;
	size_t		 media_max_bytes;
	const char	*old_url;	/* the old site's address, when its
					   settings do not say it; or NULL */
};

struct import_result {
	const char	*kind;		/* "Hugo" or "Jekyll" */
	const char	*config;
	size_t		 nposts, ndrafts, npages, nfiles, naliases;
	size_t		 nredirects, nskipped;
	struct notes	 notes;		/* the caller frees with notes_free */
};

/* 0, or -1 with err (new may then hold part of the site). */
int	import_site(const char *old, const char *new,
	    const struct import_opts *, struct import_result *, struct err *);

#endif
