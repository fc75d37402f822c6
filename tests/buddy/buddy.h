/* SPDX-License-Identifier: MIT */
/*
 * A small reference buddy page allocator for the tests: the downstream of
 * em_handoff(). It owns a sparse set of page frame numbers (whatever was
 * released to it), keeps free blocks on one list per order, merges buddies
 * up to its maximum order, and splits on allocation.
 *
 * Every page it is given is remembered for good: releasing a page that it
 * was given before (a double release or an overlap) fails the running test
 * (a cmocka assertion). Hosted C; obviously correct before fast.
 */
#ifndef EM_TEST_BUDDY_H
#define EM_TEST_BUDDY_H

#include <stddef.h>
#include <stdint.h>

#define BUDDY_PAGE 4096ull
#define BUDDY_ORDERS 52 /* orders 0..51: pfns of a 64-bit address space */

struct buddy_list {
	uint64_t *pfn;
	size_t n, cap;
};

/* A range of pages [first, end) the allocator was given. */
struct buddy_span {
	uint64_t first, end;
};

struct buddy {
	unsigned int max_order;
	struct buddy_list free[BUDDY_ORDERS];
	struct buddy_span *owned; /* sorted, disjoint */
	size_t nowned, capowned;
	uint64_t owned_pages; /* ever released to it */
	uint64_t free_pages;  /* on the free lists now */
};

void buddy_init(struct buddy *b, unsigned int max_order);
void buddy_fini(struct buddy *b);

/* Gives the allocator the naturally aligned block of 2^@order pages at @pfn. */
void buddy_release_block(struct buddy *b, uint64_t pfn, unsigned int order);
/* Gives it the pages [@first, @end) (any alignment, page by page). */
void buddy_release_pages(struct buddy *b, uint64_t first, uint64_t end);

/* Allocates 2^@order pages; 0 with *@pfn set, -1 when nothing is free. */
int buddy_alloc(struct buddy *b, unsigned int order, uint64_t *pfn);

/* Whether @pfn was ever released to the allocator. */
int buddy_owns(const struct buddy *b, uint64_t pfn);

#endif
