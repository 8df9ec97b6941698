#ifndef STET_RENDER_H
#define STET_RENDER_H

#include "../support/err.h"
#include "model.h"
#include "template.h"
#include "outlist.h"
#include "write.h"

struct render_opts {
	int	 portable;	/* internal links end in index.html */
};

/*
 * What to render.  A cold build renders everything; a rebuild only what
 * its changes reach (see build.c).  post[i] is PLAN_SKIP, PLAN_CHANGED or
 * PLAN_NEW (a page the last build did not have: written first).
 */
enum { PLAN_SKIP = 0, PLAN_CHANGED = 1, PLAN_NEW = 2 };

struct plan {
	unsigned char	*post;		/* one per post */
	int		 lists;		/* home, writing/, topics/ */
	int		 feed;
	int		 fixed;		/* pages, 404.html, robots.txt */
};

/*
 * Render every page of the site through templates and hand each file
 * to the writer: the posts on all cores, then the lists and feeds.
 * Rendering is deterministic: the same site gives the same bytes.
 */
int	render_site(const struct site *, const struct tset *,
	    struct writer *, const struct render_opts *, const struct plan *,
	    struct err *);

/*
 * Add the path of every file render_site makes to out, but for the post
 * pages (the cache knows those by their slugs).
 */
int	render_outputs(const struct site *, struct outlist *);

#endif
