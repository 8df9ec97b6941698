/*
 * stet import's body conversion: the first byte picks the old tool
 * (even: Jekyll, odd: Hugo), the rest is a post's body, taken through
 * convert_body (Liquid, kramdown, shortcodes) and convert_links (links
 * and remote images) with a resolver that knows one post and a remote
 * hook that takes every other image: for the sanitizers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/convert.h"

static int
resolve(void *ctx, enum conv_ref how, const char *ref, size_t n,
    struct buf *out)
{
	(void)ctx;
	(void)how;
	if (n == 1 && *ref == 'x')
		return buf_puts(out, "../x/") == -1 ? -1 : 1;
	return 0;
}

static int
remote(void *ctx, const char *url, size_t n, struct buf *out)
{
	(void)ctx;
	(void)url;
	if (n % 2)
		return 0;
	return buf_puts(out, "/media/x.png") == -1 ? -1 : 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notes	 ns;
	struct conv	 c;
	struct buf	 a, b;

	if (size < 1)
		return 0;
	notes_init(&ns);
	memset(&c, 0, sizeof(c));
	c.kind = data[0] % 2 ? OLD_HUGO : OLD_JEKYLL;
	c.file = "in.md";
	c.line = 1;
	c.newfile = "out.md";
	c.newline = 1;
	c.notes = &ns;
	c.resolve = resolve;
	c.remote = remote;
	buf_init(&a, 0);
	buf_init(&b, 0);
	if (convert_body(&c, (const char *)data + 1, size - 1, &a) == 0)
		(void)convert_links(&c, a.data ? a.data : "", a.len, &b);
	buf_free(&a);
	buf_free(&b);
	notes_free(&ns);
	return 0;
}
