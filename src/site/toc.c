#include <string.h>

#include "toc.h"

int
toc_wanted(const struct ynode *front, const struct md_headings *h,
    size_t auto_at)
{
	const struct ynode *v;

	v = front != NULL && front->kind == YNODE_MAP ?
	    ynode_get(front, "toc") : NULL;
	if (v != NULL && v->kind == YNODE_SCALAR) {
		if (strcmp(v->str, "true") == 0)
			return h->n > 0;
		if (strcmp(v->str, "false") == 0)
			return 0;
	}
	return auto_at > 0 && h->n >= auto_at;
}

/* One heading's item; sub is its h3's, or a null value. */
static struct tval
toc_item(struct tbuild *tb, const struct md_heading *e, struct tval sub)
{
	struct tval	 it = tv_obj(tb, 4);

	tv_set(tb, &it, "id", tv_fmt(tb, "%s", e->id));
	tv_set(tb, &it, "title", tv_fmt(tb, "%s", e->text));
	if (sub.kind == TV_LIST) {
		tv_set(tb, &it, "has_sub", tv_str("1"));
		tv_set(tb, &it, "sub", sub);
	}
	return it;
}

struct tval
toc_value(struct tbuild *tb, const struct md_headings *h)
{
	struct tval	 list, sub;
	size_t		 i, k, top = 0;
	int		 seen2 = 0;

	/* Every h2, and any h3 before the first h2. */
	for (i = 0; i < h->n; i++)
		if (h->v[i].level == 2 || !seen2) {
			seen2 |= h->v[i].level == 2;
			top++;
		}
	list = tv_list(tb, top);
	for (i = 0; i < h->n; i = k) {
		/* The h3 right under an h2 are its. */
		for (k = i + 1; k < h->n && h->v[i].level == 2 &&
		    h->v[k].level == 3; k++)
			;
		sub = tv_null();
		if (k - i > 1) {
			size_t j;

			sub = tv_list(tb, k - i - 1);
			for (j = i + 1; j < k; j++)
				tv_push(tb, &sub, toc_item(tb, &h->v[j],
				    tv_null()));
		}
		tv_push(tb, &list, toc_item(tb, &h->v[i], sub));
	}
	return list;
}
