#ifndef STET_IDPERM_H
#define STET_IDPERM_H

#include <stdint.h>

#include <sodium.h>

/*
 * A keyed permutation of 64-bit numbers: what an unsubscribe token
 * carries in place of the subscriber's id, so that tokens given out one
 * after the other do not show how the list grows (the id XORed with a
 * fixed pad did: two tokens XORed together gave the ids XORed).
 *
 * A balanced Feistel network of IDPERM_ROUNDS rounds over two 32-bit
 * halves, each round's function SipHash-2-4 (libsodium's
 * crypto_shorthash) under key of the round's number and the right half.
 * Four rounds of a pseudorandom function make a strong pseudorandom
 * permutation (Luby and Rackoff); a few more cost nothing.
 */
#define IDPERM_ROUNDS	6

uint64_t idperm_encode(const unsigned char key[crypto_shorthash_KEYBYTES],
	    uint64_t id);
uint64_t idperm_decode(const unsigned char key[crypto_shorthash_KEYBYTES],
	    uint64_t v);

#endif
