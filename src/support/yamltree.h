#ifndef STET_YAMLTREE_H
#define STET_YAMLTREE_H

#include <stddef.h>

#include "arena.h"
#include "err.h"

/*
 * A YAML document as a small tree, allocated in an arena.  The only file
 * that knows libyaml.  Lines are 1-based and already shifted by the
 * caller's first line, so errors can name the line in the real file.
 */
enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	enum ynode_kind	 kind;
	size_t		 line;
	const char	*str;		/* SCALAR: NUL-terminated value */
	size_t		 len;
	int		 plain;		/* SCALAR: unquoted (so "null" may mean null) */
	struct ynode	*key;		/* MAP entries: their key (a scalar) */
	struct ynode	*child;		/* SEQ, MAP: first item or value */
	struct ynode	*next;		/* the next sibling */
};

/*
 * Parse src (len bytes) into *root.  An empty document gives an empty
 * map.  Anchors and aliases are refused: settings need no such thing, and
 * refusing them rules out a "billion laughs".  file names the source for
 * errors; first_line is the line of src's first byte in that file.
 */
int	yaml_load(struct arena *, const char *src, size_t len,
	    const char *file, size_t first_line, struct ynode **root,
	    struct err *);

/*
 * The same, but a key may be given twice in a map (every entry is kept,
 * in order): front matter written by hand, which every other tool reads
 * with the last one winning.  The caller decides what to say of it.
 */
int	yaml_load_dups(struct arena *, const char *src, size_t len,
	    const char *file, size_t first_line, struct ynode **root,
	    struct err *);

/* A MAP's value for key, or NULL. */
struct ynode	*ynode_get(const struct ynode *map, const char *key);

#endif
