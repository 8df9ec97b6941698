#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "convert.h"

/* A link target at most; longer ones are left alone. */
#define DEST_MAX	2048

struct rl {
	const struct conv *c;
	const char	*s;
	size_t		 n;
	size_t		 line;		/* of s[i], counted as we go */
	struct buf	*out;
};

static int
is_remote(const char *u, size_t n)
{
	return (n > 7 && strncasecmp(u, "http://", 7) == 0) ||
	    (n > 8 && strncasecmp(u, "https://", 8) == 0) ||
	    (n > 2 && u[0] == '/' && u[1] == '/');
}

/*
 * The target u (n bytes), of an image or not: what resolve or remote
 * makes of it, or itself.
 */
static int
target(struct rl *r, const char *u, size_t n, int image)
{
	int	 k;

	if (image) {
		if (!is_remote(u, n))
			return buf_put(r->out, u, n);
		if (r->c->remote != NULL &&
		    (k = r->c->remote(r->c->ctx, u, n, r->out)) != 0)
			return k == 1 ? 0 : -1;
		notes_add(r->c->notes, NOTE_REMOTE, r->c->newfile, r->line,
		    "an image on another host: %.*s", (int)n, u);
		return buf_put(r->out, u, n);
	}
	if ((k = r->c->resolve(r->c->ctx, REF_URL, u, n, r->out)) == -1)
		return -1;
	if (k == 1) {
		notes_count(r->c->notes, "links to old URLs");
		return 0;
	}
	return buf_put(r->out, u, n);
}

/* Does a fence (three backticks or tildes) start the line at s[i]? */
static int
fence_line(const char *s, size_t n, size_t i)
{
	size_t	 k = 0, run = 0;

	while (k < 3 && i + k < n && s[i + k] == ' ')
		k++;
	while (i + k + run < n && (s[i + k + run] == '`' ||
	    s[i + k + run] == '~') && s[i + k + run] == s[i + k])
		run++;
	return run >= 3;
}

/* The end of a Markdown link destination at s[i]: bare or <...>. */
static size_t
dest_end(const char *s, size_t n, size_t i, size_t *ua, size_t *ub)
{
	size_t	 depth = 0, j = i;

	if (j < n && s[j] == '<') {
		while (j < n && s[j] != '>' && s[j] != '\n')
			j++;
		if (j >= n || s[j] != '>')
			return 0;
		*ua = i + 1;
		*ub = j;
		return j + 1;
	}
	for (; j < n && j - i < DEST_MAX; j++) {
		if (s[j] == '(')
			depth++;
		else if (s[j] == ')') {
			if (depth == 0)
				break;
			depth--;
		} else if (isspace((unsigned char)s[j]))
			break;
	}
	if (j == i || j - i >= DEST_MAX)
		return 0;
	*ua = i;
	*ub = j;
	return j;
}

int
convert_links(const struct conv *c, const char *s, size_t n, struct buf *out)
{
	struct rl	 r;
	size_t		 i = 0, run, k, m, ua, ub, e, flen = 0;
	char		 fch = 0;

	r.c = c;
	r.s = s;
	r.n = n;
	r.line = c->newline;
	r.out = out;
	while (i < n) {
		int at_line = i == 0 || s[i - 1] == '\n';

		if (at_line) {
			/* Fences: copied whole. */
			size_t sp = 0, eol;

			while (sp < 3 && i + sp < n && s[i + sp] == ' ')
				sp++;
			for (eol = i; eol < n && s[eol] != '\n'; eol++)
				;
			for (run = 0; i + sp + run < n && (s[i + sp + run] ==
			    '`' || s[i + sp + run] == '~') && s[i + sp + run] ==
			    s[i + sp]; run++)
				;
			/* "```x```" is a code span, not a fence. */
			if (run >= 3 && s[i + sp] == '`' && flen == 0 &&
			    memchr(s + i + sp + run, '`', eol - i - sp - run) !=
			    NULL)
				run = 0;
			if (flen > 0 || run >= 3) {
				if (flen == 0) {
					flen = run;
					fch = s[i + sp];
				} else if (run >= flen && s[i + sp] == fch)
					flen = 0;
				if (buf_put(out, s + i, eol - i) == -1 ||
				    (eol < n && buf_putc(out, '\n') == -1))
					return -1;
				i = eol + 1;
				r.line++;
				continue;
			}
			/* A reference definition: [id]: target */
			if (i + sp < n && s[i + sp] == '[') {
				const char *rb = memchr(s + i + sp, ']',
				    eol - i - sp);

				if (rb != NULL && rb + 1 < s + eol &&
				    rb[1] == ':') {
					k = (size_t)(rb - s) + 2;
					while (k < eol && s[k] == ' ')
						k++;
					if ((e = dest_end(s, eol, k, &ua,
					    &ub)) > 0) {
						if (buf_put(out, s + i,
						    ua - i) ==
						    -1 || target(&r, s + ua,
						    ub - ua, 0) == -1)
							return -1;
						i = ub;
						continue;
					}
				}
			}
		}
		if (s[i] == '\n')
			r.line++;
		if (s[i] == '`') {
			for (run = 0; i + run < n && s[i + run] == '`'; run++)
				;
			for (k = i + run; k < n; k++) {
				/* A span ends with its paragraph. */
				if (s[k] == '\n' && k + 1 < n && (s[k + 1] ==
				    '\n' || fence_line(s, n, k + 1))) {
					k = n;
					break;
				}
				if (s[k] != '`')
					continue;
				for (m = 0; k + m < n && s[k + m] == '`'; m++)
					;
				if (m == run)
					break;
				k += m - 1;
			}
			e = k >= n ? i + run : k + run;
			for (k = i; k < e; k++)
				if (s[k] == '\n')
					r.line++;
			if (buf_put(out, s + i, e - i) == -1)
				return -1;
			i = e;
			continue;
		}
		/* ](target */
		if (s[i] == ']' && i + 1 < n && s[i + 1] == '(' &&
		    (e = dest_end(s, n, i + 2, &ua, &ub)) > 0) {
			int image = 0;

			/* Was the [ before it an image's ![ ? */
			for (k = i; k > 0 && s[k - 1] != '\n'; k--)
				if (s[k - 1] == '[') {
					image = k >= 2 && s[k - 2] == '!';
					break;
				}
			if (buf_put(out, s + i, ua - i) == -1 ||
			    target(&r, s + ua, ub - ua, image) == -1)
				return -1;
			i = ub;
			continue;
		}
		/* href="target" and <img src="target"> in raw HTML. */
		if ((s[i] == 'h' || s[i] == 's' || s[i] == 'H' || s[i] ==
		    'S') && i > 0 && isspace((unsigned char)s[i - 1]) &&
		    n - i >= 5 && (strncasecmp(s + i, "href=", 5) == 0 ||
		    strncasecmp(s + i, "src=", 4) == 0)) {
			int image = s[i] == 's' || s[i] == 'S';
			size_t q = i + (image ? 4 : 5);
			char qc = q < n ? s[q] : 0;

			if (qc == '"' || qc == '\'') {
				const char *end = memchr(s + q + 1, qc,
				    n - q - 1 < DEST_MAX ? n - q - 1 :
				    DEST_MAX);

				if (end != NULL && memchr(s + q + 1, '\n',
				    (size_t)(end - s) - q - 1) == NULL) {
					if (buf_put(out, s + i, q + 1 - i) ==
					    -1 ||
					    target(&r, s + q + 1, (size_t)(end -
					    s) - q - 1, image) == -1)
						return -1;
					i = (size_t)(end - s);
					continue;
				}
			}
		}
		if (buf_putc(out, s[i]) == -1)
			return -1;
		i++;
	}
	return 0;
}
