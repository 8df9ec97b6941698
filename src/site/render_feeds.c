#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/esc.h"
#include "../support/hash.h"
#include "feed.h"
#include "outputs.h"
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

/*
 * Write a feed in its formats as outputs (kind, base + format) of the
 * table (outputs.h), or with digest only hash them.
 */
static int
emit_feeds(const struct job *job, enum out_kind kind, size_t base,
    const struct feed *f, uint64_t *digest, struct err *err)
{
	/* In the order of out_feed_formats. */
	static int (*const fn[OUT_FEED_FORMATS])(const struct site *,
	    const struct feed *, struct buf *) = { feed_atom, feed_rss,
	    feed_json };
	struct buf	 out, path;
	size_t		 k;
	int		 rc = -1;

	buf_init(&out, 0);
	buf_init(&path, 0);
	for (k = 0; k < OUT_FEED_FORMATS; k++) {
		buf_reset(&out);
		buf_reset(&path);
		if (fn[k](job->site, f, &out) == -1 ||
		    out_file(job->site, kind, base + k, &path) == -1) {
			err_set(err, out_feed_formats[k].file, 0,
			    "out of memory");
			goto out;
		}
		if (digest != NULL)
			*digest = hash_bytes(*digest, out.data, out.len);
		else if (writer_put(job->w, 0, path.data, out.data, out.len,
		    err) == -1)
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
    uint64_t *digest, struct err *err)
{
	const struct site *s = job->site;
	const struct post **items = NULL;
	const char	**html = NULL;
	char		(*ids)[17] = NULL;
	struct feed	 f;
	struct buf	 page, title;
	enum out_kind	 kind = t == SIZE_MAX ? OUT_FEED : OUT_TOPIC_FEED;
	size_t		 k, base = t == SIZE_MAX ? 0 : t * OUT_FEED_FORMATS;
	int		 rc = -1;

	buf_init(&page, 0);
	buf_init(&title, 0);
	memset(&f, 0, sizeof(f));
	if (buf_puts(&page, s->cfg.url) == -1 || out_url(s, t == SIZE_MAX ?
	    OUT_HOME : OUT_TOPIC, t == SIZE_MAX ? 0 : t, &page) == -1)
		goto oom;
	f.title = s->cfg.title;
	f.description = s->cfg.description;
	if (t != SIZE_MAX) {
		const struct topic *tp = &s->topics[t];

		if (buf_printf(&title, "%s: %s", s->cfg.title, tp->title) == -1)
			goto oom;
		f.title = title.data;
		f.description = tp->about ? tp->about : "";
	}
	f.page = page.data;
	f.self = page.data;
	f.n = render_feed_posts(job, t, members);
	items = calloc(f.n ? f.n : 1, sizeof(*items));
	html = calloc(f.n ? f.n : 1, sizeof(*html));
	if (digest != NULL)
		ids = calloc(f.n ? f.n : 1, sizeof(*ids));
	if (items == NULL || html == NULL || (digest != NULL && ids == NULL))
		goto oom;
	for (k = 0; k < f.n; k++) {
		items[k] = &s->posts[members[k]];
		html[k] = job->feed_html[members[k]];
		/* The body a feed would carry stands for its source. */
		if (digest != NULL) {
			(void)snprintf(ids[k], sizeof(ids[k]), "%016llx",
			    (unsigned long long)render_source_id(items[k]));
			html[k] = ids[k];
		}
	}
	f.items = items;
	f.html = html;
	if (digest != NULL)
		*digest = hash_str(HASH_INIT, page.data);
	rc = emit_feeds(job, kind, base, &f, digest, err);
	goto out;
oom:
	err_set(err, "feed.xml", 0, "out of memory");
out:
	free(items);
	free(html);
	free(ids);
	buf_free(&page);
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
	    buf_puts(&page, s->cfg.url) == -1 ||
	    out_url(s, OUT_NOTES, 0, &page) == -1 ||
	    buf_printf(&title, "%s: notes", s->cfg.title) == -1)
		goto oom;
	for (k = 0; k < n; k++) {
		const struct post *p = &s->notes[k];

		buf_reset(&base);
		buf_reset(&body);
		items[k] = p;
		if (buf_puts(&base, s->cfg.url) == -1 ||
		    out_url(s, OUT_NOTE, k, &base) == -1)
			goto oom;
		{
			struct buf page_html;

			buf_init(&page_html, 0);
			/* The note's page gave its warnings. */
			rc = body_html(job, p->file, p->is_html, base.data,
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
	rc = emit_feeds(job, OUT_NOTES_FEED, 0, &f, NULL, err);
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

