// SPDX-License-Identifier: MIT
/*
 * Iteration. Memory, reserved and PFN walks step through one array. Free
 * walks step through memory and reservations together (a merge walk, each
 * array read once), optionally inside a window [lo, hi): allocation uses
 * the window to start at its bounds instead of at one end.
 *
 * Walks hold pointers, not indices: a cursor is an entry and the last (or,
 * walking down, first) entry of its run, the entries stored in consecutive
 * slots from it on (em__ra_run_up()). Inside a run the next entry is the
 * next slot; only at a run's end does the walk look an entry up. Every
 * real firmware map fits in one ring, which is one run or two.
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

/*
 * Cursors at entry @i of @a for a walk up or down: the entry and the end
 * of its run in *@stop, or NULL if there is no entry @i (i >= cnt, which
 * includes UINT32_MAX for "below entry 0").
 */
static const struct em_region *cursor_up(const struct em_array *a, uint32_t i,
					 const struct em_region **stop)
{
	return i < a->cnt ? em__ra_run_up(a, i, stop) : NULL;
}

static const struct em_region *cursor_down(const struct em_array *a, uint32_t i,
					   const struct em_region **stop)
{
	return i < a->cnt ? em__ra_run_down(a, i, stop) : NULL;
}

/* The entry after @p walking up @a (NULL past the last), a run's step. */
static __attribute__((noinline)) const struct em_region *
next_run_up(const struct em_array *a, const struct em_region *p, const struct em_region **stop)
{
	return cursor_up(a, em__ra_index(a, p) + 1, stop);
}

static inline const struct em_region *up(const struct em_array *a, const struct em_region *p,
					 const struct em_region **stop)
{
	return p != *stop ? p + 1 : next_run_up(a, p, stop);
}

/* The entry before @p walking down @a (NULL below the first). */
static __attribute__((noinline)) const struct em_region *
next_run_down(const struct em_array *a, const struct em_region *p, const struct em_region **stop)
{
	return cursor_down(a, em__ra_index(a, p) - 1, stop);
}

static inline const struct em_region *down(const struct em_array *a, const struct em_region *p,
					   const struct em_region **stop)
{
	return p != *stop ? p - 1 : next_run_down(a, p, stop);
}

void em__iter_init(struct em_iter *it, const struct earlymem *em, enum em_iter_kind kind,
		   uint64_t lo, uint64_t hi, uint64_t nodes, bool none, uint32_t flags)
{
	const struct em_array *mem = &em->memory, *res = &em->reserved;

	/*
	 * Field by field: zeroing the whole struct first costs a string store
	 * (rep stos), whose start-up alone takes as long as a short walk.
	 */
	it->base = 0;
	it->size = 0;
	it->start_pfn = 0;
	it->end_pfn = 0;
	it->node = EM_NODE_NONE;
	it->flags = 0;
	it->label = NULL;
	it->em_ = em;
	it->lo_ = lo;
	it->hi_ = hi;
	it->cursor_ = 0;
	it->nodes_ = nodes;
	it->m_ = it->mstop_ = it->r_ = it->rstop_ = NULL;
	it->accept_ = flags;
	it->kind_ = (uint8_t)kind;
	it->none_ = none;
	it->rp_ = it->rlast_ = NULL;
	if (kind == EM_ITER_FREE_REV) {
		/* The last regions that start below hi (UINT32_MAX: none). */
		uint32_t m = hi ? em__ra_find(mem, hi - 1) : 0;
		uint32_t r = hi ? em__ra_find(res, hi - 1) : 0;

		m -= !(m < mem->cnt && em__ra_at(mem, m)->base < hi);
		r -= !(r < res->cnt && em__ra_at(res, r)->base < hi);
		it->m_ = cursor_down(mem, m, &it->mstop_);
		it->r_ = cursor_down(res, r, &it->rstop_);
		it->cursor_ = hi;
	} else if (kind == EM_ITER_FREE) {
		it->m_ = cursor_up(mem, em__ra_find(mem, lo), &it->mstop_);
		it->r_ = cursor_up(res, em__ra_find(res, lo), &it->rstop_);
		it->cursor_ = lo;
	} else {
		it->m_ = cursor_up(kind == EM_ITER_RESERVED ? res : mem, 0, &it->mstop_);
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
	while (it->m_) {
		const struct em_region *r = it->m_;

		it->m_ = up(a, r, &it->mstop_);
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
 * The range about to be yielded ends where reservation @r starts, inside
 * memory region @m: arm em_iter_next()'s inline step. It may step from @r
 * to the entries after it in its run, as long as they start inside @m and
 * the walk's window (so the step need not check where @m ends).
 */
static void arm_fast_path(struct em_iter *it, const struct em_region *r, const struct em_region *m)
{
	uint64_t mend = em__end(m);

	it->rp_ = r;
	it->rlast_ = last_at_or_below(r, it->rstop_, mend < it->hi_ ? mend : it->hi_);
}

static __attribute__((noinline)) bool next_free(struct em_iter *it)
{
	const struct em_array *mem = &it->em_->memory, *res = &it->em_->reserved;
	const struct em_region *m, *r;

	if (it->rp_) {
		/*
		 * em_iter_next() stepped on from reservation r_ to rp_, in r_'s
		 * run, where the last range ended: catch up, and disarm it.
		 */
		it->r_ = it->rp_;
		it->cursor_ = it->rp_->base;
		it->rp_ = it->rlast_ = NULL;
	}
	for (m = it->m_; m; m = up(mem, m, &it->mstop_)) {
		uint64_t start, end;

		if (m->base >= it->hi_)
			break;
		if (!eligible(it, m))
			continue;
		start = m->base > it->cursor_ ? m->base : it->cursor_;
		end = em__end(m) < it->hi_ ? em__end(m) : it->hi_;
		/* Past the reservations that end at or below start, and those covering it. */
		for (r = it->r_; start < end && r && r->base <= start;
		     r = up(res, r, &it->rstop_)) {
			if (em__end(r) > start)
				start = em__end(r); /* start is reserved: continue after r */
		}
		it->r_ = r;
		if (start >= end) { /* the rest of m is reserved */
			it->cursor_ = start;
			continue;
		}
		if (r && r->base < end) {
			end = r->base;
			arm_fast_path(it, r, m);
			it->m_ = m;
		} else { /* the range ends where m (or the window) does */
			it->m_ = end == em__end(m) ? up(mem, m, &it->mstop_) : m;
		}
		yield(it, start, end, m);
		it->label = NULL;
		it->cursor_ = end;
		return true;
	}
	it->m_ = NULL;
	return false;
}

static __attribute__((noinline)) bool next_free_rev(struct em_iter *it)
{
	const struct em_array *mem = &it->em_->memory, *res = &it->em_->reserved;
	const struct em_region *m, *r;

	for (m = it->m_; m; m = down(mem, m, &it->mstop_)) {
		uint64_t start, end;

		if (em__end(m) <= it->lo_)
			break;
		if (!eligible(it, m))
			continue;
		start = m->base > it->lo_ ? m->base : it->lo_;
		end = em__end(m) < it->cursor_ ? em__end(m) : it->cursor_;
		/* Past the reservations that start at or above end, and those covering end - 1. */
		for (r = it->r_; start < end && r && em__end(r) >= end;
		     r = down(res, r, &it->rstop_)) {
			if (r->base < end)
				end = r->base; /* end - 1 is reserved: continue below r */
		}
		it->r_ = r;
		if (start >= end) { /* the rest of m is reserved */
			it->cursor_ = end;
			continue;
		}
		if (r && em__end(r) > start)
			start = em__end(r);
		/* When the range starts where m does, the next step starts at the region below. */
		it->m_ = start == m->base ? down(mem, m, &it->mstop_) : m;
		yield(it, start, end, m);
		it->label = NULL;
		it->cursor_ = start;
		return true;
	}
	it->m_ = NULL;
	return false;
}

/*
 * Each kind's step is a function of its own, which the dispatch below
 * calls last: a step then saves only the registers it uses itself.
 */
bool em_iter_next_slow(struct em_iter *it)
{
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
