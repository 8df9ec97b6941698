#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/idperm.h"
#include "store/store.h"
/* For the connection itself, to watch the statements it runs. */
#include "store/store_impl.h"
#include "support/buf.h"

static const char *
fold(const char *email)
{
	static char	 out[STORE_MAILBOX_MAX];

	if (store_mailbox(email, out) == -1)
		return "(refused)";
	return out;
}

static void
mailbox_folding(void **state)
{
	(void)state;
	/* The example: one Gmail inbox. */
	assert_string_equal(fold("A.Lice+x@GMail.com"), "alice@gmail.com");
	assert_string_equal(fold("alice@gmail.com"), "alice@gmail.com");
	assert_string_equal(fold("a.l.i.c.e@googlemail.com"),
	    "alice@gmail.com");
	/* +tags go everywhere; dots only at Gmail. */
	assert_string_equal(fold("Victim+r17@Example.ORG"),
	    "victim@example.org");
	assert_string_equal(fold("first.last+x+y@example.org"),
	    "first.last@example.org");
	assert_string_equal(fold("first.last@mail.gmail.com.example"),
	    "first.last@mail.gmail.com.example");
	/* A '+' first tags nothing. */
	assert_string_equal(fold("+x@example.org"), "+x@example.org");
	assert_string_equal(fold("a+@example.org"), "a@example.org");
	/* Nothing left of the local part: no mailbox to fold to. */
	assert_string_equal(fold("...@gmail.com"), "(refused)");
	assert_string_equal(fold("no-at"), "(refused)");
	assert_string_equal(fold("@example.org"), "(refused)");
}

static void
address_refusals(void **state)
{
	struct buf	 b;
	char		 dom[300];
	const char	*why;

	(void)state;
	buf_init(&b, 0);
	/* An RFC 2047 encoded-word, whole or inside. */
	assert_int_equal(store_check_address("=?utf-8?b?QWRtaW4=?=@b.co", 25,
	    &b, &why), -1);
	assert_int_equal(store_check_address("a=?x?q?y?=@b.co", 15, &b,
	    &why), -1);
	/* '=' and '?' alone are ordinary. */
	assert_int_equal(store_check_address("a=b?c@b.co", 10, &b, &why), 0);
	/* A DNS label is at most 63 bytes, a domain 253. */
	buf_reset(&b);
	snprintf(dom, sizeof(dom), "a@%.63s.org", "bbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	assert_int_equal(store_check_address(dom, strlen(dom), &b, &why), 0);
	snprintf(dom, sizeof(dom), "a@%.64s.org", "bbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	assert_int_equal(store_check_address(dom, strlen(dom), &b, &why), -1);
	assert_non_null(strstr(why, "63"));
	buf_free(&b);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
idperm_is_a_permutation(void **state)
{
	unsigned char	 k[crypto_shorthash_KEYBYTES], k2[sizeof(k)];
	uint64_t	*v, x;
	size_t		 i, n = 20000, small = 0;

	(void)state;
	assert_true(sodium_init() >= 0);
	crypto_shorthash_keygen(k);
	memcpy(k2, k, sizeof(k));
	k2[0] ^= 1;
	assert_non_null(v = calloc(n, sizeof(*v)));
	for (i = 0; i < n; i++) {
		v[i] = idperm_encode(k, i + 1);
		assert_true(idperm_decode(k, v[i]) == i + 1);
		/* Another key, another permutation. */
		assert_true(idperm_encode(k2, i + 1) != v[i]);
	}
	/*
	 * Consecutive ids: their images XORed (what the fixed pad
	 * gave away as the ids XORed) look like nothing in particular.
	 */
	for (i = 1; i < n; i++)
		if ((v[i] ^ v[i - 1]) < (UINT64_C(1) << 32))
			small++;
	assert_true(small < 3);
	/* No two ids share a token. */
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 1; i < n; i++)
		assert_true(v[i] != v[i - 1]);
	/* Round trips far from the small ids too. */
	for (i = 0; i < 1000; i++) {
		randombytes_buf(&x, sizeof(x));
		assert_true(idperm_decode(k, idperm_encode(k, x)) == x);
	}
	free(v);
}

/* The statements a connection runs, by their SQL text, one line each. */
static int
trace_stmt(unsigned type, void *arg, void *p, void *x)
{
	struct buf	*log = arg;
	const char	*sql = sqlite3_sql(p);

	(void)type;
	(void)x;
	assert_int_equal(buf_printf(log, "%s\n", sql != NULL ? sql : "?"),
	    0);
	return 0;
}

/* Subscribe email and return the statements it ran. */
static void
subscribe_traced(struct store *s, const char *email, int64_t now,
    enum store_sub *res, struct buf *log)
{
	struct err	 err;
	char		 token[STORE_TOKEN_LEN + 1];
	int64_t		 retry;

	buf_reset(log);
	store_new_token(token);
	assert_int_equal(sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT,
	    trace_stmt, log), SQLITE_OK);
	assert_int_equal(store_subscribe(s, email, token, "msg", 3, now,
	    1000, res, &retry, &err), 0);
	sqlite3_trace_v2(s->db, 0, NULL, NULL);
}

static void
rmsite(const char *dir)
{
	char	 path[128];

	snprintf(path, sizeof(path), "%s/stet.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/stet.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/stet.db-shm", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * A new address and one already known (confirmed, pending, suppressed,
 * another address of an asked mailbox) run the same statements in the
 * same order: nothing in the work done tells them apart.
 */
static void
same_statements_for_every_address(void **state)
{
	char		 dir[] = "/tmp/stet-test-sub.XXXXXX";
	static const char *const known[] = {
		"known-confirmed@example.org",
		"known-pending@example.org",
		"known-removed@example.org",
		"known-pending+tag@example.org",
		"KNOWN-CONFIRMED@example.org",
	};
	struct store	*s;
	struct err	 err;
	struct buf	 fresh, log;
	enum store_add	 added;
	enum store_sub	 res;
	int64_t		 now = 1800000000;
	size_t		 i;
	int		 found, changes;

	(void)state;
	buf_init(&fresh, 0);
	buf_init(&log, 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(&s, dir, &err), 0);
	assert_int_equal(store_add_confirmed(s, "known-confirmed@example.org",
	    "owner-add", now, &added, &err), 0);
	assert_int_equal(store_remove(s, "known-removed@example.org", &found,
	    &err), 0);
	subscribe_traced(s, "known-pending@example.org", now, &res, &log);
	assert_int_equal(res, STORE_SUB_SEND);

	subscribe_traced(s, "new@example.org", now, &res, &fresh);
	assert_int_equal(res, STORE_SUB_SEND);
	assert_non_null(strstr(fresh.data, "INSERT INTO subscribers"));
	assert_non_null(strstr(fresh.data, "INSERT INTO mailq"));
	for (i = 0; i < sizeof(known) / sizeof(*known); i++) {
		changes = sqlite3_total_changes(s->db);
		subscribe_traced(s, known[i], now + 1, &res, &log);
		assert_int_equal(res, STORE_SUB_QUIET);
		assert_string_equal(log.data, fresh.data);
		/*
		 * And it writes, so its commit syncs as a new address's
		 * does: a commit of nothing would be quicker.
		 */
		assert_true(sqlite3_total_changes(s->db) > changes);
	}
	store_close(s);
	rmsite(dir);
	buf_free(&fresh);
	buf_free(&log);
}

/* One inbox gets one confirmation a day, however it is written. */
static void
one_confirmation_a_mailbox_a_day(void **state)
{
	char		 dir[] = "/tmp/stet-test-sub.XXXXXX";
	struct store	*s;
	struct err	 err;
	struct buf	 log;
	enum store_sub	 res;
	int64_t		 now = 1800000000, queued;

	(void)state;
	buf_init(&log, 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(&s, dir, &err), 0);
	subscribe_traced(s, "alice@gmail.com", now, &res, &log);
	assert_int_equal(res, STORE_SUB_SEND);
	subscribe_traced(s, "A.Lice+x@gmail.com", now + 60, &res, &log);
	assert_int_equal(res, STORE_SUB_QUIET);
	subscribe_traced(s, "alice@gmail.com", now + 86000, &res, &log);
	assert_int_equal(res, STORE_SUB_QUIET);
	/* A day on, the reader may ask again. */
	subscribe_traced(s, "a.lice@gmail.com", now + 86401, &res, &log);
	assert_int_equal(res, STORE_SUB_SEND);
	assert_int_equal(store_int(s, "SELECT count(*) FROM mailq", 0, NULL,
	    &queued, &err), 0);
	assert_int_equal(queued, 2);
	store_close(s);
	rmsite(dir);
	buf_free(&log);
}

/*
 * A confirmed address whose mail bounced may come back the way a reader
 * who left does: by asking again and confirming, which clears the bounce.
 */
static void
bounced_reader_confirms_again(void **state)
{
	char		 dir[] = "/tmp/stet-test-sub.XXXXXX";
	char		 token[STORE_TOKEN_LEN + 1];
	struct store	*s;
	struct err	 err;
	enum store_add	 added;
	enum store_sub	 res;
	enum store_confirm conf;
	int64_t		 now = 1800000000, retry, bouncing;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(&s, dir, &err), 0);
	assert_int_equal(store_add_confirmed(s, "bo@example.org", "owner-add",
	    now, &added, &err), 0);
	assert_int_equal(store_ints(s, "UPDATE subscribers SET "
	    "bouncing_at = ?1, failures = 3", 1, (int64_t[]){ now }, NULL,
	    &err), 0);
	store_new_token(token);
	assert_int_equal(store_subscribe(s, "bo@example.org", token, "msg", 3,
	    now + 10, 1000, &res, &retry, &err), 0);
	assert_int_equal(res, STORE_SUB_SEND);
	assert_int_equal(store_confirm(s, token, strlen(token), now + 20,
	    &conf, NULL, &err), 0);
	assert_int_equal(conf, STORE_CONFIRM_DONE);
	assert_int_equal(store_int(s, "SELECT count(*) FROM subscribers WHERE "
	    "bouncing_at IS NOT NULL OR failures != 0", 0, NULL, &bouncing,
	    &err), 0);
	assert_int_equal(bouncing, 0);
	store_close(s);
	rmsite(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mailbox_folding),
		cmocka_unit_test(bounced_reader_confirms_again),
		cmocka_unit_test(address_refusals),
		cmocka_unit_test(idperm_is_a_permutation),
		cmocka_unit_test(same_statements_for_every_address),
		cmocka_unit_test(one_confirmation_a_mailbox_a_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
