#ifndef STET_MAIL_COMPOSE_H
#define STET_MAIL_COMPOSE_H

#include <stddef.h>
#include <string.h>
#include <time.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * Composing one message: RFC 5322 headers, then multipart/alternative
 * with a text/plain and a text/html part, both UTF-8 and quoted-printable,
 * every line ended with CRLF.  The bodies go out exactly as given:
 * nothing is added to them, no tracking pixel, no rewritten link.
 *
 * Every header value is a span (pointer and length, not NUL-terminated)
 * so that a NUL inside one is seen and refused, as are CR and LF: no
 * value can start a header of its own.
 *
 * Header lines are folded to at most 78 characters, except that a single
 * word longer than that (a long List-Unsubscribe URL) is written whole:
 * breaking a URL loses it in some readers, and 998 is the hard limit.
 */
struct mail_span {
	const char	*p;	/* NULL: the field is absent */
	size_t		 n;
};

/* The span of a C string, absent when s is NULL. */
static inline struct mail_span
mail_str(const char *s)
{
	struct mail_span v = { s, s != NULL ? strlen(s) : 0 };

	return v;
}

/* "Name <addr>"; the name may be absent.  The address must be ASCII. */
struct mail_addr {
	struct mail_span name;
	struct mail_span addr;
};

/*
 * The bodies that many messages share, encoded once (mail_body_prepare):
 * each message then adds only its own tail to each part.  Each head
 * must end in a line break, where quoted-printable starts afresh, so
 * head and tail encoded apart are the two encoded together.
 */
struct mail_body {
	struct buf	 qtext;		/* the text head, quoted-printable */
	struct buf	 qhtml;
	char		 boundary[64];	/* in neither head, raw or encoded */
};

struct mail_msg {
	struct mail_addr from;
	struct mail_addr to;
	struct mail_addr reply_to;	/* optional: addr.p == NULL */
	struct mail_span subject;	/* UTF-8 */
	time_t		 date;		/* written in UTC */
	struct mail_span message_id;	/* without the angle brackets */
	/* Optional, ASCII, written as given (RFC 2369, 8058, 2919). */
	struct mail_span list_id;
	struct mail_span list_unsubscribe;
	struct mail_span list_unsubscribe_post;
	struct mail_span text;		/* UTF-8, LF or CRLF line ends */
	struct mail_span html;
	/*
	 * When not NULL, the parts are body's heads followed by text and
	 * html above as their tails.
	 */
	const struct mail_body *body;
};

/*
 * Encode the heads of the parts that many messages share.  Each must
 * end in a line break.  0, or -1 with err; mail_body_free in both cases.
 */
int	mail_body_prepare(struct mail_body *, const char *text, size_t ntext,
	    const char *html, size_t nhtml, struct err *);
void	mail_body_free(struct mail_body *);

/*
 * Append the message to out.  Returns 0, or -1 with err saying which
 * header or what was wrong; on -1 out is as it was.
 */
int	mail_compose(const struct mail_msg *, struct buf *out, struct err *);

/*
 * Append n bytes of s quoted-printable (RFC 2045): lines of at most 76
 * characters with soft breaks, LF or CRLF in s kept as CRLF hard breaks.
 * Public because the next issue's digests encode bodies the same way.
 * 0 or -1 (out of memory).
 */
int	mail_qp_encode(struct buf *out, const char *s, size_t n);

#endif
