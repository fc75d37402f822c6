// SPDX-License-Identifier: MIT
/*
 * One side of em-ab (tools/bench/ab.c): the workloads against one copy of
 * earlymem. tools/bench/ab.sh compiles this file twice, against the
 * headers of a reference revision and of the working tree, links each
 * object with its own libearlymem.a (ld -r) and keeps only AB_RUN global,
 * so the two copies of the library live in one process without clashing.
 *
 * The workloads are em-bench's (tools/bench/bench.c), on data ab.c
 * generates once per repetition for both sides: a fresh instance with the
 * bench's hole, the work timed, the result checked (em_check() and the
 * counts) so that a faster side cannot be a wrong one.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include <earlymem.h>

#include "ab.h"
#include "fresh.h"

#ifdef AB_REF
#define AB_RUN ab_ref_run
#define AB_NAME "ref"
#else
#define AB_RUN ab_new_run
#define AB_NAME "new"
#endif

static struct earlymem em;
static unsigned char *hole;

static void *p2v(void *ctx, uint64_t phys)
{
	(void)ctx;
	if (phys < HOLE_BASE || phys - HOLE_BASE >= HOLE_SIZE)
		return NULL;
	return hole + (phys - HOLE_BASE);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "em-ab: %s: %s failed (%d)\n", AB_NAME, what, err);
	exit(1);
}

static void fresh(bool slots)
{
	static const struct em_hooks hooks = { .phys_to_virt = p2v };
	int err = bench_fresh(&em, &hooks, slots);

	if (err)
		die("set-up", err);
}

static void reserve_all(const struct ab_data *d)
{
	for (uint32_t i = 0; i < d->n; i++) {
		int err = em_reserve(&em, d->res[i].base, d->res[i].size);

		if (err)
			die("set-up reserve", err);
	}
}

/* The free ranges below SLOTS_END: one more than the reservations, as generated. */
static uint64_t free_ranges(void)
{
	struct em_iter it;
	uint64_t n = 0;

	em_for_each_free_range(it, &em, EM_NODE_ANY, 0) {
		n += it.base < SLOTS_END;
	}
	return n;
}

static void check(const struct ab_data *d, enum ab_workload w)
{
	uint64_t want_mem = w == AB_A_ADD ? d->n + 1 : 2;

	if (em_check(&em, NULL) != 0 || em.memory.cnt != want_mem)
		die("check (memory)", -1);
	if ((w == AB_B_RESERVE || w == AB_E_ITER) && free_ranges() != d->n + 1)
		die("check (reservations)", -1);
	if (w == AB_D_FREE && free_ranges() != 1)
		die("check (frees)", -1);
}

double AB_RUN(enum ab_workload w, const struct ab_data *d, void *hole_map)
{
	uint64_t t0, ops = d->n, sum = 0;
	struct em_iter it;

	hole = hole_map;
	fresh(w != AB_A_ADD);
	if (w == AB_D_FREE || w == AB_E_ITER)
		reserve_all(d);
	t0 = ab_now_ns();
	switch (w) {
	case AB_A_ADD:
		for (uint32_t i = 0; i < d->n; i++) {
			if (em_add(&em, (uint64_t)d->order[i] * A_STRIDE, A_SIZE))
				die("em_add", -1);
		}
		break;
	case AB_B_RESERVE:
		for (uint32_t i = 0; i < d->n; i++) {
			const struct range *r = &d->res[d->order[i]];

			if (em_reserve(&em, r->base, r->size))
				die("em_reserve", -1);
		}
		break;
	case AB_D_FREE:
		for (uint32_t i = 0; i < d->n; i++) {
			const struct range *r = &d->res[d->order[i]];

			if (em_free(&em, r->base, r->size))
				die("em_free", -1);
		}
		break;
	case AB_E_ITER:
		ops = 0;
		for (uint32_t k = 0; k < AB_WALKS; k++) {
			em_for_each_free_range(it, &em, EM_NODE_ANY, 0) {
				ops++;
				sum += it.size;
			}
		}
		break;
	case AB_COUNT:
		break;
	}
	t0 = ab_now_ns() - t0;
	ab_sink += sum;
	check(d, w);
	return (double)t0 / (double)ops;
}
