#ifndef STET_SEND_POLICY_H
#define STET_SEND_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "../mail/transport.h"

/*
 * One retry policy for every message stet sends, the posts' deliveries
 * (send.c) and the confirmations of stet serve (outbox.c) alike, from
 * the relay's answer as mail/transport.c classifies it.
 *
 * Only a refusal of the recipient closes a message as failed and counts
 * against the address.  A reader's address put off (4xx to RCPT TO) is
 * tried again with a growing wait and given up after POLICY_TRIES.  A
 * message the relay did not take for its own reasons (a 5xx to MAIL
 * FROM or to the data, a 4xx to anything but RCPT TO, a dropped
 * connection, no login, no TLS) is never given up: it waits too, and a
 * queue that gets such failures for mail.stop_after messages in a row
 * stops, since the next would fail the same way.
 */
#define POLICY_TRIES	30	/* about a day with the waits below */
#define POLICY_FIRST	60	/* seconds before the first retry */
#define POLICY_MAX	3600	/* and never more between two */

enum policy_action {
	POLICY_SENT,
	POLICY_REFUSED,		/* the address, for good */
	POLICY_LATER,		/* the address put it off: at next_at */
	POLICY_GIVE_UP,		/* put off POLICY_TRIES times: failed */
	POLICY_AGAIN		/* the relay's or the message's fault */
};

struct policy_verdict {
	enum policy_action action;
	int64_t		 next_at;	/* LATER and AGAIN */
};

/*
 * What to do with a message tried attempts times before (not counting
 * this one) whose try just ended as r says, at now.
 */
void	policy_judge(const struct mail_result *r, int attempts, int64_t now,
	    struct policy_verdict *);

/* Seconds to wait after the attempts-th try (0: the first). */
int64_t	policy_backoff(int attempts);

/* Relay or message failures in a row, within one run of a queue. */
struct policy_streak {
	size_t		 n;
	size_t		 max;		/* mail.stop_after */
};

/* Count one more verdict: 1 when the run should stop now, else 0. */
int	policy_streak_note(struct policy_streak *, enum policy_action);

#endif
