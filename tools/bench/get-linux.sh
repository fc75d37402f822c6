#!/bin/sh
# SPDX-License-Identifier: MIT
#
# get-linux.sh VERSION DIR: unpack into DIR the parts of Debian's
# linux-source-VERSION package that Linux memblock's user-space test
# harness needs (mm/memblock.c, include/, tools/, arch/x86/include/), for
# `make bench-memblock`. Nothing of it is kept in this tree.
#
# Fetches the package with `apt-get download` (running `apt-get update`
# first if the package is unknown and we are root), and installs the
# harness's one build dependency, liburcu-dev, through install-deps.sh.
# DIR/VERSION then holds the package version; an existing one is reused.
set -eu
ver=$1
dst=$2
here=$(cd "$(dirname "$0")" && pwd)

"$here/../install-deps.sh" memblock
if [ -s "$dst/VERSION" ] && [ -e "$dst/mm/memblock.c" ]; then
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkg=linux-source-$ver
if ! (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1); then
	[ "$(id -u)" = 0 ] || { echo "get-linux.sh: cannot download $pkg (apt-get update as root?)" >&2; exit 1; }
	apt-get update -qq
	(cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) ||
		{ echo "get-linux.sh: cannot download $pkg" >&2; exit 1; }
fi
deb=$(ls "$tmp"/*.deb)
rm -rf "$dst"
mkdir -p "$dst"
echo "  UNPACK  $pkg (about a minute)"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
	tar -xJ -C "$dst" --strip-components=1 \
		"$pkg/mm/memblock.c" "$pkg/include" "$pkg/tools" "$pkg/arch/x86/include"
dpkg-deb -f "$deb" Version >"$dst/VERSION"
