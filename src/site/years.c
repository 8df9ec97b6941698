#include <stdlib.h>
#include <string.h>

#include "years.h"

struct keyed {
	int	 year;
	size_t	 i;
};

/* Newest year first; within a year, the site's order. */
static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->year != y->year)
		return x->year > y->year ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int
years_group(const struct site *s, struct years *y)
{
	struct keyed	*k;
	size_t		 i, n = s->nposts;
	int		 sorted = 1;

	memset(y, 0, sizeof(*y));
	if (n == 0)
		return 0;
	k = calloc(n, sizeof(*k));
	y->idx = calloc(n, sizeof(*y->idx));
	y->v = calloc(n, sizeof(*y->v));
	if (k == NULL || y->idx == NULL || y->v == NULL) {
		free(k);
		years_free(y);
		return -1;
	}
	for (i = 0; i < n; i++) {
		k[i].year = date_year(&s->posts[i].date);
		k[i].i = i;
		sorted &= i == 0 || k[i].year <= k[i - 1].year;
	}
	/*
	 * Posts are sorted by date, so their years already run newest
	 * first, but for the odd zone that turned its clocks back over a
	 * New Year: sort when they do not, and no year is split.
	 */
	if (!sorted)
		qsort(k, n, sizeof(*k), keyed_cmp);
	for (i = 0; i < n; i++) {
		y->idx[i] = k[i].i;
		if (i == 0 || k[i].year != k[i - 1].year) {
			y->v[y->n].year = k[i].year;
			y->v[y->n].posts = &y->idx[i];
			y->n++;
		}
		y->v[y->n - 1].n++;
	}
	free(k);
	return 0;
}

void
years_free(struct years *y)
{
	free(y->v);
	free(y->idx);
	memset(y, 0, sizeof(*y));
}

const struct post *
years_clash(const struct site *s, const struct years *y)
{
	size_t	 i, n, lo, hi, mid;
	long	 v;

	for (i = 0; i < s->nposts; i++) {
		const char *slug = s->posts[i].slug;

		/* Only digits as "%d" prints them can name a year. */
		n = strlen(slug);
		if (n == 0 || n > 9 || strspn(slug, "0123456789") != n ||
		    (slug[0] == '0' && n > 1))
			continue;
		v = strtol(slug, NULL, 10);
		/* The years run newest first. */
		for (lo = 0, hi = y->n; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (y->v[mid].year == v)
				return &s->posts[i];
			if (y->v[mid].year > v)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return NULL;
}
