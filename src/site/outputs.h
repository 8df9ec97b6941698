#ifndef STET_OUTPUTS_H
#define STET_OUTPUTS_H

#include <stddef.h>

#include "../support/buf.h"
#include "model.h"
#include "outlist.h"
#include "years.h"

/*
 * The one table of what a build makes: every kind of output, the file
 * it is in public/ and the URL it is found at.  The renderer, the list
 * of outputs a rebuild compares public/ with, the sitemap, stet check's
 * link resolution and the build's link warnings all take paths from
 * here, so a new kind of page is one more row.
 *
 * An output is a kind and an index: the post, note, topic or page it
 * belongs to, the year of a year's page, or for feeds the format
 * (OUT_TOPIC_FEED: topic * OUT_FEED_FORMATS + format).
 */
enum out_kind {
	OUT_HOME,		/* index.html */
	OUT_WRITING,		/* writing/index.html */
	OUT_YEAR,		/* writing/YEAR/index.html */
	OUT_POST,		/* writing/SLUG/index.html */
	OUT_TOPICS,		/* topics/index.html */
	OUT_TOPIC,		/* topics/SLUG/index.html */
	OUT_TOPIC_ALIAS,	/* topics/OLD-SLUG/index.html, a redirect */
	OUT_NOTES,		/* notes/index.html */
	OUT_NOTE,		/* notes/SLUG/index.html */
	OUT_PAGE,		/* NAME/index.html, from pages/ */
	OUT_404,		/* 404.html */
	OUT_ROBOTS,		/* robots.txt (unless static/ has one) */
	OUT_SITEMAP,		/* sitemap.xml */
	OUT_FEED,		/* feed.xml, rss.xml, feed.json */
	OUT_TOPIC_FEED,		/* topics/SLUG/ and the same three */
	OUT_NOTES_FEED,		/* notes/ and the same three */
	/*
	 * The page stet serve answers the forms with, at "subscribe": kept
	 * in .stet/form.html, not in public/ (render.h: RENDER_FORM_FILE).
	 */
	OUT_FORM,
	OUT_KINDS
};

/* A feed's formats, in the order of their index. */
#define OUT_FEED_FORMATS	3
struct out_feed_format {
	const char	*file;		/* "feed.xml" */
	const char	*type;		/* "application/atom+xml" */
	const char	*name;		/* "Atom" */
};
extern const struct out_feed_format out_feed_formats[OUT_FEED_FORMATS];

/*
 * The output's file, relative to public/ and as the file system names it
 * (not percent-encoded), appended to b.  0, or -1 when out of memory.
 */
int	out_file(const struct site *, enum out_kind, size_t, struct buf *b);
/*
 * Where a link finds it, relative to the site's root and percent-encoded:
 * a page's folder ("writing/x/", "" for the home page), any other file
 * itself ("feed.xml").  Appended to b; 0 or -1.
 */
int	out_url(const struct site *, enum out_kind, size_t, struct buf *b);

/* The page of a post or note p, by its section and slug, as out_file. */
int	out_entry_file(const struct post *p, struct buf *b);

/*
 * Add every file the site's build makes to out, but the pages of posts'
 * aliases (their paths are the posts' own) and, unless with_posts, the
 * posts' pages.  0 or -1.
 */
int	outputs_list(const struct site *, const struct years *, int with_posts,
	    struct outlist *out);

/*
 * Which kind of page rel is, when it is one of the pages a name picks:
 * OUT_POST or OUT_NOTE with the slug, OUT_PAGE with the page's name,
 * OUT_HOME.  The name is *key, *keylen bytes (not NUL-terminated), and
 * need not belong to any post: the caller looks it up.  0, or -1 when
 * rel is no such page.
 */
int	out_parse(const char *rel, enum out_kind *, const char **key,
	    size_t *keylen);

#endif
