/* SPDX-License-Identifier: MIT */
/*
 * The checks both boot test images run (the UEFI image, tests/uefi/main.c,
 * and the Multiboot2 kernel, tests/mb2/main.c) once the firmware's map is
 * loaded into earlymem and what is live is reserved: NUMA (SRAT, SLIT, node
 * fallback), a kernel's first allocations with patterns (highest/lowest fit,
 * aligned blocks), the handoff to the buddy allocator (pbuddy.c) with its
 * accounting, every page allocated from it, and checksums of what must
 * never change. TAP on COM1 (kio.c).
 *
 * What differs between the images comes in through struct bc_env: the
 * earlymem instance, the RSDP, how far memory is identity-mapped, how the
 * image switches to its own page tables, the wording of a few lines and
 * the deliberately broken variant. What the firmware map says may be
 * released is given range by range (bc_usable_add()).
 */
#ifndef EM_BOOT_CHECKS_H
#define EM_BOOT_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include <earlymem.h>
#include <earlymem/acpi.h>

#define PAGE 4096ull
#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

struct bc_env {
	struct earlymem *em;
	uint64_t rsdp;		 /* 0: none */
	uint64_t mapped_end;	 /* [0, mapped_end) is identity-mapped */
	const char *text_what;	 /* "image .text": what the .text checksum is called */
	const char *keep_what;	 /* "the image, stack, ...": the kept ranges, in TAP lines */
	const char *usable_what; /* what the firmware map calls releasable, in TAP lines */
	const char *variant;	 /* appended to the summary line ("" when none) */
	/* Nonzero: the deliberate bug, the first release callback also gives
	 * the buddy allocator this page. */
	uint64_t break_page;
	/* Switches to the image's own page tables (built with
	 * bc_identity_tables()); one TAP line. */
	void (*page_tables)(void);
};

/* Keeps @env (not copied: later changes to it are seen). */
void bc_init(struct bc_env *env);
/* phys_to_virt (identity below env->mapped_end) and log (to COM1). */
extern const struct em_hooks bc_hooks;

_Noreturn void bc_finish(void);
_Noreturn void bc_bail(const char *why);

/* A range that must never be handed out, whatever earlymem thinks. */
void bc_add_keep(const char *what, uint64_t base, uint64_t size);
/* Checksums of the image's .text [@text, @etext) and the ACPI tables. */
void bc_collect_sums(uint64_t text, uint64_t etext);
bool bc_check_sums(const char *when);

/* What the firmware map says may be released: add its ranges, then sort
 * and merge them with bc_usable_done(). */
void bc_usable_add(uint64_t base, uint64_t end);
void bc_usable_done(void);
bool bc_is_usable(uint64_t base, uint64_t end);

/* Identity page tables for [0, end) (end: all memory, at least 4 GiB, in
 * whole GiB), 1 GiB pages when the CPU has them, else 2 MiB, pages from
 * earlymem; not loaded. */
struct bc_tables {
	uint64_t end, pml4, pdpt;
	unsigned int pages;
	bool g1;
};
void bc_identity_tables(struct bc_tables *t);
/* A zeroed page from earlymem (not pattern-checked). */
uint64_t bc_pt_page(void);

/* em_acpi_numa() on env->rsdp with a TAP line and the SRAT lines; the
 * number of nodes (0 without SRAT). */
int bc_acpi_numa(struct em_numa_info *numa);
/* The rest: em_allow_resize, em_check, own page tables, NUMA checks,
 * allocations, handoff, every page, checksums, the summary. */
_Noreturn void bc_run(const struct em_numa_info *numa, int nr_nodes);

static inline uint64_t round_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static inline uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint32_t rd32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t rd64(const void *p)
{
	return rd32(p) | (uint64_t)rd32((const uint8_t *)p + 4) << 32;
}

static inline bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a < b + bs && b < a + as;
}

#endif
