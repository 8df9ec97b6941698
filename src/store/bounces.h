#ifndef STET_STORE_BOUNCES_H
#define STET_STORE_BOUNCES_H

#include <stddef.h>
#include <stdint.h>

#include "../support/err.h"
#include "store.h"

/*
 * Mail that came back (bounces.c): the token of each message's envelope
 * sender, and what a bounce or a complaint does to its reader.
 *
 * The token (VERP) names the subscriber and the post of one message
 * without showing either: 12 bytes (the id and a tag of the post)
 * masked and followed by an 8-byte MAC, both under keys drawn from the
 * per-site secret, in lowercase hex (a mail system may fold the case
 * of a local part, never the meaning of hex).  So a bounce can be
 * matched to its reader, and nobody without the secret can make one
 * that is.
 */
#define STORE_VERP_LEN	40

/* The token of post id's message to subscriber sub. */
void	store_verp_token(struct store *, int64_t sub, const char *post,
	    char out[STORE_VERP_LEN + 1]);

/*
 * Read a token (n bytes, any case): 1 and *sub when it is one of ours,
 * with post (size postsize, may be NULL) the id of its post when that
 * post is still recorded, else ""; 0 when it is not ours; -1 with err
 * (the database).
 */
int	store_verp_check(struct store *, const char *tok, size_t n,
	    int64_t *sub, char *post, size_t postsize, struct err *);

/*
 * The subscriber whose address is email (any case): *sub, or 0 when
 * there is none.  When msgid is not NULL, *ours says whether it is the
 * Message-ID (without <> and domain: its part before '@') of a post's
 * message to that subscriber, which proves a report is about mail this
 * site sent them; post (size postsize) then gets that post's id.
 */
int	store_bounce_find(struct store *, const char *email,
	    const char *msgid, int64_t *sub, int *ours, char *post,
	    size_t postsize, struct err *);

enum store_bounce_kind {
	STORE_BOUNCE_SOFT,	/* 4.x.x: counted; suppressed after repeats */
	STORE_BOUNCE_HARD,	/* 5.x.x: suppressed at once */
	STORE_BOUNCE_COMPLAINT	/* marked as spam: unsubscribed at once */
};

/* What store_bounce_record did. */
enum store_bounce_effect {
	STORE_BOUNCE_SEEN,	/* that report was recorded before: nothing */
	STORE_BOUNCE_NOBODY,	/* no reader: the report is only marked seen */
	STORE_BOUNCE_COUNTED,	/* a soft bounce, under the limit */
	STORE_BOUNCE_SUPPRESSED,	/* now bouncing: gets no more posts */
	STORE_BOUNCE_UNSUBSCRIBED	/* a complaint: the reader is out */
};

struct store_bounce {
	int64_t		 subscriber;	/* 0: none found */
	const char	*post;		/* its post's id, or NULL */
	enum store_bounce_kind kind;
	const char	*status;	/* "5.1.1", "complaint", ...: shown */
	const char	*detail;	/* the reporter's words, or NULL */
	const char	*source;	/* "maildir", "imap", "postmark" */
	/* Names the report, so a second look at it counts nothing. */
	const unsigned char *seen;	/* STORE_SEEN_LEN bytes */
	size_t		 soft_limit;	/* soft bounces ... */
	int64_t		 soft_window;	/* ... within seconds: suppressed */
};
#define STORE_SEEN_LEN	32

/*
 * Record one report and act on it, in one transaction: a second call
 * with the same seen does nothing (STORE_BOUNCE_SEEN).  A hard bounce,
 * or the soft_limit-th soft one within soft_window, marks the address
 * as bouncing (as refusals at send time do); a complaint unsubscribes
 * the reader, who can come back only through the form's double opt-in.
 */
int	store_bounce_record(struct store *, const struct store_bounce *,
	    int64_t now, enum store_bounce_effect *, struct err *);

/* Subscriber id's address into out (size n); "" when it is gone. */
int	store_bounce_email(struct store *, int64_t id, char *out, size_t n,
	    struct err *);

/* A report's seen key: a digest of what names it (its bytes, an id). */
void	store_bounce_key(const void *p, size_t n,
	    unsigned char out[STORE_SEEN_LEN]);

#endif
