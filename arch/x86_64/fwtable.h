/* SPDX-License-Identifier: MIT */
/*
 * Shared machinery of the firmware loaders (internal): sanitize a list of
 * typed ranges with a change-point sweep, then load the sanitized table
 * through a classification into an instance in one failure-atomic step.
 */
#ifndef EARLYMEM_FWTABLE_H
#define EARLYMEM_FWTABLE_H

#include <earlymem/firmware.h>

/* Reads entry @i of a firmware list into @e (base, size, type, attr; size may be 0). */
typedef void (*em_fw_reader)(const void *src, size_t i, struct em_fw_entry *e);

/* Whether @a wins over @b where they overlap (a strict order on type/attr). */
typedef bool (*em_fw_wins)(const struct em_fw_entry *a, const struct em_fw_entry *b);

/* The e820 overlap rule (Linux's): the larger type number wins. Also for Multiboot2's map. */
bool em_fw_e820_wins(const struct em_fw_entry *a, const struct em_fw_entry *b);

/*
 * Sanitizes @count entries read through @read: sizes of 0 dropped, ends
 * past EM_ADDR_END cut there, overlaps resolved by @wins, result sorted,
 * disjoint and merged (adjacent entries of equal type and attr). The table
 * is placed inside @work (EM_FW_WORK_BYTES(count) bytes). Zeroes and fills
 * @stats (may be NULL).
 */
int em_fw_sanitize(const void *src, size_t count, em_fw_reader read, em_fw_wins wins, void *work,
		   size_t work_bytes, const struct em_fw_entry **table, size_t *n,
		   struct em_fw_stats *stats);

/* What one sanitized entry means to an instance. */
struct em_fw_class {
	bool memory;	   /* register as memory (trimmed inward to pages) */
	uint32_t flags;	   /* memory flags */
	const char *label; /* non-NULL: reserve the range with this label */
};

typedef void (*em_fw_classify)(const struct em_fw_entry *e, const void *ctx, struct em_fw_class *c);

/*
 * Loads a sanitized table: reservations first, then memory runs (adjacent
 * memory entries with equal flags, trimmed inward to EM_PAGE_SIZE), all or
 * nothing: @work (em_txn_bytes(em) bytes) saves the instance for rollback.
 * Adds to @stats (may be NULL) without zeroing.
 */
int em_fw_load(struct earlymem *em, const struct em_fw_entry *table, size_t n,
	       em_fw_classify classify, const void *ctx, void *work, size_t work_bytes,
	       struct em_fw_stats *stats);

/* The e820 classification (RAM is memory, soft reserved is reserved). Also for Multiboot2. */
void em_fw_e820_classify(const struct em_fw_entry *e, const void *ctx, struct em_fw_class *c);

/*
 * A one-call loader: sanitizes @count entries (as em_fw_sanitize()) at the
 * front of @work and loads the table (as em_fw_load()) with the rest of
 * @work (em_fw_work_bytes(em, count) bytes in all) saving the instance.
 */
int em_fw_sanitize_load(struct earlymem *em, const void *src, size_t count, em_fw_reader read,
			em_fw_wins wins, em_fw_classify classify, const void *ctx, void *work,
			size_t work_bytes, struct em_fw_stats *stats);

/*
 * The part of a one-call loader's scratch after the sanitized table of
 * @count entries: where the load saves the instance. Sets *@left to its size.
 */
void *em_fw_txn_area(void *work, size_t work_bytes, size_t count, size_t *left);

/* Little-endian reads from firmware tables of any alignment. */
static inline uint64_t em_fw_le(const void *p, unsigned bytes)
{
	const unsigned char *b = p;
	uint64_t v = 0;

	while (bytes--)
		v = (v << 8) | b[bytes];
	return v;
}

#endif
