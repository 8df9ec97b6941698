/*
 * libFuzzer harness for front matter: split at the fences, then load the
 * YAML or TOML (the seeds are mostly TOML, which toml.cc hands to toml++)
 * into the tree, and walk it to check what the loaders promise.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "site/frontmatter.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
walk(const struct ynode *n, int depth)
{
	for (; n != NULL; n = n->next) {
		/* Keys are scalars; every scalar ends in a NUL at len. */
		if (depth > 64 || (n->key != NULL &&
		    (n->key->kind != YNODE_SCALAR || n->key->str[n->key->len])))
			abort();
		if (n->kind == YNODE_SCALAR) {
			if (n->str == NULL || n->str[n->len] != '\0' ||
			    n->child != NULL)
				abort();
		} else
			walk(n->child, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct front_split fs;
	struct err	 err;
	struct arena	*a;
	struct ynode	*root;

	if (fm_split((const char *)data, size, "fuzz.md", &fs, &err) == -1)
		return 0;
	if ((a = arena_new()) == NULL)
		return 0;
	if (fm_load(a, &fs, "fuzz.md", &root, &err) == 0) {
		/* A TOML document is always a table. */
		if (root == NULL || (fs.kind == FRONT_TOML &&
		    root->kind != YNODE_MAP))
			abort();
		walk(root, 0);
	}
	arena_free(a);
	return 0;
}
