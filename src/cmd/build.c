#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../site/load.h"
#include "../site/markdown.h"
#include "../site/render.h"
#include "../site/theme.h"
#include "../site/write.h"
#include "cmd.h"

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
cmd_build(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "future", no_argument, NULL, 'f' },
		{ "portable", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct load_opts lopts = { 0, 0 };
	struct render_opts ropts = { 0 };
	struct site	 site;
	struct tset	*tpl = NULL;
	struct writer	 w;
	struct err	 err;
	const char	*dir = ".";
	double		 t0 = now_ms();
	int		 c, rc = 1, wopen = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'd': lopts.drafts = 1; break;
		case 'f': lopts.future = 1; break;
		case 'p': ropts.portable = 1; break;
		case 'h': usage_print("build", stdout); return 0;
		default: usage_print("build", stderr); return 2;
		}
	}
	if (optind != argc) {
		usage_print("build", stderr);
		return 2;
	}
	markdown_init();
	if (site_load(dir, &lopts, &site, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	if (site.cfg.file == NULL)
		fprintf(stderr, "stet: no stet.yaml in %s: building with the "
		    "defaults\n", dir);
	if (theme_templates(&site, &tpl, &err) == -1 ||
	    writer_open(&w, site.dirfd, 0, &err) == -1)
		goto fail;
	wopen = 1;
	if (render_site(&site, tpl, &w, &ropts, &err) == -1 ||
	    theme_static(&site, &w, &err) == -1 ||
	    writer_commit(&w, &err) == -1)
		goto fail;
	wopen = 0;
	printf("stet: built %zu posts, %zu pages and %zu topics into "
	    "%s/public (%zu files written, %zu unchanged) in %.0f ms\n",
	    site.nposts, site.npages, site.ntopics, dir,
	    (size_t)atomic_load(&w.written), (size_t)atomic_load(&w.unchanged),
	    now_ms() - t0);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "stet: %s\n", err.msg);
	if (wopen)
		writer_abort(&w);
out:
	template_set_free(tpl);
	site_free(&site);
	return rc;
}
