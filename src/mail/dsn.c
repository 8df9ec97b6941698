#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dsn.h"
#include "gmime_lib.h"

#define DEPTH_MAX	8	/* parts within parts: reports nest 2 deep */
#define FIELDS_MAX	(64 * 1024)	/* a report part's fields */
#define GROUPS_MAX	64	/* recipients' groups read in one report */

static GMimeMessage *parse_message(const char *, size_t);
static void	 walk(GMimeObject *, struct dsn *, int);
static void	 delivery_status(GMimePart *, struct dsn *);
static void	 feedback_report(GMimePart *, struct dsn *);
static void	 original(GMimeObject *, struct dsn *);
static void	 original_headers(GMimePart *, struct dsn *);
static GByteArray *content(GMimePart *);
static const char *field(GMimeObject *, const char *);
static void	 envelope_fields(GMimeObject *, struct dsn *);
static void	 failed_recipients(GMimeObject *, struct dsn *);
static void	 add_addr(char (*)[DSN_ADDR_LEN], size_t *, const char *);
static int	 first_addr(const char *, char *, size_t);
static int	 typed_addr(const char *, char *, size_t);
static void	 add_rcpt(struct dsn *, const char *, const char *,
		    enum dsn_kind);
static enum dsn_kind status_kind(const char *, char *, size_t);
static void	 printable(char *, size_t, const char *);
static int	 is_type(GMimeObject *, const char *, const char *);

int
dsn_load(struct err *err)
{
	return gmime_lib_load("bounces", err);
}

int
dsn_parse(const char *msg, size_t len, struct dsn *d, struct err *err)
{
	GMimeMessage	*m;
	GMimeObject	*body;
	size_t		 i;

	memset(d, 0, sizeof(*d));
	if (len > DSN_MAX)
		return err_set(err, NULL, 0, "larger than %d bytes: not read",
		    DSN_MAX);
	if (dsn_load(err) == -1)
		return -1;
	if ((m = parse_message(msg, len)) == NULL)
		return err_set(err, NULL, 0, "not a mail message");
	envelope_fields(GMIME_OBJECT(m), d);
	if ((body = g_mime_message_get_mime_part(m)) != NULL)
		walk(body, d, 0);
	/* No report, but the Exim (and Gmail) way of naming the failed. */
	if (d->nrcpt == 0)
		failed_recipients(GMIME_OBJECT(m), d);
	for (i = 0; i < d->nrcpt; i++)
		if (d->rcpt[i].kind > d->kind)
			d->kind = d->rcpt[i].kind;
	g_object_unref(m);
	return 0;
}

const char *
dsn_kind_name(enum dsn_kind k)
{
	static const char *const names[] = {
		[DSN_NONE] = "none", [DSN_SOFT] = "soft",
		[DSN_HARD] = "hard", [DSN_COMPLAINT] = "complaint"
	};

	return names[k];
}

/* A message, or only a block of header fields, from memory. */
static GMimeMessage *
parse_message(const char *p, size_t n)
{
	GMimeStream	*s;
	GMimeParser	*parser;
	GMimeMessage	*m;

	s = g_mime_stream_mem_new_with_buffer(p, n);
	parser = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	return m;
}

static int
is_type(GMimeObject *o, const char *type, const char *sub)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);

	return ct != NULL && g_mime_content_type_is_type(ct, type, sub);
}

static void
walk(GMimeObject *o, struct dsn *d, int depth)
{
	GMimeMessage	*inner;
	int		 i, n;

	if (depth > DEPTH_MAX)
		return;
	if (GMIME_IS_MULTIPART(o)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
		for (i = 0; i < n; i++)
			walk(g_mime_multipart_get_part(GMIME_MULTIPART(o), i),
			    d, depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(o));
		if (inner != NULL)
			original(GMIME_OBJECT(inner), d);
	} else if (GMIME_IS_PART(o)) {
		/* RFC 6533's global forms carry the same fields in UTF-8. */
		if (is_type(o, "message", "delivery-status") ||
		    is_type(o, "message", "global-delivery-status"))
			delivery_status(GMIME_PART(o), d);
		else if (is_type(o, "message", "feedback-report"))
			feedback_report(GMIME_PART(o), d);
		else if (is_type(o, "text", "rfc822-headers") ||
		    is_type(o, "message", "global-headers"))
			original_headers(GMIME_PART(o), d);
	}
}

/* A part's content, decoded, NUL-terminated; NULL when over the bound. */
static GByteArray *
content(GMimePart *p)
{
	GMimeDataWrapper *w = g_mime_part_get_content(p);
	GMimeStream	*s;
	GByteArray	*a, *out = NULL;

	if (w == NULL)
		return NULL;
	s = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, s) >= 0) {
		a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
		if (a->len <= FIELDS_MAX) {
			out = g_byte_array_sized_new(a->len + 1);
			g_byte_array_append(out, a->data, a->len);
			g_byte_array_append(out, (const guint8 *)"", 1);
		}
	}
	g_object_unref(s);
	return out;
}

/*
 * A delivery-status body is groups of header fields separated by blank
 * lines (RFC 3464 2.1): the first about the message, one per recipient
 * after it.  Folded lines never hold a blank line, so cutting at blank
 * lines keeps each group whole; GMime then reads each group's fields.
 */
static void
delivery_status(GMimePart *p, struct dsn *d)
{
	GByteArray	*a;
	GMimeMessage	*g;
	const char	*s, *end, *line, *eol, *action, *status, *rcpt;
	const char	*diag;
	char		 addr[DSN_ADDR_LEN], code[16];
	enum dsn_kind	 k;
	size_t		 groups = 0;
	int		 blank;

	if ((a = content(p)) == NULL)
		return;
	s = (const char *)a->data;
	end = s + a->len - 1;
	while (s < end && groups < GROUPS_MAX) {
		/* Skip blank lines, then take lines up to the next one. */
		while (s < end && (*s == '\n' || *s == '\r'))
			s++;
		if (s >= end)
			break;
		for (line = s;; line = eol + 1) {
			if ((eol = memchr(line, '\n', (size_t)(end - line))) ==
			    NULL) {
				eol = end;
				break;
			}
			blank = eol + 1 < end && (eol[1] == '\n' ||
			    (eol[1] == '\r' && eol + 2 < end &&
			    eol[2] == '\n'));
			if (blank)
				break;
		}
		g = parse_message(s, (size_t)(eol - s));
		s = eol < end ? eol + 1 : end;
		if (g == NULL)
			continue;
		rcpt = field(GMIME_OBJECT(g), "Final-Recipient");
		/*
		 * The first group is about the message; a report that
		 * left it out (it is required) begins with a recipient.
		 */
		if (groups++ == 0 && rcpt == NULL &&
		    field(GMIME_OBJECT(g), "Action") == NULL) {
			g_object_unref(g);
			continue;
		}
		if (rcpt == NULL)
			rcpt = field(GMIME_OBJECT(g), "Original-Recipient");
		action = field(GMIME_OBJECT(g), "Action");
		status = field(GMIME_OBJECT(g), "Status");
		diag = field(GMIME_OBJECT(g), "Diagnostic-Code");
		k = status_kind(status, code, sizeof(code));
		/*
		 * Only "failed" is a bounce: "delayed" says the remote
		 * system is still trying, and the others that it delivered.
		 */
		if (action != NULL && g_ascii_strncasecmp(action, "failed",
		    6) != 0)
			k = DSN_NONE;
		if (rcpt == NULL || typed_addr(rcpt, addr, sizeof(addr)) == -1)
			addr[0] = '\0';
		add_rcpt(d, addr, code, k);
		if (k != DSN_NONE && d->detail[0] == '\0' && diag != NULL)
			printable(d->detail, sizeof(d->detail), diag);
		g_object_unref(g);
	}
	g_byte_array_unref(a);
}

/*
 * RFC 5965 3.1: one group of fields.  abuse, fraud and other are a
 * reader's complaint; virus, auth-failure (RFC 6591) and not-spam (RFC
 * 6650) are not about the reader's wishes.
 */
static void
feedback_report(GMimePart *p, struct dsn *d)
{
	static const char *const complaints[] = { "abuse", "fraud", "other" };
	GByteArray	*a;
	GMimeMessage	*g;
	const char	*type, *v;
	char		 addr[DSN_ADDR_LEN], t[16];
	enum dsn_kind	 k = DSN_NONE;
	size_t		 i;

	if ((a = content(p)) == NULL)
		return;
	g = parse_message((const char *)a->data, a->len - 1);
	g_byte_array_unref(a);
	if (g == NULL)
		return;
	if ((type = field(GMIME_OBJECT(g), "Feedback-Type")) != NULL) {
		printable(t, sizeof(t), type);
		for (i = 0; i < sizeof(complaints) / sizeof(*complaints); i++)
			if (g_ascii_strcasecmp(t, complaints[i]) == 0)
				k = DSN_COMPLAINT;
		if (d->detail[0] == '\0')
			(void)snprintf(d->detail, sizeof(d->detail),
			    "feedback report: %s", t);
	} else
		(void)snprintf(t, sizeof(t), "feedback");
	if ((v = field(GMIME_OBJECT(g), "Original-Rcpt-To")) != NULL &&
	    first_addr(v, addr, sizeof(addr)) == 0)
		add_rcpt(d, addr, t, k);
	if ((v = field(GMIME_OBJECT(g), "Removal-Recipient")) != NULL &&
	    first_addr(v, addr, sizeof(addr)) == 0)
		add_rcpt(d, addr, t, k);
	/* Reporters that redact the recipient still name the report. */
	if (d->nrcpt == 0)
		add_rcpt(d, "", t, k);
	if ((v = field(GMIME_OBJECT(g), "Original-Mail-From")) != NULL &&
	    first_addr(v, addr, sizeof(addr)) == 0)
		add_addr(d->envelope, &d->nenvelope, addr);
	g_object_unref(g);
}

/* The returned message (or its header): who it was from and to. */
static void
original(GMimeObject *o, struct dsn *d)
{
	const char	*v;
	char		 addr[DSN_ADDR_LEN];
	size_t		 n;

	if ((v = field(o, "Return-Path")) != NULL &&
	    first_addr(v, addr, sizeof(addr)) == 0)
		add_addr(d->envelope, &d->nenvelope, addr);
	if (d->message_id[0] == '\0' &&
	    (v = field(o, "Message-ID")) != NULL) {
		while (*v == ' ' || *v == '\t' || *v == '<')
			v++;
		n = strcspn(v, "> \t\r\n");
		if (n < sizeof(d->message_id)) {
			memcpy(d->message_id, v, n);
			d->message_id[n] = '\0';
		}
	}
	/* The reader it went to, when the report does not say. */
	if ((v = field(o, "To")) != NULL && first_addr(v, addr,
	    sizeof(addr)) == 0) {
		for (n = 0; n < d->nrcpt; n++)
			if (d->rcpt[n].addr[0] == '\0') {
				(void)snprintf(d->rcpt[n].addr,
				    sizeof(d->rcpt[n].addr), "%s", addr);
				break;
			}
	}
}

static void
original_headers(GMimePart *p, struct dsn *d)
{
	GByteArray	*a;
	GMimeMessage	*g;

	if ((a = content(p)) == NULL)
		return;
	g = parse_message((const char *)a->data, a->len - 1);
	g_byte_array_unref(a);
	if (g == NULL)
		return;
	original(GMIME_OBJECT(g), d);
	g_object_unref(g);
}

static const char *
field(GMimeObject *o, const char *name)
{
	return g_mime_object_get_header(o, name);
}

/* Every field that can name where the report was delivered. */
static void
envelope_fields(GMimeObject *o, struct dsn *d)
{
	static const char *const names[] = {
		"Delivered-To", "X-Original-To", "Envelope-To", "To"
	};
	GMimeHeaderList	*hl = g_mime_object_get_header_list(o);
	GMimeHeader	*h;
	const char	*name, *v;
	char		 addr[DSN_ADDR_LEN];
	size_t		 j;
	int		 i, n;

	if (hl == NULL)
		return;
	n = g_mime_header_list_get_count(hl);
	for (j = 0; j < sizeof(names) / sizeof(*names); j++)
		for (i = 0; i < n; i++) {
			h = g_mime_header_list_get_header_at(hl, i);
			name = g_mime_header_get_name(h);
			v = g_mime_header_get_value(h);
			if (name != NULL && v != NULL &&
			    g_ascii_strcasecmp(name, names[j]) == 0 &&
			    first_addr(v, addr, sizeof(addr)) == 0)
				add_addr(d->envelope, &d->nenvelope, addr);
		}
}

static void
failed_recipients(GMimeObject *o, struct dsn *d)
{
	InternetAddressList *l;
	InternetAddress	*a;
	const char	*v, *addr;
	int		 i, n;

	if ((v = field(o, "X-Failed-Recipients")) == NULL)
		return;
	if ((l = internet_address_list_parse(NULL, v)) == NULL)
		return;
	n = internet_address_list_length(l);
	for (i = 0; i < n; i++) {
		a = internet_address_list_get_address(l, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(a))
			continue;
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a));
		if (addr != NULL && strlen(addr) < DSN_ADDR_LEN)
			add_rcpt(d, addr, "5.0.0", DSN_HARD);
	}
	g_object_unref(l);
	if (d->nrcpt > 0 && d->detail[0] == '\0')
		(void)snprintf(d->detail, sizeof(d->detail),
		    "X-Failed-Recipients");
}

static void
add_addr(char (*list)[DSN_ADDR_LEN], size_t *n, const char *addr)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (g_ascii_strcasecmp(list[i], addr) == 0)
			return;
	if (*n < DSN_ADDRS)
		(void)snprintf(list[(*n)++], DSN_ADDR_LEN, "%s", addr);
}

static void
add_rcpt(struct dsn *d, const char *addr, const char *status,
    enum dsn_kind k)
{
	struct dsn_rcpt	*r;

	if (d->nrcpt == DSN_ADDRS)
		return;
	r = &d->rcpt[d->nrcpt++];
	(void)snprintf(r->addr, sizeof(r->addr), "%s", addr);
	printable(r->status, sizeof(r->status), status);
	r->kind = k;
}

/* The first mailbox of an address field, bare: 0, or -1 when none. */
static int
first_addr(const char *v, char *out, size_t n)
{
	InternetAddressList *l;
	InternetAddress	*a;
	const char	*addr = NULL;
	int		 i, len, rc = -1;

	if ((l = internet_address_list_parse(NULL, v)) == NULL)
		return -1;
	len = internet_address_list_length(l);
	for (i = 0; i < len && addr == NULL; i++) {
		a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			addr = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(a));
	}
	if (addr != NULL && *addr != '\0' && strlen(addr) < n) {
		memcpy(out, addr, strlen(addr) + 1);
		rc = 0;
	}
	g_object_unref(l);
	return rc;
}

/* "rfc822; ann@example.org" (RFC 3464 2.3.2): the address, if rfc822. */
static int
typed_addr(const char *v, char *out, size_t n)
{
	const char	*semi = strchr(v, ';');

	if (semi == NULL)
		return first_addr(v, out, n);
	while (*v == ' ' || *v == '\t')
		v++;
	if (g_ascii_strncasecmp(v, "rfc822", 6) != 0)
		return -1;
	return first_addr(semi + 1, out, n);
}

/*
 * "5.1.1 (user unknown)": class.subject.detail (RFC 3463), the class 2,
 * 4 or 5.  The code goes to code (size n), "" when there is none.
 */
static enum dsn_kind
status_kind(const char *v, char *code, size_t n)
{
	size_t	 i = 0, dots = 0, digits = 0;

	code[0] = '\0';
	if (v == NULL)
		return DSN_NONE;
	while (*v == ' ' || *v == '\t')
		v++;
	for (i = 0; v[i] != '\0' && i + 1 < n; i++) {
		if (v[i] == '.') {
			if (digits == 0)
				break;
			dots++;
			digits = 0;
		} else if (v[i] >= '0' && v[i] <= '9')
			digits++;
		else
			break;
	}
	if (dots != 2 || digits == 0)
		return DSN_NONE;
	memcpy(code, v, i);
	code[i] = '\0';
	return code[0] == '5' ? DSN_HARD : code[0] == '4' ? DSN_SOFT :
	    DSN_NONE;
}

/*
 * Copy s, one line, with each run of white space (a folded field keeps
 * its folds' indent) made one space and anything unprintable '?'.
 */
static void
printable(char *dst, size_t size, const char *s)
{
	size_t	 i = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s != '\0' && i + 1 < size; s++) {
		if (*s == '\r' || *s == '\n' || *s == '\t' || *s == ' ') {
			if (i > 0 && dst[i - 1] != ' ')
				dst[i++] = ' ';
		} else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			dst[i++] = '?';
		else
			dst[i++] = *s;
	}
	while (i > 0 && dst[i - 1] == ' ')
		i--;
	dst[i] = '\0';
}
