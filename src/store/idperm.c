#include <stdint.h>

#include <sodium.h>

#include "idperm.h"

/* The round function: 32 bits of SipHash of the round and the half. */
static uint32_t
idperm_f(const unsigned char *key, unsigned round, uint32_t half)
{
	unsigned char	 in[5], out[crypto_shorthash_BYTES];

	in[0] = (unsigned char)round;
	in[1] = (unsigned char)half;
	in[2] = (unsigned char)(half >> 8);
	in[3] = (unsigned char)(half >> 16);
	in[4] = (unsigned char)(half >> 24);
	crypto_shorthash(out, in, sizeof(in), key);
	return (uint32_t)out[0] | (uint32_t)out[1] << 8 |
	    (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
}

uint64_t
idperm_encode(const unsigned char key[crypto_shorthash_KEYBYTES],
    uint64_t id)
{
	uint32_t	 l = (uint32_t)(id >> 32), r = (uint32_t)id, t;
	unsigned	 i;

	for (i = 0; i < IDPERM_ROUNDS; i++) {
		t = l ^ idperm_f(key, i, r);
		l = r;
		r = t;
	}
	return (uint64_t)l << 32 | r;
}

uint64_t
idperm_decode(const unsigned char key[crypto_shorthash_KEYBYTES],
    uint64_t v)
{
	uint32_t	 l = (uint32_t)(v >> 32), r = (uint32_t)v, t;
	unsigned	 i;

	for (i = IDPERM_ROUNDS; i-- > 0; ) {
		t = r ^ idperm_f(key, i, l);
		r = l;
		l = t;
	}
	return (uint64_t)l << 32 | r;
}
