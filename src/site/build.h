#ifndef STET_BUILD_H
#define STET_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../support/diag.h"
#include "../support/err.h"

/*
 * One build of a site: load, plan, render, write, swap, remember.  Used
 * by stet build and by the server's rebuilds.  The caller must have
 * called sodium_init().
 */
struct build_opts {
	const char	*dir;		/* the site folder */
	int		 drafts;	/* include drafts */
	int		 future;	/* include posts dated later than now */
	int		 portable;	/* links end in index.html */
	int		 full;		/* ignore the cache in .stet/ */
	int		 strict;	/* a warning fails the build */
	int		 check;		/* build in memory and check: no file
					   is written */
	struct diag	*diag;		/* every error and warning of the run
					   (load, render, check); may be NULL */
};

struct build_result {
	const char	*kind;		/* "cold", "full" or "incremental" */
	int		 defaults;	/* there was no stet.yaml */
	size_t		 nposts, npages, ntopics;
	size_t		 written, unchanged;
	double		 load_ms, render_ms, finish_ms, total_ms;
	int64_t		 next_due;	/* first future post's time, or 0 */
	size_t		 ndrafts;	/* left out: drafts */
	size_t		 nfuture;	/* left out: dated later than now */
};

/*
 * Build o->dir into o->dir/public.  0, or -1 with err naming file:line;
 * on -1 the previous public/ is as it was (a cold build's half-made
 * folder is removed; a rebuild has replaced only whole files).
 */
int	site_build(const struct build_opts *, struct build_result *,
	    struct err *);

#endif
