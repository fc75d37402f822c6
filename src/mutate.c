// SPDX-License-Identifier: MIT
/*
 * The public operations that change the arrays: add and remove memory,
 * change its attributes, reserve and free. Each validates, counts the
 * regions the result needs, makes room (possibly doubling), then applies.
 */
#include "internal.h"

/* Validates a range; *end is set for non-empty ranges. 1 means "empty: done". */
static int range_of(uint64_t base, uint64_t size, uint64_t *end)
{
	int err = em__range_end(base, size, end);

	if (err)
		return err;
	return size == 0;
}

int em_add(struct earlymem *em, uint64_t base, uint64_t size)
{
	return em_add_node(em, base, size, EM_NODE_NONE, 0);
}

int em_add_node(struct earlymem *em, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	struct em_region attrs = { .flags = flags, .node = node };
	uint64_t end;
	int err;

	if (em->retired)
		return EM_ERETIRED;
	if (!em__node_valid(node) || (flags & ~EM_REGION_FLAGS))
		return EM_EINVAL;
	err = range_of(base, size, &end);
	if (err)
		return err < 0 ? err : 0;
	if (em__add_fast(&em->memory, base, end, &attrs))
		return 0;
	err = em__ensure_room(em, &em->memory, em__add_count(&em->memory, base, end, &attrs),
			      &(struct em_span){ base, end });
	if (err)
		return err;
	em__add_apply(&em->memory, base, end, &attrs);
	return 0;
}

int em_remove(struct earlymem *em, uint64_t base, uint64_t size)
{
	uint64_t end;
	int err = em->retired ? EM_ERETIRED : range_of(base, size, &end);

	if (err)
		return err < 0 ? err : 0;
	err = em__ensure_room(em, &em->memory, em__remove_count(&em->memory, base, end),
			      &(struct em_span){ base, end });
	if (err)
		return err;
	em__remove_apply(&em->memory, base, end);
	return 0;
}

static int change_attrs(struct earlymem *em, uint64_t base, uint64_t size,
			const struct em_attr_op *op)
{
	uint64_t end;
	int err = em->retired ? EM_ERETIRED : range_of(base, size, &end);

	if (err)
		return err < 0 ? err : 0;
	err = em__ensure_room(em, &em->memory, em__attr_count(&em->memory, base, end, op),
			      &(struct em_span){ base, end });
	if (err)
		return err;
	em__attr_apply(&em->memory, base, end, op);
	return 0;
}

int em_mark(struct earlymem *em, uint64_t base, uint64_t size, uint32_t flags)
{
	if (flags & ~EM_REGION_FLAGS)
		return EM_EINVAL;
	return change_attrs(em, base, size, &(struct em_attr_op){ .set_flags = flags });
}

int em_clear(struct earlymem *em, uint64_t base, uint64_t size, uint32_t flags)
{
	if (flags & ~EM_REGION_FLAGS)
		return EM_EINVAL;
	return change_attrs(em, base, size, &(struct em_attr_op){ .clear_flags = flags });
}

int em_set_node(struct earlymem *em, uint64_t base, uint64_t size, int node)
{
	if (!em__node_valid(node))
		return EM_EINVAL;
	return change_attrs(em, base, size, &(struct em_attr_op){ .set_node = true, .node = node });
}

int em_reserve(struct earlymem *em, uint64_t base, uint64_t size)
{
	return em_reserve_label(em, base, size, NULL);
}

int em_reserve_label(struct earlymem *em, uint64_t base, uint64_t size, const char *label)
{
	uint64_t end;
	int err = em->retired ? EM_ERETIRED : range_of(base, size, &end);

	if (err)
		return err < 0 ? err : 0;
	return em__reserve(em, base, end, EM_NODE_NONE, label);
}

int em_free(struct earlymem *em, uint64_t base, uint64_t size)
{
	uint64_t end;
	int err = range_of(base, size, &end);

	if (err)
		return err < 0 ? err : 0;
	if (em->no_late_free)
		return EM_ERETIRED;
	/*
	 * Inside one reservation, not the arrays' own storage (freeing it
	 * would be fatal): done in one search.
	 */
	if (!em->retired && !em__owns_storage(&em->memory, base, end) &&
	    !em__owns_storage(&em->reserved, base, end) &&
	    em__remove_fast(&em->reserved, base, end))
		return 0;
	if (!em__covered(&em->reserved, base, end))
		return EM_ENOENT;
	if (em__owns_storage(&em->memory, base, end) || em__owns_storage(&em->reserved, base, end))
		return EM_EBUSY;
	if (em->retired)
		return em__late_free(em, base, end);
	err = em__ensure_room(em, &em->reserved, em__remove_count(&em->reserved, base, end),
			      &(struct em_span){ base, end });
	if (err)
		return err;
	em__remove_apply(&em->reserved, base, end);
	return 0;
}
