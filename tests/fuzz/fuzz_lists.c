/*
 * A list to import as each source (stet subscribers import): the header
 * told or named, every row through list_next.  Besides the sanitizers,
 * abort() when a row breaks listfile.h's promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/listfile.h"

static void
one(const char *text, size_t size, const char *from)
{
	struct list_file l;
	struct list_row	 r;
	struct err	 err;
	size_t		 rows = 0;
	int		 rc;

	if (list_open(&l, text, size, "fuzz.csv", from, &err) == 0) {
		while ((rc = list_next(&l, &r, &err)) == 1) {
			if (++rows > size || (unsigned)r.kind >= LIST_NKINDS ||
			    r.email_len > CSV_MAX_RECORD || r.line < 1 ||
			    (l.source != LIST_STET && (r.kind == LIST_SECRET ||
			    r.kind == LIST_SUPPRESSED)))
				abort();
		}
		if (rc == -1 && strncmp(err.msg, "fuzz.csv:", 9) != 0)
			abort();
	}
	list_close(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t	 t;

	one((const char *)data, size, NULL);
	one((const char *)data, size, "stet");
	(void)list_time((const char *)data, size, &t);
	return 0;
}
