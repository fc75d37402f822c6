// SPDX-License-Identifier: MIT
/* The e820 loader: raw BIOS table in, sanitized table out, memory and reservations in. */
#include <earlymem/e820.h>

#include "fwtable.h"

/* Entry @i of a packed table: u64 addr, u64 size, u32 type, any alignment. */
static void read_raw(const void *src, size_t i, struct em_fw_entry *e)
{
	const unsigned char *p = (const unsigned char *)src + i * EM_E820_ENTRY_SIZE;

	*e = (struct em_fw_entry){
		.base = em_fw_le(p, 8),
		.size = em_fw_le(p + 8, 8),
		.type = (uint32_t)em_fw_le(p + 16, 4),
	};
}

/* Linux's rule: where entries overlap, the larger type number wins. */
bool em_fw_e820_wins(const struct em_fw_entry *a, const struct em_fw_entry *b)
{
	return a->type > b->type;
}

void em_fw_e820_classify(const struct em_fw_entry *e, const void *ctx, struct em_fw_class *c)
{
	(void)ctx;
	c->memory = e->type == EM_E820_RAM;
	c->flags = 0;
	c->label = e->type == EM_E820_SOFT_RESERVED ? "soft-reserved" : NULL;
}

int em_e820_sanitize(const void *raw, size_t count, void *work, size_t work_bytes,
		     const struct em_fw_entry **table, size_t *n, struct em_fw_stats *stats)
{
	return em_fw_sanitize(raw, count, read_raw, em_fw_e820_wins, work, work_bytes, table, n,
			      stats);
}

int em_e820_load(struct earlymem *em, const struct em_fw_entry *table, size_t n, void *work,
		 size_t work_bytes, struct em_fw_stats *stats)
{
	return em_fw_load(em, table, n, em_fw_e820_classify, NULL, work, work_bytes, stats);
}

int em_e820_load_raw(struct earlymem *em, const void *raw, size_t count, void *work,
		     size_t work_bytes, struct em_fw_stats *stats)
{
	return em_fw_sanitize_load(em, raw, count, read_raw, em_fw_e820_wins, em_fw_e820_classify,
				   NULL, work, work_bytes, stats);
}

const char *em_e820_type_name(uint32_t type)
{
	switch (type) {
	case EM_E820_RAM:
		return "usable";
	case EM_E820_RESERVED:
		return "reserved";
	case EM_E820_ACPI:
		return "ACPI data";
	case EM_E820_NVS:
		return "ACPI NVS";
	case EM_E820_UNUSABLE:
		return "unusable";
	case EM_E820_PMEM:
		return "persistent (type 7)";
	case EM_E820_PRAM:
		return "persistent (type 12)";
	case EM_E820_SOFT_RESERVED:
		return "soft reserved";
	default:
		return "unknown";
	}
}
