#include <pthread.h>
#include <stdio.h>

#include "curl_lib.h"
#include "dlib.h"

/* The SONAME Debian 12 ships (libcurl4): the ABI stet was built for. */
#define CURL_LIB	"libcurl.so.4"

struct curl_lib	curl_lib;

static const struct dlib_sym syms[] = {
	{ "curl_global_init", (void **)&curl_lib.global_init },
	{ "curl_easy_init", (void **)&curl_lib.easy_init },
	{ "curl_easy_cleanup", (void **)&curl_lib.easy_cleanup },
	{ "curl_easy_reset", (void **)&curl_lib.easy_reset },
	{ "curl_easy_setopt", (void **)&curl_lib.easy_setopt },
	{ "curl_easy_getinfo", (void **)&curl_lib.easy_getinfo },
	{ "curl_easy_perform", (void **)&curl_lib.easy_perform },
	{ "curl_easy_strerror", (void **)&curl_lib.easy_strerror },
	{ "curl_multi_init", (void **)&curl_lib.multi_init },
	{ "curl_multi_cleanup", (void **)&curl_lib.multi_cleanup },
	{ "curl_multi_setopt", (void **)&curl_lib.multi_setopt },
	{ "curl_multi_add_handle", (void **)&curl_lib.multi_add_handle },
	{ "curl_multi_remove_handle", (void **)&curl_lib.multi_remove_handle },
	{ "curl_multi_perform", (void **)&curl_lib.multi_perform },
	{ "curl_multi_poll", (void **)&curl_lib.multi_poll },
	{ "curl_multi_info_read", (void **)&curl_lib.multi_info_read },
	{ "curl_slist_append", (void **)&curl_lib.slist_append },
	{ "curl_slist_free_all", (void **)&curl_lib.slist_free_all },
	{ "curl_url", (void **)&curl_lib.url },
	{ "curl_url_cleanup", (void **)&curl_lib.url_cleanup },
	{ "curl_url_get", (void **)&curl_lib.url_get },
	{ "curl_url_set", (void **)&curl_lib.url_set },
	{ "curl_free", (void **)&curl_lib.free },
};

static pthread_once_t	once = PTHREAD_ONCE_INIT;
static int		loaded;
static char		why[256];	/* when not loaded */

/*
 * Once for the process, whatever thread gets here first: libcurl's
 * global start is not thread-safe, and the mail threads of stet serve
 * may get here together.  On a failure loaded stays 0, which keeps every
 * caller away from the slots.
 */
static void
load(void)
{
	CURLcode	 rc;

	if (dlib_open(CURL_LIB, syms, sizeof(syms) / sizeof(*syms), why,
	    sizeof(why)) == -1)
		return;
	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		(void)snprintf(why, sizeof(why), "libcurl would not start: %s",
		    curl_easy_strerror(rc));
		return;
	}
	loaded = 1;
}

int
curl_lib_load(const char *who, struct err *err)
{
	(void)pthread_once(&once, load);
	if (!loaded)
		return err_set(err, NULL, 0, "%s: %s", who, why);
	return 0;
}
