#ifndef STET_MARKDOWN_H
#define STET_MARKDOWN_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/diag.h"

struct images;

/*
 * Markdown to HTML: the only header that knows cmark-gfm exists.
 * CommonMark plus GFM tables, strikethrough, autolinks and footnotes.
 * Headings get ids from their text, unique within the document (and
 * apart from the ids of footnotes and of the raw HTML); table
 * alignment comes out as classes (align-left, align-center, align-right)
 * since align= is obsolete and style= would break the site's CSP.
 *
 * Raw HTML in a body is kept, but made to keep the site's promises (one
 * stylesheet, no script, no inline style, no request to another host,
 * valid HTML): a body holding any is parsed whole as one HTML5 fragment
 * and written back, with what breaks a promise replaced or dropped and
 * each change a warning naming its line.  Markdown images from other
 * hosts and links with a scheme stet does not link to go the same way.
 * A body without any of these skips that pass: its HTML is cmark-gfm's.
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

/*
 * A heading of a body, for a table of contents: its level (2 or 3: the
 * page's title is the <h1>), its id and its text as a reader sees it.
 */
struct md_heading {
	int	 level;
	char	*id;		/* owned */
	char	*text;		/* owned */
};

struct md_headings {
	struct md_heading *v;
	size_t		   n, cap;
};

/* Free what h holds; h is empty (and reusable) afterwards. */
void	md_headings_free(struct md_headings *h);

/*
 * What rendering a body needs besides the body.  All but site may be
 * left zero: no warnings, remote images made links, folder links as
 * written.
 */
struct md_opts {
	struct diag	*diag;		/* warnings go here; NULL: nowhere */
	const char	*file;		/* "posts/x.md", for warnings */
	size_t		 line;		/* the line of file the body starts on */
	const char	*site;		/* the site's address: its own host */
	int		 allow_remote_images;	/* images: { remote: allow } */
	int		*warned;	/* set to 1 on a warning; may be NULL */
	/*
	 * For a --portable build: relative links to a folder ("x/") get
	 * "index.html" added, so they work opened from disk.
	 */
	int		 portable;
	/*
	 * When not NULL, markdown_to_html appends the body's h2 and h3
	 * headings here (for the post's table of contents).
	 */
	struct md_headings *headings;
	/*
	 * markdown_to_html's out (never abs_out): each heading ends in a
	 * link to itself, <a class="anchor" href="#id"
	 * aria-label="Section: text">#</a>.
	 */
	int		 anchors;
	/*
	 * The page's own copy of a body (not a feed's or a letter's) gets
	 * its images sized, given smaller copies and made figures
	 * (imgtags.h), and its footnotes shown as sidenotes too
	 * (sidenotes.h).  images may be NULL (sizes unknown); without
	 * page_dir the images stay as written.
	 */
	struct images	*images;
	const char	*page_dir;	/* "writing/<slug>/" in the output */
	const char	*base_path;	/* the site's path, "/" or "/blog/" */
	/*
	 * When not NULL, markdown_to_html appends here the text of the
	 * body's first paragraph of words (not an image alone) as a reader
	 * sees it, every run of white space one space, cut at a word before
	 * MARKDOWN_LEDE_MAX bytes with "…": a page's description when its
	 * front matter gives none.
	 */
	struct buf	*lede;
};

#define MARKDOWN_LEDE_MAX	160

/* Before any thread calls markdown_to_html (later calls do nothing). */
void	markdown_init(void);

/*
 * Append src's HTML to out; 0, or -1 when out of memory.  Thread-safe.
 * o may be NULL (all zero).  When abs_out is not NULL, also append to it
 * the same HTML with every relative link and image URL made absolute
 * against base (for feeds and mail, which are read away from the site);
 * warnings are given once, for out.
 *
 * In out, fenced code whose info string names a language highlight.h
 * knows is highlighted, and with o->anchors each heading ends in a link
 * to itself.  abs_out has neither: feed readers drop classes, and a "#" after each
 * heading is clutter away from the page.  markdown_for_mail's HTML has
 * neither either: mail clients drop stylesheets, and colours written
 * inline would fight the dark modes that rewrite a message's colours.
 */
int	markdown_to_html(const char *src, size_t len, const struct md_opts *o,
	    struct buf *out, const char *base, struct buf *abs_out);

/*
 * Append a body written in HTML (a .html post or page) to out, cleaned
 * as raw HTML in Markdown is, its lines counted from o->line.  With base
 * not NULL, relative URLs are made absolute against it, and there are no
 * warnings: that is the second copy of a body.  0, or -1 (out of memory).
 */
int	markdown_clean_html(const char *html, size_t len,
	    const struct md_opts *o, const char *base, struct buf *out);

/*
 * For a message by mail: append src's HTML to html_out and its text, as
 * CommonMark wrapped at 72 columns, to text_out, with every relative
 * URL in both made absolute against base.  The HTML is cleaned as a
 * page's is.  0, or -1 (out of memory).
 */
int	markdown_for_mail(const char *src, size_t len, const struct md_opts *o,
	    const char *base, struct buf *html_out, struct buf *text_out);

/*
 * Append the text a reader sees in src, without markup, white space
 * folded to single spaces: a summary made from a post's opening.  0 or
 * -1 (out of memory).
 */
int	markdown_plain(const char *src, size_t len, struct buf *out);

/* Append the id a heading with this text gets (also used by templates). */
int	markdown_slug(struct buf *out, const char *text, size_t len);

#endif
