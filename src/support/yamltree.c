#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "hash.h"
#include "yamltree.h"

#define YAML_MAX_DEPTH	32
#define KEYS_LINEAR	16	/* a map this small is searched, not hashed */

struct loader {
	struct arena	*arena;
	yaml_parser_t	 parser;
	const char	*file;
	size_t		 first_line;
	struct err	*err;
	int		 dups;		/* keys may repeat (front matter) */
};

static int	load_node(struct loader *, yaml_event_t *, int,
		    struct ynode **);

static int
next_event(struct loader *l, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&l->parser, ev))
		return err_set(l->err, l->file,
		    l->first_line + l->parser.problem_mark.line, "%s%s%s",
		    l->parser.problem ? l->parser.problem : "bad YAML",
		    l->parser.context ? " " : "",
		    l->parser.context ? l->parser.context : "");
	return 0;
}

static struct ynode *
new_node(struct loader *l, enum ynode_kind kind, const yaml_event_t *ev)
{
	struct ynode	*n = arena_alloc(l->arena, sizeof(*n));

	if (n == NULL) {
		err_set(l->err, l->file, 0, "out of memory");
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = l->first_line + ev->start_mark.line;
	return n;
}

/*
 * The keys of one map being read, to refuse a key given twice.  Most maps
 * hold a handful of keys and are searched in place; past KEYS_LINEAR the
 * keys go into a hash set (open addressing, at most half full), so front
 * matter with 100,000 keys costs 100,000 lookups, not 5 billion compares.
 */
struct keyset {
	const struct ynode **v;		/* the key nodes; NULL: a free slot */
	size_t		 n, cap;
};

static size_t
keyset_slot(const struct keyset *ks, const struct ynode *key)
{
	size_t	 h = hash_bytes(HASH_INIT, key->str, key->len) &
	    (ks->cap - 1);

	while (ks->v[h] != NULL && (ks->v[h]->len != key->len ||
	    memcmp(ks->v[h]->str, key->str, key->len) != 0))
		h = (h + 1) & (ks->cap - 1);
	return h;
}

/* Put key in; 1 when the map has it already, -1 out of memory, else 0. */
static int
keyset_add(struct keyset *ks, const struct ynode *first,
    const struct ynode *key)
{
	const struct ynode *o, **old;
	size_t		 i, cap;

	if (ks->cap == 0 && ks->n < KEYS_LINEAR) {
		for (o = first; o != NULL; o = o->next)
			if (o->key->len == key->len &&
			    memcmp(o->key->str, key->str, key->len) == 0)
				return 1;
		ks->n++;
		return 0;
	}
	if ((ks->n + 1) * 2 > ks->cap) {
		cap = ks->cap ? ks->cap * 2 : 4 * KEYS_LINEAR;
		old = ks->v;
		if ((ks->v = calloc(cap, sizeof(*ks->v))) == NULL) {
			ks->v = old;
			return -1;
		}
		i = ks->cap;
		ks->cap = cap;
		if (old == NULL) {
			/* From the list to the table: the keys so far. */
			for (o = first; o != NULL; o = o->next)
				ks->v[keyset_slot(ks, o->key)] = o->key;
		} else
			while (i-- > 0)
				if (old[i] != NULL)
					ks->v[keyset_slot(ks, old[i])] = old[i];
		free(old);
	}
	i = keyset_slot(ks, key);
	if (ks->v[i] != NULL)
		return 1;
	ks->v[i] = key;
	ks->n++;
	return 0;
}

static int
load_children(struct loader *l, struct ynode *parent, int depth, int map)
{
	struct ynode	**tail = &parent->child, *key = NULL, *n;
	struct keyset	 keys = { NULL, 0, 0 };
	yaml_event_t	 ev;
	int		 rc = -1;

	for (;;) {
		if (next_event(l, &ev) == -1)
			goto out;
		if (ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			rc = 0;
			goto out;
		}
		rc = load_node(l, &ev, depth + 1, &n);
		yaml_event_delete(&ev);
		if (rc == -1)
			goto out;
		rc = -1;
		if (map && key == NULL) {
			if (n->kind != YNODE_SCALAR) {
				err_set(l->err, l->file, n->line,
				    "a key must be a plain word");
				goto out;
			}
			key = n;
			continue;
		}
		if (map) {
			switch (l->dups ? 0 : keyset_add(&keys, parent->child,
			    key)) {
			case -1:
				err_set(l->err, l->file, key->line,
				    "out of memory");
				goto out;
			case 1:
				err_set(l->err, l->file, key->line,
				    "%s: key given twice", key->str);
				goto out;
			}
			n->key = key;
			key = NULL;
		}
		*tail = n;
		tail = &n->next;
	}
out:
	free(keys.v);
	return rc;
}

static int
load_node(struct loader *l, yaml_event_t *ev, int depth, struct ynode **out)
{
	struct ynode	*n;

	if (depth > YAML_MAX_DEPTH)
		return err_set(l->err, l->file,
		    l->first_line + ev->start_mark.line, "nested too deep");
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if ((n = new_node(l, YNODE_SCALAR, ev)) == NULL)
			return -1;
		n->len = ev->data.scalar.length;
		n->str = arena_strndup(l->arena,
		    (const char *)ev->data.scalar.value, n->len);
		if (n->str == NULL)
			return err_set(l->err, l->file, 0, "out of memory");
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (ev->data.scalar.anchor != NULL)
			return err_set(l->err, l->file, n->line,
			    "YAML anchors are not supported");
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n = new_node(l, ev->type == YAML_SEQUENCE_START_EVENT ?
		    YNODE_SEQ : YNODE_MAP, ev);
		if (n == NULL)
			return -1;
		if (load_children(l, n, depth, n->kind == YNODE_MAP) == -1)
			return -1;
		break;
	case YAML_ALIAS_EVENT:
		return err_set(l->err, l->file,
		    l->first_line + ev->start_mark.line,
		    "YAML aliases are not supported");
	default:
		return err_set(l->err, l->file,
		    l->first_line + ev->start_mark.line, "unexpected YAML");
	}
	*out = n;
	return 0;
}

static int	load(struct arena *, const char *, size_t, const char *,
		    size_t, int, struct ynode **, struct err *);

int
yaml_load(struct arena *a, const char *src, size_t len, const char *file,
    size_t first_line, struct ynode **root, struct err *err)
{
	return load(a, src, len, file, first_line, 0, root, err);
}

int
yaml_load_dups(struct arena *a, const char *src, size_t len,
    const char *file, size_t first_line, struct ynode **root,
    struct err *err)
{
	return load(a, src, len, file, first_line, 1, root, err);
}

static int
load(struct arena *a, const char *src, size_t len, const char *file,
    size_t first_line, int dups, struct ynode **root, struct err *err)
{
	struct loader	 l;
	yaml_event_t	 ev;
	int		 rc = -1, done = 0;

	memset(&l, 0, sizeof(l));
	l.arena = a;
	l.file = file;
	l.first_line = first_line;
	l.err = err;
	l.dups = dups;
	*root = NULL;
	if (!yaml_parser_initialize(&l.parser))
		return err_set(err, file, 0, "out of memory");
	yaml_parser_set_input_string(&l.parser, (const unsigned char *)src,
	    len);
	while (!done) {
		if (next_event(&l, &ev) == -1)
			goto out;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (*root != NULL) {
				err_set(err, file, first_line +
				    ev.start_mark.line, "more than one YAML "
				    "document");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			if (*root != NULL) {
				yaml_event_delete(&ev);
				err_set(err, file, 0, "unexpected YAML");
				goto out;
			}
			if (load_node(&l, &ev, 0, root) == -1) {
				yaml_event_delete(&ev);
				goto out;
			}
		}
		yaml_event_delete(&ev);
	}
	if (*root == NULL) {
		/* An empty document is an empty map. */
		if ((*root = arena_alloc(a, sizeof(**root))) == NULL) {
			err_set(err, file, 0, "out of memory");
			goto out;
		}
		memset(*root, 0, sizeof(**root));
		(*root)->kind = YNODE_MAP;
		(*root)->line = first_line;
	}
	rc = 0;
out:
	yaml_parser_delete(&l.parser);
	return rc;
}

struct ynode *
ynode_get(const struct ynode *map, const char *key)
{
	struct ynode	*n;

	if (map == NULL || map->kind != YNODE_MAP)
		return NULL;
	for (n = map->child; n != NULL; n = n->next)
		if (strcmp(n->key->str, key) == 0)
			return n;
	return NULL;
}
