// SPDX-License-Identifier: MIT
/*
 * The public headers used from C++ (make cxx-test): every header included,
 * types named without the struct keyword, the loop macros expanded, and
 * the C library linked through the headers' extern "C". Built with g++
 * and clang++ under -Wall -Wextra -Wpedantic -Wshadow -Werror (a function
 * and a struct of one name, for instance, fail -Wshadow in C++), then
 * run: each step checks exact results and the program exits non-zero on
 * the first mismatch.
 */
#include <earlymem.h>
#include <earlymem/acpi.h>
#include <earlymem/config.h>
#include <earlymem/e820.h>
#include <earlymem/efi.h>
#include <earlymem/firmware.h>
#include <earlymem/handoff.h>
#include <earlymem/limine.h>
#include <earlymem/multiboot2.h>
#include <earlymem/x86.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

static earlymem em;

static void expect(bool ok, const char *what)
{
	if (!ok) {
		std::fprintf(stderr, "cxx-test: %s\n", what);
		std::exit(1);
	}
}

/* One packed 20-byte e820 entry. */
static void put_e820(unsigned char *at, uint64_t addr, uint64_t size, uint32_t type)
{
	std::memcpy(at, &addr, 8);
	std::memcpy(at + 8, &size, 8);
	std::memcpy(at + 16, &type, 4);
}

struct released {
	uint64_t bytes;
	uint64_t blocks;
	bool misaligned;
};

static void release_block(void *ctx, uint64_t base, unsigned int order, int, uint32_t)
{
	released *r = static_cast<released *>(ctx);
	uint64_t size = static_cast<uint64_t>(EM_PAGE_SIZE) << order;

	r->bytes += size;
	r->blocks++;
	if (base % size)
		r->misaligned = true;
}

int main()
{
	unsigned char raw[3 * EM_E820_ENTRY_SIZE];
	static uint64_t work[4096];
	em_fw_stats fw;
	em_request req;
	em_iter it;
	uint64_t addr = 0, ranges = 0, bytes = 0;

	em_init(&em);
	/* RAM from 1 MiB, a firmware-reserved MiB at 16 MiB, RAM again up to 128 MiB. */
	put_e820(raw, 0x100000, 0xf00000, EM_E820_RAM);
	put_e820(raw + EM_E820_ENTRY_SIZE, 0x1000000, 0x100000, EM_E820_RESERVED);
	put_e820(raw + 2 * EM_E820_ENTRY_SIZE, 0x1100000, 0x6f00000, EM_E820_RAM);
	expect(em_fw_work_bytes(&em, 3) <= sizeof(work), "scratch too small");
	expect(em_e820_load_raw(&em, raw, 3, work, sizeof(work), &fw) == 0, "e820 load");
	/* e820 type 2 is neither memory nor a reservation (earlymem/e820.h). */
	expect(em_memory_size(&em) == 0xf00000 + 0x6f00000, "memory size");
	expect(em_reserved_size(&em) == 0, "reserved size");

	expect(em_reserve_label(&em, 0x200000, 0x200000, "kernel") == 0, "reserve");
	std::memset(&req, 0, sizeof(req));
	req.size = 0x3000;
	req.align = 0x1000;
	req.max = EM_ALLOC_ANYWHERE;
	req.node = EM_NODE_ANY;
	req.flags = EM_ALLOC_BOTTOM_UP;
	expect(em_alloc_req(&em, &req, &addr) == 0 && addr == 0x100000, "bottom-up allocation");

	/* Free ranges: [1 MiB + 12 KiB, 2 MiB), [4 MiB, 16 MiB), [17 MiB, 128 MiB). */
	em_for_each_free_range(it, &em, EM_NODE_ANY, 0)
	{
		ranges++;
		bytes += it.size;
	}
	expect(ranges == 3 && bytes == em_free_size(&em), "free walk");
	ranges = 0;
	em_for_each_free_range(it, &em, EM_NODE_ANY, 0)
	{
		if (++ranges == 2)
			break;
	}
	expect(it.base == 0x400000 && em_iter_next(&it) && it.base == 0x1100000 &&
		       !em_iter_next(&it),
	       "free walk resumed after break");
	ranges = 0;
	em_for_each_reserved_range(it, &em)
		ranges++;
	expect(ranges == 2, "reserved walk: the allocation merged with nothing else");

	released r = { 0, 0, false };
	em_handoff_ops ops;
	em_handoff_stats st;

	std::memset(&ops, 0, sizeof(ops));
	ops.release_block = release_block;
	ops.max_order = 10;
	ops.ctx = &r;
	expect(em_handoff(&em, &ops, &st) == 0, "handoff");
	expect(r.bytes == st.released_bytes && r.blocks == st.released_count && !r.misaligned,
	       "handoff blocks");
	expect(r.bytes == 0x100000 - 0x3000 + 0xc00000 + 0x6f00000, "handoff bytes");
	/*
	 * Pages 0x103-0x1ff: orders 0, 2, 3, 4, 5, 6, 7; 0x400-0xfff: three of
	 * order 10; 0x1100-0x7fff: 8, 9, then 27 of order 10.
	 */
	expect(r.blocks == 7 + 3 + 29, "handoff block count");
	std::printf("cxx-test: %s built as C++, loaded, walked and handed off %llu blocks\n",
		    EM_VERSION, static_cast<unsigned long long>(r.blocks));
	return 0;
}
