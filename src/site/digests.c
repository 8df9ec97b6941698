#include <stdlib.h>
#include <string.h>

#include "digests.h"

void
digests_init(struct digests *ds)
{
	memset(ds, 0, sizeof(*ds));
	pthread_mutex_init(&ds->mu, NULL);
}

void
digests_free(struct digests *ds)
{
	size_t	 i;

	for (i = 0; i < ds->n; i++)
		free(ds->v[i].path);
	free(ds->v);
	pthread_mutex_destroy(&ds->mu);
	ds->v = NULL;
	ds->n = ds->cap = 0;
}

int
digests_put(struct digests *ds, const char *path, uint64_t d)
{
	struct digest	*v;
	char		*p;
	int		 rc = -1;

	if ((p = strdup(path)) == NULL)
		return -1;
	pthread_mutex_lock(&ds->mu);
	if (ds->n == ds->cap) {
		size_t cap = ds->cap ? ds->cap * 2 : 256;

		if ((v = realloc(ds->v, cap * sizeof(*v))) == NULL)
			goto out;
		ds->v = v;
		ds->cap = cap;
	}
	ds->v[ds->n].path = p;
	ds->v[ds->n].d = d;
	ds->n++;
	p = NULL;
	rc = 0;
out:
	pthread_mutex_unlock(&ds->mu);
	free(p);
	return rc;
}

static int
by_path(const void *a, const void *b)
{
	const struct digest *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void
digests_sort(struct digests *ds)
{
	size_t	 i, k;

	if (ds->n == 0)
		return;
	qsort(ds->v, ds->n, sizeof(*ds->v), by_path);
	for (i = 1, k = 0; i < ds->n; i++) {
		if (strcmp(ds->v[i].path, ds->v[k].path) == 0) {
			free(ds->v[k].path);
			ds->v[k] = ds->v[i];
		} else
			ds->v[++k] = ds->v[i];
	}
	ds->n = k + 1;
}

int
digests_get(const struct digests *ds, const char *path, uint64_t *out)
{
	size_t	 lo = 0, hi = ds->n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(path, ds->v[mid].path);
		if (c == 0) {
			*out = ds->v[mid].d;
			return 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}
