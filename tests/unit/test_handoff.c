/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for em_handoff() (include/earlymem/handoff.h): ranges and
 * minimal blocks (proved against a brute-force DP), trimming, NUMA walk
 * order, HOTPLUG / NOMAP / UNACCEPTED, the reserved report, the retired
 * state, late frees, discarding doubled arrays, and randomized instances
 * fed end to end into the reference buddy allocator (tests/buddy/).
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earlymem/handoff.h>

#include "buddy.h"

#define PAGE ((uint64_t)EM_PAGE_SIZE)
#define TOP (EM_ADDR_END - PAGE + 1) /* 2^64 - 4 KiB: the end of the last whole page */
#define SIM_BASE 0x100000000ull
#define SIM_SIZE (64 * MiB)
#define SIM_END (SIM_BASE + SIM_SIZE)

#define OK(em, call)                         \
	do {                                 \
		assert_int_equal((call), 0); \
		assert_check(em);            \
	} while (0)

/* ------------------------------------------------------------------------ */
/* Recording the callbacks                                                  */

/* One callback: 'r' release_range, 'b' release_block, 'u' unaccepted, 'R' reserved. */
struct call {
	char kind;
	uint64_t base;
	uint64_t size;
	unsigned int order;
	int node;
	uint32_t flags;
	const char *label;
};

#define MAX_CALLS 16384

struct rec {
	struct call c[MAX_CALLS];
	size_t n;
	struct buddy *buddy; /* when set, released memory is fed to it */
};

static void record(struct rec *r, struct call c)
{
	assert_true(r->n < MAX_CALLS);
	r->c[r->n++] = c;
}

static void cb_range(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	struct rec *r = ctx;

	record(r, (struct call){ 'r', base, size, 0, node, flags, NULL });
	if (r->buddy)
		buddy_release_pages(r->buddy, base / PAGE, (base + size) / PAGE);
}

static void cb_block(void *ctx, uint64_t base, unsigned int order, int node, uint32_t flags)
{
	struct rec *r = ctx;

	assert_true(order <= EM_HANDOFF_MAX_ORDER);
	record(r, (struct call){ 'b', base, PAGE << order, order, node, flags, NULL });
	if (r->buddy)
		buddy_release_block(r->buddy, base / PAGE, order);
}

static void cb_unaccepted(void *ctx, uint64_t base, uint64_t size, int node)
{
	struct rec *r = ctx;

	record(r, (struct call){ 'u', base, size, 0, node, 0, NULL });
	if (r->buddy)
		buddy_release_pages(r->buddy, base / PAGE, (base + size) / PAGE);
}

static void cb_reserved(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags,
			const char *label)
{
	record(ctx, (struct call){ 'R', base, size, 0, node, flags, label });
}

#define RNG(b, s, n, f)                          \
	{                                        \
		'r', (b), (s), 0, (n), (f), NULL \
	}
#define BLK(b, o, n, f)                                    \
	{                                                  \
		'b', (b), PAGE << (o), (o), (n), (f), NULL \
	}
#define UNA(b, s, n)                           \
	{                                      \
		'u', (b), (s), 0, (n), 0, NULL \
	}
#define RES(b, s, n, f, l)                      \
	{                                       \
		'R', (b), (s), 0, (n), (f), (l) \
	}

static bool label_same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static bool call_same(const struct call *a, const struct call *b)
{
	return a->kind == b->kind && a->base == b->base && a->size == b->size &&
	       a->order == b->order && a->node == b->node && a->flags == b->flags &&
	       label_same(a->label, b->label);
}

static void print_call(const char *pfx, size_t i, const struct call *c)
{
	fprintf(stderr, "%s[%zu] %c 0x%llx +0x%llx order %u node %d flags 0x%x %s\n", pfx, i,
		c->kind, (unsigned long long)c->base, (unsigned long long)c->size, c->order,
		c->node, c->flags, c->label ? c->label : "(null)");
}

/* Asserts the recorded calls are exactly @exp, in order; then forgets them. */
static void assert_calls(struct rec *r, const struct call *exp, size_t n)
{
	bool ok = r->n == n;

	for (size_t i = 0; ok && i < n; i++)
		ok = call_same(&r->c[i], &exp[i]);
	if (!ok) {
		for (size_t i = 0; i < r->n; i++)
			print_call("got ", i, &r->c[i]);
		for (size_t i = 0; i < n; i++)
			print_call("want", i, &exp[i]);
	}
	assert_true(ok);
	r->n = 0;
}
#define ASSERT_CALLS(rec, ...)                                             \
	do {                                                               \
		const struct call exp_[] = { __VA_ARGS__ };                \
		assert_calls((rec), exp_, sizeof(exp_) / sizeof(exp_[0])); \
	} while (0)
#define ASSERT_NO_CALLS(rec) assert_calls((rec), NULL, 0)

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */

struct hfix {
	struct earlymem em;
	struct phys_sim sim;
	struct rec rec;
	struct em_handoff_ops ops; /* must outlive the handoff: late frees use it */
	struct em_handoff_stats st;
	struct buddy buddy;
};

static int hfix_setup(void **state)
{
	struct hfix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	setup_em(&f->em, NULL);
	buddy_init(&f->buddy, 0);
	*state = f;
	return 0;
}

static int hfix_teardown(void **state)
{
	struct hfix *f = *state;

	if (f->sim.buf)
		sim_fini(&f->sim);
	buddy_fini(&f->buddy);
	free(f);
	return 0;
}

/* Ops releasing whole ranges, reporting reservations and unaccepted memory. */
static void ops_range(struct hfix *f)
{
	f->ops = (struct em_handoff_ops){
		.release_range = cb_range,
		.release_unaccepted = cb_unaccepted,
		.reserved = cb_reserved,
		.ctx = &f->rec,
	};
}

/* Ops releasing blocks of at most @order pages. */
static void ops_block(struct hfix *f, unsigned int order)
{
	f->ops = (struct em_handoff_ops){
		.release_block = cb_block,
		.release_unaccepted = cb_unaccepted,
		.reserved = cb_reserved,
		.max_order = order,
		.ctx = &f->rec,
	};
}

static void assert_invariant(const struct em_handoff_stats *st)
{
	assert_int_equal(st->released_bytes + st->reserved_bytes + st->trimmed_bytes +
				 st->nomap_bytes + st->withheld_bytes,
			 st->memory_bytes);
}

/* em_handoff() succeeds, em_check() stays clean, the accounting adds up. */
static void handoff(struct hfix *f)
{
	assert_int_equal(em_handoff(&f->em, &f->ops, &f->st), 0);
	assert_true(f->em.retired);
	assert_check(&f->em);
	assert_invariant(&f->st);
}

/* The main totals of @st. */
static void assert_stats(const struct em_handoff_stats *st, uint64_t memory, uint64_t released,
			 uint64_t count, uint64_t reserved, uint64_t trimmed)
{
	assert_int_equal(st->memory_bytes, memory);
	assert_int_equal(st->released_bytes, released);
	assert_int_equal(st->released_count, count);
	assert_int_equal(st->reserved_bytes, reserved);
	assert_int_equal(st->trimmed_bytes, trimmed);
}

/* ------------------------------------------------------------------------ */
/* Minimal blocks: a brute-force DP                                          */

/*
 * The fewest naturally aligned blocks of at most 2^@k pages that tile
 * [@a, @b) exactly, by dynamic programming over every end point: best[x]
 * is the minimum for [a, x), trying every block that ends at x.
 */
static uint64_t dp_blocks(uint64_t a, uint64_t b, unsigned int k)
{
	uint64_t n = b - a, *best;
	uint64_t r;

	assert_true(a <= b && n <= 4096);
	best = calloc(n + 1, sizeof(*best));
	assert_non_null(best);
	for (uint64_t i = 1; i <= n; i++) {
		uint64_t x = a + i;

		best[i] = UINT64_MAX;
		for (unsigned int o = 0; o <= k && (1ull << o) <= i; o++)
			if (x % (1ull << o) == 0 && best[i - (1ull << o)] + 1 < best[i])
				best[i] = best[i - (1ull << o)] + 1;
		assert_true(best[i] != UINT64_MAX); /* order 0 always fits */
	}
	r = best[n];
	free(best);
	return r;
}

/* em_handoff_blocks() equals the DP for every range of up to 200 pages, orders 0..6. */
static void test_blocks_count_is_minimal(void **state)
{
	(void)state;
	static const uint64_t bases[] = { 0, 1ull << 40, (1ull << 52) - 256 };

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		for (unsigned int k = 0; k <= 6; k++)
			for (uint64_t a = 0; a < 200; a++)
				for (uint64_t b = a; b <= 200 && bases[i] + b < (1ull << 52); b++)
					assert_int_equal(em_handoff_blocks(bases[i] + a,
									   bases[i] + b, k),
							 dp_blocks(bases[i] + a, bases[i] + b, k));
}

/*
 * Counting does not walk: the whole 2^52-page space at order 10 is 2^42
 * blocks (a walk would take hours), and an unaligned huge range agrees
 * with head + middle + tail counted by hand.
 */
static void test_blocks_count_huge_ranges(void **state)
{
	(void)state;
	assert_int_equal(em_handoff_blocks(0, 1ull << 52, 10), 1ull << 42);
	assert_int_equal(em_handoff_blocks(0, 1ull << 52, 51), 2);
	/* [3, 2^40 + 5) at order 2: 3 | 4.. (2^40 - 4) / 4 blocks .. | 2^40 | 2^40 + 4 */
	assert_int_equal(em_handoff_blocks(3, (1ull << 40) + 5, 2),
			 1 + ((1ull << 40) - 4) / 4 + 1 + 1);
	assert_int_equal(em_handoff_blocks(7, 7, 10), 0);
}

/*
 * The real walk: memory [a, b) pages gives exactly the DP's number of
 * release_block calls, each naturally aligned and at most order k, in
 * address order, covering [a, b) exactly once.
 */
static void test_blocks_from_handoff_are_minimal(void **state)
{
	struct hfix *f = *state;
	static const uint64_t bases[] = { 0, (1ull << 52) - 64 };

	for (size_t i = 0; i < 2; i++) {
		for (unsigned int k = 0; k <= 6; k++) {
			for (uint64_t a = 0; a < 48; a++) {
				for (uint64_t b = a + 1; b <= 48 && bases[i] + b < (1ull << 52);
				     b++) {
					uint64_t first = bases[i] + a, end = bases[i] + b, pos;

					setup_em(&f->em, NULL);
					assert_int_equal(em_add(&f->em, first * PAGE,
								(end - first) * PAGE),
							 0);
					ops_block(f, k);
					f->rec.n = 0;
					handoff(f);
					assert_int_equal(f->rec.n, dp_blocks(first, end, k));
					assert_int_equal(f->st.released_count, f->rec.n);
					pos = first * PAGE;
					for (size_t c = 0; c < f->rec.n; c++) {
						const struct call *x = &f->rec.c[c];

						assert_int_equal(x->kind, 'b');
						assert_int_equal(x->base, pos);
						assert_true(x->order <= k);
						assert_int_equal(
							x->base / PAGE % (1ull << x->order), 0);
						pos += x->size;
					}
					assert_int_equal(pos, end * PAGE);
				}
			}
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Ranges and blocks                                                        */

static void test_ranges_are_free_memory_between_reservations(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 64 * KiB));
	OK(&f->em, em_add(&f->em, 1 * MiB, 1 * MiB));
	OK(&f->em, em_reserve_label(&f->em, 16 * KiB, 8 * KiB, "kernel"));
	OK(&f->em, em_reserve_label(&f->em, 1 * MiB, 4 * KiB, "initrd"));
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(0, 16 * KiB, NN, 0), RES(16 * KiB, 8 * KiB, NN, 0, "kernel"),
		     RNG(24 * KiB, 40 * KiB, NN, 0), RES(1 * MiB, 4 * KiB, NN, 0, "initrd"),
		     RNG(1 * MiB + 4 * KiB, 1 * MiB - 4 * KiB, NN, 0));
	assert_stats(&f->st, 1 * MiB + 64 * KiB, 1 * MiB + 52 * KiB, 3, 12 * KiB, 0);
	assert_int_equal(f->st.node_released_bytes[EM_HANDOFF_NO_NODE], 1 * MiB + 52 * KiB);
	assert_int_equal(f->st.node_released_count[EM_HANDOFF_NO_NODE], 3);
}

static void test_blocks_of_a_range_starting_at_zero(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 7 * PAGE));
	ops_block(f, 10);
	handoff(f);
	ASSERT_CALLS(&f->rec, BLK(0, 2, NN, 0), BLK(4 * PAGE, 1, NN, 0), BLK(6 * PAGE, 0, NN, 0));
	assert_stats(&f->st, 7 * PAGE, 7 * PAGE, 3, 0, 0);
}

/* Memory [2^64 - 1 MiB, 2^64 - 4 KiB): 255 pages up to the last whole page. */
static void test_blocks_of_a_range_ending_at_the_last_page(void **state)
{
	struct hfix *f = *state;
	uint64_t b = TOP - 255 * PAGE;

	assert_int_equal(b, 0ull - 1 * MiB);
	OK(&f->em, em_add(&f->em, b, 255 * PAGE));
	ops_block(f, 20);
	handoff(f);
	ASSERT_CALLS(&f->rec, BLK(b, 7, NN, 0), BLK(b + 128 * PAGE, 6, NN, 0),
		     BLK(b + 192 * PAGE, 5, NN, 0), BLK(b + 224 * PAGE, 4, NN, 0),
		     BLK(b + 240 * PAGE, 3, NN, 0), BLK(b + 248 * PAGE, 2, NN, 0),
		     BLK(b + 252 * PAGE, 1, NN, 0), BLK(b + 254 * PAGE, 0, NN, 0));
	assert_stats(&f->st, 255 * PAGE, 255 * PAGE, 8, 0, 0);
}

static void test_range_ending_at_the_last_page(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0ull - 1 * MiB, 255 * PAGE));
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(0ull - 1 * MiB, 255 * PAGE, NN, 0));
}

/* Memory up to EM_ADDR_END: the last 4095 bytes are no whole page. */
static void test_memory_to_addr_end_trims_the_partial_last_page(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0ull - 1 * MiB, 1 * MiB - 1));
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(0ull - 1 * MiB, 255 * PAGE, NN, 0));
	assert_stats(&f->st, 1 * MiB - 1, 255 * PAGE, 1, 0, PAGE - 1);
}

/* A free piece inside the last partial page: nothing to round up to. */
static void test_free_piece_inside_the_last_partial_page(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, TOP - 2 * PAGE, 2 * PAGE + PAGE - 1));
	OK(&f->em, em_reserve(&f->em, TOP - 2 * PAGE, 2 * PAGE + 100));
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RES(TOP - 2 * PAGE, 2 * PAGE + 100, NN, 0, NULL));
	assert_stats(&f->st, 3 * PAGE - 1, 0, 0, 2 * PAGE + 100, PAGE - 101);
}

static void test_blocks_of_odd_page_counts(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 1 * PAGE, 5 * PAGE));	  /* pfn 1..5 */
	OK(&f->em, em_add(&f->em, 13 * PAGE, 11 * PAGE)); /* pfn 13..23 */
	OK(&f->em, em_add(&f->em, 64 * PAGE, 33 * PAGE)); /* pfn 64..96 */
	ops_block(f, 10);
	handoff(f);
	ASSERT_CALLS(&f->rec, BLK(1 * PAGE, 0, NN, 0), BLK(2 * PAGE, 1, NN, 0),
		     BLK(4 * PAGE, 1, NN, 0), BLK(13 * PAGE, 0, NN, 0), BLK(14 * PAGE, 1, NN, 0),
		     BLK(16 * PAGE, 3, NN, 0), BLK(64 * PAGE, 5, NN, 0), BLK(96 * PAGE, 0, NN, 0));
	assert_stats(&f->st, 49 * PAGE, 49 * PAGE, 8, 0, 0);
}

static void test_range_smaller_than_a_page_is_trimmed(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 100, 2000));
	OK(&f->em, em_add(&f->em, 3 * PAGE - 10, 20)); /* across a page boundary */
	ops_block(f, 10);
	handoff(f);
	ASSERT_NO_CALLS(&f->rec);
	assert_stats(&f->st, 2020, 0, 0, 0, 2020);
}

static void test_unaligned_ranges_are_trimmed_inward(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0x1800, 0x4000)); /* [0x1800, 0x5800) */
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(0x2000, 0x3000, NN, 0));
	assert_stats(&f->st, 0x4000, 0x3000, 1, 0, 0x1000);
}

/* A page half reserved is neither released nor reported free: its free half is trimmed. */
static void test_pages_touching_a_reservation_are_not_released(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 0x10000));
	OK(&f->em, em_reserve_label(&f->em, 0x3800, 0x1000, "half"));
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(0, 0x3000, NN, 0), RES(0x3800, 0x1000, NN, 0, "half"),
		     RNG(0x5000, 0xb000, NN, 0));
	assert_stats(&f->st, 0x10000, 0xe000, 2, 0x1000, 0x1000);
}

static void test_max_order_0_gives_single_pages(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * PAGE));
	ops_block(f, 0);
	handoff(f);
	ASSERT_CALLS(&f->rec, BLK(0, 0, NN, 0), BLK(PAGE, 0, NN, 0), BLK(2 * PAGE, 0, NN, 0),
		     BLK(3 * PAGE, 0, NN, 0));
}

static void test_max_order_20_gives_4gib_blocks(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 4 * GiB - PAGE, 8 * GiB + 2 * PAGE));
	ops_block(f, 20);
	handoff(f);
	ASSERT_CALLS(&f->rec, BLK(4 * GiB - PAGE, 0, NN, 0), BLK(4 * GiB, 20, NN, 0),
		     BLK(8 * GiB, 20, NN, 0), BLK(12 * GiB, 0, NN, 0));
	assert_stats(&f->st, 8 * GiB + 2 * PAGE, 8 * GiB + 2 * PAGE, 4, 0, 0);
}

/* Order 51 is the largest: 2^63 bytes; the whole address space is one such block and a bit. */
static void test_max_order_51_is_accepted(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, EM_ADDR_END));
	ops_block(f, EM_HANDOFF_MAX_ORDER);
	handoff(f);
	assert_int_equal(f->rec.n, 52);
	assert_true(call_same(&f->rec.c[0], &(struct call)BLK(0, 51, NN, 0)));
	assert_true(call_same(&f->rec.c[51], &(struct call)BLK(TOP - PAGE, 0, NN, 0)));
	assert_stats(&f->st, EM_ADDR_END, TOP, 52, 0, PAGE - 1);
}

static void test_max_order_52_is_einval(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	ops_block(f, EM_HANDOFF_MAX_ORDER + 1);
	EXPECT_FAIL(&f->em, EM_EINVAL, em_handoff(&f->em, &f->ops, &f->st));
	ASSERT_NO_CALLS(&f->rec);
	assert_false(f->em.retired);
}

static void test_both_release_callbacks_is_einval(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	ops_block(f, 10);
	f->ops.release_range = cb_range;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_handoff(&f->em, &f->ops, &f->st));
	ASSERT_NO_CALLS(&f->rec);
}

static void test_neither_release_callback_is_einval(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	ops_range(f);
	f->ops.release_range = NULL;
	EXPECT_FAIL(&f->em, EM_EINVAL, em_handoff(&f->em, &f->ops, &f->st));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_handoff(&f->em, NULL, &f->st));
	ASSERT_NO_CALLS(&f->rec);
}

/* A broken instance is refused before anything is released. */
static void test_corrupt_instance_is_ecorrupt(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	struct em_snapshot snap;

	f->em.memory.total_size++;
	ops_range(f);
	snap_take(&snap, &f->em);
	assert_int_equal(em_handoff(&f->em, &f->ops, &f->st), EM_ECORRUPT);
	snap_assert_same(&snap, &f->em);
	ASSERT_NO_CALLS(&f->rec);
	f->em.memory.total_size--;
	assert_check(&f->em);
}

static void test_stats_may_be_null(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	ops_range(f);
	assert_int_equal(em_handoff(&f->em, &f->ops, NULL), 0);
	ASSERT_CALLS(&f->rec, RNG(0, 1 * MiB, NN, 0));
}

/* ------------------------------------------------------------------------ */
/* Nodes and flags                                                          */

static void numa_map(struct hfix *f)
{
	OK(&f->em, em_add_node(&f->em, 0, 1 * MiB, 1, 0));
	OK(&f->em, em_add_node(&f->em, 1 * MiB, 1 * MiB, 0, 0));
	OK(&f->em, em_add_node(&f->em, 2 * MiB, 1 * MiB, NN, 0));
	OK(&f->em, em_add_node(&f->em, 3 * MiB, 1 * MiB, 1, 0));
	OK(&f->em, em_add_node(&f->em, 4 * MiB, 1 * MiB, 0, 0));
	OK(&f->em, em_add_node(&f->em, 6 * MiB, 1 * MiB, 3, 0));
	OK(&f->em, em_reserve_label(&f->em, 3 * MiB, 64 * KiB, "r"));
}

static void test_walk_is_node_by_node_then_no_node(void **state)
{
	struct hfix *f = *state;

	numa_map(f);
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(1 * MiB, 1 * MiB, 0, 0), RNG(4 * MiB, 1 * MiB, 0, 0),
		     RNG(0, 1 * MiB, 1, 0), RES(3 * MiB, 64 * KiB, 1, 0, "r"),
		     RNG(3 * MiB + 64 * KiB, 1 * MiB - 64 * KiB, 1, 0), RNG(6 * MiB, 1 * MiB, 3, 0),
		     RNG(2 * MiB, 1 * MiB, NN, 0));
}

static void test_per_node_stats(void **state)
{
	struct hfix *f = *state;

	numa_map(f);
	ops_block(f, 8); /* 1 MiB blocks */
	handoff(f);
	assert_int_equal(f->st.node_released_bytes[0], 2 * MiB);
	assert_int_equal(f->st.node_released_count[0], 2);
	assert_int_equal(f->st.node_released_bytes[1], 2 * MiB - 64 * KiB);
	assert_int_equal(f->st.node_released_count[1], 1 + 4); /* 64K+128K+256K+512K */
	assert_int_equal(f->st.node_released_bytes[2], 0);
	assert_int_equal(f->st.node_released_count[2], 0);
	assert_int_equal(f->st.node_released_bytes[3], 1 * MiB);
	assert_int_equal(f->st.node_released_count[3], 1);
	assert_int_equal(f->st.node_released_bytes[EM_HANDOFF_NO_NODE], 1 * MiB);
	assert_int_equal(f->st.node_released_count[EM_HANDOFF_NO_NODE], 1);
	assert_stats(&f->st, 6 * MiB, 6 * MiB - 64 * KiB, 9, 64 * KiB, 0);
}

static void test_hotplug_is_released_with_its_flag_and_counted(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add_node(&f->em, 0, 1 * MiB, 0, 0));
	OK(&f->em, em_add_node(&f->em, 1 * MiB, 1 * MiB, 0, EM_HOTPLUG | EM_MIRROR));
	OK(&f->em, em_add_node(&f->em, 2 * MiB, 1 * MiB, 0, EM_HOTPLUG));
	ops_block(f, 8);
	handoff(f);
	ASSERT_CALLS(&f->rec, BLK(0, 8, 0, 0), BLK(1 * MiB, 8, 0, EM_HOTPLUG | EM_MIRROR),
		     BLK(2 * MiB, 8, 0, EM_HOTPLUG));
	assert_int_equal(f->st.hotplug_bytes, 2 * MiB);
	assert_stats(&f->st, 3 * MiB, 3 * MiB, 3, 0, 0);
}

static void test_nomap_is_never_released(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	OK(&f->em, em_add_node(&f->em, 1 * MiB, 1 * MiB + 100, NN, EM_NOMAP));
	OK(&f->em, em_reserve_label(&f->em, 1 * MiB + 8 * KiB, 4 * KiB, "fw"));
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(0, 1 * MiB, NN, 0),
		     RES(1 * MiB + 8 * KiB, 4 * KiB, NN, EM_NOMAP, "fw"));
	assert_int_equal(f->st.nomap_bytes, 1 * MiB + 100 - 4 * KiB);
	assert_stats(&f->st, 2 * MiB + 100, 1 * MiB, 1, 4 * KiB, 0);
}

static void test_unaccepted_goes_to_its_own_callback(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add_node(&f->em, 0, 1 * MiB, 0, 0));
	OK(&f->em, em_add_node(&f->em, 1 * MiB + 100, 1 * MiB, 0, EM_UNACCEPTED));
	OK(&f->em, em_reserve(&f->em, 1 * MiB + 64 * KiB, 64 * KiB));
	ops_block(f, 10);
	handoff(f);
	/* Ranges, not blocks, even with release_block. */
	ASSERT_CALLS(&f->rec, BLK(0, 8, 0, 0), UNA(1 * MiB + PAGE, 60 * KiB, 0),
		     RES(1 * MiB + 64 * KiB, 64 * KiB, 0, EM_UNACCEPTED, NULL),
		     UNA(1 * MiB + 128 * KiB, 1 * MiB - 128 * KiB, 0));
	assert_int_equal(f->st.unaccepted_bytes, 1 * MiB - 68 * KiB);
	assert_int_equal(f->st.withheld_bytes, 0);
	assert_int_equal(f->st.node_released_bytes[0], 2 * MiB - 68 * KiB);
	assert_int_equal(f->st.node_released_count[0], 3);
	assert_stats(&f->st, 2 * MiB, 2 * MiB - 68 * KiB, 3, 64 * KiB, 4 * KiB);
}

static void test_unaccepted_without_callback_is_withheld(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add_node(&f->em, 0, 1 * MiB, 0, 0));
	OK(&f->em, em_add_node(&f->em, 1 * MiB, 1 * MiB, 0, EM_UNACCEPTED | EM_HOTPLUG));
	ops_range(f);
	f->ops.release_unaccepted = NULL;
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(0, 1 * MiB, 0, 0));
	assert_int_equal(f->st.withheld_bytes, 1 * MiB);
	assert_int_equal(f->st.unaccepted_bytes, 1 * MiB);
	assert_int_equal(f->st.hotplug_bytes, 0); /* not released */
	assert_stats(&f->st, 2 * MiB, 1 * MiB, 1, 0, 0);
}

/* Reservations: node and flags of the memory, label of the reservation, inside memory only. */
static void test_reserved_report_is_per_memory_region(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add_node(&f->em, 1 * MiB, 1 * MiB, 1, EM_MIRROR));
	OK(&f->em, em_add_node(&f->em, 2 * MiB, 1 * MiB, 0, EM_HOTPLUG));
	OK(&f->em, em_reserve_label(&f->em, 0, 1 * MiB + 4 * KiB, "low"));	  /* half out */
	OK(&f->em, em_reserve_label(&f->em, 2 * MiB - 4 * KiB, 8 * KiB, "span")); /* two nodes */
	OK(&f->em, em_reserve_label(&f->em, 3 * MiB - 4 * KiB, 8 * KiB, "top"));  /* half out */
	OK(&f->em, em_reserve_label(&f->em, 8 * MiB, 4 * KiB, "mmio"));		  /* not memory */
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RES(2 * MiB, 4 * KiB, 0, EM_HOTPLUG, "span"),
		     RNG(2 * MiB + 4 * KiB, 1 * MiB - 8 * KiB, 0, EM_HOTPLUG),
		     RES(3 * MiB - 4 * KiB, 4 * KiB, 0, EM_HOTPLUG, "top"),
		     RES(1 * MiB, 4 * KiB, 1, EM_MIRROR, "low"),
		     RNG(1 * MiB + 4 * KiB, 1 * MiB - 8 * KiB, 1, EM_MIRROR),
		     RES(2 * MiB - 4 * KiB, 4 * KiB, 1, EM_MIRROR, "span"));
	assert_stats(&f->st, 2 * MiB, 2 * MiB - 16 * KiB, 2, 16 * KiB, 0);
}

static void test_reserved_callback_may_be_null(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	OK(&f->em, em_reserve(&f->em, 0, 4 * KiB));
	ops_range(f);
	f->ops.reserved = NULL;
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(4 * KiB, 1 * MiB - 4 * KiB, NN, 0));
	assert_stats(&f->st, 1 * MiB, 1 * MiB - 4 * KiB, 1, 4 * KiB, 0);
}

static void test_instance_stays_readable_without_discard(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	OK(&f->em, em_reserve_label(&f->em, 0, 4 * KiB, "k"));
	ops_range(f);
	handoff(f);
	ASSERT_TABLE(&f->em.memory, { 0, 1 * MiB, 0, NN, NULL });
	ASSERT_TABLE(&f->em.reserved, { 0, 4 * KiB, 0, NN, "k" });
	assert_true(em_is_free(&f->em, 8 * KiB));
	assert_int_equal(em_free_size(&f->em), 1 * MiB - 4 * KiB);
}

/* ------------------------------------------------------------------------ */
/* Retired                                                                  */

static void retire(struct hfix *f)
{
	OK(&f->em, em_add_node(&f->em, 0, 16 * MiB, 0, 0));
	OK(&f->em, em_reserve_label(&f->em, 1 * MiB, 1 * MiB, "kernel"));
	ops_range(f);
	handoff(f);
	f->rec.n = 0;
}

static void test_retired_mutators_return_eretired(void **state)
{
	struct hfix *f = *state;
	struct earlymem *em = &f->em;
	struct em_request req = {
		.size = PAGE, .align = PAGE, .max = EM_ALLOC_ANYWHERE, .node = EM_NODE_ANY
	};
	uint64_t addr = 0x1234;

	retire(f);
	em_set_hooks(em, &(struct em_hooks){ .phys_to_virt = sim_phys_to_virt });
	EXPECT_FAIL(em, EM_ERETIRED, em_add(em, 32 * MiB, 1 * MiB));
	EXPECT_FAIL(em, EM_ERETIRED, em_add_node(em, 32 * MiB, 1 * MiB, 0, 0));
	EXPECT_FAIL(em, EM_ERETIRED, em_remove(em, 0, 1 * MiB));
	EXPECT_FAIL(em, EM_ERETIRED, em_mark(em, 0, 1 * MiB, EM_HOTPLUG));
	EXPECT_FAIL(em, EM_ERETIRED, em_clear(em, 0, 1 * MiB, EM_HOTPLUG));
	EXPECT_FAIL(em, EM_ERETIRED, em_set_node(em, 0, 1 * MiB, 1));
	EXPECT_FAIL(em, EM_ERETIRED, em_reserve(em, 4 * MiB, PAGE));
	EXPECT_FAIL(em, EM_ERETIRED, em_reserve_label(em, 4 * MiB, PAGE, "x"));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc(em, PAGE, PAGE, &addr));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc_range(em, PAGE, PAGE, 0, 8 * MiB, &addr));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc_node(em, PAGE, PAGE, 0, &addr));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc_req(em, &req, &addr));
	EXPECT_FAIL(em, EM_ERETIRED, em_find(em, &req, &addr));
	EXPECT_FAIL(em, EM_ERETIRED, em_alloc_at(em, 4 * MiB, PAGE, "x"));
	EXPECT_FAIL(em, EM_ERETIRED, em_trim(em, 2 * MiB));
	EXPECT_FAIL(em, EM_ERETIRED, em_cap(em, 0, 1 * MiB));
	EXPECT_FAIL(em, EM_ERETIRED, em_allow_resize(em));
	assert_int_equal(addr, 0x1234);
	ASSERT_NO_CALLS(&f->rec);
}

static void test_retired_limit_does_nothing(void **state)
{
	struct hfix *f = *state;
	struct em_snapshot snap;

	retire(f);
	snap_take(&snap, &f->em);
	em_limit(&f->em, 1 * MiB);
	snap_assert_same(&snap, &f->em);
	ASSERT_NO_CALLS(&f->rec);
}

static void test_second_handoff_is_eretired(void **state)
{
	struct hfix *f = *state;

	retire(f);
	EXPECT_FAIL(&f->em, EM_ERETIRED, em_handoff(&f->em, &f->ops, &f->st));
	ASSERT_NO_CALLS(&f->rec);
}

/* ------------------------------------------------------------------------ */
/* Late free                                                                */

static void test_late_free_releases_the_pages_once(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add_node(&f->em, 0, 1 * MiB, 2, EM_MIRROR));
	OK(&f->em, em_reserve_label(&f->em, 2 * PAGE, 5 * PAGE, "initrd"));
	ops_block(f, 10);
	handoff(f);
	f->rec.n = 0;
	OK(&f->em, em_free(&f->em, 2 * PAGE, 5 * PAGE));
	ASSERT_CALLS(&f->rec, BLK(2 * PAGE, 1, 2, EM_MIRROR), BLK(4 * PAGE, 1, 2, EM_MIRROR),
		     BLK(6 * PAGE, 0, 2, EM_MIRROR));
	ASSERT_EMPTY(&f->em.reserved);
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, 2 * PAGE, 5 * PAGE));
	ASSERT_NO_CALLS(&f->rec);
}

/* Each part freed releases its own pages; the reserved array keeps the rest. */
static void test_late_free_of_part_splits_the_reservation(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	OK(&f->em, em_reserve_label(&f->em, 16 * PAGE, 16 * PAGE, "r"));
	ops_range(f);
	handoff(f);
	f->rec.n = 0;
	OK(&f->em, em_free(&f->em, 20 * PAGE, 4 * PAGE));
	ASSERT_CALLS(&f->rec, RNG(20 * PAGE, 4 * PAGE, NN, 0));
	ASSERT_TABLE(&f->em.reserved, { 16 * PAGE, 4 * PAGE, 0, NN, "r" },
		     { 24 * PAGE, 8 * PAGE, 0, NN, "r" });
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, 16 * PAGE, 16 * PAGE));
	OK(&f->em, em_free(&f->em, 16 * PAGE, 4 * PAGE));
	OK(&f->em, em_free(&f->em, 24 * PAGE, 8 * PAGE));
	ASSERT_CALLS(&f->rec, RNG(16 * PAGE, 4 * PAGE, NN, 0), RNG(24 * PAGE, 8 * PAGE, NN, 0));
	ASSERT_EMPTY(&f->em.reserved);
}

/* A page shared by two reservations is released only when the second goes. */
static void test_late_free_of_a_shared_page_waits_for_both(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 4 * PAGE));
	OK(&f->em, em_reserve_label(&f->em, 0x1000, 0x800, "a"));
	OK(&f->em, em_reserve_label(&f->em, 0x1800, 0x1800, "b"));
	ops_range(f);
	handoff(f);
	ASSERT_CALLS(&f->rec, RNG(0, PAGE, NN, 0), RES(0x1000, 0x800, NN, 0, "a"),
		     RES(0x1800, 0x1800, NN, 0, "b"), RNG(3 * PAGE, PAGE, NN, 0));
	OK(&f->em, em_free(&f->em, 0x1000, 0x800));
	ASSERT_NO_CALLS(&f->rec); /* page 1 is half "b" still */
	OK(&f->em, em_free(&f->em, 0x1800, 0x1800));
	ASSERT_CALLS(&f->rec, RNG(0x1000, 0x2000, NN, 0));
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, 0x1800, 0x1800));
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, 0x1000, 0x800));
	ASSERT_NO_CALLS(&f->rec);
}

/* The same in the other order, with a buddy allocator checking nothing is released twice. */
static void test_late_frees_feed_a_buddy_exactly_once(void **state)
{
	struct hfix *f = *state;
	uint64_t pfn, n = 0;

	OK(&f->em, em_add(&f->em, 0, 64 * PAGE));
	OK(&f->em, em_reserve_label(&f->em, 0x1800, 0x3000, "b")); /* pages 1..4 */
	OK(&f->em, em_reserve_label(&f->em, 0x4800, 0x1000, "c")); /* pages 4..5 */
	OK(&f->em, em_reserve_label(&f->em, 0x1000, 0x800, "a"));  /* page 1 */
	buddy_init(&f->buddy, 5);
	f->rec.buddy = &f->buddy;
	ops_block(f, 5);
	handoff(f);
	assert_int_equal(f->buddy.owned_pages, 64 - 5);
	OK(&f->em, em_free(&f->em, 0x1800, 0x3000));
	assert_int_equal(f->buddy.owned_pages, 64 - 5 + 2); /* pages 2, 3 */
	OK(&f->em, em_free(&f->em, 0x4800, 0x1000));
	assert_int_equal(f->buddy.owned_pages, 64 - 5 + 4); /* pages 4, 5 */
	OK(&f->em, em_free(&f->em, 0x1000, 0x800));
	assert_int_equal(f->buddy.owned_pages, 64);
	while (buddy_alloc(&f->buddy, 0, &pfn) == 0)
		n++;
	assert_int_equal(n, 64);
}

static void test_late_free_of_unreserved_range_is_enoent(void **state)
{
	struct hfix *f = *state;

	retire(f);
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, 4 * MiB, PAGE));
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, 2 * MiB - PAGE, 2 * PAGE)); /* half */
	ASSERT_NO_CALLS(&f->rec);
}

static void test_late_free_outside_memory_releases_nothing(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add(&f->em, 0, 1 * MiB));
	OK(&f->em, em_reserve_label(&f->em, 1 * MiB - PAGE, 2 * PAGE, "edge"));
	OK(&f->em, em_reserve_label(&f->em, 8 * MiB, PAGE, "mmio"));
	ops_range(f);
	handoff(f);
	f->rec.n = 0;
	OK(&f->em, em_free(&f->em, 8 * MiB, PAGE));
	ASSERT_NO_CALLS(&f->rec);
	OK(&f->em, em_free(&f->em, 1 * MiB - PAGE, 2 * PAGE));
	ASSERT_CALLS(&f->rec, RNG(1 * MiB - PAGE, PAGE, NN, 0));
}

static void test_late_free_follows_memory_flags(void **state)
{
	struct hfix *f = *state;

	OK(&f->em, em_add_node(&f->em, 0, 1 * MiB, 0, EM_NOMAP));
	OK(&f->em, em_add_node(&f->em, 1 * MiB, 1 * MiB, 1, EM_UNACCEPTED));
	OK(&f->em, em_add_node(&f->em, 2 * MiB, 1 * MiB, 1, EM_HOTPLUG));
	OK(&f->em, em_reserve(&f->em, 0, 3 * MiB));
	ops_block(f, 10);
	handoff(f);
	f->rec.n = 0;
	OK(&f->em, em_free(&f->em, 0, 3 * MiB));
	ASSERT_CALLS(&f->rec, UNA(1 * MiB, 1 * MiB, 1), BLK(2 * MiB, 8, 1, EM_HOTPLUG));
}

/* ------------------------------------------------------------------------ */
/* Doubled arrays and discard                                               */

/* Instance with fake physical memory at SIM_BASE that arrays can double into. */
static void sim_setup(struct hfix *f)
{
	sim_init(&f->sim, SIM_BASE, SIM_SIZE);
	setup_em(&f->em, &f->sim);
	OK(&f->em, em_add(&f->em, SIM_BASE, SIM_SIZE));
	OK(&f->em, em_allow_resize(&f->em));
}

/* @n one-page reservations at two-page steps from @base. */
static void reserve_pages(struct earlymem *em, uint64_t base, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		OK(em, em_reserve_label(em, base + 2ull * i * PAGE, PAGE, "p"));
}

/*
 * The reserved array doubled, then most reservations freed again; *@sp and
 * *@sb say where its storage is.
 */
static void doubled_reserved(struct hfix *f, uint64_t *sp, uint64_t *sb)
{
	sim_setup(f);
	reserve_pages(&f->em, SIM_BASE, EM_STATIC_REGIONS + 1);
	assert_true(f->em.reserved.bytes != 0);
	for (unsigned int i = 1; i <= EM_STATIC_REGIONS; i++)
		OK(&f->em, em_free(&f->em, SIM_BASE + 2ull * i * PAGE, PAGE));
	ASSERT_TABLE(&f->em.reserved, { SIM_BASE, PAGE, 0, NN, "p" },
		     { f->em.reserved.phys, f->em.reserved.bytes, 0, NN, EM_LABEL_SELF });
	*sp = f->em.reserved.phys;
	*sb = f->em.reserved.bytes;
}

static void test_storage_is_reported_reserved_without_discard(void **state)
{
	struct hfix *f = *state;
	uint64_t sp, sb;

	doubled_reserved(f, &sp, &sb);
	ops_range(f);
	handoff(f);
	assert_int_equal(sp + sb, SIM_END); /* top-down */
	ASSERT_CALLS(&f->rec, RES(SIM_BASE, PAGE, NN, 0, "p"),
		     RNG(SIM_BASE + PAGE, sp - SIM_BASE - PAGE, NN, 0),
		     RES(sp, sb, NN, 0, EM_LABEL_SELF));
	assert_int_equal(f->st.discarded_bytes, 0);
	assert_int_equal(f->em.reserved.phys, sp); /* still there, still readable */
	EXPECT_FAIL(&f->em, EM_EBUSY, em_free(&f->em, sp, PAGE));
	ASSERT_NO_CALLS(&f->rec);
}

static void test_discard_releases_storage_last(void **state)
{
	struct hfix *f = *state;
	uint64_t sp, sb;

	doubled_reserved(f, &sp, &sb);
	ops_range(f);
	f->ops.discard = true;
	handoff(f);
	assert_int_equal(sp + sb, SIM_END); /* top-down */
	ASSERT_CALLS(&f->rec, RES(SIM_BASE, PAGE, NN, 0, "p"),
		     RNG(SIM_BASE + PAGE, sp - SIM_BASE - PAGE, NN, 0), RNG(sp, sb, NN, 0));
	assert_int_equal(f->st.discarded_bytes, sb);
	assert_stats(&f->st, SIM_SIZE, SIM_SIZE - PAGE, 2, PAGE, 0);
	/* Back on the static storage; the storage reservation is gone. */
	assert_ptr_equal(f->em.reserved.regions, f->em.reserved_static);
	assert_int_equal(f->em.reserved.bytes, 0);
	ASSERT_TABLE(&f->em.reserved, { SIM_BASE, PAGE, 0, NN, "p" });
	ASSERT_TABLE(&f->em.memory, { SIM_BASE, SIM_SIZE, 0, NN, NULL });
	/* The storage cannot be freed again; the other reservation can. */
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, sp, sb));
	OK(&f->em, em_free(&f->em, SIM_BASE, PAGE));
	ASSERT_CALLS(&f->rec, RNG(SIM_BASE, PAGE, NN, 0));
}

/*
 * A reservation over the storage before the handoff: the array moved off
 * it, so the discard releases the new storage and the reservation is
 * reported, whole, as the caller's.
 */
static void test_discard_after_reservation_over_storage(void **state)
{
	struct hfix *f = *state;
	uint64_t sp, sb, np;

	doubled_reserved(f, &sp, &sb);
	OK(&f->em, em_reserve_label(&f->em, sp, sb, "fw"));
	np = f->em.reserved.phys;
	assert_int_equal(np + sb, sp); /* top-down, right below */
	ops_range(f);
	f->ops.discard = true;
	handoff(f);
	ASSERT_CALLS(&f->rec, RES(SIM_BASE, PAGE, NN, 0, "p"),
		     RNG(SIM_BASE + PAGE, np - SIM_BASE - PAGE, NN, 0), RES(sp, sb, NN, 0, "fw"),
		     RNG(np, sb, NN, 0));
	assert_int_equal(f->st.discarded_bytes, sb);
	ASSERT_TABLE(&f->em.reserved, { SIM_BASE, PAGE, 0, NN, "p" }, { sp, sb, 0, NN, "fw" });
}

/* Storage whose memory was marked NOMAP after it doubled is not released: reported reserved. */
static void test_discard_keeps_nomap_storage(void **state)
{
	struct hfix *f = *state;
	uint64_t sp, sb;

	doubled_reserved(f, &sp, &sb);
	OK(&f->em, em_mark(&f->em, sp, sb, EM_NOMAP));
	ops_range(f);
	f->ops.discard = true;
	handoff(f);
	ASSERT_CALLS(&f->rec, RES(SIM_BASE, PAGE, NN, 0, "p"),
		     RNG(SIM_BASE + PAGE, sp - SIM_BASE - PAGE, NN, 0),
		     RES(sp, sb, NN, EM_NOMAP, EM_LABEL_SELF));
	assert_int_equal(f->st.discarded_bytes, 0);
	assert_int_equal(f->st.reserved_bytes, PAGE + sb);
}

/*
 * Storage split between two nodes after it doubled (an SRAT applied late):
 * not released, but reported as the reservation it is, piece by piece with
 * each node. Found by a review: it was reported as one range without a
 * node.
 */
static void test_discard_reports_storage_split_between_nodes(void **state)
{
	struct hfix *f = *state;
	uint64_t sp, sb;

	doubled_reserved(f, &sp, &sb);
	OK(&f->em, em_set_node(&f->em, SIM_BASE, sp + PAGE - SIM_BASE, 0));
	OK(&f->em, em_set_node(&f->em, sp + PAGE, SIM_END - sp - PAGE, 1));
	ops_range(f);
	f->ops.discard = true;
	handoff(f);
	ASSERT_CALLS(&f->rec, RES(SIM_BASE, PAGE, 0, 0, "p"),
		     RNG(SIM_BASE + PAGE, sp - SIM_BASE - PAGE, 0, 0),
		     RES(sp, PAGE, 0, 0, EM_LABEL_SELF),
		     RES(sp + PAGE, sb - PAGE, 1, 0, EM_LABEL_SELF));
	assert_int_equal(f->st.discarded_bytes, 0);
	assert_int_equal(f->st.reserved_bytes, PAGE + sb);
	/* The array stays on it, readable, and the storage cannot be freed. */
	assert_int_equal(f->em.reserved.phys, sp);
	EXPECT_FAIL(&f->em, EM_EBUSY, em_free(&f->em, sp, PAGE));
	OK(&f->em, em_free(&f->em, SIM_BASE, PAGE));
	ASSERT_CALLS(&f->rec, RNG(SIM_BASE, PAGE, 0, 0));
}

/*
 * Storage whose first page is no longer memory: that page is not reported
 * (not memory), the rest is, with its memory's node. Found by a review: the
 * report was the first sb - PAGE bytes, that page included and the last
 * page of memory neither released nor reported.
 */
static void test_discard_reports_storage_partly_removed(void **state)
{
	struct hfix *f = *state;
	uint64_t sp, sb;

	doubled_reserved(f, &sp, &sb);
	OK(&f->em, em_remove(&f->em, sp, PAGE));
	ops_range(f);
	f->ops.discard = true;
	handoff(f);
	ASSERT_CALLS(&f->rec, RES(SIM_BASE, PAGE, NN, 0, "p"),
		     RNG(SIM_BASE + PAGE, sp - SIM_BASE - PAGE, NN, 0),
		     RES(sp + PAGE, sb - PAGE, NN, 0, EM_LABEL_SELF));
	assert_int_equal(f->st.discarded_bytes, 0);
	assert_stats(&f->st, SIM_SIZE - PAGE, sp - SIM_BASE - PAGE, 1, sb, 0);
}

/* A transaction begun before the handoff cannot undo it: pages would be released twice. */
static void test_txn_rollback_refused_after_handoff(void **state)
{
	struct hfix *f = *state;
	static uint64_t buf[1024];

	OK(&f->em, em_add(&f->em, 0, 16 * PAGE));
	OK(&f->em, em_reserve_label(&f->em, 0, PAGE, "p"));
	assert_int_equal(em_txn_begin(&f->em, buf, sizeof(buf)), 0);
	ops_range(f);
	handoff(f);
	OK(&f->em, em_free(&f->em, 0, PAGE));
	assert_int_equal(em_txn_rollback(&f->em, buf), EM_ERETIRED);
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, 0, PAGE));
}

/*
 * Nor can one begun after it: a rollback would bring back reservations
 * that late frees removed, and freeing them again would release their
 * pages twice. Found by a review: begin and rollback both succeeded.
 */
static void test_txn_refused_after_handoff(void **state)
{
	struct hfix *f = *state;
	static uint64_t before[1024], after[1024];

	OK(&f->em, em_add(&f->em, 0, 16 * PAGE));
	OK(&f->em, em_reserve_label(&f->em, 8 * PAGE, PAGE, "p"));
	assert_int_equal(em_txn_begin(&f->em, before, sizeof(before)), 0);
	ops_range(f);
	handoff(f);
	f->rec.n = 0;
	EXPECT_FAIL(&f->em, EM_ERETIRED, em_txn_begin(&f->em, after, sizeof(after)));
	OK(&f->em, em_free(&f->em, 8 * PAGE, PAGE));
	ASSERT_CALLS(&f->rec, RNG(8 * PAGE, PAGE, NN, 0));
	EXPECT_FAIL(&f->em, EM_ERETIRED, em_txn_rollback(&f->em, before));
	EXPECT_FAIL(&f->em, EM_EINVAL, em_txn_rollback(&f->em, after)); /* it holds nothing */
	EXPECT_FAIL(&f->em, EM_ENOENT, em_free(&f->em, 8 * PAGE, PAGE));
	ASSERT_NO_CALLS(&f->rec);
}

/* Both arrays doubled: both storages last, in address order, after everything else. */
static void test_discard_of_both_arrays(void **state)
{
	struct hfix *f = *state;
	static struct call exp[3 * (EM_STATIC_REGIONS + 1) + 4];
	size_t n = 0;
	uint64_t mp, mb, rp, rb, pos = SIM_BASE;
	unsigned int regions = EM_STATIC_REGIONS + 1;

	sim_setup(f);
	/* Memory: the sim block and 129 separate pages below it. */
	for (unsigned int i = 0; i < regions; i++)
		OK(&f->em, em_add(&f->em, 2ull * i * PAGE, PAGE));
	reserve_pages(&f->em, SIM_BASE, EM_STATIC_REGIONS + 1);
	mp = f->em.memory.phys;
	mb = f->em.memory.bytes;
	rp = f->em.reserved.phys;
	rb = f->em.reserved.bytes;
	assert_true(mb && rb);
	assert_true(mp > rp); /* top-down: memory doubled first */
	for (unsigned int i = 0; i < regions; i++)
		exp[n++] = (struct call)RNG(2ull * i * PAGE, PAGE, NN, 0);
	for (unsigned int i = 0; i < EM_STATIC_REGIONS + 1; i++) {
		exp[n++] = (struct call)RES(pos, PAGE, NN, 0, "p");
		pos += PAGE;
		exp[n++] = (struct call)RNG(pos, PAGE, NN, 0);
		pos += PAGE;
	}
	exp[n - 1].size = rp - exp[n - 1].base; /* up to the reserved array's storage */
	/* Top-down: the two storages are adjacent at the top, one "earlymem" reservation. */
	assert_int_equal(rp + rb, mp);
	assert_int_equal(mp + mb, SIM_END);
	/* both storages last, in address order */
	exp[n++] = (struct call)RNG(rp, rb, NN, 0);
	exp[n++] = (struct call)RNG(mp, mb, NN, 0);
	ops_range(f);
	f->ops.discard = true;
	handoff(f);
	assert_true(n <= sizeof(exp) / sizeof(exp[0]));
	assert_calls(&f->rec, exp, n);
	assert_int_equal(f->st.discarded_bytes, mb + rb);
	/* Memory has 130 regions: it does not fit and is emptied; reserved neither. */
	assert_int_equal(f->em.memory.bytes, 0);
	assert_int_equal(f->em.reserved.bytes, 0);
	ASSERT_EMPTY(&f->em.reserved);
	EXPECT_FAIL(&f->em, EM_ERETIRED, em_free(&f->em, SIM_BASE, PAGE));
	ASSERT_NO_CALLS(&f->rec);
}

/* More reservations than the static array holds: after discard, late frees are refused. */
static void test_discard_of_a_full_reserved_array_refuses_late_free(void **state)
{
	struct hfix *f = *state;
	uint64_t rp, rb;

	sim_setup(f);
	reserve_pages(&f->em, SIM_BASE, EM_STATIC_REGIONS + 1);
	rp = f->em.reserved.phys;
	rb = f->em.reserved.bytes;
	ops_range(f);
	f->ops.discard = true;
	handoff(f);
	assert_int_equal(f->st.reserved_bytes, (EM_STATIC_REGIONS + 1) * PAGE);
	assert_true(call_same(&f->rec.c[f->rec.n - 1], &(struct call)RNG(rp, rb, NN, 0)));
	f->rec.n = 0;
	assert_ptr_equal(f->em.reserved.regions, f->em.reserved_static);
	ASSERT_TABLE(&f->em.memory, { SIM_BASE, SIM_SIZE, 0, NN, NULL });
	EXPECT_FAIL(&f->em, EM_ERETIRED, em_free(&f->em, SIM_BASE, PAGE));
	EXPECT_FAIL(&f->em, EM_ERETIRED, em_free(&f->em, rp, rb));
	ASSERT_NO_CALLS(&f->rec);
}

/* Discard with release_block: the storage goes out as blocks, after the rest. */
static void test_discard_storage_as_blocks(void **state)
{
	struct hfix *f = *state;
	uint64_t sp, sb;

	doubled_reserved(f, &sp, &sb);
	buddy_init(&f->buddy, 10);
	f->rec.buddy = &f->buddy;
	ops_block(f, 10);
	f->ops.discard = true;
	handoff(f);
	assert_int_equal(f->buddy.owned_pages, SIM_SIZE / PAGE - 1);
	assert_int_equal(f->st.released_count, f->rec.n - 1);
	/* The last calls are the storage's blocks. */
	for (size_t i = f->rec.n, pos = sp + sb; pos > sp; pos -= f->rec.c[i].size) {
		i--;
		assert_int_equal(f->rec.c[i].kind, 'b');
		assert_int_equal(f->rec.c[i].base + f->rec.c[i].size, pos);
	}
}

/* ------------------------------------------------------------------------ */
/* Randomized instances end to end                                          */

/* A small address space modelled in 256-byte units. */
#define UNIT 256ull
#define SPACE (1 * MiB)
#define UNITS (SPACE / UNIT)
#define PAGES (SPACE / PAGE)
#define PER_PAGE (PAGE / UNIT)

struct model {
	uint64_t off; /* address of unit 0 */
	bool mem[UNITS];
	int node[UNITS];
	uint32_t flags[UNITS];
	bool res[UNITS];
};

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* A random [u, u + n) in units. */
static void rnd_span(uint64_t *u, uint64_t *n, uint64_t max)
{
	*u = rnd_below(UNITS);
	*n = 1 + rnd_below(max);
	if (*u + *n > UNITS)
		*n = UNITS - *u;
}

/* Page @p is released: every unit memory of one region, none reserved, not NOMAP. */
static bool page_expected(const struct model *m, uint64_t p, bool unaccepted_cb)
{
	uint64_t u0 = p * PER_PAGE;

	for (uint64_t u = u0; u < u0 + PER_PAGE; u++)
		if (!m->mem[u] || m->res[u] || m->node[u] != m->node[u0] ||
		    m->flags[u] != m->flags[u0])
			return false;
	if (m->flags[u0] & EM_NOMAP)
		return false;
	return unaccepted_cb || !(m->flags[u0] & EM_UNACCEPTED);
}

static const char *const labels[] = { NULL, "a", "b", "kernel" };

static void random_instance(struct hfix *f, struct model *m)
{
	static const uint64_t offs[] = { 0, 0x7f000, 4 * GiB, 0ull - 2 * MiB };
	static const uint32_t fl[] = { 0, 0, 0, EM_HOTPLUG, EM_MIRROR, EM_NOMAP, EM_UNACCEPTED };
	uint64_t u, n;

	memset(m, 0, sizeof(*m));
	m->off = offs[rnd_below(4)];
	setup_em(&f->em, NULL);
	for (int i = 1 + (int)rnd_below(10); i > 0; i--) {
		int node = (int)rnd_below(4) - 1;
		uint32_t flags = fl[rnd_below(7)];

		rnd_span(&u, &n, UNITS / 4);
		OK(&f->em, em_add_node(&f->em, m->off + u * UNIT, n * UNIT, node, flags));
		for (uint64_t k = u; k < u + n; k++) {
			if (!m->mem[k]) {
				m->mem[k] = true;
				m->node[k] = node;
				m->flags[k] = flags;
			}
		}
	}
	for (int i = (int)rnd_below(4); i > 0; i--) {
		uint32_t flags = fl[rnd_below(7)];

		rnd_span(&u, &n, UNITS / 8);
		if (rnd_below(2)) {
			OK(&f->em, em_mark(&f->em, m->off + u * UNIT, n * UNIT, flags));
			for (uint64_t k = u; k < u + n; k++)
				m->flags[k] |= m->mem[k] ? flags : 0;
		} else {
			int node = (int)rnd_below(4) - 1;

			OK(&f->em, em_set_node(&f->em, m->off + u * UNIT, n * UNIT, node));
			for (uint64_t k = u; k < u + n; k++)
				m->node[k] = m->mem[k] ? node : m->node[k];
		}
	}
	for (int i = (int)rnd_below(12); i > 0; i--) {
		rnd_span(&u, &n, UNITS / 16);
		OK(&f->em,
		   em_reserve_label(&f->em, m->off + u * UNIT, n * UNIT, labels[rnd_below(4)]));
		for (uint64_t k = u; k < u + n; k++)
			m->res[k] = true;
	}
	for (int i = (int)rnd_below(12); i > 0; i--) {
		struct em_request req = {
			.size = UNIT * (1 + rnd_below(64)),
			.align = UNIT << rnd_below(6),
			.min = 0,
			.max = EM_ALLOC_ANYWHERE,
			.node = (int)rnd_below(5) - 2,
			.flags = (rnd_below(2) ? EM_ALLOC_BOTTOM_UP : 0) |
				 (rnd_below(4) ? 0 : EM_HOTPLUG),
			.label = labels[rnd_below(4)],
		};
		uint64_t addr;
		int err = em_alloc_req(&f->em, &req, &addr);

		assert_check(&f->em);
		if (err) {
			assert_int_equal(err, EM_ENOMEM);
			continue;
		}
		assert_true(addr >= m->off && addr - m->off + req.size <= SPACE);
		for (uint64_t k = (addr - m->off) / UNIT; k < (addr - m->off + req.size) / UNIT;
		     k++) {
			assert_true(m->mem[k] && !m->res[k]);
			m->res[k] = true;
		}
	}
}

/* The minimal block count of each run of expected pages (one region, contiguous). */
static uint64_t expected_blocks(const struct model *m, bool unaccepted_cb, unsigned int k,
				bool blocks)
{
	uint64_t count = 0, base = m->off / PAGE;

	for (uint64_t p = 0; p < PAGES;) {
		uint64_t q = p + 1, u = p * PER_PAGE;

		if (!page_expected(m, p, unaccepted_cb)) {
			p++;
			continue;
		}
		while (q < PAGES && page_expected(m, q, unaccepted_cb) &&
		       m->node[q * PER_PAGE] == m->node[u] && m->flags[q * PER_PAGE] == m->flags[u])
			q++;
		count += blocks && !(m->flags[u] & EM_UNACCEPTED) ?
				 dp_blocks(base + p, base + q, k) :
				 1;
		p = q;
	}
	return count;
}

/* Every page in the buddy exactly once, and exactly the expected ones. */
static void drain_and_compare(struct buddy *b, const struct model *m, bool unaccepted_cb)
{
	static bool got[PAGES];
	uint64_t pfn, n = 0, want = 0;

	memset(got, 0, sizeof(got));
	while (buddy_alloc(b, 0, &pfn) == 0) {
		uint64_t p = pfn - m->off / PAGE;

		assert_true(p < PAGES);
		assert_false(got[p]);
		got[p] = true;
		n++;
	}
	for (uint64_t p = 0; p < PAGES; p++) {
		if (got[p] != page_expected(m, p, unaccepted_cb))
			fprintf(stderr, "page %llu (0x%llx): got %d\n", (unsigned long long)p,
				(unsigned long long)(m->off + p * PAGE), got[p]);
		assert_int_equal(got[p], page_expected(m, p, unaccepted_cb));
		want += got[p];
	}
	assert_int_equal(n, want);
	assert_int_equal(b->owned_pages, n);
}

static void check_random_handoff(struct hfix *f, const struct model *m, bool unaccepted_cb,
				 unsigned int k, bool blocks)
{
	uint64_t memory = 0, reserved = 0, nomap = 0, pages = 0, node_bytes[5] = { 0 };
	uint64_t hotplug = 0, unaccepted = 0, freebytes = 0;
	int last_node = 0;
	uint64_t last_end = 0;

	for (uint64_t u = 0; u < UNITS; u++) {
		if (!m->mem[u])
			continue;
		memory += UNIT;
		if (m->res[u])
			reserved += UNIT;
		else if (m->flags[u] & EM_NOMAP)
			nomap += UNIT;
		else
			freebytes += UNIT;
	}
	for (uint64_t p = 0; p < PAGES; p++) {
		uint32_t fl = m->flags[p * PER_PAGE];

		if (!page_expected(m, p, true))
			continue;
		if (fl & EM_UNACCEPTED)
			unaccepted += PAGE;
		if (!page_expected(m, p, unaccepted_cb))
			continue;
		pages++;
		node_bytes[m->node[p * PER_PAGE] + 1] += PAGE;
		if ((fl & EM_HOTPLUG) && !(fl & EM_UNACCEPTED))
			hotplug += PAGE;
	}
	assert_int_equal(f->st.memory_bytes, memory);
	assert_int_equal(f->st.reserved_bytes, reserved);
	assert_int_equal(f->st.nomap_bytes, nomap);
	assert_int_equal(f->st.released_bytes, pages * PAGE);
	assert_int_equal(f->st.unaccepted_bytes, unaccepted);
	assert_int_equal(f->st.withheld_bytes, unaccepted_cb ? 0 : unaccepted);
	assert_int_equal(f->st.trimmed_bytes, freebytes - pages * PAGE - f->st.withheld_bytes);
	assert_int_equal(f->st.hotplug_bytes, hotplug);
	assert_int_equal(f->st.node_released_bytes[EM_HANDOFF_NO_NODE], node_bytes[0]);
	for (int n = 0; n < 3; n++)
		assert_int_equal(f->st.node_released_bytes[n], node_bytes[n + 1]);
	assert_int_equal(f->st.released_count, expected_blocks(m, unaccepted_cb, k, blocks));
	assert_invariant(&f->st);

	/* Every call: node order, address order within a node, inside the model. */
	for (size_t i = 0; i < f->rec.n; i++) {
		const struct call *c = &f->rec.c[i];
		int node = c->node < 0 ? 64 : c->node;
		uint64_t u = (c->base - m->off) / UNIT;

		assert_true(c->base >= m->off && c->base - m->off + c->size <= SPACE);
		assert_true(node > last_node || (node == last_node && c->base >= last_end));
		last_node = node;
		last_end = c->base + c->size;
		for (uint64_t k2 = u; k2 < u + c->size / UNIT; k2++) {
			assert_true(m->mem[k2]);
			assert_int_equal(m->node[k2], c->node);
			assert_int_equal(m->res[k2], c->kind == 'R');
			if (c->kind != 'u')
				assert_int_equal(m->flags[k2], c->flags);
			else
				assert_true(m->flags[k2] & EM_UNACCEPTED);
		}
	}
}

/* Late frees of random ranges: fully reserved ones succeed, the rest are EM_ENOENT. */
static void random_late_frees(struct hfix *f, struct model *m)
{
	for (int i = (int)rnd_below(8); i > 0; i--) {
		uint64_t u, n;
		bool all = true;

		rnd_span(&u, &n, UNITS / 16);
		for (uint64_t k = u; k < u + n; k++)
			all = all && m->res[k];
		if (!all) {
			EXPECT_FAIL(&f->em, EM_ENOENT,
				    em_free(&f->em, m->off + u * UNIT, n * UNIT));
			continue;
		}
		OK(&f->em, em_free(&f->em, m->off + u * UNIT, n * UNIT));
		for (uint64_t k = u; k < u + n; k++)
			m->res[k] = false;
	}
}

static void test_random_instances_end_to_end(void **state)
{
	struct hfix *f = *state;
	struct model *m = malloc(sizeof(*m));

	assert_non_null(m);
	rnd_state = 0x9e3779b97f4a7c15ull;
	for (int iter = 0; iter < 600; iter++) {
		bool blocks = rnd_below(3) != 0, unaccepted_cb = rnd_below(2) != 0;
		unsigned int k = (unsigned int)rnd_below(13);

		random_instance(f, m);
		blocks ? ops_block(f, k) : ops_range(f);
		if (!unaccepted_cb)
			f->ops.release_unaccepted = NULL;
		if (rnd_below(4) == 0)
			f->ops.reserved = NULL;
		buddy_fini(&f->buddy);
		buddy_init(&f->buddy, blocks ? k : 10);
		f->rec.buddy = &f->buddy;
		f->rec.n = 0;
		handoff(f);
		check_random_handoff(f, m, unaccepted_cb, k, blocks);
		f->rec.n = 0;
		random_late_frees(f, m);
		drain_and_compare(&f->buddy, m, unaccepted_cb);
	}
	f->rec.buddy = NULL;
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, hfix_setup, hfix_teardown)
		T(test_blocks_count_is_minimal),
		T(test_blocks_from_handoff_are_minimal),
		T(test_ranges_are_free_memory_between_reservations),
		T(test_blocks_of_a_range_starting_at_zero),
		T(test_blocks_of_a_range_ending_at_the_last_page),
		T(test_range_ending_at_the_last_page),
		T(test_memory_to_addr_end_trims_the_partial_last_page),
		T(test_free_piece_inside_the_last_partial_page),
		T(test_blocks_of_odd_page_counts),
		T(test_range_smaller_than_a_page_is_trimmed),
		T(test_unaligned_ranges_are_trimmed_inward),
		T(test_pages_touching_a_reservation_are_not_released),
		T(test_max_order_0_gives_single_pages),
		T(test_max_order_20_gives_4gib_blocks),
		T(test_max_order_51_is_accepted),
		T(test_max_order_52_is_einval),
		T(test_both_release_callbacks_is_einval),
		T(test_neither_release_callback_is_einval),
		T(test_corrupt_instance_is_ecorrupt),
		T(test_stats_may_be_null),
		T(test_walk_is_node_by_node_then_no_node),
		T(test_per_node_stats),
		T(test_hotplug_is_released_with_its_flag_and_counted),
		T(test_nomap_is_never_released),
		T(test_unaccepted_goes_to_its_own_callback),
		T(test_unaccepted_without_callback_is_withheld),
		T(test_reserved_report_is_per_memory_region),
		T(test_reserved_callback_may_be_null),
		T(test_instance_stays_readable_without_discard),
		T(test_retired_mutators_return_eretired),
		T(test_retired_limit_does_nothing),
		T(test_second_handoff_is_eretired),
		T(test_late_free_releases_the_pages_once),
		T(test_late_free_of_part_splits_the_reservation),
		T(test_late_free_of_a_shared_page_waits_for_both),
		T(test_late_frees_feed_a_buddy_exactly_once),
		T(test_late_free_of_unreserved_range_is_enoent),
		T(test_late_free_outside_memory_releases_nothing),
		T(test_late_free_follows_memory_flags),
		T(test_storage_is_reported_reserved_without_discard),
		T(test_discard_releases_storage_last),
		T(test_discard_after_reservation_over_storage),
		T(test_discard_of_both_arrays),
		cmocka_unit_test(test_blocks_count_huge_ranges),
		T(test_discard_keeps_nomap_storage),
		T(test_discard_reports_storage_split_between_nodes),
		T(test_discard_reports_storage_partly_removed),
		T(test_txn_rollback_refused_after_handoff),
		T(test_txn_refused_after_handoff),
		T(test_discard_of_a_full_reserved_array_refuses_late_free),
		T(test_discard_storage_as_blocks),
		T(test_random_instances_end_to_end),
#undef T
	};
	return cmocka_run_group_tests_name("test_handoff", tests, NULL, NULL);
}
