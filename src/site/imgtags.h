#ifndef STET_IMGTAGS_H
#define STET_IMGTAGS_H

#include <stddef.h>

#include "../support/buf.h"

struct images;

/*
 * The images of a page's body as the page shows them, in one pass over
 * its finished HTML (from cmark-gfm or the raw HTML pass):
 *
 *  - each <img> of a file the site publishes gets width= and height=
 *    from the file (unless it has either already), so the page does not
 *    move when the image arrives, and decoding="async";
 *  - every <img> but the body's first gets loading="lazy" (the first is
 *    likely in view: loading it late would slow the page's largest
 *    paint);
 *  - an image with smaller copies (images.h) is wrapped in a <picture>
 *    whose <source>s offer them as WebP (and AVIF) with srcset and
 *    sizes; the <img> itself stays the original, for browsers without;
 *  - an image alone in its paragraph with a title (Markdown's
 *    ![alt](x.png "Caption")) becomes a <figure> with the title as its
 *    <figcaption>.
 *
 * Each image shown is recorded with images_use against page.
 */
struct imgtags_opts {
	struct images	*images;	/* NULL: sizes unknown, figures only */
	const char	*page;		/* the source file, "posts/x/index.md" */
	const char	*page_dir;	/* its folder in the output,
					   "writing/x/" */
	const char	*base_path;	/* the site's path, "/" or "/blog/" */
	const char	*site;		/* the site's address, ends in '/' */
	/*
	 * Set to 1 (when not NULL) if an image is left unsized because
	 * libvips could not be loaded (images_unsized): the page counts as
	 * warned about, so the next build renders it again.
	 */
	int		*unsized;
};

/* Append html, so changed, to out.  0, or -1 (out of memory). */
int	imgtags_rewrite(const char *html, size_t len,
	    const struct imgtags_opts *, struct buf *out);

/*
 * The file in the site folder that the image URL src (as written in an
 * attribute) of a page in page_dir shows, into file: "static/x.png", or
 * the page bundle's own file.  1, 0 when src is not the site's, -1.
 */
int	imgtags_source(const struct imgtags_opts *, const char *src,
	    size_t n, struct buf *file);

#endif
