#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "../site/build.h"
#include "../mail/dkim.h"
#include "../send/envelope.h"
#include "../send/outbox.h"
#include "../send/send.h"
#include "../store/store.h"
#include "errlog.h"
#include "formq.h"
#include "forms.h"
#include "webhook.h"
#include "loop.h"
#include "routes.h"
#include "sender.h"
#include "server.h"
#include "watch.h"

#define MAX_LOOPS	16
/* Descriptors beside connections: listeners, epoll, a rebuild's files. */
#define SPARE_FDS	256
/* Quiet time after a change before rebuilding, and the longest wait. */
#define DEBOUNCE_MS	100
#define DEBOUNCE_MAX_MS	1000
/* Time the requests in flight get to finish on SIGTERM. */
#define GRACE_MS	10000
/* After a failed rebuild for a due post, wait before trying again. */
#define DUE_RETRY_S	60

struct server {
	const struct server_opts *o;
	int			 sitefd;
	const struct server_settings *set;	/* o->settings */
	struct build_opts	 bo;
	struct shared		 sh;
	int			 sh_ready;
	struct loop		 loops[MAX_LOOPS];
	size_t			 nloops;
	int64_t			 next_due;	/* epoch s; 0: none */
	struct watch		*watch;
	/* The subscription forms and the mail thread behind them. */
	struct store		*store;
	pthread_mutex_t		 store_lock;
	struct outbox		*outbox;
	/*
	 * The forms have a connection of their own, used by the form
	 * queue's worker alone, so the time it waits on a busy store is
	 * theirs to bound (see formq.h) and the mail thread keeps its own.
	 */
	struct store		*form_store;
	pthread_mutex_t		 form_lock;
	struct formq		*formq;
	struct forms		*forms;
	char			*link_base;
	struct sender		*sender;	/* mail.send_every, or NULL */
	struct errlog		 errlog;	/* stderr while the loops run */
	struct dkim_signer	*signer;	/* mail.dkim, or NULL */
};

/* An address to listen on, resolved. */
struct where {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	unsigned		 port;
	int			 loopback;
	char			 host[INET6_ADDRSTRLEN + 2];
};

static void	 say(struct server *, enum server_say, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 first_build(struct server *, struct err *);
static int	 rebuild(struct server *, const char *why);
static void	 publish(struct shared *, struct snapshot *);
static void	 outbox_say(void *, int, const char *);
static int	 setup_h2o(struct server *, struct err *);
static SSL_CTX	*setup_tls(struct server *, struct err *);
static int	 resolve(const char *, struct where *, struct err *);
static int	 listen_group(struct where *, int *fds, size_t n,
		    struct err *);
static int	 listen_one(const struct where *, int reuseport,
		    struct err *);
static size_t	 fit_nofile(struct server *, size_t max_conns);
static char	*form_origin(const char *action);
static int	 control(struct server *, int sigfd);
static int64_t	 now_ms(void);
static int	 forms_start(struct server *, const struct where *,
		    struct err *);
static void	 forms_stop(struct server *);

int
server_run(const struct server_opts *o, struct err *err)
{
	struct server	 s;
	struct where	 plain, tls;
	struct snapshot	*snap = NULL;
	sigset_t	 mask, old;
	int		 fds[2][MAX_LOOPS], sigfd = -1, rc = -1, masked = 0;
	char		*origin = NULL;
	long		 ncpu;
	size_t		 i, j, max_conns;

	memset(&s, 0, sizeof(s));
	s.o = o;
	for (i = 0; i < MAX_LOOPS; i++)
		fds[0][i] = fds[1][i] = -1;
	/*
	 * SIGHUP would end the process until the control loop reads it:
	 * hold it from the start.  SIGINT and SIGTERM may still stop a
	 * long first build the plain way.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, &old);
	masked = 1;
	s.sitefd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.sitefd == -1) {
		err_set(err, o->dir, 0, "%s", strerror(errno));
		goto out;
	}
	s.set = o->settings;
	if (resolve(o->listen != NULL ? o->listen : s.set->listen,
	    &plain, err) == -1)
		goto out;
	if (s.set->tls_listen != NULL &&
	    resolve(s.set->tls_listen, &tls, err) == -1)
		goto out;
	if (first_build(&s, err) == -1)
		goto out;

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	s.nloops = ncpu < 1 ? 1 : ncpu > MAX_LOOPS ? MAX_LOOPS : (size_t)ncpu;
	max_conns = fit_nofile(&s, s.set->max_connections);
	if (limits_init(&s.sh.limits, max_conns, s.set->max_per_client,
	    s.set->trusted_proxies, s.set->ntrusted_proxies,
	    err) == -1)
		goto out;
	s.sh.limits.max_h2_per_client = s.set->max_h2_per_client;
	origin = form_origin(o->subscribe_action);
	if (snapshot_common_init(&s.sh.common, origin, o->remote_images,
	    err) == -1) {
		limits_free(&s.sh.limits);
		goto out;
	}
	pthread_mutex_init(&s.sh.snap_lock, NULL);
	s.sh_ready = 1;
	if (setup_h2o(&s, err) == -1)
		goto out;
	if (listen_group(&plain, fds[0], s.nloops, err) == -1)
		goto out;
	if (s.sh.ssl != NULL && listen_group(&tls, fds[1], s.nloops, err) == -1)
		goto out;
	if (s.sh.ssl != NULL)
		s.sh.tls_port = tls.port;

	if (snapshot_load(s.sitefd, &s.sh.common, &snap, err) == -1)
		goto out;
	publish(&s.sh, snap);
	if (snap->nskipped > 0)
		say(&s, SERVER_INFO, "left out %zu symbolic links and other "
		    "non-files in public/", snap->nskipped);

	/*
	 * Signals go to a signalfd read by this thread; blocking them
	 * before any thread starts keeps them off the loops (and off the
	 * build's workers).  SIGPIPE is ignored: a peer that went away is
	 * an error on the socket, not the end of the server.
	 */
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Before any thread that may write to stderr starts, and put back
	 * after the last has stopped.
	 */
	errlog_install(&s.errlog);
	/* After the mask: the mail threads must not take the signals. */
	if (forms_start(&s, &plain, err) == -1)
		goto out;
	if ((sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) == -1) {
		err_set(err, NULL, 0, "signalfd: %s", strerror(errno));
		goto out;
	}
	if (o->watch && watch_open(o->dir, &s.watch, err) == -1)
		goto out;

	for (i = 0; i < s.nloops; i++) {
		if (loop_start(&s.loops[i], &s.sh, fds[0][i], fds[1][i],
		    err) == -1) {
			/* loop_start closed this loop's sockets. */
			for (j = i + 1; j < s.nloops; j++) {
				if (fds[0][j] != -1)
					close(fds[0][j]);
				if (fds[1][j] != -1)
					close(fds[1][j]);
			}
			atomic_store(&s.sh.stopping, 1);
			for (j = 0; j < i; j++) {
				loop_wake(&s.loops[j]);
				loop_join(&s.loops[j]);
			}
			memset(fds, -1, sizeof(fds));
			goto out;
		}
		fds[0][i] = fds[1][i] = -1;
	}

	say(&s, SERVER_INFO, "serving %zu files (%zu KiB) with %zu threads%s",
	    snap->nfiles, snap->bytes / 1024, s.nloops,
	    o->watch ? ", watching for changes" : "");
	if (plain.loopback)
		say(&s, SERVER_URL, "http://%s:%u/", plain.host, plain.port);
	else
		say(&s, SERVER_INFO, "listening on %s:%u", plain.host,
		    plain.port);
	if (s.sh.ssl != NULL) {
		if (tls.loopback)
			say(&s, SERVER_URL, "https://%s:%u/", tls.host,
			    tls.port);
		else
			say(&s, SERVER_INFO, "listening on %s:%u (TLS)",
			    tls.host, tls.port);
	}

	control(&s, sigfd);

	atomic_store(&s.sh.stopping, 1);
	for (i = 0; i < s.nloops; i++)
		loop_wake(&s.loops[i]);
	for (i = 0; i < s.nloops; i++)
		loop_join(&s.loops[i]);
	rc = 0;
out:
	/* The loops are gone: no form handler can use the store now. */
	forms_stop(&s);
	errlog_remove(&s.errlog);
	if (rc == 0)
		say(&s, SERVER_INFO, "stopped");
	for (i = 0; i < MAX_LOOPS; i++) {
		if (fds[0][i] != -1)
			close(fds[0][i]);
		if (fds[1][i] != -1)
			close(fds[1][i]);
	}
	if (sigfd != -1) {
		/*
		 * A second SIGTERM sent while the first was being served
		 * would otherwise be delivered as the mask is restored, and
		 * kill what is by now a clean exit.
		 */
		struct signalfd_siginfo si;

		while (read(sigfd, &si, sizeof(si)) > 0)
			;
		close(sigfd);
	}
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	watch_close(s.watch);
	if (s.sh_ready) {
		snapshot_drop(atomic_load(&s.sh.snap));
		h2o_config_dispose(&s.sh.gconf);
		if (s.sh.ssl != NULL)
			SSL_CTX_free(s.sh.ssl);
		snapshot_common_free(&s.sh.common);
		limits_free(&s.sh.limits);
		pthread_mutex_destroy(&s.sh.snap_lock);
	}
	free(origin);
	if (s.sitefd != -1)
		close(s.sitefd);
	return rc;
}

static void
say(struct server *s, enum server_say kind, const char *fmt, ...)
{
	char	 line[1024];
	va_list	 ap;

	if (s->o->say == NULL)
		return;
	va_start(ap, fmt);
	/* A line cut short is still worth saying. */
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->o->say(s->o->arg, kind, line);
}

/*
 * Build before serving.  If the build fails but an earlier one left
 * public/, serve that (and say why): a typo in a post should not take
 * the site down at a restart.
 */
static int
first_build(struct server *s, struct err *err)
{
	struct build_result	 r;
	struct stat		 st;

	s->bo.dir = s->o->dir;
	if (site_build(&s->bo, &r, err) == 0) {
		s->next_due = r.next_due;
		sender_rebuilt(s->o->dir, r.written, s->o->mail, s->o->send,
		    outbox_say, s);
		say(s, SERVER_INFO, "built %zu posts, %zu pages and %zu topics "
		    "in %.0f ms", r.nposts, r.npages, r.ntopics, r.total_ms);
		return 0;
	}
	if (fstatat(s->sitefd, "public", &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISDIR(st.st_mode))
		return -1;
	say(s, SERVER_ERROR, "%s", err->msg);
	say(s, SERVER_ERROR, "serving the last build in public/ until this "
	    "is fixed");
	return 0;
}

/* Build and swap the new site in; on failure the old one stays. */
static int
rebuild(struct server *s, const char *why)
{
	struct build_result	 r;
	struct snapshot		*snap;
	struct err		 err;
	int64_t			 t0 = now_ms();

	if (site_build(&s->bo, &r, &err) == -1) {
		say(s, SERVER_ERROR, "%s", err.msg);
		say(s, SERVER_ERROR, "still serving the last good build");
		return -1;
	}
	s->next_due = r.next_due;
	if (snapshot_load(s->sitefd, &s->sh.common, &snap, &err) == -1) {
		say(s, SERVER_ERROR, "%s", err.msg);
		say(s, SERVER_ERROR, "still serving the last good build");
		return -1;
	}
	publish(&s->sh, snap);
	forms_reload(s->forms);
	sender_rebuilt(s->o->dir, r.written, s->o->mail, s->o->send,
	    outbox_say, s);
	sender_kick(s->sender);
	say(s, SERVER_INFO, "rebuilt (%s) in %lld ms: %zu files", why,
	    (long long)(now_ms() - t0), snap->nfiles);
	return 0;
}

/*
 * Make snap current and drop the publication's reference to the old
 * one; loops still sending from it hold their own.  The lock orders
 * this against a loop taking a reference (see struct shared).
 */
static void
publish(struct shared *sh, struct snapshot *snap)
{
	struct snapshot	*old;

	pthread_mutex_lock(&sh->snap_lock);
	old = atomic_load_explicit(&sh->snap, memory_order_relaxed);
	atomic_store_explicit(&sh->snap, snap, memory_order_release);
	pthread_mutex_unlock(&sh->snap_lock);
	snapshot_drop(old);
}

/*
 * h2o's settings, from ours.  Everything is answered by routes on the
 * host's fallback path, so no request escapes our handler, filter or
 * log.
 */
static int
setup_h2o(struct server *s, struct err *err)
{
	h2o_globalconf_t	*g = &s->sh.gconf;
	h2o_hostconf_t		*host;
	uint64_t		 timeout = s->set->header_timeout * 1000;

	h2o_config_init(g);
	/* No Server header: nothing to tell a scanner. */
	g->server_name = h2o_iovec_init(H2O_STRLIT(""));
	g->max_request_entity_size = s->set->max_body;
	g->handshake_timeout = timeout;
	/*
	 * h2o arms this when it starts reading a request and does not
	 * re-arm it as bytes trickle in: it bounds the whole request line
	 * and headers, which is what stops a slow client.
	 */
	g->http1.req_timeout = timeout;
	/* h2c upgrades only widen what a plain port accepts. */
	g->http1.upgrade_to_http2 = 0;
	g->http2.idle_timeout = timeout;
	g->http2.graceful_shutdown_timeout = GRACE_MS;
	/*
	 * h2o announces 100 concurrent streams (a constant); past this
	 * many the others wait, their bodies (each at most max_body)
	 * buffered.  What h2o counts as activity (any frame, PING too) is
	 * not what we do: loop.c closes a connection that brings no request
	 * within the idle timeout, and one that outlives max_lifetime.
	 */
	g->http2.max_concurrent_requests_per_connection =
	    s->set->max_streams;
	s->sh.max_request = s->set->max_request;
	s->sh.send_timeout = s->set->send_timeout * 1000;
	s->sh.idle_timeout = timeout;
	s->sh.max_lifetime = s->set->max_lifetime * 1000;
	s->sh.grace = GRACE_MS;
	/*
	 * h2o gives a request without a Host header this name; .invalid
	 * is reserved, so the https redirect can tell it from a real one.
	 */
	host = h2o_config_register_host(g, h2o_iovec_init(H2O_STRLIT(
	    ROUTES_NO_HOST)), 65535);
	routes_register(&host->fallback_path, &s->sh);
	if (s->set->tls_listen != NULL &&
	    (s->sh.ssl = setup_tls(s, err)) == NULL)
		return -1;
	return 0;
}

/* TLS 1.2 and 1.3 only, forward-secret AEAD suites, ALPN h2. */
static SSL_CTX *
setup_tls(struct server *s, struct err *err)
{
	SSL_CTX		*c;
	char		 cert[PATH_MAX], key[PATH_MAX];
	const char	*what;

	/* Relative paths are the site folder's, like every other. */
	if (snprintf(cert, sizeof(cert), "%s%s%s",
	    s->set->tls_cert[0] == '/' ? "" : s->o->dir,
	    s->set->tls_cert[0] == '/' ? "" : "/",
	    s->set->tls_cert) >= (int)sizeof(cert) ||
	    snprintf(key, sizeof(key), "%s%s%s",
	    s->set->tls_key[0] == '/' ? "" : s->o->dir,
	    s->set->tls_key[0] == '/' ? "" : "/",
	    s->set->tls_key) >= (int)sizeof(key)) {
		err_set(err, "stet.yaml", 0, "server.tls: a path is too long");
		return NULL;
	}
	if ((c = SSL_CTX_new(TLS_server_method())) == NULL) {
		err_set(err, NULL, 0, "TLS: cannot make a context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	what = cert;
	if (SSL_CTX_set_cipher_list(c, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1 ||
	    SSL_CTX_use_certificate_chain_file(c, cert) != 1)
		goto fail;
	what = key;
	if (SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c) != 1)
		goto fail;
	h2o_ssl_register_alpn_protocols(c, h2o_http2_alpn_protocols);
	return c;
fail:
	err_set(err, what, 0, "TLS: %s",
	    ERR_reason_error_string(ERR_get_error()));
	ERR_clear_error();
	SSL_CTX_free(c);
	return NULL;
}

/* ADDR:PORT (as settings.c checked it) to an address to bind. */
static int
resolve(const char *spec, struct where *w, struct err *err)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*colon = strrchr(spec, ':');
	char		 host[256], port[8];
	size_t		 hlen;
	int		 rc;

	memset(w, 0, sizeof(*w));
	if (colon == NULL || (hlen = (size_t)(colon - spec)) == 0 ||
	    strlen(colon + 1) >= sizeof(port))
		return err_set(err, NULL, 0, "%s: want ADDRESS:PORT", spec);
	if (hlen >= sizeof(host))
		return err_set(err, NULL, 0, "%s: want ADDRESS:PORT", spec);
	if (spec[0] == '[' && hlen >= 2 && spec[hlen - 1] == ']') {
		memcpy(host, spec + 1, hlen - 2);
		hlen -= 2;
	} else
		memcpy(host, spec, hlen);
	host[hlen] = '\0';
	memcpy(port, colon + 1, strlen(colon + 1) + 1);
	/* getaddrinfo would take 99999 and bind its low 16 bits. */
	if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port) ||
	    strtol(port, NULL, 10) > 65535)
		return err_set(err, NULL, 0, "%s: want a port from 0 to 65535",
		    spec);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return err_set(err, NULL, 0, "%s: %s", host, gai_strerror(rc));
	memcpy(&w->ss, res->ai_addr, res->ai_addrlen);
	w->len = res->ai_addrlen;
	freeaddrinfo(res);
	if (w->ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&w->ss;

		w->port = ntohs(s4->sin_port);
		w->loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
		inet_ntop(AF_INET, &s4->sin_addr, w->host, sizeof(w->host));
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&w->ss;

		w->port = ntohs(s6->sin6_port);
		w->loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
		w->host[0] = '[';
		inet_ntop(AF_INET6, &s6->sin6_addr, w->host + 1,
		    sizeof(w->host) - 2);
		memcpy(w->host + strlen(w->host), "]", 2);
	}
	return 0;
}

/*
 * One listening socket per loop on the same address, SO_REUSEPORT, so
 * the kernel spreads new connections over the loops.  SO_REUSEPORT
 * would also let a second stet share the port unnoticed, so a probe
 * without it binds first: if that fails, the port is taken.  Port 0
 * asks the probe for a free port, which the group then takes.
 */
static int
listen_group(struct where *w, int *fds, size_t n, struct err *err)
{
	struct sockaddr_storage	 got;
	socklen_t		 len = sizeof(got);
	size_t			 i;
	int			 probe;

	if ((probe = listen_one(w, 0, err)) == -1)
		return -1;
	if (w->port == 0) {
		if (getsockname(probe, (struct sockaddr *)&got, &len) == -1) {
			close(probe);
			return err_set(err, NULL, 0, "getsockname: %s",
			    strerror(errno));
		}
		w->port = ntohs(got.ss_family == AF_INET ?
		    ((struct sockaddr_in *)&got)->sin_port :
		    ((struct sockaddr_in6 *)&got)->sin6_port);
		if (w->ss.ss_family == AF_INET)
			((struct sockaddr_in *)&w->ss)->sin_port =
			    htons((uint16_t)w->port);
		else
			((struct sockaddr_in6 *)&w->ss)->sin6_port =
			    htons((uint16_t)w->port);
	}
	close(probe);
	for (i = 0; i < n; i++)
		if ((fds[i] = listen_one(w, 1, err)) == -1) {
			while (i-- > 0) {
				close(fds[i]);
				fds[i] = -1;
			}
			return -1;
		}
	return 0;
}

static int
listen_one(const struct where *w, int reuseport, struct err *err)
{
	int	 fd, one = 1;

	fd = socket(w->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return err_set(err, NULL, 0, "socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) == -1)) {
		err_set(err, NULL, 0, "setsockopt: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)&w->ss, w->len) == -1) {
		err_set(err, NULL, 0, "%s:%u: %s", w->host, w->port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (reuseport && listen(fd, SOMAXCONN) == -1) {
		err_set(err, NULL, 0, "listen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Raise the open-file limit to what max_conns needs (the soft limit,
 * up to the hard one).  When the hard limit is lower, serve fewer
 * connections rather than fail to accept: returns the bound to use.
 */
static size_t
fit_nofile(struct server *s, size_t max_conns)
{
	struct rlimit	 rl;
	size_t		 need = max_conns + max_conns / 4 + 16 + SPARE_FDS;
	size_t		 fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return max_conns;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    rl.rlim_max >= need ? need : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1 &&
		    getrlimit(RLIMIT_NOFILE, &rl) == -1)
			return max_conns;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return max_conns;
	fit = rl.rlim_cur > SPARE_FDS + 16 + 5 ?
	    (rl.rlim_cur - SPARE_FDS - 16) * 4 / 5 : 1;
	say(s, SERVER_INFO, "the open-file limit is %llu: serving %zu "
	    "connections at once, not %zu", (unsigned long long)rl.rlim_cur,
	    fit, max_conns);
	return fit;
}

/*
 * The scheme://host[:port] of an outside form action, for the CSP's
 * form-action; NULL when the site's own (or unusable: then the form
 * posts to 'self' only, and the browser says so).
 */
static char *
form_origin(const char *action)
{
	const char	*h, *e;
	size_t		 n;
	char		*o;

	if (action == NULL)
		return NULL;
	if (strncmp(action, "https://", 8) == 0)
		h = action + 8;
	else if (strncmp(action, "http://", 7) == 0)
		h = action + 7;
	else
		return NULL;
	for (e = h; *e != '\0' && *e != '/' && *e != '?' && *e != '#'; e++)
		if (!((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') ||
		    (*e >= '0' && *e <= '9') || *e == '.' || *e == '-' ||
		    *e == ':' || *e == '[' || *e == ']'))
			return NULL;
	if (e == h)
		return NULL;
	n = (size_t)(e - action);
	if ((o = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(o, action, n);
	o[n] = '\0';
	return o;
}

/*
 * The control thread: signals, source changes and due posts, until
 * SIGTERM or SIGINT.  Rebuilds run here while the loops go on serving
 * the old snapshot.
 */
static int
control(struct server *s, int sigfd)
{
	struct signalfd_siginfo	 si;
	struct pollfd		 pfd[2];
	int64_t			 now, pending = 0, first = 0, retry = 0;
	int64_t			 wait, t, due;
	nfds_t			 n;
	ssize_t			 got;

	for (;;) {
		now = now_ms();
		wait = -1;
		if (pending != 0)
			wait = pending - now;
		if (s->watch != NULL && s->next_due != 0) {
			/* A second late, so the build sees it past due. */
			t = (s->next_due + 1 - (int64_t)time(NULL)) * 1000;
			if (retry > now)
				t = retry - now;
			if (wait < 0 || t < wait)
				wait = t;
		}
		if (wait > INT_MAX)
			wait = INT_MAX;
		if (wait < -1)
			wait = 0;
		pfd[0].fd = sigfd;
		pfd[0].events = POLLIN;
		n = 1;
		if (s->watch != NULL) {
			pfd[1].fd = watch_fd(s->watch);
			pfd[1].events = POLLIN;
			n = 2;
		}
		if (poll(pfd, n, (int)wait) == -1 && errno != EINTR)
			return -1;
		now = now_ms();
		if (pfd[0].revents & POLLIN) {
			got = read(sigfd, &si, sizeof(si));
			if (got == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGHUP)
					rebuild(s, "SIGHUP");
				else
					return 0;
			}
		}
		if (n == 2 && (pfd[1].revents & POLLIN) &&
		    watch_read(s->watch) != 0) {
			if (pending == 0)
				first = now;
			/* Wait for quiet, but not forever. */
			pending = now + DEBOUNCE_MS;
			if (pending > first + DEBOUNCE_MAX_MS)
				pending = first + DEBOUNCE_MAX_MS;
		}
		if (pending != 0 && now >= pending) {
			pending = 0;
			rebuild(s, "a source changed");
		}
		if (s->watch != NULL && s->next_due != 0 && now >= retry &&
		    (int64_t)time(NULL) > s->next_due) {
			/*
			 * A failed build, or one that still holds the post
			 * back, is tried again later, not in a tight loop.
			 */
			due = s->next_due;
			if (rebuild(s, "a post fell due") == -1 ||
			    s->next_due == due)
				retry = now + DUE_RETRY_S * 1000;
		}
	}
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
outbox_say(void *arg, int is_error, const char *line)
{
	say(arg, is_error ? SERVER_ERROR : SERVER_INFO, "%s", line);
}

/*
 * Open the subscriber store, start the mail thread and make the form
 * handlers.  Links in messages point at the site's url; a server on a
 * loopback address with nothing in front is a trial on this machine,
 * so they point at the server itself and the reader can follow them.
 */
static int
forms_start(struct server *s, const struct where *plain, struct err *err)
{
	struct mailer_opts	 mo;
	struct forms_opts	 fo;
	struct buf		 b, from;
	struct err		 e2;
	const char		*pw;
	int			 trial, rc;

	/*
	 * A trial: loopback, no proxy in front (trusted_proxies names
	 * one, as docs/nginx.conf does) and no TLS of its own.  Then no
	 * reader but the owner can reach the site, and links to url would
	 * lead nowhere.
	 */
	trial = plain->loopback && s->set->ntrusted_proxies == 0 &&
	    s->set->tls_listen == NULL;
	buf_init(&b, 0);
	if (trial) {
		if (buf_printf(&b, "http://%s:%u%s", plain->host, plain->port,
		    s->o->base_path) == -1)
			return err_set(err, NULL, 0, "out of memory");
	} else if (buf_puts(&b, s->o->url) == -1)
		return err_set(err, NULL, 0, "out of memory");
	s->link_base = buf_take(&b, NULL);
	if (trial)
		say(s, SERVER_INFO, "links in mail from this server point here "
		    "(%s), not at %s, as this is a loopback address with no "
		    "proxy in front (server.trusted_proxies)", s->link_base,
		    s->o->url);
	if (s->o->mail->from_addr == NULL)
		say(s, SERVER_ERROR, "mail.from is not set in stet.yaml: the "
		    "subscribe form will ask readers to try again later");

	if (store_open(&s->store, s->o->dir, err) == -1) {
		/*
		 * Damaged, emptied, unreadable: the site is still served,
		 * and the forms (with no store) answer 503 and say why.
		 */
		say(s, SERVER_ERROR, "%s", err->msg);
		if (s->o->mail->send_every > 0)
			say(s, SERVER_ERROR, "no post is mailed to readers "
			    "either until stet.db is mended");
		memset(&fo, 0, sizeof(fo));
		fo.title = s->o->title;
		fo.url = s->o->url;
		fo.base_path = s->o->base_path;
		fo.settings = s->set;
		fo.sitefd = s->sitefd;
		if (forms_open(&s->forms, &fo, err) == -1)
			return -1;
		s->sh.forms = s->forms;
		return 0;
	}
	pthread_mutex_init(&s->store_lock, NULL);
	if (s->o->mail->dkim_key != NULL && send_signer(s->o->dir, s->o->mail,
	    &s->signer, err) == -1)
		goto fail;
	memset(&mo, 0, sizeof(mo));
	mo.transport = s->o->mail->transport;
	mo.sitedir = s->o->dir;
	buf_init(&from, 0);
	if (send_envelope(NULL, s->o->mail, NULL, 0, NULL, &from, &e2) == -1)
		buf_reset(&from);	/* mail.from missing: said above */
	mo.envelope_from = from.data != NULL ? from.data : "";
	mo.username = s->o->mail->username;
	pw = s->o->mail->password_env != NULL ?
	    getenv(s->o->mail->password_env) : NULL;
	mo.password = pw;
	mo.timeout = (unsigned)s->o->mail->timeout;
	mo.connections = 1;
	rc = outbox_start(&s->outbox, s->store, &s->store_lock, &mo,
	    s->o->mail->stop_after, outbox_say, s, err);
	buf_free(&from);	/* the mailer keeps a copy */
	if (rc == -1)
		goto fail;
	memset(&fo, 0, sizeof(fo));
	fo.title = s->o->title;
	fo.url = s->o->url;
	fo.base_path = s->o->base_path;
	fo.settings = s->set;
	fo.mail = s->o->mail;
	fo.sitefd = s->sitefd;
	if (store_open(&s->form_store, s->o->dir, err) == -1)
		goto fail;
	pthread_mutex_init(&s->form_lock, NULL);
	if (formq_start(&s->formq, s->set->form_queue,
	    s->set->form_wait * 1000, err) == -1)
		goto fail;
	s->sh.formq = s->formq;
	fo.store = s->form_store;
	fo.lock = &s->form_lock;
	fo.outbox = s->outbox;
	fo.link_base = s->link_base;
	fo.signer = s->signer;
	if (forms_open(&s->forms, &fo, err) == -1)
		goto fail;
	s->sh.forms = s->forms;
	if (webhook_open(&s->sh.webhook, s->o->mail, s->o->base_path,
	    s->store, &s->store_lock, err) == -1)
		goto fail;
	if (s->sh.webhook != NULL)
		say(s, SERVER_INFO, "Postmark's bounce webhook: POST %s"
		    "_stet/postmark/$%s", s->o->base_path,
		    s->o->mail->bounces.webhook_secret_env);
	if (s->o->mail->send_every > 0) {
		if (sender_start(&s->sender, s->o->dir, s->link_base,
		    s->o->mail, s->o->send, outbox_say, s, err) == -1)
			goto fail;
		say(s, SERVER_INFO, "mailing new posts to readers: looking "
		    "every %zu minutes and after each rebuild",
		    s->o->mail->send_every);
	}
	return 0;
fail:
	forms_stop(s);
	return -1;
}

static void
forms_stop(struct server *s)
{
	if (s->store == NULL) {
		forms_close(s->forms);	/* opened without a store, or NULL */
		s->forms = NULL;
		free(s->link_base);
		s->link_base = NULL;
		return;
	}
	sender_stop(s->sender);
	s->sender = NULL;
	outbox_stop(s->outbox);
	/* The loops are gone, so every job came back: the worker is idle. */
	formq_stop(s->formq);
	s->formq = NULL;
	s->sh.formq = NULL;
	webhook_close(s->sh.webhook);
	s->sh.webhook = NULL;
	forms_close(s->forms);
	if (s->form_store != NULL) {
		store_close(s->form_store);
		pthread_mutex_destroy(&s->form_lock);
		s->form_store = NULL;
	}
	store_close(s->store);
	dkim_signer_close(s->signer);
	s->signer = NULL;
	pthread_mutex_destroy(&s->store_lock);
	free(s->link_base);
	s->outbox = NULL;
	s->forms = NULL;
	s->store = NULL;
	s->link_base = NULL;
}
