/*
 * The body (or query) of a POST to the subscription forms, through
 * form_parse_body as forms_answer calls it.  Besides the sanitizers,
 * abort() when a parsed field breaks formbody.h's promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/formbody.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	struct form_field fv[FORM_FIELDS_MAX];
	const struct form_field *f;
	h2o_mem_pool_t	 pool;
	size_t		 nf, i, k;

	h2o_mem_init_pool(&pool);
	if (form_parse_body(&pool, s, size, fv, &nf) == 0) {
		if (nf > FORM_FIELDS_MAX)
			abort();
		for (i = 0; i < nf; i++) {
			if (fv[i].name < s ||
			    fv[i].name + fv[i].nlen > s + size ||
			    memchr(fv[i].name, '&', fv[i].nlen) != NULL ||
			    memchr(fv[i].name, '=', fv[i].nlen) != NULL ||
			    fv[i].vlen > FORM_FIELD_MAX ||
			    fv[i].val[fv[i].vlen] != '\0')
				abort();
			for (k = 0; k < i; k++)
				if (fv[k].nlen == fv[i].nlen &&
				    memcmp(fv[k].name, fv[i].name,
				    fv[i].nlen) == 0)
					abort();
		}
		/* The names forms_answer asks for. */
		if ((f = form_field_get(fv, nf, "email")) != NULL &&
		    strlen(f->val) > f->vlen)
			abort();
		(void)form_field_get(fv, nf, "website");
		(void)form_field_get(fv, nf, "t");
	}
	h2o_mem_clear_pool(&pool);
	return 0;
}
