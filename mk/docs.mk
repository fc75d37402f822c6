# Documentation
#
#   make docs                 regenerate the API reference docs/api/ from the
#                             headers' kernel-doc comments (tools/apidoc.sh)
#   make doc-check            fail when a public function, macro or type in
#                             include/ has no doc comment, or docs/api/ differs
#                             from what the headers give; also checks, on a
#                             scratch copy of the headers with three doc
#                             comments removed, that the check does fail
#   make integrating-example  compile the C blocks of docs/integrating.md (one
#                             translation unit) freestanding and link them with
#                             the kernel library, like make readme-example
DOC_HDRS := include/earlymem.h $(sort $(wildcard include/earlymem/*.h))
DOC_B := $(B)/docs
.PHONY: docs doc-check integrating-example

docs:
	$(Q)tools/apidoc.sh docs/api
	@echo "  DOCS    docs/api/ from $(words $(DOC_HDRS)) headers"

# The scratch copy loses the doc comments of a prototype (em_free), the
# static inline em_iter_next() and a macro (em_for_each_free_range): each
# must be reported.
doc-check:
	$(Q)rm -rf $(DOC_B) && mkdir -p $(DOC_B)
	$(Q)tools/apidoc.sh $(DOC_B)/api || \
		{ echo "doc-check: document the declarations listed above"; exit 1; }
	$(Q)diff -r docs/api $(DOC_B)/api >$(DOC_B)/api.diff || \
		{ head -n 40 $(DOC_B)/api.diff; \
		  echo "doc-check: docs/api/ is stale; run make docs"; exit 1; }
	$(Q)cp -R include $(DOC_B)/scratch-include
	$(Q)awk '{ l[NR] = $$0 } /^\/\*\*$$/ { open = NR } \
		/^ \* (em_free|em_iter_next|em_for_each_free_range)\(\) - / { l[open] = "/*" } \
		END { for (i = 1; i <= NR; i++) print l[i] }' include/earlymem.h \
		>$(DOC_B)/scratch-include/earlymem.h
	$(Q)if tools/apidoc.sh $(DOC_B)/scratch-api $(DOC_B)/scratch-include \
		2>$(DOC_B)/scratch.err; then \
		echo "doc-check: removing doc comments went unnoticed"; exit 1; fi
	$(Q)for f in em_free em_iter_next em_for_each_free_range; do \
		grep -q " $$f() has no doc comment" $(DOC_B)/scratch.err || \
		{ echo "doc-check: a missing doc comment for $$f() went unnoticed"; \
		  cat $(DOC_B)/scratch.err; exit 1; }; \
	done
	@echo "  DOCS    every public declaration documented, docs/api/ current"

integrating-example: $(B)/libearlymem.a
	$(Q)tools/integrating-example.sh docs/integrating.md $(B)/integrating
	$(Q)$(CC) $(KFLAGS) $(CFLAGS) -c $(B)/integrating/example.c -o $(B)/integrating/example.o
	$(Q)$(LD_R) -r -o $(B)/integrating/example-linked.o $(B)/integrating/example.o \
		--whole-archive $(B)/libearlymem.a --no-whole-archive
	$(Q)und=$$(nm -u $(B)/integrating/example-linked.o | awk '{ print $$NF }' | \
		grep -vxF -f $(B)/integrating/kernel-symbols || true); \
	if [ -n "$$und" ]; then echo "integrating.md example needs unknown symbols: $$und"; \
		exit 1; fi; \
	echo "  GUIDE   docs/integrating.md example compiles and links"
