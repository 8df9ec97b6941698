#ifndef STET_WRITE_H
#define STET_WRITE_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "../support/err.h"
#include "../support/pool.h"
#include "memfs.h"
#include "outlist.h"

/*
 * The writer puts rendered files into the output, each text file with a
 * gzip twin (name.gz) for servers that send it as is.
 *
 * Nothing is ever written inside public/.  Every file goes first into a
 * stage beside it, .public.new/ (the same filesystem, so renames and
 * hard links from one to the other work).  A rebuild compares each file
 * with public/ and stages only the files whose bytes changed.  Then the
 * caller publishes, one of two ways:
 *
 *   writer_fill and writer_swap: the stage is made a whole site (the
 *	unchanged files hard-linked from public/, so they keep their inode
 *	and mtime and rsync moves only what changed) and swapped with
 *	public/ in one rename: a server sees the old site or the new one.
 *   writer_move: for a few files, each is renamed from the stage over
 *	its old self in public/; a reader meanwhile may see some files new
 *	and the rest old, never half a file and never a temporary name.
 *
 * A stage left by a build that was killed is removed by the next
 * writer_open.  A writer is used by one build at a time (the caller
 * holds the site's lock).
 */
struct writer {
	int		 sitefd;
	int		 stagefd;	/* .public.new/, where files go */
	int		 pubfd;		/* public/ to compare with, or -1 */
	int		 staged;	/* the stage is ours to remove */
	/* Per thread, compressors for pages (GZ_PAGE) and the rest. */
	void		*gz[POOL_MAX][2];
	pthread_mutex_t	 lock;		/* guards changed */
	struct outlist	 changed;	/* files staged, in the order written */
	const volatile sig_atomic_t *stop; /* non-zero: stop (may be NULL) */
	const struct outlist *suspect;	/* sorted: write these even when
					   public/ holds their bytes (may be
					   NULL) */
	atomic_size_t	 written;
	atomic_size_t	 unchanged;
	struct memfs	*mem;		/* stet check: files go here instead */
	/*
	 * Shown every file put, written or not (may be NULL): the build
	 * looks at the links of post pages here.  Called on any thread.
	 */
	void		(*observe)(void *ctx, const char *rel,
			    const void *data, size_t len);
	void		*observe_ctx;
	int		 open;		/* writer_abort has work to do */
};

/*
 * Open a fresh stage (removing one left by a killed build).  With
 * compare, and public/ a folder, files whose bytes public/ already holds
 * are not written again.  While *stop (when stop is not NULL) is
 * non-zero, writer_put and writer_fill fail with "interrupted".
 * 0, or -1 with err.
 */
int	writer_open(struct writer *, int sitefd, int compare,
	    const volatile sig_atomic_t *stop, struct err *);
/* Write into mem (stet check): no file is touched, no twin made. */
void	writer_open_memory(struct writer *, struct memfs *);
/* Put one file (rel is relative to the output root).  Thread-safe. */
int	writer_put(struct writer *, int worker, const char *rel,
	    const void *data, size_t len, struct err *);
/*
 * Make the stage the whole site that all names (sorted, without the
 * twins): each file of all that was not staged is hard-linked from
 * public/ with its twin (or copied, mtime kept, where the filesystem
 * refuses the link).  A file public/ lacks is left out.  0, or -1 with
 * err.
 */
int	writer_fill(struct writer *, const struct outlist *all,
	    struct err *);
/*
 * Swap the stage in as public/ in one atomic rename, then remove the old
 * tree.  On success the writer is closed.  0, or -1 with err (public/ is
 * then the old site, or the new one when only removing the old failed).
 */
int	writer_swap(struct writer *, struct err *);
/*
 * Rename each staged file over its old self in public/, in the order
 * they were written (a twin before its file), then remove the stage.
 * On success the writer is closed.  0, or -1 with err.
 */
int	writer_move(struct writer *, struct err *);
/* Close the writer and remove its stage, if it still has one. */
void	writer_abort(struct writer *);

#endif
