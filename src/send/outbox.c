#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../support/wake.h"
#include "outbox.h"
#include "policy.h"

#define BATCH		32	/* messages read from the queue at once */
#define PURGE_EVERY	3600

struct outbox {
	struct store	*store;
	pthread_mutex_t	*lock;
	struct mailer	*mailer;
	struct wake	 wake;
	pthread_t	 thread;
	struct policy_streak streak;	/* the relay's failures in a row */
	void		(*say)(void *, int, const char *);
	void		*arg;
	/* One batch: copies, since the queue rows live only in a walk. */
	struct job {
		int64_t		 id;
		int		 attempts;
		int64_t		 created_at;
		char		*rcpt;
		char		*msg;
		size_t		 len;
	} jobs[BATCH];
	size_t		 njobs, next;
};

static void
say(struct outbox *o, int is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct outbox *o, int is_error, const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->say(o->arg, is_error, line);
}

static int
take(const struct store_queued *q, void *arg, struct err *err)
{
	struct outbox	*o = arg;
	struct job	*j = &o->jobs[o->njobs];

	if ((j->rcpt = strdup(q->rcpt)) == NULL ||
	    (j->msg = malloc(q->len)) == NULL) {
		free(j->rcpt);
		return err_set(err, NULL, 0, "out of memory");
	}
	memcpy(j->msg, q->msg, q->len);
	j->len = q->len;
	j->id = q->id;
	j->attempts = q->attempts;
	j->created_at = q->created_at;
	o->njobs++;
	return 0;
}

static void
free_jobs(struct outbox *o)
{
	size_t	 i;

	for (i = 0; i < o->njobs; i++) {
		free(o->jobs[i].rcpt);
		/* The message holds a confirm token: leave no copy. */
		sodium_memzero(o->jobs[i].msg, o->jobs[i].len);
		free(o->jobs[i].msg);
	}
	o->njobs = o->next = 0;
}

static int
next(void *arg, struct mail_job *mj, struct err *err)
{
	struct outbox	*o = arg;
	struct job	*j;

	(void)err;
	if (o->next == o->njobs)
		return 0;
	j = &o->jobs[o->next++];
	mj->rcpt = j->rcpt;
	mj->msg = j->msg;
	mj->len = j->len;
	mj->arg = j;
	return 1;
}

/*
 * Record what became of each message, by the policy the posts follow
 * too (policy.h).  A message whose address was refused, or put off too
 * long, or one still not taken when its token has expired, leaves the
 * queue: the address will be forgotten with its pending request.  The
 * relay's failures keep it queued; mail.stop_after of them in a row stop
 * this run, and the thread waits before the next.
 */
static int
done(void *arg, struct mail_job *mjs, const struct mail_result *res,
    size_t n, struct err *err)
{
	struct outbox	*o = arg;
	struct job	*j;
	struct policy_verdict v;
	int64_t		 now = (int64_t)time(NULL);
	size_t		 i;
	int		 rc = 0, stop = 0;

	pthread_mutex_lock(o->lock);
	for (i = 0; i < n && rc == 0; i++) {
		j = mjs[i].arg;
		policy_judge(&res[i], j->attempts, now, &v);
		if (policy_streak_note(&o->streak, v.action))
			stop = 1;
		if (v.action == POLICY_SENT)
			rc = store_mailq_done(o->store, j->id, err);
		else if (v.action == POLICY_REFUSED ||
		    v.action == POLICY_GIVE_UP ||
		    now - j->created_at > STORE_CONFIRM_TTL) {
			say(o, 1, "confirmation to %s given up: %s", j->rcpt,
			    res[i].reply);
			rc = store_mailq_done(o->store, j->id, err);
		} else
			rc = store_mailq_retry(o->store, j->id, v.next_at,
			    res[i].reply, err);
	}
	pthread_mutex_unlock(o->lock);
	if (rc == 0 && stop)
		return err_set(err, NULL, 0, "%zu confirmations in a row were "
		    "not taken (mail.stop_after); the last: %s", o->streak.n,
		    n > 0 ? res[n - 1].reply : "");
	return rc;
}

static void *
run(void *arg)
{
	struct outbox	*o = arg;
	struct err	 err;
	int64_t		 now, due, purged_at = 0, wake;
	size_t		 purged;
	int		 rc, failing = 0;

	pthread_mutex_lock(o->lock);
	if (store_mailq_rewind(o->store, (int64_t)time(NULL), &err) == -1)
		say(o, 1, "confirmations: %s", err.msg);
	pthread_mutex_unlock(o->lock);
	while (!atomic_load(&o->wake.stop)) {
		now = (int64_t)time(NULL);
		pthread_mutex_lock(o->lock);
		rc = 0;
		if (now - purged_at >= PURGE_EVERY) {
			rc = store_purge(o->store, now, &purged, &err);
			if (rc == 0 && purged > 0)
				say(o, 0, "forgot %zu addresses that never "
				    "confirmed", purged);
			purged_at = now;
		}
		if (rc == 0)
			rc = store_mailq_due(o->store, now, BATCH, take, o,
			    &err);
		pthread_mutex_unlock(o->lock);
		if (rc == 0 && o->njobs > 0)
			rc = mailer_run(o->mailer, next, done, o, &err);
		if (rc == -1 && !failing)
			say(o, 1, "confirmations: %s (retrying)", err.msg);
		failing = rc == -1;
		o->streak.n = 0;
		if (o->njobs == BATCH && rc == 0) {
			free_jobs(o);
			continue;	/* more may be due at once */
		}
		free_jobs(o);
		/* Idle for a while now: no connection held open at the relay. */
		mailer_hangup(o->mailer);
		pthread_mutex_lock(o->lock);
		if (store_mailq_next(o->store, &due, &err) == -1)
			due = now + POLICY_FIRST;
		pthread_mutex_unlock(o->lock);
		wake = purged_at + PURGE_EVERY;
		/* The relay is down: what was not tried is due, but wait. */
		if (failing)
			due = now + POLICY_FIRST;
		if (due != 0 && due < wake)
			wake = due;
		wake_nap(&o->wake, wake);
	}
	return NULL;
}

int
outbox_start(struct outbox **out, struct store *store, pthread_mutex_t *lock,
    const struct mailer_opts *mo, size_t stop_after,
    void (*sayfn)(void *, int, const char *), void *arg, struct err *err)
{
	struct outbox	*o;
	struct mailer_opts opts = *mo;
	int		 e;

	*out = NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	o->store = store;
	o->lock = lock;
	o->say = sayfn;
	o->arg = arg;
	o->streak.max = stop_after;
	wake_init(&o->wake);
	opts.stop = &o->wake.stop;
	if (mailer_open(&o->mailer, &opts, err) == -1) {
		wake_destroy(&o->wake);
		free(o);
		return -1;
	}
	if ((e = pthread_create(&o->thread, NULL, run, o)) != 0) {
		mailer_close(o->mailer);
		wake_destroy(&o->wake);
		free(o);
		return err_set(err, NULL, 0, "mail thread: %s", strerror(e));
	}
	*out = o;
	return 0;
}

void
outbox_kick(struct outbox *o)
{
	wake_kick(&o->wake);
}

void
outbox_stop(struct outbox *o)
{
	if (o == NULL)
		return;
	wake_stop(&o->wake);
	pthread_join(o->thread, NULL);
	mailer_close(o->mailer);
	wake_destroy(&o->wake);
	free(o);
}
