#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <vips/vips.h>

#include "../support/dlib.h"
#include "../support/fsutil.h"
#include "../support/hash.h"
#include "images.h"

/*
 * The widths copies are made at: a phone's column (at 1x and 2x), and
 * the widest the site's 35rem column is at 2x on a wide screen.  An
 * image gets a copy at each width below its own, and one at its own
 * width when that is below the largest (its WebP twin).  An image no
 * wider than the first width gets none: it is small already.
 */
static const unsigned ladder[] = { 480, 960, 1440 };
#define LADDER_N	(sizeof(ladder) / sizeof(*ladder))

/* What shapes a copy besides the image: in its cache key. */
#define WEBP_Q		75
#define AVIF_Q		50
#define COPY_SETTINGS	"stet-copies-2 webp q75 e2 avif q50 e2"

#define IMAGE_FILE_MAX	(256u * 1024 * 1024)
#define INFO_BUCKETS	1024
#define DEPS_FILE	".stet/images/deps"
#define DEPS_TMP	".stet/images/deps.tmp"
#define SIZES_FILE	".stet/images/sizes"
#define SIZES_TMP	".stet/images/sizes.tmp"

struct info_ent {
	struct info_ent	*next;
	char		*rel;
	int64_t		 size, mtime_ns;
	int		 ok;
	unsigned	 w, h;
	int		 used;		/* looked up by this build */
};

struct dep {
	char		*page, *rel;
	int64_t		 size, mtime_ns;
	int		 fresh;		/* recorded by this build */
};

struct images {
	int		 sitefd;
	int		 avif;
	char		 root[PATH_MAX];	/* the site folder, for libvips */
	pthread_mutex_t	 lock;		/* guards info and deps */
	struct info_ent	*info[INFO_BUCKETS];
	int		 sizes_read;	/* SIZES_FILE is in info */
	int		 sizes_dirty;	/* info differs from SIZES_FILE */
	struct dep	*deps;
	size_t		 ndeps, capdeps;
	size_t		 nold;		/* deps[0..nold) were loaded, sorted */
	atomic_uint_fast64_t made, reused, ns;
	char		*unsized;	/* the first image libvips was missing
					   for (the lock held), or NULL */
};

/*
 * libvips is loaded when a build first needs it (an image not yet sized,
 * or a copy to make), not linked: with the hundred libraries it pulls in,
 * linking it made every stet command start 20 ms slower, a fifth of a
 * rebuild's budget.  Its functions are called through this table; the
 * names below stand for them.
 */
#define VIPS_LIB	"libvips.so.42"

static struct {
	__typeof__(vips_init)	*init;
	__typeof__(vips_version)	*version;
	__typeof__(vips_error)	*error;
	__typeof__(vips_concurrency_set)	*concurrency_set;
	__typeof__(vips_cache_set_max)	*cache_set_max;
	__typeof__(vips_cache_set_max_mem)	*cache_set_max_mem;
	__typeof__(vips_cache_set_max_files)	*cache_set_max_files;
	__typeof__(vips_image_new_from_file)	*image_new_from_file;
	__typeof__(vips_error_clear)	*error_clear;
	__typeof__(vips_image_get_width)	*image_get_width;
	__typeof__(vips_image_get_height)	*image_get_height;
	__typeof__(vips_image_get_orientation_swap)	*image_get_orientation_swap;
	__typeof__(vips_heifsave_buffer)	*heifsave_buffer;
	__typeof__(vips_webpsave_buffer)	*webpsave_buffer;
	__typeof__(vips_thumbnail_buffer)	*thumbnail_buffer;
	__typeof__(vips_image_copy_memory)	*image_copy_memory;
	__typeof__(vips_resize)	*resize;
	__typeof__(vips_error_buffer)	*error_buffer;
} vl;

static const struct dlib_sym vl_syms[] = {
	{ "vips_init", (void **)&vl.init },
	{ "vips_version", (void **)&vl.version },
	{ "vips_error", (void **)&vl.error },
	{ "vips_concurrency_set", (void **)&vl.concurrency_set },
	{ "vips_cache_set_max", (void **)&vl.cache_set_max },
	{ "vips_cache_set_max_mem", (void **)&vl.cache_set_max_mem },
	{ "vips_cache_set_max_files", (void **)&vl.cache_set_max_files },
	{ "vips_image_new_from_file", (void **)&vl.image_new_from_file },
	{ "vips_error_clear", (void **)&vl.error_clear },
	{ "vips_image_get_width", (void **)&vl.image_get_width },
	{ "vips_image_get_height", (void **)&vl.image_get_height },
	{ "vips_image_get_orientation_swap", (void **)&vl.image_get_orientation_swap },
	{ "vips_heifsave_buffer", (void **)&vl.heifsave_buffer },
	{ "vips_webpsave_buffer", (void **)&vl.webpsave_buffer },
	{ "vips_thumbnail_buffer", (void **)&vl.thumbnail_buffer },
	{ "vips_image_copy_memory", (void **)&vl.image_copy_memory },
	{ "vips_resize", (void **)&vl.resize },
	{ "vips_error_buffer", (void **)&vl.error_buffer },
};

#define vips_init (*vl.init)
#define vips_version (*vl.version)
#define vips_error (*vl.error)
#define vips_concurrency_set (*vl.concurrency_set)
#define vips_cache_set_max (*vl.cache_set_max)
#define vips_cache_set_max_mem (*vl.cache_set_max_mem)
#define vips_cache_set_max_files (*vl.cache_set_max_files)
#define vips_image_new_from_file (*vl.image_new_from_file)
#define vips_error_clear (*vl.error_clear)
#define vips_image_get_width (*vl.image_get_width)
#define vips_image_get_height (*vl.image_get_height)
#define vips_image_get_orientation_swap (*vl.image_get_orientation_swap)
#define vips_heifsave_buffer (*vl.heifsave_buffer)
#define vips_webpsave_buffer (*vl.webpsave_buffer)
#define vips_thumbnail_buffer (*vl.thumbnail_buffer)
#define vips_image_copy_memory (*vl.image_copy_memory)
#define vips_resize (*vl.resize)
#define vips_error_buffer (*vl.error_buffer)

static pthread_once_t	vips_once = PTHREAD_ONCE_INIT;
static int		vips_ok;
static char		vips_why[256] = "libvips did not start";

/* Load libvips and find its functions: 0, or -1 with vips_why set. */
static int
vips_load(void)
{
	return dlib_open(VIPS_LIB, vl_syms, sizeof(vl_syms) / sizeof(*vl_syms),
	    vips_why, sizeof(vips_why));
}

/*
 * libvips is started once for the process, whatever thread gets here
 * first.  Its own thread pool is kept to one thread per image: the build
 * already works on one image per core (pool.h), and both at once would
 * put twice the threads on the cores and keep twice the pixel buffers in
 * memory for no gain.  Its operation cache is off: every file is opened
 * once, and a cache would only keep decoded images alive.
 */
static void
vips_start(void)
{
	if (vips_load() == -1 || VIPS_INIT("stet") != 0)
		return;
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	vips_ok = 1;
}

struct images *
images_new(int sitefd, int avif)
{
	struct images	*im;

	if ((im = calloc(1, sizeof(*im))) == NULL)
		return NULL;
	im->sitefd = sitefd;
	im->avif = avif;
	if (fs_realpath_at(sitefd, ".", im->root) == -1)
		im->root[0] = '\0';	/* then no image is read */
	pthread_mutex_init(&im->lock, NULL);
	return im;
}

void
images_free(struct images *im)
{
	struct info_ent	*e, *next;
	size_t		 i;

	if (im == NULL)
		return;
	for (i = 0; i < INFO_BUCKETS; i++)
		for (e = im->info[i]; e != NULL; e = next) {
			next = e->next;
			free(e->rel);
			free(e);
		}
	for (i = 0; i < im->ndeps; i++) {
		free(im->deps[i].page);
		free(im->deps[i].rel);
	}
	free(im->deps);
	free(im->unsized);
	pthread_mutex_destroy(&im->lock);
	free(im);
}

const char *
images_unsized(struct images *im, const char **why)
{
	const char	*rel;

	pthread_mutex_lock(&im->lock);
	rel = im->unsized;
	pthread_mutex_unlock(&im->lock);
	*why = vips_why;
	return rel;
}

int
images_resizable(const char *rel)
{
	static const char *const ext[] = { ".jpg", ".jpeg", ".png", ".webp" };
	size_t	 i, n = strlen(rel), e;

	for (i = 0; i < sizeof(ext) / sizeof(*ext); i++) {
		e = strlen(ext[i]);
		if (n > e && strcasecmp(rel + n - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* The widths of the copies of an image w pixels wide, into inf. */
static void
plan_widths(struct image_info *inf, const char *rel, int avif)
{
	size_t	 i;

	inf->nwidths = 0;
	inf->avif = avif;
	if (!images_resizable(rel) || inf->w <= ladder[0])
		return;
	for (i = 0; i < LADDER_N && ladder[i] < inf->w; i++)
		inf->widths[inf->nwidths++] = ladder[i];
	if (inf->w < ladder[LADDER_N - 1])
		inf->widths[inf->nwidths++] = inf->w;
}

static int64_t
mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/*
 * Read rel's size from its header: 1, 0 when libvips cannot, -1 when
 * libvips did not start (nothing is known of rel: not to be recorded).
 */
static int
read_header(struct images *im, const char *rel, unsigned *w, unsigned *h)
{
	char		 path[PATH_MAX * 2];
	VipsImage	*v;

	pthread_once(&vips_once, vips_start);
	if (!vips_ok)
		return -1;
	if (im->root[0] == '\0' || (size_t)snprintf(path, sizeof(path),
	    "%s/%s", im->root, rel) >= sizeof(path))
		return 0;
	/* Opening reads the header only; no pixel is decoded. */
	if ((v = vips_image_new_from_file(path, "access",
	    VIPS_ACCESS_SEQUENTIAL, NULL)) == NULL) {
		vips_error_clear();
		return 0;
	}
	*w = (unsigned)vips_image_get_width(v);
	*h = (unsigned)vips_image_get_height(v);
	/* A camera's portrait JPEG: browsers turn it as EXIF says. */
	if (vips_image_get_orientation_swap(v)) {
		unsigned t = *w;

		*w = *h;
		*h = t;
	}
	g_object_unref(v);
	return *w > 0 && *h > 0;
}

/* Add an entry to info (the lock held).  0 or -1 (out of memory). */
static int
info_add(struct images *im, const char *rel, int64_t size, int64_t mt,
    int ok, unsigned w, unsigned h, int used)
{
	struct info_ent	*e;
	size_t		 b = hash_str(HASH_INIT, rel) % INFO_BUCKETS;

	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->rel = strdup(rel)) == NULL) {
		free(e);
		return -1;
	}
	e->size = size;
	e->mtime_ns = mt;
	e->ok = ok;
	e->w = w;
	e->h = h;
	e->used = used;
	e->next = im->info[b];
	im->info[b] = e;
	return 0;
}

/*
 * The sizes the last build read (SIZES_FILE: path, size, mtime, ok,
 * width, height), into info, the lock held: a rebuild then starts
 * libvips (some 100 ms of loading its modules) only for an image that is
 * new or changed.  A damaged file only costs reading the headers again.
 */
static void
sizes_read(struct images *im)
{
	struct buf	 data;
	struct err	 err;
	char		*p, *end, *nl, *f[6];
	size_t		 k;

	im->sizes_read = 1;
	buf_init(&data, 0);
	if (fs_read_at(im->sitefd, SIZES_FILE, 64u * 1024 * 1024, &data, 1,
	    &err) != 0) {
		buf_free(&data);
		return;
	}
	for (p = data.data, end = p + data.len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		*nl = '\0';
		for (k = 0; k < 6; k++) {
			f[k] = p;
			if (k < 5 && (p = strchr(p, '\t')) == NULL)
				break;
			if (k < 5)
				*p++ = '\0';
		}
		if (k < 6 || info_add(im, f[0], strtoll(f[1], NULL, 10),
		    strtoll(f[2], NULL, 10), atoi(f[3]),
		    (unsigned)strtoul(f[4], NULL, 10),
		    (unsigned)strtoul(f[5], NULL, 10), 0) == -1)
			break;
	}
	buf_free(&data);
}

/* Write SIZES_FILE: the entries this build looked up. */
static int
sizes_save(struct images *im, struct err *err)
{
	struct info_ent	*e;
	struct buf	 out;
	size_t		 i;
	int		 rc = -1;

	buf_init(&out, 0);
	pthread_mutex_lock(&im->lock);
	for (i = 0; i < INFO_BUCKETS; i++)
		for (e = im->info[i]; e != NULL; e = e->next) {
			if (!e->used) {
				im->sizes_dirty |= im->sizes_read;
				continue;
			}
			if (strpbrk(e->rel, "\t\n") == NULL &&
			    buf_printf(&out, "%s\t%lld\t%lld\t%d\t%u\t%u\n",
			    e->rel, (long long)e->size, (long long)e->mtime_ns,
			    e->ok, e->w, e->h) == -1) {
				pthread_mutex_unlock(&im->lock);
				err_set(err, SIZES_FILE, 0, "out of memory");
				goto out;
			}
		}
	pthread_mutex_unlock(&im->lock);
	rc = 0;
	if (!im->sizes_dirty)
		goto out;
	/* A cache: not worth a flush to disk. */
	if (fs_mkdirs_at(im->sitefd, ".stet/images") == -1 ||
	    fs_write_atomic(im->sitefd, SIZES_FILE, SIZES_TMP, out.data ?
	    out.data : "", out.len, 0) == -1)
		rc = err_set(err, SIZES_FILE, 0, "%s", strerror(errno));
out:
	buf_free(&out);
	return rc;
}

int
images_info(struct images *im, const char *rel, struct image_info *inf)
{
	struct info_ent	*e;
	struct stat	 st;
	size_t		 b;
	unsigned	 w = 0, h = 0;
	int		 ok;

	memset(inf, 0, sizeof(*inf));
	if (fstatat(im->sitefd, rel, &st, 0) == -1 || !S_ISREG(st.st_mode))
		return 0;
	b = hash_str(HASH_INIT, rel) % INFO_BUCKETS;
	pthread_mutex_lock(&im->lock);
	if (!im->sizes_read)
		sizes_read(im);
	for (e = im->info[b]; e != NULL; e = e->next)
		if (strcmp(e->rel, rel) == 0 && e->size == st.st_size &&
		    e->mtime_ns == mtime_ns(&st))
			break;
	if (e != NULL) {
		ok = e->ok;
		w = e->w;
		h = e->h;
		e->used = 1;
	}
	pthread_mutex_unlock(&im->lock);
	if (e == NULL) {
		/* Read outside the lock: two threads may both read it. */
		ok = read_header(im, rel, &w, &h);
		pthread_mutex_lock(&im->lock);
		/*
		 * Without libvips nothing is recorded, so the build after it
		 * is back reads the image; out of memory, the next lookup
		 * reads the header again.
		 */
		if (ok == -1) {
			if (im->unsized == NULL)
				im->unsized = strdup(rel);
			ok = 0;
		} else if (info_add(im, rel, st.st_size, mtime_ns(&st), ok, w,
		    h, 1) == 0)
			im->sizes_dirty = 1;
		pthread_mutex_unlock(&im->lock);
	}
	if (!ok)
		return 0;
	inf->w = w;
	inf->h = h;
	plan_widths(inf, rel, im->avif);
	return 1;
}

int
images_copy_name(struct buf *out, const char *rel, unsigned w, int avif)
{
	return buf_printf(out, "%s.%u.%s", rel, w, avif ? "avif" : "webp");
}

/* Encode t as WebP or AVIF into *data (g_free it).  0 or -1. */
static int
encode(VipsImage *t, int avif, void **data, size_t *len)
{
	if (avif)
		return vips_heifsave_buffer(t, data, len, "compression",
		    VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "Q", AVIF_Q, "effort",
		    2, "strip", TRUE, NULL);
	/*
	 * Effort 2 of 6: a 1600-pixel photo's three copies took 250 ms
	 * rather than 715 ms at libwebp's default of 4, for files 6% larger.
	 */
	return vips_webpsave_buffer(t, data, len, "Q", WEBP_Q, "effort", 2,
	    "strip", TRUE, NULL);
}

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Keep a copy made in .stet/images/; a failure only costs a remake. */
static void
keep_copy(struct images *im, const char *cpath, const void *data, size_t len)
{
	char	 tmp[PATH_MAX];

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%lu.tmp", cpath,
	    (unsigned long)pthread_self()) >= sizeof(tmp))
		return;
	if (fs_write_atomic(im->sitefd, cpath, tmp, data, len, 0) == -1 &&
	    errno == ENOENT && fs_mkdirs_at(im->sitefd, ".stet/images") == 0)
		(void)fs_write_atomic(im->sitefd, cpath, tmp, data, len, 0);
	(void)unlinkat(im->sitefd, tmp, 0);	/* left by a failed rename */
}

int
images_publish(struct images *im, const char *src, const char *out_rel,
    int (*put)(void *, const char *, const void *, size_t, struct err *),
    void *arg, struct err *err)
{
	struct image_info inf;
	struct buf	 bytes, copy, name;
	unsigned char	 key[16];
	char		 hex[sizeof(key) * 2 + 1], cpath[PATH_MAX];
	crypto_generichash_state hs;
	VipsImage	*big = NULL, *t = NULL;
	void		*enc = NULL;
	size_t		 enclen, k;
	uint64_t	 t0;
	int		 rc = 1, fmt, nfmt;

	if (!images_info(im, src, &inf) || inf.nwidths == 0)
		return 0;
	buf_init(&bytes, 0);
	buf_init(&copy, 0);
	buf_init(&name, 0);
	if (fs_read_at(im->sitefd, src, IMAGE_FILE_MAX, &bytes, 0, err) == -1)
		goto out;
	crypto_generichash_init(&hs, NULL, 0, sizeof(key));
	crypto_generichash_update(&hs, (const unsigned char *)COPY_SETTINGS,
	    sizeof(COPY_SETTINGS) - 1);
	crypto_generichash_update(&hs, (const unsigned char *)bytes.data,
	    bytes.len);
	crypto_generichash_final(&hs, key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	nfmt = inf.avif ? 2 : 1;
	for (fmt = 0; fmt < nfmt; fmt++)
		for (k = inf.nwidths; k-- > 0;) {
			unsigned w = inf.widths[k];

			buf_reset(&copy);
			buf_reset(&name);
			if ((size_t)snprintf(cpath, sizeof(cpath),
			    ".stet/images/%s.%u.%s", hex, w, fmt ? "avif" :
			    "webp") >= sizeof(cpath) ||
			    images_copy_name(&name, out_rel, w, fmt) == -1) {
				err_set(err, src, 0, "out of memory");
				rc = -1;
				goto out;
			}
			if (fs_read_at(im->sitefd, cpath, IMAGE_FILE_MAX,
			    &copy, 1, err) == 0) {
				atomic_fetch_add(&im->reused, 1);
				if (put(arg, name.data, copy.data, copy.len,
				    err) == -1) {
					rc = -1;
					goto out;
				}
				continue;
			}
			t0 = now_ns();
			/*
			 * The widest copy from the file (JPEG shrinks as it
			 * decodes), held in memory; the narrower ones from
			 * it, so the file is decoded once.
			 */
			if (big == NULL) {
				pthread_once(&vips_once, vips_start);
				if (!vips_ok || vips_thumbnail_buffer(bytes.data,
				    bytes.len, &t, (int)inf.widths[
				    inf.nwidths - 1], "height", VIPS_MAX_COORD,
				    "size", VIPS_SIZE_DOWN, NULL) != 0 ||
				    (big = vips_image_copy_memory(t)) == NULL)
					goto vips_fail;
				g_object_unref(t);
				t = NULL;
			}
			if (w == inf.widths[inf.nwidths - 1]) {
				g_object_ref(big);
				t = big;
			} else if (vips_resize(big, &t, (double)w /
			    vips_image_get_width(big), NULL) != 0)
				goto vips_fail;
			if (encode(t, fmt, &enc, &enclen) != 0)
				goto vips_fail;
			g_object_unref(t);
			t = NULL;
			keep_copy(im, cpath, enc, enclen);
			atomic_fetch_add(&im->made, 1);
			atomic_fetch_add(&im->ns, now_ns() - t0);
			if (put(arg, name.data, enc, enclen, err) == -1) {
				rc = -1;
				goto out;
			}
			g_free(enc);
			enc = NULL;
		}
	rc = 0;
	goto out;
vips_fail:
	err_set(err, src, 0, "cannot make its smaller copies: %s",
	    vips_ok ? vips_error_buffer() : vips_why);
	if (vips_ok)
		vips_error_clear();
	rc = 1;
out:
	if (t != NULL)
		g_object_unref(t);
	if (big != NULL)
		g_object_unref(big);
	g_free(enc);
	buf_free(&bytes);
	buf_free(&copy);
	buf_free(&name);
	return rc;
}

void
images_stats(struct images *im, struct images_stats *st)
{
	st->made = atomic_load(&im->made);
	st->reused = atomic_load(&im->reused);
	st->ms = atomic_load(&im->ns) / 1000000;
}

/* ---- dependencies of pages on images ---------------------------------- */

static int
dep_cmp(const void *a, const void *b)
{
	const struct dep *x = a, *y = b;
	int	 c;

	if ((c = strcmp(x->page, y->page)) != 0)
		return c;
	return strcmp(x->rel, y->rel);
}

static int
deps_add(struct images *im, const char *page, const char *rel, int64_t size,
    int64_t mt, int fresh)
{
	struct dep	*d;

	if (im->ndeps == im->capdeps) {
		size_t cap = im->capdeps ? im->capdeps * 2 : 64;

		if ((d = realloc(im->deps, cap * sizeof(*d))) == NULL)
			return -1;
		im->deps = d;
		im->capdeps = cap;
	}
	d = &im->deps[im->ndeps];
	if ((d->page = strdup(page)) == NULL)
		return -1;
	if ((d->rel = strdup(rel)) == NULL) {
		free(d->page);
		return -1;
	}
	d->size = size;
	d->mtime_ns = mt;
	d->fresh = fresh;
	im->ndeps++;
	return 0;
}

void
images_use(struct images *im, const char *page, const char *rel)
{
	struct stat	 st;
	size_t		 i;

	/* A name that would break the record's lines is not recorded. */
	if (strpbrk(page, "\t\n") != NULL || strpbrk(rel, "\t\n") != NULL)
		return;
	if (fstatat(im->sitefd, rel, &st, 0) == -1)
		return;
	pthread_mutex_lock(&im->lock);
	for (i = im->nold; i < im->ndeps; i++)
		if (strcmp(im->deps[i].page, page) == 0 &&
		    strcmp(im->deps[i].rel, rel) == 0)
			break;
	/* Out of memory: the page is only rendered again less often. */
	if (i == im->ndeps)
		(void)deps_add(im, page, rel, st.st_size, mtime_ns(&st), 1);
	pthread_mutex_unlock(&im->lock);
}

int
images_deps_load(struct images *im, struct err *err)
{
	struct buf	 data;
	char		*p, *end, *nl, *f[4];
	size_t		 k;
	int		 rc;

	buf_init(&data, 0);
	if ((rc = fs_read_at(im->sitefd, DEPS_FILE, 64u * 1024 * 1024, &data,
	    1, err)) != 0) {
		buf_free(&data);
		return rc == 1 ? 0 : -1;
	}
	for (p = data.data, end = p + data.len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;	/* a cut last line: left out */
		*nl = '\0';
		for (k = 0; k < 4; k++) {
			f[k] = p;
			if (k < 3 && (p = strchr(p, '\t')) == NULL)
				break;
			if (k < 3)
				*p++ = '\0';
		}
		if (k < 4)
			continue;
		if (deps_add(im, f[0], f[1], strtoll(f[2], NULL, 10),
		    strtoll(f[3], NULL, 10), 0) == -1) {
			buf_free(&data);
			return err_set(err, DEPS_FILE, 0, "out of memory");
		}
	}
	buf_free(&data);
	if (im->ndeps > 0)
		qsort(im->deps, im->ndeps, sizeof(*im->deps), dep_cmp);
	im->nold = im->ndeps;
	return 0;
}

/* The first loaded entry of page, by bisection (the lock held). */
static size_t
deps_first(const struct images *im, const char *page)
{
	size_t	 lo = 0, hi = im->nold, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(im->deps[mid].page, page) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
images_changed(struct images *im, const char *page)
{
	struct stat	 st;
	size_t		 i;
	int		 changed = 0;

	pthread_mutex_lock(&im->lock);
	for (i = deps_first(im, page); !changed && i < im->nold &&
	    strcmp(im->deps[i].page, page) == 0; i++) {
		const struct dep *d = &im->deps[i];

		changed = fstatat(im->sitefd, d->rel, &st, 0) == -1 ||
		    st.st_size != d->size || mtime_ns(&st) != d->mtime_ns;
	}
	pthread_mutex_unlock(&im->lock);
	return changed;
}

/*
 * The same for every page whose images are as they were when it was
 * last rendered (or that showed none): a page's digest must not change
 * from the build that first records what it shows to the next.  Once a
 * file changed, a digest of what the files are now.
 */
uint64_t
images_digest(struct images *im, const char *page)
{
	struct stat	 st;
	uint64_t	 h = HASH_INIT;
	size_t		 i;
	int		 changed = 0;

	if (im == NULL)
		return h;
	/* The lock: images_use may be growing deps meanwhile. */
	pthread_mutex_lock(&im->lock);
	for (i = deps_first(im, page); i < im->nold &&
	    strcmp(im->deps[i].page, page) == 0; i++) {
		const struct dep *d = &im->deps[i];

		h = hash_str(h, d->rel);
		if (fstatat(im->sitefd, d->rel, &st, 0) == -1) {
			h = hash_num(h, -1);
			changed = 1;
			continue;
		}
		h = hash_num(h, (int64_t)st.st_size);
		h = hash_num(h, mtime_ns(&st));
		changed |= st.st_size != d->size || mtime_ns(&st) != d->mtime_ns;
	}
	pthread_mutex_unlock(&im->lock);
	return changed ? h : HASH_INIT;
}

/* Is page among the n entries (sorted) at v? */
static int
bsearch_page(const struct dep *v, size_t n, const char *page)
{
	size_t	 lo = 0, hi = n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(v[mid].page, page)) == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
images_deps_save(struct images *im, struct err *err)
{
	struct buf	 out;
	struct dep	*keep;
	size_t		 i, n = 0;
	int		 rc = -1;

	if (sizes_save(im, err) == -1)
		return -1;
	/* No page rendered showed an image: the record stands as it is. */
	if (im->ndeps == im->nold)
		return 0;
	buf_init(&out, 0);
	pthread_mutex_lock(&im->lock);
	/* A page rendered now replaces what it showed before. */
	if (im->ndeps > im->nold)
		qsort(im->deps + im->nold, im->ndeps - im->nold,
		    sizeof(*im->deps), dep_cmp);
	if ((keep = calloc(im->ndeps ? im->ndeps : 1, sizeof(*keep))) ==
	    NULL)
		goto oom;
	for (i = 0; i < im->ndeps; i++) {
		const struct dep *d = &im->deps[i];

		if (i < im->nold && bsearch_page(im->deps + im->nold,
		    im->ndeps - im->nold, d->page))
			continue;
		keep[n++] = *d;
	}
	if (n > 0)
		qsort(keep, n, sizeof(*keep), dep_cmp);
	for (i = 0; i < n; i++)
		if (buf_printf(&out, "%s\t%s\t%lld\t%lld\n", keep[i].page,
		    keep[i].rel, (long long)keep[i].size,
		    (long long)keep[i].mtime_ns) == -1)
			goto oom;
	free(keep);
	keep = NULL;
	pthread_mutex_unlock(&im->lock);
	if (out.len == 0 && faccessat(im->sitefd, DEPS_FILE, F_OK, 0) == -1) {
		rc = 0;	/* nothing shown, nothing recorded: no file */
		goto done;
	}
	if ((fs_mkdirs_at(im->sitefd, ".stet/images") == -1 ||
	    fs_write_atomic(im->sitefd, DEPS_FILE, DEPS_TMP, out.data ?
	    out.data : "", out.len, 1) == -1)) {
		err_set(err, DEPS_FILE, 0, "%s", strerror(errno));
		goto done;
	}
	rc = 0;
	goto done;
oom:
	free(keep);
	pthread_mutex_unlock(&im->lock);
	err_set(err, DEPS_FILE, 0, "out of memory");
done:
	buf_free(&out);
	return rc;
}
