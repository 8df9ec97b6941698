#ifndef STET_HIGHLIGHT_H
#define STET_HIGHLIGHT_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * Code highlighted at build time, with KDE's KSyntaxHighlighting.  The
 * output is the inside of a <code>: the code's text, HTML-escaped by
 * esc_html, with runs of it in <span class="X">, X one of
 *
 *	k keyword	t type		s string	c comment
 *	n number	f function	m meta (preprocessor, diff hunks)
 *	v variable, attribute, property		a added	d deleted
 *
 * Spans never cross a line.  The library, and the Qt it is built on,
 * are not linked into stet: highlight.cc is built into stet-highlight.so,
 * which highlight_load.c loads the first time code in a known language
 * is highlighted, from the first of: the binary's folder, the folder
 * above it (./stet, build/VARIANT/stet and the tests, in the source
 * tree), ../lib/stet from the binary's, and LIBDIR/stet (make
 * install's).  The language definitions
 * are the library's own (compiled into it), or the user's where the
 * library takes those instead (a *.xml of a higher version in
 * ~/.local/share/org.kde.syntax-highlighting/syntax and the like).
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
 * Append code (len bytes, any bytes) highlighted as lang (a name
 * highlight_lang gave) to out.  1 when appended; 0 when it was left
 * alone (the plugin cannot be loaded, or the code is past the bounds
 * below): out is as it was, and the caller writes the code plain; -1 out
 * of memory.  Thread-safe.
 */
int	highlight_code(const char *lang, const char *code, size_t len,
	    struct buf *out);

/*
 * Keep highlighted code between builds, in dirfd's .stet/code
 * (highlight_cache.c): until highlight_cache_close, highlight_code
 * looks there before it highlights, and records what it highlights.
 * Code found there needs no highlighter: a rebuild that renders pages
 * again for their neighbours' sake does not load it.  The file is read
 * when code is first highlighted.
 */
void	highlight_cache_open(int dirfd);

/*
 * Write what this build highlighted to .stet/code, beside what the file
 * held; with used_only (a build that rendered every page), only the
 * blocks this build met, so the file forgets code that is gone.  Does
 * nothing when there is nothing to add or forget.  0, or -1 with err.
 */
int	highlight_cache_save(int used_only, struct err *);

/* Forget the cache's contents (opening again also does). */
void	highlight_cache_close(void);

/*
 * Why code is left plain when highlight_code returns 0 for want of the
 * plugin ("no stet-highlight.so ..."), the first time it is asked in the
 * process, so a build warns once; NULL after that, when the plugin is
 * loaded, and when no code has been handed to it yet (code past the
 * bounds below is left plain without asking it, and without Qt).
 */
const char *highlight_failure(void);

/*
 * Append to out what the output of highlight_code depends on besides
 * its arguments and this binary, so a cache of rendered pages can tell
 * when it changed: the plugin's and the library's files (size, time;
 * the library holds its definitions), and every definition file of the
 * user's the library would read.  Does not load the plugin.  0, or -1
 * out of memory.
 */
int	highlight_fingerprint(struct buf *out);

/*
 * Past these the code stays plain: a highlighter tries the rules of a
 * context at each position, and some definitions' regexes look far
 * ahead, so a long line costs more than its length.  Real code has short
 * lines; a long one is data, and reads as well plain.
 */
#define HIGHLIGHT_MAX_LINE	2000
#define HIGHLIGHT_MAX_BYTES	(512 * 1024)

#endif
