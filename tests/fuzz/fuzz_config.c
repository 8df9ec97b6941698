/*
 * A site's settings: the input as stet.yaml, through config_parse (what
 * config_load does once it has read the file).  Besides the sanitizers,
 * abort() on an error that does not name stet.yaml, or settings that
 * come back without the strings every page needs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "site/config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 c;
	struct arena	*a;
	struct err	 err;

	if ((a = arena_new()) == NULL)
		abort();
	if (config_parse(a, (const char *)data, size, &c, &err) == 0) {
		if (c.title == NULL || c.url == NULL || c.base_path == NULL ||
		    c.language == NULL || c.timezone == NULL ||
		    c.base_path[0] != '/')
			abort();
	} else if (strncmp(err.msg, "stet.yaml", 9) != 0)
		abort();
	arena_free(a);
	return 0;
}
