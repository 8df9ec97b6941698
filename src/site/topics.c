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

static int
topic_cmp(const void *a, const void *b)
{
	const struct topic *x = a, *y = b;

	if (x->declared != y->declared)
		return x->declared ? -1 : 1;
	if (x->declared)
		return 0;	/* qsort is unstable: see the index below */
	return strcmp(x->slug, y->slug);
}

/*
 * Map every post's tags to topics: stet.yaml's first, in its order, then
 * the others by slug.  Two spellings that make one slug but are not the
 * same tag (C and C++) are an error naming both files.
 */
int
topics_resolve(struct site *s, struct err *err)
{
	struct buf	 norm, slug;
	struct topic	*t;
	struct post	**byfile = NULL;
	char		**norms = NULL;	/* norm of each topic */
	size_t		 cap, i, j, k, *map = NULL, nspell = 0;
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
		cap += s->posts[i].ntags;
	if ((s->topics = arena_alloc(s->arena, (cap ? cap : 1) *
	    sizeof(*s->topics))) == NULL ||
	    (norms = calloc(cap ? cap : 1, sizeof(*norms))) == NULL ||
	    (map = calloc(cap ? cap : 1, sizeof(*map))) == NULL)
		goto oom;
	for (i = 0; i < s->cfg.ntopics; i++) {
		s->topics[i] = s->cfg.topics[i];
		if (tag_norm(&norm, s->topics[i].tag) == -1 ||
		    (norms[i] = strdup(norm.data)) == NULL)
			goto oom;
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
		if (p->ntags && (p->topics = arena_alloc(s->arena, p->ntags *
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
			for (k = 0; k < s->ntopics; k++)
				if (strcmp(s->topics[k].slug, slug.data) == 0)
					break;
			if (k < s->ntopics && strcmp(norms[k], norm.data)) {
				err_set(err, p->file, p->tag_lines[j], "tag %s "
				    "and tag %s (%s) make the same topic path "
				    "%s; rename one", p->tags[j],
				    s->topics[k].tag, s->topics[k].first_file,
				    slug.data);
				goto out;
			}
			if (k == s->ntopics) {
				t = &s->topics[s->ntopics++];
				memset(t, 0, sizeof(*t));
				t->tag = t->title = p->tags[j];
				t->first_file = p->file;
				if ((t->slug = arena_strdup(s->arena,
				    slug.data)) == NULL ||
				    (norms[k] = strdup(norm.data)) == NULL)
					goto oom;
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
			p->topics[p->ntopics++] = k;
			s->topics[k].count++;
next:			;
		}
	}
	/* Sort the undeclared ones, then renumber the posts' topics. */
	{
		struct topic *sorted = s->topics + s->cfg.ntopics;
		size_t n = s->ntopics - s->cfg.ntopics;
		const char **old = calloc(n ? n : 1, sizeof(*old));

		if (old == NULL)
			goto oom;
		for (i = 0; i < n; i++)
			old[i] = sorted[i].slug;
		qsort(sorted, n, sizeof(*sorted), topic_cmp);
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (sorted[j].slug == old[i])
					map[i] = s->cfg.ntopics + j;
		free(old);
		for (i = 0; i < s->nposts; i++)
			for (j = 0; j < s->posts[i].ntopics; j++)
				if (s->posts[i].topics[j] >= s->cfg.ntopics)
					s->posts[i].topics[j] =
					    map[s->posts[i].topics[j] -
					    s->cfg.ntopics];
	}
	rc = 0;
	goto out;
oom:
	err_set(err, "posts", 0, "out of memory");
out:
	if (norms != NULL)
		for (i = 0; i < cap; i++)
			free(norms[i]);
	free(norms);
	free(map);
	free(byfile);
	buf_free(&norm);
	buf_free(&slug);
	return rc;
}

