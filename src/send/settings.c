#include <string.h>

#include "../support/yamlval.h"
#include "settings.h"

void
send_settings_defaults(struct send_settings *s)
{
	memset(s, 0, sizeof(*s));
}

int
send_settings_parse(struct arena *a, const char *file,
    const struct ynode *root, struct send_settings *s, struct err *err)
{
	const struct yval v = { file, a, err };
	const struct ynode *n, *e;

	send_settings_defaults(s);
	if (root == NULL || (n = ynode_get(root, "notes")) == NULL)
		return 0;
	/* notes: { email: true } mails notes to subscribers too. */
	if (yval_map(&v, n, "notes") == -1)
		return -1;
	for (e = n->child; e != NULL; e = e->next) {
		if (strcmp(e->key->str, "email") != 0)
			return yval_unknown(&v, e->key, "notes");
		if (yval_bool(&v, e, "notes.email", &s->notes) == -1)
			return -1;
	}
	return 0;
}
