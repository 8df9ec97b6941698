/*
 * stet doctor: what the DNS of mail.from's domain says about mail from
 * this site, and what to publish so that receivers trust it.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../mail/dkimpub.h"
#include "../mail/dns.h"
#include "../support/buf.h"
#include "cmd.h"
#include "settings.h"

/* A TXT string holds at most 255 bytes; longer records are split. */
#define TXT_CHUNK	255

struct doctor {
	struct dns	*dns;
	const char	*from_dom;	/* mail.from's domain */
	const char	*env_dom;	/* the envelope sender's (SPF's) */
	const char	*relay;		/* smtp transport's host, or NULL */
	int		 spf, dkim, dmarc;	/* found and right */
	int		 spf_aligned, dkim_aligned;
	int		 failed;	/* something to fix: exit 1 */
};

static void
line(const char *what, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One finding: "SPF     ok      example.com: ..." */
static void
line(const char *what, const char *status, const char *fmt, ...)
{
	va_list	 ap;

	printf("%-12s %-8s ", what, status);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* "publish NAME. IN TXT "..." "..."", split at 255 bytes. */
static void
publish(const char *name, const char *value)
{
	size_t	 n = strlen(value), i;

	printf("%-12s %-8s %s. IN TXT", "", "publish", name);
	for (i = 0; i < n; i += TXT_CHUNK)
		printf(" \"%.*s\"", (int)(n - i < TXT_CHUNK ? n - i :
		    TXT_CHUNK), value + i);
	putchar('\n');
}

/* The part of an address after its last '@', or NULL. */
static const char *
domain_of(const char *addr)
{
	const char	*at;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL ||
	    at[1] == '\0')
		return NULL;
	return at + 1;
}

/*
 * The organizational domain, roughly: the last two labels.  DMARC's
 * relaxed alignment asks for the Public Suffix List to know that
 * example.co.uk is one; this approximation errs towards "not aligned"
 * only for such names.
 */
static const char *
org_domain(const char *d)
{
	const char	*p = d + strlen(d), *dot = NULL;
	int		 dots = 0;

	while (p > d) {
		p--;
		if (*p == '.' && ++dots == 2) {
			dot = p;
			break;
		}
	}
	return dot != NULL ? dot + 1 : d;
}

static int
aligned(const char *a, const char *b)
{
	return strcasecmp(org_domain(a), org_domain(b)) == 0;
}

/* Does record start with tag (as "v=spf1"), followed by a blank or end? */
static int
starts(const char *record, const char *tag)
{
	size_t	 n = strlen(tag);

	if (n == 0)
		return 1;
	return strncasecmp(record, tag, n) == 0 && (record[n] == '\0' ||
	    record[n] == ' ' || record[n] == ';' || record[n] == '\t');
}

/*
 * The value of tag in a DKIM or DMARC record ("k=v; p=..."), blanks
 * removed, into out; -1 when it has none.
 */
static int
tag_value(const char *record, const char *tag, struct buf *out)
{
	const char	*p = record, *end;
	size_t		 n = strlen(tag);

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > n && strncasecmp(p, tag, n) == 0) {
			p += n;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (*p == '=') {
				buf_reset(out);
				for (p++; p < end; p++)
					if (!isspace((unsigned char)*p) &&
					    buf_putc(out, *p) == -1)
						return -1;
				return 0;
			}
		}
		p = end;
	}
	return -1;
}

/* The TXT records of name that start with tag, NUL-separated in out. */
static int
records(struct doctor *d, const char *name, const char *tag,
    struct buf *out, size_t *n, enum dns_answer *answer)
{
	struct buf	 all;
	struct err	 err;
	size_t		 i, k;
	const char	*p;

	*n = 0;
	buf_init(&all, 0);
	buf_reset(out);
	if (dns_txt(d->dns, name, &all, &k, answer, &err) == -1) {
		fprintf(stderr, "stet: doctor: %s\n", err.msg);
		buf_free(&all);
		return -1;
	}
	for (i = 0, p = all.data; i < k; i++, p += strlen(p) + 1)
		if (starts(p, tag)) {
			if (buf_put(out, p, strlen(p) + 1) == -1) {
				fprintf(stderr, "stet: doctor: out of "
				    "memory\n");
				buf_free(&all);
				return -1;
			}
			(*n)++;
		}
	buf_free(&all);
	return 0;
}

/* RFC 7208: one SPF record at the envelope sender's domain. */
static int
check_spf(struct doctor *d)
{
	enum dns_answer	 answer;
	struct buf	 rec, want;
	size_t		 n;
	int		 rc = -1;

	buf_init(&rec, 0);
	buf_init(&want, 0);
	if (records(d, d->env_dom, "v=spf1", &rec, &n, &answer) == -1)
		goto out;
	if (buf_printf(&want, "v=spf1 mx%s%s ~all", d->relay != NULL ?
	    " a:" : "", d->relay != NULL ? d->relay : "") == -1) {
		fprintf(stderr, "stet: doctor: out of memory\n");
		goto out;
	}
	if (n == 0) {
		line("SPF", "missing", "%s has no SPF record: receivers "
		    "cannot tell which servers may send its mail", d->env_dom);
		publish(d->env_dom, want.data);
		line("", "", "(name your relay's servers: its include: "
		    "or a: mechanisms, as its documentation gives them)");
		d->failed = 1;
	} else if (n > 1) {
		line("SPF", "wrong", "%s has %zu SPF records; receivers take "
		    "that as an error (RFC 7208 3.2): merge them into one",
		    d->env_dom, n);
		d->failed = 1;
	} else if (strstr(rec.data, "+all") != NULL) {
		line("SPF", "wrong", "%s: \"%s\" lets any server send as it",
		    d->env_dom, rec.data);
		publish(d->env_dom, want.data);
		d->failed = 1;
	} else {
		line("SPF", "ok", "%s: \"%s\"", d->env_dom, rec.data);
		d->spf = 1;
	}
	d->spf_aligned = aligned(d->env_dom, d->from_dom);
	if (!d->spf_aligned)
		line("SPF", "note", "the envelope sender's domain %s is not "
		    "%s's: SPF cannot align with From, DMARC rests on DKIM",
		    d->env_dom, d->from_dom);
	rc = 0;
out:
	buf_free(&rec);
	buf_free(&want);
	return rc;
}

/*
 * RFC 6376 3.6: the selector's key in DNS must be the public half of
 * the key stet signs with, or every signature fails.
 */
static int
check_dkim(struct doctor *d, const struct settings *set, const char *dir)
{
	const struct mail_settings *m = &set->mail;
	enum dns_answer	 answer;
	struct buf	 name, path, pub, rec, want, p;
	struct err	 err;
	const char	*k, *r;
	size_t		 n, i;
	int		 rc = -1, match = 0, revoked = 0;

	buf_init(&name, 0);
	buf_init(&path, 0);
	buf_init(&pub, 0);
	buf_init(&rec, 0);
	buf_init(&want, 0);
	buf_init(&p, 0);
	if (m->dkim_key == NULL) {
		line("DKIM", "missing", "mail.dkim is not set: posts go out "
		    "unsigned");
		line("", "", "make a key: openssl genpkey -algorithm RSA "
		    "-pkeyopt rsa_keygen_bits:2048 -out dkim.pem && chmod "
		    "600 dkim.pem");
		line("", "", "then in stet.yaml: mail: { dkim: { domain: %s, "
		    "selector: stet, key: dkim.pem } }, and run stet doctor "
		    "again for the record", d->from_dom);
		d->failed = 1;
		rc = 0;
		goto out;
	}
	if ((m->dkim_key[0] != '/' && buf_printf(&path, "%s/", dir) == -1) ||
	    buf_puts(&path, m->dkim_key) == -1 ||
	    buf_printf(&name, "%s._domainkey.%s", m->dkim_selector,
	    m->dkim_domain) == -1) {
		fprintf(stderr, "stet: doctor: out of memory\n");
		goto out;
	}
	if (dkim_public_key(path.data, &pub, &k, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	if (buf_printf(&want, "v=DKIM1; k=%s; p=%s", k, pub.data) == -1 ||
	    records(d, name.data, "", &rec, &n, &answer) == -1)
		goto out;
	for (i = 0, r = rec.data; i < n; i++, r += strlen(r) + 1) {
		if (tag_value(r, "p", &p) == -1)
			continue;
		if (p.len == 0)
			revoked = 1;
		else if (strcmp(p.data, pub.data) == 0)
			match = 1;
	}
	if (match) {
		line("DKIM", "ok", "%s holds the public half of %s",
		    name.data, path.data);
		d->dkim = 1;
	} else if (n == 0) {
		line("DKIM", "missing", "%s has no key: receivers cannot "
		    "check stet's signatures", name.data);
		publish(name.data, want.data);
		d->failed = 1;
	} else {
		line("DKIM", "wrong", "%s holds %s, not the public half of "
		    "the key stet signs with (%s): every signature fails",
		    name.data, revoked ? "a revoked key (p=)" :
		    "another key", path.data);
		publish(name.data, want.data);
		d->failed = 1;
	}
	d->dkim_aligned = aligned(m->dkim_domain, d->from_dom);
	if (!d->dkim_aligned)
		line("DKIM", "note", "stet signs as %s, which does not align "
		    "with From's %s: set mail.dkim.domain to %s",
		    m->dkim_domain, d->from_dom, d->from_dom);
	rc = 0;
out:
	buf_free(&name);
	buf_free(&path);
	buf_free(&pub);
	buf_free(&rec);
	buf_free(&want);
	buf_free(&p);
	return rc;
}

/* RFC 7489 6.6.3: _dmarc at the From domain, else at its org domain. */
static int
check_dmarc(struct doctor *d)
{
	enum dns_answer	 answer;
	struct buf	 name, rec, want, p;
	size_t		 n;
	int		 rc = -1;

	buf_init(&name, 0);
	buf_init(&rec, 0);
	buf_init(&want, 0);
	buf_init(&p, 0);
	if (buf_printf(&name, "_dmarc.%s", d->from_dom) == -1 ||
	    records(d, name.data, "v=DMARC1", &rec, &n, &answer) == -1)
		goto out;
	if (n == 0 && strcasecmp(org_domain(d->from_dom), d->from_dom) != 0) {
		buf_reset(&name);
		if (buf_printf(&name, "_dmarc.%s",
		    org_domain(d->from_dom)) == -1 ||
		    records(d, name.data, "v=DMARC1", &rec, &n, &answer) == -1)
			goto out;
	}
	if (buf_printf(&want, "v=DMARC1; p=none; rua=mailto:postmaster@%s",
	    org_domain(d->from_dom)) == -1) {
		fprintf(stderr, "stet: doctor: out of memory\n");
		goto out;
	}
	if (n == 0) {
		line("DMARC", "missing", "no DMARC record for %s",
		    d->from_dom);
		buf_reset(&name);
		if (buf_printf(&name, "_dmarc.%s",
		    org_domain(d->from_dom)) == -1) {
			fprintf(stderr, "stet: doctor: out of memory\n");
			goto out;
		}
		publish(name.data, want.data);
		d->failed = 1;
	} else if (n > 1 || tag_value(rec.data, "p", &p) == -1 ||
	    (strcasecmp(p.data, "none") != 0 &&
	    strcasecmp(p.data, "quarantine") != 0 &&
	    strcasecmp(p.data, "reject") != 0)) {
		line("DMARC", "wrong", "%s: \"%s\" is not one record with a "
		    "p= policy of none, quarantine or reject", name.data,
		    rec.data);
		publish(name.data, want.data);
		d->failed = 1;
	} else {
		line("DMARC", "ok", "%s: \"%s\"", name.data, rec.data);
		if (strcasecmp(p.data, "none") == 0)
			line("DMARC", "note", "p=none only watches; once its "
			    "reports show your mail passing, p=quarantine "
			    "keeps others from sending as %s", d->from_dom);
		d->dmarc = 1;
	}
	rc = 0;
out:
	buf_free(&name);
	buf_free(&rec);
	buf_free(&want);
	buf_free(&p);
	return rc;
}

/*
 * What Gmail and Yahoo ask of senders of 5,000 messages a day and more
 * (since February 2024): SPF and DKIM both, a DMARC record (p=none is
 * enough) with From aligned to SPF or DKIM, and RFC 8058 one-click
 * unsubscribe.
 * https://support.google.com/mail/answer/81126
 * https://support.google.com/a/answer/14229414
 * https://mailscribe.com/blog/how-to-meet-yahoo-bulk-sender-rules-for-authentication-in-2026
 */
static void
check_bulk(struct doctor *d)
{
	const char	*who = "Gmail/Yahoo";

	line(who, "ok", "one-click unsubscribe: every post carries "
	    "List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)");
	if (d->spf && d->dkim)
		line(who, "ok", "SPF and DKIM both");
	else
		line(who, "missing", "SPF and DKIM both: %s%s%s still wanted "
		    "(see above)", d->spf ? "" : "SPF", !d->spf && !d->dkim ?
		    " and " : "", d->dkim ? "" : "DKIM");
	if ((d->spf && d->spf_aligned) || (d->dkim && d->dkim_aligned))
		line(who, "ok", "From's domain %s aligns with %s",
		    d->from_dom, d->dkim && d->dkim_aligned ? "DKIM" : "SPF");
	else
		line(who, "missing", "From's domain %s aligned with a passing "
		    "SPF or DKIM domain", d->from_dom);
	if (d->dmarc)
		line(who, "ok", "a DMARC record (p=none is enough for them)");
	else
		line(who, "missing", "a DMARC record, p=none at least (see "
		    "above)");
	line(who, "note", "they also want reverse DNS (PTR) and TLS for "
	    "the relay's sending servers, and complaints under 0.3%%: ask "
	    "your relay, and watch Google's Postmaster Tools");
}

/* smtp://HOST:PORT or smtps://HOST:PORT: the host, into out. */
static const char *
relay_host(const char *transport, char *out, size_t n)
{
	const char	*p, *end;

	if (transport == NULL)
		return NULL;
	if (strncmp(transport, "smtp://", 7) == 0)
		p = transport + 7;
	else if (strncmp(transport, "smtps://", 8) == 0)
		p = transport + 8;
	else
		return NULL;
	end = p + strcspn(p, ":/");
	if (end == p || (size_t)(end - p) >= n)
		return NULL;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return out;
}

int
cmd_doctor(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "dns", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct settings	 set;
	struct doctor	 d;
	struct err	 err;
	const char	*dir = ".", *server = NULL;
	char		 relay[256];
	int		 c, rc = 1, loaded = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'D': server = optarg; break;
		case 'h': usage_print("doctor", stdout); return 0;
		default:
			fprintf(stderr, "stet: doctor: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			usage_print("doctor", stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage_print("doctor", stderr);
		return 2;
	}
	memset(&d, 0, sizeof(d));
	if (settings_site(dir) == -1)
		return 1;
	loaded = 1;
	if (settings_load(&set, dir, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	if ((d.from_dom = domain_of(set.mail.from_addr)) == NULL) {
		fprintf(stderr, "stet: doctor: mail.from is not set in "
		    "stet.yaml: it names the domain to check\n");
		goto out;
	}
	d.env_dom = domain_of(set.mail.envelope_from);
	if (d.env_dom == NULL)
		d.env_dom = d.from_dom;
	d.relay = relay_host(set.mail.transport, relay, sizeof(relay));
	if (dns_open(&d.dns, server, &err) == -1) {
		fprintf(stderr, "stet: %s\n", err.msg);
		goto out;
	}
	if (check_spf(&d) == -1 || check_dkim(&d, &set, dir) == -1 ||
	    check_dmarc(&d) == -1)
		goto out;
	check_bulk(&d);
	rc = d.failed ? 1 : 0;
out:
	dns_close(d.dns);
	if (loaded)
		settings_free(&set);
	return rc;
}
