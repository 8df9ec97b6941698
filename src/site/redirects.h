#ifndef STET_REDIRECTS_H
#define STET_REDIRECTS_H

#include <stddef.h>

#include "../support/buf.h"
#include "../support/err.h"
#include "model.h"
#include "outlist.h"
#include "write.h"

/*
 * The site's redirect table: each post's aliases, each topic's old path,
 * and stet.yaml's redirects: (old path: new path, as stet import writes
 * them).  The build writes it in the forms hosts read: public/_redirects
 * (Netlify, Cloudflare Pages; stet serve answers 301 from it and never
 * serves it as a file) and .stet/redirects.nginx (a map for nginx).  An
 * old path ending in .xml or .json whose target is a feed also gets the
 * feed itself, for hosts without redirects.
 */
struct redirect {
	char	*from;		/* "/2016/04/13/x.html", "/tags/go/" */
	char	*to;		/* "/writing/x/" */
};

struct redirects {
	struct redirect	*v;	/* sorted by from */
	size_t		 n;
};

/* 0, or -1 with err (a bad redirects: entry names stet.yaml's line). */
int	redirects_collect(const struct site *, struct redirects *,
	    struct err *);
void	redirects_free(struct redirects *);

/* The files redirects_write puts into public/, added to out.  0 or -1. */
int	redirects_outputs(const struct site *, struct outlist *);

/*
 * Put public/_redirects and the old feed paths through w, and append the
 * same table as a map for nginx to ngx.  Call after the feeds were put.
 * 0, or -1.
 */
int	redirects_write(const struct site *, struct writer *, struct buf *ngx,
	    struct err *);
/*
 * Write ngx (from redirects_write) to .stet/redirects.nginx: after
 * public/ was published, as it names what the new site holds.  0 or -1.
 */
int	redirects_nginx(int sitefd, const struct buf *ngx, struct err *);

/*
 * Parse _redirects (len bytes) as redirects_write writes it: calls fn
 * for each "from to 301" line.  0, or the first non-zero fn returned.
 */
int	redirects_parse(const char *data, size_t len,
	    int (*fn)(void *, const char *from, size_t flen, const char *to,
	    size_t tlen), void *ctx);

#endif
