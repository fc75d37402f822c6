// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: em_efi_load_map() on a UEFI memory map.
 *
 * Input: a configuration byte (fuzz.h FUZZ_CFG_*; bits 4-5: the options,
 * bit 6: an unknown option bit too, bit 7: cut the map to whole
 * descriptors), a descriptor size selector (below 16: one of 0, 1, 8, 24,
 * 39, 40, 41, 44, 48, 56, 64, 80, 4096, 4097, 65536, 2^63; otherwise
 * selector * 8), a descriptor version byte, then the map itself (its byte
 * size is the rest of the input). Checks as fuzz_e820.c, plus: a valid
 * descriptor size and options never give EM_EINVAL when the scratch is big
 * enough.
 */
#include "fuzz.h"

#include <earlymem/efi.h>

struct efi_in {
	const uint8_t *map;
	uint64_t map_size, desc_size;
	uint32_t version, options;
};

static int load(void *ctx, struct earlymem *em, void *work, size_t work_bytes)
{
	const struct efi_in *in = ctx;

	return em_efi_load_map(em, in->map, in->map_size, in->desc_size, in->version, in->options,
			       work, work_bytes, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t sizes[16] = {
		0, 1, 8, 24, 39, 40, 41, 44, 48, 56, 64, 80, 4096, 4097, 65536, 1ull << 63,
	};
	static struct earlymem em;
	struct fuzz_sim sim;
	struct efi_in in;
	unsigned cfg;
	size_t entries;
	uint8_t *map;
	bool valid;
	int err;

	if (size < 3)
		return 0;
	cfg = data[0];
	in.desc_size = data[1] < 16 ? sizes[data[1]] : data[1] * 8ull;
	in.version = data[2];
	in.options = (cfg >> 4) & 3u;
	if (cfg & 0x40)
		in.options |= 0x4u << (data[2] & 7);
	in.map_size = size - 3;
	if ((cfg & 0x80) && in.desc_size)
		in.map_size -= in.map_size % in.desc_size;
	map = fuzz_dup(data + 3, (size_t)in.map_size);
	in.map = map;
	entries = in.desc_size ? (size_t)(in.map_size / in.desc_size) : 0;
	fuzz_sim_init(&sim, FUZZ_SIM_BASE, FUZZ_SIM_SIZE);
	fuzz_setup(&em, &sim, cfg);
	valid = in.desc_size >= EM_EFI_DESC_MIN_SIZE && in.desc_size % 8 == 0 &&
		in.map_size % in.desc_size == 0 && !(in.options & ~3u);
	err = fuzz_run_load(&em, load, &in, em_fw_work_bytes(&em, entries));
	if (valid && err == EM_EINVAL)
		FUZZ_FAIL("a valid map (desc_size %llu, %zu entries) gave EM_EINVAL",
			  (unsigned long long)in.desc_size, entries);
	if (!valid && err != EM_EINVAL)
		FUZZ_FAIL("an invalid map (desc_size %llu, map_size %llu, options 0x%x) gave %d",
			  (unsigned long long)in.desc_size, (unsigned long long)in.map_size,
			  in.options, err);
	free(map);
	return 0;
}
