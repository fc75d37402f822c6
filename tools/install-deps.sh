#!/usr/bin/env bash
# Check (and, as root, install) the Debian packages earlymem needs.
#
#   tools/install-deps.sh [SET...]
#
# With no argument the "core" set is checked: what `make test` needs now.
# Other sets are listed in the table below for the parts that come later;
# name them to check them too (e.g. `tools/install-deps.sh core uefi`).
#
# Everything present: prints nothing, exits 0 (it runs on every `make test`,
# so it only looks for files and commands, no package database queries).
# Something missing: as root, `apt-get update` once and `apt-get install` the
# missing packages; otherwise print one line saying what to install, exit 1.
set -eu

# set      package           present when (all must hold; a|b = either)
TABLE='
core       libcmocka-dev     file:/usr/include/cmocka.h
core       clang             cmd:clang cmd:clang++
core       g++               cmd:g++
core       clang-format      cmd:clang-format
core       binutils          cmd:nm cmd:ld cmd:ar cmd:objcopy
core       pkg-config        cmd:pkg-config
uefi       gnu-efi           file:/usr/include/efi/efi.h
uefi       qemu-system-x86   cmd:qemu-system-x86_64
uefi       ovmf              file:/usr/share/OVMF/OVMF_CODE.fd|file:/usr/share/OVMF/OVMF_CODE_4M.fd|file:/usr/share/ovmf/OVMF.fd
uefi       mtools            cmd:mcopy
uefi       dosfstools        cmd:mkfs.fat
mb2        qemu-system-x86   cmd:qemu-system-x86_64
mb2        grub-pc-bin       file:/usr/lib/grub/i386-pc/multiboot2.mod
mb2        grub-common       cmd:grub-mkrescue
mb2        xorriso           cmd:xorriso
mb2        mtools            cmd:mformat
memcheck   valgrind          cmd:valgrind
gallery    librsvg2-bin      cmd:rsvg-convert
analysis   cppcheck          cmd:cppcheck
analysis   clang-tidy        cmd:clang-tidy
analysis   gcovr             cmd:gcovr
fuzz       clang             cmd:clang
fuzz       libclang-rt-14-dev file:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a|file:/usr/lib/llvm-14/lib/clang/14/lib/linux/libclang_rt.fuzzer-x86_64.a
memblock   liburcu-dev       file:/usr/include/x86_64-linux-gnu/urcu/uatomic.h|file:/usr/include/urcu/uatomic.h
memblock   xz-utils          cmd:xz
'

# present COND...: true when every condition holds.
present() {
	local cond alt ok
	for cond in "$@"; do
		ok=no
		IFS='|'
		for alt in $cond; do
			case $alt in
			file:*) [ -e "${alt#file:}" ] && ok=yes ;;
			cmd:*) command -v "${alt#cmd:}" >/dev/null 2>&1 && ok=yes ;;
			*) echo "install-deps.sh: bad condition '$alt'" >&2; exit 2 ;;
			esac
			[ "$ok" = yes ] && break
		done
		unset IFS
		[ "$ok" = yes ] || return 1
	done
	return 0
}

# missing_packages SET...: the packages of those sets that are not present.
missing_packages() {
	local want set pkg conds
	want=" $* "
	while read -r set pkg conds; do
		[ -n "${set:-}" ] || continue
		case $want in *" $set "*) ;; *) continue ;; esac
		# shellcheck disable=SC2086 # conditions are space-separated words
		present $conds || printf '%s\n' "$pkg"
	done <<<"$TABLE"
}

sets=${*:-core}
for s in $sets; do
	if ! printf '%s\n' "$TABLE" | awk -v s="$s" '$1 == s { f = 1 } END { exit !f }'; then
		echo "install-deps.sh: unknown set '$s' (known: $(printf '%s\n' "$TABLE" |
			awk 'NF { print $1 }' | sort -u | paste -sd ' '))" >&2
		exit 2
	fi
done

# shellcheck disable=SC2086
missing=$(missing_packages $sets | tr '\n' ' ')
missing=${missing% }
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "earlymem: missing packages: $missing (run: sudo apt-get install $missing)"
	exit 1
fi

echo "earlymem: installing $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

# shellcheck disable=SC2086
still=$(missing_packages $sets | tr '\n' ' ')
still=${still% }
if [ -n "$still" ]; then
	echo "earlymem: still missing after apt-get install: $still" >&2
	exit 1
fi
