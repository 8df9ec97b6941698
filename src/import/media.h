#ifndef STET_IMPORT_MEDIA_H
#define STET_IMPORT_MEDIA_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * --fetch-media: images on other hosts downloaded (libcurl) into the new
 * site's static/media/, at most max_count of them and max_bytes each.
 * The only file that knows libcurl in import/.
 */
struct media {
	void		*curl;		/* CURL *, made on first use */
	int		 dirfd;		/* the new site */
	size_t		 max_bytes, max_count, count;
	size_t		 failed;
};

void	media_init(struct media *, int dirfd, size_t max_count,
	    size_t max_bytes);
void	media_free(struct media *);

/*
 * Download url (n bytes) once into static/media/ and append its path on
 * the new site ("/media/3f2a-photo.jpg") to out: 0.  1 when it was not
 * fetched (a limit, an error: err says which); -1 out of memory.
 */
int	media_fetch(struct media *, const char *url, size_t n,
	    struct buf *out, struct err *);

#endif
