// SPDX-License-Identifier: MIT
/*
 * em-ab: is a change faster? Two builds of earlymem in one process, a
 * reference revision ("ref") and the working tree ("new"), run em-bench's
 * workloads repetition by repetition on the same data, alternating which
 * side goes first; `make bench-ab REF=rev` builds and runs it
 * (tools/bench/ab.sh).
 *
 * Why paired: this VM's speed changes under a process (another tenant on
 * the core makes throughput-bound code 1.3-2x slower for stretches of
 * tens to hundreds of milliseconds), so two benchmark processes run one
 * after the other often measure two different machines. Two repetitions
 * next to each other almost always see the same one, so the ratio
 * new/ref of each pair is stable where the times are not.
 *
 * Output, per workload: "workload N ref_ns new_ns new/ref (q10 median q90)",
 * the times as medians over the repetitions.
 *
 *   em-ab [--n N] [--reps R] [--only WORKLOAD] [--seed S]
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ab.h"

volatile uint64_t ab_sink;

static const char *const names[AB_COUNT] = { "a_add", "b_reserve", "d_free", "e_iter_free" };

/* splitmix64, as em-bench. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void shuffle(uint32_t *v, uint32_t n, uint64_t *s)
{
	for (uint32_t i = 0; i < n; i++)
		v[i] = i;
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = (uint32_t)(rnd(s) % i), t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* One reservation of 4-64 KiB in each of n equal slots, free pages on both sides. */
static void gen_slots(struct range *res, uint32_t n, uint64_t *s)
{
	uint64_t slot_pages = SLOTS_END / n / PAGE;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t pages = 1 + rnd(s) % 16;

		res[i].base =
			((uint64_t)i * slot_pages + 1 + rnd(s) % (slot_pages - pages - 1)) * PAGE;
		res[i].size = pages * PAGE;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-th quantile (0..1) of @v, sorted in place. */
static double quantile(double *v, unsigned int n, double q)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(unsigned int)(q * (n - 1) + 0.5)];
}

static void usage(void)
{
	fprintf(stderr, "usage: em-ab [--n N] [--reps R] [--only WORKLOAD] [--seed S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t n = 128, reps = 2001;
	uint64_t seed = 0x6561726c796d656dull;
	const char *only = NULL;
	void *hole;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--n"))
			n = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--reps"))
			reps = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--only"))
			only = argv[++i];
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[++i], NULL, 0);
		else
			usage();
	}
	if (n < 2 || n > 65536 || reps < 1)
		usage();
	hole = mmap(NULL, HOLE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hole == MAP_FAILED) {
		perror("em-ab: mmap");
		return 1;
	}
	/* The arrays land at the hole's top: touch it once, so no repetition pays the faults. */
	memset((char *)hole + HOLE_SIZE - HOLE_TOUCH, 0, HOLE_TOUCH);
	fprintf(stderr, "# em-ab seed=%#llx reps=%u (pairs, alternating order)\n",
		(unsigned long long)seed, reps);

	struct range *res = malloc(n * sizeof(*res));
	uint32_t *order = malloc(n * sizeof(*order));
	double *ref = malloc(reps * sizeof(*ref)), *new = malloc(reps * sizeof(*new));
	double *ratio = malloc(reps * sizeof(*ratio));

	if (!res || !order || !ref || !new || !ratio) {
		fprintf(stderr, "em-ab: out of memory\n");
		return 1;
	}
	for (int w = 0; w < AB_COUNT; w++) {
		uint64_t s = seed ^ ((uint64_t)w << 56);

		if (only && strcmp(only, names[w]))
			continue;
		for (uint32_t r = 0; r < reps; r++) {
			struct ab_data d = { n, res, order };

			gen_slots(res, n, &s);
			shuffle(order, n, &s);
			if (r % 2) {
				new[r] = ab_new_run((enum ab_workload)w, &d, hole);
				ref[r] = ab_ref_run((enum ab_workload)w, &d, hole);
			} else {
				ref[r] = ab_ref_run((enum ab_workload)w, &d, hole);
				new[r] = ab_new_run((enum ab_workload)w, &d, hole);
			}
			ratio[r] = new[r] / ref[r];
		}
		printf("%s %u ref %.2f new %.2f new/ref %.3f %.3f %.3f\n", names[w], n,
		       quantile(ref, reps, 0.5), quantile(new, reps, 0.5),
		       quantile(ratio, reps, 0.1), quantile(ratio, reps, 0.5),
		       quantile(ratio, reps, 0.9));
	}
	return 0;
}
