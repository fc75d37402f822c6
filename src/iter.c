// SPDX-License-Identifier: MIT
/*
 * Iteration. Memory, reserved and PFN walks step through one array. Free
 * walks step through memory and reservations together (a merge walk, each
 * array read once), optionally inside a window [lo, hi): allocation uses
 * the window to start at its bounds instead of at one end.
 */
#include "internal.h"

static inline bool eligible(const struct em_iter *it, const struct em_region *r)
{
	if (r->node < 0 ? !it->none_ : !(it->nodes_ & (1ull << r->node)))
		return false;
	if (r->flags & EM_SKIP_FLAGS & ~it->accept_)
		return false;
	return !(it->accept_ & EM_MIRROR) || (r->flags & EM_MIRROR);
}

static void yield(struct em_iter *it, uint64_t base, uint64_t end, const struct em_region *r)
{
	it->base = base;
	it->size = end - base;
	it->node = r->node;
	it->flags = r->flags;
	it->label = r->label;
}

void em__iter_init(struct em_iter *it, const struct earlymem *em, enum em_iter_kind kind,
		   uint64_t lo, uint64_t hi, uint64_t nodes, bool none, uint32_t flags)
{
	const struct em_array *mem = &em->memory, *res = &em->reserved;

	*it = (struct em_iter){
		.node = EM_NODE_NONE,
		.em_ = em,
		.lo_ = lo,
		.hi_ = hi,
		.nodes_ = nodes,
		.none_ = none,
		.accept_ = flags,
		.kind_ = (uint8_t)kind,
	};
	if (kind == EM_ITER_FREE_REV) {
		/* Indices count one past the region to look at next. */
		uint32_t m = hi ? em__ra_find(mem, hi - 1) : 0;
		uint32_t r = hi ? em__ra_find(res, hi - 1) : 0;

		it->mi_ = m < mem->cnt && em__ra_at(mem, m)->base < hi ? m + 1 : m;
		it->ri_ = r < res->cnt && em__ra_at(res, r)->base < hi ? r + 1 : r;
		it->cursor_ = hi;
	} else {
		it->mi_ = em__ra_find(kind == EM_ITER_RESERVED ? res : mem, lo);
		it->ri_ = em__ra_find(res, lo);
		it->cursor_ = lo;
	}
}

void em_iter_init(struct em_iter *it, const struct earlymem *em, enum em_iter_kind kind, int node,
		  uint32_t flags)
{
	uint64_t nodes = 0;
	bool none = false;

	/* A node id that is none of the documented values selects nothing. */
	if (node == EM_NODE_ANY) {
		nodes = EM__ALL_NODES;
		none = true;
	} else if (node == EM_NODE_NONE) {
		none = true;
	} else if (node >= 0 && node < EM_MAX_NODES) {
		nodes = 1ull << node;
	}
	em__iter_init(it, em, kind, 0, EM_ADDR_END, nodes, none, flags);
}

static bool next_region(struct em_iter *it, const struct em_array *a, bool filter)
{
	while (it->mi_ < a->cnt) {
		const struct em_region *r = em__ra_at(a, it->mi_++);

		if (filter && !eligible(it, r))
			continue;
		yield(it, r->base, em__end(r), r);
		return true;
	}
	return false;
}

static bool next_pfn(struct em_iter *it)
{
	const uint64_t page = EM_PAGE_SIZE;

	while (next_region(it, &it->em_->memory, true)) {
		uint64_t end = it->base + it->size;
		uint64_t first = it->base / page + (it->base % page != 0);
		uint64_t last = end / page;

		if (first >= last)
			continue;
		it->start_pfn = first;
		it->end_pfn = last;
		it->base = first * page;
		it->size = (last - first) * page;
		return true;
	}
	return false;
}

/*
 * The last of the run @first..@last (@first->base <= @lim) that starts at
 * or below @lim. Usually the last one or the one before: look back 1, 2,
 * 4, ... entries, then bisect the last step.
 */
static const struct em_region *last_at_or_below(const struct em_region *first,
						const struct em_region *last, uint64_t lim)
{
	const struct em_region *lo = first, *hi = last;
	size_t back = 1;

	if (last->base <= lim)
		return last;
	/* hi->base > lim from here on; lo->base <= lim once found */
	while ((size_t)(hi - first) > back) {
		if (hi[-(ptrdiff_t)back].base <= lim) {
			lo = hi - back;
			break;
		}
		hi -= back;
		back *= 2;
	}
	while (hi - lo > 1) {
		const struct em_region *mid = lo + (hi - lo) / 2;

		if (mid->base <= lim)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The range about to be yielded ends where reservation ri_ starts, inside
 * memory region @m: arm em_iter_next()'s inline step. It may step from
 * reservation ri_ to the entries stored right after it, as long as they lie
 * in the same chunk, before the ring wraps, inside the array, and start
 * inside @m and the walk's window (so the step need not check where @m ends).
 */
static void arm_fast_path(struct em_iter *it, const struct em_array *res, const struct em_region *m)
{
	uint32_t i = it->ri_, c = i >> res->shift;
	uint64_t chunk_end = ((uint64_t)c << res->shift) + res->csize;
	const struct em_region *r = em__ra_at(res, i);
	uint32_t slot = (uint32_t)(r - (res->regions + ((uint64_t)c << res->shift)));
	uint64_t last = (chunk_end < res->cnt ? chunk_end : res->cnt) - 1;
	uint64_t mend = em__end(m);
	/* Index of the run's last entry: the chunk's last, or the last before the ring wraps. */
	uint64_t run_end =
		i + (last - i < res->csize - 1 - slot ? last - i : res->csize - 1 - slot);

	/*
	 * Storage laid out afresh (after a doubling, or filled in address
	 * order) has its heads at 0: a full chunk's last entry is then in its
	 * last slot and the next chunk's first entry right after it. Follow such
	 * chunks, at most 16 at a time so that arming stays O(1).
	 */
	for (unsigned n = 0; n < 16; n++) {
		uint64_t next = run_end + 1; /* the next chunk's first entry, if aligned */

		if ((next & (res->csize - 1)) || next >= res->cnt ||
		    em__ra_at(res, (uint32_t)run_end) != res->regions + run_end ||
		    res->heads[next >> res->shift] != 0)
			break;
		run_end = (next + res->csize < res->cnt ? next + res->csize : res->cnt) - 1;
	}
	it->rp_ = r;
	it->rlast_ = last_at_or_below(r, r + (run_end - i), mend < it->hi_ ? mend : it->hi_);
}

static bool next_free(struct em_iter *it)
{
	const struct em_array *mem = &it->em_->memory, *res = &it->em_->reserved;

	for (; it->mi_ < mem->cnt; it->mi_++) {
		const struct em_region *m = em__ra_at(mem, it->mi_);
		uint64_t start, end;

		if (m->base >= it->hi_)
			return false;
		if (!eligible(it, m))
			continue;
		start = m->base > it->cursor_ ? m->base : it->cursor_;
		end = em__end(m) < it->hi_ ? em__end(m) : it->hi_;
		/* Past the reservations that end at or below start, and those covering it. */
		for (; start < end && it->ri_ < res->cnt; it->ri_++) {
			const struct em_region *r = em__ra_at(res, it->ri_);

			if (r->base > start)
				break;
			if (em__end(r) > start)
				start = em__end(r); /* start is reserved: continue after r */
		}
		if (start >= end) { /* the rest of m is reserved */
			it->cursor_ = start;
			continue;
		}
		if (it->ri_ < res->cnt && em__ra_at(res, it->ri_)->base < end) {
			end = em__ra_at(res, it->ri_)->base;
			arm_fast_path(it, res, m);
		}
		yield(it, start, end, m);
		it->label = NULL;
		it->cursor_ = end;
		return true;
	}
	return false;
}

static bool next_free_rev(struct em_iter *it)
{
	const struct em_array *mem = &it->em_->memory, *res = &it->em_->reserved;

	for (; it->mi_ > 0; it->mi_--) {
		const struct em_region *m = em__ra_at(mem, it->mi_ - 1);
		uint64_t start, end;

		if (em__end(m) <= it->lo_)
			return false;
		if (!eligible(it, m))
			continue;
		start = m->base > it->lo_ ? m->base : it->lo_;
		end = em__end(m) < it->cursor_ ? em__end(m) : it->cursor_;
		/* Past the reservations that start at or above end, and those covering end - 1. */
		for (; start < end && it->ri_ > 0; it->ri_--) {
			const struct em_region *r = em__ra_at(res, it->ri_ - 1);

			if (em__end(r) < end)
				break;
			if (r->base < end)
				end = r->base; /* end - 1 is reserved: continue below r */
		}
		if (start >= end) { /* the rest of m is reserved */
			it->cursor_ = end;
			continue;
		}
		if (it->ri_ > 0 && em__end(em__ra_at(res, it->ri_ - 1)) > start)
			start = em__end(em__ra_at(res, it->ri_ - 1));
		yield(it, start, end, m);
		it->label = NULL;
		it->cursor_ = start;
		return true;
	}
	return false;
}

bool em_iter_next_slow(struct em_iter *it)
{
	if (it->rp_) {
		/*
		 * em_iter_next() stepped on from reservation ri_ to rp_ (the one
		 * where the last range ended): catch up, and disarm it.
		 */
		const struct em_array *res = &it->em_->reserved;

		it->ri_ += (uint32_t)(it->rp_ - em__ra_at(res, it->ri_));
		it->cursor_ = it->rp_->base;
		it->rp_ = it->rlast_ = NULL;
	}
	switch ((enum em_iter_kind)it->kind_) {
	case EM_ITER_MEMORY:
		return next_region(it, &it->em_->memory, true);
	case EM_ITER_RESERVED:
		return next_region(it, &it->em_->reserved, false);
	case EM_ITER_FREE:
		return next_free(it);
	case EM_ITER_FREE_REV:
		return next_free_rev(it);
	case EM_ITER_PFN:
		return next_pfn(it);
	}
	return false;
}
