#ifndef STET_ARENA_H
#define STET_ARENA_H

#include <stddef.h>

/*
 * An arena for what is built once and dropped at once: the site model
 * and its strings.  Not thread-safe: each thread that allocates owns one.
 */
struct arena;

struct arena	*arena_new(void);
void		*arena_alloc(struct arena *, size_t);	/* NULL on failure */
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_strdup(struct arena *, const char *);
void		 arena_free(struct arena *);		/* everything at once */

#endif
