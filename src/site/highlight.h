#ifndef STET_HIGHLIGHT_H
#define STET_HIGHLIGHT_H

#include <stddef.h>

/* Read by highlight.cc too: these C headers are C there as well. */
#ifdef __cplusplus
extern "C" {
#endif

#include "../support/buf.h"

/*
 * Code highlighted at build time, with GNU source-highlight's library
 * (highlight.cc is the only file that knows it).  The output is the
 * inside of a <code>: the code's text, HTML-escaped by esc_html, with
 * runs of it in <span class="X">, X one of
 *
 *	k keyword	t type		s string	c comment
 *	n number	f function	m meta (preprocessor, diff hunks)
 *	v variable, attribute, property		a added	d deleted
 *
 * Spans never cross a line.  The language definitions are
 * source-highlight's own (/usr/share/source-highlight) and, for the
 * languages it lacks or reads too little of (diff), stet's (the .lang
 * files in share/lang/ of the source tree,
 * installed into $(PREFIX)/share/stet/lang), found at run time in the
 * first of: $STET_DATADIR/lang, STET_DATADIR (compiled in)/lang, and
 * share/lang or share/stet/lang beside the binary or up to three folders
 * above it (the source tree's, for ./stet, build/VARIANT/stet and the
 * tests; PREFIX/share/stet/lang for PREFIX/bin/stet).
 */

/* Before any thread highlights (later calls do nothing). */
void	highlight_init(void);

/*
 * The language a fence's info string names ("js", "TypeScript", "sh"),
 * as the one name stet gives it ("javascript", "typescript", "shell"),
 * or NULL when stet does not highlight it.  lang is n bytes, not
 * NUL-terminated.
 */
const char *highlight_lang(const char *lang, size_t n);

/*
 * Append code (len bytes) highlighted as lang (a name highlight_lang
 * gave) to out.  1 when appended; 0 when it was left alone (the
 * language's definitions cannot be read, or the code is past the bounds
 * below): out is as it was, and the caller writes the code plain; -1 out
 * of memory.  Thread-safe.
 */
int	highlight_code(const char *lang, const char *code, size_t len,
	    struct buf *out);

/*
 * Append to out what the output of highlight_code depends on besides
 * its arguments and this binary: the folders of the definitions, and
 * the size and modification time of each definition file stet uses, so
 * a cache of rendered pages can tell when they changed (a new
 * source-highlight, an edited share/lang/).  0, or -1 out of memory.
 */
int	highlight_fingerprint(struct buf *out);

/*
 * Past these the code stays plain: source-highlight tries every rule of
 * a state from each token onward, so a line costs up to its length
 * times its tokens; a 100 KB line took seconds.  Real code has short
 * lines; a long one is data, and reads as well plain.
 */
#define HIGHLIGHT_MAX_LINE	2000
#define HIGHLIGHT_MAX_BYTES	(512 * 1024)

#ifdef __cplusplus
}
#endif

#endif
