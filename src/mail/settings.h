#ifndef STET_MAIL_SETTINGS_H
#define STET_MAIL_SETTINGS_H

#include <stddef.h>

#include "../support/arena.h"
#include "../support/err.h"
#include "../support/yamltree.h"
#include "bounce_settings.h"

/*
 * The mail: keys of stet.yaml: who the messages are from and how they
 * leave.  settings.c says what each means and its default.
 */
struct mail_settings {
	/*
	 * from is "Name <addr>" or "addr", split into from_name (NULL when
	 * absent) and from_addr; all NULL when not set.
	 */
	const char	*from;
	const char	*from_name;
	const char	*from_addr;
	const char	*reply_to;		/* bare address, or NULL */
	const char	*transport;
	const char	*envelope_from;		/* NULL: from_addr */
	const char	*username;		/* NULL: no SMTP AUTH */
	const char	*password_env;		/* the variable to read */
	const char	*unsubscribe_mailto;	/* bare address, or NULL */
	size_t		 connections;
	size_t		 rate;			/* a second; 0: no limit */
	size_t		 timeout;		/* seconds */
	size_t		 max_failures;		/* then bouncing */
	size_t		 stop_after;		/* relay failures in a row */
	size_t		 hold;			/* minutes after publishing */
	size_t		 send_every;		/* minutes; 0: serve never */
	const char	*dkim_domain;		/* all three, or none */
	const char	*dkim_selector;
	const char	*dkim_key;		/* file, from the site */
	struct bounce_settings bounces;		/* mail.bounces */
};

/* Fill m with the defaults alone. */
void	mail_settings_defaults(struct mail_settings *);

/*
 * Read mail: from root, the whole of stet.yaml as the site read it
 * (NULL: there is none, and m gets the defaults); file names it for
 * errors.  Strings point into the tree or the arena.  Unknown keys,
 * wrong types and bad values are errors naming file and line.  0, or -1
 * with err.
 */
int	mail_settings_parse(struct arena *, const char *file,
	    const struct ynode *root, struct mail_settings *, struct err *);

#endif
