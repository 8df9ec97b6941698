#ifndef STET_IMPORT_NOTES_H
#define STET_IMPORT_NOTES_H

#include <stddef.h>

#include "../support/buf.h"

/*
 * What an import did and what it left for a person: counts of each kind
 * of conversion, and every place that needs a look, with file:line.
 * Not thread-safe: one import fills one.
 */
enum note_kind {
	NOTE_KEPT,	/* template code kept as inline code */
	NOTE_REMOTE,	/* an image on another host */
	NOTE_LOOK	/* anything else a person should see to */
};

struct note {
	enum note_kind	 kind;
	char		*file;
	size_t		 line;
	char		*msg;
};

struct note_count {
	char		*what;
	size_t		 n;
};

struct notes {
	struct note	*v;
	size_t		 n, cap;
	struct note_count *c;
	size_t		 nc, capc;
	int		 oom;		/* something was lost to memory */
};

void	notes_init(struct notes *);
void	notes_free(struct notes *);
/* Record a place; on out of memory sets oom and drops it. */
void	notes_add(struct notes *, enum note_kind, const char *file,
	    size_t line, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Count one conversion of the kind what ("{% highlight %}"). */
void	notes_count(struct notes *, const char *what);
size_t	notes_of(const struct notes *, enum note_kind);

#endif
