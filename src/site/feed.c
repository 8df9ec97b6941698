#include <string.h>

#include "../support/esc.h"
#include "feed.h"

#define PUT(b, s)	BUF_LIT((b), s)

static int
esc(struct buf *b, const char *s)
{
	return esc_html(b, s, strlen(s));
}

static int
json_str(struct buf *b, const char *s)
{
	return buf_putc(b, '"') == -1 || esc_json(b, s, strlen(s)) == -1 ||
	    buf_putc(b, '"') == -1 ? -1 : 0;
}

int
feed_new_id(const struct site *s, const struct post *p, struct buf *b)
{
	const char	*host = strstr(s->cfg.url, "://"), *end;
	char		 ymd[16];

	host = host ? host + 3 : s->cfg.url;
	end = host + strcspn(host, ":/");
	date_ymd(&p->date, ymd, sizeof(ymd));
	if (PUT(b, "tag:") == -1 || buf_put(b, host, (size_t)(end - host)) ==
	    -1 || buf_printf(b, ",%s:", ymd) == -1 ||
	    buf_puts(b, s->cfg.base_path) == -1 ||
	    buf_puts(b, p->section) == -1 || buf_putc(b, '/') == -1 ||
	    esc_path_segment(b, p->slug, strlen(p->slug)) == -1)
		return -1;
	return 0;
}

/*
 * The newest date among the entries: the feed's own "updated".  A feed
 * with no entry yet (a topic named in stet.yaml, nothing written) takes
 * the site's newest post's, so the date still comes from a post.
 */
static void
feed_updated(const struct site *s, const struct feed *f, struct date *d)
{
	size_t	 i;

	d->t = 0;
	d->off = 0;
	for (i = 0; i < f->n; i++)
		if (post_latest(f->items[i])->t > d->t)
			*d = *post_latest(f->items[i]);
	for (i = 0; f->n == 0 && i < s->nposts; i++)
		if (post_latest(&s->posts[i])->t > d->t)
			*d = *post_latest(&s->posts[i]);
}

static int
post_link(struct buf *b, const struct site *s, const struct post *p)
{
	return buf_puts(b, s->cfg.url) == -1 || buf_puts(b, p->section) == -1 ||
	    buf_putc(b, '/') == -1 ||
	    esc_path_segment(b, p->slug, strlen(p->slug)) == -1 ||
	    buf_putc(b, '/') == -1 ? -1 : 0;
}

static const char *
author(const struct site *s)
{
	return *s->cfg.author ? s->cfg.author : s->cfg.title;
}

int
feed_atom(const struct site *s, const struct feed *f, struct buf *b)
{
	struct date	 up;
	char		 d[64];
	size_t		 i, k;

	feed_updated(s, f, &up);
	date_rfc3339(&up, d, sizeof(d));
	if (PUT(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"") == -1 ||
	    esc(b, s->cfg.language) == -1 || PUT(b, "\">\n<title>") == -1 ||
	    esc(b, f->title) == -1 || PUT(b, "</title>\n") == -1)
		return -1;
	if (*f->description && (PUT(b, "<subtitle>") == -1 ||
	    esc(b, f->description) == -1 || PUT(b, "</subtitle>\n") == -1))
		return -1;
	if (PUT(b, "<link rel=\"alternate\" type=\"text/html\" href=\"") == -1 ||
	    esc(b, f->page) == -1 ||
	    PUT(b, "\"/>\n<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"") == -1 || esc(b, f->self) == -1 ||
	    PUT(b, "feed.xml\"/>\n<id>") == -1 || esc(b, f->self) == -1 ||
	    buf_printf(b, "feed.xml</id>\n<updated>%s</updated>\n"
	    "<author><name>", d) == -1 || esc(b, author(s)) == -1 ||
	    PUT(b, "</name></author>\n<generator>stet</generator>\n") == -1)
		return -1;
	for (i = 0; i < f->n; i++) {
		const struct post *p = f->items[i];

		if (PUT(b, "<entry>\n<title>") == -1 || esc(b, p->title) == -1 ||
		    PUT(b, "</title>\n<link rel=\"alternate\" "
		    "type=\"text/html\" href=\"") == -1 ||
		    post_link(b, s, p) == -1 || PUT(b, "\"/>\n<id>") == -1 ||
		    esc(b, p->id) == -1 || PUT(b, "</id>\n") == -1)
			return -1;
		date_rfc3339(&p->date, d, sizeof(d));
		if (buf_printf(b, "<published>%s</published>\n", d) == -1)
			return -1;
		date_rfc3339(post_latest(p), d, sizeof(d));
		if (buf_printf(b, "<updated>%s</updated>\n", d) == -1)
			return -1;
		for (k = 0; k < p->ntopics; k++) {
			const struct topic *t = &s->topics[p->topics[k]];

			if (PUT(b, "<category term=\"") == -1 ||
			    esc(b, t->slug) == -1 ||
			    PUT(b, "\" label=\"") == -1 ||
			    esc(b, t->title) == -1 || PUT(b, "\"/>\n") == -1)
				return -1;
		}
		if (p->summary != NULL && (PUT(b, "<summary>") == -1 ||
		    esc(b, p->summary) == -1 || PUT(b, "</summary>\n") == -1))
			return -1;
		if (PUT(b, "<content type=\"html\">") == -1 ||
		    esc(b, f->html[i]) == -1 ||
		    PUT(b, "</content>\n</entry>\n") == -1)
			return -1;
	}
	return PUT(b, "</feed>\n");
}

int
feed_rss(const struct site *s, const struct feed *f, struct buf *b)
{
	struct date	 up;
	char		 d[64];
	size_t		 i, k;

	feed_updated(s, f, &up);
	date_rfc822(&up, d, sizeof(d));
	if (PUT(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<rss version=\"2.0\" "
	    "xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n"
	    "<title>") == -1 || esc(b, f->title) == -1 ||
	    PUT(b, "</title>\n<link>") == -1 || esc(b, f->page) == -1 ||
	    PUT(b, "</link>\n<description>") == -1 ||
	    esc(b, *f->description ? f->description : f->title) == -1 ||
	    PUT(b, "</description>\n<language>") == -1 ||
	    esc(b, s->cfg.language) == -1 ||
	    PUT(b, "</language>\n<atom:link rel=\"self\" "
	    "type=\"application/rss+xml\" href=\"") == -1 ||
	    esc(b, f->self) == -1 || PUT(b, "rss.xml\"/>\n") == -1 ||
	    (f->n > 0 && buf_printf(b, "<lastBuildDate>%s</lastBuildDate>\n",
	    d) == -1) || PUT(b, "<generator>stet</generator>\n") == -1)
		return -1;
	for (i = 0; i < f->n; i++) {
		const struct post *p = f->items[i];

		date_rfc822(&p->date, d, sizeof(d));
		if (PUT(b, "<item>\n<title>") == -1 || esc(b, p->title) == -1 ||
		    PUT(b, "</title>\n<link>") == -1 ||
		    post_link(b, s, p) == -1 ||
		    PUT(b, "</link>\n<guid isPermaLink=\"false\">") == -1 ||
		    esc(b, p->id) == -1 ||
		    buf_printf(b, "</guid>\n<pubDate>%s</pubDate>\n", d) == -1)
			return -1;
		for (k = 0; k < p->ntopics; k++)
			if (PUT(b, "<category>") == -1 ||
			    esc(b, s->topics[p->topics[k]].title) == -1 ||
			    PUT(b, "</category>\n") == -1)
				return -1;
		if (PUT(b, "<description>") == -1 ||
		    esc(b, f->html[i]) == -1 ||
		    PUT(b, "</description>\n</item>\n") == -1)
			return -1;
	}
	return PUT(b, "</channel>\n</rss>\n");
}

int
feed_json(const struct site *s, const struct feed *f, struct buf *b)
{
	char		 d[64];
	size_t		 i, k;

	if (PUT(b, "{\n\"version\": \"https://jsonfeed.org/version/1.1\",\n"
	    "\"title\": ") == -1 || json_str(b, f->title) == -1 ||
	    PUT(b, ",\n\"home_page_url\": ") == -1 || json_str(b, f->page) ==
	    -1 || PUT(b, ",\n\"feed_url\": \"") == -1 ||
	    esc_json(b, f->self, strlen(f->self)) == -1 ||
	    PUT(b, "feed.json\",\n") == -1)
		return -1;
	if (*f->description && (PUT(b, "\"description\": ") == -1 ||
	    json_str(b, f->description) == -1 || PUT(b, ",\n") == -1))
		return -1;
	if (PUT(b, "\"language\": ") == -1 || json_str(b, s->cfg.language) ==
	    -1 || PUT(b, ",\n\"authors\": [{\"name\": ") == -1 ||
	    json_str(b, author(s)) == -1 || PUT(b, "}],\n\"items\": [") == -1)
		return -1;
	for (i = 0; i < f->n; i++) {
		const struct post *p = f->items[i];

		if ((i > 0 && buf_putc(b, ',') == -1) || PUT(b, "\n{") == -1 ||
		    PUT(b, "\n\"id\": ") == -1 || json_str(b, p->id) == -1 ||
		    PUT(b, ",\n\"url\": \"") == -1 || post_link(b, s, p) == -1 ||
		    PUT(b, "\",\n\"title\": ") == -1 ||
		    json_str(b, p->title) == -1)
			return -1;
		if (p->summary != NULL && (PUT(b, ",\n\"summary\": ") == -1 ||
		    json_str(b, p->summary) == -1))
			return -1;
		date_rfc3339(&p->date, d, sizeof(d));
		if (buf_printf(b, ",\n\"date_published\": \"%s\"", d) == -1)
			return -1;
		if (p->has_updated && p->updated.t > p->date.t) {
			date_rfc3339(&p->updated, d, sizeof(d));
			if (buf_printf(b, ",\n\"date_modified\": \"%s\"", d) ==
			    -1)
				return -1;
		}
		if (p->ntopics > 0) {
			if (PUT(b, ",\n\"tags\": [") == -1)
				return -1;
			for (k = 0; k < p->ntopics; k++)
				if ((k && PUT(b, ", ") == -1) ||
				    json_str(b, s->topics[p->topics[k]].title)
				    == -1)
					return -1;
			if (PUT(b, "]") == -1)
				return -1;
		}
		if (PUT(b, ",\n\"content_html\": ") == -1 ||
		    json_str(b, f->html[i]) == -1 ||
		    PUT(b, "\n}") == -1)
			return -1;
	}
	return PUT(b, "\n]\n}\n");
}
