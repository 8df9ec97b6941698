#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/esc.h"
#include "../support/hash.h"
#include "template.h"

#define TPL_MAX		32	/* templates in a set */
#define TPL_PATH	8	/* segments in a dotted name */
/*
 * Sections and partials nest at most TPL_DEPTH deep, counted together
 * through every partial: real templates nest a handful, and the parser,
 * the linker and the renderer each recurse once per level.  A template
 * of a million nested sections would otherwise overflow the stack.
 */
#define TPL_DEPTH	100
/*
 * Partials that include each other twice, thirty deep, ask for a billion
 * copies of the last one: what a template expands to through its
 * partials is bounded when the set is linked, and what a page renders to
 * (lists repeat their sections) when it is rendered.
 */
#define TPL_EXPAND_MAX	(16 * 1024 * 1024)
#define TPL_OUT_MAX	(256 * 1024 * 1024)

/*
 * TN_URL_BEGIN and TN_URL_END mark where the value of a URL attribute
 * (href="...") starts and ends, so it can be checked as a whole.
 */
enum tnode_kind { TN_TEXT, TN_VAR, TN_RAW, TN_SECTION, TN_INVERTED,
    TN_PARTIAL, TN_URL_BEGIN, TN_URL_END };
enum tesc { TESC_HTML, TESC_URL, TESC_URL_START };

struct tnode {
	enum tnode_kind	 kind;
	const char	*s;		/* TEXT: bytes; others: the name */
	size_t		 n;
	const char	*path[TPL_PATH];	/* VAR, SECTION: segments */
	size_t		 npath;
	enum tesc	 esc;
	size_t		 line;
	int		 partial;	/* PARTIAL: index in the set */
	int		 check;		/* URL_END: the value needs a look */
	struct tnode	*child;
	struct tnode	*next;
};

struct template {
	char		*name;
	char		*file;
	struct tnode	*root;
	/* Filled by template_link: */
	int		 state;		/* 0 not seen, 1 being linked, 2 done */
	size_t		 depth;		/* levels it nests, partials included */
	size_t		 size;		/* bytes of text, partials included */
};

struct tset {
	struct arena	*arena;
	struct template	 tpl[TPL_MAX];
	size_t		 n;
};

/* Values */

struct tval
tv_null(void)
{
	struct tval v;

	memset(&v, 0, sizeof(v));
	return v;
}

struct tval
tv_strn(const char *s, size_t n)
{
	struct tval v = tv_null();

	v.kind = TV_STR;
	v.u.s = s ? s : "";
	v.n = s ? n : 0;
	return v;
}

struct tval
tv_str(const char *s)
{
	return tv_strn(s, s ? strlen(s) : 0);
}

struct tval
tv_fmt(struct tbuild *tb, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = arena_alloc(tb->arena, (size_t)n + 1)) == NULL) {
		tb->oom = 1;
		return tv_null();
	}
	va_start(ap, fmt);
	(void)vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return tv_strn(p, (size_t)n);
}

struct tval
tv_cat(struct tbuild *tb, ...)
{
	va_list		 ap;
	const char	*part;
	size_t		 n = 0, len;
	char		*p;

	va_start(ap, tb);
	while ((part = va_arg(ap, const char *)) != NULL)
		n += strlen(part);
	va_end(ap);
	if ((p = arena_alloc(tb->arena, n + 1)) == NULL) {
		tb->oom = 1;
		return tv_str("");
	}
	n = 0;
	va_start(ap, tb);
	while ((part = va_arg(ap, const char *)) != NULL) {
		len = strlen(part);
		memcpy(p + n, part, len);
		n += len;
	}
	va_end(ap);
	p[n] = '\0';
	return tv_strn(p, n);
}

struct tval
tv_obj(struct tbuild *tb, size_t cap)
{
	struct tval v = tv_null();

	v.kind = TV_OBJ;
	v.u.fields = arena_alloc(tb->arena, (cap ? cap : 1) *
	    sizeof(struct tfield));
	if (v.u.fields == NULL)
		tb->oom = 1;
	else
		v.cap = cap;
	return v;
}

struct tval
tv_list(struct tbuild *tb, size_t cap)
{
	struct tval v = tv_null();

	v.kind = TV_LIST;
	v.u.items = arena_alloc(tb->arena, (cap ? cap : 1) *
	    sizeof(struct tval));
	if (v.u.items == NULL)
		tb->oom = 1;
	else
		v.cap = cap;
	return v;
}

/*
 * Make room for one more in an object's fields or a list's items: a
 * count given in advance is a hint, never a limit (the arena keeps the
 * old array until the page is done).  0, or -1 when out of memory.
 */
static int
tv_grow(struct tbuild *tb, struct tval *v, size_t size)
{
	size_t	 cap = v->cap ? v->cap * 2 : 4;
	void	*p;

	if (v->n < v->cap)
		return 0;
	if ((p = arena_alloc(tb->arena, cap * size)) == NULL) {
		tb->oom = 1;
		return -1;
	}
	if (v->n > 0)
		memcpy(p, v->kind == TV_OBJ ? (void *)v->u.fields :
		    (void *)v->u.items, v->n * size);
	if (v->kind == TV_OBJ)
		v->u.fields = p;
	else
		v->u.items = p;
	v->cap = cap;
	return 0;
}

void
tv_set(struct tbuild *tb, struct tval *obj, const char *name, struct tval v)
{
	if (obj->kind != TV_OBJ) {
		tb->oom = 1;	/* a caller's mistake: a failed build */
		return;
	}
	if (tv_grow(tb, obj, sizeof(struct tfield)) == -1)
		return;
	obj->u.fields[obj->n].name = name;
	obj->u.fields[obj->n].v = v;
	obj->n++;
}

void
tv_push(struct tbuild *tb, struct tval *list, struct tval v)
{
	if (list->kind != TV_LIST) {
		tb->oom = 1;
		return;
	}
	if (tv_grow(tb, list, sizeof(struct tval)) == -1)
		return;
	list->u.items[list->n++] = v;
}

struct tval
tv_lazy(struct tbuild *tb, struct tval (*fn)(void *), void *arg)
{
	struct tval v = tv_null();

	v.kind = TV_LAZY;
	if ((v.u.lazy = arena_alloc(tb->arena, sizeof(*v.u.lazy))) == NULL) {
		tb->oom = 1;
		return tv_null();
	}
	v.u.lazy->fn = fn;
	v.u.lazy->arg = arg;
	v.u.lazy->digest = 0;
	return v;
}

struct tval
tv_lazy_known(struct tbuild *tb, struct tval (*fn)(void *), void *arg,
    uint64_t digest)
{
	struct tval v = tv_lazy(tb, fn, arg);

	if (v.kind == TV_LAZY)
		v.u.lazy->digest = digest;
	return v;
}

/* v, made first if it is lazy (see template.h). */
static const struct tval *
tv_force(const struct tval *v)
{
	struct tval	*m = (struct tval *)v;	/* the page's own data */

	if (v != NULL && v->kind == TV_LAZY)
		*m = v->u.lazy->fn(v->u.lazy->arg);
	return v;
}

uint64_t
tv_digest(uint64_t h, const struct tval *v)
{
	size_t	 i;

	if (v->kind == TV_LAZY && v->u.lazy->digest != 0)
		return hash_num(hash_num(h, TV_LAZY),
		    (int64_t)v->u.lazy->digest);
	v = tv_force(v);
	h = hash_num(h, v->kind);
	switch (v->kind) {
	case TV_STR:
		h = hash_num(h, (int64_t)v->n);
		return hash_bytes(h, v->u.s, v->n);
	case TV_LIST:
		h = hash_num(h, (int64_t)v->n);
		for (i = 0; i < v->n; i++)
			h = tv_digest(h, &v->u.items[i]);
		return h;
	case TV_OBJ:
		h = hash_num(h, (int64_t)v->n);
		for (i = 0; i < v->n; i++) {
			h = hash_str(h, v->u.fields[i].name);
			h = tv_digest(h, &v->u.fields[i].v);
		}
		return h;
	default:
		return h;
	}
}

const struct tval *
tv_get(const struct tval *obj, const char *name)
{
	size_t	 i;

	if (obj == NULL || obj->kind != TV_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->u.fields[i].name, name) == 0)
			return &obj->u.fields[i].v;
	return NULL;
}

/* Parsing */

struct scan {
	enum { HS_TEXT, HS_TAG, HS_DQ, HS_SQ } state;
	char	 word[16];	/* the attribute name being read */
	size_t	 nword;
	char	 attr[16];	/* the attribute whose value we are in */
	int	 value_empty;	/* nothing yet inside the quotes */
	int	 sep;		/* the next letter starts a new word */
	/*
	 * In a URL attribute's value: whether its text has fixed how it
	 * starts (a ':', '/', '?' or '#' came before any tag), and whether
	 * a tag came first, so the whole value must be checked.
	 */
	int	 url;
	int	 url_fixed;
	int	 url_check;
};

/* What scan_char saw: the quote that opens or closes a URL value. */
enum { SCAN_NONE, SCAN_URL_OPEN, SCAN_URL_CLOSE };

/* The attributes whose values are URLs a browser may follow or load. */
static int
url_attr(const char *name)
{
	static const char *const names[] = { "href", "src", "action",
	    "cite", "formaction", "poster", "data", NULL };
	size_t	 i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * Follow the HTML around the tags, one byte of template text (s[i], of
 * n) at a time, to know each tag's context.
 */
static int
scan_char(struct scan *sc, const char *s, size_t i, size_t n)
{
	char	 c = s[i];

	switch (sc->state) {
	case HS_TEXT:
		if (c == '<' && i + 1 < n && (s[i + 1] == '/' ||
		    s[i + 1] == '!' || (s[i + 1] >= 'a' && s[i + 1] <= 'z') ||
		    (s[i + 1] >= 'A' && s[i + 1] <= 'Z'))) {
			sc->state = HS_TAG;
			sc->nword = 0;
			sc->sep = 0;
		}
		break;
	case HS_TAG:
		if (c == '>')
			sc->state = HS_TEXT;
		else if (c == '"' || c == '\'') {
			sc->state = c == '"' ? HS_DQ : HS_SQ;
			memcpy(sc->attr, sc->word, sc->nword);
			sc->attr[sc->nword] = '\0';
			sc->value_empty = 1;
			sc->url = url_attr(sc->attr);
			sc->url_fixed = sc->url_check = 0;
			if (sc->url)
				return SCAN_URL_OPEN;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-') {
			if (sc->sep)
				sc->nword = 0;
			sc->sep = 0;
			if (sc->nword < sizeof(sc->word) - 1)
				sc->word[sc->nword++] = (char)(c | 0x20);
		} else
			sc->sep = 1;
		/* '=' and spaces keep the word before as the name. */
		break;
	case HS_DQ:
	case HS_SQ:
		if (c == (sc->state == HS_DQ ? '"' : '\'')) {
			sc->state = HS_TAG;
			if (sc->url) {
				sc->url = 0;
				return SCAN_URL_CLOSE;
			}
			break;
		}
		sc->value_empty = 0;
		if (sc->url && !sc->url_check && strchr(":/?#", c) != NULL)
			sc->url_fixed = 1;
		break;
	}
	return SCAN_NONE;
}

struct parser {
	struct tset	*set;
	const char	*file;
	const char	*src;
	size_t		 len;
	size_t		 pos;
	size_t		 line;
	struct scan	 scan;
	struct err	*err;
};

static struct tnode *
node_new(struct parser *p, enum tnode_kind kind, size_t line)
{
	struct tnode *n = arena_alloc(p->set->arena, sizeof(*n));

	if (n == NULL) {
		err_set(p->err, p->file, 0, "out of memory");
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = line;
	return n;
}

static int
split_path(struct parser *p, struct tnode *n, size_t line)
{
	const char	*s = n->s, *dot;
	size_t		 left = n->n, k;

	if (n->n == 1 && s[0] == '.') {
		n->npath = 0;
		return 0;
	}
	for (k = 0; k < n->n; k++) {
		char c = s[k];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.'))
			return err_set(p->err, p->file, line,
			    "bad name in tag: %.*s", (int)n->n, s);
	}
	while (left > 0) {
		dot = memchr(s, '.', left);
		k = dot ? (size_t)(dot - s) : left;
		if (k == 0 || n->npath == TPL_PATH)
			return err_set(p->err, p->file, line,
			    "bad name in tag: %.*s", (int)n->n, n->s);
		n->path[n->npath] = arena_strndup(p->set->arena, s, k);
		if (n->path[n->npath] == NULL)
			return err_set(p->err, p->file, 0, "out of memory");
		n->npath++;
		s += k;
		left -= k;
		if (left > 0) {
			s++;
			left--;
			if (left == 0)
				return err_set(p->err, p->file, line,
				    "bad name in tag: %.*s", (int)n->n, n->s);
		}
	}
	return 0;
}

static size_t
count_lines(const char *s, size_t n)
{
	size_t	 k = 0;

	while (n-- > 0)
		if (*s++ == '\n')
			k++;
	return k;
}

/*
 * If the tag spanning [tstart, tend) stands alone on its line, widen the
 * span to the whole line, newline included.
 */
static void
standalone(const char *src, size_t len, size_t *tstart, size_t *tend)
{
	size_t	 a = *tstart, b = *tend;

	while (a > 0 && (src[a - 1] == ' ' || src[a - 1] == '\t'))
		a--;
	if (a > 0 && src[a - 1] != '\n')
		return;
	while (b < len && (src[b] == ' ' || src[b] == '\t' || src[b] == '\r'))
		b++;
	if (b < len && src[b] != '\n')
		return;
	if (b < len)
		b++;
	*tstart = a;
	*tend = b;
}

static int	parse_list(struct parser *, struct tnode **, const char *,
		    size_t, size_t, size_t);

static int
text_node(struct parser *p, struct tnode ***tail, size_t from, size_t to)
{
	struct tnode	*n;

	if (to <= from)
		return 0;
	if ((n = node_new(p, TN_TEXT, p->line)) == NULL)
		return -1;
	n->s = p->src + from;
	n->n = to - from;
	**tail = n;
	*tail = &n->next;
	return 0;
}

static int
mark_node(struct parser *p, struct tnode ***tail, enum tnode_kind kind,
    int check)
{
	struct tnode	*n;

	if ((n = node_new(p, kind, p->line)) == NULL)
		return -1;
	n->check = check;
	**tail = n;
	*tail = &n->next;
	return 0;
}

/*
 * The template text [from, to) as TEXT nodes, with a URL_BEGIN mark
 * after each quote that opens a URL attribute's value and a URL_END mark
 * before the quote that closes it.
 */
static int
add_text(struct parser *p, struct tnode ***tail, size_t from, size_t to)
{
	size_t	 i, start = from;

	for (i = from; i < to; i++) {
		switch (scan_char(&p->scan, p->src, i, to)) {
		case SCAN_URL_OPEN:
			if (text_node(p, tail, start, i + 1) == -1 ||
			    mark_node(p, tail, TN_URL_BEGIN, 0) == -1)
				return -1;
			start = i + 1;
			break;
		case SCAN_URL_CLOSE:
			if (text_node(p, tail, start, i) == -1 ||
			    mark_node(p, tail, TN_URL_END,
			    p->scan.url_check) == -1)
				return -1;
			start = i;
			break;
		}
	}
	return text_node(p, tail, start, to);
}

/*
 * Parse nodes until {{/close}} (or the end when close is NULL) into
 * *head.  open_line is where the section opened, for errors; depth is
 * how many sections are open around it.
 */
static int
parse_list(struct parser *p, struct tnode **head, const char *close,
    size_t closen, size_t open_line, size_t depth)
{
	struct tnode	**tail = head, *n;
	const char	*src = p->src, *o, *c, *name;
	size_t		 tstart, tend, namen, line, text_from = p->pos;
	char		 sigil;
	int		 triple;

	*head = NULL;
	for (;;) {
		o = p->pos < p->len ? memmem(src + p->pos, p->len - p->pos,
		    "{{", 2) : NULL;
		if (o == NULL) {
			if (add_text(p, &tail, text_from, p->len) == -1)
				return -1;
			p->line += count_lines(src + p->pos, p->len - p->pos);
			p->pos = p->len;
			if (close != NULL)
				return err_set(p->err, p->file, open_line,
				    "{{#%.*s}} is never closed", (int)closen,
				    close);
			return 0;
		}
		tstart = (size_t)(o - src);
		line = p->line + count_lines(src + p->pos, tstart - p->pos);
		triple = tstart + 2 < p->len && src[tstart + 2] == '{';
		c = memmem(o, p->len - tstart, triple ? "}}}" : "}}",
		    triple ? 3 : 2);
		if (c == NULL)
			return err_set(p->err, p->file, line,
			    "unclosed tag: no }}%s", triple ? "}" : "");
		tend = (size_t)(c - src) + (triple ? 3 : 2);
		name = o + (triple ? 3 : 2);
		sigil = triple ? '&' : *name;
		if (strchr("#^/>!&", sigil) && !triple)
			name++;
		while (name < c && *name == ' ')
			name++;
		namen = (size_t)(c - name);
		while (namen > 0 && name[namen - 1] == ' ')
			namen--;
		if (memchr(name, '\n', namen) != NULL && sigil != '!')
			return err_set(p->err, p->file, line,
			    "unclosed tag: no }} on this line");
		if (strchr("#^/>!", sigil))
			standalone(src, p->len, &tstart, &tend);
		if (add_text(p, &tail, text_from, tstart) == -1)
			return -1;
		p->line = line + count_lines(src + (size_t)(o - src),
		    tend - (size_t)(o - src));
		p->pos = tend;
		/* Text after a tag starts a new word: {{#x}}href=... */
		p->scan.sep = 1;
		text_from = tend;
		if (sigil == '!')
			continue;
		if (namen == 0)
			return err_set(p->err, p->file, line, "empty tag");
		/*
		 * A value that may start a URL attribute (href="{{a}}..."):
		 * the value is checked whole where it closes.
		 */
		if (p->scan.url && !p->scan.url_fixed)
			p->scan.url_check = 1;
		if (sigil == '/') {
			if (close == NULL || namen != closen ||
			    memcmp(name, close, namen) != 0)
				return err_set(p->err, p->file, line,
				    "{{/%.*s}} closes nothing open",
				    (int)namen, name);
			return 0;
		}
		n = node_new(p, sigil == '#' ? TN_SECTION : sigil == '^' ?
		    TN_INVERTED : sigil == '>' ? TN_PARTIAL : sigil == '&' ?
		    TN_RAW : TN_VAR, line);
		if (n == NULL)
			return -1;
		n->s = name;
		n->n = namen;
		if (n->kind != TN_PARTIAL && split_path(p, n, line) == -1)
			return -1;
		if (n->kind == TN_VAR) {
			struct scan *sc = &p->scan;

			if (sc->state == HS_TAG)
				return err_set(p->err, p->file, line,
				    "{{%.*s}} in a tag must be in quotes",
				    (int)namen, name);
			n->esc = TESC_HTML;
			if ((sc->state == HS_DQ || sc->state == HS_SQ) &&
			    sc->url)
				n->esc = sc->value_empty ? TESC_URL_START :
				    TESC_URL;
			if (sc->state == HS_DQ || sc->state == HS_SQ)
				sc->value_empty = 0;
		}
		*tail = n;
		tail = &n->next;
		if (n->kind == TN_SECTION || n->kind == TN_INVERTED) {
			if (depth + 1 > TPL_DEPTH)
				return err_set(p->err, p->file, line,
				    "sections nested deeper than %d",
				    TPL_DEPTH);
			if (parse_list(p, &n->child, name, namen, line,
			    depth + 1) == -1)
				return -1;
			text_from = p->pos;
		}
	}
}

struct tset *
template_set_new(void)
{
	struct tset	*s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if ((s->arena = arena_new()) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
template_set_free(struct tset *s)
{
	if (s == NULL)
		return;
	arena_free(s->arena);
	free(s);
}

static int
find(const struct tset *s, const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->tpl[i].name) == n &&
		    memcmp(s->tpl[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

int
template_has(const struct tset *s, const char *name)
{
	return find(s, name, strlen(name)) >= 0;
}

/* Does a name of n read field of a value named section?  See below. */
static int
reads_in(const struct tset *s, const struct tnode *n, const char *section,
    const char *field, int inside)
{
	size_t	 k;

	for (; n != NULL; n = n->next) {
		if (n->kind == TN_PARTIAL) {
			if (n->partial >= 0 && reads_in(s,
			    s->tpl[n->partial].root, section, field, inside))
				return 1;
			continue;
		}
		if (n->kind != TN_VAR && n->kind != TN_RAW &&
		    n->kind != TN_SECTION && n->kind != TN_INVERTED)
			continue;
		/* {{field}} where section's items are on the stack. */
		if (inside && n->npath > 0 && strcmp(n->path[0], field) == 0)
			return 1;
		/* {{section.field}}, anywhere in a path. */
		for (k = 0; k + 1 < n->npath; k++)
			if (strcmp(n->path[k], section) == 0 &&
			    strcmp(n->path[k + 1], field) == 0)
				return 1;
		if (n->child != NULL && reads_in(s, n->child, section, field,
		    inside || (n->kind == TN_SECTION && n->npath > 0 &&
		    strcmp(n->path[n->npath - 1], section) == 0)))
			return 1;
	}
	return 0;
}

int
template_reads(const struct tset *s, const char *name, const char *section,
    const char *field)
{
	int	 i = find(s, name, strlen(name));

	/* Not known: assume it does, which costs time, never a page. */
	return i < 0 || reads_in(s, s->tpl[i].root, section, field, 0);
}

int
template_add(struct tset *s, const char *name, const char *file,
    const char *src, size_t len, struct err *err)
{
	struct parser	 p;
	struct template	*t;
	int		 i;

	if ((i = find(s, name, strlen(name))) < 0) {
		if (s->n == TPL_MAX)
			return err_set(err, file, 0, "too many templates");
		i = (int)s->n++;
	}
	t = &s->tpl[i];
	memset(&p, 0, sizeof(p));
	p.set = s;
	p.file = file;
	p.len = len;
	p.line = 1;
	p.err = err;
	if ((t->name = arena_strdup(s->arena, name)) == NULL ||
	    (t->file = arena_strdup(s->arena, file)) == NULL ||
	    (p.src = arena_strndup(s->arena, src, len)) == NULL)
		return err_set(err, file, 0, "out of memory");
	return parse_list(&p, &t->root, NULL, 0, 0, 0);
}

static int	link_template(struct tset *, size_t, struct err *);

/*
 * Resolve the partials of a node list at nesting depth (sections open
 * around it), and add up how deep it nests (*deepest) and how many bytes
 * of text it expands to (*size).  Each template is linked once, however
 * often it is included, so this is linear in the size of the set.
 */
static int
link_list(struct tset *s, const struct template *t, struct tnode *n,
    size_t depth, size_t *deepest, size_t *size, struct err *err)
{
	const struct template *pt;

	for (; n != NULL; n = n->next) {
		switch (n->kind) {
		case TN_TEXT:
			*size += n->n;
			break;
		case TN_SECTION:
		case TN_INVERTED:
			if (depth + 1 > *deepest)
				*deepest = depth + 1;
			if (link_list(s, t, n->child, depth + 1, deepest, size,
			    err) == -1)
				return -1;
			break;
		case TN_PARTIAL:
			if ((n->partial = find(s, n->s, n->n)) < 0)
				return err_set(err, t->file, n->line,
				    "{{>%.*s}}: no such template", (int)n->n,
				    n->s);
			pt = &s->tpl[n->partial];
			if (pt->state == 1)
				return err_set(err, t->file, n->line,
				    "{{>%.*s}}: partials include each other "
				    "in a loop", (int)n->n, n->s);
			if (pt->state == 0 && link_template(s,
			    (size_t)n->partial, err) == -1)
				return -1;
			if (depth + 1 + pt->depth > *deepest)
				*deepest = depth + 1 + pt->depth;
			if (*deepest > TPL_DEPTH)
				return err_set(err, t->file, n->line,
				    "{{>%.*s}}: sections and partials nested "
				    "deeper than %d", (int)n->n, n->s,
				    TPL_DEPTH);
			*size += pt->size;
			if (*size > TPL_EXPAND_MAX)
				return err_set(err, t->file, n->line,
				    "{{>%.*s}}: the partials here expand to "
				    "more than %d MB of template", (int)n->n,
				    n->s, TPL_EXPAND_MAX / (1024 * 1024));
			break;
		default:
			break;
		}
	}
	return 0;
}

static int
link_template(struct tset *s, size_t i, struct err *err)
{
	struct template	*t = &s->tpl[i];

	t->state = 1;
	t->depth = 0;
	t->size = 0;
	if (link_list(s, t, t->root, 0, &t->depth, &t->size, err) == -1)
		return -1;
	t->state = 2;
	return 0;
}

int
template_link(struct tset *s, struct err *err)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		s->tpl[i].state = 0;
	for (i = 0; i < s->n; i++)
		if (s->tpl[i].state == 0 && link_template(s, i, err) == -1)
			return -1;
	return 0;
}

/* Rendering */

struct render {
	const struct tset	*set;
	const struct tval	*stack[TPL_DEPTH + 1];
	size_t			 depth;
	struct buf		*out;
	size_t			 url_start;	/* where the URL value began */
	int			 in_url;
	int			 too_big;	/* past TPL_OUT_MAX */
};

/*
 * Does the attribute value v (n bytes, as written into the page) start
 * with a scheme stet links to, or with none?  Browsers skip spaces and
 * control characters before a URL, and drop tabs and newlines inside
 * it, before they read its scheme: so does this.  Values reach the page
 * percent-encoded or HTML-escaped, so a '&' of a character reference can
 * only come from the template's own text, which is trusted.
 */
static int
url_value_ok(const char *v, size_t n)
{
	char	 scheme[8];	/* "mailto:" is the longest allowed */
	size_t	 i = 0, k = 0;

	while (i < n && (unsigned char)v[i] <= 0x20)
		i++;
	for (; i < n; i++) {
		char c = v[i];

		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':') {
			if (k >= sizeof(scheme) - 1)
				return 0;
			scheme[k++] = c;
			return esc_url_scheme_ok(scheme, k);
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
			return 1;	/* no scheme: a relative URL */
		if (k < sizeof(scheme) - 1)
			scheme[k] = c;
		k++;
	}
	return 1;
}

static const struct tval *
lookup(const struct render *r, const struct tnode *n)
{
	const struct tval *v = NULL;
	size_t	 i, k;

	if (n->npath == 0)
		return r->stack[r->depth - 1];
	for (i = r->depth; i > 0 && v == NULL; i--)
		v = tv_force(tv_get(r->stack[i - 1], n->path[0]));
	for (k = 1; v != NULL && k < n->npath; k++)
		v = tv_force(tv_get(v, n->path[k]));
	return v;
}

static int
truthy(const struct tval *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case TV_STR:
	case TV_LIST:
		return v->n > 0;
	case TV_OBJ:
		return 1;
	default:
		return 0;
	}
}

static int	render_list(struct render *, const struct tnode *);

/* template_link bounds the depth: a full stack is a bug here. */
static int
push_render(struct render *r, const struct tval *v, const struct tnode *n)
{
	int	 rc;

	if (r->depth > TPL_DEPTH)
		return -1;
	r->stack[r->depth++] = v;
	rc = render_list(r, n);
	r->depth--;
	return rc;
}

/* Append value v of a VAR or RAW node n, escaped for where it stands. */
static int
put_value(struct render *r, const struct tnode *n, const struct tval *v)
{
	if (n->kind == TN_RAW)
		return buf_put(r->out, v->u.s, v->n);
	if (n->esc == TESC_HTML)
		return esc_html(r->out, v->u.s, v->n);
	/* Whatever lands first in a URL value has its scheme checked. */
	if (n->esc == TESC_URL_START || (r->in_url &&
	    r->out->len == r->url_start))
		return esc_url(r->out, v->u.s, v->n);
	return esc_url_rest(r->out, v->u.s, v->n);
}

static int
render_list(struct render *r, const struct tnode *n)
{
	const struct tval *v;
	size_t	 i, url_start;
	int	 in_url;

	for (; n != NULL; n = n->next) {
		switch (n->kind) {
		case TN_TEXT:
			if (buf_put(r->out, n->s, n->n) == -1)
				return -1;
			break;
		case TN_VAR:
		case TN_RAW:
			v = lookup(r, n);
			if (v == NULL || v->kind != TV_STR)
				break;
			if (put_value(r, n, v) == -1)
				return -1;
			break;
		case TN_SECTION:
			v = lookup(r, n);
			if (!truthy(v))
				break;
			if (v->kind == TV_LIST) {
				for (i = 0; i < v->n; i++)
					if (push_render(r, tv_force(
					    &v->u.items[i]), n->child) == -1)
						return -1;
			} else if (push_render(r, v, n->child) == -1)
				return -1;
			break;
		case TN_INVERTED:
			if (!truthy(lookup(r, n)) &&
			    render_list(r, n->child) == -1)
				return -1;
			break;
		case TN_PARTIAL:
			/* A partial's own attributes leave the caller's be. */
			url_start = r->url_start;
			in_url = r->in_url;
			if (push_render(r, r->stack[r->depth - 1],
			    r->set->tpl[n->partial].root) == -1)
				return -1;
			r->url_start = url_start;
			r->in_url = in_url;
			break;
		case TN_URL_BEGIN:
			r->url_start = r->out->len;
			r->in_url = 1;
			break;
		case TN_URL_END:
			/*
			 * href="{{a}}{{b}}" may begin with b when a is empty,
			 * and "java" + "script:..." makes a scheme neither
			 * value has: a value whose start came from the data
			 * is checked whole, and becomes "#" when it would
			 * run a script (or anything but http, https, mailto).
			 */
			if (r->in_url && n->check && r->url_start <=
			    r->out->len && !url_value_ok(r->out->data +
			    r->url_start, r->out->len - r->url_start)) {
				buf_truncate(r->out, r->url_start);
				if (BUF_LIT(r->out, "#") == -1)
					return -1;
			}
			r->in_url = 0;
			break;
		}
		if (r->out->len > TPL_OUT_MAX) {
			r->too_big = 1;
			return -1;
		}
	}
	return 0;
}

int
template_render(const struct tset *s, const char *name,
    const struct tval *ctx, struct buf *out, struct err *err)
{
	struct render	 r;
	int		 i;

	if ((i = find(s, name, strlen(name))) < 0)
		return err_set(err, name, 0, "no such template");
	memset(&r, 0, sizeof(r));
	r.set = s;
	r.out = out;
	r.stack[0] = ctx;
	r.depth = 1;
	if (render_list(&r, s->tpl[i].root) == -1) {
		if (r.too_big)
			return err_set(err, s->tpl[i].file, 0, "the page "
			    "would be larger than %d MB",
			    TPL_OUT_MAX / (1024 * 1024));
		return err_set(err, s->tpl[i].file, 0, "out of memory");
	}
	return 0;
}
