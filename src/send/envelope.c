#include <stddef.h>

#include "../mail/verp.h"
#include "../store/bounces.h"
#include "envelope.h"

int
send_envelope(struct store *s, const struct mail_settings *m,
    const char *post, int64_t subscriber, const char *rcpt, struct buf *out,
    struct err *err)
{
	char		 tok[STORE_VERP_LEN + 1], addr[320];
	const char	*from;

	(void)rcpt;
	if (s != NULL && post != NULL && subscriber != 0 &&
	    mail_verp_on(m->envelope_from)) {
		store_verp_token(s, subscriber, post, tok);
		if (mail_verp_address(m->envelope_from, tok, addr,
		    sizeof(addr)) == -1)
			return err_set(err, "stet.yaml", 0, "mail.envelope_from "
			    "\"%s\": with a %d-character token its part "
			    "before @ passes 64 characters", m->envelope_from,
			    STORE_VERP_LEN);
		from = addr;
	} else
		from = m->envelope_from != NULL ? m->envelope_from :
		    m->from_addr;
	if (from == NULL)
		return err_set(err, "stet.yaml", 0, "mail.from is not set: "
		    "the sender of the messages");
	if (buf_puts(out, from) == -1)
		return err_set(err, NULL, 0, "out of memory");
	return 0;
}
