#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gumbo.h>

#include "plaintext.h"

#define WIDTH_MIN	24	/* deep in quotes and lists: still this much */

/*
 * The text being written.  Every line starts with pfx (the quotes and
 * list indents it is inside), but the first line of a list item, which
 * starts with mark ("  - ") instead.  Inline content gathers in para,
 * spaces collapsed, '\n' for a <br>, until a block ends and it is
 * wrapped.
 */
struct pt {
	struct buf	*out;
	struct buf	 pfx;
	struct buf	 mark;
	struct buf	 para;
	int		 blank;		/* a blank line before the next line */
	size_t		 blank_at;	/* with this much of pfx */
	int		 any;		/* a line was written */
	int		 oom;
};

static void	block(struct pt *, const GumboNode *);
static void	want_blank(struct pt *);
static void	inlines(struct pt *, const GumboNode *, struct buf *);

static void
put(struct pt *t, struct buf *b, const char *s, size_t n)
{
	if (!t->oom && buf_put(b, s, n) == -1)
		t->oom = 1;
}

static void
puts_(struct pt *t, struct buf *b, const char *s)
{
	put(t, b, s, strlen(s));
}

/* Columns a UTF-8 string takes: one per character. */
static size_t
width(const char *s, size_t n)
{
	size_t	 i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static const char *
attr(const GumboNode *n, const char *name)
{
	const GumboAttribute *a;

	if (n->type != GUMBO_NODE_ELEMENT ||
	    (a = gumbo_get_attribute(&n->v.element.attributes, name)) == NULL)
		return NULL;
	return a->value;
}

/* Does n's class attribute hold the word c? */
static int
has_class(const GumboNode *n, const char *c)
{
	const char	*v = attr(n, "class"), *p;
	size_t		 k = strlen(c);

	for (p = v; p != NULL && (p = strstr(p, c)) != NULL; p += k)
		if ((p == v || p[-1] == ' ') && (p[k] == '\0' || p[k] == ' '))
			return 1;
	return 0;
}

static GumboTag
tag(const GumboNode *n)
{
	return n->type == GUMBO_NODE_ELEMENT ? n->v.element.tag :
	    GUMBO_TAG_UNKNOWN;
}

/* A blank line before the next, at the shallowest prefix asked. */
static void
want_blank(struct pt *t)
{
	if (!t->blank || t->pfx.len < t->blank_at)
		t->blank_at = t->pfx.len;
	t->blank = 1;
}

/* One line: the prefix (or the pending list mark), then s. */
static void
line(struct pt *t, const char *s, size_t n)
{
	struct buf	*p = t->mark.len > 0 ? &t->mark : &t->pfx;
	size_t		 k = p->len;

	if (t->blank && t->any) {
		/*
		 * A blank line has the prefix of where it was asked for (not
		 * a quote just begun), its quote marks, not its indent.
		 */
		k = t->blank_at < t->pfx.len ? t->blank_at : t->pfx.len;
		while (k > 0 && t->pfx.data[k - 1] == ' ')
			k--;
		put(t, t->out, t->pfx.data, k);
		puts_(t, t->out, "\n");
	}
	t->blank = 0;
	k = p->len;
	/* An empty line after a quote mark: no trailing space. */
	if (n == 0)
		while (k > 0 && p->data[k - 1] == ' ')
			k--;
	put(t, t->out, p->data, k);
	put(t, t->out, s, n);
	puts_(t, t->out, "\n");
	buf_reset(&t->mark);
	t->any = 1;
}

/*
 * Wrap para into lines of at most PLAINTEXT_WIDTH columns with the
 * prefix, breaking at spaces only: a URL (which holds none) is never
 * split, a word longer than the line has one to itself.
 */
static void
flush(struct pt *t)
{
	const char	*s = t->para.data, *e, *w, *brk;
	size_t		 max, used, wl, n = t->para.len;
	struct buf	 l;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\n')) {
		s++;
		n--;
	}
	if (n == 0) {
		buf_reset(&t->para);
		return;
	}
	used = width(t->pfx.data, t->pfx.len);
	max = used + WIDTH_MIN > PLAINTEXT_WIDTH ? WIDTH_MIN :
	    PLAINTEXT_WIDTH - used;
	buf_init(&l, 0);
	e = s + n;
	used = 0;
	for (w = s; w < e; ) {
		if (*w == '\n') {
			line(t, l.data, l.len);
			buf_reset(&l);
			used = 0;
			w++;
			continue;
		}
		if (*w == ' ') {
			w++;
			continue;
		}
		for (brk = w; brk < e && *brk != ' ' && *brk != '\n'; brk++)
			;
		wl = width(w, (size_t)(brk - w));
		if (used > 0 && used + 1 + wl > max) {
			line(t, l.data, l.len);
			buf_reset(&l);
			used = 0;
		}
		if (used > 0) {
			puts_(t, &l, " ");
			used++;
		}
		put(t, &l, w, (size_t)(brk - w));
		used += wl;
		w = brk;
	}
	if (l.len > 0)
		line(t, l.data, l.len);
	buf_free(&l);
	buf_reset(&t->para);
}

/* Append text to b with runs of white space made one space. */
static void
text(struct pt *t, struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			if (b->len > 0 && (b->data[b->len - 1] == ' ' ||
			    b->data[b->len - 1] == '\n'))
				continue;
			put(t, b, " ", 1);
		} else
			put(t, b, s, 1);
	}
}

/* All the text under n, white space as it is (for <pre>). */
static void
raw(struct pt *t, const GumboNode *n, struct buf *b)
{
	const GumboVector *c;
	size_t		 i;

	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	    n->type == GUMBO_NODE_CDATA) {
		puts_(t, b, n->v.text.text);
		return;
	}
	if (n->type != GUMBO_NODE_ELEMENT)
		return;
	c = &n->v.element.children;
	for (i = 0; i < c->length; i++)
		raw(t, c->data[i], b);
}

/* Is the text in b from off on the same as s, spaces aside? */
static int
same_text(const struct buf *b, size_t off, const char *s)
{
	const char	*p = b->data + off;
	size_t		 n = b->len - off, k;

	while (n > 0 && *p == ' ') {
		p++;
		n--;
	}
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (strncmp(s, "mailto:", 7) == 0)
		s += 7;
	k = strlen(s);
	return k == n && memcmp(p, s, n) == 0;
}

static void
link(struct pt *t, const GumboNode *n, struct buf *b)
{
	const char	*href = attr(n, "href");
	const GumboVector *c = &n->v.element.children;
	size_t		 i, off = b->len;

	/* The way back from a note: [N] says it already. */
	if (has_class(n, "footnote-backref") ||
	    attr(n, "data-footnote-backref") != NULL)
		return;
	if (attr(n, "data-footnote-ref") != NULL || (n->parent != NULL &&
	    has_class(n->parent, "footnote-ref"))) {
		puts_(t, b, "[");
		for (i = 0; i < c->length; i++)
			inlines(t, c->data[i], b);
		puts_(t, b, "]");
		return;
	}
	for (i = 0; i < c->length; i++)
		inlines(t, c->data[i], b);
	if (href == NULL || *href == '\0')
		return;
	if (same_text(b, off, href)) {
		/* An address shown as itself stays as it is. */
		if (strncmp(href, "mailto:", 7) == 0)
			return;
		/* A URL shown as itself gets its brackets: "<URL>." */
		while (b->len > off && b->data[b->len - 1] == ' ')
			b->len--;
		if (b->len > off && b->data[off] == ' ')
			off++;
		b->len = off;
	} else if (b->len > off && b->data[b->len - 1] != ' ')
		puts_(t, b, " ");
	puts_(t, b, "<");
	puts_(t, b, href);
	puts_(t, b, ">");
}

static void
inlines(struct pt *t, const GumboNode *n, struct buf *b)
{
	const GumboVector *c;
	const char	*mark = NULL, *alt, *src;
	size_t		 i;

	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	    n->type == GUMBO_NODE_CDATA) {
		text(t, b, n->v.text.text);
		return;
	}
	if (n->type != GUMBO_NODE_ELEMENT)
		return;
	switch (tag(n)) {
	case GUMBO_TAG_A:
		link(t, n, b);
		return;
	case GUMBO_TAG_BR:
		puts_(t, b, "\n");
		return;
	case GUMBO_TAG_IMG:
		alt = attr(n, "alt");
		src = attr(n, "src");
		puts_(t, b, "[image");
		if (alt != NULL && *alt != '\0') {
			puts_(t, b, ": ");
			text(t, b, alt);
		}
		if (src != NULL) {
			puts_(t, b, " <");
			puts_(t, b, src);
			puts_(t, b, ">");
		}
		puts_(t, b, "]");
		return;
	case GUMBO_TAG_EM:
	case GUMBO_TAG_I:
		mark = "_";
		break;
	case GUMBO_TAG_STRONG:
	case GUMBO_TAG_B:
		mark = "*";
		break;
	case GUMBO_TAG_SCRIPT:
	case GUMBO_TAG_STYLE:
	case GUMBO_TAG_TEMPLATE:
		return;
	default:
		break;
	}
	if (mark != NULL)
		puts_(t, b, mark);
	c = &n->v.element.children;
	for (i = 0; i < c->length; i++)
		inlines(t, c->data[i], b);
	if (mark != NULL)
		puts_(t, b, mark);
}

static int
is_block(const GumboNode *n)
{
	switch (tag(n)) {
	case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION:
	case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_HEADER:
	case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV: case GUMBO_TAG_MAIN:
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
	case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
	case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_LI:
	case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
	case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_TABLE:
	case GUMBO_TAG_HR: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_BODY:
	case GUMBO_TAG_HTML:
		return 1;
	default:
		return 0;
	}
}

/* The children of n: runs of inline content as paragraphs. */
static void
children(struct pt *t, const GumboNode *n)
{
	const GumboVector *c = &n->v.element.children;
	size_t		 i;

	for (i = 0; i < c->length; i++) {
		if (is_block(c->data[i])) {
			flush(t);
			block(t, c->data[i]);
		} else
			inlines(t, c->data[i], &t->para);
	}
	flush(t);
}

/* Start a block: a blank line before it, unless a list mark waits. */
static void
begin(struct pt *t)
{
	flush(t);
	if (t->mark.len == 0)
		want_blank(t);
}

static void
heading(struct pt *t, const GumboNode *n, char under)
{
	struct buf	 h;
	size_t		 w, i;

	begin(t);
	buf_init(&h, 0);
	inlines(t, n, &h);
	/* One line, however long: it is a title. */
	for (i = 0; i < h.len; i++)
		if (h.data[i] == '\n')
			h.data[i] = ' ';
	while (h.len > 0 && h.data[h.len - 1] == ' ')
		h.len--;
	for (i = 0; i < h.len && h.data[i] == ' '; i++)
		;
	line(t, h.data + i, h.len - i);
	w = width(h.data + i, h.len - i);
	buf_reset(&h);
	for (i = 0; i < w; i++)
		put(t, &h, &under, 1);
	line(t, h.data, h.len);
	buf_free(&h);
}

/* A list: each item with its mark, its other lines under its text. */
static void
list(struct pt *t, const GumboNode *n, int ordered)
{
	const GumboVector *c = &n->v.element.children;
	const char	*start = attr(n, "start");
	int		 notes = 0, k;
	size_t		 i, items = 0, keep = t->pfx.len;
	char		 m[32];

	begin(t);
	k = start != NULL ? atoi(start) : 1;
	if (n->parent != NULL && has_class(n->parent, "footnotes"))
		notes = 1;
	for (i = 0; i < c->length; i++) {
		if (tag(c->data[i]) != GUMBO_TAG_LI)
			continue;
		if (!ordered)
			(void)snprintf(m, sizeof(m), "- ");
		else
			(void)snprintf(m, sizeof(m), notes ? "[%d] " : "%d. ",
			    k++);
		flush(t);
		buf_reset(&t->mark);
		put(t, &t->mark, t->pfx.data, t->pfx.len);
		puts_(t, &t->mark, m);
		for (size_t j = strlen(m); j > 0; j--)
			puts_(t, &t->pfx, " ");
		/* Notes and loose lists: a blank line between items. */
		if (notes)
			want_blank(t);
		else if (items++ > 0)
			t->blank = 0;
		children(t, c->data[i]);
		buf_reset(&t->mark);
		t->pfx.len = keep;
	}
	want_blank(t);
}

static void
quote(struct pt *t, const GumboNode *n)
{
	size_t	 keep = t->pfx.len;

	begin(t);
	puts_(t, &t->pfx, "> ");
	children(t, n);
	t->pfx.len = keep;
	want_blank(t);
}

static void
pre(struct pt *t, const GumboNode *n)
{
	struct buf	 b;
	const char	*s, *e, *nl;
	size_t		 keep = t->pfx.len;

	begin(t);
	buf_init(&b, 0);
	raw(t, n, &b);
	puts_(t, &t->pfx, "    ");
	s = b.data;
	e = b.data + b.len;
	while (e > s && (e[-1] == '\n' || e[-1] == ' '))
		e--;
	for (; s != NULL && s < e; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL)
			nl = e;
		line(t, s, (size_t)(nl - s));
	}
	t->pfx.len = keep;
	want_blank(t);
	buf_free(&b);
}

/* A table's cells, by row, and each column's alignment and width. */
struct cell {
	char		*s;
	size_t		 n, w;
	char		 align;		/* 'l', 'c', 'r' */
};

static char
cell_align(const GumboNode *n)
{
	const char	*a = attr(n, "align"), *st = attr(n, "style");

	if (has_class(n, "align-right") || (a != NULL && strcmp(a, "right") ==
	    0) || (st != NULL && strstr(st, "text-align: right") != NULL))
		return 'r';
	if (has_class(n, "align-center") || (a != NULL && strcmp(a,
	    "center") == 0) || (st != NULL && strstr(st, "text-align: center")
	    != NULL))
		return 'c';
	return 'l';
}

/* The rows of n (thead, tbody, tfoot or the table itself) into v. */
static void
rows(struct pt *t, const GumboNode *n, struct cell **v, size_t *nrows,
    size_t *ncols, size_t *cap, size_t maxcols)
{
	const GumboVector *c = &n->v.element.children, *cc;
	struct cell	*r, *nv;
	struct buf	 b;
	size_t		 i, j, k;

	for (i = 0; i < c->length; i++) {
		if (tag(c->data[i]) == GUMBO_TAG_THEAD ||
		    tag(c->data[i]) == GUMBO_TAG_TBODY ||
		    tag(c->data[i]) == GUMBO_TAG_TFOOT) {
			rows(t, c->data[i], v, nrows, ncols, cap, maxcols);
			continue;
		}
		if (tag(c->data[i]) != GUMBO_TAG_TR)
			continue;
		if (*nrows == *cap) {
			k = *cap ? *cap * 2 : 8;
			if ((nv = realloc(*v, k * maxcols * sizeof(**v))) ==
			    NULL) {
				t->oom = 1;
				return;
			}
			memset(nv + *cap * maxcols, 0, (k - *cap) * maxcols *
			    sizeof(**v));
			*v = nv;
			*cap = k;
		}
		r = *v + *nrows * maxcols;
		cc = &((const GumboNode *)c->data[i])->v.element.children;
		for (j = k = 0; j < cc->length && k < maxcols; j++) {
			if (tag(cc->data[j]) != GUMBO_TAG_TD &&
			    tag(cc->data[j]) != GUMBO_TAG_TH)
				continue;
			buf_init(&b, 0);
			inlines(t, cc->data[j], &b);
			for (size_t x = 0; x < b.len; x++)
				if (b.data[x] == '\n' || b.data[x] == '|')
					b.data[x] = b.data[x] == '|' ? '/' :
					    ' ';
			while (b.len > 0 && b.data[b.len - 1] == ' ')
				b.len--;
			r[k].s = buf_take(&b, &r[k].n);
			if (r[k].s != NULL && r[k].n > 0 && r[k].s[0] == ' ') {
				memmove(r[k].s, r[k].s + 1, r[k].n);
				r[k].n--;
			}
			r[k].w = r[k].s != NULL ? width(r[k].s, r[k].n) : 0;
			r[k].align = cell_align(cc->data[j]);
			k++;
		}
		if (k > *ncols)
			*ncols = k;
		(*nrows)++;
	}
}

/* Count the cells of the widest row, for the table's array. */
static size_t
max_cells(const GumboNode *n)
{
	const GumboVector *c = &n->v.element.children;
	size_t		 i, k, m = 0, j;

	for (i = 0; i < c->length; i++) {
		if (tag(c->data[i]) == GUMBO_TAG_THEAD ||
		    tag(c->data[i]) == GUMBO_TAG_TBODY ||
		    tag(c->data[i]) == GUMBO_TAG_TFOOT) {
			if ((k = max_cells(c->data[i])) > m)
				m = k;
			continue;
		}
		if (tag(c->data[i]) != GUMBO_TAG_TR)
			continue;
		const GumboVector *cc =
		    &((const GumboNode *)c->data[i])->v.element.children;
		for (j = k = 0; j < cc->length; j++)
			if (tag(cc->data[j]) == GUMBO_TAG_TD ||
			    tag(cc->data[j]) == GUMBO_TAG_TH)
				k++;
		if (k > m)
			m = k;
	}
	return m;
}

static void
pad(struct pt *t, struct buf *b, size_t n)
{
	while (n-- > 0)
		puts_(t, b, " ");
}

static void
table(struct pt *t, const GumboNode *n)
{
	struct cell	*v = NULL, *c;
	struct buf	 l;
	size_t		 maxcols = max_cells(n), nrows = 0, ncols = 0, cap = 0;
	size_t		 i, j, w[64], gap, left;
	char		 al[64];

	begin(t);
	if (maxcols == 0)
		return;
	if (maxcols > 64)
		maxcols = 64;
	rows(t, n, &v, &nrows, &ncols, &cap, maxcols);
	memset(w, 0, sizeof(w));
	memset(al, 'l', sizeof(al));
	for (i = 0; i < nrows; i++)
		for (j = 0; j < ncols; j++) {
			c = &v[i * maxcols + j];
			if (c->w > w[j])
				w[j] = c->w;
			if (i == 0 || c->s != NULL)
				al[j] = c->s != NULL ? c->align : al[j];
		}
	for (j = 0; j < ncols; j++)
		if (w[j] < 3)
			w[j] = 3;	/* room for ":-:" */
	buf_init(&l, 0);
	for (i = 0; i < nrows; i++) {
		buf_reset(&l);
		for (j = 0; j < ncols; j++) {
			c = &v[i * maxcols + j];
			gap = w[j] - c->w;
			left = c->align == 'r' ? gap : c->align == 'c' ?
			    gap / 2 : 0;
			puts_(t, &l, j == 0 ? "| " : " | ");
			pad(t, &l, left);
			if (c->s != NULL)
				put(t, &l, c->s, c->n);
			pad(t, &l, gap - left);
		}
		puts_(t, &l, " |");
		line(t, l.data, l.len);
		if (i > 0)
			continue;
		/* Under the first row, the rule that shows the alignment. */
		buf_reset(&l);
		for (j = 0; j < ncols; j++) {
			puts_(t, &l, "|");
			puts_(t, &l, al[j] == 'l' || al[j] == 'c' ? ":" : "-");
			for (size_t k = 0; k < w[j]; k++)
				puts_(t, &l, "-");
			puts_(t, &l, al[j] == 'r' || al[j] == 'c' ? ":" : "-");
		}
		puts_(t, &l, "|");
		line(t, l.data, l.len);
	}
	buf_free(&l);
	for (i = 0; i < nrows * maxcols; i++)
		free(v[i].s);
	free(v);
	want_blank(t);
}

static void
block(struct pt *t, const GumboNode *n)
{
	switch (tag(n)) {
	case GUMBO_TAG_H1:
		heading(t, n, '=');
		break;
	case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6:
		heading(t, n, '-');
		break;
	case GUMBO_TAG_UL:
		list(t, n, 0);
		break;
	case GUMBO_TAG_OL:
		list(t, n, 1);
		break;
	case GUMBO_TAG_BLOCKQUOTE:
		quote(t, n);
		break;
	case GUMBO_TAG_PRE:
		pre(t, n);
		break;
	case GUMBO_TAG_TABLE:
		table(t, n);
		break;
	case GUMBO_TAG_HR:
		begin(t);
		line(t, "* * *", 5);
		want_blank(t);
		break;
	case GUMBO_TAG_SECTION:
		begin(t);
		children(t, n);
		want_blank(t);
		break;
	default:
		begin(t);
		children(t, n);
		want_blank(t);
		break;
	}
}

int
plaintext_from_html(const char *html, size_t n, struct buf *out)
{
	GumboOutput	*g;
	const GumboNode	*root, *body = NULL;
	const GumboVector *c;
	struct pt	 t;
	size_t		 i;

	if ((g = gumbo_parse_with_options(&kGumboDefaultOptions, html, n)) ==
	    NULL)
		return -1;
	memset(&t, 0, sizeof(t));
	t.out = out;
	buf_init(&t.pfx, 0);
	buf_init(&t.mark, 0);
	buf_init(&t.para, 0);
	root = g->root;
	c = &root->v.element.children;
	for (i = 0; i < c->length; i++)
		if (tag(c->data[i]) == GUMBO_TAG_BODY)
			body = c->data[i];
	if (body != NULL)
		children(&t, body);
	buf_free(&t.pfx);
	buf_free(&t.mark);
	buf_free(&t.para);
	gumbo_destroy_output(&kGumboDefaultOptions, g);
	return t.oom ? -1 : 0;
}
