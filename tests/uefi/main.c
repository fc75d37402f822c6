// SPDX-License-Identifier: MIT
/*
 * earlymem UEFI test image: earlymem on real firmware (OVMF under QEMU).
 *
 * Before ExitBootServices: find the ACPI RSDP, the image (LoadedImage),
 * allocate buffers, get the memory map, exit boot services (retrying on a
 * stale map key). After it, with nothing but COM1: load the map into
 * earlymem, reserve what is live (image, stack, GDT/IDT, page 0), apply
 * SRAT/SLIT, switch to page tables allocated from earlymem, allocate like a
 * kernel and check every result, hand off to a small buddy allocator
 * (pbuddy.c), allocate every page it holds and check each (those checks,
 * shared with the Multiboot2 kernel tests/mb2/main.c, are in checks.c).
 * Prints TAP on COM1 and exits QEMU through isa-debug-exit: 0x10 (exit
 * code 33) when every test passed, 0x11 (35) otherwise.
 *
 * What is checksummed to prove it was never touched: the ACPI tables (RSDP,
 * XSDT/RSDT, every table they list, by Length) and the image's .text
 * ([_text, _etext) of gnu-efi's linker script; .data holds .rodata, the GOT,
 * .data and .bss together and changes at run time, so it is not).
 *
 * -DEM_UEFI_BREAK=1 builds a deliberately broken variant: the handoff's
 * release callback also gives the buddy allocator the image's first page.
 * The checks must catch that (the runner expects this variant to fail).
 */
#include <efi.h>

#include <earlymem.h>
#include <earlymem/acpi.h>
#include <earlymem/efi.h>
#include <earlymem/x86.h>

#include "checks.h"
#include "kio.h"

#ifndef EM_UEFI_BREAK
#define EM_UEFI_BREAK 0
#endif

extern char _text[] __attribute__((visibility("hidden")));
extern char _etext[] __attribute__((visibility("hidden")));

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

static struct earlymem em;

/* What the firmware told us before ExitBootServices. */
static struct {
	uint8_t *map; /* the raw UEFI map, kept as returned (never written after) */
	UINTN map_size, map_cap, desc_size;
	UINT32 desc_ver;
	void *work;
	size_t work_bytes;
	uint64_t rsdp;
	int rsdp_v2;
	uint64_t image_base, image_size;
	uint64_t rsp;
	unsigned int ebs_tries;
} boot;

/* ------------------------------------------------------------------------ */
/* The firmware map                                                         */

static const EFI_MEMORY_DESCRIPTOR *desc(unsigned int i)
{
	return (const EFI_MEMORY_DESCRIPTOR *)(boot.map + (UINTN)i * boot.desc_size);
}

static unsigned int ndesc(void)
{
	return (unsigned int)(boot.map_size / boot.desc_size);
}

/* The descriptor holding @addr, or NULL. */
static const EFI_MEMORY_DESCRIPTOR *desc_of(uint64_t addr)
{
	for (unsigned int i = 0; i < ndesc(); i++) {
		const EFI_MEMORY_DESCRIPTOR *d = desc(i);

		if (addr >= d->PhysicalStart && addr - d->PhysicalStart < d->NumberOfPages * PAGE)
			return d;
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* The UEFI map lines, in the format emmap reads                            */

static const char *efi_type_label(uint32_t t)
{
	static const char *const names[] = {
		"Reserved",  "Loader Code",  "Loader Data",  "Boot Code",
		"Boot Data", "Runtime Code", "Runtime Data", "Conventional",
		"Unusable",  "ACPI Reclaim", "ACPI Mem NVS", "MMIO",
		"MMIO Port", "PAL Code",     "Persistent",   "Unaccepted",
	};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "Reserved";
}

/* Linux's efi=debug line (x86): efi: memNN: [Type|attribute columns] range=[s-e] (N MB) */
static void print_efi_map(void)
{
	static const struct {
		uint64_t bit;
		const char *label, *blank;
	} cols[] = {
		{ 0x8000000000000000ull, "RUN", "   " },
		{ 0x10000, "MR", "  " },
		{ 0x100000, "HP", "  " },
		{ 0x80000, "CC", "  " },
		{ 0x40000, "SP", "  " },
		{ 0x8000, "NV", "  " },
		{ 0x4000, "XP", "  " },
		{ 0x2000, "RP", "  " },
		{ 0x1000, "WP", "  " },
		{ 0x20000, "RO", "  " },
		{ 0x10, "UCE", "   " },
		{ 0x8, "WB", "  " },
		{ 0x4, "WT", "  " },
		{ 0x2, "WC", "  " },
		{ 0x1, "UC", "  " },
	};

	for (unsigned int i = 0; i < ndesc(); i++) {
		const EFI_MEMORY_DESCRIPTOR *d = desc(i);
		uint64_t end = d->PhysicalStart + d->NumberOfPages * PAGE;

		kio_printf("efi: mem%02u: [%-18s", i, efi_type_label(d->Type));
		for (unsigned int c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			kio_printf("|%s",
				   (d->Attribute & cols[c].bit) ? cols[c].label : cols[c].blank);
		kio_printf("] range=[0x%016llx-0x%016llx] (%lluMB)\n",
			   (unsigned long long)d->PhysicalStart, (unsigned long long)(end - 1),
			   (unsigned long long)(d->NumberOfPages * PAGE >> 20));
	}
}

/* ------------------------------------------------------------------------ */
/* Our own page tables: identity, from earlymem, like a kernel's first ones */

static void own_page_tables(void)
{
	struct bc_tables t;
	uint64_t cr4, top;

	bc_identity_tables(&t);
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	top = t.pml4;
	if (cr4 & (1ull << 12)) { /* LA57: five levels */
		top = bc_pt_page();
		t.pages++;
		((uint64_t *)(uintptr_t)top)[0] = t.pml4 | 3;
	}
	__asm__ volatile("mov %0, %%cr3" : : "r"(top) : "memory");
	tap(true, "own identity page tables loaded: %u pages from earlymem, %s pages, %llu GiB%s",
	    t.pages, t.g1 ? "1 GiB" : "2 MiB", (unsigned long long)(t.end / GiB),
	    (cr4 & (1ull << 12)) ? ", 5-level" : "");
}

/* ------------------------------------------------------------------------ */
/* After ExitBootServices                                                   */

static struct bc_env env = {
	.em = &em,
	.mapped_end = EM_ALLOC_ANYWHERE, /* UEFI identity-maps all RAM (and so do we) */
	.text_what = "image .text",
	.keep_what = "the image, stack, ACPI tables, buffers",
	.usable_what = "Boot Services Code/Data or Conventional memory of the firmware map",
	.variant = EM_UEFI_BREAK ? " (EM_UEFI_BREAK variant)" : "",
	.page_tables = own_page_tables,
};

/* What the firmware map says may be handed out: Boot Services Code/Data and
 * Conventional. */
static void add_usable(void)
{
	for (unsigned int i = 0; i < ndesc(); i++) {
		const EFI_MEMORY_DESCRIPTOR *d = desc(i);

		if (d->Type == EfiBootServicesCode || d->Type == EfiBootServicesData ||
		    d->Type == EfiConventionalMemory)
			bc_usable_add(d->PhysicalStart, d->PhysicalStart + d->NumberOfPages * PAGE);
	}
	bc_usable_done();
}

static _Noreturn void after_ebs(void)
{
	struct em_fw_stats fst;
	struct em_numa_info numa = { 0 };
	int rc, nr_nodes = 0;

	kio_init();
	kio_printf("\n# earlymem %s UEFI test image%s\n", EM_VERSION,
		   EM_UEFI_BREAK ? " (EM_UEFI_BREAK: deliberately broken)" : "");
	env.rsdp = boot.rsdp;
	if (EM_UEFI_BREAK) /* the handoff also gives the buddy allocator the image's first page */
		env.break_page = boot.image_base;
	bc_init(&env);
	diag("ExitBootServices after %u attempt(s); map %llu descriptors of %llu bytes",
	     boot.ebs_tries, (unsigned long long)ndesc(), (unsigned long long)boot.desc_size);
	print_efi_map();
	add_usable();
	bc_collect_sums((uint64_t)(uintptr_t)_text, (uint64_t)(uintptr_t)_etext);

	em_set_hooks(&em, &bc_hooks);
	rc = em_efi_load_map(&em, boot.map, boot.map_size, boot.desc_size, boot.desc_ver,
			     EM_EFI_DEFAULT, boot.work, boot.work_bytes, &fst);
	if (!tap(rc == 0, "em_efi_load_map: %s (%u entries, %u sanitized, %u memory ranges)",
		 em_strerror(rc), fst.entries, fst.sanitized, fst.memory_ranges))
		bc_finish();

	/* The image: relabel its Loader Code reservation. */
	uint64_t ib = round_down(boot.image_base, PAGE);
	uint64_t isz = round_up(boot.image_base + boot.image_size, PAGE) - ib;
	const EFI_MEMORY_DESCRIPTOR *d = desc_of(ib);

	tap(d && d->Type == EfiLoaderCode, "image [0x%llx-0x%llx) lies in Loader Code",
	    (unsigned long long)ib, (unsigned long long)(ib + isz));
	tap(em_range_is_reserved(&em, ib, isz), "the image is reserved by the UEFI loader policy");
	rc = em_free(&em, ib, isz);
	if (!rc)
		rc = em_reserve_label(&em, ib, isz, "image");
	tap(rc == 0, "image reserved with label \"image\": %s", em_strerror(rc));
	bc_add_keep("image", ib, isz);

	/* The stack we run on: Boot Services Data, so free to earlymem. */
	uint64_t sb = round_down(boot.rsp, PAGE) - 128 * KiB,
		 se = round_up(boot.rsp, PAGE) + 16 * KiB;

	d = desc_of(boot.rsp);
	if (tap(d && d->Type == EfiBootServicesData,
		"stack pointer 0x%llx lies in Boot Services "
		"Data",
		(unsigned long long)boot.rsp)) {
		if (sb < d->PhysicalStart)
			sb = d->PhysicalStart;
		if (se > d->PhysicalStart + d->NumberOfPages * PAGE)
			se = d->PhysicalStart + d->NumberOfPages * PAGE;
	}
	rc = em_reserve_label(&em, sb, se - sb, "stack");
	tap(rc == 0, "stack [0x%llx-0x%llx) reserved: %s", (unsigned long long)sb,
	    (unsigned long long)se, em_strerror(rc));
	bc_add_keep("stack", sb, se - sb);

	/* The firmware's GDT and IDT stay in use (Boot Services Data). */
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gdtr, idtr;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("sidt %0" : "=m"(idtr));
	uint64_t gb = round_down(gdtr.base, PAGE), ge = round_up(gdtr.base + gdtr.limit + 1, PAGE);
	uint64_t xb = round_down(idtr.base, PAGE), xe = round_up(idtr.base + idtr.limit + 1, PAGE);

	rc = em_reserve_label(&em, gb, ge - gb, "fw-gdt");
	if (!rc)
		rc = em_reserve_label(&em, xb, xe - xb, "fw-idt");
	tap(rc == 0, "firmware GDT and IDT reserved: %s", em_strerror(rc));
	bc_add_keep("GDT", gb, ge - gb);
	bc_add_keep("IDT", xb, xe - xb);
	bc_add_keep("raw firmware map", (uint64_t)(uintptr_t)boot.map, boot.map_cap);
	bc_add_keep("loader scratch", (uint64_t)(uintptr_t)boot.work, boot.work_bytes);

	rc = em_x86_reserve_low(&em, EM_X86_LOW_PAGE0);
	tap(rc == 0 && em_is_reserved(&em, 0), "page 0 reserved: %s", em_strerror(rc));

	/* NUMA */
	if (boot.rsdp)
		nr_nodes = bc_acpi_numa(&numa);
	else
		tap(false, "no ACPI RSDP in the configuration table");
	bc_run(&numa, nr_nodes);
}

/* ------------------------------------------------------------------------ */
/* Before ExitBootServices                                                  */

static bool guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;

	for (int i = 0; i < 16; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

static _Noreturn void early_fail(const char *why, EFI_STATUS st)
{
	kio_printf("\nBail out! before ExitBootServices: %s (status 0x%llx)\n", why,
		   (unsigned long long)st);
	qemu_exit(0x11);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_BOOT_SERVICES *bs = systab->BootServices;
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	EFI_GUID lip = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *li = NULL;
	UINTN size = 0, key = 0, dsize = 0;
	UINT32 dver = 0;
	EFI_STATUS st;
	uint64_t rsp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	boot.rsp = rsp;

	for (UINTN i = 0; i < systab->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &systab->ConfigurationTable[i];

		if (guid_eq(&t->VendorGuid, &acpi20)) {
			boot.rsdp = (uint64_t)(uintptr_t)t->VendorTable;
			boot.rsdp_v2 = 1;
		} else if (!boot.rsdp_v2 && guid_eq(&t->VendorGuid, &acpi10)) {
			boot.rsdp = (uint64_t)(uintptr_t)t->VendorTable;
		}
	}

	st = uefi_call_wrapper(bs->HandleProtocol, 3, image, &lip, (void **)&li);
	if (EFI_ERROR(st) || !li)
		early_fail("no LoadedImage protocol", st);
	boot.image_base = (uint64_t)(uintptr_t)li->ImageBase;
	boot.image_size = li->ImageSize;

	st = uefi_call_wrapper(bs->GetMemoryMap, 5, &size, NULL, &key, &dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL || !dsize)
		early_fail("GetMemoryMap gave no size", st);
	/* Room for the map to grow by our own allocations and more. */
	boot.map_cap = size * 2 + 8 * dsize;
	st = uefi_call_wrapper(bs->AllocatePool, 3, EfiLoaderData, boot.map_cap,
			       (void **)&boot.map);
	if (EFI_ERROR(st))
		early_fail("AllocatePool for the map", st);
	em_init(&em);
	boot.work_bytes = em_fw_work_bytes(&em, boot.map_cap / dsize);
	st = uefi_call_wrapper(bs->AllocatePool, 3, EfiLoaderData, boot.work_bytes, &boot.work);
	if (EFI_ERROR(st))
		early_fail("AllocatePool for the loader scratch", st);

	for (boot.ebs_tries = 1; boot.ebs_tries <= 16; boot.ebs_tries++) {
		size = boot.map_cap;
		st = uefi_call_wrapper(bs->GetMemoryMap, 5, &size,
				       (EFI_MEMORY_DESCRIPTOR *)boot.map, &key, &dsize, &dver);
		if (EFI_ERROR(st))
			early_fail("GetMemoryMap", st);
		boot.map_size = size;
		boot.desc_size = dsize;
		boot.desc_ver = dver;
		st = uefi_call_wrapper(bs->ExitBootServices, 2, image, key);
		if (st == EFI_SUCCESS)
			after_ebs();
		if (st != EFI_INVALID_PARAMETER)
			early_fail("ExitBootServices", st);
	}
	early_fail("ExitBootServices: the map key stayed stale", st);
}
