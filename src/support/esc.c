#include <string.h>

#include "esc.h"

/*
 * HTML: the five characters that can end a text run or a quoted
 * attribute.  Escaping ' and " everywhere lets one function serve both
 * contexts, and the same entities are valid XML, so feeds use it too.
 */
int
esc_html(struct buf *b, const char *s, size_t n)
{
	size_t	 i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (buf_put(b, s + start, i - start) == -1 ||
		    buf_puts(b, rep) == -1)
			return -1;
		start = i + 1;
	}
	return buf_put(b, s + start, n - start);
}

static int
has_prefix_ci(const char *s, size_t n, const char *p)
{
	size_t	 i, pn = strlen(p);

	if (n < pn)
		return 0;
	for (i = 0; i < pn; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != p[i])
			return 0;
	}
	return 1;
}

int
esc_url_scheme_ok(const char *s, size_t n)
{
	size_t	 i;

	/* A scheme is letters, digits, + - . before the first ':'. */
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == ':')
			return has_prefix_ci(s, n, "http:") ||
			    has_prefix_ci(s, n, "https:") ||
			    has_prefix_ci(s, n, "mailto:");
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
			return 1;	/* no scheme: a relative URL */
	}
	return 1;
}

static const char hex[] = "0123456789ABCDEF";

int
esc_url(struct buf *b, const char *s, size_t n)
{
	if (!esc_url_scheme_ok(s, n))
		return BUF_LIT(b, "#");
	return esc_url_rest(b, s, n);
}

int
esc_url_rest(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char pct[3];
		int rc;

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' ||
		    c == '<' || c == '>' || c == '\\' || c == '`') {
			pct[0] = '%';
			pct[1] = hex[c >> 4];
			pct[2] = hex[c & 15];
			rc = buf_put(b, pct, 3);
		} else if (c == '&')
			rc = BUF_LIT(b, "&amp;");
		else
			rc = buf_put(b, &s[i], 1);
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
esc_path_segment(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char pct[3];
		int rc;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			rc = buf_put(b, &s[i], 1);
		else {
			pct[0] = '%';
			pct[1] = hex[c >> 4];
			pct[2] = hex[c & 15];
			rc = buf_put(b, pct, 3);
		}
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
esc_json(struct buf *b, const char *s, size_t n)
{
	size_t	 i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char	 u[7];
		const char *rep = NULL;

		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		/* Keep "</script>" and "<!--" inert if the JSON is embedded. */
		case '<': rep = "\\u003c"; break;
		default:
			if (c >= 0x20)
				continue;
			u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
			u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = '\0';
			rep = u;
		}
		if (buf_put(b, s + start, i - start) == -1 ||
		    buf_puts(b, rep) == -1)
			return -1;
		start = i + 1;
	}
	return buf_put(b, s + start, n - start);
}
