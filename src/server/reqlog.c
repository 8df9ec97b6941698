#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reqlog.h"

/* Flush once this much waits; refuse to hold more than the max. */
#define LOG_FLUSH_AT	(32 * 1024)
#define LOG_MAX		(1024 * 1024)
#define LOG_PATH_MAX	512
#define LOG_METHOD_MAX	16

static void	put_escaped(struct buf *, const char *, size_t, size_t max);
static void	put_uint(struct buf *, uint64_t);

void
reqlog_init(struct reqlog *l)
{
	memset(l, 0, sizeof(*l));
	buf_init(&l->buf, LOG_MAX);
	l->sec = -1;
}

void
reqlog_add(struct reqlog *l, time_t now, const char *method, size_t mlen,
    const char *path, size_t plen, int status, size_t bytes, int64_t usec)
{
	struct buf	*b = &l->buf;
	struct tm	 tm;

	if (now != l->sec) {
		gmtime_r(&now, &tm);
		(void)snprintf(l->stamp, sizeof(l->stamp),
		    "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
		l->sec = now;
	}
	/*
	 * Make room for the longest line first, so none of the appends
	 * below can fail and their results need no checking; if even that
	 * fails, the line is lost, which beats failing the request.
	 */
	if (b->len > LOG_FLUSH_AT)
		reqlog_flush(l);
	if (buf_grow(b, 96 + 3 * (LOG_PATH_MAX + LOG_METHOD_MAX)) == -1)
		return;
	buf_puts(b, l->stamp);
	buf_putc(b, ' ');
	put_escaped(b, method, mlen, LOG_METHOD_MAX);
	buf_putc(b, ' ');
	put_escaped(b, path, plen, LOG_PATH_MAX);
	buf_putc(b, ' ');
	put_uint(b, status > 0 ? (uint64_t)status : 0);
	buf_putc(b, ' ');
	put_uint(b, bytes);
	buf_putc(b, ' ');
	if (usec >= 0) {
		char	 frac[4];

		put_uint(b, (uint64_t)usec / 1000);
		frac[0] = '.';
		frac[1] = (char)('0' + (usec / 100) % 10);
		frac[2] = (char)('0' + (usec / 10) % 10);
		frac[3] = (char)('0' + usec % 10);
		buf_put(b, frac, 4);
		BUF_LIT(b, "ms\n");
	} else
		BUF_LIT(b, "-\n");
}

void
reqlog_flush(struct reqlog *l)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < l->buf.len) {
		n = write(STDERR_FILENO, l->buf.data + off, l->buf.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* stderr gone or full: lose the lines */
		off += (size_t)n;
	}
	buf_reset(&l->buf);
}

void
reqlog_free(struct reqlog *l)
{
	reqlog_flush(l);
	buf_free(&l->buf);
}

static void
put_escaped(struct buf *b, const char *s, size_t n, size_t max)
{
	static const char hex[] = "0123456789ABCDEF";
	char	 e[3];
	size_t	 i;

	if (n == 0) {
		buf_putc(b, '-');
		return;
	}
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > 0x20 && c < 0x7f) {
			buf_putc(b, (char)c);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		buf_put(b, e, 3);
	}
	if (n > max)
		BUF_LIT(b, "...");
}

static void
put_uint(struct buf *b, uint64_t v)
{
	char	 d[24];
	size_t	 i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_put(b, d + i, sizeof(d) - i);
}
