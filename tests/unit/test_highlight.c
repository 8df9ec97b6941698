#include <sys/stat.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "site/highlight.h"
#include "site/highlight_cache.h"
#include "site/markdown.h"

/* A fence's name, the language it means, and a line with a keyword in it. */
static const struct {
	const char *fence, *lang, *code, *want;
} samples[] = {
	{ "c", "c", "static int x; /* c */", "<span class=\"c\">/* c */" },
	{ "h", "c", "#include <stdio.h>\nint x;",
	  "<span class=\"m\">#include &lt;stdio.h&gt;</span>\n"
	  "<span class=\"t\">int</span> x;" },
	{ "C++", "cpp", "template <class T> T f();",
	  "<span class=\"k\">template</span>" },
	{ "go", "go", "func main() {}", "<span class=\"k\">func</span>" },
	{ "rs", "rust", "fn main() { let x = 1; }", "<span class=\"k\">fn" },
	{ "py", "python", "def f(): return None", "<span class=\"k\">def" },
	{ "js", "javascript", "const x = 1;", "<span class=\"k\">const" },
	{ "ts", "typescript", "let x: number = 1;", "<span class=\"t\">number" },
	{ "TypeScript", "typescript", "interface A {}",
	  "<span class=\"k\">interface" },
	{ "java", "java", "public class A {}", "<span class=\"k\">public" },
	{ "kotlin", "kotlin", "fun main() = println(1)",
	  "<span class=\"k\">fun" },
	{ "swift", "swift", "guard let x = y else { return }",
	  "<span class=\"k\">guard" },
	{ "rb", "ruby", "def f; end", "<span class=\"k\">def" },
	{ "sql", "sql", "SELECT a FROM t;", "<span class=\"k\">SELECT" },
	{ "sh", "shell", "if true; then echo \"$HOME\"; fi",
	  "<span class=\"k\">if" },
	{ "bash", "shell", "for f in *; do :; done", "<span class=\"k\">for" },
	{ "yml", "yaml", "key: true # c",
	  "<span class=\"v\">key</span>: <span class=\"k\">true</span> "
	  "<span class=\"c\"># c</span>" },
	{ "json", "json", "{\"a\": 1}",
	  "{<span class=\"v\">&quot;a&quot;</span>: <span class=\"n\">1" },
	{ "toml", "toml", "[server]\nport = 8080",
	  "\n<span class=\"v\">port</span> = <span class=\"n\">8080" },
	{ "html", "html", "<p class=\"x\">a</p>",
	  "<span class=\"k\">&lt;p</span> <span class=\"v\">class=</span>"
	  "<span class=\"s\">&quot;x&quot;</span>" },
	{ "css", "css", "a { color: red; }", "<span class=\"k\">color</span>" },
	{ "Dockerfile", "dockerfile", "FROM debian:12\nRUN make",
	  "<span class=\"k\">FROM" },
	{ "diff", "diff", "@@ -1 +1 @@\n-x\n+y",
	  "<span class=\"m\">@@ -1 +1 @@</span>\n<span class=\"d\">-x</span>"
	  "\n<span class=\"a\">+y</span>" },
	/* Without its "<?php", as essays show it, and with. */
	{ "php", "php", "echo $x;", "<span class=\"k\">echo</span> "
	  "<span class=\"v\">$x</span>;" },
	{ "php", "php", "<?php\necho $x;", "\n<span class=\"k\">echo</span>" },
	{ "graphql", "graphql", "query Q($id: ID!) { user(id: $id) { name } }",
	  "<span class=\"k\">query" },
};

/* Every language an engineer's essays use, under its usual names. */
static void
languages(void **state)
{
	struct buf	 b;
	size_t		 i;

	(void)state;
	highlight_init();
	buf_init(&b, 0);
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		const char *l = highlight_lang(samples[i].fence,
		    strlen(samples[i].fence));

		if (l == NULL || strcmp(l, samples[i].lang) != 0)
			fail_msg("%s: got %s", samples[i].fence, l ? l : "NULL");
		buf_reset(&b);
		if (highlight_code(l, samples[i].code, strlen(samples[i].code),
		    &b) != 1 || strstr(b.data, samples[i].want) == NULL)
			fail_msg("%s: got %s", samples[i].fence,
			    b.data ? b.data : "(nothing)");
	}
	assert_null(highlight_lang("brainfuck", 9));
	assert_null(highlight_lang("", 0));
	/* Only the first n bytes count. */
	assert_string_equal(highlight_lang("gox", 2), "go");
	buf_free(&b);
}

/*
 * Whatever the code, the HTML has only the spans' tags, and every '&' is
 * an entity's: take the spans out and no '<' or '>' is left.
 */
static void
escaped(void **state)
{
	static const char code[] = "x = \"</code><script>alert('&amp;')"
	    "</script>\"; // <b>&\n/* </span> */ y < z && a > b\n";
	struct buf	 b;
	size_t		 i, j;
	char		*p;

	(void)state;
	highlight_init();
	buf_init(&b, 0);
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		buf_reset(&b);
		assert_int_equal(highlight_code(samples[i].lang, code,
		    sizeof(code) - 1, &b), 1);
		for (p = b.data; (p = strchr(p, '<')) != NULL; ) {
			if (strncmp(p, "</span>", 7) == 0)
				p += 7;
			else if (strncmp(p, "<span class=\"", 13) == 0 &&
			    p[13] != '\0' && strncmp(p + 14, "\">", 2) == 0)
				p += 16;
			else
				fail_msg("%s: a tag in %s", samples[i].lang,
				    b.data);
		}
		for (j = 0; j < b.len; j++)
			if (b.data[j] == '&' && strncmp(b.data + j, "&lt;", 4) &&
			    strncmp(b.data + j, "&gt;", 4) &&
			    strncmp(b.data + j, "&amp;", 5) &&
			    strncmp(b.data + j, "&quot;", 6) &&
			    strncmp(b.data + j, "&#39;", 5))
				fail_msg("%s: a bare & in %s", samples[i].lang,
				    b.data);
	}
	buf_free(&b);
}

/* Lines past the bounds, and unknown names, leave the code alone. */
static void
left_plain(void **state)
{
	struct buf	 b;
	char		*big;

	(void)state;
	highlight_init();
	buf_init(&b, 0);
	assert_int_equal(BUF_LIT(&b, "x"), 0);
	assert_int_equal(highlight_code("nope", "int x;", 6, &b), 0);
	big = malloc(HIGHLIGHT_MAX_LINE + 2);
	assert_non_null(big);
	memset(big, 'a', HIGHLIGHT_MAX_LINE + 1);
	big[HIGHLIGHT_MAX_LINE + 1] = '\0';
	assert_int_equal(highlight_code("c", big, HIGHLIGHT_MAX_LINE + 1, &b),
	    0);
	assert_int_equal(b.len, 1);
	free(big);
	buf_free(&b);
}

struct run {
	size_t	 rounds;
	char	*out[sizeof(samples) / sizeof(*samples)];
};

static void *
run_all(void *arg)
{
	struct run	*r = arg;
	struct buf	 b;
	size_t		 i, k;

	buf_init(&b, 0);
	for (k = 0; k < r->rounds; k++)
		for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
			buf_reset(&b);
			if (highlight_code(samples[i].lang, samples[i].code,
			    strlen(samples[i].code), &b) != 1)
				continue;
			free(r->out[i]);
			r->out[i] = strdup(b.data);
		}
	buf_free(&b);
	return NULL;
}

/* Four threads at once get what one gets alone (the build renders so). */
static void
threads(void **state)
{
	struct run	 one, many[4];
	pthread_t	 t[4];
	size_t		 i, k;

	(void)state;
	highlight_init();
	memset(&one, 0, sizeof(one));
	memset(many, 0, sizeof(many));
	one.rounds = 1;
	run_all(&one);
	for (k = 0; k < 4; k++) {
		many[k].rounds = 20;
		assert_int_equal(pthread_create(&t[k], NULL, run_all,
		    &many[k]), 0);
	}
	for (k = 0; k < 4; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		assert_non_null(one.out[i]);
		for (k = 0; k < 4; k++) {
			assert_non_null(many[k].out[i]);
			assert_string_equal(many[k].out[i], one.out[i]);
			free(many[k].out[i]);
		}
		free(one.out[i]);
	}
}

/*
 * The page gets the colours and the anchors; the feed's copy and the
 * mail neither; the headings for the contents are the h2 and h3.
 */
static void
page_and_feed(void **state)
{
	static const char src[] = "## One & two\n\n```go {linenos=true}\n"
	    "func f() {}\n```\n\n### Three\n\n#### Four\n\n```nope\nx\n```\n";
	struct md_opts	 o;
	struct md_headings h;
	struct buf	 page, feed;

	(void)state;
	markdown_init();
	memset(&o, 0, sizeof(o));
	memset(&h, 0, sizeof(h));
	o.anchors = 1;
	o.headings = &h;
	buf_init(&page, 0);
	buf_init(&feed, 0);
	assert_int_equal(markdown_to_html(src, sizeof(src) - 1, &o, &page,
	    "https://e.com/p/", &feed), 0);
	if (strstr(page.data, "<pre tabindex=\"0\"><code class=\"language-go\">"
	    "<span class=\"k\">func</span>") == NULL ||
	    strstr(page.data, "<code class=\"language-nope\">x\n") == NULL ||
	    strstr(page.data, " <a class=\"anchor\" href=\"#one-two\" "
	    "aria-label=\"Section: One &amp; two\">#</a></h2>") == NULL)
		fail_msg("page: %s", page.data);
	if (strstr(feed.data, "<span") != NULL ||
	    strstr(feed.data, "anchor") != NULL ||
	    strstr(feed.data, "<code class=\"language-go\">func f() {}") ==
	    NULL)
		fail_msg("feed: %s", feed.data);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.v[0].level, 2);
	assert_string_equal(h.v[0].id, "one-two");
	assert_string_equal(h.v[0].text, "One & two");
	assert_int_equal(h.v[1].level, 3);
	assert_string_equal(h.v[1].id, "three");
	md_headings_free(&h);
	/* Mail clients drop stylesheets: the letter's code is plain too. */
	buf_reset(&page);
	buf_reset(&feed);
	assert_int_equal(markdown_for_mail(src, sizeof(src) - 1, NULL,
	    "https://e.com/p/", &page, &feed), 0);
	if (strstr(page.data, "<span") != NULL ||
	    strstr(page.data, "anchor") != NULL ||
	    strstr(page.data, "<code class=\"language-go\">func f() {}") ==
	    NULL)
		fail_msg("mail: %s", page.data);
	buf_free(&page);
	buf_free(&feed);
}

/*
 * Take the spans out of o and read the entities back: the code o shows.
 * NULL when o has any other tag, or a span across a line.
 */
static char *
read_back(const char *o, size_t *n)
{
	static const char *const ents[] = { "&lt;", "<", "&gt;", ">",
	    "&amp;", "&", "&quot;", "\"", "&#39;", "'" };
	struct buf	 b;
	size_t		 k;
	int		 open = 0;

	buf_init(&b, 0);
	while (*o != '\0') {
		if (!open && strncmp(o, "<span class=\"", 13) == 0 &&
		    o[13] != '\0' && strncmp(o + 14, "\">", 2) == 0) {
			open = 1;
			o += 16;
			continue;
		}
		if (open && strncmp(o, "</span>", 7) == 0) {
			open = 0;
			o += 7;
			continue;
		}
		if (*o == '<' || *o == '>' || (*o == '\n' && open))
			goto bad;
		if (*o == '&') {
			for (k = 0; k < sizeof(ents) / sizeof(*ents); k += 2)
				if (strncmp(o, ents[k], strlen(ents[k])) == 0)
					break;
			if (k == sizeof(ents) / sizeof(*ents))
				goto bad;
			assert_int_equal(buf_putc(&b, ents[k + 1][0]), 0);
			o += strlen(ents[k]);
			continue;
		}
		assert_int_equal(buf_putc(&b, *o++), 0);
	}
	if (open)
		goto bad;
	*n = b.len;
	return buf_take(&b, NULL);
bad:
	buf_free(&b);
	return NULL;
}

/*
 * Every byte comes out once, in order, whatever it is: UTF-8 of one to
 * four bytes (the library counts UTF-16 units, two for U+1F600), bytes
 * that are no UTF-8 at all, CRs and tabs, on lines with and without it.
 */
static void
bytes_kept(void **state)
{
	static const char *const codes[] = {
		"s = \"h\xc3\xa9llo \xf0\x9f\x98\x80 w\" # \xe2\x82\xac c\n",
		"x = \"\xff\xfe\xc3\" + 1 # \xed\xa0\x80 \xf4\x90\x80\x80\n",
		"\xf0\x9f\x98\x80\xf0\x9f\x98\x80 = 2\r\n\t\xe0\x80\xaf \"\xc3\"",
		"// \xf0\x9f\x98\nint x = 1; /* \xc3\xa9\xc3 */ return 0;",
	};
	static const char *const langs[] = { "python", "c", "javascript",
	    "yaml", "shell", "html" };
	struct buf	 b;
	size_t		 i, k, n;
	char		*back;

	(void)state;
	buf_init(&b, 0);
	for (k = 0; k < sizeof(langs) / sizeof(*langs); k++)
		for (i = 0; i < sizeof(codes) / sizeof(*codes); i++) {
			buf_reset(&b);
			assert_int_equal(highlight_code(langs[k], codes[i],
			    strlen(codes[i]), &b), 1);
			if ((back = read_back(b.data, &n)) == NULL ||
			    n != strlen(codes[i]) ||
			    memcmp(back, codes[i], n) != 0)
				fail_msg("%s %zu: got %s", langs[k], i, b.data);
			free(back);
		}
	/* And the spans are where the characters are. */
	buf_reset(&b);
	assert_int_equal(highlight_code("python", codes[0], strlen(codes[0]),
	    &b), 1);
	assert_non_null(strstr(b.data, "<span class=\"s\">&quot;h\xc3\xa9llo "
	    "\xf0\x9f\x98\x80 w&quot;</span> <span class=\"c\"># \xe2\x82\xac "
	    "c</span>"));
	buf_free(&b);
}

/* What a page cache must hash: the plugin and the library, found. */
static void
fingerprint(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(highlight_fingerprint(&b), 0);
	if (strstr(b.data, "stet-highlight.so ") == NULL ||
	    strstr(b.data, "stet-highlight.so -") != NULL ||
	    strstr(b.data, "libKF5SyntaxHighlighting.so.5 /") == NULL ||
	    strstr(b.data, "\ntypescript TypeScript\n") == NULL)
		fail_msg("got: %s", b.data);
	buf_free(&b);
}

static void *
highlight_c(void *arg)
{
	struct buf	*b = arg;

	if (highlight_code("c", "int x;", 6, b) != 1)
		buf_truncate(b, 0);
	return NULL;
}

/*
 * A definition of the user's that the library takes over its own
 * changes the fingerprint, and the output: the folders the fingerprint
 * lists are the library's.  (A new thread, for a repository read
 * after XDG_DATA_HOME is set.)
 */
static void
user_definition(void **state)
{
	static const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE language>\n"
	    "<language name=\"C\" version=\"100000\" kateversion=\"5.0\" "
	    "section=\"Sources\" extensions=\"*.c\">\n<highlighting>\n"
	    "<contexts><context name=\"All\" attribute=\"Comment\" "
	    "lineEndContext=\"#stay\"/></contexts>\n"
	    "<itemDatas><itemData name=\"Comment\" defStyleNum=\"dsComment\"/>"
	    "</itemDatas>\n</highlighting>\n</language>\n";
	char		 dir[] = "/tmp/stet-hl-XXXXXX", path[256];
	struct buf	 before, after, out;
	pthread_t	 t;
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	buf_init(&before, 0);
	buf_init(&after, 0);
	buf_init(&out, 0);
	assert_int_equal(setenv("XDG_DATA_HOME", dir, 1), 0);
	assert_int_equal(highlight_fingerprint(&before), 0);
	snprintf(path, sizeof(path), "%s/org.kde.syntax-highlighting", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/org.kde.syntax-highlighting/syntax",
	    dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path),
	    "%s/org.kde.syntax-highlighting/syntax/c.xml", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(xml, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(highlight_fingerprint(&after), 0);
	if (before.len == after.len && memcmp(before.data, after.data,
	    before.len) == 0)
		fail_msg("the same: %s", after.data);
	assert_non_null(strstr(after.data, "/syntax/c.xml "));
	assert_int_equal(pthread_create(&t, NULL, highlight_c, &out), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_string_equal(out.data ? out.data : "",
	    "<span class=\"c\">int x;</span>");
	unlink(path);
	snprintf(path, sizeof(path), "%s/org.kde.syntax-highlighting/syntax",
	    dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/org.kde.syntax-highlighting", dir);
	rmdir(path);
	rmdir(dir);
	unsetenv("XDG_DATA_HOME");
	buf_free(&before);
	buf_free(&after);
	buf_free(&out);
}

/* code highlighted as go, into a string the caller frees. */
static char *
go(const char *code)
{
	struct buf	 out;

	buf_init(&out, 0);
	assert_int_equal(highlight_code("go", code, strlen(code), &out), 1);
	return buf_take(&out, NULL);
}

/* Is code's go known to the cache? */
static int
cached(const char *code)
{
	const unsigned char *runs;
	size_t		 n;

	return hlc_find("Go", code, strlen(code), &runs, &n);
}

/*
 * .stet/code: what a build highlights, the next finds, with the same
 * bytes out; a build that rendered everything forgets what it did not
 * meet; a torn or foreign file is ignored, and written anew.
 */
/*
 * The cache in fd no longer holds code: it is highlighted again, the
 * same as first (want), and the next build finds it kept.
 */
static void
made_again(int fd, const char *code, const char *want)
{
	struct err	 err;
	char		*again;

	highlight_cache_open(fd);
	assert_false(cached(code));
	again = go(code);
	assert_string_equal(again, want);
	free(again);
	assert_int_equal(highlight_cache_save(0, &err), 0);
	highlight_cache_close();
	highlight_cache_open(fd);
	assert_true(cached(code));
	highlight_cache_close();
}

static void
code_cache(void **state)
{
	static const char *a = "func a() { return \"<a>\" }",
	    *b = "func b() int { return 1 }";
	char		 dir[] = "/tmp/stet-hlc.XXXXXX", path[64], *fa, *fb,
			*again;
	struct err	 err;
	struct stat	 st, st2;
	FILE		*f;
	int		 fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/.stet", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true((fd = open(dir, O_RDONLY | O_DIRECTORY)) != -1);
	snprintf(path, sizeof(path), "%s/.stet/code", dir);

	/* Not open: nothing is kept, nothing found. */
	fa = go(a);
	assert_false(cached(a));
	highlight_cache_open(fd);
	assert_false(cached(a));
	free(fa);
	fa = go(a);
	fb = go(b);
	assert_int_equal(highlight_cache_save(0, &err), 0);
	highlight_cache_close();
	assert_int_equal(stat(path, &st), 0);

	/* The next build finds both, and writes the same bytes. */
	highlight_cache_open(fd);
	assert_true(cached(a));
	assert_true(cached(b));
	highlight_cache_close();
	highlight_cache_open(fd);
	again = go(a);
	assert_string_equal(again, fa);
	free(again);
	/* It met a only, and rendered everything: b is forgotten. */
	assert_int_equal(highlight_cache_save(1, &err), 0);
	highlight_cache_close();
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st2.st_size < st.st_size);
	highlight_cache_open(fd);
	assert_true(cached(a));
	assert_false(cached(b));
	highlight_cache_close();

	/* Torn: ignored, the code highlighted again, the file made anew. */
	assert_int_equal(truncate(path, st2.st_size - 3), 0);
	made_again(fd, a, fa);

	/* A bad byte in a block's runs: that block highlighted again. */
	assert_int_equal(stat(path, &st), 0);
	assert_non_null(f = fopen(path, "r+"));
	assert_int_equal(fseek(f, st.st_size - 1, SEEK_SET), 0);
	{
		int c = fgetc(f);

		assert_int_equal(fseek(f, st.st_size - 1, SEEK_SET), 0);
		assert_int_equal(fputc(c ^ 0x01, f), c ^ 0x01);
	}
	assert_int_equal(fclose(f), 0);
	made_again(fd, a, fa);

	/* Another highlighter's (its fingerprint): ignored. */
	assert_non_null(f = fopen(path, "r+"));
	assert_int_equal(fseek(f, 16, SEEK_SET), 0);
	assert_int_equal(fputc('!', f), '!');
	assert_int_equal(fclose(f), 0);
	highlight_cache_open(fd);
	assert_false(cached(a));
	highlight_cache_close();

	free(fa);
	free(fb);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.stet", dir);
	rmdir(path);
	rmdir(dir);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(languages),
		cmocka_unit_test(escaped),
		cmocka_unit_test(left_plain),
		cmocka_unit_test(threads),
		cmocka_unit_test(page_and_feed),
		cmocka_unit_test(bytes_kept),
		cmocka_unit_test(fingerprint),
		cmocka_unit_test(user_definition),
		cmocka_unit_test(code_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
