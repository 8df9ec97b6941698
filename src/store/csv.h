#ifndef STET_CSV_H
#define STET_CSV_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * A reader of RFC 4180 CSV held in memory, for the owner's imports:
 * fields separated by commas, records by CRLF (or LF, or CR alone),
 * quoted fields that may hold commas, line breaks and doubled quotes.
 * A leading UTF-8 byte-order mark is skipped and blank lines are not
 * records, since spreadsheets write both.  A record is bounded in bytes
 * and fields, so a hostile file costs little.
 *
 * The reader does not own the text; it must outlive the reader.
 */
#define CSV_MAX_FIELDS	256
#define CSV_MAX_RECORD	65536

struct csv {
	const char	*p;
	size_t		 n;
	size_t		 off;
	size_t		 line;		/* line of the next byte, 1-based */
	size_t		 recline;	/* line where this record began */
	struct buf	 rec;		/* the record's fields, unquoted */
	size_t		 start[CSV_MAX_FIELDS];
	size_t		 len[CSV_MAX_FIELDS];
	size_t		 nfields;
};

void	csv_init(struct csv *, const char *p, size_t n);
void	csv_free(struct csv *);

/*
 * Read the next record: 1, or 0 at the end of the text, or -1 with err
 * as "file:line: why" (file may be NULL).  After 1, c->nfields and
 * csv_field describe it until the next call.
 */
int	csv_next(struct csv *, const char *file, struct err *);

/* Field i of the current record (NUL-terminated; *n its length). */
const char *csv_field(const struct csv *, size_t i, size_t *n);

#endif
