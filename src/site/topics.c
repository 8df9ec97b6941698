#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../support/buf.h"
#include "../support/hash.h"
#include "../support/text.h"
#include "topics.h"

/*
 * A tag's spelling with case and spacing taken out: "Multi Tenant",
 * "multi-tenant" and " multi  tenant" are one topic.
 */
static int
tag_norm(struct buf *b, const char *s)
{
	struct buf	 low;
	size_t		 i;
	int		 sep = 0, rc = -1;

	buf_reset(b);
	buf_init(&low, 0);
	if (text_lower(&low, s, strlen(s)) == -1)
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
 * A post joins at most TOPICS_PER_POST topics; further tags are left out
 * with a warning.  Each topic's feeds carry the post in full, with every
 * topic it is in: a post with 20,000 tags made 20,000 topic pages and
 * 60,000 feeds each naming 20,000 categories, and wrote gigabytes.  The
 * output grows with the square of a post's topics, so the bound sits far
 * above what anyone tags a post with, and far below where that hurts.
 */
#define TOPICS_PER_POST	32

/* Topics by slug: open addressing, at most half full. */
struct slugset {
	size_t	*v;		/* topic index + 1; 0 is an empty slot */
	size_t	 cap;
};

static size_t
slugset_slot(const struct slugset *ss, const struct topic *t,
    const char *slug)
{
	size_t	 h = hash_str(HASH_INIT, slug) & (ss->cap - 1);

	while (ss->v[h] != 0 && strcmp(t[ss->v[h] - 1].slug, slug) != 0)
		h = (h + 1) & (ss->cap - 1);
	return h;
}

static int
topic_cmp(const void *a, const void *b)
{
	const struct topic *x = *(const struct topic *const *)a;
	const struct topic *y = *(const struct topic *const *)b;

	return strcmp(x->slug, y->slug);
}

/*
 * The topics stet.yaml does not declare are sorted by slug after the
 * declared ones, and each post's topic numbers follow them.
 */
static int
sort_undeclared(struct site *s)
{
	struct topic	*rest = s->topics + s->cfg.ntopics, **ord = NULL;
	struct topic	*tmp = NULL;
	size_t		 n = s->ntopics - s->cfg.ntopics, *map = NULL, i, j;
	int		 rc = -1;

	if (n < 2)
		return 0;
	ord = calloc(n, sizeof(*ord));
	tmp = calloc(n, sizeof(*tmp));
	map = calloc(n, sizeof(*map));
	if (ord == NULL || tmp == NULL || map == NULL)
		goto out;
	for (i = 0; i < n; i++)
		ord[i] = &rest[i];
	/* Slugs are unique, so the order is total and qsort stable enough. */
	qsort(ord, n, sizeof(*ord), topic_cmp);
	for (j = 0; j < n; j++) {
		tmp[j] = *ord[j];
		map[ord[j] - rest] = s->cfg.ntopics + j;
	}
	memcpy(rest, tmp, n * sizeof(*rest));
	for (i = 0; i < s->nposts; i++)
		for (j = 0; j < s->posts[i].ntopics; j++)
			if (s->posts[i].topics[j] >= s->cfg.ntopics)
				s->posts[i].topics[j] =
				    map[s->posts[i].topics[j] - s->cfg.ntopics];
	rc = 0;
out:
	free(ord);
	free(tmp);
	free(map);
	return rc;
}

/*
 * Map every post's tags to topics: stet.yaml's first, in its order, then
 * the others by slug.  Two spellings that make one slug but are not the
 * same tag (C and C++) are an error naming both files.  A table of slugs
 * finds each tag's topic, so a site of 10,000 topics costs one lookup
 * per tag, not a search of every topic.
 */
int
topics_resolve(struct site *s, struct err *err)
{
	struct buf	 norm, slug;
	struct topic	*t;
	struct post	**byfile = NULL;
	struct slugset	 slugs = { NULL, 0 };
	char		**norms = NULL;	/* norm of each topic */
	size_t		 cap, i, j, k, h, nspell = 0;
	int		 rc = -1;
	/*
	 * Most posts spell their tags one of a few ways: remember each
	 * spelling's topic, rather than normalising every tag of every post.
	 */
	struct {
		const char	*tag;
		uint64_t	 hash;
		size_t		 topic;
	} spell[64];

	buf_init(&norm, 0);
	buf_init(&slug, 0);
	cap = s->cfg.ntopics;
	for (i = 0; i < s->nposts; i++)
		cap += s->posts[i].ntags < TOPICS_PER_POST ?
		    s->posts[i].ntags : TOPICS_PER_POST;
	for (slugs.cap = 16; slugs.cap < cap * 2; slugs.cap *= 2)
		;
	if ((s->topics = arena_alloc(s->arena, (cap ? cap : 1) *
	    sizeof(*s->topics))) == NULL ||
	    (norms = calloc(cap ? cap : 1, sizeof(*norms))) == NULL ||
	    (slugs.v = calloc(slugs.cap, sizeof(*slugs.v))) == NULL)
		goto oom;
	for (i = 0; i < s->cfg.ntopics; i++) {
		s->topics[i] = s->cfg.topics[i];
		if (tag_norm(&norm, s->topics[i].tag) == -1 ||
		    (norms[i] = strdup(norm.data)) == NULL)
			goto oom;
		/* config.c refuses two declared topics with one slug. */
		h = slugset_slot(&slugs, s->topics, s->topics[i].slug);
		if (slugs.v[h] == 0)
			slugs.v[h] = i + 1;
	}
	s->ntopics = s->cfg.ntopics;
	/* In file order: a topic takes the first spelling met in it. */
	if ((byfile = calloc(s->nposts + s->nhidden + 1, sizeof(*byfile))) ==
	    NULL)
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
		for (j = 0; j < p->ntags; j++) {
			uint64_t th = hash_str(HASH_INIT, p->tags[j]);

			for (k = 0; k < nspell; k++)
				if (spell[k].hash == th &&
				    strcmp(spell[k].tag, p->tags[j]) == 0)
					break;
			if (k < nspell) {
				k = spell[k].topic;
				goto found;
			}
			buf_reset(&slug);
			if (tag_norm(&norm, p->tags[j]) == -1 ||
			    text_slug(&slug, p->tags[j],
			    strlen(p->tags[j])) == -1)
				goto oom;
			if (slug.len == 0) {
				err_set(err, p->file, p->tag_lines[j], "tag %s "
				    "has no letter or digit", p->tags[j]);
				goto out;
			}
			h = slugset_slot(&slugs, s->topics, slug.data);
			k = slugs.v[h] ? slugs.v[h] - 1 : s->ntopics;
			if (k < s->ntopics && strcmp(norms[k], norm.data)) {
				err_set(err, p->file, p->tag_lines[j], "tag %s "
				    "and tag %s (%s) make the same topic path "
				    "%s; rename one", p->tags[j],
				    s->topics[k].tag, s->topics[k].first_file,
				    slug.data);
				goto out;
			}
			if (k == s->ntopics) {
				/* A new topic, but not past a full post. */
				if (p->ntopics == TOPICS_PER_POST)
					goto full;
				t = &s->topics[s->ntopics++];
				memset(t, 0, sizeof(*t));
				t->tag = t->title = p->tags[j];
				t->first_file = p->file;
				if ((t->slug = arena_strdup(s->arena,
				    slug.data)) == NULL ||
				    (norms[k] = strdup(norm.data)) == NULL)
					goto oom;
				slugs.v[h] = k + 1;
			}
			if (nspell < sizeof(spell) / sizeof(*spell)) {
				spell[nspell].tag = p->tags[j];
				spell[nspell].hash = th;
				spell[nspell++].topic = k;
			}
found:
			/* The same topic twice in one post counts once. */
			for (size_t q = 0; q < p->ntopics; q++)
				if (p->topics[q] == k)
					goto next;
			if (p->ntopics == TOPICS_PER_POST)
				goto full;
			p->topics[p->ntopics++] = k;
			s->topics[k].count++;
next:			;
		}
		continue;
full:
		diag_warn(s->diag, p->file, p->tag_lines[j], "tag %s and the "
		    "%zu after it are left out: a post may have %d topics",
		    p->tags[j], p->ntags - j - 1, TOPICS_PER_POST);
	}
	if (sort_undeclared(s) == -1)
		goto oom;
	rc = 0;
	goto out;
oom:
	err_set(err, "posts", 0, "out of memory");
out:
	if (norms != NULL)
		for (i = 0; i < cap; i++)
			free(norms[i]);
	free(norms);
	free(slugs.v);
	free(byfile);
	buf_free(&norm);
	buf_free(&slug);
	return rc;
}
