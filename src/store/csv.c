#include <stdlib.h>
#include <string.h>

#include "csv.h"

/*
 * libcsv grows its field buffer by realloc with no bound of its own;
 * this one refuses past a record's worth, so one endless quoted field
 * costs CSV_MAX_RECORD bytes, not the size of the file.
 */
static void *
csv_bounded_realloc(void *p, size_t n)
{
	if (n > CSV_MAX_RECORD + 256)
		return NULL;
	return realloc(p, n);
}

/* libcsv calls this for each field: keep it, NUL after it. */
static void
csv_field_cb(void *s, size_t n, void *arg)
{
	struct csv_reader *c = arg;

	if (c->toobig)
		return;
	if (c->nfields == CSV_MAX_FIELDS) {
		c->toobig = 2;
		return;
	}
	c->start[c->nfields] = c->rec.len;
	c->len[c->nfields] = n;
	if ((n > 0 && buf_put(&c->rec, s, n) == -1) ||
	    buf_putc(&c->rec, '\0') == -1) {
		c->toobig = 1;
		return;
	}
	c->nfields++;
}

/* ... and this at the end of each record. */
static void
csv_record_cb(int ch, void *arg)
{
	struct csv_reader *c = arg;

	(void)ch;
	c->ended = 1;
	c->inrec = 0;
}

/*
 * The separator: of ',', ';' and tab, the one the first record holds
 * most of outside quotes.  Spreadsheets in locales whose decimal mark
 * is a comma write ';'.
 */
static char
csv_guess_sep(const char *p, size_t n)
{
	size_t	 i, comma = 0, semi = 0, tab = 0;
	int	 quoted = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (p[i] == '\r' || p[i] == '\n')
			break;
		else if (p[i] == ',')
			comma++;
		else if (p[i] == ';')
			semi++;
		else if (p[i] == '\t')
			tab++;
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

int
csv_reader_init(struct csv_reader *c, const char *p, size_t n)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->n = n;
	c->line = 1;
	c->recline = 1;
	buf_init(&c->rec, CSV_MAX_RECORD);
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		c->off = 3;
	if (csv_init(&c->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_realloc_func(&c->parser, csv_bounded_realloc);
	c->sep = csv_guess_sep(p + c->off, n - c->off);
	csv_set_delim(&c->parser, (unsigned char)c->sep);
	return 0;
}

void
csv_reader_free(struct csv_reader *c)
{
	csv_free(&c->parser);
	buf_free(&c->rec);
}

const char *
csv_reader_field(const struct csv_reader *c, size_t i, size_t *n)
{
	if (i >= c->nfields) {
		*n = 0;
		return "";
	}
	*n = c->len[i];
	return c->rec.data + c->start[i];
}

static int
csv_libcsv_err(struct csv_reader *c, const char *file, size_t line,
    struct err *err)
{
	if (c->toobig == 2)
		return err_set(err, file, c->recline, "more than %d fields",
		    CSV_MAX_FIELDS);
	if (c->toobig || csv_error(&c->parser) == CSV_ENOMEM ||
	    csv_error(&c->parser) == CSV_ETOOBIG)
		return err_set(err, file, c->recline, "a record longer than "
		    "%d bytes", CSV_MAX_RECORD);
	return err_set(err, file, line, "a stray quote, or text after a "
	    "closing quote");
}

/*
 * Feed libcsv one line at a time (up to and including a CR or LF), so
 * that at most one record ends in what it is given, and count lines as
 * we go: a record reports the line it began on, even after a quoted
 * field that spans lines.
 */
int
csv_reader_next(struct csv_reader *c, const char *file, struct err *err)
{
	const char	*q, *end;
	size_t		 i, len, line;
	int		 content;

	buf_reset(&c->rec);
	c->nfields = 0;
	c->ended = 0;
	for (;;) {
		if (c->toobig)
			return csv_libcsv_err(c, file, c->recline, err);
		if (c->ended)
			return 1;
		if (c->off >= c->n) {
			if (c->finished)
				return 0;
			c->finished = 1;
			if (csv_fini(&c->parser, csv_field_cb, csv_record_cb,
			    c) != 0)
				return err_set(err, file, c->recline,
				    "a quoted field never ends");
			if (c->toobig)
				return csv_libcsv_err(c, file, c->recline,
				    err);
			return c->ended ? 1 : 0;
		}
		q = c->p + c->off;
		end = c->p + c->n;
		for (len = 0; q + len < end; len++)
			if (q[len] == '\r' || q[len] == '\n') {
				len++;
				break;
			}
		content = 0;
		for (i = 0; i < len && !content; i++)
			content = q[i] != '\r' && q[i] != '\n' &&
			    q[i] != ' ' && q[i] != '\t';
		if (!c->inrec && content) {
			c->recline = c->line;
			c->inrec = 1;
		}
		line = c->line;
		for (i = 0; i < len; i++)
			if (q[i] == '\n' || (q[i] == '\r' &&
			    (q + i + 1 >= end || q[i + 1] != '\n')))
				c->line++;
		c->off += len;
		if (csv_parse(&c->parser, q, len, csv_field_cb,
		    csv_record_cb, c) != len)
			return csv_libcsv_err(c, file, line, err);
	}
}
