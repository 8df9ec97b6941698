
#include "../site/render.h"
#include "../support/esc.h"
#include "answer.h"

static void
put(struct answer *a, const char *s)
{
	if (buf_puts(&a->body, s) == -1)
		a->oom = 1;
}

static void
put_esc(struct answer *a, const char *s, size_t n)
{
	if (esc_html(&a->body, s, n) == -1)
		a->oom = 1;
}

/* The subscribe form, with value (may be NULL) filled in. */
static void
put_form(struct answer *a, const struct answer_in *in, const char *value,
    size_t n)
{
	put(a, "<section class=\"subscribe\">\n<p>One email when I publish "
	    "something. No newsletter cadence, no marketing, no "
	    "list-sharing. Unsubscribe in one click.</p>\n"
	    "<form method=\"post\" action=\"");
	put_esc(a, in->base, strlen(in->base));
	put(a, "subscribe\">\n<label for=\"subscribe-email\">Email address"
	    "</label>\n<div class=\"row\">\n<input id=\"subscribe-email\" "
	    "type=\"email\" name=\"email\" required autocomplete=\"email\" "
	    "maxlength=\"254\"");
	if (value != NULL) {
		put(a, " value=\"");
		put_esc(a, value, n);
		put(a, "\"");
	}
	put(a, ">\n<button type=\"submit\">Subscribe</button>\n</div>\n"
	    "<div hidden>\n<label for=\"subscribe-website\">Leave this empty"
	    "</label>\n<input id=\"subscribe-website\" type=\"text\" "
	    "name=\"website\" tabindex=\"-1\" autocomplete=\"off\">\n</div>\n"
	    "</form>\n</section>\n");
}

/* A page with one button that posts in->text as t to action. */
static void
put_button(struct answer *a, const struct answer_in *in, const char *action,
    const char *label)
{
	put(a, "<form method=\"post\" action=\"");
	put_esc(a, in->base, strlen(in->base));
	put(a, action);
	put(a, "\">\n<input type=\"hidden\" name=\"t\" value=\"");
	put_esc(a, in->text, in->len);
	put(a, "\">\n<button type=\"submit\">");
	put(a, label);
	put(a, "</button>\n</form>\n");
}

static void
head(struct answer *a, int status, const char *reason, const char *title)
{
	a->status = status;
	a->reason = reason;
	a->title = title;
}

int
answer_make(struct answer *a, enum answer_kind k, const struct answer_in *in)
{
	memset(a, 0, sizeof(*a));
	buf_init(&a->body, 0);
	switch (k) {
	case ANSWER_FORM:
		head(a, 200, "OK", "Get new posts by email");
		put_form(a, in, NULL, 0);
		break;
	case ANSWER_INBOX:
		head(a, 200, "OK", "Check your inbox");
		put(a, "<p>If <strong>");
		put_esc(a, in->text, in->len);
		put(a, "</strong> can receive mail, a message with a link to "
		    "confirm is on its way. Nothing is sent to it until you "
		    "confirm.</p>\n<p>No message after a few minutes? Look in "
		    "the spam folder, or check the address and try "
		    "again.</p>\n");
		break;
	case ANSWER_BAD_ADDRESS:
		head(a, 400, "Bad Request", "Check the address");
		put(a, "<p class=\"error\" role=\"alert\">That address cannot "
		    "be used: ");
		put(a, in->why);
		put(a, ".</p>\n");
		put_form(a, in, in->text, in->len);
		break;
	case ANSWER_CONFIRM:
		head(a, 200, "OK", "Confirm your subscription");
		put(a, "<p>One email when I publish something. No newsletter "
		    "cadence, no marketing, no list-sharing. Unsubscribe in "
		    "one click.</p>\n");
		put_button(a, in, "subscribe/confirm", "Confirm");
		break;
	case ANSWER_SUBSCRIBED:
		head(a, 200, "OK", "You are subscribed");
		put(a, "<p>Thank you. You will get one email each time a "
		    "new post is published here, and nothing else.</p>\n"
		    "<p>Every message has a link to unsubscribe in one "
		    "click. Changed your mind already?</p>\n");
		put_button(a, in, "unsubscribe", "Unsubscribe");
		break;
	case ANSWER_EXPIRED:
		head(a, 410, "Gone", "This link has expired");
		put(a, "<p>Confirmation links work for 7 days. Ask again "
		    "and a new one will be sent.</p>\n");
		put_form(a, in, NULL, 0);
		break;
	case ANSWER_DEAD_LINK:
		head(a, 404, "Not Found", "This link does not work");
		put(a, "<p>It may have been used already (then you are "
		    "subscribed), or replaced by a newer message. Ask again "
		    "if you need a new one.</p>\n");
		put_form(a, in, NULL, 0);
		break;
	case ANSWER_UNSUBSCRIBE:
		head(a, 200, "OK", "Unsubscribe");
		put(a, "<p>Press the button and no more email will come "
		    "from ");
		put_esc(a, in->site_title, strlen(in->site_title));
		put(a, ".</p>\n");
		put_button(a, in, "unsubscribe", "Unsubscribe");
		break;
	case ANSWER_UNSUBSCRIBED:
		/* The same calm answer, whatever the token was. */
		head(a, 200, "OK", "You are unsubscribed");
		put(a, "<p>No more email will come from ");
		put_esc(a, in->site_title, strlen(in->site_title));
		put(a, ". Sorry to see you go.</p>\n<p>Changed your mind? You "
		    "can subscribe again at any time.</p>\n");
		break;
	case ANSWER_INCOMPLETE:
		head(a, 400, "Bad Request", "This link is incomplete");
		put(a, "<p>The link lost its end on the way. Open it from "
		    "the message again, or copy all of it.</p>\n");
		break;
	case ANSWER_BAD:
		head(a, 400, "Bad Request", "That did not work");
		put(a, "<p>");
		put(a, in->why);
		put(a, " Nothing was changed.</p>\n");
		put_form(a, in, NULL, 0);
		break;
	case ANSWER_TOO_MANY:
		head(a, 429, "Too Many Requests", "Try again later");
		put(a, "<p>");
		put(a, in->why != NULL ? in->why : "Too many requests are "
		    "arriving just now.");
		put(a, " Nothing was changed; please try again ");
		if (in->text != NULL)
			put_esc(a, in->text, in->len);
		else
			put(a, "in a few minutes");
		put(a, ".</p>\n");
		break;
	case ANSWER_UNAVAILABLE:
		head(a, 503, "Service Unavailable", "Try again later");
		put(a, "<p>");
		put(a, in->why != NULL ? in->why : "Too many requests are "
		    "arriving just now.");
		put(a, " Nothing was changed; please try again in a few "
		    "minutes.</p>\n");
		break;
	case ANSWER_FORBIDDEN:
		head(a, 403, "Forbidden", "Sent from another site");
		put(a, "<p>This form was sent from a page of another site, "
		    "and this site takes its forms only from its own pages, "
		    "so nothing was changed.</p>\n<p>To subscribe, use the "
		    "form below. To confirm or to unsubscribe, open the link "
		    "in the message again.</p>\n");
		put_form(a, in, NULL, 0);
		break;
	}
	return a->oom ? -1 : 0;
}

void
answer_free(struct answer *a)
{
	buf_free(&a->body);
}

int
answer_fill(const char *shell, size_t n, const struct answer *a,
    struct buf *out)
{
	struct buf	 title;
	const char	*p, *q, *t, *c;
	int		 rc = -1;

	buf_init(&title, 0);
	if (esc_html(&title, a->title, strlen(a->title)) == -1)
		goto out;
	for (p = shell, q = shell + n; p < q; ) {
		t = memmem(p, (size_t)(q - p), RENDER_FORM_TITLE,
		    sizeof(RENDER_FORM_TITLE) - 1);
		c = memmem(p, (size_t)(q - p), RENDER_FORM_CONTENT,
		    sizeof(RENDER_FORM_CONTENT) - 1);
		if (t == NULL && c == NULL) {
			if (buf_put(out, p, (size_t)(q - p)) == -1)
				goto out;
			break;
		}
		if (c == NULL || (t != NULL && t < c)) {
			if (buf_put(out, p, (size_t)(t - p)) == -1 ||
			    buf_put(out, title.data, title.len) == -1)
				goto out;
			p = t + sizeof(RENDER_FORM_TITLE) - 1;
		} else {
			if (buf_put(out, p, (size_t)(c - p)) == -1 ||
			    buf_put(out, a->body.data, a->body.len) == -1)
				goto out;
			p = c + sizeof(RENDER_FORM_CONTENT) - 1;
		}
	}
	rc = 0;
out:
	buf_free(&title);
	return rc;
}
