#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../support/buf.h"
#include "../support/curl_lib.h"
#include "maildir.h"
#include "transport.h"

#define SMTP_PORT	587
#define SMTPS_PORT	465
#define SENDMAIL_PATH	"/usr/sbin/sendmail"
#define SENDMAIL_ENV	"STET_SENDMAIL"	/* the tests' stand-in */
#define CONNECT_MAX	30	/* seconds: a relay slower to answer is down */
#define POLL_MAX_MS	1000
#define STOP_POLL_MS	250	/* how soon a rate-limited wait sees stop */
#define HOST_MAX	253
#define ACCEPTED	"maildir:PATH, smtp://HOST[:PORT], smtps://HOST[:PORT] " \
			"or sendmail"

enum mailer_kind {
	MAILER_MAILDIR,
	MAILER_SMTP,
	MAILER_SENDMAIL
};

struct conn;

struct mailer {
	enum mailer_kind kind;
	/* The maildir folder (absolute), the sendmail program, or the
	 * smtp[s]://host:port that libcurl is given. */
	char		*target;
	char		*desc;		/* for mailer_describe */
	int		 tls_try;	/* loopback: STARTTLS only if offered */
	char		*from;		/* bare envelope sender */
	char		*username;	/* NULL: no AUTH */
	char		*password;	/* wiped at close */
	unsigned	 timeout;
	size_t		 connections;
	double		 rate;
	const atomic_int *stop;
	/*
	 * SMTP: the multi and one easy handle per connection, kept from one
	 * mailer_run to the next so the connections stay open between
	 * batches; mailer_hangup closes them.
	 */
	CURLM		*multi;
	struct conn	*conns;
	struct mail_job	*djobs;
	struct mail_result *dres;
};

/* Spacing messages out: message k starts no sooner than start + k/rate. */
struct pace {
	uint64_t	 start;		/* ns, CLOCK_MONOTONIC */
	double		 rate;
	size_t		 started;
};

enum conn_state {
	CONN_IDLE,	/* free for the next message */
	CONN_BUSY,	/* its easy handle is in the multi */
	CONN_DONE	/* finished, result not yet given to done() */
};

/*
 * One SMTP connection's easy handle and the message on it.  The handle
 * lives for the whole run, so libcurl finds the connection it left in
 * the multi's cache and skips the greeting, TLS and AUTH next time.
 */
struct conn {
	CURL		*easy;
	enum conn_state	 state;
	struct mail_job	 job;
	struct mail_result res;
	struct curl_slist *rcpt;
	size_t		 off;		/* bytes of job.msg given to libcurl */
	int		 body_sent;	/* all of them: a reply is to the data */
	int		 got_reply;	/* the server said anything this time */
	int		 reused;	/* on a connection an earlier one left */
	int		 quitting;	/* QUIT sent: replies no longer count */
	char		 cmd[12];	/* verb of the last command sent */
	char		 reply[256];	/* last reply line, printable */
	char		 errbuf[CURL_ERROR_SIZE];
};

typedef int	(*next_fn)(void *, struct mail_job *, struct err *);
typedef int	(*done_fn)(void *, struct mail_job *,
		    const struct mail_result *, size_t, struct err *);

static uint64_t	now_ns(void);
static void	pace_init(struct pace *, double);
static long	pace_wait(const struct pace *);
static int	stopped(const struct mailer *);
static int	plain_addr(const char *);
static void	copy_line(char *, size_t, const char *, size_t);
static int	is_loopback(const char *);
static int	open_smtp(struct mailer *, const char *, struct err *);
static int	open_maildir(struct mailer *, const char *, const char *,
		    struct err *);
static int	open_sendmail(struct mailer *, struct err *);
static int	smtp_debug(CURL *, curl_infotype, char *, size_t, void *);
static size_t	smtp_read(char *, size_t, size_t, void *);
static int	smtp_setup(const struct mailer *, struct conn *);
static void	smtp_start(const struct mailer *, CURLM *, struct conn *);
static const char *smtp_classify(struct conn *, CURLcode);
static const char *smtp_finish(CURLM *, struct conn *, CURLcode);
static int	smtp_handles(struct mailer *, struct err *);
static int	smtp_run(struct mailer *, next_fn, done_fn, void *,
		    struct err *);
static int	maildir_send(const struct mailer *, const struct mail_job *,
		    struct mail_result *, struct err *);
static int	sendmail_write(int, const char *, size_t);
static int	sendmail_wait(pid_t, unsigned, int *);
static int	sendmail_send(const struct mailer *, const struct mail_job *,
		    struct mail_result *, struct err *);
static int	seq_run(struct mailer *, next_fn, done_fn, void *,
		    struct err *);

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
pace_init(struct pace *p, double rate)
{
	p->start = now_ns();
	p->rate = rate;
	p->started = 0;
}

/* 0: the next message may start now; else milliseconds to wait. */
static long
pace_wait(const struct pace *p)
{
	uint64_t	 due, now;

	if (p->rate <= 0)
		return 0;
	due = p->start + (uint64_t)((double)p->started * 1e9 / p->rate);
	now = now_ns();
	if (now >= due)
		return 0;
	/* Round up, or a wait of 0.4 ms would spin on a 0 ms poll. */
	return (long)((due - now + 999999) / 1000000);
}

static int
stopped(const struct mailer *m)
{
	return m->stop != NULL && atomic_load(m->stop) != 0;
}

/*
 * An address that can go between < and > in an SMTP command as it is:
 * no space, no control character, no bracket.  compose checks addresses
 * properly; this only keeps a bad one from writing a command of its own.
 */
static int
plain_addr(const char *a)
{
	const unsigned char *p;

	if (a == NULL || *a == '\0')
		return 0;
	for (p = (const unsigned char *)a; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

/*
 * A server's line into dst, trimmed, with anything unprintable made '?'
 * since it ends up in messages and logs.
 */
static void
copy_line(char *dst, size_t dstsize, const char *s, size_t n)
{
	size_t	 i, j = 0;

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	for (i = 0; i < n && j + 1 < dstsize; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[j++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	dst[j] = '\0';
}

/* 127.0.0.0/8, ::1 (bracketed or not), ::ffff:127.x, "localhost". */
static int
is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		 h[INET6_ADDRSTRLEN + 1];
	size_t		 n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' &&
	    n - 2 < sizeof(h)) {
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		host = h;
	}
	if (inet_pton(AF_INET6, host, &a6) != 1)
		return 0;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

/*
 * smtp://HOST[:PORT] or smtps://HOST[:PORT] and nothing else: a
 * user:password@ would put a secret in stet.yaml, and a path or query
 * means something libcurl would act on that the owner did not intend.
 */
static int
open_smtp(struct mailer *m, const char *t, struct err *err)
{
	const char	*rest, *p;
	char		 host[HOST_MAX + 1], *end;
	size_t		 hlen, i;
	unsigned long	 port;
	int		 tls;
	struct buf	 b;

	tls = strncasecmp(t, "smtps://", 8) == 0;
	rest = t + (tls ? 8 : 7);
	if (strchr(rest, '@') != NULL)
		return err_set(err, NULL, 0, "mail.transport %s: no "
		    "user:password@ in the URL; the user name goes in "
		    "mail.username and the password in the environment", t);
	if (strpbrk(rest, "/?#") != NULL)
		return err_set(err, NULL, 0, "mail.transport %s: a path or "
		    "query is not allowed; use %s://HOST[:PORT]", t,
		    tls ? "smtps" : "smtp");
	if (*rest == '[') {
		if ((p = strchr(rest, ']')) == NULL)
			return err_set(err, NULL, 0, "mail.transport %s: "
			    "no ']' after the IPv6 address", t);
		p++;
	} else
		p = rest + strcspn(rest, ":");
	hlen = (size_t)(p - rest);
	if (hlen == 0 || hlen > HOST_MAX)
		return err_set(err, NULL, 0, "mail.transport %s: no host "
		    "name", t);
	memcpy(host, rest, hlen);
	host[hlen] = '\0';
	if (host[0] == '[') {
		struct in6_addr	 a6;
		char		 in[INET6_ADDRSTRLEN + 1];

		if (hlen - 2 >= sizeof(in))
			return err_set(err, NULL, 0, "mail.transport %s: "
			    "not an IPv6 address", t);
		memcpy(in, host + 1, hlen - 2);
		in[hlen - 2] = '\0';
		if (inet_pton(AF_INET6, in, &a6) != 1)
			return err_set(err, NULL, 0, "mail.transport %s: "
			    "not an IPv6 address", t);
	} else {
		for (i = 0; i < hlen; i++)
			if (!(host[i] >= 'a' && host[i] <= 'z') &&
			    !(host[i] >= 'A' && host[i] <= 'Z') &&
			    !(host[i] >= '0' && host[i] <= '9') &&
			    host[i] != '.' && host[i] != '-')
				return err_set(err, NULL, 0, "mail.transport "
				    "%s: '%c' in the host name", t, host[i]);
	}
	port = tls ? SMTPS_PORT : SMTP_PORT;
	if (*p == ':') {
		errno = 0;
		port = strtoul(p + 1, &end, 10);
		if (p[1] < '0' || p[1] > '9' || *end != '\0' || errno != 0 ||
		    port == 0 || port > 65535)
			return err_set(err, NULL, 0, "mail.transport %s: the "
			    "port is not a number from 1 to 65535", t);
	} else if (*p != '\0')
		return err_set(err, NULL, 0, "mail.transport %s: use "
		    "%s://HOST[:PORT]", t, tls ? "smtps" : "smtp");

	/* STARTTLS may be skipped only where nobody can listen in. */
	m->tls_try = !tls && is_loopback(host);
	buf_init(&b, 0);
	if (buf_printf(&b, "%s://%s:%lu", tls ? "smtps" : "smtp", host,
	    port) == -1)
		goto oom;
	m->target = buf_take(&b, NULL);
	if (buf_printf(&b, "%s%s", m->target, tls ? "" : m->tls_try ?
	    " (STARTTLS if offered: loopback)" : " (STARTTLS)") == -1)
		goto oom;
	m->desc = buf_take(&b, NULL);
	m->kind = MAILER_SMTP;
	return 0;
oom:
	buf_free(&b);
	return err_set(err, NULL, 0, "out of memory");
}

/*
 * The folder need not exist yet (maildir_deliver makes it) but its
 * parent must: a typo in the path should fail here, not after the
 * first message.  The parent is resolved now so that describe shows
 * where mail really goes, whatever the working folder is later.
 */
static int
open_maildir(struct mailer *m, const char *path, const char *sitedir,
    struct err *err)
{
	struct buf	 full, b;
	struct stat	 st;
	char		*slash, *base, *real = NULL;
	const char	*parent;
	int		 r = -1;

	buf_init(&full, 0);
	buf_init(&b, 0);
	if (*path == '\0') {
		err_set(err, NULL, 0, "mail.transport maildir: names no "
		    "folder; use maildir:PATH");
		goto out;
	}
	if ((path[0] == '/' ? buf_puts(&full, path) :
	    buf_printf(&full, "%s/%s", sitedir != NULL ? sitedir : ".",
	    path)) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	while (full.len > 1 && full.data[full.len - 1] == '/')
		full.data[--full.len] = '\0';
	slash = strrchr(full.data, '/');
	base = slash + 1;
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		err_set(err, NULL, 0, "mail.transport maildir:%s: name the "
		    "Maildir folder itself", path);
		goto out;
	}
	*slash = '\0';
	parent = slash == full.data ? "/" : full.data;
	if ((real = realpath(parent, NULL)) == NULL) {
		err_set(err, parent, 0, "mail.transport maildir:%s: its "
		    "parent folder: %s", path, strerror(errno));
		goto out;
	}
	if (stat(real, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err_set(err, real, 0, "mail.transport maildir:%s: its parent "
		    "is not a folder", path);
		goto out;
	}
	if (buf_printf(&b, "%s/%s", strcmp(real, "/") == 0 ? "" : real,
	    base) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	m->target = buf_take(&b, NULL);
	if (buf_printf(&b, "maildir:%s", m->target) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	m->desc = buf_take(&b, NULL);
	m->kind = MAILER_MAILDIR;
	r = 0;
out:
	free(real);
	buf_free(&full);
	buf_free(&b);
	return r;
}

/*
 * STET_SENDMAIL replaces /usr/sbin/sendmail so that the tests can run a
 * script that records what it gets, and a system with sendmail
 * elsewhere can point at it.
 */
static int
open_sendmail(struct mailer *m, struct err *err)
{
	const char	*path = getenv(SENDMAIL_ENV);
	struct buf	 b;

	if (path == NULL || *path == '\0')
		path = SENDMAIL_PATH;
	if (access(path, X_OK) == -1)
		return err_set(err, path, 0, "mail.transport sendmail: %s",
		    strerror(errno));
	buf_init(&b, 0);
	if (buf_puts(&b, path) == -1)
		goto oom;
	m->target = buf_take(&b, NULL);
	if (buf_printf(&b, "sendmail (%s)", path) == -1)
		goto oom;
	m->desc = buf_take(&b, NULL);
	m->kind = MAILER_SENDMAIL;
	return 0;
oom:
	buf_free(&b);
	return err_set(err, NULL, 0, "out of memory");
}

int
mailer_open(struct mailer **mp, const struct mailer_opts *o,
    struct err *err)
{
	struct mailer	*m;
	const char	*t = o->transport;
	int		 r;

	*mp = NULL;
	if (t == NULL || *t == '\0')
		return err_set(err, NULL, 0, "mail.transport is not set; "
		    "use " ACCEPTED);
	if (o->timeout == 0 || o->connections == 0 || !(o->rate >= 0))
		return err_set(err, NULL, 0, "mail: timeout and connections "
		    "must be at least 1, rate at least 0");
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	m->timeout = o->timeout;
	m->connections = o->connections;
	m->rate = o->rate;
	m->stop = o->stop;

	if (strncmp(t, "maildir:", 8) == 0)
		r = open_maildir(m, t + 8, o->sitedir, err);
	else if (strncasecmp(t, "smtp://", 7) == 0 ||
	    strncasecmp(t, "smtps://", 8) == 0)
		r = open_smtp(m, t, err);
	else if (strcmp(t, "sendmail") == 0)
		r = open_sendmail(m, err);
	else
		r = err_set(err, NULL, 0, "mail.transport %s: not a "
		    "transport; use " ACCEPTED, t);
	if (r == -1)
		goto fail;

	/* A Maildir needs no sender; everything else puts it on the wire. */
	if (m->kind != MAILER_MAILDIR && !plain_addr(o->envelope_from)) {
		err_set(err, NULL, 0, "mail: the envelope sender \"%s\" is "
		    "not a plain address", o->envelope_from != NULL ?
		    o->envelope_from : "");
		goto fail;
	}
	if (o->envelope_from != NULL &&
	    (m->from = strdup(o->envelope_from)) == NULL)
		goto oom;
	if (o->username != NULL && (m->username = strdup(o->username)) ==
	    NULL)
		goto oom;
	if (o->password != NULL && (m->password = strdup(o->password)) ==
	    NULL)
		goto oom;
	/* Loaded here, not at start: only SMTP needs it. */
	if (m->kind == MAILER_SMTP && curl_lib_load("mail", err) == -1)
		goto fail;
	*mp = m;
	return 0;
oom:
	err_set(err, NULL, 0, "out of memory");
fail:
	mailer_close(m);
	return -1;
}

void
mailer_close(struct mailer *m)
{
	if (m == NULL)
		return;
	mailer_hangup(m);
	if (m->password != NULL) {
		sodium_memzero(m->password, strlen(m->password));
		free(m->password);
	}
	free(m->username);
	free(m->from);
	free(m->target);
	free(m->desc);
	free(m);
}

const char *
mailer_describe(const struct mailer *m)
{
	return m->desc;
}

/*
 * libcurl hands us each reply line as CURLINFO_HEADER_IN and each
 * command as CURLINFO_HEADER_OUT, which is how a failure is told apart:
 * the error codes alone do not say whether a 5xx answered RCPT TO (this
 * reader is refused) or MAIL FROM (every message will be).
 */
static int
smtp_debug(CURL *easy, curl_infotype type, char *data, size_t size,
    void *arg)
{
	static const char *const verbs[] = {
		"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
		"RSET", "NOOP", "VRFY", "EXPN"
	};
	struct conn	*c = arg;
	char		 verb[sizeof(c->cmd)];
	size_t		 i, n;

	(void)easy;
	switch (type) {
	case CURLINFO_HEADER_IN:
		if (c->quitting)
			break;
		c->got_reply = 1;
		copy_line(c->reply, sizeof(c->reply), data, size);
		break;
	case CURLINFO_HEADER_OUT:
		for (n = 0; n < size && n + 1 < sizeof(verb) &&
		    data[n] >= 'A' && data[n] <= 'Z'; n++)
			verb[n] = data[n];
		verb[n] = '\0';
		/* A connection closed after a failure says QUIT and gets
		 * 221: that must not hide the reply that failed. */
		if (strcmp(verb, "QUIT") == 0) {
			c->quitting = 1;
			break;
		}
		/* Anything else is an AUTH exchange's base64: keep AUTH. */
		for (i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
			if (strcmp(verb, verbs[i]) == 0) {
				memcpy(c->cmd, verb, n + 1);
				break;
			}
		break;
	case CURLINFO_TEXT:
		if (size >= 8 && memcmp(data, "Re-using", 8) == 0)
			c->reused = 1;
		break;
	default:
		break;
	}
	return 0;
}

static size_t
smtp_read(char *dst, size_t size, size_t nitems, void *arg)
{
	struct conn	*c = arg;
	size_t		 n = size * nitems, left = c->job.len - c->off;

	if (n > left)
		n = left;
	memcpy(dst, c->job.msg + c->off, n);
	c->off += n;
	if (c->off == c->job.len)
		c->body_sent = 1;
	return n;
}

/* What stays the same from one message to the next on this handle. */
static int
smtp_setup(const struct mailer *m, struct conn *c)
{
	CURL	*e = c->easy;
	long	 ct = m->timeout < CONNECT_MAX ? (long)m->timeout : CONNECT_MAX;
	char	 from[512];

	if ((size_t)snprintf(from, sizeof(from), "<%s>", m->from) >=
	    sizeof(from))
		return -1;
	if (curl_easy_setopt(e, CURLOPT_URL, m->target) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USE_SSL, m->tls_try ?
	    (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_MAIL_FROM, from) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_READFUNCTION, smtp_read) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)m->timeout) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, ct) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    /* VERBOSE only so that smtp_debug is called; it prints nothing. */
	    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, smtp_debug) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_DEBUGDATA, c) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PRIVATE, c) != CURLE_OK)
		return -1;
	if (m->username != NULL &&
	    curl_easy_setopt(e, CURLOPT_USERNAME, m->username) != CURLE_OK)
		return -1;
	if (m->password != NULL &&
	    curl_easy_setopt(e, CURLOPT_PASSWORD, m->password) != CURLE_OK)
		return -1;
	return 0;
}

/*
 * Put c->job on c's handle.  A job that cannot go (a bad address, no
 * memory) is finished at once: c is CONN_DONE with its result, so it
 * still reaches done() before next() is asked for another.
 */
static void
smtp_start(const struct mailer *m, CURLM *multi, struct conn *c)
{
	char	 rcpt[512], from[512];

	c->off = 0;
	c->body_sent = c->got_reply = c->reused = c->quitting = 0;
	c->cmd[0] = c->reply[0] = c->errbuf[0] = '\0';
	memset(&c->res, 0, sizeof(c->res));
	c->state = CONN_DONE;
	if (!plain_addr(c->job.rcpt) || (size_t)snprintf(rcpt, sizeof(rcpt),
	    "<%s>", c->job.rcpt) >= sizeof(rcpt)) {
		c->res.outcome = MAIL_FAILED;
		c->res.recipient = 1;
		(void)snprintf(c->res.reply, sizeof(c->res.reply),
		    "not a plain address");
		return;
	}
	/* The job's own envelope sender, else the transport's. */
	if ((c->job.from != NULL && !plain_addr(c->job.from)) ||
	    (size_t)snprintf(from, sizeof(from), "<%s>", c->job.from != NULL ?
	    c->job.from : m->from) >= sizeof(from)) {
		c->res.outcome = MAIL_RETRY;
		(void)snprintf(c->res.reply, sizeof(c->res.reply),
		    "the envelope sender is not a plain address");
		return;
	}
	/* curl_slist_append copies rcpt; c->rcpt is freed in smtp_finish. */
	if ((c->rcpt = curl_slist_append(NULL, rcpt)) == NULL ||
	    curl_easy_setopt(c->easy, CURLOPT_MAIL_FROM, from) != CURLE_OK ||
	    curl_easy_setopt(c->easy, CURLOPT_MAIL_RCPT, c->rcpt) !=
	    CURLE_OK ||
	    curl_easy_setopt(c->easy, CURLOPT_READDATA, c) != CURLE_OK ||
	    curl_easy_setopt(c->easy, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)c->job.len) != CURLE_OK ||
	    curl_multi_add_handle(multi, c->easy) != CURLM_OK) {
		curl_slist_free_all(c->rcpt);
		c->rcpt = NULL;
		c->res.outcome = MAIL_RETRY;
		(void)snprintf(c->res.reply, sizeof(c->res.reply),
		    "out of memory");
		return;
	}
	c->state = CONN_BUSY;
}

/*
 * Fill c->res from how the transfer ended.  Returns NULL when only this
 * message is concerned, or what is wrong with the relay as a whole, in
 * which case the message is MAIL_RETRY and the run stops.
 */
static const char *
smtp_classify(struct conn *c, CURLcode rc)
{
	struct mail_result	*r = &c->res;
	const char		*what;
	int			 code = 0;

	if (c->reply[0] >= '2' && c->reply[0] <= '5' &&
	    c->reply[1] >= '0' && c->reply[1] <= '9' &&
	    c->reply[2] >= '0' && c->reply[2] <= '9')
		code = (c->reply[0] - '0') * 100 + (c->reply[1] - '0') * 10 +
		    (c->reply[2] - '0');
	r->code = code;
	/* The server's words when they explain it, else libcurl's. */
	if (rc == CURLE_OK || code >= 400)
		(void)snprintf(r->reply, sizeof(r->reply), "%s", c->reply);
	else {
		what = c->errbuf[0] != '\0' ? c->errbuf :
		    curl_easy_strerror(rc);
		copy_line(r->reply, sizeof(r->reply), what, strlen(what));
	}
	if (rc == CURLE_OK) {
		r->outcome = MAIL_SENT;
		return NULL;
	}
	r->outcome = MAIL_RETRY;
	/* What the relay said of this reader's address, and only that. */
	r->recipient = code >= 400 && strcmp(c->cmd, "RCPT") == 0;
	if (code >= 400 && code < 500)
		return NULL;
	if (code >= 500) {
		if (r->recipient) {
			r->outcome = MAIL_FAILED;
			return NULL;
		}
		/*
		 * A 5xx after the data refuses the message, not the reader:
		 * it is the same post for everyone, so it stays to be sent
		 * (a relay refusing every one is stopped by the caller's
		 * count of failures in a row).
		 */
		if (strcmp(c->cmd, "DATA") == 0)
			return NULL;
		if (strcmp(c->cmd, "AUTH") == 0)
			return "login refused";
		if (strcmp(c->cmd, "MAIL") == 0)
			return "the envelope sender was refused";
		if (strcmp(c->cmd, "STARTTLS") == 0)
			return "STARTTLS refused";
		if (strcmp(c->cmd, "EHLO") == 0 || strcmp(c->cmd, "HELO") == 0)
			return "EHLO refused";
		if (c->cmd[0] == '\0')
			return "the server turned the connection away";
		return "refused";
	}
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "cannot resolve the host";
	case CURLE_COULDNT_CONNECT:
		return "cannot connect";
	case CURLE_OPERATION_TIMEDOUT:
		/* A new connection that never heard a word is down; one that
		 * was working and stalled mid-message is worth a retry. */
		return !c->got_reply && !c->reused ?
		    "the server does not answer" : NULL;
	case CURLE_USE_SSL_FAILED:
		return "STARTTLS is not offered";
	case CURLE_LOGIN_DENIED:
		return "login refused";
	case CURLE_REMOTE_ACCESS_DENIED:
		return "refused";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return "TLS failed";
	case CURLE_OUT_OF_MEMORY:
		return "out of memory";
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_FAILED_INIT:
	case CURLE_NOT_BUILT_IN:
		return "libcurl cannot do this";
	default:
		/* A dropped connection, a garbled reply: this message. */
		return NULL;
	}
}

static const char *
smtp_finish(CURLM *multi, struct conn *c, CURLcode rc)
{
	(void)curl_multi_remove_handle(multi, c->easy);
	curl_slist_free_all(c->rcpt);
	c->rcpt = NULL;
	c->state = CONN_DONE;
	return smtp_classify(c, rc);
}

static int
smtp_run(struct mailer *m, next_fn next, done_fn done, void *arg,
    struct err *err)
{
	CURLM			*multi;
	CURLMsg			*msg;
	struct conn		*conns, *c;
	struct mail_job		*djobs;
	struct mail_result	*dres;
	struct pace		 pace;
	struct err		 later;
	const char		*why;
	char			*priv;
	size_t			 i, n, nbusy;
	long			 wait, timeout;
	int			 more = 1, failed = 0, running, left, r;

	if (m->multi == NULL && smtp_handles(m, err) == -1)
		return -1;
	multi = m->multi;
	conns = m->conns;
	djobs = m->djobs;
	dres = m->dres;
	for (i = 0; i < m->connections; i++)
		conns[i].state = CONN_IDLE;

	pace_init(&pace, m->rate);
	for (;;) {
		/* New messages on the idle connections, unless stopping. */
		wait = 0;
		for (i = 0; i < m->connections && more && !failed; i++) {
			c = &conns[i];
			if (c->state != CONN_IDLE)
				continue;
			if (stopped(m)) {
				more = 0;
				break;
			}
			if ((wait = pace_wait(&pace)) > 0)
				break;
			memset(&c->job, 0, sizeof(c->job));
			if ((r = next(arg, &c->job, err)) == -1)
				failed = 1;
			if (r != 1) {
				more = 0;
				break;
			}
			pace.started++;
			smtp_start(m, multi, c);
		}

		if (curl_multi_perform(multi, &running) != CURLM_OK &&
		    !failed) {
			failed = 1;
			err_set(err, NULL, 0, "%s: libcurl failed: out of "
			    "memory", m->target);
		}
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			priv = NULL;
			(void)curl_easy_getinfo(msg->easy_handle,
			    CURLINFO_PRIVATE, &priv);
			c = (struct conn *)(void *)priv;
			if ((why = smtp_finish(multi, c, msg->data.result)) !=
			    NULL && !failed) {
				failed = 1;
				err_set(err, NULL, 0, "%s: %s: %s", m->target,
				    why, c->res.reply);
			}
		}

		/* Every finished job to done(), before next() refills. */
		for (i = n = nbusy = 0; i < m->connections; i++) {
			c = &conns[i];
			if (c->state == CONN_BUSY)
				nbusy++;
			if (c->state != CONN_DONE)
				continue;
			djobs[n] = c->job;
			dres[n] = c->res;
			n++;
			c->state = CONN_IDLE;
		}
		if (n > 0) {
			/*
			 * After a stop, done() still gets the jobs it handed
			 * out, but the first error is the one returned.
			 */
			if (done(arg, djobs, dres, n, failed ? &later : err) ==
			    -1)
				failed = 1;
			continue;
		}
		if (nbusy == 0 && (!more || failed))
			break;
		timeout = POLL_MAX_MS;
		if (nbusy == 0 || wait > 0)
			timeout = wait < STOP_POLL_MS ? wait : STOP_POLL_MS;
		if (curl_multi_poll(multi, NULL, 0, (int)timeout, NULL) !=
		    CURLM_OK && !failed) {
			/* Nothing is lost: perform still ends the transfers. */
			failed = 1;
			err_set(err, NULL, 0, "%s: libcurl failed to poll",
			    m->target);
		}
	}
	/* A relay that failed as a whole gets fresh connections next time. */
	if (failed)
		mailer_hangup(m);
	return failed ? -1 : 0;
}

/* The multi and the connections' easy handles, for this and later runs. */
static int
smtp_handles(struct mailer *m, struct err *err)
{
	size_t	 i;

	m->multi = curl_multi_init();
	m->conns = calloc(m->connections, sizeof(*m->conns));
	m->djobs = calloc(m->connections, sizeof(*m->djobs));
	m->dres = calloc(m->connections, sizeof(*m->dres));
	if (m->multi == NULL || m->conns == NULL || m->djobs == NULL ||
	    m->dres == NULL) {
		mailer_hangup(m);
		return err_set(err, NULL, 0, "out of memory");
	}
	/* Keep as many idle connections as we use: no more. */
	(void)curl_multi_setopt(m->multi, CURLMOPT_MAXCONNECTS,
	    m->connections > LONG_MAX ? LONG_MAX : (long)m->connections);
	for (i = 0; i < m->connections; i++)
		if ((m->conns[i].easy = curl_easy_init()) == NULL ||
		    smtp_setup(m, &m->conns[i]) == -1) {
			mailer_hangup(m);
			return err_set(err, NULL, 0, "%s: libcurl would not "
			    "set up a connection", m->target);
		}
	return 0;
}

void
mailer_hangup(struct mailer *m)
{
	size_t	 i;

	/* Handles first: the multi closes the cached connections (QUIT). */
	for (i = 0; m->conns != NULL && i < m->connections; i++)
		if (m->conns[i].easy != NULL)
			curl_easy_cleanup(m->conns[i].easy);
	if (m->multi != NULL)
		curl_multi_cleanup(m->multi);
	free(m->conns);
	free(m->djobs);
	free(m->dres);
	m->multi = NULL;
	m->conns = NULL;
	m->djobs = NULL;
	m->dres = NULL;
}

/* A folder that takes no file takes no next message either: stop. */
static int
maildir_send(const struct mailer *m, const struct mail_job *job,
    struct mail_result *res, struct err *err)
{
	struct err	 e;

	if (maildir_deliver(m->target, job->msg, job->len, &e) == 0) {
		res->outcome = MAIL_SENT;
		return 0;
	}
	res->outcome = MAIL_RETRY;
	copy_line(res->reply, sizeof(res->reply), e.msg, strlen(e.msg));
	*err = e;
	return -1;
}

/*
 * Write the message with its CRLFs made LF: sendmail reads local text
 * and would otherwise send CR CR LF.  Returns 0 or an errno.  send with
 * MSG_NOSIGNAL, on a socket rather than a pipe, so that a sendmail that
 * quits early gives EPIPE here, not a SIGPIPE that kills stet.
 */
static int
sendmail_write(int fd, const char *msg, size_t len)
{
	char	 out[8192];
	size_t	 i, n = 0, off;
	ssize_t	 w;

	for (i = 0; i <= len; i++) {
		if (i < len && !(msg[i] == '\r' && i + 1 < len &&
		    msg[i + 1] == '\n'))
			out[n++] = msg[i];
		if (n < sizeof(out) && i < len)
			continue;
		for (off = 0; off < n; off += (size_t)w)
			while ((w = send(fd, out + off, n - off,
			    MSG_NOSIGNAL)) == -1)
				if (errno != EINTR)
					return errno;
		n = 0;
	}
	return 0;
}

/*
 * Wait for pid up to timeout seconds; past that, SIGTERM, and SIGKILL
 * a few seconds later.  0 with its status, or -1 when it had to be
 * killed (it is reaped all the same).
 */
static int
sendmail_wait(pid_t pid, unsigned timeout, int *status)
{
	uint64_t	 end = now_ns() + (uint64_t)timeout * 1000000000ull;
	struct timespec	 nap = { 0, 10 * 1000000 };
	int		 sig = 0;
	pid_t		 r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return sig ? -1 : 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (now_ns() >= end) {
			sig = sig == 0 ? SIGTERM : SIGKILL;
			(void)kill(pid, sig);
			end = now_ns() + 3000000000ull;
		}
		(void)nanosleep(&nap, NULL);
	}
}

static int
sendmail_send(const struct mailer *m, const struct mail_job *job,
    struct mail_result *res, struct err *err)
{
	static char		 opt_t[] = "-t", opt_i[] = "-i", opt_f[] = "-f";
	char			 from[320];
	char			*argv[] = { m->target, opt_t, opt_i, opt_f,
				    m->from, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t	 sa;
	sigset_t		 none, deflt;
	struct timeval		 tv;
	pid_t			 pid;
	int			 sv[2], rc, werr, status;

	res->outcome = MAIL_RETRY;
	/* The job's own envelope sender, else the transport's. */
	if (job->from != NULL) {
		if (!plain_addr(job->from) || (size_t)snprintf(from,
		    sizeof(from), "%s", job->from) >= sizeof(from)) {
			(void)snprintf(res->reply, sizeof(res->reply),
			    "the envelope sender is not a plain address");
			return 0;
		}
		argv[4] = from;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		(void)snprintf(res->reply, sizeof(res->reply), "%s",
		    strerror(errno));
		return err_set(err, NULL, 0, "sendmail: %s", res->reply);
	}
	/* The child's end becomes its stdin; ours is close-on-exec, so the
	 * child sees end of file when we close it. */
	/*
	 * The mail threads of stet serve block SIGTERM and friends and
	 * ignore SIGPIPE; sendmail starts with neither, so it can be
	 * stopped, and stops when it should.
	 */
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGHUP);
	if ((rc = posix_spawnattr_init(&sa)) == 0) {
		if ((rc = posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGMASK |
		    POSIX_SPAWN_SETSIGDEF)) == 0 &&
		    (rc = posix_spawnattr_setsigmask(&sa, &none)) == 0 &&
		    (rc = posix_spawnattr_setsigdefault(&sa, &deflt)) == 0 &&
		    (rc = posix_spawn_file_actions_init(&fa)) == 0) {
			if ((rc = posix_spawn_file_actions_adddup2(&fa, sv[1],
			    0)) == 0)
				rc = posix_spawn(&pid, m->target, &fa, &sa,
				    argv, environ);
			(void)posix_spawn_file_actions_destroy(&fa);
		}
		(void)posix_spawnattr_destroy(&sa);
	}
	(void)close(sv[1]);
	if (rc != 0) {
		(void)close(sv[0]);
		(void)snprintf(res->reply, sizeof(res->reply), "%s",
		    strerror(rc));
		return err_set(err, m->target, 0, "sendmail: %s",
		    strerror(rc));
	}
	/* A sendmail that stops reading gets timeout seconds, no more. */
	tv.tv_sec = m->timeout;
	tv.tv_usec = 0;
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	werr = sendmail_write(sv[0], job->msg, job->len);
	(void)close(sv[0]);
	if (sendmail_wait(pid, m->timeout, &status) == -1) {
		(void)snprintf(res->reply, sizeof(res->reply),
		    "sendmail did not finish in %u seconds", m->timeout);
		return 0;
	}
	if (WIFSIGNALED(status)) {
		(void)snprintf(res->reply, sizeof(res->reply), "sendmail was "
		    "killed by signal %d", WTERMSIG(status));
		return 0;
	}
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	switch (rc) {
	case 0:
		if (werr != 0) {
			/* It said yes to a message it did not read whole. */
			(void)snprintf(res->reply, sizeof(res->reply),
			    "sendmail stopped reading: %s", strerror(werr));
			return 0;
		}
		res->outcome = MAIL_SENT;
		return 0;
	case 67:	/* EX_NOUSER */
	case 68:	/* EX_NOHOST */
		res->recipient = 1;
		res->outcome = MAIL_FAILED;
		break;
	default:	/* 65 EX_DATAERR, 75 EX_TEMPFAIL, others: the message,
			   not the address; maybe later */
		break;
	}
	(void)snprintf(res->reply, sizeof(res->reply), "sendmail exited "
	    "with %d", rc);
	return 0;
}

/* maildir and sendmail: one message at a time, nothing to overlap. */
static int
seq_run(struct mailer *m, next_fn next, done_fn done, void *arg,
    struct err *err)
{
	struct pace		 pace;
	struct mail_job		 job;
	struct mail_result	 res;
	struct timespec		 ts;
	struct err		 later;
	long			 wait;
	int			 r, fatal;

	pace_init(&pace, m->rate);
	for (;;) {
		if (stopped(m))
			return 0;
		if ((wait = pace_wait(&pace)) > 0) {
			if (wait > STOP_POLL_MS)
				wait = STOP_POLL_MS;
			ts.tv_sec = wait / 1000;
			ts.tv_nsec = wait % 1000 * 1000000;
			(void)nanosleep(&ts, NULL);
			continue;
		}
		memset(&job, 0, sizeof(job));
		if ((r = next(arg, &job, err)) != 1)
			return r == 0 ? 0 : -1;
		pace.started++;
		memset(&res, 0, sizeof(res));
		fatal = (m->kind == MAILER_MAILDIR ?
		    maildir_send(m, &job, &res, err) :
		    sendmail_send(m, &job, &res, err)) == -1;
		/* Already failing: done() still gets its job back. */
		if (done(arg, &job, &res, 1, fatal ? &later : err) == -1 ||
		    fatal)
			return -1;
	}
}

int
mailer_run(struct mailer *m,
    int (*next)(void *arg, struct mail_job *, struct err *),
    int (*done)(void *arg, struct mail_job *jobs,
	const struct mail_result *results, size_t n, struct err *),
    void *arg, struct err *err)
{
	if (m->kind == MAILER_SMTP)
		return smtp_run(m, next, done, arg, err);
	return seq_run(m, next, done, arg, err);
}
