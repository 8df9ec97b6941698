/*
 * The reader of bounces and feedback reports (mail/dsn.c), over the
 * RFCs' examples and providers' samples in tests/bounces/ (see its
 * README), and over broken input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mail/dsn.h"
#include "mail/verp.h"
#include "support/err.h"

static char *
slurp(const char *name, size_t *n)
{
	char	 path[256];
	FILE	*f;
	char	*p;
	long	 len;

	(void)snprintf(path, sizeof(path), "tests/bounces/%s", name);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	assert_non_null(p = malloc((size_t)len + 1));
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	p[len] = '\0';
	*n = (size_t)len;
	return p;
}

static void
parse_file(const char *name, struct dsn *d)
{
	struct err	 err;
	size_t		 n;
	char		*p = slurp(name, &n);

	assert_int_equal(dsn_parse(p, n, d, &err), 0);
	free(p);
}

static int
has_envelope(const struct dsn *d, const char *addr)
{
	size_t	 i;

	for (i = 0; i < d->nenvelope; i++)
		if (strcmp(d->envelope[i], addr) == 0)
			return 1;
	return 0;
}

/* Failed with 4.0.0 after five days of trying: soft. */
static void
test_rfc3464_simple(void **state)
{
	struct dsn	 d;

	(void)state;
	parse_file("rfc3464-timeout.eml", &d);
	assert_int_equal(d.kind, DSN_SOFT);
	assert_int_equal(d.nrcpt, 1);
	assert_string_equal(d.rcpt[0].addr, "louisl@larry.slip.umd.edu");
	assert_string_equal(d.rcpt[0].status, "4.0.0");
	assert_string_equal(d.detail, "smtp; 426 connection timed out");
	assert_true(has_envelope(&d, "owner-info-mime@cs.utk.edu"));
}

/* Two failed for good, one only delayed: that one is no bounce. */
static void
test_rfc3464_multiple(void **state)
{
	struct dsn	 d;

	(void)state;
	parse_file("rfc3464-multiple.eml", &d);
	assert_int_equal(d.kind, DSN_HARD);
	assert_int_equal(d.nrcpt, 3);
	assert_string_equal(d.rcpt[0].addr, "arathib@vnet.ibm.com");
	assert_string_equal(d.rcpt[0].status, "5.0.0");
	assert_int_equal(d.rcpt[0].kind, DSN_HARD);
	assert_string_equal(d.rcpt[1].addr, "johnh@hpnjld.njd.hp.com");
	assert_int_equal(d.rcpt[1].kind, DSN_NONE);
	assert_string_equal(d.rcpt[2].addr, "wsnell@sdcc13.ucsd.edu");
	assert_int_equal(d.rcpt[2].kind, DSN_HARD);
	/* The folded Diagnostic-Code is read whole. */
	assert_string_equal(d.detail, "smtp; 550 'arathib@vnet.IBM.COM' is "
	    "not a registered gateway user");
}

static void
test_rfc5965_abuse(void **state)
{
	struct dsn	 d;

	(void)state;
	parse_file("rfc5965-abuse.eml", &d);
	assert_int_equal(d.kind, DSN_COMPLAINT);
	assert_true(d.nrcpt >= 1);
	assert_string_equal(d.rcpt[0].addr, "user@example.com");
	assert_string_equal(d.rcpt[0].status, "abuse");
	assert_true(has_envelope(&d, "somespammer@example.net"));
	assert_string_equal(d.message_id,
	    "8787KJKJ3K4J3K4J3K4J3.mail@example.net");
}

static void
test_gmail_plain(void **state)
{
	struct dsn	 d;

	(void)state;
	parse_file("gmail-plain.eml", &d);
	assert_int_equal(d.kind, DSN_HARD);
	assert_int_equal(d.nrcpt, 1);
	assert_string_equal(d.rcpt[0].addr, "gone-reader@example.fr");
	assert_true(has_envelope(&d, "bounces@example.com"));
}

/* The recipient is redacted: the envelope sender is all there is. */
static void
test_fbl_redacted(void **state)
{
	struct dsn	 d;

	(void)state;
	parse_file("fbl-returnpath.eml", &d);
	assert_int_equal(d.kind, DSN_COMPLAINT);
	assert_true(has_envelope(&d, "bounces@example.com"));
	assert_string_equal(d.message_id,
	    "ffffffffffffffffffffffff00000000@example.com");
}

static void
test_postfix_headers(void **state)
{
	struct dsn	 d;

	(void)state;
	parse_file("postfix-headers.eml", &d);
	assert_int_equal(d.kind, DSN_SOFT);
	assert_string_equal(d.rcpt[0].addr, "full-box@example.net");
	assert_string_equal(d.rcpt[0].status, "4.2.2");
	assert_string_equal(d.message_id,
	    "0123456789abcdef0123456789abcdef@example.com");
}

/* A report without its per-message group still names the recipient. */
static void
test_no_message_group(void **state)
{
	static const char msg[] = "To: bounces@example.com\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=x\n\n--x\nContent-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822; ann@example.org\nAction: failed\n"
	    "Status: 5.1.1\n\n--x--\n";
	struct dsn	 d;
	struct err	 err;

	(void)state;
	assert_int_equal(dsn_parse(msg, sizeof(msg) - 1, &d, &err), 0);
	assert_int_equal(d.kind, DSN_HARD);
	assert_int_equal(d.nrcpt, 1);
	assert_string_equal(d.rcpt[0].addr, "ann@example.org");
}

/* Mail that is no report, and what is not mail, say so. */
static void
test_not_reports(void **state)
{
	static const char plain[] = "From: a@example.org\r\nTo: "
	    "bounces@example.com\r\nSubject: hi\r\n\r\nJust a note.\r\n";
	static const char fake[] = "Content-Type: multipart/report; "
	    "boundary=x\n\n--x\nContent-Type: message/delivery-status\n\n"
	    "\n\n\nAction: failed\nStatus: 5.\n\n--x--\n";
	struct dsn	 d;
	struct err	 err;
	char		*big;

	(void)state;
	assert_int_equal(dsn_parse(plain, sizeof(plain) - 1, &d, &err), 0);
	assert_int_equal(d.kind, DSN_NONE);
	assert_int_equal(d.nrcpt, 0);
	assert_int_equal(dsn_parse(fake, sizeof(fake) - 1, &d, &err), 0);
	assert_int_equal(d.kind, DSN_NONE);
	assert_int_equal(dsn_parse("", 0, &d, &err), -1);
	assert_non_null(big = calloc(1, DSN_MAX + 1));
	assert_int_equal(dsn_parse(big, DSN_MAX + 1, &d, &err), -1);
	free(big);
}

static void
test_verp_address(void **state)
{
	char		 out[128];
	const char	*tok;
	size_t		 n;

	(void)state;
	assert_false(mail_verp_on("bounces@example.com"));
	assert_false(mail_verp_on(NULL));
	assert_true(mail_verp_on("bounces+@example.com"));
	assert_int_equal(mail_verp_address("bounces+@example.com", "abc", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "bounces+abc@example.com");
	assert_int_equal(mail_verp_token("bounces+@example.com",
	    "<Bounces+ABC@Example.COM>", 25, &tok, &n), 1);
	assert_int_equal(n, 3);
	assert_memory_equal(tok, "ABC", 3);
	assert_int_equal(mail_verp_token("bounces+@example.com",
	    "bounces+abc@example.org", 23, &tok, &n), 0);
	assert_int_equal(mail_verp_token("bounces+@example.com",
	    "other+abc@example.com", 21, &tok, &n), 0);
	assert_int_equal(mail_verp_token("bounces@example.com",
	    "bounces+abc@example.com", 23, &tok, &n), 0);
	/* A local part past 64 bytes is refused, not cut. */
	assert_int_equal(mail_verp_address("a-very-long-local-part-for-"
	    "bounces+@example.com", "0123456789012345678901234567890123456789",
	    out, sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3464_simple),
		cmocka_unit_test(test_rfc3464_multiple),
		cmocka_unit_test(test_rfc5965_abuse),
		cmocka_unit_test(test_gmail_plain),
		cmocka_unit_test(test_fbl_redacted),
		cmocka_unit_test(test_postfix_headers),
		cmocka_unit_test(test_no_message_group),
		cmocka_unit_test(test_not_reports),
		cmocka_unit_test(test_verp_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
