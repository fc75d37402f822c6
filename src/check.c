// SPDX-License-Identifier: MIT
/* em_check(): every invariant of both arrays, and which one fails where. */
#include "internal.h"

static enum em_invariant check_storage(const struct em_array *a,
				       const struct em_region *static_storage,
				       const uint32_t *static_head)
{
	struct em_layout l;

	if (!a->regions || !a->heads || a->max == 0 || a->cnt > a->max)
		return EM_INV_STORAGE;
	em__ra_layout(a->max, &l);
	if (a->shift != l.shift || a->csize != l.csize || a->chunks != l.chunks)
		return EM_INV_STORAGE;
	if (a->bytes == 0) {
		if (a->regions != static_storage || a->heads != static_head ||
		    a->max != EM_STATIC_REGIONS)
			return EM_INV_STORAGE;
	} else if (a->bytes < em__ra_storage_bytes(a->max) || a->phys > EM_ADDR_END - a->bytes ||
		   a->heads != em__ra_storage_heads(a->regions, a->max)) {
		return EM_INV_STORAGE;
	}
	/* Every entry must be found inside its own chunk. */
	for (uint32_t c = 0; c < a->chunks; c++)
		if (a->heads[c] >= a->csize)
			return EM_INV_STORAGE;
	return EM_INV_OK;
}

/* Sorted, disjoint, merged, well-formed regions and a right total. */
static enum em_invariant check_regions(const struct em_array *a, uint32_t *index)
{
	uint64_t total = 0;

	for (uint32_t i = 0; i < a->cnt; i++) {
		const struct em_region *r = em__ra_at(a, i), *prev = i ? em__ra_at(a, i - 1) : NULL;

		*index = i;
		if (r->size == 0)
			return EM_INV_EMPTY;
		if (r->size > EM_ADDR_END - r->base)
			return EM_INV_BOUNDS;
		if (r->flags & ~EM_REGION_FLAGS)
			return EM_INV_FLAGS;
		if (!em__node_valid(r->node))
			return EM_INV_NODE;
		if (prev && em__end(prev) > r->base)
			return EM_INV_ORDER;
		if (prev && em__end(prev) == r->base && em__same_attrs(prev, r))
			return EM_INV_MERGE;
		total += r->size;
	}
	*index = 0;
	return total == a->total_size ? EM_INV_OK : EM_INV_TOTAL;
}

/* The doubled storage must be reserved, every byte of it as EM_LABEL_SELF. */
static bool self_reserved(const struct em_array *res, uint64_t base, uint64_t end)
{
	uint32_t i = em__ra_find(res, base);
	uint64_t pos = base;

	for (; pos < end; i++) {
		if (i >= res->cnt || em__ra_at(res, i)->base > pos ||
		    !em__str_equal(em__ra_at(res, i)->label, EM_LABEL_SELF))
			return false;
		pos = em__end(em__ra_at(res, i));
	}
	return true;
}

int em_check(const struct earlymem *em, struct em_check_failure *why)
{
	const struct em_array *arrays[2] = { &em->memory, &em->reserved };
	const struct em_region *statics[2] = { em->memory_static, em->reserved_static };
	const uint32_t *heads[2] = { em->memory_static_heads, em->reserved_static_heads };
	struct em_check_failure f = { EM_INV_OK, "memory", 0 };

	/* Each array on its own first: the storage check below reads the reserved array. */
	for (int k = 0; k < 2 && !f.invariant; k++) {
		f.array = k ? "reserved" : "memory";
		f.invariant = check_storage(arrays[k], statics[k], heads[k]);
		if (!f.invariant)
			f.invariant = check_regions(arrays[k], &f.index);
	}
	for (int k = 0; k < 2 && !f.invariant; k++) {
		f.array = k ? "reserved" : "memory";
		if (arrays[k]->bytes && !self_reserved(&em->reserved, arrays[k]->phys,
						       arrays[k]->phys + arrays[k]->bytes))
			f.invariant = EM_INV_SELF;
	}
	if (why)
		*why = f;
	if (!f.invariant)
		return 0;
	em__log_check_failure(em, &f);
	return EM_ECORRUPT;
}

const char *em_invariant_str(enum em_invariant inv)
{
	switch (inv) {
	case EM_INV_OK:
		return "all invariants hold";
	case EM_INV_STORAGE:
		return "storage: regions, max or cnt inconsistent";
	case EM_INV_EMPTY:
		return "region of size 0";
	case EM_INV_BOUNDS:
		return "region passes the end of the address space";
	case EM_INV_ORDER:
		return "regions not sorted or overlapping";
	case EM_INV_MERGE:
		return "adjacent regions with equal attributes not merged";
	case EM_INV_TOTAL:
		return "total_size differs from the sum of sizes";
	case EM_INV_FLAGS:
		return "unknown flag bits";
	case EM_INV_NODE:
		return "node id out of range";
	case EM_INV_SELF:
		return "doubled storage not reserved as \"earlymem\"";
	}
	return "unknown invariant";
}
