/*
 * A subscriber list to import (stet subscribers import FILE.csv):
 * every record through csv_reader_next and every field through
 * csv_reader_field.
 * Besides the sanitizers, abort() when the reader stops making progress
 * or hands out a field that breaks csv.h's promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/csv.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader c;
	struct err	 err;
	const char	*f;
	size_t		 i, n, records = 0, total;
	int		 r;

	if (csv_reader_init(&c, (const char *)data, size) == -1)
		abort();
	while ((r = csv_reader_next(&c, "fuzz.csv", &err)) == 1) {
		/* Each record takes at least one byte of the text. */
		if (++records > size)
			abort();
		if (c.nfields == 0 || c.nfields > CSV_MAX_FIELDS ||
		    c.recline < 1 || c.recline > c.line)
			abort();
		total = 0;
		for (i = 0; i < c.nfields; i++) {
			f = csv_reader_field(&c, i, &n);
			if (f[n] != '\0')
				abort();
			total += n;
		}
		if (total > CSV_MAX_RECORD)
			abort();
		f = csv_reader_field(&c, c.nfields, &n);
		if (n != 0 || *f != '\0')
			abort();
	}
	if (r == -1 && strncmp(err.msg, "fuzz.csv:", 9) != 0)
		abort();
	csv_reader_free(&c);
	return 0;
}
