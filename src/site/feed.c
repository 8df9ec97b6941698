#include <string.h>

#include "../support/esc.h"
#include "feed.h"

#define PUT(b, s)	BUF_LIT((b), s)

static int
esc(struct buf *b, const char *s)
{
	return esc_html(b, s, strlen(s));
}

int
feed_post_id(const struct site *s, const struct post *p, struct buf *b)
{
	const char	*host = strstr(s->cfg.url, "://"), *end;
	char		 ymd[16];

	host = host ? host + 3 : s->cfg.url;
	end = host + strcspn(host, ":/");
	date_ymd(&p->date, ymd, sizeof(ymd));
	if (PUT(b, "tag:") == -1 || buf_put(b, host, (size_t)(end - host)) ==
	    -1 || buf_printf(b, ",%s:", ymd) == -1 ||
	    buf_puts(b, s->cfg.base_path) == -1 || PUT(b, "writing/") == -1 ||
	    esc_path_segment(b, p->slug, strlen(p->slug)) == -1)
		return -1;
	return 0;
}

static const struct date *
latest(const struct post *p)
{
	return p->has_updated && p->updated.t > p->date.t ? &p->updated :
	    &p->date;
}

static int
post_link(struct buf *b, const struct site *s, const struct post *p)
{
	return buf_puts(b, s->cfg.url) == -1 || PUT(b, "writing/") == -1 ||
	    esc_path_segment(b, p->slug, strlen(p->slug)) == -1 ||
	    buf_putc(b, '/') == -1 ? -1 : 0;
}

int
feed_atom(const struct site *s, const char *const *html, size_t n,
    struct buf *b)
{
	const struct date *up = NULL;
	char		 d[64];
	size_t		 i, k;
	const char	*author = *s->cfg.author ? s->cfg.author : s->cfg.title;

	for (i = 0; i < n; i++)
		if (up == NULL || latest(&s->posts[i])->t > up->t)
			up = latest(&s->posts[i]);
	if (up != NULL)
		date_rfc3339(up, d, sizeof(d));
	else
		memcpy(d, "1970-01-01T00:00:00+00:00", 26);
	if (PUT(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"") == -1 ||
	    esc(b, s->cfg.language) == -1 || PUT(b, "\">\n<title>") == -1 ||
	    esc(b, s->cfg.title) == -1 || PUT(b, "</title>\n") == -1)
		return -1;
	if (*s->cfg.description && (PUT(b, "<subtitle>") == -1 ||
	    esc(b, s->cfg.description) == -1 || PUT(b, "</subtitle>\n") == -1))
		return -1;
	if (PUT(b, "<link rel=\"alternate\" type=\"text/html\" href=\"") == -1 ||
	    esc(b, s->cfg.url) == -1 ||
	    PUT(b, "\"/>\n<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"") == -1 || esc(b, s->cfg.url) == -1 ||
	    PUT(b, "feed.xml\"/>\n<id>") == -1 || esc(b, s->cfg.url) == -1 ||
	    buf_printf(b, "</id>\n<updated>%s</updated>\n<author><name>", d) ==
	    -1 || esc(b, author) == -1 ||
	    PUT(b, "</name></author>\n<generator>stet</generator>\n") == -1)
		return -1;
	for (i = 0; i < n; i++) {
		const struct post *p = &s->posts[i];

		if (PUT(b, "<entry>\n<title>") == -1 || esc(b, p->title) == -1 ||
		    PUT(b, "</title>\n<link rel=\"alternate\" "
		    "type=\"text/html\" href=\"") == -1 ||
		    post_link(b, s, p) == -1 || PUT(b, "\"/>\n<id>") == -1 ||
		    feed_post_id(s, p, b) == -1 || PUT(b, "</id>\n") == -1)
			return -1;
		date_rfc3339(&p->date, d, sizeof(d));
		if (buf_printf(b, "<published>%s</published>\n", d) == -1)
			return -1;
		date_rfc3339(latest(p), d, sizeof(d));
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
		    esc(b, html[i]) == -1 ||
		    PUT(b, "</content>\n</entry>\n") == -1)
			return -1;
	}
	return PUT(b, "</feed>\n");
}
