#ifndef STET_FRONTMATTER_H
#define STET_FRONTMATTER_H

#include <stddef.h>

#include "../support/arena.h"
#include "../support/err.h"
#include "../support/yamltree.h"

/*
 * A source file split at its front matter:
 *
 *	---
 *	title: "..."		<- yaml, starting at yaml_line
 *	---
 *	The body...		<- body, starting at body_line
 *
 * The closing line may also be "...".  Hugo's TOML front matter is the
 * same between two "+++" lines (and only "+++" closes it).  A UTF-8 byte
 * order mark before the first fence is skipped.
 */
enum front_kind { FRONT_YAML, FRONT_TOML };

struct front_split {
	enum front_kind	 kind;		/* which fence: --- or +++ */
	const char	*yaml;		/* the front matter, YAML or TOML */
	size_t		 yaml_len;
	size_t		 yaml_line;
	const char	*body;
	size_t		 body_len;
	size_t		 body_line;
};

/* 0, or -1 with err naming file:line. */
int	fm_split(const char *src, size_t len, const char *file,
	    struct front_split *, struct err *);

/*
 * Parse the front matter of fs, YAML or TOML by its fence, into a tree in
 * a (the same tree for both).  0, or -1 with err naming file:line.
 */
int	fm_load(struct arena *a, const struct front_split *fs,
	    const char *file, struct ynode **root, struct err *);

#endif
