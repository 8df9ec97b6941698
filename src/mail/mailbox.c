#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../support/buf.h"
#include "../support/curl_lib.h"
#include "mailbox.h"

#define SEARCH_MAX	(1024 * 1024)	/* the UID SEARCH answer */
#define NAMES_MAX	100000		/* file names looked at in a run */

struct mailbox {
	int		 imap;
	char		*desc;
	/* Maildir */
	int		 dirfd;
	/* IMAP */
	CURL		*easy;
	char		*url;		/* imaps://host:port/FOLDER */
	char		*password;	/* wiped at close */
};

/* One message being fetched over IMAP, bounded by max. */
struct fetch {
	struct buf	 b;
	int		 over;
};

static int	open_maildir(struct mailbox *, const struct mailbox_opts *,
		    struct err *);
static int	open_imap(struct mailbox *, const struct mailbox_opts *,
		    struct err *);
static int	name_cmp(const void *, const void *);
static int	seen_flag(const char *);
static int	mark_read(struct mailbox *, int, const char *, struct err *);
static int	maildir_folder(struct mailbox *, int, const char *, size_t *,
		    size_t,
		    int (*)(void *, const char *, const char *, size_t,
			struct err *), void *, size_t *, struct err *);
static int	maildir_each(struct mailbox *, size_t, size_t,
		    int (*)(void *, const char *, const char *, size_t,
			struct err *), void *, size_t *, struct err *);
static size_t	imap_write(char *, size_t, size_t, void *);
static int	imap_command(struct mailbox *, const char *, const char *,
		    struct fetch *, struct err *);
static int	imap_each(struct mailbox *, size_t, size_t,
		    int (*)(void *, const char *, const char *, size_t,
			struct err *), void *, size_t *, struct err *);
static int	is_loopback(const char *);

int
mailbox_open(struct mailbox **out, const struct mailbox_opts *o,
    struct err *err)
{
	struct mailbox	*m;
	int		 r;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	m->dirfd = -1;
	if (strncmp(o->spec, "maildir:", 8) == 0)
		r = open_maildir(m, o, err);
	else if (strncmp(o->spec, "imap://", 7) == 0 ||
	    strncmp(o->spec, "imaps://", 8) == 0)
		r = open_imap(m, o, err);
	else
		r = err_set(err, NULL, 0, "mail.bounces.mailbox \"%s\": want "
		    "maildir:PATH or imaps://HOST/FOLDER", o->spec);
	if (r == -1) {
		mailbox_close(m);
		return -1;
	}
	*out = m;
	return 0;
}

void
mailbox_close(struct mailbox *m)
{
	if (m == NULL)
		return;
	if (m->dirfd != -1)
		close(m->dirfd);
	if (m->easy != NULL)
		curl_easy_cleanup(m->easy);
	if (m->password != NULL) {
		sodium_memzero(m->password, strlen(m->password));
		free(m->password);
	}
	free(m->url);
	free(m->desc);
	free(m);
}

const char *
mailbox_describe(const struct mailbox *m)
{
	return m->desc;
}

int
mailbox_each(struct mailbox *m, size_t max, size_t maxsize,
    int (*fn)(void *, const char *, const char *, size_t, struct err *),
    void *arg, size_t *n, struct err *err)
{
	*n = 0;
	return m->imap ? imap_each(m, max, maxsize, fn, arg, n, err) :
	    maildir_each(m, max, maxsize, fn, arg, n, err);
}

/* --- Maildir -------------------------------------------------------- */

static int
open_maildir(struct mailbox *m, const struct mailbox_opts *o,
    struct err *err)
{
	const char	*p = o->spec + 8;
	struct buf	 b;

	if (*p == '\0')
		return err_set(err, NULL, 0, "mail.bounces.mailbox maildir: "
		    "names no folder; use maildir:PATH");
	buf_init(&b, 0);
	if ((*p != '/' && buf_printf(&b, "%s/", o->sitedir) == -1) ||
	    buf_puts(&b, p) == -1) {
		buf_free(&b);
		return err_set(err, NULL, 0, "out of memory");
	}
	m->dirfd = open(b.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->dirfd == -1) {
		err_set(err, b.data, 0, "the bounce mailbox: %s",
		    strerror(errno));
		buf_free(&b);
		return -1;
	}
	if ((m->desc = malloc(b.len + 9)) == NULL) {
		buf_free(&b);
		return err_set(err, NULL, 0, "out of memory");
	}
	(void)snprintf(m->desc, b.len + 9, "maildir:%s", b.data);
	buf_free(&b);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Does a cur/ name ("UNIQUE:2,FLAGS") carry the seen flag? */
static int
seen_flag(const char *name)
{
	const char	*info = strstr(name, ":2,");

	return info != NULL && strchr(info + 3, 'S') != NULL;
}

/*
 * Move new/NAME or cur/NAME to cur/NAME:2,FLAGS with S among its flags,
 * kept in ASCII order as the Maildir specification asks.
 */
static int
mark_read(struct mailbox *m, int fromfd, const char *name, struct err *err)
{
	const char	*info = strstr(name, ":2,");
	char		 to[NAME_MAX + 1], flags[64];
	size_t		 base, nf = 0, i;
	int		 curfd, r;

	base = info != NULL ? (size_t)(info - name) : strlen(name);
	if (info != NULL)
		for (i = 0; info[3 + i] != '\0' && nf + 2 < sizeof(flags); i++)
			if (info[3 + i] != 'S')
				flags[nf++] = info[3 + i];
	for (i = 0; i < nf && flags[i] < 'S'; i++)
		;
	memmove(flags + i + 1, flags + i, nf - i);
	flags[i] = 'S';
	flags[++nf] = '\0';
	r = snprintf(to, sizeof(to), "%.*s:2,%s", (int)base, name, flags);
	if (r < 0 || (size_t)r >= sizeof(to))
		return err_set(err, name, 0, "a name too long to flag");
	if ((curfd = openat(m->dirfd, "cur", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return err_set(err, "cur", 0, "%s", strerror(errno));
	/*
	 * Not flushed: a move lost to a power cut leaves the message
	 * unread, and reading it again counts nothing twice (the store
	 * keeps a digest of each one recorded, committed first).
	 */
	r = renameat(fromfd, name, curfd, to);
	close(curfd);
	if (r == -1)
		return err_set(err, name, 0, "cannot mark as read: %s",
		    strerror(errno));
	return 0;
}

static int
maildir_folder(struct mailbox *m, int cur, const char *folder, size_t *left,
    size_t maxsize,
    int (*fn)(void *, const char *, const char *, size_t, struct err *),
    void *arg, size_t *n, struct err *err)
{
	DIR		*d = NULL;
	struct dirent	*de;
	struct stat	 st;
	struct buf	 msg;
	char		**names = NULL, **grown;
	size_t		 nnames = 0, cap = 0, i;
	int		 fd = -1, dfd = -1, r, rc = -1;

	buf_init(&msg, 0);
	if ((dfd = openat(m->dirfd, folder, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		return err_set(err, folder, 0, "%s", strerror(errno));
	}
	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		err_set(err, folder, 0, "%s", strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	while ((de = readdir(d)) != NULL && nnames < NAMES_MAX) {
		if (de->d_name[0] == '.' || (cur && seen_flag(de->d_name)))
			continue;
		if (nnames == cap) {
			cap = cap ? cap * 2 : 64;
			if ((grown = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				err_set(err, NULL, 0, "out of memory");
				goto out;
			}
			names = grown;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL) {
			err_set(err, NULL, 0, "out of memory");
			goto out;
		}
		nnames++;
	}
	/* Maildir names begin with the time of delivery: oldest first. */
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), name_cmp);
	for (i = 0; i < nnames && *left > 0; i++) {
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		buf_reset(&msg);
		(*left)--;
		(*n)++;
		if ((size_t)st.st_size > maxsize)
			r = fn(arg, names[i], NULL, (size_t)st.st_size, err);
		else if ((fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1) {
			/* Taken meanwhile by a mail client: not ours now. */
			if (errno == ENOENT)
				continue;
			err_set(err, names[i], 0, "%s", strerror(errno));
			goto out;
		} else {
			r = 0;
			while (r == 0) {
				char	 chunk[16384];
				ssize_t	 k = read(fd, chunk, sizeof(chunk));

				if (k < 0 && errno == EINTR)
					continue;
				if (k <= 0) {
					r = k < 0 ? -1 : 1;
					break;
				}
				if (msg.len + (size_t)k > maxsize ||
				    buf_put(&msg, chunk, (size_t)k) == -1)
					r = -1;
			}
			close(fd);
			if (r == -1) {
				err_set(err, names[i], 0, "cannot read it");
				goto out;
			}
			r = fn(arg, names[i], msg.len > 0 ? msg.data : "",
			    msg.len, err);
		}
		if (r == -1)
			goto out;
		if (r == 1 && mark_read(m, dfd, names[i], err) == -1)
			goto out;
	}
	rc = 0;
out:
	if (d != NULL)
		closedir(d);
	if (dfd != -1)
		close(dfd);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	buf_free(&msg);
	return rc;
}

static int
maildir_each(struct mailbox *m, size_t max, size_t maxsize,
    int (*fn)(void *, const char *, const char *, size_t, struct err *),
    void *arg, size_t *n, struct err *err)
{
	size_t	 left = max;

	if (maildir_folder(m, 0, "new", &left, maxsize, fn, arg, n,
	    err) == -1)
		return -1;
	return maildir_folder(m, 1, "cur", &left, maxsize, fn, arg, n, err);
}

/* --- IMAP ------------------------------------------------------------ */

static int
is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 ||
	    strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0;
}

static int
open_imap(struct mailbox *m, const struct mailbox_opts *o, struct err *err)
{
	CURLU		*u;
	char		*host = NULL, *path = NULL, *url = NULL;
	int		 tls = strncmp(o->spec, "imaps://", 8) == 0, rc = -1;

	if (curl_lib_load("bounces over IMAP", err) == -1)
		return -1;
	if ((u = curl_url()) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, o->spec, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		err_set(err, NULL, 0, "mail.bounces.mailbox \"%s\": not a URL",
		    o->spec);
		goto out;
	}
	/* The password would cross the network in the clear. */
	if (!tls && !is_loopback(host)) {
		err_set(err, NULL, 0, "mail.bounces.mailbox \"%s\": use "
		    "imaps:// (imap:// is for a loopback address only)",
		    o->spec);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
	    path == NULL || strcmp(path, "/") == 0) {
		if (curl_url_set(u, CURLUPART_PATH, "/INBOX", 0) != CURLUE_OK) {
			err_set(err, NULL, 0, "out of memory");
			goto out;
		}
	}
	if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK ||
	    (m->url = strdup(url)) == NULL || (m->desc = strdup(url)) ==
	    NULL || (m->easy = curl_easy_init()) == NULL) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	if (o->password != NULL && (m->password = strdup(o->password)) ==
	    NULL) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	if (curl_easy_setopt(m->easy, CURLOPT_PROTOCOLS_STR, "imap,imaps") !=
	    CURLE_OK ||
	    curl_easy_setopt(m->easy, CURLOPT_USE_SSL, tls ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE) != CURLE_OK ||
	    curl_easy_setopt(m->easy, CURLOPT_TIMEOUT, (long)o->timeout) !=
	    CURLE_OK ||
	    curl_easy_setopt(m->easy, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(m->easy, CURLOPT_WRITEFUNCTION, imap_write) !=
	    CURLE_OK ||
	    (o->username != NULL && curl_easy_setopt(m->easy,
	    CURLOPT_USERNAME, o->username) != CURLE_OK) ||
	    (m->password != NULL && curl_easy_setopt(m->easy,
	    CURLOPT_PASSWORD, m->password) != CURLE_OK)) {
		err_set(err, NULL, 0, "libcurl refused the IMAP settings");
		goto out;
	}
	m->imap = 1;
	rc = 0;
out:
	curl_free(host);
	curl_free(path);
	curl_free(url);
	curl_url_cleanup(u);
	return rc;
}

static size_t
imap_write(char *p, size_t size, size_t nitems, void *arg)
{
	struct fetch	*f = arg;
	size_t		 n = size * nitems;

	if (buf_put(&f->b, p, n) == -1) {
		/* Past the bound: stop the transfer, say why. */
		f->over = 1;
		return 0;
	}
	return n;
}

/*
 * Run one IMAP request: cmd (NULL: a plain fetch of url) on url, its
 * answer into f when not NULL.  0, or -1 with err (f->over says the
 * answer passed its bound).
 */
static int
imap_command(struct mailbox *m, const char *url, const char *cmd,
    struct fetch *f, struct err *err)
{
	struct fetch	 sink;
	CURLcode	 rc;

	buf_init(&sink.b, 65536);
	sink.over = 0;
	if (f == NULL)
		f = &sink;
	if (curl_easy_setopt(m->easy, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(m->easy, CURLOPT_CUSTOMREQUEST, cmd) !=
	    CURLE_OK ||
	    curl_easy_setopt(m->easy, CURLOPT_WRITEDATA, f) != CURLE_OK) {
		buf_free(&sink.b);
		return err_set(err, NULL, 0, "libcurl refused the request");
	}
	rc = curl_easy_perform(m->easy);
	buf_free(&sink.b);
	if (rc == CURLE_WRITE_ERROR && f->over)
		return -1;
	if (rc != CURLE_OK)
		return err_set(err, NULL, 0, "%s: %s", m->desc,
		    curl_easy_strerror(rc));
	return 0;
}

static int
imap_each(struct mailbox *m, size_t max, size_t maxsize,
    int (*fn)(void *, const char *, const char *, size_t, struct err *),
    void *arg, size_t *n, struct err *err)
{
	struct fetch	 f;
	struct buf	 url;
	struct err	 later;
	char		*p, *end, *line, cmd[64], name[32];
	unsigned long	*uids = NULL, *grown;
	size_t		 nuids = 0, cap = 0, i;
	int		 r, rc = -1;

	buf_init(&f.b, SEARCH_MAX);
	f.over = 0;
	buf_init(&url, 0);
	if (imap_command(m, m->url, "UID SEARCH UNSEEN", &f, err) == -1) {
		if (f.over)
			err_set(err, NULL, 0, "%s: the list of unread messages "
			    "is too long", m->desc);
		goto out;
	}
	/* "* SEARCH 4 7 9": each line, each number. */
	for (line = f.b.data; line != NULL && *line != '\0'; line = end) {
		if ((end = strchr(line, '\n')) != NULL)
			*end++ = '\0';
		if (strncmp(line, "* SEARCH", 8) != 0)
			continue;
		for (p = line + 8; *p != '\0';) {
			unsigned long	 v;
			char		*q;

			while (*p == ' ' || *p == '\r')
				p++;
			if (*p == '\0')
				break;
			v = strtoul(p, &q, 10);
			if (q == p || v == 0)
				break;
			p = q;
			if (nuids == cap) {
				cap = cap ? cap * 2 : 64;
				if ((grown = realloc(uids, cap *
				    sizeof(*uids))) == NULL) {
					err_set(err, NULL, 0, "out of memory");
					goto out;
				}
				uids = grown;
			}
			uids[nuids++] = v;
		}
	}
	for (i = 0; i < nuids && i < max; i++) {
		buf_free(&f.b);
		buf_init(&f.b, maxsize);
		f.over = 0;
		buf_reset(&url);
		if (buf_printf(&url, "%s/;UID=%lu", m->url, uids[i]) == -1) {
			err_set(err, NULL, 0, "out of memory");
			goto out;
		}
		(void)snprintf(name, sizeof(name), "UID %lu", uids[i]);
		(*n)++;
		if (imap_command(m, url.data, NULL, &f, err) == -1) {
			if (!f.over)
				goto out;
			r = fn(arg, name, NULL, maxsize + 1, err);
		} else
			r = fn(arg, name, f.b.len > 0 ? f.b.data : "",
			    f.b.len, err);
		/*
		 * Fetching the body set \Seen; one to try again (or on
		 * which the run stopped) is made unread, and one done is
		 * flagged again in case the server does not set it on a
		 * fetch.
		 */
		(void)snprintf(cmd, sizeof(cmd), "UID STORE %lu %cFLAGS "
		    "(\\Seen)", uids[i], r == 1 ? '+' : '-');
		if (r == -1) {
			(void)imap_command(m, m->url, cmd, NULL, &later);
			goto out;
		}
		if (imap_command(m, m->url, cmd, NULL, err) == -1)
			goto out;
	}
	rc = 0;
out:
	buf_free(&f.b);
	buf_free(&url);
	free(uids);
	return rc;
}
