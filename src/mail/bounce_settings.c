#include <string.h>

#include "bounce_settings.h"

void
bounce_settings_defaults(struct bounce_settings *b)
{
	memset(b, 0, sizeof(*b));
	b->password_env = "STET_IMAP_PASSWORD";
	b->soft_limit = 3;
	b->soft_days = 14;
	b->max_messages = 500;
	b->webhook_secret_env = "STET_WEBHOOK_SECRET";
}

/*
 * mail.bounces: the mail that comes back to envelope_from.
 *
 *   mailbox         maildir:PATH (relative to the site folder) or
 *                   imaps://HOST[:PORT]/FOLDER (imap:// only to a
 *                   loopback address): where stet bounces reads it
 *   username        the IMAP login
 *   password_env    the environment variable holding its password
 *                   (STET_IMAP_PASSWORD)
 *   soft_limit      soft bounces (4.x.x: a full mailbox, a server
 *                   down) ...
 *   soft_days       ... within this many days before an address is
 *                   marked as bouncing (3 within 14); a hard bounce
 *                   (5.x.x) marks it at once, a complaint unsubscribes
 *   max_messages    messages read in one run at most (500)
 *   webhook_secret_env  the environment variable holding the secret of
 *                   Postmark's webhook URL on stet serve
 *                   (STET_WEBHOOK_SECRET); unset: no webhook
 */
int
bounce_settings_parse(const struct yval *v, const struct ynode *n,
    struct bounce_settings *b)
{
	const struct ynode *e;
	const char	*k, *s;
	int		 rc;

	if (yval_map(v, n, "mail.bounces") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "mailbox") == 0) {
			if ((rc = yval_scalar(v, e, "mail.bounces.mailbox",
			    &s)) == -1)
				return -1;
			if (strncmp(s, "maildir:", 8) != 0 &&
			    strncmp(s, "imap://", 7) != 0 &&
			    strncmp(s, "imaps://", 8) != 0)
				return err_set(v->err, v->file, e->line,
				    "mail.bounces.mailbox: want maildir:PATH "
				    "or imaps://HOST/FOLDER");
			b->mailbox = s;
		} else if (strcmp(k, "username") == 0)
			rc = yval_scalar(v, e, "mail.bounces.username",
			    &b->username);
		else if (strcmp(k, "password_env") == 0)
			rc = yval_scalar(v, e, "mail.bounces.password_env",
			    &b->password_env);
		else if (strcmp(k, "soft_limit") == 0)
			rc = yval_count(v, e, "mail.bounces.soft_limit", 1,
			    100, &b->soft_limit);
		else if (strcmp(k, "soft_days") == 0)
			rc = yval_count(v, e, "mail.bounces.soft_days", 1,
			    365, &b->soft_days);
		else if (strcmp(k, "max_messages") == 0)
			rc = yval_count(v, e, "mail.bounces.max_messages", 1,
			    100000, &b->max_messages);
		else if (strcmp(k, "webhook_secret_env") == 0)
			rc = yval_scalar(v, e,
			    "mail.bounces.webhook_secret_env",
			    &b->webhook_secret_env);
		else
			rc = yval_unknown(v, e->key, "mail.bounces");
		if (rc == -1)
			return -1;
	}
	return 0;
}
