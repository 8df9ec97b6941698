#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/esc.h"
#include "../support/fsutil.h"
#include "../support/hash.h"
#include "../support/text.h"
#include "config.h"

#define CONFIG_FILE	"stet.yaml"
#define CONFIG_MAX	(1024 * 1024)

struct cfgload {
	struct arena	*arena;
	struct err	*err;
};

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->title = "A stet site";
	c->author = "";
	c->description = "";
	c->url = "https://example.com/";
	c->base_path = "/";
	c->language = "en";
	c->timezone = "UTC";
	c->home_recent = 10;
	c->feed_entries = 20;
	c->mail_transport = "maildir:mail";
	c->mail_password_env = "STET_SMTP_PASSWORD";
	c->mail_connections = 4;
	c->mail_timeout = 60;
	c->mail_max_failures = 3;
	c->subscribe_per_minute = 10;
	c->subscribe_confirmations_per_hour = 200;
	c->server_listen = "127.0.0.1:8080";
	/* The bounds of stet serve: see server() below for each one's why. */
	c->server_max_connections = 4096;
	c->server_max_per_client = 64;
	c->server_header_timeout = 10;
	c->server_send_timeout = 60;
	c->server_max_request = 16384;
	c->server_max_body = 65536;
}

static int
want_scalar(struct cfgload *l, const struct ynode *n, const char *what,
    const char **out)
{
	if (n->kind != YNODE_SCALAR)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "%s: want a single value", what);
	*out = n->str;
	return 0;
}

static int
want_count(struct cfgload *l, const struct ynode *n, const char *what,
    size_t lo, size_t hi, size_t *out)
{
	char	*end;
	long	 v;

	if (n->kind != YNODE_SCALAR || n->len == 0)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "%s: want a number", what);
	errno = 0;
	v = strtol(n->str, &end, 10);
	if (errno != 0 || *end != '\0' || v < (long)lo || v > (long)hi)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "%s: want a number from %zu to %zu", what, lo, hi);
	*out = (size_t)v;
	return 0;
}

static int
unknown(struct cfgload *l, const struct ynode *key, const char *where)
{
	return err_set(l->err, CONFIG_FILE, key->line,
	    "unknown key %s%s%s", where, *where ? "." : "", key->str);
}

static int
want_map(struct cfgload *l, const struct ynode *n, const char *what)
{
	if (n->kind != YNODE_MAP)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "%s: want keys and values", what);
	return 0;
}

static int
want_url(struct cfgload *l, const struct ynode *n, const char *what,
    const char **out)
{
	if (want_scalar(l, n, what, out) == -1)
		return -1;
	if (!esc_url_scheme_ok(n->str, n->len) || n->len == 0 ||
	    strpbrk(n->str, " \t\r\n\"<>") != NULL)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "%s: want an http, https or mailto URL", what);
	return 0;
}

/* url: absolute http(s), ending in '/'; its path is the base path. */
static int
site_url(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const char	*s, *host, *path;
	size_t		 len;
	char		*u;

	if (want_url(l, n, "url", &s) == -1)
		return -1;
	if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return err_set(l->err, CONFIG_FILE, n->line,
		    "url: want http:// or https://");
	if (*host == '\0' || *host == '/' || strpbrk(s, "?#") != NULL)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "url: want https://host/ or https://host/path/");
	len = strlen(s);
	if ((u = arena_alloc(l->arena, len + 2)) == NULL)
		return err_set(l->err, CONFIG_FILE, 0, "out of memory");
	memcpy(u, s, len + 1);
	if (u[len - 1] != '/') {
		u[len] = '/';
		u[len + 1] = '\0';
	}
	c->url = u;
	path = strchr(u + (host - s), '/');
	c->base_path = path;
	return 0;
}

static int
timezone_ok(struct cfgload *l, const struct ynode *n, struct config *c)
{
	struct stat	 st;
	char		 path[512];
	size_t		 i;

	if (want_scalar(l, n, "timezone", &c->timezone) == -1)
		return -1;
	for (i = 0; i < n->len; i++) {
		char ch = n->str[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '/' || ch == '_' ||
		    ch == '-' || ch == '+'))
			break;
	}
	if (n->len == 0 || i != n->len || strstr(n->str, "..") != NULL ||
	    n->str[0] == '/' || n->len > 200)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "timezone: want a zone name like Europe/London");
	if (strcmp(n->str, "UTC") == 0)
		return 0;
	(void)snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", n->str);
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return err_set(l->err, CONFIG_FILE, n->line,
		    "timezone: no zone named %s on this system", n->str);
	return 0;
}

static int
home(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;

	if (want_map(l, n, "home") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		if (strcmp(e->key->str, "recent") == 0) {
			if (want_count(l, e, "home.recent", 0, 1000,
			    &c->home_recent) == -1)
				return -1;
		} else
			return unknown(l, e->key, "home");
	}
	return 0;
}

static int
links(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *item, *e;
	size_t	 k = 0;

	if (n->kind != YNODE_SEQ)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "links: want a list");
	for (item = n->child; item != NULL; item = item->next)
		k++;
	c->links = arena_alloc(l->arena, (k ? k : 1) * sizeof(*c->links));
	if (c->links == NULL)
		return err_set(l->err, CONFIG_FILE, 0, "out of memory");
	for (item = n->child; item != NULL; item = item->next) {
		struct link *lk = &c->links[c->nlinks++];

		memset(lk, 0, sizeof(*lk));
		if (want_map(l, item, "links") == -1)
			return -1;
		for (e = item->child; e != NULL; e = e->next) {
			if (strcmp(e->key->str, "name") == 0) {
				if (want_scalar(l, e, "links.name", &lk->name) == -1)
					return -1;
			} else if (strcmp(e->key->str, "url") == 0) {
				if (want_url(l, e, "links.url", &lk->url) == -1)
					return -1;
			} else if (strcmp(e->key->str, "note") == 0) {
				if (want_scalar(l, e, "links.note", &lk->note) == -1)
					return -1;
			} else
				return unknown(l, e->key, "links");
		}
		if (lk->name == NULL || *lk->name == '\0')
			return err_set(l->err, CONFIG_FILE, item->line,
			    "links: each link needs a name");
	}
	return 0;
}

/*
 * The topics' slugs so far, to refuse one listed twice: a table (open
 * addressing, at most half full) of topic index + 1, since a search of
 * every earlier topic took 11 s for the 50,000 a 1 MB stet.yaml can list.
 */
static size_t
slug_slot(const size_t *tab, size_t cap, const struct topic *t,
    const char *slug)
{
	size_t	 h = hash_str(HASH_INIT, slug) & (cap - 1);

	while (tab[h] != 0 && strcmp(t[tab[h] - 1].slug, slug) != 0)
		h = (h + 1) & (cap - 1);
	return h;
}

static int
topics(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *item, *e;
	struct buf	 slug;
	size_t		 k = 0, h, cap, *tab;

	if (n->kind != YNODE_SEQ)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "topics: want a list");
	for (item = n->child; item != NULL; item = item->next)
		k++;
	for (cap = 16; cap < k * 2; cap *= 2)
		;
	c->topics = arena_alloc(l->arena, (k ? k : 1) * sizeof(*c->topics));
	tab = arena_alloc(l->arena, cap * sizeof(*tab));
	if (c->topics == NULL || tab == NULL)
		return err_set(l->err, CONFIG_FILE, 0, "out of memory");
	memset(tab, 0, cap * sizeof(*tab));
	buf_init(&slug, 0);
	for (item = n->child; item != NULL; item = item->next) {
		struct topic *t = &c->topics[c->ntopics];

		memset(t, 0, sizeof(*t));
		if (want_map(l, item, "topics") == -1)
			goto fail;
		for (e = item->child; e != NULL; e = e->next) {
			if (strcmp(e->key->str, "tag") == 0) {
				if (want_scalar(l, e, "topics.tag", &t->tag) == -1)
					goto fail;
			} else if (strcmp(e->key->str, "title") == 0) {
				if (want_scalar(l, e, "topics.title", &t->title) == -1)
					goto fail;
			} else if (strcmp(e->key->str, "about") == 0) {
				if (want_scalar(l, e, "topics.about", &t->about) == -1)
					goto fail;
			} else {
				unknown(l, e->key, "topics");
				goto fail;
			}
		}
		buf_reset(&slug);
		if (t->tag == NULL || text_slug(&slug, t->tag,
		    strlen(t->tag)) == -1 || slug.len == 0) {
			err_set(l->err, CONFIG_FILE, item->line,
			    "topics: each topic needs a tag with a letter or "
			    "digit");
			goto fail;
		}
		h = slug_slot(tab, cap, c->topics, slug.data);
		if (tab[h] != 0) {
			err_set(l->err, CONFIG_FILE, item->line,
			    "topics: %s is listed twice", t->tag);
			goto fail;
		}
		if ((t->slug = arena_strdup(l->arena, slug.data)) == NULL) {
			err_set(l->err, CONFIG_FILE, 0, "out of memory");
			goto fail;
		}
		tab[h] = c->ntopics + 1;
		if (t->title == NULL)
			t->title = t->tag;
		t->declared = 1;
		t->first_file = CONFIG_FILE;
		c->ntopics++;
	}
	buf_free(&slug);
	return 0;
fail:
	buf_free(&slug);
	return -1;
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
want_addr(struct cfgload *l, const struct ynode *n, const char *what,
    const char **out)
{
	if (want_scalar(l, n, what, out) == -1)
		return -1;
	if (!addr_ok(n->str, n->len))
		return err_set(l->err, CONFIG_FILE, n->line,
		    "%s: want a mail address such as posts@example.com",
		    what);
	return 0;
}

/* from: "Name <addr>" or "addr"; the name may be any UTF-8 but '<'. */
static int
mail_from(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const char	*s = NULL, *lt, *gt;
	char		*name, *addr;
	size_t		 nl;

	if (want_scalar(l, n, "mail.from", &s) == -1)
		return -1;
	lt = strchr(s, '<');
	gt = strrchr(s, '>');
	if (lt == NULL && gt == NULL) {
		if (!addr_ok(s, n->len))
			goto bad;
		c->mail_from = c->mail_from_addr = s;
		c->mail_from_name = NULL;
		return 0;
	}
	if (lt == NULL || gt == NULL || gt < lt || gt[1] != '\0' ||
	    !addr_ok(lt + 1, (size_t)(gt - lt - 1)) ||
	    strpbrk(s, "\r\n") != NULL)
		goto bad;
	for (nl = (size_t)(lt - s); nl > 0 && s[nl - 1] == ' '; nl--)
		;
	if ((addr = arena_strndup(l->arena, lt + 1,
	    (size_t)(gt - lt - 1))) == NULL ||
	    (name = arena_strndup(l->arena, s, nl)) == NULL)
		return err_set(l->err, CONFIG_FILE, 0, "out of memory");
	c->mail_from = s;
	c->mail_from_addr = addr;
	c->mail_from_name = nl > 0 ? name : NULL;
	return 0;
bad:
	return err_set(l->err, CONFIG_FILE, n->line,
	    "mail.from: want \"Name <address>\" or an address");
}

/* dkim: { domain: D, selector: S, key: FILE }, all three. */
static int
mail_dkim(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;
	const char	*k;

	if (want_map(l, n, "mail.dkim") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "domain") == 0) {
			if (want_scalar(l, e, "mail.dkim.domain",
			    &c->mail_dkim_domain) == -1)
				return -1;
		} else if (strcmp(k, "selector") == 0) {
			if (want_scalar(l, e, "mail.dkim.selector",
			    &c->mail_dkim_selector) == -1)
				return -1;
		} else if (strcmp(k, "key") == 0) {
			if (want_scalar(l, e, "mail.dkim.key",
			    &c->mail_dkim_key) == -1)
				return -1;
		} else
			return unknown(l, e->key, "mail.dkim");
	}
	if (c->mail_dkim_domain == NULL || c->mail_dkim_selector == NULL ||
	    c->mail_dkim_key == NULL)
		return err_set(l->err, CONFIG_FILE, n->line,
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
 *   send_every      minutes between stet serve's own runs of stet send;
 *                   0, the default, leaves sending to stet send
 *   dkim            { domain, selector, key }: sign with this key
 */
static int
mail(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;
	const char	*k, *t = NULL;
	int		 rc;

	if (want_map(l, n, "mail") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "from") == 0)
			rc = mail_from(l, e, c);
		else if (strcmp(k, "reply_to") == 0)
			rc = want_addr(l, e, "mail.reply_to",
			    &c->mail_reply_to);
		else if (strcmp(k, "envelope_from") == 0)
			rc = want_addr(l, e, "mail.envelope_from",
			    &c->mail_envelope_from);
		else if (strcmp(k, "unsubscribe_mailto") == 0)
			rc = want_addr(l, e, "mail.unsubscribe_mailto",
			    &c->mail_unsubscribe_mailto);
		else if (strcmp(k, "username") == 0)
			rc = want_scalar(l, e, "mail.username",
			    &c->mail_username);
		else if (strcmp(k, "password_env") == 0)
			rc = want_scalar(l, e, "mail.password_env",
			    &c->mail_password_env);
		else if (strcmp(k, "connections") == 0)
			rc = want_count(l, e, "mail.connections", 1, 64,
			    &c->mail_connections);
		else if (strcmp(k, "rate") == 0)
			rc = want_count(l, e, "mail.rate", 0, 1000000,
			    &c->mail_rate);
		else if (strcmp(k, "timeout") == 0)
			rc = want_count(l, e, "mail.timeout", 1, 3600,
			    &c->mail_timeout);
		else if (strcmp(k, "max_failures") == 0)
			rc = want_count(l, e, "mail.max_failures", 1, 100,
			    &c->mail_max_failures);
		else if (strcmp(k, "send_every") == 0)
			rc = want_count(l, e, "mail.send_every", 0, 10080,
			    &c->mail_send_every);
		else if (strcmp(k, "dkim") == 0)
			rc = mail_dkim(l, e, c);
		else if (strcmp(k, "transport") == 0) {
			if ((rc = want_scalar(l, e, "mail.transport", &t)) ==
			    -1)
				return -1;
			if (strncmp(t, "maildir:", 8) != 0 &&
			    strncmp(t, "smtp://", 7) != 0 &&
			    strncmp(t, "smtps://", 8) != 0 &&
			    strcmp(t, "sendmail") != 0)
				return err_set(l->err, CONFIG_FILE, e->line,
				    "mail.transport: want maildir:PATH, "
				    "smtp://HOST:PORT, smtps://HOST:PORT or "
				    "sendmail");
			c->mail_transport = t;
		} else
			rc = unknown(l, e->key, "mail");
		if (rc == -1)
			return -1;
	}
	return 0;
}

/*
 * subscribe: the form and its bounds.
 *
 *   action                  where the form posts (default: the site's
 *                           own /subscribe, answered by stet serve)
 *   per_minute              form posts from one client address in a
 *                           minute (10); kept in memory only
 *   confirmations_per_hour  confirmation messages in all in an hour
 *                           (200), so the form cannot be made to mail
 *                           strangers in bulk
 */
static int
subscribe(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;
	const char	*k;
	int		 rc;

	if (want_map(l, n, "subscribe") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "action") == 0)
			rc = want_url(l, e, "subscribe.action",
			    &c->subscribe_action);
		else if (strcmp(k, "per_minute") == 0)
			rc = want_count(l, e, "subscribe.per_minute", 1,
			    1000000, &c->subscribe_per_minute);
		else if (strcmp(k, "confirmations_per_hour") == 0)
			rc = want_count(l, e,
			    "subscribe.confirmations_per_hour", 1, 1000000,
			    &c->subscribe_confirmations_per_hour);
		else
			rc = unknown(l, e->key, "subscribe");
		if (rc == -1)
			return -1;
	}
	return 0;
}

/*
 * ADDR:PORT, where ADDR is an IPv4 address, an IPv6 one in brackets or a
 * host name, and PORT is 0 (any free port) to 65535.
 */
static int
want_listen(struct cfgload *l, const struct ynode *n, const char *what,
    const char **out)
{
	unsigned char	 a[16];
	const char	*s = NULL, *colon, *p;
	char		 host[256];
	size_t		 hlen;
	long		 port = 0;

	if (want_scalar(l, n, what, &s) == -1)
		return -1;
	if ((colon = strrchr(s, ':')) == NULL || colon == s ||
	    colon[1] == '\0' || strlen(colon + 1) > 5)
		goto bad;
	for (p = colon + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		port = port * 10 + (*p - '0');
	}
	if (port > 65535)
		goto bad;
	hlen = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hlen < 3 || s[hlen - 1] != ']' || hlen - 2 >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, hlen - 2);
		host[hlen - 2] = '\0';
		if (inet_pton(AF_INET6, host, a) != 1)
			goto bad;
	} else {
		if (hlen >= sizeof(host))
			goto bad;
		for (p = s; p < colon; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '.' || *p == '-'))
				goto bad;
	}
	*out = s;
	return 0;
bad:
	return err_set(l->err, CONFIG_FILE, n->line,
	    "%s: want ADDRESS:PORT, like 127.0.0.1:8080 or [::1]:8080", what);
}

/* An IPv4 or IPv6 address, with an optional /prefix length. */
static int
want_cidr(struct cfgload *l, const struct ynode *n, const char *what)
{
	unsigned char	 a[16];
	char		 addr[64], *end;
	const char	*slash;
	size_t		 alen;
	long		 bits = -1;
	int		 af;

	if (n->kind != YNODE_SCALAR)
		goto bad;
	slash = strchr(n->str, '/');
	alen = slash != NULL ? (size_t)(slash - n->str) : n->len;
	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, n->str, alen);
	addr[alen] = '\0';
	af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, addr, a) != 1)
		goto bad;
	if (slash != NULL) {
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || errno != 0 ||
		    bits < 0 || bits > (af == AF_INET ? 32 : 128))
			goto bad;
	}
	return 0;
bad:
	return err_set(l->err, CONFIG_FILE, n->line,
	    "%s: want an IP address or a network like 10.0.0.0/8", what);
}

/* server.tls: all three keys or none. */
static int
server_tls(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;

	if (want_map(l, n, "server.tls") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		if (strcmp(e->key->str, "listen") == 0) {
			if (want_listen(l, e, "server.tls.listen",
			    &c->server_tls_listen) == -1)
				return -1;
		} else if (strcmp(e->key->str, "cert") == 0) {
			if (want_scalar(l, e, "server.tls.cert",
			    &c->server_tls_cert) == -1)
				return -1;
		} else if (strcmp(e->key->str, "key") == 0) {
			if (want_scalar(l, e, "server.tls.key",
			    &c->server_tls_key) == -1)
				return -1;
		} else
			return unknown(l, e->key, "server.tls");
	}
	if (c->server_tls_listen == NULL || c->server_tls_cert == NULL ||
	    c->server_tls_key == NULL || *c->server_tls_cert == '\0' ||
	    *c->server_tls_key == '\0')
		return err_set(l->err, CONFIG_FILE, n->line,
		    "server.tls: want listen, cert and key");
	return 0;
}

static int
server_proxies(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *item;
	size_t	 k = 0;

	if (n->kind != YNODE_SEQ)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "server.trusted_proxies: want a list");
	for (item = n->child; item != NULL; item = item->next)
		k++;
	c->server_trusted_proxies = arena_alloc(l->arena,
	    (k ? k : 1) * sizeof(*c->server_trusted_proxies));
	if (c->server_trusted_proxies == NULL)
		return err_set(l->err, CONFIG_FILE, 0, "out of memory");
	c->server_ntrusted_proxies = 0;
	for (item = n->child; item != NULL; item = item->next) {
		if (want_cidr(l, item, "server.trusted_proxies") == -1)
			return -1;
		c->server_trusted_proxies[c->server_ntrusted_proxies++] =
		    item->str;
	}
	return 0;
}

/*
 * server: what stet serve listens on and the bounds that keep one
 * client, or many, from exhausting it.  The defaults suit a small
 * machine facing the internet directly.
 *
 *   listen           ADDR:PORT for plain HTTP (127.0.0.1:8080).  With tls,
 *                    this port only redirects to HTTPS.
 *   tls              { listen: ADDR:PORT, cert: FILE, key: FILE }: serve
 *                    HTTPS (TLS 1.2 and 1.3, HTTP/2) itself.  FILE paths
 *                    are relative to the site folder; cert is a PEM
 *                    chain, key its PEM private key.
 *   trusted_proxies  addresses (or networks) of proxies in front of stet.
 *                    Only a connection from one of them may name the
 *                    client in X-Forwarded-For; from anyone else the
 *                    header is ignored, since a client could write any
 *                    address there to slip past max_per_client.
 *   max_connections  open connections in all (4096).  Past it a new one
 *                    gets 503; past a quarter more it is closed at once.
 *                    stet raises its open-file limit to fit.
 *   max_per_client   connections from one address, IPv6 by /64 (64),
 *                    so one client cannot take them all.  Past it, 429.
 *                    Browsers open at most 6 per host.
 *   header_timeout   seconds to receive a whole request line and headers
 *                    (and to finish a TLS handshake, and to keep an idle
 *                    connection open) (10).  What holds a slow client to
 *                    the clock, however slowly it trickles bytes.
 *   send_timeout     seconds a response may sit unread before the
 *                    connection is dropped (60).
 *   max_request      bytes of request line and headers (16384): past it,
 *                    431.  Browsers send well under 8 KB.
 *   max_body         bytes of request body (65536): past it, 413.  Only
 *                    the subscription forms take a body, and a few
 *                    hundred bytes.
 */
static int
server(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;
	const char	*k;
	int		 rc;

	if (want_map(l, n, "server") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "listen") == 0)
			rc = want_listen(l, e, "server.listen",
			    &c->server_listen);
		else if (strcmp(k, "tls") == 0)
			rc = server_tls(l, e, c);
		else if (strcmp(k, "trusted_proxies") == 0)
			rc = server_proxies(l, e, c);
		else if (strcmp(k, "max_connections") == 0)
			rc = want_count(l, e, "server.max_connections", 1,
			    1000000, &c->server_max_connections);
		else if (strcmp(k, "max_per_client") == 0)
			rc = want_count(l, e, "server.max_per_client", 1,
			    1000000, &c->server_max_per_client);
		else if (strcmp(k, "header_timeout") == 0)
			rc = want_count(l, e, "server.header_timeout", 1,
			    3600, &c->server_header_timeout);
		else if (strcmp(k, "send_timeout") == 0)
			rc = want_count(l, e, "server.send_timeout", 1,
			    3600, &c->server_send_timeout);
		else if (strcmp(k, "max_request") == 0)
			/* h2o itself refuses a header block past 400 KiB. */
			rc = want_count(l, e, "server.max_request", 1024,
			    262144, &c->server_max_request);
		else if (strcmp(k, "max_body") == 0)
			rc = want_count(l, e, "server.max_body", 0,
			    64 * 1024 * 1024, &c->server_max_body);
		else
			rc = unknown(l, e->key, "server");
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int
feeds(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;

	if (want_map(l, n, "feeds") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		if (strcmp(e->key->str, "entries") != 0)
			return unknown(l, e->key, "feeds");
		if (e->kind == YNODE_SCALAR && strcmp(e->str, "all") == 0)
			c->feed_entries = 0;
		else if (want_count(l, e, "feeds.entries", 1, 100000,
		    &c->feed_entries) == -1)
			return -1;
	}
	return 0;
}

/* notes: { email: true } mails notes to subscribers too. */
static int
notes(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;
	const char	*v = NULL;

	if (want_map(l, n, "notes") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		if (strcmp(e->key->str, "email") != 0)
			return unknown(l, e->key, "notes");
		if (want_scalar(l, e, "notes.email", &v) == -1)
			return -1;
		if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
			c->notes_email = 1;
		else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
			c->notes_email = 0;
		else
			return err_set(l->err, CONFIG_FILE, e->line,
			    "notes.email: want true or false");
	}
	return 0;
}

static int
language_ok(struct cfgload *l, const struct ynode *n, struct config *c)
{
	size_t	 i;

	if (want_scalar(l, n, "language", &c->language) == -1)
		return -1;
	for (i = 0; i < n->len; i++) {
		char ch = n->str[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-'))
			break;
	}
	if (n->len == 0 || n->len > 35 || i != n->len)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "language: want a language tag like en or pt-BR");
	return 0;
}

int
config_load(struct arena *a, int dirfd, struct config *c, struct err *err)
{
	struct cfgload	 l = { a, err };
	struct ynode	*root, *e;
	struct buf	 src;
	const char	*why, *k;
	size_t		 line;
	int		 rc;

	config_defaults(c);
	buf_init(&src, 0);
	rc = fs_read_at(dirfd, CONFIG_FILE, CONFIG_MAX, &src, 1, err);
	if (rc == 1)
		return 0;
	if (rc == -1)
		goto out;
	rc = -1;
	if (text_check_utf8(src.data, src.len, &line, &why) == -1) {
		err_set(err, CONFIG_FILE, line, "%s", why);
		goto out;
	}
	if (yaml_load(a, src.data, src.len, CONFIG_FILE, 1, &root, err) == -1)
		goto out;
	if (root->kind != YNODE_MAP) {
		err_set(err, CONFIG_FILE, root->line, "want keys and values");
		goto out;
	}
	c->file = CONFIG_FILE;
	for (e = root->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "title") == 0)
			rc = want_scalar(&l, e, k, &c->title);
		else if (strcmp(k, "author") == 0)
			rc = want_scalar(&l, e, k, &c->author);
		else if (strcmp(k, "description") == 0)
			rc = want_scalar(&l, e, k, &c->description);
		else if (strcmp(k, "url") == 0)
			rc = site_url(&l, e, c);
		else if (strcmp(k, "language") == 0)
			rc = language_ok(&l, e, c);
		else if (strcmp(k, "timezone") == 0)
			rc = timezone_ok(&l, e, c);
		else if (strcmp(k, "home") == 0)
			rc = home(&l, e, c);
		else if (strcmp(k, "links") == 0)
			rc = links(&l, e, c);
		else if (strcmp(k, "topics") == 0)
			rc = topics(&l, e, c);
		else if (strcmp(k, "mail") == 0)
			rc = mail(&l, e, c);
		else if (strcmp(k, "server") == 0)
			rc = server(&l, e, c);
		else if (strcmp(k, "subscribe") == 0)
			rc = subscribe(&l, e, c);
		else if (strcmp(k, "feeds") == 0)
			rc = feeds(&l, e, c);
		else if (strcmp(k, "notes") == 0)
			rc = notes(&l, e, c);
		else
			rc = unknown(&l, e->key, "");
		if (rc == -1)
			goto out;
	}
	rc = 0;
out:
	buf_free(&src);
	return rc;
}
