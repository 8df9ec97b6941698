#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notes.h"

void
notes_init(struct notes *ns)
{
	memset(ns, 0, sizeof(*ns));
}

void
notes_free(struct notes *ns)
{
	size_t	 i;

	for (i = 0; i < ns->n; i++) {
		free(ns->v[i].file);
		free(ns->v[i].msg);
	}
	for (i = 0; i < ns->nc; i++)
		free(ns->c[i].what);
	free(ns->v);
	free(ns->c);
	memset(ns, 0, sizeof(*ns));
}

void
notes_add(struct notes *ns, enum note_kind kind, const char *file,
    size_t line, const char *fmt, ...)
{
	struct note	*nv, *e;
	struct buf	 b;
	va_list		 ap;

	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 64;

		if ((nv = realloc(ns->v, cap * sizeof(*nv))) == NULL) {
			ns->oom = 1;
			return;
		}
		ns->v = nv;
		ns->cap = cap;
	}
	buf_init(&b, 0);
	va_start(ap, fmt);
	if (buf_vprintf(&b, fmt, ap) == -1) {
		va_end(ap);
		buf_free(&b);
		ns->oom = 1;
		return;
	}
	va_end(ap);
	e = &ns->v[ns->n];
	e->kind = kind;
	e->line = line;
	e->msg = buf_take(&b, NULL);
	e->file = strdup(file != NULL ? file : "");
	if (e->msg == NULL || e->file == NULL) {
		free(e->msg);
		free(e->file);
		ns->oom = 1;
		return;
	}
	ns->n++;
}

void
notes_count(struct notes *ns, const char *what)
{
	struct note_count *nc;
	size_t	 i;

	for (i = 0; i < ns->nc; i++)
		if (strcmp(ns->c[i].what, what) == 0) {
			ns->c[i].n++;
			return;
		}
	if (ns->nc == ns->capc) {
		size_t cap = ns->capc ? ns->capc * 2 : 16;

		if ((nc = realloc(ns->c, cap * sizeof(*nc))) == NULL) {
			ns->oom = 1;
			return;
		}
		ns->c = nc;
		ns->capc = cap;
	}
	if ((ns->c[ns->nc].what = strdup(what)) == NULL) {
		ns->oom = 1;
		return;
	}
	ns->c[ns->nc++].n = 1;
}

size_t
notes_of(const struct notes *ns, enum note_kind kind)
{
	size_t	 i, n = 0;

	for (i = 0; i < ns->n; i++)
		if (ns->v[i].kind == kind)
			n++;
	return n;
}
