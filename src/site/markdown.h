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
