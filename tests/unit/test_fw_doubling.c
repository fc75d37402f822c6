// SPDX-License-Identifier: MIT
/*
 * Found by tests/fuzz/fuzz_efi.c (input tests/fuzz/crashes/efi-loader-hole-
 * doubling): a firmware map loaded into an instance that already has memory
 * could double a region array onto memory the map reserves (here Loader
 * Data, "efi-loader"): the storage was found in memory the instance had
 * before the load, while the map's reservations were still going in. The
 * reservation kept the label "earlymem" there, and once the array moved
 * again that storage was freed: allocations handed out the running image.
 * em_fw_load() first settled the storage after loading; now reserving any
 * range moves the arrays off it (resize.c), the map's reservations too.
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

/*
 * The kernel has registered [16 MiB, 20 MiB) of a 32 MiB machine, and the
 * memory array is full; allocation bottom-up below 32 MiB, resizing allowed.
 */
static void setup_kernel_memory(struct earlymem *em, struct phys_sim *sim)
{
	sim_init(sim, 0, 32 * MiB);
	setup_em(em, sim);
	add(em, 16 * MiB, 4 * MiB, EM_NODE_NONE, 0);
	fill_memory(em, 2048 * GiB, em->memory.max - em->memory.cnt);
	em_set_bottom_up(em, true);
	em_set_current_limit(em, 32 * MiB);
	assert_int_equal(em_allow_resize(em), 0);
}

/*
 * Loads the map: Conventional [1 MiB, 1 MiB + @conventional), the running
 * image in Loader Data [16 MiB, 20 MiB).
 */
static int load_map(struct earlymem *em, uint64_t conventional)
{
	static uint8_t work[1 << 16];
	uint8_t map[2 * 48];

	desc(map, EM_EFI_CONVENTIONAL, 1 * MiB, conventional);
	desc(map + 48, EM_EFI_LOADER_DATA, 16 * MiB, 4 * MiB);
	return em_efi_load_map(em, map, sizeof(map), 48, 1, EM_EFI_DEFAULT, work, sizeof(work),
			       NULL);
}

static void test_loader_data_stays_reserved_after_doubling(void **state)
{
	static struct earlymem em;
	struct phys_sim sim;
	uint64_t addr;

	(void)state;
	setup_kernel_memory(&em, &sim);

	/* Conventional [1 MiB, 15 MiB), the running image in Loader Data. */
	assert_int_equal(load_map(&em, 14 * MiB), 0);
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
 * array as it is: reserving the image must move it at its size, not double
 * it again (which needs room the map does not have, and failed the whole
 * load).
 */
static void test_reserving_moves_storage_at_its_size(void **state)
{
	static struct earlymem em;
	struct phys_sim sim;
	uint32_t max_before;
	struct em_iter it;

	(void)state;
	setup_kernel_memory(&em, &sim);
	max_before = em.memory.max;

	/* Conventional: 6 pages, room for the doubled array (5 pages), not for 9. */
	assert_int_equal(load_map(&em, 24 * KiB), 0);
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
static void test_reserving_without_room_rolls_back(void **state)
{
	static struct earlymem em;
	struct phys_sim sim;

	(void)state;
	setup_kernel_memory(&em, &sim);

	/* Conventional: 4 pages, and the array needs 5. */
	EXPECT_FAIL(&em, EM_ENOMEM, load_map(&em, 16 * KiB));
	sim_fini(&sim);
}

/*
 * A map with more memory ranges than the static arrays hold, whose largest
 * range is memory doubling may not use (Unaccepted, as in TDX and SEV-SNP
 * guests, or hot-pluggable): loaded first, it left the arrays nowhere to
 * grow, and the load failed with EM_ENOMEM although the map has plain RAM.
 * The range loaded first is now the largest one doubling can use.
 */
static void load_big_map(uint32_t big_type, uint64_t big_attr)
{
	static struct earlymem em;
	static uint8_t work[1 << 17];
	const unsigned small = EM_STATIC_REGIONS + 46;
	uint8_t *map = calloc(small + 2, 48);
	struct phys_sim sim;
	struct em_iter it;
	unsigned plain = 0;

	assert_non_null(map);
	sim_init(&sim, 0, 256 * MiB);
	setup_em(&em, &sim);
	assert_int_equal(em_allow_resize(&em), 0);
	/* One-page ranges, apart; the big range at 16 MiB; 1 MiB of plain RAM at 128 MiB. */
	for (unsigned i = 0; i < small; i++)
		desc(map + 48 * i, EM_EFI_CONVENTIONAL, 1 * MiB + 8 * KiB * i, 4 * KiB);
	desc(map + 48 * small, big_type, 16 * MiB, 64 * MiB);
	put64(map + 48 * small + 32, big_attr);
	desc(map + 48 * (small + 1), EM_EFI_CONVENTIONAL, 128 * MiB, 1 * MiB);

	assert_int_equal(em_efi_load_map(&em, map, 48 * (small + 2), 48, 1, EM_EFI_DEFAULT, work,
					 sizeof(work), NULL),
			 0);
	assert_check(&em);
	assert_int_equal(em.memory.cnt, small + 2);
	/* The doubled memory array is in the plain 1 MiB, the only room it may use. */
	assert_true(em.memory.bytes != 0);
	assert_true(em.memory.phys >= 128 * MiB && em.memory.phys + em.memory.bytes <= 129 * MiB);
	em_for_each_mem_range(it, &em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		if (!(it.flags & EM_SKIP_FLAGS))
			plain++;
	}
	assert_int_equal(plain, small + 1);
	free(map);
	sim_fini(&sim);
}

static void test_largest_range_unaccepted(void **state)
{
	(void)state;
	load_big_map(EM_EFI_UNACCEPTED, 0);
}

static void test_largest_range_hotplug(void **state)
{
	(void)state;
	load_big_map(EM_EFI_CONVENTIONAL, EM_EFI_MEMORY_HOT_PLUGGABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_data_stays_reserved_after_doubling),
		cmocka_unit_test(test_reserving_moves_storage_at_its_size),
		cmocka_unit_test(test_reserving_without_room_rolls_back),
		cmocka_unit_test(test_largest_range_unaccepted),
		cmocka_unit_test(test_largest_range_hotplug),
	};

	return cmocka_run_group_tests_name("test_fw_doubling", tests, NULL, NULL);
}
