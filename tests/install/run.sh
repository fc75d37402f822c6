#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make install-test: install earlymem into a staging directory, build a tiny
# freestanding kernel against it using only pkg-config, uninstall, and check
# that the staging directory is empty again. Run from the top directory.
set -eu

B=${B:-build}
stage=$B/install-test
prefix=/opt/earlymem
rm -rf "$stage"
make --no-print-directory -s install DESTDIR="$stage" PREFIX="$prefix" >/dev/null

export PKG_CONFIG_SYSROOT_DIR="$stage"
export PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig"
version=$(pkg-config --modversion earlymem)
want=$(sed -n 's/^#define EM_VERSION "\(.*\)"/\1/p' include/earlymem.h)
[ "$version" = "$want" ] || { echo "install-test: pkg-config says $version, earlymem.h $want"; exit 1; }

# The kernel build a hobby kernel would use: freestanding, no libc, no red zone.
${CC:-gcc} $(pkg-config --cflags earlymem) -std=c11 -Wall -Wextra -Werror -O2 \
	-mno-red-zone -mcmodel=kernel -fno-pic -fno-stack-protector -nostdlib -static \
	-Wl,-e,kmain -Wl,--build-id=none tests/install/kernel.c \
	$(pkg-config --libs earlymem) -o "$B/install-test.elf"
# earlymem's internal em__ functions are local to it: none may be global.
if nm "$B/install-test.elf" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | grep -q '^em__'; then
	echo "install-test: internal em__ symbols visible in the kernel"
	exit 1
fi

make --no-print-directory -s uninstall DESTDIR="$stage" PREFIX="$prefix" >/dev/null
left=$(find "$stage" -type f | head -n 5)
[ -z "$left" ] || { echo "install-test: uninstall left: $left"; exit 1; }
echo "install-test: installed $version, built a freestanding kernel via pkg-config, uninstalled cleanly"
