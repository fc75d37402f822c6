/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the reserved array: em_reserve(), em_reserve_label(),
 * em_free().
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* em_reserve / em_reserve_label                                            */

static void test_reserve_outside_memory(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, 0xfee00000, 0x1000));
	ASSERT_TABLE(&em->reserved, { 0xfee00000, 0x1000, 0, NN, NULL });
	ASSERT_EMPTY(&em->memory);
	assert_int_equal(em_reserved_size(em), 0x1000);
	assert_int_equal(em_free_size(em), 0);
}

static void test_reserve_does_not_touch_memory(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x4000, 2, EM_MIRROR));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "kernel"));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x4000, EM_MIRROR, 2, NULL });
	assert_int_equal(em_memory_size(em), 0x4000);
	assert_int_equal(em_free_size(em), 0x3000);
}

static void test_reserve_records_node_none_and_no_flags(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x4000, 2, EM_HOTPLUG | EM_MIRROR));
	OK(em, em_reserve(em, 0x2000, 0x1000));
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x1000, 0, NN, NULL });
}

static void test_reserve_label_is_recorded(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x1000, "initrd"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "initrd" });
}

static void test_reserve_at_address_zero(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0, 0x1000, "page0"));
	ASSERT_TABLE(&em->reserved, { 0, 0x1000, 0, NN, "page0" });
}

static void test_reserve_ending_exactly_at_addr_end(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, UINT64_MAX - 4096, 4096));
	ASSERT_TABLE(&em->reserved, { UINT64_MAX - 4096, 4096, 0, NN, NULL });
}

static void test_reserve_whole_address_space(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, 0, UINT64_MAX));
	ASSERT_TABLE(&em->reserved, { 0, UINT64_MAX, 0, NN, NULL });
	OK(em, em_free(em, 0, UINT64_MAX));
	ASSERT_EMPTY(&em->reserved);
}

static void test_reserve_passing_addr_end_is_erange(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, 0x1000, 0x1000));
	EXPECT_FAIL(em, EM_ERANGE, em_reserve(em, UINT64_MAX - 4096, 4097));
	EXPECT_FAIL(em, EM_ERANGE, em_reserve(em, UINT64_MAX, 1));
	EXPECT_FAIL(em, EM_ERANGE, em_reserve_label(em, 1, UINT64_MAX, "x"));
	EXPECT_FAIL(em, EM_ERANGE, em_reserve_label(em, 0x2000, UINT64_MAX - 0x1000, "x"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, NULL });
}

static void test_reserve_size_zero_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, 0x1000, 0x1000));
	EXPECT_NOOP(em, em_reserve(em, 0x5000, 0));
	EXPECT_NOOP(em, em_reserve_label(em, 0x2000, 0, "x"));
	EXPECT_NOOP(em, em_reserve(em, UINT64_MAX, 0));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, NULL });
}

static void test_reserve_keeps_table_sorted(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x9000, 0x1000, "c"));
	OK(em, em_reserve_label(em, 0x1000, 0x1000, "a"));
	OK(em, em_reserve_label(em, 0x5000, 0x1000, "b"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "a" }, { 0x5000, 0x1000, 0, NN, "b" },
		     { 0x9000, 0x1000, 0, NN, "c" });
	assert_int_equal(em_reserved_size(em), 0x3000);
}

static void test_reserve_adjacent_same_label_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x2000, 0x1000, "kernel"));
	OK(em, em_reserve_label(em, 0x3000, 0x1000, "kernel"));
	OK(em, em_reserve_label(em, 0x1000, 0x1000, "kernel"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x3000, 0, NN, "kernel" });
}

static void test_reserve_adjacent_without_label_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, 0x1000, 0x1000));
	OK(em, em_reserve(em, 0x2000, 0x1000));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x2000, 0, NN, NULL });
}

static void test_reserve_labels_compare_as_strings(void **state)
{
	struct earlymem *em = *state;
	/* Two distinct arrays with the same text: equal labels. */
	static char a[] = "kernel";
	static char b[] = "kernel";

	assert_ptr_not_equal(a, b);
	OK(em, em_reserve_label(em, 0x1000, 0x1000, a));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, b));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x2000, 0, NN, "kernel" });
	assert_true(REGION(&em->reserved, 0)->label == a || REGION(&em->reserved, 0)->label == b);
}

static void test_reserve_adjacent_different_label_does_not_merge(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x1000, "kernel"));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "initrd"));
	OK(em, em_reserve_label(em, 0x3000, 0x1000, "kernel2"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "kernel" },
		     { 0x2000, 0x1000, 0, NN, "initrd" }, { 0x3000, 0x1000, 0, NN, "kernel2" });
}

static void test_reserve_label_and_no_label_do_not_merge(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x1000, "acpi"));
	OK(em, em_reserve(em, 0x2000, 0x1000));
	OK(em, em_reserve_label(em, 0x3000, 0x1000, "acpi"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "acpi" },
		     { 0x2000, 0x1000, 0, NN, NULL }, { 0x3000, 0x1000, 0, NN, "acpi" });
}

static void test_reserve_overlapping_same_label_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x2000, "fw"));
	OK(em, em_reserve_label(em, 0x2000, 0x3000, "fw"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x4000, 0, NN, "fw" });
}

static void test_reserve_inside_existing_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x4000, "acpi"));
	EXPECT_NOOP(em, em_reserve_label(em, 0x2000, 0x1000, "acpi"));
	EXPECT_NOOP(em, em_reserve_label(em, 0x2000, 0x1000, "kernel"));
	EXPECT_NOOP(em, em_reserve(em, 0x1000, 0x4000));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x4000, 0, NN, "acpi" });
}

static void test_reserve_overlap_different_label_keeps_existing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x2000, 0x1000, "acpi"));
	OK(em, em_reserve_label(em, 0x1000, 0x3000, "kernel"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "kernel" },
		     { 0x2000, 0x1000, 0, NN, "acpi" }, { 0x3000, 0x1000, 0, NN, "kernel" });
	assert_int_equal(em_reserved_size(em), 0x3000);
}

static void test_reserve_overlap_unlabelled_keeps_existing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, 0x2000, 0x2000));
	OK(em, em_reserve_label(em, 0x3000, 0x2000, "initrd"));
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x2000, 0, NN, NULL },
		     { 0x4000, 0x1000, 0, NN, "initrd" });
}

static void test_reserve_fills_every_gap_with_new_label(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x2000, 0x1000, "a"));
	OK(em, em_reserve_label(em, 0x4000, 0x1000, "b"));
	OK(em, em_reserve(em, 0x6000, 0x1000));
	OK(em, em_reserve_label(em, 0x1000, 0x7000, "c"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "c" }, { 0x2000, 0x1000, 0, NN, "a" },
		     { 0x3000, 0x1000, 0, NN, "c" }, { 0x4000, 0x1000, 0, NN, "b" },
		     { 0x5000, 0x1000, 0, NN, "c" }, { 0x6000, 0x1000, 0, NN, NULL },
		     { 0x7000, 0x1000, 0, NN, "c" });
	assert_int_equal(em_reserved_size(em), 0x7000);
}

static void test_reserve_gap_fill_merges_with_same_label(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x1000, "x"));
	OK(em, em_reserve_label(em, 0x3000, 0x1000, "y"));
	OK(em, em_reserve_label(em, 0x5000, 0x1000, "x"));
	OK(em, em_reserve_label(em, 0x1800, 0x4000, "x"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x2000, 0, NN, "x" }, { 0x3000, 0x1000, 0, NN, "y" },
		     { 0x4000, 0x2000, 0, NN, "x" });
}

static void test_reserve_bridging_same_label_merges(void **state)
{
	struct earlymem *em = *state;

	for (uint64_t i = 0; i < 8; i++)
		OK(em, em_reserve_label(em, 0x10000 + i * 0x2000, 0x1000, "bss"));
	assert_int_equal(em->reserved.cnt, 8);
	OK(em, em_reserve_label(em, 0x10800, 0xe000, "bss"));
	ASSERT_TABLE(&em->reserved, { 0x10000, 0xf000, 0, NN, "bss" });
}

/* ------------------------------------------------------------------------ */
/* em_free                                                                  */

static void test_free_exact_reservation(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x1000, "a"));
	OK(em, em_reserve_label(em, 0x3000, 0x1000, "b"));
	OK(em, em_free(em, 0x1000, 0x1000));
	ASSERT_TABLE(&em->reserved, { 0x3000, 0x1000, 0, NN, "b" });
	assert_int_equal(em_reserved_size(em), 0x1000);
}

static void test_free_head_of_reservation(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x4000, "a"));
	OK(em, em_free(em, 0x1000, 0x1000));
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x3000, 0, NN, "a" });
}

static void test_free_tail_of_reservation(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x4000, "a"));
	OK(em, em_free(em, 0x3000, 0x2000));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x2000, 0, NN, "a" });
}

static void test_free_middle_splits_reservation(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x4000, "kernel"));
	OK(em, em_free(em, 0x2000, 0x1000));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "kernel" },
		     { 0x3000, 0x2000, 0, NN, "kernel" });
	assert_int_equal(em_reserved_size(em), 0x3000);
}

static void test_free_across_two_labels(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x1000, "a"));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "b"));
	OK(em, em_free(em, 0x1800, 0x1000));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x0800, 0, NN, "a" }, { 0x2800, 0x0800, 0, NN, "b" });
}

static void test_free_several_adjacent_reservations_whole(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x1000, "a"));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "b"));
	OK(em, em_reserve(em, 0x3000, 0x1000));
	OK(em, em_reserve_label(em, 0x4000, 0x1000, "c"));
	OK(em, em_free(em, 0x1000, 0x4000));
	ASSERT_EMPTY(&em->reserved);
	assert_int_equal(em_reserved_size(em), 0);
}

static void test_free_unreserved_is_enoent(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x1000, 0x10000));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "a"));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x5000, 0x1000));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x1000, 0x1000)); /* just below */
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x3000, 0x1000)); /* just above */
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x1000, 0, NN, "a" });
}

static void test_free_on_empty_instance_is_enoent(void **state)
{
	struct earlymem *em = *state;

	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0, 0x1000));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0, UINT64_MAX));
}

static void test_free_partly_unreserved_is_enoent(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x2000, 0x2000, "a"));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x2000, 0x3000)); /* runs past the end */
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x1fff, 0x1000)); /* starts one byte early */
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x1000, 0x4000)); /* covers it and more */
	ASSERT_TABLE(&em->reserved, { 0x2000, 0x2000, 0, NN, "a" });
}

static void test_free_spanning_hole_between_reservations_is_enoent(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x1000, "a"));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "b"));
	OK(em, em_reserve_label(em, 0x3800, 0x1000, "c")); /* hole [0x3000, 0x3800) */
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x1000, 0x3800));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x2800, 0x1800));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "a" }, { 0x2000, 0x1000, 0, NN, "b" },
		     { 0x3800, 0x1000, 0, NN, "c" });
}

static void test_double_free_is_enoent(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x4000, "a"));
	OK(em, em_free(em, 0x2000, 0x1000));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x2000, 0x1000));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 0x2800, 0x0800));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, "a" }, { 0x3000, 0x2000, 0, NN, "a" });
}

static void test_free_passing_addr_end_is_erange(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, UINT64_MAX - 0x2000, 0x2000));
	EXPECT_FAIL(em, EM_ERANGE, em_free(em, UINT64_MAX - 0x1000, 0x1001));
	EXPECT_FAIL(em, EM_ERANGE, em_free(em, UINT64_MAX, 1));
	EXPECT_FAIL(em, EM_ERANGE, em_free(em, 1, UINT64_MAX));
	ASSERT_TABLE(&em->reserved, { UINT64_MAX - 0x2000, 0x2000, 0, NN, NULL });
}

static void test_free_size_zero_changes_nothing(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, 0x1000, 0x1000));
	EXPECT_NOOP(em, em_free(em, 0x1800, 0));
	EXPECT_NOOP(em, em_free(em, 0x8000, 0)); /* not reserved, but empty */
	EXPECT_NOOP(em, em_free(em, UINT64_MAX, 0));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x1000, 0, NN, NULL });
}

static void test_free_at_top_of_address_space(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve(em, UINT64_MAX - 0x3000, 0x3000));
	OK(em, em_free(em, UINT64_MAX - 0x1000, 0x1000));
	ASSERT_TABLE(&em->reserved, { UINT64_MAX - 0x3000, 0x2000, 0, NN, NULL });
}

static void test_free_does_not_touch_memory(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add_node(em, 0x1000, 0x4000, 1, EM_MIRROR));
	OK(em, em_reserve(em, 0x2000, 0x1000));
	assert_int_equal(em_free_size(em), 0x3000);
	OK(em, em_free(em, 0x2000, 0x1000));
	ASSERT_TABLE(&em->memory, { 0x1000, 0x4000, EM_MIRROR, 1, NULL });
	ASSERT_EMPTY(&em->reserved);
	assert_int_equal(em_free_size(em), 0x4000);
}

static void test_free_then_reserve_again_merges(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x1000, 0x4000, "k"));
	OK(em, em_free(em, 0x2000, 0x1000));
	OK(em, em_reserve_label(em, 0x2000, 0x1000, "k"));
	ASSERT_TABLE(&em->reserved, { 0x1000, 0x4000, 0, NN, "k" });
}

static void test_sizes_follow_reserve_and_free(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0x10000, 0x10000));
	OK(em, em_reserve(em, 0x8000, 0x10000)); /* half outside memory */
	assert_int_equal(em_memory_size(em), 0x10000);
	assert_int_equal(em_reserved_size(em), 0x10000);
	assert_int_equal(em_free_size(em), 0x8000);
	OK(em, em_free(em, 0x8000, 0x8000));
	assert_int_equal(em_reserved_size(em), 0x8000);
	assert_int_equal(em_free_size(em), 0x8000);
	OK(em, em_free(em, 0x10000, 0x8000));
	assert_int_equal(em_reserved_size(em), 0);
	assert_int_equal(em_free_size(em), 0x10000);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, em_setup, em_teardown)
	const struct CMUnitTest tests[] = {
		T(test_reserve_outside_memory),
		T(test_reserve_does_not_touch_memory),
		T(test_reserve_records_node_none_and_no_flags),
		T(test_reserve_label_is_recorded),
		T(test_reserve_at_address_zero),
		T(test_reserve_ending_exactly_at_addr_end),
		T(test_reserve_whole_address_space),
		T(test_reserve_passing_addr_end_is_erange),
		T(test_reserve_size_zero_changes_nothing),
		T(test_reserve_keeps_table_sorted),
		T(test_reserve_adjacent_same_label_merges),
		T(test_reserve_adjacent_without_label_merges),
		T(test_reserve_labels_compare_as_strings),
		T(test_reserve_adjacent_different_label_does_not_merge),
		T(test_reserve_label_and_no_label_do_not_merge),
		T(test_reserve_overlapping_same_label_merges),
		T(test_reserve_inside_existing_changes_nothing),
		T(test_reserve_overlap_different_label_keeps_existing),
		T(test_reserve_overlap_unlabelled_keeps_existing),
		T(test_reserve_fills_every_gap_with_new_label),
		T(test_reserve_gap_fill_merges_with_same_label),
		T(test_reserve_bridging_same_label_merges),
		T(test_free_exact_reservation),
		T(test_free_head_of_reservation),
		T(test_free_tail_of_reservation),
		T(test_free_middle_splits_reservation),
		T(test_free_across_two_labels),
		T(test_free_several_adjacent_reservations_whole),
		T(test_free_unreserved_is_enoent),
		T(test_free_on_empty_instance_is_enoent),
		T(test_free_partly_unreserved_is_enoent),
		T(test_free_spanning_hole_between_reservations_is_enoent),
		T(test_double_free_is_enoent),
		T(test_free_passing_addr_end_is_erange),
		T(test_free_size_zero_changes_nothing),
		T(test_free_at_top_of_address_space),
		T(test_free_does_not_touch_memory),
		T(test_free_then_reserve_again_merges),
		T(test_sizes_follow_reserve_and_free),
	};
#undef T
	return cmocka_run_group_tests_name("test_reserve", tests, NULL, NULL);
}
