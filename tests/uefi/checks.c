// SPDX-License-Identifier: MIT
/* The checks both boot test images run: see checks.h. */
#include "checks.h"

#include <earlymem/handoff.h>

#include "kio.h"
#include "pbuddy.h"

static struct bc_env *env;

void bc_init(struct bc_env *e)
{
	env = e;
}

static void *p2v(void *ctx, uint64_t phys)
{
	(void)ctx;
	/* identity-mapped below mapped_end, nothing above */
	return phys < env->mapped_end ? (void *)(uintptr_t)phys : NULL;
}

static void logline(void *ctx, const char *line)
{
	(void)ctx;
	kio_puts(line);
}

const struct em_hooks bc_hooks = { .phys_to_virt = p2v, .log = logline };

_Noreturn void bc_finish(void)
{
	kio_printf("1..%u\n", tap_count());
	diag("%u tests, %u failed%s", tap_count(), tap_failed(), env->variant);
	kio_puts(tap_failed() ? "RESULT: FAIL\n" : "RESULT: PASS\n");
	qemu_exit(tap_failed() ? 0x11 : 0x10);
}

_Noreturn void bc_bail(const char *why)
{
	kio_printf("Bail out! %s\n", why);
	qemu_exit(0x11);
}

static void print_srat(const struct em_numa_info *numa)
{
	const uint8_t *srat;
	size_t len;

	if (em_acpi_find_table(env->em, env->rsdp, "SRAT", (const void **)&srat, &len))
		return;
	len = rd32(srat + 4);
	for (size_t off = 48; off + 2 <= len && srat[off + 1] >= 2; off += srat[off + 1]) {
		const uint8_t *e = srat + off;
		uint32_t pxm, flags;
		uint64_t base, size;

		if (e[0] != 1 || e[1] < 40 || off + 40 > len)
			continue;
		pxm = srat[8] >= 2 ? rd32(e + 2) : e[2];
		base = rd64(e + 8);
		size = rd64(e + 16);
		flags = rd32(e + 28);
		if (!(flags & 1) || !size)
			continue;
		kio_printf("SRAT: Node %d PXM %u [mem 0x%08llx-0x%08llx]%s%s\n",
			   em_acpi_pxm_to_node(numa, pxm), pxm, (unsigned long long)base,
			   (unsigned long long)(base + size - 1), (flags & 2) ? " hotplug" : "",
			   (flags & 4) ? " non-volatile" : "");
	}
}

/* ------------------------------------------------------------------------ */
/* Checksums of what must never change                                      */

struct sum {
	const char *what;
	char sig[5];
	uint64_t base, len, hash;
};

static struct sum sums[64];
static unsigned int nsums;

static void add_sum(const char *what, const char *sig, uint64_t base, uint64_t len)
{
	struct sum *s;

	if (nsums == sizeof(sums) / sizeof(sums[0]) || !len)
		return;
	s = &sums[nsums++];
	s->what = what;
	for (int i = 0; i < 4; i++)
		s->sig[i] = sig ? sig[i] : ' ';
	s->sig[4] = '\0';
	s->base = base;
	s->len = len;
	s->hash = hash64((const void *)(uintptr_t)base, len);
}

void bc_collect_sums(uint64_t text, uint64_t etext)
{
	add_sum(env->text_what, "TEXT", text, etext - text);
	if (!env->rsdp)
		return;

	const uint8_t *rsdp = (const uint8_t *)(uintptr_t)env->rsdp;
	uint64_t root = 0, rlen;
	unsigned int esz;

	add_sum("ACPI RSDP", "RSDP", env->rsdp, rsdp[15] >= 2 ? rd32(rsdp + 20) : 20);
	if (rsdp[15] >= 2 && rd64(rsdp + 24)) {
		root = rd64(rsdp + 24);
		esz = 8;
	} else {
		root = rd32(rsdp + 16);
		esz = 4;
	}
	if (!root)
		return;
	rlen = rd32((const uint8_t *)(uintptr_t)root + 4);
	add_sum("ACPI root table", (const char *)(uintptr_t)root, root, rlen);
	for (uint64_t off = 36; off + esz <= rlen; off += esz) {
		const uint8_t *e = (const uint8_t *)(uintptr_t)(root + off);
		uint64_t t = esz == 8 ? rd64(e) : rd32(e);

		if (t)
			add_sum("ACPI table", (const char *)(uintptr_t)t, t,
				rd32((const uint8_t *)(uintptr_t)t + 4));
	}
}

bool bc_check_sums(const char *when)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < nsums; i++) {
		if (hash64((const void *)(uintptr_t)sums[i].base, sums[i].len) != sums[i].hash) {
			diag("%s %s at 0x%llx (%llu bytes) changed", sums[i].what, sums[i].sig,
			     (unsigned long long)sums[i].base, (unsigned long long)sums[i].len);
			bad++;
		}
	}
	return tap(!bad && nsums, "%s: ACPI tables and %s unchanged (%u ranges checksummed)", when,
		   env->text_what, nsums);
}

/* ------------------------------------------------------------------------ */
/* Allocations with patterns                                                */

struct alloc {
	uint64_t base, size, seed;
	const char *label;
};

static struct alloc allocs[1024];
static unsigned int nallocs;

static uint64_t pattern(uint64_t addr, uint64_t seed)
{
	return (addr * 0x9e3779b97f4a7c15ull) ^ seed;
}

static uint64_t pattern_word(uint64_t a, uint64_t seed, bool verify)
{
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)a;

	if (!verify) {
		*w = pattern(a, seed);
		return 0;
	}
	return *w != pattern(a, seed);
}

/*
 * Small blocks (up to 4 MiB): every word. Larger ones: the first and last
 * word of every page of their first and last 2 MiB. Under TCG on this host
 * the cost of writing guest memory is committing host memory (QEMU asks for
 * transparent huge pages: a first write to a 2 MiB stretch costs
 * milliseconds), so a 1 GiB block written in full (or one word a page) takes
 * seconds and commits 1 GiB of host RAM.
 */
static uint64_t pattern_pass(uint64_t base, uint64_t size, uint64_t seed, bool verify)
{
	uint64_t bad = 0;

	if (size <= 4 * MiB) {
		for (uint64_t a = base; a < base + size; a += 8)
			bad += pattern_word(a, seed, verify);
		return bad;
	}
	for (uint64_t pg = base; pg < base + size; pg += PAGE) {
		if (pg == base + 2 * MiB)
			pg = base + size - 2 * MiB;
		bad += pattern_word(pg, seed, verify);
		bad += pattern_word(pg + PAGE - 8, seed, verify);
	}
	return bad;
}

static void record(uint64_t base, uint64_t size, const char *label)
{
	struct alloc *a;

	if (nallocs == sizeof(allocs) / sizeof(allocs[0]))
		bc_bail("too many allocations for the test's table");
	a = &allocs[nallocs++];
	a->base = base;
	a->size = size;
	a->seed = 0x5eed000000000000ull + nallocs;
	a->label = label;
	pattern_pass(base, size, a->seed, false);
}

static uint64_t verify_allocs(void)
{
	uint64_t bad = 0;

	for (unsigned int i = 0; i < nallocs; i++)
		bad += pattern_pass(allocs[i].base, allocs[i].size, allocs[i].seed, true);
	return bad;
}

static int alloc_req(uint64_t size, uint64_t align, int node, uint32_t flags, uint64_t min,
		     const char *label, uint64_t *addr)
{
	const struct em_request r = {
		.size = size,
		.align = align,
		.min = min,
		.max = EM_ALLOC_ANYWHERE,
		.node = node,
		.flags = flags,
		.label = label,
	};
	int rc = em_alloc_req(env->em, &r, addr);

	if (!rc)
		record(*addr, size, label);
	return rc;
}

/* After allocating @addr per the request, the same request must find a lower
 * (top-down) or higher (bottom-up) address, or nothing. */
static bool was_extreme(uint64_t size, uint64_t align, uint64_t min, uint32_t flags, uint64_t addr)
{
	const struct em_request r = {
		.size = size,
		.align = align,
		.min = min,
		.max = EM_ALLOC_ANYWHERE,
		.node = EM_NODE_ANY,
		.flags = flags,
	};
	uint64_t next;
	int rc = em_find(env->em, &r, &next);

	if (rc == EM_ENOMEM)
		return true;
	if (rc)
		return false;
	return (flags & EM_ALLOC_BOTTOM_UP) ? next > addr : next < addr;
}

/* ------------------------------------------------------------------------ */
/* Our own page tables: identity, from earlymem, like a kernel's first ones */

static bool has_1g_pages(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
	return (d >> 26) & 1;
}

uint64_t bc_pt_page(void)
{
	uint64_t p;

	if (alloc_req(PAGE, PAGE, EM_NODE_ANY, 0, 0, "pgtable", &p))
		bc_bail("no page for page tables");
	nallocs--; /* page tables are checked by running on them, not by patterns */
	for (unsigned int i = 0; i < 512; i++)
		((volatile uint64_t *)(uintptr_t)p)[i] = 0;
	return p;
}

void bc_identity_tables(struct bc_tables *t)
{
	uint64_t lo, end;

	if (em_memory_bounds(env->em, &lo, &end))
		bc_bail("no memory");
	t->end = round_up(end > 4 * GiB ? end : 4 * GiB, GiB); /* MMIO below 4 GiB too */
	if (t->end > 512 * GiB)
		bc_bail("more than 512 GiB: not for this test");
	t->g1 = has_1g_pages();
	t->pml4 = bc_pt_page();
	t->pdpt = bc_pt_page();
	t->pages = 2;
	((uint64_t *)(uintptr_t)t->pml4)[0] = t->pdpt | 3;
	for (uint64_t g = 0; g < t->end; g += GiB) {
		uint64_t *pd;

		if (t->g1) {
			((uint64_t *)(uintptr_t)t->pdpt)[g / GiB] = g | 0x83; /* P, RW, PS */
			continue;
		}
		pd = (uint64_t *)(uintptr_t)bc_pt_page();
		t->pages++;
		for (unsigned int i = 0; i < 512; i++)
			pd[i] = (g + i * 2 * MiB) | 0x83;
		((uint64_t *)(uintptr_t)t->pdpt)[g / GiB] = (uint64_t)(uintptr_t)pd | 3;
	}
}

/* ------------------------------------------------------------------------ */
/* NUMA                                                                     */

static struct {
	uint64_t base, size;
} fills[512];

/* With node @n's free memory all reserved, an allocation preferring @n must
 * land on a nearest node (per the distances) that still has free memory. */
static bool fallback_check(int n, int nr_nodes)
{
	struct em_iter it;
	unsigned int nf = 0;
	int best = 1000, got;
	uint64_t free_before = em_free_size(env->em), addr;
	bool ok = true;
	const struct em_request exact = {
		.size = PAGE,
		.align = PAGE,
		.max = EM_ALLOC_ANYWHERE,
		.node = n,
		.flags = EM_ALLOC_EXACT_NODE,
	};
	const struct em_request pref = {
		.size = PAGE,
		.align = PAGE,
		.max = EM_ALLOC_ANYWHERE,
		.node = n,
		.label = "fallback-probe",
	};

	em_for_each_free_range(it, env->em, n, 0) {
		if (nf == sizeof(fills) / sizeof(fills[0]))
			return tap(false, "node %d: too many free ranges to fill", n);
		fills[nf].base = it.base;
		fills[nf++].size = it.size;
	}
	for (int m = 0; m < nr_nodes; m++) {
		em_for_each_free_range(it, env->em, m, 0) {
			if (m != n && it.size >= PAGE && em_distance(env->em, n, m) < best)
				best = em_distance(env->em, n, m);
			break;
		}
	}
	for (unsigned int i = 0; i < nf; i++)
		if (em_reserve_label(env->em, fills[i].base, fills[i].size, "fill"))
			ok = false;
	ok = ok && em_find(env->em, &exact, &addr) == EM_ENOMEM;
	if (em_alloc_req(env->em, &pref, &addr) == 0) {
		got = em_node_of(env->em, addr);
		ok = ok && got != n && em_distance(env->em, n, got) == best;
		diag("node %d full: fell back to node %d at 0x%llx (distance %d, nearest %d)", n,
		     got, (unsigned long long)addr, em_distance(env->em, n, got), best);
		if (em_free(env->em, addr, PAGE))
			ok = false;
	} else {
		ok = false;
	}
	for (unsigned int i = 0; i < nf; i++)
		if (em_free(env->em, fills[i].base, fills[i].size))
			ok = false;
	ok = ok && em_free_size(env->em) == free_before;
	return tap(ok,
		   "node %d filled (%u ranges): exact-node allocation fails, preferred "
		   "allocation falls back to a nearest node (distance %d), all freed again",
		   n, nf, best);
}

static void check_slit(const struct em_numa_info *numa)
{
	const uint8_t *slit;
	size_t len;
	uint64_t loc;
	unsigned int bad = 0;

	if (em_acpi_find_table(env->em, env->rsdp, "SLIT", (const void **)&slit, &len)) {
		tap(!numa->slit, "no SLIT: none applied");
		return;
	}
	loc = rd64(slit + 36);
	for (int a = 0; a < numa->nr_nodes; a++) {
		kio_puts("# SLIT distances:");
		for (int b = 0; b < numa->nr_nodes; b++) {
			uint64_t pa = numa->pxm[a], pb = numa->pxm[b];

			if (pa < loc && pb < loc &&
			    em_distance(env->em, a, b) != slit[44 + pa * loc + pb])
				bad++;
			kio_printf(" %d", em_distance(env->em, a, b));
		}
		kio_puts("\n");
	}
	tap(numa->slit && !bad,
	    "SLIT applied: em_distance() matches the firmware's %llu x %llu "
	    "matrix for %d nodes",
	    (unsigned long long)loc, (unsigned long long)loc, numa->nr_nodes);
}

/* ------------------------------------------------------------------------ */
/* The handoff and the buddy allocator                                      */

static struct pbuddy buddy;

/* What the firmware map says may be handed out, sorted and merged. */
static struct {
	uint64_t base, end;
} usable[512];
static unsigned int nusable;

void bc_usable_add(uint64_t base, uint64_t end)
{
	unsigned int j;

	if (base >= end || nusable == sizeof(usable) / sizeof(usable[0]))
		return;
	for (j = nusable; j > 0 && usable[j - 1].base > base; j--)
		usable[j] = usable[j - 1];
	usable[j].base = base;
	usable[j].end = end;
	nusable++;
}

void bc_usable_done(void)
{
	unsigned int w = 0;

	for (unsigned int i = 0; i < nusable; i++) {
		if (w && usable[w - 1].end >= usable[i].base) {
			if (usable[i].end > usable[w - 1].end)
				usable[w - 1].end = usable[i].end;
		} else {
			usable[w++] = usable[i];
		}
	}
	nusable = w;
}

bool bc_is_usable(uint64_t base, uint64_t end)
{
	unsigned int lo = 0, hi = nusable;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (usable[mid].end <= base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nusable && usable[lo].base <= base && end <= usable[lo].end;
}

/* Ranges that must never be handed out, whatever earlymem thinks. */
static struct {
	const char *what;
	uint64_t base, size;
} keep[16];
static unsigned int nkeep;

void bc_add_keep(const char *what, uint64_t base, uint64_t size)
{
	if (nkeep < sizeof(keep) / sizeof(keep[0])) {
		keep[nkeep].what = what;
		keep[nkeep].base = base;
		keep[nkeep++].size = size;
	}
}

static struct {
	uint64_t base, size;
	const char *label;
} rsv[4096];

static struct {
	uint64_t rel_bytes, rel_count, rsv_bytes, rsv_count, rsv_lost;
	uint64_t not_usable, in_keep;
	uint64_t first_block;
	bool broke;
} ho;

static void give(uint64_t base, unsigned int order)
{
	uint64_t end = base + (PAGE << order);

	if (!bc_is_usable(base, end) && ho.not_usable++ < 4)
		diag("released [0x%llx-0x%llx) is not in %s", (unsigned long long)base,
		     (unsigned long long)end, env->usable_what);
	for (unsigned int k = 0; k < nkeep; k++)
		if (overlaps(base, end - base, keep[k].base, keep[k].size) && ho.in_keep++ < 4)
			diag("released [0x%llx-0x%llx) overlaps the %s", (unsigned long long)base,
			     (unsigned long long)end, keep[k].what);
	pb_release(&buddy, base / PAGE, order);
}

static void cb_release(void *ctx, uint64_t base, unsigned int order, int node, uint32_t flags)
{
	(void)ctx;
	(void)node;
	(void)flags;
	ho.rel_bytes += PAGE << order;
	ho.rel_count++;
	if (order == 10 && !ho.first_block)
		ho.first_block = base;
	give(base, order);
	if (env->break_page && !ho.broke) { /* the deliberate bug: a reserved page too */
		ho.broke = true;
		give(round_down(env->break_page, PAGE), 0);
	}
}

static void cb_reserved(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags,
			const char *label)
{
	(void)ctx;
	(void)node;
	(void)flags;
	if (ho.rsv_count < sizeof(rsv) / sizeof(rsv[0])) {
		rsv[ho.rsv_count].base = base;
		rsv[ho.rsv_count].size = size;
		rsv[ho.rsv_count].label = label;
	} else {
		ho.rsv_lost++;
	}
	ho.rsv_count++;
	ho.rsv_bytes += size;
}

static bool owned_any(uint64_t base, uint64_t size)
{
	uint64_t first = base / PAGE, end = round_up(base + size, PAGE) / PAGE;

	if (first >= buddy.npfn)
		return false;
	if (end > buddy.npfn)
		end = buddy.npfn;
	return pb_any(buddy.owned, first, end);
}

/*
 * The all-pages test. Every page the buddy allocator holds is allocated and
 * checked (owned, never handed out twice) through its bitmaps; the
 * allocations are of order k, the smallest order giving at most 512 Ki
 * allocations (0 up to ~2 GiB, 5 at 64 GiB; lower orders for what is left),
 * so a 64 GiB guest does not spend a minute in the loop under TCG. Patterns
 * (first and last word of each page) go into every page of every R-th
 * 2 MiB stretch of the physical address space, R a power of two chosen so
 * that at most 128 stretches (256 MiB) are written: the first write to a
 * 2 MiB stretch costs milliseconds here (host transparent huge pages) and
 * commits host RAM (a 64 GiB guest on a 23 GiB host cannot have every page
 * written). R is 1 (every page) up to 256 MiB of free memory.
 */
#define STRETCH_PAGES 512ull
static uint64_t pow2_at_least(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static void handoff_and_buddy(void)
{
	static const struct em_handoff_ops ops = {
		.release_block = cb_release,
		.reserved = cb_reserved,
		.max_order = 10,
		.discard = true,
	};
	struct em_handoff_stats st;
	struct em_iter it;
	uint64_t lo, end, blocks = 0, meta, nfree = 0;
	int rc;

	if (em_memory_bounds(env->em, &lo, &end))
		bc_bail("no memory");
	em_for_each_free_range(it, env->em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		blocks += em_handoff_blocks(round_up(it.base, PAGE) / PAGE,
					    round_down(it.base + it.size, PAGE) / PAGE, 10);
		nfree++;
	}
	/* Each stack: every block could be of one order, plus the doubled arrays
	 * released at the end and split remainders (one per order). */
	uint64_t cap = blocks + 2 * nfree + 1024;
	uint64_t mbytes = round_up(pb_meta_bytes(end / PAGE, cap), PAGE);

	rc = em_alloc_req(env->em,
			  &(struct em_request){ .size = mbytes,
						.align = PAGE,
						.max = EM_ALLOC_ANYWHERE,
						.node = EM_NODE_ANY,
						.label = "buddy-meta" },
			  &meta);
	if (!tap(rc == 0, "buddy allocator metadata: %llu KiB for %llu pfns, stacks of %llu",
		 (unsigned long long)(mbytes >> 10), (unsigned long long)(end / PAGE),
		 (unsigned long long)cap))
		return;
	pb_init(&buddy, (void *)(uintptr_t)meta, end / PAGE, cap);
	bc_add_keep("buddy metadata", meta, mbytes);

	rc = em_handoff(env->em, &ops, &st);
	tap(rc == 0, "em_handoff (blocks up to order 10, discard): %s", em_strerror(rc));
	diag("handoff: memory %llu released %llu (%llu blocks, discarded %llu) reserved %llu "
	     "trimmed %llu nomap %llu withheld %llu",
	     (unsigned long long)st.memory_bytes, (unsigned long long)st.released_bytes,
	     (unsigned long long)st.released_count, (unsigned long long)st.discarded_bytes,
	     (unsigned long long)st.reserved_bytes, (unsigned long long)st.trimmed_bytes,
	     (unsigned long long)st.nomap_bytes, (unsigned long long)st.withheld_bytes);
	tap(st.released_bytes + st.reserved_bytes + st.trimmed_bytes + st.nomap_bytes +
			    st.withheld_bytes ==
		    st.memory_bytes,
	    "handoff accounting: released + reserved + trimmed + nomap + withheld = memory");
	tap(ho.rel_bytes == st.released_bytes && ho.rel_count == st.released_count,
	    "release callbacks: %llu blocks, %llu bytes, as the statistics say",
	    (unsigned long long)ho.rel_count, (unsigned long long)ho.rel_bytes);
	tap(ho.rsv_bytes == st.reserved_bytes && !ho.rsv_lost,
	    "reserved callbacks: %llu ranges, %llu bytes, as the statistics say",
	    (unsigned long long)ho.rsv_count, (unsigned long long)ho.rsv_bytes);
	tap(buddy.given * PAGE == st.released_bytes && !buddy.dup_release && !buddy.bad_release &&
		    !buddy.overflow,
	    "buddy took %llu pages = released bytes / 4096; %llu double, %llu bad, %llu "
	    "overflowing releases",
	    (unsigned long long)buddy.given, (unsigned long long)buddy.dup_release,
	    (unsigned long long)buddy.bad_release, (unsigned long long)buddy.overflow);
	tap(!ho.not_usable, "every released block lies in %s (%llu do not)", env->usable_what,
	    (unsigned long long)ho.not_usable);
	tap(!ho.in_keep, "no released block overlaps %s, metadata (%llu do)", env->keep_what,
	    (unsigned long long)ho.in_keep);

	uint64_t bad_rsv = 0;

	for (uint64_t i = 0; i < ho.rsv_count && i < sizeof(rsv) / sizeof(rsv[0]); i++) {
		if (owned_any(rsv[i].base, rsv[i].size) && bad_rsv++ < 4)
			diag("reserved [0x%llx-0x%llx) \"%s\" was released",
			     (unsigned long long)rsv[i].base,
			     (unsigned long long)(rsv[i].base + rsv[i].size),
			     rsv[i].label ? rsv[i].label : "");
	}
	tap(!bad_rsv, "no page of a reported reservation was released (%llu ranges)",
	    (unsigned long long)ho.rsv_count);
	bad_rsv = 0;
	for (unsigned int k = 0; k < nkeep; k++)
		if (owned_any(keep[k].base, keep[k].size)) {
			diag("a page of the %s is in the buddy allocator", keep[k].what);
			bad_rsv++;
		}
	for (unsigned int i = 0; i < nsums; i++)
		if (owned_any(sums[i].base, sums[i].len)) {
			diag("a page of %s %s is in the buddy allocator", sums[i].what,
			     sums[i].sig);
			bad_rsv++;
		}
	tap(!bad_rsv, "the buddy allocator holds no page of %s or metadata", env->keep_what);

	/* Every page, in blocks of order k, with patterns in every R-th 2 MiB stretch. */
	uint64_t got = 0, pfn, touched = 0, bad = 0, allocs_n = 0;
	uint64_t every = pow2_at_least((buddy.given / STRETCH_PAGES + 127) / 128);
	unsigned int k = 0;

	while (k < 10 && (buddy.given >> k) > 512 * 1024)
		k++;
	for (unsigned int o = k + 1; o-- > 0;) {
		while (pb_alloc(&buddy, o, &pfn)) {
			allocs_n++;
			got += 1ull << o;
			for (uint64_t p = pfn; p < pfn + (1ull << o);) {
				if ((p / STRETCH_PAGES) & (every - 1)) {
					p = (p / STRETCH_PAGES + 1) * STRETCH_PAGES;
					continue;
				}
				volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)(p * PAGE);

				w[0] = pattern(p * PAGE, 0xb0dd);
				w[511] = pattern(p * PAGE + 4088, 0xb0dd);
				touched++;
				p++;
			}
		}
	}
	diag("all pages: %llu allocations of order <= %u; patterns in every %llu. 2 MiB stretch",
	     (unsigned long long)allocs_n, k, (unsigned long long)every);
	tap(got == buddy.given && !buddy.dup_alloc && buddy.free == 0,
	    "allocated every page the buddy allocator holds: %llu pages (%llu MiB), %llu handed "
	    "out twice or never given",
	    (unsigned long long)got, (unsigned long long)(got >> 8),
	    (unsigned long long)buddy.dup_alloc);
	for (uint64_t r = 0; r * STRETCH_PAGES < buddy.npfn; r += every) {
		for (uint64_t p = r * STRETCH_PAGES; p < (r + 1) * STRETCH_PAGES && p < buddy.npfn;
		     p++) {
			if (!pb_test(buddy.used, p))
				continue;
			volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)(p * PAGE);

			if (w[0] != pattern(p * PAGE, 0xb0dd) ||
			    w[511] != pattern(p * PAGE + 4088, 0xb0dd))
				bad++;
		}
	}
	tap(!bad && touched,
	    "patterns in %llu pages (first and last word) read back intact (%llu "
	    "bad)",
	    (unsigned long long)touched, (unsigned long long)bad);

	/* Give one order-10 block back page by page: the buddies merge again. */
	if (ho.first_block) {
		uint64_t first = ho.first_block / PAGE, again;

		for (uint64_t p = first; p < first + 1024; p++)
			pb_free(&buddy, p, 0);
		tap(buddy.depth[10] == 1 && buddy.free == 1024 && pb_alloc(&buddy, 10, &again) &&
			    again == first,
		    "1024 pages freed one by one merge back into their order-10 block");
	}
}

/* ------------------------------------------------------------------------ */
/* After ExitBootServices                                                   */

/* ------------------------------------------------------------------------ */
/* The whole run                                                            */

int bc_acpi_numa(struct em_numa_info *numa)
{
	static uint8_t acpi_work[64 * KiB] __attribute__((aligned(8)));
	int rc = em_acpi_numa(env->em, env->rsdp, acpi_work, sizeof(acpi_work), numa);

	tap(rc == 0 || rc == EM_ENOENT, "em_acpi_numa: %s (%d nodes, %u memory entries, SLIT %s)",
	    rc == EM_ENOENT ? "no SRAT" :
	    rc		    ? em_strerror(rc) :
			      "ok",
	    rc ? 0 : numa->nr_nodes, numa->memory_entries, numa->slit ? "yes" : "no");
	if (rc)
		return 0;
	print_srat(numa);
	return numa->nr_nodes;
}

static const char *single_labels[2] = { "single-a", "single-b" };

/* A kernel's first allocations, each checked. */
static void kernel_allocs(int nr_nodes)
{
	struct earlymem *em = env->em;
	unsigned int pt_ok = 0;
	uint64_t a;
	int rc;

	for (int i = 0; i < 4; i++)
		pt_ok += alloc_req(PAGE, PAGE, EM_NODE_ANY, 0, 0, "pgtable", &a) == 0 &&
			 a % PAGE == 0;
	tap(pt_ok == 4, "4 page-table pages");

	if (nr_nodes >= 1) {
		unsigned int ok = 0;

		for (int n = 0; n < nr_nodes; n++) {
			rc = alloc_req(256 * KiB, PAGE, n, EM_ALLOC_EXACT_NODE, 0, "node-array",
				       &a);
			if (rc == 0 && em_node_of(em, a) == n &&
			    em_node_of(em, a + 256 * KiB - 1) == n)
				ok++;
			else
				diag("node %d array: %s at 0x%llx (node %d)", n, em_strerror(rc),
				     (unsigned long long)a, rc ? -1 : em_node_of(em, a));
		}
		tap(ok == (unsigned int)nr_nodes,
		    "one 256 KiB array on each of %d nodes, exact node", nr_nodes);
	} else {
		tap_skip("per-node arrays", "no SRAT");
	}

	uint64_t mem = em_memory_size(em);
	uint64_t big = round_down(mem / 8 < 64 * MiB ? mem / 8 : 64 * MiB, PAGE);

	rc = alloc_req(big, PAGE, EM_NODE_ANY, EM_ALLOC_TOP_DOWN, 0, "big-topdown", &a);
	tap(rc == 0 && was_extreme(big, PAGE, 0, EM_ALLOC_TOP_DOWN, a),
	    "top-down %llu MiB block at 0x%llx is the highest fit", (unsigned long long)(big >> 20),
	    (unsigned long long)a);

	static const uint64_t bu_sizes[3] = { 16 * KiB, 1 * MiB, 4 * MiB };

	for (int i = 0; i < 3; i++) {
		rc = alloc_req(bu_sizes[i], PAGE, EM_NODE_ANY, EM_ALLOC_BOTTOM_UP, 1 * MiB,
			       "bottom-up", &a);
		tap(rc == 0 && a >= 1 * MiB &&
			    was_extreme(bu_sizes[i], PAGE, 1 * MiB, EM_ALLOC_BOTTOM_UP, a),
		    "bottom-up %llu KiB block above 1 MiB at 0x%llx is the lowest fit",
		    (unsigned long long)(bu_sizes[i] >> 10), (unsigned long long)a);
	}

	rc = alloc_req(2 * MiB, 2 * MiB, EM_NODE_ANY, 0, 0, "align-2m", &a);
	tap(rc == 0 && a % (2 * MiB) == 0, "2 MiB block aligned to 2 MiB at 0x%llx",
	    (unsigned long long)a);
	{
		const struct em_request g = {
			.size = GiB, .align = GiB, .max = EM_ALLOC_ANYWHERE, .node = EM_NODE_ANY
		};

		if (em_find(em, &g, &a) == 0) {
			rc = alloc_req(GiB, GiB, EM_NODE_ANY, 0, 0, "align-1g", &a);
			tap(rc == 0 && a % GiB == 0, "1 GiB block aligned to 1 GiB at 0x%llx",
			    (unsigned long long)a);
		} else {
			tap_skip("1 GiB block aligned to 1 GiB", "no aligned free GiB");
		}
	}

	uint32_t before = em->reserved.cnt;
	unsigned int singles = 0;

	for (int i = 0; i < 600; i++)
		singles += alloc_req(PAGE, PAGE, EM_NODE_ANY, 0, 0, single_labels[i & 1], &a) == 0;
	tap(singles == 600 && em->reserved.max >= 4 * EM_STATIC_REGIONS,
	    "600 single pages, alternating labels: reserved array %u -> %u regions, max %u "
	    "(static %u)",
	    before, em->reserved.cnt, em->reserved.max, EM_STATIC_REGIONS);
	tap(em_check(em, NULL) == 0, "em_check after the allocations");
}

_Noreturn void bc_run(const struct em_numa_info *numa, int nr_nodes)
{
	struct earlymem *em = env->em;
	uint64_t lo, end;
	int rc;

	rc = em_allow_resize(em);
	tap(rc == 0, "em_allow_resize: %s", em_strerror(rc));
	em_dump(em);
	tap(em_check(em, NULL) == 0, "em_check after loading the map");

	env->page_tables();

	if (nr_nodes >= 2) {
		unsigned int bad = 0;

		for (int n = 0; n < nr_nodes; n++) {
			struct em_iter it;

			em_for_each_mem_range(it, em, n, EM_SKIP_FLAGS) {
				if (em_node_of(em, it.base) != n)
					bad++;
			}
		}
		tap(!bad, "every memory range of a node reports that node");
		check_slit(numa);
		for (int n = 0; n < nr_nodes; n++)
			fallback_check(n, nr_nodes);
	} else {
		tap_skip("node fallback follows distance", "fewer than 2 NUMA nodes");
	}

	kernel_allocs(nr_nodes);

	unsigned int bad_ovl = 0;

	for (unsigned int i = 0; i < nallocs; i++) {
		uint64_t b = allocs[i].base, e = b + allocs[i].size;

		for (unsigned int k = 0; k < nkeep; k++)
			bad_ovl += overlaps(b, e - b, keep[k].base, keep[k].size);
		for (unsigned int k = 0; k < nsums; k++)
			bad_ovl += overlaps(b, e - b, sums[k].base, sums[k].len);
		bad_ovl += !bc_is_usable(b, e);
		bad_ovl += e > env->mapped_end;
	}
	tap(!bad_ovl, "%u allocations: none overlaps %s, all in %s", nallocs, env->keep_what,
	    env->usable_what);
	tap(verify_allocs() == 0, "patterns of all %u allocations intact", nallocs);
	bc_check_sums("before the handoff");

	if (em_memory_bounds(em, &lo, &end) == 0)
		diag("memory [0x%llx-0x%llx): %llu MiB, %llu MiB reserved, %llu MiB free",
		     (unsigned long long)lo, (unsigned long long)end,
		     (unsigned long long)(em_memory_size(em) >> 20),
		     (unsigned long long)(em_reserved_size(em) >> 20),
		     (unsigned long long)(em_free_size(em) >> 20));

	handoff_and_buddy();

	tap(verify_allocs() == 0,
	    "after the buddy filled every page: patterns of the %u allocations still intact",
	    nallocs);
	bc_check_sums("at the end");
	bc_finish();
}
