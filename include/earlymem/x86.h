/* SPDX-License-Identifier: MIT */
/*
 * earlymem x86 boot policy: the reservations an x86 kernel makes right
 * after loading the memory map, before it allocates anything.
 *
 * Low memory. Page 0 holds the real-mode interrupt vector table and the
 * BIOS data area, and some BIOSes scribble on it across suspend; a kernel
 * also wants physical address 0 never to come back from an allocation
 * (Linux reserves it unconditionally). The rest of the first MiB holds the
 * extended BIOS data area, video memory, option ROMs and the BIOS itself,
 * which firmware maps do not always mark, and it is where real-mode
 * trampolines (SMP start-up, resume) must live; Linux reserves all of it
 * by default, and a kernel that needs a trampoline page there frees it
 * (em_free()) or takes it before this reservation. em_x86_reserve_low()
 * reserves page 0 (label "page0") and/or [0, 1 MiB) (label "low-1mib").
 *
 * Boot ranges. em_x86_reserve_boot() reserves the kernel image ("kernel"),
 * the initrd ("initrd") and the command line ("cmdline"), each rounded
 * outward to whole 4 KiB pages (a page partly in use is in use). Where the
 * rounded ranges overlap, the first in that order keeps the shared pages.
 *
 * Both only reserve: a range need not be memory (low memory often is not),
 * and parts already reserved keep their label (see em_reserve_label()).
 *
 * Atomicity without scratch. Both functions are failure-atomic and need no
 * work buffer: before reserving anything they count exactly how many
 * regions the reserved array will hold afterwards (the ranges they reserve
 * are disjoint and carry labels different from each other, so each range's
 * effect on the count does not depend on the others), make room for that
 * once (doubling the array, if resizing is allowed, into memory outside the
 * span from the lowest to the highest range), then reserve the ranges in
 * an order that never needs more than that room. So either every range is
 * reserved or, on an error, the instance is exactly as it was.
 */
#ifndef EARLYMEM_X86_H
#define EARLYMEM_X86_H

#include <earlymem.h>

#ifdef __cplusplus
extern "C" {
#endif

/* x86 pages: the boot ranges are rounded outward to these. */
#define EM_X86_PAGE_SIZE 4096ull
/* The end of real-mode addressable low memory. */
#define EM_X86_LOW_END 0x100000ull

/* Flags of em_x86_reserve_low(). */
#define EM_X86_LOW_PAGE0 0x1u /* [0, 4 KiB), label "page0" */
#define EM_X86_LOW_1MIB 0x2u  /* [0, 1 MiB), label "low-1mib" (page 0 "page0" with LOW_PAGE0) */

/**
 * em_x86_reserve_low() - reserve low memory per @flags (see above).
 *
 * With both flags, page 0 is labelled "page0" and [4 KiB, 1 MiB)
 * "low-1mib". @flags 0 does nothing and succeeds. Failure-atomic.
 *
 * Return: 0; EM_EINVAL (unknown flag); EM_ENOSPC / EM_ENOMEM / EM_EFAULT
 * (the reserved array is full and cannot double, or an array cannot move
 * off the ranges); EM_ERETIRED after em_handoff().
 */
int em_x86_reserve_low(struct earlymem *em, uint32_t flags);

/**
 * struct em_x86_boot - what the boot loader placed in memory. Each range is
 * (base, size) in bytes, unaligned as the loader gives it; size 0 means
 * absent (no initrd, say), whatever the base.
 */
struct em_x86_boot {
	uint64_t kernel_base;
	uint64_t kernel_size;
	uint64_t initrd_base;
	uint64_t initrd_size;
	uint64_t cmdline_base;
	uint64_t cmdline_size;
};

/**
 * em_x86_reserve_boot() - reserve the kernel image ("kernel"), initrd
 * ("initrd") and command line ("cmdline") of @b, each rounded outward to
 * 4 KiB pages; overlapping pages go to the first of them in that order.
 *
 * Every range is checked before anything changes; failure-atomic.
 *
 * Return: 0; EM_EINVAL (@b NULL); EM_ERANGE (a range passes EM_ADDR_END,
 * or ends in the last page of the address space, which cannot be rounded
 * up); EM_ENOSPC / EM_ENOMEM / EM_EFAULT (the reserved array is full and
 * cannot double, or an array cannot move off the ranges); EM_ERETIRED
 * after em_handoff().
 */
int em_x86_reserve_boot(struct earlymem *em, const struct em_x86_boot *b);

#ifdef __cplusplus
}
#endif

#endif
