#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../support/esc.h"
#include "feed.h"
#include "render.h"
#include "render_job.h"

size_t
render_feed_posts(const struct job *job, size_t topic, size_t *out)
{
	const struct site *s = job->site;
	size_t	 i, n, max = s->cfg.feed_entries;

	if (topic == SIZE_MAX) {
		n = max && max < s->nposts ? max : s->nposts;
		for (i = 0; i < n; i++)
			out[i] = i;
		return n;
	}
	n = job->topic_start[topic + 1] - job->topic_start[topic];
	if (max && n > max)
		n = max;
	memcpy(out, job->topic_posts + job->topic_start[topic],
	    n * sizeof(*out));
	return n;
}

/* Write a feed in the three formats into dir ("", "topics/x/"...). */
static int
emit_feeds(const struct job *job, const char *dir, const struct feed *f,
    struct err *err)
{
	static const struct {
		const char *name;
		int (*fn)(const struct site *, const struct feed *,
		    struct buf *);
	} formats[] = { { "feed.xml", feed_atom }, { "rss.xml", feed_rss },
	    { "feed.json", feed_json } };
	struct buf	 out, path;
	size_t		 k;
	int		 rc = -1;

	buf_init(&out, 0);
	buf_init(&path, 0);
	for (k = 0; k < sizeof(formats) / sizeof(*formats); k++) {
		buf_reset(&out);
		buf_reset(&path);
		if (formats[k].fn(job->site, f, &out) == -1 ||
		    buf_printf(&path, "%s%s", dir, formats[k].name) == -1) {
			err_set(err, formats[k].name, 0, "out of memory");
			goto out;
		}
		if (writer_put(job->w, 0, path.data, out.data, out.len, err) ==
		    -1)
			goto out;
	}
	rc = 0;
out:
	buf_free(&out);
	buf_free(&path);
	return rc;
}

/* The feeds of the site (t SIZE_MAX) or of topic t. */
int
write_feeds(const struct job *job, size_t t, size_t *members,
    struct err *err)
{
	const struct site *s = job->site;
	const struct post **items = NULL;
	const char	**html = NULL;
	struct feed	 f;
	struct buf	 page, dir, title;
	size_t		 k;
	int		 rc = -1;

	buf_init(&page, 0);
	buf_init(&dir, 0);
	buf_init(&title, 0);
	memset(&f, 0, sizeof(f));
	if (buf_puts(&page, s->cfg.url) == -1)
		goto oom;
	f.title = s->cfg.title;
	f.description = s->cfg.description;
	if (t != SIZE_MAX) {
		const struct topic *tp = &s->topics[t];

		if (BUF_LIT(&page, "topics/") == -1 ||
		    esc_path_segment(&page, tp->slug, strlen(tp->slug)) == -1 ||
		    buf_putc(&page, '/') == -1 ||
		    buf_printf(&dir, "topics/%s/", tp->slug) == -1 ||
		    buf_printf(&title, "%s: %s", s->cfg.title, tp->title) == -1)
			goto oom;
		f.title = title.data;
		f.description = tp->about ? tp->about : "";
	}
	f.page = page.data;
	f.self = page.data;
	f.n = render_feed_posts(job, t, members);
	items = calloc(f.n ? f.n : 1, sizeof(*items));
	html = calloc(f.n ? f.n : 1, sizeof(*html));
	if (items == NULL || html == NULL)
		goto oom;
	for (k = 0; k < f.n; k++) {
		items[k] = &s->posts[members[k]];
		html[k] = job->feed_html[members[k]];
	}
	f.items = items;
	f.html = html;
	rc = emit_feeds(job, dir.data, &f, err);
	goto out;
oom:
	err_set(err, "feed.xml", 0, "out of memory");
out:
	free(items);
	free(html);
	buf_free(&page);
	buf_free(&dir);
	buf_free(&title);
	return rc;
}

/* notes/feed.xml and its twins: the newest notes, in full. */
int
write_notes_feeds(const struct job *job, struct err *err)
{
	const struct site *s = job->site;
	const struct post **items = NULL;
	char		**html = NULL;
	struct feed	 f;
	struct buf	 page, title, base, body;
	size_t		 k, n = s->nnotes;
	int		 rc = -1;

	if (s->cfg.feed_entries && n > s->cfg.feed_entries)
		n = s->cfg.feed_entries;
	buf_init(&page, 0);
	buf_init(&title, 0);
	buf_init(&base, 0);
	buf_init(&body, 0);
	memset(&f, 0, sizeof(f));
	items = calloc(n ? n : 1, sizeof(*items));
	html = calloc(n ? n : 1, sizeof(*html));
	if (items == NULL || html == NULL ||
	    buf_printf(&page, "%snotes/", s->cfg.url) == -1 ||
	    buf_printf(&title, "%s: notes", s->cfg.title) == -1)
		goto oom;
	for (k = 0; k < n; k++) {
		const struct post *p = &s->notes[k];

		buf_reset(&base);
		buf_reset(&body);
		items[k] = p;
		if (buf_puts(&base, page.data) == -1 ||
		    esc_path_segment(&base, p->slug, strlen(p->slug)) == -1 ||
		    buf_putc(&base, '/') == -1)
			goto oom;
		{
			struct buf page_html;

			buf_init(&page_html, 0);
			/* The note's page gave its warnings. */
			rc = body_html(job, p->file, NULL, p->is_html,
			    base.data,
			    &page_html, &body, NULL, NULL, err);
			buf_free(&page_html);
			if (rc == -1)
				goto out;
			rc = -1;
		}
		if ((html[k] = buf_take(&body, NULL)) == NULL)
			goto oom;
	}
	f.title = title.data;
	f.description = "";
	f.page = page.data;
	f.self = page.data;
	f.items = items;
	f.html = (const char *const *)html;
	f.n = n;
	rc = emit_feeds(job, "notes/", &f, err);
	goto out;
oom:
	err_set(err, "notes", 0, "out of memory");
out:
	if (html != NULL)
		for (k = 0; k < n; k++)
			free(html[k]);
	free(html);
	free(items);
	buf_free(&page);
	buf_free(&title);
	buf_free(&base);
	buf_free(&body);
	return rc;
}

