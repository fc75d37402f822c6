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

	out.regions = buf;
	out.cnt = 0;
	out.total_size = 0;
	*self_bytes = 0;
	for (uint32_t i = 0; i < a->cnt; i++) {
		const struct em_region *r = &a->regions[i];

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

static bool resizing;
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

/* The model's answer to an allocation: -1 if nothing fits. */
static int64_t model_find(const struct model *m, uint64_t size, uint64_t align, uint64_t min,
			  uint64_t max, int exact_node, uint32_t flags, bool bottom_up)
{
	int64_t best = -1;

	for (uint64_t i = 0; i + size <= SPACE; i++) {
		uint64_t a = m->off + i;
		bool ok = a % align == 0 && a >= min && a + size <= max;

		for (uint64_t k = 0; ok && k < size; k++) {
			const struct cell *c = &m->c[i + k];

			ok = c->mem && !c->res && eligible(c, flags) && mem_same(c, &m->c[i]) &&
			     (exact_node < 0 || c->node == exact_node);
		}
		if (ok) {
			best = (int64_t)i;
			if (bottom_up)
				break;
		}
	}
	return best;
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

	for (unsigned step = 0; step < steps; step++) {
		uint64_t b = rnd_below(SPACE), len = rnd_below(SPACE - b) + (rnd_below(8) == 0);
		uint64_t base = off + b, small = 1 + rnd_below(24);
		int node = (int)rnd_below(NODES + 1) - 1;
		uint32_t flags = (uint32_t)rnd_below(16) & (uint32_t)rnd_below(16);
		const char *label = labels[rnd_below(4)];
		int op = (int)rnd_below(11), err = 0, want = 0;

		if (len > SPACE - b)
			len = SPACE - b; /* past the end of the space at the very top */
		if (op >= 3 && rnd_below(2))
			len = small < SPACE - b ? small : SPACE - b;
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
			int64_t at = model_find(&m, small, align, min, max, exact, af, up);

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
		if (em.memory.max > max_seen)
			max_seen = em.memory.max;
		if (em.reserved.max > max_seen)
			max_seen = em.reserved.max;
	}
	if (resize)
		sim_fini(&sim);
}

static void test_model_at_zero(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++)
		run(seed, 0, 400, false);
}

static void test_model_with_doubling(void **state)
{
	(void)state;
	max_seen = 0;
	for (uint64_t seed = 2001; seed <= 2030; seed++)
		run(seed, 0, 400, true);
	/* With tiny static arrays the runs must have doubled at least twice. */
	if (EM_STATIC_REGIONS <= 8)
		assert_true(max_seen >= 4 * EM_STATIC_REGIONS);
}

static void test_model_at_top_of_address_space(void **state)
{
	(void)state;
	for (uint64_t seed = 1001; seed <= 1040; seed++)
		run(seed, EM_ADDR_END - SPACE, 400, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_at_zero),
		cmocka_unit_test(test_model_at_top_of_address_space),
		cmocka_unit_test(test_model_with_doubling),
	};

	return cmocka_run_group_tests_name("test_model", tests, NULL, NULL);
}
