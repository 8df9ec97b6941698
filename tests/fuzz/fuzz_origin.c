/*
 * An Origin header, or a URL, through origin_norm as the forms call it
 * (strict, for the header) and as they read the site's url (not
 * strict).  Besides the sanitizers, abort() when a result breaks
 * origin.h's promises: an http or https origin, lowercased, shorter than
 * ORIGIN_MAX, without a default port, and the same when read again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/origin.h"

static void
check(const char *o)
{
	char		 again[ORIGIN_MAX];
	const char	*p;
	size_t		 n = strlen(o);

	if (n >= ORIGIN_MAX || (strncmp(o, "http://", 7) != 0 &&
	    strncmp(o, "https://", 8) != 0))
		abort();
	for (p = o; *p != '\0'; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p == '/' && p > o + 7))
			abort();
	if ((strncmp(o, "https://", 8) == 0 && n > 4 &&
	    strcmp(o + n - 4, ":443") == 0) ||
	    (strncmp(o, "http://", 7) == 0 && n > 3 &&
	    strcmp(o + n - 3, ":80") == 0))
		abort();
	if (origin_norm(o, n, 1, again) == -1 || strcmp(o, again) != 0)
		abort();
	(void)origin_is_loopback(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 o[ORIGIN_MAX];

	if (origin_norm((const char *)data, size, 1, o) == 0)
		check(o);
	if (origin_norm((const char *)data, size, 0, o) == 0)
		check(o);
	return 0;
}
