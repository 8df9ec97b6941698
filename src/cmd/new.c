#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/buf.h"
#include "../support/date.h"
#include "../support/esc.h"
#include "../support/fsutil.h"
#include "../support/text.h"
#include "cmd.h"
#include "settings.h"

/* YAML double-quoted: only \ and " need escaping in a one-line title. */
static int
yaml_quoted(struct buf *b, const char *s)
{
	if (buf_putc(b, '"') == -1)
		return -1;
	for (; *s; s++) {
		if ((*s == '"' || *s == '\\') && buf_putc(b, '\\') == -1)
			return -1;
		if (buf_putc(b, *s) == -1)
			return -1;
	}
	return buf_putc(b, '"');
}

int
cmd_new(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "note", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct settings	 set;
	struct buf	 slug, path, body;
	struct date	 now;
	struct zone	*zone;
	struct err	 err;
	const char	*dir = ".", *title, *why;
	char		 ymd[16];
	size_t		 line;
	int		 c, note = 0, sitefd = -1, fd = -1, rc = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'n': note = 1; break;
		case 'h': usage_print("new", stdout); return 0;
		default:
			fprintf(stderr, "stet: new: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			usage_print("new", stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || *argv[optind] == '\0') {
		usage_print("new", stderr);
		return 2;
	}
	title = argv[optind];
	buf_init(&slug, 0);
	buf_init(&path, 0);
	buf_init(&body, 0);
	memset(&set, 0, sizeof(set));
	if (text_check_utf8(title, strlen(title), &line, &why) == -1 ||
	    strchr(title, '\n') != NULL) {
		fprintf(stderr, "stet: new: the title must be one line of "
		    "UTF-8 text\n");
		goto out;
	}
	if ((sitefd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "stet: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	/* Today in the site's zone, so a late-evening post gets its date. */
	if (settings_load(&set, dir, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	if ((zone = zone_open(set.site.timezone)) == NULL) {
		fprintf(stderr, "stet: stet.yaml: timezone: no zone named %s "
		    "on this system\n", set.site.timezone);
		goto out;
	}
	date_now(&now, zone);
	zone_free(zone);
	date_ymd(&now, ymd, sizeof(ymd));
	if (text_slug(&slug, title, strlen(title)) == -1 ||
	    (slug.len == 0 && BUF_LIT(&slug, "untitled") == -1) ||
	    buf_printf(&path, "%s/%s-%s.md", note ? "notes" : "posts", ymd,
	    slug.data) == -1 || BUF_LIT(&body, "---\ntitle: ") == -1 ||
	    yaml_quoted(&body, title) == -1 ||
	    buf_printf(&body, "\ndate: %s\n", ymd) == -1 ||
	    (!note && BUF_LIT(&body, "tags: []\nsummary: \"\"\n") == -1) ||
	    BUF_LIT(&body, "draft: true\n---\n\n") == -1) {
		fprintf(stderr, "stet: out of memory\n");
		goto out;
	}
	if (mkdirat(sitefd, note ? "notes" : "posts", 0755) == -1 &&
	    errno != EEXIST) {
		fprintf(stderr, "stet: %s/%s: %s\n", dir, note ? "notes" :
		    "posts", strerror(errno));
		goto out;
	}
	/* O_EXCL: never overwrite a post. */
	fd = openat(sitefd, path.data, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0644);
	if (fd == -1) {
		fprintf(stderr, "stet: %s/%s: %s\n", dir, path.data,
		    errno == EEXIST ? "already exists; not overwritten" :
		    strerror(errno));
		goto out;
	}
	if (fs_write_all(fd, body.data, body.len) == -1 || close(fd) == -1) {
		fd = -1;
		fprintf(stderr, "stet: %s/%s: %s\n", dir, path.data,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	printf("%s/%s\n", dir, path.data);
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (sitefd != -1)
		close(sitefd);
	settings_free(&set);
	buf_free(&slug);
	buf_free(&path);
	buf_free(&body);
	return rc;
}
