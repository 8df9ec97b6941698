#ifndef STET_RENDER_JOB_H
#define STET_RENDER_JOB_H

/*
 * What the files of the renderer (render.c: pages; render_feeds.c:
 * feeds) share, and nothing else includes.
 */

#include <stdatomic.h>
#include <stdint.h>

#include "../support/buf.h"
#include "../support/err.h"
#include "model.h"
#include "render.h"
#include "years.h"

struct md_headings;

/* A post's date as every list shows it. */
struct post_dates {
	char	 human[32];	/* "6 December 2026" */
	char	 machine[40];	/* RFC 3339 */
};

/* One thread's scratch for finding a post's related posts. */
struct related {
	size_t		*stamp;		/* per post: 1 + the post counted for */
	uint32_t	*count;		/* per post: topics shared with it */
	size_t		*cand;		/* the posts counted */
};

/*
 * Values shown alike by every page at one depth ("./", "../", "../../")
 * have their digests kept in job->shared, per depth: each post's list
 * item, each topic's link, then the site, the nav and the site's feeds.
 */
#define SHARED_DEPTHS	3
#define SHARED_STRIDE(s)	((s)->nposts + (s)->ntopics + 3)

/* One render_pages call: its inputs and what its jobs leave for the feeds. */
struct job {
	const struct site	*site;
	const struct tset	*tpl;
	const struct render_source *src;
	struct buf		*form;		/* the form page goes here */
	struct writer		*w;
	const struct render_opts *opts;
	const struct plan	*plan;
	int			 phase;		/* PLAN_NEW, then PLAN_CHANGED */
	unsigned char		*need_body;	/* per post: a feed wants it */
	unsigned char		*feeds;		/* as plan->feeds, less the
						   unchanged */
	struct post_dates	*dates;		/* one per post, or NULL */
	char			**post_urls;	/* each post's out_url */
	char			**post_files;	/* and its out_file */
	struct related		*related;	/* POOL_MAX: one per thread */
	_Atomic uint64_t	*shared;	/* see SHARED_DEPTHS */
	char			**feed_html;	/* per post: its feed body */
	size_t			 njobs;		/* the lists', then the posts' */
	/*
	 * Each topic's posts, newest first: topic t's are the indexes
	 * topic_posts[topic_start[t]] up to topic_start[t + 1].  Built once,
	 * so a topic's page and feeds need not look through every post.
	 */
	size_t			*topic_start;
	size_t			*topic_posts;
	struct years		 years;
};

/*
 * The posts of a feed: the newest entries of the site (topic SIZE_MAX)
 * or of one topic.  Writes at most max indexes into out (which holds
 * site->nposts), returns how many.
 */
size_t	render_feed_posts(const struct job *, size_t topic, size_t *out);

/*
 * Append file's body (from job->src) as HTML to html, its page being in
 * dir of the output ("writing/x/", URL-escaped; NULL: a copy no page
 * shows, whose images stay as written), and when abs is not NULL the same with URLs made absolute against base; *words (when not
 * NULL) gets its word count.  What its raw HTML had to lose is a warning
 * to diag (NULL: none, for a body rendered twice).  0, 1 when there were
 * warnings, or -1 with err.
 */
int	body_html(const struct job *, const char *file, const char *dir,
	    int is_html, const char *base, struct buf *html, struct buf *abs,
	    size_t *words, struct diag *, struct err *);

/*
 * body_html, and for a page of the site: headings end in links to
 * themselves, and when heads is not NULL the h2 and h3 go there (the
 * caller frees them with md_headings_free); when lede is not NULL, the
 * text of the first paragraph goes there (md_opts.lede).
 */
int	body_html_page(const struct job *, const char *file,
	    const char *dir, int is_html, const char *base, struct buf *html,
	    struct buf *abs, size_t *words, struct md_headings *heads,
	    struct buf *lede, struct diag *, struct err *);

/*
 * The feeds of the site (t SIZE_MAX) or of topic t; members is scratch.
 * With digest, nothing is written: *digest gets a digest of the three
 * feeds as they would be, each body standing for its source's identity.
 */
int	write_feeds(const struct job *, size_t t, size_t *members,
	    uint64_t *digest, struct err *);
/* The identity of an entry's source: its file, size and mtime. */
uint64_t render_source_id(const struct post *);
/*
 * Record rel's digest d in job->opts->made: 1 when rel must be rendered
 * (no last digest, or another one), 0 when it may be skipped, -1 with err.
 */
int	render_needed(const struct job *, const char *rel, uint64_t d,
	    struct err *);
/* notes/feed.xml and its twins. */
int	write_notes_feeds(const struct job *, struct err *);

#endif
