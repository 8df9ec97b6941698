#ifndef STET_THEME_H
#define STET_THEME_H

#include <stddef.h>

#include "../support/err.h"
#include "model.h"
#include "outlist.h"
#include "template.h"
#include "write.h"

/*
 * The built-in templates, each replaced by SITE/templates/NAME.html where
 * the site has one (extra files there become partials).  *out is the
 * caller's, freed with template_set_free.
 */
int	theme_templates(const struct site *, struct tset **out, struct err *);

/*
 * Copy SITE/static/ into the output as is, then the built-in style.css
 * and favicon.svg where static/ has none, adding each path to out (when
 * not NULL).  With w NULL, only lists.  Names starting with a dot are
 * left out (but static/.well-known/), and so are files named like a key
 * (.key, .pem) or the database (stet.db*), with a warning to the site's
 * diag when listing.  An error names the file: a symlink loop, or a link
 * to a folder that contains it; a link that leads outside the site
 * folder, to it, into public/, to a hidden path or to the database; a
 * file that is the database or the DKIM or TLS key of stet.yaml.
 */
int	theme_static(const struct site *, struct writer *, struct outlist *,
	    struct err *);

/*
 * A signature of static/: every file's path, size and mtime, so a rebuild
 * copies the folder again only when something in it changed.
 */
int	theme_static_sig(const struct site *, unsigned char *out,
	    size_t outlen, struct err *);

#endif
