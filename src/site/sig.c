#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../embedded.h"
#include "../support/buf.h"
#include "../support/fsutil.h"
#include "../support/version.h"
#include "highlight.h"
#include "sig.h"

#define SIG_FILE_MAX	(16 * 1024 * 1024)

/* Feed a string with its length, so "ab"+"c" and "a"+"bc" differ. */
static void
h_str(crypto_generichash_state *h, const char *s, size_t n)
{
	uint64_t len = n;

	crypto_generichash_update(h, (const unsigned char *)&len,
	    sizeof(len));
	if (n > 0)
		crypto_generichash_update(h, (const unsigned char *)s, n);
}

static void
h_cstr(crypto_generichash_state *h, const char *s)
{
	if (s == NULL)
		h_str(h, "\xff", 1);	/* NULL is not "" */
	else
		h_str(h, s, strlen(s));
}

static void
h_num(crypto_generichash_state *h, int64_t v)
{
	crypto_generichash_update(h, (const unsigned char *)&v, sizeof(v));
}

/* Hash the names and bytes of every file in dir (sorted). */
static int
h_dir(crypto_generichash_state *h, int sitefd, const char *dir,
    struct err *err)
{
	struct fs_names	 names;
	struct buf	 path, data;
	size_t		 i;
	int		 rc = -1;

	if ((rc = fs_list(sitefd, dir, 0, &names, NULL)) != 0)
		return rc == 1 ? 0 : err_set(err, dir, 0, "%s",
		    strerror(errno));
	buf_init(&path, 0);
	buf_init(&data, 0);
	for (i = 0; i < names.n; i++) {
		buf_reset(&path);
		buf_reset(&data);
		if (buf_printf(&path, "%s/%s", dir, names.v[i]) == -1) {
			err_set(err, dir, 0, "out of memory");
			goto out;
		}
		if (fs_read_at(sitefd, path.data, SIG_FILE_MAX, &data, 1,
		    err) == -1)
			goto out;
		h_cstr(h, names.v[i]);
		h_str(h, data.data, data.len);
	}
	rc = 0;
out:
	fs_names_free(&names);
	buf_free(&path);
	buf_free(&data);
	return rc;
}

int
sig_global(const struct site *s, const struct load_opts *lo,
    const struct render_opts *ro, unsigned char out[CACHE_SIG],
    struct err *err)
{
	crypto_generichash_state h;
	const struct embedded *e;
	struct stat	 st;
	struct buf	 cfg;
	int		 rc;

	crypto_generichash_init(&h, NULL, 0, CACHE_SIG);
	h_cstr(&h, "stet " STET_VERSION);
	/*
	 * And this very binary: a stet built from newer code under the
	 * same version number must not take pages rendered by the old one
	 * for its own.  Its size and mtime are enough to tell.
	 */
	if (stat("/proc/self/exe", &st) == 0) {
		h_num(&h, (int64_t)st.st_size);
		h_num(&h, (int64_t)st.st_mtim.tv_sec);
		h_num(&h, (int64_t)st.st_mtim.tv_nsec);
	}
	for (e = embedded_files; e->name != NULL; e++) {
		h_cstr(&h, e->name);
		h_str(&h, (const char *)e->data, e->len);
	}
	/*
	 * And the highlighter, its library and the user's language
	 * definitions: a changed one colours code differently.
	 */
	buf_init(&cfg, 0);
	if (highlight_fingerprint(&cfg) == -1) {
		buf_free(&cfg);
		return err_set(err, "highlight", 0, "out of memory");
	}
	h_str(&h, cfg.data, cfg.len);
	buf_free(&cfg);
	h_num(&h, lo->drafts);
	h_num(&h, lo->future);
	h_num(&h, ro->portable);
	buf_init(&cfg, 0);
	rc = fs_read_at(s->dirfd, "stet.yaml", SIG_FILE_MAX, &cfg, 1, err);
	if (rc == -1) {
		buf_free(&cfg);
		return -1;
	}
	h_str(&h, cfg.data, cfg.len);
	buf_free(&cfg);
	if (h_dir(&h, s->dirfd, "templates", err) == -1 ||
	    h_dir(&h, s->dirfd, "pages", err) == -1)
		return -1;
	crypto_generichash_final(&h, out, CACHE_SIG);
	return 0;
}
