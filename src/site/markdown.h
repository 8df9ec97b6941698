#ifndef STET_MARKDOWN_H
#define STET_MARKDOWN_H

#include <stddef.h>

#include "../support/buf.h"

/*
 * Markdown to HTML: the only header that knows cmark-gfm exists.
 * CommonMark plus GFM tables, strikethrough, autolinks, footnotes and the
 * tag filter (raw <script>, <style>, <iframe>... come out as text).
 * Headings get ids from their text, unique within the document (and
 * apart from the ids of footnotes and of the raw HTML); table
 * alignment comes out as classes (align-left, align-center, align-right)
 * since align= is obsolete and style= would break the site's CSP.
 */

/*
 * Bounds on tables, which cost cmark-gfm (0.29.0.gfm.6) more than their
 * size.  It builds a node of some 300 bytes, with its text, for every
 * cell, and pads each row out to the header's width: a header of 500
 * columns over 5,000 one-word lines is 12 KB of Markdown, 2.5 million
 * cells and 730 MB.  And it appends each cell of a row to a list by
 * walking the list, so a row of 40,000 cells took 7 s, whether or not
 * the table kept them.  A post's tables may hold 100,000 cells in all
 * (30 MB or so), a row 1,000: more than any table a reader can use.
 */
#define MARKDOWN_TABLE_CELLS	100000
#define MARKDOWN_ROW_CELLS	1000

/*
 * 0 when src is within the bounds above, else -1 with *line (1-based,
 * in src) and why (whysz bytes) saying what passes them.  The functions
 * below refuse such a src as they refuse memory: check first.
 */
int	markdown_check(const char *src, size_t len, size_t *line, char *why,
	    size_t whysz);

/* Before any thread calls markdown_to_html (later calls do nothing). */
void	markdown_init(void);

/*
 * Append src's HTML to out; 0, or -1 when out of memory.  Thread-safe.
 * When abs_out is not NULL, also append to it the same HTML with every
 * relative link and image URL made absolute against base (for feeds and
 * mail, which are read away from the site).
 */
int	markdown_to_html(const char *src, size_t len, struct buf *out,
	    const char *base, struct buf *abs_out);

/*
 * The same, for a --portable build: relative links to a folder ("x/")
 * get "index.html" added, so they work opened from disk.
 */
int	markdown_to_html_portable(const char *src, size_t len,
	    struct buf *out, const char *base, struct buf *abs_out);

/*
 * For a message by mail: append src's HTML to html_out and its text, as
 * CommonMark wrapped at 72 columns, to text_out, with every relative
 * URL in both made absolute against base.  0, or -1 (out of memory).
 */
int	markdown_for_mail(const char *src, size_t len, const char *base,
	    struct buf *html_out, struct buf *text_out);

/*
 * Append the text a reader sees in src, without markup, white space
 * folded to single spaces: a summary made from a post's opening.  0 or
 * -1 (out of memory).
 */
int	markdown_plain(const char *src, size_t len, struct buf *out);

/* Append the id a heading with this text gets (also used by templates). */
int	markdown_slug(struct buf *out, const char *text, size_t len);

#endif
