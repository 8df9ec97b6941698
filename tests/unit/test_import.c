#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "import/convert.h"
#include "import/permalink.h"
#include "support/date.h"

/* The old URL of a post named name, dated date, under site o. */
static void
url_is(const struct oldsite *o, struct old_doc *d, const char *want)
{
	struct buf	 b;
	const char	*why;

	buf_init(&b, 0);
	if (d->has_date == 0 && date_parse("2019-03-07T09:05:00+00:00", 25,
	    NULL, &d->date, &why) == 0)
		d->has_date = 1;
	assert_int_equal(permalink_old(o, d, &b), 0);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
jekyll_styles(void **state)
{
	struct oldsite	 o;
	struct old_doc	 d;
	const char	*cats[] = { "Dev", "Go Lang" }, *why;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	o.kind = OLD_JEKYLL;
	d.dir = "";
	d.name = "my-post";
	d.title = "My Post";
	d.categories = cats;
	d.ncategories = 2;
	o.permalink = "/:categories/:year/:month/:day/:title:output_ext";
	url_is(&o, &d, "/dev/go-lang/2019/03/07/my-post.html");
	o.permalink = "/:categories/:year/:month/:day/:title/";
	url_is(&o, &d, "/dev/go-lang/2019/03/07/my-post/");
	o.permalink = "/:categories/:year/:y_day/:title:output_ext";
	url_is(&o, &d, "/dev/go-lang/2019/066/my-post.html");
	o.permalink = "/:categories/:title:output_ext";
	url_is(&o, &d, "/dev/go-lang/my-post.html");
	/* No ending, no slash: Jekyll writes .html. */
	o.permalink = "/blog/:year/:i_month/:i_day/:title";
	url_is(&o, &d, "/blog/2019/3/7/my-post.html");
	o.permalink = "/:short_year/:short_month/:slug/";
	d.ncategories = 0;
	url_is(&o, &d, "/19/Mar/my-post/");
	/* A post's own permalink: wins over the site's style. */
	d.url = "/p/:title/";
	url_is(&o, &d, "/p/my-post/");
	d.url = NULL;
	/* The date in the site's zone (UTC here), as Jekyll has it. */
	d.has_date = date_parse("2024-11-23 01:18:08 +0800", 25, NULL,
	    &d.date, &why) == 0;
	o.permalink = "/:year/:month/:day/:title";
	url_is(&o, &d, "/2024/11/22/my-post.html");
	d.has_date = 0;
	/* Pages: by the site's style. */
	d.is_page = 1;
	d.name = "about";
	o.permalink = "/:categories/:year/:month/:day/:title:output_ext";
	url_is(&o, &d, "/about.html");
	o.permalink = "pretty";
	url_is(&o, &d, "/about/");
}

static void
hugo_rules(void **state)
{
	struct oldsite	 o;
	struct old_doc	 d;
	struct old_rule	 rules[] = { { "posts", "/:year/:month/:slug/" },
	    { "notes", "/n/:filename" } };

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	o.kind = OLD_HUGO;
	d.dir = "blog";
	d.name = "My-File";
	d.title = "A Title, Here";
	/* No rule: the path, lowercased. */
	url_is(&o, &d, "/blog/my-file/");
	o.keep_case = 1;
	url_is(&o, &d, "/blog/My-File/");
	o.keep_case = 0;
	o.ugly = 1;
	url_is(&o, &d, "/blog/my-file.html");
	o.ugly = 0;
	d.slug = "Short";
	url_is(&o, &d, "/blog/short/");
	o.rules = rules;
	o.nrules = 2;
	d.dir = "posts";
	url_is(&o, &d, "/2019/03/short/");
	d.slug = NULL;
	/* :slug without slug: is the title, urlized. */
	url_is(&o, &d, "/2019/03/a-title-here/");
	d.dir = "notes/sub";
	url_is(&o, &d, "/n/my-file/");
	/* url: as written. */
	d.url = "/custom/x";
	url_is(&o, &d, "/custom/x/");
}

static int
resolve(void *ctx, enum conv_ref how, const char *ref, size_t n,
    struct buf *out)
{
	(void)ctx;
	if (how == REF_URL) {
		if (n == 6 && memcmp(ref, "/old/x", 6) == 0)
			return buf_puts(out, "../x/") == -1 ? -1 : 1;
		return 0;
	}
	if (n == 1 && *ref == 'x')
		return buf_puts(out, "../x/") == -1 ? -1 : 1;
	return 0;
}

static void
conv_is(enum old_kind kind, const char *in, const char *want)
{
	struct notes	 ns;
	struct conv	 c;
	struct buf	 a, b;

	notes_init(&ns);
	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.file = "in.md";
	c.line = 1;
	c.newfile = "out.md";
	c.notes = &ns;
	c.resolve = resolve;
	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(convert_body(&c, in, strlen(in), &a), 0);
	assert_int_equal(convert_links(&c, a.data ? a.data : "", a.len, &b),
	    0);
	assert_string_equal(b.data ? b.data : "", want);
	buf_free(&a);
	buf_free(&b);
	notes_free(&ns);
}

static void
conversions(void **state)
{
	(void)state;
	conv_is(OLD_JEKYLL, "{% highlight go %}\nx := 1\n{% endhighlight %}\n",
	    "```go\nx := 1\n```\n");
	conv_is(OLD_JEKYLL, "[a]({% post_url x %})", "[a](../x/)");
	conv_is(OLD_JEKYLL, "[a]({{ site.baseurl }}/old/x)", "[a](../x/)");
	conv_is(OLD_JEKYLL, "{% raw %}{{ a }}{% endraw %}", "{{ a }}");
	conv_is(OLD_JEKYLL, "```\n{% raw %}{{ a }}{% endraw %}\n```\n",
	    "```\n{{ a }}\n```\n");
	conv_is(OLD_JEKYLL, "* TOC\n{:toc}\ntext", "text");
	conv_is(OLD_JEKYLL, "para\n{: .note}\n", "para\n\n");
	conv_is(OLD_JEKYLL, "{% custom a %}", "`{% custom a %}`");
	conv_is(OLD_JEKYLL, "`{% inside %}`", "`{% inside %}`");
	conv_is(OLD_JEKYLL, "{% include image.html url=\"/a.png\" "
	    "description=\"An A\" %}", "![An A](/a.png)");
	conv_is(OLD_HUGO, "{{< figure src=\"/a.png\" alt=\"A\" >}}",
	    "![A](/a.png)");
	conv_is(OLD_HUGO, "{{< youtube abc >}}",
	    "[A video on YouTube](https://www.youtube.com/watch?v=abc)");
	conv_is(OLD_HUGO, "[b]({{< ref \"x\" >}})", "[b](../x/)");
	conv_is(OLD_HUGO, "{{% note %}}hi{{% /note %}}",
	    "`{{% note %}}`hi`{{% /note %}}`");
	conv_is(OLD_HUGO, "{{< highlight sh >}}\nls\n{{< /highlight >}}",
	    "```sh\nls\n```");
	/* Hugo's escaped shortcodes show as the code they are. */
	conv_is(OLD_HUGO, "`{{</* x */>}}`", "`{{< x >}}`");
	conv_is(OLD_HUGO, "```\n{{%/* y */%}}\n```\n", "```\n{{% y %}}\n```\n");
	/* In Hugo, {{ }} is text; a ```span``` is no fence. */
	conv_is(OLD_HUGO, "{{ x }}", "{{ x }}");
	conv_is(OLD_JEKYLL, "```a```\n{% b %}", "```a```\n`{% b %}`");
	/* In raw HTML, backticks are text: <code>; in a tag, a URL. */
	conv_is(OLD_JEKYLL, "<ul>\n{% for x in y %}<li><a href=\"{% z %}\">",
	    "<ul>\n<code>{% for x in y %}</code><li><a href=\""
	    "%7B%25%20z%20%25%7D\">");
	conv_is(OLD_JEKYLL, "<p>a</p>\n\n{% b %}", "<p>a</p>\n\n`{% b %}`");
	conv_is(OLD_JEKYLL, "### T\n<div>\n{% b %}",
	    "### T\n<div>\n<code>{% b %}</code>");
	/* A lone backtick is no span across a fence. */
	conv_is(OLD_JEKYLL, "a ` b\n```\nc `\n```\n{% d %}",
	    "a ` b\n```\nc `\n```\n`{% d %}`");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jekyll_styles),
		cmocka_unit_test(hugo_rules),
		cmocka_unit_test(conversions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
