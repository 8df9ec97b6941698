#ifndef STET_IMPORT_YAMLOUT_H
#define STET_IMPORT_YAMLOUT_H

#include "../support/buf.h"
#include "../support/yamltree.h"

/*
 * Write YAML that reads back as the given values: every string in
 * double quotes with escapes, so nothing in it (a colon, a '#', "no")
 * changes its meaning; booleans, numbers and dates that were plain stay
 * plain.  0 or -1 (out of memory).
 */
int	yamlout_scalar(struct buf *, const char *s, size_t n, int plain);
/* "key: value\n" for a node of any kind, nested under indent spaces. */
int	yamlout_entry(struct buf *, const char *key, const struct ynode *,
	    int indent);
/* "key: [\"a\", \"b\"]\n". */
int	yamlout_list(struct buf *, const char *key, const char *const *v,
	    size_t n);

#endif
