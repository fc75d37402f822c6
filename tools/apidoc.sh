#!/bin/sh
# Render the API reference from the headers' kernel-doc comments.
#
#   tools/apidoc.sh OUTDIR [INCLUDE_DIR]
#
# Writes OUTDIR/<header>.md for INCLUDE_DIR/earlymem.h and every
# INCLUDE_DIR/earlymem/*.h (earlymem.md, e820.md, ...) and OUTDIR/README.md,
# an index of every documented name. INCLUDE_DIR defaults to include.
# Exits 1, after writing, when a function, type or lowercase function-like
# macro has no doc comment or a doc comment names something else; the
# problems are listed on stderr as FILE:LINE: message.
#
# `make docs` writes docs/api/; `make doc-check` renders into build/ and
# fails on any such problem or when docs/api/ differs (mk/docs.mk).
# POSIX sh and awk only (tools/apidoc.awk); the output is the same with
# mawk (Debian's default awk), gawk and gawk --posix. AWK=... picks one.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 OUTDIR [INCLUDE_DIR]" >&2
	exit 2
fi
out=$1
inc=${2:-include}
inc=${inc%/}
here=$(dirname "$0")
LC_ALL=C
export LC_ALL

[ -f "$inc/earlymem.h" ] || { echo "$0: no $inc/earlymem.h" >&2; exit 2; }
headers="$inc/earlymem.h"
for h in "$inc"/earlymem/*.h; do
	[ -f "$h" ] && headers="$headers $h"
done

mkdir -p "$out"
rm -f "$out"/*.md
# $headers holds no spaces (header names are plain words).
# shellcheck disable=SC2086
${AWK:-awk} -v outdir="$out" -v incdir="$inc" -f "$here/apidoc.awk" \
	pass=1 $headers pass=2 $headers
