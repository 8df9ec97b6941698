#include <stdint.h>
#include <string.h>

#include "text.h"

/* How many times c is in s[0..n). */
static size_t
count_of(const char *s, size_t n, char c)
{
	size_t	 i, k = 0;

	for (i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

const char *
text_tag_trim(const char *s, size_t *n)
{
	size_t	 len = strlen(s);

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	for (;;) {
		while (len > 0 && strchr(" \t,;:", s[len - 1]) != NULL)
			len--;
		/* A quote with no partner: 'say "hi"' keeps its own. */
		if (len > 0 && (s[len - 1] == '"' || s[len - 1] == '\'') &&
		    count_of(s, len, s[len - 1]) % 2 == 1) {
			len--;
			continue;
		}
		if (len > 0 && (*s == '"' || *s == '\'') &&
		    count_of(s, len, *s) % 2 == 1) {
			s++, len--;
			continue;
		}
		break;
	}
	*n = len;
	return s;
}

int
text_tag_slug(struct buf *b, const char *s, size_t n)
{
	struct buf	 t;
	size_t		 i;
	int		 rc = -1;

	buf_init(&t, 0);
	/* ".NET" is dotnet; ".." has no letter either way. */
	if (n > 1 && s[0] == '.' && s[1] != '.' && s[1] != ' ') {
		if (BUF_LIT(&t, "dot") == -1)
			goto out;
		s++, n--;
	}
	for (i = 0; i < n; i++) {
		if ((s[i] == '#' && BUF_LIT(&t, " sharp ") == -1) ||
		    (s[i] == '+' && BUF_LIT(&t, " plus ") == -1) ||
		    (s[i] != '#' && s[i] != '+' && buf_putc(&t, s[i]) == -1))
			goto out;
	}
	rc = text_slug(b, t.data != NULL ? t.data : "", t.len);
out:
	buf_free(&t);
	return rc;
}

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* 0x80 in each byte of x that is c, 0 in the others (no false hits). */
static uint64_t
bytes_equal(uint64_t x, unsigned char c)
{
	uint64_t v = x ^ (ONES * c), t;

	t = (v & ~HIGHS) + ~HIGHS;
	return ~(t | v | ~HIGHS);
}

/* Bytes that may start a character text_strip_controls takes out. */
static int
maybe_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
	    c != 0) || c == 0x7f || c == 0xc2;
}

size_t
text_strip_controls(char *s, size_t n, size_t *line)
{
	size_t	 i, o, ln = 1;

	*line = 0;
	/*
	 * Nearly every post has none: find the first candidate without
	 * writing anything, eight bytes at a time (a word with no byte
	 * under 0x20 but tab, newline, return and NUL, no 0x7f and no 0xc2
	 * holds none), and copy only from there.
	 */
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t x, low;
		size_t k;

		memcpy(&x, s + i, 8);
		/* 0x80 in each byte under 0x20. */
		low = ~(((x & ~HIGHS) + ONES * (0x80 - 0x20)) | x) & HIGHS;
		low &= ~(bytes_equal(x, '\t') | bytes_equal(x, '\n') |
		    bytes_equal(x, '\r') | bytes_equal(x, 0));
		if (low | bytes_equal(x, 0x7f) | bytes_equal(x, 0xc2)) {
			for (k = 0; k < 8; k++)
				if (maybe_control((unsigned char)s[i + k]))
					break;
			if (k < 8) {
				i += k;
				break;
			}
		}
	}
	for (; i < n && !maybe_control((unsigned char)s[i]); i++)
		;
	if (i == n)
		return n;
	for (o = 0; o < i; o++)
		ln += s[o] == '\n';
	for (o = i; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* U+0080 to U+009F (C1 controls), as UTF-8: two bytes. */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			if (*line == 0)
				*line = ln;
			i++;
			continue;
		}
		if (((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f) && c != 0) {
			if (*line == 0)
				*line = ln;
			continue;
		}
		if (c == '\n')
			ln++;
		s[o++] = s[i];
	}
	return o;
}

int
text_check_utf8(const char *s, size_t n, size_t *line, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0, ln = 1, k, need;
	unsigned int cp, min;

	while (i < n) {
		unsigned char c = p[i];
		uint64_t x, y;

		/*
		 * Eight bytes at a time while they are plain ASCII: no high
		 * bit, none under 0x20 (a newline too, so lines are counted
		 * below), no 0x7f.  The tests may see one where there is
		 * none, never the reverse: then the bytes go one by one.
		 */
		if (n - i >= 8) {
			memcpy(&x, p + i, 8);
			y = x ^ (ONES * 0x7f);
			if (((x | ((x - ONES * 0x20) & ~x) | ((y - ONES) & ~y)) &
			    HIGHS) == 0) {
				i += 8;
				continue;
			}
		}
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

/*
 * Lowercase for the bicameral scripts a tag is likely to be written in:
 * Latin (with Latin-1 and Latin Extended-A), Greek and Cyrillic.  Others
 * are left as they are; that only means two spellings stay two topics.
 */
static unsigned int
lower_cp(unsigned int c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 0x20;
	if (c < 0xc0)
		return c;
	if (c <= 0xde)
		return c == 0xd7 ? c : c + 0x20;
	if (c >= 0x100 && c <= 0x17e) {
		if ((c <= 0x12f || (c >= 0x132 && c <= 0x137) ||
		    (c >= 0x14a && c <= 0x177)) && c % 2 == 0)
			return c + 1;
		if (((c >= 0x139 && c <= 0x148) || (c >= 0x179)) && c % 2 == 1)
			return c + 1;
		return c == 0x178 ? 0xff : c;
	}
	if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)
		return c + 0x20;
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 0x25;
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return c + 0x3f;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	if (((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf)) &&
	    c % 2 == 0)
		return c + 1;
	return c;
}

/*
 * Non-ASCII punctuation and symbols separate words in a slug as ASCII
 * ones do ("A — B" is a-b): Latin-1's, General Punctuation, and the
 * symbol blocks after it, CJK punctuation and fullwidth ASCII symbols.
 */
static int
punctuation(unsigned int c)
{
	return (c >= 0xa0 && c <= 0xbf) || c == 0xd7 || c == 0xf7 ||
	    (c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
	    (c >= 0xfe30 && c <= 0xfe4f);
}

/* Decode one code point of valid UTF-8 at s (n > 0 bytes left). */
static unsigned int
decode(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80 || n < 2) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0 || n < 4) {
		*len = n < 3 ? n : 3;
		return n < 3 ? s[0] : (unsigned)(s[0] & 0x0f) << 12 |
		    (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*len = 4;
	return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
	    (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

static int
encode(struct buf *b, unsigned int c)
{
	char	 u[4];

	if (c < 0x80)
		return buf_putc(b, (char)c);
	if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		return buf_put(b, u, 2);
	}
	if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		return buf_put(b, u, 3);
	}
	u[0] = (char)(0xf0 | c >> 18);
	u[1] = (char)(0x80 | (c >> 12 & 0x3f));
	u[2] = (char)(0x80 | (c >> 6 & 0x3f));
	u[3] = (char)(0x80 | (c & 0x3f));
	return buf_put(b, u, 4);
}

int
text_lower(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i, len;

	for (i = 0; i < n; i += len)
		if (encode(b, lower_cp(decode(p + i, n - i, &len))) == -1)
			return -1;
	return 0;
}

int
text_slug(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i, len, start = b->len;
	unsigned int c;
	int	 dash = 0;

	for (i = 0; i < n; i += len) {
		c = lower_cp(decode(p + i, n - i, &len));
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c >= 0x80 && !punctuation(c))) {
			if (dash && b->len > start && buf_putc(b, '-') == -1)
				return -1;
			dash = 0;
			if (encode(b, c) == -1)
				return -1;
		} else
			dash = 1;
	}
	return 0;
}

static unsigned
is_space(char c)
{
	return (c == ' ') | (c == '\n') | (c == '\t') | (c == '\r');
}

/*
 * A word starts at each byte that is not a space after one that is.
 * Eight bytes at a time: a mask of the spaces, shifted a byte to line
 * each byte up with the one before it, and a count of the bits.  (A
 * branch per byte, mispredicted at every word, made this 2% of a cold
 * build.)  Only where the first byte read is the lowest (little-endian)
 * does the shift line bytes up so; elsewhere the bytes go one by one.
 */
size_t
text_words(const char *s, size_t n)
{
	const union { uint16_t u; unsigned char b[2]; } order = { 1 };
	size_t	 i = 0, words = 0;
	unsigned prev = 1;		/* before the text: a space */

	if (order.b[0] == 1)		/* little-endian */
		for (; i + 8 <= n; i += 8) {
			uint64_t x, sp, before;

			memcpy(&x, s + i, 8);
			sp = bytes_equal(x, ' ') | bytes_equal(x, '\n') |
			    bytes_equal(x, '\t') | bytes_equal(x, '\r');
			before = sp << 8 | (uint64_t)prev << 7;
			words += (size_t)__builtin_popcountll(before & ~sp &
			    HIGHS);
			prev = (unsigned)(sp >> 63);
		}
	for (; i < n; i++) {
		words += prev & !is_space(s[i]);
		prev = is_space(s[i]);
	}
	return words;
}
