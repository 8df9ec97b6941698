#ifndef STET_MAIL_DSN_H
#define STET_MAIL_DSN_H

#include <stddef.h>

#include "../support/err.h"

/*
 * Reading the mail that comes back to the envelope sender: delivery
 * status notifications (RFC 3464, in a multipart/report of RFC 6522)
 * and feedback reports of readers who marked a message as spam (RFC
 * 5965).  GMime parses the MIME structure, the header fields and the
 * addresses; this file knows which fields mean what.
 *
 * This is the one module that knows GMime exists (with gmime_lib.c,
 * which loads it).
 */

#define DSN_MAX		(1024 * 1024)	/* a larger message is no report */
#define DSN_ADDRS	8		/* addresses kept of each kind */
#define DSN_ADDR_LEN	256		/* longer ones are left out */

enum dsn_kind {
	DSN_NONE,	/* not a failure: delayed, delivered, no report */
	DSN_SOFT,	/* failed with 4.x.x: may pass */
	DSN_HARD,	/* failed with 5.x.x: the address is bad */
	DSN_COMPLAINT	/* a feedback report of abuse */
};

struct dsn_rcpt {
	char		 addr[DSN_ADDR_LEN];	/* bare, may be "" */
	char		 status[16];		/* "5.1.1", "abuse" */
	enum dsn_kind	 kind;
};

struct dsn {
	enum dsn_kind	 kind;		/* the gravest of rcpt's */
	/* The readers the report is about, as it names them. */
	struct dsn_rcpt	 rcpt[DSN_ADDRS];
	size_t		 nrcpt;
	/*
	 * Addresses that may be our envelope sender with its token: where
	 * the report was delivered (To, Delivered-To, X-Original-To,
	 * Envelope-To), the Original-Mail-From of a feedback report, the
	 * Return-Path of the original message.
	 */
	char		 envelope[DSN_ADDRS][DSN_ADDR_LEN];
	size_t		 nenvelope;
	/* The original message's Message-ID, without <>, or "". */
	char		 message_id[DSN_ADDR_LEN];
	/* Diagnostic-Code or Feedback-Type, printable, for the record. */
	char		 detail[256];
};

/*
 * Load GMime, once for the process (it is not linked: see gmime_lib.h):
 * 0, or -1 with err ("bounces: cannot load libgmime-3.0.so.0: ...").
 * dsn_parse loads it too; calling this first tells a missing library
 * apart from a message that is no report.
 */
int	dsn_load(struct err *);

/*
 * Read the message msg (len bytes, as it lies in the mailbox).  0 with
 * *d filled (kind DSN_NONE when it is not a failure report), or -1 with
 * err when it is too large or not a message at all.  Besides the two
 * report formats, a plain bounce with X-Failed-Recipients (Exim's, and
 * Gmail's without a report part) is taken as hard for those addresses.
 */
int	dsn_parse(const char *msg, size_t len, struct dsn *d, struct err *);

const char *dsn_kind_name(enum dsn_kind);

#endif
