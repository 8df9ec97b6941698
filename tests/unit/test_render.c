#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "site/markdown.h"
#include "site/memfs.h"
#include "site/render.h"
#include "site/write.h"

/*
 * Rendering from a model built here, in memory: no site folder (dirfd
 * is -1, so a stray read of a file fails), bodies from a table, pages
 * into a memfs.  Tiny templates, so the expected bytes are all in view.
 */

struct body {
	const char	*file;
	const char	*text;
};

struct bodies {
	const struct body *v;
	size_t		 n;
};

/* A render_source over a table of bodies; no file is ever read. */
static int
read_body(const void *arg, const char *file, struct buf *scratch,
    struct front_split *fs, struct err *err)
{
	const struct bodies *b = arg;
	size_t		 i;

	buf_reset(scratch);
	for (i = 0; i < b->n; i++)
		if (strcmp(b->v[i].file, file) == 0)
			break;
	if (i == b->n)
		return err_set(err, file, 0, "no such body");
	if (buf_puts(scratch, b->v[i].text) == -1)
		return err_set(err, file, 0, "out of memory");
	memset(fs, 0, sizeof(*fs));
	fs->body = scratch->data;
	fs->body_len = scratch->len;
	fs->body_line = 1;
	return 0;
}

static const struct body bodies[] = {
	{ "posts/second.md", "Second *body*, with [a link](../first/).\n" },
	{ "posts/first.md", "First body.\n" },
};

struct fixture {
	struct site	 site;
	struct post	 posts[2];
	struct tset	*tpl;
	struct bodies	 src_tab;
	struct render_source src;
	struct render_opts opts;
	unsigned char	 post_plan[2];
	unsigned char	 feed_plan[1];
	struct plan	 plan;
	struct memfs	 mem;
	struct writer	 w;
	struct buf	 form;
};

static const char post_tpl[] =
    "<title>{{page.title}}</title>\n"
    "<link rel=\"canonical\" href=\"{{page.canonical}}\">\n"
    "<h1>{{post.title}}</h1>\n"
    "<time datetime=\"{{post.datetime}}\">{{post.date}}</time>\n"
    "{{{post.content}}}"
    "{{#newer}}<a rel=\"prev\" href=\"{{url}}\">{{title}}</a>\n{{/newer}}"
    "{{#older}}<a rel=\"next\" href=\"{{url}}\">{{title}}</a>\n{{/older}}";

static const char form_tpl[] =
    "<title>{{page.title}}</title>\n<form action=\"{{subscribe_action}}\">"
    "\n{{{content}}}\n";

static void
post_init(struct post *p, const char *file, const char *slug,
    const char *title, int64_t t)
{
	memset(p, 0, sizeof(*p));
	p->file = file;
	p->section = "writing";
	p->slug = slug;
	p->title = title;
	p->date.t = t;
	p->date.off = 0;
}

static int
setup(void **state)
{
	struct fixture	*f;
	struct err	 err;

	markdown_init();
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->site.dirfd = -1;
	f->site.cfg.title = "Tiny & Co";
	f->site.cfg.author = "Tess";
	f->site.cfg.description = "A site in memory.";
	f->site.cfg.url = "https://e.com/";
	f->site.cfg.base_path = "/";
	f->site.cfg.language = "en";
	/* Newest first, as site_load sorts them. */
	post_init(&f->posts[0], "posts/second.md", "second", "Second",
	    1707000000);	/* 2024-02-03T22:40:00Z */
	f->posts[0].summary = "The second one.";
	f->posts[0].id = "tag:e.com,2024-02-03:/writing/second";
	post_init(&f->posts[1], "posts/first.md", "first", "First",
	    1704153600);	/* 2024-01-02T00:00:00Z */
	f->posts[1].id = "tag:e.com,2024-01-02:/writing/first";
	f->site.posts = f->posts;
	f->site.nposts = 2;

	assert_non_null(f->tpl = template_set_new());
	assert_int_equal(template_add(f->tpl, "post", "post", post_tpl,
	    sizeof(post_tpl) - 1, &err), 0);
	assert_int_equal(template_add(f->tpl, "form", "form", form_tpl,
	    sizeof(form_tpl) - 1, &err), 0);
	assert_int_equal(template_link(f->tpl, &err), 0);

	f->src_tab.v = bodies;
	f->src_tab.n = sizeof(bodies) / sizeof(*bodies);
	f->src.read = read_body;
	f->src.arg = &f->src_tab;
	/* Only the post pages: no lists, no feeds, no fixed pages. */
	f->post_plan[0] = f->post_plan[1] = PLAN_CHANGED;
	f->plan.post = f->post_plan;
	f->plan.feeds = f->feed_plan;
	memfs_init(&f->mem, NULL);
	writer_open_memory(&f->w, &f->mem);
	buf_init(&f->form, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	memfs_free(&f->mem);
	template_set_free(f->tpl);
	buf_free(&f->form);
	free(f);
	return 0;
}

static int
render(struct fixture *f, struct err *err)
{
	int	 rc;

	rc = render_pages(&f->site, f->tpl, &f->src, &f->w, &f->opts,
	    &f->plan, &f->form, err);
	memfs_seal(&f->mem);
	return rc;
}

static void
assert_file(const struct fixture *f, const char *path, const char *want)
{
	const struct memfile *m = memfs_get(&f->mem, path);

	if (m == NULL)
		fail_msg("%s was not rendered", path);
	if (m->len != strlen(want) || memcmp(m->data, want, m->len) != 0) {
		/* fail_msg cuts long messages short: the whole file first. */
		fprintf(stderr, "%s:\n--- got\n%.*s--- want\n%s", path,
		    (int)m->len, m->data, want);
		fail_msg("%s is not as expected", path);
	}
}

static void
assert_has(const struct fixture *f, const char *path, const char *want)
{
	const struct memfile *m = memfs_get(&f->mem, path);

	if (m == NULL)
		fail_msg("%s was not rendered", path);
	if (memmem(m->data, m->len, want, strlen(want)) == NULL) {
		fprintf(stderr, "%s:\n%.*s", path, (int)m->len, m->data);
		fail_msg("%s lacks: %s", path, want);
	}
}

/* A post's page, every byte, from the model and a body in memory. */
static void
post_page(void **state)
{
	struct fixture	*f = *state;
	struct err	 err;

	assert_int_equal(render(f, &err), 0);
	assert_file(f, "writing/second/index.html",
	    "<title>Second · Tiny &amp; Co</title>\n"
	    "<link rel=\"canonical\" href=\"https://e.com/writing/second/\">\n"
	    "<h1>Second</h1>\n"
	    "<time datetime=\"2024-02-03T22:40:00+00:00\">3 February 2024"
	    "</time>\n"
	    "<p>Second <em>body</em>, with <a href=\"../first/\">a link</a>."
	    "</p>\n"
	    "<a rel=\"next\" href=\"../../writing/first/\">First</a>\n");
	assert_file(f, "writing/first/index.html",
	    "<title>First · Tiny &amp; Co</title>\n"
	    "<link rel=\"canonical\" href=\"https://e.com/writing/first/\">\n"
	    "<h1>First</h1>\n"
	    "<time datetime=\"2024-01-02T00:00:00+00:00\">2 January 2024"
	    "</time>\n"
	    "<p>First body.</p>\n"
	    "<a rel=\"prev\" href=\"../../writing/second/\">Second</a>\n");
	/* The plan named the post pages only; no form was asked for. */
	assert_int_equal(f->mem.n, 2);
	assert_int_equal(f->form.len, 0);
}

/* The site's Atom feed: dates from the posts, ids from the model. */
static void
atom_feed(void **state)
{
	struct fixture	*f = *state;
	struct err	 err;

	f->post_plan[0] = f->post_plan[1] = PLAN_SKIP;
	f->feed_plan[0] = 1;
	assert_int_equal(render(f, &err), 0);
	assert_file(f, "feed.xml",
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n"
	    "<title>Tiny &amp; Co</title>\n"
	    "<subtitle>A site in memory.</subtitle>\n"
	    "<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"https://e.com/\"/>\n"
	    "<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"https://e.com/feed.xml\"/>\n"
	    "<id>https://e.com/feed.xml</id>\n"
	    "<updated>2024-02-03T22:40:00+00:00</updated>\n"
	    "<author><name>Tess</name></author>\n"
	    "<generator>stet</generator>\n"
	    "<entry>\n"
	    "<title>Second</title>\n"
	    "<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"https://e.com/writing/second/\"/>\n"
	    "<id>tag:e.com,2024-02-03:/writing/second</id>\n"
	    "<published>2024-02-03T22:40:00+00:00</published>\n"
	    "<updated>2024-02-03T22:40:00+00:00</updated>\n"
	    "<summary>The second one.</summary>\n"
	    /* The relative link, made absolute for readers elsewhere. */
	    "<content type=\"html\">&lt;p&gt;Second &lt;em&gt;body&lt;/em&gt;, "
	    "with &lt;a href=&quot;https://e.com/writing/first/&quot;&gt;"
	    "a link&lt;/a&gt;.&lt;/p&gt;\n"
	    "</content>\n"
	    "</entry>\n"
	    "<entry>\n"
	    "<title>First</title>\n"
	    "<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"https://e.com/writing/first/\"/>\n"
	    "<id>tag:e.com,2024-01-02:/writing/first</id>\n"
	    "<published>2024-01-02T00:00:00+00:00</published>\n"
	    "<updated>2024-01-02T00:00:00+00:00</updated>\n"
	    "<content type=\"html\">&lt;p&gt;First body.&lt;/p&gt;\n"
	    "</content>\n"
	    "</entry>\n"
	    "</feed>\n");
	assert_has(f, "feed.json",
	    "\"id\": \"tag:e.com,2024-01-02:/writing/first\",\n"
	    "\"url\": \"https://e.com/writing/first/\",\n"
	    "\"title\": \"First\",\n"
	    "\"date_published\": \"2024-01-02T00:00:00+00:00\",\n"
	    "\"content_html\": \"\\u003cp>First body.\\u003c/p>\\n\"\n");
	assert_has(f, "rss.xml",
	    "<pubDate>Sat, 03 Feb 2024 22:40:00 +0000</pubDate>");
	assert_int_equal(f->mem.n, 3);
}

/* The form page comes back as bytes; the writer never sees it. */
static void
form_page(void **state)
{
	struct fixture	*f = *state;
	struct err	 err;

	f->post_plan[0] = f->post_plan[1] = PLAN_SKIP;
	f->opts.form = 1;
	assert_int_equal(render(f, &err), 0);
	assert_int_equal(f->mem.n, 0);
	assert_string_equal(f->form.data,
	    "<title>" RENDER_FORM_TITLE " · Tiny &amp; Co</title>\n"
	    "<form action=\"/subscribe\">\n"
	    RENDER_FORM_CONTENT "\n");
}

/* A body the source cannot give fails the render, naming its file. */
static void
source_error(void **state)
{
	struct fixture	*f = *state;
	struct err	 err;

	f->src_tab.n = 1;	/* posts/first.md is gone */
	assert_int_equal(render(f, &err), -1);
	assert_non_null(strstr(err.msg, "posts/first.md"));
	assert_non_null(strstr(err.msg, "no such body"));
}

/* Render again into an empty memfs, with the last render's digests. */
static void
rerender(struct fixture *f, struct digests *prev, struct digests *made)
{
	struct err	 err;

	memfs_free(&f->mem);
	memfs_init(&f->mem, NULL);
	writer_open_memory(&f->w, &f->mem);
	digests_sort(prev);
	f->opts.prev = prev;
	f->opts.made = made;
	assert_int_equal(render(f, &err), 0);
}

/*
 * A rebuild renders a page again exactly when something its render reads
 * changed: found from the values it is rendered with, not from a list of
 * fields kept by hand.
 */
static void
digests_decide(void **state)
{
	struct fixture	*f = *state;
	struct digests	 d[4];
	struct err	 err;
	size_t		 i;

	for (i = 0; i < 4; i++)
		digests_init(&d[i]);
	f->opts.made = &d[0];
	assert_int_equal(render(f, &err), 0);
	assert_non_null(memfs_get(&f->mem, "writing/second/index.html"));
	assert_int_equal(d[0].n, 2);

	/* Nothing changed: nothing rendered, every digest kept. */
	rerender(f, &d[0], &d[1]);
	assert_null(memfs_get(&f->mem, "writing/second/index.html"));
	assert_null(memfs_get(&f->mem, "writing/first/index.html"));
	assert_int_equal(d[1].n, 2);

	/* A body's source changed: that post only. */
	f->posts[1].mtime_ns = 42;
	rerender(f, &d[1], &d[2]);
	assert_null(memfs_get(&f->mem, "writing/second/index.html"));
	assert_non_null(memfs_get(&f->mem, "writing/first/index.html"));

	/* A title: its page, and its neighbour's, which links to it. */
	f->posts[1].title = "Primero";
	rerender(f, &d[2], &d[3]);
	assert_has(f, "writing/first/index.html", "<h1>Primero</h1>");
	assert_has(f, "writing/second/index.html", ">Primero</a>");
	for (i = 0; i < 4; i++)
		digests_free(&d[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(post_page, setup, teardown),
		cmocka_unit_test_setup_teardown(atom_feed, setup, teardown),
		cmocka_unit_test_setup_teardown(form_page, setup, teardown),
		cmocka_unit_test_setup_teardown(digests_decide, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(source_error, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
