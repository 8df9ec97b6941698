#include "text.h"

int
text_check_utf8(const char *s, size_t n, size_t *line, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0, ln = 1, k, need;
	unsigned int cp, min;

	while (i < n) {
		unsigned char c = p[i];

		if (c < 0x80) {
			if (c == 0) {
				*line = ln;
				*why = "holds a NUL byte";
				return -1;
			}
			/*
			 * Other control characters are not allowed in HTML
			 * or XML either; refuse them here, with the line,
			 * rather than emit a page no checker accepts.
			 */
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
			    c != '\f') || c == 0x7f) {
				*line = ln;
				*why = "holds a control character";
				return -1;
			}
			if (c == '\n')
				ln++;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else
			goto bad;
		if (n - i <= need)
			goto bad;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and past U+10FFFF. */
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp > 0x10ffff)
			goto bad;
		i += need + 1;
	}
	return 0;
bad:
	*line = ln;
	*why = "is not valid UTF-8";
	return -1;
}

int
text_slug(struct buf *b, const char *s, size_t n)
{
	size_t	 i, start = b->len;
	int	 dash = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c >= 0x80) {
			if (dash && b->len > start && buf_putc(b, '-') == -1)
				return -1;
			dash = 0;
			if (buf_putc(b, (char)c) == -1)
				return -1;
		} else
			dash = 1;
	}
	return 0;
}

size_t
text_words(const char *s, size_t n)
{
	size_t	 i, words = 0;
	int	 in = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		int space = c == ' ' || c == '\n' || c == '\t' || c == '\r';

		if (!space && !in)
			words++;
		in = !space;
	}
	return words;
}
