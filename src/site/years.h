#ifndef STET_YEARS_H
#define STET_YEARS_H

#include <stddef.h>

#include "model.h"

/*
 * The archive by year: writing/index.html lists the years, and each year
 * with posts has its page, writing/YEAR/index.html (outputs.h: OUT_YEAR).
 * The pages, the list of outputs and the sitemap all take the years from
 * here, so they name the same files.
 */
struct year {
	int		 year;
	size_t		 n;		/* its posts */
	const size_t	*posts;		/* their indexes in site->posts */
};

struct years {
	struct year	*v;		/* newest first */
	size_t		 n;
	size_t		*idx;		/* what the years' posts point into */
};

/*
 * Group the site's posts by the year of their date, in the site's time
 * zone, each year's posts in the site's order (newest first).  0, or -1
 * when out of memory.  years_free releases what it made.
 */
int	years_group(const struct site *, struct years *);
void	years_free(struct years *);

/*
 * The first post whose slug is also the name of a year's page (a post
 * with slug "2020" among posts from 2020), or NULL: both would be
 * writing/2020/index.html.
 */
const struct post *years_clash(const struct site *, const struct years *);

#endif
