/* SPDX-License-Identifier: MIT */
/*
 * earlymem handoff: give every free page to the kernel's page allocator,
 * exactly once, and retire the instance.
 *
 * em_handoff() walks memory node by node (nodes 0, 1, ... then memory
 * without a node), in address order within a node. Each memory region is
 * cut by the reservations into free and reserved pieces:
 *
 * - free pieces are trimmed inward to whole EM_PAGE_SIZE pages (the cut-off
 *   bytes are counted as trimmed, never released; a page shared by two
 *   memory regions of different node or flags is trimmed on both sides,
 *   since it has no single node) and released through
 *   release_range or, as the fewest naturally aligned power-of-two blocks
 *   of at most max_order pages, release_block. EM_HOTPLUG memory is
 *   released with its flag; EM_NOMAP memory is never released (counted as
 *   nomap); EM_UNACCEPTED memory goes to release_unaccepted as whole-page
 *   ranges, or, without that callback, is withheld (counted, not
 *   released), so the kernel can accept it lazily;
 * - reserved pieces go to reserved (may be NULL) with the node and flags of
 *   the memory and the label of the reservation. Reservations outside
 *   memory are not memory and are not reported.
 *
 * Every byte of memory is counted exactly once:
 *   released + reserved + trimmed + nomap + withheld = memory
 * (withheld is 0 whenever release_unaccepted is given). The library checks
 * this before it returns.
 *
 * With discard, the doubled region arrays (reserved as "earlymem") are not
 * reported as reserved: they are released last, after the walk that reads
 * them, in address order. The arrays then move back into the instance's static storage where
 * they fit; an array that does not fit is emptied. Storage whose memory
 * changed after it was placed (removed, split between nodes or flags,
 * marked EM_NOMAP or EM_UNACCEPTED) is not released: its array stays on
 * it, and it is reported reserved like any other reservation.
 *
 * Afterwards the instance is retired: allocation fails with EM_ERETIRED,
 * the arrays never double again, and em_free() becomes a late free: the
 * range must still be reserved (a second free is EM_ENOENT), its
 * reservation is removed, and its whole pages of memory are released
 * through the same callbacks (@ops must stay valid for that: keep it in
 * static storage; a late free finding them invalid fails with EM_EINVAL). After a discard that had to empty an array (more than
 * EM_STATIC_REGIONS regions), em_free() returns EM_ERETIRED.
 */
#ifndef EARLYMEM_HANDOFF_H
#define EARLYMEM_HANDOFF_H

#include <earlymem.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest order: EM_PAGE_SIZE << order must fit in 63 bits. */
#define EM_HANDOFF_MAX_ORDER 51u

/**
 * struct em_handoff_ops - the page allocator's side of the handoff.
 * @release_range:      free memory as whole-page ranges [base, base + size).
 * @release_block:      free memory as blocks of (1 << order) pages at base,
 *                      naturally aligned (base is a multiple of the block).
 *                      Exactly one of @release_range and @release_block.
 * @release_unaccepted: free EM_UNACCEPTED memory, whole-page ranges; NULL:
 *                      such memory is withheld.
 * @reserved:           reserved memory: range, node and flags of the memory,
 *                      label of the reservation; may be NULL.
 * @max_order:          largest block order for @release_block (0..51).
 * @discard:            release the library's doubled arrays last.
 * @ctx:                passed to every callback.
 *
 * The callbacks must not change the ops while the handoff runs (it reads
 * them once per range).
 */
struct em_handoff_ops {
	void (*release_range)(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags);
	void (*release_block)(void *ctx, uint64_t base, unsigned int order, int node,
			      uint32_t flags);
	void (*release_unaccepted)(void *ctx, uint64_t base, uint64_t size, int node);
	void (*reserved)(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags,
			 const char *label);
	unsigned int max_order;
	bool discard;
	void *ctx;
};

/* Index of memory without a node in the per-node statistics. */
#define EM_HANDOFF_NO_NODE EM_MAX_NODES

/**
 * struct em_handoff_stats - what the handoff gave where.
 * @memory_bytes:    all memory, at the start.
 * @released_bytes:  given to release_range / release_block /
 *                   release_unaccepted (including the discarded arrays).
 * @released_count:  callbacks made for that (ranges or blocks).
 * @reserved_bytes:  memory reported as reserved.
 * @trimmed_bytes:   free memory cut off to keep whole pages.
 * @nomap_bytes:     free EM_NOMAP memory (never released).
 * @withheld_bytes:  free EM_UNACCEPTED memory not released (no callback).
 * @unaccepted_bytes: free EM_UNACCEPTED memory released or withheld.
 * @hotplug_bytes:   released EM_HOTPLUG memory.
 * @discarded_bytes: the doubled arrays released at the end (in released;
 *                   storage whose memory changed under it is reported
 *                   reserved instead).
 * @node_released_bytes, @node_released_count: per node id; index
 *                   EM_HANDOFF_NO_NODE for memory without a node.
 */
struct em_handoff_stats {
	uint64_t memory_bytes;
	uint64_t released_bytes;
	uint64_t released_count;
	uint64_t reserved_bytes;
	uint64_t trimmed_bytes;
	uint64_t nomap_bytes;
	uint64_t withheld_bytes;
	uint64_t unaccepted_bytes;
	uint64_t hotplug_bytes;
	uint64_t discarded_bytes;
	uint64_t node_released_bytes[EM_MAX_NODES + 1];
	uint64_t node_released_count[EM_MAX_NODES + 1];
};

/**
 * em_handoff() - release all free memory to the page allocator and retire
 * @em (see the top of this header).
 * @stats: filled in (may be NULL).
 *
 * Return: 0; EM_EINVAL (@ops NULL, not exactly one of release_range /
 * release_block, max_order above EM_HANDOFF_MAX_ORDER); EM_ERETIRED
 * (already handed off); EM_ECORRUPT (em_check() fails before anything is
 * released, or the accounting does not add up afterwards: a library bug).
 * Nothing is released and nothing changes on an error found before the
 * walk.
 */
int em_handoff(struct earlymem *em, const struct em_handoff_ops *ops,
	       struct em_handoff_stats *stats);

/**
 * em_handoff_blocks() - the number of blocks release_block would get for
 * the whole pages [@first_pfn, @end_pfn) with @max_order: the fewest
 * naturally aligned power-of-two blocks that cover it exactly.
 */
uint64_t em_handoff_blocks(uint64_t first_pfn, uint64_t end_pfn, unsigned int max_order);

#ifdef __cplusplus
}
#endif

#endif
