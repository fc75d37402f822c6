/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the ACPI module: finding tables from the RSDP (RSDT and
 * XSDT, every validation failure), applying an SRAT (nodes, splits at node
 * boundaries, hot-plug, domain widths, node numbering, rollback) and a SLIT
 * (distances, node fallback), and em_acpi_numa() end to end. Tables are
 * built with correct checksums, in host memory or inside a simulated
 * physical memory reached through the phys_to_virt hook.
 */
#include "fwbuild.h"

#include <stdlib.h>
#include <string.h>

#include <earlymem/acpi.h>

#define H EM_HOTPLUG
#define TiB (1024ull * GiB)

/* Simulated physical memory [0, 32 MiB): the ACPI tables live in it. */
#define SIM_SIZE (32 * MiB)

struct fx {
	struct earlymem em;
	struct phys_sim sim;
	struct tbl t;
	struct em_numa_info numa;
	uint64_t work[8192];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	sim_init(&f->sim, 0, SIM_SIZE);
	setup_em(&f->em, &f->sim);
	/* A pattern to prove outputs are untouched on failure. */
	memset(&f->numa, 0xa5, sizeof(f->numa));
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

/* ------------------------------------------------------------------------ */
/* Table builders                                                           */

static void srat_x2apic(struct tbl *t, uint32_t pxm, uint32_t x2apic_id, uint32_t flags)
{
	uint8_t *s = t->b + t->len;
	s[0] = 2;
	s[1] = 24;
	put32(s + 4, pxm);
	put32(s + 8, x2apic_id);
	put32(s + 12, flags);
	t->len += 24;
}

/* A subtable of another type (e.g. 3, GICC affinity, 18 bytes). */
static void srat_raw(struct tbl *t, uint8_t type, uint8_t len)
{
	uint8_t *s = t->b + t->len;
	s[0] = type;
	s[1] = len;
	t->len += len;
}

/* The SRAT of OVMF with `-m 4G` as 1G + 3G nodes (q35: low RAM ends at 2G). */
static void srat_ovmf_1g_3g(struct tbl *t)
{
	srat_begin(t, 3);
	srat_cpu(t, 0, 0, SRAT_EN);
	srat_cpu(t, 1, 1, SRAT_EN);
	srat_mem(t, 0, 0, 0xa0000, SRAT_EN);
	srat_mem(t, 0, 0x100000, 1 * GiB - 0x100000, SRAT_EN);
	srat_mem(t, 1, 1 * GiB, 1 * GiB, SRAT_EN);
	srat_mem(t, 1, 4 * GiB, 2 * GiB, SRAT_EN);
	srat_mem(t, 0, 0, 0, 0); /* OVMF's trailing disabled, empty entry */
	tbl_end(t);
}

/* OVMF-like memory: low RAM, a Conventional range crossing 1 GiB, high RAM. */
static void add_ovmf_memory(struct fx *f)
{
	OK(&f->em, em_add(&f->em, 0, 0xa0000));
	OK(&f->em, em_add(&f->em, 0x100000, 2 * GiB - 0x100000));
	OK(&f->em, em_add(&f->em, 4 * GiB, 2 * GiB));
}

static int apply_srat(struct fx *f, const struct tbl *t)
{
	return em_acpi_apply_srat(&f->em, t->b, t->len, f->work, sizeof(f->work), &f->numa);
}

/* ------------------------------------------------------------------------ */
/* em_acpi_find_table                                                       */

static void test_find_rsdp_v1_uses_rsdt(void **state)
{
	struct fx *f = *state;
	const void *t = NULL;
	size_t len = 0;

	srat_ovmf_1g_3g(&f->t);
	place_all(&f->sim, 0, &f->t, NULL);
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, &len), 0);
	assert_ptr_equal(t, sim_ptr(&f->sim, SRAT_PHYS));
	assert_int_equal(len, f->t.len);
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, &len), 0);
	assert_ptr_equal(t, sim_ptr(&f->sim, FACP_PHYS));
	assert_int_equal(len, EM_ACPI_HEADER_LEN);
}

static void test_find_rsdp_v2_prefers_xsdt(void **state)
{
	struct fx *f = *state;
	const uint64_t rsdt[] = { SRAT_PHYS };
	const uint64_t xsdt[] = { FACP_PHYS, ALT_PHYS };
	const void *t = NULL;

	srat_ovmf_1g_3g(&f->t);
	place(&f->sim, SRAT_PHYS, &f->t);
	place(&f->sim, ALT_PHYS, &f->t);
	place_dummy(&f->sim, FACP_PHYS, "FACP");
	place_root(&f->sim, RSDT_PHYS, false, rsdt, 1, 0);
	place_root(&f->sim, XSDT_PHYS, true, xsdt, 2, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, RSDT_PHYS, XSDT_PHYS);
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL), 0);
	assert_ptr_equal(t, sim_ptr(&f->sim, ALT_PHYS));
}

static void test_find_rsdp_v2_without_xsdt_uses_rsdt(void **state)
{
	struct fx *f = *state;
	const uint64_t rsdt[] = { SRAT_PHYS };
	const void *t = NULL;

	srat_ovmf_1g_3g(&f->t);
	place(&f->sim, SRAT_PHYS, &f->t);
	place_root(&f->sim, RSDT_PHYS, false, rsdt, 1, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, RSDT_PHYS, 0);
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL), 0);
	assert_ptr_equal(t, sim_ptr(&f->sim, SRAT_PHYS));
}

static void test_find_xsdt_entry_above_4g(void **state)
{
	struct fx *f = *state;
	/* An XSDT entry with high bits set must not be truncated to 32 bits. */
	const uint64_t xsdt[] = { (1ull << 32) + SRAT_PHYS };
	const void *t = (const void *)1;

	srat_ovmf_1g_3g(&f->t);
	place(&f->sim, SRAT_PHYS, &f->t);
	place_root(&f->sim, XSDT_PHYS, true, xsdt, 1, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, 0, XSDT_PHYS);
	EXPECT_FAIL(&f->em, EM_EFAULT, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

static void test_find_missing_table_is_enoent(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;
	size_t len = 7;

	place_all(&f->sim, 2, NULL, NULL);
	EXPECT_FAIL(&f->em, EM_ENOENT, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, &len));
	assert_ptr_equal(t, (const void *)1);
	assert_int_equal(len, 7);
	/* The DSDT is reached through the FADT, not the XSDT. */
	EXPECT_FAIL(&f->em, EM_ENOENT, em_acpi_find_table(&f->em, RSDP_PHYS, "DSDT", &t, &len));
}

static void test_find_skips_null_entries(void **state)
{
	struct fx *f = *state;
	const uint64_t xsdt[] = { 0, 0, SRAT_PHYS };
	const void *t = NULL;

	srat_ovmf_1g_3g(&f->t);
	place(&f->sim, SRAT_PHYS, &f->t);
	/* Physical address 0 holds something that looks like a broken SRAT. */
	memcpy(sim_ptr(&f->sim, 0), "SRAT", 4);
	place_root(&f->sim, XSDT_PHYS, true, xsdt, 3, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, 0, XSDT_PHYS);
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL), 0);
	assert_ptr_equal(t, sim_ptr(&f->sim, SRAT_PHYS));
}

static void test_find_ignores_trailing_partial_root_entry(void **state)
{
	struct fx *f = *state;
	const uint64_t xsdt[] = { SRAT_PHYS };
	uint8_t *x = sim_ptr(&f->sim, XSDT_PHYS);
	const void *t = NULL;

	srat_ovmf_1g_3g(&f->t);
	place(&f->sim, SRAT_PHYS, &f->t);
	place_root(&f->sim, XSDT_PHYS, true, xsdt, 1, 0);
	/* Length 36 + 8 + 4: the last 4 bytes are half an entry. */
	put32(x + 4, 48);
	put32(x + 44, (uint32_t)FACP_PHYS);
	fix_checksum(x, 48, 9);
	place_rsdp(&f->sim, RSDP_PHYS, 2, 0, XSDT_PHYS);
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL), 0);
	assert_ptr_equal(t, sim_ptr(&f->sim, SRAT_PHYS));
}

static void test_find_bad_rsdp_checksum_is_einval(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;

	place_all(&f->sim, 0, NULL, NULL);
	sim_ptr(&f->sim, RSDP_PHYS)[8] ^= 1;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

static void test_find_bad_rsdp_signature_is_einval(void **state)
{
	struct fx *f = *state;
	uint8_t *p = sim_ptr(&f->sim, RSDP_PHYS);
	const void *t = (const void *)1;

	place_all(&f->sim, 2, NULL, NULL);
	p[7] = '_'; /* "RSD PTR_" */
	fix_checksum(p, 20, 8);
	fix_checksum(p, 36, 32);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

static void test_find_bad_rsdp_extended_checksum_is_einval(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;

	place_all(&f->sim, 2, NULL, NULL);
	/* The 20-byte checksum still holds; only the extended one breaks. */
	sim_ptr(&f->sim, RSDP_PHYS)[32] ^= 1;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

static void test_find_rsdp_v2_length_below_36_is_einval(void **state)
{
	struct fx *f = *state;
	uint8_t *p = sim_ptr(&f->sim, RSDP_PHYS);
	const void *t = (const void *)1;

	place_all(&f->sim, 2, NULL, NULL);
	put32(p + 20, 20);
	fix_checksum(p, 20, 8);
	fix_checksum(p, 36, 32);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
}

static void test_find_rsdp_without_root_is_einval(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;

	place_rsdp(&f->sim, RSDP_PHYS, 0, 0, 0);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
}

static void test_find_bad_root_checksum_is_einval(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;

	place_all(&f->sim, 2, NULL, NULL);
	sim_ptr(&f->sim, XSDT_PHYS)[9] ^= 0x80;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

static void test_find_root_with_wrong_signature_is_einval(void **state)
{
	struct fx *f = *state;
	const uint64_t entries[] = { FACP_PHYS };
	const void *t = (const void *)1;

	place_dummy(&f->sim, FACP_PHYS, "FACP");
	/* The RSDP's XsdtAddress points at an RSDT. */
	place_root(&f->sim, RSDT_PHYS, false, entries, 1, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, RSDT_PHYS, RSDT_PHYS);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
}

static void test_find_bad_table_checksum_is_einval(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;
	size_t len = 7;

	srat_ovmf_1g_3g(&f->t);
	place_all(&f->sim, 2, &f->t, NULL);
	sim_ptr(&f->sim, SRAT_PHYS)[100] ^= 0x10;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, &len));
	assert_ptr_equal(t, (const void *)1);
	assert_int_equal(len, 7);
	/* Other tables are still found. */
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, &len), 0);
}

static void test_find_table_length_below_header_is_einval(void **state)
{
	struct fx *f = *state;
	uint8_t *s = sim_ptr(&f->sim, SRAT_PHYS);
	const void *t = (const void *)1;

	srat_ovmf_1g_3g(&f->t);
	place_all(&f->sim, 2, &f->t, NULL);
	put32(s + 4, 20);
	fix_checksum(s, 20, 9);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

static void test_find_table_length_past_mapped_memory_is_efault(void **state)
{
	struct fx *f = *state;
	const uint64_t tail = SIM_SIZE - 64;
	const uint64_t xsdt[] = { tail };
	const void *t = (const void *)1;

	/* The header is mapped, but its Length runs past simulated memory. */
	place_dummy(&f->sim, tail, "SRAT");
	put32(sim_ptr(&f->sim, tail) + 4, 128);
	place_root(&f->sim, XSDT_PHYS, true, xsdt, 1, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, 0, XSDT_PHYS);
	EXPECT_FAIL(&f->em, EM_EFAULT, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

/* A hook that maps physical memory from @split on 64 KiB further into the buffer. */
struct split_map {
	struct phys_sim *sim;
	uint64_t split;
};

static void *split_phys_to_virt(void *ctx, uint64_t phys)
{
	struct split_map *m = ctx;
	if (phys >= m->split)
		phys += 0x10000;
	return sim_phys_to_virt(m->sim, phys);
}

static void test_find_noncontiguous_mapping_is_efault(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;
	/* Both ends of the SRAT translate, but not to one contiguous block. */
	struct split_map m = { .sim = &f->sim, .split = SRAT_PHYS + 64 };
	struct em_hooks h = { .phys_to_virt = split_phys_to_virt, .ctx = &m };

	srat_ovmf_1g_3g(&f->t);
	place_all(&f->sim, 2, &f->t, NULL);
	em_set_hooks(&f->em, &h);
	EXPECT_FAIL(&f->em, EM_EFAULT, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL), 0);
}

static void test_find_root_length_past_mapped_memory_is_efault(void **state)
{
	struct fx *f = *state;
	const uint64_t tail = SIM_SIZE - 40;
	const void *t = (const void *)1;

	place_dummy(&f->sim, tail, "XSDT");
	put32(sim_ptr(&f->sim, tail) + 4, 36 + 8 * 100);
	place_rsdp(&f->sim, RSDP_PHYS, 2, 0, tail);
	EXPECT_FAIL(&f->em, EM_EFAULT, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL));
}

static void test_find_unmapped_entry_is_skipped(void **state)
{
	struct fx *f = *state;
	const uint64_t xsdt[] = { NOWHERE_PHYS, SRAT_PHYS };
	const void *t = NULL;

	srat_ovmf_1g_3g(&f->t);
	place(&f->sim, SRAT_PHYS, &f->t);
	place_root(&f->sim, XSDT_PHYS, true, xsdt, 2, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, 0, XSDT_PHYS);
	assert_int_equal(em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL), 0);
	assert_ptr_equal(t, sim_ptr(&f->sim, SRAT_PHYS));
}

static void test_find_unmapped_entry_and_not_found_is_efault(void **state)
{
	struct fx *f = *state;
	const uint64_t xsdt[] = { NOWHERE_PHYS, SRAT_PHYS };
	const void *t = (const void *)1;

	srat_ovmf_1g_3g(&f->t);
	place(&f->sim, SRAT_PHYS, &f->t);
	place_root(&f->sim, XSDT_PHYS, true, xsdt, 2, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, 0, XSDT_PHYS);
	/* The SLIT might be the table the hook cannot reach. */
	EXPECT_FAIL(&f->em, EM_EFAULT, em_acpi_find_table(&f->em, RSDP_PHYS, "SLIT", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

static void test_find_entry_at_end_of_address_space_is_efault(void **state)
{
	struct fx *f = *state;
	const uint64_t xsdt[] = { UINT64_MAX - 10 };
	const void *t = (const void *)1;

	place_root(&f->sim, XSDT_PHYS, true, xsdt, 1, 0);
	place_rsdp(&f->sim, RSDP_PHYS, 2, 0, XSDT_PHYS);
	EXPECT_FAIL(&f->em, EM_EFAULT, em_acpi_find_table(&f->em, RSDP_PHYS, "SRAT", &t, NULL));
}

static void test_find_unmapped_rsdp_is_efault(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;

	EXPECT_FAIL(&f->em, EM_EFAULT, em_acpi_find_table(&f->em, NOWHERE_PHYS, "SRAT", &t, NULL));
	/* An RSDP whose last bytes are not mapped. */
	EXPECT_FAIL(&f->em, EM_EFAULT, em_acpi_find_table(&f->em, SIM_SIZE - 10, "SRAT", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

static void test_find_bad_arguments_are_einval(void **state)
{
	struct fx *f = *state;
	const void *t = (const void *)1;

	place_all(&f->sim, 2, NULL, NULL);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(NULL, RSDP_PHYS, "FACP", &t, NULL));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, NULL, &t, NULL));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", NULL, NULL));
	em_set_hooks(&f->em, NULL);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_find_table(&f->em, RSDP_PHYS, "FACP", &t, NULL));
	assert_ptr_equal(t, (const void *)1);
}

/* ------------------------------------------------------------------------ */
/* em_acpi_apply_srat                                                       */

static void test_srat_splits_region_at_node_boundary(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 0xa0000, 0, 0, NULL },
		     { 0x100000, 1 * GiB - 0x100000, 0, 0, NULL }, { 1 * GiB, 1 * GiB, 0, 1, NULL },
		     { 4 * GiB, 2 * GiB, 0, 1, NULL });
	assert_int_equal(f->numa.nr_nodes, 2);
	assert_int_equal(f->numa.pxm[0], 0);
	assert_int_equal(f->numa.pxm[1], 1);
	assert_int_equal(f->numa.memory_entries, 5);
	assert_int_equal(f->numa.memory_applied, 4);
	assert_int_equal(f->numa.cpu_entries, 2);
	assert_int_equal(f->numa.disabled, 1);
	assert_int_equal(f->numa.empty, 0);
	assert_int_equal(f->numa.hotplug, 0);
	assert_int_equal(f->numa.ignored, 0);
	assert_int_equal(f->numa.clamped, 0);
	assert_int_equal(f->numa.other, 0);
	assert_false(f->numa.slit);
}

static void test_srat_keeps_reservations(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	OK(&f->em, em_reserve_label(&f->em, 0x100000, 0x200000, "kernel"));
	srat_ovmf_1g_3g(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.reserved, { 0x100000, 0x200000, 0, NN, "kernel" });
}

static void test_srat_several_ranges_per_node_unsorted(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 8 * GiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 1, 6 * GiB, 2 * GiB, SRAT_EN);
	srat_mem(&f->t, 0, 1 * GiB, 1 * GiB, SRAT_EN);
	srat_mem(&f->t, 1, 4 * GiB, 2 * GiB, SRAT_EN);
	srat_mem(&f->t, 0, 0, 1 * GiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	/* Domain 1 appeared first: node 0. [2G, 4G) is described by no entry. */
	ASSERT_TABLE(&f->em.memory, { 0, 2 * GiB, 0, 1, NULL }, { 2 * GiB, 2 * GiB, 0, NN, NULL },
		     { 4 * GiB, 4 * GiB, 0, 0, NULL });
	assert_int_equal(f->numa.nr_nodes, 2);
	assert_int_equal(f->numa.pxm[0], 1);
	assert_int_equal(f->numa.pxm[1], 0);
}

static void test_srat_undescribed_memory_keeps_its_node(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add_node(&f->em, 0, 4 * GiB, 3, 0));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 9, 1 * GiB, 1 * GiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 1 * GiB, 0, 3, NULL }, { 1 * GiB, 1 * GiB, 0, 0, NULL },
		     { 2 * GiB, 2 * GiB, 0, 3, NULL });
}

static void test_srat_later_overlapping_entry_wins(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * GiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 0, 4 * GiB, SRAT_EN);
	srat_mem(&f->t, 1, 1 * GiB, 1 * GiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 1 * GiB, 0, 0, NULL }, { 1 * GiB, 1 * GiB, 0, 1, NULL },
		     { 2 * GiB, 2 * GiB, 0, 0, NULL });
}

static void test_srat_disabled_entry_is_ignored(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * GiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 4, 0, 2 * GiB, SRAT_HP); /* not enabled */
	srat_cpu(&f->t, 6, 1, 0);		 /* not enabled */
	srat_x2apic(&f->t, 8, 300, 0);		 /* not enabled */
	srat_mem(&f->t, 5, 2 * GiB, 2 * GiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	/* Disabled entries make no node: domain 5 is node 0. */
	ASSERT_TABLE(&f->em.memory, { 0, 2 * GiB, 0, NN, NULL }, { 2 * GiB, 2 * GiB, 0, 0, NULL });
	assert_int_equal(f->numa.nr_nodes, 1);
	assert_int_equal(f->numa.pxm[0], 5);
	assert_int_equal(f->numa.disabled, 3);
	assert_int_equal(f->numa.memory_entries, 2);
	assert_int_equal(f->numa.memory_applied, 1);
	assert_int_equal(f->numa.cpu_entries, 0);
	assert_int_equal(f->numa.hotplug, 0);
}

static void test_srat_zero_length_entry_is_ignored(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * GiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 3, 1 * GiB, 0, SRAT_EN | SRAT_HP);
	srat_mem(&f->t, 4, 0, 4 * GiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 4 * GiB, 0, 0, NULL });
	assert_int_equal(f->numa.nr_nodes, 1);
	assert_int_equal(f->numa.pxm[0], 4);
	assert_int_equal(f->numa.empty, 1);
	assert_int_equal(f->numa.memory_applied, 1);
	assert_int_equal(f->numa.hotplug, 0);
}

static void test_srat_hotplug_range_above_ram_changes_nothing(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * GiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 2, 1 * TiB, 1 * TiB, SRAT_EN | SRAT_HP);
	tbl_end(&f->t);
	EXPECT_FAIL(&f->em, 0, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 4 * GiB, 0, NN, NULL });
	/* The domain still has a node (its memory may be plugged in later). */
	assert_int_equal(f->numa.nr_nodes, 1);
	assert_int_equal(f->numa.pxm[0], 2);
	assert_int_equal(f->numa.memory_applied, 1);
	assert_int_equal(f->numa.hotplug, 1);
}

static void test_srat_hotplug_range_over_ram_is_marked(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * GiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 0, 2 * GiB, SRAT_EN);
	srat_mem(&f->t, 1, 2 * GiB, 4 * GiB, SRAT_EN | SRAT_HP | SRAT_NV);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 2 * GiB, 0, 0, NULL }, { 2 * GiB, 2 * GiB, H, 1, NULL });
	assert_int_equal(f->numa.hotplug, 1);
}

static void test_srat_never_clears_hotplug(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add_node(&f->em, 0, 4 * GiB, NN, H));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 0, 4 * GiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 4 * GiB, H, 0, NULL });
}

/* The same entries read by SRAT revision 1 (8-bit domains) and 3 (32-bit). */
static void srat_wide_domains(struct tbl *t, uint8_t rev)
{
	srat_begin(t, rev);
	srat_cpu(t, 0x00030201, 0, SRAT_EN);
	srat_mem(t, 0x12345601, 0, 1 * GiB, SRAT_EN);
	srat_mem(t, 0x00000001, 1 * GiB, 1 * GiB, SRAT_EN);
	tbl_end(t);
}

static void test_srat_revision1_has_8bit_domains(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 2 * GiB));
	srat_wide_domains(&f->t, 1);
	OK(&f->em, apply_srat(f, &f->t));
	/* Every entry is domain 1: one node. */
	ASSERT_TABLE(&f->em.memory, { 0, 2 * GiB, 0, 0, NULL });
	assert_int_equal(f->numa.nr_nodes, 1);
	assert_int_equal(f->numa.pxm[0], 1);
	assert_int_equal(f->numa.cpu_entries, 1);
}

static void test_srat_revision3_has_32bit_domains(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 2 * GiB));
	srat_wide_domains(&f->t, 3);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 1 * GiB, 0, 1, NULL }, { 1 * GiB, 1 * GiB, 0, 2, NULL });
	assert_int_equal(f->numa.nr_nodes, 3);
	assert_int_equal(f->numa.pxm[0], 0x00030201);
	assert_int_equal(f->numa.pxm[1], 0x12345601);
	assert_int_equal(f->numa.pxm[2], 1);
}

static void test_srat_nodes_in_order_of_first_appearance(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 3 * GiB));
	srat_begin(&f->t, 3);
	srat_cpu(&f->t, 5, 0, SRAT_EN);
	srat_x2apic(&f->t, 2, 1, SRAT_EN);
	srat_mem(&f->t, 7, 2 * GiB, 1 * GiB, SRAT_EN);
	srat_mem(&f->t, 2, 1 * GiB, 1 * GiB, SRAT_EN);
	srat_mem(&f->t, 5, 0, 1 * GiB, SRAT_EN);
	srat_cpu(&f->t, 7, 2, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 1 * GiB, 0, 0, NULL }, { 1 * GiB, 1 * GiB, 0, 1, NULL },
		     { 2 * GiB, 1 * GiB, 0, 2, NULL });
	assert_int_equal(f->numa.nr_nodes, 3);
	assert_int_equal(f->numa.pxm[0], 5);
	assert_int_equal(f->numa.pxm[1], 2);
	assert_int_equal(f->numa.pxm[2], 7);
	assert_int_equal(f->numa.pxm[3], 0);
	assert_int_equal(f->numa.cpu_entries, 3);
	assert_int_equal(em_acpi_pxm_to_node(&f->numa, 5), 0);
	assert_int_equal(em_acpi_pxm_to_node(&f->numa, 2), 1);
	assert_int_equal(em_acpi_pxm_to_node(&f->numa, 7), 2);
	assert_int_equal(em_acpi_pxm_to_node(&f->numa, 0), NN);
	assert_int_equal(em_acpi_pxm_to_node(NULL, 5), NN);
}

static void test_srat_more_domains_than_max_nodes(void **state)
{
	struct fx *f = *state;
	const unsigned extra = 3, n = EM_MAX_NODES + extra;

	OK(&f->em, em_add(&f->em, 0, n * MiB));
	srat_begin(&f->t, 3);
	for (unsigned i = 0; i < n; i++)
		srat_mem(&f->t, 100 + i, i * MiB, MiB, SRAT_EN);
	srat_x2apic(&f->t, 1000, 7, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	/* One region per node, then the memory of the ignored domains, nodeless. */
	assert_int_equal(f->em.memory.cnt, EM_MAX_NODES + 1);
	for (unsigned i = 0; i < EM_MAX_NODES; i++) {
		const struct em_region *r = REGION(&f->em.memory, i);
		assert_int_equal(r->base, i * MiB);
		assert_int_equal(r->size, MiB);
		assert_int_equal(r->node, (int)i);
		assert_int_equal(f->numa.pxm[i], 100 + i);
	}
	assert_int_equal(REGION(&f->em.memory, EM_MAX_NODES)->base, EM_MAX_NODES * MiB);
	assert_int_equal(REGION(&f->em.memory, EM_MAX_NODES)->size, extra * MiB);
	assert_int_equal(REGION(&f->em.memory, EM_MAX_NODES)->node, NN);
	assert_int_equal(f->numa.nr_nodes, EM_MAX_NODES);
	assert_int_equal(f->numa.ignored, extra + 1);
	assert_int_equal(f->numa.memory_applied, EM_MAX_NODES);
	assert_int_equal(em_acpi_pxm_to_node(&f->numa, 100 + EM_MAX_NODES), NN);
}

static void test_srat_other_subtables_are_skipped(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * GiB));
	srat_begin(&f->t, 3);
	srat_raw(&f->t, 3, 18); /* GICC affinity */
	srat_raw(&f->t, 5, 32); /* generic initiator affinity */
	srat_mem(&f->t, 0, 0, 4 * GiB, SRAT_EN);
	srat_raw(&f->t, 200, 2); /* unknown, minimal */
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 4 * GiB, 0, 0, NULL });
	assert_int_equal(f->numa.other, 3);
}

static void test_srat_longer_entries_are_accepted(void **state)
{
	struct fx *f = *state;
	uint8_t *s;

	OK(&f->em, em_add(&f->em, 0, 4 * GiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 0, 4 * GiB, SRAT_EN);
	s = f->t.b + 48;
	s[1] = 48; /* a future, longer memory affinity structure */
	f->t.len += 8;
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { 0, 4 * GiB, 0, 0, NULL });
}

static void test_srat_range_past_addr_end_is_clamped(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, EM_ADDR_END - 2 * MiB, 2 * MiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, EM_ADDR_END - 1 * MiB, 4 * MiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
	ASSERT_TABLE(&f->em.memory, { EM_ADDR_END - 2 * MiB, MiB, 0, NN, NULL },
		     { EM_ADDR_END - 1 * MiB, MiB, 0, 0, NULL });
	assert_int_equal(f->numa.clamped, 1);
}

static void test_srat_without_memory_entries(void **state)
{
	struct fx *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * GiB));
	srat_begin(&f->t, 3);
	tbl_end(&f->t);
	EXPECT_FAIL(&f->em, 0, apply_srat(f, &f->t));
	assert_int_equal(f->numa.nr_nodes, 0);
	assert_int_equal(f->numa.memory_entries, 0);
}

static void test_srat_bad_signature_is_einval(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	memcpy(f->t.b, "SLIT", 4);
	tbl_end(&f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	assert_numa_untouched(&f->numa);
}

static void test_srat_bad_checksum_is_einval(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	f->t.b[9] ^= 1;
	EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	assert_numa_untouched(&f->numa);
}

static void test_srat_length_past_buffer_is_einval(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	/* The buffer ends one byte before the table's Length. */
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, f->t.b, f->t.len - 1, f->work, sizeof(f->work),
				       &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, f->t.b, 20, f->work, sizeof(f->work), &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, f->t.b, 0, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

static void test_srat_length_below_srat_header_is_einval(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_begin(&f->t, 3);
	f->t.len = 40; /* a whole ACPI header, but not the SRAT's 48 bytes */
	tbl_end(&f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	assert_numa_untouched(&f->numa);
}

static void test_srat_zero_length_subtable_is_einval(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 0, 1 * GiB, SRAT_EN);
	srat_raw(&f->t, 1, 0); /* would loop forever */
	f->t.len += 40;
	tbl_end(&f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	/* Unknown types too: lengths 0 and 1 cannot even hold type and length. */
	for (uint8_t len = 0; len < 2; len++) {
		srat_begin(&f->t, 3);
		srat_raw(&f->t, 200, len);
		f->t.len += 40;
		tbl_end(&f->t);
		EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	}
	assert_numa_untouched(&f->numa);
}

static void test_srat_subtable_past_length_is_einval(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 0, 1 * GiB, SRAT_EN);
	srat_mem(&f->t, 1, 1 * GiB, 1 * GiB, SRAT_EN);
	f->t.len -= 4; /* the last entry is cut */
	tbl_end(&f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	/* A single byte left over: not even a subtable header. */
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 0, 1 * GiB, SRAT_EN);
	f->t.len += 1;
	tbl_end(&f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	assert_numa_untouched(&f->numa);
}

static void test_srat_short_affinity_structures_are_einval(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint8_t type, len;
	} cases[] = { { 1, 39 }, { 0, 15 }, { 2, 23 } };

	add_ovmf_memory(f);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		srat_begin(&f->t, 3);
		srat_raw(&f->t, cases[i].type, cases[i].len);
		tbl_end(&f->t);
		EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	}
	assert_numa_untouched(&f->numa);
}

static void test_srat_garbage_after_good_entries_changes_nothing(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_begin(&f->t, 3);
	srat_mem(&f->t, 0, 0, 1 * GiB, SRAT_EN);
	srat_mem(&f->t, 1, 1 * GiB, 1 * GiB, SRAT_EN);
	srat_raw(&f->t, 1, 20);
	tbl_end(&f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL, apply_srat(f, &f->t));
	assert_numa_untouched(&f->numa);
}

static void test_srat_bad_work_is_einval(void **state)
{
	struct fx *f = *state;
	size_t need;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	need = em_txn_bytes(&f->em);
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, f->t.b, f->t.len, f->work, need - 1, &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, f->t.b, f->t.len, NULL, need, &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, f->t.b, f->t.len, (char *)f->work + 4, need,
				       &f->numa));
	assert_numa_untouched(&f->numa);
	/* Exactly em_txn_bytes() is enough. */
	OK(&f->em, em_acpi_apply_srat(&f->em, f->t.b, f->t.len, f->work, need, &f->numa));
}

static void test_srat_null_arguments_are_einval(void **state)
{
	struct fx *f = *state;

	srat_ovmf_1g_3g(&f->t);
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(NULL, f->t.b, f->t.len, f->work, sizeof(f->work), &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, NULL, f->t.len, f->work, sizeof(f->work), &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_apply_srat(&f->em, f->t.b, f->t.len, f->work, sizeof(f->work), NULL));
	assert_numa_untouched(&f->numa);
}

/*
 * Memory the SRAT cuts into more regions than the static array holds: a
 * 16 MiB region in 16 alternating 1 MiB node ranges, beside enough small
 * regions that the array runs full half-way.
 */
static void srat_needs_too_many_regions(struct fx *f)
{
	fill_memory(&f->em, 1 * GiB, EM_STATIC_REGIONS - 8);
	OK(&f->em, em_add(&f->em, 16 * MiB, 16 * MiB));
	srat_begin(&f->t, 3);
	for (unsigned i = 0; i < 16; i++)
		srat_mem(&f->t, i & 1, 16 * MiB + i * MiB, MiB, SRAT_EN | (i == 3 ? SRAT_HP : 0));
	tbl_end(&f->t);
}

static void test_srat_full_array_midway_rolls_back(void **state)
{
	struct fx *f = *state;

	srat_needs_too_many_regions(f);
	EXPECT_FAIL(&f->em, EM_ENOSPC, apply_srat(f, &f->t));
	assert_numa_untouched(&f->numa);
	assert_int_equal(em_node_of(&f->em, 16 * MiB), NN);
}

static void test_srat_full_array_doubles_when_allowed(void **state)
{
	struct fx *f = *state;

	srat_needs_too_many_regions(f);
	OK(&f->em, em_allow_resize(&f->em));
	OK(&f->em, apply_srat(f, &f->t));
	assert_true(f->em.memory.max > EM_STATIC_REGIONS);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(em_node_of(&f->em, 16 * MiB + i * MiB), (int)(i & 1));
	assert_int_equal(em_node_of(&f->em, 1 * GiB), NN);
	assert_false(em_range_intersects_reserved(&f->em, 1 * GiB, 8 * KiB));
}

/* ------------------------------------------------------------------------ */
/* em_acpi_apply_slit                                                       */

/* Three nodes of 1 GiB each from domains @p0, @p1, @p2. */
static void three_nodes(struct fx *f, uint32_t p0, uint32_t p1, uint32_t p2)
{
	OK(&f->em, em_add(&f->em, 0, 3 * GiB));
	srat_begin(&f->t, 3);
	srat_mem(&f->t, p0, 0, 1 * GiB, SRAT_EN);
	srat_mem(&f->t, p1, 1 * GiB, 1 * GiB, SRAT_EN);
	srat_mem(&f->t, p2, 2 * GiB, 1 * GiB, SRAT_EN);
	tbl_end(&f->t);
	OK(&f->em, apply_srat(f, &f->t));
}

static void test_slit_sets_distances(void **state)
{
	struct fx *f = *state;
	const uint8_t d[] = { 10, 20, 30, 21, 10, 25, 31, 26, 10 };
	struct tbl slit;

	three_nodes(f, 0, 1, 2);
	slit_build(&slit, 3, d);
	OK(&f->em, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	for (int a = 0; a < 3; a++) {
		for (int b = 0; b < 3; b++)
			assert_int_equal(em_distance(&f->em, a, b), d[a * 3 + b]);
	}
	/* Other nodes keep the defaults. */
	assert_int_equal(em_distance(&f->em, 0, 3), EM_DISTANCE_REMOTE);
	assert_int_equal(em_distance(&f->em, 3, 3), EM_DISTANCE_LOCAL);
}

static void test_slit_is_indexed_by_proximity_domain(void **state)
{
	struct fx *f = *state;
	/* Rows and columns: domains 0, 1, 2. */
	const uint8_t d[] = { 10, 40, 50, 41, 10, 60, 51, 61, 10 };
	struct tbl slit;

	/* Nodes 0, 1, 2 are domains 2, 0, 1. */
	three_nodes(f, 2, 0, 1);
	slit_build(&slit, 3, d);
	OK(&f->em, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	assert_int_equal(em_distance(&f->em, 0, 1), 51); /* domain 2 -> 0 */
	assert_int_equal(em_distance(&f->em, 0, 2), 61); /* domain 2 -> 1 */
	assert_int_equal(em_distance(&f->em, 1, 0), 50); /* domain 0 -> 2 */
	assert_int_equal(em_distance(&f->em, 1, 2), 40); /* domain 0 -> 1 */
	assert_int_equal(em_distance(&f->em, 2, 0), 60); /* domain 1 -> 2 */
	assert_int_equal(em_distance(&f->em, 2, 1), 41); /* domain 1 -> 0 */
}

static void test_slit_domain_beyond_locality_count_keeps_default(void **state)
{
	struct fx *f = *state;
	const uint8_t d[] = { 10, 15, 17, 10 };
	struct tbl slit;

	three_nodes(f, 0, 1, 9);
	slit_build(&slit, 2, d);
	OK(&f->em, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	assert_int_equal(em_distance(&f->em, 0, 1), 15);
	assert_int_equal(em_distance(&f->em, 1, 0), 17);
	assert_int_equal(em_distance(&f->em, 0, 2), EM_DISTANCE_REMOTE);
	assert_int_equal(em_distance(&f->em, 2, 1), EM_DISTANCE_REMOTE);
	assert_int_equal(em_distance(&f->em, 2, 2), EM_DISTANCE_LOCAL);
}

static void test_slit_alloc_node_falls_back_to_nearest(void **state)
{
	struct fx *f = *state;
	/* From node 0: node 2 (15) is nearer than node 1 (30). */
	const uint8_t d[] = { 10, 30, 15, 30, 10, 30, 15, 30, 10 };
	struct tbl slit;
	uint64_t addr;

	three_nodes(f, 0, 1, 2);
	slit_build(&slit, 3, d);
	OK(&f->em, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	OK(&f->em, em_reserve(&f->em, 0, 1 * GiB)); /* node 0 is full */
	OK(&f->em, em_alloc_node(&f->em, 4096, 4096, 0, &addr));
	assert_int_equal(em_node_of(&f->em, addr), 2);
	assert_int_equal(addr, 3 * GiB - 4096);
}

static void test_slit_count_larger_than_table_is_einval(void **state)
{
	struct fx *f = *state;
	const uint8_t d[] = { 10, 20, 30, 20, 10, 20, 30, 20, 10 };
	struct tbl slit;

	three_nodes(f, 0, 1, 2);
	/* A valid 3 x 3 matrix in the buffer, but Length stops after 4 bytes of it. */
	slit_build(&slit, 3, d);
	slit.len = 44 + 4;
	tbl_end(&slit);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
}

static void test_slit_count_overflowing_is_einval(void **state)
{
	struct fx *f = *state;
	const uint64_t counts[] = { 1ull << 32, (1ull << 32) + 1, UINT64_MAX };
	const uint8_t d[] = { 10, 20, 20, 10 };
	struct tbl slit;

	three_nodes(f, 0, 1, 2);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		slit_build(&slit, 2, d);
		put64(slit.b + 36, counts[i]); /* N * N wraps */
		tbl_end(&slit);
		EXPECT_FAIL(&f->em, EM_EINVAL,
			    em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	}
}

static void test_slit_bad_distances_are_einval(void **state)
{
	struct fx *f = *state;
	const uint8_t bad_diag[] = { 10, 20, 20, 11 };
	const uint8_t bad_remote[] = { 10, 10, 20, 10 };
	const uint8_t zero_remote[] = { 10, 20, 0, 10 };
	struct tbl slit;

	three_nodes(f, 0, 1, 2);
	slit_build(&slit, 2, bad_diag);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	slit_build(&slit, 2, bad_remote);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	slit_build(&slit, 2, zero_remote);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
}

static void test_slit_bad_table_is_einval(void **state)
{
	struct fx *f = *state;
	const uint8_t d[] = { 10, 20, 20, 10 };
	struct tbl slit;

	three_nodes(f, 0, 1, 2);
	slit_build(&slit, 2, d);
	slit.b[9] ^= 1; /* checksum */
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	slit_build(&slit, 2, d);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len - 1, &f->numa));
	memcpy(slit.b, "SRAT", 4);
	tbl_end(&slit);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	tbl_begin(&slit, "SLIT", 1);
	slit.len = 40; /* no room for the locality count */
	tbl_end(&slit);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, NULL, slit.len, &f->numa));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, NULL));
}

static void test_slit_bad_node_count_is_einval(void **state)
{
	struct fx *f = *state;
	const uint8_t d[] = { 10, 20, 20, 10 };
	struct tbl slit;

	three_nodes(f, 0, 1, 2);
	slit_build(&slit, 2, d);
	f->numa.nr_nodes = EM_MAX_NODES + 1;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
	f->numa.nr_nodes = -1;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
}

static void test_slit_empty_matrix_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct tbl slit;

	three_nodes(f, 0, 1, 2);
	slit_build(&slit, 0, NULL);
	EXPECT_FAIL(&f->em, 0, em_acpi_apply_slit(&f->em, slit.b, slit.len, &f->numa));
}

/* ------------------------------------------------------------------------ */
/* em_acpi_numa                                                             */

static const uint8_t ovmf_slit[] = { 10, 20, 20, 10 };

static void test_numa_ovmf_two_nodes_with_slit(void **state)
{
	struct fx *f = *state;
	const uint8_t d[] = { 10, 22, 22, 10 };
	struct tbl slit;

	add_ovmf_memory(f);
	OK(&f->em, em_reserve_label(&f->em, RSDP_PHYS, 0x10000, "acpi"));
	srat_ovmf_1g_3g(&f->t);
	slit_build(&slit, 2, d);
	place_all(&f->sim, 2, &f->t, &slit);
	OK(&f->em, em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	ASSERT_TABLE(&f->em.memory, { 0, 0xa0000, 0, 0, NULL },
		     { 0x100000, 1 * GiB - 0x100000, 0, 0, NULL }, { 1 * GiB, 1 * GiB, 0, 1, NULL },
		     { 4 * GiB, 2 * GiB, 0, 1, NULL });
	ASSERT_TABLE(&f->em.reserved, { RSDP_PHYS, 0x10000, 0, NN, "acpi" });
	assert_true(f->numa.slit);
	assert_int_equal(f->numa.nr_nodes, 2);
	assert_int_equal(f->numa.disabled, 1);
	assert_int_equal(em_distance(&f->em, 0, 1), 22);
	assert_int_equal(em_distance(&f->em, 1, 0), 22);
	assert_int_equal(em_distance(&f->em, 1, 1), 10);
}

static void test_numa_rsdt_only_firmware(void **state)
{
	struct fx *f = *state;
	struct tbl slit;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	slit_build(&slit, 2, ovmf_slit);
	place_all(&f->sim, 0, &f->t, &slit);
	OK(&f->em, em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_int_equal(em_node_of(&f->em, 1 * GiB), 1);
	assert_true(f->numa.slit);
}

static void test_numa_without_slit_keeps_distances(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	OK(&f->em, em_set_distance(&f->em, 0, 1, 33));
	srat_ovmf_1g_3g(&f->t);
	place_all(&f->sim, 2, &f->t, NULL);
	OK(&f->em, em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_int_equal(em_node_of(&f->em, 4 * GiB), 1);
	assert_false(f->numa.slit);
	assert_int_equal(em_distance(&f->em, 0, 1), 33);
	assert_int_equal(em_distance(&f->em, 1, 0), EM_DISTANCE_REMOTE);
}

static void test_numa_without_srat_is_enoent(void **state)
{
	struct fx *f = *state;
	struct tbl slit;

	add_ovmf_memory(f);
	slit_build(&slit, 2, ovmf_slit);
	place_all(&f->sim, 2, NULL, &slit);
	EXPECT_FAIL(&f->em, EM_ENOENT,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

static void test_numa_broken_slit_changes_nothing(void **state)
{
	struct fx *f = *state;
	const uint8_t d[] = { 10, 20, 20, 9 };
	struct tbl slit;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	slit_build(&slit, 2, d);
	place_all(&f->sim, 2, &f->t, &slit);
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
	/* A SLIT with a bad checksum too. */
	slit_build(&slit, 2, ovmf_slit);
	slit.b[9] ^= 1;
	place(&f->sim, SLIT_PHYS, &slit);
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

static void test_numa_broken_srat_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct tbl slit;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	slit_build(&slit, 2, ovmf_slit);
	place_all(&f->sim, 2, &f->t, &slit);
	sim_ptr(&f->sim, SRAT_PHYS)[60] ^= 0xff;
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

static void test_numa_full_array_rolls_back(void **state)
{
	struct fx *f = *state;
	struct tbl slit;
	const uint8_t d[] = { 10, 40, 40, 10 };

	srat_needs_too_many_regions(f);
	slit_build(&slit, 2, d);
	place_all(&f->sim, 2, &f->t, &slit);
	EXPECT_FAIL(&f->em, EM_ENOSPC,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

static void test_numa_bad_arguments(void **state)
{
	struct fx *f = *state;

	add_ovmf_memory(f);
	srat_ovmf_1g_3g(&f->t);
	place_all(&f->sim, 2, &f->t, NULL);
	EXPECT_FAIL(&f->em, EM_EINVAL,
		    em_acpi_numa(&f->em, RSDP_PHYS, f->work, sizeof(f->work), NULL));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_acpi_numa(&f->em, RSDP_PHYS, f->work, 16, &f->numa));
	EXPECT_FAIL(&f->em, EM_EFAULT,
		    em_acpi_numa(&f->em, NOWHERE_PHYS, f->work, sizeof(f->work), &f->numa));
	assert_numa_untouched(&f->numa);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_find_rsdp_v1_uses_rsdt),
		T(test_find_rsdp_v2_prefers_xsdt),
		T(test_find_rsdp_v2_without_xsdt_uses_rsdt),
		T(test_find_xsdt_entry_above_4g),
		T(test_find_missing_table_is_enoent),
		T(test_find_skips_null_entries),
		T(test_find_ignores_trailing_partial_root_entry),
		T(test_find_bad_rsdp_checksum_is_einval),
		T(test_find_bad_rsdp_signature_is_einval),
		T(test_find_bad_rsdp_extended_checksum_is_einval),
		T(test_find_rsdp_v2_length_below_36_is_einval),
		T(test_find_rsdp_without_root_is_einval),
		T(test_find_bad_root_checksum_is_einval),
		T(test_find_root_with_wrong_signature_is_einval),
		T(test_find_bad_table_checksum_is_einval),
		T(test_find_table_length_below_header_is_einval),
		T(test_find_table_length_past_mapped_memory_is_efault),
		T(test_find_noncontiguous_mapping_is_efault),
		T(test_find_root_length_past_mapped_memory_is_efault),
		T(test_find_unmapped_entry_is_skipped),
		T(test_find_unmapped_entry_and_not_found_is_efault),
		T(test_find_entry_at_end_of_address_space_is_efault),
		T(test_find_unmapped_rsdp_is_efault),
		T(test_find_bad_arguments_are_einval),
		T(test_srat_splits_region_at_node_boundary),
		T(test_srat_keeps_reservations),
		T(test_srat_several_ranges_per_node_unsorted),
		T(test_srat_undescribed_memory_keeps_its_node),
		T(test_srat_later_overlapping_entry_wins),
		T(test_srat_disabled_entry_is_ignored),
		T(test_srat_zero_length_entry_is_ignored),
		T(test_srat_hotplug_range_above_ram_changes_nothing),
		T(test_srat_hotplug_range_over_ram_is_marked),
		T(test_srat_never_clears_hotplug),
		T(test_srat_revision1_has_8bit_domains),
		T(test_srat_revision3_has_32bit_domains),
		T(test_srat_nodes_in_order_of_first_appearance),
		T(test_srat_more_domains_than_max_nodes),
		T(test_srat_other_subtables_are_skipped),
		T(test_srat_longer_entries_are_accepted),
		T(test_srat_range_past_addr_end_is_clamped),
		T(test_srat_without_memory_entries),
		T(test_srat_bad_signature_is_einval),
		T(test_srat_bad_checksum_is_einval),
		T(test_srat_length_past_buffer_is_einval),
		T(test_srat_length_below_srat_header_is_einval),
		T(test_srat_zero_length_subtable_is_einval),
		T(test_srat_subtable_past_length_is_einval),
		T(test_srat_short_affinity_structures_are_einval),
		T(test_srat_garbage_after_good_entries_changes_nothing),
		T(test_srat_bad_work_is_einval),
		T(test_srat_null_arguments_are_einval),
		T(test_srat_full_array_midway_rolls_back),
		T(test_srat_full_array_doubles_when_allowed),
		T(test_slit_sets_distances),
		T(test_slit_is_indexed_by_proximity_domain),
		T(test_slit_domain_beyond_locality_count_keeps_default),
		T(test_slit_alloc_node_falls_back_to_nearest),
		T(test_slit_count_larger_than_table_is_einval),
		T(test_slit_count_overflowing_is_einval),
		T(test_slit_bad_distances_are_einval),
		T(test_slit_bad_table_is_einval),
		T(test_slit_bad_node_count_is_einval),
		T(test_slit_empty_matrix_changes_nothing),
		T(test_numa_ovmf_two_nodes_with_slit),
		T(test_numa_rsdt_only_firmware),
		T(test_numa_without_slit_keeps_distances),
		T(test_numa_without_srat_is_enoent),
		T(test_numa_broken_slit_changes_nothing),
		T(test_numa_broken_srat_changes_nothing),
		T(test_numa_full_array_rolls_back),
		T(test_numa_bad_arguments),
	};
#undef T
	return cmocka_run_group_tests_name("test_acpi", tests, NULL, NULL);
}
