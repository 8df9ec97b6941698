#ifndef STET_MDMEM_H
#define STET_MDMEM_H

#include <cmark-gfm.h>

/*
 * cmark-gfm's memory while a thread renders a body: everything cmark
 * allocates for one document (its nodes, their text, the HTML it
 * renders) comes from the thread's own chunks and goes at once when the
 * last parser the thread holds is done.  A body is parsed, rendered
 * once or twice and dropped, and malloc and free for each of its
 * thousands of small pieces cost 8% of a cold build's CPU.
 *
 * mdmem_hold gives the allocator for a new parser; mdmem_release, once
 * that parser, its document and every string cmark made from it are
 * freed (through the allocator: mdmem_free), lets the chunks be
 * reused.  Nodes added to a document must come from the same allocator
 * (cmark-gfm refuses a child from another): mdmem_get.  A parser is
 * used only by the thread that made it.  Built with AddressSanitizer,
 * this is the system's allocator, so the sanitizer still sees every
 * piece.
 */
cmark_mem	*mdmem_hold(void);
cmark_mem	*mdmem_get(void);	/* the allocator mdmem_hold gave */
void		 mdmem_release(void);
void		 mdmem_free(void *);	/* what cmark allocated; NULL is fine */

#endif
