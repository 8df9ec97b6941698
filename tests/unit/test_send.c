#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "send/plaintext.h"
#include "send/policy.h"
#include "send/send.h"

static struct mail_result
result(enum mail_outcome o, int recipient, int code)
{
	struct mail_result r;

	memset(&r, 0, sizeof(r));
	r.outcome = o;
	r.recipient = recipient;
	r.code = code;
	return r;
}

/* Only a refused address fails; the relay's faults never give up. */
static void
judge(void **state)
{
	struct mail_result r;
	struct policy_verdict v;

	(void)state;
	r = result(MAIL_SENT, 0, 250);
	policy_judge(&r, 0, 1000, &v);
	assert_int_equal(v.action, POLICY_SENT);
	r = result(MAIL_FAILED, 1, 550);
	policy_judge(&r, 0, 1000, &v);
	assert_int_equal(v.action, POLICY_REFUSED);
	r = result(MAIL_RETRY, 1, 451);
	policy_judge(&r, 0, 1000, &v);
	assert_int_equal(v.action, POLICY_LATER);
	assert_int_equal(v.next_at, 1000 + POLICY_FIRST);
	policy_judge(&r, POLICY_TRIES - 1, 1000, &v);
	assert_int_equal(v.action, POLICY_GIVE_UP);
	/* 554 to the data, a dropped link: again, however many tries. */
	r = result(MAIL_RETRY, 0, 554);
	policy_judge(&r, POLICY_TRIES * 10, 1000, &v);
	assert_int_equal(v.action, POLICY_AGAIN);
	assert_int_equal(v.next_at, 1000 + POLICY_MAX);
	r = result(MAIL_FAILED, 0, 554);
	policy_judge(&r, 0, 1000, &v);
	assert_int_equal(v.action, POLICY_AGAIN);
}

static void
streak(void **state)
{
	struct policy_streak s = { 0, 3 };

	(void)state;
	assert_int_equal(policy_streak_note(&s, POLICY_AGAIN), 0);
	assert_int_equal(policy_streak_note(&s, POLICY_AGAIN), 0);
	/* An address refused: the relay works. */
	assert_int_equal(policy_streak_note(&s, POLICY_REFUSED), 0);
	assert_int_equal(policy_streak_note(&s, POLICY_AGAIN), 0);
	assert_int_equal(policy_streak_note(&s, POLICY_AGAIN), 0);
	assert_int_equal(policy_streak_note(&s, POLICY_AGAIN), 1);
}

static void
when(void **state)
{
	char	 b[128];

	(void)state;
	setenv("TZ", "Europe/Paris", 1);
	/* 2026-12-06 05:00:00 UTC is 06:00 in Paris. */
	send_when(1796533200 + 7 * 60 - 10, 1796533200, b, sizeof(b));
	assert_string_equal(b, "06:06:50 CET (in 7 minutes)");
	send_when(1796533200 + 59, 1796533200, b, sizeof(b));
	assert_string_equal(b, "06:00:59 CET (in 59 seconds)");
	send_when(1796533200 + 60, 1796533200, b, sizeof(b));
	assert_string_equal(b, "06:01:00 CET (in 1 minute)");
	send_when(1796533200 + 86400, 1796533200, b, sizeof(b));
	assert_string_equal(b, "2026-12-07 06:00:00 CET (in 24 hours 0 "
	    "minutes)");
	unsetenv("TZ");
}

static void
text_is(const char *html, const char *want)
{
	struct buf	 b;

	buf_init(&b, 0);
	assert_int_equal(plaintext_from_html(html, strlen(html), &b), 0);
	assert_string_equal(b.data != NULL ? b.data : "", want);
	buf_free(&b);
}

static void
plaintext(void **state)
{
	(void)state;
	text_is("<p>See <a href=\"https://en.wikipedia.org/wiki/River_(typogra"
	    "phy)\">River</a> and <a href=\"https://x.org/a_(b)\">https://x.org"
	    "/a_(b)</a>.</p>",
	    "See River <https://en.wikipedia.org/wiki/River_(typography)> and\n"
	    "<https://x.org/a_(b)>.\n");
	text_is("<p>A<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1"
	    "\" data-footnote-ref>1</a></sup>.</p>\n<section class=\"footnotes\""
	    " data-footnotes><ol><li id=\"fn-1\"><p>Note <a href=\"https://n.org"
	    "/\">here</a>. <a href=\"#fnref-1\" class=\"footnote-backref\" data-"
	    "footnote-backref>↩</a></p></li></ol></section>",
	    "A[1].\n\n[1] Note here <https://n.org/>.\n");
	text_is("<table><thead><tr><th class=\"align-left\">Left</th><th class="
	    "\"align-right\">Right</th></tr></thead><tbody><tr><td class=\"align-"
	    "left\">a long one</td><td class=\"align-right\">1.5</td></tr></tbody>"
	    "</table>",
	    "| Left       | Right |\n|:-----------|------:|\n"
	    "| a long one |   1.5 |\n");
	text_is("<h2>Título</h2><ul><li>one</li><li>two<ul><li>deep</li></ul>"
	    "</li></ul><blockquote><p>said</p></blockquote><pre><code>a  b\n"
	    "  c\n</code></pre>",
	    "Título\n------\n\n- one\n- two\n\n  - deep\n\n> said\n\n    a  b\n"
	    "      c\n");
	/* Wrapped at 72 columns, never inside a URL. */
	text_is("<p>aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa "
	    "aaaa <a href=\"https://example.com/a/very/long/path\">x</a></p>",
	    "aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa x\n"
	    "<https://example.com/a/very/long/path>\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(judge),
		cmocka_unit_test(streak),
		cmocka_unit_test(when),
		cmocka_unit_test(plaintext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
