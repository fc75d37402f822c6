# earlymem build.
#
#   make            freestanding x86-64 library (build/libearlymem.a) + host build
#   make unit       cmocka unit tests on the host
#   make asan       the same tests under ASan + UBSan
#   make test       everything a change must pass (installs missing packages as root)
#   make valgrind   the unit tests under memcheck; make analyze: cppcheck, clang-tidy,
#                   gcc -fanalyzer; make coverage: gcov line/branch floors (mk/analysis.mk)
#   make bench      the benchmark against Linux memblock's workloads (mk/bench.mk)
#   make cxx-test   the public headers compiled, linked and run as C++ (mk/cxx.mk)
#   make install    headers, libearlymem.a and earlymem.pc under PREFIX (DESTDIR too;
#                   make uninstall removes them; mk/install.mk)
#   make qemu-test  the UEFI test image on OVMF under QEMU, the whole matrix (tests/uefi/run),
#                   and the Multiboot2 kernel on SeaBIOS/GRUB (tests/mb2/run, mk/mb2.mk)
#   make run        boot it once (2 nodes, 4 GiB), report on the terminal, map in build/run/
#   make clean
#
# CC, AR, CFLAGS and V=1 behave as usual. CFLAGS is added to every build.

CC ?= cc
AR ?= ar
ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(origin AR),default)
AR := ar
endif

LD_R ?= ld
OBJCOPY ?= objcopy

ifeq ($(V),1)
Q :=
else
Q := @
endif

B := build
LIB_SRCS := $(sort $(wildcard src/*.c arch/x86_64/*.c))
LIB_HDRS := $(wildcard include/*.h include/earlymem/*.h src/*.h arch/x86_64/*.h)

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-align -Wvla
INC := -Iinclude

# The kernel build: what DESIGN.md prescribes for x86-64 kernels.
KFLAGS := $(WARN) $(INC) -O2 -ffreestanding -fno-builtin -nostdlib \
	-mno-red-zone -mno-sse -mno-mmx -mno-80387 -mcmodel=kernel -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables
ifneq ($(findstring clang,$(CC)),)
KFLAGS += --target=x86_64-unknown-none-elf
endif

# The host build: the same sources for tests and tools.
HFLAGS := $(WARN) $(INC) -O2 -g
SANFLAGS := $(WARN) $(INC) -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer

K_OBJS := $(LIB_SRCS:%.c=$(B)/kernel/%.o)
H_OBJS := $(LIB_SRCS:%.c=$(B)/host/%.o)
S_OBJS := $(LIB_SRCS:%.c=$(B)/asan/%.o)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
# Every unit test binary also links the reference buddy allocator (the
# downstream of em_handoff(), tests/buddy/) and the reference model
# (tests/model/, also used by the fuzz target tests/fuzz/fuzz_ops.c).
UNIT_COMMON := tests/unit/common.c tests/unit/fwbuild.c tests/buddy/buddy.c tests/model/model.c
UNIT_HDRS := tests/unit/common.h tests/unit/fwbuild.h tests/unit/regcopy.h \
	tests/buddy/buddy.h tests/model/model.h
UNIT_INC := -Itests/unit -Itests/buddy -Itests/model
UNIT_NAMES := $(UNIT_SRCS:tests/unit/%.c=%)
# The model test also runs against a build with tiny static arrays, so full
# arrays (EM_ENOSPC) happen all the time, 16-byte pages, so its handoff
# releases whole pages inside the model's small address space, and doubled
# storage in chunks of 4 entries, so every operation crosses chunk edges.
SMALL_DEF := -DEM_STATIC_REGIONS=8 -DEM_PAGE_SIZE=16 -DEM_CHUNK_SHIFT_MAX=2
SM_OBJS := $(LIB_SRCS:%.c=$(B)/small/%.o)
UNIT_BINS := $(UNIT_NAMES:%=$(B)/host/tests/%) $(B)/small/tests/test_model \
	$(B)/dense/tests/test_model
ASAN_BINS := $(UNIT_NAMES:%=$(B)/asan/tests/%) $(B)/asan-small/tests/test_model \
	$(B)/asan-dense/tests/test_model
CMOCKA_LIBS := -lcmocka

.PHONY: all lib host deps unit asan test clean check-undefined readme-example \
	check-clang format-check
.SUFFIXES:

all: lib host emmap
lib: $(B)/libearlymem.a
host: $(B)/host/libearlymem.a

# One relocatable object with the internal em__ symbols made local: the
# archive then has no undefined symbols at all (nm -u prints nothing) and a
# kernel sees only the public em_ names.
$(B)/libearlymem.a: $(K_OBJS)
	@echo "  LD      $(@D)/earlymem.o"
	$(Q)$(LD_R) -r -o $(@D)/earlymem.o $^
	$(Q)$(OBJCOPY) -w --localize-symbol='em__*' $(@D)/earlymem.o
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(@D)/earlymem.o

$(B)/host/libearlymem.a: $(H_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/asan/libearlymem.a: $(S_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/small/libearlymem.a: $(SM_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/asan-small/libearlymem.a: $(SM_OBJS:$(B)/small/%=$(B)/asan-small/%)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/small/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HFLAGS) $(SMALL_DEF) $(CFLAGS) -c $< -o $@

$(B)/asan-small/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(SANFLAGS) $(SMALL_DEF) $(CFLAGS) -c $< -o $@

$(B)/small/tests/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS) $(B)/small/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HFLAGS) $(SMALL_DEF) $(CFLAGS) $(UNIT_INC) $< $(UNIT_COMMON) \
		$(B)/small/libearlymem.a $(CMOCKA_LIBS) -o $@

$(B)/asan-small/tests/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS) $(B)/asan-small/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(SANFLAGS) $(SMALL_DEF) $(CFLAGS) $(UNIT_INC) $< $(UNIT_COMMON) \
		$(B)/asan-small/libearlymem.a $(CMOCKA_LIBS) -o $@

$(B)/kernel/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(KFLAGS) $(CFLAGS) -c $< -o $@

$(B)/host/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HFLAGS) $(CFLAGS) -c $< -o $@

$(B)/asan/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(SANFLAGS) $(CFLAGS) -c $< -o $@

$(B)/host/tests/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS) $(B)/host/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HFLAGS) $(CFLAGS) $(UNIT_INC) $< $(UNIT_COMMON) \
		$(B)/host/libearlymem.a $(CMOCKA_LIBS) -o $@

$(B)/asan/tests/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS) $(B)/asan/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(SANFLAGS) $(CFLAGS) $(UNIT_INC) $< $(UNIT_COMMON) \
		$(B)/asan/libearlymem.a $(CMOCKA_LIBS) -o $@

# The model test once more on the default library, over a space of 4096
# cells instead of 384, so that the static ring fills and the arrays double
# into chunks of the sizes large maps get (tests/unit/test_model.c, DENSE).
DENSE_DEF := -DMODEL_SPACE=4096u

$(B)/dense/tests/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS) $(B)/host/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HFLAGS) $(CFLAGS) $(DENSE_DEF) $(UNIT_INC) $< $(UNIT_COMMON) \
		$(B)/host/libearlymem.a $(CMOCKA_LIBS) -o $@

$(B)/asan-dense/tests/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS) $(B)/asan/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(SANFLAGS) $(CFLAGS) $(DENSE_DEF) $(UNIT_INC) $< $(UNIT_COMMON) \
		$(B)/asan/libearlymem.a $(CMOCKA_LIBS) -o $@

# The randomized model test for longer: make model-soak SEEDS=N runs N times
# the seeds make test runs, in all three builds (default, tiny arrays, dense).
SEEDS ?= 20
.PHONY: model-soak
model-soak: deps $(B)/host/tests/test_model $(B)/small/tests/test_model \
	$(B)/dense/tests/test_model
	$(Q)EM_MODEL_SOAK=$(SEEDS) tools/run-tests.sh $(B)/host/tests/test_model \
		$(B)/small/tests/test_model $(B)/dense/tests/test_model

deps:
	$(Q)tools/install-deps.sh

# Run every unit test binary; report all failures, fail if any failed.
unit: deps $(UNIT_BINS)
	$(Q)tools/run-tests.sh $(UNIT_BINS)

asan: deps $(ASAN_BINS)
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		tools/run-tests.sh $(ASAN_BINS)

# The freestanding archive must not need a single symbol from outside.
check-undefined: $(B)/libearlymem.a
	$(Q)und=$$(nm -u $< | grep -v ':$$' | grep -v '^$$' || true); \
	if [ -n "$$und" ]; then echo "libearlymem.a needs: $$und"; exit 1; fi; \
	echo "  NM      $<: no undefined symbols"

# The kernel library also builds cleanly with clang for a bare-metal target.
check-clang:
	$(Q)$(MAKE) --no-print-directory B=$(B)/clang CC=clang $(B)/clang/libearlymem.a
	$(Q)und=$$(nm -u $(B)/clang/libearlymem.a | grep -v ':$$' | grep -v '^$$' || true); \
	if [ -n "$$und" ]; then echo "clang libearlymem.a needs: $$und"; exit 1; fi; \
	echo "  NM      $(B)/clang/libearlymem.a: no undefined symbols"

# The README's code example is compiled (freestanding) and linked against
# the kernel library, so the README cannot drift from the API.
readme-example: $(B)/libearlymem.a
	$(Q)tools/readme-example.sh README.md $(B)/readme
	$(Q)$(CC) $(KFLAGS) $(CFLAGS) -c $(B)/readme/example.c -o $(B)/readme/example.o
	$(Q)$(LD_R) -r -o $(B)/readme/example-linked.o $(B)/readme/example.o \
		--whole-archive $(B)/libearlymem.a --no-whole-archive
	$(Q)und=$$(nm -u $(B)/readme/example-linked.o | awk '{ print $$NF }' | \
		grep -vxF -f $(B)/readme/kernel-symbols || true); \
	if [ -n "$$und" ]; then echo "README example needs unknown symbols: $$und"; exit 1; fi; \
	echo "  README  example compiles and links"

# The code follows the checked-in .clang-format.
FORMAT_FILES = $(wildcard src/*.c src/*.h arch/x86_64/*.[ch] include/*.h include/earlymem/*.h \
	tests/unit/*.c tests/unit/*.h tests/buddy/*.c tests/buddy/*.h tests/model/*.c tests/model/*.h)
format-check:
	$(Q)clang-format --dry-run -Werror $(FORMAT_FILES)
	@echo "  FORMAT  $(words $(FORMAT_FILES)) files follow .clang-format"

test: deps all check-undefined check-clang readme-example doc-check integrating-example \
	format-check unit asan valgrind \
	analyze coverage emmap-test fuzz-smoke install-test cxx-test qemu-test

clean:
	rm -rf $(B)

# emmap: paste a kernel log, see the memory map (host tool, hosted C11).
# `make emmap-test` checks it against the fixture maps (tests/emmap/run.sh).
EMMAP_SRCS := $(sort $(wildcard tools/emmap/*.c))
EMMAP_HDRS := $(wildcard tools/emmap/*.h)
FORMAT_FILES += $(EMMAP_SRCS) $(EMMAP_HDRS)
.PHONY: emmap emmap-test
emmap: $(B)/emmap

$(B)/emmap: $(EMMAP_SRCS) $(EMMAP_HDRS) $(B)/host/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HFLAGS) $(CFLAGS) $(EMMAP_SRCS) $(B)/host/libearlymem.a -lm -o $@

$(B)/asan/emmap: $(EMMAP_SRCS) $(EMMAP_HDRS) $(B)/asan/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(SANFLAGS) $(CFLAGS) $(EMMAP_SRCS) $(B)/asan/libearlymem.a -lm -o $@

emmap-test: $(B)/emmap $(B)/asan/emmap
	$(Q)tests/emmap/run.sh $(B)/emmap $(B)/asan/emmap

# The UEFI test image (tests/uefi/): gnu-efi, the library sources compiled
# again as PIC for it (not libearlymem.a, which is -mcmodel=kernel), booted
# under QEMU/OVMF by tests/uefi/run. `make qemu-test` boots the matrix,
# `make run` one configuration with the report on the terminal and a map.
EFI_DIR := /usr/include/efi
EFI_LIB := /usr/lib
EFI_INC := -isystem $(EFI_DIR) -isystem $(EFI_DIR)/x86_64 -isystem $(EFI_DIR)/protocol
EFI_CFLAGS := $(WARN) $(INC) -O2 -ffreestanding -fno-builtin -fno-stack-protector -fpic \
	-fshort-wchar -mno-red-zone -maccumulate-outgoing-args -mno-sse -mno-mmx -mno-80387 \
	-fno-asynchronous-unwind-tables -DEFI_FUNCTION_WRAPPER
UEFI_SRCS := $(sort $(wildcard tests/uefi/*.c))
UEFI_HDRS := $(wildcard tests/uefi/*.h)
UEFI_LIB_OBJS := $(LIB_SRCS:%.c=$(B)/uefi/obj/%.o)
UEFI_APP_OBJS := $(UEFI_SRCS:%.c=$(B)/uefi/obj/%.o)
UEFI_BRK_OBJS := $(UEFI_SRCS:%.c=$(B)/uefi/obj-break/%.o)
UEFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
	-j .rel.* -j .rela.* -j .reloc
FORMAT_FILES += $(UEFI_SRCS) $(UEFI_HDRS)
.PHONY: uefi qemu-test run uefi-deps
uefi: $(B)/uefi/BOOTX64.EFI $(B)/uefi/BOOTX64-break.EFI

uefi-deps:
	$(Q)tools/install-deps.sh core uefi

$(B)/uefi/obj/%.o: %.c $(LIB_HDRS) $(UEFI_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(EFI_CFLAGS) $(EFI_INC) $(CFLAGS) -c $< -o $@

$(B)/uefi/obj-break/%.o: %.c $(LIB_HDRS) $(UEFI_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(EFI_CFLAGS) $(EFI_INC) -DEM_UEFI_BREAK=1 $(CFLAGS) -c $< -o $@

$(B)/uefi/%.so:
	@echo "  LD      $@"
	$(Q)ld -nostdlib -znocombreloc -T $(EFI_LIB)/elf_x86_64_efi.lds -shared -Bsymbolic \
		$(EFI_LIB)/crt0-efi-x86_64.o $^ -L$(EFI_LIB) -lefi -lgnuefi -o $@

$(B)/uefi/bootx64.so: $(UEFI_APP_OBJS) $(UEFI_LIB_OBJS)
$(B)/uefi/bootx64-break.so: $(UEFI_BRK_OBJS) $(UEFI_LIB_OBJS)

$(B)/uefi/BOOTX64.EFI: $(B)/uefi/bootx64.so
	@echo "  EFI     $@"
	$(Q)$(OBJCOPY) $(UEFI_SECTIONS) --target efi-app-x86_64 --subsystem=10 $< $@

$(B)/uefi/BOOTX64-break.EFI: $(B)/uefi/bootx64-break.so
	@echo "  EFI     $@"
	$(Q)$(OBJCOPY) $(UEFI_SECTIONS) --target efi-app-x86_64 --subsystem=10 $< $@

# Both matrices (tests/uefi/run, tests/mb2/run), part of `make test`; both
# always run, and the target fails if either does.
qemu-test: uefi-deps mb2-deps
	$(Q)$(MAKE) --no-print-directory uefi mb2
	$(Q)u=0; m=0; tests/uefi/run || u=$$?; tests/mb2/run || m=$$?; \
	[ $$u -eq 0 ] && [ $$m -eq 0 ]

# Boot one configuration (2 nodes, 4 GiB), report on the terminal, then a map.
run: uefi-deps
	$(Q)$(MAKE) --no-print-directory all uefi
	$(Q)tests/uefi/run --run

# Further rule sets, one file a job: analysis and coverage, fuzzing, benchmarks.
include $(sort $(wildcard mk/*.mk))
