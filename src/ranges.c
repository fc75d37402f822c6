// SPDX-License-Identifier: MIT
/*
 * Range algebra on one region array: add a range, remove a range, change
 * the attributes of a range, and the coverage tests. Each mutation comes as
 * a count step (the region count afterwards, computed without touching
 * anything) and an apply step that cannot fail once that count fits. The
 * apply steps never hold more regions at any moment than the count step
 * reported, except attribute changes, which may use the two spare entries
 * every storage has for the splits they do before merging.
 */
#include "internal.h"

/* A stretch of [pos, end) not covered by any region of the array. */
struct gap {
	uint64_t base;
	uint64_t end;
	uint32_t k; /* index of the first region above the gap */
	bool left;  /* region k - 1 ends exactly at base */
	bool right; /* region k starts exactly at end */
};

/*
 * Finds the next gap in [*pos, end), advancing *pos past it and *k past the
 * regions before it. *k starts as em__ra_find(a, *pos).
 */
static bool next_gap(const struct em_array *a, uint64_t *pos, uint64_t end, uint32_t *k,
		     struct gap *g)
{
	while (*pos < end) {
		const struct em_region *r = *k < a->cnt ? em__ra_at(a, *k) : NULL;

		if (r && r->base <= *pos) {
			*pos = em__end(r);
			(*k)++;
			continue;
		}
		g->base = *pos;
		g->end = r && r->base < end ? r->base : end;
		g->k = *k;
		g->left = *k > 0 && em__end(em__ra_at(a, *k - 1)) == g->base;
		g->right = r && r->base == g->end;
		*pos = g->end;
		return true;
	}
	return false;
}

static bool joins_left(const struct em_array *a, const struct gap *g, const struct em_region *attrs)
{
	return g->left && em__same_attrs(em__ra_at(a, g->k - 1), attrs);
}

static bool joins_right(const struct em_array *a, const struct gap *g,
			const struct em_region *attrs)
{
	return g->right && em__same_attrs(em__ra_at(a, g->k), attrs);
}

uint64_t em__add_count(const struct em_array *a, uint64_t base, uint64_t end,
		       const struct em_region *attrs)
{
	uint64_t cnt = a->cnt, pos = base;
	uint32_t k = em__ra_find(a, base);
	struct gap g;

	while (next_gap(a, &pos, end, &k, &g)) {
		bool l = joins_left(a, &g, attrs), r = joins_right(a, &g, attrs);

		if (l && r)
			cnt--; /* the gap bridges two regions into one */
		else if (!l && !r)
			cnt++; /* the gap becomes a region of its own */
	}
	return cnt;
}

/*
 * Two passes: first the gaps that extend or bridge a neighbour (never more
 * regions), then the gaps that need a region of their own, which can merge
 * with nothing (their neighbours differ). So the count never exceeds the
 * final count on the way.
 */
void em__add_apply(struct em_array *a, uint64_t base, uint64_t end, const struct em_region *attrs)
{
	uint64_t pos = base;
	uint32_t k = em__ra_find(a, base);
	struct gap g;

	while (next_gap(a, &pos, end, &k, &g)) {
		bool l = joins_left(a, &g, attrs), r = joins_right(a, &g, attrs);

		if (l && r) {
			/* Region k - 1 absorbs the gap and region k. */
			pos = em__end(em__ra_at(a, g.k));
			em__ra_set_bounds(a, g.k - 1, em__ra_at(a, g.k - 1)->base, pos);
			em__ra_delete(a, g.k, 1);
			k = g.k;
		} else if (l) {
			em__ra_set_bounds(a, g.k - 1, em__ra_at(a, g.k - 1)->base, g.end);
		} else if (r) {
			em__ra_set_bounds(a, g.k, g.base, em__end(em__ra_at(a, g.k)));
		}
	}

	pos = base;
	k = em__ra_find(a, base);
	while (next_gap(a, &pos, end, &k, &g)) {
		struct em_region r = *attrs;

		r.base = g.base;
		r.size = g.end - g.base;
		em__ra_insert(a, g.k, &r);
		k = g.k + 1;
	}
}

bool em__add_fast(struct em_array *a, uint64_t base, uint64_t end, const struct em_region *attrs)
{
	uint32_t k = em__ra_find(a, base);
	struct em_region *prev = k > 0 ? em__ra_at(a, k - 1) : NULL;
	struct em_region *next = k < a->cnt ? em__ra_at(a, k) : NULL;
	bool left, right;

	/* prev ends at or below base (em__ra_find); next must start at or above end. */
	if (next && next->base < end)
		return false;
	left = prev && em__end(prev) == base && em__same_attrs(prev, attrs);
	right = next && next->base == end && em__same_attrs(next, attrs);
	if (left && right) {
		em__ra_set_bounds(a, k - 1, prev->base, em__end(next));
		em__ra_delete(a, k, 1);
	} else if (left) {
		em__ra_set_bounds(a, k - 1, prev->base, end);
	} else if (right) {
		em__ra_set_bounds(a, k, base, em__end(next));
	} else {
		struct em_region r = *attrs;

		if (a->cnt >= a->max)
			return false;
		r.base = base;
		r.size = end - base;
		em__ra_insert(a, k, &r);
	}
	return true;
}

bool em__remove_fast(struct em_array *a, uint64_t base, uint64_t end)
{
	uint32_t k = em__ra_find(a, base);
	struct em_region *r = k < a->cnt ? em__ra_at(a, k) : NULL;
	uint64_t rbase, rend;

	if (!r || r->base > base || em__end(r) < end)
		return false;
	rbase = r->base;
	rend = em__end(r);
	if (rbase == base && rend == end) {
		em__ra_delete(a, k, 1);
	} else if (rbase == base) {
		em__ra_set_bounds(a, k, end, rend);
	} else if (rend == end) {
		em__ra_set_bounds(a, k, rbase, base);
	} else {
		if (a->cnt >= a->max)
			return false;
		em__ra_split(a, k, end);
		em__ra_set_bounds(a, k, rbase, base);
	}
	return true;
}

uint64_t em__remove_count(const struct em_array *a, uint64_t base, uint64_t end)
{
	uint32_t i = em__ra_find(a, base);
	uint64_t cnt = a->cnt;

	if (i < a->cnt && em__ra_at(a, i)->base < base) {
		if (em__end(em__ra_at(a, i)) > end)
			return cnt + 1; /* one region splits around the hole */
		i++;
	}
	for (; i < a->cnt && em__end(em__ra_at(a, i)) <= end; i++)
		cnt--;
	return cnt;
}

void em__remove_apply(struct em_array *a, uint64_t base, uint64_t end)
{
	uint32_t i = em__ra_find(a, base), j;

	if (i < a->cnt && em__ra_at(a, i)->base < base) {
		bool inside = em__end(em__ra_at(a, i)) > end;

		if (inside)
			em__ra_split(a, i, end);
		/* Looked up again: a split moves entries, no pointer survives it. */
		em__ra_set_bounds(a, i, em__ra_at(a, i)->base, base);
		if (inside)
			return;
		i++;
	}
	for (j = i; j < a->cnt && em__end(em__ra_at(a, j)) <= end; j++)
		;
	em__ra_delete(a, i, j - i);
	if (i < a->cnt && em__ra_at(a, i)->base < end)
		em__ra_set_bounds(a, i, end, em__end(em__ra_at(a, i)));
}

/* The attributes region @r would have after @op. */
static struct em_region changed_attrs(const struct em_region *r, const struct em_attr_op *op)
{
	struct em_region n = *r;

	n.flags = (n.flags | op->set_flags) & ~op->clear_flags;
	if (op->set_node)
		n.node = op->node;
	return n;
}

/* Feeds the regions of a virtual result one by one, counting merges. */
struct merge_counter {
	bool have;
	struct em_region prev;
	uint64_t merges;
};

static void feed(struct merge_counter *mc, uint64_t base, uint64_t end, const struct em_region *at)
{
	struct em_region r = *at;

	r.base = base;
	r.size = end - base;
	if (mc->have && em__end(&mc->prev) == r.base && em__same_attrs(&mc->prev, &r))
		mc->merges++;
	mc->have = true;
	mc->prev = r;
}

uint64_t em__attr_count(const struct em_array *a, uint64_t base, uint64_t end,
			const struct em_attr_op *op)
{
	uint32_t i = em__ra_find(a, base), j = i, k;
	uint64_t splits = 0;
	struct merge_counter mc = { 0 };

	while (j < a->cnt && em__ra_at(a, j)->base < end)
		j++;
	if (i == j)
		return a->cnt; /* no memory in the range */

	/* Walk the result from the left neighbour to the right neighbour. */
	k = i > 0 ? i - 1 : i;
	for (; k < a->cnt && k <= j; k++) {
		const struct em_region *r = em__ra_at(a, k);
		struct em_region n = changed_attrs(r, op);
		uint64_t rb = r->base, re = em__end(r);

		if (k < i || k >= j || em__same_attrs(r, &n)) {
			feed(&mc, rb, re, r);
			continue;
		}
		if (rb < base) {
			feed(&mc, rb, base, r);
			splits++;
			rb = base;
		}
		if (re > end) {
			feed(&mc, rb, end, &n);
			feed(&mc, end, re, r);
			splits++;
		} else {
			feed(&mc, rb, re, &n);
		}
	}
	return a->cnt + splits - mc.merges;
}

void em__attr_apply(struct em_array *a, uint64_t base, uint64_t end, const struct em_attr_op *op)
{
	uint32_t i = em__ra_find(a, base), j;

	if (i < a->cnt && em__ra_at(a, i)->base < base) {
		struct em_region n = changed_attrs(em__ra_at(a, i), op);

		if (!em__same_attrs(em__ra_at(a, i), &n)) {
			em__ra_split(a, i, base);
			i++;
		}
	}
	for (j = i; j < a->cnt && em__ra_at(a, j)->base < end; j++) {
		struct em_region *r = em__ra_at(a, j);
		struct em_region n = changed_attrs(r, op);

		if (em__same_attrs(r, &n))
			continue;
		if (em__end(r) > end)
			em__ra_split(a, j, end);
		r = em__ra_at(a, j);
		r->flags = n.flags;
		r->node = n.node;
	}
	/* Merge across every boundary the change touched, right to left. */
	if (a->cnt == 0)
		return;
	for (uint32_t p = j < a->cnt ? j : a->cnt - 1; p > 0 && p + 1 > i; p--)
		em__ra_merge_next(a, p - 1);
}

bool em__covered(const struct em_array *a, uint64_t base, uint64_t end)
{
	uint32_t i = em__ra_find(a, base);
	uint64_t pos = base;

	while (pos < end) {
		if (i >= a->cnt || em__ra_at(a, i)->base > pos)
			return false;
		pos = em__end(em__ra_at(a, i++));
	}
	return true;
}

bool em__intersects(const struct em_array *a, uint64_t base, uint64_t end)
{
	uint32_t i = em__ra_find(a, base);

	return i < a->cnt && em__ra_at(a, i)->base < end;
}
