#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/csv.h"
#include "store/store.h"
#include "support/buf.h"

/* 0 and the normalised form, or -1. */
static int
check(const char *s, struct buf *b)
{
	const char	*why = NULL;
	int		 r;

	buf_reset(b);
	r = store_check_address(s, strlen(s), b, &why);
	if (r == -1)
		assert_non_null(why);
	return r;
}

static void
address_good(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(check("ann@example.org", &b), 0);
	assert_string_equal(b.data, "ann@example.org");
	/* The domain is lowercased, the local part kept as given. */
	assert_int_equal(check("Ann.Lee+news@Mail.Example.ORG", &b), 0);
	assert_string_equal(b.data, "Ann.Lee+news@mail.example.org");
	/* UTF-8, but beyond ASCII: refused until SMTPUTF8 is spoken. */
	assert_int_equal(check("j\xc3\xbcrgen@b\xc3\xbc" "cher.de", &b), -1);
	buf_free(&b);
}

static void
address_bad(void **state)
{
	struct buf	 b;
	char		 big[300];

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(check("", &b), -1);
	assert_int_equal(check("no-at.example.org", &b), -1);
	assert_int_equal(check("a@b@example.org", &b), -1);
	assert_int_equal(check("@example.org", &b), -1);
	assert_int_equal(check("ann@", &b), -1);
	assert_int_equal(check("ann@localhost", &b), -1);
	assert_int_equal(check("ann@example..org", &b), -1);
	assert_int_equal(check("ann@.example.org", &b), -1);
	assert_int_equal(check("ann@example.org.", &b), -1);
	assert_int_equal(check("ann lee@example.org", &b), -1);
	assert_int_equal(check("ann\r\nBcc: x@y.z@example.org", &b), -1);
	assert_int_equal(check("ann\n@example.org", &b), -1);
	assert_int_equal(check("\"ann\"@example.org", &b), -1);
	assert_int_equal(check("<ann@example.org>", &b), -1);
	assert_int_equal(check("ann\xff@example.org", &b), -1);
	assert_int_equal(check("ann@exa\xc3" "mple.org", &b), -1);
	/* 65 bytes before the @. */
	memset(big, 'a', 65);
	memcpy(big + 65, "@example.org", 13);
	assert_int_equal(check(big, &b), -1);
	/* 64 is fine. */
	memset(big, 'a', 64);
	memcpy(big + 64, "@example.org", 13);
	assert_int_equal(check(big, &b), 0);
	/* 254 bytes in all is the most: 64 + 1 + 63.63.61. */
	memset(big, 'b', sizeof(big));
	big[64] = '@';
	big[64 + 1 + 63] = '.';
	big[64 + 1 + 63 + 1 + 63] = '.';
	big[254] = '\0';
	assert_int_equal(check(big, &b), 0);
	assert_int_equal(b.len, 254);
	big[254] = 'b';
	big[255] = '\0';
	assert_int_equal(check(big, &b), -1);
	buf_free(&b);
}

static void
address_embedded_nul(void **state)
{
	struct buf	 b;
	const char	*why;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(store_check_address("a\0b@example.org", 15, &b,
	    &why), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* The fields of the next record joined with '|'. */
static const char *
next(struct csv_reader *c, struct buf *out)
{
	struct err	 err;
	const char	*f;
	size_t		 i, n;
	int		 r;

	buf_reset(out);
	r = csv_reader_next(c, "t.csv", &err);
	if (r == 0)
		return NULL;
	if (r == -1) {
		assert_int_equal(buf_printf(out, "ERR %s", err.msg), 0);
		return out->data;
	}
	for (i = 0; i < c->nfields; i++) {
		f = csv_reader_field(c, i, &n);
		assert_int_equal(strlen(f), n);
		if (i > 0)
			assert_int_equal(buf_putc(out, '|'), 0);
		assert_int_equal(buf_put(out, f, n), 0);
	}
	return out->data;
}

static void
csv_plain_and_quoted(void **state)
{
	static const char text[] = "\xef\xbb\xbf" "email,name\r\n"
	    "a@b.org,\"Lee, Ann\"\r\n"
	    "\r\n"
	    "\"c@d.org\",\"say \"\"hi\"\"\"\n"
	    "e@f.org,\"two\r\nlines\"\n"
	    "g@h.org,,\n"
	    "last@x.org";
	struct csv_reader c;
	struct buf	 b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(csv_reader_init(&c, text, sizeof(text) - 1), 0);
	assert_string_equal(next(&c, &b), "email|name");
	assert_int_equal(c.recline, 1);
	assert_string_equal(next(&c, &b), "a@b.org|Lee, Ann");
	assert_int_equal(c.recline, 2);
	assert_string_equal(next(&c, &b), "c@d.org|say \"hi\"");
	assert_int_equal(c.recline, 4);
	assert_string_equal(next(&c, &b), "e@f.org|two\r\nlines");
	assert_int_equal(c.recline, 5);
	assert_string_equal(next(&c, &b), "g@h.org||");
	assert_int_equal(c.recline, 7);
	assert_string_equal(next(&c, &b), "last@x.org");
	assert_int_equal(c.recline, 8);
	assert_null(next(&c, &b));
	csv_reader_free(&c);
	buf_free(&b);
}

static void
csv_errors(void **state)
{
	static const char open_quote[] = "email\n\"a@b.org\nc@d.org\n";
	static const char after_quote[] = "email\n\"a@b.org\"x\n";
	struct csv_reader c;
	struct buf	 b, big;
	size_t		 i;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(csv_reader_init(&c, open_quote,
	    sizeof(open_quote) - 1), 0);
	assert_string_equal(next(&c, &b), "email");
	assert_string_equal(next(&c, &b),
	    "ERR t.csv:2: a quoted field never ends");
	csv_reader_free(&c);
	assert_int_equal(csv_reader_init(&c, after_quote,
	    sizeof(after_quote) - 1), 0);
	assert_string_equal(next(&c, &b), "email");
	assert_non_null(strstr(next(&c, &b), "ERR t.csv:2:"));
	csv_reader_free(&c);
	/* Too many fields, then too long a record. */
	buf_init(&big, 0);
	for (i = 0; i <= CSV_MAX_FIELDS; i++)
		assert_int_equal(buf_putc(&big, ','), 0);
	assert_int_equal(csv_reader_init(&c, big.data, big.len), 0);
	assert_non_null(strstr(next(&c, &b), "more than"));
	csv_reader_free(&c);
	buf_reset(&big);
	for (i = 0; i <= CSV_MAX_RECORD; i++)
		assert_int_equal(buf_putc(&big, 'a'), 0);
	assert_int_equal(csv_reader_init(&c, big.data, big.len), 0);
	assert_non_null(strstr(next(&c, &b), "longer than"));
	csv_reader_free(&c);
	buf_free(&big);
	buf_free(&b);
}

struct tally {
	size_t	 n;
	char	 last[64];
	enum store_state state;
	char	 source[32];
};

static int
tally_row(const struct store_subscriber *s, void *arg, struct err *err)
{
	struct tally	*t = arg;

	(void)err;
	t->n++;
	snprintf(t->last, sizeof(t->last), "%s", s->email);
	snprintf(t->source, sizeof(t->source), "%s", s->source);
	t->state = s->state;
	assert_true(s->created_at == 1700000000);
	assert_true(s->confirmed_at == 1700000000);
	assert_true(s->unsubscribed_at == 0);
	return 0;
}

static void
store_round_trip(void **state)
{
	char		 dir[] = "/tmp/stet-test-store.XXXXXX", path[128];
	struct store	*s;
	struct err	 err;
	struct tally	 t;
	enum store_add	 res;
	enum store_state confirmed = STORE_CONFIRMED, pending = STORE_PENDING;
	size_t		 n[STORE_NSTATES];
	int		 found;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(&s, dir, &err), 0);
	assert_int_equal(store_add_confirmed(s, "ann@example.org",
	    "owner-add", 1700000000, &res, &err), 0);
	assert_int_equal(res, STORE_ADDED);
	/* The same address in other case is the same subscriber. */
	assert_int_equal(store_add_confirmed(s, "ANN@example.org",
	    "owner-import", 1700000000, &res, &err), 0);
	assert_int_equal(res, STORE_EXISTS);
	store_close(s);

	/* Reopened: the row and the secret are still there. */
	assert_int_equal(store_open(&s, dir, &err), 0);
	memset(&t, 0, sizeof(t));
	assert_int_equal(store_each(s, &confirmed, tally_row, &t, &err), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.last, "ann@example.org");
	assert_string_equal(t.source, "owner-add");
	assert_int_equal(t.state, STORE_CONFIRMED);
	memset(&t, 0, sizeof(t));
	assert_int_equal(store_each(s, &pending, tally_row, &t, &err), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(store_count(s, n, &err), 0);
	assert_int_equal(n[STORE_CONFIRMED], 1);
	assert_int_equal(n[STORE_PENDING], 0);

	assert_int_equal(store_remove(s, "Ann@example.org", &found, &err), 0);
	assert_int_equal(found, 1);
	assert_int_equal(store_remove(s, "ann@example.org", &found, &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_count(s, n, &err), 0);
	assert_int_equal(n[STORE_CONFIRMED], 0);
	store_close(s);

	/* Suppression outlives a reopen, so it used the stored secret. */
	assert_int_equal(store_open(&s, dir, &err), 0);
	assert_int_equal(store_add_confirmed(s, "ann@EXAMPLE.org",
	    "owner-import", 1700000000, &res, &err), 0);
	assert_int_equal(res, STORE_SUPPRESSED);
	/* A rolled-back batch leaves nothing. */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_add_confirmed(s, "bob@example.org",
	    "owner-import", 1700000000, &res, &err), 0);
	assert_int_equal(res, STORE_ADDED);
	store_rollback(s);
	assert_int_equal(store_count(s, n, &err), 0);
	assert_int_equal(n[STORE_CONFIRMED], 0);
	store_close(s);

	snprintf(path, sizeof(path), "%s/stet.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/stet.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/stet.db-shm", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

static void
store_refuses_newer(void **state)
{
	char		 dir[] = "/tmp/stet-test-store.XXXXXX", cmd[256];
	struct store	*s;
	struct err	 err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "sqlite3 %s/stet.db "
	    "'PRAGMA user_version = 99'", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(store_open(&s, dir, &err), -1);
	assert_null(s);
	assert_non_null(strstr(err.msg, "newer"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(address_good),
		cmocka_unit_test(address_bad),
		cmocka_unit_test(address_embedded_nul),
		cmocka_unit_test(csv_plain_and_quoted),
		cmocka_unit_test(csv_errors),
		cmocka_unit_test(store_round_trip),
		cmocka_unit_test(store_refuses_newer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
