#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "site/topics.h"
#include "support/diag.h"

/* A site of nposts posts, post i with ntags[i] tags "t<i>-<k>" plus shared. */
static void
make_site(struct site *s, struct diag *d, size_t nposts, const size_t *ntags,
    const char *shared)
{
	size_t	 i, k;

	memset(s, 0, sizeof(*s));
	s->diag = d;
	s->arena = arena_new();
	assert_non_null(s->arena);
	s->posts = arena_alloc(s->arena, nposts * sizeof(*s->posts));
	assert_non_null(s->posts);
	memset(s->posts, 0, nposts * sizeof(*s->posts));
	s->nposts = nposts;
	for (i = 0; i < nposts; i++) {
		struct post *p = &s->posts[i];
		size_t n = ntags[i] + (shared ? 1 : 0);
		char buf[64];

		p->order = i;
		(void)snprintf(buf, sizeof(buf), "posts/p%zu.md", i);
		p->file = arena_strdup(s->arena, buf);
		p->tags = arena_alloc(s->arena, (n ? n : 1) * sizeof(*p->tags));
		p->tag_lines = arena_alloc(s->arena, (n ? n : 1) *
		    sizeof(*p->tag_lines));
		assert_non_null(p->tags);
		assert_non_null(p->tag_lines);
		if (shared) {
			p->tag_lines[p->ntags] = 4;
			p->tags[p->ntags++] = shared;
		}
		for (k = 0; k < ntags[i]; k++) {
			(void)snprintf(buf, sizeof(buf), "t%zu-%zu", i, k);
			p->tag_lines[p->ntags] = 5 + k;
			p->tags[p->ntags++] = arena_strdup(s->arena, buf);
		}
	}
}

/*
 * A post joins at most 32 topics: the tags after are left out with one
 * warning naming the first left out.  Without the bound, 20,000 tags
 * made 20,000 topics whose feeds each named all 20,000.
 */
static void
tags_bound(void **state)
{
	struct site	 s;
	struct diag	 d;
	struct err	 err;
	size_t		 ntags[2] = { 40, 3 };
	char		 msg[512];

	(void)state;
	diag_init(&d);
	make_site(&s, &d, 2, ntags, NULL);
	assert_int_equal(topics_resolve(&s, &err), 0);
	assert_int_equal(s.posts[0].ntopics, 32);
	assert_int_equal(s.posts[1].ntopics, 3);
	assert_int_equal(s.ntopics, 35);
	assert_int_equal(d.nwarnings, 1);
	diag_sort(&d);
	diag_format(&d.v[0], msg, sizeof(msg));
	assert_string_equal(msg, "posts/p0.md:37: tag t0-32 and the 7 after it "
	    "are left out: a post may have 32 topics");
	/* Topics come out sorted by slug, and posts point at theirs. */
	for (size_t t = 1; t < s.ntopics; t++)
		assert_true(strcmp(s.topics[t - 1].slug, s.topics[t].slug) < 0);
	assert_string_equal(s.topics[s.posts[1].topics[2]].tag, "t1-2");
	arena_free(s.arena);
	diag_free(&d);
}

/*
 * 20,000 posts of 5 tags each, one shared by all: 80,001 topics, each
 * found by its slug in a table.  A search of every topic for each tag
 * (and a second one to renumber them) took seconds here.
 */
static void
many_topics(void **state)
{
	struct site	 s;
	struct err	 err;
	size_t		*ntags, i;
	struct timespec	 t0, t1;

	(void)state;
	ntags = calloc(20000, sizeof(*ntags));
	assert_non_null(ntags);
	for (i = 0; i < 20000; i++)
		ntags[i] = 4;
	make_site(&s, NULL, 20000, ntags, "Shared Tag");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(topics_resolve(&s, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(s.ntopics, 80001);
	assert_int_equal(s.topics[s.posts[7].topics[0]].count, 20000);
	assert_string_equal(s.topics[s.posts[7].topics[0]].slug, "shared-tag");
	assert_string_equal(s.topics[s.posts[7].topics[1]].tag, "t7-0");
	assert_true((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9 <
	    10.0);
	arena_free(s.arena);
	free(ntags);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tags_bound),
		cmocka_unit_test(many_topics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
