#!/bin/sh
# SPDX-License-Identifier: MIT
# em-ab: builds the reference revision's host library from `git archive REF`
# into OUT/ref, compiles tools/bench/ab_side.c against each side's headers,
# links each with its own libearlymem.a (ld -r) and keeps only its entry
# point global, then links tools/bench/ab.c with both and runs it.
#
#   tools/bench/ab.sh REF OUT NEW_LIB [em-ab args...]
set -eu
ref=$1 out=$2 new_lib=$3
shift 3
cc=${BENCH_CC:-gcc}
flags="-std=c11 -Wall -Wextra -Werror -O2 -Itools/bench"

rev=$(git rev-parse --verify "$ref^{commit}")
if [ "$(cat "$out/ref.rev" 2>/dev/null)" != "$rev" ]; then
	rm -rf "$out/ref"
	mkdir -p "$out/ref"
	git archive "$rev" | tar -x -C "$out/ref"
	make -s -C "$out/ref" build/host/libearlymem.a >/dev/null
	echo "$rev" >"$out/ref.rev"
fi

side() { # name include-dir library
	$cc $flags -I"$2" $([ "$1" = ref ] && echo -DAB_REF) -c tools/bench/ab_side.c \
		-o "$out/side-$1.o"
	ld -r -o "$out/all-$1.o" "$out/side-$1.o" "$3"
	objcopy --keep-global-symbol="ab_$1_run" --keep-global-symbol=ab_sink \
		"$out/all-$1.o" "$out/ab-$1.o"
}
side ref "$out/ref/include" "$out/ref/build/host/libearlymem.a"
side new include "$new_lib"
$cc $flags tools/bench/ab.c "$out/ab-ref.o" "$out/ab-new.o" -o "$out/em-ab"
echo "# ref $(git log -1 --format='%h %s' "$rev")" >&2
"$out/em-ab" "$@"
