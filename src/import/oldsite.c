#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../site/toml.h"
#include "../support/buf.h"
#include "../support/fsutil.h"
#include "oldsite.h"

#define CONFIG_MAX	(4 * 1024 * 1024)

/* Hugo's configuration files, in the order Hugo looks for them. */
static const char *const hugo_configs[] = { "hugo.toml", "hugo.yaml",
    "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
    "config.json", "config/_default/hugo.toml",
    "config/_default/config.toml", "config/_default/hugo.yaml",
    "config/_default/config.yaml", "config/_default/config.yml", NULL };

static int
exists(int dirfd, const char *path, int dir)
{
	struct stat	 st;

	if (fstatat(dirfd, path, &st, 0) == -1)
		return 0;
	return dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

static int
ends_with(const char *s, const char *end)
{
	size_t	 n = strlen(s), e = strlen(end);

	return n >= e && strcmp(s + n - e, end) == 0;
}

const struct ynode *
oldsite_get(const struct ynode *map, const char *key)
{
	const struct ynode *e, *found = NULL;

	if (map == NULL || map->kind != YNODE_MAP)
		return NULL;
	/* The last one wins, as in Jekyll and Hugo; Hugo ignores case. */
	for (e = map->child; e != NULL; e = e->next)
		if (strcasecmp(e->key->str, key) == 0)
			found = e;
	return found;
}

const char *
oldsite_str(const struct ynode *map, const char *key)
{
	const struct ynode *n = oldsite_get(map, key);

	return n != NULL && n->kind == YNODE_SCALAR ? n->str : NULL;
}

int
oldsite_bool(const struct ynode *map, const char *key)
{
	const char	*v = oldsite_str(map, key);

	return v != NULL && (strcasecmp(v, "true") == 0 ||
	    strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0);
}

static int
load_config(struct arena *a, int dirfd, const char *file, struct ynode **root,
    struct err *err)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b, 0);
	if (fs_read_at(dirfd, file, CONFIG_MAX, &b, 0, err) == -1) {
		buf_free(&b);
		return -1;
	}
	if (ends_with(file, ".toml"))
		rc = toml_front_load(a, b.data, b.len, file, 1, root, err);
	else
		rc = yaml_load_dups(a, b.data, b.len, file, 1, root, err);
	buf_free(&b);
	if (rc == 0 && (*root)->kind != YNODE_MAP)
		return err_set(err, file, 1, "want keys and values");
	return rc;
}

/* url's host and path: "https://h/x" -> host "h", path "/x/". */
static int
split_url(struct arena *a, struct oldsite *o, const char *url)
{
	const char	*h, *slash;
	size_t		 n;
	char		*u;

	if (url == NULL || *url == '\0')
		return 0;
	if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else if (strncmp(url, "//", 2) == 0)
		h = url + 2;
	else
		return 0;
	slash = strchr(h, '/');
	n = slash ? (size_t)(slash - h) : strlen(h);
	if (n == 0 || (o->host = arena_strndup(a, h, n)) == NULL)
		return n == 0 ? 0 : -1;
	n = strlen(url);
	if ((u = arena_alloc(a, n + 2)) == NULL)
		return -1;
	memcpy(u, url, n + 1);
	if (n > 0 && u[n - 1] != '/') {
		u[n] = '/';
		u[n + 1] = '\0';
	}
	o->url = u;
	slash = strchr(u + (h - url), '/');
	o->base_path = slash;
	return 0;
}

/* author: a string, or a map with a name (Hugo's [author] name = ...). */
static const char *
author_of(const struct ynode *t)
{
	const struct ynode *n = oldsite_get(t, "author");

	if (n != NULL && n->kind == YNODE_SCALAR)
		return n->str;
	if (n != NULL && n->kind == YNODE_MAP)
		return oldsite_str(n, "name");
	return NULL;
}

static int
read_menus(struct arena *a, struct oldsite *o, const struct ynode *list)
{
	const struct ynode *m;
	size_t		 n = 0;

	if (list == NULL || list->kind != YNODE_SEQ)
		return 0;
	for (m = list->child; m != NULL; m = m->next)
		n++;
	if ((o->menus = arena_alloc(a, (n + 1) * sizeof(*o->menus))) == NULL)
		return -1;
	for (m = list->child; m != NULL; m = m->next) {
		struct old_menu *e = &o->menus[o->nmenus];
		const char *w;

		e->name = oldsite_str(m, "name");
		if (e->name == NULL)
			e->name = oldsite_str(m, "title");
		e->url = oldsite_str(m, "url");
		if (e->url == NULL)
			e->url = oldsite_str(m, "pageRef");
		if (e->url == NULL)
			e->url = oldsite_str(m, "href");
		w = oldsite_str(m, "weight");
		e->weight = w ? strtol(w, NULL, 10) : 0;
		if (e->name != NULL && e->url != NULL)
			o->nmenus++;
	}
	return 0;
}

static int
read_hugo(struct arena *a, struct oldsite *o)
{
	const struct ynode *t = o->tree, *n, *e, *params, *menu;
	const char	*v;
	size_t		 k;

	params = oldsite_get(t, "params");
	o->title = oldsite_str(t, "title");
	o->author = author_of(t);
	if (o->author == NULL)
		o->author = author_of(params);
	o->description = oldsite_str(params, "description");
	if (o->description == NULL)
		o->description = oldsite_str(t, "description");
	o->language = oldsite_str(t, "languageCode");
	if (o->language == NULL)
		o->language = oldsite_str(t, "defaultContentLanguage");
	o->timezone = oldsite_str(t, "timeZone");
	if (split_url(a, o, oldsite_str(t, "baseURL")) == -1)
		return -1;
	o->content_dir = (v = oldsite_str(t, "contentDir")) ? v : "content";
	o->static_dir = (v = oldsite_str(t, "staticDir")) ? v : "static";
	o->keep_case = oldsite_bool(t, "disablePathToLower");
	o->ugly = oldsite_bool(t, "uglyURLs");
	o->pager_path = "page";
	if ((v = oldsite_str(t, "paginatePath")) != NULL)
		o->pager_path = v;
	if ((n = oldsite_get(t, "pagination")) != NULL &&
	    (v = oldsite_str(n, "path")) != NULL)
		o->pager_path = v;
	/* permalinks: section = pattern, or (Hugo 0.120) page.section. */
	n = oldsite_get(t, "permalinks");
	if (n != NULL && n->kind == YNODE_MAP && oldsite_get(n, "page") != NULL)
		n = oldsite_get(n, "page");
	k = 0;
	if (n != NULL && n->kind == YNODE_MAP)
		for (e = n->child; e != NULL; e = e->next)
			k++;
	if ((o->rules = arena_alloc(a, (k + 1) * sizeof(*o->rules))) == NULL)
		return -1;
	if (n != NULL && n->kind == YNODE_MAP)
		for (e = n->child; e != NULL; e = e->next)
			if (e->kind == YNODE_SCALAR) {
				o->rules[o->nrules].section = e->key->str;
				o->rules[o->nrules++].pattern = e->str;
			}
	/* taxonomies: singular = plural; Hugo's default is tags, categories. */
	n = oldsite_get(t, "taxonomies");
	k = 2;
	if (n != NULL && n->kind == YNODE_MAP)
		for (k = 0, e = n->child; e != NULL; e = e->next)
			k++;
	if ((o->taxonomies = arena_alloc(a, (k + 1) * sizeof(char *))) == NULL)
		return -1;
	if (n != NULL && n->kind == YNODE_MAP) {
		for (e = n->child; e != NULL; e = e->next)
			if (e->kind == YNODE_SCALAR && *e->str != '\0')
				o->taxonomies[o->ntaxonomies++] = e->str;
	} else {
		o->taxonomies[o->ntaxonomies++] = "tags";
		o->taxonomies[o->ntaxonomies++] = "categories";
	}
	menu = oldsite_get(t, "menu");
	if (menu == NULL)
		menu = oldsite_get(t, "menus");
	return read_menus(a, o, oldsite_get(menu, "main"));
}

static int
read_jekyll(struct arena *a, struct oldsite *o)
{
	const struct ynode *t = o->tree, *n;
	const char	*url, *base;
	struct buf	 b;
	int		 rc = 0;

	o->title = oldsite_str(t, "title");
	o->author = author_of(t);
	o->description = oldsite_str(t, "description");
	o->language = oldsite_str(t, "lang");
	if (o->language == NULL)
		o->language = oldsite_str(t, "locale");
	o->timezone = oldsite_str(t, "timezone");
	o->permalink = oldsite_str(t, "permalink");
	if (o->permalink == NULL || *o->permalink == '\0')
		o->permalink = "date";
	o->paginate_path = oldsite_str(t, "paginate_path");
	if (o->paginate_path == NULL && oldsite_get(t, "paginate") != NULL)
		o->paginate_path = "/page:num/";
	o->ntaxonomies = 2;
	if ((o->taxonomies = arena_alloc(a, 3 * sizeof(char *))) == NULL)
		return -1;
	o->taxonomies[0] = "tags";
	o->taxonomies[1] = "categories";
	url = oldsite_str(t, "url");
	base = oldsite_str(t, "baseurl");
	if (url != NULL && *url != '\0') {
		buf_init(&b, 0);
		if (buf_puts(&b, url) == -1)
			rc = -1;
		/* url "https://h/" and baseurl "/blog": one slash. */
		while (rc == 0 && b.len > 0 && b.data[b.len - 1] == '/')
			buf_truncate(&b, b.len - 1);
		if (rc == -1 || (base != NULL && *base != '\0' &&
		    (*base != '/' && buf_putc(&b, '/') == -1)) ||
		    (base != NULL && buf_puts(&b, base) == -1))
			rc = -1;
		else
			rc = split_url(a, o, b.data);
		buf_free(&b);
		if (rc == -1)
			return -1;
	}
	/* A navigation list as many themes keep it. */
	if ((n = oldsite_get(t, "navigation")) == NULL)
		n = oldsite_get(t, "menu");
	return read_menus(a, o, n);
}

void
oldsite_free(struct oldsite *o)
{
	if (o->zone != NULL)
		zone_free(o->zone);
	o->zone = NULL;
}

/*
 * The zone of dates: Hugo's timeZone and Jekyll's timezone, else UTC
 * (Hugo's default, and GitHub Pages' for Jekyll).
 */
static int
open_zone(struct oldsite *o, struct err *err)
{
	if (o->timezone == NULL || *o->timezone == '\0' ||
	    strcmp(o->timezone, "UTC") == 0)
		return 0;
	if ((o->zone = zone_open(o->timezone)) == NULL)
		return err_set(err, o->config, 0, "time zone %s: no zone of "
		    "that name on this system", o->timezone);
	return 0;
}

int
oldsite_read(struct arena *a, int dirfd, struct oldsite *o, struct err *err)
{
	size_t	 i;

	memset(o, 0, sizeof(*o));
	o->base_path = "/";
	for (i = 0; hugo_configs[i] != NULL; i++)
		if (exists(dirfd, hugo_configs[i], 0))
			break;
	if (hugo_configs[i] != NULL) {
		o->kind = OLD_HUGO;
		o->config = hugo_configs[i];
		if (load_config(a, dirfd, o->config, &o->tree, err) == -1)
			return -1;
		if (read_hugo(a, o) == -1)
			return err_set(err, NULL, 0, "out of memory");
		return open_zone(o, err);
	}
	if (exists(dirfd, "_config.yml", 0) || exists(dirfd, "_config.yaml",
	    0) || exists(dirfd, "_posts", 1)) {
		o->kind = OLD_JEKYLL;
		o->config = exists(dirfd, "_config.yml", 0) ? "_config.yml" :
		    exists(dirfd, "_config.yaml", 0) ? "_config.yaml" : NULL;
		if (o->config != NULL) {
			if (load_config(a, dirfd, o->config, &o->tree, err) ==
			    -1)
				return -1;
		} else if (yaml_load(a, "", 0, "_config.yml", 1, &o->tree,
		    err) == -1)
			return -1;
		if (read_jekyll(a, o) == -1)
			return err_set(err, NULL, 0, "out of memory");
		return open_zone(o, err);
	}
	if (exists(dirfd, "content", 1)) {
		/* Hugo with every setting left at its default. */
		o->kind = OLD_HUGO;
		if (yaml_load(a, "", 0, "config.toml", 1, &o->tree, err) ==
		    -1 || read_hugo(a, o) == -1)
			return -1;
		return 0;
	}
	return 1;
}
