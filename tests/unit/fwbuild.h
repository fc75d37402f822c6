/* SPDX-License-Identifier: MIT */
/*
 * Firmware-table builders shared by the unit tests: ACPI tables (RSDP,
 * RSDT/XSDT, SRAT, SLIT) with correct checksums, placed in a simulated
 * physical memory, and UEFI memory descriptors, with the OVMF-like map
 * several loaders are tested against.
 */
#ifndef EM_TEST_FWBUILD_H
#define EM_TEST_FWBUILD_H

#include "common.h"

#include <earlymem/acpi.h>

/* Little-endian stores. */
void put32(uint8_t *p, uint32_t v);
void put64(uint8_t *p, uint64_t v);

/* Sets byte @at so that the first @n bytes of @p sum to 0. */
void fix_checksum(uint8_t *p, size_t n, size_t at);

/* The host pointer of @phys inside @sim (which must start at 0). */
uint8_t *sim_ptr(struct phys_sim *sim, uint64_t phys);

/* ---- ACPI ---------------------------------------------------------------- */

/* Where the tables live in the simulated physical memory. */
#define RSDP_PHYS 0xe0000ull
#define RSDT_PHYS 0xe1000ull
#define XSDT_PHYS 0xe2000ull
#define FACP_PHYS 0xe3000ull
#define SRAT_PHYS 0xe4000ull
#define SLIT_PHYS 0xe6000ull
#define ALT_PHYS 0xe7000ull
#define NOWHERE_PHYS 0xdead000000ull

#define SRAT_EN 0x1u
#define SRAT_HP 0x2u
#define SRAT_NV 0x4u

/* A table under construction. */
struct tbl {
	uint8_t b[8192];
	uint32_t len;
};

/* Starts a table of @sig and @rev: the header only. */
void tbl_begin(struct tbl *t, const char *sig, uint8_t rev);
/* Sets Length and the checksum. */
void tbl_end(struct tbl *t);

void srat_begin(struct tbl *t, uint8_t rev);
void srat_mem(struct tbl *t, uint32_t pxm, uint64_t base, uint64_t len, uint32_t flags);
/* Processor local APIC affinity: domain bits 7:0 at 2, 31:8 at 9..11. */
void srat_cpu(struct tbl *t, uint32_t pxm, uint8_t apic_id, uint32_t flags);
/* A whole SLIT of @n localities with the @n * @n distances @d. */
void slit_build(struct tbl *t, uint64_t n, const uint8_t *d);

/* Copies @t to @phys. */
void place(struct phys_sim *sim, uint64_t phys, const struct tbl *t);
/* A table of @sig with no body at @phys. */
void place_dummy(struct phys_sim *sim, uint64_t phys, const char *sig);
/* A root table (RSDT: 32-bit entries, XSDT: 64-bit) at @phys, then @extra bytes of 0xe3. */
void place_root(struct phys_sim *sim, uint64_t phys, bool xsdt, const uint64_t *e, size_t n,
		uint32_t extra);
/*
 * An RSDP of @rev at @p, with @room bytes there: the 20 bytes of revision 1,
 * and for revision 2 (if @room holds 36) @length, @xsdt and the extended checksum.
 */
void rsdp_write(uint8_t *p, size_t room, uint8_t rev, uint32_t rsdt, uint32_t length,
		uint64_t xsdt);
/* An RSDP of @rev at @at: 20 bytes (rev < 2) or 36 with XsdtAddress. */
void place_rsdp(struct phys_sim *sim, uint64_t at, uint8_t rev, uint32_t rsdt, uint64_t xsdt);
/* A full set of tables: RSDP (@rev) -> RSDT and XSDT -> FACP, SRAT (@srat), SLIT (@slit). */
void place_all(struct phys_sim *sim, uint8_t rev, const struct tbl *srat, const struct tbl *slit);

/* Asserts @numa still holds the 0xa5 pattern the fixtures write before a call. */
void assert_numa_untouched(const struct em_numa_info *numa);

/* ---- UEFI ---------------------------------------------------------------- */

struct desc {
	uint32_t type;
	uint64_t base, pages, attr;
};

/*
 * Writes @n descriptors of DescriptorSize @desc_size to @map (@cap bytes,
 * 0xa5 where nothing is written), VirtualStart @virt; returns the map size.
 */
uint64_t efi_build(unsigned char *map, size_t cap, const struct desc *d, size_t n,
		   uint64_t desc_size, uint64_t virt);

/* A small OVMF-like map, unsorted, with a zero-page descriptor. */
#define OVMF_NDESC 11
extern const struct desc ovmf_descs[OVMF_NDESC];

#endif
