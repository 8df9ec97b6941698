#ifndef STET_MAIL_VERP_H
#define STET_MAIL_VERP_H

#include <stddef.h>

/*
 * A per-message envelope sender (VERP).  When mail.envelope_from ends
 * its local part with '+' ("bounces+@example.com"), each post goes out
 * from "bounces+TOKEN@example.com", TOKEN naming the reader and the post
 * (store/bounces.h makes and checks it), so a bounce names its reader
 * whatever the remote system writes in it.  Any other envelope_from is
 * used as it is.
 */

/* Does envelope (NULL: none) ask for a token per message? */
int	mail_verp_on(const char *envelope);

/*
 * envelope with token put after its '+', into out (size n): 0, or -1
 * when it does not fit or the local part would pass 64 bytes.
 */
int	mail_verp_address(const char *envelope, const char *token, char *out,
	    size_t n);

/*
 * When addr (n bytes; "<...>" allowed) is envelope's form with a token
 * (the same local part before '+', the same domain, in any case): 1,
 * with *tok and *tokn the token inside addr.  0 otherwise.
 */
int	mail_verp_token(const char *envelope, const char *addr, size_t n,
	    const char **tok, size_t *tokn);

#endif
