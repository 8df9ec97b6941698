#ifndef STET_SEND_ENVELOPE_H
#define STET_SEND_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "../mail/settings.h"
#include "../store/store.h"
#include "../support/err.h"

/*
 * The envelope sender of post's message to subscriber sub.  When
 * mail.envelope_from asks for VERP (mail/verp.h): 1, with out (size n)
 * holding "bounces+TOKEN@domain".  0 when it does not (the mailer's own
 * sender goes).  -1 with err when the address would not fit.
 */
int	send_envelope(struct store *, const struct mail_settings *,
	    const char *post, int64_t sub, char *out, size_t n, struct err *);

#endif
