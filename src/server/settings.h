#ifndef STET_SERVER_SETTINGS_H
#define STET_SERVER_SETTINGS_H

#include <stddef.h>

#include "../support/arena.h"
#include "../support/err.h"
#include "../support/yamltree.h"

/*
 * stet serve's own keys of stet.yaml: server:, and the bounds on the
 * subscription form under subscribe: (its action is the site's).
 * settings.c says what each means and its default.
 */
struct server_settings {
	const char	*listen;		/* ADDR:PORT */
	const char	*tls_listen;		/* NULL: no TLS */
	const char	*tls_cert;		/* with tls_listen */
	const char	*tls_key;
	const char	**trusted_proxies;	/* addresses or CIDR */
	size_t		 ntrusted_proxies;
	size_t		 max_connections;
	size_t		 max_per_client;
	size_t		 header_timeout;	/* seconds */
	size_t		 send_timeout;		/* seconds */
	size_t		 max_request;		/* bytes */
	size_t		 max_body;		/* bytes */
	size_t		 max_streams;		/* HTTP/2, per connection */
	size_t		 max_h2_per_client;	/* HTTP/2 connections */
	size_t		 max_lifetime;		/* seconds */
	size_t		 form_wait;		/* seconds */
	size_t		 form_queue;		/* posts waiting */
	size_t		 subscribe_per_minute;	/* per network (/24, /64) */
	size_t		 subscribe_confirmations_per_hour; /* in all */
	const char	**subscribe_origins;	/* origin_norm'd, arena */
	size_t		 nsubscribe_origins;
};

/* Fill s with the defaults alone. */
void	server_settings_defaults(struct server_settings *);

/*
 * Read the server's keys from root, the whole of stet.yaml as the site
 * read it (NULL: there is none, and s gets the defaults); file names it
 * for errors.  Strings point into the tree or the arena.  Unknown keys
 * under server:, wrong types and bad values are errors naming file and
 * line.  0, or -1 with err.
 */
int	server_settings_parse(struct arena *, const char *file,
	    const struct ynode *root, struct server_settings *, struct err *);

#endif
