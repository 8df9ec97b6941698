#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../support/buf.h"
#include "../support/hash.h"
#include "../support/text.h"
#include "topics.h"

/*
 * A tag's spelling with case and spacing taken out, as it is compared:
 * "Multi Tenant", "multi-tenant", " multi  tenant" and "multi_tenant,"
 * are one topic.
 */
static int
tag_norm(struct buf *b, const char *s, size_t n)
{
	struct buf	 low;
	size_t		 i;
	int		 sep = 0, rc = -1;

	buf_reset(b);
	buf_init(&low, 0);
	if (text_lower(&low, s, n) == -1)
		goto out;
	for (i = 0; i < low.len; i++) {
		char c = low.data[i];

		if (c == ' ' || c == '\t' || c == '-' || c == '_') {
			sep = 1;
			continue;
		}
		if (sep && b->len > 0 && buf_putc(b, '-') == -1)
			goto out;
		sep = 0;
		if (buf_putc(b, c) == -1)
			goto out;
	}
	rc = 0;
out:
	buf_free(&low);
	return rc;
}

/*
 * Topics by key (a tag's norm, or a topic's slug): open addressing, at
 * most half full, so a post with 20,000 tags costs 20,000 lookups.
 */
struct tkey {
	char	*key;		/* owned */
	size_t	 topic;
};

struct ttab {
	struct tkey	*v;
	size_t		 size, n;
};

static size_t
ttab_slot(const struct ttab *t, const char *key)
{
	size_t	 h;

	for (h = hash_str(HASH_INIT, key) & (t->size - 1); t->v[h].key != NULL;
	    h = (h + 1) & (t->size - 1))
		if (strcmp(t->v[h].key, key) == 0)
			break;
	return h;
}

/* The topic under key, or SIZE_MAX. */
static size_t
ttab_get(const struct ttab *t, const char *key)
{
	size_t	 h;

	if (t->size == 0)
		return SIZE_MAX;
	h = ttab_slot(t, key);
	return t->v[h].key != NULL ? t->v[h].topic : SIZE_MAX;
}

static int
ttab_put(struct ttab *t, const char *key, size_t topic)
{
	size_t	 h;

	if ((t->n + 1) * 2 > t->size) {
		struct ttab nt;
		size_t i;

		nt.size = t->size ? t->size * 2 : 64;
		nt.n = t->n;
		if ((nt.v = calloc(nt.size, sizeof(*nt.v))) == NULL)
			return -1;
		for (i = 0; i < t->size; i++)
			if (t->v[i].key != NULL)
				nt.v[ttab_slot(&nt, t->v[i].key)] = t->v[i];
		free(t->v);
		*t = nt;
	}
	h = ttab_slot(t, key);
	if (t->v[h].key != NULL) {
		t->v[h].topic = topic;
		return 0;
	}
	if ((t->v[h].key = strdup(key)) == NULL)
		return -1;
	t->v[h].topic = topic;
	t->n++;
	return 0;
}

static void
ttab_free(struct ttab *t)
{
	size_t	 i;

	for (i = 0; i < t->size; i++)
		free(t->v[i].key);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/*
 * A post joins at most TOPICS_PER_POST topics; further tags are left out
 * with a warning.  Each topic's feeds carry the post in full, with every
 * topic it is in: a post with 20,000 tags made 20,000 topic pages and
 * 60,000 feeds each naming 20,000 categories, and wrote gigabytes.  The
 * output grows with the square of a post's topics, so the bound sits far
 * above what anyone tags a post with, and far below where that hurts.
 */
#define TOPICS_PER_POST	32

static int
topic_cmp(const void *a, const void *b)
{
	const struct topic *x = a, *y = b;

	return strcmp(x->slug, y->slug);
}

struct resolve {
	struct site	*s;
	/* byraw: tags as written that needed no trimming, once resolved. */
	struct ttab	 bynorm, byslug, byraw;
	struct buf	 norm, slug;
};

/*
 * The topic of one tag of p (writing it as a new topic the first time),
 * or SIZE_MAX when the tag names none (no letter or digit: a warning).
 * -1 on no memory, through *oom.
 */
static size_t
tag_topic(struct resolve *r, const struct post *p, size_t j, int *oom)
{
	struct site	*s = r->s;
	const char	*tag = p->tags[j], *t;
	struct topic	*tp;
	size_t		 n, k;

	/*
	 * Most tags are spelled alike in hundreds of posts: one met before
	 * resolves as it did, without normalizing it again.
	 */
	if ((k = ttab_get(&r->byraw, tag)) != SIZE_MAX)
		return k;
	t = text_tag_trim(tag, &n);
	if (tag_norm(&r->norm, t, n) == -1)
		goto oom;
	if ((k = ttab_get(&r->bynorm, r->norm.data)) == SIZE_MAX) {
		buf_reset(&r->slug);
		if (text_tag_slug(&r->slug, t, n) == -1)
			goto oom;
		if (r->slug.len == 0) {
			diag_warn(s->diag, p->file, p->tag_lines[j], "tag %s "
			    "has no letter or digit, so no topic page; left "
			    "out", tag);
			return SIZE_MAX;
		}
		/* Another spelling whose slug is taken: one topic. */
		if ((k = ttab_get(&r->byslug, r->slug.data)) != SIZE_MAX) {
			diag_warn(s->diag, p->file, p->tag_lines[j], "tag %s "
			    "and tag %s (%s) make the same topic path "
			    "topics/%s/; they are one topic", tag,
			    s->topics[k].tag, s->topics[k].first_file,
			    r->slug.data);
		} else {
			k = s->ntopics++;
			tp = &s->topics[k];
			memset(tp, 0, sizeof(*tp));
			if ((tp->tag = arena_strndup(s->arena, t, n)) == NULL ||
			    (tp->slug = arena_strdup(s->arena,
			    r->slug.data)) == NULL)
				goto oom;
			tp->title = tp->tag;
			tp->first_file = p->file;
			if (ttab_put(&r->byslug, r->slug.data, k) == -1)
				goto oom;
		}
		if (ttab_put(&r->bynorm, r->norm.data, k) == -1)
			goto oom;
	}
	if (n != strlen(tag)) {
		diag_warn(s->diag, p->file, p->tag_lines[j], "tag \"%s\" is "
		    "read as \"%.*s\"", tag, (int)n, t);
	} else if (ttab_put(&r->byraw, tag, k) == -1)
		goto oom;
	return k;
oom:
	*oom = 1;
	return SIZE_MAX;
}

/*
 * Topics whose path changed when '#', '+' and a leading '.' came to be
 * read (C++ was topics/c/, now topics/c-plus-plus/) keep their old path
 * as a redirect, unless another topic has it now.  The first topic in
 * order to claim an old path gets it.
 */
static int
old_slugs(struct resolve *r)
{
	struct site	*s = r->s;
	struct ttab	 claimed;
	size_t		 i, n;
	const char	*t;
	int		 rc = -1;

	memset(&claimed, 0, sizeof(claimed));
	for (i = 0; i < s->ntopics; i++) {
		struct topic *tp = &s->topics[i];

		tp->old_slug = NULL;
		t = text_tag_trim(tp->tag, &n);
		buf_reset(&r->slug);
		if (text_slug(&r->slug, t, n) == -1)
			goto out;
		if (r->slug.len == 0 || strcmp(r->slug.data, tp->slug) == 0 ||
		    ttab_get(&r->byslug, r->slug.data) != SIZE_MAX ||
		    ttab_get(&claimed, r->slug.data) != SIZE_MAX)
			continue;
		if (ttab_put(&claimed, r->slug.data, i) == -1 ||
		    (tp->old_slug = arena_strdup(s->arena, r->slug.data)) ==
		    NULL)
			goto out;
	}
	rc = 0;
out:
	ttab_free(&claimed);
	return rc;
}

/*
 * Map every post's tags to topics: stet.yaml's first, in its order, then
 * the others by slug.
 */
int
topics_resolve(struct site *s, struct err *err)
{
	struct resolve	 r;
	struct post	**byfile = NULL;
	size_t		 cap, i, j, k, *map = NULL, nd;
	int		 oom = 0, rc = -1;
	unsigned char	*seen = NULL;

	memset(&r, 0, sizeof(r));
	r.s = s;
	buf_init(&r.norm, 0);
	buf_init(&r.slug, 0);
	nd = s->cfg.ntopics;
	cap = nd;
	for (i = 0; i < s->nposts; i++)
		cap += s->posts[i].ntags < TOPICS_PER_POST ?
		    s->posts[i].ntags : TOPICS_PER_POST;
	if ((s->topics = arena_alloc(s->arena, (cap ? cap : 1) *
	    sizeof(*s->topics))) == NULL)
		goto oom;
	for (i = 0; i < nd; i++) {
		s->topics[i] = s->cfg.topics[i];
		if (tag_norm(&r.norm, s->topics[i].tag,
		    strlen(s->topics[i].tag)) == -1 ||
		    ttab_put(&r.bynorm, r.norm.data, i) == -1 ||
		    ttab_put(&r.byslug, s->topics[i].slug, i) == -1)
			goto oom;
	}
	s->ntopics = nd;
	/* In file order: a topic takes the first spelling met in it. */
	if ((byfile = calloc(s->nposts + s->nhidden + 1, sizeof(*byfile))) ==
	    NULL || (seen = calloc(cap ? cap : 1, 1)) == NULL)
		goto oom;
	for (i = 0; i < s->nposts; i++)
		byfile[s->posts[i].order] = &s->posts[i];
	for (i = 0; i < s->nposts + s->nhidden; i++) {
		struct post *p = byfile[i];

		if (p == NULL)
			continue;	/* a draft or future post */
		if (p->ntags && (p->topics = arena_alloc(s->arena,
		    (p->ntags < TOPICS_PER_POST ? p->ntags : TOPICS_PER_POST) *
		    sizeof(*p->topics))) == NULL)
			goto oom;
		p->ntopics = 0;
		for (j = 0; j < p->ntags; j++) {
			/* Stop before a tag could make a topic of no post. */
			if (p->ntopics == TOPICS_PER_POST) {
				diag_warn(s->diag, p->file, p->tag_lines[j],
				    "tag %s and the %zu after it are left out: "
				    "a post may have %d topics", p->tags[j],
				    p->ntags - j - 1, TOPICS_PER_POST);
				break;
			}
			k = tag_topic(&r, p, j, &oom);
			if (oom)
				goto oom;
			/* The same topic twice in one post counts once. */
			if (k == SIZE_MAX || seen[k])
				continue;
			seen[k] = 1;
			p->topics[p->ntopics++] = k;
			s->topics[k].count++;
		}
		for (j = 0; j < p->ntopics; j++)
			seen[p->topics[j]] = 0;
	}
	/*
	 * Sort the undeclared ones by slug, then renumber the posts'
	 * topics through map (old index -> new), found by slug.
	 */
	qsort(s->topics + nd, s->ntopics - nd, sizeof(*s->topics), topic_cmp);
	if ((map = calloc(s->ntopics ? s->ntopics : 1, sizeof(*map))) == NULL)
		goto oom;
	for (i = nd; i < s->ntopics; i++) {
		k = ttab_get(&r.byslug, s->topics[i].slug);
		map[k] = i;
	}
	for (i = 0; i < nd; i++)
		map[i] = i;
	for (i = 0; i < s->nposts; i++)
		for (j = 0; j < s->posts[i].ntopics; j++)
			s->posts[i].topics[j] = map[s->posts[i].topics[j]];
	if (old_slugs(&r) == -1)
		goto oom;
	rc = 0;
	goto out;
oom:
	err_set(err, "posts", 0, "out of memory");
out:
	free(map);
	free(seen);
	free(byfile);
	ttab_free(&r.bynorm);
	ttab_free(&r.byslug);
	ttab_free(&r.byraw);
	buf_free(&r.norm);
	buf_free(&r.slug);
	return rc;
}
