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
#
# Output of em-bench-memblock (`make bench-memblock`) also has
# "memblock:workload N ns_per_op" lines: memblock measured in the same
# process, repetition for repetition beside earlymem. Then two more columns
# hold those figures and the ratio in the same run (the smallest over the
# runs), and a second verdict applies the same targets to that ratio.
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
}
function set(w, v,    i, n) {
	split("128 1024 8192 65536", n)
	for (i = 1; i <= 4; i++)
		mb[w, n[i]] = v[i]
}
# need(w, n): how many times faster than memblock earlymem must be.
function need(w, n) {
	if (w ~ /^c_alloc_/ && n >= 8192)
		return 20
	if (w ~ /^(a_add|b_reserve|d_free)$/ && n == 65536)
		return 5
	return 1
}
function rule(w, n,    k) {
	k = need(w, n)
	if (w == "e_iter_free")
		return "< 2 ns, faster than memblock"
	return k == 1 ? "faster than memblock" : ">=" k "x"
}
# meets(w, n, ns, m): earlymem at ns per op meets the target against memblock at m.
function meets(w, n, ns, m,    ok) {
	ok = need(w, n) == 1 ? ns < m : m / ns >= need(w, n)
	return w == "e_iter_free" ? ok && ns < 2 : ok
}
FNR == 1 { run++ }
/^#/ || NF != 3 || $3 !~ /^[0-9.]+$/ { next }
$1 ~ /^memblock:/ {
	here = 1
	k = substr($1, 10) SUBSEP $2
	mbrun[k, run] = $3 + 0
	prev = (k in mbruns) ? mbruns[k] " / " : "" # not on the left: mawk creates that first
	mbruns[k] = prev sprintf("%.2f", $3)
	next
}
{
	k = $1 SUBSEP $2
	emrun[k, run] = $3 + 0
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
	print "memblock ns: Linux memblock 6.12, measured on the same kind of machine (the issue'"'"'s figures)."
	if (here)
		print "memblock here: Linux memblock measured in the same process, beside earlymem, in each run."
	print ""
	if (here) {
		print "| workload | N | earlymem ns (per run) | memblock ns | ratio (slowest run) | target met? | memblock here ns (per run) | ratio here (lowest run) | met here? |"
		print "|---|---:|---:|---:|---:|---|---:|---:|---|"
	} else {
		print "| workload | N | earlymem ns (per run) | memblock ns | ratio (slowest run) | target met? |"
		print "|---|---:|---:|---:|---:|---|"
	}
	for (i = 1; i <= nk; i++) {
		k = order[i]
		split(k, wn, SUBSEP)
		w = wn[1]; n = wn[2]; ns = worst[k]
		if (!((w, n) in mb)) {
			printf "| %s | %s | %s | - | - | n/a (no memblock number) |%s\n", w, n, runs[k],
			       (here ? " - | - | - |" : "")
			continue
		}
		m = mb[w, n] + 0
		ok = meets(w, n, ns, m)
		rows++
		if (ok)
			met++
		printf "| %s | %s | %s | %s | %.2fx | %s (%s) |", w, n, runs[k], mb[w, n],
		       (ns > 0 ? m / ns : 0), (ok ? "yes" : "**no**"), rule(w, n)
		if (here) {
			# the same test in every run, against memblock of that run
			low = -1; okh = 1
			for (r = 1; r <= run; r++) {
				if (!((k, r) in emrun))
					continue
				if (!((k, r) in mbrun)) {
					okh = 0
					continue
				}
				q = mbrun[k, r] / emrun[k, r]
				if (low < 0 || q < low)
					low = q
				if (!meets(w, n, emrun[k, r], mbrun[k, r]))
					okh = 0
			}
			if (okh)
				methere++
			printf " %s | %.2fx | %s |", ((k in mbruns) ? mbruns[k] : "-"), (low < 0 ? 0 : low),
			       (okh ? "yes" : "**no**")
		}
		printf "\n"
	}
	print ""
	printf "Targets met: %d of %d%s.\n", met, rows, (run > 1 ? " (every run)" : "")
	if (here)
		printf "Targets met against memblock measured here: %d of %d%s.\n", methere, rows,
		       (run > 1 ? " (every run)" : "")
}
' "${@:--}"
