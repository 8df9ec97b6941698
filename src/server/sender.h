#ifndef STET_SENDER_H
#define STET_SENDER_H

#include "../mail/settings.h"
#include "../send/settings.h"
#include "../support/err.h"

/*
 * The schedule of stet serve (mail.send_every minutes in stet.yaml): a
 * thread that runs a pass of stet send (see send.h) every so often, and
 * soon after each rebuild, so a site run only by stet serve --watch
 * mails a post when it appears.  It takes the same lease as stet send,
 * so the two never send at once.
 */
struct sender;

/*
 * base: the address links in messages start with (see forms_opts);
 * every mail.send_every minutes.  mail and send outlive the sender.
 */
int	sender_start(struct sender **, const char *dir, const char *base,
	    const struct mail_settings *mail, const struct send_settings *send,
	    void (*say)(void *, int is_error, const char *), void *arg,
	    struct err *);

/*
 * stet serve built the site in dir (written files changed): record what
 * it published, for the hold before mailing (send/hold.h); and, since
 * stet.yaml may have changed, when its mail: or notes: keys now differ
 * from running and send, the ones this server runs with, say so as an
 * error.  The mail threads (confirmations and posts) keep the settings
 * they started with until a restart: swapping a relay under messages in
 * flight is not worth the risk of sending one twice or from the wrong
 * address.
 */
void	sender_rebuilt(const char *dir, size_t written,
	    const struct mail_settings *running,
	    const struct send_settings *send,
	    void (*say)(void *, int is_error, const char *), void *arg);

/* A rebuild happened: look for new posts now. */
void	sender_kick(struct sender *);

/* Let the messages in flight finish, stop the thread and free it. */
void	sender_stop(struct sender *);

#endif
