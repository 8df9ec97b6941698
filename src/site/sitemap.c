#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../support/esc.h"
#include "outputs.h"
#include "sitemap.h"
#include "years.h"

/* One <url>; path is already percent-encoded; d may be NULL. */
static int
url(struct buf *b, const struct site *s, const char *path,
    const struct date *d)
{
	char	 iso[64];

	if (BUF_LIT(b, "<url><loc>") == -1 ||
	    esc_html(b, s->cfg.url, strlen(s->cfg.url)) == -1 ||
	    esc_html(b, path, strlen(path)) == -1 || BUF_LIT(b, "</loc>") == -1)
		return -1;
	if (d != NULL && d->t != 0) {
		date_rfc3339(d, iso, sizeof(iso));
		if (BUF_LIT(b, "<lastmod>") == -1 || buf_puts(b, iso) == -1 ||
		    BUF_LIT(b, "</lastmod>") == -1)
			return -1;
	}
	return BUF_LIT(b, "</url>\n");
}

/* One <url> for output (k, i) of the table (outputs.h). */
static int
page(struct buf *b, const struct site *s, enum out_kind k, size_t i,
    struct buf *path, const struct date *d)
{
	buf_reset(path);
	if (out_url(s, k, i, path) == -1)
		return -1;
	return url(b, s, path->data, d);
}

int
sitemap_xml(const struct site *s, char *const *post_urls, struct buf *b)
{
	struct years	 years = { NULL, 0, NULL };
	struct buf	 path;
	struct date	 newest = { 0, 0 }, *tdate = NULL;
	size_t		 i, k, t;
	int		 rc = -1;

	buf_init(&path, 0);
	/*
	 * Each topic's lastmod is its newest post's, found in one pass over
	 * the posts (newest first), not by a search per topic.
	 */
	if ((tdate = calloc(s->ntopics ? s->ntopics : 1, sizeof(*tdate))) ==
	    NULL || years_group(s, &years) == -1)
		goto out;
	for (i = 0; i < s->nposts; i++) {
		if (post_latest(&s->posts[i])->t > newest.t)
			newest = *post_latest(&s->posts[i]);
		for (k = 0; k < s->posts[i].ntopics; k++) {
			t = s->posts[i].topics[k];
			if (tdate[t].t == 0)
				tdate[t] = *post_latest(&s->posts[i]);
		}
	}
	if (BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n")
	    == -1 || page(b, s, OUT_HOME, 0, &path, &newest) == -1 ||
	    page(b, s, OUT_WRITING, 0, &path, &newest) == -1)
		goto out;
	for (i = 0; i < years.n; i++) {
		struct date d = { 0, 0 };

		for (k = 0; k < years.v[i].n; k++)
			if (post_latest(&s->posts[years.v[i].posts[k]])->t > d.t)
				d = *post_latest(&s->posts[years.v[i].posts[k]]);
		if (page(b, s, OUT_YEAR, (size_t)years.v[i].year, &path,
		    &d) == -1)
			goto out;
	}
	if (page(b, s, OUT_TOPICS, 0, &path, &newest) == -1)
		goto out;
	for (t = 0; t < s->ntopics; t++)
		if (page(b, s, OUT_TOPIC, t, &path, &tdate[t]) == -1)
			goto out;
	for (i = 0; i < s->nposts; i++)
		if (url(b, s, post_urls[i], post_latest(&s->posts[i])) == -1)
			goto out;
	if (s->nnotes > 0 && page(b, s, OUT_NOTES, 0, &path,
	    post_latest(&s->notes[0])) == -1)
		goto out;
	for (i = 0; i < s->nnotes; i++)
		if (page(b, s, OUT_NOTE, i, &path,
		    post_latest(&s->notes[i])) == -1)
			goto out;
	for (i = 0; i < s->npages; i++)
		if (strcmp(s->pages[i].name, "index") != 0 &&
		    page(b, s, OUT_PAGE, i, &path, NULL) == -1)
			goto out;
	rc = BUF_LIT(b, "</urlset>\n");
out:
	free(tdate);
	years_free(&years);
	buf_free(&path);
	return rc;
}
