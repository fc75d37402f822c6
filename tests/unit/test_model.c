// SPDX-License-Identifier: MIT
/*
 * Randomized differential test against the reference model
 * (tests/model/model.h: one cell per byte of a small address space).
 * Seeded random operation sequences; after every operation the library's
 * tables must equal the canonical tables the model implies, the error codes
 * and allocated addresses must agree, and em_check() must be clean. The
 * space sits at 0 and again at the very top of the address space, ending
 * exactly at EM_ADDR_END. Without resizing the static array limit (and the
 * exact EM_ENOSPC contract) is exercised; with resizing, the arrays double
 * into a separate stretch of simulated memory above the model's space,
 * which the comparison leaves out after checking it holds exactly the
 * arrays. The same model drives the libFuzzer target tests/fuzz/fuzz_ops.c.
 */
#include "common.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE MODEL_SPACE
#define NODES MODEL_NODES

static const char *const labels[] = { NULL, "kernel", "initrd", "acpi" };

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seeds give the same sequence everywhere */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

/*
 * The fixed budget of make test: (100 + 100 + 60) seeds of STEPS operations,
 * about 130,000 operations in each of the default and the small build (the
 * dense build below has its own). EM_MODEL_SOAK=N multiplies the seeds.
 */
#define STEPS 500u
static uint64_t soak = 1;

/*
 * A dense build (make's build/dense: the default library, a space of 4096
 * cells) makes nine in ten operations short and cap and limit rare, so
 * that regions pile up: the 254-entry static ring fills (EM_ENOSPC without
 * resizing) and, with resizing, the arrays double into chunked storage
 * (chunks of 64 entries), as a map of a few hundred regions does. The
 * small build (tiny arrays, chunks of 4) crosses chunk edges all the time
 * but never has chunks that size. The dense build runs 12 seeds of 3000
 * operations.
 */
#define DENSE (SPACE >= 2048)
#define DENSE_SEEDS 4u
#define DENSE_STEPS 3000u

/* Where the run is, for the message on failure. */
static uint64_t cur_seed, cur_off;
static unsigned cur_step;
static uint32_t max_seen;    /* largest array max reached */
static uint64_t enospc_seen; /* operations that failed for full static arrays */

/* The next random operation; the draws come in a fixed order, so seeds reproduce. */
static struct model_op random_op(uint64_t off, bool resize)
{
	uint64_t b = rnd_below(SPACE), len = rnd_below(SPACE - b) + (rnd_below(8) == 0);
	uint64_t small = 1 + rnd_below(24);
	int node = (int)rnd_below(NODES + 1) - 1;
	uint32_t flags = (uint32_t)rnd_below(16) & (uint32_t)rnd_below(16);
	const char *label = labels[rnd_below(4)];
	int op = (int)rnd_below(15);
	struct model_op o = { .b = b, .node = node, .flags = flags, .label = label };

	if (len > SPACE - b)
		len = SPACE - b; /* past the end of the space at the very top */
	if (DENSE ? op != 13 && op != 14 && rnd_below(10) != 0 :
		    op >= 3 && op <= 10 && rnd_below(2))
		len = small < SPACE - b ? small : SPACE - b;
	/*
	 * Cap and limit would cut the simulated memory the arrays use; in the
	 * dense build they are rare, or they would clear the space too often
	 * for the regions to pile up.
	 */
	if ((resize || (DENSE && rnd_below(8) != 0)) && (op == 13 || op == 14))
		op = 10;
	o.len = len;
	switch (op) {
	case 0:
	case 1:
		o.kind = MODEL_ADD;
		break;
	case 2:
		o.kind = MODEL_REMOVE;
		break;
	case 3:
		o.kind = MODEL_RESERVE;
		break;
	case 4:
		o.kind = MODEL_FREE;
		break;
	case 5:
	case 6:
		o.kind = op == 5 ? MODEL_MARK : MODEL_CLEAR;
		o.flags = flags ? flags : EM_HOTPLUG;
		break;
	case 7:
		o.kind = MODEL_SET_NODE;
		break;
	case 8:
	case 9: {
		uint64_t align = 1ull << rnd_below(5);
		uint64_t min = off + rnd_below(SPACE / 2);
		uint64_t max = rnd_below(3) ? EM_ALLOC_ANYWHERE : min + rnd_below(SPACE);

		if (max < min)
			max = EM_ALLOC_ANYWHERE; /* min + x wrapped at the top */
		if (resize && max > off + SPACE)
			max = off + SPACE; /* keep out of the simulated area */
		o.kind = MODEL_ALLOC;
		o.up = op == 9;
		o.node = rnd_below(4) == 0 ? (int)rnd_below(NODES) : -1; /* exact node */
		o.flags = (uint32_t)rnd_below(16) & (uint32_t)rnd_below(16);
		o.size = small;
		o.align = align;
		o.min = min;
		o.max = max;
		break;
	}
	case 11:
		/* Preferred node: that node, then the other nodes (one group at the
		 * default distance), then memory without a node. */
		o.kind = MODEL_ALLOC_PREF;
		o.align = 1ull << rnd_below(4);
		o.node = (int)rnd_below(NODES);
		o.up = rnd_below(2);
		o.size = small;
		o.min = 0;
		o.max = resize ? off + SPACE : EM_ALLOC_ANYWHERE;
		break;
	case 12:
		o.kind = MODEL_TRIM;
		o.align = 1ull << rnd_below(5);
		break;
	case 13:
		o.kind = MODEL_CAP;
		break;
	case 14:
		o.kind = MODEL_LIMIT;
		o.size = rnd_below(SPACE + 1);
		break;
	default:
		o.kind = MODEL_ALLOC_AT;
		break;
	}
	return o;
}

static void run(uint64_t seed, uint64_t off, unsigned steps, bool resize)
{
	static struct earlymem em;
	static struct model m;
	static struct phys_sim sim;

	rng_state = seed;
	model_init(&m, off, resize);
	if (resize) {
		sim_init(&sim, MODEL_SIM_BASE, MODEL_SIM_SIZE);
		setup_em(&em, &sim);
		assert_int_equal(em_add(&em, MODEL_SIM_BASE, MODEL_SIM_SIZE), 0);
		assert_int_equal(em_allow_resize(&em), 0);
	} else {
		setup_em(&em, NULL);
	}

	cur_seed = seed;
	cur_off = off;
	for (unsigned step = 0; step < steps; step++) {
		struct model_op o;
		bool ok;
		int err;

		cur_step = step;
		o = random_op(off, resize);
		ok = model_step(&m, &em, &o, &err);
		if (!ok)
			fprintf(stderr, "seed %llu off 0x%llx step %u: %s differs from the model\n",
				(unsigned long long)seed, (unsigned long long)off, step,
				model_op_name(o.kind));
		assert_true(ok);
		enospc_seen += err == EM_ENOSPC;
		assert_true(model_compare(&m, &em));
		assert_true(model_compare_free_walks(&m, &em));
		if (em.memory.max > max_seen)
			max_seen = em.memory.max;
		if (em.reserved.max > max_seen)
			max_seen = em.reserved.max;
	}
	cur_step = steps; /* the handoff after the last step */
	if (resize)
		sim_fini(&sim);
	else
		assert_true(model_check_handoff(&m, &em));
}

/* Seeds from @first: @n of them in the usual builds, fewer but longer runs in the dense one. */
static void run_seeds(uint64_t first, uint64_t n, uint64_t off, bool resize)
{
	uint64_t seeds = DENSE ? DENSE_SEEDS : n;

	for (uint64_t seed = first; seed < first + seeds * soak; seed++)
		run(seed, off, DENSE ? DENSE_STEPS : STEPS, resize);
}

static void test_model_at_zero(void **state)
{
	(void)state;
	enospc_seen = 0;
	run_seeds(1, 100, 0, false);
	/* Dense: the 254-entry ring itself filled up. */
	if (DENSE)
		assert_true(enospc_seen > 0);
}

static void test_model_with_doubling(void **state)
{
	(void)state;
	max_seen = 0;
	run_seeds(2001, 60, 0, true);
	/* With tiny static arrays the runs must have doubled at least twice. */
	if (EM_STATIC_REGIONS <= 8)
		assert_true(max_seen >= 4 * EM_STATIC_REGIONS);
	/* Dense: past the static ring, into chunks of 64 (a max of 508 or more). */
	if (DENSE)
		assert_true(max_seen >= 2 * EM_STATIC_REGIONS);
}

static void test_model_at_top_of_address_space(void **state)
{
	(void)state;
	run_seeds(1001, 100, EM_ADDR_END - SPACE, false);
}

int main(void)
{
	const char *env = getenv("EM_MODEL_SOAK");
	int failed;

	/* make model-soak SEEDS=N: N times the seeds of make test's fixed budget */
	if (env && atoi(env) > 0)
		soak = (uint64_t)atoi(env);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_at_zero),
		cmocka_unit_test(test_model_at_top_of_address_space),
		cmocka_unit_test(test_model_with_doubling),
	};

	failed = cmocka_run_group_tests_name("test_model", tests, NULL, NULL);
	if (failed)
		fprintf(stderr,
			"test_model: failed at seed %llu, offset 0x%llx, step %u: the operations "
			"of steps 0..%u of that seed (the shortest failing prefix) reproduce it\n",
			(unsigned long long)cur_seed, (unsigned long long)cur_off, cur_step,
			cur_step);
	return failed;
}
