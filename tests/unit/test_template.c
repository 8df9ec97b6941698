#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping_by_context),
		cmocka_unit_test(sections),
		cmocka_unit_test(errors),
		cmocka_unit_test(partials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
