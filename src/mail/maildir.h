#ifndef STET_MAIL_MAILDIR_H
#define STET_MAIL_MAILDIR_H

#include <stddef.h>

#include "../support/err.h"

/*
 * The maildir transport: each message one file in a Maildir, so a site
 * works with no mail server at all.
 *
 * Deliver msg into dir by the Maildir protocol: write it under a unique
 * name in dir/tmp, flush it to disk, rename it into dir/new and flush
 * dir/new, so a reader of new/ sees a whole message or none, and a
 * delivered one survives a power cut.  dir, tmp, new and cur are made
 * (mode 0700) when missing; dir's parent must exist.  Returns 0, or -1
 * with err.  On -1 nothing is left in tmp/, and nothing in new/ unless
 * the rename was done and only the flush of new/ failed: the message is
 * then delivered but may not survive a power cut, and err says so.
 */
int	maildir_deliver(const char *dir, const void *msg, size_t len,
	    struct err *);

#endif
