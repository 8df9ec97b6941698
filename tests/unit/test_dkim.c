#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <opendkim/dkim.h>

#include "mail/compose.h"
#include "mail/dkim.h"
#include "support/buf.h"
#include "support/err.h"

/*
 * Sign with src/mail/dkim.c, then verify with libopendkim's own verifier
 * fed the whole message through dkim_chunk (its parser, not ours), the
 * public keys coming from a DKIM_QUERY_FILE file instead of DNS.
 */

#define SPAN(lit)	((struct mail_span){ "" lit "", sizeof(lit) - 1 })
#define DOMAIN		"example.org"
#define UNSUB_URL	"https://example.org/unsubscribe?t=0123456789abcdef"

struct keys {
	char	dir[64];
	char	rsa[128];	/* key files, mode 0600 */
	char	ed[128];
	char	records[128];	/* "name value" lines for DKIM_QUERY_FILE */
};

static struct keys	K;

/* The private key to path, created 0600 from the start. */
static void
write_key(const char *path, EVP_PKEY *pkey)
{
	FILE	*f;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL,
	    NULL), 1);
	assert_int_equal(fclose(f), 0);
}

/* A key record's p=: SubjectPublicKeyInfo for RSA, raw for Ed25519. */
static void
put_record(FILE *f, const char *selector, EVP_PKEY *pkey)
{
	unsigned char	 der[1024], *p = der;
	unsigned char	 b64[sizeof(der) * 4 / 3 + 4];
	size_t		 n = sizeof(der);
	int		 len;

	if (EVP_PKEY_id(pkey) == EVP_PKEY_ED25519) {
		assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, der, &n), 1);
		len = (int)n;
	} else {
		len = i2d_PUBKEY(pkey, &p);
		assert_true(len > 0 && (size_t)len <= sizeof(der));
	}
	assert_true(EVP_EncodeBlock(b64, der, len) > 0);
	fprintf(f, "%s._domainkey." DOMAIN " v=DKIM1; k=%s; p=%s\n", selector,
	    EVP_PKEY_id(pkey) == EVP_PKEY_ED25519 ? "ed25519" : "rsa", b64);
}

static int
setup(void **state)
{
	EVP_PKEY	*rsa, *ed;
	FILE		*f;

	(void)state;
	snprintf(K.dir, sizeof(K.dir), "/tmp/stet-dkim-XXXXXX");
	if (mkdtemp(K.dir) == NULL)
		return -1;
	snprintf(K.rsa, sizeof(K.rsa), "%s/rsa.pem", K.dir);
	snprintf(K.ed, sizeof(K.ed), "%s/ed.pem", K.dir);
	snprintf(K.records, sizeof(K.records), "%s/keys", K.dir);
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (rsa == NULL || ed == NULL)
		return -1;
	write_key(K.rsa, rsa);
	write_key(K.ed, ed);
	if ((f = fopen(K.records, "w")) == NULL)
		return -1;
	put_record(f, "rsa", rsa);
	put_record(f, "ed", ed);
	if (fclose(f) != 0)
		return -1;
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ed);
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", K.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
compose(struct buf *msg)
{
	static const char text[] = "Hello,\na new post.\n";
	static const char html[] = "<p>Hello,</p>\r\n<p>a new post.</p>\r\n";
	struct mail_msg	 m;
	struct err	 err;

	memset(&m, 0, sizeof(m));
	m.from.name = SPAN("Ann's Notes");
	m.from.addr = SPAN("ann@" DOMAIN);
	m.to.addr = SPAN("bob@example.net");
	m.reply_to.addr = SPAN("ann+reply@" DOMAIN);
	m.subject = SPAN("A new post with a subject long enough that it "
	    "has to be folded onto a second line");
	m.date = 1795597200;
	m.message_id = SPAN("20261125.abc@" DOMAIN);
	m.list_id = SPAN("Ann's Notes <notes." DOMAIN ">");
	m.list_unsubscribe = SPAN("<" UNSUB_URL ">, "
	    "<mailto:unsubscribe@" DOMAIN "?subject=unsubscribe>");
	m.list_unsubscribe_post = SPAN("List-Unsubscribe=One-Click");
	m.text = (struct mail_span){ text, sizeof(text) - 1 };
	m.html = (struct mail_span){ html, sizeof(html) - 1 };
	buf_init(msg, 0);
	assert_int_equal(mail_compose(&m, msg, &err), 0);
}

/* Sign msg with keyfile: the signature header, then msg, in out. */
static void
sign(const char *selector, const char *keyfile, const struct buf *msg,
    struct buf *out)
{
	struct dkim_signer	*s;
	struct err		 err;

	buf_init(out, 0);
	if (dkim_signer_open(&s, DOMAIN, selector, keyfile, &err) == -1)
		fail_msg("%s", err.msg);
	if (dkim_signer_sign(s, msg->data, msg->len, out, &err) == -1)
		fail_msg("%s", err.msg);
	dkim_signer_close(s);
	assert_int_equal(buf_put(out, msg->data, msg->len), 0);
}

/*
 * 1 when libopendkim finds a good signature by selector, 0 when the one
 * it finds is bad.  *lus gets whether h= covers both List-Unsubscribe
 * headers.
 */
static int
verify(const struct buf *m, const char *selector, int *lus)
{
	DKIM_LIB	*lib;
	DKIM		*d;
	DKIM_SIGINFO	*sig;
	DKIM_STAT	 st;
	dkim_query_t	 qm = DKIM_QUERY_FILE;
	int		 ok;

	lib = dkim_init(NULL, NULL);
	assert_non_null(lib);
	assert_int_equal(dkim_options(lib, DKIM_OP_SETOPT,
	    DKIM_OPTS_QUERYMETHOD, &qm, sizeof(qm)), DKIM_STAT_OK);
	assert_int_equal(dkim_options(lib, DKIM_OP_SETOPT,
	    DKIM_OPTS_QUERYINFO, K.records, strlen(K.records)), DKIM_STAT_OK);
	d = dkim_verify(lib, (const unsigned char *)"test", NULL, &st);
	assert_non_null(d);
	assert_int_equal(dkim_chunk(d, (unsigned char *)m->data, m->len),
	    DKIM_STAT_OK);
	assert_int_equal(dkim_chunk(d, NULL, 0), DKIM_STAT_OK);
	st = dkim_eom(d, NULL);
	sig = dkim_getsignature(d);
	assert_non_null(sig);
	assert_string_equal((char *)dkim_sig_getselector(sig), selector);
	assert_string_equal((char *)dkim_sig_getdomain(sig), DOMAIN);
	ok = st == DKIM_STAT_OK && DKIM_SIG_CHECK(sig);
	if (st != DKIM_STAT_OK)
		assert_int_equal(st, DKIM_STAT_BADSIG);
	if (!ok)
		assert_int_not_equal(dkim_sig_geterror(sig), DKIM_SIGERROR_OK);
	*lus = dkim_sig_hdrsigned(sig, (unsigned char *)"list-unsubscribe") &&
	    dkim_sig_hdrsigned(sig, (unsigned char *)"list-unsubscribe-post");
	dkim_free(d);
	dkim_close(lib);
	return ok;
}

/*
 * The header as it must go out: CRLF lines, folded lines starting with
 * white space, none past 998; unfolded, the tags we asked for.
 */
static void
check_header(const struct buf *m, const char *alg)
{
	struct buf	 flat;
	const char	*p, *end, *eol;
	char		*h;

	assert_true(strncmp(m->data, "DKIM-Signature: ", 16) == 0);
	buf_init(&flat, 0);
	for (p = m->data;; p = eol + 1) {
		eol = strchr(p, '\n');
		assert_non_null(eol);
		assert_true(eol > p && eol[-1] == '\r');
		assert_true(eol - p - 1 <= 998);
		assert_null(memchr(p, '\r', (size_t)(eol - p - 1)));
		if (p != m->data && *p != ' ' && *p != '\t')
			break;		/* the next header */
		for (; p < eol - 1; p++)
			if (*p != ' ' && *p != '\t')
				assert_int_equal(buf_putc(&flat,
				    (char)tolower((unsigned char)*p)), 0);
	}
	end = p;
	assert_true(strncmp(end, "From: ", 6) == 0);
	assert_non_null(strstr(flat.data, alg));
	assert_non_null(strstr(flat.data, ";c=relaxed/relaxed;"));
	assert_non_null(strstr(flat.data, ";d=" DOMAIN ";"));
	/*
	 * h=, white space dropped: the list in message order, then the two
	 * List-Unsubscribe headers once more (oversigned: one added on the
	 * way would break the signature).
	 */
	h = strstr(flat.data, "h=");
	while (h != NULL && h != flat.data && h[-1] != ';')
		h = strstr(h + 1, "h=");
	assert_non_null(h);
	*strchr(h, ';') = '\0';
	assert_string_equal(h, "h=from:to:reply-to:subject:date:message-id:"
	    "mime-version:list-id:list-unsubscribe:list-unsubscribe-post:"
	    "content-type:list-unsubscribe:list-unsubscribe-post");
	buf_free(&flat);
}

static void
rsa_signs(void **state)
{
	struct buf	 msg, out;
	int		 lus;

	(void)state;
	compose(&msg);
	sign("rsa", K.rsa, &msg, &out);
	check_header(&out, ";a=rsa-sha256;");
	assert_int_equal(verify(&out, "rsa", &lus), 1);
	assert_true(lus);
	buf_free(&msg);
	buf_free(&out);
}

static void
ed25519_signs(void **state)
{
	struct buf	 msg, out;
	DKIM_LIB	*lib;
	int		 lus;

	(void)state;
	lib = dkim_init(NULL, NULL);
	assert_non_null(lib);
	if (!dkim_libfeature(lib, DKIM_FEATURE_ED25519))
		fail_msg("libopendkim was built without Ed25519");
	dkim_close(lib);
	compose(&msg);
	sign("ed", K.ed, &msg, &out);
	check_header(&out, ";a=ed25519-sha256;");
	assert_int_equal(verify(&out, "ed", &lus), 1);
	assert_true(lus);
	buf_free(&msg);
	buf_free(&out);
}

/* Change the one-click URL, or the body, after signing: no pass. */
static void
tampering_fails(void **state)
{
	struct buf	 msg, out;
	char		*p;
	int		 lus;

	(void)state;
	compose(&msg);
	sign("rsa", K.rsa, &msg, &out);
	p = strstr(out.data, UNSUB_URL);
	assert_non_null(p);
	p[sizeof(UNSUB_URL) - 2] = 'e';
	assert_int_equal(verify(&out, "rsa", &lus), 0);
	buf_free(&out);

	/* The headers alone are not enough: the body counts too. */
	sign("ed", K.ed, &msg, &out);
	p = strstr(out.data, "a new post.");
	assert_non_null(p);
	p[2] = 'N';
	assert_int_equal(verify(&out, "ed", &lus), 0);
	buf_free(&out);

	/* Relaxed canonicalisation: refolding a header is no tampering. */
	sign("rsa", K.rsa, &msg, &out);
	p = strstr(out.data, "List-Unsubscribe: <");
	assert_non_null(p);
	p[17] = '\t';
	assert_int_equal(verify(&out, "rsa", &lus), 1);
	buf_free(&out);
	buf_free(&msg);
}

static void
key_mode_refused(void **state)
{
	struct dkim_signer	*s = (struct dkim_signer *)1;
	struct err		 err;
	char			 path[160];
	int			 fd;

	(void)state;
	assert_int_equal(chmod(K.rsa, 0644), 0);
	assert_int_equal(dkim_signer_open(&s, DOMAIN, "rsa", K.rsa, &err), -1);
	assert_null(s);
	assert_non_null(strstr(err.msg, K.rsa));
	assert_non_null(strstr(err.msg, "0644"));
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_int_equal(chmod(K.rsa, 0640), 0);
	assert_int_equal(dkim_signer_open(&s, DOMAIN, "rsa", K.rsa, &err), -1);
	assert_int_equal(chmod(K.rsa, 0600), 0);

	/* Missing, and not a key: errors naming the file. */
	snprintf(path, sizeof(path), "%s/none.pem", K.dir);
	assert_int_equal(dkim_signer_open(&s, DOMAIN, "rsa", path, &err), -1);
	assert_non_null(strstr(err.msg, path));
	snprintf(path, sizeof(path), "%s/junk.pem", K.dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, "-----BEGIN PRIVATE KEY-----\n", 28), 28);
	assert_int_equal(close(fd), 0);
	assert_int_equal(dkim_signer_open(&s, DOMAIN, "rsa", path, &err), -1);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "not an unencrypted PEM"));

	/* d= and s= cannot carry a tag or a header of their own. */
	assert_int_equal(dkim_signer_open(&s, DOMAIN "; x=1", "rsa", K.rsa,
	    &err), -1);
	assert_non_null(strstr(err.msg, "domain"));
	assert_int_equal(dkim_signer_open(&s, DOMAIN, "rsa\r\nBcc: x",
	    K.rsa, &err), -1);
	assert_non_null(strstr(err.msg, "selector"));
	assert_null(strchr(err.msg, '\n'));
}

/* Bad input is an error, and out stays as it was. */
static void
bad_message(void **state)
{
	static const char lf[] = "From: a@b.c\nTo: d@e.f\n\nbody\n";
	static const char nobody[] = "From: a@b.c\r\nTo: d@e.f\r\n";
	static const char nofrom[] = "To: d@e.f\r\n\r\nbody\r\n";
	struct dkim_signer	*s;
	struct buf		 out;
	struct err		 err;

	(void)state;
	assert_int_equal(dkim_signer_open(&s, DOMAIN, "ed", K.ed, &err), 0);
	buf_init(&out, 0);
	assert_int_equal(BUF_LIT(&out, "x"), 0);
	assert_int_equal(dkim_signer_sign(s, lf, sizeof(lf) - 1, &out, &err),
	    -1);
	assert_non_null(strstr(err.msg, "CRLF"));
	assert_int_equal(dkim_signer_sign(s, nobody, sizeof(nobody) - 1, &out,
	    &err), -1);
	assert_int_equal(dkim_signer_sign(s, nofrom, sizeof(nofrom) - 1, &out,
	    &err), -1);
	assert_int_equal(out.len, 1);
	assert_string_equal(out.data, "x");
	buf_free(&out);
	dkim_signer_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rsa_signs),
		cmocka_unit_test(ed25519_signs),
		cmocka_unit_test(tampering_fails),
		cmocka_unit_test(key_mode_refused),
		cmocka_unit_test(bad_message),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
