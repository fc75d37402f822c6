/* SPDX-License-Identifier: MIT */
/*
 * earlymem e820 loader: the BIOS memory map (INT 15h, AX=E820h; also what
 * Multiboot2's memory map tag and Linux's boot_params carry).
 *
 * Policy. Overlapping entries: the larger type number wins (Linux's rule).
 * Type 1 (RAM) becomes memory, trimmed inward to whole EM_PAGE_SIZE pages
 * after merging. Soft reserved (0xefffffff, memory set aside for a specific
 * purpose) is reserved with label "soft-reserved" but is not memory. ACPI
 * (3), NVS (4), unusable (5), persistent (7, 12) and every unknown type are
 * neither: the kernel must not allocate there, and reservations are only
 * for memory it could otherwise hand out.
 */
#ifndef EARLYMEM_E820_H
#define EARLYMEM_E820_H

#include <earlymem/firmware.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EM_E820_RAM 1u
#define EM_E820_RESERVED 2u
#define EM_E820_ACPI 3u
#define EM_E820_NVS 4u
#define EM_E820_UNUSABLE 5u
#define EM_E820_PMEM 7u
#define EM_E820_PRAM 12u
#define EM_E820_SOFT_RESERVED 0xefffffffu

/* Size of one raw e820 entry: packed 64-bit addr, 64-bit size, 32-bit type. */
#define EM_E820_ENTRY_SIZE 20u

/**
 * em_e820_sanitize() - turn a raw e820 table into a sanitized table.
 * @raw:        @count packed 20-byte entries (any alignment).
 * @count:      number of entries (0 gives an empty table).
 * @work:       scratch of @work_bytes >= EM_FW_WORK_BYTES(@count) bytes; the
 *              sanitized table is written inside it.
 * @table, @n:  the sanitized table (sorted, disjoint, merged; it points into
 *              @work) and its length.
 * @stats:      counts of what was done (may be NULL); zeroed first.
 *
 * Return: 0; EM_EINVAL (NULL pointers with @count > 0, @work too small).
 */
int em_e820_sanitize(const void *raw, size_t count, void *work, size_t work_bytes,
		     const struct em_fw_entry **table, size_t *n, struct em_fw_stats *stats);

/**
 * em_e820_load() - register a sanitized e820 table in @em (see the policy
 * above). @work: at least em_txn_bytes(@em) bytes of scratch, 8-byte
 * aligned, not overlapping @table. Adds to @stats (may be NULL) without
 * zeroing it. Failure-atomic: either everything is registered or nothing
 * is (a failed load is rolled back).
 *
 * Return: 0; EM_EINVAL (@table not sanitized: unsorted, overlapping or
 * empty entries; @work too small); EM_ENOSPC / EM_ENOMEM / EM_EFAULT (the arrays cannot
 * hold the map). With resizing allowed, a map too large for the arrays
 * grows them into its own RAM, away from every range the map reserves.
 */
int em_e820_load(struct earlymem *em, const struct em_fw_entry *table, size_t n, void *work,
		 size_t work_bytes, struct em_fw_stats *stats);

/**
 * em_e820_load_raw() - em_e820_sanitize() then em_e820_load(), in one
 * scratch buffer of em_fw_work_bytes(@em, @count) bytes.
 */
int em_e820_load_raw(struct earlymem *em, const void *raw, size_t count, void *work,
		     size_t work_bytes, struct em_fw_stats *stats);

/** em_e820_type_name() - "usable", "reserved", "ACPI data", ... or "unknown". */
const char *em_e820_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif

#endif
