/* SPDX-License-Identifier: MIT */
/*
 * earlymem: early physical memory management for x86-64 kernels.
 *
 * Two sorted arrays of regions, *memory* (what exists) and *reserved* (what
 * is taken), with allocation on top of them. Freestanding: this header needs
 * only <stdint.h>, <stddef.h> and <stdbool.h>, and the library calls no libc.
 *
 * Address model. A range is [base, base + size). The last byte of the 64-bit
 * address space (0xffffffffffffffff) is never part of a range, so every end
 * (base + size) fits in a uint64_t: a call whose range would pass
 * EM_ADDR_END fails with EM_ERANGE and changes nothing. No x86-64 machine has
 * memory there (MAXPHYADDR is at most 52 bits). Address 0 is a valid address.
 *
 * Errors. Every function that can fail returns 0 or a negative EM_E* code and
 * leaves the instance exactly as it was when it fails. After em_handoff()
 * (include/earlymem/handoff.h) the instance is retired: every call that
 * would change memory or reservations gives EM_ERETIRED, except em_free(),
 * which becomes a late free to the page allocator. A call whose errors
 * include EM_ENOSPC / EM_ENOMEM may double a region array; it can also give
 * EM_EFAULT when the phys_to_virt hook has no mapping for the new storage.
 */
#ifndef EARLYMEM_H
#define EARLYMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "earlymem/config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EM_VERSION_MAJOR 0
#define EM_VERSION_MINOR 1
#define EM_VERSION_PATCH 0
#define EM_VERSION "0.1.0"

/* The exclusive end of the address space: no range reaches past it. */
#define EM_ADDR_END UINT64_MAX
/* "No upper bound" for allocation windows and the current limit. */
#define EM_ALLOC_ANYWHERE UINT64_MAX

/* Error codes (negated). em_strerror() names them. */
#define EM_EINVAL (-1)	  /* bad argument: NULL, bad alignment, unknown flag, bad node */
#define EM_ERANGE (-2)	  /* base + size passes EM_ADDR_END */
#define EM_ENOSPC (-3)	  /* region array full and resizing not allowed */
#define EM_ENOMEM (-4)	  /* no free memory satisfies the request */
#define EM_EBUSY (-5)	  /* range (partly) reserved, or holds the library's own arrays */
#define EM_ENOENT (-6)	  /* range not (entirely) memory / reserved as required */
#define EM_ERETIRED (-7)  /* the instance was handed off; allocation is over */
#define EM_EACCEPT (-8)	  /* the accept hook refused to accept memory */
#define EM_EFAULT (-9)	  /* the phys_to_virt hook returned NULL */
#define EM_ECORRUPT (-10) /* em_check(): an invariant does not hold */

/* Region flags (memory regions). */
#define EM_HOTPLUG 0x1u	   /* hot-(un)pluggable: skipped by allocation unless asked */
#define EM_MIRROR 0x2u	   /* mirrored (more reliable) memory */
#define EM_NOMAP 0x4u	   /* not in the kernel's direct map: never allocated unless asked */
#define EM_UNACCEPTED 0x8u /* must be accepted before first use (TDX/SEV-SNP) */
#define EM_REGION_FLAGS (EM_HOTPLUG | EM_MIRROR | EM_NOMAP | EM_UNACCEPTED)
/* Memory with any of these flags is skipped by allocation and free-range
 * walks unless the caller's flags name them. */
#define EM_SKIP_FLAGS (EM_HOTPLUG | EM_NOMAP | EM_UNACCEPTED)

/* Node ids: 0..EM_MAX_NODES-1, or one of these. */
#define EM_NODE_NONE (-1) /* region: node unknown; filter: only regions without a node */
#define EM_NODE_ANY (-2)  /* filter / preference: any node */

/* Default SLIT-style distances (ACPI: local 10, remote 20). */
#define EM_DISTANCE_LOCAL 10
#define EM_DISTANCE_REMOTE 20

/* Label of the reservations that hold the doubled region arrays. */
#define EM_LABEL_SELF "earlymem"

/**
 * struct em_region - one range of a region array.
 * @base:  first address.
 * @size:  length in bytes, never 0; base + size <= EM_ADDR_END.
 * @flags: EM_HOTPLUG, EM_MIRROR, EM_NOMAP, EM_UNACCEPTED (memory regions).
 * @node:  NUMA node id, or EM_NODE_NONE.
 * @label: owner of a reservation ("kernel", "initrd", ...) or NULL. Labels
 *         are compared as strings; the pointer must stay valid.
 */
struct em_region {
	uint64_t base;
	uint64_t size;
	uint32_t flags;
	int32_t node;
	const char *label;
};

/**
 * struct em_array - one sorted, disjoint, maximally merged region array.
 * @regions:    the storage: @chunks chunks of @csize slots (see
 *              src/region_array.c); read entry i with em_region_at().
 * @heads:      per chunk, the slot holding its lowest entry.
 * @cnt:        entries in use.
 * @max:        entries available before the array must double.
 * @total_size: sum of the sizes of all entries.
 * @phys:       physical address of doubled storage (meaningful if @bytes != 0).
 * @bytes:      size of doubled storage, 0 while on the static storage.
 * @name:       "memory" or "reserved".
 * @csize, @chunks, @shift: the storage layout, fixed by @max.
 *
 * Read it through the iterators and queries; change it only through the API.
 */
struct em_array {
	struct em_region *regions;
	uint32_t *heads;
	uint32_t cnt;
	uint32_t max;
	uint64_t total_size;
	uint64_t phys;
	uint64_t bytes;
	const char *name;
	uint32_t csize;
	uint32_t chunks;
	uint8_t shift;
};

/**
 * em_region_at() - entry @i of @a, in address order (0 is the lowest).
 *
 * Returns NULL when @i >= @a->cnt. O(1). For reading (dumps, debugging);
 * change the arrays only through the API.
 */
const struct em_region *em_region_at(const struct em_array *a, uint32_t i);

/**
 * struct em_hooks - what the kernel provides. Every hook is optional.
 * @phys_to_virt: pointer through which the library may write @phys. Needed
 *                to double the arrays (em_allow_resize() refuses without it).
 * @log:          receives output of em_dump() and em_check(), one whole line
 *                at a time, each ending in '\n'.
 * @accept:       accepts [@base, @base + @size) of EM_UNACCEPTED memory;
 *                returns 0 on success. When set, allocations may use
 *                unaccepted memory and accept what they return. The flag
 *                stays on the memory region (it records what firmware
 *                said), so the hook may see a range again after a free
 *                and must treat accepted memory as a no-op.
 * @ctx:          passed to every hook.
 */
struct em_hooks {
	void *(*phys_to_virt)(void *ctx, uint64_t phys);
	void (*log)(void *ctx, const char *line);
	int (*accept)(void *ctx, uint64_t base, uint64_t size);
	void *ctx;
};

/**
 * struct earlymem - one early memory manager. Declare it in .bss (or on a
 * test's stack), call em_init(), and pass it to every function. All state
 * lives here; the library has no global variables.
 */
struct em_handoff_ops;

struct earlymem {
	struct em_array memory;
	struct em_array reserved;
	uint64_t current_limit;
	struct em_hooks hooks;
	const struct em_handoff_ops *handoff; /* set by em_handoff(): late frees go there */
	bool bottom_up;
	bool resize_allowed;
	bool retired;
	bool no_late_free; /* a discard emptied an array: late frees are refused */
	uint8_t distance[EM_MAX_NODES][EM_MAX_NODES];
	/* Two spare entries past max let splits happen before merges. */
	struct em_region memory_static[EM_STATIC_SLOTS];
	struct em_region reserved_static[EM_STATIC_SLOTS];
	uint32_t memory_static_heads[EM_STATIC_CHUNKS];
	uint32_t reserved_static_heads[EM_STATIC_CHUNKS];
};

/* ------------------------------------------------------------------------ */
/* Set-up                                                                   */

/**
 * em_init() - make @em an empty instance on its static arrays.
 *
 * Top-down allocation, no current limit, no hooks, resizing not allowed,
 * default node distances. Can be called again to start over (doubled
 * storage is then simply forgotten, not freed).
 */
void em_init(struct earlymem *em);

/**
 * em_set_hooks() - copy @hooks into @em (NULL clears all hooks).
 */
void em_set_hooks(struct earlymem *em, const struct em_hooks *hooks);

/**
 * em_allow_resize() - let full region arrays double into memory allocated
 * from @em itself.
 *
 * Call it once the kernel can reach the memory the allocator may hand out
 * through the phys_to_virt hook (typically after the memory map and the
 * kernel image are registered). Until then a full array gives EM_ENOSPC.
 *
 * Return: 0, or EM_EINVAL when no phys_to_virt hook is set.
 */
int em_allow_resize(struct earlymem *em);

/** em_set_bottom_up() - choose the default allocation direction. */
void em_set_bottom_up(struct earlymem *em, bool bottom_up);

/** em_bottom_up() - whether allocation is bottom-up by default. */
bool em_bottom_up(const struct earlymem *em);

/**
 * em_set_current_limit() - allocations (and doubled arrays) end at or below
 * @limit (exclusive); EM_ALLOC_ANYWHERE removes the limit. Typically the
 * end of what the kernel has mapped so far.
 */
void em_set_current_limit(struct earlymem *em, uint64_t limit);

/** em_get_current_limit() - the current limit (EM_ALLOC_ANYWHERE: none). */
uint64_t em_get_current_limit(const struct earlymem *em);

/**
 * em_set_distance() - set the distance from node @from to node @to (ACPI
 * SLIT semantics: 10 is local, larger is farther). Node fallback in
 * allocation tries nodes nearest first.
 *
 * Return: 0, or EM_EINVAL if a node id is out of range.
 */
int em_set_distance(struct earlymem *em, int from, int to, uint8_t distance);

/**
 * em_distance() - distance from @from to @to, or -1 if a node is out of range.
 */
int em_distance(const struct earlymem *em, int from, int to);

/** em_strerror() - a short English name for an EM_E* code (or 0). */
const char *em_strerror(int err);

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */

/**
 * em_add() - register [@base, @base + @size) as memory without a node or
 * flags. Same as em_add_node(em, base, size, EM_NODE_NONE, 0).
 */
int em_add(struct earlymem *em, uint64_t base, uint64_t size);

/**
 * em_add_node() - register [@base, @base + @size) as memory of @node with
 * @flags.
 *
 * Parts already registered keep their node and flags; only the parts not
 * yet covered are added. Adjacent regions merge when node and flags match.
 * Size 0 does nothing and succeeds.
 *
 * Return: 0; EM_EINVAL (node out of range, unknown flag), EM_ERANGE (wraps),
 * EM_ENOSPC / EM_ENOMEM (array full and cannot double).
 */
int em_add_node(struct earlymem *em, uint64_t base, uint64_t size, int node, uint32_t flags);

/**
 * em_remove() - remove [@base, @base + @size) from memory. Parts that are
 * not memory are ignored; reservations are not touched. May split a region.
 *
 * Return: 0; EM_ERANGE; EM_ENOSPC / EM_ENOMEM (a split needs a slot).
 */
int em_remove(struct earlymem *em, uint64_t base, uint64_t size);

/**
 * em_mark() - set @flags on the memory in [@base, @base + @size). Regions
 * split at the range edges and merge again afterwards; non-memory parts of
 * the range are ignored.
 *
 * Return: 0; EM_EINVAL (unknown flag); EM_ERANGE; EM_ENOSPC / EM_ENOMEM.
 */
int em_mark(struct earlymem *em, uint64_t base, uint64_t size, uint32_t flags);

/** em_clear() - clear @flags on the memory in a range; see em_mark(). */
int em_clear(struct earlymem *em, uint64_t base, uint64_t size, uint32_t flags);

/**
 * em_set_node() - set the node of the memory in [@base, @base + @size)
 * (@node may be EM_NODE_NONE); splits and merges like em_mark().
 *
 * Return: 0; EM_EINVAL (node out of range); EM_ERANGE; EM_ENOSPC / EM_ENOMEM.
 */
int em_set_node(struct earlymem *em, uint64_t base, uint64_t size, int node);

/* ------------------------------------------------------------------------ */
/* Reservations                                                             */

/** em_reserve() - em_reserve_label() without a label. */
int em_reserve(struct earlymem *em, uint64_t base, uint64_t size);

/**
 * em_reserve_label() - mark [@base, @base + @size) as taken by @label.
 *
 * The range need not be memory (firmware tables, MMIO holes). Parts already
 * reserved keep their label; the rest is added with @label and merges with
 * neighbours of the same label (and node and flags). Size 0 succeeds.
 * A region array whose doubled storage lies in the range first moves off
 * it, so that the whole range is the caller's and stays reserved when the
 * array moves again.
 *
 * Return: 0; EM_ERANGE; EM_ENOSPC / EM_ENOMEM (the arrays cannot grow, or
 * cannot move off the range); on failure nothing changed.
 */
int em_reserve_label(struct earlymem *em, uint64_t base, uint64_t size, const char *label);

/**
 * em_free() - release the reservation of [@base, @base + @size).
 *
 * The whole range must be reserved (by one or several reservations): a
 * range that is partly unreserved is refused, so a double free is caught.
 * Freeing part of a reservation splits it. Size 0 succeeds.
 *
 * After em_handoff() this is a late free: the reservation is removed and
 * the pages that became entirely free are released to the page allocator
 * (see handoff.h); the arrays no longer double, so a split that needs a
 * slot gives EM_ENOSPC.
 *
 * Return: 0; EM_ERANGE; EM_ENOENT (part of the range is not reserved);
 * EM_EBUSY (the range touches the storage of a doubled region array);
 * EM_ENOSPC / EM_ENOMEM (a split needs a slot); EM_EINVAL (a late free
 * whose handoff ops the caller has since made invalid).
 */
int em_free(struct earlymem *em, uint64_t base, uint64_t size);

/* ------------------------------------------------------------------------ */
/* Allocation                                                               */

/* Request flags: the region flags above select memory; these steer. */
#define EM_ALLOC_BOTTOM_UP 0x10000u  /* lowest fitting address */
#define EM_ALLOC_TOP_DOWN 0x20000u   /* highest fitting address */
#define EM_ALLOC_EXACT_NODE 0x40000u /* no fallback to other nodes */

/**
 * struct em_request - a general allocation request.
 * @size:  bytes, > 0.
 * @align: power of two, > 0; the returned address is a multiple of it.
 * @min:   lowest acceptable address.
 * @max:   the allocation ends at or below @max (exclusive);
 *         EM_ALLOC_ANYWHERE for no bound. The current limit applies too.
 * @node:  preferred node, or EM_NODE_ANY / EM_NODE_NONE for no preference.
 * @flags: region flags the caller accepts (EM_HOTPLUG, EM_NOMAP,
 *         EM_UNACCEPTED) or requires (EM_MIRROR: mirrored memory only),
 *         plus EM_ALLOC_* steering flags. Neither direction flag: the
 *         instance's default (em_set_bottom_up()); both: EM_EINVAL.
 * @label: owner recorded on the reservation (may be NULL).
 *
 * Node fallback (without EM_ALLOC_EXACT_NODE): the preferred node first,
 * then the other nodes in groups of equal distance from it, nearest group
 * first (all nodes of a group compete for the highest / lowest address),
 * then memory without a node.
 */
struct em_request {
	uint64_t size;
	uint64_t align;
	uint64_t min;
	uint64_t max;
	int node;
	uint32_t flags;
	const char *label;
};

/**
 * em_find() - where em_alloc_req() would allocate, without reserving.
 *
 * Return: 0 with *@addr set; EM_EINVAL (@req or @addr NULL, size 0, align 0 or not
 * a power of two, unknown flag, both directions, min > max, node out of
 * range, exact node without a node); EM_ENOMEM (nothing fits); EM_ERETIRED.
 */
int em_find(const struct earlymem *em, const struct em_request *req, uint64_t *addr);

/**
 * em_alloc_req() - find and reserve per @req; see em_find().
 *
 * Reserves with the node of the memory it came from and @req->label. Calls
 * the accept hook first when the memory is EM_UNACCEPTED. Does not zero.
 *
 * Return: as em_find(), plus EM_ENOSPC / EM_ENOMEM when the reservation
 * needs a slot it cannot get, EM_EACCEPT when the accept hook fails.
 */
int em_alloc_req(struct earlymem *em, const struct em_request *req, uint64_t *addr);

/** em_alloc() - @size bytes aligned to @align anywhere below the limit. */
int em_alloc(struct earlymem *em, uint64_t size, uint64_t align, uint64_t *addr);

/** em_alloc_range() - like em_alloc(), within [@min, @max). */
int em_alloc_range(struct earlymem *em, uint64_t size, uint64_t align, uint64_t min, uint64_t max,
		   uint64_t *addr);

/** em_alloc_node() - like em_alloc(), on @node first, then nearest nodes. */
int em_alloc_node(struct earlymem *em, uint64_t size, uint64_t align, int node, uint64_t *addr);

/**
 * em_alloc_at() - reserve exactly [@base, @base + @size) for @label.
 *
 * Every byte must be memory (of any flags) and not reserved. If part of it
 * is EM_UNACCEPTED and an accept hook is set, the hook is called on the
 * whole range before the reservation.
 *
 * Return: 0; EM_EINVAL (size 0); EM_ERANGE; EM_ENOENT (part is not
 * memory); EM_EBUSY (part is reserved); EM_EACCEPT; EM_ENOSPC /
 * EM_ENOMEM; EM_ERETIRED.
 */
int em_alloc_at(struct earlymem *em, uint64_t base, uint64_t size, const char *label);

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */

/** em_is_memory() - whether @addr lies in memory. */
bool em_is_memory(const struct earlymem *em, uint64_t addr);
/** em_is_reserved() - whether @addr lies in a reservation. */
bool em_is_reserved(const struct earlymem *em, uint64_t addr);
/** em_is_free() - whether @addr is memory and not reserved. */
bool em_is_free(const struct earlymem *em, uint64_t addr);

/**
 * em_range_is_memory() - whether every byte of [@base, @base + @size) is
 * memory (across adjacent regions too). False for size 0 or a range that
 * passes EM_ADDR_END.
 */
bool em_range_is_memory(const struct earlymem *em, uint64_t base, uint64_t size);
/** em_range_is_reserved() - whether every byte of the range is reserved. */
bool em_range_is_reserved(const struct earlymem *em, uint64_t base, uint64_t size);
/** em_range_intersects_reserved() - whether any byte of the range is reserved. */
bool em_range_intersects_reserved(const struct earlymem *em, uint64_t base, uint64_t size);
/** em_range_is_free() - whether every byte is memory and none is reserved. */
bool em_range_is_free(const struct earlymem *em, uint64_t base, uint64_t size);

/**
 * em_node_of() - the node of the memory at @addr; EM_NODE_NONE when @addr
 * is not memory or its memory has no node.
 */
int em_node_of(const struct earlymem *em, uint64_t addr);

/** em_memory_size() - total bytes of memory. */
uint64_t em_memory_size(const struct earlymem *em);
/** em_reserved_size() - total bytes reserved (including outside memory). */
uint64_t em_reserved_size(const struct earlymem *em);
/** em_free_size() - bytes of memory not reserved (all flags, all nodes). */
uint64_t em_free_size(const struct earlymem *em);

/**
 * em_memory_bounds() - lowest memory address and end of the highest memory
 * region (exclusive).
 *
 * Return: 0; EM_ENOENT when there is no memory (outputs untouched).
 */
int em_memory_bounds(const struct earlymem *em, uint64_t *lowest, uint64_t *end);

/**
 * em_trim() - shrink every memory region inward to multiples of @align
 * (drop partial pages); regions with no whole unit disappear.
 *
 * Return: 0; EM_EINVAL (@align 0 or not a power of two).
 */
int em_trim(struct earlymem *em, uint64_t align);

/**
 * em_cap() - remove all memory outside [@base, @base + @size).
 * Reservations are untouched.
 *
 * Return: 0; EM_ERANGE.
 */
int em_cap(struct earlymem *em, uint64_t base, uint64_t size);

/**
 * em_limit() - keep only the lowest @bytes of memory (Linux's mem=): the
 * memory above the point where @bytes have been counted is removed.
 * @bytes at or above the total does nothing. Reservations are untouched.
 */
void em_limit(struct earlymem *em, uint64_t bytes);

/* ------------------------------------------------------------------------ */
/* Iteration                                                                */

/**
 * enum em_iter_kind - what a walk (em_iter_init()) visits, lowest address
 * first unless noted.
 *
 * EM_ITER_MEMORY: memory regions. EM_ITER_RESERVED: reservations (also
 * those outside memory). EM_ITER_FREE: free ranges, memory minus
 * reservations. EM_ITER_FREE_REV: free ranges, highest first.
 * EM_ITER_PFN: the whole EM_PAGE_SIZE pages of memory regions, as page
 * numbers. Usually reached through the em_for_each_*() macros.
 */
enum em_iter_kind {
	EM_ITER_MEMORY,
	EM_ITER_RESERVED,
	EM_ITER_FREE,
	EM_ITER_FREE_REV,
	EM_ITER_PFN,
};

/**
 * struct em_iter - the state of one walk; read the public fields inside the
 * loop.
 * @base, @size:  the current range (EM_ITER_PFN: whole pages only).
 * @start_pfn, @end_pfn: EM_ITER_PFN only: page numbers [start, end).
 * @node, @flags, @label: of the region the range lies in (free ranges:
 *                the memory region; label NULL).
 */
struct em_iter {
	uint64_t base;
	uint64_t size;
	uint64_t start_pfn;
	uint64_t end_pfn;
	int node;
	uint32_t flags;
	const char *label;
	/* private */
	const struct earlymem *em_;
	uint64_t lo_;
	uint64_t hi_;
	uint64_t cursor_;
	uint64_t nodes_;
	/* cursors: the next memory (or, walking reservations, reserved) region and reservation */
	const struct em_region *m_;
	const struct em_region *mstop_;
	const struct em_region *r_;
	const struct em_region *rstop_;
	uint32_t accept_;
	uint8_t kind_;
	bool none_;
	/* EM_ITER_FREE fast path: see em_iter_next() */
	const struct em_region *rp_;
	const struct em_region *rlast_;
};

/**
 * em_iter_init() - start a walk of @kind.
 * @node:  EM_NODE_ANY for all, a node id, or EM_NODE_NONE for memory
 *         without a node (ignored for EM_ITER_RESERVED); any other value
 *         selects nothing.
 * @flags: as in struct em_request: memory with EM_HOTPLUG / EM_NOMAP /
 *         EM_UNACCEPTED is skipped unless named here, EM_MIRROR selects
 *         mirrored memory only. For EM_ITER_MEMORY and EM_ITER_PFN pass
 *         EM_SKIP_FLAGS to see all memory. Ignored for EM_ITER_RESERVED.
 */
void em_iter_init(struct em_iter *it, const struct earlymem *em, enum em_iter_kind kind, int node,
		  uint32_t flags);

/**
 * em_iter_next_slow() - the general step behind em_iter_next(); call that.
 */
bool em_iter_next_slow(struct em_iter *it);

/**
 * em__iter_next_local() - em_for_each_free_range()'s step; not for direct
 * use. em_iter_next() with @it->rp_ and @it->rlast_ held in *@rp and
 * *@rlast, local variables of the loop, which the compiler keeps in
 * registers: one step neither waits for nor makes a store of the cursor,
 * nor loads its bound (the loop stores the cursor when it is left with
 * break, and this step before the slow one, after which it reloads both).
 */
static inline bool em__iter_next_local(struct em_iter *it, const struct em_region **rp,
				       const struct em_region **rlast)
{
	const struct em_region *r = *rp;
	bool more;

	if (r != *rlast) {
		uint64_t start = r->base + r->size, stop = r[1].base;

		if (start < stop) {
			it->base = start;
			it->size = stop - start;
			*rp = r + 1;
			return true;
		}
	}
	it->rp_ = r;
	more = em_iter_next_slow(it);
	*rp = it->rp_;
	*rlast = it->rlast_;
	return more;
}

/**
 * em_iter_next() - advance; false when the walk is over. The arrays must
 * not change during a walk.
 *
 * Inline for the step free walks take most: from one reservation to the
 * next inside the same memory region, when the two lie next to each other
 * in the region storage (@rp_ up to @rlast_, which the slow step sets no
 * further than the last reservation starting in the region). The range is
 * the gap between them. It writes only what it must (the range and @rp_);
 * em_iter_next_slow() catches up on the rest.
 */
static inline bool em_iter_next(struct em_iter *it)
{
	const struct em_region *rp = it->rp_, *rlast = it->rlast_;
	bool more = em__iter_next_local(it, &rp, &rlast);

	it->rp_ = rp;
	return more;
}

/*
 * A name of its own for each loop macro's local variable, so that nested
 * loops shadow nothing: numbered by __COUNTER__ where the compiler has it
 * (gcc, clang), else by line.
 */
#define EM__CAT2(a, b) a##b
#define EM__CAT(a, b) EM__CAT2(a, b)
#ifdef __COUNTER__
#define EM__UNIQUE(name) EM__CAT(name, __COUNTER__)
#else
#define EM__UNIQUE(name) EM__CAT(name, __LINE__)
#endif

/**
 * em_for_each_mem_range() - loop over memory regions, lowest first,
 * filtered by @node and @flags as in em_iter_init() (pass EM_SKIP_FLAGS
 * to see all memory). @it is a struct em_iter, not a pointer.
 */
#define em_for_each_mem_range(it, em, node, flags) \
	for (em_iter_init(&(it), (em), EM_ITER_MEMORY, (node), (flags)); em_iter_next(&(it));)
/**
 * em_for_each_reserved_range() - loop over reservations, lowest first,
 * those outside memory included; it.label is the owner.
 */
#define em_for_each_reserved_range(it, em) \
	for (em_iter_init(&(it), (em), EM_ITER_RESERVED, EM_NODE_ANY, 0); em_iter_next(&(it));)
/**
 * em_for_each_free_range() - loop over free ranges (memory minus
 * reservations), lowest first, filtered as in em_iter_init(): memory with
 * EM_HOTPLUG / EM_NOMAP / EM_UNACCEPTED is skipped unless @flags names it.
 * Ranges are byte-exact, not page-rounded. The loop keeps its cursor in
 * a variable of its own (in a register): inside the loop, step only
 * through the loop, not with em_iter_next(), and a copy of @it taken
 * there does not know where the loop is. After a break, em_iter_next()
 * goes on where the loop stopped; a loop left by return or goto does not
 * store its cursor, so @it must not be stepped again after that.
 */
#define em_for_each_free_range(it, em, node, flags) \
	EM__FOR_EACH_FREE((it), (em), (node), (flags), EM__UNIQUE(em__walk_))
/**
 * struct em__walk - em_for_each_free_range()'s own state; not for direct
 * use. @rp, @rlast: the cursor and its bound (see em__iter_next_local());
 * @in_body: set while the loop body runs, so still set if the body was
 * left with break.
 */
struct em__walk {
	const struct em_region *rp;
	const struct em_region *rlast;
	int in_body;
};

/**
 * em__free_walk_start() - em_for_each_free_range()'s start; not for direct
 * use. em_iter_init() for a free walk, and the loop's state.
 */
static inline struct em__walk em__free_walk_start(struct em_iter *it, const struct earlymem *em,
						  int node, uint32_t flags)
{
	struct em__walk w = { NULL, NULL, 0 };

	em_iter_init(it, em, EM_ITER_FREE, node, flags);
	w.rp = it->rp_;
	w.rlast = it->rlast_;
	return w;
}

/*
 * @w: the name of the loop's state, expanded once so all uses agree. The
 * inner loop runs the body once; only a break leaves it with in_body still
 * set, and then the outer loop stores the cursor for em_iter_next() and
 * ends. The compiler folds the flag away on the normal path.
 */
#define EM__FOR_EACH_FREE(it, em, node, flags, w)                                 \
	for (struct em__walk w = /* NOLINT(bugprone-macro-parentheses): a name */ \
	     em__free_walk_start(&(it), (em), (node), (flags));                   \
	     (w).in_body ? ((it).rp_ = (w).rp, 0) :                               \
			   em__iter_next_local(&(it), &(w).rp, &(w).rlast);)      \
		for ((w).in_body = 1; (w).in_body; (w).in_body = 0)
/**
 * em_for_each_free_range_rev() - em_for_each_free_range(), highest first.
 */
#define em_for_each_free_range_rev(it, em, node, flags) \
	for (em_iter_init(&(it), (em), EM_ITER_FREE_REV, (node), (flags)); em_iter_next(&(it));)
/**
 * em_for_each_pfn_range() - loop over the whole EM_PAGE_SIZE pages of
 * memory regions, lowest first: pages it.start_pfn up to it.end_pfn
 * (exclusive). Regions without a whole page are skipped.
 */
#define em_for_each_pfn_range(it, em, node, flags) \
	for (em_iter_init(&(it), (em), EM_ITER_PFN, (node), (flags)); em_iter_next(&(it));)

/* ------------------------------------------------------------------------ */
/* Transactions: make a sequence of calls all-or-nothing                     */

/**
 * em_txn_bytes() - bytes em_txn_begin() needs to save @em as it is now
 * (both arrays: 32 bytes a region plus a small header).
 */
size_t em_txn_bytes(const struct earlymem *em);

/**
 * em_txn_begin() - save the state of @em into @buf so that
 * em_txn_rollback() can return to it. Nothing needs to be done to commit.
 *
 * Between begin and rollback only calls of this library may change @em
 * (they may double the arrays: rollback handles that). Rollback undoes
 * every change since begin, allocations included.
 *
 * Return: 0; EM_EINVAL when @buf is NULL or not 8-byte aligned, or @bytes <
 * em_txn_bytes(@em); EM_ERETIRED after em_handoff() (late frees hand pages
 * to the page allocator, which no rollback can take back).
 */
int em_txn_begin(const struct earlymem *em, void *buf, size_t bytes);

/**
 * em_txn_rollback() - return @em to the state saved in @buf by
 * em_txn_begin(). Storage doubled since then is simply forgotten (it is
 * free again in the restored reserved array).
 *
 * Return: 0; EM_EINVAL (@buf holds no saved state); EM_ERETIRED (em_handoff()
 * ran: its pages, and those of late frees, belong to the page allocator;
 * nothing changes).
 */
int em_txn_rollback(struct earlymem *em, const void *buf);

/* ------------------------------------------------------------------------ */
/* Debugging                                                                */

/**
 * em_dump() - print both arrays through the log hook: per region its range
 * [base-end), size, node, flags and label. Does nothing without a log hook.
 */
void em_dump(const struct earlymem *em);

/**
 * enum em_invariant - the invariants em_check() verifies (EM_INV_OK: all
 * hold); em_invariant_str() describes each.
 */
enum em_invariant {
	EM_INV_OK = 0,
	EM_INV_STORAGE, /* regions NULL, max 0, or cnt > max */
	EM_INV_EMPTY,	/* a region of size 0 */
	EM_INV_BOUNDS,	/* a region passes EM_ADDR_END */
	EM_INV_ORDER,	/* regions not sorted or overlapping */
	EM_INV_MERGE,	/* adjacent regions with equal attributes not merged */
	EM_INV_TOTAL,	/* total_size differs from the sum of sizes */
	EM_INV_FLAGS,	/* unknown flag bits */
	EM_INV_NODE,	/* node id out of range */
	EM_INV_SELF,	/* doubled storage not reserved as EM_LABEL_SELF */
};

/**
 * struct em_check_failure - where em_check() found a problem.
 * @invariant: which invariant fails.
 * @array:     "memory" or "reserved".
 * @index:     index of the offending region (0 for whole-array problems).
 */
struct em_check_failure {
	enum em_invariant invariant;
	const char *array;
	uint32_t index;
};

/**
 * em_check() - verify every invariant of both arrays.
 *
 * Return: 0, or EM_ECORRUPT with *@why (may be NULL) saying which
 * invariant fails where; the failure is also logged through the log hook.
 */
int em_check(const struct earlymem *em, struct em_check_failure *why);

/** em_invariant_str() - a short description of an invariant. */
const char *em_invariant_str(enum em_invariant inv);

#ifdef __cplusplus
}
#endif

#endif
