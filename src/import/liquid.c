#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scan.h"

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

	for (j = from; (t = scan_find(sc->s, sc->n, j, "{%", BLOCK_MAX)) !=
	    NULL;
	    j = (size_t)(t - sc->s) + 2) {
		c = t + 2;
		while (c < sc->s + sc->n && (*c == '-' || *c == ' '))
			c++;
		if ((size_t)(sc->s + sc->n - c) > w && strncmp(c, end, w) ==
		    0 && !isalnum((unsigned char)c[w])) {
			const char *close = scan_find(sc->s, sc->n,
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
int
conv_liquid_tag(struct scan *sc)
{
	const char	*s = sc->s, *close, *name, *args;
	size_t		 a = sc->i, e, j, nlen, alen, ba, be;
	struct arg	 v[ARGS_MAX];
	size_t		 nv;
	int		 r;

	if ((close = scan_find(s, sc->n, a + 2, "%}", TAG_MAX)) == NULL) {
		sc->i += 2;
		return scan_keep(sc, a, a + 2, "an unclosed {%");
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
			return scan_keep(sc, a, e,
			    "a highlight without its end");
		sc->i = be;
		notes_count(sc->c->notes, "{% highlight %}");
		nv = scan_args(args, alen, v, ARGS_MAX);
		return scan_fence(sc, nv > 0 ? v[0].val : "", nv > 0 ?
		    v[0].vlen : 0, s + e, ba - e);
	}
	if (NAME("comment")) {
		if (!find_end_tag(sc, e, "endcomment", &ba, &be))
			return scan_keep(sc, a, e, "a comment without its end");
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
		return scan_keep(sc, a, e, "a link to a file not imported");
	}
	if (NAME("include") || NAME("include_relative")) {
		const char *in = args;
		size_t inlen = 0;
		const struct arg *src, *alt, *cap;

		/* The include's name: the span is not NUL-terminated. */
		while (inlen < alen && args[inlen] != ' ' &&
		    args[inlen] != '\t' && args[inlen] != '\n')
			inlen++;
		if (is_figure_include(in, inlen)) {
			nv = scan_args(args + inlen, alen - inlen, v, ARGS_MAX);
			if ((src = scan_arg(v, nv, "url")) == NULL &&
			    (src = scan_arg(v, nv, "src")) == NULL &&
			    (src = scan_arg(v, nv, "image")) == NULL &&
			    (src = scan_arg(v, nv, "file")) == NULL &&
			    (src = scan_arg(v, nv, "path")) == NULL)
				src = scan_arg(v, nv, "img");
			if ((alt = scan_arg(v, nv, "alt")) == NULL &&
			    (alt = scan_arg(v, nv, "description")) == NULL &&
			    (alt = scan_arg(v, nv, "title")) == NULL)
				alt = scan_arg(v, nv, "caption");
			if ((cap = scan_arg(v, nv, "caption")) == NULL)
				cap = scan_arg(v, nv, "description");
			if (src != NULL && src->vlen > 0 &&
			    memchr(src->val, '{', src->vlen) == NULL) {
				notes_count(sc->c->notes,
				    "{% include image %}");
				return scan_figure(sc, src, alt, cap, NULL);
			}
		}
		return scan_keep(sc, a, e, "an include");
	}
#undef NAME
	return scan_keep(sc, a, e, "a Liquid tag");
}

/* Jekyll's {{ expression }}: the site's own address, or a path filter. */
int
conv_liquid_out(struct scan *sc)
{
	const char	*s = sc->s, *close, *x, *bar;
	size_t		 a = sc->i, e, n, k;
	static const char *const empty[] = { "site.url", "site.baseurl",
	    "site.github.url", "site.base_url", "site.root", NULL };

	if ((close = scan_find(s, sc->n, a + 2, "}}", TAG_MAX)) == NULL) {
		sc->i += 2;
		return scan_put(sc->out, s + a,
		    2);	/* no tag: plain braces */
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
			notes_count(sc->c->notes,
			    "{{ \"path\" | relative_url }}");
			return scan_put(sc->out, x + 1, base - 2);
		}
	}
	return scan_keep(sc, a, e, "a Liquid expression");
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
int
conv_kramdown(struct scan *sc)
{
	const char	*s = sc->s, *close, *end;
	size_t		 a = sc->i, e, eol, j;

	for (eol = a; eol < sc->n && s[eol] != '\n'; eol++)
		;
	if (a + 3 < sc->n && s[a + 2] == ':') {
		/* {::comment} ... {:/comment}, {::nomarkdown}, {::options /} */
		if (sc->n - a >= 11 && strncmp(s + a, "{::comment}", 11) == 0 &&
		    (end = scan_find(s, sc->n, a, "{:/comment}", BLOCK_MAX)) !=
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
		if (sc->n - a >= 14 &&
		    strncmp(s + a, "{::nomarkdown}", 14) == 0) {
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
		return scan_keep(sc, a, eol, "kramdown markup");
	}
	if ((close = memchr(s + a, '}', eol - a)) == NULL) {
		sc->i = eol;
		return scan_keep(sc, a, eol, "kramdown markup");
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

/* Is the tag at sc->i {% endraw %}? */
int
conv_raw_end(const struct scan *sc)
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
int
conv_raw_literal(struct scan *sc)
{
	const char	*close = scan_find(sc->s, sc->n, sc->i + 2, "%}",
	    TAG_MAX);
	size_t		 a = sc->i, e = close ? (size_t)(close - sc->s) + 2 :
			    a + 2;

	sc->i = e;
	return scan_code_out(sc, sc->s + a, e - a);
}
