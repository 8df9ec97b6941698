#include <stdlib.h>
#include <string.h>

#include "../support/buf.h"
#include "../support/url.h"
#include "check.h"
#include "links.h"
#include "load.h"
#include "outputs.h"

static int
post_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct post *const *)a)->slug,
	    (*(const struct post *const *)b)->slug);
}

static const struct post **
by_slug(const struct post *v, size_t n)
{
	const struct post **out;
	size_t		  i;

	if ((out = calloc(n ? n : 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = &v[i];
	qsort(out, n, sizeof(*out), post_cmp);
	return out;
}

int
links_init(struct links *l, const struct site *s,
    const struct outlist *outputs)
{
	memset(l, 0, sizeof(*l));
	l->site = s;
	l->outputs = outputs;
	l->posts = by_slug(s->posts, s->nposts);
	l->notes = by_slug(s->notes, s->nnotes);
	l->warned = calloc(s->nposts ? s->nposts : 1, 1);
	l->nposts = s->nposts;
	l->nnotes = s->nnotes;
	if (l->posts == NULL || l->notes == NULL || l->warned == NULL) {
		links_free(l);
		return -1;
	}
	return 0;
}

void
links_free(struct links *l)
{
	free(l->posts);
	free(l->notes);
	free(l->warned);
	memset(l, 0, sizeof(*l));
}

/* The post (or note, by kind) whose page rel is, or NULL. */
static const struct post *
entry_of(const struct post **v, size_t n, enum out_kind kind,
    const char *rel)
{
	struct post	 key;
	const struct post *kp = &key, **hit;
	enum out_kind	 k;
	const char	*name;
	char		 slug[256];
	size_t		 len;

	if (out_parse(rel, &k, &name, &len) == -1 || k != kind ||
	    len >= sizeof(slug))
		return NULL;
	memcpy(slug, name, len);
	slug[len] = '\0';
	key.slug = slug;
	hit = n > 0 ? bsearch(&kp, v, n, sizeof(*v), post_cmp) : NULL;
	return hit != NULL ? *hit : NULL;
}

static int
made(const struct links *l, const char *rel)
{
	return outlist_has(l->outputs, rel) ||
	    entry_of(l->posts, l->nposts, OUT_POST, rel) != NULL ||
	    entry_of(l->notes, l->nnotes, OUT_NOTE, rel) != NULL;
}

/* Undo percent-encoding: the output list holds paths as written. */
static int
unescape(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && n - i >= 3) {
			char hex[3] = { s[i + 1], s[i + 2], '\0' };

			if (buf_putc(b, (char)strtol(hex, NULL, 16)) == -1)
				return -1;
			i += 2;
		} else if (buf_putc(b, s[i]) == -1)
			return -1;
	}
	return 0;
}

int
links_broken(const struct links *l, const char *page, const char *url)
{
	struct buf	 base, abs, rel;
	const char	*p, *bp = l->site->cfg.base_path;
	int		 rc = -1;

	if (url[0] == '\0' || url[0] == '#' || url[0] == '?' ||
	    url_is_absolute(url) || strncmp(url, "//", 2) == 0)
		return 0;
	buf_init(&base, 0);
	buf_init(&abs, 0);
	buf_init(&rel, 0);
	/* Resolve as a browser would, against the page's own address. */
	if (BUF_LIT(&base, "http://site") == -1 || buf_puts(&base, bp) == -1 ||
	    buf_puts(&base, page) == -1 || url_resolve(&abs, base.data, url) ==
	    -1)
		goto out;
	p = abs.data + strlen("http://site");
	if (strncmp(p, bp, strlen(bp)) != 0) {
		rc = 1;		/* above the site's own folder */
		goto out;
	}
	p += strlen(bp);
	if (unescape(&rel, p, strcspn(p, "?#")) == -1)
		goto out;
	if (rel.len == 0 || rel.data[rel.len - 1] == '/') {
		if (BUF_LIT(&rel, "index.html") == -1)
			goto out;
		rc = !made(l, rel.data);
		goto out;
	}
	if (made(l, rel.data)) {
		rc = 0;
		goto out;
	}
	/* "dir" for "dir/index.html": a server redirects. */
	if (BUF_LIT(&rel, "/index.html") == -1)
		goto out;
	rc = !made(l, rel.data);
out:
	buf_free(&base);
	buf_free(&abs);
	buf_free(&rel);
	return rc;
}

void
links_page(void *ctx, const char *rel, const void *data, size_t len)
{
	struct links	*l = ctx;
	const struct post *p;
	struct buf	 d;
	const char	*r, *end;
	int		 broken;

	if ((p = entry_of(l->posts, l->nposts, OUT_POST, rel)) == NULL &&
	    (p = entry_of(l->notes, l->nnotes, OUT_NOTE, rel)) == NULL)
		return;
	buf_init(&d, 0);
	if (check_digest(rel, data, len, &d) == -1 || d.len == 0)
		goto out;
	end = d.data + d.len;
	/*
	 * The page's own links (the list of topics, the neighbours...)
	 * are ours and right; only a broken one is said, and those come
	 * from the post.
	 */
	for (r = d.data + strlen(d.data) + 1; r < end; r += strlen(r) + 1) {
		char kind = *r++;

		if ((broken = links_broken(l, rel, r)) != 1)
			continue;
		diag_warn(l->site->diag, p->file,
		    site_source_line(l->site, p->file, r),
		    "%s %s: no such %s in the site", kind == 'a' ? "link" :
		    "image", r, kind == 'a' ? "page or file" : "file");
		if (p >= l->site->posts && p < l->site->posts +
		    l->site->nposts)
			l->warned[p - l->site->posts] = 1;
	}
out:
	buf_free(&d);
}
