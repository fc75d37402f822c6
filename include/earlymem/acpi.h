/* SPDX-License-Identifier: MIT */
/*
 * earlymem ACPI: find firmware tables from the RSDP, and learn NUMA nodes
 * (SRAT) and node distances (SLIT).
 *
 * Reaching the tables. Physical addresses (the RSDP, the XSDT or RSDT, the
 * tables they list) are reached through the instance's phys_to_virt hook,
 * which must map every byte of each of those tables, virtually contiguous
 * (a direct map does); the library checks the first and the last byte of
 * every table it reads and only reads. Every table is validated before
 * anything is read from its body: signature, a Length of at least its
 * header, and a checksum summing to 0 over Length bytes; nothing past a
 * table's Length is ever read. ACPI 2.0+ RSDPs (revision >= 2) with a
 * non-zero XsdtAddress use the XSDT (64-bit entries), otherwise the RSDT
 * (32-bit entries); there is no fallback from a broken XSDT to the RSDT.
 *
 * NUMA policy. Node ids are dense, 0, 1, 2, ..., given to proximity domains
 * in order of first appearance among the enabled SRAT entries (memory,
 * processor local APIC and x2APIC affinity alike), so the node of a
 * processor and the node of its memory agree. Domains beyond EM_MAX_NODES
 * get no node: their entries are ignored and counted. An SRAT of revision 1
 * (or 0) has 8-bit proximity domains (the high bytes are ignored); later revisions
 * 32-bit ones. Each enabled memory affinity entry of non-zero length sets
 * the node of the memory it covers (em_set_node(): regions split at node
 * boundaries, which firmware descriptors do cross), and its Hot Pluggable
 * bit sets EM_HOTPLUG there (em_mark(); EM_HOTPLUG is never cleared).
 * Entries are applied in table order, so where they overlap the later one
 * wins; they may be unsorted. An entry may describe a range without memory
 * (hot-plug ranges far above RAM): that changes nothing. Memory no entry
 * covers keeps its node. Disabled entries and zero-length memory entries
 * (OVMF ends its SRAT with one) are ignored and counted. Ranges passing
 * EM_ADDR_END are cut there. SLIT distances are indexed by proximity
 * domain; every pair of nodes whose domains the SLIT covers gets its
 * distance (em_set_distance()), other pairs keep theirs. A SLIT whose
 * diagonal is not 10 or with a remote distance <= 10 is invalid (as in
 * Linux).
 *
 * Every function is failure-atomic: on an error neither the instance nor
 * any output changes.
 */
#ifndef EARLYMEM_ACPI_H
#define EARLYMEM_ACPI_H

#include <earlymem.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of an ACPI table header (Signature, Length, Revision, Checksum, ...). */
#define EM_ACPI_HEADER_LEN 36u

/**
 * struct em_numa_info - what an SRAT said and what applying it did.
 * @nr_nodes:       nodes found: ids 0..@nr_nodes-1 (0 for an empty SRAT).
 * @pxm:            proximity domain of each node id (first @nr_nodes valid,
 *                  the rest 0).
 * @memory_entries: memory affinity entries read (all of them).
 * @memory_applied: enabled, non-empty memory entries that set a node.
 * @cpu_entries:    enabled processor (local APIC, x2APIC) affinity entries.
 * @disabled:       entries (memory or processor) without the Enabled bit.
 * @empty:          enabled memory entries of length 0.
 * @hotplug:        applied memory entries with the Hot Pluggable bit.
 * @ignored:        enabled entries whose domain got no node (more domains
 *                  than EM_MAX_NODES).
 * @clamped:        memory entries cut at EM_ADDR_END.
 * @other:          subtables of other types (GICC, generic initiator, ...).
 * @slit:           em_acpi_numa() only: a SLIT was found and applied.
 */
struct em_numa_info {
	int nr_nodes;
	uint32_t pxm[EM_MAX_NODES];
	uint32_t memory_entries;
	uint32_t memory_applied;
	uint32_t cpu_entries;
	uint32_t disabled;
	uint32_t empty;
	uint32_t hotplug;
	uint32_t ignored;
	uint32_t clamped;
	uint32_t other;
	bool slit;
};

/**
 * em_acpi_find_table() - find the table with signature @sig through the
 * RSDP at physical address @rsdp_phys.
 * @em:    the instance; only its phys_to_virt hook is used.
 * @sig:   four characters, e.g. "SRAT" (no terminator needed). Only tables
 *         the XSDT / RSDT lists are found (not the DSDT or FACS).
 * @table: set to the table (through the hook) when found.
 * @len:   set to the table's Length when found (may be NULL).
 *
 * The RSDP (checksum over 20 bytes; revision >= 2: Length >= 36 and the
 * extended checksum over Length bytes), the XSDT / RSDT and the table found
 * are all validated; the first listed table with signature @sig is the one
 * (a later one is not tried when it is broken). Null entries are skipped;
 * an entry the hook cannot map is skipped too, but if @sig is then not
 * found the answer is EM_EFAULT, not EM_ENOENT. A trailing partial entry in
 * the XSDT / RSDT is ignored.
 *
 * Return: 0; EM_EINVAL (@em, @sig or @table NULL, no phys_to_virt hook, a
 * bad signature, checksum or Length in the RSDP, root table or table
 * found, a root table address of 0); EM_EFAULT (the hook gives NULL, or a non-contiguous mapping,
 * for a byte of a table it must read); EM_ENOENT (no such table). Outputs
 * are set only on success.
 */
int em_acpi_find_table(const struct earlymem *em, uint64_t rsdp_phys, const char *sig,
		       const void **table, size_t *len);

/**
 * em_acpi_apply_srat() - set nodes and hot-plug flags of @em's memory from
 * an SRAT (see the policy above).
 * @srat:       the table (any alignment), @len bytes of it readable; its
 *              Length must be <= @len.
 * @work:       scratch to save @em for rollback: 8-byte aligned, at least
 *              em_txn_bytes(@em) bytes, not overlapping @srat.
 * @numa:       receives the node map and counts (on success only).
 *
 * The whole table is validated before the first change, and a change that
 * fails half-way (a full region array) is rolled back.
 *
 * Return: 0; EM_EINVAL (NULL pointer; @len or Length shorter than the
 * 48-byte SRAT header, Length > @len, bad signature or checksum; a
 * subtable shorter than 2 bytes or running past Length; a memory,
 * processor or x2APIC affinity entry shorter than its structure; @work
 * too small or misaligned); EM_ENOSPC / EM_ENOMEM / EM_EFAULT (a region
 * array is full and cannot double).
 */
int em_acpi_apply_srat(struct earlymem *em, const void *srat, size_t len, void *work,
		       size_t work_bytes, struct em_numa_info *numa);

/**
 * em_acpi_apply_slit() - set node distances from a SLIT.
 * @slit:  the table (any alignment), @len bytes of it readable.
 * @numa:  the node map em_acpi_apply_srat() filled.
 *
 * For nodes a, b whose proximity domains pa, pb are both below the SLIT's
 * locality count N, the distance a -> b becomes entry [pa][pb] of the
 * matrix. Validated whole before anything changes.
 *
 * Return: 0; EM_EINVAL (NULL pointer; @numa->nr_nodes out of range;
 * Length shorter than 44 or > @len, bad signature or checksum; N * N
 * distances do not fit in Length; a diagonal entry other than 10 or an
 * off-diagonal entry <= 10).
 */
int em_acpi_apply_slit(struct earlymem *em, const void *slit, size_t len,
		       const struct em_numa_info *numa);

/**
 * em_acpi_numa() - find the SRAT and (optional) SLIT through the RSDP at
 * @rsdp_phys and apply both, all or nothing.
 * @work, @work_bytes: as for em_acpi_apply_srat().
 * @numa:  as for em_acpi_apply_srat(); @numa->slit says whether a SLIT was
 *         applied.
 *
 * A missing SLIT is fine (distances stay as they were); a broken one is an
 * error, found before anything changes, and so is an XSDT / RSDT entry the
 * hook cannot map when no SLIT is found (EM_EFAULT: it might be the SLIT).
 *
 * Return: 0; EM_ENOENT (no SRAT: nothing changes); the errors of
 * em_acpi_find_table(), em_acpi_apply_srat() and em_acpi_apply_slit().
 */
int em_acpi_numa(struct earlymem *em, uint64_t rsdp_phys, void *work, size_t work_bytes,
		 struct em_numa_info *numa);

/**
 * em_acpi_pxm_to_node() - the node id @numa gave proximity domain @pxm, or
 * EM_NODE_NONE (unknown domain, or @numa NULL). For mapping processors
 * (MADT APIC ids via the SRAT) to nodes.
 */
int em_acpi_pxm_to_node(const struct em_numa_info *numa, uint32_t pxm);

#ifdef __cplusplus
}
#endif

#endif
