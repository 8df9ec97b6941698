#ifndef STET_MAIL_BOUNCE_SETTINGS_H
#define STET_MAIL_BOUNCE_SETTINGS_H

#include <stddef.h>

#include "../support/yamlval.h"

/*
 * mail.bounces in stet.yaml: where the mail that comes back is read
 * (stet bounces) and what it takes to stop mailing an address.
 * bounce_settings.c says what each means and its default.
 */
struct bounce_settings {
	const char	*mailbox;	/* maildir:PATH or imap[s]://...; NULL */
	const char	*username;	/* IMAP login; NULL: from the URL */
	const char	*password_env;	/* the variable holding its password */
	size_t		 soft_limit;	/* soft bounces ... */
	size_t		 soft_days;	/* ... within days: suppressed */
	size_t		 max_messages;	/* read in one run */
	const char	*webhook_secret_env;	/* Postmark's URL secret */
};

void	bounce_settings_defaults(struct bounce_settings *);

/* Read the map n (mail.bounces).  0, or -1 with v->err. */
int	bounce_settings_parse(const struct yval *, const struct ynode *n,
	    struct bounce_settings *);

#endif
