// SPDX-License-Identifier: MIT
/* em_check(): every invariant of both arrays, and which one fails where. */
#include "internal.h"

static enum em_invariant check_storage(const struct earlymem *em, const struct em_array *a,
				       const struct em_region *static_storage)
{
	if (!a->regions || a->max == 0 || a->cnt > a->max)
		return EM_INV_STORAGE;
	if (a->bytes == 0)
		return a->regions == static_storage && a->max == EM_STATIC_REGIONS ? EM_INV_OK :
										     EM_INV_STORAGE;
	if (a->bytes < em__ra_storage_bytes(a->max) || a->phys > EM_ADDR_END - a->bytes)
		return EM_INV_STORAGE;
	(void)em;
	return EM_INV_OK;
}

/* The doubled storage must be reserved, every byte of it as EM_LABEL_SELF. */
static bool self_reserved(const struct em_array *res, uint64_t base, uint64_t end)
{
	uint32_t i = em__ra_find(res, base);
	uint64_t pos = base;

	while (pos < end) {
		const struct em_region *r = &res->regions[i];

		if (i >= res->cnt || r->base > pos || !em__str_equal(r->label, EM_LABEL_SELF))
			return false;
		pos = em__end(r);
		i++;
	}
	return true;
}

static enum em_invariant check_array(const struct earlymem *em, const struct em_array *a,
				     const struct em_region *static_storage, uint32_t *index)
{
	enum em_invariant inv = check_storage(em, a, static_storage);
	uint64_t total = 0;

	*index = 0;
	if (inv)
		return inv;
	for (uint32_t i = 0; i < a->cnt; i++) {
		const struct em_region *r = &a->regions[i];

		*index = i;
		if (r->size == 0)
			return EM_INV_EMPTY;
		if (r->size > EM_ADDR_END - r->base)
			return EM_INV_BOUNDS;
		if (r->flags & ~EM_REGION_FLAGS)
			return EM_INV_FLAGS;
		if (!em__node_valid(r->node))
			return EM_INV_NODE;
		if (i > 0 && a->regions[i - 1].base + a->regions[i - 1].size > r->base)
			return EM_INV_ORDER;
		if (i > 0 && em__end(&a->regions[i - 1]) == r->base &&
		    em__same_attrs(&a->regions[i - 1], r))
			return EM_INV_MERGE;
		total += r->size;
	}
	*index = 0;
	if (total != a->total_size)
		return EM_INV_TOTAL;
	if (a->bytes && !self_reserved(&em->reserved, a->phys, a->phys + a->bytes))
		return EM_INV_SELF;
	return EM_INV_OK;
}

int em_check(const struct earlymem *em, struct em_check_failure *why)
{
	struct em_check_failure f = { EM_INV_OK, "memory", 0 };

	f.invariant = check_array(em, &em->memory, em->memory_static, &f.index);
	if (!f.invariant) {
		f.array = "reserved";
		f.invariant = check_array(em, &em->reserved, em->reserved_static, &f.index);
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
