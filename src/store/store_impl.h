#ifndef STET_STORE_IMPL_H
#define STET_STORE_IMPL_H

/*
 * What the files of the store (store.c: the database and the owner's
 * list; subscribe.c: the readers' flow; mailq.c: the queue of
 * confirmation messages) share, and nothing else includes.
 */

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "../support/err.h"

#define STORE_KEYLEN	32
#define STORE_HASHLEN	32

/* Statements a sender runs for every message: prepared once. */
enum store_hot {
	HOT_WANTED, HOT_SENT, HOT_RETRY, HOT_FAILED, HOT_AGAIN, HOT_BOUNCE,
	HOT_NSTMTS
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*hot[HOT_NSTMTS];	/* NULL until first used */
	char		*path;	/* SITE/stet.db, to name it in errors */
	unsigned char	 key[STORE_KEYLEN];	/* the per-site secret */
	int		 in_tx;	/* store_begin is open: no inner commits */
};

/* Run sql (no results); -1 with err naming the database. */
int	store_exec(struct store *, const char *sql, struct err *);

/* Prepare sql into *st; on failure -1 with err, and *st is NULL. */
int	store_prep(struct store *, sqlite3_stmt **st, const char *sql,
	    struct err *);

/*
 * The hot statement which, prepared from sql at its first use and reset
 * for each later one.  The caller steps it and calls sqlite3_reset (or
 * store_hot_run); it is never finalized but by store_close.
 */
int	store_hot(struct store *, enum store_hot which, const char *sql,
	    sqlite3_stmt **st, struct err *);

/* Step a hot statement that returns no row and reset it. */
int	store_hot_run(struct store *, sqlite3_stmt *st, struct err *);

/* Step st, which returns no row, and finalize it: 0, or -1 with err. */
int	store_run(struct store *, sqlite3_stmt *st, struct err *);

/*
 * The statements that take only integers: sql with ?1 .. ?n bound to
 * v[0] .. v[n - 1].  store_ints runs one that returns no row (*changes,
 * when not NULL, gets the rows it changed); store_int one that returns
 * one integer, into *out (0 for NULL).  0, or -1 with err.
 */
int	store_ints(struct store *, const char *sql, int n, const int64_t *v,
	    size_t *changes, struct err *);
int	store_int(struct store *, const char *sql, int n, const int64_t *v,
	    int64_t *out, struct err *);

/* The database's last error, as an err naming it: always -1. */
int	store_dberr(struct store *, struct err *);

/* The keyed hash of an address, for the suppression list. */
int	store_hash(struct store *, const char *email, unsigned char *out,
	    struct err *);
/* Is email (its hash) on the suppression list? */
int	store_is_suppressed(struct store *, const char *email, int *yes,
	    struct err *);

/*
 * End what a call began: a transaction of its own (own) is committed
 * when rc is 0 and rolled back when not; one the caller holds is left
 * to the caller.  Returns rc, or -1 when the commit failed.
 */
int	store_finish(struct store *, int own, int rc, struct err *);

#endif
