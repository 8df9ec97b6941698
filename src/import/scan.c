#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../support/esc.h"
#include "scan.h"

int
scan_put(struct buf *b, const char *s, size_t n)
{
	return buf_put(b, s, n);
}

size_t
scan_line(struct scan *sc, size_t pos)
{
	if (pos < sc->lpos) {
		sc->lpos = 0;
		sc->lline = 0;
	}
	for (; sc->lpos < pos && sc->lpos < sc->n; sc->lpos++)
		if (sc->s[sc->lpos] == '\n')
			sc->lline++;
	return sc->c->line + sc->lline;
}

const char *
scan_find(const char *s, size_t n, size_t from, const char *what, size_t limit)
{
	size_t	 w = strlen(what), end = n;

	if (limit > 0 && from + limit < n)
		end = from + limit;
	if (from >= end || end - from < w)
		return NULL;
	return memmem(s + from, end - from, what, w);
}

/*
 * Where the output stands: in Markdown, in a block of raw HTML (a block
 * whose first line starts with a tag: Markdown's backticks are text
 * there), or inside a tag of it.
 */
enum where { IN_MARKDOWN, IN_HTML, IN_TAG };

static enum where
where_now(const struct buf *out)
{
	const char	*d = out->data, *p;
	size_t		 n = out->len, st, i;

	if (n == 0)
		return IN_MARKDOWN;
	/* Inside a tag: a '<' on this line after the last '>'. */
	for (i = n; i > 0 && d[i - 1] != '\n' && d[i - 1] != '>'; i--)
		if (d[i - 1] == '<' && i < n && (isalpha((unsigned char)d[i]) ||
		    d[i] == '/'))
			return IN_TAG;
	/*
	 * Since the last blank line, a line that starts with a tag: an
	 * HTML block runs from there to the next blank line (a <div> may
	 * follow a heading or interrupt a paragraph).
	 */
	for (st = n; st > 0; st--)
		if (d[st - 1] == '\n' && (st < 2 || d[st - 2] == '\n'))
			break;
	for (i = st; i < n; i++) {
		if (i > st && d[i - 1] != '\n')
			continue;
		for (p = d + i; p < d + n && (*p == ' ' || *p == '\t'); p++)
			;
		if (p + 1 < d + n && *p == '<' && (isalpha((unsigned char)
		    p[1]) || p[1] == '/' || p[1] == '!'))
			return IN_HTML;
	}
	return IN_MARKDOWN;
}

int
scan_code_out(struct scan *sc, const char *s, size_t n)
{
	size_t	 i;

	switch (where_now(sc->out)) {
	case IN_TAG:
		/*
		 * An attribute's value, a link's most likely: the code as a
		 * URL holds it, braces and all percent-encoded, so nothing
		 * of the old tool's syntax reaches the page and the value
		 * still says what it was.
		 */
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if ((c == '{' || c == '}' || c == '%' || c == ' ' ||
			    c == '"' || c == '\'' || c == '<' || c == '>' ||
			    c < 0x20) ? buf_printf(sc->out, "%%%02X", c) == -1 :
			    buf_putc(sc->out, (char)c) == -1)
				return -1;
		}
		return 0;
	case IN_HTML:
		if (BUF_LIT(sc->out, "<code>") == -1 ||
		    esc_html(sc->out, s, n) == -1)
			return -1;
		return BUF_LIT(sc->out, "</code>");
	case IN_MARKDOWN:
		break;
	}
	return convert_code_span(sc->out, s, n);
}

/* Keep the tag at [a, e) as inline code, and say where. */
int
scan_keep(struct scan *sc, size_t a, size_t e, const char *why)
{
	const char *s = sc->s + a;
	size_t	 n = e - a, show = n > 60 ? 60 : n;

	notes_add(sc->c->notes, NOTE_KEPT, sc->c->file, scan_line(sc, a),
	    "%s kept as %s: %.*s%s", why, where_now(sc->out) == IN_TAG ?
	    "a URL, inside an HTML tag" : "code", (int)show, s,
	    show < n ? "..." : "");
	return scan_code_out(sc, s, n);
}

/* Parse "k=v k2='v' pos" (Liquid and Hugo both). */
size_t
scan_args(const char *s, size_t n, struct arg *v, size_t max)
{
	size_t	 i = 0, k = 0, st;
	char	 q;

	while (i < n && k < max) {
		while (i < n && (isspace((unsigned char)s[i]) || s[i] == ','))
			i++;
		if (i >= n)
			break;
		memset(&v[k], 0, sizeof(v[k]));
		st = i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' ||
		    s[i] == '-' || s[i] == '.'))
			i++;
		if (i < n && (s[i] == '=' || s[i] == ':') && i > st) {
			v[k].key = s + st;
			v[k].klen = i - st;
			i++;
			while (i < n && s[i] == ' ')
				i++;
		} else
			i = st;
		if (i < n && (s[i] == '"' || s[i] == '\'' || s[i] == '`')) {
			q = s[i++];
			v[k].val = s + i;
			while (i < n && s[i] != q)
				i++;
			v[k].vlen = (size_t)(s + i - v[k].val);
			if (i < n)
				i++;
		} else {
			v[k].val = s + i;
			while (i < n && !isspace((unsigned char)s[i]))
				i++;
			v[k].vlen = (size_t)(s + i - v[k].val);
		}
		k++;
	}
	return k;
}

const struct arg *
scan_arg(const struct arg *v, size_t n, const char *k)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].key != NULL && v[i].klen == strlen(k) &&
		    strncasecmp(v[i].key, k, v[i].klen) == 0)
			return &v[i];
	return NULL;
}

const struct arg *
scan_pos(const struct arg *v, size_t n, size_t k)
{
	size_t	 i, seen = 0;

	for (i = 0; i < n; i++)
		if (v[i].key == NULL && seen++ == k)
			return &v[i];
	return NULL;
}

/*
 * Code as it was shown: without Jekyll's {% raw %} markers, and with
 * Hugo's escaped shortcodes (a C-style comment just inside the braces)
 * as the shortcode text they showed.
 */
int
scan_code(struct scan *sc, const char *s, size_t n)
{
	static const struct {
		const char	*from, *to;
	} hugo[] = { { "{{</*", "{{<" }, { "*/>}}", ">}}" },
	    { "{{%/*", "{{%" }, { "*/%}}", "%}}" } };
	size_t	 i = 0, k, j;

	while (i < n) {
		if (sc->c->kind == OLD_JEKYLL && n - i >= 2 && s[i] == '{' &&
		    s[i + 1] == '%') {
			const char *end = scan_find(s, n, i, "%}", 64);

			for (j = i + 2; j < n && (s[j] == '-' || s[j] ==
			    ' '); j++)
				;
			if (end != NULL && ((n - j >= 3 && strncmp(s + j, "raw",
			    3) == 0) || (n - j >= 6 && strncmp(s + j, "endraw",
			    6) == 0))) {
				i = (size_t)(end - s) + 2;
				continue;
			}
		}
		if (sc->c->kind == OLD_HUGO)
			for (k = 0; k < sizeof(hugo) / sizeof(*hugo); k++)
				if (n - i >= 5 && memcmp(s + i, hugo[k].from,
				    5) == 0)
					break;
		if (sc->c->kind == OLD_HUGO && k < sizeof(hugo) /
		    sizeof(*hugo)) {
			if (scan_put(sc->out, hugo[k].to, 3) == -1)
				return -1;
			i += 5;
			continue;
		}
		if (buf_putc(sc->out, s[i]) == -1)
			return -1;
		i++;
	}
	return 0;
}

/* A fenced code block of body, for highlight tags and shortcodes. */
int
scan_fence(struct scan *sc, const char *lang, size_t llen, const char *body,
    size_t n)
{
	size_t	 i, run = 0, most = 2, k;

	for (i = 0; i < n; i++) {
		run = body[i] == '`' ? run + 1 : 0;
		if (run > most)
			most = run;
	}
	while (n > 0 && (body[0] == '\n' || body[0] == '\r')) {
		body++;
		n--;
	}
	while (n > 0 && (body[n - 1] == '\n' || body[n - 1] == '\r' ||
	    body[n - 1] == ' '))
		n--;
	if (sc->out->len > 0 && sc->out->data[sc->out->len - 1] != '\n' &&
	    buf_putc(sc->out, '\n') == -1)
		return -1;
	for (k = 0; k <= most; k++)
		if (buf_putc(sc->out, '`') == -1)
			return -1;
	if (scan_put(sc->out, lang, llen) == -1 || buf_putc(sc->out, '\n') ==
	    -1 || scan_code(sc, body, n) == -1 || buf_putc(sc->out, '\n') == -1)
		return -1;
	for (k = 0; k <= most; k++)
		if (buf_putc(sc->out, '`') == -1)
			return -1;
	return 0;
}

/* ![alt](src "title"), then the caption in italics when there is one. */
int
scan_figure(struct scan *sc, const struct arg *src, const struct arg *alt,
    const struct arg *cap, const struct arg *link)
{
	size_t	 i;

	if (link != NULL && BUF_LIT(sc->out, "[") == -1)
		return -1;
	if (BUF_LIT(sc->out, "![") == -1)
		return -1;
	if (alt != NULL)
		for (i = 0; i < alt->vlen; i++)
			if (alt->val[i] != '[' && alt->val[i] != ']' &&
			    alt->val[i] != '\n' &&
			    buf_putc(sc->out, alt->val[i]) == -1)
				return -1;
	if (BUF_LIT(sc->out, "](") == -1)
		return -1;
	for (i = 0; i < src->vlen; i++)
		if (src->val[i] == ' ' || src->val[i] == ')' ||
		    src->val[i] == '(' ? buf_printf(sc->out, "%%%02X",
		    (unsigned char)src->val[i]) == -1 :
		    buf_putc(sc->out, src->val[i]) == -1)
			return -1;
	if (BUF_LIT(sc->out, ")") == -1)
		return -1;
	if (link != NULL && (BUF_LIT(sc->out, "](") == -1 ||
	    scan_put(sc->out, link->val, link->vlen) == -1 ||
	    BUF_LIT(sc->out, ")") == -1))
		return -1;
	if (cap != NULL && cap->vlen > 0 && (alt == NULL || alt->vlen !=
	    cap->vlen || memcmp(alt->val, cap->val, cap->vlen) != 0)) {
		if (BUF_LIT(sc->out, "\n\n*") == -1)
			return -1;
		for (i = 0; i < cap->vlen; i++)
			if (buf_putc(sc->out, cap->val[i] == '*' ? '_' :
			    cap->val[i] == '\n' ? ' ' : cap->val[i]) == -1)
				return -1;
		if (BUF_LIT(sc->out, "*\n") == -1)
			return -1;
	}
	return 0;
}

int
scan_link(struct scan *sc, const char *url, const char *text, size_t tlen,
    const char *label)
{
	if (BUF_LIT(sc->out, "[") == -1)
		return -1;
	if (tlen > 0) {
		if (scan_put(sc->out, text, tlen) == -1)
			return -1;
	} else if (buf_puts(sc->out, label) == -1)
		return -1;
	return buf_printf(sc->out, "](%s)", url);
}
