#ifndef STET_SEND_BOUNCE_H
#define STET_SEND_BOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "../mail/settings.h"
#include "../store/bounces.h"
#include "../store/store.h"
#include "../support/err.h"

/*
 * Acting on mail that came back, wherever it was read (stet bounces
 * from a mailbox, stet serve from Postmark's webhook): find the reader
 * and record the bounce or complaint (store/bounces.h says what each
 * does).
 *
 * The reader is found, in this order, by the token of the envelope
 * sender the report was sent back to (mail/verp.h), which nobody
 * without the site's secret can forge; then by the address the report
 * names, with the original message's Message-ID when it is one this
 * site gave that reader.
 */
struct bounce_result {
	int		 report;	/* 0: no failure or complaint in it */
	enum store_bounce_kind kind;
	enum store_bounce_effect effect;
	int64_t		 subscriber;	/* 0: no reader found */
	char		 email[256];	/* the reader, or what was named */
	char		 status[32];	/* "5.1.1", "abuse", "HardBounce" */
	const char	*how;		/* "token", "message-id", "address" */
};

/*
 * One message from the bounce mailbox (len bytes).  0 with *res filled
 * (a message that is no report, or too large, has res->report 0), or -1
 * with err (the database).
 */
int	bounce_message(struct store *, const struct mail_settings *,
	    const char *source, const char *msg, size_t len, int64_t now,
	    struct bounce_result *, struct err *);

/*
 * One event a provider has read for us (email, its kind and status),
 * named by seen (STORE_SEEN_LEN bytes) so a resent one counts once.
 */
int	bounce_event(struct store *, const struct mail_settings *,
	    const char *source, const char *email,
	    enum store_bounce_kind, const char *status, const char *detail,
	    const unsigned char *seen, int64_t now, struct bounce_result *,
	    struct err *);

/* "suppressed", "unsubscribed", ...: what happened, for a person. */
const char *bounce_effect_name(enum store_bounce_effect);

#endif
