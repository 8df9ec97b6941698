#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

struct client {
	struct addr	 key;		/* masked: IPv6 to its /64 */
	size_t		 n;
	size_t		 h2;		/* of the n, HTTP/2 ones */
	struct client	*next;
};

static const unsigned char v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static int	 parse_cidr(const char *, struct cidr *);
static int	 in_cidr(const struct cidr *, const struct addr *);
static void	 mask_key(const struct addr *, struct addr *);
static size_t	 slot(const struct limits *, const struct addr *);
static struct client *find(struct limits *, const struct addr *, int make);
static void	 unref(struct limits *, struct client *);

int
limits_init(struct limits *l, size_t max_conns, size_t max_per_client,
    const char *const *trusted, size_t ntrusted, struct err *err)
{
	size_t	 i;

	memset(l, 0, sizeof(*l));
	l->max_conns = max_conns;
	l->max_per_client = max_per_client;
	/* About one bucket per connection: chains stay short. */
	for (l->tabsize = 64; l->tabsize < max_conns && l->tabsize < 65536;)
		l->tabsize *= 2;
	l->tab = calloc(l->tabsize, sizeof(*l->tab));
	l->trusted = calloc(ntrusted ? ntrusted : 1, sizeof(*l->trusted));
	if (l->tab == NULL || l->trusted == NULL) {
		free(l->tab);
		free(l->trusted);
		return err_set(err, NULL, 0, "out of memory");
	}
	for (i = 0; i < ntrusted; i++) {
		if (parse_cidr(trusted[i], &l->trusted[i]) == -1) {
			free(l->tab);
			free(l->trusted);
			return err_set(err, "stet.yaml", 0,
			    "server.trusted_proxies: %s is not an address",
			    trusted[i]);
		}
	}
	l->ntrusted = ntrusted;
	if (pthread_mutex_init(&l->lock, NULL) != 0) {
		free(l->tab);
		free(l->trusted);
		return err_set(err, NULL, 0, "pthread_mutex_init failed");
	}
	return 0;
}

void
limits_free(struct limits *l)
{
	struct client	*c, *next;
	size_t		 i;

	for (i = 0; i < l->tabsize; i++)
		for (c = l->tab[i]; c != NULL; c = next) {
			next = c->next;
			free(c);
		}
	free(l->tab);
	free(l->trusted);
	pthread_mutex_destroy(&l->lock);
	memset(l, 0, sizeof(*l));
}

size_t
limits_hard_cap(const struct limits *l)
{
	return l->max_conns + l->max_conns / 4 + 16;
}

int
limits_addr(const struct sockaddr *sa, struct addr *a)
{
	const struct sockaddr_in	*s4;
	const struct sockaddr_in6	*s6;

	switch (sa->sa_family) {
	case AF_INET:
		s4 = (const struct sockaddr_in *)(const void *)sa;
		memcpy(a->b, v4mapped, 12);
		memcpy(a->b + 12, &s4->sin_addr, 4);
		return 0;
	case AF_INET6:
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(a->b, &s6->sin6_addr, 16);
		return 0;
	default:
		return -1;
	}
}

int
limits_parse_addr(const char *s, size_t len, struct addr *a)
{
	char	 tmp[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (memchr(tmp, ':', len) != NULL)
		return inet_pton(AF_INET6, tmp, a->b) == 1 ? 0 : -1;
	memcpy(a->b, v4mapped, 12);
	return inet_pton(AF_INET, tmp, a->b + 12) == 1 ? 0 : -1;
}

int
limits_trusted(const struct limits *l, const struct addr *a)
{
	size_t	 i;

	for (i = 0; i < l->ntrusted; i++)
		if (in_cidr(&l->trusted[i], a))
			return 1;
	return 0;
}

enum limits_verdict
limits_enter(struct limits *l, const struct addr *a, int trusted,
    struct client **cl)
{
	enum limits_verdict v = LIMITS_OK;
	struct client	*c = NULL;

	*cl = NULL;
	pthread_mutex_lock(&l->lock);
	if (l->total >= limits_hard_cap(l)) {
		v = LIMITS_DROP;
		goto out;
	}
	if (!trusted) {
		/*
		 * Twice its share answered with 429 is plenty of telling;
		 * past that a client's connections are closed unanswered
		 * and it cannot eat the slack that the 503s live in.
		 */
		if ((c = find(l, a, 1)) == NULL ||
		    c->n >= 2 * l->max_per_client) {
			if (c != NULL && c->n == 0)
				unref(l, c);
			v = LIMITS_DROP;
			goto out;
		}
		c->n++;
		*cl = c;
	}
	l->total++;
	if (l->total > l->max_conns)
		v = LIMITS_BUSY;
	else if (c != NULL && c->n > l->max_per_client)
		v = LIMITS_CLIENT;
out:
	pthread_mutex_unlock(&l->lock);
	return v;
}

int
limits_h2_enter(struct limits *l, struct client *c)
{
	int	 over;

	pthread_mutex_lock(&l->lock);
	c->h2++;
	over = l->max_h2_per_client > 0 && c->h2 > l->max_h2_per_client;
	pthread_mutex_unlock(&l->lock);
	return over ? -1 : 0;
}

void
limits_h2_leave(struct limits *l, struct client *c)
{
	pthread_mutex_lock(&l->lock);
	c->h2--;
	pthread_mutex_unlock(&l->lock);
}

void
limits_leave(struct limits *l, struct client *c)
{
	pthread_mutex_lock(&l->lock);
	l->total--;
	if (c != NULL)
		unref(l, c);
	pthread_mutex_unlock(&l->lock);
}

enum limits_verdict
limits_move(struct limits *l, struct client **cl, const struct addr *a)
{
	enum limits_verdict v = LIMITS_OK;
	struct addr	 key;
	struct client	*c;

	mask_key(a, &key);
	pthread_mutex_lock(&l->lock);
	c = *cl;
	if (c == NULL || memcmp(&c->key, &key, sizeof(key)) != 0) {
		if (c != NULL)
			unref(l, c);
		*cl = NULL;
		if ((c = find(l, a, 1)) == NULL) {
			/* Out of memory: go on uncharged rather than fail. */
			goto out;
		}
		c->n++;
		*cl = c;
	}
	if (c->n > l->max_per_client)
		v = LIMITS_CLIENT;
out:
	pthread_mutex_unlock(&l->lock);
	return v;
}

int
limits_forwarded(const struct limits *l, const char *const *vals,
    const size_t *lens, size_t n, struct addr *out)
{
	struct addr	 a;
	const char	*s, *e, *b;
	size_t		 i;
	int		 found = 0;

	/*
	 * Walk right to left, the order the hops were appended in, and stop
	 * at the first address that is not a proxy we trust: everything to
	 * its left was written by the client and proves nothing.
	 */
	for (i = n; i-- > 0;) {
		s = vals[i];
		e = s + lens[i];
		while (e > s) {
			for (b = e; b > s && b[-1] != ','; b--)
				;
			/* b..e is one element; trim blanks. */
			{
				const char *p = b, *q = e;

				while (p < q && (*p == ' ' || *p == '\t'))
					p++;
				while (q > p && (q[-1] == ' ' ||
				    q[-1] == '\t'))
					q--;
				if (q - p >= 2 && *p == '[' && q[-1] == ']') {
					p++;
					q--;
				}
				if (p == q || limits_parse_addr(p,
				    (size_t)(q - p), &a) == -1)
					return found ? 0 : -1;
			}
			*out = a;
			found = 1;
			if (!limits_trusted(l, &a))
				return 0;
			e = b > s ? b - 1 : s;
		}
	}
	return found ? 0 : -1;
}

static int
parse_cidr(const char *s, struct cidr *c)
{
	const char	*slash = strchr(s, '/');
	size_t		 len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	char		*end;
	long		 bits;
	int		 v4 = memchr(s, ':', len) == NULL;

	if (limits_parse_addr(s, len, &c->net) == -1)
		return -1;
	c->bits = 128;
	if (slash != NULL) {
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || bits < 0 ||
		    bits > (v4 ? 32 : 128))
			return -1;
		c->bits = (unsigned)bits + (v4 ? 96 : 0);
	}
	return 0;
}

static int
in_cidr(const struct cidr *c, const struct addr *a)
{
	unsigned	 full = c->bits / 8, rest = c->bits % 8;
	unsigned char	 m;

	if (memcmp(c->net.b, a->b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	m = (unsigned char)(0xff << (8 - rest));
	return (c->net.b[full] & m) == (a->b[full] & m);
}

static void
mask_key(const struct addr *a, struct addr *key)
{
	*key = *a;
	if (memcmp(a->b, v4mapped, 12) != 0)
		memset(key->b + 8, 0, 8);
}

static size_t
slot(const struct limits *l, const struct addr *key)
{
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 i;

	for (i = 0; i < sizeof(key->b); i++)
		h = (h ^ key->b[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 32)) & (l->tabsize - 1);
}

/* The client entry for a; with make, a new one at n 0.  Under lock. */
static struct client *
find(struct limits *l, const struct addr *a, int make)
{
	struct addr	 key;
	struct client	*c;
	size_t		 i;

	mask_key(a, &key);
	i = slot(l, &key);
	for (c = l->tab[i]; c != NULL; c = c->next)
		if (memcmp(&c->key, &key, sizeof(key)) == 0)
			return c;
	if (!make || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->key = key;
	c->next = l->tab[i];
	l->tab[i] = c;
	return c;
}

/* One connection fewer for c; dropped at none.  Under lock. */
static void
unref(struct limits *l, struct client *c)
{
	struct client	**pp;

	if (c->n > 0)
		c->n--;
	if (c->n != 0)
		return;
	for (pp = &l->tab[slot(l, &c->key)]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			free(c);
			return;
		}
}
