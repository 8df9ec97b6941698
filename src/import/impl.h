#ifndef STET_IMPORT_IMPL_H
#define STET_IMPORT_IMPL_H

/*
 * What the files of one import share (files.c, doc.c, walk.c,
 * resolve.c, emit.c, import.c), and nothing else includes.  An import
 * is one struct imp: the old site read, every document found in it,
 * and the maps that turn its old names and URLs into stet's.  Strings
 * live in im->a, freed with it at the end of import_site.
 */

#include <stddef.h>

#include "../support/arena.h"
#include "../support/buf.h"
#include "../support/err.h"
#include "../support/yamltree.h"
#include "convert.h"
#include "import.h"
#include "media.h"
#include "oldsite.h"
#include "strmap.h"

#define SOURCE_MAX	(16 * 1024 * 1024)
#define COPY_MAX	(256 * 1024 * 1024)
#define SLUG_MAX	200
#define DEPTH_MAX	32

/* Paths stet writes itself: no page or file may take one. */
extern const char *const imp_reserved[];

enum doc_kind { DOC_POST, DOC_PAGE };

/* One post or page of the old site, and what it becomes. */
struct doc {
	enum doc_kind	 kind;
	const char	*src;		/* relative to the old site */
	const char	*bundle;	/* a bundle's folder there, or NULL */
	const char	*out;		/* relative to the new site */
	const char	*slug;		/* posts: stet's; pages: the name */
	const char	*old;		/* the old URL path */
	struct ynode	*front;
	const char	*body;
	size_t		 body_len, body_line;
	int		 draft, is_html;
	const char	**tags;
	size_t		 ntags;
	const char	**aliases;
	size_t		 naliases;
	const char	*date;		/* as it will be written */
};

struct imp {
	const struct import_opts *o;
	struct import_result *res;
	struct notes	*notes;
	struct arena	*a;
	struct oldsite	 old;
	int		 oldfd, newfd;
	struct doc	*docs;		/* malloc'd; strings in a */
	size_t		 ndocs, capdocs;
	struct strmap	 byurl;		/* old URL path -> doc */
	struct strmap	 byname;	/* post_url names, files, refs -> doc */
	struct strmap	 slugs;		/* taken slugs and page names, and
					   "c:" names two posts wanted */
	struct strmap	 byslug;	/* a post's slug -> doc */
	struct strmap	 aliasset;
	struct strmap	 tagset;	/* every tag, once */
	const char	**alltags;	/* malloc'd */
	size_t		 nalltags, capalltags;
	struct buf	 redirects;	/* the redirects: lines of stet.yaml */
	struct strmap	 redirset;	/* old path -> index in redir_to */
	const char	**redir_to;	/* malloc'd; strings in a or static */
	size_t		 nredir, capredir;
	const char	*main_section;	/* Hugo */
	const char	*coll, *coll_pattern;	/* Jekyll: the collection
					   being walked, or NULL */
	size_t		 cur;		/* the doc being converted */
	struct media	 media;
	struct err	*err;
};

/* files.c: paths and copies.  -1 with im->err, unless said. */
int	 imp_has_ext(const char *name, const char *ext);
size_t	 imp_source_ext(const char *name);	/* ".md"'s length, or 0 */
int	 imp_is_dir(int fd, const char *p);
int	 imp_is_file(int fd, const char *p);
char	*imp_join(struct arena *, const char *dir, const char *name);
int	 imp_oom(struct imp *);			/* sets im->err, -1 */
/* A file that cannot be read is noted, not an error. */
int	 imp_copy_file(struct imp *, const char *from, const char *to);
int	 imp_write_file(struct imp *, const char *to, const char *data,
	    size_t len);
int	 imp_stet_path(const char *rel);	/* a path stet makes? */
int	 imp_copy_tree(struct imp *, const char *from, const char *to,
	    const char *pub, int depth);

/* doc.c: one source file read into a doc; redirects of stet.yaml. */
int	 imp_read_doc(struct imp *, enum doc_kind, const char *src,
	    const char *bundle, const char *dir, const char *name, int draft);
/* from -> to into stet.yaml's redirects: once; NULL is out of memory. */
int	 imp_add_redirect(struct imp *, const char *from, const char *to);

/* walk.c: the old site's folders. */
const char *imp_hugo_main(struct imp *);
int	 imp_walk_hugo(struct imp *, const char *dir, const char *rel,
	    int depth);
int	 imp_walk_posts(struct imp *, const char *dir, const char *cat,
	    int draft, int depth);
int	 imp_walk_jekyll(struct imp *, const char *dir, int depth);
int	 imp_walk_collections(struct imp *);	/* Jekyll's, as pages */

/* resolve.c: old names and URLs to stet's links (convert.h's hooks). */
int	 imp_index_docs(struct imp *);		/* 0 or -1 out of memory */
int	 imp_resolve(void *, enum conv_ref, const char *, size_t,
	    struct buf *);
int	 imp_remote(void *, const char *, size_t, struct buf *);

/* emit.c: the new site's files. */
int	 imp_emit_doc(struct imp *, size_t idx);
int	 imp_site_redirects(struct imp *);	/* 0 or -1 out of memory */
int	 imp_write_config(struct imp *);

#endif
