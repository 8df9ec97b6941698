#include <stdio.h>
#include <string.h>

#include "../mail/dsn.h"
#include "../mail/verp.h"
#include "bounce.h"

#define POST_ID_MAX	128

static int	by_token(struct store *, const struct mail_settings *,
		    const struct dsn *, int64_t *, char *, size_t,
		    struct err *);
static int	record(struct store *, const struct mail_settings *,
		    const char *, const char *, const char *,
		    const unsigned char *, int64_t, struct bounce_result *,
		    struct err *);

const char *
bounce_effect_name(enum store_bounce_effect e)
{
	static const char *const names[] = {
		[STORE_BOUNCE_SEEN] = "already counted",
		[STORE_BOUNCE_NOBODY] = "no reader of this site",
		[STORE_BOUNCE_COUNTED] = "counted",
		[STORE_BOUNCE_SUPPRESSED] = "no more mail to it",
		[STORE_BOUNCE_UNSUBSCRIBED] = "unsubscribed"
	};

	return names[e];
}

/* The reader and post named by a token in any envelope address. */
static int
by_token(struct store *s, const struct mail_settings *m, const struct dsn *d,
    int64_t *sub, char *post, size_t postsize, struct err *err)
{
	const char	*tok;
	size_t		 i, n;
	int		 r;

	for (i = 0; i < d->nenvelope; i++) {
		if (!mail_verp_token(m->envelope_from, d->envelope[i],
		    strlen(d->envelope[i]), &tok, &n))
			continue;
		if ((r = store_verp_check(s, tok, n, sub, post, postsize,
		    err)) != 0)
			return r;
	}
	return 0;
}

static int
record(struct store *s, const struct mail_settings *m, const char *source,
    const char *post, const char *detail, const unsigned char *seen,
    int64_t now, struct bounce_result *res, struct err *err)
{
	struct store_bounce b;

	memset(&b, 0, sizeof(b));
	b.subscriber = res->subscriber;
	b.post = post;
	b.kind = res->kind;
	b.status = res->status;
	b.detail = detail;
	b.source = source;
	b.seen = seen;
	b.soft_limit = m->bounces.soft_limit;
	b.soft_window = (int64_t)m->bounces.soft_days * 86400;
	if (store_bounce_record(s, &b, now, &res->effect, err) == -1)
		return -1;
	if (res->subscriber != 0 && store_bounce_email(s, res->subscriber,
	    res->email, sizeof(res->email), err) == -1)
		return -1;
	return 0;
}

int
bounce_message(struct store *s, const struct mail_settings *m,
    const char *source, const char *msg, size_t len, int64_t now,
    struct bounce_result *res, struct err *err)
{
	static const enum store_bounce_kind kinds[] = {
		[DSN_SOFT] = STORE_BOUNCE_SOFT,
		[DSN_HARD] = STORE_BOUNCE_HARD,
		[DSN_COMPLAINT] = STORE_BOUNCE_COMPLAINT
	};
	unsigned char	 seen[STORE_SEEN_LEN];
	struct dsn	 d;
	struct err	 perr;
	char		 post[POST_ID_MAX], key[DSN_ADDR_LEN];
	const struct dsn_rcpt *named = NULL;
	size_t		 i, k;
	int		 ours = 0, r;

	post[0] = '\0';

	memset(res, 0, sizeof(*res));
	/* Without GMime no message can be read: stop, leave it unread. */
	if (dsn_load(err) == -1)
		return -1;
	if (dsn_parse(msg, len, &d, &perr) == -1 || d.kind == DSN_NONE)
		return 0;
	res->report = 1;
	res->kind = kinds[d.kind];
	for (i = 0; i < d.nrcpt && named == NULL; i++)
		if (d.rcpt[i].kind == d.kind)
			named = &d.rcpt[i];
	if (named != NULL) {
		(void)snprintf(res->status, sizeof(res->status), "%s",
		    named->status);
		(void)snprintf(res->email, sizeof(res->email), "%s",
		    named->addr);
	}
	if ((r = by_token(s, m, &d, &res->subscriber, post, sizeof(post),
	    err)) == -1)
		return -1;
	if (r == 1)
		res->how = "token";
	/* Our Message-IDs are KEY@domain: the key is what proves it. */
	k = strcspn(d.message_id, "@");
	memcpy(key, d.message_id, k);
	key[k] = '\0';
	for (i = 0; i < d.nrcpt && res->subscriber == 0; i++) {
		if (d.rcpt[i].kind != d.kind || d.rcpt[i].addr[0] == '\0')
			continue;
		if (store_bounce_find(s, d.rcpt[i].addr, key, &res->subscriber,
		    &ours, post, sizeof(post), err) == -1)
			return -1;
		if (res->subscriber != 0)
			res->how = ours ? "message-id" : "address";
	}
	store_bounce_key(msg, len, seen);
	return record(s, m, source, res->subscriber != 0 ? post : NULL,
	    d.detail[0] != '\0' ? d.detail : NULL, seen, now, res, err);
}

int
bounce_event(struct store *s, const struct mail_settings *m,
    const char *source, const char *email, enum store_bounce_kind kind,
    const char *status, const char *detail, const unsigned char *seen,
    int64_t now, struct bounce_result *res, struct err *err)
{
	memset(res, 0, sizeof(*res));
	res->report = 1;
	res->kind = kind;
	(void)snprintf(res->status, sizeof(res->status), "%s", status);
	(void)snprintf(res->email, sizeof(res->email), "%s", email);
	if (store_bounce_find(s, email, NULL, &res->subscriber, NULL, NULL, 0,
	    err) == -1)
		return -1;
	if (res->subscriber != 0)
		res->how = "address";
	return record(s, m, source, NULL, detail, seen, now, res, err);
}
