// SPDX-License-Identifier: MIT
/*
 * The Multiboot2 loader: walk the boot information's tags, validating every
 * size against total_size, then load the UEFI memory map if there is one,
 * the BIOS memory map otherwise.
 */
#include <earlymem/e820.h>
#include <earlymem/efi.h>
#include <earlymem/multiboot2.h>

#include "fwtable.h"

/* Fixed part of the MBI: u32 total_size, u32 reserved. */
#define MBI_HEADER 8u

/* A memory map tag: where its entries are and how they are stepped. */
struct mb2_map {
	const unsigned char *entries;
	uint32_t entry_size;
	uint32_t version;
	size_t count;	/* entries */
	uint64_t bytes; /* count * entry_size */
	bool found;
};

struct mb2_maps {
	struct mb2_map bios; /* tag 6 */
	struct mb2_map efi;  /* tag 17 */
};

/* Reads a memory map tag of @size bytes (header included) at @tag. */
static int parse_map(const unsigned char *tag, uint32_t size, uint32_t min_entry, struct mb2_map *m)
{
	uint32_t payload;

	if (m->found || size < EM_MB2_MMAP_HEADER)
		return EM_EINVAL;
	m->entry_size = (uint32_t)em_fw_le(tag + 8, 4);
	m->version = (uint32_t)em_fw_le(tag + 12, 4);
	if (m->entry_size < min_entry || m->entry_size % 8)
		return EM_EINVAL;
	payload = size - EM_MB2_MMAP_HEADER;
	if (payload % m->entry_size)
		return EM_EINVAL; /* a truncated last entry */
	m->entries = tag + EM_MB2_MMAP_HEADER;
	m->count = payload / m->entry_size;
	m->bytes = payload;
	m->found = true;
	return 0;
}

/* Walks every tag up to the end tag; finds and checks the memory map tags. */
static int parse(const void *mbi, struct mb2_maps *maps)
{
	const unsigned char *p = mbi;
	uint64_t total, off = MBI_HEADER;

	*maps = (struct mb2_maps){ 0 };
	if (!mbi)
		return EM_EINVAL;
	total = em_fw_le(p, 4);
	if (total < MBI_HEADER + EM_MB2_TAG_HEADER)
		return EM_EINVAL;
	for (;;) {
		uint32_t type, size;
		int err = 0;

		/* off <= total + 7 here, so none of this wraps. */
		if (off + EM_MB2_TAG_HEADER > total)
			return EM_EINVAL; /* the list runs out before an end tag */
		type = (uint32_t)em_fw_le(p + off, 4);
		size = (uint32_t)em_fw_le(p + off + 4, 4);
		if (size < EM_MB2_TAG_HEADER || size > total - off)
			return EM_EINVAL;
		if (type == EM_MB2_TAG_END)
			break;
		if (type == EM_MB2_TAG_MMAP)
			err = parse_map(p + off, size, EM_MB2_MMAP_ENTRY_MIN, &maps->bios);
		else if (type == EM_MB2_TAG_EFI_MMAP)
			err = parse_map(p + off, size, EM_EFI_DESC_MIN_SIZE, &maps->efi);
		if (err)
			return err;
		off += ((uint64_t)size + 7) & ~(uint64_t)7;
	}
	/* A map tag without entries counts as no map. */
	if (!maps->bios.count && !maps->efi.count)
		return EM_ENOENT;
	return 0;
}

/* Entry @i of the BIOS map: u64 base_addr @0, u64 length @8, u32 type @16. */
static void read_mmap(const void *src, size_t i, struct em_fw_entry *e)
{
	const struct mb2_map *m = src;
	const unsigned char *p = m->entries + i * m->entry_size;

	*e = (struct em_fw_entry){
		.base = em_fw_le(p, 8),
		.size = em_fw_le(p + 8, 8),
		.type = (uint32_t)em_fw_le(p + 16, 4),
	};
}

static int load_bios(struct earlymem *em, const struct mb2_map *m, void *work, size_t work_bytes,
		     struct em_fw_stats *stats)
{
	return em_fw_sanitize_load(em, m, m->count, read_mmap, em_fw_e820_wins, em_fw_e820_classify,
				   NULL, work, work_bytes, stats);
}

size_t em_mb2_work_bytes(const struct earlymem *em, const void *mbi)
{
	struct mb2_maps maps;

	if (parse(mbi, &maps))
		return 0;
	return em_fw_work_bytes(em, maps.efi.count ? maps.efi.count : maps.bios.count);
}

int em_mb2_load(struct earlymem *em, const void *mbi, void *work, size_t work_bytes,
		uint32_t efi_options, struct em_fw_stats *stats)
{
	struct mb2_maps maps;
	int err;

	if (stats)
		*stats = (struct em_fw_stats){ 0 };
	if (efi_options & ~(uint32_t)(EM_EFI_RESERVE_LOADER | EM_EFI_KEEP_BOOT_SERVICES))
		return EM_EINVAL;
	err = parse(mbi, &maps);
	if (err)
		return err;
	if (maps.efi.count)
		return em_efi_load_map(em, maps.efi.entries, maps.efi.bytes, maps.efi.entry_size,
				       maps.efi.version, efi_options, work, work_bytes, stats);
	return load_bios(em, &maps.bios, work, work_bytes, stats);
}
