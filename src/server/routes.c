#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forms.h"
#include "framing.h"
#include "routes.h"
#include "webhook.h"

/*
 * The longest path served, as sent.  Site paths are slugs a few dozen
 * bytes long; anything near this is a probe.
 */
#define PATH_MAX_RAW	2048
/* X-Forwarded-For headers looked at, at most. */
#define XFF_MAX		8

struct handler {
	h2o_handler_t	 super;
	struct shared	*sh;
	/* Headers of the plain-text answers, built once. */
	h2o_header_t	 plain[2 + 3];		/* type, cache, security */
	h2o_header_t	 retry[3 + 3];		/* the same and Retry-After */
	h2o_header_t	 allow[3 + 3];		/* the same and Allow */
	size_t		 nplain, nretry, nallow;
};

struct filter {
	h2o_filter_t	 super;
	struct shared	*sh;
};

/* Ties a response sent from a snapshot to it until h2o is done. */
struct reqref {
	struct hold	*hold;
};

/* Counts a request as in flight on its connection until h2o is done. */
struct connref {
	struct sconn	*sc;
};

/* Every response is sent whole at once, so the generator does nothing. */
static h2o_generator_t generator = { NULL, NULL };

static int	 on_req(h2o_handler_t *, h2o_req_t *);
static void	 on_setup_ostream(h2o_filter_t *, h2o_req_t *,
		    h2o_ostream_t **);
static void	 on_log(h2o_logger_t *, h2o_req_t *);
static int	 send_plain(struct handler *, h2o_req_t *, int status,
		    const char *reason, const char *body, int close);
static int	 send_static(h2o_req_t *, const char *path,
		    size_t len, int head);
static void	 send_iov(h2o_req_t *, int status, const char *reason,
		    const h2o_headers_t *, h2o_iovec_t body, int head);
static int	 redirect_https(struct handler *, h2o_req_t *);
static int	 forwarded(struct handler *, h2o_req_t *, struct sconn *);
static size_t	 request_size(const h2o_req_t *);
static int	 gzip_ok(const h2o_req_t *);
static int	 not_modified(const h2o_req_t *, const struct snap_file *, int);
static int	 etag_listed(h2o_iovec_t list, h2o_iovec_t etag);
static void	 reqref_dispose(void *);
static void	 connref_dispose(void *);
static int	 method_is(const h2o_req_t *, const char *, size_t);
static int	 framing_ok(const h2o_req_t *, const struct sconn *);

void
routes_register(h2o_pathconf_t *pc, struct shared *sh)
{
	struct handler	*h;
	struct filter	*f;
	h2o_logger_t	*l;
	size_t		 i;

	h = (struct handler *)h2o_create_handler(pc, sizeof(*h));
	h->super.on_req = on_req;
	h->sh = sh;
	h->plain[0].name = &H2O_TOKEN_CONTENT_TYPE->buf;
	h->plain[0].value = h2o_iovec_init(
	    H2O_STRLIT("text/plain; charset=utf-8"));
	h->plain[1].name = &H2O_TOKEN_CACHE_CONTROL->buf;
	h->plain[1].value = h2o_iovec_init(H2O_STRLIT("no-store"));
	h->nplain = 2;
	memcpy(h->retry, h->plain, 2 * sizeof(*h->plain));
	h->retry[2].name = &H2O_TOKEN_RETRY_AFTER->buf;
	h->retry[2].value = h2o_iovec_init(H2O_STRLIT("5"));
	h->nretry = 3;
	memcpy(h->allow, h->plain, 2 * sizeof(*h->plain));
	h->allow[2].name = &H2O_TOKEN_ALLOW->buf;
	h->allow[2].value = h2o_iovec_init(H2O_STRLIT("GET, HEAD"));
	h->nallow = 3;
	for (i = 0; i < sh->common.nsec; i++) {
		h->plain[h->nplain++] = sh->common.sec[i];
		h->retry[h->nretry++] = sh->common.sec[i];
		h->allow[h->nallow++] = sh->common.sec[i];
	}

	f = (struct filter *)h2o_create_filter(pc, sizeof(*f));
	f->super.on_setup_ostream = on_setup_ostream;
	f->sh = sh;

	l = h2o_create_logger(pc, sizeof(*l));
	l->log_access = on_log;
}

int
routes_decode_path(const char *raw, size_t len, char *out, size_t cap,
    size_t *outlen)
{
	size_t	 i, n = 0, seg = 0;
	int	 uc;
	char	 c;

	if (len == 0 || raw[0] != '/')
		return 400;
	if (len > PATH_MAX_RAW)
		return 414;
	for (i = 0; i < len; i++) {
		c = raw[i];
		if (c == '%') {
			if (i + 2 >= len ||
			    h2o_hex_decode(&c, raw + i + 1, 2) != 0)
				return 400;
			/*
			 * An encoded slash would let one segment name a
			 * path, and NUL would end it early in a C string;
			 * neither is in any URL the build makes.
			 */
			if (c == '/' || c == '\0')
				return 400;
			i += 2;
		}
		uc = (unsigned char)c;
		if (uc < 0x20 || uc == 0x7f || c == '\\')
			return 400;
		if (n + 1 >= cap)
			return 414;
		if (c == '/') {
			/* The segment just ended: "." and ".." are refused. */
			if ((n - seg == 1 && out[seg] == '.') ||
			    (n - seg == 2 && out[seg] == '.' &&
			    out[seg + 1] == '.'))
				return 400;
			out[n++] = c;
			seg = n;
			continue;
		}
		out[n++] = c;
	}
	if ((n - seg == 1 && out[seg] == '.') ||
	    (n - seg == 2 && out[seg] == '.' && out[seg + 1] == '.'))
		return 400;
	out[n] = '\0';
	*outlen = n;
	return 0;
}

static int
on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct handler	*h = (struct handler *)self;
	struct sconn	*sc = loop_conn(req);
	struct connref	*cr;
	char		 path[PATH_MAX_RAW + 1];
	size_t		 rawlen, len;
	int		 head, st;

	/*
	 * First, on every path: a body whose length is ambiguous is refused
	 * and the connection closed, so whatever follows it is never read
	 * as a request.
	 */
	if (!framing_ok(req, sc))
		return send_plain(h, req, 400, "Bad Request",
		    "The request's length is ambiguous: Content-Length and "
		    "Transfer-Encoding disagree or repeat.\n", 1);
	/* Connections over a bound learn so on their first request. */
	if (sc != NULL && sc->verdict == LIMITS_BUSY)
		return send_plain(h, req, 503, "Service Unavailable",
		    "The server is busy; try again in a moment.\n", 1);
	if (sc != NULL && sc->verdict == LIMITS_CLIENT)
		return send_plain(h, req, 429, "Too Many Requests",
		    "Too many connections from your address.\n", 1);
	if (sc != NULL && sc->trusted && forwarded(h, req, sc) != LIMITS_OK)
		return send_plain(h, req, 429, "Too Many Requests",
		    "Too many connections from your address.\n", 1);
	/*
	 * h2o's own ceiling on a header block is about 400 KiB; ours is
	 * max_request.  It is checked once h2o has the whole block, which
	 * the request timeout bounds in time as h2o's ceiling does in size.
	 */
	if (request_size(req) > h->sh->max_request)
		return send_plain(h, req, 431, "Request Header Fields Too Large",
		    "The request's headers are too large.\n", 1);

	rawlen = req->path.len;
	if (req->query_at != SIZE_MAX && req->query_at < rawlen)
		rawlen = req->query_at;
	st = routes_decode_path(req->path.base, rawlen, path, sizeof(path),
	    &len);
	if (st == 414)
		return send_plain(h, req, 414, "URI Too Long",
		    "The address is too long.\n", 1);
	if (st != 0)
		return send_plain(h, req, 400, "Bad Request",
		    "That address cannot name a page here.\n", 0);

	if (h->sh->tls_port != 0 && sc != NULL && !sc->is_tls)
		return redirect_https(h, req);

	/*
	 * From here on the request is answered from a snapshot or by the
	 * forms, maybe later (from the form queue): until h2o is done with
	 * it, its connection is busy, not idle.
	 */
	if (sc != NULL) {
		cr = h2o_mem_alloc_shared(&req->pool, sizeof(*cr),
		    connref_dispose);
		cr->sc = sc;
		loop_conn_busy(sc);
	}
	if (webhook_answer(h->sh->webhook,
	    &H2O_STRUCT_FROM_MEMBER(struct loop, ctx, req->conn->ctx)->port,
	    req, path, len))
		return 0;
	if (h->sh->forms != NULL && forms_answer(h->sh->forms,
	    &H2O_STRUCT_FROM_MEMBER(struct loop, ctx, req->conn->ctx)->port,
	    req, path, len, sc != NULL ? &sc->addr : NULL))
		return 0;
	head = method_is(req, H2O_STRLIT("HEAD"));
	if (head || method_is(req, H2O_STRLIT("GET")))
		return send_static(req, path, len, head);
	return send_plain(h, req, 405, "Method Not Allowed",
	    "Only GET and HEAD are answered here, and POST to the "
	    "subscription forms.\n", 0);
}

/* A page of the site, a redirect to a folder's slash, or the 404. */
static int
send_static(h2o_req_t *req, const char *path, size_t len,
    int head)
{
	struct loop		*lp;
	struct hold		*hold;
	struct reqref		*ref;
	const struct snap_entry	*e;
	const struct snap_file	*f;
	h2o_headers_t		 hdrs;
	h2o_header_t		*loc;
	char			*where;
	size_t			 qlen;
	int			 v;

	lp = H2O_STRUCT_FROM_MEMBER(struct loop, ctx, req->conn->ctx);
	hold = loop_hold(lp);
	/*
	 * The body is the snapshot's memory, and h2o may still be writing
	 * it after we return: the hold keeps it alive until h2o disposes
	 * of the request.
	 */
	ref = h2o_mem_alloc_shared(&req->pool, sizeof(*ref), reqref_dispose);
	ref->hold = hold;

	if ((e = snapshot_find(hold->snap, path, len)) == NULL) {
		f = &hold->snap->notfound;
		v = f->body[1].base != NULL && gzip_ok(req);
		send_iov(req, 404, "Not Found", &f->hdrs[v], f->body[v], head);
		return 0;
	}
	if (e->kind == SNAP_REDIRECT) {
		hdrs = e->redirect;
		if (req->query_at != SIZE_MAX && req->query_at < req->path.len) {
			/* Keep the query: rare enough to build per request. */
			qlen = req->path.len - req->query_at;
			loc = h2o_mem_alloc_pool(&req->pool,
			    hdrs.size * sizeof(*loc));
			memcpy(loc, hdrs.entries, hdrs.size * sizeof(*loc));
			where = h2o_mem_alloc_pool(&req->pool,
			    loc[0].value.len + qlen);
			memcpy(where, loc[0].value.base, loc[0].value.len);
			memcpy(where + loc[0].value.len,
			    req->path.base + req->query_at, qlen);
			loc[0].value = h2o_iovec_init(where,
			    loc[0].value.len + qlen);
			hdrs.entries = loc;
		}
		send_iov(req, 301, "Moved Permanently", &hdrs,
		    h2o_iovec_init(NULL, 0), head);
		return 0;
	}
	f = e->file;
	v = f->body[1].base != NULL && gzip_ok(req);
	if (not_modified(req, f, v)) {
		req->res.status = 304;
		req->res.reason = "Not Modified";
		req->res.headers = f->hdrs[v];
		h2o_start_response(req, &generator);
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
		return 0;
	}
	send_iov(req, 200, "OK", &f->hdrs[v], f->body[v], head);
	return 0;
}

static void
send_iov(h2o_req_t *req, int status, const char *reason,
    const h2o_headers_t *hdrs, h2o_iovec_t body, int head)
{
	req->res.status = status;
	req->res.reason = reason;
	req->res.headers = *hdrs;
	req->res.content_length = body.len;
	h2o_start_response(req, &generator);
	h2o_send(req, &body, head || body.len == 0 ? 0 : 1,
	    H2O_SEND_STATE_FINAL);
}

static int
send_plain(struct handler *h, h2o_req_t *req, int status, const char *reason,
    const char *body, int close)
{
	h2o_headers_t	 hdrs;

	if (status == 405) {
		hdrs.entries = h->allow;
		hdrs.size = hdrs.capacity = h->nallow;
	} else if (status == 503 || status == 429) {
		hdrs.entries = h->retry;
		hdrs.size = hdrs.capacity = h->nretry;
	} else {
		hdrs.entries = h->plain;
		hdrs.size = hdrs.capacity = h->nplain;
	}
	if (close)
		req->http1_is_persistent = 0;
	send_iov(req, status, reason, &hdrs, h2o_iovec_init(body, strlen(body)),
	    method_is(req, H2O_STRLIT("HEAD")));
	return 0;
}

/*
 * With TLS on, the plain port only points to it.  The host comes from
 * the request (so a name or an address both work), checked to be a
 * plain host name before it goes into a header.
 */
static int
redirect_https(struct handler *h, h2o_req_t *req)
{
	h2o_header_t	*hdrs;
	const char	*host = req->authority.base, *p, *end;
	char		*loc;
	size_t		 hlen = req->authority.len, n;
	char		 port[16];

	if (hlen > 0 && host[0] == '[') {
		p = memchr(host, ']', hlen);
		hlen = p != NULL ? (size_t)(p - host) + 1 : 0;
	} else if ((p = memchr(host, ':', hlen)) != NULL)
		hlen = (size_t)(p - host);
	for (p = host, end = host + hlen; p < end; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == ':' || *p == '[' || *p == ']'))
			break;
	if (hlen == 0 || hlen > 255 || p != end ||
	    h2o_memis(host, hlen, H2O_STRLIT(ROUTES_NO_HOST)))
		return send_plain(h, req, 400, "Bad Request",
		    "No usable Host header.\n", 1);
	port[0] = '\0';
	if (h->sh->tls_port != 443)
		(void)snprintf(port, sizeof(port), ":%u", h->sh->tls_port);
	n = 8 + hlen + strlen(port) + req->path.len;
	loc = h2o_mem_alloc_pool(&req->pool, n);
	memcpy(loc, "https://", 8);
	memcpy(loc + 8, host, hlen);
	memcpy(loc + 8 + hlen, port, strlen(port));
	memcpy(loc + 8 + hlen + strlen(port), req->path.base, req->path.len);
	hdrs = h2o_mem_alloc_pool(&req->pool, (1 + h->nplain) * sizeof(*hdrs));
	hdrs[0].name = &H2O_TOKEN_LOCATION->buf;
	hdrs[0].orig_name = NULL;
	hdrs[0].value = h2o_iovec_init(loc, n);
	memcpy(hdrs + 1, h->plain, h->nplain * sizeof(*hdrs));
	req->res.status = 301;
	req->res.reason = "Moved Permanently";
	req->res.headers.entries = hdrs;
	req->res.headers.size = req->res.headers.capacity = 1 + h->nplain;
	req->res.content_length = 0;
	h2o_start_response(req, &generator);
	h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
	return 0;
}

/*
 * A request through a trusted proxy: the client is the one its
 * X-Forwarded-For names, and it is charged for the connection.
 */
static int
forwarded(struct handler *h, h2o_req_t *req, struct sconn *sc)
{
	const char	*vals[XFF_MAX];
	size_t		 lens[XFF_MAX], n = 0;
	ssize_t		 i = -1;
	struct addr	 a;

	while (n < XFF_MAX && (i = h2o_find_header(&req->headers,
	    H2O_TOKEN_X_FORWARDED_FOR, i)) != -1) {
		vals[n] = req->headers.entries[i].value.base;
		lens[n++] = req->headers.entries[i].value.len;
	}
	if (limits_forwarded(&h->sh->limits, vals, lens, n, &a) == -1)
		a = sc->peer;
	sc->addr = a;
	return limits_move(&h->sh->limits, &sc->client, &a);
}

/* Request line and headers as they came, near enough. */
static size_t
request_size(const h2o_req_t *req)
{
	size_t	 n, i;

	n = req->input.method.len + req->input.path.len + 12;
	for (i = 0; i < req->headers.size; i++)
		n += req->headers.entries[i].name->len +
		    req->headers.entries[i].value.len + 4;
	return n;
}

/*
 * Whether Accept-Encoding lets us send gzip: "gzip" with a non-zero q,
 * or "*" with one and gzip not named.
 */
static int
gzip_ok(const h2o_req_t *req)
{
	const char	*p, *end, *tok;
	size_t		 toklen;
	ssize_t		 i = -1;
	int		 gz = -1, star = -1, q;

	while ((i = h2o_find_header(&req->headers,
	    H2O_TOKEN_ACCEPT_ENCODING, i)) != -1) {
		p = req->headers.entries[i].value.base;
		end = p + req->headers.entries[i].value.len;
		while (p < end) {
			while (p < end && (*p == ' ' || *p == '\t' ||
			    *p == ','))
				p++;
			for (tok = p; p < end && *p != ',' && *p != ';' &&
			    *p != ' ' && *p != '\t'; p++)
				;
			toklen = (size_t)(p - tok);
			q = 1;
			while (p < end && *p != ',') {
				if (*p++ != ';')
					continue;
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				if (end - p < 2 || (*p != 'q' && *p != 'Q') ||
				    p[1] != '=')
					continue;
				/* Zero unless some digit is not 0. */
				for (p += 2, q = 0; p < end && ((*p >= '0' &&
				    *p <= '9') || *p == '.'); p++)
					if (*p >= '1' && *p <= '9')
						q = 1;
			}
			if (toklen == 4 && h2o_lcstris(tok, 4,
			    H2O_STRLIT("gzip")))
				gz = q;
			else if (toklen == 1 && *tok == '*')
				star = q;
		}
	}
	return gz == 1 || (gz == -1 && star == 1);
}

/*
 * If-None-Match decides when present (weak comparison, as RFC 9110
 * asks for it); otherwise If-Modified-Since, to the second.
 */
static int
not_modified(const h2o_req_t *req, const struct snap_file *f, int v)
{
	struct tm	 tm;
	time_t		 t;
	ssize_t		 i = -1;
	int		 seen = 0;

	while ((i = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH,
	    i)) != -1) {
		seen = 1;
		if (etag_listed(req->headers.entries[i].value, f->etag[v]))
			return 1;
	}
	if (seen)
		return 0;
	if ((i = h2o_find_header(&req->headers, H2O_TOKEN_IF_MODIFIED_SINCE,
	    -1)) == -1)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (h2o_time_parse_rfc1123(req->headers.entries[i].value.base,
	    req->headers.entries[i].value.len, &tm) != 0)
		return 0;
	/*
	 * RFC 9110 13.1.3: a date later than now is invalid, and ignored;
	 * else a client (or a cache) sending one would be told "not
	 * modified" about every change up to that date.
	 */
	t = timegm(&tm);
	return t <= time(NULL) && f->mtime <= t;
}

/* Whether list ("*" or entity tags, W/ or not) holds etag (quoted). */
static int
etag_listed(h2o_iovec_t list, h2o_iovec_t etag)
{
	const char	*p = list.base, *end = list.base + list.len, *q;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p == end)
			break;
		if (*p == '*')
			return 1;
		if (end - p >= 2 && p[0] == 'W' && p[1] == '/')
			p += 2;
		if (p == end || *p != '"')
			return 0;
		if ((q = memchr(p + 1, '"', (size_t)(end - p - 1))) == NULL)
			return 0;
		q++;
		if ((size_t)(q - p) == etag.len &&
		    memcmp(p, etag.base, etag.len) == 0)
			return 1;
		p = q;
	}
	return 0;
}

/*
 * Every response carries the security headers.  Ours have them built
 * in, always last; h2o's own error pages (413, 417 and the like) get
 * them here.
 */
static void
on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	struct filter		*f = (struct filter *)self;
	const struct snap_common *c = &f->sh->common;
	h2o_headers_t		*hs = &req->res.headers;
	size_t			 i;

	if (hs->size == 0 ||
	    hs->entries[hs->size - 1].name != c->sec[c->nsec - 1].name) {
		h2o_vector_reserve(&req->pool, hs, hs->size + c->nsec);
		for (i = 0; i < c->nsec; i++)
			hs->entries[hs->size++] = c->sec[i];
	}
	h2o_setup_next_ostream(req, slot);
}

/* h2o calls this as it disposes of each request, response sent. */
static void
on_log(h2o_logger_t *self, h2o_req_t *req)
{
	struct loop	*lp;
	struct timeval	 now;
	const char	*q;
	size_t		 plen = req->input.path.len;
	int64_t		 usec = -1;

	(void)self;
	lp = H2O_STRUCT_FROM_MEMBER(struct loop, ctx, req->conn->ctx);
	/*
	 * From the request's first byte to now, the response sent.  h2o's
	 * own response_end_at comes from a clock cached per loop turn, too
	 * coarse for answers that take microseconds; one more reading of
	 * the clock is cheap.
	 */
	gettimeofday(&now, NULL);
	if (!h2o_timeval_is_null(&req->timestamps.request_begin_at))
		usec = h2o_timeval_subtract(&req->timestamps.request_begin_at,
		    &now);
	/* Not the query: it can carry what a reader would not want kept. */
	if (plen > 0 && (q = memchr(req->input.path.base, '?', plen)) != NULL)
		plen = (size_t)(q - req->input.path.base);
	reqlog_add(&lp->log, now.tv_sec,
	    req->input.method.base, req->input.method.len,
	    req->input.path.base, plen, req->res.status, req->bytes_sent,
	    usec);
}

static void
reqref_dispose(void *p)
{
	struct reqref	*r = p;

	loop_release(r->hold);
}

static void
connref_dispose(void *p)
{
	struct connref	*r = p;

	loop_conn_done(r->sc);
}

static int
method_is(const h2o_req_t *req, const char *m, size_t n)
{
	return h2o_memis(req->method.base, req->method.len, m, n);
}

/*
 * An HTTP/1 request's framing, read from the connection's input, where
 * h2o leaves the head it parsed at the front until the response is done.
 * HTTP/2 frames its own bodies.
 */
static int
framing_ok(const h2o_req_t *req, const struct sconn *sc)
{
	const h2o_buffer_t	*in;

	if (req->version >= 0x200 || sc == NULL ||
	    (in = sc->sock->input) == NULL)
		return 1;
	return framing_check(in->bytes, in->size) == 0;
}
