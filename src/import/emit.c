#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../support/fsutil.h"
#include "../support/text.h"
#include "impl.h"
#include "permalink.h"
#include "yamlout.h"

/* Front matter keys rewritten by the import, not copied as they are. */
static const char *const rewritten[] = { "title", "date", "slug", "url",
    "permalink", "draft", "published", "tags", "tag", "categories",
    "category", "aliases", "redirect_from", NULL };

static int
is_rewritten(const char *k)
{
	size_t	 i;

	for (i = 0; rewritten[i] != NULL; i++)
		if (strcasecmp(k, rewritten[i]) == 0)
			return 1;
	return 0;
}

/* Write one doc: stet's front matter, then the converted body. */
int
imp_emit_doc(struct imp *im, size_t idx)
{
	struct doc	*d = &im->docs[idx];
	struct buf	 f, pass1;
	struct conv	 c;
	const struct ynode *e;
	const char	*title;
	size_t		 i, fm_lines = 0;
	int		 rc = -1;

	im->cur = idx;
	buf_init(&f, 0);
	buf_init(&pass1, 0);
	if (BUF_LIT(&f, "---\n") == -1)
		goto oom;
	title = oldsite_str(d->front, "title");
	if (title != NULL && (BUF_LIT(&f, "title: ") == -1 ||
	    yamlout_scalar(&f, title, strlen(title), 0) == -1 ||
	    BUF_LIT(&f, "\n") == -1))
		goto oom;
	if (d->date != NULL && (BUF_LIT(&f, "date: ") == -1 ||
	    yamlout_scalar(&f, d->date, strlen(d->date), 1) == -1 ||
	    BUF_LIT(&f, "\n") == -1))
		goto oom;
	if (d->kind == DOC_POST && (BUF_LIT(&f, "slug: ") == -1 ||
	    yamlout_scalar(&f, d->slug, strlen(d->slug), 0) == -1 ||
	    BUF_LIT(&f, "\n") == -1))
		goto oom;
	if (d->draft && BUF_LIT(&f, "draft: true\n") == -1)
		goto oom;
	if (d->kind == DOC_POST && d->ntags > 0 && yamlout_list(&f, "tags",
	    d->tags, d->ntags) == -1)
		goto oom;
	if (d->naliases > 0 && yamlout_list(&f, "aliases", d->aliases,
	    d->naliases) == -1)
		goto oom;
	for (e = d->front->child; e != NULL; e = e->next) {
		if (is_rewritten(e->key->str))
			continue;
		/* A taxonomy that became tags. */
		for (i = 0; i < im->old.ntaxonomies; i++)
			if (strcasecmp(e->key->str, im->old.taxonomies[i]) == 0)
				break;
		if (i < im->old.ntaxonomies && d->kind == DOC_POST)
			continue;
		if (yamlout_entry(&f, e->key->str, e, 0) == -1)
			goto oom;
	}
	if (BUF_LIT(&f, "---\n") == -1)
		goto oom;
	for (i = 0; i < f.len; i++)
		if (f.data[i] == '\n')
			fm_lines++;
	memset(&c, 0, sizeof(c));
	c.kind = im->old.kind;
	c.file = d->src;
	c.line = d->body_line;
	c.newfile = d->out;
	c.newline = fm_lines + 1;
	c.notes = im->notes;
	c.resolve = imp_resolve;
	c.remote = imp_remote;
	c.ctx = im;
	if (convert_body(&c, d->body, d->body_len, &pass1) == -1 ||
	    convert_links(&c, pass1.data, pass1.len, &f) == -1)
		goto oom;
	if (imp_write_file(im, d->out, f.data, f.len) == -1)
		goto out;
	if (d->bundle != NULL) {
		/*
		 * The bundle's other files, beside the post (stet publishes
		 * a bundle's files with it), or for a page in static/ under
		 * the page's path, where its relative links look.
		 */
		char *to = d->kind == DOC_POST ? arena_strdup(im->a, d->out) :
		    imp_join(im->a, "static", d->slug);
		char *slash = to && d->kind == DOC_POST ? strrchr(to, '/') :
		    NULL;
		struct fs_names names;

		if (to == NULL || (d->kind == DOC_POST && slash == NULL))
			goto oom;
		if (slash != NULL)
			*slash = '\0';
		if (fs_list(im->oldfd, d->bundle, 0, &names, NULL) == 0) {
			for (i = 0; i < names.n; i++) {
				char *p = imp_join(im->a, d->bundle,
				    names.v[i]);
				char *t = imp_join(im->a, to, names.v[i]);

				if (p == NULL || t == NULL) {
					fs_names_free(&names);
					goto oom;
				}
				if (strcmp(p, d->src) == 0)
					continue;
				/*
				 * Another index (blogdown's index.html
				 * beside index.md) would be published over
				 * the post's own page.
				 */
				if (strncmp(names.v[i], "index.", 6) == 0 &&
				    imp_source_ext(names.v[i]) > 0) {
					notes_add(im->notes, NOTE_LOOK, p, 0,
					    "left out: %s is the bundle's "
					    "source", d->src);
					continue;
				}
				if ((imp_is_dir(im->oldfd, p) ?
				    imp_copy_tree(im, p, t,
				    "bundle", 1) : imp_copy_file(im, p, t)) ==
				    -1) {
					fs_names_free(&names);
					goto out;
				}
			}
			fs_names_free(&names);
		}
	}
	if (d->kind == DOC_POST) {
		im->res->nposts++;
		if (d->draft)
			im->res->ndrafts++;
	} else
		im->res->npages++;
	rc = 0;
	goto out;
oom:
	imp_oom(im);
out:
	buf_free(&f);
	buf_free(&pass1);
	return rc;
}

/* Old list pages, feeds and pagination, each to stet's page for it. */
int
imp_site_redirects(struct imp *im)
{
	struct buf	 from, to, slug, term;
	size_t		 i, k, nposts = 0, pages;
	int		 rc = -1;
	int		 hugo = im->old.kind == OLD_HUGO;

	buf_init(&from, 0);
	buf_init(&to, 0);
	buf_init(&slug, 0);
	buf_init(&term, 0);
	for (i = 0; i < im->ndocs; i++)
		if (im->docs[i].kind == DOC_POST)
			nposts++;
	/* Feeds: Hugo's RSS at index.xml; Jekyll's atom.xml. */
	if (hugo) {
		if (imp_add_redirect(im, "/index.xml", "/rss.xml") == -1)
			goto out;
		if (im->main_section != NULL && (buf_printf(&from,
		    "/%s/index.xml",
		    im->main_section) == -1 || imp_add_redirect(im,
		    arena_strdup(im->a, from.data), "/rss.xml") == -1))
			goto out;
		buf_reset(&from);
		if (im->main_section != NULL && (buf_printf(&from, "/%s/",
		    im->main_section) == -1 || imp_add_redirect(im,
		    arena_strdup(im->a, from.data), "/writing/") == -1))
			goto out;
	} else if (imp_add_redirect(im, "/atom.xml", "/feed.xml") == -1)
		goto out;
	/* Each term's page and feed, under every taxonomy. */
	for (k = 0; k < im->old.ntaxonomies; k++) {
		const char *tax = im->old.taxonomies[k];

		buf_reset(&from);
		if (buf_printf(&from, "/%s/", tax) == -1 ||
		    imp_add_redirect(im, arena_strdup(im->a, from.data),
		    "/topics/") == -1)
			goto out;
		for (i = 0; i < im->nalltags; i++) {
			const char *t = im->alltags[i];
			size_t tl;
			const char *tt = text_tag_trim(t, &tl);

			buf_reset(&slug);
			buf_reset(&term);
			if (text_tag_slug(&slug, tt, tl) == -1 ||
			    permalink_urlize(&term, t, strlen(t),
			    im->old.keep_case) == -1)
				goto out;
			if (slug.len == 0 || term.len == 0)
				continue;
			buf_reset(&from);
			buf_reset(&to);
			if (buf_printf(&from, "/%s/%s/", tax, term.data) ==
			    -1 ||
			    buf_printf(&to, "/topics/%s/", slug.data) == -1 ||
			    imp_add_redirect(im, arena_strdup(im->a, from.data),
			    arena_strdup(im->a, to.data)) == -1)
				goto out;
			if (!hugo)
				continue;
			buf_reset(&from);
			buf_reset(&to);
			if (buf_printf(&from, "/%s/%s/index.xml", tax,
			    term.data) == -1 || buf_printf(&to,
			    "/topics/%s/rss.xml", slug.data) == -1 ||
			    imp_add_redirect(im, arena_strdup(im->a, from.data),
			    arena_strdup(im->a, to.data)) == -1)
				goto out;
		}
	}
	/* Pagination: every later page of the old lists is stet's list. */
	pages = nposts / 10 + 1;
	if (pages > 1000)
		pages = 1000;
	for (i = 2; i <= pages; i++) {
		buf_reset(&from);
		if (hugo) {
			if (buf_printf(&from, "/%s/%zu/", im->old.pager_path,
			    i) == -1)
				goto out;
		} else if (im->old.paginate_path != NULL) {
			const char *p = im->old.paginate_path, *num;

			if ((num = strstr(p, ":num")) == NULL)
				break;
			if (buf_printf(&from, "%s%.*s%zu%s", *p == '/' ? "" :
			    "/", (int)(num - p), p, i, num + 4) == -1)
				goto out;
			if (from.data[from.len - 1] != '/' &&
			    strchr(strrchr(from.data, '/'), '.') == NULL &&
			    buf_putc(&from, '/') == -1)
				goto out;
		} else
			break;
		if (imp_add_redirect(im, arena_strdup(im->a, from.data),
		    "/writing/") == -1)
			goto out;
		if (hugo && im->main_section != NULL) {
			buf_reset(&from);
			if (buf_printf(&from, "/%s/%s/%zu/", im->main_section,
			    im->old.pager_path, i) == -1 || imp_add_redirect(im,
			    arena_strdup(im->a, from.data), "/writing/") == -1)
				goto out;
		}
	}
	/* Pages: their old paths (and Hugo aliases) to stet's. */
	for (i = 0; i < im->ndocs; i++) {
		const struct doc *d = &im->docs[i];
		const struct ynode *n, *c;

		if (d->kind != DOC_PAGE)
			continue;
		buf_reset(&to);
		if (buf_printf(&to, "/%s/", d->slug) == -1 ||
		    imp_add_redirect(im, d->old, arena_strdup(im->a,
		    to.data)) == -1)
			goto out;
		/* "/about.html" was "/about" too, where Jekyll sites live. */
		k = strlen(d->old);
		if (k > 6 && strcmp(d->old + k - 5, ".html") == 0 &&
		    imp_add_redirect(im, arena_strndup(im->a, d->old, k - 5),
		    arena_strdup(im->a, to.data)) == -1)
			goto out;
		if ((n = oldsite_get(d->front, "aliases")) == NULL &&
		    (n = oldsite_get(d->front, "redirect_from")) == NULL)
			continue;
		for (c = n->kind == YNODE_SEQ ? n->child : n; c != NULL;
		    c = n->kind == YNODE_SEQ ? c->next : NULL)
			if (c->kind == YNODE_SCALAR && c->str[0] == '/' &&
			    imp_add_redirect(im, c->str, arena_strdup(im->a,
			    to.data)) == -1)
				goto out;
	}
	rc = 0;
out:
	buf_free(&from);
	buf_free(&to);
	buf_free(&slug);
	buf_free(&term);
	return rc;
}

static int
put_key(struct buf *b, const char *k, const char *v)
{
	if (v == NULL || *v == '\0')
		return 0;
	if (buf_printf(b, "%s: ", k) == -1 ||
	    yamlout_scalar(b, v, strlen(v), 0) == -1)
		return -1;
	return buf_putc(b, '\n');
}

int
imp_write_config(struct imp *im)
{
	struct buf	 b;
	size_t		 i;
	int		 rc = -1;
	const char	*url = im->old.url;

	if (im->o->old_url != NULL)
		url = im->o->old_url;
	buf_init(&b, 0);
	if (buf_printf(&b, "# Imported from %s's %s by stet import; "
	    "IMPORT.md says what changed.\n", im->old.kind == OLD_HUGO ?
	    "Hugo" : "Jekyll", im->old.config ? im->old.config : "defaults") ==
	    -1 || put_key(&b, "title", im->old.title) == -1 ||
	    put_key(&b, "author", im->old.author) == -1 ||
	    put_key(&b, "description", im->old.description) == -1 ||
	    put_key(&b, "url", url) == -1 ||
	    put_key(&b, "language", im->old.language) == -1 ||
	    put_key(&b, "timezone", im->old.timezone) == -1)
		goto oom;
	if (url == NULL)
		notes_add(im->notes, NOTE_LOOK, "stet.yaml", 0, "the old site "
		    "names no address: set url: (or import with --url)");
	if (im->old.nmenus > 0) {
		if (BUF_LIT(&b, "links:\n") == -1)
			goto oom;
		for (i = 0; i < im->old.nmenus; i++)
			if (BUF_LIT(&b, "  - name: ") == -1 ||
			    yamlout_scalar(&b, im->old.menus[i].name,
			    strlen(im->old.menus[i].name), 0) == -1 ||
			    BUF_LIT(&b, "\n    url: ") == -1 ||
			    yamlout_scalar(&b, im->old.menus[i].url,
			    strlen(im->old.menus[i].url), 0) == -1 ||
			    BUF_LIT(&b, "\n") == -1)
				goto oom;
	}
	if (im->redirects.len > 0 && (BUF_LIT(&b, "# Old addresses: the build "
	    "answers each with a redirect (and a feed's with the feed).\n"
	    "redirects:\n") == -1 || buf_put(&b, im->redirects.data,
	    im->redirects.len) == -1))
		goto oom;
	rc = imp_write_file(im, "stet.yaml", b.data, b.len);
	goto out;
oom:
	imp_oom(im);
out:
	buf_free(&b);
	return rc;
}
