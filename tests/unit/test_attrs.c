/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for region attributes: em_mark(), em_clear(), em_set_node().
 */
#include "common.h"

#include <stdlib.h>

#define H EM_HOTPLUG
#define M EM_MIRROR

/* ------------------------------------------------------------------------ */
/* em_mark / em_clear                                                       */

static void test_mark_whole_region(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 1, 0));
	OK(em, em_mark(em, 0x1000, 0x3000, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, H, 1, NULL });
}

static void test_mark_range_larger_than_region(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x2000, 0x1000));
	OK(em, em_mark(em, 0, 0x10000, EM_NOMAP));
	/* Nothing outside memory became memory. */
	ASSERT_TABLE(&em->memory, { 0x2000, 0x1000, EM_NOMAP, NN, NULL });
	assert_int_equal(em_memory_size(em), 0x1000);
}

static void test_mark_middle_splits_into_three(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 2, M));
	OK(em, em_mark(em, 0x2000, 0x1000, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, M, 2, NULL },
		     { 0x2000, 0x1000, M | H, 2, NULL }, { 0x3000, 0x1000, M, 2, NULL });
	assert_int_equal(em_memory_size(em), 0x3000);
}

static void test_clear_after_mark_merges_back_into_one(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 2, M));
	OK(em, em_mark(em, 0x2000, 0x1000, H));
	assert_int_equal(em->memory.cnt, 3);
	OK(em, em_clear(em, 0x2000, 0x1000, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, M, 2, NULL });
}

static void test_mark_head_splits_into_two(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x3000));
	OK(em, em_mark(em, 0x800, 0x1800, EM_UNACCEPTED));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, EM_UNACCEPTED, NN, NULL },
		     { 0x2000, 0x2000, 0, NN, NULL });
}

static void test_mark_tail_splits_into_two(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x3000));
	OK(em, em_mark(em, 0x3000, 0x1000, M));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, NN, NULL }, { 0x3000, 0x1000, M, NN, NULL });
}

static void test_mark_across_hole_changes_only_memory(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add(em, 0x3000, 0x1000));
	OK(em, em_mark(em, 0x1800, 0x2000, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x0800, 0, NN, NULL }, { 0x1800, 0x0800, H, NN, NULL },
		     { 0x3000, 0x0800, H, NN, NULL }, { 0x3800, 0x0800, 0, NN, NULL });
	assert_int_equal(em_memory_size(em), 0x2000);
}

static void test_mark_merges_with_neighbour_having_same_flags(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, M));
	OK(em, em_add_node(em, 0x2000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x3000, 0x1000, 0, M));
	assert_int_equal(em->memory.cnt, 3);
	OK(em, em_mark(em, 0x2000, 0x1000, M));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, M, 0, NULL });
}

static void test_mark_partial_merges_into_neighbour(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, M));
	OK(em, em_add_node(em, 0x2000, 0x2000, 0, 0));
	OK(em, em_mark(em, 0x2000, 0x1000, M));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, M, 0, NULL }, { 0x3000, 0x1000, 0, 0, NULL });
}

static void test_mark_adds_to_existing_flags(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, M));
	OK(em, em_mark(em, 0x1000, 0x1000, H | EM_NOMAP));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, M | H | EM_NOMAP, 0, NULL });
}

static void test_mark_flag_already_set_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 0, M | H));
	EXPECT_NOOP(em, em_mark(em, 0x2000, 0x1000, H));
	EXPECT_NOOP(em, em_mark(em, 0x1000, 0x3000, M | H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, M | H, 0, NULL });
}

static void test_mark_no_flags_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x3000));
	EXPECT_NOOP(em, em_mark(em, 0x2000, 0x1000, 0));
	EXPECT_NOOP(em, em_clear(em, 0x2000, 0x1000, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, 0, NN, NULL });
}

static void test_mark_without_memory_in_range_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add(em, 0x5000, 0x1000));
	EXPECT_NOOP(em, em_mark(em, 0x2000, 0x3000, H));
	EXPECT_NOOP(em, em_clear(em, 0x2000, 0x3000, H));
	EXPECT_NOOP(em, em_mark(em, 0x10000, 0x1000, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL }, { 0x5000, 0x1000, 0, NN, NULL });
}

static void test_mark_does_not_touch_reservations(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x3000));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "kernel"));
	OK(em, em_reserve(em, 0x8000, 0x1000)); /* outside memory */
	OK(em, em_mark(em, 0, 0x10000, H | M));
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x1000, 0, NN, "kernel" },
		     { 0x8000, 0x1000, 0, NN, NULL });
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, H | M, NN, NULL });
}

static void test_mark_unknown_flag_is_einval(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x3000));
	EXPECT_FAIL(em, EM_EINVAL, em_mark(em, 0x2000, 0x1000, 0x10));
	EXPECT_FAIL(em, EM_EINVAL, em_mark(em, 0x2000, 0x1000, H | 0x100));
	EXPECT_FAIL(em, EM_EINVAL, em_mark(em, 0x2000, 0x1000, 0x80000000u));
	EXPECT_FAIL(em, EM_EINVAL, em_mark(em, 0x2000, 0x1000, EM_ALLOC_TOP_DOWN));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, 0, NN, NULL });
}

static void test_clear_unknown_flag_is_einval(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 0, H));
	EXPECT_FAIL(em, EM_EINVAL, em_clear(em, 0x2000, 0x1000, 0x10));
	EXPECT_FAIL(em, EM_EINVAL, em_clear(em, 0x2000, 0x1000, H | 0x100));
	EXPECT_FAIL(em, EM_EINVAL, em_clear(em, 0x1000, 0x3000, ~0u));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, H, 0, NULL });
}

static void test_mark_and_clear_passing_addr_end_are_erange(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, UINT64_MAX - 0x2000, 0x2000));
	EXPECT_FAIL(em, EM_ERANGE, em_mark(em, UINT64_MAX - 0x1000, 0x1001, H));
	EXPECT_FAIL(em, EM_ERANGE, em_mark(em, UINT64_MAX, 1, H));
	EXPECT_FAIL(em, EM_ERANGE, em_clear(em, UINT64_MAX - 0x1000, 0x1001, H));
	EXPECT_FAIL(em, EM_ERANGE, em_clear(em, 1, UINT64_MAX, H));
	ASSERT_TABLE(&em->memory, { UINT64_MAX - 0x2000, 0x2000, 0, NN, NULL });
}

static void test_mark_and_clear_size_zero_change_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 0, M));
	EXPECT_NOOP(em, em_mark(em, 0x2000, 0, H));
	EXPECT_NOOP(em, em_clear(em, 0x2000, 0, M));
	EXPECT_NOOP(em, em_mark(em, UINT64_MAX, 0, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, M, 0, NULL });
}

static void test_clear_only_named_flags(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 1, M | H | EM_NOMAP));
	OK(em, em_clear(em, 0x1000, 0x1000, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, M | EM_NOMAP, 1, NULL });
	OK(em, em_clear(em, 0x1000, 0x1000, EM_REGION_FLAGS));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, 1, NULL });
}

static void test_clear_flag_not_set_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 1, M));
	EXPECT_NOOP(em, em_clear(em, 0x2000, 0x1000, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, M, 1, NULL });
}

static void test_clear_across_regions_merges_them(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x2000, 0x1000, 0, H));
	OK(em, em_add_node(em, 0x3000, 0x1000, 0, EM_UNACCEPTED));
	OK(em, em_add_node(em, 0x4000, 0x1000, 0, H | EM_UNACCEPTED));
	OK(em, em_clear(em, 0x1000, 0x4000, H | EM_UNACCEPTED));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x4000, 0, 0, NULL });
}

static void test_clear_splitting_both_ends_then_merging(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x2000, 0x1000, 0, H));
	OK(em, em_add_node(em, 0x3000, 0x1000, 0, 0));
	OK(em, em_clear(em, 0x1800, 0x2000, H));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, 0, 0, NULL });
}

static void test_mark_at_address_zero_and_at_addr_end(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0, 0x2000));
	OK(em, em_add(em, UINT64_MAX - 0x2000, 0x2000));
	OK(em, em_mark(em, 0, 0x1000, M));
	OK(em, em_mark(em, UINT64_MAX - 0x1000, 0x1000, M));
	ASSERT_TABLE(&em->memory, { 0, 0x1000, M, NN, NULL }, { 0x1000, 0x1000, 0, NN, NULL },
		     { UINT64_MAX - 0x2000, 0x1000, 0, NN, NULL },
		     { UINT64_MAX - 0x1000, 0x1000, M, NN, NULL });
	OK(em, em_clear(em, 0, UINT64_MAX, M));
	ASSERT_TABLE(&em->memory, { 0, 0x2000, 0, NN, NULL },
		     { UINT64_MAX - 0x2000, 0x2000, 0, NN, NULL });
}

/* ------------------------------------------------------------------------ */
/* em_set_node                                                              */

static void test_set_node_whole_region(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x2000));
	OK(em, em_set_node(em, 0x1000, 0x2000, 3));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, 3, NULL });
	assert_int_equal(em_node_of(em, 0x1000), 3);
	assert_int_equal(em_node_of(em, 0x2fff), 3);
}

static void test_set_node_middle_splits_into_three(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 0, M));
	OK(em, em_set_node(em, 0x2000, 0x1000, 1));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, M, 0, NULL }, { 0x2000, 0x1000, M, 1, NULL },
		     { 0x3000, 0x1000, M, 0, NULL });
	assert_int_equal(em_node_of(em, 0x1fff), 0);
	assert_int_equal(em_node_of(em, 0x2000), 1);
	assert_int_equal(em_node_of(em, 0x3000), 0);
}

static void test_set_node_back_merges_into_one(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 0, M));
	OK(em, em_set_node(em, 0x2000, 0x1000, 1));
	OK(em, em_set_node(em, 0x2000, 0x1000, 0));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, M, 0, NULL });
}

static void test_set_node_on_two_nodes_merges_them(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x2000, 0x1000, 1, 0));
	assert_int_equal(em->memory.cnt, 2);
	OK(em, em_set_node(em, 0x1000, 0x2000, 5));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, 5, NULL });
}

static void test_set_node_does_not_merge_across_flags(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x2000, 0x1000, 1, H));
	OK(em, em_set_node(em, 0x1000, 0x2000, 2));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, 2, NULL }, { 0x2000, 0x1000, H, 2, NULL });
}

static void test_set_node_none_is_allowed(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add_node(em, 0x2000, 0x2000, 4, 0));
	OK(em, em_set_node(em, 0x2000, 0x1000, EM_NODE_NONE));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x2000, 0, NN, NULL }, { 0x3000, 0x1000, 0, 4, NULL });
	assert_int_equal(em_node_of(em, 0x2000), EM_NODE_NONE);
}

static void test_set_node_across_hole_changes_only_memory(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add(em, 0x3000, 0x1000));
	OK(em, em_set_node(em, 0x1800, 0x2000, 7));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x0800, 0, NN, NULL }, { 0x1800, 0x0800, 0, 7, NULL },
		     { 0x3000, 0x0800, 0, 7, NULL }, { 0x3800, 0x0800, 0, NN, NULL });
	assert_int_equal(em_node_of(em, 0x2000), EM_NODE_NONE); /* the hole */
}

static void test_set_node_accepts_highest_node(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_set_node(em, 0x1000, 0x1000, EM_MAX_NODES - 1));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, EM_MAX_NODES - 1, NULL });
}

static void test_set_node_bad_node_is_einval(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x3000, 0, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_set_node(em, 0x2000, 0x1000, EM_MAX_NODES));
	EXPECT_FAIL(em, EM_EINVAL, em_set_node(em, 0x2000, 0x1000, 9999));
	EXPECT_FAIL(em, EM_EINVAL, em_set_node(em, 0x2000, 0x1000, EM_NODE_ANY));
	EXPECT_FAIL(em, EM_EINVAL, em_set_node(em, 0x2000, 0x1000, -3));
	EXPECT_FAIL(em, EM_EINVAL, em_set_node(em, 0x2000, 0x1000, INT32_MIN));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, 0, 0, NULL });
}

static void test_set_node_passing_addr_end_is_erange(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, UINT64_MAX - 0x2000, 0x2000));
	EXPECT_FAIL(em, EM_ERANGE, em_set_node(em, UINT64_MAX - 0x1000, 0x1001, 1));
	EXPECT_FAIL(em, EM_ERANGE, em_set_node(em, UINT64_MAX, 1, 1));
	ASSERT_TABLE(&em->memory, { UINT64_MAX - 0x2000, 0x2000, 0, NN, NULL });
}

static void test_set_node_size_zero_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x3000));
	EXPECT_NOOP(em, em_set_node(em, 0x2000, 0, 1));
	EXPECT_NOOP(em, em_set_node(em, UINT64_MAX, 0, 1));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, 0, NN, NULL });
}

static void test_set_node_does_not_touch_reservations(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x3000));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "acpi"));
	OK(em, em_set_node(em, 0, 0x10000, 1));
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x1000, 0, NN, "acpi" });
	ASSERT_TABLE(&em->memory, { 0x1000, 0x3000, 0, 1, NULL });
}

static void test_set_node_without_memory_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x1000));
	EXPECT_NOOP(em, em_set_node(em, 0x2000, 0x4000, 1));
	EXPECT_NOOP(em, em_set_node(em, 0x1000, 0x1000, EM_NODE_NONE)); /* already none */
	ASSERT_TABLE(&em->memory, { 0x1000, 0x1000, 0, NN, NULL });
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, em_setup, em_teardown)
	const struct CMUnitTest tests[] = {
		T(test_mark_whole_region),
		T(test_mark_range_larger_than_region),
		T(test_mark_middle_splits_into_three),
		T(test_clear_after_mark_merges_back_into_one),
		T(test_mark_head_splits_into_two),
		T(test_mark_tail_splits_into_two),
		T(test_mark_across_hole_changes_only_memory),
		T(test_mark_merges_with_neighbour_having_same_flags),
		T(test_mark_partial_merges_into_neighbour),
		T(test_mark_adds_to_existing_flags),
		T(test_mark_flag_already_set_changes_nothing),
		T(test_mark_no_flags_changes_nothing),
		T(test_mark_without_memory_in_range_changes_nothing),
		T(test_mark_does_not_touch_reservations),
		T(test_mark_unknown_flag_is_einval),
		T(test_clear_unknown_flag_is_einval),
		T(test_mark_and_clear_passing_addr_end_are_erange),
		T(test_mark_and_clear_size_zero_change_nothing),
		T(test_clear_only_named_flags),
		T(test_clear_flag_not_set_changes_nothing),
		T(test_clear_across_regions_merges_them),
		T(test_clear_splitting_both_ends_then_merging),
		T(test_mark_at_address_zero_and_at_addr_end),
		T(test_set_node_whole_region),
		T(test_set_node_middle_splits_into_three),
		T(test_set_node_back_merges_into_one),
		T(test_set_node_on_two_nodes_merges_them),
		T(test_set_node_does_not_merge_across_flags),
		T(test_set_node_none_is_allowed),
		T(test_set_node_across_hole_changes_only_memory),
		T(test_set_node_accepts_highest_node),
		T(test_set_node_bad_node_is_einval),
		T(test_set_node_passing_addr_end_is_erange),
		T(test_set_node_size_zero_changes_nothing),
		T(test_set_node_does_not_touch_reservations),
		T(test_set_node_without_memory_changes_nothing),
	};
#undef T
	return cmocka_run_group_tests_name("test_attrs", tests, NULL, NULL);
}
