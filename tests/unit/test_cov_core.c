// SPDX-License-Identifier: MIT
/*
 * Core paths the per-module tests do not reach (docs/coverage.md): the
 * byte-wise em__memmove(), rollback of a buffer that holds no transaction,
 * em_handoff_blocks() past the largest order, a late free that needs a
 * slot in a full array, a doubling whose second storage cannot be mapped,
 * em_check() on broken doubled storage, and em_dump() of an unknown flag.
 */
#include "common.h"

#include <earlymem/handoff.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N EM_NODE_NONE
#define PAGE ((uint64_t)EM_PAGE_SIZE)

/* src/klib.c and src/region_array.c: internal, but the host library exports them. */
void em__memmove(void *dst, const void *src, size_t n);
uint64_t em__ra_storage_bytes(uint32_t max);

/* ---- em__memmove ------------------------------------------------------------ */

/* Moves @n bytes from @s to @d inside a patterned buffer; compares with memmove(). */
static void move_case(size_t d, size_t s, size_t n)
{
	unsigned char got[96], want[96];

	for (size_t i = 0; i < sizeof(got); i++)
		got[i] = want[i] = (unsigned char)(i * 7 + 1);
	em__memmove(got + d, got + s, n);
	memmove(want + d, want + s, n);
	assert_memory_equal(got, want, sizeof(got));
}

static void test_memmove_every_shape(void **state)
{
	(void)state;
	_Alignas(8) unsigned char a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	/* byte-wise: odd addresses or lengths, overlapping both ways, and apart */
	move_case(1, 4, 13);
	move_case(4, 1, 13);
	move_case(3, 40, 20);
	move_case(40, 3, 20);
	move_case(0, 0, 5); /* same place */
	move_case(8, 16, 4);
	move_case(16, 8, 12);
	/* word-wise: everything a multiple of 8, overlapping both ways */
	move_case(0, 8, 64);
	move_case(8, 0, 64);
	move_case(16, 48, 32);
	/* n == 0 writes nothing */
	em__memmove(a, a + 1, 0);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[7], 8);
}

/* ---- transactions ------------------------------------------------------------ */

static void test_rollback_without_a_transaction_einval(void **state)
{
	(void)state;
	struct earlymem em;
	static uint64_t buf[64];

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x10000, N, 0);
	reserve(&em, 0x2000, 0x1000, "a");
	EXPECT_FAIL(&em, EM_EINVAL, em_txn_rollback(&em, NULL));
	memset(buf, 0, sizeof(buf));
	EXPECT_FAIL(&em, EM_EINVAL, em_txn_rollback(&em, buf));
	/* a begun transaction whose magic was overwritten is not one any more */
	assert_int_equal(em_txn_begin(&em, buf, sizeof(buf)), 0);
	add(&em, 0x100000, 0x1000, N, 0);
	buf[0] ^= 1;
	EXPECT_FAIL(&em, EM_EINVAL, em_txn_rollback(&em, buf));
	buf[0] ^= 1;
	OK(&em, em_txn_rollback(&em, buf));
	ASSERT_TABLE(&em.memory, { 0x1000, 0x10000, 0, N, NULL });
	ASSERT_TABLE(&em.reserved, { 0x2000, 0x1000, 0, N, "a" });
}

/* ---- em_handoff_blocks -------------------------------------------------------- */

static void test_handoff_blocks_order_clamped(void **state)
{
	(void)state;
	const uint64_t end = 1ull << 60;

	/* 2^60 pages from 0: 2^9 blocks of order 51 */
	assert_int_equal(em_handoff_blocks(0, end, EM_HANDOFF_MAX_ORDER), 512);
	assert_int_equal(em_handoff_blocks(0, end, EM_HANDOFF_MAX_ORDER + 1), 512);
	assert_int_equal(em_handoff_blocks(0, end, 64), 512);
	assert_int_equal(em_handoff_blocks(0, end, ~0u), 512);
	/* one page before a 2^51 boundary, then one whole block: 2 */
	assert_int_equal(em_handoff_blocks((1ull << 51) - 1, 1ull << 52, ~0u), 2);
}

/* ---- late free in a full array --------------------------------------------- */

static void cb_range(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	uint64_t *released = ctx;

	(void)base;
	(void)node;
	(void)flags;
	*released += size;
}

static void test_late_free_split_in_full_array_enospc(void **state)
{
	(void)state;
	static uint64_t released;
	/* static: late frees call it after em_handoff() returns */
	static const struct em_handoff_ops ops = { .release_range = cb_range, .ctx = &released };
	struct em_handoff_stats st;
	struct earlymem em;
	const uint64_t big = EM_STATIC_REGIONS * 4 * PAGE;

	setup_em(&em, NULL);
	add(&em, 0, big, N, 0);
	/* EM_STATIC_REGIONS reservations of 2 pages, 2 pages apart: the array is full */
	for (unsigned i = 0; i < EM_STATIC_REGIONS; i++)
		reserve(&em, i * 4 * PAGE, 2 * PAGE, NULL);
	assert_int_equal(em.reserved.cnt, em.reserved.max);
	released = 0;
	OK(&em, em_handoff(&em, &ops, &st));
	assert_int_equal(released, big / 2);
	/* freeing the first page of a reservation shortens it: no slot needed */
	OK(&em, em_free(&em, 0, PAGE));
	assert_int_equal(released, big / 2 + PAGE);
	assert_int_equal(REGION(&em.reserved, 0)->base, PAGE);
	/* a split needs a slot and the arrays do not double after handoff */
	released = 0;
	EXPECT_FAIL(&em, EM_ENOSPC, em_free(&em, 4 * PAGE + PAGE / 2, 1));
	assert_int_equal(released, 0);
}

/* ---- doubling: the second storage cannot be mapped ---------------------------- */

/*
 * Both arrays full; adding memory doubles the memory array, whose new
 * storage needs a reservation the full reserved array has no room for, so
 * the reserved array doubles too. Only the first storage (top of the big
 * region) is mapped: the second plan gets EM_EFAULT and nothing changes.
 */
static void test_double_both_second_unmapped_efault(void **state)
{
	(void)state;
	const uint64_t big_base = 0x10000000, big = 0x100000;
	/* Exactly the first storage: any less and the first plan fails instead. */
	const uint64_t bytes = em__ra_storage_bytes(2 * EM_STATIC_REGIONS);
	const uint64_t first = (big_base + big - bytes) & ~(PAGE - 1);
	struct phys_sim sim;
	struct earlymem em;

	sim_init(&sim, first, big_base + big - first);
	setup_em(&em, &sim);
	for (unsigned i = 0; i + 1 < EM_STATIC_REGIONS; i++)
		add(&em, (uint64_t)i * 0x10000, 0x8000, N, 0);
	add(&em, big_base, big, N, 0);
	for (unsigned i = 0; i + 1 < EM_STATIC_REGIONS; i++)
		reserve(&em, (uint64_t)i * 0x10000, 0x100, NULL);
	reserve(&em, big_base, 0x100, NULL);
	assert_int_equal(em.memory.cnt, em.memory.max);
	assert_int_equal(em.reserved.cnt, em.reserved.max);
	OK(&em, em_allow_resize(&em));
	EXPECT_FAIL(&em, EM_EFAULT, em_add(&em, 0x20000000, 0x8000));
	/* with the whole big region mapped, both arrays double */
	sim_fini(&sim);
	sim_init(&sim, big_base, big);
	OK(&em, em_add(&em, 0x20000000, 0x8000));
	assert_true(em.memory.max > EM_STATIC_REGIONS);
	assert_true(em.reserved.max > EM_STATIC_REGIONS);
	assert_true(em.memory.phys >= big_base &&
		    em.memory.phys + em.memory.bytes <= big_base + big);
	assert_true(em.reserved.phys >= big_base &&
		    em.reserved.phys + em.reserved.bytes <= big_base + big);
	sim_fini(&sim);
}

/* ---- em_check on broken storage ------------------------------------------------ */

static void expect_storage(const struct earlymem *em, const char *array)
{
	struct em_check_failure why = { EM_INV_OK, NULL, 12345 };

	assert_int_equal(em_check(em, &why), EM_ECORRUPT);
	assert_int_equal(why.invariant, EM_INV_STORAGE);
	assert_non_null(why.array);
	assert_string_equal(why.array, array);
}

static void test_check_broken_storage(void **state)
{
	(void)state;
	struct phys_sim sim;
	struct earlymem em;
	struct em_array saved;

	sim_init(&sim, 0x100000, 0x100000);
	setup_em(&em, &sim);
	add(&em, 0x100000, 0x100000, N, 0);
	em_set_current_limit(&em, 0x200000); /* the doubled storage lands in the mapped part */
	OK(&em, em_allow_resize(&em));
	fill_memory(&em, 0x1000000, EM_STATIC_REGIONS);
	add(&em, 0x3000000, 0x1000, N, 0);
	assert_true(em.memory.bytes != 0);
	saved = em.memory;

	/* static storage with a max other than the static size */
	em.memory.regions = em.memory_static;
	em.memory.bytes = 0;
	em.memory.phys = 0;
	em.memory.cnt = 0;
	em.memory.total_size = 0;
	em.memory.max = EM_STATIC_REGIONS - 1;
	expect_storage(&em, "memory");
	/* doubled storage (not the static array) that claims no bytes */
	em.memory = saved;
	em.memory.bytes = 0;
	expect_storage(&em, "memory");
	/* doubled storage smaller than its max needs */
	em.memory = saved;
	em.memory.bytes = PAGE;
	expect_storage(&em, "memory");
	/* doubled storage running past the end of the address space */
	em.memory = saved;
	em.memory.phys = EM_ADDR_END - PAGE;
	expect_storage(&em, "memory");
	em.memory = saved;
	assert_check(&em);
	sim_fini(&sim);
}

/* ---- iterators: a node id that is none of the documented values --------------- */

static unsigned count_walk(const struct earlymem *em, enum em_iter_kind kind, int node)
{
	struct em_iter it;
	unsigned n = 0;

	em_iter_init(&it, em, kind, node, EM_SKIP_FLAGS);
	while (em_iter_next(&it))
		n++;
	return n;
}

static void test_iter_unknown_node_selects_nothing(void **state)
{
	(void)state;
	struct earlymem em;

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x1000, 0, 0);
	add(&em, 0x3000, 0x1000, EM_MAX_NODES - 1, 0);
	add(&em, 0x5000, 0x1000, N, 0);
	assert_int_equal(count_walk(&em, EM_ITER_MEMORY, EM_NODE_ANY), 3);
	assert_int_equal(count_walk(&em, EM_ITER_MEMORY, EM_NODE_NONE), 1);
	assert_int_equal(count_walk(&em, EM_ITER_MEMORY, EM_MAX_NODES - 1), 1);
	assert_int_equal(count_walk(&em, EM_ITER_FREE, 0), 1);
	assert_int_equal(count_walk(&em, EM_ITER_MEMORY, EM_MAX_NODES), 0);
	assert_int_equal(count_walk(&em, EM_ITER_FREE, EM_MAX_NODES + 7), 0);
	assert_int_equal(count_walk(&em, EM_ITER_FREE_REV, -5), 0);
	assert_int_equal(count_walk(&em, EM_ITER_MEMORY, -1000), 0);
}

/* ---- em_dump of a flag it has no name for ------------------------------------ */

static void test_dump_unknown_flag_bits(void **state)
{
	(void)state;
	struct earlymem em;
	char exp[1024];

	setup_em(&em, NULL);
	add(&em, 0x1000, 0x1000, N, EM_HOTPLUG);
	REGION(&em.memory, 0)->flags |= 0x100u | 0x80000000u;
	test_log_reset();
	em_dump(&em);
	snprintf(exp, sizeof(exp),
		 "earlymem: memory: 1 regions, 0x1000 bytes, max %u, static\n"
		 "earlymem:   [0] [0x0000000000001000-0x0000000000002000) 0x0000000000001000 "
		 "node - HOTPLUG|BIT8|BIT31\n"
		 "earlymem: reserved: 0 regions, 0x0 bytes, max %u, static\n",
		 (unsigned)EM_STATIC_REGIONS, (unsigned)EM_STATIC_REGIONS);
	assert_string_equal(test_log, exp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memmove_every_shape),
		cmocka_unit_test(test_rollback_without_a_transaction_einval),
		cmocka_unit_test(test_handoff_blocks_order_clamped),
		cmocka_unit_test(test_late_free_split_in_full_array_enospc),
		cmocka_unit_test(test_double_both_second_unmapped_efault),
		cmocka_unit_test(test_check_broken_storage),
		cmocka_unit_test(test_iter_unknown_node_selects_nothing),
		cmocka_unit_test(test_dump_unknown_flag_bits),
	};

	return cmocka_run_group_tests_name("test_cov_core", tests, NULL, NULL);
}
