#ifndef STET_IMPORT_STRMAP_H
#define STET_IMPORT_STRMAP_H

#include <stddef.h>

/*
 * A map from strings to indexes, open addressing.  Keys are not copied:
 * they must outlive the map (the import's arena holds them).
 */
struct strmap {
	const char	**keys;
	size_t		*vals;
	size_t		 cap, n;
};

void	strmap_init(struct strmap *);
void	strmap_free(struct strmap *);
/* Add key (the first value stays).  0, 1 when there already, -1 OOM. */
int	strmap_put(struct strmap *, const char *key, size_t val);
/* The value of key (n bytes), or (size_t)-1. */
size_t	strmap_get(const struct strmap *, const char *key, size_t n);

#endif
