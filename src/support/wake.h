#ifndef STET_WAKE_H
#define STET_WAKE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/*
 * How a worker thread (the mail threads of stet serve) sleeps between
 * rounds: until its time comes, until another thread kicks it because
 * there is work, or until it is told to stop.
 */
struct wake {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cond;
	int		 kicked;
	atomic_int	 stop;	/* read by the worker between messages */
};

void	wake_init(struct wake *);
void	wake_destroy(struct wake *);

/* There is work: end the nap now (or skip the next one). */
void	wake_kick(struct wake *);

/* Set stop and end the nap. */
void	wake_stop(struct wake *);

/* Sleep until kicked, stopped, or until (Unix seconds; 0: no limit). */
void	wake_nap(struct wake *, int64_t until);

#endif
