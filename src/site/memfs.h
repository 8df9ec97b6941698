#ifndef STET_MEMFS_H
#define STET_MEMFS_H

#include <pthread.h>
#include <stddef.h>

#include "../support/buf.h"

/*
 * A built site held in memory instead of public/: what stet check reads.
 * memfs_put is thread-safe; memfs_get works after memfs_seal.
 *
 * With a digest function, each file is kept only as what that function
 * makes of it (for stet check: a page's ids and the links it holds), so
 * memory follows what the check needs, not the size of the site: the
 * feeds of a site with a thousand topics are hundreds of megabytes.
 */
typedef int	(*memfs_digest)(const char *path, const char *data,
		    size_t len, struct buf *out);	/* 0 or -1 */

struct memfile {
	char		*path;		/* relative to public/ */
	char		*data;		/* the bytes, or their digest */
	size_t		 len;
};

struct memfs {
	pthread_mutex_t	 lock;
	struct memfile	*v;
	size_t		 n;
	size_t		 cap;
	memfs_digest	 digest;	/* NULL: keep the bytes */
};

void		 memfs_init(struct memfs *, memfs_digest);
int		 memfs_put(struct memfs *, const char *path, const void *,
		    size_t);	/* copies both (or a digest); 0 or -1 */
void		 memfs_seal(struct memfs *);	/* sort for memfs_get */
const struct memfile *memfs_get(const struct memfs *, const char *path);
void		 memfs_free(struct memfs *);

#endif
