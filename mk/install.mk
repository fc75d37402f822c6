# Installing
#
#   make install [PREFIX=/usr/local] [DESTDIR=...]
#       $(PREFIX)/include/earlymem.h and include/earlymem/*.h, the freestanding
#       x86-64 library $(PREFIX)/lib/libearlymem.a, and the pkg-config file
#       $(PREFIX)/lib/pkgconfig/earlymem.pc (version EM_VERSION of earlymem.h).
#   make uninstall [PREFIX=...] [DESTDIR=...]   removes exactly those files.
#   make install-test   installs into build/install-test/, builds a tiny
#       freestanding "kernel" against it through pkg-config, uninstalls, and
#       checks that nothing is left (part of make test).
PREFIX ?= /usr/local
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL ?= install
EM_VERSION_STR := $(shell sed -n 's/^\#define EM_VERSION "\(.*\)"/\1/p' include/earlymem.h)
PUBLIC_HDRS := $(wildcard include/earlymem/*.h)
.PHONY: install uninstall install-test

$(B)/earlymem.pc: earlymem.pc.in include/earlymem.h
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(EM_VERSION_STR)|' $< >$@

install: $(B)/libearlymem.a $(B)/earlymem.pc
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)$(INSTALL) -d $(DESTDIR)$(INCLUDEDIR)/earlymem $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(PKGCONFIGDIR)
	$(Q)$(INSTALL) -m 644 include/earlymem.h $(DESTDIR)$(INCLUDEDIR)/
	$(Q)$(INSTALL) -m 644 $(PUBLIC_HDRS) $(DESTDIR)$(INCLUDEDIR)/earlymem/
	$(Q)$(INSTALL) -m 644 $(B)/libearlymem.a $(DESTDIR)$(LIBDIR)/
	$(Q)$(INSTALL) -m 644 $(B)/earlymem.pc $(DESTDIR)$(PKGCONFIGDIR)/

uninstall:
	@echo "  UNINSTALL $(DESTDIR)$(PREFIX)"
	$(Q)rm -f $(DESTDIR)$(INCLUDEDIR)/earlymem.h \
		$(PUBLIC_HDRS:include/earlymem/%=$(DESTDIR)$(INCLUDEDIR)/earlymem/%) \
		$(DESTDIR)$(LIBDIR)/libearlymem.a $(DESTDIR)$(PKGCONFIGDIR)/earlymem.pc
	$(Q)rmdir $(DESTDIR)$(INCLUDEDIR)/earlymem 2>/dev/null || true

install-test: deps
	$(Q)tests/install/run.sh
