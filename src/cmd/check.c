#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../site/build.h"
#include "cmd.h"

int
cmd_check(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "future", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct build_opts o;
	struct build_result r;
	struct err	 err;
	int		 c;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	o.check = 1;
	o.check_out = stdout;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.dir = optarg; break;
		case 'j': o.check_json = 1; break;
		case 'd': o.drafts = 1; break;
		case 'f': o.future = 1; break;
		case 'h': usage_print("check", stdout); return 0;
		default:
			fprintf(stderr, "stet: check: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			usage_print("check", stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage_print("check", stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "stet: libsodium would not start\n");
		return 1;
	}
	if (site_build(&o, &r, &err) == -1) {
		/* A site that does not build is the first finding. */
		if (o.check_json)
			printf("[\n{\"level\": \"error\", \"message\": "
			    "\"%s\"}\n]\n", "the site does not build; run "
			    "stet build for the error");
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	if (!o.check_json)
		fprintf(stderr, "stet: checked %zu posts and %zu pages: %zu "
		    "errors, %zu warnings\n", r.nposts, r.npages, r.errors,
		    r.warnings);
	return r.errors > 0 ? 1 : 0;
}
