#ifndef STET_SUPPORT_CURL_LIB_H
#define STET_SUPPORT_CURL_LIB_H

#include <curl/curl.h>

#include "err.h"

/*
 * libcurl, loaded when a command first needs it (sending mail over SMTP,
 * reading bounces over IMAP, import --fetch-media), not linked: with the
 * Kerberos, LDAP, SSH and GnuTLS libraries it pulls in, linking it cost
 * every stet command, a rebuild included, some 3.5 ms of CPU at start
 * (Debian 12, the 2-core machine).
 *
 * curl_lib_load loads it and starts it (curl_global_init) once for the
 * process, whatever thread gets there first: 0, or -1 with err saying
 * "WHO: cannot load libcurl.so.4: ..." (each later call gives the same
 * answer; WHO names the feature: "mail", "--fetch-media").  Every entry
 * point of a module using libcurl calls it before any curl_ function
 * below: until it has returned 0 they are NULL.
 *
 * The rest of the code calls libcurl by its own names: the macros at
 * the end of this file make each one a call through the table.  They
 * replace the macros curl.h puts over curl_easy_setopt, curl_easy_getinfo
 * and curl_multi_setopt (with GCC, typecheck-gcc.h's compile-time checks
 * of the option's argument): those call the linked function by name.
 */

struct curl_lib {
	__typeof__(curl_global_init)	*global_init;
	__typeof__(curl_easy_init)	*easy_init;
	__typeof__(curl_easy_cleanup)	*easy_cleanup;
	__typeof__(curl_easy_reset)	*easy_reset;
	__typeof__(curl_easy_setopt)	*easy_setopt;	/* variadic */
	__typeof__(curl_easy_getinfo)	*easy_getinfo;	/* variadic */
	__typeof__(curl_easy_perform)	*easy_perform;
	__typeof__(curl_easy_strerror)	*easy_strerror;
	__typeof__(curl_multi_init)	*multi_init;
	__typeof__(curl_multi_cleanup)	*multi_cleanup;
	__typeof__(curl_multi_setopt)	*multi_setopt;
	__typeof__(curl_multi_add_handle)	*multi_add_handle;
	__typeof__(curl_multi_remove_handle)	*multi_remove_handle;
	__typeof__(curl_multi_perform)	*multi_perform;
	__typeof__(curl_multi_poll)	*multi_poll;
	__typeof__(curl_multi_info_read)	*multi_info_read;
	__typeof__(curl_slist_append)	*slist_append;
	__typeof__(curl_slist_free_all)	*slist_free_all;
	__typeof__(curl_url)		*url;
	__typeof__(curl_url_cleanup)	*url_cleanup;
	__typeof__(curl_url_get)	*url_get;
	__typeof__(curl_url_set)	*url_set;
	__typeof__(curl_free)		*free;
};

extern struct curl_lib	curl_lib;

int	curl_lib_load(const char *who, struct err *);

#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_global_init	(*curl_lib.global_init)
#define curl_easy_init		(*curl_lib.easy_init)
#define curl_easy_cleanup	(*curl_lib.easy_cleanup)
#define curl_easy_reset		(*curl_lib.easy_reset)
#define curl_easy_setopt	(*curl_lib.easy_setopt)
#define curl_easy_getinfo	(*curl_lib.easy_getinfo)
#define curl_easy_perform	(*curl_lib.easy_perform)
#define curl_easy_strerror	(*curl_lib.easy_strerror)
#define curl_multi_init		(*curl_lib.multi_init)
#define curl_multi_cleanup	(*curl_lib.multi_cleanup)
#define curl_multi_setopt	(*curl_lib.multi_setopt)
#define curl_multi_add_handle	(*curl_lib.multi_add_handle)
#define curl_multi_remove_handle (*curl_lib.multi_remove_handle)
#define curl_multi_perform	(*curl_lib.multi_perform)
#define curl_multi_poll		(*curl_lib.multi_poll)
#define curl_multi_info_read	(*curl_lib.multi_info_read)
#define curl_slist_append	(*curl_lib.slist_append)
#define curl_slist_free_all	(*curl_lib.slist_free_all)
#define curl_url		(*curl_lib.url)
#define curl_url_cleanup	(*curl_lib.url_cleanup)
#define curl_url_get		(*curl_lib.url_get)
#define curl_url_set		(*curl_lib.url_set)
#define curl_free		(*curl_lib.free)

#endif
