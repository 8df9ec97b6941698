#ifndef STET_EMBEDDED_H
#define STET_EMBEDDED_H

#include <stddef.h>

/*
 * Files compiled into the binary (see tools/embed.c): the default
 * templates ("templates/post.html"), "style.css", "favicon.svg", and the
 * example site ("skel/stet.yaml", ...).  The list ends with a NULL name.
 */
struct embedded {
	const char		*name;
	const unsigned char	*data;
	size_t			 len;
};

extern const struct embedded embedded_files[];

/* The file called name, or NULL. */
const struct embedded	*embedded_find(const char *name);

#endif
