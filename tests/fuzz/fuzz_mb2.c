// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: em_mb2_load() on a Multiboot2 boot information.
 *
 * Input: a configuration byte (fuzz.h FUZZ_CFG_*; bits 4-5: the UEFI
 * options, bit 6: an unknown option bit, bit 7: scratch from
 * em_mb2_work_bytes() cut by 8), then the MBI. Its total_size is cut to
 * the input's length (the caller's contract: total_size bytes readable);
 * the copy is exactly total_size bytes (rounded up to the 8 header bytes)
 * at an odd address, so ASan sees any read past it and any alignment
 * assumption. Checks: em_check(), failure-atomicity, nothing lost, a
 * second load is a no-op; an MBI em_mb2_work_bytes() rejects (0) never
 * loads.
 */
#include "fuzz.h"

#include <earlymem/multiboot2.h>

struct mb2_in {
	const uint8_t *mbi;
	uint32_t options;
};

static int load(void *ctx, struct earlymem *em, void *work, size_t work_bytes)
{
	const struct mb2_in *in = ctx;
	struct em_fw_stats st;

	return em_mb2_load(em, in->mbi, work, work_bytes, in->options, &st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct earlymem em;
	struct fuzz_sim sim;
	struct mb2_in in;
	unsigned cfg;
	size_t len, need, alloc;
	uint8_t *buf;
	uint64_t total;
	int err;

	if (size < 1)
		return 0;
	cfg = data[0];
	len = size - 1;
	total = len >= 4 ? fuzz_le(data + 1, 4) : 0;
	if (total > len)
		total = len;
	/* Exactly total_size bytes (at least the 8-byte header), at an odd address. */
	alloc = total < 8 ? 8 : (size_t)total;
	buf = calloc(1, alloc + 1);
	FUZZ_ASSERT(buf);
	memcpy(buf + 1, data + 1, len < alloc ? len : alloc);
	fuzz_put_le(buf + 1, total, 4);
	in.mbi = buf + 1;
	in.options = (cfg >> 4) & 3u;
	if (cfg & 0x40)
		in.options |= 0x100;
	fuzz_sim_init(&sim, FUZZ_SIM_BASE, FUZZ_SIM_SIZE);
	fuzz_setup(&em, &sim, cfg & 0xf);
	need = em_mb2_work_bytes(&em, in.mbi);
	if ((cfg & 0x80) && need >= 8)
		need -= 8;
	err = fuzz_run_load(&em, load, &in, need ? need : 64);
	if (!need && !err)
		FUZZ_FAIL("em_mb2_work_bytes() said the MBI is rejected but it loaded");
	free(buf);
	return 0;
}
