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

int
writer_open(struct writer *w, int sitefd, int incremental, struct err *err)
{
	struct stat	 st;
	int		 k;

	memset(w, 0, sizeof(*w));
	w->sitefd = sitefd;
	w->rootfd = -1;
	w->level = 6;
	atomic_init(&w->written, 0);
	atomic_init(&w->unchanged, 0);
	for (k = 0; k < POOL_MAX; k++)
		if ((w->gz[k] = libdeflate_alloc_compressor(w->level)) ==
		    NULL) {
			writer_abort(w);
			return err_set(err, OUT_DIR, 0, "out of memory");
		}
	if (incremental && fstatat(sitefd, OUT_DIR, &st, AT_SYMLINK_NOFOLLOW)
	    == 0 && S_ISDIR(st.st_mode)) {
		w->incremental = 1;
		w->rootfd = openat(sitefd, OUT_DIR, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
	} else {
		/* A stage left by a killed build is only litter. */
		if (fs_remove_tree_at(sitefd, STAGE_DIR) == -1 ||
		    mkdirat(sitefd, STAGE_DIR, 0755) == -1) {
			err_set(err, STAGE_DIR, 0, "%s", strerror(errno));
			writer_abort(w);
			return -1;
		}
		w->rootfd = openat(sitefd, STAGE_DIR, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
	}
	if (w->rootfd == -1) {
		err_set(err, OUT_DIR, 0, "%s", strerror(errno));
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

static int
put_one(struct writer *w, const char *rel, const void *data, size_t len)
{
	char	 tmp[PATH_MAX];
	const char *target = rel;
	int	 fd, n;

	if (w->incremental) {
		n = snprintf(tmp, sizeof(tmp), "%s.tmp~", rel);
		if (n < 0 || (size_t)n >= sizeof(tmp)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		target = tmp;
	}
	fd = openat(w->rootfd, target, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1)
		return -1;
	if (fs_write_all(fd, data, len) == -1) {
		close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return -1;
	if (w->incremental && renameat(w->rootfd, tmp, w->rootfd, rel) == -1)
		return -1;
	return 0;
}

void
writer_open_memory(struct writer *w, struct memfs *mem)
{
	memset(w, 0, sizeof(*w));
	w->sitefd = -1;
	w->rootfd = -1;
	w->incremental = 1;	/* nothing on disk to clean up */
	w->mem = mem;
	atomic_init(&w->written, 0);
	atomic_init(&w->unchanged, 0);
}

int
writer_put(struct writer *w, int worker, const char *rel, const void *data,
    size_t len, struct err *err)
{
	char	 gzname[PATH_MAX];
	void	*gz = NULL;
	size_t	 bound, gzlen;
	int	 n, rc = -1;

	if (w->mem != NULL) {
		if (memfs_put(w->mem, rel, data, len) == -1)
			return err_set(err, rel, 0, "out of memory");
		atomic_fetch_add(&w->written, 1);
		return 0;
	}

	n = snprintf(gzname, sizeof(gzname), "%s.gz", rel);
	if (n < 0 || (size_t)n >= sizeof(gzname))
		return err_set(err, rel, 0, "path too long");
	if (w->incremental && same_bytes(w->rootfd, rel, data, len) &&
	    (!is_text(rel) || faccessat(w->rootfd, gzname, F_OK,
	    AT_SYMLINK_NOFOLLOW) == 0)) {
		atomic_fetch_add(&w->unchanged, 1);
		return 0;
	}
	if (mkparent(w->rootfd, rel) == -1)
		return err_set(err, rel, 0, "%s", strerror(errno));
	/* The twin first: a server must never find a .gz older than its file. */
	if (is_text(rel)) {
		bound = libdeflate_gzip_compress_bound(w->gz[worker], len);
		if ((gz = malloc(bound)) == NULL)
			return err_set(err, rel, 0, "out of memory");
		gzlen = libdeflate_gzip_compress(w->gz[worker], data, len, gz,
		    bound);
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
	atomic_fetch_add(&w->written, 1);
	rc = 0;
out:
	free(gz);
	return rc;
}

int
writer_commit(struct writer *w, struct err *err)
{
	struct stat	 st;
	int		 exists;

	if (w->incremental || w->mem != NULL) {
		writer_abort(w);
		return 0;
	}
	exists = fstatat(w->sitefd, OUT_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists) {
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
	w->incremental = 1;	/* nothing left to clean */
	writer_abort(w);
	return 0;
}

void
writer_abort(struct writer *w)
{
	int	 k;

	if (w->rootfd != -1)
		close(w->rootfd);
	w->rootfd = -1;
	if (!w->incremental && w->sitefd > 0)
		(void)fs_remove_tree_at(w->sitefd, STAGE_DIR);
	for (k = 0; k < POOL_MAX; k++) {
		if (w->gz[k] != NULL)
			libdeflate_free_compressor(w->gz[k]);
		w->gz[k] = NULL;
	}
}
