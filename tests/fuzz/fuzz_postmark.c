/*
 * A body posted to Postmark's webhook on stet serve: every input
 * through webhook_parse and Jansson.  Besides the sanitizers, abort()
 * when an event breaks webhook.h's promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/webhook.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct webhook_event ev;
	struct err	 err;
	size_t		 i;

	if (webhook_parse((const char *)data, size, &ev, &err) == -1) {
		if (err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (memchr(ev.type, '\0', sizeof(ev.type)) == NULL ||
	    memchr(ev.email, '\0', sizeof(ev.email)) == NULL ||
	    memchr(ev.detail, '\0', sizeof(ev.detail)) == NULL)
		abort();
	if (ev.concern && ev.kind > STORE_BOUNCE_COMPLAINT)
		abort();
	for (i = 0; ev.detail[i] != '\0'; i++)
		if ((unsigned char)ev.detail[i] < 0x20)
			abort();
	return 0;
}
