/* SPDX-License-Identifier: MIT */
/*
 * emmap: shows the firmware memory map a kernel log printed, as earlymem
 * loads it. Hosted C11; links against build/host/libearlymem.a.
 */
#ifndef EMMAP_H
#define EMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One firmware map entry as the log printed it ([base, base + size)). */
struct fw_ent {
	uint64_t base;
	uint64_t size;
	uint32_t type; /* e820 type or EFI memory type */
	uint64_t attr; /* EFI Attribute (0 for e820) */
};

/* One SRAT memory affinity line. */
struct srat_ent {
	uint64_t base;
	uint64_t size;
	int node;
	bool hotplug;
	bool nonvolatile;
};

struct fw_list {
	struct fw_ent *v;
	size_t n, cap;
};

struct srat_list {
	struct srat_ent *v;
	size_t n, cap;
};

/* Everything recognized in the input. */
struct parsed {
	struct fw_list e820; /* BIOS-e820:, Xen: and (XEN) e820 lines */
	struct fw_list user; /* user: lines (the map after memmap= edits) */
	struct fw_list efi;  /* efi=debug lines, every format */
	struct srat_list srat;
	unsigned long bad; /* lines reported and skipped */
};

/* parse.c */
void parse_line(struct parsed *p, const char *line, const char *file, unsigned long lineno);
void parsed_free(struct parsed *p);

/* Where the table came from. */
enum source {
	SRC_NONE,
	SRC_E820,
	SRC_USER,
	SRC_EFI,
};

/* One region of the loaded instance, as the picture needs it. */
struct view_region {
	uint64_t base;
	uint64_t size;
	int node;
	uint32_t flags;
	const char *label;
};

/* What svg.c draws. */
struct view {
	const char *title;
	enum source source;
	const struct fw_ent *table; /* the sanitized firmware table */
	size_t ntable;
	const struct view_region *memory;
	size_t nmemory;
	const struct view_region *reserved;
	size_t nreserved;
	bool numa; /* SRAT lines were present */
};

/* svg.c */
int svg_write(FILE *f, const struct view *v);

/* main.c: names and sizes shared by the outputs. */
const char *fw_type_name(enum source src, uint32_t type, char *buf, size_t len);
const char *size_str(uint64_t bytes, char *buf, size_t len);

#endif
