#ifndef STET_SEND_NOTICE_H
#define STET_SEND_NOTICE_H

#include <time.h>

#include "../mail/settings.h"
#include "../support/buf.h"
#include "../support/err.h"

/*
 * The one message stet sends that is not a post: the request to confirm
 * a subscription.  It says who asked for what, holds the confirm link
 * (base, ending in '/', then subscribe/confirm?t=TOKEN) and nothing
 * else: no tracking, no marketing.
 *
 * title and url are the site's (url ends in '/'); the message is from
 * mail.  Append the whole message to out.  0, or -1 with err (a from
 * address missing from stet.yaml, a value that would break a header).
 */
int	notice_confirm(const struct mail_settings *mail, const char *title,
	    const char *url, const char *base, const char *rcpt,
	    const char *token, time_t now, struct buf *out, struct err *);

/*
 * Start m as a message from the site (From and Reply-To as stet.yaml
 * sets them) to rcpt, dated now: every message stet sends begins so.
 */
struct mail_msg;
void	notice_start(struct mail_msg *m, const struct mail_settings *,
	    const char *rcpt, time_t now);

/*
 * A Message-ID for a message from mail: "<unique>@<from's domain>"
 * without the angle brackets, unique from 16 random bytes.  out gets it.
 */
int	notice_message_id(const struct mail_settings *, struct buf *out);

#endif
