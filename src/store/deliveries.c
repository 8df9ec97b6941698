/*
 * The sender's bookkeeping: which posts were announced, one delivery
 * per post and reader with its outcome, the lease that keeps to one
 * sender at a time, and the addresses that bounce.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store.h"
#include "store_impl.h"

static const char *const post_states[] = {
	"new", "skipped", "sending", "done"
};

int
store_lease_take(struct store *s, const char *what, long pid,
    const char *host, int64_t now, int ttl, int *got, char *held, size_t n,
    struct err *err)
{
	sqlite3_stmt	*st = NULL;
	const char	*hhost, *hwhat;
	long		 hpid;
	int64_t		 until;
	int		 rc = -1, r, own = !s->in_tx, live;

	*got = 0;
	if (own && store_begin(s, err) == -1)
		return -1;
	if (store_prep(s, &st, "SELECT pid, host, what, expires_at FROM lease "
	    "WHERE name = 'send'", err) == -1)
		goto out;
	if ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	if (r == SQLITE_ROW) {
		hpid = (long)sqlite3_column_int64(st, 0);
		hhost = (const char *)sqlite3_column_text(st, 1);
		hwhat = (const char *)sqlite3_column_text(st, 2);
		until = sqlite3_column_int64(st, 3);
		/*
		 * A holder on this machine is asked whether it still runs:
		 * after a kill -9 the rerun need not wait for the lease to
		 * run out.  One elsewhere is trusted until it does.
		 */
		live = until > now;
		if (live && hhost != NULL && strcmp(hhost, host) == 0)
			live = hpid == pid ||
			    !(kill((pid_t)hpid, 0) == -1 && errno == ESRCH);
		if (live && !(hpid == pid && hhost != NULL &&
		    strcmp(hhost, host) == 0)) {
			(void)snprintf(held, n, "%s (process %ld on %s)",
			    hwhat != NULL ? hwhat : "?", hpid,
			    hhost != NULL ? hhost : "?");
			rc = 0;
			goto out;
		}
	}
	sqlite3_finalize(st);
	if (store_prep(s, &st, "INSERT OR REPLACE INTO lease (name, pid, host, "
	    "what, expires_at) VALUES ('send', ?1, ?2, ?3, ?4)", err) == -1)
		goto out;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_text(st, 2, host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now + ttl);
	rc = store_run(s, st, err);
	st = NULL;
	if (rc == 0)
		*got = 1;
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

int
store_lease_release(struct store *s, long pid, const char *host,
    struct err *err)
{
	sqlite3_stmt	*st;

	if (store_prep(s, &st, "DELETE FROM lease WHERE name = 'send' AND pid = ?1 "
	    "AND host = ?2", err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_text(st, 2, host, -1, SQLITE_STATIC);
	return store_run(s, st, err);
}

int
store_send_begun(struct store *s, int *yes, struct err *err)
{
	int64_t	 v;

	if (store_int(s, "SELECT EXISTS (SELECT 1 FROM posts) OR "
	    "EXISTS (SELECT 1 FROM meta WHERE key = 'send_begun')", 0, NULL,
	    &v, err) == -1)
		return -1;
	*yes = v != 0;
	return 0;
}

int
store_send_begin(struct store *s, int64_t now, struct err *err)
{
	return store_ints(s, "INSERT OR IGNORE INTO meta (key, value) "
	    "VALUES ('send_begun', ?1)", 1, (int64_t[]){ now }, NULL, err);
}

int
store_post_state(struct store *s, const char *id, enum store_post *state,
    struct err *err)
{
	sqlite3_stmt	*st;
	const char	*name;
	int		 r, i;

	if (store_prep(s, &st, "SELECT state FROM posts WHERE id = ?1", err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	*state = STORE_POST_NEW;
	if (r == SQLITE_ROW && (name = (const char *)sqlite3_column_text(st,
	    0)) != NULL)
		for (i = 1; i < 4; i++)
			if (strcmp(name, post_states[i]) == 0)
				*state = (enum store_post)i;
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

int
store_post_skip(struct store *s, const char *id, const char *slug,
    int64_t now, struct err *err)
{
	sqlite3_stmt	*st;

	if (store_prep(s, &st, "INSERT OR IGNORE INTO posts (id, slug, state, "
	    "started_at, finished_at) VALUES (?1, ?2, 'skipped', ?3, ?3)",
	    err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return store_run(s, st, err);
}

int
store_post_start(struct store *s, const char *id, const char *slug,
    int64_t now, size_t *readers, struct err *err)
{
	sqlite3_stmt	*st = NULL;
	int		 rc = -1, own = !s->in_tx;

	if (own && store_begin(s, err) == -1)
		return -1;
	if (store_prep(s, &st, "INSERT INTO posts (id, slug, state, started_at) "
	    "VALUES (?1, ?2, 'sending', ?3)", err) == -1)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	if (store_run(s, st, err) == -1)
		goto out;
	if (store_prep(s, &st, "INSERT INTO deliveries (post, subscriber, state) "
	    "SELECT ?1, id, 'pending' FROM subscribers "
	    "WHERE state = 'confirmed' AND bouncing_at IS NULL", err) == -1)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (store_run(s, st, err) == -1)
		goto out;
	*readers = (size_t)sqlite3_changes(s->db);
	if (store_prep(s, &st, "UPDATE posts SET readers = ?2 WHERE id = ?1",
	    err) == -1)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)*readers);
	rc = store_run(s, st, err);
out:
	st = NULL;
	return store_finish(s, own, rc, err);
}

int
store_post_progress(struct store *s, const char *id, int64_t now,
    size_t *pending, size_t *sent, size_t *failed, int64_t *due, int *done,
    struct err *err)
{
	sqlite3_stmt	*st = NULL;
	int		 rc = -1, own = !s->in_tx;

	*done = 0;
	if (own && store_begin(s, err) == -1)
		return -1;
	if (store_prep(s, &st, "SELECT "
	    "  count(*) FILTER (WHERE d.state = 'pending' AND "
	    "    s.state = 'confirmed' AND s.bouncing_at IS NULL),"
	    "  min(d.next_at) FILTER (WHERE d.state = 'pending' AND "
	    "    s.state = 'confirmed' AND s.bouncing_at IS NULL),"
	    "  count(*) FILTER (WHERE d.state = 'sent'),"
	    "  count(*) FILTER (WHERE d.state = 'failed') "
	    "FROM deliveries d JOIN subscribers s ON s.id = d.subscriber "
	    "WHERE d.post = ?1", err) == -1)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_dberr(s, err);
		goto out;
	}
	*pending = (size_t)sqlite3_column_int64(st, 0);
	*due = sqlite3_column_int64(st, 1);
	*sent = (size_t)sqlite3_column_int64(st, 2);
	*failed = (size_t)sqlite3_column_int64(st, 3);
	sqlite3_finalize(st);
	st = NULL;
	if (*pending > 0) {
		rc = 0;
		goto out;
	}
	/* Whoever is left pending has left the list (or bounces). */
	if (store_prep(s, &st, "UPDATE deliveries SET state = 'failed', "
	    "last_reply = 'not sent: no longer subscribed', done_at = ?2 "
	    "WHERE post = ?1 AND state = 'pending'", err) == -1)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if (store_run(s, st, err) == -1)
		goto out;
	if (store_prep(s, &st, "UPDATE posts SET state = 'done', finished_at = ?2 "
	    "WHERE id = ?1 AND state = 'sending'", err) == -1)
		goto out;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if (store_run(s, st, err) == -1)
		goto out;
	*done = 1;
	rc = 0;
out:
	st = NULL;
	return store_finish(s, own, rc, err);
}

int
store_deliveries_due(struct store *s, const char *id, int64_t now,
    int64_t after, size_t max,
    int (*fn)(const struct store_delivery *, void *, struct err *),
    void *arg, struct err *err)
{
	struct store_delivery d;
	sqlite3_stmt	*st;
	int		 rc = -1, r;

	if (store_prep(s, &st, "SELECT d.subscriber, s.email, d.attempts "
	    "FROM deliveries d JOIN subscribers s ON s.id = d.subscriber "
	    "WHERE d.post = ?1 AND d.state = 'pending' AND d.next_at <= ?2 "
	    "AND d.subscriber > ?3 AND s.state = 'confirmed' "
	    "AND s.bouncing_at IS NULL ORDER BY d.subscriber LIMIT ?4",
	    err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_int64(st, 4, (int64_t)max);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		d.subscriber = sqlite3_column_int64(st, 0);
		d.email = (const char *)sqlite3_column_text(st, 1);
		d.attempts = sqlite3_column_int(st, 2);
		if (d.email == NULL)
			continue;
		if (fn(&d, arg, err) != 0)
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
store_still_wanted(struct store *s, int64_t id, int *yes, struct err *err)
{
	sqlite3_stmt	*st;
	int		 r;

	if (store_hot(s, HOT_WANTED, "SELECT 1 FROM subscribers WHERE "
	    "id = ?1 AND state = 'confirmed' AND bouncing_at IS NULL", &st,
	    err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	*yes = r == SQLITE_ROW;
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

int
store_delivery_record(struct store *s, const char *id, int64_t subscriber,
    enum store_outcome o, int64_t now, int64_t next_at, const char *reply,
    size_t max_failures, struct err *err)
{
	static const char *const sql[] = {
		[STORE_SENT] = "UPDATE deliveries SET state = 'sent', "
		    "attempts = attempts + 1, done_at = ?3, last_reply = ?4 "
		    "WHERE post = ?1 AND subscriber = ?2",
		[STORE_RETRY] = "UPDATE deliveries SET "
		    "attempts = attempts + 1, next_at = ?3, last_reply = ?4, "
		    "relay_fault = 0 WHERE post = ?1 AND subscriber = ?2",
		[STORE_AGAIN] = "UPDATE deliveries SET "
		    "attempts = attempts + 1, next_at = ?3, last_reply = ?4, "
		    "relay_fault = 1 WHERE post = ?1 AND subscriber = ?2",
		[STORE_FAILED] = "UPDATE deliveries SET state = 'failed', "
		    "attempts = attempts + 1, done_at = ?3, last_reply = ?4 "
		    "WHERE post = ?1 AND subscriber = ?2"
	};
	static const enum store_hot hot[] = {
		[STORE_SENT] = HOT_SENT, [STORE_RETRY] = HOT_RETRY,
		[STORE_FAILED] = HOT_FAILED, [STORE_AGAIN] = HOT_AGAIN
	};
	sqlite3_stmt	*st;

	if (store_hot(s, hot[o], sql[o], &st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, subscriber);
	sqlite3_bind_int64(st, 3, o == STORE_RETRY || o == STORE_AGAIN ?
	    next_at : now);
	sqlite3_bind_text(st, 4, reply, -1, SQLITE_STATIC);
	if (store_hot_run(s, st, err) == -1)
		return -1;
	if (o != STORE_FAILED || max_failures == 0)
		return 0;
	if (store_hot(s, HOT_BOUNCE, "UPDATE subscribers SET "
	    "failures = failures + 1, bouncing_at = CASE WHEN "
	    "failures + 1 >= ?2 THEN ?3 ELSE bouncing_at END WHERE id = ?1",
	    &st, err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, subscriber);
	sqlite3_bind_int64(st, 2, (int64_t)max_failures);
	sqlite3_bind_int64(st, 3, now);
	return store_hot_run(s, st, err);
}

int
store_message_key(struct store *s, const char *id, int64_t n, char out[33])
{
	crypto_generichash_state gs;
	unsigned char	 h[16], nb[8];
	size_t		 i;

	for (i = 0; i < 8; i++)
		nb[i] = (unsigned char)((uint64_t)n >> (8 * i));
	crypto_generichash_init(&gs, s->key, sizeof(s->key), sizeof(h));
	crypto_generichash_update(&gs, (const unsigned char *)"message-id",
	    10);
	crypto_generichash_update(&gs, (const unsigned char *)id,
	    strlen(id) + 1);
	crypto_generichash_update(&gs, nb, sizeof(nb));
	crypto_generichash_final(&gs, h, sizeof(h));
	sodium_bin2hex(out, 33, h, sizeof(h));
	return 0;
}

int
store_relax_sync(struct store *s, struct err *err)
{
	return store_exec(s, "PRAGMA synchronous = NORMAL", err);
}

int
store_deliveries_rewind(struct store *s, int64_t now, struct err *err)
{
	return store_ints(s, "UPDATE deliveries SET next_at = ?1 WHERE "
	    "post IN (SELECT id FROM posts WHERE state = 'sending') AND "
	    "state = 'pending' AND relay_fault = 1 AND next_at > ?1", 1,
	    (int64_t[]){ now }, NULL, err);
}

int
store_published(struct store *s, const char *id, const char *slug,
    int64_t now, struct err *err)
{
	sqlite3_stmt	*st;

	if (store_prep(s, &st, "INSERT OR IGNORE INTO published (id, slug, "
	    "built_at) VALUES (?1, ?2, ?3)", err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return store_run(s, st, err);
}

int
store_published_at(struct store *s, const char *id, int64_t *at,
    struct err *err)
{
	sqlite3_stmt	*st;
	int		 r;

	*at = 0;
	if (store_prep(s, &st, "SELECT built_at FROM published WHERE id = ?1",
	    err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) == SQLITE_ROW)
		*at = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

int
store_post_find(struct store *s, const char *key, char *out, size_t n,
    int *found, struct err *err)
{
	sqlite3_stmt	*st;
	const char	*id;
	int		 r;

	*found = 0;
	/* An id first: a slug may have been given to another post since. */
	if (store_prep(s, &st, "SELECT id FROM posts WHERE state != 'skipped' "
	    "AND (id = ?1 OR slug = ?1) ORDER BY id = ?1 DESC, "
	    "started_at DESC LIMIT 1", err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) == SQLITE_ROW &&
	    (id = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    (size_t)snprintf(out, n, "%s", id) < n)
		*found = 1;
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

int
store_post_retry(struct store *s, const char *id, size_t *n,
    struct err *err)
{
	static const char *const sql[] = {
		"UPDATE deliveries SET state = 'pending', next_at = 0, "
		"  attempts = 0, done_at = NULL, relay_fault = 0 "
		"  WHERE post = ?1 AND state = 'failed'",
		"UPDATE deliveries SET next_at = 0 WHERE post = ?1 AND "
		"  state = 'pending'",
		"UPDATE posts SET state = 'sending', finished_at = NULL "
		"  WHERE id = ?1 AND state = 'done'"
	};
	sqlite3_stmt	*st = NULL;
	size_t		 i;
	int		 rc = -1, own = !s->in_tx;

	*n = 0;
	if (own && store_begin(s, err) == -1)
		return -1;
	for (i = 0; i < sizeof(sql) / sizeof(*sql); i++) {
		if (store_prep(s, &st, sql[i], err) == -1)
			goto out;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (store_run(s, st, err) == -1)
			goto out;
		if (i == 0)
			*n = (size_t)sqlite3_changes(s->db);
	}
	rc = 0;
out:
	return store_finish(s, own, rc, err);
}

static int
status_reasons(struct store *s, const char *id,
    int (*reason)(const char *, const char *, size_t, void *, struct err *),
    void *arg, struct err *err)
{
	sqlite3_stmt	*st;
	int		 rc = -1, r;

	if (store_prep(s, &st, "SELECT state, last_reply, count(*) FROM "
	    "deliveries WHERE post = ?1 AND state != 'sent' GROUP BY 1, 2 "
	    "ORDER BY 3 DESC, 1, 2", err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if (reason((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (size_t)sqlite3_column_int64(st, 2), arg, err) != 0)
			goto out;
	if (r != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int
status_unsent(struct store *s,
    int (*unsent)(const char *, const char *, int64_t, void *, struct err *),
    void *arg, struct err *err)
{
	sqlite3_stmt	*st;
	const char	*id, *slug;
	int		 rc = -1, r;

	if (store_prep(s, &st, "SELECT id, slug, built_at FROM published "
	    "WHERE id NOT IN (SELECT id FROM posts) ORDER BY built_at, id",
	    err) == -1)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		slug = (const char *)sqlite3_column_text(st, 1);
		if (id != NULL && slug != NULL && unsent(id, slug,
		    sqlite3_column_int64(st, 2), arg, err) != 0)
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
store_status(struct store *s,
    int (*post)(const struct store_post_status *, void *, struct err *),
    int (*reason)(const char *, const char *, size_t, void *, struct err *),
    int (*unsent)(const char *, const char *, int64_t, void *, struct err *),
    void *arg, struct err *err)
{
	struct store_post_status p;
	sqlite3_stmt	*st;
	int		 rc = -1, r;

	if (store_prep(s, &st, "SELECT p.id, p.slug, p.state, p.started_at, "
	    "  coalesce(p.finished_at, 0), p.readers,"
	    "  count(d.subscriber) FILTER (WHERE d.state = 'sent'),"
	    "  count(d.subscriber) FILTER (WHERE d.state = 'pending'),"
	    "  count(d.subscriber) FILTER (WHERE d.state = 'failed') "
	    "FROM posts p LEFT JOIN deliveries d ON d.post = p.id "
	    "WHERE p.state != 'skipped' GROUP BY p.id "
	    "ORDER BY p.started_at, p.id", err) == -1)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		p.id = (const char *)sqlite3_column_text(st, 0);
		p.slug = (const char *)sqlite3_column_text(st, 1);
		p.state = (const char *)sqlite3_column_text(st, 2);
		p.started_at = sqlite3_column_int64(st, 3);
		p.finished_at = sqlite3_column_int64(st, 4);
		p.readers = (size_t)sqlite3_column_int64(st, 5);
		p.sent = (size_t)sqlite3_column_int64(st, 6);
		p.pending = (size_t)sqlite3_column_int64(st, 7);
		p.failed = (size_t)sqlite3_column_int64(st, 8);
		if (p.id == NULL || p.slug == NULL || p.state == NULL)
			continue;
		if (post(&p, arg, err) != 0 ||
		    status_reasons(s, p.id, reason, arg, err) == -1)
			goto out;
	}
	if (r != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	rc = status_unsent(s, unsent, arg, err);
out:
	sqlite3_finalize(st);
	return rc;
}
