/* SPDX-License-Identifier: MIT */
/*
 * earlymem UEFI loader: the memory map GetMemoryMap() returns.
 *
 * Descriptors are walked by the firmware's DescriptorSize (OVMF uses 48;
 * the structure is 40), never by sizeof. The map may be unsorted, hold
 * zero-page descriptors and (a firmware bug) overlap.
 *
 * Policy. Loader Code/Data (1, 2), Boot Services Code/Data (3, 4) and
 * Conventional (7) are memory; Unaccepted (15) is memory with
 * EM_UNACCEPTED; every other type is not memory. Attribute MORE_RELIABLE
 * gives EM_MIRROR, HOT_PLUGGABLE gives EM_HOTPLUG, SPECIFIC_PURPOSE makes
 * the range soft reserved: reserved with label "soft-reserved", not
 * memory. Loader Code/Data are reserved with label "efi-loader" (the
 * running image lives there) unless the options drop
 * EM_EFI_RESERVE_LOADER; EM_EFI_KEEP_BOOT_SERVICES reserves Boot Services
 * Code/Data too, label "efi-boot-services". Where descriptors overlap (a
 * firmware bug; the stats count them), the most cautious type wins: not
 * memory (or SPECIFIC_PURPOSE memory), then Loader Code/Data (the running
 * image), then Unaccepted (using unaccepted memory is fatal, accepting it
 * twice is not), then Boot Services Code/Data, then Conventional; ties go
 * to the larger type number, then the larger Attribute. Attributes are not
 * combined: a MORE_RELIABLE range overlapped by another type loses
 * EM_MIRROR there (not mirrored is the safe assumption).
 */
#ifndef EARLYMEM_EFI_H
#define EARLYMEM_EFI_H

#include <earlymem/firmware.h>

#ifdef __cplusplus
extern "C" {
#endif

/* EFI_MEMORY_TYPE values. */
#define EM_EFI_RESERVED_TYPE 0u
#define EM_EFI_LOADER_CODE 1u
#define EM_EFI_LOADER_DATA 2u
#define EM_EFI_BOOT_SERVICES_CODE 3u
#define EM_EFI_BOOT_SERVICES_DATA 4u
#define EM_EFI_RUNTIME_SERVICES_CODE 5u
#define EM_EFI_RUNTIME_SERVICES_DATA 6u
#define EM_EFI_CONVENTIONAL 7u
#define EM_EFI_UNUSABLE 8u
#define EM_EFI_ACPI_RECLAIM 9u
#define EM_EFI_ACPI_NVS 10u
#define EM_EFI_MMIO 11u
#define EM_EFI_MMIO_PORT_SPACE 12u
#define EM_EFI_PAL_CODE 13u
#define EM_EFI_PERSISTENT 14u
#define EM_EFI_UNACCEPTED 15u

/* EFI_MEMORY_DESCRIPTOR.Attribute bits earlymem reads. */
#define EM_EFI_MEMORY_MORE_RELIABLE 0x10000ull
#define EM_EFI_MEMORY_SP 0x40000ull
#define EM_EFI_MEMORY_HOT_PLUGGABLE 0x100000ull
#define EM_EFI_MEMORY_RUNTIME 0x8000000000000000ull

/* The smallest descriptor: Type, pad, PhysicalStart, VirtualStart, NumberOfPages, Attribute. */
#define EM_EFI_DESC_MIN_SIZE 40u
#define EM_EFI_PAGE_SIZE 4096u

/* Options of em_efi_load(). */
#define EM_EFI_RESERVE_LOADER 0x1u     /* reserve Loader Code/Data as "efi-loader" */
#define EM_EFI_KEEP_BOOT_SERVICES 0x2u /* reserve Boot Services Code/Data too */
#define EM_EFI_DEFAULT EM_EFI_RESERVE_LOADER

/**
 * em_efi_sanitize() - turn a UEFI memory map into a sanitized table
 * (entry attr = the descriptor's Attribute, type = its Type).
 * @map, @map_size:  the buffer and the byte size GetMemoryMap() reported.
 * @desc_size:       its DescriptorSize; @desc_version is not checked (every
 *                   version so far shares the first 40 bytes).
 * @work, @work_bytes: scratch, at least EM_FW_WORK_BYTES(map_size / desc_size).
 * @table, @n, @stats: as em_e820_sanitize().
 *
 * Descriptors whose NumberOfPages would run past the address space are cut
 * at its end (stats.clamped).
 *
 * Return: 0; EM_EINVAL (@desc_size below 40 or not a multiple of 8,
 * @map_size not a multiple of @desc_size, @map NULL with @map_size > 0,
 * NULL outputs, @work too small).
 */
int em_efi_sanitize(const void *map, uint64_t map_size, uint64_t desc_size, uint32_t desc_version,
		    void *work, size_t work_bytes, const struct em_fw_entry **table, size_t *n,
		    struct em_fw_stats *stats);

/**
 * em_efi_load() - register a sanitized UEFI table in @em per the policy
 * above and @options; @work as for em_e820_load(). Failure-atomic, like
 * em_e820_load().
 *
 * Return: 0; EM_EINVAL (unknown option, table not sanitized); EM_ENOSPC /
 * EM_ENOMEM / EM_EFAULT.
 */
int em_efi_load(struct earlymem *em, const struct em_fw_entry *table, size_t n, uint32_t options,
		void *work, size_t work_bytes, struct em_fw_stats *stats);

/**
 * em_efi_load_map() - em_efi_sanitize() then em_efi_load(), in one scratch
 * buffer of em_fw_work_bytes(@em, @map_size / @desc_size) bytes.
 */
int em_efi_load_map(struct earlymem *em, const void *map, uint64_t map_size, uint64_t desc_size,
		    uint32_t desc_version, uint32_t options, void *work, size_t work_bytes,
		    struct em_fw_stats *stats);

/** em_efi_type_name() - "Conventional", "Loader Data", ... or "unknown". */
const char *em_efi_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif

#endif
