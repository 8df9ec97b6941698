#include <string.h>

#include "formbody.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one application/x-www-form-urlencoded value into the pool. */
static char *
form_decode(h2o_mem_pool_t *pool, const char *s, size_t n, size_t *outlen)
{
	char	*o;
	size_t	 i, k = 0;
	int	 hi, lo;

	if (n > FORM_FIELD_MAX * 3)
		return NULL;
	o = h2o_mem_alloc_pool(pool, n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			o[k++] = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			if ((hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return NULL;
			o[k++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			o[k++] = s[i];
	}
	if (k > FORM_FIELD_MAX)
		return NULL;
	o[k] = '\0';
	*outlen = k;
	return o;
}

int
form_parse_body(h2o_mem_pool_t *pool, const char *s, size_t n,
    struct form_field *fv, size_t *nf)
{
	const char	*end = s + n, *amp, *eq;
	size_t		 i;

	*nf = 0;
	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		if (amp == s) {
			s++;
			continue;
		}
		if (*nf == FORM_FIELDS_MAX)
			return -1;
		if ((eq = memchr(s, '=', (size_t)(amp - s))) == NULL)
			eq = amp;
		fv[*nf].name = s;
		fv[*nf].nlen = (size_t)(eq - s);
		for (i = 0; i < *nf; i++)
			if (fv[i].nlen == fv[*nf].nlen &&
			    memcmp(fv[i].name, s, fv[i].nlen) == 0)
				return -1;
		fv[*nf].val = form_decode(pool, eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, &fv[*nf].vlen);
		if (fv[*nf].val == NULL)
			return -1;
		(*nf)++;
		s = amp + 1;
	}
	return 0;
}

const struct form_field *
form_field_get(const struct form_field *fv, size_t nf, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < nf; i++)
		if (fv[i].nlen == n && memcmp(fv[i].name, name, n) == 0)
			return &fv[i];
	return NULL;
}
