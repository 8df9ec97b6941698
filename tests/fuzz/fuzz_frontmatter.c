/*
 * Front matter as a post's loader reads it: the UTF-8 check, fm_split,
 * then fm_load into a tree (YAML today; TOML comes through the same
 * fm_load).  Besides the sanitizers, abort() on a split that points
 * outside the input or a tree that breaks yamltree.h's promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "site/frontmatter.h"
#include "support/text.h"

static void
walk(const struct ynode *n, const char *lo, const char *hi, int map)
{
	for (; n != NULL; n = n->next) {
		if (map && (n->key == NULL || n->key->kind != YNODE_SCALAR))
			abort();
		switch (n->kind) {
		case YNODE_SCALAR:
			if (n->str == NULL || n->str[n->len] != '\0')
				abort();
			/* Strings are copies in the arena, never the input. */
			if (n->str >= lo && n->str < hi)
				abort();
			break;
		case YNODE_SEQ:
		case YNODE_MAP:
			walk(n->child, lo, hi, n->kind == YNODE_MAP);
			break;
		default:
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*src = (const char *)data, *why;
	struct front_split fs;
	struct arena	*a;
	struct ynode	*root;
	struct err	 err;
	size_t		 line;

	if (text_check_utf8(src, size, &line, &why) == -1)
		return 0;
	if (fm_split(src, size, "posts/fuzz.md", &fs, &err) == -1)
		return 0;
	if (fs.yaml < src || fs.yaml + fs.yaml_len > fs.body ||
	    fs.body + fs.body_len != src + size || fs.yaml_line != 2 ||
	    fs.body_line < 3)
		abort();
	if ((a = arena_new()) == NULL)
		abort();
	if (fm_load(a, &fs, "posts/fuzz.md", &root, &err) == 0) {
		if (root == NULL)
			abort();
		walk(root, src, src + size, 0);
	} else if (strncmp(err.msg, "posts/fuzz.md:", 14) != 0)
		abort();
	arena_free(a);
	return 0;
}
