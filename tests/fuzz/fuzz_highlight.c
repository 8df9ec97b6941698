/*
 * Highlighted code (site/highlight_load.c, and site/highlight.cc in the
 * stet-highlight.so of the harness's parent folder): the first byte
 * picks a language, the rest is the code.  abort() unless the output is the code itself,
 * escaped, in spans of one class each: with the spans taken out and the
 * five entities esc_html writes read back, it must give the input byte
 * for byte; and no '<', '>' or '&' may be left that is not theirs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "site/highlight.h"

int	LLVMFuzzerInitialize(int *, char ***);

static const char *const names[] = { "c", "cpp", "go", "rust", "python",
    "javascript", "typescript", "java", "kotlin", "swift", "ruby", "sql",
    "shell", "yaml", "json", "toml", "html", "css", "dockerfile", "diff",
    "graphql", "xml", "lua", "makefile" };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	highlight_init();
	return 0;
}

/* Read the output o (n bytes) back into the code it shows, in back. */
static void
read_back(const char *o, size_t n, struct buf *back)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
	    { "&quot;", '"' }, { "&#39;", '\'' } };
	size_t	 i = 0, k, len;
	int	 open = 0;

	while (i < n) {
		if (o[i] == '<') {
			if (!open && n - i > 16 &&
			    memcmp(o + i, "<span class=\"", 13) == 0 &&
			    strchr("ktscnfmvad", o[i + 13]) != NULL &&
			    memcmp(o + i + 14, "\">", 2) == 0) {
				open = 1;
				i += 16;
			} else if (open && n - i >= 7 &&
			    memcmp(o + i, "</span>", 7) == 0) {
				open = 0;
				i += 7;
			} else
				abort();	/* any other tag, or nested */
			continue;
		}
		if (o[i] == '>')
			abort();
		if (o[i] == '&') {
			for (k = 0; k < sizeof(ents) / sizeof(*ents); k++) {
				len = strlen(ents[k].ent);
				if (n - i >= len &&
				    memcmp(o + i, ents[k].ent, len) == 0)
					break;
			}
			if (k == sizeof(ents) / sizeof(*ents))
				abort();
			if (buf_putc(back, ents[k].c) == -1)
				abort();
			i += strlen(ents[k].ent);
			continue;
		}
		/* A span never crosses a line. */
		if (o[i] == '\n' && open)
			abort();
		if (buf_putc(back, o[i]) == -1)
			abort();
		i++;
	}
	if (open)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 out, back;
	const char	*code;
	size_t		 len;
	int		 r;

	if (size < 1)
		return 0;
	code = (const char *)data + 1;
	len = size - 1;
	buf_init(&out, 0);
	buf_init(&back, 0);
	r = highlight_code(names[data[0] % (sizeof(names) / sizeof(*names))],
	    code, len, &out);
	if (r == -1)
		abort();
	if (r == 1) {
		read_back(out.data ? out.data : "", out.len, &back);
		if (back.len != len || (len > 0 && memcmp(back.data, code,
		    len) != 0))
			abort();
	} else if (out.len != 0)
		abort();
	buf_free(&out);
	buf_free(&back);
	return 0;
}
