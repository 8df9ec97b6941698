#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "site/imgtags.h"
#include "site/sidenotes.h"
#include "support/buf.h"

static const struct imgtags_opts bundle = {
	NULL, "posts/x/index.md", "writing/x/", "/blog/",
	"https://me.example/blog/", NULL
};

static char *
source_of(const struct imgtags_opts *o, const char *src)
{
	struct buf	 b;
	int		 r;

	buf_init(&b, 0);
	r = imgtags_source(o, src, strlen(src), &b);
	assert_int_not_equal(r, -1);
	if (r == 0) {
		buf_free(&b);
		return strdup("-");
	}
	return buf_take(&b, NULL);
}

/* Which file of the site an image URL shows, from a bundle's page. */
static void
sources(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "chart.png", "posts/x/chart.png" },
		{ "./sub/a%20b.png?v=2#x", "posts/x/sub/a b.png" },
		{ "/blog/img/map.png", "static/img/map.png" },
		{ "../../img/map.png", "static/img/map.png" },
		{ "https://me.example/blog/writing/x/c.png", "posts/x/c.png" },
		{ "/img/map.png", "-" },		/* outside /blog/ */
		{ "https://other.example/c.png", "-" },
		{ "//other.example/c.png", "-" },
		{ "data:image/png;base64,AAAA", "-" },
		{ "../../../../etc/passwd", "-" },
		{ "a%00b.png", "-" },
	};
	struct imgtags_opts flat = bundle;
	size_t	 i;
	char	*got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		got = source_of(&bundle, cases[i].src);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", cases[i].src, got,
			    cases[i].want);
		free(got);
	}
	/* Not a bundle: a relative image is a static file. */
	flat.page = "posts/2024-01-01-x.md";
	got = source_of(&flat, "chart.png");
	assert_string_equal(got, "static/writing/x/chart.png");
	free(got);
}

static char *
rewrite(const char *html)
{
	struct buf	 b;

	buf_init(&b, 0);
	assert_int_equal(imgtags_rewrite(html, strlen(html), &bundle, &b), 0);
	assert_int_equal(BUF_LIT(&b, ""), 0);
	return buf_take(&b, NULL);
}

/* Without sizes: decoding, lazy but the first, figures. */
static void
tags(void **state)
{
	char	*h;

	(void)state;
	h = rewrite("<p><img src=\"a.png\" alt=\"A\" /></p>\n"
	    "<p><img src=\"b.png\" alt=\"B\" title=\"A &lt;b&gt; &amp; c\" /></p>\n"
	    "<p>x <img src=\"c.png\" alt=\"C\" title=\"not alone\"></p>\n"
	    "<img src='d.png' alt=d loading=eager decoding=sync>\n"
	    "<p><img src=\"e.png\" alt=\"E\" title=\"\"></p>\n");
	assert_string_equal(h,
	    "<p><img src=\"a.png\" alt=\"A\" decoding=\"async\"></p>\n"
	    "<figure><img src=\"b.png\" alt=\"B\" decoding=\"async\" "
	    "loading=\"lazy\"><figcaption>A &lt;b&gt; &amp; c</figcaption>"
	    "</figure>\n"
	    "<p>x <img src=\"c.png\" alt=\"C\" title=\"not alone\" "
	    "decoding=\"async\" loading=\"lazy\"></p>\n"
	    "<img src='d.png' alt=d loading=eager decoding=sync>\n"
	    "<p><img src=\"e.png\" alt=\"E\" title=\"\" decoding=\"async\" "
	    "loading=\"lazy\"></p>\n");
	free(h);
	/* A tag that does not end is left as it is. */
	h = rewrite("<p>a <img src=\"x");
	assert_string_equal(h, "<p>a <img src=\"x");
	free(h);
}

static char *
side(const char *html)
{
	struct buf	 b;

	buf_init(&b, 0);
	assert_int_equal(sidenotes_add(html, strlen(html), &b), 0);
	assert_int_equal(BUF_LIT(&b, ""), 0);
	return buf_take(&b, NULL);
}

#define REF(l, n) "<sup class=\"footnote-ref\"><a href=\"#fn-" l "\" " \
	"id=\"fnref-" l "\" data-footnote-ref>" n "</a></sup>"
#define BACK(l) " <a href=\"#fnref-" l "\" class=\"footnote-backref\" " \
	"data-footnote-backref aria-label=\"Back to content\">↩</a>"

/* A note of text gets a copy; one with a list does not, and then the
   footnotes stay in sight. */
static void
sidenotes(void **state)
{
	char	*h;

	(void)state;
	h = side("<p>a" REF("1", "1") " b" REF("1", "1") "</p>\n"
	    "<section class=\"footnotes\" data-footnotes>\n<ol>\n"
	    "<li id=\"fn-1\">\n<p>One <a href=\"/x\">x</a>." BACK("1")
	    "</p>\n</li>\n</ol>\n</section>\n");
	assert_string_equal(h, "<p>a" REF("1", "1") "<span class=\"sidenote\" "
	    "aria-hidden=\"true\"><span class=\"sidenote-n\">1</span> One "
	    "<a tabindex=\"-1\" href=\"/x\">x</a>.</span> b" REF("1", "1")
	    "</p>\n<section class=\"footnotes\" data-footnotes "
	    "data-sidenoted>\n<ol>\n<li id=\"fn-1\">\n<p>One <a href=\"/x\">x"
	    "</a>." BACK("1") "</p>\n</li>\n</ol>\n</section>\n");
	free(h);
	h = side("<p>a" REF("l", "1") "</p>\n"
	    "<section class=\"footnotes\" data-footnotes>\n<ol>\n"
	    "<li id=\"fn-l\">\n<ul>\n<li>x</li>\n</ul>" BACK("l")
	    "\n</li>\n</ol>\n</section>\n");
	assert_null(strstr(h, "sidenote"));
	free(h);
	/* No footnotes: the same bytes. */
	h = side("<p>plain</p>\n");
	assert_string_equal(h, "<p>plain</p>\n");
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sources),
		cmocka_unit_test(tags),
		cmocka_unit_test(sidenotes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
