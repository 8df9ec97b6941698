#include <errno.h>
#include <time.h>

#include "wake.h"

void
wake_init(struct wake *w)
{
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->kicked = 0;
	atomic_init(&w->stop, 0);
}

void
wake_destroy(struct wake *w)
{
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
}

void
wake_kick(struct wake *w)
{
	pthread_mutex_lock(&w->mu);
	w->kicked = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
}

void
wake_stop(struct wake *w)
{
	pthread_mutex_lock(&w->mu);
	atomic_store(&w->stop, 1);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
}

void
wake_nap(struct wake *w, int64_t until)
{
	struct timespec	 ts = { (time_t)until, 0 };

	pthread_mutex_lock(&w->mu);
	while (!w->kicked && !atomic_load(&w->stop)) {
		if (until == 0)
			pthread_cond_wait(&w->cond, &w->mu);
		else if (pthread_cond_timedwait(&w->cond, &w->mu, &ts) ==
		    ETIMEDOUT)
			break;
	}
	w->kicked = 0;
	pthread_mutex_unlock(&w->mu);
}
