/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for the cmocka unit tests: a stand-in for physical memory
 * (so arrays can really double), exact table comparison, snapshots for
 * failure-atomicity checks, and a log capture.
 */
#ifndef EM_TEST_COMMON_H
#define EM_TEST_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <earlymem.h>

#define KiB (1024ull)
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

/* An expected region: labels compared as strings (NULL only equals NULL). */
struct exp_region {
	uint64_t base;
	uint64_t size;
	uint32_t flags;
	int node;
	const char *label;
};

/*
 * Fake physical memory: [phys_base, phys_base + size) is backed by a host
 * buffer, so the phys_to_virt hook can hand out real pointers there.
 * Addresses outside it translate to NULL.
 */
struct phys_sim {
	uint64_t phys_base;
	uint64_t size;
	unsigned char *buf;
	unsigned long translations;
};

void sim_init(struct phys_sim *sim, uint64_t phys_base, uint64_t size);
void sim_fini(struct phys_sim *sim);
void *sim_phys_to_virt(void *ctx, uint64_t phys);

/* em_init() + hooks pointing at @sim (may be NULL) and at the log capture. */
void setup_em(struct earlymem *em, struct phys_sim *sim);

#define NN EM_NODE_NONE

/*
 * Entry @i of an array, writable so that em_check() tests can corrupt it
 * (the library itself only hands out const pointers).
 */
#define REGION(a, i) ((struct em_region *)em_region_at((a), (i)))

/* @call must fail with @expected and leave @em exactly as it was. */
#define EXPECT_FAIL(em, expected, call)               \
	do {                                          \
		struct em_snapshot snap_;             \
		snap_take(&snap_, (em));              \
		assert_int_equal((call), (expected)); \
		snap_assert_same(&snap_, (em));       \
		assert_check(em);                     \
	} while (0)

/* The same with the arguments the other way round. */
#define EXPECT_RC(em, call, expected) EXPECT_FAIL(em, expected, call)

/* @call must succeed and leave @em exactly as it was. */
#define EXPECT_NOOP(em, call) EXPECT_FAIL(em, 0, call)

/* @call must succeed and leave em_check() clean. */
#define OK(em, call)                         \
	do {                                 \
		assert_int_equal((call), 0); \
		assert_check(em);            \
	} while (0)

/* em_add_node() / em_reserve_label() that must succeed, then em_check(). */
void add(struct earlymem *em, uint64_t base, uint64_t size, int node, uint32_t flags);
void reserve(struct earlymem *em, uint64_t base, uint64_t size, const char *label);

/* cmocka fixtures: *state is a fresh instance on the heap (setup_em(em, NULL)). */
int em_setup(void **state);
int em_teardown(void **state);

/* Asserts em_check() is clean (prints the failure otherwise). */
void assert_check(const struct earlymem *em);

/* Asserts @a holds exactly @n regions equal to @exp, and its total. */
void assert_table(const struct em_array *a, const struct exp_region *exp, size_t n);
#define ASSERT_TABLE(arr, ...)                                             \
	do {                                                               \
		const struct exp_region exp_[] = { __VA_ARGS__ };          \
		assert_table((arr), exp_, sizeof(exp_) / sizeof(exp_[0])); \
	} while (0)
#define ASSERT_EMPTY(arr) assert_table((arr), NULL, 0)

/* A deep copy of an instance's observable state. */
struct em_snapshot {
	struct em_region *mem;
	struct em_region *res;
	struct em_array memory;
	struct em_array reserved;
	uint64_t current_limit;
	bool bottom_up, resize_allowed, retired;
	uint8_t distance[EM_MAX_NODES][EM_MAX_NODES];
};
void snap_take(struct em_snapshot *s, const struct earlymem *em);
/* Asserts @em equals the snapshot exactly, then frees the snapshot. */
void snap_assert_same(struct em_snapshot *s, const struct earlymem *em);
/* Frees the snapshot unchecked (the call it guarded succeeded). */
void snap_drop(struct em_snapshot *s);

/* Log capture: everything logged through the hook since the last reset. */
extern char test_log[1 << 16];
void test_log_reset(void);
void test_log_hook(void *ctx, const char *line);

/* Fills the static memory array up to @n regions of 4 KiB at 8 KiB steps from @base. */
void fill_memory(struct earlymem *em, uint64_t base, unsigned n);

#endif
