#ifndef STET_ORIGIN_H
#define STET_ORIGIN_H

#include <stddef.h>

/*
 * Web origins (RFC 6454) as the subscription forms compare them: the
 * Origin header a browser sends with a form, the site's url and the
 * entries of subscribe.origins, each reduced to "scheme://host[:port]"
 * with scheme and host lowercased and the scheme's default port left
 * out, so that equal origins are equal strings.
 */
#define ORIGIN_MAX	300

/*
 * Reduce s (n bytes) to its origin in out.  strict: s must be an origin
 * and nothing more, as an Origin header is; otherwise a path (and what
 * follows) is dropped, as from the site's url.  0, or -1 when s is not
 * an http or https URL with a plain host (no user, no empty port).
 */
int	origin_norm(const char *s, size_t n, int strict, char out[ORIGIN_MAX]);

/*
 * Whether origin (as origin_norm leaves it) names this machine:
 * localhost, 127.0.0.0/8 or [::1].
 */
int	origin_is_loopback(const char *origin);

#endif
