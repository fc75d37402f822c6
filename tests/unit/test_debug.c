/* SPDX-License-Identifier: MIT */
/*
 * Set-up and debugging: em_init() defaults, hooks, direction, current
 * limit, node distances, em_strerror(), em_invariant_str(), em_check() and
 * em_dump().
 */
#include "common.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N EM_NODE_NONE

/* ---- em_init and the setters -------------------------------------------- */

static void assert_default_distances(const struct earlymem *em)
{
	for (int i = 0; i < EM_MAX_NODES; i++)
		for (int j = 0; j < EM_MAX_NODES; j++) {
			int d = i == j ? EM_DISTANCE_LOCAL : EM_DISTANCE_REMOTE;

			assert_int_equal(em->distance[i][j], d);
			assert_int_equal(em_distance(em, i, j), d);
		}
}

static void assert_defaults(struct earlymem *em)
{
	assert_false(em->bottom_up);
	assert_false(em_bottom_up(em));
	assert_false(em->resize_allowed);
	assert_false(em->retired);
	assert_int_equal(em->current_limit, EM_ALLOC_ANYWHERE);
	assert_int_equal(em_get_current_limit(em), EM_ALLOC_ANYWHERE);
	assert_null(em->hooks.phys_to_virt);
	assert_null(em->hooks.log);
	assert_null(em->hooks.accept);
	assert_null(em->hooks.ctx);

	assert_ptr_equal(em->memory.regions, em->memory_static);
	assert_int_equal(em->memory.cnt, 0);
	assert_int_equal(em->memory.max, EM_STATIC_REGIONS);
	assert_int_equal(em->memory.total_size, 0);
	assert_int_equal(em->memory.bytes, 0);
	assert_string_equal(em->memory.name, "memory");

	assert_ptr_equal(em->reserved.regions, em->reserved_static);
	assert_int_equal(em->reserved.cnt, 0);
	assert_int_equal(em->reserved.max, EM_STATIC_REGIONS);
	assert_int_equal(em->reserved.total_size, 0);
	assert_int_equal(em->reserved.bytes, 0);
	assert_string_equal(em->reserved.name, "reserved");

	assert_default_distances(em);
	ASSERT_EMPTY(&em->memory);
	ASSERT_EMPTY(&em->reserved);
	assert_int_equal(em_check(em, NULL), 0);
}

static void test_init_defaults(void **state)
{
	(void)state;
	struct earlymem em;

	memset(&em, 0xa5, sizeof(em));
	em_init(&em);
	assert_defaults(&em);
}

static int dummy_accept(void *ctx, uint64_t base, uint64_t size)
{
	(void)ctx;
	(void)base;
	(void)size;
	return 0;
}

static void test_init_again_starts_over(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	struct em_hooks h;

	sim_init(&sim, 0x100000, 0x10000);
	setup_em(&em, &sim);
	h = em.hooks;
	h.accept = dummy_accept;
	em_set_hooks(&em, &h);
	add(&em, 0x100000, 0x10000, 3, EM_MIRROR);
	reserve(&em, 0x100000, 0x1000, "k");
	assert_int_equal(em_allow_resize(&em), 0);
	em_set_bottom_up(&em, true);
	em_set_current_limit(&em, 0x200000);
	assert_int_equal(em_set_distance(&em, 1, 2, 77), 0);
	em.retired = true;

	em_init(&em);
	assert_defaults(&em);
	sim_fini(&sim);
}

static void test_set_hooks_copies(void **state)
{
	(void)state;
	struct earlymem em;
	int ctx;
	struct em_hooks h = {
		.phys_to_virt = sim_phys_to_virt,
		.log = test_log_hook,
		.accept = dummy_accept,
		.ctx = &ctx,
	};

	em_init(&em);
	em_set_hooks(&em, &h);
	memset(&h, 0, sizeof(h)); /* the instance holds its own copy */
	assert_ptr_equal(em.hooks.phys_to_virt, sim_phys_to_virt);
	assert_ptr_equal(em.hooks.log, test_log_hook);
	assert_ptr_equal(em.hooks.accept, dummy_accept);
	assert_ptr_equal(em.hooks.ctx, &ctx);
}

static void test_set_hooks_null_clears(void **state)
{
	(void)state;
	struct earlymem em;
	int ctx;
	struct em_hooks h = {
		.phys_to_virt = sim_phys_to_virt,
		.log = test_log_hook,
		.accept = dummy_accept,
		.ctx = &ctx,
	};

	em_init(&em);
	em_set_hooks(&em, &h);
	em_set_hooks(&em, NULL);
	assert_null(em.hooks.phys_to_virt);
	assert_null(em.hooks.log);
	assert_null(em.hooks.accept);
	assert_null(em.hooks.ctx);
}

static void test_allow_resize_needs_phys_to_virt(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;
	struct phys_sim sim;

	setup_em(&em, NULL);
	snap_take(&s, &em);
	assert_int_equal(em_allow_resize(&em), EM_EINVAL);
	snap_assert_same(&s, &em);
	assert_false(em.resize_allowed);

	sim_init(&sim, 0, 0x1000);
	setup_em(&em, &sim);
	assert_int_equal(em_allow_resize(&em), 0);
	assert_true(em.resize_allowed);
	assert_check(&em);
	sim_fini(&sim);
}

static void test_bottom_up_setter(void **state)
{
	(void)state;
	struct earlymem em;

	em_init(&em);
	em_set_bottom_up(&em, true);
	assert_true(em_bottom_up(&em));
	assert_true(em.bottom_up);
	em_set_bottom_up(&em, false);
	assert_false(em_bottom_up(&em));
	assert_false(em.bottom_up);
}

static void test_current_limit_setter(void **state)
{
	(void)state;
	struct earlymem em;

	em_init(&em);
	em_set_current_limit(&em, 0x12345000);
	assert_int_equal(em_get_current_limit(&em), 0x12345000);
	em_set_current_limit(&em, 0);
	assert_int_equal(em_get_current_limit(&em), 0);
	em_set_current_limit(&em, EM_ALLOC_ANYWHERE);
	assert_int_equal(em_get_current_limit(&em), EM_ALLOC_ANYWHERE);
}

static void test_set_distance_one_direction(void **state)
{
	(void)state;
	struct earlymem em;

	em_init(&em);
	assert_int_equal(em_set_distance(&em, 1, 3, 31), 0);
	assert_int_equal(em_distance(&em, 1, 3), 31);
	assert_int_equal(em_distance(&em, 3, 1), EM_DISTANCE_REMOTE);
	assert_int_equal(em_set_distance(&em, 0, EM_MAX_NODES - 1, 255), 0);
	assert_int_equal(em_distance(&em, 0, EM_MAX_NODES - 1), 255);
	assert_int_equal(em_set_distance(&em, 2, 2, 11), 0);
	assert_int_equal(em_distance(&em, 2, 2), 11);
	/* nothing else moved */
	for (int i = 0; i < EM_MAX_NODES; i++)
		for (int j = 0; j < EM_MAX_NODES; j++) {
			if ((i == 1 && j == 3) || (i == 0 && j == EM_MAX_NODES - 1) ||
			    (i == 2 && j == 2))
				continue;
			assert_int_equal(em_distance(&em, i, j),
					 i == j ? EM_DISTANCE_LOCAL : EM_DISTANCE_REMOTE);
		}
}

static void test_set_distance_bad_node_einval(void **state)
{
	(void)state;
	struct earlymem em;
	static uint8_t before[EM_MAX_NODES][EM_MAX_NODES];
	static const int bad[] = { -1, EM_NODE_NONE, EM_NODE_ANY, EM_MAX_NODES, INT_MAX, INT_MIN };

	em_init(&em);
	memcpy(before, em.distance, sizeof(before));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(em_set_distance(&em, bad[i], 0, 15), EM_EINVAL);
		assert_int_equal(em_set_distance(&em, 0, bad[i], 15), EM_EINVAL);
		assert_int_equal(em_set_distance(&em, bad[i], bad[i], 15), EM_EINVAL);
	}
	assert_memory_equal(before, em.distance, sizeof(before));
}

static void test_distance_out_of_range_minus_one(void **state)
{
	(void)state;
	struct earlymem em;
	static const int bad[] = { -1, EM_NODE_NONE, EM_NODE_ANY, EM_MAX_NODES, INT_MAX, INT_MIN };

	em_init(&em);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(em_distance(&em, bad[i], 0), -1);
		assert_int_equal(em_distance(&em, 0, bad[i]), -1);
		assert_int_equal(em_distance(&em, bad[i], bad[i]), -1);
	}
}

/* ---- em_strerror / em_invariant_str ------------------------------------- */

static void test_strerror_distinct_for_every_code(void **state)
{
	(void)state;
	static const int codes[] = { 0,		 EM_EINVAL, EM_ERANGE,	EM_ENOSPC,
				     EM_ENOMEM,	 EM_EBUSY,  EM_ENOENT,	EM_ERETIRED,
				     EM_EACCEPT, EM_EFAULT, EM_ECORRUPT };
	const size_t n = sizeof(codes) / sizeof(codes[0]);

	for (size_t i = 0; i < n; i++) {
		const char *s = em_strerror(codes[i]);

		assert_non_null(s);
		assert_true(s[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, em_strerror(codes[j]));
	}
}

static void test_strerror_unknown_code_non_null(void **state)
{
	(void)state;
	static const int unknown[] = { 1, -11, -100, INT_MAX, INT_MIN };

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		const char *s = em_strerror(unknown[i]);

		assert_non_null(s);
		assert_true(s[0] != '\0');
	}
}

static void test_invariant_str_distinct(void **state)
{
	(void)state;
	static const enum em_invariant inv[] = {
		EM_INV_OK,    EM_INV_STORAGE, EM_INV_EMPTY, EM_INV_BOUNDS, EM_INV_ORDER,
		EM_INV_MERGE, EM_INV_TOTAL,   EM_INV_FLAGS, EM_INV_NODE,   EM_INV_SELF,
	};
	const size_t n = sizeof(inv) / sizeof(inv[0]);

	for (size_t i = 0; i < n; i++) {
		const char *s = em_invariant_str(inv[i]);

		assert_non_null(s);
		assert_true(s[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, em_invariant_str(inv[j]));
	}
	assert_non_null(em_invariant_str((enum em_invariant)99));
	assert_non_null(em_invariant_str((enum em_invariant) - 1));
}

/* ---- em_check -------------------------------------------------------------- */

static void test_check_clean_instances(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_check_failure why = { EM_INV_SELF, "x", 7 };
	uint64_t a;

	setup_em(&em, NULL);
	assert_int_equal(em_check(&em, &why), 0);
	assert_int_equal(em_check(&em, NULL), 0);
	add(&em, 0, 0x100000, N, 0);
	add(&em, 0x100000, 0x100000, 1, EM_HOTPLUG | EM_MIRROR | EM_NOMAP | EM_UNACCEPTED);
	add(&em, 0xffffffffffff0000ull, 0xffff, EM_MAX_NODES - 1, 0);
	reserve(&em, 0, 0x1000, "zero");
	reserve(&em, 0x1000, 0x1000, NULL);
	reserve(&em, 0xfffffffffffff000ull, 0xfff, "top");
	assert_int_equal(em_alloc(&em, 0x1000, 0x1000, &a), 0);
	assert_check(&em);
	assert_int_equal(em_free(&em, 0x800, 0x1000), 0);
	test_log_reset();
	assert_int_equal(em_check(&em, &why), 0);
	assert_int_equal(em_check(&em, NULL), 0);
	assert_string_equal(test_log, ""); /* nothing to report */
}

/* Asserts em_check() reports @inv in @array[@index], logs it, changes nothing. */
static void expect_corrupt(struct earlymem *em, enum em_invariant inv, const char *array,
			   uint32_t index)
{
	struct em_check_failure why = { EM_INV_OK, NULL, 12345 };
	struct em_snapshot s;
	char line[256];

	snap_take(&s, em);
	test_log_reset();
	assert_int_equal(em_check(em, &why), EM_ECORRUPT);
	snap_assert_same(&s, em);
	assert_int_equal(why.invariant, inv);
	assert_non_null(why.array);
	assert_string_equal(why.array, array);
	assert_int_equal(why.index, index);
	/* also logged, as one line naming the invariant and where */
	snprintf(line, sizeof(line), "earlymem: check failed: %s in %s[%u]\n",
		 em_invariant_str(inv), array, index);
	assert_string_equal(test_log, line);
	assert_int_equal(em_check(em, NULL), EM_ECORRUPT);
}

static void three_regions(struct earlymem *em)
{
	setup_em(em, NULL);
	add(em, 0x10000, 0x1000, N, 0);
	add(em, 0x20000, 0x1000, N, 0);
	add(em, 0x30000, 0x1000, N, 0);
	reserve(em, 0x10000, 0x100, "a");
	reserve(em, 0x20000, 0x100, "b");
	reserve(em, 0x30000, 0x100, "c");
}

static void test_check_detects_wrong_total(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	em.memory.total_size++;
	expect_corrupt(&em, EM_INV_TOTAL, "memory", 0);
}

static void test_check_detects_empty_region(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	em.reserved.total_size -= REGION(&em.reserved, 1)->size;
	REGION(&em.reserved, 1)->size = 0;
	expect_corrupt(&em, EM_INV_EMPTY, "reserved", 1);
}

static void test_check_detects_region_past_end(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	REGION(&em.memory, 2)->base = 0xfffffffffffff800ull;
	REGION(&em.memory, 2)->size = 0x800; /* its end would be 2^64 */
	expect_corrupt(&em, EM_INV_BOUNDS, "memory", 2);
}

static void test_check_detects_unsorted(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_region t;

	three_regions(&em);
	t = (*REGION(&em.memory, 1));
	(*REGION(&em.memory, 1)) = (*REGION(&em.memory, 2));
	(*REGION(&em.memory, 2)) = t;
	expect_corrupt(&em, EM_INV_ORDER, "memory", 2);
}

static void test_check_detects_overlap(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	REGION(&em.reserved, 1)->base = 0x100ff; /* overlaps "a" by one byte */
	expect_corrupt(&em, EM_INV_ORDER, "reserved", 1);
}

static void test_check_detects_unmerged_neighbours(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	REGION(&em.memory, 1)->base = 0x11000; /* touches region 0, same attributes */
	expect_corrupt(&em, EM_INV_MERGE, "memory", 1);
}

static void test_check_touching_different_labels_is_fine(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	REGION(&em.reserved, 1)->base = 0x10100; /* touches "a", label "b" */
	assert_int_equal(em_check(&em, NULL), 0);
}

static void test_check_detects_unknown_flags(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	REGION(&em.memory, 1)->flags = 0x100;
	expect_corrupt(&em, EM_INV_FLAGS, "memory", 1);
}

static void test_check_detects_bad_node(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	REGION(&em.memory, 0)->node = EM_MAX_NODES;
	expect_corrupt(&em, EM_INV_NODE, "memory", 0);
	REGION(&em.memory, 0)->node = EM_NODE_ANY;
	expect_corrupt(&em, EM_INV_NODE, "memory", 0);
}

static void test_check_detects_bad_storage(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_check_failure why;

	three_regions(&em);
	em.reserved.cnt = em.reserved.max + 1;
	expect_corrupt(&em, EM_INV_STORAGE, "reserved", 0);

	three_regions(&em);
	em.memory.max = 0;
	expect_corrupt(&em, EM_INV_STORAGE, "memory", 0);

	/* The chunked layout: a head outside its chunk, a layout max does not give. */
	three_regions(&em);
	em.memory.heads[em.memory.chunks - 1] = em.memory.csize;
	expect_corrupt(&em, EM_INV_STORAGE, "memory", 0);
	three_regions(&em);
	em.reserved.shift++;
	expect_corrupt(&em, EM_INV_STORAGE, "reserved", 0);
	three_regions(&em);
	em.reserved.chunks--;
	expect_corrupt(&em, EM_INV_STORAGE, "reserved", 0);
	three_regions(&em);
	em.memory.heads = em.reserved_static_heads; /* static storage, someone else's heads */
	expect_corrupt(&em, EM_INV_STORAGE, "memory", 0);

	setup_em(&em, NULL);
	em.memory.regions = NULL; /* no snapshot: it would read through NULL */
	test_log_reset();
	assert_int_equal(em_check(&em, &why), EM_ECORRUPT);
	assert_int_equal(why.invariant, EM_INV_STORAGE);
	assert_string_equal(why.array, "memory");
	assert_int_equal(why.index, 0);
}

static void test_check_detects_unreserved_doubled_storage(void **state)
{
	(void)state;
	struct earlymem em;

	/* A storage block laid out as doubled storage is: slots, then the head. */
	size_t slots = EM_STATIC_SLOTS;
	struct em_region *block =
		calloc(1, slots * sizeof(*block) + EM_STATIC_CHUNKS * sizeof(uint32_t));

	assert_non_null(block);
	setup_em(&em, NULL);
	add(&em, 0x100000, 0x100000, N, 0);
	block[0] = *em_region_at(&em.memory, 0);
	em.memory.regions = block;
	em.memory.heads = (uint32_t *)(block + slots);
	/* claim doubled storage at [1 MiB, 2 MiB) that nothing reserves */
	em.memory.phys = 0x100000;
	em.memory.bytes = 0x100000;
	expect_corrupt(&em, EM_INV_SELF, "memory", 0);
	assert_int_equal(em_reserve_label(&em, 0x100000, 0x80000, "other"), 0);
	expect_corrupt(&em, EM_INV_SELF, "memory", 0);
	assert_int_equal(em_reserve_label(&em, 0x180000, 0x80000, EM_LABEL_SELF), 0);
	expect_corrupt(&em, EM_INV_SELF, "memory", 0); /* half is "other" */
	free(block);
}

static void test_check_without_log_hook_or_why(void **state)
{
	(void)state;
	struct earlymem em;

	three_regions(&em);
	em_set_hooks(&em, NULL);
	em.memory.total_size++;
	test_log_reset();
	assert_int_equal(em_check(&em, NULL), EM_ECORRUPT);
	assert_string_equal(test_log, "");
}

/* ---- em_dump ---------------------------------------------------------------- */

/* Counts log calls and checks each delivers exactly one line ending in '\n'. */
static int line_calls;
static bool line_ok = true;

static void line_hook(void *ctx, const char *line)
{
	size_t n = strlen(line);

	line_calls++;
	if (n == 0 || line[n - 1] != '\n' || strchr(line, '\n') != line + n - 1)
		line_ok = false;
	test_log_hook(ctx, line);
}

static void test_dump_exact_lines(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;
	char exp[2048];

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x9f000, 0, EM_HOTPLUG);
	add(&em, 0x100000, 0x1000, N, EM_MIRROR | EM_NOMAP);
	reserve(&em, 0x2000, 0x1000, NULL);
	reserve(&em, 0x100000, 0x1000, "kernel");
	test_log_reset();
	snap_take(&s, &em);
	em_dump(&em);
	snap_assert_same(&s, &em);
	snprintf(exp, sizeof(exp),
		 "earlymem: memory: 2 regions, 0xa0000 bytes, max %u, static\n"
		 "earlymem:   [0] [0x0000000000001000-0x00000000000a0000) 0x000000000009f000 "
		 "node 0 HOTPLUG\n"
		 "earlymem:   [1] [0x0000000000100000-0x0000000000101000) 0x0000000000001000 "
		 "node - MIRROR|NOMAP\n"
		 "earlymem: reserved: 2 regions, 0x2000 bytes, max %u, static\n"
		 "earlymem:   [0] [0x0000000000002000-0x0000000000003000) 0x0000000000001000 "
		 "node -\n"
		 "earlymem:   [1] [0x0000000000100000-0x0000000000101000) 0x0000000000001000 "
		 "node - \"kernel\"\n",
		 (unsigned)EM_STATIC_REGIONS, (unsigned)EM_STATIC_REGIONS);
	assert_string_equal(test_log, exp);
}

static void test_dump_all_flags_top_node_and_addr_end(void **state)
{
	(void)state;
	struct earlymem em;
	char exp[2048];
	uint64_t a;

	setup_em(&em, NULL);
	add(&em, 0xffffffffffff0000ull, 0xffff, EM_MAX_NODES - 1,
	    EM_HOTPLUG | EM_MIRROR | EM_NOMAP | EM_UNACCEPTED);
	{
		struct em_request r = {
			.size = 0x1000,
			.align = 0x1000,
			.max = EM_ALLOC_ANYWHERE,
			.node = EM_NODE_ANY,
			.flags = EM_REGION_FLAGS,
			.label = "pt",
		};
		assert_int_equal(em_alloc_req(&em, &r, &a), 0);
		assert_check(&em);
	}
	test_log_reset();
	em_dump(&em);
	snprintf(exp, sizeof(exp),
		 "earlymem: memory: 1 regions, 0xffff bytes, max %u, static\n"
		 "earlymem:   [0] [0xffffffffffff0000-0xffffffffffffffff) 0x000000000000ffff "
		 "node %d HOTPLUG|MIRROR|NOMAP|UNACCEPTED\n"
		 "earlymem: reserved: 1 regions, 0x1000 bytes, max %u, static\n"
		 "earlymem:   [0] [0xffffffffffffe000-0xfffffffffffff000) 0x0000000000001000 "
		 "node %d \"pt\"\n",
		 (unsigned)EM_STATIC_REGIONS, EM_MAX_NODES - 1, (unsigned)EM_STATIC_REGIONS,
		 EM_MAX_NODES - 1);
	assert_int_equal(a, 0xffffffffffffe000ull);
	assert_string_equal(test_log, exp);
}

static void test_dump_empty_instance(void **state)
{
	(void)state;
	struct earlymem em;
	char exp[512];

	setup_em(&em, NULL);
	em_dump(&em);
	snprintf(exp, sizeof(exp),
		 "earlymem: memory: 0 regions, 0x0 bytes, max %u, static\n"
		 "earlymem: reserved: 0 regions, 0x0 bytes, max %u, static\n",
		 (unsigned)EM_STATIC_REGIONS, (unsigned)EM_STATIC_REGIONS);
	assert_string_equal(test_log, exp);
}

static void test_dump_one_line_per_log_call(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_hooks h = { .log = line_hook };

	em_init(&em);
	em_set_hooks(&em, &h);
	add(&em, 0x1000, 0x1000, 0, 0);
	add(&em, 0x3000, 0x1000, 1, EM_HOTPLUG);
	add(&em, 0x5000, 0x1000, 2, 0);
	reserve(&em, 0x1000, 0x10, "a");
	test_log_reset();
	line_calls = 0;
	line_ok = true;
	em_dump(&em);
	assert_int_equal(line_calls, 2 + 3 + 1);
	assert_true(line_ok);
}

static void *seen_ctx;

static void ctx_hook(void *ctx, const char *line)
{
	seen_ctx = ctx;
	test_log_hook(NULL, line);
}

static void test_dump_passes_ctx_to_log_hook(void **state)
{
	(void)state;
	struct earlymem em;
	int token;
	struct em_hooks h = { .log = ctx_hook, .ctx = &token };

	em_init(&em);
	em_set_hooks(&em, &h);
	add(&em, 0x1000, 0x1000, N, 0);
	test_log_reset();
	seen_ctx = NULL;
	em_dump(&em);
	assert_ptr_equal(seen_ctx, &token);
	assert_non_null(strstr(test_log, "[0x0000000000001000-0x0000000000002000)"));
}

static void test_dump_without_log_hook_does_nothing(void **state)
{
	(void)state;
	struct earlymem em;
	struct em_snapshot s;

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x1000, 0, EM_HOTPLUG);
	reserve(&em, 0x1000, 0x10, "a");
	em_set_hooks(&em, NULL);
	test_log_reset();
	snap_take(&s, &em);
	em_dump(&em);
	snap_assert_same(&s, &em);
	assert_string_equal(test_log, "");
}

static void test_dump_doubled_array_header(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	char exp[256];

	/* the only room for doubled storage is the top region, backed by @sim */
	sim_init(&sim, 0x10000000, 1 * MiB);
	setup_em(&em, &sim);
	add(&em, 0x10000000, 1 * MiB, N, 0);
	fill_memory(&em, 0x2000000, EM_STATIC_REGIONS - 1);
	assert_int_equal(em_allow_resize(&em), 0);
	assert_int_equal(em_add(&em, 0x3000000, 0x1000), 0);
	assert_check(&em);
	assert_int_equal(em.memory.cnt, EM_STATIC_REGIONS + 1);
	assert_true(em.memory.bytes != 0);
	test_log_reset();
	em_dump(&em);
	snprintf(exp, sizeof(exp),
		 "earlymem: memory: %u regions, 0x%llx bytes, max %u, at 0x%016llx\n",
		 (unsigned)em.memory.cnt, (unsigned long long)em.memory.total_size,
		 (unsigned)em.memory.max, (unsigned long long)em.memory.phys);
	assert_true(strncmp(test_log, exp, strlen(exp)) == 0);
	sim_fini(&sim);
}

/*
 * With the memory array doubled, em_check() must look at the reserved
 * array's own structure before searching it for the memory array's
 * storage: a broken reserved array is reported as such, never a crash.
 */
static void doubled_memory_instance(struct earlymem *em, struct phys_sim *sim)
{
	sim_init(sim, 0x100000000, 1 * MiB);
	setup_em(em, sim);
	assert_int_equal(em_add(em, 0x100000000, 1 * MiB), 0);
	assert_int_equal(em_allow_resize(em), 0);
	for (uint64_t i = 0; i <= EM_STATIC_REGIONS; i++)
		assert_int_equal(em_add(em, 0x200000000 + i * 0x2000, 0x1000), 0);
	for (uint64_t i = 0; i < 4; i++)
		assert_int_equal(em_reserve(em, i * 0x2000, 0x1000), 0);
	assert_true(em->memory.bytes > 0);
	assert_check(em);
}

static void test_check_reserved_broken_while_memory_doubled(void **state)
{
	(void)state;
	struct earlymem em;
	struct phys_sim sim;
	struct em_check_failure why;
	struct em_region *saved;
	struct em_region tmp;

	doubled_memory_instance(&em, &sim);
	tmp = (*REGION(&em.reserved, 0));
	(*REGION(&em.reserved, 0)) = (*REGION(&em.reserved, 1));
	(*REGION(&em.reserved, 1)) = tmp;
	assert_int_equal(em_check(&em, &why), EM_ECORRUPT);
	assert_int_equal(why.invariant, EM_INV_ORDER);
	assert_string_equal(why.array, "reserved");
	assert_int_equal(why.index, 1);
	(*REGION(&em.reserved, 1)) = (*REGION(&em.reserved, 0));
	(*REGION(&em.reserved, 0)) = tmp;

	saved = em.reserved.regions;
	em.reserved.regions = NULL;
	assert_int_equal(em_check(&em, &why), EM_ECORRUPT);
	assert_int_equal(why.invariant, EM_INV_STORAGE);
	assert_string_equal(why.array, "reserved");
	em.reserved.regions = saved;
	assert_check(&em);
	sim_fini(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_check_reserved_broken_while_memory_doubled),
		cmocka_unit_test(test_init_again_starts_over),
		cmocka_unit_test(test_set_hooks_copies),
		cmocka_unit_test(test_set_hooks_null_clears),
		cmocka_unit_test(test_allow_resize_needs_phys_to_virt),
		cmocka_unit_test(test_bottom_up_setter),
		cmocka_unit_test(test_current_limit_setter),
		cmocka_unit_test(test_set_distance_one_direction),
		cmocka_unit_test(test_set_distance_bad_node_einval),
		cmocka_unit_test(test_distance_out_of_range_minus_one),
		cmocka_unit_test(test_strerror_distinct_for_every_code),
		cmocka_unit_test(test_strerror_unknown_code_non_null),
		cmocka_unit_test(test_invariant_str_distinct),
		cmocka_unit_test(test_check_clean_instances),
		cmocka_unit_test(test_check_detects_wrong_total),
		cmocka_unit_test(test_check_detects_empty_region),
		cmocka_unit_test(test_check_detects_region_past_end),
		cmocka_unit_test(test_check_detects_unsorted),
		cmocka_unit_test(test_check_detects_overlap),
		cmocka_unit_test(test_check_detects_unmerged_neighbours),
		cmocka_unit_test(test_check_touching_different_labels_is_fine),
		cmocka_unit_test(test_check_detects_unknown_flags),
		cmocka_unit_test(test_check_detects_bad_node),
		cmocka_unit_test(test_check_detects_bad_storage),
		cmocka_unit_test(test_check_detects_unreserved_doubled_storage),
		cmocka_unit_test(test_check_without_log_hook_or_why),
		cmocka_unit_test(test_dump_exact_lines),
		cmocka_unit_test(test_dump_all_flags_top_node_and_addr_end),
		cmocka_unit_test(test_dump_empty_instance),
		cmocka_unit_test(test_dump_one_line_per_log_call),
		cmocka_unit_test(test_dump_passes_ctx_to_log_hook),
		cmocka_unit_test(test_dump_without_log_hook_does_nothing),
		cmocka_unit_test(test_dump_doubled_array_header),
	};

	return cmocka_run_group_tests_name("test_debug", tests, NULL, NULL);
}
