#ifndef STET_ROUTES_H
#define STET_ROUTES_H

#include <stddef.h>

#include <h2o.h>

#include "loop.h"

/*
 * What stet serve answers, and how.  GET and HEAD get the site from the
 * current snapshot: "/dir/" its index.html, "/dir" a 301 to "/dir/",
 * anything else the site's 404 page with status 404; with 304 for a
 * matching If-None-Match or If-Modified-Since and the gzip twin when
 * Accept-Encoding allows.  POST to /subscribe or /unsubscribe is 501
 * until the subscription forms exist; POST to Postmark's webhook is
 * answered by webhook.h; other methods 405.  Connections
 * over a bound get 503 or 429, oversized headers 431, and with TLS on
 * the plain port redirects to https.  Every response carries the
 * security headers, including h2o's own error pages.
 */

/*
 * Put the handler, the security header filter and the request logger
 * on pathconf (the host's fallback, so that every request, whatever its
 * path, comes to them).  sh must outlive h2o's configuration.
 */
void	routes_register(h2o_pathconf_t *, struct shared *);

/* The host name to register: h2o fills it in when Host is missing. */
#define ROUTES_NO_HOST	"no-host.invalid"

/*
 * Percent-decode a request path (without its query) into out (cap
 * bytes), refusing what could reach outside public/ or confuse a file
 * system: "." and ".." segments, encoded slashes (%2F), NUL and other
 * control bytes, backslashes, malformed escapes.  Returns 0, 400, or
 * 414 when it does not fit.
 */
int	routes_decode_path(const char *raw, size_t len, char *out, size_t cap,
	    size_t *outlen);

#endif
