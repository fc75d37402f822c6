/* SPDX-License-Identifier: MIT */
/*
 * earlymem firmware tables: the sanitized form every loader produces, and
 * what loading it did.
 *
 * A loader turns the firmware's list of typed ranges (which may be
 * unsorted, overlapping, zero-sized or run past the end of the address
 * space) into a sanitized table: sorted, disjoint, no empty entries,
 * adjacent entries of the same type and attributes merged. Overlaps are
 * resolved by a change-point sweep in O(n log n); which entry wins an
 * overlap is the loader's rule (e820: the larger type number; UEFI: the
 * non-memory type). Then it loads the table into an instance in one
 * failure-atomic step.
 *
 * Sanitizing needs scratch memory the caller provides, EM_FW_WORK_BYTES(n)
 * bytes for n firmware entries (about 100 bytes an entry; a kernel keeps it
 * in .bss and may reuse it afterwards): the library has no allocator of its
 * own before the map is loaded. Loading needs scratch too, to save the
 * instance so that a load that fails half-way can be rolled back
 * (em_txn_bytes(): 32 bytes per region the instance holds).
 */
#ifndef EARLYMEM_FIRMWARE_H
#define EARLYMEM_FIRMWARE_H

#include <earlymem.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct em_fw_entry - one entry of a sanitized firmware table.
 * @base: first address.
 * @size: bytes, never 0; base + size <= EM_ADDR_END.
 * @type: the firmware's type number (e820 type, EFI memory type, ...).
 * @attr: loader-specific attributes (UEFI: the descriptor's Attribute).
 */
struct em_fw_entry {
	uint64_t base;
	uint64_t size;
	uint32_t type;
	uint32_t pad_;
	uint64_t attr;
};

/* Scratch bytes a loader needs to sanitize @n firmware entries. */
#define EM_FW_WORK_BYTES(n) ((size_t)(n) * (3 * sizeof(struct em_fw_entry) + sizeof(uint32_t)) + 64)

/**
 * em_fw_work_bytes() - scratch a one-call loader (em_e820_load_raw(),
 * em_efi_load_map(), em_limine_load()) needs for @entries firmware entries
 * into @em as it is now: EM_FW_WORK_BYTES(@entries) for the table, plus
 * em_txn_bytes(@em) to save the instance so a failed load can be rolled
 * back, plus alignment slack.
 *
 * The answer grows with the regions @em holds, so compute it right before
 * the load. There is no overflow check (@entries is a firmware count).
 *
 * Return: the byte count.
 */
size_t em_fw_work_bytes(const struct earlymem *em, size_t entries);

/**
 * struct em_fw_stats - what sanitizing and loading did.
 * @entries:        firmware entries read.
 * @empty:          entries of size 0, dropped.
 * @clamped:        entries whose end passed EM_ADDR_END, cut there.
 * @clamped_bytes:  bytes cut off by that.
 * @overlapping:    entries that overlap another entry.
 * @merged:         times the sweep extended a sanitized entry with the next
 *                  piece of the same type and attributes (adjacent entries
 *                  of one type, or one entry continuing past an overlap).
 *                  A measure of how much the input was joined, not a count
 *                  of input entries.
 * @sanitized:      entries in the sanitized table.
 * @memory_bytes:   bytes the table gives as memory (before page trimming).
 * @trimmed_bytes:  bytes of memory dropped to keep whole pages only.
 * @memory_ranges:  memory ranges loaded (after trimming).
 * @reserved_ranges: ranges reserved by the loader.
 */
struct em_fw_stats {
	uint32_t entries;
	uint32_t empty;
	uint32_t clamped;
	uint32_t overlapping;
	uint32_t merged;
	uint32_t sanitized;
	uint32_t memory_ranges;
	uint32_t reserved_ranges;
	uint64_t clamped_bytes;
	uint64_t memory_bytes;
	uint64_t trimmed_bytes;
};

#ifdef __cplusplus
}
#endif

#endif
