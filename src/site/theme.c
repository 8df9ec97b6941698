#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../embedded.h"
#include "../support/buf.h"
#include "../support/fsutil.h"
#include <sodium.h>

#include "theme.h"

#define STATIC_FILE_MAX	(256 * 1024 * 1024)
#define STATIC_DEPTH	32

int
theme_templates(const struct site *s, struct tset **out, struct err *err)
{
	const struct embedded *e;
	struct tset	*t;
	struct dirent	*de;
	struct buf	 src, path;
	DIR		*d = NULL;
	char		 name[256];
	size_t		 n;
	int		 fd, rc = -1;

	*out = NULL;
	if ((t = template_set_new()) == NULL)
		return err_set(err, "templates", 0, "out of memory");
	buf_init(&src, 0);
	buf_init(&path, 0);
	for (e = embedded_files; e->name != NULL; e++) {
		if (strncmp(e->name, "templates/", 10) != 0)
			continue;
		n = strlen(e->name + 10) - 5;	/* less ".html" */
		memcpy(name, e->name + 10, n);
		name[n] = '\0';
		if (template_add(t, name, e->name, (const char *)e->data,
		    e->len, err) == -1)
			goto out;
	}
	fd = openat(s->dirfd, "templates", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 && errno != ENOENT) {
		err_set(err, "templates", 0, "%s", strerror(errno));
		goto out;
	}
	if (fd != -1 && (d = fdopendir(fd)) == NULL) {
		close(fd);
		err_set(err, "templates", 0, "%s", strerror(errno));
		goto out;
	}
	while (d != NULL && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n <= 5 || n - 5 >= sizeof(name) ||
		    strcmp(de->d_name + n - 5, ".html") != 0)
			continue;
		memcpy(name, de->d_name, n - 5);
		name[n - 5] = '\0';
		buf_reset(&src);
		buf_reset(&path);
		if (buf_printf(&path, "templates/%s", de->d_name) == -1) {
			err_set(err, "templates", 0, "out of memory");
			goto out;
		}
		if (fs_read_at(s->dirfd, path.data, 1024 * 1024, &src, 0,
		    err) == -1 || template_add(t, name, path.data, src.data,
		    src.len, err) == -1)
			goto out;
	}
	if (template_link(t, err) == -1)
		goto out;
	*out = t;
	t = NULL;
	rc = 0;
out:
	if (d != NULL)
		closedir(d);
	template_set_free(t);
	buf_free(&src);
	buf_free(&path);
	return rc;
}

struct walk {
	const struct site *site;
	struct writer	*w;
	struct outlist	*out;
	crypto_generichash_state *hash;	/* theme_static_sig's */
	dev_t		 dev[STATIC_DEPTH];
	ino_t		 ino[STATIC_DEPTH];
	int		 depth;
	const char	*skip;		/* a page bundle's own source file */
	struct buf	 data;
	struct err	*err;
};

/* Copy the folder rel ("static/img") to out ("img"). */
static int
walk_dir(struct walk *wk, const char *rel, const char *out)
{
	struct fs_names	 names;
	struct stat	 st;
	struct buf	 child, outp;
	size_t		 i;
	int		 rc = -1, k;

	if (fs_list(wk->site->dirfd, rel, 1, &names, &st) != 0)
		return err_set(wk->err, rel, 0, "%s", strerror(errno));
	for (k = 0; k < wk->depth; k++)
		if (wk->dev[k] == st.st_dev && wk->ino[k] == st.st_ino) {
			fs_names_free(&names);
			return err_set(wk->err, rel, 0, "symlink loop: this "
			    "folder contains itself");
		}
	if (wk->depth == STATIC_DEPTH) {
		fs_names_free(&names);
		return err_set(wk->err, rel, 0, "folders nested too deep");
	}
	wk->dev[wk->depth] = st.st_dev;
	wk->ino[wk->depth] = st.st_ino;
	wk->depth++;
	buf_init(&child, 0);
	buf_init(&outp, 0);
	for (i = 0; i < names.n; i++) {
		if (wk->depth == 1 && wk->skip != NULL &&
		    strcmp(names.v[i], wk->skip) == 0)
			continue;
		buf_reset(&child);
		buf_reset(&outp);
		if (buf_printf(&child, "%s/%s", rel, names.v[i]) == -1 ||
		    buf_printf(&outp, "%s%s%s", out, *out ? "/" : "",
		    names.v[i]) == -1)
			goto oom;
		/* Follow links, as a reader of the folder would. */
		if (fstatat(wk->site->dirfd, child.data, &st, 0) == -1) {
			err_set(wk->err, child.data, 0, "%s", errno == ELOOP ?
			    "symlink loop" : strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (walk_dir(wk, child.data, outp.data) == -1)
				goto out;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;	/* sockets, fifos: nothing to publish */
		if (wk->out != NULL && outlist_add(wk->out, outp.data) == -1)
			goto oom;
		if (wk->hash != NULL) {
			int64_t meta[3] = { (int64_t)st.st_size,
			    (int64_t)st.st_mtim.tv_sec,
			    (int64_t)st.st_mtim.tv_nsec };

			crypto_generichash_update(wk->hash,
			    (const unsigned char *)outp.data, outp.len + 1);
			crypto_generichash_update(wk->hash,
			    (const unsigned char *)meta, sizeof(meta));
		}
		if (wk->w == NULL)
			continue;	/* only listing */
		buf_reset(&wk->data);
		if (fs_read_at(wk->site->dirfd, child.data, STATIC_FILE_MAX,
		    &wk->data, 0, wk->err) == -1 ||
		    writer_put(wk->w, 0, outp.data, wk->data.data,
		    wk->data.len, wk->err) == -1)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	err_set(wk->err, rel, 0, "out of memory");
out:
	wk->depth--;
	fs_names_free(&names);
	buf_free(&child);
	buf_free(&outp);
	return rc;
}

/*
 * A post from a page bundle ("posts/x/index.md") publishes the other
 * files of its folder beside its page, so the relative links in it keep
 * working: "posts/x/chart.png" -> "writing/<slug>/chart.png".
 */
static int
walk_bundles(struct walk *wk)
{
	const struct site *s = wk->site;
	char		 dir[4096], out[4096];
	const char	*slash;
	size_t		 i, n;
	int		 rc = 0;

	for (i = 0; i < s->nposts && rc == 0; i++) {
		const struct post *p = &s->posts[i];

		/* "posts/" then "x/index..." : a bundle has a second '/'. */
		if (strncmp(p->file, "posts/", 6) != 0 ||
		    (slash = strchr(p->file + 6, '/')) == NULL ||
		    strncmp(slash + 1, "index.", 6) != 0)
			continue;
		n = (size_t)(slash - p->file);
		if (n >= sizeof(dir) || (size_t)snprintf(out, sizeof(out),
		    "%s/%s", p->section, p->slug) >= sizeof(out))
			return err_set(wk->err, p->file, 0, "path too long");
		memcpy(dir, p->file, n);
		dir[n] = '\0';
		wk->skip = slash + 1;
		rc = walk_dir(wk, dir, out);
		wk->skip = NULL;
	}
	return rc;
}

int
theme_static(const struct site *s, struct writer *w, struct outlist *out,
    struct err *err)
{
	static const char *const builtin[] = { "style.css", "favicon.svg" };
	const struct embedded *e;
	struct walk	 wk;
	struct stat	 st;
	char		 path[64];
	size_t		 i;
	int		 rc = 0;

	memset(&wk, 0, sizeof(wk));
	wk.site = s;
	wk.w = w;
	wk.out = out;
	wk.err = err;
	buf_init(&wk.data, 0);
	if (fstatat(s->dirfd, "static", &st, 0) == 0 && S_ISDIR(st.st_mode))
		rc = walk_dir(&wk, "static", "");
	if (rc == 0)
		rc = walk_bundles(&wk);
	buf_free(&wk.data);
	if (rc == -1)
		return -1;
	for (i = 0; i < sizeof(builtin) / sizeof(*builtin); i++) {
		(void)snprintf(path, sizeof(path), "static/%s", builtin[i]);
		if (fstatat(s->dirfd, path, &st, 0) == 0)
			continue;	/* the site's own replaces ours */
		if ((e = embedded_find(builtin[i])) == NULL)
			return err_set(err, builtin[i], 0, "missing from "
			    "this build of stet");
		if (out != NULL && outlist_add(out, builtin[i]) == -1)
			return err_set(err, builtin[i], 0, "out of memory");
		if (w != NULL && writer_put(w, 0, builtin[i], e->data, e->len, err) == -1)
			return -1;
	}
	return 0;
}

int
theme_static_sig(const struct site *s, unsigned char *out, size_t outlen,
    struct err *err)
{
	crypto_generichash_state h;
	struct walk	 wk;
	struct stat	 st;
	int		 rc = 0;

	memset(&wk, 0, sizeof(wk));
	wk.site = s;
	wk.err = err;
	wk.hash = &h;
	buf_init(&wk.data, 0);
	crypto_generichash_init(&h, NULL, 0, outlen);
	if (fstatat(s->dirfd, "static", &st, 0) == 0 && S_ISDIR(st.st_mode))
		rc = walk_dir(&wk, "static", "");
	if (rc == 0)
		rc = walk_bundles(&wk);
	buf_free(&wk.data);
	crypto_generichash_final(&h, out, outlen);
	return rc;
}
