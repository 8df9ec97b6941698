#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../send/hold.h"
#include "../send/send.h"
#include "../site/config.h"
#include "../support/wake.h"
#include "sender.h"

struct sender {
	const char	*dir;
	const char	*base;
	const struct mail_settings *mail;
	const struct send_settings *send;
	unsigned	 minutes;
	struct wake	 wake;
	pthread_t	 thread;
	void		(*say)(void *, int, const char *);
	void		*arg;
};

static void
say_info(void *arg, const char *line)
{
	struct sender	*s = arg;
	char		 b[1100];

	(void)snprintf(b, sizeof(b), "send: %s", line);
	s->say(s->arg, 0, b);
}

static void *
run(void *arg)
{
	struct sender	*s = arg;
	struct send_opts o;
	struct send_result r;
	struct err	 err;
	char		 line[1100];
	time_t		 next;
	int		 rc;

	memset(&o, 0, sizeof(o));
	o.dir = s->dir;
	o.base = s->base;
	o.mail = s->mail;
	o.settings = s->send;
	o.what = "stet serve";
	o.stop = &s->wake.stop;
	o.out = stdout;
	o.say = say_info;
	o.arg = s;
	/* Starting: what the relay would not take may go now. */
	o.rewind = 1;
	while (!atomic_load(&s->wake.stop)) {
		next = time(NULL) + (time_t)s->minutes * 60;
		rc = send_run(&o, &r, &err);
		o.rewind = 0;
		/* A held post goes when its hold ends, not a round later. */
		if (rc == 0 && r.held > 0 && r.held_until < (int64_t)next)
			next = (time_t)r.held_until;
		if (rc == -1) {
			(void)snprintf(line, sizeof(line), "send: %s", err.msg);
			s->say(s->arg, 1, line);
		} else if (r.posts > 0) {
			(void)snprintf(line, sizeof(line), "send: %zu sent, "
			    "%zu refused for good, %zu waiting for a retry",
			    r.sent, r.failed, r.waiting);
			s->say(s->arg, r.relay_failed, line);
			if (r.relay_failed) {
				(void)snprintf(line, sizeof(line), "send: the "
				    "relay failed: %s; what was not sent "
				    "stays pending", r.relay_why);
				s->say(s->arg, 1, line);
			}
			/* Retries come due before the next round. */
			if (r.waiting > 0 && r.retry_at < (int64_t)next)
				next = (time_t)r.retry_at;
		}
		wake_nap(&s->wake, (int64_t)next);
	}
	return NULL;
}

int
sender_start(struct sender **out, const char *dir, const char *base,
    const struct mail_settings *mail, const struct send_settings *send,
    void (*sayfn)(void *, int, const char *), void *arg, struct err *err)
{
	struct sender	*s;
	int		 e;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	s->dir = dir;
	s->base = base;
	s->mail = mail;
	s->send = send;
	s->minutes = (unsigned)mail->send_every;
	s->say = sayfn;
	s->arg = arg;
	wake_init(&s->wake);
	if ((e = pthread_create(&s->thread, NULL, run, s)) != 0) {
		wake_destroy(&s->wake);
		free(s);
		return err_set(err, NULL, 0, "send thread: %s", strerror(e));
	}
	*out = s;
	return 0;
}

void
sender_kick(struct sender *s)
{
	if (s != NULL)
		wake_kick(&s->wake);
}

void
sender_stop(struct sender *s)
{
	if (s == NULL)
		return;
	wake_stop(&s->wake);
	pthread_join(s->thread, NULL);
	wake_destroy(&s->wake);
	free(s);
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The first key of mail: whose value differs, or NULL. */
static const char *
mail_diff(const struct mail_settings *a, const struct mail_settings *b)
{
	static const char *const names[] = {
		"from", "reply_to", "transport", "envelope_from", "username",
		"password_env", "unsubscribe_mailto", "dkim", "dkim", "dkim"
	};
	const char *const sa[] = {
		a->from, a->reply_to, a->transport, a->envelope_from,
		a->username, a->password_env, a->unsubscribe_mailto,
		a->dkim_domain, a->dkim_selector, a->dkim_key
	};
	const char *const sb[] = {
		b->from, b->reply_to, b->transport, b->envelope_from,
		b->username, b->password_env, b->unsubscribe_mailto,
		b->dkim_domain, b->dkim_selector, b->dkim_key
	};
	size_t	 i;

	for (i = 0; i < sizeof(sa) / sizeof(*sa); i++)
		if (!same_str(sa[i], sb[i]))
			return names[i];
	if (a->connections != b->connections)
		return "connections";
	if (a->rate != b->rate)
		return "rate";
	if (a->timeout != b->timeout)
		return "timeout";
	if (a->max_failures != b->max_failures)
		return "max_failures";
	if (a->stop_after != b->stop_after)
		return "stop_after";
	if (a->hold != b->hold)
		return "hold";
	if (a->send_every != b->send_every)
		return "send_every";
	return NULL;
}

static void
check_settings(const char *dir, const struct mail_settings *running,
    const struct send_settings *send,
    void (*sayfn)(void *, int, const char *), void *arg)
{
	struct arena	*a;
	struct config	 cfg;
	struct mail_settings m;
	struct send_settings n;
	struct err	 err;
	const char	*what = NULL;
	char		 line[1024];
	int		 fd;

	if ((a = arena_new()) == NULL)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto out;
	if (config_load(a, fd, &cfg, &err) == -1 ||
	    mail_settings_parse(a, cfg.file, cfg.tree, &m, &err) == -1 ||
	    send_settings_parse(a, cfg.file, cfg.tree, &n, &err) == -1) {
		/* The rebuild says what is wrong with the file. */
		close(fd);
		goto out;
	}
	close(fd);
	if ((what = mail_diff(running, &m)) == NULL && n.notes != send->notes)
		what = "notes";
	if (what == NULL)
		goto out;
	(void)snprintf(line, sizeof(line), "stet.yaml: %s%s changed, but "
	    "this stet serve goes on mailing with the settings it started "
	    "with: restart it to use the new ones", strcmp(what, "notes") ==
	    0 ? "" : "mail.", what);
	sayfn(arg, 1, line);
out:
	arena_free(a);
}

void
sender_rebuilt(const char *dir, size_t written,
    const struct mail_settings *running, const struct send_settings *send,
    void (*sayfn)(void *, int, const char *), void *arg)
{
	struct err	 err;
	char		 line[1100];

	if (written > 0 && send_note_built(dir, send, &err) == -1) {
		(void)snprintf(line, sizeof(line), "send: the time each post "
		    "was published was not recorded: %s", err.msg);
		sayfn(arg, 1, line);
	}
	check_settings(dir, running, send, sayfn, arg);
}
