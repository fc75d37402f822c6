# Analysis and coverage
#
#   make analyze    cppcheck, clang-tidy (.clang-tidy) and gcc -fanalyzer over
#                   src/ and arch/; any finding fails. Suppressions, each with
#                   its reason: tools/cppcheck-suppressions.txt, .clang-tidy.
#   make coverage   the unit tests (as `make unit` runs them) built with gcov
#                   into build/coverage/, then line and branch coverage of src/
#                   and arch/ (gcovr; HTML in build/coverage/html/). What stays
#                   uncovered and why: docs/coverage.md.
#   make valgrind   every host unit test binary under memcheck; any error fails.
ANALYZE_SRCS := $(LIB_SRCS)
CPPCHECK_FLAGS := --enable=warning,style,performance,portability --std=c11 --platform=unix64 \
	--inline-suppr --error-exitcode=1 -q -Iinclude -Isrc -Iarch/x86_64 \
	--suppressions-list=tools/cppcheck-suppressions.txt \
	--template='{file}:{line}: {severity}: {message} [{id}]'
# clang-tidy and the analyzer see the kernel build's language and freestanding mode.
ANALYZE_CFLAGS := -std=c11 $(INC) -ffreestanding -fno-builtin
FANALYZER_FLAGS := $(WARN) $(ANALYZE_CFLAGS) -O2 -fanalyzer
COV := $(B)/coverage
COV_FLAGS := $(WARN) $(INC) -O0 -g --coverage
COV_OBJS := $(LIB_SRCS:%.c=$(COV)/default/%.o)
COV_SM_OBJS := $(LIB_SRCS:%.c=$(COV)/small/%.o)
COV_BINS := $(UNIT_NAMES:%=$(COV)/default/tests/%) $(COV)/small/tests/test_model
GCOVR_FLAGS := -r . --object-directory $(COV) --filter 'src/' --filter 'arch/' \
	--exclude-unreachable-branches
VALGRIND_BINS := $(UNIT_NAMES:%=$(B)/host/tests/%) $(B)/small/tests/test_model
.PHONY: analysis-deps analyze coverage valgrind

analysis-deps:
	$(Q)tools/install-deps.sh core analysis

analyze: analysis-deps
	@echo "  CPPCHECK $(words $(ANALYZE_SRCS)) files"
	$(Q)cppcheck $(CPPCHECK_FLAGS) $(ANALYZE_SRCS)
	@echo "  TIDY    $(words $(ANALYZE_SRCS)) files"
	$(Q)clang-tidy --quiet --warnings-as-errors='*' $(ANALYZE_SRCS) -- $(ANALYZE_CFLAGS) \
		2>/dev/null
	@echo "  ANALYZE gcc -fanalyzer, $(words $(ANALYZE_SRCS)) files"
	$(Q)for f in $(ANALYZE_SRCS); do \
		gcc $(FANALYZER_FLAGS) -c $$f -o /dev/null || exit 1; \
	done

$(COV)/default/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(COV_FLAGS) $(CFLAGS) -c $< -o $@

$(COV)/small/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(COV_FLAGS) $(SMALL_DEF) $(CFLAGS) -c $< -o $@

$(COV)/default/libearlymem.a: $(COV_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(COV)/small/libearlymem.a: $(COV_SM_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Only the library is instrumented; the tests link libgcov.
$(COV)/default/tests/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS) $(COV)/default/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HFLAGS) -O0 $(CFLAGS) $(UNIT_INC) $< $(UNIT_COMMON) \
		$(COV)/default/libearlymem.a $(CMOCKA_LIBS) -lgcov -o $@

$(COV)/small/tests/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS) $(COV)/small/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HFLAGS) -O0 $(SMALL_DEF) $(CFLAGS) $(UNIT_INC) $< $(UNIT_COMMON) \
		$(COV)/small/libearlymem.a $(CMOCKA_LIBS) -lgcov -o $@

coverage: analysis-deps deps $(COV_BINS)
	$(Q)find $(COV) -name '*.gcda' -delete
	$(Q)tools/run-tests.sh $(COV_BINS)
	@mkdir -p $(COV)/html
	$(Q)gcovr $(GCOVR_FLAGS) --branches --sort-uncovered -o $(COV)/branches.txt
	$(Q)gcovr $(GCOVR_FLAGS) --sort-uncovered -o $(COV)/lines.txt
	$(Q)gcovr $(GCOVR_FLAGS) --html-details $(COV)/html/index.html --print-summary \
		--fail-under-line 95 --fail-under-branch 90
	@echo "  GCOVR   per file: $(COV)/lines.txt, $(COV)/branches.txt, $(COV)/html/"

valgrind: deps $(VALGRIND_BINS)
	$(Q)tools/install-deps.sh core memcheck
	$(Q)fail=0; start=$$(date +%s); \
	for b in $(VALGRIND_BINS); do \
		echo "  VALGRIND $$b"; \
		CMOCKA_MESSAGE_OUTPUT=STDOUT valgrind -q --error-exitcode=1 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible $$b >$$b.valgrind 2>&1 \
			|| { fail=1; cat $$b.valgrind; }; \
	done; \
	echo "  VALGRIND $(words $(VALGRIND_BINS)) binaries in $$(( $$(date +%s) - start )) s"; \
	exit $$fail
