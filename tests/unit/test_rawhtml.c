#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "site/markdown.h"

/*
 * The raw HTML pass, through markdown_to_html as a page gets it: what
 * breaks one of the site's promises is replaced, each change a warning
 * on its line, and a body without raw HTML comes out as it always did.
 */

#define SITE	"https://me.example/"
#define BASE	"https://me.example/writing/p/"

struct result {
	char	*html;		/* the page's */
	char	*abs;		/* the feed's, URLs absolute */
	char	*warnings;	/* "LINE: what\n" each, in order */
	size_t	 nwarnings;
};

static void
result_free(struct result *r)
{
	free(r->html);
	free(r->abs);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

static char *
warnings_of(struct diag *d, size_t *n)
{
	struct buf	 w;
	size_t		 i;

	buf_init(&w, 0);
	diag_sort(d);
	for (i = 0; i < d->n; i++) {
		assert_string_equal(d->v[i].file, "posts/p.md");
		assert_int_equal(buf_printf(&w, "%zu: %s\n", d->v[i].line,
		    d->v[i].msg), 0);
	}
	*n = d->n;
	assert_int_equal(BUF_LIT(&w, ""), 0);
	return buf_take(&w, NULL);
}

/* src (its body starting on line 10 of posts/p.md) as a page has it. */
static struct result
render(const char *src, int allow)
{
	struct result	 r;
	struct md_opts	 o;
	struct diag	 d;
	struct buf	 html, abs;
	int		 warned = 0;

	diag_init(&d);
	buf_init(&html, 0);
	buf_init(&abs, 0);
	memset(&o, 0, sizeof(o));
	o.diag = &d;
	o.file = "posts/p.md";
	o.line = 10;
	o.site = SITE;
	o.allow_remote_images = allow;
	o.warned = &warned;
	assert_int_equal(markdown_to_html(src, strlen(src), &o, &html, BASE,
	    &abs), 0);
	assert_int_equal(BUF_LIT(&html, ""), 0);
	assert_int_equal(BUF_LIT(&abs, ""), 0);
	r.html = buf_take(&html, NULL);
	r.abs = buf_take(&abs, NULL);
	r.warnings = warnings_of(&d, &r.nwarnings);
	/* Warned once, for the page: the feed's copy says nothing more. */
	assert_int_equal(warned, r.nwarnings > 0);
	diag_free(&d);
	return r;
}

static void
has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("want\n  %s\nin\n%s", needle, hay);
}

static void
lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL)
		fail_msg("do not want\n  %s\nin\n%s", needle, hay);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A body without raw HTML skips the pass: byte for byte as before. */
static void
no_raw_html_unchanged(void **state)
{
	static const char src[] =
	    "# A post without raw HTML\n"
	    "\n"
	    "Some *emphasis*, **strong**, `code`, a [link](../other/ "
	    "\"Other\"),\n"
	    "an autolink https://example.org/x and ~~struck~~ text, \""
	    "quotes\" -- dashes.\n"
	    "\n"
	    "![A local image](img/photo.png)\n"
	    "\n"
	    "| Left | Right |\n"
	    "|:-----|------:|\n"
	    "| a < b | c & d |\n"
	    "\n"
	    "1. one\n"
	    "2. two\n"
	    "\n"
	    "> quoted\n"
	    "\n"
	    "```c\n"
	    "if (a < b && c > d)\n"
	    "\treturn \"x\";\n"
	    "```\n"
	    "\n"
	    "Text with a note.[^n]\n"
	    "\n"
	    "[^n]: The note.\n";
	/*
	 * stet's output for src before raw HTML was parsed, with what a
	 * page's copy adds: decoding= and a sidenote (imgtags.h,
	 * sidenotes.h).
	 */
	static const char page[] =
	    "<h1 id=\"a-post-without-raw-html\">\n"
	    "A post without raw HTML\n"
	    "</h1>\n"
	    "<p>Some <em>emphasis</em>, <strong>strong</strong>, <cod"
	    "e>code</code>, a <a href=\"../other/\" title=\"Other\">link<"
	    "/a>,\n"
	    "an autolink <a href=\"https://example.org/x\">https://exam"
	    "ple.org/x</a> and <del>struck</del> text, “quotes” – das"
	    "hes.</p>\n"
	    "<p><img src=\"img/photo.png\" alt=\"A local image\" "
	    "decoding=\"async\"></p>\n"
	    "<table tabindex=\"0\">\n"
	    "<thead>\n"
	    "<tr>\n"
	    "<th class=\"align-left\">Left</th>\n"
	    "<th class=\"align-right\">Right</th>\n"
	    "</tr>\n"
	    "</thead>\n"
	    "<tbody>\n"
	    "<tr>\n"
	    "<td class=\"align-left\">a &lt; b</td>\n"
	    "<td class=\"align-right\">c &amp; d</td>\n"
	    "</tr>\n"
	    "</tbody>\n"
	    "</table>\n"
	    "<ol>\n"
	    "<li>one</li>\n"
	    "<li>two</li>\n"
	    "</ol>\n"
	    "<blockquote>\n"
	    "<p>quoted</p>\n"
	    "</blockquote>\n"
	    "<pre tabindex=\"0\"><code class=\"language-c\"><span class"
	    "=\"k\">if</span> (a &lt; b &amp;&amp; c &gt; d)\n"
	    "\t<span class=\"k\">return</span> <span class=\"s\">&quot;"
	    "x&quot;</span>;\n"
	    "</code></pre>\n"
	    "<p>Text with a note.<sup class=\"footnote-ref\"><a href=\"#"
	    "fn-n\" id=\"fnref-n\" data-footnote-ref>1</a></sup><span "
	    "class=\"sidenote\" aria-hidden=\"true\"><span class=\"sid"
	    "enote-n\">1</span> The note.</span></p>\n"
	    "<section class=\"footnotes\" data-footnotes data-sidenoted>\n"
	    "<ol>\n"
	    "<li id=\"fn-n\">\n"
	    "<p>The note. <a href=\"#fnref-n\" class=\"footnote-backref\""
	    " data-footnote-backref aria-label=\"Back to content\">↩</a"
	    "></p>\n"
	    "</li>\n"
	    "</ol>\n"
	    "</section>\n";
	static const char abs[] =
	    "<h1 id=\"a-post-without-raw-html\">\n"
	    "A post without raw HTML\n"
	    "</h1>\n"
	    "<p>Some <em>emphasis</em>, <strong>strong</strong>, <cod"
	    "e>code</code>, a <a href=\"https://me.example/writing/oth"
	    "er/\" title=\"Other\">link</a>,\n"
	    "an autolink <a href=\"https://example.org/x\">https://exam"
	    "ple.org/x</a> and <del>struck</del> text, “quotes” – das"
	    "hes.</p>\n"
	    "<p><img src=\"https://me.example/writing/p/img/photo.png\""
	    " alt=\"A local image\" /></p>\n"
	    "<table tabindex=\"0\">\n"
	    "<thead>\n"
	    "<tr>\n"
	    "<th class=\"align-left\">Left</th>\n"
	    "<th class=\"align-right\">Right</th>\n"
	    "</tr>\n"
	    "</thead>\n"
	    "<tbody>\n"
	    "<tr>\n"
	    "<td class=\"align-left\">a &lt; b</td>\n"
	    "<td class=\"align-right\">c &amp; d</td>\n"
	    "</tr>\n"
	    "</tbody>\n"
	    "</table>\n"
	    "<ol>\n"
	    "<li>one</li>\n"
	    "<li>two</li>\n"
	    "</ol>\n"
	    "<blockquote>\n"
	    "<p>quoted</p>\n"
	    "</blockquote>\n"
	    "<pre tabindex=\"0\"><code class=\"language-c\">if (a &lt; b "
	    "&amp;&amp; c &gt; d)\n"
	    "\treturn &quot;x&quot;;\n"
	    "</code></pre>\n"
	    "<p>Text with a note.<sup class=\"footnote-ref\"><a href=\"h"
	    "ttps://me.example/writing/p/#fn-n\" id=\"fnref-n\" data-foo"
	    "tnote-ref>1</a></sup></p>\n"
	    "<section class=\"footnotes\" data-footnotes>\n"
	    "<ol>\n"
	    "<li id=\"fn-n\">\n"
	    "<p>The note. <a href=\"https://me.example/writing/p/#fnre"
	    "f-n\" class=\"footnote-backref\" data-footnote-backref aria"
	    "-label=\"Back to content\">↩</a></p>\n"
	    "</li>\n"
	    "</ol>\n"
	    "</section>\n";
	struct result	 r;

	(void)state;
	r = render(src, 0);
	assert_string_equal(r.html, page);
	assert_string_equal(r.abs, abs);
	assert_int_equal(r.nwarnings, 0);
	result_free(&r);
}

/* The table's first row: frames and players become links. */
static void
embeds_become_links(void **state)
{
	struct result	 r;

	(void)state;
	r = render("Intro.\n\n"
	    "<iframe src=\"https://www.youtube.com/embed/x\" title=\"Talk\">"
	    "</iframe>\n\n"
	    "<video src=\"https://cdn.example/v.mp4\" controls></video>\n\n"
	    "<audio><source src=\"https://cdn.example/a.ogg\"></audio>\n\n"
	    "<embed src=\"https://cdn.example/e.swf\">\n\n"
	    "<object data=\"https://docs.example/d.pdf\" title=\"The PDF\">"
	    "</object>\n\n"
	    "<iframe srcdoc=\"<p>x</p>\"></iframe>\n", 0);
	has(r.html, "<p><a href=\"https://www.youtube.com/embed/x\">Talk</a>"
	    "</p>");
	has(r.html, "<a href=\"https://cdn.example/v.mp4\">cdn.example</a>");
	has(r.html, "<a href=\"https://cdn.example/a.ogg\">cdn.example</a>");
	has(r.html, "<a href=\"https://cdn.example/e.swf\">cdn.example</a>");
	has(r.html, "<a href=\"https://docs.example/d.pdf\">The PDF</a>");
	lacks(r.html, "<iframe");
	lacks(r.html, "<video");
	lacks(r.html, "<audio");
	lacks(r.html, "<embed");
	lacks(r.html, "<object");
	lacks(r.html, "&lt;");
	assert_string_equal(r.warnings,
	    "12: <iframe> from www.youtube.com made a link: pages embed "
	    "nothing from other hosts\n"
	    "14: <video> from cdn.example made a link: pages embed nothing "
	    "from other hosts\n"
	    "16: <audio> from cdn.example made a link: pages embed nothing "
	    "from other hosts\n"
	    "18: <embed> from cdn.example made a link: pages embed nothing "
	    "from other hosts\n"
	    "20: <object> from docs.example made a link: pages embed nothing "
	    "from other hosts\n"
	    "22: <iframe> dropped: it has no http, https or relative address "
	    "to link to\n");
	result_free(&r);
}

/* The second row: script, styles, the head's elements, forms, on*=. */
static void
promises_dropped(void **state)
{
	struct result	 r;

	(void)state;
	r = render("<script>alert(1)</script>\n\n"
	    "<style>p { color: red }</style>\n\n"
	    "Text <link rel=\"stylesheet\" href=\"https://cdn.example/x.css\">"
	    "<meta http-equiv=\"refresh\" content=\"0\"><base href=\"/x/\">"
	    "here.\n\n"
	    "<form action=\"https://evil.example/\"><input name=\"q\"></form>"
	    "\n\n"
	    "<p onclick=\"alert(2)\" onmouseover=\"alert(3)\">Click</p>\n\n"
	    "A <textarea>t</textarea><button>b</button> control.\n", 0);
	lacks(r.html, "alert");
	lacks(r.html, "color");
	lacks(r.html, "<link");
	lacks(r.html, "<meta");
	lacks(r.html, "<base");
	lacks(r.html, "<form");
	lacks(r.html, "<input");
	lacks(r.html, "&lt;");
	has(r.html, "<p>Text here.</p>");
	has(r.html, "<p>Click</p>");
	has(r.html, "<p>A  control.</p>");
	lacks(r.html, "<textarea");
	lacks(r.html, "<button");
	assert_string_equal(r.warnings,
	    "10: <script> dropped: the site runs no script\n"
	    "12: <style> dropped: the site has one stylesheet\n"
	    "14: <base> dropped: a page's head and body are its template's\n"
	    "14: <link> dropped: the site has one stylesheet\n"
	    "14: <meta> dropped: a page's head and body are its template's\n"
	    "16: <form> dropped: a post holds no forms\n"
	    "18: onclick= dropped: the site runs no script\n"
	    "18: onmouseover= dropped: the site runs no script\n"
	    "20: <button> dropped: a post holds no forms\n"
	    "20: <textarea> dropped: a post holds no forms\n");
	result_free(&r);
}

/* The third row: style= is refused by the Content-Security-Policy. */
static void
style_attribute_dropped(void **state)
{
	struct result	 r;

	(void)state;
	r = render("A <span style=\"color: red\" class=\"x\">red</span> word.\n",
	    0);
	has(r.html, "<p>A <span class=\"x\">red</span> word.</p>");
	assert_string_equal(r.warnings, "10: style= dropped: the "
	    "Content-Security-Policy forbids inline styles\n");
	result_free(&r);
}

/* The fourth row: obsolete markup becomes plain content, a class, id=. */
static void
obsolete_markup(void **state)
{
	struct result	 r, r2;

	(void)state;
	r = render("<center>Middle</center>\n\n"
	    "<p align=\"right\" class=\"x\">Right</p>\n\n"
	    "A <font color=\"red\" face=\"Comic\">loud</font> <tt>mono</tt> "
	    "<a name=\"old\">anchor</a> <strike>gone</strike>.\n\n"
	    "<table border=\"1\" cellpadding=\"2\"><tr><td valign=\"top\">c"
	    "</td></tr></table>\n", 0);
	has(r.html, "<div class=\"align-center\">Middle</div>");
	has(r.html, "<p class=\"x align-right\">Right</p>");
	has(r.html, "A loud <code>mono</code> <a id=\"old\">anchor</a> "
	    "<s>gone</s>.");
	has(r.html, "<table><tbody><tr><td>c</td></tr></tbody></table>");
	/* No id twice: not a heading's, nor the same name again. */
	r2 = render("# Top\n\n<a name=\"top\">x</a> <a name=\"n\">y</a> "
	    "<a name=\"n\">z</a>\n", 0);
	has(r2.html, "<h1 id=\"top\">");
	has(r2.html, "<a>x</a> <a id=\"n\">y</a> <a>z</a>");
	assert_string_equal(r2.warnings,
	    "12: <a name> is obsolete: dropped (the page has that id "
	    "already)\n"
	    "12: <a name> is obsolete: dropped (the page has that id "
	    "already)\n"
	    "12: <a name> is obsolete: made id=\"n\"\n");
	result_free(&r2);
	lacks(r.html, "<center");
	lacks(r.html, "<font");
	lacks(r.html, "align=");
	lacks(r.html, "name=");
	assert_string_equal(r.warnings,
	    "10: <center> is obsolete: made <div class=\"align-center\">\n"
	    "12: align=\"right\" is obsolete: made class=\"align-right\"\n"
	    "14: <a name> is obsolete: made id=\"old\"\n"
	    "14: <font> dropped, its content kept: obsolete\n"
	    "14: <strike> is obsolete: made <s>\n"
	    "14: <tt> is obsolete: made <code>\n"
	    "16: border= is obsolete: dropped\n"
	    "16: cellpadding= is obsolete: dropped\n"
	    "16: valign= is obsolete: dropped\n");
	result_free(&r);
}

/* The last row: inline SVG stays unless it has a script or goes out. */
static void
inline_svg(void **state)
{
	struct result	 r;

	(void)state;
	r = render("<svg viewBox=\"0 0 10 10\" role=\"img\"><title>Dot</title>"
	    "<defs><linearGradient id=\"g\"/></defs>"
	    "<circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"url(#g)\"/>"
	    "<use href=\"#g\"/></svg>\n\n"
	    "<svg><script>alert(1)</script></svg>\n\n"
	    "<svg><circle onclick=\"alert(2)\" r=\"1\"/></svg>\n\n"
	    "<svg><image href=\"https://track.example/p.png\"/></svg>\n\n"
	    "<svg><rect fill=\"url(https://track.example/f)\"/></svg>\n\n"
	    "<svg><iframe src=\"x\"></iframe><rect/></svg> "
	    "<math><mi>x</mi><mo>=</mo><mn>2</mn></math>\n", 0);
	has(r.html, "<svg viewBox=\"0 0 10 10\" role=\"img\"><title>Dot</title>"
	    "<defs><linearGradient id=\"g\"></linearGradient></defs>"
	    "<circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"url(#g)\"></circle>"
	    "<use href=\"#g\"></use></svg>");
	/* Only SVG's own elements in it; MathML as it is. */
	has(r.html, "<svg><rect></rect></svg> "
	    "<math><mi>x</mi><mo>=</mo><mn>2</mn></math>");
	assert_int_equal(count(r.html, "<svg"), 2);
	lacks(r.html, "<iframe");
	lacks(r.html, "alert");
	lacks(r.html, "track.example");
	assert_string_equal(r.warnings,
	    "12: <svg> dropped: it holds a script\n"
	    "14: <svg> dropped: it holds an event handler (a script)\n"
	    "16: <svg> dropped: it refers to something outside itself\n"
	    "18: <svg> dropped: it refers to something outside itself\n"
	    "20: <iframe> dropped: not an element of SVG\n");
	result_free(&r);
}

/* Only http, https, mailto and relative URLs in href= and src=. */
static void
urls_checked(void **state)
{
	struct result	 r;

	(void)state;
	r = render("[md](javascript:alert(1)) "
	    "<a href=\" java&#9;script:alert(2)\">tab</a> "
	    "<a href=\"vbscript:x\">vb</a> <a href=\"java&#4;script:x\">c0</a> "
	    "<a href=\"mailto:me@me.example\">"
	    "mail</a> <a href=\"../x/\">rel</a> "
	    "<img src=\"data:image/png;base64,AAAA\" alt=\"inline\">\n", 0);
	/* "&#4;" is left out of what is written: then it is javascript:. */
	has(r.html, "<a>md</a> <a>tab</a> <a>vb</a> <a>c0</a> "
	    "<a href=\"mailto:me@me.example\">mail</a> "
	    "<a href=\"../x/\">rel</a> inline");
	lacks(r.html, "script:");
	lacks(r.html, "data:");
	assert_int_equal(r.nwarnings, 5);
	has(r.warnings, "10: href= dropped: only http, https, mailto and "
	    "relative URLs are kept\n");
	has(r.warnings, "10: image dropped, its alt text kept: its address "
	    "is not http, https or relative\n");
	result_free(&r);
}

/* Images from other hosts: links by default, kept when allowed. */
static void
remote_images(void **state)
{
	static const char src[] =
	    "![Chart](https://img.example/c.png) "
	    "<img src=\"https://img.example/d.png\" alt=\"\">\n\n"
	    "![Mine](https://me.example/m.png) ![Here](m.png)\n\n"
	    "[![In a link](https://img.example/e.png)](https://else.example/)"
	    "\n";
	struct result	 r;

	(void)state;
	r = render(src, 0);
	has(r.html, "<p><a href=\"https://img.example/c.png\">Chart</a> "
	    "<a href=\"https://img.example/d.png\">img.example</a></p>");
	has(r.html, "<img src=\"https://me.example/m.png\" alt=\"Mine\" "
	    "decoding=\"async\">");
	has(r.html, "<img src=\"m.png\" alt=\"Here\" "
	    "decoding=\"async\" loading=\"lazy\">");
	/* No link in a link: the alt text alone. */
	has(r.html, "<a href=\"https://else.example/\">In a link</a>");
	lacks(r.html, "<img src=\"https://img.example");
	assert_string_equal(r.warnings,
	    "10: image from img.example made a link: pages load nothing from "
	    "other hosts (images: { remote: allow } keeps it)\n"
	    "10: image from img.example made a link: pages load nothing from "
	    "other hosts (images: { remote: allow } keeps it)\n"
	    "14: image from img.example made a link: pages load nothing from "
	    "other hosts (images: { remote: allow } keeps it)\n");
	result_free(&r);

	r = render(src, 1);
	has(r.html, "<img src=\"https://img.example/c.png\" alt=\"Chart\" "
	    "decoding=\"async\">");
	has(r.html, "<img src=\"https://img.example/d.png\" alt=\"\" "
	    "decoding=\"async\" loading=\"lazy\">");
	has(r.html, "<a href=\"https://else.example/\"><img "
	    "src=\"https://img.example/e.png\" alt=\"In a link\" "
	    "decoding=\"async\" loading=\"lazy\"></a>");
	assert_int_equal(r.nwarnings, 3);
	has(r.warnings, "14: image from img.example: every reader's browser "
	    "will ask img.example for it\n");
	result_free(&r);
}

/* Text and attribute values are escaped where they are written. */
static void
escaping(void **state)
{
	struct result	 r;

	(void)state;
	r = render("<p>a &lt; b &amp;&amp; c &gt; d &quot;q&quot;</p>\n\n"
	    "<span title='say \"hi\" &amp; <bye>' data-x=\"it's\">s</span>\n\n"
	    "<p title=\"&#7;\">no&#7; control&#13;&#x85; characters</p>\n",
	    0);
	has(r.html, "<p>a &lt; b &amp;&amp; c &gt; d &quot;q&quot;</p>");
	/* &#x85; is the ellipsis of windows-1252, as HTML has it. */
	has(r.html, "<p title=\"\">no control\u2026 characters</p>");
	has(r.html, "<span title=\"say &quot;hi&quot; &amp; &lt;bye&gt;\" "
	    "data-x=\"it&#39;s\">s</span>");
	assert_int_equal(r.nwarnings, 0);
	result_free(&r);
	/* An attribute without a value stays so; an empty one stays empty. */
	r = render("<details open><summary class=\"\">s</summary></details>\n",
	    0);
	has(r.html, "<details open><summary class=\"\">s</summary></details>");
	result_free(&r);
}

/* An unclosed <div> ends with the body, never around the page. */
static void
unclosed_div(void **state)
{
	struct result	 r;

	(void)state;
	r = render("<div class=\"note\">\n\nOpen *still*.\n\n"
	    "Last paragraph.\n", 0);
	assert_string_equal(r.html, "<div class=\"note\">\n"
	    "<p>Open <em>still</em>.</p>\n<p>Last paragraph.</p>\n</div>");
	assert_int_equal(r.nwarnings, 0);
	result_free(&r);
	/* Nor can end tags close more than the body opened. */
	r = render("<div>\nin\n</div></div></article>\n\nout\n", 0);
	assert_string_equal(r.html, "<div>\nin\n</div>\n<p>out</p>\n");
	result_free(&r);
}

/* A <style> block: gone, not shown as text. */
static void
style_block(void **state)
{
	struct result	 r;

	(void)state;
	r = render("Before.\n\n<style>\n.x { color: red }\n</style>\n\n"
	    "After.\n", 0);
	assert_string_equal(r.html, "<p>Before.</p>\n\n<p>After.</p>\n");
	assert_string_equal(r.warnings,
	    "12: <style> dropped: the site has one stylesheet\n");
	result_free(&r);
}

/* <pre> keeps its white space, even the newline the parser eats. */
static void
pre_whitespace(void **state)
{
	struct result	 r;

	(void)state;
	r = render("<pre>\n\n  two  spaces\n\ttab <b>bold</b>\n</pre>\n", 0);
	has(r.html, "<pre tabindex=\"0\">\n\n  two  spaces\n\ttab <b>bold</b>"
	    "\n</pre>");
	result_free(&r);
}

/* Comments stay out; void elements have no end tag. */
static void
comments_and_voids(void **state)
{
	struct result	 r;

	(void)state;
	r = render("a<br/>b <!-- a secret --> c<hr><wbr>\n", 0);
	/* <hr> ends the paragraph, as a browser has it. */
	has(r.html, "<p>a<br>b  c</p><hr><wbr>");
	lacks(r.html, "secret");
	lacks(r.html, "</br>");
	lacks(r.html, "</hr>");
	result_free(&r);
}

/*
 * A comment alone (the <!--more--> of a summary) goes without the pass:
 * the rest is cmark-gfm's (with the page's decoding="async").
 */
static void
comment_alone(void **state)
{
	struct result	 r;

	(void)state;
	r = render("Opening ![i](i.png)\n\n<!--more-->\n\nRest <!-- x -->\n",
	    0);
	assert_string_equal(r.html, "<p>Opening <img src=\"i.png\" alt=\"i\" "
	    "decoding=\"async\"></p>\n<p>Rest </p>\n");
	assert_int_equal(r.nwarnings, 0);
	result_free(&r);
	/* Anything after it is raw HTML like any other. */
	r = render("<!-- x --><b>y</b>\n", 0);
	assert_string_equal(r.html, "<b>y</b>\n");
	result_free(&r);
}

/* Lines inside a block of raw HTML and in a paragraph are the source's. */
static void
warning_lines(void **state)
{
	struct result	 r;

	(void)state;
	r = render("# Title\n\n<div>\n<p>one</p>\n<p>two</p>\n"
	    "<script>x()</script>\n</div>\n\n"
	    "A paragraph\nwhose second line has <font>this</font>.\n\n"
	    "> quoted <b style=\"x\">bold</b>\n", 0);
	assert_string_equal(r.warnings,
	    "15: <script> dropped: the site runs no script\n"
	    "19: <font> dropped, its content kept: obsolete\n"
	    "21: style= dropped: the Content-Security-Policy forbids inline "
	    "styles\n");
	result_free(&r);
}

/* The feed's copy has raw HTML's relative URLs made absolute too. */
static void
feed_urls_absolute(void **state)
{
	struct result	 r;

	(void)state;
	r = render("<a href=\"../other/\">o</a> <img src=\"pic.png\" "
	    "srcset=\"pic.png 1x, pic@2x.png 2x\" alt=\"p\">\n", 0);
	has(r.html, "<a href=\"../other/\">o</a>");
	has(r.abs, "<a href=\"https://me.example/writing/other/\">o</a> "
	    "<img src=\"https://me.example/writing/p/pic.png\" "
	    "srcset=\"https://me.example/writing/p/pic.png 1x, "
	    "https://me.example/writing/p/pic@2x.png 2x\" alt=\"p\">");
	result_free(&r);
}

/* An HTML body: the same cleaning, lines from its first. */
static void
html_body(void **state)
{
	static const char body[] = "<p>One</p>\n<p>Two <script>x</script>"
	    "</p>\n<iframe src=\"/local.html\"></iframe>\n";
	struct md_opts	 o;
	struct diag	 d;
	struct buf	 out;
	char		*w;
	size_t		 n;

	(void)state;
	diag_init(&d);
	buf_init(&out, 0);
	memset(&o, 0, sizeof(o));
	o.diag = &d;
	o.file = "posts/p.md";
	o.line = 5;
	o.site = SITE;
	assert_int_equal(markdown_clean_html(body, strlen(body), &o, NULL,
	    &out), 0);
	assert_string_equal(out.data, "<p>One</p>\n<p>Two </p>\n"
	    "<p><a href=\"/local.html\">/local.html</a></p>\n");
	w = warnings_of(&d, &n);
	assert_string_equal(w,
	    "6: <script> dropped: the site runs no script\n"
	    "7: <iframe> made a link: the Content-Security-Policy lets pages "
	    "play no media and show no frames\n");
	free(w);
	buf_free(&out);
	diag_free(&d);
}

/* Mail gets the same cleaning, and no warnings (the build gave them). */
static void
mail_cleaned(void **state)
{
	static const char src[] = "Hi.\n\n<script>alert(1)</script>\n\n"
	    "<iframe src=\"https://www.youtube.com/embed/x\" title=\"Talk\">"
	    "</iframe> <img src=\"/p.png\" alt=\"p\">\n";
	struct md_opts	 o;
	struct buf	 html, text;

	(void)state;
	buf_init(&html, 0);
	buf_init(&text, 0);
	memset(&o, 0, sizeof(o));
	o.site = BASE;
	assert_int_equal(markdown_for_mail(src, strlen(src), &o, BASE, &html,
	    &text), 0);
	lacks(html.data, "alert");
	lacks(html.data, "<iframe");
	has(html.data, "<a href=\"https://www.youtube.com/embed/x\">Talk</a>");
	has(html.data, "<img src=\"https://me.example/p.png\" alt=\"p\">");
	buf_free(&html);
	buf_free(&text);
}

/* Deep nesting: written without recursion, every element closed. */
/*
 * HTML the parser has to move things in (an <li> foster-parented out of
 * a table into an <li>) gives a tree its own HTML does not: what is
 * written is what a browser builds from it, so cleaning it again
 * changes nothing.
 */
static void
misnested_settles(void **state)
{
	static const char *const in[] = {
		"<li><table><li>a",
		"<h1><table><h2>b</h2></table></h1>",
		"<p><marquee><div>c</div></marquee></p>",
		"<p><font color=red><table><div>c</div></table></font></p>",
		"<dl><dt><table><dd>d</table></dl>",
		"<a href=\"/x\"><div><a href=\"/y\">e</a></div></a>",
	};
	static const char *const want[] = {
		"<li></li><li>a</li><table></table>",
		"<h1></h1><h2>b</h2><table></table>",
		"<div>c</div>",
		"<p></p><div>c</div><table></table>",
		NULL,
		NULL,
	};
	struct buf	 out, again;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(*in); i++) {
		buf_init(&out, 0);
		buf_init(&again, 0);
		assert_int_equal(markdown_clean_html(in[i], strlen(in[i]),
		    NULL, NULL, &out), 0);
		assert_int_equal(BUF_LIT(&out, ""), 0);
		if (want[i] != NULL)
			assert_string_equal(out.data, want[i]);
		assert_int_equal(markdown_clean_html(out.data, out.len, NULL,
		    NULL, &again), 0);
		assert_int_equal(BUF_LIT(&again, ""), 0);
		assert_string_equal(again.data, out.data);
		buf_free(&out);
		buf_free(&again);
	}
}

static void
deep_nesting(void **state)
{
	struct buf	 src;
	struct result	 r;
	size_t		 i;

	(void)state;
	buf_init(&src, 0);
	assert_int_equal(BUF_LIT(&src, "x "), 0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(BUF_LIT(&src, "<span>"), 0);
	r = render(src.data, 0);
	assert_int_equal(count(r.html, "<span>"), 20000);
	assert_int_equal(count(r.html, "</span>"), 20000);
	buf_free(&src);
	result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_raw_html_unchanged),
		cmocka_unit_test(embeds_become_links),
		cmocka_unit_test(promises_dropped),
		cmocka_unit_test(style_attribute_dropped),
		cmocka_unit_test(obsolete_markup),
		cmocka_unit_test(inline_svg),
		cmocka_unit_test(urls_checked),
		cmocka_unit_test(remote_images),
		cmocka_unit_test(escaping),
		cmocka_unit_test(unclosed_div),
		cmocka_unit_test(style_block),
		cmocka_unit_test(pre_whitespace),
		cmocka_unit_test(comments_and_voids),
		cmocka_unit_test(comment_alone),
		cmocka_unit_test(warning_lines),
		cmocka_unit_test(feed_urls_absolute),
		cmocka_unit_test(html_body),
		cmocka_unit_test(mail_cleaned),
		cmocka_unit_test(misnested_settles),
		cmocka_unit_test(deep_nesting),
	};

	markdown_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
