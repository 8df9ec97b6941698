#include <stdlib.h>
#include <string.h>

#include "../support/buf.h"
#include "../support/url.h"
#include "links.h"

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char **
slugs(const struct post *v, size_t n)
{
	const char	**out;
	size_t		  i;

	if ((out = calloc(n ? n : 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = v[i].slug;
	qsort(out, n, sizeof(*out), str_cmp);
	return out;
}

int
links_init(struct links *l, const struct site *s,
    const struct outlist *outputs)
{
	memset(l, 0, sizeof(*l));
	l->site = s;
	l->outputs = outputs;
	l->posts = slugs(s->posts, s->nposts);
	l->notes = slugs(s->notes, s->nnotes);
	l->nposts = s->nposts;
	l->nnotes = s->nnotes;
	if (l->posts == NULL || l->notes == NULL) {
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
	memset(l, 0, sizeof(*l));
}

/* Is rel an entry's page ("<section>/<slug>/index.html")? */
static int
is_entry_page(const char **v, size_t n, const char *section,
    const char *rel)
{
	char		 slug[256];
	const char	*key = slug;
	size_t		 k, sl = strlen(section);

	if (strncmp(rel, section, sl) != 0 || rel[sl] != '/')
		return 0;
	rel += sl + 1;
	k = strcspn(rel, "/");
	if (k >= sizeof(slug) || strcmp(rel + k, "/index.html") != 0)
		return 0;
	memcpy(slug, rel, k);
	slug[k] = '\0';
	return n > 0 && bsearch(&key, v, n, sizeof(*v), str_cmp) != NULL;
}

static int
made(const struct links *l, const char *rel)
{
	return outlist_has(l->outputs, rel) ||
	    is_entry_page(l->posts, l->nposts, "writing", rel) ||
	    is_entry_page(l->notes, l->nnotes, "notes", rel);
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
	if (buf_printf(&base, "http://site%s%s", bp, page) == -1 ||
	    url_resolve(&abs, base.data, url) == -1)
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
