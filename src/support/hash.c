#include <string.h>

#include "hash.h"

#define PRIME	1099511628211ULL

uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t w;
	size_t	 i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * PRIME;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ s[i]) * PRIME;
	return h;
}

uint64_t
hash_str(uint64_t h, const char *s)
{
	if (s == NULL)
		return (h ^ 0xff) * PRIME;	/* NULL is not "" */
	return hash_bytes(h, s, strlen(s) + 1);
}

uint64_t
hash_num(uint64_t h, int64_t v)
{
	return hash_bytes(h, &v, sizeof(v));
}
