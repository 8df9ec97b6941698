#ifndef STET_MODEL_H
#define STET_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../support/arena.h"
#include "../support/date.h"
#include "../support/diag.h"
#include "../support/pool.h"
#include "../support/yamltree.h"

/*
 * The site model: settings, posts, pages and topics, built once by
 * site_load and read-only afterwards (rendering runs on several threads).
 * Everything in it lives in the site's arenas and goes with site_free.
 */

struct cache_post;

struct link {
	const char	*name;
	const char	*url;		/* NULL: "coming soon" */
	const char	*note;
};

struct topic {
	const char	*tag;		/* as written first */
	const char	*slug;		/* its key and path segment */
	const char	*title;
	const char	*about;		/* NULL when stet.yaml says nothing */
	int		 declared;	/* listed in stet.yaml */
	size_t		 count;		/* posts with it */
	const char	*first_file;	/* where the spelling came from */
	const char	*old_slug;	/* the path stet gave it before '#',
					   '+' and '.' were read (C++ was
					   "c"), kept as a redirect; or NULL */
};

struct config {
	const char	*file;		/* "stet.yaml", or NULL: defaults */
	const char	*title;
	const char	*author;
	const char	*description;
	const char	*url;		/* always ends in '/' */
	const char	*base_path;	/* url's path: "/" or "/blog/" */
	const char	*language;
	const char	*timezone;
	size_t		 home_recent;
	struct link	*links;
	size_t		 nlinks;
	struct topic	*topics;	/* declared ones, in order */
	size_t		 ntopics;
	size_t		 feed_entries;	/* 0: all */
	const char	*subscribe_action; /* the form's; NULL: /subscribe */
	/*
	 * images: { remote: allow }: images from other hosts stay images
	 * (and stet serve lets pages load them); by default, or with
	 * remote: link, each becomes a link to the image.
	 */
	int		 images_remote_allow;
	/*
	 * toc_headings: a post with at least this many h2 and h3
	 * headings gets a table of contents without asking (toc: true in
	 * its front matter); 0: only when asked.
	 */
	size_t		 toc_headings;
	/*
	 * All of stet.yaml (NULL without one), for the layers above to
	 * read their own keys from: see config.h.
	 */
	const struct ynode *tree;
};

struct post {
	const char	*file;		/* "posts/x.md", for errors */
	const char	*section;	/* "writing" for posts, "notes" */
	const char	*slug;
	size_t		 slug_line;	/* of slug: in the front matter, or 0 */
	const char	*slug_base;	/* from slug: or the file name; slug
					   may add "-2" to it (a clash) */
	const char	*title;
	const char	*summary;	/* NULL when none */
	struct date	 date;
	struct date	 updated;
	int		 has_updated;
	int		 draft;
	int		 is_html;	/* a .html body */
	const char	**tags;		/* as written */
	size_t		*tag_lines;
	size_t		 ntags;
	size_t		*topics;	/* indexes into site->topics */
	size_t		 ntopics;
	size_t		 body_line;	/* first line of the body */
	struct ynode	*front;		/* the whole front matter */
	int64_t		 mtime_ns;	/* for the rebuild cache */
	int64_t		 size;
	const char	*id;		/* permanent: feeds and mail key on it */
	const char	*fm_id;		/* id: from the front matter, or NULL */
	const char	**aliases;	/* old paths that redirect here */
	size_t		 naliases;
	size_t		 order;		/* its place in file name order */
	int		 fresh;		/* read now, not taken from the cache */
	int		 warned;	/* loading it gave warnings */
	int		 failed;	/* loading it gave errors: left out */
	const struct cache_post *cached; /* the last build's, or NULL */
};

/* The post's last change: updated when later than its date, else its date. */
static inline const struct date *
post_latest(const struct post *p)
{
	return p->has_updated && p->updated.t > p->date.t ? &p->updated :
	    &p->date;
}

struct page {
	const char	*file;
	const char	*name;		/* "about"; "index" is the home's */
	const char	*title;
	const char	*summary;
	size_t		 body_line;
	struct ynode	*front;
	int		 is_html;
};

struct load_opts {
	int		 drafts;	/* include drafts */
	int		 future;	/* include posts dated later than now */
	struct diag	*diag;		/* every error and warning; may be NULL */
};

struct site {
	/*
	 * Where loading and rendering report every error and warning
	 * (file:line), from any thread; owned by the caller of site_load.
	 * May be NULL: then nothing is recorded.
	 */
	struct diag	*diag;
	struct arena	*arena;
	struct arena	*warena[POOL_MAX];	/* one per loading thread */
	int		 dirfd;		/* the site folder */
	struct config	 cfg;
	struct zone	*zone;		/* cfg.timezone's; owned */
	struct post	*posts;		/* newest first, then by slug */
	size_t		 nposts;
	struct post	*hidden;	/* drafts and future posts left out */
	size_t		 nhidden;
	struct post	*notes;		/* notes/, newest first */
	size_t		 nnotes;
	struct page	*pages;		/* by name */
	size_t		 npages;
	struct topic	*topics;	/* declared first, then by slug */
	size_t		 ntopics;
	int		 own_robots;	/* static/robots.txt replaces ours */
};

#endif
