#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
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
#include "origin.h"

#define SHELL_MAX	(1024 * 1024)
#define NET_SLOTS	4096	/* networks remembered */
#define NET_PROBE	8
#define NET_FRESH	3600	/* no confirmation this long: fresh */

/*
 * What a network (an IPv4 /24, an IPv6 /64: what one subscriber of an
 * ISP can pick addresses in) did lately, in memory only: stet keeps no
 * address of a reader, and this table goes with the process.  A slot is
 * found by SipHash of the network under a key made at start, so nobody
 * outside can aim addresses at one slot.
 */
struct net_slot {
	struct addr	 net;		/* the address, host bits zeroed */
	int64_t		 minute;	/* of the posts counted in n; 0: free */
	size_t		 n;
	int64_t		 sent;		/* last confirmation sent; 0: none */
};

struct forms {
	struct forms_opts o;
	const char	*base;		/* the site's base path, "/" or "/x/" */
	char		 origin[ORIGIN_MAX];	/* the site url's, or "" */
	pthread_mutex_t	 shell_lock;
	char		*shell;		/* .stet/form.html, or NULL */
	size_t		 shell_len;
	pthread_mutex_t	 net_lock;
	unsigned char	 net_key[crypto_shorthash_KEYBYTES];
	struct net_slot	 net[NET_SLOTS];
	int64_t		 down_said;	/* last word of a missing store */
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
	if (o->url == NULL ||
	    origin_norm(o->url, strlen(o->url), 0, f->origin) == -1)
		f->origin[0] = '\0';
	pthread_mutex_init(&f->shell_lock, NULL);
	pthread_mutex_init(&f->net_lock, NULL);
	crypto_shorthash_keygen(f->net_key);
	forms_reload(f);
	/*
	 * Said once here, not only at each form a reader sends: the owner
	 * reads the start of the log.
	 */
	if (o->store == NULL)
		fprintf(stderr, "stet: ERROR: subscribe: the subscriber list "
		    "is not open: the forms answer 503 (try again later) to "
		    "every reader until it is mended and stet serve "
		    "restarted\n");
	else if (store_read_only(o->store))
		fprintf(stderr, "stet: ERROR: subscribe: stet.db is read-only: "
		    "the forms answer 503 (try again later) to every reader "
		    "until it can be written\n");
	*out = f;
	return 0;
}

void
forms_close(struct forms *f)
{
	if (f == NULL)
		return;
	pthread_mutex_destroy(&f->shell_lock);
	pthread_mutex_destroy(&f->net_lock);
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

/* a's network: an IPv4 address's /24, an IPv6 one's /64. */
static void
net_of(const struct addr *a, struct addr *net)
{
	static const unsigned char v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(net, 0, sizeof(*net));
	if (a == NULL)
		return;
	if (memcmp(a->b, v4, sizeof(v4)) == 0)
		memcpy(net->b, a->b, 15);
	else
		memcpy(net->b, a->b, 8);
}

/*
 * The slot of net, taken for it when it has none: a free one, else the
 * one idle longest.  Under net_lock.  NULL only when every slot probed
 * is busy with another network this very minute.
 */
static struct net_slot *
net_slot(struct forms *f, const struct addr *net, int64_t now)
{
	struct net_slot	*s, *pick = NULL;
	unsigned char	 hv[crypto_shorthash_BYTES];
	int64_t		 minute = now / 60 + 1, idle, best = -1;
	size_t		 i, h;

	crypto_shorthash(hv, net->b, sizeof(net->b), f->net_key);
	memcpy(&h, hv, sizeof(h));
	for (i = 0; i < NET_PROBE; i++) {
		s = &f->net[(h + i) % NET_SLOTS];
		if (s->minute != 0 &&
		    memcmp(s->net.b, net->b, sizeof(net->b)) == 0)
			return s;
		if (s->minute == minute)
			continue;
		idle = now - (s->sent > (s->minute - 1) * 60 ? s->sent :
		    (s->minute - 1) * 60);
		if (s->minute == 0 || idle > best) {
			best = s->minute == 0 ? INT64_MAX : idle;
			pick = s;
		}
	}
	if (pick != NULL) {
		memset(pick, 0, sizeof(*pick));
		pick->net = *net;
		pick->minute = minute;
	}
	return pick;
}

/*
 * Count a POST /subscribe from net: 0 when allowed, else the seconds
 * until its minute is over.  A table full of other networks this very
 * minute (thousands) lets the post through: the hourly bound on
 * confirmations in all still holds.
 */
static int64_t
net_post(struct forms *f, const struct addr *net, int64_t now)
{
	struct net_slot	*s;
	int64_t		 minute = now / 60 + 1, wait = 0;

	pthread_mutex_lock(&f->net_lock);
	if ((s = net_slot(f, net, now)) != NULL) {
		if (s->minute != minute) {
			s->minute = minute;
			s->n = 0;
		}
		if (++s->n > f->o.settings->subscribe_per_minute)
			wait = 60 - now % 60;
	}
	pthread_mutex_unlock(&f->net_lock);
	return wait;
}

/* Was net sent no confirmation in the last NET_FRESH seconds? */
static int
net_fresh(struct forms *f, const struct addr *net, int64_t now)
{
	struct net_slot	*s;
	int		 fresh = 0;

	pthread_mutex_lock(&f->net_lock);
	if ((s = net_slot(f, net, now)) != NULL)
		fresh = s->sent == 0 || now - s->sent >= NET_FRESH;
	pthread_mutex_unlock(&f->net_lock);
	return fresh;
}

static void
net_sent(struct forms *f, const struct addr *net, int64_t now)
{
	struct net_slot	*s;

	pthread_mutex_lock(&f->net_lock);
	if ((s = net_slot(f, net, now)) != NULL)
		s->sent = now;
	pthread_mutex_unlock(&f->net_lock);
}

/*
 * The confirmations of the hour that only a fresh network may have:
 * a quarter, so that whoever sends the form from a few networks until
 * the hour's budget is spent leaves that much for everyone else.
 */
static size_t
budget_reserve(size_t per_hour)
{
	if (per_hour < 2)
		return 0;
	return per_hour / 4 > 0 ? per_hour / 4 : 1;
}

/*
 * Make the answer of kind k, in the site's form page, into rp (sent by
 * the loop: see formq.h).  text and len, and why, as answer.h says for
 * k.
 */
static void
send_answer_wait(struct forms *f, struct formq_reply *rp, enum answer_kind k,
    const char *text, size_t len, const char *why, int64_t wait)
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
	rp->retry_after = wait;
	answer_free(&pg);
}

/* The same, with the usual minute for a 429's or 503's Retry-After. */
static void
send_answer(struct forms *f, struct formq_reply *rp, enum answer_kind k,
    const char *text, size_t len, const char *why)
{
	send_answer_wait(f, rp, k, text, len, why, 60);
}

static void
answer_later(struct forms *f, struct formq_reply *rp, int status)
{
	send_answer(f, rp, status == 429 ? ANSWER_TOO_MANY :
	    ANSWER_UNAVAILABLE, NULL, 0, NULL);
}

/* 429, saying why and, truthfully, when to try again. */
static void
answer_wait(struct forms *f, struct formq_reply *rp, const char *why,
    int64_t wait)
{
	char	 when[64];
	int	 n;

	if (wait < 1)
		wait = 1;
	if (wait < 120)
		n = snprintf(when, sizeof(when), "in %" PRId64 " seconds",
		    wait);
	else
		n = snprintf(when, sizeof(when), "in %" PRId64 " minutes",
		    (wait + 59) / 60);
	if (n < 0 || (size_t)n >= sizeof(when))
		n = 0;
	send_answer_wait(f, rp, ANSWER_TOO_MANY, when, (size_t)n, why, wait);
}

/*
 * 503 when the list could not be opened at start: the reader is told,
 * and the log says why at most once a minute (it said so loudly at the
 * start), so a busy form cannot flood it.
 */
static void
answer_down(struct forms *f, struct formq_reply *rp, const char *what)
{
	int64_t	 now = (int64_t)time(NULL);
	int	 say;

	pthread_mutex_lock(&f->net_lock);
	if ((say = now - f->down_said >= 60))
		f->down_said = now;
	pthread_mutex_unlock(&f->net_lock);
	if (say)
		fprintf(stderr, "stet: ERROR: %s: the subscriber list is not "
		    "open (see the start of this log): answered 503\n", what);
	send_answer(f, rp, ANSWER_UNAVAILABLE, NULL, 0, "The list of "
	    "subscribers cannot be opened just now; the site's owner has "
	    "been told.");
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
	struct addr	 net;
	enum store_sub	 res = STORE_SUB_QUIET;
	const char	*why;
	char		 token[STORE_TOKEN_LEN + 1];
	int64_t		 now = (int64_t)time(NULL), wait;
	size_t		 limit = f->o.settings->subscribe_confirmations_per_hour;
	int		 rc = 0;

	/*
	 * Without the client's address (no connection of ours under the
	 * request) there is no network to count, nor to call fresh.
	 */
	net_of(client, &net);
	if (client != NULL && (wait = net_post(f, &net, now)) > 0) {
		answer_wait(f, rp, "Too many requests came from your network "
		    "in the last minute.", wait);
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
		if (client == NULL || !net_fresh(f, &net, now))
			limit -= budget_reserve(limit);
		/*
		 * The message is made, and signed, for every address, used
		 * or not: the work done does not tell a new address from
		 * one already on the list.
		 */
		store_new_token(token);
		rc = confirmation(f, norm.data, token, now, &msg, &err);
		if (rc == 0) {
			pthread_mutex_lock(f->o.lock);
			rc = store_subscribe(f->o.store, norm.data, token,
			    msg.data, msg.len, now, limit, &res, &wait, &err);
			pthread_mutex_unlock(f->o.lock);
		}
		sodium_memzero(token, sizeof(token));
		if (rc == -1) {
			/* Nothing was acknowledged, so nothing is lost. */
			fprintf(stderr, "stet: subscribe: %s\n", err.msg);
			answer_later(f, rp, 503);
			goto out;
		}
		if (res == STORE_SUB_BUSY) {
			answer_wait(f, rp, "This site has sent as many "
			    "confirmation messages in the last hour as it "
			    "will.", wait);
			goto out;
		}
		if (res == STORE_SUB_SEND) {
			if (client != NULL)
				net_sent(f, &net, now);
			outbox_kick(f->o.outbox);
		}
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

/*
 * May this POST change anything?  A browser says where a form came
 * from: Origin, and Sec-Fetch-Site.  Origin must be the site's (its
 * url's), one in subscribe.origins, or this machine's when the request
 * was addressed to this machine too (a trial on the owner's computer:
 * a page elsewhere cannot make a browser send a loopback Origin).
 * Sec-Fetch-Site must not say cross-site.  A request with neither is
 * no browser's form (an RFC 8058 one-click unsubscribe from a mail
 * provider, curl): it cannot carry a reader's cookies or trust, and
 * nothing stet does rests on them.
 */
static int
origin_ok(struct forms *f, h2o_req_t *req)
{
	const h2o_header_t *hd;
	char		 o[ORIGIN_MAX], host[ORIGIN_MAX], self[ORIGIN_MAX];
	ssize_t		 i = -1;
	size_t		 k;
	int		 n;

	while ((i = h2o_find_header_by_str(&req->headers,
	    H2O_STRLIT("sec-fetch-site"), i)) != -1) {
		hd = &req->headers.entries[i];
		if (!h2o_memis(hd->value.base, hd->value.len,
		    H2O_STRLIT("same-origin")) &&
		    !h2o_memis(hd->value.base, hd->value.len,
		    H2O_STRLIT("same-site")) &&
		    !h2o_memis(hd->value.base, hd->value.len,
		    H2O_STRLIT("none")))
			return 0;
	}
	while ((i = h2o_find_header_by_str(&req->headers,
	    H2O_STRLIT("origin"), i)) != -1) {
		hd = &req->headers.entries[i];
		/* "null" (a sandboxed or file: page) fails here too. */
		if (origin_norm(hd->value.base, hd->value.len, 1, o) == -1)
			return 0;
		if (f->origin[0] != '\0' && strcmp(o, f->origin) == 0)
			continue;
		for (k = 0; k < f->o.settings->nsubscribe_origins; k++)
			if (strcmp(o, f->o.settings->subscribe_origins[k]) == 0)
				break;
		if (k < f->o.settings->nsubscribe_origins)
			continue;
		n = snprintf(host, sizeof(host), "%.*s://%.*s",
		    strncmp(o, "https:", 6) == 0 ? 5 : 4, o,
		    (int)req->input.authority.len, req->input.authority.base);
		if (n > 0 && (size_t)n < sizeof(host) &&
		    origin_norm(host, (size_t)n, 1, self) == 0 &&
		    origin_is_loopback(self) && strcmp(o, self) == 0)
			continue;
		return 0;
	}
	return 1;
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
	memset(&rp, 0, sizeof(rp));
	buf_init(&rp.body, 0);
	/*
	 * Anything that may touch the store goes to the queue, once the
	 * loop, which alone sees the request's headers, found it may.
	 * Without a store there is no queue (server.c): the loop answers.
	 */
	if (post && origin_ok(f, req) && f->o.store != NULL) {
		post_submit(f, port, req, confirm, unsub, client);
		return 1;
	}
	if (post && f->o.store != NULL)
		send_answer(f, &rp, ANSWER_FORBIDDEN, NULL, 0, NULL);
	else if (post)
		answer_down(f, &rp, confirm ? "confirm" : unsub ?
		    "unsubscribe" : "subscribe");
	else if (req->query_at != SIZE_MAX && req->query_at + 1 < req->path.len &&
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
