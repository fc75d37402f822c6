// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: operation sequences replayed against the library and
 * the reference model (tests/model/model.h) side by side. Built with tiny
 * static arrays and 16-byte pages (make's small configuration), so EM_ENOSPC
 * and array doubling happen all the time.
 *
 * Input: a configuration byte (bit 0: arrays may double into simulated
 * memory far above the model's space; bit 1: the model's 384-byte space
 * sits at the very top of the address space, ending at EM_ADDR_END, instead
 * of at 0; bit 2: em_handoff() at the end, without doubling), then 8-byte
 * operations:
 *   [0] kind % 13 (enum model_op_kind)
 *   [1..2] b: first cell, le16 % 384     [3..4] len: le16 % (385 - b)
 *   [5] bits 0-1: node - 1 (-1..2), bits 2-5: region flags
 *   [6] bits 0-1: label, bit 2: bottom-up, bits 3-5: log2 align,
 *       bit 7: exact node (allocations)
 *   [7] allocation size - 1 (mod 32); em_limit(): bytes kept is le16 [3..4] % 385
 * Allocations use the window [off + b, off + b + len), or no upper bound
 * when len is 0.
 *
 * Checks after every operation: the error code and allocated address equal
 * the model's; a failed call left the instance exactly as it was (arrays,
 * storage, counts, flags); em_check() is clean; both tables equal the
 * model's; the free-range walks (both directions) equal the model's. At the
 * end (bit 2): every range and total em_handoff() reports equals the model's.
 */
#include "fuzz.h"
#include "model.h"

static const char *const labels[] = { NULL, "kernel", "initrd", "acpi" };

static struct model_op decode(const uint8_t *p, uint64_t off, bool resize)
{
	uint64_t b = fuzz_le(p + 1, 2) % MODEL_SPACE;
	uint64_t len = fuzz_le(p + 3, 2) % (MODEL_SPACE - b + 1);
	int node = (p[5] & 3) - 1;
	uint32_t flags = (p[5] >> 2) & EM_REGION_FLAGS;
	struct model_op o = {
		.kind = (enum model_op_kind)(p[0] % 13),
		.b = b,
		.len = len,
		.node = node,
		.flags = flags,
		.label = labels[p[6] & 3],
		.up = p[6] & 4,
		.align = 1ull << ((p[6] >> 3) & 7),
		.size = 1 + (p[7] & 31),
		.min = off + b,
		.max = len ? off + b + len : EM_ALLOC_ANYWHERE,
	};

	switch (o.kind) {
	case MODEL_MARK:
	case MODEL_CLEAR:
		if (!o.flags)
			o.flags = EM_HOTPLUG;
		break;
	case MODEL_ALLOC:
		if (!(p[6] & 0x80))
			o.node = -1;
		else if (o.node < 0)
			o.node = 0;
		break;
	case MODEL_ALLOC_PREF:
		o.node = (p[5] & 3) % MODEL_NODES;
		o.flags = 0;
		break;
	case MODEL_LIMIT:
		o.size = fuzz_le(p + 3, 2) % (MODEL_SPACE + 1);
		break;
	case MODEL_CAP:
		break;
	default:
		break;
	}
	if (resize) {
		/* Cap and limit would cut the memory the arrays double into. */
		if (o.kind == MODEL_CAP || o.kind == MODEL_LIMIT)
			o.kind = MODEL_ALLOC_AT;
		if (o.max > off + MODEL_SPACE)
			o.max = off + MODEL_SPACE;
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct earlymem em;
	static struct model m;
	struct fuzz_sim sim;
	bool resize, handoff;
	uint64_t off;

	if (size < 1)
		return 0;
	resize = data[0] & 1;
	off = (data[0] & 2) ? EM_ADDR_END - MODEL_SPACE : 0;
	handoff = (data[0] & 4) && !resize;
	model_init(&m, off, resize);
	em_init(&em);
	if (resize) {
		struct em_hooks h = { .phys_to_virt = fuzz_phys_to_virt, .ctx = &sim };

		fuzz_sim_init(&sim, MODEL_SIM_BASE, MODEL_SIM_SIZE);
		em_set_hooks(&em, &h);
		FUZZ_ASSERT(em_add(&em, MODEL_SIM_BASE, MODEL_SIM_SIZE) == 0);
		FUZZ_ASSERT(em_allow_resize(&em) == 0);
	}
	for (size_t i = 1; i + 8 <= size; i += 8) {
		struct model_op o = decode(data + i, off, resize);
		struct fuzz_snap s;
		int err;

		fuzz_snap_take(&s, &em);
		if (!model_step(&m, &em, &o, &err))
			FUZZ_FAIL("operation %zu (%s) differs from the model", i / 8,
				  model_op_name(o.kind));
		if (err)
			fuzz_snap_assert_same(&s, &em, err);
		fuzz_snap_free(&s);
		if (!model_compare(&m, &em))
			FUZZ_FAIL("tables differ from the model after operation %zu (%s)", i / 8,
				  model_op_name(o.kind));
		if (!model_compare_free_walks(&m, &em))
			FUZZ_FAIL("free walks differ after operation %zu (%s)", i / 8,
				  model_op_name(o.kind));
	}
	if (handoff && !model_check_handoff(&m, &em))
		FUZZ_FAIL("em_handoff() differs from the model");
	return 0;
}
