#ifndef STET_DIGESTS_H
#define STET_DIGESTS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What each output of a build was made from: its path in public/ and a
 * digest of every value its render read (template.h: tv_digest) and of
 * the identity of the source it read its body from.  A rebuild renders
 * an output again only when its digest differs from the last build's, so
 * what a page depends on is derived from what its render reads, never
 * listed by hand.
 */
struct digest {
	char		*path;
	uint64_t	 d;
};

struct digests {
	struct digest	*v;
	size_t		 n;
	size_t		 cap;
	pthread_mutex_t	 mu;		/* digests_put from every renderer */
};

void	digests_init(struct digests *);
void	digests_free(struct digests *);
/* Record path's digest; thread-safe.  0, or -1 when out of memory. */
int	digests_put(struct digests *, const char *path, uint64_t);
/* Sort for digests_get; a path put twice keeps one of its digests. */
void	digests_sort(struct digests *);
/* Path's digest in a sorted set: 1 and *out, or 0 when it has none. */
int	digests_get(const struct digests *, const char *path, uint64_t *out);

#endif
