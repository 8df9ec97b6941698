#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "support/esc.h"
#include "support/url.h"

static void
check(int (*fn)(struct buf *, const char *, size_t), const char *in,
    const char *want)
{
	struct buf	 b;

	buf_init(&b, 0);
	assert_int_equal(fn(&b, in, strlen(in)), 0);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
html(void **state)
{
	(void)state;
	check(esc_html, "</title><script>", "&lt;/title&gt;&lt;script&gt;");
	check(esc_html, "a & \"b\" 'c'", "a &amp; &quot;b&quot; &#39;c&#39;");
	check(esc_html, "]]>", "]]&gt;");
	check(esc_html, "plain é", "plain é");
}

static void
url(void **state)
{
	(void)state;
	check(esc_url, "javascript:alert(1)", "#");
	check(esc_url, "JavaScript:alert(1)", "#");
	check(esc_url, "data:text/html,x", "#");
	check(esc_url, "https://x.org/a b?q=1&r=\"2\"",
	    "https://x.org/a%20b?q=1&amp;r=%222%22");
	check(esc_url, "../writing/", "../writing/");
	check(esc_url, "mailto:jane@example.com", "mailto:jane@example.com");
	/* A relative path with a colon later is no scheme. */
	check(esc_url, "a/b:c", "a/b:c");
	check(esc_url_rest, "x:y", "x:y");
}

static void
segments(void **state)
{
	(void)state;
	check(esc_path_segment, "базы-данных", "%D0%B1%D0%B0%D0%B7%D1%8B-"
	    "%D0%B4%D0%B0%D0%BD%D0%BD%D1%8B%D1%85");
	check(esc_path_segment, "a/b c", "a%2Fb%20c");
	check(esc_path_segment, "ok-1.2_3~", "ok-1.2_3~");
}

static void
json(void **state)
{
	(void)state;
	check(esc_json, "a\"b\\c\n\x01</script>",
	    "a\\\"b\\\\c\\n\\u0001\\u003c/script>");
}

static void
resolve(const char *base, const char *ref, const char *want)
{
	struct buf	 b;

	buf_init(&b, 0);
	assert_int_equal(url_resolve(&b, base, ref), 0);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
urls(void **state)
{
	const char *base = "https://example.com/blog/writing/post/";

	(void)state;
	resolve(base, "img.png", "https://example.com/blog/writing/post/img.png");
	resolve(base, "../../principles/",
	    "https://example.com/blog/principles/");
	resolve(base, "../../../../../x", "https://example.com/x");
	resolve(base, "/abs", "https://example.com/abs");
	resolve(base, "#fn-1", "https://example.com/blog/writing/post/#fn-1");
	resolve(base, "./a/./b", "https://example.com/blog/writing/post/a/b");
	resolve(base, "https://other.org/", "https://other.org/");
	resolve(base, "//cdn.org/x", "//cdn.org/x");
	resolve(base, "a?x=1#y", "https://example.com/blog/writing/post/a?x=1#y");
	assert_true(url_is_absolute("mailto:x@y"));
	assert_false(url_is_absolute("a/b:c"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html),
		cmocka_unit_test(url),
		cmocka_unit_test(segments),
		cmocka_unit_test(json),
		cmocka_unit_test(urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
