#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdmem.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED	1
#endif
#endif

#ifndef SANITIZED

#define CHUNK		(256 * 1024)
#define KEEP		4	/* chunks a thread keeps between bodies */
#define ALIGN		16

/*
 * A chunk, filled from the front.  Each piece has a header with its
 * size, so realloc knows what to copy; the piece handed out last can
 * grow or be given back in place (cmark grows its buffers by realloc,
 * and most often the buffer grown is the newest piece).
 */
struct chunk {
	struct chunk	*next;
	size_t		 size, used;
	max_align_t	 data[];
};

struct piece {
	size_t		 size;
	size_t		 pad;		/* keeps what follows aligned */
};

static _Thread_local struct {
	struct chunk	*head;		/* being filled; the rest are full */
	struct chunk	*spare;		/* empty, kept from the last body */
	struct piece	*last;		/* the newest piece, in head, or NULL */
	unsigned	 holds;
	int		 keyed;		/* its chunks go when the thread does */
} mine;

static pthread_key_t	 key;
static pthread_once_t	 key_once = PTHREAD_ONCE_INIT;

static size_t
rounded(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* Like cmark's own allocator: no NULL for cmark to trip on. */
static void
out_of_memory(void)
{
	fputs("stet: out of memory\n", stderr);
	abort();
}

static void *
take(size_t n)
{
	struct chunk	*c = mine.head, *big;
	struct piece	*p;
	size_t		 need;

	if (n > SIZE_MAX / 2)
		out_of_memory();
	need = sizeof(struct piece) + rounded(n);
	if (c == NULL || c->size - c->used < need) {
		size_t size = need > CHUNK / 4 ? need : CHUNK;

		if (size == CHUNK && mine.spare != NULL) {
			big = mine.spare;
			mine.spare = big->next;
		} else if ((big = malloc(sizeof(*big) + size)) == NULL)
			out_of_memory();
		big->size = size;
		big->used = 0;
		if (c != NULL && size != CHUNK) {
			/* A large piece alone; the head keeps filling. */
			big->next = c->next;
			c->next = big;
			c = big;
		} else {
			big->next = c;
			mine.head = c = big;
		}
	}
	p = (struct piece *)(void *)((char *)c->data + c->used);
	p->size = n;
	c->used += need;
	mine.last = c == mine.head ? p : NULL;
	return p + 1;
}

static void *
arena_calloc(size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		out_of_memory();
	p = take(n * size);
	memset(p, 0, n * size);
	return p;
}

static void *
arena_realloc(void *old, size_t n)
{
	struct piece	*p;
	struct chunk	*c = mine.head;
	void		*q;

	if (old == NULL)
		return take(n);
	p = (struct piece *)old - 1;
	if (p == mine.last && n <= SIZE_MAX / 2 &&
	    (char *)c->data + c->size - (char *)old >= (ptrdiff_t)rounded(n)) {
		c->used = (size_t)((char *)old - (char *)c->data) + rounded(n);
		p->size = n;
		return old;
	}
	q = take(n);
	memcpy(q, old, p->size < n ? p->size : n);
	return q;
}

static void
arena_free(void *old)
{
	struct piece	*p;

	if (old == NULL)
		return;
	p = (struct piece *)old - 1;
	if (p == mine.last) {
		mine.head->used = (size_t)((char *)p -
		    (char *)mine.head->data);
		mine.last = NULL;
	}
}

static cmark_mem arena_mem = { arena_calloc, arena_realloc, arena_free };

static void
free_chunks(struct chunk *c)
{
	struct chunk	*next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
}

/* A thread ends: its chunks go with it. */
static void
thread_done(void *arg)
{
	(void)arg;
	free_chunks(mine.head);
	free_chunks(mine.spare);
	mine.head = mine.spare = NULL;
	mine.last = NULL;
}

static void
make_key(void)
{
	if (pthread_key_create(&key, thread_done) != 0)
		out_of_memory();
}

cmark_mem *
mdmem_hold(void)
{
	if (!mine.keyed) {
		pthread_once(&key_once, make_key);
		if (pthread_setspecific(key, &mine) != 0)
			out_of_memory();
		mine.keyed = 1;
	}
	mine.holds++;
	return &arena_mem;
}

cmark_mem *
mdmem_get(void)
{
	return &arena_mem;
}

void
mdmem_free(void *p)
{
	arena_free(p);
}

/* Every piece is free: the chunks are filled again from the front. */
void
mdmem_release(void)
{
	struct chunk	*c, *next;
	unsigned	 n = 0;

	if (mine.holds == 0 || --mine.holds > 0)
		return;
	for (c = mine.spare; c != NULL; c = c->next)
		n++;
	for (c = mine.head; c != NULL; c = next) {
		next = c->next;
		if (c->size == CHUNK && n < KEEP) {
			c->next = mine.spare;
			mine.spare = c;
			n++;
		} else
			free(c);
	}
	mine.head = NULL;
	mine.last = NULL;
}

#else	/* SANITIZED */

cmark_mem *
mdmem_hold(void)
{
	return cmark_get_default_mem_allocator();
}

cmark_mem *
mdmem_get(void)
{
	return cmark_get_default_mem_allocator();
}

void
mdmem_free(void *p)
{
	free(p);
}

void
mdmem_release(void)
{
}

#endif
