#ifndef STET_CSV_H
#define STET_CSV_H

#include <stddef.h>

#include <csv.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * A reader of the CSV files that list services export, held in memory,
 * over Debian's libcsv (strict mode): RFC 4180 quoting, with fields that
 * may hold separators, line breaks (CRLF too) and doubled quotes.  What
 * the services add to it is handled here: a leading UTF-8 byte-order
 * mark is skipped, the separator is ',' or ';' or a tab, whichever the
 * first record has most of outside quotes, and blank lines are no
 * records.  libcsv trims blanks around an unquoted field.  A record is
 * bounded in bytes and fields, so a hostile file costs little.
 *
 * The reader does not own the text; it must outlive the reader.
 */
#define CSV_MAX_FIELDS	256
#define CSV_MAX_RECORD	65536

struct csv_reader {
	struct csv_parser  parser;
	const char	*p;
	size_t		 n;
	size_t		 off;
	size_t		 line;		/* line of the next byte, 1-based */
	size_t		 recline;	/* line where this record began */
	char		 sep;		/* the separator found */
	int		 inrec;		/* bytes of a record fed, not ended */
	int		 ended;		/* the record is complete */
	int		 toobig;	/* 1: too many bytes, 2: fields */
	int		 finished;	/* csv_fini was called */
	struct buf	 rec;		/* the record's fields, unquoted */
	size_t		 start[CSV_MAX_FIELDS];
	size_t		 len[CSV_MAX_FIELDS];
	size_t		 nfields;
};

/* 0, or -1 when libcsv would not start. */
int	csv_reader_init(struct csv_reader *, const char *p, size_t n);
void	csv_reader_free(struct csv_reader *);

/*
 * Read the next record: 1, or 0 at the end of the text, or -1 with err
 * as "file:line: why" (file may be NULL).  After 1, c->nfields and
 * csv_reader_field describe it until the next call.
 */
int	csv_reader_next(struct csv_reader *, const char *file, struct err *);

/* Field i of the current record (NUL-terminated; *n its length). */
const char *csv_reader_field(const struct csv_reader *, size_t i,
	    size_t *n);

#endif
