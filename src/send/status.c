/*
 * stet send --status: what became of each post's mail, from stet.db
 * alone (no site to load, no relay to reach).
 */
#include <stdio.h>
#include <time.h>

#include "../store/store.h"
#include "send.h"

struct show {
	const struct send_opts *o;
	int64_t		 now;
	size_t		 posts;
};

static void
stamp(int64_t t, char *out, size_t n)
{
	struct tm	 tm;
	time_t		 w = (time_t)t;

	localtime_r(&w, &tm);
	if (strftime(out, n, "%Y-%m-%d %H:%M %Z", &tm) == 0 && n > 0)
		out[0] = '\0';
}

static int
show_post(const struct store_post_status *p, void *arg, struct err *err)
{
	struct show	*sh = arg;
	char		 at[64];

	(void)err;
	stamp(p->started_at, at, sizeof(at));
	fprintf(sh->o->out, "%s (%s): %s since %s: %zu readers, %zu sent, "
	    "%zu pending, %zu failed\n", p->slug, p->id, p->state, at,
	    p->readers, p->sent, p->pending, p->failed);
	sh->posts++;
	return 0;
}

static int
show_reason(const char *state, const char *reply, size_t n, void *arg,
    struct err *err)
{
	struct show	*sh = arg;

	(void)err;
	fprintf(sh->o->out, "    %zu %s: %s\n", n, state, reply != NULL &&
	    reply[0] != '\0' ? reply : "not tried yet");
	return 0;
}

static int
show_unsent(const char *id, const char *slug, int64_t built_at, void *arg,
    struct err *err)
{
	struct show	*sh = arg;
	char		 when[128];
	int64_t		 at = built_at + (int64_t)sh->o->mail->hold * 60;

	(void)err;
	if (at > sh->now) {
		send_when(at, sh->now, when, sizeof(when));
		fprintf(sh->o->out, "%s (%s): held (mail.hold) until %s\n",
		    slug, id, when);
	} else
		fprintf(sh->o->out, "%s (%s): published, not sent yet: the "
		    "next stet send mails it\n", slug, id);
	sh->posts++;
	return 0;
}

int
send_status(const struct send_opts *o, struct err *err)
{
	struct show	 sh = { o, (int64_t)time(NULL), 0 };
	struct store	*s;
	size_t		 queued;
	int64_t		 oldest;
	char		 at[64], reply[256];
	int		 rc;

	if (store_open(&s, o->dir, err) == -1)
		return -1;
	rc = store_status(s, show_post, show_reason, show_unsent, &sh, err);
	if (rc == 0 && sh.posts == 0)
		fprintf(o->out, "no post has been mailed yet\n");
	/* The other queue: confirmations stet serve has yet to send. */
	if (rc == 0 && (rc = store_mailq_summary(s, &queued, &oldest, reply,
	    sizeof(reply), err)) == 0 && queued > 0) {
		stamp(oldest, at, sizeof(at));
		fprintf(o->out, "confirmations: %zu queued for stet serve, the "
		    "oldest since %s%s%s\n", queued, at, reply[0] != '\0' ?
		    "; the relay's last reply: " : "", reply);
	}
	store_close(s);
	return rc;
}
