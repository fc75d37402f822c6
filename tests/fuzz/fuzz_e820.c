// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: em_e820_load_raw() on raw bytes.
 *
 * Input: one configuration byte (fuzz.h FUZZ_CFG_*; bit 4: scratch a few
 * bytes short, bits 5-7 how many), then packed 20-byte e820 entries (a
 * trailing partial entry is dropped). Checks: em_check() clean after the
 * load, failure-atomicity on an error, on success nothing lost and a second
 * load of the same map is a no-op, and the sanitized table em_e820_sanitize()
 * gives is sorted, disjoint, non-empty and within the address space.
 */
#include "fuzz.h"

#include <earlymem/e820.h>

struct e820_in {
	const uint8_t *raw;
	size_t count;
};

static int load(void *ctx, struct earlymem *em, void *work, size_t work_bytes)
{
	const struct e820_in *in = ctx;

	return em_e820_load_raw(em, in->raw, in->count, work, work_bytes, NULL);
}

static void check_sanitized(const uint8_t *raw, size_t count)
{
	size_t bytes = EM_FW_WORK_BYTES(count), n;
	void *work = malloc(bytes);
	const struct em_fw_entry *t;
	struct em_fw_stats st;

	FUZZ_ASSERT(work);
	FUZZ_ASSERT(em_e820_sanitize(raw, count, work, bytes, &t, &n, &st) == 0);
	/* An entry inside another splits it: at most 2 * count - 1 pieces. */
	FUZZ_ASSERT(n <= 2 * count && st.entries == count && st.sanitized == n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(t[i].size > 0 && t[i].size <= EM_ADDR_END - t[i].base);
		if (i)
			FUZZ_ASSERT(t[i - 1].base + t[i - 1].size <= t[i].base);
		if (i && t[i - 1].base + t[i - 1].size == t[i].base)
			FUZZ_ASSERT(t[i - 1].type != t[i].type);
	}
	free(work);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct earlymem em;
	struct fuzz_sim sim;
	struct e820_in in;
	unsigned cfg;
	size_t work_bytes;
	uint8_t *raw;

	if (size < 1)
		return 0;
	cfg = data[0];
	in.count = (size - 1) / EM_E820_ENTRY_SIZE;
	raw = fuzz_dup(data + 1, in.count * EM_E820_ENTRY_SIZE);
	in.raw = raw;
	fuzz_sim_init(&sim, FUZZ_SIM_BASE, FUZZ_SIM_SIZE);
	fuzz_setup(&em, &sim, cfg);
	check_sanitized(raw, in.count);
	work_bytes = em_fw_work_bytes(&em, in.count);
	if (cfg & 0x10)
		work_bytes -= ((cfg >> 5) + 1) * 8u;
	fuzz_run_load(&em, load, &in, work_bytes);
	free(raw);
	return 0;
}
