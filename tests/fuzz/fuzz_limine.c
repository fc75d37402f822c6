// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: em_limine_load_entries() / em_limine_load() on a
 * Limine memory map built from the input.
 *
 * Input: a configuration byte (fuzz.h FUZZ_CFG_*; bit 4: types taken
 * modulo 10, so the known ones come up often; bit 5: through
 * em_limine_load() and a response; bit 6: one entry pointer NULL; bit 7:
 * scratch cut by 8), then 24-byte entries (u64 base, length, type). Each
 * entry is its own heap block, so ASan sees any read past one. Checks:
 * em_check(), failure-atomicity, nothing lost, a second load is a no-op, a
 * NULL entry pointer gives EM_EINVAL.
 */
#include "fuzz.h"

#include <earlymem/limine.h>

struct limine_in {
	const struct em_limine_entry *const *entries;
	size_t count;
	bool response;
};

static int load(void *ctx, struct earlymem *em, void *work, size_t work_bytes)
{
	const struct limine_in *in = ctx;
	struct em_fw_stats st;

	if (in->response) {
		struct em_limine_memmap_response r = { 3, in->count, in->entries };

		return em_limine_load(em, &r, work, work_bytes, &st);
	}
	return em_limine_load_entries(em, in->entries, in->count, work, work_bytes, &st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct earlymem em;
	struct fuzz_sim sim;
	struct limine_in in;
	struct em_limine_entry **v;
	unsigned cfg;
	size_t work_bytes;
	int err;

	if (size < 1)
		return 0;
	cfg = data[0];
	in.count = (size - 1) / 24;
	in.response = cfg & 0x20;
	v = calloc(in.count + 1, sizeof(*v));
	FUZZ_ASSERT(v);
	for (size_t i = 0; i < in.count; i++) {
		const uint8_t *p = data + 1 + i * 24;

		v[i] = malloc(sizeof(**v));
		FUZZ_ASSERT(v[i]);
		v[i]->base = fuzz_le(p, 8);
		v[i]->length = fuzz_le(p + 8, 8);
		v[i]->type = fuzz_le(p + 16, 8);
		if (cfg & 0x10)
			v[i]->type %= 10;
	}
	in.entries = (const struct em_limine_entry *const *)v;
	fuzz_sim_init(&sim, FUZZ_SIM_BASE, FUZZ_SIM_SIZE);
	fuzz_setup(&em, &sim, cfg & 0xf);
	work_bytes = em_fw_work_bytes(&em, in.count);
	if (cfg & 0x80)
		work_bytes -= 8;
	if ((cfg & 0x40) && in.count) {
		struct em_limine_entry *hole = v[in.count / 2];

		v[in.count / 2] = NULL;
		err = fuzz_run_load(&em, load, &in, work_bytes);
		if (err != EM_EINVAL)
			FUZZ_FAIL("a NULL entry pointer gave %d", err);
		v[in.count / 2] = hole;
	} else {
		fuzz_run_load(&em, load, &in, work_bytes);
	}
	for (size_t i = 0; i < in.count; i++)
		free(v[i]);
	free(v);
	return 0;
}
