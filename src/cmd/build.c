#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../send/hold.h"
#include "../site/build.h"
#include "../support/date.h"
#include "cmd.h"
#include "report.h"
#include "settings.h"

/*
 * The signal that asked the build to stop, or 0.  A global because a
 * signal handler can reach nothing else; the site layer only reads it,
 * through build_opts.stop, at the points where stopping is safe.
 */
static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/*
 * SIGINT and SIGTERM ask the build to stop at a safe point (public/ is
 * then the old site whole, the stage removed) instead of killing it
 * anywhere.  SA_RESTART: the build polls the flag, so no call of it
 * needs to see EINTR.
 */
static void
catch_signals(int on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on ? on_signal : SIG_DFL;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);	/* fails only for bad args */
	(void)sigaction(SIGTERM, &sa, NULL);
}

static int
parse_flags(struct build_opts *o, int *verbose, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "future", no_argument, NULL, 'f' },
		{ "portable", no_argument, NULL, 'p' },
		{ "full", no_argument, NULL, 'F' },
		{ "strict", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 c;

	optind = 1;
	opterr = 0;	/* we say it ourselves, as "stet: ..." */
	while ((c = getopt_long(argc, argv, "s:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->dir = optarg; break;
		case 'd': o->drafts = 1; break;
		case 'f': o->future = 1; break;
		case 'p': o->portable = 1; break;
		case 'F': o->full = 1; break;
		case 'S': o->strict = 1; break;
		case 'v': *verbose = 1; break;
		case 'h': usage_print("build", stdout); return 0;
		default:
			fprintf(stderr, "stet: build: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			usage_print("build", stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage_print("build", stderr);
		return 2;
	}
	return -1;
}

/* What the build left out, and when the next future post falls due. */
static void
left_out(const struct build_result *r)
{
	struct date	 next;
	char		 due[64];

	if (r->ndrafts == 0 && r->nfuture == 0)
		return;
	printf("stet: left out %zu draft%s and %zu post%s dated later than "
	    "now", r->ndrafts, r->ndrafts == 1 ? "" : "s", r->nfuture,
	    r->nfuture == 1 ? "" : "s");
	if (r->nfuture > 0) {
		memset(&next, 0, sizeof(next));
		next.t = r->next_due;
		next.off = r->next_due_off;
		if (date_rfc3339(&next, due, sizeof(due)) > 0)
			printf(" (the next falls due %s)", due);
	}
	printf("; --drafts and --future build them\n");
}

/*
 * Every error of the run, then the warnings: the first few, their count
 * and where the whole list is.
 */
static void
show(const struct build_opts *o, const struct diag *d)
{
	size_t	 rest;

	if (report_save(o->dir, d) == -1)
		fprintf(stderr, "stet: %s/.stet/warnings: %s\n", o->dir,
		    strerror(errno));
	rest = report_text(d, REPORT_WARNINGS_SHOWN, stderr);
	if (d->nwarnings > 0)
		fprintf(stderr, "stet: %zu warning%s%s; all of them are in "
		    "%s/.stet/warnings%s\n", d->nwarnings,
		    d->nwarnings == 1 ? "" : "s", rest ? " in all" : "",
		    o->dir, o->strict ? "" : " (stet build --strict fails on "
		    "any)");
}

int
cmd_build(int argc, char *argv[])
{
	struct build_opts o;
	struct build_result r;
	struct diag	 d;
	struct err	 err;
	struct settings	 set;
	int		 rc, verbose = 0;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	if ((rc = parse_flags(&o, &verbose, argc, argv)) != -1)
		return rc;
	if (sodium_init() < 0) {
		fprintf(stderr, "stet: libsodium would not start\n");
		return 1;
	}
	/* The other layers' keys of stet.yaml: site_build reads the site's. */
	rc = settings_load(&set, o.dir, &err);
	if (rc == -1) {
		settings_free(&set);
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	diag_init(&d);
	o.diag = &d;
	o.stop = &stop_signal;
	stop_signal = 0;
	catch_signals(1);
	rc = site_build(&o, &r, &err);
	catch_signals(0);
	diag_sort(&d);
	show(&o, &d);
	if (stop_signal != 0) {
		/* 128 + the signal, as if it had killed us: 130, 143. */
		if (rc == -1)
			fprintf(stderr, "stet: interrupted; %s/public was left "
			    "as it was\n", o.dir);
		else
			fprintf(stderr, "stet: interrupted, but the build was "
			    "already being published: %s/public is the new "
			    "site, complete\n", o.dir);
		diag_free(&d);
		settings_free(&set);
		return 128 + stop_signal;
	}
	if (rc == -1) {
		/* One error is its own message; more get a count. */
		if (d.nerrors == 0)
			fprintf(stderr, "stet: %s\n", err.msg);
		else if (d.nerrors > 1 || d.oom)
			fprintf(stderr, "stet: %zu errors; public/ was left as "
			    "it was\n", d.nerrors);
		diag_free(&d);
		settings_free(&set);
		return 1;
	}
	diag_free(&d);
	/*
	 * The hold before mailing counts from this build (send/hold.h).  A
	 * build that wrote nothing published nothing new: not worth loading
	 * the site again for.
	 */
	if (r.written > 0 && send_note_built(o.dir, &set.send, &err) == -1)
		fprintf(stderr, "stet: warning: the time each post was "
		    "published was not recorded: %s\n", err.msg);
	settings_free(&set);
	if (r.defaults)
		fprintf(stderr, "stet: no stet.yaml in %s: built with the "
		    "defaults\n", o.dir);
	if (verbose)
		fprintf(stderr, "stet: %s build%s, %s: load and plan %.1f ms, "
		    "static and render %.1f ms, publish and cache %.1f ms\n",
		    r.kind, r.recovered ? " (finishing a stopped one)" : "",
		    r.published,
		    r.load_ms, r.render_ms, r.finish_ms);
	printf("stet: built %zu posts, %zu pages and %zu topics into "
	    "%s/public (%zu files written, %zu unchanged) in %.0f ms\n",
	    r.nposts, r.npages, r.ntopics, o.dir, r.written, r.unchanged,
	    r.total_ms);
	left_out(&r);
	return 0;
}
