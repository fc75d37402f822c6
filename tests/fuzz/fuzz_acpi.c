// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: ACPI table walking (em_acpi_find_table(), em_acpi_numa())
 * and SRAT / SLIT application (em_acpi_apply_srat(), em_acpi_apply_slit()).
 *
 * Input: a configuration byte, a little-endian u16 split, then a body.
 *   cfg bit 0: arrays may double into simulated RAM [16 MiB, 48 MiB)
 *   cfg bit 1: the memory array is nearly full before (splits give ENOSPC)
 *   cfg bit 2: reservations and a node on some memory before
 *   cfg bit 3: the harness fixes Length fields and checksums, so the
 *              fuzzer gets past validation (see fixup_*() below)
 *   cfg bit 4: image mode: the body is physical memory at 0xe0000 (an
 *              exact-size heap copy reached through the phys_to_virt hook),
 *              with the RSDP at its start; the rest of [0, 16 MiB) is
 *              unmapped. Otherwise direct mode: the first split % (n + 1)
 *              bytes of the body are an SRAT, the rest a SLIT, each an
 *              exact-size heap copy.
 *   cfg bit 5: the scratch for the rollback is 8 bytes short
 * The instance always has OVMF-like memory: [0, 640 KiB), [1 MiB, 2 GiB),
 * [4 GiB, 6 GiB) without a node.
 *
 * Checks: em_check() clean; every failed call left the instance and its
 * outputs exactly as they were; after an SRAT: the memory covered and the
 * reservations are unchanged, flags only gain EM_HOTPLUG, nodes are either
 * unchanged or one of the nodes the SRAT produced, the node map is dense
 * and its domains distinct, the counters are consistent; a SLIT is accepted
 * exactly when an independent validator accepts it, and the distances are
 * then exactly the matrix entries of the nodes' domains (others unchanged);
 * a table em_acpi_find_table() returns lies inside the image, has the
 * signature asked for, its Length and a zero checksum.
 */
#include "fuzz.h"

#include <earlymem/acpi.h>

#define IMG_PHYS 0xe0000ull
#define RAM_BASE (16ull << 20)
#define RAM_SIZE (32ull << 20)

/* ------------------------------------------------------------------------ */
/* Fix-ups                                                                  */

static uint8_t sum8(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;

	for (uint64_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static void fix_checksum(uint8_t *p, uint64_t n, uint64_t at)
{
	p[at] = 0;
	p[at] = (uint8_t)-sum8(p, n);
}

/* A table at @off of @img: Length set to fit when @set_len, checksum fixed. */
static void fixup_table(uint8_t *img, uint64_t size, uint64_t off, bool set_len)
{
	uint64_t len;

	if (off >= size || size - off < EM_ACPI_HEADER_LEN)
		return;
	if (set_len)
		fuzz_put_le(img + off + 4, size - off, 4);
	len = fuzz_le(img + off + 4, 4);
	if (len >= 10 && len <= size - off)
		fix_checksum(img + off, len, 9);
}

/* The image offset of physical address @phys, or size when it is outside. */
static uint64_t img_off(uint64_t phys, uint64_t size)
{
	return phys >= IMG_PHYS && phys - IMG_PHYS < size ? phys - IMG_PHYS : size;
}

/* The tables a root lists (leaves first), then the root itself. */
static void fixup_root(uint8_t *img, uint64_t size, uint64_t phys, unsigned entry)
{
	uint64_t off = img_off(phys, size), len;

	if (off >= size || size - off < EM_ACPI_HEADER_LEN)
		return;
	len = fuzz_le(img + off + 4, 4);
	if (len > size - off)
		len = size - off;
	for (uint64_t e = EM_ACPI_HEADER_LEN; e + entry <= len; e += entry)
		fixup_table(img, size, img_off(fuzz_le(img + off + e, entry), size), false);
	fixup_table(img, size, off, false);
}

/* RSDP at offset 0: roots and their tables, then both RSDP checksums. */
static void fixup_image(uint8_t *img, uint64_t size)
{
	uint64_t len;

	if (size < 20)
		return;
	fixup_root(img, size, fuzz_le(img + 16, 4), 4);
	if (img[15] >= 2 && size >= 36)
		fixup_root(img, size, fuzz_le(img + 24, 8), 8);
	fix_checksum(img, 20, 8);
	if (img[15] >= 2 && size >= 36) {
		len = fuzz_le(img + 20, 4);
		if (len >= 33 && len <= size)
			fix_checksum(img, len, 32);
	}
}

/* ------------------------------------------------------------------------ */
/* Checks                                                                   */

static void check_numa(const struct em_numa_info *n)
{
	FUZZ_ASSERT(n->nr_nodes >= 0 && n->nr_nodes <= EM_MAX_NODES);
	for (int i = 0; i < EM_MAX_NODES; i++) {
		if (i >= n->nr_nodes)
			FUZZ_ASSERT(n->pxm[i] == 0);
		for (int j = 0; j < i && i < n->nr_nodes; j++)
			FUZZ_ASSERT(n->pxm[i] != n->pxm[j]);
	}
	for (int i = 0; i < n->nr_nodes; i++)
		FUZZ_ASSERT(em_acpi_pxm_to_node(n, n->pxm[i]) == i);
	FUZZ_ASSERT(n->memory_applied <= n->memory_entries);
	FUZZ_ASSERT(n->hotplug <= n->memory_applied);
	FUZZ_ASSERT(n->clamped <= n->memory_entries);
	FUZZ_ASSERT(n->empty <= n->memory_entries);
}

/* What applying an SRAT may change: nodes and EM_HOTPLUG of memory, nothing else. */
static void check_srat_effect(const struct fuzz_snap *s, const struct earlymem *em,
			      const struct em_numa_info *n)
{
	check_numa(n);
	FUZZ_ASSERT(em->memory.total_size == s->memory.total_size);
	fuzz_assert_superset(s, em);
	for (uint32_t i = 0; i < em->memory.cnt; i++) {
		const struct em_region *r = em_region_at(&em->memory, i);

		/* Every old region r overlaps (r may span several merged ones). */
		for (uint32_t k = 0; k < s->memory.cnt; k++) {
			const struct em_region *o = &s->mem[k];

			if (o->base >= r->base + r->size || r->base >= o->base + o->size)
				continue;
			FUZZ_ASSERT((o->flags & ~r->flags) == 0);
			FUZZ_ASSERT(((o->flags ^ r->flags) & ~EM_HOTPLUG) == 0);
			FUZZ_ASSERT(r->node == o->node || (r->node >= 0 && r->node < n->nr_nodes));
			if (r->flags != o->flags)
				FUZZ_ASSERT(n->hotplug > 0);
			if (r->node != o->node)
				FUZZ_ASSERT(n->memory_applied > 0);
		}
	}
	/* Reservations: only the doubled arrays may have been added. */
	FUZZ_ASSERT(em->reserved.total_size - s->reserved.total_size ==
		    (em->memory.bytes - s->memory.bytes) +
			    (em->reserved.bytes - s->reserved.bytes));
}

/* An independent SLIT validator: the locality count, or -1 when invalid. */
static int64_t slit_count(const uint8_t *t, size_t len)
{
	uint64_t length, n;

	if (len < 36 || memcmp(t, "SLIT", 4))
		return -1;
	length = fuzz_le(t + 4, 4);
	if (length < 44 || length > len || sum8(t, length))
		return -1;
	n = fuzz_le(t + 36, 8);
	if (n > 0xffff || n * n > length - 44)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		for (uint64_t j = 0; j < n; j++)
			if (i == j ? t[44 + i * n + j] != 10 : t[44 + i * n + j] <= 10)
				return -1;
	return (int64_t)n;
}

static void check_distances(const uint8_t (*was)[EM_MAX_NODES], const struct earlymem *em,
			    const uint8_t *t, uint64_t n, const struct em_numa_info *numa)
{
	for (int a = 0; a < EM_MAX_NODES; a++) {
		for (int b = 0; b < EM_MAX_NODES; b++) {
			int want = was[a][b];

			if (a < numa->nr_nodes && b < numa->nr_nodes && numa->pxm[a] < n &&
			    numa->pxm[b] < n)
				want = t[44 + numa->pxm[a] * n + numa->pxm[b]];
			FUZZ_ASSERT(em_distance(em, a, b) == want);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* The two modes                                                            */

static size_t work_bytes_for(const struct earlymem *em, unsigned cfg)
{
	size_t w = em_txn_bytes(em);

	return (cfg & 0x20) && w >= 8 ? w - 8 : w;
}

/*
 * After a call that returned @err with @numa (preset to @pattern): a failure
 * changed nothing, a success did what the SRAT says.
 */
static void numa_outcome(struct earlymem *em, struct fuzz_snap *s, int err,
			 const struct em_numa_info *numa, const struct em_numa_info *pattern)
{
	fuzz_check(em);
	if (err) {
		fuzz_snap_assert_same(s, em, err);
		FUZZ_ASSERT(!memcmp(numa, pattern, sizeof(*numa)));
	} else {
		check_srat_effect(s, em, numa);
	}
}

static void run_srat(struct earlymem *em, const uint8_t *srat, size_t len, unsigned cfg,
		     struct em_numa_info *out, bool *ok)
{
	struct em_numa_info numa, pattern;
	size_t wb = work_bytes_for(em, cfg);
	void *work = malloc(wb ? wb : 1);
	struct fuzz_snap s;
	int err;

	FUZZ_ASSERT(work);
	memset(&numa, 0xa5, sizeof(numa));
	pattern = numa;
	fuzz_snap_take(&s, em);
	err = em_acpi_apply_srat(em, srat, len, work, wb, &numa);
	FUZZ_SAY("em_acpi_apply_srat: %d, %d nodes, %u memory regions\n", err,
		 err ? -1 : numa.nr_nodes, em->memory.cnt);
	numa_outcome(em, &s, err, &numa, &pattern);
	if (!err)
		*out = numa;
	*ok = !err;
	fuzz_snap_free(&s);
	free(work);
}

static void run_slit(struct earlymem *em, const uint8_t *slit, size_t len,
		     const struct em_numa_info *numa)
{
	int64_t n = slit_count(slit, len);
	struct fuzz_snap s;
	int err;

	fuzz_snap_take(&s, em);
	err = em_acpi_apply_slit(em, slit, len, numa);
	FUZZ_SAY("em_acpi_apply_slit: %d (oracle: %lld localities)\n", err, (long long)n);
	if (err) {
		if (n >= 0)
			FUZZ_FAIL("a valid SLIT (%lld localities) gave %d", (long long)n, err);
		fuzz_snap_assert_same(&s, em, err);
	} else {
		if (n < 0)
			FUZZ_FAIL("an invalid SLIT was applied");
		check_distances(s.distance, em, slit, (uint64_t)n, numa);
	}
	fuzz_snap_free(&s);
}

static void direct(struct earlymem *em, const uint8_t *body, size_t size, size_t split,
		   unsigned cfg)
{
	/* Nodes for the SLIT when the SRAT gives none: domains 0, 1, 3, 2. */
	struct em_numa_info numa = { .nr_nodes = 4, .pxm = { 0, 1, 3, 2 } };
	uint8_t *srat = fuzz_dup(body, split), *slit = fuzz_dup(body + split, size - split);
	bool ok;

	if (cfg & 0x8) {
		fixup_table(srat, split, 0, true);
		fixup_table(slit, size - split, 0, true);
	}
	run_srat(em, srat, split, cfg, &numa, &ok);
	run_slit(em, slit, size - split, &numa);
	free(srat);
	free(slit);
}

/* em_acpi_find_table() of @sig: on success a valid table inside the image. */
static void find(struct earlymem *em, const struct fuzz_sim *sim, const char *sig)
{
	const void *t = (const void *)sim, *was_t = t;
	size_t len = 12345;
	int err = em_acpi_find_table(em, IMG_PHYS, sig, &t, &len);

	FUZZ_SAY("em_acpi_find_table(%s): %d\n", sig, err);

	if (err) {
		FUZZ_ASSERT(t == was_t && len == 12345);
		return;
	}
	const uint8_t *p = t;

	FUZZ_ASSERT(p >= sim->img && len <= sim->img_size &&
		    (uint64_t)(p - sim->img) <= sim->img_size - len);
	FUZZ_ASSERT(len >= EM_ACPI_HEADER_LEN && !memcmp(p, sig, 4));
	FUZZ_ASSERT(fuzz_le(p + 4, 4) == len && sum8(p, len) == 0);
}

static void image(struct earlymem *em, struct fuzz_sim *sim, const uint8_t *body, size_t size,
		  unsigned cfg)
{
	struct em_numa_info numa, pattern;
	size_t wb = work_bytes_for(em, cfg);
	uint8_t *img = fuzz_dup(body, size);
	void *work = malloc(wb ? wb : 1);
	struct fuzz_snap s;
	int err;

	FUZZ_ASSERT(work);
	if (cfg & 0x8)
		fixup_image(img, size);
	sim->img = img;
	sim->img_base = IMG_PHYS;
	sim->img_size = size;
	find(em, sim, "SRAT");
	find(em, sim, "SLIT");
	find(em, sim, "FACP");
	memset(&numa, 0xa5, sizeof(numa));
	pattern = numa;
	fuzz_snap_take(&s, em);
	err = em_acpi_numa(em, IMG_PHYS, work, wb, &numa);
	FUZZ_SAY("em_acpi_numa: %d, %d nodes, slit %d\n", err, err ? -1 : numa.nr_nodes,
		 err ? -1 : numa.slit);
	numa_outcome(em, &s, err, &numa, &pattern);
	fuzz_snap_free(&s);
	sim->img = NULL;
	free(work);
	free(img);
}

/* ------------------------------------------------------------------------ */

static void setup(struct earlymem *em, struct fuzz_sim *sim, unsigned cfg)
{
	struct em_hooks h = { .phys_to_virt = fuzz_phys_to_virt, .ctx = sim };

	fuzz_sim_init(sim, RAM_BASE, RAM_SIZE);
	em_init(em);
	em_set_hooks(em, &h);
	FUZZ_ASSERT(em_add(em, 0, 0xa0000) == 0);
	FUZZ_ASSERT(em_add(em, 1ull << 20, (2ull << 30) - (1ull << 20)) == 0);
	FUZZ_ASSERT(em_add(em, 4ull << 30, 2ull << 30) == 0);
	if (cfg & 0x4) {
		FUZZ_ASSERT(em_reserve_label(em, 1ull << 20, 1ull << 20, "kernel") == 0);
		FUZZ_ASSERT(em_set_node(em, 5ull << 30, 1ull << 30, 7) == 0);
		FUZZ_ASSERT(em_mark(em, (5ull << 30) + 4096, 1ull << 20, EM_MIRROR) == 0);
	}
	if (cfg & 0x2)
		for (uint64_t i = 0; em->memory.cnt + 1 < em->memory.max; i++)
			FUZZ_ASSERT(em_add(em, (2ull << 40) + i * 8192, 4096) == 0);
	if (cfg & 0x1) {
		em_set_current_limit(em, RAM_BASE + RAM_SIZE);
		FUZZ_ASSERT(em_allow_resize(em) == 0);
	}
	fuzz_check(em);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct earlymem em;
	struct fuzz_sim sim;
	unsigned cfg;
	size_t split;

	if (size < 3)
		return 0;
	cfg = data[0];
	split = (size_t)fuzz_le(data + 1, 2) % (size - 3 + 1);
	setup(&em, &sim, cfg);
	if (cfg & 0x10)
		image(&em, &sim, data + 3, size - 3, cfg);
	else
		direct(&em, data + 3, size - 3, split, cfg);
	return 0;
}
