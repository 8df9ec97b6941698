#ifndef STET_LETTER_H
#define STET_LETTER_H

#include <time.h>

#include "../mail/settings.h"
#include "../site/model.h"
#include "../support/buf.h"
#include "../support/err.h"

/*
 * A post as a message to one reader.  The post's parts (its HTML with
 * absolute links and images, its text as CommonMark) are made once per
 * post; each reader's message adds only the headers and the foot that
 * carry that reader's unsubscribe link.  Nothing else is added: no
 * tracking pixel, no rewritten link, nothing to count opens or clicks.
 *
 * A post whose message would pass LETTER_MAX bytes as sent, encoded
 * (where common mail clients clip a message and hide its foot) is cut
 * at a paragraph and ends with a link to read the rest on the site; the
 * foot always stays.
 */
#define LETTER_MAX	(90 * 1024)

struct letter;

/*
 * Make the parts of post p of site s, with its links absolute against
 * base (the site's url, or where a local stet serve answers; ends in
 * '/'), to be sent as mail says.  mail must outlive the letter.  0, or
 * -1 with err.
 */
int	letter_prepare(struct letter **, const struct site *,
	    const struct mail_settings *mail, const struct post *,
	    const char *base, struct err *);
void	letter_free(struct letter *);

/* The post's page, absolute. */
const char *letter_url(const struct letter *);

/* Was the post cut to fit? */
int	letter_cut(const struct letter *);

/*
 * Append the message for rcpt to out.  unsub is the reader's
 * unsubscribe URL (https: or http:), message_id is without its angle
 * brackets.  0, or -1 with err.
 */
int	letter_compose(const struct letter *, const char *rcpt,
	    const char *unsub, const char *message_id, time_t now,
	    struct buf *out, struct err *);

#endif
