/* SPDX-License-Identifier: MIT */
/*
 * Iterators: em_for_each_mem_range, em_for_each_reserved_range,
 * em_for_each_free_range, em_for_each_free_range_rev and
 * em_for_each_pfn_range. Each test collects what a walk yields
 * (base, size, node, flags, label) and compares it with an exact list.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

#define N EM_NODE_NONE
#define MAXR 64

struct walk {
	struct exp_region r[MAXR];
	uint64_t start_pfn[MAXR], end_pfn[MAXR];
	size_t n;
};

static void record(struct walk *w, const struct em_iter *it)
{
	assert_true(w->n < MAXR);
	w->r[w->n] = (struct exp_region){ it->base, it->size, it->flags, it->node, it->label };
	w->start_pfn[w->n] = it->start_pfn;
	w->end_pfn[w->n] = it->end_pfn;
	w->n++;
}

static void walk_mem(struct walk *w, const struct earlymem *em, int node, uint32_t flags)
{
	struct em_iter it;

	w->n = 0;
	em_for_each_mem_range(it, em, node, flags)
		record(w, &it);
}

static void walk_reserved(struct walk *w, const struct earlymem *em)
{
	struct em_iter it;

	w->n = 0;
	em_for_each_reserved_range(it, em)
		record(w, &it);
}

static void walk_free(struct walk *w, const struct earlymem *em, int node, uint32_t flags)
{
	struct em_iter it;

	w->n = 0;
	em_for_each_free_range(it, em, node, flags)
		record(w, &it);
}

static void walk_free_rev(struct walk *w, const struct earlymem *em, int node, uint32_t flags)
{
	struct em_iter it;

	w->n = 0;
	em_for_each_free_range_rev(it, em, node, flags)
		record(w, &it);
}

static void walk_pfn(struct walk *w, const struct earlymem *em, int node, uint32_t flags)
{
	struct em_iter it;

	w->n = 0;
	em_for_each_pfn_range(it, em, node, flags)
		record(w, &it);
}

static bool label_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void print_list(const char *what, const struct exp_region *r, size_t n)
{
	fprintf(stderr, "%s: %zu ranges\n", what, n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  [%zu] 0x%llx +0x%llx flags 0x%x node %d label %s\n", i,
			(unsigned long long)r[i].base, (unsigned long long)r[i].size, r[i].flags,
			r[i].node, r[i].label ? r[i].label : "(null)");
}

static void assert_walk(const struct walk *w, const struct exp_region *exp, size_t n)
{
	bool ok = w->n == n;

	for (size_t i = 0; ok && i < n; i++)
		ok = w->r[i].base == exp[i].base && w->r[i].size == exp[i].size &&
		     w->r[i].flags == exp[i].flags && w->r[i].node == exp[i].node &&
		     label_eq(w->r[i].label, exp[i].label);
	if (!ok) {
		print_list("walk yielded", w->r, w->n);
		print_list("expected", exp, n);
	}
	assert_true(ok);
}

#define ASSERT_WALK(w, ...)                                       \
	do {                                                      \
		const struct exp_region e_[] = { __VA_ARGS__ };   \
		assert_walk((w), e_, sizeof(e_) / sizeof(e_[0])); \
	} while (0)
#define ASSERT_WALK_EMPTY(w) assert_walk((w), NULL, 0)

/* The exact reverse of @fwd. */
static void assert_reverse(const struct walk *rev, const struct walk *fwd)
{
	struct exp_region r[MAXR];

	for (size_t i = 0; i < fwd->n; i++)
		r[i] = fwd->r[fwd->n - 1 - i];
	assert_walk(rev, r, fwd->n);
}

/* ---- empty instance ------------------------------------------------------ */

static void test_empty_instance_yields_nothing(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	walk_mem(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
	walk_reserved(&w, &em);
	ASSERT_WALK_EMPTY(&w);
	walk_free(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
	walk_free_rev(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
	walk_pfn(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
}

static void test_reserved_only_no_free_ranges(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	reserve(&em, 0x1000, 0x1000, "fw");
	walk_free(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
	walk_free_rev(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
	walk_mem(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
	walk_reserved(&w, &em);
	ASSERT_WALK(&w, { 0x1000, 0x1000, 0, N, "fw" });
}

/* ---- memory and reserved walks -------------------------------------------- */

static void test_mem_ranges_all(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	add(&em, 0x20000, 0x1000, 1, 0);
	add(&em, 0, 0x1000, N, 0);
	add(&em, 0x21000, 0x1000, 2, EM_HOTPLUG);
	add(&em, 0xffffffffffff0000ull, 0xffff, 3, EM_MIRROR);
	reserve(&em, 0, 0x100000, "ignored-by-memory-walk");
	walk_mem(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK(&w, { 0, 0x1000, 0, N, NULL }, { 0x20000, 0x1000, 0, 1, NULL },
		    { 0x21000, 0x1000, EM_HOTPLUG, 2, NULL },
		    { 0xffffffffffff0000ull, 0xffff, EM_MIRROR, 3, NULL });
}

static void test_reserved_ranges_exact(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, 1, 0);
	reserve(&em, 0x30000, 0x1000, "out");
	reserve(&em, 0, 0x1000, "zero");
	reserve(&em, 0x10000, 0x1000, "a");
	reserve(&em, 0x11000, 0x1000, "b");
	reserve(&em, 0x12000, 0x1000, NULL);
	reserve(&em, 0xfffffffffffff000ull, 0xfff, "top");
	walk_reserved(&w, &em);
	ASSERT_WALK(&w, { 0, 0x1000, 0, N, "zero" }, { 0x10000, 0x1000, 0, N, "a" },
		    { 0x11000, 0x1000, 0, N, "b" }, { 0x12000, 0x1000, 0, N, NULL },
		    { 0x30000, 0x1000, 0, N, "out" },
		    { 0xfffffffffffff000ull, 0xfff, 0, N, "top" });
}

static void test_reserved_ranges_carry_node_of_allocation(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;
	uint64_t a;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, 4, 0);
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 4, &a), 0);
	assert_check(&em);
	walk_reserved(&w, &em);
	ASSERT_WALK(&w, { 0x1f000, 0x1000, 0, 4, NULL });
}

/* ---- free walks ------------------------------------------------------------- */

/*
 * memory   A [0x0,     0x10000) none
 *          B [0x10000, 0x20000) node 1   (adjacent to A)
 *          C [0x30000, 0x40000) none
 *          D [0x50000, 0x60000) node 2
 *          E [0xffffffffffff0000, EM_ADDR_END) none
 * reserved [0x0, 0x1000) "zero"          touching 0
 *          [0xf000, 0x11000) "straddle"  across the A/B edge
 *          [0x28000, 0x2c000) "gap"      outside memory
 *          [0x2f000, 0x31000) "edge"     across the start of C
 *          [0x34000, 0x35000) "a", [0x35000, 0x36000) "b",
 *          [0x36000, 0x37000) "c"        adjacent, different labels
 *          [0x50000, 0x60000) "full"     all of D
 *          [0xfffffffffffff000, EM_ADDR_END) "top"
 */
static void free_map(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0x0, 0x10000, N, 0);
	add(em, 0x10000, 0x10000, 1, 0);
	add(em, 0x30000, 0x10000, N, 0);
	add(em, 0x50000, 0x10000, 2, 0);
	add(em, 0xffffffffffff0000ull, 0xffff, N, 0);
	reserve(em, 0x0, 0x1000, "zero");
	reserve(em, 0xf000, 0x2000, "straddle");
	reserve(em, 0x28000, 0x4000, "gap");
	reserve(em, 0x2f000, 0x2000, "edge");
	reserve(em, 0x34000, 0x1000, "a");
	reserve(em, 0x35000, 0x1000, "b");
	reserve(em, 0x36000, 0x1000, "c");
	reserve(em, 0x50000, 0x10000, "full");
	reserve(em, 0xfffffffffffff000ull, 0xfff, "top");
}

static void test_free_ranges_memory_minus_reserved(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;
	struct em_snapshot s;

	free_map(&em);
	snap_take(&s, &em);
	walk_free(&w, &em, EM_NODE_ANY, 0);
	snap_assert_same(&s, &em);
	ASSERT_WALK(&w, { 0x1000, 0xe000, 0, N, NULL }, { 0x11000, 0xf000, 0, 1, NULL },
		    { 0x31000, 0x3000, 0, N, NULL }, { 0x37000, 0x9000, 0, N, NULL },
		    { 0xffffffffffff0000ull, 0xf000, 0, N, NULL });
}

static void test_free_ranges_rev_is_exact_reverse(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk fwd, rev;

	free_map(&em);
	walk_free(&fwd, &em, EM_NODE_ANY, 0);
	walk_free_rev(&rev, &em, EM_NODE_ANY, 0);
	assert_int_equal(fwd.n, 5);
	assert_reverse(&rev, &fwd);
}

static void test_free_ranges_touching_zero_and_addr_end(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w, rev;

	setup_em(&em, NULL);
	add(&em, 0, 0x2000, N, 0);
	add(&em, 0xffffffffffffe000ull, 0x1fff, 7, EM_MIRROR);
	walk_free(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0, 0x2000, 0, N, NULL },
		    { 0xffffffffffffe000ull, 0x1fff, EM_MIRROR, 7, NULL });
	walk_free_rev(&rev, &em, EM_NODE_ANY, 0);
	assert_reverse(&rev, &w);
}

static void test_free_ranges_split_at_region_boundaries(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w, rev;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, 0, 0);
	add(&em, 0x11000, 0x1000, 1, 0);
	add(&em, 0x12000, 0x1000, 1, EM_MIRROR);
	walk_free(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0x10000, 0x1000, 0, 0, NULL }, { 0x11000, 0x1000, 0, 1, NULL },
		    { 0x12000, 0x1000, EM_MIRROR, 1, NULL });
	walk_free_rev(&rev, &em, EM_NODE_ANY, 0);
	assert_reverse(&rev, &w);
}

static void test_free_ranges_reservation_covering_several_regions(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w, rev;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, 0, 0);
	add(&em, 0x12000, 0x1000, 1, 0);
	add(&em, 0x14000, 0x1000, 2, 0);
	add(&em, 0x16000, 0x1000, 3, 0);
	reserve(&em, 0x10800, 0x4000, "wide"); /* [0x10800, 0x14800) */
	walk_free(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0x10000, 0x800, 0, 0, NULL }, { 0x14800, 0x800, 0, 2, NULL },
		    { 0x16000, 0x1000, 0, 3, NULL });
	walk_free_rev(&rev, &em, EM_NODE_ANY, 0);
	assert_reverse(&rev, &w);
}

static void test_free_ranges_many_holes_in_one_region(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w, rev;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	reserve(&em, 0x10000, 0x1, "first-byte");
	reserve(&em, 0x12000, 0x1000, "x");
	reserve(&em, 0x14000, 0x1000, "y");
	reserve(&em, 0x1ffff, 0x1, "last-byte");
	walk_free(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0x10001, 0x1fff, 0, N, NULL }, { 0x13000, 0x1000, 0, N, NULL },
		    { 0x15000, 0xafff, 0, N, NULL });
	walk_free_rev(&rev, &em, EM_NODE_ANY, 0);
	assert_reverse(&rev, &w);
}

/*
 * Reservations outside memory, between two memory regions, lie in the same
 * storage run as those inside the first: the free walk's inline step must
 * stop at the first region's end however many there are (0, 1, 2 and 7
 * exercise each way its limit is found).
 */
static void test_free_ranges_reservations_past_region_end(void **state)
{
	(void)state;
	static const unsigned beyond_counts[] = { 0, 1, 2, 7 };

	for (size_t k = 0; k < sizeof(beyond_counts) / sizeof(beyond_counts[0]); k++) {
		unsigned beyond = beyond_counts[k];
		struct earlymem em;
		struct walk w, rev;

		setup_em(&em, NULL);
		add(&em, 0x10000, 0x10000, N, 0);   /* [0x10000, 0x20000) */
		add(&em, 0x100000, 0x10000, N, 0);  /* [0x100000, 0x110000) */
		reserve(&em, 0x11000, 0x1000, "a"); /* three inside the first */
		reserve(&em, 0x13000, 0x1000, "a");
		reserve(&em, 0x15000, 0x1000, "a");
		for (unsigned i = 0; i < beyond; i++) /* outside memory */
			reserve(&em, 0x30000 + i * 0x2000, 0x1000, "out");
		reserve(&em, 0x104000, 0x1000, "b"); /* two inside the second */
		reserve(&em, 0x108000, 0x1000, "b");
		walk_free(&w, &em, EM_NODE_ANY, 0);
		ASSERT_WALK(&w, { 0x10000, 0x1000, 0, N, NULL }, { 0x12000, 0x1000, 0, N, NULL },
			    { 0x14000, 0x1000, 0, N, NULL }, { 0x16000, 0xa000, 0, N, NULL },
			    { 0x100000, 0x4000, 0, N, NULL }, { 0x105000, 0x3000, 0, N, NULL },
			    { 0x109000, 0x7000, 0, N, NULL });
		walk_free_rev(&rev, &em, EM_NODE_ANY, 0);
		assert_reverse(&rev, &w);
	}
}

/* A walk left with break goes on with em_iter_next() where it stopped. */
static void test_free_walk_resumes_after_break(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_iter it;
	struct walk w = { .n = 0 };

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	for (uint64_t i = 1; i <= 7; i++)
		reserve(&em, i * 0x1000, 0x100, "r");
	em_for_each_free_range(it, &em, EM_NODE_ANY, 0) {
		record(&w, &it);
		if (w.n == 3)
			break;
	}
	while (em_iter_next(&it))
		record(&w, &it);
	ASSERT_WALK(&w, { 0, 0x1000, 0, N, NULL }, { 0x1100, 0xf00, 0, N, NULL },
		    { 0x2100, 0xf00, 0, N, NULL }, { 0x3100, 0xf00, 0, N, NULL },
		    { 0x4100, 0xf00, 0, N, NULL }, { 0x5100, 0xf00, 0, N, NULL },
		    { 0x6100, 0xf00, 0, N, NULL }, { 0x7100, 0x8f00, 0, N, NULL });
}

/* continue in a free walk goes on to the next range, as in any loop. */
static void test_free_walk_continue_steps_on(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_iter it;
	struct walk w = { .n = 0 };
	unsigned seen = 0;

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	for (uint64_t i = 1; i <= 7; i++)
		reserve(&em, i * 0x1000, 0x100, "r");
	em_for_each_free_range(it, &em, EM_NODE_ANY, 0) {
		if (seen++ % 2)
			continue;
		record(&w, &it);
	}
	assert_int_equal(seen, 8);
	ASSERT_WALK(&w, { 0, 0x1000, 0, N, NULL }, { 0x2100, 0xf00, 0, N, NULL },
		    { 0x4100, 0xf00, 0, N, NULL }, { 0x6100, 0xf00, 0, N, NULL });
}

/* Two walks nested on one line (as a caller's macro may expand them) shadow nothing. */
#define COUNT_PAIRS(em, n)                                          \
	em_for_each_free_range(outer, (em), EM_NODE_ANY, 0)         \
		em_for_each_free_range(inner, (em), EM_NODE_ANY, 0) \
	(n)++

static void test_free_walks_nested_on_one_line(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_iter outer, inner;
	unsigned n = 0;

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	reserve(&em, 0x1000, 0x1000, "r");
	reserve(&em, 0x3000, 0x1000, "r");
	COUNT_PAIRS(&em, n);
	assert_int_equal(n, 9); /* three ranges, each against all three */
}

static void test_free_ranges_all_reserved(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	add(&em, 0x30000, 0x10000, 1, 0);
	reserve(&em, 0x10000, 0x10000, "one");
	reserve(&em, 0x2f000, 0x12000, "two");
	walk_free(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
	walk_free_rev(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK_EMPTY(&w);
}

/* ---- node filter ------------------------------------------------------------ */

static void test_mem_ranges_node_filter(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	free_map(&em);
	walk_mem(&w, &em, 1, 0);
	ASSERT_WALK(&w, { 0x10000, 0x10000, 0, 1, NULL });
	walk_mem(&w, &em, 2, 0);
	ASSERT_WALK(&w, { 0x50000, 0x10000, 0, 2, NULL });
	walk_mem(&w, &em, 3, 0);
	ASSERT_WALK_EMPTY(&w);
	walk_mem(&w, &em, EM_NODE_NONE, 0);
	ASSERT_WALK(&w, { 0x0, 0x10000, 0, N, NULL }, { 0x30000, 0x10000, 0, N, NULL },
		    { 0xffffffffffff0000ull, 0xffff, 0, N, NULL });
	walk_mem(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0x0, 0x10000, 0, N, NULL }, { 0x10000, 0x10000, 0, 1, NULL },
		    { 0x30000, 0x10000, 0, N, NULL }, { 0x50000, 0x10000, 0, 2, NULL },
		    { 0xffffffffffff0000ull, 0xffff, 0, N, NULL });
}

static void test_free_ranges_node_filter(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w, rev;

	free_map(&em);
	walk_free(&w, &em, 1, 0);
	ASSERT_WALK(&w, { 0x11000, 0xf000, 0, 1, NULL });
	walk_free(&w, &em, 2, 0);
	ASSERT_WALK_EMPTY(&w); /* fully reserved */
	walk_free(&w, &em, EM_NODE_NONE, 0);
	ASSERT_WALK(&w, { 0x1000, 0xe000, 0, N, NULL }, { 0x31000, 0x3000, 0, N, NULL },
		    { 0x37000, 0x9000, 0, N, NULL }, { 0xffffffffffff0000ull, 0xf000, 0, N, NULL });
	walk_free_rev(&rev, &em, EM_NODE_NONE, 0);
	assert_reverse(&rev, &w);
	walk_free_rev(&rev, &em, 1, 0);
	ASSERT_WALK(&rev, { 0x11000, 0xf000, 0, 1, NULL });
}

/* ---- flags filter ------------------------------------------------------------ */

/*
 * [0x10000) plain, [0x20000) HOTPLUG, [0x30000) NOMAP, [0x40000) UNACCEPTED,
 * [0x50000) MIRROR, [0x60000) MIRROR|HOTPLUG; each 0x1000, node none.
 */
static void flag_map(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0x10000, 0x1000, N, 0);
	add(em, 0x20000, 0x1000, N, EM_HOTPLUG);
	add(em, 0x30000, 0x1000, N, EM_NOMAP);
	add(em, 0x40000, 0x1000, N, EM_UNACCEPTED);
	add(em, 0x50000, 0x1000, N, EM_MIRROR);
	add(em, 0x60000, 0x1000, N, EM_MIRROR | EM_HOTPLUG);
}

#define R_PLAIN                             \
	{                                   \
		0x10000, 0x1000, 0, N, NULL \
	}
#define R_HOTPLUG                                    \
	{                                            \
		0x20000, 0x1000, EM_HOTPLUG, N, NULL \
	}
#define R_NOMAP                                    \
	{                                          \
		0x30000, 0x1000, EM_NOMAP, N, NULL \
	}
#define R_UNACC                                         \
	{                                               \
		0x40000, 0x1000, EM_UNACCEPTED, N, NULL \
	}
#define R_MIRROR                                    \
	{                                           \
		0x50000, 0x1000, EM_MIRROR, N, NULL \
	}
#define R_MIRHOT                                                 \
	{                                                        \
		0x60000, 0x1000, EM_MIRROR | EM_HOTPLUG, N, NULL \
	}

static void test_mem_ranges_flags_filter(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	flag_map(&em);
	walk_mem(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, R_PLAIN, R_MIRROR);
	walk_mem(&w, &em, EM_NODE_ANY, EM_HOTPLUG);
	ASSERT_WALK(&w, R_PLAIN, R_HOTPLUG, R_MIRROR, R_MIRHOT);
	walk_mem(&w, &em, EM_NODE_ANY, EM_NOMAP);
	ASSERT_WALK(&w, R_PLAIN, R_NOMAP, R_MIRROR);
	walk_mem(&w, &em, EM_NODE_ANY, EM_UNACCEPTED);
	ASSERT_WALK(&w, R_PLAIN, R_UNACC, R_MIRROR);
	walk_mem(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK(&w, R_PLAIN, R_HOTPLUG, R_NOMAP, R_UNACC, R_MIRROR, R_MIRHOT);
	walk_mem(&w, &em, EM_NODE_ANY, EM_MIRROR);
	ASSERT_WALK(&w, R_MIRROR);
	walk_mem(&w, &em, EM_NODE_ANY, EM_MIRROR | EM_HOTPLUG);
	ASSERT_WALK(&w, R_MIRROR, R_MIRHOT);
}

static void test_free_ranges_flags_filter(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w, rev;

	flag_map(&em);
	reserve(&em, 0x10800, 0x800, "r");
	walk_free(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0x10000, 0x800, 0, N, NULL }, R_MIRROR);
	walk_free(&w, &em, EM_NODE_ANY, EM_NOMAP | EM_UNACCEPTED);
	ASSERT_WALK(&w, { 0x10000, 0x800, 0, N, NULL }, R_NOMAP, R_UNACC, R_MIRROR);
	walk_free_rev(&rev, &em, EM_NODE_ANY, EM_NOMAP | EM_UNACCEPTED);
	assert_reverse(&rev, &w);
	walk_free(&w, &em, EM_NODE_ANY, EM_MIRROR);
	ASSERT_WALK(&w, R_MIRROR);
	walk_free(&w, &em, EM_NODE_ANY, EM_MIRROR | EM_SKIP_FLAGS);
	ASSERT_WALK(&w, R_MIRROR, R_MIRHOT);
	walk_free_rev(&rev, &em, EM_NODE_ANY, EM_MIRROR | EM_SKIP_FLAGS);
	assert_reverse(&rev, &w);
}

static void test_free_ranges_node_and_flags_filter_combined(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, 1, 0);
	add(&em, 0x11000, 0x1000, 1, EM_HOTPLUG);
	add(&em, 0x12000, 0x1000, 2, EM_HOTPLUG);
	add(&em, 0x13000, 0x1000, N, EM_HOTPLUG);
	walk_free(&w, &em, 1, EM_HOTPLUG);
	ASSERT_WALK(&w, { 0x10000, 0x1000, 0, 1, NULL }, { 0x11000, 0x1000, EM_HOTPLUG, 1, NULL });
	walk_free(&w, &em, 1, 0);
	ASSERT_WALK(&w, { 0x10000, 0x1000, 0, 1, NULL });
	walk_free(&w, &em, EM_NODE_NONE, EM_HOTPLUG);
	ASSERT_WALK(&w, { 0x13000, 0x1000, EM_HOTPLUG, N, NULL });
	walk_free(&w, &em, EM_NODE_NONE, 0);
	ASSERT_WALK_EMPTY(&w);
}

/* ---- PFN walks ---------------------------------------------------------------- */

static void test_pfn_ranges_whole_pages(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	add(&em, 0x0, 0x1000, N, 0);		/* pfn [0, 1) */
	add(&em, 0x1800, 0x2000, 1, 0);		/* [0x1800, 0x3800): pfn [2, 3) */
	add(&em, 0x4100, 0xe00, N, 0);		/* inside page 4: skipped */
	add(&em, 0x5000, 0x1000, 2, EM_MIRROR); /* pfn [5, 6) */
	add(&em, 0x7001, 0x2fff, N, 0);		/* [0x7001, 0xa000): pfn [8, 10) */
	reserve(&em, 0x0, 0x100000, "pfn-walks-ignore-reservations");
	walk_pfn(&w, &em, EM_NODE_ANY, EM_SKIP_FLAGS);
	ASSERT_WALK(&w, { 0x0, 0x1000, 0, N, NULL }, { 0x2000, 0x1000, 0, 1, NULL },
		    { 0x5000, 0x1000, EM_MIRROR, 2, NULL }, { 0x8000, 0x2000, 0, N, NULL });
	assert_int_equal(w.start_pfn[0], 0);
	assert_int_equal(w.end_pfn[0], 1);
	assert_int_equal(w.start_pfn[1], 2);
	assert_int_equal(w.end_pfn[1], 3);
	assert_int_equal(w.start_pfn[2], 5);
	assert_int_equal(w.end_pfn[2], 6);
	assert_int_equal(w.start_pfn[3], 8);
	assert_int_equal(w.end_pfn[3], 10);
}

static void test_pfn_ranges_adjacent_regions_separate(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	add(&em, 0x10800, 0x1800, 0, 0); /* [0x10800, 0x12000): pfn [0x11, 0x12) */
	add(&em, 0x12000, 0x1800, 1, 0); /* [0x12000, 0x13800): pfn [0x12, 0x13) */
	walk_pfn(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0x11000, 0x1000, 0, 0, NULL }, { 0x12000, 0x1000, 0, 1, NULL });
	assert_int_equal(w.start_pfn[0], 0x11);
	assert_int_equal(w.end_pfn[0], 0x12);
	assert_int_equal(w.start_pfn[1], 0x12);
	assert_int_equal(w.end_pfn[1], 0x13);
}

static void test_pfn_ranges_at_addr_end(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	add(&em, 0xffffffffffffd800ull, 0x27ff, N, 0); /* ends at EM_ADDR_END */
	walk_pfn(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0xffffffffffffe000ull, 0x1000, 0, N, NULL });
	assert_int_equal(w.start_pfn[0], 0xffffffffffffeull);
	assert_int_equal(w.end_pfn[0], 0xfffffffffffffull);
}

static void test_pfn_ranges_filters(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk w;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x2000, 1, 0);
	add(&em, 0x20000, 0x2000, 1, EM_HOTPLUG);
	add(&em, 0x30000, 0x2000, N, 0);
	add(&em, 0x40000, 0x2000, 2, EM_MIRROR);
	walk_pfn(&w, &em, 1, 0);
	ASSERT_WALK(&w, { 0x10000, 0x2000, 0, 1, NULL });
	assert_int_equal(w.start_pfn[0], 0x10);
	assert_int_equal(w.end_pfn[0], 0x12);
	walk_pfn(&w, &em, 1, EM_SKIP_FLAGS);
	ASSERT_WALK(&w, { 0x10000, 0x2000, 0, 1, NULL }, { 0x20000, 0x2000, EM_HOTPLUG, 1, NULL });
	walk_pfn(&w, &em, EM_NODE_NONE, EM_SKIP_FLAGS);
	ASSERT_WALK(&w, { 0x30000, 0x2000, 0, N, NULL });
	assert_int_equal(w.start_pfn[0], 0x30);
	assert_int_equal(w.end_pfn[0], 0x32);
	walk_pfn(&w, &em, EM_NODE_ANY, EM_MIRROR);
	ASSERT_WALK(&w, { 0x40000, 0x2000, EM_MIRROR, 2, NULL });
	walk_pfn(&w, &em, EM_NODE_ANY, 0);
	ASSERT_WALK(&w, { 0x10000, 0x2000, 0, 1, NULL }, { 0x30000, 0x2000, 0, N, NULL },
		    { 0x40000, 0x2000, EM_MIRROR, 2, NULL });
}

/* ---- the iterator API directly ---------------------------------------------- */

static void test_iter_next_stays_false_after_end(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_iter it;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, N, 0);
	em_iter_init(&it, &em, EM_ITER_FREE, EM_NODE_ANY, 0);
	assert_true(em_iter_next(&it));
	assert_int_equal(it.base, 0x10000);
	assert_int_equal(it.size, 0x1000);
	assert_false(em_iter_next(&it));
	assert_false(em_iter_next(&it));
	em_iter_init(&it, &em, EM_ITER_FREE_REV, EM_NODE_ANY, 0);
	assert_true(em_iter_next(&it));
	assert_int_equal(it.base, 0x10000);
	assert_false(em_iter_next(&it));
	assert_false(em_iter_next(&it));
}

static void test_free_walk_matches_allocation_order(void **state)
{
	(void)state;
	struct earlymem em;
	struct walk rev;
	uint64_t a;

	/* top-down allocation takes the top of the first reverse free range */
	free_map(&em);
	walk_free_rev(&rev, &em, EM_NODE_ANY, 0);
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, rev.r[0].base + rev.r[0].size - 0x1000);
	assert_int_equal(a, 0xffffffffffffe000ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_instance_yields_nothing),
		cmocka_unit_test(test_reserved_only_no_free_ranges),
		cmocka_unit_test(test_mem_ranges_all),
		cmocka_unit_test(test_reserved_ranges_exact),
		cmocka_unit_test(test_reserved_ranges_carry_node_of_allocation),
		cmocka_unit_test(test_free_ranges_memory_minus_reserved),
		cmocka_unit_test(test_free_ranges_rev_is_exact_reverse),
		cmocka_unit_test(test_free_ranges_touching_zero_and_addr_end),
		cmocka_unit_test(test_free_ranges_split_at_region_boundaries),
		cmocka_unit_test(test_free_ranges_reservation_covering_several_regions),
		cmocka_unit_test(test_free_ranges_many_holes_in_one_region),
		cmocka_unit_test(test_free_ranges_reservations_past_region_end),
		cmocka_unit_test(test_free_walk_resumes_after_break),
		cmocka_unit_test(test_free_walk_continue_steps_on),
		cmocka_unit_test(test_free_walks_nested_on_one_line),
		cmocka_unit_test(test_free_ranges_all_reserved),
		cmocka_unit_test(test_mem_ranges_node_filter),
		cmocka_unit_test(test_free_ranges_node_filter),
		cmocka_unit_test(test_mem_ranges_flags_filter),
		cmocka_unit_test(test_free_ranges_flags_filter),
		cmocka_unit_test(test_free_ranges_node_and_flags_filter_combined),
		cmocka_unit_test(test_pfn_ranges_whole_pages),
		cmocka_unit_test(test_pfn_ranges_adjacent_regions_separate),
		cmocka_unit_test(test_pfn_ranges_at_addr_end),
		cmocka_unit_test(test_pfn_ranges_filters),
		cmocka_unit_test(test_iter_next_stays_false_after_end),
		cmocka_unit_test(test_free_walk_matches_allocation_order),
	};

	return cmocka_run_group_tests_name("test_iter", tests, NULL, NULL);
}
