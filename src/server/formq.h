#ifndef STET_FORMQ_H
#define STET_FORMQ_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <h2o.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * The form queue: what a form POST does with the store runs on a worker
 * thread of its own, never on an event loop, so no page ever waits on
 * SQLite.  A loop hands a job over (formq_submit) and goes on serving;
 * the worker does the job's work, which fills its reply, and hands it
 * back through h2o's multithread queue; the loop sends the reply.
 *
 * Two bounds keep a busy store or a flood of posts from costing readers
 * anything but a "try again": at most max jobs wait (past that a post
 * is answered 503 at once), and a job not done a little before wait_ms
 * after it came is answered 503 by its loop, whatever the worker is
 * doing.  The work is
 * told the time left (formq_left_ms) to bound its own waits by, so what
 * was answered 503 is not done later after all.
 */

/* An answer made off the loop: the loop sends it as it is. */
struct formq_reply {
	int		 status;
	const char	*reason;	/* static */
	struct buf	 body;
	const char	*type;		/* static; NULL: text/html */
	int64_t		 retry_after;	/* a 429's or 503's; 0: a minute */
};

struct formq_port;

/*
 * One job.  The caller embeds it first in a struct of its own, fills
 * work and drop, and hands it to formq_submit, which owns it from then
 * on: drop frees it, on the loop that submitted it, once it is done.
 */
struct formq_job {
	/* Set by the caller. */
	void		(*work)(struct formq_job *);	/* on the worker */
	/* The answer when the job is late or refused (on the loop). */
	void		(*late)(struct formq_job *, struct formq_reply *);
	void		(*drop)(struct formq_job *);
	struct formq_reply reply;	/* work's to fill */

	/* formq's own. */
	h2o_linklist_t	 link;		/* in the queue, under its lock */
	h2o_multithread_message_t msg;	/* back to the loop */
	struct formq_port *port;
	h2o_req_t	*req;		/* NULL once answered or gone */
	struct formq_ref *ref;		/* in req's pool */
	h2o_timeout_entry_t timer;
	uint64_t	 deadline;	/* CLOCK_MONOTONIC ms */
	atomic_int	 gone;		/* answered already: skip the work */
};

struct formq;

/*
 * Each loop's end of the queue, set up and torn down on the loop's own
 * thread: formq_port_init after h2o_context_init, formq_port_dispose
 * once formq_port_busy says no job is out (before h2o_context_dispose).
 */
struct formq_port {
	struct formq	*q;
	h2o_context_t	*ctx;
	h2o_multithread_receiver_t receiver;
	h2o_timeout_t	 timeout;
	size_t		 njobs;		/* submitted, not yet back */
};

/*
 * Start the worker: at most max jobs waiting, each answered within
 * wait_ms.  -1 with err when the thread cannot start.
 */
int	formq_start(struct formq **, size_t max, uint64_t wait_ms,
	    struct err *);

/* Stop the worker.  Every port is disposed already.  NULL is a no-op. */
void	formq_stop(struct formq *);

void	formq_port_init(struct formq_port *, struct formq *, h2o_context_t *);
int	formq_port_busy(const struct formq_port *);
void	formq_port_dispose(struct formq_port *);

/*
 * Hand job over for req, which port's loop is handling.  When the queue
 * is full, or q is stopping, the job's late answer is sent at once and
 * the job dropped.  Either way req is answered in time.
 */
void	formq_submit(struct formq_port *, h2o_req_t *, struct formq_job *);

/* Milliseconds left before the job's answer is due (0: none). */
uint64_t formq_left_ms(const struct formq_job *);

/* Send r for req (on its loop), r's body copied; r is left as it was. */
void	formq_send(h2o_req_t *, const struct formq_reply *);

/* A reply's body, freed; the reply reusable. */
void	formq_reply_free(struct formq_reply *);

#endif
