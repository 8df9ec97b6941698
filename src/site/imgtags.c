#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../support/url.h"
#include "images.h"
#include "imgtags.h"

/*
 * What the browser is told of the width an image takes, for srcset: the
 * column (35rem, style.css) on screens wider than it, else the screen.
 */
#define IMG_SIZES	"(min-width: 40rem) 35rem, 100vw"

#define ATTRS_MAX	32

struct attr {
	const char	*at;		/* the whole attribute, name to value */
	size_t		 len;
	const char	*name;
	size_t		 nlen;
	const char	*val;
	size_t		 vlen;
};

struct tag {
	const char	*end;		/* just past '>' */
	struct attr	 a[ATTRS_MAX];
	size_t		 na;
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * Read the attributes of the tag whose name ends at p, up to its '>'.
 * 0, or -1 when the tag does not end or has more attributes than we
 * keep (then it is left as written).
 */
static int
scan_tag(const char *p, const char *end, struct tag *t)
{
	t->na = 0;
	for (;;) {
		struct attr a;

		while (p < end && (is_space(*p) || *p == '/'))
			p++;
		if (p == end)
			return -1;
		if (*p == '>') {
			t->end = p + 1;
			return 0;
		}
		a.at = a.name = p;
		while (p < end && !is_space(*p) && *p != '=' && *p != '>' &&
		    *p != '/')
			p++;
		a.nlen = (size_t)(p - a.name);
		a.val = "";
		a.vlen = 0;
		if (p < end && *p == '=') {
			char q = *++p;

			if (p < end && (q == '"' || q == '\'')) {
				a.val = ++p;
				while (p < end && *p != q)
					p++;
				if (p == end)
					return -1;
				a.vlen = (size_t)(p - a.val);
				p++;
			} else {
				a.val = p;
				while (p < end && !is_space(*p) && *p != '>')
					p++;
				a.vlen = (size_t)(p - a.val);
			}
		}
		a.len = (size_t)(p - a.at);
		if (a.nlen == 0 || t->na == ATTRS_MAX)
			return -1;
		t->a[t->na++] = a;
	}
}

static const struct attr *
find(const struct tag *t, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < t->na; i++)
		if (t->a[i].nlen == n && strncasecmp(t->a[i].name, name, n) ==
		    0)
			return &t->a[i];
	return NULL;
}

/* Undo &amp; and percent-encoding (as check.c does) into b. */
static int
decode(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '&' && n - i >= 5 && memcmp(s + i, "&amp;", 5) ==
		    0) {
			i += 4;
			if (buf_putc(b, '&') == -1)
				return -1;
		} else if (s[i] == '%' && n - i >= 3) {
			char hex[3] = { s[i + 1], s[i + 2], '\0' };
			long c = strtol(hex, NULL, 16);

			if (c <= 0)
				return 1;	/* "%00" or not hex: not ours */
			i += 2;
			if (buf_putc(b, (char)c) == -1)
				return -1;
		} else if (buf_putc(b, s[i]) == -1)
			return -1;
	}
	return 0;
}

/* Is the page's source a page bundle ("posts/x/index.md")?  Its folder. */
static size_t
bundle_dir(const char *page)
{
	const char	*slash;

	if (page == NULL || strncmp(page, "posts/", 6) != 0 ||
	    (slash = strchr(page + 6, '/')) == NULL ||
	    strncmp(slash + 1, "index.", 6) != 0 ||
	    strchr(slash + 1, '/') != NULL)
		return 0;
	return (size_t)(slash - page);
}

int
imgtags_source(const struct imgtags_opts *o, const char *src, size_t n,
    struct buf *file)
{
	struct buf	 ref, abs, path;
	const char	*p;
	size_t		 bl, dl, sl;
	int		 rc = -1, r;

	if (o->page_dir == NULL || o->base_path == NULL)
		return 0;
	buf_init(&ref, 0);
	buf_init(&abs, 0);
	buf_init(&path, 0);
	if (buf_put(&ref, src, n) == -1)
		goto out;
	/* The site's own address written out: its path is what counts. */
	sl = o->site != NULL ? strlen(o->site) : 0;
	if (sl > 0 && strncmp(ref.data, o->site, sl) == 0) {
		if (buf_printf(&abs, "%s%s", o->base_path, ref.data + sl) ==
		    -1)
			goto out;
		buf_reset(&ref);
		if (buf_put(&ref, abs.data, abs.len) == -1)
			goto out;
		buf_reset(&abs);
	}
	rc = 0;
	if (ref.len == 0 || url_is_absolute(ref.data) ||
	    strncmp(ref.data, "//", 2) == 0)
		goto out;
	rc = -1;
	/* Resolve as a browser would, against the page's own URL. */
	if (buf_printf(&abs, "http://site%s%s", o->base_path, o->page_dir) ==
	    -1 || url_resolve(&path, abs.data, ref.data) == -1)
		goto out;
	rc = 0;
	p = path.data + strlen("http://site");
	if (strncmp(p, o->base_path, strlen(o->base_path)) != 0)
		goto out;	/* outside the site */
	p += strlen(o->base_path);
	buf_reset(&abs);
	if ((r = decode(&abs, p, strcspn(p, "?#"))) != 0) {
		rc = r == -1 ? -1 : 0;
		goto out;
	}
	if (abs.len == 0 || strstr(abs.data, "..") != NULL ||
	    abs.data[0] == '/')
		goto out;
	rc = -1;
	dl = strlen(o->page_dir);
	bl = bundle_dir(o->page);
	/* A bundle's files are published in its page's folder. */
	if (bl > 0 && strncmp(abs.data, o->page_dir, dl) == 0) {
		if (buf_put(file, o->page, bl) == -1 ||
		    buf_printf(file, "/%s", abs.data + dl) == -1)
			goto out;
	} else if (buf_printf(file, "static/%s", abs.data) == -1)
		goto out;
	rc = 1;
out:
	buf_free(&ref);
	buf_free(&abs);
	buf_free(&path);
	return rc;
}

/* Append one srcset of the copies of the image at url (n bytes). */
static int
put_source(struct buf *out, const struct image_info *inf, const char *url,
    size_t n, int avif)
{
	unsigned	 k;

	if (buf_printf(out, "<source type=\"image/%s\" srcset=\"",
	    avif ? "avif" : "webp") == -1)
		return -1;
	for (k = 0; k < inf->nwidths; k++)
		if (buf_put(out, url, n) == -1 || buf_printf(out,
		    ".%u.%s %uw%s", inf->widths[k], avif ? "avif" : "webp",
		    inf->widths[k], k + 1 < inf->nwidths ? ", " : "") == -1)
			return -1;
	return BUF_LIT(out, "\" sizes=\"" IMG_SIZES "\">");
}

/* Write the caption, an attribute's value, as text. */
static int
put_caption(struct buf *out, const char *s, size_t n)
{
	size_t	 i;
	int	 rc = 0;

	/* The value is escaped for an attribute: only < and > remain. */
	for (i = 0; i < n && rc == 0; i++)
		rc = s[i] == '<' ? BUF_LIT(out, "&lt;") : s[i] == '>' ?
		    BUF_LIT(out, "&gt;") : buf_putc(out, s[i]);
	return rc;
}

/*
 * Write the <img> t (its attributes) as the page shows it; figure: drop
 * its title (the caption says it).  nth counts the body's images.
 */
static int
put_img(struct buf *out, const struct imgtags_opts *o, const struct tag *t,
    int figure, int in_picture, size_t nth)
{
	const struct attr *src = find(t, "src"), *title = find(t, "title");
	struct image_info inf;
	struct buf	 file;
	const char	*why;
	size_t		 i, un = 0;
	int		 known = 0, picture, r;

	memset(&inf, 0, sizeof(inf));
	buf_init(&file, 0);
	if (src != NULL && o->images != NULL) {
		r = imgtags_source(o, src->val, src->vlen, &file);
		if (r == -1)
			goto oom;
		if (r == 1 && (known = images_info(o->images, file.data,
		    &inf)) == 1)
			images_use(o->images, o->page, file.data);
		else if (r == 1 && o->unsized != NULL &&
		    images_unsized(o->images, &why) != NULL)
			*o->unsized = 1;
	}
	if (src != NULL)
		un = strcspn(src->val, "?#\"'");
	if (un > src->vlen)
		un = src->vlen;
	/* A URL srcset cannot hold as is (a space or comma): no copies. */
	picture = known && inf.nwidths > 0 && !in_picture && src != NULL &&
	    find(t, "srcset") == NULL && memchr(src->val, ',', un) == NULL &&
	    memchr(src->val, ' ', un) == NULL;
	if (picture) {
		if (BUF_LIT(out, "<picture>") == -1 ||
		    (inf.avif && put_source(out, &inf, src->val, un, 1) ==
		    -1) || put_source(out, &inf, src->val, un, 0) == -1)
			goto oom;
	}
	if (BUF_LIT(out, "<img") == -1)
		goto oom;
	for (i = 0; i < t->na; i++) {
		if (figure && &t->a[i] == title)
			continue;
		if (buf_putc(out, ' ') == -1 ||
		    buf_put(out, t->a[i].at, t->a[i].len) == -1)
			goto oom;
	}
	if (known && find(t, "width") == NULL && find(t, "height") == NULL &&
	    buf_printf(out, " width=\"%u\" height=\"%u\"", inf.w, inf.h) == -1)
		goto oom;
	if (find(t, "decoding") == NULL &&
	    BUF_LIT(out, " decoding=\"async\"") == -1)
		goto oom;
	if (nth > 0 && find(t, "loading") == NULL &&
	    BUF_LIT(out, " loading=\"lazy\"") == -1)
		goto oom;
	if (buf_putc(out, '>') == -1 ||
	    (picture && BUF_LIT(out, "</picture>") == -1))
		goto oom;
	buf_free(&file);
	return 0;
oom:
	buf_free(&file);
	return -1;
}

static int
starts(const char *p, const char *end, const char *lit)
{
	size_t	 n = strlen(lit);

	return (size_t)(end - p) >= n && strncasecmp(p, lit, n) == 0;
}

int
imgtags_rewrite(const char *html, size_t len, const struct imgtags_opts *o,
    struct buf *out)
{
	const char	*p = html, *end = html + len, *q, *title_at;
	const struct attr *title;
	struct tag	 t;
	size_t		 nth = 0;
	int		 in_picture = 0, fig;
	char		 c;

	while ((q = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (buf_put(out, p, (size_t)(q - p)) == -1)
			return -1;
		p = q;
		/* Most tags are none of these: one byte tells. */
		c = q + 1 < end ? (char)tolower((unsigned char)q[1]) : '\0';
		if (c != 'p' && c != 'i' && c != '/') {
			if (buf_putc(out, '<') == -1)
				return -1;
			p++;
			continue;
		}
		if (starts(q, end, "<picture")) {
			in_picture = 1;
		} else if (starts(q, end, "</picture")) {
			in_picture = 0;
		} else if (starts(q, end, "<p><img") && q + 7 < end &&
		    is_space(q[7]) && scan_tag(q + 7, end, &t) == 0 &&
		    starts(t.end, end, "</p>") &&
		    (title = find(&t, "title")) != NULL && title->vlen > 0) {
			/* An image alone in its paragraph, with a title. */
			title_at = title->val;
			fig = BUF_LIT(out, "<figure>") == -1 ||
			    put_img(out, o, &t, 1, in_picture, nth++) == -1 ||
			    BUF_LIT(out, "<figcaption>") == -1 ||
			    put_caption(out, title_at, title->vlen) == -1 ||
			    BUF_LIT(out, "</figcaption></figure>") == -1;
			if (fig)
				return -1;
			p = t.end + 4;
			continue;
		} else if (starts(q, end, "<img") && q + 4 < end &&
		    (is_space(q[4]) || q[4] == '>' || q[4] == '/') &&
		    scan_tag(q + 4, end, &t) == 0) {
			if (put_img(out, o, &t, 0, in_picture, nth++) == -1)
				return -1;
			p = t.end;
			continue;
		}
		if (buf_putc(out, '<') == -1)
			return -1;
		p++;
	}
	return buf_put(out, p, (size_t)(end - p));
}
