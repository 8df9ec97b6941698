#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "site/markdown.h"

/* src's HTML, as markdown_to_html gives it; the caller frees. */
static char *
html_of(const char *src)
{
	struct buf	 b, abs;
	char		*out;

	buf_init(&b, 0);
	buf_init(&abs, 0);
	assert_int_equal(markdown_to_html(src, strlen(src), NULL, &b,
	    "https://e.com/writing/p/", &abs), 0);
	/* The feed's copy is made from the same tree, after its edits. */
	assert_non_null(strstr(abs.data, "<h"));
	buf_free(&abs);
	out = buf_take(&b, NULL);
	return out;
}

/*
 * Headings holding inline HTML: their text lives in the heading node,
 * which giving ids used to free while the inlines still pointed into it
 * (a use-after-free that published heap bytes).  The whole heading must
 * come out as written, and under AddressSanitizer without a report.
 */
static void
heading_inline_html(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "## Press <kbd>Ctrl</kbd>+<kbd>C</kbd>\n\nafter\n",
		  "<h2 id=\"press-ctrl-c\">\nPress <kbd>Ctrl</kbd>+"
		  "<kbd>C</kbd>\n</h2>\n<p>after</p>\n" },
		/* The raw HTML as the raw HTML pass writes it back. */
		{ "## a <img src=x.png alt=x> b\n\nafter\n",
		  "<h2 id=\"a-b\">\na <img src=\"x.png\" alt=\"x\" "
		  "decoding=\"async\"> b\n"
		  "</h2>\n<p>after</p>\n" },
		{ "## List<Map>\n\nafter\n",
		  "<h2 id=\"list\">\nList<map>\n</map></h2>\n"
		  "<p>after</p>\n" },
		{ "## a</br>b\n\nafter\n",
		  "<h2 id=\"ab\">\na<br>b\n</h2>\n<p>after</p>\n" },
		/* The 14 bytes AddressSanitizer first reported it on. */
		{ "---\n---\n-<p>\n-",
		  "<hr>\n<hr>\n<h2 id=\"section\">\n-<p>\n</p></h2>\n" },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *h = html_of(cases[i].src);

		if (strcmp(h, cases[i].want) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, h,
			    cases[i].want);
		free(h);
	}
}

/* Ids stay unique, whatever repeats or collides with a suffix. */
static void
heading_unique_ids(void **state)
{
	char	*h;

	(void)state;
	h = html_of("# a\n# a\n# a-1\n# a\n");
	assert_string_equal(h, "<h1 id=\"a\">\na\n</h1>\n"
	    "<h1 id=\"a-1\">\na\n</h1>\n<h1 id=\"a-1-1\">\na-1\n</h1>\n"
	    "<h1 id=\"a-2\">\na\n</h1>\n");
	free(h);
}

/*
 * Footnotes and raw HTML bring ids of their own, which a heading must
 * not take too: a heading "fn 1" got id="fn-1", as footnote 1 did, and
 * every link to the note went to the heading instead.
 */
static void
heading_ids_avoid_others(void **state)
{
	char	*h;

	(void)state;
	h = html_of("# fn 1\n\n# fnref 1\n\n# fnref 1 2\n\nx[^1] y[^1]\n\n"
	    "[^1]: note\n");
	if (strstr(h, "<h1 id=\"fn-1-1\">") == NULL ||
	    strstr(h, "<h1 id=\"fnref-1-1\">") == NULL ||
	    strstr(h, "<h1 id=\"fnref-1-2-1\">") == NULL ||
	    strstr(h, "<li id=\"fn-1\">") == NULL)
		fail_msg("got: %s", h);
	free(h);
	h = html_of("<a id=\"intro\"></a>\n\n# Intro\n\n<p id='more'>x</p>\n\n"
	    "## More\n");
	if (strstr(h, "<h1 id=\"intro-1\">") == NULL ||
	    strstr(h, "<h2 id=\"more-1\">") == NULL)
		fail_msg("got: %s", h);
	free(h);
	/* Without either, ids are the headings' own. */
	h = html_of("# fn 1\n");
	assert_string_equal(h, "<h1 id=\"fn-1\">\nfn 1\n</h1>\n");
	free(h);
}

/*
 * 3,000 identical headings once took 31 s: each id was searched for in
 * every earlier one, for every suffix.  20,000 now take a blink; the
 * quadratic search would hold the suite for hours.  (Timings are for
 * bench/hostile, not for a test.)
 */
static void
heading_ids_many(void **state)
{
	struct buf	 src, out;
	size_t		 i;

	(void)state;
	buf_init(&src, 0);
	buf_init(&out, 0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(BUF_LIT(&src, "# a\n"), 0);
	assert_int_equal(markdown_to_html(src.data, src.len, NULL, &out, "/",
	    NULL), 0);
	assert_non_null(strstr(out.data, "<h1 id=\"a-19999\">"));
	buf_free(&src);
	buf_free(&out);
}

/* A table of cols columns, its header prefixed by pre, then rows rows. */
static void
table(struct buf *b, const char *pre, size_t cols, size_t rows,
    const char *row)
{
	size_t	 i;

	assert_int_equal(buf_puts(b, pre), 0);
	for (i = 0; i < cols; i++)
		assert_int_equal(BUF_LIT(b, "|h"), 0);
	assert_int_equal(BUF_LIT(b, "|\n"), 0);
	assert_int_equal(buf_puts(b, pre), 0);
	for (i = 0; i < cols; i++)
		assert_int_equal(BUF_LIT(b, "|-"), 0);
	assert_int_equal(BUF_LIT(b, "|\n"), 0);
	for (i = 0; i < rows; i++) {
		assert_int_equal(buf_puts(b, pre), 0);
		assert_int_equal(buf_puts(b, row), 0);
	}
}

static int
check(const struct buf *b, size_t *line, char *why, size_t n)
{
	return markdown_check(b->data, b->len, line, why, n);
}

/*
 * cmark-gfm pads every row to the header's width and walks a list per
 * cell: 12 KB of Markdown made 2.5 million cells (730 MB), one row of
 * 40,000 cells took 7 s.  Tables past the bounds are refused, by
 * markdown_check with a line and a reason, and by markdown_to_html.
 */
static void
table_bounds(void **state)
{
	struct buf	 src, out;
	size_t		 line = 0, i;
	char		 why[200];

	(void)state;
	buf_init(&src, 0);
	buf_init(&out, 0);
	/* 100 columns, 999 rows with the header: 99,900 cells, kept. */
	table(&src, "", 100, 998, "x\n");
	assert_int_equal(check(&src, &line, why, sizeof(why)), 0);
	assert_int_equal(markdown_to_html(src.data, src.len, NULL, &out, "/",
	    NULL), 0);
	assert_non_null(strstr(out.data, "<table"));
	/* A wide header over short rows: 200,500 cells. */
	buf_reset(&src);
	buf_reset(&out);
	assert_int_equal(BUF_LIT(&src, "Intro.\n\n"), 0);
	table(&src, "", 500, 400, "x\n");
	assert_int_equal(check(&src, &line, why, sizeof(why)), -1);
	assert_int_equal(line, 3);
	assert_string_equal(why, "this table takes the post past 100000 "
	    "table cells, the most a post's tables may hold");
	assert_int_equal(markdown_to_html(src.data, src.len, NULL, &out, "/",
	    NULL), -1);
	/* Many tables add up; a blank line ends each. */
	buf_reset(&src);
	for (i = 0; i < 30; i++) {
		table(&src, "", 100, 39, "x\n");
		assert_int_equal(BUF_LIT(&src, "\n"), 0);
	}
	assert_int_equal(check(&src, &line, why, sizeof(why)), -1);
	assert_int_equal(line, 25 * 42 + 1);
	/* In a block quote too. */
	buf_reset(&src);
	table(&src, "> ", 500, 400, "x\n");
	assert_int_equal(check(&src, &line, why, sizeof(why)), -1);
	/* Not in fenced code. */
	buf_reset(&src);
	assert_int_equal(BUF_LIT(&src, "```\n"), 0);
	table(&src, "", 500, 400, "x\n");
	assert_int_equal(BUF_LIT(&src, "```\n"), 0);
	assert_int_equal(check(&src, &line, why, sizeof(why)), 0);
	/* A row, or a header, of more than 1,000 cells. */
	buf_reset(&src);
	table(&src, "", 2, 1, "|a|b|\n");
	for (i = 0; i < 1000; i++)
		assert_int_equal(BUF_LIT(&src, "|x"), 0);
	assert_int_equal(BUF_LIT(&src, "|\n"), 0);
	assert_int_equal(check(&src, &line, why, sizeof(why)), -1);
	assert_int_equal(line, 4);
	assert_string_equal(why, "a table row of 1002 cells; a row may have "
	    "1000");
	buf_reset(&src);
	for (i = 0; i < 5000; i++)
		assert_int_equal(BUF_LIT(&src, "|x"), 0);
	assert_int_equal(BUF_LIT(&src, "\n|-|\n"), 0);
	assert_int_equal(check(&src, &line, why, sizeof(why)), -1);
	assert_int_equal(line, 1);
	assert_int_equal(markdown_to_html(src.data, src.len, NULL, &out, "/",
	    NULL), -1);
	buf_free(&src);
	buf_free(&out);
}

/*
 * Raw <script>, <style>, <iframe>... are dropped or replaced by the raw
 * HTML pass, never shown as text, whatever ends their names: the tag
 * filter once let "<script\f>" and "<script/x>" through, which a browser
 * reads as a script all the same (HTML ends a tag name at a form feed,
 * and takes "/x" for an attribute).  In the page, the feed and the mail
 * alike.  (tests/unit/test_rawhtml.c has the pass itself.)
 */
static void
raw_tags_dropped(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "<script>alert(1)</script>\n", "\n" },
		{ "<script\f>alert(1)</script>\n", "\n" },
		{ "<div>\n<script/x>alert(1)</script>\n</div>\n",
		  "<div>\n\n</div>\n" },
		{ "<div>\n<script", "<div>\n</div>" },
		{ "<IFRAME\fsrc=https://x.example/v>\n",
		  "<p><a href=\"https://x.example/v\">x.example</a></p>" },
		{ "a <style\f>b</style\f> c\n", "<p>a  c</p>\n" },
		/* The fuzzer's find, as it was. */
		{ "<script\f<d\n=\n=\n e", "" },
		/* Names that only begin like one are no element of HTML. */
		{ "<scripts>x</scripts>\n", "<p>x</p>\n" },
		{ "<titles>x</titles>\n", "<p>x</p>\n" },
	};
	struct buf	 out, abs, mail, text;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		buf_init(&out, 0);
		buf_init(&abs, 0);
		buf_init(&mail, 0);
		buf_init(&text, 0);
		n = strlen(cases[i].src);
		assert_int_equal(markdown_to_html(cases[i].src, n, NULL, &out,
		    "https://e.com/p/", &abs), 0);
		assert_int_equal(markdown_for_mail(cases[i].src, n, NULL,
		    "https://e.com/p/", &mail, &text), 0);
		assert_int_equal(BUF_LIT(&out, ""), 0);
		assert_int_equal(BUF_LIT(&abs, ""), 0);
		assert_int_equal(BUF_LIT(&mail, ""), 0);
		if (strcmp(out.data, cases[i].want) != 0 ||
		    strcmp(abs.data, cases[i].want) != 0 ||
		    strcmp(mail.data, cases[i].want) != 0)
			fail_msg("case %zu:\n got: %s\nfeed: %s\nmail: %s\n"
			    "want: %s", i, out.data, abs.data, mail.data,
			    cases[i].want);
		buf_free(&out);
		buf_free(&abs);
		buf_free(&mail);
		buf_free(&text);
	}
}

/* A heading never skips a level: ### after the page's <h1> is an <h2>. */
static void
heading_levels(void **state)
{
	char	*h;

	(void)state;
	h = html_of("### a\n\n#### b\n\n###### c\n\n# d\n\n### e\n");
	assert_non_null(strstr(h, "<h2 id=\"a\">"));
	assert_non_null(strstr(h, "<h3 id=\"b\">"));
	assert_non_null(strstr(h, "<h4 id=\"c\">"));
	assert_non_null(strstr(h, "<h1 id=\"d\">"));
	assert_non_null(strstr(h, "<h2 id=\"e\">"));
	free(h);
}

/*
 * A page's description when its front matter has none: the first
 * paragraph of words, as read, cut at a word before MARKDOWN_LEDE_MAX.
 */
static void
lede_text(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		/* Headings, code and an image alone are not words. */
		{ "# T\n\n```\ncode\n```\n\n![alt](a.png)\n\nThe *first* "
		    "`words`,\nsaid[^1].\n\nMore.\n\n[^1]: A note.\n",
		    "The first words, said." },
		{ "No ![pic](p.png) alt, no <b>tags</b>.\n",
		    "No alt, no tags." },
		{ "```\nonly code\n```\n", "" },
		/* 200 bytes of words: cut at the last space before 160. */
		{ "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk "
		    "llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv "
		    "wwww xxxx yyyy zzzz AAAA BBBB CCCC DDDD EEEE FFFF GGGG "
		    "HHHH IIII JJJJ KKKK LLLL\n",
		    "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk "
		    "llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv "
		    "wwww xxxx yyyy zzzz AAAA BBBB CCCC DDDD EEEE FFFF…" },
	};
	struct md_opts	 o;
	struct buf	 out, lede, one;
	size_t		 i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		memset(&o, 0, sizeof(o));
		buf_init(&out, 0);
		buf_init(&lede, 0);
		o.lede = &lede;
		assert_int_equal(markdown_to_html(cases[i].src,
		    strlen(cases[i].src), &o, &out, NULL, NULL), 0);
		assert_int_equal(BUF_LIT(&lede, ""), 0);
		if (strcmp(lede.data, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\"", i, lede.data);
		buf_free(&out);
		buf_free(&lede);
	}
	/* One word longer than the cut: cut where a character starts. */
	buf_init(&one, 0);
	for (k = 0; k < 100; k++)
		assert_int_equal(BUF_LIT(&one, "é"), 0);
	memset(&o, 0, sizeof(o));
	buf_init(&out, 0);
	buf_init(&lede, 0);
	o.lede = &lede;
	assert_int_equal(markdown_to_html(one.data, one.len, &o, &out, NULL,
	    NULL), 0);
	assert_int_equal(lede.len, MARKDOWN_LEDE_MAX + strlen("…"));
	assert_int_equal(memcmp(lede.data, one.data, MARKDOWN_LEDE_MAX), 0);
	buf_free(&one);
	buf_free(&out);
	buf_free(&lede);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(heading_inline_html),
		cmocka_unit_test(heading_unique_ids),
		cmocka_unit_test(heading_ids_avoid_others),
		cmocka_unit_test(heading_ids_many),
		cmocka_unit_test(heading_levels),
		cmocka_unit_test(table_bounds),
		cmocka_unit_test(raw_tags_dropped),
		cmocka_unit_test(lede_text),
	};

	markdown_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
