#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
}

void
diag_free(struct diag *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	pthread_mutex_destroy(&d->lock);
	diag_init(d);
}

static void
add(struct diag *d, enum diag_level level, const char *file, size_t line,
    const char *fmt, va_list ap)
{
	struct diag_item it;
	char		*msg = NULL;

	pthread_mutex_lock(&d->lock);
	if (level == DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->n >= DIAG_MAX)
		goto out;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct diag_item *v = realloc(d->v, cap * sizeof(*v));

		if (v == NULL) {
			d->oom = 1;
			goto out;
		}
		d->v = v;
		d->cap = cap;
	}
	if (vasprintf(&msg, fmt, ap) == -1) {
		d->oom = 1;
		goto out;
	}
	it.level = level;
	it.line = line;
	it.msg = msg;
	it.file = NULL;
	if (file != NULL && (it.file = strdup(file)) == NULL) {
		free(msg);
		d->oom = 1;
		goto out;
	}
	d->v[d->n++] = it;
out:
	pthread_mutex_unlock(&d->lock);
}

int
diag_error(struct diag *d, const char *file, size_t line, const char *fmt,
    ...)
{
	va_list	 ap;

	if (d == NULL)
		return -1;
	va_start(ap, fmt);
	add(d, DIAG_ERROR, file, line, fmt, ap);
	va_end(ap);
	return -1;
}

void
diag_warn(struct diag *d, const char *file, size_t line, const char *fmt,
    ...)
{
	va_list	 ap;

	if (d == NULL)
		return;
	va_start(ap, fmt);
	add(d, DIAG_WARNING, file, line, fmt, ap);
	va_end(ap);
}

int
diag_error_err(struct diag *d, const struct err *e)
{
	if (e->file[0] == '\0' || e->what >= sizeof(e->msg))
		return diag_error(d, NULL, 0, "%s", e->msg);
	return diag_error(d, e->file, e->line, "%s", e->msg + e->what);
}

static int
item_cmp(const void *a, const void *b)
{
	const struct diag_item *x = a, *y = b;
	int	 c;

	/* Items without a file (whole-run problems) come first. */
	if ((x->file == NULL) != (y->file == NULL))
		return x->file == NULL ? -1 : 1;
	if (x->file != NULL && (c = strcmp(x->file, y->file)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

void
diag_sort(struct diag *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), item_cmp);
}

void
diag_format(const struct diag_item *it, char *out, size_t outsz)
{
	if (it->file != NULL && it->line > 0)
		(void)snprintf(out, outsz, "%s:%zu: %s", it->file, it->line,
		    it->msg);
	else if (it->file != NULL)
		(void)snprintf(out, outsz, "%s: %s", it->file, it->msg);
	else
		(void)snprintf(out, outsz, "%s", it->msg);
}

void
diag_print(const struct diag *d, enum diag_level level, FILE *f)
{
	char	 line[1024];
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level != level)
			continue;
		diag_format(&d->v[i], line, sizeof(line));
		fprintf(f, "stet: %s%s\n", level == DIAG_WARNING ?
		    "warning: " : "", line);
	}
}
