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
#                       a page bitmap, walks and allocations on three real e820 maps,
#                       and the size of libearlymem.a's .text. `build/em-bench-memblock
#                       --extra` adds memblock's figures for the real maps.
#   make bench-ab       REF=rev (default HEAD): is the working tree faster than rev?
#                       Both builds of the library in one process (build/ab/em-ab),
#                       repetitions in pairs on the same data; per workload the median
#                       times and the quantiles 10/50/90 of new/ref (tools/bench/ab.c).
#                       AB_ARGS passes more (--n N, --reps R, --only WORKLOAD).
#   make bench-memblock build/em-bench-memblock: em-bench with Linux memblock beside
#                       earlymem in the same process (tools/bench/memblock.c), each
#                       repetition run on both; BENCH_RUNS runs as one table with
#                       both comparisons. Fetches Debian's linux-source-$(MB_LINUX)
#                       into $(B)/linux-$(MB_LINUX) on first use (153 MB download,
#                       about a minute to unpack); not part of `make test`.
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
FORMAT_FILES += tools/bench/bench.c tools/bench/bench.h
.PHONY: bench bench-table bench-extra bench-memblock

$(BENCH): $(BENCH_SRCS) tools/bench/bench.h tools/bench/fresh.h tools/emmap/emmap.h $(B)/host/libearlymem.a
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

REF ?= HEAD
AB_ARGS ?=
FORMAT_FILES += tools/bench/ab.c tools/bench/ab.h tools/bench/ab_side.c tools/bench/fresh.h
.PHONY: bench-ab
bench-ab: $(B)/host/libearlymem.a
	$(Q)tools/bench/ab.sh $(REF) $(B)/ab $(B)/host/libearlymem.a $(AB_ARGS)

# .text: the sum of the .text* sections of the kernel archive (size -A);
# text: what size(1) counts as text (code and read-only data).
bench-extra: $(BENCH) $(B)/libearlymem.a
	$(Q)$(BENCH) --extra
	$(Q)size -A $(B)/libearlymem.a | \
		awk '$$1 ~ /^\.text/ { t += $$2 } END { print "libearlymem_text_bytes", t }'
	$(Q)size -B $(B)/libearlymem.a | \
		awk 'NR > 1 { t += $$1 } END { print "libearlymem_size_text_bytes", t }'

# Linux memblock from Debian's kernel source, built with the kernel's own
# user-space harness (tools/testing/memblock) as its Makefile does, minus
# the sanitizers: gcc -O2, no NUMA (the harness's default).
MB_LINUX ?= 6.12
MB_TREE := $(B)/linux-$(MB_LINUX)
MB_HARNESS := $(MB_TREE)/tools/testing/memblock
MB_OBJS := memblock.o lib/slab.o mmzone.o slab.o cmdline.o
MB_CFLAGS := -I. -I../../include -Wall -O2 -DCONFIG_PHYS_ADDR_T_64BIT
MB_BENCH := $(B)/em-bench-memblock
FORMAT_FILES += tools/bench/memblock.c

$(MB_TREE)/VERSION: tools/bench/get-linux.sh
	$(Q)tools/bench/get-linux.sh $(MB_LINUX) $(MB_TREE)

$(MB_HARNESS)/memblock.o: $(MB_TREE)/VERSION
	$(Q)$(MAKE) -s -C $(MB_HARNESS) CFLAGS='$(MB_CFLAGS)' $(MB_OBJS) >/dev/null

$(B)/bench-memblock.o: tools/bench/memblock.c tools/bench/bench.h $(MB_HARNESS)/memblock.o
	@echo "  CC      $@"
	$(Q)cd $(MB_HARNESS) && $(BENCH_CC) $(MB_CFLAGS) -I$(CURDIR)/tools/bench \
		-c $(CURDIR)/tools/bench/memblock.c -o $(abspath $@)

$(MB_BENCH): $(BENCH_SRCS) tools/bench/bench.h tools/bench/fresh.h tools/emmap/emmap.h $(B)/bench-memblock.o \
		$(B)/host/libearlymem.a
	@echo "  CCLD    $@"
	$(Q)$(BENCH_CC) $(BENCH_FLAGS) $(CFLAGS) -DEM_BENCH_MEMBLOCK $(BENCH_SRCS) \
		$(B)/bench-memblock.o $(addprefix $(MB_HARNESS)/,$(MB_OBJS)) \
		$(B)/host/libearlymem.a -o $@

bench-memblock: $(MB_BENCH)
	$(Q)echo "Linux memblock: Debian linux-source-$(MB_LINUX) $$(cat $(MB_TREE)/VERSION)"
	$(Q)for r in $$(seq $(BENCH_RUNS)); do \
		$(MB_BENCH) $(BENCH_RUN_ARGS) >$(B)/bench-memblock-$$r.txt || exit 1; \
	done
	$(Q)tools/bench/compare.sh $$(seq -f '$(B)/bench-memblock-%g.txt' $(BENCH_RUNS))
