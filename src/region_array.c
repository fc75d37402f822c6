// SPDX-License-Identifier: MIT
/*
 * Storage of one region array: a flat array sorted by base, with binary
 * search to find a position and one memmove per insert or delete.
 */
#include "internal.h"

uint32_t em__ra_find(const struct em_array *a, uint64_t addr)
{
	uint32_t lo = 0, hi = a->cnt;

	/* First region whose end is above addr: ends are sorted too. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (em__end(&a->regions[mid]) > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void em__ra_insert(struct em_array *a, uint32_t i, const struct em_region *r)
{
	EM_BUG_ON(a->cnt >= a->max + 2 || i > a->cnt);
	em__memmove(&a->regions[i + 1], &a->regions[i], (a->cnt - i) * sizeof(*r));
	a->regions[i] = *r;
	a->cnt++;
	a->total_size += r->size;
}

void em__ra_delete(struct em_array *a, uint32_t i, uint32_t n)
{
	EM_BUG_ON(i + n > a->cnt);
	for (uint32_t k = i; k < i + n; k++)
		a->total_size -= a->regions[k].size;
	em__memmove(&a->regions[i], &a->regions[i + n], (a->cnt - i - n) * sizeof(a->regions[0]));
	a->cnt -= n;
}

void em__ra_split(struct em_array *a, uint32_t i, uint64_t at)
{
	struct em_region right = a->regions[i];

	EM_BUG_ON(at <= right.base || at >= em__end(&right));
	right.size = em__end(&right) - at;
	right.base = at;
	a->regions[i].size -= right.size;
	a->total_size -= right.size; /* em__ra_insert adds it back */
	em__ra_insert(a, i + 1, &right);
}

void em__ra_set_bounds(struct em_array *a, uint32_t i, uint64_t base, uint64_t end)
{
	struct em_region *r = &a->regions[i];

	EM_BUG_ON(end <= base);
	a->total_size -= r->size;
	r->base = base;
	r->size = end - base;
	a->total_size += r->size;
}

bool em__ra_merge_next(struct em_array *a, uint32_t i)
{
	if (i + 1 >= a->cnt)
		return false;

	struct em_region *l = &a->regions[i], *r = &a->regions[i + 1];

	if (em__end(l) != r->base || !em__same_attrs(l, r))
		return false;
	l->size += r->size;
	a->total_size += r->size; /* em__ra_delete takes it off again */
	em__ra_delete(a, i + 1, 1);
	return true;
}

void em__ra_move(struct em_array *a, struct em_region *storage, uint32_t max, uint64_t phys,
		 uint64_t bytes)
{
	EM_BUG_ON(max < a->cnt);
	em__memmove(storage, a->regions, a->cnt * sizeof(*storage));
	a->regions = storage;
	a->max = max;
	a->phys = phys;
	a->bytes = bytes;
}

uint64_t em__ra_storage_bytes(uint32_t max)
{
	uint64_t bytes = ((uint64_t)max + 2) * sizeof(struct em_region);

	return (bytes + EM_PAGE_SIZE - 1) & ~(uint64_t)(EM_PAGE_SIZE - 1);
}
