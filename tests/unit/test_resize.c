/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for array capacity and doubling: EM_ENOSPC on full static
 * arrays, em_allow_resize(), doubled storage (placement, reservation,
 * freeing the previous storage), thousands of regions, and em_check()'s
 * detection of broken invariants.
 */
#include "common.h"
#include "../../src/internal.h" /* em__ra_storage_bytes(): sims sized exactly */

#include <stdlib.h>
#include <string.h>

#define MAXR EM_STATIC_REGIONS
#define PAGE ((uint64_t)EM_PAGE_SIZE)
#define REGION_BYTES ((uint64_t)sizeof(struct em_region))

/* Fake physical memory backing the doubled arrays. */
#define SIM_BASE 0x100000000ull
#define SIM_SIZE (64 * MiB)
#define SIM_END (SIM_BASE + SIM_SIZE)
#define SIM_MID (SIM_BASE + SIM_SIZE / 2)

struct rfix {
	struct earlymem em;
	struct phys_sim sim;
};

static int rfix_setup(void **state)
{
	struct rfix *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	sim_init(&f->sim, SIM_BASE, SIM_SIZE);
	setup_em(&f->em, &f->sim);
	*state = f;
	return 0;
}

static int rfix_teardown(void **state)
{
	struct rfix *f = *state;

	sim_fini(&f->sim);
	free(f);
	return 0;
}

/* @n reservations of 4 KiB at 8 KiB steps from @base, all labelled @label. */
static void rs_fill_reserved(struct earlymem *em, uint64_t base, unsigned n, const char *label)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(em_reserve_label(em, base + (uint64_t)i * 8 * KiB, 4 * KiB, label),
				 0);
}

/* Expected table of @n 4 KiB regions at 8 KiB steps from @base (+ @extra slots). */
static struct exp_region *rs_small_regions(uint64_t base, unsigned n, unsigned extra)
{
	struct exp_region *e = calloc(n + extra, sizeof(*e));

	assert_non_null(e);
	for (unsigned i = 0; i < n; i++)
		e[i] = (struct exp_region){ base + (uint64_t)i * 8 * KiB, 4 * KiB, 0, NN, NULL };
	return e;
}

static bool rs_is_self(const struct em_region *r)
{
	return r->label && strcmp(r->label, EM_LABEL_SELF) == 0;
}

/* Bytes reserved with EM_LABEL_SELF. */
static uint64_t rs_self_bytes(const struct earlymem *em)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < em->reserved.cnt; i++)
		if (rs_is_self(REGION(&em->reserved, i)))
			sum += REGION(&em->reserved, i)->size;
	return sum;
}

/* Every byte of [base, base + size) lies in an EM_LABEL_SELF reservation. */
static void rs_assert_self_covers(const struct earlymem *em, uint64_t base, uint64_t size)
{
	uint64_t pos = base, end = base + size;

	for (uint32_t i = 0; i < em->reserved.cnt && pos < end; i++) {
		const struct em_region *r = REGION(&em->reserved, i);

		if (r->base + r->size <= pos)
			continue;
		assert_true(r->base <= pos);
		assert_true(rs_is_self(r));
		pos = r->base + r->size;
	}
	assert_true(pos >= end);
}

/*
 * @a lives on doubled storage with @max entries: page-aligned, page-rounded,
 * reached through the sim, reserved as EM_LABEL_SELF.
 */
static void rs_assert_doubled(struct rfix *f, const struct em_array *a, uint32_t max)
{
	uint64_t slots = (uint64_t)a->chunks * a->csize;
	uint64_t bytes = (slots * REGION_BYTES + a->chunks * sizeof(uint32_t) + PAGE - 1) &
			 ~(PAGE - 1);

	assert_int_equal(a->max, max);
	assert_true(a->bytes != 0);
	assert_int_equal(a->phys % PAGE, 0);
	/* Chunks of 2^shift slots, as few as hold max + 2; then the heads. */
	assert_int_equal(a->csize, 1u << a->shift);
	assert_true(slots >= (uint64_t)max + 2);
	assert_true(slots - a->csize < (uint64_t)max + 2);
	assert_int_equal(a->bytes, bytes);
	assert_ptr_equal(a->heads, (uint32_t *)(a->regions + slots));
	assert_true(a->phys >= SIM_BASE && a->phys + a->bytes <= SIM_END);
	assert_ptr_equal(a->regions, f->sim.buf + (a->phys - SIM_BASE));
	rs_assert_self_covers(&f->em, a->phys, a->bytes);
}

/* The capacity doubling from the static arrays reaches to hold @need entries. */
static uint32_t doubled_max(uint32_t need)
{
	uint32_t max = MAXR;

	while (max < need)
		max *= 2;
	return max;
}

/* A reserved array doubled once; returns the index of its self reservation. */
static uint32_t rs_doubled_instance(struct rfix *f)
{
	struct earlymem *em = &f->em;

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	rs_fill_reserved(em, SIM_BASE, MAXR, NULL);
	OK(em, em_allow_resize(em));
	OK(em, em_reserve(em, SIM_BASE + MAXR * 8 * KiB, 0x1000));
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	assert_int_equal(em->reserved.cnt, MAXR + 2);
	assert_true(rs_is_self(REGION(&em->reserved, MAXR + 1)));
	return MAXR + 1;
}

/* Memory [SIM_MID, SIM_END) and MAXR 4 KiB regions below: the memory array doubled once. */
static void rs_doubled_memory(struct rfix *f)
{
	struct earlymem *em = &f->em;

	OK(em, em_add(em, SIM_MID, SIM_SIZE / 2));
	fill_memory(em, SIM_BASE, MAXR - 1);
	OK(em, em_allow_resize(em));
	OK(em, em_add(em, SIM_BASE + (MAXR - 1) * 8 * KiB, 0x1000));
	rs_assert_doubled(f, &em->memory, 2 * MAXR);
}

/* For rs_clone(): a copy of @src's storage (static storage: the clone's own). */
static void rs_clone_array(struct em_array *c, const struct em_array *src,
			   struct em_region *static_storage, uint32_t *static_head)
{
	if (src->bytes == 0) {
		c->regions = static_storage;
		c->heads = static_head;
		return;
	}
	/* The whole storage block: slots, then heads, as em_check() expects. */
	c->regions = malloc(src->bytes);
	assert_non_null(c->regions);
	memcpy(c->regions, src->regions, src->bytes);
	c->heads = (uint32_t *)(c->regions + (size_t)src->chunks * src->csize);
}

/* A deep copy of @src whose arrays can be corrupted without touching @src. */
static struct earlymem *rs_clone(const struct earlymem *src)
{
	struct earlymem *c = malloc(sizeof(*c));

	assert_non_null(c);
	memcpy(c, src, sizeof(*c));
	rs_clone_array(&c->memory, &src->memory, c->memory_static, c->memory_static_heads);
	rs_clone_array(&c->reserved, &src->reserved, c->reserved_static, c->reserved_static_heads);
	return c;
}

static void rs_clone_free(struct earlymem *c)
{
	if (c->memory.bytes)
		free(c->memory.regions);
	if (c->reserved.bytes)
		free(c->reserved.regions);
	free(c);
}

/* em_check(@em) fails with @inv in @array at @index, and logs it. */
static void rs_assert_corrupt(const struct earlymem *em, enum em_invariant inv, const char *array,
			      uint32_t index)
{
	struct em_check_failure why;

	memset(&why, 0, sizeof(why));
	test_log_reset();
	assert_int_equal(em_check(em, &why), EM_ECORRUPT);
	assert_int_equal(why.invariant, inv);
	assert_non_null(why.array);
	assert_string_equal(why.array, array);
	assert_int_equal(why.index, index);
	assert_true(strlen(test_log) > 0); /* the failure went to the log hook */
	assert_int_equal(em_check(em, NULL), EM_ECORRUPT);
}

/* Three disjoint memory regions: [0x1000,+0x1000) [0x3000,+0x1000) [0x5000,+0x1000). */
static void rs_three_regions(struct earlymem *em)
{
	OK(em, em_add_node(em, 0x1000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x3000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x5000, 0x1000, 0, 0));
}

/* ------------------------------------------------------------------------ */
/* Capacity of the static memory array (resizing not allowed)               */

#define FB 0x100000ull			   /* base of fill_memory() in these tests */
#define FR(i) (FB + (uint64_t)(i)*8 * KiB) /* base of filled region i */

static void test_full_memory_add_disjoint_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	assert_int_equal(em->memory.cnt, MAXR);
	assert_check(em);
	EXPECT_FAIL(em, EM_ENOSPC, em_add(em, FR(MAXR), 0x1000));
	EXPECT_FAIL(em, EM_ENOSPC, em_add(em, 0, 0x1000));
	EXPECT_FAIL(em, EM_ENOSPC, em_add_node(em, FR(0) + 0x1800, 0x100, 0, 0));
}

static void test_full_memory_add_adjacent_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	OK(em, em_add(em, FR(0) + 0x1000, 0x800));  /* grows region 0 upward */
	OK(em, em_add(em, FR(0) - 0x1000, 0x1000)); /* and downward */
	assert_int_equal(em->memory.cnt, MAXR);
	assert_int_equal(REGION(&em->memory, 0)->base, FR(0) - 0x1000);
	assert_int_equal(REGION(&em->memory, 0)->size, 0x2800);
	assert_int_equal(em_memory_size(em), MAXR * 4 * KiB + 0x1800);
}

static void test_full_memory_add_bridging_gap_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct exp_region *e = rs_small_regions(FB, MAXR, 0);

	fill_memory(em, FB, MAXR);
	OK(em, em_add(em, FR(0) + 0x800, 0x2000)); /* overlaps region 0 and 1 */
	e[0].size = 0x3000;
	memmove(&e[1], &e[2], (MAXR - 2) * sizeof(*e));
	assert_table(&em->memory, e, MAXR - 1);
	free(e);
}

static void test_full_memory_add_covering_all_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	OK(em, em_add(em, 0, FR(MAXR)));
	ASSERT_TABLE(&em->memory, { 0, FR(MAXR), 0, NN, NULL });
}

static void test_full_memory_add_inside_existing_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct em_snapshot s;

	fill_memory(em, FB, MAXR);
	snap_take(&s, em);
	assert_int_equal(em_add_node(em, FR(5) + 0x100, 0x100, 3, EM_MIRROR), 0);
	snap_assert_same(&s, em);
}

static void test_full_memory_add_other_node_into_gap_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	/* The gap [FR(0) + 4K, FR(1)) would become a region of its own. */
	EXPECT_FAIL(em, EM_ENOSPC, em_add_node(em, FR(0), 0x2000, 1, 0));
	EXPECT_FAIL(em, EM_ENOSPC, em_add_node(em, FR(0) + 0x1000, 0x1000, 0, EM_HOTPLUG));
}

static void test_memory_add_one_gap_reaching_max_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR - 1);
	OK(em, em_add_node(em, FR(0), 0x2000, 1, 0)); /* one new region: 128 */
	assert_int_equal(em->memory.cnt, MAXR);
	assert_int_equal(REGION(&em->memory, 1)->base, FR(0) + 0x1000);
	assert_int_equal(REGION(&em->memory, 1)->node, 1);
}

static void test_memory_add_two_gaps_past_max_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR - 1);
	/* Two gaps of another node: 129 regions, and nothing half-done. */
	EXPECT_FAIL(em, EM_ENOSPC, em_add_node(em, FR(0), 0x4000, 1, 0));
	assert_int_equal(em->memory.cnt, MAXR - 1);
}

static void test_full_memory_add_bridging_and_new_gap_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	/* A, B on node 0; C, D on node 1; then 124 more: 128. */
	OK(em, em_add_node(em, FB, 0x1000, 0, 0));
	OK(em, em_add_node(em, FB + 0x2000, 0x1000, 0, 0));
	OK(em, em_add_node(em, FB + 0x4000, 0x1000, 1, 0));
	OK(em, em_add_node(em, FB + 0x6000, 0x1000, 1, 0));
	fill_memory(em, FB + 0x100000, MAXR - 4);
	/* Node 0 over all four: A-B bridged (-1), B grows, C-D gap is new (+1). */
	OK(em, em_add_node(em, FB, 0x7000, 0, 0));
	assert_int_equal(em->memory.cnt, MAXR);
	const struct em_region *r0 = REGION(&em->memory, 0), *r1 = REGION(&em->memory, 1);
	const struct em_region *r2 = REGION(&em->memory, 2), *r3 = REGION(&em->memory, 3);
	assert_true(r0->base == FB && r0->size == 0x4000 && r0->node == 0);
	assert_true(r1->base == FB + 0x4000 && r1->size == 0x1000 && r1->node == 1);
	assert_true(r2->base == FB + 0x5000 && r2->size == 0x1000 && r2->node == 0);
	assert_true(r3->base == FB + 0x6000 && r3->size == 0x1000 && r3->node == 1);
}

static void test_full_memory_remove_whole_region_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	OK(em, em_remove(em, FR(7), 0x1000));
	assert_int_equal(em->memory.cnt, MAXR - 1);
	assert_false(em_is_memory(em, FR(7)));
}

static void test_full_memory_remove_head_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	OK(em, em_remove(em, FR(7), 0x800));
	assert_int_equal(em->memory.cnt, MAXR);
	assert_int_equal(REGION(&em->memory, 7)->base, FR(7) + 0x800);
	assert_int_equal(REGION(&em->memory, 7)->size, 0x800);
}

static void test_full_memory_remove_across_two_regions_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	OK(em, em_remove(em, FR(7) + 0x800, 0x2000)); /* tail of 7, head of 8 */
	assert_int_equal(em->memory.cnt, MAXR);
	assert_int_equal(REGION(&em->memory, 7)->size, 0x800);
	assert_int_equal(REGION(&em->memory, 8)->base, FR(8) + 0x800);
}

static void test_memory_remove_middle_reaching_max_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR - 1);
	OK(em, em_remove(em, FR(7) + 0x400, 0x400)); /* 127 + 1 = 128 */
	assert_int_equal(em->memory.cnt, MAXR);
	assert_int_equal(REGION(&em->memory, 7)->size, 0x400);
	assert_int_equal(REGION(&em->memory, 8)->base, FR(7) + 0x800);
}

static void test_full_memory_remove_middle_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	EXPECT_FAIL(em, EM_ENOSPC, em_remove(em, FR(7) + 0x400, 0x400));
}

static void test_full_memory_mark_middle_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	EXPECT_FAIL(em, EM_ENOSPC, em_mark(em, FR(7) + 0x400, 0x400, EM_HOTPLUG));
	/* A tail split needs one more slot too. */
	EXPECT_FAIL(em, EM_ENOSPC, em_mark(em, FR(7) + 0x800, 0x800, EM_HOTPLUG));
}

static void test_full_memory_mark_whole_regions_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	OK(em, em_mark(em, FR(0), FR(MAXR) - FR(0), EM_MIRROR));
	assert_int_equal(em->memory.cnt, MAXR);
	for (unsigned i = 0; i < MAXR; i++)
		assert_int_equal(REGION(&em->memory, i)->flags, EM_MIRROR);
}

static void test_full_memory_mark_splitting_then_merging_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	/* [FB, +4K) MIRROR next to [FB + 4K, +4K) plain, then 126 more. */
	OK(em, em_add_node(em, FB, 0x1000, NN, EM_MIRROR));
	OK(em, em_add(em, FB + 0x1000, 0x1000));
	fill_memory(em, FB + 0x10000, MAXR - 2);
	assert_int_equal(em->memory.cnt, MAXR);
	/* Splits the plain region; its head merges into the MIRROR one. */
	OK(em, em_mark(em, FB + 0x1000, 0x800, EM_MIRROR));
	assert_int_equal(em->memory.cnt, MAXR);
	assert_int_equal(REGION(&em->memory, 0)->base, FB);
	assert_int_equal(REGION(&em->memory, 0)->size, 0x1800);
	assert_int_equal(REGION(&em->memory, 0)->flags, EM_MIRROR);
	assert_int_equal(REGION(&em->memory, 1)->base, FB + 0x1800);
	assert_int_equal(REGION(&em->memory, 1)->size, 0x800);
	assert_int_equal(REGION(&em->memory, 1)->flags, 0);
}

static void test_full_memory_clear_splitting_both_ends_then_merging_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	OK(em, em_add(em, FB, 0x1000));
	OK(em, em_add_node(em, FB + 0x1000, 0x1000, NN, EM_HOTPLUG));
	OK(em, em_add(em, FB + 0x2000, 0x1000));
	fill_memory(em, FB + 0x10000, MAXR - 3);
	assert_int_equal(em->memory.cnt, MAXR);
	/* Splits at both ends before everything merges into one region. */
	OK(em, em_clear(em, FB + 0x800, 0x2000, EM_HOTPLUG));
	assert_int_equal(em->memory.cnt, MAXR - 2);
	assert_int_equal(REGION(&em->memory, 0)->base, FB);
	assert_int_equal(REGION(&em->memory, 0)->size, 0x3000);
	assert_int_equal(REGION(&em->memory, 0)->flags, 0);
}

static void test_memory_mark_middle_reaching_max_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR - 2);
	OK(em, em_mark(em, FR(3) + 0x400, 0x400, EM_NOMAP)); /* 126 + 2 = 128 */
	assert_int_equal(em->memory.cnt, MAXR);
	EXPECT_FAIL(em, EM_ENOSPC, em_mark(em, FR(5), 0x400, EM_NOMAP)); /* would be 129 */
}

static void test_full_memory_set_node_middle_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	fill_memory(em, FB, MAXR);
	EXPECT_FAIL(em, EM_ENOSPC, em_set_node(em, FR(7) + 0x400, 0x400, 1));
}

static void test_full_memory_set_node_merging_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	OK(em, em_add_node(em, FB, 0x1000, 0, 0));
	OK(em, em_add_node(em, FB + 0x1000, 0x1000, 1, 0));
	fill_memory(em, FB + 0x10000, MAXR - 2);
	/* Split and merge: count stays 128. */
	OK(em, em_set_node(em, FB + 0x1000, 0x800, 0));
	assert_int_equal(em->memory.cnt, MAXR);
	assert_int_equal(REGION(&em->memory, 0)->size, 0x1800);
	/* Whole region: count drops to 127. */
	OK(em, em_set_node(em, FB + 0x1800, 0x800, 0));
	assert_int_equal(em->memory.cnt, MAXR - 1);
	assert_int_equal(REGION(&em->memory, 0)->size, 0x2000);
	assert_int_equal(REGION(&em->memory, 0)->node, 0);
}

/* ------------------------------------------------------------------------ */
/* Capacity of the static reserved array (resizing not allowed)             */

static void test_full_reserved_reserve_disjoint_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	rs_fill_reserved(em, FB, MAXR, NULL);
	assert_check(em);
	EXPECT_FAIL(em, EM_ENOSPC, em_reserve(em, FR(MAXR), 0x1000));
	EXPECT_FAIL(em, EM_ENOSPC, em_reserve_label(em, FR(0) + 0x1000, 0x1000, "x"));
}

static void test_full_reserved_reserve_bridging_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	rs_fill_reserved(em, FB, MAXR, NULL);
	OK(em, em_reserve(em, FR(0), 0x3000)); /* fills the gap, merges 0 and 1 */
	assert_int_equal(em->reserved.cnt, MAXR - 1);
	OK(em, em_reserve(em, FR(MAXR - 1) + 0x1000, 0x1000)); /* adjacent: grows */
	assert_int_equal(em->reserved.cnt, MAXR - 1);
	assert_int_equal(em_reserved_size(em), MAXR * 4 * KiB + 0x2000);
}

static void test_full_reserved_reserve_bridging_and_new_gap_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	OK(em, em_reserve_label(em, FB, 0x1000, "a"));
	OK(em, em_reserve_label(em, FB + 0x2000, 0x1000, "a"));
	OK(em, em_reserve_label(em, FB + 0x4000, 0x1000, "b"));
	OK(em, em_reserve_label(em, FB + 0x6000, 0x1000, "b"));
	rs_fill_reserved(em, FB + 0x100000, MAXR - 4, NULL);
	/* "a" over all four: bridged (-1), grown, and one new region (+1). */
	OK(em, em_reserve_label(em, FB, 0x7000, "a"));
	assert_int_equal(em->reserved.cnt, MAXR);
	assert_int_equal(REGION(&em->reserved, 0)->size, 0x4000);
	assert_int_equal(REGION(&em->reserved, 2)->base, FB + 0x5000);
	assert_string_equal(REGION(&em->reserved, 2)->label, "a");
}

static void test_full_reserved_reserve_other_label_into_gap_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	rs_fill_reserved(em, FB, MAXR, NULL);
	EXPECT_FAIL(em, EM_ENOSPC, em_reserve_label(em, FR(0), 0x3000, "x"));
}

static void test_full_reserved_free_whole_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	rs_fill_reserved(em, FB, MAXR, NULL);
	OK(em, em_free(em, FR(9), 0x1000));
	assert_int_equal(em->reserved.cnt, MAXR - 1);
	assert_false(em_is_reserved(em, FR(9)));
}

static void test_reserved_free_middle_reaching_max_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	rs_fill_reserved(em, FB, MAXR - 1, "x");
	OK(em, em_free(em, FR(9) + 0x400, 0x400)); /* 127 + 1 = 128 */
	assert_int_equal(em->reserved.cnt, MAXR);
	assert_int_equal(REGION(&em->reserved, 9)->size, 0x400);
	assert_int_equal(REGION(&em->reserved, 10)->base, FR(9) + 0x800);
	assert_string_equal(REGION(&em->reserved, 10)->label, "x");
}

static void test_full_reserved_free_middle_is_enospc(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	rs_fill_reserved(em, FB, MAXR, NULL);
	EXPECT_FAIL(em, EM_ENOSPC, em_free(em, FR(9) + 0x400, 0x400));
}

static void test_full_reserved_free_across_two_labels_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	OK(em, em_reserve_label(em, FB, 0x1000, "a"));
	OK(em, em_reserve_label(em, FB + 0x1000, 0x1000, "b"));
	rs_fill_reserved(em, FB + 0x10000, MAXR - 2, NULL);
	OK(em, em_free(em, FB + 0x800, 0x1000));
	assert_int_equal(em->reserved.cnt, MAXR);
	assert_int_equal(REGION(&em->reserved, 0)->size, 0x800);
	assert_int_equal(REGION(&em->reserved, 1)->base, FB + 0x1800);
	assert_string_equal(REGION(&em->reserved, 1)->label, "b");
}

/* ------------------------------------------------------------------------ */
/* em_allow_resize                                                          */

static void test_allow_resize_without_hook_is_einval(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	setup_em(em, NULL);
	EXPECT_FAIL(em, EM_EINVAL, em_allow_resize(em));
	assert_false(em->resize_allowed);
	/* A full array still refuses politely. */
	fill_memory(em, FB, MAXR);
	EXPECT_FAIL(em, EM_ENOSPC, em_add(em, FR(MAXR), 0x1000));
}

static void test_allow_resize_with_hook_succeeds(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	assert_int_equal(em_allow_resize(em), 0);
	assert_true(em->resize_allowed);
	assert_check(em);
	/* Nothing doubles before it is needed. */
	ASSERT_TABLE(&em->memory, { SIM_BASE, SIM_SIZE, 0, NN, NULL });
	ASSERT_EMPTY(&em->reserved);
	assert_int_equal(em->memory.max, MAXR);
	assert_int_equal(em->memory.bytes, 0);
	assert_ptr_equal(em->memory.regions, em->memory_static);
}

static void test_hook_alone_does_not_allow_doubling(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	OK(em, em_add(em, SIM_MID, SIM_SIZE / 2));
	fill_memory(em, SIM_BASE, MAXR - 1);
	EXPECT_FAIL(em, EM_ENOSPC, em_add(em, SIM_BASE + 0x1000000, 0x1000));
}

/* ------------------------------------------------------------------------ */
/* Doubling                                                                 */

static void test_memory_array_doubles_at_top_of_free_memory(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	struct exp_region *e = rs_small_regions(SIM_BASE, MAXR, 1);

	OK(em, em_add(em, SIM_MID, SIM_SIZE / 2));
	fill_memory(em, SIM_BASE, MAXR - 1);
	OK(em, em_allow_resize(em));
	OK(em, em_add(em, SIM_BASE + (MAXR - 1) * 8 * KiB, 0x1000));

	e[MAXR] = (struct exp_region){ SIM_MID, SIM_SIZE / 2, 0, NN, NULL };
	assert_table(&em->memory, e, MAXR + 1);
	rs_assert_doubled(f, &em->memory, 2 * MAXR);
	/* Top-down: the highest page-aligned block of free memory. */
	assert_int_equal(em->memory.phys + em->memory.bytes, SIM_END);
	ASSERT_TABLE(&em->reserved, { em->memory.phys, em->memory.bytes, 0, NN, EM_LABEL_SELF });
	assert_int_equal(em_free_size(em), SIM_SIZE / 2 + MAXR * 4 * KiB - em->memory.bytes);
	assert_int_equal(em->reserved.max, MAXR); /* untouched */
	free(e);
}

static void test_reserved_array_doubles_and_reserves_itself(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	struct exp_region *e = rs_small_regions(SIM_BASE, MAXR, 2);

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	rs_fill_reserved(em, SIM_BASE, MAXR, NULL);
	OK(em, em_allow_resize(em));
	OK(em, em_reserve_label(em, SIM_BASE + MAXR * 8 * KiB, 0x1000, "x"));

	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	assert_int_equal(em->reserved.phys + em->reserved.bytes, SIM_END);
	e[MAXR] = (struct exp_region){ SIM_BASE + MAXR * 8 * KiB, 0x1000, 0, NN, "x" };
	e[MAXR + 1] =
		(struct exp_region){ em->reserved.phys, em->reserved.bytes, 0, NN, EM_LABEL_SELF };
	assert_table(&em->reserved, e, MAXR + 2);
	ASSERT_TABLE(&em->memory, { SIM_BASE, SIM_SIZE, 0, NN, NULL });
	assert_int_equal(em->memory.max, MAXR);
	assert_int_equal(em->memory.bytes, 0);
	free(e);
}

static void test_doubling_only_when_count_exceeds_max(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	unsigned i;

	OK(em, em_add(em, SIM_MID, SIM_SIZE / 2));
	fill_memory(em, SIM_BASE, MAXR - 1);
	OK(em, em_allow_resize(em));
	assert_int_equal(em->memory.max, MAXR); /* exactly full: no doubling yet */
	for (i = MAXR - 1; em->memory.cnt < 2 * MAXR; i++)
		OK(em, em_add(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));
	assert_int_equal(em->memory.cnt, 2 * MAXR);
	rs_assert_doubled(f, &em->memory, 2 * MAXR); /* full again, still 256 */
	OK(em, em_add(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));
	assert_int_equal(em->memory.cnt, 2 * MAXR + 1);
	rs_assert_doubled(f, &em->memory, 4 * MAXR);
}

static void test_second_doubling_frees_previous_storage(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint64_t old_phys, old_bytes;
	unsigned i;

	(void)rs_doubled_instance(f);
	old_phys = em->reserved.phys;
	old_bytes = em->reserved.bytes;

	for (i = MAXR + 1; em->reserved.max == 2 * MAXR; i++)
		OK(em, em_reserve(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));

	rs_assert_doubled(f, &em->reserved, 4 * MAXR);
	/* Allocated while the old storage was still reserved: right below it. */
	assert_int_equal(em->reserved.phys + em->reserved.bytes, old_phys);
	/* The old storage is free again; only the new one is EM_LABEL_SELF. */
	assert_false(em_range_intersects_reserved(em, old_phys, old_bytes));
	assert_true(em_range_is_free(em, old_phys, old_bytes));
	assert_int_equal(rs_self_bytes(em), em->reserved.bytes);
	assert_int_equal(em->reserved.cnt, i + 1);
	assert_int_equal(em_reserved_size(em), (uint64_t)i * 4 * KiB + em->reserved.bytes);
}

static void test_max_doubles_each_time(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint32_t seen[8], nseen = 0, last = MAXR;

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	OK(em, em_allow_resize(em));
	/* 896 reservations + the self one: 897 regions, so max ends at 1024. */
	for (unsigned i = 0; i < 7 * MAXR; i++) {
		OK(em, em_reserve(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));
		if (em->reserved.max != last) {
			assert_true(nseen < 8);
			last = seen[nseen++] = em->reserved.max;
			rs_assert_doubled(f, &em->reserved, last);
			assert_int_equal(rs_self_bytes(em), em->reserved.bytes);
		}
	}
	assert_int_equal(nseen, 3);
	assert_int_equal(seen[0], 2 * MAXR);
	assert_int_equal(seen[1], 4 * MAXR);
	assert_int_equal(seen[2], 8 * MAXR);
}

static void test_doubled_storage_avoids_range_being_reserved(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	struct exp_region *e = rs_small_regions(SIM_BASE, MAXR, 2);

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	rs_fill_reserved(em, SIM_BASE, MAXR, NULL);
	OK(em, em_allow_resize(em));
	/* Covers the top of free memory, where top-down would look first. */
	OK(em, em_reserve_label(em, SIM_END - MiB, MiB, "top"));

	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	assert_int_equal(em->reserved.phys + em->reserved.bytes, SIM_END - MiB);
	e[MAXR] =
		(struct exp_region){ em->reserved.phys, em->reserved.bytes, 0, NN, EM_LABEL_SELF };
	e[MAXR + 1] = (struct exp_region){ SIM_END - MiB, MiB, 0, NN, "top" };
	assert_table(&em->reserved, e, MAXR + 2);
	free(e);
}

static void test_doubled_storage_avoids_range_being_removed(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;

	OK(em, em_add(em, SIM_MID, SIM_SIZE / 2));
	fill_memory(em, SIM_BASE, MAXR - 1);
	OK(em, em_allow_resize(em));
	/* Splits the top region, leaving one page at the very top. */
	OK(em, em_remove(em, SIM_END - MiB, MiB - 0x1000));

	rs_assert_doubled(f, &em->memory, 2 * MAXR);
	assert_true(em_range_is_memory(em, em->memory.phys, em->memory.bytes));
	assert_int_equal(em->memory.phys + em->memory.bytes, SIM_END - MiB);
	assert_int_equal(em->memory.cnt, MAXR + 1);
	assert_int_equal(REGION(&em->memory, MAXR - 1)->base, SIM_MID);
	assert_int_equal(REGION(&em->memory, MAXR - 1)->size, SIM_SIZE / 2 - MiB);
	assert_int_equal(REGION(&em->memory, MAXR)->base, SIM_END - 0x1000);
	assert_int_equal(REGION(&em->memory, MAXR)->size, 0x1000);
}

/* Memory [SIM_BASE, SIM_MID) plain and [SIM_MID, SIM_END) with @flags. */
static uint64_t rs_double_reserved_with_upper_flags(struct rfix *f, uint32_t flags)
{
	struct earlymem *em = &f->em;

	setup_em(em, &f->sim);
	OK(em, em_add(em, SIM_BASE, SIM_SIZE / 2));
	OK(em, em_add_node(em, SIM_MID, SIM_SIZE / 2, NN, flags));
	rs_fill_reserved(em, SIM_BASE, MAXR, NULL);
	OK(em, em_allow_resize(em));
	OK(em, em_reserve(em, SIM_BASE + MAXR * 8 * KiB, 0x1000));
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	return em->reserved.phys + em->reserved.bytes;
}

static void test_doubling_skips_hotplug_nomap_unaccepted(void **state)
{
	struct rfix *f = *state;

	assert_int_equal(rs_double_reserved_with_upper_flags(f, EM_HOTPLUG), SIM_MID);
	assert_int_equal(rs_double_reserved_with_upper_flags(f, EM_NOMAP), SIM_MID);
	assert_int_equal(rs_double_reserved_with_upper_flags(f, EM_UNACCEPTED), SIM_MID);
	assert_int_equal(rs_double_reserved_with_upper_flags(f, EM_HOTPLUG | EM_MIRROR), SIM_MID);
}

static void test_doubling_may_use_mirror_memory(void **state)
{
	struct rfix *f = *state;

	assert_int_equal(rs_double_reserved_with_upper_flags(f, EM_MIRROR), SIM_END);
}

static void test_doubling_respects_current_limit(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	rs_fill_reserved(em, SIM_BASE, MAXR, NULL);
	em_set_current_limit(em, SIM_BASE + 16 * MiB + 0x800); /* not page-aligned */
	OK(em, em_allow_resize(em));
	OK(em, em_reserve(em, SIM_BASE + MAXR * 8 * KiB, 0x1000));
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	assert_int_equal(em->reserved.phys + em->reserved.bytes, SIM_BASE + 16 * MiB);
	assert_int_equal(em_get_current_limit(em), SIM_BASE + 16 * MiB + 0x800);
}

static void test_doubling_bottom_up_takes_lowest_free_page(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;

	OK(em, em_add(em, SIM_BASE + 0x800, SIM_SIZE - 0x800)); /* first whole page at +4K */
	rs_fill_reserved(em, SIM_MID, MAXR, NULL);
	em_set_bottom_up(em, true);
	OK(em, em_allow_resize(em));
	OK(em, em_reserve(em, SIM_MID + MAXR * 8 * KiB, 0x1000));
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	assert_int_equal(em->reserved.phys, SIM_BASE + 0x1000);
}

static void test_doubling_without_free_memory_is_enomem(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	/* 1 MiB of memory, entirely covered by 128 reservations of 8 KiB. */
	OK(em, em_add(em, SIM_BASE, MiB));
	for (unsigned i = 0; i < MAXR; i++)
		OK(em, em_reserve_label(em, SIM_BASE + i * 8 * KiB, 8 * KiB, i % 2 ? "a" : "b"));
	assert_int_equal(em->reserved.cnt, MAXR);
	OK(em, em_allow_resize(em));
	EXPECT_FAIL(em, EM_ENOMEM, em_reserve(em, SIM_BASE + 2 * MiB, 0x1000));
	EXPECT_FAIL(em, EM_ENOMEM, em_free(em, SIM_BASE + 0x800, 0x1000)); /* split */
}

static void test_memory_doubling_needs_contiguous_block(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	/* 128 pages of free memory, but no two of them adjacent. */
	fill_memory(em, SIM_BASE, MAXR);
	OK(em, em_allow_resize(em));
	EXPECT_FAIL(em, EM_ENOMEM, em_add(em, SIM_BASE + MAXR * 8 * KiB, 0x1000));
	EXPECT_FAIL(em, EM_ENOMEM, em_mark(em, SIM_BASE + 0x400, 0x400, EM_MIRROR));
}

static void test_doubling_below_limit_without_memory_is_enomem(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	rs_fill_reserved(em, SIM_MID, MAXR, NULL);
	em_set_current_limit(em, SIM_BASE + 0x1000); /* one page below it */
	OK(em, em_allow_resize(em));
	EXPECT_FAIL(em, EM_ENOMEM, em_reserve(em, SIM_BASE + 16 * MiB, 0x1000));
}

static void test_doubling_into_untranslatable_memory_is_efault(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;

	/* Memory the phys_to_virt hook cannot reach (outside the sim). */
	OK(em, em_add(em, 2 * SIM_END, 16 * MiB));
	rs_fill_reserved(em, 2 * SIM_END, MAXR, NULL);
	OK(em, em_allow_resize(em));
	EXPECT_FAIL(em, EM_EFAULT, em_reserve(em, 2 * SIM_END + MAXR * 8 * KiB, 0x1000));
}

static void test_free_of_doubled_storage_is_ebusy(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint64_t phys;

	(void)rs_doubled_instance(f);
	phys = em->reserved.phys;
	OK(em, em_reserve_label(em, phys - 0x1000, 0x1000, "below"));

	EXPECT_FAIL(em, EM_EBUSY, em_free(em, phys, em->reserved.bytes));
	EXPECT_FAIL(em, EM_EBUSY, em_free(em, phys + 0x1000, 0x1000));
	EXPECT_FAIL(em, EM_EBUSY, em_free(em, phys - 0x1000, 0x2000)); /* touches it */
	OK(em, em_free(em, phys - 0x1000, 0x1000)); /* the neighbour alone is fine */
}

static void test_free_of_doubled_memory_storage_is_ebusy(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;

	rs_doubled_memory(f);
	EXPECT_FAIL(em, EM_EBUSY, em_free(em, em->memory.phys, em->memory.bytes));
	EXPECT_FAIL(em, EM_EBUSY, em_free(em, em->memory.phys + em->memory.bytes - 1, 1));
}

/* The reserved region [base, base + size) is exactly one entry, labelled @label. */
static void rs_assert_one_region(const struct earlymem *em, uint64_t base, uint64_t size,
				 const char *label)
{
	for (uint32_t i = 0; i < em->reserved.cnt; i++) {
		const struct em_region *r = REGION(&em->reserved, i);

		if (r->base + r->size <= base)
			continue;
		assert_int_equal(r->base, base);
		assert_int_equal(r->size, size);
		assert_string_equal(r->label, label);
		return;
	}
	fail_msg("no reservation at 0x%llx", (unsigned long long)base);
}

/*
 * Reserving over the reserved array's doubled storage moves the array off
 * the range first, so the range is the caller's alone: the array's next
 * move frees only its own storage, not part of the caller's reservation.
 */
static void test_reservation_over_reserved_storage_outlives_its_move(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint64_t phys, bytes;
	unsigned i;

	(void)rs_doubled_instance(f);
	phys = em->reserved.phys;
	bytes = em->reserved.bytes;

	OK(em, em_reserve_label(em, phys - PAGE, bytes + 2 * PAGE, "fw"));
	rs_assert_doubled(f, &em->reserved, 2 * MAXR); /* moved at its size */
	assert_true(em->reserved.phys + em->reserved.bytes <= phys - PAGE);
	rs_assert_one_region(em, phys - PAGE, bytes + 2 * PAGE, "fw");
	assert_int_equal(rs_self_bytes(em), em->reserved.bytes);

	for (i = MAXR + 1; em->reserved.max == 2 * MAXR; i++)
		OK(em, em_reserve(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));
	rs_assert_doubled(f, &em->reserved, 4 * MAXR);
	rs_assert_one_region(em, phys - PAGE, bytes + 2 * PAGE, "fw");
	assert_int_equal(rs_self_bytes(em), em->reserved.bytes);
}

/* The same for the memory array's storage, reserved exactly. */
static void test_reservation_over_memory_storage_outlives_its_move(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint64_t phys, bytes;
	unsigned i;

	rs_doubled_memory(f);
	phys = em->memory.phys;
	bytes = em->memory.bytes;

	OK(em, em_reserve_label(em, phys, bytes, "fw"));
	rs_assert_doubled(f, &em->memory, 2 * MAXR);
	assert_true(em->memory.phys + em->memory.bytes <= phys);
	rs_assert_one_region(em, phys, bytes, "fw");
	assert_int_equal(rs_self_bytes(em), em->memory.bytes);

	for (i = MAXR; em->memory.max == 2 * MAXR; i++)
		OK(em, em_add(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));
	rs_assert_doubled(f, &em->memory, 4 * MAXR);
	rs_assert_one_region(em, phys, bytes, "fw");
	assert_int_equal(rs_self_bytes(em), em->memory.bytes);
}

/*
 * The reserved array full, and the reservation bridges many of its
 * entries: it ends with fewer entries than now, but the move comes first
 * and needs more than now (its new storage, the split of the old), so the
 * array doubles as it moves.
 */
static void test_reservation_over_storage_of_a_full_array_that_it_shrinks(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint64_t phys, bytes, low;

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	OK(em, em_allow_resize(em));
	rs_fill_reserved(em, SIM_BASE, MAXR + 1, "x"); /* the last one doubles it */
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	phys = em->reserved.phys;
	bytes = em->reserved.bytes;
	for (low = phys - 8 * KiB; em->reserved.cnt < em->reserved.max; low -= 8 * KiB)
		OK(em, em_reserve_label(em, low, 4 * KiB, "x"));
	low += 8 * KiB;

	OK(em, em_reserve_label(em, low, phys + bytes - low, "x"));
	rs_assert_doubled(f, &em->reserved, 4 * MAXR); /* full: the move doubles it */
	assert_true(em->reserved.phys + em->reserved.bytes <= low);
	rs_assert_one_region(em, low, phys + bytes - low, "x");
}

/* The same over the memory array's storage: the reserved array doubles for the move. */
static void test_reservation_over_memory_storage_doubles_a_full_reserved_array(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint64_t phys, bytes, low;

	rs_doubled_memory(f);
	phys = em->memory.phys;
	bytes = em->memory.bytes;
	for (low = phys - 8 * KiB; em->reserved.cnt < em->reserved.max; low -= 8 * KiB)
		OK(em, em_reserve_label(em, low, 4 * KiB, "x"));
	low += 8 * KiB;
	assert_int_equal(em->reserved.bytes, 0); /* still static, full */

	OK(em, em_reserve_label(em, low, phys + bytes - low, "x"));
	rs_assert_doubled(f, &em->memory, 2 * MAXR);
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	assert_true(em->memory.phys + em->memory.bytes <= low);
	rs_assert_one_region(em, low, phys + bytes - low, "x");
}

/*
 * Memory [SIM_BASE, SIM_END) with both arrays doubled at its top, and
 * everything else reserved but a hole of @hole bytes at SIM_BASE.
 */
static void rs_both_doubled_little_free(struct rfix *f, uint64_t hole)
{
	struct earlymem *em = &f->em;
	uint64_t low;

	OK(em, em_add(em, SIM_MID, SIM_SIZE / 2));
	fill_memory(em, SIM_BASE, MAXR - 1);
	rs_fill_reserved(em, 0x10000000, MAXR, "x"); /* outside memory */
	OK(em, em_allow_resize(em));
	OK(em, em_add(em, SIM_BASE + (MAXR - 1) * 8 * KiB, 0x1000)); /* both double */
	rs_assert_doubled(f, &em->memory, 2 * MAXR);
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	OK(em, em_add(em, SIM_BASE, SIM_SIZE)); /* one region again */
	low = em->reserved.phys < em->memory.phys ? em->reserved.phys : em->memory.phys;
	assert_int_equal(em->memory.phys + em->memory.bytes, SIM_END);
	OK(em, em_reserve_label(em, SIM_BASE + hole, low - SIM_BASE - hole, "x"));
}

/* Both arrays on the range: both move, each found before either moves. */
static void test_reservation_over_both_storages_moves_both(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint64_t base, bytes;

	rs_both_doubled_little_free(f, 2 * MiB);
	base = em->reserved.phys < em->memory.phys ? em->reserved.phys : em->memory.phys;
	bytes = SIM_END - base;
	assert_int_equal(em->reserved.bytes + em->memory.bytes, bytes);

	OK(em, em_reserve_label(em, base, bytes, "fw"));
	rs_assert_doubled(f, &em->memory, 2 * MAXR);
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	assert_true(em->memory.phys + em->memory.bytes <= SIM_BASE + 2 * MiB);
	assert_true(em->reserved.phys + em->reserved.bytes <= SIM_BASE + 2 * MiB);
	rs_assert_one_region(em, base, bytes, "fw");
	assert_int_equal(rs_self_bytes(em), em->memory.bytes + em->reserved.bytes);
}

/* Room for one array only: EM_ENOMEM, and neither array has moved. */
static void test_reservation_over_both_storages_without_room_changes_nothing(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	uint64_t base;

	rs_both_doubled_little_free(f, em__ra_storage_bytes(2 * MAXR));
	base = em->reserved.phys < em->memory.phys ? em->reserved.phys : em->memory.phys;
	EXPECT_FAIL(em, EM_ENOMEM, em_reserve_label(em, base, SIM_END - base, "fw"));
	/* Each array alone fits in the hole. */
	OK(em, em_reserve_label(em, em->memory.phys, em->memory.bytes, "fw"));
	assert_int_equal(em->memory.phys, SIM_BASE);
	EXPECT_FAIL(em, EM_ENOMEM,
		    em_reserve_label(em, em->reserved.phys, em->reserved.bytes, "fw"));
}

/* Without resizing (no hook) an array cannot leave: EM_ENOSPC, nothing changed. */
static void test_reservation_over_storage_without_hook_is_enospc(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;

	(void)rs_doubled_instance(f);
	em_set_hooks(em, NULL);
	EXPECT_FAIL(em, EM_ENOSPC,
		    em_reserve_label(em, em->reserved.phys, em->reserved.bytes, "fw"));
	/* Next to it is fine: the storage is not on the range. */
	OK(em, em_reserve_label(em, em->reserved.phys - PAGE, PAGE, "fw"));
}

/* splitmix64: the random tests' generator. */
static uint64_t rs_next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

enum {
	RS_PAGES = 1024
}; /* 4 MiB of memory at SIM_BASE */

/*
 * Every page the test reserved is still reserved and lies in neither
 * array's storage; em_check() is clean.
 */
static void rs_assert_mine_kept(const struct earlymem *em, const bool *mine)
{
	assert_check(em);
	for (unsigned p = 0; p < RS_PAGES; p++) {
		uint64_t a = SIM_BASE + p * PAGE;

		if (!mine[p])
			continue;
		assert_true(em_range_is_reserved(em, a, PAGE));
		assert_false(em->memory.bytes && a >= em->memory.phys &&
			     a < em->memory.phys + em->memory.bytes);
		assert_false(em->reserved.bytes && a >= em->reserved.phys &&
			     a < em->reserved.phys + em->reserved.bytes);
	}
}

static unsigned rs_failures; /* calls that failed (EM_ENOMEM), changing nothing */

/* Reserves pages [p, q) as @label; on failure nothing changed. */
static void rs_reserve_pages(struct earlymem *em, bool *mine, unsigned p, unsigned q,
			     const char *label)
{
	struct em_snapshot snap;
	int rc;

	snap_take(&snap, em);
	rc = em_reserve_label(em, SIM_BASE + p * PAGE, (uint64_t)(q - p) * PAGE, label);
	if (rc) {
		assert_int_equal(rc, EM_ENOMEM);
		snap_assert_same(&snap, em);
		rs_failures++;
		return;
	}
	snap_drop(&snap);
	for (; p < q; p++)
		mine[p] = true;
}

/*
 * Random reservations, frees and memory adds, with reservations over the
 * arrays' storage (across it, inside it, exactly it) all the time: no page
 * the test reserved is ever lost or under an array, and failures change
 * nothing.
 */
static void test_random_reservations_over_storage(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	unsigned moves = 0;

	for (uint64_t seed = 1; seed <= 4; seed++) {
		static bool mine[RS_PAGES];
		uint64_t x = seed, adds = 0, last_mem = 0, last_res = 0;

		memset(mine, 0, sizeof(mine));
		setup_em(em, &f->sim);
		OK(em, em_add(em, SIM_BASE, RS_PAGES * PAGE));
		em_set_current_limit(em, SIM_BASE + RS_PAGES * PAGE);
		OK(em, em_allow_resize(em));
		for (unsigned step = 0; step < 3000; step++) {
			uint64_t r = rs_next(&x);
			unsigned p = (unsigned)(r >> 8) % RS_PAGES;
			unsigned len = 1 + (unsigned)(r >> 24) % (seed % 2 ? 8 : 32);
			const struct em_array *a = (r >> 40) & 1 ? &em->memory : &em->reserved;

			/* Odd seeds free as often as they reserve; even ones fill memory up. */
			switch (seed % 2 && r % 8 == 3 ? 6 : r % 8) {
			case 0: /* memory outside the sim: the memory array grows */
				if (em_add(em, 0x200000000ull + adds * 8 * KiB, 4 * KiB) == 0)
					adds++;
				break;
			case 1:
			case 2:
			case 3:
				rs_reserve_pages(em, mine, p,
						 p + len < RS_PAGES ? p + len : RS_PAGES,
						 (r >> 32) & 1 ? "a" : "b");
				break;
			case 4:
			case 5: {
				unsigned s, e;

				if (!a->bytes)
					break;
				s = (unsigned)((a->phys - SIM_BASE) / PAGE);
				e = s + (unsigned)(a->bytes / PAGE);
				if ((r >> 48) % 3 == 0) { /* across it */
					s = s > len ? s - len : 0;
					e = e + len < RS_PAGES ? e + len : RS_PAGES;
				} else if ((r >> 48) % 3 == 1) { /* one page inside it */
					s += (unsigned)(r >> 52) % (e - s);
					e = s + 1;
				}
				rs_reserve_pages(em, mine, s, e, "fw");
				break;
			}
			default: { /* free a run of the test's own pages */
				unsigned q = p;
				struct em_snapshot snap;
				int rc;

				while (q < RS_PAGES && q < p + len && mine[q])
					q++;
				if (q == p)
					break;
				snap_take(&snap, em);
				rc = em_free(em, SIM_BASE + p * PAGE, (uint64_t)(q - p) * PAGE);
				if (rc) {
					assert_int_equal(rc, EM_ENOMEM);
					snap_assert_same(&snap, em);
					rs_failures++;
					break;
				}
				snap_drop(&snap);
				for (; p < q; p++)
					mine[p] = false;
			}
			}
			moves += em->memory.phys != last_mem || em->reserved.phys != last_res;
			last_mem = em->memory.phys;
			last_res = em->reserved.phys;
			rs_assert_mine_kept(em, mine);
		}
	}
	/* The mix did what it is for: arrays moved often, and some calls failed. */
	assert_true(moves > 100);
	assert_true(rs_failures > 0);
}

static void test_both_arrays_full_double_together(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;

	OK(em, em_add(em, SIM_MID, SIM_SIZE / 2));
	fill_memory(em, SIM_BASE, MAXR - 1);
	rs_fill_reserved(em, 0x10000000, MAXR, "fw"); /* outside memory */
	OK(em, em_allow_resize(em));
	/* The memory array doubles, and reserving its storage doubles the other. */
	OK(em, em_add(em, SIM_BASE + (MAXR - 1) * 8 * KiB, 0x1000));

	assert_int_equal(em->memory.cnt, MAXR + 1);
	rs_assert_doubled(f, &em->memory, 2 * MAXR);
	rs_assert_doubled(f, &em->reserved, 2 * MAXR);
	assert_true(em->memory.phys >= SIM_MID && em->reserved.phys >= SIM_MID);
	assert_true(em->memory.phys + em->memory.bytes <= em->reserved.phys ||
		    em->reserved.phys + em->reserved.bytes <= em->memory.phys);
	assert_int_equal(rs_self_bytes(em), em->memory.bytes + em->reserved.bytes);
	assert_int_equal(em_reserved_size(em),
			 MAXR * 4 * KiB + em->memory.bytes + em->reserved.bytes);
	for (unsigned i = 0; i < MAXR; i++) {
		const struct em_region *r = REGION(&em->reserved, i);
		assert_int_equal(r->base, 0x10000000 + i * 8 * KiB);
		assert_string_equal(r->label, "fw");
	}
}

static void test_thousands_of_reservations(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	enum {
		N = 5000
	};
	struct exp_region *e = rs_small_regions(SIM_BASE, N, 1);

	OK(em, em_add(em, SIM_BASE, SIM_SIZE));
	OK(em, em_allow_resize(em));
	for (unsigned i = 0; i < N; i++)
		OK(em, em_reserve(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));

	rs_assert_doubled(f, &em->reserved, doubled_max(N + 1));
	assert_true(em->reserved.phys >= SIM_BASE + N * 8 * KiB);
	e[N] = (struct exp_region){ em->reserved.phys, em->reserved.bytes, 0, NN, EM_LABEL_SELF };
	assert_table(&em->reserved, e, N + 1);
	assert_int_equal(em_free_size(em), SIM_SIZE - N * 4 * KiB - em->reserved.bytes);

	/* Free them all: odd ones first (holes everywhere), then the even ones. */
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = 1 - pass; i < N; i += 2)
			OK(em, em_free(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));
	ASSERT_TABLE(&em->reserved,
		     { em->reserved.phys, em->reserved.bytes, 0, NN, EM_LABEL_SELF });
	assert_int_equal(em_reserved_size(em), em->reserved.bytes);
	assert_int_equal(em_free_size(em), SIM_SIZE - em->reserved.bytes);
	free(e);
}

static void test_thousands_of_memory_regions(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	enum {
		N = 5000
	};
	const uint64_t big = SIM_BASE + 48 * MiB;
	struct exp_region *e = rs_small_regions(SIM_BASE, N, 1);

	OK(em, em_add(em, big, SIM_END - big));
	OK(em, em_allow_resize(em));
	for (unsigned i = N; i-- > 0;) /* top to bottom: always insert at the front */
		OK(em, em_add(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));

	rs_assert_doubled(f, &em->memory, doubled_max(N + 1));
	assert_true(em->memory.phys >= big);
	e[N] = (struct exp_region){ big, SIM_END - big, 0, NN, NULL };
	assert_table(&em->memory, e, N + 1);
	ASSERT_TABLE(&em->reserved, { em->memory.phys, em->memory.bytes, 0, NN, EM_LABEL_SELF });

	for (unsigned i = 0; i < N; i++)
		OK(em, em_remove(em, SIM_BASE + (uint64_t)i * 8 * KiB, 0x1000));
	ASSERT_TABLE(&em->memory, { big, SIM_END - big, 0, NN, NULL });
	ASSERT_TABLE(&em->reserved, { em->memory.phys, em->memory.bytes, 0, NN, EM_LABEL_SELF });
	assert_int_equal(em_free_size(em), SIM_END - big - em->memory.bytes);
	free(e);
}

/* ------------------------------------------------------------------------ */
/* em_check: detection of broken invariants (on corrupted copies)           */

static void test_check_passes_on_clean_instances(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct em_check_failure why;

	assert_int_equal(em_check(em, &why), 0);
	rs_three_regions(em);
	OK(em, em_reserve_label(em, 0x1000, 0x1000, "k"));
	assert_int_equal(em_check(em, NULL), 0);
	struct earlymem *c = rs_clone(em);
	assert_int_equal(em_check(c, NULL), 0); /* the copy itself is sound */
	rs_clone_free(c);
}

static void test_check_detects_unsorted_regions(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;
	struct em_region tmp;

	rs_three_regions(em);
	c = rs_clone(em);
	tmp = (*REGION(&c->memory, 0));
	(*REGION(&c->memory, 0)) = (*REGION(&c->memory, 1));
	(*REGION(&c->memory, 1)) = tmp;
	rs_assert_corrupt(c, EM_INV_ORDER, "memory", 1);
	rs_clone_free(c);
}

static void test_check_detects_overlapping_regions(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;

	rs_three_regions(em);
	c = rs_clone(em);
	REGION(&c->memory, 1)->base = 0x1800; /* overlaps region 0; same size */
	rs_assert_corrupt(c, EM_INV_ORDER, "memory", 1);
	rs_clone_free(c);
}

static void test_check_detects_wrong_total(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;

	rs_three_regions(em);
	c = rs_clone(em);
	c->memory.total_size += 1;
	rs_assert_corrupt(c, EM_INV_TOTAL, "memory", 0);
	rs_clone_free(c);
}

static void test_check_detects_empty_region(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;

	rs_three_regions(em);
	c = rs_clone(em);
	REGION(&c->memory, 2)->size = 0;
	c->memory.total_size -= 0x1000;
	rs_assert_corrupt(c, EM_INV_EMPTY, "memory", 2);
	rs_clone_free(c);
}

static void test_check_detects_unmerged_neighbours(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;

	OK(em, em_add_node(em, 0x1000, 0x1000, 0, 0));
	OK(em, em_add_node(em, 0x2000, 0x1000, 1, 0)); /* adjacent, other node */
	c = rs_clone(em);
	REGION(&c->memory, 1)->node = 0;
	rs_assert_corrupt(c, EM_INV_MERGE, "memory", 1);
	rs_clone_free(c);
}

static void test_check_detects_unknown_flags(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;

	rs_three_regions(em);
	c = rs_clone(em);
	REGION(&c->memory, 1)->flags = 0x100;
	rs_assert_corrupt(c, EM_INV_FLAGS, "memory", 1);
	rs_clone_free(c);
}

static void test_check_detects_bad_node(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	const int bad[] = { 9999, EM_MAX_NODES, EM_NODE_ANY, -3 };

	rs_three_regions(em);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct earlymem *c = rs_clone(em);

		REGION(&c->memory, 2)->node = bad[i];
		rs_assert_corrupt(c, EM_INV_NODE, "memory", 2);
		rs_clone_free(c);
	}
}

static void test_check_detects_region_past_addr_end(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;

	OK(em, em_add(em, 0x1000, 0x1000));
	OK(em, em_add(em, UINT64_MAX - 0x1000, 0x1000));
	c = rs_clone(em);
	REGION(&c->memory, 1)->size += 1; /* now includes the byte 2^64 - 1 */
	c->memory.total_size += 1;
	rs_assert_corrupt(c, EM_INV_BOUNDS, "memory", 1);
	rs_clone_free(c);
}

static void test_check_detects_bad_storage(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;

	rs_three_regions(em);
	c = rs_clone(em);
	c->memory.cnt = c->memory.max + 1;
	rs_assert_corrupt(c, EM_INV_STORAGE, "memory", 0);
	rs_clone_free(c);

	c = rs_clone(em);
	c->memory.max = 0;
	rs_assert_corrupt(c, EM_INV_STORAGE, "memory", 0);
	rs_clone_free(c);

	c = rs_clone(em);
	c->reserved.regions = NULL;
	rs_assert_corrupt(c, EM_INV_STORAGE, "reserved", 0);
	c->reserved.regions = c->reserved_static;
	rs_clone_free(c);
}

static void test_check_names_the_reserved_array(void **state)
{
	struct earlymem *em = &((struct rfix *)*state)->em;
	struct earlymem *c;

	rs_three_regions(em);
	OK(em, em_reserve_label(em, 0x1000, 0x1000, "a"));
	OK(em, em_reserve_label(em, 0x8000, 0x1000, "b"));
	c = rs_clone(em);
	REGION(&c->reserved, 1)->flags = 0x100;
	rs_assert_corrupt(c, EM_INV_FLAGS, "reserved", 1);
	rs_clone_free(c);

	c = rs_clone(em);
	c->reserved.total_size = 0;
	rs_assert_corrupt(c, EM_INV_TOTAL, "reserved", 0);
	rs_clone_free(c);
}

static void test_check_detects_self_reservation_relabelled(void **state)
{
	struct rfix *f = *state;
	uint32_t self = rs_doubled_instance(f);
	struct earlymem *c = rs_clone(&f->em);

	assert_int_equal(em_check(c, NULL), 0);
	REGION(&c->reserved, self)->label = "other";
	rs_assert_corrupt(c, EM_INV_SELF, "reserved", 0);
	rs_clone_free(c);
}

static void test_check_detects_self_reservation_removed(void **state)
{
	struct rfix *f = *state;
	uint32_t self = rs_doubled_instance(f);
	struct earlymem *c = rs_clone(&f->em);

	/* Drop the (last) EM_LABEL_SELF region, keeping cnt and total consistent. */
	c->reserved.total_size -= REGION(&c->reserved, self)->size;
	c->reserved.cnt--;
	rs_assert_corrupt(c, EM_INV_SELF, "reserved", 0);
	rs_clone_free(c);
}

static void test_check_detects_self_reservation_shrunk(void **state)
{
	struct rfix *f = *state;
	uint32_t self = rs_doubled_instance(f);
	struct earlymem *c = rs_clone(&f->em);

	REGION(&c->reserved, self)->base += PAGE;
	REGION(&c->reserved, self)->size -= PAGE;
	c->reserved.total_size -= PAGE;
	rs_assert_corrupt(c, EM_INV_SELF, "reserved", 0);
	rs_clone_free(c);
}

static void test_check_detects_memory_storage_not_reserved(void **state)
{
	struct rfix *f = *state;
	struct earlymem *em = &f->em;
	struct earlymem *c;

	rs_doubled_memory(f);
	ASSERT_TABLE(&em->reserved, { em->memory.phys, em->memory.bytes, 0, NN, EM_LABEL_SELF });
	c = rs_clone(em);
	assert_int_equal(em_check(c, NULL), 0);
	c->reserved.cnt = 0;
	c->reserved.total_size = 0;
	rs_assert_corrupt(c, EM_INV_SELF, "memory", 0);
	rs_clone_free(c);
}

/* ---- regressions: doubling must not ask for more than it needs ---- */

static uint64_t exact_sim_base = 0x10000000;
/* Storage of the first doubled array, page-rounded. */
#define DOUBLED_BYTES em__ra_storage_bytes(2 * EM_STATIC_REGIONS)

/*
 * The first doubling of the memory array adds one reservation (no old
 * storage to free): a reserved array with one free slot is enough.
 */
static void test_first_memory_doubling_needs_one_reserved_slot(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;

	sim_init(&sim, exact_sim_base, DOUBLED_BYTES);
	setup_em(&em, &sim);
	for (uint64_t i = 0; i < EM_STATIC_REGIONS - 1; i++) {
		assert_int_equal(em_add(&em, i * 0x2000, 0x1000), 0);
		assert_int_equal(em_reserve(&em, i * 0x2000, 0x1000), 0);
	}
	/* exactly what the doubled array (plus spares) needs */
	assert_int_equal(em_add(&em, exact_sim_base, DOUBLED_BYTES), 0);
	assert_int_equal(em_allow_resize(&em), 0);
	assert_int_equal(em.reserved.cnt, EM_STATIC_REGIONS - 1);
	assert_int_equal(em_add(&em, 0x40000000, 0x1000), 0);
	assert_check(&em);
	assert_int_equal(em.memory.max, 2 * EM_STATIC_REGIONS);
	assert_int_equal(em.memory.phys, exact_sim_base);
	assert_int_equal(em.reserved.max, EM_STATIC_REGIONS);
	assert_int_equal(em.reserved.cnt, EM_STATIC_REGIONS);
	sim_fini(&sim);
}

/* A memory array that needs 2 * MAXR - 2 entries grows to 2 * MAXR, not 4 * MAXR. */
static void test_memory_doubling_is_exactly_double(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;

	sim_init(&sim, exact_sim_base, DOUBLED_BYTES);
	setup_em(&em, &sim);
	for (uint64_t i = 0; i < EM_STATIC_REGIONS - 1; i++)
		assert_int_equal(em_add_node(&em, i * 0x2000, 0x1000, 1, 0), 0);
	assert_int_equal(em_add(&em, exact_sim_base, DOUBLED_BYTES), 0);
	assert_int_equal(em_allow_resize(&em), 0);
	/* fills the holes between the node-1 pages with node-0 memory */
	assert_int_equal(em_add_node(&em, 0, (EM_STATIC_REGIONS - 2) * 0x2000ull + 0x1000, 0, 0),
			 0);
	assert_check(&em);
	assert_int_equal(em.memory.cnt, 2 * EM_STATIC_REGIONS - 2);
	assert_int_equal(em.memory.max, 2 * EM_STATIC_REGIONS);
	sim_fini(&sim);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, rfix_setup, rfix_teardown)
	const struct CMUnitTest tests[] = {
		T(test_full_memory_add_disjoint_is_enospc),
		T(test_full_memory_add_adjacent_succeeds),
		T(test_full_memory_add_bridging_gap_succeeds),
		T(test_full_memory_add_covering_all_succeeds),
		T(test_full_memory_add_inside_existing_succeeds),
		T(test_full_memory_add_other_node_into_gap_is_enospc),
		T(test_memory_add_one_gap_reaching_max_succeeds),
		T(test_memory_add_two_gaps_past_max_is_enospc),
		T(test_full_memory_add_bridging_and_new_gap_succeeds),
		T(test_full_memory_remove_whole_region_succeeds),
		T(test_full_memory_remove_head_succeeds),
		T(test_full_memory_remove_across_two_regions_succeeds),
		T(test_memory_remove_middle_reaching_max_succeeds),
		T(test_full_memory_remove_middle_is_enospc),
		T(test_full_memory_mark_middle_is_enospc),
		T(test_full_memory_mark_whole_regions_succeeds),
		T(test_full_memory_mark_splitting_then_merging_succeeds),
		T(test_full_memory_clear_splitting_both_ends_then_merging_succeeds),
		T(test_memory_mark_middle_reaching_max_succeeds),
		T(test_full_memory_set_node_middle_is_enospc),
		T(test_full_memory_set_node_merging_succeeds),
		T(test_full_reserved_reserve_disjoint_is_enospc),
		T(test_full_reserved_reserve_bridging_succeeds),
		T(test_full_reserved_reserve_bridging_and_new_gap_succeeds),
		T(test_full_reserved_reserve_other_label_into_gap_is_enospc),
		T(test_full_reserved_free_whole_succeeds),
		T(test_reserved_free_middle_reaching_max_succeeds),
		T(test_full_reserved_free_middle_is_enospc),
		T(test_full_reserved_free_across_two_labels_succeeds),
		T(test_allow_resize_without_hook_is_einval),
		T(test_allow_resize_with_hook_succeeds),
		T(test_hook_alone_does_not_allow_doubling),
		T(test_memory_array_doubles_at_top_of_free_memory),
		T(test_reserved_array_doubles_and_reserves_itself),
		T(test_doubling_only_when_count_exceeds_max),
		T(test_second_doubling_frees_previous_storage),
		T(test_max_doubles_each_time),
		T(test_doubled_storage_avoids_range_being_reserved),
		T(test_doubled_storage_avoids_range_being_removed),
		T(test_doubling_skips_hotplug_nomap_unaccepted),
		T(test_doubling_may_use_mirror_memory),
		T(test_doubling_respects_current_limit),
		T(test_doubling_bottom_up_takes_lowest_free_page),
		T(test_doubling_without_free_memory_is_enomem),
		T(test_memory_doubling_needs_contiguous_block),
		T(test_doubling_below_limit_without_memory_is_enomem),
		T(test_doubling_into_untranslatable_memory_is_efault),
		T(test_free_of_doubled_storage_is_ebusy),
		T(test_free_of_doubled_memory_storage_is_ebusy),
		T(test_reservation_over_reserved_storage_outlives_its_move),
		T(test_reservation_over_memory_storage_outlives_its_move),
		T(test_reservation_over_storage_of_a_full_array_that_it_shrinks),
		T(test_reservation_over_memory_storage_doubles_a_full_reserved_array),
		T(test_reservation_over_both_storages_moves_both),
		T(test_reservation_over_both_storages_without_room_changes_nothing),
		T(test_reservation_over_storage_without_hook_is_enospc),
		T(test_random_reservations_over_storage),
		T(test_both_arrays_full_double_together),
		T(test_thousands_of_reservations),
		T(test_thousands_of_memory_regions),
		T(test_check_passes_on_clean_instances),
		T(test_check_detects_unsorted_regions),
		T(test_check_detects_overlapping_regions),
		T(test_check_detects_wrong_total),
		T(test_check_detects_empty_region),
		T(test_check_detects_unmerged_neighbours),
		T(test_check_detects_unknown_flags),
		T(test_check_detects_bad_node),
		T(test_check_detects_region_past_addr_end),
		T(test_check_detects_bad_storage),
		T(test_check_names_the_reserved_array),
		T(test_check_detects_self_reservation_relabelled),
		T(test_check_detects_self_reservation_removed),
		T(test_check_detects_self_reservation_shrunk),
		T(test_check_detects_memory_storage_not_reserved),
		T(test_first_memory_doubling_needs_one_reserved_slot),
		T(test_memory_doubling_is_exactly_double),
	};
#undef T
	return cmocka_run_group_tests_name("test_resize", tests, NULL, NULL);
}
