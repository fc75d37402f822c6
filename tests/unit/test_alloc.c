/* SPDX-License-Identifier: MIT */
/*
 * Allocation: em_find(), em_alloc_req() and its wrappers em_alloc(),
 * em_alloc_range(), em_alloc_node(), and em_alloc_at().
 *
 * Every result is an exact address and every mutation is checked against the
 * exact reserved table; every call that must fail is checked for the exact
 * code and for leaving the instance unchanged (snapshot before and after).
 */
#include "common.h"

#include <string.h>

#define N EM_NODE_NONE
#define TOP (EM_ADDR_END) /* exclusive end of the address space */

/* ---- helpers ------------------------------------------------------------ */

static struct em_request req_of(uint64_t size, uint64_t align)
{
	struct em_request r = {
		.size = size,
		.align = align,
		.min = 0,
		.max = EM_ALLOC_ANYWHERE,
		.node = EM_NODE_ANY,
		.flags = 0,
		.label = NULL,
	};
	return r;
}

/* em_find() and em_alloc_req() both fail with @code and change nothing. */
static void expect_req_fails(struct earlymem *em, const struct em_request *req, int code)
{
	struct em_snapshot s;
	uint64_t addr = 0x5a5a5a5a;

	snap_take(&s, em);
	assert_int_equal(em_find(em, req, &addr), code);
	snap_assert_same(&s, em);

	snap_take(&s, em);
	assert_int_equal(em_alloc_req(em, req, &addr), code);
	snap_assert_same(&s, em);
	assert_check(em);
}

/* em_find() gives @expect, then em_alloc_req() returns the same address. */
static void expect_req_at(struct earlymem *em, const struct em_request *req, uint64_t expect)
{
	struct em_snapshot s;
	uint64_t found = 0x5a5a5a5a, addr = 0x5a5a5a5a;

	snap_take(&s, em);
	assert_int_equal(em_find(em, req, &found), 0);
	snap_assert_same(&s, em);
	assert_int_equal(found, expect);

	assert_int_equal(em_alloc_req(em, req, &addr), 0);
	assert_check(em);
	assert_int_equal(addr, expect);
}

/* One plain region [1 MiB, 2 MiB) without node. */
static void one_region(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 1 * MiB, 1 * MiB, N, 0);
}

/* ---- argument checks ---------------------------------------------------- */

static void test_size_zero_einval(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0, 0x1000);
	uint64_t a;

	one_region(&em);
	expect_req_fails(&em, &r, EM_EINVAL);
	EXPECT_RC(&em, em_alloc(&em, 0, 0x1000, &a), EM_EINVAL);
	EXPECT_RC(&em, em_alloc_range(&em, 0, 0x1000, 0, EM_ALLOC_ANYWHERE, &a), EM_EINVAL);
	EXPECT_RC(&em, em_alloc_node(&em, 0, 0x1000, EM_NODE_ANY, &a), EM_EINVAL);
}

static void test_align_zero_einval(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0);
	uint64_t a;

	one_region(&em);
	expect_req_fails(&em, &r, EM_EINVAL);
	EXPECT_RC(&em, em_alloc(&em, 0x1000, 0, &a), EM_EINVAL);
	EXPECT_RC(&em, em_alloc_range(&em, 0x1000, 0, 0, EM_ALLOC_ANYWHERE, &a), EM_EINVAL);
	EXPECT_RC(&em, em_alloc_node(&em, 0x1000, 0, EM_NODE_ANY, &a), EM_EINVAL);
}

static void test_align_not_power_of_two_einval(void **state)
{
	(void)state;
	struct earlymem em;
	static const uint64_t bad[] = { 3, 0x1800, 0x1001, 0x8000000000000001ull, UINT64_MAX };
	uint64_t a;

	one_region(&em);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct em_request r = req_of(0x1000, bad[i]);

		expect_req_fails(&em, &r, EM_EINVAL);
		EXPECT_RC(&em, em_alloc(&em, 0x1000, bad[i], &a), EM_EINVAL);
		EXPECT_RC(&em, em_alloc_node(&em, 0x1000, bad[i], 0, &a), EM_EINVAL);
	}
}

static void test_unknown_flags_einval(void **state)
{
	(void)state;
	struct earlymem em;
	static const uint32_t bad[] = { 0x10, 0x100, 0x8000, 0x80000, 0x80000000u };

	one_region(&em);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct em_request r = req_of(0x1000, 0x1000);

		r.flags = bad[i];
		expect_req_fails(&em, &r, EM_EINVAL);
	}
}

static void test_both_directions_einval(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	one_region(&em);
	r.flags = EM_ALLOC_BOTTOM_UP | EM_ALLOC_TOP_DOWN;
	expect_req_fails(&em, &r, EM_EINVAL);
	em_set_bottom_up(&em, true);
	expect_req_fails(&em, &r, EM_EINVAL);
}

static void test_min_greater_than_max_einval(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);
	uint64_t a;

	one_region(&em);
	r.min = 0x180001;
	r.max = 0x180000;
	expect_req_fails(&em, &r, EM_EINVAL);
	EXPECT_RC(&em, em_alloc_range(&em, 0x1000, 0x1000, 2 * MiB, 1 * MiB, &a), EM_EINVAL);
}

static void test_exact_node_without_real_node_einval(void **state)
{
	(void)state;
	struct earlymem em;
	static const int bad[] = { EM_NODE_ANY, EM_NODE_NONE, EM_MAX_NODES, -3 };

	one_region(&em);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct em_request r = req_of(0x1000, 0x1000);

		r.node = bad[i];
		r.flags = EM_ALLOC_EXACT_NODE;
		expect_req_fails(&em, &r, EM_EINVAL);
	}
}

static void test_node_out_of_range_einval(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a;

	one_region(&em);
	EXPECT_RC(&em, em_alloc_node(&em, 0x1000, 0x1000, EM_MAX_NODES, &a), EM_EINVAL);
	EXPECT_RC(&em, em_alloc_node(&em, 0x1000, 0x1000, -3, &a), EM_EINVAL);
}

static void test_null_request_einval(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a;

	one_region(&em);
	EXPECT_RC(&em, em_find(&em, NULL, &a), EM_EINVAL);
	EXPECT_RC(&em, em_alloc_req(&em, NULL, &a), EM_EINVAL);
}

/* ---- where allocations land --------------------------------------------- */

static void test_top_down_returns_highest_aligned_address(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	one_region(&em);
	r.label = "a";
	expect_req_at(&em, &r, 0x1ff000);
	ASSERT_TABLE(&em.reserved, { 0x1ff000, 0x1000, 0, N, "a" });
	ASSERT_TABLE(&em.memory, { 1 * MiB, 1 * MiB, 0, N, NULL });
}

static void test_top_down_unaligned_region_end(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x800, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x1f00, N, 0); /* [0x1000, 0x2f00) */
	expect_req_at(&em, &r, 0x2000);
	ASSERT_TABLE(&em.reserved, { 0x2000, 0x800, 0, N, NULL });
}

static void test_top_down_byte_alignment_uses_last_bytes(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x123, 1);

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x1f01, N, 0); /* [0x1000, 0x2f01) */
	expect_req_at(&em, &r, 0x2f01 - 0x123);
	ASSERT_TABLE(&em.reserved, { 0x2f01 - 0x123, 0x123, 0, N, NULL });
}

static void test_bottom_up_returns_lowest_aligned_address(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0x1234, 0xedcc, N, 0); /* [0x1234, 0x10000) */
	em_set_bottom_up(&em, true);
	expect_req_at(&em, &r, 0x2000);
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x3000);
	ASSERT_TABLE(&em.reserved, { 0x2000, 0x2000, 0, N, NULL });
}

static void test_flag_bottom_up_overrides_default(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	one_region(&em);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_at(&em, &r, 1 * MiB);
	assert_false(em_bottom_up(&em));
	ASSERT_TABLE(&em.reserved, { 1 * MiB, 0x1000, 0, N, NULL });
}

static void test_flag_top_down_overrides_bottom_up_default(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	one_region(&em);
	em_set_bottom_up(&em, true);
	r.flags = EM_ALLOC_TOP_DOWN;
	expect_req_at(&em, &r, 0x1ff000);
	assert_true(em_bottom_up(&em));
	ASSERT_TABLE(&em.reserved, { 0x1ff000, 0x1000, 0, N, NULL });
}

/* Memory [0, 0x10000) with reservations [0x3000, 0x5000) and [0xc000, 0x10000). */
static void holes(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0, 0x10000, N, 0);
	reserve(em, 0x3000, 0x2000, "r1");
	reserve(em, 0xc000, 0x4000, "r2");
}

static void test_top_down_skips_reserved(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x4000, 0x1000);

	holes(&em);
	r.label = "x";
	expect_req_at(&em, &r, 0x8000);
	ASSERT_TABLE(&em.reserved, { 0x3000, 0x2000, 0, N, "r1" }, { 0x8000, 0x4000, 0, N, "x" },
		     { 0xc000, 0x4000, 0, N, "r2" });
}

static void test_bottom_up_skips_reserved_and_small_holes(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x4000, 0x1000);

	holes(&em);
	r.flags = EM_ALLOC_BOTTOM_UP;
	r.label = "x";
	expect_req_at(&em, &r, 0x5000); /* [0, 0x3000) is too small */
	ASSERT_TABLE(&em.reserved, { 0x3000, 0x2000, 0, N, "r1" }, { 0x5000, 0x4000, 0, N, "x" },
		     { 0xc000, 0x4000, 0, N, "r2" });
}

static void test_fills_hole_of_exact_size(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x7000, 0x1000);

	holes(&em);
	r.label = "r1";
	expect_req_at(&em, &r, 0x5000); /* [0x5000, 0xc000) exactly */
	ASSERT_TABLE(&em.reserved, { 0x3000, 0x9000, 0, N, "r1" }, { 0xc000, 0x4000, 0, N, "r2" });
}

static void test_reservation_outside_memory_does_not_block(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, N, 0);
	reserve(&em, 0x11000, 0x1000, "mmio"); /* right above memory */
	reserve(&em, 0xf000, 0x1000, "fw");    /* right below memory */
	expect_req_at(&em, &r, 0x10000);
	ASSERT_TABLE(&em.reserved, { 0xf000, 0x1000, 0, N, "fw" }, { 0x10000, 0x1000, 0, N, NULL },
		     { 0x11000, 0x1000, 0, N, "mmio" });
}

static void test_may_return_address_zero(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0xdead;

	setup_em(&em, NULL);
	add(&em, 0, 0x1000, N, 0);
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0);
	ASSERT_TABLE(&em.reserved, { 0, 0x1000, 0, N, NULL });
}

static void test_bottom_up_may_return_address_zero(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x10, 0x10);

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_at(&em, &r, 0);
	ASSERT_TABLE(&em.reserved, { 0, 0x10, 0, N, NULL });
}

static void test_top_of_address_space(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;
	struct em_request r = req_of(0x1000, 0x1000);
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0xffffffffffff0000ull, 0xffff, N, 0); /* ends at EM_ADDR_END */
	snap_take(&s, &em);
	/* 0xfffffffffffff000 + 0x1000 would pass the end: next page down */
	assert_int_equal(em_find(&em, &r, &a), 0);
	assert_int_equal(a, 0xffffffffffffe000ull);
	r = req_of(0x1000, 1);
	assert_int_equal(em_find(&em, &r, &a), 0);
	assert_int_equal(a, 0xffffffffffffefffull);
	snap_assert_same(&s, &em);
	r = req_of(0xfff, 0x1000);
	expect_req_at(&em, &r, 0xfffffffffffff000ull);
	ASSERT_TABLE(&em.reserved, { 0xfffffffffffff000ull, 0xfff, 0, N, NULL });
}

static void test_top_of_address_space_bottom_up(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0xfffffffffffff001ull, 0xffe, N, 0); /* no aligned page inside */
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_fails(&em, &r, EM_ENOMEM);
	r = req_of(0x10, 0x1000);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_fails(&em, &r, EM_ENOMEM); /* rounding up 0x...f001 wraps */
	r = req_of(0xffe, 1);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_at(&em, &r, 0xfffffffffffff001ull);
	ASSERT_TABLE(&em.reserved, { 0xfffffffffffff001ull, 0xffe, 0, N, NULL });
}

static void test_align_larger_than_any_region_enomem(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x4000);

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x2000, N, 0); /* [0x1000, 0x3000) */
	add(&em, 0x9000, 0x3000, N, 0); /* [0x9000, 0xc000) */
	expect_req_fails(&em, &r, EM_ENOMEM);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_fails(&em, &r, EM_ENOMEM);
	ASSERT_EMPTY(&em.reserved);
}

static void test_huge_alignment(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 1ull << 63);

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x10000, N, 0);
	expect_req_fails(&em, &r, EM_ENOMEM);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_fails(&em, &r, EM_ENOMEM);
	add(&em, 1ull << 63, 0x10000, 1, 0);
	expect_req_at(&em, &r, 1ull << 63);
	r.flags = 0;
	r.size = 0x800;
	expect_req_fails(&em, &r, EM_ENOMEM); /* only one aligned address, taken */
	ASSERT_TABLE(&em.reserved, { 1ull << 63, 0x1000, 0, 1, NULL });
}

static void test_huge_alignment_at_address_zero(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 1ull << 63);

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0); /* 0 is aligned to everything */
	expect_req_at(&em, &r, 0);
	ASSERT_TABLE(&em.reserved, { 0, 0x1000, 0, N, NULL });
	expect_req_fails(&em, &r, EM_ENOMEM);
}

static void test_exhaustion_then_enomem(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x4000, N, 0);
	r.label = "t";
	for (uint64_t i = 0; i < 4; i++)
		expect_req_at(&em, &r, 0x13000 - i * 0x1000);
	ASSERT_TABLE(&em.reserved, { 0x10000, 0x4000, 0, N, "t" });
	expect_req_fails(&em, &r, EM_ENOMEM);
	EXPECT_RC(&em, em_alloc(&em, 1, 1, &a), EM_ENOMEM);
	assert_int_equal(em_free_size(&em), 0);
}

static void test_empty_instance_enomem(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(1, 1);

	setup_em(&em, NULL);
	expect_req_fails(&em, &r, EM_ENOMEM);
	reserve(&em, 0, 0x10000, "only-reserved");
	expect_req_fails(&em, &r, EM_ENOMEM);
}

static void test_never_spans_two_regions(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x2000, 0x1000);
	uint64_t a;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, 0, 0);
	add(&em, 0x11000, 0x1000, 1, 0);
	ASSERT_TABLE(&em.memory, { 0x10000, 0x1000, 0, 0, NULL }, { 0x11000, 0x1000, 0, 1, NULL });
	expect_req_fails(&em, &r, EM_ENOMEM);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_fails(&em, &r, EM_ENOMEM);
	r = req_of(0x1800, 0x800);
	expect_req_fails(&em, &r, EM_ENOMEM);
	EXPECT_RC(&em, em_alloc(&em, 0x1001, 1, &a), EM_ENOMEM);
	/* each half alone still works */
	r = req_of(0x1000, 0x1000);
	expect_req_at(&em, &r, 0x11000);
	ASSERT_TABLE(&em.reserved, { 0x11000, 0x1000, 0, 1, NULL });
}

static void test_never_spans_regions_differing_in_flags(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x2000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, N, 0);
	add(&em, 0x11000, 0x1000, N, EM_MIRROR);
	expect_req_fails(&em, &r, EM_ENOMEM);
}

/* ---- windows and the current limit -------------------------------------- */

static void test_range_window_top_down(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0, 0x100000, N, 0);
	assert_int_equal(em_alloc_range(&em, 0x1000, 0x1000, 0x20000, 0x30000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x2f000);
	ASSERT_TABLE(&em.reserved, { 0x2f000, 0x1000, 0, N, NULL });
}

static void test_range_window_bottom_up(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0, 0x100000, N, 0);
	em_set_bottom_up(&em, true);
	assert_int_equal(em_alloc_range(&em, 0x1000, 0x1000, 0x20000, 0x30000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x20000);
	ASSERT_TABLE(&em.reserved, { 0x20000, 0x1000, 0, N, NULL });
}

static void test_range_unaligned_window(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0, 0x100000, N, 0);
	r.min = 0x20001;
	r.max = 0x30fff;
	expect_req_at(&em, &r, 0x2f000);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_at(&em, &r, 0x21000);
	ASSERT_TABLE(&em.reserved, { 0x21000, 0x1000, 0, N, NULL },
		     { 0x2f000, 0x1000, 0, N, NULL });
}

static void test_range_window_reaches_memory_partly(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0); /* [0x10000, 0x20000) */
	r.min = 0x8000;
	r.max = 0x12000;
	expect_req_at(&em, &r, 0x11000);
	r.flags = EM_ALLOC_BOTTOM_UP;
	r.min = 0x1f000;
	r.max = 0x40000;
	expect_req_at(&em, &r, 0x1f000);
	ASSERT_TABLE(&em.reserved, { 0x11000, 0x1000, 0, N, NULL },
		     { 0x1f000, 0x1000, 0, N, NULL });
}

static void test_range_min_inside_reservation_bottom_up(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	reserve(&em, 0x1000, 0x4000, "r"); /* [0x1000, 0x5000) */
	r.flags = EM_ALLOC_BOTTOM_UP;
	r.min = 0x2000;
	expect_req_at(&em, &r, 0x5000);
	ASSERT_TABLE(&em.reserved, { 0x1000, 0x4000, 0, N, "r" }, { 0x5000, 0x1000, 0, N, NULL });
}

static void test_range_max_inside_reservation_top_down(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	reserve(&em, 0x8000, 0x4000, "r"); /* [0x8000, 0xc000) */
	r.max = 0xa000;
	expect_req_at(&em, &r, 0x7000);
	ASSERT_TABLE(&em.reserved, { 0x7000, 0x1000, 0, N, NULL }, { 0x8000, 0x4000, 0, N, "r" });
}

static void test_range_bounds_in_gaps_between_regions(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	add(&em, 0x30000, 0x10000, N, 0);
	add(&em, 0x50000, 0x10000, N, 0);
	r.min = 0x28000; /* in the first gap */
	r.max = 0x48000; /* in the second gap */
	expect_req_at(&em, &r, 0x3f000);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_at(&em, &r, 0x30000);
	ASSERT_TABLE(&em.reserved, { 0x30000, 0x1000, 0, N, NULL },
		     { 0x3f000, 0x1000, 0, N, NULL });
}

static void test_range_empty_window_enomem(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(1, 1);

	one_region(&em);
	r.min = r.max = 0x180000;
	expect_req_fails(&em, &r, EM_ENOMEM);
}

static void test_range_window_too_small_enomem(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);
	uint64_t a;

	one_region(&em);
	r.min = 0x180001;
	r.max = 0x181fff; /* no aligned page fits */
	expect_req_fails(&em, &r, EM_ENOMEM);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_fails(&em, &r, EM_ENOMEM);
	EXPECT_RC(&em, em_alloc_range(&em, 0x1000, 1, 0x180000, 0x180fff, &a), EM_ENOMEM);
	/* window entirely outside memory */
	EXPECT_RC(&em, em_alloc_range(&em, 0x1000, 0x1000, 0, 1 * MiB, &a), EM_ENOMEM);
	EXPECT_RC(&em, em_alloc_range(&em, 0x1000, 0x1000, 2 * MiB, EM_ALLOC_ANYWHERE, &a),
		  EM_ENOMEM);
}

static void test_current_limit_caps_top_down(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0, 0x100000, N, 0);
	em_set_current_limit(&em, 0x50800);
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x4f000);
	assert_int_equal(em_alloc(&em, 0x800, 0x800, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x50000); /* ends exactly at the limit */
	ASSERT_TABLE(&em.reserved, { 0x4f000, 0x1800, 0, N, NULL });
}

static void test_current_limit_and_max_lower_wins(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0, 0x100000, N, 0);
	em_set_current_limit(&em, 0x50000);
	assert_int_equal(em_alloc_range(&em, 0x1000, 0x1000, 0, 0x40000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x3f000);
	assert_int_equal(em_alloc_range(&em, 0x1000, 0x1000, 0, 0x60000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x4f000);
	ASSERT_TABLE(&em.reserved, { 0x3f000, 0x1000, 0, N, NULL },
		     { 0x4f000, 0x1000, 0, N, NULL });
}

static void test_current_limit_below_memory_enomem(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a;
	struct em_request r = req_of(0x1000, 0x1000);

	one_region(&em);
	em_set_current_limit(&em, 1 * MiB + 0xfff);
	expect_req_fails(&em, &r, EM_ENOMEM);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_fails(&em, &r, EM_ENOMEM);
	EXPECT_RC(&em, em_alloc(&em, 0x1000, 0x1000, &a), EM_ENOMEM);
}

static void test_current_limit_bottom_up(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	em_set_bottom_up(&em, true);
	em_set_current_limit(&em, 0x11000);
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x10000);
	EXPECT_RC(&em, em_alloc(&em, 0x1000, 0x1000, &a), EM_ENOMEM);
	ASSERT_TABLE(&em.reserved, { 0x10000, 0x1000, 0, N, NULL });
}

static void test_current_limit_anywhere_removes_limit(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0, 0x100000, N, 0);
	add(&em, 0xffffffffffff0000ull, 0xffff, N, 0);
	em_set_current_limit(&em, 0x1000);
	assert_int_equal(em_get_current_limit(&em), 0x1000);
	em_set_current_limit(&em, EM_ALLOC_ANYWHERE);
	assert_int_equal(em_get_current_limit(&em), EM_ALLOC_ANYWHERE);
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0xffffffffffffe000ull);
	ASSERT_TABLE(&em.reserved, { 0xffffffffffffe000ull, 0x1000, 0, N, NULL });
}

static void test_current_limit_applies_to_find_and_node(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x100000, 0x100000, 0, 0);
	add(&em, 0x200000, 0x100000, 1, 0);
	em_set_current_limit(&em, 0x180000);
	expect_req_at(&em, &r, 0x17f000);
	/* node 1 lies entirely above the limit: falls back to node 0 */
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 1, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x17e000);
	ASSERT_TABLE(&em.reserved, { 0x17e000, 0x2000, 0, 0, NULL });
}

/* ---- region flags ------------------------------------------------------- */

static void test_hotplug_skipped_unless_named(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	add(&em, 0x10000, 0x10000, N, EM_HOTPLUG);
	expect_req_at(&em, &r, 0xf000);
	r.flags = EM_HOTPLUG;
	expect_req_at(&em, &r, 0x1f000);
	ASSERT_TABLE(&em.reserved, { 0xf000, 0x1000, 0, N, NULL }, { 0x1f000, 0x1000, 0, N, NULL });
}

static void test_nomap_skipped_unless_named(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, EM_NOMAP);
	add(&em, 0x20000, 0x10000, N, 0);
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_at(&em, &r, 0x20000);
	r.flags = EM_ALLOC_BOTTOM_UP | EM_NOMAP;
	expect_req_at(&em, &r, 0x10000);
	r.flags = EM_ALLOC_BOTTOM_UP | EM_HOTPLUG; /* naming another flag is not enough */
	expect_req_at(&em, &r, 0x21000);
	ASSERT_TABLE(&em.reserved, { 0x10000, 0x1000, 0, N, NULL },
		     { 0x20000, 0x2000, 0, N, NULL });
}

static void test_unaccepted_skipped_without_hook(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, EM_UNACCEPTED);
	expect_req_fails(&em, &r, EM_ENOMEM);
	add(&em, 0x0, 0x10000, N, 0);
	expect_req_at(&em, &r, 0xf000);
	ASSERT_TABLE(&em.reserved, { 0xf000, 0x1000, 0, N, NULL });
}

static void test_unaccepted_used_when_named(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x0, 0x10000, N, 0);
	add(&em, 0x10000, 0x10000, N, EM_UNACCEPTED);
	r.flags = EM_UNACCEPTED;
	expect_req_at(&em, &r, 0x1f000);
	ASSERT_TABLE(&em.reserved, { 0x1f000, 0x1000, 0, N, NULL });
}

static void test_region_with_two_skip_flags_needs_both(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, EM_HOTPLUG | EM_NOMAP);
	r.flags = EM_HOTPLUG;
	expect_req_fails(&em, &r, EM_ENOMEM);
	r.flags = EM_NOMAP;
	expect_req_fails(&em, &r, EM_ENOMEM);
	r.flags = EM_HOTPLUG | EM_NOMAP;
	expect_req_at(&em, &r, 0x1f000);
	ASSERT_TABLE(&em.reserved, { 0x1f000, 0x1000, 0, N, NULL });
}

static void test_mirror_flag_selects_mirrored_only(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, EM_MIRROR);
	add(&em, 0x10000, 0x10000, N, 0);
	r.flags = EM_MIRROR;
	expect_req_at(&em, &r, 0xf000);
	ASSERT_TABLE(&em.reserved, { 0xf000, 0x1000, 0, N, NULL });
}

static void test_mirror_memory_used_without_flag(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	add(&em, 0x10000, 0x10000, N, EM_MIRROR);
	expect_req_at(&em, &r, 0x1f000);
	ASSERT_TABLE(&em.reserved, { 0x1f000, 0x1000, 0, N, NULL });
}

static void test_mirror_flag_without_mirrored_memory_enomem(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	one_region(&em);
	r.flags = EM_MIRROR;
	expect_req_fails(&em, &r, EM_ENOMEM);
}

static void test_mirror_flag_still_skips_hotplug(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, EM_MIRROR);
	add(&em, 0x10000, 0x10000, N, EM_MIRROR | EM_HOTPLUG);
	r.flags = EM_MIRROR;
	expect_req_at(&em, &r, 0xf000);
	r.flags = EM_MIRROR | EM_HOTPLUG;
	expect_req_at(&em, &r, 0x1f000);
	ASSERT_TABLE(&em.reserved, { 0xf000, 0x1000, 0, N, NULL }, { 0x1f000, 0x1000, 0, N, NULL });
}

static void test_reservation_flags_zero_from_flagged_memory(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, 2, EM_MIRROR | EM_HOTPLUG | EM_NOMAP);
	r.flags = EM_MIRROR | EM_HOTPLUG | EM_NOMAP;
	r.label = "f";
	expect_req_at(&em, &r, 0x1f000);
	ASSERT_TABLE(&em.reserved, { 0x1f000, 0x1000, 0, 2, "f" });
	ASSERT_TABLE(&em.memory, { 0x10000, 0x10000, EM_MIRROR | EM_HOTPLUG | EM_NOMAP, 2, NULL });
}

/* ---- the accept hook ---------------------------------------------------- */

struct accept_ctx {
	struct earlymem *em;
	int calls;
	int ret;
	uint64_t base, size;
	bool reserved_during_call;
};

static int accept_hook(void *ctx, uint64_t base, uint64_t size)
{
	struct accept_ctx *c = ctx;

	c->calls++;
	c->base = base;
	c->size = size;
	c->reserved_during_call = em_range_intersects_reserved(c->em, base, size);
	return c->ret;
}

static void setup_accept(struct earlymem *em, struct accept_ctx *c, int ret)
{
	struct em_hooks h = { .accept = accept_hook, .log = test_log_hook, .ctx = c };

	memset(c, 0, sizeof(*c));
	c->em = em;
	c->ret = ret;
	em_init(em);
	em_set_hooks(em, &h);
	test_log_reset();
	add(em, 0x0, 0x10000, N, 0);
	add(em, 0x100000, 0x10000, 1, EM_UNACCEPTED);
}

static void test_accept_hook_called_once_before_reserve(void **state)
{
	(void)state;
	struct earlymem em;
	struct accept_ctx c;
	struct em_request r = req_of(0x2000, 0x1000);
	uint64_t a = 0;

	setup_accept(&em, &c, 0);
	r.flags = EM_UNACCEPTED;
	r.label = "acc";
	assert_int_equal(em_alloc_req(&em, &r, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x10e000);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.base, 0x10e000);
	assert_int_equal(c.size, 0x2000);
	assert_false(c.reserved_during_call);
	ASSERT_TABLE(&em.reserved, { 0x10e000, 0x2000, 0, 1, "acc" });
}

static void test_alloc_at_calls_accept_hook_on_unaccepted(void **state)
{
	(void)state;
	struct earlymem em;
	struct accept_ctx c;

	setup_accept(&em, &c, 0);
	/* Accepted memory: no call. */
	assert_int_equal(em_alloc_at(&em, 0x1000, 0x1000, "plain"), 0);
	assert_int_equal(c.calls, 0);
	/* Unaccepted memory: one call with the whole range, before reserving. */
	assert_int_equal(em_alloc_at(&em, 0x104000, 0x3000, "unacc"), 0);
	assert_check(&em);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.base, 0x104000);
	assert_int_equal(c.size, 0x3000);
	assert_false(c.reserved_during_call);
	ASSERT_TABLE(&em.reserved, { 0x1000, 0x1000, 0, N, "plain" },
		     { 0x104000, 0x3000, 0, 1, "unacc" });
}

static void test_alloc_at_accept_failure_eaccept_atomic(void **state)
{
	(void)state;
	struct earlymem em;
	struct accept_ctx c;
	struct em_snapshot snap;

	setup_accept(&em, &c, -5);
	snap_take(&snap, &em);
	assert_int_equal(em_alloc_at(&em, 0x104000, 0x1000, "x"), EM_EACCEPT);
	snap_assert_same(&snap, &em);
	assert_int_equal(c.calls, 1);
}

static void test_null_addr_einval(void **state)
{
	(void)state;
	struct earlymem em;
	struct accept_ctx c;
	struct em_request r = req_of(0x1000, 0x1000);
	struct em_snapshot snap;

	setup_accept(&em, &c, 0);
	snap_take(&snap, &em);
	assert_int_equal(em_find(&em, &r, NULL), EM_EINVAL);
	assert_int_equal(em_alloc_req(&em, &r, NULL), EM_EINVAL);
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, NULL), EM_EINVAL);
	snap_assert_same(&snap, &em);
}

static void test_accept_hook_makes_unaccepted_usable(void **state)
{
	(void)state;
	struct earlymem em;
	struct accept_ctx c;
	uint64_t a = 0;

	setup_accept(&em, &c, 0);
	/* flags 0: with a hook, unaccepted memory is usable */
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x10f000);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.base, 0x10f000);
	assert_int_equal(c.size, 0x1000);
	ASSERT_TABLE(&em.reserved, { 0x10f000, 0x1000, 0, 1, NULL });
}

static void test_accept_hook_failure_eaccept_atomic(void **state)
{
	(void)state;
	struct earlymem em;
	struct accept_ctx c;
	struct em_snapshot s;
	struct em_request r = req_of(0x1000, 0x1000);
	uint64_t a = 0x77;

	setup_accept(&em, &c, -1);
	r.flags = EM_UNACCEPTED;
	snap_take(&s, &em);
	assert_int_equal(em_alloc_req(&em, &r, &a), EM_EACCEPT);
	snap_assert_same(&s, &em);
	assert_check(&em);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.base, 0x10f000);
	assert_int_equal(c.size, 0x1000);
	ASSERT_EMPTY(&em.reserved);
}

static void test_accept_hook_not_called_for_accepted_memory(void **state)
{
	(void)state;
	struct earlymem em;
	struct accept_ctx c;
	uint64_t a = 0;

	setup_accept(&em, &c, 0);
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, EM_NODE_NONE, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x10f000); /* highest: unaccepted, accepted */
	assert_int_equal(c.calls, 1);
	assert_int_equal(em_alloc_range(&em, 0x1000, 0x1000, 0, 0x10000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0xf000);
	assert_int_equal(c.calls, 1); /* plain memory: no call */
	ASSERT_TABLE(&em.reserved, { 0xf000, 0x1000, 0, N, NULL },
		     { 0x10f000, 0x1000, 0, 1, NULL });
}

static void test_find_does_not_call_accept_hook(void **state)
{
	(void)state;
	struct earlymem em;
	struct accept_ctx c;
	struct em_snapshot s;
	struct em_request r = req_of(0x1000, 0x1000);
	uint64_t a = 0;

	setup_accept(&em, &c, 0);
	snap_take(&s, &em);
	assert_int_equal(em_find(&em, &r, &a), 0);
	snap_assert_same(&s, &em);
	assert_int_equal(a, 0x10f000);
	assert_int_equal(c.calls, 0);
}

/* ---- what gets reserved -------------------------------------------------- */

static void test_alloc_reserves_label_and_node(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x3000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x40000, 0x10000, 3, 0);
	r.label = "pt";
	expect_req_at(&em, &r, 0x4d000);
	ASSERT_TABLE(&em.reserved, { 0x4d000, 0x3000, 0, 3, "pt" });
	ASSERT_TABLE(&em.memory, { 0x40000, 0x10000, 0, 3, NULL });
}

static void test_wrappers_reserve_without_label(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0, b = 0, c = 0;

	setup_em(&em, NULL);
	add(&em, 0x40000, 0x10000, 3, 0);
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(em_alloc_range(&em, 0x1000, 0x1000, 0, 0x48000, &b), 0);
	assert_check(&em);
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 3, &c), 0);
	assert_check(&em);
	assert_int_equal(a, 0x4f000);
	assert_int_equal(b, 0x47000);
	assert_int_equal(c, 0x4e000);
	ASSERT_TABLE(&em.reserved, { 0x47000, 0x1000, 0, 3, NULL },
		     { 0x4e000, 0x2000, 0, 3, NULL });
}

static void test_adjacent_allocations_same_label_merge(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x40000, 0x10000, 3, 0);
	r.label = "same";
	expect_req_at(&em, &r, 0x4f000);
	expect_req_at(&em, &r, 0x4e000);
	expect_req_at(&em, &r, 0x4d000);
	ASSERT_TABLE(&em.reserved, { 0x4d000, 0x3000, 0, 3, "same" });
}

static void test_adjacent_allocations_different_label_not_merged(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x40000, 0x10000, 3, 0);
	r.label = "one";
	expect_req_at(&em, &r, 0x4f000);
	r.label = "two";
	expect_req_at(&em, &r, 0x4e000);
	r.label = NULL;
	expect_req_at(&em, &r, 0x4d000);
	ASSERT_TABLE(&em.reserved, { 0x4d000, 0x1000, 0, 3, NULL },
		     { 0x4e000, 0x1000, 0, 3, "two" }, { 0x4f000, 0x1000, 0, 3, "one" });
}

static void test_adjacent_allocations_different_node_not_merged(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, 0, 0);
	add(&em, 0x11000, 0x1000, 1, 0);
	r.label = "x";
	expect_req_at(&em, &r, 0x11000);
	expect_req_at(&em, &r, 0x10000);
	ASSERT_TABLE(&em.reserved, { 0x10000, 0x1000, 0, 0, "x" }, { 0x11000, 0x1000, 0, 1, "x" });
}

static void test_label_compared_as_string(void **state)
{
	(void)state;
	struct earlymem em;
	char l1[] = "buf", l2[] = "buf";
	struct em_request r = req_of(0x1000, 0x1000);

	setup_em(&em, NULL);
	add(&em, 0x40000, 0x10000, N, 0);
	r.label = l1;
	expect_req_at(&em, &r, 0x4f000);
	r.label = l2;
	expect_req_at(&em, &r, 0x4e000);
	ASSERT_TABLE(&em.reserved, { 0x4e000, 0x2000, 0, N, "buf" });
}

static void test_find_changes_nothing(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;
	struct em_request r = req_of(0x1000, 0x1000);
	uint64_t f1 = 0, f2 = 0, a = 0;

	holes(&em);
	snap_take(&s, &em);
	assert_int_equal(em_find(&em, &r, &f1), 0);
	assert_int_equal(em_find(&em, &r, &f2), 0);
	snap_assert_same(&s, &em);
	assert_int_equal(f1, 0xb000);
	assert_int_equal(f2, 0xb000);
	assert_int_equal(em_alloc_req(&em, &r, &a), 0);
	assert_int_equal(a, f1);
	assert_check(&em);
}

static void test_retired_eretired(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);
	uint64_t a;

	one_region(&em);
	em.retired = true;
	expect_req_fails(&em, &r, EM_ERETIRED);
	EXPECT_RC(&em, em_alloc(&em, 0x1000, 0x1000, &a), EM_ERETIRED);
	EXPECT_RC(&em, em_alloc_range(&em, 0x1000, 0x1000, 0, EM_ALLOC_ANYWHERE, &a), EM_ERETIRED);
	EXPECT_RC(&em, em_alloc_node(&em, 0x1000, 0x1000, EM_NODE_ANY, &a), EM_ERETIRED);
	EXPECT_RC(&em, em_alloc_at(&em, 1 * MiB, 0x1000, "late"), EM_ERETIRED);
	ASSERT_EMPTY(&em.reserved);
}

/* Fills the reserved array: EM_STATIC_REGIONS separate 4 KiB reservations, 8 KiB apart. */
static void fill_reserved(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0, 16 * MiB, N, 0);
	for (uint64_t i = 0; i < EM_STATIC_REGIONS; i++)
		assert_int_equal(em_reserve(em, i * 0x2000, 0x1000), 0);
	assert_check(em);
	assert_int_equal(em->reserved.cnt, EM_STATIC_REGIONS);
}

static void test_alloc_full_reserved_array_enospc(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);
	struct em_snapshot s;
	uint64_t a = 0, f = 0;

	fill_reserved(&em);
	/* em_find needs no slot */
	assert_int_equal(em_find(&em, &r, &f), 0);
	assert_int_equal(f, 16 * MiB - 0x1000);
	snap_take(&s, &em);
	assert_int_equal(em_alloc_req(&em, &r, &a), EM_ENOSPC);
	snap_assert_same(&s, &em);
	assert_check(&em);
	EXPECT_RC(&em, em_alloc(&em, 0x1000, 0x1000, &a), EM_ENOSPC);
	EXPECT_RC(&em, em_alloc_at(&em, 8 * MiB, 0x1000, NULL), EM_ENOSPC);
}

static void test_alloc_merging_into_full_reserved_array(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;
	uint64_t last = (EM_STATIC_REGIONS - 1) * 0x2000ull;

	fill_reserved(&em);
	/* right above the last reservation, same (no) label and node: merges */
	assert_int_equal(em_alloc_range(&em, 0x1000, 0x1000, last + 0x1000, last + 0x2000, &a), 0);
	assert_check(&em);
	assert_int_equal(a, last + 0x1000);
	assert_int_equal(em.reserved.cnt, EM_STATIC_REGIONS);
	assert_int_equal(REGION(&em.reserved, EM_STATIC_REGIONS - 1)->base, last);
	assert_int_equal(REGION(&em.reserved, EM_STATIC_REGIONS - 1)->size, 0x2000);
	/* filling a hole between two reservations bridges them: one slot fewer */
	assert_int_equal(em_alloc_at(&em, 0x1000, 0x1000, NULL), 0);
	assert_check(&em);
	assert_int_equal(em.reserved.cnt, EM_STATIC_REGIONS - 1);
	assert_int_equal(REGION(&em.reserved, 0)->base, 0);
	assert_int_equal(REGION(&em.reserved, 0)->size, 0x3000);
}

/* ---- node preference ---------------------------------------------------- */

/*
 * Four nodes of 64 KiB each, ascending by id, plus node-less memory low:
 *   none  [0x010000, 0x020000)
 *   node0 [0x100000, 0x110000)
 *   node1 [0x200000, 0x210000)
 *   node2 [0x300000, 0x310000)
 *   node3 [0x400000, 0x410000)
 * Distances from node 0: 1 -> 30, 2 -> 15, 3 -> 30 (nearest is node 2, not
 * the next id). Distances towards node 0 stay at the default 20, so a
 * fallback that read the table the wrong way round would pick node 3.
 */
static void numa(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0x10000, 0x10000, N, 0);
	add(em, 0x100000, 0x10000, 0, 0);
	add(em, 0x200000, 0x10000, 1, 0);
	add(em, 0x300000, 0x10000, 2, 0);
	add(em, 0x400000, 0x10000, 3, 0);
	assert_int_equal(em_set_distance(em, 0, 1, 30), 0);
	assert_int_equal(em_set_distance(em, 0, 2, 15), 0);
	assert_int_equal(em_set_distance(em, 0, 3, 30), 0);
}

static void test_node_preferred_first(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	numa(&em);
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 0, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x10f000);
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 1, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x20f000);
	ASSERT_TABLE(&em.reserved, { 0x10f000, 0x1000, 0, 0, NULL },
		     { 0x20f000, 0x1000, 0, 1, NULL });
}

static void test_node_preferred_first_bottom_up(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	numa(&em);
	em_set_bottom_up(&em, true);
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 3, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x400000);
	ASSERT_TABLE(&em.reserved, { 0x400000, 0x1000, 0, 3, NULL });
}

static void test_node_fallback_nearest_group_first(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	numa(&em);
	reserve(&em, 0x100000, 0x10000, "node0-full");
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 0, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x30f000);
	ASSERT_TABLE(&em.reserved, { 0x100000, 0x10000, 0, N, "node0-full" },
		     { 0x30f000, 0x1000, 0, 2, NULL });
}

static void test_node_fallback_nearest_group_first_bottom_up(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	numa(&em);
	em_set_bottom_up(&em, true);
	reserve(&em, 0x100000, 0x10000, "node0-full");
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 0, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x300000); /* not node 1, lower and next by id */
	ASSERT_TABLE(&em.reserved, { 0x100000, 0x10000, 0, N, "node0-full" },
		     { 0x300000, 0x1000, 0, 2, NULL });
}

static void test_node_fallback_equal_distance_compete_top_down(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	numa(&em);
	reserve(&em, 0x100000, 0x10000, "full");
	reserve(&em, 0x300000, 0x10000, "full");
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 0, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x40f000); /* nodes 1 and 3 tie at 30: highest wins */
	ASSERT_TABLE(&em.reserved, { 0x100000, 0x10000, 0, N, "full" },
		     { 0x300000, 0x10000, 0, N, "full" }, { 0x40f000, 0x1000, 0, 3, NULL });
}

static void test_node_fallback_equal_distance_compete_bottom_up(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	numa(&em);
	em_set_bottom_up(&em, true);
	reserve(&em, 0x100000, 0x10000, "full");
	reserve(&em, 0x300000, 0x10000, "full");
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 0, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x200000); /* nodes 1 and 3 tie: lowest wins */
	ASSERT_TABLE(&em.reserved, { 0x100000, 0x10000, 0, N, "full" },
		     { 0x200000, 0x1000, 0, 1, NULL }, { 0x300000, 0x10000, 0, N, "full" });
}

static void test_node_fallback_then_nodeless_memory(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	numa(&em);
	reserve(&em, 0x100000, 0x310000, "all-nodes"); /* nodes 0..3 and the gaps */
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 0, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x1f000);
	ASSERT_TABLE(&em.reserved, { 0x1f000, 0x1000, 0, N, NULL },
		     { 0x100000, 0x310000, 0, N, "all-nodes" });
}

static void test_node_fallback_nodeless_after_all_groups(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	/* node-less memory placed highest: still only after every node */
	setup_em(&em, NULL);
	add(&em, 0x100000, 0x10000, 0, 0);
	add(&em, 0x200000, 0x10000, 1, 0);
	add(&em, 0x900000, 0x10000, N, 0);
	assert_int_equal(em_set_distance(&em, 0, 1, 250), 0);
	reserve(&em, 0x100000, 0x10000, "full");
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 0, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x20f000);
	ASSERT_TABLE(&em.reserved, { 0x100000, 0x10000, 0, N, "full" },
		     { 0x20f000, 0x1000, 0, 1, NULL });
}

static void test_node_fallback_default_distances(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	add(&em, 0x100000, 0x10000, 0, 0);
	add(&em, 0x200000, 0x10000, 1, 0);
	add(&em, 0x300000, 0x10000, 2, 0);
	reserve(&em, 0x200000, 0x10000, "full");
	/* default: every remote node at 20, so nodes 0 and 2 compete */
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 1, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x30f000);
	ASSERT_TABLE(&em.reserved, { 0x200000, 0x10000, 0, N, "full" },
		     { 0x30f000, 0x1000, 0, 2, NULL });
}

static void test_node_preferred_without_memory_falls_back(void **state)
{
	(void)state;
	struct earlymem em;
	uint64_t a = 0;

	numa(&em);
	assert_int_equal(em_set_distance(&em, 5, 1, 11), 0);
	assert_int_equal(em_alloc_node(&em, 0x1000, 0x1000, 5, &a), 0);
	assert_check(&em);
	assert_int_equal(a, 0x20f000); /* node 1 is nearest to node 5 */
	ASSERT_TABLE(&em.reserved, { 0x20f000, 0x1000, 0, 1, NULL });
}

static void test_node_fallback_respects_window(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	numa(&em);
	r.node = 0;
	r.max = 0x300000; /* node 2 (nearest) and node 3 are above the window */
	expect_req_at(&em, &r, 0x10f000);
	reserve(&em, 0x100000, 0xf000, "rest-of-0");
	expect_req_at(&em, &r, 0x20f000);
	ASSERT_TABLE(&em.reserved, { 0x100000, 0xf000, 0, N, "rest-of-0" },
		     { 0x10f000, 0x1000, 0, 0, NULL }, { 0x20f000, 0x1000, 0, 1, NULL });
}

static void test_exact_node_allocates_on_node(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	numa(&em);
	r.node = 1;
	r.flags = EM_ALLOC_EXACT_NODE;
	r.label = "n1";
	expect_req_at(&em, &r, 0x20f000);
	r.flags = EM_ALLOC_EXACT_NODE | EM_ALLOC_BOTTOM_UP;
	expect_req_at(&em, &r, 0x200000);
	ASSERT_TABLE(&em.reserved, { 0x200000, 0x1000, 0, 1, "n1" },
		     { 0x20f000, 0x1000, 0, 1, "n1" });
}

static void test_exact_node_no_fallback_enomem(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	numa(&em);
	reserve(&em, 0x100000, 0x10000, "full");
	r.node = 0;
	r.flags = EM_ALLOC_EXACT_NODE;
	expect_req_fails(&em, &r, EM_ENOMEM);
	r.node = 7; /* a node without memory */
	expect_req_fails(&em, &r, EM_ENOMEM);
}

static void test_no_preference_takes_best_address_anywhere(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_request r = req_of(0x1000, 0x1000);

	numa(&em);
	r.node = EM_NODE_ANY;
	expect_req_at(&em, &r, 0x40f000);
	r.node = EM_NODE_NONE;
	expect_req_at(&em, &r, 0x40e000);
	r.node = EM_NODE_ANY;
	r.flags = EM_ALLOC_BOTTOM_UP;
	expect_req_at(&em, &r, 0x10000); /* node-less memory competes too */
	ASSERT_TABLE(&em.reserved, { 0x10000, 0x1000, 0, N, NULL },
		     { 0x40e000, 0x2000, 0, 3, NULL });
}

/* ---- em_alloc_at -------------------------------------------------------- */

static void test_alloc_at_size_zero_einval(void **state)
{
	(void)state;
	struct earlymem em;

	one_region(&em);
	EXPECT_RC(&em, em_alloc_at(&em, 1 * MiB, 0, "z"), EM_EINVAL);
}

static void test_alloc_at_wrap_erange(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0xffffffffffff0000ull, 0xffff, N, 0);
	EXPECT_RC(&em, em_alloc_at(&em, UINT64_MAX - 0x1000, 0x2000, "w"), EM_ERANGE);
	EXPECT_RC(&em, em_alloc_at(&em, 0xfffffffffffff000ull, 0x1000, "w"), EM_ERANGE);
	EXPECT_RC(&em, em_alloc_at(&em, UINT64_MAX, 1, "w"), EM_ERANGE);
	EXPECT_RC(&em, em_alloc_at(&em, 1, UINT64_MAX, "w"), EM_ERANGE);
}

static void test_alloc_at_not_memory_enoent(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, N, 0);
	add(&em, 0x12000, 0x1000, N, 0);
	EXPECT_RC(&em, em_alloc_at(&em, 0x0, 0x1000, "x"), EM_ENOENT);	   /* below */
	EXPECT_RC(&em, em_alloc_at(&em, 0xffff, 0x2, "x"), EM_ENOENT);	   /* first byte */
	EXPECT_RC(&em, em_alloc_at(&em, 0x10800, 0x1000, "x"), EM_ENOENT); /* into the gap */
	EXPECT_RC(&em, em_alloc_at(&em, 0x10000, 0x3000, "x"), EM_ENOENT); /* over the gap */
	EXPECT_RC(&em, em_alloc_at(&em, 0x12fff, 0x2, "x"), EM_ENOENT);	   /* last byte */
	EXPECT_RC(&em, em_alloc_at(&em, 0x11000, 0x1000, "x"), EM_ENOENT); /* the gap */
	EXPECT_RC(&em, em_alloc_at(&em, 0x13000, 0x1000, "x"), EM_ENOENT); /* above */
	ASSERT_EMPTY(&em.reserved);
}

static void test_alloc_at_reserved_ebusy(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	reserve(&em, 0x18000, 0x1000, "r");
	EXPECT_RC(&em, em_alloc_at(&em, 0x17000, 0x1001, "x"), EM_EBUSY);  /* last byte */
	EXPECT_RC(&em, em_alloc_at(&em, 0x18fff, 0x1000, "x"), EM_EBUSY);  /* first byte */
	EXPECT_RC(&em, em_alloc_at(&em, 0x18000, 0x1000, "x"), EM_EBUSY);  /* exactly */
	EXPECT_RC(&em, em_alloc_at(&em, 0x10000, 0x10000, "x"), EM_EBUSY); /* around */
	ASSERT_TABLE(&em.reserved, { 0x18000, 0x1000, 0, N, "r" });
}

static void test_alloc_at_exact_reservation(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	reserve(&em, 0x18000, 0x1000, "r");
	assert_int_equal(em_alloc_at(&em, 0x17000, 0x1000, "kernel"), 0);
	assert_check(&em);
	assert_int_equal(em_alloc_at(&em, 0x19000, 0x123, "kernel"), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.reserved, { 0x17000, 0x1000, 0, N, "kernel" },
		     { 0x18000, 0x1000, 0, N, "r" }, { 0x19000, 0x123, 0, N, "kernel" });
	ASSERT_TABLE(&em.memory, { 0x10000, 0x10000, 0, N, NULL });
}

static void test_alloc_at_reserves_node_of_memory(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, 2, 0);
	assert_int_equal(em_alloc_at(&em, 0x14000, 0x2000, "n"), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.reserved, { 0x14000, 0x2000, 0, 2, "n" });
}

static void test_alloc_at_across_adjacent_regions(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, N, 0);
	add(&em, 0x11000, 0x1000, N, EM_HOTPLUG);
	assert_int_equal(em_alloc_at(&em, 0x10800, 0x1000, "span"), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.reserved, { 0x10800, 0x1000, 0, N, "span" });
	ASSERT_TABLE(&em.memory, { 0x10000, 0x1000, 0, N, NULL },
		     { 0x11000, 0x1000, EM_HOTPLUG, N, NULL });
}

static void test_alloc_at_any_memory_flags(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x1000, N, EM_NOMAP);
	add(&em, 0x20000, 0x1000, N, EM_HOTPLUG | EM_MIRROR);
	assert_int_equal(em_alloc_at(&em, 0x10000, 0x1000, "a"), 0);
	assert_check(&em);
	assert_int_equal(em_alloc_at(&em, 0x20000, 0x1000, "a"), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.reserved, { 0x10000, 0x1000, 0, N, "a" }, { 0x20000, 0x1000, 0, N, "a" });
}

static void test_alloc_at_address_zero(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0, 0x10000, N, 0);
	assert_int_equal(em_alloc_at(&em, 0, 1, "zero"), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.reserved, { 0, 1, 0, N, "zero" });
	EXPECT_RC(&em, em_alloc_at(&em, 0, 1, "zero"), EM_EBUSY);
}

static void test_alloc_at_ends_at_addr_end(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0xfffffffffffff000ull, 0xfff, N, 0);
	assert_int_equal(em_alloc_at(&em, 0xfffffffffffff800ull, 0x7ff, "top"), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.reserved, { 0xfffffffffffff800ull, 0x7ff, 0, N, "top" });
}

static void test_alloc_at_merges_with_same_label(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x10000, 0x10000, N, 0);
	reserve(&em, 0x12000, 0x1000, "k");
	reserve(&em, 0x14000, 0x1000, "k");
	assert_int_equal(em_alloc_at(&em, 0x13000, 0x1000, "k"), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.reserved, { 0x12000, 0x3000, 0, N, "k" });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_zero_einval),
		cmocka_unit_test(test_align_zero_einval),
		cmocka_unit_test(test_align_not_power_of_two_einval),
		cmocka_unit_test(test_unknown_flags_einval),
		cmocka_unit_test(test_both_directions_einval),
		cmocka_unit_test(test_min_greater_than_max_einval),
		cmocka_unit_test(test_exact_node_without_real_node_einval),
		cmocka_unit_test(test_node_out_of_range_einval),
		cmocka_unit_test(test_null_request_einval),
		cmocka_unit_test(test_top_down_returns_highest_aligned_address),
		cmocka_unit_test(test_top_down_unaligned_region_end),
		cmocka_unit_test(test_top_down_byte_alignment_uses_last_bytes),
		cmocka_unit_test(test_bottom_up_returns_lowest_aligned_address),
		cmocka_unit_test(test_flag_bottom_up_overrides_default),
		cmocka_unit_test(test_flag_top_down_overrides_bottom_up_default),
		cmocka_unit_test(test_top_down_skips_reserved),
		cmocka_unit_test(test_bottom_up_skips_reserved_and_small_holes),
		cmocka_unit_test(test_fills_hole_of_exact_size),
		cmocka_unit_test(test_reservation_outside_memory_does_not_block),
		cmocka_unit_test(test_may_return_address_zero),
		cmocka_unit_test(test_bottom_up_may_return_address_zero),
		cmocka_unit_test(test_top_of_address_space),
		cmocka_unit_test(test_top_of_address_space_bottom_up),
		cmocka_unit_test(test_align_larger_than_any_region_enomem),
		cmocka_unit_test(test_huge_alignment),
		cmocka_unit_test(test_huge_alignment_at_address_zero),
		cmocka_unit_test(test_exhaustion_then_enomem),
		cmocka_unit_test(test_empty_instance_enomem),
		cmocka_unit_test(test_never_spans_two_regions),
		cmocka_unit_test(test_never_spans_regions_differing_in_flags),
		cmocka_unit_test(test_range_window_top_down),
		cmocka_unit_test(test_range_window_bottom_up),
		cmocka_unit_test(test_range_unaligned_window),
		cmocka_unit_test(test_range_window_reaches_memory_partly),
		cmocka_unit_test(test_range_min_inside_reservation_bottom_up),
		cmocka_unit_test(test_range_max_inside_reservation_top_down),
		cmocka_unit_test(test_range_bounds_in_gaps_between_regions),
		cmocka_unit_test(test_range_empty_window_enomem),
		cmocka_unit_test(test_range_window_too_small_enomem),
		cmocka_unit_test(test_current_limit_caps_top_down),
		cmocka_unit_test(test_current_limit_and_max_lower_wins),
		cmocka_unit_test(test_current_limit_below_memory_enomem),
		cmocka_unit_test(test_current_limit_bottom_up),
		cmocka_unit_test(test_current_limit_anywhere_removes_limit),
		cmocka_unit_test(test_current_limit_applies_to_find_and_node),
		cmocka_unit_test(test_hotplug_skipped_unless_named),
		cmocka_unit_test(test_nomap_skipped_unless_named),
		cmocka_unit_test(test_unaccepted_skipped_without_hook),
		cmocka_unit_test(test_unaccepted_used_when_named),
		cmocka_unit_test(test_region_with_two_skip_flags_needs_both),
		cmocka_unit_test(test_mirror_flag_selects_mirrored_only),
		cmocka_unit_test(test_mirror_memory_used_without_flag),
		cmocka_unit_test(test_mirror_flag_without_mirrored_memory_enomem),
		cmocka_unit_test(test_mirror_flag_still_skips_hotplug),
		cmocka_unit_test(test_reservation_flags_zero_from_flagged_memory),
		cmocka_unit_test(test_accept_hook_called_once_before_reserve),
		cmocka_unit_test(test_accept_hook_makes_unaccepted_usable),
		cmocka_unit_test(test_alloc_at_calls_accept_hook_on_unaccepted),
		cmocka_unit_test(test_alloc_at_accept_failure_eaccept_atomic),
		cmocka_unit_test(test_null_addr_einval),
		cmocka_unit_test(test_accept_hook_failure_eaccept_atomic),
		cmocka_unit_test(test_accept_hook_not_called_for_accepted_memory),
		cmocka_unit_test(test_find_does_not_call_accept_hook),
		cmocka_unit_test(test_alloc_reserves_label_and_node),
		cmocka_unit_test(test_wrappers_reserve_without_label),
		cmocka_unit_test(test_adjacent_allocations_same_label_merge),
		cmocka_unit_test(test_adjacent_allocations_different_label_not_merged),
		cmocka_unit_test(test_adjacent_allocations_different_node_not_merged),
		cmocka_unit_test(test_label_compared_as_string),
		cmocka_unit_test(test_find_changes_nothing),
		cmocka_unit_test(test_retired_eretired),
		cmocka_unit_test(test_alloc_full_reserved_array_enospc),
		cmocka_unit_test(test_alloc_merging_into_full_reserved_array),
		cmocka_unit_test(test_node_preferred_first),
		cmocka_unit_test(test_node_preferred_first_bottom_up),
		cmocka_unit_test(test_node_fallback_nearest_group_first),
		cmocka_unit_test(test_node_fallback_nearest_group_first_bottom_up),
		cmocka_unit_test(test_node_fallback_equal_distance_compete_top_down),
		cmocka_unit_test(test_node_fallback_equal_distance_compete_bottom_up),
		cmocka_unit_test(test_node_fallback_then_nodeless_memory),
		cmocka_unit_test(test_node_fallback_nodeless_after_all_groups),
		cmocka_unit_test(test_node_fallback_default_distances),
		cmocka_unit_test(test_node_preferred_without_memory_falls_back),
		cmocka_unit_test(test_node_fallback_respects_window),
		cmocka_unit_test(test_exact_node_allocates_on_node),
		cmocka_unit_test(test_exact_node_no_fallback_enomem),
		cmocka_unit_test(test_no_preference_takes_best_address_anywhere),
		cmocka_unit_test(test_alloc_at_size_zero_einval),
		cmocka_unit_test(test_alloc_at_wrap_erange),
		cmocka_unit_test(test_alloc_at_not_memory_enoent),
		cmocka_unit_test(test_alloc_at_reserved_ebusy),
		cmocka_unit_test(test_alloc_at_exact_reservation),
		cmocka_unit_test(test_alloc_at_reserves_node_of_memory),
		cmocka_unit_test(test_alloc_at_across_adjacent_regions),
		cmocka_unit_test(test_alloc_at_any_memory_flags),
		cmocka_unit_test(test_alloc_at_address_zero),
		cmocka_unit_test(test_alloc_at_ends_at_addr_end),
		cmocka_unit_test(test_alloc_at_merges_with_same_label),
	};

	return cmocka_run_group_tests_name("test_alloc", tests, NULL, NULL);
}
