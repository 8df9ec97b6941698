#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../support/hash.h"
#include "../support/text.h"
#include "compose.h"

/*
 * RFC 5322 asks for lines of at most 78 characters before CRLF; RFC 2047
 * for encoded words of at most 75.
 */
#define LINE_MAX78	78
#define WORD_MAX	75
#define VALUE_MAX	900	/* a raw value fits a 998-byte line */
#define WORD_HEAD	"=?UTF-8?B?"
#define WORD_OVERHEAD	12	/* "=?UTF-8?B?" and "?=" */

static int	check_span(const char *, struct mail_span, int,
		    struct err *);
static int	is_print_ascii(struct mail_span);
static int	is_atext(unsigned char);
static int	check_addr(const char *, struct mail_span, struct err *);
static int	put_folded(struct buf *, const char *, struct mail_span);
static int	put_words(struct buf *, size_t *, const char *, size_t);
static int	put_unstructured(struct buf *, const char *,
		    struct mail_span, struct err *);
static int	put_mailbox(struct buf *, const char *,
		    const struct mail_addr *, struct err *);
static int	put_date(struct buf *, time_t, struct err *);
static int	put_ascii_header(struct buf *, const char *,
		    struct mail_span, struct err *);
static int	put_part(struct buf *, const char *, const char *,
		    const struct buf *, const struct buf *);
static int	holds(const char *, size_t, const char *);
static int	pick_boundary(struct mail_span, struct mail_span,
		    const struct buf *, const struct buf *, char *, size_t);

/*
 * The one check that stops header injection: a CR or LF would end the
 * header and start another, a NUL would cut it short in some readers.
 */
static int
check_span(const char *what, struct mail_span v, int required,
    struct err *err)
{
	size_t	 i;

	if (v.p == NULL)
		return required ?
		    err_set(err, NULL, 0, "mail: %s is missing", what) : 0;
	for (i = 0; i < v.n; i++)
		if (v.p[i] == '\r' || v.p[i] == '\n' || v.p[i] == '\0')
			return err_set(err, NULL, 0, "mail: %s holds a %s",
			    what, v.p[i] == '\0' ? "NUL" : "line break");
	if (v.n > VALUE_MAX)
		return err_set(err, NULL, 0, "mail: %s is longer than %d "
		    "bytes", what, VALUE_MAX);
	return 0;
}

static int
is_print_ascii(struct mail_span v)
{
	size_t	 i;

	for (i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] < 0x20 ||
		    (unsigned char)v.p[i] > 0x7e)
			return 0;
	return 1;
}

/* RFC 5322 atext: what may stand in a display name unquoted. */
static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * An addr-spec we can write as it is: printable ASCII, no space or
 * special, one '@' with something on each side.  Non-ASCII addresses
 * need SMTPUTF8 end to end, which no transport here offers yet.
 */
static int
check_addr(const char *what, struct mail_span a, struct err *err)
{
	size_t	 i, at = 0, nat = 0;

	if (a.n == 0)
		return err_set(err, NULL, 0, "mail: %s is empty", what);
	for (i = 0; i < a.n; i++) {
		unsigned char c = (unsigned char)a.p[i];
		if (c > 0x7e)
			return err_set(err, NULL, 0, "mail: %s is not ASCII; "
			    "international addresses are not supported yet",
			    what);
		if (c <= 0x20 || strchr("<>()[],;:\\\"", c) != NULL)
			return err_set(err, NULL, 0, "mail: %s holds '%c' or "
			    "a space", what, c > 0x20 ? c : '?');
		if (c == '@') {
			at = i;
			nat++;
		}
	}
	if (nat != 1 || at == 0 || at + 1 == a.n)
		return err_set(err, NULL, 0, "mail: %s is not "
		    "local@domain", what);
	return 0;
}

/*
 * "Name: value" folded at spaces: each piece is a space and the word
 * after it, and a piece that would pass 78 columns starts a new line,
 * its space becoming the folding white space.  A single word longer
 * than a line stays whole; check_span keeps it under 998.
 */
static int
put_folded(struct buf *out, const char *name, struct mail_span v)
{
	size_t	 base, col, i = 0, j, plen;
	int	 first = 1;

	if (buf_printf(out, "%s:", name) == -1)
		return -1;
	col = base = strlen(name) + 1;
	do {
		/* A later piece starts on its space; the first gets one. */
		j = first ? i : i + 1;
		while (j < v.n && v.p[j] != ' ')
			j++;
		plen = j - i + (size_t)first;
		/* Never fold before a lone space: no blank-looking line. */
		if (col > base && col + plen > LINE_MAX78 && plen > 1) {
			if (BUF_LIT(out, "\r\n") == -1)
				return -1;
			col = 0;
		}
		if (first && buf_putc(out, ' ') == -1)
			return -1;
		if (buf_put(out, v.p + i, j - i) == -1)
			return -1;
		col += plen;
		i = j;
		first = 0;
	} while (i < v.n);
	return BUF_LIT(out, "\r\n");
}

/*
 * s as RFC 2047 B words, each preceded by a space, folding before a word
 * that would not fit.  A word holds whole UTF-8 characters only, as the
 * RFC asks, and at most 75 characters.  *col is the current column.
 */
static int
put_words(struct buf *out, size_t *col, const char *s, size_t n)
{
	char	 b64[sodium_base64_ENCODED_LEN(45,
		    sodium_base64_VARIANT_ORIGINAL)];
	size_t	 i = 0, avail, take;

	while (i < n) {
		/* A line already full (a long name before us) folds. */
		avail = *col + 1 < LINE_MAX78 ? LINE_MAX78 - *col - 1 : 0;
		if (avail > WORD_MAX)
			avail = WORD_MAX;
		take = avail < WORD_OVERHEAD ? 0 :
		    (avail - WORD_OVERHEAD) / 4 * 3;
		if (take > n - i)
			take = n - i;
		/* Back off to a character boundary. */
		while (take > 0 && i + take < n &&
		    ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;
		if (take == 0) {
			if (BUF_LIT(out, "\r\n") == -1)
				return -1;
			*col = 0;
			continue;
		}
		sodium_bin2base64(b64, sizeof(b64),
		    (const unsigned char *)s + i, take,
		    sodium_base64_VARIANT_ORIGINAL);
		if (buf_printf(out, " " WORD_HEAD "%s?=", b64) == -1)
			return -1;
		*col += 1 + WORD_OVERHEAD + strlen(b64);
		i += take;
	}
	return 0;
}

/*
 * Subject: as it is when plain ASCII that folds within 78 columns and
 * could not be mistaken for an encoded word; otherwise encoded words.
 */
static int
put_unstructured(struct buf *out, const char *name, struct mail_span v,
    struct err *err)
{
	size_t	 i, run = 0, col, longest = 0;
	int	 raw;

	if (text_check_utf8(v.p, v.n, &i, &(const char *){ NULL }) == -1)
		return err_set(err, NULL, 0, "mail: %s is not UTF-8", name);
	raw = is_print_ascii(v) && memmem(v.p, v.n, "=?", 2) == NULL;
	for (i = 0; raw && i < v.n; i++) {
		run = v.p[i] == ' ' ? 0 : run + 1;
		if (run > longest)
			longest = run;
	}
	if (raw && longest + strlen(name) + 2 <= LINE_MAX78)
		return put_folded(out, name, v);
	if (buf_printf(out, "%s:", name) == -1)
		return -1;
	col = strlen(name) + 1;
	if (put_words(out, &col, v.p, v.n) == -1)
		return -1;
	return BUF_LIT(out, "\r\n");
}

/*
 * "Name: Display <addr>".  A display name of atoms goes as it is, other
 * ASCII as a quoted-string, anything else (or one too long for a line)
 * as encoded words; <addr> moves to its own line when it does not fit.
 */
static int
put_mailbox(struct buf *out, const char *name, const struct mail_addr *m,
    struct err *err)
{
	struct buf	 phrase;
	size_t		 i, col;
	int		 atoms, r = -1;

	if (check_addr(name, m->addr, err) == -1)
		return -1;
	if (m->name.p == NULL || m->name.n == 0)
		return put_folded(out, name, m->addr);
	if (text_check_utf8(m->name.p, m->name.n, &i,
	    &(const char *){ NULL }) == -1)
		return err_set(err, NULL, 0, "mail: %s name is not UTF-8",
		    name);
	if (buf_printf(out, "%s:", name) == -1)
		return -1;
	col = strlen(name) + 1;
	buf_init(&phrase, 0);
	if (is_print_ascii(m->name)) {
		atoms = m->name.p[0] != ' ' && m->name.p[m->name.n - 1] != ' ' &&
		    memmem(m->name.p, m->name.n, "=?", 2) == NULL &&
		    memmem(m->name.p, m->name.n, "  ", 2) == NULL;
		for (i = 0; atoms && i < m->name.n; i++)
			if (m->name.p[i] != ' ' &&
			    !is_atext((unsigned char)m->name.p[i]))
				atoms = 0;
		if (!atoms && buf_putc(&phrase, '"') == -1)
			goto out;
		for (i = 0; i < m->name.n; i++) {
			if (!atoms && (m->name.p[i] == '"' ||
			    m->name.p[i] == '\\') && buf_putc(&phrase, '\\') == -1)
				goto out;
			if (buf_putc(&phrase, m->name.p[i]) == -1)
				goto out;
		}
		if (!atoms && buf_putc(&phrase, '"') == -1)
			goto out;
	}
	if (phrase.len > 0 && col + 1 + phrase.len <= LINE_MAX78) {
		if (buf_putc(out, ' ') == -1 ||
		    buf_put(out, phrase.data, phrase.len) == -1)
			goto out;
		col += 1 + phrase.len;
	} else if (put_words(out, &col, m->name.p, m->name.n) == -1)
		goto out;
	if (col + 3 + m->addr.n > LINE_MAX78) {
		if (BUF_LIT(out, "\r\n") == -1)
			goto out;
	}
	if (BUF_LIT(out, " <") == -1 ||
	    buf_put(out, m->addr.p, m->addr.n) == -1 ||
	    BUF_LIT(out, ">\r\n") == -1)
		goto out;
	r = 0;
out:
	buf_free(&phrase);
	return r;
}

/* RFC 5322 in UTC, with English names whatever the locale. */
static int
put_date(struct buf *out, time_t t, struct err *err)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1900 ||
	    tm.tm_year + 1900 > 9999)
		return err_set(err, NULL, 0, "mail: the date is out of range");
	return buf_printf(out,
	    "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The List-* headers carry URLs and ids: ASCII only, written as given. */
static int
put_ascii_header(struct buf *out, const char *name, struct mail_span v,
    struct err *err)
{
	if (v.p == NULL)
		return 0;
	if (!is_print_ascii(v))
		return err_set(err, NULL, 0, "mail: %s is not printable "
		    "ASCII", name);
	return put_folded(out, name, v);
}

int
mail_qp_encode(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const char	*lf;
	size_t		 i = 0, j, end, len, col, t;
	char		 tok[3];
	unsigned char	 c;
	int		 last;

	while (i < n) {
		lf = memchr(s + i, '\n', n - i);
		end = lf != NULL ? (size_t)(lf - s) : n;
		len = end;
		if (lf != NULL && len > i && s[len - 1] == '\r')
			len--;
		for (col = 0, j = i; j < len; j++) {
			c = (unsigned char)s[j];
			last = j + 1 == len;
			/* Trailing white space would be stripped in transit. */
			if ((c >= 33 && c <= 126 && c != '=') ||
			    ((c == ' ' || c == '\t') && !last)) {
				tok[0] = (char)c;
				t = 1;
			} else {
				tok[0] = '=';
				tok[1] = hex[c >> 4];
				tok[2] = hex[c & 15];
				t = 3;
			}
			/* Leave room for the soft break's '=' unless last. */
			if (col + t > (last ? 76u : 75u)) {
				if (BUF_LIT(out, "=\r\n") == -1)
					return -1;
				col = 0;
			}
			if (buf_put(out, tok, t) == -1)
				return -1;
			col += t;
		}
		if (lf != NULL && BUF_LIT(out, "\r\n") == -1)
			return -1;
		i = end + 1;
	}
	return 0;
}

/* A part: its headers, the shared head (may be NULL), its own qp. */
static int
put_part(struct buf *out, const char *boundary, const char *type,
    const struct buf *head, const struct buf *qp)
{
	return buf_printf(out, "--%s\r\n"
	    "Content-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n", boundary, type) == -1 ||
	    (head != NULL && buf_put(out, head->data, head->len) == -1) ||
	    buf_put(out, qp->data, qp->len) == -1 ||
	    BUF_LIT(out, "\r\n") == -1 ? -1 : 0;
}

/* Does s (n bytes) hold the string b? */
static int
holds(const char *s, size_t n, const char *b)
{
	return s != NULL && memmem(s, n, b, strlen(b)) != NULL;
}

/*
 * A boundary from a hash of the bodies and a counter, tried until it is
 * in neither body, raw or encoded.  "=_" can never occur in
 * quoted-printable, so the first almost always does; the check is what
 * makes it certain.
 */
static int
pick_boundary(struct mail_span text, struct mail_span html,
    const struct buf *qtext, const struct buf *qhtml, char *b, size_t bsize)
{
	uint64_t	 h;
	unsigned	 i;
	int		 w;

	h = hash_bytes(HASH_INIT, text.p, text.n);
	h = hash_bytes(h, html.p, html.n);
	for (i = 0; i < 1000; i++) {
		w = snprintf(b, bsize, "=_stet_%016llx_%u",
		    (unsigned long long)h, i);
		if (w < 0 || (size_t)w >= bsize)
			return -1;
		if (!holds(qtext->data, qtext->len, b) &&
		    !holds(qhtml->data, qhtml->len, b) &&
		    !holds(text.p, text.n, b) && !holds(html.p, html.n, b))
			return 0;
		h = hash_num(h, i);
	}
	return -1;
}

int
mail_body_prepare(struct mail_body *b, const char *text, size_t ntext,
    const char *html, size_t nhtml, struct err *err)
{
	struct mail_span t = { text, ntext }, h = { html, nhtml };

	buf_init(&b->qtext, 0);
	buf_init(&b->qhtml, 0);
	b->boundary[0] = '\0';
	if (ntext == 0 || text[ntext - 1] != '\n' || nhtml == 0 ||
	    html[nhtml - 1] != '\n')
		return err_set(err, NULL, 0, "mail: a shared body does not "
		    "end in a line break");
	if (mail_qp_encode(&b->qtext, text, ntext) == -1 ||
	    mail_qp_encode(&b->qhtml, html, nhtml) == -1)
		return err_set(err, NULL, 0, "mail: out of memory");
	if (pick_boundary(t, h, &b->qtext, &b->qhtml, b->boundary,
	    sizeof(b->boundary)) == -1)
		return err_set(err, NULL, 0, "mail: no boundary avoids the "
		    "bodies");
	return 0;
}

void
mail_body_free(struct mail_body *b)
{
	buf_free(&b->qtext);
	buf_free(&b->qhtml);
}

int
mail_compose(const struct mail_msg *m, struct buf *out, struct err *err)
{
	struct buf	 qtext, qhtml;
	struct mail_span id = m->message_id;
	char		 boundary[64];
	size_t		 start = out->len;
	int		 r = -1;

	buf_init(&qtext, 0);
	buf_init(&qhtml, 0);
	if (check_span("From name", m->from.name, 0, err) == -1 ||
	    check_span("From address", m->from.addr, 1, err) == -1 ||
	    check_span("To name", m->to.name, 0, err) == -1 ||
	    check_span("To address", m->to.addr, 1, err) == -1 ||
	    check_span("Reply-To name", m->reply_to.name, 0, err) == -1 ||
	    check_span("Reply-To address", m->reply_to.addr, 0, err) == -1 ||
	    check_span("Subject", m->subject, 1, err) == -1 ||
	    check_span("Message-ID", id, 1, err) == -1 ||
	    check_span("List-Id", m->list_id, 0, err) == -1 ||
	    check_span("List-Unsubscribe", m->list_unsubscribe, 0,
	    err) == -1 ||
	    check_span("List-Unsubscribe-Post", m->list_unsubscribe_post, 0,
	    err) == -1)
		goto out;
	if (m->text.p == NULL || m->html.p == NULL) {
		err_set(err, NULL, 0, "mail: a body is missing");
		goto out;
	}
	if (!is_print_ascii(id) || memchr(id.p, ' ', id.n) != NULL ||
	    memchr(id.p, '<', id.n) != NULL || memchr(id.p, '>', id.n) != NULL ||
	    memchr(id.p, '@', id.n) == NULL) {
		err_set(err, NULL, 0, "mail: Message-ID is not left@right "
		    "in ASCII without spaces or angle brackets");
		goto out;
	}
	if (mail_qp_encode(&qtext, m->text.p, m->text.n) == -1 ||
	    mail_qp_encode(&qhtml, m->html.p, m->html.n) == -1) {
		err_set(err, NULL, 0, "mail: out of memory");
		goto out;
	}
	/*
	 * With shared heads, their boundary is kept unless a tail holds
	 * it (a tail is a reader's own few lines: never, in practice).
	 */
	if (m->body != NULL && !holds(qtext.data, qtext.len,
	    m->body->boundary) && !holds(qhtml.data, qhtml.len,
	    m->body->boundary) && !holds(m->text.p, m->text.n,
	    m->body->boundary) && !holds(m->html.p, m->html.n,
	    m->body->boundary))
		memcpy(boundary, m->body->boundary, sizeof(boundary));
	else if (m->body != NULL) {
		err_set(err, NULL, 0, "mail: a message's own lines hold the "
		    "boundary");
		goto out;
	} else if (pick_boundary(m->text, m->html, &qtext, &qhtml, boundary,
	    sizeof(boundary)) == -1) {
		err_set(err, NULL, 0, "mail: no boundary avoids the bodies");
		goto out;
	}
	/* Each put_* fills err itself when the input is wrong. */
	err_set(err, NULL, 0, "mail: out of memory");
	if (put_mailbox(out, "From", &m->from, err) == -1 ||
	    put_mailbox(out, "To", &m->to, err) == -1 ||
	    (m->reply_to.addr.p != NULL &&
	    put_mailbox(out, "Reply-To", &m->reply_to, err) == -1) ||
	    put_unstructured(out, "Subject", m->subject, err) == -1 ||
	    put_date(out, m->date, err) == -1 ||
	    BUF_LIT(out, "Message-ID: <") == -1 ||
	    buf_put(out, id.p, id.n) == -1 ||
	    BUF_LIT(out, ">\r\nMIME-Version: 1.0\r\n") == -1 ||
	    put_ascii_header(out, "List-Id", m->list_id, err) == -1 ||
	    put_ascii_header(out, "List-Unsubscribe", m->list_unsubscribe,
	    err) == -1 ||
	    put_ascii_header(out, "List-Unsubscribe-Post",
	    m->list_unsubscribe_post, err) == -1 ||
	    buf_printf(out, "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"%s\"\r\n\r\n", boundary) == -1 ||
	    put_part(out, boundary, "text/plain", m->body != NULL ?
	    &m->body->qtext : NULL, &qtext) == -1 ||
	    put_part(out, boundary, "text/html", m->body != NULL ?
	    &m->body->qhtml : NULL, &qhtml) == -1 ||
	    buf_printf(out, "--%s--\r\n", boundary) == -1)
		goto out;
	r = 0;
out:
	if (r == -1 && out->data != NULL) {
		out->len = start;
		out->data[start] = '\0';
	}
	buf_free(&qtext);
	buf_free(&qhtml);
	return r;
}
