#ifndef STET_SEND_HOLD_H
#define STET_SEND_HOLD_H

#include <stddef.h>
#include <stdint.h>

#include "../site/model.h"
#include "../store/store.h"
#include "../support/err.h"
#include "settings.h"

/*
 * The hold before sending: a post is mailed mail.hold minutes after the
 * first successful build that published it, so the typo seen right
 * after publishing can still be mended (and the mail, made when it is
 * sent, carries the mended post).  The time of that first build is kept
 * in stet.db (store_published).
 */

/*
 * The posts (and notes, when they are mailed) of the last build, oldest
 * first, so that readers get them in the order they were written.  The
 * caller frees the array (not the posts); NULL when out of memory.
 */
const struct post **send_candidates(const struct site *, int notes,
	    size_t *n);

/*
 * After a successful build of the site in dir: record, for each post it
 * published, that it was published now, unless a build did before.  A
 * site without stet.db (one that mails nothing yet) is left alone.  0,
 * or -1 with err.
 */
int	send_note_built(const char *dir, const struct send_settings *,
	    struct err *);

/*
 * When post p may be mailed: its first build's time plus hold minutes.
 * A post no build recorded (built by an older stet, or before stet.db
 * existed) is recorded as published now.  0, or -1 with err.
 */
int	send_hold_until(struct store *, const struct post *p, int64_t now,
	    size_t hold, int64_t *until, struct err *);

#endif
