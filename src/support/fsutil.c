#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"

int
fs_read_at(int dirfd, const char *path, size_t max, struct buf *out,
    int missing_ok, struct err *err)
{
	struct stat	 st;
	ssize_t		 r;
	int		 fd, rc = -1;

	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && missing_ok)
			return 1;
		return err_set(err, path, 0, "%s", strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		err_set(err, path, 0, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, path, 0, "not a regular file");
		goto out;
	}
	if ((unsigned long long)st.st_size > max) {
		err_set(err, path, 0, "larger than %zu bytes", max);
		goto out;
	}
	if (buf_grow(out, (size_t)st.st_size) == -1) {
		err_set(err, path, 0, "out of memory");
		goto out;
	}
	for (;;) {
		if (out->cap - out->len <= 1 && buf_grow(out, 4096) == -1) {
			err_set(err, path, 0, "out of memory");
			goto out;
		}
		r = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err_set(err, path, 0, "%s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		out->len += (size_t)r;
		if (out->len > max) {
			err_set(err, path, 0, "larger than %zu bytes", max);
			goto out;
		}
	}
	out->data[out->len] = '\0';
	rc = 0;
out:
	close(fd);
	return rc;
}

int
fs_write_all(int fd, const void *p, size_t n)
{
	const char	*s = p;
	ssize_t		 w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
fs_write_atomic(int dirfd, const char *path, const char *tmp,
    const void *data, size_t len, int durable)
{
	int	 fd, saved;

	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644);
	if (fd == -1)
		return -1;
	if (fs_write_all(fd, data, len) == -1 ||
	    (durable && fsync(fd) == -1)) {
		saved = errno;
		close(fd);
		(void)unlinkat(dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	if (close(fd) == -1 || renameat(dirfd, tmp, dirfd, path) == -1) {
		saved = errno;
		(void)unlinkat(dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	return 0;
}

int
fs_realpath_at(int dirfd, const char *path, char *out)
{
	char	 via[PATH_MAX];
	int	 n;

	n = snprintf(via, sizeof(via), "/proc/self/fd/%d/%s", dirfd, path);
	if (n < 0 || (size_t)n >= sizeof(via)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return realpath(via, out) == NULL ? -1 : 0;
}

int
fs_mkdirs_at(int dirfd, const char *path)
{
	char	 tmp[PATH_MAX];
	size_t	 i, n = strlen(path);

	if (n == 0)
		return 0;
	if (n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdirat(dirfd, tmp, 0755) == -1 && errno != EEXIST)
			return -1;
		if (i < n)
			tmp[i] = '/';
	}
	return 0;
}

int
fs_remove_tree_at(int parentfd, const char *path)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd, rc = 0;

	if (unlinkat(parentfd, path, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	fd = openat(parentfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fs_remove_tree_at(dirfd(d), de->d_name) == -1)
			rc = -1;
	}
	closedir(d);
	if (unlinkat(parentfd, path, AT_REMOVEDIR) == -1 && errno != ENOENT)
		rc = -1;
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
fs_list(int dirfd, const char *dir, int hidden, struct fs_names *out,
    struct stat *st)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 cap = 0;
	char		**v;
	int		 fd, saved;

	out->v = NULL;
	out->n = 0;
	fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 1 : -1;
	if ((st != NULL && fstat(fd, st) == -1) ||
	    (d = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (!hidden && de->d_name[0] == '.'))
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((v = realloc(out->v, cap * sizeof(*v))) == NULL)
				goto fail;
			out->v = v;
		}
		if ((out->v[out->n] = strdup(de->d_name)) == NULL)
			goto fail;
		out->n++;
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), name_cmp);
	return 0;
fail:
	closedir(d);
	fs_names_free(out);
	errno = ENOMEM;
	return -1;
}

void
fs_names_free(struct fs_names *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
