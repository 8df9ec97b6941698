/*
 * An HTTP/1 request head as stet serve reads it for ambiguous framing:
 * framing_check over bytes a client chose, head, body and whatever
 * follows.  Besides the sanitizers, abort() on an answer other than 0
 * or -1.
 */
#include <stdint.h>
#include <stdlib.h>

#include "server/framing.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int	 rc;

	rc = framing_check((const char *)data, size);
	if (rc != 0 && rc != -1)
		abort();
	return 0;
}
