# The Multiboot2 test kernel (tests/mb2/): the second boot path, SeaBIOS ->
# GRUB -> Multiboot2 -> earlymem.
#
#   make mb2        build/mb2/earlymem-mb2.iso (and the deliberately broken
#                   earlymem-mb2-break.iso): a 32-bit entry (boot.S) that
#                   switches to long mode, then 64-bit C (main.c) with the
#                   library linked in, packed with grub-mkrescue
#   make mb2-test   boot the matrix under QEMU/SeaBIOS (tests/mb2/run)
#
# The kernel is identity-mapped at 1 MiB, so the library is compiled again
# with the kernel flags but -mcmodel=small instead of -mcmodel=kernel (which
# is for a higher-half kernel) into build/mb2/obj/. The TAP output and the
# buddy allocator are the UEFI image's own (tests/uefi/kio.c, pbuddy.c), and
# so are the checks after the map is loaded (tests/uefi/checks.c).
MB2 := $(B)/mb2
MB2_CFLAGS := $(filter-out -mcmodel=kernel,$(KFLAGS)) -mcmodel=small -Itests/uefi
MB2_C_SRCS := tests/mb2/main.c tests/uefi/checks.c tests/uefi/kio.c tests/uefi/pbuddy.c
MB2_HDRS := tests/uefi/checks.h tests/uefi/kio.h tests/uefi/pbuddy.h
MB2_LIB_OBJS := $(LIB_SRCS:%.c=$(MB2)/obj/%.o)
MB2_COMMON_OBJS := $(MB2)/obj/tests/mb2/boot.o $(MB2)/obj/tests/uefi/checks.o \
	$(MB2)/obj/tests/uefi/kio.o $(MB2)/obj/tests/uefi/pbuddy.o $(MB2_LIB_OBJS)
MB2_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T tests/mb2/link.ld
FORMAT_FILES += tests/mb2/main.c
.PHONY: mb2 mb2-test mb2-deps

mb2-deps:
	$(Q)tools/install-deps.sh core mb2

mb2: $(MB2)/earlymem-mb2.iso $(MB2)/earlymem-mb2-break.iso

$(MB2)/obj/%.o: %.c $(LIB_HDRS) $(MB2_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(MB2_CFLAGS) $(CFLAGS) -c $< -o $@

$(MB2)/obj-break/%.o: %.c $(LIB_HDRS) $(MB2_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(MB2_CFLAGS) -DEM_MB2_BREAK=1 $(CFLAGS) -c $< -o $@

$(MB2)/obj/tests/mb2/boot.o: tests/mb2/boot.S
	@mkdir -p $(@D)
	@echo "  AS      $@"
	$(Q)$(CC) -c $< -o $@

$(MB2)/earlymem-mb2.elf: $(MB2)/obj/tests/mb2/main.o $(MB2_COMMON_OBJS) tests/mb2/link.ld
	@echo "  LD      $@"
	$(Q)ld $(MB2_LDFLAGS) $(filter %.o,$^) -o $@

$(MB2)/earlymem-mb2-break.elf: $(MB2)/obj-break/tests/mb2/main.o $(MB2_COMMON_OBJS) \
		tests/mb2/link.ld
	@echo "  LD      $@"
	$(Q)ld $(MB2_LDFLAGS) $(filter %.o,$^) -o $@

# grub-mkrescue: a BIOS (i386-pc) El Torito ISO with GRUB and the kernel.
$(MB2)/%.iso: $(MB2)/%.elf tests/mb2/grub.cfg
	@echo "  ISO     $@"
	$(Q)rm -rf $(MB2)/iso-$* && mkdir -p $(MB2)/iso-$*/boot/grub
	$(Q)cp $< $(MB2)/iso-$*/boot/earlymem-mb2.elf
	$(Q)cp tests/mb2/grub.cfg $(MB2)/iso-$*/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(MB2)/iso-$* >$(MB2)/iso-$*.log 2>&1 || \
		{ cat $(MB2)/iso-$*.log; exit 1; }

mb2-test: mb2-deps
	$(Q)$(MAKE) --no-print-directory mb2
	$(Q)tests/mb2/run
