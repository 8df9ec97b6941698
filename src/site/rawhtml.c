#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "../support/esc.h"
#include "../support/hash.h"
#include "../support/url.h"
#include "rawhtml.h"

/*
 * The raw HTML pass.  gumbo parses the body as a browser would, as one
 * fragment inside a <div>, so nothing the author leaves open or closes
 * twice can reach the page around it; gumbo writes no HTML, so the
 * serializer below does, from the tree.  It escapes every text node and
 * attribute value (no raw-text element is ever written: <script>,
 * <style>, <iframe>, <noembed>... are dropped or replaced, and <xmp>,
 * <listing>, <plaintext> become <pre>), writes no comments, writes end
 * tags for every element that has them and none for void ones, keeps
 * the leading newline of a <pre> that the parser would otherwise eat,
 * and walks the tree with a stack of its own rather than recursing, so
 * no depth of nesting can exhaust the C stack.
 *
 * What breaks a promise of the site is replaced, never escaped into
 * text a reader would see, and each replacement is a warning with the
 * source line.  Lines come from marks (rawhtml_mark) that markdown.c
 * puts before each piece of raw HTML: they are cut out before parsing,
 * so the parser never sees them, and kept as (offset, line) pairs.
 */

#define MARK		'\001'	/* a control character: no source holds one */
#define HOST_MAX	256
#define PASSES		4	/* cleanings again before giving up */

/* A mark: the HTML from off (in the text parsed) is from source line. */
struct mark {
	size_t	 off;
	size_t	 hline;		/* the parser's line at off */
	size_t	 line;
};

/*
 * The ids the document has (a hash set, at most half full, of gumbo's
 * strings: it lives no longer than the tree), made the first time an
 * <a name> wants to become an id, so it takes none a heading, a
 * footnote or the author's HTML already has.
 */
struct ids {
	const char	**v;
	size_t		  n, cap;
	int		  filled;
};

/* One open element of the output. */
struct frame {
	const GumboVector *kids;
	unsigned	 next;		/* the child to write next */
	const char	*close;		/* the end tag to write, or NULL */
	const GumboNode	*foreign;	/* or its name is this one's */
	int		 is_a;		/* a link is open: no link inside */
	unsigned	 last;		/* the last child's source offset */
};

struct clean {
	const struct md_opts *o;
	const char	*base;
	int		 warn;
	struct buf	*out;
	struct mark	*marks;
	size_t		 nmarks, capmarks;
	struct frame	*st;
	size_t		 depth, capst;
	int		 in_a;
	size_t		 pre_end;	/* out's length after a <pre> tag */
	struct buf	 name;		/* scratch: an element's name */
	struct buf	 tmp;		/* scratch: URLs, classes */
	const GumboNode	*root;
	struct ids	 ids;
	/*
	 * The output may not parse into the tree written: the parser moved
	 * a node, or the pass left an element out or renamed one (a link
	 * put for an image or a frame is not counted: no link is written
	 * in a link).
	 */
	int		 unsure;
};

/* What becomes of an HTML element. */
enum act {
	KEEP,		/* as it is, its attributes checked */
	VOID,		/* the same, without content or end tag */
	DROP,		/* gone with its content: it breaks a promise */
	UNWRAP,		/* its content without it */
	RENAME,		/* made the current element to say the same */
	EMBED,		/* made a link to what it would embed */
	IMG,		/* kept or made a link by where it is from */
	SOURCE		/* in a <picture>: as an image; elsewhere gone */
};

#define W_SCRIPT	"the site runs no script"
#define W_STYLE		"the site has one stylesheet"
#define W_HEAD		"a page's head and body are its template's"
#define W_OBS		"obsolete"
#define W_FORM		"a post holds no forms"

struct elem {
	const char	*name;
	enum act	 act;
	const char	*why;		/* NULL: quietly */
	const char	*to;		/* RENAME: the element */
	const char	*cls;		/* RENAME: with this class */
};

/* Sorted by name (strcmp): found by bsearch. */
static const struct elem elems[] = {
	{ "a", KEEP, NULL, NULL, NULL },
	{ "abbr", KEEP, NULL, NULL, NULL },
	{ "acronym", RENAME, W_OBS, "abbr", NULL },
	{ "address", KEEP, NULL, NULL, NULL },
	{ "applet", DROP, W_OBS, NULL, NULL },
	{ "area", VOID, NULL, NULL, NULL },
	{ "article", KEEP, NULL, NULL, NULL },
	{ "aside", KEEP, NULL, NULL, NULL },
	{ "audio", EMBED, NULL, NULL, NULL },
	{ "b", KEEP, NULL, NULL, NULL },
	{ "base", DROP, W_HEAD, NULL, NULL },
	{ "basefont", DROP, W_OBS, NULL, NULL },
	{ "bdi", KEEP, NULL, NULL, NULL },
	{ "bdo", KEEP, NULL, NULL, NULL },
	{ "bgsound", DROP, W_OBS, NULL, NULL },
	{ "big", UNWRAP, W_OBS, NULL, NULL },
	{ "blink", UNWRAP, W_OBS, NULL, NULL },
	{ "blockquote", KEEP, NULL, NULL, NULL },
	{ "body", UNWRAP, W_HEAD, NULL, NULL },
	{ "br", VOID, NULL, NULL, NULL },
	{ "button", DROP, W_FORM, NULL, NULL },
	{ "canvas", UNWRAP, "it shows nothing without script", NULL, NULL },
	{ "caption", KEEP, NULL, NULL, NULL },
	{ "center", RENAME, W_OBS, "div", "align-center" },
	{ "cite", KEEP, NULL, NULL, NULL },
	{ "code", KEEP, NULL, NULL, NULL },
	{ "col", VOID, NULL, NULL, NULL },
	{ "colgroup", KEEP, NULL, NULL, NULL },
	{ "data", KEEP, NULL, NULL, NULL },
	{ "datalist", DROP, W_FORM, NULL, NULL },
	{ "dd", KEEP, NULL, NULL, NULL },
	{ "del", KEEP, NULL, NULL, NULL },
	{ "details", KEEP, NULL, NULL, NULL },
	{ "dfn", KEEP, NULL, NULL, NULL },
	{ "dialog", KEEP, NULL, NULL, NULL },
	{ "dir", RENAME, W_OBS, "ul", NULL },
	{ "div", KEEP, NULL, NULL, NULL },
	{ "dl", KEEP, NULL, NULL, NULL },
	{ "dt", KEEP, NULL, NULL, NULL },
	{ "em", KEEP, NULL, NULL, NULL },
	{ "embed", EMBED, NULL, NULL, NULL },
	{ "fieldset", KEEP, NULL, NULL, NULL },
	{ "figcaption", KEEP, NULL, NULL, NULL },
	{ "figure", KEEP, NULL, NULL, NULL },
	{ "font", UNWRAP, W_OBS, NULL, NULL },
	{ "footer", KEEP, NULL, NULL, NULL },
	{ "form", DROP, W_FORM, NULL, NULL },
	{ "frame", DROP, W_OBS, NULL, NULL },
	{ "frameset", DROP, W_OBS, NULL, NULL },
	{ "h1", KEEP, NULL, NULL, NULL },
	{ "h2", KEEP, NULL, NULL, NULL },
	{ "h3", KEEP, NULL, NULL, NULL },
	{ "h4", KEEP, NULL, NULL, NULL },
	{ "h5", KEEP, NULL, NULL, NULL },
	{ "h6", KEEP, NULL, NULL, NULL },
	{ "head", DROP, W_HEAD, NULL, NULL },
	{ "header", KEEP, NULL, NULL, NULL },
	{ "hgroup", KEEP, NULL, NULL, NULL },
	{ "hr", VOID, NULL, NULL, NULL },
	{ "html", UNWRAP, W_HEAD, NULL, NULL },
	{ "i", KEEP, NULL, NULL, NULL },
	{ "iframe", EMBED, NULL, NULL, NULL },
	{ "img", IMG, NULL, NULL, NULL },
	{ "input", DROP, W_FORM, NULL, NULL },
	{ "ins", KEEP, NULL, NULL, NULL },
	{ "isindex", DROP, W_OBS, NULL, NULL },
	{ "kbd", KEEP, NULL, NULL, NULL },
	{ "keygen", DROP, W_OBS, NULL, NULL },
	{ "label", KEEP, NULL, NULL, NULL },
	{ "legend", KEEP, NULL, NULL, NULL },
	{ "li", KEEP, NULL, NULL, NULL },
	{ "link", DROP, W_STYLE, NULL, NULL },
	{ "listing", RENAME, W_OBS, "pre", NULL },
	{ "main", UNWRAP, "a page has one, its template's", NULL, NULL },
	{ "map", KEEP, NULL, NULL, NULL },
	{ "mark", KEEP, NULL, NULL, NULL },
	{ "marquee", UNWRAP, W_OBS, NULL, NULL },
	{ "menu", KEEP, NULL, NULL, NULL },
	{ "menuitem", UNWRAP, W_OBS, NULL, NULL },
	{ "meta", DROP, W_HEAD, NULL, NULL },
	{ "meter", KEEP, NULL, NULL, NULL },
	{ "multicol", UNWRAP, W_OBS, NULL, NULL },
	{ "nav", KEEP, NULL, NULL, NULL },
	{ "nextid", DROP, W_OBS, NULL, NULL },
	{ "nobr", UNWRAP, W_OBS, NULL, NULL },
	{ "noembed", DROP, W_OBS, NULL, NULL },
	{ "noframes", DROP, W_OBS, NULL, NULL },
	{ "noscript", DROP, W_SCRIPT, NULL, NULL },
	{ "object", EMBED, NULL, NULL, NULL },
	{ "ol", KEEP, NULL, NULL, NULL },
	{ "optgroup", KEEP, NULL, NULL, NULL },
	{ "option", KEEP, NULL, NULL, NULL },
	{ "output", KEEP, NULL, NULL, NULL },
	{ "p", KEEP, NULL, NULL, NULL },
	{ "param", DROP, NULL, NULL, NULL },
	{ "picture", KEEP, NULL, NULL, NULL },
	{ "plaintext", RENAME, W_OBS, "pre", NULL },
	{ "pre", KEEP, NULL, NULL, NULL },
	{ "progress", KEEP, NULL, NULL, NULL },
	{ "q", KEEP, NULL, NULL, NULL },
	{ "rb", UNWRAP, W_OBS, NULL, NULL },
	{ "rp", KEEP, NULL, NULL, NULL },
	{ "rt", KEEP, NULL, NULL, NULL },
	{ "rtc", UNWRAP, W_OBS, NULL, NULL },
	{ "ruby", KEEP, NULL, NULL, NULL },
	{ "s", KEEP, NULL, NULL, NULL },
	{ "samp", KEEP, NULL, NULL, NULL },
	{ "script", DROP, W_SCRIPT, NULL, NULL },
	{ "search", KEEP, NULL, NULL, NULL },
	{ "section", KEEP, NULL, NULL, NULL },
	{ "select", DROP, W_FORM, NULL, NULL },
	{ "slot", UNWRAP, "it works only through script", NULL, NULL },
	{ "small", KEEP, NULL, NULL, NULL },
	{ "source", SOURCE, NULL, NULL, NULL },
	{ "spacer", DROP, W_OBS, NULL, NULL },
	{ "span", KEEP, NULL, NULL, NULL },
	{ "strike", RENAME, W_OBS, "s", NULL },
	{ "strong", KEEP, NULL, NULL, NULL },
	{ "style", DROP, W_STYLE, NULL, NULL },
	{ "sub", KEEP, NULL, NULL, NULL },
	{ "summary", KEEP, NULL, NULL, NULL },
	{ "sup", KEEP, NULL, NULL, NULL },
	{ "table", KEEP, NULL, NULL, NULL },
	{ "tbody", KEEP, NULL, NULL, NULL },
	{ "td", KEEP, NULL, NULL, NULL },
	{ "template", DROP, "it shows only through script", NULL, NULL },
	{ "textarea", DROP, W_FORM, NULL, NULL },
	{ "tfoot", KEEP, NULL, NULL, NULL },
	{ "th", KEEP, NULL, NULL, NULL },
	{ "thead", KEEP, NULL, NULL, NULL },
	{ "time", KEEP, NULL, NULL, NULL },
	{ "title", DROP, W_HEAD, NULL, NULL },
	{ "tr", KEEP, NULL, NULL, NULL },
	{ "track", DROP, NULL, NULL, NULL },	/* only in <video> */
	{ "tt", RENAME, W_OBS, "code", NULL },
	{ "u", KEEP, NULL, NULL, NULL },
	{ "ul", KEEP, NULL, NULL, NULL },
	{ "var", KEEP, NULL, NULL, NULL },
	{ "video", EMBED, NULL, NULL, NULL },
	{ "wbr", VOID, NULL, NULL, NULL },
	{ "xmp", RENAME, W_OBS, "pre", NULL },
};

/*
 * Presentational attributes HTML made obsolete (the stylesheet does
 * their work), on the elements listed, or on every element when NULL.
 * Sorted by name.  align= is not here: it becomes a class.
 */
static const struct obsattr {
	const char	*name;
	const char	*on;		/* " td th ": padded with spaces */
} obsattrs[] = {
	{ "abbr", " td " },
	{ "alink", NULL },
	{ "axis", NULL },
	{ "background", NULL },
	{ "bgcolor", NULL },
	{ "border", NULL },
	{ "cellpadding", NULL },
	{ "cellspacing", NULL },
	{ "char", NULL },
	{ "charoff", NULL },
	{ "charset", " a link script " },
	{ "clear", " br " },
	{ "color", NULL },
	{ "compact", NULL },
	{ "coords", " a " },
	{ "datafld", NULL },
	{ "dataformatas", NULL },
	{ "datapagesize", NULL },
	{ "datasrc", NULL },
	{ "dynsrc", NULL },
	{ "face", NULL },
	{ "frame", " table " },
	{ "frameborder", NULL },
	{ "height", " table thead tbody tfoot tr td th col colgroup " },
	{ "hspace", NULL },
	{ "language", NULL },
	{ "longdesc", NULL },
	{ "lowsrc", NULL },
	{ "marginheight", NULL },
	{ "marginwidth", NULL },
	{ "methods", " a " },
	{ "name", " img " },
	{ "nohref", NULL },
	{ "noshade", NULL },
	{ "nowrap", NULL },
	{ "profile", NULL },
	{ "rev", NULL },
	{ "rules", NULL },
	{ "scheme", NULL },
	{ "scope", " td " },
	{ "scrolling", NULL },
	{ "shape", " a " },
	{ "size", " hr font basefont " },
	{ "summary", " table " },
	{ "type", " ul li " },
	{ "urn", " a " },
	{ "valign", NULL },
	{ "version", NULL },
	{ "vlink", NULL },
	{ "vspace", NULL },
	{ "width", " table thead tbody tfoot tr td th col colgroup hr pre " },
};

static int	 clean_tree(struct clean *, const GumboNode *root);
static const GumboNode *next_under(const GumboNode *, const GumboNode *);
static const char *html_name(struct clean *, const GumboElement *);
static int	 element(struct clean *, const GumboNode *);
static int	 foreign(struct clean *, const GumboNode *);
static const char *foreign_name(struct clean *, const GumboElement *);
static void	 warn(struct clean *, const GumboNode *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* --- URLs ---------------------------------------------------------- */

static int
is_c0_or_space(unsigned char c)
{
	return c <= 0x20;
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * The host of a URL from its authority on (after "scheme:" and the
 * slashes), lowercase, without user, port or a final dot, into host
 * (truncated to fit).  Browsers read '\' as '/' in http(s) URLs.
 */
static void
url_host_at(const char *p, char host[HOST_MAX])
{
	const char	*end, *at, *colon;
	size_t		 n, i;

	while (*p == '/' || *p == '\\')
		p++;
	end = p + strcspn(p, "/\\?#");
	for (at = end; at > p && at[-1] != '@'; at--)
		;
	if (at > p)
		p = at;
	colon = NULL;
	if (*p != '[')
		colon = memchr(p, ':', (size_t)(end - p));
	if (colon != NULL)
		end = colon;
	if (end > p && end[-1] == '.')
		end--;
	n = (size_t)(end - p);
	if (n >= HOST_MAX) {
		/* Cut between characters, not inside one. */
		n = HOST_MAX - 1;
		while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		host[i] = lower(p[i]);
	host[n] = '\0';
}

static int
prefix_ci(const char *s, const char *p)
{
	for (; *p != '\0'; s++, p++)
		if (lower(*s) != *p)
			return 0;
	return 1;
}

/* A byte put_esc leaves out (a control character), or 0: 1 or 2 of them. */
static size_t
dropped_at(const unsigned char *u)
{
	if ((u[0] < 0x20 && u[0] != '\t' && u[0] != '\n' && u[0] != '\f' &&
	    u[0] != '\0') || u[0] == 0x7f)
		return 1;
	if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
		return 2;
	return 0;
}

/*
 * The kind of url, and its host in host (when not NULL; "" without
 * one).  The URL is judged as it will be written, without the control
 * characters put_esc leaves out ("java&#4;script:" is written as a
 * javascript: URL), and as a browser reads it: ASCII tabs and newlines
 * anywhere are ignored, and so are spaces and control characters around
 * it ("java\tscript:" is a javascript: URL too).
 */
static enum rawhtml_url
url_kind(const char *url, const char *site, char host[HOST_MAX])
{
	char		 mine[HOST_MAX], theirs[HOST_MAX];
	char		*copy = NULL;
	const char	*u = url, *p;
	enum rawhtml_url k;
	size_t		 skip;

	if (host != NULL)
		host[0] = '\0';
	for (p = u; *p != '\0'; p++)
		if (*p == '\t' || *p == '\n' || dropped_at(
		    (const unsigned char *)p) != 0)
			break;
	if (*p != '\0') {
		char *w;

		/* Whatever memory allows: a URL too odd to copy is bad. */
		if ((copy = malloc(strlen(u) + 1)) == NULL)
			return RAWHTML_BAD;
		for (w = copy, p = u; *p != '\0'; p++) {
			if ((skip = dropped_at((const unsigned char *)p)) >
			    0) {
				p += skip - 1;
				continue;
			}
			if (*p != '\t' && *p != '\n')
				*w++ = *p;
		}
		*w = '\0';
		u = copy;
	}
	while (*u != '\0' && is_c0_or_space((unsigned char)*u))
		u++;
	/* A scheme is a letter, then letters, digits, + - . up to ':'. */
	p = u;
	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' ||
		    *p == '.')
			p++;
	if (p > u && *p == ':') {
		if (prefix_ci(u, "http:") || prefix_ci(u, "https:"))
			p++;
		else {
			k = prefix_ci(u, "mailto:") ? RAWHTML_MAILTO :
			    RAWHTML_BAD;
			goto out;
		}
	} else if ((u[0] == '/' || u[0] == '\\') &&
	    (u[1] == '/' || u[1] == '\\'))
		p = u;		/* "//host/x": the page's scheme, a host */
	else {
		k = RAWHTML_LOCAL;
		goto out;
	}
	url_host_at(p, theirs);
	if (host != NULL)
		memcpy(host, theirs, sizeof(theirs));
	k = RAWHTML_REMOTE;
	if (site != NULL && (p = strstr(site, "://")) != NULL) {
		url_host_at(p + 3, mine);
		if (mine[0] != '\0' && strcmp(mine, theirs) == 0)
			k = RAWHTML_LOCAL;
	}
out:
	free(copy);
	return k;
}

enum rawhtml_url
rawhtml_url_kind(const char *url, const char *site)
{
	return url_kind(url, site, NULL);
}

int
rawhtml_only_comment(const char *s)
{
	const char	*end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
	    *s == '\f')
		s++;
	if (strncmp(s, "<!--", 4) != 0)
		return 0;
	/* "<!-->" and "<!--->" end where they begin, as HTML has it. */
	if (s[4] == '>')
		end = s + 5;
	else if (s[4] == '-' && s[5] == '>')
		end = s + 6;
	else if ((end = strstr(s + 4, "-->")) != NULL)
		end += 3;
	else
		return 0;
	/* "--!>" ends one too: then more must follow, and this is no bare one. */
	if (strstr(s + 4, "--!>") != NULL && strstr(s + 4, "--!>") < end)
		return 0;
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r' ||
	    *end == '\f')
		end++;
	return *end == '\0';
}

/* --- marks and lines ----------------------------------------------- */

int
rawhtml_mark(struct buf *out, size_t line)
{
	return buf_printf(out, "%c%zu%c", MARK, line, MARK);
}

static int
mark_add(struct clean *c, size_t off, size_t hline, size_t line)
{
	if (c->nmarks == c->capmarks) {
		size_t cap = c->capmarks ? c->capmarks * 2 : 16;
		struct mark *v = realloc(c->marks, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		c->marks = v;
		c->capmarks = cap;
	}
	c->marks[c->nmarks].off = off;
	c->marks[c->nmarks].hline = hline;
	c->marks[c->nmarks].line = line;
	c->nmarks++;
	return 0;
}

/*
 * Copy html to text without its marks, noting each.  A MARK not part of
 * a whole mark is left out too: no page may hold a control character.
 */
static int
strip_marks(struct clean *c, const char *html, size_t len, struct buf *text)
{
	const char	*p = html, *end = html + len, *q, *r;
	size_t		 hline = 1, line;

	while ((q = memchr(p, MARK, (size_t)(end - p))) != NULL) {
		for (r = p; (r = memchr(r, '\n', (size_t)(q - r))) != NULL;
		    r++)
			hline++;
		if (buf_put(text, p, (size_t)(q - p)) == -1)
			return -1;
		line = 0;
		for (r = q + 1; r < end && *r >= '0' && *r <= '9' &&
		    line < (size_t)1 << 40; r++)
			line = line * 10 + (size_t)(*r - '0');
		if (r < end && *r == MARK && r > q + 1) {
			if (mark_add(c, text->len, hline, line) == -1)
				return -1;
			p = r + 1;
		} else
			p = q + 1;
	}
	return buf_put(text, p, (size_t)(end - p));
}

/* The source line of a node: from the last mark before it. */
static size_t
line_of(const struct clean *c, const GumboNode *n)
{
	const GumboSourcePosition *pos = NULL;
	size_t		 lo = 0, hi = c->nmarks, mid;
	const struct mark *m;

	for (; n != NULL; n = n->parent) {
		if (n->type == GUMBO_NODE_ELEMENT ||
		    n->type == GUMBO_NODE_TEMPLATE)
			pos = &n->v.element.start_pos;
		else if (n->type != GUMBO_NODE_DOCUMENT)
			pos = &n->v.text.start_pos;
		else
			break;
		if (pos->line != 0)
			break;
	}
	if (pos == NULL || pos->line == 0)
		return c->marks[0].line;
	/* marks[0] is at offset 0: the last with off <= pos->offset. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (c->marks[mid].off <= pos->offset)
			lo = mid;
		else
			hi = mid;
	}
	m = &c->marks[lo];
	return pos->line >= m->hline ? m->line + (pos->line - m->hline) :
	    m->line;
}

static void
warn(struct clean *c, const GumboNode *n, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	if (!c->warn)
		return;
	if (c->o->warned != NULL)
		*c->o->warned = 1;
	if (c->o->diag == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);	/* cut is fine */
	va_end(ap);
	diag_warn(c->o->diag, c->o->file, line_of(c, n), "%s", msg);
}

/* --- the tree ------------------------------------------------------ */

static const GumboVector *
kids(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	return NULL;
}

/* The node after n in document order, staying under top; or NULL. */
static const GumboNode *
next_under(const GumboNode *n, const GumboNode *top)
{
	const GumboVector *v = kids(n);
	const GumboNode	*p;
	unsigned	 i;

	if (v != NULL && v->length > 0)
		return v->data[0];
	for (; n != top && (p = n->parent) != NULL; n = p) {
		v = kids(p);
		i = (unsigned)n->index_within_parent;
		/* Trust the index only where it agrees with the parent. */
		if (i >= v->length || v->data[i] != n)
			for (i = 0; i < v->length && v->data[i] != n; i++)
				;
		if (i + 1 < v->length)
			return v->data[i + 1];
	}
	return NULL;
}

static const char *
attr(const GumboNode *n, const char *name)
{
	const GumboAttribute *a;

	a = gumbo_get_attribute(&n->v.element.attributes, name);
	return a != NULL ? a->value : NULL;
}

static int
is_element(const GumboNode *n, GumboNamespaceEnum ns, GumboTag tag)
{
	return n != NULL && n->type == GUMBO_NODE_ELEMENT &&
	    n->v.element.tag_namespace == ns && n->v.element.tag == tag;
}

/* The text of s without the spaces around it, or NULL when blank. */
static const char *
trimmed(const char *s, size_t *n)
{
	size_t	 len;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
	    *s == '\f')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == '\f'))
		len--;
	*n = len;
	return len ? s : NULL;
}

/* --- ids ----------------------------------------------------------- */

/* Add id: 1 when added, 0 when the set has it already, -1. */
static int
ids_add(struct ids *s, const char *id)
{
	size_t	 h, i, cap;
	const char **v;

	if ((s->n + 1) * 2 > s->cap) {
		cap = s->cap ? s->cap * 2 : 64;
		if ((v = calloc(cap, sizeof(*v))) == NULL)
			return -1;
		for (i = 0; i < s->cap; i++) {
			if (s->v[i] == NULL)
				continue;
			h = hash_str(HASH_INIT, s->v[i]) & (cap - 1);
			while (v[h] != NULL)
				h = (h + 1) & (cap - 1);
			v[h] = s->v[i];
		}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	h = hash_str(HASH_INIT, id) & (s->cap - 1);
	for (; s->v[h] != NULL; h = (h + 1) & (s->cap - 1))
		if (strcmp(s->v[h], id) == 0)
			return 0;
	s->v[h] = id;
	s->n++;
	return 1;
}

/* Take id for an <a name>: 1 when free (now taken), 0 when not, -1. */
static int
id_take(struct clean *c, const char *id)
{
	const GumboNode	*n;
	const GumboAttribute *a;

	if (!c->ids.filled) {
		c->ids.filled = 1;
		for (n = c->root; n != NULL; n = next_under(n, c->root))
			if (n->type == GUMBO_NODE_ELEMENT &&
			    (a = gumbo_get_attribute(&n->v.element.attributes,
			    "id")) != NULL && ids_add(&c->ids, a->value) == -1)
				return -1;
	}
	return ids_add(&c->ids, id);
}

/* --- writing ------------------------------------------------------- */

/*
 * Text or an attribute value, escaped.  Control characters are not
 * allowed in HTML; a file holds none (stet refuses them), but a
 * reference such as "&#7;" or "&#13;" makes one: it is left out (the
 * characters dropped_at names, which url_kind judges URLs without).
 */
static int
put_esc(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t		 i, start = 0, skip;

	for (i = 0; i < n; i++) {
		if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' &&
		    u[i] != '\f') || u[i] == 0x7f)
			skip = 1;
		else if (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 &&
		    u[i + 1] <= 0x9f)
			skip = 2;	/* U+0080 to U+009F */
		else
			continue;
		if (esc_html(b, s + start, i - start) == -1)
			return -1;
		i += skip - 1;
		start = i + 1;
	}
	return esc_html(b, s + start, n - start);
}

static int
push(struct clean *c, const GumboNode *n, const char *close, int is_a)
{
	if (c->depth == c->capst) {
		size_t cap = c->capst ? c->capst * 2 : 64;
		struct frame *v = realloc(c->st, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		c->st = v;
		c->capst = cap;
	}
	c->st[c->depth].kids = kids(n);
	c->st[c->depth].next = 0;
	c->st[c->depth].close = close;
	c->st[c->depth].foreign = NULL;
	c->st[c->depth].is_a = is_a;
	c->st[c->depth].last = 0;
	if (close == NULL && c->depth > 0 && n->type == GUMBO_NODE_ELEMENT &&
	    n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML)
		c->unsure = 1;	/* an element's content without it */
	c->depth++;
	if (is_a)
		c->in_a++;
	return 0;
}

static int
put_attr(struct clean *c, const char *name, const char *v, size_t n)
{
	return buf_putc(c->out, ' ') == -1 || buf_puts(c->out, name) == -1 ||
	    BUF_LIT(c->out, "=\"") == -1 || put_esc(c->out, v, n) == -1 ||
	    buf_putc(c->out, '"') == -1 ? -1 : 0;
}

/* A URL attribute's value: made absolute against base when asked. */
static int
put_url_attr(struct clean *c, const char *name, const char *url,
    enum rawhtml_url k)
{
	if (c->base == NULL || k != RAWHTML_LOCAL || url_is_absolute(url))
		return put_attr(c, name, url, strlen(url));
	buf_reset(&c->tmp);
	if (url_resolve(&c->tmp, c->base, url) == -1)
		return -1;
	return put_attr(c, name, c->tmp.data, c->tmp.len);
}

/*
 * A link to url reading text (escaped here); inside a link, where
 * another cannot go, the text alone.  A link standing where blocks do
 * goes in a paragraph of its own.
 */
static int
put_link(struct clean *c, const GumboNode *n, const char *url,
    const char *text, size_t tn)
{
	int	 para;

	if (c->in_a)
		return put_esc(c->out, text, tn);
	para = n->parent == NULL || n->parent->parent == NULL ||
	    n->parent->type != GUMBO_NODE_ELEMENT ||
	    n->parent->parent->type == GUMBO_NODE_DOCUMENT;
	if ((para && BUF_LIT(c->out, "<p>") == -1) ||
	    BUF_LIT(c->out, "<a") == -1 ||
	    put_url_attr(c, "href", url, rawhtml_url_kind(url, c->o->site)) ==
	    -1 || buf_putc(c->out, '>') == -1 ||
	    put_esc(c->out, text, tn) == -1 || BUF_LIT(c->out, "</a>") == -1 ||
	    (para && BUF_LIT(c->out, "</p>") == -1))
		return -1;
	return 0;
}

static int
name_ok(const char *s, int attr_name)
{
	const char	*p = s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (attr_name && (*p == '_' || *p == ':'))))
		return 0;
	for (p++; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == ':'))
			return 0;
	return 1;
}

static int
in_list(const char *list, const char *name)
{
	const char	*p;
	size_t		 n = strlen(name);

	for (p = list; (p = strstr(p, name)) != NULL; p += n)
		if (p[-1] == ' ' && p[n] == ' ')
			return 1;
	return 0;
}

static int
obsattr_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct obsattr *)e)->name);
}

static int
obsolete_attr(const char *el, const char *name)
{
	const struct obsattr *o;

	o = bsearch(name, obsattrs, sizeof(obsattrs) / sizeof(*obsattrs),
	    sizeof(*obsattrs), obsattr_cmp);
	return o != NULL && (o->on == NULL || in_list(o->on, el));
}

/* Attributes holding a URL; the first four load what they name. */
static int
url_attr(const char *name, int *loads)
{
	static const char *const fetch[] = { "src", "poster", "data",
	    "background" };
	static const char *const link[] = { "href", "cite", "action",
	    "formaction", "longdesc" };
	size_t	 i;

	for (i = 0; i < sizeof(fetch) / sizeof(*fetch); i++)
		if (strcmp(name, fetch[i]) == 0)
			return *loads = 1;
	*loads = 0;
	for (i = 0; i < sizeof(link) / sizeof(*link); i++)
		if (strcmp(name, link[i]) == 0)
			return 1;
	return 0;
}

/*
 * Walk the candidates of a srcset ("a.png 1x, b.png 2x"), calling fn on
 * each URL (NUL-terminated in scratch) and its descriptors.  fn returns
 * 0 to go on, 1 to stop, -1 on failure; so does this.
 */
static int
srcset_walk(const char *s, struct buf *scratch,
    int (*fn)(void *, const char *url, const char *d, size_t dn), void *arg)
{
	const char	*p = s, *u, *d;
	size_t		 un, dn;
	int		 r;

	for (;;) {
		while (*p == ',' || is_c0_or_space((unsigned char)*p))
			if (*p++ == '\0')
				return 0;
		u = p;
		while (*p != '\0' && !is_c0_or_space((unsigned char)*p))
			p++;
		un = (size_t)(p - u);
		d = p;
		dn = 0;
		if (un > 0 && u[un - 1] == ',')
			while (un > 0 && u[un - 1] == ',')
				un--;
		else {
			while (*p != '\0' && *p != ',')
				p++;
			dn = (size_t)(p - d);
		}
		buf_reset(scratch);
		if (buf_put(scratch, u, un) == -1)
			return -1;
		if ((r = fn(arg, scratch->data, d, dn)) != 0)
			return r;
	}
}

struct srcset_check {
	const char	*site;
	enum rawhtml_url worst;
	char		 host[HOST_MAX];
};

/* Keep the worst kind in a srcset: bad, then remote, then the rest. */
static int
srcset_check_one(void *arg, const char *url, const char *d, size_t dn)
{
	struct srcset_check *sc = arg;
	char		 host[HOST_MAX];
	enum rawhtml_url k = url_kind(url, sc->site, host);

	(void)d;
	(void)dn;
	if (k == RAWHTML_MAILTO)
		k = RAWHTML_BAD;
	if (k == RAWHTML_BAD || (k == RAWHTML_REMOTE &&
	    sc->worst != RAWHTML_REMOTE)) {
		sc->worst = k;
		memcpy(sc->host, host, sizeof(host));
	}
	return k == RAWHTML_BAD;
}

static enum rawhtml_url
srcset_kind(struct clean *c, const char *s, char host[HOST_MAX])
{
	struct srcset_check sc;
	struct buf	 scratch;

	sc.site = c->o->site;
	sc.worst = RAWHTML_LOCAL;
	sc.host[0] = '\0';
	buf_init(&scratch, 0);
	if (srcset_walk(s, &scratch, srcset_check_one, &sc) == -1)
		sc.worst = RAWHTML_BAD;
	buf_free(&scratch);
	memcpy(host, sc.host, HOST_MAX);
	return sc.worst;
}

struct srcset_put {
	struct clean	*c;
	struct buf	*out;
	int		 first;
};

static int
srcset_put_one(void *arg, const char *url, const char *d, size_t dn)
{
	struct srcset_put *sp = arg;

	if ((!sp->first && BUF_LIT(sp->out, ", ") == -1) ||
	    (url_is_absolute(url) ? buf_puts(sp->out, url) :
	    url_resolve(sp->out, sp->c->base, url)) == -1 ||
	    buf_put(sp->out, d, dn) == -1)
		return -1;
	sp->first = 0;
	return 0;
}

/* A srcset, its URLs made absolute against base when asked. */
static int
put_srcset(struct clean *c, const char *v)
{
	struct srcset_put sp = { c, NULL, 1 };
	struct buf	 scratch, val;
	int		 rc;

	if (c->base == NULL)
		return put_attr(c, "srcset", v, strlen(v));
	buf_init(&scratch, 0);
	buf_init(&val, 0);
	sp.out = &val;
	rc = srcset_walk(v, &scratch, srcset_put_one, &sp);
	if (rc == 0)
		rc = put_attr(c, "srcset", val.data ? val.data : "", val.len);
	buf_free(&scratch);
	buf_free(&val);
	return rc;
}

/* class for align=: only the three the stylesheet has. */
static const char *
align_class(const char *v)
{
	size_t		 n;
	const char	*s = trimmed(v, &n);

	if (s == NULL)
		return NULL;
	if (n == 4 && prefix_ci(s, "left"))
		return "align-left";
	if (n == 6 && prefix_ci(s, "center"))
		return "align-center";
	if (n == 5 && prefix_ci(s, "right"))
		return "align-right";
	return NULL;
}

#define CLONED	(GUMBO_INSERTION_RECONSTRUCTED_FORMATTING_ELEMENT | \
		    GUMBO_INSERTION_ADOPTION_AGENCY_CLONED)

/* How put_attrs treats an image's sources, decided (and warned) before. */
#define NO_SRCSET	1	/* leave srcset= out */
#define REMOTE_OK	2	/* keep src= and srcset= from other hosts */

/*
 * The start tag's attributes for HTML element el (its name, after any
 * renaming), checked one by one; cls is a class to add (or NULL).
 */
static int
put_attrs(struct clean *c, const GumboNode *n, const char *el,
    const char *cls, int flags)
{
	const GumboVector *v = &n->v.element.attributes;
	const GumboAttribute *a;
	const char	*ac = NULL, *id = attr(n, "id");
	char		 host[HOST_MAX];
	enum rawhtml_url k;
	unsigned	 i;
	int		 loads, has_class = 0;
	size_t		 vn;

	for (i = 0; i < v->length; i++) {
		a = v->data[i];
		if (strcmp(a->name, "align") == 0) {
			if ((ac = align_class(a->value)) != NULL)
				warn(c, n, "align=\"%s\" is obsolete: made "
				    "class=\"%s\"", a->value, ac);
			else
				warn(c, n, "align=\"%s\" is obsolete: "
				    "dropped", a->value);
		}
	}
	if (cls != NULL && ac != NULL && strcmp(cls, ac) == 0)
		ac = NULL;
	for (i = 0; i < v->length; i++) {
		a = v->data[i];
		if (!name_ok(a->name, 1)) {
			warn(c, n, "attribute \"%s\" dropped: not a valid name",
			    a->name);
			continue;
		}
		if (strcmp(a->name, "align") == 0)
			continue;
		/* A copy the parser made of an element keeps no id of it. */
		if ((strcmp(a->name, "id") == 0 || strcmp(a->name, "name") ==
		    0) && (n->parse_flags & CLONED) != 0)
			continue;
		if (a->name[0] == 'o' && a->name[1] == 'n') {
			warn(c, n, "%s= dropped: " W_SCRIPT, a->name);
			continue;
		}
		if (strcmp(a->name, "style") == 0) {
			warn(c, n, "style= dropped: the Content-Security-Policy"
			    " forbids inline styles");
			continue;
		}
		if (strcmp(a->name, "ping") == 0) {
			warn(c, n, "ping= dropped: pages make no requests to "
			    "other hosts");
			continue;
		}
		/* xmlns= means nothing in HTML; the checker allows one. */
		if (strncmp(a->name, "xmlns", 5) == 0)
			continue;
		if (strcmp(a->name, "name") == 0 && strcmp(el, "a") == 0) {
			const char *s = trimmed(a->value, &vn), *why;
			int r;

			if (id != NULL)
				why = "the element has an id";
			else if (s == NULL || vn != strlen(a->value) ||
			    strpbrk(s, " \t\n\r\f") != NULL)
				why = "no id can hold white space";
			else if ((r = id_take(c, a->value)) == -1)
				return -1;
			else if (r == 0)
				why = "the page has that id already";
			else {
				warn(c, n, "<a name> is obsolete: made id=\"%s\"",
				    a->value);
				if (put_attr(c, "id", a->value, vn) == -1)
					return -1;
				continue;
			}
			warn(c, n, "<a name> is obsolete: dropped (%s)", why);
			continue;
		}
		if (obsolete_attr(el, a->name)) {
			warn(c, n, "%s= is obsolete: dropped", a->name);
			continue;
		}
		if (strcmp(a->name, "srcset") == 0) {
			if (flags & NO_SRCSET)
				continue;
			if ((k = srcset_kind(c, a->value, host)) == RAWHTML_BAD ||
			    (k == RAWHTML_REMOTE && !(flags & REMOTE_OK))) {
				warn(c, n, "srcset= dropped: it names another "
				    "host or a scheme stet does not load");
				continue;
			}
			if (put_srcset(c, a->value) == -1)
				return -1;
			continue;
		}
		if (url_attr(a->name, &loads)) {
			k = url_kind(a->value, c->o->site, host);
			if (k == RAWHTML_BAD || (loads && k == RAWHTML_MAILTO)) {
				warn(c, n, "%s= dropped: only http, https, "
				    "mailto and relative URLs are kept",
				    a->name);
				continue;
			}
			if (loads && k == RAWHTML_REMOTE && !(flags & REMOTE_OK)) {
				warn(c, n, "%s= dropped: pages load nothing "
				    "from other hosts (%s)", a->name, host);
				continue;
			}
			if (put_url_attr(c, a->name, a->value, k) == -1)
				return -1;
			continue;
		}
		if (strcmp(a->name, "class") == 0 && (cls != NULL ||
		    ac != NULL)) {
			has_class = 1;
			buf_reset(&c->tmp);
			if (buf_puts(&c->tmp, a->value) == -1 ||
			    (cls != NULL && (buf_putc(&c->tmp, ' ') == -1 ||
			    buf_puts(&c->tmp, cls) == -1)) ||
			    (ac != NULL && (buf_putc(&c->tmp, ' ') == -1 ||
			    buf_puts(&c->tmp, ac) == -1)) ||
			    put_attr(c, "class", c->tmp.data, c->tmp.len) == -1)
				return -1;
			continue;
		}
		/*
		 * One written without a value ("disabled") stays so.  (Such
		 * an attribute's original_value is its name, in gumbo 0.10.)
		 */
		if (a->value[0] == '\0' && (a->original_value.length == 0 ||
		    a->original_value.data == a->original_name.data)) {
			if (buf_putc(c->out, ' ') == -1 ||
			    buf_puts(c->out, a->name) == -1)
				return -1;
		} else if (put_attr(c, a->name, a->value, strlen(a->value)) ==
		    -1)
			return -1;
	}
	if (!has_class && (cls != NULL || ac != NULL)) {
		buf_reset(&c->tmp);
		if ((cls != NULL && buf_puts(&c->tmp, cls) == -1) ||
		    (cls != NULL && ac != NULL && buf_putc(&c->tmp, ' ') ==
		    -1) || (ac != NULL && buf_puts(&c->tmp, ac) == -1) ||
		    put_attr(c, "class", c->tmp.data, c->tmp.len) == -1)
			return -1;
	}
	return 0;
}

/* Write element n as el (with class cls) and open it, or write it void. */
static int
open_element(struct clean *c, const GumboNode *n, const char *el,
    const char *cls, int is_void, int flags)
{
	if (buf_putc(c->out, '<') == -1 || buf_puts(c->out, el) == -1 ||
	    put_attrs(c, n, el, cls, flags) == -1 ||
	    buf_putc(c->out, '>') == -1)
		return -1;
	if (is_void)
		return 0;
	if (strcmp(el, "pre") == 0)
		c->pre_end = c->out->len;
	return push(c, n, el, strcmp(el, "a") == 0);
}

/* The text a link made from n reads: title=, else the host or URL. */
static const char *
link_text(const GumboNode *n, const char *name, const char *url,
    const char *host, size_t *tn)
{
	const char	*t;

	if ((t = trimmed(attr(n, name), tn)) != NULL)
		return t;
	if (host[0] != '\0') {
		*tn = strlen(host);
		return host;
	}
	*tn = strlen(url);
	return url;
}

/* <iframe>, <video>, <audio>, <embed>, <object>: a link to what they show. */
static int
embed(struct clean *c, const GumboNode *n, const char *el)
{
	const GumboVector *v = &n->v.element.children;
	const char	*url, *text;
	char		 host[HOST_MAX];
	enum rawhtml_url k;
	unsigned	 i;
	size_t		 tn;

	url = attr(n, strcmp(el, "object") == 0 ? "data" : "src");
	for (i = 0; url == NULL && i < v->length; i++)
		if (is_element(v->data[i], GUMBO_NAMESPACE_HTML,
		    GUMBO_TAG_SOURCE))
			url = attr(v->data[i], "src");
	k = url != NULL ? url_kind(url, c->o->site, host) : RAWHTML_BAD;
	if (k == RAWHTML_BAD || k == RAWHTML_MAILTO) {
		warn(c, n, "<%s> dropped: it has no http, https or relative "
		    "address to link to", el);
		return 0;
	}
	if (k == RAWHTML_REMOTE)
		warn(c, n, "<%s> from %s made a link: pages embed nothing "
		    "from other hosts", el, host);
	else
		warn(c, n, "<%s> made a link: the Content-Security-Policy "
		    "lets pages play no media and show no frames", el);
	text = link_text(n, "title", url, host, &tn);
	return put_link(c, n, url, text, tn);
}

/*
 * <img>: kept when from the site; from another host, a link to it, or
 * with images: { remote: allow } kept (a warning either way).
 */
static int
image(struct clean *c, const GumboNode *n)
{
	const char	*src = attr(n, "src"), *set = attr(n, "srcset");
	const char	*text, *alt;
	char		 host[HOST_MAX], shost[HOST_MAX];
	enum rawhtml_url k, ks = RAWHTML_LOCAL;
	size_t		 tn;
	int		 flags = c->o->allow_remote_images ? REMOTE_OK : 0;

	k = src != NULL ? url_kind(src, c->o->site, host) : RAWHTML_BAD;
	alt = trimmed(attr(n, "alt"), &tn);
	if (k == RAWHTML_BAD || k == RAWHTML_MAILTO) {
		warn(c, n, "image dropped%s: its address is not http, https "
		    "or relative", alt != NULL ? ", its alt text kept" : "");
		return alt != NULL ? put_esc(c->out, alt, tn) : 0;
	}
	if (set != NULL)
		ks = srcset_kind(c, set, shost);
	if (ks == RAWHTML_BAD) {
		warn(c, n, "srcset= dropped: only http, https and relative "
		    "URLs are kept");
		flags |= NO_SRCSET;
	}
	if (k == RAWHTML_REMOTE && !c->o->allow_remote_images) {
		warn(c, n, "image from %s made a link: pages load nothing "
		    "from other hosts (images: { remote: allow } keeps it)",
		    host);
		text = alt != NULL ? alt : link_text(n, "title", src, host,
		    &tn);
		return put_link(c, n, src, text, tn);
	}
	if (k == RAWHTML_REMOTE)
		warn(c, n, "image from %s: every reader's browser will ask %s "
		    "for it", host, host);
	if (ks == RAWHTML_REMOTE && !c->o->allow_remote_images) {
		warn(c, n, "srcset= dropped: it names images from %s, and "
		    "pages load nothing from other hosts", shost);
		flags |= NO_SRCSET;
	} else if (ks == RAWHTML_REMOTE && (k != RAWHTML_REMOTE ||
	    strcmp(host, shost) != 0))
		warn(c, n, "image from %s: every reader's browser will ask %s "
		    "for it", shost, shost);
	return open_element(c, n, "img", NULL, 1, flags);
}

/* <source> in a <picture>: an image by another name. */
static int
source(struct clean *c, const GumboNode *n)
{
	const char	*set = attr(n, "srcset"), *el;
	char		 host[HOST_MAX];
	enum rawhtml_url k;

	if (n->parent == NULL || n->parent->type != GUMBO_NODE_ELEMENT ||
	    n->parent->v.element.tag_namespace != GUMBO_NAMESPACE_HTML ||
	    (el = html_name(c, &n->parent->v.element)) == NULL ||
	    strcmp(el, "picture") != 0)
		return 0;	/* outside a <picture>: means nothing */
	k = set != NULL ? srcset_kind(c, set, host) : RAWHTML_BAD;
	if (k == RAWHTML_BAD) {
		warn(c, n, "<source> dropped: its srcset= is missing or not "
		    "http, https or relative");
		return 0;
	}
	if (k == RAWHTML_REMOTE && !c->o->allow_remote_images) {
		warn(c, n, "<source> from %s dropped: pages load nothing from "
		    "other hosts (images: { remote: allow } keeps it)", host);
		return 0;
	}
	if (k == RAWHTML_REMOTE)
		warn(c, n, "image from %s: every reader's browser will ask %s "
		    "for it", host, host);
	return open_element(c, n, "source", NULL, 1, REMOTE_OK);
}

static int
elem_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct elem *)e)->name);
}

/*
 * The name of the start tag in tag, into t: NULL unless it is all the
 * name the parser read.  gumbo_tag_from_original_text stops at any
 * space, the parser only at HTML's (a "\v" is part of a name to it).
 */
static const GumboStringPiece *
tag_name(const GumboStringPiece *tag, GumboStringPiece *t)
{
	const char	*end;

	*t = *tag;
	gumbo_tag_from_original_text(t);
	end = t->data + t->length;
	if (t->length == 0 || (end < tag->data + tag->length &&
	    strchr("\t\n\f\r />", *end) == NULL))
		return NULL;
	return t;
}

/*
 * The name in t, lowercase, in c->name; NULL unless it is a valid one
 * all through (the source may hold a NUL in a tag's name).
 */
static const char *
copy_name(struct clean *c, const GumboStringPiece *t)
{
	size_t	 i;

	buf_reset(&c->name);
	for (i = 0; i < t->length; i++)
		if (t->data[i] == '\0' ||
		    buf_putc(&c->name, lower(t->data[i])) == -1)
			return NULL;
	return c->name.len > 0 && name_ok(c->name.data, 0) ? c->name.data :
	    NULL;
}

/*
 * An HTML element's name: gumbo's for the tags it knows, else from the
 * source, lowercase, in c->name.  NULL when there is none to be had.
 */
static const char *
html_name(struct clean *c, const GumboElement *e)
{
	GumboStringPiece t;

	if (e->tag != GUMBO_TAG_UNKNOWN)
		return gumbo_normalized_tagname(e->tag);
	if (e->original_tag.length == 0 || tag_name(&e->original_tag, &t) ==
	    NULL)
		return NULL;
	return copy_name(c, &t);
}

/*
 * Where SVG or MathML may hold HTML: in <foreignObject>, <desc> and
 * <title> of SVG, and MathML's text elements and <annotation-xml>.
 */
static int
holds_html(const GumboNode *p)
{
	const GumboElement *e = &p->v.element;

	if (p->type != GUMBO_NODE_ELEMENT ||
	    e->tag_namespace == GUMBO_NAMESPACE_HTML)
		return 1;
	if (e->tag_namespace == GUMBO_NAMESPACE_SVG)
		return e->tag == GUMBO_TAG_FOREIGNOBJECT ||
		    e->tag == GUMBO_TAG_DESC || e->tag == GUMBO_TAG_TITLE;
	if (e->tag == GUMBO_TAG_ANNOTATION_XML) {
		const char *enc = attr(p, "encoding");

		return enc != NULL && (strcasecmp(enc, "text/html") == 0 ||
		    strcasecmp(enc, "application/xhtml+xml") == 0);
	}
	return e->tag == GUMBO_TAG_MI || e->tag == GUMBO_TAG_MO ||
	    e->tag == GUMBO_TAG_MN || e->tag == GUMBO_TAG_MS ||
	    e->tag == GUMBO_TAG_MTEXT;
}

static int
element(struct clean *c, const GumboNode *n)
{
	const GumboElement *e = &n->v.element;
	const struct elem *d;
	const char	*el;

	if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
		return foreign(c, n);
	/*
	 * The parser can leave an HTML element elsewhere in SVG or MathML
	 * (a "</br>" in <math>), where HTML written back would break out
	 * of it: its content alone.
	 */
	if (n->parent != NULL && !holds_html(n->parent))
		return push(c, n, NULL, 0);
	if ((el = html_name(c, e)) == NULL)
		return push(c, n, NULL, 0);
	d = bsearch(el, elems, sizeof(elems) / sizeof(*elems), sizeof(*elems),
	    elem_cmp);
	if (d == NULL) {
		warn(c, n, "<%s> dropped, its content kept: not an HTML "
		    "element", el);
		return push(c, n, NULL, 0);
	}
	switch (d->act) {
	case KEEP:
		/*
		 * The parser can leave a link in a link (<a><table><a>),
		 * which no browser would make of the HTML written back.
		 */
		if (e->tag == GUMBO_TAG_A && c->in_a) {
			warn(c, n, "<a> inside a link: kept as its text");
			return push(c, n, NULL, 0);
		}
		/*
		 * A paragraph left empty by the parser (closed by a <div>
		 * opening in it, or made from a stray </p>) is noise.
		 */
		if (e->tag == GUMBO_TAG_P && e->children.length == 0 &&
		    (n->parse_flags & (GUMBO_INSERTION_BY_PARSER |
		    GUMBO_INSERTION_IMPLICIT_END_TAG)) != 0)
			return 0;
		return open_element(c, n, d->name, NULL, 0, 0);
	case VOID:
		return open_element(c, n, d->name, NULL, 1, 0);
	case DROP:
		c->unsure = 1;
		if (d->why != NULL)
			warn(c, n, "<%s> dropped: %s", el, d->why);
		return 0;
	case UNWRAP:
		warn(c, n, "<%s> dropped, its content kept: %s", el, d->why);
		return push(c, n, NULL, 0);
	case RENAME:
		c->unsure = 1;	/* <center> parses as <div> does, not so all */
		warn(c, n, "<%s> is obsolete: made <%s%s%s%s>", el, d->to,
		    d->cls ? " class=\"" : "", d->cls ? d->cls : "",
		    d->cls ? "\"" : "");
		return open_element(c, n, d->to, d->cls, 0, 0);
	case EMBED:
		return embed(c, n, d->name);
	case IMG:
		return image(c, n);
	case SOURCE:
		return source(c, n);
	}
	return 0;
}

/* --- SVG and MathML ------------------------------------------------ */

/*
 * The elements of SVG and MathML, in SVG's mixed case, sorted (strcmp).
 * Any other name in them (<svg><iframe>, an editor's own <sodipodi:...>)
 * shows nothing and is not valid HTML.  No <script> or <style>.
 */
static const char *const svg_elems[] = {
	"a", "animate", "animateMotion", "animateTransform", "circle",
	"clipPath", "defs", "desc", "ellipse", "feBlend", "feColorMatrix",
	"feComponentTransfer", "feComposite", "feConvolveMatrix",
	"feDiffuseLighting", "feDisplacementMap", "feDistantLight",
	"feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG",
	"feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode",
	"feMorphology", "feOffset", "fePointLight", "feSpecularLighting",
	"feSpotLight", "feTile", "feTurbulence", "filter", "foreignObject",
	"g", "image", "line", "linearGradient", "marker", "mask",
	"metadata", "mpath", "path", "pattern", "polygon", "polyline",
	"radialGradient", "rect", "set", "stop", "svg", "switch", "symbol",
	"text", "textPath", "title", "tspan", "use", "view"
};

static const char *const math_elems[] = {
	"annotation", "annotation-xml", "maction", "malignmark", "math",
	"menclose", "merror", "mfenced", "mfrac", "mglyph", "mi",
	"mlabeledtr", "mmultiscripts", "mn", "mo", "mover", "mpadded",
	"mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace",
	"msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd",
	"mtext", "mtr", "munder", "munderover", "none", "semantics"
};

static int
name_cmp(const void *key, const void *e)
{
	return strcmp(key, *(const char *const *)e);
}

static int
foreign_known(GumboNamespaceEnum ns, const char *el)
{
	if (ns == GUMBO_NAMESPACE_SVG)
		return bsearch(el, svg_elems, sizeof(svg_elems) /
		    sizeof(*svg_elems), sizeof(*svg_elems), name_cmp) != NULL;
	return bsearch(el, math_elems, sizeof(math_elems) /
	    sizeof(*math_elems), sizeof(*math_elems), name_cmp) != NULL;
}

/* A foreign element's name, in SVG's mixed case where it has one. */
static const char *
foreign_name(struct clean *c, const GumboElement *e)
{
	GumboStringPiece t;
	const char	*fixed;

	if (e->original_tag.length > 0) {
		if (tag_name(&e->original_tag, &t) == NULL)
			return NULL;
	} else if (e->tag != GUMBO_TAG_UNKNOWN) {
		t.data = gumbo_normalized_tagname(e->tag);
		t.length = strlen(t.data);
	} else
		return NULL;
	if (e->tag_namespace == GUMBO_NAMESPACE_SVG &&
	    (fixed = gumbo_normalize_svg_tagname(&t)) != NULL)
		return fixed;
	return copy_name(c, &t);
}

/* "url(" naming anything but "#id": a request SVG would make. */
static int
has_outside_url(const char *v)
{
	const char	*p = v;

	while ((p = strchr(p, '(')) != NULL) {
		if (p - v >= 3 && prefix_ci(p - 3, "url")) {
			p++;
			while (*p == ' ' || *p == '\t' || *p == '\n' ||
			    *p == '\'' || *p == '"')
				p++;
			if (*p != '#')
				return 1;
		} else
			p++;
	}
	return 0;
}

/*
 * Why an inline <svg> may not stay, or NULL: a script, an event
 * handler, or a reference to anything outside itself (which would be a
 * request, maybe to another host).  Links (<a href>) are checked as
 * links are anywhere.
 */
static const char *
svg_problem(struct clean *c, const GumboNode *svg)
{
	const GumboNode	*n;
	const GumboAttribute *a;
	const char	*el;
	size_t		 vn;
	unsigned	 i;

	for (n = svg; n != NULL; n = next_under(n, svg)) {
		if (n->type != GUMBO_NODE_ELEMENT ||
		    n->v.element.tag_namespace != GUMBO_NAMESPACE_SVG)
			continue;
		if ((el = foreign_name(c, &n->v.element)) == NULL)
			continue;
		if (strcmp(el, "script") == 0)
			return "it holds a script";
		for (i = 0; i < n->v.element.attributes.length; i++) {
			a = n->v.element.attributes.data[i];
			if (a->name[0] == 'o' && a->name[1] == 'n')
				return "it holds an event handler (a script)";
			if (strcmp(a->name, "style") == 0)
				continue;	/* dropped anyway */
			if (strcmp(a->name, "attributeName") == 0 &&
			    (strstr(a->value, "href") != NULL ||
			    prefix_ci(a->value, "on")))
				return "it animates a link or an event handler";
			if (strcmp(a->name, "href") == 0 &&
			    strcmp(el, "a") != 0) {
				const char *s = trimmed(a->value, &vn);

				if (s != NULL && s[0] != '#')
					return "it refers to something outside "
					    "itself";
			}
			if (has_outside_url(a->value))
				return "it refers to something outside itself";
		}
	}
	return NULL;
}

/* An attribute of a foreign element, with its namespace's prefix. */
static int
foreign_attrs(struct clean *c, const GumboNode *n)
{
	const GumboVector *v = &n->v.element.attributes;
	const GumboAttribute *a;
	const char	*prefix;
	char		 host[HOST_MAX];
	enum rawhtml_url k;
	unsigned	 i;
	int		 loads;

	for (i = 0; i < v->length; i++) {
		a = v->data[i];
		switch (a->attr_namespace) {
		case GUMBO_ATTR_NAMESPACE_XLINK: prefix = "xlink:"; break;
		case GUMBO_ATTR_NAMESPACE_XML: prefix = "xml:"; break;
		case GUMBO_ATTR_NAMESPACE_XMLNS:
			prefix = strcmp(a->name, "xmlns") ? "xmlns:" : "";
			break;
		default: prefix = ""; break;
		}
		/*
		 * An editor's own attributes (inkscape:label) mean nothing
		 * to a browser and are not valid HTML: left out quietly.
		 */
		if (!name_ok(a->name, 1) || (*prefix == '\0' &&
		    strchr(a->name, ':') != NULL))
			continue;
		if (a->name[0] == 'o' && a->name[1] == 'n') {
			warn(c, n, "%s= dropped: " W_SCRIPT, a->name);
			continue;
		}
		if (strcmp(a->name, "style") == 0) {
			warn(c, n, "style= dropped: the Content-Security-Policy"
			    " forbids inline styles");
			continue;
		}
		if (url_attr(a->name, &loads)) {
			k = url_kind(a->value, c->o->site, host);
			if (k == RAWHTML_BAD || (loads && k == RAWHTML_MAILTO)) {
				warn(c, n, "%s%s= dropped: only http, https, "
				    "mailto and relative URLs are kept", prefix,
				    a->name);
				continue;
			}
			if (loads && k == RAWHTML_REMOTE) {
				warn(c, n, "%s%s= dropped: pages load nothing "
				    "from other hosts (%s)", prefix, a->name,
				    host);
				continue;
			}
		}
		if (buf_putc(c->out, ' ') == -1 ||
		    buf_puts(c->out, prefix) == -1 ||
		    buf_puts(c->out, a->name) == -1 ||
		    BUF_LIT(c->out, "=\"") == -1 ||
		    put_esc(c->out, a->value, strlen(a->value)) == -1 ||
		    buf_putc(c->out, '"') == -1)
			return -1;
	}
	return 0;
}

static int
foreign(struct clean *c, const GumboNode *n)
{
	const GumboElement *e = &n->v.element;
	const GumboNode	*p = n->parent;
	const char	*el, *why;
	int		 root;

	root = p == NULL || p->type != GUMBO_NODE_ELEMENT ||
	    p->v.element.tag_namespace != e->tag_namespace;
	if (root && e->tag_namespace == GUMBO_NAMESPACE_SVG &&
	    (why = svg_problem(c, n)) != NULL) {
		warn(c, n, "<svg> dropped: %s", why);
		return 0;
	}
	if ((el = foreign_name(c, e)) == NULL)
		return 0;
	if (strcmp(el, "script") == 0 || strcmp(el, "style") == 0) {
		warn(c, n, "<%s> dropped: %s", el, el[1] == 'c' ? W_SCRIPT :
		    W_STYLE);
		return 0;
	}
	if (!foreign_known(e->tag_namespace, el)) {
		warn(c, n, "<%s> dropped: not an element of %s", el,
		    e->tag_namespace == GUMBO_NAMESPACE_SVG ? "SVG" :
		    "MathML");
		return 0;
	}
	/*
	 * Always an end tag, never "<x/>": a child dropped here would
	 * leave <x></x>, which cleaned again would be <x/>.
	 */
	if (buf_putc(c->out, '<') == -1 || buf_puts(c->out, el) == -1 ||
	    foreign_attrs(c, n) == -1 || buf_putc(c->out, '>') == -1 ||
	    push(c, n, NULL, 0) == -1)
		return -1;
	/* The name may be in scratch memory: found again at the end tag. */
	c->st[c->depth - 1].foreign = n;
	return 0;
}

/* --- the walk ------------------------------------------------------ */

/*
 * Whether the parser put n where no tag of it would have, going by
 * where its children came from: children of an element keep the order
 * of the source unless one was moved (foster-parented out of a table:
 * <li><table><li> leaves the second <li> before the table, in the
 * first).  gumbo flags the nodes the adoption agency made or moved, and
 * the formatting elements it opened again.  Such a tree may not be the
 * tree its own HTML gives.
 */
static int
moved(struct frame *f, const GumboNode *n)
{
	unsigned	 off;

	if (n->parse_flags & (GUMBO_INSERTION_FOSTER_PARENTED |
	    GUMBO_INSERTION_ADOPTION_AGENCY_CLONED |
	    GUMBO_INSERTION_ADOPTION_AGENCY_MOVED |
	    GUMBO_INSERTION_RECONSTRUCTED_FORMATTING_ELEMENT))
		return 1;
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		off = n->v.element.start_pos.offset;
	else if (n->type == GUMBO_NODE_DOCUMENT)
		return 0;
	else
		off = n->v.text.start_pos.offset;
	if (off < f->last)
		return 1;
	f->last = off;
	return 0;
}

static int
clean_tree(struct clean *c, const GumboNode *root)
{
	struct frame	*f;
	const GumboNode	*n;
	const char	*t;

	if (push(c, root, NULL, 0) == -1)
		return -1;
	while (c->depth > 0) {
		f = &c->st[c->depth - 1];
		if (f->next == f->kids->length) {
			t = f->foreign != NULL ?
			    foreign_name(c, &f->foreign->v.element) : f->close;
			if (t != NULL && (BUF_LIT(c->out, "</") == -1 ||
			    buf_puts(c->out, t) == -1 ||
			    buf_putc(c->out, '>') == -1))
				return -1;
			if (f->is_a)
				c->in_a--;
			c->depth--;
			continue;
		}
		n = f->kids->data[f->next++];
		if (moved(f, n))
			c->unsure = 1;
		switch (n->type) {
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_WHITESPACE:
		case GUMBO_NODE_CDATA:
			t = n->v.text.text;
			/*
			 * The parser drops a newline right after <pre>: when
			 * the text written first in one starts with a
			 * newline, write another for it to drop.
			 */
			if (t[0] == '\n' && c->out->len == c->pre_end &&
			    buf_putc(c->out, '\n') == -1)
				return -1;
			if (put_esc(c->out, t, strlen(t)) == -1)
				return -1;
			break;
		case GUMBO_NODE_ELEMENT:
			if (element(c, n) == -1)
				return -1;
			break;
		case GUMBO_NODE_TEMPLATE:
			warn(c, n, "<template> dropped: it shows only through "
			    "script");
			break;
		case GUMBO_NODE_COMMENT:
		case GUMBO_NODE_DOCUMENT:
			break;
		}
	}
	return 0;
}

static int
clean_once(const char *html, size_t len, const struct md_opts *o,
    const char *base, int warn_on, struct buf *out, int *unsure)
{
	static const struct md_opts none;
	struct clean	 c;
	struct buf	 text;
	GumboOptions	 go = kGumboDefaultOptions;
	GumboOutput	*g = NULL;
	int		 rc = -1;

	memset(&c, 0, sizeof(c));
	c.o = o != NULL ? o : &none;
	c.base = base;
	c.warn = warn_on;
	c.out = out;
	c.pre_end = (size_t)-1;
	buf_init(&c.name, 0);
	buf_init(&c.tmp, 0);
	buf_init(&text, 0);
	if (mark_add(&c, 0, 1, c.o->line ? c.o->line : 1) == -1)
		goto out;
	if (memchr(html, MARK, len) != NULL) {
		if (strip_marks(&c, html, len, &text) == -1)
			goto out;
		html = text.data != NULL ? text.data : "";
		len = text.len;
	}
	go.fragment_context = GUMBO_TAG_DIV;
	go.fragment_namespace = GUMBO_NAMESPACE_HTML;
	go.max_errors = 0;	/* they are not read: do not keep them */
	if ((g = gumbo_parse_with_options(&go, html, len)) == NULL)
		goto out;
	c.root = g->root;
	if (clean_tree(&c, g->root) == -1)
		goto out;
	*unsure = c.unsure;
	rc = 0;
out:
	if (g != NULL)
		gumbo_destroy_output(&go, g);
	free(c.st);
	free(c.marks);
	free(c.ids.v);
	buf_free(&c.name);
	buf_free(&c.tmp);
	buf_free(&text);
	return rc;
}

/*
 * A reader's browser builds its tree from what is written here, not
 * from the author's HTML, so that is the tree the promises must hold
 * for.  Where the first pass changed the tree or met nodes the parser
 * moved, the output is cleaned again, silently (the warnings were
 * given), until it comes back the same: then the page holds exactly
 * what was checked.  Every misnesting libFuzzer found settled after
 * one change (the pass after it comes back the same); the passes are
 * bounded all the same, and each one's output keeps every other promise.
 */
int
rawhtml_clean(const char *html, size_t len, const struct md_opts *o,
    const char *base, int warn_on, struct buf *out)
{
	struct buf	 again;
	size_t		 start = out->len;
	int		 unsure = 0, i, rc = -1;

	if (clean_once(html, len, o, base, warn_on, out, &unsure) == -1)
		return -1;
	if (!unsure)
		return 0;
	buf_init(&again, 0);
	for (i = 0; i < PASSES; i++) {
		buf_reset(&again);
		if (clean_once(out->data != NULL ? out->data + start : "",
		    out->len - start, o, base, 0, &again, &unsure) == -1)
			goto out;
		if (again.len == out->len - start && (again.len == 0 ||
		    memcmp(again.data, out->data + start, again.len) == 0)) {
			rc = 0;
			goto out;
		}
		out->len = start;
		if (buf_put(out, again.data, again.len) == -1)
			goto out;
	}
	rc = 0;
out:
	buf_free(&again);
	return rc;
}
