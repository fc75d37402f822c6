// SPDX-License-Identifier: MIT
/*
 * Found by tests/fuzz/fuzz_efi.c (input tests/fuzz/crashes/efi-loader-hole-
 * doubling): a firmware map loaded into an instance that already has memory
 * could double a region array onto memory the map reserves (here Loader
 * Data, "efi-loader"): the storage was found in memory the instance had
 * before the load, while the map's reservations were still going in. The
 * reservation kept the label "earlymem" there, and once the array moved
 * again that storage was freed: allocations handed out the running image.
 * em_fw_load() now settles the storage after loading (fwtable.c).
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include <earlymem/efi.h>

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void desc(uint8_t *d, uint32_t type, uint64_t base, uint64_t bytes)
{
	memset(d, 0, 48);
	d[0] = (uint8_t)type;
	put64(d + 8, base);
	put64(d + 24, bytes / 4096);
}

static void test_loader_data_stays_reserved_after_doubling(void **state)
{
	static struct earlymem em;
	static uint8_t work[1 << 16];
	struct phys_sim sim;
	uint8_t map[2 * 48];
	uint64_t addr;

	(void)state;
	sim_init(&sim, 0, 32 * MiB);
	setup_em(&em, &sim);
	/* The kernel already registered [16 MiB, 20 MiB), and the memory array is full. */
	add(&em, 16 * MiB, 4 * MiB, EM_NODE_NONE, 0);
	fill_memory(&em, 2048 * GiB, em.memory.max - em.memory.cnt);
	em_set_bottom_up(&em, true);
	em_set_current_limit(&em, 32 * MiB);
	assert_int_equal(em_allow_resize(&em), 0);

	/* The map: Conventional [1 MiB, 15 MiB), the running image in Loader Data. */
	desc(map, EM_EFI_CONVENTIONAL, 1 * MiB, 14 * MiB);
	desc(map + 48, EM_EFI_LOADER_DATA, 16 * MiB, 4 * MiB);
	assert_int_equal(em_efi_load_map(&em, map, sizeof(map), 48, 1, EM_EFI_DEFAULT, work,
					 sizeof(work), NULL),
			 0);
	assert_check(&em);

	/* efi.h: Loader Data is reserved as "efi-loader"; e820.h: arrays that
	 * grow during a load stay away from every range the map reserves. */
	struct em_iter it;

	em_for_each_reserved_range(it, &em) {
		if (it.base < 20 * MiB && it.base + it.size > 16 * MiB)
			assert_string_equal(it.label, "efi-loader");
	}

	/* The kernel goes on: the memory array doubles again and moves. */
	fill_memory(&em, 4096 * GiB, em.memory.max - em.memory.cnt + 1);
	assert_check(&em);
	assert_true(em_range_is_reserved(&em, 16 * MiB, 4 * MiB));
	/* So nothing may be allocated in the running image. */
	while (em_alloc_range(&em, 4096, 4096, 16 * MiB, 20 * MiB, &addr) == 0)
		fail_msg("allocated Loader Data at 0x%llx", (unsigned long long)addr);
	sim_fini(&sim);
}

/*
 * The same load with just room, outside the running image, for the memory
 * array as it is: settling must move it at its size, not double it again
 * (which needs room the map does not have, and failed the whole load).
 */
static void test_settle_moves_storage_at_its_size(void **state)
{
	static struct earlymem em;
	static uint8_t work[1 << 16];
	struct phys_sim sim;
	uint8_t map[2 * 48];
	uint32_t max_before;
	struct em_iter it;

	(void)state;
	sim_init(&sim, 0, 32 * MiB);
	setup_em(&em, &sim);
	add(&em, 16 * MiB, 4 * MiB, EM_NODE_NONE, 0);
	fill_memory(&em, 2048 * GiB, em.memory.max - em.memory.cnt);
	em_set_bottom_up(&em, true);
	em_set_current_limit(&em, 32 * MiB);
	assert_int_equal(em_allow_resize(&em), 0);
	max_before = em.memory.max;

	/* Conventional: 6 pages, room for the doubled array (5 pages), not for 9. */
	desc(map, EM_EFI_CONVENTIONAL, 1 * MiB, 24 * KiB);
	desc(map + 48, EM_EFI_LOADER_DATA, 16 * MiB, 4 * MiB);
	assert_int_equal(em_efi_load_map(&em, map, sizeof(map), 48, 1, EM_EFI_DEFAULT, work,
					 sizeof(work), NULL),
			 0);
	assert_check(&em);
	assert_int_equal(em.memory.max, 2 * max_before); /* doubled once, during the load */
	assert_int_equal(em.memory.phys, 1 * MiB);	 /* then moved, at that size */
	em_for_each_reserved_range(it, &em) {
		if (it.base < 20 * MiB && it.base + it.size > 16 * MiB)
			assert_string_equal(it.label, "efi-loader");
	}
	sim_fini(&sim);
}

/* No room outside the running image even at its size: the load fails, changing nothing. */
static void test_settle_without_room_rolls_back(void **state)
{
	static struct earlymem em;
	static uint8_t work[1 << 16];
	struct phys_sim sim;
	uint8_t map[2 * 48];

	(void)state;
	sim_init(&sim, 0, 32 * MiB);
	setup_em(&em, &sim);
	add(&em, 16 * MiB, 4 * MiB, EM_NODE_NONE, 0);
	fill_memory(&em, 2048 * GiB, em.memory.max - em.memory.cnt);
	em_set_bottom_up(&em, true);
	em_set_current_limit(&em, 32 * MiB);
	assert_int_equal(em_allow_resize(&em), 0);

	desc(map, EM_EFI_CONVENTIONAL, 1 * MiB, 16 * KiB); /* 4 pages: the array needs 5 */
	desc(map + 48, EM_EFI_LOADER_DATA, 16 * MiB, 4 * MiB);
	EXPECT_FAIL(&em, EM_ENOMEM,
		    em_efi_load_map(&em, map, sizeof(map), 48, 1, EM_EFI_DEFAULT, work,
				    sizeof(work), NULL));
	sim_fini(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_data_stays_reserved_after_doubling),
		cmocka_unit_test(test_settle_moves_storage_at_its_size),
		cmocka_unit_test(test_settle_without_room_rolls_back),
	};

	return cmocka_run_group_tests_name("test_fw_doubling", tests, NULL, NULL);
}
