#ifndef STET_MAIL_OPENDKIM_LIB_H
#define STET_MAIL_OPENDKIM_LIB_H

/*
 * libopendkim's header uses u_char, which glibc's <sys/types.h> defines
 * only with _GNU_SOURCE (or _DEFAULT_SOURCE): the Makefile passes it.
 */
#include <sys/types.h>

#include <opendkim/dkim.h>

#include "../support/err.h"

/*
 * libopendkim, loaded when a DKIM key is first opened, not linked: only
 * mail uses it, and with Berkeley DB and libbsd under it, linking it cost
 * every other command, a rebuild included, some 0.5 ms of CPU at start.
 *
 * opendkim_lib_load loads it, once for the process: 0, or -1 with err
 * saying "WHO: cannot load libopendkim.so.11: ..." (each later call gives
 * the same answer).  The functions below are NULL until it has returned
 * 0.  The rest of the code calls libopendkim by its own names: the
 * macros at the end of this file make each one a call through the table.
 */

struct opendkim_lib {
	__typeof__(dkim_init)			*init;
	__typeof__(dkim_options)		*options;
	__typeof__(dkim_close)			*close;
	__typeof__(dkim_sign)			*sign;
	__typeof__(dkim_header)			*header;
	__typeof__(dkim_eoh)			*eoh;
	__typeof__(dkim_body)			*body;
	__typeof__(dkim_eom)			*eom;
	__typeof__(dkim_getsighdr_d)		*getsighdr_d;
	__typeof__(dkim_free)			*free;
	__typeof__(dkim_geterror)		*geterror;
	__typeof__(dkim_getresultstr)		*getresultstr;
};

extern struct opendkim_lib	opendkim_lib;

int	opendkim_lib_load(const char *who, struct err *);

#define dkim_init			(*opendkim_lib.init)
#define dkim_options			(*opendkim_lib.options)
#define dkim_close			(*opendkim_lib.close)
#define dkim_sign			(*opendkim_lib.sign)
#define dkim_header			(*opendkim_lib.header)
#define dkim_eoh			(*opendkim_lib.eoh)
#define dkim_body			(*opendkim_lib.body)
#define dkim_eom			(*opendkim_lib.eom)
#define dkim_getsighdr_d		(*opendkim_lib.getsighdr_d)
#define dkim_free			(*opendkim_lib.free)
#define dkim_geterror			(*opendkim_lib.geterror)
#define dkim_getresultstr		(*opendkim_lib.getresultstr)

#endif
