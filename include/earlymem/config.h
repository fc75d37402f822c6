/* SPDX-License-Identifier: MIT */
/*
 * earlymem compile-time configuration.
 *
 * Every value can be overridden with -D on the compiler command line; the
 * library and every file that includes <earlymem.h> must agree, because the
 * values shape struct earlymem.
 */
#ifndef EARLYMEM_CONFIG_H
#define EARLYMEM_CONFIG_H

/*
 * Entries in each static region array inside struct earlymem before it
 * doubles (memblock: 128). The default fills one 256-slot ring exactly (two
 * slots are spares): 8 KiB per array, and firmware maps of a few hundred
 * entries load without doubling.
 */
#ifndef EM_STATIC_REGIONS
#define EM_STATIC_REGIONS 254
#endif

/* Number of NUMA nodes the instance knows about: node ids are 0..EM_MAX_NODES-1. */
#ifndef EM_MAX_NODES
#define EM_MAX_NODES 64
#endif

/* Page size used for array doubling (storage is page-aligned and page-rounded). */
#ifndef EM_PAGE_SIZE
#define EM_PAGE_SIZE 4096u
#endif

/*
 * Largest chunk of doubled region storage, as a power of two: chunks grow
 * with the array (about 2 * sqrt(entries)) up to 2^EM_CHUNK_SHIFT_MAX
 * entries. Tests set it small to exercise chunk boundaries.
 */
#ifndef EM_CHUNK_SHIFT_MAX
#define EM_CHUNK_SHIFT_MAX 20
#endif

/*
 * The static storage is chunks of 2^EM_STATIC_CHUNK_SHIFT entries, as many
 * as hold EM_STATIC_REGIONS + 2 (derived: do not set these): one ring, the
 * smallest power of two from 16 up that holds them, up to 256 slots
 * (several rings of 256 beyond), and never more than 2^EM_CHUNK_SHIFT_MAX. One ring is the
 * fastest layout at these sizes (docs/decisions.md, "Region storage").
 */
#if EM_STATIC_REGIONS + 2 <= 16
#define EM__STATIC_RING_SHIFT 4
#elif EM_STATIC_REGIONS + 2 <= 32
#define EM__STATIC_RING_SHIFT 5
#elif EM_STATIC_REGIONS + 2 <= 64
#define EM__STATIC_RING_SHIFT 6
#elif EM_STATIC_REGIONS + 2 <= 128
#define EM__STATIC_RING_SHIFT 7
#else
#define EM__STATIC_RING_SHIFT 8
#endif
#if EM_CHUNK_SHIFT_MAX < EM__STATIC_RING_SHIFT
#define EM_STATIC_CHUNK_SHIFT EM_CHUNK_SHIFT_MAX
#else
#define EM_STATIC_CHUNK_SHIFT EM__STATIC_RING_SHIFT
#endif
#define EM_STATIC_CHUNKS \
	((EM_STATIC_REGIONS + 2 + (1 << EM_STATIC_CHUNK_SHIFT) - 1) >> EM_STATIC_CHUNK_SHIFT)
#define EM_STATIC_SLOTS (EM_STATIC_CHUNKS << EM_STATIC_CHUNK_SHIFT)

#if EM_STATIC_REGIONS < 2
#error "EM_STATIC_REGIONS must be at least 2"
#endif
#if EM_MAX_NODES < 1 || EM_MAX_NODES > 64
#error "EM_MAX_NODES must be between 1 and 64 (node sets are 64-bit masks)"
#endif
#if EM_CHUNK_SHIFT_MAX < 1 || EM_CHUNK_SHIFT_MAX > 24
#error "EM_CHUNK_SHIFT_MAX must be between 1 and 24"
#endif
#if (EM_PAGE_SIZE & (EM_PAGE_SIZE - 1)) != 0
#error "EM_PAGE_SIZE must be a power of two"
#endif

#endif
