#!/usr/bin/env bash
# Extract the README's compiled code example.
#
#   tools/readme-example.sh README.md OUTDIR
#
# Writes OUTDIR/example.c: the first ```c fenced block after the line
#   <!-- example: compiled by make readme-example -->
# (blank lines may stand between the two), and OUTDIR/kernel-symbols: the
# names the example declares `extern` (the functions, and any objects, the
# kernel provides), one per line. `make readme-example` compiles the example
# freestanding, links it with build/libearlymem.a, and fails if the result
# needs any undefined symbol not listed in kernel-symbols.
#
# An extern declaration may span lines (up to its ';'); attributes
# (__attribute__((...)), _Noreturn) are fine.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 README.md OUTDIR" >&2
	exit 2
fi
readme=$1
out=$2
marker='<!-- example: compiled by make readme-example -->'

mkdir -p "$out"
awk -v marker="$marker" -v file="$readme" '
	state == 0 && $0 == marker { state = 1; next }
	state == 1 && /^[ \t]*$/ { next }
	state == 1 && /^```c[ \t]*$/ { state = 2; next }
	state == 1 { printf "%s: the line after the example marker is not ```c\n", file > "/dev/stderr"; exit 1 }
	state == 2 && /^```[ \t]*$/ { state = 3; exit }
	state == 2 { print }
	END {
		if (state == 0) printf "%s: no line \"%s\"\n", file, marker > "/dev/stderr"
		else if (state == 2) printf "%s: the example block is not closed\n", file > "/dev/stderr"
		if (state != 3) exit 1
	}' "$readme" >"$out/example.c"

# Join each top-level extern declaration into one line, drop attributes,
# and print the names it declares: a function's name (the identifier before
# its parameter list), a function pointer's, or each object's of a
# comma-separated list.
awk '
	function last_ident(s) {
		sub(/[ \t]*(\[.*|=.*)?$/, "", s)
		if (match(s, /[A-Za-z_][A-Za-z_0-9]*$/))
			print substr(s, RSTART, RLENGTH)
	}
	!decl && /^[ \t]*extern[ \t]/ && !/"C"/ { decl = 1; text = "" }
	decl { text = text " " $0 }
	decl && /;/ {
		decl = 0
		sub(/;.*/, "", text)
		while (match(text, /__attribute__[ \t]*\(\(/)) {
			# drop the attribute up to its balanced closing "))"
			i = RSTART + RLENGTH; depth = 2
			while (depth > 0 && i <= length(text)) {
				c = substr(text, i, 1)
				if (c == "(") depth++
				else if (c == ")") depth--
				i++
			}
			text = substr(text, 1, RSTART - 1) " " substr(text, i)
		}
		if (match(text, /\([ \t]*\*[ \t]*[A-Za-z_][A-Za-z_0-9]*[ \t]*\)/)) {
			s = substr(text, RSTART + 1, RLENGTH - 2)
			gsub(/[ \t*]/, "", s)
			print s
		} else if (match(text, /[A-Za-z_][A-Za-z_0-9]*[ \t]*\(/)) {
			s = substr(text, RSTART, RLENGTH - 1)
			gsub(/[ \t]/, "", s)
			print s
		} else {
			n = split(text, part, ",")
			for (k = 1; k <= n; k++)
				last_ident(part[k])
		}
	}' "$out/example.c" | sort -u >"$out/kernel-symbols"
