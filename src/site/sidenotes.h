#ifndef STET_SIDENOTES_H
#define STET_SIDENOTES_H

#include <stddef.h>

#include "../support/buf.h"

/*
 * Footnotes as sidenotes, for a page (feeds and mail keep the plain
 * footnotes).  After the first reference to each footnote in html
 * (cmark-gfm's <sup class="footnote-ref">), a copy of the note is put
 * in a <span class="sidenote" aria-hidden="true">: the stylesheet shows
 * it beside the text on wide screens and hides it elsewhere and in
 * print, where the footnotes at the end are read as before.  Screen
 * readers skip the copy (its links are out of the tab order too) and
 * read the footnotes.  A note that is more than one run of text
 * (a list, code, a table) gets no copy; when every note has one, the
 * footnotes' <section> gets the attribute data-sidenoted, which the
 * stylesheet hides from the eye (not from screen readers) on wide
 * screens.
 *
 * Append html, so changed, to out.  0, or -1 (out of memory).
 */
int	sidenotes_add(const char *html, size_t len, struct buf *out);

#endif
