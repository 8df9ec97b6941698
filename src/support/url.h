#ifndef STET_URL_H
#define STET_URL_H

#include <stddef.h>

#include "buf.h"

/*
 * Append ref resolved against base (an absolute URL ending in '/' or
 * naming a document), as RFC 3986 section 5 does for the common cases:
 * a ref with a scheme or "//" is kept, "/x" takes base's origin, "#x"
 * and "?x" attach to base, and "x", "./x", "../x" are merged with base's
 * folder, dot segments removed.
 */
int	url_resolve(struct buf *, const char *base, const char *ref);

/* True when ref has a scheme or is network-path ("//host"). */
int	url_is_absolute(const char *ref);

#endif
