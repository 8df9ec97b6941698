#ifndef STET_FRAMING_H
#define STET_FRAMING_H

#include <stddef.h>

/*
 * RFC 9112 6.3: an HTTP/1.1 request whose body length two parties could
 * read two ways is refused, since behind a proxy that reads it the other
 * way the rest of the body becomes a request of its own (smuggling).
 *
 * libh2o 2.2 takes Content-Length and Transfer-Encoding out of the
 * headers a handler sees (it keeps the first Content-Length, or the
 * last Transfer-Encoding, and drops the rest), so this reads the head
 * as it arrived: p holds the request line and headers as the client
 * sent them (h2o has already parsed them: lines end in LF or CRLF),
 * possibly followed by the body and more requests; n bytes of it.
 *
 * 0 when the framing is plain; -1 when the head has both headers, two
 * Content-Length values that differ (or one that is not a number), more
 * than one Transfer-Encoding, a Transfer-Encoding other than "chunked",
 * or one of them continued on a folded line.
 */
int	framing_check(const char *p, size_t n);

#endif
