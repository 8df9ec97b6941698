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

#include "../site/frontmatter.h"
#include "../support/arena.h"
#include "../support/date.h"
#include "../support/fsutil.h"
#include "../support/text.h"
#include "../support/url.h"
#include "convert.h"
#include "import.h"
#include "media.h"
#include "oldsite.h"
#include "permalink.h"
#include "report.h"
#include "strmap.h"
#include "yamlout.h"

#define SOURCE_MAX	(16 * 1024 * 1024)
#define COPY_MAX	(256 * 1024 * 1024)
#define SLUG_MAX	200
#define DEPTH_MAX	32

/* Paths stet writes itself: no page may take one (load.c's list). */
static const char *const reserved[] = { "writing", "topics", "notes",
    "feed.xml", "rss.xml", "feed.json", "sitemap.xml", "robots.txt",
    "404", "404.html", "index", "index.html", "style.css", "favicon.svg",
    "subscribe", "unsubscribe", "media", NULL };

/* Front matter keys rewritten by the import, not copied as they are. */
static const char *const rewritten[] = { "title", "date", "slug", "url",
    "permalink", "draft", "published", "tags", "tag", "categories",
    "category", "aliases", "redirect_from", NULL };

enum doc_kind { DOC_POST, DOC_PAGE };

struct doc {
	enum doc_kind	 kind;
	const char	*src;		/* relative to the old site */
	const char	*bundle;	/* a bundle's folder there, or NULL */
	const char	*out;		/* relative to the new site */
	const char	*slug;		/* posts: stet's; pages: the name */
	const char	*old;		/* the old URL path */
	struct ynode	*front;
	const char	*body;
	size_t		 body_len, body_line;
	int		 draft, is_html;
	const char	**tags;
	size_t		 ntags;
	const char	**aliases;
	size_t		 naliases;
	const char	*date;		/* as it will be written */
};

struct imp {
	const struct import_opts *o;
	struct import_result *res;
	struct notes	*notes;
	struct arena	*a;
	struct oldsite	 old;
	int		 oldfd, newfd;
	struct doc	*docs;
	size_t		 ndocs, capdocs;
	struct strmap	 byurl;		/* old URL path -> doc */
	struct strmap	 byname;	/* post_url names, files, refs -> doc */
	struct strmap	 slugs;		/* taken slugs and page names */
	struct strmap	 aliasset;
	struct strmap	 tagset;	/* every tag, once */
	const char	**alltags;
	size_t		 nalltags, capalltags;
	struct buf	 redirects;	/* the redirects: lines of stet.yaml */
	struct strmap	 redirset;
	const char	*main_section;	/* Hugo */
	size_t		 cur;		/* the doc being converted */
	struct media	 media;
	struct err	*err;
};

static int	imp_resolve(void *, enum conv_ref, const char *, size_t,
		    struct buf *);
static int	imp_remote(void *, const char *, size_t, struct buf *);

static int
has_ext(const char *name, const char *ext)
{
	size_t	 n = strlen(name), e = strlen(ext);

	return n > e && strcasecmp(name + n - e, ext) == 0;
}

static size_t
source_ext(const char *name)
{
	static const char *const exts[] = { ".md", ".markdown", ".mdown",
	    ".mkd", ".mkdn", ".html", NULL };
	size_t	 i;

	for (i = 0; exts[i] != NULL; i++)
		if (has_ext(name, exts[i]))
			return strlen(exts[i]);
	return 0;
}

static int
is_dir(int fd, const char *p)
{
	struct stat	 st;

	return fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

static int
is_file(int fd, const char *p)
{
	struct stat	 st;

	return fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode);
}

static char *
join(struct arena *a, const char *dir, const char *name)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 0);
	/* "." is the old site's top: "./x" would be a different name. */
	if ((*dir != '\0' && strcmp(dir, ".") != 0 &&
	    buf_printf(&b, "%s/", dir) == -1) ||
	    buf_puts(&b, name) == -1) {
		buf_free(&b);
		return NULL;
	}
	s = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return s;
}

static int
oom(struct imp *im)
{
	return err_set(im->err, NULL, 0, "out of memory");
}

/* Copy one file from the old site to the new, making its folders. */
static int
copy_file(struct imp *im, const char *from, const char *to)
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

static int
write_file(struct imp *im, const char *to, const char *data, size_t len)
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
static int
stet_path(const char *rel)
{
	size_t	 i, n = strcspn(rel, "/");

	for (i = 0; reserved[i] != NULL; i++)
		if (strlen(reserved[i]) == n && strncmp(rel, reserved[i], n) ==
		    0 && (rel[n] == '\0' || strcmp(reserved[i], "writing") == 0 ||
		    strcmp(reserved[i], "topics") == 0 ||
		    strcmp(reserved[i], "notes") == 0))
			return 1;
	return 0;
}

/* Copy the folder from (old site) to to (new site), all of it. */
static int
copy_tree(struct imp *im, const char *from, const char *to, const char *pub,
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
		char *f = join(im->a, from, names.v[i]);
		char *t = join(im->a, to, names.v[i]);
		char *p = join(im->a, pub, names.v[i]);

		if (f == NULL || t == NULL || p == NULL) {
			rc = oom(im);
			break;
		}
		if (is_dir(im->oldfd, f))
			rc = copy_tree(im, f, t, p, depth + 1);
		else if (!is_file(im->oldfd, f))
			continue;
		else if (stet_path(p)) {
			notes_add(im->notes, NOTE_LOOK, f, 0, "not copied: "
			    "stet makes /%s itself", p);
			im->res->nskipped++;
		} else
			rc = copy_file(im, f, t);
	}
	fs_names_free(&names);
	return rc;
}

static struct doc *
new_doc(struct imp *im)
{
	struct doc	*d;

	if (im->ndocs == im->capdocs) {
		size_t cap = im->capdocs ? im->capdocs * 2 : 256;

		if ((d = realloc(im->docs, cap * sizeof(*d))) == NULL)
			return NULL;
		im->docs = d;
		im->capdocs = cap;
	}
	d = &im->docs[im->ndocs++];
	memset(d, 0, sizeof(*d));
	return d;
}

static int
add_tag(struct imp *im, struct doc *d, const char *t, size_t n,
    size_t *cap)
{
	const char	*s;
	size_t		 i;

	while (n > 0 && isspace((unsigned char)*t))
		t++, n--;
	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	if (n == 0)
		return 0;
	if ((s = arena_strndup(im->a, t, n)) == NULL)
		return -1;
	for (i = 0; i < d->ntags; i++)
		if (strcmp(d->tags[i], s) == 0)
			return 0;
	if (d->ntags == *cap) {
		const char **v = arena_alloc(im->a, (*cap * 2 + 4) *
		    sizeof(*v));

		if (v == NULL)
			return -1;
		if (d->ntags)
			memcpy(v, d->tags, d->ntags * sizeof(*v));
		d->tags = v;
		*cap = *cap * 2 + 4;
	}
	d->tags[d->ntags++] = s;
	if (strmap_put(&im->tagset, s, 0) == 0) {
		if (im->nalltags == im->capalltags) {
			size_t c = im->capalltags ? im->capalltags * 2 : 64;
			const char **v = realloc(im->alltags, c * sizeof(*v));

			if (v == NULL)
				return -1;
			im->alltags = v;
			im->capalltags = c;
		}
		im->alltags[im->nalltags++] = s;
	}
	return 0;
}

/* A taxonomy's terms: a list, or one string split at commas or spaces. */
static int
add_terms(struct imp *im, struct doc *d, const struct ynode *n, size_t *cap,
    const char **first, size_t *nfirst)
{
	const struct ynode *c;
	const char	*s, *seps;
	size_t		 k;

	if (n == NULL)
		return 0;
	if (n->kind == YNODE_SEQ) {
		for (c = n->child; c != NULL; c = c->next)
			if (c->kind == YNODE_SCALAR && add_tag(im, d, c->str,
			    c->len, cap) == -1)
				return -1;
		return 0;
	}
	if (n->kind != YNODE_SCALAR)
		return 0;
	seps = strchr(n->str, ',') ? "," : " \t";
	for (s = n->str; *s != '\0';) {
		s += strspn(s, seps);
		k = strcspn(s, seps);
		if (k > 0 && add_tag(im, d, s, k, cap) == -1)
			return -1;
		s += k;
	}
	(void)first;
	(void)nfirst;
	return 0;
}

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
		    c == '<' || c == '>' || c == ' ' || c == '\'' || c == '&')
			return 0;
	}
	return 1;
}

/* A usable, unused slug from want (n bytes): as is, slugified, then -2. */
static const char *
take_slug(struct imp *im, const char *want, size_t n, int page)
{
	struct buf	 b, c;
	const char	*s = NULL;
	size_t		 k, i;

	buf_init(&b, 0);
	buf_init(&c, 0);
	if (buf_put(&b, want, n) == -1)
		goto out;
	if (!slug_ok(b.data)) {
		buf_reset(&b);
		if (text_slug(&b, want, n) == -1)
			goto out;
		if (b.len == 0 && BUF_LIT(&b, "post") == -1)
			goto out;
		if (b.len > SLUG_MAX)
			buf_truncate(&b, SLUG_MAX);
	}
	/* A year's page is writing/2024/: a post may not take it. */
	if (!page && b.len == 4 && isdigit((unsigned char)b.data[0]) &&
	    isdigit((unsigned char)b.data[1]) && isdigit((unsigned char)
	    b.data[2]) && isdigit((unsigned char)b.data[3]) &&
	    BUF_LIT(&b, "-post") == -1)
		goto out;
	if (page)
		for (i = 0; reserved[i] != NULL; i++)
			if (strcmp(b.data, reserved[i]) == 0 &&
			    BUF_LIT(&b, "-page") == -1)
				goto out;
	for (k = 1;; k++) {
		buf_reset(&c);
		if (buf_put(&c, b.data, b.len) == -1 ||
		    (k > 1 && buf_printf(&c, "-%zu", k) == -1))
			goto out;
		/* Taken as written, or by case on a case-blind disk. */
		{
			struct buf l;
			int taken;

			buf_init(&l, 0);
			if (BUF_LIT(&l, "") == -1 || buf_put(&l, page ? "p:" :
			    "s:", 2) == -1 || text_lower(&l, c.data, c.len) ==
			    -1) {
				buf_free(&l);
				goto out;
			}
			taken = strmap_get(&im->slugs, l.data, l.len) !=
			    (size_t)-1;
			if (!taken) {
				char *key = arena_strndup(im->a, l.data, l.len);

				buf_free(&l);
				if (key == NULL || strmap_put(&im->slugs, key,
				    0) == -1)
					goto out;
				break;
			}
			buf_free(&l);
		}
	}
	s = arena_strndup(im->a, c.data, c.len);
out:
	buf_free(&b);
	buf_free(&c);
	return s;
}

/* The date at the start of a Jekyll file name, as YYYY-MM-DD; its length. */
static size_t
date_prefix(const char *name, char ymd[11])
{
	unsigned int	 v[3] = { 0, 0, 0 };
	size_t		 i = 0, k, d;

	for (k = 0; k < 3; k++) {
		for (d = 0; isdigit((unsigned char)name[i]) && d < 4; d++)
			v[k] = v[k] * 10 + (unsigned)(name[i++] - '0');
		if (name[i] != '-' || (k == 0 ? d != 4 : d < 1 || d > 2))
			return 0;
		i++;
	}
	if (snprintf(ymd, 11, "%04u-%02u-%02u", v[0], v[1], v[2]) != 10)
		return 0;
	return i;
}

static int
add_alias(struct imp *im, struct doc *d, const char *path, size_t *cap)
{
	const char	**v;

	if (strmap_put(&im->aliasset, path, im->ndocs) != 0)
		return 0;	/* another post had it first */
	if (d->naliases == *cap) {
		if ((v = arena_alloc(im->a, (*cap * 2 + 2) * sizeof(*v))) ==
		    NULL)
			return -1;
		if (d->naliases)
			memcpy(v, d->aliases, d->naliases * sizeof(*v));
		d->aliases = v;
		*cap = *cap * 2 + 2;
	}
	d->aliases[d->naliases++] = path;
	im->res->naliases++;
	return 0;
}

/* Can an old path be an alias (load.c's rules)? */
static int
alias_ok(const char *v)
{
	size_t	 i, n;

	while (*v == '/')
		v++;
	n = strlen(v);
	if (n == 0 || n > 1024 || v[0] == '.' || strstr(v, "//") ||
	    strstr(v, "/.") || stet_path(v))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f || c == '\\' || c == '?' ||
		    c == '#' || c == '%' || c == '"' || c == '<' || c == '>')
			return 0;
	}
	return 1;
}

/* One redirect of stet.yaml, from -> to; each from once. */
static int
add_redirect(struct imp *im, const char *from, const char *to)
{
	char	*k;

	if (!alias_ok(from) || strcmp(from, to) == 0)
		return 0;
	if ((k = arena_strdup(im->a, from)) == NULL)
		return -1;
	if (strmap_get(&im->aliasset, from, strlen(from)) != (size_t)-1)
		return 0;
	if (strmap_put(&im->redirset, k, 0) != 0)
		return 0;
	im->res->nredirects++;
	if (BUF_LIT(&im->redirects, "  ") == -1 ||
	    yamlout_scalar(&im->redirects, from, strlen(from), 0) == -1 ||
	    BUF_LIT(&im->redirects, ": ") == -1 ||
	    yamlout_scalar(&im->redirects, to, strlen(to), 0) == -1 ||
	    BUF_LIT(&im->redirects, "\n") == -1)
		return -1;
	return 0;
}

/*
 * Read one source file into a doc: its front matter, old URL, slug,
 * tags and aliases.  dir is its folder under content/ (Hugo) or before
 * _posts/ (Jekyll); name its name without date or ending.
 */
static int
read_doc(struct imp *im, enum doc_kind kind, const char *src,
    const char *bundle, const char *dir, const char *name, int draft)
{
	struct doc	*d;
	struct buf	 b, u;
	struct front_split fs;
	struct err	 e;
	struct ynode	*root = NULL;
	const struct ynode *n;
	struct old_doc	 od;
	const char	*v, *why, *base;
	char		 ymd[11];
	size_t		 tagcap = 0, alcap = 0, pre, i, line;
	const char	*cats[64];
	size_t		 ncats = 0;
	int		 rc = -1;

	buf_init(&b, 0);
	buf_init(&u, 0);
	if (fs_read_at(im->oldfd, src, SOURCE_MAX, &b, 0, &e) == -1) {
		notes_add(im->notes, NOTE_LOOK, src, 0, "not imported: %s",
		    e.msg + e.what);
		im->res->nskipped++;
		rc = 0;
		goto out;
	}
	b.len = text_strip_controls(b.data, b.len, &line);
	b.data[b.len] = '\0';
	if (text_check_utf8(b.data, b.len, &line, &why) == -1) {
		notes_add(im->notes, NOTE_LOOK, src, line, "not imported: %s",
		    why);
		im->res->nskipped++;
		rc = 0;
		goto out;
	}
	if ((d = new_doc(im)) == NULL) {
		oom(im);
		goto out;
	}
	d->kind = kind;
	d->bundle = bundle;
	d->draft = draft;
	d->is_html = has_ext(src, ".html");
	if ((d->src = arena_strdup(im->a, src)) == NULL ||
	    (v = arena_strndup(im->a, b.data, b.len)) == NULL) {
		oom(im);
		goto out;
	}
	memset(&fs, 0, sizeof(fs));
	if ((b.len >= 3 && (memcmp(b.data, "---", 3) == 0 ||
	    memcmp(b.data, "+++", 3) == 0)) || (b.len >= 6 &&
	    memcmp(b.data, "\xef\xbb\xbf", 3) == 0)) {
		if (fm_split(v, b.len, src, &fs, &e) == -1 ||
		    fm_load(im->a, &fs, src, &root, &e) == -1 ||
		    root->kind != YNODE_MAP) {
			notes_add(im->notes, NOTE_LOOK, e.file[0] ? e.file : src,
			    e.line, "not imported: %s", e.msg + e.what);
			im->ndocs--;
			im->res->nskipped++;
			rc = 0;
			goto out;
		}
	} else {
		fs.body = v;
		fs.body_len = b.len;
		fs.body_line = 1;
	}
	if (root == NULL && yaml_load(im->a, "", 0, src, 1, &root, &e) == -1) {
		err_set(im->err, src, 0, "%s", e.msg);
		goto out;
	}
	d->front = root;
	d->body = fs.body;
	d->body_len = fs.body_len;
	d->body_line = fs.body_line;
	/* Drafts: draft: true, published: false, or _drafts/. */
	if (oldsite_bool(root, "draft"))
		d->draft = 1;
	if ((v = oldsite_str(root, "published")) != NULL &&
	    strcasecmp(v, "false") == 0)
		d->draft = 1;
	/* The date: the front matter's, else the file name's, else its time. */
	memset(&od, 0, sizeof(od));
	pre = date_prefix(name, ymd);
	if (((v = oldsite_str(root, "date")) != NULL ||
	    (v = oldsite_str(root, "publishDate")) != NULL) &&
	    date_parse(v, strlen(v), &od.date, &why) == 0) {
		d->date = v;
		od.has_date = 1;
	} else if (pre > 0) {
		/* A date stet cannot read: the file name's, and a note. */
		if (v != NULL)
			notes_add(im->notes, NOTE_LOOK, src, 0, "date: %s: %s; "
			    "the file name's date is written", v, why);
		if ((d->date = arena_strdup(im->a, ymd)) == NULL) {
			oom(im);
			goto out;
		}
		od.has_date = date_parse(ymd, 10, &od.date, &why) == 0;
	} else if (kind == DOC_POST) {
		struct stat st;

		if (fstatat(im->oldfd, src, &st, 0) == 0) {
			od.date.t = st.st_mtim.tv_sec;
			od.has_date = 1;
			date_localize(&od.date);
			if (date_ymd(&od.date, ymd, sizeof(ymd)) > 0)
				d->date = arena_strdup(im->a, ymd);
			notes_add(im->notes, NOTE_LOOK, src, 1, "no date: the "
			    "file's time, %s, is written; put the real one",
			    ymd);
		}
	}
	base = name + pre;
	/* Tags: every topic taxonomy's terms. */
	for (i = 0; i < im->old.ntaxonomies; i++) {
		n = oldsite_get(root, im->old.taxonomies[i]);
		if (add_terms(im, d, n, &tagcap, NULL, NULL) == -1) {
			oom(im);
			goto out;
		}
	}
	if (add_terms(im, d, oldsite_get(root, "tag"), &tagcap, NULL, NULL) ==
	    -1 || add_terms(im, d, oldsite_get(root, "category"), &tagcap, NULL,
	    NULL) == -1) {
		oom(im);
		goto out;
	}
	/* Jekyll's categories, for :categories in URLs. */
	if ((n = oldsite_get(root, "categories")) == NULL)
		n = oldsite_get(root, "category");
	if (n != NULL && n->kind == YNODE_SEQ) {
		const struct ynode *c;

		for (c = n->child; c != NULL && ncats < 64; c = c->next)
			if (c->kind == YNODE_SCALAR)
				cats[ncats++] = c->str;
	} else if (n != NULL && n->kind == YNODE_SCALAR) {
		const char *s = n->str;

		while (*s != '\0' && ncats < 64) {
			size_t k;

			s += strspn(s, " \t");
			if ((k = strcspn(s, " \t")) == 0)
				break;
			cats[ncats++] = arena_strndup(im->a, s, k);
			s += k;
		}
	}
	/* The old URL. */
	od.dir = dir;
	od.name = base;
	od.slug = oldsite_str(root, "slug");
	od.title = (v = oldsite_str(root, "title")) ? v : base;
	od.url = oldsite_str(root, im->old.kind == OLD_HUGO ? "url" :
	    "permalink");
	od.categories = cats;
	od.ncategories = ncats;
	od.is_page = kind == DOC_PAGE;
	if (permalink_old(&im->old, &od, &u) == -1 ||
	    (d->old = arena_strndup(im->a, u.data, u.len)) == NULL) {
		oom(im);
		goto out;
	}
	/* stet's slug, or page name. */
	v = od.slug != NULL && kind == DOC_POST ? od.slug : base;
	if ((d->slug = take_slug(im, v, strlen(v), kind == DOC_PAGE)) ==
	    NULL) {
		oom(im);
		goto out;
	}
	buf_reset(&u);
	if (kind == DOC_POST)
		rc = bundle ? buf_printf(&u, "posts/%s/index.%s", d->slug,
		    d->is_html ? "html" : "md") : buf_printf(&u, "posts/%s.%s",
		    d->slug, d->is_html ? "html" : "md");
	else
		rc = buf_printf(&u, "pages/%s.%s", d->slug, d->is_html ?
		    "html" : "md");
	if (rc == -1 || (d->out = arena_strndup(im->a, u.data, u.len)) ==
	    NULL) {
		rc = -1;
		oom(im);
		goto out;
	}
	/* Old paths: the URL the old tool gave it, and its own aliases. */
	buf_reset(&u);
	if (kind == DOC_POST) {
		if (buf_printf(&u, "/writing/%s/", d->slug) == -1) {
			rc = oom(im);
			goto out;
		}
		if (strcmp(d->old, u.data) != 0) {
			if (!alias_ok(d->old))
				notes_add(im->notes, NOTE_LOOK, src, 0, "the old "
				    "URL %s cannot be kept as an alias", d->old);
			else if (add_alias(im, d, d->old, &alcap) == -1) {
				rc = oom(im);
				goto out;
			}
		}
		for (i = 0; i < 2; i++) {
			const struct ynode *c;

			n = oldsite_get(root, i ? "redirect_from" : "aliases");
			if (n == NULL)
				continue;
			for (c = n->kind == YNODE_SEQ ? n->child : n; c != NULL;
			    c = n->kind == YNODE_SEQ ? c->next : NULL) {
				const char *p;

				if (c->kind != YNODE_SCALAR)
					continue;
				buf_reset(&u);
				if ((c->str[0] != '/' && buf_putc(&u, '/') ==
				    -1) || buf_puts(&u, c->str) == -1 ||
				    (p = arena_strndup(im->a, u.data, u.len)) ==
				    NULL) {
					rc = oom(im);
					goto out;
				}
				if (!alias_ok(p))
					notes_add(im->notes, NOTE_LOOK, src,
					    c->line, "alias %s cannot be kept",
					    p);
				else if (add_alias(im, d, p, &alcap) == -1) {
					rc = oom(im);
					goto out;
				}
			}
		}
	}
	rc = 0;
out:
	buf_free(&b);
	buf_free(&u);
	return rc;
}

/* Hugo: content/, recursively; bundles and sections. */
static int
walk_hugo(struct imp *im, const char *dir, const char *rel, int depth)
{
	struct fs_names	 names;
	size_t		 i;
	int		 rc = 0;

	if (depth > DEPTH_MAX || fs_list(im->oldfd, dir, 0, &names, NULL) != 0)
		return 0;
	for (i = 0; i < names.n && rc == 0; i++) {
		const char *nm = names.v[i];
		char *p = join(im->a, dir, nm), *r = join(im->a, rel, nm);
		size_t ext = source_ext(nm);

		if (p == NULL || r == NULL)
			return oom(im);
		if (is_dir(im->oldfd, p)) {
			char *idx = NULL;
			static const char *const ix[] = { "index.md",
			    "index.markdown", "index.html", NULL };
			size_t k;

			for (k = 0; ix[k] != NULL; k++) {
				idx = join(im->a, p, ix[k]);
				if (idx != NULL && is_file(im->oldfd, idx))
					break;
				idx = NULL;
			}
			if (idx != NULL) {
				/* A leaf bundle: its folder names it. */
				int post = *rel != '\0' &&
				    (im->main_section == NULL || strncmp(rel,
				    im->main_section, strlen(im->main_section)) ==
				    0);

				rc = read_doc(im, post ? DOC_POST : DOC_PAGE,
				    idx, p, rel, nm, 0);
			} else
				rc = walk_hugo(im, p, r, depth + 1);
			continue;
		}
		if (!is_file(im->oldfd, p))
			continue;
		if (ext > 0 && nm[0] == '_') {
			/* _index.md: a section's list page, stet makes its own. */
			notes_count(im->notes, "section list pages "
			    "(_index.md) left to stet");
			continue;
		}
		if (ext > 0) {
			char *base = arena_strndup(im->a, nm, strlen(nm) - ext);
			int post = *rel != '\0' && (im->main_section == NULL ||
			    strncmp(rel, im->main_section,
			    strlen(im->main_section)) == 0);

			if (base == NULL)
				return oom(im);
			rc = read_doc(im, post ? DOC_POST : DOC_PAGE, p, NULL,
			    rel, base, 0);
			continue;
		}
		/* A file beside the posts: published at its path. */
		{
			char *to = join(im->a, "static", r);

			if (to == NULL)
				return oom(im);
			rc = copy_file(im, p, to);
		}
	}
	fs_names_free(&names);
	return rc;
}

/* Hugo's main section: params.mainSections, else posts, post, blog... */
static const char *
hugo_main(struct imp *im)
{
	static const char *const usual[] = { "posts", "post", "blog",
	    "articles", "writing", NULL };
	const struct ynode *p = oldsite_get(oldsite_get(im->old.tree,
	    "params"), "mainSections");
	struct fs_names	 names;
	const char	*best = NULL;
	size_t		 i, most = 0;

	if (p != NULL && p->kind == YNODE_SEQ && p->child != NULL &&
	    p->child->kind == YNODE_SCALAR)
		return p->child->str;
	if (p != NULL && p->kind == YNODE_SCALAR)
		return p->str;
	for (i = 0; usual[i] != NULL; i++) {
		char *d = join(im->a, im->old.content_dir, usual[i]);

		if (d != NULL && is_dir(im->oldfd, d))
			return usual[i];
	}
	if (fs_list(im->oldfd, im->old.content_dir, 0, &names, NULL) != 0)
		return NULL;
	for (i = 0; i < names.n; i++) {
		char *d = join(im->a, im->old.content_dir, names.v[i]);
		struct fs_names in;

		if (d == NULL || !is_dir(im->oldfd, d) ||
		    fs_list(im->oldfd, d, 0, &in, NULL) != 0)
			continue;
		if (in.n > most) {
			most = in.n;
			best = arena_strdup(im->a, names.v[i]);
		}
		fs_names_free(&in);
	}
	fs_names_free(&names);
	return best;
}

/* Jekyll: every _posts/ folder (X/_posts/ gives category X), _drafts/. */
static int
walk_posts(struct imp *im, const char *dir, const char *cat, int draft,
    int depth)
{
	struct fs_names	 names;
	size_t		 i;
	int		 rc = 0;

	if (depth > DEPTH_MAX || fs_list(im->oldfd, dir, 0, &names, NULL) != 0)
		return 0;
	for (i = 0; i < names.n && rc == 0; i++) {
		const char *nm = names.v[i];
		char *p = join(im->a, dir, nm);
		size_t ext = source_ext(nm);

		if (p == NULL)
			return oom(im);
		if (is_dir(im->oldfd, p)) {
			/* Sub-folders of _posts/ add nothing to the URL. */
			rc = walk_posts(im, p, cat, draft, depth + 1);
			continue;
		}
		if (ext > 0 && nm[0] != '_' && nm[0] != '.') {
			char *base = arena_strndup(im->a, nm, strlen(nm) - ext);

			if (base == NULL)
				return oom(im);
			rc = read_doc(im, DOC_POST, p, NULL, cat, base, draft);
		} else if (ext == 0 && is_file(im->oldfd, p)) {
			/* Images kept beside posts: copy as is. */
			char *to = join(im->a, "static", p);

			if (to == NULL)
				return oom(im);
			rc = copy_file(im, p, to);
		}
	}
	fs_names_free(&names);
	return rc;
}

static int
starts_front(int fd, const char *p)
{
	char	 b[4] = { 0 };
	int	 f;
	ssize_t	 n;

	if ((f = openat(fd, p, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(f, b, 3);
	close(f);
	return n == 3 && memcmp(b, "---", 3) == 0;
}

/* Files Jekyll leaves out of a site, and the tooling kept beside it. */
static int
jekyll_skip(const char *nm)
{
	static const char *const skip[] = { "Gemfile", "Gemfile.lock",
	    "Rakefile", "node_modules", "vendor", "package.json",
	    "package-lock.json", "yarn.lock", "CNAME", "LICENSE",
	    "LICENSE.txt", "LICENSE.md", "README.md", "README", "README.txt",
	    "CHANGELOG.md", "Dockerfile", "Makefile", "netlify.toml",
	    "docker-compose.yml", NULL };
	size_t	 i;

	if (nm[0] == '_' || nm[0] == '.' || nm[0] == '#' || has_ext(nm, "~") ||
	    has_ext(nm, ".gemspec") || has_ext(nm, ".sh") ||
	    has_ext(nm, ".bat"))
		return 1;
	for (i = 0; skip[i] != NULL; i++)
		if (strcmp(nm, skip[i]) == 0)
			return 1;
	return 0;
}

/*
 * Jekyll's pages and static files, outside the _ folders: Markdown with
 * front matter is a page; HTML and XML with front matter are the
 * theme's (lists, feeds), left to stet and mapped; the rest is copied.
 */
static int
walk_jekyll(struct imp *im, const char *dir, int depth)
{
	struct fs_names	 names;
	size_t		 i;
	int		 rc = 0;

	if (depth > DEPTH_MAX || fs_list(im->oldfd, dir, 0, &names, NULL) != 0)
		return 0;
	for (i = 0; i < names.n && rc == 0; i++) {
		const char *nm = names.v[i];
		char *p = join(im->a, dir, nm);

		if (p == NULL)
			return oom(im);
		if (jekyll_skip(nm))
			continue;
		if (is_dir(im->oldfd, p)) {
			char *posts = join(im->a, p, "_posts");

			if (posts != NULL && is_dir(im->oldfd, posts))
				rc = walk_posts(im, posts, p, 0, 0);
			if (rc == 0)
				rc = walk_jekyll(im, p, depth + 1);
			continue;
		}
		if (!is_file(im->oldfd, p))
			continue;
		if (starts_front(im->oldfd, p)) {
			size_t ext = source_ext(nm);

			if (ext > 0 && !has_ext(nm, ".html")) {
				/* "docs/intro.md" is the page docs-intro. */
				char *base = arena_strndup(im->a, p,
				    strlen(p) - ext), *c;

				if (base == NULL)
					return oom(im);
				rc = read_doc(im, DOC_PAGE, p, NULL, "", base, 0);
				if (rc == 0 && im->ndocs > 0) {
					struct doc *d = &im->docs[im->ndocs - 1];

					for (c = (char *)d->slug; *c; c++)
						if (*c == '/')
							*c = '-';
				}
				continue;
			}
			/* A template of the theme: mapped, not copied. */
			{
				struct buf u;
				const char *to = NULL;
				size_t n = strlen(p);

				buf_init(&u, 0);
				if (has_ext(nm, ".xml") && (strstr(nm, "feed") ||
				    strstr(nm, "atom") || strstr(nm, "rss")))
					to = strstr(nm, "rss") ? "/rss.xml" :
					    "/feed.xml";
				else if (strstr(nm, "tag") || strstr(nm,
				    "categor"))
					to = "/topics/";
				else if (strstr(nm, "archive") ||
				    strstr(nm, "blog") || strstr(nm, "posts"))
					to = "/writing/";
				if (to != NULL) {
					char *from;

					if (buf_putc(&u, '/') == -1 ||
					    buf_put(&u, p, n) == -1 ||
					    (from = arena_strndup(im->a, u.data,
					    u.len)) == NULL ||
					    add_redirect(im, from, to) == -1) {
						buf_free(&u);
						return oom(im);
					}
					if (has_ext(nm, ".html")) {
						buf_truncate(&u, u.len - 5);
						if (BUF_LIT(&u, "/") == -1 ||
						    (from = arena_strndup(im->a,
						    u.data, u.len)) == NULL ||
						    add_redirect(im, from, to) ==
						    -1) {
							buf_free(&u);
							return oom(im);
						}
					}
				}
				buf_free(&u);
				if (strcmp(p, "index.html") != 0 &&
				    strcmp(p, "404.html") != 0 && to == NULL)
					notes_add(im->notes, NOTE_LOOK, p, 1,
					    "a page of the theme (Liquid in "
					    "HTML), not imported");
				im->res->nskipped++;
			}
			continue;
		}
		{
			char *to = join(im->a, "static", p);

			if (to == NULL)
				return oom(im);
			if (stet_path(p)) {
				notes_add(im->notes, NOTE_LOOK, p, 0, "not "
				    "copied: stet makes /%s itself", p);
				im->res->nskipped++;
				continue;
			}
			rc = copy_file(im, p, to);
		}
	}
	fs_names_free(&names);
	return rc;
}

/* Percent-decode u into b (bad escapes kept as they are). */
static int
decode(struct buf *b, const char *u, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (u[i] == '%' && i + 2 < n && isxdigit((unsigned char)u[i + 1])
		    && isxdigit((unsigned char)u[i + 2])) {
			char hx[3] = { u[i + 1], u[i + 2], 0 };

			if (buf_putc(b, (char)strtol(hx, NULL, 16)) == -1)
				return -1;
			i += 2;
		} else if (buf_putc(b, u[i]) == -1)
			return -1;
	}
	return 0;
}

/* Index every doc by its old URL and the names references use. */
static int
index_docs(struct imp *im)
{
	struct buf	 b;
	size_t		 i, k;
	int		 rc = -1;

	buf_init(&b, 0);
	for (i = 0; i < im->ndocs; i++) {
		struct doc *d = &im->docs[i];
		const char *nm, *key;
		char *dot;

		if (strmap_put(&im->byurl, d->old, i) == -1)
			goto out;
		for (k = 0; k < d->naliases; k++)
			if (strmap_put(&im->byurl, d->aliases[k], i) == -1)
				goto out;
		/* The file as written ("_posts/x.md"), and without "content/". */
		if (strmap_put(&im->byname, d->src, i) == -1)
			goto out;
		if (im->old.kind == OLD_HUGO && strncmp(d->src,
		    im->old.content_dir, strlen(im->old.content_dir)) == 0 &&
		    strmap_put(&im->byname, d->src + strlen(im->old.content_dir)
		    + 1, i) == -1)
			goto out;
		/* post_url's "2010-07-21-name": the file name, no ending. */
		nm = strrchr(d->bundle ? d->bundle : d->src, '/');
		nm = nm ? nm + 1 : d->src;
		if ((key = arena_strdup(im->a, nm)) == NULL)
			goto out;
		if (!d->bundle && (dot = strrchr(key, '.')) != NULL)
			*dot = '\0';
		if (strmap_put(&im->byname, key, i) == -1)
			goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* The link from the doc being converted to doc t, fragment kept. */
static int
link_to(struct imp *im, size_t t, const char *frag, size_t flen,
    struct buf *out)
{
	const struct doc *from = &im->docs[im->cur], *d = &im->docs[t];
	int	 r;

	r = buf_puts(out, from->kind == DOC_POST ? "../../" : "../");
	if (r == 0)
		r = d->kind == DOC_POST ? buf_printf(out, "writing/%s/",
		    d->slug) : buf_printf(out, "%s/", d->slug);
	if (r == 0 && flen > 0)
		r = buf_put(out, frag, flen);
	return r == -1 ? -1 : 1;
}

/* Look an old path up as it is, and as hosts would also answer it. */
static size_t
find_path(struct imp *im, const char *p, size_t n)
{
	struct buf	 b;
	size_t		 t;

	if ((t = strmap_get(&im->byurl, p, n)) != (size_t)-1)
		return t;
	buf_init(&b, 0);
	if (n > 0 && p[n - 1] == '/') {
		/* "/x/" for "/x.html". */
		if (buf_put(&b, p, n - 1) == -1 || BUF_LIT(&b, ".html") == -1)
			goto out;
	} else if (n > 11 && memcmp(p + n - 11, "/index.html", 11) == 0) {
		if (buf_put(&b, p, n - 10) == -1)
			goto out;
	} else if (n > 5 && memcmp(p + n - 5, ".html", 5) == 0) {
		if (buf_put(&b, p, n - 5) == -1 || buf_putc(&b, '/') == -1)
			goto out;
	} else if (buf_put(&b, p, n) == -1 || (BUF_LIT(&b, "/") == -1))
		goto out;
	if ((t = strmap_get(&im->byurl, b.data, b.len)) == (size_t)-1 &&
	    n > 0 && p[n - 1] != '/' && (n < 5 || memcmp(p + n - 5, ".html",
	    5) != 0)) {
		buf_reset(&b);
		if (buf_put(&b, p, n) == -1 || BUF_LIT(&b, ".html") == -1)
			goto out;
		t = strmap_get(&im->byurl, b.data, b.len);
	}
	buf_free(&b);
	return t;
out:
	buf_free(&b);
	return (size_t)-1;
}

static int
resolve_url(struct imp *im, const char *u, size_t n, struct buf *out)
{
	const char	*frag, *q, *path = NULL, *host = NULL;
	struct buf	 p, abs;
	size_t		 plen, pl = 0, t, hl, bl;
	int		 r = 0;

	if (n == 0 || u[0] == '#' || memchr(u, '{', n) != NULL)
		return 0;
	frag = memchr(u, '#', n);
	plen = frag ? (size_t)(frag - u) : n;
	if ((q = memchr(u, '?', plen)) != NULL)
		plen = (size_t)(q - u);
	buf_init(&p, 0);
	buf_init(&abs, 0);
	if (plen > 2 && u[0] == '/' && u[1] == '/')
		host = u + 2;
	else if (plen > 8 && strncasecmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (plen > 7 && strncasecmp(u, "http://", 7) == 0)
		host = u + 7;
	if (host != NULL) {
		const char *hosts[2] = { im->old.host, NULL };
		const char *o = im->o->old_url;
		size_t k;

		if (o != NULL)
			hosts[1] = strstr(o, "//") ? strstr(o, "//") + 2 : o;
		hl = strcspn(host, "/");
		if ((size_t)(host - u) + hl > plen)
			hl = plen - (size_t)(host - u);
		for (k = 0; k < 2; k++)
			if (hosts[k] != NULL && strlen(hosts[k]) >= hl &&
			    strncasecmp(hosts[k], host, hl) == 0 &&
			    (hosts[k][hl] == '\0' || hosts[k][hl] == '/'))
				break;
		if (k == 2)
			goto out;	/* another site */
		path = host + hl;
		if (path >= u + plen) {
			path = "/";
			pl = 1;
		} else
			pl = (size_t)(u + plen - path);
	} else if (u[0] == '/') {
		path = u;
		pl = plen;
	}
	else if (strchr(u, ':') != NULL && strcspn(u, ":") < strcspn(u, "/"))
		goto out;	/* mailto:, ftp: */
	else {
		/* Relative to the old page's own URL. */
		if (buf_printf(&abs, "http://h%s", im->docs[im->cur].old) == -1)
			goto oom;
		{
			struct buf res;
			char rel[2048];

			if (plen >= sizeof(rel))
				goto out;
			memcpy(rel, u, plen);
			rel[plen] = '\0';
			buf_init(&res, 0);
			if (url_resolve(&res, abs.data, rel) == -1) {
				buf_free(&res);
				goto out;
			}
			buf_reset(&abs);
			if (res.len > 8 && buf_puts(&abs, res.data + 8) == -1) {
				buf_free(&res);
				goto oom;
			}
			buf_free(&res);
			if (abs.len == 0 || abs.data[0] != '/')
				goto out;
			path = abs.data;
			pl = abs.len;
		}
	}
	/* Below the old base path only. */
	bl = strlen(im->old.base_path);
	if (bl > 1) {
		if (pl < bl - 1 || strncmp(path, im->old.base_path,
		    bl - 1) != 0)
			goto out;
		path += bl - 1;
		pl -= bl - 1;
	}
	if (decode(&p, path, pl) == -1)
		goto oom;
	if (p.len == 0 && BUF_LIT(&p, "/") == -1)
		goto oom;
	if ((t = find_path(im, p.data, p.len)) == (size_t)-1)
		goto out;
	r = link_to(im, t, frag, frag ? n - (size_t)(frag - u) : 0, out);
	goto out;
oom:
	r = -1;
out:
	buf_free(&p);
	buf_free(&abs);
	return r;
}

static int
imp_resolve(void *ctx, enum conv_ref how, const char *ref, size_t n,
    struct buf *out)
{
	struct imp	*im = ctx;
	struct buf	 k;
	const char	*frag;
	size_t		 t = (size_t)-1, flen = 0;

	if (how == REF_URL)
		return resolve_url(im, ref, n, out);
	while (n > 0 && (*ref == '"' || *ref == '\'' || *ref == '/' ||
	    *ref == ' '))
		ref++, n--;
	while (n > 0 && (ref[n - 1] == '"' || ref[n - 1] == '\'' ||
	    ref[n - 1] == ' '))
		n--;
	if ((frag = memchr(ref, '#', n)) != NULL) {
		flen = n - (size_t)(frag - ref);
		n = (size_t)(frag - ref);
	}
	buf_init(&k, 0);
	if (buf_put(&k, ref, n) == -1) {
		buf_free(&k);
		return -1;
	}
	t = strmap_get(&im->byname, k.data, k.len);
	/* post_url may name a sub-folder: "dir/2010-07-21-name". */
	if (t == (size_t)-1 && memchr(k.data, '/', k.len) != NULL) {
		const char *last = strrchr(k.data, '/') + 1;

		t = strmap_get(&im->byname, last, strlen(last));
	}
	/* ref "x" or "x.md" or "posts/x/index.md". */
	if (t == (size_t)-1 && how == REF_HUGO) {
		char *dot;

		if (k.len > 9 && strcmp(k.data + k.len - 9, "/index.md") == 0)
			buf_truncate(&k, k.len - 9);
		if ((dot = strrchr(k.data, '.')) != NULL &&
		    strchr(dot, '/') == NULL)
			buf_truncate(&k, (size_t)(dot - k.data));
		t = strmap_get(&im->byname, k.data, k.len);
		if (t == (size_t)-1 && strrchr(k.data, '/') != NULL) {
			const char *last = strrchr(k.data, '/') + 1;

			t = strmap_get(&im->byname, last, strlen(last));
		}
	}
	buf_free(&k);
	if (t == (size_t)-1)
		return 0;
	return link_to(im, t, frag, flen, out);
}

static int
imp_remote(void *ctx, const char *url, size_t n, struct buf *out)
{
	struct imp	*im = ctx;
	struct err	 e;
	int		 r;

	if (!im->o->fetch_media)
		return 0;
	if ((r = media_fetch(&im->media, url, n, out, &e)) == 1) {
		notes_add(im->notes, NOTE_REMOTE, im->docs[im->cur].out, 0,
		    "an image on another host, %.*s: %s", (int)n, url,
		    e.msg + e.what);
		return 0;
	}
	if (r == 0)
		notes_count(im->notes, "images fetched (--fetch-media)");
	return r == -1 ? -1 : 1;
}

static int
is_rewritten(const char *k)
{
	size_t	 i;

	for (i = 0; rewritten[i] != NULL; i++)
		if (strcasecmp(k, rewritten[i]) == 0)
			return 1;
	return 0;
}

/* Write one doc: stet's front matter, then the converted body. */
static int
emit_doc(struct imp *im, size_t idx)
{
	struct doc	*d = &im->docs[idx];
	struct buf	 f, pass1;
	struct conv	 c;
	const struct ynode *e;
	const char	*title;
	size_t		 i, fm_lines = 0;
	int		 rc = -1;

	im->cur = idx;
	buf_init(&f, 0);
	buf_init(&pass1, 0);
	if (BUF_LIT(&f, "---\n") == -1)
		goto oom;
	title = oldsite_str(d->front, "title");
	if (title != NULL && (BUF_LIT(&f, "title: ") == -1 ||
	    yamlout_scalar(&f, title, strlen(title), 0) == -1 ||
	    BUF_LIT(&f, "\n") == -1))
		goto oom;
	if (d->date != NULL && (BUF_LIT(&f, "date: ") == -1 ||
	    yamlout_scalar(&f, d->date, strlen(d->date), 1) == -1 ||
	    BUF_LIT(&f, "\n") == -1))
		goto oom;
	if (d->kind == DOC_POST && (BUF_LIT(&f, "slug: ") == -1 ||
	    yamlout_scalar(&f, d->slug, strlen(d->slug), 0) == -1 ||
	    BUF_LIT(&f, "\n") == -1))
		goto oom;
	if (d->draft && BUF_LIT(&f, "draft: true\n") == -1)
		goto oom;
	if (d->kind == DOC_POST && d->ntags > 0 && yamlout_list(&f, "tags",
	    d->tags, d->ntags) == -1)
		goto oom;
	if (d->naliases > 0 && yamlout_list(&f, "aliases", d->aliases,
	    d->naliases) == -1)
		goto oom;
	for (e = d->front->child; e != NULL; e = e->next) {
		if (is_rewritten(e->key->str))
			continue;
		/* A taxonomy that became tags. */
		for (i = 0; i < im->old.ntaxonomies; i++)
			if (strcasecmp(e->key->str, im->old.taxonomies[i]) == 0)
				break;
		if (i < im->old.ntaxonomies && d->kind == DOC_POST)
			continue;
		if (yamlout_entry(&f, e->key->str, e, 0) == -1)
			goto oom;
	}
	if (BUF_LIT(&f, "---\n") == -1)
		goto oom;
	for (i = 0; i < f.len; i++)
		if (f.data[i] == '\n')
			fm_lines++;
	memset(&c, 0, sizeof(c));
	c.kind = im->old.kind;
	c.file = d->src;
	c.line = d->body_line;
	c.newfile = d->out;
	c.newline = fm_lines + 1;
	c.notes = im->notes;
	c.resolve = imp_resolve;
	c.remote = imp_remote;
	c.ctx = im;
	if (convert_body(&c, d->body, d->body_len, &pass1) == -1 ||
	    convert_links(&c, pass1.data, pass1.len, &f) == -1)
		goto oom;
	if (write_file(im, d->out, f.data, f.len) == -1)
		goto out;
	if (d->bundle != NULL) {
		/* The bundle's other files, beside the post. */
		char *to = arena_strdup(im->a, d->out);
		char *slash = to ? strrchr(to, '/') : NULL;
		struct fs_names names;

		if (slash == NULL)
			goto oom;
		*slash = '\0';
		if (fs_list(im->oldfd, d->bundle, 0, &names, NULL) == 0) {
			for (i = 0; i < names.n; i++) {
				char *p = join(im->a, d->bundle, names.v[i]);
				char *t = join(im->a, to, names.v[i]);

				if (p == NULL || t == NULL) {
					fs_names_free(&names);
					goto oom;
				}
				if (strcmp(p, d->src) == 0)
					continue;
				if ((is_dir(im->oldfd, p) ? copy_tree(im, p, t,
				    "bundle", 1) : copy_file(im, p, t)) == -1) {
					fs_names_free(&names);
					goto out;
				}
			}
			fs_names_free(&names);
		}
	}
	if (d->kind == DOC_POST) {
		im->res->nposts++;
		if (d->draft)
			im->res->ndrafts++;
	} else
		im->res->npages++;
	rc = 0;
	goto out;
oom:
	oom(im);
out:
	buf_free(&f);
	buf_free(&pass1);
	return rc;
}

/* Old list pages, feeds and pagination, each to stet's page for it. */
static int
site_redirects(struct imp *im)
{
	struct buf	 from, to, slug, term;
	size_t		 i, k, nposts = 0, pages;
	int		 rc = -1;
	int		 hugo = im->old.kind == OLD_HUGO;

	buf_init(&from, 0);
	buf_init(&to, 0);
	buf_init(&slug, 0);
	buf_init(&term, 0);
	for (i = 0; i < im->ndocs; i++)
		if (im->docs[i].kind == DOC_POST)
			nposts++;
	/* Feeds: Hugo's RSS at index.xml; Jekyll's atom.xml. */
	if (hugo) {
		if (add_redirect(im, "/index.xml", "/rss.xml") == -1)
			goto out;
		if (im->main_section != NULL && (buf_printf(&from, "/%s/index.xml",
		    im->main_section) == -1 || add_redirect(im,
		    arena_strdup(im->a, from.data), "/rss.xml") == -1))
			goto out;
		buf_reset(&from);
		if (im->main_section != NULL && (buf_printf(&from, "/%s/",
		    im->main_section) == -1 || add_redirect(im,
		    arena_strdup(im->a, from.data), "/writing/") == -1))
			goto out;
	} else if (add_redirect(im, "/atom.xml", "/feed.xml") == -1)
		goto out;
	/* Each term's page and feed, under every taxonomy. */
	for (k = 0; k < im->old.ntaxonomies; k++) {
		const char *tax = im->old.taxonomies[k];

		buf_reset(&from);
		if (buf_printf(&from, "/%s/", tax) == -1 ||
		    add_redirect(im, arena_strdup(im->a, from.data),
		    "/topics/") == -1)
			goto out;
		for (i = 0; i < im->nalltags; i++) {
			const char *t = im->alltags[i];
			size_t tl;
			const char *tt = text_tag_trim(t, &tl);

			buf_reset(&slug);
			buf_reset(&term);
			if (text_tag_slug(&slug, tt, tl) == -1 ||
			    permalink_urlize(&term, t, strlen(t),
			    im->old.keep_case) == -1)
				goto out;
			if (slug.len == 0 || term.len == 0)
				continue;
			buf_reset(&from);
			buf_reset(&to);
			if (buf_printf(&from, "/%s/%s/", tax, term.data) == -1 ||
			    buf_printf(&to, "/topics/%s/", slug.data) == -1 ||
			    add_redirect(im, arena_strdup(im->a, from.data),
			    arena_strdup(im->a, to.data)) == -1)
				goto out;
			if (!hugo)
				continue;
			buf_reset(&from);
			buf_reset(&to);
			if (buf_printf(&from, "/%s/%s/index.xml", tax,
			    term.data) == -1 || buf_printf(&to,
			    "/topics/%s/rss.xml", slug.data) == -1 ||
			    add_redirect(im, arena_strdup(im->a, from.data),
			    arena_strdup(im->a, to.data)) == -1)
				goto out;
		}
	}
	/* Pagination: every later page of the old lists is stet's list. */
	pages = nposts / 10 + 1;
	if (pages > 1000)
		pages = 1000;
	for (i = 2; i <= pages; i++) {
		buf_reset(&from);
		if (hugo) {
			if (buf_printf(&from, "/%s/%zu/", im->old.pager_path, i) ==
			    -1)
				goto out;
		} else if (im->old.paginate_path != NULL) {
			const char *p = im->old.paginate_path, *num;

			if ((num = strstr(p, ":num")) == NULL)
				break;
			if (buf_printf(&from, "%s%.*s%zu%s", *p == '/' ? "" :
			    "/", (int)(num - p), p, i, num + 4) == -1)
				goto out;
			if (from.data[from.len - 1] != '/' &&
			    strchr(strrchr(from.data, '/'), '.') == NULL &&
			    buf_putc(&from, '/') == -1)
				goto out;
		} else
			break;
		if (add_redirect(im, arena_strdup(im->a, from.data),
		    "/writing/") == -1)
			goto out;
		if (hugo && im->main_section != NULL) {
			buf_reset(&from);
			if (buf_printf(&from, "/%s/%s/%zu/", im->main_section,
			    im->old.pager_path, i) == -1 || add_redirect(im,
			    arena_strdup(im->a, from.data), "/writing/") == -1)
				goto out;
		}
	}
	/* Pages: their old paths (and Hugo aliases) to stet's. */
	for (i = 0; i < im->ndocs; i++) {
		const struct doc *d = &im->docs[i];
		const struct ynode *n, *c;

		if (d->kind != DOC_PAGE)
			continue;
		buf_reset(&to);
		if (buf_printf(&to, "/%s/", d->slug) == -1 ||
		    add_redirect(im, d->old, arena_strdup(im->a, to.data)) == -1)
			goto out;
		if ((n = oldsite_get(d->front, "aliases")) == NULL &&
		    (n = oldsite_get(d->front, "redirect_from")) == NULL)
			continue;
		for (c = n->kind == YNODE_SEQ ? n->child : n; c != NULL;
		    c = n->kind == YNODE_SEQ ? c->next : NULL)
			if (c->kind == YNODE_SCALAR && c->str[0] == '/' &&
			    add_redirect(im, c->str, arena_strdup(im->a,
			    to.data)) == -1)
				goto out;
	}
	rc = 0;
out:
	buf_free(&from);
	buf_free(&to);
	buf_free(&slug);
	buf_free(&term);
	return rc;
}

static int
put_key(struct buf *b, const char *k, const char *v)
{
	if (v == NULL || *v == '\0')
		return 0;
	if (buf_printf(b, "%s: ", k) == -1 ||
	    yamlout_scalar(b, v, strlen(v), 0) == -1)
		return -1;
	return buf_putc(b, '\n');
}

static int
write_config(struct imp *im)
{
	struct buf	 b;
	size_t		 i;
	int		 rc = -1;
	const char	*url = im->old.url;

	if (im->o->old_url != NULL)
		url = im->o->old_url;
	buf_init(&b, 0);
	if (buf_printf(&b, "# Imported from %s's %s by stet import; "
	    "IMPORT.md says what changed.\n", im->old.kind == OLD_HUGO ?
	    "Hugo" : "Jekyll", im->old.config ? im->old.config : "defaults") ==
	    -1 || put_key(&b, "title", im->old.title) == -1 ||
	    put_key(&b, "author", im->old.author) == -1 ||
	    put_key(&b, "description", im->old.description) == -1 ||
	    put_key(&b, "url", url) == -1 ||
	    put_key(&b, "language", im->old.language) == -1 ||
	    put_key(&b, "timezone", im->old.timezone) == -1)
		goto oom;
	if (url == NULL)
		notes_add(im->notes, NOTE_LOOK, "stet.yaml", 0, "the old site "
		    "names no address: set url: (or import with --url)");
	if (im->old.nmenus > 0) {
		if (BUF_LIT(&b, "links:\n") == -1)
			goto oom;
		for (i = 0; i < im->old.nmenus; i++)
			if (BUF_LIT(&b, "  - name: ") == -1 ||
			    yamlout_scalar(&b, im->old.menus[i].name,
			    strlen(im->old.menus[i].name), 0) == -1 ||
			    BUF_LIT(&b, "\n    url: ") == -1 ||
			    yamlout_scalar(&b, im->old.menus[i].url,
			    strlen(im->old.menus[i].url), 0) == -1 ||
			    BUF_LIT(&b, "\n") == -1)
				goto oom;
	}
	if (im->redirects.len > 0 && (BUF_LIT(&b, "# Old addresses: the build "
	    "answers each with a redirect (and a feed's with the feed).\n"
	    "redirects:\n") == -1 || buf_put(&b, im->redirects.data,
	    im->redirects.len) == -1))
		goto oom;
	rc = write_file(im, "stet.yaml", b.data, b.len);
	goto out;
oom:
	oom(im);
out:
	buf_free(&b);
	return rc;
}

/* new: missing, or an empty folder, or --force. */
static int
open_new(struct imp *im, const char *new)
{
	struct fs_names	 names;
	int		 r;

	if (mkdir(new, 0755) == -1 && errno != EEXIST)
		return err_set(im->err, new, 0, "%s", strerror(errno));
	if ((im->newfd = open(new, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return err_set(im->err, new, 0, "%s", strerror(errno));
	if ((r = fs_list(im->newfd, ".", 1, &names, NULL)) != 0)
		return err_set(im->err, new, 0, "%s", strerror(errno));
	r = names.n > 0;
	fs_names_free(&names);
	if (r && !im->o->force)
		return err_set(im->err, new, 0, "not empty; stet import writes "
		    "only into a new or empty folder (--force to write over "
		    "an earlier import)");
	if (r) {
		/* An earlier import's posts and pages go, not the rest. */
		if (fs_remove_tree_at(im->newfd, "posts") == -1 ||
		    fs_remove_tree_at(im->newfd, "pages") == -1)
			return err_set(im->err, new, 0, "%s", strerror(errno));
	}
	return 0;
}

int
import_site(const char *old, const char *new, const struct import_opts *o,
    struct import_result *res, struct err *err)
{
	struct imp	 im;
	char		 ro[PATH_MAX], rn[PATH_MAX];
	size_t		 i, n;
	int		 rc = -1, r;

	memset(&im, 0, sizeof(im));
	memset(res, 0, sizeof(*res));
	notes_init(&res->notes);
	im.o = o;
	im.res = res;
	im.notes = &res->notes;
	im.err = err;
	im.oldfd = im.newfd = -1;
	buf_init(&im.redirects, 0);
	strmap_init(&im.byurl);
	strmap_init(&im.byname);
	strmap_init(&im.slugs);
	strmap_init(&im.aliasset);
	strmap_init(&im.tagset);
	strmap_init(&im.redirset);
	if ((im.a = arena_new()) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	if ((im.oldfd = open(old, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		err_set(err, old, 0, "%s", strerror(errno));
		goto out;
	}
	if ((r = oldsite_read(im.a, im.oldfd, &im.old, err)) == -1)
		goto out;
	if (r == 1) {
		err_set(err, old, 0, "neither a Hugo site (config.toml, "
		    "hugo.toml, content/) nor a Jekyll site (_config.yml, "
		    "_posts/)");
		goto out;
	}
	res->kind = im.old.kind == OLD_HUGO ? "Hugo" : "Jekyll";
	res->config = im.old.config;
	/* The new site may not be inside the old one, or be it. */
	if (realpath(old, ro) == NULL) {
		err_set(err, old, 0, "%s", strerror(errno));
		goto out;
	}
	if (open_new(&im, new) == -1)
		goto out;
	if (realpath(new, rn) == NULL) {
		err_set(err, new, 0, "%s", strerror(errno));
		goto out;
	}
	n = strlen(ro);
	if (strncmp(rn, ro, n) == 0 && (rn[n] == '\0' || rn[n] == '/')) {
		err_set(err, new, 0, "is inside %s; stet import never writes "
		    "into the old site", old);
		goto out;
	}
	media_init(&im.media, im.newfd, o->media_max_count, o->media_max_bytes);
	if (im.old.kind == OLD_HUGO) {
		im.main_section = hugo_main(&im);
		if (walk_hugo(&im, im.old.content_dir, "", 0) == -1 ||
		    copy_tree(&im, im.old.static_dir, "static", "", 0) == -1)
			goto out;
	} else {
		if (walk_posts(&im, "_posts", "", 0, 0) == -1 ||
		    walk_posts(&im, "_drafts", "", 1, 0) == -1 ||
		    walk_jekyll(&im, ".", 0) == -1)
			goto out;
	}
	if (index_docs(&im) == -1 || site_redirects(&im) == -1) {
		oom(&im);
		goto out;
	}
	for (i = 0; i < im.ndocs; i++)
		if (emit_doc(&im, i) == -1)
			goto out;
	if (write_config(&im) == -1)
		goto out;
	if (report_write(im.newfd, old, res, &im.old) == -1) {
		err_set(err, "IMPORT.md", 0, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	media_free(&im.media);
	if (im.oldfd != -1)
		close(im.oldfd);
	if (im.newfd != -1)
		close(im.newfd);
	free(im.docs);
	free(im.alltags);
	buf_free(&im.redirects);
	strmap_free(&im.byurl);
	strmap_free(&im.byname);
	strmap_free(&im.slugs);
	strmap_free(&im.aliasset);
	strmap_free(&im.tagset);
	strmap_free(&im.redirset);
	arena_free(im.a);
	return rc;
}
