/*
 * golden-forms SITE OUT: every answer of the subscription forms, in the
 * form page a build of SITE made (SITE/.stet/form.html), written to
 * OUT/<name>.html; OUT/status lists each name with its HTTP status.
 * The words a request would bring (an address, a token) are fixed here,
 * so the pages are the same on every run.  tests/golden/run compares
 * them with the expected ones.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "server/answer.h"
#include "site/config.h"
#include "site/render.h"
#include "support/arena.h"
#include "support/fsutil.h"

#define TOKEN	"TOKEN-0123456789abcdef"

static const struct {
	const char		*name;
	enum answer_kind	 kind;
	const char		*text;
	const char		*why;
} answers[] = {
	{ "subscribe", ANSWER_FORM, NULL, NULL },
	{ "inbox", ANSWER_INBOX, "reader@example.org", NULL },
	{ "bad-address", ANSWER_BAD_ADDRESS, "reader@example",
	    "the domain has no dot" },
	{ "confirm", ANSWER_CONFIRM, TOKEN, NULL },
	{ "subscribed", ANSWER_SUBSCRIBED, TOKEN, NULL },
	{ "expired", ANSWER_EXPIRED, NULL, NULL },
	{ "dead-link", ANSWER_DEAD_LINK, NULL, NULL },
	{ "unsubscribe", ANSWER_UNSUBSCRIBE, TOKEN, NULL },
	{ "unsubscribed", ANSWER_UNSUBSCRIBED, NULL, NULL },
	{ "incomplete", ANSWER_INCOMPLETE, NULL, NULL },
	{ "bad", ANSWER_BAD, NULL, "The form came without its token." },
	{ "too-many", ANSWER_TOO_MANY, "in 12 minutes",
	    "Too many requests came from your network in the last minute." },
	{ "unavailable", ANSWER_UNAVAILABLE, NULL, NULL },
	{ "store-down", ANSWER_UNAVAILABLE, NULL,
	    "The list of subscribers cannot be opened just now; the site's "
	    "owner has been told." },
	{ "forbidden", ANSWER_FORBIDDEN, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	struct arena	*a = NULL;
	struct config	 cfg;
	struct err	 err;
	struct answer_in in;
	struct answer	 pg;
	struct buf	 shell, out, path, status;
	size_t		 i;
	int		 site = -1, outfd = -1, rc = 1;

	buf_init(&shell, 0);
	buf_init(&out, 0);
	buf_init(&path, 0);
	buf_init(&status, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: golden-forms SITE OUT\n");
		return 2;
	}
	if ((site = open(argv[1], O_RDONLY | O_DIRECTORY)) == -1 ||
	    (outfd = open(argv[2], O_RDONLY | O_DIRECTORY)) == -1) {
		fprintf(stderr, "golden-forms: %s\n", strerror(errno));
		goto out;
	}
	if ((a = arena_new()) == NULL ||
	    config_load(a, site, &cfg, &err) == -1 ||
	    fs_read_at(site, RENDER_FORM_FILE, 1024 * 1024, &shell, 0,
	    &err) == -1) {
		fprintf(stderr, "golden-forms: %s\n", a ? err.msg :
		    "out of memory");
		goto out;
	}
	for (i = 0; i < sizeof(answers) / sizeof(*answers); i++) {
		in.base = cfg.base_path;
		in.site_title = cfg.title;
		in.text = answers[i].text;
		in.len = in.text ? strlen(in.text) : 0;
		in.why = answers[i].why;
		buf_reset(&out);
		buf_reset(&path);
		if (answer_make(&pg, answers[i].kind, &in) == -1 ||
		    answer_fill(shell.data, shell.len, &pg, &out) == -1 ||
		    buf_printf(&path, "%s.html", answers[i].name) == -1 ||
		    buf_printf(&status, "%s %d %s\n", answers[i].name,
		    pg.status, pg.reason) == -1) {
			answer_free(&pg);
			fprintf(stderr, "golden-forms: out of memory\n");
			goto out;
		}
		answer_free(&pg);
		if (fs_write_atomic(outfd, path.data, "tmp", out.data,
		    out.len, 0) == -1) {
			fprintf(stderr, "golden-forms: %s: %s\n", path.data,
			    strerror(errno));
			goto out;
		}
	}
	if (fs_write_atomic(outfd, "status", "tmp", status.data, status.len,
	    0) == -1) {
		fprintf(stderr, "golden-forms: status: %s\n", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (site != -1)
		close(site);
	if (outfd != -1)
		close(outfd);
	arena_free(a);
	buf_free(&shell);
	buf_free(&out);
	buf_free(&path);
	buf_free(&status);
	return rc;
}
