#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "bounces.h"
#include "store_impl.h"

#define VERP_RAW	20	/* id 8, post tag 4, MAC 8 */
#define VERP_MAC	8
#define VERP_BODY	(VERP_RAW - VERP_MAC)

static void	verp_keys(struct store *, unsigned char *, unsigned char *);
static void	post_tag(const unsigned char *, const char *,
		    unsigned char[4]);
static int	post_by_tag(struct store *, const unsigned char *,
		    const unsigned char[4], char *, size_t, struct err *);
static void	copy_str(char *, size_t, const unsigned char *);

/*
 * Two keys drawn from the site's secret, one to MAC and one to mask, so
 * that neither use of the secret can be played against the other.
 */
static void
verp_keys(struct store *s, unsigned char *mac, unsigned char *mask)
{
	static const char mac_label[] = "stet verp mac";
	static const char mask_label[] = "stet verp mask";

	crypto_generichash(mac, STORE_KEYLEN, (const unsigned char *)mac_label,
	    sizeof(mac_label) - 1, s->key, sizeof(s->key));
	crypto_generichash(mask, STORE_KEYLEN,
	    (const unsigned char *)mask_label, sizeof(mask_label) - 1, s->key,
	    sizeof(s->key));
}

static void
post_tag(const unsigned char *key, const char *post, unsigned char tag[4])
{
	crypto_generichash(tag, 4, (const unsigned char *)post, strlen(post),
	    key, STORE_KEYLEN);
}

/*
 * raw = (id, tag) ^ mask(MAC) || MAC, where MAC is over (id, tag): the
 * MAC is what is checked, and masking under it keeps equal ids from
 * showing as equal bytes in tokens of different posts.
 */
void
store_verp_token(struct store *s, int64_t sub, const char *post,
    char out[STORE_VERP_LEN + 1])
{
	unsigned char	 kmac[STORE_KEYLEN], kmask[STORE_KEYLEN];
	unsigned char	 raw[VERP_RAW], pad[VERP_BODY];
	size_t		 i;

	verp_keys(s, kmac, kmask);
	for (i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)sub >> (8 * i));
	post_tag(kmac, post != NULL ? post : "", raw + 8);
	crypto_generichash(raw + VERP_BODY, VERP_MAC, raw, VERP_BODY, kmac,
	    sizeof(kmac));
	crypto_generichash(pad, sizeof(pad), raw + VERP_BODY, VERP_MAC, kmask,
	    sizeof(kmask));
	for (i = 0; i < VERP_BODY; i++)
		raw[i] ^= pad[i];
	sodium_bin2hex(out, STORE_VERP_LEN + 1, raw, sizeof(raw));
	sodium_memzero(kmac, sizeof(kmac));
	sodium_memzero(kmask, sizeof(kmask));
}

int
store_verp_check(struct store *s, const char *tok, size_t n, int64_t *sub,
    char *post, size_t postsize, struct err *err)
{
	unsigned char	 kmac[STORE_KEYLEN], kmask[STORE_KEYLEN];
	unsigned char	 raw[VERP_RAW], pad[VERP_BODY], mac[VERP_MAC];
	size_t		 i, got = 0;
	uint64_t	 id = 0;
	int		 rc = 0;

	if (post != NULL && postsize > 0)
		post[0] = '\0';
	if (n != STORE_VERP_LEN || sodium_hex2bin(raw, sizeof(raw), tok, n,
	    NULL, &got, NULL) != 0 || got != sizeof(raw))
		return 0;
	verp_keys(s, kmac, kmask);
	crypto_generichash(pad, sizeof(pad), raw + VERP_BODY, VERP_MAC, kmask,
	    sizeof(kmask));
	for (i = 0; i < VERP_BODY; i++)
		raw[i] ^= pad[i];
	crypto_generichash(mac, sizeof(mac), raw, VERP_BODY, kmac,
	    sizeof(kmac));
	if (sodium_memcmp(mac, raw + VERP_BODY, VERP_MAC) == 0) {
		for (i = 0; i < 8; i++)
			id |= (uint64_t)raw[i] << (8 * i);
		*sub = (int64_t)id;
		rc = 1;
		if (post != NULL && post_by_tag(s, kmac, raw + 8, post,
		    postsize, err) == -1)
			rc = -1;
	}
	sodium_memzero(kmac, sizeof(kmac));
	sodium_memzero(kmask, sizeof(kmask));
	return rc;
}

/* The recorded post whose tag is tag: a site sends a few a month. */
static int
post_by_tag(struct store *s, const unsigned char *kmac,
    const unsigned char tag[4], char *post, size_t postsize,
    struct err *err)
{
	sqlite3_stmt	*st;
	unsigned char	 t[4];
	const unsigned char *id;
	int		 r;

	if (store_prep(s, &st, "SELECT id FROM posts WHERE state != "
	    "'skipped'", err) == -1)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if ((id = sqlite3_column_text(st, 0)) == NULL)
			continue;
		post_tag(kmac, (const char *)id, t);
		if (memcmp(t, tag, sizeof(t)) == 0) {
			copy_str(post, postsize, id);
			break;
		}
	}
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

static void
copy_str(char *dst, size_t size, const unsigned char *src)
{
	size_t	 n = strlen((const char *)src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
store_bounce_find(struct store *s, const char *email, const char *msgid,
    int64_t *sub, int *ours, char *post, size_t postsize, struct err *err)
{
	sqlite3_stmt	*st;
	const unsigned char *id;
	char		 key[33];
	int		 r;

	*sub = 0;
	if (ours != NULL)
		*ours = 0;
	if (post != NULL && postsize > 0)
		post[0] = '\0';
	if (store_prep(s, &st, "SELECT id FROM subscribers WHERE email = ?1",
	    err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*sub = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_dberr(s, err);
	if (*sub == 0 || msgid == NULL || ours == NULL)
		return 0;
	if (store_prep(s, &st, "SELECT id FROM posts WHERE state != "
	    "'skipped'", err) == -1)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if ((id = sqlite3_column_text(st, 0)) == NULL)
			continue;
		store_message_key(s, (const char *)id, *sub, key);
		if (strcmp(key, msgid) == 0) {
			*ours = 1;
			if (post != NULL)
				copy_str(post, postsize, id);
			break;
		}
	}
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_dberr(s, err);
}

void
store_bounce_key(const void *p, size_t n, unsigned char out[STORE_SEEN_LEN])
{
	crypto_generichash(out, STORE_SEEN_LEN, p, n, NULL, 0);
}

static const char *const kind_names[] = {
	[STORE_BOUNCE_SOFT] = "soft",
	[STORE_BOUNCE_HARD] = "hard",
	[STORE_BOUNCE_COMPLAINT] = "complaint"
};

int
store_bounce_record(struct store *s, const struct store_bounce *b,
    int64_t now, enum store_bounce_effect *eff, struct err *err)
{
	sqlite3_stmt	*st = NULL;
	int64_t		 v[3], n;
	size_t		 changed = 0;
	int		 rc = -1, own = !s->in_tx;

	if (own && store_begin(s, err) == -1)
		return -1;
	if (b->seen != NULL) {
		if (store_prep(s, &st, "INSERT OR IGNORE INTO bounce_seen "
		    "(hash, at) VALUES (?1, ?2)", err) == -1)
			goto out;
		sqlite3_bind_blob(st, 1, b->seen, STORE_SEEN_LEN,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now);
		if (store_run(s, st, err) == -1) {
			st = NULL;
			goto out;
		}
		st = NULL;
		if (sqlite3_changes(s->db) == 0) {
			*eff = STORE_BOUNCE_SEEN;
			rc = 0;
			goto out;
		}
	}
	*eff = STORE_BOUNCE_NOBODY;
	if (b->subscriber == 0) {
		rc = 0;
		goto out;
	}
	if (store_prep(s, &st, "INSERT INTO bounces (subscriber, post, kind, "
	    "status, detail, source, at) SELECT id, ?2, ?3, ?4, ?5, ?6, ?7 "
	    "FROM subscribers WHERE id = ?1", err) == -1)
		goto out;
	sqlite3_bind_int64(st, 1, b->subscriber);
	sqlite3_bind_text(st, 2, b->post != NULL && b->post[0] != '\0' ?
	    b->post : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind_names[b->kind], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, b->status != NULL ? b->status : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, b->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, b->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	if (store_run(s, st, err) == -1) {
		st = NULL;
		goto out;
	}
	st = NULL;
	/* An id no longer on the list: erased since the message went. */
	if (sqlite3_changes(s->db) == 0) {
		rc = 0;
		goto out;
	}
	v[0] = b->subscriber;
	v[1] = now;
	switch (b->kind) {
	case STORE_BOUNCE_COMPLAINT:
		/*
		 * A reader who marks a post as spam has said they want no
		 * more of it: as an unsubscribe, and any pending
		 * confirmation link stops working.
		 */
		if (store_ints(s, "UPDATE subscribers SET state = "
		    "'unsubscribed', unsubscribed_at = ?2, token_hash = NULL, "
		    "token_expires = NULL WHERE id = ?1 AND state != "
		    "'unsubscribed'", 2, v, &changed, err) == -1)
			goto out;
		*eff = STORE_BOUNCE_UNSUBSCRIBED;
		break;
	case STORE_BOUNCE_SOFT:
		v[2] = now - b->soft_window;
		if (store_int(s, "SELECT COUNT(*) FROM bounces WHERE "
		    "subscriber = ?1 AND kind = 'soft' AND at > ?3 AND "
		    "at <= ?2", 3, v, &n, err) == -1)
			goto out;
		if ((size_t)n < b->soft_limit) {
			*eff = STORE_BOUNCE_COUNTED;
			break;
		}
		/* FALLTHROUGH */
	case STORE_BOUNCE_HARD:
		if (store_ints(s, "UPDATE subscribers SET failures = "
		    "failures + 1, bouncing_at = COALESCE(bouncing_at, ?2) "
		    "WHERE id = ?1", 2, v, NULL, err) == -1)
			goto out;
		*eff = STORE_BOUNCE_SUPPRESSED;
		break;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return store_finish(s, own, rc, err);
}

int
store_bounce_email(struct store *s, int64_t id, char *out, size_t n,
    struct err *err)
{
	sqlite3_stmt	*st;
	const unsigned char *e;
	int		 r;

	if (n > 0)
		out[0] = '\0';
	if (store_prep(s, &st, "SELECT email FROM subscribers WHERE id = ?1",
	    err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((r = sqlite3_step(st)) == SQLITE_ROW &&
	    (e = sqlite3_column_text(st, 0)) != NULL)
		copy_str(out, n, e);
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_dberr(s, err);
}
