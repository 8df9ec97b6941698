#ifndef STET_BUILD_H
#define STET_BUILD_H

#include <signal.h>
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
	/*
	 * May be NULL.  Once *stop is non-zero (a command's signal handler
	 * sets it), the build stops at the next safe point, leaving public/
	 * as it was, and fails with "interrupted"; past the point where it
	 * starts to publish, it finishes instead.
	 */
	const volatile sig_atomic_t *stop;
};

struct build_result {
	const char	*kind;		/* "cold", "full" or "incremental" */
	const char	*published;	/* "swapped in" (a new tree), "renamed
					   into public/" or "unchanged" */
	int		 recovered;	/* finished what a stopped build began */
	int		 defaults;	/* there was no stet.yaml */
	size_t		 nposts, npages, ntopics;
	size_t		 written, unchanged;
	double		 load_ms, render_ms, finish_ms, total_ms;
	int64_t		 next_due;	/* first future post's time, or 0 */
	int		 next_due_off;	/* its offset in the site's zone */
	size_t		 ndrafts;	/* left out: drafts */
	size_t		 nfuture;	/* left out: dated later than now */
};

/*
 * Build o->dir into o->dir/public.  0, or -1 with err naming file:line;
 * on -1 public/ is as it was (and the stage beside it removed), unless
 * the failure came while publishing: then .stet/journal says what the
 * next build must finish.  One build of a site runs at a time; a second
 * waits for the first.
 */
int	site_build(const struct build_opts *, struct build_result *,
	    struct err *);

#endif
