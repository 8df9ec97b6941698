#ifndef STET_IMPORT_PERMALINK_H
#define STET_IMPORT_PERMALINK_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/date.h"
#include "oldsite.h"

/*
 * The URL path the old tool published a document at, relative to the
 * old site's base path ("/2016/04/13/x.html", "/posts/x/"), from the
 * site's rules and the document's own front matter.
 */
struct old_doc {
	const char	*dir;		/* Hugo: the folders under content/
					   ("posts/2020"); Jekyll: those
					   before _posts/ ("blog") or "" */
	const char	*name;		/* the file name without its ending
					   (and Jekyll's date); a bundle's
					   folder name */
	const char	*slug;		/* slug: in the front matter, or NULL */
	const char	*title;
	const char	*url;		/* url: (Hugo) or permalink: (Jekyll) */
	struct date	 date;
	int		 has_date;
	const char	**categories;	/* Jekyll's, for :categories */
	size_t		 ncategories;
	int		 is_page;	/* not a post: Jekyll's top-level page,
					   Hugo's content/x.md */
	const char	*collection;	/* Jekyll: the collection of a page
					   from _name/, or NULL */
	const char	*coll_pattern;	/* its permalink: setting, or NULL */
};

/* Append d's old path to out.  0 or -1 (out of memory). */
int	permalink_old(const struct oldsite *, const struct old_doc *,
	    struct buf *out);

/*
 * Hugo's urlize of s (n bytes): spaces to '-', what a path cannot hold
 * left out, lowercased unless keep_case.  0 or -1.
 */
int	permalink_urlize(struct buf *, const char *s, size_t n, int keep_case);

#endif
