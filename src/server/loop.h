#ifndef STET_LOOP_H
#define STET_LOOP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <h2o.h>

#include "../support/err.h"
#include "formq.h"
#include "limits.h"
#include "reqlog.h"
#include "snapshot.h"

/*
 * The event loops: one thread each, each with its own h2o context and
 * its own listening sockets (SO_REUSEPORT lets the kernel spread new
 * connections over them), sharing only what struct shared holds.
 */

/*
 * What the loops share.  server.c fills it before any loop starts and
 * frees it after the last has stopped; in between only snap and
 * stopping change.
 */
struct shared {
	h2o_globalconf_t	 gconf;
	SSL_CTX			*ssl;		/* NULL: no TLS */
	struct limits		 limits;
	struct snap_common	 common;
	/*
	 * The current snapshot.  A loop reads it with one atomic load per
	 * request and, when it changed, takes a reference under snap_lock;
	 * the swap replaces it under the same lock, so no loop can take a
	 * reference to a snapshot whose last one is being dropped.
	 */
	pthread_mutex_t		 snap_lock;
	struct snapshot *_Atomic snap;
	atomic_int		 stopping;
	size_t			 max_request;	/* line and headers, bytes */
	uint64_t		 send_timeout;	/* ms */
	uint64_t		 idle_timeout;	/* ms with no request in flight */
	uint64_t		 max_lifetime;	/* ms */
	uint64_t		 grace;		/* ms to finish on stop */
	unsigned		 tls_port;	/* 0: no TLS */
	struct forms		*forms;		/* the subscription forms */
	struct webhook		*webhook;	/* Postmark's; NULL: none */
	struct formq		*formq;		/* their queue, or NULL */
};

struct forms;
struct webhook;

/*
 * One loop's use of a snapshot: the responses it still has to send from
 * it.  When the loop moves to a newer one the old hold is retired, and
 * freed (dropping its snapshot reference) once the last of those
 * responses is done.  Touched by its loop only, so no atomics.
 */
struct hold {
	struct snapshot	*snap;
	size_t		 inflight;
	int		 retired;
};

/* One accepted connection, hung on its h2o socket's on_close. */
struct sconn {
	h2o_linklist_t	 link;		/* in loop->conns */
	struct loop	*loop;
	h2o_socket_t	*sock;
	struct client	*client;	/* charged to; NULL: uncharged */
	struct addr	 peer;
	struct addr	 addr;		/* the client: peer, or as forwarded */
	int		 trusted;	/* peer is a trusted proxy */
	int		 is_tls;
	enum limits_verdict verdict;	/* decided at accept */
	size_t		 inflight;	/* our requests not yet done */
	int		 outq;		/* unsent bytes at the last tick */
	uint64_t	 stall_since;	/* ms; 0: not stalled */
	int		 alpn_seen;	/* TLS: its protocol is known */
	int		 h2_counted;	/* limits_h2_enter was called */
	uint64_t	 accepted_at;	/* ms, the loop's clock */
	uint64_t	 idle_since;	/* ms: inflight last fell to 0 */
};

struct loop {
	h2o_context_t	 ctx;		/* first: found from req->conn->ctx */
	struct shared	*sh;
	h2o_accept_ctx_t accept[2];	/* plain, TLS */
	int		 lfd[2];	/* listening sockets, -1: none */
	h2o_socket_t	*lsock[2];
	int		 wake_fd;	/* eventfd: server.c wakes us */
	h2o_socket_t	*wake;
	h2o_linklist_t	 conns;
	size_t		 nconns;
	struct formq_port port;		/* this loop's end of the form queue */
	struct hold	*hold;		/* the newest snapshot we know */
	struct reqlog	 log;
	h2o_timeout_entry_t tick;	/* every second: log, stalls */
	h2o_timeout_entry_t resume;	/* accepting again after EMFILE */
	int		 paused;
	int		 stopping;
	int		 forced;
	uint64_t	 deadline;	/* ms: force connections closed */
	pthread_t	 thread;
};

/*
 * Start a loop's thread on listening sockets plain_fd and tls_fd (-1:
 * none), which it owns from then on, even on failure.  sh->snap must be
 * set.  The caller blocks signals first; loops never handle them.
 */
int	loop_start(struct loop *, struct shared *, int plain_fd, int tls_fd,
	    struct err *);

/*
 * Make a loop look at sh->stopping: if set, it stops accepting, lets
 * the requests in flight finish (closing idle connections), and ends.
 */
void	loop_wake(struct loop *);

/* Wait for a started loop's thread and free what it held. */
void	loop_join(struct loop *);

/* For routes: the hold to send this request from (one more inflight). */
struct hold *loop_hold(struct loop *);

/* The response sent from h is done. */
void	loop_release(struct hold *);

/* The connection a request came on, or NULL if not one of ours. */
struct sconn *loop_conn(h2o_req_t *);

/*
 * A request of sc's is being answered, or is done; the connection is
 * idle (and on the idle timeout's clock) while none is.
 */
void	loop_conn_busy(struct sconn *);
void	loop_conn_done(struct sconn *);

#endif
