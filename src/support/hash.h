#ifndef STET_HASH_H
#define STET_HASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * A fast 64-bit hash (FNV-1a over 8-byte words) for telling a change
 * from no change, and for hash tables.  Not for anything an attacker
 * chooses: what must resist one uses libsodium.
 */
#define HASH_INIT	14695981039346656037ULL

uint64_t	hash_bytes(uint64_t h, const void *, size_t);
/* A string with its NUL, so "ab","c" and "a","bc" differ. */
uint64_t	hash_str(uint64_t h, const char *);
uint64_t	hash_num(uint64_t h, int64_t);

#endif
