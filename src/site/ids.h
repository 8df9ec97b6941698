#ifndef STET_IDS_H
#define STET_IDS_H

#include "../support/err.h"
#include "model.h"

/*
 * Permanent post ids.  A post's id is made once, at its first build, as a
 * tag: URI (RFC 4151) from the site's host, the post's date and its slug
 * then, and recorded in SITE/.stet/ids; later builds reuse it, so a
 * change of slug or title never makes feed readers (or the sender, which
 * keys on the same id) see the post as new.  An id: in the front matter
 * wins.  A post whose file was renamed keeps its id when its date and
 * title are those of a recorded post whose file is gone.
 *
 * .stet/ids is worth keeping under version control, beside the posts.
 */
struct ids;

/*
 * Read dirfd's .stet/ids into *out (empty when there is none): needs
 * nothing of the site, so a build reads it while it lists posts/.  0 or
 * -1.
 */
int	ids_read(int dirfd, struct ids **out, struct err *);
/* Give every post (and hidden post) its id from ids.  0 or -1. */
int	ids_assign(struct site *, struct ids *, struct err *);
/* Record the ids, if any is new.  0 or -1. */
int	ids_save(const struct site *, struct ids *, struct err *);
void	ids_free(struct ids *);
/* The id recorded for file before this build, or NULL. */
const char *ids_recorded(const struct ids *, const char *file);

#endif
