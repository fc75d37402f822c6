/* SPDX-License-Identifier: MIT */
/*
 * Internal interfaces shared by the library's source files. Nothing here is
 * part of the API; every symbol is prefixed em__.
 */
#ifndef EARLYMEM_INTERNAL_H
#define EARLYMEM_INTERNAL_H

#include <earlymem.h>

/* A library bug, never bad input: stop at once rather than corrupt memory. */
#define EM_BUG_ON(cond)                   \
	do {                              \
		if (cond)                 \
			__builtin_trap(); \
	} while (0)

/* ---- klib.c: the few libc-like helpers the library carries itself ---- */

void em__memmove(void *dst, const void *src, size_t n);
void em__memzero(void *dst, size_t n);
bool em__str_equal(const char *a, const char *b);

/* ---- ranges ---- */

/* A half-open span [base, end); end never exceeds EM_ADDR_END. */
struct em_span {
	uint64_t base;
	uint64_t end;
};

static inline uint64_t em__end(const struct em_region *r)
{
	return r->base + r->size;
}

/* Computes the end of [base, base + size); EM_ERANGE if it passes EM_ADDR_END. */
static inline int em__range_end(uint64_t base, uint64_t size, uint64_t *end)
{
	if (size > EM_ADDR_END - base)
		return EM_ERANGE;
	*end = base + size;
	return 0;
}

static inline bool em__is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static inline bool em__node_valid(int node)
{
	return node == EM_NODE_NONE || (node >= 0 && node < EM_MAX_NODES);
}

/* Whether two regions carry the same attributes (and so may merge). */
static inline bool em__same_attrs(const struct em_region *a, const struct em_region *b)
{
	/* Same pointer (or both NULL) is the common case: no call for it. */
	return a->flags == b->flags && a->node == b->node &&
	       (a->label == b->label || em__str_equal(a->label, b->label));
}

/*
 * ---- region_array.c: the storage of one sorted region array ----
 *
 * Everything else reaches region storage only through these functions, so
 * the representation can change without touching allocation, iteration or
 * the loaders. Storage always holds at least max + 2 entries: the two
 * spares let an attribute change split before it merges.
 */

/* Storage layout for an array of @max entries. */
struct em_layout {
	unsigned shift;	 /* entry i is in chunk i >> shift */
	uint32_t csize;	 /* slots per chunk */
	uint32_t chunks; /* chunks * csize >= max + 2 */
};

/* Entry @i (i < storage size). O(1): see region_array.c for the layout. */
static inline struct em_region *em__ra_at(const struct em_array *a, uint32_t i)
{
	uint32_t c = i >> a->shift, mask = a->csize - 1;

	return &a->regions[(c << a->shift) + ((a->heads[c] + i) & mask)];
}

void em__ra_layout(uint32_t max, struct em_layout *l);
/* Storage in bytes for an array of @max entries (page-rounded). */
uint64_t em__ra_storage_bytes(uint32_t max);
/* Where the chunk heads live in storage for @max entries (after the slots). */
uint32_t *em__ra_storage_heads(struct em_region *storage, uint32_t max);
/* An empty array of @max entries on @storage (static storage: em_init()). */
void em__ra_init(struct em_array *a, struct em_region *storage, uint32_t *heads, uint32_t max);
/* Index of the first region whose end is above @addr (cnt if none). */
uint32_t em__ra_find(const struct em_array *a, uint64_t addr);
/* Inserts @r at index @i (capacity checked by the caller). */
void em__ra_insert(struct em_array *a, uint32_t i, const struct em_region *r);
/* Deletes @n regions from index @i. */
void em__ra_delete(struct em_array *a, uint32_t i, uint32_t n);
/* Splits region @i at @at (strictly inside it) into two with equal attributes. */
void em__ra_split(struct em_array *a, uint32_t i, uint64_t at);
/* Sets region @i to [base, end), keeping total_size right. */
void em__ra_set_bounds(struct em_array *a, uint32_t i, uint64_t base, uint64_t end);
/* Merges region @i with @i + 1 if they touch and have equal attributes. */
bool em__ra_merge_next(struct em_array *a, uint32_t i);
/* Moves the array onto @storage/@heads laid out for @max entries. */
void em__ra_move(struct em_array *a, struct em_region *storage, uint32_t *heads, uint32_t max,
		 uint64_t phys, uint64_t bytes);
/* Copies the cnt entries, in order, to @out. */
void em__ra_copy_out(const struct em_array *a, struct em_region *out);
/* Writes cnt entries from @in back over the array's storage (after em__ra_copy_out). */
void em__ra_restore(struct em_array *a, const struct em_region *in);
/*
 * Runs: entries that lie in consecutive slots, which walks step through
 * with a pointer instead of looking each one up. Each is O(1), and short
 * for one ring (every array of up to csize entries).
 * em__ra_run_up(): entry @i (< cnt), and in *@last the last entry of the
 * run that starts there (at least entry @i itself).
 * em__ra_run_down(): entry @i (< cnt), and in *@first the first entry of
 * the run that ends there.
 * em__ra_index(): the index of entry @p.
 */
const struct em_region *em__ra_run_up_chunked(const struct em_array *a, uint32_t i,
					      const struct em_region **last);
const struct em_region *em__ra_run_down_chunked(const struct em_array *a, uint32_t i,
						const struct em_region **first);
uint32_t em__ra_index_chunked(const struct em_array *a, const struct em_region *p);

static inline const struct em_region *em__ra_run_up(const struct em_array *a, uint32_t i,
						    const struct em_region **last)
{
	uint32_t s, n;

	if (a->cnt > a->csize)
		return em__ra_run_up_chunked(a, i, last);
	/* One ring: up to its last entry, or to its last slot where it wraps. */
	s = (a->heads[0] + i) & (a->csize - 1);
	n = a->cnt - i < a->csize - s ? a->cnt - i : a->csize - s;
	*last = a->regions + s + n - 1;
	return a->regions + s;
}

static inline const struct em_region *em__ra_run_down(const struct em_array *a, uint32_t i,
						      const struct em_region **first)
{
	uint32_t s;

	if (a->cnt > a->csize)
		return em__ra_run_down_chunked(a, i, first);
	/* One ring: down to its first entry, or to slot 0 where it wraps. */
	s = (a->heads[0] + i) & (a->csize - 1);
	*first = a->regions + s - (i < s ? i : s);
	return a->regions + s;
}

static inline uint32_t em__ra_index(const struct em_array *a, const struct em_region *p)
{
	if (a->cnt > a->csize)
		return em__ra_index_chunked(a, p);
	return (uint32_t)(p - a->regions - a->heads[0]) & (a->csize - 1);
}

/*
 * ---- ranges.c: range algebra on one array ----
 *
 * Each operation has a count step (the region count after the operation,
 * touching nothing) and an apply step that needs the capacity the count
 * step reported and cannot fail.
 */

/* Attribute change applied by em__attr_*. */
struct em_attr_op {
	uint32_t set_flags;
	uint32_t clear_flags;
	bool set_node;
	int node;
};

uint64_t em__add_count(const struct em_array *a, uint64_t base, uint64_t end,
		       const struct em_region *attrs);
void em__add_apply(struct em_array *a, uint64_t base, uint64_t end, const struct em_region *attrs);
uint64_t em__remove_count(const struct em_array *a, uint64_t base, uint64_t end);
void em__remove_apply(struct em_array *a, uint64_t base, uint64_t end);
uint64_t em__attr_count(const struct em_array *a, uint64_t base, uint64_t end,
			const struct em_attr_op *op);
void em__attr_apply(struct em_array *a, uint64_t base, uint64_t end, const struct em_attr_op *op);
/*
 * The common cases in one search, for speed. em__add_fast(): [base, end)
 * lies in one gap of @a, so it extends a neighbour, bridges two, or becomes
 * an entry of its own if @a has room. em__remove_fast(): [base, end) lies in
 * one region, which shrinks, goes, or splits if @a has room. Both return
 * false, having changed nothing, when the general path is needed.
 */
bool em__add_fast(struct em_array *a, uint64_t base, uint64_t end, const struct em_region *attrs);
bool em__remove_fast(struct em_array *a, uint64_t base, uint64_t end);
/* Whether [base, end) is entirely covered by regions of @a (end > base). */
bool em__covered(const struct em_array *a, uint64_t base, uint64_t end);
/* Whether any byte of [base, end) lies in a region of @a. */
bool em__intersects(const struct em_array *a, uint64_t base, uint64_t end);

/* ---- resize.c ---- */

/*
 * Makes sure @a can hold @final_cnt regions, doubling it (and, for the
 * memory array, the reserved array) if needed and allowed. New storage never
 * overlaps @avoid. Failure-atomic.
 */
int em__ensure_room(struct earlymem *em, struct em_array *a, uint64_t final_cnt,
		    const struct em_span *avoid);

/* Whether @a's doubled storage has a byte in [base, end). */
static inline bool em__owns_storage(const struct em_array *a, uint64_t base, uint64_t end)
{
	return a->bytes && base < a->phys + a->bytes && a->phys < end;
}

/*
 * Before reserving the @n <= EM__RESERVE_SPANS_MAX @spans: moves the arrays
 * whose doubled storage lies on one of them off them all (so each
 * reservation is the caller's alone, and the arrays' later moves never
 * free part of it), and makes the reserved array hold @res_cnt entries
 * plus what the moves add, counting @gaps gaps an old storage can open in
 * the reserved pieces. With no array on a span, em__ensure_room() on the
 * reserved array. Failure-atomic.
 */
#define EM__RESERVE_SPANS_MAX 8
int em__room_to_reserve(struct earlymem *em, const struct em_span *spans, unsigned n,
			uint64_t res_cnt, uint64_t gaps);

/*
 * Reserve with full attributes: counts, grows (moving the arrays off
 * [base, end) if they are on it), applies. Failure-atomic.
 */
int em__reserve(struct earlymem *em, uint64_t base, uint64_t end, int node, const char *label);

/* ---- iter.c: the windowed walker under the public iterators ---- */

void em__iter_init(struct em_iter *it, const struct earlymem *em, enum em_iter_kind kind,
		   uint64_t lo, uint64_t hi, uint64_t nodes, bool none, uint32_t flags);
/* Node mask of all nodes. */
#define EM__ALL_NODES (~0ull)

/* ---- alloc.c ---- */

/* A search for free space, as used by allocation and by array doubling. */
struct em_find_spec {
	uint64_t size;
	uint64_t align;
	uint64_t lo;
	uint64_t hi; /* window [lo, hi) */
	uint64_t nodes;
	bool none;
	uint32_t flags;
	bool bottom_up;
	const struct em_span *avoid;
	unsigned navoid;
};

/* The found address, and the node and flags of the memory it lies in. */
struct em_found {
	uint64_t addr;
	int node;
	uint32_t flags;
};

bool em__find_free(const struct earlymem *em, const struct em_find_spec *spec,
		   struct em_found *found);

/* ---- handoff.c ---- */

/* em_free() after handoff, range checked: unreserve, release the pages that became free. */
int em__late_free(struct earlymem *em, uint64_t base, uint64_t end);

/* ---- dump.c ---- */

/* Logs one em_check() failure through the log hook (if any). */
void em__log_check_failure(const struct earlymem *em, const struct em_check_failure *why);

#endif
