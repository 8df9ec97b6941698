#ifndef STET_SEND_ENVELOPE_H
#define STET_SEND_ENVELOPE_H

#include <stdint.h>

#include "../mail/settings.h"
#include "../store/store.h"
#include "../support/buf.h"
#include "../support/err.h"

/*
 * The envelope sender (SMTP MAIL FROM, sendmail -f) of a message from
 * the site: where a relay, and later the reader's own server, sends a
 * bounce.  Every message stet sends gets it here, and nowhere else.
 *
 * For post's message to reader subscriber (store, post and subscriber
 * given), when mail.envelope_from asks for VERP (mail/verp.h), it is
 * "bounces+TOKEN@domain", the token naming the reader and the post
 * (store/bounces.h), so a bounce names its reader whatever the remote
 * system writes in it.  Otherwise, and for the default of the whole
 * transport (store NULL), mail.envelope_from or else mail.from.  rcpt is
 * the reader's address, or NULL.  Appends the bare address to out.  0,
 * or -1 with err.
 */
int	send_envelope(struct store *, const struct mail_settings *,
	    const char *post, int64_t subscriber, const char *rcpt,
	    struct buf *out, struct err *);

#endif
