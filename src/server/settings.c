#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../support/yamlval.h"
#include "origin.h"
#include "settings.h"

void
server_settings_defaults(struct server_settings *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = "127.0.0.1:8080";
	/* The bounds of stet serve: see server() below for each one's why. */
	c->max_connections = 4096;
	c->max_per_client = 64;
	c->header_timeout = 10;
	c->send_timeout = 60;
	c->max_request = 16384;
	c->max_body = 16384;
	c->max_streams = 16;
	c->max_h2_per_client = 8;
	c->max_lifetime = 3600;
	c->form_wait = 1;
	c->form_queue = 128;
	c->subscribe_per_minute = 10;
	c->subscribe_confirmations_per_hour = 200;
}

/*
 * ADDR:PORT, where ADDR is an IPv4 address, an IPv6 one in brackets or a
 * host name, and PORT is 0 (any free port) to 65535.
 */
static int
want_listen(const struct yval *v, const struct ynode *n, const char *what,
    const char **out)
{
	unsigned char	 a[16];
	const char	*s = NULL, *colon, *p;
	char		 host[256];
	size_t		 hlen;
	long		 port = 0;

	if (yval_scalar(v, n, what, &s) == -1)
		return -1;
	if ((colon = strrchr(s, ':')) == NULL || colon == s ||
	    colon[1] == '\0' || strlen(colon + 1) > 5)
		goto bad;
	for (p = colon + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		port = port * 10 + (*p - '0');
	}
	if (port > 65535)
		goto bad;
	hlen = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hlen < 3 || s[hlen - 1] != ']' || hlen - 2 >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, hlen - 2);
		host[hlen - 2] = '\0';
		if (inet_pton(AF_INET6, host, a) != 1)
			goto bad;
	} else {
		if (hlen >= sizeof(host))
			goto bad;
		for (p = s; p < colon; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '.' || *p == '-'))
				goto bad;
	}
	*out = s;
	return 0;
bad:
	return err_set(v->err, v->file, n->line,
	    "%s: want ADDRESS:PORT, like 127.0.0.1:8080 or [::1]:8080", what);
}

/* An IPv4 or IPv6 address, with an optional /prefix length. */
static int
want_cidr(const struct yval *v, const struct ynode *n, const char *what)
{
	unsigned char	 a[16];
	char		 addr[64], *end;
	const char	*slash;
	size_t		 alen;
	long		 bits = -1;
	int		 af;

	if (n->kind != YNODE_SCALAR)
		goto bad;
	slash = strchr(n->str, '/');
	alen = slash != NULL ? (size_t)(slash - n->str) : n->len;
	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, n->str, alen);
	addr[alen] = '\0';
	af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, addr, a) != 1)
		goto bad;
	if (slash != NULL) {
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || errno != 0 ||
		    bits < 0 || bits > (af == AF_INET ? 32 : 128))
			goto bad;
	}
	return 0;
bad:
	return err_set(v->err, v->file, n->line,
	    "%s: want an IP address or a network like 10.0.0.0/8", what);
}

/* server.tls: all three keys or none. */
static int
server_tls(const struct yval *v, const struct ynode *n,
    struct server_settings *c)
{
	const struct ynode *e;

	if (yval_map(v, n, "server.tls") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		if (strcmp(e->key->str, "listen") == 0) {
			if (want_listen(v, e, "server.tls.listen",
			    &c->tls_listen) == -1)
				return -1;
		} else if (strcmp(e->key->str, "cert") == 0) {
			if (yval_scalar(v, e, "server.tls.cert",
			    &c->tls_cert) == -1)
				return -1;
		} else if (strcmp(e->key->str, "key") == 0) {
			if (yval_scalar(v, e, "server.tls.key",
			    &c->tls_key) == -1)
				return -1;
		} else
			return yval_unknown(v, e->key, "server.tls");
	}
	if (c->tls_listen == NULL || c->tls_cert == NULL ||
	    c->tls_key == NULL || *c->tls_cert == '\0' ||
	    *c->tls_key == '\0')
		return err_set(v->err, v->file, n->line,
		    "server.tls: want listen, cert and key");
	return 0;
}

static int
server_proxies(const struct yval *v, const struct ynode *n,
    struct server_settings *c)
{
	const struct ynode *item;
	size_t	 k = 0;

	if (n->kind != YNODE_SEQ)
		return err_set(v->err, v->file, n->line,
		    "server.trusted_proxies: want a list");
	for (item = n->child; item != NULL; item = item->next)
		k++;
	c->trusted_proxies = arena_alloc(v->arena,
	    (k ? k : 1) * sizeof(*c->trusted_proxies));
	if (c->trusted_proxies == NULL)
		return err_set(v->err, v->file, 0, "out of memory");
	c->ntrusted_proxies = 0;
	for (item = n->child; item != NULL; item = item->next) {
		if (want_cidr(v, item, "server.trusted_proxies") == -1)
			return -1;
		c->trusted_proxies[c->ntrusted_proxies++] =
		    item->str;
	}
	return 0;
}

/*
 * server: what stet serve listens on and the bounds that keep one
 * client, or many, from exhausting it.  The defaults suit a small
 * machine facing the internet directly.
 *
 *   listen           ADDR:PORT for plain HTTP (127.0.0.1:8080).  With tls,
 *                    this port only redirects to HTTPS.
 *   tls              { listen: ADDR:PORT, cert: FILE, key: FILE }: serve
 *                    HTTPS (TLS 1.2 and 1.3, HTTP/2) itself.  FILE paths
 *                    are relative to the site folder; cert is a PEM
 *                    chain, key its PEM private key.
 *   trusted_proxies  addresses (or networks) of proxies in front of stet.
 *                    Only a connection from one of them may name the
 *                    client in X-Forwarded-For; from anyone else the
 *                    header is ignored, since a client could write any
 *                    address there to slip past max_per_client.
 *   max_connections  open connections in all (4096).  Past it a new one
 *                    gets 503; past a quarter more it is closed at once.
 *                    stet raises its open-file limit to fit.
 *   max_per_client   connections from one address, IPv6 by /64 (64),
 *                    so one client cannot take them all.  Past it, 429.
 *                    Browsers open at most 6 per host.
 *   header_timeout   seconds to receive a whole request line and headers
 *                    (and to finish a TLS handshake, and to keep an idle
 *                    connection open) (10).  What holds a slow client to
 *                    the clock, however slowly it trickles bytes.  Over
 *                    HTTP/2 a connection with no request being answered
 *                    must bring a whole request, body and all, within
 *                    it: PING and WINDOW_UPDATE frames keep nothing open.
 *   send_timeout     seconds a response may sit unread before the
 *                    connection is dropped (60).
 *   max_request      bytes of request line and headers (16384): past it,
 *                    431.  Browsers send well under 8 KB.
 *   max_body         bytes of request body (16384): past it, 413 (over
 *                    HTTP/2, the stream is refused).  Only the
 *                    subscription forms take a body, and a few hundred
 *                    bytes; an HTTP/2 connection can hold 100 bodies
 *                    arriving at once, so this bounds its memory too.
 *   max_streams      HTTP/2 requests of one connection handled at once
 *                    (16); the others wait their turn.  A browser asks
 *                    for a page's few assets at once.
 *   max_h2_per_client  HTTP/2 connections from one address, IPv6 by /64
 *                    (8): each can hold 100 request bodies arriving at
 *                    once, so fewer than max_per_client.  A browser opens
 *                    one.  Past it, closed within a second.
 *   max_lifetime     seconds a connection may live (3600), however busy:
 *                    past it, it is closed once no request is in flight
 *                    (and after send_timeout more, whatever is).
 *   form_wait        seconds within which a form post is answered (1):
 *                    the store busy that long (another writer holding
 *                    it) gets the reader 503 and Retry-After, and pages
 *                    go on being served all the while.
 *   form_queue       form posts waiting for the store at once (128):
 *                    past it, 503 at once, so a flood of posts cannot
 *                    grow the server.
 */
static int
server(const struct yval *v, const struct ynode *n, struct server_settings *c)
{
	const struct ynode *e;
	const char	*k;
	int		 rc;

	if (yval_map(v, n, "server") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "listen") == 0)
			rc = want_listen(v, e, "server.listen",
			    &c->listen);
		else if (strcmp(k, "tls") == 0)
			rc = server_tls(v, e, c);
		else if (strcmp(k, "trusted_proxies") == 0)
			rc = server_proxies(v, e, c);
		else if (strcmp(k, "max_connections") == 0)
			rc = yval_count(v, e, "server.max_connections", 1,
			    1000000, &c->max_connections);
		else if (strcmp(k, "max_per_client") == 0)
			rc = yval_count(v, e, "server.max_per_client", 1,
			    1000000, &c->max_per_client);
		else if (strcmp(k, "header_timeout") == 0)
			rc = yval_count(v, e, "server.header_timeout", 1,
			    3600, &c->header_timeout);
		else if (strcmp(k, "send_timeout") == 0)
			rc = yval_count(v, e, "server.send_timeout", 1,
			    3600, &c->send_timeout);
		else if (strcmp(k, "max_request") == 0)
			/* h2o itself refuses a header block past 400 KiB. */
			rc = yval_count(v, e, "server.max_request", 1024,
			    262144, &c->max_request);
		else if (strcmp(k, "max_body") == 0)
			rc = yval_count(v, e, "server.max_body", 0,
			    64 * 1024 * 1024, &c->max_body);
		else if (strcmp(k, "max_streams") == 0)
			/* h2o announces 100 streams and cannot be told less. */
			rc = yval_count(v, e, "server.max_streams", 1, 100,
			    &c->max_streams);
		else if (strcmp(k, "max_h2_per_client") == 0)
			rc = yval_count(v, e, "server.max_h2_per_client", 1,
			    1000000, &c->max_h2_per_client);
		else if (strcmp(k, "max_lifetime") == 0)
			rc = yval_count(v, e, "server.max_lifetime", 1,
			    7 * 86400, &c->max_lifetime);
		else if (strcmp(k, "form_wait") == 0)
			rc = yval_count(v, e, "server.form_wait", 1, 60,
			    &c->form_wait);
		else if (strcmp(k, "form_queue") == 0)
			rc = yval_count(v, e, "server.form_queue", 1, 100000,
			    &c->form_queue);
		else
			rc = yval_unknown(v, e->key, "server");
		if (rc == -1)
			return -1;
	}
	return 0;
}


/* subscribe.origins: a list of http(s) origins, kept as origin_norm does. */
static int
subscribe_origins(const struct yval *v, const struct ynode *n,
    struct server_settings *c)
{
	const struct ynode *item;
	char		 o[ORIGIN_MAX], *copy;
	size_t		 k = 0, len;

	if (n->kind != YNODE_SEQ)
		return err_set(v->err, v->file, n->line,
		    "subscribe.origins: want a list");
	for (item = n->child; item != NULL; item = item->next)
		k++;
	c->subscribe_origins = arena_alloc(v->arena,
	    (k ? k : 1) * sizeof(*c->subscribe_origins));
	if (c->subscribe_origins == NULL)
		return err_set(v->err, v->file, 0, "out of memory");
	c->nsubscribe_origins = 0;
	for (item = n->child; item != NULL; item = item->next) {
		/* An origin, or one with a '/' after it as URLs have. */
		len = item->kind == YNODE_SCALAR && item->str != NULL ?
		    strlen(item->str) : 0;
		if (len > 0 && item->str[len - 1] == '/')
			len--;
		if (len == 0 || origin_norm(item->str, len, 1, o) == -1)
			return err_set(v->err, v->file, item->line,
			    "subscribe.origins: want an origin such as "
			    "https://forms.example.net, not \"%s\"",
			    item->str != NULL ? item->str : "");
		len = strlen(o) + 1;
		if ((copy = arena_alloc(v->arena, len)) == NULL)
			return err_set(v->err, v->file, 0, "out of memory");
		memcpy(copy, o, len);
		c->subscribe_origins[c->nsubscribe_origins++] = copy;
	}
	return 0;
}

/*
 * subscribe: the bounds on the form that stet serve answers.
 *
 *   per_minute              form posts from one network (an IPv4 /24,
 *                           an IPv6 /64) in a minute (10); kept in
 *                           memory only
 *   confirmations_per_hour  confirmation messages in all in an hour
 *                           (200), so the form cannot be made to mail
 *                           strangers in bulk; its last quarter only
 *                           for networks sent none in the last hour
 *   origins                 the other origins whose pages may post the
 *                           form (a form hosted elsewhere); the site's
 *                           own and a loopback one always may
 *
 * action, where the form posts, is the site's: site/config.c reads it,
 * and reports any key under subscribe: that no one reads.
 */
static int
subscribe(const struct yval *v, const struct ynode *n,
    struct server_settings *c)
{
	const struct ynode *e;
	const char	*k;
	int		 rc = 0;

	if (yval_map(v, n, "subscribe") == -1)
		return -1;
	for (e = n->child; e != NULL && rc == 0; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "per_minute") == 0)
			rc = yval_count(v, e, "subscribe.per_minute", 1,
			    1000000, &c->subscribe_per_minute);
		else if (strcmp(k, "confirmations_per_hour") == 0)
			rc = yval_count(v, e,
			    "subscribe.confirmations_per_hour", 1, 1000000,
			    &c->subscribe_confirmations_per_hour);
		else if (strcmp(k, "origins") == 0)
			rc = subscribe_origins(v, e, c);
	}
	return rc;
}

int
server_settings_parse(struct arena *a, const char *file,
    const struct ynode *root, struct server_settings *c, struct err *err)
{
	const struct yval v = { file, a, err };
	const struct ynode *n;

	server_settings_defaults(c);
	if (root == NULL)
		return 0;
	if ((n = ynode_get(root, "server")) != NULL &&
	    server(&v, n, c) == -1)
		return -1;
	if ((n = ynode_get(root, "subscribe")) != NULL &&
	    subscribe(&v, n, c) == -1)
		return -1;
	return 0;
}
