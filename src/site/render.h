#ifndef STET_RENDER_H
#define STET_RENDER_H

#include "../support/buf.h"
#include "../support/err.h"
#include "digests.h"
#include "frontmatter.h"
#include "model.h"
#include "template.h"
#include "outlist.h"
#include "write.h"

struct render_opts {
	int	 portable;	/* internal links end in index.html */
	int	 form;		/* make RENDER_FORM_FILE for stet serve */
	/*
	 * One per post, or NULL: set when rendering the post's body gave
	 * a warning (its raw HTML lost something), so that the cache can
	 * have the next build render it again and repeat the warning.
	 */
	unsigned char *warned;
	/*
	 * The last build's digests (digests.h, sorted), or NULL: then every
	 * output the plan names is rendered.  With them, an output whose
	 * digest is unchanged is skipped.  made (when not NULL) gets the
	 * digest of every output the plan names, rendered or skipped.
	 */
	const struct digests *prev;
	struct digests	*made;
	/*
	 * Post pages' digests kept by post (its index in site->posts)
	 * instead, when made_post is not NULL: a post's record in the
	 * cache holds its page's digest, so no path is built or looked up
	 * for the most numerous pages.  prev_post[i]: the last build's (0:
	 * none; the array NULL: render every post), made_post[i] gets this
	 * build's.
	 */
	const uint64_t	*prev_post;
	uint64_t	*made_post;
};

/*
 * Where rendering gets the body of a post or page.  The model keeps none
 * (10,000 posts of 6 KB would hold 60 MB through the whole build), so
 * the renderer asks for each as it renders it: read(arg, file, scratch,
 * fs, err) fills fs with file's front matter and body, pointing into
 * scratch (the caller's buffer; read may reset it).  A build reads the
 * file again; a test hands bytes from memory.  Called from every
 * rendering thread at once.  0, or -1 with err.
 */
struct render_source {
	int		(*read)(const void *arg, const char *file,
			    struct buf *scratch, struct front_split *fs,
			    struct err *err);
	const void	*arg;
};

/*
 * The page stet serve answers the subscription forms with: the "form"
 * template with these two slots where the server puts each answer's
 * title (HTML-escaped, wherever the title appears) and content.
 */
#define RENDER_FORM_FILE	".stet/form.html"
#define RENDER_FORM_TITLE	"STET-FORM-TITLE"
#define RENDER_FORM_CONTENT	"<!--STET-FORM-CONTENT-->"

/*
 * What to render.  A cold build renders everything; a rebuild only what
 * its changes reach (see build.c).  post[i] is PLAN_SKIP, PLAN_CHANGED or
 * PLAN_NEW (a page the last build did not have: written first).
 */
enum { PLAN_SKIP = 0, PLAN_CHANGED = 1, PLAN_NEW = 2 };

struct plan {
	unsigned char	*post;		/* one per post */
	int		 lists;		/* home, writing/ and its years,
					   topics/, sitemap */
	unsigned char	*feeds;		/* [0] the site's, [1 + t] topic t's */
	int		 fixed;		/* pages, 404.html, robots.txt */
};

/*
 * Render the pages the plan names through templates and hand each file
 * to the writer (which may keep them in memory): the posts on all cores,
 * then the lists and feeds.  Pure: no I/O but through src and the
 * writer, and the same inputs give the same bytes.  With opts->form, the
 * form page is appended to form (the caller's) rather than handed to the
 * writer: it goes to RENDER_FORM_FILE, outside public/.
 */
int	render_pages(const struct site *, const struct tset *,
	    const struct render_source *, struct writer *,
	    const struct render_opts *, const struct plan *, struct buf *form,
	    struct err *);

/*
 * What a build calls (render_site.c): render_pages with each body read
 * again from its file, and the form page written to RENDER_FORM_FILE
 * when opts->form and the plan renders the fixed pages or the file is
 * missing.
 */
int	render_site(const struct site *, const struct tset *,
	    struct writer *, const struct render_opts *, const struct plan *,
	    struct err *);

#endif
