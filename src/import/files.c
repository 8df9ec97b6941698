#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../support/fsutil.h"
#include "impl.h"

/* Paths stet writes itself: no page may take one (load.c's list). */
const char *const imp_reserved[] = { "writing", "topics", "notes",
    "feed.xml", "rss.xml", "feed.json", "sitemap.xml",
    "404", "404.html", "index", "index.html", "style.css", "favicon.svg",
    "subscribe", "unsubscribe", "media", NULL };

int
imp_has_ext(const char *name, const char *ext)
{
	size_t	 n = strlen(name), e = strlen(ext);

	return n > e && strcasecmp(name + n - e, ext) == 0;
}

size_t
imp_source_ext(const char *name)
{
	static const char *const exts[] = { ".md", ".markdown", ".mdown",
	    ".mkd", ".mkdn", ".html", NULL };
	size_t	 i;

	for (i = 0; exts[i] != NULL; i++)
		if (imp_has_ext(name, exts[i]))
			return strlen(exts[i]);
	return 0;
}

int
imp_is_dir(int fd, const char *p)
{
	struct stat	 st;

	return fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

int
imp_is_file(int fd, const char *p)
{
	struct stat	 st;

	return fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode);
}

char *
imp_join(struct arena *a, const char *dir, const char *name)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 0);
	/* "." is the old site's top: "./x" would be a different name. */
	if ((*dir != '\0' && strcmp(dir, ".") != 0 &&
	    buf_printf(&b, "%s/", dir) == -1) || buf_puts(&b, name) == -1) {
		buf_free(&b);
		return NULL;
	}
	s = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return s;
}

int
imp_oom(struct imp *im)
{
	return err_set(im->err, NULL, 0, "out of memory");
}

/* Copy one file from the old site to the new, making its folders. */
int
imp_copy_file(struct imp *im, const char *from, const char *to)
{
	struct buf	 b;
	char		*slash, dir[PATH_MAX];
	int		 fd, rc = -1;
	struct err	 e;

	buf_init(&b, 0);
	if (fs_read_at(im->oldfd, from, COPY_MAX, &b, 0, &e) == -1) {
		notes_add(im->notes, NOTE_LOOK, from, 0, "not copied: %s",
		    e.msg + e.what);
		buf_free(&b);
		return 0;
	}
	if ((slash = strrchr(to, '/')) != NULL) {
		if ((size_t)(slash - to) >= sizeof(dir))
			goto out;
		memcpy(dir, to, (size_t)(slash - to));
		dir[slash - to] = '\0';
		if (fs_mkdirs_at(im->newfd, dir) == -1) {
			err_set(im->err, dir, 0, "%s", strerror(errno));
			goto out;
		}
	}
	if ((fd = openat(im->newfd, to, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) == -1 || fs_write_all(fd, b.data, b.len) == -1) {
		err_set(im->err, to, 0, "%s", strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	close(fd);
	im->res->nfiles++;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

int
imp_write_file(struct imp *im, const char *to, const char *data, size_t len)
{
	char		*slash, dir[PATH_MAX];
	int		 fd;

	if ((slash = strrchr(to, '/')) != NULL) {
		if ((size_t)(slash - to) >= sizeof(dir))
			return err_set(im->err, to, 0, "path too long");
		memcpy(dir, to, (size_t)(slash - to));
		dir[slash - to] = '\0';
		if (fs_mkdirs_at(im->newfd, dir) == -1)
			return err_set(im->err, dir, 0, "%s", strerror(errno));
	}
	if ((fd = openat(im->newfd, to, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) == -1 || fs_write_all(fd, data, len) == -1) {
		err_set(im->err, to, 0, "%s", strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Would a file at rel (in public/) take the place of one stet makes? */
int
imp_stet_path(const char *rel)
{
	size_t	 i, n = strcspn(rel, "/");

	for (i = 0; imp_reserved[i] != NULL; i++)
		/*
		 * Below writing/ and topics/ every path may be stet's; notes/
		 * is stet's only for a site with notes, which an imported
		 * site has not.
		 */
		if (strlen(imp_reserved[i]) == n && strncmp(rel,
		    imp_reserved[i], n) == 0 && (rel[n] == '\0' ||
		    strcmp(imp_reserved[i], "writing") == 0 ||
		    strcmp(imp_reserved[i], "topics") == 0))
			return 1;
	return 0;
}

/* Copy the folder from (old site) to to (new site), all of it. */
int
imp_copy_tree(struct imp *im, const char *from, const char *to, const char *pub,
    int depth)
{
	struct fs_names	 names;
	size_t		 i;
	int		 rc = 0;

	if (depth > DEPTH_MAX)
		return 0;
	if (fs_list(im->oldfd, from, 0, &names, NULL) != 0)
		return 0;
	for (i = 0; i < names.n && rc == 0; i++) {
		char *f = imp_join(im->a, from, names.v[i]);
		char *t = imp_join(im->a, to, names.v[i]);
		char *p = imp_join(im->a, pub, names.v[i]);

		if (f == NULL || t == NULL || p == NULL) {
			rc = imp_oom(im);
			break;
		}
		if (imp_is_dir(im->oldfd, f))
			rc = imp_copy_tree(im, f, t, p, depth + 1);
		else if (!imp_is_file(im->oldfd, f))
			continue;
		else if (imp_stet_path(p)) {
			notes_add(im->notes, NOTE_LOOK, f, 0, "not copied: "
			    "stet makes /%s itself", p);
			im->res->nskipped++;
		} else
			rc = imp_copy_file(im, f, t);
	}
	fs_names_free(&names);
	return rc;
}
