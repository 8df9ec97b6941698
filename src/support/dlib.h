#ifndef STET_SUPPORT_DLIB_H
#define STET_SUPPORT_DLIB_H

#include <stddef.h>

/*
 * A library loaded on first use instead of linked (curl_lib.c,
 * mail/gmime_lib.c, ...): each keeps a table of its functions, and this
 * fills it.  Only dlopen and dlsym live here; when to load, once, and
 * what to start belong to each library's own file.
 */
struct dlib_sym {
	const char	*name;
	void		**slot;
};

/*
 * Open soname (the SONAME of the ABI stet was built for, never the -dev
 * package's unversioned link) and fill every slot: 0, or -1 with why set
 * to "cannot load SONAME: ..." (the loader's words, or the first missing
 * function).  The library stays loaded for the life of the process,
 * even on a failure: nothing is left half-closed under a caller.
 */
int	dlib_open(const char *soname, const struct dlib_sym *, size_t n,
	    char *why, size_t whylen);

#endif
