/* SPDX-License-Identifier: MIT */
/*
 * The reference model: one cell per byte of a small address space, each
 * knowing whether it is memory (with node and flags) and whether it is
 * reserved (with label and node). It is obviously correct, and slow. An
 * operation (struct model_op) is applied to the model and to the library
 * alike; afterwards the library's tables must equal the canonical tables
 * the model implies (maximal runs of equal cells), and the error codes and
 * allocated addresses must agree.
 *
 * Used by the cmocka driver tests/unit/test_model.c (seeded random
 * operations) and by the libFuzzer target tests/fuzz/fuzz_ops.c (operations
 * decoded from the input). Plain C11, no cmocka: every check prints what
 * differs on stderr and returns false.
 *
 * With resizing, the arrays double into MODEL_SIM_BASE..+MODEL_SIM_SIZE, a
 * stretch of memory outside the model's space that the comparison leaves
 * out after checking it holds exactly the doubled arrays. Callers must then
 * not use MODEL_CAP and MODEL_LIMIT (they would cut that memory), and must
 * keep allocation windows (@max) inside the model's space.
 */
#ifndef EM_MODEL_H
#define EM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <earlymem.h>

/* The space in cells (bytes); a build may set a larger one (make's dense model test). */
#ifndef MODEL_SPACE
#define MODEL_SPACE 384u
#endif
#define MODEL_NODES 3

/* Where the arrays double to in the resizing runs: far above a space at 0. */
#define MODEL_SIM_BASE (1ull << 30)
#define MODEL_SIM_SIZE (4ull << 20)

struct model_cell {
	bool mem;
	uint32_t flags;
	int node;
	bool res;
	int res_node;
	const char *label;
};

struct model {
	uint64_t off; /* address of cell 0: 0, or EM_ADDR_END - MODEL_SPACE */
	bool resize;  /* the instance may double its arrays into the sim area */
	struct model_cell c[MODEL_SPACE];
};

enum model_op_kind {
	MODEL_ADD,	  /* em_add_node(b, len, node, flags) */
	MODEL_REMOVE,	  /* em_remove(b, len) */
	MODEL_RESERVE,	  /* em_reserve_label(b, len, label) */
	MODEL_FREE,	  /* em_free(b, len) */
	MODEL_MARK,	  /* em_mark(b, len, flags) */
	MODEL_CLEAR,	  /* em_clear(b, len, flags) */
	MODEL_SET_NODE,	  /* em_set_node(b, len, node) */
	MODEL_ALLOC,	  /* em_alloc_req(): size, align, min, max, exact node, flags, up */
	MODEL_ALLOC_PREF, /* em_alloc_req(): size, align, max, preferred node, up */
	MODEL_TRIM,	  /* em_trim(align) */
	MODEL_CAP,	  /* em_cap(b, len) */
	MODEL_LIMIT,	  /* em_limit(size) */
	MODEL_ALLOC_AT,	  /* em_alloc_at(b, len, label) */
};

/*
 * One operation. @b and @len are cell indexes (b + len <= MODEL_SPACE); the
 * address is off + b. Allocation windows @min, @max are addresses.
 */
struct model_op {
	enum model_op_kind kind;
	uint64_t b, len;
	int node;	   /* ADD, SET_NODE; ALLOC: the exact node or -1; ALLOC_PREF: preferred */
	uint32_t flags;	   /* ADD, MARK, CLEAR: region flags; ALLOC: request region flags */
	const char *label; /* RESERVE, ALLOC*, ALLOC_AT */
	uint64_t size;	   /* ALLOC*: bytes; LIMIT: bytes kept */
	uint64_t align;	   /* ALLOC*, TRIM */
	uint64_t min, max; /* ALLOC*: the window */
	bool up;	   /* ALLOC*: bottom-up */
};

/* An empty model at @off; @resize as the instance will be set up. */
void model_init(struct model *m, uint64_t off, bool resize);

/*
 * Applies @op to @m and to @em. True if the library's error code (returned
 * in *@err) and allocated address agree with the model; on an error the
 * model is rolled back (the library must have changed nothing: check with
 * model_compare()). The tables are not compared here.
 */
bool model_step(struct model *m, struct earlymem *em, const struct model_op *op, int *err);

/* em_check() is clean and both tables equal the model's. */
bool model_compare(const struct model *m, const struct earlymem *em);

/*
 * The free-range walks, forward and reverse, equal the model's; with
 * resizing, the walks' ranges in the simulated area add up to what the
 * doubled arrays leave free of it.
 */
bool model_compare_free_walks(const struct model *m, const struct earlymem *em);

/*
 * Runs em_handoff() on @em (no resize) and checks every released range and
 * every total against what the model says the handoff must do.
 */
bool model_check_handoff(const struct model *m, struct earlymem *em);

/* Human-readable name of an operation, for messages. */
const char *model_op_name(enum model_op_kind kind);

#endif
