#ifndef STET_TEXT_H
#define STET_TEXT_H

#include <stddef.h>

#include "buf.h"

/*
 * Checks and transforms of text from files: UTF-8 validity and slugs.
 */

/*
 * 0 when s is valid UTF-8 without NUL bytes; else -1 and *line is the
 * 1-based line of the first bad byte and *why says what is wrong.
 */
/*
 * Take out of s (n bytes) the control characters that HTML or XML do
 * not allow (C0 but tab, LF and CR; form feed; DEL), which old posts
 * pasted from elsewhere hold.  The new length; *line gets the 1-based
 * line of the first one taken out, or 0 when there was none.
 */
size_t	text_strip_controls(char *s, size_t n, size_t *line);

/*
 * A tag as it is compared: without surrounding white space, trailing
 * ',' ';' ':' and quotes around it ("strace," is "strace").  Sets *n and
 * returns where the tag starts in s.
 */
const char *text_tag_trim(const char *s, size_t *n);

/*
 * Append the path segment of a tag (already trimmed): its slug, where
 * '#' reads "sharp", '+' reads "plus" and a leading '.' reads "dot", so
 * that C, C#, C++, .NET and NET are five topics: c, c-sharp,
 * c-plus-plus, dotnet and net.  Nothing appended when no letter or
 * digit is left.  0 or -1.
 */
int	text_tag_slug(struct buf *, const char *s, size_t n);

int	text_check_utf8(const char *s, size_t n, size_t *line,
	    const char **why);

/*
 * Append s's slug: letters lowercased (ASCII, Latin, Greek, Cyrillic) and
 * digits kept, other non-ASCII characters kept whole, every other run of
 * ASCII one '-', none at either end.  Appends nothing when s has no
 * letter or digit.  s must be valid UTF-8.
 */
int	text_slug(struct buf *, const char *s, size_t n);

/* Append s lowercased as text_slug does it. */
int	text_lower(struct buf *, const char *s, size_t n);

/* Count words (runs of non-space) for reading time. */
size_t	text_words(const char *s, size_t n);

#endif
