#ifndef STET_IMAGES_H
#define STET_IMAGES_H

#include <stddef.h>
#include <stdint.h>

#include "../support/buf.h"
#include "../support/err.h"

/*
 * The images a site publishes (in static/ and in page bundles): their
 * size, read from the file's header, and the smaller WebP (and, with
 * images: { avif: true }, AVIF) copies made of large ones.  The only
 * header that knows libvips exists.
 *
 * Sizes are read once per file (header only: libvips opens the file and
 * reads no pixel), kept keyed by path, size and mtime, in memory and
 * from one build to the next in .stet/images/sizes.  The copies are made from the file's bytes and kept in
 * .stet/images/, named by a hash of those bytes and of the settings that
 * shape them, so a copy is made once and again only when the image (or
 * the setting) changes.  Every copy of "x/photo.jpg" is published beside
 * it, as "x/photo.jpg.<width>.webp".
 *
 * All calls are thread-safe.
 */

#define IMAGES_WIDTHS	4	/* copies of one image, at most */

struct images;

/* What a page needs of one image. */
struct image_info {
	unsigned	 w, h;
	unsigned	 nwidths;		/* 0: no copies (a small image) */
	unsigned	 widths[IMAGES_WIDTHS];	/* ascending */
	int		 avif;			/* AVIF copies too */
};

/*
 * Ready an image store for the site folder sitefd (borrowed; it must
 * outlive the store).  NULL when out of memory.
 */
struct images	*images_new(int sitefd, int avif);
void		 images_free(struct images *);

/*
 * The size of the image rel (relative to the site folder) and the
 * copies it gets: 1, or 0 when rel is not a regular file libvips can
 * read (no error: the page keeps its <img> as written).
 */
int	images_info(struct images *, const char *rel, struct image_info *);

/* Does rel's name say it is an image that gets copies (JPEG, PNG, WebP)? */
int	images_resizable(const char *rel);

/*
 * Append the name of rel's copy of width w (avif: in AVIF, else WebP)
 * to out: rel followed by ".<w>.webp".  0 or -1 (out of memory).
 */
int	images_copy_name(struct buf *out, const char *rel, unsigned w, int avif);

/*
 * Call put(arg, name, bytes, len) for every copy of the image src (a
 * file in the site folder) whose output path is out_rel, each name made
 * by images_copy_name(out_rel...).  Copies come from .stet/images/ when
 * made before from the same bytes, else are made now and kept there.
 * 0; 1 when the image could not be read or copied (a warning is the
 * caller's to give, with why in err); -1 with err when put failed.
 */
int	images_publish(struct images *, const char *src, const char *out_rel,
	    int (*put)(void *arg, const char *name, const void *data,
	    size_t len, struct err *), void *arg, struct err *err);

/*
 * Dependencies of pages on images, for rebuilds: a page that shows an
 * image is rendered again when the image's file changes (its size
 * changes the page's width= and height=).  images_use records that the
 * page made from source file page shows image rel, as the image's file
 * is now; images_deps_load reads what the last build recorded
 * (.stet/images/deps), images_changed tells whether an image page showed
 * then is no longer that file, and images_deps_save writes the record
 * back, the pages rendered now with what they showed now, the others as
 * they were (and the sizes read, for the next build).  load and save: 0,
 * or -1 with err.
 */
void	images_use(struct images *, const char *page, const char *rel);

/*
 * The first image this build could not size because libvips could not
 * be loaded (*why says why), or NULL: such images are published as
 * written, without width, height or smaller copies, and nothing of them
 * is recorded, so the build after libvips is back sizes them.
 */
const char *images_unsized(struct images *, const char **why);
int	images_deps_load(struct images *, struct err *);
int	images_changed(struct images *, const char *page);
int	images_deps_save(struct images *, struct err *);

/*
 * For the page's own digest: a constant while the files of the images
 * page showed last time are as they were, else a digest of what they are
 * now (paths, sizes, mtimes).  So the page renders again in the build
 * after one changes, and once more in the next (its record is then of
 * the new file).  im may be NULL (the constant).
 */
uint64_t images_digest(struct images *, const char *page);

/* Time spent making copies, and how many were made and reused. */
struct images_stats {
	uint64_t	 made, reused, ms;
};
void	images_stats(struct images *, struct images_stats *);

#endif
