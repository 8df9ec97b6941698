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
#include "impl.h"

/* Hugo: content/, recursively; bundles and sections. */
int
imp_walk_hugo(struct imp *im, const char *dir, const char *rel, int depth)
{
	struct fs_names	 names;
	size_t		 i;
	int		 rc = 0;

	if (depth > DEPTH_MAX || fs_list(im->oldfd, dir, 0, &names, NULL) != 0)
		return 0;
	for (i = 0; i < names.n && rc == 0; i++) {
		const char *nm = names.v[i];
		char *p = imp_join(im->a, dir, nm), *r = imp_join(im->a, rel,
		    nm);
		size_t ext = imp_source_ext(nm);

		if (p == NULL || r == NULL)
			return imp_oom(im);
		if (imp_is_dir(im->oldfd, p)) {
			char *idx = NULL;
			static const char *const ix[] = { "index.md",
			    "index.markdown", "index.html", NULL };
			size_t k;

			for (k = 0; ix[k] != NULL; k++) {
				idx = imp_join(im->a, p, ix[k]);
				if (idx != NULL && imp_is_file(im->oldfd, idx))
					break;
				idx = NULL;
			}
			if (idx != NULL) {
				/* A leaf bundle: its folder names it. */
				int post = *rel != '\0' &&
				    (im->main_section == NULL || strncmp(rel,
				    im->main_section,
				    strlen(im->main_section)) == 0);

				rc = imp_read_doc(im, post ? DOC_POST :
				    DOC_PAGE, idx, p, rel, nm, 0);
			} else
				rc = imp_walk_hugo(im, p, r, depth + 1);
			continue;
		}
		if (!imp_is_file(im->oldfd, p))
			continue;
		if (ext > 0 && nm[0] == '_') {
			/* _index.md lists a section: stet makes its own. */
			notes_count(im->notes, "section list pages "
			    "(_index.md) left to stet");
			continue;
		}
		if (ext > 0) {
			char *base = arena_strndup(im->a, nm, strlen(nm) - ext);
			int post = *rel != '\0' && (im->main_section == NULL ||
			    strncmp(rel, im->main_section,
			    strlen(im->main_section)) == 0);

			if (base == NULL)
				return imp_oom(im);
			rc = imp_read_doc(im, post ? DOC_POST : DOC_PAGE, p,
			    NULL, rel, base, 0);
			continue;
		}
		/* A file beside the posts: published at its path. */
		{
			char *to = imp_join(im->a, "static", r);

			if (to == NULL)
				return imp_oom(im);
			rc = imp_copy_file(im, p, to);
		}
	}
	fs_names_free(&names);
	return rc;
}

/* Hugo's main section: params.mainSections, else posts, post, blog... */
const char *
imp_hugo_main(struct imp *im)
{
	static const char *const usual[] = { "posts", "post", "blog",
	    "articles", "writing", NULL };
	const struct ynode *p = oldsite_get(oldsite_get(im->old.tree,
	    "params"), "mainSections");
	struct fs_names	 names;
	const char	*best = NULL;
	size_t		 i, most = 0;

	if (p != NULL && p->kind == YNODE_SEQ && p->child != NULL &&
	    p->child->kind == YNODE_SCALAR)
		return p->child->str;
	if (p != NULL && p->kind == YNODE_SCALAR)
		return p->str;
	for (i = 0; usual[i] != NULL; i++) {
		char *d = imp_join(im->a, im->old.content_dir, usual[i]);

		if (d != NULL && imp_is_dir(im->oldfd, d))
			return usual[i];
	}
	if (fs_list(im->oldfd, im->old.content_dir, 0, &names, NULL) != 0)
		return NULL;
	for (i = 0; i < names.n; i++) {
		char *d = imp_join(im->a, im->old.content_dir, names.v[i]);
		struct fs_names in;

		if (d == NULL || !imp_is_dir(im->oldfd, d) ||
		    fs_list(im->oldfd, d, 0, &in, NULL) != 0)
			continue;
		if (in.n > most) {
			most = in.n;
			best = arena_strdup(im->a, names.v[i]);
		}
		fs_names_free(&in);
	}
	fs_names_free(&names);
	return best;
}

/* Jekyll: every _posts/ folder (X/_posts/ gives category X), _drafts/. */
int
imp_walk_posts(struct imp *im, const char *dir, const char *cat, int draft,
    int depth)
{
	struct fs_names	 names;
	size_t		 i;
	int		 rc = 0;

	if (depth > DEPTH_MAX || fs_list(im->oldfd, dir, 0, &names, NULL) != 0)
		return 0;
	for (i = 0; i < names.n && rc == 0; i++) {
		const char *nm = names.v[i];
		char *p = imp_join(im->a, dir, nm);
		size_t ext = imp_source_ext(nm);

		if (p == NULL)
			return imp_oom(im);
		if (imp_is_dir(im->oldfd, p)) {
			/* Sub-folders of _posts/ add nothing to the URL. */
			rc = imp_walk_posts(im, p, cat, draft, depth + 1);
			continue;
		}
		if (ext > 0 && nm[0] != '_' && nm[0] != '.') {
			char *base = arena_strndup(im->a, nm, strlen(nm) - ext);

			if (base == NULL)
				return imp_oom(im);
			rc = imp_read_doc(im, DOC_POST, p, NULL, cat, base,
			    draft);
		} else if (ext == 0 && imp_is_file(im->oldfd, p)) {
			/* Images kept beside posts: copy as is. */
			char *to = imp_join(im->a, "static", p);

			if (to == NULL)
				return imp_oom(im);
			rc = imp_copy_file(im, p, to);
		}
	}
	fs_names_free(&names);
	return rc;
}

static int
starts_front(int fd, const char *p)
{
	char	 b[4] = { 0 };
	int	 f;
	ssize_t	 n;

	if ((f = openat(fd, p, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(f, b, 3);
	close(f);
	return n == 3 && memcmp(b, "---", 3) == 0;
}

/* Files Jekyll leaves out of a site, and the tooling kept beside it. */
static int
jekyll_skip(const char *nm)
{
	static const char *const skip[] = { "Gemfile", "Gemfile.lock",
	    "Rakefile", "node_modules", "vendor", "package.json",
	    "package-lock.json", "yarn.lock", "CNAME", "LICENSE",
	    "LICENSE.txt", "LICENSE.md", "README.md", "README", "README.txt",
	    "CHANGELOG.md", "Dockerfile", "Makefile", "netlify.toml",
	    "docker-compose.yml", NULL };
	size_t	 i;

	if (nm[0] == '_' || nm[0] == '.' || nm[0] == '#' || imp_has_ext(nm,
	    "~") || imp_has_ext(nm, ".gemspec") || imp_has_ext(nm, ".sh") ||
	    imp_has_ext(nm, ".bat"))
		return 1;
	for (i = 0; skip[i] != NULL; i++)
		if (strcmp(nm, skip[i]) == 0)
			return 1;
	return 0;
}

/*
 * Jekyll's pages and static files, outside the _ folders: Markdown with
 * front matter is a page; HTML and XML with front matter are the
 * theme's (lists, feeds), left to stet and mapped; the rest is copied.
 */
int
imp_walk_jekyll(struct imp *im, const char *dir, int depth)
{
	struct fs_names	 names;
	size_t		 i;
	int		 rc = 0;

	if (depth > DEPTH_MAX || fs_list(im->oldfd, dir, 0, &names, NULL) != 0)
		return 0;
	for (i = 0; i < names.n && rc == 0; i++) {
		const char *nm = names.v[i];
		char *p = imp_join(im->a, dir, nm);

		if (p == NULL)
			return imp_oom(im);
		if (jekyll_skip(nm))
			continue;
		if (imp_is_dir(im->oldfd, p)) {
			char *posts = imp_join(im->a, p, "_posts");

			if (posts != NULL && imp_is_dir(im->oldfd, posts))
				rc = imp_walk_posts(im, posts, p, 0, 0);
			if (rc == 0)
				rc = imp_walk_jekyll(im, p, depth + 1);
			continue;
		}
		if (!imp_is_file(im->oldfd, p))
			continue;
		if (starts_front(im->oldfd, p)) {
			size_t ext = imp_source_ext(nm);

			if (ext > 0 && !imp_has_ext(nm, ".html")) {
				/* "docs/intro.md" is the page intro. */
				char *base = arena_strndup(im->a, p,
				    strlen(p) - ext);

				if (base == NULL)
					return imp_oom(im);
				rc = imp_read_doc(im, DOC_PAGE, p, NULL, "",
				    base, 0);
				continue;
			}
			/* A template of the theme: mapped, not copied. */
			{
				struct buf u;
				const char *to = NULL;
				size_t n = strlen(p);

				buf_init(&u, 0);
				if (imp_has_ext(nm, ".xml") && (strstr(nm,
				    "feed") ||
				    strstr(nm, "atom") || strstr(nm, "rss")))
					to = strstr(nm, "rss") ? "/rss.xml" :
					    "/feed.xml";
				else if (strstr(nm, "tag") || strstr(nm,
				    "categor"))
					to = "/topics/";
				else if (strstr(nm, "archive") ||
				    strstr(nm, "blog") || strstr(nm, "posts"))
					to = "/writing/";
				if (to != NULL) {
					char *from;

					if (buf_putc(&u, '/') == -1 ||
					    buf_put(&u, p, n) == -1 ||
					    (from = arena_strndup(im->a, u.data,
					    u.len)) == NULL ||
					    imp_add_redirect(im, from, to) ==
					    -1) {
						buf_free(&u);
						return imp_oom(im);
					}
					if (imp_has_ext(nm, ".html")) {
						buf_truncate(&u, u.len - 5);
						if (BUF_LIT(&u, "/") == -1 ||
						    (from = arena_strndup(im->a,
						    u.data, u.len)) == NULL ||
						    imp_add_redirect(im, from,
						    to) == -1) {
							buf_free(&u);
							return imp_oom(im);
						}
					}
				}
				buf_free(&u);
				if (strcmp(p, "index.html") != 0 &&
				    strcmp(p, "404.html") != 0 && to == NULL)
					notes_add(im->notes, NOTE_LOOK, p, 1,
					    "%s, not imported",
					    imp_has_ext(nm, ".scss") ||
					    imp_has_ext(nm, ".sass") ? "Sass "
					    "that Jekyll compiled (stet has "
					    "its own style.css)" : "a template "
					    "of the theme (Liquid)");
				im->res->nskipped++;
			}
			continue;
		}
		{
			char *to = imp_join(im->a, "static", p);

			if (to == NULL)
				return imp_oom(im);
			if (imp_stet_path(p)) {
				notes_add(im->notes, NOTE_LOOK, p, 0, "not "
				    "copied: stet makes /%s itself", p);
				im->res->nskipped++;
				continue;
			}
			rc = imp_copy_file(im, p, to);
		}
	}
	fs_names_free(&names);
	return rc;
}

/*
 * Jekyll's collections (collections: in _config.yml): the documents of
 * each one the old site published (output: true), from _name/, become
 * pages, their old URLs redirected; the others are only named.
 */
static int
walk_collection(struct imp *im, const char *dir, const char *rel, int depth)
{
	struct fs_names	 names;
	size_t		 i, ext;
	int		 rc = 0;

	if (depth > DEPTH_MAX || fs_list(im->oldfd, dir, 0, &names, NULL) != 0)
		return 0;
	for (i = 0; i < names.n && rc == 0; i++) {
		char *p = imp_join(im->a, dir, names.v[i]);
		char *r = imp_join(im->a, rel, names.v[i]);

		if (p == NULL || r == NULL) {
			rc = imp_oom(im);
			break;
		}
		ext = imp_source_ext(names.v[i]);
		if (imp_is_dir(im->oldfd, p))
			rc = walk_collection(im, p, r, depth + 1);
		else if (ext > 0 && imp_is_file(im->oldfd, p)) {
			char *base = arena_strndup(im->a, r, strlen(r) - ext);

			rc = base == NULL ? imp_oom(im) : imp_read_doc(im,
			    DOC_PAGE, p, NULL, "", base, 0);
		}
	}
	fs_names_free(&names);
	return rc;
}

int
imp_walk_collections(struct imp *im)
{
	const struct ynode *cs = oldsite_get(im->old.tree, "collections"), *c;
	const char	*name;
	char		*dir;
	int		 rc = 0;

	if (cs == NULL || (cs->kind != YNODE_MAP && cs->kind != YNODE_SEQ))
		return 0;
	for (c = cs->child; c != NULL && rc == 0; c = c->next) {
		name = cs->kind == YNODE_MAP ? c->key->str : c->str;
		if (name == NULL || strcmp(name, "posts") == 0 ||
		    strchr(name, '/') != NULL || name[0] == '.')
			continue;
		if ((dir = arena_alloc(im->a, strlen(name) + 2)) == NULL)
			return imp_oom(im);
		dir[0] = '_';
		memcpy(dir + 1, name, strlen(name) + 1);
		if (!imp_is_dir(im->oldfd, dir))
			continue;
		if (cs->kind != YNODE_MAP || !oldsite_bool(c, "output")) {
			notes_add(im->notes, NOTE_LOOK, dir, 0, "a collection "
			    "the old site did not publish (output: false): "
			    "not imported");
			continue;
		}
		im->coll = name;
		im->coll_pattern = oldsite_str(c, "permalink");
		rc = walk_collection(im, dir, "", 0);
		im->coll = im->coll_pattern = NULL;
	}
	return rc;
}
