#!/usr/bin/env bash
# Run cmocka test binaries and total their test cases.
#
#   tools/run-tests.sh BIN...
#
# Each binary runs in turn, with stdin from /dev/null and its stdout and
# stderr passed through to stdout (cmocka 1.1 prints its summary on stderr).
# Every binary runs even when an earlier one failed. The last line printed is
#
#   N passed, M failed
#
# counting test cases from cmocka's "[  PASSED  ] K test(s)." and
# "[  FAILED  ] K test(s), ..." summary lines (", K skipped" is added when
# cmocka skipped any). A binary that ends without a summary (a crash, a
# sanitizer abort, a missing file) counts as one failed case, and so does one
# that exits non-zero although its summary reported no failure (for example
# LeakSanitizer at exit). Failed binaries are named just before the last line.
# Exit status: 0 when nothing failed, 1 otherwise, 2 on usage error.
set -u

if [ $# -eq 0 ]; then
	echo "usage: $0 BIN..." >&2
	exit 2
fi

# The plain-text format whose summary lines are parsed below.
export CMOCKA_MESSAGE_OUTPUT=STDOUT

log=$(mktemp "${TMPDIR:-/tmp}/earlymem-tests.XXXXXX") || exit 2
trap 'rm -f "$log"' EXIT

passed=0
failed=0
skipped=0
problems=()

for bin in "$@"; do
	echo "== $bin"
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		echo "$bin: no such executable"
		failed=$((failed + 1))
		problems+=("$bin: no such executable")
		continue
	fi
	case $bin in
	*/*) cmd=$bin ;;
	*) cmd=./$bin ;;
	esac

	"$cmd" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}

	# "P F S N": passed, failed, skipped, number of summaries seen.
	read -r p f s n < <(awk '
		/^\[  PASSED  \] [0-9]+ test\(s\)\./ { p += $4; n++ }
		/^\[  FAILED  \] [0-9]+ test\(s\)/   { f += $4 }
		/^\[  SKIPPED \] [0-9]+ test\(s\)/   { s += $4 }
		END { print p + 0, f + 0, s + 0, n + 0 }' "$log")

	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))

	if [ "$rc" -gt 128 ]; then
		how="killed by signal $((rc - 128))"
	else
		how="exit status $rc"
	fi
	if [ "$n" -eq 0 ]; then
		failed=$((failed + 1))
		problems+=("$bin: no cmocka summary ($how)")
	elif [ "$f" -gt 0 ]; then
		problems+=("$bin: $f failed")
	elif [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		problems+=("$bin: all cases passed, then $how")
	fi
done

for line in "${problems[@]+"${problems[@]}"}"; do
	echo "FAILED: $line"
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
