#ifndef STET_MAIL_DNS_H
#define STET_MAIL_DNS_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * TXT lookups for stet doctor, through Debian's ldns: the one module
 * that knows it exists (with ldns_lib.c, which loads it on first use).  The resolver is the system's
 * (/etc/resolv.conf), or the one server named, so that tests can ask a
 * DNS server on loopback.
 */
struct dns;

/*
 * server is NULL (the system's resolvers), "IP" or "IP:PORT" (IPv4) or
 * "[IP6]:PORT".  0, or -1 with err.  Free with dns_close.
 */
int	dns_open(struct dns **, const char *server, struct err *);
void	dns_close(struct dns *);

enum dns_answer {
	DNS_FOUND,	/* one or more TXT records */
	DNS_NODATA,	/* the name exists, with no TXT record */
	DNS_NXDOMAIN	/* no such name */
};

/*
 * The TXT records of name: each record's strings joined (as SPF, DKIM
 * and DMARC read them) and appended to out, NUL after each; *n gets how
 * many.  0 with *answer, or -1 with err when no server answered or one
 * failed (SERVFAIL, REFUSED).
 */
int	dns_txt(struct dns *, const char *name, struct buf *out, size_t *n,
	    enum dns_answer *answer, struct err *);

#endif
