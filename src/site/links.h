#ifndef STET_LINKS_H
#define STET_LINKS_H

#include "model.h"
#include "outlist.h"

/*
 * Does a link on a page lead somewhere the build makes?  For the build's
 * warnings about broken internal links and missing images (stet check
 * looks further: anchors, alt text, every page).  The files the build
 * makes are outputs (sorted: everything but the pages of posts and
 * notes) and the posts' and notes' pages, found by slug.
 */
struct links {
	const struct site	*site;
	const struct outlist	*outputs;
	const struct post	**posts;	/* by slug */
	const struct post	**notes;
	size_t			  nposts, nnotes;
	unsigned char		 *warned;	/* per s->posts[]: links_page
						   warned about it */
};

/* 0, or -1 out of memory; outputs must be sorted and outlive l. */
int	links_init(struct links *l, const struct site *,
	    const struct outlist *outputs);
void	links_free(struct links *l);

/*
 * 1 when url, written on the page at path page ("writing/x/index.html"),
 * is relative and leads to nothing the build makes; 0 when it leads to
 * something or is not ours to judge (absolute, a #fragment alone, a
 * mailto:); -1 out of memory.
 */
int	links_broken(const struct links *, const char *page, const char *url);

/*
 * A writer_observe function (write.h) for the build: for the page of a
 * post or note, each link and image that leads to nothing the build
 * makes is a warning naming the source file and line.  ctx is a struct
 * links.  Thread-safe.
 */
void	links_page(void *ctx, const char *rel, const void *data, size_t len);

#endif
