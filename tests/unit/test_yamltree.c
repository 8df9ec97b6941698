#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "site/frontmatter.h"
#include "support/buf.h"
#include "support/yamltree.h"

/* n keys "k0: v" ... one a line, then extra (may be ""). */
static void
keys(struct buf *b, size_t n, const char *extra)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		assert_int_equal(buf_printf(b, "k%zu: v\n", i), 0);
	assert_int_equal(buf_puts(b, extra), 0);
}

static int
load(const struct buf *b, struct err *err)
{
	struct arena	*a = arena_new();
	struct ynode	*root;
	int		 rc;

	assert_non_null(a);
	rc = yaml_load(a, b->data, b->len, "x.md", 2, &root, err);
	arena_free(a);
	return rc;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A key given twice is found in a small map and in a large one. */
static void
twice(void **state)
{
	struct err	 err;
	struct buf	 b;

	(void)state;
	buf_init(&b, 0);
	keys(&b, 5, "k3: again\n");
	assert_int_equal(load(&b, &err), -1);
	assert_string_equal(err.msg, "x.md:7: k3: key given twice");
	buf_reset(&b);
	keys(&b, 5000, "k10: again\n");
	assert_int_equal(load(&b, &err), -1);
	assert_string_equal(err.msg, "x.md:5002: k10: key given twice");
	buf_reset(&b);
	keys(&b, 5000, "k4999: again\n");
	assert_int_equal(load(&b, &err), -1);
	assert_string_equal(err.msg, "x.md:5002: k4999: key given twice");
	/* Nested maps have keys of their own. */
	buf_reset(&b);
	keys(&b, 40, "m: { k1: a, k2: b, k1: c }\n");
	assert_int_equal(load(&b, &err), -1);
	assert_string_equal(err.msg, "x.md:42: k1: key given twice");
	buf_reset(&b);
	keys(&b, 40, "m: { k1: a, k2: b }\n");
	assert_int_equal(load(&b, &err), 0);
	buf_free(&b);
}

/*
 * 100,000 keys load in time proportional to their number: comparing each
 * new key with every one before took 55 s here; a hash set takes 0.1 s.
 * The bound leaves room for a slow machine and the sanitizers.
 */
static void
many_keys(void **state)
{
	struct err	 err;
	struct buf	 b;
	double		 t0;

	(void)state;
	buf_init(&b, 0);
	keys(&b, 100000, "");
	t0 = now();
	assert_int_equal(load(&b, &err), 0);
	assert_true(now() - t0 < 5.0);
	buf_free(&b);
}

/* [[[[...]]]] deeper than the tree allows is an error, not a crash. */
static void
deep(void **state)
{
	struct err	 err;
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "x: "), 0);
	for (i = 0; i < 100000; i++)
		assert_int_equal(buf_putc(&b, '['), 0);
	for (i = 0; i < 100000; i++)
		assert_int_equal(buf_putc(&b, ']'), 0);
	assert_int_equal(load(&b, &err), -1);
	assert_string_equal(err.msg, "x.md:2: nested too deep");
	buf_free(&b);
}

/* Front matter past 1 MB is refused before it is parsed. */
static void
front_matter_bound(void **state)
{
	struct front_split fs;
	struct arena	*a = arena_new();
	struct ynode	*root;
	struct err	 err;
	struct buf	 b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "---\ntitle: x\n"), 0);
	while (b.len < 1024 * 1024)
		assert_int_equal(buf_printf(&b, "k%zu: v\n", b.len), 0);
	assert_int_equal(buf_puts(&b, "---\nbody\n"), 0);
	assert_int_equal(fm_split(b.data, b.len, "p.md", &fs, &err), 0);
	assert_int_equal(fm_load(a, &fs, "p.md", &root, &err), -1);
	assert_non_null(strstr(err.msg, "p.md:1: front matter is "));
	assert_non_null(strstr(err.msg, " bytes; the most is 1048576 (1 MB)"));
	arena_free(a);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(twice),
		cmocka_unit_test(many_keys),
		cmocka_unit_test(deep),
		cmocka_unit_test(front_matter_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
