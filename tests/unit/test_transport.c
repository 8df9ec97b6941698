#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "mail/transport.h"
#include "support/err.h"

#define PYTHON	"/usr/bin/python3"
#define MAXJOBS	64

/*
 * A real SMTP server, aiosmtpd, with a handler that answers by the
 * address: RCPT reject* gets 550, later* 451, MAIL FROM badsender* 553;
 * AUTH takes good/pw only.  Each accepted message becomes DIR/mN.eml
 * (the recipient, a newline, the content) and each connection a line in
 * DIR/conns.  It binds port 0 and prints the port, so the test needs no
 * free-port guess and no sleep: it reads the line.
 */
static const char server_py[] =
    "import asyncio, logging, os, sys\n"
    "logging.getLogger('mail.log').disabled = True\n"
    "from aiosmtpd.smtp import SMTP, AuthResult\n"
    "d = sys.argv[1]\n"
    "n = [0]\n"
    "class H:\n"
    "    async def handle_MAIL(self, server, session, envelope, address, "
    "opts):\n"
    "        if address.startswith('badsender'):\n"
    "            return '553 5.7.1 sender refused'\n"
    "        envelope.mail_from = address\n"
    "        envelope.mail_options.extend(opts)\n"
    "        return '250 OK'\n"
    "    async def handle_RCPT(self, server, session, envelope, address, "
    "opts):\n"
    "        if address.startswith('reject'):\n"
    "            return '550 5.1.1 no such user here'\n"
    "        if address.startswith('later'):\n"
    "            return '451 4.3.0 try again later'\n"
    "        envelope.rcpt_tos.append(address)\n"
    "        return '250 OK'\n"
    "    async def handle_DATA(self, server, session, envelope):\n"
    "        n[0] += 1\n"
    "        p = os.path.join(d, 'm%d' % n[0])\n"
    "        with open(p + '.tmp', 'wb') as f:\n"
    "            f.write(envelope.rcpt_tos[0].encode() + b'\\n' + "
    "envelope.content)\n"
    "        os.rename(p + '.tmp', p + '.eml')\n"
    "        return '250 2.0.0 queued as %d' % n[0]\n"
    "def auth(server, session, envelope, mechanism, data):\n"
    "    return AuthResult(handled=False, success=data.login == b'good' and "
    "data.password == b'pw')\n"
    "class S(SMTP):\n"
    "    def connection_made(self, t):\n"
    "        with open(os.path.join(d, 'conns'), 'a') as f:\n"
    "            f.write('c\\n')\n"
    "        super().connection_made(t)\n"
    "loop = asyncio.new_event_loop()\n"
    "asyncio.set_event_loop(loop)\n"
    "srv = loop.run_until_complete(loop.create_server(lambda: S(H(), "
    "authenticator=auth, auth_require_tls=False), '127.0.0.1', 0))\n"
    "print(srv.sockets[0].getsockname()[1], flush=True)\n"
    "loop.run_forever()\n";

static pid_t	 srv_pid = -1;
static int	 srv_port;
static char	 srv_dir[] = "/tmp/stet-smtp-XXXXXX";
static char	 tmp_dir[] = "/tmp/stet-transport-XXXXXX";

struct ctx {
	char		 rcpt[MAXJOBS][64];
	char		*msg[MAXJOBS];
	size_t		 len[MAXJOBS];
	size_t		 njobs;
	size_t		 handed;	/* next() calls that gave a job */
	size_t		 reported;	/* jobs through done() */
	size_t		 maxout;	/* handed and not yet reported, at most */
	int		 seen[MAXJOBS];
	enum mail_outcome out[MAXJOBS];
	int		 code[MAXJOBS];
	char		 reply[MAXJOBS][256];
	size_t		 stop_after;	/* set *stop once this many reported */
	atomic_int	*stop;
};

static void
ctx_init(struct ctx *c, size_t n, const char *(*who)(size_t, char *, size_t))
{
	size_t	 i;
	char	 m[512];
	int	 len;

	memset(c, 0, sizeof(*c));
	c->njobs = n;
	for (i = 0; i < n; i++) {
		(void)who(i, c->rcpt[i], sizeof(c->rcpt[i]));
		/* A leading dot: libcurl must stuff it, the server unstuff. */
		len = snprintf(m, sizeof(m), "From: ann@example.org\r\n"
		    "To: %s\r\nSubject: message %zu\r\n\r\nHello %zu\r\n"
		    ".a line with a leading dot\r\n.\r\nend\r\n",
		    c->rcpt[i], i, i);
		assert_true(len > 0 && (size_t)len < sizeof(m));
		c->msg[i] = strdup(m);
		assert_non_null(c->msg[i]);
		c->len[i] = (size_t)len;
	}
}

static void
ctx_free(struct ctx *c)
{
	size_t	 i;

	for (i = 0; i < c->njobs; i++)
		free(c->msg[i]);
}

static int
next_job(void *arg, struct mail_job *job, struct err *err)
{
	struct ctx	*c = arg;
	size_t		 i = c->handed;

	(void)err;
	if (i == c->njobs)
		return 0;
	job->rcpt = c->rcpt[i];
	job->msg = c->msg[i];
	job->len = c->len[i];
	job->arg = (void *)(uintptr_t)i;
	c->handed++;
	if (c->handed - c->reported > c->maxout)
		c->maxout = c->handed - c->reported;
	return 1;
}

static int
done_jobs(void *arg, struct mail_job *jobs, const struct mail_result *res,
    size_t n, struct err *err)
{
	struct ctx	*c = arg;
	size_t		 i, k;

	(void)err;
	assert_true(n >= 1);
	for (i = 0; i < n; i++) {
		k = (size_t)(uintptr_t)jobs[i].arg;
		assert_true(k < c->handed);
		assert_false(c->seen[k]);
		assert_ptr_equal(jobs[i].msg, c->msg[k]);
		c->seen[k] = 1;
		c->out[k] = res[i].outcome;
		c->code[k] = res[i].code;
		memcpy(c->reply[k], res[i].reply, sizeof(c->reply[k]));
	}
	c->reported += n;
	if (c->stop != NULL && c->stop_after > 0 &&
	    c->reported >= c->stop_after)
		atomic_store(c->stop, 1);
	return 0;
}

static struct mailer_opts
opts(const char *transport)
{
	struct mailer_opts	 o;

	memset(&o, 0, sizeof(o));
	o.transport = transport;
	o.sitedir = tmp_dir;
	o.envelope_from = "bounce@example.org";
	o.timeout = 10;
	o.connections = 1;
	return o;
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
count_files(const char *dir, const char *suffix)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n = 0, sl = strlen(suffix), l;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		l = strlen(e->d_name);
		if (e->d_name[0] != '.' && l >= sl &&
		    strcmp(e->d_name + l - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static size_t
count_lines(const char *path)
{
	FILE	*f;
	size_t	 n = 0;
	int	 ch;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p;
	long	 n;

	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
rm_rf(const char *dir)
{
	char	 cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Start the server and read its port: no sleeping, no guessing. */
static int
group_setup(void **state)
{
	int	 fd[2], port = 0;
	char	 line[32];
	size_t	 n = 0;
	ssize_t	 r;

	(void)state;
	if (mkdtemp(srv_dir) == NULL || mkdtemp(tmp_dir) == NULL ||
	    pipe(fd) == -1)
		return -1;
	if ((srv_pid = fork()) == -1)
		return -1;
	if (srv_pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl(PYTHON, PYTHON, "-c", server_py, srv_dir, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while (n + 1 < sizeof(line) &&
	    (r = read(fd[0], line + n, 1)) == 1 && line[n] != '\n')
		n++;
	close(fd[0]);
	line[n] = '\0';
	port = atoi(line);
	/* No python3-aiosmtpd: the SMTP tests skip, the others run. */
	if (port <= 0 || port > 65535) {
		fprintf(stderr, "the SMTP server did not start: is "
		    "python3-aiosmtpd installed?\n");
		waitpid(srv_pid, NULL, 0);
		srv_pid = -1;
		return 0;
	}
	srv_port = port;
	return 0;
}

static int
group_teardown(void **state)
{
	int	 st;

	(void)state;
	if (srv_pid > 0) {
		kill(srv_pid, SIGTERM);
		waitpid(srv_pid, &st, 0);
	}
	rm_rf(srv_dir);
	rm_rf(tmp_dir);
	return 0;
}

static const char *
who_ok(size_t i, char *b, size_t n)
{
	snprintf(b, n, "ok%zu@example.net", i);
	return b;
}

/* Every tenth from 3 refused, every tenth from 7 deferred. */
static const char *
who_mixed(size_t i, char *b, size_t n)
{
	snprintf(b, n, "%s%zu@example.net", i % 10 == 3 ? "reject" :
	    i % 10 == 7 ? "later" : "ok", i);
	return b;
}

/* The second is no address at all, but an attempt at a second RCPT. */
static const char *
who_bad(size_t i, char *b, size_t n)
{
	snprintf(b, n, i == 1 ? "x@example.net>\r\nRCPT TO:<%zu@example.net" :
	    "ok%zu@example.net", i);
	return b;
}

static void
open_refusals(void **state)
{
	static const char *const bad[] = {
		"", "ftp://mail.example.com", "smtp:/mail.example.com",
		"smtp://user:pw@mail.example.com",
		"smtp://user@mail.example.com", "smtp://mail.example.com/",
		"smtp://mail.example.com/path", "smtp://mail.example.com?x=1",
		"smtp://mail.example.com#f", "smtp://mail.example.com:0",
		"smtp://mail.example.com:65536", "smtp://mail.example.com:x",
		"smtp://mail.example.com:", "smtp://", "smtp://:25",
		"smtp://[::1", "smtp://[nope]:25", "smtp://ma il.example.com",
		"smtps://a_b.example.com", "maildir:",
		"maildir:no/such/parent/Maildir", "maildir:/",
		"sendmail -t", "SENDMAIL", "lmtp://x",
	};
	struct mailer_opts	 o;
	struct mailer		*m;
	struct err		 err;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		o = opts(bad[i]);
		m = (struct mailer *)&err;
		err.msg[0] = '\0';
		if (mailer_open(&m, &o, &err) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_null(m);
		assert_true(err.msg[0] != '\0');
	}
	o = opts("pigeon");
	assert_int_equal(mailer_open(&m, &o, &err), -1);
	assert_non_null(strstr(err.msg, "pigeon"));
	assert_non_null(strstr(err.msg, "smtp://HOST[:PORT]"));
	o = opts("smtp://a:b@mail.example.com");
	assert_int_equal(mailer_open(&m, &o, &err), -1);
	assert_non_null(strstr(err.msg, "environment"));
	/* The envelope sender goes on the wire: no line breaks in it. */
	o = opts("smtp://mail.example.com");
	o.envelope_from = "a@b\r\nRCPT TO:<x@y>";
	assert_int_equal(mailer_open(&m, &o, &err), -1);
	o.envelope_from = NULL;
	assert_int_equal(mailer_open(&m, &o, &err), -1);
	o = opts("smtp://mail.example.com");
	o.connections = 0;
	assert_int_equal(mailer_open(&m, &o, &err), -1);
}

static void
open_describe(void **state)
{
	static const char *const good[][2] = {
		{ "smtp://127.0.0.1:2525",
		    "smtp://127.0.0.1:2525 (STARTTLS if offered: loopback)" },
		{ "smtp://127.9.8.7",
		    "smtp://127.9.8.7:587 (STARTTLS if offered: loopback)" },
		{ "smtp://localhost",
		    "smtp://localhost:587 (STARTTLS if offered: loopback)" },
		{ "smtp://[::1]:25",
		    "smtp://[::1]:25 (STARTTLS if offered: loopback)" },
		{ "smtp://128.0.0.1", "smtp://128.0.0.1:587 (STARTTLS)" },
		{ "smtp://localhost.example.com",
		    "smtp://localhost.example.com:587 (STARTTLS)" },
		{ "smtp://[2001:db8::1]:2525",
		    "smtp://[2001:db8::1]:2525 (STARTTLS)" },
		{ "smtp://mail.example.com",
		    "smtp://mail.example.com:587 (STARTTLS)" },
		{ "smtps://mail.example.com", "smtps://mail.example.com:465" },
		{ "smtps://127.0.0.1:4650", "smtps://127.0.0.1:4650" },
	};
	struct mailer_opts	 o;
	struct mailer		*m;
	struct err		 err;
	char			 want[PATH_MAX + 32], real[PATH_MAX];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(*good); i++) {
		o = opts(good[i][0]);
		if (mailer_open(&m, &o, &err) != 0)
			fail_msg("%s: %s", good[i][0], err.msg);
		assert_string_equal(mailer_describe(m), good[i][1]);
		mailer_close(m);
	}
	/* Relative to the site folder, and shown resolved. */
	assert_non_null(realpath(tmp_dir, real));
	o = opts("maildir:Maildir/");
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	snprintf(want, sizeof(want), "maildir:%s/Maildir", real);
	assert_string_equal(mailer_describe(m), want);
	mailer_close(m);
	o = opts("maildir:/tmp/Maildir");
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	assert_string_equal(mailer_describe(m), "maildir:/tmp/Maildir");
	mailer_close(m);
	assert_int_equal(unsetenv("STET_SENDMAIL"), 0);
	if (access("/usr/sbin/sendmail", X_OK) == 0) {
		o = opts("sendmail");
		assert_int_equal(mailer_open(&m, &o, &err), 0);
		assert_string_equal(mailer_describe(m),
		    "sendmail (/usr/sbin/sendmail)");
		mailer_close(m);
	}
}

static void
maildir_end_to_end(void **state)
{
	struct mailer_opts	 o;
	struct mailer		*m;
	struct err		 err;
	struct ctx		 c;
	atomic_int		 stop = 0;
	char			 dir[600];
	double			 t0;
	size_t			 i;

	(void)state;
	o = opts("maildir:Maildir");
	o.rate = 50;
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 5, who_ok);
	t0 = now_s();
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), 0);
	/* Five at 50 a second: the last starts 80 ms after the first. */
	assert_true(now_s() - t0 >= 0.079);
	assert_int_equal(c.reported, 5);
	assert_int_equal(c.maxout, 1);
	for (i = 0; i < 5; i++)
		assert_int_equal(c.out[i], MAIL_SENT);
	snprintf(dir, sizeof(dir), "%s/Maildir/new", tmp_dir);
	assert_int_equal(count_files(dir, ""), 5);
	mailer_close(m);
	ctx_free(&c);

	/* Stop after two: nothing more is asked for. */
	o = opts("maildir:Maildir");
	o.stop = &stop;
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 5, who_ok);
	c.stop = &stop;
	c.stop_after = 2;
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), 0);
	assert_int_equal(c.handed, 2);
	assert_int_equal(c.reported, 2);
	assert_int_equal(count_files(dir, ""), 7);
	mailer_close(m);
	ctx_free(&c);

	/* A Maildir that cannot be written stops the run. */
	snprintf(dir, sizeof(dir), "%s/ro", tmp_dir);
	assert_int_equal(mkdir(dir, 0500), 0);
	if (geteuid() != 0) {
		o = opts("maildir:ro/Maildir");
		assert_int_equal(mailer_open(&m, &o, &err), 0);
		ctx_init(&c, 3, who_ok);
		assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err),
		    -1);
		assert_int_equal(c.reported, 1);
		assert_int_equal(c.out[0], MAIL_RETRY);
		mailer_close(m);
		ctx_free(&c);
	}
}

/* The script stands in for sendmail: records its input and arguments. */
static void
sendmail_end_to_end(void **state)
{
	static const int codes[] = { 0, 67, 75, 1 };
	static const enum mail_outcome want[] = {
		MAIL_SENT, MAIL_FAILED, MAIL_RETRY, MAIL_RETRY
	};
	struct mailer_opts	 o;
	struct mailer		*m;
	struct err		 err;
	struct ctx		 c;
	char			 script[600], path[700], lf[512];
	char			*got;
	size_t			 i, j, k, len;
	FILE			*f;

	(void)state;
	snprintf(script, sizeof(script), "%s/fake-sendmail", tmp_dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\nd=$(dirname \"$0\")\ncat > \"$d/sm.out\"\n"
	    "echo \"$*\" > \"$d/sm.args\"\nexit $(cat \"$d/sm.code\")\n");
	fclose(f);
	assert_int_equal(chmod(script, 0700), 0);
	assert_int_equal(setenv("STET_SENDMAIL", script, 1), 0);
	o = opts("sendmail");
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	snprintf(path, sizeof(path), "sendmail (%s)", script);
	assert_string_equal(mailer_describe(m), path);
	for (i = 0; i < sizeof(codes) / sizeof(*codes); i++) {
		snprintf(path, sizeof(path), "%s/sm.code", tmp_dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "%d\n", codes[i]);
		fclose(f);
		ctx_init(&c, 1, who_ok);
		assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err),
		    0);
		assert_int_equal(c.reported, 1);
		assert_int_equal(c.out[0], want[i]);
		/* What sendmail read: the message with LF line ends. */
		for (j = k = 0; j < c.len[0]; j++)
			if (!(c.msg[0][j] == '\r' && c.msg[0][j + 1] == '\n'))
				lf[k++] = c.msg[0][j];
		snprintf(path, sizeof(path), "%s/sm.out", tmp_dir);
		got = slurp(path, &len);
		assert_int_equal(len, k);
		assert_memory_equal(got, lf, k);
		free(got);
		snprintf(path, sizeof(path), "%s/sm.args", tmp_dir);
		got = slurp(path, &len);
		assert_string_equal(got, "-t -i -f bounce@example.org\n");
		free(got);
		ctx_free(&c);
	}
	mailer_close(m);

	/*
	 * A sendmail that hangs (and would ignore SIGTERM were it still
	 * blocked, as in stet serve's mail threads) is stopped after the
	 * timeout: the message waits for a retry, the sender goes on.
	 */
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\ncat > /dev/null\nexec sleep 30\n");
	fclose(f);
	o.timeout = 1;
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 1, who_ok);
	{
		time_t	 t0 = time(NULL);

		assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err),
		    0);
		assert_true(time(NULL) - t0 <= 4);
	}
	assert_int_equal(c.out[0], MAIL_RETRY);
	ctx_free(&c);
	mailer_close(m);

	assert_int_equal(setenv("STET_SENDMAIL", "/nonexistent/sendmail", 1),
	    0);
	assert_int_equal(mailer_open(&m, &o, &err), -1);
	assert_int_equal(unsetenv("STET_SENDMAIL"), 0);
}

static void
smtp_end_to_end(void **state)
{
	struct mailer_opts	 o;
	struct mailer		*m;
	struct err		 err;
	struct ctx		 c;
	char			 url[64], path[600], conns[600];
	char			*got, *nl;
	size_t			 i, len, before, nsent = 0, seen[MAXJOBS];

	(void)state;
	if (srv_port == 0)
		skip();
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", srv_port);
	snprintf(conns, sizeof(conns), "%s/conns", srv_dir);
	before = count_lines(conns);
	o = opts(url);
	o.connections = 3;
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 50, who_mixed);
	if (mailer_run(m, next_job, done_jobs, &c, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(c.handed, 50);
	assert_int_equal(c.reported, 50);
	assert_true(c.maxout <= 3);
	for (i = 0; i < 50; i++) {
		if (i % 10 == 3) {
			assert_int_equal(c.out[i], MAIL_FAILED);
			assert_int_equal(c.code[i], 550);
			assert_string_equal(c.reply[i],
			    "550 5.1.1 no such user here");
		} else if (i % 10 == 7) {
			assert_int_equal(c.out[i], MAIL_RETRY);
			assert_int_equal(c.code[i], 451);
		} else {
			assert_int_equal(c.out[i], MAIL_SENT);
			assert_int_equal(c.code[i], 250);
			assert_non_null(strstr(c.reply[i], "queued as"));
			nsent++;
		}
	}
	/* The server has exactly the accepted ones, byte for byte. */
	assert_int_equal(count_files(srv_dir, ".eml"), nsent);
	memset(seen, 0, sizeof(seen));
	for (i = 1; i <= nsent; i++) {
		snprintf(path, sizeof(path), "%s/m%zu.eml", srv_dir, i);
		got = slurp(path, &len);
		nl = strchr(got, '\n');
		assert_non_null(nl);
		*nl = '\0';
		assert_int_equal(strncmp(got, "ok", 2), 0);
		len = (size_t)atoi(got + 2);
		assert_true(len < 50);
		assert_false(seen[len]);
		seen[len] = 1;
		assert_string_equal(nl + 1, c.msg[len]);
		free(got);
	}
	/*
	 * libcurl closes the connection after a refused RCPT, so each of
	 * the 10 failures costs a new one; the rest reuse theirs.
	 */
	assert_true(count_lines(conns) - before <= 3 + 10);
	ctx_free(&c);

	/*
	 * All accepted: the connections the first run left open carry all
	 * 30, with no new one (at most three, for any the refusals closed).
	 */
	before = count_lines(conns);
	ctx_init(&c, 30, who_ok);
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), 0);
	assert_int_equal(c.reported, 30);
	for (i = 0; i < 30; i++)
		assert_int_equal(c.out[i], MAIL_SENT);
	assert_true(count_lines(conns) - before <= 3);
	assert_int_equal(count_files(srv_dir, ".eml"), nsent + 30);
	ctx_free(&c);

	/* Kept open: a third run opens none.  After a hang-up, three. */
	before = count_lines(conns);
	ctx_init(&c, 6, who_ok);
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), 0);
	assert_int_equal(count_lines(conns) - before, 0);
	ctx_free(&c);
	mailer_hangup(m);
	before = count_lines(conns);
	ctx_init(&c, 6, who_ok);
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), 0);
	assert_int_equal(count_lines(conns) - before, 3);
	assert_int_equal(count_files(srv_dir, ".eml"), nsent + 42);
	ctx_free(&c);
	mailer_close(m);
}

static void
smtp_stop_and_rate(void **state)
{
	struct mailer_opts	 o;
	struct mailer		*m;
	struct err		 err;
	struct ctx		 c;
	atomic_int		 stop = 0;
	char			 url[64];
	double			 t0;
	size_t			 i;

	(void)state;
	if (srv_port == 0)
		skip();
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", srv_port);
	o = opts(url);
	o.connections = 2;
	o.rate = 40;
	o.stop = &stop;
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 10, who_ok);
	c.stop = &stop;
	c.stop_after = 4;
	t0 = now_s();
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), 0);
	/* Whatever had started was finished and reported, nothing more. */
	assert_true(c.handed >= 4 && c.handed < 10);
	assert_int_equal(c.reported, c.handed);
	for (i = 0; i < c.handed; i++)
		assert_int_equal(c.out[i], MAIL_SENT);
	/* Message k starts no sooner than k/40 s in. */
	assert_true(now_s() - t0 >= (double)(c.handed - 1) / 40 - 0.001);
	ctx_free(&c);
	mailer_close(m);
}

static void
smtp_relay_failures(void **state)
{
	struct mailer_opts	 o;
	struct mailer		*m;
	struct err		 err;
	struct ctx		 c;
	char			 url[64];
	size_t			 i;
	int			 fd, port;
	struct sockaddr_in	 sa;
	socklen_t		 sl = sizeof(sa);

	(void)state;
	if (srv_port == 0)
		skip();
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", srv_port);

	/* A wrong password: the run stops, every job back as RETRY. */
	o = opts(url);
	o.connections = 3;
	o.username = "good";
	o.password = "wrong";
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 10, who_ok);
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), -1);
	assert_non_null(strstr(err.msg, url));
	assert_non_null(strstr(err.msg, "login refused: 535"));
	assert_true(c.handed >= 1 && c.handed <= 3);
	assert_int_equal(c.reported, c.handed);
	for (i = 0; i < c.handed; i++)
		assert_int_equal(c.out[i], MAIL_RETRY);
	ctx_free(&c);
	mailer_close(m);

	/* The right one; a job with a bad address fails alone. */
	o.password = "pw";
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 4, who_bad);
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(c.out[i], i == 1 ? MAIL_FAILED : MAIL_SENT);
	assert_int_equal(c.code[1], 0);
	ctx_free(&c);
	mailer_close(m);

	/* The envelope sender refused. */
	o = opts(url);
	o.envelope_from = "badsender@example.org";
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 3, who_ok);
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), -1);
	assert_non_null(strstr(err.msg, "envelope sender"));
	assert_non_null(strstr(err.msg, "553"));
	assert_int_equal(c.handed, 1);
	assert_int_equal(c.out[0], MAIL_RETRY);
	assert_int_equal(c.code[0], 553);
	ctx_free(&c);
	mailer_close(m);

	/* Nobody listening: a port that was free a moment ago. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	o = opts(url);
	o.connections = 3;
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 20, who_ok);
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), -1);
	assert_non_null(strstr(err.msg, "cannot connect"));
	assert_true(c.handed >= 1 && c.handed <= 3);
	assert_int_equal(c.reported, c.handed);
	for (i = 0; i < c.handed; i++) {
		assert_int_equal(c.out[i], MAIL_RETRY);
		assert_int_equal(c.code[i], 0);
	}
	ctx_free(&c);
	mailer_close(m);

	/*
	 * Listening but never answering: the kernel completes the
	 * connection, nobody says 220.  One second of timeout.
	 */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	sa.sin_port = 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	sl = sizeof(sa);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", ntohs(sa.sin_port));
	o = opts(url);
	o.connections = 2;
	o.timeout = 1;
	assert_int_equal(mailer_open(&m, &o, &err), 0);
	ctx_init(&c, 5, who_ok);
	assert_int_equal(mailer_run(m, next_job, done_jobs, &c, &err), -1);
	assert_non_null(strstr(err.msg, "does not answer"));
	assert_int_equal(c.handed, 2);
	assert_int_equal(c.reported, 2);
	assert_int_equal(c.out[0], MAIL_RETRY);
	assert_int_equal(c.out[1], MAIL_RETRY);
	ctx_free(&c);
	mailer_close(m);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_refusals),
		cmocka_unit_test(open_describe),
		cmocka_unit_test(maildir_end_to_end),
		cmocka_unit_test(sendmail_end_to_end),
		cmocka_unit_test(smtp_end_to_end),
		cmocka_unit_test(smtp_stop_and_rate),
		cmocka_unit_test(smtp_relay_failures),
	};

	/* A server that quits early must not take the test with it. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
