#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "yamlval.h"

int
yval_map(const struct yval *v, const struct ynode *n, const char *what)
{
	if (n->kind != YNODE_MAP)
		return err_set(v->err, v->file, n->line,
		    "%s: want keys and values", what);
	return 0;
}

int
yval_scalar(const struct yval *v, const struct ynode *n, const char *what,
    const char **out)
{
	if (n->kind != YNODE_SCALAR)
		return err_set(v->err, v->file, n->line,
		    "%s: want a single value", what);
	*out = n->str;
	return 0;
}

int
yval_count(const struct yval *v, const struct ynode *n, const char *what,
    size_t lo, size_t hi, size_t *out)
{
	char	*end;
	long	 x;

	if (n->kind != YNODE_SCALAR || n->len == 0)
		return err_set(v->err, v->file, n->line, "%s: want a number",
		    what);
	errno = 0;
	x = strtol(n->str, &end, 10);
	if (errno != 0 || *end != '\0' || x < (long)lo || x > (long)hi)
		return err_set(v->err, v->file, n->line,
		    "%s: want a number from %zu to %zu", what, lo, hi);
	*out = (size_t)x;
	return 0;
}

int
yval_bool(const struct yval *v, const struct ynode *n, const char *what,
    int *out)
{
	const char	*s = NULL;

	if (yval_scalar(v, n, what, &s) == -1)
		return -1;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		*out = 1;
	else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		*out = 0;
	else
		return err_set(v->err, v->file, n->line,
		    "%s: want true or false", what);
	return 0;
}

int
yval_unknown(const struct yval *v, const struct ynode *key, const char *where)
{
	return err_set(v->err, v->file, key->line, "unknown key %s%s%s", where,
	    *where ? "." : "", key->str);
}
