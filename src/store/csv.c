#include <string.h>

#include "csv.h"

void
csv_init(struct csv *c, const char *p, size_t n)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->n = n;
	c->line = 1;
	buf_init(&c->rec, CSV_MAX_RECORD);
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		c->off = 3;
}

void
csv_free(struct csv *c)
{
	buf_free(&c->rec);
}

const char *
csv_field(const struct csv *c, size_t i, size_t *n)
{
	if (i >= c->nfields) {
		*n = 0;
		return "";
	}
	*n = c->len[i];
	return c->rec.data + c->start[i];
}

/* Consume one line break at off, if there is one: 1 if so. */
static int
csv_eol(struct csv *c)
{
	if (c->off < c->n && c->p[c->off] == '\r') {
		c->off++;
		if (c->off < c->n && c->p[c->off] == '\n')
			c->off++;
		c->line++;
		return 1;
	}
	if (c->off < c->n && c->p[c->off] == '\n') {
		c->off++;
		c->line++;
		return 1;
	}
	return 0;
}

int
csv_next(struct csv *c, const char *file, struct err *err)
{
	char	 ch;
	int	 quoted;

again:
	buf_reset(&c->rec);
	c->nfields = 0;
	if (c->off >= c->n)
		return 0;
	c->recline = c->line;
	/* A blank line is no record: no spreadsheet means one by it. */
	if (csv_eol(c))
		goto again;
	for (;;) {
		if (c->nfields == CSV_MAX_FIELDS)
			return err_set(err, file, c->recline, "more than %d "
			    "fields", CSV_MAX_FIELDS);
		c->start[c->nfields] = c->rec.len;
		quoted = c->off < c->n && c->p[c->off] == '"';
		if (quoted)
			c->off++;
		for (;;) {
			if (c->off >= c->n) {
				if (quoted)
					return err_set(err, file, c->recline,
					    "a quoted field never ends");
				break;
			}
			ch = c->p[c->off];
			if (quoted && ch == '"') {
				if (c->off + 1 < c->n &&
				    c->p[c->off + 1] == '"') {
					c->off += 2;
					goto put;
				}
				c->off++;
				quoted = 0;
				/* After the closing quote: a separator. */
				if (c->off < c->n && c->p[c->off] != ',' &&
				    c->p[c->off] != '\r' &&
				    c->p[c->off] != '\n')
					return err_set(err, file, c->line,
					    "text after a closing quote");
				break;
			}
			if (!quoted && (ch == ',' || ch == '\r' ||
			    ch == '\n'))
				break;
			if (ch == '\n')
				c->line++;
			c->off++;
put:
			if (buf_putc(&c->rec, ch) == -1)
				return err_set(err, file, c->recline,
				    "a record longer than %d bytes",
				    CSV_MAX_RECORD);
		}
		c->len[c->nfields] = c->rec.len - c->start[c->nfields];
		/* Fields are NUL-separated so each reads as a C string. */
		if (buf_putc(&c->rec, '\0') == -1)
			return err_set(err, file, c->recline, "a record "
			    "longer than %d bytes", CSV_MAX_RECORD);
		c->nfields++;
		if (c->off < c->n && c->p[c->off] == ',') {
			c->off++;
			continue;
		}
		csv_eol(c);
		return 1;
	}
}
