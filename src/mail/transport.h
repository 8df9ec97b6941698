#ifndef STET_MAIL_TRANSPORT_H
#define STET_MAIL_TRANSPORT_H

#include <stdatomic.h>
#include <stddef.h>

#include "../support/err.h"

/*
 * Handing composed messages to whatever delivers them, named by
 * mail.transport in stet.yaml:
 *
 *   maildir:PATH        each message a file in the Maildir PATH
 *                       (relative to the site folder); nothing leaves
 *                       the machine
 *   smtp://HOST[:PORT]  SMTP through libcurl (port 587 by default),
 *                       STARTTLS required unless HOST is a loopback
 *                       address
 *   smtps://HOST[:PORT] SMTP over TLS from the first byte (port 465)
 *   sendmail            a pipe to /usr/sbin/sendmail -t -i
 *
 * SMTP keeps its connections open from one message to the next and
 * runs up to `connections` of them at once, from one thread.
 *
 * This is the one module that knows libcurl exists.
 */

struct mailer_opts {
	const char	*transport;	/* as above */
	const char	*sitedir;	/* a relative maildir: is under it */
	const char	*envelope_from;	/* MAIL FROM / sendmail -f: bare */
	const char	*username;	/* SMTP AUTH; NULL: none */
	const char	*password;	/* from the environment; NULL: none */
	unsigned	 timeout;	/* seconds for one message, > 0 */
	size_t		 connections;	/* SMTP connections at once, >= 1 */
	double		 rate;		/* messages a second; 0: no limit */
	/* When set non-zero (by another thread), mailer_run starts no new
	 * message and returns once the ones in flight are done. */
	const atomic_int *stop;
};

/* One message to one reader.  msg must stay valid until done() has it. */
struct mail_job {
	const char	*from;		/* envelope sender; NULL: the mailer's */
	const char	*rcpt;		/* bare address, ASCII */
	const char	*msg;		/* the whole message, CRLF lines */
	size_t		 len;
	void		*arg;		/* the caller's */
};

/*
 * What the relay's answer means, decided here and nowhere else (what a
 * queue then does with it is send/policy.c's).  Only a refusal of the
 * recipient (a 5xx to RCPT TO, sendmail's EX_NOUSER or EX_NOHOST) is
 * the address's fault; anything else, even a 5xx to the data, is the
 * relay's or the message's, and the message is worth sending again.
 */
enum mail_outcome {
	MAIL_SENT,	/* accepted by the relay (or written / piped) */
	MAIL_RETRY,	/* not delivered, and worth trying again later */
	MAIL_FAILED	/* the recipient refused for good */
};

struct mail_result {
	enum mail_outcome outcome;
	/*
	 * 1 when the answer was to RCPT TO: about this reader's address
	 * (MAIL_FAILED: refused; MAIL_RETRY: put off, as greylisting
	 * does).  0: about the relay or the message.
	 */
	int		 recipient;
	int		 code;		/* the last SMTP reply code, 0: none */
	char		 reply[256];	/* its text, or what went wrong */
};

struct mailer;

/*
 * Check the settings (a transport that does not parse, a maildir whose
 * parent is missing) and get ready.  Opens no connection yet.
 */
int	mailer_open(struct mailer **, const struct mailer_opts *,
	    struct err *);
void	mailer_close(struct mailer *);

/*
 * SMTP connections stay open from one mailer_run to the next (and the
 * relay's greeting, TLS and login are not paid again); this closes them,
 * for a caller that will be idle a while.  mailer_close does it too.
 */
void	mailer_hangup(struct mailer *);

/* "smtp://mail.example.com:587 (STARTTLS)" and so on, for messages. */
const char *mailer_describe(const struct mailer *);

/*
 * Send messages until next() has none: next() fills a job and returns
 * 1, returns 0 when there is nothing more, or -1 (with err) to stop.
 * done() gets the jobs that finished together, with their results, and
 * before next() is called for the connections they free: so a caller
 * that records each result in done() has at most one message per
 * connection sent and not yet recorded.  done() returns 0, or -1 (with
 * err) to stop.
 *
 * Returns 0, or -1 with err when next() or done() stopped it, or when
 * the relay itself failed in a way that no retry of a single message
 * mends: it cannot be reached, TLS or login fails, it refuses the
 * envelope sender.  Jobs in flight then still reach done(), with what
 * became of them (one that another connection finished is MAIL_SENT:
 * calling it a retry would send it twice); if done() itself failed, it
 * is still called for them, so the caller gets every job back, and the
 * first error is returned.
 */
int	mailer_run(struct mailer *,
	    int (*next)(void *arg, struct mail_job *, struct err *),
	    int (*done)(void *arg, struct mail_job *jobs,
		const struct mail_result *results, size_t n, struct err *),
	    void *arg, struct err *);

#endif
