#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../support/fsutil.h"
#include "impl.h"
#include "report.h"

/* new: missing, or an empty folder, or --force. */
static int
open_new(struct imp *im, const char *new)
{
	struct fs_names	 names;
	int		 r;

	if (mkdir(new, 0755) == -1 && errno != EEXIST)
		return err_set(im->err, new, 0, "%s", strerror(errno));
	if ((im->newfd = open(new, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return err_set(im->err, new, 0, "%s", strerror(errno));
	if ((r = fs_list(im->newfd, ".", 1, &names, NULL)) != 0)
		return err_set(im->err, new, 0, "%s", strerror(errno));
	r = names.n > 0;
	fs_names_free(&names);
	if (r && !im->o->force)
		return err_set(im->err, new, 0, "not empty; stet import writes "
		    "only into a new or empty folder (--force to write over "
		    "an earlier import)");
	if (r) {
		/* An earlier import's posts and pages go, not the rest. */
		if (fs_remove_tree_at(im->newfd, "posts") == -1 ||
		    fs_remove_tree_at(im->newfd, "pages") == -1)
			return err_set(im->err, new, 0, "%s", strerror(errno));
	}
	return 0;
}

/*
 * Where new is, or will be once made: its realpath, or its parent's
 * and its name.  0, or -1 with errno.
 */
static int
new_realpath(const char *new, char out[PATH_MAX])
{
	char		 parent[PATH_MAX];
	const char	*slash, *name;
	size_t		 n, len;
	int		 k;

	if (realpath(new, out) != NULL)
		return 0;
	if (errno != ENOENT)
		return -1;
	while ((n = strlen(new)) > 1 && new[n - 1] == '/')
		n--;
	for (slash = new + n; slash > new && slash[-1] != '/'; slash--)
		;
	name = slash;
	if (slash == new)
		k = snprintf(parent, sizeof(parent), ".");
	else
		k = snprintf(parent, sizeof(parent), "%.*s",
		    (int)(slash - new), new);
	if (k < 0 || (size_t)k >= sizeof(parent) ||
	    realpath(parent, out) == NULL)
		return -1;
	len = strlen(out);
	if (len == 1)
		len = 0;	/* the parent is "/" */
	k = snprintf(out + len, PATH_MAX - len, "/%.*s",
	    (int)(new + n - name), name);
	if (k < 0 || (size_t)k >= PATH_MAX - len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
import_site(const char *old, const char *new, const struct import_opts *o,
    struct import_result *res, struct err *err)
{
	struct imp	 im;
	char		 ro[PATH_MAX], rn[PATH_MAX];
	size_t		 i, n;
	int		 rc = -1, r;

	memset(&im, 0, sizeof(im));
	memset(res, 0, sizeof(*res));
	notes_init(&res->notes);
	im.o = o;
	im.res = res;
	im.notes = &res->notes;
	im.err = err;
	im.oldfd = im.newfd = -1;
	buf_init(&im.redirects, 0);
	strmap_init(&im.byurl);
	strmap_init(&im.byname);
	strmap_init(&im.slugs);
	strmap_init(&im.byslug);
	strmap_init(&im.aliasset);
	strmap_init(&im.tagset);
	strmap_init(&im.redirset);
	if ((im.a = arena_new()) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	if ((im.oldfd = open(old, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		err_set(err, old, 0, "%s", strerror(errno));
		goto out;
	}
	if ((r = oldsite_read(im.a, im.oldfd, &im.old, err)) == -1)
		goto out;
	if (r == 1) {
		err_set(err, old, 0, "neither a Hugo site (config.toml, "
		    "hugo.toml, content/) nor a Jekyll site (_config.yml, "
		    "_posts/)");
		goto out;
	}
	res->kind = im.old.kind == OLD_HUGO ? "Hugo" : "Jekyll";
	res->config = im.old.config;
	/*
	 * The new site may not be inside the old one, or be it: checked
	 * before anything is made, from the folder it will be made in.
	 */
	if (realpath(old, ro) == NULL) {
		err_set(err, old, 0, "%s", strerror(errno));
		goto out;
	}
	if (new_realpath(new, rn) == -1) {
		err_set(err, new, 0, "%s", strerror(errno));
		goto out;
	}
	n = strlen(ro);
	if (strncmp(rn, ro, n) == 0 && (rn[n] == '\0' || rn[n] == '/' ||
	    strcmp(ro, "/") == 0)) {
		err_set(err, new, 0, "is inside %s; stet import never writes "
		    "into the old site", old);
		goto out;
	}
	if (open_new(&im, new) == -1)
		goto out;
	media_init(&im.media, im.newfd, o->media_max_count, o->media_max_bytes);
	if (im.old.kind == OLD_HUGO) {
		im.main_section = imp_hugo_main(&im);
		if (imp_walk_hugo(&im, im.old.content_dir, "", 0) == -1 ||
		    imp_copy_tree(&im, im.old.static_dir, "static", "", 0) ==
		    -1)
			goto out;
	} else {
		if (imp_walk_posts(&im, "_posts", "", 0, 0) == -1 ||
		    imp_walk_posts(&im, "_drafts", "", 1, 0) == -1 ||
		    imp_walk_jekyll(&im, ".", 0) == -1 ||
		    imp_walk_collections(&im) == -1)
			goto out;
	}
	if (imp_index_docs(&im) == -1 || imp_site_redirects(&im) == -1) {
		imp_oom(&im);
		goto out;
	}
	for (i = 0; i < im.ndocs; i++)
		if (imp_emit_doc(&im, i) == -1)
			goto out;
	if (imp_write_config(&im) == -1)
		goto out;
	if (report_write(im.newfd, old, res, &im.old) == -1) {
		err_set(err, "IMPORT.md", 0, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	media_free(&im.media);
	oldsite_free(&im.old);
	if (im.oldfd != -1)
		close(im.oldfd);
	if (im.newfd != -1)
		close(im.newfd);
	free(im.docs);
	free(im.alltags);
	buf_free(&im.redirects);
	strmap_free(&im.byurl);
	strmap_free(&im.byname);
	strmap_free(&im.slugs);
	strmap_free(&im.byslug);
	strmap_free(&im.aliasset);
	strmap_free(&im.tagset);
	strmap_free(&im.redirset);
	free(im.redir_to);
	arena_free(im.a);
	return rc;
}
