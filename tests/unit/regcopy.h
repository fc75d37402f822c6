/* SPDX-License-Identifier: MIT */
/*
 * Copying an instance's region arrays into the heap, for the snapshots of
 * the unit tests (common.c) and of the fuzz targets (tests/fuzz/fuzz.h):
 * plain C, so that the fuzz targets can use it without cmocka.
 */
#ifndef EM_TEST_REGCOPY_H
#define EM_TEST_REGCOPY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <earlymem.h>

/*
 * Copies the entries of em->memory to *@mem and of em->reserved to *@res
 * (malloc()ed, one spare slot each; free() both). False if out of memory.
 */
static inline bool em_copy_regions(const struct earlymem *em, struct em_region **mem,
				   struct em_region **res)
{
	*mem = malloc(sizeof(struct em_region) * (em->memory.cnt + 1u));
	*res = malloc(sizeof(struct em_region) * (em->reserved.cnt + 1u));
	if (!*mem || !*res)
		return false;
	for (uint32_t i = 0; i < em->memory.cnt; i++)
		(*mem)[i] = *em_region_at(&em->memory, i);
	for (uint32_t i = 0; i < em->reserved.cnt; i++)
		(*res)[i] = *em_region_at(&em->reserved, i);
	return true;
}

#endif
