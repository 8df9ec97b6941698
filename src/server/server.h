#ifndef STET_SERVER_H
#define STET_SERVER_H

#include "../mail/settings.h"
#include "../send/settings.h"
#include "../support/err.h"
#include "settings.h"

/*
 * stet serve: build the site, load public/ into memory and serve it
 * with libh2o, one event loop per core, until SIGTERM or SIGINT (which
 * let the requests in flight finish).  SIGHUP rebuilds; so does a
 * change to a source with watch set, and a future post falling due.  A
 * rebuild that fails leaves the last good site served.
 *
 * This is the one module that knows libh2o (and OpenSSL) exist.
 */

enum server_say {
	SERVER_INFO,	/* progress: built, rebuilt, listening */
	SERVER_ERROR,	/* a failed rebuild: the server goes on */
	SERVER_URL	/* the address to open in a browser */
};

struct server_opts {
	const char	*dir;		/* the site folder */
	const char	*listen;	/* ADDR:PORT, or NULL: stet.yaml's */
	/*
	 * What stet.yaml says, read by each layer (see cmd/settings.h);
	 * all of it outlives the server.  The site's settings are read
	 * again by each build; these are read once, at the start.
	 */
	const struct server_settings *settings;
	const struct mail_settings *mail;
	const struct send_settings *send;
	const char	*title;		/* the site's */
	const char	*url;		/* the site's, ending in '/' */
	const char	*base_path;	/* url's path */
	const char	*subscribe_action; /* the form's, or NULL: ours */
	int		 remote_images;	/* pages may load https images */
	int		 watch;		/* rebuild on changes */
	/* Tells the person running stet something: one line, no '\n'. */
	void		(*say)(void *arg, enum server_say, const char *line);
	void		*arg;
};

/*
 * Serve until told to stop.  0 after a clean stop; -1 with err when the
 * server could not start (bad settings, a port in use, no site).  The
 * caller must have called sodium_init().
 */
int	server_run(const struct server_opts *, struct err *);

#endif
