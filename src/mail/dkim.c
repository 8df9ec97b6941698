#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../support/asan.h"
#include "dkim.h"
#include "opendkim_lib.h"

#ifdef STET_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#define KEY_MAX		65536	/* a PEM key is a few kilobytes at most */
#define LINE_MAX998	998	/* RFC 5322: the hard limit before CRLF */
#define SIG_NAME	"DKIM-Signature: "

/*
 * What is signed, lowercase as libopendkim compares them.  libopendkim
 * signs those of them that the message holds, in the message's order;
 * "from" it adds itself, as RFC 6376 requires.
 */
static const char *const sign_headers[] = {
	"from", "to", "subject", "date", "message-id", "reply-to",
	"mime-version", "content-type", "list-id", "list-unsubscribe",
	"list-unsubscribe-post", NULL
};

/*
 * Signed once more than they appear, so that a second List-Unsubscribe
 * put in above the signature on the way breaks it: a reader's mail
 * client must not be sent somewhere else by its one-click button.
 */
static const char *const oversign_headers[] = {
	"list-unsubscribe", "list-unsubscribe-post", NULL
};

struct dkim_signer {
	DKIM_LIB	*lib;
	char		*key;		/* PKCS#8 PEM, NUL-terminated */
	size_t		 keylen;
	char		*domain;
	char		*selector;
	dkim_alg_t	 alg;
	struct buf	 field;		/* one header field, NUL-terminated */
};

static int	is_dns_name(const char *);
static int	read_key(const char *, struct buf *, struct err *);
static int	no_password(char *, int, int, void *);
static int	load_key(struct dkim_signer *, const char *,
		    const struct buf *, struct err *);
static DKIM_STAT sign_eom(DKIM *, dkim_alg_t);
static int	sign_fail(struct err *, const char *, DKIM *, DKIM_STAT);
static int	put_sighdr(struct buf *, const unsigned char *, size_t,
		    struct err *);

/*
 * d= and s= go into the header as they are: letters, digits, '-', '_'
 * and inner dots only, so that neither can end a tag or the header.
 */
static int
is_dns_name(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

/*
 * The key file, read through one descriptor so that the mode checked is
 * the mode of the file read.  A key others can read is as good as
 * published: refuse it rather than sign with it.
 */
static int
read_key(const char *path, struct buf *out, struct err *err)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd, r = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return err_set(err, path, 0, "DKIM key: %s", strerror(errno));
	if (fstat(fd, &st) == -1) {
		err_set(err, path, 0, "DKIM key: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, path, 0, "DKIM key: not a regular file");
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		err_set(err, path, 0, "DKIM key: mode %04o opens the private "
		    "key to others than its owner; chmod 600 it (and make a "
		    "new key if anyone may have copied it)", (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size > KEY_MAX) {
		err_set(err, path, 0, "DKIM key: larger than %d bytes, not a "
		    "PEM private key", KEY_MAX);
		goto out;
	}
	/*
	 * Sized from the start: a realloc would leave a copy of the key in
	 * freed memory, where no cleanse reaches it.  It grows only if the
	 * file does while being read.
	 */
	if (buf_grow(out, (size_t)st.st_size + 1) == -1) {
		err_set(err, path, 0, "DKIM key: out of memory");
		goto out;
	}
	for (;;) {
		if (out->cap - out->len <= 1 && buf_grow(out, 4096) == -1) {
			err_set(err, path, 0, "DKIM key: out of memory");
			goto out;
		}
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_set(err, path, 0, "DKIM key: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > KEY_MAX) {
			err_set(err, path, 0, "DKIM key: larger than %d bytes",
			    KEY_MAX);
			goto out;
		}
	}
	r = 0;
out:
	close(fd);
	return r;
}

/*
 * OpenSSL's default for an encrypted PEM is to ask for the passphrase
 * on the terminal, which would hang a sending daemon: say there is none.
 */
static int
no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/*
 * Parse the key here, where the error can name the file, and pick the
 * algorithm from its type.  libopendkim is then given the key written
 * back as plain PKCS#8 PEM: it parses a key itself for every message,
 * and decides PEM or DER by a leading "-----", so it gets exactly the
 * form checked here rather than whatever the file held.
 */
static int
load_key(struct dkim_signer *s, const char *path, const struct buf *pem,
    struct err *err)
{
	EVP_PKEY	*pkey = NULL;
	BIO		*in = NULL, *out = NULL;
	char		*p;
	long		 n;
	int		 r = -1;

	if ((in = BIO_new_mem_buf(pem->data, (int)pem->len)) == NULL ||
	    (out = BIO_new(BIO_s_mem())) == NULL) {
		err_set(err, path, 0, "DKIM key: out of memory");
		goto out;
	}
	pkey = PEM_read_bio_PrivateKey(in, NULL, no_password, NULL);
	if (pkey == NULL) {
		/* Left queued, OpenSSL's reasons would confuse a later TLS call. */
		ERR_clear_error();
		err_set(err, path, 0, "DKIM key: not an unencrypted PEM "
		    "private key");
		goto out;
	}
	switch (EVP_PKEY_id(pkey)) {
	case EVP_PKEY_RSA:
		/* RFC 8301: verifiers may ignore anything shorter. */
		if (EVP_PKEY_bits(pkey) < 1024) {
			err_set(err, path, 0, "DKIM key: RSA key of %d bits; "
			    "DKIM needs 1024 at least, 2048 is usual",
			    EVP_PKEY_bits(pkey));
			goto out;
		}
		s->alg = DKIM_SIGN_RSASHA256;
		break;
	case EVP_PKEY_ED25519:
		s->alg = DKIM_SIGN_ED25519SHA256;
		break;
	default:
		err_set(err, path, 0, "DKIM key: neither RSA nor Ed25519");
		goto out;
	}
	if (!PEM_write_bio_PrivateKey(out, pkey, NULL, NULL, 0, NULL, NULL) ||
	    (n = BIO_get_mem_data(out, &p)) <= 0 ||
	    (s->key = malloc((size_t)n + 1)) == NULL) {
		err_set(err, path, 0, "DKIM key: out of memory");
		goto out;
	}
	memcpy(s->key, p, (size_t)n);
	s->key[n] = '\0';
	s->keylen = (size_t)n;
	OPENSSL_cleanse(p, (size_t)n);
	r = 0;
out:
	EVP_PKEY_free(pkey);
	BIO_free(in);
	BIO_free(out);
	return r;
}

int
dkim_signer_open(struct dkim_signer **sp, const char *domain,
    const char *selector, const char *keyfile, struct err *err)
{
	struct dkim_signer	*s;
	struct buf		 pem;
	int			 r = -1;

	*sp = NULL;
	/* Not echoed: a bad value may hold the line break err must not. */
	if (domain == NULL || !is_dns_name(domain))
		return err_set(err, keyfile, 0, "DKIM: the domain is not a "
		    "domain name (letters, digits, '-', '_', inner dots)");
	if (selector == NULL || !is_dns_name(selector))
		return err_set(err, keyfile, 0, "DKIM: the selector is not a "
		    "DNS name (letters, digits, '-', '_', inner dots)");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return err_set(err, keyfile, 0, "DKIM: out of memory");
	buf_init(&s->field, 0);
	buf_init(&pem, 0);
	if (read_key(keyfile, &pem, err) == -1 ||
	    load_key(s, keyfile, &pem, err) == -1)
		goto out;
	if ((s->domain = strdup(domain)) == NULL ||
	    (s->selector = strdup(selector)) == NULL) {
		err_set(err, keyfile, 0, "DKIM: out of memory");
		goto out;
	}
	if (opendkim_lib_load("DKIM", err) == -1)
		goto out;
	if ((s->lib = dkim_init(NULL, NULL)) == NULL) {
		err_set(err, keyfile, 0, "DKIM: libopendkim would not start");
		goto out;
	}
	/* The option takes the array itself; its length is a pointer's. */
	if (dkim_options(s->lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS,
	    (void *)sign_headers, sizeof(char **)) != DKIM_STAT_OK) {
		err_set(err, keyfile, 0, "DKIM: libopendkim refused the "
		    "list of headers to sign");
		goto out;
	}
	if (dkim_options(s->lib, DKIM_OP_SETOPT, DKIM_OPTS_OVERSIGNHDRS,
	    (void *)oversign_headers, sizeof(char **)) != DKIM_STAT_OK) {
		err_set(err, keyfile, 0, "DKIM: libopendkim refused the "
		    "list of headers to oversign");
		goto out;
	}
	*sp = s;
	s = NULL;
	r = 0;
out:
	if (pem.data != NULL)
		OPENSSL_cleanse(pem.data, pem.cap);
	buf_free(&pem);
	dkim_signer_close(s);
	return r;
}

void
dkim_signer_close(struct dkim_signer *s)
{
	if (s == NULL)
		return;
	if (s->lib != NULL)
		dkim_close(s->lib);
	if (s->key != NULL) {
		OPENSSL_cleanse(s->key, s->keylen);
		free(s->key);
	}
	free(s->domain);
	free(s->selector);
	buf_free(&s->field);
	free(s);
}

/*
 * libopendkim 2.11.0~beta2 (Debian 12's) leaks the key it loads in
 * dkim_eom for every Ed25519 signature, some 700 bytes: dkim_free frees
 * the key data of RSA signatures only.  Fixed upstream (OpenDKIM PR
 * #321), and nothing outside the library can free it.  Under the
 * sanitizers that would fail every run, so LeakSanitizer is told to pass
 * over what this one call allocates; everything else stays checked.
 */
static DKIM_STAT
sign_eom(DKIM *d, dkim_alg_t alg)
{
#ifdef STET_ASAN
	DKIM_STAT	 st;

	if (alg == DKIM_SIGN_ED25519SHA256) {
		__lsan_disable();
		st = dkim_eom(d, NULL);
		__lsan_enable();
		return st;
	}
#else
	(void)alg;
#endif
	return dkim_eom(d, NULL);
}

/*
 * err from a libopendkim status, with the handle's own explanation
 * when it left one (which key, which OpenSSL call).
 */
static int
sign_fail(struct err *err, const char *what, DKIM *d, DKIM_STAT st)
{
	const char	*res, *why = NULL;

	res = dkim_getresultstr(st);
	if (d != NULL)
		why = dkim_geterror(d);
	return err_set(err, NULL, 0, "DKIM: %s: %s%s%s", what,
	    res != NULL ? res : "unknown error",
	    why != NULL && *why != '\0' ? ": " : "",
	    why != NULL ? why : "");
}

/*
 * "DKIM-Signature: " and libopendkim's folded value.  It folds with
 * CRLF and a tab; older releases used a bare LF, so any LF without its
 * CR gets one: our message is CRLF throughout.  Its margin is 75
 * columns, so a line past 998 would be a library bug; it is checked
 * anyway, as a message with one would be refused on the way.
 */
static int
put_sighdr(struct buf *out, const unsigned char *v, size_t n,
    struct err *err)
{
	size_t	 i, col = sizeof(SIG_NAME) - 1;

	if (BUF_LIT(out, SIG_NAME) == -1)
		return err_set(err, NULL, 0, "DKIM: out of memory");
	for (i = 0; i < n; i++) {
		if (v[i] == '\n' && (i == 0 || v[i - 1] != '\r') &&
		    buf_putc(out, '\r') == -1)
			return err_set(err, NULL, 0, "DKIM: out of memory");
		if (v[i] == '\r' || v[i] == '\n')
			col = 0;
		else if (++col > LINE_MAX998)
			return err_set(err, NULL, 0, "DKIM: libopendkim made a "
			    "signature line longer than %d bytes", LINE_MAX998);
		if (buf_putc(out, (char)v[i]) == -1)
			return err_set(err, NULL, 0, "DKIM: out of memory");
	}
	if (BUF_LIT(out, "\r\n") == -1)
		return err_set(err, NULL, 0, "DKIM: out of memory");
	return 0;
}

int
dkim_signer_sign(struct dkim_signer *s, const char *msg, size_t len,
    struct buf *out, struct err *err)
{
	DKIM		*d;
	DKIM_STAT	 st;
	unsigned char	*sig;
	size_t		 i = 0, start = out->len, end, siglen;
	const char	*eol;
	int		 r = -1;

	d = dkim_sign(s->lib, (const unsigned char *)"stet", NULL,
	    (dkim_sigkey_t)s->key, (const unsigned char *)s->selector,
	    (const unsigned char *)s->domain, DKIM_CANON_RELAXED,
	    DKIM_CANON_RELAXED, s->alg, -1, &st);
	if (d == NULL)
		return sign_fail(err, "cannot start signing", NULL, st);

	/*
	 * One dkim_header call per field: its first line and the folded
	 * lines after it (those starting with a space or tab), without the
	 * last CRLF.  The field is copied because libopendkim wants it
	 * writable and reads its name with C string functions.
	 */
	while (i < len) {
		if (len - i >= 2 && msg[i] == '\r' && msg[i + 1] == '\n')
			break;		/* the empty line: headers end */
		end = i;
		for (;;) {
			eol = memchr(msg + end, '\n', len - end);
			if (eol == NULL || eol == msg + end ||
			    eol[-1] != '\r') {
				err_set(err, NULL, 0, "DKIM: the headers do not "
				    "end each line with CRLF");
				goto out;
			}
			end = (size_t)(eol - msg) + 1;
			if (end == len || (msg[end] != ' ' && msg[end] != '\t'))
				break;
		}
		buf_reset(&s->field);
		if (buf_put(&s->field, msg + i, end - 2 - i) == -1) {
			err_set(err, NULL, 0, "DKIM: out of memory");
			goto out;
		}
		if (s->field.len == 0 || s->field.data[0] == ' ' ||
		    s->field.data[0] == '\t' ||
		    memchr(s->field.data, ':', s->field.len) == NULL) {
			err_set(err, NULL, 0, "DKIM: a header line is not a "
			    "header field");
			goto out;
		}
		st = dkim_header(d, (unsigned char *)s->field.data,
		    s->field.len);
		if (st != DKIM_STAT_OK) {
			sign_fail(err, "header refused", d, st);
			goto out;
		}
		i = end;
	}
	if (i == len) {
		err_set(err, NULL, 0, "DKIM: the message has no empty line "
		    "after its headers");
		goto out;
	}
	i += 2;
	if ((st = dkim_eoh(d)) != DKIM_STAT_OK) {
		sign_fail(err, "end of headers", d, st);
		goto out;
	}
	/* An empty body is no call; libopendkim only reads the bytes. */
	if (i < len && (st = dkim_body(d, (unsigned char *)(uintptr_t)(msg + i),
	    len - i)) != DKIM_STAT_OK) {
		sign_fail(err, "body refused", d, st);
		goto out;
	}
	if ((st = sign_eom(d, s->alg)) != DKIM_STAT_OK) {
		sign_fail(err, "cannot sign", d, st);
		goto out;
	}
	st = dkim_getsighdr_d(d, sizeof(SIG_NAME) - 1, &sig, &siglen);
	if (st != DKIM_STAT_OK) {
		sign_fail(err, "no signature header", d, st);
		goto out;
	}
	if (put_sighdr(out, sig, siglen, err) == -1)
		goto out;
	r = 0;
out:
	dkim_free(d);
	if (r == -1 && out->data != NULL) {
		out->len = start;
		out->data[start] = '\0';
	}
	return r;
}
