#ifndef STET_TEMPLATE_H
#define STET_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "../support/arena.h"
#include "../support/buf.h"
#include "../support/err.h"

/*
 * A small logic-less template language (a subset of Mustache):
 *
 *	{{name}} {{a.b}} {{.}}	a value, escaped for where it stands
 *	{{{name}}}		a value as is (HTML the site itself made)
 *	{{#name}}...{{/name}}	once per list item, once for an object or a
 *				non-empty string, never for empty or missing
 *	{{^name}}...{{/name}}	only when name is empty or missing
 *	{{>name}}		another template (a partial)
 *	{{! comment }}
 *
 * The escaping is chosen when the template is read, from the HTML around
 * the tag: text and quoted attributes are HTML-escaped; href, src, action
 * and cite values are URLs, percent-encoded, and one that starts with a
 * scheme other than http, https or mailto becomes "#".  A value in an
 * unquoted attribute is an error.  A tag alone on its line takes the line
 * with it, so templates can be laid out freely.
 */

enum tval_kind { TV_NULL, TV_STR, TV_LIST, TV_OBJ, TV_LAZY };

struct tfield;
struct tlazy;

struct tval {
	enum tval_kind	 kind;
	size_t		 n;	/* STR: bytes; LIST: items; OBJ: fields */
	size_t		 cap;	/* OBJ, LIST: room allocated */
	union {
		const char	*s;
		struct tval	*items;
		struct tfield	*fields;
		struct tlazy	*lazy;
	} u;
};

/*
 * A value made only if a template reads it: the first read calls fn(arg)
 * and puts what it returns in the lazy value's place.  For data a page
 * keeps for templates that want it, when the built-in one does not: it
 * costs nothing until read.  A value holding lazy ones is changed by its
 * rendering, so it is rendered by one thread at a time.
 */
struct tlazy {
	struct tval	(*fn)(void *arg);
	void		*arg;
	uint64_t	 digest;	/* 0, or what tv_digest takes for it */
};

struct tfield {
	const char	*name;
	struct tval	 v;
};

/*
 * Building values: all memory comes from the arena.  Builders never
 * fail loudly: on allocation failure they set *oom and return something
 * harmless, so a page's data is built in straight-line code and checked
 * once.
 */
struct tbuild {
	struct arena	*arena;
	int		 oom;
};

struct tval	 tv_null(void);
struct tval	 tv_str(const char *);
struct tval	 tv_strn(const char *, size_t);
struct tval	 tv_fmt(struct tbuild *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* The strings given, up to a NULL, one after the other (no printf). */
struct tval	 tv_cat(struct tbuild *, ...) __attribute__((sentinel));
struct tval	 tv_obj(struct tbuild *, size_t cap);
struct tval	 tv_list(struct tbuild *, size_t cap);
void		 tv_set(struct tbuild *, struct tval *obj, const char *name,
		    struct tval);
void		 tv_push(struct tbuild *, struct tval *list, struct tval);
struct tval	 tv_lazy(struct tbuild *, struct tval (*fn)(void *), void *arg);
/*
 * A lazy value whose digest is known (not 0): tv_digest takes digest for
 * it and leaves it unmade.  The caller answers for digest changing
 * whenever what fn makes does; render.c derives it from one value made
 * the same way and shared by many pages.
 */
struct tval	 tv_lazy_known(struct tbuild *, struct tval (*fn)(void *),
		    void *arg, uint64_t digest);
const struct tval *tv_get(const struct tval *obj, const char *name);
/*
 * h advanced over v and everything in it (lazy values are made, but
 * those with a known digest): what a
 * template rendered with v can read, so a rebuild can tell whether a
 * page's inputs changed without rendering it.
 */
uint64_t	 tv_digest(uint64_t h, const struct tval *);

/* A set of templates by name; partials resolve within the set. */
struct tset;

/*
 * Create an empty set.  template_add parses src (copied) as name; file
 * names it in errors.  template_link resolves partials and refuses
 * missing ones and cycles; call it once after the last add.
 */
struct tset	*template_set_new(void);
void		 template_set_free(struct tset *);
int		 template_add(struct tset *, const char *name,
		    const char *file, const char *src, size_t len,
		    struct err *);
int		 template_link(struct tset *, struct err *);
int		 template_has(const struct tset *, const char *name);
/*
 * May template name (with its partials) read field of the items of a
 * value named section ({{#section}}...{{field}}, or section.field)?  0
 * only when it cannot: a value no template reads need not be made, nor
 * digested.  Call on a linked set.
 */
int		 template_reads(const struct tset *, const char *name,
		    const char *section, const char *field);

/* Render name with ctx into out.  Thread-safe on a linked set. */
int		 template_render(const struct tset *, const char *name,
		    const struct tval *ctx, struct buf *out, struct err *);

#endif
