#!/bin/sh
# SPDX-License-Identifier: MIT
#
# compare.sh: em-bench's output as a Markdown table against Linux memblock.
#
#   build/em-bench | tools/bench/compare.sh
#   tools/bench/compare.sh build/bench.txt
#   tools/bench/compare.sh run1.txt run2.txt run3.txt   # every run must meet it
#
# Reads "workload N ns_per_op" lines (others are ignored) and prints
#
#   workload | N | earlymem ns | memblock ns | ratio | target met?
#
# With several files, earlymem ns lists every run and the ratio and the
# verdict use the slowest one, so a "yes" holds in every run.
# ratio is memblock ns / earlymem ns (how many times faster earlymem is).
# The memblock numbers are hard-coded below: Linux memblock 6.12, measured
# on the same kind of machine with the same workloads. The targets:
#   - faster than memblock at every N (ratio > 1);
#   - c_alloc_topdown and c_alloc_bottomup: ratio >= 20 for N >= 8192;
#   - a_add, b_reserve, d_free: ratio >= 5 at N = 65536;
#   - e_iter_free: below 2 ns per range (as well as faster than memblock).
# A last line counts the rows that meet their target.
awk '
BEGIN {
	# Linux memblock 6.12, ns per operation at N = 128 1024 8192 65536.
	split("64 390 2850 23000", v); set("a_add", v)
	split("65 400 2800 23000", v); set("b_reserve", v)
	split("190 940 5000 40000", v); set("c_alloc_topdown", v)
	split("130 455 3650 29000", v); set("c_alloc_bottomup", v)
	split("49 245 1680 14400", v); set("d_free", v)
	split("4.5 4.5 4.5 4.5", v); set("e_iter_free", v)
	print "memblock ns: Linux memblock 6.12, measured on the same kind of machine."
	print ""
	print "| workload | N | earlymem ns (per run) | memblock ns | ratio (slowest run) | target met? |"
	print "|---|---:|---:|---:|---:|---|"
}
function set(w, v,    i, n) {
	split("128 1024 8192 65536", n)
	for (i = 1; i <= 4; i++)
		mb[w, n[i]] = v[i]
}
/^#/ || NF != 3 || $3 !~ /^[0-9.]+$/ { next }
{
	k = $1 SUBSEP $2
	if (!(k in worst)) {
		order[++nk] = k
		worst[k] = $3 + 0
		runs[k] = sprintf("%.2f", $3)
	} else {
		if ($3 + 0 > worst[k])
			worst[k] = $3 + 0
		runs[k] = runs[k] sprintf(" / %.2f", $3)
	}
}
END {
	for (i = 1; i <= nk; i++) {
		split(order[i], wn, SUBSEP)
		w = wn[1]; n = wn[2]; ns = worst[order[i]]
		if (!((w, n) in mb)) {
			printf "| %s | %s | %s | - | - | n/a (no memblock number) |\n", w, n, runs[order[i]]
			continue
		}
		m = mb[w, n] + 0
		ratio = ns > 0 ? m / ns : 0
		need = 1; rule = "faster than memblock"
		if (w ~ /^c_alloc_/ && n >= 8192) {
			need = 20; rule = ">=20x"
		} else if (w ~ /^(a_add|b_reserve|d_free)$/ && n == 65536) {
			need = 5; rule = ">=5x"
		}
		ok = need == 1 ? ns < m : ratio >= need
		if (w == "e_iter_free") {
			ok = ok && ns < 2
			rule = "< 2 ns, faster than memblock"
		}
		rows++
		if (ok)
			met++
		printf "| %s | %s | %s | %s | %.2fx | %s (%s) |\n", w, n, runs[order[i]], mb[w, n],
		       ratio, ok ? "yes" : "**no**", rule
	}
	print ""
	printf "Targets met: %d of %d%s.\n", met, rows, (files > 1 ? " (every run)" : "")
}
' files=$# "${@:--}"
