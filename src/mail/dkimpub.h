#ifndef STET_MAIL_DKIMPUB_H
#define STET_MAIL_DKIMPUB_H

#include "../support/buf.h"
#include "../support/err.h"

/*
 * The public half of a DKIM private key, as its DNS record gives it
 * (RFC 6376 3.6.1): for RSA, the base64 of the SubjectPublicKeyInfo;
 * for Ed25519 (RFC 8463), the base64 of the raw 32-byte key.  *k gets
 * "rsa" or "ed25519".  Appends to p_b64; 0, or -1 with err naming the
 * file.
 */
int	dkim_public_key(const char *keyfile, struct buf *p_b64,
	    const char **k, struct err *);

#endif
