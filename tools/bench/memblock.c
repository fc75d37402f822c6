// SPDX-License-Identifier: MIT
/*
 * em-bench's Linux memblock half: the workloads of bench.c run against
 * mm/memblock.c from a kernel source tree, built for user space with the
 * kernel's own memblock test harness (tools/testing/memblock: its stubs
 * and headers, gcc -O2, no sanitizers). `make bench-memblock` fetches the
 * source and builds this; nothing of the kernel is kept in this tree.
 *
 * memblock's physical addresses are virtual ones (its harness defines __va
 * as the identity) and it writes its doubled arrays wherever it finds room,
 * which bottom-up is low in the slots. So the whole address plan, 0 up to
 * the hole's end, is one MAP_NORESERVE mapping at MB_BASE, and memblock is
 * handed every address plus MB_BASE (in the timed loops too: one add).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct seq_file; /* named in a prototype of memblock.h, defined nowhere here */
#include <linux/memblock.h>

#include "bench.h"

/* The harness's stub of movable_node_is_enabled() reads this (its tests define it). */
bool movable_node_enabled;

#define MB_BASE (16 * TIB)
#define AT(x) ((phys_addr_t)(x) + MB_BASE)

/* The static arrays memblock starts with (mm/memblock.c keeps them static). */
static struct memblock_region *memory_init, *reserved_init;
static unsigned long memory_init_max, reserved_init_max;

void mb_setup(void)
{
	void *p = mmap((void *)MB_BASE, HOLE_END, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (void *)MB_BASE) {
		fprintf(stderr, "em-bench: memblock: cannot map 0x%llx bytes at 0x%llx\n",
			(unsigned long long)HOLE_END, (unsigned long long)MB_BASE);
		exit(1);
	}
	memset((char *)p + HOLE_END - HOLE_TOUCH, 0, HOLE_TOUCH);
	memory_init = memblock.memory.regions;
	memory_init_max = memblock.memory.max;
	reserved_init = memblock.reserved.regions;
	reserved_init_max = memblock.reserved.max;
}

static void reset_type(struct memblock_type *t, struct memblock_region *init, unsigned long max)
{
	/* memblock tells an empty array by its first region's size: clear them all. */
	memset(init, 0, max * sizeof(*init));
	t->regions = init; /* a doubled array is left behind in the hole */
	t->cnt = 0;
	t->max = max;
	t->total_size = 0;
}

void mb_fresh_empty(void)
{
	reset_type(&memblock.memory, memory_init, memory_init_max);
	reset_type(&memblock.reserved, reserved_init, reserved_init_max);
	memblock_set_bottom_up(false);
	memblock_allow_resize();
	memblock_set_current_limit(MEMBLOCK_ALLOC_ANYWHERE);
}

void mb_fresh(bool slots)
{
	mb_fresh_empty();
	if (memblock_add(AT(HOLE_BASE), HOLE_SIZE) || (slots && memblock_add(AT(0), SLOTS_END))) {
		fprintf(stderr, "em-bench: memblock: set-up fails\n");
		exit(1);
	}
	memblock_set_current_limit(AT(HOLE_END));
}

bool mb_add(uint64_t base, uint64_t size)
{
	return memblock_add(AT(base), size) == 0;
}

bool mb_reserve(uint64_t base, uint64_t size)
{
	return memblock_reserve(AT(base), size) == 0;
}

void mb_counts(struct mb_counts *c)
{
	struct memblock_region *r;

	*c = (struct mb_counts){ 0 };
	for_each_mem_region(r)
	{
		c->mem_cnt++;
		c->mem_bytes += r->size;
	}
	for_each_reserved_mem_region(r)
	{
		c->res_cnt++;
		c->res_bytes += r->size;
	}
	/* Doubled arrays are reserved: the ones in use (memblock frees the older ones). */
	if (memblock.memory.regions != memory_init)
		c->array_bytes += PAGE_ALIGN(memblock.memory.max * sizeof(struct memblock_region));
	if (memblock.reserved.regions != reserved_init)
		c->array_bytes +=
			PAGE_ALIGN(memblock.reserved.max * sizeof(struct memblock_region));
	/* Top-down they lie in the hole, where nothing else is reserved. */
	for_each_reserved_mem_region(r)
	{
		if (r->base >= AT(HOLE_BASE))
			c->hole_cnt++;
	}
}

static void fail(const char *what)
{
	fprintf(stderr, "em-bench: memblock: %s fails\n", what);
	exit(1);
}

__attribute__((__noinline__)) uint64_t mb_loop_add(const uint32_t *order, uint32_t n)
{
	uint64_t t0 = now_ns();

	for (uint32_t i = 0; i < n; i++) {
		if (memblock_add(AT((phys_addr_t)order[i] * A_STRIDE), A_SIZE))
			fail("a_add");
	}
	return now_ns() - t0;
}

__attribute__((__noinline__)) uint64_t mb_loop_reserve(const struct range *res,
						       const uint32_t *order, uint32_t n)
{
	uint64_t t0 = now_ns();

	for (uint32_t i = 0; i < n; i++) {
		if (memblock_reserve(AT(res[order[i]].base), res[order[i]].size))
			fail("b_reserve");
	}
	return now_ns() - t0;
}

__attribute__((__noinline__)) uint64_t mb_loop_alloc(const uint64_t *sizes, uint64_t *addrs,
						     uint32_t n, bool bottom_up)
{
	uint64_t t0;

	memblock_set_bottom_up(bottom_up);
	t0 = now_ns();
	for (uint32_t i = 0; i < n; i++) {
		addrs[i] = memblock_phys_alloc_range(sizes[i], PAGE, AT(0), AT(SLOTS_END));
		if (!addrs[i])
			fail("c_alloc");
	}
	t0 = now_ns() - t0;
	for (uint32_t i = 0; i < n; i++)
		addrs[i] -= MB_BASE;
	memblock_set_bottom_up(false);
	return t0;
}

__attribute__((__noinline__)) uint64_t mb_loop_free(const struct range *res, const uint32_t *order,
						    uint32_t n)
{
	uint64_t t0 = now_ns();

	for (uint32_t i = 0; i < n; i++) {
		if (memblock_phys_free(AT(res[order[i]].base), res[order[i]].size))
			fail("d_free");
	}
	return now_ns() - t0;
}

__attribute__((__noinline__)) uint64_t mb_loop_iter(uint32_t walks, uint64_t *ranges,
						    uint64_t *bytes)
{
	phys_addr_t start, end;
	uint64_t n = 0, sum = 0, t0 = now_ns();
	u64 i;

	for (uint32_t w = 0; w < walks; w++) {
		for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL)
		{
			n++;
			sum += end - start;
		}
	}
	t0 = now_ns() - t0;
	*ranges = n;
	*bytes = sum;
	return t0;
}
