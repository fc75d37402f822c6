// SPDX-License-Identifier: MIT
/*
 * The region storage (src/region_array.c) against a plain array: random
 * inserts and deletes at random positions, on every layout the library
 * uses (the static single ring, doubled storage of a few chunks, of many
 * chunks), compared entry by entry after every step, with the runs walks
 * step through; then a move to new storage and a copy-out/restore round
 * trip.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/internal.h"

struct ref {
	struct em_region *e;
	uint32_t n;
};

static uint64_t rng_state;

static uint32_t rnd(uint32_t below)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)((rng_state >> 33) % below);
}

/* Storage for @max entries, filled with junk, laid out as the library does. */
static struct em_region *alloc_storage(uint32_t max)
{
	uint64_t bytes = em__ra_storage_bytes(max);
	struct em_region *storage = aligned_alloc(EM_PAGE_SIZE, bytes);

	assert_non_null(storage);
	memset(storage, 0xa5, bytes);
	return storage;
}

static void assert_same(const struct em_array *a, const struct ref *r)
{
	uint64_t total = 0;

	assert_int_equal(a->cnt, r->n);
	for (uint32_t i = 0; i < r->n; i++) {
		assert_int_equal(em__ra_at(a, i)->base, r->e[i].base);
		assert_int_equal(em__ra_at(a, i)->size, r->e[i].size);
		total += r->e[i].size;
	}
	assert_int_equal(a->total_size, total);
	for (uint32_t c = 0; c < a->chunks; c++)
		assert_true(a->heads[c] < a->csize);
}

/*
 * The runs from entry @i up and down hold exactly the entries that
 * em__ra_at() finds at their indices, and em__ra_index() inverts it.
 * Returns the length of the run up.
 */
static uint32_t check_runs(const struct em_array *a, uint32_t i)
{
	const struct em_region *stop, *p = em__ra_run_up(a, i, &stop);

	assert_ptr_equal(p, em__ra_at(a, i));
	assert_true(stop >= p && i + (uint32_t)(stop - p) < a->cnt);
	for (uint32_t k = 0; p + k <= stop; k++)
		assert_ptr_equal(p + k, em__ra_at(a, i + k));
	assert_int_equal(em__ra_index(a, p), i);
	assert_int_equal(em__ra_index(a, stop), i + (uint32_t)(stop - p));

	const struct em_region *first, *q = em__ra_run_down(a, i, &first);

	assert_ptr_equal(q, p);
	assert_true(first <= q && (uint32_t)(q - first) <= i);
	for (uint32_t k = 0; q - k >= first; k++)
		assert_ptr_equal(q - k, em__ra_at(a, i - k));
	return (uint32_t)(stop - p) + 1;
}

/* Entries are tagged by base only: the storage does not care about order. */
static struct em_region tag(uint64_t t)
{
	return (struct em_region){ .base = t, .size = 1 + t % 7, .node = EM_NODE_NONE };
}

static void random_walk(uint32_t max, uint32_t steps, uint64_t seed)
{
	struct em_array a = { .name = "test" };
	struct em_region *storage = alloc_storage(max);
	struct ref r = { calloc(max + 2, sizeof(struct em_region)), 0 };
	uint64_t next = 1;

	assert_non_null(r.e);
	em__ra_init(&a, storage, em__ra_storage_heads(storage, max), max);
	assert_null(em_region_at(&a, 0));
	rng_state = seed;
	for (uint32_t s = 0; s < steps; s++) {
		/* Drift towards full and back to empty, so both ends are visited. */
		bool grow = (s / (max + 2)) % 2 == 0;
		uint32_t pick = rnd(10);

		if (r.n < max + 2 && (r.n == 0 || (grow ? pick < 7 : pick < 3))) {
			uint32_t i = rnd(r.n + 1);
			struct em_region e = tag(next++);

			em__ra_insert(&a, i, &e);
			memmove(&r.e[i + 1], &r.e[i], (r.n - i) * sizeof(e));
			r.e[i] = e;
			r.n++;
		} else {
			uint32_t i = rnd(r.n);
			uint32_t n = 1 + (rnd(4) == 0 ? rnd(r.n - i) : 0);

			em__ra_delete(&a, i, n);
			memmove(&r.e[i], &r.e[i + n], (r.n - i - n) * sizeof(r.e[0]));
			r.n -= n;
		}
		assert_same(&a, &r);
		assert_null(em_region_at(&a, r.n));
		if (r.n) {
			check_runs(&a, 0);
			check_runs(&a, rnd(r.n));
			check_runs(&a, r.n - 1);
		}
	}

	/* Move to storage twice the size, then copy out, change, restore (as em_txn). */
	if (r.n <= max) {
		struct em_region *big = alloc_storage(2 * max), *out;
		struct em_array saved;

		em__ra_move(&a, big, em__ra_storage_heads(big, 2 * max), 2 * max, 0x1000, 0x2000);
		assert_int_equal(a.max, 2 * max);
		assert_same(&a, &r);
		/*
		 * Laid out afresh, entry i is in slot i: a run goes on through
		 * full chunks, the first one's rest and at most 16 more.
		 */
		for (uint32_t i = 0; i < r.n; i++) {
			uint32_t to_chunk_end = a.csize - (i & (a.csize - 1));
			uint64_t most = (uint64_t)to_chunk_end + 16ull * a.csize;

			assert_int_equal(check_runs(&a, i), most < r.n - i ? most : r.n - i);
		}
		out = calloc(r.n + 1, sizeof(*out));
		assert_non_null(out);
		em__ra_copy_out(&a, out);
		saved = a;
		em__ra_delete(&a, 0, a.cnt / 2);
		if (a.cnt)
			em__ra_insert(&a, a.cnt - 1, &out[0]);
		a = saved;
		em__ra_restore(&a, out);
		assert_same(&a, &r);
		free(out);
		free(big);
	}
	free(r.e);
	free(storage);
}

static void test_static_layout(void **state)
{
	(void)state;
	random_walk(EM_STATIC_REGIONS, 20000, 1);
}

static void test_few_chunks(void **state)
{
	(void)state;
	random_walk(2 * EM_STATIC_REGIONS, 20000, 2);
}

static void test_many_chunks(void **state)
{
	(void)state;
	random_walk(4096, 30000, 3);
}

/*
 * Runs on layouts walks meet: storage filled in address order (heads at
 * 0), where one run crosses up to 16 full chunks after its own, and a ring
 * that wraps, which is two runs.
 */
static void test_runs(void **state)
{
	const uint32_t max = 4096;
	struct em_array a = { .name = "test" };
	struct em_region *storage = alloc_storage(max), e;
	const struct em_region *stop;

	(void)state;
	em__ra_init(&a, storage, em__ra_storage_heads(storage, max), max);
	for (uint32_t i = 0; i < max; i++) {
		e = tag(i + 1);
		em__ra_insert(&a, i, &e);
	}
	for (uint32_t i = 0; i < max; i++) {
		uint64_t most = a.csize - (i & (a.csize - 1)) + 16ull * a.csize;

		assert_int_equal(check_runs(&a, i), most < max - i ? most : max - i);
	}
	/* One ring, wrapped by inserts at the front: runs end at its last slot. */
	em__ra_init(&a, storage, em__ra_storage_heads(storage, EM_STATIC_REGIONS),
		    EM_STATIC_REGIONS);
	for (uint32_t i = 0; i < 5; i++) {
		e = tag(100 + i);
		em__ra_insert(&a, i, &e);
	}
	for (uint32_t i = 0; i < 3; i++) {
		e = tag(i + 1);
		em__ra_insert(&a, 0, &e);
	}
	for (uint32_t i = 0; i < a.cnt; i++)
		check_runs(&a, i);
	if (EM_STATIC_CHUNKS == 1) { /* (the small build's static storage is 3 chunks) */
		/* Entries 0..2 fill the last three slots, 3..7 the first five. */
		assert_ptr_equal(em__ra_run_up(&a, 0, &stop), storage + a.csize - 3);
		assert_ptr_equal(stop, storage + a.csize - 1);
		assert_int_equal(check_runs(&a, 1), 2);
		assert_int_equal(check_runs(&a, 3), 5);
		assert_ptr_equal(em__ra_run_down(&a, 7, &stop), storage + 4);
		assert_ptr_equal(stop, storage);
	}
	free(storage);
}

static void test_layouts(void **state)
{
	struct em_layout l;

	(void)state;
	/* Up to the static size: the static storage's chunks. */
	em__ra_layout(EM_STATIC_REGIONS, &l);
	assert_int_equal(l.chunks, EM_STATIC_CHUNKS);
	assert_int_equal(l.csize, 1u << EM_STATIC_CHUNK_SHIFT);
	assert_int_equal(l.chunks * l.csize, EM_STATIC_SLOTS);
	assert_true(EM_STATIC_SLOTS >= EM_STATIC_REGIONS + 2);
	/* Doubled: power-of-two chunks of about 2 * sqrt(max), enough for max + 2. */
	for (uint32_t max = 2 * EM_STATIC_REGIONS; max && max <= (1u << 30); max *= 2) {
		em__ra_layout(max, &l);
		assert_int_equal(l.csize, 1u << l.shift);
		assert_true((uint64_t)l.chunks * l.csize >= (uint64_t)max + 2);
		assert_true((uint64_t)(l.chunks - 1) * l.csize < (uint64_t)max + 2);
		assert_true(l.shift <= EM_CHUNK_SHIFT_MAX);
		assert_true(em__ra_storage_bytes(max) % EM_PAGE_SIZE == 0);
		assert_true(em__ra_storage_bytes(max) >=
			    (uint64_t)l.chunks * l.csize * sizeof(struct em_region) +
				    l.chunks * sizeof(uint32_t));
	}
	em__ra_layout(65536, &l);
	if (EM_CHUNK_SHIFT_MAX >= 9)
		assert_int_equal(l.csize, 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),	   cmocka_unit_test(test_static_layout),
		cmocka_unit_test(test_few_chunks), cmocka_unit_test(test_many_chunks),
		cmocka_unit_test(test_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
