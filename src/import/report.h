#ifndef STET_IMPORT_REPORT_H
#define STET_IMPORT_REPORT_H

#include "import.h"
#include "oldsite.h"

/*
 * IMPORT.md in the new site (dirfd): what was carried over, converted
 * and kept, and each place that needs a person.  0, or -1 (errno).
 */
int	report_write(int dirfd, const char *old, const struct import_result *,
	    const struct oldsite *);

#endif
