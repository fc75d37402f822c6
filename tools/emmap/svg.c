// SPDX-License-Identifier: MIT
/*
 * The physical address space as a picture.
 *
 * One horizontal band per kind of region: the firmware table (one band per
 * type), the memory earlymem registered (one band per node), the
 * reservations (one band per label). All bands share one address axis,
 * compressed so that a 12 TiB machine and its 640 KiB low-memory edge are
 * both readable: the axis is cut at every boundary of every range; a piece
 * that some range covers gets a minimum width plus a width growing with
 * the logarithm of its size, a piece nothing covers (a hole) is drawn as a
 * thin break marker. Addresses are labelled along the axis wherever there
 * is room (hole edges first), sizes inside the bars that are wide enough,
 * and every bar and hole has a tooltip with its exact range.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <earlymem.h>
#include <earlymem/e820.h>
#include <earlymem/efi.h>

#include "emmap.h"

/* Layout, in pixels. */
#define LEFT 200 /* band names */
#define RIGHT 40
#define MIN_W 3.0     /* narrowest piece */
#define GAP_W 18.0    /* a hole */
#define PLOT_W 1400.0 /* the plot's width when the pieces fit */
#define ROW_H 22.0
#define BAR_H 15.0
#define SECTION_H 24.0
#define FONT_W 6.1	  /* average advance of the 10px font */
#define LABEL_GAP 11.0	  /* between two rotated axis labels */
#define AXIS_LABEL_H 96.0 /* room below the axis */

enum section {
	SEC_FW,
	SEC_MEM,
	SEC_RES
};

/* Firmware type rows before the rest share an "other types" row. */
#define MAX_TYPE_ROWS 24

struct row {
	enum section sec;
	uint32_t type;	   /* SEC_FW */
	int node;	   /* SEC_MEM */
	const char *label; /* SEC_RES (NULL: no label) */
	char name[64];
	char color[16];
	double y;
};

struct bar {
	uint64_t base, end;
	size_t row;
	uint32_t flags; /* memory flags, for the patterns */
	char tip[256];
};

struct plot {
	struct row *rows;
	size_t nrows, rows_cap;
	struct bar *bars;
	size_t nbars, bars_cap;
	uint64_t *b; /* axis cut points, sorted, unique */
	double *x;   /* their x positions */
	size_t nb;
	bool *hole; /* piece i ([b[i], b[i+1])) is covered by nothing */
};

/* "4K", "564K", "1.44G", "11.2T": sizes inside the bars. */
static const char *short_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	unsigned u = 0;
	double v;

	while (u < 6 && bytes >> (10 * (u + 1)))
		u++;
	v = (double)bytes / (double)(1ull << (10 * u));
	if (bytes % (1ull << (10 * u)) == 0)
		snprintf(buf, len, "%llu%c", (unsigned long long)(bytes >> (10 * u)), units[u]);
	else
		snprintf(buf, len, v < 10 ? "%.2f%c" : v < 100 ? "%.1f%c" : "%.0f%c", v, units[u]);
	return buf;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("emmap: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

/* ------------------------------------------------------------------------ */
/* Colours                                                                  */

static const char *e820_color(uint32_t type)
{
	switch (type) {
	case EM_E820_RAM:
		return "#4caf50";
	case EM_E820_RESERVED:
		return "#9e9e9e";
	case EM_E820_ACPI:
		return "#ffb300";
	case EM_E820_NVS:
		return "#ef6c00";
	case EM_E820_UNUSABLE:
		return "#d32f2f";
	case EM_E820_PMEM:
	case EM_E820_PRAM:
		return "#1e88e5";
	case EM_E820_SOFT_RESERVED:
		return "#00897b";
	default:
		return "#8d6e63";
	}
}

static const char *efi_color(uint32_t type)
{
	switch (type) {
	case EM_EFI_CONVENTIONAL:
		return "#4caf50";
	case EM_EFI_BOOT_SERVICES_CODE:
		return "#9ccc65";
	case EM_EFI_BOOT_SERVICES_DATA:
		return "#c5e1a5";
	case EM_EFI_LOADER_CODE:
		return "#42a5f5";
	case EM_EFI_LOADER_DATA:
		return "#90caf9";
	case EM_EFI_RUNTIME_SERVICES_CODE:
		return "#ec407a";
	case EM_EFI_RUNTIME_SERVICES_DATA:
		return "#f48fb1";
	case EM_EFI_RESERVED_TYPE:
		return "#9e9e9e";
	case EM_EFI_UNUSABLE:
		return "#d32f2f";
	case EM_EFI_ACPI_RECLAIM:
		return "#ffb300";
	case EM_EFI_ACPI_NVS:
		return "#ef6c00";
	case EM_EFI_MMIO:
	case EM_EFI_MMIO_PORT_SPACE:
		return "#7e57c2";
	case EM_EFI_PAL_CODE:
		return "#8d6e63";
	case EM_EFI_PERSISTENT:
		return "#1e88e5";
	case EM_EFI_UNACCEPTED:
		return "#26a69a";
	default:
		return "#8d6e63";
	}
}

/* Band order of the firmware types: memory first, then what the kernel must keep off. */
static int fw_rank(enum source src, uint32_t type)
{
	static const uint32_t efi_order[] = { 7, 3, 4, 1, 2, 15, 5, 6, 9, 10, 0, 8, 14, 11, 12, 13 };

	if (src == SRC_EFI) {
		for (int i = 0; i < (int)(sizeof(efi_order) / sizeof(efi_order[0])); i++)
			if (efi_order[i] == type)
				return i;
		return 100;
	}
	if (type == EM_E820_SOFT_RESERVED)
		return 6; /* after persistent */
	return type < 100 ? (int)type : 100;
}

static const char *const node_colors[] = {
	"#2e7d32", "#1565c0", "#c62828", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e",
	"#558b2f", "#283593", "#00695c", "#f9a825", "#5d4037", "#37474f", "#9e9d24", "#d84315",
};

static const char *const label_colors[] = {
	"#1976d2", "#00897b", "#8e24aa", "#f4511e", "#3949ab", "#6d4c41", "#c0ca33", "#5e35b1",
};

/* ------------------------------------------------------------------------ */
/* Rows and bars                                                            */

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static size_t row_of(struct plot *p, const struct row *want)
{
	for (size_t i = 0; i < p->nrows; i++) {
		const struct row *r = &p->rows[i];

		if (r->sec != want->sec)
			continue;
		if ((r->sec == SEC_FW && r->type == want->type) ||
		    (r->sec == SEC_MEM && r->node == want->node) ||
		    (r->sec == SEC_RES && same_str(r->label, want->label)))
			return i;
	}
	if (p->nrows == p->rows_cap) {
		p->rows_cap = p->rows_cap ? 2 * p->rows_cap : 16;
		p->rows = xrealloc(p->rows, p->rows_cap * sizeof(*p->rows));
	}
	p->rows[p->nrows] = *want;
	return p->nrows++;
}

static void add_bar(struct plot *p, uint64_t base, uint64_t size, size_t row, uint32_t flags,
		    const char *tip)
{
	struct bar *b;

	if (!size)
		return;
	if (p->nbars == p->bars_cap) {
		p->bars_cap = p->bars_cap ? 2 * p->bars_cap : 64;
		p->bars = xrealloc(p->bars, p->bars_cap * sizeof(*p->bars));
	}
	b = &p->bars[p->nbars++];
	b->base = base;
	b->end = size > UINT64_MAX - base ? UINT64_MAX : base + size;
	b->row = row;
	b->flags = flags;
	snprintf(b->tip, sizeof(b->tip), "%s", tip);
}

static int row_cmp(const void *a, const void *b, void *src)
{
	const struct row *x = a, *y = b;
	enum source s = *(enum source *)src;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->sec == SEC_FW) {
		int rx = fw_rank(s, x->type), ry = fw_rank(s, y->type);

		if (rx != ry)
			return rx < ry ? -1 : 1;
		return x->type < y->type ? -1 : x->type > y->type;
	}
	if (x->sec == SEC_MEM)
		return x->node < y->node ? -1 : x->node > y->node;
	if (!x->label || !y->label)
		return x->label ? -1 : y->label ? 1 : 0;
	return strcmp(x->label, y->label);
}

/* qsort with a context, by insertion (a few dozen rows at most: MAX_TYPE_ROWS). */
static void sort_rows(struct row *r, size_t n, enum source src, size_t *map)
{
	size_t *ord, i;
	struct row *copy;

	if (n == 0)
		return;
	ord = xrealloc(NULL, n * sizeof(*ord));
	copy = xrealloc(NULL, n * sizeof(*copy));
	for (i = 0; i < n; i++)
		ord[i] = i;
	for (i = 1; i < n; i++)
		for (size_t j = i; j > 0 && row_cmp(&r[ord[j - 1]], &r[ord[j]], &src) > 0; j--) {
			size_t t = ord[j];

			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	memcpy(copy, r, n * sizeof(*copy));
	for (i = 0; i < n; i++) {
		r[i] = copy[ord[i]];
		map[ord[i]] = i;
	}
	free(ord);
	free(copy);
}

static void range_tip(char *buf, size_t len, const char *what, uint64_t base, uint64_t size)
{
	char s[32];

	snprintf(buf, len, "%s: [0x%llx-0x%llx) %s", what, (unsigned long long)base,
		 (unsigned long long)(size > UINT64_MAX - base ? UINT64_MAX : base + size),
		 size_str(size, s, sizeof(s)));
}

static void collect(struct plot *p, const struct view *v)
{
	char tip[256], what[160], tn[32];
	size_t ncolor = 0;

	for (size_t i = 0; i < v->ntable; i++) {
		const struct fw_ent *e = &v->table[i];
		struct row r = { .sec = SEC_FW, .type = e->type };
		const char *name = fw_type_name(v->source, e->type, tn, sizeof(tn));
		size_t k, before = p->nrows;

		snprintf(r.name, sizeof(r.name), "%s", name);
		snprintf(r.color, sizeof(r.color), "%s",
			 v->source == SRC_EFI ? efi_color(e->type) : e820_color(e->type));
		k = row_of(p, &r);
		if (p->nrows != before && p->nrows > MAX_TYPE_ROWS) {
			/*
			 * A log with many odd types (only a broken or hostile
			 * one has them) shares one row, so the picture's size
			 * stays linear in its lines.
			 */
			p->nrows--;
			r = (struct row){ .sec = SEC_FW, .type = UINT32_MAX };
			snprintf(r.name, sizeof(r.name), "other types");
			snprintf(r.color, sizeof(r.color), "#777777");
			k = row_of(p, &r);
		}
		if (v->source == SRC_EFI)
			snprintf(what, sizeof(what), "%s, attr 0x%llx%s%s%s", name,
				 (unsigned long long)e->attr,
				 e->attr & EM_EFI_MEMORY_RUNTIME ? " RUN" : "",
				 e->attr & EM_EFI_MEMORY_MORE_RELIABLE ? " MR (mirror)" : "",
				 e->attr & EM_EFI_MEMORY_SP ? " SP (soft reserved)" : "");
		else
			snprintf(what, sizeof(what), "e820 %s", name);
		range_tip(tip, sizeof(tip), what, e->base, e->size);
		add_bar(p, e->base, e->size, k, 0, tip);
	}
	for (size_t i = 0; i < v->nmemory; i++) {
		const struct view_region *m = &v->memory[i];
		struct row r = { .sec = SEC_MEM, .node = m->node };
		size_t k;

		if (m->node >= 0) {
			snprintf(r.name, sizeof(r.name), "node %d", m->node);
			snprintf(r.color, sizeof(r.color), "%s",
				 node_colors[m->node %
					     (int)(sizeof(node_colors) / sizeof(node_colors[0]))]);
		} else {
			snprintf(r.name, sizeof(r.name), "%s", v->numa ? "no node" : "memory");
			snprintf(r.color, sizeof(r.color), "%s", "#43a047");
		}
		k = row_of(p, &r);
		snprintf(what, sizeof(what), "memory, %s%s%s%s%s", r.name,
			 m->flags & EM_MIRROR ? ", MIRROR" : "",
			 m->flags & EM_HOTPLUG ? ", HOTPLUG" : "",
			 m->flags & EM_NOMAP ? ", NOMAP" : "",
			 m->flags & EM_UNACCEPTED ? ", UNACCEPTED" : "");
		range_tip(tip, sizeof(tip), what, m->base, m->size);
		add_bar(p, m->base, m->size, k, m->flags, tip);
	}
	for (size_t i = 0; i < v->nreserved; i++) {
		const struct view_region *m = &v->reserved[i];
		struct row r = { .sec = SEC_RES, .label = m->label };
		size_t before = p->nrows, k;

		snprintf(r.name, sizeof(r.name), "%s", m->label ? m->label : "(no label)");
		snprintf(r.color, sizeof(r.color), "%s",
			 label_colors[ncolor % (sizeof(label_colors) / sizeof(label_colors[0]))]);
		k = row_of(p, &r);
		if (p->nrows != before)
			ncolor++;
		snprintf(what, sizeof(what), "reserved \"%s\"", r.name);
		range_tip(tip, sizeof(tip), what, m->base, m->size);
		add_bar(p, m->base, m->size, k, 0, tip);
	}
}

/* ------------------------------------------------------------------------ */
/* The axis                                                                 */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static size_t cut_index(const struct plot *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nb;

	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->b[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* log2 of the size in pages, squared: big ranges look big, 4 KiB still shows. */
static double piece_weight(uint64_t size)
{
	double l = log2(1.0 + (double)size / 4096.0);

	return l * l;
}

/* Cuts the axis and gives every piece its width; returns the plot width. */
static double layout_axis(struct plot *p)
{
	int *depth;
	double fixed = 0, weight = 0, k, w;

	p->b = xrealloc(NULL, 2 * p->nbars * sizeof(*p->b));
	for (size_t i = 0; i < p->nbars; i++) {
		p->b[2 * i] = p->bars[i].base;
		p->b[2 * i + 1] = p->bars[i].end;
	}
	qsort(p->b, 2 * p->nbars, sizeof(*p->b), u64_cmp);
	p->nb = 0;
	for (size_t i = 0; i < 2 * p->nbars; i++)
		if (!p->nb || p->b[p->nb - 1] != p->b[i])
			p->b[p->nb++] = p->b[i];

	/* Which pieces something covers: a difference array over the cuts. */
	depth = xrealloc(NULL, (p->nb + 1) * sizeof(*depth));
	memset(depth, 0, (p->nb + 1) * sizeof(*depth));
	for (size_t i = 0; i < p->nbars; i++) {
		depth[cut_index(p, p->bars[i].base)]++;
		depth[cut_index(p, p->bars[i].end)]--;
	}
	p->hole = xrealloc(NULL, (p->nb ? p->nb : 1) * sizeof(*p->hole));
	for (size_t i = 0, d = 0; i + 1 < p->nb; i++) {
		d += (size_t)depth[i];
		p->hole[i] = d == 0;
		if (p->hole[i]) {
			fixed += GAP_W;
		} else {
			fixed += MIN_W;
			weight += piece_weight(p->b[i + 1] - p->b[i]);
		}
	}
	free(depth);

	w = fixed + 300 > PLOT_W ? fixed + 300 : PLOT_W;
	k = weight > 0 ? (w - fixed) / weight : 0;
	p->x = xrealloc(NULL, (p->nb ? p->nb : 1) * sizeof(*p->x));
	for (size_t i = 0; i < p->nb; i++) {
		if (i == 0) {
			p->x[i] = LEFT;
			continue;
		}
		p->x[i] =
			p->x[i - 1] +
			(p->hole[i - 1] ? GAP_W : MIN_W + k * piece_weight(p->b[i] - p->b[i - 1]));
	}
	return p->nb ? p->x[p->nb - 1] - LEFT : 0;
}

static double x_of(const struct plot *p, uint64_t addr)
{
	return p->x[cut_index(p, addr)];
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
				fputc(*s, f);
			else
				fputc('?', f);
		}
	}
}

/* Short hex with digit groups: 0x1_0000_0000. */
static const char *addr_str(uint64_t a, char *buf, size_t len)
{
	char hex[17];
	size_t n, o = 0;

	snprintf(hex, sizeof(hex), "%llx", (unsigned long long)a);
	n = strlen(hex);
	if (len < 2 * n + 4)
		return "";
	buf[o++] = '0';
	buf[o++] = 'x';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 4 == 0)
			buf[o++] = '_';
		buf[o++] = hex[i];
	}
	buf[o] = '\0';
	return buf;
}

struct label {
	double x;
	int prio; /* lower first */
	uint64_t addr;
};

static int label_cmp(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->x < y->x ? -1 : x->x > y->x;
}

/*
 * Axis labels, placed greedily where they do not crowd each other: the
 * edges of holes (and both ends) first, then the other cuts.
 */
static void axis_labels(FILE *f, const struct plot *p, double y)
{
	struct label *l = xrealloc(NULL, (p->nb + 1) * sizeof(*l));
	double *placed = xrealloc(NULL, (p->nb + 1) * sizeof(*placed));
	size_t n = 0, np = 0;
	char a[48];

	for (size_t i = 0; i < p->nb; i++) {
		bool edge = i == 0 || i + 1 == p->nb || p->hole[i - 1] || p->hole[i];

		l[n++] = (struct label){ p->x[i], edge ? 0 : 1, p->b[i] };
	}
	qsort(l, n, sizeof(*l), label_cmp);
	for (size_t i = 0; i < n; i++) {
		bool room = true;

		for (size_t j = 0; j < np && room; j++)
			if (fabs(placed[j] - l[i].x) < LABEL_GAP)
				room = false;
		if (!room)
			continue;
		placed[np++] = l[i].x;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>\n",
			l[i].x, y, l[i].x, y + 4);
		fprintf(f,
			"<text class=\"addr\" transform=\"translate(%.1f %.1f) rotate(-90)\">"
			"%s</text>\n",
			l[i].x + 3.5, y + 7, addr_str(l[i].addr, a, sizeof(a)));
	}
	free(l);
	free(placed);
}

static void zigzag(FILE *f, double x, double y0, double y1)
{
	fprintf(f, "<polyline class=\"brk\" points=\"");
	for (double y = y0; y <= y1; y += 6)
		fprintf(f, "%.1f,%.1f ", x + ((int)((y - y0) / 6) % 2 ? 2.5 : -2.5), y);
	fprintf(f, "\"/>\n");
}

static void legend(FILE *f, double x, double y, double width)
{
	double cx = x;

	fprintf(f, "<text class=\"sec\" x=\"%.1f\" y=\"%.1f\">How to read this</text>\n", x, y);
	y += 18;
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"12\" fill=\"#43a047\"/>"
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"12\" fill=\"url(#mirror)\"/>"
		"<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">MIRROR (more reliable)</text>\n",
		cx, y - 10, cx, y - 10, cx + 34, y);
	cx += 190;
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"12\" fill=\"#43a047\"/>"
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"12\" fill=\"url(#hotplug)\"/>"
		"<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">HOTPLUG</text>\n",
		cx, y - 10, cx, y - 10, cx + 34, y);
	cx += 120;
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"12\" fill=\"#43a047\"/>"
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"12\" fill=\"url(#other)\"/>"
		"<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">NOMAP / UNACCEPTED</text>\n",
		cx, y - 10, cx, y - 10, cx + 34, y);
	cx += 170;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"#fff\"/>", cx,
		y - 11, GAP_W);
	zigzag(f, cx + 4, y - 11, y + 3);
	zigzag(f, cx + GAP_W - 4, y - 11, y + 3);
	fprintf(f, "<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">a hole: no map covers it</text>\n",
		cx + GAP_W + 6, y);
	y += 18;
	fprintf(f,
		"<text class=\"lg\" x=\"%.1f\" y=\"%.1f\">Not to scale (the strip at the top "
		"is): each piece between two boundaries is %.0f px plus a width growing with the "
		"square of the logarithm of its size, and holes are cut out, so 4 KiB and 12 TiB "
		"both show. Sizes are in the bars and in every tooltip.</text>\n",
		x, y, MIN_W);
	(void)width;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The inputs' file names without their directories. */
static void title_text(FILE *f, const char *title)
{
	char word[512];

	while (title && *title) {
		size_t n = strcspn(title, " ");

		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, title, n);
		word[n] = '\0';
		esc(f, base_name(word));
		title += n;
		while (*title == ' ') {
			fputs(" + ", f);
			title++;
		}
	}
}

/*
 * The address space to scale, above the plot, and for every run of
 * pieces between two holes a band from where it really is to where the
 * plot shows it.
 */
static void overview(FILE *f, const struct plot *p, const struct view *v, double width, double y,
		     double plot_top)
{
	uint64_t top = p->nb ? p->b[p->nb - 1] : 0, step = 1;
	double scale, h = 10;
	char s[32];
	size_t start = 0;

	if (!top)
		return;
	scale = width / (double)top;
	fprintf(f, "<text class=\"row\" x=\"%d\" y=\"%.1f\">address space to scale</text>\n",
		LEFT - 8, y + h - 1);
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#eceff1\"/>\n",
		LEFT, y, width, h);
	for (size_t i = 0; i < p->nbars; i++) {
		const struct bar *b = &p->bars[i];
		const struct row *r = &p->rows[b->row];
		double x0 = LEFT + scale * (double)b->base, w = scale * (double)(b->end - b->base);

		if (r->sec != SEC_FW && v->ntable)
			continue;
		if (r->sec == SEC_RES)
			continue;
		fprintf(f,
			"<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"/>\n",
			x0, y, w < 0.5 ? 0.5 : w, h, r->color);
	}
	/* Ticks at multiples of a power of two, at least four of them. */
	while (step <= top / 8)
		step *= 2;
	for (uint64_t a = 0;; a += step) {
		double x = LEFT + scale * (double)a;

		fprintf(f, "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
			x, y + h, x, y + h + 3);
		fprintf(f, "<text class=\"ov\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", x, y + h + 12,
			a ? size_str(a, s, sizeof(s)) : "0");
		if (a > top - step || a > UINT64_MAX - step)
			break;
	}
	/* Runs between holes: where they are, where the plot shows them. */
	for (size_t i = 0; i + 1 < p->nb; i++) {
		bool last = i + 2 == p->nb || p->hole[i + 1];

		if (p->hole[i]) {
			start = i + 1;
			continue;
		}
		if (!last)
			continue;
		fprintf(f,
			"<polygon class=\"zoom\" points=\"%.2f,%.1f %.2f,%.1f %.1f,%.1f %.1f,%.1f\"/>\n",
			LEFT + scale * (double)p->b[start], y + h + 15,
			LEFT + scale * (double)p->b[i + 1], y + h + 15, p->x[i + 1], plot_top,
			p->x[start], plot_top);
	}
}

int svg_write(FILE *f, const struct view *v)
{
	struct plot p = { 0 };
	size_t *map;
	double width, y, top, bottom, height, rows_top;
	char s1[32], s2[32];
	uint64_t mem = 0, res = 0;
	enum section last = SEC_FW;
	static const char *const sec_title[] = { "Firmware map, by type", "earlymem memory",
						 "earlymem reservations, by label" };

	collect(&p, v);
	map = xrealloc(NULL, (p.nrows ? p.nrows : 1) * sizeof(*map));
	sort_rows(p.rows, p.nrows, v->source, map);
	for (size_t i = 0; i < p.nbars; i++)
		p.bars[i].row = map[p.bars[i].row];
	free(map);
	width = layout_axis(&p);
	if (width < PLOT_W)
		width = PLOT_W;
	for (size_t i = 0; i < v->nmemory; i++)
		mem += v->memory[i].size;
	for (size_t i = 0; i < v->nreserved; i++)
		res += v->reserved[i].size;

	/* Rows: a section title before each section. */
	rows_top = 130;
	y = rows_top;
	for (size_t i = 0; i < p.nrows; i++) {
		if (i == 0 || p.rows[i].sec != last)
			y += SECTION_H;
		last = p.rows[i].sec;
		p.rows[i].y = y;
		y += ROW_H;
	}
	top = rows_top + SECTION_H - 4;
	bottom = y;
	height = bottom + AXIS_LABEL_H + 70;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, "
		"sans-serif\">\n",
		LEFT + width + RIGHT, height, LEFT + width + RIGHT, height);
	fputs("<style>\n"
	      " .title { font-size: 15px; font-weight: bold; fill: #212121 }\n"
	      " .sub { font-size: 11px; fill: #424242 }\n"
	      " .sec { font-size: 12px; font-weight: bold; fill: #37474f }\n"
	      " .row { font-size: 11px; fill: #212121; text-anchor: end }\n"
	      " .sz { font-size: 9.5px; fill: #fff; text-anchor: middle; pointer-events: none }\n"
	      " .szh { stroke-width: 3px; paint-order: stroke }\n"
	      " .addr { font-size: 9.5px; fill: #37474f; text-anchor: end; "
	      "font-family: DejaVu Sans Mono, monospace }\n"
	      " .ov { font-size: 9px; fill: #607d8b; text-anchor: middle }\n"
	      " .gap { font-size: 9.5px; fill: #78909c; text-anchor: middle; font-style: italic; "
	      "stroke: #fff; stroke-width: 3px; paint-order: stroke }\n"
	      " .lg { font-size: 11px; fill: #424242 }\n"
	      " .tick { stroke: #90a4ae; stroke-width: 1 }\n"
	      " .brk { fill: none; stroke: #b0bec5; stroke-width: 1.2 }\n"
	      " .bar { stroke: #fff; stroke-width: 0.6 }\n"
	      " .grid { stroke: #eceff1; stroke-width: 1 }\n"
	      " .zoom { fill: #90a4ae; opacity: 0.18 }\n"
	      "</style>\n",
	      f);
	fputs("<defs>\n"
	      " <pattern id=\"mirror\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	      "patternTransform=\"rotate(45)\"><rect width=\"2.5\" height=\"6\" "
	      "fill=\"#fff\" opacity=\"0.55\"/></pattern>\n"
	      " <pattern id=\"hotplug\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
	      "<circle cx=\"2.5\" cy=\"2.5\" r=\"1.1\" fill=\"#fff\" opacity=\"0.8\"/></pattern>\n"
	      " <pattern id=\"other\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	      "patternTransform=\"rotate(-45)\"><rect width=\"2.5\" height=\"6\" "
	      "fill=\"#000\" opacity=\"0.35\"/></pattern>\n"
	      "</defs>\n",
	      f);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");

	/* Title and totals. */
	fprintf(f, "<text class=\"title\" x=\"16\" y=\"24\">Physical memory map: ");
	title_text(f, v->title);
	fputs("</text>\n", f);
	fprintf(f,
		"<text class=\"sub\" x=\"16\" y=\"44\">%s, %zu entries after sanitizing. "
		"earlymem: %s of memory in %zu regions, %s reserved in %zu regions.</text>\n",
		v->source == SRC_EFI  ? "UEFI memory map" :
		v->source == SRC_USER ? "e820 map from user: lines (after memmap= edits)" :
		v->source == SRC_E820 ? "BIOS e820 map" :
					"no memory map",
		v->ntable, size_str(mem, s1, sizeof(s1)), v->nmemory, size_str(res, s2, sizeof(s2)),
		v->nreserved);
	overview(f, &p, v, width, 66, top);

	/* Section titles, row names, row backgrounds. */
	last = SEC_FW;
	for (size_t i = 0; i < p.nrows; i++) {
		const struct row *r = &p.rows[i];

		if (i == 0 || r->sec != last) {
			fprintf(f, "<text class=\"sec\" x=\"16\" y=\"%.1f\">%s%s</text>\n",
				r->y - 8, sec_title[r->sec],
				r->sec == SEC_MEM ? (v->numa ? ", by SRAT node" : "") : "");
			fprintf(f,
				"<line class=\"grid\" x1=\"16\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\"/>\n",
				r->y - 4, LEFT + width, r->y - 4);
		}
		last = r->sec;
		fprintf(f, "<text class=\"row\" x=\"%d\" y=\"%.1f\">", LEFT - 8,
			r->y + BAR_H - 3.5);
		esc(f, r->name);
		fputs("</text>\n", f);
		fprintf(f,
			"<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f5f7f8\"/>\n",
			LEFT, r->y, width, BAR_H);
	}

	/* Holes: a break marker through every section, the size in the first that has room. */
	for (size_t i = 0; i + 1 < p.nb; i++) {
		char a[48], b[48], s[32];
		bool said = false;

		if (!p.hole[i])
			continue;
		fprintf(f, "<g><title>hole: [%s-%s) %s, in no map</title>\n",
			addr_str(p.b[i], a, sizeof(a)), addr_str(p.b[i + 1], b, sizeof(b)),
			size_str(p.b[i + 1] - p.b[i], s, sizeof(s)));
		short_size(p.b[i + 1] - p.b[i], s, sizeof(s));
		for (size_t r0 = 0, r1; r0 < p.nrows; r0 = r1) {
			double y0 = p.rows[r0].y - 2, y1;

			for (r1 = r0; r1 < p.nrows && p.rows[r1].sec == p.rows[r0].sec; r1++)
				;
			y1 = p.rows[r1 - 1].y + BAR_H + 2;
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"#fff\"/>\n",
				p.x[i], y0, p.x[i + 1] - p.x[i], y1 - y0);
			zigzag(f, p.x[i] + 4, y0, y1);
			zigzag(f, p.x[i + 1] - 4, y0, y1);
			if (!said && y1 - y0 >= FONT_W * (double)(strlen(s) + 6)) {
				fprintf(f,
					"<text class=\"gap\" transform=\"translate(%.1f %.1f) "
					"rotate(-90)\">hole %s</text>\n",
					(p.x[i] + p.x[i + 1]) / 2 + 3.5, (y0 + y1) / 2, s);
				said = true;
			}
		}
		fputs("</g>\n", f);
	}

	/* Bars. */
	for (size_t i = 0; i < p.nbars; i++) {
		const struct bar *b = &p.bars[i];
		const struct row *r = &p.rows[b->row];
		double x0 = x_of(&p, b->base), x1 = x_of(&p, b->end), w = x1 - x0;
		char s[32];

		fprintf(f, "<g><title>");
		esc(f, b->tip);
		fprintf(f,
			"</title><rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"%s\"/>",
			x0, r->y, w, BAR_H, r->color);
		if (b->flags & EM_MIRROR)
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"url(#mirror)\"/>",
				x0, r->y, w, BAR_H);
		if (b->flags & EM_HOTPLUG)
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"url(#hotplug)\"/>",
				x0, r->y, w, BAR_H);
		if (b->flags & (EM_NOMAP | EM_UNACCEPTED))
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"url(#other)\"/>",
				x0, r->y, w, BAR_H);
		short_size(b->end - b->base, s, sizeof(s));
		/* On a patterned bar the text gets a halo of the bar's colour. */
		if (w >= FONT_W * (double)strlen(s) + 4)
			fprintf(f,
				"<text class=\"sz%s\" x=\"%.1f\" y=\"%.1f\" stroke=\"%s\">%s</text>",
				b->flags ? " szh" : "", x0 + w / 2, r->y + BAR_H - 4,
				b->flags ? r->color : "none", s);
		fputs("</g>\n", f);
	}

	/* The axis. */
	fprintf(f, "<line class=\"tick\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", LEFT,
		bottom + 2, LEFT + width, bottom + 2);
	axis_labels(f, &p, bottom + 2);
	legend(f, 16, bottom + AXIS_LABEL_H + 20, width);
	fputs("</svg>\n", f);

	free(p.rows);
	free(p.bars);
	free(p.b);
	free(p.x);
	free(p.hole);
	return ferror(f) ? -1 : 0;
}
