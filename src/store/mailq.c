/*
 * The queue of confirmation messages: composed when the reader asks,
 * committed with the request, sent by a mail thread, deleted once the
 * relay has taken them (secure_delete overwrites the token they carry).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_impl.h"

int
store_mailq_add(struct store *s, int64_t subscriber, const char *rcpt,
    const void *msg, size_t len, int64_t now, struct err *err)
{
	sqlite3_stmt	*st;

	if (store_prep(s, &st, "INSERT INTO mailq (subscriber, rcpt, "
	    "message, created_at, next_at) VALUES (?1, ?2, ?3, ?4, ?4)",
	    err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, subscriber);
	sqlite3_bind_text(st, 2, rcpt, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 3, msg, len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	return store_run(s, st, err);
}

int
store_mailq_due(struct store *s, int64_t now, size_t max,
    int (*fn)(const struct store_queued *, void *, struct err *), void *arg,
    struct err *err)
{
	struct store_queued q;
	sqlite3_stmt	*st;
	int		 rc = -1, r;

	if (store_prep(s, &st, "SELECT id, rcpt, message, attempts, "
	    "created_at FROM mailq WHERE next_at <= ?1 ORDER BY next_at, id "
	    "LIMIT ?2", err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&q, 0, sizeof(q));
		q.id = sqlite3_column_int64(st, 0);
		q.rcpt = (const char *)sqlite3_column_text(st, 1);
		q.msg = sqlite3_column_blob(st, 2);
		q.len = (size_t)sqlite3_column_bytes(st, 2);
		q.attempts = sqlite3_column_int(st, 3);
		q.created_at = sqlite3_column_int64(st, 4);
		if (q.rcpt == NULL || q.msg == NULL)
			continue;
		if (fn(&q, arg, err) != 0)
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
store_mailq_done(struct store *s, int64_t id, struct err *err)
{
	return store_ints(s, "DELETE FROM mailq WHERE id = ?1", 1,
	    (int64_t[]){ id }, NULL, err);
}

int
store_mailq_retry(struct store *s, int64_t id, int64_t next_at,
    const char *reply, struct err *err)
{
	sqlite3_stmt	*st;

	if (store_prep(s, &st, "UPDATE mailq SET attempts = attempts + 1, "
	    "next_at = ?2, last_reply = ?3 WHERE id = ?1", err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, next_at);
	sqlite3_bind_text(st, 3, reply, -1, SQLITE_STATIC);
	return store_run(s, st, err);
}

int
store_mailq_next(struct store *s, int64_t *at, struct err *err)
{
	return store_int(s, "SELECT min(next_at) FROM mailq", 0, NULL, at,
	    err);
}

int
store_mailq_rewind(struct store *s, int64_t now, struct err *err)
{
	return store_ints(s, "UPDATE mailq SET next_at = ?1 "
	    "WHERE next_at > ?1", 1, (int64_t[]){ now }, NULL, err);
}

int
store_mailq_summary(struct store *s, size_t *count, int64_t *oldest,
    char *reply, size_t n, struct err *err)
{
	sqlite3_stmt	*st;
	const char	*r;
	int		 rc;

	*count = 0;
	*oldest = 0;
	if (n > 0)
		reply[0] = '\0';
	if (store_prep(s, &st, "SELECT count(*), min(created_at), (SELECT "
	    "last_reply FROM mailq WHERE last_reply IS NOT NULL ORDER BY "
	    "attempts DESC, id LIMIT 1) FROM mailq", err) == -1)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*count = (size_t)sqlite3_column_int64(st, 0);
		*oldest = sqlite3_column_int64(st, 1);
		if ((r = (const char *)sqlite3_column_text(st, 2)) != NULL &&
		    n > 0)
			(void)snprintf(reply, n, "%s", r);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_dberr(s, err);
}
