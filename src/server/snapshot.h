#ifndef STET_SNAPSHOT_H
#define STET_SNAPSHOT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <h2o.h>

#include "../support/arena.h"
#include "../support/err.h"

/*
 * A read-only copy of public/ in memory, with every response header
 * built at load time, so that answering a request is a table lookup and
 * a write.  One snapshot is current; a rebuild loads a new one and the
 * server swaps it in.  Event loops that still send from the old one keep
 * it alive through its reference count, and the last to let go frees it.
 */

/* Headers that every response carries, whatever it is. */
struct snap_common {
	h2o_header_t	 sec[3];	/* CSP, nosniff, referrer policy */
	size_t		 nsec;
	char		*csp;		/* owned */
};

/* A file as served: its bytes, its gzip twin's, and their headers. */
struct snap_file {
	h2o_iovec_t	 body[2];	/* [0] as is; [1] gzip or {NULL, 0} */
	h2o_iovec_t	 etag[2];	/* strong, quoted */
	h2o_headers_t	 hdrs[2];	/* size == capacity: h2o copies on add */
	time_t		 mtime;
};

enum snap_kind {
	SNAP_FILE,
	SNAP_REDIRECT		/* a folder named without its slash */
};

struct snap_entry {
	const char		*key;	/* a URL path, decoded: "/a/b/" */
	size_t			 keylen;
	uint64_t		 hash;	/* 0: an empty slot */
	enum snap_kind		 kind;
	const struct snap_file	*file;
	h2o_headers_t		 redirect;	/* Location and the rest */
};

struct snapshot {
	atomic_size_t		 refs;
	struct arena		*arena;		/* everything below */
	struct snap_entry	*tab;
	size_t			 mask;		/* tab has mask + 1 slots */
	struct snap_file	 notfound;	/* 404.html, or a line of text */
	size_t			 nfiles;
	size_t			 bytes;
	size_t			 nskipped;	/* symlinks and other non-files */
};

/*
 * Build the shared headers.  form_origin is the scheme://host of an
 * outside subscription form's action, or NULL; with remote_images set
 * (images: { remote: allow }) pages may load images from any https
 * host.  0, or -1 with err.
 */
int	snapshot_common_init(struct snap_common *, const char *form_origin,
	    int remote_images, struct err *);
void	snapshot_common_free(struct snap_common *);

/*
 * Load sitefd's public/ (opened here, by name, so a rebuild's swapped-in
 * folder is the one read).  Only regular files are taken, each opened
 * with O_NOFOLLOW below the folder; symbolic links are left out, so
 * nothing outside public/ can be served.  name.gz beside name becomes
 * name's gzip twin.  common must outlive the snapshot.  On 0, *out has
 * one reference, for the caller; on -1, err says why.
 */
int	snapshot_load(int sitefd, const struct snap_common *common,
	    struct snapshot **out, struct err *);

/* The entry for a decoded URL path, or NULL. */
const struct snap_entry *snapshot_find(const struct snapshot *,
	    const char *path, size_t len);

/* Take and release a reference; the last release frees. */
void	snapshot_hold(struct snapshot *);
void	snapshot_drop(struct snapshot *);

#endif
