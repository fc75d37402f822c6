// SPDX-License-Identifier: MIT
/*
 * What every firmware loader shares: sanitizing a list of typed ranges and
 * loading the result into an instance.
 *
 * Sanitizing is a change-point sweep. The entries are sorted by base (heap
 * sort, in place); the sweep walks the points where an entry starts or the
 * winning entry ends, keeping the active entries in a max-heap ordered by
 * the loader's overlap rule. An entry that ends while it is not on top is
 * dropped when it surfaces (lazy deletion), so each entry is pushed and
 * popped once: O(n log n) for any overlap pattern, with no allocation.
 */
#include "fwtable.h"

#include "../../src/internal.h"

/* The scratch layout: the table first (so it stays valid for loading), then the work copy. */
struct layout {
	struct em_fw_entry *table; /* up to 2n entries */
	struct em_fw_entry *copy;  /* n entries */
	uint32_t *heap;		   /* n indices into copy */
};

static bool layout_work(void *work, size_t work_bytes, size_t n, struct layout *l)
{
	uintptr_t p = ((uintptr_t)work + 7) & ~(uintptr_t)7;

	if (!work || work_bytes < EM_FW_WORK_BYTES(n))
		return false;
	l->table = (struct em_fw_entry *)p;
	l->copy = l->table + 2 * n;
	l->heap = (uint32_t *)(l->copy + n);
	return true;
}

static void swap_entries(struct em_fw_entry *a, struct em_fw_entry *b)
{
	struct em_fw_entry t = *a;

	*a = *b;
	*b = t;
}

static void sift_by_base(struct em_fw_entry *e, size_t i, size_t n)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;

		if (l < n && e[l].base > e[big].base)
			big = l;
		if (r < n && e[r].base > e[big].base)
			big = r;
		if (big == i)
			return;
		swap_entries(&e[i], &e[big]);
		i = big;
	}
}

static void sort_by_base(struct em_fw_entry *e, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_by_base(e, i, n);
	for (size_t end = n; end > 1; end--) {
		swap_entries(&e[0], &e[end - 1]);
		sift_by_base(e, 0, end - 1);
	}
}

/* The max-heap of active entries, ordered by the overlap rule. */
struct active {
	uint32_t *slot;
	size_t n;
	const struct em_fw_entry *e;
	em_fw_wins wins;
};

static bool above(const struct active *h, size_t a, size_t b)
{
	return h->wins(&h->e[h->slot[a]], &h->e[h->slot[b]]);
}

static void swap_slots(struct active *h, size_t a, size_t b)
{
	uint32_t t = h->slot[a];

	h->slot[a] = h->slot[b];
	h->slot[b] = t;
}

static void push(struct active *h, uint32_t idx)
{
	size_t i = h->n++;

	h->slot[i] = idx;
	while (i > 0 && above(h, i, (i - 1) / 2)) {
		swap_slots(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void pop(struct active *h)
{
	size_t i = 0;

	h->slot[0] = h->slot[--h->n];
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;

		if (l < h->n && above(h, l, big))
			big = l;
		if (r < h->n && above(h, r, big))
			big = r;
		if (big == i)
			return;
		swap_slots(h, i, big);
		i = big;
	}
}

static uint64_t entry_end(const struct em_fw_entry *e)
{
	return e->base + e->size;
}

/* Appends [base, end) of @src's type to the table, merging with an equal neighbour. */
static void emit(struct em_fw_entry *t, size_t *n, uint64_t base, uint64_t end,
		 const struct em_fw_entry *src, struct em_fw_stats *st)
{
	struct em_fw_entry *last = *n ? &t[*n - 1] : NULL;

	if (last && entry_end(last) == base && last->type == src->type && last->attr == src->attr) {
		last->size += end - base;
		st->merged++;
		return;
	}
	t[*n] = (struct em_fw_entry){
		.base = base, .size = end - base, .type = src->type, .attr = src->attr
	};
	(*n)++;
}

/* Counts entries that overlap another one: the copy is sorted by base. */
static uint32_t count_overlapping(const struct em_fw_entry *e, size_t n)
{
	uint64_t max_end = 0;
	uint32_t count = 0;

	for (size_t i = 0; i < n; i++) {
		bool hit = (i > 0 && e[i].base < max_end) ||
			   (i + 1 < n && entry_end(&e[i]) > e[i + 1].base);

		count += hit;
		if (entry_end(&e[i]) > max_end)
			max_end = entry_end(&e[i]);
	}
	return count;
}

int em_fw_sanitize(const void *src, size_t count, em_fw_reader read, em_fw_wins wins, void *work,
		   size_t work_bytes, const struct em_fw_entry **table, size_t *n,
		   struct em_fw_stats *stats)
{
	struct em_fw_stats st = { 0 };
	struct layout l;
	struct active h;
	size_t m = 0, out = 0, i = 0;
	uint64_t pos = 0;

	if ((count && !src) || !table || !n || count > UINT32_MAX ||
	    !layout_work(work, work_bytes, count, &l))
		return EM_EINVAL;

	st.entries = (uint32_t)count;
	for (size_t k = 0; k < count; k++) {
		struct em_fw_entry e;

		read(src, k, &e);
		e.pad_ = 0;
		if (e.size == 0) {
			st.empty++;
			continue;
		}
		if (e.size > EM_ADDR_END - e.base) {
			/* Cut at the end of the address space; never wrap. */
			st.clamped++;
			st.clamped_bytes += e.size - (EM_ADDR_END - e.base);
			e.size = EM_ADDR_END - e.base;
			if (e.size == 0)
				continue;
		}
		l.copy[m++] = e;
	}
	sort_by_base(l.copy, m);
	st.overlapping = count_overlapping(l.copy, m);

	h = (struct active){ .slot = l.heap, .e = l.copy, .wins = wins };
	while (i < m || h.n) {
		uint64_t next;

		if (!h.n)
			pos = l.copy[i].base;
		while (i < m && l.copy[i].base == pos)
			push(&h, (uint32_t)i++);
		while (h.n && entry_end(&l.copy[h.slot[0]]) <= pos)
			pop(&h);
		if (!h.n)
			continue;
		next = entry_end(&l.copy[h.slot[0]]);
		if (i < m && l.copy[i].base < next)
			next = l.copy[i].base;
		emit(l.table, &out, pos, next, &l.copy[h.slot[0]], &st);
		pos = next;
	}

	st.sanitized = (uint32_t)out;
	*table = l.table;
	*n = out;
	if (stats)
		*stats = st;
	return 0;
}

static bool sanitized(const struct em_fw_entry *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].size == 0 || t[i].size > EM_ADDR_END - t[i].base)
			return false;
		if (i > 0 && t[i].base < entry_end(&t[i - 1]))
			return false;
	}
	return true;
}

static bool same_label(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Reserves every run of touching entries that share a label. */
static int load_reservations(struct earlymem *em, const struct em_fw_entry *t, size_t n,
			     em_fw_classify classify, const void *ctx, struct em_fw_stats *st)
{
	for (size_t i = 0; i < n;) {
		struct em_fw_class c = { 0 };
		uint64_t base = t[i].base, end = entry_end(&t[i]);
		size_t j = i + 1;
		int err;

		classify(&t[i], ctx, &c);
		if (!c.label) {
			i++;
			continue;
		}
		for (; j < n && t[j].base == end; j++) {
			struct em_fw_class d = { 0 };

			classify(&t[j], ctx, &d);
			if (!d.label || !same_label(c.label, d.label))
				break;
			end = entry_end(&t[j]);
		}
		err = em_reserve_label(em, base, end - base, c.label);
		if (err)
			return err;
		st->reserved_ranges++;
		i = j;
	}
	return 0;
}

/* One run of touching memory entries with equal flags, and its whole pages. */
struct memory_run {
	uint64_t base, end;   /* as the table gives it */
	uint64_t first, last; /* whole pages: [first, last), empty if first >= last */
	uint32_t flags;
};

/*
 * Finds the next memory run at or after entry *i; false at the end of the
 * table. With @free_only, entries the map reserves end a run and start none.
 */
static bool next_memory_run(const struct em_fw_entry *t, size_t n, size_t *i,
			    em_fw_classify classify, const void *ctx, bool free_only,
			    struct memory_run *r)
{
	const uint64_t mask = EM_PAGE_SIZE - 1;

	for (; *i < n; (*i)++) {
		struct em_fw_class c = { 0 };

		classify(&t[*i], ctx, &c);
		if (!c.memory || (free_only && c.label))
			continue;
		r->base = t[*i].base;
		r->end = entry_end(&t[*i]);
		r->flags = c.flags;
		for ((*i)++; *i < n && t[*i].base == r->end; (*i)++) {
			struct em_fw_class d = { 0 };

			classify(&t[*i], ctx, &d);
			if (!d.memory || d.flags != c.flags || (free_only && d.label))
				break;
			r->end = entry_end(&t[*i]);
		}
		/* Round inward; a base that wraps when rounded up has no whole page. */
		r->last = r->end & ~mask;
		r->first = (r->base & mask) ? (r->base | mask) + 1 : r->base;
		if (r->first == 0 && r->base != 0)
			r->first = r->last;
		return true;
	}
	return false;
}

static uint64_t pages_of(const struct memory_run *r)
{
	return r->first < r->last ? r->last - r->first : 0;
}

static int add_run(struct earlymem *em, const struct memory_run *r)
{
	return pages_of(r) ? em_add_node(em, r->first, r->last - r->first, EM_NODE_NONE, r->flags) :
			     0;
}

/*
 * Bytes of @r that doubling could take: none if its flags keep doubling
 * away (it takes plain memory only: no hotplug, nomap or unaccepted), else
 * its whole pages below the current limit.
 */
static uint64_t room_of(const struct earlymem *em, const struct memory_run *r)
{
	uint64_t last = r->last < em->current_limit ? r->last : em->current_limit;

	if (r->flags & EM_SKIP_FLAGS)
		return 0;
	return r->first < last ? last - r->first : 0;
}

/*
 * Adds the stretch of memory the map does not reserve with the most room
 * for doubling. Loaded before anything else, it is where arrays that must
 * double during the load find room: never on a range the map reserves,
 * and not on the largest range when that is memory doubling may not use
 * (Unaccepted memory is often most of a confidential guest's RAM).
 */
static int load_largest_free(struct earlymem *em, const struct em_fw_entry *t, size_t n,
			     em_fw_classify classify, const void *ctx)
{
	struct memory_run r, largest = { 0 };
	size_t i = 0;

	while (next_memory_run(t, n, &i, classify, ctx, true, &r))
		if (room_of(em, &r) > room_of(em, &largest))
			largest = r;
	return add_run(em, &largest);
}

/* Adds every memory run, trimmed to whole pages. */
static int load_memory(struct earlymem *em, const struct em_fw_entry *t, size_t n,
		       em_fw_classify classify, const void *ctx, struct em_fw_stats *st)
{
	struct memory_run r;
	int err;

	for (size_t i = 0; next_memory_run(t, n, &i, classify, ctx, false, &r);) {
		st->memory_bytes += r.end - r.base;
		st->trimmed_bytes += (r.end - r.base) - pages_of(&r);
		st->memory_ranges += pages_of(&r) != 0;
		err = add_run(em, &r);
		if (err)
			return err;
	}
	return 0;
}

int em_fw_load(struct earlymem *em, const struct em_fw_entry *table, size_t n,
	       em_fw_classify classify, const void *ctx, void *work, size_t work_bytes,
	       struct em_fw_stats *stats)
{
	struct em_fw_stats st = { 0 };
	int err;

	if ((n && !table) || !sanitized(table, n))
		return EM_EINVAL;
	err = em_txn_begin(em, work, work_bytes);
	if (err)
		return err;
	/*
	 * The largest free stretch first, then the reservations, then all
	 * memory: arrays that double on the way land in free RAM of the map,
	 * never on a range the map reserves. An array that doubled before the
	 * load may lie on one: reserving it moves the array off (resize.c).
	 */
	err = load_largest_free(em, table, n, classify, ctx);
	if (!err)
		err = load_reservations(em, table, n, classify, ctx, &st);
	if (!err)
		err = load_memory(em, table, n, classify, ctx, &st);
	if (err) {
		(void)em_txn_rollback(em, work); /* begun here: cannot fail */
		return err;
	}
	if (stats) {
		stats->memory_bytes += st.memory_bytes;
		stats->trimmed_bytes += st.trimmed_bytes;
		stats->memory_ranges += st.memory_ranges;
		stats->reserved_ranges += st.reserved_ranges;
	}
	return 0;
}

size_t em_fw_work_bytes(const struct earlymem *em, size_t entries)
{
	return EM_FW_WORK_BYTES(entries) + em_txn_bytes(em) + 8;
}

void *em_fw_txn_area(void *work, size_t work_bytes, size_t count, size_t *left)
{
	size_t used = EM_FW_WORK_BYTES(count);
	uintptr_t p, end = (uintptr_t)work + work_bytes;

	*left = 0;
	if (!work || work_bytes < used)
		return NULL;
	p = ((uintptr_t)work + used + 7) & ~(uintptr_t)7;
	if (p > end)
		return NULL;
	*left = end - p;
	return (void *)p;
}

int em_fw_sanitize_load(struct earlymem *em, const void *src, size_t count, em_fw_reader read,
			em_fw_wins wins, em_fw_classify classify, const void *ctx, void *work,
			size_t work_bytes, struct em_fw_stats *stats)
{
	const struct em_fw_entry *table;
	size_t n, left;
	void *txn = em_fw_txn_area(work, work_bytes, count, &left);
	int err;

	if (!txn)
		return EM_EINVAL;
	err = em_fw_sanitize(src, count, read, wins, work, work_bytes, &table, &n, stats);
	if (err)
		return err;
	return em_fw_load(em, table, n, classify, ctx, txn, left, stats);
}
