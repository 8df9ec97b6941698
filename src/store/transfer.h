#ifndef STET_TRANSFER_H
#define STET_TRANSFER_H

#include <stddef.h>
#include <stdint.h>

#include "../support/err.h"
#include "store.h"

/*
 * Moving a list in and out of the store: one reader at a time with all
 * that is kept about them, and, for moving a whole site, the per-site
 * secret and the suppression hashes.
 *
 * The rule every import keeps: a reader who left (unsubscribed) or
 * whose address bounces stays so.  Only the reader undoes that, by
 * subscribing again and confirming (store_subscribe, store_confirm).
 */

#define STORE_SECRET_LEN	32
#define STORE_SUPP_LEN		32

/* A reader to import: what an export says about them. */
struct store_row {
	int64_t		 id;		/* keep this id; 0: a new one */
	const char	*email;		/* normalised (store_check_address) */
	enum store_state state;
	int64_t		 created_at;
	int64_t		 confirmed_at;	/* 0: never */
	int64_t		 unsubscribed_at; /* 0: never */
	const char	*source;	/* form, owner-import, owner-add */
	int64_t		 failures;
	int64_t		 bouncing_at;	/* 0: not bouncing */
};

enum store_put {
	STORE_PUT_ADDED,	/* a new row, as the import gave it */
	STORE_PUT_KEPT,		/* already here: left as it was */
	STORE_PUT_SUPPRESSED,	/* removed once: never again */
	STORE_PUT_STAYS_LEFT,	/* here, unsubscribed or bouncing: stays
				   so, whatever the import says */
	STORE_PUT_NOW_LEFT	/* subscribed here; the import says the
				   reader left (or bounces) since: so now */
};

/*
 * Import one reader.  A new address gets a row as r says (a pending one
 * with no confirm token, which store_purge forgets once it would have
 * expired).  An address already here keeps its row, but for news of
 * leaving: r unsubscribed after the row was last confirmed makes it
 * unsubscribed, and r bouncing makes it bouncing.  r's id is kept
 * unless another reader has it.  *res says what happened.
 */
int	store_import_row(struct store *, const struct store_row *r,
	    enum store_put *res, struct err *);

/*
 * The per-site secret, for export --full.  Whoever holds it can make
 * every reader's unsubscribe link and check addresses against the
 * suppression hashes: it is written only to a file of mode 0600.
 */
void	store_secret(const struct store *, unsigned char out[STORE_SECRET_LEN]);

/*
 * Take key as the per-site secret, so that every unsubscribe link made
 * under it works here.  Only a store with no reader and no suppression
 * hash may change its secret (*taken = 1); one whose secret already is
 * key is left as it is (*taken = 1 too); any other gets *taken = 0 and
 * is not changed.
 */
int	store_restore_secret(struct store *,
	    const unsigned char key[STORE_SECRET_LEN], int *taken,
	    struct err *);

/* Call fn for each suppression hash, in byte order. */
int	store_each_suppressed(struct store *,
	    int (*fn)(const unsigned char *, void *, struct err *), void *arg,
	    struct err *);

/* Put one hash (made under this store's secret) on the suppression list. */
int	store_add_suppressed(struct store *,
	    const unsigned char h[STORE_SUPP_LEN], struct err *);

#endif
