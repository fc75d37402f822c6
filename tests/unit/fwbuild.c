/* SPDX-License-Identifier: MIT */
#include "fwbuild.h"

#include <string.h>

#include <earlymem/efi.h>

void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void fix_checksum(uint8_t *p, size_t n, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	p[at] = (uint8_t)-s;
}

uint8_t *sim_ptr(struct phys_sim *sim, uint64_t phys)
{
	return sim->buf + phys;
}

void tbl_begin(struct tbl *t, const char *sig, uint8_t rev)
{
	memset(t->b, 0, sizeof(t->b));
	memcpy(t->b, sig, 4);
	t->b[8] = rev;
	memcpy(t->b + 10, "EMTEST", 6);
	memcpy(t->b + 16, "EARLYMEM", 8);
	t->len = EM_ACPI_HEADER_LEN;
}

void tbl_end(struct tbl *t)
{
	put32(t->b + 4, t->len);
	fix_checksum(t->b, t->len, 9);
}

void srat_begin(struct tbl *t, uint8_t rev)
{
	tbl_begin(t, "SRAT", rev);
	put32(t->b + 36, 1); /* reserved, must be 1 */
	t->len = 48;
}

void srat_mem(struct tbl *t, uint32_t pxm, uint64_t base, uint64_t len, uint32_t flags)
{
	uint8_t *s = t->b + t->len;

	s[0] = 1;
	s[1] = 40;
	put32(s + 2, pxm);
	put64(s + 8, base);
	put64(s + 16, len);
	put32(s + 28, flags);
	t->len += 40;
}

void srat_cpu(struct tbl *t, uint32_t pxm, uint8_t apic_id, uint32_t flags)
{
	uint8_t *s = t->b + t->len;

	s[0] = 0;
	s[1] = 16;
	s[2] = (uint8_t)pxm;
	s[3] = apic_id;
	put32(s + 4, flags);
	s[9] = (uint8_t)(pxm >> 8);
	s[10] = (uint8_t)(pxm >> 16);
	s[11] = (uint8_t)(pxm >> 24);
	t->len += 16;
}

void slit_build(struct tbl *t, uint64_t n, const uint8_t *d)
{
	tbl_begin(t, "SLIT", 1);
	put64(t->b + 36, n);
	if (n)
		memcpy(t->b + 44, d, n * n);
	t->len = (uint32_t)(44 + n * n);
	tbl_end(t);
}

void place(struct phys_sim *sim, uint64_t phys, const struct tbl *t)
{
	memcpy(sim_ptr(sim, phys), t->b, t->len);
}

void place_dummy(struct phys_sim *sim, uint64_t phys, const char *sig)
{
	struct tbl t;

	tbl_begin(&t, sig, 1);
	tbl_end(&t);
	place(sim, phys, &t);
}

void place_root(struct phys_sim *sim, uint64_t phys, bool xsdt, const uint64_t *e, size_t n,
		uint32_t extra)
{
	struct tbl t;

	tbl_begin(&t, xsdt ? "XSDT" : "RSDT", 1);
	for (size_t i = 0; i < n; i++) {
		if (xsdt)
			put64(t.b + t.len, e[i]);
		else
			put32(t.b + t.len, (uint32_t)e[i]);
		t.len += xsdt ? 8 : 4;
	}
	memset(t.b + t.len, 0xe3, extra); /* a trailing partial entry */
	t.len += extra;
	tbl_end(&t);
	place(sim, phys, &t);
}

void rsdp_write(uint8_t *p, size_t room, uint8_t rev, uint32_t rsdt, uint32_t length, uint64_t xsdt)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "EMTEST", 6);
	p[15] = rev;
	put32(p + 16, rsdt);
	fix_checksum(p, 20, 8);
	if (rev >= 2 && room >= 36) {
		put32(p + 20, length);
		put64(p + 24, xsdt);
		fix_checksum(p, 36, 32);
	}
}

void place_rsdp(struct phys_sim *sim, uint64_t at, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t *p = sim_ptr(sim, at);

	memset(p, 0, 36);
	rsdp_write(p, 36, rev, rsdt, 36, xsdt);
}

void place_all(struct phys_sim *sim, uint8_t rev, const struct tbl *srat, const struct tbl *slit)
{
	uint64_t entries[3] = { FACP_PHYS, SRAT_PHYS, SLIT_PHYS };
	size_t n = slit ? 3 : 2;

	place_dummy(sim, FACP_PHYS, "FACP");
	if (srat)
		place(sim, SRAT_PHYS, srat);
	else
		entries[1] = 0;
	if (slit)
		place(sim, SLIT_PHYS, slit);
	place_root(sim, RSDT_PHYS, false, entries, n, 0);
	place_root(sim, XSDT_PHYS, true, entries, n, 0);
	place_rsdp(sim, RSDP_PHYS, rev, RSDT_PHYS, rev >= 2 ? XSDT_PHYS : 0);
}

void assert_numa_untouched(const struct em_numa_info *numa)
{
	struct em_numa_info pattern;

	memset(&pattern, 0xa5, sizeof(pattern));
	assert_memory_equal(&pattern, numa, sizeof(pattern));
}

uint64_t efi_build(unsigned char *map, size_t cap, const struct desc *d, size_t n,
		   uint64_t desc_size, uint64_t virt)
{
	memset(map, 0xa5, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = map + i * desc_size;

		memcpy(p, &d[i].type, 4);
		memcpy(p + 8, &d[i].base, 8);
		memcpy(p + 16, &virt, 8);
		memcpy(p + 24, &d[i].pages, 8);
		memcpy(p + 32, &d[i].attr, 8);
	}
	return n * desc_size;
}

#define WB 0xfull

const struct desc ovmf_descs[OVMF_NDESC] = {
	{ EM_EFI_CONVENTIONAL, 0x100000, 0x700, WB },
	{ EM_EFI_BOOT_SERVICES_CODE, 0x0, 1, WB },
	{ EM_EFI_CONVENTIONAL, 0x1000, 0x9f, WB },
	{ EM_EFI_LOADER_CODE, 0x800000, 0x10, WB },
	{ EM_EFI_LOADER_DATA, 0x810000, 0x20, WB },
	{ EM_EFI_BOOT_SERVICES_DATA, 0x830000, 0x100, WB },
	{ EM_EFI_ACPI_NVS, 0x930000, 0x10, WB },
	{ EM_EFI_RUNTIME_SERVICES_DATA, 0x940000, 0x10, WB | EM_EFI_MEMORY_RUNTIME },
	{ EM_EFI_CONVENTIONAL, 0x950000, 0x6b0, WB },
	{ EM_EFI_CONVENTIONAL, 0x2000000, 0, WB },
	{ EM_EFI_MMIO, 0xffc00000, 0x400, EM_EFI_MEMORY_RUNTIME },
};
