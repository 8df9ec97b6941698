#include <pthread.h>

#include "../support/dlib.h"
#include "ldns_lib.h"

/* The SONAME Debian 12 ships (libldns3): the ABI stet was built for. */
#define LDNS_LIB	"libldns.so.3"

struct ldns_lib	ldns_lib;

static const struct dlib_sym syms[] = {
	{ "ldns_resolver_new", (void **)&ldns_lib.resolver_new },
	{ "ldns_resolver_new_frm_file",
	    (void **)&ldns_lib.resolver_new_frm_file },
	{ "ldns_resolver_deep_free", (void **)&ldns_lib.resolver_deep_free },
	{ "ldns_resolver_push_nameserver",
	    (void **)&ldns_lib.resolver_push_nameserver },
	{ "ldns_resolver_set_port", (void **)&ldns_lib.resolver_set_port },
	{ "ldns_resolver_set_recursive",
	    (void **)&ldns_lib.resolver_set_recursive },
	{ "ldns_resolver_set_retry", (void **)&ldns_lib.resolver_set_retry },
	{ "ldns_resolver_set_timeout",
	    (void **)&ldns_lib.resolver_set_timeout },
	{ "ldns_resolver_set_fallback",
	    (void **)&ldns_lib.resolver_set_fallback },
	{ "ldns_resolver_set_edns_udp_size",
	    (void **)&ldns_lib.resolver_set_edns_udp_size },
	{ "ldns_resolver_send", (void **)&ldns_lib.resolver_send },
	{ "ldns_rdf_new_frm_str", (void **)&ldns_lib.rdf_new_frm_str },
	{ "ldns_dname_new_frm_str", (void **)&ldns_lib.dname_new_frm_str },
	{ "ldns_rdf_data", (void **)&ldns_lib.rdf_data },
	{ "ldns_rdf_size", (void **)&ldns_lib.rdf_size },
	{ "ldns_rdf_deep_free", (void **)&ldns_lib.rdf_deep_free },
	{ "ldns_pkt_get_rcode", (void **)&ldns_lib.pkt_get_rcode },
	{ "ldns_pkt_rr_list_by_type", (void **)&ldns_lib.pkt_rr_list_by_type },
	{ "ldns_pkt_free", (void **)&ldns_lib.pkt_free },
	{ "ldns_rr_list_rr_count", (void **)&ldns_lib.rr_list_rr_count },
	{ "ldns_rr_list_rr", (void **)&ldns_lib.rr_list_rr },
	{ "ldns_rr_list_deep_free", (void **)&ldns_lib.rr_list_deep_free },
	{ "ldns_rr_rd_count", (void **)&ldns_lib.rr_rd_count },
	{ "ldns_rr_rdf", (void **)&ldns_lib.rr_rdf },
};

static pthread_once_t	once = PTHREAD_ONCE_INIT;
static int		loaded;
static char		why[256];	/* when not loaded */

static void
load(void)
{
	if (dlib_open(LDNS_LIB, syms, sizeof(syms) / sizeof(*syms), why,
	    sizeof(why)) == 0)
		loaded = 1;
}

int
ldns_lib_load(const char *who, struct err *err)
{
	(void)pthread_once(&once, load);
	if (!loaded)
		return err_set(err, NULL, 0, "%s: %s", who, why);
	return 0;
}
