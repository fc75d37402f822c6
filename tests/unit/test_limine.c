// SPDX-License-Identifier: MIT
/* The Limine loader: every type, overlap precedence, unsorted maps, validation, atomicity. */
#include "common.h"

#include <earlymem/limine.h>
#include <stdlib.h>
#include <string.h>

#define N EM_NODE_NONE
#define PG 4096ull

#define USABLE EM_LIMINE_USABLE
#define RESERVED EM_LIMINE_RESERVED
#define ACPI_RECL EM_LIMINE_ACPI_RECLAIMABLE
#define ACPI_NVS EM_LIMINE_ACPI_NVS
#define BAD EM_LIMINE_BAD_MEMORY
#define BOOTLOADER EM_LIMINE_BOOTLOADER_RECLAIMABLE
#define EXEC EM_LIMINE_EXECUTABLE_AND_MODULES
#define FB EM_LIMINE_FRAMEBUFFER
#define ACPI_TABLES EM_LIMINE_ACPI_TABLES

static uint64_t work[16384];

/* Entries and the pointer array Limine hands over (the pointers in reverse storage order). */
static struct em_limine_entry store[64];
static const struct em_limine_entry *ptrs[64];

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct em_limine_entry *const *make(const struct em_limine_entry *e, size_t n)
{
	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++) {
		store[63 - i] = e[i];
		ptrs[i] = &store[63 - i];
	}
	return ptrs;
}

static int load(struct earlymem *em, const struct em_limine_entry *e, size_t n,
		struct em_fw_stats *st)
{
	return em_limine_load_entries(em, make(e, n), n, work, sizeof(work), st);
}

/* A QEMU-like map with every type, sorted, as Limine gives it. */
static const struct em_limine_entry qemu[] = {
	{ 0x0, 0x1000, RESERVED },	    { 0x1000, 0x9e000, USABLE },
	{ 0x9fc00, 0x400, RESERVED },	    { 0xf0000, 0x10000, RESERVED },
	{ 0x100000, 0x100000, USABLE },	    { 0x200000, 0x23000, EXEC },
	{ 0x223000, 0x7ddd000, USABLE },    { 0x8000000, 0x40000, BOOTLOADER },
	{ 0x8040000, 0x6fa0000, USABLE },   { 0xefe0000, 0x10000, ACPI_RECL },
	{ 0xeff0000, 0x8000, ACPI_NVS },    { 0xeff8000, 0x8000, ACPI_TABLES },
	{ 0xf000000, 0x1000000, BAD },	    { 0xfd000000, 0x300000, FB },
	{ 0xffc00000, 0x400000, RESERVED },
};

static void test_every_type(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;

	setup_em(&em, NULL);
	assert_int_equal(load(&em, qemu, COUNT(qemu), &st), 0);
	assert_check(&em);
	/* Usable, executable and bootloader reclaimable make one run of memory. */
	ASSERT_TABLE(&em.memory, { 0x1000, 0x9e000, 0, N, NULL },
		     { 0x100000, 0xeee0000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x200000, 0x23000, 0, N, "kernel" },
		     { 0x8000000, 0x40000, 0, N, "bootloader" });
	assert_int_equal(st.entries, COUNT(qemu));
	assert_int_equal(st.empty, 0);
	assert_int_equal(st.overlapping, 0);
	assert_int_equal(st.sanitized, COUNT(qemu));
	assert_int_equal(st.memory_ranges, 2);
	assert_int_equal(st.reserved_ranges, 2);
	assert_int_equal(st.memory_bytes, 0x9e000 + 0xeee0000);
	assert_int_equal(st.trimmed_bytes, 0);
}

static void test_response_struct(void **state)
{
	(void)state;
	struct earlymem a, b;
	struct em_limine_memmap_response r = {
		.revision = 0,
		.entry_count = COUNT(qemu),
		.entries = make(qemu, COUNT(qemu)),
	};

	setup_em(&a, NULL);
	assert_int_equal(em_limine_load(&a, &r, work, sizeof(work), NULL), 0);
	assert_check(&a);
	setup_em(&b, NULL);
	assert_int_equal(load(&b, qemu, COUNT(qemu), NULL), 0);
	ASSERT_TABLE(&a.memory, { 0x1000, 0x9e000, 0, N, NULL },
		     { 0x100000, 0xeee0000, 0, N, NULL });
	assert_int_equal(a.reserved.cnt, b.reserved.cnt);
	r.revision = 3; /* every revision reads the same */
	setup_em(&a, NULL);
	assert_int_equal(em_limine_load(&a, &r, work, sizeof(work), NULL), 0);
	ASSERT_TABLE(&a.reserved, { 0x200000, 0x23000, 0, N, "kernel" },
		     { 0x8000000, 0x40000, 0, N, "bootloader" });
}

static void test_unsorted_gives_the_same(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_limine_entry shuffled[COUNT(qemu)];

	/* A fixed permutation: every 7th entry, mod 15. */
	for (size_t i = 0; i < COUNT(qemu); i++)
		shuffled[i] = qemu[(i * 7) % COUNT(qemu)];
	setup_em(&em, NULL);
	assert_int_equal(load(&em, shuffled, COUNT(shuffled), NULL), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x1000, 0x9e000, 0, N, NULL },
		     { 0x100000, 0xeee0000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x200000, 0x23000, 0, N, "kernel" },
		     { 0x8000000, 0x40000, 0, N, "bootloader" });
}

static void test_overlap_precedence(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	const struct em_limine_entry e[] = {
		/* Usable with an unaligned executable inside: kernel wins, memory stays whole. */
		{ 0x100000, 0x300000, USABLE },
		{ 0x200800, 0x1000, EXEC },
		/* Bootloader reclaimable overlapped by a reserved entry: the hole wins. */
		{ 0x1000000, 0x10000, BOOTLOADER },
		{ 0x1008000, 0x10000, RESERVED },
		/* Executable over bootloader reclaimable: "kernel" wins. */
		{ 0x2000000, 0x4000, BOOTLOADER },
		{ 0x2001000, 0x1000, EXEC },
		/* A framebuffer over usable memory: not memory. */
		{ 0x3000000, 0x10000, USABLE },
		{ 0x3004000, 0x2000, FB },
		/* Two non-memory types: the larger number wins (no visible difference). */
		{ 0x4000000, 0x2000, ACPI_NVS },
		{ 0x4001000, 0x2000, ACPI_RECL },
	};

	setup_em(&em, NULL);
	assert_int_equal(load(&em, e, COUNT(e), &st), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x100000, 0x300000, 0, N, NULL },
		     { 0x1000000, 0x8000, 0, N, NULL }, { 0x2000000, 0x4000, 0, N, NULL },
		     { 0x3000000, 0x4000, 0, N, NULL }, { 0x3006000, 0xa000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x200800, 0x1000, 0, N, "kernel" },
		     { 0x1000000, 0x8000, 0, N, "bootloader" },
		     { 0x2000000, 0x1000, 0, N, "bootloader" },
		     { 0x2001000, 0x1000, 0, N, "kernel" },
		     { 0x2002000, 0x2000, 0, N, "bootloader" });
	assert_int_equal(st.overlapping, 10);
}

static void test_zero_length_unknown_and_huge_types(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	const struct em_limine_entry e[] = {
		{ 0x100000, 0x100000, USABLE },
		{ 0x180000, 0, RESERVED }, /* empty: dropped, does not punch a hole */
		{ 0x200000, 0x1000, 9 },   /* unknown: not memory */
		{ 0x201000, 0x1000, 1ull << 40 },
		{ 0x202000, 0x1000, UINT64_MAX },
		{ 0x300000, 0x1000, USABLE },
		{ 0x300800, 0x100, 42 }, /* unknown over usable: wins, memory trimmed to pages */
	};

	setup_em(&em, NULL);
	assert_int_equal(load(&em, e, COUNT(e), &st), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x100000, 0x100000, 0, N, NULL });
	ASSERT_EMPTY(&em.reserved);
	assert_int_equal(st.entries, 7);
	assert_int_equal(st.empty, 1);
	assert_int_equal(st.memory_bytes, 0x100000 + 0x800 + 0x700);
	assert_int_equal(st.trimmed_bytes, 0x800 + 0x700);
}

static void test_unaligned_usable_trimmed_and_clamped(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	const struct em_limine_entry e[] = {
		{ 0x100010, 0x2ff0, USABLE }, /* [0x100010, 0x103000) */
		{ 0xfffffffffff00000, 0x200000, USABLE },
	};

	setup_em(&em, NULL);
	assert_int_equal(load(&em, e, COUNT(e), &st), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x101000, 0x2000, 0, N, NULL },
		     { 0xfffffffffff00000, 0xff000, 0, N, NULL });
	assert_int_equal(st.clamped, 1);
	assert_int_equal(st.clamped_bytes, 0x100001);
}

static void test_empty_map(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_limine_memmap_response r = { 0 };

	setup_em(&em, NULL);
	EXPECT_FAIL(&em, 0, em_limine_load_entries(&em, NULL, 0, work, sizeof(work), NULL));
	EXPECT_FAIL(&em, 0, em_limine_load(&em, &r, work, sizeof(work), NULL));
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	const struct em_limine_entry *const *v = make(qemu, COUNT(qemu));
	const struct em_limine_entry *holes[3] = { &qemu[1], NULL, &qemu[4] };
	struct em_limine_memmap_response r = { 0, (uint64_t)UINT32_MAX + 1, v };

	setup_em(&em, NULL);
	memset(&st, 0xff, sizeof(st));
	EXPECT_FAIL(&em, EM_EINVAL, em_limine_load(&em, NULL, work, sizeof(work), &st));
	assert_int_equal(st.entries, 0);
	EXPECT_FAIL(&em, EM_EINVAL, em_limine_load(&em, &r, work, sizeof(work), NULL));
	EXPECT_FAIL(&em, EM_EINVAL, em_limine_load_entries(&em, NULL, 2, work, sizeof(work), NULL));
	EXPECT_FAIL(&em, EM_EINVAL,
		    em_limine_load_entries(&em, holes, 3, work, sizeof(work), NULL));
	EXPECT_FAIL(&em, EM_EINVAL,
		    em_limine_load_entries(&em, v, (size_t)UINT32_MAX + 1, work, sizeof(work),
					   NULL));
	EXPECT_FAIL(&em, EM_EINVAL, em_limine_load_entries(&em, v, COUNT(qemu), NULL, 0, NULL));
	EXPECT_FAIL(&em, EM_EINVAL, em_limine_load_entries(&em, v, COUNT(qemu), work, 64, NULL));
	EXPECT_FAIL(&em, EM_EINVAL,
		    em_limine_load_entries(&em, v, COUNT(qemu), work, EM_FW_WORK_BYTES(COUNT(qemu)),
					   NULL));
}

static void test_work_bytes_exact(void **state)
{
	(void)state;
	struct earlymem em;
	size_t need;
	unsigned char *buf;

	setup_em(&em, NULL);
	assert_int_equal(em_reserve_label(&em, 1 * GiB, PG, "x"), 0);
	need = em_fw_work_bytes(&em, COUNT(qemu));
	buf = malloc(need);
	assert_non_null(buf);
	assert_int_equal(em_limine_load_entries(&em, make(qemu, COUNT(qemu)), COUNT(qemu), buf,
						need, NULL),
			 0);
	assert_check(&em);
	free(buf);
}

static void test_full_arrays_enospc_nothing_changed(void **state)
{
	(void)state;
	struct earlymem em;

	/* Memory full: the reservations go in, then memory fails: rolled back. */
	setup_em(&em, NULL);
	fill_memory(&em, 64 * GiB, EM_STATIC_REGIONS);
	EXPECT_FAIL(&em, EM_ENOSPC, load(&em, qemu, COUNT(qemu), NULL));

	/* Reserved full: the first reservation fails. */
	setup_em(&em, NULL);
	for (unsigned i = 0; i < EM_STATIC_REGIONS; i++)
		assert_int_equal(em_reserve_label(&em, 64 * GiB + i * 2 * PG, PG, "x"), 0);
	EXPECT_FAIL(&em, EM_ENOSPC, load(&em, qemu, COUNT(qemu), NULL));

	/* One reserved slot left: "kernel" fits, "bootloader" does not. */
	assert_int_equal(em_free(&em, 64 * GiB, PG), 0);
	EXPECT_FAIL(&em, EM_ENOSPC, load(&em, qemu, COUNT(qemu), NULL));
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(em_limine_type_name(USABLE), "usable");
	assert_string_equal(em_limine_type_name(BOOTLOADER), "bootloader reclaimable");
	assert_string_equal(em_limine_type_name(EXEC), "executable and modules");
	assert_string_equal(em_limine_type_name(FB), "framebuffer");
	assert_string_equal(em_limine_type_name(ACPI_TABLES), "ACPI tables");
	assert_string_equal(em_limine_type_name(9), "unknown");
	assert_string_equal(em_limine_type_name(UINT64_MAX), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_response_struct),
		cmocka_unit_test(test_unsorted_gives_the_same),
		cmocka_unit_test(test_overlap_precedence),
		cmocka_unit_test(test_zero_length_unknown_and_huge_types),
		cmocka_unit_test(test_unaligned_usable_trimmed_and_clamped),
		cmocka_unit_test(test_empty_map),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_work_bytes_exact),
		cmocka_unit_test(test_full_arrays_enospc_nothing_changed),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests_name("test_limine", tests, NULL, NULL);
}
