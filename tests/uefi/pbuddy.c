// SPDX-License-Identifier: MIT
/* A small freestanding buddy page allocator: see pbuddy.h. */
#include "pbuddy.h"

static uint64_t words(uint64_t npfn)
{
	return (npfn + 63) / 64;
}

uint64_t pb_meta_bytes(uint64_t npfn, uint64_t cap)
{
	return 8 * (2 * words(npfn) + PB_ORDERS * cap);
}

void pb_init(struct pbuddy *b, void *meta, uint64_t npfn, uint64_t cap)
{
	uint64_t *m = meta, n = pb_meta_bytes(npfn, cap) / 8;

	for (uint64_t i = 0; i < n; i++)
		m[i] = 0;
	*b = (struct pbuddy){ .npfn = npfn, .cap = cap };
	b->owned = m;
	b->used = m + words(npfn);
	for (unsigned int o = 0; o < PB_ORDERS; o++)
		b->stack[o] = m + 2 * words(npfn) + o * cap;
}

static void set_bits(uint64_t *bits, uint64_t first, uint64_t end, bool on)
{
	for (uint64_t p = first; p < end; p++) {
		if ((p & 63) == 0 && end - p >= 64) {
			bits[p >> 6] = on ? ~0ull : 0;
			p += 63;
			continue;
		}
		if (on)
			bits[p >> 6] |= 1ull << (p & 63);
		else
			bits[p >> 6] &= ~(1ull << (p & 63));
	}
}

bool pb_any(const uint64_t *bits, uint64_t first, uint64_t end)
{
	for (uint64_t p = first; p < end; p++) {
		if ((p & 63) == 0 && end - p >= 64) {
			if (bits[p >> 6])
				return true;
			p += 63;
			continue;
		}
		if (pb_test(bits, p))
			return true;
	}
	return false;
}

static void push(struct pbuddy *b, uint64_t pfn, unsigned int order)
{
	if (b->depth[order] == b->cap) {
		b->overflow++;
		return;
	}
	b->stack[order][b->depth[order]++] = pfn;
	b->free += 1ull << order;
}

void pb_release(struct pbuddy *b, uint64_t pfn, unsigned int order)
{
	uint64_t n = 1ull << order;

	if (order >= PB_ORDERS || (pfn & (n - 1)) || pfn >= b->npfn || b->npfn - pfn < n) {
		b->bad_release++;
		return;
	}
	if (pb_any(b->owned, pfn, pfn + n)) {
		b->dup_release++;
		return;
	}
	set_bits(b->owned, pfn, pfn + n, true);
	b->given += n;
	push(b, pfn, order);
}

bool pb_alloc(struct pbuddy *b, unsigned int order, uint64_t *pfn)
{
	unsigned int o = order;
	uint64_t p;

	while (o < PB_ORDERS && !b->depth[o])
		o++;
	if (o >= PB_ORDERS)
		return false;
	p = b->stack[o][--b->depth[o]];
	b->free -= 1ull << o;
	/* Split: the upper halves go back, one per order. */
	while (o > order) {
		o--;
		push(b, p + (1ull << o), o);
	}
	for (uint64_t q = p; q < p + (1ull << order); q++) {
		if ((q & 63) == 0 && p + (1ull << order) - q >= 64) { /* a whole word */
			if (b->owned[q >> 6] != ~0ull || b->used[q >> 6])
				b->dup_alloc++;
			b->used[q >> 6] = ~0ull;
			q += 63;
			continue;
		}
		if (!pb_test(b->owned, q) || pb_test(b->used, q))
			b->dup_alloc++;
		b->used[q >> 6] |= 1ull << (q & 63);
	}
	*pfn = p;
	return true;
}

void pb_free(struct pbuddy *b, uint64_t pfn, unsigned int order)
{
	set_bits(b->used, pfn, pfn + (1ull << order), false);
	while (order + 1 < PB_ORDERS) {
		uint64_t buddy = pfn ^ (1ull << order);
		uint64_t i, *s = b->stack[order];

		for (i = 0; i < b->depth[order]; i++)
			if (s[i] == buddy)
				break;
		if (i == b->depth[order])
			break;
		s[i] = s[--b->depth[order]];
		b->free -= 1ull << order;
		pfn &= ~(1ull << order);
		order++;
	}
	push(b, pfn, order);
}
