// SPDX-License-Identifier: MIT
/*
 * A tiny freestanding "kernel" built only against an installed earlymem
 * (headers and library found through pkg-config; tests/install/run.sh).
 * It links into a static ELF with no C library: if earlymem needed any
 * symbol from outside, the link would fail. It is never run.
 */
#include <earlymem.h>
#include <earlymem/e820.h>
#include <earlymem/handoff.h>

#if !defined(EM_VERSION_MAJOR) || !defined(EM_VERSION)
#error "earlymem.h has no version"
#endif

static struct earlymem em;

static void release(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	(void)ctx;
	(void)base;
	(void)size;
	(void)node;
	(void)flags;
}

void kmain(void);

void kmain(void)
{
	static const struct em_handoff_ops ops = { .release_range = release };
	struct em_handoff_stats st;
	uint64_t addr;

	em_init(&em);
	em_add(&em, 0x100000, 0x7f00000);
	em_reserve_label(&em, 0x100000, 0x200000, "kernel");
	em_alloc(&em, 0x1000, 0x1000, &addr);
	em_handoff(&em, &ops, &st);
	for (;;)
		;
}
