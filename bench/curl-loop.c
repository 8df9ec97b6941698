/*
 * bench/curl-loop.c: the floor for "stet send" over SMTP.  A bare libcurl
 * loop that sends one fixed message again and again, each time to the next
 * recipient, and prints how many messages a second it managed.
 *
 *   curl-loop [-c CONNECTIONS] [-m MESSAGES] [-l BODY_BYTES] smtp://HOST:PORT
 *
 * Defaults: 8 connections, 10,000 messages, an 8,000-byte body.
 *
 * It does what any libcurl SMTP sender must do and nothing more: one
 * curl_multi, CONNECTIONS easy handles made once, CURLOPT_UPLOAD with a read
 * callback over one message built before the clock starts, MAIL FROM and one
 * RCPT TO per message (rcpt-0@example.com, rcpt-1@example.com, ...).  When a
 * transfer ends its handle is removed from the multi and added again with
 * the next recipient, so it finds its connection in the multi's cache and
 * goes straight to MAIL FROM.  No composing, no database, no recording, no
 * CURLOPT_VERBOSE.  bench/send builds and runs it; see bench/README.md.
 *
 * Output, one line on stdout:
 *   curl-loop: M messages, C connections, B bytes each, S s, R msg/s, F failed
 * It exits 1 if any message failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define RCPT_MAX 64

struct conn {
	CURL		*easy;
	size_t		 off;		/* bytes of msg given to libcurl */
	struct curl_slist rcpt;		/* one node, ours: curl only reads it */
	char		 addr[RCPT_MAX];
};

static const char *msg;
static size_t msg_len;

static void
die(const char *what)
{
	fprintf(stderr, "curl-loop: %s\n", what);
	exit(2);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct conn	*c = arg;
	size_t		 left = msg_len - c->off;
	size_t		 want = size * n;

	if (want > left)
		want = left;
	memcpy(buf, msg + c->off, want);
	c->off += want;
	return want;
}

/*
 * The message: a few headers, then a body of exactly body_len bytes (at
 * least 2) in lines of up to 78 characters, each ending in CRLF.
 */
static char *
build(size_t body_len, size_t *len)
{
	static const char head[] =
	    "From: Bench <from@example.com>\r\n"
	    "To: Subscriber <rcpt@example.com>\r\n"
	    "Subject: Bench post\r\n"
	    "Date: Wed, 25 Nov 2026 09:00:00 +0000\r\n"
	    "Message-ID: <bench@example.com>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "\r\n";
	static const char words[] =
	    "The quick brown fox jumps over the lazy dog and keeps on running ";
	size_t		 hl = sizeof head - 1, pos = 0, n, j;
	char		*m;

	if (body_len < 2)
		body_len = 2;
	if ((m = malloc(hl + body_len + 1)) == NULL)
		die("out of memory");
	memcpy(m, head, hl);
	while (pos < body_len) {
		n = body_len - pos - 2;
		if (n > 78)	/* never leave a last line of 1 byte */
			n = body_len - pos - 80 == 1 ? 77 : 78;
		for (j = 0; j < n; j++)
			m[hl + pos + j] = words[j % (sizeof words - 1)];
		pos += n;
		m[hl + pos++] = '\r';
		m[hl + pos++] = '\n';
	}
	*len = hl + body_len;
	m[*len] = '\0';
	return m;
}

static void
start(CURLM *multi, struct conn *c, long k)
{
	snprintf(c->addr, sizeof c->addr, "rcpt-%ld@example.com", k);
	c->rcpt.data = c->addr;
	c->rcpt.next = NULL;
	c->off = 0;
	if (curl_easy_setopt(c->easy, CURLOPT_MAIL_RCPT, &c->rcpt) != CURLE_OK ||
	    curl_multi_add_handle(multi, c->easy) != CURLM_OK)
		die("cannot start a transfer");
}

static long
number(const char *s, const char *what)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1) {
		fprintf(stderr, "curl-loop: %s wants a positive integer\n", what);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	long		 nconn = 8, total = 10000, body = 8000;
	long		 next = 0, done = 0, failed = 0, i;
	struct conn	*conns;
	const char	*url;
	CURLM		*multi;
	double		 t0, t;
	int		 ch, running;

	while ((ch = getopt(argc, argv, "c:m:l:")) != -1) {
		switch (ch) {
		case 'c': nconn = number(optarg, "-c"); break;
		case 'm': total = number(optarg, "-m"); break;
		case 'l': body = number(optarg, "-l"); break;
		default: goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	url = argv[optind];

	msg = build((size_t)body, &msg_len);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die("curl_global_init failed");
	if ((multi = curl_multi_init()) == NULL)
		die("curl_multi_init failed");
	/* Exactly one cached connection per handle, never more open. */
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, nconn);
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, nconn);
	if ((conns = calloc((size_t)nconn, sizeof *conns)) == NULL)
		die("out of memory");
	for (i = 0; i < nconn; i++) {
		CURL	*e = curl_easy_init();

		if (e == NULL)
			die("curl_easy_init failed");
		conns[i].easy = e;
		if (curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_MAIL_FROM,
		    "<from@example.com>") != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb) !=
		    CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_READDATA, &conns[i]) !=
		    CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)msg_len) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_PRIVATE, &conns[i]) != CURLE_OK)
			die("curl_easy_setopt failed");
	}

	t0 = now();
	for (i = 0; i < nconn && next < total; i++)
		start(multi, &conns[i], next++);
	while (done < total) {
		CURLMsg	*m;
		int	 left;

		if (curl_multi_perform(multi, &running) != CURLM_OK)
			die("curl_multi_perform failed");
		while ((m = curl_multi_info_read(multi, &left)) != NULL) {
			struct conn	*c;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&c);
			if (m->data.result != CURLE_OK) {
				if (failed++ < 5)
					fprintf(stderr, "curl-loop: %s: %s\n",
					    c->addr,
					    curl_easy_strerror(m->data.result));
			}
			done++;
			curl_multi_remove_handle(multi, c->easy);
			if (next < total)
				start(multi, c, next++);
		}
		if (done < total &&
		    curl_multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK)
			die("curl_multi_poll failed");
	}
	t = now() - t0;

	printf("curl-loop: %ld messages, %ld connections, %zu bytes each, "
	    "%.3f s, %.0f msg/s, %ld failed\n", total, nconn, msg_len, t,
	    (double)total / t, failed);

	for (i = 0; i < nconn; i++)
		curl_easy_cleanup(conns[i].easy);
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	free(conns);
	free((void *)msg);
	return failed ? 1 : 0;

usage:
	fprintf(stderr, "usage: curl-loop [-c CONNECTIONS] [-m MESSAGES] "
	    "[-l BODY_BYTES] smtp://HOST:PORT\n");
	return 2;
}
