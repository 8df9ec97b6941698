#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../support/buf.h"
#include "../support/url.h"
#include "check.h"
#include "frontmatter.h"
#include "load.h"
#include "outputs.h"

#define SUMMARY_MAX	160

struct checker {
	const struct site	*site;
	const struct memfs	*mem;
	struct diag		*diag;
	const struct post	**byslug;	/* the posts, by slug */
};

static int
post_slug_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct post *const *)a)->slug,
	    (*(const struct post *const *)b)->slug);
}

/* A span and a slug, for bsearch: the span is not NUL-terminated. */
struct slugkey {
	const char	*p;
	size_t		 n;
};

static int
slugkey_cmp(const void *k, const void *e)
{
	const struct slugkey *key = k;
	const char	*slug = (*(const struct post *const *)e)->slug;
	int		 c = strncmp(key->p, slug, key->n);

	return c != 0 ? c : slug[key->n] == '\0' ? 0 : -1;
}

/* One finding, into the run's list of errors and warnings. */
static void
finding(struct checker *c, const char *file, size_t line, int error,
    const char *msg)
{
	if (error)
		diag_error(c->diag, file, line, "%s", msg);
	else
		diag_warn(c->diag, file, line, "%s", msg);
}

/*
 * Which source made a page, for file:line in findings.  Posts are found
 * by slug in a sorted list: a search of every post for each page cost
 * stet check a second at 10,000 posts.
 */
static const char *
source_of(const struct checker *c, const char *page, int *is_post)
{
	const struct site *s = c->site;
	const struct post **hit;
	struct slugkey	 key;
	enum out_kind	 k;
	const char	*name;
	size_t		 i, n;

	*is_post = 0;
	if (out_parse(page, &k, &name, &n) == -1)
		return NULL;
	if (k == OUT_POST && c->byslug != NULL) {
		key.p = name;
		key.n = n;
		if ((hit = bsearch(&key, c->byslug, s->nposts,
		    sizeof(*c->byslug), slugkey_cmp)) != NULL) {
			*is_post = 1;
			return (*hit)->file;
		}
		return NULL;
	}
	for (i = 0; i < s->npages; i++)
		if ((k == OUT_HOME && strcmp(s->pages[i].name, "index") == 0) ||
		    (k == OUT_PAGE && strlen(s->pages[i].name) == n &&
		    memcmp(s->pages[i].name, name, n) == 0))
			return s->pages[i].file;
	return NULL;
}

/*
 * A small scanner for the HTML stet itself wrote: it only has to find
 * tags and their quoted attributes, not to parse the web.
 */
struct attr {
	const char	*name;
	size_t		 nlen;
	const char	*val;
	size_t		 vlen;
};

/* Read the tag at p ('<'); fill name and up to max attributes. */
static const char *
scan_tag(const char *p, const char *end, const char **name, size_t *nlen,
    struct attr *a, size_t max, size_t *na)
{
	*na = 0;
	p++;
	*name = p;
	while (p < end && *p != ' ' && *p != '>' && *p != '\n' && *p != '/')
		p++;
	*nlen = (size_t)(p - *name);
	while (p < end && *p != '>') {
		struct attr at;

		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '/') {
			p++;
			continue;
		}
		at.name = p;
		while (p < end && *p != '=' && *p != ' ' && *p != '>' &&
		    *p != '\n')
			p++;
		at.nlen = (size_t)(p - at.name);
		at.val = "";
		at.vlen = 0;
		if (p < end && *p == '=') {
			char q = *++p;

			if (q == '"' || q == '\'') {
				at.val = ++p;
				while (p < end && *p != q)
					p++;
				at.vlen = (size_t)(p - at.val);
				if (p < end)
					p++;
			} else {
				at.val = p;
				while (p < end && *p != ' ' && *p != '>')
					p++;
				at.vlen = (size_t)(p - at.val);
			}
		}
		if (*na < max)
			a[(*na)++] = at;
	}
	return p;
}

static const struct attr *
attr(const struct attr *a, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (a[i].nlen == strlen(name) &&
		    strncmp(a[i].name, name, a[i].nlen) == 0)
			return &a[i];
	return NULL;
}

/* Undo &amp; and percent-encoding, the two things stet's links carry. */
static void
decode(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '&' && n - i >= 5 && memcmp(s + i, "&amp;", 5) ==
		    0) {
			(void)buf_putc(b, '&');
			i += 4;
		} else if (s[i] == '%' && n - i >= 3) {
			char hex[3] = { s[i + 1], s[i + 2], '\0' };

			(void)buf_putc(b, (char)strtol(hex, NULL, 16));
			i += 2;
		} else
			(void)buf_putc(b, s[i]);
	}
}

/*
 * What stet check keeps of a page (check_digest): its ids, each between
 * newlines ("\nid1\nid2\n"), a NUL, then one record per link or image:
 * a kind byte ('a' a link, 'i' an image with alt text, 'I' one without),
 * the URL as written, a NUL.  Other files keep nothing: only their
 * names are looked up.
 */
int
check_digest(const char *path, const char *data, size_t len, struct buf *out)
{
	const char	*p = data, *end = data + len, *name;
	struct attr	 a[16];
	struct buf	 refs;
	size_t		 n = strlen(path), nlen, na;
	int		 rc = -1;

	if (n <= 5 || strcmp(path + n - 5, ".html") != 0)
		return 0;
	buf_init(&refs, 0);
	if (buf_putc(out, '\n') == -1)
		goto out;
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const struct attr *at, *rel, *alt;

		if (end - p > 1 && p[1] == '/') {
			p++;		/* an end tag: nothing in it to keep */
			continue;
		}
		p = scan_tag(p, end, &name, &nlen, a, 16, &na);
		if ((at = attr(a, na, "id")) != NULL) {
			decode(out, at->val, at->vlen);
			if (buf_putc(out, '\n') == -1)
				goto out;
		}
		if ((nlen == 1 && *name == 'a') ||
		    (nlen == 4 && memcmp(name, "link", 4) == 0)) {
			/* canonical and og:url are absolute by design. */
			rel = attr(a, na, "rel");
			if ((rel != NULL && rel->vlen == 9 &&
			    memcmp(rel->val, "canonical", 9) == 0) ||
			    (at = attr(a, na, "href")) == NULL)
				continue;
			if (buf_putc(&refs, 'a') == -1 ||
			    buf_put(&refs, at->val, at->vlen) == -1 ||
			    buf_putc(&refs, '\0') == -1)
				goto out;
		} else if (nlen == 3 && memcmp(name, "img", 3) == 0) {
			alt = attr(a, na, "alt");
			at = attr(a, na, "src");
			if (buf_putc(&refs, alt == NULL || alt->vlen == 0 ?
			    'I' : 'i') == -1 || (at != NULL &&
			    buf_put(&refs, at->val, at->vlen) == -1) ||
			    buf_putc(&refs, '\0') == -1)
				goto out;
		}
	}
	if (buf_putc(out, '\0') == -1 ||
	    buf_put(out, refs.data != NULL ? refs.data : "", refs.len) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&refs);
	return rc;
}

/* The ids of the page at index k, each between newlines. */
static const char *
page_ids(struct checker *c, size_t k)
{
	const struct memfile *f = &c->mem->v[k];

	return f->len > 0 ? f->data : "";
}

/*
 * An absolute link to the site's own host (http or https): its path,
 * checked like any internal link (an imported post's old absolute
 * links); NULL for any other URL.
 */
static const char *
own_path(const struct site *s, const char *url)
{
	const char	*h, *mine, *slash;
	size_t		 n;

	if (strncasecmp(url, "https://", 8) == 0)
		h = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		h = url + 7;
	else
		return NULL;
	mine = strstr(s->cfg.url, "//");
	if (mine == NULL)
		return NULL;
	mine += 2;
	n = strcspn(mine, "/");
	if (strncasecmp(h, mine, n) != 0 || (h[n] != '/' && h[n] != '\0'))
		return NULL;
	slash = h + n;
	return *slash == '\0' ? "/" : slash;
}

static void
check_link(struct checker *c, const char *page, const char *src, int is_post,
    const char *url, size_t ulen, int image)
{
	const struct site *s = c->site;
	const struct memfile *target;
	struct buf	 raw, abs, path, msg, frag;
	const char	*p, *hash, *own;
	size_t		 k;

	buf_init(&raw, 0);
	buf_init(&abs, 0);
	buf_init(&path, 0);
	buf_init(&msg, 0);
	buf_init(&frag, 0);
	if (buf_put(&raw, url, ulen) == -1)
		goto out;
	own = raw.data;
	if (ulen == 0 || (url_is_absolute(raw.data) &&
	    (own = own_path(s, raw.data)) == NULL))
		goto out;
	/* Resolve as a browser would, against the page's own URL. */
	if (buf_printf(&abs, "http://site%s%s", s->cfg.base_path, page) == -1 ||
	    url_resolve(&path, abs.data, own) == -1)
		goto out;
	p = path.data + strlen("http://site");
	if (strncmp(p, s->cfg.base_path, strlen(s->cfg.base_path)) != 0) {
		(void)buf_printf(&msg, "link %s leaves the site", raw.data);
		finding(c, src ? src : page, src ?
		    site_source_line(s, src, raw.data) : 0, 1, msg.data);
		goto out;
	}
	p += strlen(s->cfg.base_path);
	hash = strchr(p, '#');
	buf_reset(&abs);
	decode(&abs, p, strcspn(p, "?#"));
	if (abs.len == 0 || abs.data[abs.len - 1] == '/')
		(void)BUF_LIT(&abs, "index.html");
	target = memfs_get(c->mem, abs.data);
	if (target == NULL && (abs.len == 0 || abs.data[abs.len - 1] != '/')) {
		/* "dir" for "dir/index.html": a server redirects. */
		(void)BUF_LIT(&abs, "/index.html");
		target = memfs_get(c->mem, abs.data);
	}
	if (target == NULL) {
		(void)buf_printf(&msg, "%s %s: no such page or file",
		    image ? "image" : "link", raw.data);
		finding(c, src ? src : page, src && is_post ?
		    site_source_line(s, src, raw.data) : 0, 1, msg.data);
		goto out;
	}
	if (hash != NULL && hash[1] != '\0' && !image) {
		k = (size_t)(target - c->mem->v);
		(void)buf_putc(&frag, '\n');
		decode(&frag, hash + 1, strlen(hash + 1));
		(void)buf_putc(&frag, '\n');
		if (strstr(page_ids(c, k), frag.data) == NULL) {
			(void)buf_printf(&msg, "link %s: no such anchor on "
			    "%s", raw.data, target->path);
			finding(c, src ? src : page, src && is_post ?
			    site_source_line(s, src, raw.data) : 0, 1,
			    msg.data);
		}
	}
out:
	buf_free(&raw);
	buf_free(&abs);
	buf_free(&path);
	buf_free(&msg);
	buf_free(&frag);
}

static void
check_page(struct checker *c, const struct memfile *f)
{
	const char	*p, *end = f->data + f->len, *src;
	int		 is_post;

	/* The 404 page's links start from the base path: checked as such. */
	src = source_of(c, f->path, &is_post);
	if (f->len == 0)
		return;
	/* Past the ids to the records. */
	p = f->data + strlen(f->data) + 1;
	while (p < end) {
		char kind = *p++;
		size_t ulen = strlen(p);

		check_link(c, f->path, src, is_post, p, ulen, kind != 'a');
		if (kind == 'I') {
			struct buf msg;

			buf_init(&msg, 0);
			(void)buf_printf(&msg, "image %s has no alt text", p);
			finding(c, src ? src : f->path, src && is_post && ulen ?
			    site_source_line(c->site, src, p) : 0, 1, msg.data);
			buf_free(&msg);
		}
		p += ulen + 1;
	}
}

/* Characters, not bytes: a summary in Greek is not twice as long. */
static size_t
chars(const char *s)
{
	size_t	 n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
check_site(const struct site *s, const struct memfs *mem,
    const struct ids *ids, struct diag *d)
{
	struct checker	 c;
	struct buf	 msg;
	size_t		 i, n;

	memset(&c, 0, sizeof(c));
	c.site = s;
	c.mem = mem;
	c.diag = d;
	/* Without the list (no memory), findings name pages, not posts. */
	if (s->nposts > 0 && (c.byslug = calloc(s->nposts,
	    sizeof(*c.byslug))) != NULL) {
		for (i = 0; i < s->nposts; i++)
			c.byslug[i] = &s->posts[i];
		qsort(c.byslug, s->nposts, sizeof(*c.byslug), post_slug_cmp);
	}
	buf_init(&msg, 0);
	for (i = 0; i < mem->n; i++) {
		n = strlen(mem->v[i].path);
		if (n > 5 && strcmp(mem->v[i].path + n - 5, ".html") == 0 &&
		    strcmp(mem->v[i].path, "404.html") != 0)
			check_page(&c, &mem->v[i]);
	}
	for (i = 0; i < s->nposts; i++) {
		const struct post *p = &s->posts[i];

		buf_reset(&msg);
		if (p->summary == NULL || *p->summary == '\0')
			finding(&c, p->file, 0, 0, "no summary: lists, feeds "
			    "and search results show none");
		else if ((n = chars(p->summary)) > SUMMARY_MAX) {
			(void)buf_printf(&msg, "summary is %zu characters; "
			    "keep it under %d", n, SUMMARY_MAX);
			finding(&c, p->file, site_source_line(s, p->file,
			    "summary:"), 0, msg.data);
		}
	}
	for (i = 0; i < s->nposts; i++) {
		const char *was = ids_recorded(ids, s->posts[i].file);

		if (was != NULL && strcmp(was, s->posts[i].id) != 0) {
			buf_reset(&msg);
			(void)buf_printf(&msg, "feed id changed from %s to %s: "
			    "every reader will see this post again", was,
			    s->posts[i].id);
			finding(&c, s->posts[i].file, site_source_line(s,
			    s->posts[i].file, "id:"), 1, msg.data);
		}
	}
	free(c.byslug);
	buf_free(&msg);
	return 0;
}
