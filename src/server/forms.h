#ifndef STET_FORMS_H
#define STET_FORMS_H

#include <pthread.h>
#include <stddef.h>

#include <h2o.h>

#include "../mail/settings.h"
#include "../send/outbox.h"
#include "../store/store.h"
#include "../support/err.h"
#include "formq.h"
#include "limits.h"
#include "settings.h"

/*
 * The subscription forms of stet serve:
 *
 *   GET  /subscribe             the form on a page of its own
 *   POST /subscribe             email (and the honeypot, website): the
 *                               same answer whatever the address's
 *                               state; a confirmation is queued when due
 *   GET  /subscribe/confirm?t=  a page with one button ...
 *   POST /subscribe/confirm     ... whose t confirms
 *   GET  /unsubscribe?t=        a page with one button ...
 *   POST /unsubscribe           ... whose t (in the body or the query)
 *                               unsubscribes; so does RFC 8058's
 *                               List-Unsubscribe=One-Click
 *
 * A GET never changes anything, so a mail scanner fetching every link
 * cannot subscribe or unsubscribe anyone.  Every answer is the site's
 * "form" page (see render.h) with its title and content filled in,
 * needs no script and sets no cookie.
 *
 * A POST from another site's page (by Origin or Sec-Fetch-Site) gets
 * 403.  POST /subscribe is bounded per network (/24, /64) a minute, in
 * memory only; per mailbox (store_mailbox) to one confirmation a day,
 * and in all to confirmations_per_hour, in the database, whose last
 * quarter only networks sent none in the last hour may use.
 *
 * Every POST runs on the form queue's worker (formq.h), the only thread
 * that uses the forms' store connection; a GET never touches the store
 * and is answered on the loop.  opts.store may be NULL (stet.db could
 * not be opened): then every POST is answered 503, and forms_open says
 * so on stderr; it also says when the store is read-only.
 */
struct forms_opts {
	/* All of these outlive the forms. */
	const char	*title;		/* the site's: pages and mail */
	const char	*url;		/* the site's, ending in '/' */
	const char	*base_path;	/* url's path */
	const struct server_settings *settings;	/* subscribe's bounds */
	const struct mail_settings *mail;	/* the sender */
	int		 sitefd;
	struct store	*store;		/* the forms' own, for the queue's
					   worker; or NULL */
	pthread_mutex_t	*lock;		/* held around its use */
	struct outbox	*outbox;
	const char	*link_base;	/* absolute, ends in '/': mail links */
	struct dkim_signer *signer;	/* mail.dkim, or NULL; under lock */
};

struct forms;
struct dkim_signer;

int	forms_open(struct forms **, const struct forms_opts *, struct err *);
void	forms_close(struct forms *);

/* Read the form page again, after a build. */
void	forms_reload(struct forms *);

/*
 * Answer req when path (decoded, from the site's root) is one of the
 * form routes above: 1 when answered (or handed to the queue through
 * port, the loop's, which answers it), 0 when it is not one of ours.
 */
int	forms_answer(struct forms *, struct formq_port *port, h2o_req_t *,
	    const char *path, size_t len, const struct addr *client);

#endif
