#ifndef STET_HIGHLIGHT_CACHE_H
#define STET_HIGHLIGHT_CACHE_H

#include <stddef.h>

#include "../support/buf.h"

/*
 * What highlight_load.c asks of the cache of highlighted code
 * (highlight_cache.c); highlight.h has what a build calls.  A block is
 * known by its definition's name and its bytes; its runs are encoded
 * as hlc_put_run writes them.
 */

/*
 * The runs recorded for code highlighted as def: 1 and *runs, *n (valid
 * until highlight_cache_close) when known, else 0.  Thread-safe.
 */
int	hlc_find(const char *def, const char *code, size_t len,
	    const unsigned char **runs, size_t *n);

/* Append a run (highlight_plugin.h's hl_run_fn) to runs.  0 or -1. */
int	hlc_put_run(struct buf *runs, char cls, size_t off, size_t len);

/*
 * The run at *p (before end) into cls, off and len, and *p past it: 1,
 * or 0 at the end or at bytes that are no run.
 */
int	hlc_next_run(const unsigned char **p, const unsigned char *end,
	    char *cls, size_t *off, size_t *len);

/* Record runs (n bytes) for code highlighted as def.  Thread-safe. */
void	hlc_add(const char *def, const char *code, size_t len,
	    const unsigned char *runs, size_t n);

#endif
