// SPDX-License-Identifier: MIT
/*
 * Allocation: find free space (memory minus reservations) that fits size,
 * alignment, bounds, node and flags, top-down or bottom-up, and reserve it.
 */
#include "internal.h"

#define STEER_FLAGS (EM_ALLOC_BOTTOM_UP | EM_ALLOC_TOP_DOWN | EM_ALLOC_EXACT_NODE)

static bool overlaps(const struct em_span *s, uint64_t base, uint64_t end)
{
	return s->base < s->end && base < s->end && s->base < end;
}

/*
 * Places spec->size bytes inside the free range [fs, fe): the highest (or,
 * bottom-up, lowest) aligned address that avoids every span in spec->avoid.
 * Each avoided span shrinks the range from the side being searched, so the
 * loop ends.
 */
static bool fit(const struct em_find_spec *s, uint64_t fs, uint64_t fe, uint64_t *out)
{
	uint64_t mask = s->align - 1;

	for (;;) {
		const struct em_span *hit = NULL;
		uint64_t cand;

		if (fe <= fs || fe - fs < s->size)
			return false;
		if (s->bottom_up) {
			if (fs > UINT64_MAX - mask)
				return false;
			cand = (fs + mask) & ~mask;
			if (cand > fe || fe - cand < s->size)
				return false;
		} else {
			cand = (fe - s->size) & ~mask;
			if (cand < fs)
				return false;
		}
		for (unsigned i = 0; i < s->navoid && !hit; i++)
			if (overlaps(&s->avoid[i], cand, cand + s->size))
				hit = &s->avoid[i];
		if (!hit) {
			*out = cand;
			return true;
		}
		if (s->bottom_up)
			fs = hit->end;
		else
			fe = hit->base;
	}
}

bool em__find_free(const struct earlymem *em, const struct em_find_spec *spec,
		   struct em_found *found)
{
	struct em_iter it;

	if (spec->lo >= spec->hi)
		return false;
	em__iter_init(&it, em, spec->bottom_up ? EM_ITER_FREE : EM_ITER_FREE_REV, spec->lo,
		      spec->hi, spec->nodes, spec->none, spec->flags);
	while (em_iter_next(&it)) {
		if (fit(spec, it.base, it.base + it.size, &found->addr)) {
			found->node = it.node;
			found->flags = it.flags;
			return true;
		}
	}
	return false;
}

/* Checks a request and turns it into a search (all but the node choice). */
static int prepare(const struct earlymem *em, const struct em_request *req,
		   struct em_find_spec *spec)
{
	uint32_t steer = req ? req->flags & STEER_FLAGS : 0;

	if (em->retired)
		return EM_ERETIRED;
	if (!req || req->size == 0 || !em__is_pow2(req->align) || req->min > req->max)
		return EM_EINVAL;
	if (req->flags & ~(EM_REGION_FLAGS | STEER_FLAGS))
		return EM_EINVAL;
	if ((steer & EM_ALLOC_BOTTOM_UP) && (steer & EM_ALLOC_TOP_DOWN))
		return EM_EINVAL;
	if (req->node >= EM_MAX_NODES || req->node < EM_NODE_ANY ||
	    ((steer & EM_ALLOC_EXACT_NODE) && req->node < 0))
		return EM_EINVAL;

	*spec = (struct em_find_spec){
		.size = req->size,
		.align = req->align,
		.lo = req->min,
		.hi = req->max < em->current_limit ? req->max : em->current_limit,
		.flags = req->flags & EM_REGION_FLAGS,
		.bottom_up = em->bottom_up,
	};
	if (em->hooks.accept)
		spec->flags |= EM_UNACCEPTED;
	if (steer & EM_ALLOC_BOTTOM_UP)
		spec->bottom_up = true;
	if (steer & EM_ALLOC_TOP_DOWN)
		spec->bottom_up = false;
	return 0;
}

static uint64_t node_bit(int node)
{
	return 1ull << node;
}

static uint64_t nodes_present(const struct earlymem *em)
{
	uint64_t mask = 0;

	for (uint32_t i = 0; i < em->memory.cnt; i++) {
		int node = em__ra_at(&em->memory, i)->node;

		if (node >= 0)
			mask |= node_bit(node);
	}
	return mask;
}

/*
 * Node order: the preferred node; then, unless exact, groups of the other
 * nodes present, nearest first (a group's nodes compete for the best
 * address); then memory without a node.
 */
static bool search(const struct earlymem *em, const struct em_request *req,
		   struct em_find_spec *spec, struct em_found *f)
{
	int pref = req->node;
	uint64_t present, tried;

	if (pref < 0) {
		spec->nodes = EM__ALL_NODES;
		spec->none = true;
		return em__find_free(em, spec, f);
	}
	spec->nodes = node_bit(pref);
	spec->none = false;
	if (em__find_free(em, spec, f))
		return true;
	if (req->flags & EM_ALLOC_EXACT_NODE)
		return false;

	present = nodes_present(em);
	tried = node_bit(pref);
	for (;;) {
		uint64_t group = 0;
		int best = UINT8_MAX + 1; /* farther than any distance */

		for (int n = 0; n < EM_MAX_NODES; n++) {
			int d = em->distance[pref][n];

			if (!(present & node_bit(n)) || (tried & node_bit(n)) || d > best)
				continue;
			group = d < best ? node_bit(n) : group | node_bit(n);
			best = d;
		}
		if (!group)
			break;
		tried |= group;
		spec->nodes = group;
		if (em__find_free(em, spec, f))
			return true;
	}
	spec->nodes = 0;
	spec->none = true;
	return em__find_free(em, spec, f);
}

/* The common part of em_find() and em_alloc_req(): check, then search. */
static int find(const struct earlymem *em, const struct em_request *req, const uint64_t *addr,
		struct em_found *f)
{
	struct em_find_spec spec;
	int err = prepare(em, req, &spec);

	if (err)
		return err;
	if (!addr)
		return EM_EINVAL;
	return search(em, req, &spec, f) ? 0 : EM_ENOMEM;
}

int em_find(const struct earlymem *em, const struct em_request *req, uint64_t *addr)
{
	struct em_found f;
	int err = find(em, req, addr, &f);

	if (!err)
		*addr = f.addr;
	return err;
}

int em_alloc_req(struct earlymem *em, const struct em_request *req, uint64_t *addr)
{
	struct em_found f;
	int err = find(em, req, addr, &f);

	if (err)
		return err;
	/* Accept first: a failed reservation then leaves accepted memory, which is harmless. */
	if ((f.flags & EM_UNACCEPTED) && em->hooks.accept &&
	    em->hooks.accept(em->hooks.ctx, f.addr, req->size))
		return EM_EACCEPT;
	err = em__reserve(em, f.addr, f.addr + req->size, f.node, req->label);
	if (err)
		return err;
	*addr = f.addr;
	return 0;
}

int em_alloc(struct earlymem *em, uint64_t size, uint64_t align, uint64_t *addr)
{
	return em_alloc_range(em, size, align, 0, EM_ALLOC_ANYWHERE, addr);
}

int em_alloc_range(struct earlymem *em, uint64_t size, uint64_t align, uint64_t min, uint64_t max,
		   uint64_t *addr)
{
	struct em_request req = {
		.size = size,
		.align = align,
		.min = min,
		.max = max,
		.node = EM_NODE_ANY,
	};

	return em_alloc_req(em, &req, addr);
}

int em_alloc_node(struct earlymem *em, uint64_t size, uint64_t align, int node, uint64_t *addr)
{
	struct em_request req = {
		.size = size,
		.align = align,
		.max = EM_ALLOC_ANYWHERE,
		.node = node,
	};

	return em_alloc_req(em, &req, addr);
}

/*
 * The node shared by all memory in [base, end) (EM_NODE_NONE if they
 * differ), and whether any of it is unaccepted. The range is memory.
 */
static int covering_node(const struct em_array *mem, uint64_t base, uint64_t end, bool *unaccepted)
{
	uint32_t i = em__ra_find(mem, base);
	int node = em__ra_at(mem, i)->node;

	*unaccepted = false;
	for (; i < mem->cnt && em__ra_at(mem, i)->base < end; i++) {
		const struct em_region *m = em__ra_at(mem, i);

		if (m->node != node)
			node = EM_NODE_NONE;
		if (m->flags & EM_UNACCEPTED)
			*unaccepted = true;
	}
	return node;
}

int em_alloc_at(struct earlymem *em, uint64_t base, uint64_t size, const char *label)
{
	bool unaccepted;
	uint64_t end;
	int err, node;

	if (em->retired)
		return EM_ERETIRED;
	if (size == 0)
		return EM_EINVAL;
	err = em__range_end(base, size, &end);
	if (err)
		return err;
	if (!em__covered(&em->memory, base, end))
		return EM_ENOENT;
	if (em__intersects(&em->reserved, base, end))
		return EM_EBUSY;
	node = covering_node(&em->memory, base, end, &unaccepted);
	/* The hook gets the whole range: accepting accepted memory must be harmless. */
	if (unaccepted && em->hooks.accept && em->hooks.accept(em->hooks.ctx, base, size))
		return EM_EACCEPT;
	return em__reserve(em, base, end, node, label);
}
