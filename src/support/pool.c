#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "pool.h"

struct pool {
	size_t		 n;
	int		(*fn)(void *, size_t, int, struct err *);
	void		*ctx;
	atomic_size_t	 next;
	atomic_int	 stop;
	pthread_mutex_t	 lock;
	size_t		 failed;	/* SIZE_MAX: none */
	struct err	 err;		/* the failed item's */
};

struct worker {
	struct pool	*pool;
	int		 id;
};

static void *
work(void *arg)
{
	struct worker	*w = arg;
	struct pool	*p = w->pool;
	struct err	 err;
	size_t		 i;

	while (!atomic_load(&p->stop)) {
		i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		if (p->fn(p->ctx, i, w->id, &err) == -1) {
			pthread_mutex_lock(&p->lock);
			if (i < p->failed) {
				p->failed = i;
				p->err = err;
			}
			pthread_mutex_unlock(&p->lock);
			atomic_store(&p->stop, 1);
		}
	}
	return NULL;
}

int
pool_threads(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > POOL_MAX ? POOL_MAX : (int)n;
}

int
pool_run(size_t n, int nthreads, int (*fn)(void *, size_t, int,
    struct err *), void *ctx, struct err *err)
{
	struct pool	 p;
	struct worker	 w[POOL_MAX];
	pthread_t	 t[POOL_MAX];
	int		 k, started = 1;

	p.n = n;
	p.fn = fn;
	p.ctx = ctx;
	atomic_init(&p.next, 0);
	atomic_init(&p.stop, 0);
	pthread_mutex_init(&p.lock, NULL);
	p.failed = SIZE_MAX;
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > POOL_MAX)
		nthreads = POOL_MAX;
	if ((size_t)nthreads > n)
		nthreads = n ? (int)n : 1;
	for (k = 0; k < nthreads; k++) {
		w[k].pool = &p;
		w[k].id = k;
	}
	/* Worker 0 is this thread; a thread that will not start is skipped. */
	for (k = 1; k < nthreads; k++)
		if (pthread_create(&t[k], NULL, work, &w[k]) == 0)
			started = k + 1;
		else
			break;
	work(&w[0]);
	for (k = 1; k < started; k++)
		pthread_join(t[k], NULL);
	pthread_mutex_destroy(&p.lock);
	if (p.failed != SIZE_MAX) {
		if (err != NULL)
			*err = p.err;
		return -1;
	}
	return 0;
}
