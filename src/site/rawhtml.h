#ifndef STET_RAWHTML_H
#define STET_RAWHTML_H

#include <stddef.h>

#include "../support/buf.h"
#include "markdown.h"

/*
 * Authors' raw HTML made to keep the site's promises; the only header
 * that knows gumbo exists, and read only by markdown.c, whose header
 * says what the pass does.
 */

/* Where a URL points, as a browser would read it. */
enum rawhtml_url {
	RAWHTML_LOCAL,		/* relative, or on the site's own host */
	RAWHTML_REMOTE,		/* http(s) on another host */
	RAWHTML_MAILTO,		/* a link only, never something to load */
	RAWHTML_BAD		/* javascript:, data: and every other scheme */
};

/*
 * True when raw HTML s is one comment and nothing else but white space
 * ("<!--more-->"): it needs no parsing to know that it goes.
 */
int	rawhtml_only_comment(const char *s);

/* url's kind; site is the site's address (NULL: every host is another). */
enum rawhtml_url rawhtml_url_kind(const char *url, const char *site);

/*
 * Append a mark saying that the HTML after it starts on line of the
 * source.  Marks are taken out before parsing: they never reach a page.
 */
int	rawhtml_mark(struct buf *out, size_t line);

/*
 * Append html, cleaned, to out: parsed as one HTML5 fragment (in a
 * <div>) and written back whole.  With warn set, each change is a
 * warning to o->diag naming its line: html's first line is o->line, and
 * after a mark the mark's line.  With base not NULL, relative URLs are
 * made absolute against it.  0, or -1 when out of memory.
 */
int	rawhtml_clean(const char *html, size_t len, const struct md_opts *o,
	    const char *base, int warn, struct buf *out);

#endif
