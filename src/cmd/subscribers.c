#include <sys/stat.h>

#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../store/csv.h"
#include "../store/store.h"
#include "../support/buf.h"
#include "../support/fsutil.h"
#include "cmd.h"

/* An import larger than this is surely not a list of addresses. */
#define IMPORT_MAX	(256u * 1024 * 1024)

struct import_counts {
	size_t	 added, skipped, suppressed, unsubscribed, invalid;
};

static int	subs_list(struct store *, int, char *[]);
static int	subs_count(struct store *, int, char *[]);
static int	subs_add(struct store *, int, char *[]);
static int	subs_remove(struct store *, int, char *[]);
static int	subs_export(struct store *, int, char *[]);
static int	subs_import(struct store *, int, char *[]);

static const struct {
	const char	*name;
	int		(*fn)(struct store *, int, char *[]);
} subcommands[] = {
	{ "list", subs_list },
	{ "count", subs_count },
	{ "add", subs_add },
	{ "remove", subs_remove },
	{ "export", subs_export },
	{ "import", subs_import },
};

/* A time as YYYY-MM-DD in UTC, or "-" for never. */
static void
subs_ymd(int64_t t, char *out, size_t n)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, n, "%Y-%m-%d", &tm) == 0)
		snprintf(out, n, "-");
}

/* A time as RFC 3339 in UTC, or "" for never: the export keeps it all. */
static void
subs_rfc3339(int64_t t, char *out, size_t n)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

static int
subs_print_row(const struct store_subscriber *s, void *arg, struct err *err)
{
	char	 c[16], f[16], u[16];

	(void)arg;
	(void)err;
	subs_ymd(s->created_at, c, sizeof(c));
	subs_ymd(s->confirmed_at, f, sizeof(f));
	subs_ymd(s->unsubscribed_at, u, sizeof(u));
	printf("%s %s %s %s %s%s\n", s->email, store_state_name(s->state), c,
	    f, u, s->bouncing_at != 0 ? " bouncing" : "");
	return 0;
}

static int
subs_list(struct store *st, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	enum store_state state;
	struct err	 err;
	int		 c, have = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'S') {
			fprintf(stderr, "stet: subscribers list: unknown or "
			    "incomplete option %s\n", argv[optind - 1]);
			return 2;
		}
		if (store_state_parse(optarg, &state) == -1) {
			fprintf(stderr, "stet: subscribers list: no state "
			    "named %s (pending, confirmed, unsubscribed)\n",
			    optarg);
			return 2;
		}
		have = 1;
	}
	if (optind != argc) {
		usage_print("subscribers", stderr);
		return 2;
	}
	if (store_each(st, have ? &state : NULL, subs_print_row, NULL,
	    &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	return 0;
}

static int
subs_count(struct store *st, int argc, char *argv[])
{
	struct err	 err;
	size_t		 n[STORE_NSTATES], total = 0;
	int		 i;

	(void)argv;
	if (argc != 1) {
		usage_print("subscribers", stderr);
		return 2;
	}
	if (store_count(st, n, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < STORE_NSTATES; i++) {
		printf("%s %zu\n", store_state_name((enum store_state)i),
		    n[i]);
		total += n[i];
	}
	printf("total %zu\n", total);
	return 0;
}

/* argv[1] checked and normalised into norm, or a message and -1. */
static int
subs_one_address(int argc, char *argv[], struct buf *norm)
{
	const char	*why;

	if (argc != 2) {
		usage_print("subscribers", stderr);
		return -1;
	}
	if (store_check_address(argv[1], strlen(argv[1]), norm, &why) == -1) {
		fprintf(stderr, "stet: %s: not a valid address: %s\n",
		    argv[1], why);
		return -1;
	}
	return 0;
}

static int
subs_add(struct store *st, int argc, char *argv[])
{
	enum store_add	 res;
	struct buf	 email;
	struct err	 err;
	int		 rc = 1;

	buf_init(&email, 0);
	if (subs_one_address(argc, argv, &email) == -1) {
		rc = 2;
		goto out;
	}
	if (store_add_confirmed(st, email.data, "owner-add",
	    (int64_t)time(NULL), &res, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	switch (res) {
	case STORE_ADDED:
		printf("added %s\n", email.data);
		rc = 0;
		break;
	case STORE_EXISTS:
		printf("%s is already on the list\n", email.data);
		rc = 0;
		break;
	case STORE_SUPPRESSED:
		fprintf(stderr, "stet: %s was removed from the list and "
		    "is not added again\n", email.data);
		break;
	case STORE_WAS_UNSUBSCRIBED:
		/* Only the reader can undo an unsubscribe, by the form. */
		fprintf(stderr, "stet: %s unsubscribed and is not "
		    "re-subscribed; only the reader can subscribe again\n",
		    email.data);
		break;
	}
out:
	buf_free(&email);
	return rc;
}

static int
subs_remove(struct store *st, int argc, char *argv[])
{
	struct buf	 email;
	struct err	 err;
	int		 found, rc = 1;

	buf_init(&email, 0);
	if (subs_one_address(argc, argv, &email) == -1) {
		rc = 2;
		goto out;
	}
	if (store_remove(st, email.data, &found, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	printf("%s %s\n", found ? "removed" : "not found", email.data);
	rc = found ? 0 : 1;
out:
	buf_free(&email);
	return rc;
}

/* One CSV field, quoted per RFC 4180 when it must be. */
static void
subs_csv_field(const char *s, FILE *f)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

static int
subs_export_row(const struct store_subscriber *s, void *arg, struct err *err)
{
	char	 c[32], f[32], u[32], b[32];

	(void)arg;
	(void)err;
	subs_rfc3339(s->created_at, c, sizeof(c));
	subs_rfc3339(s->confirmed_at, f, sizeof(f));
	subs_rfc3339(s->unsubscribed_at, u, sizeof(u));
	subs_rfc3339(s->bouncing_at, b, sizeof(b));
	subs_csv_field(s->email, stdout);
	printf(",%s,%s,%s,%s,", store_state_name(s->state), c, f, u);
	subs_csv_field(s->source, stdout);
	printf(",%lld,%s\r\n", (long long)s->failures, b);
	return 0;
}

static int
subs_export(struct store *st, int argc, char *argv[])
{
	struct err	 err;

	(void)argv;
	if (argc != 1) {
		usage_print("subscribers", stderr);
		return 2;
	}
	printf("email,state,created,confirmed,unsubscribed,source,failures,"
	    "bouncing\r\n");
	if (store_each(st, NULL, subs_export_row, NULL, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "stet: export: cannot write to stdout\n");
		return 1;
	}
	return 0;
}

/* s without ASCII blanks at either end. */
static const char *
subs_trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

static int
subs_is(const char *s, size_t n, const char *name)
{
	s = subs_trim(s, &n);
	return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

/*
 * A status column, where the export has one: listmonk says
 * "blocklisted", others "unsubscribed".  Such a row is a reader who
 * left, and an import must not undo that.
 */
static int
subs_left(const char *s, size_t n)
{
	return subs_is(s, n, "unsubscribed") ||
	    subs_is(s, n, "blocklisted") || subs_is(s, n, "blacklisted");
}

static int
subs_import(struct store *st, int argc, char *argv[])
{
	struct import_counts k;
	enum store_add	 res;
	struct csv	 csv;
	struct buf	 text, email;
	struct err	 err;
	const char	*file, *f, *why;
	size_t		 i, n, col = SIZE_MAX, scol = SIZE_MAX;
	int		 r, rc = 1, tx = 0;
	int64_t		 now = (int64_t)time(NULL);

	if (argc != 2) {
		usage_print("subscribers", stderr);
		return 2;
	}
	file = argv[1];
	memset(&k, 0, sizeof(k));
	buf_init(&text, 0);
	buf_init(&email, 0);
	csv_init(&csv, "", 0);
	if (fs_read_at(AT_FDCWD, file, IMPORT_MAX, &text, 0, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	csv_free(&csv);
	csv_init(&csv, text.data, text.len);
	if ((r = csv_next(&csv, file, &err)) != 1) {
		fprintf(stderr, "stet: %s\n", r == 0 ? "the file is empty" :
		    err.msg);
		goto out;
	}
	for (i = 0; i < csv.nfields; i++) {
		f = csv_field(&csv, i, &n);
		if (col == SIZE_MAX && (subs_is(f, n, "email") ||
		    subs_is(f, n, "e-mail") ||
		    subs_is(f, n, "email address")))
			col = i;
		if (scol == SIZE_MAX && (subs_is(f, n, "status") ||
		    subs_is(f, n, "state")))
			scol = i;
	}
	if (col == SIZE_MAX) {
		fprintf(stderr, "stet: %s:%zu: no email column (want one "
		    "named email, e-mail or Email Address)\n", file,
		    csv.recline);
		goto out;
	}
	/* All or nothing: a failure half-way leaves the list as it was. */
	if (store_begin(st, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	tx = 1;
	while ((r = csv_next(&csv, file, &err)) == 1) {
		f = csv_field(&csv, col, &n);
		f = subs_trim(f, &n);
		buf_reset(&email);
		if (store_check_address(f, n, &email, &why) == -1) {
			fprintf(stderr, "%s:%zu: invalid address\n", file,
			    csv.recline);
			k.invalid++;
			continue;
		}
		if (scol != SIZE_MAX) {
			f = csv_field(&csv, scol, &n);
			if (subs_left(f, n)) {
				k.unsubscribed++;
				continue;
			}
		}
		if (store_add_confirmed(st, email.data, "owner-import", now,
		    &res, &err) == -1) {
			fprintf(stderr, "stet: %s\n", err.msg);
			goto out;
		}
		switch (res) {
		case STORE_ADDED: k.added++; break;
		case STORE_EXISTS: k.skipped++; break;
		case STORE_SUPPRESSED: k.suppressed++; break;
		case STORE_WAS_UNSUBSCRIBED: k.unsubscribed++; break;
		}
	}
	if (r == -1) {
		fprintf(stderr, "stet: %s; nothing imported\n", err.msg);
		goto out;
	}
	if (store_commit(st, &err) == -1) {
		tx = 0;
		fprintf(stderr, "stet: %s; nothing imported\n", err.msg);
		goto out;
	}
	tx = 0;
	printf("added %zu\nskipped %zu (already on the list)\n"
	    "suppressed %zu (removed before)\n"
	    "unsubscribed %zu (not re-added)\ninvalid %zu\n", k.added,
	    k.skipped, k.suppressed, k.unsubscribed, k.invalid);
	rc = 0;
out:
	if (tx)
		store_rollback(st);
	csv_free(&csv);
	buf_free(&text);
	buf_free(&email);
	return rc;
}

/*
 * -s SITE (or --site SITE, --site=SITE) after the subcommand works as
 * before it: people type "stet subscribers import x.csv -s blog".  It is
 * taken out of argv (n words from the subcommand on), and *argc shrinks
 * to match.  -1 when it has no folder after it.
 */
static int
site_after(int n, char *argv[], const char **dir, int *argc)
{
	int	 i, k, take;

	for (i = 1; i < n; ) {
		take = 0;
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-s") == 0 ||
		    strcmp(argv[i], "--site") == 0) {
			if (i + 1 >= n)
				return -1;
			*dir = argv[i + 1];
			take = 2;
		} else if (strncmp(argv[i], "--site=", 7) == 0) {
			*dir = argv[i] + 7;
			take = 1;
		}
		if (take == 0) {
			i++;
			continue;
		}
		for (k = i; k + take <= n; k++)
			argv[k] = argv[k + take];
		n -= take;
		*argc -= take;
	}
	return 0;
}

int
cmd_subscribers(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*st = NULL;
	struct stat	 sb;
	struct buf	 yaml;
	struct err	 err;
	const char	*dir = ".";
	size_t		 i;
	int		 c, rc;

	optind = 1;
	opterr = 0;
	/* "+": stop at the subcommand, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'h': usage_print("subscribers", stdout); return 0;
		default:
			fprintf(stderr, "stet: subscribers: unknown or "
			    "incomplete option %s\n", argv[optind - 1]);
			usage_print("subscribers", stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage_print("subscribers", stderr);
		return 2;
	}
	if (site_after(argc - optind, argv + optind, &dir, &argc) == -1) {
		fprintf(stderr, "stet: subscribers: -s needs a folder\n");
		return 2;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(*subcommands); i++)
		if (strcmp(argv[optind], subcommands[i].name) == 0)
			break;
	if (i == sizeof(subcommands) / sizeof(*subcommands)) {
		fprintf(stderr, "stet: subscribers: no subcommand named %s\n",
		    argv[optind]);
		usage_print("subscribers", stderr);
		return 2;
	}
	/* Never make a stet.db in a folder that is not a site. */
	buf_init(&yaml, 0);
	if (buf_printf(&yaml, "%s/stet.yaml", dir) == -1 ||
	    stat(yaml.data, &sb) == -1) {
		buf_free(&yaml);
		fprintf(stderr, "stet: %s: not a site (no stet.yaml)\n", dir);
		return 1;
	}
	buf_free(&yaml);
	if (store_open(&st, dir, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	rc = subcommands[i].fn(st, argc - optind, argv + optind);
	store_close(st);
	return rc;
}
