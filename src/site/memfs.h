#ifndef STET_MEMFS_H
#define STET_MEMFS_H

#include <pthread.h>
#include <stddef.h>

/*
 * A built site held in memory instead of public/: what stet check reads.
 * memfs_put is thread-safe; memfs_get works after memfs_seal.
 */
struct memfile {
	char		*path;		/* relative to public/ */
	char		*data;
	size_t		 len;
};

struct memfs {
	pthread_mutex_t	 lock;
	struct memfile	*v;
	size_t		 n;
	size_t		 cap;
};

void		 memfs_init(struct memfs *);
int		 memfs_put(struct memfs *, const char *path, const void *,
		    size_t);	/* copies both; 0 or -1 */
void		 memfs_seal(struct memfs *);	/* sort for memfs_get */
const struct memfile *memfs_get(const struct memfs *, const char *path);
void		 memfs_free(struct memfs *);

#endif
