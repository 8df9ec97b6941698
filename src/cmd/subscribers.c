#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../store/listfile.h"
#include "../store/store.h"
#include "../store/transfer.h"
#include "../support/buf.h"
#include "../support/fsutil.h"
#include "cmd.h"
#include "settings.h"

/* An import larger than this is surely not a list of addresses. */
#define IMPORT_MAX	(256u * 1024 * 1024)

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
	if (strpbrk(s, ",;\"\r\n") == NULL) {
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

struct export {
	FILE	*out;
	int	 full;
};

static int
subs_export_row(const struct store_subscriber *s, void *arg, struct err *err)
{
	struct export	*x = arg;
	char		 c[32], f[32], u[32], b[32];

	(void)err;
	subs_rfc3339(s->created_at, c, sizeof(c));
	subs_rfc3339(s->confirmed_at, f, sizeof(f));
	subs_rfc3339(s->unsubscribed_at, u, sizeof(u));
	subs_rfc3339(s->bouncing_at, b, sizeof(b));
	subs_csv_field(s->email, x->out);
	fprintf(x->out, ",%s,%s,%s,%s,", store_state_name(s->state), c, f, u);
	subs_csv_field(s->source, x->out);
	fprintf(x->out, ",%lld,%s", (long long)s->failures, b);
	if (x->full)
		fprintf(x->out, ",%lld,", (long long)s->id);
	fputs("\r\n", x->out);
	return 0;
}

/* A row of export --full with a key: the secret or a hash, in hex. */
static void
subs_key_row(FILE *out, const char *kind, const unsigned char *k, size_t n)
{
	char	 hex[2 * 32 + 1];

	sodium_bin2hex(hex, sizeof(hex), k, n);
	fprintf(out, ",%s,,,,,,,,%s\r\n", kind, hex);
	sodium_memzero(hex, sizeof(hex));
}

static int
subs_export_hash(const unsigned char *h, void *arg, struct err *err)
{
	struct export	*x = arg;

	(void)err;
	subs_key_row(x->out, "suppressed", h, STORE_SUPP_LEN);
	return 0;
}

/*
 * export [--full] [-o FILE]: everything kept about each reader.  --full
 * adds the site secret and the suppression hashes, so a new site can
 * take over every unsubscribe link already mailed and keep every removed
 * address out; they are secrets, so --full writes only to a file, and
 * any file is made with mode 0600: a list of addresses is personal data.
 */
static int
subs_export(struct store *st, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "full", no_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char	 key[STORE_SECRET_LEN];
	struct export	 x = { stdout, 0 };
	struct err	 err;
	const char	*path = NULL;
	int		 c, fd, rc = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': x.full = 1; break;
		case 'o': path = optarg; break;
		default:
			fprintf(stderr, "stet: subscribers export: unknown or "
			    "incomplete option %s\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		usage_print("subscribers", stderr);
		return 2;
	}
	if (x.full && path == NULL) {
		fprintf(stderr, "stet: subscribers export --full holds the "
		    "site secret: name a file with -o FILE (it is written "
		    "with mode 0600)\n");
		return 2;
	}
	if (path != NULL) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0600)) == -1 || fchmod(fd, 0600) == -1 ||
		    (x.out = fdopen(fd, "w")) == NULL) {
			fprintf(stderr, "stet: %s: %s\n", path,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			return 1;
		}
	}
	fprintf(x.out, "email,state,created,confirmed,unsubscribed,source,"
	    "failures,bouncing%s\r\n", x.full ? ",id,key" : "");
	if (x.full) {
		store_secret(st, key);
		subs_key_row(x.out, "secret", key, sizeof(key));
		sodium_memzero(key, sizeof(key));
		if (store_each_suppressed(st, subs_export_hash, &x, &err) ==
		    -1) {
			fprintf(stderr, "stet: %s\n", err.msg);
			goto out;
		}
	}
	if (store_each(st, NULL, subs_export_row, &x, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	if (fflush(x.out) == EOF || ferror(x.out)) {
		fprintf(stderr, "stet: export: cannot write to %s\n",
		    path != NULL ? path : "stdout");
		goto out;
	}
	rc = 0;
out:
	if (path != NULL && fclose(x.out) == EOF && rc == 0) {
		fprintf(stderr, "stet: %s: %s\n", path, strerror(errno));
		rc = 1;
	}
	return rc;
}

/* What an import read, by what the source says, and what it did. */
struct import_counts {
	size_t	 kinds[LIST_NKINDS], invalid;
	size_t	 added, skipped, suppressed, left;
};

static void
subs_import_report(const struct list_file *l, const struct import_counts *k,
    int dry)
{
	printf("source %s\n", list_source_name(l->source));
	printf("read: confirmed %zu, pending %zu, unsubscribed %zu, "
	    "bounced %zu, not subscribed %zu, invalid %zu\n",
	    k->kinds[LIST_CONFIRMED], k->kinds[LIST_PENDING],
	    k->kinds[LIST_UNSUBSCRIBED], k->kinds[LIST_BOUNCED],
	    k->kinds[LIST_NOT_SUBSCRIBED], k->invalid);
	if (k->kinds[LIST_SECRET] > 0)
		printf("site secret restored, %zu suppression hashes\n",
		    k->kinds[LIST_SUPPRESSED]);
	printf("added %zu\nskipped %zu (already on the list)\n"
	    "suppressed %zu (removed before)\n"
	    "unsubscribed %zu (left or bouncing: kept out, never re-added)\n"
	    "not subscribed %zu (the source never had them confirmed: "
	    "left out)\ninvalid %zu\n", k->added, k->skipped, k->suppressed,
	    k->left, k->kinds[LIST_NOT_SUBSCRIBED], k->invalid);
	if (dry)
		printf("nothing written (--dry-run)\n");
}

/* A full export's secret or hash row; -1 after saying why. */
static int
subs_import_key(struct store *st, const struct list_file *l,
    const struct list_row *r, int *have_secret)
{
	struct err	 err;
	int		 taken;

	if (r->kind == LIST_SECRET) {
		if (store_restore_secret(st, r->key, &taken, &err) == -1) {
			fprintf(stderr, "stet: %s\n", err.msg);
			return -1;
		}
		if (!taken) {
			fprintf(stderr, "stet: %s:%zu: this is another site's "
			    "export --full: its secret and suppression hashes "
			    "go only into a site with no readers yet (import "
			    "a plain export here instead)\n", l->file,
			    r->line);
			return -1;
		}
		*have_secret = 1;
		return 0;
	}
	if (!*have_secret) {
		fprintf(stderr, "stet: %s:%zu: a suppression hash before the "
		    "site secret it was made under\n", l->file, r->line);
		return -1;
	}
	if (store_add_suppressed(st, r->key, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* A reader's row as the store takes it, dates the source left out now. */
static void
subs_import_fill(const struct list_row *r, const char *email, int keep_id,
    int64_t now, struct store_row *row)
{
	memset(row, 0, sizeof(*row));
	row->id = keep_id ? r->id : 0;
	row->email = email;
	row->source = r->source != NULL ? r->source : "owner-import";
	row->created_at = r->created_at != 0 ? r->created_at : now;
	row->confirmed_at = r->confirmed_at;
	row->unsubscribed_at = r->unsubscribed_at;
	row->bouncing_at = r->bouncing_at;
	row->failures = r->failures;
	switch (r->kind) {
	case LIST_PENDING:
		row->state = STORE_PENDING;
		break;
	case LIST_UNSUBSCRIBED:
		row->state = STORE_UNSUBSCRIBED;
		if (row->unsubscribed_at == 0)
			row->unsubscribed_at = now;
		break;
	default:
		row->state = STORE_CONFIRMED;
		if (row->confirmed_at == 0 && r->source == NULL)
			row->confirmed_at = row->created_at;
		if (r->kind == LIST_BOUNCED && row->bouncing_at == 0)
			row->bouncing_at = now;
		break;
	}
}

/*
 * import [--from NAME] [--dry-run] FILE: all or nothing, in one
 * transaction; --dry-run does it all and rolls it back, so what it
 * prints is what an import would do.
 */
static int
subs_import(struct store *st, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_counts k;
	struct list_file list;
	struct list_row	 r;
	struct store_row row;
	enum store_put	 res;
	struct buf	 text, email;
	struct err	 err;
	const char	*file, *why, *from = NULL;
	int		 c, rc = 1, tx = 0, dry = 0, secret = 0, left;
	int64_t		 now = (int64_t)time(NULL);

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': from = optarg; break;
		case 'n': dry = 1; break;
		default:
			fprintf(stderr, "stet: subscribers import: unknown or "
			    "incomplete option %s\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage_print("subscribers", stderr);
		return 2;
	}
	file = argv[optind];
	memset(&k, 0, sizeof(k));
	memset(&list, 0, sizeof(list));
	buf_init(&text, 0);
	buf_init(&email, 0);
	if (fs_read_at(AT_FDCWD, file, IMPORT_MAX, &text, 0, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	if (list_open(&list, text.data, text.len, file, from, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	if (store_begin(st, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	tx = 1;
	while ((c = list_next(&list, &r, &err)) == 1) {
		if (r.kind == LIST_SECRET || r.kind == LIST_SUPPRESSED) {
			if (subs_import_key(st, &list, &r, &secret) == -1)
				goto out;
			k.kinds[r.kind]++;
			continue;
		}
		buf_reset(&email);
		if (store_check_address(r.email, r.email_len, &email,
		    &why) == -1) {
			fprintf(stderr, "%s:%zu: invalid address\n", file,
			    r.line);
			k.invalid++;
			continue;
		}
		k.kinds[r.kind]++;
		if (r.kind == LIST_NOT_SUBSCRIBED)
			continue;
		subs_import_fill(&r, email.data, secret, now, &row);
		if (store_import_row(st, &row, &res, &err) == -1) {
			fprintf(stderr, "stet: %s:%zu: %s\n", file, r.line,
			    err.msg);
			goto out;
		}
		left = row.state == STORE_UNSUBSCRIBED || row.bouncing_at != 0;
		switch (res) {
		case STORE_PUT_ADDED:
			if (left)
				k.left++;
			else
				k.added++;
			break;
		case STORE_PUT_KEPT: k.skipped++; break;
		case STORE_PUT_SUPPRESSED: k.suppressed++; break;
		case STORE_PUT_STAYS_LEFT:
		case STORE_PUT_NOW_LEFT: k.left++; break;
		}
	}
	if (c == -1) {
		fprintf(stderr, "stet: %s; nothing imported\n", err.msg);
		goto out;
	}
	if (dry)
		store_rollback(st);
	else if (store_commit(st, &err) == -1) {
		tx = 0;
		fprintf(stderr, "stet: %s; nothing imported\n", err.msg);
		goto out;
	}
	tx = 0;
	subs_import_report(&list, &k, dry);
	rc = 0;
out:
	if (tx)
		store_rollback(st);
	list_close(&list);
	/* A full export's secret was in both. */
	sodium_memzero(&r, sizeof(r));
	if (text.len > 0)
		sodium_memzero(text.data, text.len);
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
	if (settings_site(dir) == -1)
		return 1;
	if (store_open(&st, dir, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		return 1;
	}
	rc = subcommands[i].fn(st, argc - optind, argv + optind);
	store_close(st);
	return rc;
}
