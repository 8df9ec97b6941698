#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../support/curl_lib.h"
#include "../support/fsutil.h"
#include "media.h"

#define MEDIA_TIMEOUT	30L

struct sink {
	struct buf	*b;
	size_t		 max;
	int		 over;
};

void
media_init(struct media *m, int dirfd, size_t max_count, size_t max_bytes)
{
	memset(m, 0, sizeof(*m));
	m->dirfd = dirfd;
	m->max_count = max_count;
	m->max_bytes = max_bytes;
}

void
media_free(struct media *m)
{
	if (m->curl != NULL)
		curl_easy_cleanup(m->curl);
	m->curl = NULL;
}

static size_t
sink_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct sink	*s = arg;
	size_t		 n = size * nmemb;

	if (s->b->len + n > s->max) {
		s->over = 1;
		return 0;	/* stops the transfer */
	}
	return buf_put(s->b, p, n) == -1 ? 0 : n;
}

/* The file's name on the new site: a hash of the URL, then its name. */
static int
local_name(struct buf *out, const char *url, size_t n)
{
	uint64_t	 h = 1469598103934665603ULL;
	const char	*end = url + n, *q, *base;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)url[i]) * 1099511628211ULL;
	if ((q = memchr(url, '?', n)) != NULL)
		end = q;
	if ((q = memchr(url, '#', (size_t)(end - url))) != NULL)
		end = q;
	for (base = end; base > url && base[-1] != '/'; base--)
		;
	if (buf_printf(out, "media/%08x-", (unsigned)(h & 0xffffffffu)) == -1)
		return -1;
	for (i = 0; base + i < end && i < 80; i++) {
		char c = base[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
			c = '-';
		if (buf_putc(out, c) == -1)
			return -1;
	}
	if (base == end && BUF_LIT(out, "image") == -1)
		return -1;
	return 0;
}

int
media_fetch(struct media *m, const char *url, size_t n, struct buf *out,
    struct err *err)
{
	struct buf	 u, name, path, body;
	struct sink	 sk;
	struct stat	 st;
	CURLcode	 cc;
	long		 code = 0;
	int		 rc = -1, fd;

	buf_init(&u, 0);
	buf_init(&name, 0);
	buf_init(&path, 0);
	buf_init(&body, 0);
	if ((n > 2 && url[0] == '/' && url[1] == '/' && BUF_LIT(&u, "https:") ==
	    -1) || buf_put(&u, url, n) == -1 || local_name(&name, url, n) ==
	    -1 || buf_printf(&path, "static/%s", name.data) == -1)
		goto out;
	/* Fetched already (the same image in two posts). */
	if (fstatat(m->dirfd, path.data, &st, 0) == 0) {
		rc = buf_printf(out, "/%s", name.data) == -1 ? -1 : 0;
		goto out;
	}
	if (m->count >= m->max_count) {
		err_set(err, NULL, 0, "not fetched: --fetch-media took %zu "
		    "images already", m->max_count);
		rc = 1;
		goto out;
	}
	if (curl_lib_load("--fetch-media", err) == -1) {
		rc = 1;
		goto out;
	}
	if (m->curl == NULL && (m->curl = curl_easy_init()) == NULL)
		goto out;
	curl_easy_reset(m->curl);
	sk.b = &body;
	sk.max = m->max_bytes;
	sk.over = 0;
	curl_easy_setopt(m->curl, CURLOPT_URL, u.data);
	curl_easy_setopt(m->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(m->curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(m->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(m->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(m->curl, CURLOPT_TIMEOUT, MEDIA_TIMEOUT);
	curl_easy_setopt(m->curl, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)m->max_bytes);
	curl_easy_setopt(m->curl, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(m->curl, CURLOPT_WRITEDATA, &sk);
	curl_easy_setopt(m->curl, CURLOPT_USERAGENT, "stet-import");
	m->count++;
	cc = curl_easy_perform(m->curl);
	curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &code);
	if (cc != CURLE_OK || code != 200) {
		m->failed++;
		err_set(err, NULL, 0, "not fetched: %s", sk.over ?
		    "larger than the --fetch-media bound" : cc != CURLE_OK ?
		    curl_easy_strerror(cc) : "the server did not answer 200");
		rc = 1;
		goto out;
	}
	if (fs_mkdirs_at(m->dirfd, "static/media") == -1 ||
	    (fd = openat(m->dirfd, path.data, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0644)) == -1) {
		err_set(err, path.data, 0, "cannot write: %s", strerror(errno));
		rc = 1;
		goto out;
	}
	if (fs_write_all(fd, body.data, body.len) == -1) {
		close(fd);
		(void)unlinkat(m->dirfd, path.data, 0);	/* half a file */
		err_set(err, path.data, 0, "cannot write: %s", strerror(errno));
		rc = 1;
		goto out;
	}
	close(fd);
	rc = buf_printf(out, "/%s", name.data) == -1 ? -1 : 0;
out:
	buf_free(&u);
	buf_free(&name);
	buf_free(&path);
	buf_free(&body);
	return rc;
}
