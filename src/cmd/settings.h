#ifndef STET_CMD_SETTINGS_H
#define STET_CMD_SETTINGS_H

#include "../mail/settings.h"
#include "../send/settings.h"
#include "../server/settings.h"
#include "../site/config.h"
#include "../support/arena.h"
#include "../support/err.h"

/*
 * stet.yaml as a command reads it: once, into a tree, from which each
 * layer reads its own keys (site/config.c the site's, and the site's
 * outline of which key is whose; server/settings.c server: and
 * subscribe's bounds; mail/settings.c mail:; send/settings.c notes:).
 * The command hands each layer its part, and what several need (the
 * site's title and url) as plain values.
 */
struct settings {
	struct arena		*arena;	/* everything below lives here */
	struct config		 site;	/* site.file NULL: no stet.yaml */
	struct server_settings	 server;
	struct mail_settings	 mail;
	struct send_settings	 send;
};

/*
 * Read the stet.yaml of the site folder dir, or take the defaults when
 * there is none.  0, or -1 with err naming stet.yaml:LINE; either way
 * settings_free releases what it holds.
 */
int	settings_load(struct settings *, const char *dir, struct err *);
void	settings_free(struct settings *);

/*
 * 0 when the folder dir is a site (holds a stet.yaml); else -1, said on
 * stderr.  For commands that must not make a stet.db, or mail, outside
 * a site.
 */
int	settings_site(const char *dir);

#endif
