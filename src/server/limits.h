#ifndef STET_LIMITS_H
#define STET_LIMITS_H

#include <sys/socket.h>

#include <pthread.h>
#include <stddef.h>

#include "../support/err.h"

/*
 * Who holds how many connections.  Every connection counts toward the
 * total, and toward its client's share unless it comes from a trusted
 * proxy (which speaks for many clients; its requests name the client in
 * X-Forwarded-For and are charged to that one instead).  IPv6 clients
 * are counted by /64, the block one subscriber gets, since anyone can
 * pick fresh addresses inside it at will.
 *
 * The event loops call these concurrently; one mutex guards the counts.
 * It is taken once per connection (and once per proxied request), which
 * is rare next to the work of serving.
 */

/* An address, IPv4 ones mapped into IPv6 (::ffff:a.b.c.d). */
struct addr {
	unsigned char	 b[16];
};

struct cidr {
	struct addr	 net;
	unsigned	 bits;
};

struct client;

enum limits_verdict {
	LIMITS_OK,
	LIMITS_CLIENT,	/* over max_per_client: answer 429 and close */
	LIMITS_BUSY,	/* over max_connections: answer 503 and close */
	LIMITS_DROP	/* far over either: close without a word */
};

struct limits {
	pthread_mutex_t	 lock;
	size_t		 total;
	size_t		 max_conns;
	size_t		 max_per_client;
	size_t		 max_h2_per_client;	/* 0: no bound of its own */
	struct client	**tab;		/* by masked address */
	size_t		 tabsize;	/* a power of two */
	struct cidr	*trusted;
	size_t		 ntrusted;
};

/*
 * Set up the counts and parse the trusted proxies ("10.0.0.1",
 * "10.0.0.0/8", "::1").  On -1 nothing is held.  Free with limits_free.
 */
int	limits_init(struct limits *, size_t max_conns, size_t max_per_client,
	    const char *const *trusted, size_t ntrusted, struct err *);
void	limits_free(struct limits *);

/*
 * The most connections ever open at once: max_connections and the slack
 * in which the surplus is still answered 503 rather than closed.  Sizes
 * the open-file limit.
 */
size_t	limits_hard_cap(const struct limits *);

/* From a peer's sockaddr; -1 for a family other than IPv4 or IPv6. */
int	limits_addr(const struct sockaddr *, struct addr *);

/* Whether a is one of the trusted proxies. */
int	limits_trusted(const struct limits *, const struct addr *);

/*
 * Count a new connection from a.  Unless a is a trusted proxy it is
 * charged to a's client, returned in *cl for limits_leave (NULL when not
 * charged).  On LIMITS_DROP nothing is counted.
 */
enum limits_verdict limits_enter(struct limits *, const struct addr *,
	    int trusted, struct client **cl);

/*
 * A connection of cl's turned out to speak HTTP/2, which can hold a
 * hundred request bodies at once: count it among cl's HTTP/2 ones.  -1
 * when cl now holds more than max_h2_per_client (the caller closes it;
 * it stays counted until limits_h2_leave).  Never for a trusted proxy's
 * connection, whose charge limits_move may move.
 */
int	limits_h2_enter(struct limits *, struct client *cl);
void	limits_h2_leave(struct limits *, struct client *cl);

/* Forget a connection counted by limits_enter (cl may be NULL). */
void	limits_leave(struct limits *, struct client *cl);

/*
 * Charge a proxied connection to the client a its latest request came
 * from, moving the charge from *cl.  LIMITS_CLIENT when that client now
 * holds more than its share.
 */
enum limits_verdict limits_move(struct limits *, struct client **cl,
	    const struct addr *a);

/*
 * The client named by X-Forwarded-For headers vals[0..n) (in the order
 * received) on a connection from a trusted proxy: the rightmost address
 * that is not itself a trusted proxy.  0, or -1 when the headers name
 * nobody usable (the caller keeps the peer's address).
 */
int	limits_forwarded(const struct limits *, const char *const *vals,
	    const size_t *lens, size_t n, struct addr *out);

/* "a.b.c.d" or "x:y::z" (len bytes, no brackets) to an addr: 0 or -1. */
int	limits_parse_addr(const char *, size_t len, struct addr *);

#endif
