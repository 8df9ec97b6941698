#ifndef STET_OUTLIST_H
#define STET_OUTLIST_H

#include <stddef.h>

/*
 * The set of files a build makes, relative to public/ (without their .gz
 * twins).  A rebuild removes what the previous build made and this one
 * did not: a deleted post's page goes with it.
 */
struct outlist {
	char	**v;
	size_t	 n;
	size_t	 cap;
};

int	outlist_add(struct outlist *, const char *);	/* 0 or -1 */
void	outlist_sort(struct outlist *);			/* and dedupe */
int	outlist_has(const struct outlist *, const char *); /* sorted */
void	outlist_free(struct outlist *);

#endif
