#ifndef STET_ESC_H
#define STET_ESC_H

#include <stddef.h>

#include "buf.h"

/*
 * One function per output context; each appends to a buf and returns 0
 * or -1 (out of memory or past the buf's bound).  Everything stet writes
 * into HTML, XML or JSON from site content passes through one of these.
 */

/* Text between tags, and attribute values in quotes: & < > " ' escaped. */
int	esc_html(struct buf *, const char *, size_t);

/*
 * A URL inside an HTML attribute.  A scheme other than http, https or
 * mailto (javascript:, data:, ...) is replaced by "#": such links come
 * only from a mistake or an attack.  Bytes outside printable ASCII,
 * spaces and quotes are percent-encoded, then the result is escaped as
 * for an attribute.
 */
int	esc_url(struct buf *, const char *, size_t);

/* The same without the scheme check: the rest of a URL, after its start. */
int	esc_url_rest(struct buf *, const char *, size_t);

/* Percent-encode one path segment (a slug): keeps A-Z a-z 0-9 - . _ ~ */
int	esc_path_segment(struct buf *, const char *, size_t);

/* A JSON string's contents (no quotes added). */
int	esc_json(struct buf *, const char *, size_t);

/* True when url starts with a scheme stet will link to. */
int	esc_url_scheme_ok(const char *, size_t);

#endif
