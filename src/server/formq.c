#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formq.h"

struct formq {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cond;
	h2o_linklist_t	 jobs;		/* waiting, oldest first */
	size_t		 njobs;
	size_t		 max;
	uint64_t	 wait_ms;
	int		 stop;
	pthread_t	 thread;
};

/*
 * Ties a job to its request's pool: h2o disposes of the request when its
 * connection goes, answered or not, and the job must then forget it.
 */
struct formq_ref {
	struct formq_job *job;		/* NULL once answered */
};

/* Each answer is sent whole at once, so the generator does nothing. */
static h2o_generator_t generator = { NULL, NULL };

static void	*run(void *);
static void	 on_back(h2o_multithread_receiver_t *, h2o_linklist_t *);
static void	 on_late(h2o_timeout_entry_t *);
static void	 ref_dispose(void *);
static void	 detach(struct formq_job *);
static void	 answer_late(struct formq_job *, h2o_req_t *);
static uint64_t	 now_ms(void);

int
formq_start(struct formq **out, size_t max, uint64_t wait_ms,
    struct err *err)
{
	struct formq	*q;
	int		 rc;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cond, NULL);
	h2o_linklist_init_anchor(&q->jobs);
	q->max = max;
	/*
	 * The loop answers a tenth of a second before the bound, so that
	 * with the trip back the reader has it within wait_ms.
	 */
	q->wait_ms = wait_ms > 1000 ? wait_ms - 100 : wait_ms * 9 / 10;
	if ((rc = pthread_create(&q->thread, NULL, run, q)) != 0) {
		pthread_cond_destroy(&q->cond);
		pthread_mutex_destroy(&q->mu);
		free(q);
		return err_set(err, NULL, 0, "pthread_create: %s",
		    strerror(rc));
	}
	*out = q;
	return 0;
}

void
formq_stop(struct formq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	/* Every port was disposed with no job out: the queue is empty. */
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

void
formq_port_init(struct formq_port *p, struct formq *q, h2o_context_t *ctx)
{
	memset(p, 0, sizeof(*p));
	p->q = q;
	p->ctx = ctx;
	if (q == NULL)
		return;
	h2o_multithread_register_receiver(ctx->queue, &p->receiver, on_back);
	h2o_timeout_init(ctx->loop, &p->timeout, q->wait_ms);
}

int
formq_port_busy(const struct formq_port *p)
{
	return p->njobs > 0;
}

void
formq_port_dispose(struct formq_port *p)
{
	if (p->q == NULL)
		return;
	h2o_timeout_dispose(p->ctx->loop, &p->timeout);
	h2o_multithread_unregister_receiver(p->ctx->queue, &p->receiver);
	p->q = NULL;
}

void
formq_submit(struct formq_port *p, h2o_req_t *req, struct formq_job *job)
{
	struct formq	*q = p->q;
	struct formq_ref *ref;
	int		 full;

	if (q == NULL) {
		answer_late(job, req);
		job->drop(job);
		return;
	}
	pthread_mutex_lock(&q->mu);
	full = q->stop || q->njobs >= q->max;
	pthread_mutex_unlock(&q->mu);
	if (full) {
		answer_late(job, req);
		job->drop(job);
		return;
	}
	job->port = p;
	job->req = req;
	job->deadline = now_ms() + q->wait_ms;
	atomic_init(&job->gone, 0);
	ref = h2o_mem_alloc_shared(&req->pool, sizeof(*ref), ref_dispose);
	ref->job = job;
	job->ref = ref;
	memset(&job->timer, 0, sizeof(job->timer));
	job->timer.cb = on_late;
	h2o_timeout_link(p->ctx->loop, &p->timeout, &job->timer);
	p->njobs++;
	pthread_mutex_lock(&q->mu);
	h2o_linklist_insert(&q->jobs, &job->link);
	q->njobs++;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->mu);
}

uint64_t
formq_left_ms(const struct formq_job *job)
{
	uint64_t	 now = now_ms();

	return job->deadline > now ? job->deadline - now : 0;
}

void
formq_send(h2o_req_t *req, const struct formq_reply *r)
{
	h2o_iovec_t	 iov;
	char		*body, ra[24];
	size_t		 n;
	int		 head;

	req->res.status = r->status;
	req->res.reason = r->reason;
	if (r->type != NULL)
		h2o_add_header(&req->pool, &req->res.headers,
		    H2O_TOKEN_CONTENT_TYPE, NULL, r->type, strlen(r->type));
	else
		h2o_add_header(&req->pool, &req->res.headers,
		    H2O_TOKEN_CONTENT_TYPE, NULL,
		    H2O_STRLIT("text/html; charset=utf-8"));
	h2o_add_header(&req->pool, &req->res.headers,
	    H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
	if (r->status == 429 || r->status == 503) {
		n = (size_t)snprintf(ra, sizeof(ra), "%" PRId64,
		    r->retry_after > 0 ? r->retry_after : 60);
		if (n < sizeof(ra))
			h2o_add_header(&req->pool, &req->res.headers,
			    H2O_TOKEN_RETRY_AFTER, NULL,
			    h2o_strdup(&req->pool, ra, n).base, n);
	}
	/* The whole answer at once, with its length: no chunking. */
	body = h2o_mem_alloc_pool(&req->pool, r->body.len + 1);
	if (r->body.len > 0)
		memcpy(body, r->body.data, r->body.len);
	iov = h2o_iovec_init(body, r->body.len);
	req->res.content_length = r->body.len;
	head = h2o_memis(req->method.base, req->method.len,
	    H2O_STRLIT("HEAD"));
	h2o_start_response(req, &generator);
	h2o_send(req, &iov, head ? 0 : 1, H2O_SEND_STATE_FINAL);
}

void
formq_reply_free(struct formq_reply *r)
{
	buf_free(&r->body);
}

/*
 * The worker: one job at a time, oldest first.  A job already answered
 * (late, or its client gone) is handed back undone, so a store that was
 * busy for a while is not then hit by every post that gave up on it.
 */
static void *
run(void *arg)
{
	struct formq	*q = arg;
	struct formq_job *job;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->stop && h2o_linklist_is_empty(&q->jobs))
			pthread_cond_wait(&q->cond, &q->mu);
		if (h2o_linklist_is_empty(&q->jobs))
			break;		/* stopping, and nothing left */
		job = H2O_STRUCT_FROM_MEMBER(struct formq_job, link,
		    q->jobs.next);
		h2o_linklist_unlink(&job->link);
		q->njobs--;
		pthread_mutex_unlock(&q->mu);
		if (!atomic_load(&job->gone) && formq_left_ms(job) > 0)
			job->work(job);
		/* From here the job is the loop's again. */
		h2o_multithread_send_message(&job->port->receiver, &job->msg);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Jobs back from the worker: answer those not answered yet. */
static void
on_back(h2o_multithread_receiver_t *recv, h2o_linklist_t *msgs)
{
	struct formq_port *p = H2O_STRUCT_FROM_MEMBER(struct formq_port,
	    receiver, recv);
	struct formq_job *job;
	h2o_req_t	*req;

	while (!h2o_linklist_is_empty(msgs)) {
		job = H2O_STRUCT_FROM_MEMBER(struct formq_job, msg.link,
		    msgs->next);
		h2o_linklist_unlink(&job->msg.link);
		if ((req = job->req) != NULL) {
			detach(job);
			/* Skipped work filled no reply: late is the answer. */
			if (job->reply.status == 0)
				answer_late(job, req);
			else
				formq_send(req, &job->reply);
		}
		p->njobs--;
		job->drop(job);
	}
}

/* Past the job's time: answer "try again" now, whatever the worker does. */
static void
on_late(h2o_timeout_entry_t *entry)
{
	struct formq_job *job = H2O_STRUCT_FROM_MEMBER(struct formq_job, timer,
	    entry);
	h2o_req_t	*req = job->req;

	if (req == NULL)
		return;
	detach(job);
	answer_late(job, req);
}

/* h2o is done with the request (sent, or its connection gone). */
static void
ref_dispose(void *arg)
{
	struct formq_ref *ref = arg;

	if (ref->job != NULL)
		detach(ref->job);
}

/* The job has no request to answer any more (on the loop). */
static void
detach(struct formq_job *job)
{
	if (h2o_timeout_is_linked(&job->timer))
		h2o_timeout_unlink(&job->timer);
	if (job->ref != NULL)
		job->ref->job = NULL;
	job->ref = NULL;
	job->req = NULL;
	atomic_store(&job->gone, 1);
}

static void
answer_late(struct formq_job *job, h2o_req_t *req)
{
	struct formq_reply r;

	memset(&r, 0, sizeof(r));
	buf_init(&r.body, 0);
	job->late(job, &r);
	formq_send(req, &r);
	formq_reply_free(&r);
}

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
