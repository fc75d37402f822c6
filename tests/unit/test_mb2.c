// SPDX-License-Identifier: MIT
/* The Multiboot2 loader: tag walking, both memory map tags, validation, atomicity. */
#include "fwbuild.h"

#include <earlymem/e820.h>
#include <earlymem/efi.h>
#include <earlymem/multiboot2.h>
#include <stdlib.h>
#include <string.h>

#define N EM_NODE_NONE
#define PG 4096ull
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t work[16384];

/* ------------------------------------------------------------------------ */
/* Building boot information                                                */

static uint64_t mbi_store[4096 + 1];
static unsigned char *mbi = (unsigned char *)mbi_store;
static size_t mbi_off;

static void mbi_put32(size_t off, uint32_t v)
{
	memcpy(mbi + off, &v, 4);
}

static void mbi_put64(size_t off, uint64_t v)
{
	memcpy(mbi + off, &v, 8);
}

/* Starts an MBI; padding and unused bytes are junk. */
static void mb_begin(void)
{
	memset(mbi_store, 0x5a, sizeof(mbi_store));
	mbi_put32(4, 0);
	mbi_off = 8;
}

/* Adds a tag header; returns its offset. The next tag starts 8-byte aligned. */
static size_t mb_tag(uint32_t type, uint32_t size)
{
	size_t at = mbi_off;

	mbi_put32(at, type);
	mbi_put32(at + 4, size);
	mbi_off = at + ((size + 7u) & ~7u);
	assert_true(mbi_off + 64 < sizeof(mbi_store));
	return at;
}

static void mb_string(uint32_t type, const char *s)
{
	size_t at = mb_tag(type, (uint32_t)(8 + strlen(s) + 1));

	memcpy(mbi + at + 8, s, strlen(s) + 1);
}

struct mm {
	uint64_t base, len;
	uint32_t type;
};

/* A BIOS memory map tag; bytes past the 24 the spec defines are junk. */
static void mb_mmap(uint32_t entry_size, const struct mm *e, size_t n)
{
	size_t at = mb_tag(EM_MB2_TAG_MMAP, (uint32_t)(16 + n * entry_size));

	mbi_put32(at + 8, entry_size);
	mbi_put32(at + 12, 0);
	for (size_t i = 0; i < n; i++) {
		size_t p = at + 16 + i * entry_size;

		mbi_put64(p, e[i].base);
		mbi_put64(p + 8, e[i].len);
		mbi_put32(p + 16, e[i].type);
		mbi_put32(p + 20, 0);
		if (entry_size > 24)
			memset(mbi + p + 24, 0xee, entry_size - 24);
	}
}

/* An EFI memory map tag; descriptor bytes past 40 are junk. */
static void mb_efi(uint32_t desc_size, const struct desc *d, size_t n)
{
	size_t at = mb_tag(EM_MB2_TAG_EFI_MMAP, (uint32_t)(16 + n * desc_size));

	mbi_put32(at + 8, desc_size);
	mbi_put32(at + 12, 1);
	for (size_t i = 0; i < n; i++) {
		size_t p = at + 16 + i * desc_size;

		memset(mbi + p, 0xa5, desc_size);
		mbi_put32(p, d[i].type);
		mbi_put64(p + 8, d[i].base);
		mbi_put64(p + 16, 0xdeadbeef);
		mbi_put64(p + 24, d[i].pages);
		mbi_put64(p + 32, d[i].attr);
	}
}

/* Ends the MBI with an end tag and sets total_size; returns it. */
static uint32_t mb_end(void)
{
	mb_tag(EM_MB2_TAG_END, 8);
	mbi_put32(0, (uint32_t)mbi_off);
	return (uint32_t)mbi_off;
}

static int load(struct earlymem *em, uint32_t options, struct em_fw_stats *st)
{
	return em_mb2_load(em, mbi, work, sizeof(work), options, st);
}

/* ------------------------------------------------------------------------ */
/* Maps                                                                     */

#define RAM EM_E820_RAM
#define RES EM_E820_RESERVED

/* What QEMU's SeaBIOS reports for 128 MiB. */
static const struct mm bios[] = {
	{ 0x0, 0x9fc00, RAM },	      { 0x9fc00, 0x400, RES },	   { 0xf0000, 0x10000, RES },
	{ 0x100000, 0x7ee0000, RAM }, { 0x7fe0000, 0x20000, RES }, { 0xfffc0000, 0x40000, RES },
};

static void assert_bios_loaded(const struct earlymem *em)
{
	ASSERT_TABLE(&em->memory, { 0x0, 0x9f000, 0, N, NULL },
		     { 0x100000, 0x7ee0000, 0, N, NULL });
	ASSERT_EMPTY(&em->reserved);
}

static void assert_ovmf_loaded(const struct earlymem *em)
{
	ASSERT_TABLE(&em->memory, { 0x0, 0xa0000, 0, N, NULL }, { 0x100000, 0x830000, 0, N, NULL },
		     { 0x950000, 0x6b0000, 0, N, NULL });
	ASSERT_TABLE(&em->reserved, { 0x800000, 0x30000, 0, N, "efi-loader" });
}

/* Tags GRUB puts before the maps: odd sizes, so the walk must pad. */
static void grub_tags(void)
{
	mb_string(1, "console=ttyS0 quiet");
	mb_string(2, "GRUB 2.12");
	{
		size_t at = mb_tag(4, 16); /* basic meminfo */

		mbi_put32(at + 8, 639);
		mbi_put32(at + 12, 130048);
	}
}

static void test_mmap_entry_size_24(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;

	mb_begin();
	grub_tags();
	mb_mmap(24, bios, COUNT(bios));
	mb_end();
	setup_em(&em, NULL);
	assert_int_equal(load(&em, EM_EFI_DEFAULT, &st), 0);
	assert_check(&em);
	assert_bios_loaded(&em);
	assert_int_equal(st.entries, COUNT(bios));
	assert_int_equal(st.sanitized, COUNT(bios));
	assert_int_equal(st.memory_ranges, 2);
	assert_int_equal(st.reserved_ranges, 0);
	assert_int_equal(st.memory_bytes, 0x9fc00 + 0x7ee0000);
	assert_int_equal(st.trimmed_bytes, 0xc00);
}

static void test_mmap_entry_size_32(void **state)
{
	(void)state;
	struct earlymem em;

	mb_begin();
	mb_mmap(32, bios, COUNT(bios));
	grub_tags(); /* after the map this time */
	mb_end();
	setup_em(&em, NULL);
	assert_int_equal(load(&em, 0, NULL), 0);
	assert_check(&em);
	assert_bios_loaded(&em);
}

static void test_mmap_overlaps_zero_length_unknown_types(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;
	const struct mm m[] = {
		{ 0x100000, 0x1000000, RAM },
		{ 0x200000, 0x1000, RES },  /* inside RAM: the larger type wins */
		{ 0x5000000, 0, RAM },	    /* empty */
		{ 0x800000, 0x1000, 0x99 }, /* unknown type over RAM: not memory */
		{ 0x2000000, 0x100000, EM_E820_SOFT_RESERVED },
		{ 0x2080000, 0x100000, RAM }, /* soft reserved wins its half */
		{ 0x3000000, 0x1000, EM_E820_ACPI },
		{ 0x3000000, 0x800, RAM }, /* ACPI wins */
	};

	mb_begin();
	mb_mmap(24, m, COUNT(m));
	mb_end();
	setup_em(&em, NULL);
	assert_int_equal(load(&em, EM_EFI_DEFAULT, &st), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x100000, 0x100000, 0, N, NULL },
		     { 0x201000, 0x5ff000, 0, N, NULL }, { 0x801000, 0x8ff000, 0, N, NULL },
		     { 0x2100000, 0x80000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x2000000, 0x100000, 0, N, "soft-reserved" });
	assert_int_equal(st.entries, 8);
	assert_int_equal(st.empty, 1);
	assert_int_equal(st.overlapping, 7);
}

static void test_efi_desc_sizes(void **state)
{
	(void)state;
	const uint32_t sizes[] = { 40, 48, 56 };

	for (size_t i = 0; i < COUNT(sizes); i++) {
		struct earlymem em;
		struct em_fw_stats st;

		mb_begin();
		grub_tags();
		mb_efi(sizes[i], ovmf_descs, COUNT(ovmf_descs));
		mb_end();
		setup_em(&em, NULL);
		assert_int_equal(load(&em, EM_EFI_DEFAULT, &st), 0);
		assert_check(&em);
		assert_ovmf_loaded(&em);
		assert_int_equal(st.entries, COUNT(ovmf_descs));
		assert_int_equal(st.empty, 1);
		assert_int_equal(st.reserved_ranges, 1);
	}
}

static void test_efi_options(void **state)
{
	(void)state;
	struct earlymem em;

	mb_begin();
	mb_efi(48, ovmf_descs, COUNT(ovmf_descs));
	mb_end();
	setup_em(&em, NULL);
	assert_int_equal(load(&em, EM_EFI_RESERVE_LOADER | EM_EFI_KEEP_BOOT_SERVICES, NULL), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.reserved, { 0x0, 0x1000, 0, N, "efi-boot-services" },
		     { 0x800000, 0x30000, 0, N, "efi-loader" },
		     { 0x830000, 0x100000, 0, N, "efi-boot-services" });
	setup_em(&em, NULL);
	assert_int_equal(load(&em, 0, NULL), 0);
	ASSERT_EMPTY(&em.reserved);
}

static void test_both_tags_efi_preferred(void **state)
{
	(void)state;
	struct earlymem em;
	size_t need;

	/* BIOS map first. */
	mb_begin();
	grub_tags();
	mb_mmap(24, bios, COUNT(bios));
	mb_efi(48, ovmf_descs, COUNT(ovmf_descs));
	mb_end();
	setup_em(&em, NULL);
	need = em_mb2_work_bytes(&em, mbi);
	assert_int_equal(need, em_fw_work_bytes(&em, COUNT(ovmf_descs)));
	assert_int_equal(load(&em, EM_EFI_DEFAULT, NULL), 0);
	assert_check(&em);
	assert_ovmf_loaded(&em);

	/* UEFI map first. */
	mb_begin();
	mb_efi(56, ovmf_descs, COUNT(ovmf_descs));
	mb_mmap(32, bios, COUNT(bios));
	mb_end();
	setup_em(&em, NULL);
	assert_int_equal(load(&em, EM_EFI_DEFAULT, NULL), 0);
	assert_ovmf_loaded(&em);
}

static void test_empty_efi_tag_falls_back_to_bios(void **state)
{
	(void)state;
	struct earlymem em;

	mb_begin();
	mb_efi(48, NULL, 0);
	mb_mmap(24, bios, COUNT(bios));
	mb_end();
	setup_em(&em, NULL);
	assert_int_equal(em_mb2_work_bytes(&em, mbi), em_fw_work_bytes(&em, COUNT(bios)));
	assert_int_equal(load(&em, EM_EFI_DEFAULT, NULL), 0);
	assert_bios_loaded(&em);
}

static void test_no_map_enoent(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	mb_begin();
	mb_end(); /* only the end tag */
	EXPECT_FAIL(&em, EM_ENOENT, load(&em, EM_EFI_DEFAULT, NULL));
	assert_int_equal(em_mb2_work_bytes(&em, mbi), 0);

	mb_begin();
	grub_tags();
	mb_end();
	EXPECT_FAIL(&em, EM_ENOENT, load(&em, EM_EFI_DEFAULT, NULL));

	/* Map tags without entries. */
	mb_begin();
	mb_mmap(24, NULL, 0);
	mb_efi(48, NULL, 0);
	mb_end();
	EXPECT_FAIL(&em, EM_ENOENT, load(&em, EM_EFI_DEFAULT, NULL));
}

/* Builds a valid MBI with a BIOS map; returns the map tag's offset. */
static size_t valid_mbi(void)
{
	size_t at;

	mb_begin();
	mb_string(1, "quiet");
	at = mbi_off;
	mb_mmap(24, bios, COUNT(bios));
	mb_end();
	return at;
}

static void test_truncated_and_overrunning(void **state)
{
	(void)state;
	struct earlymem em;
	size_t map_at;
	uint32_t total;

	setup_em(&em, NULL);

	/* total_size too small for the fixed part and an end tag. */
	valid_mbi();
	for (uint32_t t = 0; t < 16; t++) {
		mbi_put32(0, t);
		EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	}

	/* total_size cuts the end tag, a tag header, or the map tag. */
	map_at = valid_mbi();
	total = (uint32_t)mbi_off;
	mbi_put32(0, total - 4); /* inside the end tag */
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	mbi_put32(0, total - 8); /* exactly before the end tag: no end tag */
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	mbi_put32(0, (uint32_t)map_at + 4); /* inside the map tag's header */
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	mbi_put32(0, (uint32_t)map_at + 40); /* inside the map tag */
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));

	/* A tag whose size runs past total_size. */
	valid_mbi();
	mbi_put32(map_at + 4, 16 + 24 * COUNT(bios) + 16);
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	mbi_put32(map_at + 4, UINT32_MAX);
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));

	/* A tag smaller than its header (size 0 would loop forever). */
	for (uint32_t s = 0; s < 8; s++) {
		valid_mbi();
		mbi_put32(8 + 4, s);
		EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	}

	/* An end tag that runs past total_size. */
	valid_mbi();
	mbi_put32(mbi_off - 8 + 4, 16);
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	assert_int_equal(em_mb2_work_bytes(&em, mbi), 0);
	ASSERT_EMPTY(&em.memory);
}

static void test_bad_map_tags(void **state)
{
	(void)state;
	struct earlymem em;
	size_t at;

	setup_em(&em, NULL);

	/* Entry sizes below 24 or not multiples of 8 (0 must not divide). */
	const uint32_t bad_entry[] = { 0, 8, 16, 20, 25, 28, 36 };
	for (size_t i = 0; i < COUNT(bad_entry); i++) {
		at = valid_mbi();
		mbi_put32(at + 8, bad_entry[i]);
		EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	}

	/* A truncated last entry: the tag is 8 bytes short. */
	mb_begin();
	at = mb_tag(EM_MB2_TAG_MMAP, 16 + 24 * 2 - 8);
	mbi_put32(at + 8, 24);
	mb_end();
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));

	/* A map tag shorter than its own header. */
	mb_begin();
	at = mb_tag(EM_MB2_TAG_MMAP, 12);
	mbi_put32(at + 8, 24);
	mb_end();
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	mb_begin();
	mb_tag(EM_MB2_TAG_EFI_MMAP, 8);
	mb_end();
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));

	/* EFI descriptor sizes below 40 or not multiples of 8. */
	const uint32_t bad_desc[] = { 0, 24, 32, 44, 52 };
	for (size_t i = 0; i < COUNT(bad_desc); i++) {
		mb_begin();
		at = mbi_off;
		mb_efi(48, ovmf_descs, 2);
		mb_end();
		mbi_put32(at + 8, bad_desc[i]);
		EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	}

	/* A truncated last descriptor. */
	mb_begin();
	at = mbi_off;
	mb_efi(48, ovmf_descs, 2);
	mb_end();
	mbi_put32(at + 4, 16 + 48 + 40);
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));

	/* A broken UEFI map is not papered over by a good BIOS map. */
	mb_begin();
	mb_mmap(24, bios, COUNT(bios));
	at = mbi_off;
	mb_efi(48, ovmf_descs, 2);
	mb_end();
	mbi_put32(at + 8, 44);
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));

	/* Two maps of the same kind are ambiguous. */
	mb_begin();
	mb_mmap(24, bios, COUNT(bios));
	mb_mmap(24, bios, 2);
	mb_end();
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	mb_begin();
	mb_efi(48, ovmf_descs, COUNT(ovmf_descs));
	mb_efi(48, ovmf_descs, COUNT(ovmf_descs));
	mb_end();
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT, NULL));
	ASSERT_EMPTY(&em.memory);
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_fw_stats st;

	setup_em(&em, NULL);
	valid_mbi();
	memset(&st, 0xff, sizeof(st));
	EXPECT_FAIL(&em, EM_EINVAL, em_mb2_load(&em, NULL, work, sizeof(work), 0, &st));
	assert_int_equal(st.entries, 0);
	assert_int_equal(em_mb2_work_bytes(&em, NULL), 0);
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, 0x4, NULL));
	EXPECT_FAIL(&em, EM_EINVAL, load(&em, EM_EFI_DEFAULT | 0x80000000u, NULL));
	EXPECT_FAIL(&em, EM_EINVAL, em_mb2_load(&em, mbi, NULL, 0, 0, NULL));
	EXPECT_FAIL(&em, EM_EINVAL, em_mb2_load(&em, mbi, work, 64, 0, NULL));
	EXPECT_FAIL(&em, EM_EINVAL,
		    em_mb2_load(&em, mbi, work, EM_FW_WORK_BYTES(COUNT(bios)), 0, NULL));
	/* The same for the UEFI path. */
	mb_begin();
	mb_efi(48, ovmf_descs, COUNT(ovmf_descs));
	mb_end();
	EXPECT_FAIL(&em, EM_EINVAL, em_mb2_load(&em, mbi, work, 64, 0, NULL));
}

static void test_work_bytes_exact_and_any_alignment(void **state)
{
	(void)state;
	struct earlymem em;
	unsigned char *buf, *copy;
	uint32_t total;
	size_t need;

	mb_begin();
	grub_tags();
	mb_mmap(24, bios, COUNT(bios));
	total = mb_end();
	/* The MBI at an odd address: everything is read byte by byte. */
	copy = malloc(total + 1);
	assert_non_null(copy);
	memcpy(copy + 1, mbi, total);

	setup_em(&em, NULL);
	assert_int_equal(em_reserve_label(&em, 1 * GiB, PG, "x"), 0);
	need = em_mb2_work_bytes(&em, copy + 1);
	assert_int_equal(need, em_fw_work_bytes(&em, COUNT(bios)));
	buf = malloc(need);
	assert_non_null(buf);
	assert_int_equal(em_mb2_load(&em, copy + 1, buf, need, EM_EFI_DEFAULT, NULL), 0);
	assert_check(&em);
	ASSERT_TABLE(&em.memory, { 0x0, 0x9f000, 0, N, NULL }, { 0x100000, 0x7ee0000, 0, N, NULL });
	free(buf);
	free(copy);
}

static void test_full_arrays_enospc_nothing_changed(void **state)
{
	(void)state;
	struct earlymem em;

	/* BIOS map, memory array full. */
	mb_begin();
	mb_mmap(24, bios, COUNT(bios));
	mb_end();
	setup_em(&em, NULL);
	fill_memory(&em, 64 * GiB, EM_STATIC_REGIONS);
	EXPECT_FAIL(&em, EM_ENOSPC, load(&em, EM_EFI_DEFAULT, NULL));

	/* UEFI map: the "efi-loader" reservation goes in, then memory fails: rolled back. */
	mb_begin();
	mb_efi(48, ovmf_descs, COUNT(ovmf_descs));
	mb_end();
	EXPECT_FAIL(&em, EM_ENOSPC, load(&em, EM_EFI_DEFAULT, NULL));
}

static void test_tags_past_the_end_tag_ignored(void **state)
{
	(void)state;
	struct earlymem em;
	uint32_t total;

	mb_begin();
	mb_mmap(24, bios, COUNT(bios));
	mb_tag(EM_MB2_TAG_END, 8);
	mb_efi(48, ovmf_descs, COUNT(ovmf_descs)); /* after the end: never read */
	total = (uint32_t)mbi_off;
	mbi_put32(0, total);
	setup_em(&em, NULL);
	assert_int_equal(load(&em, EM_EFI_DEFAULT, NULL), 0);
	assert_bios_loaded(&em);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_entry_size_24),
		cmocka_unit_test(test_mmap_entry_size_32),
		cmocka_unit_test(test_mmap_overlaps_zero_length_unknown_types),
		cmocka_unit_test(test_efi_desc_sizes),
		cmocka_unit_test(test_efi_options),
		cmocka_unit_test(test_both_tags_efi_preferred),
		cmocka_unit_test(test_empty_efi_tag_falls_back_to_bios),
		cmocka_unit_test(test_no_map_enoent),
		cmocka_unit_test(test_truncated_and_overrunning),
		cmocka_unit_test(test_bad_map_tags),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_work_bytes_exact_and_any_alignment),
		cmocka_unit_test(test_full_arrays_enospc_nothing_changed),
		cmocka_unit_test(test_tags_past_the_end_tag_ignored),
	};

	return cmocka_run_group_tests_name("test_mb2", tests, NULL, NULL);
}
