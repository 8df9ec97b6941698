#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "../support/diag.h"
#include "../support/esc.h"
#include "../support/hash.h"
#include "../support/text.h"
#include "../support/url.h"
#include "highlight.h"
#include "imgtags.h"
#include "markdown.h"
#include "mdmem.h"
#include "rawhtml.h"
#include "sidenotes.h"

#define MD_OPTIONS	(CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | \
			    CMARK_OPT_SMART)

/*
 * No "tagfilter": it showed raw <style>, <iframe>... to readers as text.
 * The raw HTML pass (rawhtml.c) replaces what breaks a promise instead.
 */
static const char *const md_extensions[] = { "table", "strikethrough",
    "autolink" };

/* Is line [p, p + n) a table's delimiter row ("| --- | :-: |")?  Its cells. */
static size_t
delim_cells(const char *p, size_t n)
{
	size_t	 i, cells = 0, dashes = 0, pipes = 0;
	int	 in_cell = 0;

	for (i = 0; i < n; i++)
		switch (p[i]) {
		case '|':
			pipes++;
			cells += in_cell;
			in_cell = 0;
			break;
		case '-':
			dashes++;
			in_cell = 1;
			break;
		case ':':
			in_cell = 1;
			break;
		case ' ':
		case '\t':
		case '\r':
			break;
		default:
			return 0;
		}
	return pipes > 0 && dashes > 0 ? cells + in_cell : 0;
}

/* The fence that line q (to nl) opens or closes, "```" or "~~~", or 0. */
static char
fence(const char *q, const char *nl)
{
	return nl - q >= 3 && (*q == '`' || *q == '~') && q[1] == *q &&
	    q[2] == *q ? *q : 0;
}

/* The cells a table row would split line [q, nl) into, at most: its '|' + 1. */
static size_t
row_cells(const char *q, const char *nl)
{
	size_t	 n = 1;

	while ((q = memchr(q, '|', (size_t)(nl - q))) != NULL) {
		n++;
		q++;
	}
	return n;
}

/*
 * Check src against the bounds on tables in markdown.h, the way
 * cmark-gfm builds them: a line before a delimiter row is split into
 * cells as a header, every line after it up to a blank line is a row,
 * and each row keeps as many cells as the delimiter row, padded when
 * shorter.  Delimiter rows are found after any indent and ">" of a block
 * quote, and not in fenced code; one in indented code is counted too,
 * which errs on the side of refusing.  1, or 0 with *line (1-based) and
 * *wide (the row that is too wide, else 0).
 */
static int
tables_ok(const char *src, size_t len, size_t *line, size_t *wide)
{
	const char	*p = src, *end = src + len, *nl, *q;
	const char	*prev = src, *prev_nl = src;
	size_t		 cols = 0, total = 0, n = 1, start = 1, w;
	char		 in_fence = 0, f;

	*wide = 0;
	for (; p < end; prev = q, prev_nl = nl, p = nl + 1, n++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (q = p; q < nl && (*q == ' ' || *q == '\t' || *q == '>');
		    q++)
			;
		if ((f = fence(q, nl)) != 0 && (in_fence == 0 ||
		    in_fence == f)) {
			in_fence = in_fence ? 0 : f;
			cols = 0;
			continue;
		}
		if (in_fence)
			continue;
		if (q == nl || (q + 1 == nl && *q == '\r')) {
			cols = 0;	/* a blank line ends a table */
			continue;
		}
		if (cols > 0) {
			total += cols;
			w = row_cells(q, nl);
		} else if ((cols = delim_cells(q, (size_t)(nl - q))) > 0) {
			/* The line before is its header. */
			total += cols;
			start = n > 1 ? n - 1 : 1;
			w = n > 1 ? row_cells(prev, prev_nl) : 0;
			if (w > MARKDOWN_ROW_CELLS) {
				*line = start;
				*wide = w;
				return 0;
			}
			w = row_cells(q, nl);
		} else
			continue;
		if (w > MARKDOWN_ROW_CELLS) {
			*line = n;
			*wide = w;
			return 0;
		}
		if (total > MARKDOWN_TABLE_CELLS) {
			*line = start;
			return 0;
		}
	}
	return 1;
}

int
markdown_check(const char *src, size_t len, size_t *line, char *why,
    size_t whysz)
{
	size_t	 wide;

	if (tables_ok(src, len, line, &wide))
		return 0;
	/* whysz is the caller's: a cut message is still a message. */
	if (wide)
		(void)snprintf(why, whysz, "a table row of %zu cells; a row "
		    "may have %d", wide, MARKDOWN_ROW_CELLS);
	else
		(void)snprintf(why, whysz, "this table takes the post past "
		    "%d table cells, the most a post's tables may hold",
		    MARKDOWN_TABLE_CELLS);
	return -1;
}

void
markdown_init(void)
{
	static int	 done;

	if (done)
		return;
	done = 1;
	cmark_gfm_core_extensions_ensure_registered();
	highlight_init();
}

/*
 * cmark-gfm 0.29.0.gfm.6 (Debian 12's) keeps the characters that start an
 * extension's inlines ('~' for strikethrough, '|' for tables, ...) in a
 * global table that every inline parse fills at its start and empties at
 * its end.  Two threads parsing inlines at once race: one finishing
 * empties the table under the other, which then silently misses its
 * ~~strikethrough~~ (seen here: 2 posts in 600).  Inline parsing happens
 * in cmark_parser_finish, so that call takes a lock; reading blocks and
 * rendering HTML, the larger part, stay on all cores.  Later cmark-gfm
 * versions keep the table per parser, and the lock can go.
 */
static pthread_mutex_t	inline_lock = PTHREAD_MUTEX_INITIALIZER;

/* A heading's id: its text's slug, or "section" when that is empty. */
int
markdown_slug(struct buf *out, const char *s, size_t n)
{
	size_t	 start = out->len;

	if (text_slug(out, s, n) == -1)
		return -1;
	if (out->len == start)
		return BUF_LIT(out, "section");
	return 0;
}

/* Gather a node's text (what a reader sees) into b. */
static int
node_text(cmark_node *node, struct buf *b)
{
	cmark_iter	*it = cmark_iter_new(node);
	cmark_event_type ev;
	int		 rc = 0;

	if (it == NULL)
		return -1;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER ||
		    (t != CMARK_NODE_TEXT && t != CMARK_NODE_CODE))
			continue;
		if ((lit = cmark_node_get_literal(n)) != NULL &&
		    buf_puts(b, lit) == -1) {
			rc = -1;
			break;
		}
	}
	cmark_iter_free(it);
	return rc;
}

/*
 * The ids given so far in one document, in a hash set (open addressing,
 * at most half full): a thousand headings that all read "a" must cost a
 * thousand lookups, not a search of every earlier id for each suffix.
 * The next suffix to try for a base is kept with the base, so "a", "a",
 * "a"... find "a-2" after "a-1" at once instead of counting up from 1.
 */
struct idset {
	char	**v;		/* owned, NUL-terminated */
	size_t	 *next;		/* per slot: the next suffix to try */
	size_t	  n, cap;
};

static void
idset_free(struct idset *s)
{
	size_t	 i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
	free(s->next);
	memset(s, 0, sizeof(*s));
}

/* The slot holding id, or the empty slot where it would go. */
static size_t
idset_slot(const struct idset *s, const char *id, size_t n)
{
	size_t	 h = hash_bytes(HASH_INIT, id, n) & (s->cap - 1);

	while (s->v[h] != NULL && (strlen(s->v[h]) != n ||
	    memcmp(s->v[h], id, n) != 0))
		h = (h + 1) & (s->cap - 1);
	return h;
}

static int
idset_grow(struct idset *s)
{
	struct idset	 t;
	size_t		 i, h;

	t.cap = s->cap ? s->cap * 2 : 64;
	t.n = s->n;
	if ((t.v = calloc(t.cap, sizeof(*t.v))) == NULL ||
	    (t.next = calloc(t.cap, sizeof(*t.next))) == NULL) {
		free(t.v);
		return -1;
	}
	for (i = 0; i < s->cap; i++) {
		if (s->v[i] == NULL)
			continue;
		h = idset_slot(&t, s->v[i], strlen(s->v[i]));
		t.v[h] = s->v[i];
		t.next[h] = s->next[i];
	}
	free(s->v);
	free(s->next);
	*s = t;
	return 0;
}

/* Add id (n bytes); its slot in *slot.  1 added, 0 there already, -1. */
static int
idset_add(struct idset *s, const char *id, size_t n, size_t *slot)
{
	size_t	 h;

	if ((s->n + 1) * 2 > s->cap && idset_grow(s) == -1)
		return -1;
	h = idset_slot(s, id, n);
	*slot = h;
	if (s->v[h] != NULL)
		return 0;
	if ((s->v[h] = strndup(id, n)) == NULL)
		return -1;
	s->next[h] = 1;
	s->n++;
	return 1;
}

/*
 * The id at open[idstart..] is made unique in the document by a suffix
 * ("x", "x-1", "x-2"...).
 */
static int
unique_id(struct idset *ids, struct buf *open, size_t idstart)
{
	struct buf	 probe;
	size_t		 base, slot, k;
	int		 r, rc = -1;

	if ((r = idset_add(ids, open->data + idstart, open->len - idstart,
	    &base)) != 0)
		return r == 1 ? 0 : -1;
	buf_init(&probe, 0);
	for (k = ids->next[base];; k++) {
		buf_reset(&probe);
		if (buf_put(&probe, open->data + idstart,
		    open->len - idstart) == -1 ||
		    buf_printf(&probe, "-%zu", k) == -1)
			goto out;
		if ((r = idset_add(ids, probe.data, probe.len, &slot)) == -1)
			goto out;
		if (r == 1)
			break;
	}
	/* The table may have grown: find the base's slot again. */
	base = idset_slot(ids, open->data + idstart, open->len - idstart);
	ids->next[base] = k + 1;
	if (buf_printf(open, "-%zu", k) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&probe);
	return rc;
}

/*
 * Headings taken out of the tree.  They cannot be freed at once: cmark
 * keeps a heading's text in the heading, and the inlines moved to the
 * custom block still point into it.  They go with the document.
 */
struct detached {
	cmark_node	**v;
	size_t		  n, cap;
};

static int
detached_add(struct detached *d, cmark_node *n)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		cmark_node **v = realloc(d->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = n;
	return 0;
}

static void
detached_free(struct detached *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		cmark_node_free(d->v[i]);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* Add each id="..." (or id='...') in the HTML h to ids. */
static int
ids_in_html(struct idset *ids, const char *h, size_t n)
{
	const char	*v, *end;
	size_t		 i, slot;

	for (i = 1; i + 4 < n; i++) {
		if ((h[i] != 'i' && h[i] != 'I') ||
		    (h[i + 1] != 'd' && h[i + 1] != 'D') || h[i + 2] != '=' ||
		    (h[i + 3] != '"' && h[i + 3] != '\'') ||
		    strchr(" \t\n\r\f", h[i - 1]) == NULL || h[i - 1] == '\0')
			continue;
		v = h + i + 4;
		if ((end = memchr(v, h[i + 3], n - i - 4)) == NULL)
			break;
		if (end > v && idset_add(ids, v, (size_t)(end - v), &slot) == -1)
			return -1;
		i = (size_t)(end - h);
	}
	return 0;
}

/*
 * Put in ids the ids the document has before its headings get theirs:
 * those in its raw HTML, and those cmark-gfm gives footnotes ("fn-1",
 * "fnref-1", "fnref-1-2"...).  A heading must not take one: a heading
 * "fn 1" got id="fn-1", and the links to footnote 1 led to it.  The
 * footnotes' ids are built from their labels, which cmark-gfm does not
 * tell; they are read from the HTML instead, rendered once more only
 * when there are footnotes.
 */
static int
taken_ids(cmark_node *doc, cmark_parser *p, struct idset *ids)
{
	cmark_iter	*it = cmark_iter_new(doc);
	cmark_event_type ev;
	const char	*lit;
	char		*html;
	int		 notes = 0, rc = 0;

	if (it == NULL)
		return -1;
	while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_FOOTNOTE_REFERENCE)
			notes = 1;
		else if ((t == CMARK_NODE_HTML_BLOCK ||
		    t == CMARK_NODE_HTML_INLINE) &&
		    (lit = cmark_node_get_literal(n)) != NULL)
			rc = ids_in_html(ids, lit, strlen(lit));
	}
	cmark_iter_free(it);
	if (rc == -1 || !notes)
		return rc;
	if ((html = cmark_render_html(doc, MD_OPTIONS,
	    cmark_parser_get_syntax_extensions(p))) == NULL)
		return -1;
	rc = ids_in_html(ids, html, strlen(html));
	mdmem_free(html);
	return rc;
}

/*
 * The headings of a document as heading_ids made them: each one's
 * custom block, so its end can carry an anchor link on the page and
 * not in the feed, and what a table of contents needs.
 */
struct head {
	cmark_node	*blk;		/* in the document */
	int		 level;
	char		*id;		/* owned */
	char		*text;		/* owned */
};

struct heads {
	struct head	*v;
	size_t		 n, cap;
};

static void
heads_free(struct heads *h)
{
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].id);
		free(h->v[i].text);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static int
heads_add(struct heads *h, cmark_node *blk, int level, const char *id,
    size_t idn, const struct buf *text)
{
	struct head	*e;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		struct head *v = realloc(h->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	e = &h->v[h->n];
	e->blk = blk;
	e->level = level;
	e->id = strndup(id, idn);
	e->text = strndup(text->data ? text->data : "", text->len);
	if (e->id == NULL || e->text == NULL) {
		free(e->id);
		free(e->text);
		return -1;
	}
	h->n++;
	return 0;
}

/*
 * End each heading with a link to itself (anchors set) or with its
 * closing tag only.  The link follows the text, so a reader of the
 * heading hears its text first; its name says where it goes, since "#"
 * says nothing.
 */
static int
heads_anchor(const struct heads *h, int anchors)
{
	struct buf	 b;
	size_t		 i;
	int		 rc = -1;

	buf_init(&b, 0);
	for (i = 0; i < h->n; i++) {
		const struct head *e = &h->v[i];

		buf_reset(&b);
		if (anchors && (BUF_LIT(&b, " <a class=\"anchor\" href=\"#")
		    == -1 || esc_html(&b, e->id, strlen(e->id)) == -1 ||
		    BUF_LIT(&b, "\" aria-label=\"Section: ") == -1 ||
		    esc_html(&b, e->text, strlen(e->text)) == -1 ||
		    BUF_LIT(&b, "\">#</a>") == -1))
			goto out;
		if (buf_printf(&b, "</h%d>", e->level) == -1 ||
		    !cmark_node_set_on_exit(e->blk, b.data))
			goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* Copy the h2 and h3 of h to out (the caller's). */
static int
heads_export(const struct heads *h, struct md_headings *out)
{
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		const struct head *e = &h->v[i];
		struct md_heading *d;

		if (e->level != 2 && e->level != 3)
			continue;
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 8;
			struct md_heading *v = realloc(out->v,
			    cap * sizeof(*v));

			if (v == NULL)
				return -1;
			out->v = v;
			out->cap = cap;
		}
		d = &out->v[out->n];
		d->level = e->level;
		d->id = strdup(e->id);
		d->text = strdup(e->text);
		if (d->id == NULL || d->text == NULL) {
			free(d->id);
			free(d->text);
			return -1;
		}
		out->n++;
	}
	return 0;
}

void
md_headings_free(struct md_headings *h)
{
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].id);
		free(h->v[i].text);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/*
 * Replace each heading by a custom block that prints <hN id="...">
 * around the same children: cmark-gfm's renderer has no hook for
 * attributes, but it prints a custom block's enter and exit text as is.
 * The headings replaced go into gone, to be freed after the document;
 * the custom blocks into heads.
 */
static int
heading_ids(cmark_node *doc, cmark_parser *p, struct detached *gone,
    struct heads *heads)
{
	struct buf	 text, open;
	struct idset	 ids;
	cmark_node	*n, *next, *blk, *c;
	char		 close[8];
	int		 rc = -1, level, prev = 1;
	size_t		 idstart;

	buf_init(&text, 0);
	buf_init(&open, 0);
	memset(&ids, 0, sizeof(ids));
	if (taken_ids(doc, p, &ids) == -1)
		goto out;
	for (n = cmark_node_first_child(doc); n != NULL; n = next) {
		next = cmark_node_next(n);
		if (cmark_node_get_type(n) != CMARK_NODE_HEADING)
			continue;
		/*
		 * A heading may go down one level at a time, never skip
		 * one (### straight after the page's <h1> title): the
		 * outline a screen reader lists has no holes, and the page
		 * stays valid for the Nu checker.
		 */
		level = cmark_node_get_heading_level(n);
		if (level > prev + 1)
			level = prev + 1;
		prev = level;
		buf_reset(&text);
		buf_reset(&open);
		if (node_text(n, &text) == -1 ||
		    buf_printf(&open, "<h%d id=\"", level) == -1)
			goto out;
		idstart = open.len;
		if (markdown_slug(&open, text.data, text.len) == -1)
			goto out;
		if (unique_id(&ids, &open, idstart) == -1)
			goto out;
		if (BUF_LIT(&open, "\">") == -1)
			goto out;
		(void)snprintf(close, sizeof(close), "</h%d>", level);
		if ((blk = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK,
		    mdmem_get())) == NULL)
			goto out;
		/* on_enter and on_exit are copied by cmark. */
		if (!cmark_node_set_on_enter(blk, open.data) ||
		    !cmark_node_set_on_exit(blk, close) ||
		    detached_add(gone, n) == -1) {
			cmark_node_free(blk);
			goto out;
		}
		while ((c = cmark_node_first_child(n)) != NULL) {
			cmark_node_unlink(c);
			/* A custom block holds inlines as its children. */
			if (!cmark_node_append_child(blk, c)) {
				cmark_node_free(c);
				cmark_node_free(blk);
				goto out;
			}
		}
		/*
		 * n is in gone already, and replace only unlinks it: when
		 * replace fails n is still in the tree, so take it back out
		 * of gone rather than free it twice.
		 */
		if (!cmark_node_replace(n, blk)) {
			gone->n--;
			cmark_node_free(blk);
			goto out;
		}
		if (heads_add(heads, blk, level, open.data + idstart,
		    open.len - idstart - 2, &text) == -1)
			goto out;
	}
	rc = 0;
out:
	buf_free(&text);
	buf_free(&open);
	idset_free(&ids);
	return rc;
}

/*
 * Two fixes to cmark-gfm's HTML, made in one pass over it:
 *  - <th align="left"> becomes <th class="align-left">: align= is
 *    obsolete, and style= (cmark-gfm's other choice) would be blocked by
 *    the server's Content-Security-Policy;
 *  - <pre> and <table> get tabindex="0": they scroll sideways in their
 *    own box on a phone, and a reader without a mouse must be able to
 *    reach them to scroll them (WCAG 2.1.1).
 * Text never holds a bare '<' (cmark-gfm writes "&lt;"), so every '<'
 * seen here starts a tag.
 */
static int
html_fixups(const char *h, size_t n, struct buf *out)
{
	const char	*p = h, *end = h + n, *q;

	while ((q = memchr(p, '<', (size_t)(end - p))) != NULL) {
		size_t left = (size_t)(end - q);
		const char *v;
		size_t vn = 0;

		if (buf_put(out, p, (size_t)(q - p)) == -1)
			return -1;
		p = q;
		if (left >= 5 && memcmp(q, "<pre>", 5) == 0) {
			if (BUF_LIT(out, "<pre tabindex=\"0\">") == -1)
				return -1;
			p = q + 5;
			continue;
		}
		if (left >= 7 && memcmp(q, "<table>", 7) == 0) {
			if (BUF_LIT(out, "<table tabindex=\"0\">") == -1)
				return -1;
			p = q + 7;
			continue;
		}
		if (left > 12 && (memcmp(q, "<th align=\"", 11) == 0 ||
		    memcmp(q, "<td align=\"", 11) == 0)) {
			v = q + 11;
			while (v + vn < end && v[vn] >= 'a' && v[vn] <= 'z')
				vn++;
			if (v + vn + 1 < end && v[vn] == '"' &&
			    v[vn + 1] == '>') {
				if (buf_put(out, q, 3) == -1 ||
				    BUF_LIT(out, " class=\"align-") == -1 ||
				    buf_put(out, v, vn + 2) == -1)
					return -1;
				p = v + vn + 2;
				continue;
			}
		}
		if (buf_putc(out, '<') == -1)
			return -1;
		p = q + 1;
	}
	return buf_put(out, p, (size_t)(end - p));
}

/*
 * Walk the links (and, with images set, the images) of doc; for each URL
 * fn may write a new one into out and return 1, or return 0 to keep it.
 */
static int
rewrite_urls(cmark_node *doc, int images,
    int (*fn)(const char *url, const void *ctx, struct buf *out),
    const void *ctx)
{
	cmark_iter	*it = cmark_iter_new(doc);
	cmark_event_type ev;
	struct buf	 u;
	int		 rc = 0, r;

	if (it == NULL)
		return -1;
	buf_init(&u, 0);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *url;

		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_LINK &&
		    (!images || t != CMARK_NODE_IMAGE)) ||
		    (url = cmark_node_get_url(n)) == NULL)
			continue;
		buf_reset(&u);
		if ((r = fn(url, ctx, &u)) == -1 ||
		    (r == 1 && !cmark_node_set_url(n, u.data))) {
			rc = -1;
			break;
		}
	}
	buf_free(&u);
	cmark_iter_free(it);
	return rc;
}

/* A relative URL made absolute against base (the page's address). */
static int
absolute_url(const char *url, const void *base, struct buf *out)
{
	if (url_is_absolute(url))
		return 0;
	return url_resolve(out, base, url) == -1 ? -1 : 1;
}

/* "x/" -> "x/index.html", "x/#a" -> "x/index.html#a" (relative only). */
static int
portable_url(const char *url, const void *unused, struct buf *out)
{
	size_t	 path;

	(void)unused;
	if (url_is_absolute(url) || url[0] == '/' || url[0] == '#' ||
	    url[0] == '?')
		return 0;
	path = strcspn(url, "?#");
	if (path == 0 || url[path - 1] != '/')
		return 0;
	if (buf_put(out, url, path) == -1 ||
	    BUF_LIT(out, "index.html") == -1 || buf_puts(out, url + path) == -1)
		return -1;
	return 1;
}

/*
 * Footnote links are made by cmark-gfm's renderer, not from link nodes:
 * give their bare "#fn-1" the page's address too, in the feed's copy.
 */
static int
absolute_fragments(const char *h, size_t n, const char *base, struct buf *out)
{
	static const char pat[] = "href=\"#";
	const char	*p = h, *end = h + n, *q;

	while ((q = memmem(p, (size_t)(end - p), pat, sizeof(pat) - 1)) !=
	    NULL) {
		if (buf_put(out, p, (size_t)(q - p)) == -1 ||
		    BUF_LIT(out, "href=\"") == -1 || buf_puts(out, base) == -1)
			return -1;
		p = q + sizeof(pat) - 2;	/* from the '#' */
	}
	return buf_put(out, p, (size_t)(end - p));
}

/*
 * Put a mark (rawhtml_mark) with its source line before each thing the
 * raw HTML pass must see: raw HTML, images that are not the site's own,
 * and links with a scheme stet does not link to.  1 when there is one
 * (the pass is needed), 0 when not, -1 when out of memory.
 */
static int
mark_raw(cmark_node *doc, const struct md_opts *o)
{
	cmark_iter	*it;
	cmark_event_type ev;
	struct buf	 m;
	size_t		 first = o->line ? o->line : 1;
	int		 found = 0, rc = -1;

	if ((it = cmark_iter_new(doc)) == NULL)
		return -1;
	buf_init(&m, 0);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it), *mk;
		cmark_node_type t = cmark_node_get_type(n);
		int line = cmark_node_get_start_line(n);
		const char *s;
		enum rawhtml_url k;

		/* Raw HTML is a leaf: it has an enter event only. */
		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
			s = cmark_node_get_literal(n);
			/*
			 * A comment alone ("<!--more-->") would go anyway:
			 * emptied here, it costs the body no pass.
			 */
			if (s != NULL && rawhtml_only_comment(s)) {
				if (!cmark_node_set_literal(n, ""))
					goto out;
				continue;
			}
			buf_reset(&m);
			if (rawhtml_mark(&m, line > 0 ? first + (size_t)line -
			    1 : first) == -1 ||
			    buf_puts(&m, s != NULL ? s : "") == -1 ||
			    !cmark_node_set_literal(n, m.data))
				goto out;
			found = 1;
			continue;
		}
		/* The rest only after their exit: then they may change. */
		if (ev != CMARK_EVENT_EXIT || (t != CMARK_NODE_IMAGE &&
		    t != CMARK_NODE_LINK))
			continue;
		s = cmark_node_get_url(n);
		k = rawhtml_url_kind(s != NULL ? s : "", o->site);
		if (t == CMARK_NODE_IMAGE ? k == RAWHTML_LOCAL :
		    k != RAWHTML_BAD)
			continue;
		buf_reset(&m);
		if (rawhtml_mark(&m, line > 0 ? first + (size_t)line - 1 :
		    first) == -1 ||
		    (mk = cmark_node_new_with_mem(CMARK_NODE_HTML_INLINE,
		    mdmem_get())) == NULL)
			goto out;
		if (!cmark_node_set_literal(mk, m.data) ||
		    !cmark_node_insert_before(n, mk)) {
			cmark_node_free(mk);
			goto out;
		}
		found = 1;
	}
	rc = found;
out:
	buf_free(&m);
	cmark_iter_free(it);
	return rc;
}

/*
 * cmark-gfm's html as a page has it: fixed up, then, when raw is set,
 * through the raw HTML pass (warning when warn is set); with base set,
 * every relative URL made absolute against it.  Appended to out.
 */
static int
finish(const char *html, const struct md_opts *o, int raw, int warn,
    const char *base, struct buf *out)
{
	struct buf	 fixed, clean;
	int		 rc = -1;

	if (!raw && base == NULL)
		return html_fixups(html, strlen(html), out);
	buf_init(&fixed, 0);
	buf_init(&clean, 0);
	if (html_fixups(html, strlen(html), &fixed) == -1)
		goto out;
	if (raw) {
		if (rawhtml_clean(fixed.data ? fixed.data : "", fixed.len, o,
		    base, warn, base != NULL ? &clean : out) == -1)
			goto out;
		if (base == NULL) {
			rc = 0;
			goto out;
		}
		/* The pass made every URL absolute; only cmark's are left. */
		buf_free(&fixed);
		fixed = clean;
		buf_init(&clean, 0);
	}
	rc = absolute_fragments(fixed.data ? fixed.data : "", fixed.len, base,
	    out);
out:
	buf_free(&fixed);
	buf_free(&clean);
	return rc;
}

/*
 * Highlighted code.  Each fenced code block whose info string starts
 * with a language highlight.h knows is swapped for a custom block that
 * prints the highlighted <pre><code>; the plain block is kept, to be put
 * back for the feed's copy (code_restore) and freed with the swaps.
 */
struct swaps {
	cmark_node	**plain;	/* taken out of the document */
	cmark_node	**lit;		/* put in their place */
	size_t		  n, cap;
	int		  out;		/* the highlighted ones are in */
};

static void
swaps_free(struct swaps *w)
{
	size_t	 i;

	/* Whichever of each pair is out of the document is ours. */
	for (i = 0; i < w->n; i++)
		cmark_node_free(w->out ? w->plain[i] : w->lit[i]);
	free(w->plain);
	free(w->lit);
	memset(w, 0, sizeof(*w));
}

static int
swaps_add(struct swaps *w, cmark_node *plain, cmark_node *lit)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		cmark_node **a = realloc(w->plain, cap * sizeof(*a)), **b;

		if (a == NULL)
			return -1;
		w->plain = a;
		if ((b = realloc(w->lit, cap * sizeof(*b))) == NULL)
			return -1;
		w->lit = b;
		w->cap = cap;
	}
	w->plain[w->n] = plain;
	w->lit[w->n] = lit;
	w->n++;
	return 0;
}

/* The language a code block's info string names, or NULL. */
static const char *
code_lang(cmark_node *n)
{
	const char	*info = cmark_node_get_fence_info(n);
	size_t		 k;

	if (info == NULL)
		return NULL;
	k = strcspn(info, " \t{");
	return k > 0 ? highlight_lang(info, k) : NULL;
}

/*
 * Swap every code block in a known language for its highlighted twin.
 * Code blocks are never nested in one another, but may be inside lists
 * and quotes: the iterator is left before the swap, so it never stands
 * on a node taken out.
 */
static int
code_highlight(cmark_node *doc, struct swaps *w, const struct md_opts *o)
{
	cmark_iter	*it;
	cmark_event_type ev;
	struct buf	 h;
	cmark_node	**todo = NULL, *lit;
	size_t		 ntodo = 0, cap = 0, i;
	int		 r, rc = -1;

	w->out = 1;
	if ((it = cmark_iter_new(doc)) == NULL)
		return -1;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK ||
		    code_lang(n) == NULL)
			continue;
		if (ntodo == cap) {
			cmark_node **v;

			cap = cap ? cap * 2 : 8;
			if ((v = realloc(todo, cap * sizeof(*v))) == NULL)
				goto out;
			todo = v;
		}
		todo[ntodo++] = n;
	}
	buf_init(&h, 0);
	for (i = 0; i < ntodo; i++) {
		const char *lang = code_lang(todo[i]);
		const char *code = cmark_node_get_literal(todo[i]);

		buf_reset(&h);
		if (buf_printf(&h, "<pre><code class=\"language-%s\">", lang)
		    == -1)
			break;
		r = highlight_code(lang, code ? code : "",
		    code ? strlen(code) : 0, &h);
		if (r == -1)
			break;
		if (r == 0) {
			/* Left plain; without the highlighter, said once. */
			const char *why = o->diag != NULL ?
			    highlight_failure() : NULL;
			int line = cmark_node_get_start_line(todo[i]);

			if (why != NULL) {
				diag_warn(o->diag, o->file, (o->line ? o->line :
				    1) + (size_t)(line > 0 ? line - 1 : 0),
				    "code is left plain: %s", why);
				if (o->warned != NULL)
					*o->warned = 1;
			}
			continue;
		}
		if (BUF_LIT(&h, "</code></pre>") == -1 ||
		    (lit = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK,
		    mdmem_get())) == NULL)
			break;
		if (!cmark_node_set_on_enter(lit, h.data) ||
		    !cmark_node_set_on_exit(lit, "") ||
		    swaps_add(w, todo[i], lit) == -1) {
			cmark_node_free(lit);
			break;
		}
		if (!cmark_node_replace(todo[i], lit)) {
			w->n--;
			cmark_node_free(lit);
			break;
		}
	}
	buf_free(&h);
	if (i == ntodo)
		rc = 0;
out:
	free(todo);
	cmark_iter_free(it);
	return rc;
}

/* Put the plain code blocks back (for the feed's copy). */
static int
code_restore(struct swaps *w)
{
	size_t	 i;

	if (!w->out)
		return 0;
	for (i = 0; i < w->n; i++)
		if (!cmark_node_replace(w->lit[i], w->plain[i]))
			return -1;
	w->out = 0;
	return 0;
}

static const struct md_opts no_opts;

/*
 * What only a page's copy of a body gets, appended to out: its images
 * as imgtags.h says, then its footnotes as sidenotes too.  The feed's
 * and the letter's copies keep plain images and footnotes.
 */
static int
page_extras(const char *html, size_t len, const struct md_opts *o,
    struct buf *out)
{
	struct imgtags_opts io;
	struct buf	 mid;
	int		 rc;

	memset(&io, 0, sizeof(io));
	io.images = o->images;
	io.page = o->file;
	io.page_dir = o->page_dir;
	io.base_path = o->base_path;
	io.site = o->site;
	io.unsized = o->warned;
	buf_init(&mid, 0);
	rc = imgtags_rewrite(html, len, &io, &mid);
	if (rc == 0)
		rc = sidenotes_add(mid.data ? mid.data : "", mid.len, out);
	buf_free(&mid);
	return rc;
}

/*
 * A parser whose document and strings come from the thread's mdmem
 * (mdmem.h), which parser_free lets go: last, after the document and
 * every string rendered from it.
 */
static cmark_parser *
parser_new(int options)
{
	cmark_parser	*p;

	if ((p = cmark_parser_new_with_mem(options, mdmem_hold())) == NULL)
		mdmem_release();
	return p;
}

static void
parser_free(cmark_parser *p)
{
	cmark_parser_free(p);
	mdmem_release();
}

/*
 * Parse src with the site's extensions and give its headings ids.  The
 * caller frees *doc (when not NULL), then the headings in gone (they
 * hold text the document points into), then heads, then the returned
 * parser.
 */
static cmark_parser *
parse(const char *src, size_t len, cmark_node **doc, struct detached *gone,
    struct heads *heads)
{
	cmark_parser	*p;
	size_t		 i;

	*doc = NULL;
	memset(gone, 0, sizeof(*gone));
	memset(heads, 0, sizeof(*heads));
	if ((p = parser_new(MD_OPTIONS)) == NULL)
		return NULL;
	/* Callers check first, for the message; this keeps the memory. */
	if (!tables_ok(src, len, &i, &i))
		return p;
	for (i = 0; i < sizeof(md_extensions) / sizeof(*md_extensions); i++) {
		cmark_syntax_extension *e =
		    cmark_find_syntax_extension(md_extensions[i]);
		if (e == NULL || !cmark_parser_attach_syntax_extension(p, e))
			return p;
	}
	cmark_parser_feed(p, src, len);
	pthread_mutex_lock(&inline_lock);
	*doc = cmark_parser_finish(p);
	pthread_mutex_unlock(&inline_lock);
	if (*doc != NULL && heading_ids(*doc, p, gone, heads) == -1) {
		cmark_node_free(*doc);
		*doc = NULL;
		detached_free(gone);
		heads_free(heads);
	}
	return p;
}

int
markdown_for_mail(const char *src, size_t len, const struct md_opts *o,
    const char *base, struct buf *html_out, struct buf *text_out)
{
	cmark_parser	*p;
	cmark_node	*doc = NULL;
	struct detached	 gone;
	struct heads	 heads;
	char		*html = NULL, *text = NULL;
	int		 rc = -1, raw;

	if (o == NULL)
		o = &no_opts;
	if ((p = parse(src, len, &doc, &gone, &heads)) == NULL)
		return -1;
	if (doc == NULL || rewrite_urls(doc, 1, absolute_url, base) == -1)
		goto out;
	/* The text first: the marks are for the HTML only. */
	text = cmark_render_commonmark(doc, MD_OPTIONS, 72);
	if (text == NULL || (raw = mark_raw(doc, o)) == -1)
		goto out;
	html = cmark_render_html(doc, MD_OPTIONS,
	    cmark_parser_get_syntax_extensions(p));
	if (html == NULL || finish(html, o, raw, 1, base, html_out) == -1 ||
	    buf_puts(text_out, text) == -1)
		goto out;
	rc = 0;
out:
	mdmem_free(html);
	mdmem_free(text);
	if (doc != NULL)
		cmark_node_free(doc);
	detached_free(&gone);
	heads_free(&heads);
	parser_free(p);
	return rc;
}

/*
 * Append text to out with every run of white space one space (none
 * first or last), up to max bytes (0: all); cut short, it ends at a
 * word, with "…".  0, or -1 (out of memory).
 */
static int
put_collapsed(const char *text, size_t max, struct buf *out)
{
	size_t	 n, start = out->len, word = 0;
	int	 space = 0;

	for (n = 0; text[n] != '\0'; n++) {
		char c = text[n];

		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			space = out->len > start;
			continue;
		}
		if (space) {
			word = out->len;	/* the cut goes here */
			if (buf_putc(out, ' ') == -1)
				return -1;
		}
		if (max && out->len - start >= max) {
			/*
			 * At the last space; one word alone, where a
			 * character starts (c may be inside one).
			 */
			if (word == 0) {
				word = out->len;
				if (((unsigned char)c & 0xc0) == 0x80) {
					while (word > start && ((unsigned char)
					    out->data[word - 1] & 0xc0) == 0x80)
						word--;
					if (word > start)
						word--;
				}
			}
			buf_truncate(out, word);
			return BUF_LIT(out, "…");
		}
		if (buf_putc(out, c) == -1)
			return -1;
		space = 0;
	}
	return 0;
}

/*
 * The words of paragraph par as a reader sees them: its text and code,
 * a space for each line break, nothing for a footnote's mark, raw HTML
 * or an image.  0, or -1 (out of memory).
 */
static int
words_of(cmark_node *par, struct buf *out)
{
	cmark_iter	*it;
	cmark_event_type ev;
	cmark_node	*n;
	const char	*lit;
	int		 rc = 0, in_image = 0;

	if ((it = cmark_iter_new(par)) == NULL)
		return -1;
	while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_IMAGE:
			in_image += ev == CMARK_EVENT_ENTER ? 1 : -1;
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if (!in_image && (lit = cmark_node_get_literal(n)) !=
			    NULL)
				rc = buf_puts(out, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			rc = buf_putc(out, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	return rc;
}

/* The first paragraph of words of doc, as text, to out (see md_opts). */
static int
lede(cmark_node *doc, struct buf *out)
{
	cmark_node	*n;
	struct buf	 text;
	int		 rc = 0;

	buf_init(&text, 0);
	for (n = cmark_node_first_child(doc); n != NULL && rc == 0 &&
	    out->len == 0; n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
			continue;
		buf_reset(&text);
		if ((rc = words_of(n, &text)) == 0 && text.len > 0)
			rc = put_collapsed(text.data, MARKDOWN_LEDE_MAX, out);
	}
	buf_free(&text);
	return rc;
}

int
markdown_to_html(const char *src, size_t len, const struct md_opts *o,
    struct buf *out, const char *base, struct buf *abs_out)
{
	cmark_parser	*p;
	cmark_node	*doc = NULL;
	struct detached	 gone;
	struct heads	 heads;
	struct swaps	 swaps;
	struct buf	 page;
	char		*html = NULL;
	int		 rc = -1, raw;

	if (o == NULL)
		o = &no_opts;
	buf_init(&page, 0);
	memset(&swaps, 0, sizeof(swaps));
	if ((p = parse(src, len, &doc, &gone, &heads)) == NULL)
		return -1;
	if (doc == NULL || (raw = mark_raw(doc, o)) == -1)
		goto out;
	if (o->portable && rewrite_urls(doc, 0, portable_url, NULL) == -1)
		goto out;
	if ((o->anchors && heads_anchor(&heads, 1) == -1) ||
	    code_highlight(doc, &swaps, o) == -1)
		goto out;
	if (o->headings != NULL && heads_export(&heads, o->headings) == -1)
		goto out;
	if (o->lede != NULL && lede(doc, o->lede) == -1)
		goto out;
	html = cmark_render_html(doc, MD_OPTIONS,
	    cmark_parser_get_syntax_extensions(p));
	if (html == NULL || finish(html, o, raw, 1, NULL, &page) == -1 ||
	    page_extras(page.data ? page.data : "", page.len, o, out) == -1)
		goto out;
	if (abs_out != NULL) {
		mdmem_free(html);
		html = NULL;
		if ((o->anchors && heads_anchor(&heads, 0) == -1) ||
		    code_restore(&swaps) == -1 ||
		    rewrite_urls(doc, 1, absolute_url, base) == -1)
			goto out;
		/* The same body again: its warnings were given. */
		html = cmark_render_html(doc, MD_OPTIONS,
		    cmark_parser_get_syntax_extensions(p));
		if (html == NULL || finish(html, o, raw, 0, base, abs_out) ==
		    -1)
			goto out;
	}
	rc = 0;
out:
	mdmem_free(html);
	buf_free(&page);
	if (doc != NULL)
		cmark_node_free(doc);
	swaps_free(&swaps);
	detached_free(&gone);
	heads_free(&heads);
	parser_free(p);
	return rc;
}

int
markdown_clean_html(const char *html, size_t len, const struct md_opts *o,
    const char *base, struct buf *out)
{
	struct buf	 page;
	int		 rc;

	if (o == NULL)
		o = &no_opts;
	if (base != NULL)
		return rawhtml_clean(html, len, o, base, 0, out);
	buf_init(&page, 0);
	rc = rawhtml_clean(html, len, o, NULL, 1, &page);
	if (rc == 0)
		rc = page_extras(page.data ? page.data : "", page.len, o, out);
	buf_free(&page);
	return rc;
}

int
markdown_plain(const char *src, size_t len, struct buf *out)
{
	cmark_parser	*p;
	cmark_node	*doc;
	char		*text;
	int		 rc = -1;

	if ((p = parser_new(CMARK_OPT_DEFAULT)) == NULL)
		return -1;
	cmark_parser_feed(p, src, len);
	pthread_mutex_lock(&inline_lock);
	doc = cmark_parser_finish(p);
	pthread_mutex_unlock(&inline_lock);
	if (doc == NULL)
		goto out;
	/* Plain text, every run of white space one space. */
	if ((text = cmark_render_plaintext(doc, CMARK_OPT_DEFAULT, 0)) ==
	    NULL)
		goto out;
	rc = put_collapsed(text, 0, out);
	mdmem_free(text);
out:
	if (doc != NULL)
		cmark_node_free(doc);
	parser_free(p);
	return rc;
}
