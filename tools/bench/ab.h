/* SPDX-License-Identifier: MIT */
/*
 * em-ab: a paired comparison of two builds of earlymem in one process
 * (tools/bench/ab.sh). ab.c generates the data and alternates the two
 * sides; ab_side.c, compiled once per side, runs a workload on its copy.
 */
#ifndef EM_AB_H
#define EM_AB_H

#include <stdint.h>

#include "bench.h"

enum ab_workload {
	AB_A_ADD,
	AB_B_RESERVE,
	AB_D_FREE,
	AB_E_ITER,
	AB_COUNT,
};

/* Walks per repetition of e_iter_free. */
#define AB_WALKS 100

/* One repetition's data, the same for both sides. */
struct ab_data {
	uint32_t n;
	const struct range *res; /* n reservations, one per slot, in address order */
	const uint32_t *order;	 /* a permutation of 0..n-1 */
};

/* Keeps the walks' sums alive. */
extern volatile uint64_t ab_sink;

static inline uint64_t ab_now_ns(void)
{
	return now_ns();
}

/* One repetition of @w on a fresh instance; ns per operation. */
double ab_ref_run(enum ab_workload w, const struct ab_data *d, void *hole_map);
double ab_new_run(enum ab_workload w, const struct ab_data *d, void *hole_map);

#endif
