#include <pthread.h>

#include "../support/dlib.h"
#include "opendkim_lib.h"

/* The SONAME Debian 12 ships (libopendkim11): the ABI stet was built for. */
#define OPENDKIM_LIB	"libopendkim.so.11"

struct opendkim_lib	opendkim_lib;

static const struct dlib_sym syms[] = {
	{ "dkim_init", (void **)&opendkim_lib.init },
	{ "dkim_options", (void **)&opendkim_lib.options },
	{ "dkim_close", (void **)&opendkim_lib.close },
	{ "dkim_sign", (void **)&opendkim_lib.sign },
	{ "dkim_header", (void **)&opendkim_lib.header },
	{ "dkim_eoh", (void **)&opendkim_lib.eoh },
	{ "dkim_body", (void **)&opendkim_lib.body },
	{ "dkim_eom", (void **)&opendkim_lib.eom },
	{ "dkim_getsighdr_d", (void **)&opendkim_lib.getsighdr_d },
	{ "dkim_free", (void **)&opendkim_lib.free },
	{ "dkim_geterror", (void **)&opendkim_lib.geterror },
	{ "dkim_getresultstr", (void **)&opendkim_lib.getresultstr },
};

static pthread_once_t	once = PTHREAD_ONCE_INIT;
static int		loaded;
static char		why[256];	/* when not loaded */

static void
load(void)
{
	if (dlib_open(OPENDKIM_LIB, syms, sizeof(syms) / sizeof(*syms), why,
	    sizeof(why)) == 0)
		loaded = 1;
}

int
opendkim_lib_load(const char *who, struct err *err)
{
	(void)pthread_once(&once, load);
	if (!loaded)
		return err_set(err, NULL, 0, "%s: %s", who, why);
	return 0;
}
