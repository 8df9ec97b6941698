#ifndef STET_FSUTIL_H
#define STET_FSUTIL_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * Read the regular file path (relative to dirfd) into out, appending.
 * A file larger than max bytes is an error.  Returns 0, or -1 with err
 * naming the file; with ENOENT and missing_ok set, returns 1 instead.
 */
int	fs_read_at(int dirfd, const char *path, size_t max, struct buf *out,
	    int missing_ok, struct err *);

/* Write all of p, retrying short writes.  0 or -1 (errno set). */
int	fs_write_all(int fd, const void *p, size_t n);

/*
 * Replace path (under dirfd) with data in one step: write it to tmp,
 * flush it to disk first when durable is set, then rename tmp over path.
 * A reader sees the old file or the new one, never half.  0 or -1.
 */
int	fs_write_atomic(int dirfd, const char *path, const char *tmp,
	    const void *data, size_t len, int durable);

/*
 * The absolute path path (relative to dirfd; "." for dirfd itself)
 * names once every symbolic link in it is followed, into out (PATH_MAX
 * bytes).  Linux: uses /proc/self/fd.  0 or -1 (errno set).
 */
int	fs_realpath_at(int dirfd, const char *path, char *out);

/* mkdir -p of path under dirfd.  0 or -1 (errno set). */
int	fs_mkdirs_at(int dirfd, const char *path);

/* rm -rf of path under dirfd; never follows symlinks.  0 or -1. */
int	fs_remove_tree_at(int dirfd, const char *path);

/*
 * The names in folder dir (relative to dirfd), sorted: folder order
 * differs between filesystems, and a build must give the same bytes
 * every time.  "." and ".." are left out, and with hidden == 0 every
 * name starting with '.'.  When st is not NULL it gets the folder's
 * fstat.  Returns 0; 1 when dir does not exist (out is empty); -1 with
 * errno set.  The caller frees out with fs_names_free.
 */
struct fs_names {
	char	**v;
	size_t	 n;
};

struct stat;
int	fs_list(int dirfd, const char *dir, int hidden, struct fs_names *out,
	    struct stat *st);
void	fs_names_free(struct fs_names *);

#endif
