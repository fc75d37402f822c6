# The memory-map gallery in the README (docs/img/*.png)
#
#   make gallery   draws three fixture machines with emmap --svg and renders
#                  them to PNG with rsvg-convert (librsvg2-bin, installed by
#                  tools/install-deps.sh core gallery). Not part of make test:
#                  the pictures are checked in.
MAPS := tests/fixtures/maps
GALLERY_PNGS := docs/img/emmap-superdome-12tib.png docs/img/emmap-qemu-ovmf.png \
	docs/img/emmap-asus-laptop.png
.PHONY: gallery gallery-deps

gallery-deps:
	$(Q)tools/install-deps.sh core gallery

gallery: gallery-deps $(B)/emmap
	$(Q)mkdir -p $(B)/gallery
	$(Q)$(B)/emmap --svg $(B)/gallery/superdome.svg $(MAPS)/efi-hp-superdome2-16s-12tib.txt \
		$(MAPS)/numa-hp-superdome2-16node-12tib.txt >/dev/null
	$(Q)$(B)/emmap --svg $(B)/gallery/qemu-ovmf.svg $(MAPS)/efi-qemu-q35-ovmf-fedora30.txt \
		>/dev/null
	$(Q)$(B)/emmap --svg $(B)/gallery/asus.svg \
		$(MAPS)/e820-asus-ux32vd-ivybridge-ami-many-holes.txt >/dev/null
	$(Q)rsvg-convert $(B)/gallery/superdome.svg -o docs/img/emmap-superdome-12tib.png
	$(Q)rsvg-convert $(B)/gallery/qemu-ovmf.svg -o docs/img/emmap-qemu-ovmf.png
	$(Q)rsvg-convert $(B)/gallery/asus.svg -o docs/img/emmap-asus-laptop.png
	@echo "  GALLERY $(GALLERY_PNGS)"
