#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../mail/mailbox.h"
#include "../send/bounce.h"
#include "../store/store.h"
#include "cmd.h"
#include "settings.h"

/* Bounces are a few KiB; a large message here is something else. */
#define MESSAGE_MAX	(1024 * 1024)

struct run {
	struct store	*store;
	const struct mail_settings *mail;
	const char	*source;
	int64_t		 now;
	size_t		 kinds[3], none, large, nobody, seen;
	size_t		 suppressed, unsubscribed;
};

static int
one(void *arg, const char *name, const char *msg, size_t len,
    struct err *err)
{
	static const char *const kind[] = {
		[STORE_BOUNCE_SOFT] = "soft bounce",
		[STORE_BOUNCE_HARD] = "hard bounce",
		[STORE_BOUNCE_COMPLAINT] = "complaint"
	};
	struct run	*r = arg;
	struct bounce_result res;

	if (msg == NULL) {
		r->large++;
		printf("%s: larger than %d bytes: not read, marked as read\n",
		    name, MESSAGE_MAX);
		return 1;
	}
	/* A failure of the database leaves the message unread. */
	if (bounce_message(r->store, r->mail, r->source, msg, len, r->now,
	    &res, err) == -1)
		return -1;
	if (!res.report) {
		r->none++;
		return 1;
	}
	r->kinds[res.kind]++;
	switch (res.effect) {
	case STORE_BOUNCE_SEEN:
		r->seen++;
		return 1;
	case STORE_BOUNCE_NOBODY:
		r->nobody++;
		break;
	case STORE_BOUNCE_SUPPRESSED:
		r->suppressed++;
		break;
	case STORE_BOUNCE_UNSUBSCRIBED:
		r->unsubscribed++;
		break;
	case STORE_BOUNCE_COUNTED:
		break;
	}
	printf("%s: %s: %s%s%s%s: %s%s%s\n", name,
	    res.email[0] != '\0' ? res.email : "(no address)", kind[res.kind],
	    res.status[0] != '\0' ? " (" : "", res.status,
	    res.status[0] != '\0' ? ")" : "", bounce_effect_name(res.effect),
	    res.how != NULL ? ", found by " : "", res.how != NULL ? res.how :
	    "");
	return 1;
}

int
cmd_bounces(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "mailbox", required_argument, NULL, 'm' },
		{ "max", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mailbox_opts mo;
	struct mailbox	*mb = NULL;
	struct settings	 set;
	struct run	 r;
	struct err	 err;
	const char	*dir = ".", *spec = NULL, *pw;
	char		*end;
	size_t		 n = 0, max = 0;
	int		 c, rc = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'm': spec = optarg; break;
		case 'x':
			max = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || max == 0) {
				fprintf(stderr, "stet: bounces: --max wants a "
				    "number above 0\n");
				return 2;
			}
			break;
		case 'h': usage_print("bounces", stdout); return 0;
		default:
			fprintf(stderr, "stet: bounces: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			usage_print("bounces", stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage_print("bounces", stderr);
		return 2;
	}
	if (settings_site(dir) == -1)
		return 1;
	if (sodium_init() < 0) {
		fprintf(stderr, "stet: libsodium would not start\n");
		return 1;
	}
	if (settings_load(&set, dir, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		settings_free(&set);
		return 1;
	}
	memset(&r, 0, sizeof(r));
	if (spec == NULL)
		spec = set.mail.bounces.mailbox;
	if (max == 0)
		max = set.mail.bounces.max_messages;
	if (spec == NULL) {
		fprintf(stderr, "stet: no bounce mailbox: set mail.bounces."
		    "mailbox in stet.yaml, or give --mailbox\n");
		goto out;
	}
	memset(&mo, 0, sizeof(mo));
	mo.spec = spec;
	mo.sitedir = dir;
	mo.username = set.mail.bounces.username;
	pw = set.mail.bounces.password_env != NULL ?
	    getenv(set.mail.bounces.password_env) : NULL;
	mo.password = pw;
	mo.timeout = (unsigned)set.mail.timeout;
	if (mailbox_open(&mb, &mo, &err) == -1 ||
	    store_open(&r.store, dir, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	r.mail = &set.mail;
	r.source = strncmp(spec, "maildir:", 8) == 0 ? "maildir" : "imap";
	r.now = (int64_t)time(NULL);
	if (mailbox_each(mb, max, MESSAGE_MAX, one, &r, &n, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	fprintf(stderr, "stet: %s: %zu message%s read: %zu hard, %zu soft, "
	    "%zu complaint%s, %zu already counted, %zu about no reader, %zu "
	    "not a report%s; %zu address%s suppressed, %zu unsubscribed\n",
	    mailbox_describe(mb), n, n == 1 ? "" : "s",
	    r.kinds[STORE_BOUNCE_HARD], r.kinds[STORE_BOUNCE_SOFT],
	    r.kinds[STORE_BOUNCE_COMPLAINT],
	    r.kinds[STORE_BOUNCE_COMPLAINT] == 1 ? "" : "s", r.seen, r.nobody,
	    r.none + r.large, r.large > 0 ? " or too large" : "",
	    r.suppressed, r.suppressed == 1 ? "" : "es", r.unsubscribed);
	if (n == max)
		fprintf(stderr, "stet: stopped at --max %zu messages: run it "
		    "again for the rest\n", max);
	rc = 0;
out:
	mailbox_close(mb);
	store_close(r.store);
	settings_free(&set);
	return rc;
}
