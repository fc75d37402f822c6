# Benchmarks (tools/bench/)
#
#   make bench          build/em-bench: one line per measurement, "workload N ns_per_op"
#                       (seed and repetitions on stderr). BENCH_REPS=R sets the
#                       repetitions for every N (default 31/11/7/5 by N); BENCH_ARGS
#                       passes more (--only WORKLOAD, --n N, --seed S, --allocs K).
#   make bench-table    BENCH_RUNS (default 3) consecutive runs as one Markdown table
#                       against Linux memblock's numbers (tools/bench/compare.sh); a
#                       target counts as met only if every run meets it.
#   make bench-extra    handoff cost per block, metadata for the 12 TiB fixture against
#                       a page bitmap, and the size of libearlymem.a's .text.
#
# em-bench is built with gcc -O2 (no sanitizers) against the host library;
# it links emmap's log parser for the fixture map.
BENCH_CC ?= gcc
BENCH := $(B)/em-bench
BENCH_SRCS := tools/bench/bench.c tools/emmap/parse.c
BENCH_FLAGS := $(WARN) $(INC) -Itools/emmap -O2 -g
BENCH_REPS ?=
BENCH_ARGS ?=
BENCH_RUNS ?= 3
BENCH_RUN_ARGS = $(if $(BENCH_REPS),--reps $(BENCH_REPS)) $(BENCH_ARGS)
FORMAT_FILES += tools/bench/bench.c
.PHONY: bench bench-table bench-extra

$(BENCH): $(BENCH_SRCS) tools/emmap/emmap.h $(B)/host/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(BENCH_CC) $(BENCH_FLAGS) $(CFLAGS) $(BENCH_SRCS) $(B)/host/libearlymem.a -o $@

bench: $(BENCH)
	$(Q)$(BENCH) $(BENCH_RUN_ARGS)

bench-table: $(BENCH)
	$(Q)for r in $$(seq $(BENCH_RUNS)); do \
		$(BENCH) $(BENCH_RUN_ARGS) >$(B)/bench-$$r.txt || exit 1; \
	done
	$(Q)tools/bench/compare.sh $$(seq -f '$(B)/bench-%g.txt' $(BENCH_RUNS))

# .text: the sum of the .text* sections of the kernel archive (size -A);
# text: what size(1) counts as text (code and read-only data).
bench-extra: $(BENCH) $(B)/libearlymem.a
	$(Q)$(BENCH) --extra
	$(Q)size -A $(B)/libearlymem.a | \
		awk '$$1 ~ /^\.text/ { t += $$2 } END { print "libearlymem_text_bytes", t }'
	$(Q)size -B $(B)/libearlymem.a | \
		awk 'NR > 1 { t += $$1 } END { print "libearlymem_size_text_bytes", t }'
