#ifndef STET_SEND_H
#define STET_SEND_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../mail/settings.h"
#include "../support/err.h"
#include "settings.h"

/*
 * Sending new posts to the readers: one pass of stet send, and of the
 * schedule of stet serve.
 *
 * The posts considered are those of the last successful build (their
 * page is in public/), drafts and future posts never, notes only with
 * notes: { email: true }.  A post is known by its permanent id, so a
 * renamed post is not sent again.  The first pass on a site marks every
 * post already published as announced and sends nothing.  A new post
 * goes to every reader confirmed when its sending begins, each message
 * recorded as it is accepted, so a pass killed at any moment and run
 * again sends each reader the post once (but for the messages in
 * flight at the kill: at most one per connection).
 */
struct send_opts {
	const char	*dir;		/* the site folder */
	const char	*what;		/* "stet send", "stet serve": the lease */
	const char	*base;		/* links: NULL for the site's url */
	const struct mail_settings *mail;	/* mail: in stet.yaml */
	const struct send_settings *settings;	/* notes: in stet.yaml */
	int		 dry_run;	/* say what would be sent; send nothing */
	const char	*to;		/* a preview to this address only */
	const char	*post;		/* with to: this slug (NULL: latest) */
	int		 wait;		/* wait for another sender to finish */
	int		 now;		/* skip mail.hold */
	/*
	 * Make what the relay would not take before due at once: a run
	 * begun by hand, or stet serve's first.
	 */
	int		 rewind;
	const char	*retry;		/* queue again this post's (slug or
					   id) deliveries not sent, first */
	int		 progress;	/* draw a progress bar on stderr */
	const atomic_int *stop;		/* when set: finish in-flight, return */
	FILE		*out;		/* the dry run's report */
	/* Tells the person running stet something: one line, no '\n'. */
	void		(*say)(void *, const char *line);
	void		*arg;
};

struct send_result {
	size_t		 marked;	/* first pass: posts marked, not sent */
	size_t		 posts;		/* posts whose sending ran */
	size_t		 sent, failed, waiting;
	int64_t		 retry_at;	/* when waiting > 0: run again then */
	int		 busy;		/* another sender held the lease */
	/*
	 * The relay failed as a whole (or mail.stop_after messages in a
	 * row): the run stopped, what was not sent stays pending.
	 */
	int		 relay_failed;
	char		 relay_why[512];
	size_t		 held;		/* new posts still in mail.hold */
	int64_t		 held_until;	/* the first of them goes then */
};

struct dkim_signer;

/*
 * The DKIM signer that mail.dkim in m names (its key relative to the
 * site folder dir), for whatever mail the site sends.  0, or -1 with
 * err.
 */
int	send_signer(const char *dir, const struct mail_settings *m,
	    struct dkim_signer **, struct err *);

/*
 * One pass.  0 when it ran (messages may still wait for a retry: see
 * res->waiting), or -1 with err (no site, no mail settings, the
 * database, the relay failing as a whole).
 */
int	send_run(const struct send_opts *, struct send_result *,
	    struct err *);

/*
 * when (Unix seconds) for a person, seen at now: "14:05:09 CET (in 7
 * minutes)", with the date too when it is not today; into out (size n).
 */
void	send_when(int64_t when, int64_t now, char *out, size_t n);

/*
 * stet send --status: each announced post's deliveries (sent, pending,
 * failed, and why) and the posts held, to o->out.  0, or -1 with err.
 */
int	send_status(const struct send_opts *, struct err *);

#endif
