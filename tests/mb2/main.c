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
 * every test passed, 0x11 (35) otherwise. The checks follow the UEFI image
 * (tests/uefi/main.c); what "usable" means here is type 1 of the e820 map.
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
#include <earlymem/handoff.h>
#include <earlymem/multiboot2.h>
#include <earlymem/x86.h>

#include "kio.h"
#include "pbuddy.h"

#ifndef EM_MB2_BREAK
#define EM_MB2_BREAK 0
#endif

#define PAGE 4096ull
#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

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
static uint8_t acpi_work[64 * KiB] __attribute__((aligned(8)));

static struct {
	uint64_t mbi, mbi_size;
	const uint8_t *mmap; /* tag 6 */
	uint32_t mmap_size, entry_size;
	const uint8_t *acpi_copy; /* tag 15 or 14: GRUB's copy of the RSDP */
	uint32_t acpi_copy_len;
	uint64_t rsdp;
} boot;

static inline uint64_t round_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static inline uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t mapped_end = 4 * GiB; /* boot.S maps [0, 4 GiB); own_page_tables() all RAM */

static void *p2v(void *ctx, uint64_t phys)
{
	(void)ctx;
	/* identity-mapped below mapped_end, nothing above */
	return phys < mapped_end ? (void *)(uintptr_t)phys : NULL;
}

static void logline(void *ctx, const char *line)
{
	(void)ctx;
	kio_puts(line);
}

static _Noreturn void finish(void)
{
	kio_printf("1..%u\n", tap_count());
	diag("%u tests, %u failed%s", tap_count(), tap_failed(),
	     EM_MB2_BREAK ? " (EM_MB2_BREAK variant)" : "");
	kio_puts(tap_failed() ? "RESULT: FAIL\n" : "RESULT: PASS\n");
	qemu_exit(tap_failed() ? 0x11 : 0x10);
}

static _Noreturn void bail(const char *why)
{
	kio_printf("Bail out! %s\n", why);
	qemu_exit(0x11);
}

static uint32_t rd32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t rd64(const void *p)
{
	return rd32(p) | (uint64_t)rd32((const uint8_t *)p + 4) << 32;
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a < b + bs && b < a + as;
}

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

/* What the e820 map calls usable (type 1), sorted and merged. */
static struct {
	uint64_t base, end;
} usable[256];
static unsigned int nusable;

static void build_usable(void)
{
	nusable = 0;
	for (unsigned int i = 0; i < nentries(); i++) {
		const uint8_t *e = entry(i);
		uint64_t b = rd64(e), l = rd64(e + 8);
		unsigned int j;

		if (rd32(e + 16) != 1 || !l || nusable == sizeof(usable) / sizeof(usable[0]))
			continue;
		for (j = nusable; j > 0 && usable[j - 1].base > b; j--)
			usable[j] = usable[j - 1];
		usable[j].base = b;
		usable[j].end = b + l;
		nusable++;
	}
	unsigned int w = 0;

	for (unsigned int i = 0; i < nusable; i++) {
		if (w && usable[w - 1].end >= usable[i].base) {
			if (usable[i].end > usable[w - 1].end)
				usable[w - 1].end = usable[i].end;
		} else {
			usable[w++] = usable[i];
		}
	}
	nusable = w;
}

static bool is_usable(uint64_t base, uint64_t end)
{
	for (unsigned int i = 0; i < nusable; i++)
		if (usable[i].base <= base && end <= usable[i].end)
			return true;
	return false;
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
/* Checksums of what must never change                                      */

struct sum {
	const char *what;
	char sig[5];
	uint64_t base, len, hash;
};

static struct sum sums[64];
static unsigned int nsums;

static void add_sum(const char *what, const char *sig, uint64_t base, uint64_t len)
{
	struct sum *s;

	if (nsums == sizeof(sums) / sizeof(sums[0]) || !len)
		return;
	s = &sums[nsums++];
	s->what = what;
	for (int i = 0; i < 4; i++)
		s->sig[i] = sig ? sig[i] : ' ';
	s->sig[4] = '\0';
	s->base = base;
	s->len = len;
	s->hash = hash64((const void *)(uintptr_t)base, len);
}

static void collect_sums(void)
{
	add_sum("kernel .text", "TEXT", (uint64_t)(uintptr_t)_text,
		(uint64_t)(uintptr_t)_etext - (uint64_t)(uintptr_t)_text);
	if (!boot.rsdp)
		return;

	const uint8_t *rsdp = (const uint8_t *)(uintptr_t)boot.rsdp;
	uint64_t root, rlen;
	unsigned int esz;

	add_sum("ACPI RSDP", "RSDP", boot.rsdp, rsdp[15] >= 2 ? rd32(rsdp + 20) : 20);
	if (rsdp[15] >= 2 && rd64(rsdp + 24)) {
		root = rd64(rsdp + 24);
		esz = 8;
	} else {
		root = rd32(rsdp + 16);
		esz = 4;
	}
	if (!root)
		return;
	rlen = rd32((const uint8_t *)(uintptr_t)root + 4);
	add_sum("ACPI root table", (const char *)(uintptr_t)root, root, rlen);
	for (uint64_t off = 36; off + esz <= rlen; off += esz) {
		const uint8_t *e = (const uint8_t *)(uintptr_t)(root + off);
		uint64_t t = esz == 8 ? rd64(e) : rd32(e);

		if (t)
			add_sum("ACPI table", (const char *)(uintptr_t)t, t,
				rd32((const uint8_t *)(uintptr_t)t + 4));
	}
}

static bool check_sums(const char *when)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < nsums; i++) {
		if (hash64((const void *)(uintptr_t)sums[i].base, sums[i].len) != sums[i].hash) {
			diag("%s %s at 0x%llx (%llu bytes) changed", sums[i].what, sums[i].sig,
			     (unsigned long long)sums[i].base, (unsigned long long)sums[i].len);
			bad++;
		}
	}
	return tap(!bad && nsums,
		   "%s: ACPI tables and kernel .text unchanged (%u ranges checksummed)", when,
		   nsums);
}

/* Ranges that must never be handed out, whatever earlymem thinks. */
static struct {
	const char *what;
	uint64_t base, size;
} keep[16];
static unsigned int nkeep;

static void add_keep(const char *what, uint64_t base, uint64_t size)
{
	if (nkeep < sizeof(keep) / sizeof(keep[0])) {
		keep[nkeep].what = what;
		keep[nkeep].base = base;
		keep[nkeep++].size = size;
	}
}

/* ------------------------------------------------------------------------ */
/* Allocations with patterns (as tests/uefi/main.c)                         */

struct alloc {
	uint64_t base, size, seed;
	const char *label;
};

static struct alloc allocs[1024];
static unsigned int nallocs;

static uint64_t pattern(uint64_t addr, uint64_t seed)
{
	return (addr * 0x9e3779b97f4a7c15ull) ^ seed;
}

static uint64_t pattern_word(uint64_t a, uint64_t seed, bool verify)
{
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)a;

	if (!verify) {
		*w = pattern(a, seed);
		return 0;
	}
	return *w != pattern(a, seed);
}

/* Up to 4 MiB every word; larger blocks the first and last word of every
 * page of their first and last 2 MiB (TCG: first writes commit host RAM). */
static uint64_t pattern_pass(uint64_t base, uint64_t size, uint64_t seed, bool verify)
{
	uint64_t bad = 0;

	if (size <= 4 * MiB) {
		for (uint64_t a = base; a < base + size; a += 8)
			bad += pattern_word(a, seed, verify);
		return bad;
	}
	for (uint64_t pg = base; pg < base + size; pg += PAGE) {
		if (pg == base + 2 * MiB)
			pg = base + size - 2 * MiB;
		bad += pattern_word(pg, seed, verify);
		bad += pattern_word(pg + PAGE - 8, seed, verify);
	}
	return bad;
}

static void record(uint64_t base, uint64_t size, const char *label)
{
	struct alloc *a;

	if (nallocs == sizeof(allocs) / sizeof(allocs[0]))
		bail("too many allocations for the test's table");
	a = &allocs[nallocs++];
	a->base = base;
	a->size = size;
	a->seed = 0x5eed000000000000ull + nallocs;
	a->label = label;
	pattern_pass(base, size, a->seed, false);
}

static uint64_t verify_allocs(void)
{
	uint64_t bad = 0;

	for (unsigned int i = 0; i < nallocs; i++)
		bad += pattern_pass(allocs[i].base, allocs[i].size, allocs[i].seed, true);
	return bad;
}

static int alloc_req(uint64_t size, uint64_t align, int node, uint32_t flags, uint64_t min,
		     const char *label, uint64_t *addr)
{
	const struct em_alloc_req r = {
		.size = size,
		.align = align,
		.min = min,
		.max = EM_ALLOC_ANYWHERE,
		.node = node,
		.flags = flags,
		.label = label,
	};
	int rc = em_alloc_req(&em, &r, addr);

	if (!rc)
		record(*addr, size, label);
	return rc;
}

/* The same request again must find a lower (top-down) / higher (bottom-up)
 * address, or nothing. */
static bool was_extreme(uint64_t size, uint64_t align, uint64_t min, uint32_t flags, uint64_t addr)
{
	const struct em_alloc_req r = {
		.size = size,
		.align = align,
		.min = min,
		.max = EM_ALLOC_ANYWHERE,
		.node = EM_NODE_ANY,
		.flags = flags,
	};
	uint64_t next;
	int rc = em_find(&em, &r, &next);

	if (rc == EM_ENOMEM)
		return true;
	if (rc)
		return false;
	return (flags & EM_ALLOC_BOTTOM_UP) ? next > addr : next < addr;
}

/* ------------------------------------------------------------------------ */
/* Our own page tables for all of RAM, from earlymem                        */

static bool has_1g_pages(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
	return (d >> 26) & 1;
}

static uint64_t pt_page(void)
{
	uint64_t p;

	if (alloc_req(PAGE, PAGE, EM_NODE_ANY, 0, 0, "pgtable", &p))
		bail("no page for page tables");
	nallocs--; /* checked by running on them, not by patterns */
	for (unsigned int i = 0; i < 512; i++)
		((volatile uint64_t *)(uintptr_t)p)[i] = 0;
	return p;
}

static void own_page_tables(void)
{
	uint64_t lo, end, pml4, pdpt;
	bool g1 = has_1g_pages();
	unsigned int pages = 2;

	if (em_memory_bounds(&em, &lo, &end))
		bail("no memory");
	end = round_up(end > 4 * GiB ? end : 4 * GiB, GiB);
	if (end > 512 * GiB)
		bail("more than 512 GiB: not for this test");
	pml4 = pt_page();
	pdpt = pt_page();
	((uint64_t *)(uintptr_t)pml4)[0] = pdpt | 3;
	for (uint64_t g = 0; g < end; g += GiB) {
		uint64_t *pd;

		if (g1) {
			((uint64_t *)(uintptr_t)pdpt)[g / GiB] = g | 0x83; /* P, RW, PS */
			continue;
		}
		pd = (uint64_t *)(uintptr_t)pt_page();
		pages++;
		for (unsigned int i = 0; i < 512; i++)
			pd[i] = (g + i * 2 * MiB) | 0x83;
		((uint64_t *)(uintptr_t)pdpt)[g / GiB] = (uint64_t)(uintptr_t)pd | 3;
	}
	__asm__ volatile("mov %0, %%cr3" : : "r"(pml4) : "memory");
	bool below = pml4 + PAGE <= mapped_end && pdpt + PAGE <= mapped_end;

	mapped_end = end;
	em_set_current_limit(&em, EM_ALLOC_ANYWHERE);
	tap(below,
	    "own identity page tables loaded: %u pages from earlymem below the boot "
	    "mapping's 4 GiB limit, %s pages, %llu GiB (all memory); limit lifted",
	    pages, g1 ? "1 GiB" : "2 MiB", (unsigned long long)(end / GiB));
}

/* ------------------------------------------------------------------------ */
/* NUMA                                                                     */

static struct {
	uint64_t base, size;
} fills[512];

/* With node @n's free memory all reserved, an allocation preferring @n must
 * land on a nearest node that still has free memory. */
static bool fallback_check(int n, int nr_nodes)
{
	struct em_iter it;
	unsigned int nf = 0;
	int best = 1000, got;
	uint64_t free_before = em_free_size(&em), addr;
	bool ok = true;
	const struct em_alloc_req exact = {
		.size = PAGE,
		.align = PAGE,
		.max = EM_ALLOC_ANYWHERE,
		.node = n,
		.flags = EM_ALLOC_EXACT_NODE,
	};
	const struct em_alloc_req pref = {
		.size = PAGE,
		.align = PAGE,
		.max = EM_ALLOC_ANYWHERE,
		.node = n,
		.label = "fallback-probe",
	};

	em_for_each_free_range(it, &em, n, 0) {
		if (nf == sizeof(fills) / sizeof(fills[0]))
			return tap(false, "node %d: too many free ranges to fill", n);
		fills[nf].base = it.base;
		fills[nf++].size = it.size;
	}
	for (int m = 0; m < nr_nodes; m++) {
		em_for_each_free_range(it, &em, m, 0) {
			if (m != n && it.size >= PAGE && em_distance(&em, n, m) < best)
				best = em_distance(&em, n, m);
			break;
		}
	}
	for (unsigned int i = 0; i < nf; i++)
		if (em_reserve_label(&em, fills[i].base, fills[i].size, "fill"))
			ok = false;
	ok = ok && em_find(&em, &exact, &addr) == EM_ENOMEM;
	if (em_alloc_req(&em, &pref, &addr) == 0) {
		got = em_node_of(&em, addr);
		ok = ok && got != n && em_distance(&em, n, got) == best;
		diag("node %d full: fell back to node %d at 0x%llx (distance %d, nearest %d)", n,
		     got, (unsigned long long)addr, em_distance(&em, n, got), best);
		if (em_free(&em, addr, PAGE))
			ok = false;
	} else {
		ok = false;
	}
	for (unsigned int i = 0; i < nf; i++)
		if (em_free(&em, fills[i].base, fills[i].size))
			ok = false;
	ok = ok && em_free_size(&em) == free_before;
	return tap(ok,
		   "node %d filled (%u ranges): exact-node allocation fails, preferred "
		   "allocation falls back to a nearest node (distance %d), all freed again",
		   n, nf, best);
}

static void print_srat(const struct em_acpi_numa *numa)
{
	const uint8_t *srat;
	size_t len;

	if (em_acpi_find_table(&em, boot.rsdp, "SRAT", (const void **)&srat, &len))
		return;
	len = rd32(srat + 4);
	for (size_t off = 48; off + 2 <= len && srat[off + 1] >= 2; off += srat[off + 1]) {
		const uint8_t *e = srat + off;
		uint32_t pxm, flags;
		uint64_t base, size;

		if (e[0] != 1 || e[1] < 40 || off + 40 > len)
			continue;
		pxm = srat[8] >= 2 ? rd32(e + 2) : e[2];
		base = rd64(e + 8);
		size = rd64(e + 16);
		flags = rd32(e + 28);
		if (!(flags & 1) || !size)
			continue;
		kio_printf("SRAT: Node %d PXM %u [mem 0x%08llx-0x%08llx]%s%s\n",
			   em_acpi_pxm_to_node(numa, pxm), pxm, (unsigned long long)base,
			   (unsigned long long)(base + size - 1), (flags & 2) ? " hotplug" : "",
			   (flags & 4) ? " non-volatile" : "");
	}
}

static void check_slit(const struct em_acpi_numa *numa)
{
	const uint8_t *slit;
	size_t len;
	uint64_t loc;
	unsigned int bad = 0;

	if (em_acpi_find_table(&em, boot.rsdp, "SLIT", (const void **)&slit, &len)) {
		tap(!numa->slit, "no SLIT: none applied");
		return;
	}
	loc = rd64(slit + 36);
	for (int a = 0; a < numa->nr_nodes; a++) {
		kio_puts("# SLIT distances:");
		for (int b = 0; b < numa->nr_nodes; b++) {
			uint64_t pa = numa->pxm[a], pb = numa->pxm[b];

			if (pa < loc && pb < loc &&
			    em_distance(&em, a, b) != slit[44 + pa * loc + pb])
				bad++;
			kio_printf(" %d", em_distance(&em, a, b));
		}
		kio_puts("\n");
	}
	tap(numa->slit && !bad,
	    "SLIT applied: em_distance() matches the firmware's %llu x %llu matrix for %d nodes",
	    (unsigned long long)loc, (unsigned long long)loc, numa->nr_nodes);
}

/* ------------------------------------------------------------------------ */
/* The handoff and the buddy allocator                                      */

static struct pbuddy buddy;

static struct {
	uint64_t base, size;
	const char *label;
} rsv[4096];

static struct {
	uint64_t rel_bytes, rel_count, rsv_bytes, rsv_count, rsv_lost;
	uint64_t not_usable, in_keep;
	uint64_t first_block;
	bool broke;
} ho;

static void give(uint64_t base, unsigned int order)
{
	uint64_t end = base + (PAGE << order);

	if (!is_usable(base, end) && ho.not_usable++ < 4)
		diag("released [0x%llx-0x%llx) is not usable in the e820 map",
		     (unsigned long long)base, (unsigned long long)end);
	for (unsigned int k = 0; k < nkeep; k++)
		if (overlaps(base, end - base, keep[k].base, keep[k].size) && ho.in_keep++ < 4)
			diag("released [0x%llx-0x%llx) overlaps the %s", (unsigned long long)base,
			     (unsigned long long)end, keep[k].what);
	pb_release(&buddy, base / PAGE, order);
}

static void cb_release(void *ctx, uint64_t base, unsigned int order, int node, uint32_t flags)
{
	(void)ctx;
	(void)node;
	(void)flags;
	ho.rel_bytes += PAGE << order;
	ho.rel_count++;
	if (order == 10 && !ho.first_block)
		ho.first_block = base;
	give(base, order);
#if EM_MB2_BREAK
	if (!ho.broke) { /* the deliberate bug: a reserved page is released too */
		ho.broke = true;
		give(round_down((uint64_t)(uintptr_t)__kernel_start, PAGE), 0);
	}
#endif
}

static void cb_reserved(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags,
			const char *label)
{
	(void)ctx;
	(void)node;
	(void)flags;
	if (ho.rsv_count < sizeof(rsv) / sizeof(rsv[0])) {
		rsv[ho.rsv_count].base = base;
		rsv[ho.rsv_count].size = size;
		rsv[ho.rsv_count].label = label;
	} else {
		ho.rsv_lost++;
	}
	ho.rsv_count++;
	ho.rsv_bytes += size;
}

static bool owned_any(uint64_t base, uint64_t size)
{
	uint64_t first = base / PAGE, end = round_up(base + size, PAGE) / PAGE;

	if (first >= buddy.npfn)
		return false;
	if (end > buddy.npfn)
		end = buddy.npfn;
	return pb_any(buddy.owned, first, end);
}

#define STRETCH_PAGES 512ull
static uint64_t pow2_at_least(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* As tests/uefi/main.c: every page allocated from the buddy allocator,
 * patterns (first and last word) in every page of every R-th 2 MiB stretch,
 * at most 128 stretches written. */
static void handoff_and_buddy(void)
{
	static const struct em_handoff_ops ops = {
		.release_block = cb_release,
		.reserved = cb_reserved,
		.max_order = 10,
		.discard = true,
	};
	struct em_handoff_stats st;
	struct em_iter it;
	uint64_t lo, end, blocks = 0, meta, nfree = 0;
	int rc;

	if (em_memory_bounds(&em, &lo, &end))
		bail("no memory");
	em_for_each_free_range(it, &em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		blocks += em_handoff_blocks(round_up(it.base, PAGE) / PAGE,
					    round_down(it.base + it.size, PAGE) / PAGE, 10);
		nfree++;
	}
	uint64_t cap = blocks + 2 * nfree + 1024;
	uint64_t mbytes = round_up(pb_meta_bytes(end / PAGE, cap), PAGE);

	rc = em_alloc_req(&em,
			  &(struct em_alloc_req){ .size = mbytes,
						  .align = PAGE,
						  .max = EM_ALLOC_ANYWHERE,
						  .node = EM_NODE_ANY,
						  .label = "buddy-meta" },
			  &meta);
	if (!tap(rc == 0, "buddy allocator metadata: %llu KiB for %llu pfns, stacks of %llu",
		 (unsigned long long)(mbytes >> 10), (unsigned long long)(end / PAGE),
		 (unsigned long long)cap))
		return;
	pb_init(&buddy, (void *)(uintptr_t)meta, end / PAGE, cap);
	add_keep("buddy metadata", meta, mbytes);

	rc = em_handoff(&em, &ops, &st);
	tap(rc == 0, "em_handoff (blocks up to order 10, discard): %s", em_strerror(rc));
	diag("handoff: memory %llu released %llu (%llu blocks, discarded %llu) reserved %llu "
	     "trimmed %llu nomap %llu withheld %llu",
	     (unsigned long long)st.memory_bytes, (unsigned long long)st.released_bytes,
	     (unsigned long long)st.released_count, (unsigned long long)st.discarded_bytes,
	     (unsigned long long)st.reserved_bytes, (unsigned long long)st.trimmed_bytes,
	     (unsigned long long)st.nomap_bytes, (unsigned long long)st.withheld_bytes);
	tap(st.released_bytes + st.reserved_bytes + st.trimmed_bytes + st.nomap_bytes +
			    st.withheld_bytes ==
		    st.memory_bytes,
	    "handoff accounting: released + reserved + trimmed + nomap + withheld = memory");
	tap(ho.rel_bytes == st.released_bytes && ho.rel_count == st.released_count,
	    "release callbacks: %llu blocks, %llu bytes, as the statistics say",
	    (unsigned long long)ho.rel_count, (unsigned long long)ho.rel_bytes);
	tap(ho.rsv_bytes == st.reserved_bytes && !ho.rsv_lost,
	    "reserved callbacks: %llu ranges, %llu bytes, as the statistics say",
	    (unsigned long long)ho.rsv_count, (unsigned long long)ho.rsv_bytes);
	tap(buddy.given * PAGE == st.released_bytes && !buddy.dup_release && !buddy.bad_release &&
		    !buddy.overflow,
	    "buddy took %llu pages = released bytes / 4096; %llu double, %llu bad, %llu "
	    "overflowing releases",
	    (unsigned long long)buddy.given, (unsigned long long)buddy.dup_release,
	    (unsigned long long)buddy.bad_release, (unsigned long long)buddy.overflow);
	tap(!ho.not_usable,
	    "every released block lies in usable (type 1) e820 memory (%llu do not)",
	    (unsigned long long)ho.not_usable);
	tap(!ho.in_keep,
	    "no released block overlaps the kernel, stack, MBI, ACPI tables, metadata (%llu do)",
	    (unsigned long long)ho.in_keep);

	uint64_t bad_rsv = 0;

	for (uint64_t i = 0; i < ho.rsv_count && i < sizeof(rsv) / sizeof(rsv[0]); i++) {
		if (owned_any(rsv[i].base, rsv[i].size) && bad_rsv++ < 4)
			diag("reserved [0x%llx-0x%llx) \"%s\" was released",
			     (unsigned long long)rsv[i].base,
			     (unsigned long long)(rsv[i].base + rsv[i].size),
			     rsv[i].label ? rsv[i].label : "");
	}
	tap(!bad_rsv, "no page of a reported reservation was released (%llu ranges)",
	    (unsigned long long)ho.rsv_count);
	bad_rsv = 0;
	for (unsigned int k = 0; k < nkeep; k++)
		if (owned_any(keep[k].base, keep[k].size)) {
			diag("a page of the %s is in the buddy allocator", keep[k].what);
			bad_rsv++;
		}
	for (unsigned int i = 0; i < nsums; i++)
		if (owned_any(sums[i].base, sums[i].len)) {
			diag("a page of %s %s is in the buddy allocator", sums[i].what,
			     sums[i].sig);
			bad_rsv++;
		}
	tap(!bad_rsv, "the buddy allocator holds no page of the kernel, stack, MBI, ACPI tables "
		      "or metadata");

	uint64_t got = 0, pfn, touched = 0, bad = 0, allocs_n = 0;
	uint64_t every = pow2_at_least((buddy.given / STRETCH_PAGES + 127) / 128);
	unsigned int k = 0;

	while (k < 10 && (buddy.given >> k) > 512 * 1024)
		k++;
	for (unsigned int o = k + 1; o-- > 0;) {
		while (pb_alloc(&buddy, o, &pfn)) {
			allocs_n++;
			got += 1ull << o;
			for (uint64_t p = pfn; p < pfn + (1ull << o);) {
				if ((p / STRETCH_PAGES) & (every - 1)) {
					p = (p / STRETCH_PAGES + 1) * STRETCH_PAGES;
					continue;
				}
				volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)(p * PAGE);

				w[0] = pattern(p * PAGE, 0xb0dd);
				w[511] = pattern(p * PAGE + 4088, 0xb0dd);
				touched++;
				p++;
			}
		}
	}
	diag("all pages: %llu allocations of order <= %u; patterns in every %llu. 2 MiB stretch",
	     (unsigned long long)allocs_n, k, (unsigned long long)every);
	tap(got == buddy.given && !buddy.dup_alloc && buddy.free == 0,
	    "allocated every page the buddy allocator holds: %llu pages (%llu MiB), %llu handed "
	    "out twice or never given",
	    (unsigned long long)got, (unsigned long long)(got >> 8),
	    (unsigned long long)buddy.dup_alloc);
	for (uint64_t r = 0; r * STRETCH_PAGES < buddy.npfn; r += every) {
		for (uint64_t p = r * STRETCH_PAGES; p < (r + 1) * STRETCH_PAGES && p < buddy.npfn;
		     p++) {
			if (!pb_test(buddy.used, p))
				continue;
			volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)(p * PAGE);

			if (w[0] != pattern(p * PAGE, 0xb0dd) ||
			    w[511] != pattern(p * PAGE + 4088, 0xb0dd))
				bad++;
		}
	}
	tap(!bad && touched,
	    "patterns in %llu pages (first and last word) read back intact (%llu bad)",
	    (unsigned long long)touched, (unsigned long long)bad);

	if (ho.first_block) {
		uint64_t first = ho.first_block / PAGE, again;

		for (uint64_t p = first; p < first + 1024; p++)
			pb_free(&buddy, p, 0);
		tap(buddy.depth[10] == 1 && buddy.free == 1024 && pb_alloc(&buddy, 10, &again) &&
			    again == first,
		    "1024 pages freed one by one merge back into their order-10 block");
	}
}

/* ------------------------------------------------------------------------ */
/* The kernel                                                               */

static const char *single_labels[2] = { "single-a", "single-b" };

void mb2_main(uint32_t magic, uint64_t mbi)
{
	static const struct em_hooks hooks = { .phys_to_virt = p2v, .log = logline };
	struct em_fw_stats fst;
	struct em_acpi_numa numa = { 0 };
	int rc, nr_nodes = 0;
	uint64_t lo, end, a;
	const char *where = "nowhere";

	com1_init();
	kio_printf("\n# earlymem %s Multiboot2 test kernel (SeaBIOS, GRUB)%s\n", EM_VERSION,
		   EM_MB2_BREAK ? " (EM_MB2_BREAK: deliberately broken)" : "");
	if (!tap(magic == MB2_BOOT_MAGIC, "Multiboot2 magic 0x%x in EAX", magic))
		finish();
	boot.mbi = mbi;
	bool have_map = parse_mbi();

	if (!tap(have_map,
		 "MBI at 0x%llx (%llu bytes) has a memory map tag: %u entries of %u "
		 "bytes",
		 (unsigned long long)mbi, (unsigned long long)boot.mbi_size, nentries(),
		 boot.entry_size))
		finish();
	print_e820();
	build_usable();

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
	collect_sums();

	em_init(&em);
	em_set_hooks(&em, &hooks);
	/* Like memblock's current limit: only what boot.S mapped until our own
	 * page tables cover all of RAM (own_page_tables() lifts it). */
	em_set_current_limit(&em, mapped_end);
	size_t wb = em_mb2_work_bytes(&em, (const void *)(uintptr_t)mbi);

	if (!tap(wb && wb <= sizeof(load_work), "em_mb2_work_bytes: %llu (have %llu)",
		 (unsigned long long)wb, (unsigned long long)sizeof(load_work)))
		finish();
	rc = em_mb2_load(&em, (const void *)(uintptr_t)mbi, load_work, sizeof(load_work),
			 EM_EFI_DEFAULT, &fst);
	if (!tap(rc == 0, "em_mb2_load: %s (%u entries, %u sanitized, %u memory ranges)",
		 em_strerror(rc), fst.entries, fst.sanitized, fst.memory_ranges))
		finish();

	/* The kernel image (its .bss holds the stack and the boot page tables) and the MBI. */
	uint64_t kb = (uint64_t)(uintptr_t)__kernel_start, ke = (uint64_t)(uintptr_t)__kernel_end;
	const struct em_x86_boot xb = { .kernel_base = kb, .kernel_size = ke - kb };

	tap(is_usable(round_down(kb, PAGE), round_up(ke, PAGE)),
	    "kernel [0x%llx-0x%llx) lies in usable e820 memory (the map does not mark it)",
	    (unsigned long long)kb, (unsigned long long)ke);
	rc = em_x86_reserve_boot(&em, &xb);
	tap(rc == 0 && em_range_is_reserved(&em, round_down(kb, PAGE),
					    round_up(ke, PAGE) - round_down(kb, PAGE)),
	    "kernel reserved with em_x86_reserve_boot: %s", em_strerror(rc));
	add_keep("kernel image", kb, ke - kb);
	uint64_t sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	tap(sp > (uint64_t)(uintptr_t)boot_stack_bottom &&
		    sp <= (uint64_t)(uintptr_t)boot_stack_top,
	    "stack pointer 0x%llx lies in the kernel's .bss stack", (unsigned long long)sp);
	add_keep("stack", (uint64_t)(uintptr_t)boot_stack_bottom,
		 (uint64_t)(uintptr_t)(boot_stack_top - boot_stack_bottom));

	uint64_t mb = round_down(mbi, PAGE), me = round_up(mbi + boot.mbi_size, PAGE);

	rc = em_reserve_label(&em, mb, me - mb, "mbi");
	tap(rc == 0, "MBI [0x%llx-0x%llx) reserved: %s", (unsigned long long)mb,
	    (unsigned long long)me, em_strerror(rc));
	add_keep("MBI", mb, me - mb);

	rc = em_x86_reserve_low(&em, EM_X86_LOW_PAGE0);
	tap(rc == 0 && em_is_reserved(&em, 0), "page 0 reserved: %s", em_strerror(rc));
	add_keep("page 0 (BIOS data area)", 0, PAGE);

	if (boot.rsdp) {
		rc = em_acpi_numa(&em, boot.rsdp, acpi_work, sizeof(acpi_work), &numa);
		tap(rc == 0 || rc == EM_ENOENT,
		    "em_acpi_numa: %s (%d nodes, %u memory entries, SLIT %s)",
		    rc == EM_ENOENT ? "no SRAT" :
		    rc		    ? em_strerror(rc) :
				      "ok",
		    rc ? 0 : numa.nr_nodes, numa.memory_entries, numa.slit ? "yes" : "no");
		if (rc == 0) {
			nr_nodes = numa.nr_nodes;
			print_srat(&numa);
		}
	}

	rc = em_allow_resize(&em);
	tap(rc == 0, "em_allow_resize: %s", em_strerror(rc));
	em_dump(&em);
	tap(em_check(&em, NULL) == 0, "em_check after loading the map");

	own_page_tables();

	if (nr_nodes >= 2) {
		unsigned int bad = 0;

		for (int n = 0; n < nr_nodes; n++) {
			struct em_iter it;

			em_for_each_mem_range(it, &em, n, EM_SKIP_FLAGS) {
				if (em_node_of(&em, it.base) != n)
					bad++;
			}
		}
		tap(!bad, "every memory range of a node reports that node");
		check_slit(&numa);
		for (int n = 0; n < nr_nodes; n++)
			fallback_check(n, nr_nodes);
	} else {
		tap_skip("node fallback follows distance", "fewer than 2 NUMA nodes");
	}

	unsigned int pt_ok = 0;

	for (int i = 0; i < 4; i++)
		pt_ok += alloc_req(PAGE, PAGE, EM_NODE_ANY, 0, 0, "pgtable", &a) == 0 &&
			 a % PAGE == 0;
	tap(pt_ok == 4, "4 page-table pages");

	if (nr_nodes >= 1) {
		unsigned int ok = 0;

		for (int n = 0; n < nr_nodes; n++) {
			rc = alloc_req(256 * KiB, PAGE, n, EM_ALLOC_EXACT_NODE, 0, "node-array",
				       &a);
			if (rc == 0 && em_node_of(&em, a) == n &&
			    em_node_of(&em, a + 256 * KiB - 1) == n)
				ok++;
			else
				diag("node %d array: %s at 0x%llx (node %d)", n, em_strerror(rc),
				     (unsigned long long)a, rc ? -1 : em_node_of(&em, a));
		}
		tap(ok == (unsigned int)nr_nodes,
		    "one 256 KiB array on each of %d nodes, exact node", nr_nodes);
	} else {
		tap_skip("per-node arrays", "no SRAT");
	}

	uint64_t mem = em_memory_size(&em);
	uint64_t big = round_down(mem / 8 < 64 * MiB ? mem / 8 : 64 * MiB, PAGE);

	rc = alloc_req(big, PAGE, EM_NODE_ANY, EM_ALLOC_TOP_DOWN, 0, "big-topdown", &a);
	tap(rc == 0 && was_extreme(big, PAGE, 0, EM_ALLOC_TOP_DOWN, a),
	    "top-down %llu MiB block at 0x%llx is the highest fit", (unsigned long long)(big >> 20),
	    (unsigned long long)a);

	static const uint64_t bu_sizes[3] = { 16 * KiB, 1 * MiB, 4 * MiB };

	for (int i = 0; i < 3; i++) {
		rc = alloc_req(bu_sizes[i], PAGE, EM_NODE_ANY, EM_ALLOC_BOTTOM_UP, 1 * MiB,
			       "bottom-up", &a);
		tap(rc == 0 && a >= 1 * MiB &&
			    was_extreme(bu_sizes[i], PAGE, 1 * MiB, EM_ALLOC_BOTTOM_UP, a),
		    "bottom-up %llu KiB block above 1 MiB at 0x%llx is the lowest fit",
		    (unsigned long long)(bu_sizes[i] >> 10), (unsigned long long)a);
	}

	rc = alloc_req(2 * MiB, 2 * MiB, EM_NODE_ANY, 0, 0, "align-2m", &a);
	tap(rc == 0 && a % (2 * MiB) == 0, "2 MiB block aligned to 2 MiB at 0x%llx",
	    (unsigned long long)a);
	{
		const struct em_alloc_req g = {
			.size = GiB, .align = GiB, .max = EM_ALLOC_ANYWHERE, .node = EM_NODE_ANY
		};

		if (em_find(&em, &g, &a) == 0) {
			rc = alloc_req(GiB, GiB, EM_NODE_ANY, 0, 0, "align-1g", &a);
			tap(rc == 0 && a % GiB == 0, "1 GiB block aligned to 1 GiB at 0x%llx",
			    (unsigned long long)a);
		} else {
			tap_skip("1 GiB block aligned to 1 GiB", "no aligned free GiB");
		}
	}

	uint32_t before = em.reserved.cnt;
	unsigned int singles = 0;

	for (int i = 0; i < 600; i++)
		singles += alloc_req(PAGE, PAGE, EM_NODE_ANY, 0, 0, single_labels[i & 1], &a) == 0;
	tap(singles == 600 && em.reserved.max >= 4 * EM_STATIC_REGIONS,
	    "600 single pages, alternating labels: reserved array %u -> %u regions, max %u "
	    "(static %u)",
	    before, em.reserved.cnt, em.reserved.max, EM_STATIC_REGIONS);
	tap(em_check(&em, NULL) == 0, "em_check after the allocations");

	unsigned int bad_ovl = 0;

	for (unsigned int i = 0; i < nallocs; i++) {
		for (unsigned int k = 0; k < nkeep; k++)
			bad_ovl += overlaps(allocs[i].base, allocs[i].size, keep[k].base,
					    keep[k].size);
		for (unsigned int k = 0; k < nsums; k++)
			bad_ovl +=
				overlaps(allocs[i].base, allocs[i].size, sums[k].base, sums[k].len);
		bad_ovl += !is_usable(allocs[i].base, allocs[i].base + allocs[i].size);
		bad_ovl += allocs[i].base + allocs[i].size > mapped_end;
	}
	tap(!bad_ovl,
	    "%u allocations: none overlaps the kernel, stack, MBI, ACPI tables, all in usable "
	    "e820 memory",
	    nallocs);
	tap(verify_allocs() == 0, "patterns of all %u allocations intact", nallocs);
	check_sums("before the handoff");

	if (em_memory_bounds(&em, &lo, &end) == 0)
		diag("memory [0x%llx-0x%llx): %llu MiB, %llu MiB reserved, %llu MiB free",
		     (unsigned long long)lo, (unsigned long long)end,
		     (unsigned long long)(em_memory_size(&em) >> 20),
		     (unsigned long long)(em_reserved_size(&em) >> 20),
		     (unsigned long long)(em_free_size(&em) >> 20));

	handoff_and_buddy();

	tap(verify_allocs() == 0,
	    "after the buddy filled every page: patterns of the %u allocations still intact",
	    nallocs);
	check_sums("at the end");
	finish();
}
