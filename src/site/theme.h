#ifndef STET_THEME_H
#define STET_THEME_H

#include "../support/err.h"
#include "model.h"
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
 * and favicon.svg where static/ has none.  A symlink loop, or a link to
 * a folder that contains it, is an error naming the file.
 */
int	theme_static(const struct site *, struct writer *, struct err *);

#endif
