#ifndef STET_SEND_ENVELOPE_H
#define STET_SEND_ENVELOPE_H

#include <stdint.h>

#include "../mail/settings.h"
#include "../support/buf.h"
#include "../support/err.h"

/*
 * The envelope sender (SMTP MAIL FROM, sendmail -f) of a message from
 * the site: where a relay, and later the reader's own server, sends a
 * bounce.  Every message stet sends gets it here, and nowhere else, so
 * a per-reader sender (to tell whose address bounced) changes this
 * function alone.
 *
 * subscriber is the reader's id and rcpt their address, for a message
 * to one reader; 0 and NULL for the default of the whole transport.
 * Appends the bare address to out.  0, or -1 with err.
 */
int	send_envelope(const struct mail_settings *, int64_t subscriber,
	    const char *rcpt, struct buf *out, struct err *);

#endif
