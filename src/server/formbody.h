#ifndef STET_FORMBODY_H
#define STET_FORMBODY_H

#include <stddef.h>

#include <h2o.h>

/*
 * The body (or query) of a form of ours, application/x-www-form-urlencoded:
 * "name=value&name=value", '+' for a space and %XX for any byte.  Kept
 * apart from the routes that use it so it can be tested and fuzzed on
 * its own.
 */
#define FORM_FIELDS_MAX	8	/* a form of ours has two or three */
#define FORM_FIELD_MAX	1024	/* bytes of one decoded value */

struct form_field {
	const char	*name;	/* in the body as sent: not NUL-ended */
	size_t		 nlen;
	char		*val;	/* decoded, NUL-terminated, in the pool */
	size_t		 vlen;
};

/*
 * Split s (n bytes) into at most FORM_FIELDS_MAX fields in fv, *nf of
 * them, values decoded into pool.  0, or -1 for what no form of ours
 * sends: a bad escape, too many fields, a name given twice, a value over
 * FORM_FIELD_MAX bytes.  On -1, fv holds nothing to use.
 */
int	form_parse_body(h2o_mem_pool_t *pool, const char *s, size_t n,
	    struct form_field *fv, size_t *nf);

/* The field called name, or NULL. */
const struct form_field *form_field_get(const struct form_field *fv,
	    size_t nf, const char *name);

#endif
