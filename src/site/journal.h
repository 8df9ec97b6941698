#ifndef STET_JOURNAL_H
#define STET_JOURNAL_H

#include <stddef.h>

#include "../support/err.h"
#include "outlist.h"

/*
 * SITE/.stet/journal: the files a build is about to put into public/ or
 * remove from it, written and flushed to disk before it changes public/,
 * and removed once .stet/cache records the build.
 *
 * A journal found when a build starts means the last one stopped after
 * it began to change public/ and before the cache knew: public/ may hold
 * files of it (a new post's page, say) that no record names.  The build
 * then renders everything, compares it with public/, and removes every
 * journalled file it does not make itself, so it finishes what the
 * stopped one began.  Its own journal, if it writes one, names the old
 * journal's files too, until they are dealt with.
 */

struct journal {
	struct outlist	 paths;	/* every file named, sorted */
	struct outlist	 moved;	/* those renamed into public/ one by one,
				   sorted: such a file and its twin may be
				   from two builds, so both are written
				   again whatever public/ holds */
};

/*
 * Read the journal into j.  0: there is none; 1: read; 2: there is one, but damaged (j is
 * empty: the caller must assume any file may have been touched); -1
 * with err when it cannot be read.  j is the caller's to journal_free.
 */
int	journal_read(int sitefd, struct journal *j, struct err *);
void	journal_free(struct journal *);

/*
 * Replace the journal with the paths of the lists, those of moved marked
 * as renamed in one by one, durably: the file and its folder are flushed
 * to disk before this returns.  0 or -1.
 */
int	journal_write(int sitefd, const struct outlist *const *moved,
	    size_t nmoved, const struct outlist *const *other, size_t nother,
	    struct err *);

/* The build is recorded: drop the journal.  0, or -1 with err. */
int	journal_remove(int sitefd, struct err *);

#endif
