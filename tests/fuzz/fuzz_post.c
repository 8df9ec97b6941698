/*
 * A post's whole way to HTML: the UTF-8 check, the front matter split
 * off and loaded (a file without front matter goes whole, as a page may),
 * then the body through each Markdown renderer the build and the mailer
 * use: markdown_to_html with its absolute twin for feeds (as a post's
 * page has it: highlighted code, anchors on headings), the --portable
 * one, and markdown_for_mail.  Besides the sanitizers, abort() when the
 * output breaks a promise of markdown.h: a raw <script> let through, or
 * two elements with the same id.  (fuzz_rawhtml.c asks more of the raw
 * HTML pass.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "site/frontmatter.h"
#include "site/markdown.h"
#include "support/text.h"

#define BASE	"https://example.com/blog/writing/a-post/"

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
 * A tag the raw HTML pass must have dropped or replaced.  (Not <title>:
 * an inline <svg> may have its own.)
 */
static void
no_raw_tag(const struct buf *b)
{
	static const char *const tags[] = { "<script", "<style", "<iframe",
	    "<textarea", "<xmp", "<noembed", "<noframes", "<plaintext" };
	const char	*p;
	size_t		 i, n;

	for (i = 0; i < sizeof(tags) / sizeof(*tags); i++) {
		n = strlen(tags[i]);
		for (p = b->data; (p = strchr(p, '<')) != NULL; p++)
			if (strncasecmp(p, tags[i], n) == 0 &&
			    strchr("\t\n\f\r />", p[n]) != NULL)
				abort();
	}
}

/*
 * Every id="..." in the HTML names one element only.  Only raw HTML can
 * put an id of its own there (text has its quotes escaped), with id= or
 * <a name=>, so this is asked only of a source without either.  Text
 * and attribute values have '<' and '"' escaped and every value is in
 * double quotes, so each '<' starts a tag whose attributes are read one
 * by one: " id=" inside another attribute's value (raw HTML left open
 * can swallow a heading's tag as text) is no id.
 */
static void
ids_unique(const struct buf *b)
{
	const char	*p, *a, *v[256];
	size_t		 n, len[256], nv = 0, i, j;

	for (p = b->data; (p = strchr(p, '<')) != NULL; p++) {
		a = p + 1 + strcspn(p + 1, " \t\n\f\r/>");
		while (*a != '>' && *a != '\0') {
			if (strchr(" \t\n\f\r/", *a) != NULL) {
				a++;
				continue;
			}
			n = strcspn(a, " \t\n\f\r/>=");
			if (a[n] != '=' || a[n + 1] != '"') {
				a += n;
				continue;
			}
			if (n == 2 && memcmp(a, "id", 2) == 0 && nv < 256) {
				v[nv] = a + n + 2;
				len[nv++] = strcspn(a + n + 2, "\"");
			}
			if ((a = strchr(a + n + 2, '"')) == NULL)
				return;
			a++;
		}
	}
	for (i = 0; i < nv; i++)
		for (j = i + 1; j < nv; j++)
			if (len[i] == len[j] && memcmp(v[i], v[j], len[i]) == 0)
				abort();
}

/* Does s hold name (any case) and then '=', maybe after spaces? */
static int
has_attr(const char *s, size_t n, const char *name)
{
	size_t	 i, k, len = strlen(name);

	for (i = 0; i + len < n; i++) {
		if (strncasecmp(s + i, name, len) != 0)
			continue;
		for (k = i + len; k < n && strchr(" \t\n\f\r", s[k]) != NULL &&
		    s[k] != '\0'; k++)
			;
		if (k < n && s[k] == '=')
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*src = (const char *)data, *why, *body = src;
	struct front_split fs;
	struct arena	*a;
	struct ynode	*root;
	struct err	 err;
	struct buf	 html, abs, text;
	struct md_opts	 portable, page;
	struct md_headings heads;
	size_t		 line, len = size;

	if (text_check_utf8(src, size, &line, &why) == -1)
		return 0;
	if ((a = arena_new()) == NULL)
		abort();
	if (fm_split(src, size, "posts/fuzz.md", &fs, &err) == 0) {
		if (fm_load(a, &fs, "posts/fuzz.md", &root, &err) == -1)
			goto out;
		body = fs.body;
		len = fs.body_len;
	}
	buf_init(&html, 0);
	buf_init(&abs, 0);
	buf_init(&text, 0);
	/* As a post's page has it: anchors on headings, the contents. */
	memset(&page, 0, sizeof(page));
	memset(&heads, 0, sizeof(heads));
	page.anchors = 1;
	page.headings = &heads;
	if (markdown_to_html(body, len, &page, &html, BASE, &abs) == -1)
		abort();
	md_headings_free(&heads);
	if (html.len > 0) {
		no_raw_tag(&html);
		if (!has_attr(body, len, "id") && !has_attr(body, len, "name"))
			ids_unique(&html);
	}
	buf_reset(&html);
	buf_reset(&abs);
	memset(&portable, 0, sizeof(portable));
	portable.portable = 1;
	if (markdown_to_html(body, len, &portable, &html, BASE, &abs) == -1)
		abort();
	buf_reset(&html);
	if (markdown_for_mail(body, len, NULL, BASE, &html, &text) == -1)
		abort();
	buf_free(&html);
	buf_free(&abs);
	buf_free(&text);
out:
	arena_free(a);
	return 0;
}
