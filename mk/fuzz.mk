# Fuzzing (clang libFuzzer with ASan + UBSan; docs/fuzzing.md)
#
#   make fuzz-deps       the compiler-rt fuzzer runtime (tools/install-deps.sh fuzz)
#   make fuzz            every target for FUZZ_SECONDS (default 60) each, one after
#                        the other, on a corpus in build/fuzz/corpus/<target>
#                        seeded from tests/fuzz/corpus/<target>; any finding fails
#                        (the input lands in build/fuzz/crashes/)
#   make fuzz-smoke      every target for about 3 s on a fresh copy of its seeds
#   make fuzz-build      just the binaries, build/fuzz/fuzz_<target>
#   make fuzz-corpus     regenerate the seeds (tests/fuzz/mkcorpus.py)
#
# Reproduce a finding: build/fuzz/fuzz_<target> <input file>.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := e820 efi acpi mb2 limine emmap ops
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := $(WARN) $(INC) -O1 -g $(FUZZ_SAN)
FZ := $(B)/fuzz
# The library with coverage instrumentation: default configuration, and the
# small one (tiny static arrays, 16-byte pages) for the operation target.
FZ_OBJS := $(LIB_SRCS:%.c=$(FZ)/obj/%.o)
FZ_SM_OBJS := $(LIB_SRCS:%.c=$(FZ)/obj-small/%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FZ)/fuzz_%)
FUZZ_HDRS := tests/fuzz/fuzz.h tests/unit/regcopy.h tests/model/model.h tools/emmap/emmap.h
FORMAT_FILES += $(wildcard tests/fuzz/*.c tests/fuzz/*.h)
.PHONY: fuzz fuzz-smoke fuzz-build fuzz-deps fuzz-corpus

fuzz-deps:
	$(Q)tools/install-deps.sh core fuzz

$(FZ)/obj/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(CFLAGS) -c $< -o $@

$(FZ)/obj-small/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(SMALL_DEF) -fsanitize=fuzzer-no-link $(CFLAGS) -c $< -o $@

$(FZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HDRS) $(FZ_OBJS)
	@echo "  CCLD    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(CFLAGS) $< $(FZ_OBJS) -o $@

$(FZ)/fuzz_emmap: tests/fuzz/fuzz_emmap.c tools/emmap/parse.c $(FUZZ_HDRS) $(FZ_OBJS)
	@echo "  CCLD    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itools/emmap $(CFLAGS) $< \
		tools/emmap/parse.c $(FZ_OBJS) -o $@

$(FZ)/fuzz_ops: tests/fuzz/fuzz_ops.c tests/model/model.c $(FUZZ_HDRS) $(FZ_SM_OBJS)
	@echo "  CCLD    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(SMALL_DEF) -fsanitize=fuzzer -Itests/model $(CFLAGS) $< \
		tests/model/model.c $(FZ_SM_OBJS) -o $@

fuzz-build: fuzz-deps $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(FZ) keep $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	$(Q)tests/fuzz/run.sh 3 $(FZ) fresh $(FUZZ_TARGETS)

fuzz-corpus:
	$(Q)tests/fuzz/mkcorpus.py
