#include <stddef.h>

#include "envelope.h"

int
send_envelope(const struct mail_settings *m, int64_t subscriber,
    const char *rcpt, struct buf *out, struct err *err)
{
	const char	*from;

	(void)subscriber;
	(void)rcpt;
	from = m->envelope_from != NULL ? m->envelope_from : m->from_addr;
	if (from == NULL)
		return err_set(err, "stet.yaml", 0, "mail.from is not set: "
		    "the sender of the messages");
	if (buf_puts(out, from) == -1)
		return err_set(err, NULL, 0, "out of memory");
	return 0;
}
