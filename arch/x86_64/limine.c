// SPDX-License-Identifier: MIT
/* The Limine loader: memory map response in, sanitized table out, memory and reservations in. */
#include <earlymem/limine.h>

#include "fwtable.h"

/* Limine types are 64-bit; ones that do not fit the table's 32 bits are unknown anyway. */
#define TYPE_TOO_LARGE 0xffffffffu

static void read_entry(const void *src, size_t i, struct em_fw_entry *e)
{
	const struct em_limine_entry *const *v = src;
	const struct em_limine_entry *x = v[i];

	*e = (struct em_fw_entry){
		.base = x->base,
		.size = x->length,
		.type = x->type > TYPE_TOO_LARGE ? TYPE_TOO_LARGE : (uint32_t)x->type,
	};
}

static bool is_reserved_memory(uint32_t type)
{
	return type == EM_LIMINE_BOOTLOADER_RECLAIMABLE || type == EM_LIMINE_EXECUTABLE_AND_MODULES;
}

/* Overlap precedence: not memory (2) over reserved memory (1) over usable (0). */
static unsigned rank(uint32_t type)
{
	if (type == EM_LIMINE_USABLE)
		return 0;
	return is_reserved_memory(type) ? 1 : 2;
}

static bool limine_wins(const struct em_fw_entry *a, const struct em_fw_entry *b)
{
	if (rank(a->type) != rank(b->type))
		return rank(a->type) > rank(b->type);
	return a->type > b->type;
}

static void limine_classify(const struct em_fw_entry *e, const void *ctx, struct em_fw_class *c)
{
	(void)ctx;
	*c = (struct em_fw_class){ 0 };
	switch (e->type) {
	case EM_LIMINE_USABLE:
		c->memory = true;
		break;
	case EM_LIMINE_BOOTLOADER_RECLAIMABLE:
		c->memory = true;
		c->label = "bootloader";
		break;
	case EM_LIMINE_EXECUTABLE_AND_MODULES:
		c->memory = true;
		c->label = "kernel";
		break;
	default:
		break;
	}
}

int em_limine_load_entries(struct earlymem *em, const struct em_limine_entry *const *entries,
			   size_t count, void *work, size_t work_bytes, struct em_fw_stats *stats)
{
	if (stats)
		*stats = (struct em_fw_stats){ 0 };
	if ((count && !entries) || count > UINT32_MAX)
		return EM_EINVAL;
	/* The reader cannot fail: every pointer is checked first. */
	for (size_t i = 0; i < count; i++)
		if (!entries[i])
			return EM_EINVAL;
	return em_fw_sanitize_load(em, entries, count, read_entry, limine_wins, limine_classify,
				   NULL, work, work_bytes, stats);
}

int em_limine_load(struct earlymem *em, const void *response, void *work, size_t work_bytes,
		   struct em_fw_stats *stats)
{
	const struct em_limine_memmap_response *r = response;

	if (!r || r->entry_count > UINT32_MAX) {
		if (stats)
			*stats = (struct em_fw_stats){ 0 };
		return EM_EINVAL;
	}
	return em_limine_load_entries(em, r->entries, (size_t)r->entry_count, work, work_bytes,
				      stats);
}

const char *em_limine_type_name(uint64_t type)
{
	static const char *const names[] = {
		"usable",
		"reserved",
		"ACPI reclaimable",
		"ACPI NVS",
		"bad memory",
		"bootloader reclaimable",
		"executable and modules",
		"framebuffer",
		"ACPI tables",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}
