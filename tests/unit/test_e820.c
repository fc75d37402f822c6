// SPDX-License-Identifier: MIT
/* The e820 loader: sanitizing (every overlap rule) and loading (policy, atomicity). */
#include "common.h"

#include <earlymem/e820.h>
#include <stdlib.h>
#include <string.h>

#define N EM_NODE_NONE
#define RAM EM_E820_RAM
#define RES EM_E820_RESERVED
#define ACPI EM_E820_ACPI
#define NVS EM_E820_NVS
#define SOFT EM_E820_SOFT_RESERVED

struct raw {
	uint64_t addr, size;
	uint32_t type;
};

/* Packs entries into the 20-byte firmware layout, at an odd address to test alignment. */
static unsigned char *pack(const struct raw *r, size_t n)
{
	static unsigned char buf[1 + 64 * EM_E820_ENTRY_SIZE];
	unsigned char *p = buf + 1;

	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++) {
		memcpy(p + i * 20, &r[i].addr, 8);
		memcpy(p + i * 20 + 8, &r[i].size, 8);
		memcpy(p + i * 20 + 16, &r[i].type, 4);
	}
	return p;
}

static uint64_t work[8192];

struct exp_fw {
	uint64_t base, size;
	uint32_t type;
};

static void assert_fw_table(const struct em_fw_entry *t, size_t n, const struct exp_fw *e,
			    size_t en)
{
	assert_int_equal(n, en);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(t[i].base, e[i].base);
		assert_int_equal(t[i].size, e[i].size);
		assert_int_equal(t[i].type, e[i].type);
	}
}

#define SANITIZE(st, ...)                                                                        \
	const struct raw in_[] = { __VA_ARGS__ };                                                \
	const struct em_fw_entry *t_;                                                            \
	size_t n_;                                                                               \
	assert_int_equal(em_e820_sanitize(pack(in_, sizeof(in_) / sizeof(in_[0])),               \
					  sizeof(in_) / sizeof(in_[0]), work, sizeof(work), &t_, \
					  &n_, (st)),                                            \
			 0)
#define EXPECT(...)                                                      \
	do {                                                             \
		const struct exp_fw e_[] = { __VA_ARGS__ };              \
		assert_fw_table(t_, n_, e_, sizeof(e_) / sizeof(e_[0])); \
	} while (0)

static void test_sorted_map_unchanged(void **state)
{
	(void)state;
	struct em_fw_stats st;

	SANITIZE(&st, { 0, 0x9fc00, RAM }, { 0x9fc00, 0x400, RES }, { 0xf0000, 0x10000, RES },
		 { 0x100000, 0x7ff00000, RAM });
	EXPECT({ 0, 0x9fc00, RAM }, { 0x9fc00, 0x400, RES }, { 0xf0000, 0x10000, RES },
	       { 0x100000, 0x7ff00000, RAM });
	assert_int_equal(st.entries, 4);
	assert_int_equal(st.sanitized, 4);
	assert_int_equal(st.overlapping, 0);
	assert_int_equal(st.merged, 0);
	assert_int_equal(st.empty, 0);
}

static void test_unsorted_map_sorted(void **state)
{
	(void)state;
	SANITIZE(NULL, { 0x100000, 0x100000, RAM }, { 0, 0x1000, RES }, { 0x1000, 0x9f000, RAM });
	EXPECT({ 0, 0x1000, RES }, { 0x1000, 0x9f000, RAM }, { 0x100000, 0x100000, RAM });
}

static void test_adjacent_same_type_merged(void **state)
{
	(void)state;
	struct em_fw_stats st;

	SANITIZE(&st, { 0x2000, 0x1000, RAM }, { 0x1000, 0x1000, RAM }, { 0x3000, 0x1000, RAM });
	EXPECT({ 0x1000, 0x3000, RAM });
	assert_int_equal(st.merged, 2);
	assert_int_equal(st.sanitized, 1);
}

static void test_zero_size_dropped(void **state)
{
	(void)state;
	struct em_fw_stats st;

	SANITIZE(&st, { 0x1000, 0, RES }, { 0, 0x1000, RAM }, { 0x5000, 0, RAM });
	EXPECT({ 0, 0x1000, RAM });
	assert_int_equal(st.empty, 2);
	assert_int_equal(st.entries, 3);
}

static void test_larger_type_wins_every_pair(void **state)
{
	(void)state;
	static const uint32_t types[] = { RAM,		RES,	      ACPI, NVS, EM_E820_UNUSABLE,
					  EM_E820_PMEM, EM_E820_PRAM, 20,   SOFT };

	for (size_t a = 0; a < 9; a++) {
		for (size_t b = 0; b < 9; b++) {
			if (a == b)
				continue;
			uint32_t ta = types[a], tb = types[b], hi = ta > tb ? ta : tb;
			struct em_fw_stats st;

			/* b sits inside a: three pieces, the middle one the larger type */
			SANITIZE(&st, { 0x10000, 0x30000, ta }, { 0x20000, 0x10000, tb });
			if (hi == ta) {
				EXPECT({ 0x10000, 0x30000, ta });
				assert_int_equal(st.merged, 1);
			} else {
				EXPECT({ 0x10000, 0x10000, ta }, { 0x20000, 0x10000, tb },
				       { 0x30000, 0x10000, ta });
			}
			assert_int_equal(st.overlapping, 2);
		}
	}
}

static void test_partial_overlap_splits_at_change_points(void **state)
{
	(void)state;
	SANITIZE(NULL, { 0x0, 0x3000, RAM }, { 0x2000, 0x3000, RES }, { 0x4000, 0x3000, ACPI });
	EXPECT({ 0x0, 0x2000, RAM }, { 0x2000, 0x2000, RES }, { 0x4000, 0x3000, ACPI });
}

static void test_many_nested_overlaps(void **state)
{
	(void)state;
	/* Russian dolls: RAM ⊃ RES ⊃ ACPI ⊃ NVS, plus a RAM copy of everything */
	SANITIZE(NULL, { 0, 0x10000, RAM }, { 0x1000, 0xe000, RES }, { 0x2000, 0xc000, ACPI },
		 { 0x3000, 0xa000, NVS }, { 0, 0x10000, RAM });
	EXPECT({ 0, 0x1000, RAM }, { 0x1000, 0x1000, RES }, { 0x2000, 0x1000, ACPI },
	       { 0x3000, 0xa000, NVS }, { 0xd000, 0x1000, ACPI }, { 0xe000, 0x1000, RES },
	       { 0xf000, 0x1000, RAM });
}

static void test_end_past_address_space_clamped(void **state)
{
	(void)state;
	struct em_fw_stats st;

	SANITIZE(&st, { UINT64_MAX - 0x1fff, 0x4000, RES }, { 0x1000, UINT64_MAX, RAM });
	EXPECT({ 0x1000, UINT64_MAX - 0x1fff - 0x1000, RAM }, { UINT64_MAX - 0x1fff, 0x1fff, RES });
	assert_int_equal(st.clamped, 2);
	assert_int_equal(st.clamped_bytes, (0x4000 - 0x1fff) + 0x1000);
}

static void test_entry_at_last_byte_dropped(void **state)
{
	(void)state;
	struct em_fw_stats st;

	SANITIZE(&st, { UINT64_MAX, 1, RES }, { 0, 0x1000, RAM });
	EXPECT({ 0, 0x1000, RAM });
	assert_int_equal(st.clamped, 1);
}

static void test_empty_table(void **state)
{
	(void)state;
	const struct em_fw_entry *t;
	size_t n = 99;

	assert_int_equal(em_e820_sanitize(NULL, 0, work, sizeof(work), &t, &n, NULL), 0);
	assert_int_equal(n, 0);
}

static void test_sanitize_bad_arguments(void **state)
{
	(void)state;
	const struct em_fw_entry *t;
	size_t n;
	const struct raw r[] = { { 0, 0x1000, RAM } };

	assert_int_equal(em_e820_sanitize(NULL, 1, work, sizeof(work), &t, &n, NULL), EM_EINVAL);
	assert_int_equal(em_e820_sanitize(pack(r, 1), 1, work, EM_FW_WORK_BYTES(1) - 1, &t, &n,
					  NULL),
			 EM_EINVAL);
	assert_int_equal(em_e820_sanitize(pack(r, 1), 1, NULL, 1000, &t, &n, NULL), EM_EINVAL);
	assert_int_equal(em_e820_sanitize(pack(r, 1), 1, work, EM_FW_WORK_BYTES(1), &t, &n, NULL),
			 0);
}

/* Worst case for the sweep: n entries all overlapping; must stay fast and exact. */
static void test_thousand_overlapping_entries(void **state)
{
	(void)state;
	enum {
		CNT = 1000
	};
	unsigned char *raw = malloc(CNT * 20);
	void *big = malloc(EM_FW_WORK_BYTES(CNT));
	const struct em_fw_entry *t;
	size_t n;

	for (uint64_t i = 0; i < CNT; i++) {
		/* entry i covers [i, 2*CNT - i) pages with type i + 1: nested, larger inside */
		uint64_t base = i * 0x1000, size = (2 * CNT - 2 * i) * 0x1000;
		uint32_t type = (uint32_t)i + 1;

		memcpy(raw + i * 20, &base, 8);
		memcpy(raw + i * 20 + 8, &size, 8);
		memcpy(raw + i * 20 + 16, &type, 4);
	}
	assert_int_equal(em_e820_sanitize(raw, CNT, big, EM_FW_WORK_BYTES(CNT), &t, &n, NULL), 0);
	assert_int_equal(n, 2 * CNT - 1);
	for (size_t i = 0; i < CNT; i++) {
		assert_int_equal(t[i].base, i * 0x1000);
		assert_int_equal(t[i].type, i + 1);
		assert_int_equal(t[2 * CNT - 2 - i].type, i + 1);
	}
	free(raw);
	free(big);
}

/* ---- loading ---- */

static void test_load_policy(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	const struct raw r[] = {
		{ 0, 0x9fc00, RAM },
		{ 0x9fc00, 0x400, RES },
		{ 0xf0000, 0x10000, RES },
		{ 0x100000, 0x3ff00000, RAM },
		{ 0x40000000, 0x10000, ACPI },
		{ 0x40010000, 0x10000, NVS },
		{ 0x40020000, 0x1000, EM_E820_UNUSABLE },
		{ 0x100000000, 0x40000000, EM_E820_PMEM },
		{ 0x140000000, 0x40000000, SOFT },
		{ 0x180000000, 0x1000, 99 },
		{ 0x180001000, 0x40000000, RAM },
	};

	setup_em(&em, NULL);
	assert_int_equal(em_e820_load_raw(&em, pack(r, 11), 11, work, sizeof(work), &st), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0, 0x9f000, 0, N, NULL }, { 0x100000, 0x3ff00000, 0, N, NULL },
		     { 0x180001000, 0x40000000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x140000000, 0x40000000, 0, N, "soft-reserved" });
	assert_int_equal(st.memory_bytes, 0x9fc00 + 0x3ff00000 + 0x40000000);
	assert_int_equal(st.trimmed_bytes, 0xc00);
	assert_int_equal(st.memory_ranges, 3);
	assert_int_equal(st.reserved_ranges, 1);
	assert_int_equal(st.entries, 11);
}

static void test_load_trims_merged_memory_inward(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	/* Two unaligned RAM entries that touch merge first, then trim: nothing lost in the middle. */
	const struct raw r[] = { { 0x1800, 0x1000, RAM },
				 { 0x2800, 0x2000, RAM },
				 { 0x10100, 0x800, RAM } };

	setup_em(&em, NULL);
	assert_int_equal(em_e820_load_raw(&em, pack(r, 3), 3, work, sizeof(work), &st), 0);
	ASSERT_TABLE(&em.memory, { 0x2000, 0x2000, 0, N, NULL });
	assert_int_equal(st.trimmed_bytes, 0x800 + 0x800 + 0x800);
	assert_int_equal(st.memory_ranges, 1);
}

static void test_load_into_existing_instance_keeps_it(void **state)
{
	(void)state;
	struct earlymem em;
	const struct raw r[] = { { 0x100000, 0x100000, RAM } };

	setup_em(&em, NULL);
	assert_int_equal(em_add_node(&em, 0x180000, 0x100000, 1, EM_MIRROR), 0);
	assert_int_equal(em_reserve_label(&em, 0x100000, 0x1000, "kernel"), 0);
	assert_int_equal(em_e820_load_raw(&em, pack(r, 1), 1, work, sizeof(work), NULL), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x100000, 0x80000, 0, N, NULL },
		     { 0x180000, 0x100000, EM_MIRROR, 1, NULL });
	ASSERT_TABLE(&em.reserved, { 0x100000, 0x1000, 0, N, "kernel" });
}

static void test_load_rejects_unsanitized_table(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot snap;
	const struct em_fw_entry overlap[] = { { 0, 0x2000, RAM, 0, 0 },
					       { 0x1000, 0x2000, RAM, 0, 0 } };
	const struct em_fw_entry empty[] = { { 0, 0, RAM, 0, 0 } };
	const struct em_fw_entry wrap[] = { { UINT64_MAX - 0xfff, 0x1000, RAM, 0, 0 } };

	setup_em(&em, NULL);
	snap_take(&snap, &em);
	assert_int_equal(em_e820_load(&em, overlap, 2, work, sizeof(work), NULL), EM_EINVAL);
	assert_int_equal(em_e820_load(&em, empty, 1, work, sizeof(work), NULL), EM_EINVAL);
	assert_int_equal(em_e820_load(&em, wrap, 1, work, sizeof(work), NULL), EM_EINVAL);
	assert_int_equal(em_e820_load(&em, overlap, 1, work, 8, NULL), EM_EINVAL);
	snap_assert_same(&snap, &em);
}

/* A map needing more regions than the static array holds, resizing not allowed: nothing changes. */
static void test_load_too_large_is_atomic(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot snap;
	enum {
		CNT = 2 * EM_STATIC_REGIONS + 40
	};
	unsigned char *raw = malloc(CNT * 20);

	for (uint64_t i = 0; i < CNT; i++) {
		uint64_t base = i * 0x2000, size = 0x1000;
		uint32_t type = i % 2 ? SOFT : RAM;

		memcpy(raw + i * 20, &base, 8);
		memcpy(raw + i * 20 + 8, &size, 8);
		memcpy(raw + i * 20 + 16, &type, 4);
	}
	setup_em(&em, NULL);
	assert_int_equal(em_add(&em, 0x10000000, 0x1000), 0);
	snap_take(&snap, &em);
	assert_int_equal(em_e820_load_raw(&em, raw, CNT, work, sizeof(work), NULL), EM_ENOSPC);
	snap_assert_same(&snap, &em);
	free(raw);
}

/*
 * With resizing allowed, the arrays double into the map's own RAM, never
 * onto a range the map reserves: many small RAM islands, then a big RAM
 * range whose top is soft reserved (the larger type wins the overlap).
 */
static void test_load_large_map_doubles_into_its_ram(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	enum {
		CNT = 3 * EM_STATIC_REGIONS
	};
	struct raw *r = calloc(CNT + 2, sizeof(*r));
	unsigned char *raw = malloc((CNT + 2) * 20);
	uint64_t base = 0x100000000, ram = base + 8 * MiB, soft = base + 11 * MiB;

	for (uint64_t i = 0; i < CNT; i++)
		r[i] = (struct raw){ base + i * 0x2000, 0x1000, RAM };
	r[CNT] = (struct raw){ soft, 1 * MiB, SOFT };
	r[CNT + 1] = (struct raw){ ram, 4 * MiB, RAM };
	for (size_t i = 0; i < CNT + 2; i++) {
		memcpy(raw + i * 20, &r[i].addr, 8);
		memcpy(raw + i * 20 + 8, &r[i].size, 8);
		memcpy(raw + i * 20 + 16, &r[i].type, 4);
	}
	sim_init(&sim, base, 16 * MiB);
	setup_em(&em, &sim);
	assert_int_equal(em_allow_resize(&em), 0);
	size_t bytes = em_fw_work_bytes(&em, CNT + 2);
	void *big = malloc(bytes);

	assert_int_equal(em_e820_load_raw(&em, raw, CNT + 2, big, bytes, NULL), 0);
	assert_check(&em);
	assert_int_equal(em.memory.cnt, CNT + 1);
	assert_true(em.memory.max >= CNT + 1);
	/* top-down: in the big RAM range, below the soft-reserved range */
	assert_true(em.memory.bytes > 0);
	assert_true(em.memory.phys >= ram && em.memory.phys + em.memory.bytes <= soft);
	assert_true(em_range_is_reserved(&em, em.memory.phys, em.memory.bytes));
	assert_true(em_range_is_reserved(&em, soft, 1 * MiB));
	assert_false(em_range_is_memory(&em, soft, 1));
	free(big);
	free(raw);
	free(r);
	sim_fini(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_map_unchanged),
		cmocka_unit_test(test_unsorted_map_sorted),
		cmocka_unit_test(test_adjacent_same_type_merged),
		cmocka_unit_test(test_zero_size_dropped),
		cmocka_unit_test(test_larger_type_wins_every_pair),
		cmocka_unit_test(test_partial_overlap_splits_at_change_points),
		cmocka_unit_test(test_many_nested_overlaps),
		cmocka_unit_test(test_end_past_address_space_clamped),
		cmocka_unit_test(test_entry_at_last_byte_dropped),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_sanitize_bad_arguments),
		cmocka_unit_test(test_thousand_overlapping_entries),
		cmocka_unit_test(test_load_policy),
		cmocka_unit_test(test_load_trims_merged_memory_inward),
		cmocka_unit_test(test_load_into_existing_instance_keeps_it),
		cmocka_unit_test(test_load_rejects_unsanitized_table),
		cmocka_unit_test(test_load_too_large_is_atomic),
		cmocka_unit_test(test_load_large_map_doubles_into_its_ram),
	};

	return cmocka_run_group_tests_name("test_e820", tests, NULL, NULL);
}
