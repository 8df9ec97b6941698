#include <string.h>
#include <strings.h>

#include "framing.h"

/* No request head stet answers is longer (max_request is at most this). */
#define HEAD_MAX	(256 * 1024)

static int	 name_is(const char *, size_t, const char *);
static void	 trim(const char **, const char **);
static int	 digits(const char *, const char *);

int
framing_check(const char *p, size_t n)
{
	const char	*end, *eol, *line, *lend, *colon, *v, *ve;
	const char	*cl = NULL;
	size_t		 cllen = 0;
	int		 te = 0, last = 0, first = 1;

	if (n > HEAD_MAX)
		n = HEAD_MAX;
	end = p + n;
	/* picohttpparser skips blank lines before a request; so do we. */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		line = p;
		lend = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
		if (first) {
			first = 0;	/* the request line */
			continue;
		}
		if (lend == line)
			break;		/* the end of the head */
		/*
		 * A folded line continues the header above it: a length
		 * header spread over two lines reads differently to
		 * different parsers.
		 */
		if (*line == ' ' || *line == '\t') {
			if (last)
				return -1;
			continue;
		}
		last = 0;
		if ((colon = memchr(line, ':', (size_t)(lend - line))) == NULL)
			continue;
		v = colon + 1;
		ve = lend;
		trim(&v, &ve);
		if (name_is(line, (size_t)(colon - line), "content-length")) {
			last = 1;
			if (!digits(v, ve))
				return -1;
			if (cl != NULL && ((size_t)(ve - v) != cllen ||
			    memcmp(cl, v, cllen) != 0))
				return -1;
			cl = v;
			cllen = (size_t)(ve - v);
		} else if (name_is(line, (size_t)(colon - line),
		    "transfer-encoding")) {
			last = 1;
			if (te++ > 0 || !name_is(v, (size_t)(ve - v),
			    "chunked"))
				return -1;
		}
	}
	return cl != NULL && te > 0 ? -1 : 0;
}

/* Whether s (n bytes) is name, ignoring case. */
static int
name_is(const char *s, size_t n, const char *name)
{
	return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

/* Blanks off both ends of [*b, *e). */
static void
trim(const char **b, const char **e)
{
	while (*b < *e && (**b == ' ' || **b == '\t'))
		(*b)++;
	while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* Whether [b, e) is one or more digits and nothing else: "5, 5" is not. */
static int
digits(const char *b, const char *e)
{
	if (b == e)
		return 0;
	for (; b < e; b++)
		if (*b < '0' || *b > '9')
			return 0;
	return 1;
}
