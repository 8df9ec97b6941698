#ifndef STET_CHECK_H
#define STET_CHECK_H

#include "ids.h"
#include "memfs.h"
#include "model.h"

/*
 * stet check: read a site built into memory and report into d, with
 * file:line, every broken internal link or #anchor, every image
 * without alt text or without a file, every post whose summary is
 * missing or longer than 160 characters (a warning), and every post whose
 * feed id changed since it was first published.
 */
/* What check_site needs of a built file: a memfs_digest (memfs.h). */
int	check_digest(const char *path, const char *data, size_t len,
	    struct buf *out);

int	check_site(const struct site *, const struct memfs *,
	    const struct ids *, struct diag *);

#endif
