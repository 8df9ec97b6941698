#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "support/arena.h"
#include "support/buf.h"

static void
put_and_take(void **state)
{
	struct buf	 b;
	size_t		 n;
	char		*p;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(BUF_LIT(&b, "abc"), 0);
	assert_int_equal(buf_putc(&b, 'd'), 0);
	assert_int_equal(buf_printf(&b, "-%d-", 42), 0);
	assert_string_equal(b.data, "abcd-42-");
	p = buf_take(&b, &n);
	assert_int_equal(n, 8);
	assert_string_equal(p, "abcd-42-");
	assert_int_equal(b.len, 0);
	free(p);
	buf_free(&b);
}

static void
bound_is_kept(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(BUF_LIT(&b, "12345678"), 0);
	/* Past max: refused, and the buffer is as it was. */
	assert_int_equal(buf_putc(&b, '9'), -1);
	assert_int_equal(buf_put(&b, "9", 1), -1);
	assert_int_equal(buf_printf(&b, "%s", "x"), -1);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	buf_free(&b);
}

static void
grows_large(void **state)
{
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < 100000; i++)
		assert_int_equal(buf_putc(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(b.data[99999], 'a' + 99999 % 26);
	assert_int_equal(b.data[100000], '\0');
	buf_free(&b);
}

static void
arena_strings(void **state)
{
	struct arena	*a = arena_new();
	char		*s, *big;

	(void)state;
	assert_non_null(a);
	s = arena_strndup(a, "hello world", 5);
	assert_string_equal(s, "hello");
	big = arena_alloc(a, 1 << 20);
	assert_non_null(big);
	big[(1 << 20) - 1] = 'x';
	s = arena_strdup(a, "after");
	assert_string_equal(s, "after");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(put_and_take),
		cmocka_unit_test(bound_is_kept),
		cmocka_unit_test(grows_large),
		cmocka_unit_test(arena_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
