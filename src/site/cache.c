#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/buf.h"
#include "../support/fsutil.h"
#include "../support/hash.h"
#include "cache.h"

#define CACHE_DIR	".stet"
#define CACHE_FILE	".stet/cache"
#define CACHE_TMP	".stet/cache.tmp"
#define CACHE_MAGIC	"stet-cache 10\n"
#define CACHE_MAX_DELTAS 64	/* then the whole cache is written again */
#define CACHE_MAX	(512 * 1024 * 1024)
/*
 * A sanity bound on a record's tags and aliases, against a damaged file.
 * Front matter is at most 1 MB, so no post has this many; a lower bound
 * made a post with 20,000 tags spoil the cache, and every build after
 * it a full one.
 */
#define CACHE_MAX_LIST	(1024 * 1024)

/*
 * The format is binary and read in place: numbers are 8 bytes in this
 * machine's order (the cache never leaves the machine), strings a 4-byte
 * length, the bytes and a NUL, so the strings are used where they lie.
 * A NULL string has the length 0xffffffff.
 */

static int
put_num(struct buf *b, int64_t v)
{
	return buf_put(b, &v, sizeof(v));
}

static int
put_str(struct buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;

	if (buf_put(b, &n, sizeof(n)) == -1)
		return -1;
	return s == NULL ? 0 : buf_put(b, s, (size_t)n + 1);
}

struct reader {
	const char	*p;
	const char	*end;
	int		 bad;
};

static int64_t
get_num(struct reader *r)
{
	int64_t	 v;

	if (r->end - r->p < (ptrdiff_t)sizeof(v)) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

static const char *
get_str(struct reader *r)
{
	const char *s;
	uint32_t n;

	if (r->end - r->p < (ptrdiff_t)sizeof(n)) {
		r->bad = 1;
		return "";
	}
	memcpy(&n, r->p, sizeof(n));
	r->p += sizeof(n);
	if (n == UINT32_MAX)
		return NULL;
	if ((size_t)(r->end - r->p) < (size_t)n + 1 || r->p[n] != '\0') {
		r->bad = 1;
		return "";
	}
	s = r->p;
	r->p += (size_t)n + 1;
	return s;
}

static void
get_sig(struct reader *r, unsigned char *sig)
{
	if (r->end - r->p < CACHE_SIG) {
		r->bad = 1;
		return;
	}
	memcpy(sig, r->p, CACHE_SIG);
	r->p += CACHE_SIG;
}

static int
put_sig(struct buf *b, const unsigned char *sig)
{
	return buf_put(b, sig, CACHE_SIG);
}

static int
cp_cmp(const void *a, const void *b)
{
	const struct cache_post *x = a, *y = b;

	return strcmp(x->post.file, y->post.file);
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	outlist_free(&c->outputs);
	digests_free(&c->digests);
	arena_free(c->arena);
	if (c->map != NULL)
		munmap((void *)c->map, c->maplen);
	free(c);
}

/* One post record, as put_post wrote it.  0 or -1. */
static int
get_post(struct reader *r, struct arena *a, struct cache_post *cp)
{
	struct post	*p = &cp->post;
	int64_t		 t, j;

	memset(cp, 0, sizeof(*cp));
	p->section = "writing";		/* the cache keeps posts/ only */
	p->file = get_str(r);
	p->mtime_ns = get_num(r);
	p->size = get_num(r);
	p->slug = get_str(r);
	p->slug_line = (size_t)get_num(r);
	p->slug_base = get_str(r);
	p->warned = (int)get_num(r);
	p->title = get_str(r);
	p->summary = get_str(r);
	p->date.t = get_num(r);
	p->date.off = (int)get_num(r);
	p->has_updated = (int)get_num(r);
	p->updated.t = get_num(r);
	p->updated.off = (int)get_num(r);
	p->draft = (int)get_num(r);
	p->is_html = (int)get_num(r);
	p->body_line = (size_t)get_num(r);
	cp->visible = (int)get_num(r);
	t = get_num(r);
	if (r->bad || t < 0 || t > CACHE_MAX_LIST)
		return -1;
	p->ntags = (size_t)t;
	if (t > 0) {
		p->tags = arena_alloc(a, (size_t)t * sizeof(*p->tags));
		p->tag_lines = arena_alloc(a, (size_t)t *
		    sizeof(*p->tag_lines));
		if (p->tags == NULL || p->tag_lines == NULL)
			return -1;
	}
	for (j = 0; j < t; j++) {
		p->tags[j] = get_str(r);
		p->tag_lines[j] = (size_t)get_num(r);
	}
	p->fm_id = get_str(r);
	t = get_num(r);
	if (r->bad || t < 0 || t > CACHE_MAX_LIST)
		return -1;
	p->naliases = (size_t)t;
	if (t > 0 && (p->aliases = arena_alloc(a, (size_t)t *
	    sizeof(*p->aliases))) == NULL)
		return -1;
	for (j = 0; j < t; j++)
		if ((p->aliases[j] = get_str(r)) == NULL)
			return -1;
	cp->digest = (uint64_t)get_num(r);
	if (r->bad || p->file == NULL || p->slug == NULL ||
	    p->slug_base == NULL || p->title == NULL)
		return -1;
	return 0;
}

/* A section's header: the signatures and the zone.  0 or -1. */
static int
get_header(struct reader *r, struct cache *c)
{
	get_sig(r, c->sig);
	get_sig(r, c->static_sig);
	c->timezone = get_str(r);
	return r->bad || c->timezone == NULL ? -1 : 0;
}

/* The outputs list and digests, replacing those before.  0 or -1. */
static int
get_outputs(struct reader *r, struct cache *c)
{
	int64_t		 n, k;

	outlist_free(&c->outputs);
	digests_free(&c->digests);
	digests_init(&c->digests);
	n = get_num(r);
	if (r->bad || n < 0 || n > 10000000)
		return -1;
	for (k = 0; k < n; k++) {
		const char *path = get_str(r);
		uint64_t d = (uint64_t)get_num(r);

		if (r->bad || path == NULL ||
		    outlist_add(&c->outputs, path) == -1 ||
		    (d != 0 && digests_put(&c->digests, path, d) == -1))
			return -1;
	}
	return 0;
}

/*
 * Apply the changes of a delta section: records replace those with the
 * same file or join the list, and removed files leave it.  The list is
 * kept sorted by file.
 */
static int
get_delta(struct reader *r, struct cache *c)
{
	struct cache_post *recs = NULL, *v;
	const struct cache_post *gone;
	unsigned char	*dead = NULL;
	size_t		 i, j, nnew = 0;
	int64_t		 n, k;
	int		 rc = -1;

	if (get_header(r, c) == -1)
		return -1;
	n = get_num(r);
	if (r->bad || n < 0 || n > 10000000)
		return -1;
	if ((recs = calloc((size_t)(n ? n : 1), sizeof(*recs))) == NULL)
		return -1;
	/* Replace in place; only new files make the list grow. */
	for (k = 0; k < n; k++) {
		struct cache_post *old;

		if (get_post(r, c->arena, &recs[k]) == -1)
			goto out;
		if ((old = (struct cache_post *)cache_find(c,
		    recs[k].post.file)) != NULL) {
			*old = recs[k];
			recs[k].post.file = NULL;
		} else
			nnew++;
	}
	if (nnew > 0) {
		if ((v = arena_alloc(c->arena, (c->nposts + nnew) *
		    sizeof(*v))) == NULL)
			goto out;
		if (c->nposts > 0)
			memcpy(v, c->posts, c->nposts * sizeof(*v));
		for (k = 0; k < n; k++)
			if (recs[k].post.file != NULL)
				v[c->nposts++] = recs[k];
		c->posts = v;
		qsort(c->posts, c->nposts, sizeof(*c->posts), cp_cmp);
	}
	n = get_num(r);
	if (r->bad || n < 0 || n > 10000000)
		goto out;
	/*
	 * Mark the files gone, then close the gaps in one pass: moving the
	 * rest down once per file was quadratic when many went at once.
	 */
	if ((dead = calloc(c->nposts ? c->nposts : 1, 1)) == NULL)
		goto out;
	for (k = 0; k < n; k++) {
		const char *file = get_str(r);

		if (r->bad || file == NULL)
			goto out;
		if ((gone = cache_find(c, file)) != NULL)
			dead[gone - c->posts] = 1;
	}
	for (i = j = 0; i < c->nposts; i++)
		if (!dead[i])
			c->posts[j++] = c->posts[i];
	c->nposts = j;
	rc = get_outputs(r, c);
out:
	free(dead);
	free(recs);
	return rc;
}

int
cache_read(int sitefd, struct cache **out, struct err *err)
{
	struct cache	*c = NULL;
	struct reader	 r;
	struct stat	 st;
	const char	*map;
	int64_t		 n, k;
	int		 fd;

	*out = NULL;
	if ((fd = openat(sitefd, CACHE_FILE, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : err_set(err, CACHE_FILE, 0, "%s",
		    strerror(errno));
	/*
	 * Mapped, not read: the strings are used where they lie, and one
	 * populated mapping costs far less than copying megabytes into
	 * fresh pages on every rebuild.
	 */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)sizeof(CACHE_MAGIC) || st.st_size > CACHE_MAX ||
	    (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE |
	    MAP_POPULATE, fd, 0)) == MAP_FAILED) {
		close(fd);
		return 0;	/* no cache: a full build */
	}
	close(fd);
	if (memcmp(map, CACHE_MAGIC, sizeof(CACHE_MAGIC) - 1) != 0 ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		munmap((void *)map, (size_t)st.st_size);
		return 0;
	}
	digests_init(&c->digests);
	c->map = map;
	c->maplen = (size_t)st.st_size;
	if ((c->arena = arena_new()) == NULL)
		goto bad;
	r.p = map + sizeof(CACHE_MAGIC) - 1;
	r.end = map + st.st_size;
	r.bad = 0;
	if (r.p >= r.end || *r.p++ != 'B' || get_header(&r, c) == -1)
		goto bad;
	n = get_num(&r);
	if (r.bad || n < 0 || n > 10000000)
		goto bad;
	c->posts = arena_alloc(c->arena, (size_t)(n ? n : 1) *
	    sizeof(*c->posts));
	if (c->posts == NULL)
		goto bad;
	for (k = 0; k < n; k++)
		if (get_post(&r, c->arena, &c->posts[k]) == -1)
			goto bad;
	c->nposts = (size_t)n;
	/* cache_write keeps file order; sort only a cache that lost it. */
	for (k = 1; k < (int64_t)c->nposts; k++)
		if (cp_cmp(&c->posts[k - 1], &c->posts[k]) >= 0) {
			qsort(c->posts, c->nposts, sizeof(*c->posts), cp_cmp);
			break;
		}
	if (get_outputs(&r, c) == -1)
		goto bad;
	/* Then the changes later rebuilds appended, in order. */
	while (r.p < r.end) {
		if (*r.p++ != 'D' || get_delta(&r, c) == -1)
			goto bad;
		c->ndeltas++;
	}
	outlist_sort(&c->outputs);
	digests_sort(&c->digests);
	*out = c;
	return 0;
bad:
	/*
	 * A damaged cache (a torn append, a foreign file) costs one full
	 * build, nothing more.
	 */
	cache_free(c);
	return 0;
}

const struct cache_post *
cache_find(const struct cache *c, const char *file)
{
	struct cache_post key;

	if (c == NULL || c->nposts == 0)
		return NULL;
	key.post.file = file;
	return bsearch(&key, c->posts, c->nposts, sizeof(*c->posts), cp_cmp);
}

static int
put_post(struct buf *b, const struct post *p, uint64_t digest, int visible)
{
	size_t	 j;

	if (put_str(b, p->file) == -1 || put_num(b, p->mtime_ns) == -1 ||
	    put_num(b, p->size) == -1 || put_str(b, p->slug) == -1 ||
	    put_num(b, (int64_t)p->slug_line) == -1 ||
	    put_str(b, p->slug_base) == -1 || put_num(b, p->warned) == -1 ||
	    put_str(b, p->title) == -1 || put_str(b, p->summary) == -1 ||
	    put_num(b, p->date.t) == -1 || put_num(b, p->date.off) == -1 ||
	    put_num(b, p->has_updated) == -1 ||
	    put_num(b, p->updated.t) == -1 ||
	    put_num(b, p->updated.off) == -1 || put_num(b, p->draft) == -1 ||
	    put_num(b, p->is_html) == -1 ||
	    put_num(b, (int64_t)p->body_line) == -1 ||
	    put_num(b, visible) == -1 ||
	    put_num(b, (int64_t)p->ntags) == -1)
		return -1;
	for (j = 0; j < p->ntags; j++)
		if (put_str(b, p->tags[j]) == -1 ||
		    put_num(b, (int64_t)p->tag_lines[j]) == -1)
			return -1;
	if (put_str(b, p->fm_id) == -1 ||
	    put_num(b, (int64_t)p->naliases) == -1)
		return -1;
	for (j = 0; j < p->naliases; j++)
		if (put_str(b, p->aliases[j]) == -1)
			return -1;
	return put_num(b, (int64_t)digest);
}

static int
put_header(struct buf *b, const struct site *s, const unsigned char *sig,
    const unsigned char *static_sig)
{
	return put_sig(b, sig) == -1 || put_sig(b, static_sig) == -1 ||
	    put_str(b, s->cfg.timezone) == -1 ? -1 : 0;
}

/* Each output with its digest (0: none). */
static int
put_outputs(struct buf *b, const struct outlist *outputs,
    const struct digests *made)
{
	uint64_t	 d;
	size_t		 i;

	if (put_num(b, (int64_t)outputs->n) == -1)
		return -1;
	for (i = 0; i < outputs->n; i++) {
		if (made == NULL || !digests_get(made, outputs->v[i], &d))
			d = 0;
		if (put_str(b, outputs->v[i]) == -1 ||
		    put_num(b, (int64_t)d) == -1)
			return -1;
	}
	return 0;
}

/* Must post p (visible or not, its page's digest dg) be written again? */
static int
record_changed(const struct post *p, int vis, uint64_t dg)
{
	const struct cache_post *cp = p->cached;

	return cp == NULL || p->fresh || cp->visible != vis ||
	    cp->digest != dg;
}

/* How many posts' records changed since the last build. */
static size_t
records_changed(const struct site *s, const uint64_t *digests)
{
	size_t	 i, n = 0;

	for (i = 0; i < s->nposts; i++)
		n += record_changed(&s->posts[i], 1, digests[i]);
	for (i = 0; i < s->nhidden; i++)
		n += record_changed(&s->hidden[i], 0, 0);
	return n;
}

/*
 * A delta: only the posts whose record changed (read again, moved in the
 * order, shown or hidden), the files gone, and the new header and
 * outputs.  A rebuild after one edit appends a few hundred bytes instead
 * of rewriting a record of every post.
 */
static int
put_delta(struct buf *b, const struct site *s, const struct cache *prev,
    const uint64_t *digests)
{
	unsigned char	*seen;
	size_t		 i, n = 0, gone = 0;
	int		 rc = -1, pass;

	if ((seen = calloc(prev->nposts ? prev->nposts : 1, 1)) == NULL)
		return -1;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && put_num(b, (int64_t)n) == -1)
			goto out;
		for (i = 0; i < s->nposts + s->nhidden; i++) {
			int vis = i < s->nposts;
			const struct post *p = vis ? &s->posts[i] :
			    &s->hidden[i - s->nposts];
			const struct cache_post *cp = p->cached;
			uint64_t dg = vis ? digests[i] : 0;

			if (cp != NULL)
				seen[cp - prev->posts] = 1;
			if (!record_changed(p, vis, dg))
				continue;
			if (pass == 0)
				n++;
			else if (put_post(b, p, dg, vis) == -1)
				goto out;
		}
	}
	for (i = 0; i < prev->nposts; i++)
		gone += !seen[i];
	if (put_num(b, (int64_t)gone) == -1)
		goto out;
	for (i = 0; i < prev->nposts; i++)
		if (!seen[i] && put_str(b, prev->posts[i].post.file) == -1)
			goto out;
	rc = 0;
out:
	free(seen);
	return rc;
}

int
cache_write(int sitefd, const struct site *s, const struct cache *prev,
    int full, const unsigned char *sig, const unsigned char *static_sig,
    const uint64_t *digests, const struct outlist *outputs,
    const struct digests *made, struct err *err)
{
	struct buf	 b;
	const struct post **v = NULL;
	size_t		 i, n = s->nposts + s->nhidden;
	int		 fd = -1, rc = -1, delta;

	buf_init(&b, 0);
	/*
	 * A delta when few records changed: one that rewrites many (a
	 * template edit re-renders every page) would leave the next builds
	 * reading every record twice.
	 */
	delta = !full && prev != NULL && prev->ndeltas < CACHE_MAX_DELTAS &&
	    prev->timezone != NULL &&
	    strcmp(prev->timezone, s->cfg.timezone) == 0 &&
	    records_changed(s, digests) <= n / 4;
	if (delta) {
		if (BUF_LIT(&b, "D") == -1 ||
		    put_header(&b, s, sig, static_sig) == -1 ||
		    put_delta(&b, s, prev, digests) == -1 ||
		    put_outputs(&b, outputs, made) == -1)
			goto oom;
		fd = openat(sitefd, CACHE_FILE, O_WRONLY | O_APPEND |
		    O_CLOEXEC);
		if (fd == -1 || fs_write_all(fd, b.data, b.len) == -1 ||
		    close(fd) == -1) {
			err_set(err, CACHE_FILE, 0, "%s", strerror(errno));
			/* The next build finds a torn cache and drops it. */
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* About 400 bytes a post: grow once, not twenty times. */
	if (buf_grow(&b, 4096 + n * 512) == -1 ||
	    (v = malloc((n ? n : 1) * sizeof(*v))) == NULL)
		goto oom;
	/* In file order, so cache_read need not sort. */
	memset(v, 0, n * sizeof(*v));
	for (i = 0; i < s->nposts; i++)
		v[s->posts[i].order] = &s->posts[i];
	for (i = 0; i < s->nhidden; i++)
		v[s->hidden[i].order] = &s->hidden[i];
	if (BUF_LIT(&b, CACHE_MAGIC) == -1 || BUF_LIT(&b, "B") == -1 ||
	    put_header(&b, s, sig, static_sig) == -1 ||
	    put_num(&b, (int64_t)n) == -1)
		goto oom;
	for (i = 0; i < n; i++) {
		int visible = v[i] >= s->posts && v[i] < s->posts + s->nposts;

		if (put_post(&b, v[i], visible ? digests[v[i] - s->posts] :
		    0, visible) == -1)
			goto oom;
	}
	if (put_outputs(&b, outputs, made) == -1)
		goto oom;
	if (mkdirat(sitefd, CACHE_DIR, 0755) == -1 && errno != EEXIST) {
		err_set(err, CACHE_DIR, 0, "%s", strerror(errno));
		goto out;
	}
	if (fs_write_atomic(sitefd, CACHE_FILE, CACHE_TMP, b.data, b.len, 0) ==
	    -1) {
		err_set(err, CACHE_FILE, 0, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;
oom:
	err_set(err, CACHE_FILE, 0, "out of memory");
out:
	free(v);
	buf_free(&b);
	return rc;
}
