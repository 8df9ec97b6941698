#ifndef STET_ANSWER_H
#define STET_ANSWER_H

#include <stddef.h>

#include "../support/buf.h"

/*
 * The pages the subscription forms answer with (forms.c sends them): a
 * status, a title and some HTML, put into the site's form page (see
 * RENDER_FORM_FILE in render.h).  Pure, so that every answer can be
 * rendered and compared without a server (tests/golden).
 */
enum answer_kind {
	ANSWER_FORM,		/* GET /subscribe: the form */
	ANSWER_INBOX,		/* POST /subscribe: a confirmation is on its
				   way (text: the address) */
	ANSWER_BAD_ADDRESS,	/* text: the address as sent; why: what is
				   wrong with it */
	ANSWER_CONFIRM,		/* GET /subscribe/confirm?t=: one button
				   (text: t) */
	ANSWER_SUBSCRIBED,	/* confirmed (text: the unsubscribe token) */
	ANSWER_EXPIRED,		/* a confirmation link past its 7 days */
	ANSWER_DEAD_LINK,	/* a confirmation link used or replaced */
	ANSWER_UNSUBSCRIBE,	/* GET /unsubscribe?t=: one button (text: t) */
	ANSWER_UNSUBSCRIBED,
	ANSWER_INCOMPLETE,	/* a link from a message without its token */
	ANSWER_BAD,		/* a malformed request; why: a sentence
				   saying what was wrong */
	ANSWER_TOO_MANY,	/* 429: a bound on asking was reached; why:
				   which, a sentence; text: when to try
				   again ("in 12 minutes") */
	ANSWER_UNAVAILABLE,	/* 503: the database or mail is down; why:
				   a sentence saying so, or NULL for the
				   usual one */
	ANSWER_FORBIDDEN	/* 403: a post from another site's page */
};

struct answer_in {
	const char	*base;		/* the site's base path: "/", "/x/" */
	const char	*site_title;
	const char	*text;		/* per kind, above; not NUL-terminated */
	size_t		 len;
	const char	*why;		/* per kind, above */
};

struct answer {
	int		 status;
	const char	*reason;	/* "Not Found" */
	const char	*title;
	struct buf	 body;		/* the content's HTML */
	int		 oom;
};

/*
 * Make the answer of kind k into a (its body the caller's: answer_free).
 * 0, or -1 when out of memory.
 */
int	answer_make(struct answer *a, enum answer_kind k,
	    const struct answer_in *);
void	answer_free(struct answer *);

/*
 * Append shell (n bytes) to out with the answer's title, HTML-escaped,
 * in place of every RENDER_FORM_TITLE and its body in place of every
 * RENDER_FORM_CONTENT.  0, or -1 when out of memory.
 */
int	answer_fill(const char *shell, size_t n, const struct answer *,
	    struct buf *out);

#endif
