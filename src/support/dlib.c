#include <dlfcn.h>
#include <stdio.h>

#include "dlib.h"

int
dlib_open(const char *soname, const struct dlib_sym *syms, size_t n,
    char *why, size_t whylen)
{
	void		*h;
	const char	*e;
	size_t		 i;

	/* RTLD_LOCAL: its names stay out of the way of everything else. */
	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		(void)snprintf(why, whylen, "cannot load %s: %s", soname,
		    e != NULL ? e : "unknown error");
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((*syms[i].slot = dlsym(h, syms[i].name)) == NULL) {
			(void)snprintf(why, whylen, "cannot load %s: it has "
			    "no %s", soname, syms[i].name);
			return -1;
		}
	return 0;
}
