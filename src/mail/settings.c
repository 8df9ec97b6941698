#include <string.h>

#include "../support/yamlval.h"
#include "settings.h"

void
mail_settings_defaults(struct mail_settings *c)
{
	memset(c, 0, sizeof(*c));
	c->transport = "maildir:mail";
	c->password_env = "STET_SMTP_PASSWORD";
	c->connections = 4;
	c->timeout = 60;
	c->max_failures = 3;
	c->stop_after = 5;
	c->hold = 10;
	bounce_settings_defaults(&c->bounces);
}

/*
 * A bare mail address as stet.yaml gives one: ASCII, one '@' with
 * something on each side and a dot after it, nothing that could end a
 * header or an SMTP command.
 */
static int
addr_ok(const char *s, size_t n)
{
	const char	*at;
	size_t		 i;

	if (n == 0 || n > 254 || (at = memchr(s, '@', n)) == NULL ||
	    at == s || memchr(at + 1, '@', n - (size_t)(at + 1 - s)) ||
	    memchr(at, '.', n - (size_t)(at - s)) == NULL || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>()[],;:\\\"", s[i]) != NULL)
			return 0;
	return 1;
}

static int
want_addr(const struct yval *v, const struct ynode *n, const char *what,
    const char **out)
{
	if (yval_scalar(v, n, what, out) == -1)
		return -1;
	if (!addr_ok(n->str, n->len))
		return err_set(v->err, v->file, n->line,
		    "%s: want a mail address such as posts@example.com",
		    what);
	return 0;
}

/* from: "Name <addr>" or "addr"; the name may be any UTF-8 but '<'. */
static int
mail_from(const struct yval *v, const struct ynode *n, struct mail_settings *c)
{
	const char	*s = NULL, *lt, *gt;
	char		*name, *addr;
	size_t		 nl;

	if (yval_scalar(v, n, "mail.from", &s) == -1)
		return -1;
	lt = strchr(s, '<');
	gt = strrchr(s, '>');
	if (lt == NULL && gt == NULL) {
		if (!addr_ok(s, n->len))
			goto bad;
		c->from = c->from_addr = s;
		c->from_name = NULL;
		return 0;
	}
	if (lt == NULL || gt == NULL || gt < lt || gt[1] != '\0' ||
	    !addr_ok(lt + 1, (size_t)(gt - lt - 1)) ||
	    strpbrk(s, "\r\n") != NULL)
		goto bad;
	for (nl = (size_t)(lt - s); nl > 0 && s[nl - 1] == ' '; nl--)
		;
	if ((addr = arena_strndup(v->arena, lt + 1,
	    (size_t)(gt - lt - 1))) == NULL ||
	    (name = arena_strndup(v->arena, s, nl)) == NULL)
		return err_set(v->err, v->file, 0, "out of memory");
	c->from = s;
	c->from_addr = addr;
	c->from_name = nl > 0 ? name : NULL;
	return 0;
bad:
	return err_set(v->err, v->file, n->line,
	    "mail.from: want \"Name <address>\" or an address");
}

/* dkim: { domain: D, selector: S, key: FILE }, all three. */
static int
mail_dkim(const struct yval *v, const struct ynode *n, struct mail_settings *c)
{
	const struct ynode *e;
	const char	*k;

	if (yval_map(v, n, "mail.dkim") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "domain") == 0) {
			if (yval_scalar(v, e, "mail.dkim.domain",
			    &c->dkim_domain) == -1)
				return -1;
		} else if (strcmp(k, "selector") == 0) {
			if (yval_scalar(v, e, "mail.dkim.selector",
			    &c->dkim_selector) == -1)
				return -1;
		} else if (strcmp(k, "key") == 0) {
			if (yval_scalar(v, e, "mail.dkim.key",
			    &c->dkim_key) == -1)
				return -1;
		} else
			return yval_unknown(v, e->key, "mail.dkim");
	}
	if (c->dkim_domain == NULL || c->dkim_selector == NULL ||
	    c->dkim_key == NULL)
		return err_set(v->err, v->file, n->line,
		    "mail.dkim: want domain, selector and key");
	return 0;
}

/*
 * mail: how the posts reach the readers.
 *
 *   from            "Name <address>": the sender of every message
 *   reply_to        where a reader's reply goes (default: from)
 *   transport       maildir:PATH, smtp://HOST:PORT, smtps://HOST:PORT or
 *                   sendmail (maildir:mail)
 *   envelope_from   the SMTP envelope sender, where bounces go
 *                   (default: from's address)
 *   username        SMTP AUTH user; the password is never in this file
 *   password_env    the environment variable holding the password
 *                   (STET_SMTP_PASSWORD)
 *   unsubscribe_mailto  an address for List-Unsubscribe's mailto:
 *   connections     SMTP connections at once (4)
 *   rate            messages a second at most, 0 for no limit (0)
 *   timeout         seconds for one message (60)
 *   max_failures    permanent failures before an address is marked as
 *                   bouncing and skipped (3)
 *   stop_after      messages in a row the relay fails (not a reader's
 *                   address: the relay itself, or the message) before a
 *                   run stops and leaves the rest for later (5)
 *   hold            minutes a published post waits before it is mailed,
 *                   from the first build that published it (10)
 *   send_every      minutes between stet serve's own runs of stet send;
 *                   0, the default, leaves sending to stet send
 *   dkim            { domain, selector, key }: sign with this key
 *   bounces         the mail that comes back: bounce_settings.c
 */
static int
mail(const struct yval *v, const struct ynode *n, struct mail_settings *c)
{
	const struct ynode *e;
	const char	*k, *t = NULL;
	int		 rc;

	if (yval_map(v, n, "mail") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "from") == 0)
			rc = mail_from(v, e, c);
		else if (strcmp(k, "reply_to") == 0)
			rc = want_addr(v, e, "mail.reply_to",
			    &c->reply_to);
		else if (strcmp(k, "envelope_from") == 0)
			rc = want_addr(v, e, "mail.envelope_from",
			    &c->envelope_from);
		else if (strcmp(k, "unsubscribe_mailto") == 0)
			rc = want_addr(v, e, "mail.unsubscribe_mailto",
			    &c->unsubscribe_mailto);
		else if (strcmp(k, "username") == 0)
			rc = yval_scalar(v, e, "mail.username",
			    &c->username);
		else if (strcmp(k, "password_env") == 0)
			rc = yval_scalar(v, e, "mail.password_env",
			    &c->password_env);
		else if (strcmp(k, "connections") == 0)
			rc = yval_count(v, e, "mail.connections", 1, 64,
			    &c->connections);
		else if (strcmp(k, "rate") == 0)
			rc = yval_count(v, e, "mail.rate", 0, 1000000,
			    &c->rate);
		else if (strcmp(k, "timeout") == 0)
			rc = yval_count(v, e, "mail.timeout", 1, 3600,
			    &c->timeout);
		else if (strcmp(k, "max_failures") == 0)
			rc = yval_count(v, e, "mail.max_failures", 1, 100,
			    &c->max_failures);
		else if (strcmp(k, "stop_after") == 0)
			rc = yval_count(v, e, "mail.stop_after", 1, 1000000,
			    &c->stop_after);
		else if (strcmp(k, "hold") == 0)
			rc = yval_count(v, e, "mail.hold", 0, 10080,
			    &c->hold);
		else if (strcmp(k, "send_every") == 0)
			rc = yval_count(v, e, "mail.send_every", 0, 10080,
			    &c->send_every);
		else if (strcmp(k, "dkim") == 0)
			rc = mail_dkim(v, e, c);
		else if (strcmp(k, "bounces") == 0)
			rc = bounce_settings_parse(v, e, &c->bounces);
		else if (strcmp(k, "transport") == 0) {
			if ((rc = yval_scalar(v, e, "mail.transport", &t)) ==
			    -1)
				return -1;
			if (strncmp(t, "maildir:", 8) != 0 &&
			    strncmp(t, "smtp://", 7) != 0 &&
			    strncmp(t, "smtps://", 8) != 0 &&
			    strcmp(t, "sendmail") != 0)
				return err_set(v->err, v->file, e->line,
				    "mail.transport: want maildir:PATH, "
				    "smtp://HOST:PORT, smtps://HOST:PORT or "
				    "sendmail");
			c->transport = t;
		} else
			rc = yval_unknown(v, e->key, "mail");
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
mail_settings_parse(struct arena *a, const char *file,
    const struct ynode *root, struct mail_settings *c, struct err *err)
{
	const struct yval v = { file, a, err };
	const struct ynode *n;

	mail_settings_defaults(c);
	if (root == NULL || (n = ynode_get(root, "mail")) == NULL)
		return 0;
	return mail(&v, n, c);
}
