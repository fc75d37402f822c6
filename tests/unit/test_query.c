/* SPDX-License-Identifier: MIT */
/*
 * Queries and whole-map edits: em_is_memory/em_is_reserved/em_is_free, the
 * range queries, em_node_of, the size totals, em_memory_bounds, em_trim,
 * em_cap and em_limit.
 */
#include "common.h"

#define N EM_NODE_NONE
#define TOPB 0xfffffffffffffffeull /* the last byte a range may hold */

/* Queries must not change anything: run @stmt between a snapshot and a compare. */
#define NO_CHANGE(em, stmt)                  \
	do {                                 \
		struct em_snapshot s_;       \
		snap_take(&s_, (em));        \
		stmt;                        \
		snap_assert_same(&s_, (em)); \
	} while (0)

/* ---- point queries ------------------------------------------------------- */

static void test_is_memory_region_edges(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x1000, N, 0);
	add(&em, 0x5000, 0x800, 1, EM_HOTPLUG);
	NO_CHANGE(&em, {
		assert_false(em_is_memory(&em, 0xfff));
		assert_true(em_is_memory(&em, 0x1000));
		assert_true(em_is_memory(&em, 0x1fff));
		assert_false(em_is_memory(&em, 0x2000));
		assert_false(em_is_memory(&em, 0x4fff));
		assert_true(em_is_memory(&em, 0x5000));
		assert_true(em_is_memory(&em, 0x57ff));
		assert_false(em_is_memory(&em, 0x5800));
		assert_false(em_is_memory(&em, 0));
		assert_false(em_is_memory(&em, UINT64_MAX));
	});
}

static void test_is_memory_at_zero_and_top(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	assert_false(em_is_memory(&em, 0));
	assert_false(em_is_memory(&em, TOPB));
	add(&em, 0, 0x1000, N, 0);
	add(&em, 0xfffffffffffff000ull, 0xfff, N, 0);
	assert_true(em_is_memory(&em, 0));
	assert_true(em_is_memory(&em, 0xfffffffffffff000ull));
	assert_true(em_is_memory(&em, TOPB));
	assert_false(em_is_memory(&em, UINT64_MAX));
	assert_false(em_is_memory(&em, 0x1000));
	assert_false(em_is_memory(&em, 0xffffffffffffefffull));
}

static void test_is_reserved_edges_and_outside_memory(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	reserve(&em, 0x12000, 0x1000, "in");
	reserve(&em, 0x40000, 0x1000, "out"); /* not memory */
	assert_false(em_is_reserved(&em, 0x11fff));
	assert_true(em_is_reserved(&em, 0x12000));
	assert_true(em_is_reserved(&em, 0x12fff));
	assert_false(em_is_reserved(&em, 0x13000));
	assert_false(em_is_reserved(&em, 0x3ffff));
	assert_true(em_is_reserved(&em, 0x40000));
	assert_true(em_is_reserved(&em, 0x40fff));
	assert_false(em_is_reserved(&em, 0x41000));
	assert_false(em_is_reserved(&em, 0));
	assert_false(em_is_reserved(&em, UINT64_MAX));
}

static void test_is_free_is_memory_minus_reserved(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	reserve(&em, 0x12000, 0x1000, "in");
	reserve(&em, 0x40000, 0x1000, "out");
	assert_false(em_is_free(&em, 0xffff));
	assert_true(em_is_free(&em, 0x10000));
	assert_true(em_is_free(&em, 0x11fff));
	assert_false(em_is_free(&em, 0x12000));
	assert_false(em_is_free(&em, 0x12fff));
	assert_true(em_is_free(&em, 0x13000));
	assert_true(em_is_free(&em, 0x1ffff));
	assert_false(em_is_free(&em, 0x20000));
	assert_false(em_is_free(&em, 0x40000)); /* reserved but not memory */
}

static void test_is_free_flagged_memory(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, 2, EM_HOTPLUG | EM_NOMAP | EM_UNACCEPTED | EM_MIRROR);
	assert_true(em_is_free(&em, 0x10000));
	assert_true(em_is_free(&em, 0x10fff));
	assert_false(em_is_free(&em, 0x11000));
}

/* ---- range queries ------------------------------------------------------- */

/*
 * memory   [0x10000, 0x11000) node 0, [0x11000, 0x12000) node 1 (adjacent),
 *          [0x20000, 0x30000) none
 * reserved [0x20000, 0x21000) "a", [0x21000, 0x22000) "b" (adjacent),
 *          [0x24000, 0x25000) "c", [0x50000, 0x51000) "out" (not memory)
 */
static void ranges(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0x10000, 0x1000, 0, 0);
	add(em, 0x11000, 0x1000, 1, 0);
	add(em, 0x20000, 0x10000, N, 0);
	reserve(em, 0x20000, 0x1000, "a");
	reserve(em, 0x21000, 0x1000, "b");
	reserve(em, 0x24000, 0x1000, "c");
	reserve(em, 0x50000, 0x1000, "out");
}

static void test_range_is_memory_across_adjacent_regions(void **state)
{
	(void)state;
	struct earlymem em;

	ranges(&em);
	NO_CHANGE(&em, {
		assert_true(em_range_is_memory(&em, 0x10000, 0x2000));
		assert_true(em_range_is_memory(&em, 0x10fff, 2));
		assert_true(em_range_is_memory(&em, 0x10000, 1));
		assert_true(em_range_is_memory(&em, 0x11fff, 1));
	});
}

static void test_range_is_memory_across_gap_false(void **state)
{
	(void)state;
	struct earlymem em;

	ranges(&em);
	assert_false(em_range_is_memory(&em, 0x11000, 0x10000));
	assert_false(em_range_is_memory(&em, 0x11fff, 2));	 /* last byte outside */
	assert_false(em_range_is_memory(&em, 0xffff, 2));	 /* first byte outside */
	assert_false(em_range_is_memory(&em, 0x10000, 0x20000)); /* contains the gap */
	assert_false(em_range_is_memory(&em, 0x50000, 0x1000));	 /* reserved only */
	assert_true(em_range_is_memory(&em, 0x20000, 0x10000));	 /* reserved memory is memory */
}

static void test_range_is_reserved_every_byte(void **state)
{
	(void)state;
	struct earlymem em;

	ranges(&em);
	assert_true(em_range_is_reserved(&em, 0x20000, 0x2000)); /* "a" + "b" */
	assert_true(em_range_is_reserved(&em, 0x20fff, 2));
	assert_true(em_range_is_reserved(&em, 0x50000, 0x1000));  /* outside memory */
	assert_false(em_range_is_reserved(&em, 0x20000, 0x2001)); /* one byte past */
	assert_false(em_range_is_reserved(&em, 0x1ffff, 2));
	assert_false(em_range_is_reserved(&em, 0x21000, 0x4000)); /* hole before "c" */
	assert_false(em_range_is_reserved(&em, 0x10000, 0x1000));
}

static void test_range_intersects_reserved_any_byte(void **state)
{
	(void)state;
	struct earlymem em;

	ranges(&em);
	assert_true(em_range_intersects_reserved(&em, 0x22000, 0x2001));  /* last byte in "c" */
	assert_false(em_range_intersects_reserved(&em, 0x22000, 0x2000)); /* ends at "c" */
	assert_true(em_range_intersects_reserved(&em, 0x24fff, 0x1000));  /* first byte in "c" */
	assert_false(em_range_intersects_reserved(&em, 0x25000, 0x1000)); /* starts after "c" */
	assert_true(em_range_intersects_reserved(&em, 0x0, 0x100000));	  /* contains all */
	assert_true(em_range_intersects_reserved(&em, 0x50800, 1));
	assert_false(em_range_intersects_reserved(&em, 0x10000, 0x2000));
}

static void test_range_is_free(void **state)
{
	(void)state;
	struct earlymem em;

	ranges(&em);
	assert_true(em_range_is_free(&em, 0x10000, 0x2000)); /* across adjacent regions */
	assert_true(em_range_is_free(&em, 0x22000, 0x2000));
	assert_true(em_range_is_free(&em, 0x25000, 0xb000));
	assert_false(em_range_is_free(&em, 0x22000, 0x2001)); /* one reserved byte */
	assert_false(em_range_is_free(&em, 0x21fff, 2));
	assert_false(em_range_is_free(&em, 0x11000, 0x1001)); /* one non-memory byte */
	assert_false(em_range_is_free(&em, 0x50000, 0x1000)); /* reserved, not memory */
	assert_false(em_range_is_free(&em, 0x60000, 0x1000)); /* nothing */
}

static void test_range_queries_size_zero_false(void **state)
{
	(void)state;
	struct earlymem em;

	ranges(&em);
	assert_false(em_range_is_memory(&em, 0x10000, 0));
	assert_false(em_range_is_reserved(&em, 0x20000, 0));
	assert_false(em_range_intersects_reserved(&em, 0x20000, 0));
	assert_false(em_range_is_free(&em, 0x10000, 0));
}

static void test_range_queries_wrapping_false(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0, 0x1000, N, 0);
	add(&em, 0xfffffffffffff000ull, 0xfff, N, 0);
	reserve(&em, 0xfffffffffffff000ull, 0xfff, "top");
	reserve(&em, 0, 0x10, "zero");
	/* these would wrap around to address 0, which is memory and reserved */
	assert_false(em_range_is_memory(&em, 0xfffffffffffff000ull, 0x1010));
	assert_false(em_range_is_reserved(&em, 0xfffffffffffff000ull, 0x1010));
	assert_false(em_range_intersects_reserved(&em, 0xfffffffffffff000ull, 0x1010));
	assert_false(em_range_intersects_reserved(&em, UINT64_MAX, 2));
	assert_false(em_range_is_free(&em, UINT64_MAX, 0x20));
	/* passing EM_ADDR_END by one byte */
	assert_false(em_range_is_memory(&em, 0xfffffffffffff000ull, 0x1000));
	assert_false(em_range_is_reserved(&em, 0xfffffffffffff000ull, 0x1000));
	assert_false(em_range_intersects_reserved(&em, 0xfffffffffffff000ull, 0x1000));
	assert_false(em_range_is_memory(&em, 1, UINT64_MAX));
}

static void test_range_queries_up_to_addr_end(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0xfffffffffffff000ull, 0xfff, N, 0);
	reserve(&em, 0xfffffffffffff800ull, 0x7ff, "top");
	assert_true(em_range_is_memory(&em, 0xfffffffffffff000ull, 0xfff));
	assert_true(em_range_is_reserved(&em, 0xfffffffffffff800ull, 0x7ff));
	assert_true(em_range_intersects_reserved(&em, TOPB, 1));
	assert_true(em_range_is_free(&em, 0xfffffffffffff000ull, 0x800));
	assert_false(em_range_is_free(&em, 0xfffffffffffff000ull, 0x801));
}

static void test_range_queries_empty_instance(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	assert_false(em_range_is_memory(&em, 0, 1));
	assert_false(em_range_is_reserved(&em, 0, 1));
	assert_false(em_range_intersects_reserved(&em, 0, UINT64_MAX));
	assert_false(em_range_is_free(&em, 0, 1));
}

/* ---- em_node_of ---------------------------------------------------------- */

static void test_node_of(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, 0, 0);
	add(&em, 0x11000, 0x1000, 5, EM_HOTPLUG);
	add(&em, 0x20000, 0x1000, N, 0);
	reserve(&em, 0x11000, 0x1000, "r");
	assert_int_equal(em_node_of(&em, 0x10000), 0);
	assert_int_equal(em_node_of(&em, 0x10fff), 0);
	assert_int_equal(em_node_of(&em, 0x11000), 5); /* reserved: still memory of node 5 */
	assert_int_equal(em_node_of(&em, 0x11fff), 5);
	assert_int_equal(em_node_of(&em, 0x12000), EM_NODE_NONE); /* not memory */
	assert_int_equal(em_node_of(&em, 0xffff), EM_NODE_NONE);
	assert_int_equal(em_node_of(&em, 0x20000), EM_NODE_NONE); /* memory without node */
	assert_int_equal(em_node_of(&em, UINT64_MAX), EM_NODE_NONE);
}

/* ---- sizes --------------------------------------------------------------- */

static void test_sizes_empty(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	assert_int_equal(em_memory_size(&em), 0);
	assert_int_equal(em_reserved_size(&em), 0);
	assert_int_equal(em_free_size(&em), 0);
}

static void test_sizes_with_overlapping_and_outside_reservations(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	add(&em, 0x40000, 0x10000, 1, EM_HOTPLUG);
	add(&em, 0x60000, 0x1000, 2, EM_NOMAP | EM_UNACCEPTED);
	reserve(&em, 0x0, 0x1000, "outside");	   /* not memory */
	reserve(&em, 0x1f000, 0x3000, "straddle"); /* 0x1000 of it is memory */
	reserve(&em, 0x40000, 0x2000, "inside");   /* all memory */
	reserve(&em, 0x5f800, 0x1000, "half");	   /* 0x800 in node 2 */
	NO_CHANGE(&em, {
		assert_int_equal(em_memory_size(&em), 0x21000);
		assert_int_equal(em_reserved_size(&em), 0x7000);
		assert_int_equal(em_free_size(&em), 0x21000 - 0x1000 - 0x2000 - 0x800);
	});
}

static void test_free_size_reservations_outside_memory_only(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	reserve(&em, 0x0, 0x10000, "below");
	reserve(&em, 0x20000, 0x10000, "above");
	assert_int_equal(em_free_size(&em), 0x10000);
	assert_int_equal(em_reserved_size(&em), 0x20000);
	reserve(&em, 0x10000, 0x10000, "all");
	assert_int_equal(em_free_size(&em), 0);
	assert_int_equal(em_reserved_size(&em), 0x30000);
	assert_int_equal(em_memory_size(&em), 0x10000);
}

static void test_sizes_up_to_addr_end(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0, 0x1000, N, 0);
	add(&em, 0x8000000000000000ull, 0x7fffffffffffffffull, N, 0);
	reserve(&em, 0xfffffffffffff000ull, 0xfff, "top");
	assert_int_equal(em_memory_size(&em), 0x8000000000000fffull);
	assert_int_equal(em_reserved_size(&em), 0xfff);
	assert_int_equal(em_free_size(&em), 0x8000000000000fffull - 0xfff);
}

/* ---- em_memory_bounds ---------------------------------------------------- */

static void test_memory_bounds_empty_enoent(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t lo = 0x1111, end = 0x2222;

	setup_em(&em, NULL);
	reserve(&em, 0x1000, 0x1000, "not-memory");
	EXPECT_RC(&em, em_memory_bounds(&em, &lo, &end), EM_ENOENT);
	assert_int_equal(lo, 0x1111);
	assert_int_equal(end, 0x2222);
}

static void test_memory_bounds(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t lo = 0x1111, end = 0x2222;

	setup_em(&em, NULL);
	add(&em, 0x30000, 0x1000, 1, EM_HOTPLUG);
	add(&em, 0x10000, 0x1000, N, 0);
	add(&em, 0x20000, 0x1000, N, 0);
	reserve(&em, 0x0, 0x100000, "everything");
	NO_CHANGE(&em, assert_int_equal(em_memory_bounds(&em, &lo, &end), 0));
	assert_int_equal(lo, 0x10000);
	assert_int_equal(end, 0x31000);
}

static void test_memory_bounds_zero_and_addr_end(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t lo = 0x1111, end = 0x2222;

	setup_em(&em, NULL);
	add(&em, 0, 1, N, 0);
	add(&em, 0xffffffffffff0000ull, 0xffff, N, 0);
	assert_int_equal(em_memory_bounds(&em, &lo, &end), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(end, EM_ADDR_END);
}

/* ---- em_trim ------------------------------------------------------------- */

static void test_trim_bad_align_einval(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x1800, 0x4000, N, 0);
	EXPECT_RC(&em, em_trim(&em, 0), EM_EINVAL);
	EXPECT_RC(&em, em_trim(&em, 3), EM_EINVAL);
	EXPECT_RC(&em, em_trim(&em, 0x1800), EM_EINVAL);
	EXPECT_RC(&em, em_trim(&em, UINT64_MAX), EM_EINVAL);
}

static void test_trim_shrinks_inward(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x1800, 0x4000, 1, EM_HOTPLUG); /* [0x1800, 0x5800) */
	add(&em, 0x6000, 0x800, N, 0);		 /* no whole page */
	add(&em, 0x7001, 0x1fff, N, EM_MIRROR);	 /* [0x7001, 0x9000) */
	add(&em, 0xa000, 0x1000, 2, 0);		 /* already aligned */
	add(&em, 0xc100, 0x1f00, 3, 0);		 /* [0xc100, 0xe000) */
	reserve(&em, 0x1800, 0x800, "keep");
	assert_int_equal(em_trim(&em, 0x1000), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x2000, 0x3000, EM_HOTPLUG, 1, NULL },
		     { 0x8000, 0x1000, EM_MIRROR, N, NULL }, { 0xa000, 0x1000, 0, 2, NULL },
		     { 0xd000, 0x1000, 0, 3, NULL });
	ASSERT_TABLE(&em.reserved, { 0x1800, 0x800, 0, N, "keep" });
}

static void test_trim_tiny_regions_vanish(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x1001, 0xffe, N, 0);	/* inside one page */
	add(&em, 0x2800, 0x1000, N, 0); /* [0x2800, 0x3800): straddles, no whole page */
	add(&em, 0x5000, 0xfff, N, 0);	/* aligned start, one byte short */
	add(&em, 0x6001, 0xfff, N, 0);	/* aligned end, one byte short */
	assert_int_equal(em_trim(&em, 0x1000), 0);
	assert_check(&em);
	ASSERT_EMPTY(&em.memory);
	assert_int_equal(em_memory_size(&em), 0);
}

static void test_trim_align_one_changes_nothing(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;

	setup_em(&em, NULL);
	add(&em, 0x1001, 0x3, N, 0);
	add(&em, 0x2000, 0x1001, 1, EM_NOMAP);
	snap_take(&s, &em);
	assert_int_equal(em_trim(&em, 1), 0);
	snap_assert_same(&s, &em);
	assert_check(&em);
}

static void test_trim_at_zero_and_addr_end(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0, 0x1fff, N, 0);		       /* [0, 0x1fff) */
	add(&em, 0xffffffffffffd800ull, 0x27ff, N, 0); /* ends at EM_ADDR_END */
	add(&em, 0xfffffffffffff001ull - 0x100000, 0x10, 4, 0);
	assert_int_equal(em_trim(&em, 0x1000), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0, 0x1000, 0, N, NULL },
		     { 0xffffffffffffe000ull, 0x1000, 0, N, NULL });
}

static void test_trim_base_rounding_would_wrap(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, N, 0);
	add(&em, 0xfffffffffffff001ull, 0xffe, N, 0); /* rounding base up wraps to 0 */
	assert_int_equal(em_trim(&em, 0x1000), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x10000, 0x1000, 0, N, NULL });
}

static void test_trim_huge_align(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x10000, N, 0);
	add(&em, 0x7fffffffffff0000ull, 0x7fffffffffff0000ull, 1, 0);
	assert_int_equal(em_trim(&em, 1ull << 62), 0);
	assert_check(&em);
	/* [0x7fffffffffff0000, 0xfffffffffffe0000) holds [2 * 2^62, 3 * 2^62) */
	ASSERT_TABLE(&em.memory, { 0x8000000000000000ull, 1ull << 62, 0, 1, NULL });
}

/* ---- em_cap -------------------------------------------------------------- */

static void three(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0x0, 0x10000, N, 0);
	add(em, 0x20000, 0x10000, 1, EM_HOTPLUG);
	add(em, 0x40000, 0x10000, 2, 0);
	reserve(em, 0x0, 0x1000, "low");
	reserve(em, 0x4f000, 0x2000, "high");
}

static void test_cap_removes_memory_outside(void **state)
{
	(void)state;
	struct earlymem em;

	three(&em);
	assert_int_equal(em_cap(&em, 0x8000, 0x40000), 0); /* [0x8000, 0x48000) */
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x8000, 0x8000, 0, N, NULL },
		     { 0x20000, 0x10000, EM_HOTPLUG, 1, NULL }, { 0x40000, 0x8000, 0, 2, NULL });
	ASSERT_TABLE(&em.reserved, { 0x0, 0x1000, 0, N, "low" }, { 0x4f000, 0x2000, 0, N, "high" });
}

static void test_cap_inside_one_region(void **state)
{
	(void)state;
	struct earlymem em;

	three(&em);
	assert_int_equal(em_cap(&em, 0x21000, 0x1000), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x21000, 0x1000, EM_HOTPLUG, 1, NULL });
}

static void test_cap_covering_everything_changes_nothing(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;

	three(&em);
	snap_take(&s, &em);
	assert_int_equal(em_cap(&em, 0, EM_ADDR_END), 0);
	snap_assert_same(&s, &em);
	snap_take(&s, &em);
	assert_int_equal(em_cap(&em, 0, 0x50000), 0);
	snap_assert_same(&s, &em);
	assert_check(&em);
}

static void test_cap_up_to_addr_end(void **state)
{
	(void)state;
	struct earlymem em;

	three(&em);
	add(&em, 0xffffffffffff0000ull, 0xffff, N, 0);
	assert_int_equal(em_cap(&em, 0x48000, EM_ADDR_END - 0x48000), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x48000, 0x8000, 0, 2, NULL },
		     { 0xffffffffffff0000ull, 0xffff, 0, N, NULL });
}

static void test_cap_outside_all_memory_removes_all(void **state)
{
	(void)state;
	struct earlymem em;

	three(&em);
	assert_int_equal(em_cap(&em, 0x10000, 0x10000), 0); /* exactly the first gap */
	assert_check(&em);
	ASSERT_EMPTY(&em.memory);
	ASSERT_TABLE(&em.reserved, { 0x0, 0x1000, 0, N, "low" }, { 0x4f000, 0x2000, 0, N, "high" });
}

static void test_cap_wrap_erange(void **state)
{
	(void)state;
	struct earlymem em;

	three(&em);
	EXPECT_RC(&em, em_cap(&em, 0x1000, UINT64_MAX), EM_ERANGE);
	EXPECT_RC(&em, em_cap(&em, UINT64_MAX, 1), EM_ERANGE);
	EXPECT_RC(&em, em_cap(&em, 0xfffffffffffff000ull, 0x1000), EM_ERANGE);
}

/* ---- em_limit ------------------------------------------------------------ */

/* memory [0, 0x1000) none, [0x10000, 0x13000) node 1, [0x20000, 0x22000) node 2. */
static void limit_map(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0x0, 0x1000, N, 0);
	add(em, 0x10000, 0x3000, 1, EM_MIRROR);
	add(em, 0x20000, 0x2000, 2, 0);
	reserve(em, 0x21000, 0x10000, "r");
}

static void test_limit_splits_region_where_count_ends(void **state)
{
	(void)state;
	struct earlymem em;

	limit_map(&em);
	em_limit(&em, 0x2800);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x0, 0x1000, 0, N, NULL },
		     { 0x10000, 0x1800, EM_MIRROR, 1, NULL });
	ASSERT_TABLE(&em.reserved, { 0x21000, 0x10000, 0, N, "r" });
	assert_int_equal(em_memory_size(&em), 0x2800);
}

static void test_limit_at_region_boundary(void **state)
{
	(void)state;
	struct earlymem em;

	limit_map(&em);
	em_limit(&em, 0x4000);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x0, 0x1000, 0, N, NULL },
		     { 0x10000, 0x3000, EM_MIRROR, 1, NULL });
}

static void test_limit_one_byte(void **state)
{
	(void)state;
	struct earlymem em;

	limit_map(&em);
	em_limit(&em, 1);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x0, 0x1, 0, N, NULL });
}

static void test_limit_total_or_more_changes_nothing(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;

	limit_map(&em);
	snap_take(&s, &em);
	em_limit(&em, 0x6000);
	snap_assert_same(&s, &em);
	snap_take(&s, &em);
	em_limit(&em, 0x6001);
	snap_assert_same(&s, &em);
	snap_take(&s, &em);
	em_limit(&em, UINT64_MAX);
	snap_assert_same(&s, &em);
	assert_check(&em);
}

static void test_limit_zero_removes_all_memory(void **state)
{
	(void)state;
	struct earlymem em;

	limit_map(&em);
	em_limit(&em, 0);
	assert_check(&em);
	ASSERT_EMPTY(&em.memory);
	ASSERT_TABLE(&em.reserved, { 0x21000, 0x10000, 0, N, "r" });
}

static void test_limit_region_ending_at_addr_end(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x1000, N, 0);
	add(&em, 0xffffffffffff0000ull, 0xffff, N, 0);
	snap_take(&s, &em);
	em_limit(&em, 0x10fff); /* exactly the total */
	snap_assert_same(&s, &em);
	em_limit(&em, 0x10ffe);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x1000, 0x1000, 0, N, NULL },
		     { 0xffffffffffff0000ull, 0xfffe, 0, N, NULL });
}

static void test_limit_empty_instance(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	em_limit(&em, 0);
	em_limit(&em, 0x1000);
	assert_check(&em);
	ASSERT_EMPTY(&em.memory);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_memory_region_edges),
		cmocka_unit_test(test_is_memory_at_zero_and_top),
		cmocka_unit_test(test_is_reserved_edges_and_outside_memory),
		cmocka_unit_test(test_is_free_is_memory_minus_reserved),
		cmocka_unit_test(test_is_free_flagged_memory),
		cmocka_unit_test(test_range_is_memory_across_adjacent_regions),
		cmocka_unit_test(test_range_is_memory_across_gap_false),
		cmocka_unit_test(test_range_is_reserved_every_byte),
		cmocka_unit_test(test_range_intersects_reserved_any_byte),
		cmocka_unit_test(test_range_is_free),
		cmocka_unit_test(test_range_queries_size_zero_false),
		cmocka_unit_test(test_range_queries_wrapping_false),
		cmocka_unit_test(test_range_queries_up_to_addr_end),
		cmocka_unit_test(test_range_queries_empty_instance),
		cmocka_unit_test(test_node_of),
		cmocka_unit_test(test_sizes_empty),
		cmocka_unit_test(test_sizes_with_overlapping_and_outside_reservations),
		cmocka_unit_test(test_free_size_reservations_outside_memory_only),
		cmocka_unit_test(test_sizes_up_to_addr_end),
		cmocka_unit_test(test_memory_bounds_empty_enoent),
		cmocka_unit_test(test_memory_bounds),
		cmocka_unit_test(test_memory_bounds_zero_and_addr_end),
		cmocka_unit_test(test_trim_bad_align_einval),
		cmocka_unit_test(test_trim_shrinks_inward),
		cmocka_unit_test(test_trim_tiny_regions_vanish),
		cmocka_unit_test(test_trim_align_one_changes_nothing),
		cmocka_unit_test(test_trim_at_zero_and_addr_end),
		cmocka_unit_test(test_trim_base_rounding_would_wrap),
		cmocka_unit_test(test_trim_huge_align),
		cmocka_unit_test(test_cap_removes_memory_outside),
		cmocka_unit_test(test_cap_inside_one_region),
		cmocka_unit_test(test_cap_covering_everything_changes_nothing),
		cmocka_unit_test(test_cap_up_to_addr_end),
		cmocka_unit_test(test_cap_outside_all_memory_removes_all),
		cmocka_unit_test(test_cap_wrap_erange),
		cmocka_unit_test(test_limit_splits_region_where_count_ends),
		cmocka_unit_test(test_limit_at_region_boundary),
		cmocka_unit_test(test_limit_one_byte),
		cmocka_unit_test(test_limit_total_or_more_changes_nothing),
		cmocka_unit_test(test_limit_zero_removes_all_memory),
		cmocka_unit_test(test_limit_region_ending_at_addr_end),
		cmocka_unit_test(test_limit_empty_instance),
	};

	return cmocka_run_group_tests_name("test_query", tests, NULL, NULL);
}
