/*
 * A site's own template: the input is parsed as templates/t.html next to
 * the built-in templates (so it may include any of them as a partial),
 * linked, and rendered against a small fixed model with the names the
 * built-in templates use.  Besides the sanitizers, abort() when a value
 * in an attribute breaks out of its quotes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "site/template.h"

#define OUT_MAX		(4 * 1024 * 1024)
#define NEST_MAX	10

int	LLVMFuzzerInitialize(int *, char ***);

static struct tbuild	 tb;
static struct tval	 model;

/* An object with title and url, and room for more fields. */
static struct tval
link_to(const char *title, const char *url, size_t more)
{
	struct tval o = tv_obj(&tb, 2 + more);

	tv_set(&tb, &o, "title", tv_str(title));
	tv_set(&tb, &o, "url", tv_str(url));
	return o;
}

static struct tval
post(const char *title, const char *url, const char *date)
{
	struct tval o = link_to(title, url, 8), topics = tv_list(&tb, 2);

	tv_push(&tb, &topics, link_to("Data & <stuff>", "../topics/data/",
	    0));
	tv_push(&tb, &topics, link_to("café", "../topics/caf%C3%A9/", 0));
	tv_set(&tb, &o, "date", tv_str(date));
	tv_set(&tb, &o, "datetime", tv_fmt(&tb, "%sT09:00:00Z", date));
	tv_set(&tb, &o, "updated", tv_str(""));
	tv_set(&tb, &o, "summary", tv_str("One line with \"quotes\" & <b>."));
	tv_set(&tb, &o, "reading_time", tv_str("7"));
	tv_set(&tb, &o, "content", tv_str("<p>Body <em>HTML</em>.</p>"));
	tv_set(&tb, &o, "has_topics", tv_str("1"));
	tv_set(&tb, &o, "topics", topics);
	return o;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tval	 site, page, posts, years, y;

	(void)argc;
	(void)argv;
	tb.arena = arena_new();
	model = tv_obj(&tb, 32);
	site = tv_obj(&tb, 5);
	tv_set(&tb, &site, "title", tv_str("A \"site\" <of> 'essays' & more"));
	tv_set(&tb, &site, "description", tv_str("What it is about."));
	tv_set(&tb, &site, "author", tv_str("Ada Writer"));
	tv_set(&tb, &site, "language", tv_str("en"));
	tv_set(&tb, &site, "url", tv_str("https://example.com/blog/"));
	page = tv_obj(&tb, 5);
	tv_set(&tb, &page, "title", tv_str("Why <tags> & \"quotes\""));
	tv_set(&tb, &page, "description", tv_str(""));
	tv_set(&tb, &page, "canonical",
	    tv_str("https://example.com/blog/writing/x/?a=1&b=\"2\""));
	tv_set(&tb, &page, "og_type", tv_str("article"));
	tv_set(&tb, &page, "og_title", tv_str("Why <tags>"));
	posts = tv_list(&tb, 2);
	tv_push(&tb, &posts, post("First & <best>", "writing/first/",
	    "2024-01-02"));
	tv_push(&tb, &posts, post("Second \"one\"", "writing/sec ond/",
	    "2025-03-04"));
	years = tv_list(&tb, 1);
	y = tv_obj(&tb, 2);
	tv_set(&tb, &y, "year", tv_str("2025"));
	tv_set(&tb, &y, "posts", posts);
	tv_push(&tb, &years, y);
	tv_set(&tb, &model, "site", site);
	tv_set(&tb, &model, "page", page);
	tv_set(&tb, &model, "post", post("The post", "./", "2025-05-06"));
	tv_set(&tb, &model, "posts", posts);
	tv_set(&tb, &model, "years", years);
	tv_set(&tb, &model, "has_posts", tv_str("1"));
	tv_set(&tb, &model, "newer", link_to("Newer <one>", "../newer/", 0));
	tv_set(&tb, &model, "has_prevnext", tv_str("1"));
	tv_set(&tb, &model, "root", tv_str("../../"));
	tv_set(&tb, &model, "index", tv_str(""));
	tv_set(&tb, &model, "title", tv_str("Title \"x\" <y> & 'z'"));
	tv_set(&tb, &model, "url", tv_str("javascript:alert(1)"));
	tv_set(&tb, &model, "href", tv_str("a b\"c'd<e>f&g"));
	tv_set(&tb, &model, "content", tv_str("<p>raw</p>"));
	tv_set(&tb, &model, "empty", tv_str(""));
	tv_set(&tb, &model, "nothing", tv_null());
	tv_set(&tb, &model, "subscribe_action", tv_str("/subscribe"));
	if (tb.oom)
		abort();
	return 0;
}

/*
 * The model's strings hold quotes; escaped right, no value can end the
 * attribute it stands in.  That is what the escaping by context is for,
 * so check it where it matters most: a rendered template whose source
 * has no quote of its own must have none either, outside what the
 * built-in partials and raw {{{ }}} values bring.
 */
static void
check(const uint8_t *data, size_t size, const struct buf *out)
{
	if (memchr(data, '"', size) != NULL ||
	    memchr(data, '\'', size) != NULL ||
	    memmem(data, size, "{{>", 3) != NULL ||
	    memmem(data, size, "{{{", 3) != NULL ||
	    memmem(data, size, "{{&", 3) != NULL)
		return;
	if (memchr(out->data, '"', out->len) != NULL ||
	    memchr(out->data, '\'', out->len) != NULL)
		abort();
}

/*
 * How deep the sections of src nest, read from the text alone.  Sections
 * over lists inside sections over lists cost the product of the lists'
 * lengths: 20 levels over two items take minutes here.  That is for a
 * template's author to avoid, like a post of a gigabyte, not a fault of
 * the renderer, so deeper templates are parsed and linked but not
 * rendered.
 */
static int
nesting(const uint8_t *src, size_t n)
{
	size_t	 i;
	int	 depth = 0, most = 0;

	for (i = 0; i + 2 < n; i++) {
		if (src[i] != '{' || src[i + 1] != '{')
			continue;
		if (src[i + 2] == '#' || src[i + 2] == '^') {
			if (++depth > most)
				most = depth;
		} else if (src[i + 2] == '/' && depth > 0)
			depth--;
	}
	return most;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct embedded *e;
	struct tset	*t;
	struct err	 err;
	struct buf	 out;
	char		 name[64];
	size_t		 n;

	if ((t = template_set_new()) == NULL)
		abort();
	/* Parsing them all costs more than most inputs: only when asked. */
	for (e = embedded_files; memmem(data, size, "{{>", 3) != NULL &&
	    e->name != NULL; e++) {
		if (strncmp(e->name, "templates/", 10) != 0)
			continue;
		n = strlen(e->name + 10) - 5;
		if (n >= sizeof(name))
			abort();
		memcpy(name, e->name + 10, n);
		name[n] = '\0';
		if (template_add(t, name, e->name, (const char *)e->data,
		    e->len, &err) == -1)
			abort();
	}
	if (template_add(t, "t", "templates/t.html", (const char *)data,
	    size, &err) == 0 && template_link(t, &err) == 0 &&
	    nesting(data, size) <= NEST_MAX) {
		buf_init(&out, OUT_MAX);
		if (template_render(t, "t", &model, &out, &err) == 0 &&
		    out.len > 0)
			check(data, size, &out);
		buf_free(&out);
	}
	template_set_free(t);
	return 0;
}
