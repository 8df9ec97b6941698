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
#include "cache.h"

#define CACHE_DIR	".stet"
#define CACHE_FILE	".stet/cache"
#define CACHE_TMP	".stet/cache.tmp"
#define CACHE_MAGIC	"stet-cache 6\n"
#define CACHE_MAX	(512 * 1024 * 1024)

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
	arena_free(c->arena);
	free(c->data);
	free(c);
}

int
cache_read(int sitefd, struct cache **out, struct err *err)
{
	struct cache	*c;
	struct reader	 r;
	struct buf	 src;
	int64_t		 n, k, t;
	int		 rc;

	*out = NULL;
	buf_init(&src, 0);
	rc = fs_read_at(sitefd, CACHE_FILE, CACHE_MAX, &src, 1, err);
	if (rc != 0) {
		buf_free(&src);
		return rc == 1 ? 0 : -1;
	}
	if (src.len < sizeof(CACHE_MAGIC) - 1 ||
	    memcmp(src.data, CACHE_MAGIC, sizeof(CACHE_MAGIC) - 1) != 0 ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		buf_free(&src);
		return 0;
	}
	if ((c->arena = arena_new()) == NULL)
		goto bad;
	r.p = src.data + sizeof(CACHE_MAGIC) - 1;
	r.end = src.data + src.len;
	r.bad = 0;
	get_sig(&r, c->sig);
	get_sig(&r, c->list_sig);
	get_sig(&r, c->static_sig);
	get_sig(&r, c->topics_sig);
	c->timezone = get_str(&r);
	n = get_num(&r);
	if (r.bad || n < 0 || n > 10000000)
		goto bad;
	c->posts = arena_alloc(c->arena, (size_t)(n ? n : 1) *
	    sizeof(*c->posts));
	if (c->posts == NULL)
		goto bad;
	for (k = 0; k < n && !r.bad; k++) {
		struct cache_post *cp = &c->posts[k];
		struct post *p = &cp->post;

		memset(cp, 0, sizeof(*cp));
		p->file = get_str(&r);
		p->mtime_ns = get_num(&r);
		p->size = get_num(&r);
		p->slug = get_str(&r);
		p->slug_line = (size_t)get_num(&r);
		p->title = get_str(&r);
		p->summary = get_str(&r);
		p->date.t = get_num(&r);
		p->date.off = (int)get_num(&r);
		p->has_updated = (int)get_num(&r);
		p->updated.t = get_num(&r);
		p->updated.off = (int)get_num(&r);
		p->draft = (int)get_num(&r);
		p->is_html = (int)get_num(&r);
		p->body_line = (size_t)get_num(&r);
		cp->visible = (int)get_num(&r);
		t = get_num(&r);
		if (r.bad || t < 0 || t > 10000)
			goto bad;
		p->ntags = (size_t)t;
		if (t > 0) {
			p->tags = arena_alloc(c->arena, (size_t)t *
			    sizeof(*p->tags));
			p->tag_lines = arena_alloc(c->arena, (size_t)t *
			    sizeof(*p->tag_lines));
			if (p->tags == NULL || p->tag_lines == NULL)
				goto bad;
		}
		for (int64_t j = 0; j < t; j++) {
			p->tags[j] = get_str(&r);
			p->tag_lines[j] = (size_t)get_num(&r);
		}
		p->fm_id = get_str(&r);
		t = get_num(&r);
		if (r.bad || t < 0 || t > 10000)
			goto bad;
		p->naliases = (size_t)t;
		if (t > 0 && (p->aliases = arena_alloc(c->arena, (size_t)t *
		    sizeof(*p->aliases))) == NULL)
			goto bad;
		for (int64_t j = 0; j < t; j++)
			if ((p->aliases[j] = get_str(&r)) == NULL)
				goto bad;
		cp->neighbours = get_str(&r);
		if (p->file == NULL || p->slug == NULL || p->title == NULL)
			goto bad;
	}
	c->nposts = (size_t)n;
	n = get_num(&r);
	for (k = 0; k < n && !r.bad; k++) {
		const char *path = get_str(&r);
		if (path == NULL || outlist_add(&c->outputs, path) == -1)
			goto bad;
	}
	if (r.bad || r.p != r.end)
		goto bad;
	outlist_sort(&c->outputs);
	/* The strings point into the file's bytes: keep them. */
	c->data = buf_take(&src, NULL);
	/* cache_write keeps file order; sort only a cache that lost it. */
	for (k = 1; k < (int64_t)c->nposts; k++)
		if (cp_cmp(&c->posts[k - 1], &c->posts[k]) >= 0) {
			qsort(c->posts, c->nposts, sizeof(*c->posts), cp_cmp);
			break;
		}
	buf_free(&src);
	*out = c;
	return 0;
bad:
	/* A damaged cache costs one full build, nothing more. */
	buf_free(&src);
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

/*
 * A digest of the slugs and titles of post i's neighbours: all its page
 * shows of them.  It only has to tell a change from no change, and is
 * taken twice per post on every rebuild, so FNV-1a (64 bits) is enough.
 */
void
cache_neighbours(const struct site *s, size_t i, char out[CACHE_NEIGHBOURS])
{
	static const char digits[] = "0123456789abcdef";
	const struct post *n[2];
	const char	*f[6];
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 k;

	n[0] = i > 0 ? &s->posts[i - 1] : NULL;
	n[1] = i + 1 < s->nposts ? &s->posts[i + 1] : NULL;
	/* What a post page's template can show of its neighbours. */
	for (k = 0; k < 2; k++) {
		f[k * 3] = n[k] ? n[k]->slug : "";
		f[k * 3 + 1] = n[k] ? n[k]->title : "";
		f[k * 3 + 2] = n[k] && n[k]->summary ? n[k]->summary : "";
		if (n[k] != NULL)
			h = (h ^ (uint64_t)n[k]->date.t ^
			    ((uint64_t)(uint32_t)n[k]->date.off << 32)) *
			    1099511628211ULL;
	}
	for (k = 0; k < 6; k++) {
		size_t len = strlen(f[k]) + 1, j;	/* with its NUL */
		uint64_t w;

		/* Eight bytes a step; the NUL keeps "ab","c" from "a","bc". */
		for (j = 0; j + 8 <= len; j += 8) {
			memcpy(&w, f[k] + j, 8);
			h = (h ^ w) * 1099511628211ULL;
		}
		for (; j < len; j++)
			h = (h ^ (unsigned char)f[k][j]) * 1099511628211ULL;
		h ^= h >> 29;
	}
	for (k = 0; k < 16; k++)
		out[k] = digits[(h >> (60 - 4 * k)) & 15];
	out[16] = '\0';
}

static int
put_post(struct buf *b, const struct post *p, const char *neighbours,
    int visible)
{
	size_t	 j;

	if (put_str(b, p->file) == -1 || put_num(b, p->mtime_ns) == -1 ||
	    put_num(b, p->size) == -1 || put_str(b, p->slug) == -1 ||
	    put_num(b, (int64_t)p->slug_line) == -1 ||
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
	return put_str(b, neighbours);
}

int
cache_write(int sitefd, const struct site *s, const unsigned char *sig,
    const unsigned char *list_sig, const unsigned char *static_sig,
    const unsigned char *topics_sig, const char (*neighbours)[CACHE_NEIGHBOURS],
    const struct outlist *outputs, struct err *err)
{
	struct buf	 b;
	const struct post **v = NULL;
	size_t		 i, n = s->nposts + s->nhidden;
	int		 fd = -1, rc = -1;

	buf_init(&b, 0);
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
	if (BUF_LIT(&b, CACHE_MAGIC) == -1 || put_sig(&b, sig) == -1 ||
	    put_sig(&b, list_sig) == -1 || put_sig(&b, static_sig) == -1 ||
	    put_sig(&b, topics_sig) == -1 ||
	    put_str(&b, s->cfg.timezone) == -1 ||
	    put_num(&b, (int64_t)n) == -1)
		goto oom;
	for (i = 0; i < n; i++) {
		int visible = v[i] >= s->posts && v[i] < s->posts + s->nposts;

		if (put_post(&b, v[i], visible ? neighbours[v[i] - s->posts] :
		    "", visible) == -1)
			goto oom;
	}
	if (put_num(&b, (int64_t)outputs->n) == -1)
		goto oom;
	for (i = 0; i < outputs->n; i++)
		if (put_str(&b, outputs->v[i]) == -1)
			goto oom;
	if (mkdirat(sitefd, CACHE_DIR, 0755) == -1 && errno != EEXIST) {
		err_set(err, CACHE_DIR, 0, "%s", strerror(errno));
		goto out;
	}
	fd = openat(sitefd, CACHE_TMP, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644);
	if (fd == -1) {
		err_set(err, CACHE_TMP, 0, "%s", strerror(errno));
		goto out;
	}
	if (fs_write_all(fd, b.data, b.len) == -1) {
		err_set(err, CACHE_TMP, 0, "%s", strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) == -1) {
		err_set(err, CACHE_TMP, 0, "%s", strerror(errno));
		goto out;
	}
	if (renameat(sitefd, CACHE_TMP, sitefd, CACHE_FILE) == -1) {
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
