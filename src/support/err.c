#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int
err_set(struct err *e, const char *file, size_t line, const char *fmt, ...)
{
	va_list	 ap;
	int	 n = 0;

	if (e == NULL)
		return -1;
	if (file != NULL && line > 0)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%zu: ", file, line);
	else if (file != NULL)
		n = snprintf(e->msg, sizeof(e->msg), "%s: ", file);
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		n = 0;
	e->line = line;
	e->what = (size_t)n;
	e->file[0] = '\0';
	if (file != NULL)
		(void)snprintf(e->file, sizeof(e->file), "%s", file);
	va_start(ap, fmt);
	/* A message cut at 512 bytes still says where; truncation is fine. */
	(void)vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}
