#ifndef STET_RENDER_H
#define STET_RENDER_H

#include "../support/err.h"
#include "model.h"
#include "template.h"
#include "outlist.h"
#include "write.h"

struct render_opts {
	int	 portable;	/* internal links end in index.html */
	int	 form;		/* write RENDER_FORM_FILE for stet serve */
};

/*
 * The page stet serve answers the subscription forms with: the "form"
 * template with these two slots where the server puts each answer's
 * title (HTML-escaped, wherever the title appears) and content.
 */
#define RENDER_FORM_FILE	".stet/form.html"
#define RENDER_FORM_TITLE	"STET-FORM-TITLE"
#define RENDER_FORM_CONTENT	"<!--STET-FORM-CONTENT-->"

/*
 * What to render.  A cold build renders everything; a rebuild only what
 * its changes reach (see build.c).  post[i] is PLAN_SKIP, PLAN_CHANGED or
 * PLAN_NEW (a page the last build did not have: written first).
 */
enum { PLAN_SKIP = 0, PLAN_CHANGED = 1, PLAN_NEW = 2 };

struct plan {
	unsigned char	*post;		/* one per post */
	int		 lists;		/* home, writing/ and its years,
					   topics/, sitemap */
	unsigned char	*feeds;		/* [0] the site's, [1 + t] topic t's */
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
