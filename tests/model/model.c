// SPDX-License-Identifier: MIT
/*
 * The reference model (see model.h): the cells, what every operation does
 * to them, and the comparison of the library's tables, free walks and
 * handoff against them.
 */
#include "model.h"

#include <earlymem/handoff.h>

#include <stdio.h>
#include <string.h>

#define SPACE MODEL_SPACE
#define NODES MODEL_NODES
#define SIM_BASE MODEL_SIM_BASE
#define SIM_SIZE MODEL_SIM_SIZE

/* An expected region: labels compared as strings (NULL only equals NULL). */
struct mregion {
	uint64_t base;
	uint64_t size;
	uint32_t flags;
	int node;
	const char *label;
};

static bool label_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool mem_same(const struct model_cell *a, const struct model_cell *b)
{
	return a->flags == b->flags && a->node == b->node;
}

static bool res_same(const struct model_cell *a, const struct model_cell *b)
{
	return a->res_node == b->res_node && label_eq(a->label, b->label);
}

/* Builds the canonical table of memory (which=0) or reserved (which=1). */
static size_t model_table(const struct model *m, int which, struct mregion *out)
{
	size_t n = 0;

	for (uint32_t i = 0; i < SPACE;) {
		const struct model_cell *c = &m->c[i];
		bool in = which ? c->res : c->mem;
		uint32_t j = i + 1;

		if (!in) {
			i++;
			continue;
		}
		while (j < SPACE && (which ? m->c[j].res && res_same(c, &m->c[j]) :
					     m->c[j].mem && mem_same(c, &m->c[j])))
			j++;
		out[n++] = (struct mregion){
			.base = m->off + i,
			.size = j - i,
			.flags = which ? 0 : c->flags,
			.node = which ? c->res_node : c->node,
			.label = which ? c->label : NULL,
		};
		i = j;
	}
	return n;
}

void model_init(struct model *m, uint64_t off, bool resize)
{
	memset(m, 0, sizeof(*m));
	m->off = off;
	m->resize = resize;
}

const char *model_op_name(enum model_op_kind kind)
{
	static const char *const names[] = {
		"add",	 "remove",     "reserve", "free", "mark",  "clear",    "set_node",
		"alloc", "alloc_pref", "trim",	  "cap",  "limit", "alloc_at",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* ------------------------------------------------------------------------ */
/* Comparison                                                               */

static void print_region(const char *pfx, size_t i, const struct mregion *r)
{
	fprintf(stderr, "  %s[%zu] 0x%llx +0x%llx flags 0x%x node %d label %s\n", pfx, i,
		(unsigned long long)r->base, (unsigned long long)r->size, r->flags, r->node,
		r->label ? r->label : "(null)");
}

/* @a holds exactly @n regions equal to @exp, and their total. */
static bool table_equal(const struct em_array *a, const struct mregion *exp, size_t n)
{
	uint64_t total = 0;
	bool ok = a->cnt == n;

	for (size_t i = 0; ok && i < n; i++) {
		const struct em_region *r = em_region_at(a, i);

		ok = r->base == exp[i].base && r->size == exp[i].size && r->flags == exp[i].flags &&
		     r->node == exp[i].node && label_eq(r->label, exp[i].label);
	}
	for (size_t i = 0; i < n; i++)
		total += exp[i].size;
	if (ok && a->total_size == total)
		return true;
	fprintf(stderr, "model: %s differs: library has %u regions (total 0x%llx)\n", a->name,
		a->cnt, (unsigned long long)a->total_size);
	for (uint32_t i = 0; i < a->cnt; i++) {
		const struct em_region *r = em_region_at(a, i);
		struct mregion g = { r->base, r->size, r->flags, r->node, r->label };

		print_region("got ", i, &g);
	}
	fprintf(stderr, "model: expected %zu regions (total 0x%llx)\n", n,
		(unsigned long long)total);
	for (size_t i = 0; i < n; i++)
		print_region("want", i, &exp[i]);
	return false;
}

/* @a without the regions inside the simulated storage area. */
static struct em_array outside_sim(const struct em_array *a, struct em_region *buf,
				   uint64_t *self_bytes)
{
	struct em_array out = *a;
	static uint32_t head; /* 0: buf is one flat chunk, entry i in buf[i] */

	out.regions = buf;
	out.heads = &head;
	out.shift = 31;
	out.csize = 1u << 31;
	out.chunks = 1;
	out.cnt = 0;
	out.total_size = 0;
	*self_bytes = 0;
	for (uint32_t i = 0; i < a->cnt; i++) {
		const struct em_region *r = em_region_at(a, i);

		if (r->base >= SIM_BASE && r->base < SIM_BASE + SIM_SIZE) {
			*self_bytes += r->size;
			continue;
		}
		if (out.cnt < SPACE + 8)
			buf[out.cnt] = *r;
		out.cnt++;
		out.total_size += r->size;
	}
	return out;
}

bool model_compare(const struct model *m, const struct earlymem *em)
{
	static struct mregion exp[SPACE];
	static struct em_region buf[SPACE + 8];
	struct em_array mem = em->memory, res = em->reserved;
	struct em_check_failure why;
	uint64_t sim_mem, sim_res;
	size_t n;

	if (em_check(em, &why)) {
		fprintf(stderr, "model: em_check: %s in %s[%u]\n", em_invariant_str(why.invariant),
			why.array, why.index);
		return false;
	}
	if (m->resize) {
		mem = outside_sim(&em->memory, buf, &sim_mem);
		if (mem.cnt > SPACE + 8 || sim_mem != SIM_SIZE) {
			fprintf(stderr, "model: %u memory regions, 0x%llx bytes in the sim area\n",
				mem.cnt, (unsigned long long)sim_mem);
			return false;
		}
	}
	n = model_table(m, 0, exp);
	if (!table_equal(&mem, exp, n))
		return false;
	if (m->resize) {
		/* Only the doubled arrays live in the simulated area. */
		res = outside_sim(&em->reserved, buf, &sim_res);
		if (res.cnt > SPACE + 8 || sim_res != em->memory.bytes + em->reserved.bytes) {
			fprintf(stderr,
				"model: %u reserved regions, 0x%llx bytes reserved in the sim area "
				"for 0x%llx bytes of arrays\n",
				res.cnt, (unsigned long long)sim_res,
				(unsigned long long)(em->memory.bytes + em->reserved.bytes));
			return false;
		}
	}
	n = model_table(m, 1, exp);
	return table_equal(&res, exp, n);
}

/* Free runs: free cells of one memory region (equal attributes), touching. */
static size_t model_free(const struct model *m, struct mregion *out)
{
	size_t n = 0;

	for (uint32_t i = 0; i < SPACE;) {
		const struct model_cell *c = &m->c[i];
		uint32_t j = i + 1;

		if (!c->mem || c->res) {
			i++;
			continue;
		}
		while (j < SPACE && m->c[j].mem && !m->c[j].res && mem_same(c, &m->c[j]))
			j++;
		out[n++] = (struct mregion){ m->off + i, j - i, c->flags, c->node, NULL };
		i = j;
	}
	return n;
}

static bool walk_fail(const char *dir, size_t k, const struct em_iter *it)
{
	fprintf(stderr, "model: %s free walk differs at range %zu (0x%llx +0x%llx)\n", dir, k,
		(unsigned long long)it->base, (unsigned long long)it->size);
	return false;
}

/* Whether a free range lies in the simulated area the arrays double into. */
static bool in_sim(const struct em_iter *it)
{
	return it->base >= SIM_BASE && it->base < SIM_BASE + SIM_SIZE;
}

bool model_compare_free_walks(const struct model *m, const struct earlymem *em)
{
	static struct mregion exp[SPACE];
	size_t n = model_free(m, exp), k = 0;
	/* What of the simulated area the arrays leave free (no other use of it). */
	uint64_t sim_free = m->resize ? SIM_SIZE - em->memory.bytes - em->reserved.bytes : 0;
	uint64_t fwd_sim = 0, rev_sim = 0;
	struct em_iter it;

	em_for_each_free_range(it, em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		if (m->resize && in_sim(&it)) {
			fwd_sim += it.size;
			continue;
		}
		if (k >= n || it.base != exp[k].base || it.size != exp[k].size ||
		    it.flags != exp[k].flags || it.node != exp[k].node)
			return walk_fail("forward", k, &it);
		k++;
	}
	if (k != n) {
		fprintf(stderr, "model: forward free walk: %zu ranges, want %zu\n", k, n);
		return false;
	}
	em_for_each_free_range_rev(it, em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		if (m->resize && in_sim(&it)) {
			rev_sim += it.size;
			continue;
		}
		if (k == 0 || it.base != exp[k - 1].base || it.size != exp[k - 1].size)
			return walk_fail("reverse", k, &it);
		k--;
	}
	if (k != 0) {
		fprintf(stderr, "model: reverse free walk: %zu ranges missing\n", k);
		return false;
	}
	if (fwd_sim != sim_free || rev_sim != sim_free) {
		fprintf(stderr,
			"model: free walks find 0x%llx / 0x%llx bytes free in the sim area, want 0x%llx\n",
			(unsigned long long)fwd_sim, (unsigned long long)rev_sim,
			(unsigned long long)sim_free);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------------ */
/* Operations                                                               */

static bool fits_arrays(const struct model *m)
{
	static struct mregion exp[SPACE];

	if (m->resize)
		return true;
	return model_table(m, 0, exp) <= EM_STATIC_REGIONS &&
	       model_table(m, 1, exp) <= EM_STATIC_REGIONS;
}

static bool eligible(const struct model_cell *c, uint32_t flags)
{
	if (c->flags & EM_SKIP_FLAGS & ~flags)
		return false;
	return !(flags & EM_MIRROR) || (c->flags & EM_MIRROR);
}

/* Which nodes an allocation may use in one step of its node order. */
enum node_mode {
	ANY_NODE,
	ONLY_NODE,
	OTHER_NODES,
	NO_NODE
};

static bool node_ok(int cell_node, enum node_mode mode, int node)
{
	switch (mode) {
	case ANY_NODE:
		return true;
	case ONLY_NODE:
		return cell_node == node;
	case OTHER_NODES:
		return cell_node >= 0 && cell_node != node;
	default:
		return cell_node < 0;
	}
}

/* The model's answer to an allocation: -1 if nothing fits. */
static int64_t model_find(const struct model *m, uint64_t size, uint64_t align, uint64_t min,
			  uint64_t max, enum node_mode mode, int node, uint32_t flags,
			  bool bottom_up)
{
	int64_t best = -1;

	for (uint64_t i = 0; i + size <= SPACE; i++) {
		uint64_t a = m->off + i;
		bool ok = a % align == 0 && a >= min && a + size <= max;

		for (uint64_t k = 0; ok && k < size; k++) {
			const struct model_cell *c = &m->c[i + k];

			ok = c->mem && !c->res && eligible(c, flags) && mem_same(c, &m->c[i]) &&
			     node_ok(c->node, mode, node);
		}
		if (ok) {
			best = (int64_t)i;
			if (bottom_up)
				break;
		}
	}
	return best;
}

/* Reserves the cells of an allocation at @at in the model; the error it must give. */
static int model_take(struct model *m, int64_t at, uint64_t size, const char *label)
{
	if (at < 0)
		return EM_ENOMEM;
	for (uint64_t i = (uint64_t)at; i < (uint64_t)at + size; i++)
		m->c[i].res = true, m->c[i].label = label, m->c[i].res_node = m->c[at].node;
	return fits_arrays(m) ? 0 : EM_ENOSPC;
}

/* Applies @op to the model: the error the library must give, *@at where it allocates. */
static int model_apply(struct model *m, const struct model_op *op, int64_t *at)
{
	struct model_cell *c = m->c;
	uint64_t b = op->b, e = op->b + op->len, off = m->off;

	*at = -1;
	switch (op->kind) {
	case MODEL_ADD:
		for (uint64_t i = b; i < e; i++)
			if (!c[i].mem)
				c[i] = (struct model_cell){ true,     op->flags,     op->node,
							    c[i].res, c[i].res_node, c[i].label };
		return fits_arrays(m) ? 0 : EM_ENOSPC;
	case MODEL_REMOVE:
		for (uint64_t i = b; i < e; i++)
			c[i].mem = false, c[i].flags = 0, c[i].node = 0;
		return fits_arrays(m) ? 0 : EM_ENOSPC;
	case MODEL_RESERVE:
		for (uint64_t i = b; i < e; i++)
			if (!c[i].res)
				c[i].res = true, c[i].res_node = EM_NODE_NONE,
				c[i].label = op->label;
		return fits_arrays(m) ? 0 : EM_ENOSPC;
	case MODEL_FREE: {
		bool all = true;

		for (uint64_t i = b; i < e; i++)
			all = all && c[i].res;
		if (!all)
			return EM_ENOENT;
		for (uint64_t i = b; i < e; i++)
			c[i].res = false, c[i].label = NULL, c[i].res_node = 0;
		return fits_arrays(m) ? 0 : EM_ENOSPC;
	}
	case MODEL_MARK:
	case MODEL_CLEAR:
		for (uint64_t i = b; i < e; i++)
			if (c[i].mem)
				c[i].flags = op->kind == MODEL_MARK ? c[i].flags | op->flags :
								      c[i].flags & ~op->flags;
		return fits_arrays(m) ? 0 : EM_ENOSPC;
	case MODEL_SET_NODE:
		for (uint64_t i = b; i < e; i++)
			if (c[i].mem)
				c[i].node = op->node;
		return fits_arrays(m) ? 0 : EM_ENOSPC;
	case MODEL_ALLOC:
		*at = model_find(m, op->size, op->align, op->min, op->max,
				 op->node >= 0 ? ONLY_NODE : ANY_NODE, op->node, op->flags, op->up);
		return model_take(m, *at, op->size, op->label);
	case MODEL_ALLOC_PREF:
		/* That node, then the other nodes (one group at the default
		 * distance), then memory without a node. */
		for (enum node_mode mode = ONLY_NODE; *at < 0 && mode <= NO_NODE; mode++)
			*at = model_find(m, op->size, op->align, op->min, op->max, mode, op->node,
					 0, op->up);
		return model_take(m, *at, op->size, op->label);
	case MODEL_TRIM: {
		static struct mregion t[SPACE];
		size_t n = model_table(m, 0, t);
		uint64_t align = op->align;

		for (size_t k = 0; k < n; k++) {
			uint64_t lo = (t[k].base + align - 1) / align * align;
			uint64_t hi = (t[k].base + t[k].size) / align * align;

			for (uint64_t a = t[k].base; a < t[k].base + t[k].size; a++)
				if (a < lo || a >= hi)
					c[a - off].mem = false;
		}
		return 0;
	}
	case MODEL_CAP:
		for (uint64_t i = 0; i < SPACE; i++)
			if (i < b || i >= e)
				c[i].mem = false;
		return 0;
	case MODEL_LIMIT: {
		uint64_t seen = 0;

		for (uint64_t i = 0; i < SPACE; i++)
			if (c[i].mem && seen++ >= op->size)
				c[i].mem = false;
		return 0;
	}
	case MODEL_ALLOC_AT:
	default: {
		bool mem = op->len > 0, busy = false;
		int n0;

		for (uint64_t i = b; i < e; i++) {
			mem = mem && c[i].mem;
			busy = busy || c[i].res;
		}
		if (op->len == 0)
			return EM_EINVAL;
		if (!mem)
			return EM_ENOENT;
		if (busy)
			return EM_EBUSY;
		n0 = c[b].node;
		for (uint64_t i = b; i < e; i++)
			if (c[i].node != n0)
				n0 = EM_NODE_NONE;
		for (uint64_t i = b; i < e; i++)
			c[i].res = true, c[i].label = op->label, c[i].res_node = n0;
		return fits_arrays(m) ? 0 : EM_ENOSPC;
	}
	}
}

/* Calls the library for @op; *@addr receives an allocation's address. */
static int lib_apply(struct earlymem *em, const struct model *m, const struct model_op *op,
		     uint64_t *addr)
{
	uint64_t base = m->off + op->b, len = op->len;
	struct em_request req = {
		.size = op->size,
		.align = op->align,
		.min = op->min,
		.max = op->max,
		.node = op->node >= 0 ? op->node : EM_NODE_ANY,
		.label = op->label,
		.flags = op->up ? EM_ALLOC_BOTTOM_UP : EM_ALLOC_TOP_DOWN,
	};

	switch (op->kind) {
	case MODEL_ADD:
		return em_add_node(em, base, len, op->node, op->flags);
	case MODEL_REMOVE:
		return em_remove(em, base, len);
	case MODEL_RESERVE:
		return em_reserve_label(em, base, len, op->label);
	case MODEL_FREE:
		return em_free(em, base, len);
	case MODEL_MARK:
		return em_mark(em, base, len, op->flags);
	case MODEL_CLEAR:
		return em_clear(em, base, len, op->flags);
	case MODEL_SET_NODE:
		return em_set_node(em, base, len, op->node);
	case MODEL_ALLOC:
		req.flags |= op->flags | (op->node >= 0 ? EM_ALLOC_EXACT_NODE : 0);
		return em_alloc_req(em, &req, addr);
	case MODEL_ALLOC_PREF:
		return em_alloc_req(em, &req, addr);
	case MODEL_TRIM:
		return em_trim(em, op->align);
	case MODEL_CAP:
		return em_cap(em, base, len);
	case MODEL_LIMIT:
		em_limit(em, op->size);
		return 0;
	case MODEL_ALLOC_AT:
	default:
		return em_alloc_at(em, base, len, op->label);
	}
}

bool model_step(struct model *m, struct earlymem *em, const struct model_op *op, int *err)
{
	static struct model saved;
	uint64_t addr = 0;
	int64_t at;
	int want;

	saved = *m;
	want = model_apply(m, op, &at);
	*err = lib_apply(em, m, op, &addr);
	if (*err != want) {
		fprintf(stderr, "model: %s base 0x%llx len %llu: got %d want %d\n",
			model_op_name(op->kind), (unsigned long long)(m->off + op->b),
			(unsigned long long)op->len, *err, want);
		return false;
	}
	if (*err)
		*m = saved;
	if (!*err && (op->kind == MODEL_ALLOC || op->kind == MODEL_ALLOC_PREF) &&
	    addr != m->off + (uint64_t)at) {
		fprintf(stderr, "model: %s of %llu: got 0x%llx want 0x%llx\n",
			model_op_name(op->kind), (unsigned long long)op->size,
			(unsigned long long)addr, (unsigned long long)(m->off + (uint64_t)at));
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------------ */
/* The handoff at the end of a run                                          */

struct call {
	uint64_t base, size;
	int node;
	uint32_t flags;
};

struct calls {
	struct call c[SPACE];
	size_t n;
	bool overflow;
};

static void record_range(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	struct calls *r = ctx;

	if (r->n >= SPACE) {
		r->overflow = true;
		return;
	}
	r->c[r->n++] = (struct call){ base, size, node, flags };
}

static bool stat_eq(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		return true;
	fprintf(stderr, "model: handoff %s: got %llu want %llu\n", what, (unsigned long long)got,
		(unsigned long long)want);
	return false;
}

/*
 * What em_handoff() must do to the model's memory: node by node (then
 * memory without a node), each memory region cut by the reservations; free
 * pieces trimmed to EM_PAGE_SIZE and released (NOMAP never, UNACCEPTED
 * withheld without its callback).
 */
bool model_check_handoff(const struct model *m, struct earlymem *em)
{
	static struct mregion t[SPACE];
	static struct calls got, want;
	const struct em_handoff_ops ops = { .release_range = record_range, .ctx = &got };
	struct em_handoff_stats st;
	uint64_t reserved = 0, trimmed = 0, nomap = 0, withheld = 0, released = 0;
	size_t n = model_table(m, 0, t);
	int err;

	got.n = want.n = 0;
	got.overflow = false;
	for (int node = 0; node <= NODES; node++) {
		int nd = node < NODES ? node : EM_NODE_NONE;

		for (size_t k = 0; k < n; k++) {
			if (t[k].node != nd)
				continue;
			for (uint64_t a = t[k].base; a < t[k].base + t[k].size;) {
				bool res = m->c[a - m->off].res;
				uint64_t e = a;

				while (e < t[k].base + t[k].size && m->c[e - m->off].res == res)
					e++;
				if (res) {
					reserved += e - a;
				} else if (t[k].flags & EM_NOMAP) {
					nomap += e - a;
				} else {
					uint64_t lo = a % EM_PAGE_SIZE ?
							      a - a % EM_PAGE_SIZE + EM_PAGE_SIZE :
							      a;
					uint64_t hi = e - e % EM_PAGE_SIZE;

					if (a > EM_ADDR_END - EM_PAGE_SIZE || lo >= hi) {
						trimmed += e - a;
					} else {
						trimmed += (lo - a) + (e - hi);
						if (t[k].flags & EM_UNACCEPTED) {
							withheld += hi - lo;
						} else {
							released += hi - lo;
							want.c[want.n++] =
								(struct call){ lo, hi - lo, nd,
									       t[k].flags };
						}
					}
				}
				a = e;
			}
		}
	}
	err = em_handoff(em, &ops, &st);
	if (err) {
		fprintf(stderr, "model: em_handoff: %d\n", err);
		return false;
	}
	if (got.overflow || !stat_eq("calls", got.n, want.n))
		return false;
	for (size_t k = 0; k < got.n; k++) {
		if (got.c[k].base != want.c[k].base || got.c[k].size != want.c[k].size ||
		    got.c[k].node != want.c[k].node || got.c[k].flags != want.c[k].flags) {
			fprintf(stderr,
				"model: handoff call %zu: got 0x%llx +%llu node %d flags 0x%x, "
				"want 0x%llx +%llu node %d flags 0x%x\n",
				k, (unsigned long long)got.c[k].base,
				(unsigned long long)got.c[k].size, got.c[k].node, got.c[k].flags,
				(unsigned long long)want.c[k].base,
				(unsigned long long)want.c[k].size, want.c[k].node,
				want.c[k].flags);
			return false;
		}
	}
	return stat_eq("released", st.released_bytes, released) &&
	       stat_eq("reserved", st.reserved_bytes, reserved) &&
	       stat_eq("trimmed", st.trimmed_bytes, trimmed) &&
	       stat_eq("nomap", st.nomap_bytes, nomap) &&
	       stat_eq("withheld", st.withheld_bytes, withheld);
}
