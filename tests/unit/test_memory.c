/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the memory array: em_add(), em_add_node(), em_remove().
 */
#include "common.h"

#include <stdlib.h>

/* ------------------------------------------------------------------------ */
/* em_add: basics and the address model                                     */

static void test_empty_instance_has_empty_tables(void **state)
{
	struct earlymem *em = *state;

	assert_check(em);
	ASSERT_EMPTY(&em->memory);
	ASSERT_EMPTY(&em->reserved);
	assert_int_equal(em->memory.max, EM_STATIC_REGIONS);
	assert_int_equal(em->reserved.max, EM_STATIC_REGIONS);
	assert_int_equal(em_memory_size(em), 0);
}

static void test_add_single_region(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x2000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, NN, NULL });
	ASSERT_EMPTY(&em->reserved);
	assert_int_equal(em_memory_size(em), 0x2000);
}

static void test_add_at_address_zero(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0, 0x1000));
	ASSERT_TABLE(&em->memory, { 0, 0x1000, 0, NN, NULL });
}

static void test_add_ending_exactly_at_addr_end(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, UINT64_MAX - 4096, 4096));
	ASSERT_TABLE(&em->memory, { UINT64_MAX - 4096, 4096, 0, NN, NULL });
}

static void test_add_whole_address_space(void **state)
{
	struct earlymem *em = *state;

	/* [0, 2^64 - 1): the largest range there is. */
	OK(em, em_add(em, 0, UINT64_MAX));
	ASSERT_TABLE(&em->memory, { 0, UINT64_MAX, 0, NN, NULL });
	assert_int_equal(em_memory_size(em), UINT64_MAX);
}

static void test_add_passing_addr_end_is_erange(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	EXPECT_FAIL(em, EM_ERANGE, em_add(em, UINT64_MAX - 4096, 4097));
	EXPECT_FAIL(em, EM_ERANGE, em_add(em, UINT64_MAX, 1));
	EXPECT_FAIL(em, EM_ERANGE, em_add(em, 1, UINT64_MAX));
	EXPECT_FAIL(em, EM_ERANGE, em_add(em, UINT64_MAX, UINT64_MAX));
	EXPECT_FAIL(em, EM_ERANGE, em_add(em, 0x8000000000000000ull, 0x8000000000000000ull));
	EXPECT_FAIL(em, EM_ERANGE, em_add_node(em, UINT64_MAX - 1, 2, 0, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL });
}

static void test_add_size_zero_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	EXPECT_NOOP(em, em_add(em, 0x5000, 0));
	EXPECT_NOOP(em, em_add(em, 0x2000, 0)); /* adjacent to the region */
	EXPECT_NOOP(em, em_add(em, 0, 0));
	EXPECT_NOOP(em, em_add(em, UINT64_MAX, 0));
	EXPECT_NOOP(em, em_add_node(em, 0x9000, 0, 3, EM_MIRROR));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL });
}

static void test_add_keeps_table_sorted(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x9000, 0x1000));
	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add(em, 0x5000, 0x1000));
	OK(em, em_add(em, 0x3000, 0x1000));
	OK(em, em_add(em, 0xb000, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL }, { 0x3000, 0x1000, 0, NN, NULL },
		     { 0x5000, 0x1000, 0, NN, NULL }, { 0x9000, 0x1000, 0, NN, NULL },
		     { 0xb000, 0x1000, 0, NN, NULL });
	assert_int_equal(em_memory_size(em), 0x5000);
}

static void test_add_adjacent_above_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add(em, 0x2000, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, NN, NULL });
}

static void test_add_adjacent_below_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x2000, 0x1000));
	OK(em, em_add(em, 0x1000, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, NN, NULL });
}

static void test_add_filling_hole_merges_three(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 2, EM_MIRROR));
	OK(em, em_add_node(em, 0x3000, 0x1000, 2, EM_MIRROR));
	OK(em, em_add_node(em, 0x2000, 0x1000, 2, EM_MIRROR));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, EM_MIRROR, 2, NULL });
}

static void test_add_overlapping_same_attrs_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x2000));
	OK(em, em_add(em, 0x2000, 0x3000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x4000, 0, NN, NULL });
	OK(em, em_add(em, 0, 0x1800));
	ASSERT_TABLE(&em->memory, { 0, 0x5000, 0, NN, NULL });
}

static void test_add_covering_existing_same_attrs_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x3000, 0x1000));
	OK(em, em_add(em, 0x1000, 0x5000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x5000, 0, NN, NULL });
}

static void test_add_inside_existing_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x4000, 1, EM_HOTPLUG));
	EXPECT_NOOP(em, em_add_node(em, 0x2000, 0x1000, 1, EM_HOTPLUG));
	/* Different attributes: the existing region keeps its own. */
	EXPECT_NOOP(em, em_add_node(em, 0x2000, 0x1000, 3, 0));
	EXPECT_NOOP(em, em_add(em, 0x1000, 0x4000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x4000, EM_HOTPLUG, 1, NULL });
}

static void test_add_bridging_two_regions_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add(em, 0x3000, 0x1000));
	OK(em, em_add(em, 0x1800, 0x2000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, 0, NN, NULL });
}

static void test_add_bridging_many_regions_merges(void **state)
{
	struct earlymem *em = *state;

	for (uint64_t i = 0; i < 10; i++)
		OK(em, em_add_node(em, 0x10000 + i * 0x2000, 0x1000, 4, 0));
	assert_int_equal(em->memory.cnt, 10);
	OK(em, em_add_node(em, 0x8000, 0x40000, 4, 0));
	ASSERT_TABLE(&em->memory, { 0x8000, 0x40000, 0, 4, NULL });
}

static void test_add_adjacent_different_node_does_not_merge(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x2000, 0x1000, 1, 0));
	OK(em, em_add(em, 0x3000, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, 0, NULL }, { 0x2000, 0x1000, 0, 1, NULL },
		     { 0x3000, 0x1000, 0, NN, NULL });
}

static void test_add_adjacent_different_flags_does_not_merge(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, EM_MIRROR));
	OK(em, em_add_node(em, 0x2000, 0x1000, 0, EM_MIRROR | EM_HOTPLUG));
	OK(em, em_add_node(em, 0x3000, 0x1000, 0, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, EM_MIRROR, 0, NULL },
		     { 0x2000, 0x1000, EM_MIRROR | EM_HOTPLUG, 0, NULL },
		     { 0x3000, 0x1000, 0, 0, NULL });
}

static void test_add_overlap_different_node_keeps_existing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x2000, 0x2000, 0, 0));
	OK(em, em_add_node(em, 0x1000, 0x4000, 1, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, 1, NULL }, { 0x2000, 0x2000, 0, 0, NULL },
		     { 0x4000, 0x1000, 0, 1, NULL });
	assert_int_equal(em_memory_size(em), 0x4000);
}

static void test_add_overlap_different_flags_keeps_existing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x2000, 0, EM_NOMAP));
	/* Overlaps the tail only: just [0x3000, 0x5000) is new. */
	OK(em, em_add_node(em, 0x2000, 0x3000, 0, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, EM_NOMAP, 0, NULL },
		     { 0x3000, 0x2000, 0, 0, NULL });
}

static void test_add_fills_every_gap_between_existing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x2000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x4000, 0x1000, 0, EM_HOTPLUG));
	OK(em, em_add_node(em, 0x6000, 0x1000, 2, 0));
	OK(em, em_add_node(em, 0x1000, 0x7000, 1, EM_MIRROR));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, EM_MIRROR, 1, NULL },
		     { 0x2000, 0x1000, 0, 0, NULL }, { 0x3000, 0x1000, EM_MIRROR, 1, NULL },
		     { 0x4000, 0x1000, EM_HOTPLUG, 0, NULL },
		     { 0x5000, 0x1000, EM_MIRROR, 1, NULL }, { 0x6000, 0x1000, 0, 2, NULL },
		     { 0x7000, 0x1000, EM_MIRROR, 1, NULL });
	assert_int_equal(em_memory_size(em), 0x7000);
}

static void test_add_gap_fill_merges_with_equal_neighbours(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 1, 0));
	OK(em, em_add_node(em, 0x3000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x5000, 0x1000, 1, 0));
	/* The gaps take node 1: the first merges left, the second right. */
	OK(em, em_add_node(em, 0x1800, 0x4000, 1, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, 1, NULL }, { 0x3000, 0x1000, 0, 0, NULL },
		     { 0x4000, 0x2000, 0, 1, NULL });
}

static void test_add_equals_add_node_none_zero(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, EM_NODE_NONE, 0));
	OK(em, em_add(em, 0x2000, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, NN, NULL });
	/* Node 0 is a real node, not "none". */
	OK(em, em_add_node(em, 0x3000, 0x1000, 0, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, NN, NULL }, { 0x3000, 0x1000, 0, 0, NULL });
}

static void test_add_node_accepts_every_valid_node_and_flag(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, EM_REGION_FLAGS));
	OK(em, em_add_node(em, 0x3000, 0x1000, EM_MAX_NODES - 1, EM_UNACCEPTED));
	OK(em, em_add_node(em, 0x5000, 0x1000, EM_NODE_NONE, EM_NOMAP));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, EM_REGION_FLAGS, 0, NULL },
		     { 0x3000, 0x1000, EM_UNACCEPTED, EM_MAX_NODES - 1, NULL },
		     { 0x5000, 0x1000, EM_NOMAP, NN, NULL });
}

static void test_add_node_bad_node_is_einval(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, EM_MAX_NODES, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, 9999, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, EM_NODE_ANY, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, -3, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, INT32_MIN, 0));
	/* Adjacent to existing memory: still nothing may change. */
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x2000, 0x1000, EM_MAX_NODES, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL });
}

static void test_add_node_unknown_flag_is_einval(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, 0, 0x10));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, 0, 0x100));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, 0, 0x80000000u));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, 0, EM_MIRROR | 0x20));
	/* Allocation steering flags are not region flags. */
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, 0, EM_ALLOC_BOTTOM_UP));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 0x4000, 0x1000, 0, EM_ALLOC_EXACT_NODE));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL });
}

static void test_add_does_not_touch_reservations(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x2000, 0x1000, "acpi"));
	OK(em, em_add(em, 0x1000, 0x4000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x4000, 0, NN, NULL });
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x1000, 0, NN, "acpi" });
	assert_int_equal(em_free_size(em), 0x3000);
}

static void test_add_top_of_address_space_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, UINT64_MAX - 0x1000, 0x1000));
	OK(em, em_add(em, UINT64_MAX - 0x3000, 0x2000));
	ASSERT_TABLE(&em->memory, { UINT64_MAX - 0x3000, 0x3000, 0, NN, NULL });
	OK(em, em_add(em, 0, 0x1000));
	ASSERT_TABLE(&em->memory, { 0, 0x1000, 0, NN, NULL },
		     { UINT64_MAX - 0x3000, 0x3000, 0, NN, NULL });
	assert_int_equal(em_memory_size(em), 0x4000);
}

/* ------------------------------------------------------------------------ */
/* em_remove                                                                */

static void test_remove_whole_region(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add_node(em, 0x3000, 0x1000, 1, 0));
	OK(em, em_add(em, 0x5000, 0x1000));
	OK(em, em_remove(em, 0x3000, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL }, { 0x5000, 0x1000, 0, NN, NULL });
	assert_int_equal(em_memory_size(em), 0x2000);
}

static void test_remove_middle_splits_region(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x4000, 3, EM_MIRROR));
	OK(em, em_remove(em, 0x2000, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, EM_MIRROR, 3, NULL },
		     { 0x3000, 0x2000, EM_MIRROR, 3, NULL });
}

static void test_remove_head_of_region(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x4000));
	OK(em, em_remove(em, 0, 0x2000));
	ASSERT_TABLE(&em->memory, { 0x2000, 0x3000, 0, NN, NULL });
}

static void test_remove_tail_of_region(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x4000));
	OK(em, em_remove(em, 0x4000, 0x8000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, 0, NN, NULL });
}

static void test_remove_across_several_regions(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x2000, 0x1000, 1, 0)); /* adjacent, other node */
	OK(em, em_add_node(em, 0x4000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x6000, 0x1000, 2, EM_HOTPLUG));
	OK(em, em_remove(em, 0x1800, 0x5000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x0800, 0, 0, NULL },
		     { 0x6800, 0x0800, EM_HOTPLUG, 2, NULL });
	assert_int_equal(em_memory_size(em), 0x1000);
}

static void test_remove_non_memory_is_ignored(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add(em, 0x5000, 0x1000));
	EXPECT_NOOP(em, em_remove(em, 0x2000, 0x3000)); /* exactly the hole */
	EXPECT_NOOP(em, em_remove(em, 0x10000, 0x1000));
	EXPECT_NOOP(em, em_remove(em, 0, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL }, { 0x5000, 0x1000, 0, NN, NULL });
}

static void test_remove_from_empty_instance(void **state)
{
	struct earlymem *em = *state;

	EXPECT_NOOP(em, em_remove(em, 0, UINT64_MAX));
	ASSERT_EMPTY(&em->memory);
}

static void test_remove_everything(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0, 0x1000));
	OK(em, em_add_node(em, 0x3000, 0x1000, 5, EM_NOMAP));
	OK(em, em_add(em, UINT64_MAX - 0x1000, 0x1000));
	OK(em, em_remove(em, 0, UINT64_MAX));
	ASSERT_EMPTY(&em->memory);
	assert_int_equal(em_memory_size(em), 0);
}

static void test_remove_partial_overlap_at_both_ends(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x2000, 1, 0));
	OK(em, em_add_node(em, 0x4000, 0x2000, 1, 0));
	OK(em, em_remove(em, 0x2000, 0x3000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, 1, NULL }, { 0x5000, 0x1000, 0, 1, NULL });
}

static void test_remove_at_top_of_address_space(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, UINT64_MAX - 0x3000, 0x3000));
	OK(em, em_remove(em, UINT64_MAX - 0x1000, 0x1000));
	ASSERT_TABLE(&em->memory, { UINT64_MAX - 0x3000, 0x2000, 0, NN, NULL });
	OK(em, em_remove(em, UINT64_MAX - 0x3000, 0x1000));
	ASSERT_TABLE(&em->memory, { UINT64_MAX - 0x2000, 0x1000, 0, NN, NULL });
}

static void test_remove_passing_addr_end_is_erange(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, UINT64_MAX - 0x2000, 0x2000));
	EXPECT_FAIL(em, EM_ERANGE, em_remove(em, UINT64_MAX - 0x1000, 0x1001));
	EXPECT_FAIL(em, EM_ERANGE, em_remove(em, UINT64_MAX, 1));
	EXPECT_FAIL(em, EM_ERANGE, em_remove(em, 1, UINT64_MAX));
	ASSERT_TABLE(&em->memory, { UINT64_MAX - 0x2000, 0x2000, 0, NN, NULL });
}

static void test_remove_size_zero_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x4000));
	EXPECT_NOOP(em, em_remove(em, 0x2000, 0));
	EXPECT_NOOP(em, em_remove(em, 0x1000, 0));
	EXPECT_NOOP(em, em_remove(em, UINT64_MAX, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x4000, 0, NN, NULL });
}

static void test_remove_does_not_touch_reservations(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x4000));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "kernel"));
	OK(em, em_remove(em, 0x1000, 0x4000));
	ASSERT_EMPTY(&em->memory);
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x1000, 0, NN, "kernel" });
	assert_int_equal(em_reserved_size(em), 0x1000);
	assert_int_equal(em_free_size(em), 0);
}

static void test_remove_then_add_back_merges_again(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x4000, 2, 0));
	OK(em, em_remove(em, 0x2000, 0x1000));
	OK(em, em_add_node(em, 0x2000, 0x1000, 2, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x4000, 0, 2, NULL });
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, em_setup, em_teardown)
	const struct CMUnitTest tests[] = {
		T(test_empty_instance_has_empty_tables),
		T(test_add_single_region),
		T(test_add_at_address_zero),
		T(test_add_ending_exactly_at_addr_end),
		T(test_add_whole_address_space),
		T(test_add_passing_addr_end_is_erange),
		T(test_add_size_zero_changes_nothing),
		T(test_add_keeps_table_sorted),
		T(test_add_adjacent_above_merges),
		T(test_add_adjacent_below_merges),
		T(test_add_filling_hole_merges_three),
		T(test_add_overlapping_same_attrs_merges),
		T(test_add_covering_existing_same_attrs_merges),
		T(test_add_inside_existing_changes_nothing),
		T(test_add_bridging_two_regions_merges),
		T(test_add_bridging_many_regions_merges),
		T(test_add_adjacent_different_node_does_not_merge),
		T(test_add_adjacent_different_flags_does_not_merge),
		T(test_add_overlap_different_node_keeps_existing),
		T(test_add_overlap_different_flags_keeps_existing),
		T(test_add_fills_every_gap_between_existing),
		T(test_add_gap_fill_merges_with_equal_neighbours),
		T(test_add_equals_add_node_none_zero),
		T(test_add_node_accepts_every_valid_node_and_flag),
		T(test_add_node_bad_node_is_einval),
		T(test_add_node_unknown_flag_is_einval),
		T(test_add_does_not_touch_reservations),
		T(test_add_top_of_address_space_merges),
		T(test_remove_whole_region),
		T(test_remove_middle_splits_region),
		T(test_remove_head_of_region),
		T(test_remove_tail_of_region),
		T(test_remove_across_several_regions),
		T(test_remove_non_memory_is_ignored),
		T(test_remove_from_empty_instance),
		T(test_remove_everything),
		T(test_remove_partial_overlap_at_both_ends),
		T(test_remove_at_top_of_address_space),
		T(test_remove_passing_addr_end_is_erange),
		T(test_remove_size_zero_changes_nothing),
		T(test_remove_does_not_touch_reservations),
		T(test_remove_then_add_back_merges_again),
	};
#undef T
	return cmocka_run_group_tests_name("test_memory", tests, NULL, NULL);
}
