#ifndef STET_WEBHOOK_H
#define STET_WEBHOOK_H

#include <pthread.h>
#include <stddef.h>

#include <h2o.h>

#include "../mail/settings.h"
#include "../store/bounces.h"
#include "../store/store.h"
#include "../support/err.h"

/*
 * Postmark's bounce and spam complaint webhooks, on stet serve:
 *
 *   POST BASE/_stet/postmark/SECRET
 *
 * SECRET is the value of the environment variable that
 * mail.bounces.webhook_secret_env names (STET_WEBHOOK_SECRET), at least
 * 16 characters; without it there is no such route.  The path is
 * compared in constant time, and a wrong one is answered as any unknown
 * page is.  Each event acts as stet bounces does on a report
 * (send/bounce.h): a HardBounce suppresses the address, a soft one
 * counts, a SpamComplaint unsubscribes; an event Postmark sends again
 * (the same ID) counts once.  Answers 200 when the event is recorded or
 * of no concern, 400 to JSON that is not an event, 413 past
 * WEBHOOK_BODY_MAX, 500 when the database fails (Postmark retries).
 */
#define WEBHOOK_BODY_MAX	(64 * 1024)
#define WEBHOOK_SECRET_MIN	16

/* One event of Postmark's JSON, as read by webhook_parse. */
struct webhook_event {
	int		 concern;	/* 0: a type that changes nothing */
	enum store_bounce_kind kind;
	char		 type[32];	/* "HardBounce", "SpamComplaint" */
	char		 email[256];
	char		 detail[256];	/* Description or Details */
	unsigned char	 seen[STORE_SEEN_LEN];	/* from its ID */
};

/*
 * Read one event (body, len bytes of JSON) with Jansson.  0 with *ev
 * filled, or -1 with err when it is not a JSON object with Type and
 * Email strings.
 */
int	webhook_parse(const char *body, size_t len, struct webhook_event *ev,
	    struct err *);

struct webhook;

/*
 * Make the route, or leave *out NULL when no secret is set.  A secret
 * shorter than WEBHOOK_SECRET_MIN is an error: it could be guessed.
 * store and lock outlive the webhook.  0, or -1 with err.
 */
int	webhook_open(struct webhook **out, const struct mail_settings *,
	    const char *base_path, struct store *, pthread_mutex_t *lock,
	    struct err *);
void	webhook_close(struct webhook *);

/*
 * Answer req when path (decoded, from the site's root) is the webhook's:
 * 1 when answered (maybe later: the store's work goes to the form queue
 * through port, so the loop never waits on the store), 0 when it is not
 * ours.
 */
struct formq_port;
int	webhook_answer(struct webhook *, struct formq_port *, h2o_req_t *,
	    const char *path, size_t len);

#endif
