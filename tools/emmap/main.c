// SPDX-License-Identifier: MIT
/*
 * emmap: paste a kernel log, see the memory map.
 *
 *   build/emmap [--summary] [--svg OUT.svg] [--user] FILE...    (- is stdin)
 *
 * Reads the memory map lines of a kernel log (e820 in every format Linux
 * and Xen print, the UEFI map of efi=debug, ACPI SRAT memory affinity),
 * rebuilds the firmware table (raw 20-byte e820 entries, or a UEFI memory
 * map with 48-byte descriptors), loads it with the same loader a kernel
 * uses (em_e820_load_raw(), em_efi_load_map() with EM_EFI_DEFAULT), sets
 * the SRAT nodes (em_set_node(); em_mark(EM_HOTPLUG) for hotplug ranges)
 * and shows the result. All FILEs are read as one log. tools/emmap/README.md
 * says more.
 *
 * Which map. A log with a UEFI map is shown from the UEFI map (it is what
 * the e820 map was made from); otherwise from the BIOS-e820 lines (and
 * "Xen: [mem" / Xen hypervisor lines, which are the firmware map of a Xen
 * guest / host). "user: [mem" lines are the kernel's map after memmap=
 * edits, not the firmware's: they are used only when the log has no other
 * map (a note on stderr says so) or with --user.
 *
 * Region arrays. The instance starts on its static arrays (254 entries by default).
 * When a map needs more, emmap loads it again with resizing allowed: it
 * adds a block of scratch RAM of its own, as high as possible and at least
 * 2 MiB away from everything the load makes memory or reservations and from
 * every SRAT range, and sets the current limit to its end, so every
 * doubled array lands in it. The phys_to_virt hook translates that block
 * into a MAP_NORESERVE anonymous mapping (nothing else is ever translated),
 * so a map at 12 TiB needs no 12 TiB of host memory. The block is not part of the firmware
 * map: --summary, the SVG and the region counts leave it (and the
 * "earlymem" reservations inside it) out, which is exact because nothing
 * of the map touches it; the em_dump() output marks it.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <earlymem.h>
#include <earlymem/e820.h>
#include <earlymem/efi.h>
#include <earlymem/handoff.h>
#include <earlymem/x86.h>

#include "emmap.h"

#define EFI_DESC_SIZE 48u
#define MAX_LINE (1u << 20)
#define GUARD 0x200000ull /* scratch is this far from anything in the map, and aligned to it */

static void usage(FILE *f)
{
	fputs("usage: emmap [options] FILE...   (- reads stdin; all files form one log)\n"
	      "\n"
	      "Shows the firmware memory map a kernel log printed (e820, UEFI efi=debug,\n"
	      "ACPI SRAT) as earlymem loads it.\n"
	      "\n"
	      "  --summary      print only key=value totals (source, entries, memory,\n"
	      "                 reserved, memory per SRAT node)\n"
	      "  --svg OUT.svg  also draw the physical address space into OUT.svg\n"
	      "  --user         use the user: map (after memmap= edits) even when the\n"
	      "                 log has the firmware's BIOS-e820 map\n"
	      "  --x86-low      then reserve page 0 and the first MiB as an x86 kernel\n"
	      "                 does (em_x86_reserve_low(); not in --summary)\n"
	      "  --handoff-order K\n"
	      "                 then hand the map off (em_handoff(), blocks of at most\n"
	      "                 2^K pages, K = 0..51) and print handoff_* totals\n"
	      "  -h, --help     this text\n",
	      f);
}

/* ------------------------------------------------------------------------ */
/* Names and sizes                                                          */

const char *fw_type_name(enum source src, uint32_t type, char *buf, size_t len)
{
	const char *name = src == SRC_EFI ? em_efi_type_name(type) : em_e820_type_name(type);

	if (strcmp(name, "unknown") != 0)
		return name;
	snprintf(buf, len, "type %u", (unsigned)type);
	return buf;
}

const char *size_str(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	double v = (double)bytes;

	while (u < 6 && bytes >> (10 * (u + 1)))
		u++;
	v = (double)bytes / (double)(1ull << (10 * u));
	if (u == 0 || bytes % (1ull << (10 * u)) == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)(bytes >> (10 * u)), units[u]);
	else if (v < 10)
		snprintf(buf, len, "%.2f %s", v, units[u]);
	else if (v < 100)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.0f %s", v, units[u]);
	return buf;
}

/* ------------------------------------------------------------------------ */
/* Input                                                                    */

static int read_log(struct parsed *p, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	char *line = malloc(MAX_LINE + 1);
	unsigned long lineno = 0;
	bool more = true;

	if (!f || !line) {
		fprintf(stderr, "emmap: %s: %s\n", name, f ? "out of memory" : strerror(errno));
		free(line);
		if (f && f != stdin)
			fclose(f);
		return -1;
	}
	while (more) {
		size_t n = 0;
		bool long_line = false;
		int c;

		while ((c = getc(f)) != EOF && c != '\n') {
			if (n < MAX_LINE)
				line[n++] = c ? (char)c :
						' '; /* a NUL byte does not end the line */
			else
				long_line = true;
		}
		if (c == EOF) {
			more = false;
			if (n == 0 && !long_line)
				break;
		}
		line[n] = '\0';
		lineno++;
		if (long_line) {
			fprintf(stderr, "emmap: %s:%lu: line longer than %u bytes skipped\n", name,
				lineno, MAX_LINE);
			p->bad++;
			continue;
		}
		parse_line(p, line, name, lineno);
	}
	more = ferror(f); /* reused: a read error */
	if (more)
		fprintf(stderr, "emmap: %s: read error\n", name);
	free(line);
	if (f != stdin)
		fclose(f);
	return more ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */

struct ctx {
	struct earlymem em;
	enum source source;
	const struct fw_list *fw; /* the chosen entries */
	const struct srat_list *srat;
	unsigned char *raw; /* the rebuilt firmware table */
	uint64_t raw_bytes;
	struct em_fw_stats stats;
	/* The scratch block the doubled arrays live in (size 0: none). */
	uint64_t sbase, ssize;
	unsigned char *shost;
	unsigned int handoff_order;
};

static bool in_scratch(const struct ctx *c, uint64_t addr)
{
	return c->ssize && addr >= c->sbase && addr - c->sbase < c->ssize;
}

static void *p2v(void *ctx, uint64_t phys)
{
	struct ctx *c = ctx;

	return in_scratch(c, phys) ? c->shost + (phys - c->sbase) : NULL;
}

/* em_dump() lines go to stdout; lines about the scratch block say so. */
static void log_line(void *ctx, const char *line)
{
	struct ctx *c = ctx;
	const char *r = strstr(line, "] [0x");
	size_t n = strlen(line);

	if (c->ssize && r) {
		uint64_t base = strtoull(r + 3, NULL, 16);

		if (in_scratch(c, base)) {
			if (n && line[n - 1] == '\n')
				n--;
			printf("%.*s   <- emmap scratch RAM for the doubled arrays, not in the map\n",
			       (int)n, line);
			return;
		}
	}
	fputs(line, stdout);
}

static void put_le(unsigned char *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

/* The firmware table as the firmware hands it over. */
static void rebuild_table(struct ctx *c)
{
	size_t n = c->fw->n;

	if (c->source == SRC_EFI) {
		c->raw_bytes = (uint64_t)n * EFI_DESC_SIZE;
		c->raw = calloc(n ? n : 1, EFI_DESC_SIZE);
	} else {
		c->raw_bytes = (uint64_t)n * EM_E820_ENTRY_SIZE;
		c->raw = calloc(n ? n : 1, EM_E820_ENTRY_SIZE);
	}
	if (!c->raw) {
		fputs("emmap: out of memory\n", stderr);
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		const struct fw_ent *e = &c->fw->v[i];

		if (c->source == SRC_EFI) {
			unsigned char *d = c->raw + i * EFI_DESC_SIZE;

			put_le(d, e->type, 4);
			put_le(d + 8, e->base, 8);		       /* PhysicalStart */
			put_le(d + 16, 0, 8);			       /* VirtualStart */
			put_le(d + 24, e->size / EM_EFI_PAGE_SIZE, 8); /* NumberOfPages */
			put_le(d + 32, e->attr, 8);		       /* Attribute */
		} else {
			unsigned char *d = c->raw + i * EM_E820_ENTRY_SIZE;

			put_le(d, e->base, 8);
			put_le(d + 8, e->size, 8);
			put_le(d + 16, e->type, 4);
		}
	}
}

struct span {
	uint64_t base, end;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

static uint64_t end_of(uint64_t base, uint64_t size)
{
	return size > UINT64_MAX - base ? UINT64_MAX : base + size;
}

/* Whether the loader makes @e memory or a reservation (see e820.h, efi.h). */
static bool loaded(enum source src, const struct fw_ent *e)
{
	if (src != SRC_EFI)
		return e->type == EM_E820_RAM || e->type == EM_E820_SOFT_RESERVED;
	switch (e->type) {
	case EM_EFI_LOADER_CODE:
	case EM_EFI_LOADER_DATA:
	case EM_EFI_BOOT_SERVICES_CODE:
	case EM_EFI_BOOT_SERVICES_DATA:
	case EM_EFI_CONVENTIONAL:
	case EM_EFI_UNACCEPTED:
		return true;
	default:
		return false;
	}
}

/*
 * Places the scratch block: the highest GUARD-aligned stretch of @bytes at
 * least GUARD away from everything the load turns into memory or
 * reservations and from every SRAT range (entries that are neither, such
 * as e820 "reserved" or EFI MMIO, may lie under it: earlymem never sees
 * them). False if there is none.
 */
static bool place_scratch(struct ctx *c, uint64_t bytes)
{
	size_t n = c->fw->n + c->srat->n, k = 0, m = 0;
	struct span *s = calloc(n ? n : 1, sizeof(*s));
	bool ok = false;

	if (!s)
		return false;
	for (size_t i = 0; i < c->fw->n; i++)
		if (loaded(c->source, &c->fw->v[i]))
			s[k++] = (struct span){ c->fw->v[i].base,
						end_of(c->fw->v[i].base, c->fw->v[i].size) };
	for (size_t i = 0; i < c->srat->n; i++)
		s[k++] = (struct span){ c->srat->v[i].base,
					end_of(c->srat->v[i].base, c->srat->v[i].size) };
	qsort(s, k, sizeof(*s), span_cmp);
	/* Merge into disjoint spans s[0..m). */
	for (size_t i = 0; i < k; i++) {
		if (m && s[i].base <= s[m - 1].end) {
			if (s[i].end > s[m - 1].end)
				s[m - 1].end = s[i].end;
		} else {
			s[m++] = s[i];
		}
	}
	/* The holes, from the top down: [lo, hi). */
	for (size_t i = m + 1; i-- > 0 && !ok;) {
		uint64_t lo = i ? s[i - 1].end : 0, hi = i < m ? s[i].base : UINT64_MAX, base;

		if (hi < GUARD || ((hi - GUARD) & ~(GUARD - 1)) < bytes)
			continue;
		base = ((hi - GUARD) & ~(GUARD - 1)) - bytes;
		if (base >= lo && base - lo >= GUARD) {
			c->sbase = base;
			c->ssize = bytes;
			ok = true;
		}
	}
	free(s);
	return ok;
}

static int build(struct ctx *c, bool scratch, bool last, const char **step)
{
	const struct em_hooks hooks = {
		.phys_to_virt = p2v,
		.log = log_line,
		.ctx = c,
	};
	size_t n = c->fw->n, work_bytes;
	void *work;
	int err = 0;

	em_init(&c->em);
	em_set_hooks(&c->em, &hooks);
	if (scratch) {
		*step = "adding scratch RAM";
		err = em_add(&c->em, c->sbase, c->ssize);
		if (!err)
			err = em_allow_resize(&c->em);
		if (err)
			return err;
		em_set_current_limit(&c->em, c->sbase + c->ssize);
	}

	memset(&c->stats, 0, sizeof(c->stats));
	if (n) {
		*step = "loading the firmware map";
		work_bytes = em_fw_work_bytes(&c->em, n);
		work = malloc(work_bytes);
		if (!work) {
			fputs("emmap: out of memory\n", stderr);
			exit(1);
		}
		if (c->source == SRC_EFI)
			err = em_efi_load_map(&c->em, c->raw, c->raw_bytes, EFI_DESC_SIZE, 1,
					      EM_EFI_DEFAULT, work, work_bytes, &c->stats);
		else
			err = em_e820_load_raw(&c->em, c->raw, n, work, work_bytes, &c->stats);
		free(work);
		if (err)
			return err;
	}

	/*
	 * SRAT: a range earlymem refuses is reported and skipped, except that
	 * a full array (EM_ENOSPC) before the last attempt sends load() on to
	 * the attempt with scratch RAM.
	 */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < c->srat->n; i++) {
			const struct srat_ent *r = &c->srat->v[i];
			uint64_t size = r->size > EM_ADDR_END - r->base ? EM_ADDR_END - r->base :
									  r->size;

			if (pass == 0)
				err = em_set_node(&c->em, r->base, size, r->node);
			else if (r->hotplug)
				err = em_mark(&c->em, r->base, size, EM_HOTPLUG);
			else
				continue;
			if (err == EM_ENOSPC && !last) {
				*step = "setting SRAT nodes";
				return err;
			}
			if (err)
				fprintf(stderr,
					"emmap: SRAT range [0x%llx-0x%llx) node %d not applied: "
					"%s\n",
					(unsigned long long)r->base,
					(unsigned long long)(r->base + size), r->node,
					em_strerror(err));
		}
	}
	return 0;
}

/* Loads on the static arrays; when they are too small, again with scratch RAM. */
static int load(struct ctx *c)
{
	const char *step = "";
	uint64_t bytes;
	int err = build(c, false, false, &step);

	if (err != EM_ENOSPC)
		goto out;
	/*
	 * Generous: 32 bytes a region, arrays doubling (old and new storage
	 * at once), splits by SRAT ranges; MAP_NORESERVE costs only what is
	 * touched.
	 */
	bytes = (64ull << 20) + ((uint64_t)c->fw->n + 2 * (uint64_t)c->srat->n) * 1024;
	bytes = (bytes + GUARD - 1) & ~(GUARD - 1);
	if (!place_scratch(c, bytes)) {
		fputs("emmap: no room in the address space for scratch RAM: the arrays cannot grow "
		      "beyond their static storage\n",
		      stderr);
	} else {
		c->shost = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (c->shost == MAP_FAILED) {
			fprintf(stderr, "emmap: mmap of %llu bytes failed\n",
				(unsigned long long)bytes);
			c->shost = NULL;
			c->ssize = 0;
		}
	}
	err = build(c, c->ssize != 0, true, &step);
out:
	if (err)
		fprintf(stderr, "emmap: %s failed: %s\n", step, em_strerror(err));
	return err;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */

struct totals {
	uint64_t memory_bytes, reserved_bytes;
	uint64_t memory_regions, reserved_regions;
	uint64_t node_bytes[EM_MAX_NODES];
};

static void totals(const struct ctx *c, struct totals *t)
{
	struct em_iter it;

	memset(t, 0, sizeof(*t));
	em_for_each_mem_range(it, &c->em, EM_NODE_ANY, EM_SKIP_FLAGS) {
		if (in_scratch(c, it.base))
			continue;
		t->memory_bytes += it.size;
		t->memory_regions++;
		if (it.node >= 0 && it.node < EM_MAX_NODES)
			t->node_bytes[it.node] += it.size;
	}
	em_for_each_reserved_range(it, &c->em) {
		if (in_scratch(c, it.base))
			continue;
		t->reserved_bytes += it.size;
		t->reserved_regions++;
	}
}

static void print_summary(const struct ctx *c)
{
	struct totals t;
	bool node[EM_MAX_NODES] = { false };

	totals(c, &t);
	printf("source=%s\n", c->source == SRC_EFI  ? "efi" :
			      c->source == SRC_NONE ? "none" :
						      "e820");
	printf("entries=%u\n", (unsigned)c->stats.entries);
	printf("memory_bytes=%llu\n", (unsigned long long)t.memory_bytes);
	printf("memory_regions=%llu\n", (unsigned long long)t.memory_regions);
	printf("reserved_bytes=%llu\n", (unsigned long long)t.reserved_bytes);
	printf("reserved_regions=%llu\n", (unsigned long long)t.reserved_regions);
	for (size_t i = 0; i < c->srat->n; i++)
		node[c->srat->v[i].node] = true;
	for (int i = 0; i < EM_MAX_NODES; i++)
		if (node[i])
			printf("node%d_memory_bytes=%llu\n", i,
			       (unsigned long long)t.node_bytes[i]);
}

static const char *source_desc(enum source s)
{
	switch (s) {
	case SRC_E820:
		return "BIOS-e820 map";
	case SRC_USER:
		return "user: e820 map (after memmap= edits)";
	case SRC_EFI:
		return "UEFI memory map (efi=debug)";
	default:
		return "no memory map";
	}
}

static void efi_attr_str(uint64_t attr, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s attr=0x%llx", attr & EM_EFI_MEMORY_RUNTIME ? " RUN" : "",
		 attr & EM_EFI_MEMORY_MORE_RELIABLE ? " MR" : "",
		 attr & EM_EFI_MEMORY_SP ? " SP" : "",
		 attr & EM_EFI_MEMORY_HOT_PLUGGABLE ? " HP" : "", (unsigned long long)attr);
}

/* The sanitized table (sanitized again here: the one-call loaders keep it to themselves). */
static int sanitized(const struct ctx *c, const struct em_fw_entry **table, size_t *n, void **work,
		     struct em_fw_stats *st)
{
	size_t count = c->fw->n, bytes = EM_FW_WORK_BYTES(count);
	int err;

	*table = NULL;
	*n = 0;
	*work = malloc(bytes);
	if (!*work)
		return EM_ENOMEM;
	if (c->source == SRC_EFI)
		err = em_efi_sanitize(c->raw, c->raw_bytes, EFI_DESC_SIZE, 1, *work, bytes, table,
				      n, st);
	else
		err = em_e820_sanitize(c->raw, count, *work, bytes, table, n, st);
	return err;
}

static void print_full(struct ctx *c, const struct em_fw_entry *table, size_t n,
		       const struct em_fw_stats *st, const char *inputs)
{
	char a[32], b[64], d[64];

	printf("emmap: %s: %s, %u entries read\n", inputs, source_desc(c->source),
	       (unsigned)st->entries);
	printf("firmware table, sanitized: %zu entries (%u empty, %u clamped, %u overlapping, "
	       "%u merged)\n",
	       n, (unsigned)st->empty, (unsigned)st->clamped, (unsigned)st->overlapping,
	       (unsigned)st->merged);
	for (size_t i = 0; i < n; i++) {
		const struct em_fw_entry *e = &table[i];

		b[0] = '\0';
		if (c->source == SRC_EFI)
			efi_attr_str(e->attr, b, sizeof(b));
		printf("  [0x%016llx-0x%016llx) %10s  %s%s\n", (unsigned long long)e->base,
		       (unsigned long long)(e->base + e->size), size_str(e->size, a, sizeof(a)),
		       fw_type_name(c->source, e->type, d, sizeof(d)), b);
	}
	printf("loaded: %s of memory in %u ranges (%s dropped to keep whole pages), %u ranges "
	       "reserved by the loader\n",
	       size_str(c->stats.memory_bytes - c->stats.trimmed_bytes, a, sizeof(a)),
	       (unsigned)c->stats.memory_ranges, size_str(c->stats.trimmed_bytes, b, sizeof(b)),
	       (unsigned)c->stats.reserved_ranges);
	if (c->srat->n) {
		printf("SRAT: %zu memory affinity ranges\n", c->srat->n);
		for (size_t i = 0; i < c->srat->n; i++) {
			const struct srat_ent *r = &c->srat->v[i];

			printf("  [0x%016llx-0x%016llx) %10s  node %d%s%s\n",
			       (unsigned long long)r->base,
			       (unsigned long long)end_of(r->base, r->size),
			       size_str(r->size, a, sizeof(a)), r->node,
			       r->hotplug ? " hotplug" : "", r->nonvolatile ? " non-volatile" : "");
		}
	}
	if (c->ssize)
		printf("note: more than %u regions: the arrays doubled into emmap's scratch RAM at "
		       "[0x%llx-0x%llx), which the counts of the dump include\n",
		       (unsigned)EM_STATIC_REGIONS, (unsigned long long)c->sbase,
		       (unsigned long long)(c->sbase + c->ssize));
	fflush(stdout);
	em_dump(&c->em);
}

static struct view_region *regions_of(const struct ctx *c, bool reserved, size_t *n)
{
	const struct em_array *a = reserved ? &c->em.reserved : &c->em.memory;
	struct view_region *v = calloc(a->cnt ? a->cnt : 1, sizeof(*v));
	struct em_iter it;

	*n = 0;
	if (!v)
		return NULL;
	if (reserved) {
		em_for_each_reserved_range(it, &c->em) {
			if (!in_scratch(c, it.base) && *n < a->cnt)
				v[(*n)++] = (struct view_region){ it.base, it.size, it.node,
								  it.flags, it.label };
		}
	} else {
		em_for_each_mem_range(it, &c->em, EM_NODE_ANY, EM_SKIP_FLAGS) {
			if (!in_scratch(c, it.base) && *n < a->cnt)
				v[(*n)++] = (struct view_region){ it.base, it.size, it.node,
								  it.flags, it.label };
		}
	}
	return v;
}

static int write_svg(const struct ctx *c, const char *path, const struct em_fw_entry *table,
		     size_t ntable, const char *title)
{
	struct fw_ent *t = calloc(ntable ? ntable : 1, sizeof(*t));
	struct view v = { 0 };
	struct view_region *mem, *res;
	FILE *f;
	int err;

	mem = regions_of(c, false, &v.nmemory);
	res = regions_of(c, true, &v.nreserved);
	if (!t || !mem || !res) {
		fputs("emmap: out of memory\n", stderr);
		exit(1);
	}
	for (size_t i = 0; i < ntable; i++)
		t[i] = (struct fw_ent){ table[i].base, table[i].size, table[i].type,
					table[i].attr };
	v.title = title;
	v.source = c->source;
	v.table = t;
	v.ntable = ntable;
	v.memory = mem;
	v.reserved = res;
	v.numa = c->srat->n != 0;

	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "emmap: %s: %s\n", path, strerror(errno));
		err = -1;
	} else {
		err = svg_write(f, &v);
		if (fclose(f) != 0 || err) {
			fprintf(stderr, "emmap: %s: write error\n", path);
			err = -1;
		}
	}
	free(t);
	free(mem);
	free(res);
	return err;
}

/* ------------------------------------------------------------------------ */
/* Handoff                                                                  */

/*
 * What em_handoff() gave the firmware map. The scratch block (if any) is a
 * memory region of its own, GUARD away from everything else and
 * GUARD-aligned, holding only the doubled arrays (page-aligned "earlymem"
 * reservations): every block and every reserved piece lies inside one
 * memory region, so a callback whose base is in the block is entirely in
 * it and is left out, and the block trims nothing.
 */
struct handoff_count {
	const struct ctx *c;
	uint64_t released, blocks, reserved;
	uint64_t scratch; /* bytes of the scratch block met, released or reserved */
};

static void count_bytes(struct handoff_count *h, uint64_t base, uint64_t size, uint64_t blocks)
{
	if (in_scratch(h->c, base)) {
		h->scratch += size;
		return;
	}
	h->released += size;
	h->blocks += blocks;
}

/*
 * Free memory comes as ranges and is counted as the blocks release_block
 * would get (em_handoff_blocks() counts them arithmetically: a map covering
 * the whole address space would otherwise take trillions of callbacks).
 */
static void handoff_range(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	struct handoff_count *h = ctx;

	(void)node;
	(void)flags;
	count_bytes(h, base, size,
		    em_handoff_blocks(base / EM_PAGE_SIZE, (base + size) / EM_PAGE_SIZE,
				      h->c->handoff_order));
}

static void handoff_unaccepted(void *ctx, uint64_t base, uint64_t size, int node)
{
	handoff_range(ctx, base, size, node, EM_UNACCEPTED);
}

static void handoff_reserved(void *ctx, uint64_t base, uint64_t size, int node, uint32_t flags,
			     const char *label)
{
	struct handoff_count *h = ctx;

	(void)node;
	(void)flags;
	(void)label;
	if (in_scratch(h->c, base))
		h->scratch += size;
	else
		h->reserved += size;
}

/*
 * Hands the instance off (no discard: the doubled arrays stay where they
 * are, in the scratch block, and the instance stays readable) and prints
 * the handoff_* lines; 0, or -1 when the totals do not add up.
 */
static int print_handoff(struct ctx *c)
{
	static struct em_handoff_ops ops; /* late frees would use it: static */
	struct handoff_count h = { .c = c };
	struct em_handoff_stats st;
	uint64_t memory;
	int err;

	ops = (struct em_handoff_ops){
		.release_range = handoff_range,
		.release_unaccepted = handoff_unaccepted,
		.reserved = handoff_reserved,
		.max_order = c->handoff_order,
		.ctx = &h,
	};
	err = em_handoff(&c->em, &ops, &st);
	if (err) {
		fprintf(stderr, "emmap: em_handoff() failed: %s\n", em_strerror(err));
		return -1;
	}
	memory = st.memory_bytes - c->ssize;
	if (h.scratch != c->ssize || st.nomap_bytes || st.withheld_bytes ||
	    h.released + h.reserved + st.trimmed_bytes != memory) {
		fprintf(stderr,
			"emmap: handoff totals do not add up: released %llu + reserved %llu + "
			"trimmed %llu != memory %llu (scratch %llu of %llu, nomap %llu)\n",
			(unsigned long long)h.released, (unsigned long long)h.reserved,
			(unsigned long long)st.trimmed_bytes, (unsigned long long)memory,
			(unsigned long long)h.scratch, (unsigned long long)c->ssize,
			(unsigned long long)st.nomap_bytes);
		return -1;
	}
	printf("handoff_released_bytes=%llu\n", (unsigned long long)h.released);
	printf("handoff_blocks=%llu\n", (unsigned long long)h.blocks);
	printf("handoff_reserved_bytes=%llu\n", (unsigned long long)h.reserved);
	printf("handoff_trimmed_bytes=%llu\n", (unsigned long long)st.trimmed_bytes);
	return 0;
}

/* K of --handoff-order: a decimal 0..EM_HANDOFF_MAX_ORDER; -1 if it is not. */
static int parse_order(const char *s)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno || *end || v > (long)EM_HANDOFF_MAX_ORDER ? -1 : (int)v;
}

int main(int argc, char **argv)
{
	static struct ctx c; /* struct earlymem is large: not on the stack */
	struct parsed p = { 0 };
	const char *svg = NULL;
	bool summary = false, user = false, files = false, x86_low = false, handoff = false;
	char inputs[256] = "";
	int status = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--summary") == 0) {
			summary = true;
		} else if (strcmp(a, "--user") == 0) {
			user = true;
		} else if (strcmp(a, "--x86-low") == 0) {
			x86_low = true;
		} else if (strcmp(a, "--svg") == 0 || strncmp(a, "--svg=", 6) == 0) {
			if (a[5] == '=')
				svg = a + 6;
			else if (i + 1 < argc)
				svg = argv[++i];
			else
				svg = "";
			if (!*svg) {
				fputs("emmap: --svg needs a file name\n", stderr);
				return 2;
			}
		} else if (strcmp(a, "--handoff-order") == 0 ||
			   strncmp(a, "--handoff-order=", 16) == 0) {
			int k = parse_order(a[15] == '=' ? a + 16 :
					    i + 1 < argc ? argv[++i] :
							   NULL);

			if (k < 0) {
				fprintf(stderr, "emmap: --handoff-order needs an order 0..%u\n",
					EM_HANDOFF_MAX_ORDER);
				return 2;
			}
			handoff = true;
			c.handoff_order = (unsigned int)k;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--") == 0) {
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "emmap: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	for (int i = 1, opts = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts && strcmp(a, "--") == 0) {
			opts = 0;
			continue;
		}
		if (opts && (strcmp(a, "--svg") == 0 || strcmp(a, "--handoff-order") == 0)) {
			i++;
			continue;
		}
		if (opts && a[0] == '-' && a[1] != '\0')
			continue;
		files = true;
		if (read_log(&p, a) != 0)
			status = 1;
		if (strlen(inputs) + strlen(a) + 2 < sizeof(inputs))
			snprintf(inputs + strlen(inputs), sizeof(inputs) - strlen(inputs), "%s%s",
				 inputs[0] ? " " : "", strcmp(a, "-") == 0 ? "<stdin>" : a);
	}
	if (!files) {
		usage(stderr);
		return 2;
	}

	/* Which map: see the top of this file. */
	if (user && p.user.n) {
		c.source = SRC_USER;
		c.fw = &p.user;
	} else if (p.efi.n) {
		c.source = SRC_EFI;
		c.fw = &p.efi;
	} else if (p.e820.n) {
		c.source = SRC_E820;
		c.fw = &p.e820;
	} else if (p.user.n) {
		c.source = SRC_USER;
		c.fw = &p.user;
		fputs("emmap: no firmware map in the log: using the user: map (the kernel's map "
		      "after memmap= edits)\n",
		      stderr);
	} else {
		c.source = SRC_NONE;
		c.fw = &p.e820; /* empty */
		if (!summary)
			fputs("emmap: no memory map found in the input\n", stderr);
	}
	if (c.source == SRC_EFI && p.e820.n && !summary)
		fprintf(stderr,
			"emmap: the log has both maps: showing the UEFI map (%zu e820 "
			"entries not used)\n",
			p.e820.n);
	c.srat = &p.srat;
	rebuild_table(&c);
	struct em_check_failure why;

	if (load(&c) != 0) {
		status = 1;
	} else if (em_check(&c.em, &why) != 0) {
		/* The loaders must never leave a broken instance, whatever the map. */
		fprintf(stderr, "emmap: em_check: %s in %s[%u]\n", em_invariant_str(why.invariant),
			why.array, why.index);
		status = 1;
	} else {
		const struct em_fw_entry *table = NULL;
		struct em_fw_stats st = { 0 };
		size_t n = 0;
		void *work = NULL;
		int err = 0;

		if (summary)
			print_summary(&c);
		else if (x86_low &&
			 (err = em_x86_reserve_low(&c.em, EM_X86_LOW_PAGE0 | EM_X86_LOW_1MIB)))
			fprintf(stderr, "emmap: em_x86_reserve_low() failed: %s\n",
				em_strerror(err));
		if (!summary || svg)
			err = sanitized(&c, &table, &n, &work, &st);
		if (err) {
			fprintf(stderr, "emmap: sanitizing failed: %s\n", em_strerror(err));
			status = 1;
		} else {
			if (!summary)
				print_full(&c, table, n, &st, inputs);
			if (svg && write_svg(&c, svg, table, n, inputs) != 0)
				status = 1;
			/* Last: the instance is retired afterwards (but stays readable). */
			if (handoff && print_handoff(&c) != 0)
				status = 1;
		}
		free(work);
	}
	if (c.shost)
		munmap(c.shost, (size_t)c.ssize);
	free(c.raw);
	parsed_free(&p);
	return status;
}
