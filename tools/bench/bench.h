/* SPDX-License-Identifier: MIT */
/*
 * What em-bench's two halves share: the address plan of the workloads and
 * the clock. bench.c drives earlymem; memblock.c drives Linux memblock
 * (built from a kernel source tree, `make bench-memblock`) through the same
 * workloads, on the same generated data, in the same process.
 */
#ifndef EM_BENCH_H
#define EM_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define KIB (1ull << 10)
#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define TIB (1ull << 40)
#define PAGE 4096ull

/* The hole: the only "physical" memory the allocators write to (their doubled arrays). */
#define HOLE_BASE TIB
#define HOLE_SIZE (256 * MIB)
#define HOLE_END (HOLE_BASE + HOLE_SIZE)
#define HOLE_TOUCH (64 * MIB)
/* b..e: one memory region [0, SLOTS_END) cut into N slots. */
#define SLOTS_END (64 * GIB)
#define A_STRIDE (4 * MIB)
#define A_SIZE (2 * MIB)

struct range {
	uint64_t base;
	uint64_t size;
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Linux memblock, when em-bench is built with it (EM_BENCH_MEMBLOCK). The
 * loops time what bench.c's loops time, with memblock's calls; set-up and
 * counts are untimed.
 */
struct mb_counts {
	uint64_t mem_cnt, mem_bytes; /* memory regions */
	uint64_t res_cnt, res_bytes; /* reservations, doubled arrays included */
	uint64_t array_bytes;	     /* of which the doubled arrays in use */
	uint64_t hole_cnt;	     /* reservations in the hole */
};

/* Maps the address plan for memblock (its physical addresses are virtual ones). */
void mb_setup(void);
/* A fresh memblock: the hole (and [0, SLOTS_END) if @slots), resizing allowed,
 * the current limit at the hole's end. */
void mb_fresh(bool slots);
/* An empty memblock, resizing allowed, no current limit (the real maps of --extra). */
void mb_fresh_empty(void);
bool mb_add(uint64_t base, uint64_t size);
bool mb_reserve(uint64_t base, uint64_t size);
void mb_counts(struct mb_counts *c);
uint64_t mb_loop_add(const uint32_t *order, uint32_t n);
uint64_t mb_loop_reserve(const struct range *res, const uint32_t *order, uint32_t n);
uint64_t mb_loop_alloc(const uint64_t *sizes, uint64_t *addrs, uint32_t n, bool bottom_up);
uint64_t mb_loop_free(const struct range *res, const uint32_t *order, uint32_t n);
uint64_t mb_loop_iter(uint32_t walks, uint64_t *ranges, uint64_t *bytes);

#endif
