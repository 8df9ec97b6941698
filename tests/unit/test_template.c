#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "site/template.h"

static struct tset *
one(const char *src, struct err *err)
{
	struct tset *t = template_set_new();

	assert_non_null(t);
	if (template_add(t, "t", "t.html", src, strlen(src), err) == -1 ||
	    template_link(t, err) == -1) {
		template_set_free(t);
		return NULL;
	}
	return t;
}

static void
render(const char *src, const struct tval *ctx, const char *want)
{
	struct err	 err;
	struct buf	 out;
	struct tset	*t = one(src, &err);

	assert_non_null(t);
	buf_init(&out, 0);
	assert_int_equal(template_render(t, "t", ctx, &out, &err), 0);
	assert_string_equal(out.data, want);
	buf_free(&out);
	template_set_free(t);
}

static void
fails(const char *src, const char *want_msg)
{
	struct err	 err;
	struct tset	*t = one(src, &err);

	assert_null(t);
	assert_string_equal(err.msg, want_msg);
}

static void
escaping_by_context(void **state)
{
	struct tbuild	 tb = { arena_new(), 0 };
	struct tval	 ctx = tv_obj(&tb, 4);

	(void)state;
	tv_set(&tb, &ctx, "t", tv_str("<b>&\"'"));
	tv_set(&tb, &ctx, "u", tv_str("javascript:alert(1)"));
	tv_set(&tb, &ctx, "p", tv_str("a b\"c"));
	tv_set(&tb, &ctx, "h", tv_str("<em>x</em>"));
	assert_false(tb.oom);
	render("<p>{{t}}</p>", &ctx, "<p>&lt;b&gt;&amp;&quot;&#39;</p>");
	render("<a title=\"{{t}}\">", &ctx,
	    "<a title=\"&lt;b&gt;&amp;&quot;&#39;\">");
	render("<a href=\"{{u}}\">", &ctx, "<a href=\"#\">");
	render("<a href=\"x/{{u}}\">", &ctx, "<a href=\"x/javascript:alert(1)\">");
	render("<img src='{{p}}'>", &ctx, "<img src='a%20b%22c'>");
	/* A section between the tag name and the attribute. */
	render("<a {{#t}}href=\"{{u}}\"{{/t}}>", &ctx, "<a href=\"#\">");
	render("<a class=\"x\"\nhref=\"{{u}}\">", &ctx,
	    "<a class=\"x\"\nhref=\"#\">");
	render("{{{h}}}|{{&h}}", &ctx, "<em>x</em>|<em>x</em>");
	arena_free(tb.arena);
}

/*
 * A URL attribute made of several values is checked whole: whatever
 * lands at its start, from whichever value, may not begin a script.
 */
static void
url_values_whole(void **state)
{
	struct tbuild	 tb = { arena_new(), 0 };
	struct tval	 ctx = tv_obj(&tb, 8);
	struct tset	*t = template_set_new();
	struct err	 err;
	struct buf	 out;

	(void)state;
	tv_set(&tb, &ctx, "e", tv_str(""));
	tv_set(&tb, &ctx, "u", tv_str("javascript:alert(1)"));
	tv_set(&tb, &ctx, "java", tv_str("java"));
	tv_set(&tb, &ctx, "rest", tv_str("script:alert(1)"));
	tv_set(&tb, &ctx, "n", tv_str("+44 1"));
	tv_set(&tb, &ctx, "path", tv_str("/a/b"));
	tv_set(&tb, &ctx, "web", tv_str("https://example.com/"));
	assert_false(tb.oom);
	/* An empty first value leaves the second at the start. */
	render("<a href=\"{{e}}{{u}}\">", &ctx, "<a href=\"#\">");
	render("<a href='{{e}}{{u}}'>", &ctx, "<a href='#'>");
	render("<img src=\"{{e}}{{u}}\" alt=\"\">", &ctx,
	    "<img src=\"#\" alt=\"\">");
	render("<button formaction=\"{{e}}{{u}}\">", &ctx,
	    "<button formaction=\"#\">");
	/* Two harmless halves of one scheme. */
	render("<a href=\"{{java}}{{rest}}\">", &ctx, "<a href=\"#\">");
	/* Browsers skip the space before the scheme. */
	render("<a href=\" {{u}}\">", &ctx, "<a href=\"#\">");
	render("<a href=\"\n\t{{java}}{{rest}}\">", &ctx, "<a href=\"#\">");
	/* Through a section, a raw value, a partial. */
	render("<a href=\"{{#e}}x{{/e}}{{u}}\">", &ctx, "<a href=\"#\">");
	render("<a href=\"{{{u}}}\">", &ctx, "<a href=\"#\">");
	/* What is fine stays as it is. */
	render("<a href=\"{{e}}{{path}}?q={{u}}\">", &ctx,
	    "<a href=\"/a/b?q=javascript:alert(1)\">");
	render("<a href=\"{{web}}{{rest}}\">", &ctx,
	    "<a href=\"https://example.com/script:alert(1)\">");
	render("<a href=\"tel:{{n}}\">", &ctx, "<a href=\"tel:+44%201\">");
	render("<a href=\"/{{u}}\">", &ctx,
	    "<a href=\"/javascript:alert(1)\">");
	render("<a href=\"{{path}}\" title=\"{{u}}\">", &ctx,
	    "<a href=\"/a/b\" title=\"javascript:alert(1)\">");
	/* A partial's value inside the caller's attribute. */
	assert_int_equal(template_add(t, "a", "a.html", "<a href=\"{{>b}}\">",
	    strlen("<a href=\"{{>b}}\">"), &err), 0);
	assert_int_equal(template_add(t, "b", "b.html", "{{u}}", 5, &err), 0);
	assert_int_equal(template_link(t, &err), 0);
	buf_init(&out, 0);
	assert_int_equal(template_render(t, "a", &ctx, &out, &err), 0);
	assert_string_equal(out.data, "<a href=\"#\">");
	buf_free(&out);
	template_set_free(t);
	arena_free(tb.arena);
}

static int	lazy_calls;

static struct tval
make_lazy(void *arg)
{
	lazy_calls++;
	return tv_str(arg);
}

/* A lazy value is made when first read, once, and never when not read. */
static void
lazy_values(void **state)
{
	struct tbuild	 tb = { arena_new(), 0 };
	struct tval	 ctx = tv_obj(&tb, 2), o = tv_obj(&tb, 1);

	(void)state;
	tv_set(&tb, &o, "v", tv_lazy(&tb, make_lazy, "made"));
	tv_set(&tb, &ctx, "o", o);
	tv_set(&tb, &ctx, "w", tv_lazy(&tb, make_lazy, "other"));
	assert_false(tb.oom);
	render("[{{o.v}}|{{#o}}{{v}}{{/o}}]", &ctx, "[made|made]");
	assert_int_equal(lazy_calls, 1);
	render("{{#o}}x{{/o}}", &ctx, "x");
	assert_int_equal(lazy_calls, 1);
	render("{{#w}}{{.}}{{/w}}", &ctx, "other");
	assert_int_equal(lazy_calls, 2);
	arena_free(tb.arena);
}

/* n openings of {{#a}} then n closings. */
static char *
nested(size_t n)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		assert_int_equal(BUF_LIT(&b, "{{#a}}"), 0);
	assert_int_equal(BUF_LIT(&b, "x"), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(BUF_LIT(&b, "{{/a}}"), 0);
	return buf_take(&b, NULL);
}

/* Sections nest at most 100 deep: a million deep was a stack overflow. */
static void
nesting_bound(void **state)
{
	struct tbuild	 tb = { arena_new(), 0 };
	struct tval	 ctx = tv_obj(&tb, 1);
	char		*src;

	(void)state;
	tv_set(&tb, &ctx, "a", tv_str("1"));
	src = nested(100);
	render(src, &ctx, "x");
	free(src);
	src = nested(101);
	fails(src, "t.html:1: sections nested deeper than 100");
	free(src);
	src = nested(170000);
	fails(src, "t.html:1: sections nested deeper than 100");
	free(src);
	arena_free(tb.arena);
}

/*
 * Through partials the bound holds too, and partials that include each
 * other twice, 30 deep, are refused when linking (a billion copies)
 * instead of being walked a billion times.
 */
static void
partial_bounds(void **state)
{
	struct tset	*t = template_set_new();
	struct err	 err;
	char		 name[16], src[64], *deep;
	int		 i, n;

	(void)state;
	deep = nested(60);
	assert_int_equal(template_add(t, "a", "a.html", deep, strlen(deep),
	    &err), 0);
	n = snprintf(src, sizeof(src), "{{#a}}\n{{>a}}{{/a}}");
	assert_int_equal(template_add(t, "b", "b.html", src, (size_t)n, &err),
	    0);
	n = snprintf(src, sizeof(src), "{{#a}}{{#a}}{{>a}}{{/a}}{{/a}}");
	assert_int_equal(template_add(t, "c", "c.html", src, (size_t)n, &err),
	    0);
	assert_int_equal(template_link(t, &err), 0);
	/* 40 sections around c, which nests 63 through a: 104. */
	{
		struct buf d;

		buf_init(&d, 0);
		for (i = 0; i < 40; i++)
			assert_int_equal(BUF_LIT(&d, "{{#a}}"), 0);
		assert_int_equal(BUF_LIT(&d, "\n{{>c}}"), 0);
		for (i = 0; i < 40; i++)
			assert_int_equal(BUF_LIT(&d, "{{/a}}"), 0);
		assert_int_equal(template_add(t, "d", "d.html", d.data, d.len,
		    &err), 0);
		buf_free(&d);
	}
	assert_int_equal(template_link(t, &err), -1);
	assert_string_equal(err.msg, "d.html:2: {{>c}}: sections and partials "
	    "nested deeper than 100");
	template_set_free(t);
	free(deep);

	t = template_set_new();
	for (i = 0; i < 30; i++) {
		(void)snprintf(name, sizeof(name), "x%d", i);
		n = snprintf(src, sizeof(src), "{{>x%d}}{{>x%d}}", i + 1,
		    i + 1);
		assert_int_equal(template_add(t, name, name, src, (size_t)n,
		    &err), 0);
	}
	assert_int_equal(template_add(t, "x30", "x30", "leaf", 4, &err), 0);
	assert_int_equal(template_link(t, &err), -1);
	assert_non_null(strstr(err.msg, ": the partials here expand to more "
	    "than 16 MB of template"));
	template_set_free(t);
}

static void
sections(void **state)
{
	struct tbuild	 tb = { arena_new(), 0 };
	struct tval	 ctx = tv_obj(&tb, 4), list = tv_list(&tb, 2), a, b;

	(void)state;
	a = tv_obj(&tb, 1);
	tv_set(&tb, &a, "name", tv_str("one"));
	b = tv_obj(&tb, 1);
	tv_set(&tb, &b, "name", tv_str("two"));
	tv_push(&tb, &list, a);
	tv_push(&tb, &list, b);
	tv_set(&tb, &ctx, "items", list);
	tv_set(&tb, &ctx, "empty", tv_str(""));
	tv_set(&tb, &ctx, "site", a);
	assert_false(tb.oom);
	render("{{#items}}[{{name}}]{{/items}}", &ctx, "[one][two]");
	render("{{^empty}}none{{/empty}}{{#empty}}some{{/empty}}", &ctx,
	    "none");
	render("{{^missing}}gone{{/missing}}", &ctx, "gone");
	render("{{site.name}}/{{site.nothing}}", &ctx, "one/");
	/* Tags alone on a line take the line with them. */
	render("<ul>\n  {{#items}}\n<li>{{name}}</li>\n  {{/items}}\n</ul>\n",
	    &ctx, "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
	/* An item can read names from outside it. */
	render("{{#items}}{{site.name}}{{/items}}", &ctx, "oneone");
	arena_free(tb.arena);
}

static void
errors(void **state)
{
	(void)state;
	fails("a\nb {{title", "t.html:2: unclosed tag: no }}");
	fails("{{#a}}\n\nx", "t.html:1: {{#a}} is never closed");
	fails("x\n{{/a}}", "t.html:2: {{/a}} closes nothing open");
	fails("{{#a}}{{/b}}", "t.html:1: {{/b}} closes nothing open");
	fails("<a href={{u}}>", "t.html:1: {{u}} in a tag must be in quotes");
	fails("{{>nope}}", "t.html:1: {{>nope}}: no such template");
	fails("{{a b}}", "t.html:1: bad name in tag: a b");
}

static void
partials(void **state)
{
	struct tset	*t = template_set_new();
	struct err	 err;
	struct buf	 out;
	struct tbuild	 tb = { arena_new(), 0 };
	struct tval	 ctx = tv_obj(&tb, 1);

	(void)state;
	tv_set(&tb, &ctx, "x", tv_str("X"));
	assert_int_equal(template_add(t, "a", "a.html", "[{{>b}}]", 8, &err),
	    0);
	assert_int_equal(template_add(t, "b", "b.html", "{{x}}", 5, &err), 0);
	assert_int_equal(template_link(t, &err), 0);
	buf_init(&out, 0);
	assert_int_equal(template_render(t, "a", &ctx, &out, &err), 0);
	assert_string_equal(out.data, "[X]");
	/* A loop of partials is refused when linking. */
	assert_int_equal(template_add(t, "b", "b.html", "{{>a}}", 6, &err), 0);
	assert_int_equal(template_link(t, &err), -1);
	buf_free(&out);
	template_set_free(t);
	arena_free(tb.arena);
}

/*
 * What a template may read of a section's items: a value it cannot read
 * is not made.  In doubt (any "posts" under "years", a path through
 * them, a partial), it may.
 */
static void
reads_what(void **state)
{
	static const struct {
		const char *src;
		int want;
	} cases[] = {
		{ "{{#years}}{{year}}{{/years}}{{#posts}}{{title}}{{/posts}}", 0 },
		{ "{{#years}}{{#posts}}{{title}}{{/posts}}{{/years}}", 1 },
		{ "{{#years}}{{posts}}{{/years}}", 1 },
		{ "{{#a}}{{#years}}{{^posts}}none{{/posts}}{{/years}}{{/a}}", 1 },
		{ "{{#years.posts}}{{title}}{{/years.posts}}", 1 },
		{ "{{#page.years}}{{#posts.x}}{{/posts.x}}{{/page.years}}", 1 },
		{ "{{years}}{{posts}}", 0 },
		{ "{{#years}}{{>p}}{{/years}}", 1 },
		{ "{{>p}}", 0 },
	};
	struct tset	*t;
	struct err	 err;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_non_null(t = template_set_new());
		assert_int_equal(template_add(t, "t", "t.html", cases[i].src,
		    strlen(cases[i].src), &err), 0);
		assert_int_equal(template_add(t, "p", "p.html",
		    "{{#posts}}{{title}}{{/posts}}", 29, &err), 0);
		assert_int_equal(template_link(t, &err), 0);
		if (template_reads(t, "t", "years", "posts") != cases[i].want)
			fail_msg("case %zu: %s", i, cases[i].src);
		template_set_free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping_by_context),
		cmocka_unit_test(sections),
		cmocka_unit_test(errors),
		cmocka_unit_test(partials),
		cmocka_unit_test(url_values_whole),
		cmocka_unit_test(lazy_values),
		cmocka_unit_test(nesting_bound),
		cmocka_unit_test(partial_bounds),
		cmocka_unit_test(reads_what),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
