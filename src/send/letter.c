#include <stdlib.h>
#include <string.h>

#include "../mail/compose.h"
#include "../site/frontmatter.h"
#include "../site/load.h"
#include "../site/markdown.h"
#include "../support/date.h"
#include "../support/esc.h"
#include "letter.h"
#include "notice.h"
#include "plaintext.h"

struct letter {
	const struct config *cfg;	/* the site's */
	const struct mail_settings *mail;
	char		*subject;
	char		*url;		/* the post's page */
	char		*list_id;
	struct buf	 html;		/* head and post, up to the foot */
	struct buf	 text;
	struct mail_body body;		/* the two, encoded once */
	char		*base;		/* the site's address in links */
	int		 cut;
};

/*
 * Mail clients honour little CSS and no external stylesheet: a few
 * rules in the head, the rest plain markup, colours left to the client
 * so its dark mode works, and color-scheme saying both are fine.
 */
static const char html_head[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n"
    "<meta name=\"color-scheme\" content=\"light dark\">\n"
    "<meta name=\"supported-color-schemes\" content=\"light dark\">\n"
    "<style>\n"
    "body { font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, "
    "sans-serif; font-size: 17px; line-height: 1.6; max-width: 38em; "
    "margin: 0 auto; padding: 16px; }\n"
    "img { max-width: 100%; height: auto; }\n"
    "pre { overflow-x: auto; padding: 12px; border: 1px solid #8884; "
    "font-size: 14px; line-height: 1.4; }\n"
    "code { font-family: ui-monospace, Menlo, Consolas, monospace; }\n"
    "table { border-collapse: collapse; } th, td { border: 1px solid "
    "#8884; padding: 4px 8px; }\n"
    "blockquote { margin-left: 0; padding-left: 16px; border-left: 3px "
    "solid #8886; }\n"
    ".meta, .foot { font-size: 14px; opacity: .75; }\n"
    "</style>\n";

/* The host of an absolute URL, for List-Id; "" when it has none. */
static int
url_host(const char *url, struct buf *out)
{
	const char	*p = strstr(url, "://"), *e;

	if (p == NULL)
		return 0;
	p += 3;
	e = p + strcspn(p, "/:?#");
	return buf_put(out, p, (size_t)(e - p));
}

/*
 * Cut a Markdown body to about want bytes of HTML: at a blank line
 * outside fenced code, so no block is split.  Returns the length of src
 * to keep (0: nothing fits).
 */
static size_t
cut_at_paragraph(const char *src, size_t n, size_t keep)
{
	size_t	 i, last = 0;
	int	 fence = 0, bol = 1;

	for (i = 0; i < n && i < keep; i++) {
		if (bol && (strncmp(src + i, "```", 3) == 0 ||
		    strncmp(src + i, "~~~", 3) == 0))
			fence = !fence;
		if (!fence && bol && src[i] == '\n')
			last = i;
		bol = src[i] == '\n';
	}
	return last;
}

/*
 * About how many bytes n bytes of s take quoted-printable: every byte
 * beyond ASCII (and '=') three, and a soft line break every 75.  What
 * a mail client clips is the message as it arrives, encoded.
 */
static size_t
qp_size(const char *s, size_t n)
{
	size_t	 i, k = n + n / 25;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '=')
			k += 2;
	return k;
}

/*
 * The tables' alignment, as the page's stylesheet gives it to the
 * align-* classes: mail clients have no such stylesheet, so the cells of
 * html from off on also say it in a style attribute.
 */
static int
inline_align(struct buf *html, size_t off)
{
	static const char *const al[] = { "left", "center", "right" };
	struct buf	 b;
	const char	*p, *q, *e;
	char		 pat[32];
	size_t		 i, k;
	int		 rc = -1;

	buf_init(&b, 0);
	p = html->data + off;
	e = html->data + html->len;
	while ((q = memmem(p, (size_t)(e - p), " class=\"align-", 14)) !=
	    NULL) {
		if (buf_put(&b, p, (size_t)(q - p)) == -1)
			goto out;
		p = q;
		for (i = 0; i < 3; i++) {
			k = (size_t)snprintf(pat, sizeof(pat),
			    " class=\"align-%s\"", al[i]);
			if ((size_t)(e - q) >= k && memcmp(q, pat, k) == 0)
				break;
		}
		if (i == 3) {
			if (buf_putc(&b, *p++) == -1)
				goto out;
			continue;
		}
		if (buf_put(&b, q, k) == -1 || buf_printf(&b,
		    " style=\"text-align: %s\"", al[i]) == -1)
			goto out;
		p = q + k;
	}
	if (buf_put(&b, p, (size_t)(e - p)) == -1)
		goto out;
	html->len = off;
	if (buf_put(html, b.data, b.len) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static int
render_body(struct letter *l, const struct post *p, const char *body,
    size_t n)
{
	struct md_opts	 mo;
	struct buf	 cm;
	size_t		 off = l->html.len;
	int		 rc;

	/*
	 * Cleaned as the page is (the build gave the warnings), and the
	 * site's own images known by the address the links point to.
	 */
	memset(&mo, 0, sizeof(mo));
	mo.file = p->file;
	mo.line = p->body_line;
	mo.site = l->url;
	mo.allow_remote_images = l->cfg->images_remote_allow;
	/*
	 * The text part is made from the HTML part, not from the source:
	 * CommonMark is not plain text (it escapes, it drops footnotes),
	 * and so the two parts cannot disagree.
	 */
	buf_init(&cm, 0);
	if (p->is_html)
		rc = markdown_clean_html(body, n, &mo, l->url, &l->html);
	else
		rc = markdown_for_mail(body, n, &mo, l->url, &l->html, &cm);
	buf_free(&cm);
	if (rc == -1 || inline_align(&l->html, off) == -1)
		return -1;
	return plaintext_from_html(l->html.data + off, l->html.len - off,
	    &l->text);
}

int
letter_prepare(struct letter **out, const struct site *s,
    const struct mail_settings *mail, const struct post *p, const char *base,
    struct err *err)
{
	struct letter	*l;
	struct front_split fs;
	struct buf	 src, b;
	char		 day[64];
	size_t		 head, thead, keep, hsize, wire;
	double		 budget;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return err_set(err, p->file, 0, "out of memory");
	l->cfg = &s->cfg;
	l->mail = mail;
	buf_init(&l->html, 0);
	buf_init(&l->text, 0);
	buf_init(&src, 0);
	buf_init(&b, 0);
	if (buf_printf(&b, "%s%s/", base, p->section) == -1 ||
	    esc_path_segment(&b, p->slug, strlen(p->slug)) == -1 ||
	    buf_putc(&b, '/') == -1 ||
	    (l->url = buf_take(&b, NULL)) == NULL ||
	    (l->subject = strdup(p->title)) == NULL ||
	    (l->base = strdup(base)) == NULL ||
	    buf_puts(&b, "<posts.") == -1 || url_host(s->cfg.url, &b) == -1 ||
	    buf_putc(&b, '>') == -1 ||
	    (l->list_id = buf_take(&b, NULL)) == NULL)
		goto oom;
	if (site_source(s, p->file, 1, &src, &fs, err) == -1)
		goto fail;
	(void)date_human(&p->date, day, sizeof(day));

	if (buf_puts(&l->html, html_head) == -1 ||
	    buf_puts(&l->html, "<title>") == -1 ||
	    esc_html(&l->html, p->title, strlen(p->title)) == -1 ||
	    buf_puts(&l->html, "</title>\n</head>\n<body>\n<h1><a href=\"") ==
	    -1 || esc_html(&l->html, l->url, strlen(l->url)) == -1 ||
	    buf_puts(&l->html, "\">") == -1 ||
	    esc_html(&l->html, p->title, strlen(p->title)) == -1 ||
	    buf_printf(&l->html, "</a></h1>\n<p class=\"meta\">%s</p>\n",
	    day) == -1 ||
	    buf_printf(&l->text, "%s\n%s\n\n%s\n\n", p->title, day, l->url) ==
	    -1)
		goto oom;
	head = l->html.len;
	thead = l->text.len;
	if (render_body(l, p, fs.body, fs.body_len) == -1)
		goto oom;
	/*
	 * Too long for a mail client to show whole: cut the source at a
	 * paragraph, in proportion, and again smaller until it fits.  Each
	 * round keeps less than 0.9 of the last, so it ends.
	 */
	hsize = qp_size(l->html.data, head) + qp_size(l->text.data, thead);
	keep = fs.body_len;
	while ((wire = qp_size(l->html.data, l->html.len) +
	    qp_size(l->text.data, l->text.len)) > LETTER_MAX && keep > 0) {
		budget = (double)LETTER_MAX - (double)hsize - 2048;
		keep = budget <= 0 || wire <= hsize ? 0 : (size_t)((double)keep *
		    0.9 * budget / (double)(wire - hsize));
		keep = cut_at_paragraph(fs.body, fs.body_len, keep);
		l->html.len = head;
		l->text.len = thead;
		l->html.data[head] = '\0';
		l->text.data[thead] = '\0';
		l->cut = 1;
		if (keep > 0 && render_body(l, p, fs.body, keep) == -1)
			goto oom;
	}
	if (l->cut && (buf_puts(&l->html, "<p><strong><a href=\"") == -1 ||
	    esc_html(&l->html, l->url, strlen(l->url)) == -1 ||
	    buf_puts(&l->html, "\">Continue reading on the site "
	    "&rarr;</a></strong></p>\n") == -1 ||
	    buf_printf(&l->text, "\n[...]\n\nContinue reading: %s\n",
	    l->url) == -1))
		goto oom;
	/* Each message adds its own foot: the heads end a line. */
	if ((l->html.len > 0 && l->html.data[l->html.len - 1] != '\n' &&
	    buf_putc(&l->html, '\n') == -1) ||
	    (l->text.len > 0 && l->text.data[l->text.len - 1] != '\n' &&
	    buf_putc(&l->text, '\n') == -1))
		goto oom;
	if (mail_body_prepare(&l->body, l->text.data, l->text.len,
	    l->html.data, l->html.len, err) == -1)
		goto fail;
	buf_free(&src);
	*out = l;
	return 0;
oom:
	err_set(err, p->file, 0, "out of memory");
fail:
	buf_free(&src);
	buf_free(&b);
	letter_free(l);
	return -1;
}

void
letter_free(struct letter *l)
{
	if (l == NULL)
		return;
	free(l->subject);
	free(l->base);
	free(l->url);
	free(l->list_id);
	buf_free(&l->html);
	buf_free(&l->text);
	mail_body_free(&l->body);
	free(l);
}

const char *
letter_url(const struct letter *l)
{
	return l->url;
}

int
letter_cut(const struct letter *l)
{
	return l->cut;
}

int
letter_compose(const struct letter *l, const char *rcpt, const char *unsub,
    const char *message_id, time_t now, struct buf *out, struct err *err)
{
	const struct config *c = l->cfg;
	struct mail_msg	 m;
	struct buf	 html, text, lu;
	int		 rc = -1;

	if (l->mail->from_addr == NULL)
		return err_set(err, "stet.yaml", 0, "mail.from is not set");
	/* The foot is this reader's own: the rest is l->body. */
	buf_init(&html, 0);
	buf_init(&text, 0);
	buf_init(&lu, 0);
	if (buf_puts(&html, "<hr>\n<p class=\"foot\">You get this because you "
	    "subscribed to <a href=\"") == -1 ||
	    esc_html(&html, l->base, strlen(l->base)) == -1 ||
	    buf_puts(&html, "\">") == -1 ||
	    esc_html(&html, c->title, strlen(c->title)) == -1 ||
	    buf_puts(&html, "</a>: one email for each new post, nothing else. "
	    "<a href=\"") == -1 ||
	    esc_html(&html, unsub, strlen(unsub)) == -1 ||
	    buf_puts(&html, "\">Unsubscribe</a> in one click.</p>\n"
	    "</body></html>\n") == -1 ||
	    buf_printf(&text, "\n-- \nYou get this because you subscribed to "
	    "%s (%s): one email for each new post, nothing else.\n"
	    "Unsubscribe in one click: %s\n", c->title, l->base, unsub) == -1 ||
	    buf_printf(&lu, "<%s>", unsub) == -1 ||
	    (l->mail->unsubscribe_mailto != NULL && buf_printf(&lu,
	    ", <mailto:%s?subject=unsubscribe>", l->mail->unsubscribe_mailto) ==
	    -1)) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	notice_start(&m, l->mail, rcpt, now);
	m.subject = mail_str(l->subject);
	m.message_id = mail_str(message_id);
	m.list_id = mail_str(l->list_id);
	m.list_unsubscribe.p = lu.data;
	m.list_unsubscribe.n = lu.len;
	m.list_unsubscribe_post = mail_str("List-Unsubscribe=One-Click");
	m.text.p = text.data;
	m.text.n = text.len;
	m.html.p = html.data;
	m.html.n = html.len;
	m.body = &l->body;
	rc = mail_compose(&m, out, err);
out:
	buf_free(&html);
	buf_free(&text);
	buf_free(&lu);
	return rc;
}
