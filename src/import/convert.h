#ifndef STET_IMPORT_CONVERT_H
#define STET_IMPORT_CONVERT_H

#include <stddef.h>

#include "../support/buf.h"
#include "notes.h"
#include "oldsite.h"

/*
 * A post's body, from what Jekyll (Liquid, kramdown) or Hugo
 * (shortcodes) read to plain Markdown that stet reads.  Template code
 * whose meaning is clear is converted; anything else is kept, whole, as
 * inline code and noted.  Code blocks and code spans are left as they
 * are, but for Jekyll's {% raw %} markers, which only Liquid reads.
 */

/* What a reference names, for the resolver. */
enum conv_ref {
	REF_POST_URL,	/* Jekyll's post_url: "2010-07-21-name" */
	REF_LINK,	/* Jekyll's link: "_posts/x.md", "about.md" */
	REF_HUGO,	/* Hugo's ref/relref: "posts/x.md", "x" */
	REF_URL		/* a link's target, maybe an old URL */
};

struct conv {
	enum old_kind	 kind;
	const char	*file;		/* the old file, for notes */
	size_t		 line;		/* of the body's first line */
	const char	*newfile;	/* the new file, for notes of pass 2 */
	size_t		 newline;	/* of its body's first line */
	struct notes	*notes;
	/*
	 * Append to out the stet link for ref (n bytes, as written; for
	 * REF_URL with any #fragment kept) and return 1; or 0 when it
	 * names nothing stet knows (out untouched).  -1 out of memory.
	 */
	int		(*resolve)(void *, enum conv_ref, const char *ref,
			    size_t n, struct buf *out);
	/*
	 * An image on another host, url (n bytes): append what the post
	 * should show instead and return 1, or 0 to keep it.  May be NULL.
	 */
	int		(*remote)(void *, const char *url, size_t n,
			    struct buf *out);
	void		*ctx;
};

/* Convert body (len bytes) into out.  0, or -1 out of memory. */
int	convert_body(const struct conv *, const char *body, size_t len,
	    struct buf *out);

/*
 * The second pass, over convert_body's output: each link's target that
 * resolve knows (REF_URL) becomes stet's, and each image on another host
 * goes to remote (or, when that keeps it, is noted).  Code is left as
 * it is.  0, or -1 out of memory.
 */
int	convert_links(const struct conv *, const char *md, size_t len,
	    struct buf *out);

/* Append s (n bytes) as one inline code span, lines joined.  0 or -1. */
int	convert_code_span(struct buf *, const char *s, size_t n);

#endif
