#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../mail/dkim.h"
#include "../send/notice.h"
#include "../site/render.h"
#include "../support/buf.h"
#include "../support/fsutil.h"
#include "answer.h"
#include "formbody.h"
#include "formq.h"
#include "forms.h"

#define SHELL_MAX	(1024 * 1024)
#define RATE_SLOTS	4096	/* clients remembered per minute */
#define RATE_PROBE	8

/* Posts from one client address in the current minute. */
struct rate_slot {
	struct addr	 a;
	int64_t		 minute;	/* 0: free */
	size_t		 n;
};

struct forms {
	struct forms_opts o;
	const char	*base;		/* the site's base path, "/" or "/x/" */
	pthread_mutex_t	 shell_lock;
	char		*shell;		/* .stet/form.html, or NULL */
	size_t		 shell_len;
	pthread_mutex_t	 rate_lock;
	/* SipHash with a key of our own: clients choose their addresses. */
	unsigned char	 rate_key[crypto_shorthash_KEYBYTES];
	struct rate_slot rate[RATE_SLOTS];
};

/*
 * A POST handed to the form queue: what its work needs, copied out of
 * the request (which stays on its loop).
 */
struct post_job {
	struct formq_job q;		/* first: the queue's */
	struct forms	*f;
	int		 confirm, unsub;
	struct addr	 client;
	int		 has_client;
	int		 has_body;
	size_t		 nquery, nbody;
	char		 data[];	/* the query, then the body */
};

/* The store's waits end this long before the answer is due. */
#define STORE_MARGIN_MS	100

/* Used when the build has not made .stet/form.html (it failed). */
static const char fallback_shell[] =
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n<title>" RENDER_FORM_TITLE "</title>\n</head>\n"
    "<body>\n<main id=\"main\">\n<h1>" RENDER_FORM_TITLE "</h1>\n"
    RENDER_FORM_CONTENT "\n</main>\n</body>\n</html>\n";

int
forms_open(struct forms **out, const struct forms_opts *o, struct err *err)
{
	struct forms	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	f->o = *o;
	f->base = o->base_path;
	pthread_mutex_init(&f->shell_lock, NULL);
	pthread_mutex_init(&f->rate_lock, NULL);
	crypto_shorthash_keygen(f->rate_key);
	forms_reload(f);
	*out = f;
	return 0;
}

void
forms_close(struct forms *f)
{
	if (f == NULL)
		return;
	pthread_mutex_destroy(&f->shell_lock);
	pthread_mutex_destroy(&f->rate_lock);
	free(f->shell);
	free(f);
}

void
forms_reload(struct forms *f)
{
	struct buf	 b;
	struct err	 err;
	char		*old, *p = NULL;
	size_t		 n = 0;

	buf_init(&b, 0);
	if (fs_read_at(f->o.sitefd, RENDER_FORM_FILE, SHELL_MAX, &b, 0,
	    &err) == 0 && b.len > 0 && strstr(b.data, RENDER_FORM_CONTENT))
		p = buf_take(&b, &n);
	buf_free(&b);
	pthread_mutex_lock(&f->shell_lock);
	old = f->shell;
	f->shell = p;
	f->shell_len = n;
	pthread_mutex_unlock(&f->shell_lock);
	free(old);
}

/*
 * Is another POST /subscribe from a allowed this minute?  A fixed
 * window per client; a table full of other clients (thousands in one
 * minute) lets the post through: the hourly bound on confirmations in
 * all still holds.
 */
static int
rate_ok(struct forms *f, const struct addr *a)
{
	struct rate_slot *s;
	int64_t		 minute = (int64_t)time(NULL) / 60 + 1;
	unsigned char	 hv[crypto_shorthash_BYTES];
	size_t		 i, h;
	int		 ok = 1;

	crypto_shorthash(hv, a->b, sizeof(a->b), f->rate_key);
	memcpy(&h, hv, sizeof(h));
	pthread_mutex_lock(&f->rate_lock);
	for (i = 0; i < RATE_PROBE; i++) {
		s = &f->rate[(h + i) % RATE_SLOTS];
		if (s->minute == minute &&
		    memcmp(s->a.b, a->b, sizeof(a->b)) != 0)
			continue;
		if (s->minute != minute) {
			s->a = *a;
			s->minute = minute;
			s->n = 0;
		}
		ok = ++s->n <= f->o.settings->subscribe_per_minute;
		break;
	}
	pthread_mutex_unlock(&f->rate_lock);
	return ok;
}

/*
 * Make the answer of kind k, in the site's form page, into rp (sent by
 * the loop: see formq.h).  text and len, and why, as answer.h says for
 * k.
 */
static void
send_answer(struct forms *f, struct formq_reply *rp, enum answer_kind k,
    const char *text, size_t len, const char *why)
{
	struct answer_in in = { f->base, f->o.title, text, len, why };
	struct answer	 pg;
	const char	*shell;
	size_t		 n;

	buf_free(&rp->body);
	/* Out of memory: what was made goes out, as before. */
	(void)answer_make(&pg, k, &in);
	pthread_mutex_lock(&f->shell_lock);
	shell = f->shell != NULL ? f->shell : fallback_shell;
	n = f->shell != NULL ? f->shell_len : sizeof(fallback_shell) - 1;
	(void)answer_fill(shell, n, &pg, &rp->body);
	pthread_mutex_unlock(&f->shell_lock);
	rp->status = pg.status;
	rp->reason = pg.reason;
	answer_free(&pg);
}

static void
answer_later(struct forms *f, struct formq_reply *rp, int status)
{
	send_answer(f, rp, status == 429 ? ANSWER_TOO_MANY :
	    ANSWER_UNAVAILABLE, NULL, 0, NULL);
}

static void
answer_bad(struct forms *f, struct formq_reply *rp, const char *what)
{
	send_answer(f, rp, ANSWER_BAD, NULL, 0, what);
}

/* The confirmation message for rcpt, signed when the site signs. */
static int
confirmation(struct forms *f, const char *rcpt, const char *token,
    int64_t now, struct buf *out, struct err *err)
{
	struct buf	 m;
	int		 rc = -1;

	if (f->o.signer == NULL)
		return notice_confirm(f->o.mail, f->o.title, f->o.url,
		    f->o.link_base, rcpt, token, (time_t)now, out, err);
	buf_init(&m, 0);
	if (notice_confirm(f->o.mail, f->o.title, f->o.url, f->o.link_base,
	    rcpt, token, (time_t)now, &m, err) == 0 &&
	    dkim_signer_sign(f->o.signer, m.data, m.len, out, err) == 0) {
		if (buf_put(out, m.data, m.len) == 0)
			rc = 0;
		else
			err_set(err, NULL, 0, "out of memory");
	}
	if (m.data != NULL)
		sodium_memzero(m.data, m.len);
	buf_free(&m);
	return rc;
}

static void
post_subscribe(struct forms *f, struct formq_reply *rp,
    const struct form_field *fv, size_t nf, const struct addr *client)
{
	const struct form_field *email = form_field_get(fv, nf, "email");
	const struct form_field *trap = form_field_get(fv, nf, "website");
	struct buf	 norm, msg;
	struct err	 err;
	enum store_sub	 res = STORE_SUB_QUIET;
	const char	*why;
	char		 token[STORE_TOKEN_LEN + 1];
	int64_t		 id, now = (int64_t)time(NULL);
	int		 rc = 0;

	if (client != NULL && !rate_ok(f, client)) {
		answer_later(f, rp, 429);
		return;
	}
	if (email == NULL) {
		answer_bad(f, rp, "The form came without an email address.");
		return;
	}
	buf_init(&norm, 0);
	buf_init(&msg, 0);
	if (store_check_address(email->val, email->vlen, &norm, &why) == -1) {
		send_answer(f, rp, ANSWER_BAD_ADDRESS, email->val,
		    email->vlen, why);
		goto out;
	}
	/* A bot filled the field people cannot see: say the usual. */
	if (trap == NULL || trap->vlen == 0) {
		pthread_mutex_lock(f->o.lock);
		if ((rc = store_begin(f->o.store, &err)) == 0) {
			rc = store_subscribe(f->o.store, norm.data, now,
			    f->o.settings->subscribe_confirmations_per_hour,
			    &res, &id, token, &err);
			if (rc == 0 && res == STORE_SUB_SEND)
				rc = confirmation(f, norm.data, token, now,
				    &msg, &err);
			if (rc == 0 && res == STORE_SUB_SEND)
				rc = store_mailq_add(f->o.store, id, norm.data,
				    msg.data, msg.len, now, &err);
			if (rc == 0)
				rc = store_commit(f->o.store, &err);
			else
				store_rollback(f->o.store);
		}
		pthread_mutex_unlock(f->o.lock);
		sodium_memzero(token, sizeof(token));
		if (rc == -1) {
			/* Nothing was acknowledged, so nothing is lost. */
			fprintf(stderr, "stet: subscribe: %s\n", err.msg);
			answer_later(f, rp, 503);
			goto out;
		}
		if (res == STORE_SUB_BUSY) {
			answer_later(f, rp, 429);
			goto out;
		}
		if (res == STORE_SUB_SEND)
			outbox_kick(f->o.outbox);
	}
	send_answer(f, rp, ANSWER_INBOX, norm.data, norm.len, NULL);
out:
	if (msg.data != NULL)
		sodium_memzero(msg.data, msg.len);
	buf_free(&norm);
	buf_free(&msg);
}

static void
post_confirm(struct forms *f, struct formq_reply *rp,
    const struct form_field *t)
{
	struct err	 err;
	enum store_confirm res;
	char		 unsub[STORE_UNSUB_LEN + 1];
	int		 rc;

	pthread_mutex_lock(f->o.lock);
	rc = store_confirm(f->o.store, t->val, t->vlen, (int64_t)time(NULL),
	    &res, unsub, &err);
	pthread_mutex_unlock(f->o.lock);
	if (rc == -1) {
		fprintf(stderr, "stet: confirm: %s\n", err.msg);
		answer_later(f, rp, 503);
		return;
	}
	switch (res) {
	case STORE_CONFIRM_DONE:
		send_answer(f, rp, ANSWER_SUBSCRIBED, unsub, strlen(unsub),
		    NULL);
		break;
	case STORE_CONFIRM_EXPIRED:
		send_answer(f, rp, ANSWER_EXPIRED, NULL, 0, NULL);
		break;
	default:
		send_answer(f, rp, ANSWER_DEAD_LINK, NULL, 0, NULL);
		break;
	}
}

static void
post_unsubscribe(struct forms *f, struct formq_reply *rp,
    const struct form_field *t)
{
	struct err	 err;
	enum store_unsub res;
	int		 rc;

	pthread_mutex_lock(f->o.lock);
	rc = store_unsubscribe(f->o.store, t->val, t->vlen,
	    (int64_t)time(NULL), &res, &err);
	pthread_mutex_unlock(f->o.lock);
	if (rc == -1) {
		fprintf(stderr, "stet: unsubscribe: %s\n", err.msg);
		answer_later(f, rp, 503);
		return;
	}
	/* The same calm answer, whatever the token was. */
	send_answer(f, rp, ANSWER_UNSUBSCRIBED, NULL, 0, NULL);
}

/* A GET of a link from a message: one button, nothing changed. */
static void
get_button(struct forms *f, struct formq_reply *rp,
    const struct form_field *t, int confirm)
{
	if (t == NULL || t->vlen == 0)
		send_answer(f, rp, ANSWER_INCOMPLETE, NULL, 0, NULL);
	else
		send_answer(f, rp, confirm ? ANSWER_CONFIRM :
		    ANSWER_UNSUBSCRIBE, t->val, t->vlen, NULL);
}

static int
method_is(const h2o_req_t *req, const char *m)
{
	return h2o_memis(req->method.base, req->method.len, m, strlen(m));
}

static int
is(const char *path, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(path, name, len) == 0;
}

/*
 * The POST half of the forms, on the form queue's worker: parse what the
 * loop copied out and do what it asks, the answer into rp.
 */
static void
post_answer(struct post_job *j, h2o_mem_pool_t *pool, struct formq_reply *rp)
{
	struct form_field body[FORM_FIELDS_MAX], query[FORM_FIELDS_MAX];
	const struct form_field *t;
	struct forms	*f = j->f;
	const char	*qs = j->data, *bs = j->data + j->nquery;
	size_t		 nb = 0, nq = 0;
	int		 one_click;

	if (j->nquery > 0 &&
	    form_parse_body(pool, qs, j->nquery, query, &nq) == -1) {
		answer_bad(f, rp, "The address of this page is malformed.");
		return;
	}
	/*
	 * RFC 8058: a mail client's own unsubscribe button posts this
	 * body (urlencoded or multipart) to the List-Unsubscribe URL,
	 * whose query holds the token.
	 */
	one_click = j->unsub && j->has_body &&
	    memmem(bs, j->nbody, "List-Unsubscribe=One-Click", 26) != NULL;
	if (!one_click && j->has_body &&
	    form_parse_body(pool, bs, j->nbody, body, &nb) == -1) {
		answer_bad(f, rp, "The form arrived malformed.");
		return;
	}
	if (!j->confirm && !j->unsub) {
		post_subscribe(f, rp, body, nb,
		    j->has_client ? &j->client : NULL);
		return;
	}
	if ((t = form_field_get(body, nb, "t")) == NULL)
		t = form_field_get(query, nq, "t");
	if (t == NULL || t->vlen == 0) {
		answer_bad(f, rp, "The form came without its token.");
		return;
	}
	if (j->confirm)
		post_confirm(f, rp, t);
	else
		post_unsubscribe(f, rp, t);
}

/* The queue's worker runs this: no store wait outlasts the answer. */
static void
post_work(struct formq_job *qj)
{
	struct post_job	*j = (struct post_job *)qj;
	h2o_mem_pool_t	 pool;
	uint64_t	 left = formq_left_ms(qj);

	store_busy_timeout(j->f->o.store, left > 2 * STORE_MARGIN_MS ?
	    (int)(left - STORE_MARGIN_MS) : (int)(left / 2));
	h2o_mem_init_pool(&pool);
	post_answer(j, &pool, &qj->reply);
	h2o_mem_clear_pool(&pool);
}

/* Too late, or too many waiting: "try again" (on the loop). */
static void
post_late(struct formq_job *qj, struct formq_reply *rp)
{
	answer_later(((struct post_job *)qj)->f, rp, 503);
}

static void
post_drop(struct formq_job *qj)
{
	formq_reply_free(&qj->reply);
	free(qj);
}

/* Copy what a POST needs out of req and hand it to the queue. */
static void
post_submit(struct forms *f, struct formq_port *port, h2o_req_t *req,
    int confirm, int unsub, const struct addr *client)
{
	struct post_job	*j;
	struct formq_reply rp;
	size_t		 nq = 0, nb = req->entity.base != NULL ?
			    req->entity.len : 0;

	if (req->query_at != SIZE_MAX && req->query_at + 1 < req->path.len)
		nq = req->path.len - req->query_at - 1;
	/* The body is at most max_body: h2o refused anything longer. */
	if ((j = calloc(1, sizeof(*j) + nq + nb + 1)) == NULL) {
		memset(&rp, 0, sizeof(rp));
		buf_init(&rp.body, 0);
		answer_later(f, &rp, 503);
		formq_send(req, &rp);
		formq_reply_free(&rp);
		return;
	}
	j->q.work = post_work;
	j->q.late = post_late;
	j->q.drop = post_drop;
	buf_init(&j->q.reply.body, 0);
	j->f = f;
	j->confirm = confirm;
	j->unsub = unsub;
	if (client != NULL) {
		j->client = *client;
		j->has_client = 1;
	}
	j->has_body = req->entity.base != NULL;
	j->nquery = nq;
	j->nbody = nb;
	if (nq > 0)
		memcpy(j->data, req->path.base + req->query_at + 1, nq);
	if (nb > 0)
		memcpy(j->data + nq, req->entity.base, nb);
	formq_submit(port, req, &j->q);
}

int
forms_answer(struct forms *f, struct formq_port *port, h2o_req_t *req,
    const char *path, size_t len, const struct addr *client)
{
	struct form_field query[FORM_FIELDS_MAX];
	struct formq_reply rp;
	size_t		 nq = 0, bl = strlen(f->base) - 1;
	int		 confirm, unsub, post;

	/* Under the base path, as the site's own pages are. */
	if (bl > 0 && len > bl && memcmp(path, f->base, bl) == 0) {
		path += bl;
		len -= bl;
	}
	confirm = is(path, len, "/subscribe/confirm");
	unsub = is(path, len, "/unsubscribe");
	if (!confirm && !unsub && !is(path, len, "/subscribe"))
		return 0;
	post = method_is(req, "POST");
	if (!post && !method_is(req, "GET") && !method_is(req, "HEAD"))
		return 0;	/* routes answers 405 */
	/* Anything that may touch the store goes to the queue. */
	if (post) {
		post_submit(f, port, req, confirm, unsub, client);
		return 1;
	}

	memset(&rp, 0, sizeof(rp));
	buf_init(&rp.body, 0);
	if (req->query_at != SIZE_MAX && req->query_at + 1 < req->path.len &&
	    form_parse_body(&req->pool, req->path.base + req->query_at + 1,
	    req->path.len - req->query_at - 1, query, &nq) == -1)
		answer_bad(f, &rp, "The address of this page is malformed.");
	else if (confirm || unsub)
		get_button(f, &rp, form_field_get(query, nq, "t"), confirm);
	else
		send_answer(f, &rp, ANSWER_FORM, NULL, 0, NULL);
	formq_send(req, &rp);
	formq_reply_free(&rp);
	return 1;
}
