/*
 * The readers' own flow: subscribing with double opt-in, confirming,
 * unsubscribing, and forgetting those who never confirmed.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store.h"
#include "store_impl.h"

#define RAW_TOKEN	32	/* confirm token: bytes of randomness */
#define UNSUB_MAC	16
#define UNSUB_RAW	(8 + UNSUB_MAC)
#define B64		sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* Subkeys of the per-site secret, one per use, so no two uses mix. */
enum { KEY_CONFIRM = 1, KEY_UNSUB_MAC = 2, KEY_UNSUB_MASK = 3 };
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

int
store_subscribe(struct store *s, const char *email, int64_t now,
    size_t per_hour, enum store_sub *res, int64_t *id, char *token,
    struct err *err)
{
	unsigned char	 raw[RAW_TOKEN], th[STORE_HASHLEN];
	sqlite3_stmt	*st = NULL;
	const char	*state;
	int64_t		 sent, last;
	int		 rc = -1, r, supp, own = !s->in_tx;

	if (own && store_begin(s, err) == -1)
		return -1;
	/* How many confirmations went out in the last hour, in all. */
	if (store_int(s, "SELECT count(*) FROM subscribers "
	    "WHERE confirm_sent_at > ?1", 1, (int64_t[]){ now - 3600 }, &sent,
	    err) == -1)
		goto out;
	if ((uint64_t)sent >= per_hour) {
		*res = STORE_SUB_BUSY;
		rc = 0;
		goto out;
	}
	if (store_is_suppressed(s, email, &supp, err) == -1)
		goto out;
	if (supp) {
		*res = STORE_SUB_QUIET;
		rc = 0;
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, "SELECT id, state, confirm_sent_at "
	    "FROM subscribers WHERE email = ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC) != SQLITE_OK ||
	    ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE)) {
		store_dberr(s, err);
		goto out;
	}
	randombytes_buf(raw, sizeof(raw));
	token_hash(s, raw, sizeof(raw), th);
	if (r == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		state = (const char *)sqlite3_column_text(st, 1);
		last = sqlite3_column_int64(st, 2);
		if (state == NULL || strcmp(state, "confirmed") == 0 ||
		    (last != 0 && now - last < STORE_RESEND_AFTER)) {
			*res = STORE_SUB_QUIET;
			rc = 0;
			goto out;
		}
		sqlite3_finalize(st);
		/* A reader who left stays unsubscribed until confirming. */
		if (sqlite3_prepare_v2(s->db, "UPDATE subscribers SET "
		    "token_hash = ?1, token_expires = ?2, confirm_sent_at = ?3 "
		    "WHERE id = ?4", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 4, *id) != SQLITE_OK) {
			store_dberr(s, err);
			goto out;
		}
	} else {
		sqlite3_finalize(st);
		if (sqlite3_prepare_v2(s->db, "INSERT INTO subscribers "
		    "(email, state, created_at, source, token_hash, "
		    "token_expires, confirm_sent_at) VALUES (?4, 'pending', "
		    "?3, 'form', ?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 4, email, -1, SQLITE_STATIC) !=
		    SQLITE_OK) {
			store_dberr(s, err);
			goto out;
		}
	}
	if (sqlite3_bind_blob(st, 1, th, sizeof(th), SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now + STORE_CONFIRM_TTL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, now) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_dberr(s, err);
		goto out;
	}
	if (r != SQLITE_ROW)
		*id = sqlite3_last_insert_rowid(s->db);
	sodium_bin2base64(token, STORE_TOKEN_LEN + 1, raw, sizeof(raw), B64);
	*res = STORE_SUB_SEND;
	rc = 0;
out:
	sodium_memzero(raw, sizeof(raw));
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
	if (store_ints(s, "UPDATE subscribers SET "
	    "state = 'confirmed', confirmed_at = ?2, unsubscribed_at = NULL, "
	    "token_hash = NULL, token_expires = NULL, confirm_sent_at = NULL "
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
 * The id is masked with a secret pad so that a token does not tell
 * how many readers came before.
 */
static void
unsub_mask(const struct store *s, unsigned char idb[8])
{
	unsigned char	 k[32];
	size_t		 i;

	subkey(s, KEY_UNSUB_MASK, k);
	for (i = 0; i < 8; i++)
		idb[i] ^= k[i];
	sodium_memzero(k, sizeof(k));
}

int
store_unsub_token(struct store *s, int64_t id, const char *email,
    char out[STORE_UNSUB_LEN + 1], struct err *err)
{
	unsigned char	 raw[UNSUB_RAW];
	size_t		 i;

	(void)err;
	for (i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)id >> (8 * i));
	unsub_mask(s, raw);
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
	uint64_t	 id = 0;
	size_t		 i;
	int		 rc = -1, r, own = !s->in_tx;

	*res = STORE_UNSUB_UNKNOWN;
	if (token_decode(t, n, raw, sizeof(raw)) == -1)
		return 0;
	unsub_mask(s, raw);
	for (i = 0; i < 8; i++)
		id |= (uint64_t)raw[i] << (8 * i);
	if (id > INT64_MAX)
		return 0;
	if (own && store_begin(s, err) == -1)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT email, state FROM subscribers "
	    "WHERE id = ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, (int64_t)id) != SQLITE_OK ||
	    ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE)) {
		store_dberr(s, err);
		goto out;
	}
	if (r != SQLITE_ROW ||
	    (email = (const char *)sqlite3_column_text(st, 0)) == NULL ||
	    (state = (const char *)sqlite3_column_text(st, 1)) == NULL) {
		rc = 0;
		goto out;
	}
	unsub_mac(s, (int64_t)id, email, mac);
	if (crypto_verify_16(mac, raw + 8) != 0) {
		rc = 0;
		goto out;
	}
	*res = strcmp(state, "confirmed") == 0 ? STORE_UNSUB_DONE :
	    STORE_UNSUB_ALREADY;
	sqlite3_finalize(st);
	st = NULL;
	/*
	 * Whatever the state, the reader wants out: a pending request or
	 * a queued confirmation goes too.
	 */
	if (store_ints(s, "UPDATE subscribers SET "
	    "state = 'unsubscribed', token_hash = NULL, token_expires = NULL, "
	    "unsubscribed_at = CASE WHEN state = 'unsubscribed' "
	    "THEN unsubscribed_at ELSE ?2 END WHERE id = ?1", 2,
	    (int64_t[]){ (int64_t)id, now }, NULL, err) == -1 ||
	    store_ints(s, "DELETE FROM mailq WHERE subscriber = ?1", 1,
	    (int64_t[]){ (int64_t)id }, NULL, err) == -1)
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
