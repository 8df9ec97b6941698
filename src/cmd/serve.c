#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../server/server.h"
#include "cmd.h"
#include "settings.h"

static int
parse_flags(struct server_opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "watch", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 c;

	optind = 1;
	opterr = 0;	/* we say it ourselves, as "stet: ..." */
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->dir = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'w': o->watch = 1; break;
		case 'h': usage_print("serve", stdout); return 0;
		default:
			fprintf(stderr, "stet: serve: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			usage_print("serve", stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage_print("serve", stderr);
		return 2;
	}
	return -1;
}

/* Progress and errors to stderr; the address to open to stdout. */
static void
say(void *arg, enum server_say kind, const char *line)
{
	(void)arg;
	if (kind == SERVER_URL) {
		printf("stet: open %s\n", line);
		fflush(stdout);
	} else
		fprintf(stderr, "stet: %s\n", line);
}

int
cmd_serve(int argc, char *argv[])
{
	struct server_opts o;
	struct settings	 set;
	struct err	 err;
	int		 rc;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	o.say = say;
	if ((rc = parse_flags(&o, argc, argv)) != -1)
		return rc;
	if (o.listen != NULL && strchr(o.listen, ':') == NULL) {
		fprintf(stderr, "stet: --listen wants ADDRESS:PORT, like "
		    "127.0.0.1:8080\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "stet: libsodium would not start\n");
		return 1;
	}
	/* Settings first: a broken stet.yaml should not cost a build. */
	if ((rc = settings_load(&set, o.dir, &err)) == 0) {
		o.settings = &set.server;
		o.mail = &set.mail;
		o.send = &set.send;
		o.title = set.site.title;
		o.url = set.site.url;
		o.base_path = set.site.base_path;
		o.subscribe_action = set.site.subscribe_action;
		o.remote_images = set.site.images_remote_allow;
		rc = server_run(&o, &err);
	}
	settings_free(&set);
	if (rc == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	return 0;
}
