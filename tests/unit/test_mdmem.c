#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "site/mdmem.h"

/*
 * cmark's memory: what calloc gives is zero even in a chunk used
 * before, realloc keeps the bytes whether the piece grows in place or
 * moves, large pieces work, and chunks are reused from one hold to the
 * next without one body's bytes showing in another's.
 */

static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static void
same(const unsigned char *p, size_t n, unsigned seed)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		assert_int_equal(p[i], (unsigned char)(seed + i * 7));
}

static void
zero(const unsigned char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		assert_int_equal(p[i], 0);
}

static void
pieces(void **state)
{
	cmark_mem	*m;
	unsigned char	*a, *b, *c, *d, *e, *big;
	int		 round;
	size_t		 n;

	(void)state;
	for (round = 0; round < 3; round++) {
		m = mdmem_hold();
		assert_ptr_equal(m, mdmem_get());

		/* Zeroed, though the last round left its bytes here. */
		a = m->calloc(100, 3);
		zero(a, 300);
		fill(a, 300, 1);

		/* The newest piece grows in place and keeps its bytes. */
		for (n = 300; n < 60000; n = n * 3 / 2) {
			a = m->realloc(a, n * 3 / 2);
			same(a, n, 1);
			fill(a, n * 3 / 2, 1);
		}
		/* One not the newest moves, bytes and all. */
		b = m->calloc(1, 64);
		zero(b, 64);
		fill(b, 64, 2);
		c = m->calloc(1, 64);
		fill(c, 64, 3);
		b = m->realloc(b, 5000);
		same(b, 64, 2);
		same(c, 64, 3);
		/* Shrinking keeps what fits. */
		c = m->realloc(c, 16);
		same(c, 16, 3);

		/* Larger than a chunk: a piece of its own, then more. */
		big = m->calloc(1, 3 * 1024 * 1024);
		zero(big, 3 * 1024 * 1024);
		fill(big, 3 * 1024 * 1024, 4);
		big = m->realloc(big, 4 * 1024 * 1024);
		same(big, 3 * 1024 * 1024, 4);
		d = m->realloc(NULL, 10);
		fill(d, 10, 5);
		same(b, 64, 2);

		/* Free: the newest is given back, the others stay. */
		m->free(d);
		d = m->calloc(1, 10);
		zero(d, 10);
		m->free(big);
		mdmem_free(b);
		mdmem_free(NULL);
		same(c, 16, 3);
		same(a, 60000, 1);

		/* A hold inside a hold: the outer's pieces live on. */
		(void)mdmem_hold();
		e = m->calloc(1, 32);
		zero(e, 32);
		m->free(e);
		mdmem_release();
		same(c, 16, 3);

		m->free(a);
		m->free(c);
		m->free(d);
		mdmem_release();
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
