#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdeflate.h>

#include "../support/buf.h"
#include "../support/fsutil.h"
#include "write.h"

#define OUT_DIR		"public"
#define STAGE_DIR	".public.new"

/*
 * The twins' gzip levels.  A site is mostly its pages, one per post,
 * each fetched about once per reader: level 1 makes their twins 5%
 * larger (a 14 KB page's 3.6 KB twin grows by about 200 bytes, the
 * same packets) and takes half the time, which on 10,000 posts is a
 * tenth of a cold build.  Feeds, the stylesheet and the sitemap are
 * fetched again and again by the same readers and robots, and are few:
 * level 6 for them.
 */
#define GZ_PAGE		0
#define GZ_REST		1
#define PAGE_LEVEL	1
#define REST_LEVEL	6

static int
stopped(const struct writer *w)
{
	return w->stop != NULL && *w->stop != 0;
}

int
writer_open(struct writer *w, int sitefd, int compare,
    const volatile sig_atomic_t *stop, struct err *err)
{
	struct stat	 st;
	int		 k;

	memset(w, 0, sizeof(*w));
	w->sitefd = sitefd;
	w->stagefd = -1;
	w->pubfd = -1;
	w->stop = stop;
	w->open = 1;
	pthread_mutex_init(&w->lock, NULL);
	atomic_init(&w->written, 0);
	atomic_init(&w->unchanged, 0);
	for (k = 0; k < POOL_MAX; k++)
		if ((w->gz[k][GZ_PAGE] = libdeflate_alloc_compressor(
		    PAGE_LEVEL)) == NULL || (w->gz[k][GZ_REST] =
		    libdeflate_alloc_compressor(REST_LEVEL)) == NULL) {
			writer_abort(w);
			return err_set(err, OUT_DIR, 0, "out of memory");
		}
	if (compare && fstatat(sitefd, OUT_DIR, &st, AT_SYMLINK_NOFOLLOW) ==
	    0 && S_ISDIR(st.st_mode) && (w->pubfd = openat(sitefd, OUT_DIR,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		err_set(err, OUT_DIR, 0, "%s", strerror(errno));
		writer_abort(w);
		return -1;
	}
	/* A stage left by a killed build is only litter. */
	w->staged = 1;
	if (fs_remove_tree_at(sitefd, STAGE_DIR) == -1 ||
	    mkdirat(sitefd, STAGE_DIR, 0755) == -1 ||
	    (w->stagefd = openat(sitefd, STAGE_DIR, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		err_set(err, STAGE_DIR, 0, "%s", strerror(errno));
		writer_abort(w);
		return -1;
	}
	return 0;
}

static int
is_text(const char *rel)
{
	static const char *const ext[] = { ".html", ".css", ".xml",
	    ".json", ".txt", ".svg", ".js", ".md", NULL };
	size_t	 n = strlen(rel), e, i;

	for (i = 0; ext[i] != NULL; i++) {
		e = strlen(ext[i]);
		if (n > e && strcmp(rel + n - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

static int
is_page(const char *rel)
{
	size_t	 n = strlen(rel);

	return n > 5 && strcmp(rel + n - 5, ".html") == 0;
}

/* Does rel already hold exactly these bytes? */
static int
same_bytes(int rootfd, const char *rel, const void *data, size_t len)
{
	struct stat	 st;
	struct buf	 old;
	int		 fd, same = 0;

	if ((fd = openat(rootfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
	    -1)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len) {
		buf_init(&old, 0);
		if (buf_grow(&old, len) == 0) {
			ssize_t r;
			size_t got = 0;

			while (got < len && (r = read(fd, old.data + got,
			    len - got)) > 0)
				got += (size_t)r;
			same = got == len && memcmp(old.data, data, len) == 0;
		}
		buf_free(&old);
	}
	close(fd);
	return same;
}

static int
mkparent(int rootfd, const char *rel)
{
	char	 dir[PATH_MAX];
	const char *slash = strrchr(rel, '/');
	size_t	 n;

	if (slash == NULL)
		return 0;
	n = (size_t)(slash - rel);
	if (n >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, rel, n);
	dir[n] = '\0';
	/* Most parents exist already or sit under one that does. */
	if (mkdirat(rootfd, dir, 0755) == 0 || errno == EEXIST)
		return 0;
	return fs_mkdirs_at(rootfd, dir);
}

/*
 * Write a file of the stage.  The stage holds only what this build
 * wrote until writer_fill adds links, so writing in place is safe: no
 * inode of public/ can be reached from here yet.
 */
static int
put_one(struct writer *w, const char *rel, const void *data, size_t len)
{
	int	 fd;

	fd = openat(w->stagefd, rel, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1)
		return -1;
	if (fs_write_all(fd, data, len) == -1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

void
writer_open_memory(struct writer *w, struct memfs *mem)
{
	memset(w, 0, sizeof(*w));
	w->sitefd = -1;
	w->stagefd = -1;
	w->pubfd = -1;
	w->mem = mem;
	w->open = 1;
	pthread_mutex_init(&w->lock, NULL);
	atomic_init(&w->written, 0);
	atomic_init(&w->unchanged, 0);
}

int
writer_put(struct writer *w, int worker, const char *rel, const void *data,
    size_t len, struct err *err)
{
	char	 gzname[PATH_MAX];
	void	*gz = NULL;
	struct libdeflate_compressor *c;
	size_t	 bound, gzlen;
	int	 n, rc = -1;

	if (w->mem != NULL) {
		if (memfs_put(w->mem, rel, data, len) == -1)
			return err_set(err, rel, 0, "out of memory");
		atomic_fetch_add(&w->written, 1);
		return 0;
	}
	/* Every file is a safe point to stop at: nothing is published yet. */
	if (stopped(w))
		return err_set(err, NULL, 0, "interrupted");
	if (w->observe != NULL)
		w->observe(w->observe_ctx, rel, data, len);
	n = snprintf(gzname, sizeof(gzname), "%s.gz", rel);
	if (n < 0 || (size_t)n >= sizeof(gzname))
		return err_set(err, rel, 0, "path too long");
	if (w->pubfd != -1 && (w->suspect == NULL ||
	    !outlist_has(w->suspect, rel)) &&
	    same_bytes(w->pubfd, rel, data, len) &&
	    (!is_text(rel) || faccessat(w->pubfd, gzname, F_OK,
	    AT_SYMLINK_NOFOLLOW) == 0)) {
		atomic_fetch_add(&w->unchanged, 1);
		return 0;
	}
	if (mkparent(w->stagefd, rel) == -1)
		return err_set(err, rel, 0, "%s", strerror(errno));
	if (is_text(rel)) {
		c = w->gz[worker][is_page(rel) ? GZ_PAGE : GZ_REST];
		bound = libdeflate_gzip_compress_bound(c, len);
		if ((gz = malloc(bound)) == NULL)
			return err_set(err, rel, 0, "out of memory");
		gzlen = libdeflate_gzip_compress(c, data, len, gz, bound);
		if (gzlen == 0) {
			err_set(err, rel, 0, "gzip failed");
			goto out;
		}
		if (put_one(w, gzname, gz, gzlen) == -1) {
			err_set(err, gzname, 0, "%s", strerror(errno));
			goto out;
		}
	}
	if (put_one(w, rel, data, len) == -1) {
		err_set(err, rel, 0, "%s", strerror(errno));
		goto out;
	}
	pthread_mutex_lock(&w->lock);
	n = outlist_add(&w->changed, rel);
	pthread_mutex_unlock(&w->lock);
	if (n == -1) {
		err_set(err, rel, 0, "out of memory");
		goto out;
	}
	atomic_fetch_add(&w->written, 1);
	rc = 0;
out:
	free(gz);
	return rc;
}

/*
 * Copy rel from public/ into the stage, keeping its mode and times, for
 * a filesystem that will not link it.  0 or -1 (errno set).
 */
static int
copy_one(struct writer *w, const char *rel)
{
	struct timespec	 times[2];
	struct stat	 st;
	char		 chunk[65536];
	ssize_t		 r;
	int		 in, out = -1, rc = -1, saved;

	if ((in = openat(w->pubfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1)
		return -1;
	if (fstat(in, &st) == -1)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto out;
	}
	if ((out = openat(w->stagefd, rel, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0777)) == -1)
		goto out;
	while ((r = read(in, chunk, sizeof(chunk))) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 || fs_write_all(out, chunk, (size_t)r) == -1)
			goto out;
	}
	/* The same mtime: rsync and uploads still see it unchanged. */
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (futimens(out, times) == -1)
		goto out;
	rc = 0;
out:
	saved = errno;
	close(in);
	if (out != -1 && close(out) == -1 && rc == 0) {
		saved = errno;
		rc = -1;
	}
	errno = saved;
	return rc;
}

/*
 * Give the stage public/'s rel, the same inode where the filesystem
 * allows.  0, 1 when public/ has no rel, or -1 (errno set).
 */
static int
keep_one(struct writer *w, const char *rel)
{
	if (linkat(w->pubfd, rel, w->stagefd, rel, 0) == 0)
		return 0;
	switch (errno) {
	case ENOENT:
		return 1;
	case EXDEV:	/* public/ on a filesystem of its own */
	case EPERM:	/* no hard links here, or protected_hardlinks */
	case EMLINK:
	case EOPNOTSUPP:
		return copy_one(w, rel);
	default:
		return -1;
	}
}

int
writer_fill(struct writer *w, const struct outlist *all, struct err *err)
{
	char		 gzname[PATH_MAX];
	size_t		 i;
	int		 n, r;

	if (w->pubfd == -1)
		return 0;	/* nothing to keep */
	for (i = 0; i < all->n; i++) {
		const char *rel = all->v[i];

		/* Still before the swap: a safe point to stop at. */
		if ((i & 255) == 0 && stopped(w))
			return err_set(err, NULL, 0, "interrupted");
		if (faccessat(w->stagefd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;	/* this build wrote it */
		if (mkparent(w->stagefd, rel) == -1 ||
		    (r = keep_one(w, rel)) == -1)
			return err_set(err, rel, 0, "keeping the unchanged "
			    "file: %s", strerror(errno));
		if (r == 1 || !is_text(rel))
			continue;
		n = snprintf(gzname, sizeof(gzname), "%s.gz", rel);
		if (n < 0 || (size_t)n >= sizeof(gzname))
			return err_set(err, rel, 0, "path too long");
		if (keep_one(w, gzname) == -1)
			return err_set(err, gzname, 0, "keeping the unchanged "
			    "file: %s", strerror(errno));
	}
	return 0;
}

int
writer_swap(struct writer *w, struct err *err)
{
	struct stat	 st;

	if (fstatat(w->sitefd, OUT_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		/* One atomic step: readers see the old site or the new one. */
		if (renameat2(w->sitefd, STAGE_DIR, w->sitefd, OUT_DIR,
		    RENAME_EXCHANGE) == -1)
			return err_set(err, OUT_DIR, 0, "swapping in the new "
			    "build: %s", strerror(errno));
		/* The old site now sits at the stage's name. */
		if (fs_remove_tree_at(w->sitefd, STAGE_DIR) == -1)
			return err_set(err, STAGE_DIR, 0, "removing the old "
			    "build: %s", strerror(errno));
	} else if (renameat(w->sitefd, STAGE_DIR, w->sitefd, OUT_DIR) == -1)
		return err_set(err, OUT_DIR, 0, "%s", strerror(errno));
	w->staged = 0;	/* nothing left to clean */
	writer_abort(w);
	return 0;
}

/* Rename rel from the stage over public/'s.  0 or -1 (errno set). */
static int
move_one(struct writer *w, const char *rel)
{
	if (mkparent(w->pubfd, rel) == -1)
		return -1;
	return renameat(w->stagefd, rel, w->pubfd, rel);
}

int
writer_move(struct writer *w, struct err *err)
{
	char		 gzname[PATH_MAX];
	size_t		 i;
	int		 n;

	if (w->pubfd == -1)
		return err_set(err, OUT_DIR, 0, "no public/ to write into");
	for (i = 0; i < w->changed.n; i++) {
		const char *rel = w->changed.v[i];

		/* The twin first: a server must never find a .gz older
		   than its file. */
		if (is_text(rel)) {
			n = snprintf(gzname, sizeof(gzname), "%s.gz", rel);
			if (n < 0 || (size_t)n >= sizeof(gzname))
				return err_set(err, rel, 0, "path too long");
			if (move_one(w, gzname) == -1)
				return err_set(err, gzname, 0, "%s",
				    strerror(errno));
		}
		if (move_one(w, rel) == -1)
			return err_set(err, rel, 0, "%s", strerror(errno));
	}
	writer_abort(w);	/* the stage holds only empty folders now */
	return 0;
}

void
writer_abort(struct writer *w)
{
	int	 k;

	if (!w->open)
		return;
	w->open = 0;
	if (w->stagefd != -1)
		close(w->stagefd);
	if (w->pubfd != -1)
		close(w->pubfd);
	w->stagefd = w->pubfd = -1;
	/* Best effort: what is left, the next writer_open removes. */
	if (w->staged)
		(void)fs_remove_tree_at(w->sitefd, STAGE_DIR);
	w->staged = 0;
	for (k = 0; k < POOL_MAX; k++) {
		libdeflate_free_compressor(w->gz[k][GZ_PAGE]);
		libdeflate_free_compressor(w->gz[k][GZ_REST]);
		w->gz[k][GZ_PAGE] = w->gz[k][GZ_REST] = NULL;
	}
	outlist_free(&w->changed);
	pthread_mutex_destroy(&w->lock);
}
