#include <string.h>

#include "../support/esc.h"
#include "outputs.h"

const struct out_feed_format out_feed_formats[OUT_FEED_FORMATS] = {
	{ "feed.xml", "application/atom+xml", "Atom" },
	{ "rss.xml", "application/rss+xml", "RSS" },
	{ "feed.json", "application/feed+json", "JSON Feed" },
};

/* "dir/name/" (either may be NULL), name percent-encoded with esc. */
static int
folder(const char *dir, const char *name, int esc, struct buf *b)
{
	if (dir != NULL && (buf_puts(b, dir) == -1 || buf_putc(b, '/') == -1))
		return -1;
	if (name != NULL) {
		if (esc ? esc_path_segment(b, name, strlen(name)) == -1 :
		    buf_puts(b, name) == -1)
			return -1;
		if (buf_putc(b, '/') == -1)
			return -1;
	}
	return 0;
}

/*
 * The folder an output lives in, and the file in it; esc percent-encodes
 * the names that come from the site (slugs, page names).
 */
static int
where(const struct site *s, enum out_kind k, size_t i, int esc,
    struct buf *b, const char **file)
{
	const char	*name = NULL;
	const char	*dir = NULL;

	*file = "index.html";
	switch (k) {
	case OUT_HOME:
		return 0;
	case OUT_WRITING:
		dir = "writing";
		break;
	case OUT_YEAR:
		return buf_printf(b, "writing/%zu/", i) == -1 ? -1 : 0;
	case OUT_POST:
		dir = s->posts[i].section;
		name = s->posts[i].slug;
		break;
	case OUT_TOPICS:
		dir = "topics";
		break;
	case OUT_TOPIC:
		dir = "topics";
		name = s->topics[i].slug;
		break;
	case OUT_TOPIC_ALIAS:
		dir = "topics";
		name = s->topics[i].old_slug;
		break;
	case OUT_NOTES:
		dir = "notes";
		break;
	case OUT_NOTE:
		dir = s->notes[i].section;
		name = s->notes[i].slug;
		break;
	case OUT_PAGE:
		name = s->pages[i].name;
		break;
	case OUT_404:
		*file = "404.html";
		return 0;
	case OUT_ROBOTS:
		*file = "robots.txt";
		return 0;
	case OUT_SITEMAP:
		*file = "sitemap.xml";
		return 0;
	case OUT_FEED:
		*file = out_feed_formats[i % OUT_FEED_FORMATS].file;
		return 0;
	case OUT_TOPIC_FEED:
		*file = out_feed_formats[i % OUT_FEED_FORMATS].file;
		dir = "topics";
		name = s->topics[i / OUT_FEED_FORMATS].slug;
		break;
	case OUT_NOTES_FEED:
		*file = out_feed_formats[i % OUT_FEED_FORMATS].file;
		dir = "notes";
		break;
	case OUT_FORM:
		*file = "subscribe";
		return 0;
	default:
		return -1;
	}
	return folder(dir, name, esc, b);
}

int
out_file(const struct site *s, enum out_kind k, size_t i, struct buf *b)
{
	const char	*file;

	if (where(s, k, i, 0, b, &file) == -1)
		return -1;
	return buf_puts(b, file);
}

int
out_url(const struct site *s, enum out_kind k, size_t i, struct buf *b)
{
	const char	*file;

	if (where(s, k, i, 1, b, &file) == -1)
		return -1;
	/* A page is found at its folder; a server adds index.html. */
	return strcmp(file, "index.html") == 0 ? 0 : buf_puts(b, file);
}

/* Add output (k, i) to out. */
static int
add(const struct site *s, enum out_kind k, size_t i, struct buf *b,
    struct outlist *out)
{
	buf_reset(b);
	if (out_file(s, k, i, b) == -1)
		return -1;
	return outlist_add(out, b->data);
}

int
out_entry_file(const struct post *p, struct buf *b)
{
	/* As where() puts OUT_POST and OUT_NOTE, for a post of no site. */
	if (folder(p->section, p->slug, 0, b) == -1)
		return -1;
	return BUF_LIT(b, "index.html");
}

int
outputs_list(const struct site *s, const struct years *ys, int with_posts,
    struct outlist *out)
{
	static const enum out_kind once[] = { OUT_HOME, OUT_WRITING,
	    OUT_TOPICS, OUT_404, OUT_ROBOTS, OUT_SITEMAP };
	struct buf	 b;
	size_t		 i, f;
	int		 rc = -1;

	buf_init(&b, 0);
	for (i = 0; i < sizeof(once) / sizeof(*once); i++)
		if ((once[i] != OUT_ROBOTS || !s->own_robots) &&
		    add(s, once[i], 0, &b, out) == -1)
			goto out;
	for (f = 0; f < OUT_FEED_FORMATS; f++)
		if (add(s, OUT_FEED, f, &b, out) == -1)
			goto out;
	for (i = 0; i < ys->n; i++)
		if (add(s, OUT_YEAR, (size_t)ys->v[i].year, &b, out) == -1)
			goto out;
	for (i = 0; with_posts && i < s->nposts; i++)
		if (add(s, OUT_POST, i, &b, out) == -1)
			goto out;
	for (i = 0; i < s->ntopics; i++) {
		if (add(s, OUT_TOPIC, i, &b, out) == -1 ||
		    (s->topics[i].old_slug != NULL &&
		    add(s, OUT_TOPIC_ALIAS, i, &b, out) == -1))
			goto out;
		for (f = 0; f < OUT_FEED_FORMATS; f++)
			if (add(s, OUT_TOPIC_FEED, i * OUT_FEED_FORMATS + f,
			    &b, out) == -1)
				goto out;
	}
	for (i = 0; i < s->npages; i++)
		if (strcmp(s->pages[i].name, "index") != 0 &&
		    add(s, OUT_PAGE, i, &b, out) == -1)
			goto out;
	for (i = 0; i < s->nnotes; i++)
		if (add(s, OUT_NOTE, i, &b, out) == -1)
			goto out;
	if (s->nnotes > 0) {
		if (add(s, OUT_NOTES, 0, &b, out) == -1)
			goto out;
		for (f = 0; f < OUT_FEED_FORMATS; f++)
			if (add(s, OUT_NOTES_FEED, f, &b, out) == -1)
				goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

int
out_parse(const char *rel, enum out_kind *k, const char **key,
    size_t *keylen)
{
	size_t	 n;

	if (strcmp(rel, "index.html") == 0) {
		*k = OUT_HOME;
		*key = rel;
		*keylen = 0;
		return 0;
	}
	n = strcspn(rel, "/");
	if (strcmp(rel + n, "/index.html") == 0) {
		*k = OUT_PAGE;
		*key = rel;
		*keylen = n;
		return 0;
	}
	if (strncmp(rel, "writing/", 8) == 0)
		*k = OUT_POST;
	else if (strncmp(rel, "notes/", 6) == 0)
		*k = OUT_NOTE;
	else
		return -1;
	rel += n + 1;
	n = strcspn(rel, "/");
	if (n == 0 || strcmp(rel + n, "/index.html") != 0)
		return -1;
	*key = rel;
	*keylen = n;
	return 0;
}
