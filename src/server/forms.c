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

/* Each answer is sent whole at once, so the generator does nothing. */
static h2o_generator_t generator = { NULL, NULL };

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
 * Send the answer of kind k, in the site's form page.  text and len, and
 * why, as answer.h says for k.
 */
static void
send_answer(struct forms *f, h2o_req_t *req, enum answer_kind k,
    const char *text, size_t len, const char *why)
{
	struct answer_in in = { f->base, f->o.title, text, len, why };
	struct answer	 pg;
	struct buf	 out;
	const char	*shell;
	size_t		 n;
	char		*body;
	h2o_iovec_t	 iov;

	buf_init(&out, 0);
	/* Out of memory: what was made goes out, as before. */
	(void)answer_make(&pg, k, &in);
	pthread_mutex_lock(&f->shell_lock);
	shell = f->shell != NULL ? f->shell : fallback_shell;
	n = f->shell != NULL ? f->shell_len : sizeof(fallback_shell) - 1;
	(void)answer_fill(shell, n, &pg, &out);
	pthread_mutex_unlock(&f->shell_lock);

	req->res.status = pg.status;
	req->res.reason = pg.reason;
	h2o_add_header(&req->pool, &req->res.headers,
	    H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("text/html; charset=utf-8"));
	h2o_add_header(&req->pool, &req->res.headers,
	    H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
	if (pg.status == 429 || pg.status == 503)
		h2o_add_header(&req->pool, &req->res.headers,
		    H2O_TOKEN_RETRY_AFTER, NULL, H2O_STRLIT("60"));
	/* The whole answer at once, with its length: no chunking. */
	body = h2o_mem_alloc_pool(&req->pool, out.len + 1);
	memcpy(body, out.data != NULL ? out.data : "", out.len);
	iov = h2o_iovec_init(body, out.len);
	req->res.content_length = out.len;
	h2o_start_response(req, &generator);
	h2o_send(req, &iov, h2o_memis(req->method.base, req->method.len,
	    H2O_STRLIT("HEAD")) ? 0 : 1, H2O_SEND_STATE_FINAL);
	buf_free(&out);
	answer_free(&pg);
}

static void
answer_later(struct forms *f, h2o_req_t *req, int status)
{
	send_answer(f, req, status == 429 ? ANSWER_TOO_MANY :
	    ANSWER_UNAVAILABLE, NULL, 0, NULL);
}

static void
answer_bad(struct forms *f, h2o_req_t *req, const char *what)
{
	send_answer(f, req, ANSWER_BAD, NULL, 0, what);
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
post_subscribe(struct forms *f, h2o_req_t *req,
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
		answer_later(f, req, 429);
		return;
	}
	if (email == NULL) {
		answer_bad(f, req, "The form came without an email address.");
		return;
	}
	buf_init(&norm, 0);
	buf_init(&msg, 0);
	if (store_check_address(email->val, email->vlen, &norm, &why) == -1) {
		send_answer(f, req, ANSWER_BAD_ADDRESS, email->val,
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
			answer_later(f, req, 503);
			goto out;
		}
		if (res == STORE_SUB_BUSY) {
			answer_later(f, req, 429);
			goto out;
		}
		if (res == STORE_SUB_SEND)
			outbox_kick(f->o.outbox);
	}
	send_answer(f, req, ANSWER_INBOX, norm.data, norm.len, NULL);
out:
	if (msg.data != NULL)
		sodium_memzero(msg.data, msg.len);
	buf_free(&norm);
	buf_free(&msg);
}

static void
post_confirm(struct forms *f, h2o_req_t *req, const struct form_field *t)
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
		answer_later(f, req, 503);
		return;
	}
	switch (res) {
	case STORE_CONFIRM_DONE:
		send_answer(f, req, ANSWER_SUBSCRIBED, unsub, strlen(unsub),
		    NULL);
		break;
	case STORE_CONFIRM_EXPIRED:
		send_answer(f, req, ANSWER_EXPIRED, NULL, 0, NULL);
		break;
	default:
		send_answer(f, req, ANSWER_DEAD_LINK, NULL, 0, NULL);
		break;
	}
}

static void
post_unsubscribe(struct forms *f, h2o_req_t *req,
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
		answer_later(f, req, 503);
		return;
	}
	/* The same calm answer, whatever the token was. */
	send_answer(f, req, ANSWER_UNSUBSCRIBED, NULL, 0, NULL);
}

/* A GET of a link from a message: one button, nothing changed. */
static void
get_button(struct forms *f, h2o_req_t *req, const struct form_field *t,
    int confirm)
{
	if (t == NULL || t->vlen == 0)
		send_answer(f, req, ANSWER_INCOMPLETE, NULL, 0, NULL);
	else
		send_answer(f, req, confirm ? ANSWER_CONFIRM :
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

int
forms_answer(struct forms *f, h2o_req_t *req, const char *path, size_t len,
    const struct addr *client)
{
	struct form_field body[FORM_FIELDS_MAX], query[FORM_FIELDS_MAX];
	const struct form_field *t;
	size_t		 nb = 0, nq = 0, bl = strlen(f->base) - 1;
	int		 confirm, unsub, post, one_click;

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

	if (req->query_at != SIZE_MAX && req->query_at + 1 < req->path.len &&
	    form_parse_body(&req->pool, req->path.base + req->query_at + 1,
	    req->path.len - req->query_at - 1, query, &nq) == -1) {
		answer_bad(f, req, "The address of this page is malformed.");
		return 1;
	}
	if (!post) {
		if (confirm || unsub) {
			get_button(f, req, form_field_get(query, nq, "t"),
			    confirm);
			return 1;
		}
		send_answer(f, req, ANSWER_FORM, NULL, 0, NULL);
		return 1;
	}
	/*
	 * RFC 8058: a mail client's own unsubscribe button posts this
	 * body (urlencoded or multipart) to the List-Unsubscribe URL,
	 * whose query holds the token.
	 */
	one_click = unsub && req->entity.base != NULL &&
	    memmem(req->entity.base, req->entity.len,
	    "List-Unsubscribe=One-Click", 26) != NULL;
	if (!one_click && req->entity.base != NULL &&
	    form_parse_body(&req->pool, req->entity.base, req->entity.len,
	    body, &nb) == -1) {
		answer_bad(f, req, "The form arrived malformed.");
		return 1;
	}
	if (!confirm && !unsub) {
		post_subscribe(f, req, body, nb, client);
		return 1;
	}
	if ((t = form_field_get(body, nb, "t")) == NULL)
		t = form_field_get(query, nq, "t");
	if (t == NULL || t->vlen == 0) {
		answer_bad(f, req, "The form came without its token.");
		return 1;
	}
	if (confirm)
		post_confirm(f, req, t);
	else
		post_unsubscribe(f, req, t);
	return 1;
}
