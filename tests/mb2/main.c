// SPDX-License-Identifier: MIT
/*
 * earlymem Multiboot2 test kernel: earlymem on the BIOS boot path (SeaBIOS,
 * GRUB, Multiboot2) under QEMU.
 *
 * boot.S enters long mode with [0, 4 GiB) identity-mapped and calls
 * mb2_main() with the Multiboot2 magic and the boot information (MBI). Here:
 * load the MBI's memory map (GRUB's BIOS e820 map, tag 6) with
 * em_mb2_load(), reserve what is live (the kernel image with its .bss, stack
 * and boot page tables; the MBI; page 0), find the ACPI RSDP by scanning
 * the EBDA and the BIOS area and apply SRAT/SLIT, switch to identity page
 * tables for all of RAM allocated from earlymem, allocate like a kernel and
 * check every result, hand off to a small buddy allocator
 * (tests/uefi/pbuddy.c), allocate every page it holds and check each. TAP
 * on COM1 (tests/uefi/kio.c), then isa-debug-exit: 0x10 (exit code 33) when
 * every test passed, 0x11 (35) otherwise. The checks after the map is
 * loaded are the UEFI image's (tests/uefi/checks.c); what "usable" means
 * here is type 1 of the e820 map.
 *
 * Checksummed to prove it was never touched: the ACPI tables and the
 * kernel's .text.
 *
 * -DEM_MB2_BREAK=1 builds a deliberately broken variant: the handoff's
 * release callback also gives the buddy allocator the kernel's first page.
 * The checks must catch that (the runner expects this variant to fail).
 */
#include <earlymem.h>
#include <earlymem/acpi.h>
#include <earlymem/efi.h> /* EM_EFI_DEFAULT, for em_mb2_load() */
#include <earlymem/multiboot2.h>
#include <earlymem/x86.h>

#include "checks.h"
#include "kio.h"

#ifndef EM_MB2_BREAK
#define EM_MB2_BREAK 0
#endif

#define MB2_BOOT_MAGIC 0x36d76289u
#define MB2_TAG_ACPI_OLD 14u
#define MB2_TAG_ACPI_NEW 15u

extern char __kernel_start[], __kernel_end[], _text[], _etext[];
extern char boot_stack_bottom[], boot_stack_top[];

void mb2_main(uint32_t magic, uint64_t mbi);
void *memset(void *d, int c, size_t n);

/* Compilers may call memset for initializers even freestanding (clang does
 * here); the library has no such symbol, so the kernel brings its own. The
 * volatile store keeps it from being turned into a call to itself. */
void *memset(void *d, int c, size_t n)
{
	volatile uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

static struct earlymem em;
static uint8_t load_work[64 * KiB] __attribute__((aligned(8)));

static struct {
	uint64_t mbi, mbi_size;
	const uint8_t *mmap; /* tag 6 */
	uint32_t mmap_size, entry_size;
	const uint8_t *acpi_copy; /* tag 15 or 14: GRUB's copy of the RSDP */
	uint32_t acpi_copy_len;
	uint64_t rsdp;
} boot;

/* ------------------------------------------------------------------------ */
/* COM1 and the MBI                                                         */

static void com1_init(void)
{
	/* SeaBIOS and GRUB may leave COM1 as they like: 115200 8N1, FIFOs on. */
	outb(0x3f8 + 1, 0x00);
	outb(0x3f8 + 3, 0x80);
	outb(0x3f8 + 0, 0x01);
	outb(0x3f8 + 1, 0x00);
	outb(0x3f8 + 3, 0x03);
	outb(0x3f8 + 4, 0x03);
	kio_init();
}

static const char *e820_name(uint32_t t)
{
	switch (t) {
	case 1:
		return "usable";
	case 3:
		return "ACPI data";
	case 4:
		return "ACPI NVS";
	case 5:
		return "unusable";
	case 7:
		return "persistent (type 7)";
	default:
		return "reserved";
	}
}

static unsigned int nentries(void)
{
	return boot.mmap ? (boot.mmap_size - EM_MB2_MMAP_HEADER) / boot.entry_size : 0;
}

static const uint8_t *entry(unsigned int i)
{
	return boot.mmap + EM_MB2_MMAP_HEADER + (uint64_t)i * boot.entry_size;
}

/* Walk the tags (GRUB's MBI is well formed; em_mb2_load() validates it too). */
static bool parse_mbi(void)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)boot.mbi;
	uint64_t off = 8;

	boot.mbi_size = rd32(p);
	while (off + 8 <= boot.mbi_size) {
		uint32_t type = rd32(p + off), size = rd32(p + off + 4);

		if (type == EM_MB2_TAG_END || size < 8)
			break;
		if (type == EM_MB2_TAG_MMAP && size >= EM_MB2_MMAP_HEADER) {
			boot.mmap = p + off;
			boot.mmap_size = size;
			boot.entry_size = rd32(p + off + 8);
		} else if (type == MB2_TAG_ACPI_NEW ||
			   (type == MB2_TAG_ACPI_OLD && !boot.acpi_copy)) {
			boot.acpi_copy = p + off + 8;
			boot.acpi_copy_len = size - 8;
		}
		off = round_up(off + size, 8);
	}
	return boot.mmap && boot.entry_size >= EM_MB2_MMAP_ENTRY_MIN;
}

/* Linux's e820 lines: "BIOS-e820: [mem 0x...-0x...] usable" (emmap reads them). */
static void print_e820(void)
{
	for (unsigned int i = 0; i < nentries(); i++) {
		const uint8_t *e = entry(i);
		uint64_t b = rd64(e), l = rd64(e + 8);

		if (l)
			kio_printf("BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n",
				   (unsigned long long)b, (unsigned long long)(b + l - 1),
				   e820_name(rd32(e + 16)));
	}
}

/* What the e820 map calls usable: type 1. */
static void add_usable(void)
{
	for (unsigned int i = 0; i < nentries(); i++) {
		const uint8_t *e = entry(i);

		if (rd32(e + 16) == 1)
			bc_usable_add(rd64(e), rd64(e) + rd64(e + 8));
	}
	bc_usable_done();
}

/* ------------------------------------------------------------------------ */
/* The RSDP: the first 1 KiB of the EBDA, then 0xE0000-0xFFFFF (ACPI 5.2.5.1) */

/* A pointer to low physical memory GCC cannot see as a constant (it warns
 * about constant addresses it thinks point nowhere). */
static const volatile uint8_t *low_ptr(uint64_t a)
{
	__asm__("" : "+r"(a));
	return (const volatile uint8_t *)(uintptr_t)a;
}

static bool rsdp_at(uint64_t a)
{
	const volatile uint8_t *p = low_ptr(a);
	static const char sig[8] = "RSD PTR ";
	uint8_t sum = 0;

	for (int i = 0; i < 8; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	for (int i = 0; i < 20; i++)
		sum += p[i];
	return sum == 0;
}

static uint64_t find_rsdp(const char **where)
{
	const volatile uint8_t *bda = low_ptr(0x40e);
	uint64_t ebda = (uint64_t)(bda[0] | bda[1] << 8) << 4;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		for (uint64_t a = ebda; a < ebda + 1024; a += 16)
			if (rsdp_at(a)) {
				*where = "EBDA";
				return a;
			}
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
		if (rsdp_at(a)) {
			*where = "BIOS area 0xE0000-0xFFFFF";
			return a;
		}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Our own page tables for all of RAM, from earlymem                        */

static void own_page_tables(void);

static struct bc_env env = {
	.em = &em,
	.mapped_end = 4 * GiB, /* boot.S maps [0, 4 GiB); own_page_tables() all RAM */
	.text_what = "kernel .text",
	.keep_what = "the kernel, stack, MBI, ACPI tables",
	.usable_what = "usable (type 1) e820 memory",
	.variant = EM_MB2_BREAK ? " (EM_MB2_BREAK variant)" : "",
	.page_tables = own_page_tables,
};

static void own_page_tables(void)
{
	struct bc_tables t;

	bc_identity_tables(&t);
	__asm__ volatile("mov %0, %%cr3" : : "r"(t.pml4) : "memory");
	bool below = t.pml4 + PAGE <= env.mapped_end && t.pdpt + PAGE <= env.mapped_end;

	env.mapped_end = t.end;
	em_set_current_limit(&em, EM_ALLOC_ANYWHERE);
	tap(below,
	    "own identity page tables loaded: %u pages from earlymem below the boot "
	    "mapping's 4 GiB limit, %s pages, %llu GiB (all memory); limit lifted",
	    t.pages, t.g1 ? "1 GiB" : "2 MiB", (unsigned long long)(t.end / GiB));
}

/* ------------------------------------------------------------------------ */
/* The kernel                                                               */

void mb2_main(uint32_t magic, uint64_t mbi)
{
	struct em_fw_stats fst;
	struct em_numa_info numa = { 0 };
	int rc, nr_nodes = 0;
	const char *where = "nowhere";

	com1_init();
	if (EM_MB2_BREAK) /* the handoff also gives the buddy allocator the kernel's first page */
		env.break_page = (uint64_t)(uintptr_t)__kernel_start;
	bc_init(&env);
	kio_printf("\n# earlymem %s Multiboot2 test kernel (SeaBIOS, GRUB)%s\n", EM_VERSION,
		   EM_MB2_BREAK ? " (EM_MB2_BREAK: deliberately broken)" : "");
	if (!tap(magic == MB2_BOOT_MAGIC, "Multiboot2 magic 0x%x in EAX", magic))
		bc_finish();
	boot.mbi = mbi;
	bool have_map = parse_mbi();

	if (!tap(have_map,
		 "MBI at 0x%llx (%llu bytes) has a memory map tag: %u entries of %u "
		 "bytes",
		 (unsigned long long)mbi, (unsigned long long)boot.mbi_size, nentries(),
		 boot.entry_size))
		bc_finish();
	print_e820();
	add_usable();

	/* The RSDP, before anything can be allocated over the BIOS data area. */
	boot.rsdp = find_rsdp(&where);
	tap(boot.rsdp != 0, "ACPI RSDP found at 0x%llx (%s)", (unsigned long long)boot.rsdp, where);
	if (boot.acpi_copy && boot.rsdp) {
		const uint8_t *r = (const uint8_t *)(uintptr_t)boot.rsdp;
		bool same = boot.acpi_copy_len >= 20;

		for (uint32_t i = 0; same && i < 20; i++)
			same = r[i] == boot.acpi_copy[i];
		tap(same, "the scanned RSDP matches GRUB's copy in the MBI (ACPI tag)");
	}
	env.rsdp = boot.rsdp;
	bc_collect_sums((uint64_t)(uintptr_t)_text, (uint64_t)(uintptr_t)_etext);

	em_init(&em);
	em_set_hooks(&em, &bc_hooks);
	/* Like memblock's current limit: only what boot.S mapped until our own
	 * page tables cover all of RAM (own_page_tables() lifts it). */
	em_set_current_limit(&em, env.mapped_end);
	size_t wb = em_mb2_work_bytes(&em, (const void *)(uintptr_t)mbi);

	if (!tap(wb && wb <= sizeof(load_work), "em_mb2_work_bytes: %llu (have %llu)",
		 (unsigned long long)wb, (unsigned long long)sizeof(load_work)))
		bc_finish();
	rc = em_mb2_load(&em, (const void *)(uintptr_t)mbi, load_work, sizeof(load_work),
			 EM_EFI_DEFAULT, &fst);
	if (!tap(rc == 0, "em_mb2_load: %s (%u entries, %u sanitized, %u memory ranges)",
		 em_strerror(rc), fst.entries, fst.sanitized, fst.memory_ranges))
		bc_finish();

	/* The kernel image (its .bss holds the stack and the boot page tables) and the MBI. */
	uint64_t kb = (uint64_t)(uintptr_t)__kernel_start, ke = (uint64_t)(uintptr_t)__kernel_end;
	const struct em_x86_boot xb = { .kernel_base = kb, .kernel_size = ke - kb };

	tap(bc_is_usable(round_down(kb, PAGE), round_up(ke, PAGE)),
	    "kernel [0x%llx-0x%llx) lies in usable e820 memory (the map does not mark it)",
	    (unsigned long long)kb, (unsigned long long)ke);
	rc = em_x86_reserve_boot(&em, &xb);
	tap(rc == 0 && em_range_is_reserved(&em, round_down(kb, PAGE),
					    round_up(ke, PAGE) - round_down(kb, PAGE)),
	    "kernel reserved with em_x86_reserve_boot: %s", em_strerror(rc));
	bc_add_keep("kernel image", kb, ke - kb);
	uint64_t sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	tap(sp > (uint64_t)(uintptr_t)boot_stack_bottom &&
		    sp <= (uint64_t)(uintptr_t)boot_stack_top,
	    "stack pointer 0x%llx lies in the kernel's .bss stack", (unsigned long long)sp);
	bc_add_keep("stack", (uint64_t)(uintptr_t)boot_stack_bottom,
		    (uint64_t)(uintptr_t)(boot_stack_top - boot_stack_bottom));

	uint64_t mb = round_down(mbi, PAGE), me = round_up(mbi + boot.mbi_size, PAGE);

	rc = em_reserve_label(&em, mb, me - mb, "mbi");
	tap(rc == 0, "MBI [0x%llx-0x%llx) reserved: %s", (unsigned long long)mb,
	    (unsigned long long)me, em_strerror(rc));
	bc_add_keep("MBI", mb, me - mb);

	rc = em_x86_reserve_low(&em, EM_X86_LOW_PAGE0);
	tap(rc == 0 && em_is_reserved(&em, 0), "page 0 reserved: %s", em_strerror(rc));
	bc_add_keep("page 0 (BIOS data area)", 0, PAGE);

	if (boot.rsdp)
		nr_nodes = bc_acpi_numa(&numa);
	bc_run(&numa, nr_nodes);
}
