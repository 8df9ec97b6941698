#ifndef STET_MAIL_DKIM_H
#define STET_MAIL_DKIM_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * DKIM signatures (RFC 6376) through libopendkim: the one module that
 * knows it exists (with opendkim_lib.c, which loads it on first use).  relaxed/relaxed canonicalisation, rsa-sha256 (or
 * ed25519-sha256 for an Ed25519 key), over From, To, Subject, Date,
 * Message-ID, Reply-To, MIME-Version, Content-Type, List-Id,
 * List-Unsubscribe and List-Unsubscribe-Post: RFC 8058 asks that both
 * List-Unsubscribe headers be covered, so that no one on the way can
 * change where the one-click POST goes.  Those two are signed once more
 * than they appear, so that one added on the way breaks the signature.
 */
struct dkim_signer;

/*
 * Read the PEM private key in keyfile for domain and selector.  A key
 * that anyone but its owner may read or write (mode & 077) is refused,
 * as is one protected by a passphrase.
 * 0, or -1 with err naming the file.
 */
int	dkim_signer_open(struct dkim_signer **, const char *domain,
	    const char *selector, const char *keyfile, struct err *);
void	dkim_signer_close(struct dkim_signer *);

/*
 * Append to out a DKIM-Signature header (folded, ending in CRLF) for the
 * whole message msg (CRLF line ends, as mail_compose makes it); the
 * caller sends it followed by msg unchanged.  0, or -1 with err.
 * One signer is used by one thread at a time.
 */
int	dkim_signer_sign(struct dkim_signer *, const char *msg, size_t len,
	    struct buf *out, struct err *);

#endif
