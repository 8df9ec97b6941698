#ifndef STET_MAIL_LDNS_LIB_H
#define STET_MAIL_LDNS_LIB_H

#include <ldns/ldns.h>

#include "../support/err.h"

/*
 * ldns, loaded when stet doctor first looks a name up, not linked: only
 * that command uses it, and linking it cost every other command, a
 * rebuild included, some 0.2 ms of CPU at start.
 *
 * ldns_lib_load loads it, once for the process: 0, or -1 with err saying
 * "WHO: cannot load libldns.so.3: ..." (each later call gives the same
 * answer).  The functions below are NULL until it has returned 0.  The
 * rest of the code calls ldns by its own names: the macros at the end
 * of this file make each one a call through the table.
 */

struct ldns_lib {
	__typeof__(ldns_resolver_new)		*resolver_new;
	__typeof__(ldns_resolver_new_frm_file)	*resolver_new_frm_file;
	__typeof__(ldns_resolver_deep_free)	*resolver_deep_free;
	__typeof__(ldns_resolver_push_nameserver) *resolver_push_nameserver;
	__typeof__(ldns_resolver_set_port)	*resolver_set_port;
	__typeof__(ldns_resolver_set_recursive)	*resolver_set_recursive;
	__typeof__(ldns_resolver_set_retry)	*resolver_set_retry;
	__typeof__(ldns_resolver_set_timeout)	*resolver_set_timeout;
	__typeof__(ldns_resolver_set_fallback)	*resolver_set_fallback;
	__typeof__(ldns_resolver_set_edns_udp_size)
	    *resolver_set_edns_udp_size;
	__typeof__(ldns_resolver_send)		*resolver_send;
	__typeof__(ldns_rdf_new_frm_str)	*rdf_new_frm_str;
	__typeof__(ldns_dname_new_frm_str)	*dname_new_frm_str;
	__typeof__(ldns_rdf_data)		*rdf_data;
	__typeof__(ldns_rdf_size)		*rdf_size;
	__typeof__(ldns_rdf_deep_free)		*rdf_deep_free;
	__typeof__(ldns_pkt_get_rcode)		*pkt_get_rcode;
	__typeof__(ldns_pkt_rr_list_by_type)	*pkt_rr_list_by_type;
	__typeof__(ldns_pkt_free)		*pkt_free;
	__typeof__(ldns_rr_list_rr_count)	*rr_list_rr_count;
	__typeof__(ldns_rr_list_rr)		*rr_list_rr;
	__typeof__(ldns_rr_list_deep_free)	*rr_list_deep_free;
	__typeof__(ldns_rr_rd_count)		*rr_rd_count;
	__typeof__(ldns_rr_rdf)			*rr_rdf;
};

extern struct ldns_lib	ldns_lib;

int	ldns_lib_load(const char *who, struct err *);

#define ldns_resolver_new		(*ldns_lib.resolver_new)
#define ldns_resolver_new_frm_file	(*ldns_lib.resolver_new_frm_file)
#define ldns_resolver_deep_free		(*ldns_lib.resolver_deep_free)
#define ldns_resolver_push_nameserver	(*ldns_lib.resolver_push_nameserver)
#define ldns_resolver_set_port		(*ldns_lib.resolver_set_port)
#define ldns_resolver_set_recursive	(*ldns_lib.resolver_set_recursive)
#define ldns_resolver_set_retry		(*ldns_lib.resolver_set_retry)
#define ldns_resolver_set_timeout	(*ldns_lib.resolver_set_timeout)
#define ldns_resolver_set_fallback	(*ldns_lib.resolver_set_fallback)
#define ldns_resolver_set_edns_udp_size	(*ldns_lib.resolver_set_edns_udp_size)
#define ldns_resolver_send		(*ldns_lib.resolver_send)
#define ldns_rdf_new_frm_str		(*ldns_lib.rdf_new_frm_str)
#define ldns_dname_new_frm_str		(*ldns_lib.dname_new_frm_str)
#define ldns_rdf_data			(*ldns_lib.rdf_data)
#define ldns_rdf_size			(*ldns_lib.rdf_size)
#define ldns_rdf_deep_free		(*ldns_lib.rdf_deep_free)
#define ldns_pkt_get_rcode		(*ldns_lib.pkt_get_rcode)
#define ldns_pkt_rr_list_by_type	(*ldns_lib.pkt_rr_list_by_type)
#define ldns_pkt_free			(*ldns_lib.pkt_free)
#define ldns_rr_list_rr_count		(*ldns_lib.rr_list_rr_count)
#define ldns_rr_list_rr			(*ldns_lib.rr_list_rr)
#define ldns_rr_list_deep_free		(*ldns_lib.rr_list_deep_free)
#define ldns_rr_rd_count		(*ldns_lib.rr_rd_count)
#define ldns_rr_rdf			(*ldns_lib.rr_rdf)

#endif
