// SPDX-License-Identifier: MIT
/*
 * Randomized differential test against an obviously correct model: one
 * cell per byte of a small address space, each knowing whether it is
 * memory (with node and flags) and whether it is reserved (with label and
 * node). After every operation the library's tables must equal the
 * canonical tables the model implies (maximal runs of equal cells), the
 * error codes must agree, and em_check() must be clean. The space sits
 * at 0 and again at the very top of the address space, ending exactly at
 * EM_ADDR_END. Without resizing the static array limit (and the exact
 * EM_ENOSPC contract) is exercised; with resizing, the arrays double into
 * a separate stretch of simulated memory above the model's space, which
 * the comparison leaves out after checking it holds exactly the arrays.
 */
#include "common.h"

#include <earlymem/handoff.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE 384u
#define NODES 3

struct cell {
	bool mem;
	uint32_t flags;
	int node;
	bool res;
	int res_node;
	const char *label;
};

struct model {
	uint64_t off;
	struct cell c[SPACE];
};

static const char *const labels[] = { NULL, "kernel", "initrd", "acpi" };

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seeds give the same sequence everywhere */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static bool mem_same(const struct cell *a, const struct cell *b)
{
	return a->flags == b->flags && a->node == b->node;
}

static bool res_same(const struct cell *a, const struct cell *b)
{
	return a->res_node == b->res_node &&
	       (a->label == b->label || (a->label && b->label && !strcmp(a->label, b->label)));
}

/* Builds the canonical table of memory (which=0) or reserved (which=1). */
static size_t model_table(const struct model *m, int which, struct exp_region *out)
{
	size_t n = 0;

	for (uint32_t i = 0; i < SPACE;) {
		const struct cell *c = &m->c[i];
		bool in = which ? c->res : c->mem;
		uint32_t j = i + 1;

		if (!in) {
			i++;
			continue;
		}
		while (j < SPACE && (which ? m->c[j].res && res_same(c, &m->c[j]) :
					     m->c[j].mem && mem_same(c, &m->c[j])))
			j++;
		out[n++] = (struct exp_region){
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

/* Where the arrays double to in the resizing runs: far above the space at 0. */
#define SIM_BASE (1ull << 30)
#define SIM_SIZE (4ull << 20)

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
		const struct em_region *r = REGION(a, i);

		if (r->base >= SIM_BASE && r->base < SIM_BASE + SIM_SIZE) {
			*self_bytes += r->size;
			continue;
		}
		buf[out.cnt++] = *r;
		out.total_size += r->size;
	}
	return out;
}

static void compare(const struct model *m, const struct earlymem *em, bool resize)
{
	static struct exp_region exp[SPACE];
	static struct em_region buf[SPACE + 8];
	struct em_array mem = em->memory, res = em->reserved;
	uint64_t sim_mem, sim_res;
	size_t n;

	assert_check(em);
	if (resize) {
		mem = outside_sim(&em->memory, buf, &sim_mem);
		assert_int_equal(sim_mem, SIM_SIZE);
	}
	n = model_table(m, 0, exp);
	assert_table(&mem, exp, n);
	if (resize) {
		/* Only the doubled arrays live in the simulated area. */
		res = outside_sim(&em->reserved, buf, &sim_res);
		assert_int_equal(sim_res, em->memory.bytes + em->reserved.bytes);
	}
	n = model_table(m, 1, exp);
	assert_table(&res, exp, n);
}

/* Free runs: free cells of one memory region (equal attributes), touching. */
static size_t model_free(const struct model *m, struct exp_region *out)
{
	size_t n = 0;

	for (uint32_t i = 0; i < SPACE;) {
		const struct cell *c = &m->c[i];
		uint32_t j = i + 1;

		if (!c->mem || c->res) {
			i++;
			continue;
		}
		while (j < SPACE && m->c[j].mem && !m->c[j].res && mem_same(c, &m->c[j]))
			j++;
		out[n++] = (struct exp_region){ m->off + i, j - i, c->flags, c->node, NULL };
		i = j;
	}
	return n;
}

/* The free-range walks, forward and reverse, against the model (no simulated memory). */
static void compare_free_walks(const struct model *m, const struct earlymem *em)
{
	static struct exp_region exp[SPACE];
	size_t n = model_free(m, exp), k = 0;
	struct em_iter it;

	em_for_each_free_range(it, em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		assert_true(k < n);
		assert_int_equal(it.base, exp[k].base);
		assert_int_equal(it.size, exp[k].size);
		assert_int_equal(it.flags, exp[k].flags);
		assert_int_equal(it.node, exp[k].node);
		k++;
	}
	assert_int_equal(k, n);
	em_for_each_free_range_rev(it, em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		assert_true(k > 0);
		k--;
		assert_int_equal(it.base, exp[k].base);
		assert_int_equal(it.size, exp[k].size);
	}
	assert_int_equal(k, 0);
}

static bool resizing;

/*
 * The fixed budget of make test: (100 + 100 + 60) seeds of STEPS operations,
 * about 130,000 operations per build (two builds run it). EM_MODEL_SOAK=N
 * multiplies the seeds.
 */
#define STEPS 500u
static uint64_t soak = 1;

/* Where the run is, for the message on failure. */
static uint64_t cur_seed, cur_off;
static unsigned cur_step;
static uint32_t max_seen; /* largest array max reached */

static bool fits_arrays(const struct model *m)
{
	static struct exp_region exp[SPACE];

	if (resizing)
		return true;
	return model_table(m, 0, exp) <= EM_STATIC_REGIONS &&
	       model_table(m, 1, exp) <= EM_STATIC_REGIONS;
}

static bool eligible(const struct cell *c, uint32_t flags)
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
			const struct cell *c = &m->c[i + k];

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

/* ---- the handoff at the end of a run, against the model ---- */

struct call {
	uint64_t base, size;
	int node;
	uint32_t flags;
};

struct calls {
	struct call c[SPACE];
	size_t n;
};

static void record_range(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	struct calls *r = ctx;

	assert_true(r->n < SPACE);
	r->c[r->n++] = (struct call){ base, size, node, flags };
}

/*
 * What em_handoff() must do to the model's memory: node by node (then
 * memory without a node), each memory region cut by the reservations; free
 * pieces trimmed to EM_PAGE_SIZE and released (NOMAP never, UNACCEPTED
 * withheld without its callback).
 */
static void check_handoff(const struct model *m, struct earlymem *em)
{
	static struct exp_region t[SPACE];
	static struct calls got, want;
	const struct em_handoff_ops ops = { .release_range = record_range, .ctx = &got };
	struct em_handoff_stats st;
	uint64_t reserved = 0, trimmed = 0, nomap = 0, withheld = 0, released = 0;
	size_t n = model_table(m, 0, t);

	got.n = want.n = 0;
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
	assert_int_equal(em_handoff(em, &ops, &st), 0);
	assert_int_equal(got.n, want.n);
	for (size_t k = 0; k < got.n; k++) {
		assert_int_equal(got.c[k].base, want.c[k].base);
		assert_int_equal(got.c[k].size, want.c[k].size);
		assert_int_equal(got.c[k].node, want.c[k].node);
		assert_int_equal(got.c[k].flags, want.c[k].flags);
	}
	assert_int_equal(st.released_bytes, released);
	assert_int_equal(st.reserved_bytes, reserved);
	assert_int_equal(st.trimmed_bytes, trimmed);
	assert_int_equal(st.nomap_bytes, nomap);
	assert_int_equal(st.withheld_bytes, withheld);
}

static void run(uint64_t seed, uint64_t off, unsigned steps, bool resize)
{
	static struct earlymem em;
	static struct model m, saved;
	static struct phys_sim sim;

	rng_state = seed;
	resizing = resize;
	memset(&m, 0, sizeof(m));
	m.off = off;
	if (resize) {
		sim_init(&sim, SIM_BASE, SIM_SIZE);
		setup_em(&em, &sim);
		assert_int_equal(em_add(&em, SIM_BASE, SIM_SIZE), 0);
		assert_int_equal(em_allow_resize(&em), 0);
	} else {
		setup_em(&em, NULL);
	}

	cur_seed = seed;
	cur_off = off;
	for (unsigned step = 0; step < steps; step++) {
		cur_step = step;
		uint64_t b = rnd_below(SPACE), len = rnd_below(SPACE - b) + (rnd_below(8) == 0);
		uint64_t base = off + b, small = 1 + rnd_below(24);
		int node = (int)rnd_below(NODES + 1) - 1;
		uint32_t flags = (uint32_t)rnd_below(16) & (uint32_t)rnd_below(16);
		const char *label = labels[rnd_below(4)];
		int op = (int)rnd_below(15), err = 0, want = 0;

		if (len > SPACE - b)
			len = SPACE - b; /* past the end of the space at the very top */
		if (op >= 3 && op <= 10 && rnd_below(2))
			len = small < SPACE - b ? small : SPACE - b;
		if (resize && (op == 13 || op == 14))
			op = 10; /* cap and limit would cut the simulated memory the arrays use */
		saved = m;
		switch (op) {
		case 0:
		case 1:
			for (uint64_t i = b; i < b + len; i++)
				if (!m.c[i].mem)
					m.c[i] = (struct cell){
						true,	    flags,	     node,
						m.c[i].res, m.c[i].res_node, m.c[i].label
					};
			want = fits_arrays(&m) ? 0 : EM_ENOSPC;
			err = em_add_node(&em, base, len, node, flags);
			break;
		case 2:
			for (uint64_t i = b; i < b + len; i++)
				m.c[i].mem = false, m.c[i].flags = 0, m.c[i].node = 0;
			want = fits_arrays(&m) ? 0 : EM_ENOSPC;
			err = em_remove(&em, base, len);
			break;
		case 3:
			for (uint64_t i = b; i < b + len; i++)
				if (!m.c[i].res)
					m.c[i].res = true, m.c[i].res_node = EM_NODE_NONE,
					m.c[i].label = label;
			want = fits_arrays(&m) ? 0 : EM_ENOSPC;
			err = em_reserve_label(&em, base, len, label);
			break;
		case 4: {
			bool all = true;

			for (uint64_t i = b; i < b + len; i++)
				all = all && m.c[i].res;
			for (uint64_t i = b; all && i < b + len; i++)
				m.c[i].res = false, m.c[i].label = NULL, m.c[i].res_node = 0;
			want = !all ? EM_ENOENT : fits_arrays(&m) ? 0 : EM_ENOSPC;
			err = em_free(&em, base, len);
			break;
		}
		case 5:
		case 6: {
			uint32_t f = flags ? flags : EM_HOTPLUG;

			for (uint64_t i = b; i < b + len; i++)
				if (m.c[i].mem)
					m.c[i].flags = op == 5 ? m.c[i].flags | f :
								 m.c[i].flags & ~f;
			want = fits_arrays(&m) ? 0 : EM_ENOSPC;
			err = op == 5 ? em_mark(&em, base, len, f) : em_clear(&em, base, len, f);
			break;
		}
		case 7:
			for (uint64_t i = b; i < b + len; i++)
				if (m.c[i].mem)
					m.c[i].node = node;
			want = fits_arrays(&m) ? 0 : EM_ENOSPC;
			err = em_set_node(&em, base, len, node);
			break;
		case 8:
		case 9: {
			uint64_t align = 1ull << rnd_below(5), addr = 0;
			uint64_t min = off + rnd_below(SPACE / 2);
			uint64_t max = rnd_below(3) ? EM_ALLOC_ANYWHERE : min + rnd_below(SPACE);

			if (max < min)
				max = EM_ALLOC_ANYWHERE; /* min + x wrapped at the top */
			if (resize && max > off + SPACE)
				max = off + SPACE; /* keep out of the simulated area */
			bool up = op == 9;
			int exact = rnd_below(4) == 0 ? (int)rnd_below(NODES) : -1;
			uint32_t af = (uint32_t)rnd_below(16) & (uint32_t)rnd_below(16);
			struct em_alloc_req req = {
				.size = small,
				.align = align,
				.min = min,
				.max = max,
				.node = exact >= 0 ? exact : EM_NODE_ANY,
				.label = label,
				.flags = af | (up ? EM_ALLOC_BOTTOM_UP : EM_ALLOC_TOP_DOWN) |
					 (exact >= 0 ? EM_ALLOC_EXACT_NODE : 0),
			};
			int64_t at = model_find(&m, small, align, min, max,
						exact >= 0 ? ONLY_NODE : ANY_NODE, exact, af, up);

			if (at < 0) {
				want = EM_ENOMEM;
			} else {
				for (uint64_t i = (uint64_t)at; i < (uint64_t)at + small; i++)
					m.c[i].res = true, m.c[i].label = label,
					m.c[i].res_node = m.c[at].node;
				want = fits_arrays(&m) ? 0 : EM_ENOSPC;
			}
			err = em_alloc_req(&em, &req, &addr);
			if (!err)
				assert_int_equal(addr, off + (uint64_t)at);
			break;
		}
		case 11: {
			/* Preferred node: that node, then the other nodes (one group at the
			 * default distance), then memory without a node. */
			uint64_t align = 1ull << rnd_below(4), addr = 0;
			int pref = (int)rnd_below(NODES);
			bool up = rnd_below(2);
			struct em_alloc_req req = {
				.size = small,
				.align = align,
				.max = resize ? off + SPACE : EM_ALLOC_ANYWHERE,
				.node = pref,
				.label = label,
				.flags = up ? EM_ALLOC_BOTTOM_UP : EM_ALLOC_TOP_DOWN,
			};
			int64_t at = -1;

			for (enum node_mode mode = ONLY_NODE; at < 0 && mode <= NO_NODE; mode++)
				at = model_find(&m, small, align, 0, req.max, mode, pref, 0, up);
			if (at < 0) {
				want = EM_ENOMEM;
			} else {
				for (uint64_t i = (uint64_t)at; i < (uint64_t)at + small; i++)
					m.c[i].res = true, m.c[i].label = label,
					m.c[i].res_node = m.c[at].node;
				want = fits_arrays(&m) ? 0 : EM_ENOSPC;
			}
			err = em_alloc_req(&em, &req, &addr);
			if (!err)
				assert_int_equal(addr, off + (uint64_t)at);
			break;
		}
		case 12: {
			uint64_t align = 1ull << rnd_below(5);
			static struct exp_region t[SPACE];
			size_t n = model_table(&m, 0, t);

			for (size_t k = 0; k < n; k++) {
				uint64_t lo = (t[k].base + align - 1) / align * align;
				uint64_t hi = (t[k].base + t[k].size) / align * align;

				for (uint64_t a = t[k].base; a < t[k].base + t[k].size; a++)
					if (a < lo || a >= hi)
						m.c[a - off].mem = false;
			}
			err = em_trim(&em, align);
			break;
		}
		case 13:
			for (uint64_t i = 0; i < SPACE; i++)
				if (i < b || i >= b + len)
					m.c[i].mem = false;
			err = em_cap(&em, base, len);
			break;
		case 14: {
			uint64_t bytes = rnd_below(SPACE + 1), seen = 0;

			for (uint64_t i = 0; i < SPACE; i++)
				if (m.c[i].mem && seen++ >= bytes)
					m.c[i].mem = false;
			em_limit(&em, bytes);
			break;
		}
		default: {
			bool mem = len > 0, busy = false;

			for (uint64_t i = b; i < b + len; i++) {
				mem = mem && m.c[i].mem;
				busy = busy || m.c[i].res;
			}
			want = len == 0 ? EM_EINVAL : !mem ? EM_ENOENT : busy ? EM_EBUSY : 0;
			if (!want) {
				int n0 = m.c[b].node;

				for (uint64_t i = b; i < b + len; i++)
					if (m.c[i].node != n0)
						n0 = EM_NODE_NONE;
				for (uint64_t i = b; i < b + len; i++)
					m.c[i].res = true, m.c[i].label = label,
					m.c[i].res_node = n0;
				want = fits_arrays(&m) ? 0 : EM_ENOSPC;
			}
			err = em_alloc_at(&em, base, len, label);
			break;
		}
		}
		if (err != want)
			fprintf(stderr,
				"seed %llu off 0x%llx step %u op %d base 0x%llx len %llu: "
				"got %d want %d\n",
				(unsigned long long)seed, (unsigned long long)off, step, op,
				(unsigned long long)base, (unsigned long long)len, err, want);
		assert_int_equal(err, want);
		if (err)
			m = saved;
		compare(&m, &em, resize);
		if (!resize)
			compare_free_walks(&m, &em);
		if (em.memory.max > max_seen)
			max_seen = em.memory.max;
		if (em.reserved.max > max_seen)
			max_seen = em.reserved.max;
	}
	cur_step = steps; /* the handoff after the last step */
	if (resize)
		sim_fini(&sim);
	else
		check_handoff(&m, &em);
}

static void test_model_at_zero(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 100 * soak; seed++)
		run(seed, 0, STEPS, false);
}

static void test_model_with_doubling(void **state)
{
	(void)state;
	max_seen = 0;
	for (uint64_t seed = 2001; seed <= 2000 + 60 * soak; seed++)
		run(seed, 0, STEPS, true);
	/* With tiny static arrays the runs must have doubled at least twice. */
	if (EM_STATIC_REGIONS <= 8)
		assert_true(max_seen >= 4 * EM_STATIC_REGIONS);
}

static void test_model_at_top_of_address_space(void **state)
{
	(void)state;
	for (uint64_t seed = 1001; seed <= 1000 + 100 * soak; seed++)
		run(seed, EM_ADDR_END - SPACE, STEPS, false);
}

int main(void)
{
	const char *env = getenv("EM_MODEL_SOAK");
	int failed;

	/* make model-soak SEEDS=N: N times the seeds of make test's fixed budget */
	if (env && atoi(env) > 0)
		soak = (uint64_t)atoi(env);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_at_zero),
		cmocka_unit_test(test_model_at_top_of_address_space),
		cmocka_unit_test(test_model_with_doubling),
	};

	failed = cmocka_run_group_tests_name("test_model", tests, NULL, NULL);
	if (failed)
		fprintf(stderr,
			"test_model: failed at seed %llu, offset 0x%llx, step %u: the operations "
			"of steps 0..%u of that seed (the shortest failing prefix) reproduce it\n",
			(unsigned long long)cur_seed, (unsigned long long)cur_off, cur_step,
			cur_step);
	return failed;
}
