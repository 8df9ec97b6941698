#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "../send/bounce.h"
#include "formq.h"
#include "webhook.h"

#define ROUTE		"/_stet/postmark/"

struct webhook {
	const struct mail_settings *mail;
	struct store	*store;
	pthread_mutex_t	*lock;
	char		*base;		/* the site's path, without its '/' */
	size_t		 baselen;
	/* The secret, kept as its digest: the compare takes equal time
	 * whatever the length and the bytes of what is tried. */
	unsigned char	 digest[crypto_generichash_BYTES];
};

/*
 * Postmark's types (its Bounce API's "Bounce types", the Type field of
 * the bounce webhook: https://postmarkapp.com/developer/api/bounce-api
 * and https://postmarkapp.com/developer/webhooks/bounce-webhook; the
 * spam complaint webhook sends Type "SpamComplaint":
 * https://postmarkapp.com/developer/webhooks/spam-complaint-webhook).
 * Any type not here (AutoResponder, AddressChange, Subscribe, Blocked
 * and the rest) says nothing about the address or the reader's wish.
 */
static const struct {
	const char	*type;
	enum store_bounce_kind kind;
} types[] = {
	{ "HardBounce", STORE_BOUNCE_HARD },		/* unknown user */
	{ "BadEmailAddress", STORE_BOUNCE_HARD },	/* not an address */
	{ "SoftBounce", STORE_BOUNCE_SOFT },		/* mailbox full */
	{ "Transient", STORE_BOUNCE_SOFT },		/* delayed */
	{ "DnsError", STORE_BOUNCE_SOFT },		/* a temporary one */
	{ "SpamComplaint", STORE_BOUNCE_COMPLAINT },
	{ "Unsubscribe", STORE_BOUNCE_COMPLAINT },	/* asked out: leaves */
};

static void	answer(h2o_req_t *, int, const char *, const char *);
static void	copy_field(json_t *, const char *, char *, size_t);

/*
 * The event's fields, as the webhook pages show them: RecordType
 * ("Bounce" or "SpamComplaint"), ID (a number), Type, TypeCode, Email,
 * Description, Details, BouncedAt and others not read here.
 */
int
webhook_parse(const char *body, size_t len, struct webhook_event *ev,
    struct err *err)
{
	json_error_t	 je;
	json_t		*root, *type, *email, *id;
	char		 key[64];
	size_t		 i;
	int		 n;

	memset(ev, 0, sizeof(*ev));
	if (len > WEBHOOK_BODY_MAX)
		return err_set(err, NULL, 0, "larger than %d bytes",
		    WEBHOOK_BODY_MAX);
	/* Duplicate keys could make two readers of one event disagree. */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return err_set(err, NULL, 0, "not JSON: %s (column %d)",
		    je.text, je.column);
	if (!json_is_object(root) ||
	    !json_is_string(type = json_object_get(root, "Type")) ||
	    !json_is_string(email = json_object_get(root, "Email"))) {
		json_decref(root);
		return err_set(err, NULL, 0, "not a Postmark event: want an "
		    "object with Type and Email");
	}
	copy_field(root, "Type", ev->type, sizeof(ev->type));
	copy_field(root, "Email", ev->email, sizeof(ev->email));
	copy_field(root, "Details", ev->detail, sizeof(ev->detail));
	if (ev->detail[0] == '\0')
		copy_field(root, "Description", ev->detail,
		    sizeof(ev->detail));
	for (i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (strcmp(ev->type, types[i].type) == 0) {
			ev->concern = 1;
			ev->kind = types[i].kind;
		}
	/* Postmark's ID names the event; without one, its bytes do. */
	id = json_object_get(root, "ID");
	if (json_is_integer(id)) {
		n = snprintf(key, sizeof(key), "postmark:%lld",
		    (long long)json_integer_value(id));
		store_bounce_key(key, (size_t)n, ev->seen);
	} else
		store_bounce_key(body, len, ev->seen);
	json_decref(root);
	(void)email;
	return 0;
}

/* A string field, printable, cut to size; "" when absent. */
static void
copy_field(json_t *root, const char *name, char *out, size_t size)
{
	json_t		*v = json_object_get(root, name);
	const char	*s;
	size_t		 i = 0;

	out[0] = '\0';
	if (!json_is_string(v))
		return;
	for (s = json_string_value(v); *s != '\0' && i + 1 < size; s++)
		out[i++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	out[i] = '\0';
}

int
webhook_open(struct webhook **out, const struct mail_settings *m,
    const char *base_path, struct store *store, pthread_mutex_t *lock,
    struct err *err)
{
	struct webhook	*w;
	const char	*env = m->bounces.webhook_secret_env;
	const char	*secret = env != NULL ? getenv(env) : NULL;
	size_t		 bl;

	*out = NULL;
	if (secret == NULL || *secret == '\0')
		return 0;
	if (strlen(secret) < WEBHOOK_SECRET_MIN ||
	    strpbrk(secret, "/?#%") != NULL)
		return err_set(err, NULL, 0, "%s: want at least %d "
		    "characters, none of / ? # %%, for the Postmark webhook's "
		    "URL", env, WEBHOOK_SECRET_MIN);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	bl = base_path != NULL ? strlen(base_path) : 0;
	if (bl > 0 && base_path[bl - 1] == '/')
		bl--;
	if ((w->base = strndup(base_path != NULL ? base_path : "", bl)) ==
	    NULL) {
		free(w);
		return err_set(err, NULL, 0, "out of memory");
	}
	w->baselen = bl;
	w->mail = m;
	w->store = store;
	w->lock = lock;
	crypto_generichash(w->digest, sizeof(w->digest),
	    (const unsigned char *)secret, strlen(secret), NULL, 0);
	*out = w;
	return 0;
}

void
webhook_close(struct webhook *w)
{
	if (w == NULL)
		return;
	sodium_memzero(w->digest, sizeof(w->digest));
	free(w->base);
	free(w);
}

static void
answer(h2o_req_t *req, int status, const char *reason, const char *body)
{
	req->res.status = status;
	req->res.reason = reason;
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
	    NULL, H2O_STRLIT("text/plain; charset=utf-8"));
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL,
	    NULL, H2O_STRLIT("no-store"));
	h2o_send_inline(req, body, strlen(body));
}

/* One event handed to the form queue: the store is used off the loop. */
struct hook_job {
	struct formq_job q;		/* first: the queue's */
	struct webhook	*w;
	struct webhook_event ev;
};

static void
reply(struct formq_reply *rp, int status, const char *reason,
    const char *body)
{
	rp->status = status;
	rp->reason = reason;
	rp->type = "text/plain; charset=utf-8";
	buf_reset(&rp->body);
	(void)buf_puts(&rp->body, body);	/* out of memory: empty */
}

/* On the queue's worker. */
static void
hook_work(struct formq_job *qj)
{
	struct hook_job	*j = (struct hook_job *)qj;
	struct webhook	*w = j->w;
	struct bounce_result res;
	struct err	 err;
	int		 rc;

	pthread_mutex_lock(w->lock);
	rc = bounce_event(w->store, w->mail, "postmark", j->ev.email,
	    j->ev.kind, j->ev.type, j->ev.detail[0] != '\0' ? j->ev.detail :
	    NULL, j->ev.seen, (int64_t)time(NULL), &res, &err);
	pthread_mutex_unlock(w->lock);
	if (rc == -1)
		reply(&qj->reply, 500, "Internal Server Error",
		    "Try again later.\n");
	else
		reply(&qj->reply, 200, "OK", "Recorded.\n");
}

/* Late, or the queue full: Postmark tries again. */
static void
hook_late(struct formq_job *qj, struct formq_reply *rp)
{
	(void)qj;
	reply(rp, 503, "Service Unavailable", "Try again later.\n");
}

static void
hook_drop(struct formq_job *qj)
{
	formq_reply_free(&qj->reply);
	free(qj);
}

int
webhook_answer(struct webhook *w, struct formq_port *port, h2o_req_t *req,
    const char *path, size_t len)
{
	unsigned char	 d[crypto_generichash_BYTES];
	struct hook_job	*j;
	struct err	 err;
	size_t		 rl = sizeof(ROUTE) - 1;

	if (w == NULL || len < w->baselen + rl ||
	    memcmp(path, w->base, w->baselen) != 0 ||
	    memcmp(path + w->baselen, ROUTE, rl) != 0)
		return 0;
	path += w->baselen + rl;
	len -= w->baselen + rl;
	crypto_generichash(d, sizeof(d), (const unsigned char *)path, len,
	    NULL, 0);
	if (sodium_memcmp(d, w->digest, sizeof(d)) != 0)
		return 0;	/* as any unknown page */
	if (!h2o_memis(req->method.base, req->method.len,
	    H2O_STRLIT("POST"))) {
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW,
		    NULL, H2O_STRLIT("POST"));
		answer(req, 405, "Method Not Allowed", "POST only.\n");
		return 1;
	}
	if (req->entity.len > WEBHOOK_BODY_MAX) {
		answer(req, 413, "Payload Too Large", "Too large.\n");
		return 1;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		answer(req, 503, "Service Unavailable", "Try again later.\n");
		return 1;
	}
	if (webhook_parse(req->entity.base != NULL ? req->entity.base : "",
	    req->entity.len, &j->ev, &err) == -1) {
		free(j);
		answer(req, 400, "Bad Request", "Not a Postmark event.\n");
		return 1;
	}
	if (!j->ev.concern) {
		free(j);
		answer(req, 200, "OK", "Nothing to do.\n");
		return 1;
	}
	/*
	 * The store may be busy (an import, a send): the loop, which
	 * serves every page, never waits for it.
	 */
	j->q.work = hook_work;
	j->q.late = hook_late;
	j->q.drop = hook_drop;
	buf_init(&j->q.reply.body, 0);
	j->w = w;
	formq_submit(port, req, &j->q);
	return 1;
}
