/*
 * Mail that comes back to the envelope sender (stet bounces): every
 * message through dsn_parse, GMime and the fields read from it.  Besides
 * the sanitizers, abort() when a result breaks dsn.h's promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/dsn.h"

static void
check_str(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsn	 d;
	struct err	 err;
	size_t		 i;

	if (dsn_parse((const char *)data, size, &d, &err) == -1) {
		if (err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (d.nrcpt > DSN_ADDRS || d.nenvelope > DSN_ADDRS ||
	    d.kind > DSN_COMPLAINT)
		abort();
	for (i = 0; i < d.nrcpt; i++) {
		check_str(d.rcpt[i].addr, sizeof(d.rcpt[i].addr));
		check_str(d.rcpt[i].status, sizeof(d.rcpt[i].status));
		if (d.rcpt[i].kind > d.kind)
			abort();
	}
	for (i = 0; i < d.nenvelope; i++)
		check_str(d.envelope[i], sizeof(d.envelope[i]));
	check_str(d.message_id, sizeof(d.message_id));
	check_str(d.detail, sizeof(d.detail));
	for (i = 0; d.detail[i] != '\0'; i++)
		if ((unsigned char)d.detail[i] < 0x20 ||
		    (unsigned char)d.detail[i] >= 0x7f)
			abort();
	return 0;
}
