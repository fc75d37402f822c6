// SPDX-License-Identifier: MIT
/*
 * Transactions. A loader that needs many calls to register a firmware map
 * saves both arrays first and rolls back if any call fails, so the map is
 * loaded whole or not at all.
 *
 * Why rollback is safe after doubling: the saved arrays' storage is either
 * the static storage inside the instance or doubled storage that was
 * reserved when the transaction began. Since then, only this library's own
 * doubling can have written to memory it freed, and rollback rewrites both
 * saved arrays into their saved storage, so whatever was written there is
 * replaced. Storage doubled during the transaction is reserved only in the
 * discarded state, so after rollback it is free memory again.
 */
#include "internal.h"

struct txn_header {
	uint64_t magic;
	struct em_array memory;
	struct em_array reserved;
};

#define TXN_MAGIC 0x656d74786e763031ull /* "emtxnv01" */

size_t em_txn_bytes(const struct earlymem *em)
{
	return sizeof(struct txn_header) +
	       ((size_t)em->memory.cnt + em->reserved.cnt) * sizeof(struct em_region);
}

int em_txn_begin(const struct earlymem *em, void *buf, size_t bytes)
{
	struct txn_header *h = buf;
	struct em_region *regions;

	if (!buf || bytes < em_txn_bytes(em) || ((uintptr_t)buf & 7))
		return EM_EINVAL;
	if (em->retired)
		return EM_ERETIRED;
	h->magic = TXN_MAGIC;
	h->memory = em->memory;
	h->reserved = em->reserved;
	regions = (struct em_region *)(h + 1);
	em__ra_copy_out(&em->memory, regions);
	em__ra_copy_out(&em->reserved, regions + em->memory.cnt);
	return 0;
}

int em_txn_rollback(struct earlymem *em, const void *buf)
{
	const struct txn_header *h = buf;
	const struct em_region *regions;

	if (!h || h->magic != TXN_MAGIC)
		return EM_EINVAL;
	regions = (const struct em_region *)(h + 1);
	/*
	 * Pages handed off, or freed late, since begin belong to the page
	 * allocator: a retired instance has no way back.
	 */
	if (em->retired)
		return EM_ERETIRED;
	em->memory = h->memory;
	em->reserved = h->reserved;
	em__ra_restore(&em->memory, regions);
	em__ra_restore(&em->reserved, regions + em->memory.cnt);
	return 0;
}
