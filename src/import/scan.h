#ifndef STET_IMPORT_SCAN_H
#define STET_IMPORT_SCAN_H

/*
 * What the body converters share (convert.c drives; liquid.c reads
 * Liquid and kramdown, shortcode.c Hugo's shortcodes), and nothing
 * else includes.  Each converter starts at sc->i on its opening brace,
 * appends what it makes to sc->out, moves sc->i past what it read and
 * returns 0, or -1 out of memory.
 */

#include <stddef.h>

#include "../support/buf.h"
#include "convert.h"

/* Template code longer than this is not one tag: '{%' is left as text. */
#define TAG_MAX		4096
/* A {% highlight %} or {{< highlight >}} block at most. */
#define BLOCK_MAX	(1024 * 1024)
#define ARGS_MAX	16

struct scan {
	const struct conv *c;
	const char	*s;
	size_t		 n, i;
	size_t		 lpos, lline;	/* line count up to lpos */
	struct buf	*out;
	int		 raw;		/* inside {% raw %} */
};

/* One argument of a tag: key=value or a value alone (key NULL). */
struct arg {
	const char	*key, *val;
	size_t		 klen, vlen;
};

int	 scan_put(struct buf *, const char *, size_t);
/* The old file's line of pos. */
size_t	 scan_line(struct scan *, size_t pos);
/* what in s[from..] within limit bytes (0: no limit), or NULL. */
const char *scan_find(const char *s, size_t n, size_t from,
	    const char *what, size_t limit);
/*
 * s (n bytes) shown as code where the output stands: a code span in
 * Markdown, <code> in a block of raw HTML, as written inside a tag.
 */
int	 scan_code_out(struct scan *, const char *s, size_t n);
/* Keep the tag at [a, e) as inline code, and note it with why. */
int	 scan_keep(struct scan *, size_t a, size_t e, const char *why);
/* Parse "k=v k2='v' pos" into at most max args; how many. */
size_t	 scan_args(const char *s, size_t n, struct arg *, size_t max);
const struct arg *scan_arg(const struct arg *, size_t, const char *k);
const struct arg *scan_pos(const struct arg *, size_t, size_t k);
/* Copy code without Liquid's raw markers. */
int	 scan_code(struct scan *, const char *s, size_t n);
/* A fenced code block of body in language lang. */
int	 scan_fence(struct scan *, const char *lang, size_t llen,
	    const char *body, size_t n);
/* ![alt](src), linked when link is set, then the caption. */
int	 scan_figure(struct scan *, const struct arg *src,
	    const struct arg *alt, const struct arg *cap,
	    const struct arg *link);
/* [text or label](url). */
int	 scan_link(struct scan *, const char *url, const char *text,
	    size_t tlen, const char *label);

/* liquid.c */
int	 conv_liquid_tag(struct scan *);	/* {% ... %} */
int	 conv_liquid_out(struct scan *);	/* {{ ... }} (Jekyll) */
int	 conv_kramdown(struct scan *);		/* {: ...}, {::x} */
int	 conv_raw_end(const struct scan *);	/* at {% endraw %}? */
int	 conv_raw_literal(struct scan *);	/* a tag inside raw */

/* shortcode.c */
int	 conv_shortcode(struct scan *);		/* {{< >}}, {{% %}} */

#endif
