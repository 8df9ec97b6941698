#ifndef STET_SEND_SETTINGS_H
#define STET_SEND_SETTINGS_H

#include "../support/arena.h"
#include "../support/err.h"
#include "../support/yamltree.h"

/* What stet send mails, beside the posts: notes: in stet.yaml. */
struct send_settings {
	int		 notes;		/* notes: { email: true } */
};

/* Fill s with the defaults alone: posts only. */
void	send_settings_defaults(struct send_settings *);

/*
 * Read notes: from root, the whole of stet.yaml as the site read it
 * (NULL: there is none, and s gets the defaults); file names it for
 * errors.  0, or -1 with err naming file and line.
 */
int	send_settings_parse(struct arena *, const char *file,
	    const struct ynode *root, struct send_settings *, struct err *);

#endif
