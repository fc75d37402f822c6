/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the libFuzzer targets (tests/fuzz/fuzz_*.c): simulated
 * physical memory behind the phys_to_virt hook (so region arrays really
 * double), instance set-up from a configuration byte, deep snapshots for
 * the failure-atomicity checks, and the checks themselves. Every check
 * abort()s, so libFuzzer records the input as a crash.
 */
#ifndef EM_FUZZ_H
#define EM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earlymem.h>
#include <earlymem/firmware.h>

#include "../unit/regcopy.h"

/* Stops the run with a message: libFuzzer saves the input as crash-*. */
#define FUZZ_FAIL(...)                                             \
	do {                                                       \
		fprintf(stderr, "fuzz: " __VA_ARGS__);             \
		fprintf(stderr, " (%s:%d)\n", __FILE__, __LINE__); \
		abort();                                           \
	} while (0)

#define FUZZ_ASSERT(cond)                                         \
	do {                                                      \
		if (!(cond))                                      \
			FUZZ_FAIL("assertion failed: %s", #cond); \
	} while (0)

/* FUZZ_VERBOSE=1 in the environment: the targets say what each call returned. */
static inline bool fuzz_verbose(void)
{
	static int v = -1;

	if (v < 0)
		v = getenv("FUZZ_VERBOSE") != NULL;
	return v;
}

#define FUZZ_SAY(...)                                          \
	do {                                                   \
		if (fuzz_verbose())                            \
			fprintf(stderr, "fuzz: " __VA_ARGS__); \
	} while (0)

/* ------------------------------------------------------------------------ */
/* Simulated physical memory                                                */

/*
 * Two windows the phys_to_virt hook can map: the simulated RAM the arrays
 * double into ([base, base + size), backed by a host buffer allocated once),
 * and an optional read-only image (the ACPI tables of fuzz_acpi.c: an exact
 * copy of the input, so ASan sees every read past it).
 */
struct fuzz_sim {
	uint64_t base;
	uint64_t size;
	unsigned char *buf;
	uint64_t img_base;
	uint64_t img_size;
	unsigned char *img;
};

static inline void *fuzz_phys_to_virt(void *ctx, uint64_t phys)
{
	struct fuzz_sim *s = ctx;

	if (s->img && phys >= s->img_base && phys - s->img_base < s->img_size)
		return s->img + (phys - s->img_base);
	if (phys >= s->base && phys - s->base < s->size)
		return s->buf + (phys - s->base);
	return NULL;
}

static inline void fuzz_sim_init(struct fuzz_sim *s, uint64_t base, uint64_t size)
{
	static unsigned char *buf;
	static uint64_t have;

	if (have < size) {
		free(buf);
		buf = malloc(size);
		FUZZ_ASSERT(buf);
		have = size;
	}
	*s = (struct fuzz_sim){ .base = base, .size = size, .buf = buf };
}

static inline void fuzz_check(const struct earlymem *em)
{
	struct em_check_failure why;

	if (em_check(em, &why))
		FUZZ_FAIL("em_check: %s in %s[%u]", em_invariant_str(why.invariant), why.array,
			  why.index);
}

/* ------------------------------------------------------------------------ */
/* Set-up of the loader targets from a configuration byte                    */

/* Loaders double into [0, 32 MiB): real maps have RAM there. */
#define FUZZ_SIM_BASE 0ull
#define FUZZ_SIM_SIZE (32ull << 20)

#define FUZZ_CFG_RESIZE 0x1u	/* arrays may double into the simulated RAM */
#define FUZZ_CFG_PREFILL 0x2u	/* memory and reservations before the load */
#define FUZZ_CFG_BOTTOM_UP 0x4u /* bottom-up default direction */
#define FUZZ_CFG_CROWD 0x8u	/* nearly full memory array before the load */

/*
 * em_init() plus what @cfg asks for. The current limit is the end of the
 * simulated RAM with resizing, so doubled arrays land where the hook maps.
 */
static inline void fuzz_setup(struct earlymem *em, struct fuzz_sim *sim, unsigned cfg)
{
	struct em_hooks h = { .phys_to_virt = fuzz_phys_to_virt, .ctx = sim };

	em_init(em);
	em_set_hooks(em, &h);
	if (cfg & FUZZ_CFG_BOTTOM_UP)
		em_set_bottom_up(em, true);
	if (cfg & FUZZ_CFG_PREFILL) {
		FUZZ_ASSERT(em_add_node(em, 16ull << 20, 4ull << 20, 0, 0) == 0);
		FUZZ_ASSERT(em_add_node(em, 1ull << 40, 1ull << 30, 1, EM_HOTPLUG) == 0);
		FUZZ_ASSERT(em_reserve_label(em, (16ull << 20) + 4096, 64 << 10, "kernel") == 0);
		FUZZ_ASSERT(em_reserve_label(em, 0xf0000, 0x10000, "bios") == 0);
	}
	if (cfg & FUZZ_CFG_CROWD) {
		for (uint64_t i = 0; em->memory.cnt + 1 < em->memory.max; i++)
			FUZZ_ASSERT(em_add(em, (2ull << 40) + i * 8192, 4096) == 0);
	}
	if (cfg & FUZZ_CFG_RESIZE) {
		em_set_current_limit(em, FUZZ_SIM_BASE + FUZZ_SIM_SIZE);
		FUZZ_ASSERT(em_allow_resize(em) == 0);
	}
	fuzz_check(em);
}

/* ------------------------------------------------------------------------ */
/* Snapshots                                                                */

/* A deep copy of everything an API call may change. */
struct fuzz_snap {
	struct em_array memory, reserved;
	struct em_region *mem, *res;
	uint64_t current_limit;
	bool bottom_up, resize_allowed, retired, no_late_free;
	uint8_t distance[EM_MAX_NODES][EM_MAX_NODES];
};

/* Makes @a read its entries from the plain array @buf (for dumps of snapshots). */
static inline void fuzz_flat_view(struct em_array *a, struct em_region *buf)
{
	static uint32_t head; /* 0: entry i in buf[i] */

	a->regions = buf;
	a->heads = &head;
	a->shift = 31;
	a->csize = 1u << 31;
	a->chunks = 1;
}

static inline void fuzz_snap_take(struct fuzz_snap *s, const struct earlymem *em)
{
	s->memory = em->memory;
	s->reserved = em->reserved;
	FUZZ_ASSERT(em_copy_regions(em, &s->mem, &s->res));
	s->current_limit = em->current_limit;
	s->bottom_up = em->bottom_up;
	s->resize_allowed = em->resize_allowed;
	s->retired = em->retired;
	s->no_late_free = em->no_late_free;
	memcpy(s->distance, em->distance, sizeof(s->distance));
}

static inline void fuzz_snap_free(struct fuzz_snap *s)
{
	free(s->mem);
	free(s->res);
	s->mem = s->res = NULL;
}

static inline bool fuzz_label_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static inline bool fuzz_region_eq(const struct em_region *a, const struct em_region *b)
{
	return a->base == b->base && a->size == b->size && a->flags == b->flags &&
	       a->node == b->node && fuzz_label_eq(a->label, b->label);
}

/* The contents of @a equal the saved @was/@regs (storage may differ). */
static inline bool fuzz_array_same_contents(const struct em_array *was,
					    const struct em_region *regs, const struct em_array *a)
{
	if (was->cnt != a->cnt || was->total_size != a->total_size)
		return false;
	for (uint32_t i = 0; i < a->cnt; i++)
		if (!fuzz_region_eq(&regs[i], em_region_at(a, i)))
			return false;
	return true;
}

/* Exactly the same, storage included. */
static inline bool fuzz_array_same(const struct em_array *was, const struct em_region *regs,
				   const struct em_array *a)
{
	return was->regions == a->regions && was->max == a->max && was->phys == a->phys &&
	       was->bytes == a->bytes && fuzz_array_same_contents(was, regs, a);
}

static inline void fuzz_dump_array(const struct em_array *a)
{
	fprintf(stderr, "%s: %u regions (max %u)\n", a->name, a->cnt, a->max);
	for (uint32_t i = 0; i < a->cnt; i++) {
		const struct em_region *r = em_region_at(a, i);

		fprintf(stderr, "  [%u] 0x%llx +0x%llx flags 0x%x node %d label %s\n", i,
			(unsigned long long)r->base, (unsigned long long)r->size, r->flags, r->node,
			r->label ? r->label : "(null)");
	}
}

/* A call that failed with @err must have left @em exactly as @s. */
static inline void fuzz_snap_assert_same(const struct fuzz_snap *s, const struct earlymem *em,
					 int err)
{
	bool same = fuzz_array_same(&s->memory, s->mem, &em->memory) &&
		    fuzz_array_same(&s->reserved, s->res, &em->reserved) &&
		    s->current_limit == em->current_limit && s->bottom_up == em->bottom_up &&
		    s->resize_allowed == em->resize_allowed && s->retired == em->retired &&
		    s->no_late_free == em->no_late_free &&
		    !memcmp(s->distance, em->distance, sizeof(s->distance));

	if (!same) {
		fuzz_dump_array(&em->memory);
		fuzz_dump_array(&em->reserved);
		FUZZ_FAIL("the call failed with %d (%s) but changed the instance", err,
			  em_strerror(err));
	}
}

/*
 * After a successful load: everything that was memory or reserved before
 * still is (a loader only adds).
 */
static inline void fuzz_assert_superset(const struct fuzz_snap *s, const struct earlymem *em)
{
	for (uint32_t i = 0; i < s->memory.cnt; i++)
		if (!em_range_is_memory(em, s->mem[i].base, s->mem[i].size))
			FUZZ_FAIL("memory [0x%llx +0x%llx) lost by a load",
				  (unsigned long long)s->mem[i].base,
				  (unsigned long long)s->mem[i].size);
	for (uint32_t i = 0; i < s->reserved.cnt; i++)
		if (!em_range_is_reserved(em, s->res[i].base, s->res[i].size))
			FUZZ_FAIL("reservation [0x%llx +0x%llx) lost by a load",
				  (unsigned long long)s->res[i].base,
				  (unsigned long long)s->res[i].size);
}

/* Little-endian reads and writes of input bytes. */
static inline uint64_t fuzz_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void fuzz_put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An exact-size heap copy, so ASan catches every access past the end. */
static inline uint8_t *fuzz_dup(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	FUZZ_ASSERT(d);
	if (n)
		memcpy(d, p, n);
	return d;
}

/*
 * Runs one loader call @load(ctx, em, work, work_bytes) on @em with every
 * check: em_check() after it, failure-atomicity on an error, and on success
 * that nothing was lost and that loading the same input again (into a
 * fresh copy of the scratch) changes nothing. Returns the error.
 */
typedef int (*fuzz_load_fn)(void *ctx, struct earlymem *em, void *work, size_t work_bytes);

static inline int fuzz_run_load(struct earlymem *em, fuzz_load_fn load, void *ctx,
				size_t work_bytes)
{
	struct fuzz_snap s;
	void *work = malloc(work_bytes ? work_bytes : 1);
	int err;

	FUZZ_ASSERT(work);
	fuzz_snap_take(&s, em);
	err = load(ctx, em, work, work_bytes);
	FUZZ_SAY("load: %d (%s), %u memory, %u reserved regions\n", err, em_strerror(err),
		 em->memory.cnt, em->reserved.cnt);
	fuzz_check(em);
	if (err) {
		fuzz_snap_assert_same(&s, em, err);
	} else {
		fuzz_assert_superset(&s, em);
		fuzz_snap_free(&s);
		/* A second load of the same map finds everything in place. */
		free(work);
		work_bytes += em_txn_bytes(em) + 64; /* the instance grew */
		work = malloc(work_bytes);
		FUZZ_ASSERT(work);
		fuzz_snap_take(&s, em);
		int again = load(ctx, em, work, work_bytes);
		fuzz_check(em);
		if (again) {
			fuzz_snap_assert_same(&s, em, again);
		} else if (!fuzz_array_same_contents(&s.memory, s.mem, &em->memory) ||
			   !fuzz_array_same_contents(&s.reserved, s.res, &em->reserved)) {
			struct em_array mem = s.memory, res = s.reserved;

			fuzz_flat_view(&mem, s.mem);
			fuzz_flat_view(&res, s.res);
			fprintf(stderr, "after the first load:\n");
			fuzz_dump_array(&mem);
			fuzz_dump_array(&res);
			fprintf(stderr, "after the second load:\n");
			fuzz_dump_array(&em->memory);
			fuzz_dump_array(&em->reserved);
			FUZZ_FAIL("loading the same map twice changed the tables");
		}
	}
	fuzz_snap_free(&s);
	free(work);
	return err;
}

#endif
