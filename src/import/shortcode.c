#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scan.h"

/* Hugo's {{< name args >}} and {{% name args %}}. */
int
conv_shortcode(struct scan *sc)
{
	const char	*s = sc->s, *close, *name, *args;
	char		 kind = s[sc->i + 2];	/* '<' or '%' */
	const char	*closer = kind == '<' ? ">}}" : "%}}";
	size_t		 a = sc->i, e, j, nlen, alen, nv, ba, be;
	struct arg	 v[ARGS_MAX];
	const struct arg *p0, *p1, *p2, *id;
	struct buf	 u;
	int		 r, closing = 0;

	j = a + 3;
	while (j < sc->n && isspace((unsigned char)s[j]))
		j++;
	if (j + 1 < sc->n && s[j] == '/' && s[j + 1] == '*') {
		/* Hugo's way to show a shortcode as text: "{{<" then "/\*". */
		const char *t = scan_find(s, sc->n, j, kind == '<' ? "*/>}}" :
		    "*/%}}", TAG_MAX);
		struct buf lit;

		if (t == NULL) {
			sc->i = j;
			return scan_keep(sc, a, j, "an unclosed shortcode");
		}
		sc->i = (size_t)(t - s) + 5;
		buf_init(&lit, 0);
		r = scan_put(&lit, s + a, 3) == -1 || scan_put(&lit, s + j + 2,
		    (size_t)(t - s) - j - 2) == -1 || scan_put(&lit, closer,
		    3) == -1 ?
		    -1 : scan_code_out(sc, lit.data, lit.len);
		buf_free(&lit);
		notes_count(sc->c->notes, "{{</* */>}}");
		return r;
	}
	if ((close = scan_find(s, sc->n, a + 3, closer, TAG_MAX)) == NULL) {
		sc->i = a + 3;
		return scan_keep(sc, a, a + 3, "an unclosed shortcode");
	}
	e = (size_t)(close - s) + 3;
	sc->i = e;
	if (s[j] == '/') {
		closing = 1;
		j++;
		while (j < e && isspace((unsigned char)s[j]))
			j++;
	}
	name = s + j;
	while (j < e && (isalnum((unsigned char)s[j]) || s[j] == '_' ||
	    s[j] == '-' || s[j] == '/' || s[j] == '.'))
		j++;
	nlen = (size_t)(s + j - name);
	args = s + j;
	alen = (size_t)(close - args);
	while (alen > 0 && (isspace((unsigned char)args[alen - 1]) ||
	    args[alen - 1] == '/'))
		alen--;
	if (closing)
		return scan_keep(sc, a, e, "a shortcode's end");
	nv = scan_args(args, alen, v, ARGS_MAX);
	p0 = scan_pos(v, nv, 0);
	p1 = scan_pos(v, nv, 1);
	p2 = scan_pos(v, nv, 2);
#define NAME(x)	(nlen == sizeof(x) - 1 && memcmp(name, x, nlen) == 0)
	if (NAME("highlight")) {
		/* Its end: {{< /highlight >}}, spaces allowed. */
		const char *t;
		size_t k;

		for (k = e; (t = scan_find(s, sc->n, k, "{{", BLOCK_MAX)) !=
		    NULL;
		    k = (size_t)(t - s) + 2) {
			size_t m = (size_t)(t - s) + 3;

			while (m < sc->n && isspace((unsigned char)s[m]))
				m++;
			if (m + 10 <= sc->n && strncmp(s + m, "/highlight",
			    10) == 0)
				break;
		}
		if (t == NULL || (close = scan_find(s, sc->n, (size_t)(t - s),
		    "}}", 64)) == NULL)
			return scan_keep(sc, a, e,
			    "a highlight without its end");
		ba = (size_t)(t - s);
		be = (size_t)(close - s) + 2;
		sc->i = be;
		notes_count(sc->c->notes, "{{< highlight >}}");
		return scan_fence(sc, p0 ? p0->val : "", p0 ? p0->vlen : 0,
		    s + e, ba - e);
	}
	if (NAME("figure") || NAME("img") || NAME("image")) {
		const struct arg *src = scan_arg(v, nv, "src"), *alt, *cap;

		if (src == NULL)
			src = p0;
		if ((alt = scan_arg(v, nv, "alt")) == NULL &&
		    (alt = scan_arg(v, nv, "title")) == NULL)
			alt = scan_arg(v, nv, "caption");
		cap = scan_arg(v, nv, "caption");
		if (src != NULL && src->vlen > 0) {
			notes_count(sc->c->notes, "{{< figure >}}");
			return scan_figure(sc, src, alt, cap, scan_arg(v, nv,
			    "link"));
		}
		return scan_keep(sc, a, e, "a figure without src");
	}
	if (NAME("ref") || NAME("relref")) {
		const struct arg *pa = scan_arg(v, nv, "path");

		if (pa == NULL)
			pa = p0;
		if (pa != NULL && (r = sc->c->resolve(sc->c->ctx, REF_HUGO,
		    pa->val, pa->vlen, sc->out)) != 0) {
			if (r == 1)
				notes_count(sc->c->notes, "{{< ref >}}");
			return r == 1 ? 0 : -1;
		}
		return scan_keep(sc, a, e, "a ref to a page not imported");
	}
	buf_init(&u, 0);
	r = 0;
	if (NAME("youtube")) {
		id = scan_arg(v, nv, "id");
		if (id == NULL)
			id = p0;
		if (id != NULL)
			r = buf_printf(&u, "https://www.youtube.com/watch?v="
			    "%.*s", (int)id->vlen, id->val);
	} else if (NAME("vimeo")) {
		id = scan_arg(v, nv, "id");
		if (id == NULL)
			id = p0;
		if (id != NULL)
			r = buf_printf(&u, "https://vimeo.com/%.*s",
			    (int)id->vlen, id->val);
	} else if (NAME("gist")) {
		const struct arg *user = scan_arg(v, nv, "user");

		id = scan_arg(v, nv, "id");
		if (user == NULL)
			user = p0, id = p1;
		if (user != NULL && id != NULL)
			r = buf_printf(&u, "https://gist.github.com/%.*s/%.*s",
			    (int)user->vlen, user->val, (int)id->vlen, id->val);
		(void)p2;
	} else if (NAME("tweet") || NAME("twitter") || NAME("x")) {
		const struct arg *user = scan_arg(v, nv, "user");

		id = scan_arg(v, nv, "id");
		if (id == NULL)
			id = user == NULL && p1 == NULL ? p0 : p1;
		if (user == NULL && p1 != NULL)
			user = p0;
		if (id != NULL)
			r = buf_printf(&u, "https://twitter.com/%.*s/status/"
			    "%.*s", user ? (int)user->vlen : 1, user ?
			    user->val : "i", (int)id->vlen, id->val);
	} else if (NAME("instagram")) {
		id = scan_arg(v, nv, "id");
		if (id == NULL)
			id = p0;
		if (id != NULL)
			r = buf_printf(&u, "https://www.instagram.com/p/%.*s/",
			    (int)id->vlen, id->val);
	}
	if (r == -1) {
		buf_free(&u);
		return -1;
	}
	if (u.len > 0) {
		char what[64];

		(void)snprintf(what, sizeof(what), "{{< %.*s >}}", (int)nlen,
		    name);
		notes_count(sc->c->notes, what);
		r = scan_link(sc, u.data, NULL, 0, NAME("youtube") ?
		    "A video on YouTube" : NAME("vimeo") ? "A video on Vimeo" :
		    NAME("gist") ? "A gist on GitHub" : NAME("instagram") ?
		    "A post on Instagram" : "A post on Twitter");
		buf_free(&u);
		return r;
	}
	buf_free(&u);
#undef NAME
	return scan_keep(sc, a, e, "a shortcode");
}
