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
#include "images.h"
#include "load.h"
#include "markdown.h"
#include "topics.h"

#define SOURCE_MAX	(16 * 1024 * 1024)
#define SLUG_MAX	200

/* Paths stet writes itself: no page may take one. */
static const char *const reserved[] = { "writing", "topics", "notes",
    "feed.xml", "rss.xml", "feed.json", "sitemap.xml", "robots.txt",
    "404", "404.html", "index", "index.html", "style.css", "favicon.svg",
    "subscribe", "unsubscribe", NULL };

/*
 * Does the file start with a front matter fence, YAML's or TOML's
 * (after a BOM)?
 */
static int
has_front(const char *s, size_t n)
{
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	return n >= 3 && (memcmp(s, "---", 3) == 0 ||
	    memcmp(s, "+++", 3) == 0);
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

/* The Markdown endings Jekyll and Hugo take, then HTML. */
static const char *const source_exts[] = { ".md", ".markdown", ".mdown",
    ".mkd", ".mkdn", ".html", NULL };

/* The length of name's source ending (".md"...), or 0. */
static size_t
source_ext(const char *name)
{
	size_t	 i;

	for (i = 0; source_exts[i] != NULL; i++)
		if (has_ext(name, source_exts[i]))
			return strlen(source_exts[i]);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A page bundle (Hugo's): a folder dir/name holding index.md (or
 * another source ending) and the files its page shows.  The index
 * file's name relative to dir, in the arena, or NULL.
 */
static const char *
bundle_index(struct site *s, const char *dir, const char *name)
{
	char		 path[4096];
	struct stat	 st;
	size_t		 i;
	int		 n;

	for (i = 0; source_exts[i] != NULL; i++) {
		n = snprintf(path, sizeof(path), "%s/%s/index%s", dir, name,
		    source_exts[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			return NULL;
		if (fstatat(s->dirfd, path, &st, 0) == 0 && S_ISREG(st.st_mode))
			return arena_strdup(s->arena, path + strlen(dir) + 1);
	}
	return NULL;
}

/*
 * The source files of one folder, sorted: files with a source ending,
 * and (with bundles set) the index file of each page bundle, as
 * "name/index.md".
 */
static int
list_sources(struct site *s, const char *dir, int bundles, struct names *out,
    struct err *err)
{
	struct fs_names	 all;
	size_t		 i;
	int		 rc, moved = 0;

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
		const char *name = all.v[i], *v;

		/*
		 * Hugo's _index.md is a section's list page, not a post;
		 * Jekyll leaves out every name starting with '_'.
		 */
		if (name[0] == '_') {
			if (source_ext(name) > 0 || bundle_index(s, dir, name))
				diag_warn(s->diag, dir, 0, "%s: a name starting "
				    "with _ (Hugo's _index.md) is not a post; "
				    "left out", name);
			continue;
		}
		if (source_ext(name) > 0)
			v = arena_strdup(s->arena, name);
		else if (!bundles || strchr(name, '.') != NULL ||
		    (v = bundle_index(s, dir, name)) == NULL)
			continue;
		else
			moved = 1;
		if (v == NULL) {
			fs_names_free(&all);
			free(out->v);
			out->v = NULL;
			return err_set(err, dir, 0, "out of memory");
		}
		out->v[out->n++] = (char *)v;
	}
	fs_names_free(&all);
	/* "x/index.md" sorts apart from where "x" did. */
	if (moved && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), name_cmp);
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

/* YAML 1.1's booleans, as Jekyll's and Hugo's YAML readers take them. */
static int
boolean(const struct ynode *n, const char *file, const char *what, int *out,
    struct err *err)
{
	static const char *const yes[] = { "true", "yes", "on", "y", NULL };
	static const char *const no[] = { "false", "no", "off", "n", NULL };
	const char	*v = NULL;
	size_t		 i;

	if (scalar(n, file, what, &v, err) == -1)
		return -1;
	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	return err_set(err, file, n->line, "%s: want true or false", what);
}

static int
date_field(const struct ynode *n, const char *file, const char *what,
    const struct zone *z, struct date *d, struct err *err)
{
	const char	*v = NULL, *why;

	if (scalar(n, file, what, &v, err) == -1)
		return -1;
	if (date_parse(v, n->len, z, d, &why) == -1)
		return err_set(err, file, n->line, "%s: %s: %s", what, why, v);
	/* Pages and feeds show every date in the site's timezone. */
	date_localize(d, z);
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

/*
 * The next tag of a single string at *c, between any of seps, without
 * the spaces and tabs around it: 1 with *s and *len set, 0 at the end.
 */
static int
next_tag(const char **c, const char *seps, const char **s, size_t *len)
{
	for (;;) {
		*c += strspn(*c, seps);
		if (**c == '\0')
			return 0;
		*s = *c;
		*len = strcspn(*c, seps);
		*c += *len;
		while (*len > 0 && (**s == ' ' || **s == '\t'))
			(*s)++, (*len)--;
		while (*len > 0 && ((*s)[*len - 1] == ' ' ||
		    (*s)[*len - 1] == '\t'))
			(*len)--;
		if (*len > 0)
			return 1;
	}
}

/*
 * The tags of a sequence, or of one value: split at commas when it has
 * any (stet's own "a, b"), else at white space, as Jekyll and Hugo both
 * split a single string ("tags: linux strace" is two tags).
 */
static int
tags_field(struct arena *a, const struct ynode *n, const char *file,
    struct post *p, struct err *err)
{
	const struct ynode *t;
	size_t		 k = p->ntags, more = 0, len;
	const char	*s = NULL, *c, *seps;

	if (n->kind == YNODE_MAP)
		return err_set(err, file, n->line, "%s: want a list",
		    n->key->str);
	seps = n->kind == YNODE_SCALAR && strchr(n->str, ',') != NULL ?
	    "," : " \t\r\n";
	if (n->kind == YNODE_SEQ) {
		for (t = n->child; t != NULL; t = t->next)
			more++;
	} else
		for (c = n->str; next_tag(&c, seps, &s, &len);)
			more++;
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
	for (c = n->str; next_tag(&c, seps, &s, &len);) {
		p->tag_lines[p->ntags] = n->line;
		if ((p->tags[p->ntags++] = arena_strndup(a, s, len)) == NULL)
			return err_set(err, file, 0, "out of memory");
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

/*
 * The date at the start of a file name, as Jekyll reads it: year, month
 * and day, the last two with or without a leading zero, then '-'
 * ("2024-01-08-slug.md", "2019-3-7-slug.md").  Its length with the '-'
 * (0 when there is none), and the date as YYYY-MM-DD in ymd.
 */
static size_t
date_prefix(const char *name, char ymd[11])
{
	unsigned int	 v[3] = { 0, 0, 0 };
	size_t		 i = 0, k, d;
	int		 n;

	for (k = 0; k < 3; k++) {
		for (d = 0; name[i] >= '0' && name[i] <= '9' && d < 4; d++)
			v[k] = v[k] * 10 + (unsigned)(name[i++] - '0');
		if (name[i] != '-' || (k == 0 ? d != 4 : d < 1 || d > 2))
			return 0;
		i++;
	}
	n = snprintf(ymd, 11, "%04u-%02u-%02u", v[0], v[1], v[2]);
	return n == 10 ? i : 0;
}

/* The keys a post's front matter means something by to stet. */
static const char *const known_keys[] = { "title", "date", "updated",
    "lastmod", "summary", "description", "draft", "published", "slug",
    "tags", "tag", "categories", "category", "id", "aliases",
    "redirect_from", "publishdate", NULL };

/*
 * Keys Hugo, Jekyll and their themes use, close in spelling to one of
 * ours but meant for something else: never a misspelling.
 */
static const char *const other_keys[] = { "layout", "author", "authors",
    "image", "images", "keywords", "comments", "toc", "math", "weight",
    "type", "series", "excerpt", "cover", "url", "permalink", "subtitle",
    "menu", "share", "hidden", "header", "expirydate", "lang", "language",
    "translationkey", "data", "name", "link", "links", "note", "notes",
    "site", "style", "status", "sticky", "topic", "topics", "tagline",
    "caption", "credit", "credits", "source", "update", "dates", NULL };

/* Levenshtein distance of a and b, ASCII case ignored; at most cap+1. */
static size_t
key_distance(const char *a, const char *b, size_t cap)
{
	size_t	 row[32], i, j, na = strlen(a), nb = strlen(b), diag, up;

	if (na >= 32 || nb >= 32)
		return cap + 1;
	if ((na > nb ? na - nb : nb - na) > cap)
		return cap + 1;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= nb; j++) {
			int same = (a[i - 1] | 0x20) == (b[j - 1] | 0x20);

			up = row[j];
			row[j] = diag + !same;
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[nb];
}

/* The known key k looks like a misspelling of, or NULL. */
static const char *
misspelt(const char *k)
{
	size_t	 i, n = strlen(k), cap = n <= 4 ? 1 : 2;

	for (i = 0; known_keys[i] != NULL; i++)
		if (strcasecmp(k, known_keys[i]) == 0)
			return NULL;
	for (i = 0; other_keys[i] != NULL; i++)
		if (strcasecmp(k, other_keys[i]) == 0)
			return NULL;
	for (i = 0; known_keys[i] != NULL; i++)
		if (key_distance(k, known_keys[i], cap) <= cap)
			return known_keys[i];
	return NULL;
}

/*
 * A key given twice: YAML says the document is wrong, every tool reads
 * it anyway, and the last one wins.  Warn naming both lines and drop the
 * earlier entry, so templates reading the front matter agree with us.
 * Linear: a hash table of the keys (a hostile front matter may hold a
 * hundred thousand).
 */
static int
drop_repeats(struct ynode *root, const char *file, struct diag *d,
    int *warned)
{
	struct ynode	**t, *e, **link;
	size_t		 n = 0, size = 16, h;

	for (e = root->child; e != NULL; e = e->next)
		n++;
	if (n < 2)
		return 0;
	while (size < n * 2)
		size *= 2;
	if ((t = calloc(size, sizeof(*t))) == NULL)
		return -1;
	for (e = root->child; e != NULL; e = e->next) {
		for (h = hash_str(HASH_INIT, e->key->str) & (size - 1);
		    t[h] != NULL; h = (h + 1) & (size - 1))
			if (strcmp(t[h]->key->str, e->key->str) == 0)
				break;
		if (t[h] != NULL) {
			diag_warn(d, file, e->line, "%s: given again (first "
			    "on line %zu); the last one is used",
			    e->key->str, t[h]->line);
			*warned = 1;
			/* The earlier one: unlinked below. */
			t[h]->key = NULL;
		}
		t[h] = e;
	}
	free(t);
	for (link = &root->child; *link != NULL;)
		if ((*link)->key == NULL)
			*link = (*link)->next;
		else
			link = &(*link)->next;
	return 0;
}

/*
 * A title from a file name, as Jekyll makes one: the words between '-'
 * and '_', each with a capital ("why-we-shard" -> "Why We Shard").
 */
static const char *
title_from_name(struct arena *a, const char *name, size_t n)
{
	struct buf	 b;
	const char	*out;
	size_t		 i;
	int		 start = 1;

	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (c == '-' || c == '_' || c == ' ') {
			if (!start && buf_putc(&b, ' ') == -1)
				goto oom;
			start = 1;
			continue;
		}
		if (start && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		start = 0;
		if (buf_putc(&b, c) == -1)
			goto oom;
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	out = b.len > 0 ? arena_strndup(a, b.data, b.len) : NULL;
	buf_free(&b);
	return out;
oom:
	buf_free(&b);
	return NULL;
}

struct postload {
	struct site	*site;
	const char	*dir;		/* "posts" or "notes" */
	int		 dirfd;		/* that folder, open */
	struct post	*out;		/* one per name */
	const struct cache_post **hits;	/* the cache's entry per file */
	struct names	*names;
};

/*
 * Read one field of the front matter into p.  0; 1 when a value was
 * doubtful and read one way (the caller warns); or -1 with err filled
 * (the caller records it and goes on with the next field, so one run
 * names every mistake).
 */
static int
post_field(struct arena *a, const struct zone *z, struct post *p,
    const struct ynode *e, int *have_date, struct err *err)
{
	const char	*k = e->key->str, *v = NULL;

	if (strcmp(k, "title") == 0)
		return scalar(e, p->file, k, &p->title, err);
	if (strcmp(k, "date") == 0 || (strcasecmp(k, "publishdate") == 0 &&
	    *have_date != 1)) {
		/* Hugo's publishDate stands in for a missing date. */
		if (date_field(e, p->file, k, z, &p->date, err) == -1) {
			*have_date = 1;	/* given, if wrong: not missing */
			return -1;
		}
		*have_date = strcmp(k, "date") == 0 ? 1 : 2;
		return 0;
	}
	if (strcmp(k, "updated") == 0 || strcmp(k, "lastmod") == 0) {
		if (date_field(e, p->file, k, z, &p->updated, err) == -1)
			return -1;
		p->has_updated = 1;
		return 0;
	}
	if (strcmp(k, "summary") == 0 || (strcmp(k, "description") == 0 &&
	    p->summary == NULL)) {
		if (scalar(e, p->file, k, &p->summary, err) == -1)
			return -1;
		/* summary: "" (as stet new writes it) is none. */
		if (*p->summary == '\0')
			p->summary = NULL;
		return 0;
	}
	/*
	 * Neither true nor false ("flase"): a warning, and the safe
	 * reading for draft: (kept out); for published: what Jekyll does
	 * (any value but false publishes), since the post is out already.
	 */
	if (strcmp(k, "draft") == 0) {
		if (boolean(e, p->file, k, &p->draft, err) == -1) {
			p->draft = 1;
			return 1;
		}
		return 0;
	}
	if (strcmp(k, "published") == 0) {
		/* Jekyll's spelling: published: false is a draft. */
		int pub;

		if (boolean(e, p->file, k, &pub, err) == -1) {
			p->draft = 0;
			return 1;
		}
		p->draft = !pub;
		return 0;
	}
	if (strcmp(k, "slug") == 0) {
		if (scalar(e, p->file, k, &v, err) == -1)
			return -1;
		if (!slug_ok(v))
			return err_set(err, p->file, e->line, "slug: %s is not "
			    "one plain path segment", v);
		p->slug = p->slug_base = v;
		p->slug_line = e->line;
		return 0;
	}
	/* Jekyll reads the singular spellings too. */
	if (strcmp(k, "tags") == 0 || strcmp(k, "tag") == 0 ||
	    strcmp(k, "categories") == 0 || strcmp(k, "category") == 0)
		return tags_field(a, e, p->file, p, err);
	if (strcmp(k, "id") == 0) {
		if (scalar(e, p->file, k, &p->fm_id, err) == -1)
			return -1;
		if (*p->fm_id == '\0' || strpbrk(p->fm_id, " \t\r\n<>\"") !=
		    NULL)
			return err_set(err, p->file, e->line, "id: want a URI "
			    "without spaces, like tag:example.com,"
			    "2026-01-01:/x");
		return 0;
	}
	if (strcmp(k, "aliases") == 0 || strcmp(k, "redirect_from") == 0)
		return aliases_field(a, e, p->file, p, err);
	/* Other keys stay in p->front for templates. */
	return 0;
}

/*
 * The slug a file name gives: the name without its date and ending, as
 * written when that is a usable path segment (Jekyll keeps its case
 * too), else made into one ("My Post" -> "my-post").  NULL when
 * nothing usable is left.
 */
static const char *
slug_from_name(struct arena *a, const char *name, size_t n)
{
	struct buf	 b;
	const char	*out = NULL;

	if ((out = arena_strndup(a, name, n)) == NULL || slug_ok(out))
		return out;
	buf_init(&b, 0);
	if (text_slug(&b, name, n) == 0 && b.len > 0 && b.len <= SLUG_MAX)
		out = arena_strndup(a, b.data, b.len);
	else
		out = NULL;
	buf_free(&b);
	return out;
}

static int
load_post(void *ctx, size_t i, int worker, struct err *unused)
{
	struct postload	*pl = ctx;
	struct site	*s = pl->site;
	struct post	*p = &pl->out[i];
	struct arena	*a = s->warena[worker];
	struct front_split fs;
	struct buf	 src, path;
	struct ynode	*root, *e;
	struct stat	 st;
	struct err	 err;
	const char	*name = pl->names->v[i], *why, *slash, *fix, *more;
	char		 ymd[11];
	size_t		 line, pre, n;
	int		 bad = 0, have_date = 0, r;

	(void)unused;
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
		 * A post that had warnings is read again, so that every
		 * build names them all.
		 */
		if (cp != NULL && cp->post.mtime_ns == p->mtime_ns &&
		    cp->post.size == p->size && !cp->post.warned) {
			*p = cp->post;
			p->section = "writing";
			p->cached = cp;
			p->order = i;
			goto out;
		}
		p->cached = cp;
	}
	/* Read it: a new file, or one changed since the last build. */
	p->section = strcmp(pl->dir, "notes") == 0 ? "notes" : "writing";
	if (buf_printf(&path, "%s/%s", pl->dir, name) == -1 ||
	    (p->file = arena_strdup(a, path.data)) == NULL) {
		err_set(&err, name, 0, "out of memory");
		goto fail;
	}
	p->fresh = 1;
	p->order = i;
	if (fs_read_at(s->dirfd, p->file, SOURCE_MAX, &src, 0, &err) == -1)
		goto fail;
	src.len = text_strip_controls(src.data, src.len, &line);
	src.data[src.len] = '\0';
	if (line > 0) {
		diag_warn(s->diag, p->file, line, "holds control characters, "
		    "which HTML and XML do not allow; they are left out");
		p->warned = 1;
	}
	if (text_check_utf8(src.data, src.len, &line, &why) == -1) {
		err_set(&err, p->file, line, "%s", why);
		goto fail;
	}
	if (!has_front(src.data, src.len)) {
		/*
		 * No front matter at all: the file name can still give the
		 * date and title, and the whole file is the body.
		 */
		memset(&fs, 0, sizeof(fs));
		fs.body = src.data;
		fs.body_len = src.len;
		fs.body_line = fs.yaml_line = 1;
		if (yaml_load(a, "", 0, p->file, 1, &root, &err) == -1)
			goto fail;
		diag_warn(s->diag, p->file, 1, "no front matter (--- lines "
		    "with title: and date:); the file name gives them");
		p->warned = 1;
	} else if (fm_split(src.data, src.len, p->file, &fs, &err) == -1 ||
	    fm_load(a, &fs, p->file, &root, &err) == -1)
		goto fail;
	if (root->kind != YNODE_MAP) {
		err_set(&err, p->file, root->line, "front matter: want keys "
		    "and values");
		goto fail;
	}
	if (drop_repeats(root, p->file, s->diag, &p->warned) == -1) {
		err_set(&err, p->file, 0, "out of memory");
		goto fail;
	}
	p->front = root;
	p->body_line = fs.body_line;
	p->is_html = has_ext(name, ".html");
	for (e = root->child; e != NULL; e = e->next) {
		if ((r = post_field(a, s->zone, p, e, &have_date, &err)) == -1) {
			diag_error_err(s->diag, &err);
			bad = 1;
		} else if (r == 1) {
			diag_warn(s->diag, p->file, e->line, "%s: %s is "
			    "neither true nor false; read as %s", e->key->str,
			    e->str != NULL ? e->str : "(a list)", p->draft ?
			    "a draft" : "published, as Jekyll does");
			p->warned = 1;
		} else if ((fix = misspelt(e->key->str)) != NULL) {
			diag_warn(s->diag, p->file, e->line, "%s: not a key "
			    "stet reads; did you mean %s?", e->key->str, fix);
			p->warned = 1;
		}
	}
	/* A bundle "x/index.md" is named by its folder. */
	n = (slash = strchr(name, '/')) != NULL ? (size_t)(slash - name) :
	    strlen(name) - source_ext(name);
	pre = date_prefix(name, ymd);
	if (pre > n)
		pre = 0;
	if (!have_date) {
		/* Jekyll takes the date from the file name; so do we. */
		if (pre == 0 || date_parse(ymd, 10, s->zone, &p->date,
		    &why) == -1) {
			diag_error(s->diag, p->file, fs.yaml_line, "date: "
			    "missing, and the file name does not start with "
			    "one (YYYY-MM-DD-)");
			bad = 1;
		} else
			date_localize(&p->date, s->zone);
	}
	if (p->title == NULL || p->title[0] == '\0') {
		if ((p->title = title_from_name(a, name + pre, n - pre)) ==
		    NULL) {
			diag_error(s->diag, p->file, fs.yaml_line, "title: "
			    "missing, and the file name gives none");
			bad = 1;
		} else {
			diag_warn(s->diag, p->file, fs.yaml_line, "title: "
			    "missing; \"%s\", from the file name, is used",
			    p->title);
			p->warned = 1;
		}
	}
	if (p->slug == NULL) {
		if ((p->slug = p->slug_base = slug_from_name(a, name + pre,
		    n - pre)) == NULL) {
			diag_error(s->diag, p->file, 0, "the file name does "
			    "not make a usable slug; set slug: in the front "
			    "matter");
			bad = 1;
		}
	}
	/*
	 * <!--more--> ends the summary, as in Hugo and Jekyll: without a
	 * summary: the text before it is one.
	 */
	if (p->summary == NULL && !p->is_html &&
	    (more = memmem(fs.body, fs.body_len, "<!--more-->", 11)) != NULL) {
		buf_reset(&path);
		if (markdown_plain(fs.body, (size_t)(more - fs.body),
		    &path) == -1) {
			err_set(&err, p->file, 0, "out of memory");
			goto fail;
		}
		if (path.len > 0 && (p->summary = arena_strndup(a, path.data,
		    path.len)) == NULL) {
			err_set(&err, p->file, 0, "out of memory");
			goto fail;
		}
	}
	if (bad)
		p->failed = 1;
	goto out;
fail:
	diag_error_err(s->diag, &err);
	p->failed = 1;
out:
	buf_free(&src);
	buf_free(&path);
	return 0;
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
 * Titles may repeat, slugs may not.  Two posts with one slug
 * (2015-...-notes.md and 2017-...-notes.md, or the same slug: in posts
 * that Jekyll put under different dates) both get a page: the later one,
 * by date, takes a suffix ("notes-2"), with a warning.  Slugs are worked
 * out again on every load, so a rebuild after the earlier post is
 * deleted gives what a first build would.
 */
struct slugtab {
	struct post	**t;
	size_t		 *count;	/* posts with the slot's slug */
	size_t		  size;
};

/* The slot of slug in t: the post holding it, or an empty one. */
static size_t
slug_slot(const struct slugtab *st, const char *slug)
{
	size_t	 h;

	for (h = hash_str(HASH_INIT, slug) & (st->size - 1); st->t[h] != NULL;
	    h = (h + 1) & (st->size - 1))
		if (strcmp(st->t[h]->slug, slug) == 0)
			break;
	return h;
}

static int
clash_cmp(const void *a, const void *b)
{
	const struct post *x = *(struct post *const *)a;
	const struct post *y = *(struct post *const *)b;
	int	 c;

	if ((c = strcmp(x->slug, y->slug)) != 0)
		return c;
	/*
	 * The oldest post keeps the slug, whether it was asked for or
	 * made from the file name: a new post never moves an old page.
	 */
	if (x->date.t != y->date.t)
		return x->date.t < y->date.t ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Give the later posts of a clash their suffixes, or name the error. */
static int
settle_clashes(struct site *s, struct arena *a, struct post *v, size_t n,
    struct slugtab *st)
{
	struct post	**c;
	struct buf	 b;
	size_t		 i, j, k, h, nc = 0;
	int		 rc = -1;

	if ((c = calloc(n, sizeof(*c))) == NULL)
		return -1;
	buf_init(&b, 0);
	/* Every post whose slug another one has. */
	for (i = 0; i < n; i++)
		if (st->count[slug_slot(st, v[i].slug)] > 1)
			c[nc++] = &v[i];
	qsort(c, nc, sizeof(*c), clash_cmp);
	for (i = 0; i < nc; i = j) {
		for (j = i + 1; j < nc && strcmp(c[j]->slug, c[i]->slug) == 0;)
			j++;
		/* The oldest keeps it; the later ones get -2, -3... */
		for (k = i + 1; k < j; k++) {
			struct post *p = c[k];
			const char *base = p->slug_base;
			size_t q;

			for (q = 2;; q++) {
				buf_reset(&b);
				if (buf_printf(&b, "%s-%zu", base, q) == -1)
					goto out;
				h = slug_slot(st, b.data);
				if (st->t[h] == NULL)
					break;
			}
			diag_warn(s->diag, p->file, p->slug_line, "%s also %s "
			    "the slug %s; this post's page is writing/%s/",
			    c[i]->file, c[i]->slug_line == 0 ? "makes" :
			    "asks for", p->slug, b.data);
			if ((p->slug = arena_strdup(a, b.data)) == NULL)
				goto out;
			p->warned = 1;
			st->t[h] = p;
		}
	}
	rc = 0;
out:
	buf_free(&b);
	free(c);
	return rc;
}

static int
check_slugs(struct site *s, struct post *v, size_t n, struct err *err)
{
	struct slugtab	 st;
	size_t		 i, h;
	int		 clash = 0, rc = 0;

	st.size = 16;
	while (st.size < n * 2)
		st.size *= 2;
	st.t = calloc(st.size, sizeof(*st.t));
	st.count = calloc(st.size, sizeof(*st.count));
	if (st.t == NULL || st.count == NULL) {
		rc = err_set(err, "posts", 0, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct post *p = &v[i];

		p->slug = p->slug_base;
		h = slug_slot(&st, p->slug);
		if (st.t[h] != NULL)
			clash = 1;
		else
			st.t[h] = p;
		st.count[h]++;
	}
	if (clash && settle_clashes(s, s->arena, v, n, &st) == -1)
		rc = err_set(err, "posts", 0, "out of memory");
out:
	free(st.t);
	free(st.count);
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
	if (list_sources(s, "pages", 0, &names, err) == -1)
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
 * Take the posts that failed to load out of v, keeping file order, and
 * number the rest densely in it again.  The new count.
 */
static size_t
drop_failed(struct post *v, size_t n)
{
	size_t	 i, kept;

	for (i = kept = 0; i < n; i++)
		if (!v[i].failed)
			v[kept++] = v[i];
	for (i = 0; i < kept; i++)
		v[i].order = i;
	return kept;
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
	size_t		 i, kept, n;
	int		 rc = -1;

	memset(&pl, 0, sizeof(pl));
	if (list_sources(s, "notes", 1, &names, err) == -1)
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
	if (read_folder(&pl, err) == -1)
		goto out;
	n = drop_failed(s->notes, names.n);
	if (check_slugs(s, s->notes, n, err) == -1)
		goto out;
	n = drop_failed(s->notes, n);
	for (i = kept = 0; i < n; i++)
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

/*
 * Every part of loading that can go on after a mistake does, so one
 * run names them all; errors go to s->diag and the load fails at the
 * end.  A step that cannot go on (out of memory, an unreadable folder,
 * stet.yaml itself) stops it at once.
 */
static int
load_all(struct site *s, const struct load_opts *opts,
    const struct cache *(*get_cache)(void *), void *cache_ctx,
    struct names *names, struct postload *pl, struct err *err)
{
	const struct cache *cache;
	struct date	 now;
	struct stat	 st;
	size_t		 i, kept, n;

	if (config_load(s->arena, s->dirfd, &s->cfg, err) == -1)
		return -1;
	if ((s->images = images_new(s->dirfd, s->cfg.images_avif)) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	/*
	 * Dates without an offset are in the site's zone, and pages show
	 * every date in it: named in each conversion, never set in TZ for
	 * the whole process (a server's threads run beside a rebuild).
	 */
	if ((s->zone = zone_open(s->cfg.timezone)) == NULL)
		return err_set(err, "stet.yaml", 0, "timezone: no zone named "
		    "%s on this system", s->cfg.timezone);
	if (fstatat(s->dirfd, "static/robots.txt", &st, 0) == 0)
		s->own_robots = 1;
	if (list_sources(s, "posts", 1, names, err) == -1)
		return -1;
	n = names->n;
	if (n > 0) {
		if ((s->posts = arena_alloc(s->arena, n * sizeof(*s->posts))) ==
		    NULL)
			return err_set(err, "posts", 0, "out of memory");
		pl->site = s;
		pl->dir = "posts";
		pl->out = s->posts;
		pl->names = names;
		/*
		 * Only now is the cache needed: it may have been read on
		 * another thread while this one listed the folder.  Cached
		 * dates were read in the zone of their build.
		 */
		cache = get_cache != NULL ? get_cache(cache_ctx) : NULL;
		if (cache != NULL && cache->timezone != NULL &&
		    strcmp(cache->timezone, s->cfg.timezone) == 0 &&
		    match_cache(cache, names, &pl->hits) == -1)
			return err_set(err, "posts", 0, "out of memory");
		if (read_folder(pl, err) == -1)
			return -1;
		n = drop_failed(s->posts, n);
	}
	if (check_slugs(s, s->posts, n, err) == -1)
		return -1;
	s->nposts = drop_failed(s->posts, n);
	date_now(&now, s->zone);
	if ((s->hidden = arena_alloc(s->arena, (s->nposts ? s->nposts : 1) *
	    sizeof(*s->hidden))) == NULL)
		return err_set(err, "posts", 0, "out of memory");
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
		return -1;
	if (load_pages(s, err) == -1 || load_notes(s, opts, &now, err) == -1)
		return -1;
	return 0;
}

int
site_load(const char *dir, const struct load_opts *opts,
    const struct cache *(*get_cache)(void *), void *cache_ctx,
    struct site *s, struct err *err)
{
	struct names	 names = { NULL, 0 };
	struct postload	 pl;
	struct diag	 own;
	size_t		 before;
	int		 k, rc = -1, nthreads = pool_threads();

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	memset(&pl, 0, sizeof(pl));
	diag_init(&own);
	s->diag = opts->diag != NULL ? opts->diag : &own;
	before = s->diag->nerrors;
	if ((s->arena = arena_new()) == NULL) {
		err_set(err, dir, 0, "out of memory");
		goto out;
	}
	for (k = 0; k < nthreads; k++)
		if ((s->warena[k] = arena_new()) == NULL) {
			err_set(err, dir, 0, "out of memory");
			goto out;
		}
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd == -1) {
		err_set(err, dir, 0, "%s", strerror(errno));
		goto out;
	}
	if (load_all(s, opts, get_cache, cache_ctx, &names, &pl,
	    err) == -1)
		goto out;
	if (s->diag->nerrors > before) {
		size_t n = s->diag->nerrors - before;

		/* Without a list to read, the first error says it. */
		if (s->diag == &own && own.n > 0) {
			diag_sort(&own);
			err_set(err, own.v[0].file, own.v[0].line, "%s",
			    own.v[0].msg);
		} else
			err_set(err, NULL, 0, "%zu error%s in the site",
			    n, n == 1 ? "" : "s");
		goto out;
	}
	rc = 0;
out:
	free(names.v);
	free(pl.hits);
	if (s->diag == &own)
		s->diag = NULL;
	diag_free(&own);
	if (rc == -1)
		site_free(s);
	return rc;
}

void
site_free(struct site *s)
{
	int	 k;

	images_free(s->images);
	if (s->dirfd != -1)
		close(s->dirfd);
	for (k = 0; k < POOL_MAX; k++)
		arena_free(s->warena[k]);
	arena_free(s->arena);
	zone_free(s->zone);
	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
}

int
site_source(const struct site *s, const char *file, int need_front,
    struct buf *src, struct front_split *fs, struct err *err)
{
	size_t	 line;

	buf_reset(src);
	if (fs_read_at(s->dirfd, file, SOURCE_MAX, src, 0, err) == -1)
		return -1;
	/* As when it was loaded (and warned about). */
	src->len = text_strip_controls(src->data, src->len, &line);
	src->data[src->len] = '\0';
	/* A post without front matter was warned about when loaded. */
	(void)need_front;
	if (!has_front(src->data, src->len)) {
		memset(fs, 0, sizeof(*fs));
		fs->body = src->data;
		fs->body_len = src->len;
		fs->body_line = 1;
		return 0;
	}
	return fm_split(src->data, src->len, file, fs, err);
}

size_t
site_source_line(const struct site *s, const char *file, const char *needle)
{
	struct buf	 src;
	struct front_split fs;
	struct err	 err;
	const char	*at, *p;
	size_t		 line = 0;

	buf_init(&src, 0);
	if (site_source(s, file, 0, &src, &fs, &err) == 0 &&
	    (at = strstr(src.data, needle)) != NULL)
		for (line = 1, p = src.data; p < at; p++)
			line += *p == '\n';
	buf_free(&src);
	return line;
}
