#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../mail/dkim.h"
#include "../mail/transport.h"
#include "../site/ids.h"
#include "../site/load.h"
#include "../site/markdown.h"
#include "../store/store.h"
#include "../support/buf.h"
#include "../support/pool.h"
#include "envelope.h"
#include "hold.h"
#include "letter.h"
#include "policy.h"
#include "send.h"

/*
 * Deliveries read from the outbox at once.  A reader is looked at when
 * the batch is read, so one who leaves meanwhile may still get the post
 * if it is among the next BATCH: a few milliseconds of sending.
 */
#define BATCH		64
#define READY_MAX	32	/* messages signed ahead, in one batch */
/*
 * The lease lasts well past the longest a message may take (one
 * mail.timeout), so a relay that stalls cannot make it lapse while
 * the holder still sends; it is renewed every LEASE_RENEW seconds.
 */
#define LEASE_SLACK	60
#define LEASE_RENEW	15
#define WAIT_STEP	2	/* --wait: seconds between looks */

/* A delivery read from the outbox, waiting for a connection. */
struct waiting {
	int64_t		 sub;
	int		 attempts;
	char		 email[256];	/* store_check_address: <= 254 */
};

/*
 * The message on one connection.  There are as many as connections, so
 * memory stays flat whatever the number of readers; each keeps its
 * buffer from one message to the next.
 */
struct slot {
	int		 busy;
	struct waiting	 w;
	struct buf	 msg;
	struct buf	 from;		/* its envelope sender */
};

/* A message made ahead and signed, waiting for a connection. */
struct signed_msg {
	struct waiting	 w;
	struct buf	 raw;		/* as composed, unsigned */
	struct buf	 msg;		/* the signature, then raw */
	int		 failed;	/* could not be made: err says why */
	struct err	 err;
};

/* One pass, and the post being sent in it. */
struct pass {
	const struct send_opts *o;
	struct send_result *res;
	const struct site *site;
	struct store	*store;
	struct mailer	*mailer;
	struct dkim_signer *signer;	/* mail.dkim, or NULL */
	/*
	 * Signing costs far more than sending: with mail.dkim, messages
	 * are made a batch at a time and signed on every core, one signer
	 * per thread (signers[0] is signer).
	 */
	struct dkim_signer *signers[POOL_MAX];
	int		 nsigners;
	struct signed_msg ready[READY_MAX];
	size_t		 nready, nextready;
	struct buf	 unsigned_msg;	/* scratch, when signing */
	const struct letter *letter;
	const char	*post_id;
	char		 host[HOST_NAME_MAX + 1];
	const char	*domain;	/* of the From address: Message-IDs */
	const char	*base;		/* the site's address in links */
	struct waiting	 queue[BATCH];
	size_t		 nqueue, next;
	int64_t		 after;		/* the last subscriber id read */
	int		 drained;	/* the outbox has no more due */
	struct slot	*slots;
	size_t		 nslots;
	int64_t		 leased_at;
	int		 lease_ttl;
	/* The progress bar. */
	size_t		 total, done;
	double		 started, drawn;
	/*
	 * The relay's (or the message's) failures in a row; ours is set
	 * when next() or done() failed on their own (the database), so
	 * mailer_run's -1 is not the relay's.
	 */
	struct policy_streak streak;
	int		 ours;
};

static void
say(const struct send_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(const struct send_opts *o, const char *fmt, ...)
{
	char	 line[1024];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->say(o->arg, line);
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
unsub_url(struct pass *ps, int64_t sub, const char *email, struct buf *out,
    struct err *err)
{
	char	 t[STORE_UNSUB_LEN + 1];

	if (store_unsub_token(ps->store, sub, email, t, err) == -1)
		return -1;
	if (buf_printf(out, "%sunsubscribe?t=%s", ps->base, t) == -1)
		return err_set(err, NULL, 0, "out of memory");
	return 0;
}

/*
 * The message for email, signed when sign is set and the site signs
 * (the batches of sign_batch are signed elsewhere).  0 or -1.
 */
static int
compose_as(struct pass *ps, const char *email, const char *unsub,
    const char *id, int sign, struct buf *out, struct err *err)
{
	if (!sign || ps->signer == NULL)
		return letter_compose(ps->letter, email, unsub, id, time(NULL),
		    out, err);
	buf_reset(&ps->unsigned_msg);
	if (letter_compose(ps->letter, email, unsub, id, time(NULL),
	    &ps->unsigned_msg, err) == -1 ||
	    dkim_signer_sign(ps->signer, ps->unsigned_msg.data,
	    ps->unsigned_msg.len, out, err) == -1)
		return -1;
	if (buf_put(out, ps->unsigned_msg.data, ps->unsigned_msg.len) == -1)
		return err_set(err, NULL, 0, "out of memory");
	return 0;
}

/* Compose the message of post for reader sub into out (see compose_as). */
static int
compose(struct pass *ps, int64_t sub, const char *email, int sign,
    struct buf *out, struct err *err)
{
	struct buf	 unsub, id;
	char		 key[33];
	int		 rc = -1;

	buf_init(&unsub, 0);
	buf_init(&id, 0);
	store_message_key(ps->store, ps->post_id, sub, key);
	if (unsub_url(ps, sub, email, &unsub, err) == -1)
		goto out;
	if (buf_printf(&id, "%s@%s", key, ps->domain) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	rc = compose_as(ps, email, unsub.data, id.data, sign, out, err);
out:
	buf_free(&unsub);
	buf_free(&id);
	return rc;
}

static int
take(const struct store_delivery *d, void *arg, struct err *err)
{
	struct pass	*ps = arg;
	struct waiting	*w = &ps->queue[ps->nqueue];
	size_t		 n = strlen(d->email);

	if (n >= sizeof(w->email))
		return err_set(err, NULL, 0, "subscriber %lld: an address "
		    "too long", (long long)d->subscriber);
	memcpy(w->email, d->email, n + 1);
	w->sub = d->subscriber;
	w->attempts = d->attempts;
	ps->nqueue++;
	ps->after = d->subscriber;
	return 0;
}

/*
 * The next delivery due, read from the outbox BATCH at a time as the
 * connections free up, so the send never pauses between batches.
 * 1, 0 when none is left, -1 with err.
 */
static int
pop(struct pass *ps, struct waiting *out, struct err *err)
{
	do {
		if (ps->next == ps->nqueue) {
			if (ps->drained)
				return 0;
			ps->nqueue = ps->next = 0;
			if (store_deliveries_due(ps->store, ps->post_id,
			    (int64_t)time(NULL), ps->after, BATCH, take, ps,
			    err) == -1)
				return -1;
			if (ps->nqueue == 0) {
				ps->drained = 1;
				return 0;
			}
		}
		*out = ps->queue[ps->next++];
	} while (out->sub == 0);	/* left since it was read: recheck */
	return 1;
}

/*
 * In done()'s transaction, just before next() hands the freed
 * connections their messages: look again at the n readers next in line,
 * so one who left during the send gets nothing more.
 */
static int
recheck(struct pass *ps, size_t n, struct err *err)
{
	size_t	 i;
	int	 yes;

	for (i = ps->next; i < ps->nqueue && i < ps->next + n; i++) {
		if (store_still_wanted(ps->store, ps->queue[i].sub, &yes,
		    err) == -1)
			return -1;
		if (!yes) {
			ps->queue[i].sub = 0;
			n++;
		}
	}
	return 0;
}

/*
 * Keep the lease (now, or only when LEASE_RENEW has passed unless
 * force): losing it to another sender ends this one, which must not
 * send what the other will.
 */
static int
renew(struct pass *ps, int force, struct err *err)
{
	int64_t	 now = (int64_t)time(NULL);
	char	 held[256];
	int	 got;

	if (!force && now - ps->leased_at < LEASE_RENEW)
		return 0;
	if (store_lease_take(ps->store, ps->o->what, (long)getpid(),
	    ps->host, now, ps->lease_ttl, &got, held, sizeof(held), err) == -1)
		return -1;
	if (!got)
		return err_set(err, NULL, 0, "another sender took over: %s; "
		    "stopping", held);
	ps->leased_at = now;
	return 0;
}

/* pool_run's job: sign ready[i] on this thread's signer. */
static int
sign_one(void *ctx, size_t i, int worker, struct err *err)
{
	struct pass		*ps = ctx;
	struct signed_msg	*m = &ps->ready[i];

	(void)err;
	if (m->failed)
		return 0;
	buf_reset(&m->msg);
	if (dkim_signer_sign(ps->signers[worker], m->raw.data, m->raw.len,
	    &m->msg, &m->err) == -1 ||
	    buf_put(&m->msg, m->raw.data, m->raw.len) == -1) {
		if (m->err.msg[0] == '\0')
			err_set(&m->err, NULL, 0, "out of memory");
		m->failed = 1;
	}
	return 0;
}

/*
 * Make the next batch of messages (here, where the store is) and sign
 * them on all the threads at once.  0, or -1 with err.
 */
static int
sign_batch(struct pass *ps, struct err *err)
{
	struct signed_msg *m;
	int		 r;

	ps->nready = ps->nextready = 0;
	while (ps->nready < READY_MAX) {
		m = &ps->ready[ps->nready];
		if ((r = pop(ps, &m->w, err)) == -1)
			return -1;
		if (r == 0)
			break;
		m->failed = 0;
		m->err.msg[0] = '\0';
		buf_reset(&m->raw);
		if (compose(ps, m->w.sub, m->w.email, 0, &m->raw, &m->err) ==
		    -1)
			m->failed = 1;
		ps->nready++;
	}
	if (ps->nready == 0)
		return 0;
	return pool_run(ps->nready, ps->nsigners, sign_one, ps, err);
}

/*
 * The next signed message into sl: 1, 2 when it could not be made
 * (e says why), 0 when none is left, -1 with err.
 */
static int
take_signed(struct pass *ps, struct slot *sl, struct err *e,
    struct err *err)
{
	struct signed_msg *m;
	struct buf	 t;

	if (ps->nextready == ps->nready && sign_batch(ps, err) == -1)
		return -1;
	if (ps->nextready == ps->nready)
		return 0;
	m = &ps->ready[ps->nextready++];
	sl->w = m->w;
	if (m->failed) {
		*e = m->err;
		return 2;
	}
	/* The buffers trade places: no copy of the message. */
	t = sl->msg;
	sl->msg = m->msg;
	m->msg = t;
	return 1;
}

/* Compose each message as its connection frees. */
static int
next(void *arg, struct mail_job *job, struct err *err)
{
	struct pass	*ps = arg;
	struct slot	*sl = NULL;
	struct err	 e;
	size_t		 i;
	int		 r;

	for (i = 0; i < ps->nslots && sl == NULL; i++)
		if (!ps->slots[i].busy)
			sl = &ps->slots[i];
	if (sl == NULL) {
		ps->ours = 1;
		return err_set(err, NULL, 0, "more messages in flight than "
		    "connections");
	}
	for (;;) {
		if (ps->nsigners > 0)
			r = take_signed(ps, sl, &e, err);
		else if ((r = pop(ps, &sl->w, err)) == 1) {
			buf_reset(&sl->msg);
			r = compose(ps, sl->w.sub, sl->w.email, 1, &sl->msg,
			    &e) == 0 ? 1 : 2;
		}
		if (r == 1)
			break;
		if (r != 2) {
			ps->ours = r == -1;
			return r;
		}
		/* This reader's message cannot be made: theirs alone fails. */
		if (store_delivery_record(ps->store, ps->post_id, sl->w.sub,
		    STORE_FAILED, (int64_t)time(NULL), 0, e.msg,
		    ps->o->mail->max_failures, err) == -1) {
			ps->ours = 1;
			return -1;
		}
		ps->res->failed++;
		ps->done++;
		say(ps->o, "%s: %s", sl->w.email, e.msg);
	}
	buf_reset(&sl->from);
	if (send_envelope(ps->store, ps->o->mail, ps->post_id, sl->w.sub,
	    sl->w.email, &sl->from, err) == -1) {
		ps->ours = 1;
		return -1;
	}
	sl->busy = 1;
	job->from = sl->from.data;
	job->rcpt = sl->w.email;
	job->msg = sl->msg.data;
	job->len = sl->msg.len;
	job->arg = sl;
	return 1;
}

static void
draw(struct pass *ps, int last)
{
	double		 t = now_s(), rate, eta;
	size_t		 width = 30, fill;
	char		 bar[31];

	if (!ps->o->progress || (!last && t - ps->drawn < 0.1))
		return;
	ps->drawn = t;
	rate = t > ps->started ? (double)ps->done / (t - ps->started) : 0;
	eta = rate > 0 ? (double)(ps->total - ps->done) / rate : 0;
	fill = ps->total ? ps->done * width / ps->total : width;
	memset(bar, '#', fill);
	memset(bar + fill, '.', width - fill);
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu  %.0f/s  ETA %.0fs ", bar, ps->done,
	    ps->total, rate, eta);
	if (last)
		fputc('\n', stderr);
}

/*
 * Record each result in one transaction per batch of completions,
 * before their connections take another message: a kill loses at most
 * the messages in flight.  What a result means is policy.c's.
 */
static int
done(void *arg, struct mail_job *jobs, const struct mail_result *r,
    size_t n, struct err *err)
{
	struct pass	*ps = arg;
	struct slot	*sl;
	struct policy_verdict v;
	enum store_outcome o;
	int64_t		 now = (int64_t)time(NULL);
	size_t		 i;
	int		 stop = 0;

	if (store_begin(ps->store, err) == -1) {
		ps->ours = 1;
		return -1;
	}
	for (i = 0; i < n; i++) {
		sl = jobs[i].arg;
		sl->busy = 0;
		policy_judge(&r[i], sl->w.attempts, now, &v);
		if (policy_streak_note(&ps->streak, v.action))
			stop = 1;
		/* Failed: only a refused (or long put off) address. */
		switch (v.action) {
		case POLICY_SENT:
			o = STORE_SENT;
			break;
		case POLICY_REFUSED:
		case POLICY_GIVE_UP:
			o = STORE_FAILED;
			break;
		case POLICY_LATER:
			o = STORE_RETRY;
			break;
		default:
			o = STORE_AGAIN;
			break;
		}
		if (store_delivery_record(ps->store, ps->post_id, sl->w.sub, o,
		    now, v.next_at, r[i].reply, ps->o->mail->max_failures,
		    err) == -1) {
			store_rollback(ps->store);
			ps->ours = 1;
			return -1;
		}
		if (o == STORE_SENT)
			ps->res->sent++;
		else if (o == STORE_FAILED) {
			ps->res->failed++;
			say(ps->o, "%s refused for good: %s", sl->w.email,
			    r[i].reply);
		}
		ps->done++;
	}
	if (recheck(ps, n, err) == -1 || renew(ps, 0, err) == -1) {
		store_rollback(ps->store);
		ps->ours = 1;
		return -1;
	}
	if (store_commit(ps->store, err) == -1) {
		ps->ours = 1;
		return -1;
	}
	draw(ps, 0);
	if (stop)
		/* Every message on the way still comes back here, recorded. */
		return err_set(err, NULL, 0, "%zu messages in a row were not "
		    "taken (mail.stop_after); the last: %s", ps->streak.n,
		    n > 0 ? r[n - 1].reply : "");
	return 0;
}

/* Send post p (already started) to every reader it is due to. */
static int
send_post(struct pass *ps, const struct post *p, struct err *err)
{
	struct letter	*l;
	size_t		 pending, sent, failed;
	int64_t		 due;
	int		 fin, rc = -1;

	if (letter_prepare(&l, ps->site, ps->o->mail, p, ps->base, err) == -1)
		return -1;
	ps->letter = l;
	ps->post_id = p->id;
	ps->after = 0;
	if (store_post_progress(ps->store, p->id, (int64_t)time(NULL),
	    &pending, &sent, &failed, &due, &fin, err) == -1)
		goto out;
	ps->total = pending;
	ps->done = 0;
	ps->started = ps->drawn = now_s();
	if (!fin && ps->o->progress)
		say(ps->o, "sending \"%s\" to %zu readers%s", p->title, pending,
		    letter_cut(l) ? " (cut to fit: it ends with a link to "
		    "the rest)" : "");
	ps->nqueue = ps->next = 0;
	ps->drained = 0;
	ps->ours = 0;
	if (!fin && mailer_run(ps->mailer, next, done, ps, err) == -1) {
		if (ps->ours)
			goto out;
		/*
		 * The relay (or the message) failed, not the reader: what
		 * was not taken stays pending, and the run stops here.
		 */
		ps->res->relay_failed = 1;
		(void)snprintf(ps->res->relay_why, sizeof(ps->res->relay_why),
		    "%s", err->msg);
	}
	draw(ps, 1);
	if (store_post_progress(ps->store, p->id, (int64_t)time(NULL),
	    &pending, &sent, &failed, &due, &fin, err) == -1)
		goto out;
	if (!fin) {
		ps->res->waiting += pending;
		/* Due already (a reader back in meanwhile): soon, not 0. */
		if (due <= (int64_t)time(NULL))
			due = (int64_t)time(NULL) + POLICY_FIRST;
		if (ps->res->retry_at == 0 || due < ps->res->retry_at)
			ps->res->retry_at = due;
	}
	ps->res->posts++;
	rc = 0;
out:
	letter_free(l);
	ps->letter = NULL;
	return rc;
}

static int
open_mailer(struct pass *ps, const struct mail_settings *c, size_t conns,
    struct err *err)
{
	struct mailer_opts mo;
	struct buf	 from;
	int		 rc;

	memset(&mo, 0, sizeof(mo));
	buf_init(&from, 0);
	if (send_envelope(NULL, c, NULL, 0, NULL, &from, err) == -1)
		return -1;
	mo.transport = c->transport;
	mo.sitedir = ps->o->dir;
	mo.envelope_from = from.data;
	mo.username = c->username;
	mo.password = c->password_env != NULL ? getenv(c->password_env) :
	    NULL;
	mo.timeout = (unsigned)c->timeout;
	mo.connections = conns;
	mo.rate = (double)c->rate;
	mo.stop = ps->o->stop;
	if ((ps->slots = calloc(conns, sizeof(*ps->slots))) == NULL) {
		buf_free(&from);
		return err_set(err, NULL, 0, "out of memory");
	}
	ps->nslots = conns;
	rc = mailer_open(&ps->mailer, &mo, err);	/* copies from */
	buf_free(&from);
	return rc;
}

/* One message on its own, for the preview. */
struct single {
	struct mail_job	 job;
	struct mail_result res;
	int		 given;
};

static int
single_next(void *arg, struct mail_job *j, struct err *err)
{
	struct single	*one = arg;

	(void)err;
	if (one->given)
		return 0;
	one->given = 1;
	*j = one->job;
	return 1;
}

static int
single_done(void *arg, struct mail_job *j, const struct mail_result *r,
    size_t n, struct err *err)
{
	struct single	*one = arg;

	(void)j;
	(void)err;
	if (n > 0)
		one->res = r[0];
	return 0;
}

/* --to: one post to one address, outside the books. */
static int
preview(struct pass *ps, const struct post **v, size_t n, struct err *err)
{
	const struct post *p = NULL;
	struct letter	*l = NULL;
	struct single	 one;
	struct buf	 msg, unsub, id;
	unsigned char	 r[16];
	char		 key[33];
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < n; i++)
		if (ps->o->post == NULL || strcmp(v[i]->slug, ps->o->post) == 0)
			p = v[i];
	if (p == NULL)
		return err_set(err, NULL, 0, ps->o->post != NULL ?
		    "no published post has the slug %s" :
		    "no post is published yet (run stet build)%s",
		    ps->o->post != NULL ? ps->o->post : "");
	buf_init(&msg, 0);
	buf_init(&unsub, 0);
	buf_init(&id, 0);
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(key, sizeof(key), r, sizeof(r));
	if (letter_prepare(&l, ps->site, ps->o->mail, p, ps->base, err) == -1)
		goto out;
	/* Subscriber 0 is nobody: the link answers the calm page. */
	ps->letter = l;
	ps->post_id = p->id;
	if (unsub_url(ps, 0, ps->o->to, &unsub, err) == -1 ||
	    buf_printf(&id, "%s@%s", key, ps->domain) == -1 ||
	    compose_as(ps, ps->o->to, unsub.data, id.data, 1, &msg, err) ==
	    -1)
		goto out;
	memset(&one, 0, sizeof(one));
	one.job.rcpt = ps->o->to;
	one.job.msg = msg.data;
	one.job.len = msg.len;
	if (mailer_run(ps->mailer, single_next, single_done, &one, err) == -1)
		goto out;
	if (one.res.outcome != MAIL_SENT) {
		err_set(err, NULL, 0, "the preview to %s was not sent: %s",
		    ps->o->to, one.res.reply);
		goto out;
	}
	say(ps->o, "sent \"%s\" to %s (a preview: nothing recorded)",
	    p->title, ps->o->to);
	ps->res->sent = 1;
	rc = 0;
out:
	ps->letter = NULL;
	letter_free(l);
	buf_free(&msg);
	buf_free(&unsub);
	buf_free(&id);
	return rc;
}

/* --dry-run: who would get what, and one message as it would go. */
static int
dry_run(struct pass *ps, const struct post **v, size_t n, int first,
    struct err *err)
{
	size_t		 counts[STORE_NSTATES], k = 0, i;
	enum store_post	 st;
	struct letter	*l;
	struct buf	 msg;
	int64_t		 now = (int64_t)time(NULL), until;
	char		 when[128];
	int		 rc = 0;

	if (store_count(ps->store, counts, err) == -1)
		return -1;
	if (first) {
		say(ps->o, "first run: would mark %zu published posts as "
		    "already announced and send nothing", n);
		return 0;
	}
	buf_init(&msg, 0);
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = store_post_state(ps->store, v[i]->id, &st, err)) ==
		    -1)
			break;
		if (st == STORE_POST_SKIPPED || st == STORE_POST_DONE)
			continue;
		/* Read, not recorded: a dry run changes nothing. */
		until = 0;
		if (st == STORE_POST_NEW && !ps->o->now &&
		    (rc = store_published_at(ps->store, v[i]->id, &until,
		    err)) == -1)
			break;
		if (st == STORE_POST_NEW && !ps->o->now)
			until = (until != 0 ? until : now) +
			    (int64_t)ps->o->mail->hold * 60;
		if (until > now) {
			send_when(until, now, when, sizeof(when));
			fprintf(ps->o->out, "would send \"%s\" (%s) to the "
			    "confirmed readers at %s, when its hold ends "
			    "(now: %zu readers)\n", v[i]->title, v[i]->id,
			    when, counts[STORE_CONFIRMED]);
		} else
			fprintf(ps->o->out, "would send \"%s\" (%s) to %zu "
			    "confirmed readers\n", v[i]->title, v[i]->id,
			    counts[STORE_CONFIRMED]);
		if (k++ > 0)
			continue;
		if ((rc = letter_prepare(&l, ps->site, ps->o->mail, v[i],
		    ps->base, err)) == -1)
			break;
		ps->letter = l;
		ps->post_id = v[i]->id;
		rc = compose(ps, 0, "reader@example.com", 1, &msg, err);
		if (rc == 0) {
			fprintf(ps->o->out, "\nThe message, as a reader "
			    "would get it:\n\n");
			fwrite(msg.data, 1, msg.len, ps->o->out);
		}
		ps->letter = NULL;
		letter_free(l);
	}
	if (rc == 0 && k == 0)
		fprintf(ps->o->out, "nothing new to send\n");
	buf_free(&msg);
	return rc;
}

/* Take the lease, or say who has it (and wait for it with --wait). */
static int
lease(struct pass *ps, struct err *err)
{
	char	 held[256];
	int	 got;

	for (;;) {
		if (store_lease_take(ps->store, ps->o->what, (long)getpid(),
		    ps->host, (int64_t)time(NULL), ps->lease_ttl, &got, held,
		    sizeof(held), err) == -1)
			return -1;
		if (got) {
			ps->leased_at = (int64_t)time(NULL);
			return 1;
		}
		if (!ps->o->wait) {
			say(ps->o, "another sender is running: %s", held);
			ps->res->busy = 1;
			return 0;
		}
		if (ps->o->stop != NULL && atomic_load(ps->o->stop))
			return 0;
		sleep(WAIT_STEP);
	}
}

/* Mark every published post as announced: the first pass on a site. */
static int
mark_all(struct pass *ps, const struct post **v, size_t n, struct err *err)
{
	int64_t	 now = (int64_t)time(NULL);
	size_t	 i;

	if (store_begin(ps->store, err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (store_post_skip(ps->store, v[i]->id, v[i]->slug, now,
		    err) == -1) {
			store_rollback(ps->store);
			return -1;
		}
	/* Even with nothing published yet: the next post is new. */
	if (store_send_begin(ps->store, now, err) == -1) {
		store_rollback(ps->store);
		return -1;
	}
	if (store_commit(ps->store, err) == -1)
		return -1;
	ps->res->marked = n;
	say(ps->o, "first run: marked %zu published posts as already "
	    "announced; nothing was sent. Posts published from now on are "
	    "mailed to the readers.", n);
	return 0;
}

void
send_when(int64_t when, int64_t now, char *out, size_t n)
{
	struct tm	 tw, tn;
	time_t		 w = (time_t)when, t = (time_t)now;
	char		 at[64];
	int64_t		 d = when - now, m = (d + 59) / 60;

	localtime_r(&w, &tw);
	localtime_r(&t, &tn);
	if (strftime(at, sizeof(at), tw.tm_yday == tn.tm_yday &&
	    tw.tm_year == tn.tm_year ? "%H:%M:%S %Z" : "%Y-%m-%d %H:%M:%S %Z",
	    &tw) == 0)
		at[0] = '\0';
	/* Minutes rounded up: "in 0 minutes" would say it is due. */
	if (d <= 0)
		(void)snprintf(out, n, "%s (now)", at);
	else if (d < 60)
		(void)snprintf(out, n, "%s (in %lld second%s)", at,
		    (long long)d, d == 1 ? "" : "s");
	else if (m < 120)
		(void)snprintf(out, n, "%s (in %lld minute%s)", at,
		    (long long)m, m == 1 ? "" : "s");
	else
		(void)snprintf(out, n, "%s (in %lld hours %lld minutes)", at,
		    (long long)(m / 60), (long long)(m % 60));
}

/*
 * Is new post p still held (mail.hold, unless --now)?  Then count it
 * and say until when.  1: held, 0: not, -1 with err.
 */
static int
held(struct pass *ps, const struct post *p, struct err *err)
{
	int64_t	 now = (int64_t)time(NULL), until;
	char	 when[128];

	if (ps->o->now)
		return 0;
	if (send_hold_until(ps->store, p, now, ps->o->mail->hold, &until,
	    err) == -1)
		return -1;
	if (until <= now)
		return 0;
	ps->res->held++;
	if (ps->res->held_until == 0 || until < ps->res->held_until)
		ps->res->held_until = until;
	send_when(until, now, when, sizeof(when));
	say(ps->o, "\"%s\" is held until %s (mail.hold); stet send --now "
	    "sends it at once", p->title, when);
	return 1;
}

static int
sending(struct pass *ps, const struct post **v, size_t n, struct err *err)
{
	enum store_post	 st;
	size_t		 i, readers;
	int		 h;

	for (i = 0; i < n && !ps->res->relay_failed; i++) {
		if (ps->o->stop != NULL && atomic_load(ps->o->stop))
			break;
		if (store_post_state(ps->store, v[i]->id, &st, err) == -1)
			return -1;
		if (st == STORE_POST_SKIPPED || st == STORE_POST_DONE)
			continue;
		if (st == STORE_POST_NEW && (h = held(ps, v[i], err)) != 0) {
			if (h == -1)
				return -1;
			continue;
		}
		if (renew(ps, 1, err) == -1)
			return -1;
		if (st == STORE_POST_NEW) {
			if (store_post_start(ps->store, v[i]->id, v[i]->slug,
			    (int64_t)time(NULL), &readers, err) == -1)
				return -1;
			say(ps->o, "new post \"%s\": sending to %zu readers",
			    v[i]->title, readers);
		}
		if (send_post(ps, v[i], err) == -1)
			return -1;
	}
	return 0;
}

/* --retry: queue again the deliveries of post key not sent. */
static int
requeue(struct pass *ps, const char *key, struct err *err)
{
	char	 id[512];
	size_t	 n;
	int	 found;

	if (store_post_find(ps->store, key, id, sizeof(id), &found, err) ==
	    -1)
		return -1;
	if (!found)
		return err_set(err, NULL, 0, "no post announced as %s (stet "
		    "send --status lists them)", key);
	if (store_post_retry(ps->store, id, &n, err) == -1)
		return -1;
	say(ps->o, "%s: %zu deliveries that failed queued again, with those "
	    "still pending; those sent stay sent", key, n);
	return 0;
}

int
send_signer(const char *dir, const struct mail_settings *c,
    struct dkim_signer **out, struct err *err)
{
	struct buf	 path;
	int		 rc;

	buf_init(&path, 0);
	if ((c->dkim_key[0] != '/' && buf_printf(&path, "%s/", dir) == -1) ||
	    buf_puts(&path, c->dkim_key) == -1)
		return err_set(err, NULL, 0, "out of memory");
	rc = dkim_signer_open(out, c->dkim_domain, c->dkim_selector,
	    path.data, err);
	buf_free(&path);
	return rc;
}

int
send_run(const struct send_opts *o, struct send_result *res,
    struct err *err)
{
	struct load_opts lo = { 0, 0, NULL };
	struct site	 site;
	struct ids	*ids = NULL;
	struct pass	*ps;
	const struct post **v = NULL;
	size_t		 n = 0;
	int		 rc = -1, any, got = 0, loaded = 0, i;

	memset(res, 0, sizeof(*res));
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	ps->o = o;
	ps->res = res;
	ps->streak.max = o->mail->stop_after;
	buf_init(&ps->unsigned_msg, 0);
	markdown_init();
	if (site_load(o->dir, &lo, NULL, NULL, &site, err) == -1)
		goto out;
	loaded = 1;
	ps->site = &site;
	if (o->mail->from_addr == NULL) {
		err_set(err, "stet.yaml", 0, "mail.from is not set: the "
		    "sender of the messages");
		goto out;
	}
	ps->domain = strchr(o->mail->from_addr, '@') + 1;
	ps->base = o->base != NULL ? o->base : site.cfg.url;
	ps->lease_ttl = (int)o->mail->timeout * 2 + LEASE_SLACK;
	if (gethostname(ps->host, sizeof(ps->host) - 1) == -1)
		strcpy(ps->host, "localhost");
	if (ids_read(site.dirfd, &ids, err) == -1 ||
	    ids_assign(&site, ids, err) == -1 ||
	    (v = send_candidates(&site, o->settings->notes, &n)) == NULL)
		goto out;
	if (store_open(&ps->store, o->dir, err) == -1 ||
	    store_relax_sync(ps->store, err) == -1)
		goto out;
	if (o->mail->dkim_key != NULL && send_signer(o->dir, o->mail,
	    &ps->signer, err) == -1)
		goto out;
	if (ps->signer != NULL && o->to == NULL && !o->dry_run) {
		ps->signers[0] = ps->signer;
		for (ps->nsigners = 1; ps->nsigners < pool_threads();
		    ps->nsigners++)
			if (send_signer(o->dir, o->mail,
			    &ps->signers[ps->nsigners], err) == -1)
				goto out;
	}
	if (o->to != NULL) {
		if (open_mailer(ps, o->mail, 1, err) == -1)
			goto out;
		rc = preview(ps, v, n, err);
		goto out;
	}
	if (store_send_begun(ps->store, &any, err) == -1)
		goto out;
	if (o->dry_run) {
		rc = dry_run(ps, v, n, !any, err);
		goto out;
	}
	if ((got = lease(ps, err)) != 1) {
		rc = got;	/* 0: busy, said so */
		goto out;
	}
	if (!any) {
		rc = mark_all(ps, v, n, err);
		goto out;
	}
	if (o->retry != NULL && requeue(ps, o->retry, err) == -1)
		goto out;
	if (o->rewind && store_deliveries_rewind(ps->store,
	    (int64_t)time(NULL), err) == -1)
		goto out;
	if (open_mailer(ps, o->mail, o->mail->connections, err) == -1)
		goto out;
	rc = sending(ps, v, n, err);
out:
	if (got == 1) {
		struct err e2;

		(void)store_lease_release(ps->store, (long)getpid(), ps->host,
		    &e2);
	}
	if (ps->mailer != NULL)
		mailer_close(ps->mailer);
	for (n = 0; n < ps->nslots; n++) {
		buf_free(&ps->slots[n].msg);
		buf_free(&ps->slots[n].from);
	}
	free(ps->slots);
	for (i = 1; i < ps->nsigners; i++)
		dkim_signer_close(ps->signers[i]);
	for (i = 0; i < READY_MAX; i++) {
		buf_free(&ps->ready[i].raw);
		buf_free(&ps->ready[i].msg);
	}
	dkim_signer_close(ps->signer);
	buf_free(&ps->unsigned_msg);
	store_close(ps->store);
	free(v);
	ids_free(ids);
	if (loaded)
		site_free(&site);
	free(ps);
	return rc;
}
