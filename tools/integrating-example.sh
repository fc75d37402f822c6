#!/bin/sh
# Extract the compiled example of docs/integrating.md.
#
#   tools/integrating-example.sh docs/integrating.md OUTDIR
#
# Every ```c fenced block of the guide, in order, is one part of a single
# translation unit. Writes OUTDIR/example.c (each block preceded by a #line
# directive, so compiler messages point into the guide) and
# OUTDIR/kernel-symbols (the names the example declares extern: what the
# kernel provides), using tools/readme-example.sh for the latter.
# `make integrating-example` (mk/docs.mk) compiles the result freestanding
# and links it with build/libearlymem.a. Snippets that are not to be
# compiled use another fence (```text, ```sh).
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 GUIDE.md OUTDIR" >&2
	exit 2
fi
guide=$1
out=$2
marker='<!-- example: compiled by make readme-example -->'

mkdir -p "$out"
{
	echo "$marker"
	echo '```c'
	awk -v file="$guide" '
		!inblock && /^```c[ \t]*$/ { inblock = 1; n++; printf "#line %d \"%s\"\n", FNR + 1, file; next }
		inblock && /^```[ \t]*$/ { inblock = 0; next }
		inblock { print }
		END {
			if (inblock) { printf "%s: a ```c block is not closed\n", file > "/dev/stderr"; exit 1 }
			if (n == 0) { printf "%s: no ```c block\n", file > "/dev/stderr"; exit 1 }
		}' "$guide"
	echo '```'
} >"$out/guide-code.md"
"$(dirname "$0")/readme-example.sh" "$out/guide-code.md" "$out"
