#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../send/send.h"
#include "cmd.h"
#include "settings.h"

/* Exit status when messages wait for a retry, or another sender runs. */
#define EXIT_LATER	75

static atomic_int stopping;

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&stopping, 1);
}

static void
say(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "stet: %s\n", line);
}

int
cmd_send(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "to", required_argument, NULL, 't' },
		{ "post", required_argument, NULL, 'p' },
		{ "wait", no_argument, NULL, 'w' },
		{ "now", no_argument, NULL, 'N' },
		{ "status", no_argument, NULL, 'S' },
		{ "retry", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct send_opts o;
	struct send_result r;
	struct settings	 set;
	struct sigaction sa;
	struct err	 err;
	char		 when[128];
	int		 c, rc, status = 0;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	o.what = "stet send";
	o.out = stdout;
	o.say = say;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:nh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.dir = optarg; break;
		case 'n': o.dry_run = 1; break;
		case 't': o.to = optarg; break;
		case 'p': o.post = optarg; break;
		case 'w': o.wait = 1; break;
		case 'N': o.now = 1; break;
		case 'S': status = 1; break;
		case 'r': o.retry = optarg; break;
		case 'h': usage_print("send", stdout); return 0;
		default:
			fprintf(stderr, "stet: send: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			usage_print("send", stderr);
			return 2;
		}
	}
	if (optind < argc || (o.post != NULL && o.to == NULL) ||
	    (status && (o.dry_run || o.to != NULL || o.retry != NULL)) ||
	    (o.retry != NULL && (o.dry_run || o.to != NULL))) {
		usage_print("send", stderr);
		return 2;
	}
	if (settings_site(o.dir) == -1)
		return 1;
	if (sodium_init() < 0) {
		fprintf(stderr, "stet: libsodium would not start\n");
		return 1;
	}
	/* A first SIGINT or SIGTERM lets the messages in flight finish. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	o.stop = &stopping;
	o.progress = isatty(STDERR_FILENO) && !o.dry_run && o.to == NULL;
	if (settings_load(&set, o.dir, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		settings_free(&set);
		return 1;
	}
	o.mail = &set.mail;
	o.settings = &set.send;
	if (status) {
		rc = send_status(&o, &err);
		settings_free(&set);
		if (rc == -1)
			fprintf(stderr, "stet: %s\n", err.msg);
		return rc == -1 ? 1 : 0;
	}
	/* A new run: what the relay failed before may go now. */
	o.rewind = 1;
	rc = send_run(&o, &r, &err);
	settings_free(&set);
	if (rc == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	if (r.busy)
		return EXIT_LATER;
	if (o.dry_run || o.to != NULL || r.marked > 0)
		return 0;
	if (r.posts > 0)
		fprintf(stderr, "stet: %zu post%s: %zu sent, %zu refused for "
		    "good, %zu waiting for a retry\n", r.posts,
		    r.posts == 1 ? "" : "s", r.sent, r.failed, r.waiting);
	if (r.held > 0) {
		send_when(r.held_until, (int64_t)time(NULL), when,
		    sizeof(when));
		fprintf(stderr, "stet: %zu post%s held (mail.hold); the first "
		    "goes at %s: run stet send then, or stet send --now\n",
		    r.held, r.held == 1 ? "" : "s", when);
	}
	if (r.relay_failed) {
		fprintf(stderr, "stet: the relay failed: %s\n", r.relay_why);
		fprintf(stderr, "stet: no reader's address was blamed; what was "
		    "not sent stays pending: run stet send again once the "
		    "relay works (stet send --status shows each post)\n");
		return EXIT_LATER;
	}
	/* Stopped before or between posts: some may not have begun. */
	if (atomic_load(&stopping)) {
		fprintf(stderr, "stet: stopped; run stet send again to go on\n");
		return EXIT_LATER;
	}
	if (r.posts == 0) {
		/* Held posts are on their way: nothing for anyone to do. */
		if (r.held == 0)
			fprintf(stderr, "stet: nothing new to send\n");
		return 0;
	}
	if (r.waiting > 0) {
		send_when(r.retry_at, (int64_t)time(NULL), when, sizeof(when));
		fprintf(stderr, "stet: run stet send again after %s for the "
		    "rest\n", when);
		return EXIT_LATER;
	}
	return 0;
}
