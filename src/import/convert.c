#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "convert.h"

/* Template code longer than this is not one tag: '{%' is left as text. */
#define TAG_MAX		4096
/* A {% highlight %} or {{< highlight >}} block at most. */
#define BLOCK_MAX	(1024 * 1024)

struct scan {
	const struct conv *c;
	const char	*s;
	size_t		 n, i;
	size_t		 lpos, lline;	/* line count up to lpos */
	struct buf	*out;
	int		 raw;		/* inside {% raw %} */
};

/* One argument of a tag: key=value or a value alone (key NULL). */
struct arg {
	const char	*key, *val;
	size_t		 klen, vlen;
};
#define ARGS_MAX	16

static int	put(struct buf *, const char *, size_t);
static size_t	line_of(struct scan *, size_t pos);
static const char *find(const char *s, size_t n, size_t from,
		    const char *what, size_t limit);
static size_t	parse_args(const char *s, size_t n, struct arg *, size_t max);
static const struct arg *arg_get(const struct arg *, size_t, const char *k);
static const struct arg *arg_pos(const struct arg *, size_t, size_t k);

static int
put(struct buf *b, const char *s, size_t n)
{
	return buf_put(b, s, n);
}

static size_t
line_of(struct scan *sc, size_t pos)
{
	if (pos < sc->lpos) {
		sc->lpos = 0;
		sc->lline = 0;
	}
	for (; sc->lpos < pos && sc->lpos < sc->n; sc->lpos++)
		if (sc->s[sc->lpos] == '\n')
			sc->lline++;
	return sc->c->line + sc->lline;
}

static const char *
find(const char *s, size_t n, size_t from, const char *what, size_t limit)
{
	size_t	 w = strlen(what), end = n;

	if (limit > 0 && from + limit < n)
		end = from + limit;
	if (from >= end || end - from < w)
		return NULL;
	return memmem(s + from, end - from, what, w);
}

int
convert_code_span(struct buf *b, const char *s, size_t n)
{
	size_t	 i, run = 0, most = 0, k;
	int	 pad;

	for (i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > most)
			most = run;
	}
	pad = n > 0 && (s[0] == '`' || s[n - 1] == '`' || s[0] == ' ');
	for (k = 0; k <= most; k++)
		if (buf_putc(b, '`') == -1)
			return -1;
	if (pad && buf_putc(b, ' ') == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (buf_putc(b, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]) ==
		    -1)
			return -1;
	if (pad && buf_putc(b, ' ') == -1)
		return -1;
	for (k = 0; k <= most; k++)
		if (buf_putc(b, '`') == -1)
			return -1;
	return 0;
}

/* Keep the tag at [a, e) as inline code, and say where. */
static int
keep(struct scan *sc, size_t a, size_t e, const char *why)
{
	const char *s = sc->s + a;
	size_t	 n = e - a, show = n > 60 ? 60 : n;

	notes_add(sc->c->notes, NOTE_KEPT, sc->c->file, line_of(sc, a),
	    "%s kept as code: %.*s%s", why, (int)show, s,
	    show < n ? "..." : "");
	return convert_code_span(sc->out, s, n);
}

/* Parse "k=v k2='v' pos" (Liquid and Hugo both). */
static size_t
parse_args(const char *s, size_t n, struct arg *v, size_t max)
{
	size_t	 i = 0, k = 0, st;
	char	 q;

	while (i < n && k < max) {
		while (i < n && (isspace((unsigned char)s[i]) || s[i] == ','))
			i++;
		if (i >= n)
			break;
		memset(&v[k], 0, sizeof(v[k]));
		st = i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' ||
		    s[i] == '-' || s[i] == '.'))
			i++;
		if (i < n && (s[i] == '=' || s[i] == ':') && i > st) {
			v[k].key = s + st;
			v[k].klen = i - st;
			i++;
			while (i < n && s[i] == ' ')
				i++;
		} else
			i = st;
		if (i < n && (s[i] == '"' || s[i] == '\'' || s[i] == '`')) {
			q = s[i++];
			v[k].val = s + i;
			while (i < n && s[i] != q)
				i++;
			v[k].vlen = (size_t)(s + i - v[k].val);
			if (i < n)
				i++;
		} else {
			v[k].val = s + i;
			while (i < n && !isspace((unsigned char)s[i]))
				i++;
			v[k].vlen = (size_t)(s + i - v[k].val);
		}
		k++;
	}
	return k;
}

static const struct arg *
arg_get(const struct arg *v, size_t n, const char *k)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].key != NULL && v[i].klen == strlen(k) &&
		    strncasecmp(v[i].key, k, v[i].klen) == 0)
			return &v[i];
	return NULL;
}

static const struct arg *
arg_pos(const struct arg *v, size_t n, size_t k)
{
	size_t	 i, seen = 0;

	for (i = 0; i < n; i++)
		if (v[i].key == NULL && seen++ == k)
			return &v[i];
	return NULL;
}

/* Copy s (n bytes) of a code block, without Liquid's raw markers. */
static int
put_code(struct scan *sc, const char *s, size_t n)
{
	size_t	 i = 0, e;
	const char *t;

	while (i < n) {
		t = memmem(s + i, n - i, "{%", 2);
		if (t == NULL)
			return put(sc->out, s + i, n - i);
		e = (size_t)(t - s);
		if (put(sc->out, s + i, e - i) == -1)
			return -1;
		{
			const char *end = find(s, n, e, "%}", 64);
			size_t j = e + 2;

			while (j < n && (s[j] == '-' || s[j] == ' '))
				j++;
			if (end != NULL && (strncmp(s + j, "raw", 3) == 0 ||
			    strncmp(s + j, "endraw", 6) == 0)) {
				i = (size_t)(end - s) + 2;
				continue;
			}
		}
		if (put(sc->out, s + e, 2) == -1)
			return -1;
		i = e + 2;
	}
	return 0;
}

/* A fenced code block of body, for highlight tags and shortcodes. */
static int
fence(struct scan *sc, const char *lang, size_t llen, const char *body,
    size_t n)
{
	size_t	 i, run = 0, most = 2, k;

	for (i = 0; i < n; i++) {
		run = body[i] == '`' ? run + 1 : 0;
		if (run > most)
			most = run;
	}
	while (n > 0 && (body[0] == '\n' || body[0] == '\r')) {
		body++;
		n--;
	}
	while (n > 0 && (body[n - 1] == '\n' || body[n - 1] == '\r' ||
	    body[n - 1] == ' '))
		n--;
	if (sc->out->len > 0 && sc->out->data[sc->out->len - 1] != '\n' &&
	    buf_putc(sc->out, '\n') == -1)
		return -1;
	for (k = 0; k <= most; k++)
		if (buf_putc(sc->out, '`') == -1)
			return -1;
	if (put(sc->out, lang, llen) == -1 || buf_putc(sc->out, '\n') == -1 ||
	    put_code(sc, body, n) == -1 || buf_putc(sc->out, '\n') == -1)
		return -1;
	for (k = 0; k <= most; k++)
		if (buf_putc(sc->out, '`') == -1)
			return -1;
	return 0;
}

/* ![alt](src "title"), then the caption in italics when there is one. */
static int
figure(struct scan *sc, const struct arg *src, const struct arg *alt,
    const struct arg *cap, const struct arg *link)
{
	size_t	 i;

	if (link != NULL && BUF_LIT(sc->out, "[") == -1)
		return -1;
	if (BUF_LIT(sc->out, "![") == -1)
		return -1;
	if (alt != NULL)
		for (i = 0; i < alt->vlen; i++)
			if (alt->val[i] != '[' && alt->val[i] != ']' &&
			    alt->val[i] != '\n' &&
			    buf_putc(sc->out, alt->val[i]) == -1)
				return -1;
	if (BUF_LIT(sc->out, "](") == -1)
		return -1;
	for (i = 0; i < src->vlen; i++)
		if (src->val[i] == ' ' || src->val[i] == ')' ||
		    src->val[i] == '(' ? buf_printf(sc->out, "%%%02X",
		    (unsigned char)src->val[i]) == -1 :
		    buf_putc(sc->out, src->val[i]) == -1)
			return -1;
	if (BUF_LIT(sc->out, ")") == -1)
		return -1;
	if (link != NULL && (BUF_LIT(sc->out, "](") == -1 ||
	    put(sc->out, link->val, link->vlen) == -1 ||
	    BUF_LIT(sc->out, ")") == -1))
		return -1;
	if (cap != NULL && cap->vlen > 0 && (alt == NULL || alt->vlen !=
	    cap->vlen || memcmp(alt->val, cap->val, cap->vlen) != 0)) {
		if (BUF_LIT(sc->out, "\n\n*") == -1)
			return -1;
		for (i = 0; i < cap->vlen; i++)
			if (buf_putc(sc->out, cap->val[i] == '*' ? '_' :
			    cap->val[i] == '\n' ? ' ' : cap->val[i]) == -1)
				return -1;
		if (BUF_LIT(sc->out, "*\n") == -1)
			return -1;
	}
	return 0;
}

static int
is_figure_include(const char *name, size_t n)
{
	static const char *const words[] = { "image", "img", "figure",
	    "photo", "picture", "screenshot", NULL };
	size_t	 i, k, w;

	for (i = 0; words[i] != NULL; i++) {
		w = strlen(words[i]);
		for (k = 0; k + w <= n; k++)
			if (strncasecmp(name + k, words[i], w) == 0)
				return 1;
	}
	return 0;
}

/* The end of a block tag "{% endNAME %}" from from: [*a, *e), or 0. */
static int
find_end_tag(struct scan *sc, size_t from, const char *end, size_t *a,
    size_t *e)
{
	const char	*t, *c;
	size_t		 j, w = strlen(end);

	for (j = from; (t = find(sc->s, sc->n, j, "{%", BLOCK_MAX)) != NULL;
	    j = (size_t)(t - sc->s) + 2) {
		c = t + 2;
		while (c < sc->s + sc->n && (*c == '-' || *c == ' '))
			c++;
		if ((size_t)(sc->s + sc->n - c) > w && strncmp(c, end, w) == 0 &&
		    !isalnum((unsigned char)c[w])) {
			const char *close = find(sc->s, sc->n,
			    (size_t)(c - sc->s), "%}", 256);

			if (close == NULL)
				return 0;
			*a = (size_t)(t - sc->s);
			*e = (size_t)(close - sc->s) + 2;
			return 1;
		}
	}
	return 0;
}

/* A Liquid tag at sc->i: "{% name args %}". */
static int
liquid_tag(struct scan *sc)
{
	const char	*s = sc->s, *close, *name, *args;
	size_t		 a = sc->i, e, j, nlen, alen, ba, be;
	struct arg	 v[ARGS_MAX];
	size_t		 nv;
	int		 r;

	if ((close = find(s, sc->n, a + 2, "%}", TAG_MAX)) == NULL) {
		sc->i += 2;
		return keep(sc, a, a + 2, "an unclosed {%");
	}
	e = (size_t)(close - s) + 2;
	j = a + 2;
	while (j < e && (s[j] == '-' || isspace((unsigned char)s[j])))
		j++;
	name = s + j;
	while (j < e && (isalnum((unsigned char)s[j]) || s[j] == '_'))
		j++;
	nlen = (size_t)(s + j - name);
	args = s + j;
	alen = (size_t)(close - args);
	while (alen > 0 && (args[alen - 1] == '-' ||
	    isspace((unsigned char)args[alen - 1])))
		alen--;
	while (alen > 0 && isspace((unsigned char)*args)) {
		args++;
		alen--;
	}
	sc->i = e;
#define NAME(x)	(nlen == sizeof(x) - 1 && memcmp(name, x, nlen) == 0)
	if (NAME("raw") || NAME("endraw")) {
		sc->raw = NAME("raw");
		notes_count(sc->c->notes, "{% raw %}");
		return 0;
	}
	if (NAME("highlight")) {
		if (!find_end_tag(sc, e, "endhighlight", &ba, &be))
			return keep(sc, a, e, "a highlight without its end");
		sc->i = be;
		notes_count(sc->c->notes, "{% highlight %}");
		nv = parse_args(args, alen, v, ARGS_MAX);
		return fence(sc, nv > 0 ? v[0].val : "", nv > 0 ? v[0].vlen : 0,
		    s + e, ba - e);
	}
	if (NAME("comment")) {
		if (!find_end_tag(sc, e, "endcomment", &ba, &be))
			return keep(sc, a, e, "a comment without its end");
		sc->i = be;
		notes_count(sc->c->notes, "{% comment %}");
		if (BUF_LIT(sc->out, "<!--") == -1)
			return -1;
		for (j = e; j < ba; j++)
			if (buf_putc(sc->out, s[j] == '-' && s[j + 1] == '-' ?
			    '~' : s[j]) == -1)
				return -1;
		return BUF_LIT(sc->out, "-->");
	}
	if (NAME("post_url") || NAME("link")) {
		size_t n = alen;

		while (n > 0 && isspace((unsigned char)args[n - 1]))
			n--;
		r = sc->c->resolve(sc->c->ctx, NAME("post_url") ? REF_POST_URL :
		    REF_LINK, args, n, sc->out);
		if (r == -1)
			return -1;
		if (r == 1) {
			notes_count(sc->c->notes, NAME("post_url") ?
			    "{% post_url %}" : "{% link %}");
			return 0;
		}
		return keep(sc, a, e, "a link to a file not imported");
	}
	if (NAME("include") || NAME("include_relative")) {
		const char *in = args;
		size_t inlen = strcspn(args, " \t\n");
		const struct arg *src, *alt, *cap;

		if (inlen > alen)
			inlen = alen;
		if (is_figure_include(in, inlen)) {
			nv = parse_args(args + inlen, alen - inlen, v, ARGS_MAX);
			if ((src = arg_get(v, nv, "url")) == NULL &&
			    (src = arg_get(v, nv, "src")) == NULL &&
			    (src = arg_get(v, nv, "image")) == NULL &&
			    (src = arg_get(v, nv, "file")) == NULL &&
			    (src = arg_get(v, nv, "path")) == NULL)
				src = arg_get(v, nv, "img");
			if ((alt = arg_get(v, nv, "alt")) == NULL &&
			    (alt = arg_get(v, nv, "description")) == NULL &&
			    (alt = arg_get(v, nv, "title")) == NULL)
				alt = arg_get(v, nv, "caption");
			if ((cap = arg_get(v, nv, "caption")) == NULL)
				cap = arg_get(v, nv, "description");
			if (src != NULL && src->vlen > 0 &&
			    memchr(src->val, '{', src->vlen) == NULL) {
				notes_count(sc->c->notes, "{% include image %}");
				return figure(sc, src, alt, cap, NULL);
			}
		}
		return keep(sc, a, e, "an include");
	}
#undef NAME
	return keep(sc, a, e, "a Liquid tag");
}

/* Jekyll's {{ expression }}: the site's own address, or a path filter. */
static int
liquid_out(struct scan *sc)
{
	const char	*s = sc->s, *close, *x, *bar;
	size_t		 a = sc->i, e, n, k;
	static const char *const empty[] = { "site.url", "site.baseurl",
	    "site.github.url", "site.base_url", "site.root", NULL };

	if ((close = find(s, sc->n, a + 2, "}}", TAG_MAX)) == NULL) {
		sc->i += 2;
		return put(sc->out, s + a, 2);	/* no tag: plain braces */
	}
	e = (size_t)(close - s) + 2;
	sc->i = e;
	x = s + a + 2;
	n = (size_t)(close - x);
	while (n > 0 && (*x == '-' || isspace((unsigned char)*x))) {
		x++;
		n--;
	}
	while (n > 0 && (x[n - 1] == '-' || isspace((unsigned char)x[n - 1])))
		n--;
	bar = memchr(x, '|', n);
	{
		size_t base = bar ? (size_t)(bar - x) : n;

		while (base > 0 && isspace((unsigned char)x[base - 1]))
			base--;
		for (k = 0; empty[k] != NULL; k++)
			if (base == strlen(empty[k]) &&
			    memcmp(x, empty[k], base) == 0) {
				notes_count(sc->c->notes, "{{ site.url }}");
				return 0;
			}
		/* "/path" | relative_url (or absolute_url, prepend). */
		if (base >= 2 && (x[0] == '"' || x[0] == '\'') &&
		    x[base - 1] == x[0] && bar != NULL &&
		    (memmem(bar, n - base, "url", 3) != NULL ||
		    memmem(bar, n - base, "site.baseurl", 12) != NULL)) {
			notes_count(sc->c->notes, "{{ \"path\" | relative_url }}");
			return put(sc->out, x + 1, base - 2);
		}
	}
	return keep(sc, a, e, "a Liquid expression");
}

/* The line just written, when it is "* TOC" (kramdown's list for {:toc}). */
static void
drop_toc_line(struct buf *out)
{
	size_t	 end = out->len, st;
	const char *l;

	while (end > 0 && (out->data[end - 1] == '\n' ||
	    out->data[end - 1] == ' '))
		end--;
	for (st = end; st > 0 && out->data[st - 1] != '\n'; st--)
		;
	l = out->data + st;
	while (l < out->data + end && *l == ' ')
		l++;
	if ((size_t)(out->data + end - l) >= 5 && strncmp(out->data + end - 3,
	    "TOC", 3) == 0 && (*l == '*' || *l == '-' || *l == '+' ||
	    isdigit((unsigned char)*l)))
		buf_truncate(out, st);
}

/* kramdown's {: ...}, {::name}...{:/name} and {:toc}. */
static int
kramdown(struct scan *sc)
{
	const char	*s = sc->s, *close, *end;
	size_t		 a = sc->i, e, eol, j;

	for (eol = a; eol < sc->n && s[eol] != '\n'; eol++)
		;
	if (a + 3 < sc->n && s[a + 2] == ':') {
		/* {::comment} ... {:/comment}, {::nomarkdown}, {::options /} */
		if (strncmp(s + a, "{::comment}", 11) == 0 &&
		    (end = find(s, sc->n, a, "{:/comment}", BLOCK_MAX)) !=
		    NULL) {
			notes_count(sc->c->notes, "{::comment}");
			if (BUF_LIT(sc->out, "<!--") == -1)
				return -1;
			for (j = a + 11; j < (size_t)(end - s); j++)
				if (buf_putc(sc->out, s[j] == '-' &&
				    s[j + 1] == '-' ? '~' : s[j]) == -1)
					return -1;
			sc->i = (size_t)(end - s) + 11;
			return BUF_LIT(sc->out, "-->");
		}
		if (strncmp(s + a, "{::nomarkdown}", 14) == 0) {
			notes_count(sc->c->notes, "{::nomarkdown}");
			sc->i = a + 14;
			return 0;
		}
		if ((close = memchr(s + a, '}', eol - a)) != NULL) {
			notes_count(sc->c->notes, "{::options}");
			sc->i = (size_t)(close - s) + 1;
			return 0;
		}
		sc->i = eol;
		return keep(sc, a, eol, "kramdown markup");
	}
	if ((close = memchr(s + a, '}', eol - a)) == NULL) {
		sc->i = eol;
		return keep(sc, a, eol, "kramdown markup");
	}
	e = (size_t)(close - s) + 1;
	sc->i = e;
	if (s[a + 2] == '/') {
		notes_count(sc->c->notes, "{:/}");
		return 0;
	}
	if (e - a >= 6 && strncmp(s + a, "{:toc", 5) == 0) {
		notes_count(sc->c->notes, "{:toc}");
		drop_toc_line(sc->out);
		/* The whole line goes: nothing else was on it. */
		if (e < sc->n && s[e] == '\n')
			sc->i = e + 1;
		return 0;
	}
	/* An attribute list, {: .class} or {:target="_blank"}: dropped. */
	notes_count(sc->c->notes, "{: attributes}");
	return 0;
}

static int
link_out(struct scan *sc, const char *url, const char *text, size_t tlen,
    const char *label)
{
	if (BUF_LIT(sc->out, "[") == -1)
		return -1;
	if (tlen > 0) {
		if (put(sc->out, text, tlen) == -1)
			return -1;
	} else if (buf_puts(sc->out, label) == -1)
		return -1;
	return buf_printf(sc->out, "](%s)", url);
}

/* Hugo's {{< name args >}} and {{% name args %}}. */
static int
shortcode(struct scan *sc)
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
		const char *t = find(s, sc->n, j, kind == '<' ? "*/>}}" :
		    "*/%}}", TAG_MAX);
		struct buf lit;

		if (t == NULL) {
			sc->i = j;
			return keep(sc, a, j, "an unclosed shortcode");
		}
		sc->i = (size_t)(t - s) + 5;
		buf_init(&lit, 0);
		r = put(&lit, s + a, 3) == -1 || put(&lit, s + j + 2,
		    (size_t)(t - s) - j - 2) == -1 || put(&lit, closer, 3) == -1 ?
		    -1 : convert_code_span(sc->out, lit.data, lit.len);
		buf_free(&lit);
		notes_count(sc->c->notes, "{{</* */>}}");
		return r;
	}
	if ((close = find(s, sc->n, a + 3, closer, TAG_MAX)) == NULL) {
		sc->i = a + 3;
		return keep(sc, a, a + 3, "an unclosed shortcode");
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
		return keep(sc, a, e, "a shortcode's end");
	nv = parse_args(args, alen, v, ARGS_MAX);
	p0 = arg_pos(v, nv, 0);
	p1 = arg_pos(v, nv, 1);
	p2 = arg_pos(v, nv, 2);
#define NAME(x)	(nlen == sizeof(x) - 1 && memcmp(name, x, nlen) == 0)
	if (NAME("highlight")) {
		/* Its end: {{< /highlight >}}, spaces allowed. */
		const char *t;
		size_t k;

		for (k = e; (t = find(s, sc->n, k, "{{", BLOCK_MAX)) != NULL;
		    k = (size_t)(t - s) + 2) {
			size_t m = (size_t)(t - s) + 3;

			while (m < sc->n && isspace((unsigned char)s[m]))
				m++;
			if (m + 10 <= sc->n && strncmp(s + m, "/highlight",
			    10) == 0)
				break;
		}
		if (t == NULL || (close = find(s, sc->n, (size_t)(t - s),
		    "}}", 64)) == NULL)
			return keep(sc, a, e, "a highlight without its end");
		ba = (size_t)(t - s);
		be = (size_t)(close - s) + 2;
		sc->i = be;
		notes_count(sc->c->notes, "{{< highlight >}}");
		return fence(sc, p0 ? p0->val : "", p0 ? p0->vlen : 0, s + e,
		    ba - e);
	}
	if (NAME("figure") || NAME("img") || NAME("image")) {
		const struct arg *src = arg_get(v, nv, "src"), *alt, *cap;

		if (src == NULL)
			src = p0;
		if ((alt = arg_get(v, nv, "alt")) == NULL &&
		    (alt = arg_get(v, nv, "title")) == NULL)
			alt = arg_get(v, nv, "caption");
		cap = arg_get(v, nv, "caption");
		if (src != NULL && src->vlen > 0) {
			notes_count(sc->c->notes, "{{< figure >}}");
			return figure(sc, src, alt, cap, arg_get(v, nv,
			    "link"));
		}
		return keep(sc, a, e, "a figure without src");
	}
	if (NAME("ref") || NAME("relref")) {
		const struct arg *pa = arg_get(v, nv, "path");

		if (pa == NULL)
			pa = p0;
		if (pa != NULL && (r = sc->c->resolve(sc->c->ctx, REF_HUGO,
		    pa->val, pa->vlen, sc->out)) != 0) {
			if (r == 1)
				notes_count(sc->c->notes, "{{< ref >}}");
			return r == 1 ? 0 : -1;
		}
		return keep(sc, a, e, "a ref to a page not imported");
	}
	buf_init(&u, 0);
	r = 0;
	if (NAME("youtube")) {
		id = arg_get(v, nv, "id");
		if (id == NULL)
			id = p0;
		if (id != NULL)
			r = buf_printf(&u, "https://www.youtube.com/watch?v="
			    "%.*s", (int)id->vlen, id->val);
	} else if (NAME("vimeo")) {
		id = arg_get(v, nv, "id");
		if (id == NULL)
			id = p0;
		if (id != NULL)
			r = buf_printf(&u, "https://vimeo.com/%.*s",
			    (int)id->vlen, id->val);
	} else if (NAME("gist")) {
		const struct arg *user = arg_get(v, nv, "user");

		id = arg_get(v, nv, "id");
		if (user == NULL)
			user = p0, id = p1;
		if (user != NULL && id != NULL)
			r = buf_printf(&u, "https://gist.github.com/%.*s/%.*s",
			    (int)user->vlen, user->val, (int)id->vlen,
			    id->val);
		(void)p2;
	} else if (NAME("tweet") || NAME("twitter") || NAME("x")) {
		const struct arg *user = arg_get(v, nv, "user");

		id = arg_get(v, nv, "id");
		if (id == NULL)
			id = user == NULL && p1 == NULL ? p0 : p1;
		if (user == NULL && p1 != NULL)
			user = p0;
		if (id != NULL)
			r = buf_printf(&u, "https://twitter.com/%.*s/status/"
			    "%.*s", user ? (int)user->vlen : 1, user ?
			    user->val : "i", (int)id->vlen, id->val);
	} else if (NAME("instagram")) {
		id = arg_get(v, nv, "id");
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
		r = link_out(sc, u.data, NULL, 0, NAME("youtube") ?
		    "A video on YouTube" : NAME("vimeo") ? "A video on Vimeo" :
		    NAME("gist") ? "A gist on GitHub" : NAME("instagram") ?
		    "A post on Instagram" : "A post on Twitter");
		buf_free(&u);
		return r;
	}
	buf_free(&u);
#undef NAME
	return keep(sc, a, e, "a shortcode");
}

/* Is the tag at sc->i {% endraw %}? */
static int
raw_end(const struct scan *sc)
{
	size_t	 j = sc->i + 2;

	while (j < sc->n && (sc->s[j] == '-' || sc->s[j] == ' '))
		j++;
	return sc->n - j >= 6 && strncmp(sc->s + j, "endraw", 6) == 0;
}

/*
 * Inside {% raw %} a tag is text the author meant to show: shown as
 * code, which is what a reader of the old page saw.
 */
static int
raw_literal(struct scan *sc)
{
	const char	*close = find(sc->s, sc->n, sc->i + 2, "%}", TAG_MAX);
	size_t		 a = sc->i, e = close ? (size_t)(close - sc->s) + 2 :
			    a + 2;

	sc->i = e;
	return convert_code_span(sc->out, sc->s + a, e - a);
}

/* The length of a fence line's marker at s[i] (3 spaces allowed), or 0. */
static size_t
fence_at(const char *s, size_t n, size_t i, char *ch)
{
	size_t	 k = 0, run = 0;

	while (k < 3 && i + k < n && s[i + k] == ' ')
		k++;
	if (i + k >= n || (s[i + k] != '`' && s[i + k] != '~'))
		return 0;
	*ch = s[i + k];
	while (i + k + run < n && s[i + k + run] == *ch)
		run++;
	if (run < 3)
		return 0;
	/* "```x```" is a code span: a backtick fence's info has none. */
	for (k += run; *ch == '`' && i + k < n && s[i + k] != '\n'; k++)
		if (s[i + k] == '`')
			return 0;
	return run;
}

int
convert_body(const struct conv *c, const char *body, size_t len,
    struct buf *out)
{
	struct scan	 sc;
	size_t		 eol, run, k, m;
	char		 fch = 0, ch;
	size_t		 flen = 0;	/* in a fence of this many */
	memset(&sc, 0, sizeof(sc));
	sc.c = c;
	sc.s = body;
	sc.n = len;
	sc.out = out;
	while (sc.i < len) {
		int at_line = sc.i == 0 || body[sc.i - 1] == '\n';

		if (at_line && (flen > 0 || (run = fence_at(body, len, sc.i,
		    &ch)) > 0)) {
			/* A fence line, or a line inside a fence: as is. */
			for (eol = sc.i; eol < len && body[eol] != '\n'; eol++)
				;
			if (flen == 0) {
				fch = ch;
				flen = run;
			} else if ((run = fence_at(body, len, sc.i, &ch)) >=
			    flen && ch == fch) {
				for (k = sc.i; k < eol && (body[k] == ' ' ||
				    body[k] == fch); k++)
					;
				if (k == eol || body[k] == '\r')
					flen = 0;
			}
			if (c->kind == OLD_JEKYLL ? put_code(&sc, body + sc.i,
			    eol - sc.i) == -1 : put(out, body + sc.i,
			    eol - sc.i) == -1)
				return -1;
			if (eol < len && buf_putc(out, '\n') == -1)
				return -1;
			sc.i = eol + 1;
			continue;
		}
		ch = body[sc.i];
		if (ch == '`') {
			/* A code span: copied to its closing run. */
			for (run = 0; sc.i + run < len && body[sc.i + run] ==
			    '`'; run++)
				;
			for (k = sc.i + run; k < len; k++) {
				if (body[k] == '\n' && k + 1 < len &&
				    body[k + 1] == '\n') {
					k = len;
					break;
				}
				if (body[k] != '`')
					continue;
				for (m = 0; k + m < len && body[k + m] == '`';
				    m++)
					;
				if (m == run)
					break;
				k += m - 1;
			}
			if (k >= len) {
				if (put(out, body + sc.i, run) == -1)
					return -1;
				sc.i += run;
				continue;
			}
			if (put_code(&sc, body + sc.i, k + run - sc.i) == -1)
				return -1;
			sc.i = k + run;
			continue;
		}
		if (ch == '{' && sc.i + 1 < len) {
			char nx = body[sc.i + 1];
			int r = 1;

			if (nx == '%' && sc.raw && !raw_end(&sc))
				r = raw_literal(&sc);
			else if (nx == '%')
				r = liquid_tag(&sc);
			else if (nx == '{' && sc.i + 2 < len &&
			    (body[sc.i + 2] == '<' || body[sc.i + 2] == '%'))
				r = shortcode(&sc);
			else if (nx == '{' && c->kind == OLD_JEKYLL && !sc.raw)
				r = liquid_out(&sc);
			else if (nx == ':')
				r = kramdown(&sc);
			if (r == -1)
				return -1;
			if (r == 0)
				continue;
		}
		if (buf_putc(out, ch) == -1)
			return -1;
		sc.i++;
	}
	return 0;
}
