/*
 * Highlighted code kept between builds, in .stet/code: the runs the
 * highlighter gave each block of code, by the block's language and
 * bytes.  A rebuild renders again the pages around an edit (a title
 * shows on its neighbours' pages), and their code has not changed; the
 * highlighter costs some 20 ms to load (Qt's libraries, the index of
 * definitions) and more on each thread for each language's definition,
 * which such a rebuild then skips.  The file is valid only for the
 * highlighter's fingerprint it records (highlight_fingerprint: the
 * plugin, the library and the user's definitions); runs replayed go
 * through the same span-writing as fresh ones, so what turns runs into
 * HTML may change freely.
 *
 * The file, in this machine's byte order (it never leaves .stet/):
 *	MAGIC padded with NULs to 16 bytes, the fingerprint's hash (8
 *	bytes), the number of blocks n (8), n entries sorted by key (struct
 *	entry), then their runs.  The entries are read where they lie: the
 *	32 bytes before them keep them aligned.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fsutil.h"
#include "../support/hash.h"
#include "highlight.h"
#include "highlight_cache.h"

#define CODE_FILE	".stet/code"
#define CODE_TMP	".stet/code.tmp"
#define CODE_MAX	(1024u * 1024 * 1024)
#define MAGIC		"stet-code 2\n"
#define MAGIC_LEN	(sizeof(MAGIC) - 1)
#define HEAD		32
_Static_assert(MAGIC_LEN <= 16, "the magic and its padding are 16 bytes");
/* A second seed, so a block's key is two hashes that disagree. */
#define SEED2		0x9e3779b97f4a7c15ULL

struct entry {
	uint64_t	 k0, k1;
	uint64_t	 sum;		/* of its runs: a bad disk block is
					   caught, not replayed forever */
	uint32_t	 off;		/* of its runs, past the entries */
	uint32_t	 len;
};

/* A block highlighted by this build. */
struct fresh {
	uint64_t	 k0, k1;
	unsigned char	*runs;		/* owned */
	size_t		 len;
};

static struct {
	pthread_mutex_t	 mu;
	int		 open;		/* between open and close */
	int		 dirfd;
	int		 fp_known;	/* fp found (when first needed) */
	uint64_t	 fp;
	int		 read;		/* the file was looked at */
	struct buf	 file;		/* its bytes */
	const struct entry *old;	/* its entries, in file */
	size_t		 nold;
	const unsigned char *data;
	size_t		 ndata;
	unsigned char	*used;		/* per old entry: this build's (1),
					   or found bad (2) */
	struct fresh	*fresh;
	size_t		 nfresh, cap;
} hc = { .mu = PTHREAD_MUTEX_INITIALIZER, .dirfd = -1 };

static void
key(const char *def, const char *code, size_t len, uint64_t *k0,
    uint64_t *k1)
{
	*k0 = hash_bytes(hash_str(HASH_INIT, def), code, len);
	*k1 = hash_num(hash_bytes(hash_str(SEED2, def), code, len),
	    (int64_t)len);
}

static int
key_cmp(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	return a1 < b1 ? -1 : a1 > b1;
}

int
hlc_put_run(struct buf *runs, char cls, size_t off, size_t len)
{
	size_t	 v[2] = { off, len }, k;

	if (buf_putc(runs, cls) == -1)
		return -1;
	for (k = 0; k < 2; k++) {
		/* LEB128: seven bits a byte, the high bit set but last. */
		while (v[k] >= 0x80) {
			if (buf_putc(runs, (char)(0x80 | (v[k] & 0x7f))) == -1)
				return -1;
			v[k] >>= 7;
		}
		if (buf_putc(runs, (char)v[k]) == -1)
			return -1;
	}
	return 0;
}

int
hlc_next_run(const unsigned char **p, const unsigned char *end, char *cls,
    size_t *off, size_t *len)
{
	const unsigned char *q = *p;
	size_t		 v[2], k;
	int		 shift;

	if (q >= end)
		return 0;
	*cls = (char)*q++;
	for (k = 0; k < 2; k++) {
		v[k] = 0;
		for (shift = 0;; shift += 7) {
			if (q >= end || shift > 56)
				return 0;
			v[k] |= (size_t)(*q & 0x7f) << shift;
			if ((*q++ & 0x80) == 0)
				break;
		}
	}
	*off = v[0];
	*len = v[1];
	*p = q;
	return 1;
}

/*
 * The hash of the highlighter's fingerprint, found the first time it is
 * needed (mu held): a build that highlights nothing never asks.  0, or
 * -1 out of memory.
 */
static int
fingerprint(void)
{
	struct buf	 fp;

	if (hc.fp_known)
		return 0;
	buf_init(&fp, 0);
	if (highlight_fingerprint(&fp) == -1) {
		buf_free(&fp);
		return -1;
	}
	hc.fp = hash_bytes(HASH_INIT, fp.data, fp.len);
	hc.fp_known = 1;
	buf_free(&fp);
	return 0;
}

/* Read the file, if it is there and of this fingerprint (mu held). */
static void
read_file(void)
{
	const unsigned char *p;
	struct err	 err;
	uint64_t	 fp, n;
	size_t		 i;

	hc.read = 1;
	if (fingerprint() == -1 ||
	    fs_read_at(hc.dirfd, CODE_FILE, CODE_MAX, &hc.file, 1, &err) != 0)
		goto drop;
	p = (const unsigned char *)hc.file.data;
	if (hc.file.len < HEAD || memcmp(p, MAGIC, MAGIC_LEN) != 0)
		goto drop;
	memcpy(&fp, p + 16, 8);
	memcpy(&n, p + 24, 8);
	if (fp != hc.fp || n > (hc.file.len - HEAD) / sizeof(struct entry))
		goto drop;
	hc.old = (const struct entry *)(const void *)(p + HEAD);
	hc.nold = (size_t)n;
	hc.data = p + HEAD + hc.nold * sizeof(struct entry);
	hc.ndata = hc.file.len - HEAD - hc.nold * sizeof(struct entry);
	for (i = 0; i < hc.nold; i++)
		if (hc.old[i].off > hc.ndata ||
		    hc.old[i].len > hc.ndata - hc.old[i].off ||
		    (i > 0 && key_cmp(hc.old[i - 1].k0, hc.old[i - 1].k1,
		    hc.old[i].k0, hc.old[i].k1) >= 0))
			goto drop;
	if ((hc.used = calloc(hc.nold ? hc.nold : 1, 1)) == NULL)
		goto drop;
	return;
drop:
	/* Missing, torn or of another highlighter: start afresh. */
	buf_free(&hc.file);
	hc.old = NULL;
	hc.nold = 0;
	hc.data = NULL;
	hc.ndata = 0;
}

int
hlc_find(const char *def, const char *code, size_t len,
    const unsigned char **runs, size_t *n)
{
	uint64_t	 k0, k1;
	size_t		 lo, hi, mid;
	int		 c, hit = 0;

	pthread_mutex_lock(&hc.mu);
	if (!hc.open)
		goto out;
	if (!hc.read)
		read_file();
	key(def, code, len, &k0, &k1);
	for (lo = 0, hi = hc.nold; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		c = key_cmp(k0, k1, hc.old[mid].k0, hc.old[mid].k1);
		if (c == 0) {
			*runs = hc.data + hc.old[mid].off;
			*n = hc.old[mid].len;
			/* Bad: highlighted again, and not kept. */
			if (hash_bytes(HASH_INIT, *runs, *n) !=
			    hc.old[mid].sum) {
				hc.used[mid] = 2;
				break;
			}
			hc.used[mid] = 1;
			hit = 1;
			break;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
out:
	pthread_mutex_unlock(&hc.mu);
	return hit;
}

void
hlc_add(const char *def, const char *code, size_t len,
    const unsigned char *runs, size_t n)
{
	struct fresh	*v, *f;

	pthread_mutex_lock(&hc.mu);
	/* Best effort: a block not kept is highlighted again next time. */
	if (!hc.open || n > UINT32_MAX)
		goto out;
	if (hc.nfresh == hc.cap) {
		size_t cap = hc.cap ? hc.cap * 2 : 256;

		if ((v = realloc(hc.fresh, cap * sizeof(*v))) == NULL)
			goto out;
		hc.fresh = v;
		hc.cap = cap;
	}
	f = &hc.fresh[hc.nfresh];
	if ((f->runs = malloc(n ? n : 1)) == NULL)
		goto out;
	memcpy(f->runs, runs, n);
	f->len = n;
	key(def, code, len, &f->k0, &f->k1);
	hc.nfresh++;
out:
	pthread_mutex_unlock(&hc.mu);
}

void
highlight_cache_open(int dirfd)
{
	highlight_cache_close();
	pthread_mutex_lock(&hc.mu);
	hc.dirfd = dirfd;
	hc.open = 1;
	pthread_mutex_unlock(&hc.mu);
}

/* One entry of the file to write: an old one or a fresh one. */
struct out {
	uint64_t		 k0, k1;
	const unsigned char	*runs;
	size_t			 len;
};

static int
out_cmp(const void *a, const void *b)
{
	const struct out *x = a, *y = b;

	return key_cmp(x->k0, x->k1, y->k0, y->k1);
}

int
highlight_cache_save(int used_only, struct err *err)
{
	struct out	*v = NULL;
	struct entry	 e;
	struct buf	 b;
	size_t		 i, n = 0, k, off;
	uint64_t	 count;
	int		 rc = -1, dropped = 0;

	buf_init(&b, 0);
	pthread_mutex_lock(&hc.mu);
	/* Nothing new, and what it holds is kept: no need to read it. */
	if (!hc.open || (hc.nfresh == 0 && !used_only))
		goto done;
	if (!hc.read)
		read_file();
	if (fingerprint() == -1)
		goto oom;
	for (i = 0; i < hc.nold; i++)
		dropped |= (used_only && !hc.used[i]) || hc.used[i] == 2;
	/* Nothing new and nothing to forget: the file stands. */
	if (hc.nfresh == 0 && !dropped)
		goto done;
	if ((v = malloc((hc.nold + hc.nfresh + 1) * sizeof(*v))) == NULL)
		goto oom;
	for (i = 0; i < hc.nold; i++)
		if ((!used_only || hc.used[i]) && hc.used[i] != 2) {
			v[n].k0 = hc.old[i].k0;
			v[n].k1 = hc.old[i].k1;
			v[n].runs = hc.data + hc.old[i].off;
			v[n++].len = hc.old[i].len;
		}
	for (i = 0; i < hc.nfresh; i++) {
		v[n].k0 = hc.fresh[i].k0;
		v[n].k1 = hc.fresh[i].k1;
		v[n].runs = hc.fresh[i].runs;
		v[n++].len = hc.fresh[i].len;
	}
	qsort(v, n, sizeof(*v), out_cmp);
	/* The same block in two posts was highlighted twice: keep one. */
	for (i = k = 0; i < n; i++)
		if (k == 0 || out_cmp(&v[k - 1], &v[i]) != 0)
			v[k++] = v[i];
	n = k;
	count = n;
	if (buf_put(&b, MAGIC "\0\0\0\0", 16) == -1 ||
	    buf_put(&b, &hc.fp, 8) == -1 || buf_put(&b, &count, 8) == -1)
		goto oom;
	for (i = off = 0; i < n; off += v[i].len, i++) {
		if (off > UINT32_MAX - v[i].len)
			break;	/* 4 GB of runs: the rest is left out */
		memset(&e, 0, sizeof(e));
		e.k0 = v[i].k0;
		e.k1 = v[i].k1;
		e.sum = hash_bytes(HASH_INIT, v[i].runs, v[i].len);
		e.off = (uint32_t)off;
		e.len = (uint32_t)v[i].len;
		if (buf_put(&b, &e, sizeof(e)) == -1)
			goto oom;
	}
	if (i < n) {
		/* Fewer entries than counted: write the count again. */
		count = i;
		memcpy(b.data + 24, &count, 8);
		n = i;
	}
	for (i = 0; i < n; i++)
		if (buf_put(&b, v[i].runs, v[i].len) == -1)
			goto oom;
	if (fs_write_atomic(hc.dirfd, CODE_FILE, CODE_TMP, b.data, b.len,
	    0) == -1) {
		err_set(err, CODE_FILE, 0, "%s", strerror(errno));
		goto out;
	}
done:
	rc = 0;
	goto out;
oom:
	err_set(err, CODE_FILE, 0, "out of memory");
out:
	pthread_mutex_unlock(&hc.mu);
	free(v);
	buf_free(&b);
	return rc;
}

void
highlight_cache_close(void)
{
	size_t	 i;

	pthread_mutex_lock(&hc.mu);
	for (i = 0; i < hc.nfresh; i++)
		free(hc.fresh[i].runs);
	free(hc.fresh);
	free(hc.used);
	buf_free(&hc.file);
	hc.fresh = NULL;
	hc.nfresh = hc.cap = 0;
	hc.used = NULL;
	hc.old = NULL;
	hc.nold = 0;
	hc.data = NULL;
	hc.ndata = 0;
	hc.read = 0;
	hc.fp_known = 0;
	hc.open = 0;
	hc.dirfd = -1;
	pthread_mutex_unlock(&hc.mu);
}
