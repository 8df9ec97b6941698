/*
 * The readers' own flow: subscribing with double opt-in, confirming,
 * unsubscribing, and forgetting those who never confirmed.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "idperm.h"
#include "store.h"
#include "store_impl.h"

#define RAW_TOKEN	32	/* confirm token: bytes of randomness */
#define UNSUB_MAC	16
#define UNSUB_RAW	(8 + UNSUB_MAC)
#define B64		sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* Subkeys of the per-site secret, one per use, so no two uses mix. */
enum { KEY_CONFIRM = 1, KEY_UNSUB_MAC = 2, KEY_UNSUB_MASK = 3,
    KEY_UNSUB_PERM = 4 };
#define KDF_CONTEXT	"stetsubs"

static void
subkey(const struct store *s, uint64_t which, unsigned char out[32])
{
	crypto_kdf_derive_from_key(out, 32, which, KDF_CONTEXT, s->key);
}

/* The keyed hash a confirm token is kept as. */
static void
token_hash(const struct store *s, const unsigned char *raw, size_t n,
    unsigned char out[STORE_HASHLEN])
{
	unsigned char	 k[32];

	subkey(s, KEY_CONFIRM, k);
	crypto_generichash(out, STORE_HASHLEN, raw, n, k, sizeof(k));
	sodium_memzero(k, sizeof(k));
}

/* Decode a base64url token of exactly want bytes; -1 when it is not one. */
static int
token_decode(const char *t, size_t n, unsigned char *out, size_t want)
{
	size_t	 got;

	if (n != sodium_base64_ENCODED_LEN(want, B64) - 1)
		return -1;
	if (sodium_base642bin(out, want, t, n, NULL, &got, NULL, B64) != 0 ||
	    got != want)
		return -1;
	return 0;
}

void
store_new_token(char token[STORE_TOKEN_LEN + 1])
{
	unsigned char	 raw[RAW_TOKEN];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, STORE_TOKEN_LEN + 1, raw, sizeof(raw), B64);
	sodium_memzero(raw, sizeof(raw));
}

/*
 * When one more confirmation may go, with sent of them in the last hour
 * against limit: when the oldest that must age out does.
 */
static int
sub_retry(struct store *s, int64_t now, int64_t sent, size_t limit,
    int64_t *retry, struct err *err)
{
	int64_t		 at;

	if (store_int(s, "SELECT coalesce((SELECT confirm_sent_at "
	    "FROM subscribers WHERE confirm_sent_at > ?1 "
	    "ORDER BY confirm_sent_at LIMIT 1 OFFSET ?2), 0)", 2,
	    (int64_t[]){ now - 3600, sent - (int64_t)limit }, &at,
	    err) == -1)
		return -1;
	*retry = at == 0 ? 60 : at + 3600 - now + 1;
	if (*retry < 1)
		*retry = 1;
	return 0;
}

/*
 * The statements of a subscribe, in the order they run.  Each runs for
 * every address that gets past the hourly bound, whatever its state:
 * the decision ("send") is bound into the two writes, which do nothing
 * when it is 0.
 */
#define SQL_SUB_ROW	"SELECT state, bouncing_at IS NOT NULL " \
	"FROM subscribers WHERE email = ?1"
#define SQL_SUB_ASKED	"SELECT count(*) FROM subscribers " \
	"WHERE mailbox = ?1 AND token_hash IS NOT NULL " \
	"AND confirm_sent_at > ?2"
/*
 * A reader who left stays unsubscribed until confirming: the update
 * changes the token, not the state.  The WHERE in the SELECT is what
 * lets SQLite's parser tell the upsert from a join.
 */
#define SQL_SUB_WRITE	"INSERT INTO subscribers (email, mailbox, state, " \
	"created_at, source, token_hash, token_expires, confirm_sent_at) " \
	"SELECT ?4, ?5, 'pending', ?3, 'form', ?1, ?2, ?3 WHERE ?6 " \
	"ON CONFLICT (email) DO UPDATE SET token_hash = ?1, " \
	"token_expires = ?2, confirm_sent_at = ?3, mailbox = ?5 WHERE ?6"
#define SQL_SUB_QUEUE	"INSERT INTO mailq (subscriber, rcpt, message, " \
	"created_at, next_at) SELECT id, ?1, ?2, ?3, ?3 " \
	"FROM subscribers WHERE email = ?1 AND ?4"
/*
 * Every subscribe writes, so that every commit syncs: a commit that
 * changed nothing returns at once (so does one that writes a row as it
 * was: SQLite leaves an unchanged page alone), and the time saved would
 * tell a known address from a new one.  The row holds no more than how
 * often the form was used.
 */
#define SQL_SUB_TOUCH	"INSERT INTO meta (key, value) VALUES " \
	"('form_posts', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1"

int
store_subscribe(struct store *s, const char *email, const char *token,
    const void *msg, size_t len, int64_t now, size_t limit,
    enum store_sub *res, int64_t *retry, struct err *err)
{
	unsigned char	 raw[RAW_TOKEN], th[STORE_HASHLEN];
	char		 mb[STORE_MAILBOX_MAX];
	sqlite3_stmt	*st = NULL;
	const char	*state;
	int64_t		 sent, asked;
	int		 rc = -1, r, supp, send, own = !s->in_tx;

	*res = STORE_SUB_QUIET;
	*retry = 0;
	if (token_decode(token, strlen(token), raw, sizeof(raw)) == -1)
		return err_set(err, NULL, 0, "not a confirm token");
	token_hash(s, raw, sizeof(raw), th);
	sodium_memzero(raw, sizeof(raw));
	/* An address that folds to nothing is a mailbox of its own. */
	if (store_mailbox(email, mb) == -1) {
		if (strlen(email) >= sizeof(mb))
			return err_set(err, NULL, 0, "address too long");
		memcpy(mb, email, strlen(email) + 1);
	}
	if (own && store_begin(s, err) == -1)
		return -1;
	/* How many confirmations went out in the last hour, in all. */
	if (store_int(s, "SELECT count(*) FROM subscribers "
	    "WHERE confirm_sent_at > ?1", 1, (int64_t[]){ now - 3600 }, &sent,
	    err) == -1)
		goto out;
	if ((uint64_t)sent >= limit) {
		if (sub_retry(s, now, sent, limit, retry, err) == -1)
			goto out;
		*res = STORE_SUB_BUSY;
		rc = 0;
		goto out;
	}
	if (store_is_suppressed(s, email, &supp, err) == -1)
		goto out;
	if (store_prep(s, &st, SQL_SUB_ROW, err) == -1 ||
	    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC) != SQLITE_OK ||
	    ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE)) {
		store_dberr(s, err);
		goto out;
	}
	state = r == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) :
	    NULL;
	/*
	 * A confirmed address whose mail bounced gets no post until its
	 * reader confirms again: asking is the way back, as for one who
	 * left.
	 */
	send = !supp && (r != SQLITE_ROW ||
	    (state != NULL && strcmp(state, "confirmed") != 0) ||
	    sqlite3_column_int(st, 1) != 0);
	sqlite3_finalize(st);
	st = NULL;
	if (store_prep(s, &st, SQL_SUB_ASKED, err) == -1 ||
	    sqlite3_bind_text(st, 1, mb, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now - STORE_ASK_EVERY) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		store_dberr(s, err);
		goto out;
	}
	asked = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (asked > 0)
		send = 0;
	if (store_prep(s, &st, SQL_SUB_WRITE, err) == -1 ||
	    sqlite3_bind_blob(st, 1, th, sizeof(th), SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now + STORE_CONFIRM_TTL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, now) != SQLITE_OK ||
	    sqlite3_bind_text(st, 4, email, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 5, mb, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(st, 6, send) != SQLITE_OK) {
		store_dberr(s, err);
		goto out;
	}
	r = store_run(s, st, err);
	st = NULL;
	if (r == -1)
		goto out;
	if (store_prep(s, &st, SQL_SUB_QUEUE, err) == -1 ||
	    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob64(st, 2, msg, len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, now) != SQLITE_OK ||
	    sqlite3_bind_int(st, 4, send) != SQLITE_OK) {
		store_dberr(s, err);
		goto out;
	}
	r = store_run(s, st, err);
	st = NULL;
	if (r == -1)
		goto out;
	if (store_ints(s, SQL_SUB_TOUCH, 0, NULL, NULL, err) == -1)
		goto out;
	if (send)
		*res = STORE_SUB_SEND;
	rc = 0;
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

int
store_confirm(struct store *s, const char *t, size_t n, int64_t now,
    enum store_confirm *res, char *unsub, struct err *err)
{
	unsigned char	 raw[RAW_TOKEN], th[STORE_HASHLEN];
	sqlite3_stmt	*st = NULL;
	const void	*got;
	int64_t		 id, expires;
	int		 rc = -1, r, own = !s->in_tx;

	*res = STORE_CONFIRM_UNKNOWN;
	if (token_decode(t, n, raw, sizeof(raw)) == -1)
		return 0;
	token_hash(s, raw, sizeof(raw), th);
	sodium_memzero(raw, sizeof(raw));
	if (own && store_begin(s, err) == -1)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT id, token_hash, token_expires, "
	    "email FROM subscribers WHERE token_hash = ?1", -1, &st, NULL) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(st, 1, th, sizeof(th), SQLITE_STATIC) !=
	    SQLITE_OK ||
	    ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE)) {
		store_dberr(s, err);
		goto out;
	}
	/*
	 * The index found the row by the hash; the constant-time compare
	 * is what decides, so no timing of the lookup can be used to
	 * guess a token byte by byte.
	 */
	if (r != SQLITE_ROW ||
	    sqlite3_column_bytes(st, 1) != STORE_HASHLEN ||
	    (got = sqlite3_column_blob(st, 1)) == NULL ||
	    sodium_memcmp(got, th, STORE_HASHLEN) != 0) {
		rc = 0;
		goto out;
	}
	id = sqlite3_column_int64(st, 0);
	expires = sqlite3_column_int64(st, 2);
	if (unsub != NULL && sqlite3_column_text(st, 3) != NULL)
		store_unsub_token(s, id, (const char *)sqlite3_column_text(st,
		    3), unsub, err);
	sqlite3_finalize(st);
	st = NULL;
	if (expires < now) {
		*res = STORE_CONFIRM_EXPIRED;
		rc = 0;
		goto out;
	}
	/*
	 * The hourly bound is on asking: once confirmed, a reader who
	 * leaves and comes back is asked again at once.
	 */
	/* Confirming again also clears a bounce: the reader says it works. */
	if (store_ints(s, "UPDATE subscribers SET "
	    "state = 'confirmed', confirmed_at = ?2, unsubscribed_at = NULL, "
	    "token_hash = NULL, token_expires = NULL, confirm_sent_at = NULL, "
	    "bouncing_at = NULL, failures = 0 "
	    "WHERE id = ?1", 2, (int64_t[]){ id, now }, NULL, err) == -1)
		goto out;
	*res = STORE_CONFIRM_DONE;
	rc = 0;
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

/*
 * The MAC binds the id to the address, so a token stays with the
 * reader it was made for even if an id is ever given out again.
 */
static void
unsub_mac(const struct store *s, int64_t id, const char *email,
    unsigned char mac[UNSUB_MAC])
{
	crypto_generichash_state gs;
	unsigned char	 k[32], idb[8], c;
	size_t		 i;

	for (i = 0; i < 8; i++)
		idb[i] = (unsigned char)((uint64_t)id >> (8 * i));
	subkey(s, KEY_UNSUB_MAC, k);
	crypto_generichash_init(&gs, k, sizeof(k), UNSUB_MAC);
	crypto_generichash_update(&gs, idb, sizeof(idb));
	for (i = 0; email[i] != '\0'; i++) {
		c = (unsigned char)email[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		crypto_generichash_update(&gs, &c, 1);
	}
	crypto_generichash_final(&gs, mac, UNSUB_MAC);
	sodium_memzero(k, sizeof(k));
}

/*
 * Tokens made by stet 0.1.0 carry the id XORed with a secret pad,
 * which let two tokens XORed together show the two ids XORed: how the
 * list grows.  They are still taken (every message already sent holds
 * one), never made.
 */
static uint64_t
unsub_legacy(const struct store *s, uint64_t v)
{
	unsigned char	 k[32];
	size_t		 i;

	subkey(s, KEY_UNSUB_MASK, k);
	for (i = 0; i < 8; i++)
		v ^= (uint64_t)k[i] << (8 * i);
	sodium_memzero(k, sizeof(k));
	return v;
}

/* The id as a token carries it: a keyed permutation (idperm.h). */
static uint64_t
unsub_perm(const struct store *s, uint64_t v, int decode)
{
	unsigned char	 k[32];

	subkey(s, KEY_UNSUB_PERM, k);
	v = decode ? idperm_decode(k, v) : idperm_encode(k, v);
	sodium_memzero(k, sizeof(k));
	return v;
}

int
store_unsub_token(struct store *s, int64_t id, const char *email,
    char out[STORE_UNSUB_LEN + 1], struct err *err)
{
	unsigned char	 raw[UNSUB_RAW];
	uint64_t	 v;
	size_t		 i;

	(void)err;
	v = unsub_perm(s, (uint64_t)id, 0);
	for (i = 0; i < 8; i++)
		raw[i] = (unsigned char)(v >> (8 * i));
	unsub_mac(s, id, email, raw + 8);
	sodium_bin2base64(out, STORE_UNSUB_LEN + 1, raw, sizeof(raw), B64);
	return 0;
}

int
store_unsubscribe(struct store *s, const char *t, size_t n, int64_t now,
    enum store_unsub *res, struct err *err)
{
	unsigned char	 raw[UNSUB_RAW], mac[UNSUB_MAC];
	sqlite3_stmt	*st = NULL;
	const char	*email, *state;
	uint64_t	 v = 0, cand[2];
	int64_t		 id = 0;
	size_t		 i;
	int		 rc = -1, r, own = !s->in_tx, found = 0, done = 0;

	*res = STORE_UNSUB_UNKNOWN;
	if (token_decode(t, n, raw, sizeof(raw)) == -1)
		return 0;
	for (i = 0; i < 8; i++)
		v |= (uint64_t)raw[i] << (8 * i);
	/*
	 * The token is either kind: both readings are looked up in one
	 * statement, and the MAC, which binds id and address, says which
	 * (if either) it is.
	 */
	cand[0] = unsub_perm(s, v, 1);
	cand[1] = unsub_legacy(s, v);
	if (own && store_begin(s, err) == -1)
		return -1;
	if (store_prep(s, &st, "SELECT id, email, state FROM subscribers "
	    "WHERE id IN (?1, ?2)", err) == -1)
		goto out;
	for (i = 0; i < 2; i++)
		if (sqlite3_bind_int64(st, (int)i + 1, cand[i] > INT64_MAX ?
		    -1 : (int64_t)cand[i]) != SQLITE_OK) {
			store_dberr(s, err);
			goto out;
		}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if ((email = (const char *)sqlite3_column_text(st, 1)) ==
		    NULL ||
		    (state = (const char *)sqlite3_column_text(st, 2)) == NULL)
			continue;
		unsub_mac(s, sqlite3_column_int64(st, 0), email, mac);
		if (crypto_verify_16(mac, raw + 8) != 0 || found)
			continue;
		found = 1;
		id = sqlite3_column_int64(st, 0);
		done = strcmp(state, "confirmed") == 0;
	}
	if (r != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!found) {
		rc = 0;
		goto out;
	}
	*res = done ? STORE_UNSUB_DONE : STORE_UNSUB_ALREADY;
	/*
	 * Whatever the state, the reader wants out: a pending request or
	 * a queued confirmation goes too.
	 */
	if (store_ints(s, "UPDATE subscribers SET "
	    "state = 'unsubscribed', token_hash = NULL, token_expires = NULL, "
	    "unsubscribed_at = CASE WHEN state = 'unsubscribed' "
	    "THEN unsubscribed_at ELSE ?2 END WHERE id = ?1", 2,
	    (int64_t[]){ id, now }, NULL, err) == -1 ||
	    store_ints(s, "DELETE FROM mailq WHERE subscriber = ?1", 1,
	    (int64_t[]){ id }, NULL, err) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

int
store_purge(struct store *s, int64_t now, size_t *n, struct err *err)
{
	int	 rc = -1, own = !s->in_tx;

	if (own && store_begin(s, err) == -1)
		return -1;
	if (store_ints(s, "DELETE FROM subscribers "
	    "WHERE state = 'pending' AND token_expires < ?1", 1,
	    (int64_t[]){ now }, n, err) == 0 &&
	    store_ints(s, "UPDATE subscribers SET "
	    "token_hash = NULL, token_expires = NULL "
	    "WHERE state = 'unsubscribed' AND token_expires < ?1", 1,
	    (int64_t[]){ now }, NULL, err) == 0)
		rc = 0;
	return store_finish(s, own, rc, err);
}
