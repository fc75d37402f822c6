// SPDX-License-Identifier: MIT
/* The UEFI loader: GetMemoryMap() buffer in, sanitized table out, memory and reservations in. */
#include <earlymem/efi.h>

#include "fwtable.h"

struct efi_map {
	const unsigned char *map;
	uint64_t desc_size;
};

/* Descriptor @i: Type u32 @0, PhysicalStart u64 @8, NumberOfPages u64 @24, Attribute u64 @32. */
static void read_desc(const void *src, size_t i, struct em_fw_entry *e)
{
	const struct efi_map *m = src;
	const unsigned char *d = m->map + i * m->desc_size;
	uint64_t pages = em_fw_le(d + 24, 8);

	*e = (struct em_fw_entry){
		.base = em_fw_le(d + 8, 8),
		/* A page count this large runs past the address space: saturate, the sweep cuts it. */
		.size = pages > UINT64_MAX / EM_EFI_PAGE_SIZE ? UINT64_MAX :
								pages * EM_EFI_PAGE_SIZE,
		.type = (uint32_t)em_fw_le(d, 4),
		.attr = em_fw_le(d + 32, 8),
	};
}

static bool is_memory_type(uint32_t type)
{
	switch (type) {
	case EM_EFI_LOADER_CODE:
	case EM_EFI_LOADER_DATA:
	case EM_EFI_BOOT_SERVICES_CODE:
	case EM_EFI_BOOT_SERVICES_DATA:
	case EM_EFI_CONVENTIONAL:
	case EM_EFI_UNACCEPTED:
		return true;
	default:
		return false;
	}
}

/*
 * Overlap precedence, most cautious first: not memory (including
 * specific-purpose memory), Loader Code/Data (the running image), Unaccepted
 * (using it unaccepted is fatal; accepting twice is not), Boot Services
 * Code/Data, Conventional; then the larger type number, then the larger
 * attribute.
 */
static unsigned rank(const struct em_fw_entry *e)
{
	if (!is_memory_type(e->type) || (e->attr & EM_EFI_MEMORY_SP))
		return 4;
	switch (e->type) {
	case EM_EFI_LOADER_CODE:
	case EM_EFI_LOADER_DATA:
		return 3;
	case EM_EFI_UNACCEPTED:
		return 2;
	case EM_EFI_BOOT_SERVICES_CODE:
	case EM_EFI_BOOT_SERVICES_DATA:
		return 1;
	default:
		return 0;
	}
}

static bool efi_wins(const struct em_fw_entry *a, const struct em_fw_entry *b)
{
	if (rank(a) != rank(b))
		return rank(a) > rank(b);
	if (a->type != b->type)
		return a->type > b->type;
	return a->attr > b->attr;
}

static void efi_classify(const struct em_fw_entry *e, const void *ctx, struct em_fw_class *c)
{
	uint32_t options = *(const uint32_t *)ctx;

	*c = (struct em_fw_class){ 0 };
	if (!is_memory_type(e->type))
		return;
	if (e->attr & EM_EFI_MEMORY_SP) {
		c->label = "soft-reserved"; /* set aside for a driver: reserved, not memory */
		return;
	}
	c->memory = true;
	if (e->attr & EM_EFI_MEMORY_MORE_RELIABLE)
		c->flags |= EM_MIRROR;
	if (e->attr & EM_EFI_MEMORY_HOT_PLUGGABLE)
		c->flags |= EM_HOTPLUG;
	switch (e->type) {
	case EM_EFI_LOADER_CODE:
	case EM_EFI_LOADER_DATA:
		if (options & EM_EFI_RESERVE_LOADER)
			c->label = "efi-loader";
		break;
	case EM_EFI_BOOT_SERVICES_CODE:
	case EM_EFI_BOOT_SERVICES_DATA:
		if (options & EM_EFI_KEEP_BOOT_SERVICES)
			c->label = "efi-boot-services";
		break;
	case EM_EFI_UNACCEPTED:
		c->flags |= EM_UNACCEPTED;
		break;
	}
}

/* The map's shape: whole descriptors of at least the 40-byte structure. */
static bool map_ok(const void *map, uint64_t map_size, uint64_t desc_size)
{
	return (map || !map_size) && desc_size >= EM_EFI_DESC_MIN_SIZE && desc_size % 8 == 0 &&
	       map_size % desc_size == 0;
}

static bool options_ok(uint32_t options)
{
	return !(options & ~(EM_EFI_RESERVE_LOADER | EM_EFI_KEEP_BOOT_SERVICES));
}

int em_efi_sanitize(const void *map, uint64_t map_size, uint64_t desc_size, uint32_t desc_version,
		    void *work, size_t work_bytes, const struct em_fw_entry **table, size_t *n,
		    struct em_fw_stats *stats)
{
	struct efi_map m = { map, desc_size };

	(void)desc_version; /* every version so far shares the first 40 bytes */
	if (!map_ok(map, map_size, desc_size))
		return EM_EINVAL;
	return em_fw_sanitize(&m, (size_t)(map_size / desc_size), read_desc, efi_wins, work,
			      work_bytes, table, n, stats);
}

int em_efi_load(struct earlymem *em, const struct em_fw_entry *table, size_t n, uint32_t options,
		void *work, size_t work_bytes, struct em_fw_stats *stats)
{
	if (!options_ok(options))
		return EM_EINVAL;
	return em_fw_load(em, table, n, efi_classify, &options, work, work_bytes, stats);
}

int em_efi_load_map(struct earlymem *em, const void *map, uint64_t map_size, uint64_t desc_size,
		    uint32_t desc_version, uint32_t options, void *work, size_t work_bytes,
		    struct em_fw_stats *stats)
{
	struct efi_map m = { map, desc_size };

	(void)desc_version;
	if (!map_ok(map, map_size, desc_size) || !options_ok(options))
		return EM_EINVAL;
	return em_fw_sanitize_load(em, &m, (size_t)(map_size / desc_size), read_desc, efi_wins,
				   efi_classify, &options, work, work_bytes, stats);
}

const char *em_efi_type_name(uint32_t type)
{
	static const char *const names[] = {
		"Reserved",	      "Loader Code",  "Loader Data",  "Boot Services Code",
		"Boot Services Data", "Runtime Code", "Runtime Data", "Conventional",
		"Unusable",	      "ACPI Reclaim", "ACPI NVS",     "MMIO",
		"MMIO Port Space",    "PAL Code",     "Persistent",   "Unaccepted",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}
