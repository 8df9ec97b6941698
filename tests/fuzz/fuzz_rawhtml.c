/*
 * The raw HTML pass: the input as a Markdown body through
 * markdown_to_html (with its absolute twin for feeds, no diag), and as an
 * HTML body through markdown_clean_html, whose warnings are collected.
 * Besides the sanitizers, abort() when the output breaks a promise the
 * pass makes: an element or attribute it drops still there, a mark it
 * puts in the HTML let out, a warning on a line before the body's first,
 * or HTML that does not come back the same when cleaned again (the
 * serializer writes what the parser reads).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "site/markdown.h"

#define BASE	"https://example.com/writing/a-post/"
#define LINE	7

int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	markdown_init();
	return 0;
}

/*
 * No element the pass drops or replaces, and no on...= or style=.  Text
 * and attribute values have '<' and '"' escaped, and every value is in
 * double quotes, so each '<' starts a tag whose attributes can be read
 * off one by one.  No mark either, unless the input could make the
 * control character marks use: a body holds none (stet refuses control
 * characters in a file), but cmark-gfm writes "&#1;" in Markdown text as
 * one.
 */
static void
promises_kept(const struct buf *b, int marks_in)
{
	static const char *const tags[] = { "script", "style", "iframe",
	    "frame", "object", "embed", "video", "audio", "link", "meta",
	    "base", "form", "input", "button", "select", "textarea", "xmp",
	    "noembed", "noframes", "noscript", "plaintext", "template",
	    "center", "font", "marquee", "applet" };
	const char	*p, *a;
	size_t		 i, n;

	if (b->len == 0)
		return;
	if (!marks_in && memchr(b->data, '\001', b->len) != NULL)
		abort();
	for (p = b->data; (p = strchr(p, '<')) != NULL; p++) {
		a = p + 1 + (p[1] == '/');
		for (i = 0; i < sizeof(tags) / sizeof(*tags); i++) {
			n = strlen(tags[i]);
			if (strncasecmp(a, tags[i], n) == 0 &&
			    strchr("\t\n\f\r />", a[n]) != NULL)
				abort();
		}
		/* The attributes: name, or name="value". */
		a += strcspn(a, " \t\n\f\r/>");
		while (*a != '>' && *a != '\0') {
			if (strchr(" \t\n\f\r/", *a) != NULL) {
				a++;
				continue;
			}
			n = strcspn(a, " \t\n\f\r/>=");
			if ((n == 5 && strncasecmp(a, "style", 5) == 0) ||
			    (n > 2 && strncasecmp(a, "on", 2) == 0))
				abort();
			a += n;
			if (*a == '=' && a[1] == '"') {
				if ((a = strchr(a + 2, '"')) == NULL)
					abort();
				a++;
			} else if (*a == '=')
				abort();	/* every value is quoted */
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*src = (const char *)data;
	struct md_opts	 o;
	struct diag	 d;
	struct buf	 html, abs, again;
	size_t		 i;
	int		 marks_in = memchr(src, '\001', size) != NULL ||
			    memmem(src, size, "&#", 2) != NULL;

	memset(&o, 0, sizeof(o));
	o.file = "posts/fuzz.md";
	o.line = LINE;
	o.site = "https://example.com/";
	o.allow_remote_images = size > 0 && data[0] & 1;
	buf_init(&html, 0);
	buf_init(&abs, 0);
	buf_init(&again, 0);

	/* A Markdown body: warnings go nowhere. */
	if (markdown_to_html(src, size, &o, &html, BASE, &abs) == -1)
		abort();
	promises_kept(&abs, marks_in);

	/* An HTML body, its warnings kept to be looked at. */
	diag_init(&d);
	o.diag = &d;
	buf_reset(&html);
	if (markdown_clean_html(src, size, &o, NULL, &html) == -1)
		abort();
	promises_kept(&html, marks_in);
	/* Marks written by hand in the input may name any line. */
	if (!marks_in)
		for (i = 0; i < d.n; i++)
			if (d.v[i].line < LINE || d.v[i].file == NULL ||
			    strcmp(d.v[i].file, o.file) != 0)
				abort();
	diag_free(&d);

	/* What the pass wrote, cleaned again, is what it wrote. */
	o.diag = NULL;
	if (markdown_clean_html(html.data ? html.data : "", html.len, &o,
	    NULL, &again) == -1)
		abort();
	if (again.len != html.len || (html.len > 0 &&
	    memcmp(again.data, html.data, html.len) != 0))
		abort();

	buf_free(&html);
	buf_free(&abs);
	buf_free(&again);
	return 0;
}
