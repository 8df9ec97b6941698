#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "../support/buf.h"
#include "../site/redirects.h"
#include "snapshot.h"

/*
 * Bounds on what one snapshot may hold.  A personal site is a few
 * megabytes; these only stop a mistake (a video folder in static/, a
 * symlink loop turned into a deep tree) from taking the machine's memory.
 */
#define SNAP_MAX_DEPTH	32
#define SNAP_MAX_FILES	1000000
#define SNAP_MAX_BYTES	((size_t)4 << 30)
#define SNAP_MAX_HDRS	10

/* Pages and feeds change with each post; the rest seldom. */
#define CACHE_SHORT	"max-age=300"
#define CACHE_LONG	"max-age=3600"
#define CACHE_404	"no-cache"

/* Header names h2o has no token for; never written. */
static h2o_iovec_t name_csp = { H2O_STRLIT("content-security-policy") };
static h2o_iovec_t name_nosniff = { H2O_STRLIT("x-content-type-options") };
static h2o_iovec_t name_referrer = { H2O_STRLIT("referrer-policy") };

struct rec {
	const char	*path;		/* relative to public/: "a/b.html" */
	size_t		 len;
	char		*data;
	size_t		 size;
	time_t		 mtime;
	struct rec	*gz;		/* its twin */
	int		 is_twin;
};

struct load {
	struct arena		*a;
	const struct snap_common *common;
	struct rec		*recs;
	size_t			 nrecs, caprecs;
	size_t			 bytes, nskipped;
	struct buf		 path;		/* the folder being read */
	struct snapshot		*s;
	struct err		*err;
};

static int	 walk(struct load *, int dirfd, size_t depth);
static int	 read_file(struct load *, int dirfd, const char *name);
static int	 rec_cmp(const void *, const void *);
static struct rec *rec_find(struct load *, const char *, size_t);
static void	 pair_twins(struct load *);
static int	 build_table(struct load *);
static int	 make_file(struct load *, const struct rec *,
		    struct snap_file *, int is_404);
static int	 make_headers(struct load *, h2o_headers_t *, const char *type,
		    const char *cache, const h2o_iovec_t *etag,
		    const char *lastmod, int gz, int vary);
static int	 insert_to(struct load *, const char *, size_t, enum snap_kind,
		    const struct snap_file *, const char *, size_t);
static int	 redirect_table(struct load *);
static int	 insert(struct load *, const char *key, size_t len,
		    enum snap_kind, const struct snap_file *);
static const char *mime_type(const char *path, size_t len, int *is_page);
static uint64_t	 hash_path(const char *, size_t);
static void	 http_date(time_t, char out[64]);

int
snapshot_common_init(struct snap_common *c, const char *form_origin,
    int remote_images, struct err *err)
{
	struct buf	 b;

	memset(c, 0, sizeof(*c));
	buf_init(&b, 4096);
	/*
	 * No script at all; styles and images only from the site (images
	 * from any https host too, when the site allows remote images);
	 * fetches only from the site, which no page makes (it has no
	 * script) but tools reading the site do: Lighthouse fetches
	 * robots.txt from the page, and 'none' failed its SEO audit;
	 * forms post only to the site (or the outside address the
	 * subscription form names); no <base> tricks and no framing, so
	 * no clickjacking.
	 */
	if (BUF_LIT(&b, "default-src 'none'; style-src 'self'; "
	    "connect-src 'self'; img-src 'self'") == -1 ||
	    (remote_images && BUF_LIT(&b, " https:") == -1) ||
	    BUF_LIT(&b, "; form-action 'self'") == -1 ||
	    (form_origin != NULL && (buf_putc(&b, ' ') == -1 ||
	    buf_puts(&b, form_origin) == -1)) ||
	    BUF_LIT(&b, "; base-uri 'none'; frame-ancestors 'none'") == -1) {
		buf_free(&b);
		return err_set(err, NULL, 0, "out of memory");
	}
	c->csp = buf_take(&b, NULL);
	c->sec[0].name = &name_csp;
	c->sec[0].value = h2o_iovec_init(c->csp, strlen(c->csp));
	c->sec[1].name = &name_nosniff;
	c->sec[1].value = h2o_iovec_init(H2O_STRLIT("nosniff"));
	/*
	 * No referrer to any other site, as no-referrer did; but a form
	 * posted to the site itself now carries its real Origin, which the
	 * forms check (no-referrer made browsers send "Origin: null").
	 */
	c->sec[2].name = &name_referrer;
	c->sec[2].value = h2o_iovec_init(H2O_STRLIT("same-origin"));
	c->nsec = 3;
	return 0;
}

void
snapshot_common_free(struct snap_common *c)
{
	free(c->csp);
	memset(c, 0, sizeof(*c));
}

int
snapshot_load(int sitefd, const struct snap_common *common,
    struct snapshot **out, struct err *err)
{
	struct load	 ld;
	int		 fd;

	*out = NULL;
	memset(&ld, 0, sizeof(ld));
	ld.common = common;
	ld.err = err;
	buf_init(&ld.path, 4096);
	if ((ld.s = calloc(1, sizeof(*ld.s))) == NULL ||
	    (ld.a = ld.s->arena = arena_new()) == NULL) {
		err_set(err, NULL, 0, "out of memory");
		goto fail;
	}
	atomic_init(&ld.s->refs, 1);
	fd = openat(sitefd, "public", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		err_set(err, "public", 0, "%s", strerror(errno));
		goto fail;
	}
	if (walk(&ld, fd, 0) == -1)
		goto fail;
	qsort(ld.recs, ld.nrecs, sizeof(*ld.recs), rec_cmp);
	pair_twins(&ld);
	if (build_table(&ld) == -1)
		goto fail;
	ld.s->nfiles = ld.nrecs;
	ld.s->bytes = ld.bytes;
	ld.s->nskipped = ld.nskipped;
	free(ld.recs);
	buf_free(&ld.path);
	*out = ld.s;
	return 0;
fail:
	free(ld.recs);
	buf_free(&ld.path);
	if (ld.s != NULL) {
		if (ld.s->arena != NULL)
			arena_free(ld.s->arena);
		free(ld.s);
	}
	return -1;
}

const struct snap_entry *
snapshot_find(const struct snapshot *s, const char *path, size_t len)
{
	const struct snap_entry *e;
	uint64_t	 h = hash_path(path, len);
	size_t		 i = (size_t)h & s->mask;

	for (;; i = (i + 1) & s->mask) {
		e = &s->tab[i];
		if (e->hash == 0)
			return NULL;
		if (e->hash == h && e->keylen == len &&
		    memcmp(e->key, path, len) == 0)
			return e;
	}
}

void
snapshot_hold(struct snapshot *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void
snapshot_drop(struct snapshot *s)
{
	if (s == NULL)
		return;
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
		return;
	arena_free(s->arena);
	free(s);
}

/* Read the folder dirfd (closed here), whose path is ld->path. */
static int
walk(struct load *ld, int dirfd, size_t depth)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 base = ld->path.len;
	int		 fd, rc = -1;

	if ((d = fdopendir(dirfd)) == NULL) {
		err_set(ld->err, "public", 0, "%s", strerror(errno));
		close(dirfd);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		ld->path.len = base;
		if ((base > 0 && buf_putc(&ld->path, '/') == -1) ||
		    buf_puts(&ld->path, de->d_name) == -1) {
			err_set(ld->err, "public", 0, "a path is too long");
			goto out;
		}
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			err_set(ld->err, "public", 0, "%s: %s",
			    ld->path.data, strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 >= SNAP_MAX_DEPTH) {
				err_set(ld->err, "public", 0, "%s: folders "
				    "nested too deep", ld->path.data);
				goto out;
			}
			fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd == -1) {
				err_set(ld->err, "public", 0, "%s: %s",
				    ld->path.data, strerror(errno));
				goto out;
			}
			if (walk(ld, fd, depth + 1) == -1)
				goto out;
		} else if (S_ISREG(st.st_mode)) {
			if (read_file(ld, dirfd, de->d_name) == -1)
				goto out;
		} else {
			/* Symlinks, sockets, devices: never served. */
			ld->nskipped++;
		}
	}
	if (errno != 0) {
		err_set(ld->err, "public", 0, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	ld->path.len = base;
	if (ld->path.data != NULL)
		ld->path.data[base] = '\0';
	closedir(d);
	return rc;
}

static int
read_file(struct load *ld, int dirfd, const char *name)
{
	struct stat	 st;
	struct rec	*r, *nr;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	/*
	 * O_NOFOLLOW and the fstat below, not the fstatat of the caller,
	 * decide: the name may have become a symlink or a FIFO since.
	 */
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP) {
			ld->nskipped++;
			return 0;
		}
		return err_set(ld->err, "public", 0, "%s: %s",
		    ld->path.data, strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		ld->nskipped++;
		return 0;
	}
	if (ld->nrecs >= SNAP_MAX_FILES ||
	    (size_t)st.st_size > SNAP_MAX_BYTES - ld->bytes) {
		close(fd);
		return err_set(ld->err, "public", 0, "more than %zu files or "
		    "%zu bytes: too much to serve from memory",
		    (size_t)SNAP_MAX_FILES, SNAP_MAX_BYTES);
	}
	if (ld->nrecs == ld->caprecs) {
		ld->caprecs = ld->caprecs ? ld->caprecs * 2 : 256;
		nr = realloc(ld->recs, ld->caprecs * sizeof(*nr));
		if (nr == NULL) {
			close(fd);
			return err_set(ld->err, NULL, 0, "out of memory");
		}
		ld->recs = nr;
	}
	r = &ld->recs[ld->nrecs];
	memset(r, 0, sizeof(*r));
	r->path = arena_strndup(ld->a, ld->path.data, ld->path.len);
	r->data = arena_alloc(ld->a, st.st_size > 0 ? (size_t)st.st_size : 1);
	if (r->path == NULL || r->data == NULL) {
		close(fd);
		return err_set(ld->err, NULL, 0, "out of memory");
	}
	r->len = ld->path.len;
	/* A file that shrinks as we read is taken as far as it goes. */
	while (got < (size_t)st.st_size) {
		n = read(fd, r->data + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_set(ld->err, "public", 0, "%s: %s", r->path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	r->size = got;
	r->mtime = st.st_mtim.tv_sec;
	ld->bytes += got;
	ld->nrecs++;
	return 0;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	size_t	 n = x->len < y->len ? x->len : y->len;
	int	 c = memcmp(x->path, y->path, n);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static struct rec *
rec_find(struct load *ld, const char *path, size_t len)
{
	struct rec	 key;

	key.path = path;
	key.len = len;
	return bsearch(&key, ld->recs, ld->nrecs, sizeof(*ld->recs), rec_cmp);
}

/*
 * name.gz is name's twin when name is here too and the twin is smaller;
 * a lone .gz (a download) is a file like any other.
 */
static void
pair_twins(struct load *ld)
{
	struct rec	*r, *base;
	size_t		 i;

	for (i = 0; i < ld->nrecs; i++) {
		r = &ld->recs[i];
		if (r->len <= 3 || memcmp(r->path + r->len - 3, ".gz", 3) != 0)
			continue;
		base = rec_find(ld, r->path, r->len - 3);
		if (base != NULL && r->size < base->size) {
			base->gz = r;
			r->is_twin = 1;
		}
	}
}

/* One line of public/_redirects: a 301 that wins over any file. */
static int
redirect_line(void *ctx, const char *from, size_t flen, const char *to,
    size_t tlen)
{
	struct load	*ld = ctx;
	char		*key = arena_alloc(ld->a, flen + 1), hx[3] = { 0 };
	size_t		 i, n = 0;

	if (key == NULL)
		return err_set(ld->err, NULL, 0, "out of memory");
	/* Keys are decoded paths, as requests are looked up. */
	for (i = 0; i < flen; i++) {
		if (from[i] == '%' && i + 2 < flen &&
		    isxdigit((unsigned char)from[i + 1]) &&
		    isxdigit((unsigned char)from[i + 2])) {
			hx[0] = from[i + 1];
			hx[1] = from[i + 2];
			key[n++] = (char)strtol(hx, NULL, 16);
			i += 2;
		} else
			key[n++] = from[i];
	}
	key[n] = '\0';
	return insert_to(ld, key, n, SNAP_REDIRECT, NULL, to, tlen);
}

/*
 * The build's redirect table (site/redirects.c): old addresses answer
 * 301, as on hosts that read _redirects, and the file itself is not
 * served.
 */
static int
redirect_table(struct load *ld)
{
	size_t	 i;

	for (i = 0; i < ld->nrecs; i++)
		if (ld->recs[i].len == 10 && memcmp(ld->recs[i].path,
		    "_redirects", 10) == 0)
			return redirects_parse(ld->recs[i].data,
			    ld->recs[i].size, redirect_line, ld);
	return 0;
}

static int
build_table(struct load *ld)
{
	struct snapshot	*s = ld->s;
	struct snap_file *files;
	struct rec	*r;
	const struct rec *nf = NULL;
	char		*key;
	size_t		 i, n = 0, size, dlen;
	int		 is_index;

	for (i = 0; i < ld->nrecs; i++) {
		if (!ld->recs[i].is_twin)
			n++;
		/* A key per line of the redirect table, too. */
		if (ld->recs[i].len == 10 && memcmp(ld->recs[i].path,
		    "_redirects", 10) == 0)
			n += ld->recs[i].size / 8;
	}
	/* Three keys a file at most (the file, dir/, dir), half full. */
	for (size = 16; size < 6 * n; size *= 2)
		;
	s->tab = arena_alloc(ld->a, size * sizeof(*s->tab));
	files = arena_alloc(ld->a, (n ? n : 1) * sizeof(*files));
	if (s->tab == NULL || files == NULL)
		return err_set(ld->err, NULL, 0, "out of memory");
	memset(s->tab, 0, size * sizeof(*s->tab));
	s->mask = size - 1;
	if (redirect_table(ld) == -1)
		return -1;
	for (i = 0; i < ld->nrecs; i++) {
		r = &ld->recs[i];
		if (r->is_twin || (r->len == 10 && memcmp(r->path, "_redirects",
		    10) == 0))
			continue;
		if (make_file(ld, r, files, 0) == -1)
			return -1;
		if ((key = arena_alloc(ld->a, r->len + 2)) == NULL)
			return err_set(ld->err, NULL, 0, "out of memory");
		key[0] = '/';
		memcpy(key + 1, r->path, r->len);
		key[r->len + 1] = '\0';
		if (insert(ld, key, r->len + 1, SNAP_FILE, files) == -1)
			return -1;
		is_index = r->len >= 10 &&
		    memcmp(r->path + r->len - 10, "index.html", 10) == 0 &&
		    (r->len == 10 || r->path[r->len - 11] == '/');
		if (is_index) {
			/* "/a/b/" serves it; "/a/b" is sent there. */
			dlen = r->len + 1 - 10;
			if (insert(ld, key, dlen, SNAP_FILE, files) == -1)
				return -1;
			if (dlen > 1 && insert(ld, key, dlen - 1,
			    SNAP_REDIRECT, NULL) == -1)
				return -1;
		}
		if (r->len == 8 && memcmp(r->path, "404.html", 8) == 0)
			nf = r;
		files++;
	}
	if (nf != NULL)
		return make_file(ld, nf, &s->notfound, 1);
	s->notfound.body[0] = h2o_iovec_init(H2O_STRLIT("Not Found\n"));
	return make_headers(ld, &s->notfound.hdrs[0],
	    "text/plain; charset=utf-8", CACHE_404, NULL, NULL, 0, 0);
}

static int
make_file(struct load *ld, const struct rec *r, struct snap_file *f,
    int is_404)
{
	unsigned char	 h[16];
	char		 lastmod[64], b64[sizeof(h) * 2 + 4];
	const char	*type, *cache;
	char		*etag;
	int		 v, page;

	memset(f, 0, sizeof(*f));
	f->body[0] = h2o_iovec_init(r->data, r->size);
	if (r->gz != NULL)
		f->body[1] = h2o_iovec_init(r->gz->data, r->gz->size);
	f->mtime = r->mtime;
	type = mime_type(r->path, r->len, &page);
	cache = is_404 ? CACHE_404 : page ? CACHE_SHORT : CACHE_LONG;
	http_date(r->mtime, lastmod);
	for (v = 0; v < 2; v++) {
		if (v == 1 && r->gz == NULL)
			break;
		/*
		 * A strong ETag per representation: a hash of the very
		 * bytes sent, so the twin has its own.
		 */
		crypto_generichash(h, sizeof(h),
		    (const unsigned char *)f->body[v].base, f->body[v].len,
		    NULL, 0);
		sodium_bin2base64(b64, sizeof(b64), h, sizeof(h),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		if ((etag = arena_alloc(ld->a, strlen(b64) + 3)) == NULL)
			return err_set(ld->err, NULL, 0, "out of memory");
		(void)snprintf(etag, strlen(b64) + 3, "\"%s\"", b64);
		f->etag[v] = h2o_iovec_init(etag, strlen(etag));
		/* A 404 must not be revalidated into a 304. */
		if (make_headers(ld, &f->hdrs[v], type, cache,
		    is_404 ? NULL : &f->etag[v], is_404 ? NULL : lastmod,
		    v == 1, r->gz != NULL) == -1)
			return -1;
	}
	return 0;
}

static int
make_headers(struct load *ld, h2o_headers_t *out, const char *type,
    const char *cache, const h2o_iovec_t *etag, const char *lastmod,
    int gz, int vary)
{
	h2o_header_t	*h;
	size_t		 n = 0, i;
	char		*lm = NULL;

	h = arena_alloc(ld->a, SNAP_MAX_HDRS * sizeof(*h));
	if (lastmod != NULL)
		lm = arena_strdup(ld->a, lastmod);
	if (h == NULL || (lastmod != NULL && lm == NULL))
		return err_set(ld->err, NULL, 0, "out of memory");
	memset(h, 0, SNAP_MAX_HDRS * sizeof(*h));
	h[n].name = &H2O_TOKEN_CONTENT_TYPE->buf;
	h[n++].value = h2o_iovec_init(type, strlen(type));
	if (gz) {
		h[n].name = &H2O_TOKEN_CONTENT_ENCODING->buf;
		h[n++].value = h2o_iovec_init(H2O_STRLIT("gzip"));
	}
	h[n].name = &H2O_TOKEN_CACHE_CONTROL->buf;
	h[n++].value = h2o_iovec_init(cache, strlen(cache));
	if (etag != NULL) {
		h[n].name = &H2O_TOKEN_ETAG->buf;
		h[n++].value = *etag;
	}
	if (lm != NULL) {
		h[n].name = &H2O_TOKEN_LAST_MODIFIED->buf;
		h[n++].value = h2o_iovec_init(lm, strlen(lm));
	}
	if (vary) {
		h[n].name = &H2O_TOKEN_VARY->buf;
		h[n++].value = h2o_iovec_init(H2O_STRLIT("Accept-Encoding"));
	}
	for (i = 0; i < ld->common->nsec; i++)
		h[n++] = ld->common->sec[i];
	out->entries = h;
	out->size = n;
	/*
	 * No spare room: should anything add a header to a response, h2o
	 * grows the vector into the request's pool instead of writing
	 * into this one, which both loops share.
	 */
	out->capacity = n;
	return 0;
}

static int
insert(struct load *ld, const char *key, size_t len, enum snap_kind kind,
    const struct snap_file *f)
{
	return insert_to(ld, key, len, kind, f, NULL, 0);
}

/*
 * A key; a redirect's Location is to (tolen bytes, already a URL path) or,
 * when to is NULL, the key with its slash.
 */
static int
insert_to(struct load *ld, const char *key, size_t len, enum snap_kind kind,
    const struct snap_file *f, const char *to, size_t tolen)
{
	static const char hex[] = "0123456789ABCDEF";
	struct snap_entry *e;
	struct buf	 loc;
	h2o_header_t	*h;
	char		*where;
	uint64_t	 hash = hash_path(key, len);
	size_t		 i, n = 0;

	for (i = (size_t)hash & ld->s->mask;; i = (i + 1) & ld->s->mask) {
		e = &ld->s->tab[i];
		if (e->hash == 0)
			break;
		if (e->hash == hash && e->keylen == len &&
		    memcmp(e->key, key, len) == 0)
			return 0;	/* the first one stands */
	}
	e->key = key;
	e->keylen = len;
	e->hash = hash;
	e->kind = kind;
	e->file = f;
	if (kind != SNAP_REDIRECT)
		return 0;
	/* Location: the path with its slash, escaped for a header. */
	buf_init(&loc, 0);
	if (to != NULL) {
		for (i = 0; i < tolen; i++) {
			unsigned char c = (unsigned char)to[i];

			if (c > 0x20 && c < 0x7f ? buf_putc(&loc, (char)c) == -1 :
			    (buf_putc(&loc, '%') == -1 ||
			    buf_putc(&loc, hex[c >> 4]) == -1 ||
			    buf_putc(&loc, hex[c & 15]) == -1))
				goto oom;
		}
		goto built;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/') {
			if (buf_putc(&loc, (char)c) == -1)
				goto oom;
		} else if (buf_putc(&loc, '%') == -1 ||
		    buf_putc(&loc, hex[c >> 4]) == -1 ||
		    buf_putc(&loc, hex[c & 15]) == -1)
			goto oom;
	}
	if (buf_putc(&loc, '/') == -1)
		goto oom;
built:
	h = arena_alloc(ld->a, (2 + ld->common->nsec) * sizeof(*h));
	if (h == NULL || (where = arena_strndup(ld->a, loc.data,
	    loc.len)) == NULL)
		goto oom;
	memset(h, 0, (2 + ld->common->nsec) * sizeof(*h));
	h[n].name = &H2O_TOKEN_LOCATION->buf;
	h[n++].value = h2o_iovec_init(where, loc.len);
	h[n].name = &H2O_TOKEN_CACHE_CONTROL->buf;
	h[n++].value = h2o_iovec_init(H2O_STRLIT(CACHE_LONG));
	for (i = 0; i < ld->common->nsec; i++)
		h[n++] = ld->common->sec[i];
	e->redirect.entries = h;
	e->redirect.size = e->redirect.capacity = n;
	buf_free(&loc);
	return 0;
oom:
	buf_free(&loc);
	return err_set(ld->err, NULL, 0, "out of memory");
}

/*
 * The media type by name.  Text says its charset, since the build writes
 * UTF-8 and a browser left to guess may not.  *is_page is set for pages
 * and feeds, which change with every post and so are cached briefly.
 */
static const char *
mime_type(const char *path, size_t len, int *is_page)
{
	static const struct {
		const char	*ext;
		const char	*type;
		int		 page;
	} types[] = {
		{ "html", "text/html; charset=utf-8", 1 },
		{ "htm", "text/html; charset=utf-8", 1 },
		{ "xml", "application/xml; charset=utf-8", 1 },
		{ "json", "application/json; charset=utf-8", 1 },
		{ "txt", "text/plain; charset=utf-8", 1 },
		{ "css", "text/css; charset=utf-8", 0 },
		{ "js", "text/javascript; charset=utf-8", 0 },
		{ "md", "text/markdown; charset=utf-8", 0 },
		{ "csv", "text/csv; charset=utf-8", 0 },
		{ "asc", "text/plain; charset=utf-8", 0 },
		{ "webmanifest", "application/manifest+json; charset=utf-8",
		  0 },
		{ "svg", "image/svg+xml; charset=utf-8", 0 },
		{ "png", "image/png", 0 },
		{ "jpg", "image/jpeg", 0 },
		{ "jpeg", "image/jpeg", 0 },
		{ "gif", "image/gif", 0 },
		{ "webp", "image/webp", 0 },
		{ "avif", "image/avif", 0 },
		{ "ico", "image/x-icon", 0 },
		{ "woff2", "font/woff2", 0 },
		{ "woff", "font/woff", 0 },
		{ "ttf", "font/ttf", 0 },
		{ "otf", "font/otf", 0 },
		{ "pdf", "application/pdf", 0 },
		{ "mp3", "audio/mpeg", 0 },
		{ "m4a", "audio/mp4", 0 },
		{ "ogg", "audio/ogg", 0 },
		{ "opus", "audio/ogg", 0 },
		{ "mp4", "video/mp4", 0 },
		{ "webm", "video/webm", 0 },
		{ "zip", "application/zip", 0 },
		{ "gz", "application/gzip", 0 },
		{ "tar", "application/x-tar", 0 },
	};
	static const struct {
		const char	*name;
		const char	*type;
	} feeds[] = {
		{ "feed.xml", "application/atom+xml; charset=utf-8" },
		{ "rss.xml", "application/rss+xml; charset=utf-8" },
		{ "feed.json", "application/feed+json; charset=utf-8" },
	};
	const char	*base, *dot;
	size_t		 i, blen, elen;

	for (base = path + len; base > path && base[-1] != '/'; base--)
		;
	blen = (size_t)(path + len - base);
	*is_page = 0;
	for (i = 0; i < sizeof(feeds) / sizeof(*feeds); i++)
		if (blen == strlen(feeds[i].name) &&
		    memcmp(base, feeds[i].name, blen) == 0) {
			*is_page = 1;
			return feeds[i].type;
		}
	for (dot = path + len; dot > base && dot[-1] != '.'; dot--)
		;
	if (dot == base)
		return "application/octet-stream";
	elen = (size_t)(path + len - dot);
	for (i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (elen == strlen(types[i].ext) &&
		    strncasecmp(dot, types[i].ext, elen) == 0) {
			*is_page = types[i].page;
			return types[i].type;
		}
	return "application/octet-stream";
}

/* FNV-1a, never 0 (0 marks an empty slot). */
static uint64_t
hash_path(const char *p, size_t n)
{
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h != 0 ? h : 1;
}

/* IMF-fixdate, spelt out by hand: strftime would follow the locale. */
static void
http_date(time_t t, char out[64])
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm	 tm;

	gmtime_r(&t, &tm);
	(void)snprintf(out, 64, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
