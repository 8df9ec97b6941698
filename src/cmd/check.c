#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../site/build.h"
#include "cmd.h"
#include "report.h"
#include "settings.h"

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
	struct diag	 d;
	struct err	 err;
	struct settings	 set;
	int		 c, json = 0, rc;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	o.check = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.dir = optarg; break;
		case 'j': json = 1; break;
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
	diag_init(&d);
	o.diag = &d;
	/* The other layers' keys of stet.yaml: site_build reads the site's. */
	memset(&r, 0, sizeof(r));
	rc = settings_load(&set, o.dir, &err);
	settings_free(&set);
	if (rc == 0)
		rc = site_build(&o, &r, &err);
	/* A site that does not build: its errors are the findings. */
	if (rc == -1 && d.nerrors == 0)
		diag_error(&d, NULL, 0, "%s", err.msg);
	diag_sort(&d);
	if (json)
		report_json(&d, stdout);
	else {
		report_findings(&d, stdout);
		fprintf(stderr, "stet: checked %zu posts and %zu pages: %zu "
		    "error%s, %zu warning%s\n", r.nposts, r.npages, d.nerrors,
		    d.nerrors == 1 ? "" : "s", d.nwarnings,
		    d.nwarnings == 1 ? "" : "s");
	}
	rc = d.nerrors > 0 ? 1 : 0;
	diag_free(&d);
	return rc;
}
