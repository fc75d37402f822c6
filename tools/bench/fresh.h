/* SPDX-License-Identifier: MIT */
/*
 * The instance every em-bench and em-ab repetition starts from. A header
 * of one static function, so that em-ab compiles it against either side's
 * earlymem.h.
 */
#ifndef EM_BENCH_FRESH_H
#define EM_BENCH_FRESH_H

#include <earlymem.h>

#include "bench.h"

/*
 * A fresh @em: the hole (and the slots, [0, SLOTS_END), if @slots),
 * resizing allowed through @hooks (which must outlive it), the current
 * limit at the hole's end. 0, or the error of the call that failed.
 */
static inline int bench_fresh(struct earlymem *em, const struct em_hooks *hooks, bool slots)
{
	int err;

	em_init(em);
	em_set_hooks(em, hooks);
	err = em_add(em, HOLE_BASE, HOLE_SIZE);
	if (!err && slots)
		err = em_add(em, 0, SLOTS_END);
	if (!err)
		err = em_allow_resize(em);
	if (!err)
		em_set_current_limit(em, HOLE_END);
	return err;
}

#endif
