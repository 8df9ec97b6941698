#ifndef STET_CONFIG_H
#define STET_CONFIG_H

#include "../support/buf.h"
#include "../support/err.h"
#include "model.h"

/*
 * Read stet.yaml from the site folder dirfd into cfg (strings in the
 * arena): the site's own keys.  The keys of the layers above (server:,
 * mail:, subscribe's bounds, notes:) are left to them, in cfg->tree.
 * Unknown keys, wrong types and bad values are errors naming stet.yaml
 * and the line.  A folder without stet.yaml gets defaults and cfg->file
 * and cfg->tree are NULL, so the caller can say so.
 */
int	config_load(struct arena *, int dirfd, struct config *, struct err *);

/*
 * The same for the text of a stet.yaml already read (len bytes, not
 * NUL-terminated), starting from the defaults.
 */
int	config_parse(struct arena *, const char *src, size_t len,
	    struct config *, struct err *);

/* Fill cfg with the defaults alone. */
void	config_defaults(struct config *);

#endif
