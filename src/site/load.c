#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/fsutil.h"
#include "../support/hash.h"
#include "../support/text.h"
#include "cache.h"
#include "config.h"
#include "load.h"
#include "topics.h"

#define SOURCE_MAX	(16 * 1024 * 1024)
#define SLUG_MAX	200

/* Paths stet writes itself: no page may take one. */
static const char *const reserved[] = { "writing", "topics", "notes",
    "feed.xml", "rss.xml", "feed.json", "sitemap.xml", "robots.txt",
    "404", "404.html", "index", "index.html", "style.css", "favicon.svg",
    "subscribe", "unsubscribe", NULL };

/* Does the file start with a front matter fence (after a BOM)? */
static int
has_front(const char *s, size_t n)
{
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	return n >= 3 && memcmp(s, "---", 3) == 0;
}

struct names {
	char	**v;
	size_t	 n;
};

static int
has_ext(const char *name, const char *ext)
{
	size_t	 n = strlen(name), e = strlen(ext);

	return n > e && strcmp(name + n - e, ext) == 0;
}

/* The source files of one folder (.md, .markdown, .html), sorted. */
static int
list_sources(struct site *s, const char *dir, struct names *out,
    struct err *err)
{
	struct fs_names	 all;
	size_t		 i;
	int		 rc;

	out->v = NULL;
	out->n = 0;
	if ((rc = fs_list(s->dirfd, dir, 0, &all, NULL)) != 0)
		return rc == 1 ? 0 : err_set(err, dir, 0, "%s",
		    strerror(errno));
	if ((out->v = calloc(all.n ? all.n : 1, sizeof(*out->v))) == NULL) {
		fs_names_free(&all);
		return err_set(err, dir, 0, "out of memory");
	}
	for (i = 0; i < all.n; i++) {
		const char *name = all.v[i];

		if (!has_ext(name, ".md") && !has_ext(name, ".markdown") &&
		    !has_ext(name, ".html"))
			continue;
		if ((out->v[out->n] = arena_strdup(s->arena, name)) == NULL) {
			fs_names_free(&all);
			free(out->v);
			out->v = NULL;
			return err_set(err, dir, 0, "out of memory");
		}
		out->n++;
	}
	fs_names_free(&all);
	return 0;
}

static int
scalar(const struct ynode *n, const char *file, const char *what,
    const char **out, struct err *err)
{
	if (n->kind != YNODE_SCALAR)
		return err_set(err, file, n->line, "%s: want a single value",
		    what);
	*out = n->str;
	return 0;
}

static int
boolean(const struct ynode *n, const char *file, const char *what, int *out,
    struct err *err)
{
	const char *v = NULL;

	if (scalar(n, file, what, &v, err) == -1)
		return -1;
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
		*out = 0;
	else
		return err_set(err, file, n->line, "%s: want true or false",
		    what);
	return 0;
}

static int
date_field(const struct ynode *n, const char *file, const char *what,
    struct date *d, struct err *err)
{
	const char	*v = NULL, *why;

	if (scalar(n, file, what, &v, err) == -1)
		return -1;
	if (date_parse(v, n->len, d, &why) == -1)
		return err_set(err, file, n->line, "%s: %s: %s", what, why, v);
	/* Pages and feeds show every date in the site's timezone. */
	date_localize(d);
	return 0;
}

/* A slug becomes a folder name in public/: keep it to one safe segment. */
static int
slug_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > SLUG_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' ||
		    c == '?' || c == '#' || c == '%' || c == '"' ||
		    c == '<' || c == '>' || c == ' ')
			return 0;
	}
	return 1;
}

/* Count the tags of a sequence or a comma-separated scalar. */
static int
tags_field(struct arena *a, const struct ynode *n, const char *file,
    struct post *p, struct err *err)
{
	const struct ynode *t;
	size_t		 k = p->ntags, more = 0;
	const char	*s = NULL, *c;

	if (n->kind == YNODE_MAP)
		return err_set(err, file, n->line, "%s: want a list",
		    n->key->str);
	if (n->kind == YNODE_SEQ) {
		for (t = n->child; t != NULL; t = t->next)
			more++;
	} else if (n->len > 0) {
		more = 1;
		for (c = n->str; (c = strchr(c, ',')) != NULL; c++)
			more++;
	}
	if (more == 0)
		return 0;
	{
		const char **nt = arena_alloc(a, (k + more) * sizeof(*nt));
		size_t *nl = arena_alloc(a, (k + more) * sizeof(*nl));

		if (nt == NULL || nl == NULL)
			return err_set(err, file, 0, "out of memory");
		if (k) {
			memcpy(nt, p->tags, k * sizeof(*nt));
			memcpy(nl, p->tag_lines, k * sizeof(*nl));
		}
		p->tags = nt;
		p->tag_lines = nl;
	}
	if (n->kind == YNODE_SEQ) {
		for (t = n->child; t != NULL; t = t->next) {
			if (scalar(t, file, n->key->str, &s, err) == -1)
				return -1;
			p->tag_lines[p->ntags] = t->line;
			p->tags[p->ntags++] = s;
		}
		return 0;
	}
	for (s = n->str; ; s = c + 1) {
		size_t len;

		c = strchr(s, ',');
		len = c ? (size_t)(c - s) : strlen(s);
		while (len > 0 && *s == ' ')
			s++, len--;
		while (len > 0 && s[len - 1] == ' ')
			len--;
		if (len > 0) {
			p->tag_lines[p->ntags] = n->line;
			if ((p->tags[p->ntags++] = arena_strndup(a, s, len)) ==
			    NULL)
				return err_set(err, file, 0, "out of memory");
		}
		if (c == NULL)
			break;
	}
	return 0;
}

/*
 * An old URL path that should land on this post, as the file to write:
 * "/posts/x/" -> "posts/x/index.html", "/2015/01/08/x.html" as it is,
 * "/old" -> "old/index.html".  Anything that could leave public/ or
 * that a static host would not serve as a file is refused.
 */
static const char *
alias_path(struct arena *a, const char *v)
{
	struct buf	 b;
	const char	*last, *out;
	size_t		 i, n;

	while (*v == '/')
		v++;
	n = strlen(v);
	if (n == 0 || n > 1024)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f || c == '\\' || c == '?' ||
		    c == '#' || c == '%' || c == '"' || c == '<' || c == '>')
			return NULL;
	}
	if (strstr(v, "//") != NULL || strcmp(v, "..") == 0 ||
	    strncmp(v, "../", 3) == 0 || strstr(v, "/../") != NULL ||
	    strstr(v, "/./") != NULL || strncmp(v, "./", 2) == 0 ||
	    (n >= 3 && strcmp(v + n - 3, "/..") == 0) || v[0] == '.')
		return NULL;
	buf_init(&b, 0);
	last = strrchr(v, '/');
	last = last ? last + 1 : v;
	if (buf_puts(&b, v) == -1 ||
	    (v[n - 1] == '/' ? BUF_LIT(&b, "index.html") :
	    strchr(last, '.') == NULL ? BUF_LIT(&b, "/index.html") : 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	out = arena_strdup(a, b.data);
	buf_free(&b);
	return out;
}

/*
 * aliases: (Hugo) and redirect_from: (Jekyll) may both be given: the
 * second adds to the first.
 */
static int
aliases_field(struct arena *a, const struct ynode *n, const char *file,
    struct post *p, struct err *err)
{
	const struct ynode *t;
	const char	*v = NULL, **nv;
	size_t		 k = 0;

	if (n->kind == YNODE_MAP)
		return err_set(err, file, n->line, "%s: want a list of paths",
		    n->key->str);
	for (t = n->kind == YNODE_SEQ ? n->child : n; t != NULL;
	    t = n->kind == YNODE_SEQ ? t->next : NULL)
		k++;
	if ((nv = arena_alloc(a, (p->naliases + k + 1) * sizeof(*nv))) == NULL)
		return err_set(err, file, 0, "out of memory");
	if (p->naliases > 0)
		memcpy(nv, p->aliases, p->naliases * sizeof(*nv));
	p->aliases = nv;
	for (t = n->kind == YNODE_SEQ ? n->child : n; t != NULL;
	    t = n->kind == YNODE_SEQ ? t->next : NULL) {
		if (scalar(t, file, n->key->str, &v, err) == -1)
			return -1;
		if ((p->aliases[p->naliases] = alias_path(a, v)) == NULL)
			return err_set(err, file, t->line, "%s: %s is not a "
			    "path inside the site", n->key->str, v);
		p->naliases++;
	}
	return 0;
}

/* "2024-01-08-slug.md" -> date prefix length (11) or 0. */
static size_t
date_prefix(const char *name)
{
	size_t	 i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (name[i] != '-')
				return 0;
		} else if (name[i] < '0' || name[i] > '9')
			return 0;
	}
	return name[10] == '-' ? 11 : 0;
}

struct postload {
	struct site	*site;
	const char	*dir;		/* "posts" or "notes" */
	int		 dirfd;		/* that folder, open */
	struct post	*out;		/* one per name */
	const struct cache_post **hits;	/* the cache's entry per file */
	struct names	*names;
};

static int
load_post(void *ctx, size_t i, int worker, struct err *err)
{
	struct postload	*pl = ctx;
	struct site	*s = pl->site;
	struct post	*p = &pl->out[i];
	struct arena	*a = s->warena[worker];
	struct front_split fs;
	struct buf	 src, path;
	struct ynode	*root, *e;
	struct stat	 st;
	const char	*name = pl->names->v[i], *k, *v = NULL, *why;
	size_t		 line, pre, n;
	int		 rc = -1, have_date = 0;

	memset(p, 0, sizeof(*p));
	buf_init(&src, 0);
	buf_init(&path, 0);
	/* From the folder's own fd: one path step, not two, per file. */
	if (fstatat(pl->dirfd, name, &st, 0) == 0) {
		const struct cache_post *cp = pl->hits ? pl->hits[i] : NULL;

		p->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
		    st.st_mtim.tv_nsec;
		p->size = (int64_t)st.st_size;
		/*
		 * Same size and mtime as when the last build read it: take
		 * its front matter from the cache and skip reading the file.
		 */
		if (cp != NULL && cp->post.mtime_ns == p->mtime_ns &&
		    cp->post.size == p->size) {
			*p = cp->post;
			p->section = "writing";
			p->cached = cp;
			p->order = i;
			rc = 0;
			goto out;
		}
		p->cached = cp;
	}
	/* Read it: a new file, or one changed since the last build. */
	p->section = strcmp(pl->dir, "notes") == 0 ? "notes" : "writing";
	if (buf_printf(&path, "%s/%s", pl->dir, name) == -1 ||
	    (p->file = arena_strdup(a, path.data)) == NULL) {
		err_set(err, name, 0, "out of memory");
		goto out;
	}
	p->fresh = 1;
	p->order = i;
	if (fs_read_at(s->dirfd, p->file, SOURCE_MAX, &src, 0, err) == -1)
		goto out;
	if (text_check_utf8(src.data, src.len, &line, &why) == -1) {
		err_set(err, p->file, line, "%s", why);
		goto out;
	}
	if (fm_split(src.data, src.len, p->file, &fs, err) == -1 ||
	    fm_load(a, &fs, p->file, &root, err) == -1)
		goto out;
	if (root->kind != YNODE_MAP) {
		err_set(err, p->file, root->line, "front matter: want keys "
		    "and values");
		goto out;
	}
	p->front = root;
	p->body_line = fs.body_line;
	p->is_html = has_ext(name, ".html");
	for (e = root->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "title") == 0) {
			if (scalar(e, p->file, k, &p->title, err) == -1)
				goto out;
		} else if (strcmp(k, "date") == 0) {
			if (date_field(e, p->file, k, &p->date, err) == -1)
				goto out;
			have_date = 1;
		} else if (strcmp(k, "updated") == 0 ||
		    strcmp(k, "lastmod") == 0) {
			if (date_field(e, p->file, k, &p->updated, err) == -1)
				goto out;
			p->has_updated = 1;
		} else if (strcmp(k, "summary") == 0 ||
		    (strcmp(k, "description") == 0 && p->summary == NULL)) {
			if (scalar(e, p->file, k, &p->summary, err) == -1)
				goto out;
			/* summary: "" (as stet new writes it) is none. */
			if (*p->summary == '\0')
				p->summary = NULL;
		} else if (strcmp(k, "draft") == 0) {
			if (boolean(e, p->file, k, &p->draft, err) == -1)
				goto out;
		} else if (strcmp(k, "published") == 0) {
			/* Jekyll's spelling: published: false is a draft. */
			int pub;
			if (boolean(e, p->file, k, &pub, err) == -1)
				goto out;
			p->draft = !pub;
		} else if (strcmp(k, "slug") == 0) {
			if (scalar(e, p->file, k, &v, err) == -1)
				goto out;
			if (!slug_ok(v)) {
				err_set(err, p->file, e->line, "slug: %s is not "
				    "one plain path segment", v);
				goto out;
			}
			p->slug = v;
			p->slug_line = e->line;
		} else if (strcmp(k, "tags") == 0 ||
		    strcmp(k, "categories") == 0) {
			if (tags_field(a, e, p->file, p, err) == -1)
				goto out;
		} else if (strcmp(k, "id") == 0) {
			if (scalar(e, p->file, k, &p->fm_id, err) == -1)
				goto out;
			if (*p->fm_id == '\0' || strpbrk(p->fm_id,
			    " \t\r\n<>\"") != NULL) {
				err_set(err, p->file, e->line, "id: want a URI "
				    "without spaces, like tag:example.com,"
				    "2026-01-01:/x");
				goto out;
			}
		} else if (strcmp(k, "aliases") == 0 ||
		    strcmp(k, "redirect_from") == 0) {
			if (aliases_field(a, e, p->file, p, err) == -1)
				goto out;
		}
		/* Other keys stay in p->front for templates. */
	}
	if (p->title == NULL || p->title[0] == '\0') {
		err_set(err, p->file, fs.yaml_line, "title: missing");
		goto out;
	}
	pre = date_prefix(name);
	if (!have_date) {
		/* Jekyll takes the date from the file name; so do we. */
		if (pre == 0 || date_parse(name, 10, &p->date, &why) == -1) {
			err_set(err, p->file, fs.yaml_line, "date: missing");
			goto out;
		}
		date_localize(&p->date);
	}
	if (p->slug == NULL) {
		n = strlen(name) - pre;
		n -= has_ext(name, ".markdown") ? 9 : has_ext(name, ".html") ?
		    5 : 3;
		if ((p->slug = arena_strndup(a, name + pre, n)) == NULL) {
			err_set(err, p->file, 0, "out of memory");
			goto out;
		}
		if (!slug_ok(p->slug)) {
			err_set(err, p->file, 0, "the file name does not make "
			    "a usable slug; set slug: in the front matter");
			goto out;
		}
	}
	rc = 0;
out:
	buf_free(&src);
	buf_free(&path);
	return rc;
}

/*
 * Pair each file with its cache entry.  Both lists are in file name
 * order, so one merge does it, rather than a search per file.
 */
static int
match_cache(const struct cache *c, const struct names *names,
    const struct cache_post ***out)
{
	const struct cache_post **hits;
	size_t		 i, j = 0;
	int		 cmp;

	if ((hits = calloc(names->n ? names->n : 1, sizeof(*hits))) == NULL)
		return -1;
	for (i = 0; i < names->n; i++) {
		while (j < c->nposts) {
			const char *f = c->posts[j].post.file;

			cmp = strncmp(f, "posts/", 6) == 0 ?
			    strcmp(f + 6, names->v[i]) : -1;
			if (cmp >= 0) {
				if (cmp == 0)
					hits[i] = &c->posts[j++];
				break;
			}
			j++;
		}
	}
	*out = hits;
	return 0;
}

static int
post_cmp(const void *a, const void *b)
{
	const struct post *x = a, *y = b;

	/*
	 * Newest first, then by slug: directory order differs between
	 * filesystems, and a build must give the same bytes every time.
	 */
	if (x->date.t != y->date.t)
		return x->date.t > y->date.t ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

/*
 * Titles may repeat, slugs may not.  A hash table (open addressing, at
 * most half full) finds a repeat in one pass, where sorting would cost
 * more than the rest of a rebuild.
 */
static int
dup_slug(struct post *x, struct post *y, struct err *err)
{
	/* Name them in file order, whatever found them. */
	struct post *a = x->order < y->order ? x : y;
	struct post *b = a == x ? y : x;

	return err_set(err, b->file, b->slug_line, "slug %s is already taken "
	    "by %s", b->slug, a->file);
}

static int
check_slugs(struct post *v, size_t n, struct err *err)
{
	struct post	**t;
	size_t		 size = 16, i, j, h, fresh = 0;
	int		 rc = 0;

	/*
	 * Posts taken from the cache had unique slugs in the build that
	 * wrote it; after a small edit only the few read again need a look.
	 */
	for (i = 0; i < n; i++)
		fresh += v[i].fresh || v[i].cached == NULL;
	if (fresh <= 16) {
		for (i = 0; i < n; i++) {
			if (!v[i].fresh && v[i].cached != NULL)
				continue;
			for (j = 0; j < n; j++)
				if (j != i && strcmp(v[i].slug, v[j].slug) == 0)
					return dup_slug(&v[i], &v[j], err);
		}
		return 0;
	}
	while (size < n * 2)
		size *= 2;
	if ((t = calloc(size, sizeof(*t))) == NULL)
		return err_set(err, "posts", 0, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		struct post *p = &v[i];

		for (h = hash_str(HASH_INIT, p->slug) & (size - 1); t[h] != NULL;
		    h = (h + 1) & (size - 1))
			if (strcmp(t[h]->slug, p->slug) == 0) {
				rc = dup_slug(t[h], p, err);
				break;
			}
		t[h] = p;
	}
	free(t);
	return rc;
}

static int
load_pages(struct site *s, struct err *err)
{
	struct names	 names;
	struct buf	 src, path;
	struct front_split fs;
	struct ynode	*root, *e;
	size_t		 i, line, r;
	const char	*why;
	int		 rc = -1;

	buf_init(&src, 0);
	buf_init(&path, 0);
	if (list_sources(s, "pages", &names, err) == -1)
		return -1;
	if ((s->pages = arena_alloc(s->arena, (names.n ? names.n : 1) *
	    sizeof(*s->pages))) == NULL) {
		err_set(err, "pages", 0, "out of memory");
		goto out;
	}
	for (i = 0; i < names.n; i++) {
		struct page *pg = &s->pages[s->npages];
		const char *name = names.v[i];
		size_t n = strlen(name);

		memset(pg, 0, sizeof(*pg));
		buf_reset(&path);
		buf_reset(&src);
		if (buf_printf(&path, "pages/%s", name) == -1 ||
		    (pg->file = arena_strdup(s->arena, path.data)) == NULL)
			goto oom;
		pg->is_html = has_ext(name, ".html");
		n -= has_ext(name, ".markdown") ? 9 : pg->is_html ? 5 : 3;
		if ((pg->name = arena_strndup(s->arena, name, n)) == NULL)
			goto oom;
		if (!slug_ok(pg->name)) {
			err_set(err, pg->file, 0, "the file name does not make "
			    "a usable path");
			goto out;
		}
		for (r = 0; reserved[r] != NULL; r++)
			if (strcmp(pg->name, reserved[r]) == 0 &&
			    strcmp(pg->name, "index") != 0) {
				err_set(err, pg->file, 0, "/%s/ is a path stet "
				    "makes itself; rename this page",
				    pg->name);
				goto out;
			}
		if (fs_read_at(s->dirfd, pg->file, SOURCE_MAX, &src, 0,
		    err) == -1)
			goto out;
		if (text_check_utf8(src.data, src.len, &line, &why) == -1) {
			err_set(err, pg->file, line, "%s", why);
			goto out;
		}
		for (r = 0; r < s->npages; r++)
			if (strcmp(s->pages[r].name, pg->name) == 0) {
				err_set(err, pg->file, 0, "%s makes the same "
				    "page, /%s/", s->pages[r].file, pg->name);
				goto out;
			}
		pg->title = pg->name;
		pg->body_line = 1;
		if (has_front(src.data, src.len)) {
			if (fm_split(src.data, src.len, pg->file, &fs,
			    err) == -1 || fm_load(s->arena, &fs, pg->file,
			    &root, err) == -1)
				goto out;
			if (root->kind != YNODE_MAP) {
				err_set(err, pg->file, root->line, "front "
				    "matter: want keys and values");
				goto out;
			}
			pg->front = root;
			pg->body_line = fs.body_line;
			for (e = root->child; e != NULL; e = e->next) {
				if (strcmp(e->key->str, "title") == 0 &&
				    scalar(e, pg->file, "title", &pg->title,
				    err) == -1)
					goto out;
				/* summary wins over Hugo's description. */
				if ((strcmp(e->key->str, "summary") == 0 ||
				    (strcmp(e->key->str, "description") == 0 &&
				    pg->summary == NULL)) &&
				    scalar(e, pg->file, e->key->str,
				    &pg->summary, err) == -1)
					goto out;
			}
		} else if (src.len >= 3 && memcmp(src.data, "+++", 3) == 0) {
			err_set(err, pg->file, 1, "TOML front matter (+++) is "
			    "not supported: write it as YAML between --- "
			    "lines");
			goto out;
		}
		s->npages++;
	}
	rc = 0;
	goto out;
oom:
	err_set(err, "pages", 0, "out of memory");
out:
	free(names.v);
	buf_free(&src);
	buf_free(&path);
	return rc;
}

/* Read every file of pl->dir on all cores, from the folder's own fd. */
static int
read_folder(struct postload *pl, struct err *err)
{
	int	 rc;

	pl->dirfd = openat(pl->site->dirfd, pl->dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (pl->dirfd == -1)
		return err_set(err, pl->dir, 0, "%s", strerror(errno));
	rc = pool_run(pl->names->n, pool_threads(), load_post, pl, err);
	close(pl->dirfd);
	return rc;
}

/* Not a draft nor dated later than now, unless the flags ask for those. */
static int
published(const struct post *p, const struct load_opts *opts,
    const struct date *now)
{
	return (!p->draft || opts->drafts) &&
	    (p->date.t <= now->t || opts->future);
}

/*
 * notes/: short posts with the same front matter, no summary needed.
 * Few and small, so they are read every time, without the cache.
 */
static int
load_notes(struct site *s, const struct load_opts *opts,
    const struct date *now, struct err *err)
{
	struct names	 names = { NULL, 0 };
	struct postload	 pl;
	size_t		 i, kept;
	int		 rc = -1;

	memset(&pl, 0, sizeof(pl));
	if (list_sources(s, "notes", &names, err) == -1)
		return -1;
	if (names.n == 0) {
		rc = 0;
		goto out;
	}
	if ((s->notes = arena_alloc(s->arena, names.n * sizeof(*s->notes))) ==
	    NULL) {
		err_set(err, "notes", 0, "out of memory");
		goto out;
	}
	pl.site = s;
	pl.dir = "notes";
	pl.out = s->notes;
	pl.names = &names;
	if (read_folder(&pl, err) == -1 ||
	    check_slugs(s->notes, names.n, err) == -1)
		goto out;
	for (i = kept = 0; i < names.n; i++)
		if (published(&s->notes[i], opts, now))
			s->notes[kept++] = s->notes[i];
	s->nnotes = kept;
	if (kept > 1)
		qsort(s->notes, kept, sizeof(*s->notes), post_cmp);
	rc = 0;
out:
	free(names.v);
	return rc;
}

int
site_load(const char *dir, const struct load_opts *opts,
    const struct cache *(*get_cache)(void *), void *cache_ctx,
    struct site *s, struct err *err)
{
	const struct cache *cache;
	struct names	 names = { NULL, 0 };
	struct postload	 pl;
	struct date	 now;
	size_t		 i, kept;
	int		 k, nthreads = pool_threads();

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	memset(&pl, 0, sizeof(pl));
	if ((s->arena = arena_new()) == NULL)
		return err_set(err, dir, 0, "out of memory");
	for (k = 0; k < nthreads; k++)
		if ((s->warena[k] = arena_new()) == NULL) {
			err_set(err, dir, 0, "out of memory");
			goto fail;
		}
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd == -1) {
		err_set(err, dir, 0, "%s", strerror(errno));
		goto fail;
	}
	if (config_load(s->arena, s->dirfd, &s->cfg, err) == -1)
		goto fail;
	/* Dates without an offset are in the site's zone. */
	if (setenv("TZ", s->cfg.timezone, 1) == -1) {
		err_set(err, dir, 0, "%s", strerror(errno));
		goto fail;
	}
	tzset();
	if (list_sources(s, "posts", &names, err) == -1)
		goto fail;
	if (names.n > 0) {
		s->posts = arena_alloc(s->arena, names.n * sizeof(*s->posts));
		if (s->posts == NULL) {
			err_set(err, "posts", 0, "out of memory");
			goto fail;
		}
		pl.site = s;
		pl.dir = "posts";
		pl.out = s->posts;
		pl.names = &names;
		/*
		 * Only now is the cache needed: it may have been read on
		 * another thread while this one listed the folder.  Cached
		 * dates were read in the zone of their build.
		 */
		cache = get_cache != NULL ? get_cache(cache_ctx) : NULL;
		if (cache != NULL && cache->timezone != NULL &&
		    strcmp(cache->timezone, s->cfg.timezone) == 0 &&
		    match_cache(cache, &names, &pl.hits) == -1) {
			err_set(err, "posts", 0, "out of memory");
			goto fail;
		}
		if (read_folder(&pl, err) == -1)
			goto fail;
	}
	s->nposts = names.n;
	if (check_slugs(s->posts, s->nposts, err) == -1)
		goto fail;
	date_now(&now);
	if ((s->hidden = arena_alloc(s->arena, (s->nposts ? s->nposts : 1) *
	    sizeof(*s->hidden))) == NULL) {
		err_set(err, "posts", 0, "out of memory");
		goto fail;
	}
	for (i = kept = 0; i < s->nposts; i++) {
		struct post *p = &s->posts[i];

		if (!published(p, opts, &now))
			s->hidden[s->nhidden++] = *p;
		else
			s->posts[kept++] = *p;
	}
	s->nposts = kept;
	if (s->nposts > 0)
		qsort(s->posts, s->nposts, sizeof(*s->posts), post_cmp);
	if (topics_resolve(s, err) == -1)
		goto fail;
	if (load_pages(s, err) == -1 ||
	    load_notes(s, opts, &now, err) == -1)
		goto fail;
	free(names.v);
	free(pl.hits);
	return 0;
fail:
	free(names.v);
	free(pl.hits);
	site_free(s);
	return -1;
}

void
site_free(struct site *s)
{
	int	 k;

	if (s->dirfd != -1)
		close(s->dirfd);
	for (k = 0; k < POOL_MAX; k++)
		arena_free(s->warena[k]);
	arena_free(s->arena);
	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
}

int
site_source(const struct site *s, const char *file, int need_front,
    struct buf *src, struct front_split *fs, struct err *err)
{
	buf_reset(src);
	if (fs_read_at(s->dirfd, file, SOURCE_MAX, src, 0, err) == -1)
		return -1;
	if (!need_front && !has_front(src->data, src->len)) {
		memset(fs, 0, sizeof(*fs));
		fs->body = src->data;
		fs->body_len = src->len;
		fs->body_line = 1;
		return 0;
	}
	return fm_split(src->data, src->len, file, fs, err);
}
