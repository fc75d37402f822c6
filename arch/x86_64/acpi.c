// SPDX-License-Identifier: MIT
/*
 * ACPI: finding tables from the RSDP, and NUMA from the SRAT and SLIT.
 *
 * Tables are read a byte at a time (little-endian, any alignment) and only
 * after their checksum and Length have been checked, so a garbage table is
 * refused before anything is taken from it. Applying an SRAT is two passes
 * over the validated table: the first builds the proximity domain -> node
 * map and the counts without touching the instance, the second sets nodes
 * and flags inside a transaction that is rolled back if a call fails.
 */
#include <earlymem/acpi.h>

#include "fwtable.h"

#define RSDP_V1_LEN 20u
#define RSDP_V2_LEN 36u
#define SRAT_HEADER_LEN 48u
#define SLIT_MATRIX_OFF 44u

/* SRAT subtable types and the structure lengths this code reads. */
#define SRAT_CPU 0u
#define SRAT_MEMORY 1u
#define SRAT_X2APIC 2u
#define SRAT_CPU_LEN 16u
#define SRAT_MEMORY_LEN 40u
#define SRAT_X2APIC_LEN 24u

#define SRAT_ENABLED 0x1u
#define SRAT_HOT_PLUGGABLE 0x2u

/* Little-endian fields of any alignment (em_fw_le() reads them byte by byte). */
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)em_fw_le(p, 4);
}

static uint64_t rd64(const uint8_t *p)
{
	return em_fw_le(p, 8);
}

static bool sig_equal(const uint8_t *p, const char *sig, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (p[i] != (uint8_t)sig[i])
			return false;
	}
	return true;
}

static uint8_t sum8(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;

	for (uint64_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/*
 * Maps [@phys, @phys + @len) (@len > 0) through the hook: both ends must
 * translate, to addresses exactly @len - 1 apart.
 */
static int map(const struct earlymem *em, uint64_t phys, uint64_t len, const uint8_t **out)
{
	const uint8_t *first, *last;

	if (len - 1 > EM_ADDR_END - phys)
		return EM_EINVAL;
	first = em->hooks.phys_to_virt(em->hooks.ctx, phys);
	if (!first)
		return EM_EFAULT;
	last = em->hooks.phys_to_virt(em->hooks.ctx, phys + (len - 1));
	if (!last || (uintptr_t)last - (uintptr_t)first != len - 1)
		return EM_EFAULT;
	*out = first;
	return 0;
}

/*
 * Validates the table at @t with @avail bytes readable: signature @sig,
 * Length in [@min_len, @avail], checksum. Sets *@length.
 */
static int sdt_check(const uint8_t *t, uint64_t avail, const char *sig, uint32_t min_len,
		     uint32_t *length)
{
	uint32_t n;

	if (avail < EM_ACPI_HEADER_LEN || !sig_equal(t, sig, 4))
		return EM_EINVAL;
	n = rd32(t + 4);
	if (n < min_len || n > avail || sum8(t, n) != 0)
		return EM_EINVAL;
	*length = n;
	return 0;
}

/* Maps and validates the table at @phys (header first, then its Length). */
static int map_sdt(const struct earlymem *em, uint64_t phys, const char *sig, uint32_t min_len,
		   const uint8_t **t, uint32_t *length)
{
	const uint8_t *p;
	uint32_t n;
	int err;

	err = map(em, phys, EM_ACPI_HEADER_LEN, &p);
	if (err)
		return err;
	if (!sig_equal(p, sig, 4))
		return EM_EINVAL;
	n = rd32(p + 4);
	if (n < min_len)
		return EM_EINVAL;
	err = map(em, phys, n, &p);
	if (err)
		return err;
	err = sdt_check(p, n, sig, min_len, length);
	if (err)
		return err;
	*t = p;
	return 0;
}

/* Validates the RSDP at @rsdp_phys; sets the root table's address and entry size. */
static int rsdp_root(const struct earlymem *em, uint64_t rsdp_phys, uint64_t *root,
		     uint32_t *entry_size)
{
	const uint8_t *p;
	uint32_t n;
	int err;

	err = map(em, rsdp_phys, RSDP_V1_LEN, &p);
	if (err)
		return err;
	if (!sig_equal(p, "RSD PTR ", 8) || sum8(p, RSDP_V1_LEN) != 0)
		return EM_EINVAL;
	if (p[15] < 2) {
		*root = rd32(p + 16);
		*entry_size = 4;
		return 0;
	}
	err = map(em, rsdp_phys, RSDP_V2_LEN, &p);
	if (err)
		return err;
	n = rd32(p + 20);
	if (n < RSDP_V2_LEN)
		return EM_EINVAL;
	err = map(em, rsdp_phys, n, &p);
	if (err)
		return err;
	if (sum8(p, n) != 0)
		return EM_EINVAL;
	if (rd64(p + 24)) {
		*root = rd64(p + 24);
		*entry_size = 8;
	} else {
		*root = rd32(p + 16);
		*entry_size = 4;
	}
	return 0;
}

int em_acpi_find_table(const struct earlymem *em, uint64_t rsdp_phys, const char *sig,
		       const void **table, size_t *len)
{
	const uint8_t *root, *hdr, *t;
	uint32_t entry_size, root_len, n, count;
	uint64_t root_phys;
	bool unmapped = false;
	int err;

	if (!em || !sig || !table || !em->hooks.phys_to_virt)
		return EM_EINVAL;
	err = rsdp_root(em, rsdp_phys, &root_phys, &entry_size);
	if (err)
		return err;
	if (!root_phys)
		return EM_EINVAL;
	err = map_sdt(em, root_phys, entry_size == 8 ? "XSDT" : "RSDT", EM_ACPI_HEADER_LEN, &root,
		      &root_len);
	if (err)
		return err;
	count = (root_len - EM_ACPI_HEADER_LEN) / entry_size;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = root + EM_ACPI_HEADER_LEN + (size_t)i * entry_size;
		uint64_t phys = entry_size == 8 ? rd64(e) : rd32(e);

		if (!phys)
			continue;
		if (map(em, phys, EM_ACPI_HEADER_LEN, &hdr)) {
			unmapped = true;
			continue;
		}
		if (!sig_equal(hdr, sig, 4))
			continue;
		err = map_sdt(em, phys, sig, EM_ACPI_HEADER_LEN, &t, &n);
		if (err)
			return err;
		*table = t;
		if (len)
			*len = n;
		return 0;
	}
	return unmapped ? EM_EFAULT : EM_ENOENT;
}

/* ------------------------------------------------------------------------ */
/* SRAT                                                                     */

enum srat_kind {
	SRAT_K_MEMORY,
	SRAT_K_CPU,
	SRAT_K_OTHER
};

/* One decoded SRAT subtable. */
struct srat_ent {
	enum srat_kind kind;
	bool enabled;
	uint32_t pxm;
	uint32_t flags;	 /* memory: the structure's flags */
	uint64_t base;	 /* memory */
	uint64_t length; /* memory, cut at EM_ADDR_END */
	bool clamped;
};

/*
 * Decodes the subtable at *@off of the validated SRAT @t (@length bytes)
 * and advances *@off. Return: 1 decoded, 0 at the end, EM_EINVAL garbage.
 */
static int srat_next(const uint8_t *t, uint32_t length, uint32_t *off, struct srat_ent *e)
{
	const uint8_t *s = t + *off;
	bool rev1 = t[8] < 2;
	uint32_t n;

	if (*off == length)
		return 0;
	if (length - *off < 2)
		return EM_EINVAL;
	n = s[1];
	if (n < 2 || n > length - *off)
		return EM_EINVAL;
	*off += n;
	e->kind = SRAT_K_OTHER;
	e->clamped = false;
	switch (s[0]) {
	case SRAT_CPU:
		if (n < SRAT_CPU_LEN)
			return EM_EINVAL;
		e->kind = SRAT_K_CPU;
		e->pxm = s[2];
		if (!rev1)
			e->pxm |= (uint32_t)s[9] << 8 | (uint32_t)s[10] << 16 |
				  (uint32_t)s[11] << 24;
		e->enabled = rd32(s + 4) & SRAT_ENABLED;
		break;
	case SRAT_MEMORY:
		if (n < SRAT_MEMORY_LEN)
			return EM_EINVAL;
		e->kind = SRAT_K_MEMORY;
		e->pxm = rd32(s + 2);
		if (rev1)
			e->pxm &= 0xff;
		e->base = rd64(s + 8);
		e->length = rd64(s + 16);
		if (e->length > EM_ADDR_END - e->base) {
			e->length = EM_ADDR_END - e->base;
			e->clamped = true;
		}
		e->flags = rd32(s + 28);
		e->enabled = e->flags & SRAT_ENABLED;
		break;
	case SRAT_X2APIC:
		if (n < SRAT_X2APIC_LEN)
			return EM_EINVAL;
		e->kind = SRAT_K_CPU;
		e->pxm = rd32(s + 4);
		e->enabled = rd32(s + 12) & SRAT_ENABLED;
		break;
	default:
		break;
	}
	return 1;
}

int em_acpi_pxm_to_node(const struct em_numa_info *numa, uint32_t pxm)
{
	if (!numa)
		return EM_NODE_NONE;
	for (int i = 0; i < numa->nr_nodes && i < EM_MAX_NODES; i++) {
		if (numa->pxm[i] == pxm)
			return i;
	}
	return EM_NODE_NONE;
}

/* Zeroes @numa; volatile keeps the compiler from calling memset(). */
static void numa_zero(struct em_numa_info *numa)
{
	volatile uint32_t *pxm = numa->pxm;

	for (int i = 0; i < EM_MAX_NODES; i++)
		pxm[i] = 0;
	numa->nr_nodes = 0;
	numa->memory_entries = 0;
	numa->memory_applied = 0;
	numa->cpu_entries = 0;
	numa->disabled = 0;
	numa->empty = 0;
	numa->hotplug = 0;
	numa->ignored = 0;
	numa->clamped = 0;
	numa->other = 0;
	numa->slit = false;
}

/*
 * The node of an enabled entry's domain, giving the domain the next node id
 * on first appearance; EM_NODE_NONE when all EM_MAX_NODES ids are taken.
 */
static int numa_node(struct em_numa_info *numa, uint32_t pxm)
{
	int node = em_acpi_pxm_to_node(numa, pxm);

	if (node != EM_NODE_NONE || numa->nr_nodes == EM_MAX_NODES)
		return node;
	numa->pxm[numa->nr_nodes] = pxm;
	return numa->nr_nodes++;
}

/* Pass 1: validates every subtable and builds the map and counts into @numa. */
static int srat_scan(const uint8_t *t, uint32_t length, struct em_numa_info *numa)
{
	uint32_t off = SRAT_HEADER_LEN;
	struct srat_ent e;
	int ret;

	numa_zero(numa);
	while ((ret = srat_next(t, length, &off, &e)) > 0) {
		if (e.kind == SRAT_K_OTHER) {
			numa->other++;
			continue;
		}
		if (e.kind == SRAT_K_MEMORY) {
			numa->memory_entries++;
			numa->clamped += e.clamped;
		}
		if (!e.enabled) {
			numa->disabled++;
			continue;
		}
		if (e.kind == SRAT_K_MEMORY && e.length == 0) {
			numa->empty++;
			continue;
		}
		if (e.kind == SRAT_K_CPU)
			numa->cpu_entries++;
		if (numa_node(numa, e.pxm) == EM_NODE_NONE) {
			numa->ignored++;
			continue;
		}
		if (e.kind == SRAT_K_MEMORY) {
			numa->memory_applied++;
			numa->hotplug += (e.flags & SRAT_HOT_PLUGGABLE) != 0;
		}
	}
	return ret;
}

/* Pass 2: sets nodes and flags for the memory entries of the validated SRAT. */
static int srat_apply(struct earlymem *em, const uint8_t *t, uint32_t length,
		      const struct em_numa_info *numa)
{
	uint32_t off = SRAT_HEADER_LEN;
	struct srat_ent e;
	int node, err;

	while (srat_next(t, length, &off, &e) > 0) {
		if (e.kind != SRAT_K_MEMORY || !e.enabled || e.length == 0)
			continue;
		node = em_acpi_pxm_to_node(numa, e.pxm);
		if (node == EM_NODE_NONE)
			continue;
		err = em_set_node(em, e.base, e.length, node);
		if (!err && (e.flags & SRAT_HOT_PLUGGABLE))
			err = em_mark(em, e.base, e.length, EM_HOTPLUG);
		if (err)
			return err;
	}
	return 0;
}

/* Copies @src to @dst field by field (a struct copy could become memcpy()). */
static void numa_copy(struct em_numa_info *dst, const struct em_numa_info *src)
{
	volatile uint32_t *pxm = dst->pxm;

	for (int i = 0; i < EM_MAX_NODES; i++)
		pxm[i] = src->pxm[i];
	dst->nr_nodes = src->nr_nodes;
	dst->memory_entries = src->memory_entries;
	dst->memory_applied = src->memory_applied;
	dst->cpu_entries = src->cpu_entries;
	dst->disabled = src->disabled;
	dst->empty = src->empty;
	dst->hotplug = src->hotplug;
	dst->ignored = src->ignored;
	dst->clamped = src->clamped;
	dst->other = src->other;
	dst->slit = src->slit;
}

int em_acpi_apply_srat(struct earlymem *em, const void *srat, size_t len, void *work,
		       size_t work_bytes, struct em_numa_info *numa)
{
	struct em_numa_info map;
	uint32_t length;
	int err;

	if (!em || !srat || !numa)
		return EM_EINVAL;
	err = sdt_check(srat, len, "SRAT", SRAT_HEADER_LEN, &length);
	if (err)
		return err;
	err = srat_scan(srat, length, &map);
	if (err)
		return err;
	err = em_txn_begin(em, work, work_bytes);
	if (err)
		return err;
	err = srat_apply(em, srat, length, &map);
	if (err) {
		(void)em_txn_rollback(em, work); /* begun here: cannot fail */
		return err;
	}
	numa_copy(numa, &map);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* SLIT                                                                     */

/* Validates a SLIT; sets its locality count. */
static int slit_check(const uint8_t *t, size_t len, uint64_t *count)
{
	uint32_t length;
	uint64_t n, room;
	int err;

	err = sdt_check(t, len, "SLIT", SLIT_MATRIX_OFF, &length);
	if (err)
		return err;
	n = rd64(t + 36);
	room = length - SLIT_MATRIX_OFF;
	if (n > room || (n && n > room / n))
		return EM_EINVAL;
	for (uint64_t i = 0; i < n; i++) {
		for (uint64_t j = 0; j < n; j++) {
			uint8_t d = t[SLIT_MATRIX_OFF + i * n + j];

			if (i == j ? d != EM_DISTANCE_LOCAL : d <= EM_DISTANCE_LOCAL)
				return EM_EINVAL;
		}
	}
	*count = n;
	return 0;
}

/* Sets the distances of every node pair the validated SLIT covers. */
static void slit_apply(struct earlymem *em, const uint8_t *t, uint64_t n,
		       const struct em_numa_info *numa)
{
	for (int a = 0; a < numa->nr_nodes; a++) {
		for (int b = 0; b < numa->nr_nodes; b++) {
			uint64_t pa = numa->pxm[a], pb = numa->pxm[b];

			if (pa < n && pb < n)
				em_set_distance(em, a, b, t[SLIT_MATRIX_OFF + pa * n + pb]);
		}
	}
}

int em_acpi_apply_slit(struct earlymem *em, const void *slit, size_t len,
		       const struct em_numa_info *numa)
{
	uint64_t n;
	int err;

	if (!em || !slit || !numa || numa->nr_nodes < 0 || numa->nr_nodes > EM_MAX_NODES)
		return EM_EINVAL;
	err = slit_check(slit, len, &n);
	if (err)
		return err;
	slit_apply(em, slit, n, numa);
	return 0;
}

int em_acpi_numa(struct earlymem *em, uint64_t rsdp_phys, void *work, size_t work_bytes,
		 struct em_numa_info *numa)
{
	const void *srat, *slit = NULL;
	size_t srat_len, slit_len = 0;
	uint64_t n = 0;
	int err;

	if (!em || !numa)
		return EM_EINVAL;
	err = em_acpi_find_table(em, rsdp_phys, "SRAT", &srat, &srat_len);
	if (err)
		return err;
	err = em_acpi_find_table(em, rsdp_phys, "SLIT", &slit, &slit_len);
	if (err == EM_ENOENT)
		slit = NULL;
	else if (err)
		return err;
	else if ((err = slit_check(slit, slit_len, &n)))
		return err;
	err = em_acpi_apply_srat(em, srat, srat_len, work, work_bytes, numa);
	if (err)
		return err;
	if (slit) {
		slit_apply(em, slit, n, numa);
		numa->slit = true;
	}
	return 0;
}
