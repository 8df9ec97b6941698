#include <arpa/inet.h>

#include <string.h>
#include <strings.h>

#include "origin.h"

static int
host_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
	    c == ':' || c == '[' || c == ']';
}

int
origin_norm(const char *s, size_t n, int strict, char out[ORIGIN_MAX])
{
	const char	*h, *e, *end = s + n, *port = NULL, *p;
	size_t		 k, hl;
	int		 https;

	if (n >= 8 && strncasecmp(s, "https://", 8) == 0) {
		https = 1;
		h = s + 8;
	} else if (n >= 7 && strncasecmp(s, "http://", 7) == 0) {
		https = 0;
		h = s + 7;
	} else
		return -1;
	for (e = h; e < end && *e != '/' && *e != '?' && *e != '#'; e++)
		if (!host_byte(*e))
			return -1;
	if (e == h || (strict && e != end))
		return -1;
	/* The port is after the last ':' outside an IPv6 literal's [..]. */
	for (p = h; p < e; p++)
		if (*p == ':' && memchr(p, ']', (size_t)(e - p)) == NULL)
			port = p;
	hl = (size_t)((port != NULL ? port : e) - h);
	if (hl == 0)
		return -1;
	/*
	 * A name, or an IPv6 literal in brackets: ':', '[' and ']'
	 * nowhere else, or the origin would read otherwise a second time.
	 */
	if (h[0] == '[') {
		if (hl < 3 || h[hl - 1] != ']' ||
		    memchr(h + 1, '[', hl - 1) != NULL ||
		    memchr(h, ']', hl - 1) != NULL)
			return -1;
	} else if (memchr(h, ':', hl) != NULL || memchr(h, '[', hl) != NULL ||
	    memchr(h, ']', hl) != NULL)
		return -1;
	if (port != NULL) {
		if (port + 1 == e || (size_t)(e - port - 1) > 5)
			return -1;
		for (p = port + 1; p < e; p++)
			if (*p < '0' || *p > '9')
				return -1;
		/* The default port is no part of the origin's spelling. */
		if ((https && e - port - 1 == 3 && memcmp(port + 1, "443",
		    3) == 0) || (!https && e - port - 1 == 2 &&
		    memcmp(port + 1, "80", 2) == 0))
			port = NULL;
	}
	k = (https ? 8 : 7) + hl + (port != NULL ? (size_t)(e - port) : 0);
	if (k >= ORIGIN_MAX)
		return -1;
	memcpy(out, https ? "https://" : "http://", https ? 8 : 7);
	k = https ? 8 : 7;
	for (p = h; p < h + hl; p++)
		out[k++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') :
		    *p;
	if (port != NULL)
		for (p = port; p < e; p++)
			out[k++] = *p;
	out[k] = '\0';
	return 0;
}

int
origin_is_loopback(const char *origin)
{
	const char	*h = strstr(origin, "://"), *e;
	char		 host[64];
	unsigned char	 a[16];
	size_t		 n;

	if (h == NULL)
		return 0;
	h += 3;
	if (*h == '[')
		e = strchr(h, ']') != NULL ? strchr(h, ']') + 1 : h;
	else
		for (e = h; *e != '\0' && *e != ':'; e++)
			;
	if ((n = (size_t)(e - h)) == 0 || n >= sizeof(host))
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	if (strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return 1;
	return inet_pton(AF_INET, host, a) == 1 && a[0] == 127;
}
