#ifndef STET_WRITE_H
#define STET_WRITE_H

#include <stdatomic.h>
#include <stddef.h>

#include "../support/err.h"
#include "../support/pool.h"
#include "memfs.h"

/*
 * The writer puts rendered files into the output folder, each text file
 * with a gzip twin (name.gz) for servers that send it as is.
 *
 * A cold build writes into a fresh folder beside public/ and swaps it in
 * with one rename, so a server never sees half a site.  An incremental
 * build writes into public/ itself, but only files whose bytes changed,
 * each to a temporary name renamed over the old one: unchanged files
 * keep their mtime, so rsync or a CDN upload moves only what changed.
 */
struct writer {
	int		 sitefd;
	int		 rootfd;	/* where files go */
	int		 incremental;
	int		 level;		/* gzip level */
	void		*gz[POOL_MAX];	/* a compressor per thread */
	atomic_size_t	 written;
	atomic_size_t	 unchanged;
	struct memfs	*mem;		/* stet check: files go here instead */
};

/*
 * Open the output: incremental when public/ exists and the caller says
 * its files are a previous build of the same site, else a cold one.
 */
int	writer_open(struct writer *, int sitefd, int incremental,
	    struct err *);
/* Write into mem (stet check): no file is touched, no twin made. */
void	writer_open_memory(struct writer *, struct memfs *);
/* Put one file (rel is relative to the output root).  Thread-safe. */
int	writer_put(struct writer *, int worker, const char *rel,
	    const void *data, size_t len, struct err *);
/*
 * Remove files of a previous build that this one did not write (the
 * incremental case), or swap the new folder in (the cold case).
 */
int	writer_commit(struct writer *, struct err *);
/* Drop a cold build's unfinished folder. */
void	writer_abort(struct writer *);

#endif
