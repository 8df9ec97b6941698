#ifndef STET_YAMLVAL_H
#define STET_YAMLVAL_H

#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "yamltree.h"

/*
 * Checked values from a settings tree (yamltree.h).  Each layer reads
 * its own keys of stet.yaml with these, so that every mistake is told
 * the same way: "FILE:LINE: what: want ...", what being the dotted key
 * ("mail.timeout").  Each returns 0, or -1 with v->err.
 */
struct yval {
	const char	*file;		/* for errors: "stet.yaml" */
	struct arena	*arena;		/* for what a reader keeps */
	struct err	*err;
};

/* n is a map. */
int	yval_map(const struct yval *, const struct ynode *n, const char *what);

/* A single value; *out points into the tree. */
int	yval_scalar(const struct yval *, const struct ynode *n,
	    const char *what, const char **out);

/* A whole number from lo to hi. */
int	yval_count(const struct yval *, const struct ynode *n,
	    const char *what, size_t lo, size_t hi, size_t *out);

/* true or yes, false or no. */
int	yval_bool(const struct yval *, const struct ynode *n,
	    const char *what, int *out);

/*
 * Always -1: "unknown key WHERE.KEY" at key, the key of a map entry;
 * where is "" at the top level.
 */
int	yval_unknown(const struct yval *, const struct ynode *key,
	    const char *where);

#endif
