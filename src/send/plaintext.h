#ifndef STET_SEND_PLAINTEXT_H
#define STET_SEND_PLAINTEXT_H

#include <stddef.h>

#include "../support/buf.h"

/*
 * The text part of a post's message, made from its HTML part (the same
 * cleaned HTML, links already absolute), so the two say the same thing:
 *
 *  - paragraphs wrapped at PLAINTEXT_WIDTH columns, never inside a URL;
 *  - a link as its text then <URL> (or <URL> alone when its text is
 *    the URL), the URL exactly as the HTML has it (RFC 3986, appendix
 *    C: angle brackets delimit a URL in text, so one holding
 *    parentheses or followed by punctuation stays whole);
 *  - a footnote reference as [N], and the notes at the end as
 *    "[N] text", with their links;
 *  - lists with "-" or "N.", quotes with "> ", code indented and left
 *    as it is, headings underlined;
 *  - tables with their columns padded to line up, each cell aligned as
 *    the HTML says (align-left, -center, -right), under a Markdown-like
 *    rule that shows the alignment (":--", ":-:", "--:");
 *  - an image as [image: ALT <URL>].
 *
 * Appends the text of html (n bytes: a fragment or a document; only its
 * body counts) to out.  0, or -1 when out of memory.
 */
#define PLAINTEXT_WIDTH	72

int	plaintext_from_html(const char *html, size_t n, struct buf *out);

#endif
