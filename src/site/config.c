#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/esc.h"
#include "../support/fsutil.h"
#include "../support/hash.h"
#include "../support/text.h"
#include "../support/yamlval.h"
#include "../support/zone.h"
#include "config.h"

#define CONFIG_FILE	"stet.yaml"
#define CONFIG_MAX	(1024 * 1024)

struct cfgload {
	struct arena	*arena;
	struct err	*err;
	struct yval	 v;	/* the same, for support/yamlval.h */
};

/*
 * The keys of stet.yaml that the layers above the site read for
 * themselves, from cfg->tree: server: and subscribe's bounds
 * (server/settings.c), mail: (mail/settings.c), notes: (send/settings.c).
 * None is parsed here.  They are named so that a misspelt key is
 * reported by every command, stet build included, which reads stet.yaml
 * through the site alone.
 */
static const char *const top_elsewhere[] = { "mail", "notes", "server",
    "redirects", NULL };
static const char *const subscribe_elsewhere[] = { "per_minute",
    "confirmations_per_hour", "origins", NULL };

static int
elsewhere(const char *const *keys, const char *k)
{
	for (; *keys != NULL; keys++)
		if (strcmp(*keys, k) == 0)
			return 1;
	return 0;
}

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
	c->toc_headings = 6;
}

static int
want_scalar(struct cfgload *l, const struct ynode *n, const char *what,
    const char **out)
{
	return yval_scalar(&l->v, n, what, out);
}

static int
want_count(struct cfgload *l, const struct ynode *n, const char *what,
    size_t lo, size_t hi, size_t *out)
{
	return yval_count(&l->v, n, what, lo, hi, out);
}

static int
unknown(struct cfgload *l, const struct ynode *key, const char *where)
{
	return yval_unknown(&l->v, key, where);
}

static int
want_map(struct cfgload *l, const struct ynode *n, const char *what)
{
	return yval_map(&l->v, n, what);
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
	struct zone	*z;
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
	if ((z = zone_open(n->str)) == NULL)
		return err_set(l->err, CONFIG_FILE, n->line,
		    "timezone: no zone named %s on this system", n->str);
	zone_free(z);
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
		if (t->tag == NULL || text_tag_slug(&slug, t->tag,
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

/*
 * images: { remote: link } (the default) makes each image from another
 * host a link to it, so that no page makes a reader's browser ask
 * another host for anything; remote: allow keeps them as images.
 * avif: true adds AVIF copies of large images to the WebP ones (AVIF
 * is smaller, but slow to encode).
 */
static int
images(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;
	const char	*v = NULL;

	if (want_map(l, n, "images") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		if (strcmp(e->key->str, "avif") == 0) {
			if (want_scalar(l, e, "images.avif", &v) == -1)
				return -1;
			if (strcmp(v, "true") == 0)
				c->images_avif = 1;
			else if (strcmp(v, "false") == 0)
				c->images_avif = 0;
			else
				return err_set(l->err, CONFIG_FILE, e->line,
				    "images.avif: want true or false");
			continue;
		}
		if (strcmp(e->key->str, "remote") != 0)
			return unknown(l, e->key, "images");
		if (want_scalar(l, e, "images.remote", &v) == -1)
			return -1;
		if (strcmp(v, "link") == 0)
			c->images_remote_allow = 0;
		else if (strcmp(v, "allow") == 0)
			c->images_remote_allow = 1;
		else
			return err_set(l->err, CONFIG_FILE, e->line,
			    "images.remote: want link or allow");
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

/*
 * subscribe: the form.  The site's key is action, where the form posts
 * (default: the site's own /subscribe, answered by stet serve); the
 * others bound how stet serve answers it, and are the server's.
 */
static int
subscribe(struct cfgload *l, const struct ynode *n, struct config *c)
{
	const struct ynode *e;
	const char	*k;

	if (want_map(l, n, "subscribe") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		k = e->key->str;
		if (strcmp(k, "action") == 0) {
			if (want_url(l, e, "subscribe.action",
			    &c->subscribe_action) == -1)
				return -1;
		} else if (!elsewhere(subscribe_elsewhere, k))
			return unknown(l, e->key, "subscribe");
	}
	return 0;
}

int
config_load(struct arena *a, int dirfd, struct config *c, struct err *err)
{
	struct buf	 src;
	int		 rc;

	config_defaults(c);
	buf_init(&src, 0);
	rc = fs_read_at(dirfd, CONFIG_FILE, CONFIG_MAX, &src, 1, err);
	if (rc == 1)
		rc = 0;
	else if (rc == 0)
		rc = config_parse(a, src.data, src.len, c, err);
	buf_free(&src);
	return rc;
}

int
config_parse(struct arena *a, const char *src, size_t len, struct config *c,
    struct err *err)
{
	struct cfgload	 l = { a, err, { CONFIG_FILE, a, err } };
	struct ynode	*root, *e;
	const char	*why, *k;
	size_t		 line;
	int		 rc;

	config_defaults(c);
	if (text_check_utf8(src, len, &line, &why) == -1)
		return err_set(err, CONFIG_FILE, line, "%s", why);
	if (yaml_load(a, src, len, CONFIG_FILE, 1, &root, err) == -1)
		return -1;
	if (root->kind != YNODE_MAP)
		return err_set(err, CONFIG_FILE, root->line,
		    "want keys and values");
	c->file = CONFIG_FILE;
	c->tree = root;
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
		else if (strcmp(k, "toc_headings") == 0)
			rc = want_count(&l, e, k, 0, 1000, &c->toc_headings);
		else if (strcmp(k, "links") == 0)
			rc = links(&l, e, c);
		else if (strcmp(k, "topics") == 0)
			rc = topics(&l, e, c);
		else if (strcmp(k, "subscribe") == 0)
			rc = subscribe(&l, e, c);
		else if (strcmp(k, "feeds") == 0)
			rc = feeds(&l, e, c);
		else if (strcmp(k, "images") == 0)
			rc = images(&l, e, c);
		else if (elsewhere(top_elsewhere, k))
			rc = 0;
		else
			rc = unknown(&l, e->key, "");
		if (rc == -1)
			return -1;
	}
	return 0;
}
