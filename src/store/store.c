#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "../support/text.h"
#include "store.h"
#include "store_impl.h"

#define STORE_FILE	"stet.db"
#define STORE_HISTORY	".stet/ids"	/* see site/ids.h */

/*
 * Each entry brings the schema from version i to i + 1 and sets
 * user_version itself, inside the transaction that store_migrate opens,
 * so a crash leaves the old version or the new one.  Never edit an
 * entry that has shipped; append one.
 */
static const char *const migrations[] = {
	/* v1: the list, the suppression hashes, the site's secret. */
	"CREATE TABLE subscribers ("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  state TEXT NOT NULL"
	"    CHECK(state IN ('pending','confirmed','unsubscribed')),"
	"  created_at INTEGER NOT NULL,"
	"  confirmed_at INTEGER,"
	"  unsubscribed_at INTEGER,"
	"  source TEXT NOT NULL"
	"    CHECK(source IN ('form','owner-import','owner-add'))"
	");"
	"CREATE TABLE suppressed (hash BLOB PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);"
	"PRAGMA user_version = 1;",
	/*
	 * v2: the readers' own subscribing.  A pending address (or an
	 * unsubscribed one asking back in) holds the hash of its confirm
	 * token and when it expires; confirm_sent_at bounds confirmation
	 * messages to one an hour per address and a number an hour in all.
	 * mailq holds composed confirmation messages until a mail thread
	 * has handed them over: the form never waits on a mail server.
	 */
	"ALTER TABLE subscribers ADD COLUMN token_hash BLOB;"
	"ALTER TABLE subscribers ADD COLUMN token_expires INTEGER;"
	"ALTER TABLE subscribers ADD COLUMN confirm_sent_at INTEGER;"
	"CREATE UNIQUE INDEX subscribers_token ON subscribers (token_hash)"
	"  WHERE token_hash IS NOT NULL;"
	"CREATE INDEX subscribers_sent ON subscribers (confirm_sent_at)"
	"  WHERE confirm_sent_at IS NOT NULL;"
	"CREATE TABLE mailq ("
	"  id INTEGER PRIMARY KEY,"
	"  subscriber INTEGER NOT NULL"
	"    REFERENCES subscribers (id) ON DELETE CASCADE,"
	"  rcpt TEXT NOT NULL,"
	"  message BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  next_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_reply TEXT"
	");"
	"CREATE INDEX mailq_subscriber ON mailq (subscriber);"
	"PRAGMA user_version = 2;",
	/*
	 * v3: sending posts.  posts records each post by its permanent id
	 * once it is announced (or, at the first run, marked as published
	 * before sending began); deliveries is the outbox, one row per
	 * post and reader, made when the post's sending begins, so a
	 * reader who confirms later gets the next post, not this one.
	 * lease lets one sender run at a time.  failures counts permanent
	 * refusals of an address; past mail.max_failures it is bouncing.
	 */
	"ALTER TABLE subscribers ADD COLUMN failures INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE subscribers ADD COLUMN bouncing_at INTEGER;"
	"CREATE TABLE posts ("
	"  id TEXT PRIMARY KEY,"
	"  slug TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK(state IN ('skipped','sending','done')),"
	"  started_at INTEGER NOT NULL,"
	"  finished_at INTEGER,"
	"  readers INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE deliveries ("
	"  post TEXT NOT NULL REFERENCES posts (id),"
	"  subscriber INTEGER NOT NULL"
	"    REFERENCES subscribers (id) ON DELETE CASCADE,"
	"  state TEXT NOT NULL CHECK(state IN ('pending','sent','failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL DEFAULT 0,"
	"  last_reply TEXT,"
	"  done_at INTEGER,"
	"  PRIMARY KEY (post, subscriber)"
	") WITHOUT ROWID;"
	"CREATE INDEX deliveries_subscriber ON deliveries (subscriber);"
	"CREATE TABLE lease ("
	"  name TEXT PRIMARY KEY,"
	"  pid INTEGER NOT NULL,"
	"  host TEXT NOT NULL,"
	"  what TEXT NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	");"
	"PRAGMA user_version = 3;",
	/*
	 * v4 (the hold before sending): when a build first published each
	 * post, so the sender mails it only mail.hold minutes later.  Its
	 * own table, not a column of posts: a post is held before it is
	 * announced, and posts holds only announced ones.
	 */
	"CREATE TABLE published ("
	"  id TEXT PRIMARY KEY,"
	"  slug TEXT NOT NULL,"
	"  built_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"PRAGMA user_version = 4;",
	/*
	 * v5 (relay faults): whether a pending delivery waits because the
	 * relay failed rather than because the reader's address put it off;
	 * a new run tries the first kind at once and leaves the second to
	 * its backoff.
	 */
	"ALTER TABLE deliveries ADD COLUMN relay_fault INTEGER NOT NULL "
	"  DEFAULT 0;"
	"PRAGMA user_version = 5;",
	/*
	 * v6: mail that came back (bounces.c).  bounces keeps each
	 * bounce and complaint matched to a reader, so soft ones can be
	 * counted over time; bounce_seen names every report looked at
	 * (a digest of the message, or the webhook's id), so reading a
	 * mailbox twice counts nothing twice.
	 */
	"CREATE TABLE bounces ("
	"  id INTEGER PRIMARY KEY,"
	"  subscriber INTEGER NOT NULL"
	"    REFERENCES subscribers (id) ON DELETE CASCADE,"
	"  post TEXT,"
	"  kind TEXT NOT NULL CHECK(kind IN ('soft','hard','complaint')),"
	"  status TEXT NOT NULL,"
	"  detail TEXT,"
	"  source TEXT NOT NULL,"
	"  at INTEGER NOT NULL"
	");"
	"CREATE INDEX bounces_subscriber ON bounces (subscriber, kind, at);"
	"CREATE TABLE bounce_seen (hash BLOB PRIMARY KEY, at INTEGER NOT NULL)"
	"  WITHOUT ROWID;"
	"PRAGMA user_version = 6;",
	/*
	 * v7: the mailbox an address reaches (store_mailbox: case folded,
	 * +tag and Gmail's dots dropped), so that one inbox gets at most
	 * one confirmation a day however its address is written.  Filled
	 * for the rows already there by the SQL function stet_mailbox,
	 * which store_open defines on its connection.  Only a form sets
	 * it later (store_subscribe): the bound is on confirmations, and
	 * a row the owner adds is confirmed already.
	 */
	"ALTER TABLE subscribers ADD COLUMN mailbox TEXT;"
	"UPDATE subscribers SET mailbox = stet_mailbox(email);"
	"CREATE INDEX subscribers_mailbox ON subscribers (mailbox)"
	"  WHERE mailbox IS NOT NULL;"
	"PRAGMA user_version = 7;",
};
#define STORE_VERSION	((int)(sizeof(migrations) / sizeof(*migrations)))

static const char *const state_names[STORE_NSTATES] = {
	"pending", "confirmed", "unsubscribed"
};

static int	store_migrate(struct store *, struct err *);
static int	store_check_empty(const char *sitedir, const char *path,
		    struct err *);
static void	store_sql_mailbox(sqlite3_context *, int, sqlite3_value **);
static int	store_load_key(struct store *, int fresh, struct err *);

int
store_exec(struct store *s, const char *sql, struct err *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_dberr(s, err);
	return 0;
}

int
store_dberr(struct store *s, struct err *err)
{
	return err_set(err, s->path, 0, "%s", sqlite3_errmsg(s->db));
}

int
store_prep(struct store *s, sqlite3_stmt **st, const char *sql,
    struct err *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_dberr(s, err);
	}
	return 0;
}

/* Prepare sql and bind v[0] .. v[n - 1] to ?1 .. ?n. */
static int
prep_ints(struct store *s, sqlite3_stmt **st, const char *sql, int n,
    const int64_t *v, struct err *err)
{
	int	 i;

	if (store_prep(s, st, sql, err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (sqlite3_bind_int64(*st, i + 1, v[i]) != SQLITE_OK) {
			sqlite3_finalize(*st);
			*st = NULL;
			return store_dberr(s, err);
		}
	return 0;
}

int
store_ints(struct store *s, const char *sql, int n, const int64_t *v,
    size_t *changes, struct err *err)
{
	sqlite3_stmt	*st;

	if (prep_ints(s, &st, sql, n, v, err) == -1 ||
	    store_run(s, st, err) == -1)
		return -1;
	if (changes != NULL)
		*changes = (size_t)sqlite3_changes(s->db);
	return 0;
}

int
store_int(struct store *s, const char *sql, int n, const int64_t *v,
    int64_t *out, struct err *err)
{
	sqlite3_stmt	*st;
	int		 r;

	if (prep_ints(s, &st, sql, n, v, err) == -1)
		return -1;
	r = sqlite3_step(st);
	*out = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? 0 : store_dberr(s, err);
}

int
store_hot(struct store *s, enum store_hot which, const char *sql,
    sqlite3_stmt **st, struct err *err)
{
	if (s->hot[which] == NULL && sqlite3_prepare_v3(s->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &s->hot[which], NULL) != SQLITE_OK) {
		s->hot[which] = NULL;
		return store_dberr(s, err);
	}
	*st = s->hot[which];
	return 0;
}

int
store_hot_run(struct store *s, sqlite3_stmt *st, struct err *err)
{
	int	 r = sqlite3_step(st);

	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

int
store_run(struct store *s, sqlite3_stmt *st, struct err *err)
{
	int	 r = sqlite3_step(st);

	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

const char *
store_state_name(enum store_state st)
{
	return (unsigned)st < STORE_NSTATES ? state_names[st] : "?";
}

int
store_state_parse(const char *name, enum store_state *st)
{
	int	 i;

	for (i = 0; i < STORE_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*st = (enum store_state)i;
			return 0;
		}
	return -1;
}

int
store_open(struct store **out, const char *sitedir, struct err *err)
{
	struct store	*s;
	struct buf	 path;
	sqlite3_stmt	*st = NULL;
	const char	*mode;

	*out = NULL;
	if (sodium_init() < 0)
		return err_set(err, NULL, 0, "libsodium would not start");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	buf_init(&path, 0);
	if (buf_printf(&path, "%s/%s", sitedir, STORE_FILE) == -1 ||
	    (s->path = buf_take(&path, NULL)) == NULL) {
		err_set(err, NULL, 0, "out of memory");
		goto fail;
	}
	if (store_check_empty(sitedir, s->path, err) == -1)
		goto fail;
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(err, s->path, 0, "%s", s->db ?
		    sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	/*
	 * The web flow writes while the owner's CLI reads: WAL lets both
	 * go on, and the busy timeout makes a writer wait its turn rather
	 * than fail.  FULL syncs the WAL at every commit, so an
	 * acknowledged change survives a power cut, not only a kill.
	 */
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_create_function(s->db, "stet_mailbox", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, store_sql_mailbox, NULL, NULL) !=
	    SQLITE_OK) {
		store_dberr(s, err);
		goto fail;
	}
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		store_dberr(s, err);
		goto fail;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		err_set(err, s->path, 0, "cannot use WAL mode (got %s)",
		    mode ? mode : "nothing");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	/*
	 * secure_delete: a removed address is overwritten in the file,
	 * not left in a free page for anyone with the file to read.
	 */
	if (store_exec(s, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA secure_delete = ON;", err) == -1 ||
	    store_migrate(s, err) == -1)
		goto fail;
	buf_free(&path);
	*out = s;
	return 0;
fail:
	sqlite3_finalize(st);
	buf_free(&path);
	store_close(s);
	return -1;
}

/*
 * SQLite takes an empty file for a new database and would fill it with
 * a new secret.  On a site that has published, an empty stet.db is one
 * that lost its contents (a full disk, a bad copy, a truncation): say
 * so and change nothing, whatever the command.  The WAL may still hold
 * all of it, as it does between checkpoints; then SQLite reads it.
 */
static int
store_check_empty(const char *sitedir, const char *path, struct err *err)
{
	struct stat	 st;
	struct buf	 b;
	int		 history;

	if (stat(path, &st) == -1 || st.st_size != 0)
		return 0;
	buf_init(&b, 0);
	if (buf_printf(&b, "%s-wal", path) == -1)
		return err_set(err, NULL, 0, "out of memory");
	if (stat(b.data, &st) == 0 && st.st_size > 0) {
		buf_free(&b);
		return 0;
	}
	buf_reset(&b);
	if (buf_printf(&b, "%s/%s", sitedir, STORE_HISTORY) == -1)
		return err_set(err, NULL, 0, "out of memory");
	history = access(b.data, F_OK) == 0;
	buf_free(&b);
	if (!history)
		return 0;
	return err_set(err, path, 0, "the file is empty, but this site has "
	    "published (%s): its subscribers and the secret of the "
	    "unsubscribe links already mailed are gone.  Nothing was "
	    "changed.  Restore stet.db from a backup (stop stet serve "
	    "first); to start an empty list on purpose, delete the empty "
	    "file", STORE_HISTORY);
}

int
store_read_only(struct store *s)
{
	return sqlite3_db_readonly(s->db, "main") == 1 ||
	    access(s->path, W_OK) == -1;
}

void
store_busy_timeout(struct store *s, int ms)
{
	sqlite3_busy_timeout(s->db, ms > 0 ? ms : 1);
}

void
store_close(struct store *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < HOT_NSTMTS; i++)
		sqlite3_finalize(s->hot[i]);
	sqlite3_close(s->db);
	sodium_memzero(s->key, sizeof(s->key));
	free(s->path);
	free(s);
}

/* stet_mailbox(email): store_mailbox in SQL, NULL for a non-address. */
static void
store_sql_mailbox(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *email;
	char		 mb[STORE_MAILBOX_MAX];

	(void)argc;
	if ((email = sqlite3_value_text(argv[0])) == NULL ||
	    store_mailbox((const char *)email, mb) == -1) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, mb, -1, SQLITE_TRANSIENT);
}

/*
 * BEGIN IMMEDIATE takes the write lock before reading user_version, so
 * two processes opening a new database cannot both run v1.
 */
static int
store_migrate(struct store *s, struct err *err)
{
	sqlite3_stmt	*st = NULL;
	int		 v, fresh;

	if (store_exec(s, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		store_dberr(s, err);
		goto fail;
	}
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (v > STORE_VERSION) {
		err_set(err, s->path, 0, "schema version %d is newer than "
		    "this stet knows (%d); use a newer stet", v, STORE_VERSION);
		goto fail;
	}
	fresh = v == 0;
	for (; v < STORE_VERSION; v++)
		if (store_exec(s, migrations[v], err) == -1)
			goto fail;
	if (store_load_key(s, fresh, err) == -1)
		goto fail;
	if (store_exec(s, "COMMIT", err) == -1)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Make the per-site secret in a new database, or read the existing one. */
static int
store_load_key(struct store *s, int fresh, struct err *err)
{
	sqlite3_stmt	*st = NULL;
	const void	*p;
	int		 rc = -1;

	if (fresh) {
		randombytes_buf(s->key, sizeof(s->key));
		if (sqlite3_prepare_v2(s->db, "INSERT INTO meta (key, value) "
		    "VALUES ('secret', ?1)", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_blob(st, 1, s->key, sizeof(s->key),
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE) {
			store_dberr(s, err);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta "
	    "WHERE key = 'secret'", -1, &st, NULL) != SQLITE_OK) {
		store_dberr(s, err);
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_type(st, 0) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, 0) != STORE_KEYLEN ||
	    (p = sqlite3_column_blob(st, 0)) == NULL) {
		err_set(err, s->path, 0, "the site secret is missing or "
		    "damaged");
		goto out;
	}
	memcpy(s->key, p, sizeof(s->key));
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * The suppression hash is of the whole address lowercased (ASCII only,
 * which is all that mail systems agree on), so "Ann@X.org" removed
 * keeps "ann@x.org" out too.  Keyed, so the list cannot be checked
 * against a list of addresses by anyone without the site's secret.
 */
int
store_hash(struct store *s, const char *email, unsigned char *out,
    struct err *err)
{
	unsigned char	 low[256];
	size_t		 i, n = strlen(email);

	if (n >= sizeof(low))
		return err_set(err, NULL, 0, "address too long");
	for (i = 0; i < n; i++)
		low[i] = (email[i] >= 'A' && email[i] <= 'Z') ?
		    (unsigned char)(email[i] - 'A' + 'a') :
		    (unsigned char)email[i];
	crypto_generichash(out, STORE_HASHLEN, low, n, s->key,
	    sizeof(s->key));
	sodium_memzero(low, sizeof(low));
	return 0;
}

int
store_is_suppressed(struct store *s, const char *email, int *yes,
    struct err *err)
{
	unsigned char	 h[STORE_HASHLEN];
	sqlite3_stmt	*st;
	int		 r;

	if (store_hash(s, email, h, err) == -1 ||
	    store_prep(s, &st, "SELECT 1 FROM suppressed WHERE hash = ?1",
	    err) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, h, STORE_HASHLEN, SQLITE_STATIC);
	r = sqlite3_step(st);
	*yes = r == SQLITE_ROW;
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

int
store_begin(struct store *s, struct err *err)
{
	if (store_exec(s, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	s->in_tx = 1;
	return 0;
}

int
store_commit(struct store *s, struct err *err)
{
	if (store_exec(s, "COMMIT", err) == -1) {
		store_rollback(s);
		return -1;
	}
	s->in_tx = 0;
	return 0;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
}

/*
 * End what a call began: a transaction of its own (own) is committed
 * when the call succeeded and rolled back when not; one the caller
 * holds is left to the caller.
 */
int
store_finish(struct store *s, int own, int rc, struct err *err)
{
	if (!own)
		return rc;
	if (rc == 0)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

int
store_add_confirmed(struct store *s, const char *email, const char *source,
    int64_t now, enum store_add *res, struct err *err)
{
	sqlite3_stmt	*st = NULL;
	const char	*state;
	int		 rc = -1, r, supp, own = !s->in_tx;

	/* Check and insert under one write lock: no race with the form. */
	if (own && store_begin(s, err) == -1)
		return -1;
	if (store_is_suppressed(s, email, &supp, err) == -1)
		goto out;
	if (supp) {
		*res = STORE_SUPPRESSED;
		rc = 0;
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, "SELECT state FROM subscribers "
	    "WHERE email = ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC) != SQLITE_OK ||
	    ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE)) {
		store_dberr(s, err);
		goto out;
	}
	if (r == SQLITE_ROW) {
		state = (const char *)sqlite3_column_text(st, 0);
		*res = state != NULL && strcmp(state, "unsubscribed") == 0 ?
		    STORE_WAS_UNSUBSCRIBED : STORE_EXISTS;
		rc = 0;
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, "INSERT INTO subscribers (email, "
	    "state, created_at, confirmed_at, source) "
	    "VALUES (?1, 'confirmed', ?2, ?2, ?3)", -1, &st, NULL) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	*res = STORE_ADDED;
	rc = 0;
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

int
store_remove(struct store *s, const char *email, int *found,
    struct err *err)
{
	unsigned char	 h[STORE_HASHLEN];
	sqlite3_stmt	*st = NULL;
	int		 rc = -1, own = !s->in_tx;

	if (store_hash(s, email, h, err) == -1)
		return -1;
	if (own && store_begin(s, err) == -1)
		return -1;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM subscribers "
	    "WHERE email = ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	*found = sqlite3_changes(s->db) > 0;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO suppressed "
	    "(hash) VALUES (?1)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

int
store_each(struct store *s, const enum store_state *state,
    int (*fn)(const struct store_subscriber *, void *, struct err *),
    void *arg, struct err *err)
{
	struct store_subscriber sub;
	sqlite3_stmt	*st = NULL;
	const char	*name;
	int		 rc = -1, r;

	if (sqlite3_prepare_v2(s->db, "SELECT id, email, state, created_at, "
	    "confirmed_at, unsubscribed_at, source, failures, bouncing_at "
	    "FROM subscribers "
	    "WHERE ?1 IS NULL OR state = ?1 ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK ||
	    (state != NULL && sqlite3_bind_text(st, 1,
	    store_state_name(*state), -1, SQLITE_STATIC) != SQLITE_OK)) {
		store_dberr(s, err);
		goto out;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&sub, 0, sizeof(sub));
		sub.id = sqlite3_column_int64(st, 0);
		sub.email = (const char *)sqlite3_column_text(st, 1);
		name = (const char *)sqlite3_column_text(st, 2);
		sub.created_at = sqlite3_column_int64(st, 3);
		sub.confirmed_at = sqlite3_column_int64(st, 4);
		sub.unsubscribed_at = sqlite3_column_int64(st, 5);
		sub.source = (const char *)sqlite3_column_text(st, 6);
		sub.failures = sqlite3_column_int64(st, 7);
		sub.bouncing_at = sqlite3_column_int64(st, 8);
		if (sub.email == NULL || name == NULL || sub.source == NULL ||
		    store_state_parse(name, &sub.state) == -1) {
			err_set(err, s->path, 0, "subscriber %lld: a "
			    "damaged row", (long long)sub.id);
			goto out;
		}
		if (fn(&sub, arg, err) != 0)
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
store_count(struct store *s, size_t counts[STORE_NSTATES], struct err *err)
{
	sqlite3_stmt	*st = NULL;
	enum store_state k;
	const char	*name;
	int		 rc = -1, r;

	memset(counts, 0, STORE_NSTATES * sizeof(*counts));
	if (sqlite3_prepare_v2(s->db, "SELECT state, count(*) FROM "
	    "subscribers GROUP BY state", -1, &st, NULL) != SQLITE_OK) {
		store_dberr(s, err);
		goto out;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		if (name != NULL && store_state_parse(name, &k) == 0)
			counts[k] = (size_t)sqlite3_column_int64(st, 1);
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

/* Bytes that only a quoted local part may hold, and we take none. */
static int
store_bad_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == ' ' || c == '"' || c == '<' ||
	    c == '>' || c == '(' || c == ')' || c == '[' || c == ']' ||
	    c == ',' || c == ';' || c == ':' || c == '\\';
}

int
store_check_address(const char *s, size_t n, struct buf *norm,
    const char **why)
{
	const char	*at = NULL, *dom, *p, *bad;
	size_t		 i, local, domlen, label, line, old = norm->len;

	if (n == 0)
		return (*why = "empty", -1);
	if (n > 254)
		return (*why = "longer than 254 bytes", -1);
	if (text_check_utf8(s, n, &line, &bad) == -1)
		return (*why = "not valid UTF-8", -1);
	/*
	 * Mail to an address with letters beyond ASCII needs SMTPUTF8
	 * all the way, which stet does not speak yet: say so now rather
	 * than fail at every send.
	 */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return (*why = "has letters beyond ASCII, which mail "
			    "from this site cannot reach yet", -1);
	for (i = 0; i < n; i++) {
		if (store_bad_byte((unsigned char)s[i]))
			return (*why = "holds a space, control character, "
			    "quote or bracket", -1);
		if (s[i] == '@') {
			if (at != NULL)
				return (*why = "more than one @", -1);
			at = s + i;
		}
	}
	if (at == NULL)
		return (*why = "no @", -1);
	local = (size_t)(at - s);
	dom = at + 1;
	domlen = n - local - 1;
	if (local == 0 || local > 64)
		return (*why = "the part before @ must be 1 to 64 bytes", -1);
	if (domlen == 0 || domlen > 253)
		return (*why = "the domain must be 1 to 253 bytes", -1);
	if (memchr(dom, '.', domlen) == NULL)
		return (*why = "the domain has no dot", -1);
	/*
	 * "=?" opens an RFC 2047 encoded-word: a mail client would show
	 * such a local part decoded, as a name the reader never typed.
	 */
	if (memmem(s, local, "=?", 2) != NULL)
		return (*why = "the part before @ holds \"=?\", which mail "
		    "programs would show as something else", -1);
	for (label = 0, p = dom; p < dom + domlen; p++) {
		if (*p == '.') {
			if (label == 0)
				return (*why = "the domain has an empty "
				    "label", -1);
			label = 0;
		} else if (++label > 63)
			return (*why = "a part of the domain between dots is "
			    "longer than 63 bytes", -1);
	}
	if (label == 0)
		return (*why = "the domain has an empty label", -1);
	if (buf_put(norm, s, local + 1) == -1)
		return (*why = "out of memory", -1);
	for (p = dom; p < dom + domlen; p++)
		if (buf_putc(norm, (*p >= 'A' && *p <= 'Z') ?
		    (char)(*p - 'A' + 'a') : *p) == -1) {
			norm->len = old;
			norm->data[old] = '\0';
			return (*why = "out of memory", -1);
		}
	return 0;
}
