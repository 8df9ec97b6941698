#ifndef STET_BUF_H
#define STET_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * A growable byte buffer.  data always has a NUL after len so it can be
 * handed to C string functions, but the data itself may hold NULs and
 * nothing here depends on the terminator.  max bounds the length: an
 * append that would pass it fails and leaves the buffer as it was, which
 * is what a reader of untrusted input wants.  max == 0 means no bound.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

/* Only a string literal: "" lit "" does not compile with a pointer. */
#define BUF_LIT(b, lit)	buf_put((b), "" lit "", sizeof(lit) - 1)

void	 buf_init(struct buf *, size_t max);
int	 buf_grow(struct buf *, size_t extra);		/* 0 or -1 */
int	 buf_put_slow(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_putc(struct buf *, char);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *, va_list);
void	 buf_reset(struct buf *);			/* len = 0, keeps memory */
void	 buf_truncate(struct buf *, size_t len);	/* drop what is past len */
char	*buf_take(struct buf *, size_t *);		/* caller frees; buf resets */
void	 buf_free(struct buf *);			/* buf reusable afterwards */

/*
 * Append n bytes: 0 or -1.  Inline, since most appends fit and builds
 * make millions of them; the rest go through buf_put_slow.
 */
static inline int
buf_put(struct buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len && (b->max == 0 || n <= b->max - b->len)) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_put_slow(b, p, n);
}

#endif
