// SPDX-License-Identifier: MIT
/* The x86 boot policy: low memory and boot range reservations, and their atomicity. */
#include "common.h"

#include <earlymem/x86.h>
#include <stdlib.h>
#include <string.h>

#define N EM_NODE_NONE
#define PG 4096ull

#define OK(em, call)                         \
	do {                                 \
		assert_int_equal((call), 0); \
		assert_check(em);            \
	} while (0)

/* Fills the reserved array up to @n regions of 4 KiB at 8 KiB steps from @base. */
static void fill_reserved(struct earlymem *em, uint64_t base, unsigned n, const char *label)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(em_reserve_label(em, base + (uint64_t)i * 8 * KiB, 4 * KiB, label),
				 0);
}

/* ------------------------------------------------------------------------ */
/* em_x86_reserve_low                                                       */

static void test_low_page0_alone(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_add(em, 0, 0x9f000));
	OK(em, em_x86_reserve_low(em, EM_X86_LOW_PAGE0));
	ASSERT_TABLE(&em->reserved, { 0, PG, 0, N, "page0" });
	ASSERT_TABLE(&em->memory, { 0, 0x9f000, 0, N, NULL });
	assert_false(em_is_free(em, 0));
	assert_true(em_is_free(em, PG));
}

static void test_low_1mib_alone(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_x86_reserve_low(em, EM_X86_LOW_1MIB));
	ASSERT_TABLE(&em->reserved, { 0, 1 * MiB, 0, N, "low-1mib" });
	ASSERT_EMPTY(&em->memory);
}

static void test_low_both(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_x86_reserve_low(em, EM_X86_LOW_PAGE0 | EM_X86_LOW_1MIB));
	ASSERT_TABLE(&em->reserved, { 0, PG, 0, N, "page0" },
		     { PG, 1 * MiB - PG, 0, N, "low-1mib" });
}

static void test_low_keeps_existing_labels_and_is_idempotent(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x9f000, 0x1000, "ebda"));
	OK(em, em_reserve_label(em, 0xf0000, 0x20000, "bios"));
	OK(em, em_x86_reserve_low(em, EM_X86_LOW_1MIB));
	ASSERT_TABLE(&em->reserved, { 0, 0x9f000, 0, N, "low-1mib" },
		     { 0x9f000, 0x1000, 0, N, "ebda" }, { 0xa0000, 0x50000, 0, N, "low-1mib" },
		     { 0xf0000, 0x20000, 0, N, "bios" });
	EXPECT_FAIL(em, 0, em_x86_reserve_low(em, EM_X86_LOW_1MIB));
	EXPECT_FAIL(em, 0, em_x86_reserve_low(em, EM_X86_LOW_PAGE0 | EM_X86_LOW_1MIB));
}

static void test_low_merges_with_own_label(void **state)
{
	struct earlymem *em = *state;

	OK(em, em_reserve_label(em, 0x10000, 0x1000, "low-1mib"));
	OK(em, em_x86_reserve_low(em, EM_X86_LOW_1MIB));
	ASSERT_TABLE(&em->reserved, { 0, 1 * MiB, 0, N, "low-1mib" });
}

static void test_low_flags_zero_and_unknown(void **state)
{
	struct earlymem *em = *state;

	EXPECT_FAIL(em, 0, em_x86_reserve_low(em, 0));
	ASSERT_EMPTY(&em->reserved);
	EXPECT_FAIL(em, EM_EINVAL, em_x86_reserve_low(em, 0x4));
	EXPECT_FAIL(em, EM_EINVAL, em_x86_reserve_low(em, EM_X86_LOW_PAGE0 | 0x80000000u));
}

static void test_low_full_array_enospc(void **state)
{
	struct earlymem *em = *state;

	fill_reserved(em, 1 * GiB, EM_STATIC_REGIONS, "x");
	EXPECT_FAIL(em, EM_ENOSPC, em_x86_reserve_low(em, EM_X86_LOW_PAGE0));
	EXPECT_FAIL(em, EM_ENOSPC, em_x86_reserve_low(em, EM_X86_LOW_1MIB));
	EXPECT_FAIL(em, EM_ENOSPC, em_x86_reserve_low(em, EM_X86_LOW_PAGE0 | EM_X86_LOW_1MIB));
}

static void test_low_both_with_one_slot_left_enospc(void **state)
{
	struct earlymem *em = *state;

	/* Page 0 alone would fit; both need two regions: all or nothing. */
	fill_reserved(em, 1 * GiB, EM_STATIC_REGIONS - 1, "x");
	EXPECT_FAIL(em, EM_ENOSPC, em_x86_reserve_low(em, EM_X86_LOW_PAGE0 | EM_X86_LOW_1MIB));
	OK(em, em_x86_reserve_low(em, EM_X86_LOW_PAGE0));
	assert_int_equal(em->reserved.cnt, EM_STATIC_REGIONS);
}

/* ------------------------------------------------------------------------ */
/* em_x86_reserve_boot                                                      */

static void test_boot_unaligned_rounded_outward(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = {
		.kernel_base = 0x200123,
		.kernel_size = 0x345678, /* ends at 0x54579b */
		.initrd_base = 0x7f00010,
		.initrd_size = 0x1000, /* ends at 0x7f01010 */
		.cmdline_base = 0x54a080,
		.cmdline_size = 0x100,
	};

	OK(em, em_add(em, 0x100000, 0x7f00000));
	OK(em, em_x86_reserve_boot(em, &b));
	ASSERT_TABLE(&em->reserved, { 0x200000, 0x346000, 0, N, "kernel" },
		     { 0x54a000, PG, 0, N, "cmdline" }, { 0x7f00000, 2 * PG, 0, N, "initrd" });
	ASSERT_TABLE(&em->memory, { 0x100000, 0x7f00000, 0, N, NULL });
}

static void test_boot_aligned_ranges_unchanged(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = {
		.kernel_base = 0x1000000,
		.kernel_size = 0x200000,
		.initrd_base = 0x3000000,
		.initrd_size = 0x800000,
		.cmdline_base = 0x20000,
		.cmdline_size = PG,
	};

	OK(em, em_x86_reserve_boot(em, &b));
	ASSERT_TABLE(&em->reserved, { 0x20000, PG, 0, N, "cmdline" },
		     { 0x1000000, 0x200000, 0, N, "kernel" },
		     { 0x3000000, 0x800000, 0, N, "initrd" });
}

static void test_boot_absent_initrd_and_cmdline(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = {
		.kernel_base = 0x100000,
		.kernel_size = 1,
		.initrd_base = UINT64_MAX, /* size 0: absent, the base is not looked at */
		.initrd_size = 0,
		.cmdline_base = UINT64_MAX - 5,
		.cmdline_size = 0,
	};

	OK(em, em_x86_reserve_boot(em, &b));
	ASSERT_TABLE(&em->reserved, { 0x100000, PG, 0, N, "kernel" });
}

static void test_boot_all_absent_is_noop(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = { 0 };

	EXPECT_FAIL(em, 0, em_x86_reserve_boot(em, &b));
	ASSERT_EMPTY(&em->reserved);
}

static void test_boot_overlaps_go_to_the_first(void **state)
{
	struct earlymem *em = *state;
	/* The cmdline shares the kernel's last page; the initrd overlaps both. */
	const struct em_x86_boot b = {
		.kernel_base = 0x200000,
		.kernel_size = 0x800,
		.initrd_base = 0x1ff000,
		.initrd_size = 0x4000, /* [0x1ff000, 0x203000) */
		.cmdline_base = 0x200800,
		.cmdline_size = 0x5000, /* [0x200000, 0x206000) */
	};

	OK(em, em_x86_reserve_boot(em, &b));
	ASSERT_TABLE(&em->reserved, { 0x1ff000, PG, 0, N, "initrd" },
		     { 0x200000, PG, 0, N, "kernel" }, { 0x201000, 2 * PG, 0, N, "initrd" },
		     { 0x203000, 3 * PG, 0, N, "cmdline" });
}

static void test_boot_cmdline_inside_kernel(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = {
		.kernel_base = 0x100000,
		.kernel_size = 0x10000,
		.cmdline_base = 0x108010,
		.cmdline_size = 0x20,
	};

	OK(em, em_x86_reserve_boot(em, &b));
	ASSERT_TABLE(&em->reserved, { 0x100000, 0x10000, 0, N, "kernel" });
}

static void test_boot_keeps_existing_reservations(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = {
		.kernel_base = 0x100000,
		.kernel_size = 0x10000,
		.initrd_base = 0x200000,
		.initrd_size = 0x3000,
	};

	OK(em, em_reserve_label(em, 0x104000, 0x1000, "bootloader"));
	OK(em, em_reserve_label(em, 0x203000, 0x1000, "initrd")); /* merges */
	OK(em, em_x86_reserve_boot(em, &b));
	ASSERT_TABLE(&em->reserved, { 0x100000, 0x4000, 0, N, "kernel" },
		     { 0x104000, 0x1000, 0, N, "bootloader" }, { 0x105000, 0xb000, 0, N, "kernel" },
		     { 0x200000, 0x4000, 0, N, "initrd" });
}

static void test_boot_at_address_zero_and_top(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = {
		.kernel_base = 0,
		.kernel_size = 1,
		.initrd_base = 0xfffffffffffff000 - 0x2000 + 1,
		.initrd_size = 0x2000 - 1, /* ends exactly at the last whole page's end */
	};

	OK(em, em_x86_reserve_boot(em, &b));
	ASSERT_TABLE(&em->reserved, { 0, PG, 0, N, "kernel" },
		     { 0xfffffffffffff000 - 0x2000, 0x2000, 0, N, "initrd" });
}

static void test_boot_erange(void **state)
{
	struct earlymem *em = *state;
	struct em_x86_boot b = {
		.kernel_base = 0x100000,
		.kernel_size = 0x1000,
		.initrd_base = UINT64_MAX - 0x10,
		.initrd_size = 0x20, /* wraps */
	};

	EXPECT_FAIL(em, EM_ERANGE, em_x86_reserve_boot(em, &b));
	/* Ends in the last page: rounding up would need 2^64. */
	b.initrd_base = 0xfffffffffffff000;
	b.initrd_size = 1;
	EXPECT_FAIL(em, EM_ERANGE, em_x86_reserve_boot(em, &b));
	b.initrd_base = 0xffffffffffff0000;
	b.initrd_size = UINT64_MAX - 0xffffffffffff0000; /* up to EM_ADDR_END itself */
	EXPECT_FAIL(em, EM_ERANGE, em_x86_reserve_boot(em, &b));
	b.initrd_size = 0;
	b.cmdline_base = 2;
	b.cmdline_size = UINT64_MAX;
	EXPECT_FAIL(em, EM_ERANGE, em_x86_reserve_boot(em, &b));
	ASSERT_EMPTY(&em->reserved);
}

static void test_boot_null(void **state)
{
	struct earlymem *em = *state;

	EXPECT_FAIL(em, EM_EINVAL, em_x86_reserve_boot(em, NULL));
}

static void test_boot_full_array_enospc_nothing_changed(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = {
		.kernel_base = 0x100000,
		.kernel_size = 0x10000,
		.initrd_base = 0x200000,
		.initrd_size = 0x3000,
		.cmdline_base = 0x300000,
		.cmdline_size = 0x10,
	};

	OK(em, em_add(em, 0, 64 * MiB));
	fill_reserved(em, 1 * GiB, EM_STATIC_REGIONS, "x");
	assert_false(em->resize_allowed);
	EXPECT_FAIL(em, EM_ENOSPC, em_x86_reserve_boot(em, &b));
	/* Two free slots: the first two ranges would fit, the third not. */
	assert_int_equal(em_free(em, 1 * GiB, 4 * KiB), 0);
	assert_int_equal(em_free(em, 1 * GiB + 8 * KiB, 4 * KiB), 0);
	EXPECT_FAIL(em, EM_ENOSPC, em_x86_reserve_boot(em, &b));
	assert_false(em_is_reserved(em, 0x100000));
	/* Three free slots: all of it. */
	assert_int_equal(em_free(em, 1 * GiB + 16 * KiB, 4 * KiB), 0);
	OK(em, em_x86_reserve_boot(em, &b));
	assert_int_equal(em->reserved.cnt, EM_STATIC_REGIONS);
	assert_true(em_is_reserved(em, 0x300000));
}

/*
 * Full array; the kernel needs a region of its own (+1) while the initrd
 * closes the gap between two "initrd" reservations (-1): the result fits
 * exactly, whatever order the ranges come in.
 */
static void test_boot_full_array_fits_when_count_does(void **state)
{
	struct earlymem *em = *state;
	const struct em_x86_boot b = {
		.kernel_base = 0x100000,
		.kernel_size = 0x10000,
		.initrd_base = 0x201000,
		.initrd_size = 0x1000,
	};

	OK(em, em_reserve_label(em, 0x200000, PG, "initrd"));
	OK(em, em_reserve_label(em, 0x202000, PG, "initrd"));
	fill_reserved(em, 1 * GiB, EM_STATIC_REGIONS - 2, "x");
	assert_int_equal(em->reserved.cnt, em->reserved.max);
	OK(em, em_x86_reserve_boot(em, &b));
	assert_int_equal(em->reserved.cnt, em->reserved.max);
	assert_int_equal(REGION(&em->reserved, 0)->base, 0x100000);
	assert_string_equal(REGION(&em->reserved, 0)->label, "kernel");
	assert_int_equal(REGION(&em->reserved, 1)->base, 0x200000);
	assert_int_equal(REGION(&em->reserved, 1)->size, 3 * PG);
	assert_string_equal(REGION(&em->reserved, 1)->label, "initrd");
}

static void test_boot_doubles_outside_the_boot_ranges(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	const struct em_x86_boot b = {
		.kernel_base = 0x1000000,
		.kernel_size = 0x100000,
		.initrd_base = 0x1400000,
		.initrd_size = 0x100000,
	};

	sim_init(&sim, 0x1000000, 8 * MiB);
	setup_em(&em, &sim);
	OK(&em, em_add(&em, 0x1000000, 8 * MiB));
	fill_reserved(&em, 1 * GiB, EM_STATIC_REGIONS, "x");
	assert_int_equal(em_allow_resize(&em), 0);
	em_set_bottom_up(&em, true); /* the lowest free memory is inside the kernel range */
	OK(&em, em_x86_reserve_boot(&em, &b));
	assert_true(em.reserved.bytes != 0);
	/* The storage is on neither range: the lowest free page after the kernel. */
	assert_int_equal(em.reserved.phys, 0x1100000);
	assert_true(em_range_is_reserved(&em, 0x1000000, 0x100000));
	assert_true(em_range_is_reserved(&em, 0x1400000, 0x100000));
	assert_false(
		em_range_intersects_reserved(&em, em.reserved.phys + em.reserved.bytes,
					     0x1400000 - em.reserved.phys - em.reserved.bytes));
	assert_int_equal(REGION(&em.reserved, 0)->base, 0x1000000);
	assert_string_equal(REGION(&em.reserved, 0)->label, "kernel");
	assert_int_equal(REGION(&em.reserved, 1)->base, em.reserved.phys);
	assert_string_equal(REGION(&em.reserved, 1)->label, EM_LABEL_SELF);
	assert_int_equal(REGION(&em.reserved, 2)->base, 0x1400000);
	assert_string_equal(REGION(&em.reserved, 2)->label, "initrd");
	sim_fini(&sim);
}

/*
 * A boot range over the reserved array's doubled storage (the kernel
 * reserves its initrd late): the array moves off the ranges first, so the
 * initrd is one reservation of its own and outlives the array's next move.
 */
static void test_boot_range_over_storage_moves_the_storage(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	struct em_x86_boot b = { .kernel_base = 0x1600000, .kernel_size = 0x100000 };
	unsigned i;

	sim_init(&sim, 0x1000000, 8 * MiB);
	setup_em(&em, &sim);
	OK(&em, em_add(&em, 0x1000000, 8 * MiB));
	assert_int_equal(em_allow_resize(&em), 0);
	fill_reserved(&em, 1 * GiB, EM_STATIC_REGIONS + 1, "x");
	assert_int_equal(em.reserved.phys + em.reserved.bytes, 0x1800000); /* doubled at the top */
	b.initrd_base = em.reserved.phys - 0x1000;
	b.initrd_size = em.reserved.bytes + 0x1000;

	OK(&em, em_x86_reserve_boot(&em, &b));
	/* Top-down, right below the initrd: between the ranges, on neither. */
	assert_int_equal(em.reserved.phys + em.reserved.bytes, b.initrd_base);
	assert_int_equal(REGION(&em.reserved, 0)->base, 0x1600000);
	assert_string_equal(REGION(&em.reserved, 0)->label, "kernel");
	assert_int_equal(REGION(&em.reserved, 1)->base, em.reserved.phys);
	assert_string_equal(REGION(&em.reserved, 1)->label, EM_LABEL_SELF);
	assert_int_equal(REGION(&em.reserved, 2)->base, b.initrd_base);
	assert_int_equal(REGION(&em.reserved, 2)->size, b.initrd_size);
	assert_string_equal(REGION(&em.reserved, 2)->label, "initrd");
	for (i = EM_STATIC_REGIONS + 1; em.reserved.max == 2 * EM_STATIC_REGIONS; i++)
		OK(&em, em_reserve_label(&em, 1 * GiB + (uint64_t)i * 8 * KiB, 4 * KiB, "x"));
	assert_true(em_range_is_reserved(&em, b.initrd_base, b.initrd_size));
	sim_fini(&sim);
}

/*
 * Storage between the boot ranges but on neither stays where it is, even
 * when all memory lies between them (nowhere to move it to).
 */
static void test_boot_storage_between_the_ranges_stays(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	const struct em_x86_boot b = {
		.kernel_base = 0x1000000,
		.kernel_size = 0x200000,
		.initrd_base = 0x1800000, /* right above memory */
		.initrd_size = 0x1000,
	};
	uint64_t phys;

	sim_init(&sim, 0x1000000, 8 * MiB);
	setup_em(&em, &sim);
	OK(&em, em_add(&em, 0x1000000, 8 * MiB));
	assert_int_equal(em_allow_resize(&em), 0);
	fill_reserved(&em, 1 * GiB, EM_STATIC_REGIONS + 1, "x");
	phys = em.reserved.phys;
	assert_int_equal(phys + em.reserved.bytes, 0x1800000); /* doubled at the top */

	OK(&em, em_x86_reserve_boot(&em, &b));
	assert_int_equal(em.reserved.phys, phys);
	assert_int_equal(REGION(&em.reserved, 0)->base, 0x1000000);
	assert_string_equal(REGION(&em.reserved, 0)->label, "kernel");
	assert_int_equal(REGION(&em.reserved, 1)->base, phys);
	assert_string_equal(REGION(&em.reserved, 1)->label, EM_LABEL_SELF);
	assert_int_equal(REGION(&em.reserved, 2)->base, 0x1800000);
	assert_string_equal(REGION(&em.reserved, 2)->label, "initrd");
	sim_fini(&sim);
}

static void test_boot_cannot_double_enomem_nothing_changed(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	/* All memory lies in the kernel and the initrd: no room outside them. */
	const struct em_x86_boot b = {
		.kernel_base = 0x1000000,
		.kernel_size = 0x7ff000,
		.initrd_base = 0x17ff000,
		.initrd_size = 0x1000,
	};

	sim_init(&sim, 0x1000000, 8 * MiB);
	setup_em(&em, &sim);
	OK(&em, em_add(&em, 0x1000000, 8 * MiB));
	fill_reserved(&em, 1 * GiB, EM_STATIC_REGIONS, "x");
	assert_int_equal(em_allow_resize(&em), 0);
	EXPECT_FAIL(&em, EM_ENOMEM, em_x86_reserve_boot(&em, &b));
	sim_fini(&sim);
}

/*
 * Differential test: em_x86_reserve_boot() must give what the three
 * em_reserve_label() calls give on an instance with room to spare, and must
 * fail with EM_ENOSPC, changing nothing, exactly when that result would
 * not fit. Filler reservations far away bring the array near its end.
 */
static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(uint64_t n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (rng_state >> 33) % n;
}

static const char *const labels[] = { "kernel", "initrd", "cmdline", "other", NULL };

static void random_range(uint64_t *base, uint64_t *size)
{
	*base = rnd(64) * 0x400 + rnd(3);
	*size = rnd(4) ? rnd(16) * 0x400 + rnd(2) : 0;
}

/* The regions of @a below 1 GiB equal all of @ref's. */
static void assert_same_below_1gib(const struct em_array *a, const struct em_array *ref)
{
	uint32_t i = 0;

	for (; i < a->cnt && REGION(a, i)->base < 1 * GiB; i++) {
		assert_true(i < ref->cnt);
		assert_int_equal(REGION(a, i)->base, REGION(ref, i)->base);
		assert_int_equal(REGION(a, i)->size, REGION(ref, i)->size);
		assert_int_equal(REGION(a, i)->node, REGION(ref, i)->node);
		if (!REGION(a, i)->label || !REGION(ref, i)->label)
			assert_ptr_equal(REGION(a, i)->label, REGION(ref, i)->label);
		else
			assert_string_equal(REGION(a, i)->label, REGION(ref, i)->label);
	}
	assert_int_equal(i, ref->cnt);
}

static void test_boot_matches_sequential_reservations(void **state)
{
	(void)state;
	struct earlymem *a = calloc(1, sizeof(*a)), *ref = calloc(1, sizeof(*ref));
	unsigned fits = 0, full = 0;

	assert_non_null(a);
	assert_non_null(ref);
	for (int iter = 0; iter < 4000; iter++) {
		struct em_x86_boot b;
		unsigned nres = (unsigned)rnd(10);
		uint64_t r[3][2];
		int64_t before, delta, f, expected;

		setup_em(a, NULL);
		setup_em(ref, NULL);
		for (unsigned i = 0; i < nres; i++) {
			uint64_t base = rnd(48) * PG, size = (rnd(3) + 1) * PG;
			const char *l = labels[rnd(5)];

			assert_int_equal(em_reserve_label(a, base, size, l), 0);
			assert_int_equal(em_reserve_label(ref, base, size, l), 0);
		}
		before = a->reserved.cnt;
		for (int i = 0; i < 3; i++)
			random_range(&r[i][0], &r[i][1]);
		b = (struct em_x86_boot){ r[0][0], r[0][1], r[1][0], r[1][1], r[2][0], r[2][1] };
		for (int i = 0; i < 3; i++) {
			uint64_t first = r[i][0] & ~(PG - 1);
			uint64_t end = (r[i][0] + r[i][1] + PG - 1) & ~(PG - 1);

			if (r[i][1])
				assert_int_equal(
					em_reserve_label(ref, first, end - first, labels[i]), 0);
		}
		assert_check(ref);
		delta = (int64_t)ref->reserved.cnt - before;

		/* Fillers far away bring the result to within 3 slots of the end. */
		f = (int64_t)a->reserved.max - before - delta - ((int64_t)rnd(7) - 3);
		if (f < 0)
			f = 0;
		if (f > (int64_t)a->reserved.max - before)
			f = (int64_t)a->reserved.max - before;
		fill_reserved(a, 1 * GiB, (unsigned)f, "filler");
		expected = before + f + delta;

		if (expected > (int64_t)a->reserved.max) {
			EXPECT_FAIL(a, EM_ENOSPC, em_x86_reserve_boot(a, &b));
			full++;
			continue;
		}
		OK(a, em_x86_reserve_boot(a, &b));
		assert_int_equal(a->reserved.cnt, expected);
		assert_same_below_1gib(&a->reserved, &ref->reserved);
		fits++;
	}
	assert_true(fits > 1000);
	assert_true(full > 500);
	free(a);
	free(ref);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, em_setup, em_teardown)
	const struct CMUnitTest tests[] = {
		T(test_low_page0_alone),
		T(test_low_1mib_alone),
		T(test_low_both),
		T(test_low_keeps_existing_labels_and_is_idempotent),
		T(test_low_merges_with_own_label),
		T(test_low_flags_zero_and_unknown),
		T(test_low_full_array_enospc),
		T(test_low_both_with_one_slot_left_enospc),
		T(test_boot_unaligned_rounded_outward),
		T(test_boot_aligned_ranges_unchanged),
		T(test_boot_absent_initrd_and_cmdline),
		T(test_boot_all_absent_is_noop),
		T(test_boot_overlaps_go_to_the_first),
		T(test_boot_cmdline_inside_kernel),
		T(test_boot_keeps_existing_reservations),
		T(test_boot_at_address_zero_and_top),
		T(test_boot_erange),
		T(test_boot_null),
		T(test_boot_full_array_enospc_nothing_changed),
		T(test_boot_full_array_fits_when_count_does),
		T(test_boot_doubles_outside_the_boot_ranges),
		T(test_boot_range_over_storage_moves_the_storage),
		T(test_boot_storage_between_the_ranges_stays),
		T(test_boot_cannot_double_enomem_nothing_changed),
		T(test_boot_matches_sequential_reservations),
	};
#undef T

	return cmocka_run_group_tests_name("test_x86", tests, NULL, NULL);
}
