// SPDX-License-Identifier: MIT
/* The reference buddy allocator of the tests: see buddy.h. */
#include "buddy.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

void buddy_init(struct buddy *b, unsigned int max_order)
{
	memset(b, 0, sizeof(*b));
	assert_true(max_order < BUDDY_ORDERS);
	b->max_order = max_order;
}

void buddy_fini(struct buddy *b)
{
	for (unsigned int i = 0; i < BUDDY_ORDERS; i++)
		free(b->free[i].pfn);
	free(b->owned);
	memset(b, 0, sizeof(*b));
}

static void list_push(struct buddy_list *l, uint64_t pfn)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->pfn = realloc(l->pfn, l->cap * sizeof(*l->pfn));
		assert_non_null(l->pfn);
	}
	l->pfn[l->n++] = pfn;
}

/* Removes @pfn from @l; 0 if it is not there. */
static int list_take(struct buddy_list *l, uint64_t pfn)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->pfn[i] == pfn) {
			l->pfn[i] = l->pfn[--l->n];
			return 1;
		}
	}
	return 0;
}

/* Records [first, end) as owned; fails the test if any page of it already is. */
static void own(struct buddy *b, uint64_t first, uint64_t end)
{
	size_t i = 0;

	assert_true(first < end);
	while (i < b->nowned && b->owned[i].end <= first)
		i++;
	/* The next span must start at or after end: otherwise a page is released twice. */
	assert_false(i < b->nowned && b->owned[i].first < end);
	if (b->nowned == b->capowned) {
		b->capowned = b->capowned ? 2 * b->capowned : 16;
		b->owned = realloc(b->owned, b->capowned * sizeof(*b->owned));
		assert_non_null(b->owned);
	}
	memmove(&b->owned[i + 1], &b->owned[i], (b->nowned - i) * sizeof(*b->owned));
	b->owned[i] = (struct buddy_span){ first, end };
	b->nowned++;
	b->owned_pages += end - first;
}

int buddy_owns(const struct buddy *b, uint64_t pfn)
{
	for (size_t i = 0; i < b->nowned; i++)
		if (b->owned[i].first <= pfn && pfn < b->owned[i].end)
			return 1;
	return 0;
}

/* Puts a free block on the lists, merging it with its free buddy while it can. */
static void put_free(struct buddy *b, uint64_t pfn, unsigned int order)
{
	while (order < b->max_order && list_take(&b->free[order], pfn ^ (1ull << order))) {
		pfn &= ~(1ull << order);
		order++;
	}
	list_push(&b->free[order], pfn);
}

void buddy_release_block(struct buddy *b, uint64_t pfn, unsigned int order)
{
	uint64_t n;

	assert_true(order < BUDDY_ORDERS);
	n = 1ull << order;
	assert_true(pfn % n == 0);	 /* naturally aligned */
	assert_true(pfn + n - 1 >= pfn); /* no wrap */
	own(b, pfn, pfn + n);
	b->free_pages += n;
	/* Blocks above the allocator's own maximum order go in as several. */
	if (order > b->max_order) {
		for (uint64_t p = pfn; p < pfn + n; p += 1ull << b->max_order)
			put_free(b, p, b->max_order);
		return;
	}
	put_free(b, pfn, order);
}

void buddy_release_pages(struct buddy *b, uint64_t first, uint64_t end)
{
	own(b, first, end);
	b->free_pages += end - first;
	for (uint64_t p = first; p < end; p++)
		put_free(b, p, 0);
}

int buddy_alloc(struct buddy *b, unsigned int order, uint64_t *pfn)
{
	unsigned int o = order;
	uint64_t p;

	while (o < BUDDY_ORDERS && b->free[o].n == 0)
		o++;
	if (o >= BUDDY_ORDERS)
		return -1;
	p = b->free[o].pfn[--b->free[o].n];
	/* Split: keep the lower half, free the upper one. */
	while (o > order) {
		o--;
		list_push(&b->free[o], p + (1ull << o));
	}
	assert_true(buddy_owns(b, p));
	b->free_pages -= 1ull << order;
	*pfn = p;
	return 0;
}
