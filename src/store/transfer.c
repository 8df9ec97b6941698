/*
 * Moving a list in and out of the store: imports that keep every reader
 * who left out, and the secret and suppression hashes of a whole site.
 */
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store.h"
#include "store_impl.h"
#include "transfer.h"

_Static_assert(STORE_SECRET_LEN == STORE_KEYLEN, "the secret's length");
_Static_assert(STORE_SUPP_LEN == STORE_HASHLEN, "a hash's length");

/* Bind v to i, or NULL for 0 (the columns' "never"). */
static int
bind_time(sqlite3_stmt *st, int i, int64_t v)
{
	return v == 0 ? sqlite3_bind_null(st, i) :
	    sqlite3_bind_int64(st, i, v);
}

static int
import_insert(struct store *s, const struct store_row *r, struct err *err)
{
	sqlite3_stmt	*st = NULL;
	int		 ok;

	/*
	 * The id is kept, for the unsubscribe links made with it, unless
	 * another reader here has it (then no old link can be this
	 * reader's anyway, since it also binds the address).
	 */
	if (store_prep(s, &st, "INSERT INTO subscribers (id, email, state, "
	    "created_at, confirmed_at, unsubscribed_at, source, failures, "
	    "bouncing_at, token_expires) VALUES (CASE WHEN EXISTS (SELECT 1 "
	    "FROM subscribers WHERE id = ?1) THEN NULL ELSE ?1 END, "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", err) == -1)
		return -1;
	/*
	 * A pending reader comes without a confirm token (its hash is of
	 * no use without the old link); it is forgotten when its request
	 * would have expired, as one made here would be.
	 */
	ok = bind_time(st, 1, r->id) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, r->email, -1, SQLITE_STATIC) ==
	    SQLITE_OK &&
	    sqlite3_bind_text(st, 3, store_state_name(r->state), -1,
	    SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 4, r->created_at) == SQLITE_OK &&
	    bind_time(st, 5, r->confirmed_at) == SQLITE_OK &&
	    bind_time(st, 6, r->unsubscribed_at) == SQLITE_OK &&
	    sqlite3_bind_text(st, 7, r->source, -1, SQLITE_STATIC) ==
	    SQLITE_OK &&
	    sqlite3_bind_int64(st, 8, r->failures) == SQLITE_OK &&
	    bind_time(st, 9, r->bouncing_at) == SQLITE_OK &&
	    bind_time(st, 10, r->state == STORE_PENDING ?
	    r->created_at + STORE_CONFIRM_TTL : 0) == SQLITE_OK;
	if (!ok) {
		sqlite3_finalize(st);
		return store_dberr(s, err);
	}
	return store_run(s, st, err);
}

int
store_import_row(struct store *s, const struct store_row *r,
    enum store_put *res, struct err *err)
{
	sqlite3_stmt	*st = NULL;
	const char	*state;
	int64_t		 id, confirmed_at, bouncing_at;
	int		 rc = -1, r2, supp, left, own = !s->in_tx;

	if (own && store_begin(s, err) == -1)
		return -1;
	if (store_is_suppressed(s, r->email, &supp, err) == -1)
		goto out;
	if (supp) {
		*res = STORE_PUT_SUPPRESSED;
		rc = 0;
		goto out;
	}
	if (store_prep(s, &st, "SELECT id, state, confirmed_at, bouncing_at "
	    "FROM subscribers WHERE email = ?1", err) == -1)
		goto out;
	if (sqlite3_bind_text(st, 1, r->email, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    ((r2 = sqlite3_step(st)) != SQLITE_ROW && r2 != SQLITE_DONE)) {
		store_dberr(s, err);
		goto out;
	}
	if (r2 == SQLITE_DONE) {
		sqlite3_finalize(st);
		st = NULL;
		if (import_insert(s, r, err) == -1)
			goto out;
		*res = STORE_PUT_ADDED;
		rc = 0;
		goto out;
	}
	id = sqlite3_column_int64(st, 0);
	state = (const char *)sqlite3_column_text(st, 1);
	left = state == NULL || strcmp(state, "unsubscribed") == 0;
	confirmed_at = sqlite3_column_int64(st, 2);
	bouncing_at = sqlite3_column_int64(st, 3);
	sqlite3_finalize(st);
	st = NULL;
	*res = left || bouncing_at != 0 ? STORE_PUT_STAYS_LEFT :
	    STORE_PUT_KEPT;
	if (left) {
		rc = 0;
		goto out;
	}
	/*
	 * News that the reader left elsewhere after confirming here counts;
	 * an old export's unsubscribe from before a new confirmation here
	 * does not undo what the reader chose since.
	 */
	if (r->state == STORE_UNSUBSCRIBED && (r->unsubscribed_at == 0 ||
	    r->unsubscribed_at >= confirmed_at)) {
		if (store_ints(s, "UPDATE subscribers SET "
		    "state = 'unsubscribed', unsubscribed_at = ?2, "
		    "token_hash = NULL, token_expires = NULL WHERE id = ?1", 2,
		    (int64_t[]){ id, r->unsubscribed_at != 0 ?
		    r->unsubscribed_at : r->created_at }, NULL, err) == -1 ||
		    store_ints(s, "DELETE FROM mailq WHERE subscriber = ?1", 1,
		    (int64_t[]){ id }, NULL, err) == -1)
			goto out;
		*res = STORE_PUT_NOW_LEFT;
	}
	if (r->bouncing_at != 0 && bouncing_at == 0) {
		if (store_ints(s, "UPDATE subscribers SET bouncing_at = ?2 "
		    "WHERE id = ?1", 2, (int64_t[]){ id, r->bouncing_at }, NULL,
		    err) == -1)
			goto out;
		*res = STORE_PUT_NOW_LEFT;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

void
store_secret(const struct store *s, unsigned char out[STORE_SECRET_LEN])
{
	memcpy(out, s->key, STORE_SECRET_LEN);
}

int
store_restore_secret(struct store *s,
    const unsigned char key[STORE_SECRET_LEN], int *taken, struct err *err)
{
	sqlite3_stmt	*st = NULL;
	int64_t		 n;
	int		 rc = -1, own = !s->in_tx;

	*taken = 0;
	if (sodium_memcmp(key, s->key, STORE_SECRET_LEN) == 0) {
		*taken = 1;
		return 0;
	}
	if (own && store_begin(s, err) == -1)
		return -1;
	/*
	 * A reader here has links made under the old secret, and a hash
	 * here is of it: changing it would break the one and void the
	 * other.
	 */
	if (store_int(s, "SELECT (SELECT count(*) FROM subscribers) + "
	    "(SELECT count(*) FROM suppressed)", 0, NULL, &n, err) == -1)
		goto out;
	if (n != 0) {
		rc = 0;
		goto out;
	}
	if (store_prep(s, &st, "UPDATE meta SET value = ?1 "
	    "WHERE key = 'secret'", err) == -1)
		goto out;
	if (sqlite3_bind_blob(st, 1, key, STORE_SECRET_LEN, SQLITE_STATIC) !=
	    SQLITE_OK) {
		store_dberr(s, err);
		goto out;
	}
	rc = store_run(s, st, err);
	st = NULL;
	if (rc == 0) {
		memcpy(s->key, key, STORE_SECRET_LEN);
		*taken = 1;
	}
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

int
store_each_suppressed(struct store *s,
    int (*fn)(const unsigned char *, void *, struct err *), void *arg,
    struct err *err)
{
	sqlite3_stmt	*st = NULL;
	const void	*h;
	int		 rc = -1, r;

	if (store_prep(s, &st, "SELECT hash FROM suppressed ORDER BY hash",
	    err) == -1)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != STORE_HASHLEN ||
		    (h = sqlite3_column_blob(st, 0)) == NULL) {
			err_set(err, s->path, 0, "a damaged suppression hash");
			goto out;
		}
		if (fn(h, arg, err) != 0)
			goto out;
	}
	if (r != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int
store_add_suppressed(struct store *s, const unsigned char h[STORE_SUPP_LEN],
    struct err *err)
{
	sqlite3_stmt	*st = NULL;

	if (store_prep(s, &st, "INSERT OR IGNORE INTO suppressed (hash) "
	    "VALUES (?1)", err) == -1)
		return -1;
	if (sqlite3_bind_blob(st, 1, h, STORE_HASHLEN, SQLITE_STATIC) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return store_dberr(s, err);
	}
	return store_run(s, st, err);
}
