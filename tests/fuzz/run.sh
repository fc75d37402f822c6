#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs libFuzzer targets one after the other (make fuzz, make fuzz-smoke).
#
#   tests/fuzz/run.sh SECONDS BUILDDIR keep|fresh TARGET...
#
# Each target first replays its checked-in reproducers (tests/fuzz/crashes/
# <target>-*, regressions that must pass), then fuzzes for SECONDS on
# BUILDDIR/corpus/<target>: kept between runs (keep) or a fresh copy of the
# seeds in tests/fuzz/corpus/<target> (fresh); the seeds themselves are never
# written. One line per target; a finding prints the fuzzer's report, keeps
# the input in BUILDDIR/crashes/ and makes the script fail after the others.
set -u
secs=$1 dir=$2 mode=$3
shift 3
fail=0
mkdir -p "$dir/crashes" "$dir/logs"
# CPU seconds (user + system) of this script's finished children so far:
# `times` must run in this shell (not in a $(...) subshell) to see them.
cpu_now() {
	times >"$dir/logs/.times"
	cpu=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/);
		print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$dir/logs/.times")
}
for t in "$@"; do
	bin=$dir/fuzz_$t corpus=$dir/corpus/$t log=$dir/logs/$t.log
	[ "$mode" = fresh ] && rm -rf "$corpus"
	mkdir -p "$corpus"
	cp -n tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	regress=$(ls tests/fuzz/crashes/"$t"-* 2>/dev/null)
	if [ -n "$regress" ] && ! "$bin" $regress >"$log" 2>&1; then
		echo "  FUZZ    $t: a checked-in reproducer fails again ($log):"
		tail -n 30 "$log"
		fail=1
		continue
	fi
	cpu_now
	cpu0=$cpu
	start=$(date +%s)
	"$bin" -max_total_time="$secs" -timeout=20 -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$dir/crashes/$t-" "$corpus" >"$log" 2>&1
	rc=$?
	wall=$(($(date +%s) - start))
	cpu_now
	cpu=$(awk -v a="$cpu0" -v b="$cpu" 'BEGIN { printf "%.1f", b - a }')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	size=$(ls "$corpus" | wc -l)
	if [ "$rc" -ne 0 ]; then
		input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
		echo "  FUZZ    $t: FINDING (exit $rc), input ${input:-in $dir/crashes/}, log $log"
		# Again with output (the fuzzing run closed it): the target's own message.
		[ -n "$input" ] && "$bin" "$input" 2>&1 | grep -v '^INFO:' | head -n 40
		fail=1
		continue
	fi
	printf '  FUZZ    %-7s %9s execs, %4d s, %6s CPU-s, corpus %4d, no finding\n' \
		"$t" "${execs:-?}" "$wall" "$cpu" "$size"
done
exit $fail
