#ifndef STET_TOC_H
#define STET_TOC_H

#include <stddef.h>

#include "../support/yamltree.h"
#include "markdown.h"
#include "template.h"

/*
 * A post's table of contents: its h2 headings, each with the h3 under
 * it, for the post template (post.toc, post.has_toc in
 * stet-templates(5)).  Pages of the site, feeds and mail have none.
 */

/*
 * Does a post show one?  toc: true or false in its front matter says;
 * without it, a post with at least auto_at h2 and h3 headings does
 * (auto_at 0: only when asked).  A toc: that is neither true nor false
 * reads as unset (stet check names it).
 */
int		toc_wanted(const struct ynode *front, const struct md_headings *,
		    size_t auto_at);

/*
 * The list as a template value, all of it in tb's arena: items with id,
 * title, has_sub ("1" or "") and sub (items with id and title).  An h3
 * before any h2 is an item of its own.
 */
struct tval	toc_value(struct tbuild *tb, const struct md_headings *);

#endif
