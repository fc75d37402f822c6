#!/usr/bin/env bash
# Tests of build/emmap (tools/emmap/): make emmap-test.
#
#   tests/emmap/run.sh EMMAP [EMMAP_ASAN]
#
# 1. Every fixture map (tests/fixtures/maps/*.txt, copied from the shared
#    fixtures) and a few pairs of files read as one log (a map plus its
#    machine's SRAT lines) parse with exit 0, and `emmap --summary` prints
#    exactly tests/emmap/expected/<name>.summary ("<a>+<b>" for pairs).
# 2. memory_bytes and reserved_bytes of every e820-* and efi-* fixture equal
#    what tests/emmap/oracle.awk, a separate reading of the log in awk,
#    computes from the loaders' documented policy.
# 3. Where one machine printed both an e820 and a UEFI map, both give the
#    same memory_bytes (the fixtures README: equal to the byte).
# 4. Map choice: both maps in one log -> the UEFI one; user: lines only when
#    there is no firmware map, or with --user. --x86-low reserves low memory.
# 5. Bad lines (numbers over 64 bits, end before start, truncated lines,
#    unknown types, nodes out of range) are reported on stderr as FILE:LINE
#    and skipped; the rest of the map loads.
# 6. Garbage never makes emmap fail: random bytes, and every fixture line
#    cut at every 7th length, with and without --summary and --svg, also
#    under ASan + UBSan when EMMAP_ASAN is given.
# 7. A map of more than 128 regions (the static arrays) loads, and the
#    doubling into emmap's scratch RAM does not change the summary.
# 8. Handoff: `emmap --summary --handoff-order K` prints the summary and
#    then exactly tests/emmap/expected/<name>.handoffK (K = 10 for every
#    fixture and pair, 0 and 20 for a few); for every e820-* / efi-*
#    fixture the four handoff_* lines equal what oracle.awk -v order=K
#    computes independently (free pieces from the log, a closed-form block
#    count), and for every .handoffK released + reserved + trimmed =
#    memory_bytes of the summary (no fixture has NOMAP memory). The
#    300-region map of 7. gives the same lines with and without its
#    scratch RAM counted out.
#
# How the expected summaries were checked (besides 2. and 3., which check
# memory_bytes and reserved_bytes of all of them automatically):
#   - e820-acer-aspire5000-...: usable 0x0-0x9f3ff -> 0x9f000 whole pages
#     (651264) + 0x100000-0x3beeffff -> 0x3bdf0000 (1004470272) = 1005121536
#     in 2 regions; no soft reserved, so nothing reserved.
#   - e820-firecracker-639k-...: 0x9fbff -> 0x9f000 (651264) + 1 GiB - 1 MiB
#     (1072693248) = 1073344512, 2 regions.
#   - e820-hp-superdome2-16s-12tib: 8 usable lines, none touching, all page
#     aligned: 8 regions; awk sum of (end + 1 - start) = 13194017427456.
#   - efi-hp-superdome2-16s-12tib: the same 8 memory runs (Conventional,
#     Boot and Loader entries touch each other); Loader Data/Code entries
#     mem04, mem08, mem35, mem37 = 0x800000 + 0x1d03000 + 0x21000 + 0x40000
#     = 39206912 bytes in 4 efi-loader regions.
#   - efi-x86-efi_fake_mem-SP-excerpt: mem53-55 carry SP: 7 GiB
#     (7516192768) reserved as one "soft-reserved" region; mem56 is 1 GiB
#     of memory.
#   - e820-hp-superdome2-16s-12tib+numa-...: node 1-15 are 768 GiB each
#     (node 1 minus the 4 KiB ACPI NVS page at 0xe000000000), node 0 the
#     rest: 13194017427456 - 15 * 824633720832 + 4096 = 824511619072.
set -u

emmap=${1:?usage: $0 EMMAP [EMMAP_ASAN]}
asan=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
maps=$here/../fixtures/maps
expected=$here/expected
tmp=$(mktemp -d "${TMPDIR:-/tmp}/emmap-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}

# summary NAME FILE...: run --summary, compare with expected/NAME.summary.
summary() {
	local name=$1 rc
	shift
	"$emmap" --summary "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		bad "$name: exit $rc: $(head -3 "$tmp/err")"
	elif [ ! -f "$expected/$name.summary" ]; then
		bad "$name: no expected/$name.summary; emmap printed:"
		cat "$tmp/out"
	elif ! diff -u "$expected/$name.summary" "$tmp/out" >"$tmp/diff"; then
		bad "$name: summary differs"
		cat "$tmp/diff"
	else
		ok
	fi
}

# value KEY FILE...: KEY's value in emmap --summary.
value() {
	local key=$1
	shift
	"$emmap" --summary "$@" 2>/dev/null | sed -n "s/^$key=//p"
}

# 1. Every fixture, and pairs read as one log.
for f in "$maps"/*.txt; do
	summary "$(basename "$f" .txt)" "$f"
done
for pair in e820-hp-superdome2-16s-12tib+numa-hp-superdome2-16node-12tib \
	efi-hp-superdome2-16s-12tib+numa-hp-superdome2-16node-12tib \
	efi-arm64-huawei-mirror-MR-4node+numa-arm64-huawei-mirror-4node-unsorted; do
	summary "$pair" "$maps/${pair%%+*}.txt" "$maps/${pair#*+}.txt"
done

# 2. The awk oracle.
for f in "$maps"/e820-*.txt "$maps"/efi-*.txt; do
	want=$(awk -f "$here/oracle.awk" "$f")
	got=$("$emmap" --summary "$f" 2>/dev/null | grep -E '^(memory|reserved)_bytes=')
	if [ "$want" = "$got" ]; then
		ok
	else
		bad "$(basename "$f"): oracle says $(echo $want), emmap $(echo $got)"
	fi
done

# 3. Same boot, two maps: equal memory.
for pair in e820-hp-superdome2-16s-12tib:efi-hp-superdome2-16s-12tib \
	e820-qemu-q35-ovmf-fedora30:efi-qemu-q35-ovmf-fedora30 \
	e820-apple-macmini3-1-grub-type20:efi-apple-macmini3-1-efi1.10-198entries; do
	a=$(value memory_bytes "$maps/${pair%%:*}.txt")
	b=$(value memory_bytes "$maps/${pair#*:}.txt")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		ok
	else
		bad "${pair%%:*} memory_bytes=$a but ${pair#*:} memory_bytes=$b"
	fi
done

# 4. Which map.
s=$(value source "$maps/e820-qemu-q35-ovmf-fedora30.txt" "$maps/efi-qemu-q35-ovmf-fedora30.txt")
[ "$s" = efi ] && ok || bad "e820 + UEFI in one log: source=$s, want efi"
both=("$maps/e820-qemu-seabios-16g-pmem-docs.txt" "$maps/e820-user-memmap-12G-4G-pmem-type12.txt")
m=$(value memory_bytes "${both[@]}")
[ "$m" = 16105598976 ] && ok || bad "BIOS-e820 + user: memory_bytes=$m, want the BIOS map's"
m=$("$emmap" --summary --user "${both[@]}" 2>/dev/null | sed -n 's/^memory_bytes=//p')
[ "$m" = 3220697088 ] && ok || bad "--user: memory_bytes=$m, want the user map's"
"$emmap" --summary "$maps/e820-user-memmap-12G-4G-pmem-type12.txt" 2>"$tmp/err" >/dev/null
grep -q "using the user: map" "$tmp/err" && ok || bad "user: fallback is not announced"

"$emmap" --x86-low "$maps/e820-firecracker-639k-issue3044.txt" 2>&1 | grep -q '"low-1mib"' && ok ||
	bad "--x86-low: no low-1mib reservation in the dump"

# 5. Bad lines.
cat >"$tmp/bad.log" <<'EOF'
[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x1000000000000000f] usable
[    0.000000] BIOS-e820: [mem 0x0000000000200000-0x00000000000fffff] usable
[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000
[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000003fffffff] usab
[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000003fffffff] usable
[    0.000000] e820: update [mem 0x00000000-0x00000fff] usable ==> reserved
[    0.000000] BIOS-e820: [gap 0x0000000040000000-0x00000000dfffffff]
 BIOS-e820: 0000000000000000 - 000000000009e000 type 99999999999
[    0.000000] SRAT: Node 64 PXM 0 [mem 0x00000000-0x7fffffff]
[    0.000000] SRAT: Node 0 PXM 0 [mem 0x00000000-0x3fffffff]
[    0.000000] SRAT: Node 0 PXM 0 [mem 0x00000000-0x3fff
EOF
"$emmap" --summary "$tmp/bad.log" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "bad lines: exit $rc"
for l in 2 3 4 5 9 10 12; do
	grep -q "^emmap: $tmp/bad.log:$l: .* line skipped: " "$tmp/err" && ok ||
		bad "bad line $l not reported"
done
n=$(grep -c 'line skipped' "$tmp/err")
[ "$n" = 7 ] && ok || bad "bad lines: $n reported, want 7: $(cat "$tmp/err")"
grep -q "^emmap: $tmp/bad.log:2: e820 line skipped: number over 64 bits" "$tmp/err" && ok ||
	bad "over 64 bits not named"
grep -q "^emmap: $tmp/bad.log:3: e820 line skipped: end before start" "$tmp/err" && ok ||
	bad "end before start not named"
printf 'source=e820\nentries=2\nmemory_bytes=1073344512\nmemory_regions=2\nreserved_bytes=0\nreserved_regions=0\nnode0_memory_bytes=1073344512\n' >"$tmp/want"
diff -u "$tmp/want" "$tmp/out" >"$tmp/diff" && ok || { bad "bad lines: summary"; cat "$tmp/diff"; }

# 6. Garbage, random and cut, never a failure.
head -c 6000 /dev/urandom >"$tmp/random.bin"
awk '{ for (n = 1; n <= length($0); n += 7) print substr($0, 1, n) }' "$maps"/*.txt >"$tmp/cut.log"
for bin in "$emmap" $asan; do
	for input in "$tmp/random.bin" "$tmp/cut.log" /dev/null; do
		for opts in "" "--summary" "--svg $tmp/g.svg"; do
			# shellcheck disable=SC2086 # opts is words
			"$bin" $opts "$input" >/dev/null 2>"$tmp/err"
			rc=$?
			[ $rc -eq 0 ] && ok || bad "$(basename "$bin") $opts $(basename "$input"): exit $rc: $(grep -v 'line skipped' "$tmp/err" | head -5)"
		done
	done
	"$bin" - <"$tmp/random.bin" >/dev/null 2>&1 && ok || bad "$(basename "$bin"): stdin garbage"
done

# 7. More regions than the static arrays: doubling into scratch RAM.
awk 'BEGIN {
	for (i = 0; i < 300; i++) {
		b = i * 2097152
		printf "BIOS-e820: [mem 0x%x-0x%x] usable\n", b, b + 1048575
		printf "BIOS-e820: [mem 0x%x-0x%x] %s\n", b + 1048576, b + 2097151, i % 2 ? "reserved" : "soft reserved"
		printf "SRAT: Node %d PXM 0 [mem 0x%x-0x%x]%s\n", i % 3, b, b + 2097151, i % 5 ? "" : " hotplug"
	}
}' >"$tmp/big.log"
printf 'source=e820\nentries=600\nmemory_bytes=314572800\nmemory_regions=300\nreserved_bytes=157286400\nreserved_regions=150\nnode0_memory_bytes=104857600\nnode1_memory_bytes=104857600\nnode2_memory_bytes=104857600\n' >"$tmp/want"
for bin in "$emmap" $asan; do
	"$bin" --summary "$tmp/big.log" >"$tmp/out" 2>"$tmp/err"
	diff -u "$tmp/want" "$tmp/out" >"$tmp/diff" && ok ||
		{ bad "$(basename "$bin"): 900 regions: summary"; cat "$tmp/diff" "$tmp/err"; }
	"$bin" "$tmp/big.log" >"$tmp/out" 2>&1
	grep -q 'doubled into emmap.s scratch RAM' "$tmp/out" && ok || bad "900 regions: no doubling?"
done

# 8. Handoff.
# handoff NAME K FILE...: summary + expected/NAME.handoffK, and the invariant.
handoff() {
	local name=$1 k=$2 rc mem rel res trim
	shift 2
	"$emmap" --summary --handoff-order "$k" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$expected/$name.summary" "$expected/$name.handoff$k" >"$tmp/want" 2>/dev/null
	if [ $rc -ne 0 ]; then
		bad "$name K=$k: exit $rc: $(head -3 "$tmp/err")"
	elif [ ! -f "$expected/$name.handoff$k" ]; then
		bad "$name: no expected/$name.handoff$k; emmap printed:"
		cat "$tmp/out"
	elif ! diff -u "$tmp/want" "$tmp/out" >"$tmp/diff"; then
		bad "$name K=$k: handoff differs"
		cat "$tmp/diff"
	else
		ok
	fi
	mem=$(sed -n 's/^memory_bytes=//p' "$expected/$name.summary")
	rel=$(sed -n 's/^handoff_released_bytes=//p' "$expected/$name.handoff$k")
	res=$(sed -n 's/^handoff_reserved_bytes=//p' "$expected/$name.handoff$k")
	trim=$(sed -n 's/^handoff_trimmed_bytes=//p' "$expected/$name.handoff$k")
	if [ -n "$mem" ] && [ -n "$rel" ] && [ $((rel + res + trim)) = "$mem" ]; then
		ok
	else
		bad "$name K=$k: released $rel + reserved $res + trimmed $trim != memory $mem"
	fi
}
for f in "$maps"/*.txt; do
	handoff "$(basename "$f" .txt)" 10 "$f"
done
for pair in e820-hp-superdome2-16s-12tib+numa-hp-superdome2-16node-12tib \
	efi-hp-superdome2-16s-12tib+numa-hp-superdome2-16node-12tib \
	efi-arm64-huawei-mirror-MR-4node+numa-arm64-huawei-mirror-4node-unsorted; do
	handoff "$pair" 10 "$maps/${pair%%+*}.txt" "$maps/${pair#*+}.txt"
done
for name in e820-firecracker-639k-issue3044 efi-qemu-q35-ovmf-fedora30; do
	handoff "$name" 0 "$maps/$name.txt"
done
for name in e820-hp-superdome2-16s-12tib efi-arm64-huawei-mirror-MR-4node; do
	handoff "$name" 20 "$maps/$name.txt"
done
for f in "$maps"/e820-*.txt "$maps"/efi-*.txt; do
	for k in 0 10 20; do
		[ -f "$expected/$(basename "$f" .txt).handoff$k" ] || continue
		want=$(awk -v order=$k -f "$here/oracle.awk" "$f" | grep '^handoff_')
		got=$("$emmap" --summary --handoff-order $k "$f" 2>/dev/null | grep '^handoff_')
		[ "$want" = "$got" ] && ok ||
			bad "$(basename "$f") K=$k: oracle says $(echo $want), emmap $(echo $got)"
	done
done
# The scratch RAM of the 300-region map is not in the handoff: 300 x 1 MiB at
# 2 MiB steps, nothing reserved in memory, one order-8 block each.
printf 'handoff_released_bytes=314572800\nhandoff_blocks=300\nhandoff_reserved_bytes=0\nhandoff_trimmed_bytes=0\n' >"$tmp/want"
for bin in "$emmap" $asan; do
	"$bin" --summary --handoff-order 10 "$tmp/big.log" 2>"$tmp/err" | grep '^handoff_' >"$tmp/out"
	diff -u "$tmp/want" "$tmp/out" >"$tmp/diff" && ok ||
		{ bad "$(basename "$bin"): 900 regions: handoff"; cat "$tmp/diff" "$tmp/err"; }
done
# RAM over the whole address space: the block count is arithmetic, not a
# walk of 2^42 callbacks (the last byte is never memory: 2^52 - 1 pages).
echo 'BIOS-e820: [mem 0x0000000000000000-0xffffffffffffffff] usable' >"$tmp/all.log"
got=$(timeout 20 "$emmap" --summary --handoff-order 10 "$tmp/all.log" 2>/dev/null |
	grep '^handoff_blocks=')
[ "$got" = "handoff_blocks=$(((1 << 42) - 1 + 10))" ] && ok ||
	bad "whole address space: '$got' (timeout or wrong count)"
# Thousands of odd firmware types share one row: the picture stays linear
# in the input (one row per type made it quadratic: gigabytes of SVG).
awk 'BEGIN { for (i = 0; i < 3000; i++)
	printf "BIOS-e820: [mem 0x%016x-0x%016x] type %d\n", i * 16384, i * 16384 + 4095, 100 + i }' \
	>"$tmp/types.log"
timeout 20 "$emmap" --summary --svg "$tmp/types.svg" "$tmp/types.log" >/dev/null 2>&1
size=$(wc -c <"$tmp/types.svg" 2>/dev/null || echo 0)
[ "$size" -gt 0 ] && [ "$size" -lt 30000000 ] && ok || bad "3000 firmware types: SVG of $size bytes"
for k in 52 x -1 ""; do
	"$emmap" --summary --handoff-order "$k" "$maps/e820-firecracker-639k-issue3044.txt" >/dev/null 2>&1
	[ $? -eq 2 ] && ok || bad "--handoff-order '$k' is not a usage error"
done

# The pictures are well-formed XML (when xmllint is there).
if command -v xmllint >/dev/null 2>&1; then
	for f in "$maps"/*.txt "$tmp/big.log"; do
		"$emmap" --summary --svg "$tmp/p.svg" "$f" >/dev/null 2>&1 &&
			xmllint --noout "$tmp/p.svg" 2>"$tmp/err" && ok ||
			bad "$(basename "$f"): SVG: $(head -3 "$tmp/err")"
	done
fi

echo "emmap: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
