#include <stdlib.h>
#include <string.h>

#include "sidenotes.h"

#define SECTION		"<section class=\"footnotes\" data-footnotes>"
#define REF		"<sup class=\"footnote-ref\"><a href=\"#fn-"
#define NOTE		"<li id=\"fn-"
#define BACKREF		" <a href=\"#fnref-"

/* One footnote: its label ("a" of id="fn-a") and its copy, or none. */
struct note {
	const char	*label;
	size_t		 llen;
	struct buf	 copy;		/* empty: no sidenote */
	int		 used;		/* its copy was placed */
};

/*
 * Tags a sidenote may not hold: it sits inside a paragraph, where only
 * text-level elements are allowed, and an id would be there twice.
 */
static int
phrasing_only(const char *s, size_t n)
{
	static const char *const block[] = { "<ul", "<ol", "<li", "<pre",
	    "<blockquote", "<table", "<div", "<h1", "<h2", "<h3", "<h4",
	    "<h5", "<h6", "<hr", "<figure", "<section", "<picture", " id=",
	    "<sup class=\"footnote-ref\"" };
	size_t	 i;

	for (i = 0; i < sizeof(block) / sizeof(*block); i++)
		if (memmem(s, n, block[i], strlen(block[i])) != NULL)
			return 0;
	return 1;
}

/*
 * The copy of the note whose <li> holds [s, s + n): its paragraphs run
 * together with <br>, without the link back, every link out of the tab
 * order (the copy is hidden from screen readers: nothing in it may take
 * the focus).
 */
static int
make_copy(struct buf *out, const char *s, size_t n)
{
	const char	*end = s + n, *q, *back;
	int		 paras = 0;

	if (!phrasing_only(s, n))
		return 0;
	/* The link back, cmark-gfm's last thing in the note. */
	if ((back = memmem(s, n, BACKREF, sizeof(BACKREF) - 1)) != NULL)
		end = back;
	while (s < end && (*s == '\n' || *s == ' '))
		s++;
	while (s < end) {
		if ((q = memchr(s, '<', (size_t)(end - s))) == NULL)
			q = end;
		if (buf_put(out, s, (size_t)(q - s)) == -1)
			return -1;
		s = q;
		if (s == end)
			break;
		if ((size_t)(end - s) >= 3 && memcmp(s, "<p>", 3) == 0) {
			if (paras++ > 0 && BUF_LIT(out, "<br>") == -1)
				return -1;
			s += 3;
		} else if ((size_t)(end - s) >= 4 && memcmp(s, "</p>", 4) ==
		    0) {
			s += 4;
		} else if ((size_t)(end - s) >= 3 && memcmp(s, "<a ", 3) == 0) {
			if (BUF_LIT(out, "<a tabindex=\"-1\" ") == -1)
				return -1;
			s += 3;
		} else {
			if (buf_putc(out, '<') == -1)
				return -1;
			s++;
		}
	}
	/* Trim the white space the paragraphs' line ends left. */
	while (out->len > 0 && (out->data[out->len - 1] == '\n' ||
	    out->data[out->len - 1] == ' '))
		out->len--;
	if (out->data != NULL)
		out->data[out->len] = '\0';
	return 0;
}

static void
notes_free(struct note *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		buf_free(&v[i].copy);
	free(v);
}

/* Read the notes of the footnotes section at sec (up to end). */
static int
read_notes(const char *sec, const char *end, struct note **out, size_t *nout)
{
	struct note	*v = NULL, *nv;
	size_t		 n = 0, cap = 0;
	const char	*p = sec, *li, *body, *close;

	while ((li = memmem(p, (size_t)(end - p), NOTE, sizeof(NOTE) - 1)) !=
	    NULL) {
		const char *label = li + sizeof(NOTE) - 1;
		size_t llen = strcspn(label, "\"");

		body = label + llen;
		if ((size_t)(end - body) < 2 || body[1] != '>')
			break;
		body += 2;
		if ((close = memmem(body, (size_t)(end - body), "</li>", 5)) ==
		    NULL)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto oom;
			v = nv;
		}
		v[n].label = label;
		v[n].llen = llen;
		v[n].used = 0;
		buf_init(&v[n].copy, 0);
		n++;
		if (make_copy(&v[n - 1].copy, body, (size_t)(close - body)) ==
		    -1)
			goto oom;
		p = close + 5;
	}
	*out = v;
	*nout = n;
	return 0;
oom:
	notes_free(v, n);
	return -1;
}

int
sidenotes_add(const char *html, size_t len, struct buf *out)
{
	const char	*end = html + len, *sec, *p = html, *q;
	struct note	*notes = NULL;
	size_t		 n = 0, i;
	int		 all = 1;
	int		 rc = -1;

	sec = memmem(html, len, SECTION, sizeof(SECTION) - 1);
	if (sec == NULL)
		return buf_put(out, html, len);
	if (read_notes(sec, end, &notes, &n) == -1)
		return -1;
	while ((q = memmem(p, (size_t)(sec - p), REF, sizeof(REF) - 1)) !=
	    NULL) {
		const char *label = q + sizeof(REF) - 1, *num, *stop;
		size_t llen = strcspn(label, "\"");

		/* The reference's end and its number, "...>1</a></sup>". */
		if ((stop = memmem(label, (size_t)(sec - label), "</a></sup>",
		    10)) == NULL)
			break;
		for (num = stop; num > label && num[-1] != '>'; num--)
			;
		stop += 10;
		if (buf_put(out, p, (size_t)(stop - p)) == -1)
			goto out;
		p = stop;
		for (i = 0; i < n; i++)
			if (notes[i].llen == llen &&
			    memcmp(notes[i].label, label, llen) == 0)
				break;
		if (i == n || notes[i].used || notes[i].copy.len == 0)
			continue;
		notes[i].used = 1;
		if (BUF_LIT(out, "<span class=\"sidenote\" aria-hidden="
		    "\"true\"><span class=\"sidenote-n\">") == -1 ||
		    buf_put(out, num, (size_t)(stop - 10 - num)) == -1 ||
		    BUF_LIT(out, "</span> ") == -1 ||
		    buf_put(out, notes[i].copy.data, notes[i].copy.len) == -1 ||
		    BUF_LIT(out, "</span>") == -1)
			goto out;
	}
	if (buf_put(out, p, (size_t)(sec - p)) == -1)
		goto out;
	/* Hidden only when every note is beside the text. */
	for (i = 0; i < n; i++)
		all &= notes[i].used;
	if (all && n > 0) {
		if (BUF_LIT(out, "<section class=\"footnotes\" data-footnotes "
		    "data-sidenoted>") == -1)
			goto out;
		sec += sizeof(SECTION) - 1;
	}
	rc = buf_put(out, sec, (size_t)(end - sec));
out:
	notes_free(notes, n);
	return rc;
}
