// SPDX-License-Identifier: MIT
/*
 * Storage of one region array: a tiered vector.
 *
 * The entries live in chunks of csize slots. Every chunk before the last
 * one in use is full, so entry i is in chunk i >> shift at position
 * i - (chunk << shift), and reading any entry is O(1). Each chunk is a
 * ring: its entries start at slot heads[chunk] and wrap around. That makes
 * adding or taking an entry at either end of a chunk O(1), so:
 *
 *   insert at i: open a gap inside i's chunk by moving whichever side of
 *   i is shorter; if the chunk was full, its last entry moves to the front
 *   of the next chunk, whose last entry moves on, and so on to the last
 *   chunk: O(csize / 2 + chunks) entries touched instead of O(cnt).
 *
 *   delete at i: the same in reverse, each later chunk passing its first
 *   entry back to the end of the chunk before it.
 *
 * Chunks hold 2^shift slots. The static storage inside the instance is
 * one ring (2^EM_STATIC_CHUNK_SHIFT slots: 256 by default): at a few hundred
 * entries, searching one ring and moving the shorter side of it is cheaper
 * than searching chunks and passing entries between them. Doubled storage
 * has chunks of about 2 * sqrt(max), which balances the two costs above,
 * and keeps its heads after the slots in the same storage block.
 */
#include "internal.h"

void em__ra_layout(uint32_t max, struct em_layout *l)
{
	unsigned log2 = 0;

	while (log2 < 32 && (1ull << log2) < max)
		log2++;
	if (max <= EM_STATIC_REGIONS)
		l->shift = EM_STATIC_CHUNK_SHIFT;
	else /* csize = 2^shift ~ 2 * sqrt(max), at most 2^EM_CHUNK_SHIFT_MAX */
		l->shift = 1 + (log2 + 1) / 2 < EM_CHUNK_SHIFT_MAX ? 1 + (log2 + 1) / 2 :
								     EM_CHUNK_SHIFT_MAX;
	l->csize = 1u << l->shift;
	l->chunks = (uint32_t)(((uint64_t)max + 2 + l->csize - 1) >> l->shift);
}

uint64_t em__ra_storage_bytes(uint32_t max)
{
	struct em_layout l;
	uint64_t bytes;

	em__ra_layout(max, &l);
	bytes = (uint64_t)l.chunks * l.csize * sizeof(struct em_region) +
		(uint64_t)l.chunks * sizeof(uint32_t);
	return (bytes + EM_PAGE_SIZE - 1) & ~(uint64_t)(EM_PAGE_SIZE - 1);
}

uint32_t *em__ra_storage_heads(struct em_region *storage, uint32_t max)
{
	struct em_layout l;

	em__ra_layout(max, &l);
	return (uint32_t *)(storage + (uint64_t)l.chunks * l.csize);
}

/* ---- one chunk as a ring ---- */

struct chunk {
	struct em_region *slot;
	uint32_t *head;
	uint32_t size;
};

static struct chunk chunk_of(const struct em_array *a, uint32_t c)
{
	return (struct chunk){
		.slot = a->regions + ((uint64_t)c << a->shift),
		.head = &a->heads[c],
		.size = a->csize,
	};
}

/* Entry @j of the chunk (0 is its lowest). */
static struct em_region *entry(const struct chunk *k, uint32_t j)
{
	return &k->slot[(*k->head + j) & (k->size - 1)];
}

/* Copies the @n slots from @src one slot down, lowest first (they overlap). */
static void slots_down(struct em_region *src, uint32_t n)
{
	for (const struct em_region *end = src + n; src < end; src++)
		src[-1] = src[0];
}

/* Copies the @n slots from @src one slot up, highest first. */
static void slots_up(struct em_region *src, uint32_t n)
{
	for (struct em_region *p = src + n; p > src; p--)
		p[0] = p[-1];
}

/*
 * Moves entries [from, to) one place down: entry j becomes entry j - 1.
 * Done in runs of slots that do not wrap, so the inner loop is plain copies.
 */
static __attribute__((noinline)) void move_down_runs(const struct chunk *k, uint32_t from,
						     uint32_t to)
{
	struct em_region *slot = k->slot;

	while (from < to) {
		uint32_t s = (uint32_t)(entry(k, from) - slot), run;

		if (s == 0) { /* the source is slot 0, its new place the last slot */
			slot[k->size - 1] = slot[0];
			from++;
			continue;
		}
		run = to - from < k->size - s ? to - from : k->size - s;
		slots_down(slot + s, run);
		from += run;
	}
}

/* Moves entries [from, to) one place up: entry j becomes entry j + 1. In runs, top down. */
static __attribute__((noinline)) void move_up_runs(const struct chunk *k, uint32_t from,
						   uint32_t to)
{
	struct em_region *slot = k->slot;

	while (to > from) {
		uint32_t d = (uint32_t)(entry(k, to) - slot), run;

		if (d == 0) { /* the destination is slot 0, the source the last slot */
			slot[0] = slot[k->size - 1];
			to--;
			continue;
		}
		run = to - from < d ? to - from : d;
		slots_up(slot + d - run, run);
		to -= run;
	}
}

/*
 * The same two moves, inline for the common case: the entries and their
 * new places are one run of slots (the ring does not wrap between them),
 * so the move is one copy. Calls and loops around it cost a small array
 * as much as the copy itself.
 */
static inline __attribute__((always_inline)) void move_down(const struct chunk *k, uint32_t from,
							    uint32_t to)
{
	uint32_t s = (uint32_t)(entry(k, from) - k->slot);

	if (s > 0 && s + (to - from) <= k->size)
		slots_down(k->slot + s, to - from);
	else
		move_down_runs(k, from, to);
}

static inline __attribute__((always_inline)) void move_up(const struct chunk *k, uint32_t from,
							  uint32_t to)
{
	uint32_t d = (uint32_t)(entry(k, to) - k->slot); /* the new place of entry to - 1 */

	if (d >= to - from)
		slots_up(k->slot + d - (to - from), to - from);
	else
		move_up_runs(k, from, to);
}

/* The ring starts one slot earlier (a free slot when the chunk is not full). */
static void head_back(const struct chunk *k)
{
	*k->head = (*k->head - 1) & (k->size - 1);
}

static void head_forward(const struct chunk *k)
{
	*k->head = (*k->head + 1) & (k->size - 1);
}

/* Inserts @r as entry @j of a chunk holding @n < size entries. */
static inline __attribute__((always_inline)) void
chunk_insert(const struct chunk *k, uint32_t n, uint32_t j, const struct em_region *r)
{
	if (j < n - j) {
		head_back(k);
		move_down(k, 1, j + 1);
	} else {
		move_up(k, j, n);
	}
	*entry(k, j) = *r;
}

/* Deletes entry @j of a chunk holding @n entries. */
static inline __attribute__((always_inline)) void chunk_delete(const struct chunk *k, uint32_t n,
							       uint32_t j)
{
	if (j < n - 1 - j) {
		move_up(k, 0, j);
		head_forward(k);
	} else {
		move_down(k, j + 1, n);
	}
}

/* ---- the array ---- */

/*
 * The last of the first @n entries of chunk @k that starts at or below
 * @addr, given that entry 0 does. The search runs on slot pointers, not
 * ring positions: one step is an add, a load, a compare and a conditional
 * move, with no masking on the chain of dependent loads. A ring that wraps
 * holds its entries in two runs of slots; one compare picks the run.
 */
static inline __attribute__((always_inline)) const struct em_region *
chunk_search(const struct chunk *k, uint32_t n, uint64_t addr)
{
	uint32_t head = *k->head, first_run = k->size - head;
	bool wraps = n > first_run;
	bool second = wraps && k->slot[0].base <= addr; /* in the run from slot 0 */
	const struct em_region *p = second ? k->slot : k->slot + head;

	n = !wraps ? n : second ? n - first_run : first_run;
	for (; n > 1; n -= n / 2) {
		if (p[n / 2].base <= addr)
			p += n / 2;
	}
	return p;
}

/*
 * The index em__ra_find() returns, found among the first @n entries of
 * chunk @c, given that the chunk's first entry starts at or below @addr.
 */
static inline __attribute__((always_inline)) uint32_t
find_in_chunk(const struct em_array *a, uint32_t c, uint32_t n, uint64_t addr)
{
	const struct chunk k = chunk_of(a, c);
	const struct em_region *hit = chunk_search(&k, n, addr);

	/* That entry, or the next one when it ends at or below addr (maybe the next chunk's first). */
	return (c << a->shift) + (((uint32_t)(hit - k.slot) - *k.head) & (k.size - 1)) +
	       (em__end(hit) <= addr);
}

/*
 * em__ra_find() over more than one chunk: the same checks of the first and
 * last entries, then the last chunk whose first entry starts at or below
 * @addr (chunk 0's does; every chunk but the last in use is full). Each step is a conditional move: the CPU overlaps it
 * with the work around it better than it recovers from a mispredicted
 * branch. A function of its own so that one ring, the static storage, does
 * not pay for its registers.
 */
static __attribute__((noinline)) uint32_t find_chunked(const struct em_array *a, uint64_t addr)
{
	uint32_t used = (a->cnt + a->csize - 1) >> a->shift, c = 0;
	const struct em_region *last = em__ra_at(a, a->cnt - 1);

	if (em__end(em__ra_at(a, 0)) > addr)
		return 0;
	if (last->base <= addr)
		return a->cnt - (em__end(last) > addr);
	for (uint32_t m = used; m > 1; m -= m / 2) {
		const struct chunk mid = chunk_of(a, c + m / 2);

		if (mid.slot[*mid.head].base <= addr)
			c += m / 2;
	}
	return find_in_chunk(a, c, c + 1 < used ? a->csize : a->cnt - (c << a->shift), addr);
}

uint32_t em__ra_find(const struct em_array *a, uint64_t addr)
{
	uint32_t cnt = a->cnt, head = a->heads[0], mask = a->csize - 1;
	const struct em_region *last;

	if (cnt > a->csize)
		return find_chunked(a, addr);
	/* One ring: its first and last entries without the chunk arithmetic. */
	if (cnt == 0 || em__end(&a->regions[head]) > addr)
		return 0; /* common: walks and bottom-up allocations start there */
	last = &a->regions[(head + cnt - 1) & mask];
	if (last->base <= addr) /* common: top-down allocations start there */
		return cnt - (em__end(last) > addr);
	return find_in_chunk(a, 0, cnt, addr);
}

/*
 * em__ra_insert() into an array that fills chunk 0 or more: into entry
 * @i's chunk, then each later chunk takes the last entry of the one before.
 */
static __attribute__((noinline)) void insert_chunked(struct em_array *a, uint32_t i,
						     const struct em_region *r)
{
	uint32_t c = i >> a->shift, last = a->cnt >> a->shift;
	struct chunk k = chunk_of(a, c);
	struct em_region carry = { 0 };
	bool full = c < last; /* every chunk before the last one in use is */

	if (full) /* its last entry goes on to the next chunk */
		carry = *entry(&k, k.size - 1);
	chunk_insert(&k, full ? k.size - 1 : a->cnt - (c << a->shift), i - (c << a->shift), r);
	while (++c <= last) {
		struct em_region *first;

		k = chunk_of(a, c);
		/*
		 * The slot before the head holds the last entry of a full
		 * chunk (it moves on), or is free in the last one.
		 */
		head_back(&k);
		first = entry(&k, 0);
		if (c < last) {
			struct em_region out = *first;

			*first = carry;
			carry = out;
		} else {
			*first = carry;
		}
	}
}

/*
 * Small arrays (the static storage always) keep every entry in chunk 0, one
 * ring: inserts and deletes there take the ring's path straight, without
 * the chunk arithmetic, which costs them as much as the move itself.
 */
void em__ra_insert(struct em_array *a, uint32_t i, const struct em_region *r)
{
	const struct chunk ring = chunk_of(a, 0);

	EM_BUG_ON(a->cnt >= a->max + 2 || i > a->cnt);
	if (a->cnt < a->csize)
		chunk_insert(&ring, a->cnt, i, r);
	else
		insert_chunked(a, i, r);
	a->cnt++;
	a->total_size += r->size;
}

/*
 * Deletes entry @i of an array beyond one ring: from its chunk, then each
 * later chunk passes its first entry back to the end of the one before.
 */
static __attribute__((noinline)) void delete_chunked(struct em_array *a, uint32_t i)
{
	uint32_t c = i >> a->shift, last = (a->cnt - 1) >> a->shift, j = i - (c << a->shift);
	struct chunk k = chunk_of(a, c);

	a->total_size -= entry(&k, j)->size;
	chunk_delete(&k, c == last ? a->cnt - (c << a->shift) : k.size, j);
	while (++c <= last) {
		struct chunk next = chunk_of(a, c);

		*entry(&k, k.size - 1) = *entry(&next, 0);
		head_forward(&next);
		k = next;
	}
}

/* Deletes entry @i; one ring straight (see em__ra_insert()). */
static inline __attribute__((always_inline)) void delete_one(struct em_array *a, uint32_t i)
{
	if (a->cnt <= a->csize) {
		const struct chunk ring = chunk_of(a, 0);

		a->total_size -= entry(&ring, i)->size;
		chunk_delete(&ring, a->cnt, i);
	} else {
		delete_chunked(a, i);
	}
	a->cnt--;
}

/* delete_one() out of line: em__ra_delete() has the copy for the common case inline. */
static __attribute__((noinline)) void delete_one_out_of_line(struct em_array *a, uint32_t i)
{
	delete_one(a, i);
}

/* Deletes @n > 1 entries from @i: one at a time, or closing the gap in one pass. */
static __attribute__((noinline)) void delete_many(struct em_array *a, uint32_t i, uint32_t n)
{
	uint32_t chunks_after = ((a->cnt - 1) >> a->shift) - (i >> a->shift);

	/*
	 * One at a time moves about csize / 4 entries and one per later chunk,
	 * each; closing the gap by copying every later entry n places down
	 * costs cnt - i - n copies, each about twice a move (two lookups).
	 */
	if ((uint64_t)n * (a->csize / 4 + chunks_after) <= 2ull * (a->cnt - i - n)) {
		while (n--)
			delete_one_out_of_line(a, i);
		return;
	}
	for (uint32_t k = i; k < i + n; k++)
		a->total_size -= em__ra_at(a, k)->size;
	for (uint32_t k = i; k + n < a->cnt; k++)
		*em__ra_at(a, k) = *em__ra_at(a, k + n);
	a->cnt -= n;
}

void em__ra_delete(struct em_array *a, uint32_t i, uint32_t n)
{
	EM_BUG_ON(i + n > a->cnt || n > a->cnt);
	if (n == 1) /* the common case, straight */
		delete_one(a, i);
	else if (n > 1)
		delete_many(a, i, n);
}

void em__ra_split(struct em_array *a, uint32_t i, uint64_t at)
{
	struct em_region *left = em__ra_at(a, i), right = *left;

	EM_BUG_ON(at <= right.base || at >= em__end(&right));
	right.size = em__end(&right) - at;
	right.base = at;
	left->size -= right.size;
	a->total_size -= right.size; /* em__ra_insert adds it back */
	em__ra_insert(a, i + 1, &right);
}

void em__ra_set_bounds(struct em_array *a, uint32_t i, uint64_t base, uint64_t end)
{
	struct em_region *r = em__ra_at(a, i);

	EM_BUG_ON(end <= base);
	a->total_size -= r->size;
	r->base = base;
	r->size = end - base;
	a->total_size += r->size;
}

bool em__ra_merge_next(struct em_array *a, uint32_t i)
{
	if (i + 1 >= a->cnt)
		return false;

	struct em_region *l = em__ra_at(a, i), *r = em__ra_at(a, i + 1);

	if (em__end(l) != r->base || !em__same_attrs(l, r))
		return false;
	l->size += r->size;
	a->total_size += r->size; /* em__ra_delete takes it off again */
	em__ra_delete(a, i + 1, 1);
	return true;
}

/* Lays the array out on fresh storage: heads 0, so entry i is in slot i. */
static void set_storage(struct em_array *a, struct em_region *storage, uint32_t *heads,
			uint32_t max)
{
	struct em_layout l;

	em__ra_layout(max, &l);
	for (uint32_t c = 0; c < l.chunks; c++)
		heads[c] = 0;
	a->regions = storage;
	a->heads = heads;
	a->max = max;
	a->shift = (uint8_t)l.shift;
	a->csize = l.csize;
	a->chunks = l.chunks;
}

void em__ra_move(struct em_array *a, struct em_region *storage, uint32_t *heads, uint32_t max,
		 uint64_t phys, uint64_t bytes)
{
	EM_BUG_ON(max < a->cnt);
	/* The new storage never overlaps the old: copy in order, then switch. */
	for (uint32_t i = 0; i < a->cnt; i++)
		storage[i] = *em__ra_at(a, i);
	set_storage(a, storage, heads, max);
	a->phys = phys;
	a->bytes = bytes;
}

void em__ra_init(struct em_array *a, struct em_region *storage, uint32_t *heads, uint32_t max)
{
	a->cnt = 0;
	a->total_size = 0;
	a->phys = 0;
	a->bytes = 0;
	set_storage(a, storage, heads, max);
}

void em__ra_copy_out(const struct em_array *a, struct em_region *out)
{
	for (uint32_t i = 0; i < a->cnt; i++)
		out[i] = *em__ra_at(a, i);
}

void em__ra_restore(struct em_array *a, const struct em_region *in)
{
	/*
	 * The heads may have changed (or the storage been reused) since the
	 * entries were copied out: start the layout afresh.
	 */
	for (uint32_t c = 0; c < a->chunks; c++)
		a->heads[c] = 0;
	for (uint32_t i = 0; i < a->cnt; i++)
		a->regions[i] = in[i];
}

/* ---- runs: what walks step through with a pointer ---- */

uint32_t em__ra_index_chunked(const struct em_array *a, const struct em_region *p)
{
	uint64_t s = (uint64_t)(p - a->regions); /* the slot */
	uint32_t c = (uint32_t)(s >> a->shift);

	return (c << a->shift) + ((uint32_t)(s - a->heads[c]) & (a->csize - 1));
}

const struct em_region *em__ra_run_up_chunked(const struct em_array *a, uint32_t i,
					      const struct em_region **last)
{
	uint32_t mask = a->csize - 1, c = i >> a->shift, j = i & mask;
	const struct em_region *slot = a->regions + ((uint64_t)c << a->shift);
	uint32_t s = (a->heads[c] + j) & mask;
	/* The rest of the chunk (or of the array), up to where the ring wraps. */
	uint32_t n = a->cnt - i < a->csize - j ? a->cnt - i : a->csize - j;
	bool to_last_slot;
	uint64_t end; /* index after the run */

	if (n > a->csize - s)
		n = a->csize - s;
	to_last_slot = s + n == a->csize;
	end = (uint64_t)i + n;
	/*
	 * Storage laid out afresh (after a doubling, or filled in address
	 * order) has its heads at 0: when the run ends with a chunk's last
	 * entry in its last slot, the next chunk's first entry is in the slot
	 * right after it. Follow such chunks, at most 16, so that this stays O(1).
	 */
	for (unsigned k = 0; k < 16 && to_last_slot && end < a->cnt && !(end & mask) &&
			     a->heads[end >> a->shift] == 0;
	     k++) {
		uint32_t more = a->cnt - end < a->csize ? (uint32_t)(a->cnt - end) : a->csize;

		end += more;
		to_last_slot = more == a->csize;
	}
	*last = slot + s + (end - i) - 1;
	return slot + s;
}

const struct em_region *em__ra_run_down_chunked(const struct em_array *a, uint32_t i,
						const struct em_region **first)
{
	uint32_t mask = a->csize - 1, c = i >> a->shift, j = i & mask;
	const struct em_region *slot = a->regions + ((uint64_t)c << a->shift);
	uint32_t s = (a->heads[c] + j) & mask;
	/* Down to the chunk's first entry, or to slot 0 where the ring wraps. */
	uint32_t n = (j < s ? j : s) + 1;

	*first = slot + s - (n - 1);
	return slot + s;
}

const struct em_region *em_region_at(const struct em_array *a, uint32_t i)
{
	return i < a->cnt ? em__ra_at(a, i) : NULL;
}
