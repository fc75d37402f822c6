// SPDX-License-Identifier: MIT
/*
 * em-bench: how fast earlymem is, against the numbers Linux memblock gives.
 *
 *   build/em-bench [--reps R] [--seed S] [--only WORKLOAD] [--n N] [--allocs K]
 *   build/em-bench --extra [LOG...]
 *
 * Built with EM_BENCH_MEMBLOCK (build/em-bench-memblock, `make
 * bench-memblock`), every repetition runs a second time, on the same data,
 * against Linux memblock (tools/bench/memblock.c), and each measurement
 * line is followed by memblock's: "memblock:workload N ns_per_op". Both
 * then run in the same process, whatever speed the machine has that day.
 *
 * Default mode. Six workloads, each for N = 128, 1024, 8192 and 65536:
 *
 *   a_add             add N memory regions of 2 MiB at k * 4 MiB (k = 0..N-1)
 *                     in random order; ns per em_add().
 *   b_reserve         memory is one 64 GiB region, cut into N equal slots;
 *                     reserve one random range (4 KiB aligned, 4-64 KiB) in
 *                     each slot with at least one free page on both sides,
 *                     so none merge, in random order; ns per em_reserve().
 *   c_alloc_topdown,  with the N reservations of b in place, 10,000
 *   c_alloc_bottomup  allocations of random 4-64 KiB sizes, 4 KiB aligned,
 *                     below 64 GiB; ns per em_alloc_req().
 *   d_free            with the N reservations in place, free them all in
 *                     another random order; ns per em_free().
 *   e_iter_free       with the N reservations in place, walk all free ranges
 *                     (em_for_each_free_range); ns per range.
 *
 * stdout gets one line per measurement, "workload N ns_per_op", and nothing
 * else (tools/bench/compare.sh turns it into a table); the seed and the
 * repetition scheme go to stderr. Each number is the median of several
 * repetitions (31 at N = 128, 11 at 1024, 7 at 8192, 5 at 65536; --reps
 * sets one count for all), each on a fresh instance with resizing allowed.
 * clock_gettime(CLOCK_MONOTONIC) brackets the measured loop only: set-up
 * (the reservations c, d and e start from, added in address order) and
 * the checks are not timed. The random data of a repetition depends only
 * on the seed, the workload, N and the repetition number.
 *
 * Physical memory. The phys_to_virt hook translates a 256 MiB "hole" of
 * memory at 1 TiB into a MAP_NORESERVE anonymous mapping and nothing else:
 * no workload touches the memory it manages, only the doubled region
 * arrays are written. The hole is a memory region of its own, well away
 * from the generated ranges (a_add spans up to 256 GiB, the slots 64 GiB),
 * and the current limit is its end, so top-down doubling always lands in
 * it (the allocations of c are bounded to the slots by their request).
 * The top 64 MiB of the mapping, where the arrays land, is touched once at
 * start-up, so no repetition pays the host's page faults. The counts are
 * then exact and are checked after every repetition, untimed: memory
 * regions N + 1 (a) or 2 (the 64 GiB and the hole), reservations outside
 * the hole exactly as generated (for c: the runs of reservations and
 * allocations merged, computed independently), every "earlymem"
 * reservation inside the hole, free ranges below 64 GiB N + 1, and
 * em_check(). Any mismatch or error aborts with a message on stderr.
 *
 * --extra prints, as "key value" lines:
 *   (1) em_handoff() of one 1 TiB free range as blocks of max order 10
 *       (4 KiB pages) to a counting callback, ns per block, and an empty
 *       loop making the same number of calls through a function pointer;
 *   (2) the metadata earlymem needs for the 12 TiB HP Superdome 2 fixture
 *       (UEFI map + SRAT, tests/fixtures/maps/, read with emmap's parser
 *       and loaded with em_efi_load_map() / em_e820_load_raw() and
 *       em_set_node(), as emmap does), against a bootmem-style bitmap of
 *       one bit per 4 KiB page from 0 to the end of the highest memory.
 *       Other logs can be given as LOG... .
 *   (3) without LOG..., three real e820 maps (QEMU q35 with OVMF, an Asus
 *       laptop with 26 free ranges, the 12 TiB Superdome 2; fixtures),
 *       each loaded afresh with page 0 and a 32 MiB kernel at 16 MiB
 *       reserved: a free walk, ns per range, and 2,000 allocations of 4-64
 *       KiB below 64 GiB, top-down and bottom-up, ns per allocation (the
 *       median of 7 repetitions). Here the arrays hold a few dozen
 *       entries, and every step of a walk is the slow one. Built with
 *       memblock, the same regions go into memblock, which runs the same
 *       loops ("memblock:" lines) and must allocate at the same addresses.
 * The size of libearlymem.a's .text comes from `make bench-extra`.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <earlymem.h>
#include <earlymem/e820.h>
#include <earlymem/efi.h>
#include <earlymem/handoff.h>

#include "bench.h"
#include "fresh.h"
#include "emmap.h"

#define DEFAULT_SEED 0x6561726c796d656dull /* "earlymem" */
#define DEFAULT_ALLOCS 10000u
#define MAX_N 65536u

static const unsigned int sizes_n[] = { 128, 1024, 8192, 65536 };

/* What a workload gets, all preallocated for the largest N. */
struct bench {
	uint64_t seed;
	unsigned int reps; /* 0: by N */
	unsigned int allocs;
	uint32_t *order;
	struct range *res;  /* the reservations of b..e */
	struct range *runs; /* c: reservations + allocations, for the check */
	uint64_t *alloc_sizes;
	uint64_t *alloc_addrs;
	double *samples;
	double *mb_samples; /* memblock's, with EM_BENCH_MEMBLOCK */
	double mb_sample;   /* memblock's ns per operation in the repetition just run */
};

static struct earlymem em;
static unsigned char *hole_host;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static _Noreturn void die(const char *what, const char *msg)
{
	fprintf(stderr, "em-bench: %s: %s\n", what, msg);
	exit(1);
}

static _Noreturn void die_err(const char *what, int err)
{
	die(what, em_strerror(err));
}

static void check(bool ok, const char *what, const char *msg)
{
	if (!ok)
		die(what, msg);
}

/* splitmix64: small, fast, and good enough to shuffle with. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t *s, uint64_t n)
{
	return rnd(s) % n;
}

/* The random state of one repetition: seed, workload, N, repetition. */
static uint64_t rng_for(const struct bench *b, unsigned int workload, unsigned int n,
			unsigned int rep)
{
	uint64_t s = b->seed ^ ((uint64_t)workload << 56) ^ ((uint64_t)n << 20) ^ rep;

	rnd(&s);
	return s;
}

static void shuffle(uint32_t *v, uint32_t n, uint64_t *s)
{
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = (uint32_t)rnd_below(s, i);
		uint32_t t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *p2v(void *ctx, uint64_t phys)
{
	(void)ctx;
	if (phys < HOLE_BASE || phys - HOLE_BASE >= HOLE_SIZE)
		return NULL;
	return hole_host + (phys - HOLE_BASE);
}

/* A fresh instance: the hole, resizing allowed, the limit at the hole's end. */
static void fresh(bool slots)
{
	static const struct em_hooks hooks = { .phys_to_virt = p2v };
	int err = bench_fresh(&em, &hooks, slots);

	if (err)
		die_err("set-up", err);
}

/* ------------------------------------------------------------------------ */
/* Checks (untimed)                                                         */

static bool in_hole(uint64_t base, uint64_t size)
{
	return base >= HOLE_BASE && size <= HOLE_END - base;
}

static void check_memory(const char *what, uint64_t regions, uint64_t bytes)
{
	struct em_iter it;
	uint64_t n = 0;

	check(em_check(&em, NULL) == 0, what, "em_check() fails");
	em_for_each_mem_range(it, &em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		n++;
	}
	check(n == regions && em.memory.cnt == regions, what, "memory region count is off");
	check(em_memory_size(&em) == bytes, what, "memory size is off");
}

/*
 * Reservations outside the hole must be exactly @regions of @bytes in all;
 * the library's own ("earlymem") ones must all lie in the hole.
 */
static void check_reserved(const char *what, uint64_t regions, uint64_t bytes)
{
	struct em_iter it;
	uint64_t n = 0, total = 0, self = 0;

	em_for_each_reserved_range(it, &em) {
		total++;
		if (it.label && strcmp(it.label, EM_LABEL_SELF) == 0) {
			check(in_hole(it.base, it.size), what,
			      "a doubled array lies outside the hole");
			self += it.size;
			continue;
		}
		check(!in_hole(it.base, it.size), what, "a reservation lies in the hole");
		n++;
	}
	check(total == em.reserved.cnt, what, "reserved walk and count disagree");
	check(n == regions, what, "reserved region count is off");
	check(em_reserved_size(&em) == bytes + self, what, "reserved size is off");
}

#ifdef EM_BENCH_MEMBLOCK
/*
 * memblock's arrays after a repetition: memory exact, reservations exact
 * in bytes (its doubled arrays aside). The count is exact too when the
 * doubled arrays lie in the hole (top-down); bottom-up, memblock puts them
 * low in the slots, where they may merge with an allocation run.
 */
static void mb_check(const char *what, uint64_t mem_cnt, uint64_t mem_bytes, uint64_t res_cnt,
		     uint64_t res_bytes)
{
	struct mb_counts c;

	mb_counts(&c);
	check(c.mem_cnt == mem_cnt && c.mem_bytes == mem_bytes, what,
	      "memblock: memory regions are off");
	check(c.res_bytes - c.array_bytes == res_bytes, what, "memblock: reserved bytes are off");
	check((c.array_bytes && !c.hole_cnt) || c.res_cnt - c.hole_cnt == res_cnt, what,
	      "memblock: reservation count is off");
}
#endif

/* ------------------------------------------------------------------------ */
/* Workloads: one repetition each, returning ns per operation               */

enum workload {
	W_A_ADD,
	W_B_RESERVE,
	W_C_TOPDOWN,
	W_C_BOTTOMUP,
	W_D_FREE,
	W_E_ITER,
	W_COUNT,
};

static const char *const wl_name[W_COUNT] = {
	"a_add", "b_reserve", "c_alloc_topdown", "c_alloc_bottomup", "d_free", "e_iter_free",
};

/* The timed loops are functions of their own, for profiles (--toggle-collect). */
static __attribute__((noinline)) uint64_t loop_add(const uint32_t *order, uint32_t n)
{
	uint64_t t0 = now_ns();

	for (uint32_t i = 0; i < n; i++) {
		int err = em_add(&em, (uint64_t)order[i] * A_STRIDE, A_SIZE);

		if (err)
			die_err("a_add", err);
	}
	return now_ns() - t0;
}

static __attribute__((noinline)) uint64_t loop_reserve(const struct range *res,
						       const uint32_t *order, uint32_t n)
{
	uint64_t t0 = now_ns();

	for (uint32_t i = 0; i < n; i++) {
		int err = em_reserve(&em, res[order[i]].base, res[order[i]].size);

		if (err)
			die_err("b_reserve", err);
	}
	return now_ns() - t0;
}

static __attribute__((noinline)) uint64_t loop_alloc(const uint64_t *sizes, uint64_t *addrs,
						     uint32_t n, uint32_t dir)
{
	struct em_request req = {
		.align = PAGE,
		.min = 0,
		.max = SLOTS_END,
		.node = EM_NODE_ANY,
		.flags = dir,
	};
	uint64_t t0 = now_ns();

	for (uint32_t i = 0; i < n; i++) {
		int err;

		req.size = sizes[i];
		err = em_alloc_req(&em, &req, &addrs[i]);
		if (err)
			die_err("c_alloc", err);
	}
	return now_ns() - t0;
}

static __attribute__((noinline)) uint64_t loop_free(const struct range *res, const uint32_t *order,
						    uint32_t n)
{
	uint64_t t0 = now_ns();

	for (uint32_t i = 0; i < n; i++) {
		int err = em_free(&em, res[order[i]].base, res[order[i]].size);

		if (err)
			die_err("d_free", err);
	}
	return now_ns() - t0;
}

static __attribute__((noinline)) uint64_t loop_iter(uint32_t walks, uint64_t *ranges,
						    uint64_t *bytes)
{
	struct em_iter it;
	uint64_t n = 0, sum = 0, t0 = now_ns();

	for (uint32_t w = 0; w < walks; w++) {
		em_for_each_free_range(it, &em, EM_NODE_ANY, 0) {
			n++;
			sum += it.size;
		}
	}
	t0 = now_ns() - t0;
	*ranges = n;
	*bytes = sum;
	return t0;
}

static double rep_a_add(struct bench *b, uint32_t n, uint64_t *s)
{
	uint64_t dt;

	for (uint32_t k = 0; k < n; k++)
		b->order[k] = k;
	shuffle(b->order, n, s);
	fresh(false);
	dt = loop_add(b->order, n);
	check_memory("a_add", (uint64_t)n + 1, (uint64_t)n * A_SIZE + HOLE_SIZE);
	check_reserved("a_add", 0, 0);
#ifdef EM_BENCH_MEMBLOCK
	mb_fresh(false);
	b->mb_sample = (double)mb_loop_add(b->order, n) / n;
	mb_check("a_add", (uint64_t)n + 1, (uint64_t)n * A_SIZE + HOLE_SIZE, 0, 0);
#endif
	return (double)dt / n;
}

/* One range in each of N equal slots of [0, SLOTS_END), free pages around it. */
static uint64_t gen_slots(struct bench *b, uint32_t n, uint64_t *s)
{
	uint64_t slot_pages = SLOTS_END / n / PAGE, total = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t pages = 1 + rnd_below(s, 16);
		uint64_t off = 1 + rnd_below(s, slot_pages - pages - 1);

		b->res[i].base = (uint64_t)i * (SLOTS_END / n) + off * PAGE;
		b->res[i].size = pages * PAGE;
		total += b->res[i].size;
	}
	return total;
}

/* A fresh instance with the N reservations in place (reserved in address order). */
static uint64_t setup_reserved(struct bench *b, uint32_t n, uint64_t *s, const char *what)
{
	uint64_t total = gen_slots(b, n, s);

	fresh(true);
	for (uint32_t i = 0; i < n; i++) {
		int err = em_reserve(&em, b->res[i].base, b->res[i].size);

		if (err)
			die_err(what, err);
	}
	check_memory(what, 2, SLOTS_END + HOLE_SIZE);
	check_reserved(what, n, total);
	return total;
}

#ifdef EM_BENCH_MEMBLOCK
/* The same for memblock, on the reservations setup_reserved() generated. */
static void mb_setup_reserved(const struct bench *b, uint32_t n, uint64_t total, const char *what)
{
	mb_fresh(true);
	for (uint32_t i = 0; i < n; i++)
		check(mb_reserve(b->res[i].base, b->res[i].size), what, "memblock_reserve() fails");
	mb_check(what, 2, SLOTS_END + HOLE_SIZE, n, total);
}
#endif

static double rep_b_reserve(struct bench *b, uint32_t n, uint64_t *s)
{
	uint64_t total = gen_slots(b, n, s), dt;

	for (uint32_t k = 0; k < n; k++)
		b->order[k] = k;
	shuffle(b->order, n, s);
	fresh(true);
	dt = loop_reserve(b->res, b->order, n);
	check_memory("b_reserve", 2, SLOTS_END + HOLE_SIZE);
	check_reserved("b_reserve", n, total);
#ifdef EM_BENCH_MEMBLOCK
	mb_fresh(true);
	b->mb_sample = (double)mb_loop_reserve(b->res, b->order, n) / n;
	mb_check("b_reserve", 2, SLOTS_END + HOLE_SIZE, n, total);
#endif
	return (double)dt / n;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/*
 * Every allocation lies below SLOTS_END, aligned, overlapping nothing;
 * reservations and allocations carry the same attributes, so the reserved
 * array holds exactly their touching runs: returns how many.
 */
static uint64_t alloc_runs(struct bench *b, uint32_t n, const char *what)
{
	uint64_t runs = 0;
	uint32_t k = 0;

	for (uint32_t i = 0; i < n; i++)
		b->runs[k++] = b->res[i];
	for (uint32_t i = 0; i < b->allocs; i++) {
		uint64_t a = b->alloc_addrs[i];

		check(a % PAGE == 0 && a < SLOTS_END && b->alloc_sizes[i] <= SLOTS_END - a, what,
		      "allocation out of bounds or misaligned");
		b->runs[k++] = (struct range){ a, b->alloc_sizes[i] };
	}
	qsort(b->runs, k, sizeof(*b->runs), cmp_range);
	for (uint32_t i = 0; i < k; i++) {
		if (i && b->runs[i].base < b->runs[i - 1].base + b->runs[i - 1].size)
			die(what, "allocation overlaps a reservation or another allocation");
		if (!i || b->runs[i].base != b->runs[i - 1].base + b->runs[i - 1].size)
			runs++;
	}
	return runs;
}

static double rep_c_alloc(struct bench *b, uint32_t n, uint64_t *s, bool bottom_up)
{
	const char *what = bottom_up ? "c_alloc_bottomup" : "c_alloc_topdown";
	uint64_t res_total = setup_reserved(b, n, s, what), total = res_total, dt;

	for (uint32_t i = 0; i < b->allocs; i++) {
		b->alloc_sizes[i] = (1 + rnd_below(s, 16)) * PAGE;
		total += b->alloc_sizes[i];
	}
	dt = loop_alloc(b->alloc_sizes, b->alloc_addrs, b->allocs,
			bottom_up ? EM_ALLOC_BOTTOM_UP : EM_ALLOC_TOP_DOWN);
	check_memory(what, 2, SLOTS_END + HOLE_SIZE);
	check_reserved(what, alloc_runs(b, n, what), total);
#ifdef EM_BENCH_MEMBLOCK
	mb_setup_reserved(b, n, res_total, what);
	b->mb_sample = (double)mb_loop_alloc(b->alloc_sizes, b->alloc_addrs, b->allocs, bottom_up) /
		       b->allocs;
	mb_check(what, 2, SLOTS_END + HOLE_SIZE, alloc_runs(b, n, what), total);
#endif
	return (double)dt / b->allocs;
}

static double rep_d_free(struct bench *b, uint32_t n, uint64_t *s)
{
	uint64_t dt;

	uint64_t total = setup_reserved(b, n, s, "d_free");

	for (uint32_t k = 0; k < n; k++)
		b->order[k] = k;
	shuffle(b->order, n, s);
	dt = loop_free(b->res, b->order, n);
	check_memory("d_free", 2, SLOTS_END + HOLE_SIZE);
	check_reserved("d_free", 0, 0);
#ifdef EM_BENCH_MEMBLOCK
	mb_setup_reserved(b, n, total, "d_free");
	b->mb_sample = (double)mb_loop_free(b->res, b->order, n) / n;
	mb_check("d_free", 2, SLOTS_END + HOLE_SIZE, 0, 0);
#else
	(void)total;
#endif
	return (double)dt / n;
}

static double rep_e_iter(struct bench *b, uint32_t n, uint64_t *s)
{
	/* Small N: walk repeatedly, so a repetition is long enough to time. */
	uint32_t walks = n < MAX_N ? MAX_N / n : 1;
	uint64_t total = setup_reserved(b, n, s, "e_iter_free"), ranges, bytes, low = 0;
	uint64_t low_bytes = 0, dt = loop_iter(walks, &ranges, &bytes);
	struct em_iter it;

	check(ranges % walks == 0 && bytes % walks == 0, "e_iter_free", "walks differ");
	check(bytes / walks == em_free_size(&em), "e_iter_free", "free bytes are off");
	em_for_each_free_range(it, &em, EM_NODE_ANY, 0) {
		if (it.base < SLOTS_END) {
			low++;
			low_bytes += it.size;
		}
	}
	check(low == (uint64_t)n + 1 && low_bytes == SLOTS_END - total, "e_iter_free",
	      "free ranges below 64 GiB are off");
#ifdef EM_BENCH_MEMBLOCK
	{
		/*
		 * memblock walks as many ranges: the slots' gaps and what its
		 * doubled array leaves of the hole (bytes differ there).
		 */
		uint64_t mb_ranges, mb_bytes;

		mb_setup_reserved(b, n, total, "e_iter_free");
		b->mb_sample =
			(double)mb_loop_iter(walks, &mb_ranges, &mb_bytes) / (double)mb_ranges;
		check(mb_ranges == ranges, "e_iter_free", "memblock walks another range count");
	}
#endif
	return (double)dt / (double)ranges;
}

static unsigned int reps_for(const struct bench *b, unsigned int n)
{
	if (b->reps)
		return b->reps;
	return n <= 128 ? 31 : n <= 1024 ? 11 : n <= 8192 ? 7 : 5;
}

/* Prints the median of the repetitions of @w at @n (and memblock's, if built with it). */
static void measure(struct bench *b, enum workload w, uint32_t n)
{
	unsigned int reps = reps_for(b, n);

	for (unsigned int r = 0; r < reps; r++) {
		uint64_t s = rng_for(b, w, n, r);

		switch (w) {
		case W_A_ADD:
			b->samples[r] = rep_a_add(b, n, &s);
			break;
		case W_B_RESERVE:
			b->samples[r] = rep_b_reserve(b, n, &s);
			break;
		case W_C_TOPDOWN:
		case W_C_BOTTOMUP:
			b->samples[r] = rep_c_alloc(b, n, &s, w == W_C_BOTTOMUP);
			break;
		case W_D_FREE:
			b->samples[r] = rep_d_free(b, n, &s);
			break;
		default:
			b->samples[r] = rep_e_iter(b, n, &s);
			break;
		}
		b->mb_samples[r] = b->mb_sample;
	}
	printf("%s %u %.2f\n", wl_name[w], n, median(b->samples, reps));
#ifdef EM_BENCH_MEMBLOCK
	printf("memblock:%s %u %.2f\n", wl_name[w], n, median(b->mb_samples, reps));
#endif
	fflush(stdout);
}

/* ------------------------------------------------------------------------ */
/* --extra                                                                  */

struct counter {
	uint64_t blocks;
	uint64_t bytes;
};

static __attribute__((noinline)) void count_block(void *ctx, uint64_t base, unsigned int order,
						  int node, uint32_t flags)
{
	struct counter *c = ctx;

	(void)base;
	(void)node;
	(void)flags;
	c->blocks++;
	c->bytes += PAGE << order;
}

#define EXTRA_REPS 7

static void extra_handoff(void)
{
	static const struct em_handoff_ops ops = {
		.release_block = count_block,
		.max_order = 10,
	};
	void (*volatile cb)(void *, uint64_t, unsigned int, int, uint32_t) = count_block;
	double handoff[EXTRA_REPS], loop[EXTRA_REPS];
	uint64_t blocks = 0;

	for (int r = 0; r < EXTRA_REPS; r++) {
		struct counter c = { 0 };
		struct em_handoff_ops o = ops;
		struct em_handoff_stats st;
		uint64_t t0;
		int err;

		o.ctx = &c;
		em_init(&em);
		err = em_add(&em, 0, TIB);
		if (err)
			die_err("handoff set-up", err);
		t0 = now_ns();
		err = em_handoff(&em, &o, &st);
		t0 = now_ns() - t0;
		if (err)
			die_err("handoff", err);
		check(c.bytes == TIB && c.blocks == TIB / (PAGE << 10) &&
			      st.released_count == c.blocks,
		      "handoff", "blocks are off");
		blocks = c.blocks;
		handoff[r] = (double)t0 / (double)blocks;

		c = (struct counter){ 0 };
		t0 = now_ns();
		for (uint64_t i = 0; i < blocks; i++)
			cb(&c, i * (PAGE << 10), 10, EM_NODE_NONE, 0);
		t0 = now_ns() - t0;
		check(c.blocks == blocks, "callback loop", "count is off");
		loop[r] = (double)t0 / (double)blocks;
	}
	printf("handoff_1tib_order10_blocks %llu\n", (unsigned long long)blocks);
	printf("handoff_1tib_order10_ns_per_block %.2f\n", median(handoff, EXTRA_REPS));
	printf("callback_loop_ns_per_call %.2f\n", median(loop, EXTRA_REPS));
}

static void read_log(struct parsed *p, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned long lineno = 0;

	if (!f)
		die(path, "cannot open (run from the top of the tree or name the logs)");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		parse_line(p, line, path, ++lineno);
	}
	fclose(f);
}

static void put_le(unsigned char *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

#define EFI_DESC_SIZE 48u

/*
 * Loads the map of the logs read into @p into a fresh em as emmap does:
 * the UEFI map if there is one, else e820. Returns the number of entries
 * and says which it was in *@efi.
 */
static size_t load_map(const struct parsed *p, bool *efi, size_t *work_bytes_out)
{
	const struct fw_list *fw;
	unsigned char *raw;
	size_t work_bytes;
	void *work;
	struct em_fw_stats st;
	int err;

	*efi = p->efi.n != 0;
	fw = *efi ? &p->efi : &p->e820;
	check(fw->n != 0, "load", "no memory map in the logs");
	raw = calloc(fw->n, EFI_DESC_SIZE);
	if (!raw)
		die("load", "out of memory");
	for (size_t i = 0; i < fw->n; i++) {
		const struct fw_ent *e = &fw->v[i];

		if (*efi) {
			unsigned char *d = raw + i * EFI_DESC_SIZE;

			put_le(d, e->type, 4);
			put_le(d + 8, e->base, 8);
			put_le(d + 24, e->size / EM_EFI_PAGE_SIZE, 8);
			put_le(d + 32, e->attr, 8);
		} else {
			unsigned char *d = raw + i * EM_E820_ENTRY_SIZE;

			put_le(d, e->base, 8);
			put_le(d + 8, e->size, 8);
			put_le(d + 16, e->type, 4);
		}
	}
	em_init(&em);
	work_bytes = em_fw_work_bytes(&em, fw->n);
	work = malloc(work_bytes);
	if (!work)
		die("load", "out of memory");
	if (*efi)
		err = em_efi_load_map(&em, raw, (uint64_t)fw->n * EFI_DESC_SIZE, EFI_DESC_SIZE, 1,
				      EM_EFI_DEFAULT, work, work_bytes, &st);
	else
		err = em_e820_load_raw(&em, raw, fw->n, work, work_bytes, &st);
	if (err)
		die_err("loading the map", err);
	free(work);
	free(raw);
	if (work_bytes_out)
		*work_bytes_out = work_bytes;
	return fw->n;
}

/* The logs' map (load_map()), then their SRAT; earlymem's metadata against a bitmap. */
static void extra_metadata(const char *const *logs, int nlogs)
{
	struct parsed p = { 0 };
	bool efi;
	size_t n, work_bytes;
	uint64_t lo, end, pages, bitmap, meta;
	int err;

	for (int i = 0; i < nlogs; i++)
		read_log(&p, logs[i]);
	n = load_map(&p, &efi, &work_bytes);
	for (size_t i = 0; i < p.srat.n; i++) {
		const struct srat_ent *r = &p.srat.v[i];
		uint64_t size = r->size > EM_ADDR_END - r->base ? EM_ADDR_END - r->base : r->size;

		err = em_set_node(&em, r->base, size, r->node);
		if (err)
			die_err("metadata: SRAT", err);
	}
	check(em_check(&em, NULL) == 0, "metadata", "em_check() fails");
	check(em_memory_bounds(&em, &lo, &end) == 0, "metadata", "no memory");
	pages = (end + PAGE - 1) / PAGE;
	bitmap = (pages + 7) / 8;
	meta = sizeof(struct earlymem) + em.memory.bytes + em.reserved.bytes;

	printf("metadata_map %s %s, %zu entries, %zu SRAT ranges\n", logs[0], efi ? "UEFI" : "e820",
	       n, p.srat.n);
	printf("metadata_memory_bytes %llu\n", (unsigned long long)em_memory_size(&em));
	printf("metadata_memory_end 0x%llx\n", (unsigned long long)end);
	printf("metadata_regions memory %u reserved %u\n", em.memory.cnt, em.reserved.cnt);
	printf("metadata_earlymem_bytes %llu\n", (unsigned long long)meta);
	printf("metadata_earlymem_regions_in_use_bytes %llu\n",
	       (unsigned long long)((em.memory.cnt + em.reserved.cnt) * sizeof(struct em_region)));
	printf("metadata_loader_scratch_bytes %zu\n", work_bytes);
	printf("metadata_bitmap_bytes %llu\n", (unsigned long long)bitmap);
	printf("metadata_bitmap_over_earlymem %.0f\n", (double)bitmap / (double)meta);
	parsed_free(&p);
}

/* (3) The real maps, by the name their lines carry. */
static const struct {
	const char *name;
	const char *log;
} real_maps[] = {
	{ "qemu_q35", "tests/fixtures/maps/e820-qemu-q35-ovmf-fedora30.txt" },
	{ "asus_ux32vd", "tests/fixtures/maps/e820-asus-ux32vd-ivybridge-ami-many-holes.txt" },
	{ "superdome2", "tests/fixtures/maps/e820-hp-superdome2-16s-12tib.txt" },
};

#define REAL_WALKS 20000u
#define REAL_ALLOCS 2000u

/* A real map loaded afresh, page 0 and a 32 MiB kernel image at 16 MiB reserved. */
static void real_map_fresh(const struct parsed *p)
{
	bool efi;
	int err;

	load_map(p, &efi, NULL);
	err = em_reserve(&em, 0, PAGE);
	if (!err)
		err = em_reserve_label(&em, 16 * MIB, 32 * MIB, "kernel");
	if (err)
		die_err("real map: reservations", err);
}

#ifdef EM_BENCH_MEMBLOCK
/* The same regions in a fresh memblock. */
static void real_map_memblock(void)
{
	struct em_iter it;

	mb_fresh_empty();
	em_for_each_mem_range(it, &em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		check(mb_add(it.base, it.size), "real map", "memblock_add() fails");
	}
	em_for_each_reserved_range(it, &em) {
		check(mb_reserve(it.base, it.size), "real map", "memblock_reserve() fails");
	}
}
#endif

static void extra_real_map(const char *name, const char *log, uint64_t *sizes, uint64_t *addrs,
			   uint64_t *mb_addrs)
{
	struct parsed p = { 0 };
	double walk[EXTRA_REPS], alloc[2][EXTRA_REPS];
	double mb_walk[EXTRA_REPS], mb_alloc[2][EXTRA_REPS];
	uint64_t ranges = 0, bytes = 0, s = DEFAULT_SEED, sum = 0, before;

	(void)mb_walk;
	(void)mb_alloc;
	(void)mb_addrs;
	read_log(&p, log);
	for (uint32_t i = 0; i < REAL_ALLOCS; i++) {
		sizes[i] = (1 + rnd_below(&s, 16)) * PAGE;
		sum += sizes[i];
	}
	for (int r = 0; r < EXTRA_REPS; r++) {
		real_map_fresh(&p);
		walk[r] = (double)loop_iter(REAL_WALKS, &ranges, &bytes) / (double)ranges;
		check(bytes / REAL_WALKS == em_free_size(&em), name, "walks miss free bytes");
#ifdef EM_BENCH_MEMBLOCK
		{
			uint64_t mb_ranges, mb_bytes;

			real_map_memblock();
			mb_walk[r] = (double)mb_loop_iter(REAL_WALKS, &mb_ranges, &mb_bytes) /
				     (double)mb_ranges;
			check(mb_ranges == ranges && mb_bytes == bytes, name,
			      "memblock walks other ranges");
		}
#endif
		for (int bu = 0; bu < 2; bu++) {
			real_map_fresh(&p);
			before = em_reserved_size(&em);
			alloc[bu][r] =
				(double)loop_alloc(sizes, addrs, REAL_ALLOCS,
						   bu ? EM_ALLOC_BOTTOM_UP : EM_ALLOC_TOP_DOWN) /
				REAL_ALLOCS;
			check(em_reserved_size(&em) == before + sum && em_check(&em, NULL) == 0,
			      name, "allocations are off");
#ifdef EM_BENCH_MEMBLOCK
			real_map_fresh(&p);
			real_map_memblock();
			mb_alloc[bu][r] = (double)mb_loop_alloc(sizes, mb_addrs, REAL_ALLOCS, bu) /
					  REAL_ALLOCS;
			check(memcmp(addrs, mb_addrs, REAL_ALLOCS * sizeof(*addrs)) == 0, name,
			      "memblock allocates elsewhere");
#endif
		}
	}
	printf("realmap_%s_ranges_per_walk %llu\n", name,
	       (unsigned long long)(ranges / REAL_WALKS));
	printf("realmap_%s_walk_ns_per_range %.2f\n", name, median(walk, EXTRA_REPS));
	printf("realmap_%s_alloc_topdown_ns %.2f\n", name, median(alloc[0], EXTRA_REPS));
	printf("realmap_%s_alloc_bottomup_ns %.2f\n", name, median(alloc[1], EXTRA_REPS));
#ifdef EM_BENCH_MEMBLOCK
	printf("memblock:realmap_%s_walk_ns_per_range %.2f\n", name, median(mb_walk, EXTRA_REPS));
	printf("memblock:realmap_%s_alloc_topdown_ns %.2f\n", name,
	       median(mb_alloc[0], EXTRA_REPS));
	printf("memblock:realmap_%s_alloc_bottomup_ns %.2f\n", name,
	       median(mb_alloc[1], EXTRA_REPS));
#endif
	parsed_free(&p);
}

static void extra_real_maps(void)
{
	uint64_t *sizes = calloc(REAL_ALLOCS, sizeof(*sizes));
	uint64_t *addrs = calloc(REAL_ALLOCS, sizeof(*addrs));
	uint64_t *mb_addrs = calloc(REAL_ALLOCS, sizeof(*mb_addrs));

	if (!sizes || !addrs || !mb_addrs)
		die("real maps", "out of memory");
	for (size_t i = 0; i < sizeof(real_maps) / sizeof(real_maps[0]); i++)
		extra_real_map(real_maps[i].name, real_maps[i].log, sizes, addrs, mb_addrs);
	free(sizes);
	free(addrs);
	free(mb_addrs);
}

/* ------------------------------------------------------------------------ */

static _Noreturn void usage(void)
{
	fputs("usage: em-bench [--reps R] [--seed S] [--only WORKLOAD] [--n N] [--allocs K]\n"
	      "       em-bench --extra [LOG...]\n",
	      stderr);
	exit(2);
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (!*s || *end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static const char *const superdome[] = {
		"tests/fixtures/maps/efi-hp-superdome2-16s-12tib.txt",
		"tests/fixtures/maps/numa-hp-superdome2-16node-12tib.txt",
	};
	struct bench b = { .seed = DEFAULT_SEED, .allocs = DEFAULT_ALLOCS };
	const char *only = NULL;
	unsigned long long only_n = 0;
	unsigned int max_reps;

	if (argc > 1 && strcmp(argv[1], "--extra") == 0) {
#ifdef EM_BENCH_MEMBLOCK
		mb_setup();
#endif
		extra_handoff();
		if (argc > 2) {
			extra_metadata((const char *const *)argv + 2, argc - 2);
		} else {
			extra_metadata(superdome, 2);
			extra_real_maps();
		}
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--reps") == 0)
			b.reps = (unsigned int)num(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0)
			b.seed = num(argv[++i]);
		else if (strcmp(argv[i], "--only") == 0)
			only = argv[++i];
		else if (strcmp(argv[i], "--n") == 0)
			only_n = num(argv[++i]);
		else if (strcmp(argv[i], "--allocs") == 0)
			b.allocs = (unsigned int)num(argv[++i]);
		else
			usage();
	}
	if (b.reps > 1001 || b.allocs == 0 || b.allocs > 1000000)
		usage();
	if (only) {
		int w = 0;

		while (w < W_COUNT && strcmp(only, wl_name[w]) != 0)
			w++;
		if (w == W_COUNT)
			die(only, "no such workload");
	}

	hole_host = mmap(NULL, HOLE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hole_host == MAP_FAILED)
		die("mmap", "cannot map the hole");
	memset(hole_host + HOLE_SIZE - HOLE_TOUCH, 0, HOLE_TOUCH);
#ifdef EM_BENCH_MEMBLOCK
	mb_setup();
#endif

	max_reps = b.reps ? b.reps : 31;
	b.order = calloc(MAX_N, sizeof(*b.order));
	b.res = calloc(MAX_N, sizeof(*b.res));
	b.runs = calloc(MAX_N + b.allocs, sizeof(*b.runs));
	b.alloc_sizes = calloc(b.allocs, sizeof(*b.alloc_sizes));
	b.alloc_addrs = calloc(b.allocs, sizeof(*b.alloc_addrs));
	b.samples = calloc(max_reps, sizeof(*b.samples));
	b.mb_samples = calloc(max_reps, sizeof(*b.mb_samples));
	if (!b.order || !b.res || !b.runs || !b.alloc_sizes || !b.alloc_addrs || !b.samples ||
	    !b.mb_samples)
		die("set-up", "out of memory");

	if (b.reps)
		fprintf(stderr, "# em-bench seed=0x%llx reps=%u allocs=%u (median)\n",
			(unsigned long long)b.seed, b.reps, b.allocs);
	else
		fprintf(stderr,
			"# em-bench seed=0x%llx reps=31/11/7/5 for N=128/1024/8192/65536 "
			"allocs=%u (median)\n",
			(unsigned long long)b.seed, b.allocs);

	for (int w = 0; w < W_COUNT; w++) {
		if (only && strcmp(only, wl_name[w]) != 0)
			continue;
		for (size_t i = 0; i < sizeof(sizes_n) / sizeof(sizes_n[0]); i++) {
			if (only_n && only_n != sizes_n[i])
				continue;
			measure(&b, (enum workload)w, sizes_n[i]);
		}
	}
	munmap(hole_host, HOLE_SIZE);
	free(b.order);
	free(b.res);
	free(b.runs);
	free(b.alloc_sizes);
	free(b.alloc_addrs);
	free(b.samples);
	free(b.mb_samples);
	return 0;
}
