#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/esc.h"
#include "../support/hash.h"
#include "../support/text.h"
#include "feed.h"
#include "sitemap.h"
#include "markdown.h"
#include "outputs.h"
#include "images.h"
#include "render.h"
#include "render_job.h"
#include "toc.h"

#define WORDS_PER_MINUTE	230
#define HOME_NOTES		5	/* notes the home page lists */
/*
 * The newest posts writing/index.html lists under its years.  Every post
 * is on its year's page; the archive's index stays a few kilobytes at
 * any number of posts instead of a megabyte at a few thousand.
 */
#define WRITING_RECENT		20


/* What every page's template sees, besides its own data. */
struct pagectx {
	struct tbuild	 tb;
	const struct job *job;
	const char	*root;		/* "./", "../../", or the base path */
	int		 depth;		/* root is "../" that often; -1: not */
	const char	*index;		/* "" or "index.html" */
	const char	*rel;		/* the page's file (outputs.h) */
	const char	*path;		/* and its URL from the site's root */
	const struct topic *topic;	/* a topic page's topic, for its feeds */
};

static struct tval out_link(struct pagectx *, enum out_kind, size_t);

/* The feeds a page announces: the site's, and its topic's if it has one. */
static struct tval
feed_links(struct pagectx *pc)
{
	const struct site *s = pc->job->site;
	struct tval	 list, item;
	size_t		 k, n = OUT_FEED_FORMATS;
	int		 t;

	list = tv_list(&pc->tb, pc->topic ? 2 * n : n);
	for (t = pc->topic ? 1 : 0; t >= 0; t--)
		for (k = 0; k < n; k++) {
			item = tv_obj(&pc->tb, 3);
			tv_set(&pc->tb, &item, "type",
			    tv_str(out_feed_formats[k].type));
			if (t) {
				tv_set(&pc->tb, &item, "title", tv_cat(&pc->tb,
				    s->cfg.title, ": ", pc->topic->title, " (",
				    out_feed_formats[k].name, ")", NULL));
				/* The topic page sits beside its feeds. */
				tv_set(&pc->tb, &item, "url",
				    tv_str(out_feed_formats[k].file));
			} else {
				tv_set(&pc->tb, &item, "title", tv_cat(&pc->tb,
				    s->cfg.title, " (", out_feed_formats[k].name, ")",
				    NULL));
				tv_set(&pc->tb, &item, "url",
				    out_link(pc, OUT_FEED, k));
			}
			tv_push(&pc->tb, &list, item);
		}
	return list;
}

/* "../" once per folder level of rel ("writing/x/index.html": 2). */
static const char *
root_for(struct pagectx *pc, const char *rel)
{
	size_t	 depth = 0, i;
	char	*r;

	for (i = 0; rel[i]; i++)
		if (rel[i] == '/')
			depth++;
	pc->depth = depth < SHARED_DEPTHS ? (int)depth : -1;
	if (depth == 0)
		return "./";
	if ((r = arena_alloc(pc->tb.arena, depth * 3 + 1)) == NULL) {
		pc->tb.oom = 1;
		return "./";
	}
	for (i = 0; i < depth; i++)
		memcpy(r + i * 3, "../", 3);
	r[depth * 3] = '\0';
	return r;
}

/*
 * A link from pc's page to output (k, i): "../../writing/<slug>/", and
 * index.html after a folder when links must work from disk.
 */
static struct tval
out_link(struct pagectx *pc, enum out_kind k, size_t i)
{
	const struct site *s = pc->job->site;
	struct buf	 b;
	struct tval	 v;

	buf_init(&b, 0);
	if (buf_puts(&b, pc->root) == -1 || out_url(s, k, i, &b) == -1 ||
	    ((b.len == 0 || b.data[b.len - 1] == '/') &&
	    buf_puts(&b, pc->index) == -1)) {
		buf_free(&b);
		pc->tb.oom = 1;
		return tv_null();
	}
	v = tv_str(arena_strndup(pc->tb.arena, b.data, b.len));
	if (v.u.s[0] == '\0')
		pc->tb.oom = 1;
	buf_free(&b);
	return v;
}

/* Which output an entry's page is: a post's or a note's. */
static enum out_kind
entry_kind(const struct site *s, const struct post *p, size_t *i)
{
	if (p >= s->posts && p < s->posts + s->nposts) {
		*i = (size_t)(p - s->posts);
		return OUT_POST;
	}
	*i = (size_t)(p - s->notes);
	return OUT_NOTE;
}

static struct tval
date_vals(struct pagectx *pc, struct tval *obj, const struct date *d,
    const char *human, const char *machine)
{
	char	 h[64], m[64];

	date_human(d, h, sizeof(h));
	date_rfc3339(d, m, sizeof(m));
	tv_set(&pc->tb, obj, human, tv_str(arena_strdup(pc->tb.arena, h)));
	tv_set(&pc->tb, obj, machine, tv_str(arena_strdup(pc->tb.arena, m)));
	return *obj;
}

/*
 * Values many pages show alike.  Every rebuild digests every page's
 * values to tell which changed (emit), and most of what a page holds is
 * shared: a post's list item is on its neighbours' pages, its related
 * posts', its year's and its topics'.  So such a value is made once a
 * build for pages at one depth (its links start with the same root),
 * its digest kept in job->shared, and each page gets a lazy value
 * carrying that digest: made only if the page is rendered.  The digest
 * is of the value itself, so it is derived like any other, not listed.
 */
enum shared_kind { SH_POST, SH_TOPIC, SH_SITE, SH_NAV, SH_FEEDS };

/* Where the digest of kind k's value i for pc's depth is kept, or NULL. */
static _Atomic uint64_t *
shared_slot(const struct pagectx *pc, enum shared_kind k, size_t i)
{
	const struct site *s = pc->job->site;
	size_t	 at;

	if (pc->job->shared == NULL || pc->depth < 0)
		return NULL;
	switch (k) {
	case SH_POST:
		at = i;
		break;
	case SH_TOPIC:
		at = s->nposts + i;
		break;
	default:
		at = s->nposts + s->ntopics + (size_t)(k - SH_SITE);
		break;
	}
	return &pc->job->shared[(size_t)pc->depth * SHARED_STRIDE(s) + at];
}

struct made_later {
	struct pagectx	*pc;
	const void	*what;
	struct tval	(*make)(struct pagectx *, const void *);
};

static struct tval
make_later(void *arg)
{
	const struct made_later *m = arg;

	return m->make(m->pc, m->what);
}

/*
 * make(pc, what), which every page at pc's depth makes alike (slot: where
 * its digest is kept; NULL: made now).  Two threads may both make it the
 * first time: they find the same digest.
 */
static struct tval
shared(struct pagectx *pc, _Atomic uint64_t *slot,
    struct tval (*make)(struct pagectx *, const void *), const void *what)
{
	struct made_later *m;
	struct tval	 v;
	uint64_t	 d;

	if (slot == NULL)
		return make(pc, what);
	if ((d = atomic_load_explicit(slot, memory_order_relaxed)) == 0) {
		v = make(pc, what);
		if (pc->tb.oom)
			return tv_null();
		d = tv_digest(HASH_INIT, &v) | 1;	/* 0 is "not yet" */
		atomic_store_explicit(slot, d, memory_order_relaxed);
	}
	if ((m = arena_alloc(pc->tb.arena, sizeof(*m))) == NULL) {
		pc->tb.oom = 1;
		return tv_null();
	}
	m->pc = pc;
	m->what = what;
	m->make = make;
	return tv_lazy_known(&pc->tb, make_later, m, d);
}

static struct tval	post_item_now(struct pagectx *, const struct post *);

static struct tval
make_post_item(struct pagectx *pc, const void *p)
{
	return post_item_now(pc, p);
}

/* A post (or a note) as lists show it, shared by the pages that do. */
static struct tval
post_item(struct pagectx *pc, const struct post *p)
{
	const struct site *s = pc->job->site;

	if (p < s->posts || p >= s->posts + s->nposts)
		return post_item_now(pc, p);
	return shared(pc, shared_slot(pc, SH_POST, (size_t)(p - s->posts)),
	    make_post_item, p);
}

/* A post as lists show it. */
static struct tval
post_item_now(struct pagectx *pc, const struct post *p)
{
	const struct site *s = pc->job->site;
	struct tval	 o = tv_obj(&pc->tb, 6);
	const struct post_dates *d;
	enum out_kind	 k;
	size_t		 i;

	tv_set(&pc->tb, &o, "title", tv_str(p->title));
	k = entry_kind(s, p, &i);
	/* Its URL was found once for the build: a post is in many lists. */
	if (k == OUT_POST)
		tv_set(&pc->tb, &o, "url", tv_cat(&pc->tb, pc->root,
		    pc->job->post_urls[i], pc->index, NULL));
	else
		tv_set(&pc->tb, &o, "url", out_link(pc, k, i));
	tv_set(&pc->tb, &o, "summary", tv_str(p->summary));
	tv_set(&pc->tb, &o, "slug", tv_str(p->slug));
	/* A post is in a dozen lists: its dates are written once. */
	if (k == OUT_POST) {
		d = &pc->job->dates[i];
		tv_set(&pc->tb, &o, "date", tv_str(d->human));
		tv_set(&pc->tb, &o, "datetime", tv_str(d->machine));
	} else
		date_vals(pc, &o, &p->date, "date", "datetime");
	return o;
}

/*
 * A topic.  Post pages get it without its count: the count changes with
 * every post, and would make a rebuild rewrite every page.
 */
static struct tval
topic_item(struct pagectx *pc, const struct topic *t, int with_count)
{
	struct tval	 o = tv_obj(&pc->tb, 6);

	tv_set(&pc->tb, &o, "title", tv_str(t->title));
	tv_set(&pc->tb, &o, "tag", tv_str(t->tag));
	tv_set(&pc->tb, &o, "slug", tv_str(t->slug));
	tv_set(&pc->tb, &o, "about", tv_str(t->about));
	tv_set(&pc->tb, &o, "url", out_link(pc, OUT_TOPIC,
	    (size_t)(t - pc->job->site->topics)));
	if (with_count)
		tv_set(&pc->tb, &o, "count", tv_fmt(&pc->tb, "%zu",
		    t->count));
	return o;
}

static struct tval
make_topic_link(struct pagectx *pc, const void *t)
{
	return topic_item(pc, t, 0);
}

static struct tval
make_site(struct pagectx *pc, const void *unused)
{
	const struct site *s = pc->job->site;
	struct tval	 site = tv_obj(&pc->tb, 6);

	(void)unused;
	tv_set(&pc->tb, &site, "title", tv_str(s->cfg.title));
	tv_set(&pc->tb, &site, "author", tv_str(s->cfg.author));
	tv_set(&pc->tb, &site, "description", tv_str(s->cfg.description));
	tv_set(&pc->tb, &site, "language", tv_str(s->cfg.language));
	tv_set(&pc->tb, &site, "url", tv_str(s->cfg.url));
	return site;
}

/* The site's pages but the home page's introduction, as links. */
static struct tval
make_nav(struct pagectx *pc, const void *unused)
{
	const struct site *s = pc->job->site;
	struct tval	 nav, item;
	size_t		 i;

	(void)unused;
	nav = tv_list(&pc->tb, s->npages);
	for (i = 0; i < s->npages; i++) {
		if (strcmp(s->pages[i].name, "index") == 0)
			continue;
		item = tv_obj(&pc->tb, 2);
		tv_set(&pc->tb, &item, "title", tv_str(s->pages[i].title));
		tv_set(&pc->tb, &item, "url", tv_cat(&pc->tb, pc->root,
		    s->pages[i].name, "/", pc->index, NULL));
		tv_push(&pc->tb, &nav, item);
	}
	return nav;
}

static struct tval
make_feeds(struct pagectx *pc, const void *unused)
{
	(void)unused;
	return feed_links(pc);
}

/*
 * The fields every template gets: site, root, index, page, nav and
 * subscribe_action.  path is the page's path from the site's root ("" for
 * the home page, "writing/x/"), for its canonical URL.
 */
static struct tval
page_base(struct pagectx *pc, size_t extra, const char *path,
    const char *title, const char *description, const char *og_type)
{
	const struct site *s = pc->job->site;
	struct tval	 ctx, page;

	ctx = tv_obj(&pc->tb, 7 + extra);
	tv_set(&pc->tb, &ctx, "site", shared(pc, shared_slot(pc, SH_SITE, 0),
	    make_site, NULL));
	tv_set(&pc->tb, &ctx, "root", tv_str(pc->root));
	tv_set(&pc->tb, &ctx, "index", tv_str(pc->index));

	page = tv_obj(&pc->tb, 5);
	if (title != NULL && strcmp(title, s->cfg.title) != 0)
		tv_set(&pc->tb, &page, "title", tv_cat(&pc->tb, title, " · ",
		    s->cfg.title, NULL));
	else
		tv_set(&pc->tb, &page, "title", tv_str(s->cfg.title));
	tv_set(&pc->tb, &page, "og_title", tv_str(title ? title :
	    s->cfg.title));
	/* A post without a summary gets its first paragraph: render_entry. */
	if (description != NULL && *description != '\0')
		tv_set(&pc->tb, &page, "description", tv_str(description));
	tv_set(&pc->tb, &page, "og_type", tv_str(og_type));
	tv_set(&pc->tb, &page, "canonical", tv_cat(&pc->tb, s->cfg.url, path,
	    NULL));
	tv_set(&pc->tb, &ctx, "page", page);

	tv_set(&pc->tb, &ctx, "nav", shared(pc, shared_slot(pc, SH_NAV, 0),
	    make_nav, NULL));
	/* A topic's page announces its own feeds too: its alone. */
	tv_set(&pc->tb, &ctx, "feeds", shared(pc, pc->topic == NULL ?
	    shared_slot(pc, SH_FEEDS, 0) : NULL, make_feeds, NULL));
	if (s->cfg.subscribe_action != NULL)
		tv_set(&pc->tb, &ctx, "subscribe_action",
		    tv_str(s->cfg.subscribe_action));
	else
		tv_set(&pc->tb, &ctx, "subscribe_action", tv_cat(&pc->tb,
		    pc->root, "subscribe", NULL));
	return ctx;
}

/* pc for rendering output (k, i): its file, URL and way back to the root. */
static int
pagectx_init(struct pagectx *pc, const struct job *job, enum out_kind k,
    size_t i, struct err *err)
{
	struct buf	 b;

	memset(pc, 0, sizeof(*pc));
	pc->job = job;
	pc->index = job->opts->portable ? "index.html" : "";
	if ((pc->tb.arena = arena_new()) == NULL)
		return err_set(err, "public", 0, "out of memory");
	/* A post's file and URL were found once for the build. */
	if (k == OUT_POST) {
		pc->path = job->post_urls[i];
		pc->rel = job->post_files[i];
		pc->root = root_for(pc, pc->rel);
		return 0;
	}
	buf_init(&b, 0);
	if (out_file(job->site, k, i, &b) == -1 ||
	    (pc->rel = arena_strndup(pc->tb.arena, b.data, b.len)) == NULL ||
	    (buf_reset(&b), out_url(job->site, k, i, &b)) == -1 ||
	    (pc->path = arena_strndup(pc->tb.arena, b.data, b.len)) == NULL) {
		buf_free(&b);
		arena_free(pc->tb.arena);
		pc->tb.arena = NULL;
		return err_set(err, "public", 0, "out of memory");
	}
	buf_free(&b);
	pc->root = root_for(pc, pc->rel);
	return 0;
}

uint64_t
render_source_id(const struct post *p)
{
	uint64_t h = hash_str(HASH_INIT, p->file);

	h = hash_num(h, p->mtime_ns);
	return hash_num(h, p->size);
}

int
render_needed(const struct job *job, const char *rel, uint64_t d,
    struct err *err)
{
	uint64_t	 old;

	if (job->opts->made != NULL && digests_put(job->opts->made, rel,
	    d) == -1)
		return err_set(err, rel, 0, "out of memory");
	return job->opts->prev == NULL ||
	    !digests_get(job->opts->prev, rel, &old) || old != d;
}

/* Render template name with ctx and write it at rel. */
static int
emit_now(struct pagectx *pc, int worker, const char *name, const char *rel,
    const struct tval *ctx, struct err *err)
{
	struct buf	 out;
	int		 rc;

	if (pc->tb.oom)
		return err_set(err, rel, 0, "out of memory");
	buf_init(&out, 0);
	rc = template_render(pc->job->tpl, name, ctx, &out, err);
	/* Lazy values are made while rendering, and may run out too. */
	if (rc == 0 && pc->tb.oom)
		rc = err_set(err, rel, 0, "out of memory");
	if (rc == 0)
		rc = writer_put(pc->job->w, worker, rel, out.data, out.len, err);
	buf_free(&out);
	return rc;
}

/*
 * The same, unless nothing template name reads of ctx changed since the
 * last build: ctx is everything a page made by a template can show.
 */
static int
emit(struct pagectx *pc, int worker, const char *name, const char *rel,
    const struct tval *ctx, struct err *err)
{
	uint64_t	 d;
	int		 rc;

	if (pc->tb.oom)
		return err_set(err, rel, 0, "out of memory");
	d = tv_digest(hash_str(HASH_INIT, name), ctx);
	if ((rc = render_needed(pc->job, rel, d, err)) != 1)
		return rc;
	return emit_now(pc, worker, name, rel, ctx, err);
}

/* Markdown or HTML body of file to html (and its absolute twin). */
int
body_html(const struct job *job, const char *file, const char *dir,
    int is_html, const char *base, struct buf *html, struct buf *abs,
    size_t *words, struct diag *diag, struct err *err)
{
	return body_html_page(job, file, dir, is_html, base, html, abs, words,
	    NULL,
	    NULL, diag, err);
}

int
body_html_page(const struct job *job, const char *file, const char *dir,
    int is_html, const char *base, struct buf *html, struct buf *abs,
    size_t *words, struct md_headings *heads, struct buf *lede,
    struct diag *diag, struct err *err)
{
	const struct site *s = job->site;
	struct buf	 src;
	struct front_split fs;
	struct md_opts	 mo;
	char		 why[160];
	size_t		 line;
	int		 rc = -1, warned = 0;

	buf_init(&src, 0);
	if (job->src->read(job->src->arg, file, &src, &fs, err) == -1)
		goto out;
	if (words != NULL)
		*words = text_words(fs.body, fs.body_len);
	memset(&mo, 0, sizeof(mo));
	mo.diag = diag;
	mo.file = file;
	mo.line = fs.body_line;
	mo.site = s->cfg.url;
	mo.allow_remote_images = s->cfg.images_remote_allow;
	mo.portable = job->opts->portable;
	mo.warned = &warned;
	/* Images and sidenotes (imgtags.h, sidenotes.h). */
	mo.images = s->images;
	mo.page_dir = dir;
	mo.base_path = s->cfg.base_path;
	/* Anchor links and contents: toc.c (heads is NULL for a feed). */
	mo.anchors = heads != NULL;
	mo.headings = heads;
	mo.lede = lede;
	if (is_html) {
		if (markdown_clean_html(fs.body, fs.body_len, &mo, NULL,
		    html) == -1 || (abs != NULL && markdown_clean_html(fs.body,
		    fs.body_len, &mo, base, abs) == -1))
			goto oom;
	} else if (markdown_check(fs.body, fs.body_len, &line, why,
	    sizeof(why)) == -1) {
		err_set(err, file, fs.body_line + line - 1, "%s", why);
		goto out;
	} else if (markdown_to_html(fs.body, fs.body_len, &mo, html, base,
	    abs) == -1)
		goto oom;
	rc = warned;
	goto out;
oom:
	err_set(err, file, 0, "out of memory");
out:
	buf_free(&src);
	return rc;
}

/*
 * Up to RELATED_MAX posts that share the most topics with post i, the
 * nearest in time first among equals, leaving out i's neighbours (the
 * page links to them already).  Candidates are the RELATED_NEAR posts
 * on either side of i in each of its topics, so the work per page stays
 * small on a site of thousands of posts.  Returns how many, in out.
 */
#define RELATED_MAX	3
#define RELATED_NEAR	32

static size_t
related_posts(const struct job *job, size_t i, int worker, size_t *out)
{
	const struct site *s = job->site;
	const struct post *p = &s->posts[i];
	struct related	*r = &job->related[worker];
	size_t		 k, j, lo, hi, mid, a, b, pos, n = 0, ncand = 0;
	uint64_t	 best[RELATED_MAX];

	if (job->related == NULL)
		return 0;
	for (k = 0; k < p->ntopics; k++) {
		size_t t = p->topics[k];
		const size_t *v = job->topic_posts + job->topic_start[t];
		size_t m = job->topic_start[t + 1] - job->topic_start[t];

		/* A topic's posts are in site order: find i among them. */
		lo = 0;
		hi = m;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (v[mid] < i)
				lo = mid + 1;
			else
				hi = mid;
		}
		a = lo > RELATED_NEAR ? lo - RELATED_NEAR : 0;
		b = lo + RELATED_NEAR + 1 < m ? lo + RELATED_NEAR + 1 : m;
		for (j = a; j < b; j++) {
			size_t c = v[j];

			if (c == i || c + 1 == i || c == i + 1)
				continue;
			if (r->stamp[c] != i + 1) {
				r->stamp[c] = i + 1;
				r->count[c] = 0;
				r->cand[ncand++] = c;
			}
			r->count[c]++;
		}
	}
	/*
	 * Keep the best few: more topics shared first, then the nearer in
	 * the site's order (by date), then the newer.  Packed in one number
	 * so the comparison is one.
	 */
	for (j = 0; j < ncand; j++) {
		size_t c = r->cand[j], dist = c > i ? c - i : i - c;
		uint64_t key = ((uint64_t)r->count[c] << 48) |
		    ((uint64_t)(0xffffff - (dist & 0xffffff)) << 24) |
		    (uint64_t)(0xffffff - (c & 0xffffff));

		for (pos = n; pos > 0 && best[pos - 1] < key; pos--)
			;
		if (pos >= RELATED_MAX)
			continue;
		for (k = n < RELATED_MAX ? n++ : RELATED_MAX - 1; k > pos;
		    k--) {
			best[k] = best[k - 1];
			out[k] = out[k - 1];
		}
		best[pos] = key;
		out[pos] = c;
	}
	return n;
}

/*
 * Render entry i of list (posts or notes) with template tpl, when page is
 * set, and with want_abs keep its body with absolute URLs in *abs_out.
 */
static int
render_entry(const struct job *job, const struct post *list, size_t n,
    size_t i, const char *tpl, int page, int want_abs, char **abs_out,
    int worker, struct err *err)
{
	const struct site *s = job->site;
	const struct post *p = &list[i];
	struct pagectx	 pc;
	struct buf	 html, abs, lede, *want_lede = NULL;
	struct tval	 ctx, post, topics, t, *pg;
	struct md_headings heads;
	size_t		 words = 0, k, minutes;
	uint64_t	 d;
	int		 rc = -1, warned;

	buf_init(&html, 0);
	buf_init(&abs, 0);
	buf_init(&lede, 0);
	memset(&heads, 0, sizeof(heads));
	if (pagectx_init(&pc, job, list == s->posts ? OUT_POST : OUT_NOTE, i,
	    err) == -1)
		return -1;
	if (page) {
		ctx = page_base(&pc, 5, pc.path, p->title, p->summary,
		    "article");
		/* The list fields plus what only the post page shows. */
		post = post_item_now(&pc, p);
		if (p->has_updated)
			date_vals(&pc, &post, &p->updated, "updated",
			    "updated_datetime");
		topics = tv_list(&pc.tb, p->ntopics);
		for (k = 0; k < p->ntopics; k++) {
			t = shared(&pc, shared_slot(&pc, SH_TOPIC, p->topics[k]),
			    make_topic_link, &s->topics[p->topics[k]]);
			tv_push(&pc.tb, &topics, t);
		}
		tv_set(&pc.tb, &post, "topics", topics);
		tv_set(&pc.tb, &post, "has_topics", tv_str(p->ntopics ? "1" :
		    ""));
		if (i > 0)
			tv_set(&pc.tb, &ctx, "newer", post_item(&pc,
			    &list[i - 1]));
		if (i + 1 < n)
			tv_set(&pc.tb, &ctx, "older", post_item(&pc,
			    &list[i + 1]));
		tv_set(&pc.tb, &ctx, "has_prevnext", tv_str(n > 1 ? "1" : ""));
		if (list == s->posts) {
			size_t rel_ix[RELATED_MAX], nrel;
			struct tval related;

			nrel = related_posts(job, i, worker, rel_ix);
			related = tv_list(&pc.tb, nrel);
			for (k = 0; k < nrel; k++)
				tv_push(&pc.tb, &related, post_item(&pc,
				    &list[rel_ix[k]]));
			tv_set(&pc.tb, &ctx, "related", related);
			tv_set(&pc.tb, &ctx, "has_related", tv_str(nrel ? "1" :
			    ""));
		}
		if (pc.tb.oom) {
			err_set(err, p->file, 0, "out of memory");
			goto out;
		}
		/*
		 * Everything the page shows but its body, and for the body
		 * (its content and reading time) the identity of its source.
		 * A post read again (changed, or warned about last time)
		 * renders again: its warnings are said on every build.
		 */
		d = hash_str(HASH_INIT, tpl);
		d = hash_num(d, (int64_t)render_source_id(p));
		/* And of the image files it shows (their width and height). */
		d = hash_num(d, (int64_t)images_digest(s->images, p->file));
		d = tv_digest(tv_digest(d, &ctx), &post);
		if (list == s->posts && job->opts->made_post != NULL) {
			job->opts->made_post[i] = d;
			page = job->opts->prev_post == NULL ||
			    job->opts->prev_post[i] != d;
		} else if ((page = render_needed(job, pc.rel, d, err)) == -1)
			goto out;
		page |= p->fresh;
		if (page && (p->summary == NULL || *p->summary == '\0'))
			want_lede = &lede;
	}
	if (!page && !want_abs) {
		rc = 0;
		goto out;
	}
	if (want_abs) {
		struct buf full;

		buf_init(&full, 0);
		if (buf_printf(&full, "%s%s", s->cfg.url, pc.path) == -1) {
			buf_free(&full);
			err_set(err, p->file, 0, "out of memory");
			goto out;
		}
		warned = body_html_page(job, p->file, pc.path, p->is_html,
		    full.data, &html, &abs, &words, &heads, want_lede,
		    s->diag, err);
		buf_free(&full);
	} else
		warned = body_html_page(job, p->file, pc.path, p->is_html,
		    NULL, &html, NULL, &words, &heads, want_lede, s->diag,
		    err);
	if (warned == -1)
		goto out;
	/* Notes are rendered every time; posts only when they change. */
	if (warned && list == s->posts && job->opts->warned != NULL)
		job->opts->warned[i] = 1;
	if (!page)
		goto keep;
	minutes = (words + WORDS_PER_MINUTE / 2) / WORDS_PER_MINUTE;
	tv_set(&pc.tb, &post, "reading_time", tv_fmt(&pc.tb, "%zu",
	    minutes ? minutes : 1));
	tv_set(&pc.tb, &post, "content", tv_strn(html.data, html.len));
	/*
	 * Without a summary, the description search engines and link
	 * previews show is the first paragraph: it depends on the body
	 * alone, whose source the digest above covers.
	 */
	if (want_lede != NULL && lede.len > 0 &&
	    (pg = (struct tval *)tv_get(&ctx, "page")) != NULL)
		tv_set(&pc.tb, pg, "description", tv_strn(lede.data,
		    lede.len));
	/* The table of contents: toc.c. */
	if (toc_wanted(p->front, &heads, s->cfg.toc_headings)) {
		tv_set(&pc.tb, &post, "has_toc", tv_str("1"));
		tv_set(&pc.tb, &post, "toc", toc_value(&pc.tb, &heads));
	}
	tv_set(&pc.tb, &ctx, "post", post);
	if (emit_now(&pc, worker, tpl, pc.rel, &ctx, err) == -1)
		goto out;
keep:
	if (want_abs) {
		/* The feed takes this body; freed by its caller. */
		*abs_out = buf_take(&abs, NULL);
		if (*abs_out == NULL) {
			err_set(err, p->file, 0, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	arena_free(pc.tb.arena);
	md_headings_free(&heads);
	buf_free(&html);
	buf_free(&abs);
	buf_free(&lede);
	return rc;
}

/*
 * Render post i's page (when page is set) and, when it is among the
 * entries of a feed that changes, keep its body for the feed.
 */
static int
render_post(const struct job *job, size_t i, int page, int worker,
    struct err *err)
{
	return render_entry(job, job->site->posts, job->site->nposts, i,
	    "post", page, job->need_body[i], &job->feed_html[i], worker, err);
}

/* The newest posts, max of them (0: all), of the site or of topic only. */
static struct tval
post_list(struct pagectx *pc, const struct site *s, size_t max,
    const struct topic *only)
{
	const struct job *job = pc->job;
	struct tval	 list;
	size_t		 i, t = 0, n = s->nposts;

	if (only != NULL) {
		t = (size_t)(only - s->topics);
		n = job->topic_start[t + 1] - job->topic_start[t];
	}
	if (max && n > max)
		n = max;
	list = tv_list(&pc->tb, n);
	for (i = 0; i < n; i++)
		tv_push(&pc->tb, &list, post_item(pc, &s->posts[only == NULL ?
		    i : job->topic_posts[job->topic_start[t] + i]]));
	return list;
}

static int
render_home(const struct job *job, int worker, struct err *err)
{
	const struct site *s = job->site;
	struct pagectx	 pc;
	struct tval	 ctx, topics, links, l, notes;
	struct buf	 intro;
	size_t		 i;
	int		 rc = -1;

	buf_init(&intro, 0);
	if (pagectx_init(&pc, job, OUT_HOME, 0, err) == -1)
		return -1;
	for (i = 0; i < s->npages; i++)
		if (strcmp(s->pages[i].name, "index") == 0 &&
		    body_html(job, s->pages[i].file, "", s->pages[i].is_html,
		    NULL, &intro, NULL, NULL, s->diag, err) == -1)
			goto out;
	ctx = page_base(&pc, 11, pc.path, NULL, s->cfg.description,
	    "website");
	tv_set(&pc.tb, &ctx, "intro", tv_strn(intro.data, intro.len));
	topics = tv_list(&pc.tb, s->cfg.ntopics);
	for (i = 0; i < s->cfg.ntopics; i++)
		tv_push(&pc.tb, &topics, topic_item(&pc, &s->topics[i], 1));
	tv_set(&pc.tb, &ctx, "topics", topics);
	tv_set(&pc.tb, &ctx, "has_topics", tv_str(topics.n ? "1" : ""));
	links = tv_list(&pc.tb, s->cfg.nlinks);
	for (i = 0; i < s->cfg.nlinks; i++) {
		l = tv_obj(&pc.tb, 3);
		tv_set(&pc.tb, &l, "name", tv_str(s->cfg.links[i].name));
		tv_set(&pc.tb, &l, "url", tv_str(s->cfg.links[i].url));
		tv_set(&pc.tb, &l, "note", tv_str(s->cfg.links[i].note));
		tv_push(&pc.tb, &links, l);
	}
	tv_set(&pc.tb, &ctx, "links", links);
	tv_set(&pc.tb, &ctx, "has_links", tv_str(links.n || s->nnotes ? "1" :
	    ""));
	notes = tv_list(&pc.tb, s->nnotes < HOME_NOTES ? s->nnotes :
	    HOME_NOTES);
	for (i = 0; i < s->nnotes && i < HOME_NOTES; i++)
		tv_push(&pc.tb, &notes, post_item(&pc, &s->notes[i]));
	tv_set(&pc.tb, &ctx, "notes", notes);
	tv_set(&pc.tb, &ctx, "has_notes", tv_str(notes.n ? "1" : ""));
	/* home.recent: 0 means no list at all, not every post. */
	tv_set(&pc.tb, &ctx, "posts", s->cfg.home_recent ? post_list(&pc, s,
	    s->cfg.home_recent, NULL) : tv_list(&pc.tb, 0));
	tv_set(&pc.tb, &ctx, "has_posts", tv_str(s->nposts &&
	    s->cfg.home_recent ? "1" : ""));
	rc = emit(&pc, worker, "home", pc.rel, &ctx, err);
out:
	arena_free(pc.tb.arena);
	buf_free(&intro);
	return rc;
}

/* A year's posts, as a list, for the lazy years[].posts below. */
struct year_posts {
	struct pagectx		*pc;
	const struct year	*year;
};

static struct tval
year_posts(void *arg)
{
	struct year_posts *yp = arg;
	const struct site *s = yp->pc->job->site;
	struct tval	 posts = tv_list(&yp->pc->tb, yp->year->n);
	size_t		 k;

	for (k = 0; k < yp->year->n; k++)
		tv_push(&yp->pc->tb, &posts, post_item(yp->pc,
		    &s->posts[yp->year->posts[k]]));
	return posts;
}

/*
 * writing/index.html: the years, newest first, each with its count and
 * its page, then the newest posts.  Each year keeps its posts too (as
 * years[].posts), for templates written when this page listed them all;
 * made only if the template reads them, as the built-in one does not.
 */
static int
render_writing(const struct job *job, int worker, struct err *err)
{
	const struct site *s = job->site;
	const struct years *ys = &job->years;
	struct pagectx	 pc;
	struct tval	 ctx, years, year;
	struct year_posts *yp;
	size_t		 i;
	int		 rc, with_posts;

	if (pagectx_init(&pc, job, OUT_WRITING, 0, err) == -1)
		return -1;
	with_posts = template_reads(job->tpl, "writing", "years", "posts");
	ctx = page_base(&pc, 4, pc.path, "Writing", "Everything written "
	    "here, by year, newest first.", "website");
	years = tv_list(&pc.tb, ys->n);
	for (i = 0; i < ys->n; i++) {
		const struct year *y = &ys->v[i];

		year = tv_obj(&pc.tb, 4);
		tv_set(&pc.tb, &year, "year", tv_fmt(&pc.tb, "%d", y->year));
		tv_set(&pc.tb, &year, "count", tv_fmt(&pc.tb, "%zu", y->n));
		tv_set(&pc.tb, &year, "url", out_link(&pc, OUT_YEAR,
		    (size_t)y->year));
		/*
		 * Only for a template that reads them: made, or digested,
		 * they cost every post of the site in one job.
		 */
		if (!with_posts)
			;
		else if ((yp = arena_alloc(pc.tb.arena, sizeof(*yp))) == NULL)
			pc.tb.oom = 1;
		else {
			yp->pc = &pc;
			yp->year = y;
			tv_set(&pc.tb, &year, "posts", tv_lazy(&pc.tb,
			    year_posts, yp));
		}
		tv_push(&pc.tb, &years, year);
	}
	tv_set(&pc.tb, &ctx, "years", years);
	tv_set(&pc.tb, &ctx, "posts", post_list(&pc, s, WRITING_RECENT, NULL));
	tv_set(&pc.tb, &ctx, "count", tv_fmt(&pc.tb, "%zu", s->nposts));
	tv_set(&pc.tb, &ctx, "has_posts", tv_str(s->nposts ? "1" : ""));
	rc = emit(&pc, worker, "writing", pc.rel, &ctx, err);
	arena_free(pc.tb.arena);
	return rc;
}

/* A year as its neighbours' pages link to it: no count, which changes. */
static struct tval
year_link(struct pagectx *pc, int year)
{
	struct tval	 o = tv_obj(&pc->tb, 2);

	tv_set(&pc->tb, &o, "year", tv_fmt(&pc->tb, "%d", year));
	tv_set(&pc->tb, &o, "url", out_link(pc, OUT_YEAR, (size_t)year));
	return o;
}

/*
 * writing/YEAR/index.html: that year's posts, newest first, and links
 * to the years before and after it.  Nothing on it depends on other
 * years' posts, so a new post rewrites only its own year's page (and the
 * index); the writer leaves the others' unchanged bytes alone.
 */
static int
render_year(const struct job *job, size_t i, int worker, struct err *err)
{
	const struct site *s = job->site;
	const struct years *ys = &job->years;
	const struct year *y = &ys->v[i];
	struct pagectx	 pc;
	struct tval	 ctx, posts;
	char		 title[64], about[96];
	size_t		 k;
	int		 rc;

	/* A year is at most 11 characters: these cannot be cut short. */
	(void)snprintf(title, sizeof(title), "Writing in %d", y->year);
	(void)snprintf(about, sizeof(about), "Everything written here in "
	    "%d, newest first.", y->year);
	if (pagectx_init(&pc, job, OUT_YEAR, (size_t)y->year, err) == -1)
		return -1;
	ctx = page_base(&pc, 6, pc.path, title, about, "website");
	posts = tv_list(&pc.tb, y->n);
	for (k = 0; k < y->n; k++)
		tv_push(&pc.tb, &posts, post_item(&pc, &s->posts[y->posts[k]]));
	tv_set(&pc.tb, &ctx, "year", tv_fmt(&pc.tb, "%d", y->year));
	tv_set(&pc.tb, &ctx, "count", tv_fmt(&pc.tb, "%zu", y->n));
	tv_set(&pc.tb, &ctx, "posts", posts);
	if (i > 0)
		tv_set(&pc.tb, &ctx, "newer", year_link(&pc, ys->v[i - 1].year));
	if (i + 1 < ys->n)
		tv_set(&pc.tb, &ctx, "older", year_link(&pc, ys->v[i + 1].year));
	tv_set(&pc.tb, &ctx, "has_prevnext", tv_str(ys->n > 1 ? "1" : ""));
	rc = emit(&pc, worker, "year", pc.rel, &ctx, err);
	arena_free(pc.tb.arena);
	return rc;
}

static int
render_notes(const struct job *job, int worker, struct err *err)
{
	const struct site *s = job->site;
	struct pagectx	 pc;
	struct tval	 ctx, list;
	size_t		 i;
	int		 rc;

	if (pagectx_init(&pc, job, OUT_NOTES, 0, err) == -1)
		return -1;
	ctx = page_base(&pc, 1, pc.path, "Notes", "Short notes: what "
	    "shipped and what I learned.", "website");
	list = tv_list(&pc.tb, s->nnotes);
	for (i = 0; i < s->nnotes; i++)
		tv_push(&pc.tb, &list, post_item(&pc, &s->notes[i]));
	tv_set(&pc.tb, &ctx, "posts", list);
	rc = emit(&pc, worker, "notes", pc.rel, &ctx, err);
	arena_free(pc.tb.arena);
	return rc;
}

static int
render_topics(const struct job *job, int worker, struct err *err)
{
	const struct site *s = job->site;
	struct pagectx	 pc;
	struct tval	 ctx, topics;
	size_t		 i;
	int		 rc;

	if (pagectx_init(&pc, job, OUT_TOPICS, 0, err) == -1)
		return -1;
	ctx = page_base(&pc, 1, pc.path, "Topics", "What this site writes "
	    "about.", "website");
	topics = tv_list(&pc.tb, s->ntopics);
	for (i = 0; i < s->ntopics; i++)
		tv_push(&pc.tb, &topics, topic_item(&pc, &s->topics[i], 1));
	tv_set(&pc.tb, &ctx, "topics", topics);
	rc = emit(&pc, worker, "topics", pc.rel, &ctx, err);
	arena_free(pc.tb.arena);
	return rc;
}

static int
render_topic(const struct job *job, size_t t, int worker, struct err *err)
{
	const struct site *s = job->site;
	const struct topic *tp = &s->topics[t];
	struct pagectx	 pc;
	struct tval	 ctx;
	int		 rc;

	if (pagectx_init(&pc, job, OUT_TOPIC, t, err) == -1)
		return -1;
	pc.topic = tp;
	ctx = page_base(&pc, 2, pc.path, tp->title, tp->about, "website");
	tv_set(&pc.tb, &ctx, "topic", topic_item(&pc, tp, 1));
	tv_set(&pc.tb, &ctx, "posts", post_list(&pc, s, 0, tp));
	rc = emit(&pc, worker, "topic", pc.rel, &ctx, err);
	arena_free(pc.tb.arena);
	return rc;
}

static int
render_page(const struct job *job, size_t i, int worker, struct err *err)
{
	const struct site *s = job->site;
	const struct page *pg = &s->pages[i];
	struct pagectx	 pc;
	struct tval	 ctx;
	struct buf	 html;
	int		 rc = -1;

	if (strcmp(pg->name, "index") == 0)
		return 0;	/* the home page's introduction */
	buf_init(&html, 0);
	if (pagectx_init(&pc, job, OUT_PAGE, i, err) == -1)
		goto out;
	if (body_html(job, pg->file, pc.path, pg->is_html, NULL, &html, NULL,
	    NULL, s->diag, err) == -1) {
		arena_free(pc.tb.arena);
		goto out;
	}
	ctx = page_base(&pc, 2, pc.path, pg->title, pg->summary, "website");
	tv_set(&pc.tb, &ctx, "title", tv_str(pg->title));
	tv_set(&pc.tb, &ctx, "content", tv_strn(html.data, html.len));
	rc = emit(&pc, worker, "page", pc.rel, &ctx, err);
	arena_free(pc.tb.arena);
out:
	buf_free(&html);
	return rc;
}

static int
render_404(const struct job *job, int worker, struct err *err)
{
	struct pagectx	 pc;
	struct tval	 ctx;
	int		 rc;

	if (pagectx_init(&pc, job, OUT_404, 0, err) == -1)
		return -1;
	/* Served at any depth, so its links start from the base path. */
	pc.root = job->site->cfg.base_path;
	pc.depth = -1;
	ctx = page_base(&pc, 0, pc.path, "Page not found", NULL, "website");
	rc = emit(&pc, worker, "404", pc.rel, &ctx, err);
	arena_free(pc.tb.arena);
	return rc;
}

/*
 * The page stet serve answers the subscription forms with, into
 * job->form: render_site keeps it in .stet/form.html (not in public/: it
 * is no page of its own).  Its title and content are slots the server
 * fills per request, so the answers wear the site's own templates and
 * stylesheet.  Its links start from the base path: it is served at
 * several depths.
 */
static int
render_form(const struct job *job, struct err *err)
{
	const struct site *s = job->site;
	struct pagectx	 pc;
	struct tval	 ctx;
	int		 rc;

	if (!job->opts->form)
		return 0;
	if (pagectx_init(&pc, job, OUT_FORM, 0, err) == -1)
		return -1;
	pc.root = s->cfg.base_path;
	pc.depth = -1;
	ctx = page_base(&pc, 2, pc.path, RENDER_FORM_TITLE, NULL,
	    "website");
	tv_set(&pc.tb, &ctx, "title", tv_str(RENDER_FORM_TITLE));
	tv_set(&pc.tb, &ctx, "content", tv_str(RENDER_FORM_CONTENT));
	if (pc.tb.oom)
		rc = err_set(err, RENDER_FORM_FILE, 0, "out of memory");
	else
		rc = template_render(job->tpl, "form", &ctx, job->form, err);
	arena_free(pc.tb.arena);
	return rc;
}

/* Hand bytes to the writer as output k, one of those a site has one of. */
static int
put_one(const struct job *job, int worker, enum out_kind k,
    const struct buf *bytes, struct err *err)
{
	struct buf	 rel;
	int		 rc;

	buf_init(&rel, 0);
	if (out_file(job->site, k, 0, &rel) == -1)
		rc = err_set(err, "public", 0, "out of memory");
	else
		rc = writer_put(job->w, worker, rel.data, bytes->data,
		    bytes->len, err);
	buf_free(&rel);
	return rc;
}

static int
render_robots(const struct job *job, int worker, struct err *err)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b, 0);
	if (buf_printf(&b, "User-agent: *\nAllow: /\n") == -1)
		return err_set(err, "robots.txt", 0, "out of memory");
	rc = put_one(job, worker, OUT_ROBOTS, &b, err);
	buf_free(&b);
	return rc;
}

enum { EXTRA_WRITING, EXTRA_SITEMAP, EXTRA_HOME, EXTRA_TOPICS, EXTRA_404,
    EXTRA_ROBOTS, EXTRA_NOTES, EXTRA_FORM, EXTRA_FIXED };

static int
render_sitemap(const struct job *job, int worker, struct err *err)
{
	struct buf	 map;
	int		 rc;

	buf_init(&map, 0);
	if (sitemap_xml(job->site, job->post_urls, &map) == -1)
		rc = err_set(err, "sitemap.xml", 0, "out of memory");
	else
		rc = put_one(job, worker, OUT_SITEMAP, &map, err);
	buf_free(&map);
	return rc;
}

static int
run_job(void *ctx, size_t i, int worker, struct err *err)
{
	const struct job *job = ctx;
	const struct site *s = job->site;
	const struct plan *pl = job->plan;
	size_t		 nrest = job->njobs - s->nposts;
	int		 page;

	/*
	 * The lists first, each a long job (the writing index and the
	 * sitemap go through every post), then the posts, many and short:
	 * on two threads a long job taken last would run alone.
	 */
	if (i >= nrest) {
		i -= nrest;
		page = pl->post[i] == job->phase;
		if (page || (job->phase == PLAN_CHANGED &&
		    job->need_body[i] && job->feed_html[i] == NULL))
			return render_post(job, i, page, worker, err);
		return 0;
	}
	if (job->phase != PLAN_CHANGED)
		return 0;
	switch (i) {
	case EXTRA_HOME:
		return pl->lists ? render_home(job, worker, err) : 0;
	case EXTRA_NOTES:
		return s->nnotes ? render_notes(job, worker, err) : 0;
	case EXTRA_WRITING:
		return pl->lists ? render_writing(job, worker, err) : 0;
	case EXTRA_SITEMAP:
		return pl->lists ? render_sitemap(job, worker, err) : 0;
	case EXTRA_TOPICS:
		return pl->lists ? render_topics(job, worker, err) : 0;
	case EXTRA_404:
		return pl->fixed ? render_404(job, worker, err) : 0;
	case EXTRA_ROBOTS:
		/* static/robots.txt replaces ours, as style.css does. */
		return pl->fixed && !s->own_robots ?
		    render_robots(job, worker, err) : 0;
	case EXTRA_FORM:
		return render_form(job, err);
	}
	i -= EXTRA_FIXED;
	if (i < s->ntopics)
		return pl->lists ? render_topic(job, i, worker, err) : 0;
	i -= s->ntopics;
	if (i < job->years.n)
		return pl->lists ? render_year(job, i, worker, err) : 0;
	i -= job->years.n;
	if (i < s->npages)
		return pl->fixed ? render_page(job, i, worker, err) : 0;
	i -= s->npages;
	/*
	 * Notes are few and read every time: their pages, list and feeds
	 * are always rendered, and the writer leaves unchanged bytes alone.
	 */
	return render_entry(job, s->notes, s->nnotes, i, "note", 1, 0, NULL,
	    worker, err);
}

/*
 * A redirect page at an old path, rel, to output (k, ki): a post's old
 * paths (aliases: in its front matter), so links from before a migration
 * still land on it, and a topic's old path.
 */
static int
render_redirect(const struct job *job, const char *rel, enum out_kind k,
    size_t ki, const char *title, const char *file, struct err *err)
{
	const struct site *s = job->site;
	struct buf	 b, root, to, url;
	size_t		 i;
	int		 rc = -1;

	buf_init(&b, 0);
	buf_init(&root, 0);
	buf_init(&to, 0);
	buf_init(&url, 0);
	if (out_url(s, k, ki, &url) == -1)
		goto oom;
	/* Relative links, like every page's: from the alias's folder. */
	for (i = 0; rel[i]; i++)
		if (rel[i] == '/' && BUF_LIT(&root, "../") == -1)
			goto oom;
	if (root.len == 0 && BUF_LIT(&root, "./") == -1)
		goto oom;
	if (buf_put(&to, root.data, root.len) == -1 ||
	    buf_put(&to, url.data, url.len) == -1 ||
	    (job->opts->portable && BUF_LIT(&to, "index.html") == -1))
		goto oom;
	if (BUF_LIT(&b, "<!doctype html>\n<html lang=\"") == -1 ||
	    esc_html(&b, s->cfg.language, strlen(s->cfg.language)) == -1 ||
	    BUF_LIT(&b, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>") ==
	    -1 || esc_html(&b, title, strlen(title)) == -1 ||
	    BUF_LIT(&b, "</title>\n<link rel=\"stylesheet\" href=\"") == -1 ||
	    esc_html(&b, root.data, root.len) == -1 ||
	    BUF_LIT(&b, "style.css\">\n<link rel=\"canonical\" href=\"") ==
	    -1 || esc_html(&b, s->cfg.url, strlen(s->cfg.url)) == -1 ||
	    esc_html(&b, url.data, url.len) == -1 ||
	    BUF_LIT(&b, "\">\n<meta name=\"robots\" content=\"noindex\">\n"
	    "<meta http-equiv=\"refresh\" content=\"0; url=") == -1 ||
	    esc_html(&b, to.data, to.len) == -1 ||
	    BUF_LIT(&b, "\">\n</head>\n<body>\n<p>This page has moved to "
	    "<a href=\"") == -1 || esc_html(&b, to.data, to.len) == -1 ||
	    BUF_LIT(&b, "\">") == -1 ||
	    esc_html(&b, title, strlen(title)) == -1 ||
	    BUF_LIT(&b, "</a>.</p>\n</body>\n</html>\n") == -1)
		goto oom;
	rc = writer_put(job->w, 0, rel, b.data, b.len, err);
	goto out;
oom:
	err_set(err, file, 0, "out of memory");
out:
	buf_free(&b);
	buf_free(&root);
	buf_free(&to);
	buf_free(&url);
	return rc;
}

/*
 * Each topic's posts, newest first, in one array (job->topic_posts) cut
 * by job->topic_start: one pass over the posts' topics.  0 or -1.
 */
static int
index_topics(struct job *job)
{
	const struct site *s = job->site;
	size_t		 i, k, t, total = 0, *at;

	job->topic_start = calloc(s->ntopics + 1, sizeof(*job->topic_start));
	if (job->topic_start == NULL)
		return -1;
	for (i = 0; i < s->nposts; i++)
		for (k = 0; k < s->posts[i].ntopics; k++) {
			job->topic_start[s->posts[i].topics[k] + 1]++;
			total++;
		}
	for (t = 0; t < s->ntopics; t++)
		job->topic_start[t + 1] += job->topic_start[t];
	job->topic_posts = calloc(total ? total : 1,
	    sizeof(*job->topic_posts));
	at = calloc(s->ntopics ? s->ntopics : 1, sizeof(*at));
	if (job->topic_posts == NULL || at == NULL) {
		free(at);
		return -1;
	}
	memcpy(at, job->topic_start, s->ntopics * sizeof(*at));
	for (i = 0; i < s->nposts; i++)
		for (k = 0; k < s->posts[i].ntopics; k++)
			job->topic_posts[at[s->posts[i].topics[k]]++] = i;
	free(at);
	return 0;
}

/*
 * What every list shows of post i, found once for the build (a post is
 * in a dozen lists): its URL and its dates; and its page's file, which
 * is not always its URL's ("café": the file is writing/café/, the URL
 * writing/caf%C3%A9/).  On the pool: 10,000 posts took 5 ms on one
 * thread.
 */
static int
post_once(void *ctx, size_t i, int worker, struct err *err)
{
	struct job	*job = ctx;
	const struct post *p = &job->site->posts[i];
	struct buf	 u;

	(void)worker;
	buf_init(&u, 0);
	if (out_url(job->site, OUT_POST, i, &u) == -1 ||
	    (job->post_urls[i] = buf_take(&u, NULL)) == NULL ||
	    out_file(job->site, OUT_POST, i, &u) == -1 ||
	    (job->post_files[i] = buf_take(&u, NULL)) == NULL) {
		buf_free(&u);
		return err_set(err, "public", 0, "out of memory");
	}
	date_human(&p->date, job->dates[i].human, sizeof(job->dates[i].human));
	date_rfc3339(&p->date, job->dates[i].machine,
	    sizeof(job->dates[i].machine));
	return 0;
}

int
render_pages(const struct site *s, const struct tset *tpl,
    const struct render_source *src, struct writer *w,
    const struct render_opts *opts, const struct plan *plan, struct buf *form,
    struct err *err)
{
	struct job	 job;
	struct buf	 map;
	const struct post *clash;
	size_t		 n, i, t, k, nm, *members = NULL;
	int		 rc = -1;

	memset(&job, 0, sizeof(job));
	job.site = s;
	job.tpl = tpl;
	job.src = src;
	job.form = form;
	job.w = w;
	job.opts = opts;
	job.plan = plan;
	job.feed_html = calloc(s->nposts ? s->nposts : 1, sizeof(char *));
	job.need_body = calloc(s->nposts ? s->nposts : 1, 1);
	job.feeds = calloc(s->ntopics + 1, 1);
	job.post_urls = calloc(s->nposts ? s->nposts : 1,
	    sizeof(*job.post_urls));
	job.post_files = calloc(s->nposts ? s->nposts : 1,
	    sizeof(*job.post_files));
	job.dates = calloc(s->nposts ? s->nposts : 1, sizeof(*job.dates));
	if (job.post_urls == NULL || job.post_files == NULL ||
	    job.dates == NULL) {
		err_set(err, "public", 0, "out of memory");
		goto out;
	}
	if (pool_run(s->nposts, pool_threads(), post_once, &job, err) == -1)
		goto out;
	members = calloc(s->nposts ? s->nposts : 1, sizeof(*members));
	/* Zeroed: no digest found yet (shared() above). */
	if ((job.shared = calloc(SHARED_DEPTHS * SHARED_STRIDE(s),
	    sizeof(*job.shared))) == NULL) {
		free(members);
		err_set(err, "public", 0, "out of memory");
		goto out;
	}
	buf_init(&map, 0);
	/* Each rendering thread's scratch for related_posts. */
	if ((job.related = calloc(POOL_MAX, sizeof(*job.related))) == NULL) {
		err_set(err, "public", 0, "out of memory");
		goto out;
	}
	for (i = 0; i < (size_t)pool_threads(); i++) {
		struct related *r = &job.related[i];

		r->stamp = calloc(s->nposts ? s->nposts : 1, sizeof(*r->stamp));
		r->count = calloc(s->nposts ? s->nposts : 1, sizeof(*r->count));
		r->cand = calloc(s->nposts ? s->nposts : 1, sizeof(*r->cand));
		if (r->stamp == NULL || r->count == NULL || r->cand == NULL) {
			err_set(err, "public", 0, "out of memory");
			goto out;
		}
	}
	/* The year pages are lists: only a build that renders lists needs them. */
	if (job.feed_html == NULL || job.need_body == NULL ||
	    job.feeds == NULL || members == NULL ||
	    index_topics(&job) == -1 || (plan->lists &&
	    years_group(s, &job.years) == -1)) {
		err_set(err, "public", 0, "out of memory");
		goto out;
	}
	if ((clash = years_clash(s, &job.years)) != NULL) {
		err_set(err, clash->file, clash->slug_line, "slug %s is taken by "
		    "the page of the posts of %s, writing/%s/; set another "
		    "slug:", clash->slug, clash->slug, clash->slug);
		goto out;
	}
	n = s->nposts + s->nnotes + EXTRA_FIXED + s->ntopics + s->npages +
	    job.years.n;
	job.njobs = n;
	/*
	 * The feeds the plan names, less those whose entries are what they
	 * were: only the feeds that change need their posts' bodies.
	 */
	for (t = 0; t <= s->ntopics; t++) {
		uint64_t d;
		int	 need;

		if (!plan->feeds[t])
			continue;
		if (write_feeds(&job, t ? t - 1 : SIZE_MAX, members, &d,
		    err) == -1)
			goto out;
		buf_reset(&map);
		if (out_file(s, t ? OUT_TOPIC_FEED : OUT_FEED, t ?
		    (t - 1) * OUT_FEED_FORMATS : 0, &map) == -1) {
			err_set(err, "feed.xml", 0, "out of memory");
			goto out;
		}
		if ((need = render_needed(&job, map.data, d, err)) == -1)
			goto out;
		job.feeds[t] = (unsigned char)need;
		nm = render_feed_posts(&job, t ? t - 1 : SIZE_MAX, members);
		for (k = 0; need && k < nm; k++)
			job.need_body[members[k]] = 1;
	}
	/*
	 * New posts' pages go out before the pages that link to them, so a
	 * reader of a half-written rebuild never follows a link to nothing.
	 */
	for (job.phase = PLAN_NEW; job.phase >= PLAN_CHANGED; job.phase--)
		if (pool_run(n, pool_threads(), run_job, &job, err) == -1)
			goto out;
	for (t = 0; t <= s->ntopics; t++)
		if (job.feeds[t] && write_feeds(&job, t ? t - 1 : SIZE_MAX,
		    members, NULL, err) == -1)
			goto out;
	if (s->nnotes > 0 && write_notes_feeds(&job, err) == -1)
		goto out;
	/* Few, and the writer skips unchanged bytes: always write them. */
	for (i = 0; i < s->nposts; i++)
		for (k = 0; k < s->posts[i].naliases; k++)
			if (render_redirect(&job, s->posts[i].aliases[k],
			    OUT_POST, i, s->posts[i].title, s->posts[i].file,
			    err) == -1)
				goto out;
	for (i = 0; i < s->ntopics; i++) {
		const struct topic *tp = &s->topics[i];

		if (tp->old_slug == NULL)
			continue;
		buf_reset(&map);
		if (out_file(s, OUT_TOPIC_ALIAS, i, &map) == -1) {
			err_set(err, "public", 0, "out of memory");
			goto out;
		}
		if (render_redirect(&job, map.data, OUT_TOPIC, i, tp->title,
		    "stet.yaml", err) == -1)
			goto out;
	}
	rc = 0;
out:
	if (job.feed_html != NULL)
		for (i = 0; i < s->nposts; i++)
			free(job.feed_html[i]);
	free(job.feed_html);
	free(job.need_body);
	free(job.feeds);
	free(job.dates);
	for (i = 0; job.post_urls != NULL && i < s->nposts; i++)
		free(job.post_urls[i]);
	free(job.post_urls);
	for (i = 0; job.post_files != NULL && i < s->nposts; i++)
		free(job.post_files[i]);
	free(job.post_files);
	for (i = 0; job.related != NULL && i < POOL_MAX; i++) {
		free(job.related[i].stamp);
		free(job.related[i].count);
		free(job.related[i].cand);
	}
	free(job.related);
	free(job.shared);
	free(job.topic_start);
	free(job.topic_posts);
	years_free(&job.years);
	free(members);
	buf_free(&map);
	return rc;
}
