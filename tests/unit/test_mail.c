#include <sys/stat.h>

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sodium.h>

#include "mail/compose.h"
#include "mail/maildir.h"
#include "support/buf.h"
#include "support/err.h"

#define SPAN(lit)	((struct mail_span){ "" lit "", sizeof(lit) - 1 })

static const char jp_subject[] =
    "\xe4\xbb\x8a\xe9\x80\xb1\xe3\x81\xae\xe8\xa8\x98\xe4\xba\x8b\xef\xbc"
    "\x9a\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x8b\xe3"
    "\x83\xa5\xe3\x83\xbc\xe3\x82\xb9\xe3\x83\xac\xe3\x82\xbf\xe3\x83\xbc"
    "\xe3\x81\xa8\xe3\x81\x8a\xe7\x9f\xa5\xe3\x82\x89\xe3\x81\x9b\xe3\x80"
    "\x81\xe3\x81\x82\xe3\x82\x8a\xe3\x81\x8c\xe3\x81\xa8\xe3\x81\x86\xe3"
    "\x81\x94\xe3\x81\x96\xe3\x81\x84\xe3\x81\xbe\xe3\x81\x99 and "
    "\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1 "
    "\xce\xba\xcf\x8c\xcf\x83\xce\xbc\xce\xb5";

static const char text_body[] =
    "Hello,\n"
    "a = b and a trailing space \n"
    "a trailing tab\t\n"
    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\n"
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789 end\n"
    "--=_stet_0000000000000000_0\n"
    "no final newline";
static const char html_body[] =
    "<p>Hello, <a href=\"https://example.org/\">caf\xc3\xa9</a></p>\r\n"
    "<p>line two</p>\r\n";

static struct mail_msg
msg_base(void)
{
	struct mail_msg	 m;

	memset(&m, 0, sizeof(m));
	m.from.name = SPAN("Ann's Notes");
	m.from.addr = SPAN("ann@example.org");
	m.to.addr = SPAN("bob@example.net");
	m.reply_to.name = SPAN("Lee, Ann \"AL\"");
	m.reply_to.addr = SPAN("ann+reply@example.org");
	m.subject = SPAN("A new post");
	m.date = 1795597200;	/* 2026-11-25 09:00:00 UTC */
	m.message_id = SPAN("20261125.abc@example.org");
	m.list_id = SPAN("Ann's Notes <notes.example.org>");
	m.list_unsubscribe =
	    SPAN("<https://example.org/unsubscribe?t=0123456789abcdef>, "
	    "<mailto:unsubscribe@example.org?subject=unsubscribe>");
	m.list_unsubscribe_post = SPAN("List-Unsubscribe=One-Click");
	m.text = (struct mail_span){ text_body, sizeof(text_body) - 1 };
	m.html = (struct mail_span){ html_body, sizeof(html_body) - 1 };
	return m;
}

/* A small decoder, strict enough to catch a bad encoder. */
static void
qp_decode(const char *s, size_t n, struct buf *out)
{
	size_t	 i;
	char	 hx[3] = { 0 };

	for (i = 0; i < n; i++) {
		if (s[i] != '=') {
			assert_int_equal(buf_putc(out, s[i]), 0);
			continue;
		}
		assert_true(i + 2 < n);
		if (s[i + 1] == '\r') {
			assert_int_equal(s[i + 2], '\n');
			i += 2;
			continue;
		}
		hx[0] = s[i + 1];
		hx[1] = s[i + 2];
		assert_non_null(strchr("0123456789ABCDEF", hx[0]));
		assert_non_null(strchr("0123456789ABCDEF", hx[1]));
		assert_int_equal(buf_putc(out, (char)strtol(hx, NULL, 16)), 0);
		i += 2;
	}
}

/* Every line CRLF-ended, at most max long, none ending in a blank. */
static void
check_lines(const char *s, size_t n, size_t max, int blank_ok)
{
	size_t	 i, start = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			assert_true(i > start && s[i - 1] == '\r');
			assert_true(i - 1 - start <= max);
			if (!blank_ok && i - 1 > start)
				assert_true(s[i - 2] != ' ' && s[i - 2] != '\t');
			start = i + 1;
		} else if (s[i] == '\r')
			assert_true(i + 1 < n && s[i + 1] == '\n');
	}
	if (start < n)
		assert_true(n - start <= max);
}

/* s with every lone LF made CRLF: what a QP round trip must give. */
static void
crlf(const char *s, size_t n, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			assert_int_equal(buf_putc(out, '\r'), 0);
		assert_int_equal(buf_putc(out, s[i]), 0);
	}
}

static void
qp_round_trip(const char *s, size_t n)
{
	struct buf	 enc, dec, want;

	buf_init(&enc, 0);
	buf_init(&dec, 0);
	buf_init(&want, 0);
	assert_int_equal(mail_qp_encode(&enc, s, n), 0);
	check_lines(enc.data, enc.len, 76, 0);
	qp_decode(enc.data, enc.len, &dec);
	crlf(s, n, &want);
	assert_int_equal(dec.len, want.len);
	assert_memory_equal(dec.data, want.data, want.len);
	buf_free(&enc);
	buf_free(&dec);
	buf_free(&want);
}

static void
qp_encoding(void **state)
{
	struct buf	 b;
	char		 all[1024], eqs[200];
	size_t		 i;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(mail_qp_encode(&b, "a=b \nc\t\n", 8), 0);
	assert_string_equal(b.data, "a=3Db=20\r\nc=09\r\n");
	buf_reset(&b);
	/* 100 letters: 75 and a soft break, then the rest. */
	memset(all, 'x', 100);
	assert_int_equal(mail_qp_encode(&b, all, 100), 0);
	assert_int_equal(b.len, 75 + 3 + 25);
	assert_memory_equal(b.data + 75, "=\r\n", 3);
	buf_reset(&b);
	/* Exactly 76 fits on one line: no soft break needed at the end. */
	assert_int_equal(mail_qp_encode(&b, all, 76), 0);
	assert_int_equal(b.len, 76);
	buf_free(&b);

	/* A "=XX" is never split by a soft break. */
	memset(eqs, '=', sizeof(eqs));
	qp_round_trip(eqs, sizeof(eqs));
	for (i = 0; i < sizeof(all); i++)
		all[i] = (char)(i * 7 + i / 256);
	qp_round_trip(all, sizeof(all));
	qp_round_trip(text_body, sizeof(text_body) - 1);
	qp_round_trip(html_body, sizeof(html_body) - 1);
	qp_round_trip("   \n\t\t\n \r\n", 9);
	qp_round_trip("", 0);
}

/* The headers, unfolded value of the first one called name. */
static void
header_value(const char *msg, const char *name, struct buf *out)
{
	const char	*p = msg, *end;
	size_t		 nl = strlen(name);

	for (;;) {
		assert_false(p[0] == '\r' && p[1] == '\n');
		if (strncmp(p, name, nl) == 0 && p[nl] == ':')
			break;
		p = strstr(p, "\r\n") + 2;
	}
	p += nl + 1;
	for (;;) {
		end = strstr(p, "\r\n");
		assert_int_equal(buf_put(out, p, (size_t)(end - p)), 0);
		p = end + 2;
		if (*p != ' ' && *p != '\t')
			break;
	}
}

/* Decode a value of B encoded words, checking each is at most 75. */
static void
words_decode(const char *v, struct buf *out)
{
	const char	*p = v, *q;
	unsigned char	 bin[256];
	size_t		 binlen;

	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		q = strstr(p + 10, "?=");
		assert_non_null(q);
		assert_true((size_t)(q + 2 - p) <= 75);
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), p + 10,
		    (size_t)(q - p - 10), NULL, &binlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		assert_int_equal(buf_put(out, bin, binlen), 0);
		p = q + 2;
	}
}

static size_t
header_len(const struct buf *b)
{
	const char	*e = strstr(b->data, "\r\n\r\n");

	assert_non_null(e);
	return (size_t)(e - b->data) + 2;
}

static void
headers_encoded(void **state)
{
	struct mail_msg	 m = msg_base();
	struct buf	 b, v, d;
	struct err	 err;

	(void)state;
	buf_init(&b, 0);
	buf_init(&v, 0);
	buf_init(&d, 0);
	m.subject = (struct mail_span){ jp_subject, sizeof(jp_subject) - 1 };
	m.to.name = SPAN("\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82 "
	    "\xce\xa0\xce\xb1\xcf\x80\xce\xb1\xce\xb4\xcf\x8c\xcf\x80\xce\xbf"
	    "\xcf\x85\xce\xbb\xce\xbf\xcf\x82 \xce\xba\xce\xb1\xce\xb9 "
	    "\xce\xb7 \xce\xbf\xce\xb9\xce\xba\xce\xbf\xce\xb3\xce\xad\xce\xbd"
	    "\xce\xb5\xce\xb9\xce\xb1 \xcf\x84\xce\xbf\xcf\x85");
	assert_int_equal(mail_compose(&m, &b, &err), 0);
	check_lines(b.data, header_len(&b), 78, 1);

	header_value(b.data, "Subject", &v);
	assert_non_null(strstr(v.data, "=?UTF-8?B?"));
	words_decode(v.data, &d);
	assert_int_equal(d.len, sizeof(jp_subject) - 1);
	assert_memory_equal(d.data, jp_subject, d.len);

	buf_reset(&v);
	buf_reset(&d);
	header_value(b.data, "To", &v);
	assert_non_null(strstr(v.data, " <bob@example.net>"));
	words_decode(v.data, &d);
	assert_int_equal(d.len, m.to.name.n);
	assert_memory_equal(d.data, m.to.name.p, d.len);

	/*
	 * A From name whose first encoded word ends exactly at column 78:
	 * the next word goes on a line of its own, not past the limit.
	 */
	{
		struct mail_msg	 m2 = msg_base();
		struct buf	 b2;
		char		 name[76];
		size_t		 k;

		for (k = 0; k + 2 < sizeof(name); k += 2)
			memcpy(name + k, "\xc3\xa9", 2);
		m2.from.name = (struct mail_span){ name, k };
		buf_init(&b2, 0);
		assert_int_equal(mail_compose(&m2, &b2, &err), 0);
		check_lines(b2.data, header_len(&b2), 78, 1);
		buf_free(&b2);
	}

	/* ASCII names: atoms as they are, specials quoted. */
	assert_int_equal(strncmp(b.data, "From: Ann's Notes "
	    "<ann@example.org>\r\n", 37), 0);
	assert_non_null(strstr(b.data, "\r\nReply-To: \"Lee, Ann \\\"AL\\\"\" "
	    "<ann+reply@example.org>\r\n"));
	assert_non_null(strstr(b.data, "\r\nDate: Wed, 25 Nov 2026 09:00:00 "
	    "+0000\r\n"));
	assert_non_null(strstr(b.data, "\r\nMessage-ID: "
	    "<20261125.abc@example.org>\r\n"));
	assert_non_null(strstr(b.data, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(b.data, "\r\nList-Unsubscribe-Post: "
	    "List-Unsubscribe=One-Click\r\n"));
	buf_free(&b);
	buf_free(&v);
	buf_free(&d);
}

static void
headers_ascii_long(void **state)
{
	struct mail_msg	 m = msg_base();
	struct buf	 b, v;
	struct err	 err;

	(void)state;
	buf_init(&b, 0);
	buf_init(&v, 0);
	m.subject = SPAN("A rather long subject line that goes on and on, "
	    "well past the seventy-eight columns a header line should keep");
	assert_int_equal(mail_compose(&m, &b, &err), 0);
	check_lines(b.data, header_len(&b), 78, 1);
	header_value(b.data, "Subject", &v);
	assert_string_equal(v.data, " A rather long subject line that goes "
	    "on and on, well past the seventy-eight columns a header line "
	    "should keep");
	/* Folded at the comma's space, each URL whole. */
	assert_non_null(strstr(b.data, "\r\nList-Unsubscribe: "
	    "<https://example.org/unsubscribe?t=0123456789abcdef>,\r\n "
	    "<mailto:unsubscribe@example.org?subject=unsubscribe>\r\n"));

	/*
	 * A URL longer than a line cannot be folded without breaking it
	 * in some readers: it goes whole, within RFC 5322's 998.
	 */
	buf_reset(&b);
	m.list_unsubscribe = SPAN("<https://example.org/unsubscribe?t="
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef>");
	assert_int_equal(mail_compose(&m, &b, &err), 0);
	assert_non_null(strstr(b.data, "\r\nList-Unsubscribe: "
	    "<https://example.org/unsubscribe?t=0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef>\r\n"));
	buf_free(&b);
	buf_free(&v);
}

static void
headers_injection(void **state)
{
	struct mail_msg	 m;
	struct mail_span *fields[11];
	struct buf	 b;
	struct err	 err;
	const char	*bad[] = { "x\r\nBcc: eve@example.com", "x\ny", "x\ry" };
	char		 nul[] = "ann@example.org\0evil";
	size_t		 i, j;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(BUF_LIT(&b, "kept"), 0);
	for (i = 0; i < 11; i++) {
		for (j = 0; j < 4; j++) {
			m = msg_base();
			fields[0] = &m.from.name;
			fields[1] = &m.from.addr;
			fields[2] = &m.to.name;
			fields[3] = &m.to.addr;
			fields[4] = &m.reply_to.name;
			fields[5] = &m.reply_to.addr;
			fields[6] = &m.subject;
			fields[7] = &m.message_id;
			fields[8] = &m.list_id;
			fields[9] = &m.list_unsubscribe;
			fields[10] = &m.list_unsubscribe_post;
			if (j < 3)
				*fields[i] = (struct mail_span){ bad[j],
				    strlen(bad[j]) };
			else
				*fields[i] = (struct mail_span){ nul,
				    sizeof(nul) - 1 };
			err.msg[0] = '\0';
			assert_int_equal(mail_compose(&m, &b, &err), -1);
			assert_true(strstr(err.msg, "line break") != NULL ||
			    strstr(err.msg, "NUL") != NULL);
			/* Nothing was appended. */
			assert_int_equal(b.len, 4);
			assert_string_equal(b.data, "kept");
		}
	}
	m = msg_base();
	m.to.addr = SPAN("j\xc3\xbcrgen@example.de");
	assert_int_equal(mail_compose(&m, &b, &err), -1);
	assert_non_null(strstr(err.msg, "ASCII"));
	m = msg_base();
	m.to.addr = SPAN("bob@example.net> <eve@example.com");
	assert_int_equal(mail_compose(&m, &b, &err), -1);
	m = msg_base();
	m.subject = SPAN("bad \xff utf-8");
	assert_int_equal(mail_compose(&m, &b, &err), -1);
	assert_int_equal(b.len, 4);
	buf_free(&b);
}

/* How many times needle is in s. */
static size_t
count(const char *s, size_t n, const char *needle)
{
	size_t		 c = 0, nn = strlen(needle);
	const char	*p = s, *q;

	while ((q = memmem(p, n - (size_t)(p - s), needle, nn)) != NULL) {
		c++;
		p = q + nn;
	}
	return c;
}

static void
structure(void **state)
{
	struct mail_msg	 m = msg_base();
	struct buf	 b, delim, dec, want;
	struct err	 err;
	const char	*p, *q, *body;
	char		 boundary[80];
	size_t		 n;

	(void)state;
	buf_init(&b, 0);
	buf_init(&delim, 0);
	buf_init(&dec, 0);
	buf_init(&want, 0);
	assert_int_equal(mail_compose(&m, &b, &err), 0);
	check_lines(b.data, b.len, 78, 1);
	assert_int_equal(count(b.data, b.len, "\r\nContent-Type: multipart/"
	    "alternative;\r\n boundary=\""), 1);
	p = strstr(b.data, "boundary=\"") + 10;
	q = strchr(p, '"');
	n = (size_t)(q - p);
	assert_true(n > 0 && n < sizeof(boundary));
	memcpy(boundary, p, n);
	boundary[n] = '\0';
	body = b.data + header_len(&b) + 2;

	/* The boundary only as the three delimiters. */
	assert_int_equal(count(b.data, b.len, boundary), 4);
	assert_int_equal(buf_printf(&delim, "\r\n--%s\r\n", boundary), 0);
	assert_int_equal(count(b.data, b.len, delim.data), 2);
	assert_int_equal(strncmp(body + 2, boundary, n), 0);
	buf_reset(&delim);
	assert_int_equal(buf_printf(&delim, "\r\n--%s--\r\n", boundary), 0);
	assert_int_equal(b.len - delim.len, (size_t)(strstr(b.data,
	    delim.data) - b.data));
	assert_null(memmem(text_body, sizeof(text_body) - 1, boundary, n));
	assert_null(memmem(html_body, sizeof(html_body) - 1, boundary, n));

	/* Exactly two parts, each UTF-8 quoted-printable, text first. */
	assert_int_equal(count(body, strlen(body), "Content-Type:"), 2);
	assert_int_equal(count(body, strlen(body),
	    "Content-Transfer-Encoding: quoted-printable\r\n"), 2);
	p = strstr(body, "\r\nContent-Type: text/plain; charset=UTF-8\r\n");
	q = strstr(body, "\r\nContent-Type: text/html; charset=UTF-8\r\n");
	assert_non_null(p);
	assert_non_null(q);
	assert_true(p < q);

	/* And the bodies come back exactly: nothing was added. */
	buf_reset(&delim);
	assert_int_equal(buf_printf(&delim, "\r\n--%s", boundary), 0);
	p = strstr(p, "\r\n\r\n") + 4;
	q = strstr(p, delim.data);
	qp_decode(p, (size_t)(q - p), &dec);
	crlf(text_body, sizeof(text_body) - 1, &want);
	assert_int_equal(dec.len, want.len);
	assert_memory_equal(dec.data, want.data, want.len);
	p = strstr(q + 4, "\r\n\r\n") + 4;
	q = strstr(p, delim.data);
	buf_reset(&dec);
	qp_decode(p, (size_t)(q - p), &dec);
	assert_int_equal(dec.len, sizeof(html_body) - 1);
	assert_memory_equal(dec.data, html_body, dec.len);
	buf_free(&b);
	buf_free(&delim);
	buf_free(&dec);
	buf_free(&want);
}

static size_t
dir_count(const char *path, char *name, size_t namesize)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n = 0;

	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (name != NULL)
			assert_true(snprintf(name, namesize, "%s/%s", path,
			    e->d_name) < (int)namesize);
		n++;
	}
	closedir(d);
	return n;
}

static void
maildir_one(void **state)
{
	char		 dir[] = "/tmp/stet-mail-XXXXXX";
	char		 md[256], sub[300], file[600], cmd[300];
	char		 got[64];
	const char	 msg[] = "Subject: hi\r\n\r\nbody\r\n";
	struct stat	 st;
	struct err	 err;
	FILE		*f;
	size_t		 n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(md, sizeof(md), "%s/Maildir", dir);
	assert_int_equal(maildir_deliver(md, msg, sizeof(msg) - 1, &err), 0);
	assert_int_equal(stat(md, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(sub, sizeof(sub), "%s/cur", md);
	assert_int_equal(dir_count(sub, NULL, 0), 0);
	snprintf(sub, sizeof(sub), "%s/tmp", md);
	assert_int_equal(dir_count(sub, NULL, 0), 0);
	snprintf(sub, sizeof(sub), "%s/new", md);
	assert_int_equal(dir_count(sub, file, sizeof(file)), 1);
	assert_null(strchr(strrchr(file, '/'), ':'));
	f = fopen(file, "rb");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got), f);
	fclose(f);
	assert_int_equal(n, sizeof(msg) - 1);
	assert_memory_equal(got, msg, n);

	/* A missing parent is an error naming the folder. */
	snprintf(md, sizeof(md), "%s/no/Maildir", dir);
	assert_int_equal(maildir_deliver(md, msg, sizeof(msg) - 1, &err), -1);
	assert_non_null(strstr(err.msg, md));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qp_encoding),
		cmocka_unit_test(headers_encoded),
		cmocka_unit_test(headers_ascii_long),
		cmocka_unit_test(headers_injection),
		cmocka_unit_test(structure),
		cmocka_unit_test(maildir_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
