#ifndef STET_STORE_H
#define STET_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * The subscriber list: SQLite in SITE/stet.db, never inside public/.
 *
 * A subscriber is an address, a state and the time of each change of
 * state, which together are the proof of consent, and where the consent
 * came from.  Nothing else about a reader is kept: no IP address, no user
 * agent.  An address the owner removes is erased; only a keyed hash of it
 * (BLAKE2b under the per-site secret in the meta table) stays, on the
 * suppression list, so that no later import can bring it back.
 *
 * Every change is committed with synchronous=FULL before a function
 * returns, so what it reports survives a power cut.  Every function
 * returns 0 or -1 and on -1 fills err; on -1 nothing was changed.
 */

enum store_state {
	STORE_PENDING,
	STORE_CONFIRMED,
	STORE_UNSUBSCRIBED
};
#define STORE_NSTATES	3

/* What store_add_confirmed did with an address. */
enum store_add {
	STORE_ADDED,		/* a new row, confirmed */
	STORE_EXISTS,		/* already pending or confirmed: untouched */
	STORE_SUPPRESSED,	/* removed once: never again */
	STORE_WAS_UNSUBSCRIBED	/* the reader left: not re-added silently */
};

/* One row, valid only during the store_each callback. */
struct store_subscriber {
	int64_t		 id;
	const char	*email;
	enum store_state state;
	int64_t		 created_at;	/* Unix seconds */
	int64_t		 confirmed_at;	/* 0 when never */
	int64_t		 unsubscribed_at; /* 0 when never */
	const char	*source;	/* form, owner-import, owner-add */
	int64_t		 failures;	/* messages refused for good */
	int64_t		 bouncing_at;	/* skipped since; 0 when not */
};

struct store;

/*
 * Open SITE/stet.db, creating it (with a new per-site secret) when it
 * does not exist, and bring its schema up to this version of stet.
 * A database made by a newer stet is refused, and so is an empty
 * (0-byte) file on a site that has published (SITE/.stet/ids exists):
 * made anew it would hold no subscribers and a new secret, and every
 * unsubscribe link already mailed would stop working; err says how to
 * restore it.  The caller frees the store with store_close.
 */
int	store_open(struct store **, const char *sitedir, struct err *);
void	store_close(struct store *);

/* Whether the database can be read but not written (file modes, chattr). */
int	store_read_only(struct store *);

/*
 * How long a statement waits for another writer's lock before it fails
 * (5000 ms from store_open).  stet serve's forms set it per request, so
 * no wait outlasts the answer the reader is owed.
 */
void	store_busy_timeout(struct store *, int ms);

/*
 * Check an address as a reader or an import gives it: exactly one '@',
 * local part 1-64 bytes without "=?" (what opens an RFC 2047
 * encoded-word), domain 1-253 bytes with a dot and labels of 1-63
 * bytes, at most 254 bytes in all, valid UTF-8 without control
 * characters, spaces, quotes, angle brackets or the other characters
 * that only a quoted local part may hold.  On 0, norm holds the address
 * with its domain lowercased; on -1, *why says what is wrong and norm is
 * as it was.
 */
int	store_check_address(const char *s, size_t n, struct buf *norm,
	    const char **why);

/*
 * The mailbox an address (as store_check_address leaves it) reaches, as
 * far as anyone outside can tell, for the bounds on asking: lowercased,
 * without a "+tag" after the first character of the local part, and for
 * gmail.com and googlemail.com (one service) without the dots of the
 * local part, on gmail.com.  "A.Lice+x@GMail.com" and "alice@gmail.com"
 * are one mailbox.  out gets it NUL-terminated; -1 when email is not an
 * address or longer than STORE_MAILBOX_MAX - 1 bytes.
 */
#define STORE_MAILBOX_MAX	256
int	store_mailbox(const char *email, char out[STORE_MAILBOX_MAX]);

/* "pending" and so on, and back: -1 for an unknown name. */
const char *store_state_name(enum store_state);
int	store_state_parse(const char *, enum store_state *);

/*
 * Add email (already normalised by store_check_address) as confirmed by
 * the owner, with source "owner-add" or "owner-import" as the consent
 * record.  *res says what happened; only STORE_ADDED changes anything.
 */
int	store_add_confirmed(struct store *, const char *email,
	    const char *source, int64_t now, enum store_add *res,
	    struct err *);

/*
 * Erase email's row and put its keyed hash on the suppression list.  The
 * hash goes on the list even when there was no row: the owner asked that
 * this address never be on the list.  *found says whether there was one.
 */
int	store_remove(struct store *, const char *email, int *found,
	    struct err *);

/*
 * Call fn for each subscriber in order of arrival, only those in *state
 * when state is not NULL.  A non-zero return from fn stops the walk and
 * store_each returns -1 with err as fn left it.
 */
int	store_each(struct store *, const enum store_state *state,
	    int (*fn)(const struct store_subscriber *, void *, struct err *),
	    void *arg, struct err *);

/* How many subscribers are in each state, indexed by enum store_state. */
int	store_count(struct store *, size_t counts[STORE_NSTATES],
	    struct err *);

/*
 * The readers' own flow (subscribe.c).
 *
 * A confirm token is 32 bytes from libsodium's random source, given to
 * the reader base64url-encoded (STORE_TOKEN_LEN characters) and kept
 * only as its keyed hash; it expires after STORE_CONFIRM_TTL seconds.
 * An unsubscribe token is not stored at all: it is the subscriber's id
 * (masked) and a MAC of the id and address under the per-site secret,
 * so it never expires and every message can carry one.  Both are
 * checked in constant time.
 */
#define STORE_TOKEN_LEN		43
#define STORE_UNSUB_LEN		32
#define STORE_CONFIRM_TTL	(7 * 86400)
#define STORE_ASK_EVERY		86400	/* one confirmation a mailbox */

enum store_sub {
	STORE_SUB_SEND,		/* the confirmation was queued */
	STORE_SUB_QUIET,	/* nothing to send: confirmed, suppressed,
				   or the mailbox was sent one in the
				   last day */
	STORE_SUB_BUSY		/* limit confirmations went out in the
				   last hour: try again in *retry s */
};

/* A new confirm token, STORE_TOKEN_LEN characters and a NUL. */
void	store_new_token(char token[STORE_TOKEN_LEN + 1]);

/*
 * A reader asked to subscribe email (normalised).  token (from
 * store_new_token) and msg (len bytes: the confirmation message for
 * email carrying that token) are made by the caller before it knows
 * whether they will be used.  A new address is added as pending; a
 * pending one, or one that unsubscribed, gets the new token (the old
 * link stops working); in both cases msg is queued for the mail thread
 * in the same transaction.  Nothing is sent for a confirmed or
 * suppressed address, nor while any address of the same mailbox
 * (store_mailbox) holds a token sent in the last STORE_ASK_EVERY
 * seconds.
 *
 * limit is how many confirmations may have gone out in the last hour,
 * in all, for this one to go too; that is checked before the address is
 * looked at, so STORE_SUB_BUSY tells nothing about it, and *retry gets
 * the seconds until one more could go.  Otherwise the same statements
 * run whatever the address's state, so neither the answer nor its
 * timing tells a new address from a known one.
 */
int	store_subscribe(struct store *, const char *email, const char *token,
	    const void *msg, size_t len, int64_t now, size_t limit,
	    enum store_sub *res, int64_t *retry, struct err *);

enum store_confirm {
	STORE_CONFIRM_DONE,	/* confirmed now */
	STORE_CONFIRM_UNKNOWN,	/* no such token: used, replaced or forged */
	STORE_CONFIRM_EXPIRED
};

/*
 * Confirm the address whose token is t (n bytes, as the reader sent
 * it).  On STORE_CONFIRM_DONE, unsub (when not NULL, STORE_UNSUB_LEN + 1
 * bytes) gets the reader's unsubscribe token, to offer a way back out
 * at once.
 */
int	store_confirm(struct store *, const char *t, size_t n, int64_t now,
	    enum store_confirm *res, char *unsub, struct err *);

/* The unsubscribe token of subscriber id with address email. */
int	store_unsub_token(struct store *, int64_t id, const char *email,
	    char out[STORE_UNSUB_LEN + 1], struct err *);

enum store_unsub {
	STORE_UNSUB_DONE,	/* unsubscribed now */
	STORE_UNSUB_ALREADY,	/* was not subscribed (or pending: dropped) */
	STORE_UNSUB_UNKNOWN	/* no such token */
};

int	store_unsubscribe(struct store *, const char *t, size_t n,
	    int64_t now, enum store_unsub *res, struct err *);

/*
 * Forget pending addresses whose token expired (and the expired tokens
 * of readers who left and asked back in without confirming).  *n gets
 * how many addresses were forgotten.
 */
int	store_purge(struct store *, int64_t now, size_t *n, struct err *);

/*
 * The queue of confirmation messages (mailq.c), in the database so a
 * kill between the reader's answer and the send loses nothing.
 */
struct store_queued {
	int64_t		 id;
	const char	*rcpt;
	const void	*msg;
	size_t		 len;
	int		 attempts;
	int64_t		 created_at;
};

int	store_mailq_add(struct store *, int64_t subscriber, const char *rcpt,
	    const void *msg, size_t len, int64_t now, struct err *);

/*
 * Call fn for at most max queued messages due at now, oldest first; the
 * row is valid only during the call.  Non-zero from fn stops the walk
 * (and store_mailq_due returns -1).
 */
int	store_mailq_due(struct store *, int64_t now, size_t max,
	    int (*fn)(const struct store_queued *, void *, struct err *),
	    void *arg, struct err *);

/* Sent, or refused for good: out of the queue. */
int	store_mailq_done(struct store *, int64_t id, struct err *);

/* Not sent: try again at next_at; reply says why (may be NULL). */
int	store_mailq_retry(struct store *, int64_t id, int64_t next_at,
	    const char *reply, struct err *);

/*
 * Make every queued message due now: at a start, whatever kept the
 * relay from taking them may have been mended meanwhile.
 */
int	store_mailq_rewind(struct store *, int64_t now, struct err *);

/*
 * The queue at a glance, for stet send --status: how many messages, the
 * oldest's time (0: none), and the last reply of the one tried most
 * (into reply, size n; "" when none was tried).
 */
int	store_mailq_summary(struct store *, size_t *count, int64_t *oldest,
	    char *reply, size_t n, struct err *);

/* When the next queued message is due (*at = 0: the queue is empty). */
int	store_mailq_next(struct store *, int64_t *at, struct err *);

/*
 * Sending posts (deliveries.c).
 */

/*
 * One sender at a time.  Take the lease for what ("stet send", "stet
 * serve") as process pid on host, until now + ttl.  *got is 0 when
 * another live process holds it; then held (size n) says who.  A
 * holder on this host whose process is gone, or whose lease ran out,
 * loses it.  Renew with the same call; give it back with
 * store_lease_release.
 */
int	store_lease_take(struct store *, const char *what, long pid,
	    const char *host, int64_t now, int ttl, int *got, char *held,
	    size_t n, struct err *);
int	store_lease_release(struct store *, long pid, const char *host,
	    struct err *);

/*
 * Has sending begun on this site: has a first run marked what was
 * published then (even nothing)?  store_send_begin records that it has.
 */
int	store_send_begun(struct store *, int *yes, struct err *);
int	store_send_begin(struct store *, int64_t now, struct err *);

enum store_post {
	STORE_POST_NEW,		/* never announced */
	STORE_POST_SKIPPED,	/* published before sending began */
	STORE_POST_SENDING,
	STORE_POST_DONE
};

int	store_post_state(struct store *, const char *id, enum store_post *,
	    struct err *);

/* Mark a post as published before sending began: never sent. */
int	store_post_skip(struct store *, const char *id, const char *slug,
	    int64_t now, struct err *);

/*
 * Begin sending post id: record it and make a pending delivery for
 * every confirmed reader not bouncing, in one transaction.  *readers
 * gets how many.
 */
int	store_post_start(struct store *, const char *id, const char *slug,
	    int64_t now, size_t *readers, struct err *);

/*
 * How many deliveries of post id are still to make to readers still
 * confirmed (*pending), and the earliest time one is due (*due).  When
 * none is left, the post is recorded as done (deliveries to readers who
 * left meanwhile are closed as failed) and *done is set.
 */
int	store_post_progress(struct store *, const char *id, int64_t now,
	    size_t *pending, size_t *sent, size_t *failed, int64_t *due,
	    int *done, struct err *);

/* One delivery due, valid only during the store_deliveries_due call. */
struct store_delivery {
	int64_t		 subscriber;
	const char	*email;
	int		 attempts;
};

/*
 * Call fn for at most max deliveries of post id due at now, to readers
 * still confirmed, with subscriber ids above after, in id order.
 */
int	store_deliveries_due(struct store *, const char *id, int64_t now,
	    int64_t after, size_t max,
	    int (*fn)(const struct store_delivery *, void *, struct err *),
	    void *arg, struct err *);

/*
 * Is subscriber id still confirmed and not bouncing?  Asked just before
 * each message is composed, so a reader who leaves during a send gets
 * nothing more (but for a message already in flight).
 */
int	store_still_wanted(struct store *, int64_t id, int *yes, struct err *);

enum store_outcome { STORE_SENT, STORE_RETRY, STORE_FAILED, STORE_AGAIN };

/*
 * Record what became of one delivery.  STORE_RETRY: the reader's
 * address put it off; due again at next_at.  STORE_AGAIN: the relay
 * failed (or refused the message), no fault of the address; due again
 * at next_at, or at once after store_deliveries_rewind.  STORE_FAILED: refused for good; unless max_failures is 0
 * (the message was refused, not the address), the address's failures
 * count goes up and at max_failures it is marked bouncing (and gets no
 * more posts).  reply is the relay's last words (may be NULL).
 */
int	store_delivery_record(struct store *, const char *id,
	    int64_t subscriber, enum store_outcome, int64_t now,
	    int64_t next_at, const char *reply, size_t max_failures,
	    struct err *);

/*
 * Make every pending delivery of a post being sent that the relay
 * failed (STORE_AGAIN) due at now: a run of stet send (or stet serve
 * starting) tries at once what the relay would not take before, which
 * may have been mended meanwhile.  An address put off keeps its wait:
 * a stet send run every minute from cron must not spend its tries.
 */
int	store_deliveries_rewind(struct store *, int64_t now, struct err *);

/*
 * The hold before sending.  store_published records that a build
 * published post id at now, unless an earlier build did (the first one
 * counts); store_published_at gets that time (0: none recorded).
 */
int	store_published(struct store *, const char *id, const char *slug,
	    int64_t now, struct err *);
int	store_published_at(struct store *, const char *id, int64_t *at,
	    struct err *);

/*
 * The post announced as id, or whose slug was slug when it was: its
 * id into out (size n).  *found is 0 when there is none.
 */
int	store_post_find(struct store *, const char *id_or_slug, char *out,
	    size_t n, int *found, struct err *);

/*
 * Queue again the deliveries of post id that were not delivered (failed
 * or still pending, due at once), never those sent; the post is being
 * sent again until they are done.  *n gets how many had failed.
 */
int	store_post_retry(struct store *, const char *id, size_t *n,
	    struct err *);

/* One announced post, valid only during the store_status call. */
struct store_post_status {
	const char	*id;
	const char	*slug;
	const char	*state;		/* "sending" or "done" */
	int64_t		 started_at, finished_at;	/* 0: not yet */
	size_t		 readers, sent, pending, failed;
};

/*
 * Call post for each announced post (not those marked at the first
 * run), oldest first; and for each, reason for each group of its
 * deliveries not sent, by state ("pending", "failed") and the relay's
 * last words (NULL: not tried yet), largest group first.  Then unsent
 * for each post a build published that is not announced yet, with the
 * time of that build.
 */
int	store_status(struct store *,
	    int (*post)(const struct store_post_status *, void *,
		struct err *),
	    int (*reason)(const char *state, const char *reply, size_t n,
		void *, struct err *),
	    int (*unsent)(const char *id, const char *slug, int64_t built_at,
		void *, struct err *),
	    void *arg, struct err *);

/*
 * A keyed digest (32 hex characters) of post id and subscriber n: the
 * stable Message-ID of that message, which says nothing about either
 * to anyone without the site's secret.
 */
int	store_message_key(struct store *, const char *id, int64_t n,
	    char out[33]);

/*
 * Commit with synchronous=NORMAL from now on: in WAL mode a kill loses
 * nothing committed, and only a power cut could lose the last few
 * commits.  The sender records each message as it goes; syncing each
 * record to disk would cost more than sending it.
 */
int	store_relax_sync(struct store *, struct err *);

/*
 * Group many changes into one transaction, so an import is all or
 * nothing and pays for one sync instead of one per address.
 */
int	store_begin(struct store *, struct err *);
int	store_commit(struct store *, struct err *);
void	store_rollback(struct store *);

#endif
