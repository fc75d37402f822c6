// SPDX-License-Identifier: MIT
/*
 * Loader paths the per-loader tests do not reach (docs/coverage.md): the
 * e820 type names, the two-step UEFI path (em_efi_sanitize() then
 * em_efi_load()), a raw e820 load that fails in sanitizing, and ACPI
 * tables that end past the memory the phys_to_virt hook maps.
 */
#include "fwbuild.h"

#include <earlymem/acpi.h>
#include <earlymem/e820.h>
#include <earlymem/efi.h>
#include <string.h>

#define N EM_NODE_NONE
#define WB 0xfull

static uint64_t work[16384];

/* ---- e820 ------------------------------------------------------------------ */

static void test_e820_type_names(void **state)
{
	(void)state;
	assert_string_equal(em_e820_type_name(EM_E820_RAM), "usable");
	assert_string_equal(em_e820_type_name(EM_E820_RESERVED), "reserved");
	assert_string_equal(em_e820_type_name(EM_E820_ACPI), "ACPI data");
	assert_string_equal(em_e820_type_name(EM_E820_NVS), "ACPI NVS");
	assert_string_equal(em_e820_type_name(EM_E820_UNUSABLE), "unusable");
	assert_string_equal(em_e820_type_name(EM_E820_PMEM), "persistent (type 7)");
	assert_string_equal(em_e820_type_name(EM_E820_PRAM), "persistent (type 12)");
	assert_string_equal(em_e820_type_name(EM_E820_SOFT_RESERVED), "soft reserved");
	assert_string_equal(em_e820_type_name(0), "unknown");
	assert_string_equal(em_e820_type_name(6), "unknown");
	assert_string_equal(em_e820_type_name(0xffffffffu), "unknown");
}

/* A raw table with entries but no pointer: the scratch is fine, sanitizing refuses. */
static void test_e820_load_raw_null_table_einval(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st = { 0 };

	setup_em(&em, NULL);
	add(&em, 0x100000, 0x100000, N, 0);
	EXPECT_FAIL(&em, EM_EINVAL, em_e820_load_raw(&em, NULL, 3, work, sizeof(work), &st));
	assert_int_equal(st.memory_bytes, 0);
	assert_int_equal(st.memory_ranges, 0);
}

/* ---- UEFI, in two steps ------------------------------------------------------ */

static unsigned char map[64 * 48];

static uint64_t build(const struct desc *d, size_t n, uint64_t desc_size)
{
	return efi_build(map, sizeof(map), d, n, desc_size, 0);
}

/* The OVMF-like map (fwbuild.c): unsorted, with a zero-page descriptor. */
#define NOVMF (sizeof(ovmf_descs) / sizeof(ovmf_descs[0]))

static void sanitize_ovmf(const struct em_fw_entry **t, size_t *n, struct em_fw_stats *st)
{
	uint64_t size = build(ovmf_descs, NOVMF, 48);

	assert_int_equal(em_efi_sanitize(map, size, 48, 1, work, sizeof(work), t, n, st), 0);
}

static void test_efi_sanitize_exact_table(void **state)
{
	(void)state;
	static const struct em_fw_entry exp[] = {
		{ 0x0, 0x1000, EM_EFI_BOOT_SERVICES_CODE, 0, WB },
		{ 0x1000, 0x9f000, EM_EFI_CONVENTIONAL, 0, WB },
		{ 0x100000, 0x700000, EM_EFI_CONVENTIONAL, 0, WB },
		{ 0x800000, 0x10000, EM_EFI_LOADER_CODE, 0, WB },
		{ 0x810000, 0x20000, EM_EFI_LOADER_DATA, 0, WB },
		{ 0x830000, 0x100000, EM_EFI_BOOT_SERVICES_DATA, 0, WB },
		{ 0x930000, 0x10000, EM_EFI_ACPI_NVS, 0, WB },
		{ 0x940000, 0x10000, EM_EFI_RUNTIME_SERVICES_DATA, 0, WB | EM_EFI_MEMORY_RUNTIME },
		{ 0x950000, 0x6b0000, EM_EFI_CONVENTIONAL, 0, WB },
		{ 0xffc00000, 0x400000, EM_EFI_MMIO, 0, EM_EFI_MEMORY_RUNTIME },
	};
	const struct em_fw_entry *t;
	struct em_fw_stats st;
	size_t n;

	sanitize_ovmf(&t, &n, &st);
	assert_int_equal(n, sizeof(exp) / sizeof(exp[0]));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(t[i].base, exp[i].base);
		assert_int_equal(t[i].size, exp[i].size);
		assert_int_equal(t[i].type, exp[i].type);
		assert_int_equal(t[i].attr, exp[i].attr);
	}
	assert_int_equal(st.entries, NOVMF);
	assert_int_equal(st.empty, 1);
	assert_int_equal(st.overlapping, 0);
}

/* Sanitize, then load: the tables em_efi_load_map() gives (test_efi.c). */
static void test_efi_two_step_load(void **state)
{
	(void)state;
	static uint64_t table_copy[64 * 4];
	const struct em_fw_entry *t;
	struct em_fw_stats st;
	struct earlymem em;
	size_t n;

	sanitize_ovmf(&t, &n, &st);
	/* the table lives in the sanitize scratch: load from a copy, with the scratch reused */
	assert_true(n * sizeof(*t) <= sizeof(table_copy));
	memcpy(table_copy, t, n * sizeof(*t));
	t = (const struct em_fw_entry *)table_copy;
	setup_em(&em, NULL);
	OK(&em, em_efi_load(&em, t, n, EM_EFI_DEFAULT, work, sizeof(work), &st));
	ASSERT_TABLE(&em.memory, { 0x0, 0xa0000, 0, N, NULL }, { 0x100000, 0x830000, 0, N, NULL },
		     { 0x950000, 0x6b0000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x800000, 0x30000, 0, N, "efi-loader" });
	assert_int_equal(st.memory_ranges, 3);
	assert_int_equal(st.reserved_ranges, 1);
	assert_int_equal(st.memory_bytes, 0xa0000 + 0x830000 + 0x6b0000);

	setup_em(&em, NULL);
	OK(&em, em_efi_load(&em, t, n, EM_EFI_KEEP_BOOT_SERVICES, work, sizeof(work), NULL));
	ASSERT_TABLE(&em.reserved, { 0x0, 0x1000, 0, N, "efi-boot-services" },
		     { 0x830000, 0x100000, 0, N, "efi-boot-services" });
}

static void test_efi_load_bad_options_einval(void **state)
{
	(void)state;
	static const struct em_fw_entry one[] = { { 0x100000, 0x100000, EM_EFI_CONVENTIONAL, 0,
						    WB } };
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x1000, N, 0);
	EXPECT_FAIL(&em, EM_EINVAL, em_efi_load(&em, one, 1, 0x4, work, sizeof(work), NULL));
	EXPECT_FAIL(&em, EM_EINVAL,
		    em_efi_load(&em, one, 1, 0x80000000u | EM_EFI_DEFAULT, work, sizeof(work),
				NULL));
	OK(&em, em_efi_load(&em, one, 1, EM_EFI_RESERVE_LOADER | EM_EFI_KEEP_BOOT_SERVICES, work,
			    sizeof(work), NULL));
	ASSERT_TABLE(&em.memory, { 0x1000, 0x1000, 0, N, NULL },
		     { 0x100000, 0x100000, 0, N, NULL });
}

static void test_efi_sanitize_bad_shapes(void **state)
{
	(void)state;
	const struct em_fw_entry *t = (const void *)1;
	size_t n = 77;
	uint64_t size = build(ovmf_descs, 2, 48);

	assert_int_equal(em_efi_sanitize(NULL, size, 48, 1, work, sizeof(work), &t, &n, NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_sanitize(map, size, 32, 1, work, sizeof(work), &t, &n, NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_sanitize(map, size, 44, 1, work, sizeof(work), &t, &n, NULL),
			 EM_EINVAL);
	assert_int_equal(em_efi_sanitize(map, size - 8, 48, 1, work, sizeof(work), &t, &n, NULL),
			 EM_EINVAL);
	assert_ptr_equal(t, (const void *)1);
	assert_int_equal(n, 77);
	/* an empty map, even without a pointer, is an empty table */
	assert_int_equal(em_efi_sanitize(NULL, 0, 48, 1, work, sizeof(work), &t, &n, NULL), 0);
	assert_int_equal(n, 0);
}

/* ---- ACPI tables that run past mapped memory ----------------------------- */

#define SIM_SIZE (64 * KiB)

/* An RSDP at @off of the simulated memory; for revision 2, @length and @xsdt. */
static void put_rsdp(uint8_t *mem, uint64_t off, uint8_t rev, uint32_t rsdt, uint32_t length,
		     uint64_t xsdt)
{
	rsdp_write(mem + off, SIM_SIZE - off, rev, rsdt, length, xsdt);
}

static void acpi_expect(uint64_t rsdp, int expected, void (*fill)(uint8_t *mem))
{
	struct phys_sim sim;
	struct earlymem em;
	const void *table = (const void *)1;
	size_t len = 99;

	sim_init(&sim, 0, SIM_SIZE);
	memset(sim.buf, 0, SIM_SIZE);
	fill(sim.buf);
	setup_em(&em, &sim);
	assert_int_equal(em_acpi_find_table(&em, rsdp, "SRAT", &table, &len), expected);
	assert_ptr_equal(table, (const void *)1);
	assert_int_equal(len, 99);
	sim_fini(&sim);
}

/* Revision 2 claims 36 bytes; only the 20 of revision 1 are mapped. */
static void place_rsdp_v2_cut(uint8_t *mem)
{
	put_rsdp(mem, SIM_SIZE - 20, 2, 0x1000, 36, 0);
}

/* Revision 2 with Length 40: the four bytes past 36 are not mapped. */
static void place_rsdp_long_cut(uint8_t *mem)
{
	put_rsdp(mem, SIM_SIZE - 36, 2, 0x1000, 40, 0);
}

/* An RSDT whose 36-byte header is mapped but whose Length (44) is not. */
static void place_rsdt_cut(uint8_t *mem)
{
	uint8_t *t = mem + SIM_SIZE - 36;

	put_rsdp(mem, 0x100, 0, SIM_SIZE - 36, 0, 0);
	memcpy(t, "RSDT", 4);
	put32(t + 4, 44);
	t[8] = 1;
}

/* An RSDT whose header itself is not mapped (its address lies past the memory). */
static void place_rsdt_unmapped(uint8_t *mem)
{
	put_rsdp(mem, 0x100, 0, SIM_SIZE + 0x1000, 0, 0);
}

static void test_acpi_root_unmapped_efault(void **state)
{
	(void)state;
	acpi_expect(0x100, EM_EFAULT, place_rsdt_unmapped);
}

static void test_acpi_rsdp_v2_past_mapped_memory_efault(void **state)
{
	(void)state;
	acpi_expect(SIM_SIZE - 20, EM_EFAULT, place_rsdp_v2_cut);
}

static void test_acpi_rsdp_length_past_mapped_memory_efault(void **state)
{
	(void)state;
	acpi_expect(SIM_SIZE - 36, EM_EFAULT, place_rsdp_long_cut);
}

static void test_acpi_root_length_past_mapped_memory_efault(void **state)
{
	(void)state;
	acpi_expect(0x100, EM_EFAULT, place_rsdt_cut);
}

/* A proximity domain the node map does not hold, with nodes listed before it. */
static void test_acpi_pxm_not_in_map(void **state)
{
	(void)state;
	struct em_numa_info numa;

	memset(&numa, 0, sizeof(numa));
	numa.nr_nodes = 3;
	numa.pxm[0] = 7;
	numa.pxm[1] = 3;
	numa.pxm[2] = 5;
	assert_int_equal(em_acpi_pxm_to_node(&numa, 7), 0);
	assert_int_equal(em_acpi_pxm_to_node(&numa, 5), 2);
	assert_int_equal(em_acpi_pxm_to_node(&numa, 4), EM_NODE_NONE);
	/* a count past EM_MAX_NODES reads no further than the map */
	numa.nr_nodes = EM_MAX_NODES + 5;
	assert_int_equal(em_acpi_pxm_to_node(&numa, 4), EM_NODE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e820_type_names),
		cmocka_unit_test(test_e820_load_raw_null_table_einval),
		cmocka_unit_test(test_efi_sanitize_exact_table),
		cmocka_unit_test(test_efi_two_step_load),
		cmocka_unit_test(test_efi_load_bad_options_einval),
		cmocka_unit_test(test_efi_sanitize_bad_shapes),
		cmocka_unit_test(test_acpi_rsdp_v2_past_mapped_memory_efault),
		cmocka_unit_test(test_acpi_rsdp_length_past_mapped_memory_efault),
		cmocka_unit_test(test_acpi_root_length_past_mapped_memory_efault),
		cmocka_unit_test(test_acpi_root_unmapped_efault),
		cmocka_unit_test(test_acpi_pxm_not_in_map),
	};

	return cmocka_run_group_tests_name("test_cov_arch", tests, NULL, NULL);
}
