/*
 * A request's path as stet serve decodes it before looking anything up:
 * routes_decode_path with the buffer on_req gives it, and with a small
 * one.  Besides the sanitizers, abort() when a path it accepts could
 * reach outside public/ or confuse a file system: a "." or ".."
 * segment, a backslash, a control byte or NUL, or no leading slash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/routes.h"

#define PATH_BUF	(2048 + 1)	/* as on_req's, PATH_MAX_RAW + 1 */

static void
check(const char *out, size_t len, size_t cap)
{
	const char	*seg, *end = out + len, *slash;
	size_t		 i, n;

	if (len >= cap || out[len] != '\0' || len == 0 || out[0] != '/')
		abort();
	for (i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f ||
		    out[i] == '\\')
			abort();
	for (seg = out + 1; seg <= end; seg = slash + 1) {
		if ((slash = memchr(seg, '/', (size_t)(end - seg))) == NULL)
			slash = end;
		n = (size_t)(slash - seg);
		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 out[PATH_BUF];
	char		 small[16];
	size_t		 len;
	int		 st;

	st = routes_decode_path((const char *)data, size, out, sizeof(out),
	    &len);
	if (st == 0)
		check(out, len, sizeof(out));
	else if (st != 400 && st != 414)
		abort();
	st = routes_decode_path((const char *)data, size, small, sizeof(small),
	    &len);
	if (st == 0)
		check(small, len, sizeof(small));
	else if (st != 400 && st != 414)
		abort();
	return 0;
}
