#ifndef STET_REPORT_H
#define STET_REPORT_H

#include <stdio.h>

#include "../support/diag.h"

/*
 * How stet build and stet check show the errors and warnings of a run
 * (a sorted struct diag): as lines for a person, as JSON for a program,
 * and in full in SITE/.stet/warnings, so a long list need not scroll
 * past on every build.
 */

#define REPORT_WARNINGS_SHOWN	10	/* on the terminal, by stet build */

/*
 * Every error, then at most max warnings (all with max == SIZE_MAX), as
 * "stet: file:line: what" lines.  The number of warnings left unshown.
 */
size_t	report_text(const struct diag *, size_t max, FILE *);

/* All of them as stet check's lines: "file:line: error: what". */
void	report_findings(const struct diag *, FILE *);

/* All of them as a JSON array of {file, line, level, message}. */
void	report_json(const struct diag *, FILE *);

/*
 * Write every item to dir/.stet/warnings (removed when there is none).
 * 0, or -1 with errno set; a failure here loses nothing but the list.
 */
int	report_save(const char *dir, const struct diag *);

#endif
