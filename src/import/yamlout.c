#include <ctype.h>
#include <string.h>

#include "yamlout.h"

/* Plain values that mean the same unquoted: true, 12, 2024-01-08... */
static int
plain_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0)
		return 0;
	if ((n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0))
		return 1;
	/* Numbers and dates: digits, one leading '-', and . : + - T Z. */
	if (!isdigit((unsigned char)s[s[0] == '-' ? 1 : 0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && strchr(".:+-TZ ",
		    s[i]) == NULL)
			return 0;
	return s[n - 1] != ' ';
}

int
yamlout_scalar(struct buf *b, const char *s, size_t n, int plain)
{
	size_t	 i;

	if (plain && plain_ok(s, n))
		return buf_put(b, s, n);
	if (buf_putc(b, '"') == -1)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int r;

		if (c == '"' || c == '\\')
			r = buf_putc(b, '\\') == -1 ? -1 : buf_putc(b, (char)c);
		else if (c == '\n')
			r = BUF_LIT(b, "\\n");
		else if (c == '\t')
			r = BUF_LIT(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			r = buf_printf(b, "\\x%02x", c);
		else
			r = buf_putc(b, (char)c);
		if (r == -1)
			return -1;
	}
	return buf_putc(b, '"');
}

static int
key_out(struct buf *b, const char *k, int indent)
{
	size_t	 i, n = strlen(k);
	int	 plain = n > 0;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_' && k[i] != '-')
			plain = 0;
	if (buf_printf(b, "%*s", indent, "") == -1)
		return -1;
	if (plain ? buf_put(b, k, n) == -1 : yamlout_scalar(b, k, n, 0) == -1)
		return -1;
	return buf_putc(b, ':');
}

static int
all_scalars(const struct ynode *n)
{
	const struct ynode *c;

	for (c = n->child; c != NULL; c = c->next)
		if (c->kind != YNODE_SCALAR)
			return 0;
	return 1;
}

static int
value_out(struct buf *b, const struct ynode *v, int indent)
{
	const struct ynode *c;

	if (v->kind == YNODE_SCALAR) {
		if (buf_putc(b, ' ') == -1 ||
		    yamlout_scalar(b, v->str, v->len, v->plain) == -1)
			return -1;
		return buf_putc(b, '\n');
	}
	if (v->kind == YNODE_SEQ && all_scalars(v)) {
		if (BUF_LIT(b, " [") == -1)
			return -1;
		for (c = v->child; c != NULL; c = c->next)
			if (yamlout_scalar(b, c->str, c->len, c->plain) == -1 ||
			    (c->next != NULL && BUF_LIT(b, ", ") == -1))
				return -1;
		return BUF_LIT(b, "]\n");
	}
	if (v->child == NULL)
		return v->kind == YNODE_SEQ ? BUF_LIT(b, " []\n") :
		    BUF_LIT(b, " {}\n");
	if (buf_putc(b, '\n') == -1)
		return -1;
	for (c = v->child; c != NULL; c = c->next) {
		if (v->kind == YNODE_MAP) {
			if (yamlout_entry(b, c->key->str, c, indent + 2) == -1)
				return -1;
			continue;
		}
		if (buf_printf(b, "%*s-", indent + 2, "") == -1)
			return -1;
		if (c->kind == YNODE_MAP && c->child != NULL) {
			/* "- k: v" then the rest of the map under it. */
			const struct ynode *e;

			if (buf_putc(b, '\n') == -1)
				return -1;
			for (e = c->child; e != NULL; e = e->next)
				if (yamlout_entry(b, e->key->str, e,
				    indent + 4) == -1)
					return -1;
		} else if (value_out(b, c, indent + 2) == -1)
			return -1;
	}
	return 0;
}

int
yamlout_entry(struct buf *b, const char *key, const struct ynode *v, int indent)
{
	if (key_out(b, key, indent) == -1)
		return -1;
	return value_out(b, v, indent);
}

int
yamlout_list(struct buf *b, const char *key, const char *const *v, size_t n)
{
	size_t	 i;

	if (key_out(b, key, 0) == -1 || BUF_LIT(b, " [") == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (yamlout_scalar(b, v[i], strlen(v[i]), 0) == -1 ||
		    (i + 1 < n && BUF_LIT(b, ", ") == -1))
			return -1;
	return BUF_LIT(b, "]\n");
}
