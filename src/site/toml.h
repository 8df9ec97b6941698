#ifndef STET_TOML_H
#define STET_TOML_H

#include <stddef.h>

/* Read by toml.cc too: these C headers are C there as well. */
#ifdef __cplusplus
extern "C" {
#endif

#include "../support/arena.h"
#include "../support/err.h"
#include "../support/yamltree.h"

/*
 * Parse TOML front matter, src (len bytes), into the tree yaml_load makes
 * for YAML, all of it in the arena: tables are maps, arrays sequences, and
 * every other value a scalar in its text form (booleans "true"/"false",
 * numbers as written in decimal, dates and datetimes in RFC 3339 so
 * date_parse reads them).  Lines are shifted by first_line, the line of
 * src's first byte in file.  0, or -1 with err naming file:line.
 */
int	toml_front_load(struct arena *, const char *src, size_t len,
	    const char *file, size_t first_line, struct ynode **root,
	    struct err *);

#ifdef __cplusplus
}
#endif

#endif
