#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "cache.h"
#include "check.h"
#include "highlight.h"
#include "memfs.h"
#include "ids.h"
#include "images.h"
#include "journal.h"
#include "links.h"
#include "redirects.h"
#include "load.h"
#include "markdown.h"
#include "outlist.h"
#include "outputs.h"
#include "render.h"
#include "sig.h"
#include "theme.h"
#include "write.h"
#include "years.h"

struct build {
	const struct build_opts *o;
	struct load_opts lopts;
	struct render_opts ropts;
	struct cache	*cache;
	struct site	 site;
	struct tset	*tpl;
	struct writer	 w;
	int		 wopen;
	struct outlist	 outputs;	/* made, but for post pages */
	struct links	 links;		/* the build's link warnings */
	struct outlist	 all;		/* every file made (no twins) */
	struct journal	 journal;	/* what a stopped build may have left */
	int		 recover;	/* 1: a journal; 2: a damaged one */
	const char	*published;	/* how: build_result.published */
	int		 lockfd;
	struct plan	 plan;
	uint64_t	*prev_post;	/* per post: its page's digest, the
					   last build's */
	uint64_t	*made_post;	/* and this build's */
	struct digests	 prev;		/* the last build's, for a rebuild */
	struct digests	 made;		/* this build's */
	struct buf	 nginx;		/* .stet/redirects.nginx, to write */
	unsigned char	 sig[CACHE_SIG], static_sig[CACHE_SIG];
	struct ids	*ids;
	pthread_t	 cache_tid;	/* reading the cache meanwhile */
	int		 cache_thread;
	int		 cache_done;
	int		 cache_fd;
	int		 cache_rc;
	struct err	 cache_err;
	int		 ids_done;	/* .stet/ids read, into ids */
	int		 ids_rc;
	struct err	 ids_err;
};

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
public_exists(int sitefd)
{
	struct stat	 st;

	return fstatat(sitefd, "public", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

/*
 * The last build's digest of each output, for render_opts: the post
 * pages' from their posts' records (prev_post), the others' from the
 * outputs list (prev).  0 or -1.
 */
static int
prev_digests(struct build *b)
{
	const struct site *s = &b->site;
	const struct cache *c = b->cache;
	size_t		 i;

	for (i = 0; i < c->digests.n; i++)
		if (digests_put(&b->prev, c->digests.v[i].path,
		    c->digests.v[i].d) == -1)
			return -1;
	digests_sort(&b->prev);
	if ((b->prev_post = calloc(s->nposts ? s->nposts : 1,
	    sizeof(*b->prev_post))) == NULL)
		return -1;
	for (i = 0; i < s->nposts; i++) {
		const struct cache_post *cp = s->posts[i].cached;

		if (cp != NULL && cp->visible)
			b->prev_post[i] = cp->digest;
	}
	return 0;
}

/*
 * Decide what this build may render.  Without a usable cache (or
 * public/), everything, each file new.  With one whose global signature
 * still holds, every output is offered to the renderer with the last
 * build's digests, and it renders those whose inputs changed; a post the
 * last build had no page for is new, and goes out first.  Otherwise (or
 * after a stopped build) everything again, compared with public/ so
 * unchanged files keep their inode and mtime.  Returns 1 for a cold
 * build.
 */
static int
plan_build(struct build *b, struct err *err)
{
	const struct site *s = &b->site;
	const struct cache *c = b->cache;
	size_t		 i;
	int		 selective, cold;

	/* stet check renders everything, into memory. */
	cold = c == NULL || b->o->check || !public_exists(s->dirfd);
	/* After a stopped build, the cache no longer describes public/. */
	selective = !cold && !b->recover && memcmp(c->sig, b->sig,
	    CACHE_SIG) == 0;
	b->plan.post = calloc(s->nposts ? s->nposts : 1, 1);
	b->made_post = calloc(s->nposts ? s->nposts : 1,
	    sizeof(*b->made_post));
	b->plan.feeds = calloc(s->ntopics + 1, 1);
	if (b->plan.post == NULL || b->made_post == NULL ||
	    b->plan.feeds == NULL || (selective && prev_digests(b) == -1))
		return err_set(err, "public", 0, "out of memory");
	b->ropts.prev = selective ? &b->prev : NULL;
	b->ropts.made = &b->made;
	b->ropts.prev_post = selective ? b->prev_post : NULL;
	b->ropts.made_post = b->made_post;
	b->plan.lists = 1;
	b->plan.fixed = !selective;
	memset(b->plan.feeds, 1, s->ntopics + 1);
	for (i = 0; i < s->nposts; i++) {
		const struct post *p = &s->posts[i];
		const struct cache_post *cp = p->cached;

		if (cold || cp == NULL || !cp->visible ||
		    strcmp(cp->post.slug, p->slug) != 0)
			b->plan.post[i] = cold ? PLAN_CHANGED : PLAN_NEW;
		else
			b->plan.post[i] = PLAN_CHANGED;
	}
	return cold;
}

/*
 * What each post and page showed of the site's images last time
 * (images.c's record, .stet/images/deps): a post's digest covers their
 * files (render.c), and a page showing one that changed is rendered
 * again with the fixed files, the home's introduction with the lists:
 * the page holds the image's width and height.  0 or -1.
 */
static int
images_plan(struct build *b, int cold, struct err *err)
{
	const struct site *s = &b->site;
	size_t		 i;

	if (images_deps_load(s->images, err) == -1)
		return -1;
	for (i = 0; !cold && i < s->npages; i++)
		if (images_changed(s->images, s->pages[i].file)) {
			if (strcmp(s->pages[i].name, "index") == 0)
				b->plan.lists = 1;
			else
				b->plan.fixed = 1;
		}
	return 0;
}


static void
remove_one(int fd, const char *rel)
{
	char	 gz[4096], dir[4096], *slash;

	/* Best effort: a file already gone is what we want. */
	(void)unlinkat(fd, rel, 0);
	if ((size_t)snprintf(gz, sizeof(gz), "%s.gz", rel) < sizeof(gz))
		(void)unlinkat(fd, gz, 0);
	if ((size_t)snprintf(dir, sizeof(dir), "%s", rel) >= sizeof(dir))
		return;
	/* And the folders it leaves empty (rmdir fails otherwise). */
	while ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (unlinkat(fd, dir, AT_REMOVEDIR) == -1)
			break;
	}
}

/*
 * What public/ holds that this build does not make: files in the old
 * output list, pages of posts that were visible then and whose slug no
 * post has now, and what a stopped build's journal names.  0 or -1.
 */
static int
list_stale(struct build *b, struct outlist *stale)
{
	const struct cache *c = b->cache;
	const struct site *s = &b->site;
	unsigned char	*seen;
	struct buf	 rel;
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < c->outputs.n; i++)
		if (!outlist_has(&b->all, c->outputs.v[i]) &&
		    outlist_add(stale, c->outputs.v[i]) == -1)
			return -1;
	for (i = 0; i < b->journal.paths.n; i++)
		if (!outlist_has(&b->all, b->journal.paths.v[i]) &&
		    outlist_add(stale, b->journal.paths.v[i]) == -1)
			return -1;
	if ((seen = calloc(c->nposts ? c->nposts : 1, 1)) == NULL)
		return -1;
	/* The usual rebuild: every cached post is still there. */
	for (i = 0; i < s->nposts; i++) {
		const struct cache_post *cp = s->posts[i].cached;

		if (cp != NULL && strcmp(cp->post.slug, s->posts[i].slug) == 0)
			seen[cp - c->posts] = 1;
	}
	buf_init(&rel, 0);
	for (i = 0; i < c->nposts; i++) {
		if (seen[i] || !c->posts[i].visible)
			continue;
		buf_reset(&rel);
		if (out_entry_file(&c->posts[i].post, &rel) == -1)
			goto out;
		if (!outlist_has(&b->all, rel.data) &&
		    outlist_add(stale, rel.data) == -1)
			goto out;
	}
	outlist_sort(stale);
	rc = 0;
out:
	buf_free(&rel);
	free(seen);
	return rc;
}

/* Remove the stale files from public/, with their twins. */
static void
remove_stale(struct build *b, const struct outlist *stale)
{
	size_t	 i;
	int	 fd;

	if ((fd = openat(b->site.dirfd, "public", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;	/* then there is nothing to remove */
	for (i = 0; i < stale->n; i++)
		remove_one(fd, stale->v[i]);
	close(fd);
}

/*
 * Every file this build makes (without twins): the outputs and the post
 * pages, sorted, for writer_fill and the journal.  0 or -1.
 */
static int
list_all(struct build *b)
{
	const struct site *s = &b->site;
	struct buf	 rel;
	size_t		 i;
	int		 rc = -1;

	buf_init(&rel, 0);
	for (i = 0; i < b->outputs.n; i++)
		if (outlist_add(&b->all, b->outputs.v[i]) == -1)
			goto out;
	for (i = 0; i < s->nposts; i++) {
		buf_reset(&rel);
		if (out_file(s, OUT_POST, i, &rel) == -1 ||
		    outlist_add(&b->all, rel.data) == -1)
			goto out;
	}
	outlist_sort(&b->all);
	rc = 0;
out:
	buf_free(&rel);
	return rc;
}

/* Is path among the first n (sorted) entries of l? */
static int
bsearch_n(const struct outlist *l, size_t n, const char *path)
{
	struct outlist	 head = *l;

	head.n = n;
	return outlist_has(&head, path);
}

static size_t
count_aliases(const struct site *s)
{
	size_t	 i, n = 0;

	for (i = 0; i < s->nposts; i++)
		n += s->posts[i].naliases;
	return n;
}

/* Is rel a post's page? */
static int
is_post_page(const struct site *s, const char *rel)
{
	enum out_kind	 k;
	const char	*slug;
	size_t		 i, n;

	if (out_parse(rel, &k, &slug, &n) == -1 || k != OUT_POST)
		return 0;
	for (i = 0; i < s->nposts; i++)
		if (strlen(s->posts[i].slug) == n &&
		    memcmp(s->posts[i].slug, slug, n) == 0)
			return 1;
	return 0;
}

/*
 * The files this build makes, but for post pages (the cache knows those
 * by their slugs): what stet renders, the redirect pages of aliases, and
 * static/.  A static file or an alias that would take the place of a
 * page stet makes is an error: which one won would depend on the order
 * of writing.
 */
static int
list_outputs(struct build *b, struct err *err)
{
	const struct site *s = &b->site;
	struct outlist	 st;
	struct years	 ys = { NULL, 0, NULL };
	size_t		 i, k, n;
	int		 rc = -1;

	memset(&st, 0, sizeof(st));
	if (years_group(s, &ys) == -1 || outputs_list(s, &ys, 0,
	    &b->outputs) == -1) {
		years_free(&ys);
		return err_set(err, "public", 0, "out of memory");
	}
	years_free(&ys);
	outlist_sort(&b->outputs);
	n = b->outputs.n;
	for (i = 0; i < s->nposts; i++)
		for (k = 0; k < s->posts[i].naliases; k++) {
			const char *a = s->posts[i].aliases[k];

			if (outlist_has(&b->outputs, a) || is_post_page(s, a))
				return err_set(err, s->posts[i].file, 0,
				    "alias /%s would replace a page stet "
				    "makes", a);
			if (outlist_add(&b->outputs, a) == -1)
				return err_set(err, "public", 0,
				    "out of memory");
		}
	if (theme_static(s, NULL, &st, err) == -1)
		goto out;
	for (i = 0; i < st.n; i++) {
		if (is_post_page(s, st.v[i]) || bsearch_n(&b->outputs, n,
		    st.v[i])) {
			err_set(err, "static", 0, "static/%s would replace a "
			    "page stet makes; remove it or rename it",
			    st.v[i]);
			goto out;
		}
		if (outlist_add(&b->outputs, st.v[i]) == -1) {
			err_set(err, "public", 0, "out of memory");
			goto out;
		}
	}
	outlist_sort(&b->outputs);
	if (b->outputs.n != n + st.n + count_aliases(s)) {
		err_set(err, "posts", 0, "two aliases, or an alias and a "
		    "static file, name the same path");
		goto out;
	}
	/* The redirect table's files (site/redirects.c). */
	if (redirects_outputs(s, &b->outputs) == -1) {
		err_set(err, "public", 0, "out of memory");
		goto out;
	}
	outlist_sort(&b->outputs);
	rc = 0;
out:
	outlist_free(&st);
	return rc;
}

static int
check_in_memory(struct build *b, struct build_result *res, struct err *err)
{
	struct memfs	 mem;
	int		 rc = -1;

	memfs_init(&mem, check_digest);
	writer_open_memory(&b->w, &mem);
	if (render_site(&b->site, b->tpl, &b->w, &b->ropts, &b->plan,
	    err) == -1 || theme_static(&b->site, &b->w, NULL, err) == -1)
		goto out;
	memfs_seal(&mem);
	if (check_site(&b->site, &mem, b->ids, b->o->diag) == -1) {
		err_set(err, "check", 0, "out of memory");
		goto out;
	}
	res->nposts = b->site.nposts;
	res->npages = b->site.npages;
	res->ntopics = b->site.ntopics;
	res->kind = "check";
	rc = 0;
out:
	memfs_free(&mem);
	return rc;
}

/*
 * A change of more files than this (written or removed) is published as
 * a whole new tree swapped in with one rename, so a server sees the old
 * site or the new one.  A smaller one, the usual edit, is renamed into
 * public/ file by file: a reader may see a few files new and the rest
 * old for the moment it takes, which is the price of not linking every
 * file of a large site for every edit.
 */
#define PUBLISH_IN_PLACE_MAX	64

static int
stopped(const struct build *b)
{
	return b->o->stop != NULL && *b->o->stop != 0;
}

/*
 * Put what the writer staged into public/.  Nothing was published
 * before this point (every file went to the stage), so the choice
 * between a swap and renames in place is made here, from the files that
 * actually changed, not from the plan, which counts the pages that may
 * change (a setting every page shows marks them all, even when it
 * changes no byte).  Either way the journal is durable before public/
 * changes.  0, or -1 with err.
 */
static int
publish(struct build *b, int cold, struct err *err)
{
	const struct outlist *m[2], *p[3];
	struct outlist	 stale;
	size_t		 n;
	int		 sitefd = b->site.dirfd, rc = -1;

	b->published = "unchanged";
	memset(&stale, 0, sizeof(stale));
	if (!cold && list_stale(b, &stale) == -1) {
		err_set(err, "public", 0, "out of memory");
		goto out;
	}
	n = b->w.changed.n + stale.n;
	if (cold || b->recover == 2 || n > PUBLISH_IN_PLACE_MAX) {
		/* The whole tree from the list: no stale file comes along. */
		if (writer_fill(&b->w, &b->all, err) == -1)
			goto out;
		m[0] = &b->journal.moved;
		p[0] = &b->all;
		p[1] = &b->journal.paths;
		if (journal_write(sitefd, m, 1, p, 2, err) == -1 ||
		    writer_swap(&b->w, err) == -1)
			goto out;
		b->published = "swapped in";
	} else if (n > 0) {
		m[0] = &b->w.changed;
		m[1] = &b->journal.moved;
		p[0] = &stale;
		p[1] = &b->journal.paths;
		if (journal_write(sitefd, m, 2, p, 2, err) == -1 ||
		    writer_move(&b->w, err) == -1)
			goto out;
		remove_stale(b, &stale);
		b->published = "renamed into public/";
	} else
		writer_abort(&b->w);	/* nothing changed */
	b->wopen = 0;
	rc = 0;
out:
	outlist_free(&stale);
	return rc;
}

/*
 * One build of a site at a time, whether from stet build or a server:
 * each starts by removing a stage it finds, and the cache and journal
 * describe one build.  The lock is on the site folder itself (no file
 * to leave behind), and goes with the descriptor.  0, or -1 with err.
 */
static int
lock_site(struct build *b, struct err *err)
{
	if ((b->lockfd = open(b->o->dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return err_set(err, b->o->dir, 0, "%s", strerror(errno));
	while (flock(b->lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return err_set(err, b->o->dir, 0, "locking: %s",
			    strerror(errno));
		/* Another build is writing: wait, but not past a stop. */
		if (stopped(b))
			return err_set(err, NULL, 0, "interrupted");
		usleep(20 * 1000);
	}
	return 0;
}

/*
 * The temporary files of cache_write, ids_save and render_site's form
 * page: a build killed before renaming them leaves them behind, and
 * only a build holding the lock may say they are not being written.
 */
static void
remove_litter(int sitefd)
{
	static const char *const tmp[] = { ".stet/cache.tmp",
	    ".stet/ids.tmp", ".stet/form.html.tmp" };
	size_t	 i;

	for (i = 0; i < sizeof(tmp) / sizeof(*tmp); i++)
		(void)unlinkat(sitefd, tmp[i], 0);	/* mostly ENOENT */
}

static void *
cache_thread(void *arg)
{
	struct build	*b = arg;

	b->cache_rc = cache_read(b->cache_fd, &b->cache, &b->cache_err);
	/* .stet/ids too: it needs nothing of the site either. */
	b->ids_rc = ids_read(b->cache_fd, &b->ids, &b->ids_err);
	b->ids_done = 1;
	return NULL;
}

/* The cache, once its thread is done (or read here, without one). */
static const struct cache *
join_cache(void *arg)
{
	struct build	*b = arg;

	if (b->cache_thread) {
		pthread_join(b->cache_tid, NULL);
		b->cache_thread = 0;
	} else if (!b->cache_done && !b->o->full)
		b->cache_rc = cache_read(b->cache_fd, &b->cache,
		    &b->cache_err);
	b->cache_done = 1;
	return b->cache_rc == 0 ? b->cache : NULL;
}

static int
run(struct build *b, struct build_result *res, struct err *err)
{
	struct site	*s = &b->site;
	double		 t0 = now_ms(), t1, t2;
	const char	*unsized, *why;
	size_t		 i;
	int		 sitefd, cold, rc;

	/* stet check writes nothing: it needs no lock. */
	if (!b->o->check && lock_site(b, err) == -1)
		return -1;
	if (!b->o->check)
		remove_litter(b->lockfd);
	if ((sitefd = open(b->o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return err_set(err, b->o->dir, 0, "%s", strerror(errno));
	/* Read the cache on a thread of its own while posts/ is listed. */
	b->cache_fd = sitefd;
	b->cache_thread = 0;
	if (!b->o->full)
		b->cache_thread = pthread_create(&b->cache_tid, NULL,
		    cache_thread, b) == 0;
	rc = site_load(b->o->dir, &b->lopts, b->o->full ? NULL : join_cache,
	    b, s, err);
	join_cache(b);
	close(sitefd);
	if (rc == -1)
		return -1;
	if (b->cache_rc == -1)
		return err_set(err, ".stet/cache", 0, "%s", b->cache_err.msg);
	res->defaults = s->cfg.file == NULL;
	if (sig_global(s, &b->lopts, &b->ropts, b->sig, err) == -1)
		return -1;
	if (theme_static_sig(s, b->static_sig, CACHE_SIG, err) == -1)
		return -1;
	if (list_outputs(b, err) == -1)
		return -1;
	if (list_all(b) == -1)
		return err_set(err, "public", 0, "out of memory");
	if (!b->o->check && (b->recover = journal_read(s->dirfd, &b->journal,
	    err)) == -1)
		return -1;
	if ((cold = plan_build(b, err)) == -1)
		return -1;
	/*
	 * Code highlighted before is taken from .stet/code: a rebuild
	 * loads the highlighter only if an edit brought new code.
	 */
	highlight_cache_open(s->dirfd);
	if (images_plan(b, cold, err) == -1)
		return -1;
	/*
	 * Ids are what feeds (and stet check) know posts by, and the
	 * renderer tells whether a feed changed by what it would show.
	 */
	if (!b->ids_done)
		b->ids_rc = ids_read(s->dirfd, &b->ids, &b->ids_err);
	b->ids_done = 1;
	if (b->ids_rc == -1) {
		*err = b->ids_err;
		return -1;
	}
	if (ids_assign(s, b->ids, err) == -1)
		return -1;
	if (theme_templates(s, &b->tpl, err) == -1)
		return -1;
	if (b->o->check)
		return check_in_memory(b, res, err);
	if (stopped(b))
		return err_set(err, NULL, 0, "interrupted");
	if (writer_open(&b->w, s->dirfd, !cold, b->o->stop, err) == -1)
		return -1;
	b->wopen = 1;
	/* A file a stopped build renamed in may not match its twin. */
	b->w.suspect = &b->journal.moved;
	t1 = now_ms();
	/*
	 * static/ first (again only when something in it changed): a new
	 * post's images go out before the post that shows them.
	 */
	if ((cold || b->plan.fixed || memcmp(b->cache->static_sig,
	    b->static_sig, CACHE_SIG) != 0) &&
	    theme_static(s, &b->w, NULL, err) == -1)
		return -1;
	/*
	 * A broken link or missing image in a post is a warning of the
	 * build, not only a finding of stet check.  A post warned about
	 * is read and rendered again next time, so every build says it.
	 */
	if (links_init(&b->links, s, &b->outputs) == -1)
		return err_set(err, "public", 0, "out of memory");
	b->w.observe = links_page;
	b->w.observe_ctx = &b->links;
	/* So are posts whose raw HTML had to lose something. */
	if ((b->ropts.warned = calloc(s->nposts ? s->nposts : 1, 1)) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	if (render_site(s, b->tpl, &b->w, &b->ropts, &b->plan, err) == -1)
		return -1;
	/* Sorted for the cache, which looks each output's up. */
	digests_sort(&b->made);
	if ((unsized = images_unsized(s->images, &why)) != NULL)
		diag_warn(b->o->diag, unsized, 0, "images are published as "
		    "written, without width, height or smaller copies: %s",
		    why);
	/* After the feeds: old feed paths get copies of them. */
	if (redirects_write(s, &b->w, &b->nginx, err) == -1)
		return -1;
	for (i = 0; i < s->nposts; i++)
		if (b->links.warned[i] || b->ropts.warned[i])
			s->posts[i].warned = 1;
	t2 = now_ms();
	if (b->o->strict && b->o->diag != NULL && b->o->diag->nwarnings > 0)
		return err_set(err, NULL, 0, "--strict: %zu warnings",
		    b->o->diag->nwarnings);
	/* The last point to stop at before public/ changes. */
	if (stopped(b))
		return err_set(err, NULL, 0, "interrupted");
	if (publish(b, cold, err) == -1)
		return -1;
	/* Past the last point to stop at: the rest only records. */
	if (redirects_nginx(s->dirfd, &b->nginx, err) == -1)
		return -1;
	if (cache_write(s->dirfd, s, b->cache, cold || b->plan.fixed, b->sig,
	    b->static_sig, b->made_post, &b->outputs,
	    &b->made, err) == -1 ||
	    (b->ids != NULL && ids_save(s, b->ids, err) == -1) ||
	    images_deps_save(s->images, err) == -1 ||
	    /*
	     * Forget code not met only when every post was rendered: a
	     * page's image makes plan.fixed with most posts left alone.
	     */
	    highlight_cache_save(b->ropts.prev == NULL, err) == -1 ||
	    journal_remove(s->dirfd, err) == -1)
		return -1;
	res->kind = cold ? "cold" : b->plan.fixed ? "full" : "incremental";
	res->published = b->published;
	res->recovered = b->recover != 0;
	res->load_ms = t1 - t0;
	res->render_ms = t2 - t1;
	res->finish_ms = now_ms() - t2;
	res->total_ms = now_ms() - t0;
	res->nposts = s->nposts;
	res->npages = s->npages;
	res->ntopics = s->ntopics;
	res->written = atomic_load(&b->w.written);
	res->unchanged = atomic_load(&b->w.unchanged);
	/* The next future post, for a server that rebuilds when it is due. */
	res->next_due = 0;
	for (i = 0; i < s->nhidden; i++) {
		if (s->hidden[i].draft) {
			res->ndrafts++;
			continue;
		}
		res->nfuture++;
		if (res->next_due == 0 || s->hidden[i].date.t < res->next_due) {
			res->next_due = s->hidden[i].date.t;
			res->next_due_off = s->hidden[i].date.off;
		}
	}
	return 0;
}

int
site_build(const struct build_opts *o, struct build_result *res,
    struct err *err)
{
	struct build	 b;
	int		 rc;

	memset(&b, 0, sizeof(b));
	memset(res, 0, sizeof(*res));
	b.o = o;
	b.lopts.drafts = o->drafts;
	b.lopts.future = o->future;
	b.lopts.diag = o->diag;
	b.ropts.portable = o->portable;
	b.ropts.form = !o->check;
	b.site.dirfd = -1;
	b.lockfd = -1;
	digests_init(&b.prev);
	digests_init(&b.made);
	buf_init(&b.nginx, 0);
	markdown_init();
	rc = run(&b, res, err);
	if (rc == -1 && b.wopen)
		writer_abort(&b.w);
	highlight_cache_close();
	template_set_free(b.tpl);
	if (b.site.arena != NULL)
		site_free(&b.site);
	cache_free(b.cache);
	outlist_free(&b.outputs);
	links_free(&b.links);
	free(b.ropts.warned);
	outlist_free(&b.all);
	journal_free(&b.journal);
	if (b.lockfd != -1)
		close(b.lockfd);	/* and with it the lock */
	ids_free(b.ids);
	free(b.plan.post);
	free(b.plan.feeds);
	free(b.prev_post);
	free(b.made_post);
	digests_free(&b.prev);
	digests_free(&b.made);
	buf_free(&b.nginx);
	return rc;
}
