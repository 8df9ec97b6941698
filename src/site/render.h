#ifndef STET_RENDER_H
#define STET_RENDER_H

#include "../support/err.h"
#include "model.h"
#include "template.h"
#include "write.h"

struct render_opts {
	int	 portable;	/* internal links end in index.html */
};

/*
 * Render every page of the site through templates and hand each file
 * to the writer: the posts on all cores, then the lists and feeds.
 * Rendering is deterministic: the same site gives the same bytes.
 */
int	render_site(const struct site *, const struct tset *,
	    struct writer *, const struct render_opts *, struct err *);

#endif
