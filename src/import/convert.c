#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "convert.h"
#include "scan.h"

int
convert_code_span(struct buf *b, const char *s, size_t n)
{
	size_t	 i, run = 0, most = 0, k;
	int	 pad;

	for (i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > most)
			most = run;
	}
	pad = n > 0 && (s[0] == '`' || s[n - 1] == '`' || s[0] == ' ');
	for (k = 0; k <= most; k++)
		if (buf_putc(b, '`') == -1)
			return -1;
	if (pad && buf_putc(b, ' ') == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (buf_putc(b, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]) ==
		    -1)
			return -1;
	if (pad && buf_putc(b, ' ') == -1)
		return -1;
	for (k = 0; k <= most; k++)
		if (buf_putc(b, '`') == -1)
			return -1;
	return 0;
}

/* The length of a fence line's marker at s[i] (3 spaces allowed), or 0. */
static size_t
fence_at(const char *s, size_t n, size_t i, char *ch)
{
	size_t	 k = 0, run = 0;

	while (k < 3 && i + k < n && s[i + k] == ' ')
		k++;
	if (i + k >= n || (s[i + k] != '`' && s[i + k] != '~'))
		return 0;
	*ch = s[i + k];
	while (i + k + run < n && s[i + k + run] == *ch)
		run++;
	if (run < 3)
		return 0;
	/* "```x```" is a code span: a backtick fence's info has none. */
	for (k += run; *ch == '`' && i + k < n && s[i + k] != '\n'; k++)
		if (s[i + k] == '`')
			return 0;
	return run;
}

int
convert_body(const struct conv *c, const char *body, size_t len,
    struct buf *out)
{
	struct scan	 sc;
	size_t		 eol, run, k, m;
	char		 fch = 0, ch, fch2;
	size_t		 flen = 0;	/* in a fence of this many */
	memset(&sc, 0, sizeof(sc));
	sc.c = c;
	sc.s = body;
	sc.n = len;
	sc.out = out;
	while (sc.i < len) {
		int at_line = sc.i == 0 || body[sc.i - 1] == '\n';

		if (at_line && (flen > 0 || (run = fence_at(body, len, sc.i,
		    &ch)) > 0)) {
			/* A fence line, or a line inside a fence: as is. */
			for (eol = sc.i; eol < len && body[eol] != '\n'; eol++)
				;
			if (flen == 0) {
				fch = ch;
				flen = run;
			} else if ((run = fence_at(body, len, sc.i, &ch)) >=
			    flen && ch == fch) {
				for (k = sc.i; k < eol && (body[k] == ' ' ||
				    body[k] == fch); k++)
					;
				if (k == eol || body[k] == '\r')
					flen = 0;
			}
			if (scan_code(&sc, body + sc.i, eol - sc.i) == -1)
				return -1;
			if (eol < len && buf_putc(out, '\n') == -1)
				return -1;
			sc.i = eol + 1;
			continue;
		}
		ch = body[sc.i];
		if (ch == '`') {
			/* A code span: copied to its closing run. */
			for (run = 0; sc.i + run < len && body[sc.i + run] ==
			    '`'; run++)
				;
			for (k = sc.i + run; k < len; k++) {
				/* A span ends with its paragraph. */
				if (body[k] == '\n' && k + 1 < len &&
				    (body[k + 1] == '\n' || fence_at(body, len,
				    k + 1, &fch2) > 0)) {
					k = len;
					break;
				}
				if (body[k] != '`')
					continue;
				for (m = 0; k + m < len && body[k + m] == '`';
				    m++)
					;
				if (m == run)
					break;
				k += m - 1;
			}
			if (k >= len) {
				if (scan_put(out, body + sc.i, run) == -1)
					return -1;
				sc.i += run;
				continue;
			}
			if (scan_code(&sc, body + sc.i, k + run - sc.i) == -1)
				return -1;
			sc.i = k + run;
			continue;
		}
		if (ch == '{' && sc.i + 1 < len) {
			char nx = body[sc.i + 1];
			int r = 1;

			if (nx == '%' && sc.raw && !conv_raw_end(&sc))
				r = conv_raw_literal(&sc);
			else if (nx == '%')
				r = conv_liquid_tag(&sc);
			else if (nx == '{' && sc.i + 2 < len &&
			    (body[sc.i + 2] == '<' || body[sc.i + 2] == '%'))
				r = conv_shortcode(&sc);
			else if (nx == '{' && c->kind == OLD_JEKYLL && !sc.raw)
				r = conv_liquid_out(&sc);
			else if (nx == ':')
				r = conv_kramdown(&sc);
			if (r == -1)
				return -1;
			if (r == 0)
				continue;
		}
		if (buf_putc(out, ch) == -1)
			return -1;
		sc.i++;
	}
	return 0;
}
