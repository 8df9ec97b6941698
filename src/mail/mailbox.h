#ifndef STET_MAIL_MAILBOX_H
#define STET_MAIL_MAILBOX_H

#include <stddef.h>

#include "../support/err.h"

/*
 * Reading the mailbox that bounces come back to (mail.bounces.mailbox):
 *
 *   maildir:PATH        a Maildir (relative to the site folder): the
 *                       messages in new/, and those in cur/ not flagged
 *                       seen; each one read is moved to cur/ with the
 *                       seen flag (S), as a mail client would
 *   imaps://HOST[:PORT]/FOLDER
 *                       IMAP over TLS through libcurl (the folder
 *                       defaults to INBOX): the messages not \Seen;
 *                       each one read gets \Seen.  imap:// (no TLS) is
 *                       refused but to a loopback address.
 *
 * With transport.c, the only modules that know libcurl exists.
 */

struct mailbox_opts {
	const char	*spec;		/* as above */
	const char	*sitedir;	/* a relative maildir is under it */
	const char	*username;	/* IMAP; NULL: none */
	const char	*password;	/* IMAP; NULL: none */
	unsigned	 timeout;	/* seconds for one IMAP command */
};

struct mailbox;

int	mailbox_open(struct mailbox **, const struct mailbox_opts *,
	    struct err *);
void	mailbox_close(struct mailbox *);

/* "maildir:/srv/site/bounces", "imaps://mail.example.com/INBOX". */
const char *mailbox_describe(const struct mailbox *);

/*
 * Call fn for each unread message, at most max of them, oldest first
 * (Maildir: by name; IMAP: by UID).  A message larger than maxsize is
 * not read: fn gets msg NULL and its size.  fn returns 1 to have the
 * message marked read, 0 to leave it unread (to try again next time),
 * -1 (with err) to stop.  *n gets how many fn was given.  0, or -1 with
 * err.
 */
int	mailbox_each(struct mailbox *, size_t max, size_t maxsize,
	    int (*fn)(void *arg, const char *name, const char *msg,
		size_t len, struct err *),
	    void *arg, size_t *n, struct err *);

#endif
