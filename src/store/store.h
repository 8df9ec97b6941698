#ifndef STET_STORE_H
#define STET_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * The subscriber list: SQLite in SITE/stet.db, never inside public/.
 *
 * A subscriber is an address, a state and the time of each change of
 * state, which together are the proof of consent, and where the consent
 * came from.  Nothing else about a reader is kept: no IP address, no user
 * agent.  An address the owner removes is erased; only a keyed hash of it
 * (BLAKE2b under the per-site secret in the meta table) stays, on the
 * suppression list, so that no later import can bring it back.
 *
 * Every change is committed with synchronous=FULL before a function
 * returns, so what it reports survives a power cut.  Every function
 * returns 0 or -1 and on -1 fills err; on -1 nothing was changed.
 */

enum store_state {
	STORE_PENDING,
	STORE_CONFIRMED,
	STORE_UNSUBSCRIBED
};
#define STORE_NSTATES	3

/* What store_add_confirmed did with an address. */
enum store_add {
	STORE_ADDED,		/* a new row, confirmed */
	STORE_EXISTS,		/* already pending or confirmed: untouched */
	STORE_SUPPRESSED,	/* removed once: never again */
	STORE_WAS_UNSUBSCRIBED	/* the reader left: not re-added silently */
};

/* One row, valid only during the store_each callback. */
struct store_subscriber {
	int64_t		 id;
	const char	*email;
	enum store_state state;
	int64_t		 created_at;	/* Unix seconds */
	int64_t		 confirmed_at;	/* 0 when never */
	int64_t		 unsubscribed_at; /* 0 when never */
	const char	*source;	/* form, owner-import, owner-add */
};

struct store;

/*
 * Open SITE/stet.db, creating it (with a new per-site secret) when it
 * does not exist, and bring its schema up to this version of stet.
 * A database made by a newer stet is refused.  The caller frees the
 * store with store_close.
 */
int	store_open(struct store **, const char *sitedir, struct err *);
void	store_close(struct store *);

/*
 * Check an address as a reader or an import gives it: exactly one '@',
 * local part 1-64 bytes, domain 1-253 bytes with a dot and no empty
 * label, at most 254 bytes in all, valid UTF-8 without control
 * characters, spaces, quotes, angle brackets or the other characters
 * that only a quoted local part may hold.  On 0, norm holds the address
 * with its domain lowercased; on -1, *why says what is wrong and norm is
 * as it was.
 */
int	store_check_address(const char *s, size_t n, struct buf *norm,
	    const char **why);

/* "pending" and so on, and back: -1 for an unknown name. */
const char *store_state_name(enum store_state);
int	store_state_parse(const char *, enum store_state *);

/*
 * Add email (already normalised by store_check_address) as confirmed by
 * the owner, with source "owner-add" or "owner-import" as the consent
 * record.  *res says what happened; only STORE_ADDED changes anything.
 */
int	store_add_confirmed(struct store *, const char *email,
	    const char *source, int64_t now, enum store_add *res,
	    struct err *);

/*
 * Erase email's row and put its keyed hash on the suppression list.  The
 * hash goes on the list even when there was no row: the owner asked that
 * this address never be on the list.  *found says whether there was one.
 */
int	store_remove(struct store *, const char *email, int *found,
	    struct err *);

/*
 * Call fn for each subscriber in order of arrival, only those in *state
 * when state is not NULL.  A non-zero return from fn stops the walk and
 * store_each returns -1 with err as fn left it.
 */
int	store_each(struct store *, const enum store_state *state,
	    int (*fn)(const struct store_subscriber *, void *, struct err *),
	    void *arg, struct err *);

/* How many subscribers are in each state, indexed by enum store_state. */
int	store_count(struct store *, size_t counts[STORE_NSTATES],
	    struct err *);

/*
 * Group many changes into one transaction, so an import is all or
 * nothing and pays for one sync instead of one per address.
 */
int	store_begin(struct store *, struct err *);
int	store_commit(struct store *, struct err *);
void	store_rollback(struct store *);

#endif
