#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../site/build.h"
#include "cmd.h"

static int
parse_flags(struct build_opts *o, int *verbose, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "future", no_argument, NULL, 'f' },
		{ "portable", no_argument, NULL, 'p' },
		{ "full", no_argument, NULL, 'F' },
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

int
cmd_build(int argc, char *argv[])
{
	struct build_opts o;
	struct build_result r;
	struct err	 err;
	int		 rc, verbose = 0;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	if ((rc = parse_flags(&o, &verbose, argc, argv)) != -1)
		return rc;
	if (sodium_init() < 0) {
		fprintf(stderr, "stet: libsodium would not start\n");
		return 1;
	}
	if (site_build(&o, &r, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	if (r.defaults)
		fprintf(stderr, "stet: no stet.yaml in %s: built with the "
		    "defaults\n", o.dir);
	if (verbose)
		fprintf(stderr, "stet: %s build: load and plan %.1f ms, render "
		    "%.1f ms, static, swap and cache %.1f ms\n", r.kind,
		    r.load_ms, r.render_ms, r.finish_ms);
	printf("stet: built %zu posts, %zu pages and %zu topics into "
	    "%s/public (%zu files written, %zu unchanged) in %.0f ms\n",
	    r.nposts, r.npages, r.ntopics, o.dir, r.written, r.unchanged,
	    r.total_ms);
	return 0;
}
