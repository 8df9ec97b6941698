#ifndef STET_OUTBOX_H
#define STET_OUTBOX_H

#include <pthread.h>

#include "../mail/transport.h"
#include "../store/store.h"
#include "../support/err.h"

/*
 * The mail thread of stet serve: it sends the queued confirmation
 * messages (store_mailq_*), retries those the relay could not take by
 * the policy the posts follow (policy.h; stop_after is mail.stop_after),
 * and forgets pending addresses whose token has expired.  The form handlers only commit to the queue and kick it, so
 * a reader never waits on a mail server.
 *
 * The store is shared with the form handlers: every use of it, here
 * and there, holds *lock.
 */
struct outbox;

int	outbox_start(struct outbox **, struct store *, pthread_mutex_t *lock,
	    const struct mailer_opts *, size_t stop_after,
	    void (*say)(void *, int is_error, const char *), void *arg,
	    struct err *);

/* Something was queued: look at the queue now. */
void	outbox_kick(struct outbox *);

/* Let the messages in flight finish, stop the thread and free it. */
void	outbox_stop(struct outbox *);

#endif
