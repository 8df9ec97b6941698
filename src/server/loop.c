#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/sockios.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/asan.h"
#include "loop.h"

#ifdef STET_ASAN
const char	*__lsan_default_suppressions(void);

/*
 * h2o keeps freed pool chunks and socket buffers in per-thread caches
 * (h2o_mem_recycle_t) and has no call to empty them; they go with each
 * loop's thread, and LeakSanitizer then reports them.  Caches, not
 * leaks: everything else h2o allocates is still checked.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:h2o_mem_alloc_recycle\n";
}
#endif

/* New connections taken per wakeup, so one loop cannot hog a burst. */
#define ACCEPT_BATCH	64

static void	*loop_main(void *);
static int	 loop_switch(struct loop *);
static void	 on_accept_plain(h2o_socket_t *, const char *);
static void	 on_accept_tls(h2o_socket_t *, const char *);
static void	 on_accept(h2o_socket_t *, const char *, int is_tls);
static void	 admit(struct loop *, h2o_socket_t *, int is_tls);
static void	 on_conn_close(void *);
static void	 on_wake(h2o_socket_t *, const char *);
static void	 on_tick(h2o_timeout_entry_t *);
static void	 on_resume(h2o_timeout_entry_t *);
static int	 too_old(const struct loop *, const struct sconn *, uint64_t);
static int	 too_many_h2(const struct loop *, struct sconn *);
static void	 begin_stop(struct loop *);
static void	 force_close(struct loop *);

int
loop_start(struct loop *lp, struct shared *sh, int plain_fd, int tls_fd,
    struct err *err)
{
	int	 rc;

	memset(lp, 0, sizeof(*lp));
	lp->sh = sh;
	lp->lfd[0] = plain_fd;
	lp->lfd[1] = tls_fd;
	lp->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (lp->wake_fd == -1) {
		err_set(err, NULL, 0, "eventfd: %s", strerror(errno));
		goto fail;
	}
	/* The first hold is taken here, where failing can still be told. */
	if (loop_switch(lp) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto fail;
	}
	if ((rc = pthread_create(&lp->thread, NULL, loop_main, lp)) != 0) {
		err_set(err, NULL, 0, "pthread_create: %s", strerror(rc));
		goto fail;
	}
	return 0;
fail:
	if (plain_fd != -1)
		close(plain_fd);
	if (tls_fd != -1)
		close(tls_fd);
	if (lp->wake_fd != -1)
		close(lp->wake_fd);
	if (lp->hold != NULL) {
		snapshot_drop(lp->hold->snap);
		free(lp->hold);
	}
	memset(lp, 0, sizeof(*lp));
	return -1;
}

void
loop_wake(struct loop *lp)
{
	uint64_t	 one = 1;

	if (write(lp->wake_fd, &one, sizeof(one)) == -1) {
		/* Only EAGAIN: a wakeup is pending already, which will do. */
	}
}

void
loop_join(struct loop *lp)
{
	pthread_join(lp->thread, NULL);
}

struct hold *
loop_hold(struct loop *lp)
{
	/*
	 * Acquire pairs with the release of the swap, so the snapshot's
	 * contents are seen whole.  If switching fails (out of memory) the
	 * loop goes on with the snapshot it has: stale beats broken.
	 */
	if (atomic_load_explicit(&lp->sh->snap, memory_order_acquire) !=
	    lp->hold->snap)
		(void)loop_switch(lp);
	lp->hold->inflight++;
	return lp->hold;
}

void
loop_release(struct hold *h)
{
	if (--h->inflight == 0 && h->retired) {
		snapshot_drop(h->snap);
		free(h);
	}
}

void
loop_conn_busy(struct sconn *sc)
{
	sc->inflight++;
}

void
loop_conn_done(struct sconn *sc)
{
	if (--sc->inflight == 0)
		sc->idle_since = h2o_now(sc->loop->ctx.loop);
}

struct sconn *
loop_conn(h2o_req_t *req)
{
	h2o_socket_t	*sock;

	if (req->conn->callbacks->get_socket == NULL ||
	    (sock = req->conn->callbacks->get_socket(req->conn)) == NULL ||
	    sock->on_close.cb != on_conn_close)
		return NULL;
	return sock->on_close.data;
}

static void *
loop_main(void *arg)
{
	struct loop	*lp = arg;
	struct shared	*sh = lp->sh;
	h2o_evloop_t	*ev;
	int		 i;

	ev = h2o_evloop_create();
	h2o_context_init(&lp->ctx, ev, &sh->gconf);
	h2o_linklist_init_anchor(&lp->conns);
	formq_port_init(&lp->port, sh->formq, &lp->ctx);
	reqlog_init(&lp->log);
	for (i = 0; i < 2; i++) {
		if (lp->lfd[i] == -1)
			continue;
		lp->accept[i].ctx = &lp->ctx;
		lp->accept[i].hosts = sh->gconf.hosts;
		lp->accept[i].ssl_ctx = i == 1 ? sh->ssl : NULL;
		lp->lsock[i] = h2o_evloop_socket_create(ev, lp->lfd[i],
		    H2O_SOCKET_FLAG_DONT_READ);
		lp->lsock[i]->data = lp;
		h2o_socket_read_start(lp->lsock[i],
		    i == 1 ? on_accept_tls : on_accept_plain);
	}
	lp->wake = h2o_evloop_socket_create(ev, lp->wake_fd,
	    H2O_SOCKET_FLAG_DONT_READ);
	lp->wake->data = lp;
	h2o_socket_read_start(lp->wake, on_wake);
	lp->tick.cb = on_tick;
	lp->resume.cb = on_resume;
	h2o_timeout_link(ev, &lp->ctx.one_sec_timeout, &lp->tick);
	/* A stop that came before the eventfd was watched is not lost. */
	if (atomic_load(&sh->stopping))
		begin_stop(lp);

	/*
	 * A form job out on the worker comes back here, even after its
	 * connection is gone: wait for it too.
	 */
	while (!lp->stopping || lp->nconns > 0 ||
	    formq_port_busy(&lp->port)) {
		h2o_evloop_run(ev, lp->stopping ? 100 : INT32_MAX);
		if (lp->stopping && !lp->forced && h2o_now(ev) >= lp->deadline)
			force_close(lp);
	}

	/* h2o wants every timeout entry unlinked before the context goes. */
	if (h2o_timeout_is_linked(&lp->tick))
		h2o_timeout_unlink(&lp->tick);
	if (h2o_timeout_is_linked(&lp->resume))
		h2o_timeout_unlink(&lp->resume);
	/* HTTP/2's GOAWAY resend timer outlives the connections it served. */
	if (h2o_timeout_is_linked(&lp->ctx.http2._graceful_shutdown_timeout))
		h2o_timeout_unlink(&lp->ctx.http2._graceful_shutdown_timeout);
	formq_port_dispose(&lp->port);
	h2o_socket_read_stop(lp->wake);
	h2o_socket_close(lp->wake);
	reqlog_free(&lp->log);
	/* All connections are gone, so nothing is in flight on the hold. */
	snapshot_drop(lp->hold->snap);
	free(lp->hold);
	lp->hold = NULL;
	h2o_context_dispose(&lp->ctx);
#if H2O_VERSION_MAJOR == 2 && H2O_VERSION_MINOR <= 2
	/*
	 * h2o 2.2's h2o_multithread_destroy_queue closes the evloop queue's
	 * socket but never frees the queue (2.3 does).
	 */
	free(lp->ctx.queue);
#endif
	h2o_evloop_destroy(ev);
	return NULL;
}

/* Move to the current snapshot.  0, or -1 out of memory. */
static int
loop_switch(struct loop *lp)
{
	struct shared	*sh = lp->sh;
	struct hold	*h, *old = lp->hold;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	pthread_mutex_lock(&sh->snap_lock);
	h->snap = atomic_load_explicit(&sh->snap, memory_order_relaxed);
	snapshot_hold(h->snap);
	pthread_mutex_unlock(&sh->snap_lock);
	lp->hold = h;
	if (old != NULL) {
		if (old->inflight == 0) {
			snapshot_drop(old->snap);
			free(old);
		} else
			old->retired = 1;
	}
	return 0;
}

static void
on_accept_plain(h2o_socket_t *listener, const char *err)
{
	on_accept(listener, err, 0);
}

static void
on_accept_tls(h2o_socket_t *listener, const char *err)
{
	on_accept(listener, err, 1);
}

static void
on_accept(h2o_socket_t *listener, const char *err, int is_tls)
{
	struct loop	*lp = listener->data;
	h2o_socket_t	*sock;
	int		 i;

	if (err != NULL || lp->stopping)
		return;
	for (i = 0; i < ACCEPT_BATCH; i++) {
		if ((sock = h2o_evloop_socket_accept(listener)) == NULL) {
			/*
			 * Out of descriptors or memory: the listener stays
			 * readable, so pause for 100 ms instead of spinning.
			 */
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				int j;

				for (j = 0; j < 2; j++)
					if (lp->lsock[j] != NULL)
						h2o_socket_read_stop(
						    lp->lsock[j]);
				lp->paused = 1;
				h2o_timeout_link(lp->ctx.loop,
				    &lp->ctx.hundred_ms_timeout, &lp->resume);
			}
			return;
		}
		admit(lp, sock, is_tls);
	}
}

/* Count the connection, judge it against the bounds, hand it to h2o. */
static void
admit(struct loop *lp, h2o_socket_t *sock, int is_tls)
{
	struct sockaddr_storage ss;
	struct shared	*sh = lp->sh;
	struct sconn	*sc;
	struct client	*cl;
	struct addr	 a;
	enum limits_verdict v;
	int		 trusted;

	if (h2o_socket_getpeername(sock, (struct sockaddr *)&ss) == 0 ||
	    limits_addr((struct sockaddr *)&ss, &a) == -1) {
		h2o_socket_close(sock);
		return;
	}
	trusted = limits_trusted(&sh->limits, &a);
	if ((v = limits_enter(&sh->limits, &a, trusted, &cl)) == LIMITS_DROP) {
		h2o_socket_close(sock);
		return;
	}
	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		limits_leave(&sh->limits, cl);
		h2o_socket_close(sock);
		return;
	}
	sc->loop = lp;
	sc->sock = sock;
	sc->client = cl;
	sc->peer = sc->addr = a;
	sc->trusted = trusted;
	sc->is_tls = is_tls;
	sc->verdict = v;
	sc->accepted_at = sc->idle_since = h2o_now(lp->ctx.loop);
	sock->on_close.cb = on_conn_close;
	sock->on_close.data = sc;
	h2o_linklist_insert(&lp->conns, &sc->link);
	lp->nconns++;
	h2o_accept(&lp->accept[is_tls], sock);
}

/*
 * h2o calls this when it disposes the socket, after the connection's
 * requests are disposed (and so released their holds).
 */
static void
on_conn_close(void *data)
{
	struct sconn	*sc = data;
	struct loop	*lp = sc->loop;

	h2o_linklist_unlink(&sc->link);
	lp->nconns--;
	if (sc->h2_counted)
		limits_h2_leave(&lp->sh->limits, sc->client);
	limits_leave(&lp->sh->limits, sc->client);
	free(sc);
}

static void
on_wake(h2o_socket_t *sock, const char *err)
{
	struct loop	*lp = sock->data;
	uint64_t	 n;

	(void)err;
	if (read(lp->wake_fd, &n, sizeof(n)) == -1) {
		/* EAGAIN: drained already; the flag below is what counts. */
	}
	if (atomic_load(&lp->sh->stopping) && !lp->stopping)
		begin_stop(lp);
}

/*
 * Once a second: write the log out, and cut connections whose client
 * stopped reading a response.  A response being written that made no
 * progress (the same bytes still unsent in the kernel) for send_timeout
 * belongs to a client that is holding the connection, not reading it.
 * shutdown() rather than close: h2o owns the descriptor, sees the error
 * on its next write or read and closes the connection its own way.
 *
 * Also cut are connections idle past the idle timeout and those past
 * their lifetime.  Idle means no request of theirs is being answered,
 * whatever bytes arrive: h2o's own HTTP/2 idle timer is reset by any
 * frame (a PING every few seconds, or a request body trickled a byte at
 * a time, would hold a connection for ever), and it cannot be told
 * otherwise.  So over HTTP/2 a whole request, body and all, must come
 * within the idle timeout.  HTTP/1 is held to the same by h2o itself.
 */
static void
on_tick(h2o_timeout_entry_t *entry)
{
	struct loop	*lp = H2O_STRUCT_FROM_MEMBER(struct loop, tick, entry);
	h2o_linklist_t	*node;
	struct sconn	*sc;
	uint64_t	 now = h2o_now(lp->ctx.loop);
	int		 fd, q;

	reqlog_flush(&lp->log);
	for (node = lp->conns.next; node != &lp->conns; node = node->next) {
		sc = H2O_STRUCT_FROM_MEMBER(struct sconn, link, node);
		if (too_old(lp, sc, now) || too_many_h2(lp, sc)) {
			if ((fd = h2o_socket_get_fd(sc->sock)) != -1)
				(void)shutdown(fd, SHUT_RDWR);
			continue;
		}
		if (!h2o_socket_is_writing(sc->sock)) {
			sc->stall_since = 0;
			continue;
		}
		fd = h2o_socket_get_fd(sc->sock);
		if (fd == -1 || ioctl(fd, SIOCOUTQ, &q) == -1)
			continue;
		if (sc->stall_since == 0 || q != sc->outq) {
			sc->outq = q;
			sc->stall_since = now;
		} else if (now - sc->stall_since >= lp->sh->send_timeout)
			(void)shutdown(fd, SHUT_RDWR);
	}
	h2o_timeout_link(lp->ctx.loop, &lp->ctx.one_sec_timeout, &lp->tick);
}

/*
 * Whether sc, once its TLS handshake chose HTTP/2, is one too many for
 * its client.  An HTTP/2 connection may be receiving a hundred request
 * bodies at once (h2o's fixed stream count, each up to max_body) before
 * any request reaches us, so the bound is on such connections per
 * client; found at most a second late, by this tick.
 *
 * h2o makes a socket's SSL object only once the ClientHello arrives, and
 * asking for the protocol before then crashes; a socket that has written
 * anything through h2o (h2o's own SETTINGS, for HTTP/2) is past its
 * handshake.
 */
static int
too_many_h2(const struct loop *lp, struct sconn *sc)
{
	h2o_iovec_t	 p;

	if (!sc->is_tls || sc->alpn_seen || sc->trusted || sc->client == NULL ||
	    sc->sock->bytes_written == 0)
		return 0;
	p = h2o_socket_ssl_get_selected_protocol(sc->sock);
	if (p.len == 0)
		return 0;	/* handshake under way, or no ALPN: HTTP/1 */
	sc->alpn_seen = 1;
	if (!h2o_memis(p.base, p.len, H2O_STRLIT("h2")))
		return 0;
	sc->h2_counted = 1;
	return limits_h2_enter(&lp->sh->limits, sc->client) == -1;
}

/* Whether sc has been idle too long, or lived too long. */
static int
too_old(const struct loop *lp, const struct sconn *sc, uint64_t now)
{
	const struct shared *sh = lp->sh;

	if (sc->inflight == 0 && now - sc->idle_since >= sh->idle_timeout)
		return 1;
	if (now - sc->accepted_at < sh->max_lifetime)
		return 0;
	/* Past its time: at its next pause, or past send_timeout more. */
	return sc->inflight == 0 ||
	    now - sc->accepted_at >= sh->max_lifetime + sh->send_timeout;
}

static void
on_resume(h2o_timeout_entry_t *entry)
{
	struct loop	*lp = H2O_STRUCT_FROM_MEMBER(struct loop, resume, entry);
	int		 i;

	if (!lp->paused || lp->stopping)
		return;
	lp->paused = 0;
	for (i = 0; i < 2; i++)
		if (lp->lsock[i] != NULL)
			h2o_socket_read_start(lp->lsock[i],
			    i == 1 ? on_accept_tls : on_accept_plain);
}

/*
 * Stop: close the listeners (the kernel refuses new connections), have
 * h2o end each connection after its current response (HTTP/1 says
 * "Connection: close", HTTP/2 sends GOAWAY), and shut the read side of
 * idle connections so they end now instead of at their timeout.  A
 * request that already arrived is still read and answered: SHUT_RD
 * keeps what the kernel has queued.
 */
static void
begin_stop(struct loop *lp)
{
	h2o_linklist_t	*node;
	struct sconn	*sc;
	int		 i, fd;

	lp->stopping = 1;
	lp->deadline = h2o_now(lp->ctx.loop) + lp->sh->grace;
	for (i = 0; i < 2; i++) {
		if (lp->lsock[i] == NULL)
			continue;
		h2o_socket_read_stop(lp->lsock[i]);
		h2o_socket_close(lp->lsock[i]);
		lp->lsock[i] = NULL;
	}
	h2o_context_request_shutdown(&lp->ctx);
	for (node = lp->conns.next; node != &lp->conns; node = node->next) {
		sc = H2O_STRUCT_FROM_MEMBER(struct sconn, link, node);
		if (sc->inflight == 0 &&
		    (fd = h2o_socket_get_fd(sc->sock)) != -1)
			(void)shutdown(fd, SHUT_RD);
	}
}

/* The grace is over: whatever is still open is cut. */
static void
force_close(struct loop *lp)
{
	h2o_linklist_t	*node;
	struct sconn	*sc;
	int		 fd;

	lp->forced = 1;
	for (node = lp->conns.next; node != &lp->conns; node = node->next) {
		sc = H2O_STRUCT_FROM_MEMBER(struct sconn, link, node);
		if ((fd = h2o_socket_get_fd(sc->sock)) != -1)
			(void)shutdown(fd, SHUT_RDWR);
	}
}
