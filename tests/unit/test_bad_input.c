// SPDX-License-Identifier: MIT
/*
 * Bad input, explicitly: one test per row of the table in docs/bad-input.md.
 * Each test is named after its row id (c01 = core row 1, e = e820, u = UEFI,
 * a = ACPI, m = Multiboot2, l = Limine, x = x86 helper, h = handoff).
 *
 * A call that must fail is checked for its exact EM_E* code and for leaving
 * the instance exactly as it was (EXPECT_FAIL: deep snapshot compare plus
 * em_check()). Input the library repairs instead (overlapping, unsorted,
 * wrapping firmware entries) is checked for the exact resulting region
 * tables and statistics.
 *
 * Every test starts from the same baseline instance: memory [1 MiB, 8 MiB)
 * without a node and a reservation [6 MiB, 6 MiB + 64 KiB) labelled "fw",
 * with a simulated physical memory [0, 16 MiB) behind the phys_to_virt hook
 * (ACPI tables live in it; resizing is not allowed unless a test says so).
 */
#include "fwbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earlymem/acpi.h>
#include <earlymem/e820.h>
#include <earlymem/efi.h>
#include <earlymem/handoff.h>
#include <earlymem/limine.h>
#include <earlymem/multiboot2.h>
#include <earlymem/x86.h>

#define PG 4096ull
#define TOP EM_ADDR_END
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define SIM_SIZE (16 * MiB)
#define BASE_MEM                              \
	{                                     \
		1 * MiB, 7 * MiB, 0, NN, NULL \
	}
#define BASE_RES                               \
	{                                      \
		6 * MiB, 64 * KiB, 0, NN, "fw" \
	}

struct fx {
	struct earlymem em;
	struct phys_sim sim;
	struct em_numa_info numa;
	struct em_fw_stats st;
	struct tbl t;
	uint64_t work[1 << 15];	 /* 256 KiB of loader scratch */
	uint64_t input[1 << 13]; /* 64 KiB of firmware input */
};

static void baseline(struct fx *f)
{
	setup_em(&f->em, &f->sim);
	add(&f->em, 1 * MiB, 7 * MiB, NN, 0);
	reserve(&f->em, 6 * MiB, 64 * KiB, "fw");
	/* Patterns to prove outputs are untouched (or zeroed) on failure. */
	memset(&f->numa, 0xa5, sizeof(f->numa));
	memset(&f->st, 0xa5, sizeof(f->st));
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	sim_init(&f->sim, 0, SIM_SIZE);
	baseline(f);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	sim_fini(&f->sim);
	free(f);
	return 0;
}

static void assert_baseline(const struct earlymem *em)
{
	ASSERT_TABLE(&em->memory, BASE_MEM);
	ASSERT_TABLE(&em->reserved, BASE_RES);
}

static uint8_t *input(struct fx *f)
{
	return (uint8_t *)f->input;
}

static void print_stats(const char *what, const struct em_fw_stats *s)
{
	fprintf(stderr,
		"%s: entries %u empty %u clamped %u overlapping %u merged %u sanitized %u "
		"memory_ranges %u reserved_ranges %u clamped_bytes 0x%llx memory_bytes 0x%llx "
		"trimmed_bytes 0x%llx\n",
		what, s->entries, s->empty, s->clamped, s->overlapping, s->merged, s->sanitized,
		s->memory_ranges, s->reserved_ranges, (unsigned long long)s->clamped_bytes,
		(unsigned long long)s->memory_bytes, (unsigned long long)s->trimmed_bytes);
}

static void assert_stats(const struct em_fw_stats *got, const struct em_fw_stats *exp)
{
	if (memcmp(got, exp, sizeof(*got)) != 0) {
		print_stats("got", got);
		print_stats("expected", exp);
	}
	assert_memory_equal(got, exp, sizeof(*got));
}

static void assert_stats_zero(const struct em_fw_stats *got)
{
	const struct em_fw_stats zero = { 0 };

	assert_stats(got, &zero);
}

/* Fills the memory array to EM_STATIC_REGIONS with 4 KiB regions at 1 GiB. */
static void fill_memory_array(struct earlymem *em)
{
	fill_memory(em, 1 * GiB, EM_STATIC_REGIONS - em->memory.cnt);
	assert_int_equal(em->memory.cnt, em->memory.max);
}

/* Fills the reserved array to EM_STATIC_REGIONS with 16-byte reservations at 1 GiB. */
static void fill_reserved_array(struct earlymem *em)
{
	for (uint64_t a = 1 * GiB; em->reserved.cnt < em->reserved.max; a += 32)
		reserve(em, a, 16, "filler");
}

/* ------------------------------------------------------------------------ */
/* Core API                                                                 */

/* c01: a range passing 2^64 (or touching the last byte) is refused, never wrapped. */
static void test_c01_add_wrapping_range(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	EXPECT_FAIL(em, EM_ERANGE, em_add(em, TOP - 4095, 8192));
	EXPECT_FAIL(em, EM_ERANGE, em_add(em, TOP, 1));
	EXPECT_FAIL(em, EM_ERANGE, em_add(em, 1ull << 63, 1ull << 63));
	EXPECT_FAIL(em, EM_ERANGE, em_add_node(em, 4 * GiB, UINT64_MAX, 0, 0));
	/* Ending exactly at EM_ADDR_END is fine. */
	OK(em, em_add(em, TOP - PG, PG));
	ASSERT_TABLE(&em->memory, BASE_MEM, { TOP - PG, PG, 0, NN, NULL });
}

/* c02: every other range call refuses a wrapping range the same way. */
static void test_c02_wrapping_range_every_call(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const uint64_t b = TOP - 100, s = 200;

	EXPECT_FAIL(em, EM_ERANGE, em_remove(em, b, s));
	EXPECT_FAIL(em, EM_ERANGE, em_reserve(em, b, s));
	EXPECT_FAIL(em, EM_ERANGE, em_reserve_label(em, b, s, "x"));
	EXPECT_FAIL(em, EM_ERANGE, em_free(em, 6 * MiB, UINT64_MAX));
	EXPECT_FAIL(em, EM_ERANGE, em_mark(em, b, s, EM_MIRROR));
	EXPECT_FAIL(em, EM_ERANGE, em_clear(em, b, s, EM_MIRROR));
	EXPECT_FAIL(em, EM_ERANGE, em_set_node(em, b, s, 0));
	EXPECT_FAIL(em, EM_ERANGE, em_alloc_at(em, b, s, "x"));
	EXPECT_FAIL(em, EM_ERANGE, em_cap(em, b, s));
	/* Queries answer false instead. */
	assert_false(em_range_is_memory(em, 1 * MiB, UINT64_MAX));
	assert_false(em_range_is_reserved(em, 6 * MiB, UINT64_MAX));
	assert_false(em_range_intersects_reserved(em, 6 * MiB, UINT64_MAX));
	assert_false(em_range_is_free(em, 1 * MiB, UINT64_MAX));
}

/* c03: size 0 changes nothing and succeeds; an allocation of 0 bytes is EM_EINVAL. */
static void test_c03_zero_size(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	uint64_t a = 0xdead;

	EXPECT_NOOP(em, em_add(em, 2 * GiB, 0));
	EXPECT_NOOP(em, em_add(em, TOP, 0));
	EXPECT_NOOP(em, em_add_node(em, UINT64_MAX, 0, 3, EM_MIRROR));
	EXPECT_NOOP(em, em_remove(em, 2 * MiB, 0));
	EXPECT_NOOP(em, em_reserve(em, 2 * MiB, 0));
	EXPECT_NOOP(em, em_reserve_label(em, TOP, 0, "x"));
	EXPECT_NOOP(em, em_free(em, 6 * MiB, 0));
	EXPECT_NOOP(em, em_free(em, 2 * MiB, 0)); /* not reserved, but nothing to free */
	EXPECT_NOOP(em, em_mark(em, 2 * MiB, 0, EM_MIRROR));
	EXPECT_NOOP(em, em_clear(em, 2 * MiB, 0, EM_MIRROR));
	EXPECT_NOOP(em, em_set_node(em, 2 * MiB, 0, 1));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_at(em, 2 * MiB, 0, "x"));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc(em, 0, PG, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_range(em, 0, PG, 0, EM_ALLOC_ANYWHERE, &a));
	assert_int_equal(a, 0xdead);
	assert_false(em_range_is_memory(em, 2 * MiB, 0));
	assert_false(em_range_is_free(em, 2 * MiB, 0));
	assert_false(em_range_is_reserved(em, 6 * MiB, 0));
}

/* c04: misaligned bases are kept byte-exact; em_trim() drops the partial pages. */
static void test_c04_misaligned_base(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	uint64_t a = 0;

	OK(em, em_add(em, 1 * GiB + 0x123, 0x3000));
	ASSERT_TABLE(&em->memory, BASE_MEM, { 1 * GiB + 0x123, 0x3000, 0, NN, NULL });
	/* Allocation still returns aligned addresses from it. */
	OK(em, em_alloc_range(em, PG, PG, 1 * GiB, 2 * GiB, &a));
	assert_int_equal(a, 1 * GiB + 0x2000);
	OK(em, em_free(em, a, PG));
	OK(em, em_trim(em, PG));
	ASSERT_TABLE(&em->memory, BASE_MEM, { 1 * GiB + 0x1000, 0x2000, 0, NN, NULL });
	ASSERT_TABLE(&em->reserved, BASE_RES);
}

/* c05: node ids outside 0..EM_MAX_NODES-1 (and EM_NODE_ANY where a real node is due). */
static void test_c05_node_out_of_range(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct em_request req = { .size = PG, .align = PG, .max = EM_ALLOC_ANYWHERE };
	uint64_t a = 0xdead;

	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 2 * GiB, PG, EM_MAX_NODES, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 2 * GiB, PG, EM_NODE_ANY, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 2 * GiB, PG, -3, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_set_node(em, 2 * MiB, PG, EM_MAX_NODES));
	EXPECT_FAIL(em, EM_EINVAL, em_set_node(em, 2 * MiB, PG, EM_NODE_ANY));
	EXPECT_FAIL(em, EM_EINVAL, em_set_node(em, 2 * MiB, PG, -1000));
	EXPECT_FAIL(em, EM_EINVAL, em_set_distance(em, 0, EM_MAX_NODES, 30));
	EXPECT_FAIL(em, EM_EINVAL, em_set_distance(em, EM_NODE_NONE, 0, 30));
	assert_int_equal(em_distance(em, EM_MAX_NODES, 0), -1);
	assert_int_equal(em_distance(em, 0, -1), -1);
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_node(em, PG, PG, EM_MAX_NODES, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_node(em, PG, PG, -3, &a));
	req.flags = EM_ALLOC_EXACT_NODE;
	req.node = EM_NODE_ANY;
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_req(em, &req, &a));
	req.node = EM_NODE_NONE;
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_req(em, &req, &a));
	assert_int_equal(a, 0xdead);
}

/* c06: unknown region or request flag bits, and both directions at once. */
static void test_c06_unknown_flags(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct em_request req = { .size = PG, .align = PG, .max = EM_ALLOC_ANYWHERE };
	uint64_t a = 0xdead;

	EXPECT_FAIL(em, EM_EINVAL, em_add_node(em, 2 * GiB, PG, NN, 0x10));
	EXPECT_FAIL(em, EM_EINVAL, em_mark(em, 2 * MiB, PG, 0x100));
	EXPECT_FAIL(em, EM_EINVAL, em_clear(em, 2 * MiB, PG, 0x80000000u));
	req.flags = 0x80000;
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_req(em, &req, &a));
	req.flags = EM_ALLOC_BOTTOM_UP | EM_ALLOC_TOP_DOWN;
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_req(em, &req, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_find(em, &req, &a));
	assert_int_equal(a, 0xdead);
}

/* c07: freeing a range that was never reserved. */
static void test_c07_free_never_reserved(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 2 * MiB, PG));		     /* free memory */
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 4 * GiB, PG));		     /* not even memory */
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 6 * MiB - PG, 2 * PG));	     /* starts before */
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 6 * MiB + 60 * KiB, 2 * PG)); /* runs past */
}

/* c08: a double free, and a free of a range already half freed. */
static void test_c08_double_free(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	OK(em, em_free(em, 6 * MiB, 64 * KiB));
	ASSERT_EMPTY(&em->reserved);
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 6 * MiB, 64 * KiB));
	reserve(em, 6 * MiB, 64 * KiB, "fw");
	OK(em, em_free(em, 6 * MiB, 32 * KiB));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 6 * MiB, 64 * KiB));
	ASSERT_TABLE(&em->reserved, { 6 * MiB + 32 * KiB, 32 * KiB, 0, NN, "fw" });
}

/* c09: freeing the library's own doubled array storage. */
static void test_c09_free_own_arrays(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	OK(em, em_allow_resize(em));
	fill_reserved_array(em);
	reserve(em, 2 * GiB, PG, "one more");
	assert_int_not_equal(em->reserved.bytes, 0);
	assert_true(em_range_is_reserved(em, em->reserved.phys, em->reserved.bytes));
	EXPECT_FAIL(em, EM_EBUSY, em_free(em, em->reserved.phys, em->reserved.bytes));
	EXPECT_FAIL(em, EM_EBUSY, em_free(em, em->reserved.phys + PG, 16));
}

/* c10: allocation alignment 0, 3 and other non-powers of two. */
static void test_c10_alloc_align_0_and_3(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct em_request req = { .size = PG, .max = EM_ALLOC_ANYWHERE, .node = EM_NODE_ANY };
	uint64_t a = 0xdead;

	EXPECT_FAIL(em, EM_EINVAL, em_alloc(em, PG, 0, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc(em, PG, 3, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc(em, PG, 0x3000, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc(em, PG, UINT64_MAX, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_node(em, PG, 3, 0, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_range(em, PG, 0, 0, EM_ALLOC_ANYWHERE, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_find(em, &req, &a)); /* .align 0 */
	assert_int_equal(a, 0xdead);
}

/* c11: an allocation window with min > max, an empty one, one below the limit. */
static void test_c11_alloc_min_above_max(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	uint64_t a = 0xdead;

	EXPECT_FAIL(em, EM_EINVAL, em_alloc_range(em, PG, PG, 5 * MiB, 4 * MiB, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_range(em, PG, PG, UINT64_MAX, 0, &a));
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc_range(em, PG, PG, 4 * MiB, 4 * MiB, &a));
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc_range(em, PG, PG, 4 * MiB, 4 * MiB + PG - 1, &a));
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc_range(em, PG, PG, 8 * MiB, 1 * GiB, &a));
	em_set_current_limit(em, 2 * MiB);
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc_range(em, PG, PG, 3 * MiB, 4 * MiB, &a));
	assert_int_equal(a, 0xdead);
}

/* c12: NULL where the API rejects it (request, result pointer). */
static void test_c12_alloc_null_pointers(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct em_request req = { .size = PG, .align = PG, .max = EM_ALLOC_ANYWHERE };
	uint64_t a = 0xdead;

	EXPECT_FAIL(em, EM_EINVAL, em_alloc(em, PG, PG, NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_node(em, PG, PG, 0, NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_req(em, NULL, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_alloc_req(em, &req, NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_find(em, NULL, &a));
	EXPECT_FAIL(em, EM_EINVAL, em_find(em, &req, NULL));
	assert_int_equal(a, 0xdead);
}

/* c13: absurd sizes and alignments: no overflow, just EM_ENOMEM. */
static void test_c13_alloc_absurd_size(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct em_request req = {
		.size = PG,
		.align = 1ull << 63,
		.min = TOP - 2 * PG,
		.max = EM_ALLOC_ANYWHERE,
		.node = EM_NODE_ANY,
		.flags = EM_ALLOC_BOTTOM_UP,
	};
	uint64_t a = 0xdead;

	EXPECT_FAIL(em, EM_ENOMEM, em_alloc(em, UINT64_MAX, 1, &a));
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc(em, 1ull << 63, 1ull << 63, &a));
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc(em, 8 * MiB, PG, &a));
	/* Memory at the very top: rounding a candidate up to 2^63 would wrap. */
	OK(em, em_add(em, TOP - 2 * PG, 2 * PG - 1));
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc_req(em, &req, &a));
	req.flags = EM_ALLOC_TOP_DOWN;
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc_req(em, &req, &a));
	assert_int_equal(a, 0xdead);
}

/* c14: em_alloc_at() of no bytes, of non-memory, of reserved memory. */
static void test_c14_alloc_at_bad_range(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	EXPECT_FAIL(em, EM_EINVAL, em_alloc_at(em, 2 * MiB, 0, "x"));
	EXPECT_FAIL(em, EM_ENOENT, em_alloc_at(em, 2 * GiB, PG, "x"));
	EXPECT_FAIL(em, EM_ENOENT, em_alloc_at(em, 8 * MiB - PG, 2 * PG, "x"));
	EXPECT_FAIL(em, EM_ENOENT, em_alloc_at(em, 1 * MiB - 1, 2, "x"));
	EXPECT_FAIL(em, EM_EBUSY, em_alloc_at(em, 6 * MiB, PG, "x"));
	EXPECT_FAIL(em, EM_EBUSY, em_alloc_at(em, 6 * MiB - PG, 2 * PG, "x"));
}

/* c15: em_trim() alignment 0, 3, not a power of two. */
static void test_c15_trim_align_0_and_3(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	OK(em, em_add(em, 1 * GiB + 1, 3 * PG));
	EXPECT_FAIL(em, EM_EINVAL, em_trim(em, 0));
	EXPECT_FAIL(em, EM_EINVAL, em_trim(em, 3));
	EXPECT_FAIL(em, EM_EINVAL, em_trim(em, 0x3000));
	EXPECT_FAIL(em, EM_EINVAL, em_trim(em, UINT64_MAX));
	EXPECT_NOOP(em, em_trim(em, 1));
}

/* c16: em_cap() and em_limit() with extreme arguments. */
static void test_c16_cap_and_limit_extremes(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	EXPECT_FAIL(em, EM_ERANGE, em_cap(em, TOP - 10, 20));
	EXPECT_FAIL(em, EM_ERANGE, em_cap(em, 1, UINT64_MAX));
	EXPECT_NOOP(em, em_cap(em, 0, TOP));
	{
		struct em_snapshot s;

		snap_take(&s, em);
		em_limit(em, UINT64_MAX);
		em_limit(em, 7 * MiB);
		snap_assert_same(&s, em);
	}
	/* An empty window keeps no memory; reservations stay (documented). */
	OK(em, em_cap(em, 2 * MiB, 0));
	ASSERT_EMPTY(&em->memory);
	ASSERT_TABLE(&em->reserved, BASE_RES);
	add(em, 1 * MiB, 7 * MiB, NN, 0);
	em_limit(em, 0);
	assert_check(em);
	ASSERT_EMPTY(&em->memory);
	ASSERT_TABLE(&em->reserved, BASE_RES);
}

static unsigned count_iter(const struct earlymem *em, enum em_iter_kind kind, int node,
			   uint32_t flags)
{
	struct em_iter it;
	unsigned n = 0;

	em_iter_init(&it, em, kind, node, flags);
	while (em_iter_next(&it))
		n++;
	return n;
}

/* c17: iterators asked for a node id that does not exist, or an unknown kind. */
static void test_c17_iter_bad_node_or_kind(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct em_snapshot s;

	snap_take(&s, em);
	for (int kind = EM_ITER_MEMORY; kind <= EM_ITER_PFN; kind++) {
		if (kind == EM_ITER_RESERVED)
			continue; /* the node is ignored there */
		assert_int_equal(count_iter(em, kind, EM_MAX_NODES, EM_SKIP_FLAGS), 0);
		assert_int_equal(count_iter(em, kind, -3, EM_SKIP_FLAGS), 0);
		assert_int_equal(count_iter(em, kind, INT32_MIN, EM_SKIP_FLAGS), 0);
		assert_int_not_equal(count_iter(em, kind, EM_NODE_ANY, EM_SKIP_FLAGS), 0);
	}
	assert_int_equal(count_iter(em, (enum em_iter_kind)99, EM_NODE_ANY, 0), 0);
	assert_int_equal(count_iter(em, EM_ITER_RESERVED, EM_MAX_NODES, 0), 1);
	snap_assert_same(&s, em);
}

/* c18: em_allow_resize() without a phys_to_virt hook. */
static void test_c18_allow_resize_without_hook(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	em_set_hooks(em, NULL);
	EXPECT_FAIL(em, EM_EINVAL, em_allow_resize(em));
	assert_false(em->resize_allowed);
}

/* c19: transaction buffers that are NULL, misaligned, too small, or hold no state. */
static void test_c19_txn_bad_buffer(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	uint8_t *w = (uint8_t *)f->work;
	size_t need = em_txn_bytes(em);

	EXPECT_FAIL(em, EM_EINVAL, em_txn_begin(em, NULL, need));
	EXPECT_FAIL(em, EM_EINVAL, em_txn_begin(em, w + 4, need));
	EXPECT_FAIL(em, EM_EINVAL, em_txn_begin(em, w, need - 1));
	EXPECT_FAIL(em, EM_EINVAL, em_txn_begin(em, w, 0));
	memset(f->work, 0, 4096);
	EXPECT_FAIL(em, EM_EINVAL, em_txn_rollback(em, w));
	/* Changes after a good begin are still rolled back after all that. */
	OK(em, em_txn_begin(em, w, need));
	OK(em, em_add(em, 2 * GiB, PG));
	OK(em, em_txn_rollback(em, w));
	assert_baseline(em);
}

/*
 * c20: em_txn_rollback(NULL).
 *
 * This found a bug: em_txn_rollback() computed `(h + 1)` before it checked
 * h for NULL, undefined behaviour that clang's UBSan reports ("applying
 * non-zero offset to null pointer") and that lets a compiler drop the
 * check. Fixed in src/txn.c.
 */
static void test_c20_txn_rollback_null(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	EXPECT_FAIL(em, EM_EINVAL, em_txn_rollback(em, NULL));
}

/* c21: full static arrays without resizing: adds, splits and reservations need a slot. */
static void test_c21_full_array_no_resize(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	uint64_t a = 0xdead;

	fill_memory_array(em);
	EXPECT_FAIL(em, EM_ENOSPC, em_add(em, 2 * GiB, PG));
	EXPECT_FAIL(em, EM_ENOSPC, em_remove(em, 2 * MiB, PG));
	EXPECT_FAIL(em, EM_ENOSPC, em_mark(em, 2 * MiB, PG, EM_MIRROR));
	EXPECT_FAIL(em, EM_ENOSPC, em_set_node(em, 2 * MiB, PG, 1));
	/* What needs no new slot still works on a full array. */
	EXPECT_NOOP(em, em_add(em, 2 * MiB, PG));
	fill_reserved_array(em);
	EXPECT_FAIL(em, EM_ENOSPC, em_reserve(em, 2 * GiB, PG));
	EXPECT_FAIL(em, EM_ENOSPC, em_free(em, 6 * MiB + PG, PG));
	EXPECT_FAIL(em, EM_ENOSPC, em_alloc(em, PG, PG, &a));
	EXPECT_FAIL(em, EM_ENOSPC, em_alloc_at(em, 2 * MiB, PG, "x"));
	assert_int_equal(a, 0xdead);
}

/* c22: questions about an empty instance. */
static void test_c22_bounds_of_empty_instance(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	uint64_t lo = 0x1111, end = 0x2222;

	setup_em(em, NULL);
	EXPECT_FAIL(em, EM_ENOENT, em_memory_bounds(em, &lo, &end));
	assert_int_equal(lo, 0x1111);
	assert_int_equal(end, 0x2222);
	assert_int_equal(em_free_size(em), 0);
	assert_false(em_is_memory(em, 0));
	assert_int_equal(em_node_of(em, 0), EM_NODE_NONE);
	EXPECT_FAIL(em, EM_ENOMEM, em_alloc(em, PG, PG, &lo));
	assert_int_equal(lo, 0x1111);
}

/* ------------------------------------------------------------------------ */
/* Handoff and retirement                                                   */

static uint64_t released;
static unsigned release_calls;

static void rel_range(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	(void)ctx;
	(void)base;
	(void)node;
	(void)flags;
	released += size;
	release_calls++;
}

static void rel_block(void *ctx, uint64_t base, unsigned int order, int node, uint32_t flags)
{
	(void)ctx;
	(void)base;
	(void)node;
	(void)flags;
	released += PG << order;
	release_calls++;
}

static const struct em_handoff_ops range_ops = { .release_range = rel_range };

static void handoff(struct earlymem *em, const struct em_handoff_ops *ops)
{
	released = 0;
	release_calls = 0;
	assert_int_equal(em_handoff(em, ops, NULL), 0);
	assert_true(em->retired);
}

/* h01: handoff ops that are NULL, name no or both release callbacks, too large an order. */
static void test_h01_handoff_bad_ops(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct em_handoff_ops both = { .release_range = rel_range, .release_block = rel_block };
	struct em_handoff_ops none = { .max_order = 10 };
	struct em_handoff_ops order = { .release_block = rel_block,
					.max_order = EM_HANDOFF_MAX_ORDER + 1 };
	struct em_handoff_stats st;

	release_calls = 0;
	memset(&st, 0xa5, sizeof(st));
	EXPECT_FAIL(em, EM_EINVAL, em_handoff(em, NULL, &st));
	EXPECT_FAIL(em, EM_EINVAL, em_handoff(em, &both, &st));
	EXPECT_FAIL(em, EM_EINVAL, em_handoff(em, &none, &st));
	EXPECT_FAIL(em, EM_EINVAL, em_handoff(em, &order, &st));
	assert_int_equal(release_calls, 0);
	assert_false(em->retired);
	/* The instance is still fully usable. */
	order.max_order = EM_HANDOFF_MAX_ORDER;
	handoff(em, &order);
	assert_int_equal(released, 7 * MiB - 64 * KiB);
}

/* h02: everything that changes memory or reservations after the handoff. */
static void test_h02_use_after_handoff(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	uint8_t *w = (uint8_t *)f->work;
	struct em_request req = {
		.size = PG, .align = PG, .max = EM_ALLOC_ANYWHERE, .node = EM_NODE_ANY
	};
	uint64_t a = 0xdead;
	unsigned calls;

	OK(em, em_txn_begin(em, w, sizeof(f->work)));
	handoff(em, &range_ops);
	calls = release_calls;
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc(em, PG, PG, &a));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc_range(em, PG, PG, 0, 4 * MiB, &a));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc_node(em, PG, PG, 0, &a));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc_req(em, &req, &a));
	EXPECT_FAIL(em, EM_ERETIRED, em_find(em, &req, &a));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc_at(em, 2 * MiB, PG, "x"));
	EXPECT_FAIL(em, EM_ERETIRED, em_add(em, 2 * GiB, PG));
	EXPECT_FAIL(em, EM_ERETIRED, em_remove(em, 2 * MiB, PG));
	EXPECT_FAIL(em, EM_ERETIRED, em_reserve(em, 2 * MiB, PG));
	EXPECT_FAIL(em, EM_ERETIRED, em_mark(em, 2 * MiB, PG, EM_MIRROR));
	EXPECT_FAIL(em, EM_ERETIRED, em_clear(em, 2 * MiB, PG, EM_MIRROR));
	EXPECT_FAIL(em, EM_ERETIRED, em_set_node(em, 2 * MiB, PG, 0));
	EXPECT_FAIL(em, EM_ERETIRED, em_trim(em, PG));
	EXPECT_FAIL(em, EM_ERETIRED, em_cap(em, 0, 4 * MiB));
	EXPECT_FAIL(em, EM_ERETIRED, em_allow_resize(em));
	/* The x86 boot-time reservations and a firmware map, with something to reserve. */
	EXPECT_FAIL(em, EM_ERETIRED, em_x86_reserve_low(em, EM_X86_LOW_PAGE0 | EM_X86_LOW_1MIB));
	EXPECT_FAIL(em, EM_ERETIRED,
		    em_x86_reserve_boot(em, &(struct em_x86_boot){ .kernel_base = 2 * MiB,
								   .kernel_size = PG }));
	{
		const struct em_fw_entry map[] = {
			{ .base = 1 * GiB, .size = 4 * MiB, .type = EM_E820_RAM },
			{ .base = 2 * GiB, .size = 4 * MiB, .type = EM_E820_RESERVED },
		};

		EXPECT_FAIL(em, EM_ERETIRED,
			    em_e820_load(em, map, 2, w + (1 << 16), 1 << 16, NULL));
	}
	EXPECT_FAIL(em, EM_ERETIRED, em_handoff(em, &range_ops, NULL));
	EXPECT_FAIL(em, EM_ERETIRED, em_txn_rollback(em, w)); /* begun before the handoff */
	{
		struct em_snapshot s;

		snap_take(&s, em);
		em_limit(em, 0); /* void: does nothing once retired */
		snap_assert_same(&s, em);
	}
	assert_int_equal(a, 0xdead);
	assert_int_equal(release_calls, calls); /* only the handoff itself released */
}

/* h03: late frees of what was never reserved, twice, or wrapping. */
static void test_h03_late_free_misuse(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	handoff(em, &range_ops);
	released = 0;
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 2 * MiB, PG));
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 6 * MiB - PG, 2 * PG));
	EXPECT_FAIL(em, EM_ERANGE, em_free(em, TOP - 10, 20));
	assert_int_equal(released, 0);
	OK(em, em_free(em, 6 * MiB, 64 * KiB));
	assert_int_equal(released, 64 * KiB);
	EXPECT_FAIL(em, EM_ENOENT, em_free(em, 6 * MiB, 64 * KiB));
	assert_int_equal(released, 64 * KiB);
	ASSERT_EMPTY(&em->reserved);
}

/* h04: a late free after a discard had to empty an array. */
static void test_h04_late_free_after_emptying_discard(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const struct em_handoff_ops ops = { .release_range = rel_range, .discard = true };

	OK(em, em_allow_resize(em));
	fill_reserved_array(em);
	for (uint64_t i = 0; i < 8; i++)
		reserve(em, 2 * GiB + i * 32, 16, "more");
	handoff(em, &ops);
	assert_true(em->no_late_free);
	EXPECT_FAIL(em, EM_ERETIRED, em_free(em, 6 * MiB, 64 * KiB));
	EXPECT_FAIL(em, EM_ERETIRED, em_free(em, 2 * MiB, PG));
}

/* h06: late frees after the caller broke the ops em_handoff() keeps. */
static void test_h06_late_free_with_ops_made_invalid(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	static struct em_handoff_ops ops;

	ops = (struct em_handoff_ops){ .release_block = rel_block, .max_order = 10 };
	handoff(em, &ops);
	released = 0;
	ops.max_order = 64; /* a shift past the width of uint64_t */
	EXPECT_FAIL(em, EM_EINVAL, em_free(em, 6 * MiB, 64 * KiB));
	ops.max_order = 10;
	ops.release_block = NULL; /* neither release callback */
	EXPECT_FAIL(em, EM_EINVAL, em_free(em, 6 * MiB, 64 * KiB));
	ops.release_range = rel_range; /* both */
	ops.release_block = rel_block;
	EXPECT_FAIL(em, EM_EINVAL, em_free(em, 6 * MiB, 64 * KiB));
	assert_int_equal(released, 0);
	ops.release_range = NULL;
	OK(em, em_free(em, 6 * MiB, 64 * KiB));
	assert_int_equal(released, 64 * KiB);
}

/* h05: a handoff of an instance whose arrays were corrupted behind its back. */
static void test_h05_handoff_corrupt_instance(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct em_snapshot s;

	REGION(&em->memory, 0)->size = 0; /* EM_INV_EMPTY */
	release_calls = 0;
	snap_take(&s, em);
	assert_int_equal(em_handoff(em, &range_ops, NULL), EM_ECORRUPT);
	snap_assert_same(&s, em);
	assert_int_equal(release_calls, 0);
	assert_false(em->retired);
	REGION(&em->memory, 0)->size = 7 * MiB;
	assert_check(em);
}

/* ------------------------------------------------------------------------ */
/* e820                                                                     */

static void e820_put(uint8_t *raw, size_t i, uint64_t base, uint64_t size, uint32_t type)
{
	uint8_t *p = raw + i * EM_E820_ENTRY_SIZE;

	put64(p, base);
	put64(p + 8, size);
	put32(p + 16, type);
}

static int e820_load(struct fx *f, size_t n)
{
	return em_e820_load_raw(&f->em, input(f), n, f->work, sizeof(f->work), &f->st);
}

/* e01: an entry whose end passes 2^64 is cut at EM_ADDR_END, then trimmed to pages. */
static void test_e01_e820_wrapping_entry(void **state)
{
	struct fx *f = *state;
	const uint64_t base = TOP - 3 * PG + 1; /* = 2^64 - 3 pages */
	const struct em_fw_stats exp = {
		.entries = 1,
		.clamped = 1,
		.sanitized = 1,
		.memory_ranges = 1,
		.clamped_bytes = (1ull << 63) - (TOP - base),
		.memory_bytes = TOP - base,
		.trimmed_bytes = PG - 1,
	};

	e820_put(input(f), 0, base, 1ull << 63, EM_E820_RAM);
	OK(&f->em, e820_load(f, 1));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { base, 2 * PG, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES);
}

/* e02: zero-size entries are dropped and counted. */
static void test_e02_e820_zero_size_entry(void **state)
{
	struct fx *f = *state;
	const struct em_fw_stats exp = {
		.entries = 3,
		.empty = 2,
		.sanitized = 1,
		.memory_ranges = 1,
		.memory_bytes = 4 * MiB,
	};

	e820_put(input(f), 0, 4 * GiB, 0, EM_E820_RESERVED);
	e820_put(input(f), 1, 4 * GiB, 4 * MiB, EM_E820_RAM);
	e820_put(input(f), 2, TOP, 0, EM_E820_RAM);
	OK(&f->em, e820_load(f, 3));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 4 * MiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES);
}

/* e03: a misaligned RAM entry keeps only its whole pages. */
static void test_e03_e820_misaligned_entry(void **state)
{
	struct fx *f = *state;
	const uint64_t size = 3 * PG + 0x456 - 0x123;
	const struct em_fw_stats exp = {
		.entries = 1,
		.sanitized = 1,
		.memory_ranges = 1,
		.memory_bytes = size,
		.trimmed_bytes = size - 2 * PG,
	};

	e820_put(input(f), 0, 4 * GiB + 0x123, size, EM_E820_RAM);
	OK(&f->em, e820_load(f, 1));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB + PG, 2 * PG, 0, NN, NULL });
}

/* e04: overlapping entries: the larger type wins (reserved cuts a hole in RAM). */
static void test_e04_e820_overlapping_entries(void **state)
{
	struct fx *f = *state;
	const struct em_fw_stats exp = {
		.entries = 3,
		.overlapping = 3,
		.sanitized = 3,
		.memory_ranges = 2,
		.memory_bytes = 12 * MiB,
	};

	e820_put(input(f), 0, 4 * GiB, 16 * MiB, EM_E820_RAM);
	e820_put(input(f), 1, 4 * GiB + 4 * MiB, 4 * MiB, EM_E820_RESERVED);
	e820_put(input(f), 2, 4 * GiB + 4 * MiB, 1 * MiB, EM_E820_RAM); /* loses to reserved */
	OK(&f->em, e820_load(f, 3));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 4 * MiB, 0, NN, NULL },
		     { 4 * GiB + 8 * MiB, 8 * MiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES);
}

/* e05: unsorted entries are sorted; adjacent pieces of one type merge. */
static void test_e05_e820_unsorted_entries(void **state)
{
	struct fx *f = *state;
	const struct em_fw_stats exp = {
		.entries = 3,
		.merged = 1,
		.sanitized = 2,
		.memory_ranges = 1,
		.memory_bytes = 4 * MiB,
	};

	e820_put(input(f), 0, 4 * GiB + 4 * MiB, 1 * MiB, EM_E820_ACPI);
	e820_put(input(f), 1, 4 * GiB + 2 * MiB, 2 * MiB, EM_E820_RAM);
	e820_put(input(f), 2, 4 * GiB, 2 * MiB, EM_E820_RAM);
	OK(&f->em, e820_load(f, 3));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 4 * MiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES);
}

/* e06: unknown types (0, OEM) are not memory; soft reserved is reserved, not memory. */
static void test_e06_e820_unknown_and_soft_reserved(void **state)
{
	struct fx *f = *state;
	const struct em_fw_stats exp = {
		.entries = 4,
		.overlapping = 3,
		.sanitized = 5,
		.memory_ranges = 2,
		.reserved_ranges = 1,
		.memory_bytes = 2 * MiB,
	};

	e820_put(input(f), 0, 4 * GiB, 4 * MiB, EM_E820_RAM);
	e820_put(input(f), 1, 4 * GiB + 1 * MiB, 1 * MiB, 0x99);
	e820_put(input(f), 2, 4 * GiB + 2 * MiB, 1 * MiB, EM_E820_SOFT_RESERVED);
	e820_put(input(f), 3, 8 * GiB, 1 * MiB, 0);
	OK(&f->em, e820_load(f, 4));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 1 * MiB, 0, NN, NULL },
		     { 4 * GiB + 3 * MiB, 1 * MiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES,
		     { 4 * GiB + 2 * MiB, 1 * MiB, 0, NN, "soft-reserved" });
}

/* e07: absurd entry counts with a small buffer: refused before a byte is read. */
static void test_e07_e820_absurd_count(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const struct em_fw_entry *t = NULL;
	size_t n = 77;
	/* A count whose EM_FW_WORK_BYTES() wraps size_t to a small number. */
	const size_t wraps = SIZE_MAX / (3 * sizeof(struct em_fw_entry) + sizeof(uint32_t)) + 1;

	e820_put(input(f), 0, 4 * GiB, 4 * MiB, EM_E820_RAM);
	EXPECT_FAIL(em, EM_EINVAL, e820_load(f, (size_t)1 << 32));
	EXPECT_FAIL(em, EM_EINVAL, e820_load(f, UINT32_MAX));
	EXPECT_FAIL(em, EM_EINVAL, e820_load(f, wraps));
	EXPECT_FAIL(em, EM_EINVAL, e820_load(f, SIZE_MAX));
	assert_int_equal(em_e820_sanitize(input(f), (size_t)1 << 32, f->work, sizeof(f->work), &t,
					  &n, NULL),
			 EM_EINVAL);
	assert_int_equal(em_e820_sanitize(input(f), wraps, f->work, sizeof(f->work), &t, &n, NULL),
			 EM_EINVAL);
	assert_null(t);
	assert_int_equal(n, 77);
}

/* e08: scratch too small, NULL or misaligned for the transaction. */
static void test_e08_e820_scratch_too_small(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const struct em_fw_entry *t = NULL;
	uint8_t *w = (uint8_t *)f->work;
	size_t n = 77;

	e820_put(input(f), 0, 4 * GiB, 4 * MiB, EM_E820_RAM);
	e820_put(input(f), 1, 5 * GiB, 4 * MiB, EM_E820_RAM);
	assert_int_equal(em_e820_sanitize(input(f), 2, w, EM_FW_WORK_BYTES(2) - 1, &t, &n, NULL),
			 EM_EINVAL);
	assert_int_equal(em_e820_sanitize(input(f), 2, NULL, 1 << 20, &t, &n, NULL), EM_EINVAL);
	assert_null(t);
	EXPECT_FAIL(em, EM_EINVAL, em_e820_load_raw(em, input(f), 2, w, 0, NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_e820_load_raw(em, input(f), 2, NULL, 1 << 20, NULL));
	/* Room to sanitize, none to save the instance. */
	EXPECT_FAIL(em, EM_EINVAL, em_e820_load_raw(em, input(f), 2, w, EM_FW_WORK_BYTES(2), NULL));
	/* em_e820_load(): scratch smaller than em_txn_bytes(), or misaligned. */
	OK(em, em_e820_sanitize(input(f), 2, w, sizeof(f->work), &t, &n, NULL));
	EXPECT_FAIL(em, EM_EINVAL,
		    em_e820_load(em, t, n, w + (1 << 16), em_txn_bytes(em) - 1, NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_e820_load(em, t, n, w + (1 << 16) + 4, 1 << 16, NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_e820_load(em, t, n, NULL, 1 << 16, NULL));
}

/* e09: NULL tables: refused with entries, an empty table without. */
static void test_e09_e820_null_table(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const struct em_fw_entry *t = NULL;
	size_t n = 77;

	EXPECT_FAIL(em, EM_EINVAL, em_e820_load_raw(em, NULL, 1, f->work, sizeof(f->work), NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_e820_load(em, NULL, 1, f->work, sizeof(f->work), NULL));
	assert_int_equal(em_e820_sanitize(input(f), 1, f->work, sizeof(f->work), NULL, &n, NULL),
			 EM_EINVAL);
	assert_int_equal(em_e820_sanitize(input(f), 1, f->work, sizeof(f->work), &t, NULL, NULL),
			 EM_EINVAL);
	EXPECT_NOOP(em, em_e820_load_raw(em, NULL, 0, f->work, sizeof(f->work), &f->st));
	assert_stats_zero(&f->st);
	assert_int_equal(em_e820_sanitize(NULL, 0, f->work, sizeof(f->work), &t, &n, NULL), 0);
	assert_int_equal(n, 0);
}

/* e10: em_e820_load() of a table that is not sanitized. */
static void test_e10_e820_load_unsanitized_table(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const struct em_fw_entry unsorted[] = {
		{ .base = 5 * GiB, .size = PG, .type = 1 },
		{ .base = 4 * GiB, .size = PG, .type = 1 },
	};
	const struct em_fw_entry overlapping[] = {
		{ .base = 4 * GiB, .size = 2 * PG, .type = 1 },
		{ .base = 4 * GiB + PG, .size = PG, .type = 2 },
	};
	const struct em_fw_entry empty[] = { { .base = 4 * GiB, .size = 0, .type = 1 } };
	const struct em_fw_entry wrapping[] = { { .base = TOP - PG, .size = 2 * PG, .type = 1 } };

	EXPECT_FAIL(em, EM_EINVAL, em_e820_load(em, unsorted, 2, f->work, sizeof(f->work), NULL));
	EXPECT_FAIL(em, EM_EINVAL,
		    em_e820_load(em, overlapping, 2, f->work, sizeof(f->work), NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_e820_load(em, empty, 1, f->work, sizeof(f->work), NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_e820_load(em, wrapping, 1, f->work, sizeof(f->work), NULL));
}

/* e11: a map with more ranges than the arrays hold, resizing not allowed. */
static void test_e11_e820_map_too_large(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const size_t n = 2 * EM_STATIC_REGIONS;

	for (size_t i = 0; i < n; i++)
		e820_put(input(f), i, 4 * GiB + i * 2 * PG, PG, EM_E820_RAM);
	EXPECT_FAIL(em, EM_ENOSPC, e820_load(f, n));
}

/* ------------------------------------------------------------------------ */
/* UEFI memory map                                                          */

static void efi_put(uint8_t *map, uint64_t desc_size, size_t i, uint32_t type, uint64_t base,
		    uint64_t pages, uint64_t attr)
{
	uint8_t *d = map + i * desc_size;

	memset(d, 0x5a, desc_size); /* padding, VirtualStart and the tail are junk */
	put32(d, type);
	put64(d + 8, base);
	put64(d + 24, pages);
	put64(d + 32, attr);
}

/* A small map: Conventional + Boot Services Data, Runtime Data, Loader Data. */
static size_t efi_small_map(uint8_t *map, uint64_t ds)
{
	efi_put(map, ds, 0, EM_EFI_CONVENTIONAL, 4 * GiB, 1024, 0xf);
	efi_put(map, ds, 1, EM_EFI_BOOT_SERVICES_DATA, 4 * GiB + 4 * MiB, 256, 0xf);
	efi_put(map, ds, 2, EM_EFI_RUNTIME_SERVICES_DATA, 4 * GiB + 5 * MiB, 16,
		0xf | EM_EFI_MEMORY_RUNTIME);
	efi_put(map, ds, 3, EM_EFI_LOADER_DATA, 4 * GiB + 8 * MiB, 16, 0xf);
	return 4;
}

static int efi_load(struct fx *f, uint64_t map_size, uint64_t desc_size)
{
	return em_efi_load_map(&f->em, input(f), map_size, desc_size, 1, EM_EFI_DEFAULT, f->work,
			       sizeof(f->work), &f->st);
}

/* u01-u03: DescriptorSize 0, 1, 39: refused (no division by zero, no short reads). */
static void efi_bad_desc_size(struct fx *f, uint64_t ds)
{
	struct earlymem *em = &f->em;
	const struct em_fw_entry *t = NULL;
	size_t n = 77;

	efi_small_map(input(f), EM_EFI_DESC_MIN_SIZE);
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, 4 * EM_EFI_DESC_MIN_SIZE, ds));
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, 0, ds));
	assert_int_equal(em_efi_sanitize(input(f), 4 * EM_EFI_DESC_MIN_SIZE, ds, 1, f->work,
					 sizeof(f->work), &t, &n, NULL),
			 EM_EINVAL);
	assert_null(t);
	assert_int_equal(n, 77);
}

static void test_u01_efi_desc_size_0(void **state)
{
	efi_bad_desc_size(*state, 0);
}

static void test_u02_efi_desc_size_1(void **state)
{
	efi_bad_desc_size(*state, 1);
}

static void test_u03_efi_desc_size_39(void **state)
{
	efi_bad_desc_size(*state, 39);
}

/* u04, u05: DescriptorSize 40 (the structure) and 4096: the same result. */
static void efi_good_desc_size(struct fx *f, uint64_t ds)
{
	const struct em_fw_stats exp = {
		.entries = 4,
		.sanitized = 4,
		.memory_ranges = 2,
		.reserved_ranges = 1,
		.memory_bytes = 5 * MiB + 64 * KiB,
	};
	size_t n = efi_small_map(input(f), ds);

	OK(&f->em, efi_load(f, n * ds, ds));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 5 * MiB, 0, NN, NULL },
		     { 4 * GiB + 8 * MiB, 64 * KiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES,
		     { 4 * GiB + 8 * MiB, 64 * KiB, 0, NN, "efi-loader" });
}

static void test_u04_efi_desc_size_40(void **state)
{
	efi_good_desc_size(*state, 40);
}

static void test_u05_efi_desc_size_4096(void **state)
{
	efi_good_desc_size(*state, 4096);
}

/* u06: DescriptorSize not a multiple of 8 (44), map size not a multiple of it. */
static void test_u06_efi_desc_size_44_and_ragged_map(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	efi_small_map(input(f), 48);
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, 4 * 44, 44));
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, 4 * 48 - 8, 48));
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, 4 * 48 + 1, 48));
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, 47, 48));
}

/* u07: absurd map sizes with a small buffer and scratch. */
static void test_u07_efi_absurd_map_size(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	efi_small_map(input(f), 48);
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, 48ull << 32, 48));
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, UINT64_MAX - UINT64_MAX % 48, 48));
	EXPECT_FAIL(em, EM_EINVAL, efi_load(f, 48ull * 100000, 48));
}

/* u08: NULL map with a size, NULL outputs, scratch too small. */
static void test_u08_efi_null_and_scratch(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const struct em_fw_entry *t = NULL;
	size_t n = 77;

	efi_small_map(input(f), 48);
	EXPECT_FAIL(em, EM_EINVAL,
		    em_efi_load_map(em, NULL, 4 * 48, 48, 1, 0, f->work, sizeof(f->work), NULL));
	EXPECT_FAIL(em, EM_EINVAL,
		    em_efi_load_map(em, input(f), 4 * 48, 48, 1, 0, f->work, EM_FW_WORK_BYTES(4),
				    NULL));
	assert_int_equal(em_efi_sanitize(input(f), 4 * 48, 48, 1, f->work, sizeof(f->work), NULL,
					 &n, NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_sanitize(input(f), 4 * 48, 48, 1, f->work, EM_FW_WORK_BYTES(4) - 1,
					 &t, &n, NULL),
			 EM_EINVAL);
	EXPECT_NOOP(em, em_efi_load_map(em, NULL, 0, 48, 1, 0, f->work, sizeof(f->work), &f->st));
	assert_stats_zero(&f->st);
}

/* u09: unknown load options. */
static void test_u09_efi_unknown_option(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	const struct em_fw_entry *t = NULL;
	size_t n = 0;

	efi_small_map(input(f), 48);
	EXPECT_FAIL(em, EM_EINVAL,
		    em_efi_load_map(em, input(f), 4 * 48, 48, 1, 0x4, f->work, sizeof(f->work),
				    NULL));
	OK(em, em_efi_sanitize(input(f), 4 * 48, 48, 1, f->work, sizeof(f->work), &t, &n, NULL));
	EXPECT_FAIL(em, EM_EINVAL,
		    em_efi_load(em, t, n, 0x80000000u, (uint8_t *)f->work + (1 << 16), 1 << 16,
				NULL));
}

/* u10: NumberOfPages past the address space, zero-page descriptors. */
static void test_u10_efi_wrapping_and_empty_descriptors(void **state)
{
	struct fx *f = *state;
	const uint64_t base = TOP - 8 * PG + 1; /* 2^64 - 8 pages */
	const struct em_fw_stats exp = {
		.entries = 3,
		.empty = 1,
		.clamped = 1,
		.overlapping = 2,
		.merged = 1,
		.sanitized = 1,
		.memory_ranges = 1,
		/* the page count saturates to UINT64_MAX bytes, cut to TOP - base */
		.clamped_bytes = UINT64_MAX - (TOP - base),
		.memory_bytes = TOP - base,
		.trimmed_bytes = PG - 1,
	};

	efi_put(input(f), 48, 0, EM_EFI_CONVENTIONAL, base, 1ull << 60, 0);
	efi_put(input(f), 48, 1, EM_EFI_CONVENTIONAL, 4 * GiB, 0, 0);
	efi_put(input(f), 48, 2, EM_EFI_CONVENTIONAL, base + PG, 2, 0); /* inside the first */
	OK(&f->em, efi_load(f, 3 * 48, 48));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { base, 7 * PG, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES);
}

/* u11: overlapping and unsorted descriptors: the most cautious type wins. */
static void test_u11_efi_overlapping_unsorted(void **state)
{
	struct fx *f = *state;
	const struct em_fw_stats exp = {
		.entries = 4,
		.overlapping = 4,
		.sanitized = 6,
		.memory_ranges = 4,
		.reserved_ranges = 1,
		.memory_bytes = 3 * MiB - 64 * KiB,
	};

	efi_put(input(f), 48, 0, EM_EFI_ACPI_NVS, 4 * GiB + 1 * MiB, 256, 0);
	efi_put(input(f), 48, 1, EM_EFI_LOADER_CODE, 4 * GiB + 3 * MiB, 16, 0);
	efi_put(input(f), 48, 2, EM_EFI_CONVENTIONAL, 4 * GiB, 1024, EM_EFI_MEMORY_MORE_RELIABLE);
	efi_put(input(f), 48, 3, 0x70000000u, 4 * GiB + 2 * MiB, 16, 0); /* OEM type */
	OK(&f->em, efi_load(f, 4 * 48, 48));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 1 * MiB, EM_MIRROR, NN, NULL },
		     { 4 * GiB + 2 * MiB + 64 * KiB, 1 * MiB - 64 * KiB, EM_MIRROR, NN, NULL },
		     { 4 * GiB + 3 * MiB, 64 * KiB, 0, NN, NULL },
		     { 4 * GiB + 3 * MiB + 64 * KiB, 1 * MiB - 64 * KiB, EM_MIRROR, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES,
		     { 4 * GiB + 3 * MiB, 64 * KiB, 0, NN, "efi-loader" });
}

/* ------------------------------------------------------------------------ */
/* ACPI                                                                     */

/* Two nodes over the baseline memory: [1, 4) MiB domain 0, [4, 8) MiB domain 1. */
static void srat_two_nodes(struct tbl *t)
{
	srat_begin(t, 3);
	srat_mem(t, 0, 1 * MiB, 3 * MiB, SRAT_EN);
	srat_mem(t, 1, 4 * MiB, 4 * MiB, SRAT_EN);
	tbl_end(t);
}

/* RSDP (@rev) -> RSDT and XSDT -> FACP, SRAT (two nodes), SLIT (@slit, if any). */
static void place_std(struct fx *f, uint8_t rev, const struct tbl *slit)
{
	struct tbl srat;

	srat_two_nodes(&srat);
	place_all(&f->sim, rev, &srat, slit);
}

/* em_acpi_find_table() must fail with @err and leave its outputs alone. */
static void expect_find(struct fx *f, uint64_t rsdp, const char *sig, int err)
{
	const void *t = (const void *)0x1;
	size_t len = 77;

	EXPECT_FAIL(&f->em, err, em_acpi_find_table(&f->em, rsdp, sig, &t, &len));
	assert_ptr_equal(t, (const void *)0x1);
	assert_int_equal(len, 77);
}

static int apply_srat(struct fx *f)
{
	return em_acpi_apply_srat(&f->em, f->t.b, f->t.len, f->work, sizeof(f->work), &f->numa);
}

/* em_acpi_apply_srat() of f->t must fail with @err, changing nothing. */
static void expect_srat(struct fx *f, int err)
{
	EXPECT_FAIL(&f->em, err, apply_srat(f));
	assert_numa_untouched(&f->numa);
}

/* a01: an RSDP with a bad signature or a bad checksum. */
static void test_a01_rsdp_bad_signature_or_checksum(void **state)
{
	struct fx *f = *state;
	uint8_t *p = sim_ptr(&f->sim, RSDP_PHYS);

	place_std(f, 0, NULL);
	p[0] = 'X';
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
	place_std(f, 0, NULL);
	p[8]++;
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
}

/* a02: an ACPI 2.0 RSDP with a bad extended checksum, or Length below 36. */
static void test_a02_rsdp_v2_bad_extended_checksum_or_length(void **state)
{
	struct fx *f = *state;
	uint8_t *p = sim_ptr(&f->sim, RSDP_PHYS);

	place_std(f, 2, NULL);
	p[32]++;
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
	place_std(f, 2, NULL);
	put32(p + 20, 20);
	fix_checksum(p, 20, 8);
	fix_checksum(p, 36, 32);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
}

/* a03: RSDP addresses that wrap, are unmapped, or run off the mapping. */
static void test_a03_rsdp_unmapped_or_wrapping(void **state)
{
	struct fx *f = *state;

	place_std(f, 0, NULL);
	expect_find(f, NOWHERE_PHYS, "SRAT", EM_EFAULT);
	expect_find(f, SIM_SIZE - 10, "SRAT", EM_EFAULT);
	expect_find(f, TOP - 5, "SRAT", EM_EINVAL);
	/* A v2 RSDP whose Length runs off the mapping. */
	place_rsdp(&f->sim, SIM_SIZE - 36, 2, RSDT_PHYS, XSDT_PHYS);
	put32(sim_ptr(&f->sim, SIM_SIZE - 36) + 20, 64);
	fix_checksum(sim_ptr(&f->sim, SIM_SIZE - 36), 20, 8);
	expect_find(f, SIM_SIZE - 36, "SRAT", EM_EFAULT);
}

/* a04: a root table address of 0, and a broken XSDT (no fallback to the RSDT). */
static void test_a04_root_table_zero_or_broken_xsdt(void **state)
{
	struct fx *f = *state;

	place_std(f, 0, NULL);
	place_rsdp(&f->sim, RSDP_PHYS, 0, 0, 0);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
	place_std(f, 2, NULL);
	sim_ptr(&f->sim, XSDT_PHYS)[40]++; /* checksum now wrong; the RSDT is fine */
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
	place_std(f, 2, NULL);
	memcpy(sim_ptr(&f->sim, XSDT_PHYS), "RSDT", 4);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
}

/* a05: root table Length below its header, or past the end of the mapping. */
static void test_a05_root_table_truncated_or_oversized(void **state)
{
	struct fx *f = *state;
	uint8_t *r = sim_ptr(&f->sim, RSDT_PHYS);
	const uint64_t at = SIM_SIZE - 64;

	place_std(f, 0, NULL);
	put32(r + 4, 20);
	fix_checksum(r, 20, 9);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
	place_std(f, 0, NULL);
	put32(r + 4, 0xffffffffu);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EFAULT);
	/* An RSDT at the end of the mapping whose Length runs past it. */
	memcpy(sim_ptr(&f->sim, at), r, 44);
	put32(sim_ptr(&f->sim, at) + 4, 128);
	place_rsdp(&f->sim, RSDP_PHYS, 0, (uint32_t)at, 0);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EFAULT);
}

/* a06: a root table with a trailing partial entry: the partial entry is ignored. */
static void test_a06_root_table_partial_entry(void **state)
{
	struct fx *f = *state;
	const uint64_t e[1] = { SRAT_PHYS };
	const void *t = NULL;
	size_t len = 0;

	place_std(f, 2, NULL);
	place_root(&f->sim, RSDT_PHYS, false, e, 1, 3);
	place_root(&f->sim, XSDT_PHYS, true, e, 1, 7);
	EXPECT_NOOP(&f->em, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, &len));
	assert_ptr_equal(t, sim_ptr(&f->sim, SRAT_PHYS));
	assert_int_equal(len, 48 + 2 * 40);
	expect_find(f, RSDP_PHYS, "FACP", EM_ENOENT);
	place_rsdp(&f->sim, RSDP_PHYS, 0, RSDT_PHYS, 0);
	EXPECT_NOOP(&f->em, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL));
}

/* a07: root table entries that are 0 or unmapped. */
static void test_a07_root_entry_null_or_unmapped(void **state)
{
	struct fx *f = *state;
	const uint64_t e[3] = { 0, NOWHERE_PHYS, FACP_PHYS };
	const void *t = NULL;

	place_std(f, 2, NULL);
	place_root(&f->sim, XSDT_PHYS, true, e, 3, 0);
	EXPECT_NOOP(&f->em, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
	assert_ptr_equal(t, sim_ptr(&f->sim, FACP_PHYS));
	/* Not found, but the unmapped entry might have been it. */
	expect_find(f, RSDP_PHYS, "SRAT", EM_EFAULT);
}

/* a08: the table found has a bad checksum or a Length below its header: no retry. */
static void test_a08_found_table_bad_checksum_or_length(void **state)
{
	struct fx *f = *state;
	const uint64_t e[2] = { SRAT_PHYS, ALT_PHYS };
	struct tbl t;

	srat_two_nodes(&t);
	place_std(f, 2, NULL);
	place(&f->sim, ALT_PHYS, &t);
	place_root(&f->sim, XSDT_PHYS, true, e, 2, 0);
	sim_ptr(&f->sim, SRAT_PHYS)[50]++;
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
	place(&f->sim, SRAT_PHYS, &t);
	put32(sim_ptr(&f->sim, SRAT_PHYS) + 4, 30);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
	put32(sim_ptr(&f->sim, SRAT_PHYS) + 4, 0);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
}

/* a09: NULL pointers and a missing phys_to_virt hook. */
static void test_a09_acpi_null_pointers(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)0x1;
	uint8_t slit[44 + 1] = { 0 };

	place_std(f, 2, NULL);
	assert_int_equal(em_acpi_find_table(NULL, RSDP_PHYS, "SRAT", &t, NULL), EM_EINVAL);
	expect_find(f, RSDP_PHYS, NULL, EM_EINVAL);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", NULL, NULL));
	srat_two_nodes(&f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, NULL, 100, f->work, sizeof(f->work), &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, f->t.b, f->t.len, f->work, sizeof(f->work), NULL));
	assert_int_equal(em_acpi_apply_srat(NULL, f->t.b, f->t.len, f->work, sizeof(f->work),
					    &f->numa),
			 EM_EINVAL);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, NULL, 45, &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit, sizeof(slit), NULL));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), NULL));
	assert_int_equal(em_acpi_numa(NULL, RSDP_PHYS, f->work, sizeof(f->work), &f->numa),
			 EM_EINVAL);
	assert_int_equal(em_acpi_pxm_to_node(NULL, 0), EM_NODE_NONE);
	assert_numa_untouched(&f->numa);
	em_set_hooks(&f->em, NULL);
	expect_find(f, RSDP_PHYS, "SRAT", EM_EINVAL);
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

/* a10: an SRAT with a bad checksum or signature. */
static void test_a10_srat_bad_checksum(void **state)
{
	struct fx *f = *state;

	srat_two_nodes(&f->t);
	f->t.b[60]++;
	expect_srat(f, EM_EINVAL);
	srat_two_nodes(&f->t);
	memcpy(f->t.b, "SLIT", 4);
	fix_checksum(f->t.b, f->t.len, 9);
	expect_srat(f, EM_EINVAL);
}

/* a11: SRAT Length larger than the buffer, buffer or Length below the 48-byte header. */
static void test_a11_srat_truncated_or_oversized(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	srat_two_nodes(&f->t);
	EXPECT_FAIL(em, EM_EINVAL,
		    em_acpi_apply_srat(em, f->t.b, f->t.len - 1, f->work, sizeof(f->work),
				       &f->numa));
	EXPECT_FAIL(em, EM_EINVAL,
		    em_acpi_apply_srat(em, f->t.b, 35, f->work, sizeof(f->work), &f->numa));
	EXPECT_FAIL(em, EM_EINVAL,
		    em_acpi_apply_srat(em, f->t.b, 0, f->work, sizeof(f->work), &f->numa));
	srat_begin(&f->t, 3);
	f->t.len = 40;
	tbl_end(&f->t);
	expect_srat(f, EM_EINVAL);
	assert_numa_untouched(&f->numa);
}

/* a12: subtables of length 0 or 1, running past Length, or a trailing lone byte. */
static void test_a12_srat_subtable_length_bad(void **state)
{
	struct fx *f = *state;

	for (uint8_t n = 0; n < 2; n++) {
		srat_begin(&f->t, 3);
		srat_mem(&f->t, 0, 1 * MiB, 3 * MiB, SRAT_EN);
		f->t.b[f->t.len] = 7;
		f->t.b[f->t.len + 1] = n;
		f->t.len += 8;
		tbl_end(&f->t);
		expect_srat(f, EM_EINVAL);
	}
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 1 * MiB, 3 * MiB, SRAT_EN);
	f->t.len -= 20; /* the entry says 40 bytes, Length leaves 20 */
	tbl_end(&f->t);
	expect_srat(f, EM_EINVAL);
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 1 * MiB, 3 * MiB, SRAT_EN);
	f->t.len += 1; /* one byte: not even a subtable header */
	tbl_end(&f->t);
	expect_srat(f, EM_EINVAL);
}

/* a13: memory, processor and x2APIC affinity entries shorter than their structure. */
static void test_a13_srat_entry_shorter_than_structure(void **state)
{
	struct fx *f = *state;
	const uint8_t types[3] = { 1, 0, 2 }, lens[3] = { 32, 12, 16 };

	for (int i = 0; i < 3; i++) {
		srat_begin(&f->t, 3);
		memset(f->t.b + f->t.len, 0xff, lens[i]);
		f->t.b[f->t.len] = types[i];
		f->t.b[f->t.len + 1] = lens[i];
		f->t.len += lens[i];
		tbl_end(&f->t);
		expect_srat(f, EM_EINVAL);
	}
}

/* a14: revision 1 has 8-bit domains: 0x100 and 0 are the same domain (not in rev 3). */
static void test_a14_srat_rev1_8bit_domains(void **state)
{
	struct fx *f = *state;

	srat_begin(&f->t, 1);
	srat_cpu(&f->t, 0x200, 0, SRAT_EN);
	srat_mem(&f->t, 0x100, 1 * MiB, 3 * MiB, SRAT_EN);
	srat_mem(&f->t, 0, 4 * MiB, 4 * MiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f));
	ASSERT_TABLE(&f->em.memory, { 1 * MiB, 7 * MiB, 0, 0, NULL });
	assert_int_equal(f->numa.nr_nodes, 1);
	assert_int_equal(f->numa.pxm[0], 0);
	assert_int_equal(f->numa.memory_applied, 2);
	assert_int_equal(f->numa.cpu_entries, 1);

	/* The same entries in revision 3: three domains. */
	baseline(f);
	f->t.b[8] = 3;
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f));
	ASSERT_TABLE(&f->em.memory, { 1 * MiB, 3 * MiB, 0, 1, NULL },
		     { 4 * MiB, 4 * MiB, 0, 2, NULL });
	assert_int_equal(f->numa.nr_nodes, 3);
	assert_int_equal(f->numa.pxm[0], 0x200);
	assert_int_equal(f->numa.pxm[1], 0x100);
	assert_int_equal(f->numa.pxm[2], 0);
}

/* a15: disabled entries and zero-length memory entries are ignored and counted. */
static void test_a15_srat_disabled_and_empty_entries(void **state)
{
	struct fx *f = *state;

	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 1 * MiB, 3 * MiB, SRAT_EN);
	srat_mem(&f->t, 1, 4 * MiB, 4 * MiB, SRAT_HP); /* not enabled */
	srat_cpu(&f->t, 2, 0, 0);		       /* not enabled */
	srat_mem(&f->t, 3, 4 * MiB, 0, SRAT_EN);       /* empty */
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f));
	ASSERT_TABLE(&f->em.memory, { 1 * MiB, 3 * MiB, 0, 0, NULL },
		     { 4 * MiB, 4 * MiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES);
	assert_int_equal(f->numa.nr_nodes, 1);
	assert_int_equal(f->numa.memory_entries, 3);
	assert_int_equal(f->numa.memory_applied, 1);
	assert_int_equal(f->numa.disabled, 2);
	assert_int_equal(f->numa.empty, 1);
	assert_int_equal(f->numa.cpu_entries, 0);
	assert_int_equal(f->numa.hotplug, 0);
}

/* a16: overlapping, unsorted memory entries: applied in table order, the later wins. */
static void test_a16_srat_overlapping_unsorted(void **state)
{
	struct fx *f = *state;

	srat_begin(&f->t, 3);
	srat_mem(&f->t, 7, 1 * MiB, 7 * MiB, SRAT_EN);
	srat_mem(&f->t, 5, 3 * MiB, 2 * MiB, SRAT_EN | SRAT_HP);
	srat_mem(&f->t, 9, 1 * MiB, 1 * MiB, SRAT_EN);
	srat_mem(&f->t, 9, 64 * GiB, 1 * GiB, SRAT_EN); /* no memory there */
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f));
	ASSERT_TABLE(&f->em.memory, { 1 * MiB, 1 * MiB, 0, 2, NULL },
		     { 2 * MiB, 1 * MiB, 0, 0, NULL }, { 3 * MiB, 2 * MiB, EM_HOTPLUG, 1, NULL },
		     { 5 * MiB, 3 * MiB, 0, 0, NULL });
	assert_int_equal(f->numa.nr_nodes, 3);
	assert_int_equal(f->numa.memory_applied, 4);
	assert_int_equal(f->numa.hotplug, 1);
}

/* a17: a memory entry past 2^64 is cut there; more domains than EM_MAX_NODES are ignored. */
static void test_a17_srat_wrapping_entry_and_too_many_domains(void **state)
{
	struct fx *f = *state;

	srat_begin(&f->t, 3);
	for (uint32_t d = 0; d <= EM_MAX_NODES; d++)
		srat_cpu(&f->t, 100 + d, 0, SRAT_EN);
	srat_mem(&f->t, 100 + EM_MAX_NODES, 1 * MiB, 7 * MiB, SRAT_EN); /* the 65th domain */
	srat_mem(&f->t, 100, TOP - PG, 2 * PG, SRAT_EN);
	tbl_end(&f->t);
	EXPECT_NOOP(&f->em, apply_srat(f));
	assert_int_equal(f->numa.nr_nodes, EM_MAX_NODES);
	assert_int_equal(f->numa.ignored, 2);
	assert_int_equal(f->numa.clamped, 1);
	assert_int_equal(f->numa.memory_entries, 2);
	assert_int_equal(f->numa.memory_applied, 1);
	assert_int_equal(f->numa.cpu_entries, EM_MAX_NODES + 1);
}

/* a18: SRAT scratch NULL, too small or misaligned. */
static void test_a18_srat_scratch_bad(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	uint8_t *w = (uint8_t *)f->work;

	srat_two_nodes(&f->t);
	EXPECT_FAIL(em, EM_EINVAL,
		    em_acpi_apply_srat(em, f->t.b, f->t.len, w, em_txn_bytes(em) - 1, &f->numa));
	EXPECT_FAIL(em, EM_EINVAL, em_acpi_apply_srat(em, f->t.b, f->t.len, w + 1, 4096, &f->numa));
	EXPECT_FAIL(em, EM_EINVAL, em_acpi_apply_srat(em, f->t.b, f->t.len, NULL, 4096, &f->numa));
	assert_numa_untouched(&f->numa);
}

/* a19: an SRAT that needs more regions than a full array holds: rolled back whole. */
static void test_a19_srat_full_array_rolled_back(void **state)
{
	struct fx *f = *state;

	fill_memory_array(&f->em);
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 1 * GiB, PG, SRAT_EN);      /* one whole region: fits */
	srat_mem(&f->t, 1, 2 * MiB, 1 * MiB, SRAT_EN); /* splits [1, 8) MiB: does not */
	tbl_end(&f->t);
	expect_srat(f, EM_ENOSPC);
}

static const uint8_t slit_ok[4] = { 10, 15, 15, 10 };

/* a20: a SLIT whose locality count does not fit its Length (N * N overflowing too). */
static void test_a20_slit_locality_count_too_large(void **state)
{
	struct fx *f = *state;
	const uint64_t counts[] = { 3, 1ull << 32, (1ull << 32) + 1, UINT64_MAX };

	f->numa = (struct em_numa_info){ .nr_nodes = 2, .pxm = { 0, 1 } };
	for (size_t i = 0; i < COUNT(counts); i++) {
		slit_build(&f->t, 2, slit_ok);
		put64(f->t.b + 36, counts[i]);
		tbl_end(&f->t);
		EXPECT_FAIL(&f->em, EM_EINVAL,
			    em_acpi_apply_slit(&f->em, f->t.b, f->t.len, &f->numa));
	}
}

/* a21: a SLIT with fewer localities than domains: only the pairs it covers change. */
static void test_a21_slit_locality_count_too_small(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	f->numa = (struct em_numa_info){ .nr_nodes = 3, .pxm = { 0, 1, 2 } };
	slit_build(&f->t, 2, slit_ok);
	OK(em, em_acpi_apply_slit(em, f->t.b, f->t.len, &f->numa));
	assert_int_equal(em_distance(em, 0, 1), 15);
	assert_int_equal(em_distance(em, 1, 0), 15);
	assert_int_equal(em_distance(em, 0, 2), EM_DISTANCE_REMOTE);
	assert_int_equal(em_distance(em, 2, 1), EM_DISTANCE_REMOTE);
	assert_int_equal(em_distance(em, 2, 2), EM_DISTANCE_LOCAL);
	assert_baseline(em);
	/* N = 0: nothing to apply. */
	slit_build(&f->t, 0, NULL);
	EXPECT_NOOP(em, em_acpi_apply_slit(em, f->t.b, f->t.len, &f->numa));
}

/* a22: SLIT distances that are invalid: diagonal not 10, remote <= 10. */
static void test_a22_slit_bad_distances(void **state)
{
	struct fx *f = *state;
	const uint8_t bad[][4] = {
		{ 11, 20, 20, 10 },
		{ 10, 20, 20, 0 },
		{ 10, 10, 20, 10 },
		{ 10, 20, 9, 10 },
	};

	f->numa = (struct em_numa_info){ .nr_nodes = 2, .pxm = { 0, 1 } };
	for (size_t i = 0; i < COUNT(bad); i++) {
		slit_build(&f->t, 2, bad[i]);
		EXPECT_FAIL(&f->em, EM_EINVAL,
			    em_acpi_apply_slit(&f->em, f->t.b, f->t.len, &f->numa));
	}
}

/* a23: a SLIT with a bad checksum, Length below 44 or above the buffer. */
static void test_a23_slit_bad_checksum_or_length(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;

	f->numa = (struct em_numa_info){ .nr_nodes = 2, .pxm = { 0, 1 } };
	slit_build(&f->t, 2, slit_ok);
	f->t.b[45]++;
	EXPECT_FAIL(em, EM_EINVAL, em_acpi_apply_slit(em, f->t.b, f->t.len, &f->numa));
	slit_build(&f->t, 2, slit_ok);
	EXPECT_FAIL(em, EM_EINVAL, em_acpi_apply_slit(em, f->t.b, f->t.len - 1, &f->numa));
	EXPECT_FAIL(em, EM_EINVAL, em_acpi_apply_slit(em, f->t.b, 20, &f->numa));
	tbl_begin(&f->t, "SLIT", 1);
	f->t.len = 40;
	tbl_end(&f->t);
	EXPECT_FAIL(em, EM_EINVAL, em_acpi_apply_slit(em, f->t.b, f->t.len, &f->numa));
}

/* a24: a node map with nr_nodes out of range. */
static void test_a24_slit_bad_node_map(void **state)
{
	struct fx *f = *state;

	slit_build(&f->t, 2, slit_ok);
	f->numa = (struct em_numa_info){ .nr_nodes = -1 };
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, f->t.b, f->t.len, &f->numa));
	f->numa.nr_nodes = EM_MAX_NODES + 1;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, f->t.b, f->t.len, &f->numa));
}

/* a25: em_acpi_numa() with a broken SLIT: nothing of the SRAT is applied either. */
static void test_a25_numa_broken_slit_changes_nothing(void **state)
{
	struct fx *f = *state;
	const uint8_t bad[4] = { 10, 20, 20, 11 };

	slit_build(&f->t, 2, bad);
	place_std(f, 2, &f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

/* a26: em_acpi_numa() without an SRAT. */
static void test_a26_numa_without_srat(void **state)
{
	struct fx *f = *state;
	const uint64_t e[1] = { FACP_PHYS };

	place_std(f, 2, NULL);
	place_root(&f->sim, XSDT_PHYS, true, e, 1, 0);
	EXPECT_FAIL(&f->em, EM_ENOENT,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

/* ------------------------------------------------------------------------ */
/* Multiboot2                                                               */

/* An MBI under construction in f->input (+ @shift bytes: any alignment is fine). */
struct mb {
	uint8_t *b;
	size_t off;
};

static void mb_begin(struct fx *f, struct mb *m, size_t shift)
{
	memset(f->input, 0x5a, sizeof(f->input));
	m->b = input(f) + shift;
	put32(m->b + 4, 0);
	m->off = 8;
}

/* Adds a tag header of @size bytes; returns its offset. */
static size_t mb_tag(struct mb *m, uint32_t type, uint32_t size)
{
	size_t at = m->off;

	put32(m->b + at, type);
	put32(m->b + at + 4, size);
	m->off = at + ((size + 7u) & ~7u);
	return at;
}

/* A memory map tag (6 or 17) for @n entries of @entry_size; returns the first entry. */
static uint8_t *mb_map(struct mb *m, uint32_t type, uint32_t entry_size, uint32_t n)
{
	size_t at = mb_tag(m, type, EM_MB2_MMAP_HEADER + n * entry_size);

	put32(m->b + at + 8, entry_size);
	put32(m->b + at + 12, type == EM_MB2_TAG_EFI_MMAP ? 1 : 0);
	return m->b + at + EM_MB2_MMAP_HEADER;
}

static void mb_bios(uint8_t *e, uint32_t entry_size, size_t i, uint64_t base, uint64_t len,
		    uint32_t type)
{
	uint8_t *p = e + i * entry_size;

	put64(p, base);
	put64(p + 8, len);
	put32(p + 16, type);
	put32(p + 20, 0);
}

/* Ends the MBI: the end tag, then total_size. Returns the total size. */
static uint32_t mb_end(struct mb *m)
{
	mb_tag(m, EM_MB2_TAG_END, 8);
	put32(m->b, (uint32_t)m->off);
	return (uint32_t)m->off;
}

/* A good MBI: one BIOS map tag with a RAM entry [4 GiB, +4 MiB). */
static void mb_good(struct fx *f, struct mb *m)
{
	mb_begin(f, m, 0);
	mb_bios(mb_map(m, EM_MB2_TAG_MMAP, 24, 1), 24, 0, 4 * GiB, 4 * MiB, EM_E820_RAM);
	mb_end(m);
}

static int mb_load(struct fx *f, const struct mb *m, uint32_t opts)
{
	return em_mb2_load(&f->em, m->b, f->work, sizeof(f->work), opts, &f->st);
}

/* The MBI @m must be refused with @err: nothing changes, the stats are zeroed. */
static void expect_mb(struct fx *f, const struct mb *m, int err)
{
	memset(&f->st, 0xa5, sizeof(f->st));
	EXPECT_FAIL(&f->em, err, mb_load(f, m, EM_EFI_DEFAULT));
	assert_stats_zero(&f->st);
	assert_int_equal(em_mb2_work_bytes(&f->em, m->b), 0);
}

/* m01: a NULL MBI, total_size too small for the fixed part and an end tag. */
static void test_m01_mb2_null_or_tiny(void **state)
{
	struct fx *f = *state;
	struct mb m = { 0 };

	expect_mb(f, &m, EM_EINVAL); /* m.b NULL */
	for (uint32_t total = 0; total < 16; total += 8) {
		mb_good(f, &m);
		put32(m.b, total);
		expect_mb(f, &m, EM_EINVAL);
	}
}

/* m02: a tag running past total_size (truncated MBI; absurd tag size). */
static void test_m02_mb2_tag_past_total_size(void **state)
{
	struct fx *f = *state;
	struct mb m;

	mb_good(f, &m);
	put32(m.b, 8 + 16 + 8); /* cuts through the map tag */
	expect_mb(f, &m, EM_EINVAL);
	mb_good(f, &m);
	put32(m.b + 12, 0xfffffff0u); /* the map tag's size */
	expect_mb(f, &m, EM_EINVAL);
	mb_good(f, &m);
	put32(m.b, 8 + 16 + 24 + 4); /* the end tag's header is cut */
	expect_mb(f, &m, EM_EINVAL);
}

/* m03: a tag smaller than its own header (would loop forever), no end tag. */
static void test_m03_mb2_tag_too_small_or_no_end(void **state)
{
	struct fx *f = *state;
	struct mb m;

	for (uint32_t size = 0; size < 8; size += 4) {
		mb_begin(f, &m, 0);
		mb_tag(&m, 21, 8);
		put32(m.b + 8 + 4, size);
		m.off = 8 + 8;
		mb_end(&m);
		expect_mb(f, &m, EM_EINVAL);
	}
	mb_begin(f, &m, 0);
	mb_bios(mb_map(&m, EM_MB2_TAG_MMAP, 24, 1), 24, 0, 4 * GiB, 4 * MiB, EM_E820_RAM);
	put32(m.b, (uint32_t)m.off); /* no end tag */
	expect_mb(f, &m, EM_EINVAL);
}

/* m04: a memory map tag shorter than its header. */
static void test_m04_mb2_map_tag_shorter_than_header(void **state)
{
	struct fx *f = *state;
	struct mb m;

	mb_begin(f, &m, 0);
	mb_tag(&m, EM_MB2_TAG_MMAP, 12);
	mb_end(&m);
	expect_mb(f, &m, EM_EINVAL);
	mb_begin(f, &m, 0);
	mb_tag(&m, EM_MB2_TAG_EFI_MMAP, 8);
	mb_end(&m);
	expect_mb(f, &m, EM_EINVAL);
}

/* m05: entry_size smaller than an entry (0, 16, 20) or not a multiple of 8 (28). */
static void test_m05_mb2_entry_size_bad(void **state)
{
	struct fx *f = *state;
	const uint32_t sizes[] = { 0, 8, 16, 20, 28 };
	struct mb m;

	for (size_t i = 0; i < COUNT(sizes); i++) {
		mb_begin(f, &m, 0);
		mb_map(&m, EM_MB2_TAG_MMAP, 24, 2);
		put32(m.b + 8 + 8, sizes[i]);
		mb_end(&m);
		expect_mb(f, &m, EM_EINVAL);
	}
}

/* m06: a truncated last entry (the entries do not fill the tag exactly). */
static void test_m06_mb2_truncated_entry(void **state)
{
	struct fx *f = *state;
	struct mb m;

	mb_begin(f, &m, 0);
	mb_map(&m, EM_MB2_TAG_MMAP, 24, 2);
	put32(m.b + 8 + 4, EM_MB2_MMAP_HEADER + 24 + 20);
	m.off = 8 + 16 + 48;
	mb_end(&m);
	expect_mb(f, &m, EM_EINVAL);
}

/* m07: two memory map tags of one kind. */
static void test_m07_mb2_two_map_tags(void **state)
{
	struct fx *f = *state;
	struct mb m;

	mb_begin(f, &m, 0);
	mb_bios(mb_map(&m, EM_MB2_TAG_MMAP, 24, 1), 24, 0, 4 * GiB, 4 * MiB, EM_E820_RAM);
	mb_bios(mb_map(&m, EM_MB2_TAG_MMAP, 24, 1), 24, 0, 5 * GiB, 4 * MiB, EM_E820_RAM);
	mb_end(&m);
	expect_mb(f, &m, EM_EINVAL);
	mb_begin(f, &m, 0);
	efi_put(mb_map(&m, EM_MB2_TAG_EFI_MMAP, 48, 1), 48, 0, EM_EFI_CONVENTIONAL, 4 * GiB, 16, 0);
	efi_put(mb_map(&m, EM_MB2_TAG_EFI_MMAP, 48, 1), 48, 0, EM_EFI_CONVENTIONAL, 5 * GiB, 16, 0);
	mb_end(&m);
	expect_mb(f, &m, EM_EINVAL);
}

/* m08: UEFI map tag descriptor sizes 0, 1, 39, 44 refused; 40 and 4096 load. */
static void test_m08_mb2_efi_desc_sizes(void **state)
{
	struct fx *f = *state;
	const uint32_t bad[] = { 0, 1, 39, 44 };
	const uint32_t good[] = { 40, 4096 };
	struct mb m;

	for (size_t i = 0; i < COUNT(bad); i++) {
		mb_begin(f, &m, 0);
		efi_put(mb_map(&m, EM_MB2_TAG_EFI_MMAP, 48, 1), 48, 0, EM_EFI_CONVENTIONAL, 4 * GiB,
			16, 0);
		put32(m.b + 8 + 8, bad[i]);
		mb_end(&m);
		expect_mb(f, &m, EM_EINVAL);
	}
	for (size_t i = 0; i < COUNT(good); i++) {
		baseline(f);
		mb_begin(f, &m, 0);
		efi_put(mb_map(&m, EM_MB2_TAG_EFI_MMAP, good[i], 1), good[i], 0,
			EM_EFI_CONVENTIONAL, 4 * GiB, 16, 0);
		mb_end(&m);
		OK(&f->em, mb_load(f, &m, EM_EFI_DEFAULT));
		ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 64 * KiB, 0, NN, NULL });
	}
}

/* m09: no memory map tag, or one without entries. */
static void test_m09_mb2_no_map(void **state)
{
	struct fx *f = *state;
	struct mb m;

	mb_begin(f, &m, 0);
	mb_tag(&m, 1, 8 + 5); /* a command line, say */
	mb_end(&m);
	expect_mb(f, &m, EM_ENOENT);
	mb_begin(f, &m, 0);
	mb_map(&m, EM_MB2_TAG_MMAP, 24, 0);
	mb_map(&m, EM_MB2_TAG_EFI_MMAP, 48, 0);
	mb_end(&m);
	expect_mb(f, &m, EM_ENOENT);
}

/* m10: unknown UEFI options (even without a UEFI map), scratch NULL or too small. */
static void test_m10_mb2_bad_options_or_scratch(void **state)
{
	struct fx *f = *state;
	struct earlymem *em = &f->em;
	struct mb m;

	mb_good(f, &m);
	EXPECT_FAIL(em, EM_EINVAL, mb_load(f, &m, 0x4));
	EXPECT_FAIL(em, EM_EINVAL, em_mb2_load(em, m.b, NULL, 1 << 16, 0, NULL));
	EXPECT_FAIL(em, EM_EINVAL, em_mb2_load(em, m.b, f->work, EM_FW_WORK_BYTES(1), 0, NULL));
	EXPECT_FAIL(em, EM_EINVAL,
		    em_mb2_load(em, m.b, f->work, em_mb2_work_bytes(em, m.b) - 9, 0, NULL));
}

/* m11: repaired: any alignment, larger entries, unknown tags, overlapping entries. */
static void test_m11_mb2_overlapping_entries_repaired(void **state)
{
	struct fx *f = *state;
	const struct em_fw_stats exp = {
		.entries = 3,
		.empty = 1,
		.overlapping = 2,
		.sanitized = 3,
		.memory_ranges = 2,
		.memory_bytes = 3 * MiB,
	};
	struct mb m;
	uint8_t *e;

	mb_begin(f, &m, 3);
	mb_tag(&m, 0x7fff, 8 + 13); /* unknown: skipped unread */
	e = mb_map(&m, EM_MB2_TAG_MMAP, 32, 3);
	mb_bios(e, 32, 0, 4 * GiB, 4 * MiB, EM_E820_RAM);
	mb_bios(e, 32, 1, 4 * GiB + 1 * MiB, 1 * MiB, EM_E820_NVS);
	mb_bios(e, 32, 2, 5 * GiB, 0, EM_E820_RAM);
	mb_end(&m);
	assert_int_not_equal(em_mb2_work_bytes(&f->em, m.b), 0);
	OK(&f->em, mb_load(f, &m, EM_EFI_DEFAULT));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 1 * MiB, 0, NN, NULL },
		     { 4 * GiB + 2 * MiB, 2 * MiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES);
}

/* ------------------------------------------------------------------------ */
/* Limine                                                                   */

static int limine_load(struct fx *f, const struct em_limine_memmap_response *r)
{
	return em_limine_load(&f->em, r, f->work, sizeof(f->work), &f->st);
}

/* l01: a NULL response, and a response with zero entries. */
static void test_l01_limine_null_or_empty_response(void **state)
{
	struct fx *f = *state;
	const struct em_limine_memmap_response empty = { .revision = 0 };

	EXPECT_FAIL(&f->em, EM_EINVAL, limine_load(f, NULL));
	assert_stats_zero(&f->st);
	memset(&f->st, 0xa5, sizeof(f->st));
	EXPECT_NOOP(&f->em, limine_load(f, &empty));
	assert_stats_zero(&f->st);
}

/* l02: entry_count above UINT32_MAX, entries NULL with a count, a NULL entry pointer. */
static void test_l02_limine_absurd_count_or_null_entries(void **state)
{
	struct fx *f = *state;
	const struct em_limine_entry a = { 4 * GiB, 4 * MiB, EM_LIMINE_USABLE };
	const struct em_limine_entry *const v[3] = { &a, NULL, &a };
	struct em_limine_memmap_response r = { .entry_count = 1ull << 32, .entries = v };

	EXPECT_FAIL(&f->em, EM_EINVAL, limine_load(f, &r));
	r.entry_count = UINT64_MAX;
	EXPECT_FAIL(&f->em, EM_EINVAL, limine_load(f, &r));
	r.entry_count = 3; /* the middle pointer is NULL */
	EXPECT_FAIL(&f->em, EM_EINVAL, limine_load(f, &r));
	r.entry_count = 1;
	r.entries = NULL;
	EXPECT_FAIL(&f->em, EM_EINVAL, limine_load(f, &r));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_limine_load_entries(&f->em, v, (size_t)1 << 32, f->work, sizeof(f->work),
					   NULL));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_limine_load_entries(&f->em, v, 1, f->work, EM_FW_WORK_BYTES(1), NULL));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_limine_load_entries(&f->em, v, 1, NULL, 1 << 16, NULL));
}

/* l03: overlapping, unsorted entries: not memory > kernel > bootloader > usable. */
static void test_l03_limine_overlapping_unsorted(void **state)
{
	struct fx *f = *state;
	const struct em_limine_entry e[3] = {
		{ 4 * GiB + 1 * MiB, 1 * MiB, EM_LIMINE_EXECUTABLE_AND_MODULES },
		{ 4 * GiB, 4 * MiB, EM_LIMINE_USABLE },
		{ 4 * GiB + 1 * MiB + 512 * KiB, 1536 * KiB, EM_LIMINE_BOOTLOADER_RECLAIMABLE },
	};
	const struct em_limine_entry *const v[3] = { &e[0], &e[1], &e[2] };
	const struct em_limine_memmap_response r = { .entry_count = 3, .entries = v };
	const struct em_fw_stats exp = {
		.entries = 3,
		.overlapping = 3,
		.merged = 1,
		.sanitized = 4,
		.memory_ranges = 1,
		.reserved_ranges = 2,
		.memory_bytes = 4 * MiB,
	};

	OK(&f->em, limine_load(f, &r));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB, 4 * MiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES, { 4 * GiB + 1 * MiB, 1 * MiB, 0, NN, "kernel" },
		     { 4 * GiB + 2 * MiB, 1 * MiB, 0, NN, "bootloader" });
}

/* l04: zero-length, wrapping and huge-type entries. */
static void test_l04_limine_zero_wrapping_huge_type(void **state)
{
	struct fx *f = *state;
	const uint64_t top = TOP - 3 * PG + 1;
	const struct em_limine_entry e[4] = {
		{ 5 * GiB, 0, EM_LIMINE_USABLE },
		{ top, 1ull << 63, EM_LIMINE_USABLE },
		{ 4 * GiB, 1 * MiB, 1ull << 40 },
		{ 4 * GiB, 2 * MiB, EM_LIMINE_USABLE },
	};
	const struct em_limine_entry *const v[4] = { &e[0], &e[1], &e[2], &e[3] };
	const struct em_limine_memmap_response r = { .entry_count = 4, .entries = v };
	const struct em_fw_stats exp = {
		.entries = 4,
		.empty = 1,
		.clamped = 1,
		.overlapping = 2,
		.sanitized = 3,
		.memory_ranges = 2,
		.clamped_bytes = (1ull << 63) - (TOP - top),
		.memory_bytes = 1 * MiB + (TOP - top),
		.trimmed_bytes = PG - 1,
	};

	OK(&f->em, limine_load(f, &r));
	assert_stats(&f->st, &exp);
	ASSERT_TABLE(&f->em.memory, BASE_MEM, { 4 * GiB + 1 * MiB, 1 * MiB, 0, NN, NULL },
		     { top, 2 * PG, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, BASE_RES);
}

/* ------------------------------------------------------------------------ */
/* x86 boot policy                                                          */

/* x01: unknown low-memory flags; flags 0. */
static void test_x01_x86_reserve_low_bad_flags(void **state)
{
	struct fx *f = *state;

	EXPECT_FAIL(&f->em, EM_EINVAL, em_x86_reserve_low(&f->em, 0x4));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_x86_reserve_low(&f->em, EM_X86_LOW_PAGE0 | 0x80000000u));
	EXPECT_NOOP(&f->em, em_x86_reserve_low(&f->em, 0));
}

/* x02: a NULL boot description; boot ranges that wrap or end in the last page. */
static void test_x02_x86_boot_null_or_wrapping(void **state)
{
	struct fx *f = *state;
	struct em_x86_boot b = {
		.kernel_base = 2 * MiB,
		.kernel_size = 1 * MiB,
		.initrd_base = TOP - 100,
		.initrd_size = 200,
	};

	EXPECT_FAIL(&f->em, EM_EINVAL, em_x86_reserve_boot(&f->em, NULL));
	EXPECT_FAIL(&f->em, EM_ERANGE, em_x86_reserve_boot(&f->em, &b));
	b.initrd_base = TOP - PG + 1;
	b.initrd_size = 10; /* inside the last page: cannot be rounded up */
	EXPECT_FAIL(&f->em, EM_ERANGE, em_x86_reserve_boot(&f->em, &b));
	b.initrd_size = 0; /* absent, whatever the base */
	b.cmdline_base = UINT64_MAX;
	OK(&f->em, em_x86_reserve_boot(&f->em, &b));
	ASSERT_TABLE(&f->em.reserved, { 2 * MiB, 1 * MiB, 0, NN, "kernel" }, BASE_RES);
}

/* x03: misaligned, overlapping boot ranges: rounded out, the first keeps shared pages. */
static void test_x03_x86_boot_misaligned_overlapping(void **state)
{
	struct fx *f = *state;
	const struct em_x86_boot b = {
		.kernel_base = 3 * MiB + 0x123,
		.kernel_size = 0x1800,
		.initrd_base = 3 * MiB + 0x1000,
		.initrd_size = 0x2000,
		.cmdline_base = 3 * MiB + 0x800,
		.cmdline_size = 16,
	};

	OK(&f->em, em_x86_reserve_boot(&f->em, &b));
	ASSERT_TABLE(&f->em.reserved, { 3 * MiB, 2 * PG, 0, NN, "kernel" },
		     { 3 * MiB + 2 * PG, PG, 0, NN, "initrd" }, BASE_RES);
	ASSERT_TABLE(&f->em.memory, BASE_MEM);
}

/* x04: the reserved array is full and cannot double: nothing is reserved. */
static void test_x04_x86_full_array(void **state)
{
	struct fx *f = *state;
	const struct em_x86_boot b = {
		.kernel_base = 2 * MiB,
		.kernel_size = 1 * MiB,
		.initrd_base = 4 * MiB,
		.initrd_size = 1 * MiB,
	};

	fill_reserved_array(&f->em);
	EXPECT_FAIL(&f->em, EM_ENOSPC,
		    em_x86_reserve_low(&f->em, EM_X86_LOW_PAGE0 | EM_X86_LOW_1MIB));
	EXPECT_FAIL(&f->em, EM_ENOSPC, em_x86_reserve_boot(&f->em, &b));
}

/* ------------------------------------------------------------------------ */

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_c01_add_wrapping_range),
		T(test_c02_wrapping_range_every_call),
		T(test_c03_zero_size),
		T(test_c04_misaligned_base),
		T(test_c05_node_out_of_range),
		T(test_c06_unknown_flags),
		T(test_c07_free_never_reserved),
		T(test_c08_double_free),
		T(test_c09_free_own_arrays),
		T(test_c10_alloc_align_0_and_3),
		T(test_c11_alloc_min_above_max),
		T(test_c12_alloc_null_pointers),
		T(test_c13_alloc_absurd_size),
		T(test_c14_alloc_at_bad_range),
		T(test_c15_trim_align_0_and_3),
		T(test_c16_cap_and_limit_extremes),
		T(test_c17_iter_bad_node_or_kind),
		T(test_c18_allow_resize_without_hook),
		T(test_c19_txn_bad_buffer),
		T(test_c20_txn_rollback_null),
		T(test_c21_full_array_no_resize),
		T(test_c22_bounds_of_empty_instance),
		T(test_h01_handoff_bad_ops),
		T(test_h02_use_after_handoff),
		T(test_h03_late_free_misuse),
		T(test_h04_late_free_after_emptying_discard),
		T(test_h05_handoff_corrupt_instance),
		T(test_h06_late_free_with_ops_made_invalid),
		T(test_e01_e820_wrapping_entry),
		T(test_e02_e820_zero_size_entry),
		T(test_e03_e820_misaligned_entry),
		T(test_e04_e820_overlapping_entries),
		T(test_e05_e820_unsorted_entries),
		T(test_e06_e820_unknown_and_soft_reserved),
		T(test_e07_e820_absurd_count),
		T(test_e08_e820_scratch_too_small),
		T(test_e09_e820_null_table),
		T(test_e10_e820_load_unsanitized_table),
		T(test_e11_e820_map_too_large),
		T(test_u01_efi_desc_size_0),
		T(test_u02_efi_desc_size_1),
		T(test_u03_efi_desc_size_39),
		T(test_u04_efi_desc_size_40),
		T(test_u05_efi_desc_size_4096),
		T(test_u06_efi_desc_size_44_and_ragged_map),
		T(test_u07_efi_absurd_map_size),
		T(test_u08_efi_null_and_scratch),
		T(test_u09_efi_unknown_option),
		T(test_u10_efi_wrapping_and_empty_descriptors),
		T(test_u11_efi_overlapping_unsorted),
		T(test_a01_rsdp_bad_signature_or_checksum),
		T(test_a02_rsdp_v2_bad_extended_checksum_or_length),
		T(test_a03_rsdp_unmapped_or_wrapping),
		T(test_a04_root_table_zero_or_broken_xsdt),
		T(test_a05_root_table_truncated_or_oversized),
		T(test_a06_root_table_partial_entry),
		T(test_a07_root_entry_null_or_unmapped),
		T(test_a08_found_table_bad_checksum_or_length),
		T(test_a09_acpi_null_pointers),
		T(test_a10_srat_bad_checksum),
		T(test_a11_srat_truncated_or_oversized),
		T(test_a12_srat_subtable_length_bad),
		T(test_a13_srat_entry_shorter_than_structure),
		T(test_a14_srat_rev1_8bit_domains),
		T(test_a15_srat_disabled_and_empty_entries),
		T(test_a16_srat_overlapping_unsorted),
		T(test_a17_srat_wrapping_entry_and_too_many_domains),
		T(test_a18_srat_scratch_bad),
		T(test_a19_srat_full_array_rolled_back),
		T(test_a20_slit_locality_count_too_large),
		T(test_a21_slit_locality_count_too_small),
		T(test_a22_slit_bad_distances),
		T(test_a23_slit_bad_checksum_or_length),
		T(test_a24_slit_bad_node_map),
		T(test_a25_numa_broken_slit_changes_nothing),
		T(test_a26_numa_without_srat),
		T(test_m01_mb2_null_or_tiny),
		T(test_m02_mb2_tag_past_total_size),
		T(test_m03_mb2_tag_too_small_or_no_end),
		T(test_m04_mb2_map_tag_shorter_than_header),
		T(test_m05_mb2_entry_size_bad),
		T(test_m06_mb2_truncated_entry),
		T(test_m07_mb2_two_map_tags),
		T(test_m08_mb2_efi_desc_sizes),
		T(test_m09_mb2_no_map),
		T(test_m10_mb2_bad_options_or_scratch),
		T(test_m11_mb2_overlapping_entries_repaired),
		T(test_l01_limine_null_or_empty_response),
		T(test_l02_limine_absurd_count_or_null_entries),
		T(test_l03_limine_overlapping_unsorted),
		T(test_l04_limine_zero_wrapping_huge_type),
		T(test_x01_x86_reserve_low_bad_flags),
		T(test_x02_x86_boot_null_or_wrapping),
		T(test_x03_x86_boot_misaligned_overlapping),
		T(test_x04_x86_full_array),
	};

	return cmocka_run_group_tests_name("test_bad_input", tests, NULL, NULL);
}
