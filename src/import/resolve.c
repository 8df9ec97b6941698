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

#include "../support/text.h"
#include "../support/url.h"
#include "impl.h"

/* Percent-decode u into b (bad escapes kept as they are). */
static int
decode(struct buf *b, const char *u, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (u[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)u[i + 1])
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
int
imp_index_docs(struct imp *im)
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
		/* The file as written ("_posts/x.md"), and less "content/". */
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
		if (d->kind == DOC_POST &&
		    strmap_put(&im->byslug, d->slug, i) == -1)
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

/*
 * A link to an old address that redirects: a tag page, a feed, a
 * section.  The link goes where the redirect does; a theme's "/tags/#go"
 * to the topic go when there is one.  1 with out appended, 0, or -1.
 */
static int
to_redirect(struct imp *im, const char *p, size_t n, const char *frag,
    size_t flen, struct buf *out)
{
	const struct doc *from = &im->docs[im->cur];
	struct buf	 k, slug;
	const char	*to;
	size_t		 i, x;
	int		 r = 0;

	if ((x = strmap_get(&im->redirset, p, n)) == (size_t)-1) {
		/* "/tags" for "/tags/". */
		buf_init(&k, 0);
		if (buf_put(&k, p, n) == -1 || buf_putc(&k, '/') == -1) {
			buf_free(&k);
			return -1;
		}
		x = strmap_get(&im->redirset, k.data, k.len);
		buf_free(&k);
		if (x == (size_t)-1)
			return 0;
	}
	to = im->redir_to[x];
	if (to[0] != '/')
		return 0;
	if (buf_puts(out, from->kind == DOC_POST ? "../.." : "..") == -1)
		return -1;
	buf_init(&slug, 0);
	if (strcmp(to, "/topics/") == 0 && flen > 1) {
		/* The topic the fragment names, if a post has it. */
		for (i = 0; i < im->nalltags; i++) {
			size_t tl;
			const char *tt = text_tag_trim(im->alltags[i], &tl);

			buf_reset(&slug);
			if (text_tag_slug(&slug, tt, tl) == -1) {
				r = -1;
				goto out;
			}
			if ((slug.len == flen - 1 && strncasecmp(slug.data,
			    frag + 1, flen - 1) == 0) || (tl == flen - 1 &&
			    strncasecmp(tt, frag + 1, tl) == 0))
				break;
		}
		if (i == im->nalltags)
			buf_reset(&slug);
		if (slug.len > 0) {
			r = buf_printf(out, "/topics/%s/", slug.data) == -1 ?
			    -1 : 1;
			goto out;
		}
	}
	r = buf_puts(out, to) == -1 || (to[strlen(to) - 1] == '/' &&
	    flen > 0 && strcmp(to, "/topics/") != 0 && buf_put(out, frag,
	    flen) == -1) ? -1 : 1;
out:
	buf_free(&slug);
	if (r == 1)
		notes_count(im->notes, "links to old list pages and feeds");
	return r;
}

/*
 * A link on the old host to a path no page of the old site had (a date
 * mistyped, a post moved), whose last part is the name of exactly one
 * post: that post, and a note, since it is a guess.
 */
static size_t
by_name(struct imp *im, const char *p, size_t n)
{
	struct buf	 l;
	const char	*last;
	size_t		 t = (size_t)-1, k;

	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n > 5 && memcmp(p + n - 5, ".html", 5) == 0)
		n -= 5;
	for (last = p + n; last > p && last[-1] != '/'; last--)
		;
	k = (size_t)(p + n - last);
	if (k == 0)
		return t;
	buf_init(&l, 0);
	if (BUF_LIT(&l, "c:") == 0 && text_lower(&l, last, k) == 0 &&
	    strmap_get(&im->slugs, l.data, l.len) == (size_t)-1 &&
	    (t = strmap_get(&im->byslug, last, k)) != (size_t)-1)
		notes_add(im->notes, NOTE_LOOK, im->docs[im->cur].src, 0,
		    "a link to %.*s, which no page of the old site had, now "
		    "leads to %s, the post of that name", (int)n, p,
		    im->docs[t].out);
	buf_free(&l);
	return t;
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
	if ((t = find_path(im, p.data, p.len)) == (size_t)-1 &&
	    (r = to_redirect(im, p.data, p.len, frag, frag ? n -
	    (size_t)(frag - u) : 0, out)) != 0)
		goto out;
	if (t == (size_t)-1 && (abs.len > 0 ||
	    (t = by_name(im, p.data, p.len)) == (size_t)-1))
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

int
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

int
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
