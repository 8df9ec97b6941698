#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fsutil.h"
#include "redirects.h"

#define FEED_MAX	(64 * 1024 * 1024)

static int
add(struct redirects *r, size_t *cap, const char *from, size_t flen,
    const char *to)
{
	struct redirect	*v;

	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((v = realloc(r->v, *cap * sizeof(*v))) == NULL)
			return -1;
		r->v = v;
	}
	if ((r->v[r->n].from = strndup(from, flen)) == NULL ||
	    (r->v[r->n].to = strdup(to)) == NULL) {
		free(r->v[r->n].from);
		return -1;
	}
	r->n++;
	return 0;
}

/*
 * An alias as load.c keeps it ("a/b/index.html", "x.html") to the paths
 * a host answers for it: "/a/b/" and "/a/b"; "/x.html" and "/x".
 */
static int
add_alias(struct redirects *r, size_t *cap, const char *file, const char *to)
{
	char	 p[2048];
	size_t	 n = strlen(file);
	int	 k;

	if (n + 2 >= sizeof(p))
		return 0;
	k = snprintf(p, sizeof(p), "/%s", file);
	if (k < 0 || (size_t)k >= sizeof(p))
		return 0;
	if (n >= 10 && strcmp(p + k - 10, "index.html") == 0 &&
	    (n == 10 || p[k - 11] == '/')) {
		/* The file's own name answers too: "/a/b/index.html". */
		if (n > 10 && add(r, cap, p, (size_t)k, to) == -1)
			return -1;
		p[k - 10] = '\0';
		if (add(r, cap, p, strlen(p), to) == -1)
			return -1;
		return strlen(p) > 1 ? add(r, cap, p, strlen(p) - 1, to) : 0;
	}
	if (add(r, cap, p, (size_t)k, to) == -1)
		return -1;
	if (n > 5 && strcmp(p + k - 5, ".html") == 0)
		return add(r, cap, p, (size_t)k - 5, to);
	return 0;
}

/* A path or URL as a host reads it: what is not plainly safe, %XX. */
static int
put_url(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p > 0x20 && *p < 0x7f && *p != '%' && *p != '"' &&
		    *p != '<' && *p != '>' && *p != '\\' && *p != '^' &&
		    *p != '`' && *p != '{' && *p != '|' && *p != '}') {
			if (buf_putc(b, (char)*p) == -1)
				return -1;
		} else if (buf_putc(b, '%') == -1 ||
		    buf_putc(b, hex[*p >> 4]) == -1 ||
		    buf_putc(b, hex[*p & 15]) == -1)
			return -1;
	}
	return 0;
}

static int
from_cmp(const void *a, const void *b)
{
	return strcmp(((const struct redirect *)a)->from,
	    ((const struct redirect *)b)->from);
}

void
redirects_free(struct redirects *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].from);
		free(r->v[i].to);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

int
redirects_collect(const struct site *s, struct redirects *r, struct err *err)
{
	const struct ynode *rd, *e;
	char		 to[1024];
	size_t		 i, k, cap = 0, j;
	int		 n;

	r->v = NULL;
	r->n = 0;
	for (i = 0; i < s->nposts; i++) {
		n = snprintf(to, sizeof(to), "%swriting/%s/", s->cfg.base_path,
		    s->posts[i].slug);
		if (n < 0 || (size_t)n >= sizeof(to))
			continue;
		for (k = 0; k < s->posts[i].naliases; k++)
			if (add_alias(r, &cap, s->posts[i].aliases[k], to) ==
			    -1)
				goto oom;
	}
	for (i = 0; i < s->ntopics; i++) {
		char from[1024];

		if (s->topics[i].old_slug == NULL)
			continue;
		n = snprintf(from, sizeof(from), "/topics/%s/",
		    s->topics[i].old_slug);
		k = (size_t)snprintf(to, sizeof(to), "%stopics/%s/",
		    s->cfg.base_path, s->topics[i].slug);
		if (n > 0 && (size_t)n < sizeof(from) && k < sizeof(to) &&
		    add(r, &cap, from, (size_t)n, to) == -1)
			goto oom;
	}
	rd = s->cfg.tree != NULL ? ynode_get(s->cfg.tree, "redirects") : NULL;
	if (rd != NULL && rd->kind != YNODE_MAP)
		return err_set(err, "stet.yaml", rd->line, "redirects: want "
		    "old paths and new paths (/old/: /new/)");
	for (e = rd ? rd->child : NULL; e != NULL; e = e->next) {
		const char *f = e->key->str, *t = e->str;

		if (e->kind != YNODE_SCALAR || f[0] != '/' || (t[0] != '/' &&
		    strncmp(t, "https://", 8) != 0 && strncmp(t, "http://",
		    7) != 0) || strpbrk(f, "\t\r\n\"<>?#") != NULL ||
		    strpbrk(t, " \t\r\n\"<>") != NULL || strstr(f, "..") !=
		    NULL)
			return err_set(err, "stet.yaml", e->line, "redirects: "
			    "%s: want /old/path: /new/path/", f);
		n = t[0] == '/' ? snprintf(to, sizeof(to), "%s%s",
		    s->cfg.base_path, t + 1) : snprintf(to, sizeof(to), "%s",
		    t);
		if (n < 0 || (size_t)n >= sizeof(to))
			return err_set(err, "stet.yaml", e->line, "redirects: "
			    "%s: too long", t);
		if (add(r, &cap, f, strlen(f), to) == -1)
			goto oom;
	}
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), from_cmp);
	/* The first of two for one path stands. */
	for (i = j = 0; i < r->n; i++) {
		if (j > 0 && strcmp(r->v[j - 1].from, r->v[i].from) == 0) {
			free(r->v[i].from);
			free(r->v[i].to);
			continue;
		}
		r->v[j++] = r->v[i];
	}
	r->n = j;
	return 0;
oom:
	redirects_free(r);
	return err_set(err, "public", 0, "out of memory");
}

/* A redirects: entry whose old path is a feed: its file, and the feed's. */
static int
feed_copy(const struct site *s, const struct ynode *e, const char **from,
    const char **to)
{
	const char	*f = e->key->str, *t = e->str, *dot;

	if (e->kind != YNODE_SCALAR || f[0] != '/' || t[0] != '/')
		return 0;
	dot = strrchr(f, '.');
	if (dot == NULL || strchr(dot, '/') != NULL || (strcmp(dot, ".xml") &&
	    strcmp(dot, ".json") && strcmp(dot, ".rss") && strcmp(dot,
	    ".atom")))
		return 0;
	if (strstr(t, "feed.xml") == NULL && strstr(t, "rss.xml") == NULL &&
	    strstr(t, "feed.json") == NULL)
		return 0;
	if (strstr(f, "..") != NULL || strstr(f, "//") != NULL)
		return 0;
	(void)s;
	*from = f + 1;
	*to = t + 1;
	return 1;
}

int
redirects_outputs(const struct site *s, struct outlist *out)
{
	const struct ynode *rd, *e;
	const char	*f, *t;

	if (outlist_add(out, "_redirects") == -1)
		return -1;
	rd = s->cfg.tree != NULL ? ynode_get(s->cfg.tree, "redirects") : NULL;
	for (e = rd && rd->kind == YNODE_MAP ? rd->child : NULL; e != NULL;
	    e = e->next)
		if (feed_copy(s, e, &f, &t) && outlist_add(out, f) == -1)
			return -1;
	return 0;
}

int
redirects_write(const struct site *s, struct writer *w, struct buf *ngx,
    struct err *err)
{
	struct redirects r;
	struct buf	 net, feed;
	const struct ynode *rd, *e;
	const char	*f, *t;
	size_t		 i;
	int		 rc = -1, k;

	buf_init(&net, 0);
	buf_init(&feed, 0);
	if (redirects_collect(s, &r, err) == -1)
		return -1;
	if (BUF_LIT(&net, "# Written by stet build: old addresses and where "
	    "they moved.\n") == -1 ||
	    BUF_LIT(ngx, "# Written by stet build.  Include it in http {} "
	    "(docs/nginx.conf shows how).\nmap $uri $stet_redirect {\n") == -1)
		goto oom;
	/*
	 * _redirects is split at spaces and read by hosts as URLs: both
	 * paths percent-encoded.  nginx's $uri is decoded: as they are.
	 */
	for (i = 0; i < r.n; i++)
		if (put_url(&net, r.v[i].from) == -1 || buf_putc(&net, ' ') ==
		    -1 || put_url(&net, r.v[i].to) == -1 ||
		    BUF_LIT(&net, " 301\n") == -1 ||
		    buf_printf(ngx, "    \"%s\" \"%s\";\n", r.v[i].from,
		    r.v[i].to) == -1)
			goto oom;
	if (BUF_LIT(ngx, "}\n") == -1)
		goto oom;
	if (writer_put(w, 0, "_redirects", net.data, net.len, err) == -1)
		goto out;
	/* Old feed paths: the feed itself, from this build or the last. */
	rd = s->cfg.tree != NULL ? ynode_get(s->cfg.tree, "redirects") : NULL;
	for (e = rd && rd->kind == YNODE_MAP ? rd->child : NULL; e != NULL;
	    e = e->next) {
		if (!feed_copy(s, e, &f, &t))
			continue;
		buf_reset(&feed);
		/* stet check's build in memory: links only, no copies. */
		if (w->mem != NULL)
			continue;
		{
			k = w->stagefd != -1 ? fs_read_at(w->stagefd, t,
			    FEED_MAX, &feed, 1, err) : 1;
			if (k == 1 && w->pubfd != -1)
				k = fs_read_at(w->pubfd, t, FEED_MAX, &feed, 1,
				    err);
			if (k == -1)
				goto out;
			if (k == 1)
				continue;	/* no such feed (no posts) */
		}
		if (writer_put(w, 0, f, feed.data, feed.len, err) == -1)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	err_set(err, "public", 0, "out of memory");
out:
	redirects_free(&r);
	buf_free(&net);
	buf_free(&feed);
	return rc;
}

int
redirects_nginx(int sitefd, const struct buf *ngx, struct err *err)
{
	if (fs_mkdirs_at(sitefd, ".stet") == -1 ||
	    fs_write_atomic(sitefd, ".stet/redirects.nginx",
	    ".stet/redirects.nginx.tmp", ngx->data, ngx->len, 0) == -1)
		return err_set(err, ".stet/redirects.nginx", 0, "%s",
		    strerror(errno));
	return 0;
}

int
redirects_parse(const char *d, size_t len, int (*fn)(void *, const char *,
    size_t, const char *, size_t), void *ctx)
{
	size_t	 i = 0, eol, a, b, c, e;
	int	 r;

	while (i < len) {
		for (eol = i; eol < len && d[eol] != '\n'; eol++)
			;
		if (d[i] == '/') {
			for (a = i; a < eol && d[a] != ' '; a++)
				;
			for (b = a; b < eol && d[b] == ' '; b++)
				;
			for (c = b; c < eol && d[c] != ' '; c++)
				;
			for (e = c; e < eol && d[e] == ' '; e++)
				;
			if (c > b && eol - e >= 3 && memcmp(d + e, "301", 3) ==
			    0 && (r = fn(ctx, d + i, a - i, d + b, c - b)) != 0)
				return r;
		}
		i = eol + 1;
	}
	return 0;
}
