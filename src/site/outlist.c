#include <stdlib.h>
#include <string.h>

#include "outlist.h"

int
outlist_add(struct outlist *l, const char *path)
{
	char	**v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;

		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n] = strdup(path)) == NULL)
		return -1;
	l->n++;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
outlist_sort(struct outlist *l)
{
	size_t	 i, k = 0;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp);
	for (i = 0; i < l->n; i++) {
		if (k > 0 && strcmp(l->v[k - 1], l->v[i]) == 0) {
			free(l->v[i]);
			continue;
		}
		l->v[k++] = l->v[i];
	}
	l->n = k;
}

int
outlist_has(const struct outlist *l, const char *path)
{
	return l->n > 0 && bsearch(&path, l->v, l->n, sizeof(*l->v), cmp) !=
	    NULL;
}

void
outlist_free(struct outlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
