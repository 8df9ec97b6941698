#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../embedded.h"
#include "../support/buf.h"
#include "../support/fsutil.h"
#include "../support/pool.h"
#include "../support/yamltree.h"
#include <sodium.h>

#include "images.h"
#include "theme.h"

#define STATIC_FILE_MAX	(256 * 1024 * 1024)
#define STATIC_DEPTH	32
#define SECRETS_MAX	8

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
	int		 warn;		/* this pass says what it leaves out */
	char		 root[PATH_MAX]; /* the site folder, links followed */
	size_t		 rootlen;
	struct {			/* files never to publish */
		dev_t		 dev;
		ino_t		 ino;
		const char	*what;
	}		 secret[SECRETS_MAX];
	size_t		 nsecrets;
	struct buf	 data;
	struct err	*err;
	/* Large images met when writing: their copies are made after. */
	struct outlist	 img_src, img_out;
};

/*
 * A file named in stet.yaml by a layer above (mail.dkim.key,
 * server.tls.key): read from the tree those layers read, or NULL.
 */
static const char *
setting(const struct site *s, const char *a, const char *b, const char *c)
{
	const struct ynode *n;

	n = ynode_get(ynode_get(ynode_get(s->cfg.tree, a), b), c);
	return n != NULL && n->kind == YNODE_SCALAR ? n->str : NULL;
}

static void
add_secret(struct walk *wk, const char *path, const char *what)
{
	struct stat	 st;

	/* An absolute path (a key kept elsewhere) ignores the folder. */
	if (path == NULL || wk->nsecrets == SECRETS_MAX ||
	    fstatat(wk->site->dirfd, path, &st, 0) == -1)
		return;	/* not there: nothing to guard */
	wk->secret[wk->nsecrets].dev = st.st_dev;
	wk->secret[wk->nsecrets].ino = st.st_ino;
	wk->secret[wk->nsecrets].what = what;
	wk->nsecrets++;
}

/*
 * Ready wk to guard what static/ must never publish: where the site
 * really is (to tell where a link leads), and the files that are
 * secrets whatever name or link reaches them.  0, or -1 with err.
 */
static int
walk_init(struct walk *wk, const struct site *s, struct err *err)
{
	memset(wk, 0, sizeof(*wk));
	wk->site = s;
	wk->err = err;
	buf_init(&wk->data, 0);
	if (fs_realpath_at(s->dirfd, ".", wk->root) == -1)
		return err_set(err, "static", 0, "finding the site folder: %s",
		    strerror(errno));
	wk->rootlen = strlen(wk->root);
	add_secret(wk, "stet.db", "the subscriber database");
	add_secret(wk, "stet.db-wal", "the subscriber database's log");
	add_secret(wk, "stet.db-shm", "the subscriber database's index");
	add_secret(wk, "stet.db-journal", "the subscriber database's log");
	add_secret(wk, setting(s, "mail", "dkim", "key"),
	    "the DKIM key of mail.dkim");
	add_secret(wk, setting(s, "server", "tls", "key"),
	    "the TLS key of server.tls");
	return 0;
}

/*
 * Where rel, a symbolic link, leads must be inside the site folder and
 * not a place stet keeps to itself.  0, or -1 with err naming rel.  A
 * link that leads nowhere is left to the caller's stat to report.
 */
static int
check_link(struct walk *wk, const char *rel)
{
	char		 real[PATH_MAX];
	const char	*in, *c, *why = NULL;
	size_t		 n;

	if (fs_realpath_at(wk->site->dirfd, rel, real) == -1)
		return 0;
	if (strncmp(real, wk->root, wk->rootlen) != 0 ||
	    (real[wk->rootlen] != '/' && real[wk->rootlen] != '\0'))
		return err_set(wk->err, rel, 0, "a symbolic link to %s, "
		    "outside the site folder: stet publishes nothing from "
		    "outside it", real);
	in = real + wk->rootlen;
	in += *in == '/';
	if (*in == '\0')
		why = "the site folder itself";
	else if (strncmp(in, "stet.db", 7) == 0 && strchr(in, '/') == NULL)
		why = "the subscriber database";
	else if (strcmp(in, "public") == 0 || strncmp(in, "public/", 7) == 0)
		why = "the built site";
	/* .stet/, .git/, .env: anything hidden but .well-known. */
	for (c = in; why == NULL && *c != '\0'; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if (*c == '.' && !(n == 11 && strncmp(c, ".well-known", 11) ==
		    0))
			why = "hidden";
	}
	if (why != NULL)
		return err_set(wk->err, rel, 0, "a symbolic link to %s (%s): "
		    "stet never publishes it", in, why);
	return 0;
}

/* Is name (in folder rel) one to leave out without a word? */
static int
hidden(const char *rel, const char *name)
{
	/* Only static/.well-known/ means something to the web. */
	return name[0] == '.' && !(strcmp(rel, "static") == 0 &&
	    strcmp(name, ".well-known") == 0);
}

/* A name private keys and the database have, or NULL. */
static const char *
secret_name(const char *name)
{
	size_t	 n = strlen(name);

	if (strncmp(name, "stet.db", 7) == 0)
		return "the name of the subscriber database";
	if ((n > 4 && strcmp(name + n - 4, ".key") == 0) ||
	    (n > 4 && strcmp(name + n - 4, ".pem") == 0))
		return "a name private keys have (.key, .pem)";
	return NULL;
}

/*
 * A large image's smaller copies (images.h) are published beside it:
 * listed with it, and, when writing, made after the walk on every core.
 * stet check (a writer in memory) makes none: it looks at pages only.
 * 0 or -1 (out of memory).
 */
static int
img_copies(struct walk *wk, const char *src, const char *out)
{
	struct image_info inf;
	struct buf	 name;
	unsigned	 k;
	int		 avif, rc = 0;

	if (wk->hash != NULL || !images_info(wk->site->images, src, &inf) ||
	    inf.nwidths == 0)
		return 0;
	if (wk->w != NULL) {
		if (wk->w->mem != NULL)
			return 0;
		if (outlist_add(&wk->img_src, src) == -1 ||
		    outlist_add(&wk->img_out, out) == -1)
			return -1;
	}
	if (wk->out == NULL)
		return 0;
	buf_init(&name, 0);
	for (avif = 0; avif <= inf.avif && rc == 0; avif++)
		for (k = 0; k < inf.nwidths && rc == 0; k++) {
			buf_reset(&name);
			rc = images_copy_name(&name, out, inf.widths[k], avif);
			if (rc == 0)
				rc = outlist_add(wk->out, name.data);
		}
	buf_free(&name);
	return rc;
}

struct copy_put {
	struct writer	*w;
	int		 worker;
};

static int
copy_put(void *arg, const char *name, const void *data, size_t len,
    struct err *err)
{
	const struct copy_put *cp = arg;

	return writer_put(cp->w, cp->worker, name, data, len, err);
}

static int
copy_one(void *ctx, size_t i, int worker, struct err *err)
{
	struct walk	*wk = ctx;
	struct copy_put	 cp = { wk->w, worker };
	int		 rc;

	rc = images_publish(wk->site->images, wk->img_src.v[i],
	    wk->img_out.v[i], copy_put, &cp, err);
	if (rc == 1) {
		/* A file libvips cannot decode: shown as it is. */
		diag_warn(wk->site->diag, wk->img_src.v[i], 0, "%s", err->msg);
		rc = 0;
	}
	return rc;
}

/* Make and publish the copies of the large images the walk met. */
static int
img_publish(struct walk *wk)
{
	int	 rc = 0;

	if (wk->img_src.n > 0)
		rc = pool_run(wk->img_src.n, pool_threads(), copy_one, wk,
		    wk->err);
	outlist_free(&wk->img_src);
	outlist_free(&wk->img_out);
	return rc;
}

/* Copy the folder rel ("static/img") to out ("img"). */
static int
walk_dir(struct walk *wk, const char *rel, const char *out)
{
	struct fs_names	 names;
	struct stat	 st;
	struct buf	 child, outp;
	size_t		 i;
	int		 rc = -1, k;

	/* static/ or a bundle may itself be a link; those below are
	   checked as they are met. */
	if (wk->depth == 0 && fstatat(wk->site->dirfd, rel, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
	    check_link(wk, rel) == -1)
		return -1;
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
		const char *why;
		size_t j;

		if ((wk->depth == 1 && wk->skip != NULL &&
		    strcmp(names.v[i], wk->skip) == 0) ||
		    hidden(rel, names.v[i]))
			continue;
		buf_reset(&child);
		buf_reset(&outp);
		if (buf_printf(&child, "%s/%s", rel, names.v[i]) == -1 ||
		    buf_printf(&outp, "%s%s%s", out, *out ? "/" : "",
		    names.v[i]) == -1)
			goto oom;
		/* Follow links, as a reader of the folder would, if they
		   stay where stet may publish from. */
		if (fstatat(wk->site->dirfd, child.data, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
		    check_link(wk, child.data) == -1)
			goto out;
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
		/* The database or a key, by whatever name or hard link. */
		for (j = 0; j < wk->nsecrets; j++)
			if (wk->secret[j].dev == st.st_dev &&
			    wk->secret[j].ino == st.st_ino) {
				err_set(wk->err, child.data, 0, "is %s: stet "
				    "never publishes it", wk->secret[j].what);
				goto out;
			}
		if ((why = secret_name(names.v[i])) != NULL) {
			if (wk->warn)
				diag_warn(wk->site->diag, child.data, 0, "not "
				    "published: %s; rename it if it is meant "
				    "to be public", why);
			continue;
		}
		if (wk->out != NULL && outlist_add(wk->out, outp.data) == -1)
			goto oom;
		if (images_resizable(names.v[i]) && wk->site->images != NULL &&
		    img_copies(wk, child.data, outp.data) == -1)
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

	if (walk_init(&wk, s, err) == -1)
		return -1;
	wk.w = w;
	wk.out = out;
	/* Once a build: the pass that lists, which every build makes. */
	wk.warn = out != NULL;
	if (fstatat(s->dirfd, "static", &st, 0) == 0 && S_ISDIR(st.st_mode))
		rc = walk_dir(&wk, "static", "");
	if (rc == 0)
		rc = walk_bundles(&wk);
	if (rc == 0)
		rc = img_publish(&wk);
	outlist_free(&wk.img_src);
	outlist_free(&wk.img_out);
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

	if (walk_init(&wk, s, err) == -1)
		return -1;
	wk.hash = &h;
	crypto_generichash_init(&h, NULL, 0, outlen);
	if (fstatat(s->dirfd, "static", &st, 0) == 0 && S_ISDIR(st.st_mode))
		rc = walk_dir(&wk, "static", "");
	if (rc == 0)
		rc = walk_bundles(&wk);
	buf_free(&wk.data);
	crypto_generichash_final(&h, out, outlen);
	return rc;
}
