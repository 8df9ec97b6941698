#ifndef STET_SIG_H
#define STET_SIG_H

#include "../support/err.h"
#include "cache.h"
#include "model.h"
#include "render.h"

/*
 * Signatures (BLAKE2b, through libsodium) of what pages depend on, to
 * tell a rebuild what it may skip.
 *
 * sig_global covers what every page depends on: this stet (its version
 * and built-in templates and stylesheet), the flags, stet.yaml, the
 * site's templates/ and pages/.  What each page shows of the posts is
 * not listed here: each output's digest (digests.h) is made from what
 * its render reads.
 */
int	sig_global(const struct site *, const struct load_opts *,
	    const struct render_opts *, unsigned char out[CACHE_SIG],
	    struct err *);

#endif
