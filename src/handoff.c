// SPDX-License-Identifier: MIT
/*
 * Handoff: release every free page to the page allocator exactly once,
 * report the reserved memory, and retire the instance; then late frees.
 * See include/earlymem/handoff.h for the contract.
 */
#include <earlymem/handoff.h>

#include "internal.h"

#define PAGE_MASK ((uint64_t)EM_PAGE_SIZE - 1)

struct walk {
	struct earlymem *em;
	const struct em_handoff_ops *ops;
	struct em_handoff_stats *st;
	/*
	 * With discard: the doubled storage that is released after the walk,
	 * kept out of the reserved report, and the node and flags of the one
	 * memory region holding it.
	 */
	struct self_storage {
		struct em_array *array;
		struct em_span span;
		int node;
		uint32_t flags;
	} self[2];
	unsigned nself;
};

static unsigned int low_bit(uint64_t x)
{
	return (unsigned int)__builtin_ctzll(x);
}

/* The largest naturally aligned block at @pfn that fits in @left pages. */
static unsigned int block_order(uint64_t pfn, uint64_t left, unsigned int max_order)
{
	unsigned int order = max_order;

	if (pfn && low_bit(pfn) < order)
		order = low_bit(pfn);
	while ((1ull << order) > left)
		order--;
	return order;
}

/*
 * The greedy walk release_pages() makes, counted without walking the
 * middle: up to max_order growing blocks until the start is aligned to the
 * largest block, then whole largest blocks, then up to max_order shrinking
 * ones. O(max_order) even for a range covering the address space.
 */
uint64_t em_handoff_blocks(uint64_t first_pfn, uint64_t end_pfn, unsigned int max_order)
{
	uint64_t n = 0, full, big;

	if (max_order > EM_HANDOFF_MAX_ORDER)
		max_order = EM_HANDOFF_MAX_ORDER;
	big = 1ull << max_order;
	while (first_pfn < end_pfn && (first_pfn & (big - 1))) {
		first_pfn += 1ull << block_order(first_pfn, end_pfn - first_pfn, max_order);
		n++;
	}
	if (first_pfn < end_pfn) {
		full = (end_pfn - first_pfn) >> max_order;
		n += full;
		first_pfn += full << max_order;
	}
	while (first_pfn < end_pfn) {
		first_pfn += 1ull << block_order(first_pfn, end_pfn - first_pfn, max_order);
		n++;
	}
	return n;
}

static unsigned int node_index(int node)
{
	return node < 0 ? EM_HANDOFF_NO_NODE : (unsigned int)node;
}

static void count_release(struct em_handoff_stats *st, int node, uint64_t bytes, uint64_t calls)
{
	st->released_bytes += bytes;
	st->released_count += calls;
	st->node_released_bytes[node_index(node)] += bytes;
	st->node_released_count[node_index(node)] += calls;
}

/*
 * Releases pages [pfn, last) as the fewest naturally aligned blocks: growing
 * blocks up to the first boundary of the largest block, the largest blocks,
 * then shrinking ones. The middle loop, all the blocks of a large range,
 * does nothing but the call: the callback, its context and the order are
 * read once (the callback may not change @ops while it runs), and the
 * counts are kept in locals (the callback could alias @st, so per-block
 * updates would wait on memory).
 */
static void release_blocks(const struct em_handoff_ops *ops, struct em_handoff_stats *st,
			   uint64_t pfn, uint64_t last, int node, uint32_t flags)
{
	void (*const release)(void *, uint64_t, unsigned int, int, uint32_t) = ops->release_block;
	void *const ctx = ops->ctx;
	const unsigned int max = ops->max_order;
	const uint64_t big = 1ull << max, bytes = (last - pfn) * EM_PAGE_SIZE;
	uint64_t blocks = 0, full;

	while (pfn < last && (pfn & (big - 1))) {
		unsigned int order = block_order(pfn, last - pfn, max);

		release(ctx, pfn * EM_PAGE_SIZE, order, node, flags);
		blocks++;
		pfn += 1ull << order;
	}
	full = pfn < last ? (last - pfn) >> max : 0;
	for (uint64_t n = full, addr = pfn * EM_PAGE_SIZE; n; n--, addr += big * EM_PAGE_SIZE)
		release(ctx, addr, max, node, flags);
	blocks += full;
	pfn += full << max;
	while (pfn < last) {
		unsigned int order = block_order(pfn, last - pfn, max);

		release(ctx, pfn * EM_PAGE_SIZE, order, node, flags);
		blocks++;
		pfn += 1ull << order;
	}
	count_release(st, node, bytes, blocks);
}

/* Releases the whole pages [base, end) of memory with @node and @flags. */
static void release_pages(const struct em_handoff_ops *ops, struct em_handoff_stats *st,
			  uint64_t base, uint64_t end, int node, uint32_t flags)
{
	uint64_t size = end - base, pfn = base / EM_PAGE_SIZE, last = end / EM_PAGE_SIZE;

	if (flags & EM_UNACCEPTED) {
		st->unaccepted_bytes += size;
		if (!ops->release_unaccepted) {
			st->withheld_bytes += size;
			return;
		}
		ops->release_unaccepted(ops->ctx, base, size, node);
		count_release(st, node, size, 1);
		return;
	}
	if (flags & EM_HOTPLUG)
		st->hotplug_bytes += size;
	if (ops->release_range) {
		ops->release_range(ops->ctx, base, size, node, flags);
		count_release(st, node, size, 1);
		return;
	}
	release_blocks(ops, st, pfn, last, node, flags);
}

/* A free piece of one memory region: trimmed to whole pages, then released. */
static void free_piece(const struct em_handoff_ops *ops, struct em_handoff_stats *st, uint64_t base,
		       uint64_t end, int node, uint32_t flags)
{
	uint64_t first, last = end & ~PAGE_MASK;

	if (flags & EM_NOMAP) {
		st->nomap_bytes += end - base;
		return;
	}
	/* Round base up; past the last whole page there is nothing to round to. */
	first = base > (EM_ADDR_END & ~PAGE_MASK) ? last : (base + PAGE_MASK) & ~PAGE_MASK;
	if (first >= last) {
		st->trimmed_bytes += end - base;
		return;
	}
	st->trimmed_bytes += (first - base) + (end - last);
	release_pages(ops, st, first, last, node, flags);
}

static void report_reserved(struct walk *w, uint64_t base, uint64_t end, int node, uint32_t flags,
			    const char *label)
{
	if (base >= end)
		return;
	w->st->reserved_bytes += end - base;
	if (w->ops->reserved)
		w->ops->reserved(w->ops->ctx, base, end - base, node, flags, label);
}

/*
 * A reserved piece of memory: the doubled storage released after the walk
 * (with discard) is set aside, not reported.
 */
static void reserved_piece(struct walk *w, uint64_t base, uint64_t end, int node, uint32_t flags,
			   const char *label)
{
	for (unsigned i = 0; i < w->nself && base < end; i++) {
		const struct em_span *s = &w->self[i].span;

		if (s->end <= base || s->base >= end)
			continue;
		if (s->base > base)
			report_reserved(w, base, s->base, node, flags, label);
		base = s->end < end ? s->end : end;
	}
	report_reserved(w, base, end, node, flags, label);
}

/* Cuts one memory region into free and reserved pieces, in address order. */
static void walk_region(struct walk *w, const struct em_region *m)
{
	const struct em_array *res = &w->em->reserved;
	uint64_t pos = m->base, mend = em__end(m);
	uint32_t i = em__ra_find(res, pos);

	while (pos < mend) {
		const struct em_region *r = i < res->cnt ? em__ra_at(res, i) : NULL;

		if (r && r->base <= pos) {
			uint64_t e = em__end(r) < mend ? em__end(r) : mend;

			reserved_piece(w, pos, e, m->node, m->flags, r->label);
			pos = e;
			i++;
			continue;
		}
		uint64_t e = r && r->base < mend ? r->base : mend;

		free_piece(w->ops, w->st, pos, e, m->node, m->flags);
		pos = e;
	}
}

/* Memory node by node: 0, 1, ... then memory without a node. */
static void walk_nodes(struct walk *w)
{
	const struct em_array *mem = &w->em->memory;
	uint64_t present = 0;
	bool none = false;

	for (uint32_t i = 0; i < mem->cnt; i++) {
		int node = em__ra_at(mem, i)->node;

		if (node < 0)
			none = true;
		else
			present |= 1ull << node;
	}
	for (int node = 0; node < EM_MAX_NODES; node++) {
		if (!(present & (1ull << node)))
			continue;
		for (uint32_t i = 0; i < mem->cnt; i++)
			if (em__ra_at(mem, i)->node == node)
				walk_region(w, em__ra_at(mem, i));
	}
	for (uint32_t i = 0; none && i < mem->cnt; i++)
		if (em__ra_at(mem, i)->node < 0)
			walk_region(w, em__ra_at(mem, i));
}

/* The memory region holding all of [base, end), or NULL. */
static const struct em_region *one_region(const struct em_array *mem, uint64_t base, uint64_t end)
{
	uint32_t i = em__ra_find(mem, base);

	if (i < mem->cnt && em__ra_at(mem, i)->base <= base && em__end(em__ra_at(mem, i)) >= end)
		return em__ra_at(mem, i);
	return NULL;
}

/* Moves @a back onto its static storage; false if it did not fit and was emptied. */
static bool back_to_static(struct em_array *a, struct em_region *storage, uint32_t *head)
{
	bool fits = a->cnt <= EM_STATIC_REGIONS;

	if (!a->bytes)
		return true;
	if (!fits) {
		a->cnt = 0;
		a->total_size = 0;
	}
	em__ra_move(a, storage, head, EM_STATIC_REGIONS, 0, 0);
	return fits;
}

/*
 * With discard: @a's doubled storage is released after the walk if it lies
 * in one memory region that may be released (not NOMAP or unaccepted).
 * Storage whose memory changed under it (removed, split between nodes,
 * marked) is not: @a stays on it, and it stays a reservation like any
 * other, which the walk reports piece by piece with the node and flags of
 * its memory.
 */
static void add_self(struct walk *w, struct em_array *a)
{
	const struct em_region *m;

	if (!a->bytes)
		return;
	m = one_region(&w->em->memory, a->phys, a->phys + a->bytes);
	if (!m || (m->flags & (EM_NOMAP | EM_UNACCEPTED)))
		return;
	w->self[w->nself++] = (struct self_storage){
		.array = a,
		.span = { a->phys, a->phys + a->bytes },
		.node = m->node,
		.flags = m->flags,
	};
}

/*
 * Releases the doubled storage set aside by add_self() after the walk:
 * its arrays move back to static storage first; only then are the old
 * pages released (the page allocator may write into them at once).
 */
static void discard(struct walk *w)
{
	struct earlymem *em = w->em;

	/*
	 * Late frees need both arrays: to check the reservation and to find the
	 * node of the pages. If either had to be emptied, they are refused.
	 */
	for (unsigned i = 0; i < w->nself; i++) {
		struct em_array *a = w->self[i].array;
		bool mem = a == &em->memory;

		if (!back_to_static(a, mem ? em->memory_static : em->reserved_static,
				    mem ? em->memory_static_heads : em->reserved_static_heads))
			em->no_late_free = true;
	}
	/* The storage is the page allocator's now: a late free must not release it again. */
	for (unsigned i = 0; i < w->nself && !em->no_late_free; i++) {
		const struct em_span *s = &w->self[i].span;

		if (em__remove_count(&em->reserved, s->base, s->end) > em->reserved.max)
			em->no_late_free = true;
		else
			em__remove_apply(&em->reserved, s->base, s->end);
	}
	for (unsigned i = 0; i < w->nself; i++) {
		const struct self_storage *s = &w->self[i];

		w->st->discarded_bytes += s->span.end - s->span.base;
		release_pages(w->ops, w->st, s->span.base, s->span.end, s->node, s->flags);
	}
}

static bool ops_valid(const struct em_handoff_ops *ops)
{
	return ops && !ops->release_range != !ops->release_block &&
	       ops->max_order <= EM_HANDOFF_MAX_ORDER;
}

int em_handoff(struct earlymem *em, const struct em_handoff_ops *ops,
	       struct em_handoff_stats *stats)
{
	struct em_handoff_stats local;
	struct walk w;
	uint64_t sum;

	if (!ops_valid(ops))
		return EM_EINVAL;
	if (em->retired)
		return EM_ERETIRED;
	if (em_check(em, NULL))
		return EM_ECORRUPT;

	if (!stats)
		stats = &local;
	em__memzero(stats, sizeof(*stats));
	em__memzero(&w, sizeof(w));
	w.em = em;
	w.ops = ops;
	w.st = stats;
	stats->memory_bytes = em->memory.total_size;
	if (ops->discard) {
		add_self(&w, &em->memory);
		add_self(&w, &em->reserved);
		/* reserved_piece() cuts pieces left to right: keep the spans sorted. */
		if (w.nself == 2 && w.self[1].span.base < w.self[0].span.base) {
			struct self_storage t = w.self[0];

			w.self[0] = w.self[1];
			w.self[1] = t;
		}
	}

	em->retired = true;
	em->resize_allowed = false;
	em->handoff = ops;
	walk_nodes(&w);
	if (w.nself)
		discard(&w);

	sum = stats->released_bytes + stats->reserved_bytes + stats->trimmed_bytes +
	      stats->nomap_bytes + stats->withheld_bytes;
	return sum == stats->memory_bytes ? 0 : EM_ECORRUPT;
}

/*
 * After handoff, releases the pages that freeing [base, end) made entirely
 * free: every page touching the range that lies in one memory region and
 * meets no reservation. Such a page was never released before: at handoff
 * and at every earlier late free it met a reservation (this range), and no
 * reservation can be added after handoff.
 */
static void release_freed(struct earlymem *em, uint64_t base, uint64_t end)
{
	const struct em_array *mem = &em->memory, *res = &em->reserved;
	struct em_handoff_stats scratch;

	for (uint32_t i = em__ra_find(mem, base); i < mem->cnt; i++) {
		const struct em_region *m = em__ra_at(mem, i);
		uint64_t lo = base & ~PAGE_MASK, hi = end > (EM_ADDR_END & ~PAGE_MASK) ?
							      EM_ADDR_END & ~PAGE_MASK :
							      (end + PAGE_MASK) & ~PAGE_MASK;
		uint64_t pos = lo > m->base ? lo : m->base;
		uint64_t stop = hi < em__end(m) ? hi : em__end(m);
		uint32_t r = em__ra_find(res, pos);

		if (m->base >= end)
			break;
		if (m->flags & EM_NOMAP)
			continue;
		while (pos < stop) {
			uint64_t gap_end = stop;

			if (r < res->cnt && em__ra_at(res, r)->base <= pos) {
				pos = em__end(em__ra_at(res, r++));
				continue;
			}
			if (r < res->cnt && em__ra_at(res, r)->base < stop)
				gap_end = em__ra_at(res, r)->base;
			/* Whole pages of the gap; partial pages stay unreleased. */
			em__memzero(&scratch, sizeof(scratch));
			uint64_t first = (pos + PAGE_MASK) & ~PAGE_MASK,
				 last = gap_end & ~PAGE_MASK;

			if (pos <= (EM_ADDR_END & ~PAGE_MASK) && first < last)
				release_pages(em->handoff, &scratch, first, last, m->node,
					      m->flags);
			pos = gap_end;
		}
	}
}

int em__late_free(struct earlymem *em, uint64_t base, uint64_t end)
{
	/* The ops live in the caller's memory: checked again, not trusted. */
	if (em->handoff && !ops_valid(em->handoff))
		return EM_EINVAL;
	if (em__remove_count(&em->reserved, base, end) > em->reserved.max)
		return EM_ENOSPC; /* the arrays never double after handoff */
	em__remove_apply(&em->reserved, base, end);
	if (em->handoff) /* NULL only if a test set retired by hand */
		release_freed(em, base, end);
	return 0;
}
