// SPDX-License-Identifier: MIT
/*
 * Array doubling. When an operation needs more regions than an array has
 * room for (and the kernel allowed resizing), the array moves to storage
 * the allocator takes from its own free memory: page-aligned, below the
 * current limit, never on the range being operated on, reserved as
 * EM_LABEL_SELF. The previous doubled storage is freed; the static storage
 * inside the instance is simply left behind.
 *
 * Doubled storage is never part of another reservation: reserving a range
 * that holds an array first moves the array off it (at its size), or the
 * array's next move would free what the caller reserved, and em_handoff()
 * would release it with the storage. (memblock frees its old array
 * whatever was reserved over it since.)
 *
 * Everything that can fail (finding storage, translating it) happens before
 * anything changes, so a failed doubling leaves the instance as it was.
 */
#include "internal.h"

/* New storage for an array, found but not yet used. */
struct plan {
	uint32_t max;
	uint64_t phys;
	uint64_t bytes;
	int node;
	struct em_region *virt;
};

/*
 * Smallest doubling of @max that holds @want entries; 0 (no storage can be
 * planned) past 2^31 entries, where counts would no longer fit a uint32_t.
 */
static uint32_t doubled(uint32_t max, uint64_t want)
{
	uint64_t m = max;

	while (m < want)
		m *= 2;
	return m > UINT32_MAX / 2 ? 0 : (uint32_t)m;
}

/*
 * Reserved regions that moving @a to new storage can add: one for the new
 * storage's reservation, one more if freeing old doubled storage splits a
 * reservation.
 */
static uint64_t self_slots(const struct em_array *a)
{
	return 1 + (a->bytes != 0);
}

static int plan_storage(const struct earlymem *em, uint32_t max, const struct em_span *avoid,
			unsigned navoid, struct plan *p)
{
	struct em_find_spec spec = {
		.size = em__ra_storage_bytes(max),
		.align = EM_PAGE_SIZE,
		.lo = 0,
		.hi = em->current_limit,
		.nodes = EM__ALL_NODES,
		.none = true,
		.flags = 0, /* plain memory: no hotplug, nomap or unaccepted */
		.bottom_up = em->bottom_up,
		.avoid = avoid,
		.navoid = navoid,
	};
	struct em_found f;

	if (max == 0)
		return EM_ENOMEM;
	if (!em__find_free(em, &spec, &f))
		return EM_ENOMEM;
	p->virt = em->hooks.phys_to_virt(em->hooks.ctx, f.addr);
	if (!p->virt)
		return EM_EFAULT;
	p->max = max;
	p->phys = f.addr;
	p->bytes = spec.size;
	p->node = f.node;
	return 0;
}

/* Moves @a onto planned storage, reserves it and frees the old storage. */
static void commit(struct earlymem *em, struct em_array *a, const struct plan *p)
{
	struct em_array *res = &em->reserved;
	uint64_t old_phys = a->phys, old_bytes = a->bytes;
	struct em_region self = { .node = p->node, .label = EM_LABEL_SELF };
	uint64_t end = p->phys + p->bytes;

	em__ra_move(a, p->virt, em__ra_storage_heads(p->virt, p->max), p->max, p->phys, p->bytes);

	/* ensure_room() made room for these two steps. */
	EM_BUG_ON(em__add_count(res, p->phys, end, &self) > res->max);
	em__add_apply(res, p->phys, end, &self);
	if (old_bytes) {
		EM_BUG_ON(em__remove_count(res, old_phys, old_phys + old_bytes) > res->max);
		em__remove_apply(res, old_phys, old_phys + old_bytes);
	}
}

/*
 * Moves @a to new storage for @final_cnt regions (the smallest doubling of
 * its size that holds them: its size if they fit), away from @avoid.
 */
static int move_storage(struct earlymem *em, struct em_array *a, uint64_t final_cnt,
			const struct em_span *avoid)
{
	struct em_array *res = &em->reserved;
	struct em_span spans[2] = { *avoid, { 0, 0 } };
	struct plan pa, pr = { 0 };
	int err;

	if (!em->resize_allowed || !em->hooks.phys_to_virt)
		return EM_ENOSPC;

	/*
	 * The reserved array must also hold its own new storage's reservation
	 * and the split that freeing its old storage may cause, and that free
	 * can open one more gap inside the range being reserved.
	 */
	if (a == res)
		final_cnt += self_slots(res) + (res->bytes != 0);
	err = plan_storage(em, doubled(a->max, final_cnt), spans, 1, &pa);
	if (err)
		return err;

	/* The memory array's new storage is reserved in the reserved array. */
	if (a != res && res->cnt + self_slots(a) > res->max) {
		spans[1].base = pa.phys;
		spans[1].end = pa.phys + pa.bytes;
		err = plan_storage(
			em, doubled(res->max, (uint64_t)res->cnt + self_slots(a) + self_slots(res)),
			spans, 2, &pr);
		if (err)
			return err;
	}

	if (pr.bytes)
		commit(em, res, &pr);
	commit(em, a, &pa);
	return 0;
}

int em__ensure_room(struct earlymem *em, struct em_array *a, uint64_t final_cnt,
		    const struct em_span *avoid)
{
	return final_cnt <= a->max ? 0 : move_storage(em, a, final_cnt, avoid);
}

/* Whether @a's doubled storage has a byte in one of the @n spans. */
static bool storage_in(const struct em_array *a, const struct em_span *spans, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (em__owns_storage(a, spans[i].base, spans[i].end))
			return true;
	return false;
}

/*
 * An array on one of the spans moves at its size; the reserved array also
 * moves if it cannot hold what the moves add to @res_cnt entries, or to
 * its count now if that is more (the moves come before the reservation,
 * which may merge entries). Each move adds the new storage's reservation
 * and may split a reservation where the old storage is freed; the old
 * storage may also open a gap in each of @gaps reserved pieces, which the
 * caller's reservation then fills. Both places are found (the second away
 * from the first, both away from every span) before either array moves.
 * With no array on a span this is em__ensure_room() on the reserved array.
 */
int em__room_to_reserve(struct earlymem *em, const struct em_span *spans, unsigned n,
			uint64_t res_cnt, uint64_t gaps)
{
	struct em_array *mem = &em->memory, *res = &em->reserved;
	struct em_span avoid[EM__RESERVE_SPANS_MAX + 1];
	struct plan pm = { 0 }, pr = { 0 };
	bool move_mem = storage_in(mem, spans, n), move_res = storage_in(res, spans, n);
	unsigned navoid = n;
	int err;

	EM_BUG_ON(n > EM__RESERVE_SPANS_MAX);
	if (res_cnt < res->cnt)
		res_cnt = res->cnt;
	if (!move_mem && !move_res && res_cnt <= res->max)
		return 0;
	if (!em->resize_allowed || !em->hooks.phys_to_virt)
		return EM_ENOSPC;
	for (unsigned i = 0; i < n; i++)
		avoid[i] = spans[i];
	if (move_mem) {
		err = plan_storage(em, mem->max, avoid, navoid, &pm);
		if (err)
			return err;
		avoid[navoid++] = (struct em_span){ pm.phys, pm.phys + pm.bytes };
		res_cnt += self_slots(mem) + gaps;
	}
	if (move_res || res_cnt > res->max) {
		uint64_t want = res_cnt + self_slots(res) + (res->bytes ? gaps : 0);

		err = plan_storage(em, doubled(res->max, want), avoid, navoid, &pr);
		if (err)
			return err;
	}
	if (pr.bytes)
		commit(em, res, &pr);
	if (pm.bytes)
		commit(em, mem, &pm);
	return 0;
}

int em__reserve(struct earlymem *em, uint64_t base, uint64_t end, int node, const char *label)
{
	struct em_region attrs = { .node = node, .label = label };
	struct em_span span = { base, end };
	int err;

	if (base == end || em__add_fast(&em->reserved, base, end, &attrs))
		return 0;
	err = em__room_to_reserve(em, &span, 1, em__add_count(&em->reserved, base, end, &attrs), 1);
	if (err)
		return err;
	EM_BUG_ON(em__add_count(&em->reserved, base, end, &attrs) > em->reserved.max);
	em__add_apply(&em->reserved, base, end, &attrs);
	return 0;
}
