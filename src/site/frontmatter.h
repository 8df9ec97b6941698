#ifndef STET_FRONTMATTER_H
#define STET_FRONTMATTER_H

#include <stddef.h>

#include "../support/err.h"

/*
 * A source file split at its front matter:
 *
 *	---
 *	title: "..."		<- yaml, starting at yaml_line
 *	---
 *	The body...		<- body, starting at body_line
 *
 * The closing line may also be "...".  A UTF-8 byte order mark before the
 * first "---" is skipped.
 */
struct front_split {
	const char	*yaml;
	size_t		 yaml_len;
	size_t		 yaml_line;
	const char	*body;
	size_t		 body_len;
	size_t		 body_line;
};

/* 0, or -1 with err naming file:line (TOML "+++" gets its own message). */
int	fm_split(const char *src, size_t len, const char *file,
	    struct front_split *, struct err *);

#endif
