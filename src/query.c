// SPDX-License-Identifier: MIT
/* Questions about the arrays, and the whole-map edits trim, cap and limit. */
#include "internal.h"

/* The region of @a containing @addr, or NULL. */
static const struct em_region *containing(const struct em_array *a, uint64_t addr)
{
	uint32_t i = em__ra_find(a, addr);
	const struct em_region *r = i < a->cnt ? em__ra_at(a, i) : NULL;

	return r && r->base <= addr ? r : NULL;
}

bool em_is_memory(const struct earlymem *em, uint64_t addr)
{
	return containing(&em->memory, addr) != NULL;
}

bool em_is_reserved(const struct earlymem *em, uint64_t addr)
{
	return containing(&em->reserved, addr) != NULL;
}

bool em_is_free(const struct earlymem *em, uint64_t addr)
{
	return em_is_memory(em, addr) && !em_is_reserved(em, addr);
}

/* [base, base + size) as a non-empty span; false if empty or passing the end. */
static bool span_of(uint64_t base, uint64_t size, uint64_t *end)
{
	return size != 0 && em__range_end(base, size, end) == 0;
}

bool em_range_is_memory(const struct earlymem *em, uint64_t base, uint64_t size)
{
	uint64_t end;

	return span_of(base, size, &end) && em__covered(&em->memory, base, end);
}

bool em_range_is_reserved(const struct earlymem *em, uint64_t base, uint64_t size)
{
	uint64_t end;

	return span_of(base, size, &end) && em__covered(&em->reserved, base, end);
}

bool em_range_intersects_reserved(const struct earlymem *em, uint64_t base, uint64_t size)
{
	uint64_t end;

	return span_of(base, size, &end) && em__intersects(&em->reserved, base, end);
}

bool em_range_is_free(const struct earlymem *em, uint64_t base, uint64_t size)
{
	uint64_t end;

	return span_of(base, size, &end) && em__covered(&em->memory, base, end) &&
	       !em__intersects(&em->reserved, base, end);
}

int em_node_of(const struct earlymem *em, uint64_t addr)
{
	const struct em_region *r = containing(&em->memory, addr);

	return r ? r->node : EM_NODE_NONE;
}

uint64_t em_memory_size(const struct earlymem *em)
{
	return em->memory.total_size;
}

uint64_t em_reserved_size(const struct earlymem *em)
{
	return em->reserved.total_size;
}

uint64_t em_free_size(const struct earlymem *em)
{
	struct em_iter it;
	uint64_t total = 0;

	em_for_each_free_range(it, em, EM_NODE_ANY, EM_SKIP_FLAGS)
		total += it.size;
	return total;
}

int em_memory_bounds(const struct earlymem *em, uint64_t *lowest, uint64_t *end)
{
	const struct em_array *mem = &em->memory;

	if (mem->cnt == 0)
		return EM_ENOENT;
	*lowest = em__ra_at(mem, 0)->base;
	*end = em__end(em__ra_at(mem, mem->cnt - 1));
	return 0;
}

int em_trim(struct earlymem *em, uint64_t align)
{
	struct em_array *mem = &em->memory;
	uint64_t mask = align - 1;
	uint32_t i = 0;

	if (em->retired)
		return EM_ERETIRED;
	if (!em__is_pow2(align))
		return EM_EINVAL;
	while (i < mem->cnt) {
		const struct em_region *r = em__ra_at(mem, i);
		uint64_t end = em__end(r) & ~mask;
		uint64_t base = r->base;

		/* Round base up without overflow: if it would pass end, nothing is left. */
		base = (base & mask) ? (base | mask) + 1 : base;
		if (base == 0 && r->base != 0)
			base = UINT64_MAX; /* rounding wrapped */
		if (base >= end) {
			em__ra_delete(mem, i, 1);
			continue;
		}
		em__ra_set_bounds(mem, i, base, end);
		i++;
	}
	return 0;
}

int em_cap(struct earlymem *em, uint64_t base, uint64_t size)
{
	struct em_array *mem = &em->memory;
	uint64_t end;
	int err = em->retired ? EM_ERETIRED : em__range_end(base, size, &end);

	if (err)
		return err;
	/* Removing everything below base and above end never splits a region. */
	if (base > 0)
		em__remove_apply(mem, 0, base);
	if (end < EM_ADDR_END)
		em__remove_apply(mem, end, EM_ADDR_END);
	return 0;
}

void em_limit(struct earlymem *em, uint64_t bytes)
{
	struct em_array *mem = &em->memory;
	uint64_t left = bytes;

	if (em->retired)
		return; /* memory belongs to the page allocator now */
	for (uint32_t i = 0; i < mem->cnt; i++) {
		const struct em_region *r = em__ra_at(mem, i);

		if (r->size >= left) {
			em__remove_apply(mem, r->base + left, EM_ADDR_END);
			return;
		}
		left -= r->size;
	}
}
