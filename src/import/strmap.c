#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

size_t
strmap_get(const struct strmap *m, const char *key, size_t n)
{
	size_t	 i;

	if (m->cap == 0)
		return (size_t)-1;
	for (i = hash(key, n) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (strlen(m->keys[i]) == n && memcmp(m->keys[i], key, n) == 0)
			return m->vals[i];
	return (size_t)-1;
}

static int
grow(struct strmap *m)
{
	struct strmap	 g;
	size_t		 i;

	g.cap = m->cap ? m->cap * 2 : 256;
	g.n = 0;
	g.keys = calloc(g.cap, sizeof(*g.keys));
	g.vals = calloc(g.cap, sizeof(*g.vals));
	if (g.keys == NULL || g.vals == NULL) {
		free(g.keys);
		free(g.vals);
		return -1;
	}
	for (i = 0; i < m->cap; i++)
		if (m->keys[i] != NULL)
			(void)strmap_put(&g, m->keys[i], m->vals[i]);
	free(m->keys);
	free(m->vals);
	*m = g;
	return 0;
}

int
strmap_put(struct strmap *m, const char *key, size_t val)
{
	size_t	 i, n = strlen(key);

	if ((m->n + 1) * 2 > m->cap && grow(m) == -1)
		return -1;
	for (i = hash(key, n) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0)
			return 1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}
