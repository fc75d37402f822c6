/* SPDX-License-Identifier: MIT */
/*
 * A small freestanding buddy page allocator: what the UEFI test image hands
 * its memory to. Metadata lives outside the pages it manages (the image
 * allocates it from earlymem before the handoff, as a kernel allocates its
 * page array): two bitmaps over the PFN range [0, npfn) (pages ever given to
 * it, pages handed out) and one stack of free block PFNs per order. Free
 * pages are never written by the allocator itself, so a test can fill and
 * check them.
 *
 * Every misuse is counted, never fatal: a block released twice or
 * overlapping an earlier one (dup_release), past the PFN range or
 * misaligned (bad_release), a stack overflow (overflow), a page handed out
 * that was never given to it or already handed out (dup_alloc).
 */
#ifndef EM_UEFI_PBUDDY_H
#define EM_UEFI_PBUDDY_H

#include <stdbool.h>
#include <stdint.h>

#define PB_ORDERS 11 /* orders 0..10: max_order of the handoff */

struct pbuddy {
	uint64_t npfn;
	uint64_t *owned; /* bit per pfn: given to the allocator */
	uint64_t *used;	 /* bit per pfn: handed out */
	uint64_t *stack[PB_ORDERS];
	uint64_t depth[PB_ORDERS];
	uint64_t cap;	/* entries of each stack */
	uint64_t given; /* pages given to it */
	uint64_t free;	/* pages on the stacks */
	uint64_t dup_release, bad_release, overflow, dup_alloc;
};

/* Bytes of metadata for @npfn pages and stacks of @cap entries. */
uint64_t pb_meta_bytes(uint64_t npfn, uint64_t cap);
/* Lays the metadata out in @meta (8-byte aligned, pb_meta_bytes() long) and zeroes it. */
void pb_init(struct pbuddy *b, void *meta, uint64_t npfn, uint64_t cap);
/* Gives it the naturally aligned 2^@order pages at @pfn. */
void pb_release(struct pbuddy *b, uint64_t pfn, unsigned int order);
/* Hands out one block of 2^@order pages; false when nothing is free. */
bool pb_alloc(struct pbuddy *b, unsigned int order, uint64_t *pfn);
/* Takes a block back, merging with free buddies (stacks searched: small). */
void pb_free(struct pbuddy *b, uint64_t pfn, unsigned int order);
/* Whether a bit is set in [@first, @end) of @bits. */
bool pb_any(const uint64_t *bits, uint64_t first, uint64_t end);

static inline bool pb_test(const uint64_t *bits, uint64_t pfn)
{
	return (bits[pfn >> 6] >> (pfn & 63)) & 1;
}

#endif
