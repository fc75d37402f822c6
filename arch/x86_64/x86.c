// SPDX-License-Identifier: MIT
/*
 * x86 boot policy: low memory and boot range reservations.
 *
 * Several labelled reservations are made all-or-nothing without a saved
 * copy of the instance (em_txn_bytes() can be large, and these run before
 * the kernel has any memory of its own). The ranges are first made
 * disjoint; their labels differ from each other. Then reserving one range
 * changes the region count by the same amount whatever the others did:
 * it fills only the gaps inside itself, and a neighbour it could merge
 * with carries its own label, which no other range's region does. So the
 * final count is the current count plus each range's change measured now
 * (em__add_count()); room for it is made once, and a region array whose
 * storage lies on a range moves off the ranges first (em__room_to_reserve(),
 * itself failure-atomic). The ranges are reserved in ascending order of
 * their change, so no intermediate count exceeds the larger of the
 * current and the final one: none of the reservations can fail.
 */
#include <earlymem/x86.h>

#include "../../src/internal.h"

#define PAGE_MASK (EM_X86_PAGE_SIZE - 1)

/* The kernel, initrd and cmdline made disjoint: at most 1 + 2 + 3 pieces. */
#define MAX_PIECES 8
_Static_assert(MAX_PIECES <= EM__RESERVE_SPANS_MAX, "em__room_to_reserve() takes every piece");

struct piece {
	uint64_t base;
	uint64_t end;
	const char *label;
	int64_t delta; /* change of the reserved region count */
};

/* Left uninitialised but for @n: zeroing it would make compilers call memset(). */
struct plan {
	struct piece p[MAX_PIECES];
	unsigned n;
};

/* Adds the parts of [base, end) that no piece planned so far covers. */
static void plan_uncovered(struct plan *pl, uint64_t base, uint64_t end, const char *label)
{
	unsigned prior = pl->n;
	uint64_t pos = base;

	while (pos < end) {
		uint64_t stop = end;
		bool covered = false;

		for (unsigned i = 0; i < prior && !covered; i++) {
			const struct piece *q = &pl->p[i];

			if (q->base <= pos && pos < q->end) {
				pos = q->end;
				covered = true;
			} else if (q->base > pos && q->base < stop) {
				stop = q->base;
			}
		}
		if (covered)
			continue;
		EM_BUG_ON(pl->n == MAX_PIECES);
		pl->p[pl->n++] = (struct piece){ .base = pos, .end = stop, .label = label };
		pos = stop;
	}
}

/* Measures every piece's change against the instance now; returns the final count. */
static uint64_t plan_count(const struct earlymem *em, struct plan *pl)
{
	const struct em_array *res = &em->reserved;
	uint64_t final = res->cnt;

	for (unsigned i = 0; i < pl->n; i++) {
		struct em_region attrs = { .node = EM_NODE_NONE, .label = pl->p[i].label };
		uint64_t cnt = em__add_count(res, pl->p[i].base, pl->p[i].end, &attrs);

		pl->p[i].delta = (int64_t)cnt - (int64_t)res->cnt;
		final += (uint64_t)pl->p[i].delta;
	}
	return final;
}

static void sort_by_delta(struct plan *pl)
{
	for (unsigned i = 1; i < pl->n; i++) {
		struct piece x = pl->p[i];
		unsigned j = i;

		for (; j > 0 && pl->p[j - 1].delta > x.delta; j--)
			pl->p[j] = pl->p[j - 1];
		pl->p[j] = x;
	}
}

/* Reserves every piece of @pl, or nothing (see the top of the file). */
static int reserve_plan(struct earlymem *em, struct plan *pl)
{
	struct em_span spans[MAX_PIECES];
	uint64_t final;
	int err;

	if (em->retired) /* or the reservations below would fail after the plan */
		return EM_ERETIRED;
	for (unsigned i = 0; i < pl->n; i++)
		spans[i] = (struct em_span){ pl->p[i].base, pl->p[i].end };
	/*
	 * Arrays on a piece move off the pieces first, and the reserved array
	 * makes room for all of them, so that no reservation below needs a
	 * move or fails. The old storage of an array that moves could open a
	 * gap in each piece: pl->n gaps.
	 */
	final = plan_count(em, pl);
	err = em__room_to_reserve(em, spans, pl->n, final, pl->n);
	if (err)
		return err;
	EM_BUG_ON(plan_count(em, pl) > em->reserved.max);
	sort_by_delta(pl);
	for (unsigned i = 0; i < pl->n; i++) {
		const struct piece *q = &pl->p[i];

		EM_BUG_ON(em_reserve_label(em, q->base, q->end - q->base, q->label) != 0);
	}
	return 0;
}

int em_x86_reserve_low(struct earlymem *em, uint32_t flags)
{
	struct plan pl;

	if (flags & ~(uint32_t)(EM_X86_LOW_PAGE0 | EM_X86_LOW_1MIB))
		return EM_EINVAL;
	pl.n = 0;
	if (flags & EM_X86_LOW_PAGE0)
		plan_uncovered(&pl, 0, EM_X86_PAGE_SIZE, "page0");
	if (flags & EM_X86_LOW_1MIB)
		plan_uncovered(&pl, 0, EM_X86_LOW_END, "low-1mib");
	return reserve_plan(em, &pl);
}

/* [base, base + size) rounded outward to pages; false if it cannot be. */
static bool round_out(uint64_t base, uint64_t size, uint64_t *first, uint64_t *end)
{
	uint64_t e;

	if (size > EM_ADDR_END - base)
		return false;
	e = base + size;
	if (e > (EM_ADDR_END & ~PAGE_MASK))
		return false; /* ends in the last page: its end does not fit */
	*first = base & ~PAGE_MASK;
	*end = (e + PAGE_MASK) & ~PAGE_MASK;
	return true;
}

int em_x86_reserve_boot(struct earlymem *em, const struct em_x86_boot *b)
{
	struct boot_range {
		uint64_t base, size;
		const char *label;
		uint64_t first, end;
	} r[3];
	struct plan pl;

	if (!b)
		return EM_EINVAL;
	pl.n = 0;
	r[0] = (struct boot_range){ b->kernel_base, b->kernel_size, "kernel", 0, 0 };
	r[1] = (struct boot_range){ b->initrd_base, b->initrd_size, "initrd", 0, 0 };
	r[2] = (struct boot_range){ b->cmdline_base, b->cmdline_size, "cmdline", 0, 0 };
	for (unsigned i = 0; i < 3; i++)
		if (r[i].size && !round_out(r[i].base, r[i].size, &r[i].first, &r[i].end))
			return EM_ERANGE;
	for (unsigned i = 0; i < 3; i++)
		if (r[i].size)
			plan_uncovered(&pl, r[i].first, r[i].end, r[i].label);
	return reserve_plan(em, &pl);
}
