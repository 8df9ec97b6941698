#include <string.h>

#include <sodium.h>

#include "../mail/compose.h"
#include "../support/esc.h"
#include "notice.h"

void
notice_start(struct mail_msg *m, const struct mail_settings *mail,
    const char *rcpt, time_t now)
{
	memset(m, 0, sizeof(*m));
	m->from.name = mail_str(mail->from_name);
	m->from.addr = mail_str(mail->from_addr);
	m->to.addr = mail_str(rcpt);
	m->reply_to.addr = mail_str(mail->reply_to);
	m->date = now;
}

int
notice_message_id(const struct mail_settings *mail, struct buf *out)
{
	unsigned char	 r[16];
	char		 hex[sizeof(r) * 2 + 1];
	const char	*at = mail->from_addr != NULL ?
			    strchr(mail->from_addr, '@') : NULL;

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	return buf_printf(out, "%s@%s", hex, at != NULL ? at + 1 :
	    "stet.invalid");
}

int
notice_confirm(const struct mail_settings *mail, const char *title,
    const char *url, const char *base, const char *rcpt, const char *token,
    time_t now, struct buf *out, struct err *err)
{
	struct mail_msg	 m;
	struct buf	 text, html, subject, link, id;
	int		 rc = -1;

	if (mail->from_addr == NULL)
		return err_set(err, "stet.yaml", 0, "mail.from is not set: "
		    "readers cannot be sent a confirmation without it");
	buf_init(&text, 0);
	buf_init(&html, 0);
	buf_init(&subject, 0);
	buf_init(&link, 0);
	buf_init(&id, 0);
	if (buf_printf(&link, "%ssubscribe/confirm?t=%s", base, token) == -1 ||
	    buf_printf(&subject, "Confirm your subscription to %s",
	    title) == -1 ||
	    notice_message_id(mail, &id) == -1 ||
	    buf_printf(&text,
	    "Someone, probably you, asked to get an email from %s each time "
	    "a new post is published there.\n"
	    "\n"
	    "To confirm, open this link and press the button on the page:\n"
	    "\n"
	    "%s\n"
	    "\n"
	    "If it was not you, ignore this message. Nothing more will be "
	    "sent, and the address is forgotten in 7 days.\n"
	    "\n"
	    "One email when I publish something. No newsletter cadence, no "
	    "marketing, no list-sharing. Unsubscribe in one click.\n"
	    "\n"
	    "-- \n%s\n%s\n", title, link.data, title, url) ==
	    -1 ||
	    buf_puts(&html, "<!doctype html>\n<html><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"color-scheme\" content=\"light dark\">"
	    "</head>\n<body style=\"font-family: system-ui, sans-serif; "
	    "line-height: 1.5; max-width: 36em\">\n<p>Someone, probably you, "
	    "asked to get an email from ") == -1 ||
	    esc_html(&html, title, strlen(title)) == -1 ||
	    buf_puts(&html, " each time a new post is published there.</p>\n"
	    "<p><a href=\"") == -1 ||
	    esc_html(&html, link.data, link.len) == -1 ||
	    buf_puts(&html, "\">Confirm the subscription</a> (the page has "
	    "one button to press).</p>\n<p>If it was not you, ignore this "
	    "message. Nothing more will be sent, and the address is "
	    "forgotten in 7 days.</p>\n<p>One email when I publish something. "
	    "No newsletter cadence, no marketing, no list-sharing. "
	    "Unsubscribe in one click.</p>\n</body></html>\n") == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	notice_start(&m, mail, rcpt, now);
	m.subject.p = subject.data;
	m.subject.n = subject.len;
	m.message_id.p = id.data;
	m.message_id.n = id.len;
	m.text.p = text.data;
	m.text.n = text.len;
	m.html.p = html.data;
	m.html.n = html.len;
	rc = mail_compose(&m, out, err);
out:
	buf_free(&text);
	buf_free(&html);
	buf_free(&subject);
	buf_free(&link);
	buf_free(&id);
	return rc;
}
