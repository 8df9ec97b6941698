#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "server/origin.h"

static const char *
norm(const char *s, int strict)
{
	static char	 out[ORIGIN_MAX];

	if (origin_norm(s, strlen(s), strict, out) == -1)
		return "(not an origin)";
	return out;
}

static void
origins_compare_as_browsers_send_them(void **state)
{
	(void)state;
	assert_string_equal(norm("https://example.com", 1),
	    "https://example.com");
	assert_string_equal(norm("HTTPS://Example.COM:443", 1),
	    "https://example.com");
	assert_string_equal(norm("http://example.com:80", 1),
	    "http://example.com");
	assert_string_equal(norm("http://example.com:443", 1),
	    "http://example.com:443");
	assert_string_equal(norm("http://[::1]:8080", 1), "http://[::1]:8080");
	/* The site's url: its path goes. */
	assert_string_equal(norm("https://example.com/blog/", 0),
	    "https://example.com");
	/* What an Origin header never is. */
	assert_string_equal(norm("https://example.com/", 1),
	    "(not an origin)");
	assert_string_equal(norm("null", 1), "(not an origin)");
	assert_string_equal(norm("ftp://example.com", 1), "(not an origin)");
	assert_string_equal(norm("https://user@example.com", 1),
	    "(not an origin)");
	assert_string_equal(norm("https://example.com:", 1),
	    "(not an origin)");
	assert_string_equal(norm("https://a:b:8080", 1), "(not an origin)");
	assert_string_equal(norm("https://", 1), "(not an origin)");
}

static void
loopback_origins(void **state)
{
	(void)state;
	assert_true(origin_is_loopback("http://127.0.0.1:8080"));
	assert_true(origin_is_loopback("http://127.1.2.3"));
	assert_true(origin_is_loopback("http://localhost:8080"));
	assert_true(origin_is_loopback("http://[::1]:8080"));
	assert_false(origin_is_loopback("http://128.0.0.1:8080"));
	assert_false(origin_is_loopback("http://localhost.evil.example"));
	assert_false(origin_is_loopback("http://127.0.0.1.evil.example"));
	assert_false(origin_is_loopback("https://example.com"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(origins_compare_as_browsers_send_them),
		cmocka_unit_test(loopback_origins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
