/*
 * Subscriber lists as CSV, from stet and from the list services, each
 * read by the columns its documentation gives.  The page each mapping
 * follows is named beside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "listfile.h"

/* What each source's columns are used for, as indexes of col[]. */
enum {
	C_EMAIL, C_STATE, C_CREATED, C_CONFIRMED, C_UNSUB, C_SOURCE,
	C_FAILURES, C_BOUNCING, C_ID, C_KEY, C_NCOLS
};

/* Which of Mailchimp's three files. */
enum { MC_SUBSCRIBED, MC_UNSUBSCRIBED, MC_CLEANED };

static const char *const source_names[LIST_NSOURCES] = {
	"stet", "listmonk", "buttondown", "substack", "mailchimp", "ghost",
	"plain"
};

static const char *const kind_names[LIST_NKINDS] = {
	"confirmed", "pending", "unsubscribed", "bounced", "not subscribed",
	"secret", "suppressed"
};

const char *
list_source_name(enum list_source s)
{
	return (unsigned)s < LIST_NSOURCES ? source_names[s] : "?";
}

const char *
list_kind_name(enum list_kind k)
{
	return (unsigned)k < LIST_NKINDS ? kind_names[k] : "?";
}

/* s (n bytes) without blanks at either end. */
static const char *
trim(const char *s, size_t *n)
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
is(const char *s, size_t n, const char *name)
{
	s = trim(s, &n);
	return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

/* Field col of the current record, trimmed. */
static const char *
field(const struct list_file *l, size_t col, size_t *n)
{
	const char	*f = csv_reader_field(&l->csv, col, n);

	return trim(f, n);
}

static int
field_is(const struct list_file *l, size_t col, const char *name)
{
	size_t		 n;
	const char	*f = field(l, col, &n);

	return is(f, n, name);
}

/* The first column of the header named any of names (NULL-ended). */
static size_t
column(const struct list_file *l, const char *const *names)
{
	const char	*f;
	size_t		 i, n, k;

	for (i = 0; i < l->csv.nfields; i++) {
		f = csv_reader_field(&l->csv, i, &n);
		for (k = 0; names[k] != NULL; k++)
			if (is(f, n, names[k]))
				return i;
	}
	return SIZE_MAX;
}

#define COL(l, ...)	column((l), (const char *const[]){ __VA_ARGS__, NULL })
#define HAS(l, ...)	(COL((l), __VA_ARGS__) != SIZE_MAX)

static int
parse_num(const char *s, size_t n, int64_t *v)
{
	int64_t	 x = 0;
	size_t	 i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/* Two or more digits at *p as a number, advancing *p; -1 when not. */
static int
digits(const char **p, const char *end, size_t want, int *v)
{
	size_t	 i;

	*v = 0;
	for (i = 0; i < want; i++, (*p)++) {
		if (*p >= end || **p < '0' || **p > '9')
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

int
list_time(const char *s, size_t n, int64_t *t)
{
	const char	*p = s, *end = s + n;
	struct tm	 tm;
	int		 y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign;
	time_t		 tt;

	memset(&tm, 0, sizeof(tm));
	if (digits(&p, end, 4, &y) == -1 || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, &mo) == -1 || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, &d) == -1)
		return -1;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (digits(&p, end, 2, &h) == -1 || p >= end ||
		    *p++ != ':' || digits(&p, end, 2, &mi) == -1)
			return -1;
		if (p < end && *p == ':') {
			p++;
			if (digits(&p, end, 2, &se) == -1)
				return -1;
			if (p < end && (*p == '.' || *p == ',')) {
				p++;
				while (p < end && *p >= '0' && *p <= '9')
					p++;
			}
		}
		while (p < end && *p == ' ')
			p++;
		if (p < end && (*p == 'Z' || *p == 'z'))
			p++;
		else if (end - p == 3 && strncasecmp(p, "UTC", 3) == 0)
			p += 3;
		else if (p < end && (*p == '+' || *p == '-')) {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, end, 2, &oh) == -1)
				return -1;
			if (p < end && *p == ':')
				p++;
			if (p < end && digits(&p, end, 2, &om) == -1)
				return -1;
			oh *= sign;
			om *= sign;
		}
	}
	if (p != end || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	if ((tt = timegm(&tm)) == (time_t)-1)
		return -1;
	*t = (int64_t)tt - (int64_t)oh * 3600 - (int64_t)om * 60;
	return 0;
}

/* A time column: 0 when empty; for stet's own export, -1 when bad. */
static int
time_col(const struct list_file *l, size_t col, int64_t *t, struct err *err)
{
	const char	*f;
	size_t		 n;

	*t = 0;
	f = field(l, col, &n);
	if (n == 0 || list_time(f, n, t) == 0)
		return 0;
	*t = 0;
	/* The services' own dates are a courtesy; stet's are the record. */
	if (l->source != LIST_STET)
		return 0;
	return err_set(err, l->file, l->csv.recline, "not a time: %.*s",
	    (int)(n > 40 ? 40 : n), f);
}

static int
truthy(const struct list_file *l, size_t col)
{
	return field_is(l, col, "true") || field_is(l, col, "yes") ||
	    field_is(l, col, "1");
}

/*
 * Tell the source from the header row, and find its columns.  Each
 * source's first test is on columns no other source's export has.
 */
static void
list_detect(struct list_file *l)
{
	/*
	 * Mailchimp's export is a zip of three files (subscribed,
	 * unsubscribed, cleaned) with the same columns but for the last
	 * few: UNSUB_TIME and the like in the unsubscribed one, CLEAN_TIME
	 * and the like in the cleaned one, whose addresses hard bounced.
	 * http://ginkgo.st/~ca/roadmap/mailchimp-and-civicrm-overview/notes-on-mailchimp-data-exports
	 * https://mailchimp.com/help/about-cleaned-contacts
	 */
	if (HAS(l, "Email Address") && HAS(l, "MEMBER_RATING", "OPTIN_TIME",
	    "CONFIRM_TIME", "LEID", "EUID", "UNSUB_TIME", "CLEAN_TIME"))
		l->source = LIST_MAILCHIMP;
	/*
	 * Ghost: email, name, note, subscribed_to_emails (true/false),
	 * complimentary_plan, stripe_customer_id, labels, created_at.
	 * https://ghost.org/docs/members/import-members/
	 */
	else if (HAS(l, "subscribed_to_emails"))
		l->source = LIST_GHOST;
	/*
	 * listmonk: uuid, email, name, attributes, status (enabled,
	 * disabled, blocklisted), created_at, updated_at.
	 * https://mintlify.wiki/knadh/listmonk/features/subscribers
	 */
	else if (HAS(l, "uuid") && HAS(l, "status") &&
	    HAS(l, "attributes", "attribs"))
		l->source = LIST_LISTMONK;
	/*
	 * Substack's email list: email, active_subscription, expiry, plan,
	 * email_disabled, digest_enabled, created_at.
	 * https://github.com/betacraft/substack_parser/wiki
	 */
	else if (HAS(l, "email_disabled", "active_subscription",
	    "subscription type"))
		l->source = LIST_SUBSTACK;
	/*
	 * Buttondown: email, creation_date, notes, metadata,
	 * subscriber_type (or type), source, utm_source, referrer_url,
	 * tags.  https://docs.buttondown.com/api-subscribers-introduction
	 */
	else if (HAS(l, "subscriber_type", "creation_date"))
		l->source = LIST_BUTTONDOWN;
	else if (HAS(l, "email") && HAS(l, "state") && HAS(l, "created") &&
	    HAS(l, "confirmed") && HAS(l, "unsubscribed") && HAS(l, "source"))
		l->source = LIST_STET;
	else
		l->source = LIST_PLAIN;
}

static void
list_columns(struct list_file *l)
{
	size_t	 i;

	for (i = 0; i < sizeof(l->col) / sizeof(*l->col); i++)
		l->col[i] = SIZE_MAX;
	l->col[C_EMAIL] = COL(l, "email", "e-mail", "email address",
	    "email_address", "mail");
	switch (l->source) {
	case LIST_STET:
		l->col[C_STATE] = COL(l, "state");
		l->col[C_CREATED] = COL(l, "created");
		l->col[C_CONFIRMED] = COL(l, "confirmed");
		l->col[C_UNSUB] = COL(l, "unsubscribed");
		l->col[C_SOURCE] = COL(l, "source");
		l->col[C_FAILURES] = COL(l, "failures");
		l->col[C_BOUNCING] = COL(l, "bouncing");
		l->col[C_ID] = COL(l, "id");
		l->col[C_KEY] = COL(l, "key");
		break;
	case LIST_LISTMONK:
		l->col[C_STATE] = COL(l, "status");
		l->col[C_CREATED] = COL(l, "created_at");
		break;
	case LIST_BUTTONDOWN:
		/* https://docs.buttondown.com/subscriber-dashboard */
		l->col[C_STATE] = COL(l, "subscriber_type", "type", "status");
		l->col[C_CREATED] = COL(l, "creation_date",
		    "subscription_date", "created_date");
		l->col[C_UNSUB] = COL(l, "unsubscription_date");
		l->col[C_BOUNCING] = COL(l, "undeliverability_date");
		break;
	case LIST_SUBSTACK:
		l->col[C_STATE] = COL(l, "email_disabled");
		l->col[C_CREATED] = COL(l, "created_at", "created at",
		    "start date");
		break;
	case LIST_MAILCHIMP:
		l->col[C_CREATED] = COL(l, "OPTIN_TIME");
		l->col[C_CONFIRMED] = COL(l, "CONFIRM_TIME");
		l->col[C_UNSUB] = COL(l, "UNSUB_TIME");
		l->col[C_BOUNCING] = COL(l, "CLEAN_TIME");
		l->mc_kind = l->col[C_UNSUB] != SIZE_MAX ? MC_UNSUBSCRIBED :
		    l->col[C_BOUNCING] != SIZE_MAX ? MC_CLEANED :
		    MC_SUBSCRIBED;
		break;
	case LIST_GHOST:
		l->col[C_STATE] = COL(l, "subscribed_to_emails");
		l->col[C_CREATED] = COL(l, "created_at");
		break;
	case LIST_PLAIN:
	case LIST_NSOURCES:
		l->col[C_STATE] = COL(l, "status", "state");
		l->col[C_CREATED] = COL(l, "created_at", "created");
		break;
	}
}

int
list_open(struct list_file *l, const char *text, size_t n, const char *file,
    const char *from, struct err *err)
{
	int	 r, i;

	memset(l, 0, sizeof(*l));
	l->file = file;
	if (csv_reader_init(&l->csv, text, n) == -1)
		return err_set(err, file, 0, "libcsv would not start");
	if ((r = csv_reader_next(&l->csv, file, err)) != 1)
		return r == 0 ? err_set(err, file, 0, "the file is empty") :
		    -1;
	if (from == NULL)
		list_detect(l);
	else {
		for (i = 0; i < LIST_NSOURCES; i++)
			if (strcasecmp(from, source_names[i]) == 0)
				break;
		if (i == LIST_NSOURCES)
			return err_set(err, NULL, 0, "--from %s: want stet, "
			    "listmonk, buttondown, substack, mailchimp, ghost "
			    "or plain", from);
		l->source = (enum list_source)i;
	}
	list_columns(l);
	if (l->col[C_EMAIL] == SIZE_MAX)
		return err_set(err, file, l->csv.recline, "no email column "
		    "(want one named email, e-mail or Email Address)");
	return 0;
}

void
list_close(struct list_file *l)
{
	csv_reader_free(&l->csv);
}

/* stet's own states; one it does not know is taken as a reader who left. */
static int
row_stet(struct list_file *l, struct list_row *r, struct err *err)
{
	const char	*f;
	size_t		 n;

	if (field_is(l, l->col[C_STATE], "secret") ||
	    field_is(l, l->col[C_STATE], "suppressed")) {
		r->kind = field_is(l, l->col[C_STATE], "secret") ?
		    LIST_SECRET : LIST_SUPPRESSED;
		f = field(l, l->col[C_KEY], &n);
		if (n != 2 * LIST_KEYLEN || sodium_hex2bin(r->key,
		    sizeof(r->key), f, n, NULL, NULL, NULL) != 0)
			return err_set(err, l->file, r->line, "want 64 hex "
			    "digits in the key column");
		return 0;
	}
	if (field_is(l, l->col[C_STATE], "confirmed"))
		r->kind = LIST_CONFIRMED;
	else if (field_is(l, l->col[C_STATE], "pending"))
		r->kind = LIST_PENDING;
	else
		r->kind = LIST_UNSUBSCRIBED;
	if (time_col(l, l->col[C_CREATED], &r->created_at, err) == -1 ||
	    time_col(l, l->col[C_CONFIRMED], &r->confirmed_at, err) == -1 ||
	    time_col(l, l->col[C_UNSUB], &r->unsubscribed_at, err) == -1 ||
	    time_col(l, l->col[C_BOUNCING], &r->bouncing_at, err) == -1)
		return -1;
	f = field(l, l->col[C_FAILURES], &n);
	if (n > 0 && parse_num(f, n, &r->failures) == -1)
		return err_set(err, l->file, r->line, "failures: not a "
		    "number");
	f = field(l, l->col[C_ID], &n);
	if (n > 0 && (parse_num(f, n, &r->id) == -1 || r->id == 0))
		return err_set(err, l->file, r->line, "id: not a number");
	f = field(l, l->col[C_SOURCE], &n);
	if (n > 0 && (is(f, n, "form") || is(f, n, "owner-add") ||
	    is(f, n, "owner-import")))
		r->source = is(f, n, "form") ? "form" : is(f, n,
		    "owner-add") ? "owner-add" : "owner-import";
	if (r->kind == LIST_CONFIRMED && r->bouncing_at != 0)
		r->kind = LIST_BOUNCED;
	return 0;
}

static void
row_listmonk(struct list_file *l, struct list_row *r)
{
	size_t	 c = l->col[C_STATE];

	/* A disabled subscriber gets no campaign but did not leave. */
	if (field_is(l, c, "enabled"))
		r->kind = LIST_CONFIRMED;
	else if (field_is(l, c, "blocklisted") ||
	    field_is(l, c, "blacklisted"))
		r->kind = LIST_UNSUBSCRIBED;
	else
		r->kind = LIST_NOT_SUBSCRIBED;
}

/*
 * Buttondown's subscriber types, of which only these receive its
 * emails: https://docs.buttondown.com/api-subscribers-type
 */
static void
row_buttondown(struct list_file *l, struct list_row *r)
{
	static const char *const receive[] = { "regular", "premium",
	    "gifted", "churning", "past_due", "paused", "trialed", "unpaid",
	    "comped", NULL };
	size_t	 c = l->col[C_STATE], i;

	if (c == SIZE_MAX) {
		r->kind = LIST_CONFIRMED;
		return;
	}
	r->kind = LIST_NOT_SUBSCRIBED;
	for (i = 0; receive[i] != NULL; i++)
		if (field_is(l, c, receive[i]))
			r->kind = LIST_CONFIRMED;
	if (field_is(l, c, "unsubscribed") || field_is(l, c, "removed") ||
	    field_is(l, c, "complained"))
		r->kind = LIST_UNSUBSCRIBED;
	else if (field_is(l, c, "undeliverable"))
		r->kind = LIST_BOUNCED;
}

static void
row_plain(struct list_file *l, struct list_row *r)
{
	size_t	 c = l->col[C_STATE];

	r->kind = LIST_CONFIRMED;
	if (c == SIZE_MAX)
		return;
	if (field_is(l, c, "unsubscribed") || field_is(l, c, "blocklisted") ||
	    field_is(l, c, "blacklisted") || field_is(l, c, "complained"))
		r->kind = LIST_UNSUBSCRIBED;
	else if (field_is(l, c, "bounced") || field_is(l, c, "cleaned"))
		r->kind = LIST_BOUNCED;
	else if (field_is(l, c, "pending") || field_is(l, c, "unconfirmed"))
		r->kind = LIST_NOT_SUBSCRIBED;
}

int
list_next(struct list_file *l, struct list_row *r, struct err *err)
{
	int	 rc;

	if ((rc = csv_reader_next(&l->csv, l->file, err)) != 1)
		return rc;
	memset(r, 0, sizeof(*r));
	r->line = l->csv.recline;
	r->email = field(l, l->col[C_EMAIL], &r->email_len);
	switch (l->source) {
	case LIST_STET:
		if (row_stet(l, r, err) == -1)
			return -1;
		return 1;
	case LIST_LISTMONK:
		row_listmonk(l, r);
		break;
	case LIST_BUTTONDOWN:
		row_buttondown(l, r);
		break;
	case LIST_SUBSTACK:
		r->kind = truthy(l, l->col[C_STATE]) ? LIST_UNSUBSCRIBED :
		    LIST_CONFIRMED;
		break;
	case LIST_MAILCHIMP:
		r->kind = l->mc_kind == MC_UNSUBSCRIBED ? LIST_UNSUBSCRIBED :
		    l->mc_kind == MC_CLEANED ? LIST_BOUNCED : LIST_CONFIRMED;
		break;
	case LIST_GHOST:
		r->kind = truthy(l, l->col[C_STATE]) ? LIST_CONFIRMED :
		    field_is(l, l->col[C_STATE], "false") ?
		    LIST_UNSUBSCRIBED : LIST_NOT_SUBSCRIBED;
		break;
	case LIST_PLAIN:
	case LIST_NSOURCES:
		row_plain(l, r);
		break;
	}
	/* The services' dates: kept where given, never an error. */
	(void)time_col(l, l->col[C_CREATED], &r->created_at, err);
	(void)time_col(l, l->col[C_CONFIRMED], &r->confirmed_at, err);
	(void)time_col(l, l->col[C_UNSUB], &r->unsubscribed_at, err);
	(void)time_col(l, l->col[C_BOUNCING], &r->bouncing_at, err);
	return 1;
}
