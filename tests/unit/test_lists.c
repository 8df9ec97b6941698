/*
 * Lists in and out of the store: the CSV reader's quirks, the sources'
 * headers, their times, and the rule that an import never brings back a
 * reader who left.
 */
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
#include "store/listfile.h"
#include "store/store.h"
#include "store/transfer.h"

static void
csv_semicolons_and_crlf(void **state)
{
	static const char text[] = "\xef\xbb\xbf" "Name;E-mail\r\n"
	    "\"Lee; Ann\";a@b.org\r\n"
	    "\"two\r\nlines\";c@d.org\r\n"
	    "   \r\n"
	    "x;e@f.org";
	struct csv_reader c;
	struct err	 err;
	size_t		 n;

	(void)state;
	assert_int_equal(csv_reader_init(&c, text, sizeof(text) - 1), 0);
	assert_int_equal(c.sep, ';');
	assert_int_equal(csv_reader_next(&c, "t", &err), 1);
	assert_string_equal(csv_reader_field(&c, 1, &n), "E-mail");
	assert_int_equal(csv_reader_next(&c, "t", &err), 1);
	assert_int_equal(c.nfields, 2);
	assert_string_equal(csv_reader_field(&c, 0, &n), "Lee; Ann");
	assert_int_equal(csv_reader_next(&c, "t", &err), 1);
	assert_string_equal(csv_reader_field(&c, 0, &n), "two\r\nlines");
	assert_int_equal(n, 10);
	assert_int_equal(c.recline, 3);
	assert_int_equal(csv_reader_next(&c, "t", &err), 1);
	assert_string_equal(csv_reader_field(&c, 1, &n), "e@f.org");
	assert_int_equal(c.recline, 6);
	assert_int_equal(csv_reader_next(&c, "t", &err), 0);
	csv_reader_free(&c);
}

static void
times(void **state)
{
	int64_t	 t;

	(void)state;
#define T(s)	list_time((s), sizeof(s) - 1, &t)
	assert_int_equal(T("2023-11-14"), 0);
	assert_true(t == 1699920000);
	assert_int_equal(T("2023-11-14T22:13:20Z"), 0);
	assert_true(t == 1700000000);
	assert_int_equal(T("2023-11-14 22:13:20"), 0);
	assert_true(t == 1700000000);
	assert_int_equal(T("2023-11-14T22:13:20.660Z"), 0);
	assert_true(t == 1700000000);
	assert_int_equal(T("2023-11-14 23:13:20.123456+01"), 0);
	assert_true(t == 1700000000);
	assert_int_equal(T("2023-11-14T17:13:20-05:00"), 0);
	assert_true(t == 1700000000);
	assert_int_equal(T("2023-11-14 22:13 UTC"), 0);
	assert_true(t == 1699999980);
	assert_int_equal(T("14/11/2023"), -1);
	assert_int_equal(T("2023-13-01"), -1);
	assert_int_equal(T("2023-11-14T22"), -1);
	assert_int_equal(T("2023-11-14Tfoo"), -1);
#undef T
}

/* The source text (a header and one row) is told as. */
static enum list_source
told(const char *text)
{
	struct list_file l;
	struct err	 err;
	enum list_source s;

	assert_int_equal(list_open(&l, text, strlen(text), "t", NULL, &err),
	    0);
	s = l.source;
	list_close(&l);
	return s;
}

static void
sources(void **state)
{
	(void)state;
	assert_int_equal(told("uuid,email,name,attributes,status,created_at,"
	    "updated_at\n"), LIST_LISTMONK);
	assert_int_equal(told("email,creation_date,notes,metadata,"
	    "subscriber_type,tags\n"), LIST_BUTTONDOWN);
	assert_int_equal(told("email,active_subscription,expiry,plan,"
	    "email_disabled,digest_enabled,created_at\n"), LIST_SUBSTACK);
	assert_int_equal(told("\"Email Address\",\"First Name\","
	    "\"MEMBER_RATING\",\"OPTIN_TIME\"\r\n"), LIST_MAILCHIMP);
	assert_int_equal(told("id,email,name,note,subscribed_to_emails,"
	    "complimentary_plan,created_at\n"), LIST_GHOST);
	assert_int_equal(told("email,state,created,confirmed,unsubscribed,"
	    "source,failures,bouncing\r\n"), LIST_STET);
	assert_int_equal(told("Name;E-mail\n"), LIST_PLAIN);
}

/* The one row after the header of text, as list_next gives it. */
static struct list_row
row_of(const char *text, struct list_file *l)
{
	struct list_row	 r;
	struct err	 err;

	assert_int_equal(list_open(l, text, strlen(text), "t", NULL, &err),
	    0);
	assert_int_equal(list_next(l, &r, &err), 1);
	return r;
}

static void
kinds(void **state)
{
	struct list_file l;
	struct list_row	 r;

	(void)state;
	r = row_of("\"Email Address\",\"OPTIN_TIME\",\"CLEAN_TIME\"\n"
	    "a@b.org,2019-01-01 00:00:00,2020-01-01 00:00:00\n", &l);
	assert_int_equal(r.kind, LIST_BOUNCED);
	assert_true(r.bouncing_at == 1577836800);
	list_close(&l);
	r = row_of("\"Email Address\",\"UNSUB_TIME\"\na@b.org,2020-01-01\n",
	    &l);
	assert_int_equal(r.kind, LIST_UNSUBSCRIBED);
	list_close(&l);
	r = row_of("uuid,email,attributes,status\nx,a@b.org,{},disabled\n",
	    &l);
	assert_int_equal(r.kind, LIST_NOT_SUBSCRIBED);
	list_close(&l);
	r = row_of("email,subscriber_type\na@b.org,unactivated\n", &l);
	assert_int_equal(r.kind, LIST_NOT_SUBSCRIBED);
	list_close(&l);
	r = row_of("email,subscribed_to_emails\na@b.org,false\n", &l);
	assert_int_equal(r.kind, LIST_UNSUBSCRIBED);
	list_close(&l);
	/* A state stet does not know is a reader who left, not one to mail. */
	r = row_of("email,state,created,confirmed,unsubscribed,source\n"
	    "a@b.org,complained,2020-01-01T00:00:00Z,,,form\n", &l);
	assert_int_equal(r.kind, LIST_UNSUBSCRIBED);
	list_close(&l);
}

/* Remove the store's folder. */
static void
cleanup(const char *dir)
{
	static const char *const files[] = { "stet.db", "stet.db-wal",
	    "stet.db-shm" };
	char	 path[128];
	size_t	 i;

	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		assert_true(snprintf(path, sizeof(path), "%s/%s", dir,
		    files[i]) < (int)sizeof(path));
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void
import_keeps_leaving(void **state)
{
	char		 dir[] = "/tmp/stet-test-lists.XXXXXX";
	unsigned char	 key[STORE_SECRET_LEN], other[STORE_SECRET_LEN];
	struct store	*s;
	struct err	 err;
	struct store_row r;
	enum store_put	 res;
	int		 taken;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(&s, dir, &err), 0);
	memset(&r, 0, sizeof(r));
	r.email = "ann@example.org";
	r.state = STORE_UNSUBSCRIBED;
	r.created_at = 1600000000;
	r.confirmed_at = 1600000100;
	r.unsubscribed_at = 1700000000;
	r.source = "form";
	assert_int_equal(store_import_row(s, &r, &res, &err), 0);
	assert_int_equal(res, STORE_PUT_ADDED);
	/* An old list with her confirmed changes nothing. */
	r.state = STORE_CONFIRMED;
	r.unsubscribed_at = 0;
	assert_int_equal(store_import_row(s, &r, &res, &err), 0);
	assert_int_equal(res, STORE_PUT_STAYS_LEFT);
	/* Bob, confirmed here, left elsewhere since: he leaves here too. */
	r.email = "bob@example.org";
	assert_int_equal(store_import_row(s, &r, &res, &err), 0);
	assert_int_equal(res, STORE_PUT_ADDED);
	r.state = STORE_UNSUBSCRIBED;
	r.unsubscribed_at = 1700000000;
	assert_int_equal(store_import_row(s, &r, &res, &err), 0);
	assert_int_equal(res, STORE_PUT_NOW_LEFT);
	/* A removed address never comes back. */
	assert_int_equal(store_remove(s, "bob@example.org", &taken, &err), 0);
	r.state = STORE_CONFIRMED;
	assert_int_equal(store_import_row(s, &r, &res, &err), 0);
	assert_int_equal(res, STORE_PUT_SUPPRESSED);
	/* Ann has id 1: Cat, given 1 too, gets another, not an error. */
	r.email = "cat@example.org";
	r.id = 1;
	assert_int_equal(store_import_row(s, &r, &res, &err), 0);
	assert_int_equal(res, STORE_PUT_ADDED);
	/* A store with readers keeps its secret; its own is taken as is. */
	store_secret(s, key);
	memset(other, 7, sizeof(other));
	assert_int_equal(store_restore_secret(s, other, &taken, &err), 0);
	assert_int_equal(taken, 0);
	assert_int_equal(store_restore_secret(s, key, &taken, &err), 0);
	assert_int_equal(taken, 1);
	store_close(s);
	cleanup(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_semicolons_and_crlf),
		cmocka_unit_test(times),
		cmocka_unit_test(sources),
		cmocka_unit_test(kinds),
		cmocka_unit_test(import_keeps_leaving),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
