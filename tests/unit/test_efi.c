// SPDX-License-Identifier: MIT
/* The UEFI loader: descriptor stepping, types, attributes, options, overlaps, atomicity. */
#include "fwbuild.h"

#include <earlymem/efi.h>
#include <stdlib.h>
#include <string.h>

#define N EM_NODE_NONE
#define PG 4096ull

static unsigned char map[512 * 64];
static uint64_t work[16384];

/* Writes descriptors with the given DescriptorSize (the tail past 40 bytes is junk). */
static uint64_t build(const struct desc *d, size_t n, uint64_t desc_size)
{
	return efi_build(map, sizeof(map), d, n, desc_size, 0xdeadbeef);
}

#define WB 0xfull

static void load_ovmf(struct earlymem *em, uint64_t desc_size, uint32_t options,
		      struct em_fw_stats *st)
{
	uint64_t size = build(ovmf_descs, OVMF_NDESC, desc_size);

	setup_em(em, NULL);
	assert_int_equal(
		em_efi_load_map(em, map, size, desc_size, 1, options, work, sizeof(work), st), 0);
	assert_check(em);
}

static void test_default_policy_desc_48(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;

	load_ovmf(&em, 48, EM_EFI_DEFAULT, &st);
	ASSERT_TABLE(&em.memory, { 0x0, 0xa0000, 0, N, NULL }, { 0x100000, 0x830000, 0, N, NULL },
		     { 0x950000, 0x6b0000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x800000, 0x30000, 0, N, "efi-loader" });
	assert_int_equal(st.entries, 11);
	assert_int_equal(st.empty, 1);
	assert_int_equal(st.overlapping, 0);
	assert_int_equal(st.memory_ranges, 3);
	assert_int_equal(st.reserved_ranges, 1);
	assert_int_equal(st.trimmed_bytes, 0);
}

static void test_descriptor_sizes_40_and_56_give_the_same(void **state)
{
	(void)state;
	struct earlymem a, b;

	load_ovmf(&a, 40, EM_EFI_DEFAULT, NULL);
	load_ovmf(&b, 56, EM_EFI_DEFAULT, NULL);
	ASSERT_TABLE(&a.memory, { 0x0, 0xa0000, 0, N, NULL }, { 0x100000, 0x830000, 0, N, NULL },
		     { 0x950000, 0x6b0000, 0, N, NULL });
	ASSERT_TABLE(&b.memory, { 0x0, 0xa0000, 0, N, NULL }, { 0x100000, 0x830000, 0, N, NULL },
		     { 0x950000, 0x6b0000, 0, N, NULL });
	ASSERT_TABLE(&b.reserved, { 0x800000, 0x30000, 0, N, "efi-loader" });
}

static void test_options(void **state)
{
	(void)state;
	struct earlymem em;

	load_ovmf(&em, 48, 0, NULL);
	ASSERT_EMPTY(&em.reserved);
	load_ovmf(&em, 48, EM_EFI_RESERVE_LOADER | EM_EFI_KEEP_BOOT_SERVICES, NULL);
	ASSERT_TABLE(&em.reserved, { 0x0, 0x1000, 0, N, "efi-boot-services" },
		     { 0x800000, 0x30000, 0, N, "efi-loader" },
		     { 0x830000, 0x100000, 0, N, "efi-boot-services" });
	load_ovmf(&em, 48, EM_EFI_KEEP_BOOT_SERVICES, NULL);
	ASSERT_TABLE(&em.reserved, { 0x0, 0x1000, 0, N, "efi-boot-services" },
		     { 0x830000, 0x100000, 0, N, "efi-boot-services" });
}

static void test_bad_descriptor_sizes(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot snap;
	uint64_t size = build(ovmf_descs, 2, 48);

	setup_em(&em, NULL);
	snap_take(&snap, &em);
	assert_int_equal(em_efi_load_map(&em, map, size, 32, 1, 0, work, sizeof(work), NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_load_map(&em, map, size, 0, 1, 0, work, sizeof(work), NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_load_map(&em, map, size - 8, 48, 1, 0, work, sizeof(work), NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_load_map(&em, map, 44 * 2, 44, 1, 0, work, sizeof(work), NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_load_map(&em, map, size, 48, 1, 0x4, work, sizeof(work), NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_load_map(&em, map, size, 48, 1, 0, work, 100, NULL), EM_EINVAL);
	snap_assert_same(&snap, &em);
}

static void test_attributes_and_unaccepted(void **state)
{
	(void)state;
	struct earlymem em;
	const struct desc d[] = {
		{ EM_EFI_CONVENTIONAL, 0x100000, 0x100, WB | EM_EFI_MEMORY_MORE_RELIABLE },
		{ EM_EFI_CONVENTIONAL, 0x200000, 0x100, WB },
		{ EM_EFI_CONVENTIONAL, 0x300000, 0x100, WB | EM_EFI_MEMORY_HOT_PLUGGABLE },
		{ EM_EFI_UNACCEPTED, 0x400000, 0x100, WB },
		{ EM_EFI_CONVENTIONAL, 0x500000, 0x100, WB | EM_EFI_MEMORY_SP },
		{ EM_EFI_PERSISTENT, 0x600000, 0x100, WB },
	};
	uint64_t size = build(d, 6, 48);

	setup_em(&em, NULL);
	assert_int_equal(em_efi_load_map(&em, map, size, 48, 1, EM_EFI_DEFAULT, work, sizeof(work),
					 NULL),
			 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x100000, 0x100000, EM_MIRROR, N, NULL },
		     { 0x200000, 0x100000, 0, N, NULL },
		     { 0x300000, 0x100000, EM_HOTPLUG, N, NULL },
		     { 0x400000, 0x100000, EM_UNACCEPTED, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x500000, 0x100000, 0, N, "soft-reserved" });
}

static void test_every_type(void **state)
{
	(void)state;
	struct earlymem em;
	struct desc d[17];

	for (uint32_t t = 0; t < 17; t++)
		d[t] = (struct desc){ t, 0x100000 * (t + 1), 0x10, WB };
	uint64_t size = build(d, 17, 48);

	setup_em(&em, NULL);
	assert_int_equal(em_efi_load_map(&em, map, size, 48, 1, 0, work, sizeof(work), NULL), 0);
	/* memory: 1, 2, 3, 4, 7 and 15 (unaccepted); 16 is unknown: not memory */
	ASSERT_TABLE(&em.memory, { 0x200000, 0x10000, 0, N, NULL },
		     { 0x300000, 0x10000, 0, N, NULL }, { 0x400000, 0x10000, 0, N, NULL },
		     { 0x500000, 0x10000, 0, N, NULL }, { 0x800000, 0x10000, 0, N, NULL },
		     { 0x1000000, 0x10000, EM_UNACCEPTED, N, NULL });
	assert_string_equal(em_efi_type_name(EM_EFI_CONVENTIONAL), "Conventional");
	assert_string_equal(em_efi_type_name(16), "unknown");
}

static void test_overlap_non_memory_wins(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	const struct desc d[] = {
		{ EM_EFI_CONVENTIONAL, 0x100000, 0x100, WB },
		{ EM_EFI_RUNTIME_SERVICES_DATA, 0x180000, 0x10, WB }, /* inside */
		{ EM_EFI_LOADER_DATA, 0x1f0000, 0x20, WB },	      /* straddles the end */
		{ EM_EFI_BOOT_SERVICES_DATA, 0x100000, 0x10, WB },    /* at the start */
	};
	uint64_t size = build(d, 4, 48);

	setup_em(&em, NULL);
	assert_int_equal(
		em_efi_load_map(&em, map, size, 48, 1, EM_EFI_DEFAULT, work, sizeof(work), &st), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x100000, 0x80000, 0, N, NULL },
		     { 0x190000, 0x80000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x1f0000, 0x20000, 0, N, "efi-loader" });
	assert_int_equal(st.overlapping, 4);
}

static void test_pages_past_address_space_clamped(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	const struct desc d[] = {
		{ EM_EFI_CONVENTIONAL, 0x100000, 0x100, WB },
		{ EM_EFI_CONVENTIONAL, 0xfffffffffff00000, UINT64_MAX, WB },
	};
	uint64_t size = build(d, 2, 48);

	setup_em(&em, NULL);
	assert_int_equal(em_efi_load_map(&em, map, size, 48, 1, 0, work, sizeof(work), &st), 0);
	assert_check(&em);
	/* cut at the end of the address space, then trimmed to whole pages */
	ASSERT_TABLE(&em.memory, { 0x100000, 0x100000, 0, N, NULL },
		     { 0xfffffffffff00000, 0xff000, 0, N, NULL });
	assert_int_equal(st.clamped, 1);
	assert_int_equal(st.trimmed_bytes, 0xfff);
}

static void test_failed_load_rolls_back(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot snap;
	enum {
		CNT = EM_STATIC_REGIONS + 8
	};
	struct desc *d = calloc(CNT, sizeof(*d));

	/* Memory islands that cannot all fit: the load must leave nothing behind. */
	for (uint64_t i = 0; i < CNT; i++)
		d[i] = (struct desc){ i % 3 ? EM_EFI_CONVENTIONAL : EM_EFI_LOADER_DATA,
				      0x100000 + i * 0x2000, 1, WB };
	uint64_t size = build(d, CNT, 48);

	setup_em(&em, NULL);
	assert_int_equal(em_reserve_label(&em, 0x0, 0x1000, "page0"), 0);
	snap_take(&snap, &em);
	assert_int_equal(em_efi_load_map(&em, map, size, 48, 1, EM_EFI_DEFAULT, work, sizeof(work),
					 NULL),
			 EM_ENOSPC);
	snap_assert_same(&snap, &em);
	free(d);
}

static void test_txn_rollback_after_doubling(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	struct em_snapshot snap;
	static uint64_t buf[4096];

	sim_init(&sim, 0x100000000, 4 * MiB);
	setup_em(&em, &sim);
	assert_int_equal(em_add(&em, 0x100000000, 4 * MiB), 0);
	assert_int_equal(em_allow_resize(&em), 0);
	for (uint64_t i = 0; i < 100; i++)
		assert_int_equal(em_reserve(&em, i * 0x2000, 0x1000), 0);
	assert_int_equal(em_txn_bytes(&em) < sizeof(buf), true);
	snap_take(&snap, &em);
	assert_int_equal(em_txn_begin(&em, buf, sizeof(buf)), 0);
	/* double the reserved array twice and the memory array once */
	for (uint64_t i = 100; i < 2 * EM_STATIC_REGIONS + 100; i++)
		assert_int_equal(em_reserve(&em, i * 0x2000, 0x1000), 0);
	for (uint64_t i = 0; i < EM_STATIC_REGIONS + 50; i++)
		assert_int_equal(em_add(&em, 0x200000000 + i * 0x2000, 0x1000), 0);
	assert_true(em.reserved.max >= 4 * EM_STATIC_REGIONS);
	assert_true(em.memory.max >= 2 * EM_STATIC_REGIONS);
	assert_int_equal(em_txn_rollback(&em, buf), 0);
	assert_check(&em);
	snap_assert_same(&snap, &em);
	assert_int_equal(em_free_size(&em), 4 * MiB);
	sim_fini(&sim);
}

static void test_txn_begin_errors(void **state)
{
	(void)state;
	struct earlymem em;
	static uint64_t buf[64];

	setup_em(&em, NULL);
	assert_int_equal(em_add(&em, 0, 0x1000), 0);
	assert_int_equal(em_txn_begin(&em, NULL, 1024), EM_EINVAL);
	assert_int_equal(em_txn_begin(&em, buf, em_txn_bytes(&em) - 1), EM_EINVAL);
	assert_int_equal(em_txn_begin(&em, (char *)buf + 4, 256), EM_EINVAL);
	assert_int_equal(em_txn_begin(&em, buf, em_txn_bytes(&em)), 0);
}

static void test_null_map_einval(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot snap;
	const struct em_fw_entry *t;
	size_t n;

	setup_em(&em, NULL);
	snap_take(&snap, &em);
	assert_int_equal(em_efi_sanitize(NULL, 96, 48, 1, work, sizeof(work), &t, &n, NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_load_map(&em, NULL, 96, 48, 1, 0, work, sizeof(work), NULL),
			 EM_EINVAL);
	snap_assert_same(&snap, &em);
}

/* Unaccepted memory overlapped by Boot Services Data stays unaccepted: never used unaccepted. */
static void test_overlap_unaccepted_beats_boot_services(void **state)
{
	(void)state;
	struct earlymem em;
	const struct desc d[] = {
		{ EM_EFI_UNACCEPTED, 0x100000, 0x100, WB },
		{ EM_EFI_BOOT_SERVICES_DATA, 0x180000, 0x100, WB },
	};
	uint64_t size = build(d, 2, 48);

	setup_em(&em, NULL);
	assert_int_equal(em_efi_load_map(&em, map, size, 48, 1, EM_EFI_DEFAULT, work, sizeof(work),
					 NULL),
			 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x100000, 0x100000, EM_UNACCEPTED, N, NULL },
		     { 0x200000, 0x80000, 0, N, NULL });
}

/*
 * More reservations than the static reserved array holds, into a fresh
 * instance with resizing allowed: the arrays double into the map's largest
 * free stretch, which is loaded first.
 */
static void test_many_reservations_double_into_free_ram(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	enum {
		PAIRS = EM_STATIC_REGIONS + 72 /* more reservations than the static array holds */
	};
	struct desc *d = calloc(2 * PAIRS + 1, sizeof(*d));
	uint64_t a = 0x100000000, big = 0x110000000;
	static uint64_t w[1 << 16];

	for (int i = 0; i < PAIRS; i++) {
		d[2 * i] = (struct desc){ EM_EFI_BOOT_SERVICES_DATA, a, 1, WB };
		d[2 * i + 1] = (struct desc){ EM_EFI_CONVENTIONAL, a + PG, 1, WB };
		a += 2 * PG;
	}
	d[2 * PAIRS] = (struct desc){ EM_EFI_CONVENTIONAL, big, 0x2000, WB };
	uint64_t size = build(d, 2 * PAIRS + 1, 48);

	sim_init(&sim, 0x100000000, 0x12000000);
	setup_em(&em, &sim);
	assert_int_equal(em_allow_resize(&em), 0);
	assert_int_equal(em_efi_load_map(&em, map, size, 48, 1,
					 EM_EFI_DEFAULT | EM_EFI_KEEP_BOOT_SERVICES, w, sizeof(w),
					 NULL),
			 0);
	assert_check(&em);
	assert_true(em.reserved.max > EM_STATIC_REGIONS);
	assert_true(em.reserved.phys >= big &&
		    em.reserved.phys + em.reserved.bytes <= big + 0x2000 * PG);
	assert_true(em_range_is_reserved(&em, 0x100000000, PG));
	assert_false(em_range_intersects_reserved(&em, 0x100000000 + PG, PG));
	free(d);
	sim_fini(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_policy_desc_48),
		cmocka_unit_test(test_descriptor_sizes_40_and_56_give_the_same),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_bad_descriptor_sizes),
		cmocka_unit_test(test_attributes_and_unaccepted),
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_overlap_non_memory_wins),
		cmocka_unit_test(test_pages_past_address_space_clamped),
		cmocka_unit_test(test_failed_load_rolls_back),
		cmocka_unit_test(test_txn_rollback_after_doubling),
		cmocka_unit_test(test_txn_begin_errors),
		cmocka_unit_test(test_null_map_einval),
		cmocka_unit_test(test_overlap_unaccepted_beats_boot_services),
		cmocka_unit_test(test_many_reservations_double_into_free_ram),
	};

	return cmocka_run_group_tests_name("test_efi", tests, NULL, NULL);
}
