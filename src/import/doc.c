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
#include "../support/date.h"
#include "../support/fsutil.h"
#include "../support/text.h"
#include "impl.h"
#include "permalink.h"
#include "yamlout.h"

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
add_tag(struct imp *im, struct doc *d, const char *t, size_t n, size_t *cap)
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
	/* Topic pages and feeds: only a published post's tags make one. */
	if (d->kind == DOC_POST && !d->draft &&
	    strmap_put(&im->tagset, s, 0) == 0) {
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
add_terms(struct imp *im, struct doc *d, const struct ynode *n, size_t *cap)
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
		for (i = 0; imp_reserved[i] != NULL; i++)
			if (strcmp(b.data, imp_reserved[i]) == 0 &&
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
	/* Two posts wanted this name: a link by name alone is ambiguous. */
	if (k > 1 && !page) {
		struct buf l;
		char *key;

		buf_init(&l, 0);
		if (BUF_LIT(&l, "c:") == -1 || text_lower(&l, b.data, b.len) ==
		    -1 || (key = arena_strndup(im->a, l.data, l.len)) == NULL ||
		    strmap_put(&im->slugs, key, 0) == -1) {
			buf_free(&l);
			goto out;
		}
		buf_free(&l);
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
	    strstr(v, "/.") || imp_stet_path(v))
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
int
imp_add_redirect(struct imp *im, const char *from, const char *to)
{
	char	*k;

	/* The callers pass arena_strdup's result: NULL is out of memory. */
	if (from == NULL || to == NULL)
		return -1;
	if (!alias_ok(from) || strcmp(from, to) == 0)
		return 0;
	if ((k = arena_strdup(im->a, from)) == NULL)
		return -1;
	if (strmap_get(&im->aliasset, from, strlen(from)) != (size_t)-1)
		return 0;
	if (strmap_get(&im->redirset, k, strlen(k)) != (size_t)-1)
		return 0;
	if (im->nredir == im->capredir) {
		size_t cap = im->capredir ? im->capredir * 2 : 64;
		const char **v = realloc(im->redir_to, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		im->redir_to = v;
		im->capredir = cap;
	}
	if (strmap_put(&im->redirset, k, im->nredir) == -1)
		return -1;
	im->redir_to[im->nredir++] = to;
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
 * Front matter that YAML refuses, read again with every top-level
 * "key: value" value quoted (a title holding ": " is the usual cause).
 * 0 with *root, or -1.
 */
static int
lenient(struct arena *a, const struct front_split *fs, const char *src,
    struct ynode **root)
{
	struct buf	 b;
	struct err	 e;
	const char	*p = fs->yaml, *end = fs->yaml + fs->yaml_len, *eol;
	const char	*c, *v;
	int		 rc = -1;

	buf_init(&b, 0);
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		for (c = p; c < eol && (isalnum((unsigned char)*c) ||
		    *c == '_' || *c == '-'); c++)
			;
		v = c + 1;
		while (v < eol && *v == ' ')
			v++;
		/* Not "key: value" at the top, or a value YAML reads well. */
		if (c == p || c + 1 >= eol || *c != ':' || c[1] != ' ' ||
		    v >= eol || strchr("[{\"'|>&*!#", *v) != NULL) {
			if (buf_put(&b, p, (size_t)(eol - p)) == -1 ||
			    buf_putc(&b, '\n') == -1)
				goto out;
			continue;
		}
		if (buf_put(&b, p, (size_t)(v - p)) == -1 ||
		    buf_putc(&b, '\'') == -1)
			goto out;
		for (; v < eol && v[0] != '\r'; v++)
			if ((*v == '\'' && buf_putc(&b, '\'') == -1) ||
			    buf_putc(&b, *v) == -1)
				goto out;
		if (BUF_LIT(&b, "'\n") == -1)
			goto out;
	}
	if (yaml_load_dups(a, b.data ? b.data : "", b.len, src, fs->yaml_line,
	    root, &e) == 0 && (*root)->kind == YNODE_MAP)
		rc = 0;
out:
	buf_free(&b);
	return rc;
}

/*
 * A bundle's folder in posts/: its slug, but for dots, since stet reads
 * no folder with a dot in its name as a bundle ("tibble-2.1.1"); the
 * post keeps its slug through slug:.  0 or -1.
 */
static int
bundle_out(struct imp *im, const struct doc *d, struct buf *u)
{
	struct buf	 f;
	size_t		 i, k, base;
	char		*key;
	int		 rc = -1;

	buf_init(&f, 0);
	if (BUF_LIT(&f, "d:") == -1 || buf_puts(&f, d->slug) == -1)
		goto out;
	for (i = 2; i < f.len; i++)
		if (f.data[i] == '.')
			f.data[i] = '-';
	base = f.len;
	for (k = 2; strmap_get(&im->slugs, f.data, f.len) != (size_t)-1; k++) {
		buf_truncate(&f, base);
		if (buf_printf(&f, "-%zu", k) == -1)
			goto out;
	}
	if ((key = arena_strndup(im->a, f.data, f.len)) == NULL ||
	    strmap_put(&im->slugs, key, 0) == -1)
		goto out;
	rc = buf_printf(u, "posts/%s/index.%s", f.data + 2, d->is_html ?
	    "html" : "md");
out:
	buf_free(&f);
	return rc;
}

/*
 * Windows line ends made Unix ones: the converters read "\n\n" as a
 * paragraph's end, and the new site is written one way.  The new length.
 */
static size_t
crlf_to_lf(char *s, size_t n)
{
	size_t	 i, j;

	for (i = j = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			s[j++] = s[i];
	return j;
}

/*
 * Read one source file into a doc: its front matter, old URL, slug,
 * tags and aliases.  dir is its folder under content/ (Hugo) or before
 * _posts/ (Jekyll); name its name without date or ending.
 */
int
imp_read_doc(struct imp *im, enum doc_kind kind, const char *src,
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
	b.len = crlf_to_lf(b.data, b.len);
	b.data[b.len] = '\0';
	if (text_check_utf8(b.data, b.len, &line, &why) == -1) {
		notes_add(im->notes, NOTE_LOOK, src, line, "not imported: %s",
		    why);
		im->res->nskipped++;
		rc = 0;
		goto out;
	}
	if ((d = new_doc(im)) == NULL) {
		imp_oom(im);
		goto out;
	}
	d->kind = kind;
	d->bundle = bundle;
	d->draft = draft;
	d->is_html = imp_has_ext(src, ".html");
	if ((d->src = arena_strdup(im->a, src)) == NULL ||
	    (v = arena_strndup(im->a, b.data, b.len)) == NULL) {
		imp_oom(im);
		goto out;
	}
	memset(&fs, 0, sizeof(fs));
	if ((b.len >= 3 && (memcmp(b.data, "---", 3) == 0 ||
	    memcmp(b.data, "+++", 3) == 0)) || (b.len >= 6 &&
	    memcmp(b.data, "\xef\xbb\xbf", 3) == 0)) {
		if (fm_split(v, b.len, src, &fs, &e) == -1) {
			notes_add(im->notes, NOTE_LOOK, e.file[0] ? e.file :
			    src, e.line, "not imported: %s", e.msg + e.what);
			im->ndocs--;
			im->res->nskipped++;
			rc = 0;
			goto out;
		}
		if (fm_load(im->a, &fs, src, &root, &e) == -1 ||
		    root->kind != YNODE_MAP) {
			/*
			 * Jekyll publishes a post whose front matter YAML
			 * cannot read ("title: a: b"), so it comes over: its
			 * values read as plain strings, line by line.
			 */
			if (fs.kind != FRONT_YAML || lenient(im->a, &fs, src,
			    &root) == -1)
				root = NULL;
			notes_add(im->notes, NOTE_LOOK, e.file[0] ? e.file :
			    src, e.line, "front matter: %s; %s", e.msg + e.what,
			    root ? "each value read as written" : "left out");
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
	    date_parse(v, strlen(v), im->old.zone, &od.date, &why) == 0) {
		d->date = v;
		od.has_date = 1;
	} else if (pre > 0) {
		/* A date stet cannot read: the file name's, and a note. */
		if (v != NULL)
			notes_add(im->notes, NOTE_LOOK, src, 0, "date: %s: %s; "
			    "the file name's date is written", v, why);
		if ((d->date = arena_strdup(im->a, ymd)) == NULL) {
			imp_oom(im);
			goto out;
		}
		od.has_date = date_parse(ymd, 10, im->old.zone, &od.date,
		    &why) == 0;
	} else if (kind == DOC_POST) {
		struct stat st;

		if (fstatat(im->oldfd, src, &st, 0) == 0) {
			od.date.t = st.st_mtim.tv_sec;
			od.has_date = 1;
			date_localize(&od.date, im->old.zone);
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
		if (add_terms(im, d, n, &tagcap) == -1) {
			imp_oom(im);
			goto out;
		}
	}
	if (add_terms(im, d, oldsite_get(root, "tag"), &tagcap) ==
	    -1 || add_terms(im, d, oldsite_get(root, "category"), &tagcap) ==
	    -1) {
		imp_oom(im);
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
	od.collection = im->coll;
	od.coll_pattern = im->coll_pattern;
	if (permalink_old(&im->old, &od, &u) == -1 ||
	    (d->old = arena_strndup(im->a, u.data, u.len)) == NULL) {
		imp_oom(im);
		goto out;
	}
	/* stet's slug, or page name. */
	/* A page is named by its file ("pages/about.md" is about). */
	v = od.slug != NULL && kind == DOC_POST ? od.slug : base;
	if (kind == DOC_PAGE && strrchr(v, '/') != NULL)
		v = strrchr(v, '/') + 1;
	if ((d->slug = take_slug(im, v, strlen(v), kind == DOC_PAGE)) == NULL) {
		imp_oom(im);
		goto out;
	}
	buf_reset(&u);
	if (kind == DOC_POST && bundle != NULL)
		rc = bundle_out(im, d, &u);
	else if (kind == DOC_POST)
		rc = buf_printf(&u, "posts/%s.%s", d->slug, d->is_html ?
		    "html" : "md");
	else
		rc = buf_printf(&u, "pages/%s.%s", d->slug, d->is_html ?
		    "html" : "md");
	if (rc == -1 || (d->out = arena_strndup(im->a, u.data, u.len)) ==
	    NULL) {
		rc = -1;
		imp_oom(im);
		goto out;
	}
	/* Old paths: the URL the old tool gave it, and its own aliases. */
	buf_reset(&u);
	if (kind == DOC_POST) {
		if (buf_printf(&u, "/writing/%s/", d->slug) == -1) {
			rc = imp_oom(im);
			goto out;
		}
		if (strcmp(d->old, u.data) != 0) {
			if (!alias_ok(d->old))
				notes_add(im->notes, NOTE_LOOK, src, 0,
				    "the old "
				    "URL %s cannot be kept as an alias",
				    d->old);
			else if (add_alias(im, d, d->old, &alcap) == -1) {
				rc = imp_oom(im);
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
					rc = imp_oom(im);
					goto out;
				}
				if (!alias_ok(p))
					notes_add(im->notes, NOTE_LOOK, src,
					    c->line, "alias %s cannot be kept",
					    p);
				else if (add_alias(im, d, p, &alcap) == -1) {
					rc = imp_oom(im);
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
