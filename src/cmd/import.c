#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../import/import.h"
#include "../support/curl_lib.h"
#include "cmd.h"

/* --fetch-media's bounds: enough for a blog's images, not a mirror. */
#define MEDIA_COUNT	500
#define MEDIA_BYTES	(20 * 1024 * 1024)

int
cmd_import(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "fetch-media", no_argument, NULL, 'm' },
		{ "url", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_opts o;
	struct import_result r;
	struct err	 err;
	size_t		 i, shown = 0;
	int		 c, rc;

	memset(&o, 0, sizeof(o));
	o.media_max_count = MEDIA_COUNT;
	o.media_max_bytes = MEDIA_BYTES;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "fu:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o.force = 1; break;
		case 'm': o.fetch_media = 1; break;
		case 'u': o.old_url = optarg; break;
		case 'h': usage_print("import", stdout); return 0;
		default:
			fprintf(stderr, "stet: import: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			usage_print("import", stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage_print("import", stderr);
		return 2;
	}
	/* Before any work: without libcurl, --fetch-media cannot be kept. */
	if (o.fetch_media && curl_lib_load("--fetch-media", &err) == -1) {
		fprintf(stderr, "stet: import: %s\n", err.msg);
		return 1;
	}
	rc = import_site(argv[optind], argv[optind + 1], &o, &r, &err);
	if (rc == -1) {
		fprintf(stderr, "stet: import: %s\n", err.msg);
		notes_free(&r.notes);
		return 1;
	}
	printf("stet: imported a %s site (%s): %zu posts (%zu drafts), %zu "
	    "pages, %zu files\n", r.kind, r.config ? r.config : "defaults",
	    r.nposts, r.ndrafts, r.npages, r.nfiles);
	printf("  old post URLs kept as aliases: %zu; other old addresses "
	    "redirected: %zu\n", r.naliases, r.nredirects);
	for (i = 0; i < r.notes.nc; i++)
		printf("  converted %s: %zu\n", r.notes.c[i].what,
		    r.notes.c[i].n);
	printf("  kept as code: %zu; images on other hosts: %zu; to look "
	    "at: %zu\n", notes_of(&r.notes, NOTE_KEPT),
	    notes_of(&r.notes, NOTE_REMOTE), notes_of(&r.notes, NOTE_LOOK));
	for (i = 0; i < r.notes.n && shown < 10; i++) {
		const struct note *e = &r.notes.v[i];

		if (e->kind == NOTE_REMOTE)
			continue;
		shown++;
		if (e->line > 0)
			printf("  %s:%zu: %s\n", e->file, e->line, e->msg);
		else
			printf("  %s: %s\n", e->file, e->msg);
	}
	if (r.notes.n > shown)
		printf("  ... IMPORT.md in %s lists them all\n",
		    argv[optind + 1]);
	printf("next: cd %s && stet build && stet check\n", argv[optind + 1]);
	notes_free(&r.notes);
	return 0;
}
