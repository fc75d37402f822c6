/* SPDX-License-Identifier: MIT */
/*
 * earlymem Limine loader: the response to the Limine boot protocol's
 * memory map request.
 *
 * Layout read. The response is u64 revision, u64 entry_count, then a
 * pointer to an array of entry_count pointers to entries of u64 base, u64
 * length, u64 type (struct em_limine_memmap_response below has the same
 * layout as limine.h's struct limine_memmap_response, so a kernel passes
 * that straight in). Limine's pointers carry the higher-half direct map
 * offset already; they are used as given. Every revision is accepted: the
 * fields read are the same in all of them.
 *
 * Policy. Usable (0) is memory. Bootloader reclaimable (5) is memory,
 * reserved with label "bootloader": it holds the response itself, page
 * tables and the other structures Limine hands over, which the kernel
 * frees (em_free()) once it has copied what it needs. Executable and
 * modules (6) is memory reserved with label "kernel": it is RAM that the
 * kernel image and its modules occupy, so it stays memory (the page
 * allocator sees those pages as reserved and may one day free a module's),
 * not a hole in the map. Reserved (1), ACPI reclaimable (2), ACPI NVS (3),
 * bad memory (4), framebuffer (7), ACPI tables (8) and every unknown type
 * are not memory. Memory is trimmed inward to whole EM_PAGE_SIZE pages
 * after merging.
 *
 * Overlaps. Limine sorts its map and keeps usable and bootloader
 * reclaimable entries page-aligned and apart from the others, but other
 * entries (the executable's among them) may overlap and are unaligned, and
 * a map handed on by other code need not be sorted. So the map is
 * sanitized like any firmware map: where entries overlap, a type that is
 * not memory wins over reserved memory (5, 6), which wins over usable;
 * between two types of the same class the larger type number wins (so
 * "kernel" over "bootloader"). Zero-length entries are dropped, entries
 * running past the address space are cut at its end.
 */
#ifndef EARLYMEM_LIMINE_H
#define EARLYMEM_LIMINE_H

#include <earlymem/firmware.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limine memory map entry types. */
#define EM_LIMINE_USABLE 0u
#define EM_LIMINE_RESERVED 1u
#define EM_LIMINE_ACPI_RECLAIMABLE 2u
#define EM_LIMINE_ACPI_NVS 3u
#define EM_LIMINE_BAD_MEMORY 4u
#define EM_LIMINE_BOOTLOADER_RECLAIMABLE 5u
#define EM_LIMINE_EXECUTABLE_AND_MODULES 6u
#define EM_LIMINE_FRAMEBUFFER 7u
#define EM_LIMINE_ACPI_TABLES 8u /* base revision 4 */

/**
 * struct em_limine_entry - one memory map entry, as Limine lays it out
 * (struct limine_memmap_entry).
 * @base:   first address.
 * @length: bytes.
 * @type:   EM_LIMINE_USABLE, EM_LIMINE_RESERVED, ...
 */
struct em_limine_entry {
	uint64_t base;
	uint64_t length;
	uint64_t type;
};

/**
 * struct em_limine_memmap_response - the memory map response, as Limine
 * lays it out (struct limine_memmap_response).
 * @revision:    the response revision (every one is accepted).
 * @entry_count: number of entries.
 * @entries:     @entry_count pointers to entries.
 */
struct em_limine_memmap_response {
	uint64_t revision;
	uint64_t entry_count;
	const struct em_limine_entry *const *entries;
};

/**
 * em_limine_load() - register a Limine memory map response in @em (see the
 * policy above).
 * @response: a struct limine_memmap_response (8-byte aligned).
 * @work:     scratch of at least em_fw_work_bytes(@em, entry_count) bytes.
 * @stats:    what sanitizing and loading did (may be NULL); zeroed first.
 *            On an error it may hold partial counts.
 *
 * Same as em_limine_load_entries() on the response's entries.
 *
 * Return: 0; EM_EINVAL (@response NULL, entry_count above UINT32_MAX, and as
 * em_limine_load_entries());
 * EM_ENOSPC / EM_ENOMEM / EM_EFAULT.
 */
int em_limine_load(struct earlymem *em, const void *response, void *work, size_t work_bytes,
		   struct em_fw_stats *stats);

/**
 * em_limine_load_entries() - register @count Limine memory map entries,
 * given as an array of pointers (as in the response), in @em.
 * @entries: @count pointers to entries; none may be NULL. May be NULL if
 *           @count is 0 (which loads nothing and succeeds).
 * @work, @stats: as em_limine_load().
 *
 * Failure-atomic: every pointer is checked before anything changes, and a
 * load that fails half-way is rolled back.
 *
 * Return: 0; EM_EINVAL (@entries or one of its pointers NULL, @count above
 * UINT32_MAX, @work NULL or too small); EM_ENOSPC / EM_ENOMEM / EM_EFAULT
 * (the arrays cannot hold the map).
 */
int em_limine_load_entries(struct earlymem *em, const struct em_limine_entry *const *entries,
			   size_t count, void *work, size_t work_bytes, struct em_fw_stats *stats);

/** em_limine_type_name() - "usable", "bootloader reclaimable", ... or "unknown". */
const char *em_limine_type_name(uint64_t type);

#ifdef __cplusplus
}
#endif

#endif
