/*
 * What a bounce does to the real store (store/bounces.c): the VERP
 * token, the effect of each kind, the soft bounces' window, a report
 * counted once; and Postmark's events as the webhook reads them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "mail/settings.h"
#include "server/webhook.h"
#include "site/config.h"
#include "store/bounces.h"
#include "store/store.h"

#define NOW	1795597200	/* 2026-11-25 09:00:00 UTC */
#define DAY	86400

struct fixture {
	char		 dir[64];
	struct store	*s;
	int64_t		 ann, bob;
};

static int
setup(void **state)
{
	struct fixture	*t = calloc(1, sizeof(*t));
	struct err	 err;
	enum store_add	 res;

	assert_non_null(t);
	assert_true(sodium_init() >= 0);
	(void)snprintf(t->dir, sizeof(t->dir), "/tmp/stet-test-bounces.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	assert_int_equal(store_open(&t->s, t->dir, &err), 0);
	assert_int_equal(store_add_confirmed(t->s, "ann@example.org",
	    "owner-add", NOW, &res, &err), 0);
	assert_int_equal(store_add_confirmed(t->s, "bob@example.org",
	    "owner-add", NOW, &res, &err), 0);
	assert_int_equal(store_bounce_find(t->s, "ANN@example.org", NULL,
	    &t->ann, NULL, NULL, 0, &err), 0);
	assert_int_equal(store_bounce_find(t->s, "bob@example.org", NULL,
	    &t->bob, NULL, NULL, 0, &err), 0);
	assert_true(t->ann > 0 && t->bob > 0 && t->ann != t->bob);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*t = *state;
	char		 cmd[128];

	store_close(t->s);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static void
verp_round_trip(void **state)
{
	struct fixture	*t = *state;
	struct err	 err;
	char		 a[STORE_VERP_LEN + 1], b[STORE_VERP_LEN + 1];
	char		 post[64];
	int64_t		 sub = 0;
	size_t		 i;

	store_verp_token(t->s, t->ann, "post-one", a);
	store_verp_token(t->s, t->bob, "post-one", b);
	assert_int_equal(strlen(a), STORE_VERP_LEN);
	assert_string_not_equal(a, b);
	/* The same reader and post: the same token, every time. */
	store_verp_token(t->s, t->bob, "post-one", b);
	store_verp_token(t->s, t->ann, "post-one", post);
	assert_string_equal(a, post);
	assert_int_equal(store_verp_check(t->s, a, strlen(a), &sub, post,
	    sizeof(post), &err), 1);
	assert_int_equal(sub, t->ann);
	/* Mail systems may fold the case of a local part. */
	for (i = 0; a[i] != '\0'; i++)
		if (a[i] >= 'a' && a[i] <= 'f')
			a[i] = (char)(a[i] - 'a' + 'A');
	assert_int_equal(store_verp_check(t->s, a, strlen(a), &sub, NULL, 0,
	    &err), 1);
	/* Any one character changed, or the length: not ours. */
	for (i = 0; i < STORE_VERP_LEN; i++) {
		char	 c = b[i];

		b[i] = c == '0' ? '1' : '0';
		assert_int_equal(store_verp_check(t->s, b, STORE_VERP_LEN,
		    &sub, NULL, 0, &err), 0);
		b[i] = c;
	}
	assert_int_equal(store_verp_check(t->s, b, STORE_VERP_LEN - 2, &sub,
	    NULL, 0, &err), 0);
	assert_int_equal(store_verp_check(t->s, "not hex", 7, &sub, NULL, 0,
	    &err), 0);
}

/* Does send skip this reader now? */
static int
bouncing(struct fixture *t, int64_t sub)
{
	struct err	 err;
	int		 yes;

	assert_int_equal(store_still_wanted(t->s, sub, &yes, &err), 0);
	return !yes;
}

static enum store_bounce_effect
report(struct fixture *t, int64_t sub, enum store_bounce_kind k, const char *id,
    int64_t at)
{
	struct store_bounce b;
	struct err	 err;
	unsigned char	 seen[STORE_SEEN_LEN];
	enum store_bounce_effect e;

	store_bounce_key(id, strlen(id), seen);
	memset(&b, 0, sizeof(b));
	b.subscriber = sub;
	b.kind = k;
	b.status = k == STORE_BOUNCE_HARD ? "5.1.1" : "4.2.2";
	b.source = "test";
	b.seen = seen;
	b.soft_limit = 3;
	b.soft_window = 14 * DAY;
	assert_int_equal(store_bounce_record(t->s, &b, at, &e, &err), 0);
	return e;
}

static void
hard_once(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(report(t, t->ann, STORE_BOUNCE_HARD, "r1", NOW),
	    STORE_BOUNCE_SUPPRESSED);
	assert_true(bouncing(t, t->ann));
	assert_false(bouncing(t, t->bob));
	/* The same report again: nothing. */
	assert_int_equal(report(t, t->ann, STORE_BOUNCE_HARD, "r1", NOW),
	    STORE_BOUNCE_SEEN);
	/* No reader: only seen. */
	assert_int_equal(report(t, 0, STORE_BOUNCE_HARD, "r2", NOW),
	    STORE_BOUNCE_NOBODY);
	assert_int_equal(report(t, 0, STORE_BOUNCE_HARD, "r2", NOW),
	    STORE_BOUNCE_SEEN);
}

/* Three within 14 days; the first of four falls out of the window. */
static void
soft_window(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(report(t, t->bob, STORE_BOUNCE_SOFT, "s1", NOW),
	    STORE_BOUNCE_COUNTED);
	assert_int_equal(report(t, t->bob, STORE_BOUNCE_SOFT, "s2",
	    NOW + 10 * DAY), STORE_BOUNCE_COUNTED);
	assert_int_equal(report(t, t->bob, STORE_BOUNCE_SOFT, "s3",
	    NOW + 15 * DAY), STORE_BOUNCE_COUNTED);
	assert_false(bouncing(t, t->bob));
	assert_int_equal(report(t, t->bob, STORE_BOUNCE_SOFT, "s4",
	    NOW + 16 * DAY), STORE_BOUNCE_SUPPRESSED);
	assert_true(bouncing(t, t->bob));
}

static void
complaint_unsubscribes(void **state)
{
	struct fixture	*t = *state;
	size_t		 n[STORE_NSTATES];
	struct err	 err;

	assert_int_equal(report(t, t->ann, STORE_BOUNCE_COMPLAINT, "c1",
	    NOW), STORE_BOUNCE_UNSUBSCRIBED);
	assert_int_equal(store_count(t->s, n, &err), 0);
	assert_int_equal(n[STORE_UNSUBSCRIBED], 1);
	assert_int_equal(n[STORE_CONFIRMED], 1);
}

/* A Message-ID is ours only for the reader and a post it was made for. */
static void
message_id_proof(void **state)
{
	struct fixture	*t = *state;
	struct err	 err;
	char		 key[33], post[64];
	int64_t		 sub;
	int		 ours;

	assert_int_equal(store_send_begin(t->s, NOW, &err), 0);
	assert_int_equal(store_post_start(t->s, "the-post-id", "a-post", NOW,
	    (size_t[]){ 0 }, &err), 0);
	store_message_key(t->s, "the-post-id", t->bob, key);
	assert_int_equal(store_bounce_find(t->s, "bob@example.org", key, &sub,
	    &ours, post, sizeof(post), &err), 0);
	assert_int_equal(sub, t->bob);
	assert_true(ours);
	assert_string_equal(post, "the-post-id");
	assert_int_equal(store_bounce_find(t->s, "ann@example.org", key, &sub,
	    &ours, post, sizeof(post), &err), 0);
	assert_int_equal(sub, t->ann);
	assert_false(ours);
	assert_int_equal(store_bounce_find(t->s, "nobody@example.org", key,
	    &sub, &ours, post, sizeof(post), &err), 0);
	assert_int_equal(sub, 0);
}

static void
postmark_events(void **state)
{
	static const char hard[] = "{\"RecordType\": \"Bounce\", \"ID\": 42, "
	    "\"Type\": \"HardBounce\", \"TypeCode\": 1, \"Email\": "
	    "\"ann@example.org\", \"Details\": \"smtp;550 5.1.1\\nno such "
	    "user\", \"Inactive\": true}";
	static const char complaint[] = "{\"RecordType\": \"SpamComplaint\", "
	    "\"ID\": 43, \"Type\": \"SpamComplaint\", \"TypeCode\": 512, "
	    "\"Email\": \"bob@example.org\"}";
	static const char other[] = "{\"Type\": \"AutoResponder\", "
	    "\"Email\": \"bob@example.org\"}";
	static const char bad_type[] = "{\"Type\": 1, \"Email\": \"a@b.c\"}";
	/* Duplicate keys: two readers of one event could disagree. */
	static const char twice[] = "{\"Type\": \"HardBounce\", \"Type\": "
	    "\"x\", \"Email\": \"a@b.c\"}";
	struct webhook_event ev, ev2;
	struct err	 err;

	(void)state;
	assert_int_equal(webhook_parse(hard, sizeof(hard) - 1, &ev, &err), 0);
	assert_true(ev.concern);
	assert_int_equal(ev.kind, STORE_BOUNCE_HARD);
	assert_string_equal(ev.email, "ann@example.org");
	assert_string_equal(ev.detail, "smtp;550 5.1.1 no such user");
	assert_int_equal(webhook_parse(complaint, sizeof(complaint) - 1, &ev2,
	    &err), 0);
	assert_int_equal(ev2.kind, STORE_BOUNCE_COMPLAINT);
	assert_memory_not_equal(ev.seen, ev2.seen, STORE_SEEN_LEN);
	assert_int_equal(webhook_parse(other, sizeof(other) - 1, &ev, &err),
	    0);
	assert_false(ev.concern);
	assert_int_equal(webhook_parse("[]", 2, &ev, &err), -1);
	assert_int_equal(webhook_parse(bad_type, strlen(bad_type), &ev, &err),
	    -1);
	assert_int_equal(webhook_parse(twice, strlen(twice), &ev, &err), -1);
	assert_int_equal(webhook_parse("{", 1, &ev, &err), -1);
}

/*
 * mail.bounces from stet.yaml: 0, or -1 with err.  The strings in m
 * live in the arena *a, which the caller frees.
 */
static int
settings(const char *yaml, struct arena **a, struct mail_settings *m,
    struct err *err)
{
	struct config	 c;

	assert_non_null(*a = arena_new());
	return config_parse(*a, yaml, strlen(yaml), &c, err) == -1 ? -1 :
	    mail_settings_parse(*a, c.file, c.tree, m, err);
}

static void
bounce_settings(void **state)
{
	struct mail_settings m;
	struct arena	*a;
	struct err	 err;

	(void)state;
	assert_int_equal(settings("title: x\nmail: { from: a@b.org }\n", &a,
	    &m, &err), 0);
	assert_null(m.bounces.mailbox);
	assert_int_equal(m.bounces.soft_limit, 3);
	assert_int_equal(m.bounces.soft_days, 14);
	assert_int_equal(m.bounces.max_messages, 500);
	assert_string_equal(m.bounces.password_env, "STET_IMAP_PASSWORD");
	assert_string_equal(m.bounces.webhook_secret_env,
	    "STET_WEBHOOK_SECRET");
	arena_free(a);
	assert_int_equal(settings("title: x\nmail:\n  envelope_from: "
	    "\"bounces+@example.org\"\n  bounces:\n    mailbox: "
	    "\"imaps://mail.example.org/Bounces\"\n    soft_limit: 5\n",
	    &a, &m, &err), 0);
	assert_string_equal(m.envelope_from, "bounces+@example.org");
	assert_string_equal(m.bounces.mailbox,
	    "imaps://mail.example.org/Bounces");
	assert_int_equal(m.bounces.soft_limit, 5);
	arena_free(a);
	assert_int_equal(settings("title: x\nmail:\n  bounces:\n    "
	    "mailbox: /var/mail/b\n", &a, &m, &err), -1);
	arena_free(a);
	assert_non_null(strstr(err.msg, "stet.yaml:4: mail.bounces.mailbox: "
	    "want maildir:PATH"));
	assert_int_equal(settings("title: x\nmail:\n  bounces:\n    "
	    "soft_limt: 2\n", &a, &m, &err), -1);
	arena_free(a);
	assert_non_null(strstr(err.msg, "unknown key mail.bounces.soft_limt"));
	assert_int_equal(settings("title: x\nmail:\n  bounces:\n    "
	    "soft_days: 0\n", &a, &m, &err), -1);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(verp_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(hard_once, setup, teardown),
		cmocka_unit_test_setup_teardown(soft_window, setup, teardown),
		cmocka_unit_test_setup_teardown(complaint_unsubscribes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(message_id_proof, setup,
		    teardown),
		cmocka_unit_test(postmark_events),
		cmocka_unit_test(bounce_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
