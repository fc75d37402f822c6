/* SPDX-License-Identifier: MIT */
/*
 * earlymem Multiboot2 loader: the memory maps in the Multiboot2 boot
 * information (MBI) a boot loader such as GRUB passes in EBX.
 *
 * Layout read. The MBI is u32 total_size (all of it, the fixed part and the
 * end tag included), u32 reserved, then tags, each starting on an 8-byte
 * boundary: u32 type, u32 size (header included, padding excluded). Tag 0
 * ends the list. Tag 6 is the BIOS memory map: u32 entry_size, u32
 * entry_version, then entries of u64 base_addr, u64 length, u32 type (the
 * e820 types), u32 reserved, stepped by entry_size (larger entries keep
 * those fields first). Tag 17 is the UEFI memory map: u32 descriptor_size,
 * u32 descriptor_version, then the EFI_MEMORY_DESCRIPTORs GetMemoryMap()
 * returned, stepped by descriptor_size. Everything is read byte by byte, so
 * the MBI may have any alignment.
 *
 * Validation. Nothing is read past total_size or past the size of a tag.
 * The MBI is rejected (EM_EINVAL) when total_size cannot hold the fixed
 * part and an end tag, a tag header or a tag runs past total_size, a tag is
 * smaller than its header, the list has no end tag, a memory map tag is
 * shorter than its own header, its entry size is below 24 (40 for UEFI) or
 * not a multiple of 8, its entries do not fill it exactly (a truncated
 * entry), or a memory map tag appears twice (two maps are ambiguous: it
 * is not guessed which one the loader meant). Other tags are skipped
 * unread, whatever their type. A memory map tag without entries counts as
 * absent; an MBI without a memory map tag (with entries) gives EM_ENOENT.
 *
 * Policy. When the MBI holds a UEFI map it is used, with the UEFI policy
 * and options (see efi.h): it is the firmware's own map, with attributes
 * and the boot loader's and boot services' memory told apart, where the
 * BIOS map GRUB derives from it has lost both. Otherwise the BIOS map is
 * loaded with the e820 policy (see e820.h): overlaps resolved by the
 * larger type number, type 1 is memory trimmed to whole pages, soft
 * reserved is reserved but not memory, everything else is not memory.
 * The BIOS map lists the memory holding the kernel, the modules and the MBI
 * itself as available RAM (the UEFI map as Loader Data): reserve what must
 * survive afterwards (em_x86_reserve_boot(), em_reserve_label()).
 */
#ifndef EARLYMEM_MULTIBOOT2_H
#define EARLYMEM_MULTIBOOT2_H

#include <earlymem/firmware.h>
#include <earlymem/efi.h> /* em_mb2_load()'s options are EM_EFI_* */

#ifdef __cplusplus
extern "C" {
#endif

/* Tag types earlymem reads. */
#define EM_MB2_TAG_END 0u
#define EM_MB2_TAG_MMAP 6u
#define EM_MB2_TAG_EFI_MMAP 17u

/* Tag header (type, size) and memory map tag header (plus entry size and version). */
#define EM_MB2_TAG_HEADER 8u
#define EM_MB2_MMAP_HEADER 16u
/* The smallest memory map entry: u64 base_addr, u64 length, u32 type, u32 reserved. */
#define EM_MB2_MMAP_ENTRY_MIN 24u

/**
 * em_mb2_work_bytes() - scratch em_mb2_load() needs for @mbi into @em as it
 * is now: em_fw_work_bytes() for the entries of the map it would load.
 *
 * Return: the byte count; 0 when @mbi is NULL or em_mb2_load() would
 * reject it (malformed, or no memory map tag).
 */
size_t em_mb2_work_bytes(const struct earlymem *em, const void *mbi);

/**
 * em_mb2_load() - register the memory map of a Multiboot2 boot information
 * structure in @em (see the policy above).
 * @mbi:         the boot information (any alignment), total_size bytes.
 * @work:        scratch of at least em_mb2_work_bytes(@em, @mbi) bytes.
 * @efi_options: em_efi_load() options for a UEFI map (EM_EFI_DEFAULT, ...);
 *               checked even when the MBI has no UEFI map.
 * @stats:       what sanitizing and loading did (may be NULL); zeroed
 *               first. On an error it may hold partial counts.
 *
 * The whole MBI is validated before anything changes, and the load is
 * failure-atomic: on an error @em is exactly as it was.
 *
 * Return: 0; EM_EINVAL (@mbi NULL, malformed MBI or map as listed above,
 * unknown @efi_options bit, @work NULL or too small); EM_ENOENT (no memory
 * map tag with entries); EM_ENOSPC / EM_ENOMEM / EM_EFAULT (the arrays cannot hold the
 * map).
 */
int em_mb2_load(struct earlymem *em, const void *mbi, void *work, size_t work_bytes,
		uint32_t efi_options, struct em_fw_stats *stats);

#ifdef __cplusplus
}
#endif

#endif
