#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "ldns_lib.h"

struct dns {
	ldns_resolver	*res;
};

/* Split "IP", "IP:PORT" or "[IP6]:PORT" into the address and port. */
static int
dns_server(const char *s, char *ip, size_t n, uint16_t *port)
{
	const char	*colon, *end;
	char		*e;
	unsigned long	 p;
	size_t		 len;

	*port = 53;
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		len = (size_t)(end - s - 1);
		s++;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return -1;
	} else {
		colon = strrchr(s, ':');
		len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (len == 0 || len >= n)
		return -1;
	memcpy(ip, s, len);
	ip[len] = '\0';
	if (colon != NULL) {
		p = strtoul(colon + 1, &e, 10);
		if (*e != '\0' || e == colon + 1 || p == 0 || p > 65535)
			return -1;
		*port = (uint16_t)p;
	}
	return 0;
}

int
dns_open(struct dns **out, const char *server, struct err *err)
{
	struct dns	*d;
	ldns_rdf	*ns = NULL;
	char		 ip[64];
	uint16_t	 port;

	*out = NULL;
	if (ldns_lib_load("DNS", err) == -1)
		return -1;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	if (server == NULL) {
		if (ldns_resolver_new_frm_file(&d->res, NULL) !=
		    LDNS_STATUS_OK) {
			free(d);
			return err_set(err, "/etc/resolv.conf", 0, "no DNS "
			    "resolver to ask (or name one with --dns)");
		}
	} else {
		if (dns_server(server, ip, sizeof(ip), &port) == -1 ||
		    ((ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, ip)) ==
		    NULL && (ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA,
		    ip)) == NULL)) {
			free(d);
			return err_set(err, NULL, 0, "--dns %s: want an IP "
			    "address, with :PORT if not 53", server);
		}
		if ((d->res = ldns_resolver_new()) == NULL ||
		    ldns_resolver_push_nameserver(d->res, ns) !=
		    LDNS_STATUS_OK) {
			ldns_rdf_deep_free(ns);
			dns_close(d);
			return err_set(err, NULL, 0, "out of memory");
		}
		ldns_rdf_deep_free(ns);
		ldns_resolver_set_port(d->res, port);
	}
	ldns_resolver_set_recursive(d->res, true);
	/* A DKIM key is longer than 512 bytes: EDNS, and TCP if cut. */
	ldns_resolver_set_edns_udp_size(d->res, 4096);
	ldns_resolver_set_fallback(d->res, true);
	ldns_resolver_set_timeout(d->res, (struct timeval){ 3, 0 });
	ldns_resolver_set_retry(d->res, 2);
	*out = d;
	return 0;
}

void
dns_close(struct dns *d)
{
	if (d == NULL)
		return;
	if (d->res != NULL)
		ldns_resolver_deep_free(d->res);
	free(d);
}

int
dns_txt(struct dns *d, const char *name, struct buf *out, size_t *n,
    enum dns_answer *answer, struct err *err)
{
	ldns_rdf	*dname;
	ldns_pkt	*pkt = NULL;
	ldns_rr_list	*txt = NULL;
	ldns_rr		*rr;
	ldns_rdf	*rd;
	const uint8_t	*p;
	size_t		 i, k;
	int		 rc = -1;

	*n = 0;
	if ((dname = ldns_dname_new_frm_str(name)) == NULL)
		return err_set(err, NULL, 0, "%s: not a domain name", name);
	if (ldns_resolver_send(&pkt, d->res, dname, LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_IN, LDNS_RD) != LDNS_STATUS_OK || pkt == NULL) {
		err_set(err, NULL, 0, "%s: no answer from the DNS server",
		    name);
		goto out;
	}
	switch (ldns_pkt_get_rcode(pkt)) {
	case LDNS_RCODE_NOERROR:
		break;
	case LDNS_RCODE_NXDOMAIN:
		*answer = DNS_NXDOMAIN;
		rc = 0;
		goto out;
	default:
		err_set(err, NULL, 0, "%s: the DNS server failed (rcode %d)",
		    name, (int)ldns_pkt_get_rcode(pkt));
		goto out;
	}
	*answer = DNS_NODATA;
	txt = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_TXT,
	    LDNS_SECTION_ANSWER);
	for (i = 0; txt != NULL && i < ldns_rr_list_rr_count(txt); i++) {
		rr = ldns_rr_list_rr(txt, i);
		for (k = 0; k < ldns_rr_rd_count(rr); k++) {
			rd = ldns_rr_rdf(rr, k);
			p = ldns_rdf_data(rd);
			/* A character-string: its length, then its bytes. */
			if (ldns_rdf_size(rd) < 1 ||
			    (size_t)p[0] + 1 > ldns_rdf_size(rd))
				continue;
			if (buf_put(out, p + 1, p[0]) == -1) {
				err_set(err, NULL, 0, "out of memory");
				goto out;
			}
		}
		if (buf_putc(out, '\0') == -1) {
			err_set(err, NULL, 0, "out of memory");
			goto out;
		}
		(*n)++;
		*answer = DNS_FOUND;
	}
	rc = 0;
out:
	ldns_rr_list_deep_free(txt);
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(dname);
	return rc;
}
