#ifndef STET_LISTFILE_H
#define STET_LISTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../support/err.h"
#include "csv.h"

/*
 * A subscriber list as a CSV file: stet's own export (with or without
 * --full), the exports of listmonk, Buttondown, Substack, Mailchimp
 * (its subscribed, unsubscribed and cleaned files) and Ghost, or any
 * file with a column of addresses.  The source is told by the header
 * row, or named.  Each row comes back with what the source says of the
 * reader, mapped onto stet's states: only what the source marks as
 * subscribed is LIST_CONFIRMED; what it marks as unsubscribed (or
 * blocklisted, or complained) is LIST_UNSUBSCRIBED, and what it marks
 * as bounced (Mailchimp's cleaned) is LIST_BOUNCED.
 */

enum list_source {
	LIST_STET, LIST_LISTMONK, LIST_BUTTONDOWN, LIST_SUBSTACK,
	LIST_MAILCHIMP, LIST_GHOST, LIST_PLAIN,
	LIST_NSOURCES
};

enum list_kind {
	LIST_CONFIRMED,
	LIST_PENDING,		/* stet's own: asked, not confirmed yet */
	LIST_UNSUBSCRIBED,
	LIST_BOUNCED,
	LIST_NOT_SUBSCRIBED,	/* never confirmed, or paused at the source:
				   left out */
	LIST_SECRET,		/* export --full: the site secret in key */
	LIST_SUPPRESSED,	/* export --full: a suppression hash in key */
	LIST_NKINDS
};

#define LIST_KEYLEN	32

/* One row, valid until the next list_next. */
struct list_row {
	enum list_kind	 kind;
	size_t		 line;
	const char	*email;		/* as written, not checked */
	size_t		 email_len;
	int64_t		 id;		/* stet --full: the reader's id */
	int64_t		 created_at;	/* 0: unknown */
	int64_t		 confirmed_at;
	int64_t		 unsubscribed_at;
	int64_t		 bouncing_at;
	int64_t		 failures;
	const char	*source;	/* stet's: form, owner-add, ...; NULL:
					   owner-import */
	unsigned char	 key[LIST_KEYLEN];
};

struct list_file {
	struct csv_reader csv;
	const char	*file;
	enum list_source source;
	int		 mc_kind;	/* Mailchimp: which of its files */
	size_t		 col[16];	/* per source; SIZE_MAX: absent */
};

/*
 * Read the header row of text (n bytes, file names it in errors) and
 * tell its source, or take the one named by from ("stet", "listmonk",
 * "buttondown", "substack", "mailchimp", "ghost", "plain"; NULL: tell).
 * 0, or -1 with err (no address column, an unknown name, not CSV).
 * Free with list_close even after -1.
 */
int	list_open(struct list_file *, const char *text, size_t n,
	    const char *file, const char *from, struct err *);
void	list_close(struct list_file *);

/* The next row: 1, 0 at the end, -1 with err as "file:line: why". */
int	list_next(struct list_file *, struct list_row *, struct err *);

const char *list_source_name(enum list_source);
const char *list_kind_name(enum list_kind);

/*
 * A time as the sources write it: YYYY-MM-DD, then optionally a 'T' or
 * a space, HH:MM[:SS[.frac]], and Z, UTC, +hh[:mm] or -hh[:mm] (none:
 * UTC).  0 and *t, or -1.
 */
int	list_time(const char *s, size_t n, int64_t *t);

#endif
